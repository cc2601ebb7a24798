/*
 * test_index_write.c — writing: re-ingest outcomes (new, replaced,
 * unchanged, duplicate; replaced when only the claims differ), aborted
 * batches, claims outside the text, large
 * texts and long sources, map growth from a tiny map, and a reader
 * searching while a writer commits.
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

START_TEST(test_reingest_outcomes)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w;
	struct cdx_doc v1 = mkdoc("a.txt", NULL, NULL, "Graphite anodes ship.");
	struct cdx_doc v2 = mkdoc("a.txt", NULL, NULL, "Gallium exports halt.");
	struct cdx_doc dup = mkdoc("b.txt", NULL, NULL,
	                           "Graphite anodes ship.");
	struct cdx_doc c1 = mkdoc("c.txt", NULL, NULL, "Tungsten first draft.");
	struct cdx_doc c2 = mkdoc("c.txt", NULL, NULL, "Antimony second draft.");
	enum cdx_add_outcome o;
	uint64_t id1 = 0, id;
	struct cdx_index_stats st;
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(add1(ix, &v1, NULL, &id1), CDX_ADD_NEW);
	ck_assert_int_eq(add1(ix, &v1, NULL, &id), CDX_ADD_UNCHANGED);
	ck_assert_uint_eq(id, id1);
	ck_assert_int_eq(add1(ix, &dup, NULL, &id), CDX_ADD_DUPLICATE);
	ck_assert_uint_eq(id, id1);
	ck_assert_int_eq(add1(ix, &v2, NULL, &id), CDX_ADD_REPLACED);
	ck_assert_uint_ne(id, id1);
	ck_assert_uint_eq(hits_for(ix, "graphite"), 0);
	ck_assert_uint_eq(hits_for(ix, "gallium"), 1);
	/* the old text is free again: under another source it is new */
	ck_assert_int_eq(add1(ix, &dup, NULL, NULL), CDX_ADD_NEW);
	/* both versions in one batch: the first never reaches LMDB */
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	ck_assert_int_eq(cdx_index_writer_add(w, &c1, NULL, &o, NULL, &err),
	                 CDX_OK);
	ck_assert_int_eq(o, CDX_ADD_NEW);
	ck_assert_int_eq(cdx_index_writer_add(w, &c2, NULL, &o, NULL, &err),
	                 CDX_OK);
	ck_assert_int_eq(o, CDX_ADD_REPLACED);
	ck_assert_int_eq(cdx_index_writer_add(w, &c2, NULL, &o, NULL, &err),
	                 CDX_OK);
	ck_assert_int_eq(o, CDX_ADD_UNCHANGED);
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	ck_assert_uint_eq(hits_for(ix, "tungsten"), 0);
	ck_assert_uint_eq(hits_for(ix, "antimony"), 1);
	ck_assert_uint_eq(hits_for(ix, "draft"), 1);
	ck_assert_int_eq(cdx_index_stats(ix, &st, &err), CDX_OK);
	ck_assert_uint_eq(st.n_docs, 3);
	ck_assert_uint_eq(st.n_tokens, 3 + 3 + 3);
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* The number of claims stored about @p entity. */
static size_t claims_about(struct cdx_index *ix, const char *entity)
{
	struct cdx_claim_filter f = CDX_CLAIM_FILTER_INIT;
	struct cdx_claim_rows rows = {NULL, 0, NULL};
	struct cdx_error err = CDX_ERROR_INIT;
	size_t n;

	f.entity = entity;
	ck_assert_int_eq(cdx_index_claims(ix, &f, &rows, &err), CDX_OK);
	n = rows.n;
	cdx_claim_rows_release(&rows);
	return n;
}

/* An unchanged text whose claims come out otherwise (a newer extractor,
 * other data files) replaces the stored document, so that its claims are
 * never stale; the same claims again leave it unchanged. */
