/*
** timeline.c — the claim timeline and the stats, read from the database
** alone through the same tables and views users query.
**
** One entry per claim group, ordered by event date (groups with no date
** last, showing their first report date), then predicate, then group id.
** Each entry: date and precision, one readable English line, every source
** sentence with its language and article, the numbers of sources and
** languages, and the conflicts between sources.
**
** Formats: text (colour optional), Markdown, JSON (one document; field names
** are documented in the README and stable), CSV (one row per source
** sentence, RFC 4180 quoting), and a self-contained HTML page with an SVG
** timeline. Every piece of article text is escaped for the format it goes
** into. Nothing depends on the clock or the environment: the same database
** gives the same bytes.
*/
#include "store_int.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nc_timeline_opts nc_timeline_default_opts(void)
{
    nc_timeline_opts o;
    memset(&o, 0, sizeof o);
    o.format = NC_TL_TEXT;
    return o;
}

int nc_timeline_format_parse(const char *name)
{
    if (!strcmp(name, "text") || !strcmp(name, "txt")) return NC_TL_TEXT;
    if (!strcmp(name, "md") || !strcmp(name, "markdown")) return NC_TL_MARKDOWN;
    if (!strcmp(name, "json")) return NC_TL_JSON;
    if (!strcmp(name, "csv")) return NC_TL_CSV;
    if (!strcmp(name, "html")) return NC_TL_HTML;
    return -1;
}

/* ------------------------------------------------------------ formatting */

const char *qualifier_words(const char *q)
{
    if (!q || !*q) return "";
    if (!strcmp(q, "at_least")) return "at least ";
    if (!strcmp(q, "more_than")) return "more than ";
    if (!strcmp(q, "about")) return "about ";
    if (!strcmp(q, "nearly")) return "nearly ";
    if (!strcmp(q, "up_to")) return "up to ";
    if (!strcmp(q, "less_than")) return "less than ";
    if (!strcmp(q, "since")) return "since ";
    if (!strcmp(q, "before")) return "before ";
    if (!strcmp(q, "after")) return "after ";
    return "";
}

static const char *currency_symbol(const char *c)
{
    if (!c) return "";
    if (!strcmp(c, "USD")) return "$";
    if (!strcmp(c, "EUR")) return "€";
    if (!strcmp(c, "GBP")) return "£";
    if (!strcmp(c, "JPY")) return "¥";
    return NULL;
}

/* Trim trailing zeros of a %.2f rendering: "1.50" -> "1.5", "70.00" -> "70". */
static void trim_num(char *s)
{
    char *dot = strchr(s, '.');
    if (!dot) return;
    size_t n = strlen(s);
    while (n > (size_t)(dot - s) && (s[n - 1] == '0'))
        s[--n] = 0;
    if (s[n - 1] == '.')
        s[n - 1] = 0;
}

void format_amount(const char *value, const char *currency, char *out, size_t size)
{
    double v = value ? strtod(value, NULL) : 0;
    char num[64];
    if (fabs(v) >= 1e9) {
        snprintf(num, sizeof num, "%.3f", v / 1e9);
        trim_num(num);
        strcat(num, " billion");
    } else if (fabs(v) >= 1e6) {
        snprintf(num, sizeof num, "%.3f", v / 1e6);
        trim_num(num);
        strcat(num, " million");
    } else {
        snprintf(num, sizeof num, "%s", value ? value : "?");
    }
    const char *sym = currency_symbol(currency);
    if (!currency || !*currency)
        snprintf(out, size, "%s", num);
    else if (sym)
        snprintf(out, size, "%s%s", sym, num);
    else
        snprintf(out, size, "%s %s", num, currency);
}

static void format_duration(const char *d, char *out, size_t size)
{
    /* P5Y6M -> "5.5 years"; P5Y -> "5 years"; PXY -> "several years" */
    out[0] = 0;
    if (!d || d[0] != 'P') {
        snprintf(out, size, "%s", d ? d : "");
        return;
    }
    if (!strcmp(d, "PXY")) {
        snprintf(out, size, "several years");
        return;
    }
    if (d[1] == 'T') {
        /* PT24H -> "24 hours"; PT2H30M -> "2 hours 30 minutes" */
        size_t k = 0;
        const char *p = d + 2;
        while (*p && k < size) {
            char *e;
            long v = strtol(p, &e, 10);
            const char *u = *e == 'H' ? "hour" : *e == 'M' ? "minute" : *e == 'S' ? "second" : NULL;
            if (e == p || !u) {
                snprintf(out, size, "%s", d);
                return;
            }
            k += (size_t)snprintf(out + k, size - k, "%s%ld %s%s", k ? " " : "", v, u, v == 1 ? "" : "s");
            p = e + 1;
        }
        return;
    }
    int y = 0, m = 0, w = 0, days = 0;
    const char *p = d + 1;
    while (*p) {
        long k = strtol(p, (char **)&p, 10);
        switch (*p) {
        case 'Y': y = (int)k; break;
        case 'M': m = (int)k; break;
        case 'W': w = (int)k; break;
        case 'D': days = (int)k; break;
        default: snprintf(out, size, "%s", d); return;
        }
        p++;
    }
    if (y && m == 6)
        snprintf(out, size, "%d.5 years", y);
    else if (y && m)
        snprintf(out, size, "%d years %d months", y, m);
    else if (y)
        snprintf(out, size, "%d year%s", y, y == 1 ? "" : "s");
    else if (m)
        snprintf(out, size, "%d month%s", m, m == 1 ? "" : "s");
    else if (w)
        snprintf(out, size, "%d week%s", w, w == 1 ? "" : "s");
    else
        snprintf(out, size, "%d day%s", days, days == 1 ? "" : "s");
}

/* ------------------------------------------------------------- entries */

/* Column i of st's row as text in the group's arena (store_int.h); NULL
** for SQL NULL (or out of memory, which *oom then records). */
static char *col_copy(str_blocks *b, sqlite3_stmt *st, int i, int *oom)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? str_blocks_copy(b, (const char *)t, (size_t)sqlite3_column_bytes(st, i), oom) : NULL;
}

