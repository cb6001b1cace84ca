/*
** t_extract.c — extraction: rule examples, case files, values, corpus
** mentions checked by reading the articles.
*/
#include "test.h"
#include <dirent.h>
#include <pcre2.h>
#include <ctype.h>
#include <stdlib.h>

static void report(void *ud, const char *where, const char *msg)
{
    (void)ud;
    fprintf(stderr, "FAIL %s: %s\n", where, msg);
}

/* Every rule's examples, in every rule file. */
void t_extract_rule_examples(void)
{
    size_t n = 0;
    int failed = nc_extractor_selftest(t_extractor(), &n, report, NULL);
    CHECK_INT(failed, 0);
    CHECK(n > 100);
}

static nc_article one_sentence(const char *text, const char *lang)
{
    nc_article a;
    memset(&a, 0, sizeof a);
    a.path = (char *)"case";
    a.text = (char *)text;
    a.text_len = strlen(text);
    static nc_sentence s;
    s.start = 0;
    s.end = a.text_len;
    a.sentences = &s;
    a.n_sentences = 1;
    snprintf(a.lang, sizeof a.lang, "%s", lang);
    snprintf(a.pub_date, sizeof a.pub_date, "2023-03-15");
    a.pub_date_precision = NC_PREC_DAY;
    return a;
}

/* One matcher for case lines and rule examples (extract/expect.c): a
** malformed line fails the case. */
static int check_expect(const nc_extraction *ex, const char *line, char *got, size_t gsize)
{
    return nc_extraction_expect(t_extractor(), ex, line, got, gsize) == 1;
}

static void run_case_file(const char *path, const char *lang, size_t *n_cases)
{
    size_t len;
    char *text = t_read(path, &len);
    CHECK(text != NULL);
    if (!text)
        return;
    char input[4096] = "";
    int state = 0, lineno = 0, start_line = 0;   /* 0: input, 1: expectations */
    nc_extraction ex;
    memset(&ex, 0, sizeof ex);
    nc_article a;
    for (char *p = text, *line; p && *p; ) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        line = p;
        p = nl ? nl + 1 : NULL;
        lineno++;
        if (line[0] == '#')
            continue;
        if (state == 0) {
            if (!line[0])
                continue;
            if (!strcmp(line, ".")) {
                a = one_sentence(input, lang);
                nc_error err = { 0 };
                if (nc_extract_article(t_extractor(), &a, lang, &ex, &err) != NC_OK) {
                    fprintf(stderr, "FAIL %s:%d: %s\n", path, start_line, err.msg);
                    t_failures++;
                }
                state = 1;
                (*n_cases)++;
                continue;
            }
            if (!input[0])
                start_line = lineno;
            else
                strncat(input, " ", sizeof input - strlen(input) - 1);
            strncat(input, line, sizeof input - strlen(input) - 1);
            continue;
        }
        if (!line[0]) {
            nc_extraction_free(&ex);
            input[0] = 0;
            state = 0;
            continue;
        }
        static char got[8192];
        if (!check_expect(&ex, line, got, sizeof got)) {
            t_failures++;
            fprintf(stderr, "FAIL %s:%d: \"%s\": want %s; got: [%s]\n", path, start_line, input, line, got);
        }
    }
    nc_extraction_free(&ex);
    free(text);
}

void t_extract_cases(void)
{
    size_t n_cases = 0;
    static const char *langs[] = { "fr", "de", "en" };
    for (size_t l = 0; l < 3; l++) {
        char dir[64];
        snprintf(dir, sizeof dir, "tests/cases/%s", langs[l]);
        DIR *d = opendir(dir);
        CHECK(d != NULL);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n < 5 || strcmp(e->d_name + n - 4, ".txt"))
                continue;
            char path[600];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            run_case_file(path, langs[l], &n_cases);
        }
        closedir(d);
    }
    CHECK(n_cases >= 50);
}

void t_extract_unsupported_language(void)
{
    nc_article a = one_sentence("Twitter se niega a pagar 70 millones de dólares.", "es");
    nc_extraction ex;
    nc_error err = { 0 };
    CHECK_INT(nc_extract_article(t_extractor(), &a, NULL, &ex, &err), NC_E_USAGE);
    CHECK(strstr(err.msg, "\"es\"") != NULL);
}

void t_extract_limits(void)
{
    /* 100,000 digits and "million " repeated: the rules end, with a result or a limit */
    size_t n = 100000;
    char *s = malloc(n * 8 + 32);
    memset(s, '7', n);
    strcpy(s + n, " millions de dollars");
    nc_article a = one_sentence(s, "fr");
    nc_extraction ex;
    nc_error err = { 0 };
    CHECK_INT(nc_extract_article(t_extractor(), &a, NULL, &ex, &err), NC_OK);
    for (size_t i = 0; i < ex.n_mentions; i++)
        CHECK(ex.mentions[i].kind != NC_MENTION_MONEY ||   /* no 100,000-digit amount */
              (ex.mentions[i].flags & NC_MF_UNQUANTIFIED)); /* "dollars" alone is named */
    nc_extraction_free(&ex);
    s[0] = 0;
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * 8, "million ", 8);
    s[n * 8] = 0;
    a = one_sentence(s, "en");
    CHECK_INT(nc_extract_article(t_extractor(), &a, NULL, &ex, &err), NC_OK);
    CHECK_INT(ex.n_mentions, 0);
    nc_extraction_free(&ex);
    free(s);
}

