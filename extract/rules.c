/*
** rules.c — load <lang>.rules files, expand them, compile them with PCRE2 JIT.
**
** File format: rules/README.md. In short: "lex NAME VALUE|surface|surface"
** lines define lexicons (canonical value first, then the ways it is
** written); "def NAME REGEX" names a sub-pattern; "rule ID" starts a rule,
** followed by "kind", "pattern" (and "pattern+" to continue it), optional
** "predicate", "unit", "value", "qualifier", "claims no", and "example TEXT => EXPECTED".
**
** In a pattern, {NAME} stands for a def (inserted as a non-capturing group)
** or a lexicon (an alternation of its surfaces, longest first, regex
** metacharacters escaped, a space matching any run of white space, written
** as a trie: sb_add_surfaces); {orgs}
** is the gazetteer's aliases for the language. A '{' followed by a digit is
** an ordinary quantifier.
**
** Rules compile with PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_DUPNAMES
** (a rule may use (?-i) for case-sensitive parts), then pcre2_jit_compile;
** if JIT fails the interpreted code is kept. Group names are resolved to
** numbers once, here, per role (num, scale, currency, ...), so the C code
** never looks at language words.
*/
#include "extract_int.h"
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

static const char *const role_names[G_ROLE_COUNT] = {
    "num", "num2", "word", "word2", "scale", "scale2", "currency", "currency2",
    "qual", "vague", "half", "unit", "noun", "day", "month", "year", "quarter",
    "halfyear", "rel", "ago", "src", "name", "day2", "month2", "year2", "cents", "centsword",
    "weekday", "prev", "next", "this", "ahead",
    "neg", "whole", "wholeword", "denom", "denomword", "fraction", "exp10", "pointwords", "pow", "nextweek", "lastweek",
    "denomhead", "decimals", "nth", "lastyear", "nextyear", "season", "rest", "todate", "week", "monthrel",
    "later", "earlier"
};

static const char *const kind_names[RK_KIND_COUNT] = {
    "money", "percent", "count", "date", "duration", "org", "number",
    "trigger", "negation", "hedge", "attribution", "reference", "party"
};

const char *rule_kind_name(rule_kind k)
{
    return (unsigned)k < RK_KIND_COUNT ? kind_names[k] : "?";
}

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

static char *dup(const char *s) { return s ? dupn(s, strlen(s)) : NULL; }

/* ---------------------------------------------------------------- folding */

void fold_utf8(const char *s, size_t len, char *out, size_t size)
{
    UChar u[512], f[512];
    int32_t ulen = 0;
    UErrorCode st = U_ZERO_ERROR;
    if (len > 400)
        len = 400;
    u_strFromUTF8WithSub(u, 512, &ulen, s, (int32_t)len, 0xFFFD, NULL, &st);
    if (U_FAILURE(st)) {
        snprintf(out, size, "%.*s", (int)len, s);
        return;
    }
    st = U_ZERO_ERROR;
    int32_t flen = u_strFoldCase(f, 512, u, ulen, U_FOLD_CASE_DEFAULT, &st);
    if (U_FAILURE(st) || flen > 512)
        flen = 0;
    /* unify white space (NBSP, tabs) to one plain space, trim */
    UChar g[512];
    int32_t glen = 0;
    int sp = 0;
    for (int32_t i = 0; i < flen; i++) {
        UChar c = f[i];
        if (u_isUWhiteSpace(c) || c == 0xA0 || c == 0x202F) {
            sp = glen > 0;
            continue;
        }
        if (sp)
            g[glen++] = ' ';
        sp = 0;
        g[glen++] = c;
    }
    int32_t blen = 0;
    st = U_ZERO_ERROR;
    u_strToUTF8(out, (int32_t)size - 1, &blen, g, glen, &st);
    if (U_FAILURE(st))
        blen = 0;
    out[blen] = 0;
}

/* --------------------------------------------------------------- lexicons */

/* the lexicon named by the n bytes at name, NULL if none */
static const lexicon *lex_find_n(const ruleset *rs, const char *name, size_t n)
{
    for (size_t i = 0; i < rs->n_lex; i++)
        if (strlen(rs->lex[i].name) == n && !memcmp(rs->lex[i].name, name, n))
            return &rs->lex[i];
    return NULL;
}

const lexicon *lex_find(const ruleset *rs, const char *name)
{
    return lex_find_n(rs, name, strlen(name));
}

const char *lex_lookup(const ruleset *rs, const char *name, const char *text, size_t len)
{
    return lex_value(lex_find(rs, name), text, len);
}

const char *lex_value(const lexicon *lx, const char *text, size_t len)
{
    if (!lx)
        return NULL;
    char f[512];
    fold_utf8(text, len, f, sizeof f);
    for (size_t i = 0; i < lx->n; i++)
        if (!strcmp(lx->v[i].folded, f))
            return lx->v[i].value;
    return NULL;
}

int folded_has_word(const char *text, const char *surface)
{
    /* "*ed": any word ending so whose stem has three letters or more (the
    ** regular past of English: "rejected", not "need") */
    int suffix = surface[0] == '*';
    if (suffix)
        surface++;
    size_t n = strlen(surface);
    if (!n)
        return 0;
    for (const char *p = strstr(text, surface); p; p = strstr(p + 1, surface)) {
        int after = !(isalnum((unsigned char)p[n]) || (unsigned char)p[n] >= 0x80);
        if (!after)
            continue;
        if (suffix) {
            size_t stem = 0;
            while (p - stem > text && (isalpha((unsigned char)p[-1 - (long)stem]) || (unsigned char)p[-1 - (long)stem] >= 0x80))
                stem++;
            if (stem >= 3)
                return 1;
            continue;
        }
        int before = p == text || !(isalnum((unsigned char)p[-1]) || (unsigned char)p[-1] >= 0x80);
        if (before)
            return 1;
    }
    return 0;
}

static lexicon *lex_get(ruleset *rs, const char *name)
{
    for (size_t i = 0; i < rs->n_lex; i++)
        if (!strcmp(rs->lex[i].name, name))
            return &rs->lex[i];
    lexicon *v = realloc(rs->lex, (rs->n_lex + 1) * sizeof *v);
    if (!v)
        return NULL;
    rs->lex = v;
    lexicon *l = &rs->lex[rs->n_lex++];
    memset(l, 0, sizeof *l);
    snprintf(l->name, sizeof l->name, "%s", name);
    return l;
}

static int lex_add_line(ruleset *rs, const char *name, const char *val)
{
    lexicon *l = lex_get(rs, name);
    if (!l)
        return 0;
    const char *bar = strchr(val, '|');
    if (!bar)
        return 0;
    char *value = dupn(val, (size_t)(bar - val));
    const char *s = bar + 1;
    for (;;) {
        const char *e = strchr(s, '|');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        while (n && s[n - 1] == ' ')
            n--;
        while (n && *s == ' ')
            s++, n--;
        if (n) {
            lex_entry *v = realloc(l->v, (l->n + 1) * sizeof *v);
            if (!v) {
                free(value);
                return 0;
            }
            l->v = v;
            lex_entry *en = &l->v[l->n++];
            en->value = dup(value);
            en->surface = dupn(s, n);
            en->folded = malloc(256);
            fold_utf8(s, n, en->folded, 256);
        }
        if (!e)
            break;
        s = e + 1;
    }
    free(value);
    return 1;
}

static int cmp_len_desc(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t lx = strlen(x), ly = strlen(y);
    if (lx != ly)
        return lx < ly ? 1 : -1;
    return strcmp(x, y);
}

/* ------------------------------------------------------------ expansion */

typedef struct sb {
    char *p;
    size_t len, cap;
    int is_oom;
} sb;

