/*
** store.c — the SQLite database: opening, schema migrations, writes.
**
** Opening: sqlite3_open_v2, then WAL, synchronous=NORMAL, foreign_keys=ON,
** a busy timeout. A database is ours when its application_id is NC_APP_ID;
** an empty file becomes ours; anything else is refused without a write.
** user_version is the schema version; a newer version than this program
** knows is refused, and never downgraded.
**
** Many processes, one database. Creating or upgrading the schema is one
** exclusive step: the write lock first (BEGIN IMMEDIATE, within the busy
** timeout), then user_version and application_id are read, then the
** migrations that are missing run, all in that one transaction. A second
** process opening the same new file waits for that lock, then finds the
** schema current and goes on (reading the version first and migrating
** after, in transactions of their own, let two processes both create the
** schema: "table link_dirty already exists", "duplicate column name").
** Before it, one read (one snapshot) refuses a file that is not ours or is
** newer, so that such a file is never written, not even switched to WAL;
** then the switch to WAL, before the schema exists, so that readers are
** never blocked by writers, not even by the first one. A reader
** (is_readonly) takes no lock: it reads the version and then everything
** else in one read transaction, one snapshot, for as long as it is open.
** A writer waits for the write lock at most busy_timeout_ms, then says
** which database was busy and how long it waited (busy_wait below).
**
** Writes: every statement is prepared once (SQLITE_PREPARE_PERSISTENT) and
** reused. A file and all its articles, sentences, mentions and claims are
** written in one BEGIN IMMEDIATE ... COMMIT, after deleting the rows of any
** earlier version of the same path (ON DELETE CASCADE does the rest). On
** error: ROLLBACK, and nothing stored before changes. With group commits
** (nc_store_set_batch, as ingest and load use them) each file is a
** SAVEPOINT of its own inside a transaction committed every few hundred
** files or fraction of a second: a file is still stored whole or not at
** all, and a failing file rolls back alone.
*/
#include "store_int.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NC_APP_ID 0x6E636C6D   /* "nclm" */