typedef struct source {
    sqlite3_int64 claim_id, article_id;
    sqlite3_int64 more_ids[8];   /* other claims of the group from the same sentence */
    int n_more;
    char *path, *title, *lang, *pub_date, *sentence, *attributed, *amount, *currency, *qualifier;
    char *event_date, *event_qual, *duration, *predicate;
    int is_negated, is_hedged;
    double confidence;
    sqlite3_int64 item, sidx, cidx;  /* with pub_date and path: the order sources are shown in */
} source;

/* The strings of sources and conflicts live in the group's arena (detail). */
typedef struct conflict {
    char *field, *value;
    const char *path, *lang, *pub_date;   /* its source's */
    sqlite3_int64 claim_id;
    sqlite3_int64 item, sidx, cidx;  /* the source's order keys, as for sources */
} conflict;

typedef struct entry {
    sqlite3_int64 id;
    char *date, *precision, *predicate, *family, *subject_id, *subject, *object_id, *object;
    char *amount, *currency, *qualifier, *duration, *langs, *first_report, *last_report;
    int n_sources, n_langs, n_claims;
    char line[512];
    source *src;
    size_t n_src;
    conflict *cf;
    size_t n_cf;
    int has_cf;        /* the group has conflicts (known before they are read) */
} entry;

/* A group's sources and conflicts: read just before it is written, freed
** just after (their strings with the arena, str_blocks_reset), so a timeline of any
** size holds one group's at a time. */
static void detail_free(entry *e)
{
    free(e->src);
    e->src = NULL;
    e->n_src = 0;
    free(e->cf);
    e->cf = NULL;
    e->n_cf = 0;
}

static void entry_free(entry *e)
{
    free(e->date); free(e->precision); free(e->predicate); free(e->family); free(e->subject_id);
    free(e->subject); free(e->object_id); free(e->object); free(e->amount); free(e->currency);
    free(e->qualifier); free(e->duration); free(e->langs); free(e->first_report); free(e->last_report);
    detail_free(e);
}

/* Sources by publication date (none first), path, item, sentence, claim:
** the order SQLite's ORDER BY gave, sorted here on the keys alone rather
** than by SQLite on rows that carry their sentences. */
static int strcmp_null(const char *a, const char *b)
{
    return !a ? (b ? -1 : 0) : !b ? 1 : strcmp(a, b);
}

typedef struct order_key {
    const char *pub_date, *path;
    sqlite3_int64 item, sidx, cidx;
} order_key;

static int cmp_keys(order_key a, order_key b)
{
    int r = strcmp_null(a.pub_date, b.pub_date);
    if (!r)
        r = strcmp_null(a.path, b.path);
    if (!r)
        r = (a.item > b.item) - (a.item < b.item);
    if (!r)
        r = (a.sidx > b.sidx) - (a.sidx < b.sidx);
    if (!r)
        r = (a.cidx > b.cidx) - (a.cidx < b.cidx);
    return r;
}

static int cmp_source(const void *x, const void *y)
{
    const source *a = x, *b = y;
    return cmp_keys((order_key){ a->pub_date, a->path, a->item, a->sidx, a->cidx },
                    (order_key){ b->pub_date, b->path, b->item, b->sidx, b->cidx });
}

/* Conflicts by field, then in the order of their sources. */
static int cmp_conflict(const void *x, const void *y)
{
    const conflict *a = x, *b = y;
    int r = strcmp_null(a->field, b->field);
    return r ? r : cmp_keys((order_key){ a->pub_date, a->path, a->item, a->sidx, a->cidx },
                            (order_key){ b->pub_date, b->path, b->item, b->sidx, b->cidx });
}

static int cmp_source_claim(const void *key, const void *elem)
{
    sqlite3_int64 k = *(const sqlite3_int64 *)key, c = ((const source *)elem)->claim_id;
    return (k > c) - (k < c);
}

/* A line template (predicates.line) rendered: {subject}, {object},
** {amount}, {term}, {date} replaced by vals[0..4] (NULL or "" when the
** group has none); a part in [brackets] is left out when a field in it is
** empty. Appended to out (size bytes, NUL-terminated, cut if too long). */
static void render_line(const char *t, const char *const vals[5], char *out, size_t size)
{
    static const char *const names[5] = { "subject", "object", "amount", "term", "date" };
    size_t l = strlen(out);
    char part[512];
    size_t pl = 0;
    int in_part = 0, part_ok = 1;
    for (const char *p = t; *p; p++) {
        const char *add = NULL;
        size_t addn = 0;
        char ch = *p;
        if (ch == '[' && !in_part) {
            in_part = 1;
            part_ok = 1;
            pl = 0;
            continue;
        }
        if (ch == ']' && in_part) {
            in_part = 0;
            if (part_ok && l + pl < size) {
                memcpy(out + l, part, pl);
                l += pl;
            }
            continue;
        }
        if (ch == '{') {
            const char *e = strchr(p, '}');
            int f = -1;
            for (int k = 0; e && k < 5; k++)
                if ((size_t)(e - p - 1) == strlen(names[k]) && !strncmp(p + 1, names[k], (size_t)(e - p - 1)))
                    f = k;
            if (f >= 0) {
                add = vals[f] ? vals[f] : "";
                addn = strlen(add);
                if (!addn)
                    part_ok = 0;
                p = e;
            }
        }
        if (!add) {
            add = p;
            addn = 1;
        }
        if (in_part) {
            if (pl + addn < sizeof part) {
                memcpy(part + pl, add, addn);
                pl += addn;
            }
        } else if (l + addn < size) {
            memcpy(out + l, add, addn);
            l += addn;
        }
    }
    out[l < size ? l : size - 1] = 0;
}

/* The one-line English rendering of a group: its predicate's line template
** (NULL when the predicates table lacks the predicate: then subject,
** predicate, object, amount and term). */
static void make_line(entry *e, const store_pred *p)
{
    const char *subj = e->subject ? e->subject : e->subject_id ? e->subject_id : "(unknown)";
    const char *obj = e->object ? e->object : e->object_id;
    char amount[160] = "", money[96] = "", dur[64] = "";
    if (e->amount) {
        format_amount(e->amount, e->currency, money, sizeof money);
        snprintf(amount, sizeof amount, "%s%s", qualifier_words(e->qualifier), money);
    }
    if (e->duration)
        format_duration(e->duration, dur, sizeof dur);
    const char *vals[5] = { subj, obj, amount, dur, e->date };
    e->line[0] = 0;
    if (p) {
        render_line(p->line, vals, e->line, sizeof e->line);
        return;
    }
    render_line("{subject} ", vals, e->line, sizeof e->line);
    size_t l = strlen(e->line);
    snprintf(e->line + l, sizeof e->line - l, "%s", e->predicate);
    render_line("[ {object}][ {amount}][ ({term})]", vals, e->line, sizeof e->line);
}

