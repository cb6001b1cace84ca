/*
** main.c — the newsclaims command line: ingest, extract, timeline, stats,
** rules. One function per subcommand; getopt_long everywhere; --help on
** each. Exit codes: 0 all good, 1 some inputs failed (the rest were
** stored), 2 usage error or fatal error.
**
** Data files are found, in order: --rules DIR / --data DIR; the
** NEWSCLAIMS_RULES / NEWSCLAIMS_DATA environment variables; beside the
** executable (a build tree: ./extract/rules, ./ingest/data); the install
** prefix (PREFIX/share/newsclaims/rules, .../ingest).
*/
#include "../ingest/ingest.h"
#include "../extract/extract.h"
#include "../store/store.h"
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <unicode/uclean.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#define EXIT_SOME_FAILED 1
#define EXIT_FATAL 2
/* group commits of ingest and load (nc_store_set_batch) */
#define BATCH_FILES 256
#define BATCH_SECONDS 0.25
/* files in flight per extraction thread, and the bytes past which no more
** than 2 per thread are read ahead (the parallel pipeline, below) */
#define WINDOW_PER_THREAD 16
#define WINDOW_BYTES (8u << 20)

static int is_dir(const char *p)
{
    struct stat st;
    return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Folder of the running executable, or "." */
static void exe_dir(char *out, size_t size)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) {
        snprintf(out, size, ".");
        return;
    }
    buf[n] = 0;
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = 0;
    snprintf(out, size, "%s", buf);
}

/* Resolve a data folder: option, environment, beside the binary, prefix. */
static const char *find_data(const char *opt, const char *env, const char *in_tree,
                             const char *in_share, char *out, size_t size)
{
    if (opt)
        return opt;
    const char *e = getenv(env);
    if (e && *e)
        return e;
    char dir[PATH_MAX];
    exe_dir(dir, sizeof dir);
    snprintf(out, size, "%s/%s", dir, in_tree);
    if (is_dir(out))
        return out;
    snprintf(out, size, "%s/../share/newsclaims/%s", dir, in_share);
    if (is_dir(out))
        return out;
    return in_tree;   /* relative to the working folder; the error will say so */
}

typedef struct common {
    const char *rules_opt, *data_opt;
    char rules[PATH_MAX + 64], data[PATH_MAX + 64];
} common;

static nc_ingester *open_ingester(common *c, const char *force_lang)
{
    nc_ingest_opts io = nc_ingest_default_opts();
    io.data_dir = find_data(c->data_opt, "NEWSCLAIMS_DATA", "ingest/data", "ingest", c->data, sizeof c->data);
    io.force_lang = force_lang;
    nc_error err = { 0 };
    nc_ingester *ing = nc_ingester_new(&io, &err);
    if (!ing)
        fprintf(stderr, "newsclaims: %s: %s\n", err.where, err.msg);
    return ing;
}

static nc_extractor *open_extractor(common *c)
{
    nc_extract_opts xo = nc_extract_default_opts();
    xo.rules_dir = find_data(c->rules_opt, "NEWSCLAIMS_RULES", "extract/rules", "rules", c->rules, sizeof c->rules);
    nc_error err = { 0 };
    nc_extractor *x = nc_extractor_new(&xo, &err);
    if (!x)
        fprintf(stderr, "newsclaims: %s: %s\n", err.where, err.msg);
    return x;
}

/* ------------------------------------------------------------------ JSON */

static void json_str(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c == 0x7F)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void json_cstr(FILE *f, const char *s)
{
    if (!s)
        fputs("null", f);
    else
        json_str(f, s, strlen(s));
}

/* ---------------------------------------------------------------- ingest */

typedef struct counts {
    size_t stored, replaced, unchanged, failed, skipped, removed, articles;
    size_t per_lang_n;
    struct { char lang[8]; size_t n; } per_lang[32];
} counts;

static void count_lang(counts *c, const char *lang)
{
    for (size_t i = 0; i < c->per_lang_n; i++)
        if (!strcmp(c->per_lang[i].lang, lang)) {
            c->per_lang[i].n++;
            return;
        }
    if (c->per_lang_n < 32) {
        snprintf(c->per_lang[c->per_lang_n].lang, 8, "%s", lang);
        c->per_lang[c->per_lang_n++].n = 1;
    }
}

static void walk_error(void *ud, const char *path, const char *reason)
{
    nc_store *s = ud;
    fprintf(stderr, "newsclaims: %s: %s\n", path, reason);
    if (s)
        nc_store_log(s, path, "skipped", reason, NULL);
}

/* ------------------------------------------------------------ progress */

/* Progress on a terminal: files done of total, MB/s, articles/s, errors,
** time left; redrawn at most ten times a second on one line of stderr.
** Nothing of it when stderr is not a terminal, or with --quiet. */
typedef struct progress {
    int is_on;
    size_t total, bytes, articles;
    double t0, last;
} progress;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_start(progress *pg, size_t total, int is_on)
{
    memset(pg, 0, sizeof *pg);
    pg->is_on = is_on;
    pg->total = total;
    pg->t0 = now_s();
}

static void progress_show(progress *pg, size_t done, size_t errors)
{
    if (!pg->is_on)
        return;
    double t = now_s();
    if (done && t - pg->last < 0.1)
        return;
    pg->last = t;
    double el = t - pg->t0 > 1e-6 ? t - pg->t0 : 1e-6;
    double left = done ? el / (double)done * (double)(pg->total - done) : 0;
    fprintf(stderr, "\r\033[K%zu/%zu files  %.1f MB/s  %.0f articles/s  %zu errors  %s%.0fs left", done, pg->total,
            (double)pg->bytes / 1e6 / el, (double)pg->articles / el, errors, done ? "" : "~", left);
    fflush(stderr);
}

