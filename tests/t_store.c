/*
** t_store.c — the database: schema versioning, refusing foreign or newer
** databases, replacing a changed file's rows and nothing else.
*/
#include "test.h"
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>

static int exec(const char *path, const char *sql)
{
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return -1;
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static long long query_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

void t_store_schema(void)
{
    char *d = t_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/a.db", d);
    nc_error err = { 0 };
    nc_store *s = nc_store_open(path, NULL, &err);
    CHECK(s != NULL);
    nc_store_close(s);
    CHECK_INT(query_int(path, "PRAGMA user_version"), nc_store_schema_version());
    CHECK_INT(query_int(path, "PRAGMA journal_mode = wal") >= 0, 1);
    CHECK_INT(query_int(path, "SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name IN ('v_claims','v_timeline','v_conflicts')"), 3);
    /* opening again changes nothing */
    s = nc_store_open(path, NULL, &err);
    CHECK(s != NULL);
    nc_store_close(s);
    /* a newer schema is refused, and left alone */
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", nc_store_schema_version() + 1);
    CHECK_INT(exec(path, sql), SQLITE_OK);
    s = nc_store_open(path, NULL, &err);
    CHECK(s == NULL);
    CHECK_INT(err.code, NC_E_SCHEMA);
    /* naming both versions */
    char want[96];
    snprintf(want, sizeof want, "schema version %d is newer than this program's %d", nc_store_schema_version() + 1,
             nc_store_schema_version());
    CHECK(strstr(err.msg, want) != NULL);
    if (!strstr(err.msg, want))
        printf("  said: %s\n", err.msg);
    CHECK_INT(query_int(path, "PRAGMA user_version"), nc_store_schema_version() + 1);
    /* nor read it */
    nc_store_opts ro = nc_store_default_opts();
    ro.is_readonly = 1;
    s = nc_store_open(path, &ro, &err);
    CHECK(s == NULL);
    CHECK(strstr(err.msg, want) != NULL);
    nc_store_close(s);
    /* a database some other program made is refused, and left alone */
    snprintf(path, sizeof path, "%s/other.db", d);
    CHECK_INT(exec(path, "CREATE TABLE notes(x); INSERT INTO notes VALUES (42);"), SQLITE_OK);
    s = nc_store_open(path, NULL, &err);
    CHECK(s == NULL);
    CHECK_INT(err.code, NC_E_SCHEMA);
    CHECK_INT(query_int(path, "SELECT count(*) FROM sqlite_master"), 1);
    CHECK_INT(query_int(path, "SELECT x FROM notes"), 42);
    /* not a database at all */
    snprintf(path, sizeof path, "%s/text.db", d);
    FILE *f = fopen(path, "w");
    fputs("this is a text file, not a database, and it is long enough to have a header\n", f);
    fclose(f);
    s = nc_store_open(path, NULL, &err);
    CHECK(s == NULL);
    CHECK(err.code == NC_E_SCHEMA || err.code == NC_E_DB);
    /* read-only opening of a missing file says how to create it */
    snprintf(path, sizeof path, "%s/missing.db", d);
    nc_store_opts o = nc_store_default_opts();
    o.is_readonly = 1;
    s = nc_store_open(path, &o, &err);
    CHECK(s == NULL);
    CHECK(strstr(err.msg, "newsclaims ingest") != NULL);
    struct stat st;
    CHECK(stat(path, &st) != 0);
    free(d);
}

static nc_article *article(const char *name, const char *text, size_t *n)
{
    nc_meta m = { 0 };
    m.lang = "en";
    m.date = "2023-03";
    return t_ingest(name, text, strlen(text), &m, n);
}

/* The store at path, opened (checked) with the gazetteer stored; NULL if
** it would not open. */
static nc_store *open_with_orgs(const char *path, nc_error *err)
{
    nc_store *s = nc_store_open(path, NULL, err);
    CHECK(s != NULL);
    if (s)
        CHECK_INT(nc_store_put_orgs(s, t_extractor(), err), NC_OK);
    return s;
}

void t_store_replace(void)
{
    char *d = t_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/r.db", d);
    nc_error err = { 0 };
    nc_store *s = open_with_orgs(path, &err);
    if (!s)
        return;
    const char *t1 = "Twitter owes Amazon Web Services at least $70 million, according to the Information.\n";
    const char *t2 = "Twitter has a $1 billion, five-year deal with Google Cloud.\n";
    size_t n1, n2;
    nc_article *a1 = article("one.txt", t1, &n1), *a2 = article("two.txt", t2, &n2);
    nc_extraction e1, e2;
    CHECK_INT(nc_extract_article(t_extractor(), a1, NULL, &e1, &err), NC_OK);
    CHECK_INT(nc_extract_article(t_extractor(), a2, NULL, &e2, &err), NC_OK);
    int replaced = -1, unchanged = -1;
    CHECK_INT(nc_store_put_file(s, "one.txt", "h1", strlen(t1), a1, &e1, 1, &replaced, &err), NC_OK);
    CHECK_INT(replaced, 0);
    CHECK_INT(nc_store_put_file(s, "two.txt", "h2", strlen(t2), a2, &e2, 1, &replaced, &err), NC_OK);
    CHECK_INT(nc_store_is_unchanged(s, "one.txt", "h1", &unchanged, &err), NC_OK);
    CHECK_INT(unchanged, 1);
    CHECK_INT(nc_store_is_unchanged(s, "one.txt", "h1-changed", &unchanged, &err), NC_OK);
    CHECK_INT(unchanged, 0);
    CHECK_INT(nc_store_link(s, &err), NC_OK);
    nc_store_close(s);
    long long two_claims = query_int(path, "SELECT group_concat(c.id) FROM claims c JOIN articles a ON a.id = c.article_id WHERE a.path = 'two.txt'");
    long long n_claims_two = query_int(path, "SELECT count(*) FROM claims c JOIN articles a ON a.id = c.article_id WHERE a.path = 'two.txt'");
    CHECK(n_claims_two > 0);
    /* "one.txt" changes: its rows are replaced, "two.txt" keeps its own */
    s = nc_store_open(path, NULL, &err);
    const char *t1b = "Twitter has paid $10 million toward its AWS expenses.\n";
    size_t n1b;
    nc_article *a1b = article("one.txt", t1b, &n1b);
    nc_extraction e1b;
    CHECK_INT(nc_extract_article(t_extractor(), a1b, NULL, &e1b, &err), NC_OK);
    CHECK_INT(nc_store_put_file(s, "one.txt", "h1b", strlen(t1b), a1b, &e1b, 1, &replaced, &err), NC_OK);
    CHECK_INT(replaced, 1);
    CHECK_INT(nc_store_link(s, &err), NC_OK);
    nc_store_close(s);
    CHECK_INT(query_int(path, "SELECT count(*) FROM files"), 2);
    CHECK_INT(query_int(path, "SELECT count(*) FROM articles"), 2);
    CHECK_INT(query_int(path, "SELECT count(*) FROM mentions WHERE value = '70000000'"), 0);
    CHECK_INT(query_int(path, "SELECT count(*) FROM mentions WHERE value = '10000000'"), 1);
    CHECK_INT(query_int(path, "SELECT group_concat(c.id) FROM claims c JOIN articles a ON a.id = c.article_id WHERE a.path = 'two.txt'"), two_claims);
    CHECK_INT(query_int(path, "PRAGMA foreign_key_check"), -1);      /* no rows: no dangling references */
    CHECK_INT(query_int(path, "SELECT count(*) FROM claim_group_members m LEFT JOIN claims c ON c.id = m.claim_id WHERE c.id IS NULL"), 0);
    nc_extraction_free(&e1);
    nc_extraction_free(&e2);
    nc_extraction_free(&e1b);
    nc_articles_free(a1, n1);
    nc_articles_free(a2, n2);
    nc_articles_free(a1b, n1b);
    free(d);
}

/* Group commits: files in one batch are invisible to other connections
** until it commits; a file that fails in the middle rolls back alone, the
** files before and after it in the batch are stored whole. */
void t_store_group_commit(void)
{
    char *d = t_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/g.db", d);
    nc_error err = { 0 };
    nc_store *s = nc_store_open(path, NULL, &err);
    CHECK(s != NULL);
    if (!s)
        return;
    /* the vocabulary claims are stored with (their families) */
    CHECK_INT(nc_store_put_orgs(s, t_extractor(), &err), NC_OK);
    nc_store_close(s);
    /* a file the database itself refuses, as a disk or constraint error would */
    CHECK_INT(exec(path, "CREATE TRIGGER refuse_b BEFORE INSERT ON articles WHEN NEW.path = 'b.txt'"
                         " BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;"), SQLITE_OK);
    s = nc_store_open(path, NULL, &err);
    CHECK(s != NULL);
    if (!s)
        return;
    nc_store_set_batch(s, 100, 60.0);
    const char *t = "Twitter owes Amazon Web Services at least $70 million.\n";
    const char *names[3] = { "a.txt", "b.txt", "c.txt" };
    int rcs[3];
    for (int i = 0; i < 3; i++) {
        size_t n;
        nc_article *a = article(names[i], t, &n);
        nc_extraction e;
        CHECK_INT(nc_extract_article(t_extractor(), a, NULL, &e, &err), NC_OK);
        rcs[i] = nc_store_put_file(s, names[i], names[i], strlen(t), a, &e, n, NULL, &err);
        nc_extraction_free(&e);
        nc_articles_free(a, n);
    }
    CHECK_INT(rcs[0], NC_OK);
    CHECK(rcs[1] != NC_OK);
    CHECK_INT(rcs[2], NC_OK);
    /* not committed yet: another connection sees none of the batch */
    CHECK_INT(query_int(path, "SELECT count(*) FROM files"), 0);
    CHECK_INT(nc_store_flush(s, &err), NC_OK);
    CHECK_INT(query_int(path, "SELECT count(*) FROM files"), 2);
    CHECK_INT(query_int(path, "SELECT count(*) FROM files WHERE path = 'b.txt'"), 0);
    CHECK_INT(query_int(path, "SELECT count(*) FROM articles WHERE path IN ('a.txt', 'c.txt')"), 2);
    CHECK(query_int(path, "SELECT count(*) FROM claims") > 0);
    CHECK_INT(query_int(path, "SELECT count(*) FROM articles a LEFT JOIN files f ON f.id = a.file_id WHERE f.id IS NULL"), 0);
    nc_store_close(s);
    free(d);
}

/* A malloc'd copy of the first column of the first row (NULL if none). */
static char *query_str(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char *v = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_text(st, 0))
        v = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

#define SCHEMA_SQL "SELECT group_concat(type || ' ' || name || ': ' || sql, char(10)) FROM" \
                   " (SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name)"
#define GROUPS_SQL "SELECT group_concat(x, char(10)) FROM (SELECT g.id || ' ' || g.predicate || ' ' ||" \
                   " ifnull(g.amount, '-') || ' ' || g.n_claims || ' ' || (SELECT group_concat(p) FROM (SELECT" \
                   " path || '#' || claim_idx AS p FROM claim_group_members m WHERE m.group_id = g.id ORDER BY p)) AS x FROM claim_groups g ORDER BY g.id)"

/* Store texts[0..n) as files f0.txt... through one handle (bulk: begin a
** first load first); link unless cut_off. */
static void load_files(const char *path, const char *const *texts, size_t n, int bulk, int cut_off,
                       int *deferred)
{
    nc_error err = { 0 };
    nc_store *s = open_with_orgs(path, &err);
    if (!s)
        return;
    if (bulk)
        CHECK_INT(nc_store_bulk_begin(s, deferred, &err), NC_OK);
    nc_store_set_batch(s, 100, 60.0);
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%zu.txt", i);
        size_t na;
        nc_article *a = article(name, texts[i], &na);
        nc_extraction e;
        CHECK_INT(nc_extract_article(t_extractor(), a, NULL, &e, &err), NC_OK);
        CHECK_INT(nc_store_put_file(s, name, name, strlen(texts[i]), a, &e, na, NULL, &err), NC_OK);
        nc_extraction_free(&e);
        nc_articles_free(a, na);
    }
    if (!cut_off)
        CHECK_INT(nc_store_link(s, &err), NC_OK);
    nc_store_close(s);
}