static void log_commit(nc_store *s);
static void bind_opt(sqlite3_stmt *st, int i, const char *v);

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const migrations[] = {
    /* 1: the first schema; store/SCHEMA.md documents every table and view */
    "CREATE TABLE files(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  path TEXT NOT NULL UNIQUE,\n"
    "  content_hash TEXT NOT NULL,\n"
    "  size INTEGER NOT NULL);\n"
    "CREATE TABLE articles(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,\n"
    "  item INTEGER NOT NULL DEFAULT 0,\n"
    "  path TEXT NOT NULL,\n"
    "  text_hash TEXT NOT NULL,\n"
    "  format TEXT NOT NULL,\n"
    "  encoding TEXT,\n"
    "  lang TEXT NOT NULL,\n"
    "  lang_source TEXT,\n"
    "  lang_supported INTEGER NOT NULL,\n"
    "  title TEXT, publisher TEXT, url TEXT, cited_source TEXT,\n"
    "  pub_date TEXT, pub_date_precision TEXT, pub_date_source TEXT, pub_date_note TEXT,\n"
    "  text TEXT NOT NULL,\n"
    "  UNIQUE(file_id, item));\n"
    "CREATE TABLE sentences(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,\n"
    "  idx INTEGER NOT NULL,\n"
    "  start INTEGER NOT NULL,\n"
    "  \"end\" INTEGER NOT NULL,\n"
    "  lang TEXT NOT NULL,\n"
    "  text TEXT NOT NULL,\n"
    "  UNIQUE(article_id, idx));\n"
    "CREATE TABLE orgs(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  name TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"
    "  parent_id TEXT,\n"
    "  source TEXT NOT NULL DEFAULT 'gazetteer');\n"
    "CREATE TABLE org_aliases(\n"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,\n"
    "  lang TEXT NOT NULL,\n"
    "  alias TEXT NOT NULL,\n"
    "  PRIMARY KEY(org_id, lang, alias));\n"
    "CREATE TABLE mentions(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,\n"
    "  sentence_id INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,\n"
    "  idx INTEGER NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"
    "  start INTEGER NOT NULL,\n"
    "  \"end\" INTEGER NOT NULL,\n"
    "  surface TEXT NOT NULL,\n"
    "  value TEXT,\n"
    "  value_num REAL,\n"
    "  value_max TEXT,\n"
    "  unit TEXT,\n"
    "  qualifier TEXT,\n"
    "  precision TEXT,\n"
    "  is_resolved INTEGER NOT NULL,\n"
    "  is_vague INTEGER NOT NULL,\n"
    "  is_relative INTEGER NOT NULL,\n"
    "  rule TEXT NOT NULL,\n"
    "  UNIQUE(article_id, idx));\n"
    "CREATE TABLE claims(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,\n"
    "  sentence_id INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,\n"
    "  idx INTEGER NOT NULL,\n"
    "  predicate TEXT NOT NULL,\n"
    "  family TEXT NOT NULL,\n"
    "  subject_org TEXT,\n"
    "  object_org TEXT,\n"
    "  object_text TEXT,\n"
    "  amount TEXT,\n"
    "  amount_num REAL,\n"
    "  amount_max TEXT,\n"
    "  currency TEXT,\n"
    "  qualifier TEXT,\n"
    "  is_vague INTEGER NOT NULL DEFAULT 0,\n"
    "  amount_mention_id INTEGER REFERENCES mentions(id) ON DELETE SET NULL,\n"
    "  duration TEXT,\n"
    "  event_date TEXT,\n"
    "  event_precision TEXT,\n"
    "  event_start TEXT,\n"
    "  event_end TEXT,\n"
    "  event_date_source TEXT,\n"
    "  event_qualifier TEXT,\n"
    "  source_org TEXT,\n"
    "  is_negated INTEGER NOT NULL,\n"
    "  is_hedged INTEGER NOT NULL,\n"
    "  confidence REAL NOT NULL,\n"
    "  rule TEXT NOT NULL,\n"
    "  UNIQUE(article_id, idx));\n"
    "CREATE TABLE claim_groups(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  predicate TEXT NOT NULL,\n"
    "  family TEXT NOT NULL,\n"
    "  subject_org TEXT,\n"
    "  object_org TEXT,\n"
    "  object_text TEXT,\n"
    "  amount TEXT,\n"
    "  amount_num REAL,\n"
    "  currency TEXT,\n"
    "  qualifier TEXT,\n"
    "  duration TEXT,\n"
    "  event_date TEXT,\n"
    "  event_precision TEXT,\n"
    "  event_start TEXT,\n"
    "  event_end TEXT,\n"
    "  n_claims INTEGER NOT NULL,\n"
    "  n_sources INTEGER NOT NULL,\n"
    "  n_langs INTEGER NOT NULL,\n"
    "  langs TEXT NOT NULL,\n"
    "  first_report TEXT,\n"
    "  last_report TEXT);\n"
    "CREATE TABLE claim_group_members(\n"
    "  group_id INTEGER NOT NULL REFERENCES claim_groups(id) ON DELETE CASCADE,\n"
    "  claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,\n"
    "  PRIMARY KEY(group_id, claim_id));\n"
    "CREATE TABLE conflicts(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  group_id INTEGER NOT NULL REFERENCES claim_groups(id) ON DELETE CASCADE,\n"
    "  field TEXT NOT NULL,\n"
    "  claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,\n"
    "  value TEXT NOT NULL);\n"
    "CREATE TABLE contracts(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  group_id INTEGER NOT NULL UNIQUE REFERENCES claim_groups(id) ON DELETE CASCADE,\n"
    "  party_a TEXT,\n"
    "  party_b TEXT,\n"
    "  value TEXT,\n"
    "  value_num REAL,\n"
    "  currency TEXT,\n"
    "  term TEXT,\n"
    "  signed TEXT,\n"
    "  signed_qualifier TEXT,\n"
    "  covers TEXT);\n"
    "CREATE TABLE contract_fields(\n"
    "  contract_id INTEGER NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,\n"
    "  field TEXT NOT NULL,\n"
    "  value TEXT NOT NULL,\n"
    "  claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE);\n"
    "CREATE INDEX contract_fields_contract ON contract_fields(contract_id);\n"
    "CREATE INDEX contract_fields_claim ON contract_fields(claim_id);\n"
    "CREATE TABLE ingest_log(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  at TEXT NOT NULL,\n"
    "  path TEXT NOT NULL,\n"
    "  status TEXT NOT NULL,\n"
    "  reason TEXT);\n"
    "CREATE INDEX articles_file ON articles(file_id);\n"
    "CREATE INDEX sentences_article ON sentences(article_id);\n"
    "CREATE INDEX mentions_article ON mentions(article_id);\n"
    "CREATE INDEX mentions_sentence ON mentions(sentence_id);\n"
    "CREATE INDEX mentions_kind ON mentions(kind, unit);\n"
    "CREATE INDEX claims_article ON claims(article_id);\n"
    "CREATE INDEX claims_sentence ON claims(sentence_id);\n"
    "CREATE INDEX claims_subject ON claims(subject_org);\n"
    "CREATE INDEX claims_object ON claims(object_org);\n"
    "CREATE INDEX claims_predicate ON claims(predicate);\n"
    "CREATE INDEX claims_mention ON claims(amount_mention_id);\n"
    "CREATE INDEX members_claim ON claim_group_members(claim_id);\n"
    "CREATE INDEX groups_date ON claim_groups(event_start, event_date);\n"
    "CREATE INDEX groups_subject ON claim_groups(subject_org);\n"
    "CREATE INDEX groups_object ON claim_groups(object_org);\n"
    "CREATE INDEX conflicts_group ON conflicts(group_id);\n"
    "CREATE INDEX conflicts_claim ON conflicts(claim_id);\n"
    "CREATE INDEX ingest_log_path ON ingest_log(path);\n"
    /* views: the documented way to read the database */
    "CREATE VIEW v_claims AS\n"
    "SELECT c.id AS claim_id, m.group_id, c.predicate, c.family,\n"
    "  c.subject_org, so.name AS subject, c.object_org, oo.name AS object, c.object_text,\n"
    "  c.amount, c.amount_num, c.currency, c.qualifier, c.is_vague, c.duration,\n"
    "  c.event_date, c.event_precision, c.event_start, c.event_end, c.event_date_source, c.event_qualifier,\n"
    "  c.source_org, src.name AS attributed_to, c.is_negated, c.is_hedged, c.confidence, c.rule,\n"
    "  a.id AS article_id, a.path, a.lang, a.title, a.pub_date,\n"
    "  s.idx AS sentence_idx, s.start AS sentence_start, s.\"end\" AS sentence_end, s.text AS sentence\n"
    "FROM claims c\n"
    "JOIN articles a ON a.id = c.article_id\n"
    "JOIN sentences s ON s.id = c.sentence_id\n"
    "LEFT JOIN claim_group_members m ON m.claim_id = c.id\n"
    "LEFT JOIN orgs so ON so.id = c.subject_org\n"
    "LEFT JOIN orgs oo ON oo.id = c.object_org\n"
    "LEFT JOIN orgs src ON src.id = c.source_org;\n"
    "CREATE VIEW v_timeline AS\n"
    "SELECT g.id AS group_id, g.event_date, g.event_precision, g.event_start, g.event_end, g.predicate, g.family,\n"
    "  g.subject_org, so.name AS subject, g.object_org, oo.name AS object, g.object_text,\n"
    "  g.amount, g.amount_num, g.currency, g.qualifier, g.duration,\n"
    "  g.n_claims, g.n_sources, g.n_langs, g.langs, g.first_report, g.last_report,\n"
    "  (SELECT count(DISTINCT f.field) FROM conflicts f WHERE f.group_id = g.id) AS n_conflicts\n"
    "FROM claim_groups g\n"
    "LEFT JOIN orgs so ON so.id = g.subject_org\n"
    "LEFT JOIN orgs oo ON oo.id = g.object_org;\n"
    "CREATE VIEW v_conflicts AS\n"
    "SELECT f.group_id, g.predicate, g.family, g.subject_org, g.object_org, f.field, f.value,\n"
    "  f.claim_id, a.path, a.lang, a.pub_date, s.text AS sentence\n"
    "FROM conflicts f\n"
    "JOIN claim_groups g ON g.id = f.group_id\n"
    "JOIN claims c ON c.id = f.claim_id\n"
    "JOIN articles a ON a.id = c.article_id\n"
    "JOIN sentences s ON s.id = c.sentence_id;\n"
    "CREATE VIEW v_mentions AS\n"
    "SELECT m.id AS mention_id, m.kind, m.surface, m.value, m.value_num, m.value_max, m.unit,\n"
    "  m.qualifier, m.precision, m.is_resolved, m.is_vague, m.rule, m.start, m.\"end\",\n"
    "  a.id AS article_id, a.path, a.lang, a.pub_date, s.idx AS sentence_idx, s.text AS sentence\n"
    "FROM mentions m\n"
    "JOIN articles a ON a.id = m.article_id\n"
    "JOIN sentences s ON s.id = m.sentence_id;\n"
    "CREATE VIEW v_org_tree AS\n"
    "WITH RECURSIVE up(org_id, ancestor_id, depth) AS (\n"
    "  SELECT id, id, 0 FROM orgs\n"
    "  UNION ALL SELECT up.org_id, o.parent_id, up.depth + 1 FROM up JOIN orgs o ON o.id = up.ancestor_id\n"
    "  WHERE o.parent_id IS NOT NULL AND up.depth < 16)\n"
    "SELECT org_id, ancestor_id, depth FROM up;\n"
    "CREATE VIEW v_contracts AS\n"
    "SELECT c.id AS contract_id, c.group_id, c.party_a AS party_a_org, pa.name AS party_a,\n"
    "  c.party_b AS party_b_org, pb.name AS party_b, c.value, c.value_num, c.currency, c.term,\n"
    "  c.signed, c.signed_qualifier, c.covers, g.n_sources, g.langs\n"
    "FROM contracts c JOIN claim_groups g ON g.id = c.group_id\n"
    "LEFT JOIN orgs pa ON pa.id = c.party_a LEFT JOIN orgs pb ON pb.id = c.party_b;\n"
    "CREATE VIEW v_contract_fields AS\n"
    "SELECT f.contract_id, f.field, f.value, f.claim_id, a.lang, a.path, a.pub_date, s.text AS sentence\n"
    "FROM contract_fields f JOIN claims cl ON cl.id = f.claim_id\n"
    "JOIN articles a ON a.id = cl.article_id JOIN sentences s ON s.id = cl.sentence_id;\n"
    "CREATE VIEW v_amounts_owed AS\n"
    "SELECT group_id, subject, predicate, object, amount, currency, qualifier, n_sources, n_langs, langs, event_date\n"
    "FROM v_timeline WHERE family = 'debt' AND amount IS NOT NULL;\n",
    /* 2: incremental linking. Every change to the claims marks what it
    ** touches (its predicate family in link_dirty; its amount, with the
    ** currency, in link_dirty_amount), by triggers, in the transaction of the change itself; the
    ** next link recomputes only that ("*" = everything). Groups remember
    ** their representative claim, to be numbered in timeline order. */
    "CREATE TABLE link_dirty(key TEXT PRIMARY KEY) WITHOUT ROWID;\n"
    "CREATE TABLE link_dirty_amount(currency TEXT, amount REAL NOT NULL);\n"
    "INSERT INTO link_dirty VALUES('*');\n"
    "ALTER TABLE claim_groups ADD COLUMN rep_claim INTEGER;\n"
    "CREATE TABLE store_meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;\n"
    "CREATE TRIGGER claims_link_ins AFTER INSERT ON claims BEGIN\n"
    "  INSERT OR IGNORE INTO link_dirty VALUES('family:' || NEW.family);\n"
    "  INSERT INTO link_dirty_amount SELECT NEW.currency, NEW.amount_num WHERE NEW.amount_num IS NOT NULL;\n"
    "END;\n"
    "CREATE TRIGGER claims_link_del AFTER DELETE ON claims BEGIN\n"
    "  INSERT OR IGNORE INTO link_dirty VALUES('family:' || OLD.family);\n"
    "  INSERT INTO link_dirty_amount SELECT OLD.currency, OLD.amount_num WHERE OLD.amount_num IS NOT NULL;\n"
    "END;\n"
    "CREATE TRIGGER orgs_link_upd AFTER UPDATE OF parent_id ON orgs BEGIN\n"
    "  INSERT OR IGNORE INTO link_dirty VALUES('*');\n"
    "END;\n"
    "CREATE TRIGGER orgs_link_del AFTER DELETE ON orgs BEGIN\n"
    "  INSERT OR IGNORE INTO link_dirty VALUES('*');\n"
    "END;\n"
    "CREATE INDEX claims_family ON claims(family);\n"
    "CREATE INDEX claims_amount ON claims(currency, amount_num);\n"
    "CREATE INDEX groups_amount ON claim_groups(currency, amount_num);\n",
    /* 3: indexes that repeat the first column of a UNIQUE constraint's own
    ** index cost every insert and serve no query */
    "DROP INDEX IF EXISTS articles_file;\n"
    "DROP INDEX IF EXISTS sentences_article;\n"
    "DROP INDEX IF EXISTS mentions_article;\n"
    "DROP INDEX IF EXISTS claims_article;\n",
    /* 4: each member row keeps a copy of what the timeline shows of it
    ** (store_int.h, MEMBER_COPY_COLS): a group of thousands of sources is
    ** then read from adjacent rows, not from a claim, an article and a
    ** sentence row each on its own page */
    "ALTER TABLE claim_group_members ADD COLUMN article_id INTEGER;\n"
    "ALTER TABLE claim_group_members ADD COLUMN item INTEGER;\n"
    "ALTER TABLE claim_group_members ADD COLUMN path TEXT;\n"
    "ALTER TABLE claim_group_members ADD COLUMN title TEXT;\n"
    "ALTER TABLE claim_group_members ADD COLUMN lang TEXT;\n"
    "ALTER TABLE claim_group_members ADD COLUMN pub_date TEXT;\n"
    "ALTER TABLE claim_group_members ADD COLUMN sentence_idx INTEGER;\n"
    "ALTER TABLE claim_group_members ADD COLUMN sentence TEXT;\n"
    "ALTER TABLE claim_group_members ADD COLUMN claim_idx INTEGER;\n"
    "ALTER TABLE claim_group_members ADD COLUMN predicate TEXT;\n"
    "ALTER TABLE claim_group_members ADD COLUMN amount TEXT;\n"
    "ALTER TABLE claim_group_members ADD COLUMN currency TEXT;\n"
    "ALTER TABLE claim_group_members ADD COLUMN qualifier TEXT;\n"
    "ALTER TABLE claim_group_members ADD COLUMN event_date TEXT;\n"
    "ALTER TABLE claim_group_members ADD COLUMN event_qualifier TEXT;\n"
    "ALTER TABLE claim_group_members ADD COLUMN duration TEXT;\n"
    "ALTER TABLE claim_group_members ADD COLUMN source_org TEXT;\n"
    "ALTER TABLE claim_group_members ADD COLUMN is_negated INTEGER;\n"
    "ALTER TABLE claim_group_members ADD COLUMN is_hedged INTEGER;\n"
    "ALTER TABLE claim_group_members ADD COLUMN confidence REAL;\n"
    "UPDATE claim_group_members SET (" MEMBER_COPY_COLS ") = (SELECT " MEMBER_COPY_VALS
    " FROM claims c JOIN articles a ON a.id = c.article_id JOIN sentences s ON s.id = c.sentence_id"
    " WHERE c.id = claim_group_members.claim_id);\n",
    /* 5: the conflict and contract-field views read their article and
    ** sentence from the member's copy (a conflict's claim is a member of its
    ** group; every claim is a member of one group after a link), one row
    ** next to its group's others, instead of a claim, an article and a
    ** sentence row on pages of their own: count(*) of v_conflicts on a 1 GB
    ** corpus's database 6.9 -> 0.45 s, same rows. */
    "DROP VIEW IF EXISTS v_conflicts;\n"
    "CREATE VIEW v_conflicts AS\n"
    "SELECT f.group_id, g.predicate, g.family, g.subject_org, g.object_org, f.field, f.value,\n"
    "  f.claim_id, m.path, m.lang, m.pub_date, m.sentence\n"
    "FROM conflicts f\n"
    "JOIN claim_groups g ON g.id = f.group_id\n"
    "JOIN claim_group_members m ON m.group_id = f.group_id AND m.claim_id = f.claim_id;\n"
    "DROP VIEW IF EXISTS v_contract_fields;\n"
    "CREATE VIEW v_contract_fields AS\n"
    "SELECT f.contract_id, f.field, f.value, f.claim_id, m.lang, m.path, m.pub_date, m.sentence\n"
    "FROM contract_fields f JOIN claim_group_members m ON m.claim_id = f.claim_id;\n"
    /* articles per language (stats, a query by language) read this index,
    ** not every article's text: 1.9 -> 0.05 s on the 1 GB database */
    "CREATE INDEX articles_lang ON articles(lang);\n"
    /* each path's last status (stats) from the index alone: ingest_log grows
    ** by a row per file and run */
    "DROP INDEX IF EXISTS ingest_log_path;\n"
    "CREATE INDEX ingest_log_path ON ingest_log(path, status);\n",
    /* 6: the claim vocabulary (extract/rules/predicates.tsv) as a table,
    ** written from the extractor's vocabulary with the gazetteer
    ** (nc_store_put_orgs); linking, the timeline and contract records read
    ** the predicates' properties from it. The predicates of schema 5 had
    ** other names: stored claims, groups and members' copies are renamed,
    ** and everything is relinked (the families come with the vocabulary,
    ** which nc_store_put_orgs writes into claims.family). These old names
    ** are history, not vocabulary: no code reads them. */
    "CREATE TABLE IF NOT EXISTS predicates(\n"
    "  name TEXT PRIMARY KEY,\n"
    "  family TEXT NOT NULL,\n"
    "  quantity TEXT,\n"
    "  content TEXT,\n"
    "  required INTEGER NOT NULL,\n"
    "  directed INTEGER NOT NULL,\n"
    "  bare INTEGER NOT NULL,\n"
    "  record TEXT,\n"
    "  line TEXT NOT NULL) WITHOUT ROWID;\n"
    "CREATE TEMP TABLE nc_renamed(old TEXT PRIMARY KEY, new TEXT NOT NULL);\n"
    "INSERT INTO temp.nc_renamed VALUES('closed', 'closes_sites'), ('paid', 'pays'), ('acquired', 'acquires'),\n"
    "  ('revenue_change', 'result_change'), ('subscribers', 'users'), ('advertisers_lost', 'loses_customers'),\n"
    "  ('ad_spend', 'spends'), ('threatened', 'threatens'), ('may_cut_off', 'cuts_off'),\n"
    "  ('renegotiating', 'negotiates'), ('payments_delayed', 'delays_payment');\n"
    "UPDATE claims SET predicate = (SELECT new FROM temp.nc_renamed WHERE old = predicate)\n"
    "  WHERE predicate IN (SELECT old FROM temp.nc_renamed);\n"
    "UPDATE claim_groups SET predicate = (SELECT new FROM temp.nc_renamed WHERE old = predicate)\n"
    "  WHERE predicate IN (SELECT old FROM temp.nc_renamed);\n"
    "UPDATE claim_group_members SET predicate = (SELECT new FROM temp.nc_renamed WHERE old = predicate)\n"
    "  WHERE predicate IN (SELECT old FROM temp.nc_renamed);\n"
    "DROP TABLE temp.nc_renamed;\n"
    "DELETE FROM store_meta WHERE key = 'predicates';\n"
    "INSERT OR IGNORE INTO link_dirty VALUES('*');\n",
};

