/*
 * test_index_batch.c — what the writer does alone: the batch
 * accumulator (indexer/acc.c: terms sorted whatever bytes they share,
 * postings in term and document order, a document removed within the
 * batch), encoding runs split over two threads (encode.c), merges on two
 * threads (merge.c), the text and length tables' last blocks held by the
 * writer (tail.c), and a string map that starts over small when cleared
 * (util.c). Two threads must write exactly what one writes: the
 * databases are compared byte for byte.
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

/* ------------------------------------------------------------ acc */

/* Terms that stress the sort: alike in their first eight bytes, one a
 * prefix of another, bytes >= 0x80, single bytes. */
static const char *const odd_terms[] = {
	"internationally", "internationals", "international", "internation",
	"internat", "interna", "intern", "inter", "abcdefgh", "abcdefg",
	"abcdefghi", "abcdefgh\x80", "\xc3\xa9t\xc3\xa9", "\xc3\xa9", "\xff",
	"z", "a", "0", "00000000", "000000000", "0000000", "\x7f\x7f",
};
#define N_ODD (sizeof odd_terms / sizeof odd_terms[0])

/* Term number @p k of a test batch, spelled into @p buf. */
static const char *term_of(unsigned k, char *buf)
{
	if (k < N_ODD)
		return odd_terms[k];
	/* many sharing "supercalifragilistic" and others short */
	if (k % 3 == 0)
		snprintf(buf, 40, "supercalifragilistic%u", k);
	else
		snprintf(buf, 40, "t%u", k * 7919u % 100003u);
	return buf;
}

struct gen_doc {
	struct index_pterm t[64];
	uint32_t pos[256];
	char s[64][40];
	size_t n;
};

/* Document @p d of a test batch: up to 64 distinct terms, each with a
 * few positions, positions stored term by term as prepare.c does. */
static void gen_doc(struct gen_doc *g, uint64_t d, unsigned n_terms_all)
{
	uint64_t seed = d * 2654435761u + 1;
	uint32_t np = 0, used[64];

	g->n = 0;
	for (unsigned i = 0; i < 64 && g->n < 1 + d % 64; i++) {
		unsigned k = rnd(&seed) % n_terms_all;
		const char *s;
		int dup = 0;

		for (size_t j = 0; j < g->n; j++)
			dup |= used[j] == k;
		if (dup)
			continue;
		used[g->n] = k;
		s = term_of(k, g->s[g->n]);
		if (s != g->s[g->n])
			snprintf(g->s[g->n], 40, "%s", s);
		g->t[g->n].s = g->s[g->n];
		g->t[g->n].len = (uint32_t)strlen(g->s[g->n]);
		g->t[g->n].hash = index_mem_hash(g->t[g->n].s, g->t[g->n].len);
		g->t[g->n].tf = 1 + rnd(&seed) % 3;
		g->t[g->n].pos = np;
		for (uint32_t j = 0; j < g->t[g->n].tf; j++)
			g->pos[np + j] = (uint32_t)g->n * 4 + j;
		np += g->t[g->n].tf;
		g->n++;
	}
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	return c ? c : (an > bn) - (an < bn);
}

/* Flush a batch of @p prime other documents (more terms, one removed)
 * in a transaction then aborted, and hand the accumulator through the
 * index's spare (as one writer leaves it to the next): its arrays, and
 * its flush scratch, now hold another batch's leftovers. */
static void prime_acc(struct cdx_index *ix, struct index_acc *acc,
                      uint64_t prime, struct gen_doc *g)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct index_meta m;
	MDB_txn *txn = NULL;

	ck_assert_int_eq(index_write_begin(ix, &txn, &err), CDX_OK);
	ck_assert_int_eq(index_meta_load(ix, txn, &m, &err), CDX_OK);
	for (uint64_t d = 0; d < prime; d++) {
		gen_doc(g, d * 3 + 1, 9000);
		ck_assert_int_eq(index_acc_add_doc(acc, g->t, g->n, g->pos,
		                                   m.next_doc + d), CDX_OK);
	}
	index_acc_remove_doc(acc, m.next_doc + prime / 2);
	m.next_doc += prime;
	ck_assert_int_eq(index_acc_flush(acc, ix, txn, &m,
	                                 m.next_doc - prime, &err), CDX_OK);
	index_write_abort(ix, txn);
	index_acc_stash(ix, acc);
	ck_assert_ptr_nonnull(ix->acc_spare);
	ck_assert_uint_eq(acc->cap_posts, 0);
	index_acc_unstash(ix, acc);
	ck_assert_ptr_null(ix->acc_spare);
	ck_assert_uint_gt(acc->cap_posts, 0);
	ck_assert_uint_eq(acc->n + acc->n_posts + acc->npos + acc->bytes, 0);
}

