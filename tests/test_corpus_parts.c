/*
 * test_corpus_parts.c — texts longer than the part cap become consecutive
 * part-documents (sources "#partN", offsets relative to the part, base
 * saying where the part starts), and plain text, JSON Lines and SGML
 * files longer than the cap are read piece by piece with messages and
 * item numbers that are still the file's; a long HTML page read from a
 * file (its buffer freed once parsed) gives what the same bytes give
 * from a buffer. A small part cap (the part_max option) keeps the
 * fixtures small; they are written here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus.h"
#include "test_corpus.h"
#include "testutil.h"

#define PART 512
#define MAX_DOCS 256

struct parts {
	struct cdx_doc *d[MAX_DOCS];
	size_t n;
	char warn[4][CDX_ERROR_MSG_MAX];
	size_t n_warns;
	size_t stop_at;
};

static int take(void *ctx, struct cdx_doc *doc)
{
	struct parts *p = ctx;

	if (p->n < MAX_DOCS)
		p->d[p->n] = doc;
	else
		cdx_doc_free(doc);
	p->n++;
	return p->stop_at && p->n == p->stop_at ? 42 : 0;
}

static void warned(void *ctx, const char *msg)
{
	struct parts *p = ctx;

	if (p->n_warns < 4)
		snprintf(p->warn[p->n_warns], sizeof p->warn[0], "%s", msg);
	p->n_warns++;
}

static void parts_free(struct parts *p)
{
	for (size_t i = 0; i < p->n && i < MAX_DOCS; i++)
		cdx_doc_free(p->d[i]);
	memset(p, 0, sizeof *p);
}

static struct cdx_read_options opts(struct parts *p)
{
	struct cdx_read_options o = CDX_READ_OPTIONS_INIT;

	o.part_max = PART;
	o.warn = warned;
	o.warn_ctx = p;
	return o;
}

/* Write @p n bytes to a new temporary file named ...@p ext; path out. */
static void temp_file(char *path, size_t cap, const char *ext,
                      const char *s, size_t n)
{
	int fd;
	FILE *f;

	snprintf(path, cap, "/tmp/cdx-parts-XXXXXX%s", ext);
	fd = mkstemps(path, (int)strlen(ext));
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(s, 1, n, f), n);
	fclose(f);
}

/* Paragraphs of sentences, about @p size bytes. */
static char *paragraphs(size_t size, size_t *len)
{
	char *s = malloc(size + 256);
	size_t n = 0;

	ck_assert_ptr_nonnull(s);
	n += (size_t)sprintf(s, "Copper report\n\n");
	for (int i = 0; n < size; i++)
		n += (size_t)sprintf(s + n, "Chile produced %d%% of the copper "
		                     "in %d. Output rose by %d tonnes.%s",
		                     i % 90, 1990 + i % 30, i,
		                     i % 3 == 2 ? "\n\n" : " ");
	*len = n;
	return s;
}

/* The parts are contiguous, cover @p s, are no longer than the cap and
 * are numbered and named in order. */
static void check_parts(const struct parts *p, const char *src,
                        const char *s, size_t n)
{
	uint64_t at = 0;
	char want[1100];

	ck_assert_uint_gt(p->n, 1);
	ck_assert_uint_le(p->n, MAX_DOCS);
	for (size_t i = 0; i < p->n; i++) {
		const struct cdx_doc *d = p->d[i];

		ck_assert_uint_eq(d->part, i + 1);
		ck_assert_uint_eq(d->base, at);
		ck_assert_uint_le(d->len, PART);
		ck_assert_uint_le(at + d->len, n);
		ck_assert(memcmp(d->text, s + at, d->len) == 0);
		snprintf(want, sizeof want, "%s#part%zu", src, i + 1);
		ck_assert_str_eq(d->source, want);
		at += d->len;
	}
	ck_assert_uint_eq(at, n);
}