typedef struct entries {
    entry *v;
    size_t n;
} entries;

static int load(nc_store *s, const nc_timeline_opts *o, entries *out, nc_error *err)
{
    memset(out, 0, sizeof *out);
    if (o->from && nc_precision_of_iso(o->from) == NC_PREC_NONE)
        return nc_error_set(err, NC_E_USAGE, NULL, "--from \"%s\" is not a date like 2023, 2023-03 or 2023-03-15", o->from);
    if (o->to && nc_precision_of_iso(o->to) == NC_PREC_NONE)
        return nc_error_set(err, NC_E_USAGE, NULL, "--to \"%s\" is not a date like 2023, 2023-03 or 2023-03-15", o->to);
    int prc = store_preds_read(s, err);
    if (prc != NC_OK)
        return prc;
    if (o->predicate && !store_pred_find(s, o->predicate, NULL))
        return nc_error_set(err, NC_E_USAGE, NULL,
                            "unknown predicate \"%s\" (the predicates table lists the vocabulary:"
                            " sqlite3 DB 'SELECT name FROM predicates')", o->predicate);
    sqlite3_stmt *st = NULL;
    if (o->company) {
        if (sqlite3_prepare_v2(s->db,
                               "SELECT count(*) FROM orgs WHERE id = ?1 OR name = ?1 COLLATE NOCASE"
                               " OR id IN (SELECT org_id FROM org_aliases WHERE alias = ?1 COLLATE NOCASE)",
                               -1, &st, NULL) != SQLITE_OK)
            return store_err(s, err, "prepare");
        sqlite3_bind_text(st, 1, o->company, -1, SQLITE_STATIC);
        int found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
        sqlite3_finalize(st);
        st = NULL;
        if (!found)
            return nc_error_set(err, NC_E_USAGE, NULL,
                                "unknown company \"%s\" (query the orgs and org_aliases tables for known names)", o->company);
    }
    const char *sql =
        "WITH RECURSIVE target(id) AS ("
        "  SELECT id FROM orgs WHERE ?1 IS NOT NULL AND (id = ?1 OR name = ?1 COLLATE NOCASE"
        "   OR id IN (SELECT org_id FROM org_aliases WHERE alias = ?1 COLLATE NOCASE))"
        "  UNION SELECT o.id FROM orgs o JOIN target t ON o.parent_id = t.id) "
        "SELECT g.id, g.event_date, g.event_precision, g.predicate, g.family, g.subject_org, so.name,"
        " g.object_org, oo.name, g.amount, g.currency, g.qualifier, g.duration, g.n_sources, g.n_langs,"
        " g.langs, g.first_report, g.last_report, g.n_claims,"
        " EXISTS (SELECT 1 FROM conflicts f WHERE f.group_id = g.id)"
        " FROM claim_groups g LEFT JOIN orgs so ON so.id = g.subject_org LEFT JOIN orgs oo ON oo.id = g.object_org"
        /* the company's groups through the indexes on parties, not a scan of every group's members */
        " WHERE (?1 IS NULL OR g.id IN (SELECT id FROM claim_groups WHERE subject_org IN target"
        "        UNION SELECT id FROM claim_groups WHERE object_org IN target"
        "        UNION SELECT m.group_id FROM claims c JOIN claim_group_members m ON m.claim_id = c.id"
        "              WHERE c.subject_org IN target"
        "        UNION SELECT m.group_id FROM claims c JOIN claim_group_members m ON m.claim_id = c.id"
        "              WHERE c.object_org IN target))"
        "   AND (?2 IS NULL OR (g.event_end IS NOT NULL AND g.event_end >= ?2))"
        "   AND (?3 IS NULL OR (g.event_start IS NOT NULL AND g.event_start <= ?3))"
        "   AND (?4 IS NULL OR EXISTS (SELECT 1 FROM claim_group_members m WHERE m.group_id = g.id AND m.lang = ?4))"
        "   AND (?5 IS NULL OR g.predicate = ?5)"
        "   AND g.n_sources >= ?6"
        " ORDER BY g.event_start IS NULL, g.event_start, g.event_end DESC, g.predicate, g.id";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_err(s, err, "prepare");
    /* --from/--to at any precision: a group is in range if its period overlaps */
    char fs[11], fe[11], ts[11], te[11];
    if (o->company) sqlite3_bind_text(st, 1, o->company, -1, SQLITE_STATIC);
    if (o->from && nc_iso_period(o->from, fs, fe)) sqlite3_bind_text(st, 2, fs, -1, SQLITE_TRANSIENT);
    if (o->to && nc_iso_period(o->to, ts, te)) sqlite3_bind_text(st, 3, te, -1, SQLITE_TRANSIENT);
    if (o->lang) sqlite3_bind_text(st, 4, o->lang, -1, SQLITE_STATIC);
    if (o->predicate) sqlite3_bind_text(st, 5, o->predicate, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, o->min_sources);
    size_t cap = 0;
    int r, rc = NC_OK;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (!store_grow(&out->v, &cap, out->n + 1, sizeof *out->v)) {
            rc = nc_error_set(err, NC_E_NOMEM, NULL, "out of memory");
            break;
        }
        entry *e = &out->v[out->n++];
        memset(e, 0, sizeof *e);
        e->id = sqlite3_column_int64(st, 0);
        e->date = column_dup(st, 1); e->precision = column_dup(st, 2); e->predicate = column_dup(st, 3);
        e->family = column_dup(st, 4); e->subject_id = column_dup(st, 5); e->subject = column_dup(st, 6);
        e->object_id = column_dup(st, 7); e->object = column_dup(st, 8); e->amount = column_dup(st, 9);
        e->currency = column_dup(st, 10); e->qualifier = column_dup(st, 11); e->duration = column_dup(st, 12);
        e->n_sources = sqlite3_column_int(st, 13); e->n_langs = sqlite3_column_int(st, 14);
        e->langs = column_dup(st, 15); e->first_report = column_dup(st, 16); e->last_report = column_dup(st, 17);
        e->n_claims = sqlite3_column_int(st, 18);
        e->has_cf = sqlite3_column_int(st, 19);
        if (!e->predicate) e->predicate = calloc(1, 1);
        make_line(e, store_pred_find(s, e->predicate, NULL));
    }
    if (rc == NC_OK && r != SQLITE_DONE)
        rc = store_err(s, err, "reading claim groups");
    sqlite3_finalize(st);
    return rc;
}

