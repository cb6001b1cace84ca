/*
** t_e2e.c — the whole pipeline through the newsclaims binary on corpus/:
** what gets stored, the claim groups and conflicts a reader finds in the
** five articles, order independence, re-runs, the timeline formats and the
** command line's behaviour.
*/
#include "test.h"
#include <sqlite3.h>
#include <stdlib.h>
#include <ctype.h>
#include <unistd.h>

static char *db_path;

static char *qstr(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char *v = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_text(st, 0))
        v = strdup((const char *)sqlite3_column_text(st, 0));
    else if (sqlite3_errcode(db) != SQLITE_OK && sqlite3_errcode(db) != SQLITE_ROW && sqlite3_errcode(db) != SQLITE_DONE)
        fprintf(stderr, "  sql error: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static long long qint(const char *path, const char *sql)
{
    char *s = qstr(path, sql);
    long long v = s ? atoll(s) : -1;
    free(s);
    return v;
}

static const char *corpus_db(void)
{
    if (db_path)
        return db_path;
    char *d = t_tmpdir();
    db_path = malloc(strlen(d) + 16);
    sprintf(db_path, "%s/corpus.db", d);
    free(d);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s ingest corpus --db '%s' 2>&1", t_bin(), db_path);
    char *out = NULL;
    int rc = t_run(cmd, &out);
    if (rc != 0)
        fprintf(stderr, "  ingest exited %d: %s\n", rc, out ? out : "");
    free(out);
    return db_path;
}

void t_e2e_ingest_corpus(void)
{
    const char *db = corpus_db();
    CHECK_INT(qint(db, "SELECT count(*) FROM files"), 5);
    CHECK_INT(qint(db, "SELECT count(*) FROM articles"), 5);
    char *langs = qstr(db, "SELECT group_concat(lang, ',') FROM (SELECT lang FROM articles ORDER BY path)");
    CHECK_STR(langs, "fr,fr,de,de,en");
    free(langs);
    CHECK_INT(qint(db, "SELECT count(*) FROM articles WHERE pub_date IS NULL"), 0);
    /* every sentence is the span of the stored text it says it is */
    CHECK_INT(qint(db, "SELECT count(*) FROM sentences s JOIN articles a ON a.id = s.article_id"
                       " WHERE CAST(substr(CAST(a.text AS BLOB), s.start + 1, s.\"end\" - s.start) AS TEXT) <> s.text"), 0);
    CHECK_INT(qint(db, "SELECT count(*) FROM mentions m JOIN articles a ON a.id = m.article_id"
                       " WHERE CAST(substr(CAST(a.text AS BLOB), m.start + 1, m.\"end\" - m.start) AS TEXT) <> m.surface"), 0);
    /* the money amounts of the five articles, as a reader finds them: 19 */
    CHECK_INT(qint(db, "SELECT count(*) FROM mentions WHERE kind = 'money'"), 19);
    CHECK_INT(qint(db, "SELECT count(*) FROM mentions WHERE kind = 'money' AND unit <> 'USD'"), 0);
    CHECK_INT(qint(db, "SELECT count(*) FROM mentions WHERE kind = 'money' AND value = '70000000'"), 6);
    /* every money amount is in a claim, and every claim in a group */
    CHECK_INT(qint(db, "SELECT count(*) FROM mentions m WHERE m.kind = 'money' AND NOT EXISTS"
                       " (SELECT 1 FROM claims c JOIN claim_group_members g ON g.claim_id = c.id WHERE c.amount_mention_id = m.id)"), 0);
    CHECK_INT(qint(db, "SELECT count(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM claim_group_members g WHERE g.claim_id = c.id)"), 0);
    char *ok = qstr(db, "PRAGMA integrity_check");
    CHECK_STR(ok, "ok");
    free(ok);
}

void t_e2e_groups_and_conflicts(void)
{
    const char *db = corpus_db();
    /* the $70M still owed to AWS: one group, sources in French, German and English */
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE predicate = 'owes' AND amount_num = 70000000"
                       " AND subject_org = 'twitter' AND langs = 'de,en,fr'"), 1);
    CHECK(qint(db, "SELECT n_sources FROM v_timeline WHERE predicate = 'owes' AND amount_num = 70000000") >= 3);
    /* the AWS contract: $510M, five and a half years, signed in 2020 (one record,
    ** in French, English and German); the Google Cloud contract: $1B, five years */
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE family = 'contract' AND amount_num = 510000000"
                       " AND duration = 'P5Y6M' AND event_date = '2020' AND 'aws' IN (subject_org, object_org)"
                       " AND instr(langs, 'en') AND instr(langs, 'fr') AND instr(langs, 'de')"), 1);
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE family = 'contract' AND amount_num = 1000000000"
                       " AND duration = 'P5Y' AND langs = 'de,en,fr'"
                       " AND ('google_cloud' IN (subject_org, object_org) OR 'google' IN (subject_org, object_org))"), 1);
    /* contracts are between organisations, never with a person named nearby */
    CHECK_INT(qint(db, "SELECT count(*) FROM v_contracts WHERE 'musk' IN (party_a_org, party_b_org)"), 0);
    /* $10M paid, in French and English */
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE predicate = 'pays' AND amount_num = 10000000 AND langs = 'en,fr'"), 1);
    /* Google could cut off its cloud services ("Google könnte ... die Cloud-Services
    ** einstellen"); the French "l'interruption des services cloud au 30 juin" names no
    ** one who would, so it makes no claim with a guessed party */
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE predicate = 'cuts_off' AND subject_org = 'google'"), 1);
    CHECK_INT(qint(db, "SELECT count(*) FROM claims WHERE predicate = 'cuts_off' AND subject_org IS NOT NULL"
                       " AND subject_org <> 'google'"), 0);
    /* revenue and profit of the last quarter of 2021, the $44B acquisition */
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE predicate = 'revenue' AND amount_num = 1570000000 AND event_date = '2021-Q4'"), 1);
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE predicate = 'profit' AND amount_num = 182000000 AND event_date = '2021-Q4'"), 1);
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE predicate = 'acquires' AND amount_num = 44000000000"), 1);
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE predicate = 'users' AND amount_num = 300000 AND event_date = '2023-02'"), 1);
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE predicate = 'loses_customers' AND amount_num = 70"), 1);
    /* Musk shut down "one of Twitter's three data centers": one site, not three */
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE predicate = 'closes_sites' AND subject_org = 'musk'"
                       " AND amount_num IS NULL AND langs = 'en,fr'"), 1);
    CHECK_INT(qint(db, "SELECT count(*) FROM claims WHERE predicate = 'closes_sites' AND amount_num = 3"), 0);
    /* "signed in 2020" against "signed more than five years ago" in an article of 2023 */
    char *vals = qstr(db, "SELECT group_concat(value, '|') FROM (SELECT DISTINCT value FROM v_conflicts"
                          " WHERE field = 'event_date' AND 'aws' IN (subject_org, object_org) ORDER BY value)");
    CHECK_STR(vals, "2020|before 2018");
    free(vals);
    /* the advertising Amazon would stop paying for on Twitter: about $1 million */
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE predicate = 'spends' AND amount_num = 1000000"
                       " AND subject_org = 'amazon' AND object_org = 'twitter'"), 1);
    /* Amazon's threat, in three languages */
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE predicate = 'threatens' AND subject_org = 'amazon'"
                       " AND n_langs = 3"), 1);
    /* the contract records: every field with the sentence it came from */
    CHECK_INT(qint(db, "SELECT count(*) FROM v_contracts WHERE value_num = 510000000 AND term = 'P5Y6M' AND signed = '2020'"
                       " AND 'aws' IN (party_a_org, party_b_org)"), 1);
    CHECK_INT(qint(db, "SELECT count(*) FROM v_contracts WHERE value_num = 1000000000 AND term = 'P5Y'"
                       " AND ('google_cloud' IN (party_a_org, party_b_org) OR 'google' IN (party_a_org, party_b_org))"), 1);
    char *signed_by = qstr(db, "SELECT group_concat(value || ':' || lang, '|') FROM (SELECT f.value, f.lang FROM v_contract_fields f"
                               " JOIN v_contracts c ON c.contract_id = f.contract_id WHERE c.value_num = 510000000"
                               " AND f.field = 'signed' ORDER BY f.lang)");
    CHECK_STR(signed_by, "before 2018:de|2020:en|2020:fr");
    free(signed_by);
    /* "$70 million" against "at least $70 million": grouped, the qualifier differs */
    CHECK_INT(qint(db, "SELECT count(DISTINCT value) FROM v_conflicts WHERE predicate = 'owes' AND field = 'qualifier'"), 2);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* An article for ingest_articles: its file name, text and sidecar metadata. */
