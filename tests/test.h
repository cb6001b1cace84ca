/*
** test.h — the tiny test framework: CHECK macros and helpers shared by the
** t_*.c files. Tests run from the repository root (make check does that).
*/
#ifndef NC_TEST_H
#define NC_TEST_H

#include "../ingest/ingest.h"
#include "../extract/extract.h"
#include "../store/store.h"
#include <stdio.h>
#include <string.h>

extern int t_failures;   /* failures in the current test */
extern int t_skipped;    /* set by T_SKIP: the test could not run here */

/* Skip the current test with a reason (printed); counted apart. */
#define T_SKIP(...) do { t_skipped = 1; fprintf(stdout, "skip: " __VA_ARGS__); fputc('\n', stdout); return; } while (0)

#define CHECK(cond) do { if (!(cond)) { t_failures++; \
    fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); \
    if (!g_ || !w_ || strcmp(g_, w_)) { t_failures++; \
    fprintf(stderr, "FAIL %s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
            g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } } while (0)
#define CHECK_INT(got, want) do { long long g_ = (long long)(got), w_ = (long long)(want); \
    if (g_ != w_) { t_failures++; \
    fprintf(stderr, "FAIL %s:%d: %s is %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); } } while (0)

/* Shared fixtures, created once per run (freed at the end). */
const nc_ingester *t_ingester(void);
const nc_extractor *t_extractor(void);
/* Ingest a buffer; returns the articles (free with nc_articles_free) or NULL. */
nc_article *t_ingest(const char *name, const void *data, size_t len, const nc_meta *meta, size_t *n);
/* Read a whole file (malloc'd, NUL-terminated) or NULL. */
char *t_read(const char *path, size_t *len);
/* A fresh temporary directory (malloc'd path), removed at the end of the run. */
char *t_tmpdir(void);
/* Run a shell command; returns its exit status, and its stdout in *out
** (malloc'd) when out is not NULL. */
int t_run(const char *cmd, char **out);
/* The newsclaims binary under test (NEWSCLAIMS_BIN, default ./newsclaims). */
const char *t_bin(void);
/* Path of ../shared if present beside the checkout, else NULL. */
const char *t_shared(void);

#endif
