/*
 * test_corpus_manifest.c — a collection's metadata list (manifest.h):
 * CSV with quoting and TSV, columns in any order, paths relative to the
 * manifest, items of a collection and whole collections, parts, URLs;
 * and every error and warning, each naming the manifest and its line.
 * Fixtures are written into a temporary folder here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest.h"
#include "test_corpus.h"
#include "testutil.h"

static char dir[256];

struct warns {
	char msg[8][512];
	unsigned n;
};

static void on_warn(void *ctx, const char *msg)
{
	struct warns *w = ctx;

	if (w->n < 8)
		snprintf(w->msg[w->n], sizeof w->msg[0], "%s", msg);
	w->n++;
}

static void setup(void)
{
	char p[512];

	snprintf(dir, sizeof dir, "/tmp/cdx-manifest-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(p, sizeof p, "%s/news", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Write @p s to DIR/@p name; the path into @p out. */
static const char *put(const char *name, const char *s, char *out,
                       size_t cap)
{
	FILE *f;

	snprintf(out, cap, "%s/%s", dir, name);
	f = fopen(out, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(s, 1, strlen(s), f), strlen(s));
	fclose(f);
	return out;
}

/* A document as a reader would give it. */
static struct cdx_doc *doc_of(const char *source, unsigned part)
{
	struct cdx_doc *d = calloc(1, sizeof *d);

	ck_assert_ptr_nonnull(d);
	d->source = strdup(source);
	d->title = strdup("own title");
	d->part = part;
	return d;
}

static struct cdx_manifest *load_ok(const char *name, const char *text,
                                    struct warns *w)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_manifest *m = NULL;
	char path[512];

	ck_assert_int_eq(cdx_manifest_load(&m, put(name, text, path,
	                                           sizeof path),
	                                   on_warn, w, &err),
	                 CDX_OK);
	ck_assert_ptr_nonnull(m);
	return m;
}

START_TEST(tsv_rows_by_relative_path)
{
	struct warns w = {0};
	char p[512], src[512];
	struct cdx_manifest *m;
	struct cdx_doc *d;

	put("news/a.txt", "Text.", p, sizeof p);
	put("news/b.txt", "Text.", p, sizeof p);
	m = load_ok("manifest.tsv",
	            "Title\tfile\tbytes\tDate\n"
	            "Cobalt quotas\tnews/a.txt\t5\t2025-09-22\n"
	            "\tnews/b.txt\t5\tDecember 12, 2023\n",
	            &w);
	ck_assert_uint_eq(w.n, 0);
	ck_assert_uint_eq(cdx_manifest_rows(m), 2);
	/* the source as the user gave it: through another path */
	snprintf(src, sizeof src, "%s/news/../news/a.txt", dir);
	d = doc_of(src, 0);
	ck_assert_int_eq(cdx_manifest_apply(m, d), 1);
	ck_assert_str_eq(d->date, "2025-09-22");
	ck_assert_str_eq(d->title, "Cobalt quotas");
	cdx_doc_free(d);
	snprintf(src, sizeof src, "%s/news/b.txt", dir);
	d = doc_of(src, 0);
	ck_assert_int_eq(cdx_manifest_apply(m, d), 1);
	ck_assert_str_eq(d->date, "2023-12-12");
	ck_assert_str_eq(d->title, "own title"); /* empty cell: kept */
	cdx_doc_free(d);
	snprintf(src, sizeof src, "%s/news/c.txt", dir);
	d = doc_of(src, 0);
	ck_assert_int_eq(cdx_manifest_apply(m, d), 0);
	ck_assert_ptr_null(d->date);
	cdx_doc_free(d);
	cdx_manifest_free(m);
}
END_TEST

START_TEST(csv_quoting_bom_and_crlf)
{
	struct warns w = {0};
	char p[512], src[512];
	struct cdx_manifest *m;
	struct cdx_doc *d;

	put("a.txt", "Text.", p, sizeof p);
	m = load_ok("m.csv",
	            "\xef\xbb\xbfpath,title,url\r\n"
	            "a.txt,\"Copper, tariffs and \"\"50%\"\"\nsecond line\","
	            "https://example.org/a\r\n",
	            &w);
	ck_assert_uint_eq(w.n, 0);
	snprintf(src, sizeof src, "%s/a.txt", dir);
	d = doc_of(src, 0);
	ck_assert_int_eq(cdx_manifest_apply(m, d), 1);
	ck_assert_str_eq(d->title, "Copper, tariffs and \"50%\"\nsecond line");
	ck_assert_str_eq(d->url, "https://example.org/a");
	ck_assert_ptr_null(d->date);
	cdx_doc_free(d);
	cdx_manifest_free(m);
}
END_TEST

