/*
** meta.c — the metadata sidecar: FILE.meta beside FILE.
**
** Format (README, "Metadata sidecar"): UTF-8 lines "key: value"; blank lines
** and lines starting with '#' are ignored. Keys: lang, date, date_note,
** title, publisher, url, source. A value given here overrides what ingest
** detects. An unknown key is an error naming the file and line, so a typo
** never passes silently.
*/
#include "ingest_int.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nc_meta_free(nc_meta *m)
{
    if (!m)
        return;
    free((char *)m->lang);
    free((char *)m->title);
    free((char *)m->publisher);
    free((char *)m->url);
    free((char *)m->source);
    free((char *)m->date);
    free((char *)m->date_note);
    free(m);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = 0;
    return s;
}

int nc_meta_load(const char *path, nc_meta **out, nc_error *err)
{
    *out = NULL;
    size_t plen = strlen(path) + 6;
    char *mpath = malloc(plen);
    if (!mpath)
        return nc_error_set(err, NC_E_NOMEM, path, "out of memory");
    snprintf(mpath, plen, "%s.meta", path);
    FILE *f = fopen(mpath, "r");
    if (!f) {
        int e = errno;
        free(mpath);
        if (e == ENOENT)
            return NC_OK;
        return nc_error_set(err, NC_E_IO, path, "cannot read its sidecar .meta file: %s", strerror(e));
    }
    nc_meta *m = calloc(1, sizeof *m);
    char line[4096];
    int lineno = 0, rc = NC_OK;
    while (m && fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        char *colon = strchr(s, ':');
        char where[300];
        snprintf(where, sizeof where, "%s:%d", mpath, lineno);
        if (!colon) {
            rc = nc_error_set(err, NC_E_USAGE, where, "expected \"key: value\"");
            break;
        }
        *colon = 0;
        char *key = trim(s), *val = trim(colon + 1);
        const char **slot =
            !strcmp(key, "lang") ? &m->lang :
            !strcmp(key, "title") ? &m->title :
            !strcmp(key, "publisher") ? &m->publisher :
            !strcmp(key, "url") ? &m->url :
            !strcmp(key, "source") ? &m->source :
            !strcmp(key, "date") ? &m->date :
            !strcmp(key, "date_note") ? &m->date_note : NULL;
        if (!slot) {
            rc = nc_error_set(err, NC_E_USAGE, where,
                              "unknown key \"%s\" (known: lang, date, date_note, title, publisher, url, source)", key);
            break;
        }
        if (!strcmp(key, "date") && *val) {
            char iso[16];
            if (parse_meta_date(val, iso) == NC_PREC_NONE) {
                rc = nc_error_set(err, NC_E_USAGE, where,
                                  "date \"%s\" is not YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Hn", val);
                break;
            }
            val = iso;
            free((char *)*slot);
            *slot = xstrdup(iso);
            continue;
        }
        free((char *)*slot);
        *slot = xstrdup(val);
    }
    fclose(f);
    free(mpath);
    if (!m)
        return nc_error_set(err, NC_E_NOMEM, path, "out of memory");
    if (rc != NC_OK) {
        nc_meta_free(m);
        return rc;
    }
    *out = m;
    return NC_OK;
}