/* Flush a batch of @p n_docs generated docs (less @p removed) with
 * @p threads into the index at @p path, after a batch of @p prime others
 * when not 0 (prime_acc); check the segment against the documents:
 * every term once, in byte order, with exactly the postings generated.
 * @return the segment's bytes, for comparing. */
static char *flush_batch(const char *path, unsigned threads, uint64_t n_docs,
                         unsigned n_terms_all, uint64_t removed,
                         uint64_t prime, size_t *out_len)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix = open_ix(path, CDX_INDEX_CREATE, 0);
	struct index_acc acc;
	struct index_meta m;
	struct index_seg *segs = NULL;
	struct index_segr r;
	struct index_plist l = {0};
	struct cdx_buf all = CDX_BUF_INIT(SIZE_MAX / 2);
	struct gen_doc *g = malloc(sizeof *g);
	MDB_txn *txn = NULL;
	char prev[INDEX_TERM_MAX + 1];
	size_t n_segs = 0, prev_len = 0, n_terms = 0, n_post = 0, want = 0;
	int rc;

	ck_assert_ptr_nonnull(g);
	memset(&acc, 0, sizeof acc);
	cdx_index_set_threads(ix, threads);
	if (prime > 0)
		prime_acc(ix, &acc, prime, g);
	ck_assert_int_eq(index_write_begin(ix, &txn, &err), CDX_OK);
	ck_assert_int_eq(index_meta_load(ix, txn, &m, &err), CDX_OK);
	for (uint64_t d = 0; d < n_docs; d++) {
		gen_doc(g, d, n_terms_all);
		ck_assert_int_eq(index_acc_add_doc(&acc, g->t, g->n, g->pos,
		                                   m.next_doc + d), CDX_OK);
		if (d != removed)
			want += g->n;
	}
	index_acc_remove_doc(&acc, m.next_doc + removed);
	m.next_doc += n_docs;
	rc = index_acc_flush(&acc, ix, txn, &m, m.next_doc - n_docs, &err);
	ck_assert_msg(rc == CDX_OK, "flush: %s", err.msg);
	ck_assert_int_eq(index_segs_load(ix, txn, &segs, &n_segs, &err),
	                 CDX_OK);
	ck_assert_uint_eq(n_segs, 1);
	index_segr_init(&r, ix, txn, &segs[0]);
	while ((rc = index_segr_next(&r, &err)) == CDX_OK) {
		/* strictly ascending: each term once */
		ck_assert(n_terms == 0 || cmp_bytes(prev, prev_len, r.term,
		                                    r.term_len) < 0);
		memcpy(prev, r.term, r.term_len);
		prev_len = r.term_len;
		n_terms++;
		index_plist_clear(&l);
		ck_assert_int_eq(index_plist_decode(r.entry, r.entry_len,
		                                    segs[0].first, 1, &l),
		                 CDX_OK);
		for (size_t i = 0; i < l.n; i++) {
			uint64_t d = l.v[i].doc - segs[0].first;
			int found = 0;

			ck_assert(d != removed);
			ck_assert(i == 0 || l.v[i].doc > l.v[i - 1].doc);
			gen_doc(g, d, n_terms_all);
			for (size_t j = 0; j < g->n; j++) {
				if (cmp_bytes(g->t[j].s, g->t[j].len, r.term,
				              r.term_len) != 0)
					continue;
				found = 1;
				ck_assert_uint_eq(l.v[i].tf, g->t[j].tf);
				for (uint32_t q = 0; q < g->t[j].tf; q++)
					ck_assert_uint_eq(l.pos[l.v[i].off + q],
					                  g->pos[g->t[j].pos + q]);
			}
			ck_assert(found);
			n_post++;
		}
		ck_assert(cdx_buf_add(&all, r.term, r.term_len) == CDX_OK);
		ck_assert(cdx_buf_add(&all, r.entry, r.entry_len) == CDX_OK);
	}
	ck_assert_int_eq(rc, CDX_ERR_ITEROVER);
	ck_assert_uint_eq(n_post, want);
	index_segr_release(&r);
	index_plist_release(&l);
	index_acc_release(&acc);
	free(segs);
	free(g);
	index_write_abort(ix, txn);
	cdx_index_close(ix);
	*out_len = all.len;
	return cdx_buf_detach(&all);
}