START_TEST(short_text_is_one_whole_document)
{
	struct parts p = {0};
	struct cdx_read_options o = opts(&p);
	const char *s = "Chile produced 28% of the copper in 2020.\n";

	ck_assert_int_eq(cdx_corpus_read_buffer("a.txt", s, strlen(s), &o,
	                                        take, &p, NULL),
	                 CDX_OK);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(p.d[0]->part, 0);
	ck_assert_uint_eq(p.d[0]->base, 0);
	ck_assert_str_eq(p.d[0]->source, "a.txt");
	parts_free(&p);
}
END_TEST

START_TEST(long_buffer_is_cut_at_paragraphs)
{
	struct parts p = {0};
	struct cdx_read_options o = opts(&p);
	size_t n;
	char *s = paragraphs(8 * PART, &n);

	ck_assert_int_eq(cdx_corpus_read_buffer("b.txt", s, n, &o, take, &p,
	                                        NULL),
	                 CDX_OK);
	check_parts(&p, "b.txt", s, n);
	/* every part but the last ends with a paragraph break */
	for (size_t i = 0; i + 1 < p.n; i++)
		ck_assert(p.d[i]->len >= 2 &&
		          memcmp(p.d[i]->text + p.d[i]->len - 2, "\n\n", 2) == 0);
	ck_assert_str_eq(p.d[0]->title, "Copper report (part 1)");
	ck_assert_str_eq(p.d[3]->title, "Copper report (part 4)");
	parts_free(&p);
	free(s);
}
END_TEST

START_TEST(sentence_then_line_then_character_cuts)
{
	struct parts p = {0};
	struct cdx_read_options o = opts(&p);
	char *s = malloc(6 * PART);
	size_t n = 0;

	ck_assert_ptr_nonnull(s);
	/* one paragraph of sentences */
	while (n < 2 * PART)
		n += (size_t)sprintf(s + n, "Output rose by %zu tonnes. ", n);
	/* then one paragraph of lines without sentence ends */
	while (n < 4 * PART)
		n += (size_t)sprintf(s + n, "item %zu\n", n);
	/* then a run of two-byte characters with no break at all */
	while (n < 6 * PART - 2) {
		memcpy(s + n, "\xc3\xa9", 2);
		n += 2;
	}
	ck_assert_int_eq(cdx_corpus_read_buffer("c.txt", s, n, &o, take, &p,
	                                        NULL),
	                 CDX_OK);
	check_parts(&p, "c.txt", s, n);
	ck_assert(memcmp(p.d[0]->text + p.d[0]->len - 2, ". ", 2) == 0);
	for (size_t i = 0; i < p.n; i++) {
		const struct cdx_doc *d = p.d[i];

		/* no character was cut in two: nothing needed repair */
		ck_assert_uint_eq(d->n_warnings, 0);
		if (d->base >= 2 * PART && d->base + d->len < 4 * PART)
			ck_assert_int_eq(d->text[d->len - 1], '\n');
	}
	ck_assert_uint_eq(p.n_warns, 0);
	parts_free(&p);
	free(s);
}
END_TEST

START_TEST(long_text_file_is_streamed_in_parts)
{
	struct parts p = {0};
	struct cdx_read_options o = opts(&p);
	char path[64];
	size_t n;
	char *s = paragraphs(20 * PART, &n);

	memcpy(s, "Date: 2024-05-01\nCopper", 23);
	temp_file(path, sizeof path, ".txt", s, n);
	ck_assert_int_eq(cdx_corpus_read_file(path, &o, take, &p, NULL),
	                 CDX_OK);
	unlink(path);
	check_parts(&p, path, s, n);
	for (size_t i = 0; i < p.n; i++) {
		ck_assert_str_eq(p.d[i]->date, "2024-05-01");
		ck_assert_int_eq(p.d[i]->format, CDX_FMT_TEXT);
		ck_assert_uint_gt(p.d[i]->n_sents, 0);
	}
	parts_free(&p);
	free(s);
}
END_TEST

START_TEST(streamed_read_returns_the_stop_value)
{
	struct parts p = {0};
	struct cdx_read_options o = opts(&p);
	char path[64];
	size_t n;
	char *s = paragraphs(20 * PART, &n);

	p.stop_at = 2;
	temp_file(path, sizeof path, ".txt", s, n);
	ck_assert_int_eq(cdx_corpus_read_file(path, &o, take, &p, NULL), 42);
	unlink(path);
	ck_assert_uint_eq(p.n, 2);
	parts_free(&p);
	free(s);
}
END_TEST

