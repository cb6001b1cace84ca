/*
** extract.c — run the compiled rules over an article, sentence by sentence.
**
** Each rule runs over each sentence (the subject ends at the sentence end,
** so no match crosses it; look-behind may see the text before). Matches of
** mention rules become candidate mentions with values (values.c); the other
** rules give cues for claim building (claims.c). Overlapping candidates are
** resolved longest first, then by rule order in the file, then leftmost.
**
** Limits: one PCRE2 match context for the extractor carries the match and
** depth limits (read-only, so threads may share it). JIT code then runs on
** PCRE2's default 32 KiB JIT stack; a pattern that needs more fails with a
** limit error instead of growing. Any limit error skips that rule for that
** sentence and is counted in limit_hits; a time budget per article stops
** matching altogether when exceeded (counted too).
*/
#include "extract_int.h"
#include <ctype.h>
#include <pthread.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <unicode/utf16.h>
#include <unicode/unorm2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct scratch_pool *scratch_pool_new(void);
static void scratch_pool_free(const nc_extractor *x, struct scratch_pool *p);

const char *nc_mention_kind_name(nc_mention_kind k)
{
    static const char *const n[] = { "money", "percent", "count", "date", "duration", "org", "number" };
    return (unsigned)k < NC_MENTION_KIND_COUNT ? n[k] : "?";
}

nc_extract_opts nc_extract_default_opts(void)
{
    nc_extract_opts o;
    memset(&o, 0, sizeof o);
    o.rules_dir = "extract/rules";
    o.match_limit = 200000;
    o.depth_limit = 2000;
    o.time_budget = 10.0;
    o.no_jit = getenv("NEWSCLAIMS_NO_JIT") != NULL;
    return o;
}