/* The statements that read one group's sources and conflicts. */
typedef struct detail {
    sqlite3_stmt *ss, *sc;
    str_blocks strs;    /* the current group's strings: a malloc per block, not per column */
} detail;

static void detail_close(detail *d)
{
    sqlite3_finalize(d->ss);
    sqlite3_finalize(d->sc);
    d->ss = d->sc = NULL;
    str_blocks_free(&d->strs);
}

static int detail_open(nc_store *s, detail *d, nc_error *err)
{
    d->ss = d->sc = NULL;
    memset(&d->strs, 0, sizeof d->strs);
    if (sqlite3_prepare_v2(s->db,
                           /* from the members' own copy (store_int.h, MEMBER_COPY_COLS): adjacent
                              rows, where the claims, articles and sentences are a page each */
                           "SELECT m.claim_id, m.article_id, m.path, m.title, m.lang, m.pub_date, m.sentence,"
                           " src.name, m.amount, m.currency, m.qualifier, m.event_date, m.event_qualifier,"
                           " m.duration, m.predicate, m.is_negated, m.is_hedged, m.confidence, m.item,"
                           " m.sentence_idx, m.claim_idx"
                           " FROM claim_group_members m LEFT JOIN orgs src ON src.id = m.source_org"
                           " WHERE m.group_id = ?1 ORDER BY m.claim_id",
                           -1, &d->ss, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           /* each conflict's article and sentence are its source's, already read:
                              looked up below among the members rather than read again */
                           "SELECT field, value, claim_id FROM conflicts WHERE group_id = ?1",
                           -1, &d->sc, NULL) != SQLITE_OK) {
        int rc = store_err(s, err, "prepare");
        detail_close(d);
        return rc;
    }
    return NC_OK;
}

/* Read entry e's sources (sorted, one per sentence) and conflicts (sorted). */
static int load_detail(nc_store *s, detail *d, entry *e, nc_error *err)
{
    sqlite3_stmt *ss = d->ss, *sc = d->sc;
    str_blocks *p = &d->strs;
    int r, rc = NC_OK, oom = 0;
    sqlite3_bind_int64(ss, 1, e->id);
    size_t scap = 0;
    while ((r = sqlite3_step(ss)) == SQLITE_ROW) {
        if (!store_grow(&e->src, &scap, e->n_src + 1, sizeof *e->src)) {
            rc = nc_error_set(err, NC_E_NOMEM, NULL, "out of memory");
            break;
        }
        source *x = &e->src[e->n_src++];
        memset(x, 0, sizeof *x);
        x->claim_id = sqlite3_column_int64(ss, 0);
        x->article_id = sqlite3_column_int64(ss, 1);
        x->path = col_copy(p, ss, 2, &oom); x->title = col_copy(p, ss, 3, &oom); x->lang = col_copy(p, ss, 4, &oom);
        x->pub_date = col_copy(p, ss, 5, &oom); x->sentence = col_copy(p, ss, 6, &oom);
        x->attributed = col_copy(p, ss, 7, &oom); x->amount = col_copy(p, ss, 8, &oom);
        x->currency = col_copy(p, ss, 9, &oom); x->qualifier = col_copy(p, ss, 10, &oom);
        x->event_date = col_copy(p, ss, 11, &oom); x->event_qual = col_copy(p, ss, 12, &oom);
        x->duration = col_copy(p, ss, 13, &oom); x->predicate = col_copy(p, ss, 14, &oom);
        x->is_negated = sqlite3_column_int(ss, 15); x->is_hedged = sqlite3_column_int(ss, 16);
        x->confidence = sqlite3_column_double(ss, 17);
        x->item = sqlite3_column_int64(ss, 18);
        x->sidx = sqlite3_column_int64(ss, 19);
        x->cidx = sqlite3_column_int64(ss, 20);
        if (oom) { rc = nc_error_set(err, NC_E_NOMEM, NULL, "out of memory"); break; }
    }
    if (rc == NC_OK && r != SQLITE_DONE)
        rc = store_err(s, err, "reading a group's sources");
    sqlite3_reset(ss);
    /* the conflicts, while the members are still in claim order, one per claim */
    sqlite3_bind_int64(sc, 1, e->id);
    size_t ccap = 0;
    while (rc == NC_OK && (r = sqlite3_step(sc)) == SQLITE_ROW) {
        if (!store_grow(&e->cf, &ccap, e->n_cf + 1, sizeof *e->cf)) {
            rc = nc_error_set(err, NC_E_NOMEM, NULL, "out of memory");
            break;
        }
        conflict *c = &e->cf[e->n_cf++];
        memset(c, 0, sizeof *c);
        c->field = col_copy(p, sc, 0, &oom); c->value = col_copy(p, sc, 1, &oom);
        c->claim_id = sqlite3_column_int64(sc, 2);
        if (oom) { rc = nc_error_set(err, NC_E_NOMEM, NULL, "out of memory"); break; }
        const source *x = bsearch(&c->claim_id, e->src, e->n_src, sizeof *e->src, cmp_source_claim);
        if (x) {
            c->path = x->path; c->lang = x->lang; c->pub_date = x->pub_date;
            c->item = x->item; c->sidx = x->sidx; c->cidx = x->cidx;
        }
    }
    if (rc == NC_OK && r != SQLITE_DONE)
        rc = store_err(s, err, "reading a group's conflicts");
    sqlite3_reset(sc);
    if (rc != NC_OK)
        return rc;
    if (e->n_cf > 1)
        qsort(e->cf, e->n_cf, sizeof *e->cf, cmp_conflict);
    if (e->n_src > 1)
        qsort(e->src, e->n_src, sizeof *e->src, cmp_source);
    /* two claims of the group from one sentence: the sentence is shown once */
    size_t kept = 0;
    for (size_t k = 0; k < e->n_src; k++) {
        source *x = &e->src[k], *prev = kept ? &e->src[kept - 1] : NULL;
        if (prev && prev->article_id == x->article_id && x->sentence && prev->sentence &&
            !strcmp(prev->sentence, x->sentence)) {
            prev->is_negated |= x->is_negated;
            prev->is_hedged |= x->is_hedged;
            if (prev->n_more < 8)
                prev->more_ids[prev->n_more++] = x->claim_id;
            continue;
        }
        if (kept != k)
            e->src[kept] = *x;
        kept++;
    }
    e->n_src = kept;
    return rc;
}

