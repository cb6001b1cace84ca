/*
** ingest.c — from a file's bytes to article records.
**
** nc_ingest_buffer() sniffs the format (feed, HTML, text), decodes, extracts
** the main text, normalizes it (normalize.c), then finishes each article:
** header line, language, boilerplate, title, sentences, publication date,
** hashes. The sidecar metadata (nc_meta) wins over anything detected.
**
** Boilerplate is removed by general signals and by per-language pattern
** lists from the data files (never by the wording of particular articles in
** C): paragraphs matching a "drop" pattern go; "cut" patterns are removed
** wherever they occur; "credit" patterns ("Source : The Information") are
** removed and kept as the article's cited source; a paragraph of a single
** word (a tag, a section label such as "B2B") is not prose; and at the end of
** an article, once a boilerplate paragraph is found, the short non-prose
** lines around it (an ad block's bullet points) go with it.
*/
#include "ingest_int.h"
#include <libxml/parser.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nc_ingest_opts nc_ingest_default_opts(void)
{
    nc_ingest_opts o;
    memset(&o, 0, sizeof o);
    o.data_dir = "ingest/data";
    o.max_file_bytes = 64u << 20;
    o.force_lang = NULL;
    o.xml_max_depth = 256;
    o.no_jit = getenv("NEWSCLAIMS_NO_JIT") != NULL;
    return o;
}

