/*
** claims.c — claims built from the mentions and cues of each sentence.
**
** A claim starts from a trigger (a per-language phrase in the rule files
** that names a predicate of the vocabulary, rules/predicates.tsv) and is
** made only where one of the trigger rule's frames matches: a pattern over
** the sentence with its mentions and cues written as typed slots (below,
** "slotted text"), which says where the subject, the object, the quantity,
** the term and the date stand relative to the trigger, in active and
** passive voice, appositions and relative clauses alike:
**   frame {ORG:subject} (?:a|va) {T} {ORG:object} pour {MONEY:amount}
** Of the frames that match around one trigger, the one that fills the most
** roles wins. A trigger without its frame makes no claim, and no party is
** ever guessed: a subject is a party of the sentence, or a reference ("the
** company") resolved to a party of the kind it may stand for, named (or
** referred to) in the nearest of the few sentences before it that names
** one (resolve_reference).
**   event date  the frame's date, else the nearest date of the sentence
**               that is no claim's content, else the article's date one
**               step coarser, marked as coming from the article;
**   source      the medium named by an attribution cue;
**   negation and hedging as flags, never dropped.
** A quantity that no claim took (money, a count, a percentage) is a bare
** claim of its kind (the vocabulary's "bare" predicates), with no party,
** so every amount an article states reaches the timeline.
** Claims come out in sentence order; the work is done sentence by sentence,
** so it grows linearly with the article.
*/
#include "extract_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ctype.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

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

/* An organisation mention's kind: the gazetteer's, else the one discovery
** gave (the mention's unit). Borrowed. */
static const char *party_kind(const nc_extractor *x, const nc_mention *m)
{
    const nc_org *o = nc_extractor_org(x, m->value);
    return o ? o->kind : m->unit;
}

/* A party: an organisation or a person, not a cited medium. */
static int is_party(const nc_extractor *x, const nc_mention *m)
{
    return m->kind == NC_MENTION_ORG && strcmp(party_kind(x, m), "media") != 0;
}

/* A lone capitalised word that parties.c could not call a name alone: a
** party only where a frame takes it as a subject or an object. */
static int is_candidate(const nc_mention *m)
{
    return m->kind == NC_MENTION_ORG && !strcmp(m->unit, "candidate");
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

/* ------------------------------------------------------------ slotted text
** A sentence as frames see it: each mention and each trigger or reference
** cue replaced by a slot, U+E000, a letter, a number, U+E001 (triggers:
** "t", the rule's index in its file, ".", the number), the words between
** kept as written. "UBS a racheté Credit Suisse pour 3 milliards de francs"
** becomes "<o0> a <t41.1> <o2> pour <m3>": the frames of the trigger's rule
** (rules/README.md, "Frames") then say which slot is the subject, the object
** and the quantity. Letters: o a party, r a reference ("the company"),
** s a cited medium, m money, c a count, p a percentage, d a date, u a
** duration, t a trigger. A candidate name (a lone capitalised word that
** only a frame can make a party) stays a word, followed by U+E002, its
** number, U+E003, so that the words between slots may hold it. */
#define SLOT_CUES 6
typedef struct slot {
    char letter;
    int mention;        /* index into ex->mentions, or -1 */
    int cue;            /* index into the cues, or -1 */
    size_t start, end;  /* in the article text */
    int cues[SLOT_CUES];   /* triggers: every trigger cue the slot stands for ("deal"
                              is a contract's value and its term), cue the first */
    int ncues;
} slot;

typedef struct slotted {
    char *buf;
    size_t len, cap;
    slot *v;
    size_t n, capv;
    int is_oom;
} slotted;

static void sl_add(slotted *s, const char *p, size_t n)
{
    if (s->is_oom)
        return;
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap < s->len + n + 1)
            cap *= 2;
        char *b = realloc(s->buf, cap);
        if (!b) {
            s->is_oom = 1;
            return;
        }
        s->buf = b;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    s->buf[s->len] = 0;
}

static char mention_letter(const nc_extractor *x, const nc_mention *m)
{
    if (m->flags & (NC_MF_UNQUANTIFIED | NC_MF_CONTEXT))
        return 0;              /* "the dollar", "within a few days": words, not values */
    switch (m->kind) {
    case NC_MENTION_ORG: return is_candidate(m) ? 'n' : is_party(x, m) ? 'o' : 's';
    case NC_MENTION_MONEY: return 'm';
    case NC_MENTION_COUNT: return 'c';
    case NC_MENTION_PERCENT: return 'p';
    case NC_MENTION_DATE: return 'd';
    case NC_MENTION_DURATION: return 'u';
    default: return 0;
    }
}

