/*
** walk.c — find article files under directories; read whole files.
**
** The walk is depth-first with stat: symlinks are followed, but every
** directory is identified by (device, inode) and entered once, which ends
** symlink loops. Each directory's entries are sorted so that paths come in
** bytewise order, whatever the order of readdir(); the walk holds the
** entries of the directories it is in, never the list of every file, so an
** ingest of a million files needs no more memory than one of a thousand.
**
** A directory's files whose extension says they are no article (tables,
** stream files, code, images, archives, databases: what a data folder or a
** saved web page's folder holds beside the articles) are left out and
** counted by kind, so that an ingest can say what it skipped; a document
** that may be an article newsclaims cannot read (PDF, Word) is taken and
** fails with its reason; a file named on the command line is always taken.
**
** Not done on purpose: following symlinks that leave the tree is allowed
** (users link archives into a working folder); only loops are refused.
*/
#include "ingest_int.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* One directory being walked: its entries, stat'ed and sorted. */
typedef struct entry {
    char *name;
    int is_dir;
    dev_t dev;
    ino_t ino;
} entry;

typedef struct frame {
    char *dir;
    entry *e;
    size_t n, i;
} frame;

/* The walk of one root: a stack of directories, each one's entries only. */
typedef struct root_walk {
    frame *st;
    size_t depth, cap;
    char *single;       /* a root that is a file: its one path, until taken */
} root_walk;

