/*
 * test_corpus_xml.c — the text of a generic XML document is the file with
 * its markup blanked (corpus/xmltext.c): every character of the text that
 * came from the file stands at the file's own byte offset. One exact
 * rendering per construct (tags, comments, PIs, DOCTYPE with an internal
 * subset, CDATA, character and entity references, quoted '>' in
 * attributes, constructs cut off by the end of the file); offsets kept
 * through the whole reader; the joined text nodes when the file had to be
 * transcoded (offsets cannot be kept then). Fixtures are written here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "corpus_int.h"
#include "test_corpus.h"
#include "testutil.h"

static void blank_is(const char *in, const char *want)
{
	struct cdx_buf b = CDX_BUF_INIT(1 << 20);

	ck_assert_int_eq(corpus_xml_blank(in, strlen(in), &b), CDX_OK);
	ck_assert_uint_eq(b.len, strlen(in));
	ck_assert_msg(memcmp(b.ptr, want, b.len) == 0, "'%s' gave '%.*s'", in,
	              (int)b.len, b.ptr);
	cdx_buf_release(&b);
}

static const struct blank_row {
	const char *in, *want;
} blank_rows[] = {
	{"<p>Zinc rose 2%.</p>", "\n  Zinc rose 2%.\n   "},
	{"<a href=\"x>y\">t</a>", "\n             t\n   "},
	{"a<!-- c > d -->b", "a              b"},
	{"<?xml version=\"1.0\"?>x", "                     x"},
	{"<!DOCTYPE r [<!ENTITY a \"<b>\">]>x",
	 "                                x"},
	{"<![CDATA[1 < 2 & 3]]>", "         1 < 2 & 3   "},
	{"AT&amp;T &lt;x&gt; &quot;q&apos;", "AT&    T <   x>    \"     q'     "},
	{"caf&#233; &#x20AC;5", "caf\xc3\xa9     \xe2\x82\xac     5"},
	{"a &ext; b &unknown c", "a       b &unknown c"},
	{"bad &#0; &#xZZ; &#12", "bad &#0; &#xZZ; &#12"},
	{"<p\nclass='x'>t", "\n \n          t"},
	/* cut off by the end of the file: blanked to the end */
	{"x <!-- never closed", "x                  "},
	{"x <a href='never", "x \n             "},
	{"x <![CDATA[kept", "x          kept"},
	{"\xef\xbb\xbf<r>t</r>", "   \n  t\n   "},
};

START_TEST(markup_is_blanked_in_place)
{
	blank_is(blank_rows[_i].in, blank_rows[_i].want);
}
END_TEST

struct one {
	struct cdx_doc *doc;
	size_t n;
};

static int keep_one(void *ctx, struct cdx_doc *doc)
{
	struct one *o = ctx;

	o->n++;
	if (o->doc)
		cdx_doc_free(doc);
	else
		o->doc = doc;
	return 0;
}

/* Each of @p words stands in @p doc's text at its offset in @p file. */
static void at_file_offsets(const struct cdx_doc *doc, const char *file,
                            const char *const *words, size_t n)
{
	ck_assert_uint_eq(doc->len, strlen(file));
	for (size_t i = 0; i < n; i++) {
		const char *at = strstr(file, words[i]);

		ck_assert_ptr_nonnull(at);
		ck_assert_msg(memcmp(doc->text + (at - file), words[i],
		                     strlen(words[i])) == 0,
		              "'%s' moved", words[i]);
	}
}

