/*
 * test_corpus.c — corpus/: format detection, every reader on fixtures we
 * wrote (tests/data/corpus), UTF-8 repair, the error codes of reading;
 * and, when ../shared is there, the real corpora (BBC, Reuters, critical
 * minerals). Sentences and tokens are in test_corpus_text.c.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "test_corpus.h"
#include "testutil.h"

#define MAX_DOCS 64
#define MAX_WARNS 8

struct got {
	struct cdx_doc *docs[MAX_DOCS];
	size_t n;             /* documents seen (all are freed) */
	char warns[MAX_WARNS][CDX_ERROR_MSG_MAX];
	size_t n_warns;
	size_t stop_at;       /* return 42 on this document (1-based) */
};

static int collect(void *ctx, struct cdx_doc *d)
{
	struct got *g = ctx;

	if (g->n < MAX_DOCS)
		g->docs[g->n] = d;
	else
		cdx_doc_free(d);
	g->n++;
	return g->stop_at && g->n == g->stop_at ? 42 : 0;
}

static void on_warn(void *ctx, const char *msg)
{
	struct got *g = ctx;

	if (g->n_warns < MAX_WARNS)
		snprintf(g->warns[g->n_warns], sizeof g->warns[0], "%s", msg);
	g->n_warns++;
}

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n && i < MAX_DOCS; i++)
		cdx_doc_free(g->docs[i]);
	g->n = 0;
}

static void fixture(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/corpus/%s", cdx_test_data(), name);
}

static int read_fixture(const char *name, struct got *g,
                        struct cdx_error *err)
{
	struct cdx_read_options o = CDX_READ_OPTIONS_INIT;
	char path[1024];

	o.warn = on_warn;
	o.warn_ctx = g;
	fixture(path, sizeof path, name);
	return cdx_corpus_read_file(path, &o, collect, g, err);
}

const char *corpus_test_sent(const struct cdx_doc *d, size_t i)
{
	static char buf[1024];

	snprintf(buf, sizeof buf, "%.*s",
	         (int)(d->sents[i].end - d->sents[i].start),
	         d->text + d->sents[i].start);
	return buf;
}

/* ---- detection -------------------------------------------------------- */

static const struct {
	const char *name;
	const char *data;
	enum cdx_format want;
} detect_rows[] = {
	{"a.txt", "Hello world.", CDX_FMT_TEXT},
	{"a.html", "Plain words in an .html file.", CDX_FMT_TEXT},
	{"a.html", "Some words and <p>a tag</p>", CDX_FMT_HTML},
	{NULL, "<!DOCTYPE html><html><body>x</body></html>", CDX_FMT_HTML},
	{NULL, "  \n<html><body>x</body></html>", CDX_FMT_HTML},
	{NULL, "\xef\xbb\xbf<html><p>bom</p></html>", CDX_FMT_HTML},
	{NULL, "<div><p>fragment</p></div>", CDX_FMT_HTML},
	{"a.txt", "<?xml version='1.0'?><rss version='2.0'>", CDX_FMT_XML},
	{NULL, "<?xml version=\"1.0\"?>\n<!-- c -->\n<feed xmlns=\"x\">",
	 CDX_FMT_XML},
	{NULL, "<rdf:RDF xmlns:rdf=\"x\"><item/>", CDX_FMT_XML},
	{NULL, "<?xml version='1.0'?><metadata><x/></metadata>", CDX_FMT_XML},
	{"a.xml", "<unknown>text</unknown>", CDX_FMT_XML},
	{NULL, "<notes>text</notes>", CDX_FMT_XML},
	{NULL, "<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n<REUTERS NEWID=\"1\">",
	 CDX_FMT_SGML},
	{"a.sgm", "<REUTERS NEWID=\"1\">", CDX_FMT_SGML},
	{NULL, "{\"text\": \"a\"}\n{\"text\": \"b\"}\n", CDX_FMT_JSONL},
	{"a.txt", "{\"text\": \"a\", \"n\": [1, {\"b\": null}]}",
	 CDX_FMT_JSONL},
	{"a.jsonl", "{not json}\n", CDX_FMT_TEXT},
	{"a.md", "# Title\n\nText.", CDX_FMT_TEXT},
	{NULL, "%PDF-1.4\n%binary", CDX_FMT_AUTO},
	{NULL, "\x89PNG\r\n\x1a\n", CDX_FMT_AUTO},
	{NULL, "PK\x03\x04zipped", CDX_FMT_AUTO},
	{NULL, "\x01\x02\x03\x04\x05\x06\x07\x08 mostly control", CDX_FMT_AUTO},
};

