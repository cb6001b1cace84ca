/*
** store.h — public interface of the store stage of newsclaims.
**
** The store keeps files, articles, sentences, mentions, organisations, claims,
** claim groups and conflicts in one SQLite database (schema: store/SCHEMA.md),
** and renders the claim timeline from the database alone.
**
** SQLite use: WAL, foreign keys on, schema versioned with PRAGMA user_version,
** prepared statements only, one transaction per stored file (a file holds one
** article, or several for a feed, and is replaced as a whole when it changes).
*/
#ifndef NC_STORE_H
#define NC_STORE_H

#include <stdio.h>
#include "../extract/extract.h"

typedef struct nc_store nc_store;

typedef struct nc_store_opts {
    int is_readonly;      /* open without creating or migrating, and take no lock: a reader */
    int busy_timeout_ms;  /* a writer waits this long for the write lock another process
                             holds, each time; default 5000, or NEWSCLAIMS_BUSY_TIMEOUT_MS
                             from the environment */
} nc_store_opts;

nc_store_opts nc_store_default_opts(void);

/* Open (creating and migrating if needed, unless is_readonly) the database
** at path. Refuses a file that is not a newsclaims database or has a newer
** schema version (the message names both), without writing to it
** (NC_E_SCHEMA). Other processes may use the same file at once: a writer
** creates or upgrades the schema in one transaction under the write lock,
** having read the version under it, so a second one opening a new file
** waits for the first (busy_timeout_ms) and finds the schema current; a
** reader takes no lock, is never blocked by a writer, and reads one
** snapshot (what was committed when it opened) until nc_store_close.
** Returns NULL and fills *err on failure: NC_E_SCHEMA, NC_E_IO (a reader's
** file is missing), NC_E_BUSY (another process held the lock longer than
** busy_timeout_ms; the message says how long this one waited), NC_E_DB,
** NC_E_NOMEM. Close with nc_store_close. One handle is used by
** one thread at a time. The first open in a process that has not used
** SQLite yet turns SQLite's memory statistics off
** (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0): sqlite3_memory_used() then
** reads 0); call it before other threads use SQLite. */
nc_store *nc_store_open(const char *path, const nc_store_opts *opts, nc_error *err);
/* Commit the open batch and log rows (nc_store_flush; an error there is
** not reported: call nc_store_flush first to see it), end a reader's
** snapshot, finalize every statement, close the connection, free s. NULL
** is a no-op. */
void nc_store_close(nc_store *s);

/* The schema version this program writes. */
int nc_store_schema_version(void);

/* Is the file at path already stored with this content hash? Sets
** *is_unchanged to 1 or 0. Returns NC_OK or an error. */
int nc_store_is_unchanged(nc_store *s, const char *path, const char *file_hash,
                          int *is_unchanged, nc_error *err);

/* Write the gazetteer of x into the orgs and org_aliases tables (replacing
** what was there) and its claim vocabulary into the predicates table, each
** only when it differs from the one stored, so the database explains
** itself; linking, the timeline and nc_store_put_file read the predicates'
** properties from that table, so call this before storing claims. A new
** vocabulary gives stored claims their predicate's family and marks
** everything for relinking. One transaction. */
int nc_store_put_orgs(nc_store *s, const nc_extractor *x, nc_error *err);

/* Store one file's articles and their extractions (ex[i] belongs to
** arts[i]; ex may hold n_mentions = 0 for unsupported languages) in one
** transaction, replacing whatever that path had before. *was_replaced is
** set to 1 when an earlier version was replaced (may be NULL). On error
** the transaction is rolled back, nothing already stored changes, and err
** carries SQLite's message. */
int nc_store_put_file(nc_store *s, const char *path, const char *file_hash,
                      size_t file_size, const nc_article *arts,
                      const nc_extraction *ex, size_t n,
                      int *was_replaced, nc_error *err);

/* Group commits. With max_files > 1, nc_store_put_file writes each file in
** a savepoint of its own (a file is stored whole or not at all, and a file
** that fails rolls back alone) inside a transaction that is committed once
** it holds max_files files or has been open max_seconds, and by
** nc_store_flush, nc_store_link, nc_store_close and any other write. What a
** crash can lose is the files of the open batch, each whole; nothing
** committed. max_files 0 or 1 (the default): one transaction per file. */
void nc_store_set_batch(nc_store *s, size_t max_files, double max_seconds);

/* Commit the open batch and ingest-log rows, if any. NC_OK, or the error of
** the commit: the batch was then rolled back (err says how many files it
** held) and those files are not stored. */
int nc_store_flush(nc_store *s, nc_error *err);

/* A first load into an empty database (no claims, no mentions): drop the
** indexes that serve queries and the link, and the trigger that marks new
** claims for the link, so that the load inserts rows into fewer B-trees;
** their CREATE statements are kept in store_meta ('deferred:NAME') and
** nc_store_bulk_end runs them again once, after the load. Deletes during
** the load stay indexed (the indexes their cascades use are kept), and
** queries meanwhile give the same answers, only slower. One transaction.
** On a database that holds claims it does nothing. *deferred (may be
** NULL) is set to 1 when indexes are now deferred. NC_OK or an error
** (then nothing changed). */
int nc_store_bulk_begin(nc_store *s, int *deferred, nc_error *err);

/* Build what nc_store_bulk_begin deferred, if anything (a load cut off
** before its end left it so: the next write command's link builds it).
** nc_store_link calls it first. One transaction; NC_OK or an error (then
** nothing changed and the statements are still kept). */
int nc_store_bulk_end(nc_store *s, nc_error *err);

