/*
 * xml.c — the XML reader: RSS 2.0, RSS 1.0 (RDF) and Atom feeds give a
 * document per item; any other XML gives one document of all its text.
 *
 * libxml2 parses with a fresh context per input, no network, no external
 * DTD and no entity substitution (an entity reference stays a reference,
 * which the walker skips: no "billion laughs"), and in recover mode, so a
 * file cut off mid-tag still yields what was read before the cut. Item
 * bodies often hold HTML escaped as text (description, content:encoded):
 * those go through the HTML parser and the same walker as pages.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "corpus_int.h"

#define XML_OPTS                                                               \
	(XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |           \
	 XML_PARSE_RECOVER | XML_PARSE_COMPACT)

/* Longest link or title kept from an item. */
#define FIELD_MAX 2048

static int named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	       strcasecmp((const char *)n->name, name) == 0;
}

static const char *attr(const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n->properties; a; a = a->next)
		if (a->children && a->children->content &&
		    strcmp((const char *)a->name, name) == 0)
			return (const char *)a->children->content;
	return NULL;
}

/* Text content of @p n, trimmed, into out (cut to cap). */
static void content(const xmlNode *n, char *out, size_t cap)
{
	struct cdx_buf b = CDX_BUF_INIT(cap * 2);
	const char *s;
	size_t k;

	if (corpus_node_text(n, &b) == CDX_ERR_NOMEM)
		b.len = 0;
	s = b.ptr && b.len ? b.ptr : "";

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	snprintf(out, cap, "%s", s);
	k = strlen(out);
	while (k > 0 && (out[k - 1] == ' ' || out[k - 1] == '\t' ||
	                 out[k - 1] == '\n' || out[k - 1] == '\r'))
		out[--k] = '\0';
	cdx_buf_release(&b);
}

static int has_element_child(const xmlNode *n)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return 1;
	return 0;
}

/* The text of an item's body element: markup children (Atom xhtml),
 * escaped HTML, or plain text. */
static int body_text(struct corpus_walk *w, xmlNode *el)
{
	const char *type = attr(el, "type");
	struct cdx_buf c = CDX_BUF_INIT(w->out->max);
	int rc;

	if (has_element_child(el)) {
		rc = CDX_OK;
		for (xmlNode *k = el->children; k && rc == CDX_OK; k = k->next)
			rc = corpus_walk_tree(w, k);
		return rc;
	}
	rc = corpus_node_text(el, &c);
	if (rc || c.len == 0)
		goto cleanup;
	if ((type && strcasecmp(type, "text") == 0) ||
	    (memchr(c.ptr, '<', c.len) == NULL &&
	     memchr(c.ptr, '&', c.len) == NULL))
		rc = corpus_walk_text(w, c.ptr, c.len);
	else
		rc = corpus_walk_html_string(w, c.ptr, c.len);
cleanup:
	cdx_buf_release(&c);
	return rc;
}

/* Rank of a body element (lower is better), 0 when it is not one. */
static int body_rank(const xmlNode *n)
{
	if (named(n, "encoded") || named(n, "content"))
		return 1;
	if (named(n, "description") || named(n, "summary"))
		return 2;
	return 0;
}

/* Rank of a date element (lower is better), 0 when it is not one. */
static int date_rank(const xmlNode *n)
{
	if (named(n, "pubDate") || named(n, "published") ||
	    named(n, "date") || named(n, "issued"))
		return 1;
	if (named(n, "updated") || named(n, "modified"))
		return 2;
	return 0;
}

struct item {
	char title[FIELD_MAX];
	char url[FIELD_MAX];
	char date[11];
	int date_rank;
	xmlNode *body;
	int body_rank;
};

