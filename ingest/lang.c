/*
** lang.c — language profiles loaded from data files, and language detection.
**
** Each <code>.lang file in the data folder describes one language: its ICU
** locale, whether extraction supports it, its most frequent function words
** (for detection), the abbreviations that never end a sentence, and the
** boilerplate patterns of its press. common.lang holds patterns for every
** language. Format: ingest/data/README.md.
**
** Detection counts, over the first 64 KiB of text, the words found in each
** language's function-word list and takes the language with the largest
** share. Function words are the classic signal for telling close languages
** apart on news-length texts (Spanish and Italian are never taken for French
** because each has its own list, and words such as "de" that several share
** count for all of them). Accuracy measured on ../shared/corpus-bench is in
** the README.
*/
#include "ingest_int.h"
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int sw_grow(nc_ingester *ing)
{
    size_t cap = ing->sw_cap ? ing->sw_cap * 2 : 4096;
    char **keys = calloc(cap, sizeof *keys);
    uint32_t *mask = calloc(cap, sizeof *mask);
    if (!keys || !mask) {
        free(keys);
        free(mask);
        return 0;
    }
    for (size_t i = 0; i < ing->sw_cap; i++) {
        if (!ing->sw_keys[i])
            continue;
        size_t h = fnv(ing->sw_keys[i], strlen(ing->sw_keys[i])) & (cap - 1);
        while (keys[h])
            h = (h + 1) & (cap - 1);
        keys[h] = ing->sw_keys[i];
        mask[h] = ing->sw_mask[i];
    }
    free(ing->sw_keys);
    free(ing->sw_mask);
    ing->sw_keys = keys;
    ing->sw_mask = mask;
    ing->sw_cap = cap;
    return 1;
}


static int sw_add(nc_ingester *ing, const char *w, size_t n, uint32_t bit)
{
    if ((ing->sw_n + 1) * 2 >= ing->sw_cap && !sw_grow(ing))
        return 0;
    size_t h = fnv(w, n) & (ing->sw_cap - 1);
    while (ing->sw_keys[h]) {
        if (strlen(ing->sw_keys[h]) == n && !memcmp(ing->sw_keys[h], w, n)) {
            ing->sw_mask[h] |= bit;
            return 1;
        }
        h = (h + 1) & (ing->sw_cap - 1);
    }
    if (!(ing->sw_keys[h] = xstrndup(w, n)))
        return 0;
    ing->sw_mask[h] = bit;
    ing->sw_n++;
    return 1;
}

static uint32_t sw_get(const nc_ingester *ing, const char *w, size_t n)
{
    if (!ing->sw_cap)
        return 0;
    size_t h = fnv(w, n) & (ing->sw_cap - 1);
    while (ing->sw_keys[h]) {
        /* the key is n bytes long and equal: strncmp stops at its end, no strlen per probe */
        if (!strncmp(ing->sw_keys[h], w, n) && ing->sw_keys[h][n] == 0)
            return ing->sw_mask[h];
        h = (h + 1) & (ing->sw_cap - 1);
    }
    return 0;
}

/* extra: compile options of this kind of pattern (a drop pattern matches
** a whole paragraph: PCRE2_ANCHORED | PCRE2_ENDANCHORED at compile time,
** where JIT-compiled code can use them; passed at match time they would
** send every paragraph through the interpreter) */
static int add_pattern(pcre2_code ***arr, size_t *n, const char *pat, uint32_t extra, int no_jit,
                       const char *where, nc_error *err)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_MULTILINE | extra,
                                   &ec, &eo, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        return nc_error_set(err, NC_E_RULES, where, "offset %zu: %s", (size_t)eo, (char *)msg);
    }
    if (!no_jit)
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);   /* interpreted code is kept on failure */
    pcre2_code **a = realloc(*arr, (*n + 1) * sizeof *a);
    if (!a) {
        pcre2_code_free(re);
        return nc_error_set(err, NC_E_NOMEM, where, "out of memory");
    }
    a[(*n)++] = re;
    *arr = a;
    return NC_OK;
}