typedef struct t_article {
    const char *name, *text, *meta;
} t_article;

/* Write articles into dir (each with NAME.meta) and ingest dir into
** dir/dbname; the database's path into db. */
static void ingest_articles(const char *dir, const t_article *a, size_t n, const char *dbname, char *db,
                            size_t dbsize)
{
    for (size_t i = 0; i < n; i++) {
        char meta[256];
        snprintf(meta, sizeof meta, "%s.meta", a[i].name);
        write_file(dir, a[i].name, a[i].text);
        write_file(dir, meta, a[i].meta);
    }
    snprintf(db, dbsize, "%s/%s", dir, dbname);
    char cmd[1600];
    snprintf(cmd, sizeof cmd, "%s ingest '%s' --db '%s' --quiet 2>&1", t_bin(), dir, db);
    CHECK_INT(t_run(cmd, NULL), 0);
}

static char *timeline(const char *db, const char *args);

/* "last week", "la semaine dernière": an ISO week, Monday to Sunday, by the
** publication date; claims of the same week group across languages, claims
** of another week do not; --from/--to take a week. */
void t_e2e_weeks(void)
{
    char *d = t_tmpdir(), db[700];
    static const t_article a[] = {
        { "a.txt", "Twitter said last week it owes Amazon Web Services $70 million, according to the company.\n",
          "lang: en\ndate: 2023-03-15\n" },
        { "b.txt", "La semaine derni\303\250re, Twitter devait encore 70 millions de dollars \303\240 Amazon Web Services, selon Les Echos.\n",
          "lang: fr\ndate: 2023-03-16\n" },
        /* two weeks later: another week; across New Year: the week's year is 2020 */
        { "c.txt", "Twitter said last week it owes Amazon Web Services $70 million, the company said.\n",
          "lang: en\ndate: 2023-03-29\n" },
        { "d.txt", "Twitter sagte, es schulde Amazon Web Services in der vergangenen Woche 3 Millionen US-Dollar.\n",
          "lang: de\ndate: 2021-01-06\n" },
    };
    ingest_articles(d, a, sizeof a / sizeof *a, "weeks.db", db, sizeof db);
    CHECK_INT(qint(db, "SELECT count(*) FROM claims WHERE event_date = '2023-W10' AND event_precision = 'week'"
                       " AND event_start = '2023-03-06' AND event_end = '2023-03-12'"), 2);
    CHECK_INT(qint(db, "SELECT count(*) FROM claims WHERE event_date = '2023-W12' AND event_start = '2023-03-20'"
                       " AND event_end = '2023-03-26'"), 1);
    CHECK_INT(qint(db, "SELECT count(*) FROM mentions WHERE kind = 'date' AND value = '2020-W53'"
                       " AND precision = 'week'"), 1);
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE event_date = '2023-W10' AND langs = 'en,fr' AND n_sources = 2"), 1);
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE event_date = '2023-W12' AND n_sources = 1"), 1);
    char *out = timeline(db, "--from 2023-W12 --to 2023-W12 --format csv");
    CHECK(out && strstr(out, "2023-W12,week,owes") && !strstr(out, "2023-W10"));
    free(out);
    free(d);
}

/* "early next year" and "fin 2024": one claim, dated 2024 both times, with
** the parts of the year in conflict; "mi-2023" is mid. */
void t_e2e_date_parts(void)
{
    char *d = t_tmpdir(), db[700];
    static const t_article a[] = {
        { "a.txt", "Twitter owes Google Cloud $5 million and will pay early next year, the company said.\n",
          "lang: en\ndate: 2023-03-15\n" },
        { "b.txt", "Twitter doit 5 millions de dollars \303\240 Google Cloud et paiera fin 2024, selon Les Echos.\n",
          "lang: fr\ndate: 2023-03-20\n" },
        { "c.txt", "Twitter a pay\303\251 10 millions de dollars \303\240 Amazon Web Services \303\240 la mi-2023, selon Les Echos.\n",
          "lang: fr\ndate: 2023-09-01\n" },
    };
    ingest_articles(d, a, sizeof a / sizeof *a, "parts.db", db, sizeof db);
    CHECK_INT(qint(db, "SELECT count(DISTINCT m.group_id) FROM claims c JOIN claim_group_members m ON m.claim_id = c.id"
                       " WHERE c.predicate = 'owes' AND c.event_date = '2024'"), 1);
    char *v = qstr(db, "SELECT group_concat(value || ':' || lang, '|') FROM (SELECT value, lang FROM v_conflicts"
                       " WHERE field = 'event_date' ORDER BY value)");
    CHECK_STR(v, "early 2024:en|late 2024:fr");
    free(v);
    CHECK_INT(qint(db, "SELECT count(*) FROM claims WHERE predicate = 'pays' AND event_date = '2023' AND event_qualifier = 'mid'"), 1);
    free(d);
}

/* "over the next three years", "au cours des trois dernières années", "in
** den vergangenen zwei Jahren": spans counted from the publication (value ..
** value_max, their length as unit); a span states a contract's term and dates
** no claim (the article's date does). */
void t_e2e_spans(void)
{
    char *d = t_tmpdir(), db[700];
    static const t_article a[] = {
        { "a.txt", "ARGOSystems Inc said it won a 15-mln-dlr contract with the U.S. Government to deliver" " 25 systems over the next three years.\n",
          "lang: en\ndate: 2023-03-15\n" },
        { "b.txt", "Twitter a pay\303\251 10 millions de dollars \303\240 Amazon Web Services au cours des" " trois derni\303\250res ann\303\251es, selon Les Echos.\n",
          "lang: fr\ndate: 2023-03-20\n" },
        { "c.txt", "Twitter hat in den vergangenen zwei Jahren gezahlt. Die letzten zwei Jahre des Vertrags" " bleiben offen.\n",
          "lang: de\ndate: 2023-03-20\n" },
        { "d.txt", "Plessey said the contract was one of the largest awarded by Telecom Colombia for the past 10 years.\n",
          "lang: en\ndate: 2023-03-15\n" },
    };
    ingest_articles(d, a, sizeof a / sizeof *a, "spans.db", db, sizeof db);
    char *v = qstr(db, "SELECT group_concat(value || '..' || value_max || ':' || unit, '|') FROM (SELECT value,"
                       " value_max, unit FROM mentions WHERE rule = 'date.span' ORDER BY value)");
    CHECK_STR(v, "2013-03-15..2023-03-15:-P10Y|2020-03-20..2023-03-20:-P3Y|2021-03-20..2023-03-20:-P2Y|"
                 "2023-03-15..2026-03-15:+P3Y");
    free(v);
    /* "the last two years of the deal" ends another period: a duration, not a span */
    CHECK_INT(qint(db, "SELECT count(*) FROM mentions WHERE kind = 'duration' AND value = 'P2Y'"), 1);
    /* a span ahead states no date: the claims of that sentence are dated by the article */
    CHECK_INT(qint(db, "SELECT count(*) FROM claims c JOIN articles a ON a.id = c.article_id"
                       " WHERE a.path LIKE '%a.txt' AND c.event_date_source = 'sentence'"), 0);
    /* a span back is no term: "the largest contract awarded for the past 10 years" */
    CHECK_INT(qint(db, "SELECT count(*) FROM mentions WHERE rule = 'date.span' AND unit = '-P10Y'"), 1);
    CHECK_INT(qint(db, "SELECT count(*) FROM claims WHERE duration = 'P10Y'"), 0);
    CHECK_INT(qint(db, "SELECT count(*) FROM claims WHERE predicate = 'pays' AND event_date = '2023-03'"
                       " AND event_date_source = 'article'"), 1);
    free(d);
}