START_TEST(reader_keeps_file_offsets)
{
	static const char file[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<!-- a report -->\n"
		"<report lang=\"en\">\n"
		"  <title>Gallium supply</title>\n"
		"  <pubdate>20240915</pubdate>\n"
		"  <p>Output reached 600 tonnes in 2023.</p>\n"
		"  <p>Prices rose 12% &amp; more, to $540 a kilogram.</p>\n"
		"</report>\n";
	static const char *const words[] = {
		"Gallium supply", "Output reached 600 tonnes in 2023.",
		"Prices rose 12%", "more, to $540 a kilogram."};
	struct one o = {NULL, 0};
	struct cdx_error err = CDX_ERROR_INIT;

	ck_assert_int_eq(cdx_corpus_read_buffer("r.xml", file, strlen(file),
	                                        NULL, keep_one, &o, &err),
	                 CDX_OK);
	ck_assert_uint_eq(o.n, 1);
	ck_assert_str_eq(o.doc->title, "Gallium supply");
	ck_assert_str_eq(o.doc->date, "2024-09-15");
	at_file_offsets(o.doc, file, words, sizeof words / sizeof words[0]);
	/* elements stay apart: the title is no part of the next sentence */
	ck_assert_uint_ge(o.doc->n_sents, 4);
	cdx_doc_free(o.doc);
}
END_TEST

START_TEST(transcoded_file_gives_node_text)
{
	/* Latin-1: the text is UTF-8, longer than the file, so it cannot keep
	 * the file's offsets; the reader joins the text nodes instead */
	static const char file[] =
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
		"<r><p>Caf\xe9 sales rose 3%.</p></r>\n";
	struct one o = {NULL, 0};
	struct cdx_error err = CDX_ERROR_INIT;

	ck_assert_int_eq(cdx_corpus_read_buffer("l.xml", file, strlen(file),
	                                        NULL, keep_one, &o, &err),
	                 CDX_OK);
	ck_assert_uint_eq(o.n, 1);
	ck_assert_ptr_nonnull(strstr(o.doc->text, "Caf\xc3\xa9 sales rose 3%."));
	ck_assert_ptr_null(strstr(o.doc->text, "<p>"));
	ck_assert_uint_lt(o.doc->len, strlen(file));
	cdx_doc_free(o.doc);
}
END_TEST

START_TEST(feeds_are_still_items)
{
	static const char file[] =
		"<rss version=\"2.0\"><channel>"
		"<item><title>A</title><description>Zinc rose 2%.</description>"
		"</item><item><title>B</title><description>Tin fell 1%."
		"</description></item></channel></rss>";
	struct one o = {NULL, 0};
	struct cdx_error err = CDX_ERROR_INIT;

	ck_assert_int_eq(cdx_corpus_read_buffer("f.xml", file, strlen(file),
	                                        NULL, keep_one, &o, &err),
	                 CDX_OK);
	ck_assert_uint_eq(o.n, 2);
	ck_assert_ptr_nonnull(strstr(o.doc->text, "Zinc rose 2%."));
	ck_assert_uint_lt(o.doc->len, 32);
	cdx_doc_free(o.doc);
}
END_TEST

START_TEST(text_cap_applies)
{
	struct cdx_buf b = CDX_BUF_INIT(8);

	ck_assert_int_eq(corpus_xml_blank("<p>twelve bytes</p>", 19, &b),
	                 CDX_ERR_NOMEM);
	cdx_buf_release(&b);
}
END_TEST

START_TEST(critical_minerals_metadata_offsets)
{
	struct one o = {NULL, 0};
	struct cdx_error err = CDX_ERROR_INIT;
	char path[1024];
	char *raw = NULL;
	size_t len = 0, same = 0, letters = 0;
	FILE *f;
	CDX_SKIP_WITHOUT_SHARED(shared);

	snprintf(path, sizeof path,
	         "%s/corpora/critical-minerals/gov/"
	         "usgs-mcs2025-rare-earths-data-release-metadata-excerpt.xml",
	         shared);
	ck_assert_int_eq(cdx_corpus_read_file(path, NULL, keep_one, &o, &err),
	                 CDX_OK);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	raw = malloc(1 << 20);
	ck_assert_ptr_nonnull(raw);
	len = fread(raw, 1, 1 << 20, f);
	fclose(f);
	ck_assert_uint_eq(o.doc->len, len);
	/* every letter of the text is the file's letter at that offset */
	for (size_t i = 0; i < len; i++)
		if ((o.doc->text[i] | 0x20) >= 'a' &&
		    (o.doc->text[i] | 0x20) <= 'z') {
			letters++;
			same += o.doc->text[i] == raw[i];
		}
	ck_assert_uint_gt(letters, 500);
	ck_assert_uint_eq(same, letters);
	free(raw);
	cdx_doc_free(o.doc);
}
END_TEST

TCase *corpus_xml_tcase(void)
{
	TCase *tc = tcase_create("xml text at file offsets");

	tcase_add_loop_test(tc, markup_is_blanked_in_place, 0,
	                    sizeof blank_rows / sizeof blank_rows[0]);
	tcase_add_test(tc, reader_keeps_file_offsets);
	tcase_add_test(tc, transcoded_file_gives_node_text);
	tcase_add_test(tc, feeds_are_still_items);
	tcase_add_test(tc, text_cap_applies);
	tcase_add_test(tc, critical_minerals_metadata_offsets);
	return tc;
}