void bind_period(sqlite3_stmt *st, int i, const char *iso)
{
    char ps[11], pe[11];
    if (nc_iso_period(iso, ps, pe)) {
        sqlite3_bind_text(st, i, ps, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, i + 1, pe, -1, SQLITE_TRANSIENT);
    } else {
        sqlite3_bind_null(st, i);
        sqlite3_bind_null(st, i + 1);
    }
}

char *column_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t)
        return NULL;
    size_t n = (size_t)sqlite3_column_bytes(st, i);
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, t, n);
        p[n] = 0;
    }
    return p;
}

int store_grow(void *pp, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 1;
    size_t n = *cap ? *cap * 2 : 8;
    if (n < need)
        n = need;
    void *v = realloc(*(void **)pp, n * elem);
    if (!v)
        return 0;
    *(void **)pp = v;
    *cap = n;
    return 1;
}

#define STR_BLOCK 65536

char *str_blocks_alloc(str_blocks *b, size_t n)
{
    if (n > b->left) {
        size_t size = n > STR_BLOCK / 4 ? n : STR_BLOCK;
        if (!store_grow(&b->blocks, &b->cap_blocks, b->n_blocks + 1, sizeof *b->blocks))
            return NULL;
        char *blk = malloc(size);
        if (!blk)
            return NULL;
        b->blocks[b->n_blocks++] = blk;
        if (size != STR_BLOCK)
            return blk;        /* a big string's own block leaves the current one as it is */
        b->next = blk;
        b->left = size;
    }
    char *r = b->next;
    b->next += n;
    b->left -= n;
    return r;
}

char *str_blocks_copy(str_blocks *b, const char *s, size_t n, int *oom)
{
    char *c = str_blocks_alloc(b, n + 1);
    if (!c) {
        *oom = 1;
        return NULL;
    }
    memcpy(c, s, n);
    c[n] = 0;
    return c;
}

void str_blocks_reset(str_blocks *b)
{
    for (size_t i = 0; i < b->n_blocks; i++)
        free(b->blocks[i]);
    b->n_blocks = 0;
    b->next = NULL;
    b->left = 0;
}

void str_blocks_free(str_blocks *b)
{
    str_blocks_reset(b);
    free(b->blocks);
    memset(b, 0, sizeof *b);
}

int nc_store_schema_version(void)
{
    return (int)(sizeof migrations / sizeof migrations[0]);
}

nc_store_opts nc_store_default_opts(void)
{
    nc_store_opts o;
    memset(&o, 0, sizeof o);
    o.busy_timeout_ms = 5000;
    const char *env = getenv("NEWSCLAIMS_BUSY_TIMEOUT_MS");
    if (env && atoi(env) > 0)
        o.busy_timeout_ms = atoi(env);
    return o;
}

/* ------------------------------------------------------- busy waiting */

