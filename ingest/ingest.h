/*
** ingest.h — public interface of the ingest stage of newsclaims.
**
** Ingest turns files (plain text in any common encoding, HTML pages, RSS and
** Atom feeds) into article records: NFC-normalized UTF-8 text, sentences with
** byte spans into that text, language, metadata (title, publisher, URL,
** publication date with its precision and provenance) and content hashes.
**
** This header also holds the few types every stage shares (nc_error, date
** precision), because data flows one way, ingest -> extract -> store: the
** later stages include this header, never the other way round.
**
** Conventions (see each function):
**   - functions that can fail return 0 (NC_OK) or a negative NC_E_* code and
**     fill an optional nc_error; library code prints nothing and never exits;
**   - every pointer a function returns is either owned by the caller (and the
**     comment names the function that frees it) or borrowed (and the comment
**     says for how long it stays valid).
*/
#ifndef NC_INGEST_H
#define NC_INGEST_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#define NC_VERSION "0.1.0"

/* ---------------------------------------------------------------- errors */

enum {
    NC_OK = 0,
    NC_E_IO = -1,        /* a file could not be read or written */
    NC_E_NOMEM = -2,     /* an allocation failed */
    NC_E_ENCODING = -3,  /* bytes invalid in every candidate encoding */
    NC_E_FORMAT = -4,    /* not an article: binary, unparsable markup */
    NC_E_EMPTY = -5,     /* no article text left */
    NC_E_TOOBIG = -6,    /* over a configured size limit */
    NC_E_RULES = -7,     /* a rule or data file is wrong */
    NC_E_DB = -8,        /* SQLite reported an error */
    NC_E_SCHEMA = -9,    /* not a newsclaims database, or a newer one */
    NC_E_USAGE = -10,    /* bad argument from the caller */
    NC_E_LIMIT = -11,    /* a match, depth or time limit was hit */
    NC_E_ICU = -12,      /* ICU reported an error */
    NC_E_BUSY = -13      /* the database is locked by another process */
};

/* An error report: a code, where it happened ("corpus/002.html:14",
** "extract/rules/de.rules:31") and a message a user can act on. */
typedef struct nc_error {
    int  code;
    char where[256];
    char msg[512];
} nc_error;

/* Short constant text for an NC_E_* code. Never NULL, never freed. */
const char *nc_strerror(int code);

