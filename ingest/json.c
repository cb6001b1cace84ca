/*
** json.c — one article as a JSON line (stream mode), and the few JSON
** pieces that needs: a reader for one flat object (string, number, true,
** false and null values; nested values are skipped), and base64.
**
** Input line: {"path": "...", "text" | "html" | "data_b64": "...",
**              "lang", "date", "date_note", "title", "publisher", "url", "source": "..."}
** "text" is plain text, "html" a page or fragment (both UTF-8, as JSON
** strings are), "data_b64" the raw bytes of a file in any encoding (what
** `newsclaims pack` writes). "id" stands for "path" when that is missing.
*/
#include "ingest_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct kv {
    char key[32];
    char *val;       /* decoded, NUL-terminated; NULL for null or a nested value */
    size_t len;
} kv;

static const char *ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

static void put_utf8(char *out, size_t *o, unsigned cp)
{
    if (cp < 0x80) {
        out[(*o)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*o)++] = (char)(0xC0 | (cp >> 6));
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[(*o)++] = (char)(0xE0 | (cp >> 12));
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*o)++] = (char)(0xF0 | (cp >> 18));
        out[(*o)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    }
}

static int hex4(const char *p, const char *end, unsigned *v)
{
    if (end - p < 4)
        return 0;
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
        if (d > 15)
            return 0;
        *v = *v * 16 + d;
    }
    return 1;
}

/* A JSON string at p (after its opening quote): decoded into a new buffer.
** Lone surrogates become U+FFFD. Returns the position after the closing
** quote, NULL if malformed. */
static const char *string(const char *p, const char *end, char **out, size_t *olen)
{
    char *sbuf = malloc((size_t)(end - p) + 1);
    if (!sbuf)
        return NULL;
    size_t o = 0;
    while (p < end && *p != '"') {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20) {
            free(sbuf);
            return NULL;
        }
        if (c != '\\') {
            sbuf[o++] = (char)c;
            p++;
            continue;
        }
        if (++p >= end)
            break;
        char e = *p++;
        switch (e) {
        case '"': sbuf[o++] = '"'; break;
        case '\\': sbuf[o++] = '\\'; break;
        case '/': sbuf[o++] = '/'; break;
        case 'b': sbuf[o++] = '\b'; break;
        case 'f': sbuf[o++] = '\f'; break;
        case 'n': sbuf[o++] = '\n'; break;
        case 'r': sbuf[o++] = '\r'; break;
        case 't': sbuf[o++] = '\t'; break;
        case 'u': {
            unsigned cp;
            if (!hex4(p, end, &cp)) {
                free(sbuf);
                return NULL;
            }
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (end - p >= 6 && p[0] == '\\' && p[1] == 'u' && hex4(p + 2, end, &lo) && lo >= 0xDC00 &&
                    lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                } else {
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            put_utf8(sbuf, &o, cp);   /* at most 4 bytes for the 6 or 12 read */
            break;
        }
        default:
            free(sbuf);
            return NULL;
        }
    }
    if (p >= end) {
        free(sbuf);
        return NULL;
    }
    sbuf[o] = 0;
    *out = sbuf;
    *olen = o;
    return p + 1;
}

/* Skip one JSON value of any kind (depth-limited). */
static const char *skip_value(const char *p, const char *end, int depth)
{
    p = ws(p, end);
    if (p >= end || depth > 64)
        return NULL;
    if (*p == '"') {
        char *s;
        size_t n;
        p = string(p + 1, end, &s, &n);
        if (p)
            free(s);
        return p;
    }
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = ws(p + 1, end);
        if (p < end && *p == close)
            return p + 1;
        for (;;) {
            if (close == '}') {
                p = ws(p, end);
                if (p >= end || *p != '"')
                    return NULL;
                p = skip_value(p, end, depth + 1);
                p = p ? ws(p, end) : NULL;
                if (!p || p >= end || *p != ':')
                    return NULL;
                p++;
            }
            p = skip_value(p, end, depth + 1);
            p = p ? ws(p, end) : NULL;
            if (!p || p >= end)
                return NULL;
            if (*p == close)
                return p + 1;
            if (*p != ',')
                return NULL;
            p++;
        }
    }
    const char *b = p;
    while (p < end && (*p == '-' || *p == '+' || *p == '.' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
                       (*p >= 'A' && *p <= 'Z')))
        p++;
    return p > b ? p : NULL;
}

static void kv_free(kv *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].val);
    free(v);
}

