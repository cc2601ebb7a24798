/*
 * test_index_strdict.c — the string dictionary (indexer/strdict.c) and
 * the claims records that name its strings (indexer/claimrec.c): strings
 * read back through the index, each stored once for every document, a
 * record that names them smaller than one holding them inline, many
 * strings over several blocks with long ones left inline, an aborted
 * transaction's strings forgotten, and a damaged dictionary reported by
 * the reader and by the check. Also claims records in blocks of eight
 * (indexer/docblock.c) through adds and removals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"
#include "test_index.h"

/* @p n claims, claim i with unit "u<i % distinct>" and subject
 * "Subject <i % distinct>", over a text of n one-byte figures. */
static struct cdx_claim *many_claims(size_t n, size_t distinct,
                                     char (*names)[128])
{
	struct cdx_claim *v = calloc(n, sizeof *v);

	ck_assert_ptr_nonnull(v);
	for (size_t i = 0; i < n; i++) {
		size_t k = i % distinct;

		v[i].kind = CDX_KIND_COUNT;
		v[i].start = (uint32_t)(2 * i);
		v[i].end = v[i].start + 1;
		v[i].sent_start = v[i].start;
		v[i].sent_end = v[i].end;
		v[i].value = -(double)i * 1e12; /* negative, huge */
		v[i].value_max = (double)NAN;
		snprintf(v[i].unit, sizeof v[i].unit, "u%zu", k);
		v[i].qualifier = CDX_QUAL_EXACT;
		v[i].subject = names[k];
	}
	return v;
}

/* Pack @p v in a write transaction of @p ix; read it back through the
 * index and compare. The record's size into *size. */
static void round_trip(struct cdx_index *ix, const struct cdx_claim *v,
                       size_t n, size_t *size)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct index_strmap strs = {0};
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	struct index_claims_rd rd;
	struct index_claimrec r;
	MDB_txn *txn;

	ck_assert_int_eq(index_write_begin(ix, &txn, &err), CDX_OK);
	ck_assert_int_eq(index_claims_pack(ix, txn, v, n, &strs, &b, &err),
	                 CDX_OK);
	ck_assert_int_eq(index_write_commit(ix, txn, &err), CDX_OK);
	ck_assert_int_eq(index_read_begin(ix, &txn, &err), CDX_OK);
	ck_assert_int_eq(index_claims_open(&rd, ix, txn, 5, b.ptr, b.len),
	                 CDX_OK);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(index_claims_next(&rd, &r), CDX_OK);
		ck_assert_str_eq(r.c.unit, v[i].unit);
		ck_assert_uint_eq(r.subject_len, strlen(v[i].subject));
		ck_assert(memcmp(r.c.subject, v[i].subject,
		                 r.subject_len) == 0);
		ck_assert(r.c.value == v[i].value);
		ck_assert_uint_eq(r.c.start, v[i].start);
	}
	ck_assert_int_eq(index_claims_next(&rd, &r), CDX_ERR_ITEROVER);
	index_claims_release(&rd);
	ck_assert_int_eq(index_strdict_check(ix, txn, &err), CDX_OK);
	index_read_end(ix, txn);
	*size = b.len;
	cdx_buf_release(&b);
	index_strmap_release(&strs);
}

static size_t dict_blocks(struct cdx_index *ix)
{
	struct cdx_error err = CDX_ERROR_INIT;
	MDB_txn *txn;
	MDB_stat st;

	ck_assert_int_eq(index_read_begin(ix, &txn, &err), CDX_OK);
	ck_assert_int_eq(mdb_stat(txn, ix->dbi[DB_STRS], &st), 0);
	index_read_end(ix, txn);
	return st.ms_entries;
}

struct every_problem {
	char text[4096];
};

static void on_every(void *ctx, const char *msg)
{
	struct every_problem *p = ctx;
	size_t n = strlen(p->text);

	snprintf(p->text + n, sizeof p->text - n, "%s\n", msg);
}

/* Thousands of claims naming 300 strings each of two kinds, the long
 * ones (past INDEX_STR_DICT_MAX) inline: read back whole; the strings
 * fill ten blocks (600 at 64 a block, the long ones not counted: 5 of
 * 300 subjects); packed again in a later transaction, the same bytes,
 * and no string added. */