static void sb_add(sb *b, const char *s, size_t n)
{
    if (b->is_oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->is_oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void sb_adds(sb *b, const char *s) { sb_add(b, s, strlen(s)); }

/* s with regex metacharacters escaped; a space matches any white space run */
static void sb_add_literal(sb *b, const char *s)
{
    for (; *s; s++) {
        if (*s == ' ') {
            sb_adds(b, "\\s+");
        } else if (strchr("\\^$.|?*+()[]{}-/#", *s)) {
            char e[3] = { '\\', *s, 0 };
            sb_adds(b, e);
        } else {
            sb_add(b, s, 1);
        }
    }
}

/* An alternation of literal surfaces, longest first ("millions" before
** "million"), factored into a trie so that the regex engine reads each
** shared beginning once: "seven|seventeen|seventy|six" is written
** "(?:s(?:even(?:teen|ty)?|ix))". A step of the trie is one code point as
** written, or a run of white space for a space. At every step the longer
** surfaces are tried first (a step's branches, then its end): the order of
** the flat alternation, for the surfaces matching at one place lie on one
** path. The one catch is case, since a lexicon may stand in caseless or in
** case-sensitive (?-i) text: branches whose code points differ only by
** case ("Mio", "mio") become one class step ("[Mm]io") when what follows
** them is the same, else their surfaces are written flat there, longest
** first; both read the same in either case mode. A surface with white space
** other than a space (which \s+ would also match) or of 512 bytes or more
** leaves the whole alternation flat, as does running out of memory; (*FAIL)
** when there is no surface. Sorts s in place. */
#define TRIE_SPACE 0x110000          /* a step that is a run of white space */

typedef struct tnode {
    uint32_t key;                    /* the code point, or TRIE_SPACE */
    int end;                         /* a surface ends here */
    struct tnode **kid;
    size_t n_kid, cap_kid;
} tnode;

static void trie_free(tnode *t)
{
    for (size_t i = 0; i < t->n_kid; i++)
        trie_free(t->kid[i]);
    free(t->kid);
    free(t);
}

/* Add surface s under root: 1 done, 0 out of memory or a surface the trie
** does not take (the caller then writes the flat alternation). */
static int trie_add(tnode *root, const char *s)
{
    tnode *t = root;
    int32_t i = 0, n = (int32_t)strlen(s);
    while (i < n) {
        UChar32 c;
        U8_NEXT((const uint8_t *)s, i, n, c);
        if (c < 0 || (c != ' ' && u_isUWhiteSpace(c)))
            return 0;
        uint32_t key = c == ' ' ? TRIE_SPACE : (uint32_t)c;
        tnode *k = NULL;
        for (size_t j = 0; j < t->n_kid && !k; j++)
            if (t->kid[j]->key == key)
                k = t->kid[j];
        if (!k) {
            if (t->n_kid == t->cap_kid) {
                size_t cap = t->cap_kid ? t->cap_kid * 2 : 4;
                tnode **v = realloc(t->kid, cap * sizeof *v);
                if (!v)
                    return 0;
                t->kid = v;
                t->cap_kid = cap;
            }
            if (!(k = calloc(1, sizeof *k)))
                return 0;
            k->key = key;
            t->kid[t->n_kid++] = k;
        }
        t = k;
    }
    t->end = 1;
    return 1;
}

/* Do a and b end the same surfaces (their own steps aside)? */
static int trie_same(const tnode *a, const tnode *b)
{
    if (a->end != b->end || a->n_kid != b->n_kid)
        return 0;
    for (size_t i = 0; i < a->n_kid; i++) {
        const tnode *m = NULL;
        for (size_t j = 0; j < b->n_kid && !m; j++)
            if (b->kid[j]->key == a->kid[i]->key)
                m = b->kid[j];
        if (!m || !trie_same(a->kid[i], m))
            return 0;
    }
    return 1;
}

static uint32_t trie_fold(uint32_t key)
{
    return key == TRIE_SPACE ? key : (uint32_t)u_foldCase((UChar32)key, U_FOLD_CASE_DEFAULT);
}

/* One code point of a literal, escaped as sb_add_literal escapes it; or,
** in a class, with \ ] ^ - [ escaped. */
static void sb_add_cp(sb *b, uint32_t key, int in_class)
{
    char u[8];
    int32_t k = 0;
    if (key == TRIE_SPACE) {
        sb_adds(b, "\\s+");
        return;
    }
    if (key < 0x80 && strchr(in_class ? "\\]^-[" : "\\^$.|?*+()[]{}-/#", (int)key)) {
        u[k++] = '\\';
        u[k++] = (char)key;
    } else {
        U8_APPEND_UNSAFE((uint8_t *)u, k, (UChar32)key);
    }
    sb_add(b, u, (size_t)k);
}

/* The surfaces ending under t, each prefixed with pre (UTF-8, a space for
** a run of white space), appended to *v. 0 when out of memory. */
static int trie_collect(const tnode *t, char *pre, size_t n, char ***v, size_t *nv, size_t *cap)
{
    char u[8];
    int32_t k = 0;
    U8_APPEND_UNSAFE((uint8_t *)u, k, t->key == TRIE_SPACE ? ' ' : (UChar32)t->key);
    if (n + (size_t)k + 1 > 1024)
        return 0;
    memcpy(pre + n, u, (size_t)k);
    n += (size_t)k;
    pre[n] = 0;
    if (t->end) {
        if (*nv == *cap) {
            size_t c = *cap ? *cap * 2 : 8;
            char **w = realloc(*v, c * sizeof *w);
            if (!w)
                return 0;
            *v = w;
            *cap = c;
        }
        if (!((*v)[*nv] = malloc(n + 1)))
            return 0;
        memcpy((*v)[(*nv)++], pre, n + 1);
    }
    for (size_t i = 0; i < t->n_kid; i++)
        if (!trie_collect(t->kid[i], pre, n, v, nv, cap))
            return 0;
    return 1;
}

/* What may follow node t: its branches, each a step and what follows it,
** then (by a greedy '?') its end. */
static void trie_emit(sb *b, const tnode *t)
{
    if (!t->n_kid)
        return;
    int group = t->n_kid > 1 || t->end;
    if (group)
        sb_adds(b, "(?:");
    unsigned char *done = calloc(t->n_kid, 1);
    if (!done) {
        b->is_oom = 1;
        return;
    }
    int first = 1;
    for (size_t i = 0; i < t->n_kid; i++) {
        if (done[i])
            continue;
        /* the branches that differ from this one only by case */
        uint32_t f = trie_fold(t->kid[i]->key);
        size_t n_case = 0;
        int same = 1;
        for (size_t j = i; j < t->n_kid; j++)
            if (!done[j] && trie_fold(t->kid[j]->key) == f) {
                n_case++;
                same &= trie_same(t->kid[i], t->kid[j]);
            }
        if (!first)
            sb_adds(b, "|");
        first = 0;
        if (n_case == 1 || same) {
            if (n_case == 1) {
                sb_add_cp(b, t->kid[i]->key, 0);
            } else {
                sb_adds(b, "[");
                for (size_t j = i; j < t->n_kid; j++)
                    if (!done[j] && trie_fold(t->kid[j]->key) == f)
                        sb_add_cp(b, t->kid[j]->key, 1);
                sb_adds(b, "]");
            }
            for (size_t j = i; j < t->n_kid; j++)
                if (trie_fold(t->kid[j]->key) == f)
                    done[j] = 1;
            trie_emit(b, t->kid[i]);
            continue;
        }
        /* case variants followed by different surfaces: those surfaces flat */
        char **v = NULL, pre[1024];
        size_t nv = 0, cap = 0;
        int ok = 1;
        for (size_t j = i; j < t->n_kid && ok; j++)
            if (!done[j] && trie_fold(t->kid[j]->key) == f) {
                done[j] = 1;
                ok = trie_collect(t->kid[j], pre, 0, &v, &nv, &cap);
            }
        if (ok) {
            qsort(v, nv, sizeof *v, cmp_len_desc);
            for (size_t j = 0; j < nv; j++) {
                if (j)
                    sb_adds(b, "|");
                sb_add_literal(b, v[j]);
            }
        } else {
            b->is_oom = 1;
        }
        for (size_t j = 0; j < nv; j++)
            free(v[j]);
        free(v);
    }
    free(done);
    if (group)
        sb_adds(b, t->end ? ")?" : ")");
}

static void sb_add_surfaces(sb *b, const char **s, size_t n)
{
    if (n > 1)
        qsort(s, n, sizeof *s, cmp_len_desc);
    tnode *root = calloc(1, sizeof *root);
    int ok = root != NULL;
    for (size_t i = 0; ok && i < n; i++)   /* trie_collect keeps a surface in 1 KB */
        ok = s[i][0] && strlen(s[i]) < 512 && trie_add(root, s[i]);
    if (ok && n) {
        sb_adds(b, "(?:");
        trie_emit(b, root);
        sb_adds(b, ")");
    } else {
        sb_adds(b, "(?:");
        for (size_t i = 0; i < n; i++) {
            if (i)
                sb_adds(b, "|");
            sb_add_literal(b, s[i]);
        }
        if (!n)
            sb_adds(b, "(*FAIL)");
        sb_adds(b, ")");
    }
    if (root)
        trie_free(root);
}

static void sb_add_alternation(sb *b, const lexicon *l)
{
    const char **s = malloc((l->n ? l->n : 1) * sizeof *s);
    if (!s) {
        b->is_oom = 1;
        return;
    }
    for (size_t i = 0; i < l->n; i++)
        s[i] = l->v[i].surface;
    sb_add_surfaces(b, s, l->n);
    free(s);
}

typedef struct def {
    char *name;
    char *regex;     /* expanded */
} def;

typedef struct loader {
    nc_extractor *x;
    ruleset *rs;
    def *defs;
    size_t n_defs;
    char where[512];
} loader;

/* Expand {NAME} references. Returns a malloc'd string or NULL with err. */
static char *expand(loader *ld, const char *src, nc_error *err)
{
    sb b = { 0 };
    for (const char *p = src; *p;) {
        if (*p == '\\' && p[1]) {
            /* \x{A0}, \p{L}, \g{1}: the braces belong to the escape */
            if (p[2] == '{' && strchr("xpPgkNo", p[1])) {
                const char *e = strchr(p + 3, '}');
                size_t n = e ? (size_t)(e - p) + 1 : 2;
                sb_add(&b, p, n);
                p += n;
                continue;
            }
            sb_add(&b, p, 2);
            p += 2;
            continue;
        }
        if (*p == '{' && (isalpha((unsigned char)p[1]) || p[1] == '_')) {
            const char *e = strchr(p, '}');
            if (!e) {
                free(b.p);
                nc_error_set(err, NC_E_RULES, ld->where, "unclosed {reference}");
                return NULL;
            }
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(e - p - 1), p + 1);
            const def *d = NULL;
            for (size_t i = 0; i < ld->n_defs; i++)
                if (!strcmp(ld->defs[i].name, name))
                    d = &ld->defs[i];
            const lexicon *l = lex_find(ld->rs, name);
            if (d) {
                sb_adds(&b, "(?:");
                sb_adds(&b, d->regex);
                sb_adds(&b, ")");
            } else if (l) {
                sb_add_alternation(&b, l);
            } else if (!strcmp(name, "orgs")) {
                /* the gazetteer's aliases, matched case-sensitively ("X", "Meta") */
                const char **aliases = NULL;
                if (orgs_inflect(ld->x, ld->rs) != NC_OK) {
                    free(b.p);
                    nc_error_set(err, NC_E_NOMEM, ld->where, "out of memory");
                    return NULL;
                }
                size_t n = orgs_aliases(ld->x, ld->rs->lang, &aliases);
                if (!aliases) {
                    free(b.p);
                    nc_error_set(err, NC_E_NOMEM, ld->where, "out of memory");
                    return NULL;
                }
                sb_adds(&b, "(?-i:");
                sb_add_surfaces(&b, aliases, n);
                sb_adds(&b, ")");
                free(aliases);
            } else {
                free(b.p);
                nc_error_set(err, NC_E_RULES, ld->where, "unknown reference {%s} (no def or lex of that name above)", name);
                return NULL;
            }
            p = e + 1;
            continue;
        }
        sb_add(&b, p, 1);
        p++;
    }
    if (b.is_oom) {
        free(b.p);
        nc_error_set(err, NC_E_NOMEM, ld->where, "out of memory");
        return NULL;
    }
    return b.p ? b.p : dup("");
}

/* ---------------------------------------------------------------- rules */

static void rule_free(rule *r)
{
    free(r->id);
    free(r->pattern_src);
    if (r->code)
        pcre2_code_free(r->code);
    if (r->code_anchored)
        pcre2_code_free(r->code_anchored);
    free(r->anchor_spec);
    free(r->anchors.prefix);
    free(r->anchors.hash);
    free(r->needs_spec);
    free(r->needs.prefix);
    free(r->needs.hash);
    free(r->predicate);
    free(r->unit);
    free(r->value);
    free(r->qualifier);
    free(r->notafter);
    for (size_t i = 0; i < r->n_examples; i++) {
        free(r->examples[i].text);
        free(r->examples[i].expect);
    }
    free(r->examples);
    for (size_t i = 0; i < r->n_frames; i++) {
        free(r->frames[i].src);
        if (r->frames[i].code)
            pcre2_code_free(r->frames[i].code);
    }
    free(r->frames);
}

int frame_group(const frame *f, int role, const PCRE2_SIZE *ov, int n_groups)
{
    for (int k = 0; k < NC_MAX_SAME_ROLE; k++) {
        int g = f->group[role][k];
        if (g > 0 && g < n_groups && ov[2 * g] != PCRE2_UNSET)
            return g;
    }
    return -1;
}

int role_group(const rule *r, int role, const PCRE2_SIZE *ov, int n_groups)
{
    for (int k = 0; k < NC_MAX_SAME_ROLE; k++) {
        int g = r->group[role][k];
        if (g > 0 && g < n_groups && ov[2 * g] != PCRE2_UNSET)
            return g;
    }
    return -1;
}

/* ---------------------------------------------------------------- anchors
** A rule's "anchor" line says where its matches can start: "digit" (an
** ASCII digit), a lexicon's name (the first token of one of its surfaces),
** a lexicon's name in braces and '*' ("{numword}*": a token that starts
** with the first token of one of its surfaces), "orgs" (the first token of
** an organisation's alias in this language or in all), a word (its first
** token), or letters and '*' (a token that starts with them). The extractor then tries the rule
** only at those tokens of a sentence, anchored, instead of at every
** position: the same matches, found without running the regex engine over
** text where none can start (NEWSCLAIMS_NO_ANCHOR turns this off, and a
** test checks both ways give the same mentions). */

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

size_t token_at(const char *s, size_t len, uint64_t *hash, int *is_digit)
{
    return token_at_pre(s, len, hash, is_digit, NULL, 0, NULL, NULL);
}

size_t token_at_pre(const char *s, size_t len, uint64_t *hash, int *is_digit,
                    const int *lens, int n_lens, uint64_t *pre, int *folded_len)
{
    if (folded_len)
        *folded_len = 0;
    for (int i = 0; i < n_lens; i++)
        pre[i] = 0;
    *is_digit = 0;
    *hash = 0;
    if (!len)
        return 0;
    unsigned char c0 = (unsigned char)s[0];
    if (c0 >= '0' && c0 <= '9') {
        *is_digit = 1;
        return 1;
    }
    int32_t lim = len > INT32_MAX ? INT32_MAX : (int32_t)len;
    int32_t i = 0;
    UChar32 cp;
    U8_NEXT((const uint8_t *)s, i, lim, cp);
    if (cp < 0 || (cp < 0x80 ? cp == ' ' || (cp >= 0x09 && cp <= 0x0D)   /* ASCII White_Space, without ICU */
                             : u_isUWhiteSpace(cp) || cp == 0xA0 || cp == 0x202F))
        return 0;
    /* the token, lower-cased code point by code point (PCRE2's caseless
    ** matching is simple case folding too): a run of letters, ended also
    ** where a capital follows a small letter ("MeradEn juin": text glued
    ** together by a scraper), or one other character */
    uint8_t f[512];
    int32_t fl = 0;
    UChar32 lc = cp < 0x80 ? (cp >= 'A' && cp <= 'Z' ? cp | 0x20 : cp) : u_tolower(cp);
    U8_APPEND_UNSAFE(f, fl, lc);
    int32_t end = i;
    if (cp < 0x80 ? ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') : u_isalpha(cp)) {
        int was_lower = cp < 0x80 ? cp >= 'a' : u_islower(cp);
        while (end < lim) {
            int32_t k = end;
            unsigned char b = (unsigned char)s[k];
            if (b < 0x80) {
                /* ASCII, most of the text: what ICU answers, without asking it */
                int up = b >= 'A' && b <= 'Z', low = b >= 'a' && b <= 'z';
                if (!(up || low) || (was_lower && up))
                    break;
                was_lower = low;
                if (fl < (int32_t)sizeof f - 4)
                    f[fl++] = (uint8_t)(b | 0x20);
                end = k + 1;
                continue;
            }
            U8_NEXT((const uint8_t *)s, k, lim, cp);
            if (cp < 0 || !u_isalpha(cp) || (was_lower && u_isupper(cp)))
                break;
            was_lower = u_islower(cp);
            if (fl < (int32_t)sizeof f - 4) {   /* the hash covers the first 500 bytes */
                lc = u_tolower(cp);
                U8_APPEND_UNSAFE(f, fl, lc);
            }
            end = k;
        }
    }
    *hash = fnv((const char *)f, (size_t)fl);
    for (int k = 0; k < n_lens; k++)
        if (lens[k] <= fl)
            pre[k] = fnv((const char *)f, (size_t)lens[k]);
    if (folded_len)
        *folded_len = fl;
    return (size_t)end;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int anchor_has(const rule *r, uint64_t hash)
{
    size_t lo = 0, hi = r->anchors.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->anchors.hash[mid] == hash)
            return 1;
        if (r->anchors.hash[mid] < hash)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int word_add(word_set *ws, const char *surface)
{
    uint64_t h;
    int dig;
    size_t sl = strlen(surface);
    if (sl > 1 && surface[sl - 1] == '*') {
        /* "refus*": any token that starts with these letters, folded and
        ** hashed as token_at folds and hashes the tokens of the text */
        int fl;
        size_t n = token_at_pre(surface, sl - 1, &h, &dig, NULL, 0, NULL, &fl);
        if (!n || dig || n != sl - 1 || fl > 60)
            return -1;                 /* not a run of letters */
        void *v = realloc(ws->prefix, (ws->n_prefix + 1) * sizeof *ws->prefix);
        if (!v)
            return 0;
        ws->prefix = v;
        ws->prefix[ws->n_prefix].hash = h;
        ws->prefix[ws->n_prefix].len = fl;
        ws->n_prefix++;
        return 1;
    }
    size_t n = token_at(surface, sl, &h, &dig);
    if (dig) {
        ws->digit = 1;
        return 1;
    }
    if (!n)
        return 1;
    if (ws->n == ws->cap) {
        size_t nc = ws->cap ? ws->cap * 2 : 32;
        uint64_t *v = realloc(ws->hash, nc * sizeof *v);
        if (!v)
            return 0;
        ws->hash = v;
        ws->cap = nc;
    }
    ws->hash[ws->n++] = h;
    return 1;
}

/* The tokens an "anchor" or "needs" line (what) names, into ws. */
static int resolve_words_in(loader *ld, const rule *r, const char *what, char *spec, word_set *ws, nc_error *err);

/* An `anchor` or `needs` line's words into ws; a copy of the line is cut up,
** whatever its length (a fixed buffer once dropped the words past 511 bytes). */
static int resolve_words(loader *ld, const rule *r, const char *what, const char *line, word_set *ws,
                         nc_error *err)
{
    char *spec = strdup(line);
    if (!spec)
        return nc_error_set(err, NC_E_NOMEM, ld->where, "out of memory");
    int rc = resolve_words_in(ld, r, what, spec, ws, err);
    free(spec);
    return rc;
}

static int resolve_words_in(loader *ld, const rule *r, const char *what, char *spec, word_set *ws, nc_error *err)
{
    for (char *save = NULL, *t = strtok_r(spec, " |", &save); t; t = strtok_r(NULL, " |", &save)) {
        int ok = 1;
        if (!strcmp(t, "digit")) {
            ws->digit = 1;
        } else if (!strcmp(t, "orgs")) {
            /* the same aliases as {orgs} */
            const char **aliases = NULL;
            if (orgs_inflect(ld->x, ld->rs) != NC_OK)
                return nc_error_set(err, NC_E_NOMEM, ld->where, "out of memory");
            size_t na = orgs_aliases(ld->x, ld->rs->lang, &aliases);
            ok = aliases != NULL;
            for (size_t a = 0; a < na && ok; a++)
                ok = word_add(ws, aliases[a]);
            free(aliases);
        } else if (t[0] == '{' && strlen(t) > 3 && !strcmp(t + strlen(t) - 2, "}*")) {
            /* "{numword}*": any word that starts with the first word of one
            ** of the lexicon's surfaces (number words glued into compounds,
            ** German "zweihundert", "sechzehn") */
            const lexicon *l = lex_find_n(ld->rs, t + 1, strlen(t) - 3);
            if (!l)
                return nc_error_set(err, NC_E_RULES, ld->where, "rule %s: %s \"%s\": no such lexicon", r->id, what, t);
            for (size_t i = 0; i < l->n && ok > 0; i++) {
                const char *sf = l->v[i].surface;
                uint64_t h;
                int dig;
                size_t n = token_at(sf, strlen(sf), &h, &dig);
                char pre[128];
                if (n > 1 && !dig && n < sizeof pre - 1 && !ispunct((unsigned char)sf[0])) {
                    memcpy(pre, sf, n);
                    pre[n] = '*';
                    pre[n + 1] = 0;
                } else
                    snprintf(pre, sizeof pre, "%s", sf);   /* a digit or a sign: that word */
                ok = word_add(ws, pre);
            }
        } else if (lex_find(ld->rs, t)) {
            const lexicon *l = lex_find(ld->rs, t);
            for (size_t i = 0; i < l->n && ok; i++)
                ok = word_add(ws, l->v[i].surface);
        } else {
            ok = word_add(ws, t);
        }
        if (ok < 0)
            return nc_error_set(err, NC_E_RULES, ld->where,
                                "rule %s: %s \"%s\": a prefix is letters and a final '*' (\"refus*\")", r->id, what, t);
        if (!ok)
            return nc_error_set(err, NC_E_NOMEM, ld->where, "out of memory");
    }
    if (ws->n > 1)
        qsort(ws->hash, ws->n, sizeof *ws->hash, cmp_u64);
    return NC_OK;
}

static int resolve_anchor(loader *ld, rule *r, nc_error *err)
{
    int rc = resolve_words(ld, r, "anchor", r->anchor_spec, &r->anchors, err);
    if (rc != NC_OK)
        return rc;
    int ec;
    PCRE2_SIZE eo;
    r->code_anchored = pcre2_compile((PCRE2_SPTR)r->pattern_src, PCRE2_ZERO_TERMINATED,
                                     PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_DUPNAMES | PCRE2_ANCHORED, &ec,
                                     &eo, NULL);
    if (!r->code_anchored)
        return nc_error_set(err, NC_E_RULES, ld->where, "rule %s: the anchored pattern does not compile", r->id);
    if (!ld->x->opts.no_jit)
        r->jit_anchored = pcre2_jit_compile(r->code_anchored, PCRE2_JIT_COMPLETE) == 0;
    return NC_OK;
}

/* Frames ----------------------------------------------------------------
** A frame is written over the slotted text (claims.c): {T} is the rule's
** own trigger, {ORG:subject} a party (an organisation, a person or a
** reference such as "the company") in the subject role, and so on:
**   ORG             a party               MONEY, COUNT, PERCENT  a quantity
**   PARTY           a party or a candidate name
**   DATE            a date                DURATION               a duration
**   QTY             money, count, percent or duration
**   MEDIA           a cited medium        ANY                    any slot
** A slot with ":role" is captured in that role: subject, object, amount (the
** quantity), term (a duration), when (the date of the event). The rest of
** the pattern is a pattern as elsewhere, {def}s and {lexicons} included.
** {PARTY} is {ORG} or a candidate name: a lone capitalised word that only
** the frame's own evidence (its place before a verb) makes a party. */
static const char *const frame_role_names[FR_ROLE_COUNT] = { "subject", "object", "amount", "term", "when", "trigger" };

/* The letters a slot kind accepts, as frame->need counts them (0: any). */
static uint32_t slot_letters(const char *letters)
{
    uint32_t m = 0;
    for (const char *c = letters; *c; c++) {
        if (*c >= 'a' && *c <= 'z')
            m |= 1u << (*c - 'a');
        else if (*c == '[' && c[1] == 'a' && c[2] == '-')
            return 0;              /* [a-z]: any slot */
    }
    return m;
}

/* Which slots of a frame every match holds: a slot is needed unless a group
** around it is optional (?, *, {0,...}), holds an alternative (|), or is a
** lookaround; a | at the top makes every slot optional. Counted over the
** frame as written ({def}s are not looked into: what they hold is not
** needed). f->need and f->n_need are set. */
struct slot_seen {
    uint32_t letters;
    int groups[32];   /* the open groups around it, by index */
    int depth;
};

static void frame_needs(frame *f, const struct slot_seen *seen, size_t n_seen, const unsigned char *optional, int top_alt)
{
    f->n_need = 0;
    if (top_alt)
        return;
    for (size_t i = 0; i < n_seen && f->n_need < FRAME_NEEDS; i++) {
        int opt = seen[i].depth > 32 || !seen[i].letters;
        for (int d = 0; d < seen[i].depth && d < 32 && !opt; d++)
            opt = optional[seen[i].groups[d]];
        if (!opt)
            f->need[f->n_need++] = seen[i].letters;
    }
}

/* Does a quantifier that allows none start at q ("?", "*", "{0,", "{,")? */
static int optional_quantifier(const char *q)
{
    return *q == '?' || *q == '*' || (q[0] == '{' && (q[1] == '0' || q[1] == ','));
}

static char *frame_slots(loader *ld, const rule *r, frame *fr, const char *raw, nc_error *err)
{
    /* the frame's groups as written, for frame_needs */
    enum { MAX_GROUPS = 256, MAX_SEEN = 64 };
    unsigned char optional[MAX_GROUPS] = { 0 };
    int stack[32], depth = 0, n_groups = 0, top_alt = 0, overflow = 0;
    struct slot_seen seen[MAX_SEEN];
    size_t n_seen = 0;
    static const struct { const char *name, *letters; } kinds[] = {
        { "ORG", "[or]" }, { "PARTY", "[or]+" }, { "MONEY", "m" }, { "COUNT", "c" }, { "PERCENT", "p" },
        { "DATE", "d" }, { "DURATION", "u" }, { "QTY", "[mcpu]" }, { "MEDIA", "s" }, { "ANY", "[a-z]" },
    };
    sb b = { 0 };
    int has_t = 0;
    size_t ri = (size_t)(r - ld->rs->rules);
    for (const char *p = raw; *p;) {
        if (*p == '\\' && p[1]) {
            /* \x{E000}, \p{L}: the braces belong to the escape */
            size_t n = 2;
            if (p[2] == '{' && strchr("xpPgkNo", p[1])) {
                const char *e = strchr(p + 3, '}');
                n = e ? (size_t)(e - p) + 1 : 2;
            }
            sb_add(&b, p, n);
            p += n;
            continue;
        }
        if (*p == '[') {
            /* a character class: copied as it is; its parentheses and bars
            ** are characters */
            const char *q = p + 1;
            if (*q == '^')
                q++;
            if (*q == ']')
                q++;
            while (*q && *q != ']') {
                if (*q == '\\' && q[1]) {
                    if (q[2] == '{' && strchr("xpP", q[1])) {
                        const char *e = strchr(q + 3, '}');
                        q = e ? e + 1 : q + 2;
                    } else {
                        q += 2;
                    }
                    continue;
                }
                if (*q == '[' && q[1] == ':') {      /* [:alpha:] */
                    const char *e = strstr(q + 2, ":]");
                    q = e ? e + 2 : q + 1;
                    continue;
                }
                q++;
            }
            if (*q == ']')
                q++;
            sb_add(&b, p, (size_t)(q - p));
            p = q;
            continue;
        }
        if (*p == '(') {
            if (n_groups < MAX_GROUPS && depth < 32) {
                optional[n_groups] = p[1] == '?' && (p[2] == '=' || p[2] == '!' || (p[2] == '<' && (p[3] == '=' || p[3] == '!')));
                stack[depth++] = n_groups++;
            } else {
                overflow = 1;
                depth++;
            }
        } else if (*p == ')' && depth > 0) {
            depth--;
            if (depth < 32 && stack[depth] < MAX_GROUPS && optional_quantifier(p + 1))
                optional[stack[depth]] = 1;
        } else if (*p == '|') {
            if (depth == 0)
                top_alt = 1;
            else if (depth <= 32)
                optional[stack[depth - 1]] = 1;
        }
        if (*p == '{' && isupper((unsigned char)p[1])) {
            const char *e = strchr(p, '}');
            char name[64];
            if (!e || e - p > 60) {
                free(b.p);
                nc_error_set(err, NC_E_RULES, ld->where, "rule %s: unclosed {SLOT} in a frame", r->id);
                return NULL;
            }
            snprintf(name, sizeof name, "%.*s", (int)(e - p - 1), p + 1);
            char *colon = strchr(name, ':');
            const char *role = NULL;
            if (colon) {
                *colon = 0;
                role = colon + 1;
                int ok = 0;
                for (int k = 0; k < FR_TRIGGER; k++)
                    ok |= !strcmp(role, frame_role_names[k]);
                if (!ok) {
                    free(b.p);
                    nc_error_set(err, NC_E_RULES, ld->where, "rule %s: frame role \"%s\" (subject, object, amount, term, when)", r->id, role);
                    return NULL;
                }
            }
            char re[320];
            if (!strcmp(name, "T")) {
                snprintf(re, sizeof re, "(?<trigger>" SLOT_OPEN "t(?:\\d+,)*%zu(?:,\\d+)*\\.\\d+" SLOT_CLOSE ")", ri);
                has_t = 1;
            } else {
                const char *letters = NULL;
                for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
                    if (!strcmp(name, kinds[k].name))
                        letters = kinds[k].letters;
                if (!letters) {
                    free(b.p);
                    nc_error_set(err, NC_E_RULES, ld->where, "rule %s: unknown slot {%s} in a frame", r->id, name);
                    return NULL;
                }
                /* a party is a slot, or a candidate name: a word and its mark */
                const char *cand = "";
                if (!strcmp(letters, "[or]+")) {
                    letters = "[or]";
                    cand = "|\\x{E002}\\d+\\x{E003}[^\\s\\x{E000}\\x{E001}\\x{E002},;:()]+";
                }
                if (n_seen < MAX_SEEN) {
                    struct slot_seen *sv = &seen[n_seen++];
                    sv->letters = slot_letters(letters) | (*cand ? 1u << ('n' - 'a') : 0);
                    sv->depth = depth;
                    for (int d = 0; d < depth && d < 32; d++)
                        sv->groups[d] = stack[d];
                    /* a quantifier right after the slot makes it optional */
                    if (optional_quantifier(e + 1))
                        sv->letters = 0;
                }
                if (role)
                    snprintf(re, sizeof re, "(?<%s>" SLOT_OPEN "%s\\d+" SLOT_CLOSE "%s)", role, letters, cand);
                else
                    snprintf(re, sizeof re, "(?:" SLOT_OPEN "%s\\d+" SLOT_CLOSE "%s)", letters, cand);
            }
            sb_adds(&b, re);
            p = e + 1;
            continue;
        }
        sb_add(&b, p, 1);
        p++;
    }
    if (!has_t) {
        free(b.p);
        nc_error_set(err, NC_E_RULES, ld->where, "rule %s: a frame without {T} (the trigger)", r->id);
        return NULL;
    }
    if (overflow || depth != 0)
        fr->n_need = 0;        /* not understood: nothing is taken as needed */
    else
        frame_needs(fr, seen, n_seen, optional, top_alt);
    if (b.is_oom) {
        free(b.p);
        nc_error_set(err, NC_E_NOMEM, ld->where, "out of memory");
        return NULL;
    }
    char *out = expand(ld, b.p, err);
    free(b.p);
    return out;
}

/* A rule's or frame's expanded pattern compiled with the flags every rule
** has; NULL with err ("rule ID: [what]offset N of the expanded pattern: why"). */
static pcre2_code *compile_pattern(loader *ld, const char *id, const char *what, const char *src, nc_error *err)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
                                     PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_DUPNAMES, &ec, &eo, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        nc_error_set(err, NC_E_RULES, ld->where, "rule %s: %soffset %zu of the expanded pattern: %s", id, what,
                     (size_t)eo, (char *)msg);
    }
    return code;
}

