/*
** load.c — storing what `newsclaims extract --stream` wrote (JSON lines,
** read with SQLite's JSON functions), and merging shard databases.
**
** A line becomes the nc_article and nc_extraction it was written from and
** goes through nc_store_put_file, so a loaded file gives exactly the rows
** an ingest of it gives. Consecutive lines with the same path (the items of
** a feed) are one file. A merge copies every file of each shard, in path
** order over all shards, with their rows, then relinks everything: the same
** database as one ingest over all the files.
*/
#include "store_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_col(sqlite3_stmt *st, int i, char *out, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, size, "%s", t ? (const char *)t : "");
}

static nc_date_precision precision_of(const char *name)
{
    for (int p = 0; p <= NC_PREC_DAY; p++)
        if (name && !strcmp(name, nc_precision_name((nc_date_precision)p)))
            return (nc_date_precision)p;
    return NC_PREC_NONE;
}

static nc_mention_kind kind_of(const char *name)
{
    for (int k = 0; k < NC_MENTION_KIND_COUNT; k++)
        if (name && !strcmp(name, nc_mention_kind_name((nc_mention_kind)k)))
            return (nc_mention_kind)k;
    return NC_MENTION_KIND_COUNT;
}

/* Strings the extraction structs borrow (rule ids): kept for the file. */
typedef struct arena {
    char **v;
    size_t n, cap;
} arena;

static const char *arena_keep(arena *a, char *s)
{
    if (!s)
        return NULL;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        char **v = realloc(a->v, cap * sizeof *v);
        if (!v) {
            free(s);
            return NULL;
        }
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = s;
    return s;
}

static void arena_free(arena *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    memset(a, 0, sizeof *a);
}

typedef struct loader {
    nc_store *s;
    sqlite3_stmt *top, *sents, *ments, *claims;
    /* the file being gathered */
    char path[1024], hash[65];
    size_t size;
    nc_article *arts;
    nc_extraction *ex;
    size_t n, cap;
    arena strings;
    nc_load_report rep;
    nc_load_fn report;
    void *ud;
} loader;

static void gather_free(loader *l)
{
    for (size_t i = 0; i < l->n; i++)
        nc_extraction_free(&l->ex[i]);
    nc_articles_free(l->arts, l->n);
    free(l->ex);
    l->arts = NULL;
    l->ex = NULL;
    l->n = l->cap = 0;
    l->path[0] = 0;
    arena_free(&l->strings);
}

static void say(loader *l, const char *where, const char *msg)
{
    if (l->report)
        l->report(l->ud, where, msg);
}

/* Store the gathered file (unless it is stored already with these bytes). */
static int flush(loader *l, nc_error *err)
{
    if (!l->n)
        return NC_OK;
    int unchanged = 0, replaced = 0;
    int rc = nc_store_is_unchanged(l->s, l->path, l->hash, &unchanged, err);
    if (rc == NC_OK && unchanged) {
        l->rep.unchanged++;
    } else if (rc == NC_OK) {
        rc = nc_store_put_file(l->s, l->path, l->hash, l->size, l->arts, l->ex, l->n, &replaced, err);
        if (rc == NC_OK) {
            replaced ? l->rep.replaced++ : l->rep.stored++;
            l->rep.articles += l->n;
        }
    }
    if (rc != NC_OK && rc != NC_E_BUSY && rc != NC_E_SCHEMA) {
        l->rep.failed++;
        say(l, l->path, err->msg);
        rc = NC_OK;              /* one file failed; the rest goes on */
    }
    gather_free(l);
    return rc;
}

