/*
** sentence.c — sentences as byte spans, with ICU's break iterator.
**
** The break iterator runs over a UText opened on the UTF-8 text itself, so
** the boundaries it returns are byte offsets (no UTF-16 copy). ICU's own
** abbreviation suppressions ("@ss=standard") are not used: with ICU 72 the
** French data suppresses real boundaries ("médias sociaux. Cette absence"
** stays one sentence). The language file's abbreviation list ("Mio.",
** "Mrd.", "z.", "U.S.") does that job instead, with two corrections ICU's
** rules (UAX #29) do not make:
**   - no break after an abbreviation or inside a number, and none before a
**     lower-case letter; in languages with ordinal dots, none after "30." or
**     between "8.8." and a year's digits ("8.8. 2015");
**   - a break where a period is glued to the next sentence, as scraped text
**     often has it ("en 2020.Ce contrat"): lower-case letter or digit, '.',
**     then an upper-case letter followed by a lower-case one.
** Sentences never cross a paragraph ('\n'); spans exclude surrounding spaces.
*/
#include "ingest_int.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>

typedef struct spans {
    nc_sentence *v;
    size_t n, cap;
    int is_oom;
} spans;

static void push(spans *s, const char *t, size_t a, size_t b)
{
    while (a < b && (t[a] == ' ' || t[a] == '\n'))
        a++;
    while (b > a && (t[b - 1] == ' ' || t[b - 1] == '\n'))
        b--;
    if (a >= b)
        return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        nc_sentence *v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            s->is_oom = 1;
            return;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n].start = a;
    s->v[s->n].end = b;
    s->n++;
}

static uint32_t cp_at(const char *t, size_t len, size_t i)
{
    size_t k = i;
    return i < len ? utf8_next(t, len, &k) : 0;
}

/* code point ending at byte i (exclusive) */
static uint32_t cp_before(const char *t, size_t i, size_t *start)
{
    if (!i)
        return 0;
    size_t k = i - 1;
    while (k > 0 && ((unsigned char)t[k] & 0xC0) == 0x80)
        k--;
    size_t j = k;
    uint32_t c = utf8_next(t, i, &j);
    if (start)
        *start = k;
    return c;
}

/* Should the boundary ICU proposes at b be ignored? */
static int suppressed(const lang_profile *lp, const char *t, size_t len, size_t b)
{
    size_t e = b;
    while (e > 0 && t[e - 1] == ' ')
        e--;
    if (e == 0 || t[e - 1] == '\n')
        return 0;                       /* a paragraph end is always a boundary */
    size_t n = b;
    while (n < len && t[n] == ' ')
        n++;
    if (n >= len)
        return 0;
    uint32_t next = cp_at(t, len, n);
    if (u_islower((UChar32)next))
        return 1;                       /* "z. B. im Jahr", "Mio. dollars" */
    if (t[e - 1] != '.')
        return 0;
    /* the token ending at the period */
    size_t s = e;
    while (s > 0 && t[s - 1] != ' ' && t[s - 1] != '\n')
        s--;
    while (s < e && (t[s] == '(' || t[s] == '"' || t[s] == '\''))
        s++;
    size_t tl = e - s;
    for (size_t i = 0; i < lp->n_abbrevs; i++)
        if (strlen(lp->abbrevs[i]) == tl && !memcmp(lp->abbrevs[i], t + s, tl))
            return 1;
    /* a single capital and a period: an initial ("Donald J. Trump") */
    if (tl == 2 && t[s] >= 'A' && t[s] <= 'Z')
        return 1;
    /* in languages that write day ordinals with a period, a token of digits
    ** and periods: "30. Juni" (one or two digits and the period) does not end a
    ** sentence, nor "8.8. 2015" (day and month before a year's digits) */
    if (lp->has_ordinal_dot && t[s] != '.') {
        int dots = 0, digits = 1;
        for (size_t i = s; i < e; i++) {
            dots += t[i] == '.';
            digits &= t[i] == '.' || (t[i] >= '0' && t[i] <= '9');
        }
        if (digits && ((dots == 1 && tl <= 3) || (dots == 2 && tl >= 4 && tl <= 6 && next >= '0' && next <= '9')))
            return 1;
    }
    return 0;
}

/* Split [a, b) further where a period is glued to the next sentence. */
static void push_glued(spans *s, const char *t, size_t a, size_t b)
{
    size_t from = a;
    for (size_t i = a + 2; i + 2 < b; i++) {
        if (t[i] != '.' && t[i] != '!' && t[i] != '?')
            continue;
        size_t ps = 0;
        uint32_t p1 = cp_before(t, i, &ps);
        uint32_t p2 = cp_before(t, ps, NULL);
        if (!((u_islower((UChar32)p1) && u_islower((UChar32)p2)) || (p1 >= '0' && p1 <= '9' && p2 >= '0' && p2 <= '9')))
            continue;
        size_t k = i + 1;
        uint32_t n1 = utf8_next(t, b, &k);
        uint32_t n2 = k < b ? cp_at(t, b, k) : 0;
        if (!u_isupper((UChar32)n1) || !u_islower((UChar32)n2))
            continue;
        push(s, t, from, i + 1);
        from = i + 1;
    }
    push(s, t, from, b);
}