/* Paths of the stored files whose path starts with prefix, sorted. *paths is
** a malloc'd array of malloc'd strings (free each and the array). */
int nc_store_paths_under(nc_store *s, const char *prefix, char ***paths, size_t *n,
                         nc_error *err);

/* Remove a stored file and everything that came from it (one transaction).
** Removing a path that is not stored is not an error. */
int nc_store_remove_file(nc_store *s, const char *path, nc_error *err);

/* Record the outcome of one input in the ingest_log table: status is
** "stored", "replaced", "unchanged", "failed", "skipped" or "removed"; reason may be
** NULL. With group commits, a batch open longer than its time is committed
** here first: if that commit fails, its error is returned (as
** nc_store_flush's: the batch's files are not stored). */
int nc_store_log(nc_store *s, const char *path, const char *status,
                 const char *reason, nc_error *err);

/* Bring claim groups, conflicts and contracts up to date with the claims
** table, in one transaction. Incremental: only the predicate families and
** currencies that stored or removed claims touched since the last link are
** recomputed (all of it after a new gazetteer or schema upgrade), and
** nothing at all when nothing changed. The result is exactly that of a
** recomputation from scratch, and depends only on the stored claims, not
** on the order in which files were stored. Errors: NC_E_DB, NC_E_BUSY,
** NC_E_NOMEM; on error nothing is changed. */
int nc_store_link(nc_store *s, nc_error *err);

/* What the last nc_store_link did (zeros if it had nothing to do). */
typedef struct nc_link_stats {
    int    full;            /* 1 if everything was recomputed */
    size_t claims_read;     /* claims it read and grouped */
    size_t groups_written;  /* groups it wrote */
} nc_link_stats;
void nc_store_last_link(const nc_store *s, nc_link_stats *out);

/* Mark every claim group for recomputation by the next nc_store_link
** (what a new gazetteer does). NC_OK or an error. */
int nc_store_relink_all(nc_store *s, nc_error *err);

/* ------------------------------------------------------- load and merge */

/* What a load or merge did. */
typedef struct nc_load_report {
    size_t stored, replaced, unchanged, failed, articles;
    size_t differing;          /* merge: paths whose content differs between shards
                                  (or from what OUT held): the first kept */
    char   differing_example[512];
} nc_load_report;

/* Called with a place ("FILE:LINE" or a path) and a message for each line
** or file that could not be stored. */
typedef void (*nc_load_fn)(void *ud, const char *where, const char *msg);

/* Store the JSON lines `newsclaims extract --stream` writes, read from in
** (name is used in messages). Consecutive lines with the same path are one
** file; a file stored before with the same bytes is skipped, a changed one
** replaced, as ingest does; each file is one transaction. A bad line is
** reported through report (may be NULL) and counted as failed; the rest
** goes on. Counts are added to *rep (may be NULL). Returns NC_OK, or an
** error that stops the load (database busy, I/O, memory). Claim groups are
** not relinked: call nc_store_link after. */
int nc_store_load_jsonl(nc_store *s, FILE *in, const char *name, nc_load_report *rep,
                        nc_load_fn report, void *ud, nc_error *err);

/* Copy every file of the shard databases (at most 9 at once; same schema
** version) into s with all their rows, in path order over all the shards;
** a path already in s, or in an earlier shard, is kept from there (those
** whose content differs are counted in rep->differing). Marks
** all claim groups for relinking (call nc_store_link after). One
** transaction; on error nothing is changed. rep->stored counts the files. */
int nc_store_merge(nc_store *s, const char *const *shards, size_t n_shards, nc_load_report *rep,
                   nc_error *err);

/* ------------------------------------------------------------ timeline */

typedef enum nc_timeline_format {
    NC_TL_TEXT = 0, NC_TL_MARKDOWN, NC_TL_JSON, NC_TL_CSV, NC_TL_HTML
} nc_timeline_format;

/* Parse "text", "md" / "markdown", "json", "csv", "html"; -1 if unknown. */
int nc_timeline_format_parse(const char *name);

typedef struct nc_timeline_opts {
    nc_timeline_format format;
    const char *company;    /* org id, name or alias; its parent/children match too */
    const char *from, *to;  /* ISO dates at any precision, inclusive */
    const char *lang;       /* only groups with a source in this language */
    const char *predicate;  /* only this predicate */
    int min_sources;        /* only groups with at least this many sources */
    int use_color;          /* ANSI colour in text output */
} nc_timeline_opts;

nc_timeline_opts nc_timeline_default_opts(void);

/* Write the claim timeline to out. The output depends only on the database
** content and opts: the same database gives the same bytes. Returns NC_OK,
** NC_E_USAGE for a bad filter (message says which), or NC_E_DB. */
int nc_timeline_write(nc_store *s, const nc_timeline_opts *opts, FILE *out,
                      nc_error *err);

/* Explain a claim group ("21", "g21") or a claim ("c87"): its fields, the
** conflicts, and for each claim the source sentence with its mentions
** highlighted (ANSI colour when use_color, [brackets] otherwise), the rules
** that fired and the reference date its dates were resolved against. Text
** or one JSON document. NC_E_USAGE when the id names nothing. */
int nc_store_explain(nc_store *s, const char *spec, int is_json, int use_color, FILE *out,
                     nc_error *err);

/* Show a stored article, by id or path: its metadata and where each piece
** came from, its mentions, and its text when with_text. Text or JSON. */
int nc_store_show(nc_store *s, const char *spec, int is_json, int with_text, FILE *out,
                  nc_error *err);

/* Write counts per table, per language and per mention kind, as text or as
** one JSON document (is_json). */
int nc_store_stats(nc_store *s, int is_json, FILE *out, nc_error *err);

#endif