START_TEST(test_many_strings)
{
	static char names[300][128];
	struct tmp t;
	struct cdx_index *ix;
	struct cdx_claim *v;
	size_t size, again;

	for (size_t k = 0; k < 300; k++) {
		if (k % 60 == 7)
			snprintf(names[k], sizeof names[k], "%0120zu", k);
		else
			snprintf(names[k], sizeof names[k], "Subject %zu", k);
	}
	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	v = many_claims(3000, 300, names);
	round_trip(ix, v, 3000, &size);
	ck_assert_uint_eq(dict_blocks(ix), (300 + 295 + 63) / 64);
	round_trip(ix, v, 3000, &again);
	ck_assert_uint_eq(again, size);
	cdx_index_close(ix);
	ix = open_ix(t.path, 0, 0); /* a new handle reads the dictionary */
	round_trip(ix, v, 3000, &again);
	ck_assert_uint_eq(again, size);
	ck_assert_uint_eq(dict_blocks(ix), (300 + 295 + 63) / 64);
	free(v);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* The cache gives what the dictionary gives, for ids read in order,
 * backwards and scattered over ten blocks; an id past the dictionary is
 * CORRUPT both ways. */
START_TEST(test_strcache)
{
	static char names[300][128];
	struct cdx_error err = CDX_ERROR_INIT;
	struct index_strdict_rd rd = {0};
	struct index_strcache *c;
	struct cdx_index *ix;
	struct cdx_claim *v;
	const char *a, *b;
	size_t an, bn, size;
	MDB_txn *txn;
	struct tmp t;

	for (size_t k = 0; k < 300; k++)
		snprintf(names[k], sizeof names[k], "Subject %zu", k);
	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	v = many_claims(600, 300, names);
	round_trip(ix, v, 600, &size); /* 600 strings: ids 0..599 */
	ck_assert_int_eq(index_read_begin(ix, &txn, &err), CDX_OK);
	c = index_strcache_new(ix, txn);
	ck_assert_ptr_nonnull(c);
	rd.ix = ix;
	rd.txn = txn;
	for (int pass = 0; pass < 3; pass++) {
		for (uint32_t i = 0; i < 600; i++) {
			uint32_t id = pass == 1 ? 599 - i : (i * 7) % 600;

			ck_assert_int_eq(index_strcache_get(c, id, &a, &an),
			                 CDX_OK);
			ck_assert_int_eq(index_strdict_get(&rd, id, &b, &bn),
			                 CDX_OK);
			ck_assert(an == bn && memcmp(a, b, an) == 0);
		}
	}
	ck_assert_int_eq(index_strcache_get(c, 600, &a, &an), CDX_ERR_CORRUPT);
	/* far past the dictionary: no table grown to it */
	ck_assert_int_eq(index_strcache_get(c, 1u << 30, &a, &an),
	                 CDX_ERR_CORRUPT);
	ck_assert_uint_lt(c->nb, 64);
	ck_assert_int_eq(index_strdict_get(&rd, 600, &a, &an),
	                 CDX_ERR_CORRUPT);
	index_strcache_free(c);
	index_strcache_free(NULL);
	index_read_end(ix, txn);
	free(v);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* A record naming dictionary strings is smaller than the same claims
 * with their strings inline, and zero claims pack to a count alone. */
START_TEST(test_smaller_than_inline)
{
	static char names[1][128] = {"Organisation of Exporting Countries"};
	struct cdx_error err = CDX_ERROR_INIT;
	struct index_strmap strs = {0};
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	struct cdx_claim *v = many_claims(1, 1, names);
	struct tmp t;
	struct cdx_index *ix;
	size_t with_dict;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	round_trip(ix, v, 1, &with_dict);
	ck_assert_int_eq(index_claims_pack(NULL, NULL, v, 1, &strs, &b, &err),
	                 CDX_OK);
	ck_assert_uint_lt(with_dict + strlen(names[0]), b.len);
	cdx_buf_clear(&b);
	ck_assert_int_eq(index_claims_pack(NULL, NULL, v, 0, &strs, &b, &err),
	                 CDX_OK);
	ck_assert_uint_eq(b.len, 1);
	free(v);
	cdx_buf_release(&b);
	index_strmap_release(&strs);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* Strings given ids in a transaction that is aborted are not kept: the
 * next transaction gives those ids to its own strings, and reads back
 * right. */
START_TEST(test_abort_forgets)
{
	static char a[2][128] = {"Alpha", "Beta"};
	static char z[2][128] = {"Zeta", "Eta"};
	struct cdx_error err = CDX_ERROR_INIT;
	struct index_strmap strs = {0};
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	struct cdx_claim *va = many_claims(2, 2, a), *vz = many_claims(2, 2, z);
	struct tmp t;
	struct cdx_index *ix;
	MDB_txn *txn;
	size_t size;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(index_write_begin(ix, &txn, &err), CDX_OK);
	ck_assert_int_eq(index_claims_pack(ix, txn, va, 2, &strs, &b, &err),
	                 CDX_OK);
	index_write_abort(ix, txn);
	ck_assert_uint_eq(dict_blocks(ix), 0);
	round_trip(ix, vz, 2, &size);
	round_trip(ix, va, 2, &size);
	assert_sound(ix);
	free(va);
	free(vz);
	cdx_buf_release(&b);
	index_strmap_release(&strs);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* Twenty documents with claims share claims blocks of eight; removing
 * some (the first of a block, one in the middle, a whole block's last)
 * leaves the others' claims whole, and every claim lists in order. */
START_TEST(test_claims_blocks)
{
	const char *text = "Output rose 5 percent in Peru and Chile.";
	char src[20][16], body[20][64];
	struct cdx_claim v[2];
	struct cdx_claims cl = {v, 2, 2, NULL, NULL};
	struct cdx_claim_filter f = CDX_CLAIM_FILTER_INIT;
	struct cdx_claim_rows rows = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix;
	uint64_t id;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	v[0] = mkclaim(text, text, "5 percent", CDX_KIND_PERCENT, 5, "%",
	               "Peru", "copper");
	v[1] = mkclaim(text, text, "Chile", CDX_KIND_COUNT, 1, "mine",
	               "Chile", NULL);
	for (int i = 0; i < 20; i++) {
		struct cdx_doc d;

		snprintf(src[i], sizeof src[i], "doc%02d.txt", i);
		/* distinct texts: the same one would be a duplicate */
		snprintf(body[i], sizeof body[i], "%s Doc %d.", text, i);
		d = mkdoc(src[i], NULL, NULL, body[i]);
		ck_assert_int_eq(add1(ix, &d, &cl, &id), CDX_ADD_NEW);
	}
	ck_assert_int_eq(cdx_index_delete(ix, "doc00.txt", &err), CDX_OK);
	ck_assert_int_eq(cdx_index_delete(ix, "doc11.txt", &err), CDX_OK);
	ck_assert_int_eq(cdx_index_delete(ix, "doc06.txt", &err), CDX_OK);
	assert_sound(ix);
	ck_assert_int_eq(cdx_index_claims(ix, &f, &rows, &err), CDX_OK);
	ck_assert_uint_eq(rows.n, 2 * 17);
	for (size_t i = 0; i < rows.n; i++) {
		ck_assert_str_eq(rows.v[i].claim.subject, i % 2 ? "Chile" :
		                                                  "Peru");
		ck_assert(i == 0 || rows.v[i].doc_id >= rows.v[i - 1].doc_id);
	}
	cdx_claim_rows_release(&rows);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* Ways to damage the dictionary. */
enum { GARBAGE_BLOCK, OTHER_BYTES, NO_BLOCK, N_DICT_DAMAGE };

static const char *const dict_says[N_DICT_DAMAGE] = {
	"block 0 of the string dictionary is damaged",
	"the string dictionary does not match its digest",
	"the string dictionary does not match its digest",
};

/* A document's claims through the writer, then its dictionary damaged:
 * the claims reader says CORRUPT (or reads other strings, when the bytes
 * are well formed), and the check reports it. */
START_TEST(test_dict_damage)
{
	const char *text = "Exports rose 5 percent in March.";
	struct cdx_claim v[1];
	struct cdx_claims cl = {v, 1, 1, NULL, NULL};
	struct cdx_doc d = mkdoc("d.txt", NULL, NULL, text);
	struct cdx_error err = CDX_ERROR_INIT;
	struct every_problem p = {""};
	struct index_claims_rd rd;
	struct index_claimrec r;
	unsigned n = 0;
	uint8_t kb[4] = {0, 0, 0, 0};
	MDB_val k = {4, kb}, val;
	struct cdx_index *ix;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	uint64_t id;
	struct tmp t;
	int rc;

	v[0] = mkclaim(text, text, "5 percent", CDX_KIND_PERCENT, 5, "%",
	               "Chile", NULL);
	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(add1(ix, &d, &cl, &id), CDX_ADD_NEW);
	assert_sound(ix);
	cdx_index_close(ix);
	raw_open(t.path, "strings", &env, &txn, &dbi);
	if (_i == GARBAGE_BLOCK) {
		val = (MDB_val){3, "\x7f\x01x"};
		ck_assert_int_eq(mdb_put(txn, dbi, &k, &val, 0), 0);
	} else if (_i == OTHER_BYTES) {
		val = (MDB_val){8, "\x01%\x05" "Chili"};
		ck_assert_int_eq(mdb_put(txn, dbi, &k, &val, 0), 0);
	} else {
		ck_assert_int_eq(mdb_del(txn, dbi, &k, NULL), 0);
	}
	raw_close(env, txn);
	ix = open_ix(t.path, CDX_INDEX_READONLY, 0);
	ck_assert_int_eq(index_read_begin(ix, &txn, &err), CDX_OK);
	ck_assert_int_eq(index_claims_read(ix, txn, id, &rd, &err), CDX_OK);
	rc = index_claims_next(&rd, &r);
	if (_i == OTHER_BYTES)
		ck_assert(rc == CDX_OK && r.subject_len == 5 &&
		          memcmp(r.c.subject, "Chili", 5) == 0);
	else
		ck_assert_int_eq(rc, CDX_ERR_CORRUPT);
	index_claims_release(&rd);
	index_read_end(ix, txn);
	ck_assert_int_eq(cdx_index_check(ix, on_every, &p, &n, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_msg(strstr(p.text, dict_says[_i]) != NULL, "%s", p.text);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

void index_add_strdict_cases(Suite *s)
{
	TCase *tc = tcase_create("string dictionary");

	tcase_add_test(tc, test_many_strings);
	tcase_add_test(tc, test_strcache);
	tcase_add_test(tc, test_smaller_than_inline);
	tcase_add_test(tc, test_abort_forgets);
	tcase_add_test(tc, test_claims_blocks);
	tcase_add_loop_test(tc, test_dict_damage, 0, (int)N_DICT_DAMAGE);
	suite_add_tcase(s, tc);
}