/* SQLite's busy handler, in place of sqlite3_busy_timeout's: the same
** waits (short ones first, then 100 ms at a time) for at most
** s->busy_timeout_ms, and it remembers when a wait began and how long the
** one that gave up lasted, so that the error can say it. n counts the
** calls of one wait, 0 first. 1: try again; 0: give up (the statement then
** fails with SQLITE_BUSY). */
static int busy_wait(void *ud, int n)
{
    static const int delay_ms[] = { 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 };
    nc_store *s = ud;
    double now = mono_now();
    if (n == 0)
        s->busy_t0 = now;
    double left = s->busy_timeout_ms / 1000.0 - (now - s->busy_t0);
    if (left <= 0) {
        s->busy_waited = now - s->busy_t0;
        return 0;
    }
    double d = delay_ms[n < 12 ? n : 11] / 1000.0;
    if (d > left)
        d = left;
    struct timespec ts = { (time_t)d, (long)((d - (double)(time_t)d) * 1e9) };
    nanosleep(&ts, NULL);
    return 1;
}

/* The end of a busy error's message, in buf: how long this process waited
** for the lock, and that what it did not store a re-run will (files are
** stored whole or not at all, and an unstored file's hash is not stored
** either). */
static const char *busy_note(nc_store *s, char *buf, size_t size)
{
    if (s->busy_waited > 0)
        snprintf(buf, size,
                 " (another process held it for the %.1f s this one waited, its busy timeout,"
                 " NEWSCLAIMS_BUSY_TIMEOUT_MS=%d; run the command again to store what this run did not)",
                 s->busy_waited, s->busy_timeout_ms);
    else
        snprintf(buf, size, " (another process or connection holds the database; run the command again to"
                            " store what this run did not)");
    s->busy_waited = 0;
    return buf;
}

int store_err(nc_store *s, nc_error *err, const char *what)
{
    int ec = sqlite3_errcode(s->db);
    char note[256];
    if (ec == SQLITE_BUSY || ec == SQLITE_LOCKED)
        return nc_error_set(err, NC_E_BUSY, s->path, "%s: %s%s", what, sqlite3_errmsg(s->db),
                            busy_note(s, note, sizeof note));
    return nc_error_set(err, NC_E_DB, s->path, "%s: %s%s", what, sqlite3_errmsg(s->db),
                        ec == SQLITE_READONLY ? " (the database or its folder is read-only)" : "");
}

int store_exec(nc_store *s, const char *sql, nc_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int ec = sqlite3_errcode(s->db);
        int code = (ec == SQLITE_BUSY || ec == SQLITE_LOCKED) ? NC_E_BUSY : NC_E_DB;
        char note[256];
        nc_error_set(err, code, s->path, "%s%s", msg ? msg : sqlite3_errmsg(s->db),
                     code == NC_E_BUSY ? busy_note(s, note, sizeof note) : "");
        sqlite3_free(msg);
        return code;
    }
    return NC_OK;
}

int store_prepare(nc_store *s, const char *sql, sqlite3_stmt **st, nc_error *err)
{
    if (*st)
        return NC_OK;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return store_err(s, err, "prepare");
    return NC_OK;
}

static int pragma_int(nc_store *s, const char *sql, int *out)
{
    sqlite3_stmt *st = NULL;
    *out = 0;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    int ok = sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return ok;
}

/* ------------------------------------------------------------- opening */

/* What decides an open: the schema version, the application id and how
** many objects the file holds, read by one statement, so from one
** snapshot (a schema another process creates meanwhile is seen whole or
** not at all). */
typedef struct schema_state {
    int version, app, n_objects;
} schema_state;

static int read_schema_state(nc_store *s, schema_state *ss, nc_error *err)
{
    memset(ss, 0, sizeof *ss);
    sqlite3_stmt *q = NULL;
    int r = sqlite3_prepare_v2(s->db, "SELECT (SELECT user_version FROM pragma_user_version),"
                                      " (SELECT application_id FROM pragma_application_id),"
                                      " (SELECT count(*) FROM sqlite_master)", -1, &q, NULL);
    if (r == SQLITE_OK && (r = sqlite3_step(q)) == SQLITE_ROW) {
        ss->version = sqlite3_column_int(q, 0);
        ss->app = sqlite3_column_int(q, 1);
        ss->n_objects = sqlite3_column_int(q, 2);
        r = SQLITE_OK;
    }
    int rc = NC_OK;
    if (r != SQLITE_OK)
        rc = sqlite3_errcode(s->db) == SQLITE_NOTADB
                 ? nc_error_set(err, NC_E_SCHEMA, s->path, "not an SQLite database; refusing to touch it")
                 : store_err(s, err, "reading the schema version");
    sqlite3_finalize(q);
    return rc;
}

/* NC_E_SCHEMA for a file no newsclaims may write: one another program
** made, or one whose schema is newer than this program's (named both). */
static int check_schema_state(nc_store *s, const schema_state *ss, nc_error *err)
{
    if (ss->n_objects > 0 && ss->app != NC_APP_ID)
        return nc_error_set(err, NC_E_SCHEMA, s->path,
                            "an SQLite database that newsclaims did not create; refusing to write to it "
                            "(name another --db)");
    if (ss->version > nc_store_schema_version())
        return nc_error_set(err, NC_E_SCHEMA, s->path,
                            "schema version %d is newer than this program's %d (newsclaims %s): upgrade newsclaims;"
                            " this one never writes to it nor downgrades it",
                            ss->version, nc_store_schema_version(), NC_VERSION);
    return NC_OK;
}