/* A message during a run: the progress line is cleared first. */
static void note(progress *pg, const char *fmt, ...)
{
    va_list ap;
    if (pg->is_on)
        fputs("\r\033[K", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

/* The ingest log row of one file; an error (the write failed, or a batch
** committed on the way did, so its files are not stored) is said and
** counted as a failure. */
/* Record path's outcome in the ingest log; say it when that fails. 1 when
** the database stayed busy past the timeout (the run stops then: every
** other write would wait as long), else 0. A busy log row is not a failed
** file: what it logs is stored, or will be by the next run. */
static int log_outcome(nc_store *s, progress *pg, counts *cn, const char *db, const char *path,
                       const char *status, const char *reason)
{
    nc_error e = { 0 };
    int rc = nc_store_log(s, path, status, reason, &e);
    if (rc != NC_OK) {
        note(pg, "newsclaims: %s: %s\n", db, e.msg);
        if (rc != NC_E_BUSY)
            cn->failed++;
    }
    return rc == NC_E_BUSY;
}

static void progress_end(progress *pg)
{
    if (pg->is_on)
        fputs("\r\033[K", stderr);
}

/* --prune: files stored from under a named directory that no longer exist
** are removed from the database. */
static void prune_missing(nc_store *s, char **roots, size_t n_roots, counts *cn)
{
    for (size_t r = 0; r < n_roots; r++) {
        if (!is_dir(roots[r]))
            continue;
        char prefix[PATH_MAX + 2];
        size_t l = strlen(roots[r]);
        snprintf(prefix, sizeof prefix, "%s%s", roots[r], l && roots[r][l - 1] == '/' ? "" : "/");
        char **stored = NULL;
        size_t n = 0;
        nc_error err = { 0 };
        if (nc_store_paths_under(s, prefix, &stored, &n, &err) != NC_OK) {
            fprintf(stderr, "newsclaims: %s: %s\n", roots[r], err.msg);
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            struct stat st;
            if (stat(stored[i], &st) == 0) {
                free(stored[i]);
                continue;
            }
            if (nc_store_remove_file(s, stored[i], &err) == NC_OK) {
                cn->removed++;
                nc_store_log(s, stored[i], "removed", "no longer on disk (--prune)", NULL);
            } else {
                fprintf(stderr, "newsclaims: %s: cannot remove: %s\n", stored[i], err.msg);
            }
            free(stored[i]);
        }
        free(stored);
    }
}

static void usage_ingest(FILE *f)
{
    fputs("usage: newsclaims ingest DIR|FILE... [--db FILE] [--lang CODE] [--prune] [--quiet]\n"
          "\n"
          "Walk each directory recursively (hidden files, the database, and files whose\n"
          "extension says they are no article, such as .tsv, .csv, .jsonl, .py, images\n"
          "or archives, left out and counted), turn every file into articles,\n"
          "extract mentions and claims, store them, and relink\n"
          "claim groups. A file stored before with the same content is skipped; a changed\n"
          "file replaces its own rows. A FILE.meta sidecar gives metadata (README).\n"
          "\n"
          "  --db FILE          database (default ./newsclaims.db; created if missing)\n"
          "  --lang CODE        take every article to be in this language\n"
          "  --prune            remove what was stored from files under the named\n"
          "                     directories that no longer exist\n"
          "  --max-file-size N  refuse files over N bytes (default 67108864)\n"
          "  -j, --jobs N       extract with N threads (default: one per core); files\n"
          "                     are still stored one at a time, in path order, so the\n"
          "                     database is the same whatever N\n"
          "  --rules DIR        extraction rules folder (or NEWSCLAIMS_RULES)\n"
          "  --data DIR         ingest data folder (or NEWSCLAIMS_DATA)\n"
          "  -q, --quiet        no progress (shown only when stderr is a terminal) and no\n"
          "                     summary line; errors are still reported\n"
          "  -h, --help         this help\n"
          "\n"
          "Exit: 0 all stored, 1 some inputs failed (the rest stored), 2 fatal.\n", f);
}

/* ---------------------------------------------------- parallel extraction
** The main thread walks the files in path order: it reads each one, skips
** it when unchanged (a database read), and hands the rest to worker threads
** that turn bytes into articles and extract them (the ingester and the
** extractor are read-only and shared). The main thread alone writes: it
** stores the results in path order, so the database does not depend on the
** number of threads. At most `window` files are in flight (memory bounded:
** past 2 per thread, only while their bytes stay under WINDOW_BYTES). */

typedef struct job {
    char *path;            /* owned */
    unsigned char *data;
    size_t len;
    char hash[65];
    nc_meta *meta;
    nc_article *arts;
    size_t n_arts;
    nc_extraction *ex;
    int r;
    nc_error err;
    double t_ingest, t_extract;  /* seconds spent on each stage (NEWSCLAIMS_TIMING) */
    char *notes;           /* messages to print, in order, when the file is stored */
    size_t notes_len;
    int state;             /* 0 free, 1 queued, 2 running, 3 done */
} job;

typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    job *jobs;
    size_t window;
    int stop;
    const nc_ingester *ing;
    const nc_extractor *x;
} pool;

static void job_note(job *j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t add = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
    char *v = realloc(j->notes, j->notes_len + add + 1);
    if (!v)
        return;
    memcpy(v + j->notes_len, buf, add);
    j->notes = v;
    j->notes_len += add;
    v[j->notes_len] = 0;
}

/* Ingest and extract one file: what the worker threads do. */
static void job_run(const nc_ingester *ing, const nc_extractor *x, job *j)
{
    double t0 = now_s();
    j->r = nc_meta_load(j->path, &j->meta, &j->err);
    if (j->r == NC_OK)
        j->r = nc_ingest_buffer_hashed(ing, j->path, j->data, j->len, j->hash, j->meta, &j->arts, &j->n_arts,
                                       &j->err);
    double t1 = now_s();
    j->t_ingest = t1 - t0;
    if (j->r == NC_OK) {
        j->ex = calloc(j->n_arts ? j->n_arts : 1, sizeof *j->ex);
        if (!j->ex)
            j->r = nc_error_set(&j->err, NC_E_NOMEM, j->path, "out of memory");
    }
    for (size_t k = 0; j->r == NC_OK && k < j->n_arts; k++) {
        if (!j->arts[k].lang_supported) {
            job_note(j, "newsclaims: %s: language \"%s\" has no extraction rules; stored without extraction\n",
                     j->path, j->arts[k].lang);
            continue;
        }
        nc_error xe = { 0 };
        if (nc_extract_article(x, &j->arts[k], NULL, &j->ex[k], &xe) != NC_OK)
            job_note(j, "newsclaims: %s: extraction failed: %s\n", j->path, xe.msg);
        else if (j->ex[k].limit_hits)
            job_note(j, "newsclaims: %s: %zu rule calls stopped by a match or time limit\n", j->path,
                     j->ex[k].limit_hits);
    }
    j->t_extract = now_s() - t1;
}

static void job_clear(job *j)
{
    for (size_t k = 0; j->ex && k < j->n_arts; k++)
        nc_extraction_free(&j->ex[k]);
    free(j->ex);
    nc_articles_free(j->arts, j->n_arts);
    nc_meta_free(j->meta);
    free(j->data);
    free(j->notes);
    free(j->path);
    memset(j, 0, sizeof *j);
}

static void *worker(void *arg)
{
    pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        job *j = NULL;
        for (size_t i = 0; i < p->window && !j; i++)
            if (p->jobs[i].state == 1)
                j = &p->jobs[i];
        if (!j) {
            if (p->stop)
                break;
            pthread_cond_wait(&p->work, &p->mu);
            continue;
        }
        j->state = 2;
        pthread_mutex_unlock(&p->mu);
        job_run(p->ing, p->x, j);
        pthread_mutex_lock(&p->mu);
        j->state = 3;
        pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static int default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static int cmd_ingest(int argc, char **argv)
{
    static const struct option lo[] = {
        { "db", required_argument, 0, 'd' }, { "lang", required_argument, 0, 'l' },
        { "rules", required_argument, 0, 'r' }, { "data", required_argument, 0, 'D' },
        { "max-file-size", required_argument, 0, 'm' }, { "quiet", no_argument, 0, 'q' },
        { "prune", no_argument, 0, 'P' }, { "jobs", required_argument, 0, 'j' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
    };
    common c = { 0 };
    const char *db = "newsclaims.db", *lang = NULL;
    size_t max_size = 64u << 20;
    int quiet = 0, prune = 0, o, n_jobs = default_jobs();
    while ((o = getopt_long(argc, argv, "d:l:qhj:", lo, NULL)) != -1) {
        switch (o) {
        case 'j': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 256) {
                fprintf(stderr, "newsclaims ingest: --jobs wants a number from 1 to 256\n");
                return EXIT_FATAL;
            }
            n_jobs = (int)v;
            break;
        }
        case 'P': prune = 1; break;
        case 'd': db = optarg; break;
        case 'l': lang = optarg; break;
        case 'r': c.rules_opt = optarg; break;
        case 'D': c.data_opt = optarg; break;
        case 'm': {
            char *end;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (*end || !v) {
                fprintf(stderr, "newsclaims ingest: --max-file-size wants a positive number of bytes\n");
                return EXIT_FATAL;
            }
            max_size = (size_t)v;
            break;
        }
        case 'q': quiet = 1; break;
        case 'h': usage_ingest(stdout); return 0;
        default: usage_ingest(stderr); return EXIT_FATAL;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "newsclaims ingest: name at least one directory or file\n");
        usage_ingest(stderr);
        return EXIT_FATAL;
    }
    /* nothing to read at all: say so before creating or touching a database */
    int n_exist = 0;
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0)
            n_exist++;
        else
            fprintf(stderr, "newsclaims: %s: %s\n", argv[i], strerror(errno));
    }
    if (!n_exist) {
        fprintf(stderr, "newsclaims ingest: none of the named files or directories exists; nothing done\n");
        return EXIT_FATAL;
    }
    nc_ingester *ing = open_ingester(&c, lang);
    nc_extractor *x = ing ? open_extractor(&c) : NULL;
    nc_error err = { 0 };
    nc_store *s = x ? nc_store_open(db, NULL, &err) : NULL;
    if (x && !s)
        fprintf(stderr, "newsclaims: %s: %s\n", err.where[0] ? err.where : db, err.msg);
    if (!s) {
        nc_extractor_free(x);
        nc_ingester_free(ing);
        return EXIT_FATAL;
    }
    int rc = EXIT_SUCCESS;
    if (nc_store_put_orgs(s, x, &err) != NC_OK) {
        fprintf(stderr, "newsclaims: %s: %s\n", db, err.msg);
        rc = EXIT_FATAL;
    }
    /* a first load builds the query indexes once, at its end */
    if (rc == EXIT_SUCCESS && nc_store_bulk_begin(s, NULL, &err) != NC_OK) {
        fprintf(stderr, "newsclaims: %s: %s\n", db, err.msg);
        rc = EXIT_FATAL;
    }
    /* group commits: each file whole in a savepoint, a commit per batch */
    nc_store_set_batch(s, BATCH_FILES, BATCH_SECONDS);
    /* the files one at a time from the walk: memory does not grow with their
    ** number (a progress bar counts them first, in a walk that reports nothing) */
    const char *const *roots = (const char *const *)argv + optind;
    size_t n_roots = (size_t)(argc - optind);
    int show = !quiet && isatty(2);
    size_t n_paths = 0;
    if (show) {
        nc_walker *cw = nc_walker_open(roots, n_roots, db, NULL, NULL);
        while (cw && nc_walker_next(cw))
            n_paths++;
        nc_walker_close(cw);
    }
    nc_walker *wk = rc == EXIT_SUCCESS ? nc_walker_open(roots, n_roots, db, walk_error, s) : NULL;
    if (rc == EXIT_SUCCESS && !wk) {
        fprintf(stderr, "newsclaims: out of memory\n");
        rc = EXIT_FATAL;
    }
    int walk_more = wk != NULL;
    counts cn = { 0 };
    progress pg;
    progress_start(&pg, n_paths, show);
    if (getenv("NEWSCLAIMS_PROFILE"))
        n_jobs = 1;               /* the rule profile is kept by one thread */
    pool pl;
    memset(&pl, 0, sizeof pl);
    /* files are stored in order: a window of a few files stalls the threads
    ** behind every slow one (2 files per thread: 4.09 s on corpus-bench with
    ** two threads, median of three; 16: 3.46 s); past 2 per thread, it stops at
    ** WINDOW_BYTES of files in flight, so that memory stays flat */
    pl.window = n_jobs > 1 ? (size_t)n_jobs * WINDOW_PER_THREAD : 1;
    pl.jobs = calloc(pl.window, sizeof *pl.jobs);
    pl.ing = ing;
    pl.x = x;
    pthread_t th[256];
    int n_th = 0;
    if (!pl.jobs) {
        fprintf(stderr, "newsclaims: out of memory\n");
        rc = EXIT_FATAL;
    } else if (n_jobs > 1) {
        pthread_mutex_init(&pl.mu, NULL);
        pthread_cond_init(&pl.work, NULL);
        pthread_cond_init(&pl.done, NULL);
        for (int t = 0; t < n_jobs; t++)
            if (pthread_create(&th[n_th], NULL, worker, &pl) == 0)
                n_th++;
    }
    /* jobs are used as a ring: head is the oldest in flight */
    size_t head = 0, in_flight = 0, next = 0, bytes_in_flight = 0;
    double st_read = 0, st_ingest = 0, st_extract = 0, st_store = 0, st_link = 0, st_wall = now_s();
    while (rc != EXIT_FATAL && pl.jobs && (walk_more || in_flight > 0)) {
        /* fill the window with the next files that need work */
        while (walk_more && in_flight < pl.window &&
               (in_flight < (size_t)n_jobs * 2 || bytes_in_flight < WINDOW_BYTES)) {
            const char *wp = nc_walker_next(wk);
            if (!wp) {
                walk_more = 0;
                break;
            }
            next++;
            progress_show(&pg, next - 1, cn.failed);
            job *j = &pl.jobs[(head + in_flight) % pl.window];
            memset(j, 0, sizeof *j);
            if (!(j->path = strdup(wp))) {
                fprintf(stderr, "newsclaims: out of memory\n");
                rc = EXIT_FATAL;
                walk_more = 0;
                break;
            }
            const char *p = j->path;
            int is_unchanged = 0;
            double tr0 = now_s();
            j->r = nc_read_file(p, max_size, &j->data, &j->len, &j->err);
            if (j->r == NC_OK) {
                nc_sha256_hex(j->data, j->len, j->hash);
                j->r = nc_store_is_unchanged(s, p, j->hash, &is_unchanged, &j->err);
            }
            st_read += now_s() - tr0;
            pg.bytes += j->len;
            if (j->r == NC_OK && is_unchanged) {
                cn.unchanged++;
                if (log_outcome(s, &pg, &cn, db, p, "unchanged", NULL)) {
                    rc = EXIT_FATAL;
                    walk_more = 0;
                }
                job_clear(j);
                continue;
            }
            in_flight++;
            bytes_in_flight += j->len;
            if (j->r != NC_OK || n_th == 0) {
                if (j->r == NC_OK)
                    job_run(ing, x, j);
                j->state = 3;
            } else {
                pthread_mutex_lock(&pl.mu);
                j->state = 1;
                pthread_cond_signal(&pl.work);
                pthread_mutex_unlock(&pl.mu);
            }
        }
        if (!in_flight || rc == EXIT_FATAL)
            break;
        /* store the oldest, in order */
        job *j = &pl.jobs[head];
        if (n_th) {
            pthread_mutex_lock(&pl.mu);
            while (j->state != 3) {
                /* waiting on a slow file: commit what is stored meanwhile,
                ** so that no other process waits on our write lock */
                struct timespec dl;
                clock_gettime(CLOCK_REALTIME, &dl);
                dl.tv_nsec += 50 * 1000000L;
                if (dl.tv_nsec >= 1000000000L) {
                    dl.tv_sec++;
                    dl.tv_nsec -= 1000000000L;
                }
                if (pthread_cond_timedwait(&pl.done, &pl.mu, &dl) == ETIMEDOUT && j->state != 3) {
                    pthread_mutex_unlock(&pl.mu);
                    nc_error ferr = { 0 };
                    if (nc_store_flush(s, &ferr) != NC_OK) {
                        note(&pg, "newsclaims: %s: %s\n", db, ferr.msg);
                        cn.failed++;
                    }
                    pthread_mutex_lock(&pl.mu);
                }
            }
            pthread_mutex_unlock(&pl.mu);
        }
        const char *p = j->path;
        int replaced = 0;
        st_ingest += j->t_ingest;
        st_extract += j->t_extract;
        double ts0 = now_s();
        if (j->notes)
            note(&pg, "%s", j->notes);
        if (j->r == NC_OK) {
            pg.articles += j->n_arts;
            j->r = nc_store_put_file(s, p, j->hash, j->len, j->arts, j->ex, j->n_arts, &replaced, &j->err);
        }
        if (j->r == NC_OK) {
            replaced ? cn.replaced++ : cn.stored++;
            cn.articles += j->n_arts;
            for (size_t k = 0; k < j->n_arts; k++)
                count_lang(&cn, j->arts[k].lang);
            if (log_outcome(s, &pg, &cn, db, p, replaced ? "replaced" : "stored", NULL))
                rc = EXIT_FATAL;   /* busy past the timeout: stop (the file is stored) */
        } else {
            cn.failed++;
            note(&pg, "newsclaims: %s: %s\n", j->err.where[0] ? j->err.where : p, j->err.msg);
            /* busy: the log row would wait as long again, and a re-run
            ** stores the file anyway */
            if (j->r != NC_E_BUSY)
                log_outcome(s, &pg, &cn, db, p, "failed", j->err.msg);
            if (j->r == NC_E_BUSY || j->r == NC_E_SCHEMA)
                rc = EXIT_FATAL;   /* the database itself is unusable: stop */
        }
        st_store += now_s() - ts0;
        bytes_in_flight -= j->len;
        job_clear(j);
        head = (head + 1) % pl.window;
        in_flight--;
    }
    if (n_th) {
        /* on a fatal stop, let running jobs finish before freeing them */
        pthread_mutex_lock(&pl.mu);
        pl.stop = 1;
        for (size_t i = 0; i < pl.window; i++)
            if (pl.jobs[i].state == 1)
                pl.jobs[i].state = 3;      /* queued, never started */
        pthread_cond_broadcast(&pl.work);
        pthread_mutex_unlock(&pl.mu);
        for (int t = 0; t < n_th; t++)
            pthread_join(th[t], NULL);
        pthread_mutex_destroy(&pl.mu);
        pthread_cond_destroy(&pl.work);
        pthread_cond_destroy(&pl.done);
    }
    for (size_t i = 0; pl.jobs && i < pl.window; i++)
        if (pl.jobs[i].path)
            job_clear(&pl.jobs[i]);
    free(pl.jobs);
    progress_end(&pg);
    if (nc_store_flush(s, &err) != NC_OK) {
        fprintf(stderr, "newsclaims: %s: %s\n", db, err.msg);
        cn.failed++;
        rc = EXIT_FATAL;
    }
    char left[256];
    size_t n_left = nc_walker_left_out(wk, left, sizeof left);
    int wrc = nc_walker_close(wk);
    if (wrc == NC_E_NOMEM) {
        fprintf(stderr, "newsclaims: out of memory while walking the input\n");
        rc = EXIT_FATAL;
    } else if (wrc != NC_OK && rc == EXIT_SUCCESS) {
        rc = EXIT_SOME_FAILED;             /* a root that could not be used, reported */
    }
    if (prune && rc != EXIT_FATAL)
        prune_missing(s, argv + optind, (size_t)(argc - optind), &cn);
    double tl0 = now_s();
    if (rc != EXIT_FATAL && nc_store_link(s, &err) != NC_OK) {
        fprintf(stderr, "newsclaims: %s: linking claims failed: %s\n", db, err.msg);
        rc = EXIT_FATAL;
    }
    st_link = now_s() - tl0;
    if (getenv("NEWSCLAIMS_TIMING"))
        /* seconds per stage; ingest and extract are summed over the threads */
        fprintf(stderr, "newsclaims: timing: wall %.3f s; read+hash %.3f, ingest %.3f, extract %.3f, store %.3f, link %.3f"
                        " (seconds; %d extraction threads)\n",
                now_s() - st_wall, st_read, st_ingest, st_extract, st_store, st_link, n_th ? n_th : 1);
    if (!quiet) {
        fprintf(stderr, "newsclaims: %zu stored, %zu replaced, %zu unchanged, %zu failed", cn.stored, cn.replaced,
                cn.unchanged, cn.failed);
        if (prune)
            fprintf(stderr, ", %zu removed", cn.removed);
        if (n_left)
            fprintf(stderr, ", %zu left out as no article (%s)", n_left, left);
        fprintf(stderr, "; %zu articles", cn.articles);
        for (size_t i = 0; i < cn.per_lang_n; i++)
            fprintf(stderr, "%s%s %zu", i ? ", " : " (", cn.per_lang[i].lang, cn.per_lang[i].n);
        fprintf(stderr, "%s\n", cn.per_lang_n ? ")" : "");
        nc_link_stats ls;
        nc_store_last_link(s, &ls);
        if (ls.claims_read || ls.full)
            fprintf(stderr, "newsclaims: linked %zu claims into %zu groups (%s)\n", ls.claims_read, ls.groups_written,
                    ls.full ? "all recomputed" : "only what changed");
        else if (rc != EXIT_FATAL)
            fprintf(stderr, "newsclaims: claim groups unchanged\n");
    }
    nc_store_close(s);
    nc_extractor_profile_report(x, stderr, 40);   /* only with NEWSCLAIMS_PROFILE */
    nc_extractor_free(x);
    nc_ingester_free(ing);
    if (rc == EXIT_SUCCESS && cn.failed)
        rc = EXIT_SOME_FAILED;
    return rc;
}