/* A first load into an empty database builds its query indexes and the link
** trigger once, at its end: afterwards the schema and the claim groups are
** exactly those of a load without it. A load cut off before its end leaves a
** sound database that answers the same, and the next link builds what was
** deferred. A database that holds claims is loaded as before. */
/* db has the reference's whole schema and groups. */
static void check_like_ref(const char *db, const char *ref_schema, const char *ref_groups)
{
    char *got = query_str(db, SCHEMA_SQL);
    CHECK_STR(got, ref_schema);
    free(got);
    got = query_str(db, GROUPS_SQL);
    CHECK_STR(got, ref_groups);
    free(got);
}

void t_store_first_load(void)
{
    char *d = t_tmpdir();
    char ref[600], bulk[600], cut[600], more[600];
    snprintf(ref, sizeof ref, "%s/ref.db", d);
    snprintf(bulk, sizeof bulk, "%s/bulk.db", d);
    snprintf(cut, sizeof cut, "%s/cut.db", d);
    snprintf(more, sizeof more, "%s/more.db", d);
    static const char *const texts[] = {
        "Twitter owes Amazon Web Services at least $70 million, according to the Information.\n",
        "Twitter has a $1 billion, five-year deal with Google Cloud.\n",
        "Twitter still owes Amazon Web Services about $70 million, people familiar with the matter said.\n",
        "Twitter refused to pay Google Cloud, which may cut off its services by June 2023.\n",
    };
    size_t n = sizeof texts / sizeof *texts;
    int deferred = -1;
    load_files(ref, texts, n, 0, 0, NULL);
    load_files(bulk, texts, 0, 0, 0, NULL);     /* an empty database, linked: nothing left for the next link */
    CHECK_INT(query_int(bulk, "SELECT count(*) FROM link_dirty"), 0);
    load_files(bulk, texts, n, 1, 0, &deferred);
    CHECK_INT(deferred, 1);
    char *ref_schema = query_str(ref, SCHEMA_SQL), *ref_groups = query_str(ref, GROUPS_SQL);
    CHECK(ref_schema && strstr(ref_schema, "index claims_subject: CREATE INDEX claims_subject ON claims(subject_org)"));
    CHECK(ref_schema && strstr(ref_schema, "trigger claims_link_ins: CREATE TRIGGER"));
    CHECK(ref_groups && strstr(ref_groups, " 70000000 "));
    check_like_ref(bulk, ref_schema, ref_groups);
    char *got;
    CHECK_INT(query_int(bulk, "SELECT count(*) FROM store_meta WHERE key GLOB 'deferred:*'"), 0);
    CHECK_INT(query_int(bulk, "SELECT count(*) FROM link_dirty"), 0);

    /* cut off before its link: fewer indexes, the same answers */
    load_files(cut, texts, n, 1, 1, &deferred);
    CHECK_INT(deferred, 1);
    CHECK_INT(query_int(cut, "SELECT count(*) FROM store_meta WHERE key GLOB 'deferred:*'"), 7);
    CHECK_INT(query_int(cut, "SELECT count(*) FROM sqlite_master WHERE name IN ('claims_subject', 'claims_link_ins')"), 0);
    CHECK_INT(query_int(cut, "SELECT count(*) FROM sqlite_master WHERE name IN ('claims_sentence', 'mentions_sentence',"
                             " 'claims_mention', 'claims_link_del')"), 4);
    CHECK_INT(query_int(cut, "SELECT count(*) FROM link_dirty WHERE key = '*'"), 1);
    got = query_str(cut, "PRAGMA integrity_check");
    CHECK_STR(got, "ok");
    free(got);
    CHECK_INT(query_int(cut, "SELECT count(*) FROM v_claims WHERE subject_org = 'twitter'"),
              query_int(ref, "SELECT count(*) FROM claims WHERE subject_org = 'twitter'"));
    /* a second begin on it defers nothing more; a file removed meanwhile
    ** takes its rows with it (the cascades' indexes are there) */
    nc_error err = { 0 };
    nc_store *s = nc_store_open(cut, NULL, &err);
    CHECK(s != NULL);
    if (s) {
        deferred = -1;
        CHECK_INT(nc_store_bulk_begin(s, &deferred, &err), NC_OK);
        CHECK_INT(deferred, 1);
        CHECK_INT(query_int(cut, "SELECT count(*) FROM store_meta WHERE key GLOB 'deferred:*'"), 7);
        nc_store_close(s);
    }
    load_files(cut, texts, n, 0, 0, NULL);      /* the next run: the files stored again (replaced), then the link */
    check_like_ref(cut, ref_schema, ref_groups);
    CHECK_INT(query_int(cut, "SELECT count(*) FROM store_meta WHERE key GLOB 'deferred:*'"), 0);

    /* a database with claims: nothing deferred, new claims marked for the link by the trigger */
    load_files(more, texts, 2, 1, 0, &deferred);
    CHECK_INT(deferred, 1);
    s = nc_store_open(more, NULL, &err);
    CHECK(s != NULL);
    if (s) {
        deferred = -1;
        CHECK_INT(nc_store_bulk_begin(s, &deferred, &err), NC_OK);
        CHECK_INT(deferred, 0);
        nc_store_close(s);
    }
    got = query_str(more, SCHEMA_SQL);
    CHECK_STR(got, ref_schema);
    free(got);
    free(ref_schema);
    free(ref_groups);
    free(d);
}
