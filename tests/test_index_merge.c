/*
 * test_index_merge.c — merging segments (indexer/merge.c) checked
 * against the definition: a term's merged entry is its documents from
 * every input, in order, less the deleted ones, encoded once against the
 * first input's first document. A term found in one input whose segment
 * lost no document is not decoded but rebased (index_entry_rebase): its
 * bytes must still be exactly what decoding and encoding give. The
 * segments here are written by hand, so each path is known to be taken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"
#include "test_index.h"

static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 16);
}

/* Add @p n documents from @p docs[] to @p l, each with a random tf
 * (1 when @p tf1) and ascending positions. */
static void fill(struct index_plist *l, const uint64_t *docs, size_t n,
                 int tf1, uint64_t *seed)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t pos[40], tf = tf1 ? 1 : 1 + rnd(seed) % 6, at = 0;

		for (uint32_t j = 0; j < tf; j++) {
			at += rnd(seed) % 300 + (j > 0);
			pos[j] = at;
		}
		ck_assert(index_plist_add(l, docs[i], tf, pos) == CDX_OK);
	}
}

/* n documents from @p first on, gaps of 1 to @p spread. */
static size_t docs_from(uint64_t *out, size_t n, uint64_t first,
                        unsigned spread, uint64_t *seed)
{
	uint64_t d = first;

	for (size_t i = 0; i < n; i++) {
		out[i] = d;
		d += 1 + rnd(seed) % spread;
	}
	return n;
}

/* ------------------------------------------------------------ rebase */

START_TEST(test_rebase_is_reencode)
{
	uint64_t seed = 0x5eed, docs[600];
	/* sizes across the varint/packed line, tf 1 or not, first doc at
	 * the base or past it; rebased a little and across varint lengths */
	static const size_t sizes[] = {1, 2, 7, 8, 9, 127, 128, 129, 300};
	static const uint64_t moves[] = {0, 1, 63, 64, 127, 128, 16383,
	                                 16384, (uint64_t)1 << 40};

	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
		for (int tf1 = 0; tf1 < 2; tf1++)
			for (size_t m = 0; m < sizeof moves / sizeof moves[0];
			     m++) {
				struct index_plist l = {0};
				struct cdx_buf enc = CDX_BUF_INIT(SIZE_MAX / 2);
				struct cdx_buf want = CDX_BUF_INIT(SIZE_MAX / 2);
				struct cdx_buf got = CDX_BUF_INIT(SIZE_MAX / 2);
				uint64_t base = ((uint64_t)1 << 41) + 1000;
				uint64_t first = base + (s % 2 ? 0 : 5 + s);

				docs_from(docs, sizes[s], first, 40, &seed);
				fill(&l, docs, sizes[s], tf1, &seed);
				ck_assert(index_plist_encode(&l, base, &enc) ==
				          CDX_OK);
				ck_assert(index_plist_encode(&l, base - moves[m],
				                             &want) == CDX_OK);
				ck_assert_int_eq(index_entry_rebase(
				        (const uint8_t *)enc.ptr, enc.len, base,
				        base - moves[m], &got), CDX_OK);
				ck_assert_uint_eq(got.len, want.len);
				ck_assert(memcmp(got.ptr, want.ptr, got.len) == 0);
				index_plist_release(&l);
				cdx_buf_release(&enc);
				cdx_buf_release(&want);
				cdx_buf_release(&got);
			}
}
END_TEST

START_TEST(test_rebase_damaged)
{
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	static const uint8_t trunc_hdr[] = {0x80};
	static const uint8_t no_first[] = {0x0c};
	static const uint8_t trunc_first[] = {0x0c, 0xff};
	/* varint docs with tf bits: a first delta that cannot move */
	static const uint8_t huge[] = {0x04, 0xff, 0xff, 0xff, 0xff, 0xff,
	                               0xff, 0xff, 0xff, 0xff, 0x01};

	ck_assert_int_eq(index_entry_rebase(trunc_hdr, 0, 10, 5, &b),
	                 CDX_ERR_CORRUPT);
	ck_assert_int_eq(index_entry_rebase(trunc_hdr, 1, 10, 5, &b),
	                 CDX_ERR_CORRUPT);
	ck_assert_int_eq(index_entry_rebase(no_first, 1, 10, 5, &b),
	                 CDX_ERR_CORRUPT);
	ck_assert_int_eq(index_entry_rebase(trunc_first, 2, 10, 5, &b),
	                 CDX_ERR_CORRUPT);
	ck_assert_int_eq(index_entry_rebase(huge, sizeof huge, 10, 5, &b),
	                 CDX_ERR_CORRUPT);
	ck_assert_uint_eq(b.len, 0);
	cdx_buf_release(&b);
}
END_TEST