START_TEST(detect_by_content_then_name)
{
	const char *d = detect_rows[_i].data;
	size_t len = strlen(d);

	ck_assert_msg(cdx_corpus_detect(detect_rows[_i].name, d, len) ==
	                      detect_rows[_i].want,
	              "row %d: got %s, want %s", _i,
	              cdx_format_name(cdx_corpus_detect(detect_rows[_i].name,
	                                                d, len)),
	              cdx_format_name(detect_rows[_i].want));
}
END_TEST

START_TEST(detect_sees_nul_bytes)
{
	char bin[4096];

	memset(bin, 'a', sizeof bin);
	for (size_t i = 0; i < sizeof bin; i += 64)
		bin[i] = '\0';
	ck_assert_int_eq(cdx_corpus_detect(NULL, bin, sizeof bin),
	                 CDX_FMT_AUTO);
	/* one stray NUL in text is repaired, not binary */
	memset(bin, 'a', sizeof bin);
	bin[100] = '\0';
	ck_assert_int_eq(cdx_corpus_detect(NULL, bin, sizeof bin),
	                 CDX_FMT_TEXT);
	ck_assert_str_eq(cdx_format_name(CDX_FMT_JSONL), "jsonl");
}
END_TEST

/* ---- readers ---------------------------------------------------------- */

START_TEST(text_keeps_bytes_and_reads_header)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	char path[1024], file[2048];
	FILE *f;
	size_t n;

	ck_assert_int_eq(read_fixture("article.txt", &g, &err), CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	fixture(path, sizeof path, "article.txt");
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	n = fread(file, 1, sizeof file, f);
	fclose(f);
	ck_assert_uint_eq(g.docs[0]->len, n);
	ck_assert_mem_eq(g.docs[0]->text, file, n);
	ck_assert_str_eq(g.docs[0]->title,
	                 "Lithium output climbs in the high desert");
	ck_assert_str_eq(g.docs[0]->date, "2024-03-07");
	ck_assert_str_eq(g.docs[0]->source, path);
	ck_assert_int_eq(g.docs[0]->format, CDX_FMT_TEXT);
	ck_assert_uint_eq(g.docs[0]->n_paras, 3);
	ck_assert_uint_eq(g.docs[0]->n_sents, 6);
	ck_assert_str_eq(corpus_test_sent(g.docs[0], 3),
	                 "Dr. Alvarez, who runs the plant, expects 5,000 "
	                 "tonnes this year.");
	ck_assert_str_eq(corpus_test_sent(g.docs[0], 5),
	                 "No. 2 producer Kestrel Mining Co. said it would idle "
	                 "one line.");
	ck_assert_uint_eq(g.n_warns, 0);
	got_free(&g);
}
END_TEST

static const struct {
	const char *text;
	const char *title; /* NULL: none */
	const char *date;
} title_rows[] = {
	{"Short headline\n\nBody.", "Short headline", NULL},
	{"This first line is a sentence.\nMore.", NULL, NULL},
	{"# Markdown heading\n\nBody", "Markdown heading", NULL},
	{"Rivals of the Apple...\n\nBody", "Rivals of the Apple...", NULL},
	{"\n\n  Indented   title  \nBody", "Indented title", NULL},
	{"Date: 2025-01-31\nHeadline here\n\nBody", "Headline here",
	 "2025-01-31"},
	{"date 2025-08-18 Both parties worry about supply.", NULL,
	 "2025-08-18"},
	{"Title: Named\nDate: June 10, 2003\n\nBody", "Named", "2003-06-10"},
	{"A line that goes on and on well past the limit of what a title may "
	 "be, one hundred and twenty bytes, so that it is not one at all\nBody",
	 NULL, NULL},
};

START_TEST(text_title_and_date_rules)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	const char *t = title_rows[_i].text;

	ck_assert_int_eq(cdx_corpus_read_buffer("t.txt", t, strlen(t), NULL,
	                                        collect, &g, &err),
	                 CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_pstr_eq(g.docs[0]->title, title_rows[_i].title);
	ck_assert_pstr_eq(g.docs[0]->date, title_rows[_i].date);
	ck_assert_mem_eq(g.docs[0]->text, t, strlen(t)); /* text intact */
	got_free(&g);
}
END_TEST

