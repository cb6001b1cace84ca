/*
** normalize.c — the text every later stage sees.
**
** Steps, in order:
**   1. NFC (ICU unorm2; the normalizer is a shared singleton, never closed).
**   2. One pass over the code points: every Unicode space becomes a plain
**      space, except a space that groups digits inside a number ("300 000",
**      often U+202F or U+00A0 in French), which becomes U+00A0 so the
**      number stays one token for extraction; typographic quotes become '"'
**      or '\'' and dashes '-'; soft hyphens, zero-width and bidi control
**      characters are removed; control characters dropped; unpaired
**      surrogates become U+FFFD.
**   3. Lines become paragraphs. In hard-wrapped text (most lines 40-100
**      columns, as in wire copy) the lines of a block are joined; elsewhere
**      each line is a paragraph, but for a line that ends no sentence
**      followed by one starting in small letters (the same sentence). A word broken across lines with a hyphen is
**      rejoined. Runs of spaces collapse to one. Each paragraph ends in '\n'.
**
** Not done on purpose: "Mitarbeiter*innen", "Abonnent:innen" and the like
** are left exactly as written (no character here touches '*' or ':').
*/
#include "ingest_int.h"
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uchar.h>

static int is_space_cp(uint32_t c)
{
    return c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x202F || c == 0x205F || c == 0x3000 || c == '\t' || c == 0x0B;
}

static int is_removed_cp(uint32_t c)
{
    return c == 0x00AD || c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 ||
           c == 0xFEFF || c == 0x180E || c == 0x200E || c == 0x200F ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

static int is_digit_ascii(uint32_t c) { return c >= '0' && c <= '9'; }

/* Step 2: code points to UTF-8, with the mapping described above. */
static void map_chars(const UChar *u, int32_t n, buf *o)
{
    uint32_t prev = 0;  /* last code point written */
    /* room for the text as it is, mostly: one byte per ASCII character */
    buf_add(o, "", 0);
    buf_reserve(o, (size_t)n);
    for (int32_t i = 0; i < n;) {
        uint32_t c = u[i++];
        if (c > 0x20 && c < 0x7F && o->len + 1 < o->cap) {
            /* printable ASCII other than space, the usual case: as it is */
            o->p[o->len++] = (char)c;
            o->p[o->len] = 0;
            prev = c;
            continue;
        }
        if (U16_IS_LEAD(c)) {
            if (i < n && U16_IS_TRAIL(u[i]))
                c = U16_GET_SUPPLEMENTARY(c, u[i++]);
            else
                c = 0xFFFD;
        } else if (U16_IS_TRAIL(c)) {
            c = 0xFFFD;
        }
        if (c == '\r') {
            if (i < n && u[i] == '\n')
                continue;
            c = '\n';
        }
        if (c == 0x2028 || c == 0x0085 || c == '\f')
            c = '\n';
        if (c == 0x2029) {
            buf_adds(o, "\n\n");
            prev = '\n';
            continue;
        }
        if (is_removed_cp(c))
            continue;
        if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F))
            continue;
        if (is_space_cp(c)) {
            uint32_t next = i < n ? u[i] : 0;
            if (c != '\t' && c != 0x0B && is_digit_ascii(prev) && is_digit_ascii(next) &&
                i + 2 < n && is_digit_ascii(u[i + 1]) && is_digit_ascii(u[i + 2])) {
                buf_add_cp(o, 0x00A0);   /* digit group separator: "300 000" */
                prev = 0x00A0;
            } else {
                buf_addc(o, ' ');
                prev = ' ';
            }
            continue;
        }
        switch (c) {
        case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x02BC:
            c = '\'';
            break;
        case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033:
            c = '"';
            break;
        case 0x00AB: case 0x2039:   /* « text »: the inner spaces go */
            buf_addc(o, '"');
            while (i < n && is_space_cp(u[i] == ' ' ? 0x00A0 : u[i]))
                i++;
            prev = '"';
            continue;
        case 0x00BB: case 0x203A:
            while (o->len && o->p[o->len - 1] == ' ')
                o->p[--o->len] = 0;
            c = '"';
            break;
        case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
        case 0xFE58: case 0xFE63: case 0xFF0D:
            c = '-';
            break;
        case 0x2026:
            buf_adds(o, "...");
            prev = '.';
            continue;
        }
        buf_add_cp(o, c);
        prev = c;
    }
}