START_TEST(collection_items_parts_and_urls)
{
	struct warns w = {0};
	char p[512], src[512];
	struct cdx_manifest *m;
	struct cdx_doc *d;

	put("coll.sgm", "<REUTERS></REUTERS>", p, sizeof p);
	put("long.txt", "Text.", p, sizeof p);
	m = load_ok("m.tsv",
	            "file\tdate\ttitle\turl\n"
	            "coll.sgm#7\t1987-03-03\tItem seven\t\n"
	            "coll.sgm\t1987\t\t\n"
	            "long.txt\t2024-01-02\tA long text\t\n"
	            "https://example.org/feed/1\t2025-01-06\tFed\t\n",
	            &w);
	ck_assert_uint_eq(w.n, 0);
	snprintf(src, sizeof src, "%s/coll.sgm#7", dir);
	d = doc_of(src, 0);
	ck_assert_int_eq(cdx_manifest_apply(m, d), 1);
	ck_assert_str_eq(d->date, "1987-03-03");
	ck_assert_str_eq(d->title, "Item seven");
	cdx_doc_free(d);
	/* another item: the collection's own row */
	snprintf(src, sizeof src, "%s/coll.sgm#8", dir);
	d = doc_of(src, 0);
	ck_assert_int_eq(cdx_manifest_apply(m, d), 1);
	ck_assert_str_eq(d->date, "1987");
	ck_assert_str_eq(d->title, "own title");
	cdx_doc_free(d);
	/* a part keeps its number in the title */
	snprintf(src, sizeof src, "%s/long.txt#part2", dir);
	d = doc_of(src, 2);
	ck_assert_int_eq(cdx_manifest_apply(m, d), 1);
	ck_assert_str_eq(d->title, "A long text (part 2)");
	cdx_doc_free(d);
	/* a feed item named by its URL */
	d = doc_of("https://example.org/feed/1", 0);
	ck_assert_int_eq(cdx_manifest_apply(m, d), 1);
	ck_assert_str_eq(d->date, "2025-01-06");
	cdx_doc_free(d);
	cdx_manifest_free(m);
}
END_TEST

START_TEST(bad_rows_are_warnings_naming_the_line)
{
	struct warns w = {0};
	char p[512], src[512];
	struct cdx_manifest *m;
	struct cdx_doc *d;

	put("a.txt", "Text.", p, sizeof p);
	m = load_ok("m.tsv",
	            "file\tdate\n"
	            "a.txt\tsoon\n"       /* line 2: no date, row kept */
	            "\n"                  /* line 3: blank, nothing said */
	            "\t2025-01-01\n"      /* line 4: no name */
	            "missing.txt\t2025\n" /* line 5: no such file */
	            "a.txt\t2024\n",      /* line 6: listed before */
	            &w);
	ck_assert_uint_eq(w.n, 4);
	ck_assert_ptr_nonnull(strstr(w.msg[0], "m.tsv:2: not a date"));
	ck_assert_ptr_nonnull(strstr(w.msg[0], "'soon'"));
	ck_assert_ptr_nonnull(strstr(w.msg[1], "m.tsv:4: no file name"));
	ck_assert_ptr_nonnull(strstr(w.msg[2], "m.tsv:5: no such file"));
	ck_assert_ptr_nonnull(strstr(w.msg[3], "m.tsv:6: file listed before"));
	snprintf(src, sizeof src, "%s/a.txt", dir);
	d = doc_of(src, 0);
	ck_assert_int_eq(cdx_manifest_apply(m, d), 1);
	ck_assert_ptr_null(d->date); /* the first row's, which has none */
	cdx_doc_free(d);
	cdx_manifest_free(m);
}
END_TEST

static const struct {
	const char *text;
	int code;
	const char *msg;
} load_errors[] = {
	{"title,date\nA,2025\n", CDX_ERR_FORMAT,
	 ":1: the header names no file column"},
	{"", CDX_ERR_FORMAT, ":1: the header names no file column"},
	{"file,title\na.txt,ok\nb.txt,\"open\nand never closed\n",
	 CDX_ERR_FORMAT, ":3: a quoted field is not closed"},
};

START_TEST(load_errors_name_the_line)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_manifest *m = (struct cdx_manifest *)&err;
	char path[512];

	put("m.csv", load_errors[_i].text, path, sizeof path);
	ck_assert_int_eq(cdx_manifest_load(&m, path, NULL, NULL, &err),
	                 load_errors[_i].code);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(err.msg, "m.csv"));
	ck_assert_msg(strstr(err.msg, load_errors[_i].msg) != NULL, "%s",
	              err.msg);
}
END_TEST

START_TEST(missing_manifest_is_an_io_error)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_manifest *m = NULL;
	char path[512];

	snprintf(path, sizeof path, "%s/none.tsv", dir);
	ck_assert_int_eq(cdx_manifest_load(&m, path, NULL, NULL, &err),
	                 CDX_ERR_IO);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(err.msg, "none.tsv"));
	cdx_manifest_free(NULL);
	ck_assert_int_eq(cdx_manifest_apply(NULL, NULL), 0);
}
END_TEST

TCase *corpus_manifest_tcase(void)
{
	TCase *tc = tcase_create("manifest");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, tsv_rows_by_relative_path);
	tcase_add_test(tc, csv_quoting_bom_and_crlf);
	tcase_add_test(tc, collection_items_parts_and_urls);
	tcase_add_test(tc, bad_rows_are_warnings_naming_the_line);
	tcase_add_loop_test(tc, load_errors_name_the_line, 0,
	                    (int)(sizeof load_errors / sizeof load_errors[0]));
	tcase_add_test(tc, missing_manifest_is_an_io_error);
	return tc;
}