START_TEST(test_acc_order_and_postings)
{
	struct tmp t1, t2;
	size_t n1, n2;
	char *a, *b;

	tmp_make(&t1);
	tmp_make(&t2);
	/* a few thousand documents: several chunks, so both threads and
	 * the chunk edges are used; doc 77 removed within the batch */
	a = flush_batch(t1.path, 1, 3000, 5000, 77, 0, &n1);
	b = flush_batch(t2.path, 2, 3000, 5000, 77, 0, &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert(memcmp(a, b, n1) == 0);
	free(a);
	free(b);
	/* and a batch of a few terms, the odd ones among them */
	a = flush_batch(t1.path, 2, 5, 30, 2, 0, &n1);
	free(a);
	tmp_remove(&t1);
	tmp_remove(&t2);
}
END_TEST

/* An accumulator kept from a larger batch (its arrays, its flush
 * scratch still full of that batch) writes what a fresh one writes;
 * and from a smaller one, whose arrays must grow. */
START_TEST(test_acc_reused_same)
{
	struct tmp t1, t2, t3;
	size_t n1, n2, n3;
	char *a, *b, *c;

	tmp_make(&t1);
	tmp_make(&t2);
	tmp_make(&t3);
	a = flush_batch(t1.path, 1, 3000, 5000, 77, 0, &n1);
	b = flush_batch(t2.path, 2, 3000, 5000, 77, 4000, &n2);
	c = flush_batch(t3.path, 1, 3000, 5000, 77, 40, &n3);
	ck_assert_uint_eq(n1, n2);
	ck_assert(memcmp(a, b, n1) == 0);
	ck_assert_uint_eq(n1, n3);
	ck_assert(memcmp(a, c, n1) == 0);
	free(a);
	free(b);
	free(c);
	tmp_remove(&t1);
	tmp_remove(&t2);
	tmp_remove(&t3);
}
END_TEST

/* A writer leaves its accumulator's arrays to the index and the next
 * writer takes them; the index frees them at close (the sanitizer
 * build checks no leak). */
START_TEST(test_acc_kept_between_writers)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct tmp t;
	struct cdx_index *ix;
	struct cdx_index_writer *w = NULL;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_ptr_null(ix->acc_spare);
	for (int round = 0; round < 3; round++) {
		char text[64];
		struct cdx_doc d;

		snprintf(text, sizeof text, "copper output rose %d percent",
		         round + 3);
		d = mkdoc("kept.txt", NULL, NULL, text);
		ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
		ck_assert_ptr_null(ix->acc_spare);
		ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, NULL, NULL,
		                                      &err), CDX_OK);
		ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
		ck_assert_ptr_nonnull(ix->acc_spare);
		ck_assert_uint_gt(ix->acc_spare->cap_posts, 0);
	}
	/* a batch given up keeps them too */
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	cdx_index_writer_abort(w);
	ck_assert_ptr_nonnull(ix->acc_spare);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_acc_remove_only_posting)
{
	struct index_acc acc;
	struct index_pterm t = {0};
	uint32_t pos[1] = {0};

	memset(&acc, 0, sizeof acc);
	/* removing from an empty batch, or a doc it does not hold, is no
	 * harm */
	index_acc_remove_doc(&acc, 5);
	t.s = "solo";
	t.len = 4;
	t.hash = index_mem_hash(t.s, t.len);
	t.tf = 1;
	ck_assert_int_eq(index_acc_add_doc(&acc, &t, 1, pos, 10), CDX_OK);
	ck_assert_int_eq(index_acc_add_doc(&acc, &t, 1, pos, 12), CDX_OK);
	index_acc_remove_doc(&acc, 11);
	index_acc_remove_doc(&acc, 3);
	index_acc_remove_doc(&acc, 13);
	ck_assert_uint_eq(acc.n_posts, 2);
	index_acc_remove_doc(&acc, 12);
	index_acc_remove_doc(&acc, 10);
	ck_assert_uint_eq(acc.n, 1);
	/* a doc past 2^32 ids from the first cannot be held */
	ck_assert_int_eq(index_acc_add_doc(&acc, &t, 1, pos,
	                                   10 + ((uint64_t)1 << 32)),
	                 CDX_ERR_NOMEM);
	index_acc_release(&acc);
	index_acc_release(NULL);
}
END_TEST

