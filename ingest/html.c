/*
** html.c — the main article text and metadata of an HTML page (libxml2).
**
** Parsing: libxml2's HTML parser with HTML_PARSE_NONET (nothing fetched),
** in recovery mode (truncated pages still yield their text). No entity is
** loaded from outside the document.
**
** Main text: a readability-style scoring with general signals, never the
** wording of particular sites. Subtrees that are not prose are dropped by
** what they are (script, style, nav, aside, footer, form, figure captions,
** role=navigation, hidden) and by class/id tokens that name page furniture
** (comment, share, social, ad, promo, related, newsletter, cookie, sidebar,
** ...). Each <p> with enough text and few links scores for its parent (and
** half for its grandparent); the best-scoring container is the article.
** Inside it, blocks whose text is mostly links are dropped too.
**
** Metadata: title from og:title, <title> or the first h1; date from
** article:published_time, JSON-LD datePublished or <time datetime>;
** publisher from og:site_name; URL from the canonical link or og:url.
*/
#include "ingest_int.h"
#include "html_int.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

void raw_article_clear(raw_article *r)
{
    free(r->text);
    free(r->title);
    free(r->publisher);
    free(r->url);
    free(r->date);
    free(r->date_source);
    memset(r, 0, sizeof *r);
}

static int name_is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name && !strcasecmp((const char *)n->name, name);
}

static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

static const char *const skip_tags[] = {
    "script", "style", "noscript", "template", "svg", "nav", "aside", "footer",
    "form", "iframe", "button", "select", "textarea", "figcaption", "menu",
    "object", "embed", "canvas", "video", "audio", "head", "label", "input", NULL
};

/* class/id tokens that name page furniture rather than article text */
static const char *const furniture[] = {
    "comment", "share", "sharing", "social", "advert", "ads", "ad", "adslot",
    "promo", "sponsor", "related", "newsletter", "cookie", "sidebar", "footer",
    "nav", "navbar", "menu", "breadcrumb", "subscribe", "widget", "banner",
    "popup", "modal", "outbrain", "taboola", "recommend", "byline-share",
    "teaser", "tags", "masthead", "toolbar", "disqus", "paywall", "consent", NULL
};

static int token_is_furniture(const char *tok, size_t n)
{
    char low[64];
    if (n == 0 || n >= sizeof low)
        return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)tok[i]);
    low[n] = 0;
    for (size_t i = 0; furniture[i]; i++) {
        size_t fl = strlen(furniture[i]);
        if (!strcmp(low, furniture[i]))
            return 1;
        /* "comments", "comment-list", "share-bar", "ad-container" */
        if (fl >= 4 && !strncmp(low, furniture[i], fl) &&
            (low[fl] == 's' || low[fl] == '-' || low[fl] == '_'))
            return 1;
        if (fl <= 3 && !strncmp(low, furniture[i], fl) && (low[fl] == '-' || low[fl] == '_'))
            return 1;
    }
    return 0;
}

static int attr_is_furniture(const xmlNode *n, const char *name)
{
    char *v = attr(n, name);
    if (!v)
        return 0;
    int hit = 0;
    for (char *s = v; *s && !hit;) {
        while (*s && !isalnum((unsigned char)*s))
            s++;
        char *e = s;
        while (*e && (isalnum((unsigned char)*e) || *e == '-' || *e == '_'))
            e++;
        /* whole token, then its parts split at '-' and '_' */
        hit = token_is_furniture(s, (size_t)(e - s));
        for (char *p = s; !hit && p < e;) {
            char *q = p;
            while (q < e && *q != '-' && *q != '_')
                q++;
            hit = token_is_furniture(p, (size_t)(q - p));
            p = q + 1;
        }
        s = e;
    }
    free(v);
    return hit;
}

