/*
** t_reliability.c — crashes mid-ingest, concurrent use of one database,
** databases in states we must not touch, and a batch of hostile inputs.
** Every test drives the real binary (t_bin()), as a user would.
*/
#include "test.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Append the rows of one query, one line each, columns joined by '|'. */
static void dump_query(sqlite3 *db, const char *sql, char **buf, size_t *len, size_t *cap)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stdout, "  dump: %s: %s\n", sql, sqlite3_errmsg(db));
        return;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const char *v = (const char *)sqlite3_column_text(st, c);
            size_t n = v ? strlen(v) : 4;
            if (*len + n + 2 >= *cap) {
                *cap = (*len + n + 2) * 2;
                *buf = realloc(*buf, *cap);
            }
            memcpy(*buf + *len, v ? v : "NULL", n);
            *len += n;
            (*buf)[(*len)++] = c + 1 < sqlite3_column_count(st) ? '|' : '\n';
        }
    }
    (*buf)[*len] = 0;
    sqlite3_finalize(st);
}

/* A canonical dump of what a database says, independent of row ids and of
** when things were stored: files, articles, sentences, mentions, claims by
** path and position, then the claim groups, conflicts and contracts as the
** JSON timeline reports them. NULL if the file is not a readable database. */
static char *canonical_dump(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    static const char *const q[] = {
        "SELECT path, content_hash, size FROM files ORDER BY path",
        "SELECT path, item, text_hash, lang, pub_date, length(text) FROM articles ORDER BY path, item",
        "SELECT a.path, a.item, s.idx, s.start, s.\"end\", s.lang FROM sentences s JOIN articles a ON a.id = s.article_id"
        " ORDER BY a.path, a.item, s.idx",
        "SELECT a.path, a.item, m.start, m.\"end\", m.kind, m.value FROM mentions m JOIN articles a ON a.id = m.article_id"
        " ORDER BY a.path, a.item, m.start, m.kind",
        "SELECT a.path, a.item, c.idx, c.predicate, c.subject_org, c.object_org, c.amount, c.event_date FROM claims c"
        " JOIN articles a ON a.id = c.article_id ORDER BY a.path, a.item, c.idx",
        "SELECT g.id, g.predicate, g.subject_org, g.object_org, g.amount, g.event_date, g.n_sources, g.langs,"
        " (SELECT group_concat(p, ',') FROM (SELECT a.path || '#' || s.idx || '.' || c.idx AS p"
        "   FROM claim_group_members m JOIN claims c ON c.id = m.claim_id JOIN articles a ON a.id = c.article_id"
        "   JOIN sentences s ON s.id = c.sentence_id WHERE m.group_id = g.id ORDER BY a.path, s.idx, c.idx))"
        " FROM claim_groups g ORDER BY g.id",
        "SELECT group_id, field, value FROM conflicts ORDER BY group_id, field, value",
        "SELECT count(*) FROM contracts",
        /* the schema whole: what a first load deferred is built by the next link */
        "SELECT type, name, sql FROM sqlite_master ORDER BY name",
        "SELECT key FROM store_meta WHERE key GLOB 'deferred:*'",
    };
    char *buf = malloc(1);
    size_t len = 0, cap = 1;
    buf[0] = 0;
    for (size_t i = 0; i < sizeof q / sizeof *q; i++)
        dump_query(db, q[i], &buf, &len, &cap);
    sqlite3_close(db);
    return buf;
}

/* Opened read-write (never created), as the next process would: SQLite
** rolls back the hot journal a killed writer leaves, which a read-only
** connection may not do. */
static char *query_text(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *v = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_text(st, 0))
        v = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static long long query_num(const char *path, const char *sql)
{
    char *v = query_text(path, sql);
    long long n = v ? atoll(v) : -1;
    free(v);
    return n;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* n generated articles in three languages, dir/gen_NNN.txt from first on. */
static void write_generated(const char *dir, int first, int n)
{
    static const char *const tmpl[] = {
        "Twitter refuse de payer ses factures. Selon le journal, le groupe devrait encore %d millions de dollars "
        "à Amazon Web Services depuis mars 2023. Le contrat de cinq ans avait été signé en 2020.\n",
        "Twitter soll Google Cloud noch %d Millionen US-Dollar schulden. Der Vertrag wurde vor über 5 Jahren "
        "unterzeichnet, berichtet die Zeitung am 30. Juni 2023.\n",
        "Twitter still owes Amazon Web Services about $%d million, people familiar with the matter said. "
        "The five-year deal was signed in 2020.\n",
    };
    for (int i = first; i < first + n; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/gen_%03d.txt", dir, i);
        FILE *f = fopen(path, "w");
        if (!f)
            continue;
        for (int p = 0; p < 6; p++)
            fprintf(f, tmpl[(i + p) % 3], 10 + (i * 7 + p) % 90);
        fclose(f);
    }
}

/* corpus/ plus n generated articles in three languages, in DIR/in. */
static void make_batch(const char *d, int n)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/in' && cp corpus/* '%s/in/'", d, d);
    CHECK_INT(t_run(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "%s/in", d);
    write_generated(cmd, 0, n);
}

/* Kill the ingest with SIGKILL at random moments; after each kill the
** database is sound, holds no half-stored article, and re-running the
** ingest gives exactly what a clean run gives. */
void t_reliability_sigkill(void)
{
    char *d = t_tmpdir();
    make_batch(d, 30);
    char ref_db[600], db[600], cmd[2000];
    snprintf(ref_db, sizeof ref_db, "%s/ref.db", d);
    snprintf(db, sizeof db, "%s/k.db", d);
    double t0 = now_s();
    snprintf(cmd, sizeof cmd, "%s ingest '%s/in' --db '%s' --quiet", t_bin(), d, ref_db);
    CHECK_INT(t_run(cmd, NULL), 0);
    double clean = now_s() - t0;
    char *ref = canonical_dump(ref_db);
    CHECK(ref && strlen(ref) > 1000);
    const char *env = getenv("NEWSCLAIMS_TEST_KILLS");
    int trials = env && atoi(env) > 0 ? atoi(env) : 50;
    unsigned seed = 20231123;
    int killed_mid = 0, bad = 0, deferred_seen = 0;
    for (int t = 0; t < trials && ref; t++) {
        snprintf(cmd, sizeof cmd, "rm -f '%s' '%s-wal' '%s-shm'", db, db, db);
        CHECK_INT(t_run(cmd, NULL), 0);
        seed = seed * 1103515245u + 12345u;
        double at = clean * 1.1 * ((seed >> 8) % 1000) / 1000.0;
        pid_t pid = fork();
        if (pid == 0) {
            int fd = open("/dev/null", O_WRONLY);
            dup2(fd, 1);
            dup2(fd, 2);
            char sh[1800];
            snprintf(sh, sizeof sh, "exec %s ingest '%s/in' --db '%s' --quiet", t_bin(), d, db);
            execl("/bin/sh", "sh", "-c", sh, (char *)NULL);
            _exit(127);
        }
        struct timespec ts = { (time_t)at, (long)((at - (time_t)at) * 1e9) };
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int st = 0;
        waitpid(pid, &st, 0);
        if (WIFSIGNALED(st))
            killed_mid++;
        struct stat sb;
        if (stat(db, &sb) == 0) {
            char *ic = query_text(db, "PRAGMA integrity_check");
            if (!ic || strcmp(ic, "ok")) {
                sqlite3 *h = NULL;
                sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL);
                printf("  trial %d (kill at %.3f s): integrity_check says %s (%s)\n", t, at, ic ? ic : "(unreadable)",
                       h ? sqlite3_errmsg(h) : "");
                sqlite3_close(h);
                bad++;
            }
            free(ic);
            /* a first load cut off: stats says what the next run will build */
            if (query_num(db, "SELECT count(*) FROM store_meta WHERE key GLOB 'deferred:*'") > 0 && !deferred_seen++) {
                char *st_out = NULL;
                snprintf(cmd, sizeof cmd, "%s stats --db '%s' --json", t_bin(), db);
                CHECK_INT(t_run(cmd, &st_out), 0);
                CHECK(st_out && strstr(st_out, "\"deferred_indexes\":7}"));
                free(st_out);
            }
            /* nothing half stored: every file has its articles, every article its sentences */
            long long orphan_files = query_num(db, "SELECT count(*) FROM files f WHERE NOT EXISTS"
                                                   " (SELECT 1 FROM articles a WHERE a.file_id = f.id)");
            long long empty_articles = query_num(db, "SELECT count(*) FROM articles a WHERE NOT EXISTS"
                                                     " (SELECT 1 FROM sentences s WHERE s.article_id = a.id)");
            if (orphan_files > 0 || empty_articles > 0) {
                printf("  trial %d: %lld files without articles, %lld articles without sentences\n", t, orphan_files,
                       empty_articles);
                bad++;
            }
        }
        snprintf(cmd, sizeof cmd, "%s ingest '%s/in' --db '%s' --quiet", t_bin(), d, db);
        if (t_run(cmd, NULL) != 0) {
            printf("  trial %d: the re-run failed\n", t);
            bad++;
            continue;
        }
        char *got = canonical_dump(db);
        if (!got || strcmp(got, ref)) {
            printf("  trial %d (kill at %.3f s): the re-run's database differs from a clean run's\n", t, at);
            bad++;
        }
        free(got);
    }
    printf("  %d trials, %d killed before the ingest ended, %d of them in a first load's deferred indexes"
           " (clean run %.2f s)\n", trials, killed_mid, deferred_seen, clean);
    CHECK_INT(bad, 0);
    CHECK(killed_mid >= trials / 2);
    /* not required to be > 0: the kills fall where the machine's speed puts
    ** them; t_store_first_load cuts a first load off deterministically */
    free(ref);
    free(d);
}

