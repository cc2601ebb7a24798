/*
 * test_index_compact.c — closing a handle that wrote gives LMDB's free
 * pages back (indexer/compact.c): the file shrinks, the index stays whole,
 * and nothing is replaced while another handle holds the folder (here the
 * test itself holds the shared flock every handle takes, as another
 * process would) or when the handle only read. Before that, the
 * segments are merged into one, leaving out replaced documents, or the
 * last batch's commit does that already (cdx_index_writer_commit_last).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdx_buf.h"
#include "corpus.h"
#include "test_index.h"
#include "testutil.h"

#define N_DOCS 400

static char texts[N_DOCS][160], sources[N_DOCS][32];

static off_t data_size(const char *path)
{
	char p[200];
	struct stat st;

	snprintf(p, sizeof p, "%s/data.mdb", path);
	ck_assert_int_eq(stat(p, &st), 0);
	return st.st_size;
}

static int has_leftover(const char *path)
{
	char p[200];

	snprintf(p, sizeof p, "%s/data.mdb.compact", path);
	return access(p, F_OK) == 0;
}

/* N_DOCS documents in batches of 50, then all but every tenth deleted:
 * the deletions rewrite segments and free most pages. */
static void fill_and_thin(struct cdx_index *ix)
{
	struct cdx_error err = CDX_ERROR_INIT;

	for (int b = 0; b < N_DOCS; b += 50) {
		struct cdx_index_writer *w;

		ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
		for (int i = b; i < b + 50; i++) {
			struct cdx_doc d;
			enum cdx_add_outcome o;

			snprintf(sources[i], sizeof sources[i], "doc%03d.txt", i);
			snprintf(texts[i], sizeof texts[i],
			         "Report %d: the mine at site%d shipped %d tonnes "
			         "of cobalt and word%d and word%d to the smelter.",
			         i, i, i * 7, i % 13, i % 29);
			d = mkdoc(sources[i], NULL, NULL, texts[i]);
			ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, &o,
			                                      NULL, &err),
			                 CDX_OK);
		}
		ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	}
	for (int i = 0; i < N_DOCS; i++)
		if (i % 10 != 0)
			ck_assert_int_eq(cdx_index_delete(ix, sources[i], &err),
			                 CDX_OK);
}

START_TEST(test_close_compacts)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_stats st;
	struct cdx_index *ix;
	struct tmp t;
	off_t before, after;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	fill_and_thin(ix);
	before = data_size(t.path);
	cdx_index_close(ix);
	after = data_size(t.path);
	ck_assert_msg(after < before, "%lld -> %lld bytes", (long long)before,
	              (long long)after);
	ck_assert(!has_leftover(t.path));
	ix = open_ix(t.path, 0, 0);
	assert_sound(ix);
	ck_assert_int_eq(cdx_index_stats(ix, &st, &err), CDX_OK);
	ck_assert_uint_eq(st.n_docs, N_DOCS / 10);
	ck_assert_uint_eq(hits_for(ix, "cobalt"), N_DOCS / 10);
	ck_assert_uint_eq(hits_for(ix, "site30"), 1);
	ck_assert_uint_eq(hits_for(ix, "site31"), 0);
	/* it stays writable: a new document after the swap */
	cdx_index_close(ix);
	ix = open_ix(t.path, 0, 0);
	{
		struct cdx_doc d = mkdoc("new.txt", NULL, NULL,
		                         "Gallium output rose.");

		ck_assert_int_eq(add1(ix, &d, NULL, NULL), CDX_ADD_NEW);
	}
	ck_assert_uint_eq(hits_for(ix, "gallium"), 1);
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_no_compaction_beside_another_handle)
{
	struct cdx_index *ix;
	struct tmp t;
	off_t before;
	int fd;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	fill_and_thin(ix);
	before = data_size(t.path);
	/* what another process's handle holds */
	fd = open(t.path, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_SH), 0);
	cdx_index_close(ix);
	ck_assert_int_eq(data_size(t.path), before);
	ck_assert(!has_leftover(t.path));
	close(fd);
	/* a handle that only reads never compacts either */
	ix = open_ix(t.path, 0, 0);
	ck_assert_uint_eq(hits_for(ix, "cobalt"), N_DOCS / 10);
	cdx_index_close(ix);
	ck_assert_int_eq(data_size(t.path), before);
	/* the next writer does */
	ix = open_ix(t.path, 0, 0);
	{
		struct cdx_doc d = mkdoc("new.txt", NULL, NULL,
		                         "Gallium output rose.");

		ck_assert_int_eq(add1(ix, &d, NULL, NULL), CDX_ADD_NEW);
	}
	cdx_index_close(ix);
	ck_assert_int_lt(data_size(t.path), before);
	ix = open_ix(t.path, 0, 0);
	assert_sound(ix);
	ck_assert_uint_eq(hits_for(ix, "gallium"), 1);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* Entries of the named database. */
