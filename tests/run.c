/*
** run.c — the test runner: a table of {name, fn}; with no arguments every
** test runs; with arguments, the tests whose names contain one of them.
** Ends with "N passed, N failed" (", N skipped" when tests that need
** ../shared could not run) and exits non-zero if anything failed.
*/
#include "test.h"
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <unicode/uclean.h>

int t_failures;
int t_skipped;

#define T(name) void name(void);
#include "tests.def"
#undef T

static const struct { const char *name; void (*fn)(void); } tests[] = {
#define T(name) { #name, name },
#include "tests.def"
#undef T
};

static nc_ingester *ing;
static nc_extractor *ext;
static char *tmpdirs[64];
static size_t n_tmpdirs;

const nc_ingester *t_ingester(void)
{
    if (!ing) {
        nc_error err = { 0 };
        ing = nc_ingester_new(NULL, &err);
        if (!ing) {
            fprintf(stderr, "cannot load ingest data: %s: %s\n", err.where, err.msg);
            exit(2);
        }
    }
    return ing;
}

const nc_extractor *t_extractor(void)
{
    if (!ext) {
        nc_error err = { 0 };
        ext = nc_extractor_new(NULL, &err);
        if (!ext) {
            fprintf(stderr, "cannot load rules: %s: %s\n", err.where, err.msg);
            exit(2);
        }
    }
    return ext;
}

nc_article *t_ingest(const char *name, const void *data, size_t len, const nc_meta *meta, size_t *n)
{
    nc_article *a = NULL;
    nc_error err = { 0 };
    *n = 0;
    if (nc_ingest_buffer(t_ingester(), name, data, len, meta, &a, n, &err) != NC_OK) {
        fprintf(stderr, "  (ingest of %s failed: %s: %s)\n", name, err.where, err.msg);
        return NULL;
    }
    return a;
}

char *t_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    if (p && fread(p, 1, (size_t)n, f) == (size_t)n) {
        p[n] = 0;
        if (len)
            *len = (size_t)n;
    } else {
        free(p);
        p = NULL;
    }
    fclose(f);
    return p;
}

char *t_tmpdir(void)
{
    char tmpl[] = "/tmp/nc-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    if (!d) {
        perror("mkdtemp");
        exit(2);
    }
    char *p = strdup(d);
    if (n_tmpdirs < 64)
        tmpdirs[n_tmpdirs++] = strdup(d);
    return p;
}

int t_run(const char *cmd, char **out)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += r;
        if (n + 1 >= cap) {
            cap *= 2;
            char *b2 = realloc(buf, cap);
            if (!b2) {
                free(buf);
                buf = NULL;
            }
            buf = b2;
        }
    }
    int st = pclose(p);
    if (buf)
        buf[n] = 0;
    if (out)
        *out = buf;
    else
        free(buf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

const char *t_bin(void)
{
    const char *b = getenv("NEWSCLAIMS_BIN");
    return b && *b ? b : "./newsclaims";
}

const char *t_shared(void)
{
    struct stat st;
    return stat("../shared/seeds", &st) == 0 ? "../shared" : NULL;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0, skipped = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        int selected = argc < 2;
        for (int k = 1; k < argc; k++)
            selected |= strstr(tests[i].name, argv[k]) != NULL;
        if (!selected)
            continue;
        t_failures = 0;
        t_skipped = 0;
        tests[i].fn();
        if (t_skipped && !t_failures) {
            skipped++;
            printf("skipped %s\n", tests[i].name);
        } else if (t_failures) {
            failed++;
            printf("not ok %s (%d checks failed)\n", tests[i].name, t_failures);
        } else {
            passed++;
            printf("ok %s\n", tests[i].name);
        }
        fflush(stdout);
    }
    nc_ingester_free(ing);
    nc_extractor_free(ext);
    for (size_t i = 0; i < n_tmpdirs; i++) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdirs[i]);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tmpdirs[i]);
        free(tmpdirs[i]);
    }
    u_cleanup();
    if (skipped)
        printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    else
        printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
