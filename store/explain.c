/*
** explain.c — why the database says what it says: `newsclaims explain` for a
** claim group or a claim, `newsclaims show` for an article. Read-only; text
** for people (colour on a terminal), JSON for programs (field names stable,
** documented in the README).
*/
#include "store_int.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *txt(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : NULL;
}

/* The sentence with its mentions marked. */
static int sentence_marked(nc_store *s, sqlite3_int64 sentence_id, int use_color, int is_json, FILE *out,
                           nc_error *err)
{
    sqlite3_stmt *ss = NULL, *ms = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT start, text FROM sentences WHERE id = ?1", -1, &ss, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "SELECT start, \"end\", kind, surface, value, unit, qualifier, rule FROM mentions"
                           " WHERE sentence_id = ?1 ORDER BY start", -1, &ms, NULL) != SQLITE_OK) {
        sqlite3_finalize(ss);
        return store_err(s, err, "prepare");
    }
    sqlite3_bind_int64(ss, 1, sentence_id);
    sqlite3_bind_int64(ms, 1, sentence_id);
    if (sqlite3_step(ss) != SQLITE_ROW) {
        sqlite3_finalize(ss);
        sqlite3_finalize(ms);
        return NC_OK;
    }
    sqlite3_int64 base = sqlite3_column_int64(ss, 0);
    const char *text = txt(ss, 1);
    size_t tl = text ? strlen(text) : 0;
    if (is_json) {
        fputs("\"sentence\":", out);
        put_json(out, (const char *)text);
        fputs(",\"mentions\":[", out);
        int first = 1;
        while (sqlite3_step(ms) == SQLITE_ROW) {
            fprintf(out, "%s{\"start\":%lld,\"end\":%lld,\"kind\":", first ? "" : ",",
                    (long long)sqlite3_column_int64(ms, 0), (long long)sqlite3_column_int64(ms, 1));
            put_json(out, (const char *)sqlite3_column_text(ms, 2));
            fputs(",\"surface\":", out);
            put_json(out, (const char *)sqlite3_column_text(ms, 3));
            fputs(",\"value\":", out);
            put_json(out, (const char *)sqlite3_column_text(ms, 4));
            fputs(",\"unit\":", out);
            put_json(out, (const char *)sqlite3_column_text(ms, 5));
            fputs(",\"qualifier\":", out);
            put_json(out, (const char *)sqlite3_column_text(ms, 6));
            fputs(",\"rule\":", out);
            put_json(out, (const char *)sqlite3_column_text(ms, 7));
            fputs("}", out);
            first = 0;
        }
        fputs("]", out);
    } else {
        size_t pos = 0;
        fputs("    \"", out);
        while (sqlite3_step(ms) == SQLITE_ROW) {
            size_t a = (size_t)(sqlite3_column_int64(ms, 0) - base), b = (size_t)(sqlite3_column_int64(ms, 1) - base);
            if (a < pos || b > tl || a > b)
                continue;
            fwrite(text + pos, 1, a - pos, out);
            fputs(use_color ? "\033[1;33m" : "[", out);
            fwrite(text + a, 1, b - a, out);
            fputs(use_color ? "\033[0m" : "]", out);
            pos = b;
        }
        fwrite(text + pos, 1, tl - pos, out);
        fputs("\"\n", out);
        sqlite3_reset(ms);
        while (sqlite3_step(ms) == SQLITE_ROW)
            fprintf(out, "      %-8s %-28s %s%s%s%s%s  (rule %s)\n", txt(ms, 2), txt(ms, 3), txt(ms, 4) ? txt(ms, 4) : "",
                    txt(ms, 5) ? " " : "", txt(ms, 5) ? txt(ms, 5) : "", txt(ms, 6) ? " " : "",
                    txt(ms, 6) ? txt(ms, 6) : "", txt(ms, 7));
    }
    sqlite3_finalize(ss);
    sqlite3_finalize(ms);
    return NC_OK;
}

