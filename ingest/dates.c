/*
** dates.c — publication dates for ingest.
**
** parse_meta_date() reads the dates found in metadata: ISO 8601 (with or
** without time), RFC 822 / RFC 1123 as in RSS ("Thu, 30 Mar 2023 10:00:00
** GMT"), and the partial forms YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn.
**
** infer_date() finds the latest date a text mentions, for articles with no
** date at all. Month names come from ICU's locale data (DateFormatSymbols),
** so a new language needs no list here. The result is marked inferred by the
** caller and its precision lowered one step (a text mentions dates up to its
** publication, not the publication itself).
**
** Not done on purpose: relative expressions ("yesterday") are the extract
** stage's job and need a reference date this function is trying to find.
*/
#include "ingest_int.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/udat.h>
#include <unicode/ustring.h>

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static const char *months_en[] = { "jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec" };

nc_date_precision parse_meta_date(const char *in, char out[16])
{
    out[0] = 0;
    if (!in)
        return NC_PREC_NONE;
    while (*in == ' ' || *in == '\t')
        in++;
    size_t n = strlen(in);
    int y, m, d;
    if (n >= 4 && (y = digits(in, 4)) >= 1000) {
        if (n == 4 || !(in[4] == '-' || in[4] == '/')) {
            if (n == 4 || in[4] == 'T' || in[4] == ' ') {
                snprintf(out, 16, "%04d", y);
                return NC_PREC_YEAR;
            }
            return NC_PREC_NONE;
        }
        if (n >= 7 && (in[5] == 'Q' || in[5] == 'q') && in[6] >= '1' && in[6] <= '4') {
            snprintf(out, 16, "%04d-Q%c", y, in[6]);
            return NC_PREC_QUARTER;
        }
        if (n >= 7 && (in[5] == 'H' || in[5] == 'h') && (in[6] == '1' || in[6] == '2')) {
            snprintf(out, 16, "%04d-H%c", y, in[6]);
            return NC_PREC_HALF;
        }
        if (n >= 7 && (m = digits(in + 5, 2)) >= 1 && m <= 12) {
            if (n == 7 || !(in[7] == '-' || in[7] == '/')) {
                snprintf(out, 16, "%04d-%02d", y, m);
                return NC_PREC_MONTH;
            }
            if (n >= 10 && (d = digits(in + 8, 2)) >= 1 && d <= 31) {
                snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
                return NC_PREC_DAY;
            }
        }
        return NC_PREC_NONE;
    }
    /* RFC 822: [Day, ] DD Mon YYYY ... */
    const char *p = in;
    const char *comma = strchr(p, ',');
    if (comma && comma - p <= 10)
        p = comma + 1;
    while (*p == ' ')
        p++;
    char mon[4] = { 0 };
    if (sscanf(p, "%d %3s %d", &d, mon, &y) == 3 && d >= 1 && d <= 31) {
        for (int i = 0; i < 12; i++)
            if (strncasecmp(mon, months_en[i], 3) == 0) {
                if (y < 100)
                    y += y < 70 ? 2000 : 1900;
                if (y < 1000 || y > 9999)
                    return NC_PREC_NONE;
                snprintf(out, 16, "%04d-%02d-%02d", y, i + 1, d % 100);
                return NC_PREC_DAY;
            }
    }
    return NC_PREC_NONE;
}

/* ------------------------------------------------------------ inference */

typedef struct month_names {
    char name[64][32];   /* lower-cased UTF-8, without a final '.' */
    unsigned char len[64];
    int  month[64];
    int  n;
    unsigned char first[256];   /* the first bytes of the names: a word starting otherwise is none */
} month_names;

static void add_symbols(month_names *mn, UDateFormat *fmt, UDateFormatSymbolType type,
                        const char *locale)
{
    for (int i = 0; i < 12 && mn->n < 64; i++) {
        UErrorCode st = U_ZERO_ERROR;
        UChar u[64], low[64];
        int32_t ulen = udat_getSymbols(fmt, type, i, u, 64, &st);
        if (U_FAILURE(st) || ulen <= 0)
            continue;
        st = U_ZERO_ERROR;
        int32_t llen = u_strToLower(low, 64, u, ulen, locale, &st);
        if (U_FAILURE(st))
            continue;
        char utf8[32];
        int32_t blen = 0;
        st = U_ZERO_ERROR;
        u_strToUTF8(utf8, sizeof utf8 - 1, &blen, low, llen, &st);
        if (U_FAILURE(st) || blen < 3)
            continue;
        utf8[blen] = 0;
        if (utf8[blen - 1] == '.')
            utf8[--blen] = 0;
        int dup = 0;
        for (int k = 0; k < mn->n; k++)
            if (!strcmp(mn->name[k], utf8))
                dup = 1;
        if (dup)
            continue;
        memcpy(mn->name[mn->n], utf8, (size_t)blen + 1);
        mn->len[mn->n] = (unsigned char)blen;
        mn->month[mn->n] = i + 1;
        mn->first[(unsigned char)utf8[0]] = 1;
        mn->n++;
    }
}

static void load_months_icu(const char *locale, month_names *mn)
{
    mn->n = 0;
    memset(mn->first, 0, sizeof mn->first);
    UErrorCode st = U_ZERO_ERROR;
    UDateFormat *fmt = udat_open(UDAT_LONG, UDAT_NONE, locale, NULL, 0, NULL, 0, &st);
    if (U_FAILURE(st))
        return;
    add_symbols(mn, fmt, UDAT_MONTHS, locale);
    add_symbols(mn, fmt, UDAT_STANDALONE_MONTHS, locale);
    udat_close(fmt);
}