static int compile_frame(loader *ld, rule *r, frame *f, nc_error *err)
{
    snprintf(ld->where, sizeof ld->where, "%s:%d", ld->rs->path, f->line);
    char *src = frame_slots(ld, r, f, f->src, err);
    if (!src)
        return NC_E_RULES;
    if (!(f->code = compile_pattern(ld, r->id, "frame: ", src, err))) {
        free(src);
        return NC_E_RULES;
    }
    free(f->src);
    f->src = src;
    /* Frames are interpreted: they run only in sentences where their trigger
    ** fired, over a short slotted text, where JIT code was no faster
    ** (corpus-bench: extract 2.9-3.1 s either way, one thread) while
    ** compiling it for some 600 frames cost a start-up of 0.1-0.2 s */
    f->jit = 0;
    uint32_t count = 0, esize = 0;
    PCRE2_SPTR table = NULL;
    pcre2_pattern_info(f->code, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(f->code, PCRE2_INFO_NAMEENTRYSIZE, &esize);
    pcre2_pattern_info(f->code, PCRE2_INFO_NAMETABLE, &table);
    for (uint32_t i = 0; i < count; i++) {
        PCRE2_SPTR e = table + i * esize;
        int num = (e[0] << 8) | e[1];
        const char *name = (const char *)e + 2;
        int role = -1;
        for (int k = 0; k < FR_ROLE_COUNT; k++)
            if (!strcmp(name, frame_role_names[k]))
                role = k;
        if (role < 0)
            return nc_error_set(err, NC_E_RULES, ld->where, "rule %s: frame group name \"%s\" has no meaning", r->id, name);
        int k = 0;
        while (k < NC_MAX_SAME_ROLE && f->group[role][k])
            k++;
        if (k == NC_MAX_SAME_ROLE)
            return nc_error_set(err, NC_E_RULES, ld->where, "rule %s: more than %d groups named \"%s\"", r->id,
                                NC_MAX_SAME_ROLE, name);
        f->group[role][k] = num;
    }
    return NC_OK;
}

static int compile_rule(loader *ld, rule *r, const char *raw, nc_error *err)
{
    for (size_t i = 0; i < r->n_frames; i++) {
        if (r->kind != RK_TRIGGER)
            return nc_error_set(err, NC_E_RULES, ld->where, "rule %s: frames belong to trigger rules", r->id);
        int rc = compile_frame(ld, r, &r->frames[i], err);
        if (rc != NC_OK)
            return rc;
    }
    snprintf(ld->where, sizeof ld->where, "%s:%d", ld->rs->path, r->line);
    char *src = expand(ld, raw, err);
    if (!src)
        return NC_E_RULES;
    if (!(r->code = compile_pattern(ld, r->id, "", src, err))) {
        free(src);
        return NC_E_RULES;
    }
    r->pattern_src = src;
    /* an anchored rule's own code is JIT-compiled later, only where it is
    ** still matched (mark_anchored) */
    if (!ld->x->opts.no_jit && !r->anchor_spec)
        r->jit = pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE) == 0;   /* interpreted code kept if JIT is unavailable */
    if (r->anchor_spec) {
        int rc = resolve_anchor(ld, r, err);
        if (rc != NC_OK)
            return rc;
    }
    if (r->needs_spec) {
        int rc = resolve_words(ld, r, "needs", r->needs_spec, &r->needs, err);
        if (rc != NC_OK)
            return rc;
    }
    /* group numbers per role, duplicates included */
    uint32_t count = 0, esize = 0;
    PCRE2_SPTR table = NULL;
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMEENTRYSIZE, &esize);
    pcre2_pattern_info(r->code, PCRE2_INFO_NAMETABLE, &table);
    for (uint32_t i = 0; i < count; i++) {
        PCRE2_SPTR e = table + i * esize;
        int num = (e[0] << 8) | e[1];
        const char *name = (const char *)e + 2;
        int found = 0;
        for (int role = 0; role < G_ROLE_COUNT; role++) {
            if (strcmp(name, role_names[role]))
                continue;
            found = 1;
            int k = 0;
            while (k < NC_MAX_SAME_ROLE && r->group[role][k])
                k++;
            if (k == NC_MAX_SAME_ROLE)
                return nc_error_set(err, NC_E_RULES, ld->where,
                                    "rule %s: more than %d groups named \"%s\"", r->id, NC_MAX_SAME_ROLE, name);
            r->group[role][k] = num;
        }
        if (!found)
            return nc_error_set(err, NC_E_RULES, ld->where,
                                "rule %s: group name \"%s\" has no meaning (see rules/README.md for the names)",
                                r->id, name);
    }
    return NC_OK;
}