START_TEST(html_drops_chrome_and_keeps_blocks)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	const struct cdx_doc *d;

	ck_assert_int_eq(read_fixture("page.html", &g, &err), CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	d = g.docs[0];
	ck_assert_int_eq(d->format, CDX_FMT_HTML);
	ck_assert_str_eq(d->title, "Cobalt refiners expand capacity");
	ck_assert_str_eq(d->date, "2025-06-30");
	ck_assert_str_eq(d->url, "https://example.org/news/cobalt-refiners");
	ck_assert_str_eq(d->text,
	                 "Cobalt refiners expand capacity\n\n"
	                 "Refiners in the region added 18,000 tonnes of annual "
	                 "capacity, a rise of about 9%, the trade group said."
	                 "\n\nShares of Ferro&Co gained 3.5 percent.\n"
	                 "Analysts were cautious.\n\nFirst item\n\n"
	                 "Second item");
	ck_assert_uint_eq(d->n_paras, 5);
	ck_assert_uint_eq(d->n_sents, 6);
	ck_assert_str_eq(corpus_test_sent(d, 3), "Analysts were cautious.");
	got_free(&g);
}
END_TEST

static const struct {
	const char *page;
	const char *text;
} charset_rows[] = {
	/* nothing declared, UTF-8 bytes: UTF-8 (libxml2 alone says Latin-1) */
	{"<p>Price \xc2\xa3" "400 in R\xc3\xa9union</p>",
	 "Price \xc2\xa3" "400 in R\xc3\xa9union"},
	/* nothing declared, no UTF-8 sequence at all: Windows-1252 */
	{"<p>Price \xa3" "400, \x93quoted\x94</p>",
	 "Price \xc2\xa3" "400, \xe2\x80\x9cquoted\xe2\x80\x9d"},
	/* a BOM says UTF-8 */
	{"\xef\xbb\xbf<p>R\xc3\xa9union</p>", "R\xc3\xa9union"},
	/* declared: honoured */
	{"<meta charset=\"iso-8859-1\"><p>R\xe9union</p>", "R\xc3\xa9union"},
	{"<meta http-equiv=\"Content-Type\" content=\"text/html; "
	 "charset=utf-8\"><p>R\xc3\xa9union</p>",
	 "R\xc3\xa9union"},
	/* UTF-8 with a stray bad byte: UTF-8, the byte becomes a space */
	{"<p>\xc2\xa3" "5 and \xff bad</p>", "\xc2\xa3" "5 and bad"},
	/* entities, nbsp, and inline elements keep their spaces */
	{"<p>A&amp;B&nbsp;<i>x</i> <b>y</b>&#8364;</p>",
	 "A&B x y\xe2\x82\xac"},
};

START_TEST(html_charsets)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	const char *p = charset_rows[_i].page;

	ck_assert_int_eq(cdx_corpus_read_buffer("c.html", p, strlen(p), NULL,
	                                        collect, &g, &err),
	                 CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.docs[0]->text, charset_rows[_i].text);
	got_free(&g);
}
END_TEST

START_TEST(html_without_text_is_rejected)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	const char *page = "<html><head><title>t</title><script>x()</script>"
	                   "</head><body><nav>menu</nav></body></html>";

	ck_assert_int_eq(cdx_corpus_read_buffer("p.html", page, strlen(page),
	                                        NULL, collect, &g, &err),
	                 CDX_ERR_FORMAT);
	ck_assert_str_eq(err.msg, "'p.html': no readable text (read as html)");
	ck_assert_uint_eq(g.n, 0);
}
END_TEST

START_TEST(rss_items_with_a_broken_one)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	char path[1024], src[1100];

	ck_assert_int_eq(read_fixture("feed.rss", &g, &err), CDX_OK);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_str_eq(g.docs[0]->source,
	                 "https://example.org/nickel-stocks");
	ck_assert_str_eq(g.docs[0]->url, "https://example.org/nickel-stocks");
	ck_assert_str_eq(g.docs[0]->title, "Nickel stocks fall");
	ck_assert_str_eq(g.docs[0]->date, "2025-02-04");
	ck_assert_str_eq(g.docs[0]->text,
	                 "Warehouse stocks of nickel fell 6 percent to 120,000 "
	                 "tonnes.\n\nTraders expect more draws.");
	/* content:encoded wins over description; scripts go */
	fixture(path, sizeof path, "feed.rss");
	snprintf(src, sizeof src, "%s#3", path);
	ck_assert_str_eq(g.docs[1]->source, src);
	ck_assert_ptr_null(g.docs[1]->url);
	ck_assert_str_eq(g.docs[1]->text,
	                 "Graphite exports slowed to 8,000 tonnes in January."
	                 "\n\nBuyers & sellers waited.");
	ck_assert_uint_eq(g.n_warns, 1);
	ck_assert_ptr_nonnull(
		strstr(g.warns[0], "item 2 has no text, skipped"));
	ck_assert_ptr_nonnull(strstr(g.warns[0], "feed.rss'"));
	got_free(&g);
}
END_TEST

