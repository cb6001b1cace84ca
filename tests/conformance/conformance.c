/*
** conformance.c — runs the peer project's public test cases
** (../shared/conformance/recognizers-text, JSON lines) through the extract stage
** and prints, per file, the share of cases whose spans
** match and the share whose values match.
**
** Usage: conformance [--show MODEL] [--floor FILE] [DIR]
**   DIR      the recognizers-text folder (default: $NEWSCLAIMS_CONFORMANCE,
**            else ../shared/conformance/recognizers-text). When it is absent
**            the program says so and exits 0 (a user's clone has no ../shared).
**   --show   print every failing case of the files whose name contains MODEL
**   --floor  FILE lists "lang file span% value%" lines; exit 1 if a file
**            scores below its floor (the suite's regression check)
**
** The JSON is read with SQLite's JSON functions (no parser of our own).
** What counts (see tests/conformance/README.md):
**   - a case's spans match when our mentions of the model's kinds are exactly
**     the expected spans (offsets converted from UTF-16, end inclusive, to
**     bytes, end exclusive; compared as case-folded text where normalization
**     changed the input);
**   - its values match when, in addition, each value equals the expected
**     resolution (numbers within 1e-9 relative, units through units.tsv,
**     dates and durations as TIMEX or as the resolved date; a duration may
**     be written another way: P5Y6M is P5.5Y, PT1H30M is PT1.5H);
**   - cases expecting times of day, date-times or sets ("every Monday") are
**     outside the scope of news claims and counted apart, and so are the
**     cases listed in tests/conformance/apart.tsv, each with its reason
**     (printed after the table).
*/
#include "../../ingest/ingest.h"
#include "../../extract/extract.h"
#include <ctype.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/uclean.h>

typedef struct unit_map {
    char name[64], code[8];
    double factor;
} unit_map;

static unit_map units[128];
static size_t n_units;

/* apart.tsv: cases whose expected answer contradicts issue 4 */
typedef struct apart_case {
    char lang[8], file[64], input[256], why[256];
    int used;
} apart_case;

static apart_case aparts[64];
static size_t n_aparts;

static sqlite3 *db;
static sqlite3_stmt *st_case, *st_results, *st_values;
static const char *show;

static void load_units(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "conformance: %s: cannot open\n", path);
        exit(2);
    }
    char line[256];
    while (fgets(line, sizeof line, f) && n_units < 128) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *name = strtok(line, "\t\n"), *code = strtok(NULL, "\t\n"), *fac = strtok(NULL, "\t\n");
        if (!name || !code)
            continue;
        snprintf(units[n_units].name, sizeof units[n_units].name, "%s", name);
        snprintf(units[n_units].code, sizeof units[n_units].code, "%s", code);
        units[n_units].factor = fac ? strtod(fac, NULL) : 1;
        n_units++;
    }
    fclose(f);
}

static void load_apart(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "conformance: %s: cannot open\n", path);
        exit(2);
    }
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *lang = strtok(line, "\t\n"), *file = strtok(NULL, "\t\n"), *input = strtok(NULL, "\t\n"),
             *why = strtok(NULL, "\t\n");
        if (!lang || !file || !input || !why || n_aparts == sizeof aparts / sizeof *aparts) {
            fprintf(stderr, "conformance: %s: a line is not lang, file, input, reason (or too many)\n", path);
            exit(2);
        }
        apart_case *a = &aparts[n_aparts++];
        snprintf(a->lang, sizeof a->lang, "%s", lang);
        snprintf(a->file, sizeof a->file, "%s", file);
        snprintf(a->input, sizeof a->input, "%s", input);
        snprintf(a->why, sizeof a->why, "%s", why);
    }
    fclose(f);
}

static apart_case *apart_of(const char *lang, const char *file, const char *input)
{
    for (size_t i = 0; i < n_aparts; i++)
        if (!strcmp(aparts[i].lang, lang) && !strcmp(aparts[i].file, file) && !strcmp(aparts[i].input, input))
            return &aparts[i];
    return NULL;
}

