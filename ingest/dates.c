/*
** dates.c — publication dates for ingest.
**
** parse_meta_date() reads the dates found in metadata: ISO 8601 (with or
** without time), RFC 822 / RFC 1123 as in RSS ("Thu, 30 Mar 2023 10:00:00
** GMT"), and the partial forms YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn.
**
** dateline_date() reads the publication date an article's text writes where
** a dateline or a byline stands: a whole date (day, month, year) first on
** one of its first lines, or after a weekday or a place and a comma, ending
** the line or before a dash ("5 juillet 2012. - ...", "Cuxhaven, 19.06.2015
** - ...", "Wednesday, November 4, 2015"), or after a byline's words
** ("Publié le 12-06-2023", "Published: Mar 06, 2023"). Nothing else: the
** latest date a text mentions was the publication's in 1 article of 10 on
** corpus-bench, and a wrong date is worse than none. Month names come from
** ICU's locale data (DateFormatSymbols), so a new language needs no list
** here.
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

/* ------------------------------------------------------------ datelines */

/* Where a dateline or byline may stand: the text's first lines and bytes. */
#define DATELINE_LINES 4
#define DATELINE_BYTES 600

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
    add_symbols(mn, fmt, UDAT_SHORT_MONTHS, locale);
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

/* The month a month name starting at t[i] gives (1..12), 0 if none; *end
** after the name (and a final '.'). */
static int month_at(const month_names *mn, const char *t, size_t len, size_t i, size_t *end)
{
    size_t e = i;
    while (e < len && is_word_byte((unsigned char)t[e]))
        e++;
    if (e == i)
        return 0;
    unsigned char c0 = (unsigned char)t[i];
    if (!mn->first[c0 >= 'A' && c0 <= 'Z' ? c0 | 0x20 : c0])
        return 0;
    for (int k = 0; k < mn->n; k++)
        if (word_matches(t + i, e - i, mn->name[k], mn->len[k])) {
            if (e < len && t[e] == '.')
                e++;
            *end = e;
            return mn->month[k];
        }
    return 0;
}

/* Digits at t[i] (1 to max of them, no digit after): their value, -1 if none. */
static int num_at(const char *t, size_t len, size_t i, int max, size_t *end)
{
    size_t e = i;
    while (e < len && isdigit((unsigned char)t[e]) && (int)(e - i) <= max)
        e++;
    if (e == i || (int)(e - i) > max || (e < len && isdigit((unsigned char)t[e])))
        return -1;
    *end = e;
    return digits(t + i, (int)(e - i));
}

static size_t skip_spaces(const char *t, size_t len, size_t i)
{
    while (i < len && (t[i] == ' ' || t[i] == '\t'))
        i++;
    return i;
}

/* A whole date written at t[i], with its day, month and year: "19.06.2015",
** "2015-06-19", "06/19/2015" (month first in English, else day first; a
** slash date whose order is unsure is none), "5 juillet 2012", "19. Juni
** 2015", "1er mars 2023", "November 4, 2015", "Mar 06, 2023". Returns
** yyyymmdd and sets *end, or 0. */
static int full_date_at(const month_names *mn, const char *locale, const char *t, size_t len, size_t i, size_t *end)
{
    size_t e, e2, e3;
    int a = num_at(t, len, i, 4, &e);
    if (a >= 0) {
        if (e - i == 4 && e + 1 < len && t[e] == '-') {            /* 2015-06-19 */
            int m = num_at(t, len, e + 1, 2, &e2), d = -1;
            if (m >= 1 && m <= 12 && e2 < len && t[e2] == '-')
                d = num_at(t, len, e2 + 1, 2, &e3);
            if (d >= 1 && d <= 31 && a >= 1900 && a <= 2100) {
                *end = e3;
                return a * 10000 + m * 100 + d;
            }
            return 0;
        }
        if (e - i <= 2 && e < len && (t[e] == '.' || t[e] == '/' || t[e] == '-') && e + 1 < len &&
            isdigit((unsigned char)t[e + 1])) {                     /* 19.06.2015, 06/19/2015 */
            char sep = t[e];
            int b = num_at(t, len, e + 1, 2, &e2), y = -1;
            if (b >= 1 && e2 < len && t[e2] == sep)
                y = num_at(t, len, e2 + 1, 4, &e3);
            if (y < 1900 || y > 2100 || e3 - e2 != 5)
                return 0;
            int d = a, m = b;
            if (sep == '/' && !strncmp(locale, "en", 2)) {
                if (a <= 12 && b <= 12 && a != b)
                    return 0;          /* 03/04/2015: March 4 or 3 April */
                if (a <= 12) {
                    m = a;
                    d = b;
                }
            }
            if (m < 1 || m > 12 || d < 1 || d > 31)
                return 0;
            *end = e3;
            return y * 10000 + m * 100 + d;
        }
        if (e - i <= 2 && a >= 1 && a <= 31) {                     /* 5 juillet 2012, 19. Juni 2015, 1er mars */
            size_t j = e;
            if (j + 1 < len && t[j] == 'e' && t[j + 1] == 'r')
                j += 2;
            if (j < len && t[j] == '.')
                j++;
            j = skip_spaces(t, len, j);
            int m = month_at(mn, t, len, j, &e2);
            if (!m)
                return 0;
            int y = num_at(t, len, skip_spaces(t, len, e2), 4, &e3);
            if (y < 1900 || y > 2100)
                return 0;
            *end = e3;
            return y * 10000 + m * 100 + a;
        }
        return 0;
    }
    int m = month_at(mn, t, len, i, &e);                               /* November 4, 2015 */
    if (!m)
        return 0;
    int d = num_at(t, len, skip_spaces(t, len, e), 2, &e2);
    if (d < 1 || d > 31)
        return 0;
    size_t j = e2;
    if (j + 1 < len && ((t[j] == 's' && t[j + 1] == 't') || (t[j] == 'n' && t[j + 1] == 'd') ||
                        (t[j] == 'r' && t[j + 1] == 'd') || (t[j] == 't' && t[j + 1] == 'h')))
        j += 2;
    if (j < len && t[j] == ',')
        j++;
    int y = num_at(t, len, skip_spaces(t, len, j), 4, &e3);
    if (y < 1900 || y > 2100)
        return 0;
    *end = e3;
    return y * 10000 + m * 100 + d;
}