/* The money amounts a reader finds in each sample article, in order. */
void t_extract_corpus_money(void)
{
    static const struct { const char *file; const char *want[12]; } exp[] = {
        { "corpus/000_21c3f8256cd63758.txt", { "100000000 USD at_least", NULL } },
        { "corpus/001_60072c00640d44f3.txt", { "1000000 USD about", "10000000 USD ", "70000000 USD at_least",
                                               "510000000 USD ", "1000000000 USD ", NULL } },
        { "corpus/002_40744b740239f415.txt", { NULL } },
        { "corpus/003_6294ef979c6df3b5.txt", { "70000000 USD ", "70000000 USD at_least", "70000000 USD ",
                                               "44000000000 USD ", "1570000000 USD ", "182000000 USD ",
                                               "3000000 USD ", NULL } },
        { "corpus/004_7bdac1c38dd6b8cd.txt", { "70000000 USD ", "70000000 USD at_least", "510000000 USD ",
                                               "1000000000 USD ", "1000000 USD about", "10000000 USD ", NULL } },
    };
    for (size_t f = 0; f < sizeof exp / sizeof exp[0]; f++) {
        size_t len, n;
        char *t = t_read(exp[f].file, &len);
        nc_meta *m = NULL;
        nc_error err = { 0 };
        nc_meta_load(exp[f].file, &m, &err);
        nc_article *a = t ? t_ingest(exp[f].file, t, len, m, &n) : NULL;
        CHECK(a != NULL);
        if (!a) {
            free(t);
            nc_meta_free(m);
            continue;
        }
        nc_extraction ex;
        CHECK_INT(nc_extract_article(t_extractor(), a, NULL, &ex, &err), NC_OK);
        size_t k = 0;
        for (size_t i = 0; i < ex.n_mentions; i++) {
            const nc_mention *mm = &ex.mentions[i];
            if (mm->kind != NC_MENTION_MONEY)
                continue;
            char got[128];
            snprintf(got, sizeof got, "%s %s %s", mm->value, mm->unit, mm->qualifier);
            if (!exp[f].want[k]) {
                fprintf(stderr, "FAIL %s: unexpected money mention \"%s\"\n", exp[f].file, got);
                t_failures++;
                continue;
            }
            CHECK_STR(got, exp[f].want[k]);
            k++;
        }
        if (exp[f].want[k]) {
            fprintf(stderr, "FAIL %s: missing money mention \"%s\"\n", exp[f].file, exp[f].want[k]);
            t_failures++;
        }
        nc_extraction_free(&ex);
        nc_articles_free(a, n);
        nc_meta_free(m);
        free(t);
    }
}

/* Mentions are byte spans of the stored text, with the rule that found them. */
void t_extract_spans(void)
{
    const char *t = "Twitter doit 70\xC2\xA0millions de dollars \xC3\xA0 AWS depuis le 30 juin 2023.\n";
    size_t n;
    nc_article *a = t_ingest("spans", t, strlen(t), NULL, &n);
    CHECK(a != NULL);
    if (!a)
        return;
    nc_extraction ex;
    nc_error err = { 0 };
    CHECK_INT(nc_extract_article(t_extractor(), a, NULL, &ex, &err), NC_OK);
    int saw_money = 0;
    for (size_t i = 0; i < ex.n_mentions; i++) {
        const nc_mention *m = &ex.mentions[i];
        CHECK(m->end <= a->text_len && m->start < m->end);
        CHECK(m->rule != NULL && *m->rule);
        if (m->kind == NC_MENTION_MONEY) {
            saw_money = 1;
            CHECK(!strncmp(a->text + m->start, "70 millions de dollars", m->end - m->start));
            CHECK_STR(m->value, "70000000");
        }
    }
    CHECK(saw_money);
    nc_extraction_free(&ex);
    nc_articles_free(a, n);
}

/* The date mentions of one text as "surface=value..value_max;" (malloc'd). */
static char *date_spans(const char *lang, const char *date, const char *text)
{
    nc_meta meta = { 0 };
    meta.lang = lang;
    meta.date = date;
    size_t n;
    nc_article *a = t_ingest("joined", text, strlen(text), &meta, &n);
    if (!a)
        return NULL;
    nc_extraction ex;
    nc_error err = { 0 };
    char *out = calloc(1, 2048);
    size_t k = 0;
    if (out && nc_extract_article(t_extractor(), a, NULL, &ex, &err) == NC_OK) {
        for (size_t i = 0; i < ex.n_mentions; i++) {
            const nc_mention *m = &ex.mentions[i];
            if (m->kind == NC_MENTION_DATE && k < 2048)
                k += (size_t)snprintf(out + k, 2048 - k, "%.*s=%s..%s;", (int)(m->end - m->start), a->text + m->start,
                                      m->value, m->value_max);
        }
        nc_extraction_free(&ex);
    }
    nc_articles_free(a, n);
    return out;
}

/* A table of texts and the date mentions they must give (date_spans); an
** empty publication date is none. */
typedef struct {
    const char *lang, *date, *text, *want;
} date_case;

static void check_dates(const date_case *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *v = date_spans(t[i].lang, t[i].date[0] ? t[i].date : NULL, t[i].text);
        CHECK_STR(v, t[i].want);
        free(v);
    }
}