START_TEST(test_reingest_refreshes_claims)
{
	static const char text[] = "Chile mined 5 tons of lithium in 2024.";
	const char *s1 = text;
	struct cdx_doc d = mkdoc("a.txt", NULL, NULL, text);
	struct cdx_claim v[2];
	struct cdx_claims one = {v, 1, 2, NULL, NULL};
	struct cdx_claims two = {v, 2, 2, NULL, NULL};
	struct cdx_claims none = {v, 0, 2, NULL, NULL};
	uint64_t id1 = 0, id;
	struct cdx_index *ix;
	struct tmp t;

	v[0] = mkclaim(text, s1, "5 tons", CDX_KIND_MASS, 5, "t", "Chile",
	               "lithium");
	v[1] = mkclaim(text, s1, "2024", CDX_KIND_DATE, NAN, NULL, NULL,
	               NULL);
	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(add1(ix, &d, &one, &id1), CDX_ADD_NEW);
	ck_assert_int_eq(add1(ix, &d, &one, &id), CDX_ADD_UNCHANGED);
	ck_assert_uint_eq(id, id1);
	/* one more claim: replaced */
	ck_assert_int_eq(add1(ix, &d, &two, &id), CDX_ADD_REPLACED);
	ck_assert_uint_ne(id, id1);
	ck_assert_int_eq(add1(ix, &d, &two, NULL), CDX_ADD_UNCHANGED);
	/* the same count, another subject: replaced */
	v[0].subject = "Peru";
	ck_assert_int_eq(add1(ix, &d, &two, NULL), CDX_ADD_REPLACED);
	ck_assert_uint_eq(claims_about(ix, "Chile"), 0);
	ck_assert_uint_eq(claims_about(ix, "Peru"), 1);
	/* no claims any more: replaced, then unchanged */
	ck_assert_int_eq(add1(ix, &d, &none, NULL), CDX_ADD_REPLACED);
	ck_assert_uint_eq(claims_about(ix, "Peru"), 0);
	ck_assert_int_eq(add1(ix, &d, &none, NULL), CDX_ADD_UNCHANGED);
	ck_assert_int_eq(add1(ix, &d, NULL, NULL), CDX_ADD_UNCHANGED);
	ck_assert_uint_eq(hits_for(ix, "lithium"), 1);
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_abort_writes_nothing)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w;
	struct cdx_doc d = mkdoc("a.txt", NULL, NULL, "Bauxite shipments.");
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, NULL, NULL, &err),
	                 CDX_OK);
	cdx_index_writer_abort(w);
	cdx_index_writer_abort(NULL);
	ck_assert_uint_eq(hits_for(ix, "bauxite"), 0);
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_claim_outside_text)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w;
	struct cdx_doc d = mkdoc("a.txt", NULL, NULL, "Short.");
	struct cdx_claim c;
	struct cdx_claims cl = {&c, 1, 1, NULL, NULL};
	struct cdx_index *ix;
	struct tmp t;

	memset(&c, 0, sizeof c);
	c.start = 2;
	c.end = 40;
	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	ck_assert_int_eq(cdx_index_writer_add(w, &d, &cl, NULL, NULL, &err),
	                 CDX_ERR_FAIL);
	ck_assert_ptr_nonnull(strstr(err.msg, "'a.txt'"));
	cdx_index_writer_abort(w);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* ------------------------------------------------------------ claims */

static void gen_text(char *buf, size_t cap, unsigned i)
{
	static const char *const words[] = {
		"ore", "smelter", "tariff", "quota", "refinery", "battery",
		"magnet", "supply", "export", "import", "mine", "price",
	};
	size_t n = 0;

	n += (size_t)snprintf(buf + n, cap - n, "doc%u common ", i);
	for (unsigned j = 0; n + 40 < cap && j < 200; j++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%u ",
		                      words[(i + j) % 12], (i * 7 + j) % 97);
}