/* Weekends and the rest of a period: "over the weekend" and "le week-end
** dernier" are the same Saturday to Sunday and their payments one group; "den
** Rest des Jahres" runs from the publication to December 31; a claim they
** date covers the whole period; a weekend with no publication date keeps
** its TIMEX. */
void t_e2e_weekends(void)
{
    char *d = t_tmpdir(), db[700];
    static const t_article a[] = {
        { "a.txt", "Twitter paid $10 million to Amazon Web Services over the weekend, The Information reported.\n",
          "lang: en\ndate: 2023-03-15\n" },
        { "b.txt", "Twitter a pay\303\251 10 millions de dollars \303\240 Amazon Web Services le week-end dernier,"
                   " selon The Information.\n",
          "lang: fr\ndate: 2023-03-16\n" },
        { "c.txt", "Twitter wird den Rest des Jahres 5 Millionen US-Dollar an Google Cloud zahlen, im H2 2023.\n",
          "lang: de\ndate: 2023-03-16\n" },
        { "d.txt", "Twitter said this weekend it would pay Google.\n", "lang: en\n" },
    };
    ingest_articles(d, a, sizeof a / sizeof *a, "weekends.db", db, sizeof db);
    char *v = qstr(db, "SELECT group_concat(r, '|') FROM (SELECT rule || ' ' || value || '..' || ifnull(value_max, '')"
                       " AS r FROM mentions WHERE kind = 'date' ORDER BY r)");
    CHECK_STR(v, "date.half_short 2023-H2..|date.rest 2023-03-16..2023-12-31|date.weekend 2023-03-11..2023-03-12|"
                 "date.weekend 2023-03-11..2023-03-12|date.weekend XXXX-WXX-WE..");
    free(v);
    /* a claim dated by a period: an ISO 8601 interval, its first and last day */
    CHECK_INT(qint(db, "SELECT count(*) FROM claims WHERE amount = '10000000' AND event_date = '2023-03-11/2023-03-12'"
                       " AND event_start = '2023-03-11' AND event_end = '2023-03-12'"), 2);
    CHECK_INT(qint(db, "SELECT count(*) FROM claim_groups WHERE amount = '10000000' AND event_start = '2023-03-11'"
                       " AND event_end = '2023-03-12'"), 1);
    CHECK_INT(qint(db, "SELECT count(*) FROM claims WHERE amount = '5000000' AND event_date = '2023-03-16/2023-12-31'"), 1);
    CHECK_INT(qint(db, "SELECT count(DISTINCT m.group_id) FROM claims c JOIN claim_group_members m ON m.claim_id = c.id"
                       " WHERE c.amount = '10000000'"), 1);
    free(d);
}

/* Seasons: "in the summer of 2022" and "à l'été 2022" are one claim, and
** July 2022 links with them; a winter runs into the next year; --from takes
** a season. */
void t_e2e_seasons(void)
{
    char *d = t_tmpdir(), db[700];
    static const t_article a[] = {
        { "a.txt", "Twitter paid $10 million to Amazon Web Services in the summer of 2022, The Information reported.\n",
          "lang: en\ndate: 2023-03-15\n" },
        { "b.txt", "Twitter a pay\303\251 10 millions de dollars \303\240 Amazon Web Services \303\240 l'\303\251t\303\251" " 2022, selon The Information.\n",
          "lang: fr\ndate: 2023-03-20\n" },
        { "c.txt", "Twitter zahlte im Juli 2022 10 Millionen US-Dollar an Amazon Web Services.\n",
          "lang: de\ndate: 2023-03-20\n" },
        { "d.txt", "Twitter owes Google Cloud $5 million and paid nothing last winter, the company said.\n",
          "lang: en\ndate: 2023-05-02\n" },
    };
    ingest_articles(d, a, sizeof a / sizeof *a, "seasons.db", db, sizeof db);
    CHECK_INT(qint(db, "SELECT count(*) FROM mentions WHERE rule = 'date.season' AND value = '2022-SU'"
                       " AND precision = 'season'"), 2);
    /* the three payments, two seasons and a month inside them, are one group */
    CHECK_INT(qint(db, "SELECT count(*) FROM claims WHERE amount = '10000000'"), 3);
    CHECK_INT(qint(db, "SELECT count(DISTINCT m.group_id) FROM claims c JOIN claim_group_members m ON m.claim_id = c.id"
                       " WHERE c.amount = '10000000'"), 1);
    char *v = qstr(db, "SELECT event_start || '..' || event_end FROM claims WHERE event_date = '2022-SU' LIMIT 1");
    CHECK_STR(v, "2022-06-01..2022-08-31");
    free(v);
    v = qstr(db, "SELECT event_date || ' ' || event_start || '..' || event_end FROM claims WHERE predicate = 'owes'");
    CHECK_STR(v, "2022-WI 2022-12-01..2023-02-28");
    free(v);
    char *out = timeline(db, "--from 2022-WI --format csv");
    CHECK(out && strstr(out, ",owes,") && !strstr(out, ",2022-SU,"));
    free(out);
    free(d);
}

static char *timeline(const char *db, const char *args)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s timeline --db '%s' %s", t_bin(), db, args);
    char *out = NULL;
    int rc = t_run(cmd, &out);
    CHECK_INT(rc, 0);
    return out;
}

/* Ingesting the files one by one in reverse order gives the same timeline. */
void t_e2e_order_independence(void)
{
    const char *db1 = corpus_db();
    char *d = t_tmpdir();
    char db2[600], cmd[1400];
    snprintf(db2, sizeof db2, "%s/reverse.db", d);
    static const char *files[] = { "004_7bdac1c38dd6b8cd.txt", "003_6294ef979c6df3b5.txt", "002_40744b740239f415.txt",
                                   "001_60072c00640d44f3.txt", "000_21c3f8256cd63758.txt" };
    for (int i = 0; i < 5; i++) {
        snprintf(cmd, sizeof cmd, "%s ingest corpus/%s --db '%s' --quiet", t_bin(), files[i], db2);
        CHECK_INT(t_run(cmd, NULL), 0);
    }
    static const char *fmts[] = { "--format text", "--format md", "--format html" };
    for (int f = 0; f < 3; f++) {
        char *a = timeline(db1, fmts[f]), *b = timeline(db2, fmts[f]);
        CHECK(a && b && !strcmp(a, b));
        free(a);
        free(b);
    }
    free(d);
}

void t_e2e_rerun_and_change(void)
{
    char *d = t_tmpdir();
    char cmd[1400], db[600];
    snprintf(db, sizeof db, "%s/c.db", d);
    snprintf(cmd, sizeof cmd, "cp -r corpus '%s/in' && %s ingest '%s/in' --db '%s' 2>&1", d, t_bin(), d, db);
    char *out = NULL;
    CHECK_INT(t_run(cmd, &out), 0);
    free(out);
    char *before = qstr(db, "SELECT group_concat(id) FROM claims WHERE article_id IN (SELECT id FROM articles WHERE path LIKE '%003_%')");
    long long claims_before = qint(db, "SELECT count(*) FROM claims");
    /* unchanged: skipped */
    snprintf(cmd, sizeof cmd, "%s ingest '%s/in' --db '%s' 2>&1", t_bin(), d, db);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(out && strstr(out, "0 stored, 0 replaced, 5 unchanged, 0 failed"));
    free(out);
    CHECK_INT(qint(db, "SELECT count(*) FROM claims"), claims_before);
    /* one file changed: replaced, the others keep their rows */
    snprintf(cmd, sizeof cmd, "printf 'Twitter has paid $5 million to Google Cloud.\\n' >> '%s/in/004_7bdac1c38dd6b8cd.txt'"
                              " && %s ingest '%s/in' --db '%s' 2>&1", d, t_bin(), d, db);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(out && strstr(out, "0 stored, 1 replaced, 4 unchanged, 0 failed"));
    free(out);
    char *after = qstr(db, "SELECT group_concat(id) FROM claims WHERE article_id IN (SELECT id FROM articles WHERE path LIKE '%003_%')");
    CHECK_STR(after, before);
    CHECK_INT(qint(db, "SELECT count(*) FROM mentions WHERE value = '5000000'"), 1);
    CHECK_INT(qint(db, "SELECT count(*) FROM articles"), 5);
    free(before);
    free(after);
    /* a bad file among good ones: named on stderr, exit 1, the rest stored */
    snprintf(cmd, sizeof cmd, "printf '\\211PNG\\r\\n\\032\\n' > '%s/in/image.txt' && : > '%s/in/empty.txt'"
                              " && %s ingest '%s/in' --db '%s' 2>&1", d, d, t_bin(), d, db);
    int rc = t_run(cmd, &out);
    CHECK_INT(rc, 1);
    CHECK(out && strstr(out, "image.txt: binary file: looks like a PNG image"));
    CHECK(out && strstr(out, "empty.txt: empty file"));
    CHECK(out && strstr(out, "2 failed"));
    free(out);
    CHECK_INT(qint(db, "SELECT count(*) FROM articles"), 5);
    CHECK_INT(qint(db, "SELECT count(*) FROM ingest_log WHERE status = 'failed' AND path LIKE '%image.txt'"), 1);
    /* a file deleted from the folder: --prune removes its rows and relinks */
    snprintf(cmd, sizeof cmd, "rm '%s/in/image.txt' '%s/in/empty.txt' '%s/in/004_7bdac1c38dd6b8cd.txt'"
                              " && %s ingest '%s/in' --db '%s' --prune 2>&1", d, d, d, t_bin(), d, db);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(out && strstr(out, "0 stored, 0 replaced, 4 unchanged, 0 failed, 1 removed"));
    free(out);
    CHECK_INT(qint(db, "SELECT count(*) FROM articles"), 4);
    CHECK_INT(qint(db, "SELECT count(*) FROM articles WHERE lang = 'en'"), 0);
    CHECK_INT(qint(db, "SELECT count(*) FROM v_timeline WHERE instr(langs, 'en')"), 0);
    CHECK_INT(qint(db, "SELECT count(*) FROM ingest_log WHERE status = 'removed'"), 1);
    free(d);
}

