/*
 * html.c — libxml2 trees to text, and the HTML page reader.
 *
 * The walker is shared by every libxml2-based reader: it visits a tree
 * without recursion (hostile nesting cannot blow the stack), drops
 * elements that are not article text (scripts, navigation, forms),
 * turns block elements into paragraph breaks and collapses whitespace as
 * a browser would. Breaks are owed, not written: a break is emitted only
 * when text follows, so empty blocks never pile up blank lines.
 *
 * Pages are parsed with a fresh parser context each, no network, errors
 * and warnings kept inside the context (no global handlers: libxml2
 * 2.9.14 has no per-context ones), and no external entities.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "corpus_int.h"

#define HTML_OPTS                                                              \
	(HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |        \
	 HTML_PARSE_RECOVER | HTML_PARSE_COMPACT)

/* Longest title or date attribute we look at. */
#define META_MAX 1024

enum { K_INLINE, K_BLOCK, K_BREAK, K_CELL, K_DROP, K_PRE };

static const struct {
	const char *name;
	unsigned char kind;
} html_elems[] = {
	/* not article text */
	{"script", K_DROP}, {"style", K_DROP}, {"nav", K_DROP},
	{"footer", K_DROP}, {"aside", K_DROP}, {"form", K_DROP},
	{"noscript", K_DROP}, {"template", K_DROP}, {"svg", K_DROP},
	{"iframe", K_DROP}, {"object", K_DROP}, {"embed", K_DROP},
	{"canvas", K_DROP}, {"select", K_DROP}, {"button", K_DROP},
	{"head", K_DROP}, {"math", K_DROP}, {"audio", K_DROP},
	{"video", K_DROP}, {"textarea", K_DROP}, {"dialog", K_DROP},
	/* blocks: paragraph breaks around them */
	{"p", K_BLOCK}, {"div", K_BLOCK}, {"h1", K_BLOCK}, {"h2", K_BLOCK},
	{"h3", K_BLOCK}, {"h4", K_BLOCK}, {"h5", K_BLOCK}, {"h6", K_BLOCK},
	{"li", K_BLOCK}, {"tr", K_BLOCK}, {"section", K_BLOCK},
	{"article", K_BLOCK}, {"blockquote", K_BLOCK}, {"table", K_BLOCK},
	{"ul", K_BLOCK}, {"ol", K_BLOCK}, {"dd", K_BLOCK}, {"dt", K_BLOCK},
	{"dl", K_BLOCK}, {"figcaption", K_BLOCK}, {"figure", K_BLOCK},
	{"main", K_BLOCK}, {"address", K_BLOCK}, {"hr", K_BLOCK},
	{"caption", K_BLOCK}, {"fieldset", K_BLOCK}, {"details", K_BLOCK},
	{"summary", K_BLOCK}, {"center", K_BLOCK}, {"header", K_BLOCK},
	{"hgroup", K_BLOCK}, {"body", K_BLOCK}, {"html", K_BLOCK},
	{"thead", K_BLOCK}, {"tbody", K_BLOCK}, {"tfoot", K_BLOCK},
	{"title", K_BLOCK},
	{"pre", K_PRE}, {"br", K_BREAK}, {"td", K_CELL}, {"th", K_CELL},
};

/* In generic XML every element is a block except these. */
static const char *const xml_inline[] = {
	"a", "abbr", "b", "cite", "code", "em", "emphasis", "font", "i",
	"kbd", "mark", "q", "s", "small", "span", "strong", "sub", "sup",
	"time", "tt", "u", "var", "big",
};