/* One line into l (flushing the previous file when the path changes). */
static int load_line(loader *l, const char *line, size_t len, const char *where, nc_error *err)
{
    sqlite3_stmt *t = l->top;
    sqlite3_reset(t);
    sqlite3_bind_text(t, 1, line, (int)len, SQLITE_STATIC);
    nc_article a;
    memset(&a, 0, sizeof a);
    char file_hash[65] = "";
    size_t file_size = 0;
    int seen_type = 0, r;
    const char *bad = NULL;
    while ((r = sqlite3_step(t)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(t, 0);
        if (!k)
            continue;
        if (!strcmp(k, "type")) {
            const unsigned char *v = sqlite3_column_text(t, 1);
            seen_type = v && !strcmp((const char *)v, "article");
        } else if (!strcmp(k, "path")) {
            a.path = column_dup(t, 1);
        } else if (!strcmp(k, "item")) {
            a.item = sqlite3_column_int(t, 1);
        } else if (!strcmp(k, "file_hash")) {
            copy_col(t, 1, file_hash, sizeof file_hash);
        } else if (!strcmp(k, "file_size")) {
            file_size = (size_t)sqlite3_column_int64(t, 1);
        } else if (!strcmp(k, "text_hash")) {
            copy_col(t, 1, a.text_hash, sizeof a.text_hash);
        } else if (!strcmp(k, "format")) {
            copy_col(t, 1, a.format, sizeof a.format);
        } else if (!strcmp(k, "encoding")) {
            copy_col(t, 1, a.encoding, sizeof a.encoding);
        } else if (!strcmp(k, "lang")) {
            copy_col(t, 1, a.lang, sizeof a.lang);
        } else if (!strcmp(k, "lang_source")) {
            copy_col(t, 1, a.lang_source, sizeof a.lang_source);
        } else if (!strcmp(k, "lang_supported")) {
            a.lang_supported = sqlite3_column_int(t, 1);
        } else if (!strcmp(k, "lang_score")) {
            a.lang_score = sqlite3_column_double(t, 1);
        } else if (!strcmp(k, "title")) {
            a.title = column_dup(t, 1);
        } else if (!strcmp(k, "publisher")) {
            a.publisher = column_dup(t, 1);
        } else if (!strcmp(k, "url")) {
            a.url = column_dup(t, 1);
        } else if (!strcmp(k, "cited_source")) {
            a.cited_source = column_dup(t, 1);
        } else if (!strcmp(k, "pub_date")) {
            copy_col(t, 1, a.pub_date, sizeof a.pub_date);
        } else if (!strcmp(k, "pub_date_precision")) {
            a.pub_date_precision = precision_of((const char *)sqlite3_column_text(t, 1));
        } else if (!strcmp(k, "pub_date_source")) {
            copy_col(t, 1, a.pub_date_source, sizeof a.pub_date_source);
        } else if (!strcmp(k, "pub_date_note")) {
            a.pub_date_note = column_dup(t, 1);
        } else if (!strcmp(k, "text")) {
            a.text = column_dup(t, 1);
            a.text_len = a.text ? (size_t)sqlite3_column_bytes(t, 1) : 0;
        }
    }
    if (r != SQLITE_DONE)
        bad = "not a JSON object";
    else if (!seen_type)
        bad = "not an article line of newsclaims extract --stream (\"type\":\"article\")";
    else if (!a.path || !a.text || !file_hash[0] || !a.lang[0])
        bad = "an article line without path, text, file_hash or lang";
    sqlite3_reset(t);
    nc_extraction ex;
    memset(&ex, 0, sizeof ex);
    arena keep = { 0 };
    /* sentences */
    if (!bad) {
        sqlite3_stmt *q = l->sents;
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, line, (int)len, SQLITE_STATIC);
        size_t cap = 0;
        while (!bad && sqlite3_step(q) == SQLITE_ROW) {
            if (!store_grow(&a.sentences, &cap, a.n_sentences + 1, sizeof *a.sentences)) {
                bad = "out of memory";
                break;
            }
            nc_sentence *se = &a.sentences[a.n_sentences++];
            memset(se, 0, sizeof *se);
            se->start = (size_t)sqlite3_column_int64(q, 0);
            se->end = (size_t)sqlite3_column_int64(q, 1);
            copy_col(q, 2, se->lang, sizeof se->lang);
            if (se->start > se->end || se->end > a.text_len)
                bad = "a sentence outside the text";
        }
        sqlite3_reset(q);
    }
    /* mentions */
    if (!bad) {
        sqlite3_stmt *q = l->ments;
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, line, (int)len, SQLITE_STATIC);
        size_t cap = 0;
        while (!bad && sqlite3_step(q) == SQLITE_ROW) {
            if (!store_grow(&ex.mentions, &cap, ex.n_mentions + 1, sizeof *ex.mentions)) {
                bad = "out of memory";
                break;
            }
            nc_mention *m = &ex.mentions[ex.n_mentions++];
            memset(m, 0, sizeof *m);
            m->kind = kind_of((const char *)sqlite3_column_text(q, 0));
            m->start = (size_t)sqlite3_column_int64(q, 1);
            m->end = (size_t)sqlite3_column_int64(q, 2);
            m->core_start = (size_t)sqlite3_column_int64(q, 3);
            m->sentence = (size_t)sqlite3_column_int64(q, 4);
            copy_col(q, 5, m->value, sizeof m->value);
            copy_col(q, 6, m->value_max, sizeof m->value_max);
            copy_col(q, 7, m->unit, sizeof m->unit);
            copy_col(q, 8, m->qualifier, sizeof m->qualifier);
            m->precision = precision_of((const char *)sqlite3_column_text(q, 9));
            m->flags = (unsigned)sqlite3_column_int(q, 10);
            m->rule = arena_keep(&keep, column_dup(q, 11));
            if (m->kind == NC_MENTION_KIND_COUNT || m->start > m->end || m->end > a.text_len ||
                m->sentence >= a.n_sentences || !m->rule)
                bad = "a mention that does not fit its article";
        }
        sqlite3_reset(q);
    }
    /* claims */
    if (!bad) {
        sqlite3_stmt *q = l->claims;
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, line, (int)len, SQLITE_STATIC);
        size_t cap = 0;
        while (!bad && sqlite3_step(q) == SQLITE_ROW) {
            if (!store_grow(&ex.claims, &cap, ex.n_claims + 1, sizeof *ex.claims)) {
                bad = "out of memory";
                break;
            }
            nc_claim *c = &ex.claims[ex.n_claims++];
            memset(c, 0, sizeof *c);
            c->sentence = (size_t)sqlite3_column_int64(q, 0);
            copy_col(q, 1, c->predicate, sizeof c->predicate);
            copy_col(q, 2, c->subject, sizeof c->subject);
            copy_col(q, 3, c->object, sizeof c->object);
            c->amount = sqlite3_column_int(q, 4);
            c->duration = sqlite3_column_int(q, 5);
            c->date = sqlite3_column_int(q, 6);
            copy_col(q, 7, c->event_date, sizeof c->event_date);
            c->event_precision = precision_of((const char *)sqlite3_column_text(q, 8));
            copy_col(q, 9, c->event_date_source, sizeof c->event_date_source);
            copy_col(q, 10, c->source, sizeof c->source);
            c->is_negated = sqlite3_column_int(q, 11);
            c->is_hedged = sqlite3_column_int(q, 12);
            c->confidence = sqlite3_column_double(q, 13);
            copy_col(q, 14, c->object_text, sizeof c->object_text);
            c->rule = arena_keep(&keep, column_dup(q, 15));
            long nm = (long)ex.n_mentions;
            if (c->sentence >= a.n_sentences || c->amount >= nm || c->duration >= nm || c->date >= nm ||
                !store_pred_find(l->s, c->predicate, NULL) || !c->rule)
                bad = "a claim that does not fit its article";
        }
        sqlite3_reset(q);
    }
    if (bad) {
        l->rep.failed++;
        say(l, a.path ? a.path : where, bad);
        nc_extraction_free(&ex);
        nc_article_clear(&a);
        arena_free(&keep);
        return NC_OK;
    }
    /* a new path ends the file gathered so far */
    int rc = NC_OK;
    if (l->n && strcmp(l->path, a.path))
        rc = flush(l, err);
    if (rc == NC_OK && l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        nc_article *va = realloc(l->arts, cap * sizeof *va);
        if (va)
            l->arts = va;
        nc_extraction *ve = va ? realloc(l->ex, cap * sizeof *ve) : NULL;
        if (ve)
            l->ex = ve;
        if (!va || !ve)
            rc = nc_error_set(err, NC_E_NOMEM, where, "out of memory");
        else
            l->cap = cap;
    }
    if (rc != NC_OK) {
        nc_extraction_free(&ex);
        nc_article_clear(&a);
        arena_free(&keep);
        return rc;
    }
    if (!l->n) {
        snprintf(l->path, sizeof l->path, "%s", a.path);
        snprintf(l->hash, sizeof l->hash, "%s", file_hash);
        l->size = file_size;
    }
    l->arts[l->n] = a;
    l->ex[l->n] = ex;
    l->n++;
    for (size_t i = 0; i < keep.n; i++)
        arena_keep(&l->strings, keep.v[i]);
    free(keep.v);
    return NC_OK;
}