/* "0,666666666666667", "1E-12", "40%" -> double */
static int num_of(const char *s, double *out)
{
    char buf[64];
    size_t k = 0;
    for (; *s && k < sizeof buf - 1; s++)
        if (*s != '%')
            buf[k++] = *s == ',' ? '.' : *s;
    buf[k] = 0;
    char *end;
    *out = strtod(buf, &end);
    return k > 0 && *end == 0;
}

static int near(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

/* Byte offset of UTF-16 unit index u in s (len bytes). */
static size_t byte_of_u16(const char *s, size_t len, long u)
{
    size_t b = 0;
    long k = 0;
    while (b < len && k < u) {
        unsigned char c = (unsigned char)s[b];
        size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        k += n == 4 ? 2 : 1;
        b += n;
    }
    return b;
}

/* Lower-case ASCII, whitespace runs as one space, for comparing surfaces. */
static void fold(const char *s, size_t n, char *out, size_t size)
{
    size_t k = 0;
    int sp = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n') {
            sp = 1;
            continue;
        }
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            sp = 1;
            i++;
            continue;
        }
        if (sp && k)
            out[k++] = ' ';
        sp = 0;
        out[k++] = (char)tolower(c);
    }
    out[k] = 0;
}

typedef struct expect {
    char text[256];
    char type[48];
    long start, end;     /* UTF-16, end inclusive; -1 when the spec has none */
    char resolution[2048];
} expect;

typedef enum { K_CURRENCY, K_NUMBER, K_PERCENT, K_DATE, K_DURATION, K_DATETIME } model_kind;

static model_kind kind_of_model(const char *file)
{
    if (strstr(file, "Currency"))
        return K_CURRENCY;
    if (strstr(file, "Number"))
        return K_NUMBER;
    if (strstr(file, "Percent"))
        return K_PERCENT;
    if (strstr(file, "Duration"))
        return K_DURATION;
    if (strstr(file, "DateTimeModel"))
        return K_DATETIME;
    return K_DATE;
}

static int mention_counts(model_kind mk, nc_mention_kind k)
{
    switch (mk) {
    case K_CURRENCY: return k == NC_MENTION_MONEY;
    case K_NUMBER: return k == NC_MENTION_NUMBER;
    case K_PERCENT: return k == NC_MENTION_PERCENT;
    case K_DATE: return k == NC_MENTION_DATE;
    case K_DURATION: return k == NC_MENTION_DURATION;
    case K_DATETIME: return k == NC_MENTION_DATE || k == NC_MENTION_DURATION;
    }
    return 0;
}

/* Types a news claim has no use for: times of day, date-times, sets. */
static int out_of_scope(const char *type)
{
    if (!strncmp(type, "datetimeV2.", 11))
        type += 11;
    return strstr(type, "time") || !strcmp(type, "set");
}

static const char *json_str(const char *json, const char *path, char *buf, size_t size)
{
    sqlite3_stmt *s = st_values;
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, json, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
    buf[0] = 0;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        snprintf(buf, size, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);
    return buf[0] ? buf : NULL;
}

/* The first day of an ISO date at any precision ("2014" 2014-01-01,
** "XXXX-03" XXXX-03-01, "2014-Q2" 2014-04-01), into out[11]. */
static void first_day(const char *iso, char out[11])
{
    char y[5] = "";
    snprintf(y, sizeof y, "%.4s", iso);
    int mo = 1, d = 1;
    if (iso[4] == '-' && iso[5] == 'Q')
        mo = (iso[6] - '0' - 1) * 3 + 1;
    else if (iso[4] == '-' && iso[5] == 'H')
        mo = iso[6] == '2' ? 7 : 1;
    else if (iso[4] == '-') {
        mo = atoi(iso + 5);
        if (iso[7] == '-')
            d = atoi(iso + 8);
    }
    snprintf(out, 11, "%s-%02d-%02d", y, mo, d);
}