START_TEST(atom_entries)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;

	ck_assert_int_eq(read_fixture("feed.atom", &g, &err), CDX_OK);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_str_eq(g.docs[0]->source,
	                 "https://example.org/copper-smelter");
	ck_assert_str_eq(g.docs[0]->date, "2025-02-28"); /* published */
	ck_assert_str_eq(g.docs[0]->text,
	                 "The smelter restarted at 70% of capacity.");
	ck_assert_str_eq(g.docs[1]->title, "Tin supply tightens");
	ck_assert_str_eq(g.docs[1]->date, "2025-03-02"); /* updated */
	ck_assert_str_eq(g.docs[1]->text, "Tin supply tightened in February."
	                                  "\n\nOutput fell by a quarter.");
	ck_assert_int_eq(g.docs[1]->format, CDX_FMT_XML);
	got_free(&g);
}
END_TEST

START_TEST(jsonl_with_bom_and_crlf)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	const char *j = "\xef\xbb\xbf{\"text\": \"One.\"}\r\n\r\n"
	                "{\"text\": \"Two.\", \"url\": \"u2\"}\r\n";

	ck_assert_int_eq(cdx_corpus_read_buffer("j", j, strlen(j), NULL,
	                                        collect, &g, &err),
	                 CDX_OK);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_str_eq(g.docs[0]->source, "j#1");
	ck_assert_str_eq(g.docs[1]->source, "u2");
	ck_assert_str_eq(g.docs[1]->text, "Two.");
	got_free(&g);
}
END_TEST

START_TEST(jsonl_records_and_bad_lines)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	char path[1024], src[1100];

	ck_assert_int_eq(read_fixture("items.jsonl", &g, &err), CDX_OK);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_str_eq(g.docs[0]->source, "https://example.org/quotas");
	ck_assert_str_eq(g.docs[0]->title, "Rare earth quotas");
	ck_assert_str_eq(g.docs[0]->date, "2025-04-01");
	ck_assert_str_eq(g.docs[0]->text, "Quotas rose 6% to 270,000 tonnes.\n"
	                                  "Officials said the rise was "
	                                  "\"modest\".");
	fixture(path, sizeof path, "items.jsonl");
	snprintf(src, sizeof src, "%s#2", path);
	ck_assert_str_eq(g.docs[1]->source, src);
	ck_assert_str_eq(g.docs[2]->text,
	                 "Caf\xc3\xa9 owners in R\xc3\xa9union paid "
	                 "\xe2\x82\xac" "3 million; emoji "
	                 "\xf0\x9f\x98\x80 ok.");
	ck_assert_str_eq(g.docs[2]->date, "2025-01-06");
	ck_assert_uint_eq(g.n_warns, 2);
	ck_assert_ptr_nonnull(
		strstr(g.warns[0], "line 4: not a JSON object (byte 345)"));
	ck_assert_ptr_nonnull(strstr(g.warns[1], "line 5: no text, skipped"));
	got_free(&g);
}
END_TEST

static const struct {
	const char *line;
	int ok;
} json_rows[] = {
	{"{}", 1},
	{" {\"text\": \"a\\u00e9\\n\\\"\"} ", 1},
	{"{\"a\": -0.5e+3, \"b\": [true, false, null, {}], "
	 "\"text\": \"x\"}", 1},
	{"{\"text\": \"x\",}", 0},
	{"{\"text\": 'x'}", 0},
	{"{\"text\": \"x\"} trailing", 0},
	{"{\"n\": 01}", 0},
	{"{\"n\": 1.}", 0},
	{"{\"t\": \"raw\tcontrol\"}", 0},
	{"{\"t\": \"bad \\q escape\"}", 0},
	{"{\"t\": tru}", 0},
	{"[1, 2]", 0},
	{"{\"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	 "[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
	 "]}", 0},
};

START_TEST(json_parser_is_strict)
{
	const char *l = json_rows[_i].line;
	enum cdx_format f = cdx_corpus_detect(NULL, l, strlen(l));

	/* a line that parses as one JSON object is what makes JSON Lines */
	ck_assert_msg((f == CDX_FMT_JSONL) == json_rows[_i].ok, "row %d: %s",
	              _i, cdx_format_name(f));
}
END_TEST

START_TEST(sgml_articles)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	char path[1024], src[1100];

	ck_assert_int_eq(read_fixture("collection.sgm", &g, &err), CDX_OK);
	ck_assert_uint_eq(g.n, 2); /* 102 has no body, 104 is cut off */
	fixture(path, sizeof path, "collection.sgm");
	snprintf(src, sizeof src, "%s#101", path);
	ck_assert_str_eq(g.docs[0]->source, src);
	ck_assert_str_eq(g.docs[0]->title, "TIN COUNCIL <ITC> SEES SURPLUS");
	ck_assert_str_eq(g.docs[0]->date, "1987-03-03");
	ck_assert_str_eq(g.docs[0]->text,
	                 "The tin council said the market surplus would reach "
	                 "20,000 tonnes this year, up from 15,000 tonnes, "
	                 "because of weak demand from A&P and other buyers."
	                 "\n\nDelegates will meet again in April to review "
	                 "export quotas & prices.");
	ck_assert_uint_eq(g.docs[0]->n_paras, 2);
	ck_assert_str_eq(g.docs[1]->date, "1987-03-04");
	ck_assert_str_eq(g.docs[1]->text,
	                 "Copper rose 2 pct to 66.5 cents a lb, dealers said.");
	ck_assert_uint_eq(g.n_warns, 1);
	ck_assert_ptr_nonnull(strstr(g.warns[0], "article 104 is cut off"));
	got_free(&g);
}
END_TEST

