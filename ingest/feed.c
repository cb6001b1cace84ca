/*
** feed.c — RSS 2.0, RSS 1.0 (RDF) and Atom feeds: one article per item.
**
** Parsed with libxml2's XML parser with XML_PARSE_NONET and without
** XML_PARSE_NOENT or XML_PARSE_DTDLOAD: no external entity or DTD is ever
** read, internal entities are not substituted into the tree (so an
** entity-expansion bomb cannot grow it), and libxml2's own amplification
** checks stay on (no XML_PARSE_HUGE).
**
** An item's content (content:encoded, description, Atom content/summary) is
** HTML as text, parsed with the HTML pipeline; Atom's type="xhtml" content is
** already a tree and is walked directly.
*/
#include "ingest_int.h"
#include "html_int.h"
#include <stdlib.h>
#include <string.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

static int is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

static char *content_of(const xmlNode *n)
{
    if (!n)
        return NULL;
    xmlChar *t = xmlNodeGetContent(n);
    if (!t)
        return NULL;
    char *s = xstrdup((const char *)t);
    xmlFree(t);
    /* trim */
    if (s) {
        char *p = s;
        while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
            p++;
        memmove(s, p, strlen(p) + 1);
        size_t l = strlen(s);
        while (l && (s[l - 1] == ' ' || s[l - 1] == '\n' || s[l - 1] == '\t' || s[l - 1] == '\r'))
            s[--l] = 0;
    }
    return s;
}

/* HTML given as text: its article text. */
static char *html_string_text(const char *html, int max_depth)
{
    if (!html || !*html)
        return NULL;
    /* plain text in a description stays as it is */
    if (!strchr(html, '<'))
        return xstrdup(html);
    size_t len = strlen(html);
    if (len > (size_t)INT32_MAX)
        return NULL;
    htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                    HTML_PARSE_RECOVER | HTML_PARSE_COMPACT);
    if (!doc)
        return NULL;
    raw_article r = { 0 };
    char *text = NULL;
    if (html_extract_doc(doc, max_depth, &r) == NC_OK) {
        text = r.text;
        r.text = NULL;
    }
    raw_article_clear(&r);
    xmlFreeDoc(doc);
    return text;
}

static int push(raw_article **items, size_t *n, size_t *cap, raw_article *r)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        raw_article *v = realloc(*items, c * sizeof *v);
        if (!v)
            return 0;
        *items = v;
        *cap = c;
    }
    (*items)[(*n)++] = *r;
    memset(r, 0, sizeof *r);
    return 1;
}

static void rss_item(const xmlNode *it, const char *publisher, int max_depth, raw_article *r)
{
    r->title = content_of(child(it, "title"));
    r->url = content_of(child(it, "link"));
    if (!r->url) {
        const xmlNode *g = child(it, "guid");
        char *perma = g ? (char *)xmlGetProp(g, (const xmlChar *)"isPermaLink") : NULL;
        if (g && (!perma || strcmp(perma, "false")))
            r->url = content_of(g);
        if (perma)
            xmlFree(perma);
    }
    r->date = content_of(child(it, "pubDate"));
    if (!r->date)
        r->date = content_of(child(it, "date"));   /* dc:date */
    if (r->date)
        r->date_source = xstrdup("feed");
    r->publisher = xstrdup(publisher);
    char *body = content_of(child(it, "encoded"));  /* content:encoded */
    if (!body || !*body) {
        free(body);
        body = content_of(child(it, "description"));
    }
    r->text = html_string_text(body, max_depth);
    free(body);
}