/* Make the schema current: one exclusive step (the comment at the top of
** this file says why). First one read refuses what is not ours or is newer,
** without a write; then WAL, which must be set outside a transaction;
** then, under the write lock, the state is read again and the missing
** migrations run, each setting user_version, all in that one transaction,
** so no process or reader ever sees a schema half made. (STYLE has a
** transaction per migration; one for all is what lets the lock cover the
** read.) A reader only checks, in the read transaction it keeps open. */
static int open_schema(nc_store *s, nc_error *err)
{
    int target = nc_store_schema_version();
    schema_state ss;
    int rc;
    if (s->is_readonly) {
        /* one snapshot for the check and every read after it */
        if ((rc = store_exec(s, "BEGIN", err)) != NC_OK || (rc = read_schema_state(s, &ss, err)) != NC_OK ||
            (rc = check_schema_state(s, &ss, err)) != NC_OK)
            return rc;
        if (ss.version < target)
            return nc_error_set(err, NC_E_SCHEMA, s->path,
                                ss.n_objects ? "schema version %d is older than %d: run 'newsclaims ingest' once to upgrade it"
                                             : "not a newsclaims database yet (empty): run 'newsclaims ingest' first",
                                ss.version, target);
        return NC_OK;
    }
    if ((rc = read_schema_state(s, &ss, err)) != NC_OK || (rc = check_schema_state(s, &ss, err)) != NC_OK)
        return rc;
    /* WAL before the schema exists: readers never wait for a writer, not
    ** even the one creating it. Another process switching at the same time
    ** waits for the same lock (busy_wait), then finds WAL set. */
    nc_error e = { 0 };
    if ((rc = store_exec(s, "PRAGMA journal_mode=WAL", &e)) != NC_OK)
        return nc_error_set(err, rc, s->path, "switching to WAL: %s", e.msg);
    if ((rc = store_exec(s, "BEGIN IMMEDIATE", &e)) != NC_OK)
        return nc_error_set(err, rc, s->path, "taking the write lock to check the schema: %s", e.msg);
    if ((rc = read_schema_state(s, &ss, err)) == NC_OK)
        rc = check_schema_state(s, &ss, err);
    for (int v = ss.version; rc == NC_OK && v < target; v++) {
        char set[96];
        snprintf(set, sizeof set, "PRAGMA user_version = %d; PRAGMA application_id = %d;", v + 1, NC_APP_ID);
        if ((rc = store_exec(s, migrations[v], &e)) == NC_OK)
            rc = store_exec(s, set, &e);
        if (rc != NC_OK)
            nc_error_set(err, rc, s->path, "%s the schema (version %d): %s", ss.version ? "upgrading" : "creating",
                         v + 1, e.msg);
    }
    if (rc == NC_OK)
        rc = store_exec(s, "COMMIT", err);
    if (rc != NC_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* SQLite counts every allocation it makes for sqlite3_memory_used() under a
** global mutex; nothing here reads those counts, and without them a load's
** store stage took 9% less time on corpus-bench. Only possible before SQLite
** initialises (the first open); afterwards sqlite3_config refuses, harmlessly. */
static pthread_once_t memstatus_once = PTHREAD_ONCE_INIT;
static void memstatus_off(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

nc_store *nc_store_open(const char *path, const nc_store_opts *opts, nc_error *err)
{
    pthread_once(&memstatus_once, memstatus_off);
    nc_store_opts o = opts ? *opts : nc_store_default_opts();
    nc_store *s = calloc(1, sizeof *s);
    if (!s) {
        nc_error_set(err, NC_E_NOMEM, path, "out of memory");
        return NULL;
    }
    s->path = malloc(strlen(path) + 1);
    if (!s->path) {
        free(s);
        nc_error_set(err, NC_E_NOMEM, path, "out of memory");
        return NULL;
    }
    strcpy(s->path, path);
    s->is_readonly = o.is_readonly;
    if (o.is_readonly) {
        struct stat st;
        if (stat(path, &st) != 0) {
            nc_error_set(err, NC_E_IO, path, "no such database (create it with 'newsclaims ingest DIR --db %s')", path);
            nc_store_close(s);
            return NULL;
        }
    }
    int flags = o.is_readonly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        nc_error_set(err, NC_E_DB, path, "cannot open the database: %s",
                     s->db ? sqlite3_errmsg(s->db) : "out of memory");
        nc_store_close(s);
        return NULL;
    }
    if (!o.is_readonly && sqlite3_db_readonly(s->db, "main") == 1) {
        /* SQLite opens a file it may not write read-only without a word */
        nc_error_set(err, NC_E_DB, path, "the database is read-only to this user; nothing was written");
        nc_store_close(s);
        return NULL;
    }
    s->busy_timeout_ms = o.busy_timeout_ms > 0 ? o.busy_timeout_ms : 5000;
    sqlite3_busy_handler(s->db, busy_wait, s);
    sqlite3_extended_result_codes(s->db, 0);
    /* outside any transaction (inside one it does nothing): before the
    ** reader's snapshot begins */
    int rc = store_exec(s, "PRAGMA foreign_keys=ON;", err);
    if (rc == NC_OK)
        rc = open_schema(s, err);
    if (rc == NC_OK && !o.is_readonly)
        /* a 32 MB page cache (the default 2 MB makes index inserts into a
        ** database of gigabytes read the disk for almost every row) */
        rc = store_exec(s, "PRAGMA synchronous=NORMAL; " STORE_CACHE_PRAGMA, err);
    if (rc != NC_OK) {
        nc_store_close(s);
        return NULL;
    }
    return s;
}

void nc_store_close(nc_store *s)
{
    if (!s)
        return;
    nc_store_flush(s, NULL);
    sqlite3_stmt **all[] = { &s->st_file_get, &s->st_file_del, &s->st_file_ins, &s->st_art_ins,
                             &s->st_sent_ins, &s->st_ment_ins, &s->st_claim_ins, &s->st_log_ins,
                             &s->st_org_ins };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(*all[i]);
    /* a reader's snapshot (open_schema) */
    if (s->db && s->is_readonly && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (s->db)
        sqlite3_close(s->db);
    free(s->preds);
    str_blocks_free(&s->pred_strs);
    free(s->path);
    free(s);
}

/* ------------------------------------------------------ first loads */

/* What a first load into an empty database builds once at its end rather
** than row by row: the indexes that serve queries and the link (not a
** cascade: claims_sentence, claims_mention and mentions_sentence find the
** rows a deleted sentence or mention takes with it, and stay), and the
** trigger that marks each new claim's family and amount for the next link
** (a first load relinks everything: link_dirty holds '*'). On corpus-bench
** with one thread, store time 2.4-2.7 -> 1.4-1.7 s. */
#define DEFERRABLE "('mentions_kind', 'claims_subject', 'claims_object', 'claims_predicate', 'claims_family'," \
                   " 'claims_amount', 'claims_link_ins')"

/* Run the SQL that the query sql writes as its one value (statements
** joined by group_concat), read whole before any of it runs; nothing when
** that value is NULL. what names the query in an error. */
static int exec_generated(nc_store *s, const char *sql, const char *what, nc_error *err)
{
    sqlite3_stmt *q = NULL;
    char *gen = NULL;
    int rc = NC_OK;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW)
        rc = store_err(s, err, what);
    else if (sqlite3_column_text(q, 0) && !(gen = column_dup(q, 0)))
        rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
    sqlite3_finalize(q);
    if (rc == NC_OK && gen)
        rc = store_exec(s, gen, err);
    free(gen);
    return rc;
}

int nc_store_bulk_begin(nc_store *s, int *deferred, nc_error *err)
{
    if (deferred)
        *deferred = 0;
    if (s->is_readonly)
        return NC_OK;
    int rc = store_begin(s, err);
    if (rc != NC_OK)
        return rc;
    int empty = 0, already = 0;
    if (!pragma_int(s, "SELECT NOT EXISTS(SELECT 1 FROM claims) AND NOT EXISTS(SELECT 1 FROM mentions)", &empty) ||
        !pragma_int(s, "SELECT EXISTS(SELECT 1 FROM store_meta WHERE key GLOB 'deferred:*')", &already)) {
        rc = store_err(s, err, "reading whether the database is empty");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    if (!empty || already) {
        if (deferred)
            *deferred = already;
        return store_exec(s, "COMMIT", err);
    }
    /* each one's own CREATE statement is kept, to be run again as it was;
    ** the link after a first load recomputes everything */
    rc = store_exec(s, "INSERT INTO store_meta(key, value) SELECT 'deferred:' || name, sql FROM sqlite_master"
                       " WHERE name IN " DEFERRABLE " AND sql IS NOT NULL;"
                       "INSERT OR IGNORE INTO link_dirty VALUES('*');", err);
    if (rc == NC_OK)
        rc = exec_generated(s, "SELECT group_concat('DROP ' || upper(type) || ' main.\"' || name || '\";', '')"
                               " FROM sqlite_master WHERE name IN " DEFERRABLE,
                            "listing the indexes to build after the load", err);
    if (rc == NC_OK)
        rc = store_exec(s, "COMMIT", err);
    if (rc != NC_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    else if (deferred)
        *deferred = 1;
    return rc;
}

int nc_store_bulk_end(nc_store *s, nc_error *err)
{
    if (s->is_readonly)
        return NC_OK;
    /* a first look without the lock, to take none when nothing is pending;
    ** what is built is decided under it (another process's link may have
    ** built some or all of it meanwhile) */
    int pending = 0;
    if (!pragma_int(s, "SELECT EXISTS(SELECT 1 FROM store_meta WHERE key GLOB 'deferred:*')", &pending))
        return store_err(s, err, "reading what a first load left to build");
    if (!pending)
        return NC_OK;
    int rc = store_begin(s, err);
    if (rc != NC_OK)
        return rc;
    /* each build sorts its table's keys within the page cache's size: the
    ** link's smaller one keeps the peak where the load's was (under the
    ** load's 32 MB: 96 MB peak RSS on the 1 GB corpus; under this, 70). A
    ** statement whose index exists already (built by another process) is
    ** skipped. */
    rc = store_exec(s, LINK_CACHE_PRAGMA, err);
    if (rc == NC_OK)
        rc = exec_generated(s, "SELECT group_concat(value, ';') || ';' FROM store_meta WHERE key GLOB 'deferred:*'"
                               " AND substr(key, 10) NOT IN (SELECT name FROM sqlite_master)",
                            "reading what a first load left to build", err);
    sqlite3_exec(s->db, STORE_CACHE_PRAGMA, NULL, NULL, NULL);
    if (rc == NC_OK)
        rc = store_exec(s, "DELETE FROM store_meta WHERE key GLOB 'deferred:*'; COMMIT;", err);
    if (rc != NC_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* --------------------------------------------------------------- writes */

int nc_store_is_unchanged(nc_store *s, const char *path, const char *hash, int *is_unchanged, nc_error *err)
{
    *is_unchanged = 0;
    int rc = store_prepare(s, "SELECT content_hash FROM files WHERE path = ?1", &s->st_file_get, err);
    if (rc != NC_OK)
        return rc;
    sqlite3_bind_text(s->st_file_get, 1, path, -1, SQLITE_STATIC);
    int r = sqlite3_step(s->st_file_get);
    if (r == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(s->st_file_get, 0);
        *is_unchanged = h && !strcmp(h, hash);
    }
    sqlite3_reset(s->st_file_get);
    sqlite3_clear_bindings(s->st_file_get);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return store_err(s, err, "looking up the file");
    return NC_OK;
}

/* ---------------------------------------------------------- vocabulary */

static int cmp_pred(const void *a, const void *b)
{
    return strcmp(((const store_pred *)a)->name, ((const store_pred *)b)->name);
}

int store_preds_read(nc_store *s, nc_error *err)
{
    if (s->preds_read)
        return NC_OK;
    free(s->preds);
    s->preds = NULL;
    s->n_preds = 0;
    str_blocks_reset(&s->pred_strs);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT name, family, content, record, line, required, directed, bare FROM predicates",
                           -1, &q, NULL) != SQLITE_OK)
        return store_err(s, err, "reading the predicates");
    size_t cap = 0;
    int r, oom = 0;
    while (!oom && (r = sqlite3_step(q)) == SQLITE_ROW) {
        if (!store_grow(&s->preds, &cap, s->n_preds + 1, sizeof *s->preds)) {
            oom = 1;
            break;
        }
        store_pred *p = &s->preds[s->n_preds++];
        const char **f[] = { &p->name, &p->family, &p->content, &p->record, &p->line };
        for (int i = 0; i < 5; i++) {
            const char *t = (const char *)sqlite3_column_text(q, i);
            *f[i] = t ? str_blocks_copy(&s->pred_strs, t, (size_t)sqlite3_column_bytes(q, i), &oom) : NULL;
        }
        if (!p->name || !p->family)
            oom = 1;
        if (!p->line)
            p->line = "";
        p->required = sqlite3_column_int(q, 5);
        p->directed = sqlite3_column_int(q, 6);
        p->bare = sqlite3_column_int(q, 7);
    }
    int rc = NC_OK;
    if (oom)
        rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
    else if (r != SQLITE_DONE)
        rc = store_err(s, err, "reading the predicates");
    sqlite3_finalize(q);
    if (rc != NC_OK) {
        s->n_preds = 0;
        return rc;
    }
    if (s->n_preds > 1)
        qsort(s->preds, s->n_preds, sizeof *s->preds, cmp_pred);
    s->preds_read = 1;
    return NC_OK;
}

const store_pred *store_pred_find(nc_store *s, const char *name, nc_error *err)
{
    if (!name || store_preds_read(s, err) != NC_OK)
        return NULL;
    store_pred key = { 0 };
    key.name = name;
    return s->n_preds ? bsearch(&key, s->preds, s->n_preds, sizeof *s->preds, cmp_pred) : NULL;
}

/* The extractor's vocabulary into the predicates table, in the transaction
** open, when it is not the one stored (its digest in store_meta): rows of
** predicates still named by stored claims stay (a shard's, or one the
** vocabulary dropped) unless the vocabulary redefines them; stored claims
** take their predicate's family; everything is marked for relinking. */
static int put_predicates(nc_store *s, const nc_extractor *x, nc_error *err)
{
    const nc_predicate *v;
    size_t n = nc_extractor_predicates(x, &v);
    char *flat = NULL;
    size_t flen = 0;
    FILE *mf = open_memstream(&flat, &flen);
    if (!mf)
        return nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
    /* the quantity column: the content kind first, then the others */
    char (*quantity)[96] = calloc(n ? n : 1, sizeof *quantity);
    for (size_t i = 0; quantity && i < n; i++) {
        size_t l = 0;
        if (v[i].content < NC_MENTION_KIND_COUNT)
            l += (size_t)snprintf(quantity[i] + l, sizeof quantity[i] - l, "%s", nc_mention_kind_name(v[i].content));
        for (int k = 0; k < NC_MENTION_KIND_COUNT && l < sizeof quantity[i]; k++)
            if ((v[i].kinds & (1u << k)) && k != (int)v[i].content)
                l += (size_t)snprintf(quantity[i] + l, sizeof quantity[i] - l, "%s%s", l ? "," : "",
                                      nc_mention_kind_name((nc_mention_kind)k));
        fprintf(mf, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", v[i].name, v[i].family, quantity[i], v[i].required,
                v[i].directed, v[i].bare, v[i].record ? v[i].record : "", v[i].line);
    }
    fclose(mf);
    if (!quantity) {
        free(flat);
        return nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
    }
    char digest[65];
    nc_sha256_hex(flat, flen, digest);
    free(flat);
    sqlite3_stmt *q = NULL;
    int same = 0, rc = NC_OK;
    if (sqlite3_prepare_v2(s->db, "SELECT value = ?1 FROM store_meta WHERE key = 'predicates'", -1, &q, NULL) != SQLITE_OK)
        rc = store_err(s, err, "reading the stored vocabulary");
    else {
        sqlite3_bind_text(q, 1, digest, -1, SQLITE_STATIC);
        same = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0);
    }
    sqlite3_finalize(q);
    q = NULL;
    if (rc != NC_OK || same) {
        free(quantity);
        return rc;
    }
    rc = store_exec(s, "DELETE FROM predicates WHERE name NOT IN (SELECT predicate FROM claims)", err);
    if (rc == NC_OK &&
        sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO predicates(name, family, quantity, content, required, directed,"
                                  " bare, record, line) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", -1, &q, NULL) != SQLITE_OK)
        rc = store_err(s, err, "storing the predicates");
    for (size_t i = 0; rc == NC_OK && i < n; i++) {
        sqlite3_bind_text(q, 1, v[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, v[i].family, -1, SQLITE_STATIC);
        bind_opt(q, 3, quantity[i]);
        if (v[i].content < NC_MENTION_KIND_COUNT)
            sqlite3_bind_text(q, 4, nc_mention_kind_name(v[i].content), -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(q, 4);
        sqlite3_bind_int(q, 5, v[i].required);
        sqlite3_bind_int(q, 6, v[i].directed);
        sqlite3_bind_int(q, 7, v[i].bare);
        bind_opt(q, 8, v[i].record);
        sqlite3_bind_text(q, 9, v[i].line, -1, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_DONE)
            rc = store_err(s, err, "storing the predicates");
        sqlite3_reset(q);
        sqlite3_clear_bindings(q);
    }
    sqlite3_finalize(q);
    free(quantity);
    q = NULL;
    if (rc == NC_OK && sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO store_meta(key, value) VALUES('predicates', ?1)",
                                          -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, digest, -1, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_DONE)
            rc = store_err(s, err, "storing the predicates");
    }
    sqlite3_finalize(q);
    /* claims take their predicate's family; a new vocabulary may regroup anything */
    if (rc == NC_OK)
        rc = store_exec(s, "UPDATE claims SET family = (SELECT p.family FROM predicates p WHERE p.name = claims.predicate)"
                           " WHERE family IS NOT (SELECT p.family FROM predicates p WHERE p.name = claims.predicate)"
                           " AND predicate IN (SELECT name FROM predicates);"
                           "INSERT OR IGNORE INTO link_dirty VALUES('*');", err);
    s->preds_read = 0;
    return rc;
}

int nc_store_put_orgs(nc_store *s, const nc_extractor *x, nc_error *err)
{
    const nc_org *orgs;
    size_t n = nc_extractor_orgs(x, &orgs);
    /* a digest of the gazetteer: when it is the one stored, nothing to do
    ** (replacing it would mark every claim group for relinking) */
    char *flat = NULL;
    size_t flen = 0;
    FILE *mf = open_memstream(&flat, &flen);
    if (!mf)
        return nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
    for (size_t i = 0; i < n; i++) {
        fprintf(mf, "%s\t%s\t%s\t%s\n", orgs[i].id, orgs[i].name, orgs[i].kind, orgs[i].parent ? orgs[i].parent : "");
        for (size_t k = 0; k < orgs[i].n_aliases; k++)
            fprintf(mf, "\t%s\t%s\n", orgs[i].aliases[k].lang, orgs[i].aliases[k].alias);
    }
    fclose(mf);
    char digest[65];
    nc_sha256_hex(flat, flen, digest);
    free(flat);
    int rc = store_begin(s, err);
    if (rc != NC_OK)
        return rc;
    sqlite3_stmt *io = NULL, *ia = NULL, *q = NULL;
    int same = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT value = ?1 FROM store_meta WHERE key = 'gazetteer'", -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, digest, -1, SQLITE_STATIC);
        same = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0);
    }
    sqlite3_finalize(q);
    /* the claim vocabulary beside it, on its own digest */
    rc = put_predicates(s, x, err);
    if (rc != NC_OK) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->preds_read = 0;
        return rc;
    }
    if (same)
        return store_exec(s, "COMMIT", err);
    /* the gazetteer is replaced; organisations found in articles stay */
    rc = store_exec(s, "DELETE FROM org_aliases; DELETE FROM orgs WHERE source = 'gazetteer';", err);
    if (rc == NC_OK)
        rc = store_prepare(s, "INSERT OR REPLACE INTO orgs(id, name, kind, parent_id, source) VALUES(?1, ?2, ?3, ?4, 'gazetteer')", &io, err);
    if (rc == NC_OK)
        rc = store_prepare(s, "INSERT OR IGNORE INTO org_aliases(org_id, lang, alias) VALUES(?1, ?2, ?3)", &ia, err);
    for (size_t i = 0; rc == NC_OK && i < n; i++) {
        sqlite3_bind_text(io, 1, orgs[i].id, -1, SQLITE_STATIC);
        sqlite3_bind_text(io, 2, orgs[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_text(io, 3, orgs[i].kind, -1, SQLITE_STATIC);
        if (orgs[i].parent)
            sqlite3_bind_text(io, 4, orgs[i].parent, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(io, 4);
        if (sqlite3_step(io) != SQLITE_DONE)
            rc = store_err(s, err, "storing the gazetteer");
        sqlite3_reset(io);
        for (size_t k = 0; rc == NC_OK && k < orgs[i].n_aliases; k++) {
            sqlite3_bind_text(ia, 1, orgs[i].id, -1, SQLITE_STATIC);
            sqlite3_bind_text(ia, 2, orgs[i].aliases[k].lang, -1, SQLITE_STATIC);
            sqlite3_bind_text(ia, 3, orgs[i].aliases[k].alias, -1, SQLITE_STATIC);
            if (sqlite3_step(ia) != SQLITE_DONE)
                rc = store_err(s, err, "storing the gazetteer");
            sqlite3_reset(ia);
        }
    }
    sqlite3_finalize(io);
    sqlite3_finalize(ia);
    if (rc == NC_OK && sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO store_meta(key, value) VALUES('gazetteer', ?1)",
                                          -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, digest, -1, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_DONE)
            rc = store_err(s, err, "storing the gazetteer");
        sqlite3_finalize(q);
    }
    /* a new gazetteer may regroup anything */
    if (rc == NC_OK)
        rc = store_exec(s, "INSERT OR IGNORE INTO link_dirty VALUES('*')", err);
    if (rc == NC_OK)
        rc = store_exec(s, "COMMIT", err);
    if (rc != NC_OK) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->preds_read = 0;
    }
    return rc;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
    if (v && *v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static int step_done(nc_store *s, sqlite3_stmt *st, nc_error *err, const char *what)
{
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return r == SQLITE_DONE ? NC_OK : store_err(s, err, what);
}

static int put_article(nc_store *s, sqlite3_int64 file_id, const nc_article *a, const nc_extraction *ex,
                       nc_error *err)
{
    sqlite3_stmt *st = s->st_art_ins;
    sqlite3_bind_int64(st, 1, file_id);
    sqlite3_bind_int(st, 2, a->item);
    sqlite3_bind_text(st, 3, a->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->text_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->format, -1, SQLITE_STATIC);
    bind_opt(st, 6, a->encoding);
    sqlite3_bind_text(st, 7, a->lang, -1, SQLITE_STATIC);
    bind_opt(st, 8, a->lang_source);
    sqlite3_bind_int(st, 9, a->lang_supported);
    bind_opt(st, 10, a->title);
    bind_opt(st, 11, a->publisher);
    bind_opt(st, 12, a->url);
    bind_opt(st, 13, a->cited_source);
    bind_opt(st, 14, a->pub_date);
    if (a->pub_date[0])
        sqlite3_bind_text(st, 15, nc_precision_name(a->pub_date_precision), -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 15);
    bind_opt(st, 16, a->pub_date_source);
    bind_opt(st, 17, a->pub_date_note);
    sqlite3_bind_text(st, 18, a->text, (int)a->text_len, SQLITE_STATIC);
    int rc = step_done(s, st, err, "storing an article");
    if (rc != NC_OK)
        return rc;
    sqlite3_int64 art_id = sqlite3_last_insert_rowid(s->db);

    sqlite3_int64 *sent_ids = malloc((a->n_sentences ? a->n_sentences : 1) * sizeof *sent_ids);
    sqlite3_int64 *ment_ids = malloc((ex && ex->n_mentions ? ex->n_mentions : 1) * sizeof *ment_ids);
    if (!sent_ids || !ment_ids) {
        free(sent_ids);
        free(ment_ids);
        return nc_error_set(err, NC_E_NOMEM, a->path, "out of memory");
    }
    for (size_t i = 0; rc == NC_OK && i < a->n_sentences; i++) {
        st = s->st_sent_ins;
        const nc_sentence *se = &a->sentences[i];
        sqlite3_bind_int64(st, 1, art_id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)se->start);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)se->end);
        sqlite3_bind_text(st, 5, a->text + se->start, (int)(se->end - se->start), SQLITE_STATIC);
        sqlite3_bind_text(st, 6, se->lang[0] ? se->lang : a->lang, -1, SQLITE_STATIC);
        rc = step_done(s, st, err, "storing a sentence");
        sent_ids[i] = sqlite3_last_insert_rowid(s->db);
    }
    for (size_t i = 0; rc == NC_OK && ex && i < ex->n_mentions; i++) {
        const nc_mention *m = &ex->mentions[i];
        st = s->st_ment_ins;
        sqlite3_bind_int64(st, 1, art_id);
        sqlite3_bind_int64(st, 2, sent_ids[m->sentence]);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)i);
        sqlite3_bind_text(st, 4, nc_mention_kind_name(m->kind), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)m->start);
        sqlite3_bind_int64(st, 6, (sqlite3_int64)m->end);
        sqlite3_bind_text(st, 7, a->text + m->start, (int)(m->end - m->start), SQLITE_STATIC);
        bind_opt(st, 8, m->value);
        if ((m->kind == NC_MENTION_MONEY || m->kind == NC_MENTION_COUNT || m->kind == NC_MENTION_PERCENT) &&
            m->value[0])
            sqlite3_bind_double(st, 9, strtod(m->value, NULL));
        else
            sqlite3_bind_null(st, 9);
        bind_opt(st, 10, m->value_max);
        bind_opt(st, 11, m->unit);
        bind_opt(st, 12, m->qualifier);
        if (m->kind == NC_MENTION_DATE)
            sqlite3_bind_text(st, 13, nc_precision_name(m->precision), -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 13);
        sqlite3_bind_int(st, 14, !!(m->flags & NC_MF_RESOLVED));
        sqlite3_bind_int(st, 15, !!(m->flags & NC_MF_VAGUE));
        sqlite3_bind_int(st, 16, !!(m->flags & NC_MF_RELATIVE));
        sqlite3_bind_text(st, 17, m->rule, -1, SQLITE_STATIC);
        rc = step_done(s, st, err, "storing a mention");
        ment_ids[i] = sqlite3_last_insert_rowid(s->db);
    }
    /* organisations found outside the gazetteer ("~Acme_Inc"), as mentions or as
    ** a claim's subject or object, join the orgs table */
    size_t n_found = ex ? ex->n_mentions + 2 * ex->n_claims : 0;
    for (size_t i = 0; rc == NC_OK && i < n_found; i++) {
        const char *id = i < ex->n_mentions ? ex->mentions[i].value
                         : (i - ex->n_mentions) % 2 ? ex->claims[(i - ex->n_mentions) / 2].object
                                                    : ex->claims[(i - ex->n_mentions) / 2].subject;
        if (i < ex->n_mentions && ex->mentions[i].kind != NC_MENTION_ORG)
            continue;
        if (id[0] != '~')
            continue;
        if ((rc = store_prepare(s, "INSERT OR IGNORE INTO orgs(id, name, kind, parent_id, source)"
                                   " VALUES(?1, replace(substr(?1, 2), '_', ' '), 'company', NULL, 'discovered')",
                                &s->st_org_ins, err)) != NC_OK)
            break;
        sqlite3_bind_text(s->st_org_ins, 1, id, -1, SQLITE_STATIC);
        rc = step_done(s, s->st_org_ins, err, "storing a discovered organisation");
    }
    for (size_t i = 0; rc == NC_OK && ex && i < ex->n_claims; i++) {
        const nc_claim *c = &ex->claims[i];
        nc_error pe = { 0 };
        const store_pred *p = store_pred_find(s, c->predicate, &pe);
        if (!p) {
            if (pe.code) {
                if (err)
                    *err = pe;
                rc = pe.code;
            } else {
                rc = nc_error_set(err, NC_E_DB, a->path, "claim predicate \"%s\" is not in the database's vocabulary"
                                  " (its predicates table, which nc_store_put_orgs writes)", c->predicate);
            }
            break;
        }
        const nc_mention *am = c->amount >= 0 ? &ex->mentions[c->amount] : NULL;
        const nc_mention *dm = c->date >= 0 ? &ex->mentions[c->date] : NULL;
        st = s->st_claim_ins;
        sqlite3_bind_int64(st, 1, art_id);
        sqlite3_bind_int64(st, 2, sent_ids[c->sentence]);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)i);
        sqlite3_bind_text(st, 4, c->predicate, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, p->family, -1, SQLITE_STATIC);
        bind_opt(st, 6, c->subject);
        bind_opt(st, 7, c->object);
        bind_opt(st, 8, am ? am->value : NULL);
        if (am)
            sqlite3_bind_double(st, 9, strtod(am->value, NULL));
        else
            sqlite3_bind_null(st, 9);
        bind_opt(st, 10, am ? am->value_max : NULL);
        bind_opt(st, 11, am ? am->unit : NULL);
        bind_opt(st, 12, am ? am->qualifier : NULL);
        sqlite3_bind_int(st, 13, am && (am->flags & NC_MF_VAGUE));
        if (am)
            sqlite3_bind_int64(st, 14, ment_ids[c->amount]);
        else
            sqlite3_bind_null(st, 14);
        bind_opt(st, 15, nc_claim_duration(ex, c));
        bind_opt(st, 16, c->event_date);
        if (c->event_date[0])
            sqlite3_bind_text(st, 17, nc_precision_name(c->event_precision), -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 17);
        bind_period(st, 18, c->event_date);
        bind_opt(st, 20, c->event_date_source);
        bind_opt(st, 21, dm ? dm->qualifier : NULL);
        bind_opt(st, 22, c->source);
        sqlite3_bind_int(st, 23, c->is_negated);
        sqlite3_bind_int(st, 24, c->is_hedged);
        sqlite3_bind_double(st, 25, c->confidence);
        sqlite3_bind_text(st, 26, c->rule ? c->rule : "", -1, SQLITE_STATIC);
        bind_opt(st, 27, c->object_text);
        rc = step_done(s, st, err, "storing a claim");
    }
    free(sent_ids);
    free(ment_ids);
    return rc;
}