/* -------------------------------------------------------------- escaping */

void put_json(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p == '\n') fputs("\\n", f);
        else if (*p == '\r') fputs("\\r", f);
        else if (*p == '\t') fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7F) fprintf(f, "\\u%04x", *p);
        else if (*p >= 0x80) {
            /* pass valid UTF-8 through; replace anything else so the JSON stays valid */
            int n = (*p >= 0xF0 && *p <= 0xF4) ? 3 : (*p >= 0xE0) ? 2 : (*p >= 0xC2 && *p < 0xE0) ? 1 : -1;
            int ok = n > 0;
            for (int k = 1; ok && k <= n; k++)
                ok = (p[k] & 0xC0) == 0x80;
            if (ok) {
                fwrite(p, 1, (size_t)n + 1, f);
                p += n;
            } else {
                fputs("\\ufffd", f);
            }
        } else fputc(*p, f);
    }
    fputc('"', f);
}

static void put_html(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void put_csv(FILE *f, const char *s)
{
    if (!s)
        return;
    int quote = strpbrk(s, ",\"\r\n") != NULL || *s == ' ' || (*s && s[strlen(s) - 1] == ' ');
    /* a leading = + - @ makes spreadsheets run a formula: quote and prefix */
    int formula = *s == '=' || *s == '+' || *s == '-' || *s == '@';
    if (!quote && !formula) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    if (formula)
        fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void put_md(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (strchr("\\`*_[]<>|#", *s))
            fputc('\\', f);
        fputc(*s, f);
    }
}

static const char *date_or(const entry *e)
{
    return e->date ? e->date : "undated";
}

/* ------------------------------------------------------------ renderers */

/* Each format in three parts: what comes before the groups (it may use
** every group's header, never their sources), one group with its sources
** and conflicts, what comes after. */
static void render_text_head(FILE *f, const entries *es)
{
    fprintf(f, "%zu claim%s\n", es->n, es->n == 1 ? "" : "s");
}

/* The strings given, up to a NULL, one after the other. */
static void put_strs(FILE *f, ...)
{
    va_list ap;
    va_start(ap, f);
    for (const char *p; (p = va_arg(ap, const char *)) != NULL;)
        fputs(p, f);
    va_end(ap);
}

static void render_text_entry(FILE *f, const entry *e, int color)
{
    const char *B = color ? "\033[1m" : "", *R = color ? "\033[0m" : "", *C = color ? "\033[36m" : "",
               *Y = color ? "\033[33m" : "", *D = color ? "\033[2m" : "";
    fprintf(f, "\n%s%s%s", B, date_or(e), R);
    if (e->date)
        fprintf(f, " (%s)", e->precision ? e->precision : "?");
    else if (e->first_report)
        fprintf(f, " (first reported %s)", e->first_report);
    fprintf(f, "  %s%s%s  [#%lld %s]\n", C, e->line, R, (long long)e->id, e->predicate);
    fprintf(f, "  %d source%s, %d language%s (%s)\n", e->n_sources, e->n_sources == 1 ? "" : "s",
            e->n_langs, e->n_langs == 1 ? "" : "s", e->langs ? e->langs : "");
    /* a line per source and per conflict: pieces put one after the other, as
    ** many thousands of them make a format string's parsing show */
    for (size_t k = 0; k < e->n_src; k++) {
        const source *x = &e->src[k];
        put_strs(f, "  ", D, "[", x->lang ? x->lang : "?", "] ", x->path ? x->path : "", NULL);
        if (x->pub_date)
            put_strs(f, " ", x->pub_date, NULL);
        if (x->attributed)
            put_strs(f, ", according to ", x->attributed, NULL);
        put_strs(f, R, "\n      \"", x->sentence ? x->sentence : "", "\"", x->is_negated ? " (negated)" : "",
                 x->is_hedged ? " (reported/hedged)" : "", "\n", NULL);
    }
    const char *last_field = NULL;
    for (size_t k = 0; k < e->n_cf; k++) {
        const conflict *c = &e->cf[k];
        if (!last_field || strcmp(last_field, c->field))
            fprintf(f, "  %sconflict on %s:%s\n", Y, c->field, R);
        last_field = c->field;
        put_strs(f, "      ", c->value ? c->value : "(null)", "  [", c->lang ? c->lang : "(null)", "] ",
                 c->path ? c->path : "(null)", "\n", NULL);
    }
}

static void render_md_head(FILE *f, const entries *es)
{
    fprintf(f, "# Claim timeline\n\n%zu claim%s.\n", es->n, es->n == 1 ? "" : "s");
}

static void render_md_entry(FILE *f, const entry *e)
{
    fprintf(f, "\n## %s", date_or(e));
    if (e->date)
        fprintf(f, " (%s)", e->precision ? e->precision : "?");
    fputs(": ", f);
    put_md(f, e->line);
    fprintf(f, "\n\n- group %lld, predicate `%s`\n- %d source%s, %d language%s: %s\n", (long long)e->id,
            e->predicate, e->n_sources, e->n_sources == 1 ? "" : "s", e->n_langs, e->n_langs == 1 ? "" : "s",
            e->langs ? e->langs : "");
    if (!e->date && e->first_report)
        fprintf(f, "- first reported %s\n", e->first_report);
    fputs("\n", f);
    for (size_t k = 0; k < e->n_src; k++) {
        const source *x = &e->src[k];
        fprintf(f, "> **[%s]** ", x->lang ? x->lang : "?");
        put_md(f, x->sentence);
        fputs("  \n> — ", f);
        put_md(f, x->path);
        if (x->pub_date)
            fprintf(f, ", %s", x->pub_date);
        if (x->attributed) {
            fputs(", according to ", f);
            put_md(f, x->attributed);
        }
        fputs(x->is_negated ? " (negated)" : "", f);
        fputs(x->is_hedged ? " (reported/hedged)" : "", f);
        fputs("\n\n", f);
    }
    if (e->n_cf) {
        fputs("Conflicts:\n\n", f);
        for (size_t k = 0; k < e->n_cf; k++) {
            fprintf(f, "- %s: ", e->cf[k].field);
            put_md(f, e->cf[k].value);
            fprintf(f, " (%s, ", e->cf[k].lang);
            put_md(f, e->cf[k].path);
            fputs(")\n", f);
        }
    }
}

static void render_json_head(FILE *f, const nc_timeline_opts *o)
{
    fputs("{\"newsclaims_timeline\":1,\"filters\":{\"company\":", f);
    put_json(f, o->company);
    fputs(",\"from\":", f);
    put_json(f, o->from);
    fputs(",\"to\":", f);
    put_json(f, o->to);
    fputs(",\"lang\":", f);
    put_json(f, o->lang);
    fputs(",\"predicate\":", f);
    put_json(f, o->predicate);
    fprintf(f, ",\"min_sources\":%d},\"entries\":[", o->min_sources);
}

static void render_json_entry(FILE *f, const entry *e, size_t i)
{
    fprintf(f, "%s\n{\"group_id\":%lld,\"date\":", i ? "," : "", (long long)e->id);
    put_json(f, e->date);
    fputs(",\"precision\":", f);
    put_json(f, e->precision);
    fputs(",\"predicate\":", f);
    put_json(f, e->predicate);
    fputs(",\"family\":", f);
    put_json(f, e->family);
    fputs(",\"subject\":{\"id\":", f);
    put_json(f, e->subject_id);
    fputs(",\"name\":", f);
    put_json(f, e->subject);
    fputs("},\"object\":{\"id\":", f);
    put_json(f, e->object_id);
    fputs(",\"name\":", f);
    put_json(f, e->object);
    fputs("},\"amount\":", f);
    put_json(f, e->amount);
    fputs(",\"currency\":", f);
    put_json(f, e->currency);
    fputs(",\"qualifier\":", f);
    put_json(f, e->qualifier);
    fputs(",\"duration\":", f);
    put_json(f, e->duration);
    fputs(",\"line\":", f);
    put_json(f, e->line);
    fprintf(f, ",\"n_claims\":%d,\"n_sources\":%d,\"n_languages\":%d,\"languages\":[", e->n_claims,
            e->n_sources, e->n_langs);
    const char *l = e->langs ? e->langs : "";
    int first = 1;
    while (*l) {
        const char *c = strchr(l, ',');
        size_t n = c ? (size_t)(c - l) : strlen(l);
        fprintf(f, "%s\"%.*s\"", first ? "" : ",", (int)n, l);
        first = 0;
        l += n + (c ? 1 : 0);
    }
    fputs("],\"first_report\":", f);
    put_json(f, e->first_report);
    fputs(",\"last_report\":", f);
    put_json(f, e->last_report);
    fputs(",\"sources\":[", f);
    for (size_t k = 0; k < e->n_src; k++) {
        const source *x = &e->src[k];
        fprintf(f, "%s{\"claim_id\":%lld,\"claim_ids\":[%lld", k ? "," : "", (long long)x->claim_id,
                (long long)x->claim_id);
        for (int mi = 0; mi < x->n_more; mi++)
            fprintf(f, ",%lld", (long long)x->more_ids[mi]);
        fprintf(f, "],\"article_id\":%lld,\"path\":", (long long)x->article_id);
        put_json(f, x->path);
        fputs(",\"title\":", f);
        put_json(f, x->title);
        fputs(",\"lang\":", f);
        put_json(f, x->lang);
        fputs(",\"pub_date\":", f);
        put_json(f, x->pub_date);
        fputs(",\"sentence\":", f);
        put_json(f, x->sentence);
        fputs(",\"predicate\":", f);
        put_json(f, x->predicate);
        fputs(",\"amount\":", f);
        put_json(f, x->amount);
        fputs(",\"qualifier\":", f);
        put_json(f, x->qualifier);
        fputs(",\"event_date\":", f);
        put_json(f, x->event_date);
        fputs(",\"attributed_to\":", f);
        put_json(f, x->attributed);
        fprintf(f, ",\"negated\":%s,\"hedged\":%s,\"confidence\":%.2f}", x->is_negated ? "true" : "false",
                x->is_hedged ? "true" : "false", x->confidence);
    }
    fputs("],\"conflicts\":[", f);
    for (size_t k = 0; k < e->n_cf; k++) {
        fprintf(f, "%s{\"field\":", k ? "," : "");
        put_json(f, e->cf[k].field);
        fputs(",\"value\":", f);
        put_json(f, e->cf[k].value);
        fprintf(f, ",\"claim_id\":%lld,\"path\":", (long long)e->cf[k].claim_id);
        put_json(f, e->cf[k].path);
        fputs(",\"lang\":", f);
        put_json(f, e->cf[k].lang);
        fputs("}", f);
    }
    fputs("]}", f);
}

static void render_json_tail(FILE *f)
{
    fputs("\n]}\n", f);
}

static void render_csv_head(FILE *f)
{
    fputs("group_id,date,precision,predicate,subject,object,amount,currency,qualifier,duration,line,"
          "n_sources,n_languages,languages,source_lang,source_path,source_pub_date,sentence,negated,hedged,conflicts\r\n", f);
}

static void render_csv_entry(FILE *f, const entry *e)
{
    char cf[1024] = "";
    for (size_t k = 0; k < e->n_cf; k++) {
        size_t l = strlen(cf);
        snprintf(cf + l, sizeof cf - l, "%s%s=%s (%s)", k ? "; " : "", e->cf[k].field, e->cf[k].value, e->cf[k].lang);
    }
    for (size_t k = 0; k < (e->n_src ? e->n_src : 1); k++) {
        const source *x = e->n_src ? &e->src[k] : NULL;
        char n1[16], n2[16];
        fprintf(f, "%lld,", (long long)e->id);
        put_csv(f, e->date); fputc(',', f);
        put_csv(f, e->precision); fputc(',', f);
        put_csv(f, e->predicate); fputc(',', f);
        put_csv(f, e->subject ? e->subject : e->subject_id); fputc(',', f);
        put_csv(f, e->object ? e->object : e->object_id); fputc(',', f);
        put_csv(f, e->amount); fputc(',', f);
        put_csv(f, e->currency); fputc(',', f);
        put_csv(f, e->qualifier); fputc(',', f);
        put_csv(f, e->duration); fputc(',', f);
        put_csv(f, e->line); fputc(',', f);
        snprintf(n1, sizeof n1, "%d", e->n_sources);
        snprintf(n2, sizeof n2, "%d", e->n_langs);
        fprintf(f, "%s,%s,", n1, n2);
        put_csv(f, e->langs); fputc(',', f);
        put_csv(f, x ? x->lang : NULL); fputc(',', f);
        put_csv(f, x ? x->path : NULL); fputc(',', f);
        put_csv(f, x ? x->pub_date : NULL); fputc(',', f);
        put_csv(f, x ? x->sentence : NULL); fputc(',', f);
        fprintf(f, "%d,%d,", x ? x->is_negated : 0, x ? x->is_hedged : 0);
        put_csv(f, cf);
        fputs("\r\n", f);
    }
}

/* Position on the axis: fractional years at the middle of the period. */
static double date_pos(const char *d)
{
    if (!d || strlen(d) < 4)
        return NAN;
    double y = atof(d);
    size_t n = strlen(d);
    if (n == 4) return y + 0.5;
    if (d[5] == 'Q') return y + (d[6] - '1') * 0.25 + 0.125;
    if (d[5] == 'H') return y + (d[6] - '1') * 0.5 + 0.25;
    if (d[5] == 'W') return y + (atoi(d + 6) - 0.5) * 7 / 365.25;
    int first;
    if (nc_season_of(d + 5, &first)) return y + (first - 1) / 12.0 + 1.5 / 12.0;
    int m = atoi(d + 5);
    if (n == 7) return y + (m - 1) / 12.0 + 1 / 24.0;
    int day = atoi(d + 8);
    return y + (m - 1) / 12.0 + (day - 1) / 365.0;
}

static void render_html_head(FILE *f, const entries *es)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
          "<title>Claim timeline</title>\n<style>\n"
          "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#222}\n"
          "h1{font-size:1.5em} .entry{border-top:1px solid #ccc;padding:.6em 0}\n"
          ".date{font-weight:bold;margin-right:.6em} .meta{color:#666;font-size:.9em}\n"
          ".src{margin:.3em 0 .3em 1.5em} .lang{display:inline-block;min-width:2em;font-weight:bold;color:#036}\n"
          "blockquote{margin:.2em 0 .2em 2.5em;color:#333} .conflict{color:#a40;margin-left:1.5em}\n"
          "svg text{font:11px sans-serif} .mark{fill:#2a6fb0} .mark.c{fill:#d2691e}\n"
          "</style>\n</head>\n<body>\n<h1>Claim timeline</h1>\n", f);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < es->n; i++) {
        double p = date_pos(es->v[i].date);
        if (!isnan(p)) {
            lo = fmin(lo, p);
            hi = fmax(hi, p);
        }
    }
    fprintf(f, "<p class=\"meta\">%zu claims; marks are claim groups on a date axis (radius: number of sources; "
               "orange: sources disagree). Undated claims are listed after the dated ones.</p>\n", es->n);
    if (!isinf(lo)) {
        double y0 = floor(lo), y1 = ceil(hi);
        if (y1 <= y0)
            y1 = y0 + 1;
        const double W = 1000, L = 40, Rr = 20, axis = 150;
        fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f 190\" width=\"100%%\" role=\"img\" "
                   "aria-label=\"Claim timeline\">\n", W);
        fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#444\"/>\n", L, axis, W - Rr, axis);
        for (int y = (int)y0; y <= (int)y1; y++) {
            double x = L + (y - y0) / (y1 - y0) * (W - L - Rr);
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#444\"/>"
                       "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%d</text>\n",
                    x, axis - 5, x, axis + 5, x, axis + 20, y);
        }
        /* stack marks that fall on the same spot */
        double *used = calloc(es->n ? es->n : 1, sizeof *used);
        size_t nu = 0;
        for (size_t i = 0; i < es->n; i++) {
            const entry *e = &es->v[i];
            double p = date_pos(e->date);
            if (isnan(p))
                continue;
            double x = L + (p - y0) / (y1 - y0) * (W - L - Rr);
            int level = 0;
            for (size_t k = 0; used && k < nu; k++)
                if (fabs(used[k] - x) < 6)
                    level++;
            if (used)
                used[nu++] = x;
            double r = 3 + 2 * (e->n_sources > 5 ? 5 : e->n_sources);
            double y = axis - 14 - level * 13;
            if (y < 10)
                y = 10;
            fprintf(f, "<a href=\"#g%lld\"><circle class=\"mark%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"><title>",
                    (long long)e->id, e->has_cf ? " c" : "", x, y, r);
            put_html(f, date_or(e));
            fputs(": ", f);
            put_html(f, e->line);
            fprintf(f, " (%d sources)</title></circle></a>\n", e->n_sources);
        }
        free(used);
        fputs("</svg>\n", f);
    }
}