static const char *const claim_cols[] = {
    "claim_id", "group_id", "predicate", "family", "subject_org", "subject", "object_org", "object", "object_text",
    "amount", "currency", "qualifier", "duration", "event_date", "event_precision", "event_date_source",
    "event_qualifier", "attributed_to", "is_negated", "is_hedged", "confidence", "rule", "article_id", "path",
    "lang", "pub_date", NULL
};

static int explain_claims(nc_store *s, const char *where, sqlite3_int64 id, int is_json, int use_color, FILE *out,
                          nc_error *err)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT v.claim_id, v.group_id, v.predicate, v.family, v.subject_org, v.subject, v.object_org, v.object,"
             " v.object_text, v.amount, v.currency, v.qualifier, v.duration, v.event_date, v.event_precision,"
             " v.event_date_source, v.event_qualifier, v.attributed_to, v.is_negated, v.is_hedged, v.confidence,"
             " v.rule, v.article_id, v.path, v.lang, v.pub_date, a.pub_date_precision, a.pub_date_source,"
             " a.pub_date_note, c.sentence_id"
             " FROM v_claims v JOIN claims c ON c.id = v.claim_id JOIN articles a ON a.id = v.article_id"
             " WHERE %s ORDER BY v.pub_date, v.path, v.sentence_idx, v.claim_id", where);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_err(s, err, "prepare");
    sqlite3_bind_int64(st, 1, id);
    int n = 0, rc = NC_OK;
    while (rc == NC_OK && sqlite3_step(st) == SQLITE_ROW) {
        if (is_json) {
            fputs(n ? ",{" : "{", out);
            for (int i = 0; claim_cols[i]; i++) {
                fprintf(out, "%s\"%s\":", i ? "," : "", claim_cols[i]);
                int t = sqlite3_column_type(st, i);
                if (t == SQLITE_INTEGER)
                    fprintf(out, "%lld", (long long)sqlite3_column_int64(st, i));
                else if (t == SQLITE_FLOAT)
                    fprintf(out, "%.2f", sqlite3_column_double(st, i));
                else
                    put_json(out, (const char *)sqlite3_column_text(st, i));
            }
            fputs(",\"reference_date\":{\"date\":", out);
            put_json(out, (const char *)sqlite3_column_text(st, 25));
            fputs(",\"precision\":", out);
            put_json(out, (const char *)sqlite3_column_text(st, 26));
            fputs(",\"source\":", out);
            put_json(out, (const char *)sqlite3_column_text(st, 27));
            fputs(",\"note\":", out);
            put_json(out, (const char *)sqlite3_column_text(st, 28));
            fputs("},", out);
            rc = sentence_marked(s, sqlite3_column_int64(st, 29), 0, 1, out, err);
            fputs("}", out);
        } else {
            const char *B = use_color ? "\033[1m" : "", *R = use_color ? "\033[0m" : "";
            fprintf(out, "\n%sclaim c%lld%s (group %lld): %s", B, (long long)sqlite3_column_int64(st, 0), R,
                    (long long)sqlite3_column_int64(st, 1), txt(st, 2));
            fprintf(out, "  subject %s, object %s%s%s%s\n", txt(st, 5) ? txt(st, 5) : "-", txt(st, 7) ? txt(st, 7) : "-",
                    txt(st, 8) ? " (\"" : "", txt(st, 8) ? txt(st, 8) : "", txt(st, 8) ? "\")" : "");
            if (txt(st, 9))
                fprintf(out, "  amount %s %s%s%s\n", txt(st, 9), txt(st, 10) ? txt(st, 10) : "",
                        txt(st, 11) ? ", " : "", txt(st, 11) ? txt(st, 11) : "");
            if (txt(st, 12))
                fprintf(out, "  duration %s\n", txt(st, 12));
            fprintf(out, "  event date %s (%s, from the %s)%s%s\n", txt(st, 13) ? txt(st, 13) : "none",
                    txt(st, 14) ? txt(st, 14) : "-", txt(st, 15) ? txt(st, 15) : "-", txt(st, 16) ? ", " : "",
                    txt(st, 16) ? txt(st, 16) : "");
            fprintf(out, "  reference date %s (%s, %s%s%s)\n", txt(st, 25) ? txt(st, 25) : "unknown",
                    txt(st, 26) ? txt(st, 26) : "-", txt(st, 27) ? txt(st, 27) : "-", txt(st, 28) ? ": " : "",
                    txt(st, 28) ? txt(st, 28) : "");
            fprintf(out, "  %s%sconfidence %.2f, rule %s\n", sqlite3_column_int(st, 18) ? "negated, " : "",
                    sqlite3_column_int(st, 19) ? "hedged, " : "", sqlite3_column_double(st, 20), txt(st, 21));
            if (txt(st, 17))
                fprintf(out, "  attributed to %s\n", txt(st, 17));
            fprintf(out, "  [%s] %s (article %lld)\n", txt(st, 24), txt(st, 23), (long long)sqlite3_column_int64(st, 22));
            rc = sentence_marked(s, sqlite3_column_int64(st, 29), use_color, 0, out, err);
        }
        n++;
    }
    sqlite3_finalize(st);
    return rc == NC_OK ? n : rc;
}

