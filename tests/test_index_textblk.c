/*
 * test_index_textblk.c — the text stream in INDEX_TEXT_BLOCK-byte blocks
 * (indexer/record.c, schema 10): texts that end on a block boundary, that
 * cross one or span several read back whole (show, snippets) and the
 * stream has exactly the blocks its length needs; removing a document
 * frees the blocks only it used and keeps those it shares with a live
 * neighbour, and the last document's removal frees the partial last
 * block; a text compared in the batch that wrote it is read from the
 * block the writer holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"
#include "test_index.h"

#define TB INDEX_TEXT_BLOCK

/* A text of exactly @p len bytes: words of doc @p d, "zq<d>end" last
 * (a word only this document has, at its very end). */
static char *block_text(unsigned d, size_t len)
{
	char *s = malloc(len + 1), tail[32];
	size_t n = 0, k;
	uint32_t x = 2463534242u + d;

	ck_assert_ptr_nonnull(s);
	k = (size_t)snprintf(tail, sizeof tail, " zq%uend", d);
	ck_assert_uint_gt(len, k + 8);
	while (n < len - k) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		s[n++] = (char)('a' + x % 26);
		if (x % 7 == 0 && n < len - k)
			s[n++] = ' ';
	}
	memcpy(s + n, tail, k);
	s[len] = '\0';
	return s;
}

/* The keys of the text table, in order, into @p keys (at most @p max). */
static size_t text_keys(const char *path, uint64_t *keys, size_t max)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_cursor *cur;
	MDB_val k, v;
	size_t n = 0;

	raw_open(path, "text", &env, &txn, &dbi);
	ck_assert_int_eq(mdb_cursor_open(txn, dbi, &cur), 0);
	while (mdb_cursor_get(cur, &k, &v, n ? MDB_NEXT : MDB_FIRST) == 0) {
		ck_assert_uint_eq(k.mv_size, 8);
		ck_assert_uint_le(v.mv_size, TB);
		ck_assert_uint_lt(n, max);
		keys[n++] = index_get_be64(k.mv_data);
	}
	mdb_cursor_close(cur);
	raw_close(env, txn);
	return n;
}

static void assert_doc_text(struct cdx_index *ix, const char *src,
                            const char *text)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_doc_info info;

	ck_assert_msg(cdx_index_doc_get(ix, src, 1, &info, &err) == CDX_OK,
	              "%s: %s", src, err.msg);
	ck_assert_uint_eq(info.text_len, strlen(text));
	ck_assert_msg(strcmp(info.text, text) == 0, "%s: text differs", src);
	cdx_doc_info_release(&info);
}

/* The one hit for document @p d's last word, its snippet showing it. */
static void assert_snippet(struct cdx_index *ix, unsigned d)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_search_results res = {0};
	char q[32], mark[40];

	snprintf(q, sizeof q, "zq%uend", d);
	snprintf(mark, sizeof mark, "[zq%uend]", d);
	ck_assert_int_eq(cdx_index_search(ix, q, 5, &res, &err), CDX_OK);
	ck_assert_uint_eq(res.n, 1);
	ck_assert_msg(strstr(res.v[0].snippet, mark) != NULL, "%s: %s", q,
	              res.v[0].snippet);
	cdx_search_results_release(&res);
}

/* Sizes chosen against the block: the first ends exactly on the first
 * boundary, the second crosses the next, the third spans three blocks. */
static const size_t sizes[] = {TB, 1000, TB - 500, 2 * TB + 3000, 777};
#define N_SIZES (sizeof sizes / sizeof sizes[0])

START_TEST(test_span_blocks)
{
	struct tmp t;
	struct cdx_index *ix;
	char *text[N_SIZES], src[32];
	uint64_t keys[16], total = 0;
	size_t n;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	for (unsigned i = 0; i < N_SIZES; i++) {
		struct cdx_doc d;

		snprintf(src, sizeof src, "/t/%u.txt", i);
		text[i] = block_text(i, sizes[i]);
		total += sizes[i];
		d = mkdoc(src, NULL, NULL, text[i]);
		ck_assert_int_eq(add1(ix, &d, NULL, NULL), CDX_ADD_NEW);
	}
	for (unsigned i = 0; i < N_SIZES; i++) {
		snprintf(src, sizeof src, "/t/%u.txt", i);
		assert_doc_text(ix, src, text[i]);
		assert_snippet(ix, i);
	}
	assert_sound(ix);
	cdx_index_close(ix);
	/* every block but the last full, none missing */
	n = text_keys(t.path, keys, 16);
	ck_assert_uint_eq(n, (total + TB - 1) / TB);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(keys[i], i);
	for (unsigned i = 0; i < N_SIZES; i++)
		free(text[i]);
	tmp_remove(&t);
}
END_TEST

/* A small text, a large one over blocks 0..3, a small one: removing the
 * large one frees blocks 1 and 2 only (0 and 3 hold its neighbours'
 * text); removing the last one then frees block 3, and the first one
 * block 0. */