static void item_fields(xmlNode *it, struct item *f)
{
	char tmp[64];
	int k;

	for (xmlNode *c = it->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!f->title[0] && named(c, "title")) {
			content(c, f->title, sizeof f->title);
		} else if (named(c, "link")) {
			const char *href = attr(c, "href");
			const char *rel = attr(c, "rel");

			if (f->url[0])
				continue;
			if (href &&
			    (rel == NULL || strcmp(rel, "alternate") == 0))
				snprintf(f->url, sizeof f->url, "%s", href);
			else if (href == NULL)
				content(c, f->url, sizeof f->url);
		} else if (named(c, "guid") && !f->url[0]) {
			const char *perma = attr(c, "isPermaLink");

			content(c, f->url, sizeof f->url);
			if (strncmp(f->url, "http", 4) != 0 ||
			    (perma && strcmp(perma, "false") == 0))
				f->url[0] = '\0';
		} else if ((k = date_rank(c)) > 0 &&
		           (f->date_rank == 0 || k < f->date_rank)) {
			content(c, tmp, sizeof tmp);
			if (corpus_date_norm(tmp, strlen(tmp), f->date))
				f->date_rank = k;
		} else if ((k = body_rank(c)) > 0 &&
		           (f->body_rank == 0 || k < f->body_rank)) {
			f->body = c;
			f->body_rank = k;
		}
	}
}

/* One feed item: emit it, or warn and skip it when it has no text. */
static int read_item(struct corpus_reader *r, xmlNode *it, size_t num,
                     struct item *f)
{
	struct cdx_buf text = CDX_BUF_INIT(r->text_max);
	struct corpus_walk w = {&text, WALK_NONE, 0, 0};
	char src[FIELD_MAX + 32];
	int rc = CDX_OK;

	memset(f, 0, sizeof *f);
	item_fields(it, f);
	if (f->body)
		rc = body_text(&w, f->body);
	if (rc == CDX_ERR_NOMEM) {
		rc = cdx_error_set(r->err, rc, "'%s': out of memory",
		                   r->source);
		goto cleanup;
	}
	if (rc == CDX_OK && text.len == 0) {
		corpus_warn(r, "item %zu has no text, skipped", num);
		goto cleanup;
	}
	if (f->url[0])
		snprintf(src, sizeof src, "%s", f->url);
	else
		snprintf(src, sizeof src, "%s#%zu", r->source, num);
	rc = corpus_emit(r, &text, src, f->title, f->date, f->url,
	                 CDX_FMT_XML);
cleanup:
	cdx_buf_release(&text);
	return rc;
}

/* Every element named @p item_name, in document order, is an item. */
static int read_items(struct corpus_reader *r, xmlNode *root,
                      const char *item_name, size_t *count)
{
	struct item *f = malloc(sizeof *f);
	xmlNode *n = root;
	int rc = CDX_OK;

	if (f == NULL)
		return cdx_error_set(r->err, CDX_ERR_NOMEM,
		                     "'%s': out of memory", r->source);
	while (n && rc == CDX_OK) {
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, item_name) == 0) {
			rc = read_item(r, n, ++*count, f);
			n = corpus_node_next(root, n, 0);
		} else {
			n = corpus_node_next(root, n, 1);
		}
	}
	free(f);
	return rc;
}

/* ---- salvage: a feed that is not well-formed, item by item ---------- */

/* The root element's start tag is copied around each item so that its
 * namespace declarations still apply; a longer one is not copied (an
 * input could otherwise make every item pay for a huge root tag). */
#define ROOT_TAG_MAX 4096

/* Where the root element's start tag is: the first '<' that does not
 * open a declaration, instruction or comment. */
static int root_tag(const char *s, const char *end, const char **tag,
                    size_t *tag_len, size_t *name_len)
{
	const char *gt;

	while ((s = memchr(s, '<', (size_t)(end - s))) != NULL) {
		if (s + 1 < end && s[1] != '!' && s[1] != '?')
			break;
		s++;
	}
	if (s == NULL || (gt = memchr(s, '>', (size_t)(end - s))) == NULL)
		return 0;
	*tag = s;
	*tag_len = (size_t)(gt + 1 - s);
	for (*name_len = 1; s + *name_len < gt; ++*name_len)
		if (strchr(" \t\r\n/", s[*name_len]))
			break;
	*name_len -= 1;
	return *name_len > 0;
}

/* The next "<NAME" start tag (a name, not a longer one) at or after s. */
static const char *find_tag(const char *s, const char *end, const char *name)
{
	size_t k = strlen(name);

	while ((s = memchr(s, '<', (size_t)(end - s))) != NULL) {
		if ((size_t)(end - s) > k + 1 && memcmp(s + 1, name, k) == 0 &&
		    strchr(" \t\r\n>/", s[k + 1]))
			return s;
		s++;
	}
	return NULL;
}