static size_t raw_entries(const char *path, const char *db)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_stat st;

	raw_open(path, db, &env, &txn, &dbi);
	ck_assert_int_eq(mdb_stat(txn, dbi, &st), 0);
	raw_close(env, txn);
	return st.ms_entries;
}

/* Batch @p b of 20 documents; in batch 2 the first five of batch 0 come
 * again with new words (replaced: marked deleted, postings still in
 * their segment). */
static void add_batch_as(struct cdx_index *ix, int b, int last)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w;

	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	for (int i = b * 20; i < b * 20 + 20; i++) {
		int src = b == 2 && i < 45 ? i - 40 : i;
		struct cdx_doc d;
		enum cdx_add_outcome o;

		snprintf(sources[i], sizeof sources[i], "doc%03d.txt", src);
		snprintf(texts[i], sizeof texts[i],
		         "Batch%d note %d: the the mine site%d of cobalt%s.", b,
		         i, src, src != i ? " renewed" : "");
		d = mkdoc(sources[i], NULL, NULL, texts[i]);
		ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, &o, NULL,
		                                      &err), CDX_OK);
		ck_assert_int_eq(o, src != i ? CDX_ADD_REPLACED : CDX_ADD_NEW);
	}
	ck_assert_int_eq(last ? cdx_index_writer_commit_last(w, &err) :
	                        cdx_index_writer_commit(w, &err), CDX_OK);
}

static void add_batch(struct cdx_index *ix, int b)
{
	add_batch_as(ix, b, 0);
}

START_TEST(test_close_merges_segments)
{
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	for (int b = 0; b < 4; b++)
		add_batch(ix, b);
	ck_assert_uint_eq(raw_entries(t.path, "segs"), 4);
	ck_assert_uint_eq(raw_entries(t.path, "deleted"), 5);
	ck_assert_uint_eq(hits_for(ix, "renewed"), 5);
	cdx_index_close(ix);
	/* one segment, the replaced documents' postings and marks gone */
	ck_assert_uint_eq(raw_entries(t.path, "segs"), 1);
	ck_assert_uint_eq(raw_entries(t.path, "deleted"), 0);
	ix = open_ix(t.path, 0, 0);
	assert_sound(ix);
	ck_assert_uint_eq(hits_for(ix, "cobalt"), 75);
	ck_assert_uint_eq(hits_for(ix, "batch0"), 15);
	ck_assert_uint_eq(hits_for(ix, "site3"), 1);
	ck_assert_uint_eq(hits_for(ix, "\"the the mine\""), 75);
	ck_assert_uint_eq(hits_for(ix, "\"batch2 note 40\""), 1);
	/* a reader does not merge; neither does a writer that added less
	 * than a quarter of the index (20 of 95): rewriting it all for a
	 * few documents would make small ingests cost the whole index */
	cdx_index_close(ix);
	ix = open_ix(t.path, 0, 0);
	add_batch(ix, 4);
	ck_assert_uint_eq(raw_entries(t.path, "segs"), 2);
	cdx_index_close(ix);
	ck_assert_uint_eq(raw_entries(t.path, "segs"), 2);
	/* one that wrote more (40 of 135) merges everything again */
	ix = open_ix(t.path, 0, 0);
	add_batch(ix, 5);
	add_batch(ix, 6);
	cdx_index_close(ix);
	ck_assert_uint_eq(raw_entries(t.path, "segs"), 1);
	ix = open_ix(t.path, CDX_INDEX_READONLY, 0);
	assert_sound(ix);
	ck_assert_uint_eq(hits_for(ix, "cobalt"), 135);
	ck_assert_uint_eq(hits_for(ix, "\"the mine site81\""), 1);
	ck_assert_uint_eq(hits_for(ix, "\"the mine site121\""), 1);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* Every key and value of every database of the index at @p path, in
 * order, into @p out (as mdb_dump -a would list them). */
static void dump_all(const char *path, struct cdx_buf *out)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi main_dbi;
	MDB_cursor *names;
	MDB_val k, v;

	raw_open(path, NULL, &env, &txn, &main_dbi);
	ck_assert_int_eq(mdb_cursor_open(txn, main_dbi, &names), 0);
	while (mdb_cursor_get(names, &k, &v, MDB_NEXT) == 0) {
		char name[64];
		MDB_dbi dbi;
		MDB_cursor *c;
		MDB_val ck, cv;

		ck_assert_uint_lt(k.mv_size, sizeof name);
		memcpy(name, k.mv_data, k.mv_size);
		name[k.mv_size] = '\0';
		ck_assert(cdx_buf_add(out, name, k.mv_size + 1) == CDX_OK);
		ck_assert_int_eq(mdb_dbi_open(txn, name, 0, &dbi), 0);
		ck_assert_int_eq(mdb_cursor_open(txn, dbi, &c), 0);
		while (mdb_cursor_get(c, &ck, &cv, MDB_NEXT) == 0) {
			size_t n[2] = {ck.mv_size, cv.mv_size};

			ck_assert(cdx_buf_add(out, n, sizeof n) == CDX_OK);
			ck_assert(cdx_buf_add(out, ck.mv_data, ck.mv_size) ==
			          CDX_OK);
			ck_assert(cdx_buf_add(out, cv.mv_data, cv.mv_size) ==
			          CDX_OK);
		}
		mdb_cursor_close(c);
	}
	mdb_cursor_close(names);
	raw_close(env, txn);
}