static int cmp_slot(const void *a, const void *b)
{
    const slot *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* Index of rule r in its rule set (the slot of its triggers). */
static size_t rule_index(const nc_extractor *x, const rule *r)
{
    for (size_t i = 0; i < x->n_sets; i++)
        if (r >= x->sets[i].rules && r < x->sets[i].rules + x->sets[i].n_rules)
            return (size_t)(r - x->sets[i].rules);
    return 0;
}

/* Does the reference stand in apposition to the party named just before
** it ("Dupont SA, le fabricant lyonnais," "UBS, die Schweizer Großbank,")?
** Then it says something about that name, it is no other subject. */
static int apposition(const nc_extractor *x, const nc_article *a, const nc_extraction *ex, size_t m0, size_t m1,
                      const cue *q)
{
    for (size_t i = m1; i-- > m0;) {
        const nc_mention *m = &ex->mentions[i];
        if (m->end > q->start)
            continue;
        if (!is_party(x, m))
            return 0;
        size_t p = m->end;
        while (p < q->start && a->text[p] == ' ')
            p++;
        if (p >= q->start || a->text[p] != ',')
            return 0;
        p++;
        while (p < q->start && a->text[p] == ' ')
            p++;
        return p == q->start;
    }
    return 0;
}

static void slot_sentence(const nc_extractor *x, const nc_article *a, const nc_extraction *ex, size_t m0, size_t m1,
                          const cue *cues, size_t c0, size_t c1, size_t s0, size_t s1, slotted *s)
{
    s->len = 0;
    s->n = 0;
    size_t need = (m1 - m0) + (c1 - c0) + 1;
    if (need > s->capv) {
        slot *v = realloc(s->v, need * sizeof *v);
        if (!v) {
            s->is_oom = 1;
            return;
        }
        s->v = v;
        s->capv = need;
    }
    for (size_t i = m0; i < m1; i++) {
        char l = mention_letter(x, &ex->mentions[i]);
        if (l)
            s->v[s->n++] = (slot){ l, (int)i, -1, ex->mentions[i].start, ex->mentions[i].end, { 0 }, 0 };
    }
    for (size_t k = c0; k < c1; k++) {
        const cue *q = &cues[k];
        if (q->kind != RK_TRIGGER && q->kind != RK_REFERENCE)
            continue;
        if (q->kind == RK_REFERENCE && apposition(x, a, ex, m0, m1, q))
            continue;          /* "Dupont SA, le fabricant lyonnais, a versé": words about the name */
        int overlaps = -1;
        for (size_t i = 0; i < s->n && overlaps < 0; i++)
            if (q->start < s->v[i].end && s->v[i].start < q->end)
                overlaps = (int)i;
        if (overlaps < 0) {
            s->v[s->n++] = (slot){ q->kind == RK_TRIGGER ? 't' : 'r', -1, (int)k, q->start, q->end, { (int)k }, 1 };
        } else if (q->kind == RK_TRIGGER && s->v[overlaps].letter == 't' && s->v[overlaps].ncues < SLOT_CUES) {
            /* triggers of several rules on one word: one slot that is each of them */
            slot *t = &s->v[overlaps];
            t->cues[t->ncues++] = (int)k;
            if (q->start < t->start)
                t->start = q->start;
            if (q->end > t->end)
                t->end = q->end;
        }
    }
    qsort(s->v, s->n, sizeof *s->v, cmp_slot);
    size_t at = s0;
    for (size_t i = 0; i < s->n; i++) {
        const slot *t = &s->v[i];
        if (t->start < at)
            continue;          /* a trigger slot that grew over the next one: not written */
        if (t->start > at)
            sl_add(s, a->text + at, t->start - at);
        char tag[128];
        int n;
        if (t->letter == 'n') {
            /* a candidate name stays a word (gaps between slots read it as
            ** one), marked before it with its number: U+E002, number, U+E003
            ** (a mark first lets PCRE2 look for that character alone) */
            n = snprintf(tag, sizeof tag, CAND_OPEN "%zu" CAND_CLOSE, i);
            sl_add(s, tag, (size_t)n);
            sl_add(s, a->text + t->start, t->end - t->start);
            at = t->end;
            continue;
        } else if (t->letter == 't') {
            n = snprintf(tag, sizeof tag, SLOT_OPEN "t");
            for (int c = 0; c < t->ncues; c++)
                n += snprintf(tag + n, sizeof tag - (size_t)n, "%s%zu", c ? "," : "", rule_index(x, cues[t->cues[c]].r));
            n += snprintf(tag + n, sizeof tag - (size_t)n, ".%zu" SLOT_CLOSE, i);
        } else {
            n = snprintf(tag, sizeof tag, SLOT_OPEN "%c%zu" SLOT_CLOSE, t->letter, i);
        }
        sl_add(s, tag, (size_t)n);
        at = t->end;
    }
    if (s1 > at)
        sl_add(s, a->text + at, s1 - at);
    if (!s->buf)
        sl_add(s, "", 0);
}

/* The slot a frame group holds: its number, or -1. */
static int slot_at(const slotted *s, const PCRE2_SIZE *ov, int g)
{
    if (g < 0)
        return -1;
    size_t p = ov[2 * g] + 3, e = ov[2 * g + 1];
    for (size_t q = ov[2 * g]; q + 3 <= e; q++)
        if (!memcmp(s->buf + q, CAND_OPEN, 3)) {
            p = q + 2;     /* a candidate word's mark: its number follows */
            break;
        }
    if (p < e && s->buf[p] == 't') {
        while (p < e && s->buf[p] != '.')
            p++;
    }
    p++;
    long v = 0;
    for (; p < e && s->buf[p] >= '0' && s->buf[p] <= '9'; p++)
        v = v * 10 + (s->buf[p] - '0');
    return v < (long)s->n ? (int)v : -1;
}

/* What the best frame match of one trigger gave: slot numbers per role. */
typedef struct fmatch {
    int score;                 /* 0: no frame matched */
    int subj, obj, amount, term, when;   /* slots, -1 when absent */
} fmatch;

static int role_weight(int role)
{
    return role == FR_SUBJECT || role == FR_AMOUNT ? 3 : role == FR_OBJECT ? 2 : 1;
}

/* Does slot t fill the role for predicate p? */
static int fits(const nc_extraction *ex, const slotted *s, int t, int role, const nc_predicate *p)
{
    if (t < 0)
        return 0;
    char l = s->v[t].letter;
    switch (role) {
    case FR_SUBJECT:
    case FR_OBJECT:
        return l == 'o' || l == 'r' || l == 'n';
    case FR_AMOUNT:
        if (l == 'd')
            return (p->kinds & (1u << NC_MENTION_DATE)) && can_date(&ex->mentions[s->v[t].mention]);
        if (l == 'c' && p->count_unit) {
            const nc_mention *m = &ex->mentions[s->v[t].mention];
            return m->kind == NC_MENTION_COUNT && !strcmp(m->unit, p->count_unit);
        }
        if (l == 'm' || l == 'c' || l == 'p' || l == 'u')
            return (p->kinds >> ex->mentions[s->v[t].mention].kind) & 1;
        return 0;
    case FR_TERM:
        return l == 'u' || (l == 'd' && serves(&ex->mentions[s->v[t].mention], NC_MENTION_DURATION));
    case FR_WHEN:
        return l == 'd' && can_date(&ex->mentions[s->v[t].mention]);
    }
    return 0;
}

/* Run the frames of every trigger rule that fired in the sentence; keep,
** per trigger cue, the match that fills the most (weighted) roles, the first
** frame written winning ties. best is indexed by cue. */
static void run_frames(const nc_extractor *x, const nc_extraction *ex, const cue *cues, size_t c0, size_t c1,
                       const slotted *s, pcre2_match_data *md, fmatch *best, size_t *limit_hits)
{
    uint32_t letters = 0;    /* the kinds of slot the sentence has (frame.need) */
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].letter >= 'a' && s->v[i].letter <= 'z')
            letters |= 1u << (s->v[i].letter - 'a');
    for (size_t k = c0; k < c1; k++) {
        const rule *r = cues[k].r;
        if (cues[k].kind != RK_TRIGGER || !r->n_frames)
            continue;
        int seen = 0;     /* this rule's frames already ran for an earlier cue */
        for (size_t j = c0; j < k && !seen; j++)
            seen = cues[j].kind == RK_TRIGGER && cues[j].r == r;
        if (seen)
            continue;
        const nc_predicate *p = nc_extractor_predicate(x, r->predicate);
        /* a predicate whose quantity is required makes no claim in a sentence
        ** without a quantity it takes: its frames need not run (claims_build
        ** drops such a match) */
        if (p && p->required) {
            int any = 0;
            for (size_t i = 0; i < s->n && !any; i++)
                any = fits(ex, s, (int)i, FR_AMOUNT, p) ||
                      (p->content == NC_MENTION_DATE && fits(ex, s, (int)i, FR_WHEN, p));
            if (!any)
                continue;
        }
        /* measuring aid (NEWSCLAIMS_PROFILE): frame time goes to its trigger rule */
        struct rule_prof *prof = NULL;
        struct timespec pt0;
        if (x->profile) {
            size_t base = 0;
            for (size_t si = 0; si < x->n_sets; si++) {
                if (r >= x->sets[si].rules && r < x->sets[si].rules + x->sets[si].n_rules) {
                    prof = &x->profile[base + (size_t)(r - x->sets[si].rules)];
                    break;
                }
                base += x->sets[si].n_rules;
            }
            clock_gettime(CLOCK_MONOTONIC, &pt0);
        }
        for (size_t fi = 0; fi < r->n_frames; fi++) {
            const frame *f = &r->frames[fi];
            int lacks = 0;       /* a slot every match holds, of a kind the sentence has not */
            for (int q = 0; q < f->n_need && !lacks; q++)
                lacks = !(f->need[q] & letters);
            if (lacks)
                continue;
            size_t off = 0;
            for (int guard = 0; guard < 64 && off < s->len; guard++) {
                int rc = f->jit ? pcre2_jit_match(f->code, (PCRE2_SPTR)s->buf, s->len, off, 0, md, x->mctx)
                                : pcre2_match(f->code, (PCRE2_SPTR)s->buf, s->len, off, PCRE2_NO_UTF_CHECK, md, x->mctx);
                if (prof)
                    prof->tries++;
                if (rc == PCRE2_ERROR_NOMATCH)
                    break;
                if (rc < 0) {
                    (*limit_hits)++;
                    break;
                }
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
                int ts = slot_at(s, ov, frame_group(f, FR_TRIGGER, ov, rc)), tcue = -1;
                for (int c = 0; ts >= 0 && c < s->v[ts].ncues; c++)
                    if (cues[s->v[ts].cues[c]].r == r)
                        tcue = s->v[ts].cues[c];
                if (tcue >= 0) {
                    fmatch m = { 0, -1, -1, -1, -1, -1 };
                    int *dst[] = { &m.subj, &m.obj, &m.amount, &m.term, &m.when };
                    for (int role = 0; role < FR_TRIGGER; role++) {
                        int t = slot_at(s, ov, frame_group(f, role, ov, rc));
                        if (fits(ex, s, t, role, p)) {
                            *dst[role] = t;
                            m.score += role_weight(role);
                        }
                    }
                    m.score += 1;     /* the trigger itself: a frame matched */
                    fmatch *b = &best[tcue];
                    if (m.score > b->score)
                        *b = m;
                }
                /* the next match may start inside this one (another trigger's) */
                off = ov[0] + 1;
                while (off < s->len && ((unsigned char)s->buf[off] & 0xC0) == 0x80)
                    off++;
            }
        }
        if (prof) {
            struct timespec pt1;
            clock_gettime(CLOCK_MONOTONIC, &pt1);
            prof->secs += (double)(pt1.tv_sec - pt0.tv_sec) + (double)(pt1.tv_nsec - pt0.tv_nsec) / 1e9;
        }
    }
}