static void profile_free(lang_profile *p)
{
    for (size_t i = 0; i < p->n_abbrevs; i++)
        free(p->abbrevs[i]);
    free(p->abbrevs);
    for (size_t i = 0; i < p->n_drop; i++)
        pcre2_code_free(p->drop[i]);
    free(p->drop);
    for (size_t i = 0; i < p->n_cut; i++)
        pcre2_code_free(p->cut[i]);
    free(p->cut);
    for (size_t i = 0; i < p->n_credit; i++)
        pcre2_code_free(p->credit[i]);
    free(p->credit);
    memset(p, 0, sizeof *p);
}

static int load_file(nc_ingester *ing, const char *path, nc_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return nc_error_set(err, NC_E_IO, path, "cannot open language file");
    lang_profile p = { 0 };
    char line[8192], where[4200];
    int lineno = 0, rc = NC_OK, is_common = 0;
    /* stopwords are added once the code (and so the bit) is known */
    buf words = { 0 };
    while (rc == NC_OK && fgets(line, sizeof line, f)) {
        lineno++;
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (!n || line[0] == '#')
            continue;
        char *sp = strchr(line, ' ');
        if (!sp) {
            rc = nc_error_set(err, NC_E_RULES, where, "expected \"directive value\"");
            break;
        }
        *sp = 0;
        const char *dir = line, *val = sp + 1;
        while (*val == ' ')
            val++;
        if (!strcmp(dir, "lang")) {
            if (!strcmp(val, "*"))
                is_common = 1;
            else if (strlen(val) >= sizeof p.code)
                rc = nc_error_set(err, NC_E_RULES, where, "language code too long");
            else
                strcpy(p.code, val);
        } else if (!strcmp(dir, "locale")) {
            snprintf(p.locale, sizeof p.locale, "%s", val);
        } else if (!strcmp(dir, "supported")) {
            p.is_supported = !strcmp(val, "yes");
        } else if (!strcmp(dir, "ordinal_dot")) {
            p.has_ordinal_dot = !strcmp(val, "yes");
        } else if (!strcmp(dir, "stopwords")) {
            buf_adds(&words, val);
            buf_addc(&words, ' ');
        } else if (!strcmp(dir, "abbrev")) {
            const char *s = val;
            while (*s) {
                while (*s == ' ')
                    s++;
                const char *e = s;
                while (*e && *e != ' ')
                    e++;
                if (e > s) {
                    char **a = realloc(p.abbrevs, (p.n_abbrevs + 1) * sizeof *a);
                    if (!a) { rc = NC_E_NOMEM; break; }
                    p.abbrevs = a;
                    p.abbrevs[p.n_abbrevs++] = xstrndup(s, (size_t)(e - s));
                }
                s = e;
            }
        } else if (!strcmp(dir, "drop")) {
            rc = add_pattern(&p.drop, &p.n_drop, val, PCRE2_ANCHORED | PCRE2_ENDANCHORED, ing->opts.no_jit, where, err);
        } else if (!strcmp(dir, "cut")) {
            rc = add_pattern(&p.cut, &p.n_cut, val, 0, ing->opts.no_jit, where, err);
        } else if (!strcmp(dir, "credit")) {
            rc = add_pattern(&p.credit, &p.n_credit, val, 0, ing->opts.no_jit, where, err);
        } else {
            rc = nc_error_set(err, NC_E_RULES, where, "unknown directive \"%s\"", dir);
        }
    }
    fclose(f);
    if (rc == NC_OK && !is_common && !p.code[0])
        rc = nc_error_set(err, NC_E_RULES, path, "no \"lang\" line");
    if (rc == NC_OK && !is_common && ing->n_langs >= NC_MAX_LANGS)
        rc = nc_error_set(err, NC_E_RULES, path, "more than %d languages", NC_MAX_LANGS);
    if (rc != NC_OK) {
        profile_free(&p);
        buf_free(&words);
        return rc;
    }
    if (is_common) {
        profile_free(&ing->common);
        ing->common = p;
    } else {
        if (!p.locale[0])
            snprintf(p.locale, sizeof p.locale, "%s", p.code);
        uint32_t bit = 1u << ing->n_langs;
        const char *s = words.p ? words.p : "";
        while (*s) {
            while (*s == ' ')
                s++;
            const char *e = s;
            while (*e && *e != ' ')
                e++;
            if (e > s && !sw_add(ing, s, (size_t)(e - s), bit)) {
                buf_free(&words);
                profile_free(&p);
                return nc_error_set(err, NC_E_NOMEM, path, "out of memory");
            }
            s = e;
        }
        ing->langs[ing->n_langs] = p;
        ing->codes[ing->n_langs] = ing->langs[ing->n_langs].code;
        ing->n_langs++;
    }
    buf_free(&words);
    return NC_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int lang_load_all(nc_ingester *ing, nc_error *err)
{
    DIR *d = opendir(ing->data_dir);
    if (!d)
        return nc_error_set(err, NC_E_RULES, ing->data_dir,
                            "cannot open the ingest data folder (set --data or NEWSCLAIMS_DATA)");
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256) {
        size_t l = strlen(e->d_name);
        if (l > 5 && !strcmp(e->d_name + l - 5, ".lang") && e->d_name[0] != '.')
            names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);   /* language bits in a stable order */
    int rc = NC_OK;
    for (size_t i = 0; i < n; i++) {
        if (rc == NC_OK) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", ing->data_dir, names[i]);
            rc = load_file(ing, path, err);
        }
        free(names[i]);
    }
    if (rc == NC_OK && ing->n_langs == 0)
        rc = nc_error_set(err, NC_E_RULES, ing->data_dir, "no <lang>.lang files in the data folder");
    return rc;
}