static int elem_kind(const struct corpus_walk *w, const xmlNode *n)
{
	const char *name = (const char *)n->name;

	if (w->generic) {
		if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0)
			return K_DROP;
		for (size_t i = 0; i < sizeof xml_inline / sizeof xml_inline[0];
		     i++)
			if (strcmp(name, xml_inline[i]) == 0)
				return K_INLINE;
		return K_BLOCK;
	}
	/* the HTML parser lower-cases names; the first byte filters cheaply */
	for (size_t i = 0; i < sizeof html_elems / sizeof html_elems[0]; i++)
		if (name[0] == html_elems[i].name[0] &&
		    strcmp(name, html_elems[i].name) == 0)
			return html_elems[i].kind;
	return K_INLINE;
}

void corpus_walk_break(struct corpus_walk *w, int level)
{
	if (w->out->len > 0 && w->pending < level)
		w->pending = level;
}

int corpus_walk_text(struct corpus_walk *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, j;
	int rc;

	while (i < n) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' ||
		    p[i] == '\r' || p[i] == '\f') {
			int level = w->pre && p[i] == '\n' ? WALK_LINE
			                                   : WALK_SPACE;

			corpus_walk_break(w, level);
			i++;
			continue;
		}
		if (p[i] == 0xc2 && i + 1 < n && p[i + 1] == 0xa0) { /* nbsp */
			corpus_walk_break(w, WALK_SPACE);
			i += 2;
			continue;
		}
		for (j = i + 1; j < n; j++)
			if (p[j] == ' ' || p[j] == '\t' || p[j] == '\n' ||
			    p[j] == '\r' || p[j] == '\f' ||
			    (p[j] == 0xc2 && j + 1 < n && p[j + 1] == 0xa0))
				break;
		if (w->out->len > 0 && w->pending != WALK_NONE) {
			static const char *const brk[] = {"", " ", "\n",
			                                  "\n\n"};

			rc = cdx_buf_puts(w->out, brk[w->pending]);
			if (rc)
				return rc;
		}
		w->pending = WALK_NONE;
		rc = cdx_buf_add(w->out, s + i, j - i);
		if (rc)
			return rc;
		i = j;
	}
	return CDX_OK;
}

/* Entering @p n: emit what it starts; 1 when its children are wanted. */
static int enter(struct corpus_walk *w, xmlNode *n, int *rc)
{
	switch (n->type) {
	case XML_ELEMENT_NODE:
		switch (elem_kind(w, n)) {
		case K_DROP:
			corpus_walk_break(w, WALK_SPACE);
			return 0;
		case K_BLOCK:
			corpus_walk_break(w, WALK_PARA);
			return 1;
		case K_PRE:
			corpus_walk_break(w, WALK_PARA);
			w->pre++;
			return 1;
		case K_BREAK:
			corpus_walk_break(w, WALK_LINE);
			return 0;
		case K_CELL:
			corpus_walk_break(w, WALK_SPACE);
			return 1;
		}
		return 1;
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		if (n->content)
			*rc = corpus_walk_text(
				w, (const char *)n->content,
				strlen((const char *)n->content));
		return 0;
	case XML_DOCUMENT_NODE:
	case XML_HTML_DOCUMENT_NODE:
		return 1;
	default: /* comments, PIs; entity references are never expanded */
		return 0;
	}
}

/* Leaving @p n: close what enter() opened. */
static void leave(struct corpus_walk *w, xmlNode *n)
{
	if (n->type != XML_ELEMENT_NODE)
		return;
	switch (elem_kind(w, n)) {
	case K_PRE:
		w->pre--;
		corpus_walk_break(w, WALK_PARA);
		break;
	case K_BLOCK:
		corpus_walk_break(w, WALK_PARA);
		break;
	case K_CELL:
		corpus_walk_break(w, WALK_SPACE);
		break;
	}
}

int corpus_walk_tree(struct corpus_walk *w, xmlNode *root)
{
	xmlNode *n = root;
	int rc = CDX_OK;

	while (n) {
		if (enter(w, n, &rc) && n->children) {
			n = n->children;
			continue;
		}
		if (rc)
			return rc;
		leave(w, n);
		while (n != root && n->next == NULL) {
			n = n->parent;
			leave(w, n);
		}
		if (n == root)
			break;
		n = n->next;
	}
	return rc;
}