int nc_store_load_jsonl(nc_store *s, FILE *in, const char *name, nc_load_report *rep, nc_load_fn report, void *ud,
                        nc_error *err)
{
    loader l;
    memset(&l, 0, sizeof l);
    l.s = s;
    l.report = report;
    l.ud = ud;
    int rc = NC_OK;
    if (sqlite3_prepare_v2(s->db, "SELECT key, value FROM json_each(?1)", -1, &l.top, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]')"
                           " FROM json_each(?1, '$.sentences')", -1, &l.sents, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "SELECT json_extract(value, '$.kind'), json_extract(value, '$.start'),"
                           " json_extract(value, '$.end'), json_extract(value, '$.core_start'),"
                           " json_extract(value, '$.sentence'), json_extract(value, '$.value'),"
                           " json_extract(value, '$.value_max'), json_extract(value, '$.unit'),"
                           " json_extract(value, '$.qualifier'), json_extract(value, '$.precision'),"
                           " json_extract(value, '$.flags'), json_extract(value, '$.rule')"
                           " FROM json_each(?1, '$.mentions')", -1, &l.ments, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "SELECT json_extract(value, '$.sentence'), json_extract(value, '$.predicate'),"
                           " json_extract(value, '$.subject'), json_extract(value, '$.object'),"
                           " json_extract(value, '$.amount'), json_extract(value, '$.duration'),"
                           " json_extract(value, '$.date'), json_extract(value, '$.event_date'),"
                           " json_extract(value, '$.event_precision'), json_extract(value, '$.event_date_source'),"
                           " json_extract(value, '$.source'), json_extract(value, '$.is_negated'),"
                           " json_extract(value, '$.is_hedged'), json_extract(value, '$.confidence'),"
                           " json_extract(value, '$.object_text'), json_extract(value, '$.rule')"
                           " FROM json_each(?1, '$.claims')", -1, &l.claims, NULL) != SQLITE_OK)
        rc = store_err(s, err, "prepare");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    while (rc == NC_OK && (n = getline(&line, &cap, in)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (!n)
            continue;
        char where[1100];
        snprintf(where, sizeof where, "%s:%zu", name, lineno);
        rc = load_line(&l, line, (size_t)n, where, err);
    }
    if (rc == NC_OK && ferror(in))
        rc = nc_error_set(err, NC_E_IO, name, "read error");
    if (rc == NC_OK)
        rc = flush(&l, err);
    gather_free(&l);
    free(line);
    sqlite3_finalize(l.top);
    sqlite3_finalize(l.sents);
    sqlite3_finalize(l.ments);
    sqlite3_finalize(l.claims);
    if (rep) {
        rep->stored += l.rep.stored;
        rep->replaced += l.rep.replaced;
        rep->unchanged += l.rep.unchanged;
        rep->failed += l.rep.failed;
        rep->articles += l.rep.articles;
    }
    return rc;
}

