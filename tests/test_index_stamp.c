/*
 * test_index_stamp.c — the stamps of files ingested whole (indexer/
 * stamp.c): put in a batch and read back; committed with the batch's
 * documents and lost with them when it aborts; put again when the batch
 * is replayed after the map grew; dropped by whatever removes one of the
 * file's documents (a delete by source or id, of an item "C#2" or a part
 * "P#part2", a replacement), and every stamp counting duplicates dropped
 * by any removal; the checker reports a stamp naming a document the
 * index lacks, and a damaged one.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "index_int.h"
#include "test_index.h"

/* A stamp whose fields all derive from @p seed. */
static struct cdx_stamp mkstamp(uint64_t seed, uint64_t n_docs,
                                uint64_t n_dup)
{
	struct cdx_stamp s;

	s.size = 1000 + seed;
	s.mtime_ns = 1700000000123456789ull + seed;
	s.ctime_ns = 1700000001123456789ull + seed;
	s.ino = 4242 + seed;
	s.fingerprint = 0xfeedface00000000ull | seed;
	s.n_docs = n_docs;
	s.n_dup = n_dup;
	return s;
}

/* Add a document; its id. */
static uint64_t add_doc(struct cdx_index_writer *w, const char *source,
                        const char *text)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_claims cl = {0};
	struct cdx_doc d = mkdoc(source, NULL, NULL, text);
	uint64_t id = 0;

	ck_assert_msg(cdx_index_writer_add(w, &d, &cl, NULL, &id, &err) ==
	              CDX_OK, "add: %s", err.msg);
	return id;
}

static void put_stamp(struct cdx_index_writer *w, const char *path,
                      const struct cdx_stamp *s, uint64_t doc)
{
	struct cdx_error err = CDX_ERROR_INIT;

	ck_assert_msg(cdx_index_writer_stamp(w, path, s, doc, &err) == CDX_OK,
	              "stamp: %s", err.msg);
}

/* In one batch: document @p source with @p text, then its file's stamp
 * @p path. */
static void add_stamped(struct cdx_index *ix, const char *path,
                        const char *source, const char *text,
                        const struct cdx_stamp *s)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w;

	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	put_stamp(w, path, s, add_doc(w, source, text));
	ck_assert_msg(cdx_index_writer_commit(w, &err) == CDX_OK, "%s",
	              err.msg);
}

static int has_stamp(struct cdx_index *ix, const char *path)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_stamp s;
	int rc = cdx_index_stamp_get(ix, path, &s, &err);

	ck_assert_msg(rc == CDX_OK || rc == CDX_ERR_NOTFOUND, "get: %s",
	              err.msg);
	return rc == CDX_OK;
}

START_TEST(test_stamp_roundtrip)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_stamp s = mkstamp(7, 3, 2), got;
	struct cdx_index *ix;
	char longp[600];
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(cdx_index_stamp_get(ix, "a/b.txt", &got, &err),
	                 CDX_ERR_NOTFOUND);
	add_stamped(ix, "a/b.txt", "a/b.txt", "Copper rose 5 percent.", &s);
	ck_assert_int_eq(cdx_index_stamp_get(ix, "a/b.txt", &got, &err),
	                 CDX_OK);
	ck_assert_mem_eq(&got, &s, sizeof s);
	/* a path longer than LMDB's keys: keys are hashes */
	memset(longp, 'x', sizeof longp - 1);
	longp[sizeof longp - 1] = '\0';
	ck_assert(!has_stamp(ix, longp));
	add_stamped(ix, longp, longp, "Tin fell 2 percent.", &s);
	ck_assert(has_stamp(ix, longp));
	assert_sound(ix);
	cdx_index_close(ix);
	/* reopened: still there */
	ix = open_ix(t.path, 0, 0);
	ck_assert(has_stamp(ix, "a/b.txt"));
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* What a crash before the commit leaves: an aborted batch loses the
 * stamp with the documents; a committed one has both. */
START_TEST(test_stamp_commits_with_docs)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_stamp s = mkstamp(1, 1, 0);
	struct cdx_index_writer *w;
	struct cdx_doc_info info;
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	put_stamp(w, "f.txt", &s,
	          add_doc(w, "f.txt", "Nickel output rose 9 percent."));
	/* not committed: a reader sees neither */
	ck_assert(!has_stamp(ix, "f.txt"));
	cdx_index_writer_abort(w);
	ck_assert(!has_stamp(ix, "f.txt"));
	ck_assert_int_eq(cdx_index_doc_get(ix, "f.txt", 0, &info, &err),
	                 CDX_ERR_NOTFOUND);
	add_stamped(ix, "f.txt", "f.txt", "Nickel output rose 9 percent.", &s);
	ck_assert(has_stamp(ix, "f.txt"));
	ck_assert_int_eq(cdx_index_doc_get(ix, "f.txt", 0, &info, &err),
	                 CDX_OK);
	cdx_doc_info_release(&info);
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* A 1 MiB map fills: the batch is replayed, stamps where they came
 * between the documents. The stamp of d0 put before d0 is replaced in
 * the same batch is dropped by the replacement, in the replay too. */
