/*
** link.c — claim groups and conflicts, recomputed from the claims table.
**
** Claims that state the same fact form one group. Two claims are the same
** fact when:
**   - their predicates are of the same family (the predicates table, from
**     extract/rules/predicates.tsv: a debt owed, refused or delayed; a
**     contract's value, term and signing are one contract), or one is a
**     bare quantity (a predicate marked bare: "amount", "count", "percent")
**     and the other, a typed claim of the same sentence, has the same
**     amount: a bare quantity never joins a group on its number alone;
**   - subjects and objects are compatible: equal, one an ancestor of the
**     other in the gazetteer (AWS matches Amazon), or one unknown; the two
**     parties may come in either order, except for directed predicates,
**     where who owes or pays whom is the fact;
**   - amounts, where both have one, are equal within 2% (rounding),
**     whatever their qualifiers ("at least $70M" and "$70M"); vague amounts
**     only match vague ones; claims with amounts come first in the canonical
**     order, so each group is represented by one that has its amount;
**   - dates stated in the sentences are compatible at their precision
**     (2023-03 and 2023-03-15), except for predicates whose content is a
**     date (when a contract was signed, by when services are cut off),
**     where differing dates are a conflict rather than another fact.
** Within a group, fields on which sources disagree become conflict rows:
** qualifier, event_date, duration, negated, and service (what the claim is
** about as written: "Twitter Spaces" against "Places").
**
** Order independence: claims are read in a canonical order that depends on
** their content and file paths only (never on row ids; the most informative
** claims first, so they represent their group: with an amount, with both
** parties; bare amounts last), each typed claim joins the
** first compatible group in that order, a bare quantity the compatible group
** that holds a typed claim of its own sentence (the largest of them), and
** groups are numbered by date, predicate
** and parties. The same set of files gives the same groups, whatever the
** order they were ingested in. The whole computation runs in one
** transaction after each ingest.
**
** Incremental: typed claims only ever group within their family, and bare
** amounts only with groups led by an amount within 2% of theirs, in their
** currency. Triggers (schema 2) record the families and the amounts of
** the claims stored or removed; the link regroups the claims of those
** families, and the bare amounts in the runs of amounts around those
** amounts (each within 2% of the next, see dirty_ranges) together with the
** typed members of the groups they may join; it keeps every other group as
** stored, and renumbers group ids where they moved. The result is exactly
** the full computation's.
*/
#include "store_int.h"
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct org_row {
    char *id, *parent;
    int parent_ix;        /* index of the parent in the sorted array, -1 if none */
} org_row;

/* A claim as the link reads it. In the pass that groups claims, its strings
** are borrowed from the statement's current row; a group's representative
** keeps copies interned in the link's string pool. */
typedef struct crow {
    sqlite3_int64 id, article_id, sentence_id;
    const char *predicate, *family, *subject, *object, *amount, *currency, *qualifier, *duration, *object_text;
    const char *event_date, *event_precision, *event_source, *event_qual, *lang, *pub_date;
    double amount_num;
    int has_amount, is_vague, is_negated;
    int subj_ix, obj_ix;  /* organisations as indices into the sorted orgs: -1 none, -2 unknown id */
    int fam_ix;           /* family, interned */
    const store_pred *pred;  /* its predicate's properties, NULL if the table lacks it */
    int is_bare, is_datepred, date_in_sentence;
    int fam_dirty;        /* its family is relinked (else its group is kept as stored) */
    sqlite3_int64 old_group;  /* the stored group of a claim of a family kept, 0 if none */
} crow;

/* A group in memory: what joining and ordering need, never its members
** (those are rows of temp.nc_assign, so that memory holds one entry per
** group however many claims the corpus has). */
typedef struct group {
    crow r;               /* the representative claim, its strings in the pool */
    size_t rep_pos;       /* its canonical position */
    const char *date, *precision;  /* the group's date: the finest a member's sentence states, else r's */
    int sdated;           /* that date comes from a sentence */
    size_t n;             /* members */
    int gix;              /* creation index: the key of the group's rows in temp.nc_assign */
    sqlite3_int64 db_id;
    sqlite3_int64 old_id; /* the stored group it continues (a family kept), 0 otherwise */
} group;

static int streq(const char *a, const char *b)
{
    return a && b ? !strcmp(a, b) : (!a && !b);
}

/* Index of id in orgs (sorted by id): -1 for NULL, -2 if absent. */
static int org_index(const org_row *orgs, size_t n, const char *id)
{
    if (!id)
        return -1;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int r = strcmp(orgs[mid].id, id);
        if (!r)
            return (int)mid;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -2;
}

static int is_ancestor_ix(const org_row *orgs, int anc, int id)
{
    int p = id;
    for (int depth = 0; p >= 0 && depth < 16; depth++) {
        p = orgs[p].parent_ix;
        if (p == anc)
            return 1;
    }
    return 0;
}

/* Equal, one an ancestor of the other, or one unknown (NULL). */
static int org_compat_ix(const org_row *orgs, int a, const char *as, int b, const char *bs)
{
    if (a == -1 || b == -1)
        return 1;
    if (a < 0 || b < 0)
        return streq(as, bs);
    return a == b || is_ancestor_ix(orgs, a, b) || is_ancestor_ix(orgs, b, a);
}

static int org_compat(const org_row *orgs, size_t n, const char *a, const char *b)
{
    return org_compat_ix(orgs, org_index(orgs, n, a), a, org_index(orgs, n, b), b);
}

/* Does hay contain needle, ignoring ASCII case? */
static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!strncasecmp(hay, needle, n))
            return 1;
    return n == 0;
}

static int date_compat(const char *a, const char *b)
{
    if (!a || !b)
        return 1;
    size_t la = strlen(a), lb = strlen(b), l = la < lb ? la : lb;
    if ((la == 8 && a[5] == 'W') || (lb == 8 && b[5] == 'W') || (la == 7 && nc_season_of(a + 5, NULL)) ||
        (lb == 7 && nc_season_of(b + 5, NULL)) || strchr(a, '/') || strchr(b, '/')) {
        /* a week, a season or a period of two dates ("2023-03-11/2023-03-12")
        ** against anything: the two periods overlap (the week of 2023-W13
        ** runs from March 27 into April, winter 2022-WI into 2023) */
        char sa[11], ea[11], sb[11], eb[11];
        if (!nc_iso_period(a, sa, ea) || !nc_iso_period(b, sb, eb))
            return 1;
        return strcmp(sa, eb) <= 0 && strcmp(sb, ea) <= 0;
    }
    /* quarters and halves against months: compare the year only */
    if ((la == 7 && (a[5] == 'Q' || a[5] == 'H')) || (lb == 7 && (b[5] == 'Q' || b[5] == 'H')))
        l = 4;
    return !strncmp(a, b, l);
}

/* How many days a date or period covers, a precision counting as its
** longest (a day 1, a week 7, a month 31, a quarter or season 92, a half 184,
** a year 366: "2018" is no finer than "2020"), an interval its own days
** ("2023-03-11/2023-03-12" 2); more than any when it has no year
** ("XXXX-03-11", the longer the finer among those). */
static long period_days(const char *iso)
{
    char s0[11], e0[11];
    if (!iso || !nc_iso_period(iso, s0, e0))
        return LONG_MAX - (iso ? (long)strlen(iso) : 0);
    switch (nc_precision_of_iso(iso)) {
    case NC_PREC_DAY: return 1;
    case NC_PREC_WEEK: return 7;
    case NC_PREC_MONTH: return 31;
    case NC_PREC_SEASON: case NC_PREC_QUARTER: return 92;
    case NC_PREC_HALF: return 184;
    case NC_PREC_YEAR: return 366;
    default: break;
    }
    return nc_day_number(atoi(e0), atoi(e0 + 5), atoi(e0 + 8)) - nc_day_number(atoi(s0), atoi(s0 + 5), atoi(s0 + 8)) + 1;
}

/* Is who is subject and who is object part of the fact (who pays whom)? */
static int is_directed(const crow *c)
{
    return c->pred && c->pred->directed;
}