static uint64_t prefix_key(uint64_t hash, int len)
{
    uint64_t h = hash ^ ((uint64_t)len * 0x9E3779B97F4A7C15ull);
    return h ? h : 1;    /* 0 marks an empty slot */
}

/* An anchor table: open addressing with linear probing, keyed by a non-zero
** hash (0 marks an empty slot), each slot the bit mask of the rules keyed
** so. Sized for n keys at most half full; NULL out of memory. */
static struct anchor_slot *slot_table(size_t n, size_t *size)
{
    *size = 16;
    while (*size < 2 * n)
        *size *= 2;
    return calloc(*size, sizeof(struct anchor_slot));
}

static size_t slot_of(const struct anchor_slot *t, size_t size, uint64_t h)
{
    size_t j = (size_t)(h ^ (h >> 29)) & (size - 1);
    while (t[j].hash && t[j].hash != h)
        j = (j + 1) & (size - 1);
    return j;
}

static void slot_add(struct anchor_slot *t, size_t size, uint64_t h, size_t ri)
{
    size_t j = slot_of(t, size, h);
    t[j].hash = h;
    t[j].mask[ri / 64] |= 1ull << (ri % 64);
}

/* The slot keyed h, NULL if none. */
static const struct anchor_slot *slot_find(const struct anchor_slot *t, size_t size, uint64_t h)
{
    if (!size)
        return NULL;
    size_t j = slot_of(t, size, h);
    return t[j].hash ? &t[j] : NULL;
}