/* The month names of a locale, from ICU once per thread and locale (opening
** an ICU date format costs more than scanning an article). */
static const month_names *load_months(const char *locale)
{
    static _Thread_local struct {
        char locale[32];
        month_names mn;
    } cache[4];
    static _Thread_local unsigned n_cached;
    for (unsigned i = 0; i < n_cached; i++)
        if (!strcmp(cache[i].locale, locale))
            return &cache[i].mn;
    unsigned i = n_cached < 4 ? n_cached++ : 3;   /* past four locales, the last slot is reused */
    snprintf(cache[i].locale, sizeof cache[i].locale, "%s", locale);
    load_months_icu(locale, &cache[i].mn);
    return &cache[i].mn;
}

/* Lower-case the first letter if it is ASCII or a two-byte Latin-1 capital. */
static int word_matches(const char *w, size_t wlen, const char *name, size_t nlen)
{
    if (wlen != nlen)
        return 0;
    if (tolower((unsigned char)w[0]) != (unsigned char)name[0]) {
        /* Ä..Ý (C3 80..9E) -> ä..ý (C3 A0..BE) */
        if (!(wlen >= 2 && (unsigned char)w[0] == 0xC3 && (unsigned char)name[0] == 0xC3 &&
              ((unsigned char)w[1] | 0x20) == (unsigned char)name[1]))
            return 0;
        return memcmp(w + 2, name + 2, wlen - 2) == 0;
    }
    return memcmp(w + 1, name + 1, wlen - 1) == 0;
}

static int is_word_byte(unsigned char c) { return (unsigned)((c | 0x20) - 'a') < 26u || c >= 0x80; }

/* The number token ending right before position i (skipping ". " etc.). */
static int number_before(const char *t, size_t i, int maxdigits)
{
    size_t j = i;
    while (j > 0 && (t[j - 1] == ' ' || t[j - 1] == '.' || t[j - 1] == ','))
        j--;
    size_t e = j;
    while (j > 0 && isdigit((unsigned char)t[j - 1]))
        j--;
    if (e == j || (int)(e - j) > maxdigits || (j > 0 && is_word_byte((unsigned char)t[j - 1])))
        return -1;
    return digits(t + j, (int)(e - j));
}

static int number_after(const char *t, size_t len, size_t i, int ndigits, size_t *end)
{
    size_t j = i;
    while (j < len && (t[j] == ' ' || t[j] == ','))
        j++;
    size_t s = j;
    while (j < len && isdigit((unsigned char)t[j]))
        j++;
    if ((int)(j - s) < 1 || (int)(j - s) > ndigits || (j < len && is_word_byte((unsigned char)t[j])))
        return -1;
    if (end)
        *end = j;
    return digits(t + s, (int)(j - s));
}

nc_date_precision infer_date(const char *locale, const char *t, size_t len,
                             char out[16], char *evidence, size_t evsize)
{
    const month_names *mn = load_months(locale);
    int best = 0;   /* yyyymmdd with 00 for unknown parts */
    nc_date_precision best_prec = NC_PREC_NONE;
    size_t best_s = 0, best_e = 0;
    size_t i = 0;
    while (i < len) {
        if (!is_word_byte((unsigned char)t[i])) {
            i++;
            continue;
        }
        size_t s = i;
        while (i < len && is_word_byte((unsigned char)t[i]))
            i++;
        int month = 0;
        unsigned char c0 = (unsigned char)t[s];
        if (!mn->first[c0 >= 'A' && c0 <= 'Z' ? c0 | 0x20 : c0])
            continue;
        for (int k = 0; k < mn->n && !month; k++)
            if (word_matches(t + s, i - s, mn->name[k], mn->len[k]))
                month = mn->month[k];
        if (!month)
            continue;
        size_t after = i, yend = 0;
        if (after < len && t[after] == '.')
            after++;
        int day = number_before(t, s, 2);
        int year = number_after(t, len, after, 4, &yend);
        if (year >= 1 && year <= 31 && day < 0) {   /* "June 30, 2023" */
            day = year;
            year = number_after(t, len, yend, 4, &yend);
        }
        if (year < 1900 || year > 2100)
            continue;
        int v = year * 10000 + month * 100 + (day >= 1 && day <= 31 ? day : 0);
        if (v > best) {
            best = v;
            best_prec = (v % 100) ? NC_PREC_DAY : NC_PREC_MONTH;
            best_s = s;
            best_e = yend;
            if (day >= 1 && day <= 31) {
                size_t j = s;
                while (j > 0 && (t[j - 1] == ' ' || t[j - 1] == '.' || isdigit((unsigned char)t[j - 1])))
                    j--;
                best_s = j;
                while (best_s < s && t[best_s] == ' ')
                    best_s++;
            }
        }
    }
    out[0] = 0;
    if (best_prec == NC_PREC_NONE)
        return NC_PREC_NONE;
    int y = best / 10000, m = (best / 100) % 100;
    /* one step coarser: the text's latest date bounds the publication date */
    if (best_prec == NC_PREC_DAY) {
        snprintf(out, 16, "%04d-%02d", y, m);
        best_prec = NC_PREC_MONTH;
    } else {
        snprintf(out, 16, "%04d", y);
        best_prec = NC_PREC_YEAR;
    }
    if (evidence && evsize) {
        size_t n = best_e - best_s;
        if (n >= evsize)
            n = evsize - 1;
        memcpy(evidence, t + best_s, n);
        evidence[n] = 0;
    }
    return best_prec;
}