/* Members whose copy (claim_group_members' article, sentence and claim
** columns) differs from the rows it copies, or is missing. */
static const char *const stale_members_sql =
    "SELECT count(*) FROM claim_group_members m JOIN claims c ON c.id = m.claim_id"
    " JOIN articles a ON a.id = c.article_id JOIN sentences s ON s.id = c.sentence_id"
    " WHERE m.article_id IS NOT a.id OR m.item IS NOT a.item OR m.path IS NOT a.path OR m.title IS NOT a.title"
    " OR m.lang IS NOT a.lang OR m.pub_date IS NOT a.pub_date OR m.sentence_idx IS NOT s.idx"
    " OR m.sentence IS NOT s.text OR m.claim_idx IS NOT c.idx OR m.predicate IS NOT c.predicate"
    " OR m.amount IS NOT c.amount OR m.currency IS NOT c.currency OR m.qualifier IS NOT c.qualifier"
    " OR m.event_date IS NOT c.event_date OR m.event_qualifier IS NOT c.event_qualifier"
    " OR m.duration IS NOT c.duration OR m.source_org IS NOT c.source_org OR m.is_negated IS NOT c.is_negated"
    " OR m.is_hedged IS NOT c.is_hedged OR m.confidence IS NOT c.confidence";

/* v_conflicts and v_contract_fields (schema 5: from the members' copy) as
** schema 4 defined them, from the claim, article and sentence rows */
#define OLD_CONFLICTS_SELECT \
    "SELECT f.group_id, g.predicate, g.family, g.subject_org, g.object_org, f.field, f.value," \
    " f.claim_id, a.path, a.lang, a.pub_date, s.text AS sentence FROM conflicts f" \
    " JOIN claim_groups g ON g.id = f.group_id JOIN claims c ON c.id = f.claim_id" \
    " JOIN articles a ON a.id = c.article_id JOIN sentences s ON s.id = c.sentence_id"
#define OLD_CONTRACT_FIELDS_SELECT \
    "SELECT f.contract_id, f.field, f.value, f.claim_id, a.lang, a.path, a.pub_date, s.text AS sentence" \
    " FROM contract_fields f JOIN claims cl ON cl.id = f.claim_id" \
    " JOIN articles a ON a.id = cl.article_id JOIN sentences s ON s.id = cl.sentence_id"

/* The views' rows, and the rows the schema 4 joins give, side by side. */
static void check_views_as_joins(const char *db)
{
    static const char *const pairs[][2] = {
        { "SELECT * FROM v_conflicts", OLD_CONFLICTS_SELECT },
        { "SELECT * FROM v_contract_fields", OLD_CONTRACT_FIELDS_SELECT },
    };
    for (size_t i = 0; i < 2; i++) {
        /* as many rows, and none in one that is not in the other */
        char sql[2400];
        snprintf(sql, sizeof sql, "SELECT abs((SELECT count(*) FROM (%s)) - (SELECT count(*) FROM (%s)))"
                                  " + (SELECT count(*) FROM (%s EXCEPT %s)) + (SELECT count(*) FROM (%s EXCEPT %s))",
                 pairs[i][0], pairs[i][1], pairs[i][0], pairs[i][1], pairs[i][1], pairs[i][0]);
        CHECK_INT(qint(db, sql), 0);
    }
    CHECK(qint(db, "SELECT count(*) FROM v_conflicts") > 0);
    CHECK(qint(db, "SELECT count(*) FROM v_contract_fields") > 0);
}