/* Which rules match only at their anchors: those with an anchored pattern,
** unless anchors are off (NEWSCLAIMS_NO_ANCHOR, the anchors' test) or the
** rule has prefix anchors past the first NC_ANCHOR_BITS rules (prefixes live
** only in the masks). The others match with their unanchored code, which is
** JIT-compiled here and only for them: compiling it for every rule was a
** quarter of a short run's instructions. */
static void mark_anchored(const nc_extractor *x, ruleset *rs)
{
    for (size_t i = 0; i < rs->n_rules; i++) {
        rule *r = &rs->rules[i];
        r->anchored = r->code_anchored && !x->no_anchor && (i < NC_ANCHOR_BITS || !r->anchors.n_prefix);
        r->needs_used = r->needs_spec && !x->no_anchor && i < NC_ANCHOR_BITS;
        if (r->code && !r->anchored && !r->jit && !x->opts.no_jit)
            r->jit = pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE) == 0;
    }
}

/* Add a prefix length to rs->pre_len if new; 0 when there are
** NC_MAX_PREFIX_LENS already. */
static int pre_len_use(ruleset *rs, int l)
{
    for (int q = 0; q < rs->n_pre_len; q++)
        if (rs->pre_len[q] == l)
            return 1;
    if (rs->n_pre_len == NC_MAX_PREFIX_LENS)
        return 0;
    rs->pre_len[rs->n_pre_len++] = l;
    return 1;
}