/* The timeline can be read while an ingest writes; two ingests into one
** database serialise (or one stops with a clear message); the database is
** sound and holds what one clean run gives. */
void t_reliability_concurrency(void)
{
    char *d = t_tmpdir();
    make_batch(d, 60);
    char db[600], ref_db[600], cmd[2000];
    snprintf(db, sizeof db, "%s/c.db", d);
    snprintf(ref_db, sizeof ref_db, "%s/ref.db", d);
    snprintf(cmd, sizeof cmd, "%s ingest corpus --db '%s' --quiet && %s ingest '%s/in' --db '%s' --quiet", t_bin(),
             ref_db, t_bin(), d, ref_db);
    CHECK_INT(t_run(cmd, NULL), 0);
    char *ref = canonical_dump(ref_db);
    /* a first ingest of corpus/ only, so that readers have something to read */
    snprintf(cmd, sizeof cmd, "%s ingest corpus --db '%s' --quiet", t_bin(), db);
    CHECK_INT(t_run(cmd, NULL), 0);
    /* two writers at once, and readers while they write */
    pid_t w[2];
    for (int i = 0; i < 2; i++) {
        w[i] = fork();
        if (w[i] == 0) {
            char sh[1800];
            snprintf(sh, sizeof sh, "exec %s ingest '%s/in' --db '%s' --quiet > '%s/w%d.out' 2>&1", t_bin(), d, db,
                     d, i);
            execl("/bin/sh", "sh", "-c", sh, (char *)NULL);
            _exit(127);
        }
    }
    int reads = 0, read_failures = 0, running = 2, st[2] = { 0, 0 };
    while (running > 0) {
        snprintf(cmd, sizeof cmd, "%s timeline --db '%s' --format json > /dev/null 2> '%s/r.err'", t_bin(), db, d);
        if (t_run(cmd, NULL) != 0) {
            read_failures++;
            snprintf(cmd, sizeof cmd, "%s/r.err", d);
            char *e = t_read(cmd, NULL);
            printf("  a timeline read failed during the ingest: %s\n", e ? e : "");
            free(e);
        }
        reads++;
        for (int i = 0; i < 2; i++)
            if (w[i] > 0 && waitpid(w[i], &st[i], WNOHANG) == w[i]) {
                w[i] = 0;
                running--;
            }
    }
    printf("  %d timeline reads during two concurrent ingests\n", reads);
    CHECK(reads >= 1);
    CHECK_INT(read_failures, 0);
    int ok = 0;
    for (int i = 0; i < 2; i++) {
        int code = WIFEXITED(st[i]) ? WEXITSTATUS(st[i]) : -1;
        if (code == 0) {
            ok++;
        } else {
            /* the one that stopped says why */
            snprintf(cmd, sizeof cmd, "%s/w%d.out", d, i);
            char *o = t_read(cmd, NULL);
            CHECK(o && (strstr(o, "locked") || strstr(o, "busy")));
            printf("  writer %d stopped: %s", i, o ? o : "\n");
            free(o);
        }
    }
    CHECK(ok >= 1);
    char *ic = query_text(db, "PRAGMA integrity_check");
    CHECK(ic && !strcmp(ic, "ok"));
    free(ic);
    /* whatever happened, one more run gives the clean result */
    snprintf(cmd, sizeof cmd, "%s ingest '%s/in' --db '%s' --quiet", t_bin(), d, db);
    CHECK_INT(t_run(cmd, NULL), 0);
    char *got = canonical_dump(db);
    CHECK(ref && got && !strcmp(ref, got));
    if (ref && got && strcmp(ref, got)) {
        size_t i = 0;
        while (ref[i] && ref[i] == got[i])
            i++;
        printf("  dumps differ at byte %zu: clean \"%.120s\" vs \"%.120s\"\n", i, ref + i, got + i);
    }
    free(got);
    free(ref);
    free(d);
}

/* What a database holds, by content alone (no row ids, whatever order
** things were stored in): each file with its hash and how many articles
** and claims it gave; each claim group's fields, its members by path,
** item, sentence and position, and its conflicts with their member, sorted
** by the members; the contracts the same way; then what every link leaves
** behind (nothing marked, nothing deferred) and the schema whole. NULL if
** the file is not a readable database. */
static char *content_dump(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
#define MEMBER_KEY(C) "a.path || '#' || a.item || '.' || s.idx || '.' || " C ".idx"
#define MEMBER_JOIN(C) " JOIN articles a ON a.id = " C ".article_id JOIN sentences s ON s.id = " C ".sentence_id"
    static const char *const q[] = {
        "SELECT f.path, f.content_hash, (SELECT count(*) FROM articles a WHERE a.file_id = f.id),"
        " (SELECT count(*) FROM claims c JOIN articles a ON a.id = c.article_id WHERE a.file_id = f.id)"
        " FROM files f ORDER BY f.path",
        "SELECT * FROM (SELECT g.predicate, g.family, g.subject_org, g.object_org, g.object_text, g.amount, g.currency,"
        " g.qualifier, g.duration, g.event_date, g.event_precision, g.n_claims, g.n_sources, g.langs, g.first_report,"
        " g.last_report,"
        " (SELECT group_concat(k, ' ') FROM (SELECT " MEMBER_KEY("c") " AS k FROM claim_group_members m"
        "   JOIN claims c ON c.id = m.claim_id" MEMBER_JOIN("c") " WHERE m.group_id = g.id ORDER BY k)) AS members,"
        " (SELECT group_concat(k, ' ') FROM (SELECT x.field || '=' || x.value || '@' || " MEMBER_KEY("c") " AS k"
        "   FROM conflicts x JOIN claims c ON c.id = x.claim_id" MEMBER_JOIN("c") " WHERE x.group_id = g.id ORDER BY k))"
        " FROM claim_groups g) ORDER BY members",
        "SELECT * FROM (SELECT k.party_a, k.party_b, k.value, k.currency, k.term, k.signed, k.signed_qualifier, k.covers,"
        " (SELECT " MEMBER_KEY("c") " FROM claim_groups g JOIN claims c ON c.id = g.rep_claim" MEMBER_JOIN("c")
        "  WHERE g.id = k.group_id) AS rep FROM contracts k) ORDER BY rep",
        "SELECT (SELECT count(*) FROM link_dirty), (SELECT count(*) FROM link_dirty_amount),"
        " (SELECT count(*) FROM store_meta WHERE key GLOB 'deferred:*')",
        "SELECT type, name, sql FROM sqlite_master ORDER BY name",
    };
#undef MEMBER_KEY
#undef MEMBER_JOIN
    char *buf = malloc(1);
    size_t len = 0, cap = 1;
    buf[0] = 0;
    for (size_t i = 0; i < sizeof q / sizeof *q; i++)
        dump_query(db, q[i], &buf, &len, &cap);
    sqlite3_close(db);
    return buf;
}