/* A lone capitalised word that the article names elsewhere with evidence:
** the same name as a party ("Samsung" where "the group Samsung" or a
** repeat made it a name), a person's surname ("Buffett" after "Warren
** Buffett"), a word of a company's longer name ("Airbus" after "Airbus
** SE", "Kodak" after "Eastman Kodak Co"; any name's word of three
** letters or more, but a person's surname). Such a candidate may be what a
** reference stands for (as the party so named); a word that names two
** parties so is none. A word of a longer name is weak evidence ("Toyota"
** of "l'usine Toyota d'Onnaing", a plant): resolve_reference takes it only
** as the first party its sentence names, its topic ("Kodak said").
** Returns, per mention, the index j of the mention that establishes it,
** -2 - j where only a word of a longer name does, -1 if none; NULL if the
** article has no candidate (or out of memory: then no candidate counts).
** Sorting keeps it O(n log n) in the mentions. */
struct ekey {
    char key[64];
    int m;
    int weak;
};

static int cmp_ekey(const void *a, const void *b)
{
    const struct ekey *x = a, *y = b;
    int r = strcmp(x->key, y->key);
    return r ? r : x->weak != y->weak ? x->weak - y->weak : (x->m > y->m) - (x->m < y->m);
}

static int *establish_candidates(const nc_extractor *x, const nc_extraction *ex)
{
    size_t nc = 0;
    for (size_t i = 0; i < ex->n_mentions; i++)
        nc += is_candidate(&ex->mentions[i]);
    if (!nc)
        return NULL;
    int *est = malloc(ex->n_mentions * sizeof *est);
    struct ekey *k = malloc(ex->n_mentions * sizeof *k);
    if (!est || !k) {
        free(est);
        free(k);
        return NULL;
    }
    size_t nk = 0, capk = ex->n_mentions;
    for (size_t i = 0; i < ex->n_mentions; i++) {
        const nc_mention *m = &ex->mentions[i];
        est[i] = -1;
        if (!is_party(x, m) || is_candidate(m) || m->value[0] != '~')
            continue;
        const char *kind = party_kind(x, m), *v = m->value + 1;
        int is_pers = !strcmp(kind, "person");
        /* the keys: the name; a person's last word; each word of a
        ** other name of three letters or more (weak) */
        for (const char *w = v; *w;) {
            const char *e = strchr(w, '_');
            size_t len = e ? (size_t)(e - w) : strlen(w);
            int whole = w == v && !e;
            if (whole || (is_pers && !e) || (!is_pers && len >= 3)) {
                if (nk == capk) {
                    struct ekey *nkv = realloc(k, (capk *= 2) * sizeof *k);
                    if (!nkv) {
                        free(k);
                        free(est);
                        return NULL;
                    }
                    k = nkv;
                }
                if (len + 2 <= sizeof k[nk].key) {
                    snprintf(k[nk].key, sizeof k[nk].key, "~%.*s", (int)len, w);
                    k[nk].weak = !whole && !is_pers;
                    k[nk++].m = (int)i;
                }
            }
            w = e ? e + 1 : w + len;
        }
    }
    qsort(k, nk, sizeof *k, cmp_ekey);
    for (size_t i = 0; i < ex->n_mentions; i++) {
        const nc_mention *m = &ex->mentions[i];
        if (!is_candidate(m))
            continue;
        size_t lo = 0, hi = nk;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (strcmp(k[mid].key, m->value) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == nk || strcmp(k[lo].key, m->value))
            continue;
        int ambiguous = 0;
        for (size_t j = lo + 1; j < nk && !strcmp(k[j].key, m->value) && !ambiguous; j++)
            ambiguous = strcmp(ex->mentions[k[j].m].value, ex->mentions[k[lo].m].value) != 0;
        if (!ambiguous)
            est[i] = k[lo].weak ? -2 - k[lo].m : k[lo].m;   /* strong keys sort first */
    }
    free(k);
    return est;
}

