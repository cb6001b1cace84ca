/*
** walk.c — find article files under directories; read whole files.
**
** The walk is depth-first with lstat/stat: symlinks are followed, but every
** directory is identified by (device, inode) and entered once, which ends
** symlink loops. Results are sorted bytewise so that the order of readdir()
** never changes what gets stored.
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
#include <sys/stat.h>
#include <unistd.h>

typedef struct walk {
    char **paths;
    size_t n, cap;
    struct { dev_t dev; ino_t ino; } *seen;
    size_t n_seen, cap_seen;
    struct { dev_t dev; ino_t ino; } skip[4];
    size_t n_skip;
    nc_walk_error_fn on_error;
    void *ud;
    int is_oom;
} walk;

static void report(walk *w, const char *path, const char *reason)
{
    if (w->on_error)
        w->on_error(w->ud, path, reason);
}

static void add_path(walk *w, const char *path)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        char **p = realloc(w->paths, cap * sizeof *p);
        if (!p) { w->is_oom = 1; return; }
        w->paths = p;
        w->cap = cap;
    }
    char *s = xstrdup(path);
    if (!s) { w->is_oom = 1; return; }
    w->paths[w->n++] = s;
}

static int is_skipped(const walk *w, const struct stat *st)
{
    for (size_t i = 0; i < w->n_skip; i++)
        if (w->skip[i].dev == st->st_dev && w->skip[i].ino == st->st_ino)
            return 1;
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_dir(walk *w, const char *dir, int depth)
{
    if (depth > 256) {
        report(w, dir, "directory tree deeper than 256 levels; not entered");
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        report(w, dir, strerror(errno));
        return;
    }
    /* read all names first, sort, then descend: deterministic order */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')   /* hidden files, "." and ".." */
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **p = realloc(names, cap * sizeof *p);
            if (!p) { w->is_oom = 1; break; }
            names = p;
        }
        if (!(names[n] = xstrdup(e->d_name))) { w->is_oom = 1; break; }
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(len);
        if (!path) { w->is_oom = 1; break; }
        snprintf(path, len, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", names[i]);
        struct stat st;
        if (stat(path, &st) != 0) {
            report(w, path, errno == ELOOP ? "symbolic link loop" :
                            errno == ENOENT ? "vanished, or a dangling symbolic link" : strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            int seen = 0;
            for (size_t k = 0; k < w->n_seen; k++)
                if (w->seen[k].dev == st.st_dev && w->seen[k].ino == st.st_ino)
                    seen = 1;
            if (seen) {
                report(w, path, "directory already visited (symbolic link loop); skipped");
            } else {
                if (w->n_seen == w->cap_seen) {
                    size_t c = w->cap_seen ? w->cap_seen * 2 : 32;
                    void *p = realloc(w->seen, c * sizeof *w->seen);
                    if (!p) { w->is_oom = 1; free(path); break; }
                    w->seen = p;
                    w->cap_seen = c;
                }
                w->seen[w->n_seen].dev = st.st_dev;
                w->seen[w->n_seen].ino = st.st_ino;
                w->n_seen++;
                walk_dir(w, path, depth + 1);
            }
        } else if (S_ISREG(st.st_mode)) {
            if (!ends_with(names[i], ".meta") && !is_skipped(w, &st))
                add_path(w, path);
        }
        free(path);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int nc_walk(const char *const *roots, size_t n_roots, const char *skip,
            char ***paths, size_t *n_paths, nc_walk_error_fn on_error, void *ud)
{
    walk w = { 0 };
    w.on_error = on_error;
    w.ud = ud;
    int rc = NC_OK;
    if (skip) {
        static const char *sfx[] = { "", "-wal", "-shm", "-journal" };
        for (size_t i = 0; i < 4; i++) {
            char p[4096];
            struct stat st;
            snprintf(p, sizeof p, "%s%s", skip, sfx[i]);
            if (stat(p, &st) == 0) {
                w.skip[w.n_skip].dev = st.st_dev;
                w.skip[w.n_skip].ino = st.st_ino;
                w.n_skip++;
            }
        }
    }
    for (size_t r = 0; r < n_roots; r++) {
        struct stat st;
        if (stat(roots[r], &st) != 0) {
            report(&w, roots[r], strerror(errno));
            rc = NC_E_IO;
        } else if (S_ISDIR(st.st_mode)) {
            /* the root counts as visited: a link back to it is a loop too */
            void *p = realloc(w.seen, (w.n_seen + 1) * sizeof *w.seen);
            if (!p) {
                w.is_oom = 1;
                break;
            }
            w.seen = p;
            w.cap_seen = w.n_seen + 1;
            w.seen[w.n_seen].dev = st.st_dev;
            w.seen[w.n_seen].ino = st.st_ino;
            w.n_seen++;
            walk_dir(&w, roots[r], 0);
        } else if (S_ISREG(st.st_mode)) {
            /* a file named explicitly is taken even if hidden; sidecars never are */
            if (!is_skipped(&w, &st) && !ends_with(roots[r], ".meta"))
                add_path(&w, roots[r]);
        } else {
            report(&w, roots[r], "not a regular file or directory");
            rc = NC_E_IO;
        }
    }
    free(w.seen);
    /* one list in bytewise path order whatever the order of the roots, each
    ** path once (roots may overlap): the order files are stored in, so that
    ** row ids do not depend on how the inputs were named or sharded */
    if (!w.is_oom && w.n > 1) {
        qsort(w.paths, w.n, sizeof *w.paths, cmp_str);
        size_t k = 1;
        for (size_t i = 1; i < w.n; i++) {
            if (!strcmp(w.paths[i], w.paths[k - 1]))
                free(w.paths[i]);
            else
                w.paths[k++] = w.paths[i];
        }
        w.n = k;
    }
    if (w.is_oom) {
        nc_paths_free(w.paths, w.n);
        *paths = NULL;
        *n_paths = 0;
        return NC_E_NOMEM;
    }
    *paths = w.paths;
    *n_paths = w.n;
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