static int compatible(const org_row *orgs, const crow *a, const crow *b)
{
    int same_family = a->fam_ix == b->fam_ix;
    int a_bare = a->is_bare, b_bare = b->is_bare;
    /* a typed claim that names no party ("a five-year contract") is the
    ** same fact as another only where both state the same amount */
    if (!a_bare && !b_bare && ((!a->subject && !a->object) || (!b->subject && !b->object)) &&
        !(a->has_amount && b->has_amount))
        return 0;
    if (!same_family) {
        /* a bare amount joins a claim of any family that states the same amount */
        if (!(a_bare || b_bare) || !a->has_amount || !b->has_amount)
            return 0;
    }
    if (a->has_amount && b->has_amount) {
        if (a->is_vague != b->is_vague || !streq(a->currency, b->currency))
            return 0;
        double m = fmax(fabs(a->amount_num), fabs(b->amount_num));
        if (fabs(a->amount_num - b->amount_num) > 0.02 * m)
            return 0;
    }
    int parties;
    if (a_bare != b_bare) {
        /* a bare amount names one party; it may be either side of the typed claim */
        const crow *bare = a_bare ? a : b, *typed = a_bare ? b : a;
        parties = !bare->subject || org_compat_ix(orgs, bare->subj_ix, bare->subject, typed->subj_ix, typed->subject) ||
                  org_compat_ix(orgs, bare->subj_ix, bare->subject, typed->obj_ix, typed->object);
    } else if (!is_directed(a) && !is_directed(b))
        parties = (org_compat_ix(orgs, a->subj_ix, a->subject, b->subj_ix, b->subject) &&
                   org_compat_ix(orgs, a->obj_ix, a->object, b->obj_ix, b->object)) ||
                  (org_compat_ix(orgs, a->subj_ix, a->subject, b->obj_ix, b->object) &&
                   org_compat_ix(orgs, a->obj_ix, a->object, b->subj_ix, b->subject));
    else
        parties = org_compat_ix(orgs, a->subj_ix, a->subject, b->subj_ix, b->subject) &&
                  org_compat_ix(orgs, a->obj_ix, a->object, b->obj_ix, b->object);
    if (!parties)
        return 0;
    /* dates stated in both sentences must agree at their precision, except
    ** where a date is the claim's content (when a contract was signed):
    ** there a difference is a conflict, not another fact */
    if (!a->is_datepred && !b->is_datepred && a->date_in_sentence && b->date_in_sentence &&
        !date_compat(a->event_date, b->event_date))
        return 0;
    return 1;
}

/* Strings the link keeps: those of the groups' representatives and dates,
** each distinct one once (they repeat predicates, families, currencies,
** dates, parties), and those of the group being written, copied and
** dropped after it (pool_copy, pool_reset): an arena of 64 KiB blocks and
** an open-addressing set over it. */
typedef struct strpool {
    str_blocks b;
    const char **slot;
    size_t n_slots, n_used;
} strpool;

static uint64_t pool_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* The pooled copy of s (len bytes), NULL out of memory. */
static const char *pool_intern(strpool *p, const char *s, size_t len)
{
    if (p->n_used * 2 >= p->n_slots) {
        size_t ns = p->n_slots ? p->n_slots * 2 : 4096;
        const char **v = calloc(ns, sizeof *v);
        if (!v)
            return NULL;
        for (size_t i = 0; i < p->n_slots; i++)
            if (p->slot[i]) {
                size_t j = (size_t)pool_hash(p->slot[i], strlen(p->slot[i])) & (ns - 1);
                while (v[j])
                    j = (j + 1) & (ns - 1);
                v[j] = p->slot[i];
            }
        free(p->slot);
        p->slot = v;
        p->n_slots = ns;
    }
    size_t j = (size_t)pool_hash(s, len) & (p->n_slots - 1);
    while (p->slot[j]) {
        if (!memcmp(p->slot[j], s, len) && p->slot[j][len] == 0)
            return p->slot[j];
        j = (j + 1) & (p->n_slots - 1);
    }
    int oom = 0;
    char *c = str_blocks_copy(&p->b, s, len, &oom);
    if (!c)
        return NULL;
    p->slot[j] = c;
    p->n_used++;
    return c;
}

/* A copy of s in p's arena, not interned (NULL stays NULL); *oom set when
** memory runs out. */
static const char *pool_copy(strpool *p, const char *s, int *oom)
{
    return s ? str_blocks_copy(&p->b, s, strlen(s), oom) : NULL;
}

/* Forget every copy of a pool used with pool_copy only (its set is empty). */
static void pool_reset(strpool *p)
{
    str_blocks_reset(&p->b);
}

static void pool_free(strpool *p)
{
    str_blocks_free(&p->b);
    free(p->slot);
    memset(p, 0, sizeof *p);
}

/* Predicates as SQL, from the predicates table: the bare ones (a quantity
** no frame took), and those whose claims name what a contract covers. */
#define BARE_PREDICATES "(SELECT name FROM predicates WHERE bare)"
#define COVERS_PREDICATES "(SELECT name FROM predicates WHERE record = 'covers')"

/* The claim columns every query of the link selects first, in this order
** (read_claim reads them). */
#define CLAIM_COLS                                                                                  \
    "c.id, c.predicate, c.family, c.subject_org, c.object_org, c.amount, c.amount_num,"             \
    " c.currency, c.qualifier, c.is_vague, c.duration, c.event_date, c.event_precision,"            \
    " c.event_date_source, c.event_qualifier, a.lang, a.pub_date, a.id, c.is_negated, c.object_text, c.sentence_id"

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* The current row of st (CLAIM_COLS) into w, its strings borrowed from the
** row (valid until the next step), its predicate's properties from s's
** predicates (read before the link starts). orgs may be NULL when the
** organisation indices are not needed. Returns 0 when SQLite ran out of
** memory. */
static int read_claim(nc_store *s, sqlite3_stmt *st, crow *w, const org_row *orgs, size_t no)
{
    memset(w, 0, sizeof *w);
    w->id = sqlite3_column_int64(st, 0);
    w->predicate = col_text(st, 1);
    w->family = col_text(st, 2);
    w->subject = col_text(st, 3);
    w->object = col_text(st, 4);
    w->amount = col_text(st, 5);
    w->has_amount = w->amount != NULL;
    w->amount_num = sqlite3_column_double(st, 6);
    w->currency = col_text(st, 7);
    w->qualifier = col_text(st, 8);
    w->is_vague = sqlite3_column_int(st, 9);
    w->duration = col_text(st, 10);
    w->event_date = col_text(st, 11);
    w->event_precision = col_text(st, 12);
    w->event_source = col_text(st, 13);
    w->event_qual = col_text(st, 14);
    w->lang = col_text(st, 15);
    w->pub_date = col_text(st, 16);
    w->article_id = sqlite3_column_int64(st, 17);
    w->is_negated = sqlite3_column_int(st, 18);
    w->object_text = col_text(st, 19);
    w->sentence_id = sqlite3_column_int64(st, 20);
    if (!w->predicate || !w->family || !w->lang)
        return 0;           /* NOT NULL columns: SQLite could not convert them */
    w->subj_ix = orgs ? org_index(orgs, no, w->subject) : -1;
    w->obj_ix = orgs ? org_index(orgs, no, w->object) : -1;
    w->pred = store_pred_find(s, w->predicate, NULL);
    w->is_bare = w->pred && w->pred->bare;
    w->is_datepred = w->pred && w->pred->content && !strcmp(w->pred->content, "date");
    w->date_in_sentence = w->event_source && !strcmp(w->event_source, "sentence");
    w->fam_ix = -1;
    return 1;
}

/* s interned in p (NULL stays NULL); *oom set when memory runs out. */
static const char *pool_str(strpool *p, const char *s, int *oom)
{
    if (!s)
        return NULL;
    const char *r = pool_intern(p, s, strlen(s));
    if (!r)
        *oom = 1;
    return r;
}

/* Make every string of w a pooled copy. Returns 0 out of memory. */
static int intern_claim(strpool *p, crow *w)
{
    int oom = 0;
    const char **f[] = { &w->predicate, &w->family, &w->subject, &w->object, &w->amount, &w->currency,
                         &w->qualifier, &w->duration, &w->object_text, &w->event_date, &w->event_precision,
                         &w->event_source, &w->event_qual, &w->lang, &w->pub_date };
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        *f[i] = pool_str(p, *f[i], &oom);
    return !oom;
}

/* A date as shown in conflicts: "before 2018", "2020". */
static void date_value(const char *date, const char *qual, char *out, size_t size)
{
    if (!date)
        snprintf(out, size, "none");
    else if (qual && *qual)
        snprintf(out, size, "%s %s", qual, date);
    else
        snprintf(out, size, "%s", date);
}

