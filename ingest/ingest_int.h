/*
** ingest_int.h — shared by the files of the ingest stage only.
*/
#ifndef NC_INGEST_INT_H
#define NC_INGEST_INT_H

#include "ingest.h"
#include <unicode/utypes.h>
#include <pcre2.h>

/* A growable byte buffer; always NUL-terminated once anything was added. */
typedef struct buf {
    char  *p;
    size_t len, cap;
    int    is_oom;      /* an allocation failed; later appends are dropped */
} buf;

/* Room for extra more bytes and a NUL; 0 (and is_oom set) out of memory. */
int  buf_reserve(buf *b, size_t extra);
void buf_add(buf *b, const void *s, size_t n);
void buf_adds(buf *b, const char *s);
void buf_addc(buf *b, char c);
void buf_add_cp(buf *b, uint32_t cp);   /* append a code point as UTF-8 */
char *buf_steal(buf *b);                /* returns p (or "" copy), resets b */
void buf_free(buf *b);

char *xstrdup(const char *s);           /* NULL-safe strdup */
char *xstrndup(const char *s, size_t n);

/* Decode one UTF-8 sequence at s[*i] (len bytes in all); returns the code
** point and advances *i, or returns 0xFFFD and advances one byte on a bad
** sequence. */
uint32_t utf8_next(const char *s, size_t len, size_t *i);
/* 1 if [s, s+len) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int utf8_is_valid(const unsigned char *s, size_t len);

/* ---------------- language profiles (lang.c) */
#define NC_MAX_LANGS 32
typedef struct lang_profile {
    char  code[8];
    char  locale[32];
    int   is_supported;
    int   has_ordinal_dot;                   /* "30. Juni": digits + '.' is an ordinal */
    char **abbrevs;  size_t n_abbrevs;       /* sentence-internal abbreviations */
    pcre2_code **drop; size_t n_drop;        /* boilerplate paragraphs */
    pcre2_code **cut;  size_t n_cut;         /* boilerplate phrases cut out anywhere */
    pcre2_code **credit; size_t n_credit;    /* cited-source credit lines (group src) */
} lang_profile;

struct nc_ingester {
    nc_ingest_opts opts;
    char *data_dir;
    char  force_lang[8];
    lang_profile langs[NC_MAX_LANGS];
    size_t n_langs;
    const char *codes[NC_MAX_LANGS];
    lang_profile common;                 /* patterns from common.lang, any language */
    /* stopword -> bitmask of languages (open addressing) */
    char   **sw_keys;
    uint32_t *sw_mask;
    size_t   sw_cap;
    size_t   sw_n;                       /* entries in use */
};

int  lang_load_all(nc_ingester *ing, nc_error *err);
void lang_free_all(nc_ingester *ing);
const lang_profile *lang_find(const nc_ingester *ing, const char *code);
/* Detect the language of UTF-8 text; writes the code ("und" when unsure)
** and a margin in 0..1. */
void lang_detect(const nc_ingester *ing, const char *text, size_t len,
                 char code[8], double *margin);

/* ---------------- encoding (encoding.c) */
/* Decode raw bytes to UTF-16 (malloc'd *out, *ulen code units). enc_name
** receives the detected encoding. hint may name a charset (HTML meta). */
int decode_to_utf16(const char *name, const unsigned char *data, size_t len,
                    const char *hint, UChar **out, int32_t *ulen,
                    char enc_name[32], nc_error *err);
/* A short description if data looks like a known binary format, else NULL. */
const char *sniff_binary(const unsigned char *data, size_t len);

/* ---------------- normalization (normalize.c) */
/* NFC, space/quote/dash unification, invisible characters removed, lines
** assembled into paragraphs ('\n' after each). Result is malloc'd UTF-8. */
int normalize_text(const UChar *u, int32_t ulen, char **out, size_t *out_len,
                   nc_error *err);
/* Same from UTF-8 input (invalid sequences become U+FFFD). */
int normalize_utf8(const char *s, size_t len, char **out, size_t *out_len,
                   nc_error *err);

/* ---------------- sentences (sentence.c) */
int split_sentences(const lang_profile *lp, const char *text, size_t len,
                    nc_sentence **out, size_t *n, nc_error *err);
/* Close the calling thread's cached sentence iterators now (other threads'
** are closed when they end). */
void sentence_cache_release(void);

/* ---------------- markup (html.c, feed.c) */
typedef struct raw_article {
    char *text;        /* UTF-8, blocks separated by '\n' (before normalization) */
    char *title, *publisher, *url, *date;   /* date: ISO, any precision */
    char *date_source;
} raw_article;
void raw_article_clear(raw_article *r);

int html_extract(const char *name, const unsigned char *data, size_t len,
                 const char *encoding, int max_depth, raw_article *out,
                 nc_error *err);
/* Feeds: *items is a malloc'd array of *n raw articles. */
int feed_extract(const char *name, const unsigned char *data, size_t len,
                 int max_depth, raw_article **items, size_t *n, char format[8],
                 nc_error *err);
/* 1 if the bytes look like an RSS or Atom feed, 2 if HTML, 0 otherwise. */
int sniff_markup(const unsigned char *data, size_t len);

/* ---------------- dates (dates.c) */
/* Normalize a date as found in metadata (ISO 8601, RFC 822, "2023-03")
** to ISO at its precision; returns the precision, NC_PREC_NONE if none. */
nc_date_precision parse_meta_date(const char *s, char out[16]);
/* The publication date a text writes in its dateline or byline (dates.c's
** head says where), using ICU's month names for locale: NC_PREC_DAY and
** out "YYYY-MM-DD", evidence the date as written (cut to evidence_size);
** NC_PREC_NONE and out "" when there is none. */
nc_date_precision dateline_date(const char *locale, const char *text, size_t len,
                                char out[16], char *evidence, size_t evidence_size);

#endif