static void atom_entry(const xmlNode *e, const char *publisher, int max_depth, raw_article *r)
{
    r->title = content_of(child(e, "title"));
    for (const xmlNode *c = e->children; c; c = c->next) {
        if (!is(c, "link"))
            continue;
        xmlChar *rel = xmlGetProp(c, (const xmlChar *)"rel");
        if (!rel || !strcmp((char *)rel, "alternate")) {
            xmlChar *href = xmlGetProp(c, (const xmlChar *)"href");
            if (href && !r->url)
                r->url = xstrdup((char *)href);
            if (href)
                xmlFree(href);
        }
        if (rel)
            xmlFree(rel);
    }
    r->date = content_of(child(e, "published"));
    if (!r->date)
        r->date = content_of(child(e, "updated"));
    if (r->date)
        r->date_source = xstrdup("feed");
    r->publisher = xstrdup(publisher);
    const xmlNode *ct = child(e, "content");
    if (!ct)
        ct = child(e, "summary");
    if (!ct)
        return;
    xmlChar *type = xmlGetProp(ct, (const xmlChar *)"type");
    if (type && !strcmp((char *)type, "xhtml")) {
        buf o = { 0 };
        html_text_of(ct, 0, max_depth, &o);
        r->text = o.len ? buf_steal(&o) : (buf_free(&o), NULL);
    } else if (type && !strcmp((char *)type, "text")) {
        r->text = content_of(ct);
    } else {
        char *html = content_of(ct);
        r->text = html_string_text(html, max_depth);
        free(html);
    }
    if (type)
        xmlFree(type);
}

int feed_extract(const char *name, const unsigned char *data, size_t len, int max_depth,
                 raw_article **items, size_t *n, char format[8], nc_error *err)
{
    *items = NULL;
    *n = 0;
    if (len > (size_t)INT32_MAX)
        return nc_error_set(err, NC_E_TOOBIG, name, "feed too large");
    xmlDocPtr doc = xmlReadMemory((const char *)data, (int)len, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                  XML_PARSE_NOCDATA);
    if (!doc) {
        const xmlError *xe = xmlGetLastError();
        return nc_error_set(err, NC_E_FORMAT, name, "feed is not well-formed XML%s%s (line %d)",
                            xe && xe->message ? ": " : "", xe && xe->message ? xe->message : "",
                            xe ? xe->line : 0);
    }
    const xmlNode *root = xmlDocGetRootElement(doc);
    size_t cap = 0;
    raw_article r = { 0 };
    int is_oom = 0;
    if (is(root, "rss") || is(root, "RDF")) {
        strcpy(format, "rss");
        const xmlNode *ch = child(root, "channel");
        char *publisher = content_of(child(ch, "title"));
        /* RSS 2.0 items are in the channel, RSS 1.0 items beside it */
        const xmlNode *parents[2] = { ch, is(root, "RDF") ? root : NULL };
        for (int p = 0; p < 2; p++)
            for (const xmlNode *c = parents[p] ? parents[p]->children : NULL; c && !is_oom; c = c->next)
                if (is(c, "item")) {
                    rss_item(c, publisher, max_depth, &r);
                    if (!push(items, n, &cap, &r)) {
                        raw_article_clear(&r);
                        is_oom = 1;
                    }
                }
        free(publisher);
    } else if (is(root, "feed")) {
        strcpy(format, "atom");
        char *publisher = content_of(child(root, "title"));
        for (const xmlNode *c = root->children; c && !is_oom; c = c->next)
            if (is(c, "entry")) {
                atom_entry(c, publisher, max_depth, &r);
                if (!push(items, n, &cap, &r)) {
                    raw_article_clear(&r);
                    is_oom = 1;
                }
            }
        free(publisher);
    } else {
        xmlFreeDoc(doc);
        return nc_error_set(err, NC_E_FORMAT, name, "XML but neither an RSS nor an Atom feed (root <%s>)",
                            root ? (const char *)root->name : "none");
    }
    xmlFreeDoc(doc);
    if (is_oom) {
        for (size_t i = 0; i < *n; i++)
            raw_article_clear(&(*items)[i]);
        free(*items);
        *items = NULL;
        *n = 0;
        return nc_error_set(err, NC_E_NOMEM, name, "out of memory");
    }
    if (*n == 0) {
        free(*items);
        *items = NULL;
        return nc_error_set(err, NC_E_EMPTY, name, "feed has no items");
    }
    return NC_OK;
}