/* Two dates joined by "until", "à", "bis" are one period (date.join), the
** second taking the first's year when it wrote none; "and" joins only after
** "between"; an end before the start joins nothing. */
void t_extract_joined_dates(void)
{
    static const date_case t[] = {
        { "en", "2016-11-07", "I'll be out from 2015/08/12 until October 22.\n",
          "from 2015/08/12 until October 22=2015-08-12..2015-10-22;" },
        { "en", "2016-11-07", "Sales were weak in January and April.\n", "January=2016-01..;April=2016-04..;" },
        { "en", "2016-11-07", "Prices rose between July 1986 and February this year.\n",
          "between July 1986 and February this year=1986-07..2016-02;" },
        { "fr", "2016-11-07", "Je serai absent de aujourd'hui \303\240 demain.\n",
          "de aujourd'hui \303\240 demain=2016-11-07..2016-11-08;" },
        { "de", "2016-11-07", "Die Messe dauert von heute bis \303\274bermorgen.\n",
          "von heute bis \303\274bermorgen=2016-11-07..2016-11-09;" },
        /* "and" without "between" joins nothing; an end before the start neither */
        { "en", "2016-11-07", "Twitter said on Monday and Friday it paid.\n", "Monday=2016-11-07..;Friday=2016-11-04..;" },
        { "en", "2016-11-07", "Twitter said it paid between Monday and Friday.\n",
          "Monday=2016-11-07..;Friday=2016-11-04..;" },
        /* "now" is the publication day, when that is known */
        { "en", "2019-04-23", "I will do my work between now and November 15th.\n",
          "between now and November 15th=2019-04-23..2019-11-15;" },
        /* a publication known only to the month: "now" joins nothing, and a
        ** deictic date that resolves to none is no mention */
        { "en", "2019-04", "I will do my work between now and November 15th.\n", "November 15th=2019-11-15..;" },
        /* a comma before the join word starts another clause: no period */
        { "fr", "2016-11-07", "Au 31 octobre, jusqu'au 15 novembre, rien.\n", "31 octobre=2016-10-31..;15 novembre=2016-11-15..;" },
    };
    check_dates(t, sizeof t / sizeof *t);
}

/* A day, two days or an nth weekday of a month named from the publication's
** (role monthrel): the month moves with the publication, across a year's
** end; a day the month does not have ("Feb 30", also written as such) is
** a TIMEX with no year, "XXXX-02-30", that dates nothing; with no
** publication date, the days alone. */
void t_extract_days_of_relative_months(void)
{
    static const date_case t[] = {
        { "en", "2016-11-07", "The talks run from 4 to 22 this month.\n", "from 4 to 22 this month=2016-11-04..2016-11-22;" },
        { "en", "2016-12-20", "It is due on the 20th of next month.\n", "the 20th of next month=2017-01-20..;" },
        { "en", "2017-01-10", "Sales fell on the first Friday of last month.\n", "the first Friday of last month=2016-12-02..;" },
        { "en", "2016-11-07", "It is due on the 31st of this month.\n", "the 31st of this month=XXXX-11-31..;" },
        { "en", "2016-11-07", "It was due on Feb 30 or 29 February 2023, not Feb 29.\n",
          "Feb 30=XXXX-02-30..;29 February 2023=XXXX-02-29..;Feb 29=2016-02-29..;" },
        { "en", "2023-03-15", "It was due on Feb 29.\n", "Feb 29=2020-02-29..;" },
        { "en", "2023-03-15", "It will be due on Feb 29.\n", "Feb 29=2024-02-29..;" },
        { "en", "", "It is due on the 20th of next month.\n", "the 20th of next month=XXXX-XX-20..;" },
        { "fr", "2016-11-07", "Le salon a lieu du 4 au 22 du mois prochain.\n", "du 4 au 22 du mois prochain=2016-12-04..2016-12-22;" },
        { "de", "2016-11-07", "Die Messe beginnt am 20. n\303\244chsten Monats.\n",
          "20. n\303\244chsten Monats=2016-12-20..;" },
    };
    check_dates(t, sizeof t / sizeof *t);
}