xmlNode *corpus_node_next(const xmlNode *root, const xmlNode *n, int down)
{
	if (down && n->type == XML_ELEMENT_NODE && n->children)
		return n->children;
	while (n != root && n->next == NULL)
		n = n->parent;
	return n == root ? NULL : n->next;
}

int corpus_node_text(const xmlNode *root, struct cdx_buf *out)
{
	const xmlNode *n = root;
	int rc = CDX_OK;

	for (; n && rc == CDX_OK; n = corpus_node_next(root, n, 1))
		if ((n->type == XML_TEXT_NODE ||
		     n->type == XML_CDATA_SECTION_NODE) && n->content)
			rc = cdx_buf_puts(out, (const char *)n->content);
	return rc;
}

static void silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

void corpus_xml_quiet(struct corpus_xml_quiet *q)
{
	q->ctx = xmlGenericErrorContext;
	q->fn = xmlGenericError;
	xmlSetGenericErrorFunc(NULL, silent);
}

void corpus_xml_restore(const struct corpus_xml_quiet *q)
{
	xmlSetGenericErrorFunc(q->ctx, q->fn);
}

void cdx_corpus_init(void)
{
	xmlInitParser();
}

void corpus_xml_error(struct _xmlParserCtxt *ctxt, char *buf, size_t cap)
{
	xmlErrorPtr e = ctxt ? xmlCtxtGetLastError(ctxt) : NULL;
	size_t n;

	if (e == NULL || e->message == NULL) {
		snprintf(buf, cap, "unknown error");
		return;
	}
	if (strncmp(e->message, "Excessive depth", 15) == 0)
		/* libxml2's bound; its message suggests an option we refuse */
		snprintf(buf, cap, "elements nested more than %u deep",
		         xmlParserMaxDepth);
	else
		snprintf(buf, cap, "%s", e->message);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	if (e->line > 0 && n + 16 < cap)
		snprintf(buf + n, cap - n, " (line %d)", e->line);
}

int corpus_walk_html_string(struct corpus_walk *w, const char *s, size_t n)
{
	struct corpus_xml_quiet q;
	htmlParserCtxtPtr ctxt = NULL;
	htmlDocPtr doc = NULL;
	int rc = CDX_OK;

	if (n == 0)
		return CDX_OK;
	if (n > INT_MAX)
		return CDX_ERR_LIMIT;
	ctxt = htmlNewParserCtxt();
	if (ctxt == NULL)
		return CDX_ERR_NOMEM;
	/* strings from libxml2 are UTF-8 whatever the input said */
	corpus_xml_quiet(&q);
	doc = htmlCtxtReadMemory(ctxt, s, (int)n, NULL, "UTF-8", HTML_OPTS);
	corpus_xml_restore(&q);
	if (doc != NULL && xmlDocGetRootElement(doc) != NULL) {
		corpus_walk_break(w, WALK_PARA);
		rc = corpus_walk_tree(w, xmlDocGetRootElement(doc));
		corpus_walk_break(w, WALK_PARA);
	} else {
		rc = corpus_walk_text(w, s, n); /* not markup after all */
	}
	xmlFreeDoc(doc);
	htmlFreeParserCtxt(ctxt);
	return rc;
}

/* ---- the page reader ------------------------------------------------ */

struct page_meta {
	char title[META_MAX];
	char h1[META_MAX];
	char date[11];
	int date_rank; /* lower is better; 0 = none yet */
	char url[META_MAX];
};

static const char *attr(const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n->properties; a; a = a->next)
		if (a->children && a->children->content &&
		    strcasecmp((const char *)a->name, name) == 0)
			return (const char *)a->children->content;
	return NULL;
}