/* ------------------------------------------------------------ encrun */

struct enc_test {
	size_t fail_at; /* item whose encoding fails, or SIZE_MAX */
};

static int enc_item(void *ctx, unsigned part, size_t i, struct cdx_buf *b)
{
	const struct enc_test *e = ctx;

	(void)part;
	if (i == e->fail_at)
		return CDX_ERR_NOMEM;
	if (i % 5 == 4)
		return CDX_OK; /* an item without an entry */
	for (size_t k = 0; k <= i % 7; k++)
		if (cdx_buf_putc(b, (char)('a' + (i + k) % 26)) != CDX_OK)
			return CDX_ERR_NOMEM;
	return CDX_OK;
}

START_TEST(test_encrun_parts)
{
	struct index_encrun run;
	struct enc_test e = {SIZE_MAX};
	static const size_t shapes[][2] = {
		{0, 0}, {1, 0}, {1, 1}, {50, 0}, {50, 25}, {50, 50}, {200, 3},
	};

	index_encrun_init(&run);
	for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
		for (unsigned threads = 1; threads <= 2; threads++) {
			size_t n = shapes[s][0], mid = shapes[s][1];

			ck_assert_int_eq(index_encrun_start(&run, n, mid, threads,
			                                    enc_item, &e), CDX_OK);
			ck_assert_int_eq(index_encrun_finish(&run), CDX_OK);
			for (size_t i = 0; i < n; i++) {
				size_t len;
				const uint8_t *p = index_encrun_entry(&run, i,
				                                      &len);

				ck_assert_uint_eq(len, i % 5 == 4 ? 0 :
				                  i % 7 + 1);
				for (size_t k = 0; k < len; k++)
					ck_assert_int_eq(p[k], 'a' +
					                 (i + k) % 26);
			}
		}
	}
	/* a failure in either part is the run's; finish always joins */
	for (unsigned threads = 1; threads <= 2; threads++) {
		e.fail_at = 10;
		ck_assert_int_eq(index_encrun_start(&run, 50, 25, threads,
		                                    enc_item, &e),
		                 CDX_ERR_NOMEM);
		ck_assert_int_eq(index_encrun_finish(&run), CDX_ERR_NOMEM);
		e.fail_at = 40;
		ck_assert_int_eq(index_encrun_start(&run, 50, 25, threads,
		                                    enc_item, &e), CDX_OK);
		ck_assert_int_eq(index_encrun_finish(&run), CDX_ERR_NOMEM);
	}
	index_encrun_release(&run);
	index_encrun_release(NULL);
}
END_TEST

/* ------------------------------------------------------------ merges */