/* The body scan takes eight bytes a step: an entity, a line break, a
 * control byte or DEL at any offset, with UTF-8 around it, must come out
 * as the byte-by-byte scan gave it. */
static const struct {
	const char *mark, *want;
} sgml_marks[] = {
	{"&lt;", "<"}, {"&amp;", "&"}, {"&#5;", ""}, {"A&P", "A&P"},
	{"\x7f", ""}, {"\x01", ""}, {"\n", " "}, {"\n   ", "\n\n"},
	{"\t", "\t"}, {"\xc3\xa9", "\xc3\xa9"},
};

START_TEST(sgml_body_every_offset)
{
	const char *m = sgml_marks[_i].mark, *w = sgml_marks[_i].want;

	for (int at = 0; at < 20; at++) {
		struct got g = {0};
		struct cdx_error err = CDX_ERROR_INIT;
		char in[512], want[128];

		snprintf(want, sizeof want, "%.*s%s%.*s", at,
		         "abcdefghijklmnopqrstuvwxyz", w, 19 - at,
		         "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
		snprintf(in, sizeof in,
		         "<REUTERS NEWID=\"1\"><TEXT><BODY>%.*s%s%.*s"
		         "</BODY></TEXT></REUTERS>\n", at,
		         "abcdefghijklmnopqrstuvwxyz", m, 19 - at,
		         "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
		ck_assert_int_eq(cdx_corpus_read_buffer("r.sgm", in, strlen(in),
		                                        NULL, collect, &g, &err),
		                 CDX_OK);
		ck_assert_uint_eq(g.n, 1);
		ck_assert_str_eq(g.docs[0]->text, want);
		got_free(&g);
	}
}
END_TEST

START_TEST(truncated_xml_recovers)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;

	ck_assert_int_eq(read_fixture("truncated.xml", &g, &err), CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.docs[0]->title, "Gallium supply review");
	ck_assert_str_eq(g.docs[0]->date, "2024-09-15");
	/* the file's text at the file's offsets (xmltext.c), each element's
	 * text a sentence of its own */
	ck_assert_ptr_nonnull(strstr(g.docs[0]->text,
	                             "Output of gallium reached 600 tonnes in "
	                             "2023.\n"));
	ck_assert_ptr_nonnull(strstr(g.docs[0]->text,
	                             "Most of it came from one country.\n"));
	ck_assert_ptr_nonnull(strstr(g.docs[0]->text, "Recycling added"));
	ck_assert_uint_eq(g.n_warns, 1);
	ck_assert_ptr_nonnull(strstr(g.warns[0], "malformed XML"));
	got_free(&g);
}
END_TEST

START_TEST(xml_entities_are_not_expanded)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	const char *x = "<?xml version=\"1.0\"?>\n"
	                "<!DOCTYPE r [<!ENTITY a \"boom boom boom\">"
	                "<!ENTITY ext SYSTEM \"file:///etc/passwd\">]>\n"
	                "<r><p>safe &amp; sound &a; &ext;</p></r>";

	ck_assert_int_eq(cdx_corpus_read_buffer("e.xml", x, strlen(x), NULL,
	                                        collect, &g, &err),
	                 CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_ptr_null(strstr(g.docs[0]->text, "boom"));
	ck_assert_ptr_null(strstr(g.docs[0]->text, "root:"));
	ck_assert_ptr_nonnull(strstr(g.docs[0]->text, "safe &     sound"));
	got_free(&g);
}
END_TEST

/* ---- repair and errors ------------------------------------------------ */

START_TEST(invalid_utf8_is_repaired_in_place)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	const char want[] = "Plain text with a bad byte   here and a NUL   "
	                    "there.\nAnother  ( pair; good caf\xc3\xa9 "
	                    "stays.\n";

	ck_assert_int_eq(read_fixture("badutf8.txt", &g, &err), CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.docs[0]->len, sizeof want - 1); /* offsets kept */
	ck_assert_mem_eq(g.docs[0]->text, want, sizeof want - 1);
	ck_assert_uint_eq(g.docs[0]->n_warnings, 3);
	ck_assert_str_eq(g.docs[0]->warning,
	                 "invalid UTF-8 at byte 27, replaced with a space");
	ck_assert_uint_eq(g.n_warns, 1);
	ck_assert_ptr_nonnull(strstr(g.warns[0], "badutf8.txt': invalid UTF-8 "
	                                         "at byte 27"));
	got_free(&g);
}
END_TEST