static void node_text(const xmlNode *n, char *out, size_t cap)
{
	struct cdx_buf b = CDX_BUF_INIT(cap - 1);

	/* a title cut at the cap is still a title */
	if (corpus_node_text(n, &b) == CDX_ERR_NOMEM)
		b.len = 0;
	snprintf(out, cap, "%.*s", (int)b.len, b.ptr ? b.ptr : "");
	cdx_buf_release(&b);
}

static void try_date(struct page_meta *m, const char *v, int rank)
{
	char d[11];

	if (v && (m->date_rank == 0 || rank < m->date_rank) &&
	    corpus_date_norm(v, strnlen(v, META_MAX), d)) {
		memcpy(m->date, d, sizeof d);
		m->date_rank = rank;
	}
}

/* <meta> names that carry the publication date, best first. */
static int meta_date_rank(const xmlNode *n)
{
	static const char *const keys[] = {
		"article:published_time", "datePublished", "date", "pubdate",
		"dc.date", "dc.date.issued", "dcterms.date", "publish-date",
		"og:published_time", "article:modified_time", "dateModified",
	};
	const char *k = attr(n, "property");

	if (k == NULL)
		k = attr(n, "name");
	if (k == NULL)
		k = attr(n, "itemprop");
	if (k == NULL)
		return 0;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcasecmp(k, keys[i]) == 0)
			return (int)i + 1;
	return 0;
}

/* Title, date and canonical URL from anywhere in the page. */
static void page_meta(xmlNode *root, struct page_meta *m)
{
	xmlNode *n = root;
	int rank;

	while (n) {
		int down = 1;

		if (n->type == XML_ELEMENT_NODE) {
			const char *name = (const char *)n->name;

			down = strcasecmp(name, "svg") != 0 &&
			       strcasecmp(name, "script") != 0 &&
			       strcasecmp(name, "style") != 0;
			if (!m->title[0] && strcasecmp(name, "title") == 0)
				node_text(n, m->title, sizeof m->title);
			else if (!m->h1[0] && strcasecmp(name, "h1") == 0)
				node_text(n, m->h1, sizeof m->h1);
			else if (strcasecmp(name, "meta") == 0 &&
			         (rank = meta_date_rank(n)) > 0)
				try_date(m, attr(n, "content"), rank);
			else if (strcasecmp(name, "time") == 0)
				try_date(m, attr(n, "datetime"), 100);
			else if (!m->url[0] && strcasecmp(name, "link") == 0 &&
			         attr(n, "rel") && attr(n, "href") &&
			         strcasecmp(attr(n, "rel"), "canonical") == 0)
				snprintf(m->url, sizeof m->url, "%s",
				         attr(n, "href"));
		}
		n = corpus_node_next(root, n, down);
	}
}

/* Is a charset declared near the top (meta charset, http-equiv, or an
 * XML declaration with an encoding)? */
static int declares_charset(const char *data, size_t len)
{
	size_t n = len < 4096 ? len : 4096;

	for (size_t i = 0; i + 7 <= n; i++)
		if ((data[i] | 0x20) == 'c' &&
		    strncasecmp(data + i, "charset", 7) == 0)
			return 1;
	return corpus_xml_decl_encoding(data, n);
}

/*
 * The encoding to tell the parser: libxml2 2.9.14 reads an HTML page that
 * declares nothing as ISO-8859-1, but today such a page is nearly always
 * UTF-8. Undeclared input that is UTF-8 (or has some valid multi-byte
 * sequences among a few bad bytes, which *repair then says) is read as
 * UTF-8; undeclared input with no valid multi-byte sequence at all is
 * legacy text, read as Windows-1252. Declared charsets are honoured.
 */
static const char *page_encoding(const struct corpus_reader *r,
                                 const char *data, size_t len, int *repair)
{
	size_t bad;

	*repair = 0;
	if (r->utf8_override)
		return "UTF-8";
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		return NULL; /* libxml2 honours the BOM */
	if (declares_charset(data, len))
		return NULL;
	switch (corpus_guess_charset(data, len, &bad)) {
	case CORPUS_UTF8: return "UTF-8";
	case CORPUS_UTF8_DAMAGED: *repair = 1; return "UTF-8";
	case CORPUS_LEGACY: break;
	}
	return "windows-1252";
}

