/*
** encoding.c — from raw bytes to UTF-16, recording what the bytes were.
**
** Order of evidence: a byte-order mark; bytes that are valid UTF-8 (the
** overwhelmingly common case, and one a charset detector can only get wrong);
** a charset named by the markup (HTML meta, XML declaration); ICU's charset
** detector, restricted to what news archives hold in practice. Conversion
** stops at the first byte invalid in the chosen encoding and names its
** offset, rather than quietly inserting replacement characters.
**
** Not done on purpose: UTF-16 without a BOM is not guessed (a detector's
** guess on such files is poor, and they are rare); ISO-8859-15 is reported
** only when declared, since it differs from ISO-8859-1 in eight letters a
** statistical detector cannot tell apart.
*/
#include "ingest_int.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>

const char *sniff_binary(const unsigned char *d, size_t n)
{
    static const struct { const char *magic; size_t len; const char *what; } m[] = {
        { "%PDF-", 5, "a PDF document" },
        { "\x89PNG", 4, "a PNG image" },
        { "\xFF\xD8\xFF", 3, "a JPEG image" },
        { "GIF8", 4, "a GIF image" },
        { "\x7F" "ELF", 4, "an executable (ELF)" },
        { "PK\x03\x04", 4, "a ZIP archive (or an office document)" },
        { "\x1F\x8B", 2, "a gzip archive" },
        { "BZh", 3, "a bzip2 archive" },
        { "\xFD" "7zXZ", 5, "an xz archive" },
        { "RIFF", 4, "a RIFF media file" },
        { "SQLite format 3", 15, "an SQLite database" },
        { "\xD0\xCF\x11\xE0", 4, "an OLE document (old Office format)" },
        { "MZ", 2, "a Windows executable" },
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (n >= m[i].len && memcmp(d, m[i].magic, m[i].len) == 0)
            return m[i].what;
    return NULL;
}

/* Share of control bytes (other than tab, CR, LF, FF) in the first 8 KiB. */
static int looks_binary(const unsigned char *d, size_t n)
{
    size_t k = n < 8192 ? n : 8192, bad = 0;
    for (size_t i = 0; i < k; i++)
        if (d[i] == 0 || (d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' && d[i] != '\r' && d[i] != '\f' && d[i] != 0x1B))
            bad++;
    return k && bad * 100 / k >= 2;
}

static int convert(const char *name, const char *enc, const char *data, size_t len,
                   UChar **out, int32_t *ulen, nc_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    UConverter *cv = ucnv_open(enc, &st);
    if (U_FAILURE(st))
        return nc_error_set(err, NC_E_ENCODING, name, "unknown encoding \"%s\"", enc);
    st = U_ZERO_ERROR;
    ucnv_setToUCallBack(cv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    if (len > (size_t)INT32_MAX / 2) {
        ucnv_close(cv);
        return nc_error_set(err, NC_E_TOOBIG, name, "text too large to decode");
    }
    int32_t cap = (int32_t)len + 1;   /* every supported source byte gives <= 1 code unit... */
    if (strncmp(enc, "UTF-8", 5) != 0)
        cap = (int32_t)len * 2 + 2;   /* ...except surrogate pairs from UTF-16/32 */
    UChar *u = malloc((size_t)cap * sizeof *u);
    if (!u) {
        ucnv_close(cv);
        return nc_error_set(err, NC_E_NOMEM, name, "out of memory");
    }
    UChar *target = u;
    const char *src = data;
    st = U_ZERO_ERROR;
    ucnv_toUnicode(cv, &target, u + cap, &src, data + len, NULL, 1, &st);
    if (U_FAILURE(st)) {
        size_t off = (size_t)(src - data);
        ucnv_close(cv);
        free(u);
        return nc_error_set(err, NC_E_ENCODING, name,
                            "byte offset %zu: bytes invalid in %s (%s)", off > 0 ? off - 1 : 0, enc,
                            u_errorName(st));
    }
    ucnv_close(cv);
    *out = u;
    *ulen = (int32_t)(target - u);
    return NC_OK;
}

/* A charset named in the first 4 KiB of markup, e.g. <meta charset="iso-8859-1">. */
static int markup_charset(const unsigned char *d, size_t n, char out[32])
{
    size_t k = n < 4096 ? n : 4096;
    for (size_t i = 0; i + 8 < k; i++) {
        if (strncasecmp((const char *)d + i, "charset=", 8) && strncasecmp((const char *)d + i, "encoding=", 9))
            continue;
        size_t j = i + (tolower(d[i]) == 'c' ? 8 : 9);
        while (j < k && (d[j] == '"' || d[j] == '\'' || d[j] == ' '))
            j++;
        size_t s = j;
        while (j < k && (isalnum(d[j]) || d[j] == '-' || d[j] == '_' || d[j] == ':' || d[j] == '.'))
            j++;
        if (j > s && j - s < 32) {
            memcpy(out, d + s, j - s);
            out[j - s] = 0;
            return 1;
        }
    }
    return 0;
}

int decode_to_utf16(const char *name, const unsigned char *d, size_t n,
                    const char *hint, UChar **out, int32_t *ulen,
                    char enc[32], nc_error *err)
{
    *out = NULL;
    *ulen = 0;
    const char *what = sniff_binary(d, n);
    if (what)
        return nc_error_set(err, NC_E_FORMAT, name, "binary file: looks like %s", what);
    if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
        strcpy(enc, "UTF-8");
        return convert(name, "UTF-8", (const char *)d + 3, n - 3, out, ulen, err);
    }
    if (n >= 2 && d[0] == 0xFF && d[1] == 0xFE) {
        strcpy(enc, "UTF-16LE");
        if ((n - 2) % 2)
            return nc_error_set(err, NC_E_ENCODING, name, "UTF-16LE text with an odd number of bytes (truncated?)");
        return convert(name, "UTF-16LE", (const char *)d + 2, n - 2, out, ulen, err);
    }
    if (n >= 2 && d[0] == 0xFE && d[1] == 0xFF) {
        strcpy(enc, "UTF-16BE");
        if ((n - 2) % 2)
            return nc_error_set(err, NC_E_ENCODING, name, "UTF-16BE text with an odd number of bytes (truncated?)");
        return convert(name, "UTF-16BE", (const char *)d + 2, n - 2, out, ulen, err);
    }
    if (looks_binary(d, n))
        return nc_error_set(err, NC_E_FORMAT, name, "binary file: control or NUL bytes in the text");
    if (utf8_is_valid(d, n)) {
        int is_ascii = 1;
        for (size_t i = 0; i < n && is_ascii; i++)
            is_ascii = d[i] < 0x80;
        strcpy(enc, is_ascii ? "US-ASCII" : "UTF-8");
        return convert(name, "UTF-8", (const char *)d, n, out, ulen, err);
    }
    char declared[32];
    if ((hint && *hint && strlen(hint) < 32 && strcpy(declared, hint)) || markup_charset(d, n, declared)) {
        /* a declared UTF-8 that is not valid UTF-8 is a lie more often than
        ** a truncation: fall through to detection then */
        if (strcasecmp(declared, "utf-8") && strcasecmp(declared, "utf8")) {
            int rc = convert(name, declared, (const char *)d, n, out, ulen, err);
            if (rc == NC_OK) {
                snprintf(enc, 32, "%s", declared);
                return NC_OK;
            }
        }
    }
    UErrorCode st = U_ZERO_ERROR;
    UCharsetDetector *det = ucsdet_open(&st);
    if (U_FAILURE(st))
        return nc_error_set(err, NC_E_ICU, name, "charset detector: %s", u_errorName(st));
    size_t k = n < (1u << 20) ? n : (1u << 20);
    ucsdet_setText(det, (const char *)d, (int32_t)k, &st);
    int32_t nm = 0;
    const UCharsetMatch **m = ucsdet_detectAll(det, &nm, &st);
    char chosen[32] = "";
    /* News archives in the three languages: prefer the Latin single-byte
    ** families the detector proposes; windows-1252 is a superset of
    ** ISO-8859-1 for every printable byte, so decode with it. */
    for (int32_t i = 0; U_SUCCESS(st) && i < nm && !chosen[0]; i++) {
        UErrorCode s2 = U_ZERO_ERROR;
        const char *nm_i = ucsdet_getName(m[i], &s2);
        if (U_FAILURE(s2) || !nm_i)
            continue;
        if (!strcmp(nm_i, "ISO-8859-1") || !strcmp(nm_i, "windows-1252") ||
            !strcmp(nm_i, "ISO-8859-15") || !strcmp(nm_i, "ISO-8859-2") ||
            !strcmp(nm_i, "windows-1250"))
            snprintf(chosen, sizeof chosen, "%s", nm_i);
    }
    ucsdet_close(det);
    if (!chosen[0])
        strcpy(chosen, "windows-1252");
    /* bytes 0x80-0x9F are C1 controls in ISO-8859-1 but punctuation
    ** (quotes, dashes, euro sign) in windows-1252 */
    if (!strcmp(chosen, "ISO-8859-1"))
        for (size_t i = 0; i < n; i++)
            if (d[i] >= 0x80 && d[i] <= 0x9F) {
                strcpy(chosen, "windows-1252");
                break;
            }
    int rc = convert(name, chosen, (const char *)d, n, out, ulen, err);
    if (rc == NC_E_ENCODING && !strcmp(chosen, "windows-1252")) {
        /* the five bytes windows-1252 leaves unassigned: ISO-8859-1 takes any byte */
        strcpy(chosen, "ISO-8859-1");
        rc = convert(name, chosen, (const char *)d, n, out, ulen, err);
    }
    if (rc == NC_OK)
        snprintf(enc, 32, "%s", chosen);
    return rc;
}