static void render_html_entry(FILE *f, const entry *e)
{
    fprintf(f, "<div class=\"entry\" id=\"g%lld\"><span class=\"date\">", (long long)e->id);
    put_html(f, date_or(e));
    if (e->date) {
        fputs(" (", f);
        put_html(f, e->precision);
        fputs(")", f);
    }
    fputs("</span>", f);
    put_html(f, e->line);
    fprintf(f, "<div class=\"meta\">group %lld &middot; ", (long long)e->id);
    put_html(f, e->predicate);
    fprintf(f, " &middot; %d source%s, %d language%s (", e->n_sources, e->n_sources == 1 ? "" : "s", e->n_langs,
            e->n_langs == 1 ? "" : "s");
    put_html(f, e->langs);
    fputs(")", f);
    if (!e->date && e->first_report) {
        fputs(" &middot; first reported ", f);
        put_html(f, e->first_report);
    }
    fputs("</div>\n", f);
    for (size_t k = 0; k < e->n_src; k++) {
        const source *x = &e->src[k];
        fputs("<div class=\"src\"><span class=\"lang\">", f);
        put_html(f, x->lang);
        fputs("</span> ", f);
        put_html(f, x->path);
        if (x->pub_date) {
            fputs(", ", f);
            put_html(f, x->pub_date);
        }
        if (x->attributed) {
            fputs(", according to ", f);
            put_html(f, x->attributed);
        }
        fputs(x->is_negated ? " (negated)" : "", f);
        fputs(x->is_hedged ? " (reported/hedged)" : "", f);
        fputs("<blockquote>", f);
        put_html(f, x->sentence);
        fputs("</blockquote></div>\n", f);
    }
    for (size_t k = 0; k < e->n_cf; k++) {
        fputs("<div class=\"conflict\">conflict on ", f);
        put_html(f, e->cf[k].field);
        fputs(": ", f);
        put_html(f, e->cf[k].value);
        fputs(" (", f);
        put_html(f, e->cf[k].lang);
        fputs(", ", f);
        put_html(f, e->cf[k].path);
        fputs(")</div>\n", f);
    }
    fputs("</div>\n", f);
}

