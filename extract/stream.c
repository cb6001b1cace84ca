/*
** stream.c — an article with what extraction found in it, as one JSON line:
** the interchange format of `newsclaims extract --stream` (written here)
** and `newsclaims load` (read by the store, store/load.c). Every field a
** database row needs is there, so loading a line stores exactly what an
** ingest of the same file stores. Field list: README, "Stream mode".
*/
#include "extract_int.h"
#include <stdio.h>
#include <string.h>

/* A JSON string; bytes that are not UTF-8 (there should be none: ingest
** validates text) become U+FFFD, so the line is valid JSON whatever. */
static void jstr(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(f, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            fputc(c, f);
            i++;
        } else {
            size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
            int ok = k && i + k <= n && c <= 0xF4;
            for (size_t j = 1; ok && j < k; j++)
                ok = ((unsigned char)s[i + j] & 0xC0) == 0x80;
            if (ok && k == 3 && ((c == 0xE0 && (unsigned char)s[i + 1] < 0xA0) || (c == 0xED && (unsigned char)s[i + 1] >= 0xA0)))
                ok = 0;
            if (ok && k == 4 && ((c == 0xF0 && (unsigned char)s[i + 1] < 0x90) || (c == 0xF4 && (unsigned char)s[i + 1] >= 0x90)))
                ok = 0;
            if (ok) {
                fwrite(s + i, 1, k, f);
                i += k;
            } else {
                fputs("\\ufffd", f);
                i++;
            }
        }
    }
    fputc('"', f);
}

static void jcstr(FILE *f, const char *s)
{
    if (s)
        jstr(f, s, strlen(s));
    else
        fputs("null", f);
}

/* "" as null */
static void jopt(FILE *f, const char *s)
{
    jcstr(f, s && *s ? s : NULL);
}

void nc_extraction_write_json(FILE *f, const char *file_hash, size_t file_size, const nc_article *a,
                              const nc_extraction *ex)
{
    fputs("{\"type\":\"article\",\"path\":", f);
    jcstr(f, a->path);
    fprintf(f, ",\"item\":%d,\"file_hash\":", a->item);
    jcstr(f, file_hash);
    fprintf(f, ",\"file_size\":%zu,\"text_hash\":", file_size);
    jcstr(f, a->text_hash);
    fputs(",\"format\":", f);
    jcstr(f, a->format);
    fputs(",\"encoding\":", f);
    jopt(f, a->encoding);
    fputs(",\"lang\":", f);
    jcstr(f, a->lang);
    fputs(",\"lang_source\":", f);
    jopt(f, a->lang_source);
    fprintf(f, ",\"lang_supported\":%d,\"lang_score\":%.17g,\"title\":", a->lang_supported, a->lang_score);
    jopt(f, a->title);
    fputs(",\"publisher\":", f);
    jopt(f, a->publisher);
    fputs(",\"url\":", f);
    jopt(f, a->url);
    fputs(",\"cited_source\":", f);
    jopt(f, a->cited_source);
    fputs(",\"pub_date\":", f);
    jopt(f, a->pub_date);
    fputs(",\"pub_date_precision\":", f);
    jcstr(f, nc_precision_name(a->pub_date_precision));
    fputs(",\"pub_date_source\":", f);
    jopt(f, a->pub_date_source);
    fputs(",\"pub_date_note\":", f);
    jopt(f, a->pub_date_note);
    fputs(",\"text\":", f);
    jstr(f, a->text, a->text_len);
    fputs(",\"sentences\":[", f);
    for (size_t i = 0; i < a->n_sentences; i++) {
        fprintf(f, "%s[%zu,%zu,", i ? "," : "", a->sentences[i].start, a->sentences[i].end);
        jcstr(f, a->sentences[i].lang);
        fputc(']', f);
    }
    fputs("],\"mentions\":[", f);
    for (size_t i = 0; ex && i < ex->n_mentions; i++) {
        const nc_mention *m = &ex->mentions[i];
        fprintf(f, "%s{\"kind\":", i ? "," : "");
        jcstr(f, nc_mention_kind_name(m->kind));
        fprintf(f, ",\"start\":%zu,\"end\":%zu,\"core_start\":%zu,\"sentence\":%zu,\"value\":", m->start, m->end,
                m->core_start, m->sentence);
        jcstr(f, m->value);
        fputs(",\"value_max\":", f);
        jcstr(f, m->value_max);
        fputs(",\"unit\":", f);
        jcstr(f, m->unit);
        fputs(",\"qualifier\":", f);
        jcstr(f, m->qualifier);
        fputs(",\"precision\":", f);
        jcstr(f, nc_precision_name(m->precision));
        fprintf(f, ",\"flags\":%u,\"rule\":", m->flags);
        jcstr(f, m->rule);
        fputc('}', f);
    }
    fputs("],\"claims\":[", f);
    for (size_t i = 0; ex && i < ex->n_claims; i++) {
        const nc_claim *c = &ex->claims[i];
        fprintf(f, "%s{\"sentence\":%zu,\"predicate\":", i ? "," : "", c->sentence);
        jcstr(f, c->predicate);
        fputs(",\"subject\":", f);
        jcstr(f, c->subject);
        fputs(",\"object\":", f);
        jcstr(f, c->object);
        fprintf(f, ",\"amount\":%d,\"duration\":%d,\"date\":%d,\"event_date\":", c->amount, c->duration, c->date);
        jcstr(f, c->event_date);
        fputs(",\"event_precision\":", f);
        jcstr(f, nc_precision_name(c->event_precision));
        fputs(",\"event_date_source\":", f);
        jcstr(f, c->event_date_source);
        fputs(",\"source\":", f);
        jcstr(f, c->source);
        fprintf(f, ",\"is_negated\":%d,\"is_hedged\":%d,\"confidence\":%.17g,\"object_text\":", c->is_negated,
                c->is_hedged, c->confidence);
        jcstr(f, c->object_text);
        fputs(",\"rule\":", f);
        jcstr(f, c->rule);
        fputc('}', f);
    }
    fprintf(f, "],\"limit_hits\":%zu}\n", ex ? ex->limit_hits : 0);
}