/* ------------------------------------------------------------ merges */

#define N_SEGS 3
#define MAX_TERMS 16

/* A term of the hand-made segments: its postings in each. */
struct mterm_case {
	const char *term;
	struct index_plist in[N_SEGS];
};

/* Segment k covers docs [1000 + 1000k, 1999 + 1000k]; the deleted docs
 * are all in segment 1, so segments 0 and 2 are copied from. */
static const uint64_t dead[] = {2100, 2500, 2501};
#define SEG_FIRST(k) (1000 + 1000 * (uint64_t)(k))
#define SEG_LAST(k) (1999 + 1000 * (uint64_t)(k))

/* The terms, in byte order, with their postings in some segments. */
static size_t make_terms(struct mterm_case *t)
{
	uint64_t seed = 42, docs[400];
	size_t n = 0;

	memset(t, 0, MAX_TERMS * sizeof *t);
	/* in all three, many documents, some of them deleted */
	t[n].term = "alpha";
	for (int k = 0; k < N_SEGS; k++) {
		size_t m = docs_from(docs, 300, SEG_FIRST(k), 3, &seed);

		if (k == 1) {
			/* every fourth: 2100 and 2500 among them */
			m = 0;
			for (uint64_t d = 2000; d < 2999 && m < 400; d += 4)
				docs[m++] = d;
		}
		fill(&t[n].in[k], docs, m, 0, &seed);
	}
	n++;
	/* segment 0 only: varint, varint tf 1, packed, packed tf 1 */
	t[n].term = "bravo";
	fill(&t[n].in[0], docs, docs_from(docs, 3, 1003, 9, &seed), 0, &seed);
	n++;
	t[n].term = "charlie";
	fill(&t[n].in[0], docs, docs_from(docs, 2, 1000, 9, &seed), 1, &seed);
	n++;
	t[n].term = "delta";
	fill(&t[n].in[0], docs, docs_from(docs, 200, 1001, 4, &seed), 0,
	     &seed);
	n++;
	t[n].term = "echo";
	fill(&t[n].in[0], docs, docs_from(docs, 150, 1400, 3, &seed), 1,
	     &seed);
	n++;
	/* segment 1 only (it lost documents): decoded, deleted ones out */
	t[n].term = "foxtrot";
	docs[0] = 2099;
	docs[1] = 2100;
	docs[2] = 2200;
	fill(&t[n].in[1], docs, 3, 0, &seed);
	n++;
	t[n].term = "golf"; /* all of it deleted: no entry */
	docs[0] = 2500;
	docs[1] = 2501;
	fill(&t[n].in[1], docs, 2, 0, &seed);
	n++;
	t[n].term = "hotel"; /* none of it deleted, yet in segment 1 */
	fill(&t[n].in[1], docs, docs_from(docs, 20, 2600, 5, &seed), 0,
	     &seed);
	n++;
	/* segment 2 only: rebased by 2000 documents, a first delta that
	 * grows a byte (varint and packed) */
	t[n].term = "india";
	fill(&t[n].in[2], docs, docs_from(docs, 4, 3001, 9, &seed), 0, &seed);
	n++;
	t[n].term = "juliett";
	fill(&t[n].in[2], docs, docs_from(docs, 1, 3999, 9, &seed), 1, &seed);
	n++;
	t[n].term = "kilo";
	fill(&t[n].in[2], docs, docs_from(docs, 129, 3000, 6, &seed), 0,
	     &seed);
	n++;
	/* segments 0 and 2: decoded and joined */
	t[n].term = "lima";
	fill(&t[n].in[0], docs, docs_from(docs, 5, 1990, 1, &seed), 1, &seed);
	fill(&t[n].in[2], docs, docs_from(docs, 5, 3000, 1, &seed), 1, &seed);
	n++;
	return n;
}

/* Write the segments and deletion marks, merge them all in the same
 * transaction, and compare every entry of the result with the list
 * encoded once. */
