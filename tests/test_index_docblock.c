/*
 * test_index_docblock.c — doc records sixteen to a value (indexer/
 * docblock.c, schema 8): a block's records are found by slot and every
 * malformed block is CORRUPT, never a read past its end; documents added
 * across blocks, removed (a whole block, its first, its last) and added
 * again read back, their neighbours' text stays, the walk and "the
 * document before" agree; the check reports a damaged block and goes on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"
#include "test_index.h"

/* slot 0 "ab", slot 3 "c", slot 15 "defg" */
static const uint8_t good[] = {0, 2, 'a', 'b', 3, 1, 'c', 15, 4,
                               'd', 'e', 'f', 'g'};

START_TEST(test_block_find)
{
	MDB_val r;

	ck_assert_int_eq(index_docblock_find(good, sizeof good, 0, &r), CDX_OK);
	ck_assert(r.mv_size == 2 && memcmp(r.mv_data, "ab", 2) == 0);
	ck_assert_int_eq(index_docblock_find(good, sizeof good, 3, &r), CDX_OK);
	ck_assert(r.mv_size == 1 && memcmp(r.mv_data, "c", 1) == 0);
	ck_assert_int_eq(index_docblock_find(good, sizeof good, 15, &r),
	                 CDX_OK);
	ck_assert(r.mv_size == 4 && memcmp(r.mv_data, "defg", 4) == 0);
	ck_assert_int_eq(index_docblock_find(good, sizeof good, 1, &r),
	                 CDX_ERR_NOTFOUND);
	ck_assert_int_eq(index_docblock_find(good, 7, 15, &r),
	                 CDX_ERR_NOTFOUND);
	/* every cut, from an exact copy: found, not found or CORRUPT, and
	 * slot 15 only when whole */
	for (size_t len = 0; len < sizeof good; len++) {
		uint8_t *copy = malloc(len ? len : 1);
		int rc;

		memcpy(copy, good, len);
		rc = index_docblock_find(copy, len, 15, &r);
		ck_assert_msg(rc == CDX_ERR_CORRUPT || rc == CDX_ERR_NOTFOUND,
		              "cut at %zu: %d", len, rc);
		free(copy);
	}
}
END_TEST

static const struct {
	const char *what;
	uint8_t v[8];
	size_t n;
} bad[] = {
	{"empty block", {0}, 0},
	{"slot 16", {16, 1, 'a'}, 3},
	{"slots not rising", {3, 1, 'a', 3, 1, 'b'}, 6},
	{"slots falling", {3, 1, 'a', 2, 1, 'b'}, 6},
	{"empty record", {0, 0, 1, 1, 'a'}, 5},
	{"length past the end", {0, 5, 'a', 'b'}, 4},
	{"cut length varint", {0, 0x80}, 2},
};
#define N_BAD (sizeof bad / sizeof *bad)

START_TEST(test_block_damage)
{
	MDB_val r;

	ck_assert_msg(index_docblock_find(bad[_i].v, bad[_i].n, 15, &r) ==
	              CDX_ERR_CORRUPT, "%s", bad[_i].what);
}
END_TEST

enum { N_DOCS = 40 };

static void src_of(int i, char *out, size_t n)
{
	snprintf(out, n, "/b/%02d.txt", i);
}

static void text_of(int i, char *out, size_t n)
{
	snprintf(out, n, "Document %d tells of nickel %d times.", i, i * 7);
}

static void assert_text(struct cdx_index *ix, int i)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_doc_info info;
	char src[32], txt[80];

	src_of(i, src, sizeof src);
	text_of(i, txt, sizeof txt);
	ck_assert_msg(cdx_index_doc_get(ix, src, 1, &info, &err) == CDX_OK,
	              "%s: %s", src, err.msg);
	ck_assert_str_eq(info.text, txt);
	ck_assert_str_eq(info.title, src);
	cdx_doc_info_release(&info);
}