START_TEST(doc_new_repairs_bom_and_overlongs)
{
	struct cdx_doc *d = NULL;
	struct cdx_error err = CDX_ERROR_INIT;
	/* a BOM, then overlong, surrogate, beyond-U+10FFFF and cut sequences */
	const char in[] = "\xef\xbb\xbfOne. Two \xc0\xaf \xed\xa0\x80 \xf4\x90"
	                  "\x80\x80 end \xe2\x82";
	char want[sizeof in];

	/* every byte of those is invalid: each becomes one space */
	for (size_t i = 0; i < sizeof in; i++)
		want[i] = (unsigned char)in[i] >= 0x80 ? ' ' : in[i];
	ck_assert_int_eq(cdx_doc_new(&d, "x", "T", NULL, in, sizeof in - 1,
	                             &err),
	                 CDX_OK);
	ck_assert_uint_eq(d->len, sizeof in - 1);
	ck_assert_str_eq(d->text, want);
	ck_assert_uint_eq(d->n_warnings, 11);
	ck_assert_str_eq(d->warning,
	                 "invalid UTF-8 at byte 12, replaced with a space");
	ck_assert_str_eq(d->title, "T");
	ck_assert_ptr_null(d->date);
	ck_assert_uint_eq(d->n_sents, 2);
	ck_assert_uint_eq(d->sents[0].start, 3);
	cdx_doc_free(d);
	cdx_doc_free(NULL);
}
END_TEST

START_TEST(utf16_is_transcoded)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	/* "Hé 😀." little-endian with a BOM */
	const char le[] = "\xff\xfeH\0\xe9\0 \0\x3d\xd8\x00\xde.\0";
	const char be[] = "\xfe\xff\0H\0\xe9\0 \xd8\x3d\xde\x00\0.";

	ck_assert_int_eq(cdx_corpus_read_buffer("u.txt", le, sizeof le - 1,
	                                        NULL, collect, &g, &err),
	                 CDX_OK);
	ck_assert_int_eq(cdx_corpus_read_buffer("u.txt", be, sizeof be - 1,
	                                        NULL, collect, &g, &err),
	                 CDX_OK);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_str_eq(g.docs[0]->text, "H\xc3\xa9 \xf0\x9f\x98\x80.");
	ck_assert_str_eq(g.docs[1]->text, "H\xc3\xa9 \xf0\x9f\x98\x80.");
	got_free(&g);
}
END_TEST

START_TEST(read_errors_name_the_file)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_read_options o = CDX_READ_OPTIONS_INIT;
	char path[1024], want[1200];

	fixture(path, sizeof path, "no-such-file.txt");
	ck_assert_int_eq(cdx_corpus_read_file(path, NULL, collect, &g, &err),
	                 CDX_ERR_IO);
	snprintf(want, sizeof want,
	         "cannot open '%s': No such file or directory", path);
	ck_assert_str_eq(err.msg, want);

	fixture(path, sizeof path, "empty.txt");
	ck_assert_int_eq(cdx_corpus_read_file(path, NULL, collect, &g, &err),
	                 CDX_ERR_FORMAT);
	snprintf(want, sizeof want, "'%s': empty file", path);
	ck_assert_str_eq(err.msg, want);

	fixture(path, sizeof path, "image.png");
	ck_assert_int_eq(cdx_corpus_read_file(path, NULL, collect, &g, &err),
	                 CDX_ERR_FORMAT);
	snprintf(want, sizeof want,
	         "'%s': binary file, not text (PNG signature at byte 0)", path);
	ck_assert_str_eq(err.msg, want);

	fixture(path, sizeof path, "article.txt");
	o.max_bytes = 100;
	ck_assert_int_eq(cdx_corpus_read_file(path, &o, collect, &g, &err),
	                 CDX_ERR_LIMIT);
	snprintf(want, sizeof want,
	         "'%s': file is larger than the 100 bytes limit", path);
	ck_assert_str_eq(err.msg, want);
	o.max_bytes = 64;
	memset(want, 'x', 65);
	ck_assert_int_eq(cdx_corpus_read_buffer("b.txt", want, 65, &o, collect,
	                                        &g, &err),
	                 CDX_ERR_LIMIT);
	ck_assert_str_eq(err.msg, "'b.txt': file is larger than the 64 bytes "
	                          "limit");

	snprintf(path, sizeof path, "%s/corpus", cdx_test_data());
	ck_assert_int_eq(cdx_corpus_read_file(path, NULL, collect, &g, &err),
	                 CDX_ERR_IO);
	snprintf(want, sizeof want, "cannot read '%s': Is a directory", path);
	ck_assert_str_eq(err.msg, want);

	ck_assert_int_eq(cdx_corpus_read_buffer("w.txt", " \n\t\n", 4, NULL,
	                                        collect, &g, &err),
	                 CDX_ERR_FORMAT);
	ck_assert_uint_eq(g.n, 0);
}
END_TEST

