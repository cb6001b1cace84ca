/*
** orgs.c — the organisation gazetteer (rules/orgs.tsv).
**
** One organisation per line, tab-separated:
**   id  kind  parent  name  aliases...
** kind is company, media, product or person (people are listed so they are
** never taken for companies; products so "Twitter Blue" is not Twitter);
** parent is another id or "-"; each alias column is "LANG:alias|alias" with
** LANG an ISO code or "*" for every language. Matching is case-sensitive
** ("X", "Meta"), longest alias first.
*/
#include "extract_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_alias(nc_org *o, const char *lang, const char *alias)
{
    nc_org_alias *v = realloc(o->aliases, (o->n_aliases + 1) * sizeof *v);
    if (!v)
        return;
    o->aliases = v;
    o->aliases[o->n_aliases].lang = lang;
    o->aliases[o->n_aliases].alias = alias;
    o->n_aliases++;
}

static int lang_ok(const char *alias_lang, const char *lang)
{
    return !strcmp(alias_lang, "*") || !strcmp(alias_lang, lang);
}

char *data_file_read(const char *path, long max, const char *what, nc_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        nc_error_set(err, NC_E_RULES, path, "cannot open %s", what);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (size < 0 || size > max) {
        fclose(f);
        nc_error_set(err, NC_E_RULES, path, "%s unreadable or over %ld MiB", what, max >> 20);
        return NULL;
    }
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
        free(text);
        fclose(f);
        nc_error_set(err, NC_E_IO, path, "cannot read %s", what);
        return NULL;
    }
    fclose(f);
    text[size] = 0;
    return text;
}

char *data_file_line(char **next, int *lineno)
{
    while (*next && **next) {
        char *line = *next;
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        *next = nl ? nl + 1 : NULL;
        ++*lineno;
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r')
            line[--l] = 0;
        if (l && line[0] != '#')
            return line;
    }
    return NULL;
}

int orgs_load(nc_extractor *x, nc_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/orgs.tsv", x->rules_dir);
    char *text = data_file_read(path, 64L << 20, "the gazetteer", err);
    if (!text)
        return err ? err->code : NC_E_RULES;
    x->orgs_text = text;   /* every string below points into it */
    size_t cap = 0;
    int lineno = 0;
    char *next = text;
    for (char *line; (line = data_file_line(&next, &lineno));) {
        char *col[16];
        int nc = 0;
        for (char *p = line; p && nc < 16;) {
            col[nc++] = p;
            char *t = strchr(p, '\t');
            if (t)
                *t++ = 0;
            p = t;
        }
        char where[4200];
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        if (nc < 4)
            return nc_error_set(err, NC_E_RULES, where, "expected id, kind, parent, name and aliases separated by tabs");
        if (strcmp(col[1], "company") && strcmp(col[1], "media") && strcmp(col[1], "product") &&
            strcmp(col[1], "person") && strcmp(col[1], "organisation") && strcmp(col[1], "body") &&
            strcmp(col[1], "index"))
            return nc_error_set(err, NC_E_RULES, where,
                                "kind \"%s\" is not company, media, product, person, organisation, body or index", col[1]);
        for (size_t i = 0; i < x->n_orgs; i++)
            if (!strcmp(x->orgs[i].id, col[0]))
                return nc_error_set(err, NC_E_RULES, where, "id %s used twice", col[0]);
        if (x->n_orgs == cap) {
            cap = cap ? cap * 2 : 64;
            nc_org *v = realloc(x->orgs, cap * sizeof *v);
            if (!v)
                return nc_error_set(err, NC_E_NOMEM, where, "out of memory");
            x->orgs = v;
        }
        nc_org *o = &x->orgs[x->n_orgs++];
        memset(o, 0, sizeof *o);
        o->id = col[0];
        o->kind = col[1];
        o->parent = strcmp(col[2], "-") && *col[2] ? col[2] : NULL;
        o->name = col[3];
        add_alias(o, "*", o->name);
        for (int c = 4; c < nc; c++) {
            char *colon = strchr(col[c], ':');
            if (!colon)
                return nc_error_set(err, NC_E_RULES, where, "alias column \"%s\" is not LANG:alias|alias", col[c]);
            *colon = 0;
            const char *lang = col[c];
            char *s2 = NULL;
            for (char *a = strtok_r(colon + 1, "|", &s2); a; a = strtok_r(NULL, "|", &s2))
                if (*a)
                    add_alias(o, lang, a);
        }
    }
    for (size_t i = 0; i < x->n_orgs; i++)
        if (x->orgs[i].parent && !nc_extractor_org(x, x->orgs[i].parent))
            return nc_error_set(err, NC_E_RULES, path, "org %s: parent %s is not in the gazetteer",
                                x->orgs[i].id, x->orgs[i].parent);
    return NC_OK;
}

/* Keep s (malloc'd) in x's extra strings; 0 (s freed) when out of memory. */
static int keep_extra(nc_extractor *x, char *s)
{
    char **v = realloc(x->orgs_extra, (x->n_orgs_extra + 1) * sizeof *v);
    if (!v) {
        free(s);
        return 0;
    }
    x->orgs_extra = v;
    v[x->n_orgs_extra++] = s;
    return 1;
}