/* Build rs->atab from the rules' anchor hashes and rs->ptab from their
** prefix anchors, and rs->ntab and rs->nptab from their "needs" lines. 1
** done, 0 out of memory, -1 more than NC_MAX_PREFIX_LENS prefix lengths. */
static int anchor_table(ruleset *rs)
{
    size_t n = 0, np = 0, nn = 0, nnp = 0;
    for (size_t i = 0; i < rs->n_rules && i < NC_ANCHOR_BITS; i++) {
        n += rs->rules[i].anchors.n;
        np += rs->rules[i].anchors.n_prefix;
        nn += rs->rules[i].needs.n;
        nnp += rs->rules[i].needs.n_prefix;
    }
    /* the needs tables only where a rule has such words (size 0 otherwise:
    ** needs_mask then looks nothing up for each token) */
    if (!(rs->atab = slot_table(n, &rs->atab_size)) || !(rs->ptab = slot_table(np, &rs->ptab_size)) ||
        (nn && !(rs->ntab = slot_table(nn, &rs->ntab_size))) ||
        (nnp && !(rs->nptab = slot_table(nnp, &rs->nptab_size))))
        return 0;
    for (size_t i = 0; i < rs->n_rules && i < NC_ANCHOR_BITS; i++) {
        const rule *r = &rs->rules[i];
        if (r->anchors.digit)
            rs->digit_mask[i / 64] |= 1ull << (i % 64);
        if (r->needs.digit)
            rs->need_digit_mask[i / 64] |= 1ull << (i % 64);
        for (size_t k = 0; k < r->anchors.n; k++)
            slot_add(rs->atab, rs->atab_size, r->anchors.hash[k] ? r->anchors.hash[k] : 1, i);
        for (size_t k = 0; k < r->needs.n; k++)
            slot_add(rs->ntab, rs->ntab_size, r->needs.hash[k] ? r->needs.hash[k] : 1, i);
        for (size_t k = 0; k < r->anchors.n_prefix; k++) {
            if (!pre_len_use(rs, r->anchors.prefix[k].len))
                return -1;
            slot_add(rs->ptab, rs->ptab_size, prefix_key(r->anchors.prefix[k].hash, r->anchors.prefix[k].len), i);
        }
        for (size_t k = 0; k < r->needs.n_prefix; k++) {
            if (!pre_len_use(rs, r->needs.prefix[k].len))
                return -1;
            slot_add(rs->nptab, rs->nptab_size, prefix_key(r->needs.prefix[k].hash, r->needs.prefix[k].len), i);
        }
    }
    return 1;
}