static void render_html_tail(FILE *f)
{
    fputs("</body>\n</html>\n", f);
}

int nc_timeline_write(nc_store *s, const nc_timeline_opts *opts, FILE *out, nc_error *err)
{
    nc_timeline_opts o = opts ? *opts : nc_timeline_default_opts();
    entries es;
    detail d = { NULL, NULL, { NULL, 0, 0, 0, NULL } };
    int rc = load(s, &o, &es, err);
    if (rc == NC_OK)
        rc = detail_open(s, &d, err);
    if (rc == NC_OK) {
        switch (o.format) {
        case NC_TL_TEXT: render_text_head(out, &es); break;
        case NC_TL_MARKDOWN: render_md_head(out, &es); break;
        case NC_TL_JSON: render_json_head(out, &o); break;
        case NC_TL_CSV: render_csv_head(out); break;
        case NC_TL_HTML: render_html_head(out, &es); break;
        }
        /* one group at a time: read, written, freed */
        for (size_t i = 0; rc == NC_OK && i < es.n && !ferror(out); i++) {
            entry *e = &es.v[i];
            if ((rc = load_detail(s, &d, e, err)) != NC_OK)
                break;
            switch (o.format) {
            case NC_TL_TEXT: render_text_entry(out, e, o.use_color); break;
            case NC_TL_MARKDOWN: render_md_entry(out, e); break;
            case NC_TL_JSON: render_json_entry(out, e, i); break;
            case NC_TL_CSV: render_csv_entry(out, e); break;
            case NC_TL_HTML: render_html_entry(out, e); break;
            }
            detail_free(e);
            str_blocks_reset(&d.strs);
        }
        if (rc == NC_OK) {
            if (o.format == NC_TL_JSON)
                render_json_tail(out);
            else if (o.format == NC_TL_HTML)
                render_html_tail(out);
        }
        if (rc == NC_OK && ferror(out))
            rc = nc_error_set(err, NC_E_IO, NULL, "writing the timeline failed");
    }
    detail_close(&d);
    for (size_t i = 0; i < es.n; i++)
        entry_free(&es.v[i]);
    free(es.v);
    return rc;
}