/* ------------------------------------------------------------------ pack */

static void usage_pack(FILE *f)
{
    fputs("usage: newsclaims pack DIR|FILE... [--max-file-size N]\n"
          "\n"
          "Walk as ingest does and write one JSON line per file on stdout: {\"path\",\n"
          "\"data_b64\" (the file's bytes), and the fields of its .meta sidecar}, the input\n"
          "of `newsclaims extract --stream`.\n", f);
}

static void pack_walk_error(void *ud, const char *path, const char *reason)
{
    (void)ud;
    fprintf(stderr, "newsclaims: %s: %s\n", path, reason);
}

static int cmd_pack(int argc, char **argv)
{
    static const struct option lo[] = {
        { "max-file-size", required_argument, 0, 'm' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
    };
    size_t max_size = 64u << 20;
    int o;
    while ((o = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (o) {
        case 'm': max_size = (size_t)strtoull(optarg, NULL, 10); break;
        case 'h': usage_pack(stdout); return 0;
        default: usage_pack(stderr); return EXIT_FATAL;
        }
    }
    if (optind >= argc) {
        usage_pack(stderr);
        return EXIT_FATAL;
    }
    char **paths = NULL;
    size_t n = 0;
    int rc = EXIT_SUCCESS;
    if (nc_walk((const char *const *)argv + optind, (size_t)(argc - optind), NULL, &paths, &n, pack_walk_error, NULL) !=
        NC_OK)
        rc = EXIT_SOME_FAILED;
    for (size_t i = 0; i < n; i++) {
        nc_error err = { 0 };
        unsigned char *data = NULL;
        size_t len = 0;
        nc_meta *meta = NULL;
        if (nc_read_file(paths[i], max_size, &data, &len, &err) != NC_OK ||
            nc_meta_load(paths[i], &meta, &err) != NC_OK) {
            fprintf(stderr, "newsclaims: %s: %s\n", err.where[0] ? err.where : paths[i], err.msg);
            rc = EXIT_SOME_FAILED;
            free(data);
            continue;
        }
        fputs("{\"path\":", stdout);
        json_str(stdout, paths[i], strlen(paths[i]));
        if (meta) {
            const char *k[] = { "lang", "date", "date_note", "title", "publisher", "url", "source" };
            const char *v[] = { meta->lang, meta->date, meta->date_note, meta->title, meta->publisher, meta->url,
                                meta->source };
            for (int j = 0; j < 7; j++)
                if (v[j]) {
                    fprintf(stdout, ",\"%s\":", k[j]);
                    json_str(stdout, v[j], strlen(v[j]));
                }
        }
        fputs(",\"data_b64\":\"", stdout);
        nc_base64_write(stdout, data, len);
        fputs("\"}\n", stdout);
        nc_meta_free(meta);
        free(data);
    }
    nc_paths_free(paths, n);
    return rc;
}

/* ------------------------------------------------------------ load, merge */

static void usage_load(FILE *f)
{
    fputs("usage: newsclaims load FILE.jsonl|-... [--db FILE] [--quiet]\n"
          "\n"
          "Store the JSON lines `newsclaims extract --stream` wrote ('-' reads stdin), as\n"
          "ingest stores files (unchanged ones skipped, changed ones replaced), then\n"
          "relink claim groups.\n", f);
}

static void usage_merge(FILE *f)
{
    fputs("usage: newsclaims merge SHARD.db... --db OUT [--quiet]\n"
          "\n"
          "Copy every file of the shard databases, with all their rows, into OUT (created\n"
          "if missing), then relink claim groups over everything: the same groups,\n"
          "conflicts and timeline as one ingest over all the files. A path stored in\n"
          "several shards is taken from the first one named.\n", f);
}

static void load_report(void *ud, const char *where, const char *msg)
{
    (void)ud;
    fprintf(stderr, "newsclaims: %s: %s\n", where, msg);
}

static int finish_store(nc_store *s, const char *db, const nc_load_report *r, int quiet, int rc, const char *verb)
{
    nc_error err = { 0 };
    if (nc_store_flush(s, &err) != NC_OK) {
        fprintf(stderr, "newsclaims: %s: %s\n", db, err.msg);
        rc = EXIT_FATAL;
    }
    if (rc != EXIT_FATAL && nc_store_link(s, &err) != NC_OK) {
        fprintf(stderr, "newsclaims: %s: linking claims failed: %s\n", db, err.msg);
        rc = EXIT_FATAL;
    }
    if (!quiet) {
        fprintf(stderr, "newsclaims: %s %zu files", verb, r->stored + r->replaced);
        if (r->articles)
            fprintf(stderr, " (%zu articles)", r->articles);
        if (r->unchanged || r->failed)
            fprintf(stderr, ", %zu unchanged, %zu failed", r->unchanged, r->failed);
        nc_link_stats ls;
        nc_store_last_link(s, &ls);
        fprintf(stderr, "; linked %zu claims into %zu groups\n", ls.claims_read, ls.groups_written);
    }
    nc_store_close(s);
    if (rc == EXIT_SUCCESS && r->failed)
        rc = EXIT_SOME_FAILED;
    return rc;
}

static int cmd_load_merge(int argc, char **argv, int merge)
{
    static const struct option lo[] = {
        { "db", required_argument, 0, 'd' }, { "quiet", no_argument, 0, 'q' }, { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 }
    };
    const char *db = "newsclaims.db";
    int quiet = 0, o;
    while ((o = getopt_long(argc, argv, "d:qh", lo, NULL)) != -1) {
        switch (o) {
        case 'd': db = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': merge ? usage_merge(stdout) : usage_load(stdout); return 0;
        default: merge ? usage_merge(stderr) : usage_load(stderr); return EXIT_FATAL;
        }
    }
    if (optind >= argc) {
        merge ? usage_merge(stderr) : usage_load(stderr);
        return EXIT_FATAL;
    }
    /* the gazetteer, as ingest stores it: organisation names and parents */
    common c = { 0 };
    nc_extractor *x = open_extractor(&c);
    if (!x)
        return EXIT_FATAL;
    nc_error err = { 0 };
    nc_store *s = nc_store_open(db, NULL, &err);
    if (!s || nc_store_put_orgs(s, x, &err) != NC_OK || nc_store_bulk_begin(s, NULL, &err) != NC_OK) {
        fprintf(stderr, "newsclaims: %s: %s\n", err.where[0] ? err.where : db, err.msg);
        nc_store_close(s);
        nc_extractor_free(x);
        return EXIT_FATAL;
    }
    nc_extractor_free(x);
    nc_load_report r = { 0 };
    int rc = EXIT_SUCCESS;
    if (merge) {
        size_t n = (size_t)(argc - optind);
        const char *const *shards = (const char *const *)argv + optind;
        char staging[4200];
        staging[0] = 0;
        if (n > 8) {
            /* SQLite attaches a few databases at a time: gather the shards in
            ** rounds into a staging database, then merge that one, so that
            ** rows come in path order over all shards, as in one ingest */
            /* named by this process: another merge into the same OUT keeps its own */
            snprintf(staging, sizeof staging, "%s.merge-staging-%ld", db, (long)getpid());
            remove(staging);
            nc_store *st = nc_store_open(staging, NULL, &err);
            if (!st) {
                fprintf(stderr, "newsclaims: %s: %s\n", staging, err.msg);
                rc = EXIT_FATAL;
            }
            nc_load_report ignore = { 0 };
            for (size_t i = 0; i < n && rc == EXIT_SUCCESS; i += 8)
                if (nc_store_merge(st, shards + i, n - i < 8 ? n - i : 8, &ignore, &err) != NC_OK) {
                    fprintf(stderr, "newsclaims: %s: %s\n", err.where[0] ? err.where : staging, err.msg);
                    rc = EXIT_FATAL;
                }
            nc_store_close(st);
        }
        const char *one[1] = { staging };
        if (rc == EXIT_SUCCESS &&
            nc_store_merge(s, staging[0] ? one : shards, staging[0] ? 1 : n, &r, &err) != NC_OK) {
            fprintf(stderr, "newsclaims: %s: %s\n", err.where[0] ? err.where : db, err.msg);
            rc = EXIT_FATAL;
        }
        if (staging[0]) {
            char side[4300];
            remove(staging);
            snprintf(side, sizeof side, "%s-wal", staging);
            remove(side);
            snprintf(side, sizeof side, "%s-shm", staging);
            remove(side);
        }
        r.articles = 0;
        if (r.differing)
            fprintf(stderr, "newsclaims: %zu path%s stored with different content in several shards (e.g. %s):"
                            " kept as the first shard named had %s\n",
                    r.differing, r.differing == 1 ? "" : "s", r.differing_example, r.differing == 1 ? "it" : "them");
        return finish_store(s, db, &r, quiet, rc, "merged");
    }
    nc_store_set_batch(s, BATCH_FILES, BATCH_SECONDS);
    for (int i = optind; i < argc && rc != EXIT_FATAL; i++) {
        FILE *in = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;
        if (!in) {
            fprintf(stderr, "newsclaims: %s: %s\n", argv[i], strerror(errno));
            rc = EXIT_SOME_FAILED;
            continue;
        }
        if (nc_store_load_jsonl(s, in, strcmp(argv[i], "-") ? argv[i] : "stdin", &r, load_report, NULL, &err) != NC_OK) {
            fprintf(stderr, "newsclaims: %s: %s\n", err.where[0] ? err.where : argv[i], err.msg);
            rc = EXIT_FATAL;
        }
        if (in != stdin)
            fclose(in);
    }
    return finish_store(s, db, &r, quiet, rc, "loaded");
}

/* --------------------------------------------------------------- extract */

static void usage_extract(FILE *f)
{
    fputs("usage: newsclaims extract FILE [--lang fr|de|en] [--rules DIR] [--data DIR]\n"
          "       newsclaims extract --stream [--lang fr|de|en] < items.jsonl > articles.jsonl\n"
          "\n"
          "--stream: read articles as JSON lines on stdin ({\"path\", \"text\"|\"html\"|\"data_b64\",\n"
          "and optional \"lang\", \"date\", \"title\", \"publisher\", \"url\", \"source\"}; `newsclaims\n"
          "pack` writes them) and write one JSON line per article, with its metadata,\n"
          "sentences, mentions and claims, for `newsclaims load`; errors as JSON lines on\n"
          "stderr. A filter for GNU parallel, Hadoop Streaming or Spark's pipe.\n"
          "\n"
          "Print what extraction finds in one file, without a database, as JSON lines:\n"
          "one {\"type\":\"article\"} line per article, then one {\"type\":\"mention\"} line per\n"
          "mention and one {\"type\":\"claim\"} line per claim (fields: README).\n", f);
}

static void print_extraction(FILE *f, const nc_article *a, const nc_extraction *ex)
{
    fprintf(f, "{\"type\":\"article\",\"path\":");
    json_cstr(f, a->path);
    fprintf(f, ",\"item\":%d,\"lang\":", a->item);
    json_cstr(f, a->lang);
    fprintf(f, ",\"format\":\"%s\",\"encoding\":", a->format);
    json_cstr(f, a->encoding);
    fprintf(f, ",\"title\":");
    json_cstr(f, a->title);
    fprintf(f, ",\"pub_date\":");
    json_cstr(f, a->pub_date[0] ? a->pub_date : NULL);
    fprintf(f, ",\"pub_date_precision\":\"%s\",\"pub_date_source\":", nc_precision_name(a->pub_date_precision));
    json_cstr(f, a->pub_date_source[0] ? a->pub_date_source : NULL);
    fprintf(f, ",\"cited_source\":");
    json_cstr(f, a->cited_source);
    fprintf(f, ",\"sentences\":%zu,\"bytes\":%zu}\n", a->n_sentences, a->text_len);
    for (size_t i = 0; ex && i < ex->n_mentions; i++) {
        const nc_mention *m = &ex->mentions[i];
        fprintf(f, "{\"type\":\"mention\",\"kind\":\"%s\",\"start\":%zu,\"end\":%zu,\"sentence\":%zu,\"surface\":",
                nc_mention_kind_name(m->kind), m->start, m->end, m->sentence);
        json_str(f, a->text + m->start, m->end - m->start);
        fprintf(f, ",\"value\":");
        json_cstr(f, m->value[0] ? m->value : NULL);
        fprintf(f, ",\"value_max\":");
        json_cstr(f, m->value_max[0] ? m->value_max : NULL);
        fprintf(f, ",\"unit\":");
        json_cstr(f, m->unit[0] ? m->unit : NULL);
        fprintf(f, ",\"qualifier\":");
        json_cstr(f, m->qualifier[0] ? m->qualifier : NULL);
        fprintf(f, ",\"precision\":");
        json_cstr(f, m->kind == NC_MENTION_DATE ? nc_precision_name(m->precision) : NULL);
        fprintf(f, ",\"resolved\":%s,\"vague\":%s", m->flags & NC_MF_RESOLVED ? "true" : "false",
                m->flags & NC_MF_VAGUE ? "true" : "false");
        if (m->shift[0])   /* "the next day": counted from the date the text named before, or the publication */
            fprintf(f, ",\"shift\":\"%s\",\"from\":\"%s\"", m->shift,
                    m->flags & NC_MF_ANAPHORIC ? "text" : "publication");
        fprintf(f, ",\"rule\":");
        json_cstr(f, m->rule);
        fputs("}\n", f);
    }
    for (size_t i = 0; ex && i < ex->n_claims; i++) {
        const nc_claim *c = &ex->claims[i];
        fprintf(f, "{\"type\":\"claim\",\"sentence\":%zu,\"predicate\":\"%s\",\"subject\":", c->sentence, c->predicate);
        json_cstr(f, c->subject[0] ? c->subject : NULL);
        fprintf(f, ",\"object\":");
        json_cstr(f, c->object[0] ? c->object : NULL);
        const nc_mention *am = c->amount >= 0 ? &ex->mentions[c->amount] : NULL;
        fprintf(f, ",\"amount\":");
        json_cstr(f, am ? am->value : NULL);
        fprintf(f, ",\"unit\":");
        json_cstr(f, am && am->unit[0] ? am->unit : NULL);
        fprintf(f, ",\"qualifier\":");
        json_cstr(f, am && am->qualifier[0] ? am->qualifier : NULL);
        fprintf(f, ",\"duration\":");
        json_cstr(f, nc_claim_duration(ex, c));
        fprintf(f, ",\"event_date\":");
        json_cstr(f, c->event_date[0] ? c->event_date : NULL);
        fprintf(f, ",\"event_precision\":\"%s\",\"event_date_source\":", nc_precision_name(c->event_precision));
        json_cstr(f, c->event_date_source[0] ? c->event_date_source : NULL);
        fprintf(f, ",\"source\":");
        json_cstr(f, c->source[0] ? c->source : NULL);
        fprintf(f, ",\"negated\":%s,\"hedged\":%s,\"confidence\":%.2f,\"rule\":", c->is_negated ? "true" : "false",
                c->is_hedged ? "true" : "false", c->confidence);
        json_cstr(f, c->rule);
        fprintf(f, ",\"sentence_text\":");
        const nc_sentence *s = &a->sentences[c->sentence];
        json_str(f, a->text + s->start, s->end - s->start);
        fputs("}\n", f);
    }
}

/* An error of stream mode, as a JSON line on stderr. */
static void stream_error(size_t lineno, const char *path, const char *msg)
{
    fprintf(stderr, "{\"type\":\"error\",\"line\":%zu,\"path\":", lineno);
    if (path && *path)
        json_str(stderr, path, strlen(path));
    else
        fputs("null", stderr);
    fputs(",\"message\":", stderr);
    json_str(stderr, msg, strlen(msg));
    fputs("}\n", stderr);
}

/* extract --stream: JSON lines in, one JSON line per article out; memory
** bounded by the longest line and its articles. */
static int extract_stream(common *c, const char *lang)
{
    nc_ingester *ing = open_ingester(c, lang);
    nc_extractor *x = ing ? open_extractor(c) : NULL;
    if (!x) {
        nc_ingester_free(ing);
        return EXIT_FATAL;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int rc = EXIT_SUCCESS;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (!n)
            continue;
        nc_stream_input in;
        nc_article *arts = NULL;
        size_t n_arts = 0;
        nc_error err = { 0 };
        if (nc_ingest_json_line(ing, line, (size_t)n, lineno, &in, &arts, &n_arts, &err) != NC_OK) {
            stream_error(lineno, in.path, err.msg);
            rc = EXIT_SOME_FAILED;
            nc_stream_input_free(&in);
            continue;
        }
        for (size_t k = 0; k < n_arts; k++) {
            nc_extraction ex;
            memset(&ex, 0, sizeof ex);
            int have = 0;
            if (arts[k].lang_supported || lang) {
                nc_error xe = { 0 };
                if (nc_extract_article(x, &arts[k], NULL, &ex, &xe) == NC_OK)
                    have = 1;
                else
                    stream_error(lineno, in.path, xe.msg);
            }
            nc_extraction_write_json(stdout, in.hash, in.len, &arts[k], have ? &ex : NULL);
            nc_extraction_free(&ex);
        }
        nc_articles_free(arts, n_arts);
        nc_stream_input_free(&in);
        if (ferror(stdout)) {
            fprintf(stderr, "newsclaims extract --stream: cannot write to stdout\n");
            rc = EXIT_FATAL;
            break;
        }
    }
    free(line);
    nc_extractor_free(x);
    nc_ingester_free(ing);
    return rc;
}

static int cmd_extract(int argc, char **argv)
{
    static const struct option lo[] = {
        { "lang", required_argument, 0, 'l' }, { "rules", required_argument, 0, 'r' },
        { "data", required_argument, 0, 'D' }, { "help", no_argument, 0, 'h' },
        { "stream", no_argument, 0, 's' }, { 0, 0, 0, 0 }
    };
    common c = { 0 };
    const char *lang = NULL;
    int o, stream = 0;
    while ((o = getopt_long(argc, argv, "l:h", lo, NULL)) != -1) {
        switch (o) {
        case 's': stream = 1; break;
        case 'l': lang = optarg; break;
        case 'r': c.rules_opt = optarg; break;
        case 'D': c.data_opt = optarg; break;
        case 'h': usage_extract(stdout); return 0;
        default: usage_extract(stderr); return EXIT_FATAL;
        }
    }
    if (stream) {
        if (optind != argc) {
            fprintf(stderr, "newsclaims extract --stream: reads JSON lines on stdin; no file names\n");
            return EXIT_FATAL;
        }
        return extract_stream(&c, lang);
    }
    if (optind != argc - 1) {
        fprintf(stderr, "newsclaims extract: name exactly one file\n");
        usage_extract(stderr);
        return EXIT_FATAL;
    }
    const char *path = argv[optind];
    nc_ingester *ing = open_ingester(&c, lang);
    nc_extractor *x = ing ? open_extractor(&c) : NULL;
    if (!x) {
        nc_ingester_free(ing);
        return EXIT_FATAL;
    }
    if (lang && !nc_extractor_has_lang(x, lang)) {
        fprintf(stderr, "newsclaims extract: no extraction rules for language \"%s\"\n", lang);
        nc_extractor_free(x);
        nc_ingester_free(ing);
        return EXIT_FATAL;
    }
    nc_error err = { 0 };
    unsigned char *data = NULL;
    size_t len = 0;
    nc_meta *meta = NULL;
    nc_article *arts = NULL;
    size_t n = 0;
    int rc = nc_read_file(path, 64u << 20, &data, &len, &err);
    if (rc == NC_OK)
        rc = nc_meta_load(path, &meta, &err);
    if (rc == NC_OK)
        rc = nc_ingest_buffer(ing, path, data, len, meta, &arts, &n, &err);
    int exit_code = EXIT_SUCCESS;
    if (rc != NC_OK) {
        fprintf(stderr, "newsclaims: %s: %s\n", err.where[0] ? err.where : path, err.msg);
        exit_code = EXIT_SOME_FAILED;
    }
    for (size_t i = 0; i < n; i++) {
        nc_extraction ex;
        memset(&ex, 0, sizeof ex);
        if (!arts[i].lang_supported && !lang) {
            fprintf(stderr, "newsclaims: %s: language \"%s\" has no extraction rules; skipped\n", path, arts[i].lang);
            print_extraction(stdout, &arts[i], NULL);
            exit_code = EXIT_SOME_FAILED;
            continue;
        }
        if (nc_extract_article(x, &arts[i], lang, &ex, &err) != NC_OK) {
            fprintf(stderr, "newsclaims: %s: %s\n", path, err.msg);
            exit_code = EXIT_SOME_FAILED;
            continue;
        }
        print_extraction(stdout, &arts[i], &ex);
        nc_extraction_free(&ex);
    }
    nc_articles_free(arts, n);
    nc_meta_free(meta);
    free(data);
    nc_extractor_free(x);
    nc_ingester_free(ing);
    return exit_code;
}

/* The database for reading, or NULL after saying why on stderr. */
static nc_store *open_readonly(const char *db)
{
    nc_error err = { 0 };
    nc_store_opts so = nc_store_default_opts();
    so.is_readonly = 1;
    nc_store *s = nc_store_open(db, &so, &err);
    if (!s)
        fprintf(stderr, "newsclaims: %s: %s\n", err.where[0] ? err.where : db, err.msg);
    return s;
}

/* -------------------------------------------------------------- timeline */

static void usage_timeline(FILE *f)
{
    fputs("usage: newsclaims timeline [--db FILE] [--format text|md|json|csv|html]\n"
          "                           [--company NAME] [--from DATE] [--to DATE] [--lang CODE]\n"
          "                           [--predicate NAME] [--min-sources N] [--color|--no-color]\n"
          "\n"
          "Regenerate the claim timeline from the database alone, ordered by event date\n"
          "(claims with no event date last). The same database gives the same bytes.\n"
          "DATE is ISO at any precision: 2023, 2023-03, 2023-03-15.\n", f);
}

static int cmd_timeline(int argc, char **argv)
{
    static const struct option lo[] = {
        { "db", required_argument, 0, 'd' }, { "format", required_argument, 0, 'f' },
        { "company", required_argument, 0, 'c' }, { "from", required_argument, 0, 'F' },
        { "to", required_argument, 0, 'T' }, { "lang", required_argument, 0, 'l' },
        { "predicate", required_argument, 0, 'p' }, { "min-sources", required_argument, 0, 'm' },
        { "color", no_argument, 0, 'C' }, { "no-color", no_argument, 0, 'N' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
    };
    const char *db = "newsclaims.db";
    nc_timeline_opts to = nc_timeline_default_opts();
    int color = -1, o;
    while ((o = getopt_long(argc, argv, "d:f:c:l:p:h", lo, NULL)) != -1) {
        switch (o) {
        case 'd': db = optarg; break;
        case 'f': {
            int fm = nc_timeline_format_parse(optarg);
            if (fm < 0) {
                fprintf(stderr, "newsclaims timeline: unknown format \"%s\" (text, md, json, csv, html)\n", optarg);
                return EXIT_FATAL;
            }
            to.format = (nc_timeline_format)fm;
            break;
        }
        case 'c': to.company = optarg; break;
        case 'F': to.from = optarg; break;
        case 'T': to.to = optarg; break;
        case 'l': to.lang = optarg; break;
        case 'p': to.predicate = optarg; break;
        case 'm': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 1000000) {
                fprintf(stderr, "newsclaims timeline: --min-sources wants a number\n");
                return EXIT_FATAL;
            }
            to.min_sources = (int)v;
            break;
        }
        case 'C': color = 1; break;
        case 'N': color = 0; break;
        case 'h': usage_timeline(stdout); return 0;
        default: usage_timeline(stderr); return EXIT_FATAL;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "newsclaims timeline: unexpected argument \"%s\"\n", argv[optind]);
        return EXIT_FATAL;
    }
    to.use_color = color < 0 ? (to.format == NC_TL_TEXT && isatty(1) && !getenv("NO_COLOR")) : color;
    nc_error err = { 0 };
    nc_store *s = open_readonly(db);
    if (!s)
        return EXIT_FATAL;
    int rc = nc_timeline_write(s, &to, stdout, &err);
    nc_store_close(s);
    if (rc != NC_OK) {
        fprintf(stderr, "newsclaims timeline: %s\n", err.msg);
        return EXIT_FATAL;
    }
    return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FATAL;
}

/* ----------------------------------------------------------------- stats */

static void usage_stats(FILE *f)
{
    fputs("usage: newsclaims stats [--db FILE] [--json]\n"
          "\n"
          "Counts per table, per language and per mention kind.\n", f);
}

static int cmd_stats(int argc, char **argv)
{
    static const struct option lo[] = {
        { "db", required_argument, 0, 'd' }, { "json", no_argument, 0, 'j' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
    };
    const char *db = "newsclaims.db";
    int json = 0, o;
    while ((o = getopt_long(argc, argv, "d:jh", lo, NULL)) != -1) {
        switch (o) {
        case 'd': db = optarg; break;
        case 'j': json = 1; break;
        case 'h': usage_stats(stdout); return 0;
        default: usage_stats(stderr); return EXIT_FATAL;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "newsclaims stats: unexpected argument \"%s\"\n", argv[optind]);
        return EXIT_FATAL;
    }
    nc_error err = { 0 };
    nc_store *s = open_readonly(db);
    if (!s)
        return EXIT_FATAL;
    int rc = nc_store_stats(s, json, stdout, &err);
    nc_store_close(s);
    if (rc != NC_OK) {
        fprintf(stderr, "newsclaims stats: %s\n", err.msg);
        return EXIT_FATAL;
    }
    return EXIT_SUCCESS;
}

/* -------------------------------------------------------- explain, show */

static void usage_explain(FILE *f)
{
    fputs("usage: newsclaims explain GROUP_ID|cCLAIM_ID [--db FILE] [--json] [--color|--no-color]\n"
          "\n"
          "Why the database holds a claim: the group's fields and conflicts, then each\n"
          "claim with its source sentence, the mentions in it (highlighted), the rules that\n"
          "found them and the reference date its dates were resolved against.\n"
          "A group is named by its number (21 or g21), a claim by c and its number (c87).\n", f);
}

static void usage_show(FILE *f)
{
    fputs("usage: newsclaims show ARTICLE_ID|PATH [--db FILE] [--json] [--text]\n"
          "\n"
          "A stored article: its metadata and where each piece came from (encoding,\n"
          "language, publication date and how it was obtained), its mentions, and with\n"
          "--text its normalized text.\n", f);
}

static int cmd_explain_show(int argc, char **argv, int is_show)
{
    static const struct option lo[] = {
        { "db", required_argument, 0, 'd' }, { "json", no_argument, 0, 'j' }, { "text", no_argument, 0, 't' },
        { "color", no_argument, 0, 'C' }, { "no-color", no_argument, 0, 'N' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
    };
    const char *db = "newsclaims.db";
    int json = 0, text = 0, color = -1, o;
    while ((o = getopt_long(argc, argv, "d:jh", lo, NULL)) != -1) {
        switch (o) {
        case 'd': db = optarg; break;
        case 'j': json = 1; break;
        case 't': text = 1; break;
        case 'C': color = 1; break;
        case 'N': color = 0; break;
        case 'h': is_show ? usage_show(stdout) : usage_explain(stdout); return 0;
        default: is_show ? usage_show(stderr) : usage_explain(stderr); return EXIT_FATAL;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "newsclaims %s: name exactly one %s\n", is_show ? "show" : "explain",
                is_show ? "article (id or path)" : "group or claim");
        is_show ? usage_show(stderr) : usage_explain(stderr);
        return EXIT_FATAL;
    }
    nc_error err = { 0 };
    nc_store *s = open_readonly(db);
    if (!s)
        return EXIT_FATAL;
    int use_color = color < 0 ? (!json && isatty(1) && !getenv("NO_COLOR")) : color;
    int rc = is_show ? nc_store_show(s, argv[optind], json, text, stdout, &err)
                     : nc_store_explain(s, argv[optind], json, use_color, stdout, &err);
    nc_store_close(s);
    if (rc != NC_OK) {
        fprintf(stderr, "newsclaims %s: %s\n", is_show ? "show" : "explain", err.msg);
        return rc == NC_E_USAGE ? EXIT_SOME_FAILED : EXIT_FATAL;
    }
    return EXIT_SUCCESS;
}

/* ----------------------------------------------------------------- rules */

static void report_rule(void *ud, const char *where, const char *msg)
{
    (void)ud;
    fprintf(stderr, "%s: %s\n", where, msg);
}

static int cmd_rules(int argc, char **argv)
{
    static const struct option lo[] = {
        { "rules", required_argument, 0, 'r' }, { "help", no_argument, 0, 'h' },
        { "pattern", required_argument, 0, 'p' }, { 0, 0, 0, 0 }
    };
    common c = { 0 };
    const char *show = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (o) {
        case 'r': c.rules_opt = optarg; break;
        case 'p': show = optarg; break;
        case 'h':
            fputs("usage: newsclaims rules [--rules DIR] [--pattern LANG:RULE]\n\nCompile every rule file and run each rule's examples;\n"
                  "prints each failing example as FILE:LINE: message. Exit 1 if any fails.\n"
                  "--pattern fr:money.num prints that rule's pattern with its {NAME}s expanded\n"
                  "(a PCRE2 pattern, for grep -P and the like).\n", stdout);
            return 0;
        default: return EXIT_FATAL;
        }
    }
    nc_extractor *x = open_extractor(&c);
    if (!x)
        return EXIT_FATAL;
    if (show) {
        char lang[16];
        const char *colon = strchr(show, ':');
        snprintf(lang, sizeof lang, "%.*s", colon ? (int)(colon - show) : 0, show);
        const char *pat = colon ? nc_extractor_rule_pattern(x, lang, colon + 1) : NULL;
        if (pat)
            printf("%s\n", pat);
        else
            fprintf(stderr, "newsclaims rules: no rule \"%s\" (give LANG:RULE, e.g. fr:money.num)\n", show);
        nc_extractor_free(x);
        return pat ? EXIT_SUCCESS : EXIT_FATAL;
    }
    size_t n = 0;
    int failed = nc_extractor_selftest(x, &n, report_rule, NULL);
    printf("%zu examples, %d failed\n", n, failed);
    nc_extractor_free(x);
    return failed ? EXIT_SOME_FAILED : EXIT_SUCCESS;
}

/* ------------------------------------------------------------------ main */

static void usage(FILE *f)
{
    fputs("usage: newsclaims COMMAND [OPTIONS]\n"
          "\n"
          "Find the money amounts, dates, companies and contract terms that news articles\n"
          "report (French, German, English), link the same claim across articles and\n"
          "languages in SQLite, and regenerate the claim timeline.\n"
          "\n"
          "commands:\n"
          "  ingest DIR|FILE...  store articles, their mentions and claims (--db FILE)\n"
          "  extract FILE        print what extraction finds in one file, as JSON lines\n"
          "  timeline            print the claim timeline (text, md, json, csv, html)\n"
          "  stats               counts per table, language and mention kind\n"
          "  explain GROUP|cID   why a claim group or a claim is what it is\n"
          "  show ARTICLE        a stored article, its metadata's provenance, its mentions\n"
          "  rules               check the rule files by running their examples\n"
          "  pack DIR|FILE...    files as JSON lines, for extract --stream\n"
          "  extract --stream    JSON lines in, articles with mentions and claims out\n"
          "  load FILE.jsonl...  store what extract --stream wrote (--db FILE)\n"
          "  merge SHARD.db...   merge shard databases into one (--db OUT)\n"
          "\n"
          "'newsclaims COMMAND --help' tells more. --version prints the version.\n", f);
}

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* Compiling the rules (PCRE2 takes and gives back a large workspace for
    ** each of some thousand patterns) made glibc grow and trim the heap with
    ** brk thousands of times: on a virtual machine each trim is a TLB flush,
    ** half of a short run's start. Keep freed memory for reuse instead (it
    ** stays bounded by the largest the run ever held). */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 4 << 20);