START_TEST(default_limit_message)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct got g = {0};
	static const char one[] = "x";

	/* the buffer is never read past its length check */
	ck_assert_int_eq(cdx_corpus_read_buffer("big.txt", one,
	                                        CDX_READ_MAX_BYTES + 1, NULL,
	                                        collect, &g, &err),
	                 CDX_ERR_LIMIT);
	ck_assert_str_eq(err.msg,
	                 "'big.txt': file is larger than the 64 MiB limit");
}
END_TEST

START_TEST(callback_stop_value_is_returned)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;

	g.stop_at = 1;
	ck_assert_int_eq(read_fixture("feed.atom", &g, &err), 42);
	ck_assert_uint_eq(g.n, 1);
	got_free(&g);
}
END_TEST

START_TEST(forced_format_wins)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_read_options o = CDX_READ_OPTIONS_INIT;
	const char *h = "<p>Tags <b>stay</b>.</p>";

	o.format = CDX_FMT_TEXT;
	ck_assert_int_eq(cdx_corpus_read_buffer("x.html", h, strlen(h), &o,
	                                        collect, &g, &err),
	                 CDX_OK);
	ck_assert_str_eq(g.docs[0]->text, h);
	ck_assert_int_eq(g.docs[0]->format, CDX_FMT_TEXT);
	got_free(&g);
}
END_TEST

/* ---- the shared corpora ----------------------------------------------- */

/* Titles are kept with whitespace runs collapsed and ends trimmed. */
static void collapse_spaces(char *s)
{
	size_t k = 0;

	for (size_t i = 0; s[i]; i++)
		if (s[i] != ' ' || (k > 0 && s[k - 1] != ' '))
			s[k++] = s[i];
	while (k > 0 && s[k - 1] == ' ')
		k--;
	s[k] = '\0';
}

START_TEST(bbc_every_file_one_doc_titled)
{
	static const char *const cats[] = {"business", "entertainment",
	                                   "politics", "sport", "tech"};
	struct cdx_error err = CDX_ERROR_INIT;
	char dir[1024], path[2048], line[512];
	size_t files = 0;
	CDX_SKIP_WITHOUT_SHARED(shared);

	for (size_t c = 0; c < 5; c++) {
		DIR *d;
		struct dirent *e;

		snprintf(dir, sizeof dir, "%s/corpora/bbc-news/%s", shared,
		         cats[c]);
		d = opendir(dir);
		ck_assert_ptr_nonnull(d);
		while ((e = readdir(d)) != NULL) {
			struct got g = {0};
			FILE *f;
			int rc;

			if (strstr(e->d_name, ".txt") == NULL)
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			f = fopen(path, "r");
			ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
			fclose(f);
			line[strcspn(line, "\n")] = '\0';
			collapse_spaces(line);
			rc = cdx_corpus_read_file(path, NULL, collect, &g,
			                          &err);
			ck_assert_int_eq(rc, CDX_OK);
			ck_assert_uint_eq(g.n, 1);
			ck_assert_msg(g.docs[0]->title &&
			                      !strcmp(g.docs[0]->title, line),
			              "%s: title '%s'", path,
			              g.docs[0]->title);
			ck_assert_uint_gt(g.docs[0]->n_sents, 1);
			got_free(&g);
			files++;
		}
		closedir(d);
	}
	ck_assert_uint_eq(files, 2225);
}
END_TEST