int html_is_skipped(const xmlNode *n)
{
    if (n->type != XML_ELEMENT_NODE)
        return n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE;
    for (size_t i = 0; skip_tags[i]; i++)
        if (name_is(n, skip_tags[i]))
            return 1;
    if (name_is(n, "header") && n->parent && (name_is(n->parent, "body")))
        return 1;                  /* the site header, not an article header */
    char *role = attr(n, "role");
    int skip = role && (!strcmp(role, "navigation") || !strcmp(role, "complementary") ||
                        !strcmp(role, "contentinfo") || !strcmp(role, "banner"));
    free(role);
    if (skip)
        return 1;
    xmlChar *hidden = xmlGetProp(n, (const xmlChar *)"hidden");
    if (hidden) {
        xmlFree(hidden);
        return 1;
    }
    char *aria = attr(n, "aria-hidden");
    skip = aria && !strcmp(aria, "true");
    free(aria);
    if (skip)
        return 1;
    if (name_is(n, "article") || name_is(n, "main") || name_is(n, "body"))
        return 0;                  /* never drop the article itself by its class */
    return attr_is_furniture(n, "class") || attr_is_furniture(n, "id");
}

static int is_block(const xmlNode *n)
{
    static const char *const blocks[] = {
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
        "li", "ul", "ol", "blockquote", "pre", "table", "tr", "td", "th", "dd", "dt",
        "dl", "br", "hr", "header", "figure", "address", "center", NULL
    };
    for (size_t i = 0; blocks[i]; i++)
        if (name_is(n, blocks[i]))
            return 1;
    return 0;
}

/* Text length and link-text length of a subtree (skipped parts excluded). */
static void measure(const xmlNode *n, int depth, int max_depth, int in_link,
                    size_t *text, size_t *links)
{
    if (depth > max_depth)
        return;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            size_t l = 0;
            for (const xmlChar *p = c->content; p && *p; p++)
                l += !isspace(*p);
            *text += l;
            if (in_link)
                *links += l;
        } else if (c->type == XML_ELEMENT_NODE && !html_is_skipped(c)) {
            measure(c, depth + 1, max_depth, in_link || name_is(c, "a"), text, links);
        }
    }
}

typedef struct cand {
    const xmlNode *node;
    double score;
} cand;

typedef struct scoring {
    cand *v;
    size_t n, cap;
    int max_depth;
} scoring;

static void add_score(scoring *sc, const xmlNode *n, double s)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return;
    for (size_t i = 0; i < sc->n; i++)
        if (sc->v[i].node == n) {
            sc->v[i].score += s;
            return;
        }
    if (sc->n == sc->cap) {
        size_t cap = sc->cap ? sc->cap * 2 : 32;
        cand *v = realloc(sc->v, cap * sizeof *v);
        if (!v)
            return;
        sc->v = v;
        sc->cap = cap;
    }
    sc->v[sc->n].node = n;
    sc->v[sc->n].score = s;
    sc->n++;
}

static void score_paragraphs(scoring *sc, const xmlNode *n, int depth)
{
    if (depth > sc->max_depth)
        return;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || html_is_skipped(c))
            continue;
        if (name_is(c, "p") || name_is(c, "pre") || name_is(c, "blockquote")) {
            size_t t = 0, l = 0;
            measure(c, depth + 1, sc->max_depth, 0, &t, &l);
            if (t >= 25 && l * 2 < t) {
                double s = 1.0 + (double)t / 100.0;
                add_score(sc, c->parent, s);
                if (c->parent)
                    add_score(sc, c->parent->parent, s / 2);
            }
        } else {
            score_paragraphs(sc, c, depth + 1);
        }
    }
}

/* Append the text of a subtree, '\n' between blocks, links-heavy blocks
** dropped. */
void html_text_of(const xmlNode *n, int depth, int max_depth, buf *o)
{
    if (depth > max_depth)
        return;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            for (const xmlChar *p = c->content; p && *p; p++)
                buf_addc(o, (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : (char)*p);
            continue;
        }
        if (c->type != XML_ELEMENT_NODE || html_is_skipped(c))
            continue;
        int block = is_block(c);
        if (block && !name_is(c, "br") && !name_is(c, "hr") &&
            (name_is(c, "ul") || name_is(c, "ol") || name_is(c, "div") || name_is(c, "section") ||
             name_is(c, "table") || name_is(c, "li"))) {
            size_t t = 0, l = 0;
            measure(c, depth + 1, max_depth, 0, &t, &l);
            if (t > 0 && l * 2 > t)
                continue;          /* mostly links: a menu or a list of related articles */
        }
        if (block)
            buf_addc(o, '\n');
        html_text_of(c, depth + 1, max_depth, o);
        if (block)
            buf_addc(o, '\n');
    }
}