/* ----------------------------------------------------------------- stats */

static int stats_rows(nc_store *s, const char *sql, int is_json, FILE *out, const char *title, nc_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_err(s, err, "prepare");
    if (is_json)
        fprintf(out, ",\"%s\":{", title);
    else
        fprintf(out, "\n%s:\n", title);
    int r, first = 1;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        long long v = sqlite3_column_int64(st, 1);
        if (is_json) {
            fputs(first ? "" : ",", out);
            put_json(out, k ? k : "");
            fprintf(out, ":%lld", v);
        } else {
            fprintf(out, "  %-16s %lld\n", k ? k : "", v);
        }
        first = 0;
    }
    if (is_json)
        fputs("}", out);
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? NC_OK : store_err(s, err, "reading stats");
}

int nc_store_stats(nc_store *s, int is_json, FILE *out, nc_error *err)
{
    if (is_json)
        fprintf(out, "{\"schema_version\":%d", nc_store_schema_version());
    else
        fprintf(out, "schema version %d\n", nc_store_schema_version());
    int rc = stats_rows(s,
                        "SELECT 'files', count(*) FROM files UNION ALL SELECT 'articles', count(*) FROM articles"
                        " UNION ALL SELECT 'sentences', count(*) FROM sentences UNION ALL SELECT 'mentions', count(*) FROM mentions"
                        " UNION ALL SELECT 'claims', count(*) FROM claims UNION ALL SELECT 'claim_groups', count(*) FROM claim_groups"
                        " UNION ALL SELECT 'conflicts', count(*) FROM conflicts UNION ALL SELECT 'orgs', count(*) FROM orgs"
                        " UNION ALL SELECT 'ingest_log', count(*) FROM ingest_log",
                        is_json, out, "tables", err);
    if (rc == NC_OK)
        rc = stats_rows(s, "SELECT lang, count(*) FROM articles GROUP BY lang ORDER BY lang", is_json, out,
                        "articles_per_language", err);
    if (rc == NC_OK)
        rc = stats_rows(s, "SELECT kind, count(*) FROM mentions GROUP BY kind ORDER BY kind", is_json, out,
                        "mentions_per_kind", err);
    if (rc == NC_OK)
        rc = stats_rows(s, "SELECT predicate, count(*) FROM claims GROUP BY predicate ORDER BY predicate", is_json, out,
                        "claims_per_predicate", err);
    if (rc == NC_OK)
        rc = stats_rows(s,
                        /* each path's last row: SQLite takes a bare column from the row max() picks;
                        ** read from the index ingest_log_path(path, status) alone */
                        "SELECT status, count(*) FROM (SELECT status, max(id) FROM ingest_log GROUP BY path)"
                        " GROUP BY status ORDER BY status",
                        is_json, out, "last_ingest_status", err);
    if (rc == NC_OK)
        /* what a run cut off before its end left for the next one's link:
        ** claims changed since the last link, indexes a first load deferred */
        rc = stats_rows(s,
                        "SELECT 'link_marks', (SELECT count(*) FROM link_dirty) + (SELECT count(*) FROM link_dirty_amount)"
                        " UNION ALL SELECT 'deferred_indexes', count(*) FROM store_meta WHERE key GLOB 'deferred:*'",
                        is_json, out, "pending", err);
    if (is_json)
        fputs("}\n", out);
    return rc;
}