/* German writes numbers as one word: the parts are split against the
** numword, scale and numjoin lexicons, longest first with backtracking
** ("eineinhalb" is ein + einhalb, not eine + ...), the article rule does not
** take the "ein" of "einundzwanzig", and a word made of nothing but number
** parts that never ends splits within a budget and gives no amount. */
void t_extract_glued_number_words(void)
{
    static const struct { const char *text, *value, *unit; } t[] = {
        { "Der Konzern zahlte zweihundertsechsundf\303\274nfzig Millionen Euro.", "256000000", "EUR" },
        { "Der Konzern zahlte dreihundertneunundneunzigtausendf\303\274nfhundertneun Euro.", "399509", "EUR" },
        { "Es fehlen eineinhalb Milliarden Euro.", "1500000000", "EUR" },
        { "Es fehlen einundzwanzig Millionen Dollar.", "21000000", "USD" },
        { "Die Kosten stiegen auf zweieinhalb Milliarden Euro.", "2500000000", "EUR" },
        { "Der Preis lag bei eine halbe Million Euro.", "500000", "EUR" },
        { "Der Haushalt betr\303\244gt 12 500 EUR.", "12500", "EUR" },
        { "Der Preis lag bei 16,4 Millionen kanadischen Dollar.", "16400000", "CAD" },
    };
    nc_error err = { 0 };
    for (size_t k = 0; k < sizeof t / sizeof *t; k++) {
        nc_article a = one_sentence(t[k].text, "de");
        nc_extraction ex;
        CHECK_INT(nc_extract_article(t_extractor(), &a, NULL, &ex, &err), NC_OK);
        int found = 0;
        for (size_t i = 0; i < ex.n_mentions; i++)
            if (ex.mentions[i].kind == NC_MENTION_MONEY && ex.mentions[i].value[0]) {
                found++;
                CHECK_STR(ex.mentions[i].value, t[k].value);
                CHECK_STR(ex.mentions[i].unit, t[k].unit);
            }
        if (found != 1)
            fprintf(stderr, "  %s: %d amounts\n", t[k].text, found);
        CHECK_INT(found, 1);
        nc_extraction_free(&ex);
    }
    /* forty "eins" glued: every prefix splits, the whole never ends well */
    char text[512] = "Es kostet ";
    for (int i = 0; i < 40; i++)
        strcat(text, "eins");
    strcat(text, "x Euro.");
    nc_article a = one_sentence(text, "de");
    nc_extraction ex;
    CHECK_INT(nc_extract_article(t_extractor(), &a, NULL, &ex, &err), NC_OK);
    for (size_t i = 0; i < ex.n_mentions; i++)
        CHECK(ex.mentions[i].kind != NC_MENTION_MONEY || !ex.mentions[i].value[0]);
    nc_extraction_free(&ex);
}

/* An article of sentences ended by ". " after a letter (a test's own
** segmentation: "3. März" goes on), published
** on pub (a day, or "" for none). The sentences live in ss (n at most cap). */
static nc_article sentences_article(const char *text, const char *lang, const char *pub, nc_sentence *ss, size_t cap)
{
    nc_article a = one_sentence(text, lang);
    size_t n = 0, s0 = 0;
    for (size_t i = 0; i + 1 < a.text_len && n + 1 < cap; i++)
        if (text[i] == '.' && text[i + 1] == ' ' && i > 0 && !isdigit((unsigned char)text[i - 1])) {
            ss[n].start = s0;
            ss[n++].end = i + 1;
            s0 = i + 2;
        }
    ss[n].start = s0;
    ss[n++].end = a.text_len;
    a.sentences = ss;
    a.n_sentences = n;
    snprintf(a.pub_date, sizeof a.pub_date, "%s", pub);
    a.pub_date_precision = pub[0] ? NC_PREC_DAY : NC_PREC_NONE;
    return a;
}

/* Dates counted from another ("the next day", "two years later", "le
** lendemain", "am nächsten Tag"): from the last date the text named before,
** within a few sentences, a date so counted anchoring the next sentence's but
** not another of its own sentence; from the publication otherwise. */
void t_extract_dates_counted_from_text(void)
{
    static const struct { const char *lang, *pub, *text, *surface, *value; int from_text; } t[] = {
        { "en", "2023-03-15", "On March 3, Amazon sued. The next day, Twitter paid. Two days later, Google sued.",
          "The next day", "2023-03-04", 1 },
        { "en", "2023-03-15", "On March 3, Amazon sued. The next day, Twitter paid. Two days later, Google sued.",
          "Two days later", "2023-03-06", 1 },
        /* one sentence comparing with two past years: both from 2022 */
        { "en", "2023-03-15", "Revenue in 2022 was up from a year earlier and down from two years earlier.",
          "two years earlier", "2020", 1 },
        { "en", "2023-03-15", "Twitter paid on March 3, 2021. It was late. It was small. It was in cash. "
          "It was noted. It was filed. It was over. The next day, Amazon sued.", "The next day", "2023-03-16", 0 },
        { "en", "2023-03-15", "Twitter has not paid since 1939. The next day, Amazon sued.",
          "The next day", "2023-03-16", 0 },
        { "en", "2023-03-15", "Twitter stopped paying after March 3. The next day, Amazon sued.",
          "The next day", "2023-03-16", 0 },
        { "en", "", "On March 3, Amazon sued. Two days later, Twitter paid.", "Two days later", "XXXX-03-05", 1 },
        { "en", "2023-03-15", "Twitter paid the next day.", "the next day", "2023-03-16", 0 },
        { "en", "2023-03-15", "In the third quarter of 2022 revenue fell. The previous year it rose.",
          "previous year", "2021", 1 },
        { "fr", "2023-03-15", "Le 3 mars, Amazon a port\303\251 plainte. Le lendemain, Twitter a pay\303\251.",
          "lendemain", "2023-03-04", 1 },
        { "fr", "2023-03-15", "Le 3 mars, Amazon a port\303\251 plainte. Trois semaines plus tard, Twitter a pay\303\251.",
          "Trois semaines plus tard", "2023-03-24", 1 },
        { "de", "2023-03-15", "Am 3. M\303\244rz klagte Amazon. Am n\303\244chsten Tag zahlte Twitter.",
          "n\303\244chsten Tag", "2023-03-04", 1 },
        { "de", "2023-03-15", "Im Jahr 2020 wurde der Vertrag unterzeichnet. Zwei Jahre sp\303\244ter zahlte Twitter nicht.",
          "Zwei Jahre sp\303\244ter", "2022", 1 },
    };
    nc_error err = { 0 };
    for (size_t k = 0; k < sizeof t / sizeof *t; k++) {
        nc_sentence ss[16];
        nc_article a = sentences_article(t[k].text, t[k].lang, t[k].pub, ss, 16);
        nc_extraction ex;
        CHECK_INT(nc_extract_article(t_extractor(), &a, NULL, &ex, &err), NC_OK);
        const nc_mention *m = NULL;
        for (size_t i = 0; i < ex.n_mentions; i++)
            if (ex.mentions[i].end - ex.mentions[i].start == strlen(t[k].surface) &&
                !memcmp(t[k].text + ex.mentions[i].start, t[k].surface, strlen(t[k].surface)))
                m = &ex.mentions[i];
        if (!m)
            fprintf(stderr, "  %s: no mention \"%s\"\n", t[k].text, t[k].surface);
        CHECK(m != NULL);
        if (m) {
            CHECK_INT(m->kind, NC_MENTION_DATE);
            if (strcmp(m->value, t[k].value))
                fprintf(stderr, "  %s: %s\n", t[k].text, t[k].surface);
            CHECK_STR(m->value, t[k].value);
            CHECK(m->shift[0] != 0);
            CHECK_INT(!!(m->flags & NC_MF_ANAPHORIC), t[k].from_text);
        }
        nc_extraction_free(&ex);
    }
    /* counted from an event, not a date: no mention */
    static const struct { const char *lang, *text; } none[] = {
        { "en", "Twitter paid the day after the vote." },
        { "fr", "Twitter a pay\303\251 au lendemain de l'\303\251lection." },
        { "en", "The deal closed two weeks earlier than planned." },
    };
    for (size_t k = 0; k < sizeof none / sizeof *none; k++) {
        nc_article a = one_sentence(none[k].text, none[k].lang);
        nc_extraction ex;
        CHECK_INT(nc_extract_article(t_extractor(), &a, NULL, &ex, &err), NC_OK);
        for (size_t i = 0; i < ex.n_mentions; i++)
            CHECK(ex.mentions[i].kind != NC_MENTION_DATE);
        nc_extraction_free(&ex);
    }
}