/* Do two members' event dates disagree? ("before 2018" against "2020") */
static int dates_disagree(const char *ad, const char *aq, const char *bd, const char *bq)
{
    if (!ad || !bd)
        return 0;
    if (!date_compat(ad, bd))
        return 1;
    if (aq && bq && ((!strcmp(aq, "early") && !strcmp(bq, "late")) || (!strcmp(aq, "late") && !strcmp(bq, "early"))))
        return 1;   /* "early 2024" against "late 2024" */
    return !streq(aq, bq) && ((aq && (!strcmp(aq, "before") || !strcmp(aq, "after"))) ||
                              (bq && (!strcmp(bq, "before") || !strcmp(bq, "after"))));
}

/* What writing the groups needs: the statements, prepared once, and a pool
** for one group's strings, emptied after each. */
typedef struct ctx {
    nc_store *s;
    const org_row *orgs;
    size_t no;
    sqlite3_stmt *members;    /* CLAIM_COLS of a group's members, in canonical order */
    sqlite3_stmt *n_sources;  /* distinct articles among them */
    sqlite3_stmt *put_members, *ins_group, *ins_conflict;
    sqlite3_stmt *hosting;    /* hosting claims that name what they host, in canonical order */
    sqlite3_stmt *ins_contract, *ins_field;
    strpool gp;
} ctx;

/* A group's members, one row at a time: bind, then step until not ROW. */
static void members_of(ctx *x, const group *g)
{
    sqlite3_reset(x->members);
    sqlite3_bind_int(x->members, 1, g->gix);
}

static int cmp_group(const void *x, const void *y)
{
    const group *a = x, *b = y;
    const crow *ra = &a->r, *rb = &b->r;
    const char *da = a->date, *db = b->date;
    char sa[11], sb[11], ea[11], eb[11];
    int ha = nc_iso_period(da, sa, ea), hb = nc_iso_period(db, sb, eb);
    if (ha != hb)
        return ha ? -1 : 1;
    int r;
    if (ha && (r = strcmp(sa, sb)))
        return r;
    if (ha && (r = strcmp(eb, ea)))
        return r;               /* the same start: the longer period first */
    if ((r = strcmp(ra->predicate, rb->predicate)))
        return r;
    if ((r = strcmp(ra->subject ? ra->subject : "", rb->subject ? rb->subject : "")))
        return r;
    if ((r = strcmp(ra->object ? ra->object : "", rb->object ? rb->object : "")))
        return r;
    if (ra->amount_num != rb->amount_num)
        return ra->amount_num < rb->amount_num ? -1 : 1;
    return a->rep_pos < b->rep_pos ? -1 : a->rep_pos > b->rep_pos;
}

static int insert_conflict(nc_store *s, sqlite3_stmt *st, sqlite3_int64 gid, const char *field,
                           sqlite3_int64 cid, const char *value, nc_error *err)
{
    sqlite3_bind_int64(st, 1, gid);
    sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, cid);
    sqlite3_bind_text(st, 4, value, -1, SQLITE_TRANSIENT);
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    return r == SQLITE_DONE ? NC_OK : store_err(s, err, "storing a conflict");
}

static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* One group's row, members and conflicts, its members read twice at most
** (their fields, then their conflicts) and never all held at once. */
static int write_group(ctx *x, group *g, nc_error *err)
{
    nc_store *s = x->s;
    const crow *rep = &g->r;
    strpool *gp = &x->gp;
    int oom = 0;
    /* parties: the representative's, as its members completed them; where
    ** it still lacks one, the first member's that is not the other party;
    ** term and service from the first member that states them */
    const char *subj = rep->subject ? pool_copy(gp, rep->subject, &oom) : NULL;
    const char *obj = rep->object ? pool_copy(gp, rep->object, &oom) : NULL;
    const char *dur = NULL, *named = NULL;
    char langs[128] = "", first[16] = "", last[16] = "";
    const char *lv[64];
    size_t nl = 0;
    /* conflicts: linear in the group's size (a 50 MB article can put half a
    ** million claims in one group). Qualifier, duration and negation differ
    ** when any member differs from the first that has one; dates are compared
    ** pairwise only among their distinct values. */
    int q_differs = 0, d_differs = 0, dur_differs = 0, neg_differs = 0, svc_differs = 0;
    int have_q0 = 0, neg0 = -1;
    const char *q0 = NULL, *dur0 = NULL, *svc0 = NULL, *dd[64], *dq[64];
    size_t n_dates = 0, n = 0;
    crow m;
    int r;
    members_of(x, g);
    while ((r = sqlite3_step(x->members)) == SQLITE_ROW) {
        if (!read_claim(x->s, x->members, &m, NULL, 0)) {
            oom = 1;
            break;
        }
        n++;
        if (!subj && m.subject && !streq(m.subject, obj))
            subj = pool_copy(gp, m.subject, &oom);
        if (!obj && m.object && !streq(m.object, subj))
            obj = pool_copy(gp, m.object, &oom);
        if (m.duration && (!dur || (!strcmp(dur, "PXY") && strcmp(m.duration, "PXY"))))
            dur = pool_copy(gp, m.duration, &oom);     /* a stated term before "multi-year" */
        if (!named && m.object_text)
            named = pool_copy(gp, m.object_text, &oom);
        if (m.pub_date) {
            if (!first[0] || strcmp(m.pub_date, first) < 0)
                snprintf(first, sizeof first, "%s", m.pub_date);
            if (!last[0] || strcmp(m.pub_date, last) > 0)
                snprintf(last, sizeof last, "%s", m.pub_date);
        }
        int seen = 0;
        for (size_t k = 0; k < nl && !seen; k++)
            seen = !strcmp(lv[k], m.lang);
        if (!seen && nl < 64)
            lv[nl++] = pool_copy(gp, m.lang, &oom);
        if (m.has_amount) {
            if (!have_q0) {
                have_q0 = 1;
                q0 = pool_copy(gp, m.qualifier, &oom);
            } else if (!streq(q0, m.qualifier))
                q_differs = 1;
        }
        if (m.duration && strcmp(m.duration, "PXY")) {   /* "multi-year" contradicts no stated term */
            if (!dur0)
                dur0 = pool_copy(gp, m.duration, &oom);
            else if (strcmp(dur0, m.duration))
                dur_differs = 1;
        }
        if (neg0 < 0)
            neg0 = m.is_negated;
        else if (m.is_negated != neg0)
            neg_differs = 1;
        if (m.object_text) {
            /* "Spaces" and "Twitter Spaces" agree; "Spaces" and "Places" do not */
            if (!svc0)
                svc0 = pool_copy(gp, m.object_text, &oom);
            else if (!contains_ci(svc0, m.object_text) && !contains_ci(m.object_text, svc0))
                svc_differs = 1;
        }
        if (m.event_date && m.date_in_sentence) {
            size_t k = 0;
            while (k < n_dates && !(streq(dd[k], m.event_date) && streq(dq[k], m.event_qual)))
                k++;
            if (k == n_dates && n_dates < 64) {
                dd[n_dates] = pool_copy(gp, m.event_date, &oom);
                dq[n_dates++] = pool_copy(gp, m.event_qual, &oom);
            }
        }
        if (oom)
            break;
    }
    sqlite3_reset(x->members);
    if (oom)
        return nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
    if (r != SQLITE_DONE && r != SQLITE_ROW)
        return store_err(s, err, "reading a group's claims");
    for (size_t i = 0; i < n_dates && !d_differs; i++)
        for (size_t k = i + 1; k < n_dates && !d_differs; k++)
            d_differs = dates_disagree(dd[i], dq[i], dd[k], dq[k]);
    /* sources: distinct articles */
    int n_src = 0;
    sqlite3_bind_int(x->n_sources, 1, g->gix);
    if ((r = sqlite3_step(x->n_sources)) == SQLITE_ROW)
        n_src = sqlite3_column_int(x->n_sources, 0);
    sqlite3_reset(x->n_sources);
    if (r != SQLITE_ROW)
        return store_err(s, err, "counting a group's sources");
    /* languages, sorted */
    for (size_t i = 1; i < nl; i++)
        for (size_t k = i; k > 0 && strcmp(lv[k - 1], lv[k]) > 0; k--) {
            const char *t = lv[k];
            lv[k] = lv[k - 1];
            lv[k - 1] = t;
        }
    for (size_t i = 0; i < nl; i++) {
        size_t l = strlen(langs);
        snprintf(langs + l, sizeof langs - l, "%s%s", i ? "," : "", lv[i]);
    }
    sqlite3_stmt *ig = x->ins_group;
    sqlite3_bind_text(ig, 1, rep->predicate, -1, SQLITE_STATIC);
    sqlite3_bind_text(ig, 2, rep->family, -1, SQLITE_STATIC);
    bind_opt(ig, 3, subj);
    bind_opt(ig, 4, obj);
    if (rep->has_amount) {
        sqlite3_bind_text(ig, 5, rep->amount, -1, SQLITE_STATIC);
        sqlite3_bind_double(ig, 6, rep->amount_num);
    } else {
        sqlite3_bind_null(ig, 5);
        sqlite3_bind_null(ig, 6);
    }
    bind_opt(ig, 7, rep->currency);
    bind_opt(ig, 8, rep->qualifier);
    bind_opt(ig, 9, dur);
    if (g->date) {
        sqlite3_bind_text(ig, 10, g->date, -1, SQLITE_STATIC);
        bind_opt(ig, 11, g->precision);
    } else {
        sqlite3_bind_null(ig, 10);
        sqlite3_bind_null(ig, 11);
    }
    bind_period(ig, 18, g->date);
    sqlite3_bind_int64(ig, 12, (sqlite3_int64)n);
    sqlite3_bind_int(ig, 13, n_src);
    sqlite3_bind_int(ig, 14, (int)nl);
    sqlite3_bind_text(ig, 15, langs, -1, SQLITE_TRANSIENT);
    bind_opt(ig, 20, named);
    sqlite3_bind_int64(ig, 21, rep->id);
    if (first[0]) sqlite3_bind_text(ig, 16, first, -1, SQLITE_TRANSIENT); else sqlite3_bind_null(ig, 16);
    if (last[0]) sqlite3_bind_text(ig, 17, last, -1, SQLITE_TRANSIENT); else sqlite3_bind_null(ig, 17);
    r = sqlite3_step(ig);
    sqlite3_reset(ig);
    sqlite3_clear_bindings(ig);
    if (r != SQLITE_DONE)
        return store_err(s, err, "storing a claim group");
    g->db_id = sqlite3_last_insert_rowid(s->db);
    sqlite3_bind_int64(x->put_members, 1, g->db_id);
    sqlite3_bind_int(x->put_members, 2, g->gix);
    r = sqlite3_step(x->put_members);
    sqlite3_reset(x->put_members);
    if (r != SQLITE_DONE)
        return store_err(s, err, "storing a group's members");
    int rc = NC_OK;
    if (n >= 2 && (q_differs || d_differs || dur_differs || neg_differs || svc_differs)) {
        char v[64];
        members_of(x, g);
        while (rc == NC_OK && (r = sqlite3_step(x->members)) == SQLITE_ROW) {
            if (!read_claim(x->s, x->members, &m, NULL, 0)) {
                rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
                break;
            }
            if (q_differs && m.has_amount)
                rc = insert_conflict(s, x->ins_conflict, g->db_id, "qualifier", m.id, m.qualifier ? m.qualifier : "none", err);
            if (rc == NC_OK && d_differs && m.date_in_sentence) {
                date_value(m.event_date, m.event_qual, v, sizeof v);
                rc = insert_conflict(s, x->ins_conflict, g->db_id, "event_date", m.id, v, err);
            }
            if (rc == NC_OK && dur_differs && m.duration && strcmp(m.duration, "PXY"))
                rc = insert_conflict(s, x->ins_conflict, g->db_id, "duration", m.id, m.duration, err);
            if (rc == NC_OK && neg_differs)
                rc = insert_conflict(s, x->ins_conflict, g->db_id, "negated", m.id, m.is_negated ? "yes" : "no", err);
            if (rc == NC_OK && svc_differs && m.object_text)
                rc = insert_conflict(s, x->ins_conflict, g->db_id, "service", m.id, m.object_text, err);
        }
        if (rc == NC_OK && r != SQLITE_DONE)
            rc = store_err(s, err, "reading a group's claims");
        sqlite3_reset(x->members);
    }
    pool_reset(gp);
    return rc;
}