/* Can a reference of this rule stand for mention m? A rule of unit
** "person" ("the billionaire", "le milliardaire") for a person; a rule of
** unit "company" ("the company", "l'entreprise", "der Konzern", "the
** airline") for what may be a company: the gazetteer's kind company, or a
** discovered name of kind company (a legal form, a company's role noun),
** organisation (an acronym, what a person heads: nothing says it is no
** company) or name, not a `body` (a union, a regulator, a court, a
** government: their role nouns' kind) nor a person; a rule with no unit for
** any organisation. Never a market index or a product, nor a medium. */
static int ref_fits(const nc_extractor *x, const rule *r, const char *kind)
{
    if (r->unit && !strcmp(r->unit, "person"))
        return !strcmp(kind, "person");
    if (!strcmp(kind, "person") || !strcmp(kind, "index") || !strcmp(kind, "product") || !strcmp(kind, "media"))
        return 0;
    (void)x;
    if (r->unit && !strcmp(r->unit, "company"))
        return !strcmp(kind, "company") || !strcmp(kind, "organisation") || !strcmp(kind, "name");
    return 1;
}

/* The party a reference ("the company", "l'entreprise", "der Konzern")
** stands for: the one its rule names, else the first party it may stand for
** (ref_fits) in the nearest sentence that names one before it, its own or
** up to three back (the sentence's topic rather than the last name). An
** earlier reference of the same unit in that window counts as a naming of
** the party it stood for, where it stands ("The company said ... The
** company added": one company), so refval holds the resolutions of the
** cues before q (NULL: none). A candidate name (a lone capitalised word)
** counts where the article establishes it (estab: the mention that names
** it with evidence elsewhere, -1 if none). NULL if none. */
static const char *resolve_reference(const nc_extractor *x, const nc_extraction *ex, const cue *cues, size_t qi,
                                     const char *const *refval, const int *estab, size_t m_end)
{
    const cue *q = &cues[qi];
    if (q->org[0])
        return q->org;
    /* the nearest sentence that names one; in it, the first named: the
    ** sentence's topic ("Despite Twitter's efforts to cut its Google Cloud
    ** costs, the company's deal" is Twitter's) */
    const char *found = NULL;
    size_t fsent = 0, fpos = 0;
    for (size_t i = m_end; i-- > 0;) {     /* from the end of the cue's sentence: linear per article */
        const nc_mention *m = &ex->mentions[i];
        if (m->start >= q->start)
            continue;
        if (m->sentence + 3 < q->sentence || (found && m->sentence != fsent))
            break;
        const nc_mention *p = m;
        if (is_candidate(m)) {
            if (!estab || estab[i] == -1)
                continue;
            if (estab[i] < -1) {     /* weak: only as its sentence's first party */
                int first = 1;
                for (size_t j = i; j-- > 0 && first && ex->mentions[j].sentence == m->sentence;)
                    first = !is_party(x, &ex->mentions[j]) || (is_candidate(&ex->mentions[j]) && estab[j] == -1);
                if (!first)
                    continue;
                p = &ex->mentions[-2 - estab[i]];
            } else {
                p = &ex->mentions[estab[i]];
            }
        }
        if (is_party(x, p) && !is_candidate(p) && ref_fits(x, q->r, party_kind(x, p))) {
            found = is_candidate(m) && estab[i] < -1 && strcmp(party_kind(x, p), "company") ? m->value : p->value;
            fsent = m->sentence;
            fpos = m->start;
        }
    }
    /* an earlier reference of the same unit, nearer or first in that sentence */
    for (size_t k = qi; refval && k-- > 0;) {
        const cue *c = &cues[k];
        if (c->sentence + 3 < q->sentence || (found && c->sentence < fsent))
            break;
        if (c->kind != RK_REFERENCE || !refval[k] || c->start >= q->start)
            continue;
        const char *u0 = c->r->unit ? c->r->unit : "", *u1 = q->r->unit ? q->r->unit : "";
        if (strcmp(u0, u1))
            continue;
        if (!found || c->sentence > fsent || c->start < fpos) {
            found = refval[k];
            fsent = c->sentence;
            fpos = c->start;
        }
    }
    return found;
}

