/*
 * test_robust_read.c — hostile and damaged inputs through the readers:
 * legacy encodings and declared charsets, NUL bytes, binaries, empty and
 * oversized files, very long lines, deep nesting, markup cut mid-tag,
 * feeds with a broken item, Reuters SGML with a cut article. Each one is
 * read as far as it is readable, and what could not be read is named with
 * its byte offset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_robust.h"
#include "testutil.h"

START_TEST(latin1_text_is_converted_not_blanked)
{
	struct robust_got g = {0};

	ck_assert_int_eq(robust_read("latin1.txt", &g, NULL), CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert(robust_text_has(&g, "S\xc3\xa3o Paulo"));
	ck_assert(robust_text_has(&g, "caf\xc3\xa9 owners"));
	ck_assert_uint_eq(g.docs[0]->n_warnings, 0); /* nothing repaired */
	ck_assert(robust_warn_has(&g, "latin1.txt': not UTF-8 (byte 18): "
	                              "read as Windows-1252"));
	robust_got_free(&g);
}
END_TEST

START_TEST(cp1252_quotes_and_euro)
{
	struct robust_got g = {0};

	ck_assert_int_eq(robust_read("cp1252.txt", &g, NULL), CDX_OK);
	ck_assert(robust_text_has(&g, "\xe2\x80\x9cjumped\xe2\x80\x9d by "
	                              "\xe2\x82\xac" "20 million"));
	ck_assert(robust_text_has(&g, "2023 \xe2\x80\x93 a record"));
	robust_got_free(&g);
}
END_TEST

START_TEST(damaged_utf8_is_still_repaired_in_place)
{
	struct robust_got g = {0};
	/* valid é around one bad byte: UTF-8 with damage, not Latin-1 */
	static const char in[] = "Caf\xc3\xa9 sales rose \xff 5% in 2023.";

	ck_assert_int_eq(robust_read_buf("d.txt", in, sizeof in - 1, &g),
	                 CDX_OK);
	ck_assert_uint_eq(g.docs[0]->len, sizeof in - 1);
	ck_assert(robust_text_has(&g, "rose   5%"));
	ck_assert(robust_warn_has(&g, "invalid UTF-8 at byte 17"));
	robust_got_free(&g);
}
END_TEST

START_TEST(utf16_files_by_bom)
{
	struct robust_got g = {0};

	ck_assert_int_eq(robust_read("utf16le.txt", &g, NULL), CDX_OK);
	ck_assert(robust_text_has(&g, "rose 9% in 2023. Caf\xc3\xa9."));
	robust_got_free(&g);
	ck_assert_int_eq(robust_read("utf16be.html", &g, NULL), CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.docs[0]->title, "Esta\xc3\xb1o");
	ck_assert(robust_text_has(&g, "rose 9% in 2023. Caf\xc3\xa9."));
	robust_got_free(&g);
}
END_TEST

START_TEST(declared_charsets_are_honoured)
{
	struct robust_got g = {0};

	ck_assert_int_eq(robust_read("meta-latin1.html", &g, NULL), CDX_OK);
	ck_assert_str_eq(g.docs[0]->title, "Caf\xc3\xa9 report");
	ck_assert(robust_text_has(&g, "S\xc3\xa3o Paulo rose 5%"));
	robust_got_free(&g);
	ck_assert_int_eq(robust_read("httpequiv-cp1252.html", &g, NULL),
	                 CDX_OK);
	ck_assert(robust_text_has(&g, "\xe2\x80\x9cjumped\xe2\x80\x9d by "
	                              "\xe2\x82\xac" "20 million"));
	robust_got_free(&g);
	ck_assert_int_eq(robust_read("decl-latin1.xml", &g, NULL), CDX_OK);
	ck_assert_str_eq(g.docs[0]->title, "Caf\xc3\xa9");
	ck_assert(robust_text_has(&g, "S\xc3\xa3o Paulo rose 7%"));
	ck_assert_uint_eq(g.n_warns, 0);
	robust_got_free(&g);
	/* no declaration, yet Latin-1: libxml2 alone would stop at 0xe9 */
	ck_assert_int_eq(robust_read("undeclared-latin1.xml", &g, NULL),
	                 CDX_OK);
	ck_assert(robust_text_has(&g, "S\xc3\xa3o Paulo rose 7%"));
	ck_assert_uint_eq(g.n_warns, 0);
	robust_got_free(&g);
}
END_TEST

START_TEST(nul_bytes_are_repaired_with_their_offset)
{
	struct robust_got g = {0};

	ck_assert_int_eq(robust_read("nul.txt", &g, NULL), CDX_OK);
	ck_assert(robust_text_has(&g, "2023.  More text"));
	ck_assert(robust_warn_has(&g, "nul.txt': NUL byte at byte 28"));
	robust_got_free(&g);
	ck_assert_int_eq(robust_read("nul.html", &g, NULL), CDX_OK);
	ck_assert(robust_text_has(&g, "Lead output rose 3% in 2023."));
	ck_assert(robust_text_has(&g, "More text."));
	robust_got_free(&g);
}
END_TEST