/* A text of about @p words words for doc @p d (version @p v). */
static char *gen_text(uint64_t d, unsigned v, unsigned words)
{
	static const char *const w[] = {
		"copper", "output", "rose", "percent", "tonnes", "lithium",
		"China", "Chile", "price", "market", "the", "of", "mine",
		"\xc3\xa9tude", "zinc", "nickel", "reserves", "grew",
	};
	uint64_t seed = d * 7919 + v + 1;
	char *s = malloc((size_t)words * 12 + 64);
	size_t n = 0;

	ck_assert_ptr_nonnull(s);
	for (unsigned i = 0; i < words; i++)
		n += (size_t)sprintf(s + n, "%s ", w[rnd(&seed) % 18]);
	sprintf(s + n, "doc%llu v%u.", (unsigned long long)d, v);
	return s;
}

/* Every named database's keys and values, in order, into one buffer. */
static char *dump_all(const char *path, size_t *len)
{
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi main_db;
	MDB_cursor *cur, *c2;
	MDB_val k, v, k2, v2;

	ck_assert_int_eq(mdb_env_create(&env), 0);
	ck_assert_int_eq(mdb_env_set_maxdbs(env, 32), 0);
	ck_assert_int_eq(mdb_env_open(env, path, MDB_RDONLY, 0644), 0);
	ck_assert_int_eq(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, NULL, 0, &main_db), 0);
	ck_assert_int_eq(mdb_cursor_open(txn, main_db, &cur), 0);
	while (mdb_cursor_get(cur, &k, &v, MDB_NEXT) == 0) {
		char name[64];
		MDB_dbi dbi;

		ck_assert_uint_lt(k.mv_size, sizeof name);
		memcpy(name, k.mv_data, k.mv_size);
		name[k.mv_size] = '\0';
		ck_assert(cdx_buf_puts(&b, name) == CDX_OK);
		ck_assert_int_eq(mdb_dbi_open(txn, name, 0, &dbi), 0);
		ck_assert_int_eq(mdb_cursor_open(txn, dbi, &c2), 0);
		while (mdb_cursor_get(c2, &k2, &v2, MDB_NEXT) == 0) {
			ck_assert(cdx_buf_add(&b, k2.mv_data, k2.mv_size) ==
			          CDX_OK);
			ck_assert(cdx_buf_add(&b, v2.mv_data, v2.mv_size) ==
			          CDX_OK);
		}
		mdb_cursor_close(c2);
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	*len = b.len;
	return cdx_buf_detach(&b);
}

/* Ingest in batches of 7 (merges at commit), replacing documents within
 * a batch and across batches, deleting two; close merges it all. */
static void build(const char *path, unsigned threads)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix = open_ix(path, CDX_INDEX_CREATE, 0);
	struct cdx_index_writer *w = NULL;
	char src[32];
	int rc;

	cdx_index_set_threads(ix, threads);
	for (unsigned step = 0; step < 90; step++) {
		/* docs 0..59, then five replaced again and again: twice
		 * within a batch and across batches */
		uint64_t d = step < 60 ? step : 10 + (step % 5) * 3;
		unsigned v = step < 60 ? 0 : step;
		struct cdx_doc doc;
		char *text = gen_text(d, v, 150 + (unsigned)(d * 37 % 700));

		if (step % 7 == 0) {
			rc = cdx_index_writer_begin(&w, ix, &err);
			ck_assert_msg(rc == CDX_OK, "begin: %s", err.msg);
		}
		snprintf(src, sizeof src, "src/doc%llu.txt",
		         (unsigned long long)d);
		doc = mkdoc(src, d % 3 ? "A title" : NULL, NULL, text);
		rc = cdx_index_writer_add(w, &doc, NULL, NULL, NULL, &err);
		ck_assert_msg(rc == CDX_OK, "add: %s", err.msg);
		free(text);
		if (step % 7 == 6 || step == 89) {
			rc = cdx_index_writer_commit(w, &err);
			ck_assert_msg(rc == CDX_OK, "commit: %s", err.msg);
			w = NULL;
		}
		if (step == 48) { /* between batches: a writer holds LMDB's lock */
			rc = cdx_index_delete(ix, "src/doc3.txt", &err);
			ck_assert_msg(rc == CDX_OK, "delete: %s", err.msg);
		}
	}
	rc = cdx_index_delete(ix, "src/doc44.txt", &err);
	ck_assert_msg(rc == CDX_OK, "delete: %s", err.msg);
	assert_sound(ix);
	ck_assert_uint_eq(hits_for(ix, "copper"), 58);
	cdx_index_close(ix);
}