/* The id a subject or object slot names, NULL if none; a candidate name so
** taken is marked used (kept as a mention). A reference's party was
** resolved with its sentence (refval). */
static const char *slot_party(const nc_extraction *ex, const slotted *s, int t, int *is_ref,
                              unsigned char *used, const char *const *refval)
{
    if (t < 0)
        return NULL;
    if (s->v[t].letter == 'r') {
        *is_ref = 1;
        return refval[s->v[t].cue];
    }
    used[s->v[t].mention] = 1;
    return ex->mentions[s->v[t].mention].value;
}

/* Candidate names no claim took are no mentions: drop them, and renumber
** the claims' mention indices. A candidate taken becomes a name. */
static void drop_candidates(nc_extraction *ex, nc_claim *claims, size_t n_claims, const unsigned char *used)
{
    size_t k = 0;
    int *map = malloc((ex->n_mentions ? ex->n_mentions : 1) * sizeof *map);
    if (!map)
        return;    /* out of memory: the candidates stay, marked as such */
    for (size_t i = 0; i < ex->n_mentions; i++) {
        nc_mention *m = &ex->mentions[i];
        if (is_candidate(m) && !used[i]) {
            map[i] = -1;
            continue;
        }
        if (is_candidate(m))
            snprintf(m->unit, sizeof m->unit, "name");
        map[i] = (int)k;
        ex->mentions[k++] = *m;
    }
    for (size_t c = 0; c < n_claims; c++) {
        nc_claim *cl = &claims[c];
        if (cl->amount >= 0)
            cl->amount = map[cl->amount];
        if (cl->duration >= 0)
            cl->duration = map[cl->duration];
        if (cl->date >= 0)
            cl->date = map[cl->date];
    }
    ex->n_mentions = k;
    free(map);
}