static const xmlNode *find_first(const xmlNode *n, const char *name, int depth, int max_depth)
{
    if (depth > max_depth)
        return NULL;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (name_is(c, name))
            return c;
        if (c->type == XML_ELEMENT_NODE) {
            const xmlNode *r = find_first(c, name, depth + 1, max_depth);
            if (r)
                return r;
        }
    }
    return NULL;
}

static char *text_content(const xmlNode *n)
{
    xmlChar *t = xmlNodeGetContent(n);
    if (!t)
        return NULL;
    /* collapse white space */
    buf b = { 0 };
    int sp = 0;
    for (const xmlChar *p = t; *p; p++) {
        if (isspace(*p)) {
            sp = b.len > 0;
            continue;
        }
        if (sp)
            buf_addc(&b, ' ');
        sp = 0;
        buf_addc(&b, (char)*p);
    }
    xmlFree(t);
    return b.len ? buf_steal(&b) : (buf_free(&b), NULL);
}

static void set_once(char **slot, char *v)
{
    if (!*slot && v && *v)
        *slot = v;
    else
        free(v);
}

/* "datePublished": "2023-03-30T..." inside JSON-LD */
static char *jsonld_date(const char *s)
{
    const char *k = strstr(s, "\"datePublished\"");
    if (!k)
        return NULL;
    k += 15;
    while (*k == ' ' || *k == ':' || *k == '\t' || *k == '\n')
        k++;
    if (*k != '"')
        return NULL;
    const char *e = strchr(k + 1, '"');
    return e ? xstrndup(k + 1, (size_t)(e - k - 1)) : NULL;
}

static void collect_meta(const xmlNode *n, int depth, int max_depth, raw_article *r,
                         char **og_title, char **time_dt, char **ld_date)
{
    if (depth > max_depth)
        return;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (name_is(c, "meta")) {
            char *prop = attr(c, "property");
            if (!prop)
                prop = attr(c, "name");
            char *content = prop ? attr(c, "content") : NULL;
            if (prop && content) {
                if (!strcasecmp(prop, "og:title"))
                    set_once(og_title, content), content = NULL;
                else if (!strcasecmp(prop, "og:site_name"))
                    set_once(&r->publisher, content), content = NULL;
                else if (!strcasecmp(prop, "og:url"))
                    set_once(&r->url, content), content = NULL;
                else if (!strcasecmp(prop, "article:published_time") ||
                         !strcasecmp(prop, "datePublished") || !strcasecmp(prop, "pubdate") ||
                         !strcasecmp(prop, "dc.date") || !strcasecmp(prop, "date"))
                    set_once(&r->date, content), content = NULL;
            }
            free(prop);
            free(content);
        } else if (name_is(c, "link")) {
            char *rel = attr(c, "rel");
            if (rel && !strcasecmp(rel, "canonical")) {
                char *href = attr(c, "href");
                free(r->url);            /* the canonical link wins over og:url */
                r->url = href;
            }
            free(rel);
        } else if (name_is(c, "title")) {
            set_once(&r->title, text_content(c));
        } else if (name_is(c, "time")) {
            set_once(time_dt, attr(c, "datetime"));
        } else if (name_is(c, "script")) {
            char *type = attr(c, "type");
            if (type && !strcasecmp(type, "application/ld+json")) {
                xmlChar *t = xmlNodeGetContent(c);
                if (t) {
                    set_once(ld_date, jsonld_date((const char *)t));
                    xmlFree(t);
                }
            }
            free(type);
        }
        collect_meta(c, depth + 1, max_depth, r, og_title, time_dt, ld_date);
    }
}