void needs_mask(const ruleset *rs, uint64_t hash, int is_digit, const uint64_t *pre, uint64_t out[NC_ANCHOR_WORDS])
{
    if (is_digit) {
        for (int k = 0; k < NC_ANCHOR_WORDS; k++)
            out[k] |= rs->need_digit_mask[k];
        return;
    }
    const struct anchor_slot *e = slot_find(rs->ntab, rs->ntab_size, hash ? hash : 1);
    for (int k = 0; e && k < NC_ANCHOR_WORDS; k++)
        out[k] |= e->mask[k];
    for (int q = 0; q < rs->n_pre_len && rs->nptab_size; q++)
        if (pre[q] && (e = slot_find(rs->nptab, rs->nptab_size, prefix_key(pre[q], rs->pre_len[q]))))
            for (int k = 0; k < NC_ANCHOR_WORDS; k++)
                out[k] |= e->mask[k];
}

void anchor_mask_prefix(const ruleset *rs, uint64_t hash, int len, uint64_t out[NC_ANCHOR_WORDS])
{
    if (!hash)
        return;
    const struct anchor_slot *e = slot_find(rs->ptab, rs->ptab_size, prefix_key(hash, len));
    for (int k = 0; e && k < NC_ANCHOR_WORDS; k++)
        out[k] |= e->mask[k];
}

void anchor_mask(const ruleset *rs, uint64_t hash, int is_digit, uint64_t out[NC_ANCHOR_WORDS])
{
    if (is_digit) {
        memcpy(out, rs->digit_mask, sizeof rs->digit_mask);
        return;
    }
    const struct anchor_slot *e = slot_find(rs->atab, rs->atab_size, hash ? hash : 1);
    if (e)
        memcpy(out, e->mask, sizeof e->mask);
    else
        memset(out, 0, NC_ANCHOR_WORDS * sizeof *out);
}

static void ruleset_free(ruleset *rs)
{
    parties_free(rs);
    free(rs->atab);
    free(rs->ptab);
    free(rs->ntab);
    free(rs->nptab);
    for (size_t i = 0; i < rs->n_rules; i++)
        rule_free(&rs->rules[i]);
    free(rs->rules);
    for (size_t i = 0; i < rs->n_lex; i++) {
        for (size_t k = 0; k < rs->lex[i].n; k++) {
            free(rs->lex[i].v[k].value);
            free(rs->lex[i].v[k].surface);
            free(rs->lex[i].v[k].folded);
        }
        free(rs->lex[i].v);
    }
    free(rs->lex);
    free(rs->path);
    memset(rs, 0, sizeof *rs);
}

static char *rtrim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
    return s;
}