int nc_store_put_file(nc_store *s, const char *path, const char *hash, size_t size,
                      const nc_article *arts, const nc_extraction *ex, size_t n,
                      int *was_replaced, nc_error *err)
{
    if (was_replaced)
        *was_replaced = 0;
    int rc;
    if ((rc = store_prepare(s, "DELETE FROM files WHERE path = ?1", &s->st_file_del, err)) ||
        (rc = store_prepare(s, "INSERT INTO files(path, content_hash, size) VALUES(?1, ?2, ?3)", &s->st_file_ins, err)) ||
        (rc = store_prepare(s,
                            "INSERT INTO articles(file_id, item, path, text_hash, format, encoding, lang, lang_source,"
                            " lang_supported, title, publisher, url, cited_source, pub_date, pub_date_precision,"
                            " pub_date_source, pub_date_note, text)"
                            " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)",
                            &s->st_art_ins, err)) ||
        (rc = store_prepare(s, "INSERT INTO sentences(article_id, idx, start, \"end\", text, lang) VALUES(?1,?2,?3,?4,?5,?6)",
                            &s->st_sent_ins, err)) ||
        (rc = store_prepare(s,
                            "INSERT INTO mentions(article_id, sentence_id, idx, kind, start, \"end\", surface, value,"
                            " value_num, value_max, unit, qualifier, precision, is_resolved, is_vague, is_relative, rule)"
                            " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)",
                            &s->st_ment_ins, err)) ||
        (rc = store_prepare(s,
                            "INSERT INTO claims(article_id, sentence_id, idx, predicate, family, subject_org,"
                            " object_org, amount, amount_num, amount_max, currency, qualifier, is_vague,"
                            " amount_mention_id, duration, event_date, event_precision, event_start, event_end,"
                            " event_date_source, event_qualifier, source_org, is_negated, is_hedged, confidence, rule,"
                            " object_text)"
                            " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27)",
                            &s->st_claim_ins, err)))
        return rc;
    int batching = s->batch_max > 1;
    if (batching) {
        if (!s->batch_open) {
            /* a new batch, or one that joins the ingest log's open transaction */
            if (sqlite3_get_autocommit(s->db) && (rc = store_exec(s, "BEGIN IMMEDIATE", err)) != NC_OK)
                return rc;
            s->batch_t0 = mono_now();
            s->batch_n = 0;
            s->log_open = 0;
            s->batch_open = 1;
        }
        if ((rc = store_exec(s, "SAVEPOINT nc_file", err)) != NC_OK)
            return rc;
    } else if ((rc = store_begin(s, err)) != NC_OK) {
        return rc;
    }
    sqlite3_bind_text(s->st_file_del, 1, path, -1, SQLITE_STATIC);
    rc = step_done(s, s->st_file_del, err, "removing the earlier version");
    if (rc == NC_OK && was_replaced)
        *was_replaced = sqlite3_changes(s->db) > 0;
    if (rc == NC_OK) {
        sqlite3_bind_text(s->st_file_ins, 1, path, -1, SQLITE_STATIC);
        sqlite3_bind_text(s->st_file_ins, 2, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s->st_file_ins, 3, (sqlite3_int64)size);
        rc = step_done(s, s->st_file_ins, err, "storing the file");
    }
    sqlite3_int64 file_id = sqlite3_last_insert_rowid(s->db);
    for (size_t i = 0; rc == NC_OK && i < n; i++)
        rc = put_article(s, file_id, &arts[i], ex ? &ex[i] : NULL, err);
    if (batching) {
        if (rc == NC_OK)
            rc = store_exec(s, "RELEASE nc_file", err);
        if (rc != NC_OK) {
            /* this file alone goes; the batch's other files stay */
            sqlite3_exec(s->db, "ROLLBACK TO nc_file; RELEASE nc_file", NULL, NULL, NULL);
            return rc;
        }
        s->batch_n++;
        if (s->batch_n >= s->batch_max || mono_now() - s->batch_t0 >= s->batch_secs)
            rc = nc_store_flush(s, err);
        return rc;
    }
    if (rc == NC_OK)
        rc = store_exec(s, "COMMIT", err);
    if (rc != NC_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

void nc_store_set_batch(nc_store *s, size_t max_files, double max_seconds)
{
    s->batch_max = max_files;
    s->batch_secs = max_seconds > 0 ? max_seconds : 0.25;
    if (max_files > 1 && !s->temp_memory && !s->is_readonly) {
        /* Each file's savepoint journals the pages it touches; past 64 KiB
        ** SQLite spills such journals to a temporary file, and an ingest of
        ** corpus-bench/en wrote 964 MB for a 26 MB database. In memory they
        ** stay one file's pages. (The link sorts all claims: it goes back to
        ** temporary files first, in store_begin.) */
        log_commit(s);
        if (sqlite3_get_autocommit(s->db) &&
            sqlite3_exec(s->db, "PRAGMA temp_store=MEMORY", NULL, NULL, NULL) == SQLITE_OK)
            s->temp_memory = 1;
    }
}

int nc_store_flush(nc_store *s, nc_error *err)
{
    if (!s->batch_open) {
        log_commit(s);
        return NC_OK;
    }
    s->batch_open = 0;
    s->log_open = 0;
    size_t n = s->batch_n;
    s->batch_n = 0;
    if (sqlite3_get_autocommit(s->db))
        return NC_OK;
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        char what[96];
        snprintf(what, sizeof what, "committing a batch of %zu files (those files are not stored)", n);
        int rc = store_err(s, err, what);
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return NC_OK;
}

int nc_store_paths_under(nc_store *s, const char *prefix, char ***paths, size_t *n, nc_error *err)
{
    *paths = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    /* substr, not LIKE: paths may hold % and _ */
    if (sqlite3_prepare_v2(s->db, "SELECT path FROM files WHERE substr(path, 1, length(?1)) = ?1 ORDER BY path",
                           -1, &st, NULL) != SQLITE_OK)
        return store_err(s, err, "prepare");
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    size_t cap = 0;
    int r, rc = NC_OK;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            char **v = realloc(*paths, cap * sizeof *v);
            if (!v) {
                rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
                break;
            }
            *paths = v;
        }
        const char *p = (const char *)sqlite3_column_text(st, 0);
        char *c = malloc(strlen(p) + 1);
        if (!c) {
            rc = nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
            break;
        }
        strcpy(c, p);
        (*paths)[(*n)++] = c;
    }
    if (rc == NC_OK && r != SQLITE_DONE)
        rc = store_err(s, err, "listing stored files");
    sqlite3_finalize(st);
    return rc;
}