void lang_free_all(nc_ingester *ing)
{
    for (size_t i = 0; i < ing->n_langs; i++)
        profile_free(&ing->langs[i]);
    profile_free(&ing->common);
    for (size_t i = 0; i < ing->sw_cap; i++)
        free(ing->sw_keys[i]);
    free(ing->sw_keys);
    free(ing->sw_mask);
}

const lang_profile *lang_find(const nc_ingester *ing, const char *code)
{
    for (size_t i = 0; i < ing->n_langs; i++)
        if (!strcmp(ing->langs[i].code, code))
            return &ing->langs[i];
    return NULL;
}

/* ASCII letters, as isalpha() in the C locale, without its table lookups */
#define IS_ALPHA_ASCII(c) ((unsigned)(((c) | 0x20) - 'a') < 26u)

void lang_detect(const nc_ingester *ing, const char *t, size_t len, char code[8], double *margin)
{
    size_t counts[NC_MAX_LANGS] = { 0 }, total = 0;
    size_t lim = len < 65536 ? len : 65536;
    char w[64];
    size_t i = 0;
    while (i < lim) {
        unsigned char c = (unsigned char)t[i];
        if (!(IS_ALPHA_ASCII(c) || c >= 0x80 || c == '\'')) {
            i++;
            continue;
        }
        size_t s = i, wn = 0;
        while (i < lim) {
            c = (unsigned char)t[i];
            if (!(IS_ALPHA_ASCII(c) || c >= 0x80))
                break;
            if (wn < sizeof w - 1)
                w[wn++] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
            i++;
        }
        /* "l'entreprise", "d'Amazon": the elided article counts as a word */
        if (i < lim && t[i] == '\'' && wn <= 2 && wn > 0) {
            if (wn < sizeof w - 1)
                w[wn++] = '\'';
            i++;
        }
        if (i == s) {
            i++;
            continue;
        }
        total++;
        uint32_t m = sw_get(ing, w, wn);
        for (size_t k = 0; m && k < ing->n_langs; k++, m >>= 1)
            if (m & 1)
                counts[k]++;
    }
    size_t best = 0, second = 0;
    int bi = -1;
    for (size_t k = 0; k < ing->n_langs; k++) {
        if (counts[k] > best) {
            second = best;
            best = counts[k];
            bi = (int)k;
        } else if (counts[k] > second) {
            second = counts[k];
        }
    }
    /* fewer than 3 function words, or under 5% of the words: too little to tell */
    if (bi < 0 || best < 3 || best * 20 < total) {
        strcpy(code, "und");
        *margin = 0;
        return;
    }
    strcpy(code, ing->langs[bi].code);
    *margin = (double)(best - second) / (double)best;
}