static int put_field(nc_store *s, sqlite3_stmt *st, sqlite3_int64 cid, const char *field, const char *value,
                     sqlite3_int64 claim_id, nc_error *err)
{
    sqlite3_bind_int64(st, 1, cid);
    sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, value, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, claim_id);
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    return r == SQLITE_DONE ? NC_OK : store_err(s, err, "storing a contract field");
}

/* Does c's predicate fill the contract record's field (predicates.tsv's
** record column: value, term, signed, ends, covers)? */
static int is_record(const crow *c, const char *field)
{
    return c->pred && c->pred->record && !strcmp(c->pred->record, field);
}

/* Is a group led by c a contract? Its predicate fills a field of the record
** other than what it covers (claims that fill covers, what is hosted, name
** it for the contracts between their parties). */
static int is_contract(const crow *c)
{
    return c->pred && c->pred->record && strcmp(c->pred->record, "covers");
}

/* A contract group becomes a contract record: its parties, value, term,
** signing date and what it covers (the services a hosting claim between the
** same parties names, whichever families this link regroups), each value
** with the claim (so the sentence) it came from in contract_fields. Where
** sources disagree, every value is there; the contracts row holds the
** group's. */
static int write_contract(ctx *x, const group *g, nc_error *err)
{
    nc_store *s = x->s;
    strpool *gp = &x->gp;
    int oom = 0, r, rc = NC_OK;
    crow m;
    const char *signed_date = NULL, *signed_qual = NULL;
    members_of(x, g);
    while ((r = sqlite3_step(x->members)) == SQLITE_ROW) {
        if (!read_claim(x->s, x->members, &m, NULL, 0)) {
            oom = 1;
            break;
        }
        if (is_record(&m, "signed") && m.event_date && m.date_in_sentence) {
            signed_date = pool_copy(gp, m.event_date, &oom);
            signed_qual = pool_copy(gp, m.event_qual, &oom);
            break;
        }
    }
    sqlite3_reset(x->members);
    if (oom) {
        pool_reset(gp);
        return nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
    }
    if (r != SQLITE_DONE && r != SQLITE_ROW) {
        pool_reset(gp);
        return store_err(s, err, "reading a contract's claims");
    }
    /* what it covers: services named by hosting claims between compatible parties */
    const crow *rep = &g->r;
    char covers[256] = "";
    const char *cov_text[32];
    sqlite3_int64 cov_id[32];
    size_t n_cov = 0;
    while (n_cov < 32 && (r = sqlite3_step(x->hosting)) == SQLITE_ROW) {
        const char *hs = col_text(x->hosting, 1), *ho = col_text(x->hosting, 2), *ht = col_text(x->hosting, 3);
        if (!ht)
            continue;
        int fits = (org_compat(x->orgs, x->no, hs, rep->subject) && org_compat(x->orgs, x->no, ho, rep->object)) ||
                   (org_compat(x->orgs, x->no, hs, rep->object) && org_compat(x->orgs, x->no, ho, rep->subject));
        if (!fits)
            continue;
        cov_id[n_cov] = sqlite3_column_int64(x->hosting, 0);
        cov_text[n_cov++] = pool_copy(gp, ht, &oom);
        if (!strstr(covers, ht)) {
            size_t l = strlen(covers);
            snprintf(covers + l, sizeof covers - l, "%s%s", l ? "; " : "", ht);
        }
    }
    sqlite3_reset(x->hosting);
    if (oom)
        rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
    else if (r != SQLITE_DONE && r != SQLITE_ROW)
        rc = store_err(s, err, "reading hosting claims");
    sqlite3_stmt *ic = x->ins_contract;
    if (rc == NC_OK) {
        sqlite3_bind_int64(ic, 1, g->db_id);
        bind_opt(ic, 2, signed_date);
        bind_opt(ic, 3, signed_date ? signed_qual : NULL);
        if (covers[0])
            sqlite3_bind_text(ic, 4, covers, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(ic, 4);
        r = sqlite3_step(ic);
        sqlite3_reset(ic);
        sqlite3_clear_bindings(ic);
        if (r != SQLITE_DONE)
            rc = store_err(s, err, "storing a contract");
    }
    sqlite3_int64 cid = sqlite3_last_insert_rowid(s->db);
    char v[96];
    if (rc == NC_OK)
        members_of(x, g);
    while (rc == NC_OK && (r = sqlite3_step(x->members)) == SQLITE_ROW) {
        if (!read_claim(x->s, x->members, &m, NULL, 0)) {
            rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
            break;
        }
        if (m.subject)
            rc = put_field(s, x->ins_field, cid, "party", m.subject, m.id, err);
        if (rc == NC_OK && m.object)
            rc = put_field(s, x->ins_field, cid, "party", m.object, m.id, err);
        if (rc == NC_OK && is_record(&m, "value") && m.amount) {
            snprintf(v, sizeof v, "%s %s%s%s", m.amount, m.currency ? m.currency : "", m.qualifier ? " " : "",
                     m.qualifier ? m.qualifier : "");
            rc = put_field(s, x->ins_field, cid, "value", v, m.id, err);
        }
        if (rc == NC_OK && m.duration)
            rc = put_field(s, x->ins_field, cid, "term", m.duration, m.id, err);
        if (rc == NC_OK && is_record(&m, "signed") && m.event_date && m.date_in_sentence) {
            date_value(m.event_date, m.event_qual, v, sizeof v);
            rc = put_field(s, x->ins_field, cid, "signed", v, m.id, err);
        }
        if (rc == NC_OK && is_record(&m, "ends") && m.event_date) {
            date_value(m.event_date, m.event_qual, v, sizeof v);
            rc = put_field(s, x->ins_field, cid, "ends", v, m.id, err);
        }
    }
    if (rc == NC_OK && r != SQLITE_DONE)
        rc = store_err(s, err, "reading a contract's claims");
    sqlite3_reset(x->members);
    for (size_t i = 0; rc == NC_OK && i < n_cov; i++)
        rc = put_field(s, x->ins_field, cid, "covers", cov_text[i], cov_id[i], err);
    pool_reset(gp);
    return rc;
}

/* ------------------------------------------------------------ indexes
** Which groups a claim may join, without testing every group: a typed claim
** only joins a group of its own family (kept per family in creation
** order); a bare amount only one whose amount is within 2% of its own, in
** the same currency, found in buckets of 5% width (a 2% pair lies in one
** bucket or two neighbours). Candidates are tried in creation order, so the
** result is exactly that of testing every group. */

/* A typed claim's sentence and the group it joined. */
typedef struct spair {
    sqlite3_int64 sentence;
    int gix;
} spair;

static int cmp_spair(const void *a, const void *b)
{
    const spair *x = a, *y = b;
    if (x->sentence != y->sentence)
        return (x->sentence > y->sentence) - (x->sentence < y->sentence);
    return (x->gix > y->gix) - (x->gix < y->gix);
}

typedef struct ilist {
    int *v;
    size_t n, cap;
} ilist;

static int ilist_push(ilist *l, int x)
{
    if (!store_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v))
        return 0;
    l->v[l->n++] = x;
    return 1;
}