/* The last batch committed with the close's merge in its transaction:
 * a reader sees the index merged as soon as it commits, and the index
 * is the one a commit and a close merge make, key for key. */
START_TEST(test_commit_last_merges)
{
	struct cdx_buf a = CDX_BUF_INIT(SIZE_MAX / 2);
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	struct cdx_index *ix;
	struct tmp t1, t2;

	tmp_make(&t1);
	tmp_make(&t2);
	ix = open_ix(t1.path, CDX_INDEX_CREATE, 0);
	for (int i = 0; i < 4; i++)
		add_batch(ix, i);
	cdx_index_close(ix);
	dump_all(t1.path, &a);
	ix = open_ix(t2.path, CDX_INDEX_CREATE, 0);
	for (int i = 0; i < 4; i++)
		add_batch_as(ix, i, i == 3);
	/* merged before the close: one segment, replaced documents gone */
	ck_assert_uint_eq(raw_entries(t2.path, "segs"), 1);
	ck_assert_uint_eq(raw_entries(t2.path, "deleted"), 0);
	ck_assert_uint_eq(hits_for(ix, "renewed"), 5);
	ck_assert_uint_eq(hits_for(ix, "cobalt"), 75);
	cdx_index_close(ix);
	dump_all(t2.path, &b);
	ck_assert_uint_eq(a.len, b.len);
	ck_assert(memcmp(a.ptr, b.ptr, a.len) == 0);
	/* a last batch too small beside the index (20 of 95) merges
	 * nothing, as the close would not */
	ix = open_ix(t2.path, 0, 0);
	add_batch_as(ix, 4, 1);
	ck_assert_uint_eq(raw_entries(t2.path, "segs"), 2);
	cdx_index_close(ix);
	ck_assert_uint_eq(raw_entries(t2.path, "segs"), 2);
	/* a write after the last batch: the close merges again */
	ix = open_ix(t2.path, 0, 0);
	add_batch(ix, 5);
	add_batch_as(ix, 6, 1);
	ck_assert_uint_eq(raw_entries(t2.path, "segs"), 1);
	add_batch(ix, 7);
	ck_assert_uint_eq(raw_entries(t2.path, "segs"), 2);
	cdx_index_close(ix);
	ck_assert_uint_eq(raw_entries(t2.path, "segs"), 1);
	ix = open_ix(t2.path, CDX_INDEX_READONLY, 0);
	assert_sound(ix);
	ck_assert_uint_eq(hits_for(ix, "cobalt"), 155);
	cdx_index_close(ix);
	cdx_buf_release(&a);
	cdx_buf_release(&b);
	tmp_remove(&t1);
	tmp_remove(&t2);
}
END_TEST

/* Every posting value of the index at @p path overwritten with 0xff:
 * segments a merge cannot decode. */
static void damage_postings(const char *path)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	raw_open(path, "post", &env, &txn, &dbi);
	ck_assert_int_eq(mdb_cursor_open(txn, dbi, &c), 0);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		MDB_val nv = {v.mv_size, NULL};

		ck_assert_int_eq(mdb_cursor_put(c, &k, &nv,
		                                MDB_CURRENT | MDB_RESERVE),
		                 0);
		memset(nv.mv_data, 0xff, nv.mv_size);
	}
	mdb_cursor_close(c);
	raw_close(env, txn);
}

/* A last batch whose merge fails (the old segment is damaged) is not
 * lost with it: it is committed alone, and the merge is left undone. */