/* ---------------------------------------------------------------- merge */

int nc_store_merge(nc_store *s, const char *const *shards, size_t n_shards, nc_load_report *rep, nc_error *err)
{
    /* check each shard first: a newsclaims database of this schema */
    for (size_t i = 0; i < n_shards; i++) {
        nc_store_opts o = nc_store_default_opts();
        o.is_readonly = 1;
        nc_store *sh = nc_store_open(shards[i], &o, err);
        if (!sh)
            return err ? err->code : NC_E_DB;
        sqlite3_stmt *q = NULL;
        int ver = 0;
        if (sqlite3_prepare_v2(sh->db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
            ver = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
        nc_store_close(sh);
        if (ver != nc_store_schema_version())
            return nc_error_set(err, NC_E_SCHEMA, shards[i],
                                "schema version %d, not %d: open it once with this newsclaims (any command) to upgrade it",
                                ver, nc_store_schema_version());
    }
    /* every shard attached at once (SQLite allows 10 by default; more are merged in rounds by the caller) */
    int rc = NC_OK;
    char sql[1400];
    for (size_t i = 0; i < n_shards && rc == NC_OK; i++) {
        char *q = sqlite3_mprintf("ATTACH DATABASE %Q AS sh%d", shards[i], (int)i);
        rc = q ? store_exec(s, q, err) : nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
        sqlite3_free(q);
    }
    /* the write lock before anything of main is read: the paths it holds
    ** decide what is copied, and another process may be storing some */
    if (rc == NC_OK)
        rc = store_begin(s, err);
    /* all files of all shards, one row per path (the first shard named wins
    ** a path stored in several), in path order: ids as one ingest assigns them */
    if (rc == NC_OK)
        rc = store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS nc_merge_files(path TEXT PRIMARY KEY, shard INTEGER,"
                           " file_id INTEGER) WITHOUT ROWID; DELETE FROM temp.nc_merge_files;", err);
    for (size_t i = 0; i < n_shards && rc == NC_OK; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT OR IGNORE INTO temp.nc_merge_files(path, shard, file_id)"
                 " SELECT path, %zu, id FROM sh%zu.files WHERE path NOT IN (SELECT path FROM main.files)",
                 i, i);
        rc = store_exec(s, sql, err);
    }
    /* the same path with other bytes elsewhere: kept from the first, said */
    if (rc == NC_OK && rep) {
        char *u = sqlite3_mprintf("SELECT path, content_hash FROM main.files");
        for (size_t i = 0; u && i < n_shards; i++) {
            char *p = sqlite3_mprintf("%s UNION ALL SELECT path, content_hash FROM sh%d.files", u, (int)i);
            sqlite3_free(u);
            u = p;
        }
        char *q = u ? sqlite3_mprintf("SELECT count(*), min(path) FROM (SELECT path FROM (%s) GROUP BY path"
                                      " HAVING count(DISTINCT content_hash) > 1)", u) : NULL;
        sqlite3_stmt *st = NULL;
        if (q && sqlite3_prepare_v2(s->db, q, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
            rep->differing += (size_t)sqlite3_column_int64(st, 0);
            if (sqlite3_column_text(st, 1) && !rep->differing_example[0])
                snprintf(rep->differing_example, sizeof rep->differing_example, "%s",
                         (const char *)sqlite3_column_text(st, 1));
        }
        sqlite3_finalize(st);
        sqlite3_free(q);
        sqlite3_free(u);
    }
    size_t before = 0;
    if (rc == NC_OK) {
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM temp.nc_merge_files", -1, &q, NULL) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            before = (size_t)sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    if (rc == NC_OK) {
        /* files */
        char *u = NULL;
        for (size_t i = 0; i < n_shards; i++) {
            char *p = sqlite3_mprintf("%s%sSELECT f.path AS path, f.content_hash AS h, f.size AS sz FROM sh%d.files f"
                                      " JOIN temp.nc_merge_files m ON m.path = f.path AND m.shard = %d",
                                      u ? u : "", u ? " UNION ALL " : "", (int)i, (int)i);
            sqlite3_free(u);
            u = p;
        }
        char *q = sqlite3_mprintf("INSERT INTO main.files(path, content_hash, size) SELECT path, h, sz FROM (%s)"
                                  " ORDER BY path", u ? u : "SELECT NULL AS path, NULL AS h, NULL AS sz WHERE 0");
        rc = q ? store_exec(s, q, err) : NC_E_NOMEM;
        sqlite3_free(q);
        sqlite3_free(u);
    }
    /* articles, sentences, mentions, claims, discovered organisations */
    for (int step = 0; step < 5 && rc == NC_OK; step++) {
        char *u = NULL;
        for (size_t i = 0; i < n_shards; i++) {
            const char *one = NULL;
            switch (step) {
            case 0:
                one = "SELECT nf.id AS file_id, a.item, a.path, a.text_hash, a.format, a.encoding, a.lang, a.lang_source,"
                      " a.lang_supported, a.title, a.publisher, a.url, a.cited_source, a.pub_date, a.pub_date_precision,"
                      " a.pub_date_source, a.pub_date_note, a.text, f.path AS k1, a.item AS k2, 0 AS k3"
                      " FROM sh%1$zu.articles a JOIN sh%1$zu.files f ON f.id = a.file_id"
                      " JOIN temp.nc_merge_files m ON m.path = f.path AND m.shard = %1$zu"
                      " JOIN main.files nf ON nf.path = f.path";
                break;
            case 1:
                one = "SELECT na.id AS article_id, s.idx, s.start, s.\"end\", s.text, s.lang,"
                      " f.path AS k1, a.item AS k2, s.idx AS k3"
                      " FROM sh%1$zu.sentences s JOIN sh%1$zu.articles a ON a.id = s.article_id"
                      " JOIN sh%1$zu.files f ON f.id = a.file_id"
                      " JOIN temp.nc_merge_files m ON m.path = f.path AND m.shard = %1$zu"
                      " JOIN main.files nf ON nf.path = f.path JOIN main.articles na ON na.file_id = nf.id AND na.item = a.item";
                break;
            case 2:
                one = "SELECT na.id AS article_id, ns.id AS sentence_id, x.idx, x.kind, x.start, x.\"end\", x.surface,"
                      " x.value, x.value_num, x.value_max, x.unit, x.qualifier, x.precision, x.is_resolved, x.is_vague,"
                      " x.is_relative, x.rule, f.path AS k1, a.item AS k2, x.idx AS k3"
                      " FROM sh%1$zu.mentions x JOIN sh%1$zu.articles a ON a.id = x.article_id"
                      " JOIN sh%1$zu.sentences s ON s.id = x.sentence_id JOIN sh%1$zu.files f ON f.id = a.file_id"
                      " JOIN temp.nc_merge_files m ON m.path = f.path AND m.shard = %1$zu"
                      " JOIN main.files nf ON nf.path = f.path JOIN main.articles na ON na.file_id = nf.id AND na.item = a.item"
                      " JOIN main.sentences ns ON ns.article_id = na.id AND ns.idx = s.idx";
                break;
            case 3:
                one = "SELECT id, name, kind, parent_id, source, id AS k1, 0 AS k2, 0 AS k3 FROM sh%1$zu.orgs"
                      " WHERE source = 'discovered'";
                break;
            case 4:
                one = "SELECT na.id AS article_id, ns.id AS sentence_id, c.idx, c.predicate, c.family, c.subject_org,"
                      " c.object_org, c.amount, c.amount_num, c.amount_max, c.currency, c.qualifier, c.is_vague,"
                      " nm.id AS amount_mention_id, c.duration, c.event_date, c.event_precision, c.event_start,"
                      " c.event_end, c.event_date_source, c.event_qualifier, c.source_org, c.is_negated, c.is_hedged,"
                      " c.confidence, c.rule, c.object_text, f.path AS k1, a.item AS k2, c.idx AS k3"
                      " FROM sh%1$zu.claims c JOIN sh%1$zu.articles a ON a.id = c.article_id"
                      " JOIN sh%1$zu.sentences s ON s.id = c.sentence_id JOIN sh%1$zu.files f ON f.id = a.file_id"
                      " JOIN temp.nc_merge_files m ON m.path = f.path AND m.shard = %1$zu"
                      " JOIN main.files nf ON nf.path = f.path JOIN main.articles na ON na.file_id = nf.id AND na.item = a.item"
                      " JOIN main.sentences ns ON ns.article_id = na.id AND ns.idx = s.idx"
                      " LEFT JOIN sh%1$zu.mentions am ON am.id = c.amount_mention_id"
                      " LEFT JOIN main.mentions nm ON nm.article_id = na.id AND nm.idx = am.idx";
                break;
            }
            char one_sql[2400];
            snprintf(one_sql, sizeof one_sql, one, i);
            char *p = sqlite3_mprintf("%s%s%s", u ? u : "", u ? " UNION ALL " : "", one_sql);
            sqlite3_free(u);
            u = p;
        }
        static const char *const heads[] = {
            "INSERT INTO main.articles(file_id, item, path, text_hash, format, encoding, lang, lang_source,"
            " lang_supported, title, publisher, url, cited_source, pub_date, pub_date_precision, pub_date_source,"
            " pub_date_note, text) SELECT file_id, item, path, text_hash, format, encoding, lang, lang_source,"
            " lang_supported, title, publisher, url, cited_source, pub_date, pub_date_precision, pub_date_source,"
            " pub_date_note, text",
            "INSERT INTO main.sentences(article_id, idx, start, \"end\", text, lang)"
            " SELECT article_id, idx, start, \"end\", text, lang",
            "INSERT INTO main.mentions(article_id, sentence_id, idx, kind, start, \"end\", surface, value, value_num,"
            " value_max, unit, qualifier, precision, is_resolved, is_vague, is_relative, rule)"
            " SELECT article_id, sentence_id, idx, kind, start, \"end\", surface, value, value_num, value_max, unit,"
            " qualifier, precision, is_resolved, is_vague, is_relative, rule",
            "INSERT OR IGNORE INTO main.orgs(id, name, kind, parent_id, source) SELECT id, name, kind, parent_id, source",
            "INSERT INTO main.claims(article_id, sentence_id, idx, predicate, family, subject_org, object_org, amount,"
            " amount_num, amount_max, currency, qualifier, is_vague, amount_mention_id, duration, event_date,"
            " event_precision, event_start, event_end, event_date_source, event_qualifier, source_org, is_negated,"
            " is_hedged, confidence, rule, object_text)"
            " SELECT article_id, sentence_id, idx, predicate, family, subject_org, object_org, amount, amount_num,"
            " amount_max, currency, qualifier, is_vague, amount_mention_id, duration, event_date, event_precision,"
            " event_start, event_end, event_date_source, event_qualifier, source_org, is_negated, is_hedged,"
            " confidence, rule, object_text",
        };
        char *q = sqlite3_mprintf("%s FROM (%s) ORDER BY k1, k2, k3", heads[step], u);
        rc = q ? store_exec(s, q, err) : nc_error_set(err, NC_E_NOMEM, s->path, "out of memory");
        sqlite3_free(q);
        sqlite3_free(u);
    }
    /* the shards' predicates this database's vocabulary lacks (its own,
    ** written from the extractor, wins): every merged claim's predicate is described */
    for (size_t i = 0; i < n_shards && rc == NC_OK; i++) {
        snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO main.predicates SELECT * FROM sh%zu.predicates", i);
        rc = store_exec(s, sql, err);
    }
    s->preds_read = 0;
    if (rc == NC_OK)
        rc = store_exec(s, "INSERT OR IGNORE INTO link_dirty VALUES('*'); COMMIT;", err);
    if (rc != NC_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    for (size_t i = 0; i < n_shards; i++) {
        char q[64];
        snprintf(q, sizeof q, "DETACH DATABASE sh%zu", i);
        sqlite3_exec(s->db, q, NULL, NULL, NULL);
    }
    if (rc == NC_OK && rep)
        rep->stored += before;
    return rc;
}