nc_ingester *nc_ingester_new(const nc_ingest_opts *opts, nc_error *err)
{
    /* libxml2's global state, set up once before any thread parses */
    xmlInitParser();
    nc_ingester *ing = calloc(1, sizeof *ing);
    if (!ing) {
        nc_error_set(err, NC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    ing->opts = opts ? *opts : nc_ingest_default_opts();
    if (!ing->opts.data_dir)
        ing->opts.data_dir = "ingest/data";
    if (!ing->opts.max_file_bytes)
        ing->opts.max_file_bytes = 64u << 20;
    if (ing->opts.xml_max_depth <= 0)
        ing->opts.xml_max_depth = 256;
    ing->data_dir = xstrdup(ing->opts.data_dir);
    ing->opts.data_dir = ing->data_dir;
    ing->opts.force_lang = NULL;
    if (opts && opts->force_lang && *opts->force_lang) {
        snprintf(ing->force_lang, sizeof ing->force_lang, "%s", opts->force_lang);
        ing->opts.force_lang = ing->force_lang;
    }
    if (!ing->data_dir || lang_load_all(ing, err) != NC_OK) {
        if (!ing->data_dir)
            nc_error_set(err, NC_E_NOMEM, NULL, "out of memory");
        nc_ingester_free(ing);
        return NULL;
    }
    return ing;
}

void nc_ingester_free(nc_ingester *ing)
{
    if (!ing)
        return;
    lang_free_all(ing);
    free(ing->data_dir);
    free(ing);
    sentence_cache_release();
}

size_t nc_ingester_languages(const nc_ingester *ing, const char *const **codes)
{
    *codes = ing->codes;
    return ing->n_langs;
}

void nc_article_clear(nc_article *a)
{
    if (!a)
        return;
    free(a->path);
    free(a->text);
    free(a->sentences);
    free(a->title);
    free(a->publisher);
    free(a->url);
    free(a->cited_source);
    free(a->pub_date_note);
    memset(a, 0, sizeof *a);
}

void nc_articles_free(nc_article *a, size_t n)
{
    if (!a)
        return;
    for (size_t i = 0; i < n; i++)
        nc_article_clear(&a[i]);
    free(a);
}

/* ---------------------------------------------------------- paragraphs */

typedef struct para {
    char *s;     /* malloc'd, no '\n' */
    int is_dropped;
} para;

static size_t split_paras(const char *t, para **out)
{
    size_t n = 0, cap = 0;
    para *v = NULL;
    const char *p = t;
    while (*p) {
        const char *e = strchr(p, '\n');
        if (!e)
            e = p + strlen(p);
        if (e > p) {
            if (n == cap) {
                cap = cap ? cap * 2 : 32;
                para *nv = realloc(v, cap * sizeof *nv);
                if (!nv)
                    break;
                v = nv;
            }
            v[n].s = xstrndup(p, (size_t)(e - p));
            v[n].is_dropped = 0;
            n++;
        }
        p = *e ? e + 1 : e;
    }
    *out = v;
    return n;
}

/* One match of a boilerplate pattern in a paragraph of normalized text.
** That text is valid UTF-8 (normalize.c writes it from UTF-16, unpaired
** surrogates as U+FFFD), so PCRE2 is told not to check it again: the check
** read the whole paragraph at each call, for each pattern (2% of a run). */
static int re_exec(const pcre2_code *re, const char *s, size_t len, size_t off, pcre2_match_data *md)
{
    return pcre2_match(re, (PCRE2_SPTR)s, len, off, PCRE2_NO_UTF_CHECK, md, NULL);
}

/* re was compiled anchored at both ends (lang.c, drop patterns) */
static int full_match(pcre2_code *re, const char *s, size_t len, pcre2_match_data *md)
{
    return re_exec(re, s, len, 0, md) >= 0;
}

static int matches_any(pcre2_code **res, size_t n, const char *s, pcre2_match_data *md)
{
    for (size_t i = 0; i < n; i++)
        if (full_match(res[i], s, strlen(s), md))
            return 1;
    return 0;
}

/* Remove every match of re from *s (in place). */
static void cut_all(pcre2_code *re, char *s, pcre2_match_data *md)
{
    size_t len = strlen(s), off = 0;
    while (off <= len) {
        int rc = re_exec(re, s, len, off, md);
        if (rc < 0)
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        if (ov[1] == ov[0]) {
            off = ov[1] + 1;
            continue;
        }
        memmove(s + ov[0], s + ov[1], len - ov[1] + 1);
        len -= ov[1] - ov[0];
        off = ov[0];
    }
}

/* Apply credit patterns: the first match's "src" group becomes the cited
** source; the match is removed. */
static void take_credit(pcre2_code **res, size_t n, char *s, pcre2_match_data *md, char **source)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(s);
        int rc = re_exec(res[i], s, len, 0, md);
        if (rc < 0)
            continue;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t a = ov[0], b = ov[1];
        int g = pcre2_substring_number_from_name(res[i], (PCRE2_SPTR) "src");
        if (g > 0 && g < rc && ov[2 * g] != PCRE2_UNSET && !*source) {
            size_t sa = ov[2 * g], sb = ov[2 * g + 1];
            while (sb > sa && (s[sb - 1] == ' ' || s[sb - 1] == '.'))
                sb--;
            *source = xstrndup(s + sa, sb - sa);
        }
        memmove(s + a, s + b, len - b + 1);
    }
}

static size_t word_count(const char *s)
{
    size_t n = 0;
    int in = 0;
    for (; *s; s++) {
        if (*s == ' ') {
            in = 0;
        } else if (!in) {
            in = 1;
            n++;
        }
    }
    return n;
}

static int ends_like_prose(const char *s)
{
    size_t l = strlen(s);
    while (l && s[l - 1] == ' ')
        l--;
    if (!l)
        return 0;
    char c = s[l - 1];
    return c == '.' || c == '!' || c == '?' || c == '"' || c == ':' || c == ')' || c == '\'';
}

static int is_non_prose(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    /* bullet points: "•" (E2 80 A2), "*", "-" at the start */
    if ((u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xA2) || u[0] == '*')
        return 1;
    return !ends_like_prose(s) && word_count(s) < 12;
}

