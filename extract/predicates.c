/*
** predicates.c — the claim vocabulary (rules/predicates.tsv).
**
** One predicate per line, tab-separated: name, family, quantity kinds (the
** first is the content; "-" for none), required, directed, contract record
** field ("-" for none), bare, timeline line. The file's own header says what
** each column means. Read once when the extractor is made; the store keeps
** a copy in its predicates table, so that linking and the timeline read the
** same properties without an extractor.
*/
#include "extract_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nc_mention_kind nc_mention_kind_of(const char *s)
{
    for (int k = 0; k < NC_MENTION_KIND_COUNT; k++)
        if (!strcmp(s, nc_mention_kind_name((nc_mention_kind)k)))
            return (nc_mention_kind)k;
    return NC_MENTION_KIND_COUNT;
}

static int yes_no(const char *s, int *out)
{
    if (!strcmp(s, "yes"))
        *out = 1;
    else if (!strcmp(s, "no"))
        *out = 0;
    else
        return 0;
    return 1;
}

/* "money,percent": the kinds' bits and the first; 0 if a name is unknown.
** "count=points" takes only counts of that unit (*count_unit points into s). */
static int parse_kinds(char *s, unsigned *kinds, nc_mention_kind *first, const char **count_unit)
{
    *kinds = 0;
    *first = NC_MENTION_KIND_COUNT;
    *count_unit = NULL;
    if (!strcmp(s, "-"))
        return 1;
    char *save = NULL;
    for (char *k = strtok_r(s, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(k, '=');
        if (eq) {
            *eq = 0;
            if (strcmp(k, "count") || !eq[1])
                return 0;
            *count_unit = eq + 1;
        }
        nc_mention_kind m = nc_mention_kind_of(k);
        if (m == NC_MENTION_KIND_COUNT || m == NC_MENTION_ORG || m == NC_MENTION_NUMBER)
            return 0;
        if (*first == NC_MENTION_KIND_COUNT)
            *first = m;
        *kinds |= 1u << m;
    }
    return *kinds != 0;
}

/* Is the template's bracketing sound and does it name known fields only? */
static const char *check_line(const char *t)
{
    int depth = 0;
    for (const char *p = t; *p; p++) {
        if (*p == '[' && ++depth > 1)
            return "brackets nest";
        if (*p == ']' && --depth < 0)
            return "a ] without its [";
        if (*p == '{') {
            const char *e = strchr(p, '}');
            if (!e)
                return "an unclosed {field}";
            size_t n = (size_t)(e - p - 1);
            static const char *const f[] = { "subject", "object", "amount", "term", "date", NULL };
            int ok = 0;
            for (size_t i = 0; f[i]; i++)
                ok |= strlen(f[i]) == n && !strncmp(p + 1, f[i], n);
            if (!ok)
                return "an unknown {field} (subject, object, amount, term, date)";
            p = e;
        }
    }
    return depth ? "an unclosed [" : NULL;
}

int predicates_load(nc_extractor *x, nc_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/predicates.tsv", x->rules_dir);
    char *text = data_file_read(path, 4L << 20, "the predicate vocabulary", err);
    if (!text)
        return err ? err->code : NC_E_RULES;
    x->preds_text = text;    /* every string below points into it */
    size_t cap = 0;
    int lineno = 0;
    char *next = text;
    for (char *line; (line = data_file_line(&next, &lineno));) {
        char *col[8];
        int n = 0;
        for (char *p = line; n < 8;) {
            col[n++] = p;
            char *tab = strchr(p, '\t');
            if (!tab)
                break;
            *tab = 0;
            p = tab + 1;
        }
        char where[4200];
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        if (n != 8)
            return nc_error_set(err, NC_E_RULES, where, "expected 8 tab-separated columns, found %d", n);
        nc_predicate p;
        memset(&p, 0, sizeof p);
        p.name = col[0];
        p.family = col[1];
        if (!*p.name || strlen(p.name) >= 32 || strspn(p.name, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(p.name))
            return nc_error_set(err, NC_E_RULES, where, "predicate name \"%s\": lower-case letters, digits and _, under 32 bytes", p.name);
        if (!*p.family)
            return nc_error_set(err, NC_E_RULES, where, "no family");
        if (!parse_kinds(col[2], &p.kinds, &p.content, &p.count_unit))
            return nc_error_set(err, NC_E_RULES, where, "quantity: money, count (or count=UNIT), percent, duration, date, comma-separated, or -");
        if (!yes_no(col[3], &p.required) || !yes_no(col[4], &p.directed) || !yes_no(col[6], &p.bare))
            return nc_error_set(err, NC_E_RULES, where, "required, directed and bare are yes or no");
        if (p.required && !p.kinds)
            return nc_error_set(err, NC_E_RULES, where, "a required quantity needs a kind");
        static const char *const rec[] = { "value", "term", "signed", "ends", "covers", NULL };
        if (strcmp(col[5], "-")) {
            for (size_t i = 0; rec[i]; i++)
                if (!strcmp(col[5], rec[i]))
                    p.record = col[5];
            if (!p.record)
                return nc_error_set(err, NC_E_RULES, where, "record is value, term, signed, ends, covers or -");
        }
        p.line = col[7];
        const char *bad = check_line(p.line);
        if (bad)
            return nc_error_set(err, NC_E_RULES, where, "line: %s", bad);
        for (size_t i = 0; i < x->n_preds; i++)
            if (!strcmp(x->preds[i].name, p.name))
                return nc_error_set(err, NC_E_RULES, where, "predicate %s defined twice", p.name);
        if (x->n_preds == cap) {
            size_t nc = cap ? cap * 2 : 64;
            nc_predicate *v = realloc(x->preds, nc * sizeof *v);
            if (!v)
                return nc_error_set(err, NC_E_NOMEM, where, "out of memory");
            x->preds = v;
            cap = nc;
        }
        x->preds[x->n_preds++] = p;
    }
    if (!x->n_preds)
        return nc_error_set(err, NC_E_RULES, path, "no predicates");
    return NC_OK;
}

void predicates_free(nc_extractor *x)
{
    free(x->preds);
    free(x->preds_text);
    x->preds = NULL;
    x->preds_text = NULL;
    x->n_preds = 0;
}

const nc_predicate *nc_extractor_predicate(const nc_extractor *x, const char *name)
{
    if (!x || !name)
        return NULL;
    for (size_t i = 0; i < x->n_preds; i++)
        if (!strcmp(x->preds[i].name, name))
            return &x->preds[i];
    return NULL;
}

size_t nc_extractor_predicates(const nc_extractor *x, const nc_predicate **list)
{
    *list = x->preds;
    return x->n_preds;
}

const nc_predicate *nc_extractor_bare_predicate(const nc_extractor *x, nc_mention_kind k)
{
    for (size_t i = 0; i < x->n_preds; i++)
        if (x->preds[i].bare && x->preds[i].content == k)
            return &x->preds[i];
    return NULL;
}