START_TEST(test_stamp_replayed)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w;
	struct cdx_index_stats st;
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, (size_t)1 << 20);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	for (unsigned i = 0; i < 900; i++) {
		char src[32], text[2400];
		struct cdx_stamp s = mkstamp(i, 1, 0);
		size_t n = 0;

		snprintf(src, sizeof src, "d%u.txt", i);
		for (unsigned j = 0; j < 150; j++)
			n += (size_t)snprintf(text + n, sizeof text - n,
			                      "w%uq%u ", i, j);
		put_stamp(w, src, &s, add_doc(w, src, text));
		if (i == 1)
			add_doc(w, "d0.txt", "d0 is now another text.");
	}
	ck_assert_msg(cdx_index_writer_commit(w, &err) == CDX_OK, "%s",
	              err.msg);
	ck_assert_int_eq(cdx_index_stats(ix, &st, &err), CDX_OK);
	ck_assert_uint_gt(st.map_bytes, (uint64_t)1 << 20);
	ck_assert(!has_stamp(ix, "d0.txt"));
	for (unsigned i = 1; i < 900; i++) {
		char src[32];

		snprintf(src, sizeof src, "d%u.txt", i);
		ck_assert_msg(has_stamp(ix, src), "%s", src);
	}
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* Removing any document of a file drops the file's stamp. */
START_TEST(test_stamp_dropped_by_delete)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_stamp s = mkstamp(2, 2, 0);
	struct cdx_index_writer *w;
	struct cdx_index *ix;
	uint64_t id;
	char idstr[24];
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	add_stamped(ix, "one.txt", "one.txt", "Zinc rose 3 percent.", &s);
	add_stamped(ix, "two.txt", "two.txt", "Lead rose 4 percent.", &s);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	id = add_doc(w, "c.sgm#1", "Gold rose 1 percent.");
	add_doc(w, "c.sgm#2", "Silver rose 2 percent.");
	put_stamp(w, "c.sgm", &s, id);
	id = add_doc(w, "p.txt#part1", "Iron rose 6 percent.");
	add_doc(w, "p.txt#part2", "Iron fell 7 percent.");
	put_stamp(w, "p.txt", &s, id);
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	assert_sound(ix);

	ck_assert_int_eq(cdx_index_delete(ix, "one.txt", &err), CDX_OK);
	ck_assert(!has_stamp(ix, "one.txt"));
	ck_assert(has_stamp(ix, "two.txt"));
	/* an item: its collection's stamp */
	ck_assert_int_eq(cdx_index_delete(ix, "c.sgm#2", &err), CDX_OK);
	ck_assert(!has_stamp(ix, "c.sgm"));
	/* a part, by id */
	ck_assert(has_stamp(ix, "p.txt"));
	{
		struct cdx_doc_info info;

		ck_assert_int_eq(cdx_index_doc_get(ix, "p.txt#part2", 0, &info,
		                                   &err), CDX_OK);
		id = info.id;
		cdx_doc_info_release(&info);
	}
	snprintf(idstr, sizeof idstr, "%llu", (unsigned long long)id);
	ck_assert_int_eq(cdx_index_delete(ix, idstr, &err), CDX_OK);
	ck_assert(!has_stamp(ix, "p.txt"));
	ck_assert(has_stamp(ix, "two.txt"));
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* A replacement drops the stamp (the file's new stamp follows it);
 * an unchanged document keeps it. */
START_TEST(test_stamp_dropped_by_replace)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_stamp s = mkstamp(3, 1, 0);
	struct cdx_index_writer *w;
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	add_stamped(ix, "r.txt", "r.txt", "Cobalt rose 8 percent.", &s);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	add_doc(w, "r.txt", "Cobalt rose 8 percent.");
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	ck_assert(has_stamp(ix, "r.txt"));
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	add_doc(w, "r.txt", "Cobalt fell 8 percent.");
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	ck_assert(!has_stamp(ix, "r.txt"));
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* A stamp that counts duplicates vouches for other files' documents:
 * any removal drops it; stamps without duplicates stay. */
START_TEST(test_stamp_dups_dropped)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_stamp plain = mkstamp(4, 1, 0), dup = mkstamp(5, 0, 1);
	struct cdx_index_writer *w;
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	add_stamped(ix, "a.txt", "a.txt", "Lithium rose 30 percent.", &plain);
	add_stamped(ix, "b.txt", "b.txt", "Lithium fell 30 percent.", &plain);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	put_stamp(w, "copy-of-a.txt", &dup, CDX_STAMP_NO_DOC);
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	ck_assert(has_stamp(ix, "copy-of-a.txt"));
	assert_sound(ix);
	ck_assert_int_eq(cdx_index_delete(ix, "b.txt", &err), CDX_OK);
	ck_assert(!has_stamp(ix, "copy-of-a.txt"));
	ck_assert(has_stamp(ix, "a.txt"));
	/* stamped again without duplicates, its 0x00 entry stays (a
	 * search a stamp saved): the next removal drops it, once */
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	put_stamp(w, "copy-of-a.txt", &dup, CDX_STAMP_NO_DOC);
	put_stamp(w, "copy-of-a.txt", &plain, CDX_STAMP_NO_DOC);
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	assert_sound(ix);
	ck_assert_int_eq(cdx_index_delete(ix, "a.txt", &err), CDX_OK);
	ck_assert(!has_stamp(ix, "copy-of-a.txt"));
	add_stamped(ix, "c.txt", "c.txt", "Tin rose 1 percent.", &plain);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	put_stamp(w, "copy-of-a.txt", &plain, CDX_STAMP_NO_DOC);
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	ck_assert_int_eq(cdx_index_delete(ix, "c.txt", &err), CDX_OK);
	ck_assert(has_stamp(ix, "copy-of-a.txt"));
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* The key of @p path's stamp, as stamp.c makes it. */
static void key_of(uint8_t *kb, const char *path)
{
	uint64_t h = index_hash64(path, strlen(path));

	if ((h >> 56) == 0)
		h |= (uint64_t)1 << 56;
	index_put_be64(kb, h);
}

/* The checker: a stamp naming a document the index lacks, or one of
 * another file, a damaged stamp; a duplicates entry without its stamp is
 * no problem (it may outlive it). */
START_TEST(test_stamp_check)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_stamp s = mkstamp(6, 1, 0);
	struct cdx_index_writer *w;
	struct problems p = {0};
	struct cdx_index *ix;
	uint8_t kb[9];
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k, v;
	unsigned n = 0;
	uint64_t id;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	id = add_doc(w, "ok.txt", "Tin rose 2 percent.");
	put_stamp(w, "ok.txt", &s, id);
	put_stamp(w, "gone.sgm", &s, id + 100);
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	ck_assert_int_eq(cdx_index_check(ix, on_problem, &p, &n, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_uint_eq(n, 1);
	ck_assert_msg(strstr(p.first, "does not hold") != NULL, "%s", p.first);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	put_stamp(w, "gone.sgm", &s, CDX_STAMP_NO_DOC);
	put_stamp(w, "other.txt", &s, id);
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	memset(&p, 0, sizeof p);
	ck_assert_int_eq(cdx_index_check(ix, on_problem, &p, &n, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_uint_eq(n, 1);
	ck_assert_msg(strstr(p.first, "of another file") != NULL, "%s",
	              p.first);
	cdx_index_close(ix);

	raw_open(t.path, "stamps", &env, &txn, &dbi);
	key_of(kb, "ok.txt");
	k.mv_data = kb;
	k.mv_size = 8;
	v.mv_data = "\1\2\3";
	v.mv_size = 3;
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	memset(kb, 0, sizeof kb); /* a duplicates entry of no stamp */
	k.mv_size = 9;
	v.mv_size = 0;
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	raw_close(env, txn);
	ix = open_ix(t.path, 0, 0);
	memset(&p, 0, sizeof p);
	ck_assert_int_eq(cdx_index_check(ix, on_problem, &p, &n, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(cdx_index_stamp_get(ix, "ok.txt", &s, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_ptr_nonnull(strstr(err.msg, "damaged"));
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

void index_add_stamp_cases(Suite *s)
{
	TCase *tc = tcase_create("stamps");

	tcase_add_test(tc, test_stamp_roundtrip);
	tcase_add_test(tc, test_stamp_commits_with_docs);
	tcase_add_test(tc, test_stamp_replayed);
	tcase_add_test(tc, test_stamp_dropped_by_delete);
	tcase_add_test(tc, test_stamp_dropped_by_replace);
	tcase_add_test(tc, test_stamp_dups_dropped);
	tcase_add_test(tc, test_stamp_check);
	suite_add_tcase(s, tc);
}