/*
 * libxml2's recover mode stops reading at the first error it cannot get
 * past, so one broken item would lose every item after it. Each item is
 * cut out of the raw input (up to its end tag, or to the end of the input
 * when it is cut off) and parsed on its own, wrapped in the root's start
 * tag; a broken item then spoils only itself.
 */
static int salvage_items(struct corpus_reader *r, xmlParserCtxtPtr ctxt,
                         const char *data, size_t len, const char *enc,
                         const char *item_name, size_t *count)
{
	const char *end = data + len, *p = data, *a, *b, *tag;
	size_t tag_len, name_len, k = strlen(item_name);
	struct cdx_buf chunk = CDX_BUF_INIT(len + ROOT_TAG_MAX + 64);
	struct corpus_xml_quiet q;
	struct item *f = NULL;
	char close[16];
	int rc = CDX_OK;

	if (!root_tag(data, end, &tag, &tag_len, &name_len) ||
	    (f = malloc(sizeof *f)) == NULL)
		return CDX_OK; /* the tree's items will have to do */
	if (tag_len > ROOT_TAG_MAX) {
		tag = "<r>";
		tag_len = 3;
		name_len = 1;
	}
	snprintf(close, sizeof close, "</%s>", item_name);
	while (rc == CDX_OK && (a = find_tag(p, end, item_name)) != NULL) {
		xmlDocPtr doc;
		xmlNode *root;

		b = find_tag(a + 1, end, item_name); /* an unclosed item ends */
		p = b ? b : end;                     /* where the next starts */
		for (const char *c = a; c + k + 3 <= p; c++)
			if (memcmp(c, close, k + 3) == 0) {
				p = c + k + 3;
				break;
			}
		cdx_buf_clear(&chunk);
		if (cdx_buf_add(&chunk, tag, tag_len) ||
		    cdx_buf_add(&chunk, a, (size_t)(p - a)) ||
		    cdx_buf_printf(&chunk, "</%.*s>", (int)name_len, tag + 1)) {
			rc = cdx_error_set(r->err, CDX_ERR_NOMEM,
			                   "'%s': out of memory", r->source);
			break;
		}
		corpus_xml_quiet(&q);
		doc = xmlCtxtReadMemory(ctxt, chunk.ptr, (int)chunk.len, NULL,
		                        enc, XML_OPTS);
		corpus_xml_restore(&q);
		root = doc ? xmlDocGetRootElement(doc) : NULL;
		++*count;
		for (xmlNode *c = root ? root->children : NULL; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE &&
			    strcmp((const char *)c->name, item_name) == 0) {
				rc = read_item(r, c, *count, f);
				break;
			}
		xmlFreeDoc(doc);
	}
	cdx_buf_release(&chunk);
	free(f);
	return rc;
}

/* First element anywhere whose name is in @p names (document order). */
static xmlNode *find_first(xmlNode *root, const char *const *names,
                           size_t n_names, int need_date)
{
	xmlNode *n = root;
	char tmp[64], d[11];

	while (n) {
		for (size_t i = 0; n->type == XML_ELEMENT_NODE && i < n_names;
		     i++)
			if (named(n, names[i])) {
				if (!need_date)
					return n;
				content(n, tmp, sizeof tmp);
				if (corpus_date_norm(tmp, strlen(tmp), d))
					return n;
			}
		n = corpus_node_next(root, n, 1);
	}
	return NULL;
}

/* Any other XML: one document with all of its text. When @p raw is the
 * file's own UTF-8 (not transcoded, not repaired), the text is the file
 * with its markup blanked (xmltext.c), so that offsets are the file's;
 * else, or when that would pass the text cap, the joined text nodes. */