static int count_dated(void *ctx, struct cdx_doc *d)
{
	size_t *c = ctx;

	c[0]++;
	if (d->date && strlen(d->date) == 10 &&
	    strncmp(d->date, "1987-", 5) == 0)
		c[1]++;
	if (d->title)
		c[2]++;
	cdx_doc_free(d);
	return 0;
}

START_TEST(reuters_collection)
{
	struct cdx_error err = CDX_ERROR_INIT;
	char path[1024];
	size_t c[3] = {0, 0, 0};
	CDX_SKIP_WITHOUT_SHARED(shared);

	snprintf(path, sizeof path, "%s/corpora/reuters21578/reut2-000.sgm",
	         shared);
	ck_assert_int_eq(cdx_corpus_read_file(path, NULL, count_dated, c, &err),
	                 CDX_OK);
	ck_assert_uint_gt(c[0], 900);
	ck_assert_uint_eq(c[1], c[0]);
	ck_assert_uint_gt(c[2], 900);
}
END_TEST

START_TEST(critical_minerals_truncated_xml)
{
	struct got g = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	char path[1024];
	CDX_SKIP_WITHOUT_SHARED(shared);

	snprintf(path, sizeof path,
	         "%s/corpora/critical-minerals/gov/"
	         "usgs-mcs2025-rare-earths-data-release-metadata-excerpt.xml",
	         shared);
	ck_assert_int_eq(cdx_corpus_read_file(path, NULL, collect, &g, &err),
	                 CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_int_eq(g.docs[0]->format, CDX_FMT_XML);
	ck_assert_uint_gt(g.docs[0]->n_sents, 5);
	got_free(&g);
}
END_TEST

Suite *corpus_suite(void)
{
	Suite *s = suite_create("corpus");
	TCase *tc;

	tc = tcase_create("format detection");
	tcase_add_loop_test(tc, detect_by_content_then_name, 0,
	                    sizeof detect_rows / sizeof detect_rows[0]);
	tcase_add_test(tc, detect_sees_nul_bytes);
	tcase_add_loop_test(tc, json_parser_is_strict, 0,
	                    sizeof json_rows / sizeof json_rows[0]);
	suite_add_tcase(s, tc);

	tc = tcase_create("readers");
	tcase_add_test(tc, text_keeps_bytes_and_reads_header);
	tcase_add_loop_test(tc, text_title_and_date_rules, 0,
	                    sizeof title_rows / sizeof title_rows[0]);
	tcase_add_test(tc, html_drops_chrome_and_keeps_blocks);
	tcase_add_loop_test(tc, html_charsets, 0,
	                    sizeof charset_rows / sizeof charset_rows[0]);
	tcase_add_test(tc, html_without_text_is_rejected);
	tcase_add_test(tc, rss_items_with_a_broken_one);
	tcase_add_test(tc, atom_entries);
	tcase_add_test(tc, jsonl_records_and_bad_lines);
	tcase_add_test(tc, jsonl_with_bom_and_crlf);
	tcase_add_test(tc, sgml_articles);
	tcase_add_loop_test(tc, sgml_body_every_offset, 0,
	                    (int)(sizeof sgml_marks / sizeof sgml_marks[0]));
	tcase_add_test(tc, truncated_xml_recovers);
	tcase_add_test(tc, xml_entities_are_not_expanded);
	tcase_add_test(tc, forced_format_wins);
	suite_add_tcase(s, tc);

	tc = tcase_create("repair and errors");
	tcase_add_test(tc, invalid_utf8_is_repaired_in_place);
	tcase_add_test(tc, doc_new_repairs_bom_and_overlongs);
	tcase_add_test(tc, utf16_is_transcoded);
	tcase_add_test(tc, read_errors_name_the_file);
	tcase_add_test(tc, default_limit_message);
	tcase_add_test(tc, callback_stop_value_is_returned);
	suite_add_tcase(s, tc);

	suite_add_tcase(s, corpus_sentences_tcase());
	suite_add_tcase(s, corpus_tokens_tcase());

	tc = tcase_create("shared corpora");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, bbc_every_file_one_doc_titled);
	tcase_add_test(tc, reuters_collection);
	tcase_add_test(tc, critical_minerals_truncated_xml);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, corpus_parts_tcase());
	suite_add_tcase(s, corpus_scan_tcase());
	suite_add_tcase(s, corpus_tokscan_tcase());
	suite_add_tcase(s, corpus_xml_tcase());
	suite_add_tcase(s, corpus_fd_tcase());
	suite_add_tcase(s, corpus_header_tcase());
	suite_add_tcase(s, corpus_manifest_tcase());
	return s;
}
