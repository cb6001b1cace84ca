/*
** fuzz_normalize.c — libFuzzer target: the number and date normalizers.
** The input is read as a date the way metadata and feeds give one
** (parse_meta_date), and as the quantity in money, count, percent, date and
** duration phrases of each language, so that the extractor's number parsing
** (ICU decimal and spell-out), scales, date resolution against the
** publication date (itself taken from the input) all see it.
*/
#include "../../ingest/ingest.h"
#include "../../ingest/ingest_int.h"
#include "../../extract/extract.h"
#include <stdint.h>
#include <stdio.h>
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
    o.kinds = (1u << NC_MENTION_KIND_COUNT) - 1;
    ext = nc_extractor_new(&o, &err);
    if (!ext)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 200)
        return 0;
    char q[256];
    memcpy(q, data, size);
    q[size] = 0;
    if (strlen(q) != size)
        return 0;
    char iso[16];
    nc_date_precision p = parse_meta_date(q, iso);
    for (int32_t i = 0; i < (int32_t)size;) {
        UChar32 c;
        U8_NEXT(data, i, (int32_t)size, c);
        if (c <= 0)
            return 0;
    }
    static const char *const frames[][2] = {
        { "en", "Twitter owes Amazon %s million dollars, about $%s billion, %s percent, %s subscribers, "
                "on %s 2023, in %s, signed %s years ago, a %s-year deal." },
        { "fr", "Twitter doit %s millions de dollars, %s milliards d'euros, %s %%, %s abonnés, "
                "le %s juin, en %s, il y a %s ans, un contrat de %s ans." },
        { "de", "Twitter schuldet %s Millionen US-Dollar, %s Mrd. Euro, %s Prozent, %s Abonnenten, "
                "am %s. Juni, im %s, vor %s Jahren, ein %s-jähriger Vertrag." },
    };
    for (size_t f = 0; f < 3; f++) {
        char text[4096];
        int n = snprintf(text, sizeof text, frames[f][1], q, q, q, q, q, q, q, q);
        if (n < 0 || (size_t)n >= sizeof text)
            continue;
        nc_sentence s = { 0, (size_t)n, "" };
        nc_article a;
        memset(&a, 0, sizeof a);
        a.path = (char *)"fuzz";
        a.text = text;
        a.text_len = (size_t)n;
        a.sentences = &s;
        a.n_sentences = 1;
        strcpy(a.lang, frames[f][0]);
        a.lang_supported = 1;
        if (p != NC_PREC_NONE) {
            snprintf(a.pub_date, sizeof a.pub_date, "%s", iso);
            a.pub_date_precision = p;
        }
        nc_extraction ex;
        nc_error err = { 0 };
        if (nc_extract_article(ext, &a, frames[f][0], &ex, &err) == NC_OK)
            nc_extraction_free(&ex);
    }
    return 0;
}