/* ---------------------------------------------------------- paragraphs */

typedef struct line {
    const char *s;
    size_t len;
    int indent;  /* leading spaces before trimming */
} line;

static int starts_lower(const char *s, size_t n)
{
    if (!n)
        return 0;
    size_t i = 0;
    uint32_t c = utf8_next(s, n, &i);
    return u_islower((UChar32)c);
}

/* Does line l end a sentence or a clause (its last character . ! ? : ;
** or a closing quotation mark or bracket after one)? A line that does not,
** followed by one starting in small letters, is the same sentence broken
** by a hard wrap, even where the text is no wrapped block (a wire item's
** notes under its table: "... MidSouth Corp, a" / "regional railroad
** company ..."). */
static int ends_sentence(const line *l)
{
    size_t n = l->len;
    while (n > 0 && (l->s[n - 1] == ' ' || l->s[n - 1] == '"' || l->s[n - 1] == ')' || l->s[n - 1] == '\''))
        n--;
    return n == 0 || strchr(".!?:;", l->s[n - 1]) != NULL;
}

static int ends_broken_word(const line *l)
{
    /* "...Infor-" + "mation": a letter, then a hyphen, at the very end */
    if (l->len < 3 || l->s[l->len - 1] != '-')
        return 0;
    unsigned char c = (unsigned char)l->s[l->len - 2];
    return (c >= 'a' && c <= 'z') || c >= 0x80;
}

static void assemble(const char *t, size_t n, buf *o)
{
    /* split into trimmed lines, spaces collapsed */
    size_t cap = 64, nl = 0;
    line *ls = malloc(cap * sizeof *ls);
    buf work = { 0 };
    /* First collapse spaces line by line into work, remembering offsets. */
    size_t *starts = malloc(cap * sizeof *starts);
    if (!ls || !starts) {
        free(ls);
        free(starts);
        o->is_oom = 1;
        return;
    }
    size_t i = 0;
    while (i <= n) {
        size_t e = i;
        while (e < n && t[e] != '\n')
            e++;
        int indent = 0;
        size_t s = i;
        while (s < e && t[s] == ' ') {
            s++;
            indent++;
        }
        size_t from = work.len;
        /* runs of spaces become one: copy each run of other bytes whole */
        for (size_t k = s; k < e;) {
            if (t[k] == ' ') {
                k++;
                continue;
            }
            size_t r = k;
            while (r < e && t[r] != ' ')
                r++;
            if (k > s && t[k - 1] == ' ' && work.len > from)
                buf_addc(&work, ' ');
            buf_add(&work, t + k, r - k);
            k = r;
        }
        if (nl == cap) {
            cap *= 2;
            line *l2 = realloc(ls, cap * sizeof *ls);
            size_t *s2 = realloc(starts, cap * sizeof *starts);
            if (l2) ls = l2;
            if (s2) starts = s2;
            if (!l2 || !s2) {
                o->is_oom = 1;
                break;
            }
        }
        starts[nl] = from;
        ls[nl].len = work.len - from;
        ls[nl].indent = indent;
        nl++;
        i = e + 1;
    }
    for (size_t k = 0; k < nl; k++)
        ls[k].s = work.p ? work.p + starts[k] : "";
    free(starts);

    /* is the text hard-wrapped? */
    size_t nonempty = 0, mid = 0, maxlen = 0;
    for (size_t k = 0; k < nl; k++) {
        if (!ls[k].len)
            continue;
        nonempty++;
        if (ls[k].len >= 40 && ls[k].len <= 100)
            mid++;
        if (ls[k].len > maxlen)
            maxlen = ls[k].len;
    }
    int is_wrapped = nonempty >= 4 && maxlen <= 110 && mid * 2 >= nonempty;

    int open = 0;   /* a paragraph is being written */
    for (size_t k = 0; k < nl; k++) {
        const line *l = &ls[k];
        if (!l->len) {
            if (open) {
                buf_addc(o, '\n');
                open = 0;
            }
            continue;
        }
        if (open) {
            const line *p = &ls[k - 1];
            if (ends_broken_word(p) && starts_lower(l->s, l->len)) {
                o->len--;              /* drop the hyphen, join the word */
                o->p[o->len] = 0;
            } else if ((is_wrapped || (!ends_sentence(p) && starts_lower(l->s, l->len))) && l->indent < 2) {
                buf_addc(o, ' ');     /* a wrapped block, or a sentence that goes on in small letters */
            } else {
                buf_addc(o, '\n');
            }
        }
        buf_add(o, l->s, l->len);
        open = 1;
    }
    if (open)
        buf_addc(o, '\n');
    buf_free(&work);
    free(ls);
}

