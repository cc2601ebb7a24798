/*
 * test_index_bbc.c — the BBC corpus (../shared, skipped when absent)
 * indexed and searched end to end.
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

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
		*len = fread(buf, 1, (size_t)n, fp);
		buf[*len] = '\0';
	}
	fclose(fp);
	return buf;
}

START_TEST(test_bbc_corpus)
{
	static const char *const topics[] = {
		"business", "entertainment", "politics", "sport", "tech",
	};
	CDX_SKIP_WITHOUT_SHARED(shared);
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w = NULL;
	struct cdx_index *ix;
	struct timespec t0, t1;
	size_t n_docs = 0;
	char path[512];
	double secs;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t k = 0; k < 5; k++) {
		for (unsigned i = 1; i < 1000; i++) {
			struct cdx_doc d;
			size_t len;
			char *text;

			snprintf(path, sizeof path, "%s/corpora/bbc-news/%s/%03u.txt",
			         shared, topics[k], i);
			text = slurp(path, &len);
			if (text == NULL)
				break;
			if (w == NULL)
				ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err),
				                 CDX_OK);
			d = mkdoc(path, NULL, NULL, text);
			d.len = len;
			ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, NULL,
			                                      NULL, &err), CDX_OK);
			free(text);
			if (++n_docs % 500 == 0) {
				ck_assert_int_eq(cdx_index_writer_commit(w, &err),
				                 CDX_OK);
				w = NULL;
			}
		}
	}
	if (w)
		ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "bbc: %zu documents indexed in %.2f s\n", n_docs, secs);
	if (n_docs == 0) {
		fprintf(stderr, "skipped: no bbc-news corpus\n");
	} else {
		ck_assert_uint_gt(n_docs, 2000);
		ck_assert_uint_gt(hits_for(ix, "profit"), 10);
		ck_assert_uint_gt(hits_for(ix, "election labour"), 10);
		assert_sound(ix);
	}
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST


void index_add_bbc_cases(Suite *s)
{
	TCase *tc = tcase_create("indexes the bbc corpus quickly");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_bbc_corpus);
	suite_add_tcase(s, tc);
}