START_TEST(streamed_legacy_text_is_converted)
{
	struct parts p = {0};
	struct cdx_read_options o = opts(&p);
	char path[64], *s = malloc(10 * PART);
	size_t n = 0, e = 0;

	ck_assert_ptr_nonnull(s);
	while (n < 8 * PART)
		n += (size_t)sprintf(s + n, "Caf\xe9 output rose %zu%%.\n\n", n);
	temp_file(path, sizeof path, ".txt", s, n);
	ck_assert_int_eq(cdx_corpus_read_file(path, &o, take, &p, NULL),
	                 CDX_OK);
	unlink(path);
	ck_assert_uint_gt(p.n, 1);
	ck_assert_uint_eq(p.n_warns, 1);
	ck_assert_ptr_nonnull(strstr(p.warn[0], "Windows-1252"));
	for (size_t i = 0; i < p.n; i++) {
		const char *c = p.d[i]->text;

		ck_assert_uint_eq(p.d[i]->n_warnings, 0);
		while ((c = strstr(c, "Caf\xc3\xa9")) != NULL) {
			e++;
			c++;
		}
	}
	/* every é of every piece was converted, none lost at a cut */
	for (size_t i = 0; i < n; i++)
		e -= (unsigned char)s[i] == 0xe9;
	ck_assert_uint_eq(e, 0);
	parts_free(&p);
	free(s);
}
END_TEST

START_TEST(streamed_jsonl_keeps_file_line_numbers)
{
	struct parts p = {0};
	struct cdx_read_options o = opts(&p);
	char path[64], want[128], *s = malloc(40 * PART);
	size_t n = 0, lines = 0, bad_at = 0;

	ck_assert_ptr_nonnull(s);
	while (n < 20 * PART) {
		lines++;
		if (lines == 150) { /* a broken line well past the first piece */
			bad_at = n + 9;
			n += (size_t)sprintf(s + n, "{\"text\": }\n");
			continue;
		}
		n += (size_t)sprintf(s + n, "{\"title\": \"T%zu\", \"text\": "
		                     "\"Copper rose %zu%% in 2020.\"}\n",
		                     lines, lines % 90);
	}
	ck_assert_uint_gt(lines, 150);
	temp_file(path, sizeof path, ".jsonl", s, n);
	ck_assert_int_eq(cdx_corpus_read_file(path, &o, take, &p, NULL),
	                 CDX_OK);
	ck_assert_uint_eq(p.n, lines - 1);
	ck_assert_uint_le(p.n, MAX_DOCS);
	for (size_t i = 0; i < p.n; i++) {
		size_t line = i + 1 + (i + 1 >= 150);

		snprintf(want, sizeof want, "%s#%zu", path, line);
		ck_assert_str_eq(p.d[i]->source, want);
		snprintf(want, sizeof want, "T%zu", line);
		ck_assert_str_eq(p.d[i]->title, want);
		ck_assert_uint_eq(p.d[i]->part, 0);
	}
	ck_assert_uint_eq(p.n_warns, 1);
	snprintf(want, sizeof want, "line 150: not a JSON object (byte %zu)",
	         bad_at);
	ck_assert_ptr_nonnull(strstr(p.warn[0], want));
	unlink(path);
	parts_free(&p);
	free(s);
}
END_TEST

