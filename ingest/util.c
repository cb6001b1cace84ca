/*
** util.c — small helpers shared by the whole library: error reporting,
** growable buffers, UTF-8 decoding and validation, date precision names.
*/
#include "ingest_int.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *nc_strerror(int code)
{
    switch (code) {
    case NC_OK: return "ok";
    case NC_E_IO: return "input/output error";
    case NC_E_NOMEM: return "out of memory";
    case NC_E_ENCODING: return "undecodable text";
    case NC_E_FORMAT: return "not an article";
    case NC_E_EMPTY: return "no article text";
    case NC_E_TOOBIG: return "too large";
    case NC_E_RULES: return "bad rule or data file";
    case NC_E_DB: return "database error";
    case NC_E_SCHEMA: return "unusable database";
    case NC_E_USAGE: return "usage error";
    case NC_E_LIMIT: return "limit reached";
    case NC_E_ICU: return "ICU error";
    case NC_E_BUSY: return "database is locked";
    }
    return "unknown error";
}

int nc_error_set(nc_error *e, int code, const char *where, const char *fmt, ...)
{
    if (!e)
        return code;
    e->code = code;
    snprintf(e->where, sizeof e->where, "%s", where ? where : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

const char *nc_precision_name(nc_date_precision p)
{
    static const char *names[] = { "none", "year", "half", "quarter", "season", "month", "week", "day" };
    return (unsigned)p < sizeof names / sizeof *names ? names[p] : "none";
}

nc_date_precision nc_precision_of_iso(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 4)
        return NC_PREC_NONE;
    for (int i = 0; i < 4; i++)
        if (s[i] < '0' || s[i] > '9')
            return NC_PREC_NONE;
    if (n == 4)
        return NC_PREC_YEAR;
    if (n == 7 && s[4] == '-' && s[5] == 'H')
        return NC_PREC_HALF;
    if (n == 7 && s[4] == '-' && s[5] == 'Q')
        return NC_PREC_QUARTER;
    if (n == 7 && s[4] == '-' && nc_season_of(s + 5, NULL))
        return NC_PREC_SEASON;
    if (n == 7 && s[4] == '-' && s[5] >= '0' && s[5] <= '1' && s[6] >= '0' && s[6] <= '9')
        return NC_PREC_MONTH;
    if (n == 8 && s[4] == '-' && s[5] == 'W' && s[6] >= '0' && s[6] <= '5' && s[7] >= '0' && s[7] <= '9')
        return NC_PREC_WEEK;
    if (n == 10 && s[4] == '-' && s[7] == '-')
        return NC_PREC_DAY;
    return NC_PREC_NONE;
}

/* ----------------------------------------------------------- calendar */

/* "YYYY-MM-DD" into out[11]; the parts are in range (10 characters). */
static void put_ymd(char out[11], int y, int m, int d)
{
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 10);
    out[10] = 0;
}

int nc_iso_period(const char *iso, char start[11], char end[11])
{
    const char *slash = iso ? strchr(iso, '/') : NULL;
    if (slash) {
        /* an ISO 8601 interval of two dates, "2023-03-11/2023-03-12": from
        ** the first's first day to the second's last */
        char a[16], b[16], s0[11], e0[11], s1[11], e1[11];
        size_t la = (size_t)(slash - iso), lb = strlen(slash + 1);
        if (la >= sizeof a || lb >= sizeof b || strchr(slash + 1, '/'))
            return 0;
        memcpy(a, iso, la);
        a[la] = 0;
        memcpy(b, slash + 1, lb + 1);
        if (!nc_iso_period(a, s0, e0) || !nc_iso_period(b, s1, e1) || strcmp(s0, e1) > 0)
            return 0;
        memcpy(start, s0, 11);
        memcpy(end, e1, 11);
        return 1;
    }
    nc_date_precision p = iso ? nc_precision_of_iso(iso) : NC_PREC_NONE;
    if (p == NC_PREC_NONE)
        return 0;
    int y = atoi(iso), m0 = 1, m1 = 12, d0 = 1, d1 = 0;
    if (y < 0 || y > 9999)
        return 0;
    if (p == NC_PREC_WEEK) {
        /* Monday to Sunday, across a month's or a year's end if it falls so */
        int y0, mo0, dd0, y1, mo1, dd1;
        if (!nc_iso_week_monday(y, atoi(iso + 6), &y0, &mo0, &dd0))
            return 0;
        y1 = y0; mo1 = mo0; dd1 = dd0;
        nc_add_days(&y1, &mo1, &dd1, 6);
        if (y0 < 0 || y1 > 9999)
            return 0;
        put_ymd(start, y0, mo0, dd0);
        put_ymd(end, y1, mo1, dd1);
        return 1;
    }
    if (p == NC_PREC_SEASON) {
        /* three months from the one it starts in; winter runs into the next year */
        int first, y1 = y, last;
        nc_season_of(iso + 5, &first);
        last = first + 2;
        if (last > 12) {
            last -= 12;
            y1 = y + 1;
        }
        if (y1 > 9999)
            return 0;
        put_ymd(start, y, first, 1);
        put_ymd(end, y1, last, nc_days_in_month(y1, last));
        return 1;
    }
    switch (p) {
    case NC_PREC_QUARTER: m0 = (iso[6] - '1') * 3 + 1; m1 = m0 + 2; break;
    case NC_PREC_HALF: m0 = (iso[6] - '1') * 6 + 1; m1 = m0 + 5; break;
    case NC_PREC_MONTH: m0 = m1 = atoi(iso + 5); break;
    case NC_PREC_DAY: m0 = m1 = atoi(iso + 5); d0 = d1 = atoi(iso + 8); break;
    default: break;
    }
    if (m0 < 1 || m1 > 12 || m1 < m0 || d0 < 1 || d0 > 31)
        return 0;
    if (!d1)
        d1 = nc_days_in_month(y, m1);
    put_ymd(start, y, m0, d0);
    put_ymd(end, y, m1, d1);
    return 1;
}