int nc_store_remove_file(nc_store *s, const char *path, nc_error *err)
{
    int rc = store_prepare(s, "DELETE FROM files WHERE path = ?1", &s->st_file_del, err);
    if (rc != NC_OK || (rc = store_begin(s, err)) != NC_OK)
        return rc;
    sqlite3_bind_text(s->st_file_del, 1, path, -1, SQLITE_STATIC);
    rc = step_done(s, s->st_file_del, err, "removing a file");
    if (rc == NC_OK)
        rc = store_exec(s, "COMMIT", err);
    if (rc != NC_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int store_begin(nc_store *s, nc_error *err)
{
    if (s->batch_open) {
        int rc = nc_store_flush(s, err);
        if (rc != NC_OK)
            return rc;
    }
    if (s->temp_memory) {
        /* the group commits are over: big sorts (the link) spill to files again */
        log_commit(s);
        if (sqlite3_exec(s->db, "PRAGMA temp_store=DEFAULT", NULL, NULL, NULL) == SQLITE_OK)
            s->temp_memory = 0;
    }
    if (s->log_open) {
        s->log_open = 0;
        return NC_OK;
    }
    return store_exec(s, "BEGIN IMMEDIATE", err);
}

/* Commit what nc_store_log left open. */
static void log_commit(nc_store *s)
{
    if (s->log_open) {
        s->log_open = 0;
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    }
}

int nc_store_log(nc_store *s, const char *path, const char *status, const char *reason, nc_error *err)
{
    if (s->is_readonly)
        return NC_OK;
    int rc = store_prepare(s, "INSERT INTO ingest_log(at, path, status, reason) VALUES(?1, ?2, ?3, ?4)",
                           &s->st_log_ins, err);
    if (rc != NC_OK)
        return rc;
    /* log rows ride on the next write's transaction (one commit per file, not
    ** two; a run of unchanged files costs one); a crash loses at most them */
    if (s->log_open && ++s->log_rows > 200)
        log_commit(s);            /* do not hold the write lock through a long run */
    if (s->batch_open && mono_now() - s->batch_t0 >= s->batch_secs &&
        (rc = nc_store_flush(s, err)) != NC_OK)
        return rc;                /* nor a batch through a run of unchanged files */
    if (sqlite3_get_autocommit(s->db)) {
        if ((rc = store_exec(s, "BEGIN IMMEDIATE", err)) != NC_OK)
            return rc;
        s->log_open = 1;
        s->log_rows = 0;
    }
    char at[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    sqlite3_bind_text(s->st_log_ins, 1, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->st_log_ins, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->st_log_ins, 3, status, -1, SQLITE_STATIC);
    bind_opt(s->st_log_ins, 4, reason);
    return step_done(s, s->st_log_ins, err, "writing the ingest log");
}