/* The members of one flat JSON object. */
static int parse_object(const char *line, size_t len, kv **out, size_t *n_out)
{
    const char *p = ws(line, line + len), *end = line + len;
    *out = NULL;
    *n_out = 0;
    if (p >= end || *p != '{')
        return 0;
    kv *v = NULL;
    size_t n = 0;
    p = ws(p + 1, end);
    if (p < end && *p == '}')
        return 1;
    for (;;) {
        p = ws(p, end);
        if (p >= end || *p != '"')
            goto bad;
        char *key;
        size_t klen;
        p = string(p + 1, end, &key, &klen);
        if (!p)
            goto bad;
        p = ws(p, end);
        if (p >= end || *p != ':') {
            free(key);
            goto bad;
        }
        p = ws(p + 1, end);
        kv *nv = realloc(v, (n + 1) * sizeof *nv);
        if (!nv) {
            free(key);
            goto bad;
        }
        v = nv;
        memset(&v[n], 0, sizeof v[n]);
        snprintf(v[n].key, sizeof v[n].key, "%s", key);
        free(key);
        if (p < end && *p == '"') {
            p = string(p + 1, end, &v[n].val, &v[n].len);
        } else {
            const char *b = p;
            p = skip_value(p, end, 0);
            if (p && *b != '{' && *b != '[' && strncmp(b, "null", 4)) {
                v[n].len = (size_t)(p - b);
                v[n].val = malloc(v[n].len + 1);
                if (v[n].val) {
                    memcpy(v[n].val, b, v[n].len);
                    v[n].val[v[n].len] = 0;
                }
            }
        }
        n++;
        if (!p)
            goto bad;
        p = ws(p, end);
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p < end && *p == '}')
            break;
        goto bad;
    }
    *out = v;
    *n_out = n;
    return 1;
bad:
    kv_free(v, n);
    return 0;
}

static const kv *get(const kv *v, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].key, key))
            return &v[i];
    return NULL;
}

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

static unsigned char *b64_decode(const char *s, size_t len, size_t *out_len)
{
    unsigned char *out = malloc(len / 4 * 3 + 4);
    if (!out)
        return NULL;
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '=' || c == '\n' || c == '\r' || c == ' ')
            continue;
        int v = b64val(c);
        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    *out_len = o;
    return out;
}

void nc_base64_write(FILE *f, const unsigned char *data, size_t len)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)data[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        fputc(tab[(v >> 18) & 63], f);
        fputc(tab[(v >> 12) & 63], f);
        fputc(i + 1 < len ? tab[(v >> 6) & 63] : '=', f);
        fputc(i + 2 < len ? tab[v & 63] : '=', f);
    }
}

int nc_ingest_json_line(const nc_ingester *ing, const char *line, size_t len, size_t lineno,
                        nc_stream_input *in, nc_article **out, size_t *n_out, nc_error *err)
{
    memset(in, 0, sizeof *in);
    *out = NULL;
    *n_out = 0;
    char where[64];
    snprintf(where, sizeof where, "stdin:%zu", lineno);
    kv *v = NULL;
    size_t n = 0;
    if (!parse_object(line, len, &v, &n))
        return nc_error_set(err, NC_E_FORMAT, where, "not a JSON object on one line");
    const kv *path = get(v, n, "path");
    if (!path || !path->val)
        path = get(v, n, "id");
    const kv *text = get(v, n, "text"), *html = get(v, n, "html"), *b64 = get(v, n, "data_b64");
    int rc = NC_OK;
    if (path && path->val)
        snprintf(in->path, sizeof in->path, "%s", path->val);
    if (!path || !path->val || !path->len)
        rc = nc_error_set(err, NC_E_FORMAT, where, "the object has no \"path\" (or \"id\")");
    else if (!(text && text->val) && !(html && html->val) && !(b64 && b64->val))
        rc = nc_error_set(err, NC_E_FORMAT, path->val, "the object has no \"text\", \"html\" or \"data_b64\"");
    if (rc == NC_OK) {
        snprintf(in->path, sizeof in->path, "%s", path->val);
        if (b64 && b64->val) {
            in->data = b64_decode(b64->val, b64->len, &in->len);
            if (!in->data)
                rc = nc_error_set(err, NC_E_FORMAT, in->path, "\"data_b64\" is not base64");
        } else {
            const kv *t = text && text->val ? text : html;
            in->data = malloc(t->len + 1);
            if (!in->data) {
                rc = nc_error_set(err, NC_E_NOMEM, in->path, "out of memory");
            } else {
                memcpy(in->data, t->val, t->len);
                in->len = t->len;
            }
        }
    }
    if (rc == NC_OK && in->len > ing->opts.max_file_bytes)
        rc = nc_error_set(err, NC_E_TOOBIG, in->path, "%zu bytes, over the limit of %zu bytes", in->len,
                          ing->opts.max_file_bytes);
    if (rc == NC_OK) {
        nc_sha256_hex(in->data, in->len, in->hash);
        nc_meta meta = { 0 };
        const kv *f;
        if ((f = get(v, n, "lang")) && f->val)
            meta.lang = f->val;
        if ((f = get(v, n, "date")) && f->val)
            meta.date = f->val;
        if ((f = get(v, n, "title")) && f->val)
            meta.title = f->val;
        if ((f = get(v, n, "publisher")) && f->val)
            meta.publisher = f->val;
        if ((f = get(v, n, "url")) && f->val)
            meta.url = f->val;
        if ((f = get(v, n, "source")) && f->val)
            meta.source = f->val;
        if ((f = get(v, n, "date_note")) && f->val)
            meta.date_note = f->val;
        else if (meta.date)
            meta.date_note = "given in the stream";
        rc = nc_ingest_buffer_hashed(ing, in->path, in->data, in->len, in->hash, &meta, out, n_out, err);
    }
    kv_free(v, n);
    return rc;
}

void nc_stream_input_free(nc_stream_input *in)
{
    free(in->data);
    in->data = NULL;
    in->len = 0;
}
