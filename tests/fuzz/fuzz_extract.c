/*
** fuzz_extract.c — libFuzzer target: arbitrary UTF-8 through every rule of
** one language (the first byte picks en, fr or de), as an article of one
** sentence per line, with bare numbers included. Invalid UTF-8 is not the
** extractor's input (ingest validates it), so such inputs are skipped.
*/
#include "../../ingest/ingest.h"
#include "../../extract/extract.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

static nc_extractor *ext;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    nc_error err = { 0 };
    nc_extract_opts o = nc_extract_default_opts();
    o.kinds = (1u << NC_MENTION_KIND_COUNT) - 1;   /* every kind, numbers too */
    o.time_budget = 2;
    ext = nc_extractor_new(&o, &err);
    if (!ext)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *const langs[] = { "en", "fr", "de" };
    const char *lang = langs[data[0] % 3];
    data++;
    size--;
    /* valid UTF-8 without NUL only, as ingest hands over */
    for (int32_t i = 0; i < (int32_t)size;) {
        UChar32 c;
        U8_NEXT(data, i, (int32_t)size, c);
        if (c <= 0)
            return 0;
    }
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    size_t ns = 1;
    for (size_t i = 0; i < size; i++)
        ns += text[i] == '\n';
    nc_sentence *s = calloc(ns, sizeof *s);
    size_t k = 0, b = 0;
    for (size_t i = 0; i <= size && s; i++)
        if (i == size || text[i] == '\n') {
            s[k].start = b;
            s[k].end = i;
            k++;
            b = i + 1;
        }
    nc_article a;
    memset(&a, 0, sizeof a);
    a.path = (char *)"fuzz";
    a.text = text;
    a.text_len = size;
    a.sentences = s;
    a.n_sentences = s ? k : 0;
    strcpy(a.lang, lang);
    a.lang_supported = 1;
    strcpy(a.pub_date, "2023-06-30");
    a.pub_date_precision = NC_PREC_DAY;
    nc_extraction ex;
    nc_error err = { 0 };
    if (nc_extract_article(ext, &a, lang, &ex, &err) == NC_OK) {
        for (size_t i = 0; i < ex.n_mentions; i++)
            if (ex.mentions[i].end > size || ex.mentions[i].start > ex.mentions[i].end ||
                ex.mentions[i].core_start < ex.mentions[i].start)
                abort();   /* a span outside the text is a bug */
        nc_extraction_free(&ex);
    }
    free(s);
    free(text);
    return 0;
}