typedef struct bucket {
    const char *currency;   /* borrowed from a claim row */
    int vague, sign;
    long k;
    ilist groups;
} bucket;

typedef struct amount_index {
    bucket *b;
    size_t n, cap;
    int *slots;             /* open addressing: index into b, -1 empty */
    size_t nslots;
} amount_index;

static uint64_t bucket_hash(const char *cur, int vague, int sign, long k)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = cur ? cur : ""; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    h = (h ^ (uint64_t)(vague * 3 + sign + 1)) * 1099511628211ull;
    return (h ^ (uint64_t)k) * 1099511628211ull;
}

static long bucket_of(double a, int *sign)
{
    *sign = a > 0 ? 1 : a < 0 ? -1 : 0;
    return a == 0 ? 0 : (long)floor(log(fabs(a)) / log(1.05));
}

/* The bucket for a key; created when create is set (NULL on no memory). */
static bucket *bucket_get(amount_index *x, const char *cur, int vague, int sign, long k, int create)
{
    if (x->nslots == 0 || (create && (x->n + 1) * 2 > x->nslots)) {
        if (!create)
            return NULL;
        size_t ns = x->nslots ? x->nslots * 2 : 256;
        int *slots = malloc(ns * sizeof *slots);
        if (!slots)
            return NULL;
        for (size_t i = 0; i < ns; i++)
            slots[i] = -1;
        for (size_t i = 0; i < x->n; i++) {
            size_t h = bucket_hash(x->b[i].currency, x->b[i].vague, x->b[i].sign, x->b[i].k) & (ns - 1);
            while (slots[h] >= 0)
                h = (h + 1) & (ns - 1);
            slots[h] = (int)i;
        }
        free(x->slots);
        x->slots = slots;
        x->nslots = ns;
    }
    size_t h = bucket_hash(cur, vague, sign, k) & (x->nslots - 1);
    for (; x->slots[h] >= 0; h = (h + 1) & (x->nslots - 1)) {
        bucket *b = &x->b[x->slots[h]];
        if (b->k == k && b->sign == sign && b->vague == vague && streq(b->currency, cur))
            return b;
    }
    if (!create)
        return NULL;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        bucket *v = realloc(x->b, cap * sizeof *v);
        if (!v)
            return NULL;
        x->b = v;
        x->cap = cap;
    }
    bucket *b = &x->b[x->n];
    memset(b, 0, sizeof *b);
    b->currency = cur;
    b->vague = vague;
    b->sign = sign;
    b->k = k;
    x->slots[h] = (int)x->n++;
    return b;
}

/* Stored group id -> in-memory group, for the families kept. */
typedef struct kept_map {
    sqlite3_int64 *key;   /* 0 = empty */
    int *val;
    size_t n, cap;        /* cap: a power of two */
} kept_map;

static size_t kept_slot(const kept_map *m, sqlite3_int64 k)
{
    size_t h = (size_t)((uint64_t)k * 11400714819323198485ull) & (m->cap - 1);
    while (m->key[h] && m->key[h] != k)
        h = (h + 1) & (m->cap - 1);
    return h;
}

static int kept_find(const kept_map *m, sqlite3_int64 k)
{
    if (!m->cap || !k)
        return -1;
    size_t h = kept_slot(m, k);
    return m->key[h] ? m->val[h] : -1;
}