START_TEST(binaries_are_rejected_saying_why)
{
	struct robust_got g = {0};
	char want[1200];

	ck_assert_int_eq(robust_read("fake-pdf.html", &g, NULL),
	                 CDX_ERR_FORMAT);
	snprintf(want, sizeof want, "'%s/robust/fake-pdf.html': binary file, "
	         "not text (PDF signature at byte 0)", cdx_test_data());
	ck_assert_str_eq(g.err.msg, want);
	ck_assert_uint_eq(g.n, 0);
	ck_assert_int_eq(robust_read("control.txt", &g, NULL), CDX_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(g.err.msg, "binary file, not text "
	                                        "(control byte 0x01 at "
	                                        "byte 0)"));
	ck_assert_int_eq(robust_read_buf("z.txt", "ab\0\0\0\0\0\0\0\0\0\0"
	                                 "\0\0\0\0\0\0\0\0",
	                                 20, &g),
	                 CDX_ERR_FORMAT);
	ck_assert_str_eq(g.err.msg, "'z.txt': binary file, not text (NUL at "
	                            "byte 2)");
	robust_got_free(&g);
}
END_TEST

START_TEST(empty_and_blank_inputs)
{
	struct robust_got g = {0};

	ck_assert_int_eq(robust_read_buf("e.html", "", 0, &g), CDX_ERR_FORMAT);
	ck_assert_str_eq(g.err.msg, "'e.html': empty file");
	ck_assert_int_eq(robust_read_buf("b.html", "<html> </html>", 14, &g),
	                 CDX_ERR_FORMAT);
	ck_assert_str_eq(g.err.msg, "'b.html': no readable text (read as "
	                            "html)");
	ck_assert_uint_eq(g.n, 0);
}
END_TEST

START_TEST(size_limit_is_configurable)
{
	struct robust_got g = {0};
	struct cdx_read_options o = CDX_READ_OPTIONS_INIT;
	char path[1024];

	/* good.txt is 40 bytes: a 40-byte cap reads it, a 39-byte one not */
	snprintf(path, sizeof path, "%s/robust/good.txt", cdx_test_data());
	o.max_bytes = 40;
	ck_assert_int_eq(robust_read(path, &g, &o), CDX_OK);
	robust_got_free(&g);
	o.max_bytes = 39;
	ck_assert_int_eq(robust_read(path, &g, &o), CDX_ERR_LIMIT);
	ck_assert_ptr_nonnull(strstr(g.err.msg, "good.txt': file is larger "
	                                        "than the 39 bytes limit"));
	ck_assert_uint_eq(g.n, 0);
}
END_TEST

START_TEST(very_long_line)
{
	struct robust_got g = {0};
	size_t n = (size_t)4 << 20;
	char *s = malloc(n);
	static const char head[] = "Cobalt output rose 8% in 2023. ";

	ck_assert_ptr_nonnull(s);
	memset(s, 'x', n);
	memcpy(s, head, sizeof head - 1);
	for (size_t i = 4096; i < n; i += 4096)
		s[i] = ' '; /* words of 4 KiB, no line break anywhere */
	ck_assert_int_eq(robust_read_buf("long.txt", s, n, &g), CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.docs[0]->len, n);
	ck_assert_uint_ge(g.docs[0]->n_sents, 1);
	robust_got_free(&g);
	free(s);
}
END_TEST

/* @p depth elements around a paragraph, after the markup @p lead. */
static char *nested(const char *open, const char *close, size_t depth,
                    const char *lead, size_t *len)
{
	size_t ko = strlen(open), kc = strlen(close), n = 0;
	char *s = malloc(depth * (ko + kc) + strlen(lead) + 64);

	ck_assert_ptr_nonnull(s);
	n += (size_t)sprintf(s, "<html><body>%s", lead);
	for (size_t i = 0; i < depth; i++, n += ko)
		memcpy(s + n, open, ko);
	n += (size_t)sprintf(s + n, "<p>Deep text.</p>");
	for (size_t i = 0; i < depth; i++, n += kc)
		memcpy(s + n, close, kc);
	n += (size_t)sprintf(s + n, "</body></html>");
	*len = n;
	return s;
}