static void merge_and_check(unsigned threads)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct mterm_case t[MAX_TERMS];
	size_t n = make_terms(t), seen = 0;
	struct tmp tm;
	struct cdx_index *ix;
	struct index_meta m;
	struct index_seg *segs = NULL;
	struct index_segr r;
	MDB_txn *txn = NULL;
	size_t n_segs = 0;
	int rc;

	tmp_make(&tm);
	ix = open_ix(tm.path, CDX_INDEX_CREATE, 0);
	cdx_index_set_threads(ix, threads);
	ck_assert_int_eq(index_write_begin(ix, &txn, &err), CDX_OK);
	ck_assert_int_eq(index_meta_load(ix, txn, &m, &err), CDX_OK);
	for (int k = 0; k < N_SEGS; k++) {
		struct index_segw w;

		index_segw_init(&w, ix, txn, (uint32_t)m.next_seg++);
		for (size_t i = 0; i < n; i++) {
			struct cdx_buf e = CDX_BUF_INIT(SIZE_MAX / 2);

			if (t[i].in[k].n == 0)
				continue;
			ck_assert(index_plist_encode(&t[i].in[k], SEG_FIRST(k),
			                             &e) == CDX_OK);
			ck_assert_int_eq(index_segw_add(&w, t[i].term,
			                                strlen(t[i].term),
			                                (const uint8_t *)e.ptr,
			                                e.len, &err), CDX_OK);
			cdx_buf_release(&e);
		}
		ck_assert_int_eq(index_segw_finish(&w, SEG_FIRST(k),
		                                   SEG_LAST(k), 0, &err),
		                 CDX_OK);
		index_segw_release(&w);
	}
	for (size_t i = 0; i < sizeof dead / sizeof dead[0]; i++) {
		uint8_t kb[8];
		MDB_val k = index_val(kb, 8), v = index_val("", 0);

		index_put_be64(kb, dead[i]);
		ck_assert_int_eq(mdb_put(txn, ix->dbi[DB_DELETED], &k, &v, 0),
		                 0);
	}
	rc = index_segs_merge_all(ix, txn, &m, &err);
	ck_assert_msg(rc == CDX_OK, "merge: %s", err.msg);
	ck_assert_int_eq(index_segs_load(ix, txn, &segs, &n_segs, &err),
	                 CDX_OK);
	ck_assert_uint_eq(n_segs, 1);
	ck_assert_uint_eq(segs[0].first, SEG_FIRST(0));
	ck_assert_uint_eq(segs[0].last, SEG_LAST(N_SEGS - 1));
	index_segr_init(&r, ix, txn, &segs[0]);
	for (size_t i = 0; i < n; i++) {
		struct index_plist all = {0};
		struct cdx_buf want = CDX_BUF_INIT(SIZE_MAX / 2);

		for (int k = 0; k < N_SEGS; k++)
			for (size_t j = 0; j < t[i].in[k].n; j++) {
				const struct index_posting *p = &t[i].in[k].v[j];
				int gone = 0;

				for (size_t d = 0; d < sizeof dead / sizeof dead[0];
				     d++)
					gone |= dead[d] == p->doc;
				if (!gone)
					ck_assert(index_plist_add(&all, p->doc,
					          p->tf, t[i].in[k].pos + p->off) ==
					          CDX_OK);
			}
		ck_assert(index_plist_encode(&all, SEG_FIRST(0), &want) ==
		          CDX_OK);
		rc = index_segr_find(&r, t[i].term, strlen(t[i].term), &err);
		if (want.len == 0) {
			ck_assert_msg(rc == CDX_ERR_NOTFOUND, "%s kept",
			              t[i].term);
		} else {
			ck_assert_msg(rc == CDX_OK, "%s lost", t[i].term);
			ck_assert_uint_eq(r.entry_len, want.len);
			ck_assert_msg(memcmp(r.entry, want.ptr, want.len) == 0,
			              "%s differs", t[i].term);
			seen++;
		}
		index_plist_release(&all);
		cdx_buf_release(&want);
	}
	ck_assert_uint_eq(seen, n - 1); /* golf is gone */
	ck_assert_uint_eq(segs[0].n_terms, n - 1);
	/* the marks of the merged range went with their documents */
	{
		MDB_stat st;

		ck_assert_int_eq(mdb_stat(txn, ix->dbi[DB_DELETED], &st), 0);
		ck_assert_uint_eq(st.ms_entries, 0);
	}
	index_segr_release(&r);
	free(segs);
	index_write_abort(ix, txn);
	cdx_index_close(ix);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < N_SEGS; k++)
			index_plist_release(&t[i].in[k]);
	tmp_remove(&tm);
}

START_TEST(test_merge_copies_as_encoded)
{
	merge_and_check(1);
	merge_and_check(2);
}
END_TEST

void index_add_merge_cases(Suite *s)
{
	TCase *tc = tcase_create("merge");

	tcase_add_test(tc, test_rebase_is_reencode);
	tcase_add_test(tc, test_rebase_damaged);
	tcase_add_test(tc, test_merge_copies_as_encoded);
	suite_add_tcase(s, tc);
}