int html_extract_doc(xmlDoc *doc, int max_depth, raw_article *r)
{
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (!root)
        return NC_E_EMPTY;
    char *og_title = NULL, *time_dt = NULL, *ld_date = NULL;
    collect_meta((const xmlNode *)doc, 0, max_depth, r, &og_title, &time_dt, &ld_date);
    if (og_title) {
        free(r->title);
        r->title = og_title;
    }
    if (!r->title) {
        const xmlNode *h1 = find_first(root, "h1", 0, max_depth);
        if (h1)
            r->title = text_content(h1);
    }
    if (r->date) {
        r->date_source = xstrdup("html meta");
    } else if (ld_date) {
        r->date = ld_date, ld_date = NULL;
        r->date_source = xstrdup("JSON-LD");
    } else if (time_dt) {
        r->date = time_dt, time_dt = NULL;
        r->date_source = xstrdup("<time>");
    }
    free(ld_date);
    free(time_dt);

    scoring sc = { 0 };
    sc.max_depth = max_depth;
    score_paragraphs(&sc, root, 0);
    const xmlNode *best = NULL;
    double best_score = 0;
    for (size_t i = 0; i < sc.n; i++)
        if (sc.v[i].score > best_score) {
            best_score = sc.v[i].score;
            best = sc.v[i].node;
        }
    free(sc.v);
    if (!best) {
        best = find_first(root, "body", 0, 4);
        if (!best)
            best = root;
    }
    buf o = { 0 };
    /* an article heading just before the chosen container belongs to it */
    html_text_of(best, 0, max_depth, &o);
    if (o.is_oom) {
        buf_free(&o);
        return NC_E_NOMEM;
    }
    r->text = buf_steal(&o);
    return NC_OK;
}

/* Depth of the deepest element, walked without recursion (a hostile page
** may nest 100,000 elements). */
static int tree_depth(const xmlNode *root)
{
    int depth = 0, max = 0;
    const xmlNode *n = root;
    while (n) {
        if (n->children) {
            n = n->children;
            if (++depth > max)
                max = depth;
            continue;
        }
        while (n && !n->next && n != root) {
            n = n->parent;
            depth--;
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
    return max;
}

int html_extract(const char *name, const unsigned char *data, size_t len,
                 const char *encoding, int max_depth, raw_article *r, nc_error *err)
{
    memset(r, 0, sizeof *r);
    if (len > (size_t)INT32_MAX)
        return nc_error_set(err, NC_E_TOOBIG, name, "HTML file too large");
    htmlDocPtr doc = htmlReadMemory((const char *)data, (int)len, NULL, encoding,
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                    HTML_PARSE_RECOVER | HTML_PARSE_COMPACT);
    if (!doc)
        return nc_error_set(err, NC_E_FORMAT, name, "HTML could not be parsed");
    int rc = html_extract_doc(doc, max_depth, r);
    const xmlNode *root = xmlDocGetRootElement(doc);
    /* libxml2 itself stops reading at 256 levels ("Excessive depth") */
    int too_deep = root && tree_depth(root) >= (max_depth < 256 ? max_depth : 256);
    xmlFreeDoc(doc);
    if (rc == NC_E_NOMEM)
        return nc_error_set(err, rc, name, "out of memory");
    int has_text = 0;
    for (const char *p = r->text; p && *p && !has_text; p++)
        has_text = !isspace((unsigned char)*p);
    if (rc != NC_OK || !has_text) {
        raw_article_clear(r);
        if (too_deep)
            return nc_error_set(err, NC_E_LIMIT, name,
                                "markup nested deeper than %d levels; text below that depth is not read", max_depth);
        return nc_error_set(err, NC_E_EMPTY, name, "HTML page has no article text");
    }
    return NC_OK;
}

int sniff_markup(const unsigned char *d, size_t n)
{
    size_t k = n < 2048 ? n : 2048;
    char head[2049];
    size_t j = 0;
    for (size_t i = 0; i < k; i++)
        head[j++] = (char)tolower(d[i]);
    head[j] = 0;
    const char *p = head;
    /* skip a UTF-8 BOM and white space */
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        p += 3;
    while (*p && isspace((unsigned char)*p))
        p++;
    if (*p != '<')
        return 0;
    if (strstr(p, "<rss") || strstr(p, "<feed") || strstr(p, "<rdf:rdf"))
        return 1;
    if (strstr(p, "<html") || strstr(p, "<!doctype html") || strstr(p, "<body") ||
        strstr(p, "<p>") || strstr(p, "<div") || strstr(p, "<head"))
        return 2;
    return 0;
}