/*
** Inflected aliases. German inflects an adjective inside a name: "die
** Deutsche Bank", "der Deutschen Bank", "die Schweizerische Nationalbank", "der
** Schweizerischen Nationalbank". rs's `aliasinflect` lexicon says how: each
** entry's value is an ending as the gazetteer writes it ("e"), its surfaces the
** endings that may replace it ("en", "er", "es", "em"). An alias of two words or
** more (valid in rs's language) whose words before the last are capitalised,
** at least five bytes long, and end so, is added once per ending, every such
** word inflected alike, as an alias of rs's language. Done once per language.
*/
int orgs_inflect(nc_extractor *x, const ruleset *rs)
{
    const lexicon *lx = lex_find(rs, "aliasinflect");
    if (!lx || !lx->n)
        return NC_OK;
    for (size_t i = 0; i < x->n_orgs_extra; i++)
        if (!strncmp(x->orgs_extra[i], "lang:", 5) && !strcmp(x->orgs_extra[i] + 5, rs->lang))
            return NC_OK;       /* done for this language */
    size_t ll = strlen(rs->lang);
    char *lang = malloc(ll + 6);
    if (!lang)
        return NC_E_NOMEM;
    memcpy(lang, "lang:", 5);
    memcpy(lang + 5, rs->lang, ll + 1);
    if (!keep_extra(x, lang))
        return NC_E_NOMEM;
    lang += 5;
    for (size_t o = 0; o < x->n_orgs; o++) {
        nc_org *org = &x->orgs[o];
        size_t na = org->n_aliases;     /* the aliases as written, not those added here */
        for (size_t k = 0; k < na; k++) {
            const char *al = org->aliases[k].alias;
            if (!lang_ok(org->aliases[k].lang, rs->lang) || !strchr(al, ' '))
                continue;
            for (size_t e = 0; e < lx->n; e++) {
                const char *from = lx->v[e].value, *to = lx->v[e].surface;
                size_t fl = strlen(from), tl = strlen(to), n = strlen(al);
                if (!fl || !strcmp(from, to))
                    continue;
                char *v = malloc(n * (tl + 1) + 1);   /* every word could grow by tl */
                if (!v)
                    return NC_E_NOMEM;
                size_t w = 0;
                int changed = 0;
                for (const char *p = al; *p;) {
                    const char *sp = strchr(p, ' ');
                    size_t wl = sp ? (size_t)(sp - p) : strlen(p);
                    int inflect = sp && wl >= 5 && wl > fl && *p >= 'A' && *p <= 'Z' &&
                                  !memcmp(p + wl - fl, from, fl);
                    memcpy(v + w, p, wl - (inflect ? fl : 0));
                    w += wl - (inflect ? fl : 0);
                    if (inflect) {
                        memcpy(v + w, to, tl);
                        w += tl;
                        changed = 1;
                    }
                    if (sp)
                        v[w++] = ' ';
                    p += wl + (sp != NULL);
                }
                v[w] = 0;
                if (!changed) {
                    free(v);
                    continue;
                }
                if (!keep_extra(x, v))
                    return NC_E_NOMEM;
                size_t before = org->n_aliases;
                add_alias(org, lang, v);
                if (org->n_aliases == before)
                    return NC_E_NOMEM;
            }
        }
    }
    return NC_OK;
}

void orgs_free(nc_extractor *x)
{
    for (size_t i = 0; i < x->n_orgs_extra; i++)
        free(x->orgs_extra[i]);
    free(x->orgs_extra);
    x->orgs_extra = NULL;
    x->n_orgs_extra = 0;
    for (size_t i = 0; i < x->n_orgs; i++)
        free(x->orgs[i].aliases);
    free(x->orgs);
    free(x->orgs_text);
    x->orgs = NULL;
    x->orgs_text = NULL;
    x->n_orgs = 0;
}

const nc_org *nc_extractor_org(const nc_extractor *x, const char *id)
{
    for (size_t i = 0; i < x->n_orgs; i++)
        if (!strcmp(x->orgs[i].id, id))
            return &x->orgs[i];
    return NULL;
}

size_t nc_extractor_orgs(const nc_extractor *x, const nc_org **orgs)
{
    *orgs = x->orgs;
    return x->n_orgs;
}

const nc_org *org_by_alias(const nc_extractor *x, const char *lang, const char *s, size_t len)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < x->n_orgs; i++)
            for (size_t k = 0; k < x->orgs[i].n_aliases; k++) {
                const nc_org_alias *a = &x->orgs[i].aliases[k];
                if (!lang_ok(a->lang, lang) || strlen(a->alias) != len)
                    continue;
                if (pass == 0 ? !memcmp(a->alias, s, len) : !strncasecmp(a->alias, s, len))
                    return &x->orgs[i];
            }
    return NULL;
}

size_t orgs_aliases(const nc_extractor *x, const char *lang, const char ***out)
{
    size_t n = 0;
    for (size_t i = 0; i < x->n_orgs; i++)
        n += x->orgs[i].n_aliases;
    const char **v = malloc((n ? n : 1) * sizeof *v);
    *out = v;
    if (!v)
        return 0;
    n = 0;
    for (size_t i = 0; i < x->n_orgs; i++)
        for (size_t k = 0; k < x->orgs[i].n_aliases; k++)
            if (lang_ok(x->orgs[i].aliases[k].lang, lang))
                v[n++] = x->orgs[i].aliases[k].alias;
    return n;
}