/* Sentence break iterators kept per thread and locale, for the thread's
** life: opening one (ICU builds it from its rule data) cost about as much as
** splitting a short article. A thread's iterators are closed when it ends;
** past BI_CACHE locales, an iterator is opened and closed per call. */
#define BI_CACHE 4
typedef struct bi_cache {
    char loc[BI_CACHE][64];
    UBreakIterator *bi[BI_CACHE];
    unsigned n;
} bi_cache;

static pthread_key_t bi_key;
static pthread_once_t bi_once = PTHREAD_ONCE_INIT;
static int bi_key_ok;

static void bi_cache_free(void *p)
{
    bi_cache *c = p;
    for (unsigned i = 0; i < c->n; i++)
        ubrk_close(c->bi[i]);
    free(c);
}

static void bi_key_make(void)
{
    bi_key_ok = pthread_key_create(&bi_key, bi_cache_free) == 0;
}

void sentence_cache_release(void)
{
    pthread_once(&bi_once, bi_key_make);
    bi_cache *c = bi_key_ok ? pthread_getspecific(bi_key) : NULL;
    if (c) {
        pthread_setspecific(bi_key, NULL);
        bi_cache_free(c);
    }
}

/* A sentence iterator for loc: *owned says whether the caller closes it
** (else it stays in this thread's cache). NULL with *st set on failure. */
static UBreakIterator *sentence_iterator(const char *loc, int *owned, UErrorCode *st)
{
    pthread_once(&bi_once, bi_key_make);
    bi_cache *c = bi_key_ok ? pthread_getspecific(bi_key) : NULL;
    if (bi_key_ok && !c && (c = calloc(1, sizeof *c)) != NULL && pthread_setspecific(bi_key, c) != 0) {
        free(c);
        c = NULL;
    }
    for (unsigned i = 0; c && i < c->n; i++)
        if (!strcmp(c->loc[i], loc)) {
            *owned = 0;
            return c->bi[i];
        }
    UBreakIterator *bi = ubrk_open(UBRK_SENTENCE, loc, NULL, 0, st);
    if (U_FAILURE(*st)) {
        if (bi)
            ubrk_close(bi);
        return NULL;
    }
    *owned = !(c && c->n < BI_CACHE);
    if (!*owned) {
        snprintf(c->loc[c->n], sizeof c->loc[c->n], "%s", loc);
        c->bi[c->n++] = bi;
    }
    return bi;
}

/* Done with bi: closed if the caller owns it, else left on an empty text
** (it must not keep pointing into the caller's buffer). */
static void sentence_iterator_done(UBreakIterator *bi, int owned)
{
    static const UChar empty[1] = { 0 };
    UErrorCode st = U_ZERO_ERROR;
    if (owned)
        ubrk_close(bi);
    else
        ubrk_setText(bi, empty, 0, &st);
}

int split_sentences(const lang_profile *lp, const char *t, size_t len,
                    nc_sentence **out, size_t *n_out, nc_error *err)
{
    *out = NULL;
    *n_out = 0;
    char loc[64];
    snprintf(loc, sizeof loc, "%s", lp && lp->locale[0] ? lp->locale : "en");
    UErrorCode st = U_ZERO_ERROR;
    int owned = 1;
    UText *ut = utext_openUTF8(NULL, t, (int64_t)len, &st);
    UBreakIterator *bi = U_SUCCESS(st) ? sentence_iterator(loc, &owned, &st) : NULL;
    if (U_SUCCESS(st))
        ubrk_setUText(bi, ut, &st);
    if (U_FAILURE(st)) {
        if (bi)
            sentence_iterator_done(bi, owned);
        utext_close(ut);
        return nc_error_set(err, NC_E_ICU, NULL, "sentence break iterator: %s", u_errorName(st));
    }
    spans s = { 0 };
    size_t start = 0;
    int32_t b = ubrk_first(bi);
    while ((b = ubrk_next(bi)) != UBRK_DONE) {
        size_t off = (size_t)b;
        if (off < len && lp && suppressed(lp, t, len, off))
            continue;
        push_glued(&s, t, start, off);
        start = off;
    }
    if (start < len)
        push_glued(&s, t, start, len);
    sentence_iterator_done(bi, owned);
    utext_close(ut);
    if (s.is_oom) {
        free(s.v);
        return nc_error_set(err, NC_E_NOMEM, NULL, "out of memory");
    }
    *out = s.v;
    *n_out = s.n;
    return NC_OK;
}