/* Words that announce a publication date in a byline, compared without
** case at a line's start: "Publié le 12-06-2023", "Published: Mar 06, 2023". */
static const char *const bylines[] = {
    "publié le", "publié", "mis à jour le", "mis à jour", "published on", "published", "posted on", "posted",
    "updated on", "updated", "veröffentlicht am", "veröffentlicht", "aktualisiert am", "aktualisiert", "stand",
    "erschienen am", "datum", "date", NULL
};

/* Does a dateline's date end at t[e]: the line ends, or a dash, a colon or
** ". -" follows ("5 juillet 2012. - La CGT", "Cuxhaven, 19.06.2015 - Die")? */
static int dateline_end(const char *t, size_t len, size_t e)
{
    if (e < len && t[e] == '.')
        e++;
    e = skip_spaces(t, len, e);
    if (e >= len || t[e] == '\n' || t[e] == '\r' || t[e] == ':' || t[e] == '-' || t[e] == '|')
        return 1;
    /* en dash, em dash (UTF-8) */
    return e + 2 < len && (unsigned char)t[e] == 0xE2 && (unsigned char)t[e + 1] == 0x80 &&
           ((unsigned char)t[e + 2] == 0x93 || (unsigned char)t[e + 2] == 0x94);
}

nc_date_precision dateline_date(const char *locale, const char *t, size_t len, char out[16], char *evidence,
                                size_t evsize)
{
    const month_names *mn = load_months(locale);
    out[0] = 0;
    size_t lim = len < DATELINE_BYTES ? len : DATELINE_BYTES;
    size_t ls = 0;
    for (int line = 0; line < DATELINE_LINES && ls < lim; line++) {
        size_t le = ls;
        while (le < len && t[le] != '\n')
            le++;
        size_t p = skip_spaces(t, le, ls), e = 0;
        int v = 0;
        /* a byline: its words, then the date */
        for (int k = 0; bylines[k] && !v; k++) {
            size_t n = strlen(bylines[k]);
            if (p + n < le && !strncasecmp(t + p, bylines[k], n) && !is_word_byte((unsigned char)t[p + n])) {
                size_t q = p + n;
                while (q < le && (t[q] == ' ' || t[q] == ':' || t[q] == '\t'))
                    q++;
                v = full_date_at(mn, locale, t, le, q, &e);
                if (v)
                    p = q;
            }
        }
        /* a dateline: the date first on the line, or after a weekday or a
        ** place and a comma ("Wednesday, November 4, 2015", "Cuxhaven
        ** (Deutschland), 19.06.2015 -"), ending the line or before a dash */
        if (!v) {
            size_t starts[3] = { p, 0, 0 };
            int n_starts = 1;
            size_t w = p;
            while (w < le && is_word_byte((unsigned char)t[w]))
                w++;
            if (w > p && w < le && (t[w] == ',' || t[w] == ' '))
                starts[n_starts++] = skip_spaces(t, le, w + (t[w] == ','));
            for (size_t c = p; c < le && c < p + 60 && !isdigit((unsigned char)t[c]); c++)
                if (t[c] == ',') {
                    starts[n_starts++] = skip_spaces(t, le, c + 1);
                    break;
                }
            for (int k = 0; k < n_starts && !v; k++) {
                v = full_date_at(mn, locale, t, le, starts[k], &e);
                if (v && !dateline_end(t, le, e))
                    v = 0;
                if (v)
                    p = starts[k];
            }
        }
        if (v) {
            snprintf(out, 16, "%04d-%02d-%02d", v / 10000, (v / 100) % 100, v % 100);
            if (evidence && evsize) {
                size_t n = e - p < evsize ? e - p : evsize - 1;
                memcpy(evidence, t + p, n);
                evidence[n] = 0;
            }
            return NC_PREC_DAY;
        }
        ls = le + 1;
    }
    return NC_PREC_NONE;
}