/* The number the query sql gives on path, read as a reader does (never a
** write); -1 when it cannot be read. */
static long long reader_num(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* Is the schema at path this program's? */
static int schema_is_current(const char *path)
{
    return reader_num(path, "PRAGMA user_version") == nc_store_schema_version();
}

/* Copy the first n *.txt files of from (sorted), with their sidecars, into to. */
static void copy_first(const char *from, int n, const char *to)
{
    char cmd[2000];
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s' && for f in $(ls -d '%s'/*.txt | head -n %d); do cp \"$f\" '%s/';"
             " if [ -f \"$f.meta\" ]; then cp \"$f.meta\" '%s/'; fi; done",
             to, from, n, to, to);
    CHECK_INT(t_run(cmd, NULL), 0);
}

/* One trial: the n commands (printf formats, one %s: the database) started at
** the same instant on db, while newsclaims timeline (and now and then
** stats, explain and show) reads db in a loop once its schema is there
** (before, there is no newsclaims database to read).
** Returns how many exited other than 0 (each said, with what it printed);
** counts the reads and the failed ones (each said) into *reads and
** *read_failures. Outputs go to dir/pN.out and dir/r.err. */
static int race_trial(const char *dir, const char *db, char (*procs)[3000], int n, int t, int *reads,
                      int *read_failures)
{
    char cmd[4400];
    pid_t pid[8];
    int st[8] = { 0 }, bad = 0;
    /* every child waits on the pipe, and all go when it closes */
    int go[2];
    if (n > 8 || pipe(go) != 0) {
        CHECK(!"pipe");
        return n;
    }
    for (int p = 0; p < n; p++) {
        pid[p] = fork();
        if (pid[p] == 0) {
            char sh[3700], c;
            close(go[1]);
            while (read(go[0], &c, 1) > 0)
                ;
            snprintf(sh, sizeof sh, procs[p], db);
            snprintf(cmd, sizeof cmd, "exec %s > '%s/p%d.out' 2>&1", sh, dir, p);
            execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
            _exit(127);
        }
    }
    close(go[0]);
    close(go[1]);
    int running = n;
    while (running > 0) {
        if (schema_is_current(db)) {
            /* the timeline; every fourth read the stats, and explain and
            ** show once there is a claim group and an article (ids are
            ** never reused here: nothing is removed or replaced) */
            const char *what = "timeline --format json";
            if (*reads % 4 == 3)
                what = "stats --json";
            else if (*reads % 4 == 1 && reader_num(db, "SELECT EXISTS(SELECT 1 FROM claim_groups)") == 1)
                what = "explain 1 --json";
            else if (*reads % 8 == 2 && reader_num(db, "SELECT EXISTS(SELECT 1 FROM articles WHERE id = 1)") == 1)
                what = "show 1 --json";
            snprintf(cmd, sizeof cmd, "%s %s --db '%s' > /dev/null 2> '%s/r.err'", t_bin(), what, db, dir);
            (*reads)++;
            if (t_run(cmd, NULL) != 0) {
                (*read_failures)++;
                snprintf(cmd, sizeof cmd, "%s/r.err", dir);
                char *e = t_read(cmd, NULL);
                printf("  trial %d: a read (%s) failed: %s", t, what, e ? e : "\n");
                free(e);
            }
        } else {
            struct timespec ts = { 0, 2000000 };
            nanosleep(&ts, NULL);
        }
        for (int p = 0; p < n; p++)
            if (pid[p] > 0 && waitpid(pid[p], &st[p], WNOHANG) == pid[p]) {
                pid[p] = 0;
                running--;
            }
    }
    for (int p = 0; p < n; p++) {
        int code = WIFEXITED(st[p]) ? WEXITSTATUS(st[p]) : -1;
        if (code != 0) {
            bad++;
            snprintf(cmd, sizeof cmd, "%s/p%d.out", dir, p);
            char *o = t_read(cmd, NULL);
            printf("  trial %d: process %d exited %d: %s", t, p, code, o && *o ? o : "\n");
            free(o);
        }
    }
    return bad;
}

/* 1 if the database at db fails integrity_check or its content_dump is not
** ref (said, with the first difference when show_diff), else 0. */
static int trial_differs(const char *db, const char *ref, int t, int show_diff)
{
    char *ic = query_text(db, "PRAGMA integrity_check");
    char *got = content_dump(db);
    int bad = !ic || strcmp(ic, "ok") || !got || strcmp(got, ref);
    if (bad && show_diff && got) {
        size_t k = 0;
        while (ref[k] && ref[k] == got[k])
            k++;
        printf("  trial %d: integrity_check %s; differs from the sequential run at byte %zu:"
               " \"%.160s\" vs \"%.160s\"\n", t, ic ? ic : "(unreadable)", k, ref + k, got + k);
    } else if (bad) {
        printf("  trial %d: integrity_check %s, content %s\n", t, ic ? ic : "(unreadable)",
               got && !strcmp(got, ref) ? "the same" : "differs");
    }
    free(ic);
    free(got);
    return bad;
}

/* The n commands (printf formats, one %s: the database) one after the
** other on ref_db, each checked to exit 0: ref_db's content_dump
** (malloc'd; NULL if unreadable). */
static char *sequential_dump(const char *ref_db, char (*procs)[3000], int n)
{
    char cmd[4000];
    for (int p = 0; p < n; p++) {
        snprintf(cmd, sizeof cmd, procs[p], ref_db);
        CHECK_INT(t_run(cmd, NULL), 0);
    }
    return content_dump(ref_db);
}

/* trials trials of race_trial on a db made fresh for each, each database
** then compared with ref (trial_differs, the first difference shown);
** adds to *bad_exits, *bad_dbs, *reads and *read_failures. None without a
** ref. */
static void race_trials(const char *dir, const char *db, char (*procs)[3000], int n, int trials, const char *ref,
                        int *bad_exits, int *bad_dbs, int *reads, int *read_failures)
{
    char cmd[2200];
    for (int t = 0; t < trials && ref; t++) {
        snprintf(cmd, sizeof cmd, "rm -f '%s' '%s-wal' '%s-shm'", db, db, db);
        CHECK_INT(t_run(cmd, NULL), 0);
        *bad_exits += race_trial(dir, db, procs, n, t, reads, read_failures);
        *bad_dbs += trial_differs(db, ref, t, *bad_dbs == 0);
    }
}