/* The walk lists exactly @p live (ids), and index_doc_before agrees. */
static void assert_walk(struct cdx_index *ix, const uint64_t *live, size_t n)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct index_docs_it it;
	MDB_txn *txn;
	MDB_val rec;
	uint64_t id, before;
	size_t k = 0;
	int rc;

	ck_assert_int_eq(index_read_begin(ix, &txn, &err), CDX_OK);
	ck_assert_int_eq(index_docs_open(&it, ix, txn, 0), 0);
	while ((rc = index_docs_next(&it, &id, &rec)) == CDX_OK) {
		ck_assert_uint_lt(k, n);
		ck_assert_uint_eq(id, live[k]);
		k++;
	}
	ck_assert_int_eq(rc, CDX_ERR_ITEROVER);
	ck_assert_uint_eq(k, n);
	index_docs_close(&it);
	for (uint64_t at = 0; at < 3 * INDEX_DOC_BLOCK + 10; at++) {
		size_t j = 0;

		while (j < n && live[j] < at)
			j++;
		rc = index_doc_before(ix, txn, at, &before, &rec);
		if (j == 0) {
			ck_assert_int_eq(rc, CDX_ERR_NOTFOUND);
		} else {
			ck_assert_int_eq(rc, CDX_OK);
			ck_assert_uint_eq(before, live[j - 1]);
		}
	}
	index_read_end(ix, txn);
}

/* Ids 1..40 fill blocks 0 (ids 1-15), 1 (16-31) and 2 (32-40). */
START_TEST(test_blocks_in_index)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w = NULL;
	struct cdx_index *ix;
	uint64_t ids[N_DOCS], live[N_DOCS];
	int gone[N_DOCS] = {0};
	size_t n_live = 0;
	struct tmp t;
	static const int drop[] = {15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
	                           26, 27, 28, 29, 30, 0, 14, 39, 5};

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	for (int i = 0; i < N_DOCS; i++) {
		char src[32], txt[80];
		struct cdx_doc d;

		src_of(i, src, sizeof src);
		text_of(i, txt, sizeof txt);
		d = mkdoc(src, src, NULL, txt); /* borrowed for the call */
		ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, NULL,
		                                      &ids[i], &err), CDX_OK);
	}
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	for (int i = 0; i < N_DOCS; i++)
		live[i] = ids[i];
	ck_assert_uint_eq(ids[15], 16); /* the first of block 1 */
	assert_walk(ix, live, N_DOCS);
	assert_sound(ix);
	/* block 1 whole, then a block's first and last, and others */
	for (size_t j = 0; j < sizeof drop / sizeof *drop; j++) {
		char src[32];

		src_of(drop[j], src, sizeof src);
		ck_assert_int_eq(cdx_index_delete(ix, src, &err), CDX_OK);
		gone[drop[j]] = 1;
		n_live = 0;
		for (int i = 0; i < N_DOCS; i++)
			if (!gone[i])
				live[n_live++] = ids[i];
		assert_walk(ix, live, n_live);
		for (int i = 0; i < N_DOCS; i++)
			if (!gone[i])
				assert_text(ix, i);
	}
	assert_sound(ix);
	/* back again: new ids, in the last block */
	for (size_t j = 0; j < 3; j++) {
		char src[32], txt[80];
		struct cdx_doc d;

		src_of(drop[j], src, sizeof src);
		text_of(drop[j], txt, sizeof txt);
		d = mkdoc(src, src, NULL, txt);
		ck_assert_int_eq(add1(ix, &d, NULL, NULL), CDX_ADD_NEW);
		assert_text(ix, drop[j]);
	}
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* A damaged block: the check names it and still checks the others. */
START_TEST(test_block_check)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct problems p = {0};
	struct cdx_index *ix;
	uint8_t kb[8];
	MDB_val k = {8, kb}, v = {3, (void *)"\x02\x05x"};
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	for (int i = 0; i < 20; i++) {
		char src[32], txt[80];
		struct cdx_doc d;

		src_of(i, src, sizeof src);
		text_of(i, txt, sizeof txt);
		d = mkdoc(src, src, NULL, txt);
		ck_assert_int_eq(add1(ix, &d, NULL, NULL), CDX_ADD_NEW);
	}
	cdx_index_close(ix);
	raw_open(t.path, "docs", &env, &txn, &dbi);
	index_put_be64(kb, 0); /* ids 1..15 */
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	raw_close(env, txn);
	ix = open_ix(t.path, 0, 0);
	ck_assert_int_eq(cdx_index_check(ix, on_problem, &p, NULL, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_msg(strstr(p.first, "records of documents 0.. cannot be "
	                     "decoded") != NULL, "%s", p.first);
	assert_text(ix, 17); /* block 1 reads on */
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

void index_add_docblock_cases(Suite *s)
{
	TCase *tc = tcase_create("doc blocks");

	tcase_add_test(tc, test_block_find);
	tcase_add_loop_test(tc, test_block_damage, 0, (int)N_BAD);
	tcase_add_test(tc, test_blocks_in_index);
	tcase_add_test(tc, test_block_check);
	suite_add_tcase(s, tc);
}