static int kept_put(kept_map *m, sqlite3_int64 k, int v)
{
    if ((m->n + 1) * 2 > m->cap) {
        kept_map nm = { 0 };
        nm.cap = m->cap ? m->cap * 2 : 256;
        nm.key = calloc(nm.cap, sizeof *nm.key);
        nm.val = calloc(nm.cap, sizeof *nm.val);
        if (!nm.key || !nm.val) {
            free(nm.key);
            free(nm.val);
            return 0;
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->key[i]) {
                size_t h = kept_slot(&nm, m->key[i]);
                nm.key[h] = m->key[i];
                nm.val[h] = m->val[i];
                nm.n++;
            }
        free(m->key);
        free(m->val);
        *m = nm;
    }
    size_t h = kept_slot(m, k);
    if (!m->key[h])
        m->n++;
    m->key[h] = k;
    m->val[h] = v;
    return 1;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/* Families and currencies marked by the triggers of schema 2, as SQL. The
** families of bare predicates (predicates.bare) are governed by currencies
** alone. */
#define DIRTY_FAMILIES "(SELECT substr(key, 8) FROM link_dirty WHERE key GLOB 'family:*'" \
                       " AND substr(key, 8) NOT IN (SELECT family FROM predicates WHERE bare))"
/* Claims whose amount lies in a range to relink, and groups led by one. */
#define IN_DIRTY_RANGE_CLAIMS "(SELECT c2.id FROM temp.nc_dirty_range r JOIN claims c2 ON c2.currency IS r.cur" \
                              " AND c2.amount_num BETWEEN r.lo AND r.hi)"
#define IN_DIRTY_RANGE_GROUPS "(SELECT g2.id FROM temp.nc_dirty_range r JOIN claim_groups g2 ON g2.currency IS r.cur" \
                              " AND g2.amount_num BETWEEN r.lo AND r.hi)"

/* Two neighbouring amounts (x < y) of one currency are linked when a bare
** amount could join a group across them: within 2%, with a margin. */
static int amounts_linked(double x, double y)
{
    return y - x <= 0.0205 * fmax(fabs(x), fabs(y));
}

/* One range of amounts to relink (cur NULL: claims without a currency). */
static int put_range(sqlite3_stmt *ins, const char *cur, double lo, double hi)
{
    if (cur)
        sqlite3_bind_text(ins, 1, cur, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(ins, 1);
    sqlite3_bind_double(ins, 2, lo);
    sqlite3_bind_double(ins, 3, hi);
    int ok = sqlite3_step(ins) == SQLITE_DONE;
    sqlite3_reset(ins);
    return ok;
}

/* The ranges of amounts to relink: for each amount a change touched (and
** each amount stated by a claim of a family to regroup), the run of stored
** amounts of that currency around it in which each is within 2% of the
** next. A bare amount only joins a group led by an amount within 2% of its
** own, so nothing outside these ranges can move. Writes temp.nc_dirty_range. */
static int dirty_ranges(nc_store *s, nc_error *err)
{
    int rc = store_exec(s,
                        "CREATE TEMP TABLE IF NOT EXISTS nc_dirty_range(cur TEXT, lo REAL NOT NULL, hi REAL NOT NULL);"
                        "DELETE FROM temp.nc_dirty_range;"
                        "INSERT INTO link_dirty_amount SELECT currency, amount_num FROM claims"
                        " WHERE family IN " DIRTY_FAMILIES " AND amount_num IS NOT NULL;",
                        err);
    if (rc != NC_OK)
        return rc;
    sqlite3_stmt *seeds = NULL, *up = NULL, *down = NULL, *ins = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT DISTINCT currency, amount FROM link_dirty_amount ORDER BY currency, amount",
                           -1, &seeds, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT min(amount_num) FROM claims WHERE currency IS ?1 AND amount_num > ?2", -1, &up,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT max(amount_num) FROM claims WHERE currency IS ?1 AND amount_num < ?2", -1,
                           &down, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "INSERT INTO temp.nc_dirty_range(cur, lo, hi) VALUES(?1, ?2, ?3)", -1, &ins, NULL) !=
            SQLITE_OK) {
        rc = store_err(s, err, "finding the amounts to relink");
        goto out;
    }
    char *cur = NULL;
    int have = 0, cur_null = 0;
    double lo = 0, hi = 0;
    int r;
    while ((r = sqlite3_step(seeds)) == SQLITE_ROW) {
        int is_null = sqlite3_column_type(seeds, 0) == SQLITE_NULL;
        const char *c = is_null ? "" : (const char *)sqlite3_column_text(seeds, 0);
        double x = sqlite3_column_double(seeds, 1);
        int same_cur = have && is_null == cur_null && !strcmp(c, cur);
        if (same_cur && x <= hi)
            continue;                   /* inside the range just found */
        if (have && !put_range(ins, cur_null ? NULL : cur, lo, hi)) {
            rc = store_err(s, err, "finding the amounts to relink");
            break;
        }
        if (!same_cur) {
            free(cur);
            cur = malloc(strlen(c) + 1);
            if (!cur) {
                rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
                break;
            }
            strcpy(cur, c);
            cur_null = is_null;
        }
        have = 1;
        lo = hi = x;
        /* walk the stored amounts outwards while neighbours are linked */
        for (sqlite3_stmt *q = up;; q = q == up ? down : NULL) {
            if (!q)
                break;
            for (;;) {
                if (cur_null)
                    sqlite3_bind_null(q, 1);
                else
                    sqlite3_bind_text(q, 1, cur, -1, SQLITE_STATIC);
                sqlite3_bind_double(q, 2, q == up ? hi : lo);
                int step = sqlite3_step(q);
                int found = step == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL;
                double y = found ? sqlite3_column_double(q, 0) : 0;
                sqlite3_reset(q);
                if (!found || !(q == up ? amounts_linked(hi, y) : amounts_linked(y, lo)))
                    break;
                if (q == up)
                    hi = y;
                else
                    lo = y;
            }
        }
    }
    if (rc == NC_OK && have && !put_range(ins, cur_null ? NULL : cur, lo, hi))
        rc = store_err(s, err, "finding the amounts to relink");
    free(cur);
out:
    sqlite3_finalize(seeds);
    sqlite3_finalize(up);
    sqlite3_finalize(down);
    sqlite3_finalize(ins);
    return rc;
}

/* Number the groups in timeline order (date, predicate, parties, amount,
** then the canonical position of the representative claim: exactly the
** order cmp_group gives), changing only the ids that move; contracts follow
** their groups. Foreign keys are deferred by the caller. */
static int renumber(nc_store *s, nc_error *err)
{
    return store_exec(s,
        "CREATE TEMP TABLE IF NOT EXISTS nc_renum(old INTEGER PRIMARY KEY, new INTEGER NOT NULL);"
        "DELETE FROM temp.nc_renum;"
        "INSERT INTO temp.nc_renum(old, new) SELECT id, rk FROM (SELECT g.id, row_number() OVER (ORDER BY"
        "  g.event_start IS NULL, g.event_start, g.event_end DESC, c.predicate, ifnull(c.subject_org, ''),"
        "  ifnull(c.object_org, ''), ifnull(c.amount_num, 0),"
        "  c.predicate IN " BARE_PREDICATES ", c.family, c.amount IS NULL, c.predicate, c.subject_org IS NULL,"
        "  c.object_org IS NULL, ifnull(c.subject_org, ''), ifnull(c.object_org, ''),"
        "  ifnull(c.currency, ''), ifnull(c.amount_num, -1), ifnull(c.event_date, ''), a.path, a.item, s.idx, c.idx) AS rk"
        "  FROM claim_groups g JOIN claims c ON c.id = g.rep_claim JOIN articles a ON a.id = c.article_id"
        "  JOIN sentences s ON s.id = c.sentence_id) WHERE id <> rk;"
        "UPDATE claim_groups SET id = -(SELECT new FROM temp.nc_renum WHERE old = id) WHERE id IN (SELECT old FROM temp.nc_renum);"
        "UPDATE claim_groups SET id = -id WHERE id < 0;"
        "UPDATE claim_group_members SET group_id = -(SELECT new FROM temp.nc_renum WHERE old = group_id)"
        "  WHERE group_id IN (SELECT old FROM temp.nc_renum);"
        "UPDATE claim_group_members SET group_id = -group_id WHERE group_id < 0;"
        "UPDATE conflicts SET group_id = (SELECT new FROM temp.nc_renum WHERE old = group_id)"
        "  WHERE group_id IN (SELECT old FROM temp.nc_renum);"
        "UPDATE contracts SET group_id = -(SELECT new FROM temp.nc_renum WHERE old = group_id)"
        "  WHERE group_id IN (SELECT old FROM temp.nc_renum);"
        "UPDATE contracts SET group_id = -group_id WHERE group_id < 0;"
        "DELETE FROM temp.nc_renum;"
        "INSERT INTO temp.nc_renum(old, new) SELECT id, rk FROM"
        "  (SELECT id, row_number() OVER (ORDER BY group_id) AS rk FROM contracts) WHERE id <> rk;"
        "UPDATE contracts SET id = -(SELECT new FROM temp.nc_renum WHERE old = id) WHERE id IN (SELECT old FROM temp.nc_renum);"
        "UPDATE contracts SET id = -id WHERE id < 0;"
        "UPDATE contract_fields SET contract_id = (SELECT new FROM temp.nc_renum WHERE old = contract_id)"
        "  WHERE contract_id IN (SELECT old FROM temp.nc_renum);",
        err);
}