/* Many processes, one new database (#34). Each trial starts four processes
** at the same instant on a fresh database (three ingests of different
** files and folders, and a load of a stream file), while newsclaims
** timeline (and stats, explain, show) reads it in a loop. Every process
** exits 0 (the first open of each creates the schema or waits for the one
** that does, then finds it current); afterwards integrity_check is ok, every file is stored once,
** and the files, claim groups, conflicts and contracts, compared by
** content, are those of the same four commands run one after the other;
** nothing is left marked for a link or deferred. A few files of each
** language of ../shared/corpus-bench join in when it is there. The loop
** reads once the first writer has created the schema (before that there
** is no newsclaims database to read, and timeline says so); from then on
** every read must succeed. NEWSCLAIMS_TEST_RACE_TRIALS changes the number
** of trials (20). */
void t_reliability_first_open_race(void)
{
    char *d = t_tmpdir();
    char cmd[4000], in[400], db[640], ref_db[640], stream[640];
    snprintf(in, sizeof in, "%s/in", d);
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/a' '%s/b' '%s/c' '%s/d' && cp corpus/000_* corpus/001_* '%s/a/' &&"
             " cp corpus/002_* corpus/003_* '%s/b/' && cp corpus/004_* '%s/d/'",
             in, in, in, in, in, in, in);
    CHECK_INT(t_run(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "%s/c", in);
    write_generated(cmd, 0, 4);
    struct stat sb;
    int bench = stat("../shared/corpus-bench/de", &sb) == 0 && stat("../shared/corpus-bench/fr", &sb) == 0 &&
                stat("../shared/corpus-bench/en", &sb) == 0;
    if (bench) {
        char to[700];
        snprintf(to, sizeof to, "%s/b2", in);
        copy_first("../shared/corpus-bench/de", 3, to);
        snprintf(to, sizeof to, "%s/c/bench", in);
        copy_first("../shared/corpus-bench/fr", 3, to);
        snprintf(to, sizeof to, "%s/d/bench", in);
        copy_first("../shared/corpus-bench/en", 3, to);
    } else {
        printf("  skip: the corpus-bench part (../shared/corpus-bench is absent): corpus/ and generated"
               " articles only\n");
    }
    /* the load's stream file, as the README's recipe makes one */
    snprintf(stream, sizeof stream, "%s/stream.jsonl", d);
    snprintf(cmd, sizeof cmd, "%s pack '%s/d' | %s extract --stream > '%s'", t_bin(), in, t_bin(), stream);
    CHECK_INT(t_run(cmd, NULL), 0);
    /* the four commands; %s is the database */
    char procs[4][3000];
    snprintf(procs[0], sizeof procs[0], "%s ingest '%s/a' --db '%%s' --quiet", t_bin(), in);
    snprintf(procs[1], sizeof procs[1], "%s ingest '%s/b/002_40744b740239f415.txt' '%s/b/003_6294ef979c6df3b5.txt'%s%s%s"
             " --db '%%s' --quiet", t_bin(), in, in, bench ? " '" : "", bench ? in : "", bench ? "/b2'" : "");
    snprintf(procs[2], sizeof procs[2], "%s ingest '%s/c' --db '%%s' --quiet", t_bin(), in);
    snprintf(procs[3], sizeof procs[3], "%s load '%s' --db '%%s' --quiet", t_bin(), stream);
    /* the same commands one after the other */
    snprintf(ref_db, sizeof ref_db, "%s/ref.db", d);
    char *ref = sequential_dump(ref_db, procs, 4);
    long long n_files = query_num(ref_db, "SELECT count(*) FROM files");
    CHECK(ref && strlen(ref) > 1000);
    CHECK_INT(n_files, bench ? 18 : 9);
    const char *env = getenv("NEWSCLAIMS_TEST_RACE_TRIALS");
    int trials = env && atoi(env) > 0 ? atoi(env) : 20;
    snprintf(db, sizeof db, "%s/race.db", d);
    int bad_exits = 0, bad_dbs = 0, reads = 0, read_failures = 0;
    double t0 = now_s();
    race_trials(d, db, procs, 4, trials, ref, &bad_exits, &bad_dbs, &reads, &read_failures);
    printf("  %d trials of 4 processes at once on a fresh database (%lld files): %d exits not 0, %d databases"
           " unlike the sequential run's; %d reads (timeline, stats, explain, show) meanwhile, %d failed; %.1f s\n",
           trials, n_files, bad_exits, bad_dbs, reads, read_failures, now_s() - t0);
    CHECK_INT(bad_exits, 0);
    CHECK_INT(bad_dbs, 0);
    CHECK_INT(read_failures, 0);
    CHECK(reads >= trials);
    free(ref);
    free(d);
}

/* Merges into one new output and an ingest into it, all at once (#34):
** every open of OUT creates the schema or waits for the one that does, and
** a merge reads which paths OUT holds under its write lock, so the second
** merge copies nothing the first did (it stopped on "UNIQUE constraint
** failed: files.path" when it read them before taking the lock). Each
** trial's OUT is, by content, that of the same commands one after the
** other. 5 trials (NEWSCLAIMS_TEST_RACE_TRIALS, when smaller). */
void t_reliability_first_open_merge(void)
{
    char *d = t_tmpdir();
    char cmd[4000], in[400], db[640], ref_db[640];
    snprintf(in, sizeof in, "%s/in", d);
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/a' '%s/b' '%s/c' && cp corpus/000_* corpus/001_* '%s/a/' &&"
             " cp corpus/002_* corpus/003_* '%s/b/' && cp corpus/004_* '%s/c/'",
             in, in, in, in, in, in);
    CHECK_INT(t_run(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "%s/c", in);
    write_generated(cmd, 0, 3);
    snprintf(cmd, sizeof cmd, "%s ingest '%s/a' --db '%s/s0.db' --quiet && %s ingest '%s/b' --db '%s/s1.db' --quiet",
             t_bin(), in, d, t_bin(), in, d);
    CHECK_INT(t_run(cmd, NULL), 0);
    char procs[3][3000];
    snprintf(procs[0], sizeof procs[0], "%s merge '%s/s0.db' '%s/s1.db' --db '%%s' --quiet", t_bin(), d, d);
    snprintf(procs[1], sizeof procs[1], "%s merge '%s/s1.db' '%s/s0.db' --db '%%s' --quiet", t_bin(), d, d);
    snprintf(procs[2], sizeof procs[2], "%s ingest '%s/c' --db '%%s' --quiet", t_bin(), in);
    snprintf(ref_db, sizeof ref_db, "%s/ref.db", d);
    char *ref = sequential_dump(ref_db, procs, 3);
    CHECK(ref && strlen(ref) > 1000);
    CHECK_INT(query_num(ref_db, "SELECT count(*) FROM files"), 8);
    snprintf(db, sizeof db, "%s/out.db", d);
    /* fewer where the race's trials are fewer (ASan, valgrind) */
    const char *env = getenv("NEWSCLAIMS_TEST_RACE_TRIALS");
    int trials = env && atoi(env) > 0 && atoi(env) < 5 ? atoi(env) : 5;
    int bad_exits = 0, bad_dbs = 0, reads = 0, read_failures = 0;
    race_trials(d, db, procs, 3, trials, ref, &bad_exits, &bad_dbs, &reads, &read_failures);
    printf("  %d trials of two merges and an ingest at once into a new OUT: %d exits not 0, %d databases unlike"
           " the sequential run's; %d reads (timeline, stats, explain, show), %d failed\n", trials, bad_exits, bad_dbs, reads, read_failures);
    CHECK_INT(bad_exits, 0);
    CHECK_INT(bad_dbs, 0);
    CHECK_INT(read_failures, 0);
    free(ref);
    free(d);
}

