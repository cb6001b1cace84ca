/*
** claims.c — claims built from the mentions and cues of each sentence.
**
** A claim starts from a trigger (a per-language phrase in the rule files
** that names a predicate of the fixed vocabulary below). Its fields come
** from the same sentence:
**   amount     the nearest mention of the kind the predicate expects (money
**              for "owes", a duration for "contract_term", ...), after the
**              trigger preferred; a mention serves one claim per predicate;
**   subject    the nearest organisation before the trigger; failing that, a
**              reference ("l'entreprise", "the company") or, with a lower
**              confidence, the article's main company (the one it mentions
**              most, first mention breaking ties);
**   object     the nearest organisation after the trigger, else before it,
**              that is not the subject nor a cited medium;
**   event date the nearest date mention; else the article's date, one step
**              coarser, marked as coming from the article;
**   source     the medium named by an attribution cue ("selon The
**              Information", "laut dem US-Portal The Information");
**   negation and hedging as flags, never dropped.
** A money amount that no trigger claims still becomes a claim (predicate
** "amount"), so every amount an article states reaches the timeline.
** Claims come out in sentence order; the work is done sentence by sentence,
** so it grows linearly with the article.
**
** Not done on purpose: no parsing of syntax; the nearest-mention heuristics
** are honest about their reach through the confidence field.
*/
#include "extract_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* Predicates whose whole content is the amount: no amount, no claim. */
static int needs_amount(const nc_predicate *p)
{
    return p->required;
}

typedef struct claims_out {
    nc_claim *v;
    size_t n, cap;
    int is_oom;
} claims_out;

static nc_claim *new_claim(claims_out *o)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 16;
        nc_claim *v = realloc(o->v, cap * sizeof *v);
        if (!v) {
            o->is_oom = 1;
            return NULL;
        }
        o->v = v;
        o->cap = cap;
    }
    nc_claim *c = &o->v[o->n++];
    memset(c, 0, sizeof *c);
    c->amount = c->duration = c->date = -1;
    return c;
}

static const char *org_kind(const nc_extractor *x, const char *id)
{
    const nc_org *o = nc_extractor_org(x, id);
    return o ? o->kind : "company";
}

static int is_party(const nc_extractor *x, const nc_mention *m)
{
    if (m->kind != NC_MENTION_ORG)
        return 0;
    const char *k = org_kind(x, m->value);
    return strcmp(k, "media") != 0;
}

/* The company the article is about: most mentions, earliest first. */
static const char *main_company(const nc_extractor *x, const nc_extraction *ex)
{
    /* a few hundred distinct organisations at most: a small table, linear scan */
    const char *ids[256];
    size_t counts[256], n = 0;
    for (size_t i = 0; i < ex->n_mentions; i++) {
        const nc_mention *m = &ex->mentions[i];
        if (m->kind != NC_MENTION_ORG || strcmp(org_kind(x, m->value), "company"))
            continue;
        size_t k = 0;
        while (k < n && strcmp(ids[k], m->value))
            k++;
        if (k == n) {
            if (n == 256)
                continue;
            ids[n] = m->value;
            counts[n++] = 0;
        }
        counts[k]++;
    }
    const char *best = NULL;
    size_t best_n = 0;
    for (size_t k = 0; k < n; k++)      /* ids are in first-mention order: ties go to the first */
        if (counts[k] > best_n) {
            best_n = counts[k];
            best = ids[k];
        }
    return best;
}

static size_t distance(size_t a0, size_t a1, size_t b0, size_t b1, int *is_after)
{
    *is_after = b0 >= a1;
    if (b0 >= a1)
        return b0 - a1;
    if (a0 >= b1)
        return a0 - b1;
    return 0;
}