int normalize_text(const UChar *u, int32_t ulen, char **out, size_t *out_len, nc_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    if (U_FAILURE(st))
        return nc_error_set(err, NC_E_ICU, NULL, "NFC normalizer: %s", u_errorName(st));
    /* NFC of already-NFC text (the usual case) is the text itself */
    int32_t done = unorm2_spanQuickCheckYes(nfc, u, ulen, &st);
    UChar *norm = NULL;
    const UChar *src = u;
    int32_t slen = ulen;
    if (U_SUCCESS(st) && done < ulen) {
        st = U_ZERO_ERROR;
        int32_t need = unorm2_normalize(nfc, u, ulen, NULL, 0, &st);
        if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
            return nc_error_set(err, NC_E_ICU, NULL, "NFC: %s", u_errorName(st));
        norm = malloc(((size_t)need + 1) * sizeof *norm);
        if (!norm)
            return nc_error_set(err, NC_E_NOMEM, NULL, "out of memory");
        st = U_ZERO_ERROR;
        slen = unorm2_normalize(nfc, u, ulen, norm, need + 1, &st);
        if (U_FAILURE(st)) {
            free(norm);
            return nc_error_set(err, NC_E_ICU, NULL, "NFC: %s", u_errorName(st));
        }
        src = norm;
    }
    buf mapped = { 0 }, o = { 0 };
    map_chars(src, slen, &mapped);
    free(norm);
    assemble(mapped.p ? mapped.p : "", mapped.len, &o);
    int is_oom = mapped.is_oom || o.is_oom;
    buf_free(&mapped);
    if (is_oom) {
        buf_free(&o);
        return nc_error_set(err, NC_E_NOMEM, NULL, "out of memory");
    }
    *out_len = o.len;
    *out = buf_steal(&o);
    return NC_OK;
}

int normalize_utf8(const char *s, size_t len, char **out, size_t *out_len, nc_error *err)
{
    if (len > (size_t)INT32_MAX / 2)
        return nc_error_set(err, NC_E_TOOBIG, NULL, "text too large");
    UChar *u = malloc((len + 1) * sizeof *u);
    if (!u)
        return nc_error_set(err, NC_E_NOMEM, NULL, "out of memory");
    int32_t ulen = 0;
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8WithSub(u, (int32_t)len + 1, &ulen, s, (int32_t)len, 0xFFFD, NULL, &st);
    if (U_FAILURE(st)) {
        free(u);
        return nc_error_set(err, NC_E_ICU, NULL, "UTF-8 to UTF-16: %s", u_errorName(st));
    }
    int rc = normalize_text(u, ulen, out, out_len, err);
    free(u);
    return rc;
}