/* A writer that waits too long for the lock, in the middle of a run, stops
** and says so once (the database, how long it waited, that a re-run stores
** the rest), and loses nothing: the re-run gives the clean run's database.
** The lock is taken while the ingest waits on a slow file (it commits what
** it stored before waiting, and holds no lock then), and held until the
** ingest has stopped; a reader is served meanwhile. */
void t_reliability_busy_writer_stops(void)
{
    char *d = t_tmpdir();
    char in[400], dir[600], db[640], ref_db[640], out_path[640], cmd[2400];
    snprintf(in, sizeof in, "%s/in", d);
    snprintf(dir, sizeof dir, "%s/n", in);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    CHECK_INT(t_run(cmd, NULL), 0);
    write_generated(in, 0, 60);                 /* in/gen_*: stored first */
    write_generated(dir, 100, 40);              /* in/n/gen_*: after the slow file */
    snprintf(cmd, sizeof cmd, "%s/m_slow.txt", in);   /* about a second of extraction */
    FILE *f = fopen(cmd, "w");
    CHECK(f != NULL);
    for (int i = 0; f && i < 4000; i++)
        fprintf(f, "Twitter still owes Amazon Web Services about $%d million, people familiar with the matter"
                   " said. The five-year deal was signed in 2020.\n", 10 + i % 90);
    if (f)
        fclose(f);
    snprintf(ref_db, sizeof ref_db, "%s/ref.db", d);
    snprintf(cmd, sizeof cmd, "%s ingest '%s' --db '%s' --quiet", t_bin(), in, ref_db);
    CHECK_INT(t_run(cmd, NULL), 0);
    char *ref = content_dump(ref_db);
    CHECK_INT(query_num(ref_db, "SELECT count(*) FROM files"), 101);
    snprintf(db, sizeof db, "%s/b.db", d);
    snprintf(out_path, sizeof out_path, "%s/ingest.out", d);
    pid_t pid = fork();
    if (pid == 0) {
        char sh[2400];
        snprintf(sh, sizeof sh, "NEWSCLAIMS_BUSY_TIMEOUT_MS=300 exec %s ingest '%s' --db '%s' --jobs 2 > '%s' 2>&1",
                 t_bin(), in, db, out_path);
        execl("/bin/sh", "sh", "-c", sh, (char *)NULL);
        _exit(127);
    }
    /* the files before the slow one are committed: it waits on that one */
    int st = 0, exited = 0;
    double t0 = now_s();
    while (query_num(db, "SELECT count(*) FROM files") < 60 && now_s() - t0 < 60) {
        if (waitpid(pid, &st, WNOHANG) == pid) {
            exited = 1;
            break;
        }
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }
    CHECK(!exited);
    sqlite3 *h = NULL;
    sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL);
    sqlite3_busy_timeout(h, 10000);
    CHECK_INT(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    /* a reader meanwhile */
    snprintf(cmd, sizeof cmd, "%s timeline --db '%s' > /dev/null", t_bin(), db);
    CHECK_INT(t_run(cmd, NULL), 0);
    if (!exited)
        waitpid(pid, &st, 0);
    sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(h);
    CHECK_INT(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 2);
    char *out = t_read(out_path, NULL);
    /* said once: the database, how long it waited, what to do */
    CHECK(out && strstr(out, db) && strstr(out, "database is locked") && strstr(out, "the 0.3 s this one waited") &&
          strstr(out, "run the command again"));
    const char *first = out ? strstr(out, "database is locked") : NULL;
    CHECK(first && !strstr(first + 1, "database is locked"));
    printf("  said: %s", out ? out : "(nothing)\n");
    free(out);
    long long stored = query_num(db, "SELECT count(*) FROM files");
    printf("  the ingest stopped with %lld of 101 files stored\n", stored);
    CHECK(stored >= 60 && stored < 101);
    char *ic = query_text(db, "PRAGMA integrity_check");
    CHECK(ic && !strcmp(ic, "ok"));
    free(ic);
    /* nothing lost: the re-run stores the rest, and the database is the clean run's */
    snprintf(cmd, sizeof cmd, "%s ingest '%s' --db '%s' --quiet", t_bin(), in, db);
    CHECK_INT(t_run(cmd, NULL), 0);
    char *got = content_dump(db);
    CHECK(ref && got && !strcmp(ref, got));
    free(got);
    free(ref);
    free(d);
}

static char *file_hash(const char *path)
{
    size_t n = 0;
    char *data = t_read(path, &n);
    if (!data)
        return NULL;
    char *hex = malloc(65);
    nc_sha256_hex(data, n, hex);
    free(data);
    return hex;
}

/* Databases newsclaims must not write to: each gives a clear message and
** is left byte for byte as it was. */
void t_reliability_untouchable_databases(void)
{
    char *d = t_tmpdir();
    char db[600], cmd[2000], *out = NULL;
    /* not a newsclaims database */
    snprintf(db, sizeof db, "%s/other.db", d);
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'CREATE TABLE notes(x); INSERT INTO notes VALUES (42);'", db);
    if (t_run(cmd, NULL) != 0) {
        sqlite3 *h = NULL;
        sqlite3_open(db, &h);
        sqlite3_exec(h, "CREATE TABLE notes(x); INSERT INTO notes VALUES (42);", NULL, NULL, NULL);
        sqlite3_close(h);
    }
    char *before = file_hash(db);
    snprintf(cmd, sizeof cmd, "%s ingest corpus --db '%s' 2>&1", t_bin(), db);
    CHECK_INT(t_run(cmd, &out), 2);
    CHECK(out && strstr(out, db) && strstr(out, "did not create"));
    if (out && !strstr(out, "did not create"))
        printf("  said: %s", out);
    free(out);
    char *after = file_hash(db);
    CHECK(before && after && !strcmp(before, after));
    free(before);
    free(after);

    /* a newer schema version */
    snprintf(db, sizeof db, "%s/newer.db", d);
    snprintf(cmd, sizeof cmd, "%s ingest corpus/000_21c3f8256cd63758.txt --db '%s' --quiet", t_bin(), db);
    CHECK_INT(t_run(cmd, NULL), 0);
    sqlite3 *h = NULL;
    sqlite3_open(db, &h);
    sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;", NULL,
                 NULL, NULL);
    sqlite3_close(h);
    before = file_hash(db);
    /* named with both versions, by writers and readers alike */
    char want[96];
    snprintf(want, sizeof want, "schema version 99 is newer than this program's %d", nc_store_schema_version());
    snprintf(cmd, sizeof cmd, "%s ingest corpus --db '%s' 2>&1", t_bin(), db);
    CHECK_INT(t_run(cmd, &out), 2);
    CHECK(out && strstr(out, db) && strstr(out, want));
    free(out);
    snprintf(cmd, sizeof cmd, "%s timeline --db '%s' 2>&1", t_bin(), db);
    CHECK_INT(t_run(cmd, &out), 2);
    CHECK(out && strstr(out, want));
    free(out);
    after = file_hash(db);
    CHECK(before && after && !strcmp(before, after));
    free(before);
    free(after);

    /* locked by another process: an exclusive transaction held meanwhile */
    snprintf(db, sizeof db, "%s/locked.db", d);
    snprintf(cmd, sizeof cmd, "%s ingest corpus/000_21c3f8256cd63758.txt --db '%s' --quiet", t_bin(), db);
    CHECK_INT(t_run(cmd, NULL), 0);
    long long n_before = query_num(db, "SELECT count(*) FROM articles");
    h = NULL;
    sqlite3_open(db, &h);
    CHECK_INT(sqlite3_exec(h, "BEGIN EXCLUSIVE; INSERT INTO ingest_log(at, path, status) VALUES ('x', 'lock', 'held');",
                           NULL, NULL, NULL), SQLITE_OK);
    snprintf(cmd, sizeof cmd, "NEWSCLAIMS_BUSY_TIMEOUT_MS=300 %s ingest corpus --db '%s' 2>&1", t_bin(), db);
    CHECK(t_run(cmd, &out) != 0);
    /* which database, how long it waited, and that a re-run stores the rest */
    CHECK(out && strstr(out, db) && strstr(out, "locked") && strstr(out, "the 0.3 s this one waited") &&
          strstr(out, "run the command again"));
    if (out && (!strstr(out, "locked") || !strstr(out, "0.3 s")))
        printf("  said: %s", out);
    free(out);
    /* readers are not blocked meanwhile */
    snprintf(cmd, sizeof cmd, "%s timeline --db '%s' > /dev/null", t_bin(), db);
    CHECK_INT(t_run(cmd, NULL), 0);
    sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(h);
    CHECK_INT(query_num(db, "SELECT count(*) FROM articles"), n_before);
    char *ic = query_text(db, "PRAGMA integrity_check");
    CHECK(ic && !strcmp(ic, "ok"));
    free(ic);
    /* nothing was lost: the re-run stores every file */
    snprintf(cmd, sizeof cmd, "%s ingest corpus --db '%s' --quiet", t_bin(), db);
    CHECK_INT(t_run(cmd, NULL), 0);
    CHECK_INT(query_num(db, "SELECT count(*) FROM files"), 5);

    /* read-only to the user running newsclaims (root ignores file modes, so
    ** the ingest runs as nobody when the tests run as root) */
    snprintf(db, sizeof db, "%s/ro.db", d);
    snprintf(cmd, sizeof cmd, "%s ingest corpus/000_21c3f8256cd63758.txt --db '%s' --quiet", t_bin(), db);
    CHECK_INT(t_run(cmd, NULL), 0);
    h = NULL;
    sqlite3_open(db, &h);
    sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;", NULL, NULL, NULL);
    sqlite3_close(h);
    chmod(db, 0444);
    chmod(d, 0755);
    before = file_hash(db);
    const char *as = geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
    char bin[700];
    /* nobody must be able to reach the binary and the rules: an absolute path */
    if (t_bin()[0] == '/' || strchr(t_bin(), ' '))
        snprintf(bin, sizeof bin, "%s", t_bin());
    else {
        char cwd[512];
        snprintf(bin, sizeof bin, "%s/%s", getcwd(cwd, sizeof cwd) ? cwd : ".", t_bin());
    }
    snprintf(cmd, sizeof cmd, "%s%s ingest corpus --db '%s' 2>&1", as, bin, db);
    int rc = t_run(cmd, &out);
    CHECK(rc != 0);
    CHECK(out && strstr(out, db) && strstr(out, "read-only"));
    if (out && !strstr(out, "read-only"))
        printf("  said: %s", out);
    free(out);
    /* reading it is fine */
    snprintf(cmd, sizeof cmd, "%s%s timeline --db '%s' > /dev/null", as, bin, db);
    CHECK_INT(t_run(cmd, NULL), 0);
    after = file_hash(db);
    CHECK(before && after && !strcmp(before, after));
    free(before);
    free(after);
    free(d);
}