/* Date one step coarser than the article's. */
static void article_date(const nc_article *a, nc_claim *c)
{
    if (!a->pub_date[0])
        return;
    nc_date_precision p = a->pub_date_precision;
    size_t keep = strlen(a->pub_date);
    if (p == NC_PREC_DAY) {
        p = NC_PREC_MONTH;
        keep = 7;
    } else if (p == NC_PREC_MONTH || p == NC_PREC_QUARTER || p == NC_PREC_HALF) {
        p = NC_PREC_YEAR;
        keep = 4;
    }
    snprintf(c->event_date, sizeof c->event_date, "%.*s", (int)keep, a->pub_date);
    c->event_precision = p;
    snprintf(c->event_date_source, sizeof c->event_date_source, "article");
}

/* A span counted from the publication ("over the next three years",
** "the past three years": value .. value_max, or PAST_REF/FUTURE_REF without
** a publication date) also states a length, kept as its unit: "+P3Y" ahead,
** "-P3Y" back. */
static int is_span(const nc_mention *m)
{
    return m->kind == NC_MENTION_DATE && (m->flags & NC_MF_RELATIVE) && (m->unit[0] == '+' || m->unit[0] == '-') &&
           m->unit[1] == 'P';
}

/* Can date mention m date a claim? Not PAST_REF and the like (no
** precision: they say nothing about when), nor a span: it says the claim
** covers a stretch up to (or from) the article, which the article's date
** says too. */
static int can_date(const nc_mention *m)
{
    return m->kind == NC_MENTION_DATE && m->precision != NC_PREC_NONE && !is_span(m);
}

/* Can mention m be the amount, duration or date of a predicate that expects
** kind want? */
static int serves(const nc_mention *m, nc_mention_kind want)
{
    if (want == NC_MENTION_DURATION && is_span(m))
        return m->unit[0] == '+';   /* a term runs ahead: "to deliver over the next three years" */
    return m->kind == want && (want != NC_MENTION_DATE || can_date(m));
}

static void set_date(const nc_extraction *ex, int di, nc_claim *c)
{
    const nc_mention *d = &ex->mentions[di];
    if (!can_date(d))
        return;
    c->date = di;
    if (d->value_max[0] && (d->flags & NC_MF_RANGE))
        snprintf(c->event_date, sizeof c->event_date, "%.15s/%.15s", d->value, d->value_max);   /* a period */
    else
        snprintf(c->event_date, sizeof c->event_date, "%.15s", d->value);
    c->event_precision = d->precision;
    snprintf(c->event_date_source, sizeof c->event_date_source, "sentence");
}

static size_t weighted(const cue *t, const nc_mention *m)
{
    int after;
    size_t d = distance(t->start, t->end, m->start, m->end, &after);
    return after ? d : d + d / 2 + 1;     /* prefer what follows the trigger */
}

/* Is the cue in the scope of the trigger: close, and no clause boundary
** (comma, semicolon, parenthesis, spaced dash) between them? */
static int in_scope(const char *text, const cue *q, const cue *t)
{
    size_t a, b;
    if (q->end <= t->start) {
        a = q->end;
        b = t->start;
    } else if (q->start >= t->end) {
        a = t->end;
        b = q->start;
    } else {
        return 1;                          /* overlapping */
    }
    if (b - a > 40)
        return 0;
    for (size_t i = a; i < b; i++)
        if (text[i] == ',' || text[i] == ';' || text[i] == '(' || text[i] == ')' ||
            (text[i] == '-' && i > a && text[i - 1] == ' '))
            return 0;
    return 1;
}

/* Can the trigger take this quantity: within 100 bytes, and not across a
** semicolon, a parenthesis or a spaced dash ("... nicht bereit - das
** Unternehmen würde auf die Zahlung der 70 Millionen bestehen")? */
static int amount_in_scope(const char *text, const cue *t, const nc_mention *m)
{
    size_t a = m->end <= t->start ? m->end : t->end;
    size_t b = m->end <= t->start ? t->start : m->start;
    if (m->start < t->end && t->start < m->end)
        return 1;
    if (b < a || b - a > 100)
        return 0;
    for (size_t i = a; i < b; i++)
        if (text[i] == ';' || text[i] == '(' || text[i] == ')' ||
            (text[i] == '-' && i > a && text[i - 1] == ' ' && i + 1 < b && text[i + 1] == ' '))
            return 0;
    return 1;
}