START_TEST(streamed_sgml_counts_articles_across_pieces)
{
	struct parts p = {0};
	struct cdx_read_options o = opts(&p);
	char path[64], want[128], *s = malloc(40 * PART);
	size_t n = 0, k = 0;

	ck_assert_ptr_nonnull(s);
	while (n < 30 * PART) {
		k++;
		n += (size_t)sprintf(s + n, "<REUTERS>\n<TITLE>T%zu</TITLE>\n"
		                     "<BODY>Copper rose %zu%% in 1987.\n"
		                     "</BODY></REUTERS>\n", k, k % 90);
	}
	n += (size_t)sprintf(s + n, "<REUTERS><BODY>cut off");
	temp_file(path, sizeof path, ".sgm", s, n);
	ck_assert_int_eq(cdx_corpus_read_file(path, &o, take, &p, NULL),
	                 CDX_OK);
	unlink(path);
	ck_assert_uint_eq(p.n, k);
	ck_assert_uint_le(p.n, MAX_DOCS);
	for (size_t i = 0; i < p.n; i++) {
		snprintf(want, sizeof want, "%s#%zu", path, i + 1);
		ck_assert_str_eq(p.d[i]->source, want);
		snprintf(want, sizeof want, "T%zu", i + 1);
		ck_assert_str_eq(p.d[i]->title, want);
	}
	ck_assert_uint_eq(p.n_warns, 1);
	snprintf(want, sizeof want, "article %zu is cut off at byte %zu", k + 1,
	         n);
	ck_assert_ptr_nonnull(strstr(p.warn[0], want));
	parts_free(&p);
	free(s);
}
END_TEST

START_TEST(long_html_is_read_whole_and_emitted_in_parts)
{
	struct parts p = {0};
	struct cdx_read_options o = opts(&p);
	char path[64], *s = malloc(20 * PART);
	size_t n = 0;

	ck_assert_ptr_nonnull(s);
	n += (size_t)sprintf(s, "<html><head><title>Ore</title></head><body>");
	while (n < 12 * PART)
		n += (size_t)sprintf(s + n, "<p>Copper rose %zu%% in 2020.</p>\n",
		                     n % 90);
	n += (size_t)sprintf(s + n, "</body></html>\n");
	temp_file(path, sizeof path, ".html", s, n);
	ck_assert_int_eq(cdx_corpus_read_file(path, &o, take, &p, NULL),
	                 CDX_OK);
	unlink(path);
	ck_assert_uint_gt(p.n, 1);
	for (size_t i = 0; i < p.n; i++) {
		ck_assert_uint_eq(p.d[i]->part, i + 1);
		ck_assert_int_eq(p.d[i]->format, CDX_FMT_HTML);
		ck_assert_uint_le(p.d[i]->len, PART);
		if (i > 0)
			ck_assert_uint_eq(p.d[i]->base,
			                  p.d[i - 1]->base + p.d[i - 1]->len);
	}
	ck_assert_str_eq(p.d[1]->title, "Ore (part 2)");
	parts_free(&p);
	free(s);
}
END_TEST

/* A page of @p size bytes or more: a title, then paragraphs; @p odd
 * puts a NUL byte (1) or an invalid UTF-8 byte (2) in the first one. */
static char *page(size_t size, int odd, size_t *len)
{
	char *s = malloc(size + 256);
	size_t n = 0;

	ck_assert_ptr_nonnull(s);
	n += (size_t)sprintf(s, "<html><head><title>Ore</title></head><body>"
	                        "<p>Zinc fell x%%.</p>\n");
	if (odd)
		s[n - 7] = odd == 1 ? '\0' : '\xff';
	while (n < size)
		n += (size_t)sprintf(s + n, "<p>Copper rose %zu%% in 2020.</p>\n",
		                     n % 90);
	n += (size_t)sprintf(s + n, "</body></html>\n");
	*len = n;
	return s;
}

/* A long page read from a file (whole, then the file's buffer freed
 * once parsed: stream.c) gives the same parts as the same bytes read
 * from a buffer the caller keeps, clean, with a NUL byte or with an
 * invalid byte (each read from a repaired copy). */