/* Organisations outside the gazetteer: a legal form ("Acme Robotics Inc."),
** a capitalised name in a trigger's subject position ("Nimbus Data a payé");
** people are never companies, products belong to their company. */
/* A source is a whole name: "X Corp" is not inside "GTX Corp said" (a
** reuters article was attributed to Twitter, whose alias "X Corp" is). */
void t_extract_attribution_whole_names(void)
{
    nc_article a = one_sentence("GTX Corp said Nippon Steel Co of Japan invested eight mln dlrs in GTX.", "en");
    nc_extraction ex;
    nc_error err = { 0 };
    CHECK_INT(nc_extract_article(t_extractor(), &a, NULL, &ex, &err), NC_OK);
    CHECK(ex.n_claims > 0);
    for (size_t i = 0; i < ex.n_claims; i++)
        CHECK_STR(ex.claims[i].source, "");
    nc_extraction_free(&ex);
    a = one_sentence("X Corp said it invested eight million dollars.", "en");
    CHECK_INT(nc_extract_article(t_extractor(), &a, NULL, &ex, &err), NC_OK);
    CHECK(ex.n_claims > 0);
    for (size_t i = 0; i < ex.n_claims; i++)
        CHECK_STR(ex.claims[i].source, "twitter");
    nc_extraction_free(&ex);
}

void t_extract_unknown_organisations(void)
{
    nc_article a = one_sentence("Nimbus Data a payé 5 millions de dollars à Acme Robotics Inc. selon Le Monde.", "fr");
    nc_extraction ex;
    nc_error err = { 0 };
    CHECK_INT(nc_extract_article(t_extractor(), &a, NULL, &ex, &err), NC_OK);
    int found = 0;
    for (size_t i = 0; i < ex.n_claims; i++)
        if (!strcmp(ex.claims[i].predicate, "pays")) {
            found = 1;
            CHECK_STR(ex.claims[i].subject, "~Nimbus_Data");
            CHECK_STR(ex.claims[i].object, "~Acme_Robotics_Inc");
            CHECK_STR(ex.claims[i].source, "le_monde");
        }
    CHECK(found);
    nc_extraction_free(&ex);
    /* German capitalises every noun: no names from capitals there */
    a = one_sentence("Die Firma zahlte 5 Millionen Euro an die Müller Logistik GmbH.", "de");
    CHECK_INT(nc_extract_article(t_extractor(), &a, NULL, &ex, &err), NC_OK);
    int has_gmbh = 0;
    for (size_t i = 0; i < ex.n_mentions; i++)
        if (ex.mentions[i].kind == NC_MENTION_ORG && !strcmp(ex.mentions[i].value, "~Muller_Logistik_GmbH"))
            has_gmbh = 1;
    CHECK(has_gmbh);
    for (size_t i = 0; i < ex.n_claims; i++)
        CHECK(strcmp(ex.claims[i].subject, "~Firma"));
    nc_extraction_free(&ex);
    /* a person and a product of the gazetteer */
    a = one_sentence("Elon Musk a lancé Twitter Blue et Jack Dorsey a quitté Twitter.", "en");
    CHECK_INT(nc_extract_article(t_extractor(), &a, NULL, &ex, &err), NC_OK);
    const nc_org *blue = nc_extractor_org(t_extractor(), "twitter_blue");
    CHECK(blue && !strcmp(blue->kind, "product") && blue->parent && !strcmp(blue->parent, "twitter"));
    for (size_t i = 0; i < ex.n_mentions; i++)
        if (ex.mentions[i].kind == NC_MENTION_ORG && !strcmp(ex.mentions[i].value, "musk"))
            CHECK_STR(ex.mentions[i].unit, "person");
    nc_extraction_free(&ex);
}