static void date_claim(const nc_article *a, const nc_extraction *ex, size_t m0, size_t m1, const unsigned char *is_content,
                       size_t t0, size_t t1, nc_claim *c)
{
    if (c->event_date[0])
        return;
    int di = -1;
    size_t dd = (size_t)-1;
    for (size_t i = m0; i < m1; i++) {
        const nc_mention *m = &ex->mentions[i];
        if (!can_date(m) || is_content[i])
            continue;
        int after;
        size_t d = distance(t0, t1, m->start, m->end, &after);
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

#define SOLE_WINDOW 8

/* The quantity a list coordinates with slot qi's, one claim each ("a drop
** of 3 % in the first half and of 31 % in the second", "losses of 57 mln
** dlrs for the quarter and 68 mln dlrs for the year", "14 euros in 2011,
** 21 euros in 2010 and 15 euros in 2009"): the next slot of the same
** letter (money of the same currency, a count of the same unit) where the
** words between are a word of the `coord` lexicon ("and", "et", "und"), or
** a comma right before the quantity, with only dates and words of
** `coordfill` (prepositions, articles, qualifiers: "for the", "de", "um")
** around it, at most COORD_WORDS of them on each side; nothing else
** between: no trigger, party, reference, other quantity, verb or bracket
** ("1.05 billion stg and gave 90 mln stg assistance", "12.2 mln dlrs and
** will record a gain of 2.9 mln" are other facts). Its slot index, or -1. */
#define COORD_WORDS 3
static int coordinated(const ruleset *rs, const nc_article *a, const nc_extraction *ex, const slotted *s, size_t qi)
{
    const lexicon *coord = lex_find(rs, "coord"), *fill = lex_find(rs, "coordfill");
    if (!coord)
        return -1;
    const slot *q = &s->v[qi];
    const nc_mention *qm = &ex->mentions[q->mention];
    size_t pos = q->end;
    int before = 0, after = 0, joined = 0, comma = 0;   /* words before and after the joining word */
    for (size_t j = qi + 1; j < s->n; j++) {
        const slot *v = &s->v[j];
        if (v->start < pos)
            continue;
        for (size_t i = pos; i < v->start;) {
            unsigned char ch = (unsigned char)a->text[i];
            if (ch == ',') {
                if (joined)
                    return -1;            /* "and ..., N": another clause */
                comma = 1;
                i++;
                continue;
            }
            if (ch == ' ' || ch == '\t') {
                i++;
                continue;
            }
            if (!(ch >= 0x80 || isalnum(ch) || ch == '\'' || ch == '-'))
                return -1;                /* a clause or a bracket ends the list */
            size_t e = i;
            while (e < v->start && ((unsigned char)a->text[e] >= 0x80 || isalnum((unsigned char)a->text[e]) ||
                                    a->text[e] == '\'' || a->text[e] == '-' || a->text[e] == '.'))
                e++;
            while (e > i + 1 && a->text[e - 1] == '.')
                e--;                      /* "vs." keeps its point; a sentence's does not come here */
            if (!joined && lex_value(coord, a->text + i, e - i)) {
                joined = 1;
                comma = 0;
            } else if (lex_value(fill, a->text + i, e - i) && !comma) {
                int *n = joined ? &after : &before;
                if (++*n > COORD_WORDS)
                    return -1;
            } else {
                return -1;                /* a word of another fact */
            }
            i = e;
        }
        if (v->letter == 'd') {           /* a date between: "57 mln dlrs for the fourth quarter and" */
            if (comma && !joined)
                return -1;
            pos = v->end;
            continue;
        }
        if (v->letter != q->letter || v->mention < 0 || !(joined || comma))
            return -1;
        const nc_mention *m = &ex->mentions[v->mention];
        if ((m->kind == NC_MENTION_MONEY || m->kind == NC_MENTION_COUNT) && strcmp(m->unit, qm->unit))
            return -1;
        return (int)j;
    }
    return -1;
}

int claims_build(const nc_extractor *x, const ruleset *rs, const nc_article *a,
                 nc_extraction *ex, const cue *cues, size_t n_cues, nc_error *err)
{
    claims_out o = { 0 };
    slotted sl = { 0 };
    size_t nm = ex->n_mentions ? ex->n_mentions : 1;
    unsigned char *taken = calloc(nm, 1);           /* serves some claim */
    unsigned char *is_content = calloc(nm, 1);      /* a date that is a claim's content */
    unsigned char *used = calloc(nm, 1);            /* a candidate name a claim took */
    fmatch *best = malloc((n_cues ? n_cues : 1) * sizeof *best);
    const char **refval = calloc(n_cues ? n_cues : 1, sizeof *refval);   /* what each reference stands for */
    int *estab = establish_candidates(x, ex);   /* candidates the article establishes */
    pcre2_match_data *md = pcre2_match_data_create(64, NULL);
    if (!taken || !is_content || !used || !best || !refval || !md) {
        free(refval);
        free(estab);
        free(taken);
        free(is_content);
        free(used);
        free(best);
        if (md)
            pcre2_match_data_free(md);
        return nc_error_set(err, NC_E_NOMEM, a->path, "out of memory");
    }
    /* Mentions and cues are sorted by position, so each sentence owns a
    ** contiguous range of both: everything below works inside one sentence
    ** (a reference looks a few sentences back), which keeps the whole linear
    ** in the article's length. */
    size_t M0 = 0, M1 = 0, C0 = 0, C1 = 0;
    /* The one party the article has named so far that a company reference
    ** may stand for (its topic, "Payless Cashways Inc said ... The company
    ** acquired", five sentences on): a company reference with none in its
    ** three sentences stands for it, up to SOLE_WINDOW sentences after it
    ** was last named (or referred to), unless another such party was
    ** named before. Only where the language's capitalised names are found
    ** (parties_names: French, English): in German many a company's name is
    ** no party, and the one that is may be a common noun taken for one. */
    const char *sole = NULL;
    int many = !parties_names(rs);     /* none, or more than one: no fallback */
    size_t sole_last = 0;              /* the last sentence that named it */
    rule company_ref;
    memset(&company_ref, 0, sizeof company_ref);
    company_ref.unit = (char *)"company";
    struct timespec ts0;
    clock_gettime(CLOCK_MONOTONIC, &ts0);
    int over_budget = 0;
    for (size_t si = 0; si < a->n_sentences && !o.is_oom && !sl.is_oom; si++) {
    /* the article's time budget bounds frames too: past it, a long article's
    ** last sentences keep their mentions and make bare claims only */
    if (!over_budget && (si & 255) == 255) {
        struct timespec ts1;
        clock_gettime(CLOCK_MONOTONIC, &ts1);
        if ((double)(ts1.tv_sec - ts0.tv_sec) + (double)(ts1.tv_nsec - ts0.tv_nsec) / 1e9 > x->opts.time_budget) {
            over_budget = 1;
            ex->limit_hits++;
        }
    }
    M0 = M1;
    while (M1 < ex->n_mentions && ex->mentions[M1].sentence == si)
        M1++;
    C0 = C1;
    while (C1 < n_cues && cues[C1].sentence == si)
        C1++;
    /* the references of the sentence, in order: each may stand for what
    ** an earlier one stood for; one in apposition to a name ("Dupont SA, le
    ** fabricant lyonnais,") says something about it and stands for nothing */
    for (size_t t = C0; t < C1; t++) {
        if (cues[t].kind != RK_REFERENCE || apposition(x, a, ex, M0, M1, &cues[t]))
            continue;
        refval[t] = resolve_reference(x, ex, cues, t, refval, estab, M1);
        int is_co = cues[t].r->unit && !strcmp(cues[t].r->unit, "company");
        if (!refval[t] && is_co && sole && !many && si <= sole_last + SOLE_WINDOW)
            refval[t] = sole;
        if (refval[t] && is_co) {
            if (!sole)
                sole = refval[t];
            many |= strcmp(sole, refval[t]) != 0;
            sole_last = si;
        }
    }
    for (size_t i = M0; i < M1; i++) {
        const nc_mention *m = &ex->mentions[i];
        if (is_party(x, m) && !is_candidate(m) && ref_fits(x, &company_ref, party_kind(x, m))) {
            if (!sole)
                sole = m->value;
            many |= strcmp(sole, m->value) != 0;
            sole_last = si;
        }
    }
    int has_trigger = 0;
    for (size_t t = C0; t < C1; t++) {
        best[t] = (fmatch){ 0, -1, -1, -1, -1, -1 };
        has_trigger |= cues[t].kind == RK_TRIGGER && cues[t].r->n_frames;
    }
    if (over_budget)
        has_trigger = 0;
    if (has_trigger) {
        slot_sentence(x, a, ex, M0, M1, cues, C0, C1, a->sentences[si].start, a->sentences[si].end, &sl);
        if (sl.is_oom)
            break;
        if (getenv("NEWSCLAIMS_SLOTS"))   /* for rule writers: the text frames see */
            fprintf(stderr, "slots: %s\n", sl.buf);
        run_frames(x, ex, cues, C0, C1, &sl, md, best, &ex->limit_hits);
        for (size_t t = C0; t < C1; t++) {
            if (!best[t].score)
                continue;
            const nc_predicate *p = nc_extractor_predicate(x, cues[t].r->predicate);
            int q = best[t].amount >= 0 ? best[t].amount : p->content == NC_MENTION_DATE ? best[t].when : -1;
            if (q >= 0 && sl.v[q].letter == 'd')
                is_content[sl.v[q].mention] = 1;   /* a date that is a claim's content dates nothing else */
            if (best[t].term >= 0 && sl.v[best[t].term].letter == 'd')
                is_content[sl.v[best[t].term].mention] = 1;
        }
    }
    size_t first_claim = o.n;
    for (size_t t = C0; t < C1 && has_trigger; t++) {
        const cue *tc = &cues[t];
        const fmatch *fm = &best[t];
        if (tc->kind != RK_TRIGGER || !fm->score)
            continue;     /* a trigger without its frame makes no claim */
        const nc_predicate *pred = nc_extractor_predicate(x, tc->r->predicate);
        int qslot = fm->amount;
        if (qslot < 0 && pred->content == NC_MENTION_DATE)
            qslot = fm->when;
        int qm = qslot >= 0 ? sl.v[qslot].mention : -1;
        if (qm < 0 && pred->required)
            continue;
        int subj_ref = 0, obj_ref = 0;
        const char *subj = slot_party(ex, &sl, fm->subj, &subj_ref, used, refval);
        const char *obj = slot_party(ex, &sl, fm->obj, &obj_ref, used, refval);
        /* one party in both roles: the one a reference gave is the wrong one
        ** ("le site de St Athan acquis par le constructeur": the maker is
        ** not St Athan); else the object goes */
        if (obj && subj && !strcmp(obj, subj)) {
            if (subj_ref && !obj_ref)
                subj = NULL;
            else
                obj = NULL;
        }
        /* one fact stated once: the same predicate, parties and quantity */
        int dup = 0;
        for (size_t k = first_claim; k < o.n && !dup; k++) {
            const nc_claim *d = &o.v[k];
            int dq = d->amount >= 0 ? d->amount : d->duration >= 0 ? d->duration : d->date;
            dup = !strcmp(d->predicate, pred->name) && !strcmp(d->subject, subj ? subj : "") && dq == qm;
        }
        if (dup)
            continue;
        nc_claim *c = new_claim(&o);
        if (!c)
            break;
        c->sentence = tc->sentence;
        c->rule = tc->r->id;
        snprintf(c->predicate, sizeof c->predicate, "%s", pred->name);
        if (subj)
            snprintf(c->subject, sizeof c->subject, "%s", subj);
        if (obj)
            snprintf(c->object, sizeof c->object, "%s", obj);
        if (tc->name_end > tc->name_start) {
            size_t n = tc->name_end - tc->name_start;
            if (n >= sizeof c->object_text)
                n = sizeof c->object_text - 1;
            memcpy(c->object_text, a->text + tc->name_start, n);
            c->object_text[n] = 0;
        }
        double conf = subj ? (subj_ref ? 0.8 : 0.9) : 0.6;
        if (qm >= 0) {
            taken[qm] = 1;
            const nc_mention *m = &ex->mentions[qm];
            if (m->kind == NC_MENTION_DATE && pred->content == NC_MENTION_DATE)
                set_date(ex, qm, c);
            else if (m->kind == NC_MENTION_DURATION)
                c->duration = qm;
            else
                c->amount = qm;
        }
        if (fm->term >= 0 && c->duration < 0) {
            c->duration = sl.v[fm->term].mention;
            taken[c->duration] = 1;
        }
        if (fm->when >= 0 && !c->event_date[0])
            set_date(ex, sl.v[fm->when].mention, c);
        date_claim(a, ex, M0, M1, is_content, tc->start, tc->end, c);
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
        c->confidence = conf;
    }
    /* a list of quantities after a claim's one: a claim each, with the
    ** claim's parties and the date nearest each ("baisse de 3 % au premier
    ** semestre et de 31 % au second") */
    for (size_t k = first_claim; k < o.n && has_trigger && !o.is_oom; k++) {
        if (o.v[k].amount < 0)
            continue;
        size_t qi = 0;
        while (qi < sl.n && sl.v[qi].mention != o.v[k].amount)
            qi++;
        if (qi == sl.n)
            continue;
        int j = coordinated(rs, a, ex, &sl, qi);
        if (j < 0 || taken[sl.v[j].mention])
            continue;
        nc_claim src = o.v[k];
        nc_claim *c = new_claim(&o);
        if (!c)
            break;
        c->sentence = src.sentence;
        c->rule = src.rule;
        memcpy(c->predicate, src.predicate, sizeof c->predicate);
        memcpy(c->subject, src.subject, sizeof c->subject);
        memcpy(c->object, src.object, sizeof c->object);
        memcpy(c->object_text, src.object_text, sizeof c->object_text);
        memcpy(c->source, src.source, sizeof c->source);
        c->is_hedged = src.is_hedged;
        c->is_negated = src.is_negated;
        c->confidence = src.confidence - 0.05;
        c->amount = sl.v[j].mention;
        taken[c->amount] = 1;
        const nc_mention *m = &ex->mentions[c->amount];
        date_claim(a, ex, M0, M1, is_content, m->start, m->end, c);
    }
    /* every quantity no frame took is a bare claim of its kind, with no
    ** guessed party */
    for (size_t i = M0; i < M1 && !o.is_oom; i++) {
        const nc_mention *m = &ex->mentions[i];
        if (taken[i] || (m->flags & (NC_MF_UNQUANTIFIED | NC_MF_CONTEXT)))
            continue;
        const nc_predicate *bare = nc_extractor_bare_predicate(x, m->kind);
        if (!bare)
            continue;
        nc_claim *c = new_claim(&o);
        if (!c)
            break;
        c->sentence = m->sentence;
        c->amount = (int)i;
        c->rule = m->rule;
        snprintf(c->predicate, sizeof c->predicate, "%s", bare->name);
        date_claim(a, ex, M0, M1, is_content, m->start, m->end, c);
        for (size_t k = C0; k < C1; k++)
            if (cues[k].kind == RK_ATTRIBUTION && cues[k].org[0] && !c->source[0])
                snprintf(c->source, sizeof c->source, "%s", cues[k].org);
            else if (cues[k].kind == RK_HEDGE)
                c->is_hedged = 1;
        c->confidence = 0.3;
    }
    }   /* sentences */
    int oom = o.is_oom || sl.is_oom;
    if (!oom)
        drop_candidates(ex, o.v, o.n, used);
    free(used);
    free(taken);
    free(is_content);
    free(best);
    free(refval);
    free(estab);
    free(sl.buf);
    free(sl.v);
    pcre2_match_data_free(md);
    if (oom) {
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