/* The members' copy of what the timeline shows is written by every link
** (the first, and one after a file changed), the views that read it give
** the rows the joins they replaced give, and a database of schema 3, whose
** members have no copy, is upgraded in place to the same timeline. */
void t_e2e_member_copy_and_upgrade(void)
{
    const char *db1 = corpus_db();
    CHECK(qint(db1, "SELECT count(*) FROM claim_group_members") > 0);
    CHECK_INT(qint(db1, stale_members_sql), 0);
    char *d = t_tmpdir();
    char cmd[1600], db[600];
    snprintf(db, sizeof db, "%s/c.db", d);
    /* an incremental link after a change: the new members have their copy */
    snprintf(cmd, sizeof cmd, "cp -r corpus '%s/in' && %s ingest '%s/in' --db '%s' --quiet"
                              " && printf 'Twitter has paid $5 million to Google Cloud.\\n' >> '%s/in/004_7bdac1c38dd6b8cd.txt'"
                              " && %s ingest '%s/in' --db '%s' --quiet", d, t_bin(), d, db, d, t_bin(), d, db);
    CHECK_INT(t_run(cmd, NULL), 0);
    CHECK_INT(qint(db, "SELECT count(*) FROM claim_group_members m JOIN claims c ON c.id = m.claim_id"
                       " WHERE c.amount_num = 5000000"), 1);
    CHECK_INT(qint(db, stale_members_sql), 0);
    check_views_as_joins(db1);
    check_views_as_joins(db);
    char *want = timeline(db, "--format json"), *want_text = timeline(db, "--format text --lang de");
    /* the same database as schema 3 wrote it: no copy, and views that do not read one */
    sqlite3 *h = NULL;
    CHECK_INT(sqlite3_open(db, &h), SQLITE_OK);
    CHECK_INT(sqlite3_exec(h,
                           "DROP VIEW v_conflicts; CREATE VIEW v_conflicts AS " OLD_CONFLICTS_SELECT ";"
                           "DROP VIEW v_contract_fields; CREATE VIEW v_contract_fields AS " OLD_CONTRACT_FIELDS_SELECT ";"
                           "DROP INDEX articles_lang;",
                           NULL, NULL, NULL),
              SQLITE_OK);
    static const char *cols[] = { "article_id", "item", "path", "title", "lang", "pub_date", "sentence_idx",
                                  "sentence", "claim_idx", "predicate", "amount", "currency", "qualifier",
                                  "event_date", "event_qualifier", "duration", "source_org", "is_negated",
                                  "is_hedged", "confidence" };
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        char sql[160];
        snprintf(sql, sizeof sql, "ALTER TABLE claim_group_members DROP COLUMN %s", cols[i]);
        CHECK_INT(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    CHECK_INT(sqlite3_exec(h, "PRAGMA user_version = 3", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    /* reading it says how to upgrade it; an ingest that stores nothing upgrades it */
    char *out = NULL;
    snprintf(cmd, sizeof cmd, "%s timeline --db '%s' 2>&1", t_bin(), db);
    CHECK(t_run(cmd, &out) != 0);
    CHECK(out && strstr(out, "run 'newsclaims ingest' once to upgrade it"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s ingest '%s/in' --db '%s' 2>&1", t_bin(), d, db);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(out && strstr(out, "0 stored, 0 replaced, 5 unchanged, 0 failed"));
    free(out);
    CHECK_INT(qint(db, "PRAGMA user_version"), nc_store_schema_version());
    CHECK_INT(qint(db, stale_members_sql), 0);
    check_views_as_joins(db);
    CHECK(qint(db, "SELECT count(*) FROM sqlite_master WHERE name = 'v_conflicts' AND sql LIKE '%claim_group_members%'"));
    /* stats's last status per path, as each path's row of highest id says: after runs that
    ** stored, replaced, left unchanged, and one that refuses the large files and stores a new one */
    snprintf(cmd, sizeof cmd, "printf 'Twitter owes Google.\\n' > '%s/in/new.txt' && %s ingest '%s/in' --db '%s'"
                              " --max-file-size 200 --quiet 2>/dev/null", d, t_bin(), d, db);
    CHECK_INT(t_run(cmd, NULL), 1);
    CHECK_INT(qint(db, "SELECT count(DISTINCT status) FROM ingest_log"), 4);
    char *want_status = qstr(db, "SELECT '\"last_ingest_status\":{' || group_concat('\"' || status || '\":' || n, ',') || '}'"
                                 " FROM (SELECT status, count(*) AS n FROM ingest_log l WHERE id ="
                                 " (SELECT max(id) FROM ingest_log WHERE path = l.path) GROUP BY status ORDER BY status)");
    snprintf(cmd, sizeof cmd, "%s stats --db '%s' --json", t_bin(), db);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(want_status && out && strstr(out, want_status));
    free(want_status);
    free(out);
    char *got = timeline(db, "--format json"), *got_text = timeline(db, "--format text --lang de");
    CHECK(want && got && !strcmp(want, got));
    CHECK(want_text && got_text && strstr(got_text, "de") && !strcmp(want_text, got_text));
    free(want);
    free(got);
    free(want_text);
    free(got_text);
    free(d);
}

/* ---------------------------------------------------- a small JSON check */

static const char *json_value(const char *p, int depth);

static const char *ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    return p;
}

static const char *json_string(const char *p)
{
    if (*p != '"')
        return NULL;
    for (p++; *p && *p != '"'; p++) {
        if ((unsigned char)*p < 0x20)
            return NULL;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!isxdigit((unsigned char)p[i]))
                        return NULL;
                p += 4;
            } else if (!strchr("\"\\/bfnrt", *p)) {
                return NULL;
            }
        }
    }
    return *p == '"' ? p + 1 : NULL;
}

static const char *json_value(const char *p, int depth)
{
    if (depth > 64)
        return NULL;
    p = ws(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        int is_obj = *p == '{';
        p = ws(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (is_obj) {
                p = json_string(ws(p));
                if (!p)
                    return NULL;
                p = ws(p);
                if (*p != ':')
                    return NULL;
                p++;
            }
            p = json_value(p, depth + 1);
            if (!p)
                return NULL;
            p = ws(p);
            if (*p == ',') {
                p++;
                continue;
            }
            return *p == close ? p + 1 : NULL;
        }
    }
    if (*p == '"')
        return json_string(p);
    if (!strncmp(p, "true", 4)) return p + 4;
    if (!strncmp(p, "false", 5)) return p + 5;
    if (!strncmp(p, "null", 4)) return p + 4;
    const char *s = p;
    if (*p == '-')
        p++;
    while (isdigit((unsigned char)*p) || *p == '.' || *p == 'e' || *p == 'E' || *p == '+' || *p == '-')
        p++;
    return p > s ? p : NULL;
}

static int json_valid(const char *s)
{
    const char *end = s ? json_value(s, 0) : NULL;
    return end && *ws(end) == 0;
}

void t_e2e_timeline_formats(void)
{
    const char *db = corpus_db();
    char *json = timeline(db, "--format json");
    CHECK(json_valid(json));
    CHECK(json && strstr(json, "\"newsclaims_timeline\":1"));
    /* every money mention's claim is in the timeline */
    sqlite3 *h;
    sqlite3_stmt *st;
    if (json && sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        if (sqlite3_prepare_v2(h, "SELECT c.id FROM claims c JOIN mentions m ON m.id = c.amount_mention_id WHERE m.kind = 'money'",
                               -1, &st, NULL) == SQLITE_OK) {
            int n = 0;
            while (sqlite3_step(st) == SQLITE_ROW) {
                char k1[64], k2[64], k3[64], k4[64];
                long long id = (long long)sqlite3_column_int64(st, 0);
                snprintf(k1, sizeof k1, "\"claim_ids\":[%lld,", id);
                snprintf(k2, sizeof k2, "\"claim_ids\":[%lld]", id);
                snprintf(k3, sizeof k3, ",%lld]", id);
                snprintf(k4, sizeof k4, ",%lld,", id);
                CHECK(strstr(json, k1) || strstr(json, k2) || strstr(json, k3) || strstr(json, k4));
                n++;
            }
            CHECK_INT(n, 20);
            sqlite3_finalize(st);
        }
        sqlite3_close(h);
    }
    /* the same database gives the same bytes */
    char *json2 = timeline(db, "--format json");
    CHECK(json && json2 && !strcmp(json, json2));
    free(json);
    free(json2);
    char *csv = timeline(db, "--format csv");
    CHECK(csv && !strncmp(csv, "group_id,date,precision,predicate,", 34));
    /* every record has the header's number of fields (quotes respected) */
    if (csv) {
        int fields = 1, want = -1, in_q = 0, records = 0;
        for (const char *p = csv; *p; p++) {
            if (*p == '"')
                in_q = !in_q;
            else if (!in_q && *p == ',')
                fields++;
            else if (!in_q && *p == '\n') {
                if (want < 0)
                    want = fields;
                CHECK_INT(fields, want);
                fields = 1;
                records++;
            }
        }
        CHECK(records > 20);
    }
    free(csv);
    char *html = timeline(db, "--format html");
    CHECK(html && strstr(html, "<svg") && strstr(html, "<circle"));
    CHECK(html && !strstr(html, "<script"));
    CHECK(html && strstr(html, "Twitter owes Amazon"));
    free(html);
    char *md = timeline(db, "--format md");
    CHECK(md && !strncmp(md, "# Claim timeline", 16));
    free(md);
    /* filters */
    char *tw = timeline(db, "--company Amazon --format json");
    CHECK(tw && strstr(tw, "\"predicate\":\"owes\"") && !strstr(tw, "\"predicate\":\"revenue\""));
    free(tw);
    char *q = timeline(db, "--from 2021 --to 2021 --format json");
    CHECK(q && strstr(q, "\"predicate\":\"revenue\"") && !strstr(q, "\"predicate\":\"owes\""));
    free(q);
    char *ml = timeline(db, "--min-sources 3 --lang de --format json");
    CHECK(ml && strstr(ml, "\"predicate\":\"owes\"") && !strstr(ml, "\"predicate\":\"revenue\""));
    free(ml);
}

void t_e2e_cli(void)
{
    char cmd[1024], *out = NULL;
    static const char *subs[] = { "ingest", "extract", "timeline", "stats", "rules", "explain", "show" };
    for (int i = 0; i < 7; i++) {
        snprintf(cmd, sizeof cmd, "%s %s --help", t_bin(), subs[i]);
        CHECK_INT(t_run(cmd, &out), 0);
        CHECK(out && strstr(out, "usage: newsclaims"));
        free(out);
    }
    snprintf(cmd, sizeof cmd, "%s --version", t_bin());
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(out && !strncmp(out, "newsclaims ", 11));
    free(out);
    snprintf(cmd, sizeof cmd, "%s frobnicate 2>&1", t_bin());
    CHECK_INT(t_run(cmd, NULL), 2);
    snprintf(cmd, sizeof cmd, "%s ingest 2>&1", t_bin());
    CHECK_INT(t_run(cmd, NULL), 2);
    /* nothing to read: no database is created */
    snprintf(cmd, sizeof cmd, "cd /tmp && %s ingest /nonexistent/dir --db nc-never-created.db 2>&1; "
                              "test ! -e /tmp/nc-never-created.db", t_bin());
    CHECK_INT(t_run(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "%s timeline --db /nonexistent/x.db 2>&1", t_bin());
    CHECK_INT(t_run(cmd, &out), 2);
    CHECK(out && strstr(out, "/nonexistent/x.db"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s timeline --db '%s' --format pdf 2>&1", t_bin(), corpus_db());
    CHECK_INT(t_run(cmd, NULL), 2);
    snprintf(cmd, sizeof cmd, "%s timeline --db '%s' --company Nosuchcorp 2>&1", t_bin(), corpus_db());
    CHECK_INT(t_run(cmd, &out), 2);
    CHECK(out && strstr(out, "Nosuchcorp"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s stats --db '%s' --json", t_bin(), corpus_db());
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(json_valid(out));
    CHECK(out && strstr(out, "\"articles\":5"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s extract corpus/004_7bdac1c38dd6b8cd.txt", t_bin());
    CHECK_INT(t_run(cmd, &out), 0);
    int lines = 0, valid = 1;
    for (char *p = out, *nl; p && *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (!nl)
            break;
        *nl = 0;
        valid &= json_valid(p);
        lines++;
    }
    CHECK(valid && lines > 10);
    free(out);
}

/* A batch full of bad input: each gets one line naming the file and the
** reason, a row in ingest_log, and the good files are stored. */
void t_e2e_bad_inputs(void)
{
    char *d = t_tmpdir();
    char cmd[2048], db[600], path[600];
    snprintf(db, sizeof db, "%s/bad.db", d);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/in' && cp corpus/001_* corpus/004_* '%s/in/'", d, d);
    CHECK_INT(t_run(cmd, NULL), 0);
    /* a 50 MB text file: stored (its extraction may stop at the time budget);
    ** NEWSCLAIMS_TEST_BIG_MB makes it smaller where every instruction is
    ** slow (make valgrind) */
    snprintf(path, sizeof path, "%s/in/big.txt", d);
    FILE *f = fopen(path, "w");
    const char *s = "Twitter refuse de payer ses factures et il reste au moins 70 millions de dollars \xC3\xA0 payer \xC3\xA0 AWS. ";
    const char *mb_env = getenv("NEWSCLAIMS_TEST_BIG_MB");
    size_t big = (mb_env && atoi(mb_env) > 0 ? (size_t)atoi(mb_env) : 50u) << 20;
    size_t sl = strlen(s), total = 0;
    while (f && total < big) {
        fwrite(s, 1, sl, f);
        total += sl;
    }
    if (f)
        fclose(f);
    /* deeply nested HTML */
    snprintf(path, sizeof path, "%s/in/deep.html", d);
    f = fopen(path, "w");
    fputs("<html><body>", f);
    for (int i = 0; i < 100000; i++)
        fputs("<div>", f);
    fputs("<p>Twitter doit 70 millions de dollars.</p></body></html>", f);
    fclose(f);
    /* a PDF, an executable, UTF-16 with a lone surrogate, a dangling link */
    snprintf(cmd, sizeof cmd,
             "cd '%s/in' && printf '%%%%PDF-1.4\\n%%%%\\342\\343\\n1 0 obj' > doc.pdf && cp /bin/true prog.txt"
             " && printf '\\377\\376T\\000w\\000\\000\\330i\\000' > bad16.txt && ln -s nowhere.txt gone.txt", d);
    CHECK_INT(t_run(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "%s ingest '%s/in' --db '%s' 2>&1", t_bin(), d, db);
    char *out = NULL;
    CHECK_INT(t_run(cmd, &out), 1);
    CHECK(out && strstr(out, "deep.html: markup nested deeper than 256 levels"));
    CHECK(out && strstr(out, "doc.pdf: binary file: looks like a PDF document"));
    CHECK(out && strstr(out, "prog.txt: binary file: looks like an executable"));
    CHECK(out && strstr(out, "bad16.txt: byte offset"));
    CHECK(out && strstr(out, "gone.txt: vanished, or a dangling symbolic link"));
    CHECK(out && strstr(out, "3 stored, 0 replaced, 0 unchanged, 4 failed"));
    if (out && !strstr(out, "3 stored"))
        fprintf(stderr, "  output was: %s\n", out);
    free(out);
    CHECK_INT(qint(db, "SELECT count(*) FROM articles"), 3);
    CHECK(qint(db, "SELECT count(*) FROM mentions m JOIN articles a ON a.id = m.article_id WHERE a.path LIKE '%big.txt'") > 1000);
    CHECK_INT(qint(db, "SELECT count(*) FROM ingest_log WHERE status = 'failed'"), 4);
    CHECK_INT(qint(db, "SELECT count(*) FROM ingest_log WHERE status = 'skipped' AND path LIKE '%gone.txt'"), 1);
    free(d);
}

/* The HTML timeline in headless Chromium: the page Chromium builds has the
** SVG timeline and no script (article text is escaped, and the page's
** Content-Security-Policy forbids scripts anyway), the screenshot is taken,
** and the console reports no error. */
void t_e2e_html_in_chromium(void)
{
    if (t_run("command -v chromium >/dev/null 2>&1", NULL) != 0)
        T_SKIP("chromium is not installed (sh .ci/deps test installs it)");
    char *d = t_tmpdir();
    char cmd[4096], db[600], path[600];
    snprintf(db, sizeof db, "%s/h.db", d);
    snprintf(path, sizeof path, "%s/in", d);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp corpus/* '%s/'", path, path);
    CHECK_INT(t_run(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "%s/hostile.txt", path);
    FILE *f = fopen(cmd, "w");
    fputs("According to a report from the Information, Twitter owes Amazon Web Services $5 million "
          "<script>document.title='PWNED'</script> for \" onmouseover=\"document.title='PWNED2'\" x=\" the "
          "<img src=x onerror=\"document.title='PWNED3'\"> cloud services it uses in 2023.\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s ingest '%s' --db '%s' --quiet && %s timeline --db '%s' --format html > '%s/t.html'",
             t_bin(), path, db, t_bin(), db, d);
    CHECK_INT(t_run(cmd, NULL), 0);
    const char *flags = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                        "--disable-background-networking --disable-component-update --disable-sync "
                        "--window-size=1280,1100";
    char *dom = NULL;
    snprintf(cmd, sizeof cmd, "chromium %s --user-data-dir='%s/p1' --dump-dom 'file://%s/t.html' 2>/dev/null", flags, d, d);
    CHECK_INT(t_run(cmd, &dom), 0);
    CHECK(dom && strstr(dom, "<title>Claim timeline</title>"));
    CHECK(dom && !strstr(dom, "<script"));
    CHECK(dom && !strstr(dom, "<img"));
    CHECK(dom && strstr(dom, "&lt;script&gt;document.title="));   /* shown as text */
    CHECK(dom && strstr(dom, "<svg") && strstr(dom, "<circle"));
    free(dom);
    char *log = NULL;
    snprintf(cmd, sizeof cmd, "chromium %s --user-data-dir='%s/p2' --enable-logging=stderr --v=0 "
                              "--screenshot='%s/shot.png' 'file://%s/t.html' 2>&1", flags, d, d, d);
    CHECK_INT(t_run(cmd, &log), 0);
    CHECK(log && !strstr(log, "CONSOLE"));
    CHECK(log && !strstr(log, "Uncaught"));
    CHECK(log && !strstr(log, "Refused to"));
    if (log && (strstr(log, "CONSOLE") || strstr(log, "Uncaught")))
        fprintf(stderr, "  chromium said: %s\n", log);
    free(log);
    /* a PNG of the window's size */
    snprintf(path, sizeof path, "%s/shot.png", d);
    size_t len = 0;
    char *png = t_read(path, &len);
    CHECK(png && len > 20000 && !memcmp(png, "\x89PNG", 4));
    if (png && len > 24) {
        unsigned w = ((unsigned char)png[16] << 24) | ((unsigned char)png[17] << 16) |
                     ((unsigned char)png[18] << 8) | (unsigned char)png[19];
        CHECK_INT(w, 1280);
    }
    free(png);
    free(d);
}

void t_e2e_explain_show(void)
{
    const char *db = corpus_db();
    char cmd[1024], *out = NULL;
    long long g = qint(db, "SELECT group_id FROM v_timeline WHERE predicate = 'owes' AND amount_num = 70000000");
    snprintf(cmd, sizeof cmd, "%s explain %lld --db '%s' --no-color", t_bin(), g, db);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(out && strstr(out, "[au moins 70 millions de dollars]"));     /* the mention, marked in its sentence */
    CHECK(out && strstr(out, "rule money.num"));
    CHECK(out && strstr(out, "reference date 2023-03 (month"));
    CHECK(out && strstr(out, "conflict on qualifier"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s explain g%lld --db '%s' --json", t_bin(), g, db);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(json_valid(out));
    CHECK(out && strstr(out, "\"reference_date\":{") && strstr(out, "\"mentions\":["));
    free(out);
    long long c = qint(db, "SELECT min(claim_id) FROM v_claims WHERE group_id IS NOT NULL");
    snprintf(cmd, sizeof cmd, "%s explain c%lld --db '%s' --json", t_bin(), c, db);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(json_valid(out));
    free(out);
    snprintf(cmd, sizeof cmd, "%s explain 999999 --db '%s' 2>&1", t_bin(), db);
    CHECK_INT(t_run(cmd, &out), 1);
    CHECK(out && strstr(out, "no claim group 999999"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s explain banana --db '%s' 2>&1", t_bin(), db);
    CHECK_INT(t_run(cmd, NULL), 1);
    snprintf(cmd, sizeof cmd, "%s show corpus/001_60072c00640d44f3.txt --db '%s'", t_bin(), db);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(out && strstr(out, "published 2023-03 (month), from metadata"));
    CHECK(out && strstr(out, "encoding UTF-8"));
    CHECK(out && strstr(out, "money") && strstr(out, "510000000"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s show 1 --db '%s' --json --text", t_bin(), db);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(json_valid(out));
    CHECK(out && strstr(out, "\"text\":\"") && strstr(out, "\"pub_date_source\":"));
    free(out);
}

/* Progress only on a terminal; the summary either way. */
void t_e2e_progress(void)
{
    if (t_run("command -v script >/dev/null 2>&1", NULL) != 0)
        T_SKIP("util-linux script(1) is not installed: no pseudo-terminal to test progress on");
    char *d = t_tmpdir();
    char cmd[1400], *out = NULL;
    snprintf(cmd, sizeof cmd, "script -qfec \"%s ingest corpus --db '%s/p.db'\" /dev/null", t_bin(), d);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(out && strstr(out, "files") && strstr(out, "MB/s") && strstr(out, "articles/s"));
    CHECK(out && strstr(out, "5 stored"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s ingest corpus --db '%s/q.db' 2>&1", t_bin(), d);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(out && !strstr(out, "MB/s"));
    CHECK(out && strstr(out, "5 stored"));
    free(out);
    free(d);
}

/* A database of schema 5, whose claims, groups and members' copies name
** the predicates of before the vocabulary moved to predicates.tsv (paid,
** closed, ...) and that has no predicates table, is upgraded in place by
** an ingest that stores nothing: the new names, the table, the families
** the vocabulary gives, and the same timeline as a new database's. */
void t_e2e_predicates_upgrade(void)
{
    char *d = t_tmpdir();
    char cmd[1600], db[600];
    snprintf(db, sizeof db, "%s/p.db", d);
    snprintf(cmd, sizeof cmd, "%s ingest corpus --db '%s' --quiet", t_bin(), db);
    CHECK_INT(t_run(cmd, NULL), 0);
    CHECK(qint(db, "SELECT count(*) FROM predicates") > 40);
    CHECK_INT(qint(db, "SELECT count(*) FROM predicates WHERE name = 'owes' AND family = 'debt' AND directed = 1"
                       " AND bare = 0 AND content = 'money' AND record IS NULL"), 1);
    CHECK_INT(qint(db, "SELECT count(*) FROM predicates WHERE name = 'contract_signed' AND record = 'signed'"
                       " AND content = 'date'"), 1);
    char *want = timeline(db, "--format json"), *want_md = timeline(db, "--format md");
    char *want_groups = qstr(db, "SELECT group_concat(id || predicate || family || n_claims, ',') FROM claim_groups");
    /* as schema 5 wrote it */
    sqlite3 *h = NULL;
    CHECK_INT(sqlite3_open(db, &h), SQLITE_OK);
    static const char *const renames =
        "CREATE TEMP TABLE r(new TEXT PRIMARY KEY, old TEXT);"
        "INSERT INTO temp.r VALUES('closes_sites', 'closed'), ('pays', 'paid'), ('acquires', 'acquired'),"
        " ('result_change', 'revenue_change'), ('users', 'subscribers'), ('loses_customers', 'advertisers_lost'),"
        " ('spends', 'ad_spend'), ('threatens', 'threatened'), ('cuts_off', 'may_cut_off'),"
        " ('negotiates', 'renegotiating'), ('delays_payment', 'payments_delayed');"
        "UPDATE claims SET predicate = (SELECT old FROM temp.r WHERE new = predicate) WHERE predicate IN (SELECT new FROM temp.r);"
        "UPDATE claim_groups SET predicate = (SELECT old FROM temp.r WHERE new = predicate) WHERE predicate IN (SELECT new FROM temp.r);"
        "UPDATE claim_group_members SET predicate = (SELECT old FROM temp.r WHERE new = predicate)"
        " WHERE predicate IN (SELECT new FROM temp.r);"
        "UPDATE claims SET family = 'mention' WHERE predicate = 'amount';"
        "UPDATE claims SET family = 'finance' WHERE predicate IN ('revenue', 'profit', 'revenue_change');"
        "DROP TABLE predicates; DELETE FROM store_meta WHERE key = 'predicates';"
        "PRAGMA user_version = 5;";
    CHECK_INT(sqlite3_exec(h, renames, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    CHECK(qint(db, "SELECT count(*) FROM claims WHERE predicate = 'paid'") > 0);
    char *out = NULL;
    snprintf(cmd, sizeof cmd, "%s timeline --db '%s' 2>&1", t_bin(), db);
    CHECK(t_run(cmd, &out) != 0);
    CHECK(out && strstr(out, "run 'newsclaims ingest' once to upgrade it"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s ingest corpus --db '%s' 2>&1", t_bin(), db);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(out && strstr(out, "0 stored, 0 replaced, 5 unchanged, 0 failed"));
    free(out);
    CHECK_INT(qint(db, "PRAGMA user_version"), nc_store_schema_version());
    CHECK(qint(db, "SELECT count(*) FROM predicates") > 40);
    /* no name of before anywhere; every stored claim's predicate described, with its family */
    const char *old_in = "IN ('closed', 'paid', 'acquired', 'revenue_change', 'subscribers', 'advertisers_lost',"
                         " 'ad_spend', 'threatened', 'may_cut_off', 'renegotiating', 'payments_delayed')";
    char sql[1200];
    snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM claims WHERE predicate %s) + (SELECT count(*) FROM claim_groups"
                              " WHERE predicate %s) + (SELECT count(*) FROM claim_group_members WHERE predicate %s)",
             old_in, old_in, old_in);
    CHECK_INT(qint(db, sql), 0);
    CHECK_INT(qint(db, "SELECT count(*) FROM claims c LEFT JOIN predicates p ON p.name = c.predicate"
                       " WHERE p.family IS NOT c.family"), 0);
    CHECK(qint(db, "SELECT count(*) FROM claims WHERE predicate = 'pays'") > 0);
    CHECK_INT(qint(db, stale_members_sql), 0);
    char *got = timeline(db, "--format json"), *got_md = timeline(db, "--format md");
    char *got_groups = qstr(db, "SELECT group_concat(id || predicate || family || n_claims, ',') FROM claim_groups");
    CHECK(want && got && !strcmp(want, got));
    CHECK(want_md && got_md && !strcmp(want_md, got_md));
    CHECK_STR(got_groups, want_groups);
    /* --predicate is checked against the table */
    snprintf(cmd, sizeof cmd, "%s timeline --db '%s' --predicate paid 2>&1", t_bin(), db);
    CHECK(t_run(cmd, &out) != 0);
    CHECK(out && strstr(out, "unknown predicate \"paid\""));
    free(out);
    free(want); free(got); free(want_md); free(got_md); free(want_groups); free(got_groups);
    free(d);
}

/* make install: the installed binary finds its data from anywhere, and a
** program embedding the library builds with pkg-config and runs. */
void t_e2e_install(void)
{
    char *d = t_tmpdir();
    char cmd[4096], *out = NULL;
    char cwd[1024];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    snprintf(cmd, sizeof cmd, "make -s install PREFIX='%s/usr' >/dev/null 2>&1", d);
    CHECK_INT(t_run(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "cd / && '%s/usr/bin/newsclaims' ingest '%s/corpus' --db '%s/i.db' 2>&1", d, cwd, d);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(out && strstr(out, "5 stored"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s/usr/share/man/man1/newsclaims-explain.1", d);
    FILE *f = fopen(cmd, "r");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    snprintf(cmd, sizeof cmd, "%s/embed.c", d);
    f = fopen(cmd, "w");
    fputs("#include <newsclaims.h>\n#include <stdio.h>\n#include <string.h>\n"
          "int main(int argc, char **argv) {\n"
          "  (void)argc; char dir[2048]; nc_error err = {0};\n"
          "  nc_ingest_opts io = nc_ingest_default_opts(); snprintf(dir, sizeof dir, \"%s/ingest\", argv[1]); io.data_dir = dir;\n"
          "  nc_ingester *ing = nc_ingester_new(&io, &err); if (!ing) { fprintf(stderr, \"%s\\n\", err.msg); return 1; }\n"
          "  char rdir[2048]; nc_extract_opts xo = nc_extract_default_opts(); snprintf(rdir, sizeof rdir, \"%s/rules\", argv[1]);\n"
          "  xo.rules_dir = rdir; nc_extractor *x = nc_extractor_new(&xo, &err); if (!x) { fprintf(stderr, \"%s\\n\", err.msg); return 1; }\n"
          "  const char *t = \"Twitter owes Amazon Web Services at least $70 million, according to the Information.\";\n"
          "  nc_article *a; size_t n; if (nc_ingest_buffer(ing, \"x\", (const unsigned char *)t, strlen(t), NULL, &a, &n, &err)) return 1;\n"
          "  nc_extraction ex; if (nc_extract_article(x, a, NULL, &ex, &err)) return 1;\n"
          "  for (size_t i = 0; i < ex.n_mentions; i++) if (ex.mentions[i].kind == NC_MENTION_MONEY) printf(\"%s %s\\n\", ex.mentions[i].value, ex.mentions[i].unit);\n"
          "  nc_extraction_free(&ex); nc_articles_free(a, n); nc_extractor_free(x); nc_ingester_free(ing); return 0; }\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "cd '%s' && export PKG_CONFIG_PATH='%s/usr/lib/pkgconfig' && "
                              "cc -o embed embed.c $(pkg-config --cflags --libs newsclaims) 2>&1 && "
                              "./embed \"$(pkg-config --variable=datadir newsclaims)\"", d, d);
    CHECK_INT(t_run(cmd, &out), 0);
    CHECK(out && strstr(out, "70000000 USD"));
    if (out && !strstr(out, "70000000 USD"))
        fprintf(stderr, "  embed said: %s\n", out);
    free(out);
    free(d);
}

/* Output safety for any article text: quotes, commas, backslashes, control
** characters, markup and bytes that were not UTF-8 in the source give
** valid JSON, well-formed CSV (a parser that honours quotes finds the same
** number of fields in every record) and escaped HTML. */
void t_e2e_hostile_text_output(void)
{
    char *d = t_tmpdir();
    char db[600], cmd[1400], path[700];
    snprintf(db, sizeof db, "%s/o.db", d);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/in'", d);
    CHECK_INT(t_run(cmd, NULL), 0);
    snprintf(path, sizeof path, "%s/in/hostile.txt", d);
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs("Twitter doit encore 70 millions de dollars \"\\\"\",,\\n\\\\ \x01\x02\x1f\x7f \t </script><script>alert(1)</script>"
              " \xe2\x80\xae\xf0\x9f\x92\xb8 \xc3\xa0 Amazon Web Services, selon \"Les Echos\", a indiqu\xc3\xa9 le journal.\n"
              "Le contrat de cinq ans sign\xc3\xa9 en 2020 avec Google Cloud pr\xc3\xa9voyait 1 milliard de dollars, \"\"\"\"\"\".\n",
              f);
        fclose(f);
    }
    /* Latin-1 bytes (not UTF-8) in another file */
    snprintf(path, sizeof path, "%s/in/latin1.txt", d);
    f = fopen(path, "wb");
    if (f) {
        fputs("Twitter refuse de payer et doit encore 70 millions de dollars \xe0 Amazon Web Services depuis des mois, "
              "selon la presse \xe9" "conomique \"am\xe9ricaine\".\n", f);
        fclose(f);
    }
    snprintf(cmd, sizeof cmd, "%s ingest '%s/in' --db '%s' --quiet", t_bin(), d, db);
    CHECK_INT(t_run(cmd, NULL), 0);
    char *json = timeline(db, "--format json");
    CHECK(json && json_valid(json));
    CHECK(json && strstr(json, "alert(1)"));          /* the text is there, escaped */
    free(json);
    char *csv = timeline(db, "--format csv");
    int records = 0;
    if (csv) {
        int fields = 1, want = -1, in_q = 0;
        for (const char *p = csv; *p; p++) {
            if (*p == '"') {
                if (in_q && p[1] == '"')
                    p++;               /* a doubled quote inside a quoted field */
                else
                    in_q = !in_q;
            } else if (!in_q && *p == ',') {
                fields++;
            } else if (!in_q && *p == '\n') {
                if (want < 0)
                    want = fields;
                CHECK_INT(fields, want);
                fields = 1;
                records++;
            }
        }
        CHECK_INT(in_q, 0);
    }
    CHECK(records >= 2);
    free(csv);
    char *html = timeline(db, "--format html");
    CHECK(html && strstr(html, "&lt;/script&gt;&lt;script&gt;alert(1)"));
    CHECK(html && !strstr(html, "<script"));
    free(html);
    free(d);
}

/* The dev set's figures (../shared/devset, hand-written gold; score.py reads
** `newsclaims extract` and the v_claims view) stay at or above the floors in
** tests/devset/floor.tsv. Skipped where ../shared or python3 is absent. */
void t_e2e_devset_floor(void)
{
    const char *shared = t_shared();
    if (!shared)
        T_SKIP("../shared/devset not found beside the checkout (CI has it; a user's clone does not)");
    if (t_run("python3 -c 'import sqlite3' >/dev/null 2>&1", NULL) != 0)
        T_SKIP("python3 with sqlite3 is not installed: the dev set's scorer cannot run");
    char *d = t_tmpdir(), cmd[2048];
    snprintf(cmd, sizeof cmd,
             "%s ingest %s/devset/en %s/devset/fr %s/devset/de --db %s/devset.db --quiet >/dev/null 2>&1;"
             " python3 %s/devset/score.py --bin %s --db %s/devset.db 2>&1",
             t_bin(), shared, shared, shared, d, shared, t_bin(), d);
    char *all = NULL;
    t_run(cmd, &all);
    /* the last line's figures; a floor "kind:date" is that kind's mention F1,
    ** the last figure of its row in the table ("date  173  19  44  0.901  0.797  0.846") */
    char *out = all ? strstr(all, "devset: mentions F1=") : NULL;
    CHECK(out != NULL);
    char *floors = t_read("tests/devset/floor.tsv", NULL);
    CHECK(floors != NULL);
    int checked = 0;
    for (char *line = floors; out && floors && line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        char name[64];
        double floor;
        if (line[0] != '#' && sscanf(line, "%63s %lf", name, &floor) == 2 && !strncmp(name, "kind:", 5)) {
            const char *row = NULL;
            for (const char *r = all; r && r < out && !row; r = strchr(r, '\n') ? strchr(r, '\n') + 1 : NULL)
                if (!strncmp(r, name + 5, strlen(name + 5)) && r[strlen(name + 5)] == ' ')
                    row = r;
            CHECK(row != NULL);
            if (row) {
                const char *e = strchr(row, '\n'), *last = e ? e : row + strlen(row);
                while (last > row && last[-1] != ' ')
                    last--;
                double v = atof(last);
                if (v < floor)
                    fprintf(stderr, "FAIL devset %s mention F1 = %.3f, below its floor %.3f (tests/devset/floor.tsv)\n",
                            name + 5, v, floor);
                CHECK(v >= floor);
                checked++;
            }
        } else if (line[0] != '#' && sscanf(line, "%63s %lf", name, &floor) == 2) {
            char key[80];
            snprintf(key, sizeof key, "%s=", name);
            /* "F1=" follows "mentions "; the others stand alone: " recall=" */
            const char *at = strstr(out, key);
            while (at && at > out && at[-1] != ' ')
                at = strstr(at + 1, key);
            CHECK(at != NULL);
            if (at) {
                double v = atof(at + strlen(key));
                if (v < floor)
                    fprintf(stderr, "FAIL devset %s = %.3f, below its floor %.3f (tests/devset/floor.tsv)\n", name, v,
                            floor);
                CHECK(v >= floor);
                checked++;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    CHECK(checked >= 6);
    free(floors);
    free(all);
    free(d);
}