/* One batch of hostile inputs beside two good articles: each bad file gets
** a message naming it and the reason, nothing runs unbounded, and the good
** articles are stored. */
void t_reliability_hostile_batch(void)
{
    char *d = t_tmpdir();
    char cmd[3000], path[700], db[600];
    snprintf(db, sizeof db, "%s/h.db", d);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/in' && cp corpus/001_* corpus/004_* '%s/in/'", d, d);
    CHECK_INT(t_run(cmd, NULL), 0);
    FILE *f;
    /* billion laughs in a feed and in XHTML */
    static const char *laughs =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
        "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
        "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
        "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
        "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
        "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
        "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>";
    snprintf(path, sizeof path, "%s/in/laughs.xml", d);
    if ((f = fopen(path, "w"))) {
        fprintf(f, "%s<rss><channel><title>t</title><item><title>x</title><description>Twitter doit &lol9; "
                   "70 millions de dollars.</description></item></channel></rss>", laughs);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/in/laughs.xhtml", d);
    if ((f = fopen(path, "w"))) {
        fprintf(f, "%s<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>&lol9;</p></body></html>", laughs);
        fclose(f);
    }
    /* external entities: a file and a URL */
    snprintf(path, sizeof path, "%s/in/xxe.xhtml", d);
    if ((f = fopen(path, "w"))) {
        fputs("<?xml version=\"1.0\"?><!DOCTYPE html [<!ENTITY x SYSTEM \"file:///etc/passwd\">"
              "<!ENTITY y SYSTEM \"http://127.0.0.1:9/x\">]><html xmlns=\"http://www.w3.org/1999/xhtml\"><body>"
              "<p>Twitter doit 70 millions de dollars &#224; AWS. &x; &y;</p></body></html>", f);
        fclose(f);
    }
    /* a 200 MB file (sparse: refused by its size before it is read) */
    snprintf(path, sizeof path, "%s/in/huge.txt", d);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && ftruncate(fd, 200L << 20) == 0);
    if (fd >= 0)
        close(fd);
    /* a 10 MB line without spaces; 100,000 digits; "million " 100,000 times */
    snprintf(path, sizeof path, "%s/in/longline.txt", d);
    if ((f = fopen(path, "w"))) {
        fputs("Twitter doit 70 millions de dollars. ", f);
        for (int i = 0; i < (10 << 20) / 8; i++)
            fputs("abcdefgh", f);
        fputc('\n', f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/in/digits.txt", d);
    if ((f = fopen(path, "w"))) {
        fputs("Twitter owes Amazon $", f);
        for (int i = 0; i < 100000; i++)
            fputc('0' + i % 10, f);
        fputs(" million in unpaid bills, the company said.\n", f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/in/millions.txt", d);
    if ((f = fopen(path, "w"))) {
        fputs("Twitter owes Amazon 70 ", f);
        for (int i = 0; i < 100000; i++)
            fputs("million ", f);
        fputs("dollars, the company said.\n", f);
        fclose(f);
    }
    /* overlong and invalid UTF-8, NUL bytes, a lone surrogate in UTF-16 */
    snprintf(cmd, sizeof cmd,
             "cd '%s/in' && printf 'Twitter doit 70 millions de dollars \\300\\257 \\355\\240\\200 \\377 fin.\\n' > overlong.txt"
             " && printf 'Twitter\\000doit\\000\\000 70\\000millions\\000' > nul.txt"
             " && printf '\\377\\376T\\000w\\000\\000\\330 \\000' > surrogate.txt"
             " && printf 'Twitter doit 70 millions de dollars \\303\\240 AWS, selon Les Echos.\\n' > \"$(printf 'new\\nline.txt')\""
             " && printf 'Twitter doit 70 millions de dollars \\303\\240 AWS, selon Les Echos.\\n' > \"$(printf 'latin\\351.txt')\"",
             d);
    CHECK_INT(t_run(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "%s ingest '%s/in' --db '%s' 2>&1", t_bin(), d, db);
    char *out = NULL;
    double t0 = now_s();
    int rc = t_run(cmd, &out);
    double took = now_s() - t0;
    CHECK_INT(rc, 1);
    static const char *const named[] = { "laughs.xml: ", "laughs.xhtml: ", "huge.txt: ", "nul.txt: ",
                                         "surrogate.txt: " };
    for (size_t i = 0; i < sizeof named / sizeof *named; i++) {
        CHECK(out && strstr(out, named[i]));
        if (out && !strstr(out, named[i]))
            printf("  no message names %s\n", named[i]);
    }
    CHECK(out && strstr(out, "huge.txt: ") && strstr(strstr(out, "huge.txt: "), "over the limit"));
    printf("  hostile batch ingested in %.1f s\n", took);
    if (rc != 1 && out)
        printf("%s", out);
    free(out);
    /* stored: the two articles, the long line, the hostile numbers (their
    ** sane part), the overlong-UTF-8 text (bad bytes replaced), both odd names */
    CHECK_INT(query_num(db, "SELECT count(*) FROM articles WHERE path LIKE '%001_%' OR path LIKE '%004_%'"), 2);
    CHECK_INT(query_num(db, "SELECT count(*) FROM articles WHERE path LIKE '%longline.txt'"), 1);
    CHECK_INT(query_num(db, "SELECT count(*) FROM articles WHERE path LIKE '%digits.txt' OR path LIKE '%millions.txt'"), 2);
    CHECK_INT(query_num(db, "SELECT count(*) FROM articles WHERE path LIKE '%new_line.txt' OR path LIKE '%latin%'"), 2);
    CHECK_INT(query_num(db, "SELECT count(*) FROM articles WHERE text LIKE '%root:%'"), 0);
    /* the 100,000-digit number is not money */
    CHECK_INT(query_num(db, "SELECT count(*) FROM mentions WHERE length(value) > 40"), 0);
    char *ic = query_text(db, "PRAGMA integrity_check");
    CHECK(ic && !strcmp(ic, "ok"));
    free(ic);
    free(d);
}

/* The database file PATH copied consistently (WAL included) to COPY. */
static int db_copy(const char *path, const char *copy)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    char *sql = sqlite3_mprintf("VACUUM INTO %Q", copy);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    sqlite3_close(db);
    return rc;
}

/* Linking is incremental, and exactly what a recomputation from scratch
** gives: after each of a series of changes (files added, changed,
** removed), the database equals a copy of it relinked from scratch. */
void t_reliability_incremental_link(void)
{
    char *d = t_tmpdir();
    make_batch(d, 24);
    char db[600], copy[600], cmd[2400];
    snprintf(db, sizeof db, "%s/inc.db", d);
    snprintf(copy, sizeof copy, "%s/full.db", d);
    static const char *const steps[] = {
        /* corpus/ first */
        "mkdir -p '%1$s/sub' && mv '%1$s'/in/gen_* '%1$s/sub/'",
        /* a debt without an amount: the debt family is regrouped, and with it
        ** the bare amounts that had joined its groups */
        "printf 'Twitter refuse de payer Google Cloud depuis des mois, selon plusieurs m\303\251dias am\303\251ricains.\n' > '%1$s/in/zz_debt.txt'",
        /* a bare amount alone: the groups of other families led by an amount
        ** in that currency take it or not */
        "printf 'Le montant de 1 million de dollars a \303\251t\303\251 \303\251voqu\303\251 par plusieurs m\303\251dias am\303\251ricains.\n' > '%1$s/in/zz_bare.txt'",
        /* a bare amount within 2%% of a debt's: it joins that debt's group */
        "printf 'La somme de 71 millions de dollars a \303\251t\303\251 cit\303\251e par plusieurs m\303\251dias am\303\251ricains.\n' > '%1$s/in/zz_near.txt'",
        /* the rest */
        "mv '%1$s'/sub/* '%1$s/in/'",
        /* changed files: new amounts, a changed amount, a new debt */
        "printf 'Twitter owes Google Cloud $12 million, the company said.\\n' >> '%1$s/in/gen_003.txt'"
        " && sed -i 's/70 millions/75 millions/' '%1$s'/in/001_*.txt"
        " && printf 'Twitter doit encore 70 millions de dollars \\303\\240 Amazon Web Services, selon Les Echos.\\n' >> '%1$s/in/gen_010.txt'",
        /* removed files */
        "rm -f '%1$s'/in/gen_002.txt '%1$s'/in/gen_005.txt '%1$s'/in/004_*.txt",
        /* nothing changed */
        "true",
    };
    int saw_partial = 0;
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        char step[1200];
        snprintf(step, sizeof step, steps[i], d);
        CHECK_INT(t_run(step, NULL), 0);
        snprintf(cmd, sizeof cmd, "%s ingest '%s/in' --db '%s' --prune 2>&1", t_bin(), d, db);
        char *out = NULL;
        CHECK_INT(t_run(cmd, &out), 0);
        if (out && strstr(out, "only what changed"))
            saw_partial++;
        if (i == sizeof steps / sizeof *steps - 1)
            CHECK(out && strstr(out, "claim groups unchanged"));
        free(out);
        /* a copy relinked from scratch */
        remove(copy);
        CHECK_INT(db_copy(db, copy), SQLITE_OK);
        nc_error err = { 0 };
        nc_store *s = nc_store_open(copy, NULL, &err);
        CHECK(s != NULL);
        if (s) {
            CHECK_INT(nc_store_relink_all(s, &err), NC_OK);
            CHECK_INT(nc_store_link(s, &err), NC_OK);
            nc_link_stats ls;
            nc_store_last_link(s, &ls);
            CHECK_INT(ls.full, 1);
            nc_store_close(s);
        }
        char *a = canonical_dump(db), *b = canonical_dump(copy);
        CHECK(a && b && strlen(a) > 500 && !strcmp(a, b));
        if (a && b && strcmp(a, b)) {
            size_t k = 0;
            while (a[k] && a[k] == b[k])
                k++;
            printf("  step %zu: incremental and full differ at byte %zu: \"%.100s\" vs \"%.100s\"\n", i, k, a + k, b + k);
        }
        free(a);
        free(b);
    }
    CHECK(saw_partial >= 5);
    free(d);
}

/* Extraction in parallel stores exactly what one thread stores: the same
** rows (ids included, as the JSON timeline shows them) and the same groups. */
void t_reliability_parallel_same_result(void)
{
    char *d = t_tmpdir();
    make_batch(d, 40);
    char db1[600], db4[600], cmd[2000];
    snprintf(db1, sizeof db1, "%s/j1.db", d);
    snprintf(db4, sizeof db4, "%s/j4.db", d);
    snprintf(cmd, sizeof cmd, "%s ingest '%s/in' --db '%s' --quiet --jobs 1", t_bin(), d, db1);
    CHECK_INT(t_run(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "%s ingest '%s/in' --db '%s' --quiet --jobs 4", t_bin(), d, db4);
    CHECK_INT(t_run(cmd, NULL), 0);
    char *a = canonical_dump(db1), *b = canonical_dump(db4);
    CHECK(a && b && strlen(a) > 1000 && !strcmp(a, b));
    free(a);
    free(b);
    char *ja = NULL, *jb = NULL;
    snprintf(cmd, sizeof cmd, "%s timeline --db '%s' --format json", t_bin(), db1);
    CHECK_INT(t_run(cmd, &ja), 0);
    snprintf(cmd, sizeof cmd, "%s timeline --db '%s' --format json", t_bin(), db4);
    CHECK_INT(t_run(cmd, &jb), 0);
    CHECK(ja && jb && strstr(ja, "\"claim_id\"") && !strcmp(ja, jb));
    free(ja);
    free(jb);
    /* rows in the same order: the same ids for the same paths */
    char *ia = query_text(db1, "SELECT group_concat(id || ':' || path, ',') FROM (SELECT id, path FROM articles ORDER BY id)");
    char *ib = query_text(db4, "SELECT group_concat(id || ':' || path, ',') FROM (SELECT id, path FROM articles ORDER BY id)");
    CHECK(ia && ib && !strcmp(ia, ib));
    free(ia);
    free(ib);
    free(d);
}

/* Beyond one machine: the GNU parallel recipe of the README run locally
** with several jobs (pack | parallel --pipe 'extract --stream | load' into
** shard databases, then merge) gives the database one ingest gives: the
** same canonical dump, and the same rows and ids (the JSON timeline, which
** shows claim and article ids, is byte for byte the same). Over corpus/ and
** all of ../shared/corpus-bench when it is there. */
void t_reliability_parallel_recipe(void)
{
    if (t_run("parallel --version > /dev/null 2>&1", NULL) != 0)
        T_SKIP("GNU parallel is not installed (sh .ci/deps test installs it)");
    char *d = t_tmpdir();
    char cmd[8192], files[2400] = "corpus";
    if (t_shared()) {
        /* all of corpus-bench; NEWSCLAIMS_TEST_RECIPE_SAMPLE=N takes N files per
        ** language instead (make valgrind, where every run is slow) */
        const char *sample = getenv("NEWSCLAIMS_TEST_RECIPE_SAMPLE");
        if (sample && atoi(sample) > 0)
            snprintf(files, sizeof files,
                     "corpus $(for l in de en fr; do find %s/corpus-bench/$l -name '*.txt' | sort | head -n %d; done)",
                     t_shared(), atoi(sample));
        else
            snprintf(files, sizeof files, "corpus %s/corpus-bench", t_shared());
    }
    /* one ingest */
    snprintf(cmd, sizeof cmd, "%s ingest %s --db '%s/one.db' --quiet --jobs 1 2>/dev/null", t_bin(), files, d);
    CHECK_INT(t_run(cmd, NULL), 0);
    /* the recipe: 4 jobs, 40 files per job, one shard database per job */
    char bin[700];
    if (t_bin()[0] == '/' || strchr(t_bin(), ' '))   /* absolute, or a command line (valgrind ...) */
        snprintf(bin, sizeof bin, "%s", t_bin());
    else {
        char cwd[512];
        snprintf(bin, sizeof bin, "%s/%s", getcwd(cwd, sizeof cwd) ? cwd : ".", t_bin());
    }
    snprintf(cmd, sizeof cmd,
             "set -e; %s pack %s > '%s/items.jsonl';"
             " parallel --will-cite --pipe --block 16M -N 400 -j 4 \"%s extract --stream | %s load - --db '%s/shard-{#}.db' --quiet\""
             " < '%s/items.jsonl';"
             " %s merge '%s'/shard-*.db --db '%s/merged.db' --quiet",
             bin, files, d, bin, bin, d, d, bin, d, d);
    CHECK_INT(t_run(cmd, NULL), 0);
    char shards[700];
    snprintf(shards, sizeof shards, "ls '%s'/shard-*.db | wc -l", d);
    char *ns = NULL;
    t_run(shards, &ns);
    CHECK(ns && atoi(ns) >= 1);
    printf("  %d shard databases merged\n", ns ? atoi(ns) : 0);
    free(ns);
    char one[700], merged[700];
    snprintf(one, sizeof one, "%s/one.db", d);
    snprintf(merged, sizeof merged, "%s/merged.db", d);
    char *a = canonical_dump(one), *b = canonical_dump(merged);
    CHECK(a && b && strlen(a) > 1000 && !strcmp(a, b));
    free(a);
    free(b);
    char *ja = NULL, *jb = NULL;
    snprintf(cmd, sizeof cmd, "%s timeline --db '%s' --format json", t_bin(), one);
    CHECK_INT(t_run(cmd, &ja), 0);
    snprintf(cmd, sizeof cmd, "%s timeline --db '%s' --format json", t_bin(), merged);
    CHECK_INT(t_run(cmd, &jb), 0);
    CHECK(ja && jb && !strcmp(ja, jb));
    free(ja);
    free(jb);
    free(d);
}

/* Stream mode and load take bad lines as they come: each is named with the
** reason (a JSON error line on stderr for extract --stream), the good ones
** go through. */
void t_reliability_stream_bad_lines(void)
{
    char *d = t_tmpdir();
    char path[700], cmd[2400];
    snprintf(path, sizeof path, "%s/in.jsonl", d);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("not json at all\n"
              "{\"path\":\"no-text.txt\"}\n"
              "{\"text\":\"Twitter doit 70 millions de dollars.\"}\n"
              "{\"path\":\"bad64.txt\",\"data_b64\":\"@@@@\"}\n"
              "{\"path\":\"deep.txt\",\"text\":\"x\",\"extra\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\n"
              "{\"path\":\"good.txt\",\"lang\":\"fr\",\"date\":\"2023-03-20\",\"text\":\"Selon The Information, Twitter doit encore au moins 70 millions de dollars \\u00e0 Amazon Web Services.\"}\n",
              f);
        fclose(f);
    }
    char *out = NULL, *err = NULL;
    snprintf(cmd, sizeof cmd, "%s extract --stream < '%s' > '%s/out.jsonl' 2> '%s/err.jsonl'", t_bin(), path, d, d);
    CHECK_INT(t_run(cmd, NULL), 1);
    snprintf(path, sizeof path, "%s/out.jsonl", d);
    out = t_read(path, NULL);
    snprintf(path, sizeof path, "%s/err.jsonl", d);
    err = t_read(path, NULL);
    CHECK(out && strstr(out, "\"path\":\"good.txt\"") && strstr(out, "\"value\":\"70000000\""));
    CHECK(err && strstr(err, "{\"type\":\"error\",\"line\":1,"));
    CHECK(err && strstr(err, "\"path\":\"no-text.txt\""));
    CHECK(err && strstr(err, "not base64"));
    CHECK(err && strstr(err, "{\"type\":\"error\",\"line\":5,"));
    free(out);
    free(err);
    /* load: the good article line, then bad ones */
    snprintf(path, sizeof path, "%s/out.jsonl", d);
    f = fopen(path, "a");
    if (f) {
        fputs("{\"type\":\"article\",\"path\":\"x\"}\n"
              "[1,2,3]\n"
              "{\"type\":\"article\",\"path\":\"y\",\"file_hash\":\"ab\",\"lang\":\"fr\",\"text\":\"abc\",\"sentences\":[[0,9,\"fr\"]]}\n"
              "{\"type\":\"article\",\"path\":\"z\",\"file_hash\":\"ab\",\"lang\":\"fr\",\"text\":\"abc\",\"sentences\":[[0,3,\"fr\"]],"
              "\"mentions\":[{\"kind\":\"money\",\"start\":0,\"end\":3,\"sentence\":7,\"rule\":\"r\"}]}\n",
              f);
        fclose(f);
    }
    snprintf(cmd, sizeof cmd, "%s load '%s' --db '%s/l.db' 2>&1", t_bin(), path, d);
    CHECK_INT(t_run(cmd, &out), 1);
    CHECK(out && strstr(out, "x: an article line without"));
    CHECK(out && strstr(out, "y: a sentence outside the text"));
    CHECK(out && strstr(out, "z: a mention that does not fit"));
    CHECK(out && strstr(out, "loaded 1 files"));
    free(out);
    char db[700];
    snprintf(db, sizeof db, "%s/l.db", d);
    CHECK_INT(query_num(db, "SELECT count(*) FROM claims WHERE predicate = 'owes' AND amount = '70000000'"), 1);
    free(d);
}

/* A path stored with other content in two shards: the merge keeps the first
** shard's and says so. */
void t_reliability_merge_differing_shards(void)
{
    char *d = t_tmpdir();
    char cmd[2400];
    const char *texts[2] = { "Twitter doit encore 70 millions de dollars \\u00e0 Amazon Web Services, selon la presse.",
                             "Twitter doit encore 80 millions de dollars \\u00e0 Amazon Web Services, selon la presse." };
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd,
                 "printf '%%s\\n' '{\"path\":\"same.txt\",\"lang\":\"fr\",\"text\":\"%s\"}' | %s extract --stream |"
                 " %s load - --db '%s/s%d.db' --quiet",
                 texts[i], t_bin(), t_bin(), d, i);
        CHECK_INT(t_run(cmd, NULL), 0);
    }
    char *out = NULL;
    snprintf(cmd, sizeof cmd, "%s merge '%s/s1.db' '%s/s0.db' --db '%s/m.db' 2>&1", t_bin(), d, d, d);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(out && strstr(out, "1 path stored with different content in several shards (e.g. same.txt)"));
    free(out);
    char db[700];
    snprintf(db, sizeof db, "%s/m.db", d);
    CHECK_INT(query_num(db, "SELECT count(*) FROM mentions WHERE kind = 'money' AND value = '80000000'"), 1);
    CHECK_INT(query_num(db, "SELECT count(*) FROM mentions WHERE kind = 'money' AND value = '70000000'"), 0);
    free(d);
}

/* A claim reported by hundreds of articles: the link reads a group's
** members from disk, a few at a time, so its counts are exact however large
** it is (n_sources stopped at 256 when members were counted in a fixed
** array), and a conflict inside it lists every member. */
void t_reliability_large_group(void)
{
    char *d = t_tmpdir();
    char cmd[1400], db[600], path[700];
    snprintf(db, sizeof db, "%s/big.db", d);
    snprintf(path, sizeof path, "%s/in", d);
    CHECK_INT(mkdir(path, 0755), 0);
    for (int i = 0; i < 300; i++) {
        snprintf(path, sizeof path, "%s/in/wire_%03d.txt", d, i);
        FILE *f = fopen(path, "w");
        CHECK(f != NULL);
        if (!f)
            break;
        fprintf(f, "Wire %d. Twitter still owes Google Cloud %s$12 million for the services it used, according to"
                   " a report that the newspaper published on Monday about the cloud contracts of the company.\n",
                i, i % 3 == 0 ? "about " : "");
        fclose(f);
    }
    snprintf(cmd, sizeof cmd, "%s ingest '%s/in' --db '%s' --quiet 2>&1", t_bin(), d, db);
    CHECK_INT(t_run(cmd, NULL), 0);
    CHECK_INT(query_num(db, "SELECT count(*) FROM articles"), 300);
    CHECK_INT(query_num(db, "SELECT count(*) FROM claim_groups WHERE predicate = 'owes'"), 1);
    CHECK_INT(query_num(db, "SELECT n_claims FROM claim_groups WHERE predicate = 'owes'"), 300);
    CHECK_INT(query_num(db, "SELECT n_sources FROM claim_groups WHERE predicate = 'owes'"), 300);
    CHECK_INT(query_num(db, "SELECT count(*) FROM claim_group_members m JOIN claim_groups g ON g.id = m.group_id"
                            " WHERE g.predicate = 'owes'"), 300);
    CHECK_INT(query_num(db, "SELECT count(*) FROM conflicts f JOIN claim_groups g ON g.id = f.group_id"
                            " WHERE g.predicate = 'owes' AND f.field = 'qualifier' AND f.value = 'about'"), 100);
    CHECK_INT(query_num(db, "SELECT count(*) FROM conflicts f JOIN claim_groups g ON g.id = f.group_id"
                            " WHERE g.predicate = 'owes' AND f.field = 'qualifier' AND f.value = 'none'"), 200);
    free(d);
}