/* A period of ours (value .. value_max, each end a whole day, month or
** year) against the peer's [start, end): the peer ends "2014 to 2018" and
** "March to May" where the last period begins, 2018-01-01 and 05-01. */
static int range_matches(const nc_mention *m, const char *start, const char *end)
{
    if (!m->value_max[0] || !start || !end)
        return 0;
    char a[11], b[11];
    first_day(m->value, a);
    first_day(m->value_max, b);
    return !strncmp(a, start, 10) && !strncmp(b, end, 10);
}

/* A period of ours at any precision coarser than a day ("2016", "2016-Q3",
** "2016-11", "2016-W45", "2016-SU") is the interval the peer writes as a
** range, "(2016-07-01,2016-10-01,P3M)" or start and end dates: the same days,
** another notation. Its first day and the day after its last
** (nc_iso_period) into start/end; 0 for any other value (a day, a range of
** ours). */
static int period_bounds(const char *v, char start[11], char end[11])
{
    nc_date_precision p = nc_precision_of_iso(v);
    if (p == NC_PREC_NONE || p == NC_PREC_DAY || !nc_iso_period(v, start, end))
        return 0;
    int y = atoi(end), m = atoi(end + 5), d = atoi(end + 8);
    nc_add_days(&y, &m, &d, 1);
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    snprintf(end, 11, "%.10s", tmp);
    return 1;
}

static int same_period(const nc_mention *m, const char *start, const char *end)
{
    char a[11], b[11];
    return !m->value_max[0] && start && end && period_bounds(m->value, a, b) && !strncmp(a, start, 10) &&
           !strncmp(b, end, 10);
}

/* One day of ours, "2016-11-13", is the peer's range of that day alone,
** "(2016-11-13,2016-11-13,P0D)". */
static int same_day(const nc_mention *m, const char *start, const char *end)
{
    return !m->value_max[0] && start && end && strlen(m->value) == 10 && !strncmp(m->value, start, 10) &&
           !strncmp(m->value, end, 10);
}

/* "(2014-01-01,2018-01-01,P4Y)": its two ends. */
static int timex_range(const char *t, char start[11], char end[11])
{
    return sscanf(t, "(%10[^,],%10[^,],", start, end) == 2;
}

/* An ISO 8601 duration as months and seconds ("P5Y6M" 66 months, "PT1.5H"
** 5400 s); 0 if it is not one (or says "X"). */
static int iso_duration(const char *d, double *months, double *secs)
{
    if (*d++ != 'P' || !*d)
        return 0;
    int t = 0;
    *months = *secs = 0;
    while (*d) {
        if (*d == 'T') {
            t = 1;
            d++;
            continue;
        }
        char *end;
        double v = strtod(d, &end);
        if (end == d || !*end)
            return 0;
        switch (*end) {
        case 'Y': *months += 12 * v; break;
        case 'M': if (t) *secs += 60 * v; else *months += v; break;
        case 'W': *secs += 7 * 86400 * v; break;
        case 'D': *secs += 86400 * v; break;
        case 'H': *secs += 3600 * v; break;
        case 'S': *secs += v; break;
        default: return 0;
        }
        d = end + 1;
    }
    return 1;
}

/* The same duration written two ways ("PT1H30M", "PT1.5H")? */
static int same_duration(const char *a, const char *b)
{
    double ma, sa, mb, sb;
    return iso_duration(a, &ma, &sa) && iso_duration(b, &mb, &sb) && near(ma, mb) && near(sa, sb);
}

/* Does one of the expected resolution's ranges (the TIMEX's, the future's,
** the past's) match our value by this test? */
static int resolution_range(const expect *e, const nc_mention *m,
                            int (*match)(const nc_mention *, const char *, const char *))
{
    char a[256], b[256], st[11], en[11];
    if (json_str(e->resolution, "$.Timex", a, sizeof a) && timex_range(a, st, en) && match(m, st, en))
        return 1;
    if (json_str(e->resolution, "$.FutureResolution.startDate", a, sizeof a) &&
        json_str(e->resolution, "$.FutureResolution.endDate", b, sizeof b) && match(m, a, b))
        return 1;
    return json_str(e->resolution, "$.PastResolution.startDate", a, sizeof a) &&
           json_str(e->resolution, "$.PastResolution.endDate", b, sizeof b) && match(m, a, b);
}