static int read_generic(struct corpus_reader *r, xmlNode *root,
                        const char *raw, size_t len)
{
	static const char *const title_names[] = {"title", "headline"};
	static const char *const date_names[] = {
		"pubdate", "date", "published", "issued", "created", "updated",
	};
	struct cdx_buf text = CDX_BUF_INIT(r->text_max);
	struct corpus_walk w = {&text, WALK_NONE, 1, 0};
	char title[FIELD_MAX] = "", tmp[64], date[11] = "";
	xmlNode *n;
	int rc;

	n = find_first(root, title_names, 2, 0);
	if (n)
		content(n, title, sizeof title);
	n = find_first(root, date_names,
	               sizeof date_names / sizeof date_names[0], 1);
	if (n) {
		content(n, tmp, sizeof tmp);
		corpus_date_norm(tmp, strlen(tmp), date);
	}
	if (raw && len <= r->text_max)
		rc = corpus_xml_blank(raw, len, &text);
	else
		rc = corpus_walk_tree(&w, root);
	if (rc == CDX_ERR_NOMEM) {
		rc = cdx_error_set(r->err, rc, "'%s': out of memory",
		                   r->source);
		goto cleanup;
	}
	rc = corpus_emit(r, &text, NULL, title, date, NULL, CDX_FMT_XML);
cleanup:
	cdx_buf_release(&text);
	return rc;
}

/* Does an XML declaration at the top name an encoding? */
static int declares_encoding(const char *data, size_t len)
{
	size_t n = len < 512 ? len : 512;

	if (n >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		return 1; /* a BOM says UTF-8 */
	return corpus_xml_decl_encoding(data, n);
}

/*
 * The encoding to tell the parser when the input declares none: XML
 * without a declaration must be UTF-8, but files in Latin-1 or
 * Windows-1252 that forgot to say so are common, and libxml2 would stop
 * at their first accented letter. Damaged UTF-8 is repaired (spaces, as
 * for plain text) into *copy.
 */
static const char *xml_encoding(const struct corpus_reader *r,
                                const char **data, size_t len, char **copy)
{
	size_t bad;

	if (r->utf8_override)
		return "UTF-8";
	if (declares_encoding(*data, len))
		return NULL;
	switch (corpus_guess_charset(*data, len, &bad)) {
	case CORPUS_UTF8: return NULL;
	case CORPUS_LEGACY: return "windows-1252";
	case CORPUS_UTF8_DAMAGED: break;
	}
	*copy = malloc(len);
	if (*copy == NULL)
		return NULL;
	memcpy(*copy, *data, len);
	corpus_utf8_repair(NULL, *copy, len);
	*data = *copy;
	return "UTF-8";
}

int corpus_read_xml(struct corpus_reader *r, const char *data, size_t len)
{
	struct corpus_xml_quiet q;
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	xmlNode *root;
	const char *item = NULL, *enc;
	char why[256], *copy = NULL;
	size_t count = 0;
	int rc;

	if (len > INT_MAX) {
		rc = cdx_error_set(r->err, CDX_ERR_LIMIT,
		                   "'%s': XML is larger than 2 GiB", r->source);
		goto cleanup;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		rc = cdx_error_set(r->err, CDX_ERR_NOMEM, "'%s': out of memory",
		                   r->source);
		goto cleanup;
	}
	corpus_xml_quiet(&q);
	enc = xml_encoding(r, &data, len, &copy);
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, enc, XML_OPTS);
	corpus_xml_restore(&q);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (root == NULL) {
		corpus_xml_error(ctxt, why, sizeof why);
		rc = cdx_error_set(r->err, CDX_ERR_FORMAT,
		                   "'%s': cannot parse XML: %s", r->source,
		                   why);
		goto cleanup;
	}
	if (!ctxt->wellFormed) {
		corpus_xml_error(ctxt, why, sizeof why);
		corpus_warn(r, "malformed XML, read what was readable: %s",
		            why);
	}
	if (named(root, "rss") || named(root, "RDF"))
		item = "item";
	else if (named(root, "feed"))
		item = "entry";
	rc = CDX_OK;
	if (item && !ctxt->wellFormed)
		rc = salvage_items(r, ctxt, data, len,
		                   doc->encoding ? (const char *)doc->encoding
		                                 : enc,
		                   item, &count);
	if (item && rc == CDX_OK && count == 0)
		rc = read_items(r, root, item, &count);
	if (rc == CDX_OK && count == 0)
		rc = read_generic(r, root,
		                  copy == NULL && !r->utf8_override &&
		                          (doc->encoding == NULL ||
		                           strcasecmp((const char *)doc->encoding,
		                                      "UTF-8") == 0)
		                      ? data
		                      : NULL,
		                  len);
cleanup:
	xmlFreeDoc(doc);
	if (ctxt)
		xmlFreeParserCtxt(ctxt);
	free(copy);
	return rc;
}