/* The peer's public cases (../shared/conformance): no file may score below
** the floor recorded in tests/conformance/floor.tsv. */
void t_extract_conformance(void)
{
    const char *shared = t_shared();
    if (!shared)
        T_SKIP("../shared/conformance not found beside the checkout (CI has it; a user's clone does not)");
    const char *bin = getenv("NEWSCLAIMS_CONFORMANCE_BIN");
    if (!bin || !*bin)
        bin = "build/conformance";
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s --floor tests/conformance/floor.tsv %s/conformance/recognizers-text", bin, shared);
    char *out = NULL;
    int rc = t_run(cmd, &out);
    CHECK_INT(rc, 0);
    CHECK(out && strstr(out, "en   CurrencyModel.jsonl"));
    CHECK(out && !strstr(out, "below the floor"));
    if (rc != 0 && out)
        fputs(out, stdout);
    free(out);
}

/* Rules with an "anchor" line are tried only where their matches can
** start; that must find exactly what trying them everywhere finds. Checked
** on corpus/, the case files, and every 5th file of ../shared/corpus-bench
** when it is there. */
static size_t compare_anchored(const nc_extractor *fast, const nc_extractor *slow, const char *path, size_t *diffs)
{
    size_t len = 0;
    char *data = t_read(path, &len);
    if (!data)
        return 0;
    size_t n = 0;
    nc_article *a = t_ingest(path, data, len, NULL, &n);
    size_t done = 0;
    for (size_t k = 0; a && k < n; k++) {
        if (!a[k].lang_supported)
            continue;
        nc_extraction e1, e2;
        nc_error err = { 0 };
        if (nc_extract_article(fast, &a[k], NULL, &e1, &err) != NC_OK)
            continue;
        if (nc_extract_article(slow, &a[k], NULL, &e2, &err) != NC_OK) {
            nc_extraction_free(&e1);
            continue;
        }
        done++;
        int same = e1.n_mentions == e2.n_mentions && e1.n_claims == e2.n_claims;
        for (size_t i = 0; same && i < e1.n_mentions; i++)
            same = e1.mentions[i].start == e2.mentions[i].start && e1.mentions[i].end == e2.mentions[i].end &&
                   e1.mentions[i].kind == e2.mentions[i].kind && !strcmp(e1.mentions[i].value, e2.mentions[i].value);
        /* the claims too: triggers and cues are anchored as well */
        for (size_t i = 0; same && i < e1.n_claims; i++) {
            const nc_claim *c1 = &e1.claims[i], *c2 = &e2.claims[i];
            same = c1->sentence == c2->sentence && !strcmp(c1->predicate, c2->predicate) &&
                   !strcmp(c1->subject, c2->subject) && !strcmp(c1->object, c2->object) &&
                   c1->amount == c2->amount && c1->duration == c2->duration && c1->date == c2->date &&
                   !strcmp(c1->source, c2->source) && c1->is_negated == c2->is_negated &&
                   c1->is_hedged == c2->is_hedged && !strcmp(c1->object_text, c2->object_text) &&
                   !strcmp(c1->rule ? c1->rule : "", c2->rule ? c2->rule : "");
        }
        if (!same) {
            if (*diffs < 5)
                printf("  %s: anchored and unanchored rules disagree (%zu vs %zu mentions, %zu vs %zu claims)\n",
                       path, e1.n_mentions, e2.n_mentions, e1.n_claims, e2.n_claims);
            (*diffs)++;
        }
        nc_extraction_free(&e1);
        nc_extraction_free(&e2);
    }
    nc_articles_free(a, n);
    free(data);
    return done;
}

void t_extract_anchors_change_nothing(void)
{
    setenv("NEWSCLAIMS_NO_ANCHOR", "1", 1);
    nc_error err = { 0 };
    nc_extractor *slow = nc_extractor_new(NULL, &err);
    unsetenv("NEWSCLAIMS_NO_ANCHOR");
    CHECK(slow != NULL);
    if (!slow)
        return;
    const char *roots[3] = { "corpus", "tests/cases", NULL };
    char bench[600];
    size_t n_roots = 2;
    if (t_shared()) {
        snprintf(bench, sizeof bench, "%s/corpus-bench", t_shared());
        roots[n_roots++] = bench;
    }
    size_t diffs = 0, articles = 0;
    for (size_t r = 0; r < n_roots; r++) {
        char **paths = NULL;
        size_t np = 0;
        CHECK_INT(nc_walk(&roots[r], 1, NULL, &paths, &np, NULL, NULL), NC_OK);
        for (size_t i = 0; i < np; i++)
            if (r < 2 || i % 5 == 0)
                articles += compare_anchored(t_extractor(), slow, paths[i], &diffs);
        nc_paths_free(paths, np);
    }
    printf("  %zu articles compared\n", articles);
    CHECK(articles >= 5);
    CHECK_INT(diffs, 0);
    nc_extractor_free(slow);
}