START_TEST(test_remove_frees)
{
	static const size_t len[] = {1000, 3 * TB, 1000};
	struct tmp t;
	struct cdx_index *ix;
	struct cdx_error err = CDX_ERROR_INIT;
	char *text[3];
	uint64_t keys[16];

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	for (unsigned i = 0; i < 3; i++) {
		char src[32];
		struct cdx_doc d;

		snprintf(src, sizeof src, "/r/%u.txt", i);
		text[i] = block_text(10 + i, len[i]);
		d = mkdoc(src, NULL, NULL, text[i]);
		ck_assert_int_eq(add1(ix, &d, NULL, NULL), CDX_ADD_NEW);
	}
	cdx_index_close(ix);
	ck_assert_uint_eq(text_keys(t.path, keys, 16), 4);

	ix = open_ix(t.path, 0, 0);
	ck_assert_int_eq(cdx_index_delete(ix, "/r/1.txt", &err), CDX_OK);
	assert_doc_text(ix, "/r/0.txt", text[0]);
	assert_doc_text(ix, "/r/2.txt", text[2]);
	assert_sound(ix);
	cdx_index_close(ix);
	ck_assert_uint_eq(text_keys(t.path, keys, 16), 2);
	ck_assert(keys[0] == 0 && keys[1] == 3);

	ix = open_ix(t.path, 0, 0);
	ck_assert_int_eq(cdx_index_delete(ix, "/r/2.txt", &err), CDX_OK);
	assert_doc_text(ix, "/r/0.txt", text[0]);
	assert_sound(ix);
	cdx_index_close(ix);
	ck_assert_uint_eq(text_keys(t.path, keys, 16), 1);
	ck_assert_uint_eq(keys[0], 0);

	ix = open_ix(t.path, 0, 0);
	ck_assert_int_eq(cdx_index_delete(ix, "/r/0.txt", &err), CDX_OK);
	assert_sound(ix);
	cdx_index_close(ix);
	ck_assert_uint_eq(text_keys(t.path, keys, 16), 0);
	for (unsigned i = 0; i < 3; i++)
		free(text[i]);
	tmp_remove(&t);
}
END_TEST

/* A lone small document removed between live neighbours in one block
 * frees nothing: the block still holds their text. */
START_TEST(test_remove_shared)
{
	struct tmp t;
	struct cdx_index *ix;
	struct cdx_error err = CDX_ERROR_INIT;
	char *text[3];
	uint64_t keys[4];

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	for (unsigned i = 0; i < 3; i++) {
		char src[32];
		struct cdx_doc d;

		snprintf(src, sizeof src, "/s/%u.txt", i);
		text[i] = block_text(20 + i, 3000);
		d = mkdoc(src, NULL, NULL, text[i]);
		ck_assert_int_eq(add1(ix, &d, NULL, NULL), CDX_ADD_NEW);
	}
	ck_assert_int_eq(cdx_index_delete(ix, "/s/1.txt", &err), CDX_OK);
	assert_doc_text(ix, "/s/0.txt", text[0]);
	assert_doc_text(ix, "/s/2.txt", text[2]);
	assert_sound(ix);
	cdx_index_close(ix);
	ck_assert_uint_eq(text_keys(t.path, keys, 4), 1);
	for (unsigned i = 0; i < 3; i++)
		free(text[i]);
	tmp_remove(&t);
}
END_TEST

/* In one batch, a text that crosses into the block the writer holds
 * (not stored yet), then the same text again under its source
 * (UNCHANGED) and under another (DUPLICATE), then more text: the
 * comparisons read the held block, and the stream is as if each had
 * been stored first. */
START_TEST(compare_in_held_block)
{
	struct tmp t;
	struct cdx_index *ix;
	struct cdx_index_writer *w = NULL;
	struct cdx_error err = CDX_ERROR_INIT;
	enum cdx_add_outcome o;
	char *a = block_text(30, TB / 2), *b = block_text(31, TB - 10),
	     *c = block_text(32, 5000);
	struct cdx_doc da = mkdoc("/h/a.txt", NULL, NULL, a),
	               db = mkdoc("/h/b.txt", NULL, NULL, b),
	               dc = mkdoc("/h/c.txt", NULL, NULL, c),
	               dup = mkdoc("/h/dup.txt", NULL, NULL, b);
	uint64_t keys[4];

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	ck_assert_int_eq(cdx_index_writer_add(w, &da, NULL, &o, NULL, &err),
	                 CDX_OK);
	ck_assert_int_eq(cdx_index_writer_add(w, &db, NULL, &o, NULL, &err),
	                 CDX_OK);
	ck_assert_int_eq(o, CDX_ADD_NEW);
	ck_assert_int_eq(cdx_index_writer_add(w, &db, NULL, &o, NULL, &err),
	                 CDX_OK);
	ck_assert_int_eq(o, CDX_ADD_UNCHANGED);
	ck_assert_int_eq(cdx_index_writer_add(w, &dup, NULL, &o, NULL, &err),
	                 CDX_OK);
	ck_assert_int_eq(o, CDX_ADD_DUPLICATE);
	ck_assert_int_eq(cdx_index_writer_add(w, &dc, NULL, &o, NULL, &err),
	                 CDX_OK);
	ck_assert_int_eq(o, CDX_ADD_NEW);
	ck_assert_msg(cdx_index_writer_commit(w, &err) == CDX_OK, "%s",
	              err.msg);
	assert_doc_text(ix, "/h/a.txt", a);
	assert_doc_text(ix, "/h/b.txt", b);
	assert_doc_text(ix, "/h/c.txt", c);
	assert_sound(ix);
	cdx_index_close(ix);
	ck_assert_uint_eq(text_keys(t.path, keys, 4), 2);
	free(a);
	free(b);
	free(c);
	tmp_remove(&t);
}
END_TEST

void index_add_textblk_cases(Suite *s)
{
	TCase *tc = tcase_create("text blocks");

	tcase_add_test(tc, test_span_blocks);
	tcase_add_test(tc, test_remove_frees);
	tcase_add_test(tc, test_remove_shared);
	tcase_add_test(tc, compare_in_held_block);
	suite_add_tcase(s, tc);
}