nc_extractor *nc_extractor_new(const nc_extract_opts *opts, nc_error *err)
{
    nc_extractor *x = calloc(1, sizeof *x);
    if (!x) {
        nc_error_set(err, NC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    x->opts = opts ? *opts : nc_extract_default_opts();
    if (!x->opts.rules_dir)
        x->opts.rules_dir = "extract/rules";
    if (!x->opts.match_limit)
        x->opts.match_limit = 200000;
    if (!x->opts.depth_limit)
        x->opts.depth_limit = 2000;
    if (x->opts.time_budget <= 0)
        x->opts.time_budget = 10.0;
    x->rules_dir = malloc(strlen(x->opts.rules_dir) + 1);
    if (!x->rules_dir) {
        nc_error_set(err, NC_E_NOMEM, NULL, "out of memory");
        goto fail;
    }
    strcpy(x->rules_dir, x->opts.rules_dir);
    x->opts.rules_dir = x->rules_dir;
    x->no_anchor = getenv("NEWSCLAIMS_NO_ANCHOR") != NULL;   /* before the rules: it decides which code is JIT-compiled */
    /* the gazetteer first: rules refer to it as {orgs} */
    if (orgs_load(x, err) != NC_OK || predicates_load(x, err) != NC_OK || rules_load_all(x, err) != NC_OK)
        goto fail;
    x->mctx = pcre2_match_context_create(NULL);
    if (!x->mctx) {
        nc_error_set(err, NC_E_NOMEM, NULL, "out of memory");
        goto fail;
    }
    pcre2_set_match_limit(x->mctx, x->opts.match_limit);
    pcre2_set_depth_limit(x->mctx, x->opts.depth_limit);
    if (!(x->pool = scratch_pool_new())) {
        nc_error_set(err, NC_E_NOMEM, NULL, "out of memory");
        goto fail;
    }
    if (getenv("NEWSCLAIMS_PROFILE")) {
        for (size_t s = 0; s < x->n_sets; s++)
            x->n_profile += x->sets[s].n_rules;
        x->profile = calloc(x->n_profile ? x->n_profile : 1, sizeof *x->profile);
    }
    return x;
fail:
    nc_extractor_free(x);
    return NULL;
}

void nc_extractor_free(nc_extractor *x)
{
    if (!x)
        return;
    if (x->mctx)
        pcre2_match_context_free(x->mctx);
    scratch_pool_free(x, x->pool);
    free(x->profile);
    rules_free_all(x);
    orgs_free(x);
    predicates_free(x);
    free(x->rules_dir);
    free(x);
}

int nc_extractor_has_lang(const nc_extractor *x, const char *lang)
{
    return lang && ruleset_find(x, lang) != NULL;
}

void nc_extraction_free(nc_extraction *e)
{
    if (!e)
        return;
    free(e->mentions);
    free(e->claims);
    memset(e, 0, sizeof *e);
}

/* ------------------------------------------------------------- matching */

typedef struct cand {
    nc_mention m;
    size_t order;     /* rule index: earlier rules win ties */
} cand;

typedef struct tok {
    size_t pos;
    uint64_t hash;
    int is_digit;
    uint64_t mask[NC_ANCHOR_WORDS];   /* the rules anchored here (anchor_mask) */
} tok;

typedef struct work {
    cand *c;
    size_t n, cap;
    cue *q;
    size_t nq, capq;
    int is_oom;
    tok *t;                /* the tokens of the current sentence (anchored rules, needs) */
    size_t nt, capt;
    /* by rule: rule i (< NC_ANCHOR_BITS) may start at the tokens
    ** byrule[first[i] .. first[i + 1]), indexes into t in text order; a rule
    ** is tried at its own tokens, not tested against every token of the sentence */
    uint32_t first[NC_ANCHOR_BITS + 1];
    uint32_t *byrule;
    size_t capbr;
    uint64_t present[NC_ANCHOR_WORDS];   /* rules whose "needs" a token of the sentence meets */
    struct tok_memo *memo;  /* TOK_MEMO slots, allocated at the first sentence tokenized */
} work;

/* What tokenize found for a word it met before (the same rule set, the same
** folded hash and length): the rules anchored at it, prefixes included, and
** the rules whose needs it meets. Words repeat (a Zipf law: a few thousand
** make most of a text), so most tokens are looked up here once instead of
** in one anchor table and one needs table per prefix length. Direct-mapped;
** kept with the scratch from one article to the next. */
#define TOK_MEMO 4096
struct tok_memo {
    const ruleset *rs;      /* NULL: empty */
    uint64_t hash;
    size_t len;
    uint64_t anchors[NC_ANCHOR_WORDS];
    uint64_t needs[NC_ANCHOR_WORDS];
};

/* What one extraction needs beside its results, kept from one article to
** the next: the match data, a value context per rule set with its ICU
** number formatters open (unum_open was 2% of a run on English, once per
** article), and the work arrays. extract_kinds takes one from the
** extractor's pool and gives it back, so threads sharing an extractor each
** hold their own while they extract; the pool holds as many as ever ran at
** once. Each keeps the arrays its articles needed, up to
** SCRATCH_KEEP_BYTES each. */
typedef struct scratch {
    struct scratch *next;
    pcre2_match_data *md;
    value_ctx *vcs;        /* one per rule set */
    work w;                /* counts reset per article, buffers kept */
} scratch;

struct scratch_pool {
    pthread_mutex_t lock;
    scratch *free_list;
};

static struct scratch_pool *scratch_pool_new(void)
{
    struct scratch_pool *p = calloc(1, sizeof *p);
    if (p && pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

static void scratch_free(const nc_extractor *x, scratch *sc)
{
    if (!sc)
        return;
    if (sc->vcs)
        for (size_t i = 0; i < x->n_sets; i++)
            value_ctx_free(&sc->vcs[i]);
    free(sc->vcs);
    if (sc->md)
        pcre2_match_data_free(sc->md);
    free(sc->w.c);
    free(sc->w.q);
    free(sc->w.t);
    free(sc->w.byrule);
    free(sc->w.memo);
    free(sc);
}

static void scratch_pool_free(const nc_extractor *x, struct scratch_pool *p)
{
    if (!p)
        return;
    while (p->free_list) {
        scratch *sc = p->free_list;
        p->free_list = sc->next;
        scratch_free(x, sc);
    }
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* A scratch from the pool, or a new one; NULL out of memory. Its value
** contexts are set for article a. */
static scratch *scratch_take(const nc_extractor *x, const nc_article *a)
{
    struct scratch_pool *p = x->pool;
    pthread_mutex_lock(&p->lock);
    scratch *sc = p->free_list;
    if (sc)
        p->free_list = sc->next;
    pthread_mutex_unlock(&p->lock);
    if (!sc) {
        if (!(sc = calloc(1, sizeof *sc)))
            return NULL;
        sc->md = pcre2_match_data_create(64, NULL);
        sc->vcs = calloc(x->n_sets ? x->n_sets : 1, sizeof *sc->vcs);
        if (!sc->md || !sc->vcs) {
            scratch_free(x, sc);
            return NULL;
        }
        for (size_t i = 0; i < x->n_sets; i++)
            value_ctx_init(&sc->vcs[i], &x->sets[i], a);
    }
    for (size_t i = 0; i < x->n_sets; i++)
        value_ctx_reset(&sc->vcs[i], a);
    work *w = &sc->w;
    w->n = w->nq = w->nt = 0;
    w->is_oom = 0;
    return sc;
}

/* Past this, an array a long article grew is freed when the scratch is
** given back rather than kept for the rest of the run. */
#define SCRATCH_KEEP_BYTES (1u << 20)

/* p (*cap elements of size bytes), or NULL with *cap 0 once it is freed
** for having grown past SCRATCH_KEEP_BYTES. */
static void *shrink(void *p, size_t *cap, size_t size)
{
    if (*cap * size <= SCRATCH_KEEP_BYTES)
        return p;
    free(p);
    *cap = 0;
    return NULL;
}

static void scratch_give(const nc_extractor *x, scratch *sc)
{
    work *w = &sc->w;
    w->c = shrink(w->c, &w->cap, sizeof *w->c);
    w->q = shrink(w->q, &w->capq, sizeof *w->q);
    w->t = shrink(w->t, &w->capt, sizeof *w->t);
    w->byrule = shrink(w->byrule, &w->capbr, sizeof *w->byrule);
    struct scratch_pool *p = x->pool;
    pthread_mutex_lock(&p->lock);
    sc->next = p->free_list;
    p->free_list = sc;
    pthread_mutex_unlock(&p->lock);
}

/* Where anchored rules may start in text[s0, s1): the tokens token_at
** finds one after the other (an ASCII digit that does not follow another,
** each run of letters, split where a capital follows a small letter, every
** other non-space character). A rule anchored at digits is tried where a
** run of digits begins, not at each digit of "2023": every rule that starts
** with a number bounds it on the left, and t_extract_anchors_change_nothing
** checks that on corpus-bench. */
static int tokenize(work *w, const ruleset *rs, const char *text, size_t s0, size_t s1)
{
    w->nt = 0;
    memset(w->present, 0, sizeof w->present);
    if (!w->memo && !(w->memo = calloc(TOK_MEMO, sizeof *w->memo)))
        return 0;
    size_t i = s0;
    while (i < s1) {
        uint64_t h, amask[NC_ANCHOR_WORDS];
        int dig;
        size_t n = token_at_pre(text + i, s1 - i, &h, &dig, NULL, 0, NULL, NULL);
        if (!n) {                      /* white space: the next code point */
            i++;
            while (i < s1 && ((unsigned char)text[i] & 0xC0) == 0x80)
                i++;
            continue;
        }
        if (dig) {
            needs_mask(rs, h, dig, NULL, w->present);
            anchor_mask(rs, h, dig, amask);
        } else {
            struct tok_memo *e = &w->memo[(h ^ (h >> 32)) & (TOK_MEMO - 1)];
            if (e->rs != rs || e->hash != h || e->len != n) {
                /* first met (or pushed out): the prefixes' hashes and the tables */
                uint64_t pre[NC_MAX_PREFIX_LENS];
                token_at_pre(text + i, s1 - i, &h, &dig, rs->pre_len, rs->n_pre_len, pre, NULL);
                e->rs = rs;
                e->hash = h;
                e->len = n;
                memset(e->needs, 0, sizeof e->needs);
                needs_mask(rs, h, dig, pre, e->needs);
                anchor_mask(rs, h, dig, e->anchors);
                for (int k = 0; k < rs->n_pre_len; k++)
                    anchor_mask_prefix(rs, pre[k], rs->pre_len[k], e->anchors);
            }
            for (int k = 0; k < NC_ANCHOR_WORDS; k++)
                w->present[k] |= e->needs[k];
            memcpy(amask, e->anchors, sizeof amask);
        }
        if (dig && i > s0 && text[i - 1] >= '0' && text[i - 1] <= '9') {
            i += n;                    /* inside a run of digits: no rule starts there */
            continue;
        }
        if (w->nt == w->capt) {
            size_t cap = w->capt ? w->capt * 2 : 64;
            tok *v = realloc(w->t, cap * sizeof *v);
            if (!v)
                return 0;
            w->t = v;
            w->capt = cap;
        }
        tok *t = &w->t[w->nt++];
        t->pos = i;
        t->hash = h;
        t->is_digit = dig;
        memcpy(t->mask, amask, sizeof t->mask);
        i += n;
    }
    /* the tokens of each rule: counted, then placed in text order */
    memset(w->first, 0, sizeof w->first);
    size_t total = 0;
    for (size_t ti = 0; ti < w->nt; ti++)
        for (int k = 0; k < NC_ANCHOR_WORDS; k++)
            for (uint64_t m = w->t[ti].mask[k]; m; m &= m - 1) {
                w->first[k * 64 + __builtin_ctzll(m) + 1]++;
                total++;
            }
    if (total > w->capbr) {
        size_t cap = w->capbr ? w->capbr : 256;
        while (cap < total)
            cap *= 2;
        uint32_t *v = realloc(w->byrule, cap * sizeof *v);
        if (!v)
            return 0;
        w->byrule = v;
        w->capbr = cap;
    }
    for (size_t b = 0; b < NC_ANCHOR_BITS; b++)
        w->first[b + 1] += w->first[b];
    uint32_t fill[NC_ANCHOR_BITS];
    memcpy(fill, w->first, sizeof fill);
    for (size_t ti = 0; ti < w->nt; ti++)
        for (int k = 0; k < NC_ANCHOR_WORDS; k++)
            for (uint64_t m = w->t[ti].mask[k]; m; m &= m - 1)
                w->byrule[fill[k * 64 + __builtin_ctzll(m)]++] = (uint32_t)ti;
    return 1;
}

static cand *push_cand(work *w)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        cand *v = realloc(w->c, cap * sizeof *v);
        if (!v) {
            w->is_oom = 1;
            return NULL;
        }
        w->c = v;
        w->cap = cap;
    }
    return &w->c[w->n++];
}

static cue *push_cue(work *w)
{
    if (w->nq == w->capq) {
        size_t cap = w->capq ? w->capq * 2 : 32;
        cue *v = realloc(w->q, cap * sizeof *v);
        if (!v) {
            w->is_oom = 1;
            return NULL;
        }
        w->q = v;
        w->capq = cap;
    }
    cue *c = &w->q[w->nq++];
    memset(c, 0, sizeof *c);
    return c;
}

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    size_t lx = x->m.end - x->m.start, ly = y->m.end - y->m.start;
    if (lx != ly)
        return lx > ly ? -1 : 1;
    /* equally long and overlapping: the rule written first in the file wins */
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return x->m.start < y->m.start ? -1 : x->m.start > y->m.start;
}

static int cmp_mention_start(const void *a, const void *b)
{
    const nc_mention *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

static int cmp_cue(const void *a, const void *b)
{
    const cue *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "~" + a name as written, spaces as '_', a final period dropped, accents
** folded ("Crédit Suisse" and "Credit Suisse" are "~Credit_Suisse"): the id
** of an organisation found outside the gazetteer ("~Acme_Robotics_Inc"). */
void discovered_id(const char *s, size_t n, char *out, size_t size)
{
    size_t k = 0;
    out[k++] = '~';
    int sp = 0;
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
    if (U_FAILURE(st))
        nfd = NULL;
    for (int32_t i = 0; (size_t)i < n && k + 2 < size;) {
        UChar32 c;
        U8_NEXT((const uint8_t *)s, i, (int32_t)n, c);
        if (c == ' ' || c == '\n' || c == 0xA0) {
            sp = 1;
            continue;
        }
        if (sp && k > 1)
            out[k++] = '_';
        sp = 0;
        UChar d[8];
        int32_t nd = 0;
        if (c >= 0x80 && nfd)
            nd = unorm2_getDecomposition(nfd, c, d, 8, &st);
        if (nd <= 0 || U_FAILURE(st)) {
            st = U_ZERO_ERROR;
            d[0] = 0;
            nd = 0;
        }
        /* the code point, or its decomposition without its marks */
        UChar32 cps[8];
        int32_t ncp = 0;
        if (nd > 0) {
            for (int32_t j = 0; j < nd && ncp < 8;) {
                UChar32 e;
                U16_NEXT(d, j, nd, e);
                if (u_charType(e) != U_NON_SPACING_MARK)
                    cps[ncp++] = e;
            }
        } else if (c >= 0 && u_charType(c) != U_NON_SPACING_MARK) {
            cps[ncp++] = c;
        }
        for (int32_t j = 0; j < ncp; j++) {
            if (k + U8_LENGTH(cps[j]) + 1 >= size)
                break;
            U8_APPEND_UNSAFE(out, k, cps[j]);
        }
    }
    while (k > 1 && (out[k - 1] == '.' || out[k - 1] == ','))
        k--;
    out[k] = 0;
}

/* The org id for the "name" group (or the whole match) of an org-bearing rule. */
static const nc_org *match_org(const nc_extractor *x, const ruleset *rs, const rule *r,
                               const char *text, const PCRE2_SIZE *ov, int rc)
{
    int g = role_group(r, r->kind == RK_ATTRIBUTION ? G_SRC : G_NAME, ov, rc);
    size_t s = g > 0 ? ov[2 * g] : ov[0], e = g > 0 ? ov[2 * g + 1] : ov[1];
    return org_by_alias(x, rs->lang, text + s, e - s);
}

/* One match attempt: JIT-compiled code through pcre2_jit_match, the fast
** path that skips pcre2_match's checks (the text is valid UTF-8, checked at
** ingest; the match context's limits still hold), else the interpreter. */
static int match_at(const pcre2_code *code, int jit, const char *text, size_t end, size_t at,
                    pcre2_match_data *md, pcre2_match_context *mctx)
{
    if (jit)
        return pcre2_jit_match(code, (PCRE2_SPTR)text, end, at, 0, md, mctx);
    return pcre2_match(code, (PCRE2_SPTR)text, end, at, PCRE2_NO_UTF_CHECK, md, mctx);
}

/* The rules for sentence si: a sentence of a paragraph in another language
** gets that language's, when there are rules for it. */
static const ruleset *sentence_rules(const nc_extractor *x, const ruleset *article_rs, const nc_article *a, size_t si)
{
    const char *sl = a->sentences[si].lang;
    const ruleset *other = sl[0] && strcmp(sl, article_rs->lang) ? ruleset_find(x, sl) : NULL;
    return other ? other : article_rs;
}

static int run_rules(const nc_extractor *x, const ruleset *article_rs, const nc_article *a, unsigned kinds,
                     value_ctx *vcs, pcre2_match_data *md, work *w, size_t *limit_hits)
{
    const char *text = a->text;
    double t0 = now();
    for (size_t si = 0; si < a->n_sentences; si++) {
        if (now() - t0 > x->opts.time_budget) {
            (*limit_hits)++;
            return NC_E_LIMIT;
        }
        const ruleset *rs = sentence_rules(x, article_rs, a, si);
        value_ctx *vc = &vcs[rs - x->sets];
        size_t s0 = a->sentences[si].start, s1 = a->sentences[si].end;
        vc->sent = text + s0;
        vc->sent_len = s1 - s0;
        int have_tokens = 0;
        size_t prof_base = 0;
        if (x->profile)
            for (const ruleset *p = x->sets; p < rs; p++)
                prof_base += p->n_rules;
        for (size_t ri = 0; ri < rs->n_rules; ri++) {
            const rule *r = &rs->rules[ri];
            /* mention rule kinds are numbered like nc_mention_kind */
            if ((r->kind <= RK_NUMBER && !(kinds & (1u << r->kind))) || !r->code)
                continue;          /* not asked for, or a party rule (no pattern) */
            size_t off = s0;
            /* measuring aid (NEWSCLAIMS_PROFILE), kept by one thread */
            struct rule_prof *prof = x->profile ? &x->profile[prof_base + ri] : NULL;
            double pt0 = prof ? now() : 0;
            /* only at its anchors, or everywhere (rules.c, mark_anchored) */
            int anchored = r->anchored;
            if ((anchored || r->needs_used) && !have_tokens) {
                if (!tokenize(w, rs, text, s0, s1))
                    return NC_E_NOMEM;
                have_tokens = 1;
            }
            if (r->needs_used && !(w->present[ri / 64] >> (ri % 64) & 1))
                continue;          /* none of the words it needs is in the sentence */
            int by_mask = ri < NC_ANCHOR_BITS;
            if (anchored && by_mask && w->first[ri] == w->first[ri + 1])
                continue;          /* no token of the sentence can start a match */
            /* the tokens to try: the rule's own (by_mask), or all of them */
            size_t ti = by_mask ? w->first[ri] : 0, tend = by_mask ? w->first[ri + 1] : w->nt;
            while (off < s1) {
                int rc = PCRE2_ERROR_NOMATCH;
                if (anchored) {
                    /* only where a match can start, in order */
                    while (ti < tend) {
                        const tok *t = by_mask ? &w->t[w->byrule[ti++]] : &w->t[ti++];
                        if (t->pos < off)
                            continue;
                        if (!by_mask && !(t->is_digit ? r->anchors.digit : anchor_has(r, t->hash)))
                            continue;
                        rc = match_at(r->code_anchored, r->jit_anchored, text, s1, t->pos, md, x->mctx);
                        if (prof)
                            prof->tries++;
                        if (rc != PCRE2_ERROR_NOMATCH)
                            break;
                    }
                } else {
                    rc = match_at(r->code, r->jit, text, s1, off, md, x->mctx);
                    if (prof)
                        prof->tries++;
                }
                if (rc == PCRE2_ERROR_NOMATCH)
                    break;
                if (rc < 0) {
                    (*limit_hits)++;      /* match/depth/JIT stack limit: skip this rule here */
                    break;
                }
                if (prof)
                    prof->hits++;
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
                if (ov[1] <= ov[0]) {     /* empty match: step one character */
                    off = ov[0] + 1;
                    while (off < s1 && ((unsigned char)text[off] & 0xC0) == 0x80)
                        off++;
                    continue;
                }
                if (r->kind <= RK_NUMBER) {
                    cand *c = push_cand(w);
                    if (!c)
                        return NC_E_NOMEM;
                    int ok;
                    if (r->kind == RK_ORG) {
                        const nc_org *o = match_org(x, rs, r, text, ov, rc);
                        memset(&c->m, 0, sizeof c->m);
                        int g = role_group(r, G_NAME, ov, rc);
                        c->m.start = c->m.core_start = g > 0 ? ov[2 * g] : ov[0];
                        c->m.end = g > 0 ? ov[2 * g + 1] : ov[1];
                        c->m.kind = NC_MENTION_ORG;
                        c->m.rule = r->id;
                        ok = o != NULL;
                        if (o) {
                            snprintf(c->m.value, sizeof c->m.value, "%s", o->id);
                            snprintf(c->m.unit, sizeof c->m.unit, "%s", o->kind);
                        } else if (r->unit) {
                            /* an organisation the gazetteer does not know ("Acme Inc."):
                            ** its id is "~" and its name as written, final period dropped */
                            discovered_id(text + c->m.start, c->m.end - c->m.start, c->m.value, sizeof c->m.value);
                            snprintf(c->m.unit, sizeof c->m.unit, "%s", r->unit);
                            ok = 1;
                        }
                    } else {
                        ok = mention_from_match(vc, r, text, ov, rc, &c->m);
                        if (ok && r->notafter && follows_excluded(rs, r, text, s0, c->m.start))
                            ok = 0;    /* "Boeing 777 jets", "the top 10 banks" */
                        if (ok)
                            attach_qualifier(rs, text, s0, &c->m);
                        /* a date ends before its abbreviation's point ("on Tues.",
                        ** "second of Aug."): the point as often ends the sentence */
                        if (ok && c->m.kind == NC_MENTION_DATE && c->m.end - c->m.start > 2 &&
                            text[c->m.end - 1] == '.' && isalpha((unsigned char)text[c->m.end - 2]))
                            c->m.end--;
                    }
                    if (ok) {
                        c->m.sentence = si;
                        c->order = ri;
                    } else {
                        w->n--;
                    }
                } else {
                    cue *q = push_cue(w);
                    if (!q)
                        return NC_E_NOMEM;
                    q->kind = r->kind;
                    q->start = ov[0];
                    q->end = ov[1];
                    q->sentence = si;
                    q->r = r;
                    if (r->kind == RK_ATTRIBUTION) {
                        const nc_org *o = match_org(x, rs, r, text, ov, rc);
                        if (o)
                            snprintf(q->org, sizeof q->org, "%s", o->id);
                    } else if (r->kind == RK_REFERENCE && r->value) {
                        snprintf(q->org, sizeof q->org, "%s", r->value);
                    } else if (r->kind == RK_TRIGGER) {
                        int g = role_group(r, G_NAME, ov, rc);
                        if (g > 0) {
                            q->name_start = ov[2 * g];
                            q->name_end = ov[2 * g + 1];
                        }
                    }
                }
                off = ov[1];
            }
            if (prof)
                prof->secs += now() - pt0;
        }
    }
    return NC_OK;
}

void nc_extractor_profile_report(const nc_extractor *x, FILE *out, size_t top)
{
    if (!x->profile)
        return;
    double total = 0;
    unsigned long tries = 0, hits = 0;
    for (size_t i = 0; i < x->n_profile; i++) {
        total += x->profile[i].secs;
        tries += x->profile[i].tries;
        hits += x->profile[i].hits;
    }
    fprintf(out, "rule time: %.3f s in all; %lu match attempts, %lu matched\n", total, tries, hits);
    unsigned char *shown = calloc(x->n_profile ? x->n_profile : 1, 1);
    for (size_t k = 0; shown && k < top && k < x->n_profile; k++) {
        size_t best = 0;
        double bt = -1;
        for (size_t i = 0; i < x->n_profile; i++)
            if (!shown[i] && x->profile[i].secs > bt) {
                bt = x->profile[i].secs;
                best = i;
            }
        shown[best] = 1;
        size_t i = best;
        const ruleset *rs = x->sets;
        while (i >= rs->n_rules) {
            i -= rs->n_rules;
            rs++;
        }
        fprintf(out, "  %6.3f s %5.1f%%  %9lu tries %7lu matched  %s %s\n", bt, total > 0 ? 100 * bt / total : 0,
                x->profile[best].tries, x->profile[best].hits, rs->lang, rs->rules[i].id);
    }
    free(shown);
}

/* Can date mention m be one end of a period joined from two dates? A date
** of its own (not a range, a span, PAST_REF or a TIMEX with X). */
static int joinable_date(const nc_mention *m)
{
    return m->kind == NC_MENTION_DATE && !m->value_max[0] && !m->unit[0] && m->precision != NC_PREC_NONE &&
           !strchr(m->value, 'X') && !strstr(m->value, "_REF");
}

/* The value m gives as one end of a joined period, or NULL: a joinable
** date's own, or for "now" (PRESENT_REF) the publication date when it is
** known to the day ("between now and November 15th"). */
static const char *join_end(const nc_mention *m, const nc_article *a)
{
    if (joinable_date(m))
        return m->value;
    if (m->kind == NC_MENTION_DATE && !m->value_max[0] && !m->unit[0] && !strcmp(m->value, "PRESENT_REF") &&
        a->pub_date_precision == NC_PREC_DAY && a->pub_date[0])
        return a->pub_date;
    return NULL;
}

/* Can date mention m anchor a date counted from it ("On March 3 ... the
** next day")? A date of its own, or a period of two: a day, month, quarter,
** half or year, no span counted from the publication, no TIMEX with X (but
** the year's: "XXXX-03-03"), no bound ("since 1939" is no point of the
** story). */
static int anchor_date(const nc_mention *m)
{
    /* "XXXX-03-03", March 3 of a year unknown, anchors days and months */
    const char *v = !strncmp(m->value, "XXXX-", 5) ? m->value + 5 : m->value;
    return m->kind == NC_MENTION_DATE && !m->unit[0] && m->value[0] && !strchr(v, 'X') &&
           !strstr(m->value, "_REF") && !strchr(m->value_max, 'X') && strcmp(m->qualifier, "since") &&
           strcmp(m->qualifier, "before") && strcmp(m->qualifier, "after") &&
           (m->precision == NC_PREC_DAY || m->precision == NC_PREC_MONTH || m->precision == NC_PREC_QUARTER ||
            m->precision == NC_PREC_HALF || m->precision == NC_PREC_YEAR);
}

/* Attach to m the bound word written before ms[i] ("since", "nach dem"),
** looking no further back than its sentence's start or the mention before
** it; m is ms[i] itself or a copy of it. */
static void bound_of(const nc_extractor *x, const ruleset *article_rs, const nc_article *a,
                     const nc_mention *ms, size_t i, nc_mention *m)
{
    size_t s0 = a->sentences[ms[i].sentence].start;
    if (i > 0 && ms[i - 1].end > s0)
        s0 = ms[i - 1].end;
    if (s0 <= ms[i].start)
        attach_date_bound(sentence_rules(x, article_rs, a, ms[i].sentence), a->text, s0, m);
}

/* How many sentences back a date counted from another looks for it: "the
** next day" 20 sentences after "On March 3" is more likely about another day. */
#define ANCHOR_SENTENCES 5

/* Dates counted from another date ("the next day", "two years later",
** "la veille": nc_mention.shift) are counted from the last date the article
** named before them, in the same sentence or up to ANCHOR_SENTENCES before
** (a period's end when counting forward, its start when counting back),
** flagged NC_MF_ANAPHORIC, at the coarser of that date's precision and the
** offset's unit ("In 2021 ... the next day" is 2021). A date counted so is
** the anchor of the next one in a later sentence ("the next day ... two days
** later" tells a story), not in its own: "up from 3 mln a year earlier and
** down from 4 mln a year earlier" compares both with one date. With no date
** before them they keep the value counted from the publication. ms is sorted
** by start. */
static void anchor_anaphora(const nc_extractor *x, const ruleset *article_rs, const nc_article *a,
                            nc_mention *ms, size_t nm)
{
    const nc_mention *last = NULL, *last_from = NULL;   /* last_from: what last was counted from */
    for (size_t i = 0; i < nm; i++) {
        nc_mention *m = &ms[i];
        if (m->kind != NC_MENTION_DATE)
            continue;
        const nc_mention *from = last;
        if (from && from->shift[0] && from->sentence == m->sentence)
            from = last_from;
        if (from && from->sentence + ANCHOR_SENTENCES < m->sentence)
            from = NULL;
        const nc_mention *used = NULL;
        if (m->shift[0] && from) {
            const char *av = m->shift[0] == '+' && from->value_max[0] ? from->value_max : from->value;
            char v[sizeof m->value];
            nc_date_precision p;
            if (date_from_anchor(av, from->precision, m->shift, v, sizeof v, &p)) {
                memcpy(m->value, v, sizeof v);
                m->value_max[0] = 0;
                m->precision = p;
                m->flags = (m->flags & ~(unsigned)(NC_MF_YEAR_GUESSED | NC_MF_RESOLVED)) | NC_MF_ANAPHORIC |
                           (strchr(v, 'X') ? 0 : NC_MF_RESOLVED) | (from->flags & NC_MF_YEAR_GUESSED);
                used = from;
            }
        }
        if (!anchor_date(m))
            continue;
        /* nor with the bound attach_date_bound reads later ("since March 3") */
        nc_mention bound = *m;
        bound_of(x, article_rs, a, ms, i, &bound);
        if (anchor_date(&bound)) {
            last = m;
            last_from = used;
        }
    }
}

/* Two dates of a sentence joined by a word of the `rangejoin` lexicon ("to",
** "until", "-"; "and" only after "between"), perhaps after one of
** `rangefrom` ("from", "between"), are one period: "from 2015/08/12 until
** October 22", "today till tomorrow", "January 12, 2016 - 02/22/2016". The
** first's value and the second's as value_max, rule "date.join"; not when
** the second begins before the first. ms is sorted by start; *nm shrinks. */
static void join_date_ranges(const nc_extractor *x, const ruleset *article_rs, const nc_article *a,
                             nc_mention *ms, size_t *nm)
{
    const char *t = a->text;
    size_t out = 0;
    for (size_t i = 0; i < *nm; i++) {
        nc_mention *m = &ms[i];
        const char *av = i + 1 < *nm ? join_end(m, a) : NULL, *bend = av ? join_end(&ms[i + 1], a) : NULL;
        if (av && bend && ms[i + 1].sentence == m->sentence && ms[i + 1].start > m->end) {
            const nc_mention *b = &ms[i + 1];
            const ruleset *rs = sentence_rules(x, article_rs, a, m->sentence);
            size_t js = m->end, je = b->start;
            int comma = 0;            /* "from March 27, 1987, until March 19, 1990" */
            while (js < je && (t[js] == ' ' || t[js] == ','))
                comma |= t[js++] == ',';
            while (je > js && t[je - 1] == ' ')
                je--;
            const char *join = je > js ? lex_lookup(rs, "rangejoin", t + js, je - js) : NULL;
            /* the word before the first date */
            size_t s0 = a->sentences[m->sentence].start, we = m->start, ws;
            while (we > s0 && t[we - 1] == ' ')
                we--;
            ws = we;
            while (ws > s0 && t[ws - 1] != ' ' && t[ws - 1] != '\n')
                ws--;
            const char *from = we > ws ? lex_lookup(rs, "rangefrom", t + ws, we - ws) : NULL;
            /* a second end whose year was not written takes the first's
            ** ("from 2015/08/12 until October 22"), or the next when it
            ** would come before */
            char bv[64];
            snprintf(bv, sizeof bv, "%s", bend);
            int b_year_guessed = (b->flags & NC_MF_YEAR_GUESSED) && !(m->flags & NC_MF_RESOLVED) &&
                                 (b->precision == NC_PREC_MONTH || b->precision == NC_PREC_DAY);
            if (b_year_guessed) {
                memcpy(bv, av, 4);
                if (strcmp(bv, av) < 0) {
                    char y[16];
                    snprintf(y, sizeof y, "%04d", atoi(av) + 1);
                    memcpy(bv, y, 4);
                }
            }
            char a0[11], a1[11], b0[11], b1[11];
            /* after a comma, only a period its first word opened or whose first
            ** date ends with its year, as US dates set it off ("August 1, 1987, to
            ** July 31, 1988"): "Au 31 octobre, jusqu'au 15 novembre" is two clauses */
            int comma_ok = !comma || from || (m->end > 0 && isdigit((unsigned char)t[m->end - 1]));
            if (join && comma_ok && (strcmp(join, "and") || (from && !strcmp(from, "between"))) &&
                nc_iso_period(av, a0, a1) && nc_iso_period(bv, b0, b1) && strcmp(a0, b0) <= 0) {
                nc_mention r = *m;
                if (av != m->value) {      /* "now": the publication day */
                    snprintf(r.value, sizeof r.value, "%s", av);
                    r.precision = NC_PREC_DAY;
                    r.flags |= NC_MF_RESOLVED | NC_MF_RELATIVE;
                }
                if (from)
                    r.start = ws;          /* core_start stays at the first date, after "from" */
                r.end = b->end;
                snprintf(r.value_max, sizeof r.value_max, "%s", bv);
                r.flags |= NC_MF_RANGE | (b->flags & (NC_MF_RESOLVED | NC_MF_RELATIVE)) |
                           (bend != b->value ? NC_MF_RESOLVED | NC_MF_RELATIVE : 0);
                r.rule = "date.join";
                ms[out++] = r;
                i++;
                continue;
            }
        }
        ms[out++] = *m;
    }
    *nm = out;
}

/* In extract_kinds' kinds, above the mention kinds: keep deictic dates
** (nc_extract_opts.deictic_dates; a rule's examples). */
#define KEEP_DEICTIC (1u << 31)

/* Drop the dates that only point at a time ("now", "recently", "in the
** coming weeks": a bare PRESENT_REF, PAST_REF or FUTURE_REF), once they have
** served joined periods; not a span of known length ("the next three years"
** with no publication date: FUTURE_REF, unit +P3Y), a term to claims. The
** order of the others is kept. */
static void drop_deictic(nc_mention *ms, size_t *nm)
{
    size_t k = 0;
    for (size_t i = 0; i < *nm; i++) {
        const nc_mention *m = &ms[i];
        if (m->kind == NC_MENTION_DATE && !m->value_max[0] && !m->unit[0] &&
            (!strcmp(m->value, "PRESENT_REF") || !strcmp(m->value, "PAST_REF") || !strcmp(m->value, "FUTURE_REF")))
            continue;
        ms[k++] = ms[i];
    }
    *nm = k;
}

/* Which franc a bare "francs" is. The rule file's `francread` lexicon says
** how a bare franc is read (its value, FRF, and its words, "francs"),
** `francown` the words that name that currency outright ("French francs":
** nothing to do), `francctx` the places and words that make a story Swiss,
** Belgian, Luxembourgish or French ("ZURICH, March 5 - ... 570 francs" is
** CHF). A money mention read so, written with a francread word and without
** a francown word, takes the francctx currency of which the article holds
** the most distinct words, strictly more than any other; a tie or none
** leaves it as read. */
static void franc_context(const ruleset *rs, const nc_article *a, nc_mention *ms, size_t nm)
{
    const lexicon *ctx = lex_find(rs, "francctx"), *own = lex_find(rs, "francown"), *read = lex_find(rs, "francread");
    if (!ctx || !ctx->n || !read || !read->n || a->text_len > (1u << 20))
        return;
    int any = 0;
    for (size_t i = 0; i < nm && !any; i++)
        any = ms[i].kind == NC_MENTION_MONEY && !strcmp(ms[i].unit, read->v[0].value);
    if (!any)
        return;
    size_t cap = a->text_len * 3 + 1;
    char *f = malloc(cap);
    if (!f)
        return;                /* out of memory: the currencies stay as read */
    fold_utf8(a->text, a->text_len, f, cap);
    /* per currency value: how many of its words the article holds */
    const char *best = NULL;
    int best_n = 0, second_n = 0;
    for (size_t k = 0; k < ctx->n; k++) {
        int dup = 0;
        for (size_t j = 0; j < k && !dup; j++)
            dup = !strcmp(ctx->v[j].value, ctx->v[k].value);
        if (dup)
            continue;
        int n = 0;
        for (size_t j = k; j < ctx->n; j++)
            if (!strcmp(ctx->v[j].value, ctx->v[k].value) && folded_has_word(f, ctx->v[j].folded))
                n++;
        if (n > best_n) {
            second_n = best_n;
            best_n = n;
            best = ctx->v[k].value;
        } else if (n > second_n) {
            second_n = n;
        }
    }
    free(f);
    if (!best || best_n == second_n)
        return;
    for (size_t i = 0; i < nm; i++) {
        nc_mention *m = &ms[i];
        if (m->kind != NC_MENTION_MONEY || strcmp(m->unit, read->v[0].value) || !strcmp(m->unit, best))
            continue;
        char mf[256];
        fold_utf8(a->text + m->start, m->end - m->start, mf, sizeof mf);
        int is_franc = 0;
        for (size_t k = 0; k < read->n && !is_franc; k++)
            is_franc = folded_has_word(mf, read->v[k].folded);
        if (!is_franc)
            continue;          /* "FF 500", "FRF": the code says it */
        int said = 0;
        for (size_t k = 0; own && k < own->n && !said; k++)
            said = folded_has_word(mf, own->v[k].folded);
        if (!said)
            snprintf(m->unit, sizeof m->unit, "%s", best);
    }
}

static int extract_kinds(const nc_extractor *x, const nc_article *a, const char *lang, unsigned kinds,
                         nc_extraction *out, nc_error *err)
{
    memset(out, 0, sizeof *out);
    if (!lang)
        lang = a->lang;
    const ruleset *rs = ruleset_find(x, lang);
    if (!rs)
        return nc_error_set(err, NC_E_USAGE, a->path,
                            "no extraction rules for language \"%s\" (rules exist for the .rules files in %s)",
                            lang, x->rules_dir);
    scratch *sc = scratch_take(x, a);
    if (!sc)
        return nc_error_set(err, NC_E_NOMEM, a->path, "out of memory");
    work *w = &sc->w;
    int rc = run_rules(x, rs, a, kinds, sc->vcs, sc->md, w, &out->limit_hits);
    if (rc == NC_E_NOMEM || w->is_oom) {
        scratch_give(x, sc);
        return nc_error_set(err, NC_E_NOMEM, a->path, "out of memory");
    }
    /* longest first; keep what does not overlap what was kept */
    if (w->n > 1)
        qsort(w->c, w->n, sizeof *w->c, cmp_cand);
    nc_mention *ms = malloc((w->n ? w->n : 1) * sizeof *ms);
    /* one bit per byte of text: is it inside a mention already kept? */
    unsigned char *used = calloc(a->text_len / 8 + 1, 1);
    if (!ms || !used) {
        free(ms);
        free(used);
        scratch_give(x, sc);
        return nc_error_set(err, NC_E_NOMEM, a->path, "out of memory");
    }
    size_t nm = 0;
    for (size_t i = 0; i < w->n; i++) {
        const nc_mention *m = &w->c[i].m;
        int overlaps = 0;
        for (size_t b = m->start; b < m->end && !overlaps; b++)
            overlaps = used[b >> 3] & (1u << (b & 7));
        if (overlaps)
            continue;
        for (size_t b = m->start; b < m->end; b++)
            used[b >> 3] |= (unsigned char)(1u << (b & 7));
        ms[nm++] = *m;
    }
    free(used);
    if (nm > 1)
        qsort(ms, nm, sizeof *ms, cmp_mention_start);
    /* dates counted from another first: their values are then those that
    ** join ("from March 3 until the next day") */
    anchor_anaphora(x, rs, a, ms, nm);
    join_date_ranges(x, rs, a, ms, &nm);
    /* "since January 1, 2010", "nach dem 15. März": after overlaps are
    ** resolved, so the bound's word never makes a date outrank another */
    for (size_t i = 0; i < nm; i++)
        bound_of(x, rs, a, ms, i, &ms[i]);
    /* names outside the gazetteer: in the gaps the mentions leave */
    if ((kinds & (1u << NC_MENTION_ORG)) && parties_find(x, rs, a, &ms, &nm) != NC_OK) {
        free(ms);
        scratch_give(x, sc);
        return nc_error_set(err, NC_E_NOMEM, a->path, "out of memory");
    }
    if (!(kinds & KEEP_DEICTIC))
        drop_deictic(ms, &nm);
    franc_context(rs, a, ms, nm);
    if (w->nq > 1)
        qsort(w->q, w->nq, sizeof *w->q, cmp_cue);
    out->mentions = ms;
    out->n_mentions = nm;
    rc = claims_build(x, rs, a, out, w->q, w->nq, err);
    scratch_give(x, sc);
    if (rc != NC_OK) {
        nc_extraction_free(out);
        return rc;
    }
    return NC_OK;
}

#define DEFAULT_KINDS (((1u << NC_MENTION_KIND_COUNT) - 1) & ~(1u << NC_MENTION_NUMBER))

int nc_extract_article(const nc_extractor *x, const nc_article *a, const char *lang,
                       nc_extraction *out, nc_error *err)
{
    return extract_kinds(x, a, lang, (x->opts.kinds ? x->opts.kinds : DEFAULT_KINDS) |
                                     (x->opts.deictic_dates ? KEEP_DEICTIC : 0), out, err);
}

/* ------------------------------------------------------------- selftest */

int nc_extractor_selftest(const nc_extractor *x, size_t *n_run, nc_report_fn report, void *ud)
{
    int failed = 0;
    *n_run = 0;
    for (size_t s = 0; s < x->n_sets; s++) {
        const ruleset *rs = &x->sets[s];
        for (size_t r = 0; r < rs->n_rules; r++) {
            const rule *ru = &rs->rules[r];
            for (size_t e = 0; e < ru->n_examples; e++) {
                const example *ex = &ru->examples[e];
                nc_article a;
                memset(&a, 0, sizeof a);
                a.path = (char *)"example";
                a.text = ex->text;
                a.text_len = strlen(ex->text);
                nc_sentence one = { 0, a.text_len, "" };
                a.sentences = &one;
                a.n_sentences = 1;
                snprintf(a.lang, sizeof a.lang, "%s", rs->lang);
                /* examples resolve against a fixed reference date */
                snprintf(a.pub_date, sizeof a.pub_date, "2023-03-15");
                a.pub_date_precision = NC_PREC_DAY;
                nc_extraction out;
                nc_error err = { 0 };
                char where[600], msg[1200], got[900];
                snprintf(where, sizeof where, "%s:%d", rs->path, ex->line);
                (*n_run)++;
                /* a rule's examples run with the kinds the rule finds */
                unsigned kinds = (x->opts.kinds ? x->opts.kinds : DEFAULT_KINDS) | KEEP_DEICTIC;
                if (ru->kind <= RK_NUMBER)
                    kinds |= 1u << ru->kind;
                if (extract_kinds(x, &a, rs->lang, kinds, &out, &err) != NC_OK) {
                    failed++;
                    if (report)
                        report(ud, where, err.msg);
                    continue;
                }
                int ok = nc_extraction_expect(x, &out, ex->expect, got, sizeof got);
                if (ok != 1) {
                    failed++;
                    snprintf(msg, sizeof msg, "rule %s: \"%s\": %s %s, got [%s]", ru->id, ex->text,
                             ok < 0 ? "malformed expectation" : "want", ex->expect, got);
                    if (report)
                        report(ud, where, msg);
                }
                nc_extraction_free(&out);
            }
        }
    }
    return failed;
}

const char *nc_extractor_rule_pattern(const nc_extractor *x, const char *lang, const char *id)
{
    const ruleset *rs = ruleset_find(x, lang);
    for (size_t i = 0; rs && i < rs->n_rules; i++)
        if (!strcmp(rs->rules[i].id, id))
            return rs->rules[i].pattern_src;
    return NULL;
}