#endif
    if (argc < 2) {
        usage(stderr);
        return EXIT_FATAL;
    }
    const char *cmd = argv[1];
    int rc;
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("newsclaims %s (schema %d)\n", NC_VERSION, nc_store_schema_version());
        return 0;
    }
    argv++;
    argc--;
    if (!strcmp(cmd, "ingest"))
        rc = cmd_ingest(argc, argv);
    else if (!strcmp(cmd, "extract"))
        rc = cmd_extract(argc, argv);
    else if (!strcmp(cmd, "pack"))
        rc = cmd_pack(argc, argv);
    else if (!strcmp(cmd, "load"))
        rc = cmd_load_merge(argc, argv, 0);
    else if (!strcmp(cmd, "merge"))
        rc = cmd_load_merge(argc, argv, 1);
    else if (!strcmp(cmd, "timeline"))
        rc = cmd_timeline(argc, argv);
    else if (!strcmp(cmd, "stats"))
        rc = cmd_stats(argc, argv);
    else if (!strcmp(cmd, "rules"))
        rc = cmd_rules(argc, argv);
    else if (!strcmp(cmd, "explain"))
        rc = cmd_explain_show(argc, argv, 0);
    else if (!strcmp(cmd, "show"))
        rc = cmd_explain_show(argc, argv, 1);
    else {
        fprintf(stderr, "newsclaims: unknown command \"%s\"\n", cmd);
        usage(stderr);
        rc = EXIT_FATAL;
    }
    u_cleanup();
    return rc;
}
