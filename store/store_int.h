/* store_int.h — shared by the files of the store stage only. */
#ifndef NC_STORE_INT_H
#define NC_STORE_INT_H

#include "store.h"
#include <sqlite3.h>

/* The page cache while files are stored, and during a link, whose big sort
** SQLite bounds by the same setting (the sorter spills to temporary files
** past it): a smaller cache there keeps the link within the memory the
** ingest used. */
#define STORE_CACHE_PRAGMA "PRAGMA cache_size=-32768;"
#define LINK_CACHE_PRAGMA  "PRAGMA cache_size=-8192;"

/* What claim_group_members keeps of each member beside its ids: a copy of
** what the timeline shows of a source (its article, sentence and claim
** fields), written by the link, so that a group's sources are read from
** adjacent rows rather than from three tables spread over the file. The
** copied rows never change: a changed article is deleted and stored anew.
** MEMBER_COPY_COLS names the columns, MEMBER_COPY_VALS their values from
** claims c, articles a and sentences s (same order). */
#define MEMBER_COPY_COLS \
    "article_id, item, path, title, lang, pub_date, sentence_idx, sentence, claim_idx, predicate, amount," \
    " currency, qualifier, event_date, event_qualifier, duration, source_org, is_negated, is_hedged, confidence"
#define MEMBER_COPY_VALS \
    "a.id, a.item, a.path, a.title, a.lang, a.pub_date, s.idx, s.text, c.idx, c.predicate, c.amount," \
    " c.currency, c.qualifier, c.event_date, c.event_qualifier, c.duration, c.source_org, c.is_negated," \
    " c.is_hedged, c.confidence"

/* Strings copied into 64 KiB blocks and dropped together (a string longer
** than a quarter block gets a block of its own). Zero-initialise; the
** arena owns every copy until str_blocks_reset or str_blocks_free. */
typedef struct str_blocks {
    char **blocks;
    size_t n_blocks, cap_blocks;
    size_t left;               /* bytes free in the current block */
    char *next;                /* where the next string goes in it */
} str_blocks;

/* A predicate as the predicates table holds it (schema 6; written from the
** extractor's vocabulary by nc_store_put_orgs): what the link, the timeline,
** contract records and the load read instead of predicate names. */
typedef struct store_pred {
    const char *name, *family;
    const char *content;   /* the content kind ("money", "date", ...), NULL if none */
    const char *record;    /* contract record field ("value", "term", "signed", "ends",
                              "covers"), NULL if none */
    const char *line;      /* the timeline template */
    int required, directed, bare;
} store_pred;

struct nc_store {
    sqlite3 *db;
    char *path;
    int is_readonly;
    sqlite3_stmt *st_file_get, *st_file_del, *st_file_ins, *st_art_ins, *st_sent_ins,
                 *st_ment_ins, *st_claim_ins, *st_log_ins, *st_org_ins;
    nc_link_stats last_link;
    int log_open;          /* a transaction begun by nc_store_log, not committed yet */
    int log_rows;          /* log rows in it */
    size_t batch_max;      /* group commits (nc_store_set_batch): files per commit, */
    double batch_secs;     /* and the longest a batch stays open */
    int batch_open;        /* a batch transaction is open */
    size_t batch_n;        /* files in it */
    double batch_t0;       /* when it began (CLOCK_MONOTONIC seconds) */
    int temp_memory;       /* PRAGMA temp_store=MEMORY while group commits run */
    store_pred *preds;     /* the predicates table, sorted by name, read once */
    size_t n_preds;
    int preds_read;        /* preds holds the table (reset when it is rewritten) */
    str_blocks pred_strs;  /* their strings */
    int busy_timeout_ms;   /* the longest one wait for a lock lasts (busy_wait in store.c) */
    double busy_t0;        /* when the current wait began (CLOCK_MONOTONIC seconds) */
    double busy_waited;    /* how long the last wait that gave up lasted; 0 when none
                              did since the last error was reported */
};
/* BEGIN IMMEDIATE, or join the transaction nc_store_log left open (so that
** the ingest log costs no commit of its own); an open batch of files
** (nc_store_set_batch) is committed first, so that what follows can roll
** back alone. */
int store_begin(nc_store *s, nc_error *err);

/* Fill *err from the connection's last error, prefixed with what (what
** was being done), and return its code: NC_E_BUSY when another process held
** the database for longer than the busy timeout (the message then says for
** how long this one waited, and that a re-run stores what was not stored),
** NC_E_DB otherwise. where is the database's path. */
int  store_err(nc_store *s, nc_error *err, const char *what);
/* sqlite3_exec of sql; NC_OK, or NC_E_BUSY / NC_E_DB with *err filled as
** store_err fills it. */
int  store_exec(nc_store *s, const char *sql, nc_error *err);
/* prepare once (persistent) */
int  store_prepare(nc_store *s, const char *sql, sqlite3_stmt **st, nc_error *err);

/* A malloc'd copy of a text column, NULL for NULL. */
char *column_dup(sqlite3_stmt *st, int i);
/* Make the array *pp (elements of elem bytes, *cap of them allocated) hold
** at least need elements, doubling; 1 on success, 0 out of memory (the
** array is then left as it was). */
int store_grow(void *pp, size_t *cap, size_t need, size_t elem);


/* n bytes in the arena; NULL out of memory. */
char *str_blocks_alloc(str_blocks *b, size_t n);
/* The predicate named name in the predicates table (read into s once, by a
** prepared statement), NULL if the table has none of that name; *err is set
** (and NULL returned) only when reading the table fails. */
const store_pred *store_pred_find(nc_store *s, const char *name, nc_error *err);
/* Read the predicates table into s (once; again after it is rewritten). */
int store_preds_read(nc_store *s, nc_error *err);
/* A NUL-terminated copy of the n bytes at s; NULL (and *oom set) out of memory. */
char *str_blocks_copy(str_blocks *b, const char *s, size_t n, int *oom);
/* Free every copy; the arena stays usable. */
void str_blocks_reset(str_blocks *b);
/* Free every copy and the arena's own memory. */
void str_blocks_free(str_blocks *b);
/* Bind a date's period (nc_iso_period) at i and i + 1, or two NULLs. */
void bind_period(sqlite3_stmt *st, int i, const char *iso);
/* Write s as a JSON string ("null" for NULL); bytes that are not UTF-8 become
** U+FFFD, so the output is valid JSON for any input. */
void put_json(FILE *f, const char *s);

/* Human-readable amount: "$70 million", "€1.57 billion". */
void format_amount(const char *value, const char *currency, char *out, size_t size);
const char *qualifier_words(const char *q);

#endif