/* The peer's weekend, "2016-W45-WE", is our Saturday .. Sunday of that ISO
** week (value .. value_max): the same two days, another notation. */
static int same_weekend(const char *timex, const nc_mention *m)
{
    int wy, w, y, mo, d;
    char tail[8];
    if (sscanf(timex, "%d-W%d-%7s", &wy, &w, tail) != 3 || strcmp(tail, "WE") || !m->value_max[0] ||
        !nc_iso_week_monday(wy, w, &y, &mo, &d))
        return 0;
    char sat[16], sun[16];
    nc_add_days(&y, &mo, &d, 5);
    snprintf(sat, sizeof sat, "%04d-%02d-%02d", y, mo, d);
    nc_add_days(&y, &mo, &d, 1);
    snprintf(sun, sizeof sun, "%04d-%02d-%02d", y, mo, d);
    return !strcmp(m->value, sat) && !strcmp(m->value_max, sun);
}

/* A day its month does not have: the peer's TIMEX keeps the written year
** ("2019-02-29", resolved to nothing), ours drops it, "XXXX-02-29" (a TIMEX
** that dates nothing, where 2019-02-29 would be an ISO date SQLite reads as
** March 1). The same month and day, and neither a real date. */
static int same_unreal_day(const char *timex, const nc_mention *m)
{
    int y, mo, d, mo2, d2;
    char end;
    if (sscanf(timex, "%4d-%2d-%2d%c", &y, &mo, &d, &end) != 3 || mo < 1 || mo > 12 ||
        d <= nc_days_in_month(y, mo) || sscanf(m->value, "XXXX-%2d-%2d%c", &mo2, &d2, &end) != 2)
        return 0;
    return mo == mo2 && d == d2;
}

/* Does our value match the expected resolution? */
static int value_ok(model_kind mk, const expect *e, const nc_mention *m)
{
    char a[256], b[256];
    double x, y;
    switch (mk) {
    case K_CURRENCY: {
        /* "value": null: a currency named with no amount ("the dollar") */
        int no_value = !json_str(e->resolution, "$.value", a, sizeof a);
        if (!no_value && !num_of(a, &x))
            return 0;
        const char *unit = json_str(e->resolution, "$.unit", b, sizeof b);
        double factor = 1;
        const char *code = NULL;
        for (size_t i = 0; unit && i < n_units; i++)
            if (!strcmp(units[i].name, unit)) {
                code = units[i].code;
                factor = units[i].factor;
            }
        if (!code || (strcmp(code, "*") && strcmp(code, m->unit)))
            return 0;
        if (no_value)
            return !m->value[0];
        return num_of(m->value, &y) && near(x * factor, y);
    }
    case K_NUMBER:
    case K_PERCENT:
        return json_str(e->resolution, "$.value", a, sizeof a) && num_of(a, &x) &&
               num_of(m->value, &y) && near(x, y);
    case K_DATE:
    case K_DURATION:
        if (!e->resolution[0] || !strcmp(e->resolution, "null"))
            return 1;   /* an extractor's case: the span is the whole answer */
        if (json_str(e->resolution, "$.Timex", a, sizeof a) &&
            (!strcmp(a, m->value) || same_duration(a, m->value) || same_weekend(a, m) || same_unreal_day(a, m)))
            return 1;
        if (json_str(e->resolution, "$.FutureResolution.date", a, sizeof a) && !strcmp(a, m->value))
            return 1;
        if (json_str(e->resolution, "$.PastResolution.date", a, sizeof a) && !strcmp(a, m->value))
            return 1;
        return resolution_range(e, m, same_period) || resolution_range(e, m, same_day) ||
               (m->value_max[0] && resolution_range(e, m, range_matches));
    case K_DATETIME:
        for (int i = 0; i < 8; i++) {
            char path[64];
            snprintf(path, sizeof path, "$.values[%d].timex", i);
            if (!json_str(e->resolution, path, a, sizeof a))
                break;
            if (!strcmp(a, m->value) || same_duration(a, m->value) || same_weekend(a, m) || same_unreal_day(a, m))
                return 1;
            char st[11], en[11];
            if (m->value_max[0] && timex_range(a, st, en) && range_matches(m, st, en))
                return 1;
            if (timex_range(a, st, en) && same_period(m, st, en))
                return 1;
            snprintf(path, sizeof path, "$.values[%d].start", i);
            char path2[64];
            snprintf(path2, sizeof path2, "$.values[%d].end", i);
            if (m->value_max[0] && json_str(e->resolution, path, a, sizeof a) &&
                json_str(e->resolution, path2, b, sizeof b) && range_matches(m, a, b))
                return 1;
            if (json_str(e->resolution, path, a, sizeof a) && json_str(e->resolution, path2, b, sizeof b) &&
                same_period(m, a, b))
                return 1;
            snprintf(path, sizeof path, "$.values[%d].value", i);
            if (json_str(e->resolution, path, a, sizeof a) && !strcmp(a, m->value))
                return 1;
        }
        return 0;
    }
    return 0;
}