static void trim_spaces(char *s)
{
    /* collapse runs of spaces left by cuts, trim both ends */
    char *w = s;
    int sp = 0;
    for (char *r = s; *r; r++) {
        if (*r == ' ') {
            sp = w != s;
            continue;
        }
        if (sp)
            *w++ = ' ';
        sp = 0;
        *w++ = *r;
    }
    *w = 0;
}

/* Clean the normalized text; returns the new text (malloc'd). */
static char *clean_text(const nc_ingester *ing, const lang_profile *lp, const char *text,
                        char **cited_source, char **first_title)
{
    para *ps;
    size_t n = split_paras(text, &ps);
    pcre2_match_data *md = pcre2_match_data_create(32, NULL);
    const lang_profile *profs[2] = { &ing->common, lp };
    for (size_t i = 0; i < n; i++) {
        if (!ps[i].s)
            continue;
        for (int k = 0; k < 2; k++) {
            const lang_profile *p = profs[k];
            if (!p)
                continue;
            for (size_t c = 0; c < p->n_cut; c++)
                cut_all(p->cut[c], ps[i].s, md);
        }
        /* credits after cuts: "Source : The InformationQuel est votre avis ?" */
        for (int k = 0; k < 2; k++) {
            const lang_profile *p = profs[k];
            if (p)
                take_credit(p->credit, p->n_credit, ps[i].s, md, cited_source);
        }
        trim_spaces(ps[i].s);
        if (!*ps[i].s)
            ps[i].is_dropped = 1;
        for (int k = 0; k < 2 && !ps[i].is_dropped; k++)
            if (profs[k] && matches_any(profs[k]->drop, profs[k]->n_drop, ps[i].s, md))
                ps[i].is_dropped = 2;   /* 2: dropped as boilerplate */
        /* a lone word is a tag or a section label, not prose */
        if (!ps[i].is_dropped && !strchr(ps[i].s, ' ') && !ends_like_prose(ps[i].s))
            ps[i].is_dropped = 1;
    }
    /* the tail: boilerplate takes the non-prose lines around it along */
    size_t last_boiler = n;
    for (size_t i = n; i-- > 0;)
        if (ps[i].is_dropped == 2) {
            last_boiler = i;
            break;
        }
    if (last_boiler < n) {
        int tail_is_junk = 1;
        for (size_t i = last_boiler + 1; i < n; i++)
            if (!ps[i].is_dropped && !is_non_prose(ps[i].s))
                tail_is_junk = 0;
        if (tail_is_junk) {
            for (size_t i = last_boiler + 1; i < n; i++)
                ps[i].is_dropped = 1;
            /* the non-prose run before it goes too (an ad's bullet points),
            ** but only down to a prose paragraph: a wire-service table
            ** ending in "Reuter" has none, and is the article */
            size_t stop = last_boiler;
            int has_prose = 0;
            while (stop > 0 && !has_prose) {
                stop--;
                has_prose = !ps[stop].is_dropped && !is_non_prose(ps[stop].s);
            }
            if (has_prose)
                for (size_t i = stop + 1; i < last_boiler; i++)
                    ps[i].is_dropped = 1;
        }
    }
    buf o = { 0 };
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (ps[i].s && !ps[i].is_dropped) {
            if (!seen && first_title && !ends_like_prose(ps[i].s)) {
                size_t w = word_count(ps[i].s);
                if (w >= 4 && w <= 25)
                    *first_title = xstrdup(ps[i].s);
            }
            seen = 1;
            buf_adds(&o, ps[i].s);
            buf_addc(&o, '\n');
        }
        free(ps[i].s);
    }
    free(ps);
    pcre2_match_data_free(md);
    return buf_steal(&o);
}