START_TEST(test_map_grows)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w;
	struct cdx_index_stats st;
	struct cdx_index *ix;
	char src[32], text[1600];
	struct tmp t;
	unsigned i;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, (size_t)1 << 20);
	/* one big batch overflows the 1 MiB map: grown and replayed */
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	for (i = 0; i < 300; i++) {
		struct cdx_doc d;

		snprintf(src, sizeof src, "g%u.txt", i);
		gen_text(text, sizeof text, i);
		d = mkdoc(src, NULL, NULL, text);
		ck_assert_msg(cdx_index_writer_add(w, &d, NULL, NULL, NULL,
		                                   &err) == CDX_OK, "%s",
		              err.msg);
	}
	ck_assert_msg(cdx_index_writer_commit(w, &err) == CDX_OK, "%s",
	              err.msg);
	/* then small batches */
	for (; i < 400; i += 25) {
		ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
		for (unsigned j = i; j < i + 25; j++) {
			struct cdx_doc d;

			snprintf(src, sizeof src, "g%u.txt", j);
			gen_text(text, sizeof text, j);
			d = mkdoc(src, NULL, NULL, text);
			ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, NULL,
			                                      NULL, &err), CDX_OK);
		}
		ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	}
	ck_assert_int_eq(cdx_index_stats(ix, &st, &err), CDX_OK);
	ck_assert_uint_eq(st.n_docs, 400);
	ck_assert_uint_gt(st.map_bytes, (uint64_t)1 << 20);
	ck_assert_uint_eq(hits_for(ix, "common"), 400);
	ck_assert_uint_eq(hits_for(ix, "doc123"), 1);
	assert_sound(ix);
	cdx_index_close(ix);
	/* reopening with the small map size still reads everything */
	ix = open_ix(t.path, 0, (size_t)1 << 20);
	ck_assert_uint_eq(hits_for(ix, "doc399"), 1);
	ck_assert_int_eq(cdx_index_delete(ix, "g5.txt", &err), CDX_OK);
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* Batches of sizes around the one that fills 1 MiB only while merging
 * postings at commit, so the commit's grow-and-replay path runs too. */
START_TEST(test_map_grows_at_commit)
{
	struct cdx_error err = CDX_ERROR_INIT;
	char src[32], text[1600];

	for (unsigned n = 96; n <= 136; n += 4) {
		struct cdx_index_writer *w;
		struct cdx_index *ix;
		struct tmp t;

		tmp_make(&t);
		ix = open_ix(t.path, CDX_INDEX_CREATE, (size_t)1 << 20);
		ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
		for (unsigned i = 0; i < n; i++) {
			struct cdx_doc d;

			snprintf(src, sizeof src, "g%u.txt", i);
			gen_text(text, sizeof text, i);
			d = mkdoc(src, NULL, NULL, text);
			ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, NULL,
			                                      NULL, &err), CDX_OK);
		}
		ck_assert_msg(cdx_index_writer_commit(w, &err) == CDX_OK, "%s",
		              err.msg);
		ck_assert_uint_eq(hits_for(ix, "common"), n);
		assert_sound(ix);
		cdx_index_close(ix);
		tmp_remove(&t);
	}
}
END_TEST

/* A text past INDEX_PART_MAX is stored in parts, and a source past the
 * LMDB key limit is keyed by a prefix and a hash. */
START_TEST(test_large_text_and_long_source)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_search_results r;
	struct cdx_doc_info info;
	struct cdx_index *ix;
	struct cdx_doc d;
	size_t cap = (size_t)1300 << 10, n = 0;
	char *text = malloc(cap), src[700];
	uint64_t id, id2;
	struct tmp t;

	ck_assert_ptr_nonnull(text);
	for (unsigned i = 0; n + 64 < cap; i++)
		n += (size_t)snprintf(text + n, cap - n, "w%u filler ", i % 5000);
	n += (size_t)snprintf(text + n, cap - n, "molybdenum at the end");
	memset(src, 'x', sizeof src - 1);
	memcpy(src, "https://example.org/", 20);
	src[sizeof src - 1] = '\0';
	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	d = mkdoc(src, NULL, NULL, text);
	ck_assert_int_eq(add1(ix, &d, NULL, &id), CDX_ADD_NEW);
	ck_assert_int_eq(add1(ix, &d, NULL, &id2), CDX_ADD_UNCHANGED);
	ck_assert_uint_eq(id, id2);
	ck_assert_int_eq(cdx_index_search(ix, "molybdenum", 5, &r, &err),
	                 CDX_OK);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.v[0].source, src);
	ck_assert_ptr_nonnull(strstr(r.v[0].snippet, "[molybdenum] at the end"));
	cdx_search_results_release(&r);
	ck_assert_int_eq(cdx_index_doc_get(ix, src, 1, &info, &err), CDX_OK);
	ck_assert_uint_eq(info.text_len, n);
	ck_assert_int_eq(memcmp(info.text, text, n), 0);
	cdx_doc_info_release(&info);
	/* another source sharing the long prefix is another document */
	src[sizeof src - 2] = 'y';
	ck_assert_int_eq(cdx_index_doc_get(ix, src, 0, &info, &err),
	                 CDX_ERR_NOTFOUND);
	src[sizeof src - 2] = 'x';
	assert_sound(ix);
	ck_assert_int_eq(cdx_index_delete(ix, src, &err), CDX_OK);
	ck_assert_uint_eq(hits_for(ix, "filler"), 0);
	assert_sound(ix);
	cdx_index_close(ix);
	free(text);
	tmp_remove(&t);
}
END_TEST