/* Fill *e (if e is not NULL) and return code. where may be NULL. */
int nc_error_set(nc_error *e, int code, const char *where, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* ------------------------------------------------------- shared values */

/* Precision of a date, coarse to fine. ISO forms: 2023, 2023-H1, 2023-Q1,
** 2023-SU (a season, TIMEX style: SP spring March to May, SU summer June to
** August, FA autumn September to November, WI winter December to February,
** named by the year it starts in), 2023-03, 2023-W11 (an ISO 8601 week,
** Monday to Sunday), 2023-03-15. NC_PREC_NONE means no date. */
typedef enum nc_date_precision {
    NC_PREC_NONE = 0,
    NC_PREC_YEAR,
    NC_PREC_HALF,
    NC_PREC_QUARTER,
    NC_PREC_SEASON,
    NC_PREC_MONTH,
    NC_PREC_WEEK,
    NC_PREC_DAY
} nc_date_precision;

/* "year", "half", "quarter", "season", "month", "week", "day" or "none".
** Static string. */
const char *nc_precision_name(nc_date_precision p);
/* Precision of an ISO date string as above (NC_PREC_NONE if not one). */
nc_date_precision nc_precision_of_iso(const char *iso);

/* The ISO 8601 week of a Gregorian day: its number (1-53), with the
** week's year (which differs from y around New Year: 2021-01-01 is in
** 2020-W53) into *week_year. No allocation; the date is not checked. */
int nc_iso_week(int y, int m, int d, int *week_year);
/* The Monday of ISO week w of week_year into *y, *m, *d; 0 (and nothing
** written) if w is not a week of that year. */
int nc_iso_week_monday(int week_year, int w, int *y, int *m, int *d);
/* Days from 1970-01-01 to the Gregorian day y-m-d (negative before it). */
long nc_day_number(int y, int m, int d);
/* The Gregorian day n days after y-m-d (n may be negative). */
void nc_add_days(int *y, int *m, int *d, long n);
/* The number of days in month m (1-12) of Gregorian year y. */
int nc_days_in_month(int y, int m);
/* The first and last day of an ISO date at any precision above ("2023-Q1":
** 2023-01-01 and 2023-03-31; a week Monday to Sunday, a winter into the next
** year), or of an ISO 8601 interval of two such dates ("2020/2022-Q1": from
** 2020-01-01 to 2022-03-31), as "YYYY-MM-DD" into start and end; 0, nothing
** written, if iso is not one (or the interval ends before it starts). No
** allocation. */
int nc_iso_period(const char *iso, char start[11], char end[11]);
/* The season a TIMEX code names ("SP", "SU", "FA", "WI": 1 to 4, 0 for
** anything else) and the month it starts in (3, 6, 9, 12). No allocation. */
int nc_season_of(const char *code, int *first_month);

/* A sentence: a byte span [start, end) into nc_article.text, and its
** language (the article's, or its paragraph's where a paragraph is clearly
** in another language; "" means the article's). */
typedef struct nc_sentence {
    size_t start, end;
    char   lang[8];
} nc_sentence;

/* ------------------------------------------------------------ articles */

/* One article. Every string is NUL-terminated UTF-8 owned by the article
** (free the whole array with nc_articles_free). Optional strings are NULL
** when unknown. */
typedef struct nc_article {
    char  *path;           /* the file it came from, as given */
    int    item;           /* 0 for a file holding one article; 1.. for feed items */
    char   file_hash[65];  /* SHA-256 (hex) of the file's raw bytes */
    char   text_hash[65];  /* SHA-256 (hex) of text */
    char  *text;           /* normalized NFC text; paragraphs end with '\n' */
    size_t text_len;       /* bytes, without the terminating NUL */
    nc_sentence *sentences;
    size_t n_sentences;
    char   lang[8];        /* ISO 639-1 code, "und" if undetermined */
    int    lang_supported; /* 1 if extraction rules exist for lang */
    double lang_score;     /* detector's margin (0..1); 1 when given */
    char   lang_source[16];   /* "detected", "metadata", "option" */
    char   format[8];      /* "text", "html", "rss", "atom" */
    char   encoding[32];   /* detected source encoding, e.g. "UTF-8", "windows-1252" */
    char  *title;
    char  *publisher;
    char  *url;
    char  *cited_source;   /* e.g. "The Information" from "Source : The Information" */
    char   pub_date[16];   /* ISO date at pub_date_precision, "" if unknown */
    nc_date_precision pub_date_precision;
    char   pub_date_source[16];  /* "metadata", "header", "html", "feed", "dateline", "" */
    char  *pub_date_note;  /* free text: how the date was obtained */
} nc_article;

/* Free n articles allocated by nc_ingest_buffer / nc_ingest_file and the
** array itself. NULL is a no-op. */
void nc_articles_free(nc_article *a, size_t n);

/* Free what one article owns (its strings and sentences), not the article
** itself, and zero it: for an article that is not in an array from
** nc_ingest_buffer. NULL is a no-op. */
void nc_article_clear(nc_article *a);

/* ------------------------------------------------------------ ingester */

typedef struct nc_ingest_opts {
    const char *data_dir;       /* folder of <lang>.lang files; default "ingest/data" */
    size_t      max_file_bytes; /* larger files are refused (NC_E_TOOBIG); default 64 MiB */
    const char *force_lang;     /* if set, skip detection and use this code */
    int         xml_max_depth;  /* deepest markup nesting accepted; default 256 */
    int         no_jit;         /* boilerplate patterns without PCRE2 JIT; default:
                                   set when NEWSCLAIMS_NO_JIT is set */
} nc_ingest_opts;

/* Defaults as documented on each field. */
nc_ingest_opts nc_ingest_default_opts(void);

/* Opaque: language profiles, abbreviations, boilerplate patterns. */
typedef struct nc_ingester nc_ingester;

/* Load every <lang>.lang file in opts->data_dir (opts may be NULL for the
** defaults). Returns NULL and fills *err on failure. The ingester is
** read-only after creation and may be shared by threads. Free with
** nc_ingester_free. Each thread that ingests keeps its own ICU sentence
** iterators (one per locale, a few hundred KB) until the thread ends;
** nc_ingester_free closes the calling thread's. */
nc_ingester *nc_ingester_new(const nc_ingest_opts *opts, nc_error *err);
void nc_ingester_free(nc_ingester *ing);   /* NULL is a no-op */

/* Codes of the languages the ingester knows, supported or not (borrowed,
** valid while ing lives). */
size_t nc_ingester_languages(const nc_ingester *ing, const char *const **codes);

/* Metadata given by the user beside a file (see README, "Metadata
** sidecar"), applied over what was detected. All fields optional; strings
** are borrowed by nc_ingest_buffer for the length of the call. */
typedef struct nc_meta {
    const char *lang, *title, *publisher, *url, *source;
    const char *date;        /* ISO date at any precision */
    const char *date_note;   /* how the date was obtained */
} nc_meta;

/* Parse the sidecar file PATH.meta if it exists. On success *out points to
** a new nc_meta whose strings it owns (free with nc_meta_free); *out is NULL
** when there is no sidecar. Returns NC_OK or an error (with file:line). */
int nc_meta_load(const char *path, nc_meta **out, nc_error *err);
void nc_meta_free(nc_meta *m);

/* Turn one file's raw bytes into articles. name is used in messages and
** stored as the article path; meta may be NULL. On NC_OK, *out is a new array
** of *n_out >= 1 articles (free with nc_articles_free). On error *out is
** NULL, *n_out is 0 and err says why (naming the file). */
int nc_ingest_buffer(const nc_ingester *ing, const char *name,
                     const unsigned char *data, size_t len,
                     const nc_meta *meta,
                     nc_article **out, size_t *n_out, nc_error *err);
/* The same for a caller that has hashed the bytes already (to skip an
** unchanged file): file_hash is their SHA-256 as 64 hex digits and a NUL,
** copied into each article's file_hash instead of hashing them again. */
int nc_ingest_buffer_hashed(const nc_ingester *ing, const char *name,
                            const unsigned char *data, size_t len, const char file_hash[65],
                            const nc_meta *meta,
                            nc_article **out, size_t *n_out, nc_error *err);

/* ------------------------------------------------------------ stream mode */

/* One input line of `newsclaims extract --stream`: what it named and held. */
typedef struct nc_stream_input {
    char path[1024];        /* "path" (or "id") */
    unsigned char *data;    /* the bytes ingested: "text", "html" or decoded
                               "data_b64"; owned, free with nc_stream_input_free */
    size_t len;
    char hash[65];          /* SHA-256 (hex) of data */
} nc_stream_input;

/* Turn one JSON line ({"path", "text"|"html"|"data_b64", and optional
** "lang", "date", "date_note", "title", "publisher", "url", "source"}) into articles, as
** nc_ingest_buffer does a file's bytes (the format and encoding are
** detected the same way). lineno is for messages ("stdin:12"). On NC_OK,
** *out holds *n_out articles (free with nc_articles_free) and *in the
** input (free with nc_stream_input_free, also after an error). */
int nc_ingest_json_line(const nc_ingester *ing, const char *line, size_t len, size_t lineno,
                        nc_stream_input *in, nc_article **out, size_t *n_out, nc_error *err);
void nc_stream_input_free(nc_stream_input *in);

/* Write data as base64 (RFC 4648, padded) to f: the "data_b64" field. */
void nc_base64_write(FILE *f, const unsigned char *data, size_t len);

/* Read a whole file (at most max_bytes; NC_E_TOOBIG beyond). *data is
** malloc'd (free with free()), NUL-terminated for convenience. */
int nc_read_file(const char *path, size_t max_bytes,
                 unsigned char **data, size_t *len, nc_error *err);

/* SHA-256 of a buffer as 64 lowercase hex digits plus NUL into hex[65]. */
void nc_sha256_hex(const void *data, size_t len, char hex[65]);

/* ---------------------------------------------------------------- walk */

/* Called for each path the walk cannot use (unreadable, loop, vanished);
** the walk goes on. */
typedef void (*nc_walk_error_fn)(void *ud, const char *path, const char *reason);

/* Collect the article files under each root (a file or a directory,
** walked recursively). Skips hidden entries, *.meta sidecars, files in a
** walked directory whose extension says they are no article (.tsv, .csv,
** .jsonl, .py, images, archives, databases; counted by kind, see
** nc_walker_left_out; a file named as a root is always taken), the database
** files named by skip (may be NULL; matched by device and inode, together
** with its -wal, -shm and -journal siblings) and anything not a regular
** file; survives symlink loops. The result is sorted bytewise so the walk
** order never changes results. *paths is a malloc'd array of malloc'd
** strings (free with nc_paths_free). Returns NC_OK, or an error only when a
** root itself cannot be used (also reported through on_error). */
int nc_walk(const char *const *roots, size_t n_roots, const char *skip,
            char ***paths, size_t *n_paths,
            nc_walk_error_fn on_error, void *ud);

/* The same walk one path at a time, holding only the entries of the
** directories it is in (memory does not grow with the number of files).
** nc_walker_open returns NULL out of memory; roots, skip and on_error as
** for nc_walk (a root that cannot be used is reported at once).
** nc_walker_next returns the next path in bytewise order, owned by the
** walker and valid until the next call, or NULL at the end.
** nc_walker_close frees the walker and returns NC_OK, NC_E_IO if a root
** could not be used, or NC_E_NOMEM if the walk ran out of memory. */
typedef struct nc_walker nc_walker;
nc_walker *nc_walker_open(const char *const *roots, size_t n_roots, const char *skip,
                          nc_walk_error_fn on_error, void *ud);
const char *nc_walker_next(nc_walker *w);
/* How many files the walk has left out so far because their extension says
** they are no article, and, written into buf (cap bytes, NUL-terminated,
** cut to fit), how many of each kind: "2 table, 1 code". 0 (buf "") when
** none or w is NULL. */
size_t nc_walker_left_out(const nc_walker *w, char *buf, size_t cap);
int nc_walker_close(nc_walker *w);
void nc_paths_free(char **paths, size_t n);

#endif