typedef struct tally {
    int cases, out_scope, span, value;
} tally;

static void run_case(const nc_extractor *x, const char *lang, const char *file,
                     model_kind mk, const char *json, tally *t)
{
    sqlite3_reset(st_case);
    sqlite3_bind_text(st_case, 1, json, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st_case) != SQLITE_ROW || sqlite3_column_type(st_case, 0) == SQLITE_NULL) {
        fprintf(stderr, "conformance: %s/%s: a line is not a case: %.80s\n", lang, file, json);
        return;
    }
    char *input = strdup((const char *)sqlite3_column_text(st_case, 0));
    char ref[16] = "";
    if (sqlite3_column_type(st_case, 1) != SQLITE_NULL)
        snprintf(ref, sizeof ref, "%.10s", (const char *)sqlite3_column_text(st_case, 1));
    sqlite3_reset(st_case);

    expect ex[16];
    size_t ne = 0;
    int scope_out = 0;
    sqlite3_reset(st_results);
    sqlite3_bind_text(st_results, 1, json, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st_results) == SQLITE_ROW && ne < 16) {
        expect *e = &ex[ne++];
        snprintf(e->text, sizeof e->text, "%s", (const char *)sqlite3_column_text(st_results, 0));
        snprintf(e->type, sizeof e->type, "%s", (const char *)sqlite3_column_text(st_results, 1));
        e->start = sqlite3_column_type(st_results, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64(st_results, 2);
        e->end = sqlite3_column_type(st_results, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64(st_results, 3);
        const char *r = (const char *)sqlite3_column_text(st_results, 4);
        snprintf(e->resolution, sizeof e->resolution, "%s", r ? r : "");
        if (out_of_scope(e->type))
            scope_out = 1;
    }
    sqlite3_reset(st_results);
    t->cases++;
    apart_case *ap = apart_of(lang, file, input);
    if (ap) {
        ap->used++;
        scope_out = 1;
    }
    if (scope_out) {
        t->out_scope++;
        free(input);
        return;
    }

    /* The case's text as one sentence of an article dated at the case's
    ** reference date: the extraction stage alone is measured (ingest would
    ** drop a lone "$20" line as boilerplate, as it should in an article). */
    size_t in_len = strlen(input);
    nc_article art;
    memset(&art, 0, sizeof art);
    art.path = (char *)"case";
    art.text = input;
    art.text_len = in_len;
    nc_sentence one = { 0, in_len, "" };
    art.sentences = &one;
    art.n_sentences = 1;
    snprintf(art.lang, sizeof art.lang, "%s", lang);
    art.lang_supported = 1;
    snprintf(art.pub_date, sizeof art.pub_date, "%s", ref[0] ? ref : "2016-11-07");
    art.pub_date_precision = NC_PREC_DAY;
    nc_error err = { 0 };
    int span_ok = 0, val_ok = 0;
    char got[1024] = "";
    size_t gl = 0;
    {
        const nc_article *a = &art;
        nc_extraction xr;
        if (nc_extract_article(x, a, lang, &xr, &err) == NC_OK) {
            size_t k = 0;
            span_ok = 1;
            val_ok = 1;
            for (size_t i = 0; i < xr.n_mentions; i++) {
                const nc_mention *m = &xr.mentions[i];
                if (!mention_counts(mk, m->kind))
                    continue;
                gl += (size_t)snprintf(got + gl, gl < sizeof got ? sizeof got - gl : 0, "[%.*s|%s%s] ",
                                       (int)(m->end - m->core_start), a->text + m->core_start, m->value, m->unit);
                if (gl >= sizeof got)
                    gl = sizeof got - 1;
                if (k >= ne) {
                    span_ok = 0;
                    k++;
                    continue;
                }
                const expect *e = &ex[k++];
                int same;
                if (e->start >= 0) {
                    size_t bs = byte_of_u16(input, in_len, e->start), be = byte_of_u16(input, in_len, e->end + 1);
                    /* white space at either end is no part of a span (" Oct. 2 a Octobre 22") */
                    while (bs < be && bs < in_len && isspace((unsigned char)input[bs]))
                        bs++;
                    while (be > bs && be <= in_len && isspace((unsigned char)input[be - 1]))
                        be--;
                    /* the peer's span may or may not hold a qualifier ("more
                    ** than an hour"): ours keeps the span with (start) and
                    ** without it (core_start) */
                    same = (bs == m->core_start || bs == m->start) && be == m->end;
                } else {
                    char f1[256], f2[256];
                    fold(e->text, strlen(e->text), f1, sizeof f1);
                    fold(a->text + m->core_start, m->end - m->core_start, f2, sizeof f2);
                    same = !strcmp(f1, f2);
                }
                if (!same)
                    span_ok = 0;
                else if (!value_ok(mk, e, m))
                    val_ok = 0;
            }
            if (k != ne)
                span_ok = 0;
            val_ok = val_ok && span_ok;
            nc_extraction_free(&xr);
        }
    }
    t->span += span_ok;
    t->value += val_ok;
    char full[160];
    snprintf(full, sizeof full, "%s/%s", lang, file);
    if (show && strstr(full, show) && !val_ok) {
        printf("  %s %s: %s\n     want:", span_ok ? "VALUE" : "SPAN ", lang, input);
        for (size_t i = 0; i < ne; i++)
            printf(" [%s|%.120s]", ex[i].text, ex[i].resolution);
        printf("\n     got:  %s\n", got);
    }
    free(input);
}

static int read_floor(const char *path, const char *lang, const char *file, double *span, double *value)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f)
        return 0;
    char line[256], l[16], fl[128];
    int found = 0;
    while (fgets(line, sizeof line, f))
        if (line[0] != '#' && sscanf(line, "%15s %127s %lf %lf", l, fl, span, value) == 4 &&
            !strcmp(l, lang) && !strcmp(fl, file)) {
            found = 1;
            break;
        }
    fclose(f);
    return found;
}