START_TEST(streamed_html_matches_a_buffer_read)
{
	for (int odd = 0; odd < 3; odd++) {
		struct parts a = {0}, b = {0};
		struct cdx_read_options oa = opts(&a), ob = opts(&b);
		char path[64], *s;
		size_t n;

		s = page(12 * PART, odd, &n);
		temp_file(path, sizeof path, ".html", s, n);
		ck_assert_int_eq(cdx_corpus_read_file(path, &oa, take, &a,
		                                      NULL), CDX_OK);
		unlink(path);
		ck_assert_int_eq(cdx_corpus_read_buffer(path, s, n, &ob, take,
		                                        &b, NULL), CDX_OK);
		ck_assert_uint_gt(a.n, 1);
		ck_assert_uint_eq(a.n, b.n);
		ck_assert_uint_eq(a.n_warns, b.n_warns);
		for (size_t i = 0; i < a.n; i++) {
			ck_assert_uint_eq(a.d[i]->len, b.d[i]->len);
			ck_assert_uint_eq(a.d[i]->base, b.d[i]->base);
			ck_assert(memcmp(a.d[i]->text, b.d[i]->text,
			                 a.d[i]->len) == 0);
			ck_assert_str_eq(a.d[i]->title, b.d[i]->title);
		}
		ck_assert_ptr_nonnull(strstr(a.d[0]->text, "Copper rose"));
		parts_free(&a);
		parts_free(&b);
		free(s);
	}
}
END_TEST

/* A page over 4 MiB (its tree's memory is given back once freed) still
 * becomes contiguous parts of the default size covering its text. */
START_TEST(page_over_four_mib_is_read_in_parts)
{
	struct parts p = {0};
	struct cdx_read_options o = CDX_READ_OPTIONS_INIT;
	size_t n, at = 0;
	char *s = page((size_t)6 << 20, 0, &n);

	ck_assert_int_eq(cdx_corpus_read_buffer("big.html", s, n, &o, take,
	                                        &p, NULL), CDX_OK);
	ck_assert_uint_eq(p.n, 2);
	for (size_t i = 0; i < p.n; i++) {
		ck_assert_uint_eq(p.d[i]->base, at);
		ck_assert_uint_le(p.d[i]->len, CDX_DOC_PART_MAX);
		at += p.d[i]->len;
	}
	ck_assert_str_eq(p.d[1]->title, "Ore (part 2)");
	parts_free(&p);
	free(s);
}
END_TEST

START_TEST(streamed_binary_and_oversize_are_rejected)
{
	struct parts p = {0};
	struct cdx_read_options o = opts(&p);
	struct cdx_error err = CDX_ERROR_INIT;
	char path[64], *s = calloc(1, 4 * PART);
	size_t n;

	ck_assert_ptr_nonnull(s);
	memcpy(s, "\x89PNG\r\n\x1a\n", 8);
	temp_file(path, sizeof path, ".txt", s, 4 * PART);
	ck_assert_int_eq(cdx_corpus_read_file(path, &o, take, &p, &err),
	                 CDX_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "binary file"));
	ck_assert_uint_eq(p.n, 0);
	unlink(path);
	free(s);

	s = paragraphs(8 * PART, &n);
	o.max_bytes = 4 * PART;
	temp_file(path, sizeof path, ".txt", s, n);
	ck_assert_int_eq(cdx_corpus_read_file(path, &o, take, &p, &err),
	                 CDX_ERR_LIMIT);
	ck_assert_ptr_nonnull(strstr(err.msg, "limit"));
	unlink(path);
	free(s);
	parts_free(&p);
}
END_TEST

TCase *corpus_parts_tcase(void)
{
	TCase *tc = tcase_create("parts and streaming");

	tcase_add_test(tc, short_text_is_one_whole_document);
	tcase_add_test(tc, long_buffer_is_cut_at_paragraphs);
	tcase_add_test(tc, sentence_then_line_then_character_cuts);
	tcase_add_test(tc, long_text_file_is_streamed_in_parts);
	tcase_add_test(tc, streamed_read_returns_the_stop_value);
	tcase_add_test(tc, streamed_legacy_text_is_converted);
	tcase_add_test(tc, streamed_jsonl_keeps_file_line_numbers);
	tcase_add_test(tc, streamed_sgml_counts_articles_across_pieces);
	tcase_add_test(tc, long_html_is_read_whole_and_emitted_in_parts);
	tcase_add_test(tc, streamed_html_matches_a_buffer_read);
	tcase_add_test(tc, page_over_four_mib_is_read_in_parts);
	tcase_add_test(tc, streamed_binary_and_oversize_are_rejected);
	return tc;
}
