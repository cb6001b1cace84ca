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
    static const char *names[] = { "none", "year", "half", "quarter", "month", "day" };
    return (unsigned)p < 6 ? names[p] : "none";
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
    if (n == 7 && s[4] == '-')
        return NC_PREC_MONTH;
    if (n == 10 && s[4] == '-' && s[7] == '-')
        return NC_PREC_DAY;
    return NC_PREC_NONE;
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
