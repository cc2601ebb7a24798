/*
 * test_index_search.c — ranking: BM25 order and score on a fixture whose
 * answer can be worked out by hand, AND semantics, snippets.
 */
#define _XOPEN_SOURCE 700
#include <lmdb.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "index_int.h"
#include "test_index.h"
#include "testutil.h"

static const char *const corpus3[][2] = {
	{"a.txt", "Copper copper copper: mine output rose."},
	{"b.txt", "Copper prices fell sharply in London trading today as "
	          "traders sold metal."},
	{"c.txt", "The lithium market in Réunion grew."},
};

static struct cdx_index *index_corpus3(struct tmp *t)
{
	struct cdx_index *ix = open_ix(t->path, CDX_INDEX_CREATE, 0);
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w;

	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	for (size_t i = 0; i < 3; i++) {
		struct cdx_doc d = mkdoc(corpus3[i][0], NULL, NULL,
		                         corpus3[i][1]);
		ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, NULL, NULL,
		                                      &err), CDX_OK);
	}
	ck_assert_uint_eq(cdx_index_writer_count(w), 3);
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	return ix;
}

START_TEST(test_search_bm25_order)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_search_results r;
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = index_corpus3(&t);
	/* a.txt has copper three times in 6 words, b.txt once in 13: with
	 * the same idf, a's tf and shorter length rank it first */
	ck_assert_int_eq(cdx_index_search(ix, "COPPER", 10, &r, &err), CDX_OK);
	ck_assert_uint_eq(r.total, 2);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_str_eq(r.v[0].source, "a.txt");
	ck_assert_str_eq(r.v[1].source, "b.txt");
	ck_assert(r.v[0].score > r.v[1].score);
	ck_assert(r.v[1].score > 0);
	ck_assert_ptr_null(r.v[0].title);
	cdx_search_results_release(&r);
	/* the limit cuts hits, not the total */
	ck_assert_int_eq(cdx_index_search(ix, "copper", 1, &r, &err), CDX_OK);
	ck_assert_uint_eq(r.total, 2);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.v[0].source, "a.txt");
	cdx_search_results_release(&r);
	cdx_search_results_release(NULL);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* Queries and how many documents of corpus3 they match. */
static const struct {
	const char *q;
	uint64_t total;
} and_rows[] = {
	{"copper london", 1},      /* AND: only b.txt has both */
	{"copper lithium", 0},     /* no document has both */
	{"zinc", 0},               /* a word nobody has */
	{"copper zinc", 0},
	{"reunion", 1},            /* marks stripped on both sides */
	{"RÉUNION", 1},
	{"copper copper", 2},      /* a repeated word counts once */
	{"", 0},                   /* no word at all */
	{"!!! ... ???", 0},
};

START_TEST(test_search_and_semantics)
{
	struct tmp t;
	struct cdx_index *ix;

	tmp_make(&t);
	ix = index_corpus3(&t);
	ck_assert_uint_eq(hits_for(ix, and_rows[_i].q), and_rows[_i].total);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_search_score_value)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_search_results r;
	struct cdx_doc d = mkdoc("one.txt", "One", NULL, "nickel demand rises");
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	add1(ix, &d, NULL, NULL);
	/* N = 1, df = 1, tf = 1, dl = avgdl: score = idf = ln(1 + 0.5/1.5) */
	ck_assert_int_eq(cdx_index_search(ix, "nickel", 5, &r, &err), CDX_OK);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_double_eq_tol(r.v[0].score, log(4.0 / 3.0), 1e-9);
	ck_assert_str_eq(r.v[0].title, "One");
	ck_assert_str_eq(r.v[0].snippet, "[nickel] demand rises");
	cdx_search_results_release(&r);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_search_snippet)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_search_results r;
	struct cdx_index *ix;
	struct cdx_doc d;
	char text[4096], *p = text;
	struct tmp t;

	/* 100 words, lines broken, "cobalt" and "Congo" near word 60 */
	for (int i = 0; i < 100; i++) {
		const char *w = i == 60 ? "cobalt" : i == 63 ? "Congo," : "word";
		p += sprintf(p, "%s%s", w, i % 10 == 9 ? "\n\n" : " ");
	}
	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	d = mkdoc("long.txt", NULL, NULL, text);
	add1(ix, &d, NULL, NULL);
	ck_assert_int_eq(cdx_index_search(ix, "congo cobalt", 5, &r, &err),
	                 CDX_OK);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_msg(strncmp(r.v[0].snippet, "...", 3) == 0, "%s",
	              r.v[0].snippet);
	ck_assert_msg(strstr(r.v[0].snippet, "[cobalt] word word [Congo],") !=
	              NULL, "%s", r.v[0].snippet);
	ck_assert_ptr_null(strchr(r.v[0].snippet, '\n'));
	ck_assert_ptr_null(strstr(r.v[0].snippet, "  "));
	ck_assert_int_eq(strcmp(r.v[0].snippet + strlen(r.v[0].snippet) - 3,
	                        "..."), 0);
	cdx_search_results_release(&r);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* ------------------------------------------------------------ re-ingest */


void index_add_search_cases(Suite *s)
{
	TCase *tc = tcase_create("search ranks with bm25");

	tcase_add_test(tc, test_search_bm25_order);
	tcase_add_test(tc, test_search_score_value);
	tcase_add_loop_test(tc, test_search_and_semantics, 0,
	                    sizeof and_rows / sizeof *and_rows);
	suite_add_tcase(s, tc);

	tc = tcase_create("snippets bracket matches");
	tcase_add_test(tc, test_search_snippet);
	suite_add_tcase(s, tc);
}