START_TEST(deep_nesting_is_bounded)
{
	static const char lead[] = "<p>Iron output rose 4% in 2023.</p>";
	struct robust_got g = {0};
	size_t len;
	char *s = nested("<div>", "</div>", 100000, lead, &len);

	ck_assert_int_eq(robust_read_buf("deep.html", s, len, &g), CDX_OK);
	ck_assert(robust_text_has(&g, "Iron output rose 4% in 2023."));
	ck_assert(!robust_text_has(&g, "Deep text"));
	ck_assert(robust_warn_has(&g, "deep.html': HTML parsing stopped "
	                              "early, read what was readable: "
	                              "elements nested more than 256 deep"));
	robust_got_free(&g);
	free(s);
	s = nested("<d>", "</d>", 100000, lead, &len);
	ck_assert_int_eq(robust_read_buf("deep.xml", s, len, &g), CDX_OK);
	ck_assert(robust_text_has(&g, "Iron output rose 4% in 2023."));
	ck_assert(robust_warn_has(&g, "elements nested more than 256 deep"));
	robust_got_free(&g);
	free(s);
	/* nothing readable before the bound: an error, not an empty doc */
	s = nested("<div>", "</div>", 100000, "", &len);
	ck_assert_int_eq(robust_read_buf("deeper.html", s, len, &g),
	                 CDX_ERR_FORMAT);
	ck_assert_str_eq(g.err.msg, "'deeper.html': cannot parse HTML: "
	                            "elements nested more than 256 deep "
	                            "(line 1)");
	free(s);
}
END_TEST

START_TEST(markup_cut_mid_tag_keeps_what_was_read)
{
	struct robust_got g = {0};

	ck_assert_int_eq(robust_read("cut.html", &g, NULL), CDX_OK);
	ck_assert_str_eq(g.docs[0]->title, "Cut page");
	ck_assert(robust_text_has(&g, "Silver output rose 6% in 2023."));
	robust_got_free(&g);
	ck_assert_int_eq(robust_read("cut.xml", &g, NULL), CDX_OK);
	ck_assert(robust_text_has(&g, "Gold output rose 2% in 2023."));
	ck_assert(robust_warn_has(&g, "malformed XML, read what was "
	                              "readable"));
	robust_got_free(&g);
}
END_TEST

START_TEST(feeds_keep_their_good_items)
{
	struct robust_got g = {0};

	ck_assert_int_eq(robust_read("broken.rss", &g, NULL), CDX_OK);
	ck_assert(robust_text_has(&g, "Tin output rose 9% in 2023."));
	/* the item after the broken one, body in content:encoded */
	ck_assert(robust_text_has(&g, "Zinc output rose 4% in 2022."));
	ck_assert_str_eq(g.docs[0]->title, "Good one");
	ck_assert_str_eq(g.docs[g.n - 1]->title, "Good two");
	ck_assert_ptr_nonnull(strstr(g.docs[g.n - 1]->source,
	                             "broken.rss#3"));
	robust_got_free(&g);
	ck_assert_int_eq(robust_read("cut.atom", &g, NULL), CDX_OK);
	ck_assert_uint_ge(g.n, 2);
	ck_assert_str_eq(g.docs[0]->title, "First entry");
	ck_assert_str_eq(g.docs[1]->title, "Second entry");
	ck_assert(robust_text_has(&g, "Zinc output rose 4% in 2022."));
	robust_got_free(&g);
}
END_TEST

START_TEST(reuters_sgml_with_a_cut_article)
{
	struct robust_got g = {0};

	ck_assert_int_eq(robust_read("cut.sgm", &g, NULL), CDX_OK);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.docs[0]->title, "COCOA OUTPUT");
	ck_assert_str_eq(g.docs[0]->date, "1987-02-26");
	ck_assert(robust_text_has(&g, "rose 5% in 1986 & sales fell <3%>."));
	ck_assert(robust_text_has(&g, "Prices of A&B rose."));
	ck_assert(!robust_text_has(&g, "Reuter"));
	ck_assert(robust_warn_has(&g, "article 3 is cut off"));
	robust_got_free(&g);
}
END_TEST

void robust_add_read_cases(Suite *s)
{
	TCase *tc = tcase_create("encodings");

	tcase_add_test(tc, latin1_text_is_converted_not_blanked);
	tcase_add_test(tc, cp1252_quotes_and_euro);
	tcase_add_test(tc, damaged_utf8_is_still_repaired_in_place);
	tcase_add_test(tc, utf16_files_by_bom);
	tcase_add_test(tc, declared_charsets_are_honoured);
	suite_add_tcase(s, tc);
	tc = tcase_create("bad bytes and sizes");
	tcase_add_test(tc, nul_bytes_are_repaired_with_their_offset);
	tcase_add_test(tc, binaries_are_rejected_saying_why);
	tcase_add_test(tc, empty_and_blank_inputs);
	tcase_add_test(tc, size_limit_is_configurable);
	tcase_add_test(tc, very_long_line);
	suite_add_tcase(s, tc);
	tc = tcase_create("broken markup is read as far as it goes");
	tcase_add_test(tc, deep_nesting_is_bounded);
	tcase_add_test(tc, markup_cut_mid_tag_keeps_what_was_read);
	tcase_add_test(tc, feeds_keep_their_good_items);
	tcase_add_test(tc, reuters_sgml_with_a_cut_article);
	suite_add_tcase(s, tc);
}