int nc_store_link(nc_store *s, nc_error *err)
{
    /* the indexes a first load deferred: the link reads claims by them */
    int rc = nc_store_bulk_end(s, err);
    if (rc == NC_OK)
        rc = store_begin(s, err);
    if (rc == NC_OK)
        rc = store_exec(s, "PRAGMA defer_foreign_keys = ON;", err);
    /* the predicates' properties, read once for the whole link */
    if (rc == NC_OK && (rc = store_preds_read(s, err)) != NC_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    if (rc != NC_OK)
        return rc;
    memset(&s->last_link, 0, sizeof s->last_link);
    /* what changed since the last link */
    int any = 0, all = 0;
    {
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(s->db, "SELECT (SELECT count(*) FROM link_dirty) + (SELECT count(*) FROM link_dirty_amount),"
                                      " EXISTS(SELECT 1 FROM link_dirty WHERE key = '*')", -1, &q,
                               NULL) != SQLITE_OK) {
            rc = store_err(s, err, "reading what changed");
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
        if (sqlite3_step(q) == SQLITE_ROW) {
            any = sqlite3_column_int(q, 0) > 0;
            all = sqlite3_column_int(q, 1) > 0;
        }
        sqlite3_finalize(q);
    }
    if (!any)
        return store_exec(s, "COMMIT", err);
    if (!all) {
        /* a bare amount with no amount joins by family alone: relink everything */
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(s->db, "SELECT EXISTS(SELECT 1 FROM claims WHERE predicate IN " BARE_PREDICATES " AND amount IS NULL)",
                               -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
            all = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
    }
    if (!all && (rc = dirty_ranges(s, err)) != NC_OK) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    s->last_link.full = all;
    sqlite3_exec(s->db, LINK_CACHE_PRAGMA, NULL, NULL, NULL);
    org_row *orgs = NULL;
    size_t no = 0;
    size_t n = 0;
    group *g = NULL;
    size_t ng = 0, gcap = 0;
    ilist *fam_groups = NULL, tmp = { 0 };
    size_t n_fams_alloc = 0;
    amount_index amounts = { 0 };
    kept_map kept = { 0 };
    strpool pool = { 0 };
    sqlite3_stmt *st = NULL, *assign = NULL;
    spair *sp = NULL;        /* (sentence, group) of every typed claim placed */
    size_t nsp = 0, capsp = 0;
    int sp_sorted = 0;
    ctx x = { 0 };
    x.s = s;
    if (sqlite3_prepare_v2(s->db, "SELECT id, parent_id FROM orgs ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
        rc = store_err(s, err, "reading organisations");
        goto done;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        org_row *v = realloc(orgs, (no + 1) * sizeof *v);
        if (!v) { rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory"); goto done; }
        orgs = v;
        orgs[no].id = column_dup(st, 0);
        orgs[no].parent = column_dup(st, 1);
        no++;
    }
    sqlite3_finalize(st);
    st = NULL;
    for (size_t i = 0; i < no; i++)
        orgs[i].parent_ix = org_index(orgs, no, orgs[i].parent) >= 0 ? org_index(orgs, no, orgs[i].parent) : -1;
    x.orgs = orgs;
    x.no = no;
    /* Which group each claim joins goes to a temporary table (a file, as
    ** the link runs with temp_store=DEFAULT), not to memory: a first link
    ** of a million articles reads millions of claims. */
    if ((rc = store_exec(s, "DROP TABLE IF EXISTS temp.nc_assign;"
                            "CREATE TEMP TABLE nc_assign(pos INTEGER PRIMARY KEY, gix INTEGER NOT NULL,"
                            " claim_id INTEGER NOT NULL, article_id INTEGER NOT NULL);", err)) != NC_OK)
        goto done;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO temp.nc_assign(pos, gix, claim_id, article_id) VALUES(?1, ?2, ?3, ?4)",
                           -1, &assign, NULL) != SQLITE_OK) {
        rc = store_err(s, err, "prepare");
        goto done;
    }
    /* canonical order: content and paths, typed predicates before bare
    ** amounts. When only some families and currencies changed: the claims of
    ** those families, the bare amounts of those currencies, and the typed
    ** members of the other families' groups led by an amount in one of
    ** those currencies (bare amounts may join or leave them); the other
    ** groups cannot change and are not read. */
    const char *sql_all =
        "SELECT " CLAIM_COLS ", 1, NULL"
        " FROM claims c JOIN articles a ON a.id = c.article_id JOIN sentences s ON s.id = c.sentence_id";
    const char *sql_part =
        "SELECT " CLAIM_COLS ","
        " c.family IN " DIRTY_FAMILIES ", (SELECT m.group_id FROM claim_group_members m WHERE m.claim_id = c.id)"
        " FROM claims c JOIN articles a ON a.id = c.article_id JOIN sentences s ON s.id = c.sentence_id"
        " WHERE c.family IN " DIRTY_FAMILIES
        "  OR (c.predicate IN " BARE_PREDICATES " AND c.id IN " IN_DIRTY_RANGE_CLAIMS ")"
        "  OR (c.predicate NOT IN " BARE_PREDICATES " AND c.id IN (SELECT m.claim_id FROM claim_group_members m"
        "      JOIN claim_groups g ON g.id = m.group_id WHERE g.id IN " IN_DIRTY_RANGE_GROUPS
        "      AND g.family NOT IN " DIRTY_FAMILIES "))";
    const char *order_by =
        " ORDER BY c.predicate IN " BARE_PREDICATES ", c.family, c.amount IS NULL, c.predicate, c.subject_org IS NULL,"
        " c.object_org IS NULL, ifnull(c.subject_org, ''), ifnull(c.object_org, ''),"
        " ifnull(c.currency, ''), ifnull(c.amount_num, -1),"
        " ifnull(c.event_date, ''), a.path, a.item, s.idx, c.idx";
    char *sql = sqlite3_mprintf("%s%s", all ? sql_all : sql_part, order_by);
    int prep = sql ? sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) : SQLITE_NOMEM;
    sqlite3_free(sql);
    if (prep != SQLITE_OK) {
        rc = store_err(s, err, "reading claims");
        goto done;
    }
    int r;
    const char *fams[64];
    size_t n_fams = 0;
    crow cur;
    /* each claim in canonical order joins a group or makes one */
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        size_t i = n++;
        if (!read_claim(s, st, &cur, orgs, no)) {
            rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
            goto done;
        }
        cur.fam_dirty = sqlite3_column_int(st, 21);
        cur.old_group = sqlite3_column_int64(st, 22);
        for (size_t f = 0; f < n_fams && cur.fam_ix < 0; f++)
            if (!strcmp(fams[f], cur.family))
                cur.fam_ix = (int)f;
        if (cur.fam_ix < 0) {
            if (n_fams == sizeof fams / sizeof *fams) {
                rc = nc_error_set(err, NC_E_DB, s->path, "more than %zu predicate families", n_fams);
                goto done;
            }
            int oom = 0;
            fams[n_fams] = pool_str(&pool, cur.family, &oom);
            if (oom) {
                rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
                goto done;
            }
            cur.fam_ix = (int)n_fams++;
            ilist *v = realloc(fam_groups, n_fams * sizeof *v);
            if (!v) {
                rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
                goto done;
            }
            fam_groups = v;
            memset(&fam_groups[n_fams - 1], 0, sizeof *fam_groups);
            n_fams_alloc = n_fams;
        }
        int found = -1, is_bare = cur.is_bare;
        if (!is_bare && !cur.fam_dirty) {
            /* a family kept: the claim stays in its stored group; the groups
            ** are re-created in the canonical order of their first member,
            ** as a full computation creates them */
            found = kept_find(&kept, cur.old_group);
            if (found < 0)
                goto new_group;
            goto add;
        }
        /* the candidate groups, in creation order */
        const int *cand;
        size_t n_cand;
        if (!is_bare || !cur.has_amount) {
            cand = fam_groups[cur.fam_ix].v;
            n_cand = fam_groups[cur.fam_ix].n;
        } else {
            /* a bare quantity: only the groups that hold a typed claim of its
            ** own sentence (every typed claim comes before the bare ones in
            ** the canonical order, so the list is complete when they come) */
            tmp.n = 0;
            if (!sp_sorted) {
                if (nsp > 1)
                    qsort(sp, nsp, sizeof *sp, cmp_spair);
                sp_sorted = 1;
            }
            size_t lo = 0, hi = nsp;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (sp[mid].sentence < cur.sentence_id)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t j = lo; j < nsp && sp[j].sentence == cur.sentence_id; j++)
                if (!ilist_push(&tmp, sp[j].gix)) {
                    rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
                    goto done;
                }
            if (tmp.n > 1)
                qsort(tmp.v, tmp.n, sizeof *tmp.v, cmp_int);
            cand = tmp.v;
            n_cand = tmp.n;
        }
        for (size_t ci = 0; ci < n_cand; ci++) {
            size_t k = (size_t)cand[ci];
            if (ci > 0 && cand[ci] == cand[ci - 1])
                continue;
            if (!compatible(orgs, &g[k].r, &cur))
                continue;
            if (!is_bare) {
                found = (int)k;    /* typed claims: the first compatible group */
                break;
            }
            /* a bare quantity joins a group only beside a typed claim of that
            ** group in its own sentence ("$70 million" after "Twitter owes
            ** Amazon"), never on the number alone: two articles that both
            ** say "$10,000" need not speak of one fact; the largest such */
            if (found < 0 || g[k].n > g[found].n)
                found = (int)k;
        }
    new_group:
        if (found < 0) {
            if (ng == gcap) {
                gcap = gcap ? gcap * 2 : 64;
                group *v = realloc(g, gcap * sizeof *v);
                if (!v) { rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory"); goto done; }
                g = v;
            }
            group *ng_ = &g[ng];
            memset(ng_, 0, sizeof *ng_);
            ng_->r = cur;
            if (!intern_claim(&pool, &ng_->r)) {
                rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
                goto done;
            }
            ng_->rep_pos = i;
            ng_->gix = (int)ng;
            ng_->date = ng_->r.event_date;
            ng_->precision = ng_->r.event_precision;
            ng_->old_id = !is_bare && !cur.fam_dirty ? cur.old_group : 0;
            found = (int)ng++;
            if (g[found].old_id && !kept_put(&kept, g[found].old_id, found)) {
                rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
                goto done;
            }
            int ok = ilist_push(&fam_groups[cur.fam_ix], found);
            if (ok && cur.has_amount) {
                int sign;
                long k = bucket_of(cur.amount_num, &sign);
                bucket *b = bucket_get(&amounts, g[found].r.currency, cur.is_vague, sign, k, 1);
                ok = b && ilist_push(&b->groups, found);
            }
            if (!ok) {
                rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
                goto done;
            }
        }
    add:
        if (!cur.is_bare) {
            if (nsp == capsp) {
                size_t nc = capsp ? capsp * 2 : 256;
                spair *v = realloc(sp, nc * sizeof *v);
                if (!v) {
                    rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
                    goto done;
                }
                sp = v;
                capsp = nc;
            }
            sp[nsp].sentence = cur.sentence_id;
            sp[nsp++].gix = found;
        }
        {
            group *gr = &g[found];
            gr->n++;
            /* the group's parties: a member names one its representative left
            ** unknown, and later claims must agree with it too ("Twitter's
            ** $510 million contract" joined by "AWS inked the deal with
            ** Twitter" is AWS's, so no Google Cloud contract joins it) */
            if (!cur.is_bare && gr->n > 1 && (!gr->r.subject || !gr->r.object)) {
                crow *rp = &gr->r;
                int direct = org_compat_ix(orgs, rp->subj_ix, rp->subject, cur.subj_ix, cur.subject) &&
                             org_compat_ix(orgs, rp->obj_ix, rp->object, cur.obj_ix, cur.object);
                const char *ns = direct ? cur.subject : cur.object, *no_ = direct ? cur.object : cur.subject;
                int nsi = direct ? cur.subj_ix : cur.obj_ix, noi = direct ? cur.obj_ix : cur.subj_ix;
                int oom = 0;
                if (!rp->subject && ns && !streq(ns, rp->object)) {
                    rp->subject = pool_str(&pool, ns, &oom);
                    rp->subj_ix = nsi;
                }
                if (!rp->object && no_ && !streq(no_, rp->subject)) {
                    rp->object = pool_str(&pool, no_, &oom);
                    rp->obj_ix = noi;
                }
                if (oom) {
                    rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
                    goto done;
                }
            }
            /* the group's date: the finest a member's sentence states (the
            ** one that covers the fewest days; the first of equals) */
            if (cur.event_date && cur.date_in_sentence &&
                (!gr->sdated || period_days(cur.event_date) < period_days(gr->date))) {
                int oom = 0;
                gr->date = pool_str(&pool, cur.event_date, &oom);
                gr->precision = pool_str(&pool, cur.event_precision, &oom);
                gr->sdated = 1;
                if (oom) {
                    rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
                    goto done;
                }
            }
            sqlite3_bind_int64(assign, 1, (sqlite3_int64)i);
            sqlite3_bind_int(assign, 2, gr->gix);
            sqlite3_bind_int64(assign, 3, cur.id);
            sqlite3_bind_int64(assign, 4, cur.article_id);
            int step = sqlite3_step(assign);
            sqlite3_reset(assign);
            if (step != SQLITE_DONE) {
                rc = store_err(s, err, "grouping claims");
                goto done;
            }
        }
    }
    if (r != SQLITE_DONE) {
        rc = store_err(s, err, "reading claims");
        goto done;
    }
    sqlite3_finalize(st);
    st = NULL;
    s->last_link.claims_read = n;
    s->last_link.groups_written = ng;
    if (ng > 1)
        qsort(g, ng, sizeof *g, cmp_group);
    /* remove what is recomputed (members, conflicts, contracts follow by cascade) */
    if ((rc = store_exec(s, "CREATE INDEX temp.nc_assign_group ON nc_assign(gix, pos);", err)) != NC_OK ||
        (rc = store_exec(s, all ? "DELETE FROM contract_fields; DELETE FROM contracts; DELETE FROM conflicts;"
                                  " DELETE FROM claim_group_members; DELETE FROM claim_groups;"
                                : "DELETE FROM claim_groups WHERE family IN " DIRTY_FAMILIES
                                  " OR id IN " IN_DIRTY_RANGE_GROUPS,
                         err)) != NC_OK)
        goto done;
    char *host_sql = sqlite3_mprintf("SELECT c.id, c.subject_org, c.object_org, c.object_text FROM claims c"
                                     " JOIN articles a ON a.id = c.article_id JOIN sentences s ON s.id = c.sentence_id"
                                     " WHERE c.predicate IN " COVERS_PREDICATES " AND c.object_text IS NOT NULL%s",
                                     order_by);
    prep = host_sql ? sqlite3_prepare_v2(s->db, host_sql, -1, &x.hosting, NULL) : SQLITE_NOMEM;
    sqlite3_free(host_sql);
    if (prep != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "INSERT INTO claim_groups(predicate, family, subject_org, object_org, amount, amount_num,"
                           " currency, qualifier, duration, event_date, event_precision, n_claims, n_sources, n_langs,"
                           " langs, first_report, last_report, event_start, event_end, object_text, rep_claim)"
                           " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21)",
                           -1, &x.ins_group, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "SELECT " CLAIM_COLS " FROM temp.nc_assign x JOIN claims c ON c.id = x.claim_id"
                           " JOIN articles a ON a.id = c.article_id WHERE x.gix = ?1 ORDER BY x.pos",
                           -1, &x.members, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT count(DISTINCT article_id) FROM temp.nc_assign WHERE gix = ?1", -1,
                           &x.n_sources, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           /* with the copy the timeline reads (store_int.h) */
                           "INSERT INTO claim_group_members(group_id, claim_id, " MEMBER_COPY_COLS ")"
                           " SELECT ?1, x.claim_id, " MEMBER_COPY_VALS " FROM temp.nc_assign x"
                           " JOIN claims c ON c.id = x.claim_id JOIN articles a ON a.id = c.article_id"
                           " JOIN sentences s ON s.id = c.sentence_id WHERE x.gix = ?2 ORDER BY x.pos",
                           -1, &x.put_members, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "INSERT INTO conflicts(group_id, field, claim_id, value) VALUES(?1, ?2, ?3, ?4)", -1,
                           &x.ins_conflict, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "INSERT INTO contracts(group_id, party_a, party_b, value, value_num, currency, term, signed,"
                           " signed_qualifier, covers) SELECT ?1, subject_org, object_org, amount, amount_num, currency,"
                           " duration, ?2, ?3, ?4 FROM claim_groups WHERE id = ?1", -1, &x.ins_contract, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "INSERT INTO contract_fields(contract_id, field, value, claim_id) VALUES(?1,?2,?3,?4)",
                           -1, &x.ins_field, NULL) != SQLITE_OK) {
        rc = store_err(s, err, "prepare");
        goto done;
    }
    for (size_t i = 0; rc == NC_OK && i < ng; i++)
        rc = write_group(&x, &g[i], err);
    for (size_t i = 0; rc == NC_OK && i < ng; i++)
        if (is_contract(&g[i].r))
            rc = write_contract(&x, &g[i], err);
    if (rc == NC_OK)
        rc = renumber(s, err);
    if (rc == NC_OK)
        rc = store_exec(s, "DELETE FROM link_dirty; DELETE FROM link_dirty_amount; COMMIT;", err);