/* "date 2023-03" as the first token of the text: metadata, not prose. */
static size_t header_date(const char *t, char iso[16])
{
    size_t i = 0;
    while (t[i] == ' ')
        i++;
    if (strncasecmp(t + i, "date ", 5))
        return 0;
    i += 5;
    while (t[i] == ' ')
        i++;
    size_t s = i;
    while (isdigit((unsigned char)t[i]) || t[i] == '-')
        i++;
    char tmp[16];
    if (i - s >= sizeof tmp || i == s)
        return 0;
    memcpy(tmp, t + s, i - s);
    tmp[i - s] = 0;
    if (parse_meta_date(tmp, iso) == NC_PREC_NONE)
        return 0;
    while (t[i] == ' ' || t[i] == '\n')
        i++;
    return i;
}

/* Articles that mix languages: a paragraph long enough to tell (at least 12
** words) and clearly in another known language gives that language to its
** sentences; every other sentence keeps the article's. */
static void paragraph_languages(const nc_ingester *ing, nc_article *a)
{
    for (size_t i = 0; i < a->n_sentences; i++)
        snprintf(a->sentences[i].lang, sizeof a->sentences[i].lang, "%s", a->lang);
    if (!a->lang_supported || ing->opts.force_lang)
        return;
    size_t p = 0;
    while (p < a->text_len) {
        const char *nl = memchr(a->text + p, '\n', a->text_len - p);
        size_t e = nl ? (size_t)(nl - a->text) : a->text_len;
        size_t words = 1;
        for (size_t k = p; k < e; k++)
            words += a->text[k] == ' ';
        if (words >= 12) {
            char code[8];
            double margin;
            lang_detect(ing, a->text + p, e - p, code, &margin);
            if (strcmp(code, a->lang) && strcmp(code, "und") && margin >= 0.5)
                for (size_t i = 0; i < a->n_sentences; i++)
                    if (a->sentences[i].start >= p && a->sentences[i].end <= e)
                        snprintf(a->sentences[i].lang, sizeof a->sentences[i].lang, "%s", code);
        }
        p = e + 1;
    }
}

static void set_str(char **slot, const char *v)
{
    if (v && *v) {
        free(*slot);
        *slot = xstrdup(v);
    }
}