/* A lexicon is written as a trie of its surfaces (rules.c); it must match
** what the flat alternation, longest first, matches: the same end, in
** caseless text and inside (?-i), whatever follows. The surfaces here have
** shared beginnings, case variants with the same and with different
** continuations ("Mio"/"mios"/"MIOS", "Twitter"/"tagesschau"), multi-word
** and non-ASCII ones. */
static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    int ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok;
}

static int probe_end(const char *pattern, const char *subject)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_DUPNAMES, &ec, &eo, NULL);
    if (!re)
        return -100;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)subject, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
    int end = rc < 0 ? rc : (int)pcre2_get_ovector_pointer(md)[1];
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return end;
}

void t_extract_lexicon_trie(void)
{
    static const char *const surfaces[] = {
        "A", "Mio", "mios", "MIOS", "Twitter", "tagesschau", "tag", "seven", "seventeen", "seventy",
        "six", "dozen", "dozens", "a b", "a bc", "Öl", "öls", "É", "é", "Éclair", "x-y", "x.y"
    };
    size_t n = sizeof surfaces / sizeof *surfaces;
    char *dir = t_tmpdir(), path[600], *orgs = t_read("extract/rules/orgs.tsv", NULL);
    char *preds = t_read("extract/rules/predicates.tsv", NULL);
    CHECK(dir != NULL && orgs != NULL && preds != NULL);
    if (!dir || !orgs || !preds) {
        free(dir);
        free(orgs);
        free(preds);
        return;
    }
    char rules[2048] = "lang xx\nlocale en_US\nlex probe P";
    for (size_t i = 0; i < n; i++)
        snprintf(rules + strlen(rules), sizeof rules - strlen(rules), "|%s", surfaces[i]);
    strcat(rules, "\nrule probe.ci\nkind negation\npattern {probe}\n"
                  "rule probe.cs\nkind negation\npattern (?-i:{probe})\n");
    snprintf(path, sizeof path, "%s/orgs.tsv", dir);
    CHECK(write_text(path, orgs));
    snprintf(path, sizeof path, "%s/predicates.tsv", dir);
    CHECK(write_text(path, preds));
    snprintf(path, sizeof path, "%s/xx.rules", dir);
    CHECK(write_text(path, rules));
    nc_extract_opts o = nc_extract_default_opts();
    o.rules_dir = dir;
    nc_error err = { 0 };
    nc_extractor *x = nc_extractor_new(&o, &err);
    if (!x)
        fprintf(stderr, "%s\n", err.msg);
    CHECK(x != NULL);
    const char *ci = x ? nc_extractor_rule_pattern(x, "xx", "probe.ci") : NULL;
    const char *cs = x ? nc_extractor_rule_pattern(x, "xx", "probe.cs") : NULL;
    CHECK(ci && cs && strlen(ci) < 1000 && strlen(cs) < 1000);
    if (!ci || !cs || strlen(ci) >= 1000 || strlen(cs) >= 1000) {
        nc_extractor_free(x);
        free(dir);
        free(orgs);
        free(preds);
        return;
    }
    CHECK(strstr(ci, "even(?:") != NULL);  /* written as a trie: "seven" read once */
    /* the flat alternation, longest first, as the trie replaced it */
    const char *sorted[32];
    memcpy(sorted, surfaces, sizeof surfaces);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strlen(sorted[j]) > strlen(sorted[j - 1]); j--) {
            const char *t = sorted[j];
            sorted[j] = sorted[j - 1];
            sorted[j - 1] = t;
        }
    char flat[1024] = "(?:";
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(flat, "|");
        for (const char *p = sorted[i]; *p; p++) {
            if (*p == ' ')
                strcat(flat, "\\s+");
            else if (strchr(".-", *p))
                strcat(flat, *p == '.' ? "\\." : "\\-");
            else
                strncat(flat, p, 1);
        }
    }
    strcat(flat, ")");
    static const char *const follow[] = { "", "$", "s", "\\s", "(?!\\p{L})", "teen", "(?=\\s+c)" };
    static const char *const tails[] = { "", "s", " c", "teen", "ty", "x", " bc" };
    size_t compared = 0, differ = 0;
    for (size_t i = 0; i < n; i++)
        for (int variant = 0; variant < 3; variant++) {
            char word[64];
            snprintf(word, sizeof word, "%s", surfaces[i]);
            for (char *p = word; *p; p++)   /* ASCII case variants: as written, upper, lower */
                if (variant == 1 && *p >= 'a' && *p <= 'z')
                    *p -= 32;
                else if (variant == 2 && *p >= 'A' && *p <= 'Z')
                    *p += 32;
            for (size_t t = 0; t < sizeof tails / sizeof *tails; t++) {
                char subject[96];
                snprintf(subject, sizeof subject, "%s%s", word, tails[t]);
                for (size_t f = 0; f < sizeof follow / sizeof *follow; f++)
                    for (int mode = 0; mode < 2; mode++) {
                        char a[1200], b[1200];
                        snprintf(a, sizeof a, "^%s%s", mode ? cs : ci, follow[f]);
                        snprintf(b, sizeof b, "^%s%s%s%s", mode ? "(?-i:" : "(?:", flat, ")", follow[f]);
                        int ea = probe_end(a, subject), eb = probe_end(b, subject);
                        compared++;
                        if (ea != eb && differ++ < 5)
                            fprintf(stderr, "FAIL lexicon trie: \"%s\" %s %s: trie %d, flat %d\n", subject,
                                    mode ? "case-sensitive" : "caseless", follow[f], ea, eb);
                    }
            }
        }
    printf("  %zu matches compared\n", compared);
    CHECK(compared > 1000);
    CHECK_INT(differ, 0);
    nc_extractor_free(x);
    free(dir);
    free(orgs);
    free(preds);
}