static int load_rules_file(nc_extractor *x, const char *path, ruleset *rs, nc_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return nc_error_set(err, NC_E_IO, path, "cannot open rule file");
    memset(rs, 0, sizeof *rs);
    rs->path = dup(path);
    loader ld = { x, rs, NULL, 0, "" };
    char line[16384];
    int lineno = 0, rc = NC_OK;
    sb pat = { 0 };        /* pattern of the rule being read */
    rule *cur = NULL;
    while (rc == NC_OK) {
        char *got = fgets(line, sizeof line, f);
        if (got)
            lineno++;
        snprintf(ld.where, sizeof ld.where, "%s:%d", path, lineno);
        char *s = got ? rtrim(line) : NULL;
        if (s && (!*s || *s == '#'))
            continue;
        char *dir = s, *val = NULL;
        if (s) {
            char *sp = strchr(s, ' ');
            if (sp) {
                *sp = 0;
                val = sp + 1;
                while (*val == ' ')
                    val++;
            } else {
                val = s + strlen(s);
            }
        }
        /* a new rule, or the end, finishes the current one */
        if (cur && (!s || !strcmp(dir, "rule")) && cur->kind == RK_PARTY && !pat.p) {
            cur = NULL;            /* a party rule: examples of the party pass (parties.c), no pattern */
        } else if (cur && (!s || !strcmp(dir, "rule"))) {
            if (!pat.p) {
                rc = nc_error_set(err, NC_E_RULES, ld.where, "rule %s has no pattern", cur->id);
                break;
            }
            rc = compile_rule(&ld, cur, pat.p, err);
            free(pat.p);
            memset(&pat, 0, sizeof pat);
            cur = NULL;
            if (rc != NC_OK)
                break;
        }
        if (!s)
            break;
        if (!strcmp(dir, "lang")) {
            snprintf(rs->lang, sizeof rs->lang, "%s", val);
        } else if (!strcmp(dir, "locale")) {
            snprintf(rs->locale, sizeof rs->locale, "%s", val);
        } else if (!strcmp(dir, "capitalised_names")) {
            rs->has_capitalised_names = !strcmp(val, "yes");
        } else if (!strcmp(dir, "lex")) {
            char *sp = strchr(val, ' ');
            if (!sp || !strchr(sp, '|')) {
                rc = nc_error_set(err, NC_E_RULES, ld.where, "expected \"lex NAME VALUE|surface|...\"");
                break;
            }
            *sp = 0;
            if (!lex_add_line(rs, val, sp + 1))
                rc = nc_error_set(err, NC_E_NOMEM, ld.where, "out of memory");
        } else if (!strcmp(dir, "def")) {
            char *sp = strchr(val, ' ');
            if (!sp) {
                rc = nc_error_set(err, NC_E_RULES, ld.where, "expected \"def NAME REGEX\"");
                break;
            }
            *sp = 0;
            char *re = expand(&ld, sp + 1, err);
            if (!re) {
                rc = NC_E_RULES;
                break;
            }
            def *d = realloc(ld.defs, (ld.n_defs + 1) * sizeof *d);
            if (!d) {
                free(re);
                rc = nc_error_set(err, NC_E_NOMEM, ld.where, "out of memory");
                break;
            }
            ld.defs = d;
            ld.defs[ld.n_defs].name = dup(val);
            ld.defs[ld.n_defs].regex = re;
            ld.n_defs++;
        } else if (!strcmp(dir, "rule")) {
            rule *v = realloc(rs->rules, (rs->n_rules + 1) * sizeof *v);
            if (!v) {
                rc = nc_error_set(err, NC_E_NOMEM, ld.where, "out of memory");
                break;
            }
            rs->rules = v;
            cur = &rs->rules[rs->n_rules++];
            memset(cur, 0, sizeof *cur);
            cur->id = dup(val);
            cur->line = lineno;
            cur->kind = RK_KIND_COUNT;
            for (size_t i = 0; i + 1 < rs->n_rules; i++)
                if (!strcmp(rs->rules[i].id, val))
                    rc = nc_error_set(err, NC_E_RULES, ld.where, "rule id %s used twice", val);
        } else if (!cur) {
            rc = nc_error_set(err, NC_E_RULES, ld.where, "\"%s\" outside a rule (or unknown directive)", dir);
        } else if (!strcmp(dir, "kind")) {
            for (int k = 0; k < RK_KIND_COUNT; k++)
                if (!strcmp(val, kind_names[k]))
                    cur->kind = (rule_kind)k;
            if (cur->kind == RK_KIND_COUNT)
                rc = nc_error_set(err, NC_E_RULES, ld.where, "unknown kind \"%s\"", val);
        } else if (!strcmp(dir, "pattern")) {
            free(pat.p);
            memset(&pat, 0, sizeof pat);
            sb_adds(&pat, val);
        } else if (!strcmp(dir, "pattern+")) {
            sb_adds(&pat, val);
        } else if (!strcmp(dir, "predicate")) {
            if (!nc_extractor_predicate(x, val))
                rc = nc_error_set(err, NC_E_RULES, ld.where, "predicate \"%s\" is not in the vocabulary (predicates.tsv)", val);
            free(cur->predicate);
            cur->predicate = dup(val);
        } else if (!strcmp(dir, "frame")) {
            frame *v = realloc(cur->frames, (cur->n_frames + 1) * sizeof *v);
            if (!v) {
                rc = nc_error_set(err, NC_E_NOMEM, ld.where, "out of memory");
                break;
            }
            cur->frames = v;
            memset(&v[cur->n_frames], 0, sizeof *v);
            v[cur->n_frames].src = dup(val);
            v[cur->n_frames].line = lineno;
            cur->n_frames++;
        } else if (!strcmp(dir, "unit")) {
            free(cur->unit);
            cur->unit = dup(val);
        } else if (!strcmp(dir, "value")) {
            free(cur->value);
            cur->value = dup(val);
        } else if (!strcmp(dir, "anchor")) {
            free(cur->anchor_spec);
            cur->anchor_spec = dup(val);
        } else if (!strcmp(dir, "needs")) {
            free(cur->needs_spec);
            cur->needs_spec = dup(val);
        } else if (!strcmp(dir, "qualifier")) {
            free(cur->qualifier);
            cur->qualifier = dup(val);
        } else if (!strcmp(dir, "notafter")) {
            free(cur->notafter);
            cur->notafter = dup(val);
        } else if (!strcmp(dir, "claims")) {
            if (strcmp(val, "no") && strcmp(val, "yes"))
                rc = nc_error_set(err, NC_E_RULES, ld.where, "claims is \"yes\" or \"no\", not \"%s\"", val);
            cur->no_claim = !strcmp(val, "no");
        } else if (!strcmp(dir, "example")) {
            char *arrow = strstr(val, " => ");
            example *v = realloc(cur->examples, (cur->n_examples + 1) * sizeof *v);
            if (!v) {
                rc = nc_error_set(err, NC_E_NOMEM, ld.where, "out of memory");
                break;
            }
            cur->examples = v;
            example *e = &cur->examples[cur->n_examples++];
            e->line = lineno;
            e->text = arrow ? dupn(val, (size_t)(arrow - val)) : dup(val);
            e->expect = arrow ? dup(arrow + 4) : dup("");
        } else {
            rc = nc_error_set(err, NC_E_RULES, ld.where, "unknown directive \"%s\"", dir);
        }
        if (rc == NC_OK && cur && !strcmp(dir, "pattern+") && !pat.p)
            rc = nc_error_set(err, NC_E_RULES, ld.where, "pattern+ before pattern");
    }
    fclose(f);
    free(pat.p);
    for (size_t i = 0; i < ld.n_defs; i++) {
        free(ld.defs[i].name);
        free(ld.defs[i].regex);
    }
    free(ld.defs);
    if (rc == NC_OK) {
        for (size_t i = 0; i < rs->n_rules && rc == NC_OK; i++)
            if (rs->rules[i].kind == RK_KIND_COUNT)
                rc = nc_error_set(err, NC_E_RULES, path, "rule %s has no kind", rs->rules[i].id);
            else if (rs->rules[i].kind == RK_TRIGGER && !rs->rules[i].predicate)
                rc = nc_error_set(err, NC_E_RULES, path, "trigger rule %s has no predicate", rs->rules[i].id);
        if (rc == NC_OK && !rs->lang[0])
            rc = nc_error_set(err, NC_E_RULES, path, "no \"lang\" line");
        if (rc == NC_OK && !rs->locale[0])
            snprintf(rs->locale, sizeof rs->locale, "%s", rs->lang);
    }
    if (rc != NC_OK)
        ruleset_free(rs);
    return rc;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int rules_load_all(nc_extractor *x, nc_error *err)
{
    DIR *d = opendir(x->rules_dir);
    if (!d)
        return nc_error_set(err, NC_E_RULES, x->rules_dir,
                            "cannot open the rules folder (use --rules DIR or NEWSCLAIMS_RULES)");
    char *names[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        size_t l = strlen(e->d_name);
        if (l > 6 && !strcmp(e->d_name + l - 6, ".rules") && e->d_name[0] != '.')
            names[n++] = dup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_name);
    int rc = NC_OK;
    x->sets = calloc(n ? n : 1, sizeof *x->sets);
    if (!x->sets)
        rc = nc_error_set(err, NC_E_NOMEM, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (rc == NC_OK) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", x->rules_dir, names[i]);
            rc = load_rules_file(x, path, &x->sets[x->n_sets], err);
            int at = rc == NC_OK ? anchor_table(&x->sets[x->n_sets]) : 1;
            if (at == 1 && rc == NC_OK && !parties_prepare(&x->sets[x->n_sets]))
                at = 0;
            if (at != 1) {
                ruleset_free(&x->sets[x->n_sets]);
                rc = at < 0 ? nc_error_set(err, NC_E_RULES, path, "prefix anchors of more than %d lengths",
                                           NC_MAX_PREFIX_LENS)
                            : nc_error_set(err, NC_E_NOMEM, NULL, "out of memory");
            }
            if (rc == NC_OK) {
                mark_anchored(x, &x->sets[x->n_sets]);
                for (size_t r = 0; r < x->sets[x->n_sets].n_rules; r++)
                    x->sets[x->n_sets].rules[r].file = x->sets[x->n_sets].path;
                x->n_sets++;
            }
        }
        free(names[i]);
    }
    if (rc == NC_OK && x->n_sets == 0)
        rc = nc_error_set(err, NC_E_RULES, x->rules_dir, "no <lang>.rules files in the rules folder");
    return rc;
}

void rules_free_all(nc_extractor *x)
{
    for (size_t i = 0; i < x->n_sets; i++)
        ruleset_free(&x->sets[i]);
    free(x->sets);
    x->sets = NULL;
    x->n_sets = 0;
}

const ruleset *ruleset_find(const nc_extractor *x, const char *lang)
{
    for (size_t i = 0; i < x->n_sets; i++)
        if (!strcmp(x->sets[i].lang, lang))
            return &x->sets[i];
    return NULL;
}