/* Did the parser give up before the end (depth bound, internal error)? */
static int stopped_early(htmlParserCtxtPtr ctxt)
{
	xmlErrorPtr e = xmlCtxtGetLastError(ctxt);

	return e != NULL && e->level == XML_ERR_FATAL;
}

int corpus_read_html(struct corpus_reader *r, const char *data, size_t len)
{
	struct cdx_buf text = CDX_BUF_INIT(r->text_max);
	struct corpus_walk w = {&text, WALK_NONE, 0, 0};
	struct page_meta *m = NULL;
	struct corpus_xml_quiet q;
	htmlParserCtxtPtr ctxt = NULL;
	htmlDocPtr doc = NULL;
	xmlNode *root;
	const char *enc;
	char why[256], *copy = NULL;
	int rc, repair, early;

	if (len > INT_MAX) {
		rc = cdx_error_set(r->err, CDX_ERR_LIMIT,
		                   "'%s': page is larger than 2 GiB",
		                   r->source);
		goto cleanup;
	}
	m = calloc(1, sizeof *m);
	ctxt = htmlNewParserCtxt();
	if (m == NULL || ctxt == NULL)
		goto nomem;
	enc = page_encoding(r, data, len, &repair);
	if (repair) {
		/* a few bad bytes in UTF-8 text: spaces, as for plain text */
		copy = malloc(len);
		if (copy == NULL)
			goto nomem;
		memcpy(copy, data, len);
		corpus_utf8_repair(NULL, copy, len);
		data = copy;
	}
	corpus_xml_quiet(&q);
	doc = htmlCtxtReadMemory(ctxt, data, (int)len, NULL, enc, HTML_OPTS);
	corpus_xml_restore(&q);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (root == NULL) {
		corpus_xml_error(ctxt, why, sizeof why);
		rc = cdx_error_set(r->err, CDX_ERR_FORMAT,
		                   "'%s': cannot parse HTML: %s", r->source,
		                   why);
		goto cleanup;
	}
	/* recover mode keeps going past most errors; not these */
	early = stopped_early(ctxt);
	if (early)
		corpus_xml_error(ctxt, why, sizeof why);
	/* the tree holds what the walk needs; the page, its repaired copy
	 * and the parser's own copy of it (as large as the page) go before
	 * the walk adds the text beside the tree */
	htmlFreeParserCtxt(ctxt);
	ctxt = NULL;
	free(copy);
	copy = NULL;
	corpus_input_release(r);
	page_meta(root, m);
	rc = corpus_walk_tree(&w, root);
	if (rc == CDX_ERR_NOMEM)
		goto nomem;
	if (early) {
		if (text.len == 0) {
			rc = cdx_error_set(r->err, CDX_ERR_FORMAT,
			                   "'%s': cannot parse HTML: %s",
			                   r->source, why);
			goto cleanup;
		}
		corpus_warn(r, "HTML parsing stopped early, read what was "
		            "readable: %s", why);
	}
	/* the tree is the largest thing held (several times the page):
	 * gone, its pages given back, before the text's documents go
	 * downstream */
	xmlFreeDoc(doc);
	doc = NULL;
	corpus_heap_trim(len);
	rc = corpus_emit(r, &text, NULL, m->title[0] ? m->title : m->h1,
	                 m->date, m->url, CDX_FMT_HTML);
	goto cleanup;
nomem:
	rc = cdx_error_set(r->err, CDX_ERR_NOMEM, "'%s': out of memory",
	                   r->source);
cleanup:
	cdx_buf_release(&text);
	xmlFreeDoc(doc);
	if (ctxt)
		htmlFreeParserCtxt(ctxt);
	free(m);
	free(copy);
	return rc;
}