/* ------------------------------------------------------------ threads */

struct race {
	struct cdx_index *ix;
	atomic_int done;
};

struct reader_arg {
	struct race *race;
	int failures;      /* this reader's own counts: no sharing */
	uint64_t searches;
};

static void *reader(void *arg)
{
	struct reader_arg *a = arg;
	uint64_t last = 0;

	do {
		struct cdx_error err = CDX_ERROR_INIT;
		struct cdx_search_results res;

		if (cdx_index_search(a->race->ix, "common", 3, &res, &err) !=
		    CDX_OK || res.total < last)
			a->failures++;
		last = res.total;
		cdx_search_results_release(&res);
		a->searches++;
	} while (!atomic_load(&a->race->done));
	return NULL;
}

START_TEST(test_reader_during_writes)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct race r;
	struct reader_arg ra[2];
	struct cdx_index_writer *w;
	char src[32], text[1600];
	pthread_t th[2];
	struct tmp t;

	tmp_make(&t);
	/* a small map, so it grows while the readers run */
	r.ix = open_ix(t.path, CDX_INDEX_CREATE, (size_t)1 << 20);
	atomic_init(&r.done, 0);
	for (int i = 0; i < 2; i++) {
		ra[i] = (struct reader_arg){&r, 0, 0};
		ck_assert_int_eq(pthread_create(&th[i], NULL, reader, &ra[i]),
		                 0);
	}
	for (unsigned b = 0; b < 20; b++) {
		ck_assert_int_eq(cdx_index_writer_begin(&w, r.ix, &err), CDX_OK);
		for (unsigned j = b * 15; j < b * 15 + 15; j++) {
			struct cdx_doc d;

			snprintf(src, sizeof src, "r%u.txt", j);
			gen_text(text, sizeof text, j);
			d = mkdoc(src, NULL, NULL, text);
			ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, NULL,
			                                      NULL, &err), CDX_OK);
		}
		ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	}
	atomic_store(&r.done, 1);
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(ra[i].failures, 0);
		ck_assert_uint_gt(ra[i].searches, 0);
	}
	ck_assert_uint_eq(hits_for(r.ix, "common"), 300);
	cdx_index_close(r.ix);
	tmp_remove(&t);
}
END_TEST

/* ------------------------------------------------------------ real corpus */


void index_add_write_cases(Suite *s)
{
	TCase *tc = tcase_create("re-ingest, abort and delete");

	tcase_add_test(tc, test_reingest_outcomes);
	tcase_add_test(tc, test_reingest_refreshes_claims);
	tcase_add_test(tc, test_abort_writes_nothing);
	tcase_add_test(tc, test_claim_outside_text);
	tcase_add_test(tc, test_large_text_and_long_source);
	suite_add_tcase(s, tc);

	tc = tcase_create("map grows from a tiny map");
	tcase_add_test(tc, test_map_grows);
	tcase_add_test(tc, test_map_grows_at_commit);
	suite_add_tcase(s, tc);

	tc = tcase_create("readers run beside the writer");
	tcase_add_test(tc, test_reader_during_writes);
	suite_add_tcase(s, tc);
}
