/* html_int.h — shared by html.c and feed.c only. */
#ifndef NC_HTML_INT_H
#define NC_HTML_INT_H
#include <libxml/tree.h>
#include "ingest_int.h"
/* Main text and metadata of a parsed (X)HTML document. Returns NC_OK,
** NC_E_EMPTY or NC_E_NOMEM; fills r (clear with raw_article_clear). */
int  html_extract_doc(xmlDoc *doc, int max_depth, raw_article *r);
/* Append the text below n, '\n' between blocks, page furniture dropped. */
void html_text_of(const xmlNode *n, int depth, int max_depth, buf *o);
int  html_is_skipped(const xmlNode *n);
#endif