int main(int argc, char **argv)
{
    const char *dir = getenv("NEWSCLAIMS_CONFORMANCE");
    const char *floor_file = NULL;
    int i;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--show") && i + 1 < argc)
            show = argv[++i];
        else if (!strcmp(argv[i], "--floor") && i + 1 < argc)
            floor_file = argv[++i];
        else
            dir = argv[i];
    }
    if (!dir)
        dir = "../shared/conformance/recognizers-text";
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        printf("conformance: %s not found: skipped (CI has ../shared beside the checkout; a user's clone does not)\n", dir);
        return 0;
    }
    load_units("tests/conformance/units.tsv");
    load_apart("tests/conformance/apart.tsv");
    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT json_extract(?1,'$.input'), json_extract(?1,'$.context.reference_datetime')",
                           -1, &st_case, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT json_extract(value,'$.text'), json_extract(value,'$.type_name'),"
                               " json_extract(value,'$.start'), json_extract(value,'$.end'),"
                               " json_extract(value,'$.resolution') FROM json_each(?1,'$.results')"
                               " ORDER BY json_extract(value,'$.start')",
                           -1, &st_results, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT json_extract(?1, ?2)", -1, &st_values, NULL) != SQLITE_OK) {
        fprintf(stderr, "conformance: sqlite: %s\n", sqlite3_errmsg(db));
        return 2;
    }
    nc_error err = { 0 };
    nc_extract_opts xo = nc_extract_default_opts();
    xo.deictic_dates = 1;      /* the peer cases read "now" as PRESENT_REF */
    nc_extractor *x = nc_extractor_new(&xo, &err);
    xo.kinds = 1u << NC_MENTION_NUMBER;
    nc_extractor *xn = x ? nc_extractor_new(&xo, &err) : NULL;
    if (!xn) {
        fprintf(stderr, "conformance: %s: %s\n", err.where, err.msg);
        return 2;
    }
    static const char *const langs[] = { "en", "fr", "de" };
    static const char *const files[] = { "CurrencyModel", "NumberModel", "PercentModel", "DateExtractor",
                                         "DateParser", "DatePeriodExtractor", "DatePeriodParser",
                                         "DurationExtractor", "DurationParser", "DateTimeModel" };
    static const char *const subdirs[] = { "", "js-not-supported/" };
    int below = 0;
    printf("%-4s %-40s %6s %6s %14s %14s\n", "lang", "file", "cases", "apart", "span", "value");
    for (size_t s = 0; s < 2; s++)
        for (size_t l = 0; l < 3; l++)
            for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
                char path[1024], name[128];
                snprintf(name, sizeof name, "%s%s.jsonl", subdirs[s], files[f]);
                snprintf(path, sizeof path, "%s/%s/%s", dir, langs[l], name);
                FILE *in = fopen(path, "r");
                if (!in)
                    continue;
                model_kind mk = kind_of_model(files[f]);
                tally t = { 0 };
                char *line = NULL;
                size_t cap = 0;
                ssize_t n;
                while ((n = getline(&line, &cap, in)) > 0) {
                    if (n > 1)
                        run_case(mk == K_NUMBER ? xn : x, langs[l], name, mk, line, &t);
                }
                free(line);
                fclose(in);
                int in_scope = t.cases - t.out_scope;
                if (!in_scope && !t.cases)
                    continue;
                double sp = in_scope ? 100.0 * t.span / in_scope : 0, va = in_scope ? 100.0 * t.value / in_scope : 0;
                printf("%-4s %-40s %6d %6d %5d %6.1f%% %5d %6.1f%%\n", langs[l], name, t.cases, t.out_scope,
                       t.span, sp, t.value, va);
                double fs, fv;
                if (read_floor(floor_file, langs[l], name, &fs, &fv) && (round(sp * 10) / 10 + 1e-9 < fs || round(va * 10) / 10 + 1e-9 < fv)) {
                    printf("  below the floor in %s: span %.1f%% < %.1f%% or value %.1f%% < %.1f%%\n", floor_file, sp,
                           fs, va, fv);
                    below = 1;
                }
                fflush(stdout);
            }
    for (size_t k = 0; k < n_aparts; k++) {
        if (!aparts[k].used) {
            printf("  tests/conformance/apart.tsv: %s/%s \"%s\" matches no case\n", aparts[k].lang, aparts[k].file,
                   aparts[k].input);
            below = 1;
        } else
            printf("  apart: %s/%s \"%s\": %s\n", aparts[k].lang, aparts[k].file, aparts[k].input, aparts[k].why);
    }
    sqlite3_finalize(st_case);
    sqlite3_finalize(st_results);
    sqlite3_finalize(st_values);
    sqlite3_close(db);
    nc_extractor_free(xn);
    nc_extractor_free(x);
    u_cleanup();
    return below;
}