static int is_name_byte(unsigned char ch)
{
    return ch >= 0x80 || isalnum(ch) || ch == '&' || ch == '-' || ch == '\'';
}

static int starts_upper(const char *s, size_t n)
{
    UChar32 cp;
    int32_t i = 0;
    U8_NEXT((const uint8_t *)s, i, (int32_t)n, cp);
    return cp > 0 && u_isupper(cp);
}

/* A run of one to four capitalised words ending at end (going back) or
** starting at start (going forward) that overlaps no mention: the name of an
** organisation outside the gazetteer, in the subject or object position of
** a trigger. A lone capitalised word that opens the sentence is only the
** sentence's first word; a leading article ("Le", "The") is not the name. */
static int capitalised_run(const ruleset *rs, const nc_article *a, const nc_extraction *ex, size_t m0, size_t m1,
                           size_t s0, size_t s1, size_t at, int backwards, char *id, size_t idsize)
{
    size_t b = at, e = at, words = 0;
    if (backwards) {
        while (e > s0 && a->text[e - 1] == ' ')
            e--;
        b = e;
        while (words < 4) {
            size_t w = b;
            while (w > s0 && is_name_byte((unsigned char)a->text[w - 1]))
                w--;
            if (w == b || !starts_upper(a->text + w, b - w))
                break;
            b = w;
            words++;
            if (b > s0 && a->text[b - 1] == ' ' && b - 1 > s0 && is_name_byte((unsigned char)a->text[b - 2]))
                b--;
            else
                break;
        }
        while (b < e && a->text[b] == ' ')
            b++;
    } else {
        while (b < s1 && a->text[b] == ' ')
            b++;
        e = b;
        while (words < 4) {
            size_t w = e;
            while (w < s1 && is_name_byte((unsigned char)a->text[w]))
                w++;
            if (w == e || !starts_upper(a->text + e, w - e))
                break;
            size_t end_word = w;
            words++;
            if (w < s1 && a->text[w] == ' ' && w + 1 < s1 && starts_upper(a->text + w + 1, s1 - w - 1)) {
                e = w + 1;
                continue;
            }
            e = end_word;
            break;
        }
        while (e > b && a->text[e - 1] == ' ')
            e--;
    }
    if (!words || e <= b)
        return 0;
    /* a leading article is not part of the name */
    size_t sp = b;
    while (sp < e && a->text[sp] != ' ')
        sp++;
    if (sp < e && lex_lookup(rs, "det", a->text + b, sp - b)) {
        b = sp + 1;
        words--;
    }
    if (!words || (b == s0 && words == 1))
        return 0;
    for (size_t i = m0; i < m1; i++)
        if (ex->mentions[i].start < e && b < ex->mentions[i].end)
            return 0;
    discovered_id(a->text + b, e - b, id, idsize);
    return 1;
}

/* Is another trigger between a cue and this trigger? "won't renegotiate the
** deal": the negation belongs to "renegotiate", not to "deal". */
static int trigger_between(const cue *cues, size_t c0, size_t c1, const cue *q, const cue *t)
{
    size_t a = q->end <= t->start ? q->end : t->end;
    size_t b = q->end <= t->start ? t->start : q->start;
    for (size_t k = c0; k < c1; k++)
        if (cues[k].kind == RK_TRIGGER && &cues[k] != t && cues[k].start >= a && cues[k].end <= b &&
            strcmp(cues[k].r->predicate, t->r->predicate))
            return 1;
    return 0;
}