int nc_days_in_month(int y, int m)
{
    static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return md[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 || y % 400 == 0));
}

int nc_season_of(const char *code, int *first_month)
{
    static const char *codes[] = { "SP", "SU", "FA", "WI" };
    for (int i = 0; i < 4; i++)
        if (code && !strncmp(code, codes[i], 2)) {
            if (first_month)
                *first_month = 3 * (i + 1);
            return i + 1;
        }
    return 0;
}

/* Days since 1970-01-01 of a Gregorian date, and back (the civil-calendar
** conversions, exact for any year an int holds). */
static long days_from_civil(long y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

long nc_day_number(int y, int m, int d)
{
    return days_from_civil(y, m, d);
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* 1 = Monday .. 7 = Sunday; 1970-01-01 was a Thursday. */
static int weekday_of_days(long z)
{
    long w = (z + 3) % 7;
    return (int)(w < 0 ? w + 7 : w) + 1;
}

void nc_add_days(int *y, int *m, int *d, long n)
{
    civil_from_days(days_from_civil(*y, *m, *d) + n, y, m, d);
}

/* The Monday of week 1: the week with the year's first Thursday (January 4
** is always in it). */
static long week1_monday(int wy)
{
    long j4 = days_from_civil(wy, 1, 4);
    return j4 - (weekday_of_days(j4) - 1);
}

int nc_iso_week(int y, int m, int d, int *week_year)
{
    long z = days_from_civil(y, m, d);
    /* the week's Thursday decides its year */
    long thu = z + 4 - weekday_of_days(z);
    int ty, tm, td;
    civil_from_days(thu, &ty, &tm, &td);
    *week_year = ty;
    return (int)((thu - week1_monday(ty)) / 7) + 1;
}

int nc_iso_week_monday(int week_year, int w, int *y, int *m, int *d)
{
    if (w < 1 || w > 53)
        return 0;
    long mon = week1_monday(week_year) + 7L * (w - 1);
    if (w == 53 && mon >= week1_monday(week_year + 1))
        return 0;   /* a year of 52 weeks */
    civil_from_days(mon, y, m, d);
    return 1;
}

/* ------------------------------------------------------------- buffers */

int buf_reserve(buf *b, size_t extra)
{
    if (b->is_oom)
        return 0;
    if (b->len + extra + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->is_oom = 1;
        return 0;
    }
    b->p = p;
    b->cap = cap;
    return 1;
}

void buf_add(buf *b, const void *s, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void buf_adds(buf *b, const char *s) { buf_add(b, s, strlen(s)); }
void buf_addc(buf *b, char c) { buf_add(b, &c, 1); }

void buf_add_cp(buf *b, uint32_t c)
{
    char t[4];
    size_t n;
    if (c < 0x80) { t[0] = (char)c; n = 1; }
    else if (c < 0x800) { t[0] = (char)(0xC0 | (c >> 6)); t[1] = (char)(0x80 | (c & 0x3F)); n = 2; }
    else if (c < 0x10000) {
        t[0] = (char)(0xE0 | (c >> 12)); t[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        t[2] = (char)(0x80 | (c & 0x3F)); n = 3;
    } else {
        t[0] = (char)(0xF0 | (c >> 18)); t[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        t[2] = (char)(0x80 | ((c >> 6) & 0x3F)); t[3] = (char)(0x80 | (c & 0x3F)); n = 4;
    }
    buf_add(b, t, n);
}

char *buf_steal(buf *b)
{
    char *p = b->p;
    if (!p)
        p = calloc(1, 1);
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

void buf_free(buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

char *xstrdup(const char *s) { return s ? xstrndup(s, strlen(s)) : NULL; }

char *xstrndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

/* ---------------------------------------------------------------- UTF-8 */

uint32_t utf8_next(const char *str, size_t len, size_t *i)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t k = *i;
    unsigned c = s[k];
    if (c < 0x80) {
        *i = k + 1;
        return c;
    }
    size_t n;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; min = 0x10000; }
    else { *i = k + 1; return 0xFFFD; }
    if (n >= len - k) {             /* truncated sequence at the end */
        *i = k + 1;
        return 0xFFFD;
    }
    for (size_t j = 1; j <= n; j++) {
        if ((s[k + j] & 0xC0) != 0x80) {
            *i = k + 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[k + j] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        *i = k + 1;
        return 0xFFFD;
    }
    *i = k + n + 1;
    return cp;
}

int utf8_is_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t before = i;
        uint32_t cp = utf8_next((const char *)s, len, &i);
        /* utf8_next advances one byte exactly when the sequence is bad
        ** (a real U+FFFD is three bytes) */
        if (cp == 0xFFFD && i == before + 1)
            return 0;
    }
    return 1;
}