static int finish(const nc_ingester *ing, const char *name, char *text, size_t text_len,
                  const raw_article *raw, const nc_meta *meta, nc_article *a, nc_error *err)
{
    (void)text_len;
    char hdr_date[16] = "";
    size_t skip = header_date(text, hdr_date);
    if (skip)
        memmove(text, text + skip, strlen(text + skip) + 1);

    /* language: sidecar, then the caller's option, then detection */
    if (meta && meta->lang && *meta->lang) {
        snprintf(a->lang, sizeof a->lang, "%s", meta->lang);
        strcpy(a->lang_source, "metadata");
        a->lang_score = 1;
    } else if (ing->opts.force_lang) {
        snprintf(a->lang, sizeof a->lang, "%s", ing->opts.force_lang);
        strcpy(a->lang_source, "option");
        a->lang_score = 1;
    } else {
        lang_detect(ing, text, strlen(text), a->lang, &a->lang_score);
        strcpy(a->lang_source, "detected");
    }
    const lang_profile *lp = lang_find(ing, a->lang);
    a->lang_supported = lp && lp->is_supported;

    char *first_title = NULL;
    char *clean = clean_text(ing, lp, text, &a->cited_source, &first_title);
    free(text);
    if (!clean)
        return nc_error_set(err, NC_E_NOMEM, name, "out of memory");
    a->text = clean;
    a->text_len = strlen(clean);
    if (a->text_len == 0) {
        free(first_title);
        return nc_error_set(err, NC_E_EMPTY, name, "no article text left after removing boilerplate");
    }

    /* metadata: detected, then overridden by the sidecar */
    if (raw) {
        set_str(&a->title, raw->title);
        set_str(&a->publisher, raw->publisher);
        set_str(&a->url, raw->url);
    }
    if (!a->title && first_title) {
        a->title = first_title;
        first_title = NULL;
    }
    free(first_title);
    if (meta) {
        set_str(&a->title, meta->title);
        set_str(&a->publisher, meta->publisher);
        set_str(&a->url, meta->url);
        set_str(&a->cited_source, meta->source);
    }

    int rc = split_sentences(lp, a->text, a->text_len, &a->sentences, &a->n_sentences, err);
    if (rc != NC_OK) {
        snprintf(err->where, sizeof err->where, "%s", name);
        return rc;
    }
    paragraph_languages(ing, a);

    /* publication date: sidecar, markup (HTML, feed item), header line, dateline or
    ** byline; else none (the latest date a text mentions is seldom its own) */
    char iso[16];
    if (meta && meta->date && *meta->date && parse_meta_date(meta->date, iso) != NC_PREC_NONE) {
        snprintf(a->pub_date, sizeof a->pub_date, "%s", iso);
        strcpy(a->pub_date_source, "metadata");
        a->pub_date_note = xstrdup(meta->date_note ? meta->date_note : "given in the .meta sidecar");
    } else if (raw && raw->date && parse_meta_date(raw->date, iso) != NC_PREC_NONE) {
        /* markup metadata is explicit: it wins over a header line inside the text */
        snprintf(a->pub_date, sizeof a->pub_date, "%s", iso);
        snprintf(a->pub_date_source, sizeof a->pub_date_source, "%s", !strcmp(a->format, "html") ? "html" : "feed");
        char note[128];
        snprintf(note, sizeof note, "from %s", raw->date_source ? raw->date_source : "markup");
        a->pub_date_note = xstrdup(note);
    } else if (hdr_date[0]) {
        snprintf(a->pub_date, sizeof a->pub_date, "%s", hdr_date);
        strcpy(a->pub_date_source, "header");
        a->pub_date_note = xstrdup("leading \"date\" header line of the text");
    } else {
        char ev[96];
        if (dateline_date(lp ? lp->locale : "en", a->text, a->text_len, iso, ev, sizeof ev) != NC_PREC_NONE) {
            snprintf(a->pub_date, sizeof a->pub_date, "%s", iso);
            strcpy(a->pub_date_source, "dateline");
            char note[160];
            snprintf(note, sizeof note, "the text's dateline or byline: \"%s\"", ev);
            a->pub_date_note = xstrdup(note);
        }
    }
    if (meta && meta->date_note && *meta->date_note && strcmp(a->pub_date_source, "metadata")) {
        free(a->pub_date_note);
        a->pub_date_note = xstrdup(meta->date_note);
    }
    a->pub_date_precision = nc_precision_of_iso(a->pub_date);
    nc_sha256_hex(a->text, a->text_len, a->text_hash);
    return NC_OK;
}

int nc_ingest_buffer(const nc_ingester *ing, const char *name, const unsigned char *data,
                     size_t len, const nc_meta *meta, nc_article **out, size_t *n_out,
                     nc_error *err)
{
    return nc_ingest_buffer_hashed(ing, name, data, len, NULL, meta, out, n_out, err);
}