int claims_build(const nc_extractor *x, const ruleset *rs, const nc_article *a,
                 nc_extraction *ex, const cue *cues, size_t n_cues, nc_error *err)
{
    claims_out o = { 0 };
    const char *main_org = main_company(x, ex);
    size_t nm = ex->n_mentions ? ex->n_mentions : 1;
    unsigned char *taken = calloc(nm, 1);           /* serves some claim */
    unsigned char *is_content = calloc(nm, 1);      /* a date that is a claim's content */
    int *assigned = malloc((n_cues ? n_cues : 1) * sizeof *assigned);
    if (!taken || !is_content || !assigned) {
        free(taken);
        free(is_content);
        free(assigned);
        return nc_error_set(err, NC_E_NOMEM, a->path, "out of memory");
    }
    for (size_t t = 0; t < n_cues; t++)
        assigned[t] = -1;
    /* Mentions and cues are sorted by position, so each sentence owns a
    ** contiguous range of both: everything below works inside one sentence,
    ** which keeps the whole linear in the article's length. */
    size_t M0 = 0, M1 = 0, C0 = 0, C1 = 0;
    for (size_t si = 0; si < a->n_sentences && !o.is_oom; si++) {
    M0 = M1;
    while (M1 < ex->n_mentions && ex->mentions[M1].sentence == si)
        M1++;
    C0 = C1;
    while (C1 < n_cues && cues[C1].sentence == si)
        C1++;
    size_t first_claim = o.n;
    /* each quantity goes to the nearest trigger that wants its kind */
    for (size_t i = M0; i < M1; i++) {
        const nc_mention *m = &ex->mentions[i];
        if (m->kind == NC_MENTION_ORG || (m->flags & (NC_MF_UNQUANTIFIED | NC_MF_CONTEXT)))
            continue;              /* "the dollar", "within a few days": no value to claim */
        if (m->kind == NC_MENTION_DATE && !can_date(m) && !is_span(m))
            continue;
        int bt = -1;
        size_t bd = (size_t)-1;
        for (size_t t = C0; t < C1; t++) {
            const cue *tc = &cues[t];
            if (tc->kind != RK_TRIGGER)
                continue;
            if (!serves(m, nc_extractor_predicate(x, tc->r->predicate)->content))
                continue;
            if (!amount_in_scope(a->text, tc, m))
                continue;
            size_t d = weighted(tc, m);
            if (d < bd) {
                bd = d;
                bt = (int)t;
            }
        }
        if (bt >= 0 && (assigned[bt] < 0 || weighted(&cues[bt], m) < weighted(&cues[bt], &ex->mentions[assigned[bt]])))
            assigned[bt] = (int)i;
    }
    for (size_t t = C0; t < C1; t++)
        if (assigned[t] >= 0 && ex->mentions[assigned[t]].kind == NC_MENTION_DATE)
            is_content[assigned[t]] = 1;   /* a date that is a claim's content (or a span its term) dates nothing */
    for (size_t t = C0; t < C1; t++) {
        const cue *tc = &cues[t];
        if (tc->kind != RK_TRIGGER)
            continue;
        const nc_predicate *pred = nc_extractor_predicate(x, tc->r->predicate);
        int best = assigned[t];
        if (best < 0 && needs_amount(pred))
            continue;
        /* two triggers of one predicate in a sentence with nothing to tell them apart: one claim */
        int dup = 0;
        for (size_t k = first_claim; k < o.n; k++)
            if (!strcmp(o.v[k].predicate, pred->name) &&
                (best < 0 || (o.v[k].amount < 0 && o.v[k].duration < 0 && o.v[k].date < 0)))
                dup = 1;
        if (dup)
            continue;
        nc_claim *c = new_claim(&o);
        if (!c)
            break;
        c->sentence = tc->sentence;
        c->rule = tc->r->id;
        if (tc->name_end > tc->name_start) {
            size_t n = tc->name_end - tc->name_start;
            if (n >= sizeof c->object_text)
                n = sizeof c->object_text - 1;
            memcpy(c->object_text, a->text + tc->name_start, n);
            c->object_text[n] = 0;
        }
        snprintf(c->predicate, sizeof c->predicate, "%s", pred->name);
        double conf = 0.7;
        if (best >= 0) {
            taken[best] = 1;
            if (pred->content == NC_MENTION_DURATION)
                c->duration = best;
            else if (pred->content == NC_MENTION_DATE)
                set_date(ex, best, c);
            else
                c->amount = best;
            conf += 0.1;
        }
        /* subject: a party (or a reference such as "the company") before the
        ** trigger, in its clause first, else in the sentence; the nearest one
        ** for languages whose subject precedes the verb closely (English,
        ** French), the first one where objects come between (German:
        ** "Twitter soll Amazon 70 Millionen Dollar schulden") */
        int subj = -1, obj = -1, subj_ref = -1;
        size_t od = (size_t)-1;
        size_t s0 = a->sentences[tc->sentence].start, clause = s0;
        for (size_t i = s0; i < tc->start; i++)
            if (a->text[i] == ',' || a->text[i] == ';' || a->text[i] == ':' || a->text[i] == '(' ||
                (a->text[i] == '-' && i > s0 && a->text[i - 1] == ' '))
                clause = i + 1;
        for (int pass = 0; pass < 2 && subj < 0 && subj_ref < 0; pass++) {
            size_t from = pass == 0 ? clause : s0, best_pos = 0;
            int have = 0;
            for (size_t i = M0; i < M1; i++) {
                const nc_mention *m = &ex->mentions[i];
                if (!is_party(x, m) || m->start < from || m->end > tc->start + 1)
                    continue;
                /* contracts are between organisations: "vor dem Kauf durch Elon Musk
                ** schloss Twitter einen Vertrag" is not a contract of Musk's */
                if (!strcmp(pred->family, "contract") && !strcmp(org_kind(x, m->value), "person"))
                    continue;
                if (!have || (rs->is_subject_first ? m->start < best_pos : m->start > best_pos)) {
                    have = 1;
                    best_pos = m->start;
                    subj = (int)i;
                    subj_ref = -1;
                }
            }
            for (size_t k = C0; k < C1; k++) {
                const cue *q = &cues[k];
                if (q->kind != RK_REFERENCE || q->start < from || q->end > tc->start)
                    continue;
                if (!have || (rs->is_subject_first ? q->start < best_pos : q->start > best_pos)) {
                    have = 1;
                    best_pos = q->start;
                    subj = -1;
                    subj_ref = (int)k;
                }
            }
        }
        if (subj >= 0) {
            snprintf(c->subject, sizeof c->subject, "%s", ex->mentions[subj].value);
        } else if (subj_ref >= 0) {
            /* "the company": the organisation the rule names, else the article's main company */
            const char *to = cues[subj_ref].org[0] ? cues[subj_ref].org : main_org;
            if (to)
                snprintf(c->subject, sizeof c->subject, "%s", to);
            conf -= 0.1;
        } else if (rs->has_capitalised_names &&
                   capitalised_run(rs, a, ex, M0, M1, a->sentences[si].start, a->sentences[si].end, tc->start, 1,
                                   c->subject, sizeof c->subject)) {
            conf -= 0.15;    /* a name the gazetteer does not know */
        } else {
            if (main_org)
                snprintf(c->subject, sizeof c->subject, "%s", main_org);
            conf -= 0.25;
        }
        for (size_t i = M0; i < M1; i++) {
            const nc_mention *m = &ex->mentions[i];
            /* objects are organisations or products: people act, they are not contracted with */
            if (!is_party(x, m) || (int)i == subj ||
                !strcmp(m->value, c->subject) || !strcmp(org_kind(x, m->value), "person"))
                continue;
            int after;
            size_t d = distance(tc->start, tc->end, m->start, m->end, &after);
            if (!after)
                d += 10000;     /* after the trigger first */
            if (d < od) {
                od = d;
                obj = (int)i;
            }
        }
        if (obj >= 0)
            snprintf(c->object, sizeof c->object, "%s", ex->mentions[obj].value);
        else if (rs->has_capitalised_names)
            capitalised_run(rs, a, ex, M0, M1, a->sentences[si].start, a->sentences[si].end, tc->end, 0,
                            c->object, sizeof c->object);
        /* event date */
        if (!c->event_date[0]) {
            int di = -1;
            size_t dd = (size_t)-1;
            for (size_t i = M0; i < M1; i++) {
                const nc_mention *m = &ex->mentions[i];
                if (!can_date(m) || is_content[i])
                    continue;
                int after;
                size_t d = distance(tc->start, tc->end, m->start, m->end, &after);
                if (d < dd) {
                    dd = d;
                    di = (int)i;
                }
            }
            if (di >= 0)
                set_date(ex, di, c);
            else
                article_date(a, c);
        }
        /* attribution, negation, hedging */
        for (size_t k = C0; k < C1; k++) {
            const cue *q = &cues[k];
            if (q->kind == RK_ATTRIBUTION && q->org[0] && !c->source[0])
                snprintf(c->source, sizeof c->source, "%s", q->org);
            else if (q->kind == RK_HEDGE)
                c->is_hedged = 1;
            else if (q->kind == RK_NEGATION && in_scope(a->text, q, tc) && !trigger_between(cues, C0, C1, q, tc) &&
                     !(q->start >= tc->start && q->end <= tc->end))
                c->is_negated = 1;   /* "zahlen … nicht" inside a refusal trigger is its meaning, not a negation */
        }
        if (c->is_hedged)
            conf -= 0.1;
        c->confidence = conf < 0.05 ? 0.05 : conf > 1 ? 1 : conf;
    }
    /* every money amount reaches the timeline */
    for (size_t i = M0; i < M1 && !o.is_oom; i++) {
        const nc_mention *m = &ex->mentions[i];
        if (m->kind != NC_MENTION_MONEY || taken[i] || (m->flags & NC_MF_UNQUANTIFIED))
            continue;
        nc_claim *c = new_claim(&o);
        if (!c)
            break;
        c->sentence = m->sentence;
        c->amount = (int)i;
        c->rule = m->rule;
        snprintf(c->predicate, sizeof c->predicate, "amount");
        int subj = -1;
        size_t sd = (size_t)-1;
        for (size_t k = M0; k < M1; k++) {
            const nc_mention *s = &ex->mentions[k];
            if (!is_party(x, s))
                continue;
            int after;
            size_t d = distance(m->start, m->end, s->start, s->end, &after);
            if (d < sd) {
                sd = d;
                subj = (int)k;
            }
        }
        if (subj >= 0)
            snprintf(c->subject, sizeof c->subject, "%s", ex->mentions[subj].value);
        else if (main_org)
            snprintf(c->subject, sizeof c->subject, "%s", main_org);
        for (size_t k = M0; k < M1; k++) {
            const nc_mention *d = &ex->mentions[k];
            if (can_date(d) && !is_content[k]) {
                set_date(ex, (int)k, c);
                break;
            }
        }
        if (!c->event_date[0])
            article_date(a, c);
        for (size_t k = C0; k < C1; k++)
            if (cues[k].kind == RK_ATTRIBUTION && cues[k].org[0] && !c->source[0])
                snprintf(c->source, sizeof c->source, "%s", cues[k].org);
            else if (cues[k].kind == RK_HEDGE)
                c->is_hedged = 1;
        c->confidence = 0.3;
    }
    }   /* sentences */
    free(taken);
    free(is_content);
    free(assigned);
    if (o.is_oom) {
        free(o.v);
        return nc_error_set(err, NC_E_NOMEM, a->path, "out of memory");
    }
    ex->claims = o.v;
    ex->n_claims = o.n;
    return NC_OK;
}

const char *nc_claim_duration(const nc_extraction *ex, const nc_claim *c)
{
    if (!ex || !c || c->duration < 0 || (size_t)c->duration >= ex->n_mentions)
        return NULL;
    const nc_mention *m = &ex->mentions[c->duration];
    return m->kind == NC_MENTION_DURATION ? m->value : is_span(m) && m->unit[0] == '+' ? m->unit + 1 : NULL;
}