START_TEST(test_commit_last_merge_fails)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_doc_info info;
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	for (int b = 0; b < 3; b++)
		add_batch(ix, b);
	cdx_index_close(ix);
	ck_assert_uint_eq(raw_entries(t.path, "segs"), 1);
	damage_postings(t.path);
	ix = open_ix(t.path, 0, 0);
	add_batch_as(ix, 3, 1); /* asserts the commit succeeds */
	ck_assert_uint_eq(raw_entries(t.path, "segs"), 2);
	ck_assert_int_eq(cdx_index_doc_get(ix, "doc079.txt", 0, &info, &err),
	                 CDX_OK);
	cdx_doc_info_release(&info);
	cdx_index_close(ix);
	ix = open_ix(t.path, CDX_INDEX_READONLY, 0);
	ck_assert_int_eq(cdx_index_doc_get(ix, "doc079.txt", 0, &info, &err),
	                 CDX_OK);
	cdx_doc_info_release(&info);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

struct ent_list {
	char buf[1 << 17];
	size_t len;
};

static int on_entity(void *ctx, const char *name, uint64_t n)
{
	struct ent_list *e = ctx;

	e->len += (size_t)snprintf(e->buf + e->len, sizeof e->buf - e->len,
	                           "%s=%llu;", name, (unsigned long long)n);
	ck_assert_uint_lt(e->len, sizeof e->buf);
	return 0;
}

static size_t leaf_pages(const char *path, const char *db)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_stat st;

	raw_open(path, db, &env, &txn, &dbi);
	ck_assert_int_eq(mdb_stat(txn, dbi, &st), 0);
	raw_close(env, txn);
	return st.ms_leaf_pages;
}

/* Claims about 900 entities whose names come in random order, in
 * batches: at close by_entity is rewritten in key order, its pages
 * fuller, its claims and names the same. */
START_TEST(test_close_repacks_entities)
{
	static struct ent_list before, after;
	static char text[2700][96], name[2700][64];
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_claim_filter f = CDX_CLAIM_FILTER_INIT;
	struct cdx_claim_rows r;
	struct cdx_index *ix;
	size_t pages;
	uint64_t s = 99;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	for (int b = 0; b < 2700; b += 300) {
		struct cdx_index_writer *w;

		ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
		for (int i = b; i < b + 300; i++) {
			struct cdx_claim c;
			struct cdx_claims cl = {&c, 1, 1, NULL, NULL};
			struct cdx_doc d;
			char src[32];

			s = s * 6364136223846793005u + 1442695040888963407u;
			snprintf(name[i], sizeof name[i],
			         "Entity %03u Mining and Trading Company",
			         (unsigned)(s >> 33) % 900);
			snprintf(text[i], sizeof text[i],
			         "%s output rose 5 percent.", name[i]);
			snprintf(src, sizeof src, "e%04d.txt", i);
			d = mkdoc(src, NULL, NULL, text[i]);
			c = mkclaim(text[i], text[i], "5 percent",
			            CDX_KIND_PERCENT, 5, "%", name[i], NULL);
			ck_assert_int_eq(cdx_index_writer_add(w, &d, &cl, NULL,
			                                      NULL, &err),
			                 CDX_OK);
		}
		ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	}
	ck_assert_int_eq(cdx_index_entities(ix, on_entity, &before, &err),
	                 CDX_OK);
	pages = leaf_pages(t.path, "by_entity");
	cdx_index_close(ix);
	ck_assert_uint_lt(leaf_pages(t.path, "by_entity"), pages);
	ix = open_ix(t.path, 0, 0);
	assert_sound(ix);
	ck_assert_int_eq(cdx_index_entities(ix, on_entity, &after, &err),
	                 CDX_OK);
	ck_assert_str_eq(after.buf, before.buf);
	f.entity = name[1234];
	ck_assert_int_eq(cdx_index_claims(ix, &f, &r, &err), CDX_OK);
	ck_assert_uint_ge(r.n, 1);
	for (size_t i = 0; i < r.n; i++)
		ck_assert_str_eq(r.v[i].claim.subject, name[1234]);
	cdx_claim_rows_release(&r);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

void index_add_compact_cases(Suite *s)
{
	TCase *tc = tcase_create("compaction at close");

	tcase_add_test(tc, test_close_compacts);
	tcase_add_test(tc, test_no_compaction_beside_another_handle);
	tcase_add_test(tc, test_close_merges_segments);
	tcase_add_test(tc, test_commit_last_merges);
	tcase_add_test(tc, test_commit_last_merge_fails);
	tcase_add_test(tc, test_close_repacks_entities);
	suite_add_tcase(s, tc);
}
