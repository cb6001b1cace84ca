/*
** fuzz_ingest.c — libFuzzer target: arbitrary bytes through the ingest
** stage as a text file, an HTML page and a feed (the first byte picks the
** name, and so the format hints), then the resulting articles through
** extraction. Built and run by `make fuzz` (see the Makefile).
*/
#include "../../ingest/ingest.h"
#include "../../extract/extract.h"
#include <stdint.h>
#include <stdlib.h>

static nc_ingester *ing;
static nc_extractor *ext;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    nc_error err = { 0 };
    ing = nc_ingester_new(NULL, &err);
    ext = ing ? nc_extractor_new(NULL, &err) : NULL;
    if (!ext)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = { "a.txt", "a.html", "a.xml", "a.rss", "a.atom", "a.xhtml", "a" };
    const char *name = names[size ? data[0] % 7 : 0];
    nc_article *a = NULL;
    size_t n = 0;
    nc_error err = { 0 };
    if (nc_ingest_buffer(ing, name, data, size, NULL, &a, &n, &err) == NC_OK) {
        for (size_t i = 0; i < n; i++) {
            if (!a[i].lang_supported)
                continue;
            nc_extraction ex;
            if (nc_extract_article(ext, &a[i], NULL, &ex, &err) == NC_OK)
                nc_extraction_free(&ex);
        }
        nc_articles_free(a, n);
    }
    return 0;
}