/* The kinds of file a walk leaves out, by extension (compared without case). */
static const struct {
    const char *kind;
    const char *ext[24];
} not_articles[] = {
    { "table", { "tsv", "csv", "xls", "xlsx", "ods", NULL } },
    { "data", { "jsonl", "ndjson", "parquet", "arrow", "pickle", "pkl", "npy", NULL } },
    { "code", { "py", "sh", "c", "h", "js", "ts", "rb", "pl", "go", "rs", "java", "css", "mk", NULL } },
    { "image", { "png", "jpg", "jpeg", "gif", "webp", "svg", "bmp", "tif", "tiff", "ico", "heic", "avif", NULL } },
    { "archive", { "zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "tar", "rar", NULL } },
    { "database", { "db", "sqlite", "sqlite3", "db-wal", "db-shm", "db-journal", NULL } },
    { "audio or video", { "mp3", "mp4", "wav", "ogg", "m4a", "mov", "avi", "mkv", "webm", "flac", NULL } },
    { "binary", { "exe", "so", "o", "a", "bin", "dll", "class", "pyc", "wasm", NULL } },
};
#define N_NOT_ARTICLES (sizeof not_articles / sizeof not_articles[0])

struct nc_walker {
    size_t n_left_out[N_NOT_ARTICLES];   /* files left out, per kind of not_articles */
    root_walk *roots;
    size_t n_roots;
    char **head;        /* each root's next path, NULL when done (owned) */
    char *last;         /* the path last returned, for dropping repeats (owned) */
    struct { dev_t dev; ino_t ino; } *seen;
    size_t n_seen, cap_seen;
    struct { dev_t dev; ino_t ino; } skip[4];
    size_t n_skip;
    nc_walk_error_fn on_error;
    void *ud;
    int is_oom, rc;
};

static void report(nc_walker *w, const char *path, const char *reason)
{
    if (w->on_error)
        w->on_error(w->ud, path, reason);
}

static int is_skipped(const nc_walker *w, dev_t dev, ino_t ino)
{
    for (size_t i = 0; i < w->n_skip; i++)
        if (w->skip[i].dev == dev && w->skip[i].ino == ino)
            return 1;
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

/* The index in not_articles of the kind a file's name says it is, -1 for
** a possible article (any other extension, or none). */
static int not_article(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name || !dot[1] || strlen(dot + 1) > 12)
        return -1;
    for (size_t k = 0; k < N_NOT_ARTICLES; k++)
        for (size_t i = 0; not_articles[k].ext[i]; i++)
            if (!strcasecmp(dot + 1, not_articles[k].ext[i]))
                return (int)k;
    return -1;
}

/* Entries in the bytewise order of the paths they lead to: a directory
** sorts as its name followed by "/" ("a.txt" < "a/..." < "a0"), so that the
** walk, one directory at a time, yields every path in bytewise order. */
static int key_at(const entry *e, size_t k, size_t len)
{
    return k < len ? (unsigned char)e->name[k] : k == len && e->is_dir ? '/' : -1;
}

static int cmp_entry(const void *x, const void *y)
{
    const entry *a = x, *b = y;
    size_t la = strlen(a->name), lb = strlen(b->name);
    for (size_t k = 0;; k++) {
        int ca = key_at(a, k, la), cb = key_at(b, k, lb);
        if (ca != cb)
            return ca < cb ? -1 : 1;
        if (ca < 0)
            return 0;
    }
}

/* Make the array *pp (of *cap elements of size elem) one larger; 0 out of memory. */
static int grow(void **pp, size_t *cap, size_t elem)
{
    size_t c = *cap ? *cap * 2 : 16;
    void *p = realloc(*pp, c * elem);
    if (!p)
        return 0;
    *pp = p;
    *cap = c;
    return 1;
}

static int seen_dir(nc_walker *w, dev_t dev, ino_t ino)
{
    for (size_t k = 0; k < w->n_seen; k++)
        if (w->seen[k].dev == dev && w->seen[k].ino == ino)
            return 1;
    if (w->n_seen == w->cap_seen && !grow((void **)&w->seen, &w->cap_seen, sizeof *w->seen)) {
        w->is_oom = 1;
        return 1;
    }
    w->seen[w->n_seen].dev = dev;
    w->seen[w->n_seen].ino = ino;
    w->n_seen++;
    return 0;
}

static char *join(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    if (path)
        snprintf(path, len, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", name);
    return path;
}

/* Enter dir: read, stat and sort its entries onto the stack. */
static void push_dir(nc_walker *w, root_walk *rw, const char *dir)
{
    if (rw->depth > 256) {
        report(w, dir, "directory tree deeper than 256 levels; not entered");
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        report(w, dir, strerror(errno));
        return;
    }
    entry *e = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')   /* hidden files, "." and ".." */
            continue;
        char *path = join(dir, de->d_name);
        if (!path) {
            w->is_oom = 1;
            break;
        }
        struct stat st;
        int left_out = -1;
        if (stat(path, &st) != 0) {
            report(w, path, errno == ELOOP ? "symbolic link loop" :
                            errno == ENOENT ? "vanished, or a dangling symbolic link" : strerror(errno));
        } else if (S_ISREG(st.st_mode) && (left_out = not_article(de->d_name)) >= 0) {
            w->n_left_out[left_out]++;
        } else if (S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && !ends_with(de->d_name, ".meta") &&
                                           !is_skipped(w, st.st_dev, st.st_ino))) {
            if (n == cap && !grow((void **)&e, &cap, sizeof *e)) {
                w->is_oom = 1;
                free(path);
                break;
            }
            if (!(e[n].name = xstrdup(de->d_name))) {
                w->is_oom = 1;
                free(path);
                break;
            }
            e[n].is_dir = S_ISDIR(st.st_mode);
            e[n].dev = st.st_dev;
            e[n].ino = st.st_ino;
            n++;
        }
        free(path);
    }
    closedir(d);
    if (n > 1)
        qsort(e, n, sizeof *e, cmp_entry);
    char *dcopy = xstrdup(dir);
    if (!dcopy || (rw->depth == rw->cap && !grow((void **)&rw->st, &rw->cap, sizeof *rw->st))) {
        w->is_oom = 1;
        free(dcopy);
        for (size_t i = 0; i < n; i++)
            free(e[i].name);
        free(e);
        return;
    }
    frame *f = &rw->st[rw->depth++];
    f->dir = dcopy;
    f->e = e;
    f->n = n;
    f->i = 0;
}

static void pop_dir(root_walk *rw)
{
    frame *f = &rw->st[--rw->depth];
    for (size_t i = 0; i < f->n; i++)
        free(f->e[i].name);
    free(f->e);
    free(f->dir);
}

/* The root's next file path (malloc'd), NULL at its end. */
static char *root_next(nc_walker *w, root_walk *rw)
{
    if (rw->single) {
        char *p = rw->single;
        rw->single = NULL;
        return p;
    }
    while (rw->depth > 0 && !w->is_oom) {
        frame *f = &rw->st[rw->depth - 1];
        if (f->i == f->n) {
            pop_dir(rw);
            continue;
        }
        entry *e = &f->e[f->i++];
        char *path = join(f->dir, e->name);
        if (!path) {
            w->is_oom = 1;
            return NULL;
        }
        if (!e->is_dir)
            return path;
        if (seen_dir(w, e->dev, e->ino)) {
            if (!w->is_oom)
                report(w, path, "directory already visited (symbolic link loop); skipped");
        } else {
            push_dir(w, rw, path);
        }
        free(path);
    }
    return NULL;
}

nc_walker *nc_walker_open(const char *const *roots, size_t n_roots, const char *skip, nc_walk_error_fn on_error,
                          void *ud)
{
    nc_walker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->on_error = on_error;
    w->ud = ud;
    w->rc = NC_OK;
    if (skip) {
        static const char *sfx[] = { "", "-wal", "-shm", "-journal" };
        for (size_t i = 0; i < 4; i++) {
            char p[4096];
            struct stat st;
            snprintf(p, sizeof p, "%s%s", skip, sfx[i]);
            if (stat(p, &st) == 0) {
                w->skip[w->n_skip].dev = st.st_dev;
                w->skip[w->n_skip].ino = st.st_ino;
                w->n_skip++;
            }
        }
    }
    w->roots = calloc(n_roots ? n_roots : 1, sizeof *w->roots);
    w->head = calloc(n_roots ? n_roots : 1, sizeof *w->head);
    if (!w->roots || !w->head) {
        nc_walker_close(w);
        return NULL;
    }
    w->n_roots = n_roots;
    for (size_t r = 0; r < n_roots; r++) {
        struct stat st;
        if (stat(roots[r], &st) != 0) {
            report(w, roots[r], strerror(errno));
            w->rc = NC_E_IO;
        } else if (S_ISDIR(st.st_mode)) {
            /* the root counts as visited: a link back to it is a loop too */
            seen_dir(w, st.st_dev, st.st_ino);
            push_dir(w, &w->roots[r], roots[r]);
        } else if (S_ISREG(st.st_mode)) {
            /* a file named explicitly is taken even if hidden; sidecars never are */
            if (!is_skipped(w, st.st_dev, st.st_ino) && !ends_with(roots[r], ".meta") &&
                !(w->roots[r].single = xstrdup(roots[r])))
                w->is_oom = 1;
        } else {
            report(w, roots[r], "not a regular file or directory");
            w->rc = NC_E_IO;
        }
    }
    for (size_t r = 0; r < n_roots && !w->is_oom; r++)
        w->head[r] = root_next(w, &w->roots[r]);
    return w;
}

const char *nc_walker_next(nc_walker *w)
{
    /* the smallest of the roots' next paths; one path once however many
    ** roots lead to it */
    for (;;) {
        if (w->is_oom)
            return NULL;
        size_t best = w->n_roots;
        for (size_t r = 0; r < w->n_roots; r++)
            if (w->head[r] && (best == w->n_roots || strcmp(w->head[r], w->head[best]) < 0))
                best = r;
        if (best == w->n_roots)
            return NULL;
        char *p = w->head[best];
        w->head[best] = root_next(w, &w->roots[best]);
        if (w->last && !strcmp(w->last, p)) {
            free(p);
            continue;
        }
        free(w->last);
        w->last = p;
        return p;
    }
}

size_t nc_walker_left_out(const nc_walker *w, char *out, size_t cap)
{
    size_t total = 0, len = 0;
    if (cap)
        out[0] = 0;
    for (size_t k = 0; w && k < N_NOT_ARTICLES; k++) {
        if (!w->n_left_out[k])
            continue;
        total += w->n_left_out[k];
        if (len < cap) {
            int r = snprintf(out + len, cap - len, "%s%zu %s", len ? ", " : "", w->n_left_out[k], not_articles[k].kind);
            len = r < 0 ? cap : len + (size_t)r;
        }
    }
    return total;
}

int nc_walker_close(nc_walker *w)
{
    if (!w)
        return NC_OK;
    int rc = w->is_oom ? NC_E_NOMEM : w->rc;
    for (size_t r = 0; w->roots && r < w->n_roots; r++) {
        while (w->roots[r].depth)
            pop_dir(&w->roots[r]);
        free(w->roots[r].st);
        free(w->roots[r].single);
        if (w->head)
            free(w->head[r]);
    }
    free(w->roots);
    free(w->head);
    free(w->last);
    free(w->seen);
    free(w);
    return rc;
}

int nc_walk(const char *const *roots, size_t n_roots, const char *skip,
            char ***paths, size_t *n_paths, nc_walk_error_fn on_error, void *ud)
{
    *paths = NULL;
    *n_paths = 0;
    nc_walker *w = nc_walker_open(roots, n_roots, skip, on_error, ud);
    if (!w)
        return NC_E_NOMEM;
    char **v = NULL;
    size_t n = 0, cap = 0;
    const char *p;
    int oom = 0;
    while ((p = nc_walker_next(w)) != NULL) {
        char *c = xstrdup(p);
        if (!c || (n == cap && !grow((void **)&v, &cap, sizeof *v))) {
            free(c);
            oom = 1;
            break;
        }
        v[n++] = c;
    }
    int rc = nc_walker_close(w);
    if (oom || rc == NC_E_NOMEM) {
        nc_paths_free(v, n);
        return NC_E_NOMEM;
    }
    *paths = v;
    *n_paths = n;
    return rc;
}

void nc_paths_free(char **paths, size_t n)
{
    if (!paths)
        return;
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

int nc_read_file(const char *path, size_t max_bytes, unsigned char **data,
                 size_t *len, nc_error *err)
{
    *data = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nc_error_set(err, NC_E_IO, path, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return nc_error_set(err, NC_E_IO, path, "not a regular file");
    }
    if ((uint64_t)st.st_size > max_bytes) {
        close(fd);
        return nc_error_set(err, NC_E_TOOBIG, path,
                            "file is %lld bytes, over the limit of %zu bytes (raise it with --max-file-size)",
                            (long long)st.st_size, max_bytes);
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    unsigned char *p = malloc(cap);
    if (!p) {
        close(fd);
        return nc_error_set(err, NC_E_NOMEM, path, "out of memory reading the file");
    }
    for (;;) {
        if (n + 1 >= cap) {
            /* the file grew while we read it: keep going up to the limit */
            if (cap > max_bytes) {
                free(p);
                close(fd);
                return nc_error_set(err, NC_E_TOOBIG, path, "file grew past the limit of %zu bytes while being read", max_bytes);
            }
            unsigned char *q = realloc(p, cap * 2);
            if (!q) { free(p); close(fd); return nc_error_set(err, NC_E_NOMEM, path, "out of memory"); }
            p = q;
            cap *= 2;
        }
        ssize_t r = read(fd, p + n, cap - 1 - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(p);
            close(fd);
            return nc_error_set(err, NC_E_IO, path, "read failed: %s", strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    p[n] = 0;
    *data = p;
    *len = n;
    return NC_OK;
}