done:
    if (rc != NC_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_finalize(st);
    sqlite3_finalize(assign);
    free(sp);
    sqlite3_finalize(x.members);
    sqlite3_finalize(x.n_sources);
    sqlite3_finalize(x.put_members);
    sqlite3_finalize(x.ins_group);
    sqlite3_finalize(x.ins_conflict);
    sqlite3_finalize(x.hosting);
    sqlite3_finalize(x.ins_contract);
    sqlite3_finalize(x.ins_field);
    pool_free(&x.gp);
    /* the temporary table goes with its file's pages */
    sqlite3_exec(s->db, "DROP TABLE IF EXISTS temp.nc_assign;" STORE_CACHE_PRAGMA, NULL, NULL, NULL);
    for (size_t i = 0; i < no; i++) {
        free(orgs[i].id);
        free(orgs[i].parent);
    }
    free(orgs);
    for (size_t f = 0; fam_groups && f < n_fams_alloc; f++)
        free(fam_groups[f].v);
    free(fam_groups);
    free(tmp.v);
    for (size_t b = 0; b < amounts.n; b++)
        free(amounts.b[b].groups.v);
    free(amounts.b);
    free(amounts.slots);
    free(kept.key);
    free(kept.val);
    pool_free(&pool);
    free(g);
    return rc;
}

void nc_store_last_link(const nc_store *s, nc_link_stats *out)
{
    *out = s->last_link;
}

int nc_store_relink_all(nc_store *s, nc_error *err)
{
    return store_exec(s, "INSERT OR IGNORE INTO link_dirty VALUES('*')", err);
}