int nc_store_explain(nc_store *s, const char *spec, int is_json, int use_color, FILE *out, nc_error *err)
{
    int is_claim = spec[0] == 'c' || spec[0] == 'C';
    const char *num = spec + (isdigit((unsigned char)spec[0]) ? 0 : 1);
    char *end;
    long long id = strtoll(num, &end, 10);
    if (!*num || *end || id <= 0 || (!is_claim && !isdigit((unsigned char)spec[0]) && spec[0] != 'g' && spec[0] != 'G'))
        return nc_error_set(err, NC_E_USAGE, NULL, "\"%s\" is not a group id (21, g21) or a claim id (c87)", spec);
    if (is_claim) {
        if (is_json)
            fputs("{\"claims\":[", out);
        int n = explain_claims(s, "v.claim_id = ?1", id, is_json, use_color, out, err);
        if (n < 0)
            return n;
        if (is_json)
            fputs("]}\n", out);
        if (!n)
            return nc_error_set(err, NC_E_USAGE, NULL, "no claim c%lld in this database", id);
        return NC_OK;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT group_id, event_date, event_precision, predicate, family, subject, object, object_text,"
                           " amount, currency, qualifier, duration, n_claims, n_sources, n_langs, langs, first_report,"
                           " last_report FROM v_timeline WHERE group_id = ?1", -1, &st, NULL) != SQLITE_OK)
        return store_err(s, err, "prepare");
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return nc_error_set(err, NC_E_USAGE, NULL, "no claim group %lld in this database", id);
    }
    static const char *const gcols[] = { "group_id", "event_date", "event_precision", "predicate", "family", "subject",
                                         "object", "object_text", "amount", "currency", "qualifier", "duration",
                                         "n_claims", "n_sources", "n_languages", "languages", "first_report",
                                         "last_report", NULL };
    if (is_json) {
        fputs("{", out);
        for (int i = 0; gcols[i]; i++) {
            fprintf(out, "%s\"%s\":", i ? "," : "", gcols[i]);
            if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
                fprintf(out, "%lld", (long long)sqlite3_column_int64(st, i));
            else
                put_json(out, (const char *)sqlite3_column_text(st, i));
        }
    } else {
        const char *B = use_color ? "\033[1m" : "", *R = use_color ? "\033[0m" : "";
        fprintf(out, "%sgroup %lld%s: %s (%s family)\n", B, id, R, txt(st, 3), txt(st, 4));
        fprintf(out, "  date %s (%s)\n  subject %s, object %s\n", txt(st, 1) ? txt(st, 1) : "none",
                txt(st, 2) ? txt(st, 2) : "-", txt(st, 5) ? txt(st, 5) : "-", txt(st, 6) ? txt(st, 6) : "-");
        if (txt(st, 8))
            fprintf(out, "  amount %s %s%s%s\n", txt(st, 8), txt(st, 9) ? txt(st, 9) : "", txt(st, 10) ? ", " : "",
                    txt(st, 10) ? txt(st, 10) : "");
        if (txt(st, 11))
            fprintf(out, "  duration %s\n", txt(st, 11));
        fprintf(out, "  %d claims from %d sources in %d languages (%s), reported %s to %s\n", sqlite3_column_int(st, 12),
                sqlite3_column_int(st, 13), sqlite3_column_int(st, 14), txt(st, 15), txt(st, 16) ? txt(st, 16) : "?",
                txt(st, 17) ? txt(st, 17) : "?");
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(s->db, "SELECT field, value, claim_id, lang, path FROM v_conflicts WHERE group_id = ?1"
                                  " ORDER BY field, claim_id", -1, &st, NULL) != SQLITE_OK)
        return store_err(s, err, "prepare");
    sqlite3_bind_int64(st, 1, id);
    if (is_json)
        fputs(",\"conflicts\":[", out);
    int k = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (is_json) {
            fprintf(out, "%s{\"field\":", k ? "," : "");
            put_json(out, (const char *)sqlite3_column_text(st, 0));
            fputs(",\"value\":", out);
            put_json(out, (const char *)sqlite3_column_text(st, 1));
            fprintf(out, ",\"claim_id\":%lld,\"lang\":", (long long)sqlite3_column_int64(st, 2));
            put_json(out, (const char *)sqlite3_column_text(st, 3));
            fputs("}", out);
        } else {
            fprintf(out, "  conflict on %s: %s (c%lld, %s, %s)\n", txt(st, 0), txt(st, 1),
                    (long long)sqlite3_column_int64(st, 2), txt(st, 3), txt(st, 4));
        }
        k++;
    }
    sqlite3_finalize(st);
    if (is_json)
        fputs("],\"claims\":[", out);
    int n = explain_claims(s, "v.group_id = ?1", id, is_json, use_color, out, err);
    if (n < 0)
        return n;
    if (is_json)
        fputs("]}\n", out);
    return NC_OK;
}