/* What a reference stands for, across sentences (claims.c,
** resolve_reference): a company's role noun ("the company") for what may
** be a company, never a union or a regulator named nearer; a reference for
** what the one before it stood for ("The company said ... The company
** cut": one company, though named four sentences back); a lone word that a
** longer name of the article holds ("Zentrix" of "Nordal Zentrix Corp"),
** as its sentence's first party; a person's surname after the full name
** for "the billionaire"; the article's only company, up to eight
** sentences back, where capitalised names are found. Invented texts. */
void t_extract_references(void)
{
    static const struct { const char *lang, *text, *expect; } t[] = {
        { "en", "The union Unite criticised Acme Robotics Inc. The company cut 500 jobs.",
          "claim cuts_jobs subject=Acme Robotics Inc amount=500" },
        { "en", "The union Unite criticised Acme Robotics Inc. The company cut 500 jobs.",
          "!claim cuts_jobs subject=Unite" },
        { "fr", "Le syndicat FO a critiqu\303\251 Dupont SA. L'entreprise a supprim\303\251 500 emplois.",
          "claim cuts_jobs subject=Dupont SA amount=500" },
        { "de", "Die Gewerkschaft Verdi kritisierte die M\303\274ller GmbH. Der Konzern streicht 500 Stellen.",
          "claim cuts_jobs subject=M\303\274ller GmbH amount=500" },
        { "en", "Acme Robotics Inc. reported results. The company said it was late. It was noted. It was filed. "
                "The company cut 500 jobs.",
          "claim cuts_jobs subject=Acme Robotics Inc amount=500" },
        { "en", "Nordal Zentrix Corp reported results. It was noted. It was filed. Zentrix said sales fell. "
                "The company cut 500 jobs.",
          "claim cuts_jobs subject=Nordal Zentrix Corp amount=500" },
        /* the only company the article has named, further back (up to 8
        ** sentences); not where it named two, nor in German */
        { "en", "Acme Robotics Inc reported results. It was noted. It was filed. It was late. It was read. "
                "The company cut 500 jobs.",
          "claim cuts_jobs subject=Acme Robotics Inc amount=500" },
        { "en", "Acme Robotics Inc and Nordal Corp reported results. It was noted. It was filed. It was late. "
                "It was read. The company cut 500 jobs.",
          "!claim cuts_jobs subject=Acme Robotics Inc" },
        { "en", "Acme Robotics Inc reported results. It was noted. It was filed. It was late. It was read. "
                "It was sent. It was kept. It was lost. It was found. The company cut 500 jobs.",
          "!claim cuts_jobs subject=Acme Robotics Inc" },
        { "de", "Die M\303\274ller GmbH legte Zahlen vor. Es war sp\303\244t. Es war kalt. Es war dunkel. Es war still. "
                "Der Konzern streicht 500 Stellen.",
          "!claim cuts_jobs subject=M\303\274ller GmbH" },
        /* a sentence's first word the article writes again, never in small
        ** letters (a wire headline in capitals): a name; a plural or a word also
        ** written in small letters is none (parties.c, name_by_case) */
        { "en", "ZENTRIX SETS SPLIT. Zentrix had 1986 operating earnings of 4,968,000 dlrs on revenues of 84.9 mln dlrs.",
          "claim profit subject=Zentrix amount=4968000 USD" },
        { "en", "Rising demand helped. Rising had 1986 operating earnings of 4,968,000 dlrs, analysts said, as demand was rising.",
          "!claim profit subject=Rising" },
        { "en", "SHARES RISE. Shares had 1986 operating earnings of 4,968,000 dlrs.",
          "!claim profit subject=Shares" },
        /* a surname alone after the full name: the person */
        { "en", "Warren Buffett bought shares. It was noted. It was filed. Buffett said prices rose. "
                "The billionaire paid 5 million dollars.",
          "claim pays subject=Warren Buffett amount=5000000 USD" },
        /* a word of a longer name of no known kind: the word's own party */
        { "en", "Investors watched the Zentrix Open Network launch. It was noted. It was filed. Zentrix said sales fell. "
                "The company cut 500 jobs.",
          "claim cuts_jobs subject=Zentrix amount=500" },
        /* a word of a longer name after another party: not the topic */
        { "en", "Nordal Zentrix Corp reported results. It was noted. It was filed. Acme Robotics Inc bought Zentrix "
                "shares. The company cut 500 jobs.",
          "claim cuts_jobs subject=Acme Robotics Inc amount=500" },
    };
    nc_error err = { 0 };
    for (size_t k = 0; k < sizeof t / sizeof *t; k++) {
        nc_sentence ss[16];
        nc_article a = sentences_article(t[k].text, t[k].lang, "2023-03-15", ss, 16);
        nc_extraction ex;
        CHECK_INT(nc_extract_article(t_extractor(), &a, NULL, &ex, &err), NC_OK);
        char got[512];
        int ok = check_expect(&ex, t[k].expect, got, sizeof got);
        if (!ok)
            fprintf(stderr, "  %s: want %s, got %s\n", t[k].text, t[k].expect, got);
        CHECK(ok);
        nc_extraction_free(&ex);
    }
}