START_TEST(test_merge_threads_same)
{
	struct tmp t1, t2;
	size_t n1, n2;
	char *a, *b;

	tmp_make(&t1);
	tmp_make(&t2);
	build(t1.path, 1);
	build(t2.path, 2);
	a = dump_all(t1.path, &n1);
	b = dump_all(t2.path, &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert(memcmp(a, b, n1) == 0);
	free(a);
	free(b);
	tmp_remove(&t1);
	tmp_remove(&t2);
}
END_TEST

/* ------------------------------------------------------------ strmap */

START_TEST(test_strmap_clear_shrinks)
{
	struct index_strmap m = {0};
	char keys[2000][8];
	uint32_t v;

	for (int i = 0; i < 2000; i++) {
		snprintf(keys[i], sizeof keys[i], "k%d", i);
		ck_assert_int_eq(index_strmap_put(&m, keys[i], strlen(keys[i]),
		                                  (uint32_t)i, &v), 1);
	}
	ck_assert_uint_ge(m.cap, 4000);
	index_strmap_clear(&m);
	ck_assert_uint_eq(m.n, 0);
	ck_assert_int_eq(index_strmap_get(&m, "k7", 2, &v), CDX_ERR_NOTFOUND);
	/* a small set in the large table: cleared, the table starts over
	 * small */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(index_strmap_put(&m, keys[i], strlen(keys[i]),
		                                  (uint32_t)i, &v), 1);
	index_strmap_clear(&m);
	ck_assert_uint_eq(m.cap, 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(index_strmap_put(&m, keys[i], strlen(keys[i]),
		                                  (uint32_t)i + 10, &v), 1);
	ck_assert_uint_le(m.cap, 64);
	ck_assert_int_eq(index_strmap_get(&m, "k2", 2, &v), CDX_OK);
	ck_assert_uint_eq(v, 12);
	/* a full enough table is wiped, not freed */
	index_strmap_clear(&m);
	ck_assert_int_eq(index_strmap_get(&m, "k2", 2, &v), CDX_ERR_NOTFOUND);
	ck_assert_int_eq(index_strmap_put(&m, "x", 1, 1, &v), 1);
	index_strmap_release(&m);
}
END_TEST

START_TEST(test_strmap_same_hash)
{
	/* keys of every length up to 20 that differ in one byte, put under
	 * one hash, so that only comparing the bytes tells them apart */
	static char keys[21][21][21];
	struct index_strmap m = {0};
	uint32_t v;

	for (size_t n = 0; n <= 20; n++)
		for (size_t at = 0; at <= n; at++) {
			memset(keys[n][at], 'q', n);
			if (at < n)
				keys[n][at][at] = (char)0x80;
			ck_assert_int_eq(index_strmap_put_h(&m, keys[n][at], n,
			                                    42,
			                                    (uint32_t)(n * 32 +
			                                               at),
			                                    &v), 1);
		}
	for (size_t n = 0; n <= 20; n++)
		for (size_t at = 0; at <= n; at++) {
			ck_assert_int_eq(index_strmap_get_h(&m, keys[n][at], n,
			                                    42, &v), CDX_OK);
			ck_assert_uint_eq(v, n * 32 + at);
		}
	index_strmap_release(&m);
}
END_TEST

void index_add_batch_cases(Suite *s)
{
	TCase *tc = tcase_create("batch");

	tcase_add_test(tc, test_acc_order_and_postings);
	tcase_add_test(tc, test_acc_remove_only_posting);
	tcase_add_test(tc, test_acc_reused_same);
	tcase_add_test(tc, test_acc_kept_between_writers);
	tcase_add_test(tc, test_encrun_parts);
	tcase_add_test(tc, test_merge_threads_same);
	tcase_add_test(tc, test_strmap_clear_shrinks);
	tcase_add_test(tc, test_strmap_same_hash);
	suite_add_tcase(s, tc);
}