int nc_store_show(nc_store *s, const char *spec, int is_json, int with_text, FILE *out, nc_error *err)
{
    sqlite3_stmt *st = NULL;
    char *end;
    long long id = strtoll(spec, &end, 10);
    int by_id = *spec && !*end && id > 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT a.id, a.path, a.item, a.format, a.encoding, a.lang, a.lang_source, a.lang_supported,"
                           " a.title, a.publisher, a.url, a.cited_source, a.pub_date, a.pub_date_precision,"
                           " a.pub_date_source, a.pub_date_note, a.text_hash, f.content_hash,"
                           " (SELECT count(*) FROM sentences WHERE article_id = a.id),"
                           " (SELECT count(*) FROM claims WHERE article_id = a.id), a.text"
                           " FROM articles a JOIN files f ON f.id = a.file_id"
                           " WHERE (?1 AND a.id = ?2) OR (NOT ?1 AND a.path = ?3) ORDER BY a.item",
                           -1, &st, NULL) != SQLITE_OK)
        return store_err(s, err, "prepare");
    sqlite3_bind_int(st, 1, by_id);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_text(st, 3, spec, -1, SQLITE_STATIC);
    static const char *const cols[] = { "article_id", "path", "item", "format", "encoding", "lang", "lang_source",
                                        "lang_supported", "title", "publisher", "url", "cited_source", "pub_date",
                                        "pub_date_precision", "pub_date_source", "pub_date_note", "text_hash",
                                        "file_hash", "n_sentences", "n_claims", NULL };
    int n = 0, rc = NC_OK;
    if (is_json)
        fputs("{\"articles\":[", out);
    sqlite3_stmt *ms = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT kind, surface, value, unit, qualifier, precision, rule, start, \"end\""
                                  " FROM mentions WHERE article_id = ?1 ORDER BY start", -1, &ms, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return store_err(s, err, "prepare");
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (is_json) {
            fputs(n ? ",{" : "{", out);
            for (int i = 0; cols[i]; i++) {
                fprintf(out, "%s\"%s\":", i ? "," : "", cols[i]);
                if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
                    fprintf(out, "%lld", (long long)sqlite3_column_int64(st, i));
                else
                    put_json(out, (const char *)sqlite3_column_text(st, i));
            }
            if (with_text) {
                fputs(",\"text\":", out);
                put_json(out, (const char *)sqlite3_column_text(st, 20));
            }
            fputs(",\"mentions\":[", out);
        } else {
            fprintf(out, "article %lld: %s%s\n", (long long)sqlite3_column_int64(st, 0), txt(st, 1),
                    sqlite3_column_int(st, 2) ? " (feed item)" : "");
            fprintf(out, "  format %s, encoding %s\n", txt(st, 3), txt(st, 4) ? txt(st, 4) : "-");
            fprintf(out, "  language %s (%s)%s\n", txt(st, 5), txt(st, 6) ? txt(st, 6) : "-",
                    sqlite3_column_int(st, 7) ? "" : ", not extracted: no rules for it");
            fprintf(out, "  title %s\n  publisher %s\n  url %s\n  cites %s\n", txt(st, 8) ? txt(st, 8) : "-",
                    txt(st, 9) ? txt(st, 9) : "-", txt(st, 10) ? txt(st, 10) : "-", txt(st, 11) ? txt(st, 11) : "-");
            fprintf(out, "  published %s (%s), from %s%s%s\n", txt(st, 12) ? txt(st, 12) : "unknown",
                    txt(st, 13) ? txt(st, 13) : "-", txt(st, 14) ? txt(st, 14) : "-", txt(st, 15) ? ": " : "",
                    txt(st, 15) ? txt(st, 15) : "");
            fprintf(out, "  %d sentences, %d claims\n  mentions:\n", sqlite3_column_int(st, 18), sqlite3_column_int(st, 19));
        }
        sqlite3_bind_int64(ms, 1, sqlite3_column_int64(st, 0));
        int k = 0;
        while (sqlite3_step(ms) == SQLITE_ROW) {
            if (is_json) {
                fprintf(out, "%s{\"kind\":", k ? "," : "");
                put_json(out, (const char *)sqlite3_column_text(ms, 0));
                fputs(",\"surface\":", out);
                put_json(out, (const char *)sqlite3_column_text(ms, 1));
                fputs(",\"value\":", out);
                put_json(out, (const char *)sqlite3_column_text(ms, 2));
                fputs(",\"unit\":", out);
                put_json(out, (const char *)sqlite3_column_text(ms, 3));
                fputs(",\"qualifier\":", out);
                put_json(out, (const char *)sqlite3_column_text(ms, 4));
                fputs(",\"precision\":", out);
                put_json(out, (const char *)sqlite3_column_text(ms, 5));
                fputs(",\"rule\":", out);
                put_json(out, (const char *)sqlite3_column_text(ms, 6));
                fprintf(out, ",\"start\":%lld,\"end\":%lld}", (long long)sqlite3_column_int64(ms, 7),
                        (long long)sqlite3_column_int64(ms, 8));
            } else {
                fprintf(out, "    %-8s %-32s %s%s%s%s%s  (%s)\n", txt(ms, 0), txt(ms, 1), txt(ms, 2) ? txt(ms, 2) : "",
                        txt(ms, 3) ? " " : "", txt(ms, 3) ? txt(ms, 3) : "", txt(ms, 4) ? " " : "",
                        txt(ms, 4) ? txt(ms, 4) : "", txt(ms, 6));
            }
            k++;
        }
        sqlite3_reset(ms);
        if (is_json)
            fputs("]}", out);
        else if (with_text)
            fprintf(out, "  text:\n%s", txt(st, 20));
        n++;
    }
    sqlite3_finalize(ms);
    sqlite3_finalize(st);
    if (is_json)
        fputs("]}\n", out);
    if (!n)
        rc = nc_error_set(err, NC_E_USAGE, NULL, "no article %s in this database (give an id or the path as stored)", spec);
    return rc;
}