int nc_ingest_buffer_hashed(const nc_ingester *ing, const char *name, const unsigned char *data,
                            size_t len, const char known_hash[65], const nc_meta *meta, nc_article **out,
                            size_t *n_out, nc_error *err)
{
    *out = NULL;
    *n_out = 0;
    if (len == 0)
        return nc_error_set(err, NC_E_EMPTY, name, "empty file");
    if (len > ing->opts.max_file_bytes)
        return nc_error_set(err, NC_E_TOOBIG, name, "%zu bytes, over the limit of %zu", len,
                            ing->opts.max_file_bytes);
    const char *bin = sniff_binary(data, len);
    if (bin)
        return nc_error_set(err, NC_E_FORMAT, name, "binary file: looks like %s", bin);
    char file_hash[65];
    if (known_hash)
        snprintf(file_hash, sizeof file_hash, "%s", known_hash);
    else
        nc_sha256_hex(data, len, file_hash);

    raw_article *raws = NULL;
    size_t n_raw = 0;
    char format[8] = "text", encoding[32] = "";
    char **texts = NULL;
    int rc = NC_OK;
    int kind = sniff_markup(data, len);
    if (kind == 1) {
        rc = feed_extract(name, data, len, ing->opts.xml_max_depth, &raws, &n_raw, format, err);
        strcpy(encoding, "XML");
    } else if (kind == 2) {
        raws = calloc(1, sizeof *raws);
        n_raw = 1;
        const char *enc = NULL;
        if (utf8_is_valid(data, len))
            enc = "UTF-8";
        /* otherwise libxml2 follows the page's meta charset, else Latin-1 */
        rc = raws ? html_extract(name, data, len, enc, ing->opts.xml_max_depth, raws, err)
                  : nc_error_set(err, NC_E_NOMEM, name, "out of memory");
        strcpy(format, "html");
        snprintf(encoding, sizeof encoding, "%s", enc ? enc : "declared");
    }
    if (rc != NC_OK) {
        for (size_t i = 0; i < n_raw; i++)
            raw_article_clear(&raws[i]);
        free(raws);
        return rc;
    }
    size_t n_art = kind ? n_raw : 1;
    nc_article *arts = calloc(n_art, sizeof *arts);
    texts = calloc(n_art, sizeof *texts);
    size_t *tlens = calloc(n_art, sizeof *tlens);
    if (!arts || !texts || !tlens) {
        rc = nc_error_set(err, NC_E_NOMEM, name, "out of memory");
        goto done;
    }
    if (!kind) {
        UChar *u = NULL;
        int32_t ulen = 0;
        rc = decode_to_utf16(name, data, len, NULL, &u, &ulen, encoding, err);
        if (rc == NC_OK)
            rc = normalize_text(u, ulen, &texts[0], &tlens[0], err);
        free(u);
    } else {
        for (size_t i = 0; i < n_raw && rc == NC_OK; i++)
            if (raws[i].text)
                rc = normalize_utf8(raws[i].text, strlen(raws[i].text), &texts[i], &tlens[i], err);
    }
    if (rc != NC_OK) {
        if (!err->where[0])
            snprintf(err->where, sizeof err->where, "%s", name);
        goto done;
    }
    size_t kept = 0;
    nc_error item_err;
    for (size_t i = 0; i < n_art; i++) {
        nc_article *a = &arts[kept];
        memset(a, 0, sizeof *a);
        a->path = xstrdup(name);
        a->item = kind == 1 ? (int)i + 1 : 0;
        memcpy(a->file_hash, file_hash, sizeof file_hash);
        snprintf(a->format, sizeof a->format, "%s", format);
        snprintf(a->encoding, sizeof a->encoding, "%s", encoding);
        if (!texts[i]) {
            nc_article_clear(a);
            continue;
        }
        int r = finish(ing, name, texts[i], tlens[i], kind ? &raws[i] : NULL,
                       kind == 1 ? NULL : meta, a, &item_err);
        texts[i] = NULL;   /* finish() took it */
        if (r == NC_OK) {
            kept++;
        } else {
            /* one bad feed item does not sink the feed; a lone article reports */
            nc_article_clear(a);
            if (n_art == 1) {
                if (err)
                    *err = item_err;
                rc = r;
            }
        }
    }
    if (rc == NC_OK && kept == 0)
        rc = nc_error_set(err, NC_E_EMPTY, name, "no article text found");
    if (rc == NC_OK) {
        *out = arts;
        *n_out = kept;
        arts = NULL;
    }
done:
    if (arts)
        nc_articles_free(arts, n_art);
    if (texts)
        for (size_t i = 0; i < n_art; i++)
            free(texts[i]);
    free(texts);
    free(tlens);
    for (size_t i = 0; i < n_raw; i++)
        raw_article_clear(&raws[i]);
    free(raws);
    return rc;
}
