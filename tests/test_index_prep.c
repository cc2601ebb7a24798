/*
 * test_index_prep.c — documents prepared outside the writer
 * (cdx_index_doc_prepare, in other threads) make the very same index as
 * documents added whole; a claim outside the text is refused when
 * preparing; prepared documents survive a map that must grow (their
 * terms are derived again for the replay); the stemmer's cache gives the
 * same stems after it has filled and been emptied many times; the
 * writer's memory figure grows with the batch; a preparer's token cache
 * and dictionary give exactly the terms of index_terms(), past the
 * cache's size and across the dictionary's emptying; documents freed on
 * another thread go back to their preparer, and outlive it.
 */
#define _XOPEN_SOURCE 700
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"
#include "test_index.h"
#include "testutil.h"

#define N_DOCS 120

static const char *const dbs[] = {
	"meta", "docs", "text", "source", "hash", "segs", "terms", "post",
	"deleted", "claims", "by_entity", "dlen",
	"prefixes",
};

/* Document @p i: words that repeat across documents (stems shared), a
 * word of its own, one accented word, and one claim. */
static void gen_doc(unsigned i, unsigned n_words, char *src, char *text,
                    size_t cap, struct cdx_claim *c, struct cdx_claims *cl)
{
	static const char *const words[] = {
		"mining", "miners", "smelters", "tariffs", "quotas",
		"refineries", "batteries", "magnets", "supplied", "exports",
	};
	size_t n = 0;

	sprintf(src, "p%u.txt", i);
	n += (size_t)snprintf(text + n, cap - n, "Zürich doc%u said ", i);
	for (unsigned j = 0; j < n_words; j++)
		n += (size_t)snprintf(text + n, cap - n, "%s ",
		                      words[(i * 3 + j * 7) % 10]);
	snprintf(text + n, cap - n, "Lithium output rose 12%% in Chile.");
	*c = mkclaim(text, "Lithium output rose 12% in Chile.", "12%",
	             CDX_KIND_PERCENT, 12, "%", "Chile", "lithium");
	memset(cl, 0, sizeof *cl);
	cl->v = c;
	cl->n = 1;
}

/* FNV-1a over every key and value of the named databases. */
static uint64_t index_digest(const char *path)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < sizeof dbs / sizeof *dbs; i++) {
		MDB_env *env;
		MDB_txn *txn;
		MDB_dbi dbi;
		MDB_cursor *cur;
		MDB_val k, v;
		int op = MDB_FIRST;

		raw_open(path, dbs[i], &env, &txn, &dbi);
		ck_assert_int_eq(mdb_cursor_open(txn, dbi, &cur), 0);
		while (mdb_cursor_get(cur, &k, &v, op) == 0) {
			const uint8_t *p = k.mv_data;

			for (size_t j = 0; j < k.mv_size; j++)
				h = (h ^ p[j]) * 0x100000001b3ULL;
			p = v.mv_data;
			for (size_t j = 0; j < v.mv_size; j++)
				h = (h ^ p[j]) * 0x100000001b3ULL;
			h = (h ^ i) * 0x100000001b3ULL;
			op = MDB_NEXT;
		}
		mdb_cursor_close(cur);
		raw_close(env, txn);
	}
	return h;
}

/* Documents [from, to) prepared by one thread with its own preparer. */
struct prep_job {
	unsigned from, to;
	struct cdx_index_doc *out[N_DOCS];
};

static void *prep_thread(void *arg)
{
	struct prep_job *j = arg;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_prep *p;

	if (cdx_index_prep_new(&p, &err) != CDX_OK)
		return NULL;
	for (unsigned i = j->from; i < j->to; i++) {
		char src[32], text[1024];
		struct cdx_claim c;
		struct cdx_claims cl;
		struct cdx_doc d;

		gen_doc(i, 40, src, text, sizeof text, &c, &cl);
		d = mkdoc(src, "A title", "2024-05-01", text);
		if (cdx_index_doc_prepare(p, &d, &cl, &j->out[i], &err) !=
		    CDX_OK)
			break;
	}
	cdx_index_prep_free(p);
	return NULL;
}

/* Two batches: documents 0..N/2 and N/2..N; then one replaced. */
static void build_whole(const char *path)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix = open_ix(path, CDX_INDEX_CREATE, 0);
	struct cdx_index_writer *w;

	for (unsigned b = 0; b < 2; b++) {
		ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
		for (unsigned i = b * N_DOCS / 2; i < (b + 1) * N_DOCS / 2;
		     i++) {
			char src[32], text[1024];
			struct cdx_claim c;
			struct cdx_claims cl;
			struct cdx_doc d;

			gen_doc(i, 40, src, text, sizeof text, &c, &cl);
			d = mkdoc(src, "A title", "2024-05-01", text);
			ck_assert_int_eq(cdx_index_writer_add(w, &d, &cl, NULL,
			                                      NULL, &err),
			                 CDX_OK);
		}
		ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	}
	cdx_index_close(ix);
}

static void build_prepared(const char *path)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix = open_ix(path, CDX_INDEX_CREATE, 0);
	struct cdx_index_writer *w;
	struct prep_job *jobs = calloc(2, sizeof *jobs);
	pthread_t th[2];

	ck_assert_ptr_nonnull(jobs);
	/* two threads, each with its own preparer, interleaved ranges */
	for (unsigned t = 0; t < 2; t++) {
		jobs[t].from = t * N_DOCS / 2;
		jobs[t].to = (t + 1) * N_DOCS / 2;
		ck_assert_int_eq(pthread_create(&th[t], NULL, prep_thread,
		                                &jobs[t]), 0);
	}
	for (unsigned t = 0; t < 2; t++)
		pthread_join(th[t], NULL);
	for (unsigned b = 0; b < 2; b++) {
		ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
		for (unsigned i = b * N_DOCS / 2; i < (b + 1) * N_DOCS / 2;
		     i++) {
			ck_assert_ptr_nonnull(jobs[b].out[i]);
			ck_assert_int_eq(cdx_index_writer_add_prepared(
			                         w, jobs[b].out[i], NULL, NULL,
			                         &err),
			                 CDX_OK);
		}
		ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	}
	free(jobs);
	cdx_index_close(ix);
}

START_TEST(test_prepared_same_index)
{
	struct tmp a, b;
	struct cdx_index *ix;

	tmp_make(&a);
	tmp_make(&b);
	build_whole(a.path);
	build_prepared(b.path);
	ck_assert_uint_eq(index_digest(a.path), index_digest(b.path));
	ix = open_ix(b.path, 0, 0);
	ck_assert_uint_eq(hits_for(ix, "zurich"), N_DOCS);
	ck_assert_uint_eq(hits_for(ix, "mine"), N_DOCS);
	ck_assert_uint_eq(hits_for(ix, "doc7"), 1);
	ck_assert_uint_eq(hits_for(ix, "\"lithium output rose\""), N_DOCS);
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&a);
	tmp_remove(&b);
}
END_TEST

START_TEST(test_prepare_refuses_bad_claim)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_prep *p;
	struct cdx_index_doc *d = (void *)&err;
	struct cdx_doc doc = mkdoc("bad.txt", NULL, NULL, "Cobalt rose 5%.");
	struct cdx_claim c;
	struct cdx_claims cl = {0};

	memset(&c, 0, sizeof c);
	c.kind = CDX_KIND_PERCENT;
	c.start = 3;
	c.end = 400;
	cl.v = &c;
	cl.n = 1;
	ck_assert_int_eq(cdx_index_prep_new(&p, &err), CDX_OK);
	ck_assert_int_eq(cdx_index_doc_prepare(p, &doc, &cl, &d, &err),
	                 CDX_ERR_FAIL);
	ck_assert_ptr_null(d);
	ck_assert_ptr_nonnull(strstr(err.msg, "bad.txt"));
	/* no claims at all is fine, and so is an empty text */
	doc = mkdoc("empty.txt", NULL, NULL, "");
	ck_assert_int_eq(cdx_index_doc_prepare(p, &doc, NULL, &d, &err),
	                 CDX_OK);
	ck_assert_uint_gt(cdx_index_doc_weight(d), 0);
	cdx_index_doc_free(d);
	cdx_index_prep_free(p);
	cdx_index_prep_free(NULL);
	cdx_index_doc_free(NULL);
	ck_assert_uint_eq(cdx_index_doc_weight(NULL), 0);
}
END_TEST

/* A failed batch still takes (frees) what it is given. */
START_TEST(test_prepared_into_failed_batch)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_prep *p;
	struct cdx_index_writer *w;
	struct cdx_index_doc *d;
	struct cdx_doc ok = mkdoc("a.txt", NULL, NULL, "Nickel prices fell.");
	struct cdx_doc bad = mkdoc("b.txt", NULL, NULL, "Tin.");
	struct cdx_claim c;
	struct cdx_claims cl = {0};
	struct cdx_index *ix;
	size_t before;
	struct tmp t;

	memset(&c, 0, sizeof c);
	c.end = 90;
	cl.v = &c;
	cl.n = 1;
	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(cdx_index_prep_new(&p, &err), CDX_OK);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	before = cdx_index_writer_bytes(w);
	ck_assert_int_eq(cdx_index_doc_prepare(p, &ok, NULL, &d, &err), CDX_OK);
	ck_assert_int_eq(cdx_index_writer_add_prepared(w, d, NULL, NULL, &err),
	                 CDX_OK);
	ck_assert_uint_gt(cdx_index_writer_bytes(w), before);
	/* the whole-document path reports the bad claim as before */
	ck_assert_int_eq(cdx_index_writer_add(w, &bad, &cl, NULL, NULL, &err),
	                 CDX_ERR_FAIL);
	cdx_index_writer_abort(w);
	ck_assert_uint_eq(hits_for(ix, "nickel"), 0);
	cdx_index_prep_free(p);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* Prepared documents in a 1 MiB map: the batch is replayed after the
 * map grows, with terms derived again (they were dropped once merged). */
START_TEST(test_prepared_map_grows)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_prep *p;
	struct cdx_index_writer *w;
	struct cdx_index_stats st;
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, (size_t)1 << 20);
	ck_assert_int_eq(cdx_index_prep_new(&p, &err), CDX_OK);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	for (unsigned i = 0; i < 800; i++) {
		char src[32], text[2048];
		struct cdx_claim c;
		struct cdx_claims cl;
		struct cdx_index_doc *d;
		struct cdx_doc doc;

		gen_doc(i, 150, src, text, sizeof text, &c, &cl);
		doc = mkdoc(src, NULL, NULL, text);
		ck_assert_int_eq(cdx_index_doc_prepare(p, &doc, &cl, &d, &err),
		                 CDX_OK);
		ck_assert_msg(cdx_index_writer_add_prepared(w, d, NULL, NULL,
		                                            &err) == CDX_OK,
		              "%s", err.msg);
	}
	ck_assert_msg(cdx_index_writer_commit(w, &err) == CDX_OK, "%s",
	              err.msg);
	ck_assert_int_eq(cdx_index_stats(ix, &st, &err), CDX_OK);
	ck_assert_uint_eq(st.n_docs, 800);
	ck_assert_uint_gt(st.map_bytes, (uint64_t)1 << 20);
	ck_assert_uint_eq(hits_for(ix, "doc799"), 1);
	ck_assert_uint_eq(hits_for(ix, "\"rose 12\""), 800);
	assert_sound(ix);
	cdx_index_prep_free(p);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* Word @p i of a vocabulary far larger than the stem cache. */
static void gen_word(unsigned i, char *w)
{
	static const char *const ends[] = {"ing", "ies", "ed", "ation", "s"};
	size_t n = 0;

	w[n++] = 'w';
	for (unsigned v = i / 5; v; v /= 26)
		w[n++] = (char)('a' + v % 26);
	strcpy(w + n, ends[i % 5]);
}

START_TEST(test_stem_cache_overflow)
{
	void *cached = index_stemmer_new(), *fresh = NULL;
	char w[32], a[INDEX_TERM_MAX + 1], b[INDEX_TERM_MAX + 1];
	const unsigned n = 200000;

	ck_assert_ptr_nonnull(cached);
	/* fill and empty the cache several times over */
	for (unsigned i = 0; i < n; i++) {
		gen_word(i, w);
		index_term_of(w, strlen(w), cached, a);
	}
	for (unsigned i = 0; i < n; i += 7) {
		if (i % 4096 == 0) {
			index_stemmer_free(fresh);
			fresh = index_stemmer_new();
			ck_assert_ptr_nonnull(fresh);
		}
		gen_word(i, w);
		index_term_of(w, strlen(w), cached, a);
		index_term_of(w, strlen(w), fresh, b);
		ck_assert_str_eq(a, b);
	}
	index_term_of("ponies", 6, cached, a);
	ck_assert_str_eq(a, "poni");
	index_term_of("ponies", 6, cached, a); /* from the cache */
	ck_assert_str_eq(a, "poni");
	index_stemmer_free(fresh);
	index_stemmer_free(cached);
	index_stemmer_free(NULL);
}
END_TEST

/* The terms of a text in token order, from the one term pipeline
 * (index_terms), to hold a prepared document's terms against. */
struct ref_terms {
	char (*v)[INDEX_TERM_MAX + 1];
	size_t n, cap;
};

static int ref_add(void *ctx, const char *term, size_t n, uint32_t start,
                   uint32_t end)
{
	struct ref_terms *r = ctx;

	(void)start;
	(void)end;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		r->v = realloc(r->v, r->cap * sizeof *r->v);
		ck_assert_ptr_nonnull(r->v);
	}
	memcpy(r->v[r->n], term, n);
	r->v[r->n][n] = '\0';
	r->n++;
	return 0;
}

/* @p d's terms and positions say exactly what index_terms() says of its
 * text: each token position once, under its own term, every term once
 * with the hash the batch map expects. */
static void assert_terms_as_pipeline(const struct cdx_index_doc *d,
                                     void *stemmer)
{
	struct ref_terms r = {NULL, 0, 0};
	struct index_strmap seen = {NULL, 0, 0};
	uint8_t *hit;
	size_t total = 0;

	ck_assert_int_eq(index_terms(d->text, d->len, stemmer, ref_add, &r),
	                 0);
	ck_assert_uint_eq(d->n_tokens, r.n);
	hit = calloc(r.n + 1, 1);
	ck_assert_ptr_nonnull(hit);
	for (size_t i = 0; i < d->n_terms; i++) {
		const struct index_pterm *t = &d->terms[i];
		uint32_t v;

		ck_assert_uint_eq(t->hash, index_mem_hash(t->s, t->len));
		ck_assert_int_eq(index_strmap_put(&seen, t->s, t->len,
		                                  (uint32_t)i, &v), 1);
		for (uint32_t k = 0; k < t->tf; k++) {
			uint32_t at = d->pos[t->pos + k];

			ck_assert_uint_lt(at, r.n);
			ck_assert_int_eq(hit[at], 0);
			hit[at] = 1;
			ck_assert_uint_eq(strlen(r.v[at]), t->len);
			ck_assert_mem_eq(r.v[at], t->s, t->len);
		}
		total += t->tf;
	}
	ck_assert_uint_eq(total, r.n);
	index_strmap_release(&seen);
	free(hit);
	free(r.v);
}

/* Text of document @p i: @p distinct new words (a vocabulary running on
 * from @p first), each twice, between common words, long words (past
 * the token cache's key), accented words and numbers. */
static char *gen_vocab_doc(unsigned first, unsigned distinct, size_t *len)
{
	static const char *const common[] = {
		"The", "markets", "rallied", "Zürich", "naïve", "3,500",
		"internationalisation", "Counter-Revolutionaries", "it’s",
		"e.g.", "Ōsaka", "x",
		/* keys that differ only past their first eight bytes */
		"abcdefgh", "abcdefghi", "abcdefghij", "abcdefghik",
	};
	size_t cap = (size_t)distinct * 64 + 256, n = 0;
	char *text = malloc(cap), w[32];

	ck_assert_ptr_nonnull(text);
	for (unsigned k = 0; k < distinct; k++) {
		gen_word(first + k, w);
		n += (size_t)snprintf(text + n, cap - n, "%s %s %s, ", w,
		                      common[k % 16], k % 3 ? w : "MARKET");
	}
	for (unsigned k = 0; k < distinct; k += 2) {
		gen_word(first + k, w);
		n += (size_t)snprintf(text + n, cap - n, "%s. ", w);
	}
	*len = n;
	return text;
}

START_TEST(test_token_cache_same_terms)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_prep *p = NULL;
	void *stemmer = index_stemmer_new();
	/* one document past the token cache (32K tokens), then documents
	 * that carry the dictionary past its bound (64K terms), so that it
	 * is emptied at a document's start, then ones that reuse it */
	static const unsigned first[] = {0, 100000, 120000, 140000, 160000,
	                                 180000, 0, 100000, 7};
	static const unsigned distinct[] = {40000, 20000, 20000, 20000,
	                                    20000, 20000, 500, 500, 3};

	ck_assert_ptr_nonnull(stemmer);
	ck_assert_int_eq(cdx_index_prep_new(&p, &err), CDX_OK);
	for (size_t i = 0; i < sizeof first / sizeof *first; i++) {
		struct cdx_index_doc *d = NULL;
		struct cdx_doc doc;
		char src[32];
		size_t len;
		char *text = gen_vocab_doc(first[i], distinct[i], &len);

		snprintf(src, sizeof src, "v%zu.txt", i);
		doc = mkdoc(src, NULL, NULL, text);
		ck_assert_int_eq(cdx_index_doc_prepare(p, &doc, NULL, &d, &err),
		                 CDX_OK);
		assert_terms_as_pipeline(d, stemmer);
		/* again, from a warm cache: the same terms */
		ck_assert_int_eq(index_doc_terms(p, d), CDX_OK);
		assert_terms_as_pipeline(d, stemmer);
		cdx_index_doc_free(d);
		free(text);
	}
	cdx_index_prep_free(p);
	index_stemmer_free(stemmer);
}
END_TEST

START_TEST(test_token_cache_empty_and_wordless)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_prep *p = NULL;
	void *stemmer = index_stemmer_new();
	static const char *const texts[] = {"", "  ,;  ", "a", "Ponies",
	                                    "ponies PONIES pony", "-- . --"};

	ck_assert_ptr_nonnull(stemmer);
	ck_assert_int_eq(cdx_index_prep_new(&p, &err), CDX_OK);
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		struct cdx_index_doc *d = NULL;
		struct cdx_doc doc = mkdoc("w.txt", NULL, NULL, texts[i]);

		ck_assert_int_eq(cdx_index_doc_prepare(p, &doc, NULL, &d, &err),
		                 CDX_OK);
		assert_terms_as_pipeline(d, stemmer);
		if (i == 4) { /* three words, one stem */
			ck_assert_uint_eq(d->n_terms, 1);
			ck_assert_uint_eq(d->terms[0].tf, 3);
			ck_assert_uint_eq(d->n_tokens, 3);
		}
		cdx_index_doc_free(d);
	}
	cdx_index_prep_free(p);
	index_stemmer_free(stemmer);
}
END_TEST

/* Free documents on a thread of their own, as the writer does; every
 * other one has its terms dropped first, as once merged. */
struct free_job {
	struct cdx_index_doc **d;
	size_t n;
};

static void *free_thread(void *arg)
{
	struct free_job *j = arg;

	for (size_t i = 0; i < j->n; i++) {
		if (i % 2)
			index_doc_drop_terms(j->d[i]);
		cdx_index_doc_free(j->d[i]);
		j->d[i] = NULL;
	}
	return NULL;
}

static void free_elsewhere(struct cdx_index_doc **d, size_t n)
{
	struct free_job j = {d, n};
	pthread_t th;

	ck_assert_int_eq(pthread_create(&th, NULL, free_thread, &j), 0);
	pthread_join(th, NULL);
}

/* Blocks freed on another thread go back to the preparer, which frees
 * them at its next document (a large one at once); the documents it
 * prepares after that have the terms of index_terms(); documents freed
 * after their preparer still free everything. Leaks and use after free
 * are for ASan and valgrind to see. */
START_TEST(test_prepared_freed_elsewhere)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_prep *p = NULL;
	void *stemmer = index_stemmer_new();
	size_t big_len = (size_t)300 << 10;
	char *big = malloc(big_len + 1);
	const char *texts[] = {"", "a", "Ponies ran.", NULL,
	                       "ponies PONIES pony", "-- . --", NULL, "b c"};
	enum { N = sizeof texts / sizeof *texts };
	struct cdx_index_doc *d[N] = {NULL};
	char claimed[1024];
	struct cdx_claim c;
	struct cdx_claims cl;

	ck_assert_ptr_nonnull(stemmer);
	ck_assert_ptr_nonnull(big);
	/* a copy too large to wait for the preparer's next document */
	for (size_t i = 0; i < big_len; i++)
		big[i] = "copper tonnes "[i % 14];
	big[big_len] = '\0';
	texts[3] = big;
	ck_assert_int_eq(cdx_index_prep_new(&p, &err), CDX_OK);
	for (int round = 0; round < 4; round++) {
		char src[32];

		snprintf(src, sizeof src, "c%d.txt", round);
		gen_doc((unsigned)round, 5 + round * 30, src, claimed,
		        sizeof claimed, &c, &cl);
		texts[6] = claimed;
		for (size_t i = 0; i < N; i++) {
			struct cdx_doc doc = mkdoc(src, "T", NULL, texts[i]);

			ck_assert_int_eq(cdx_index_doc_prepare(
			                         p, &doc, i == 6 ? &cl : NULL,
			                         &d[i], &err),
			                 CDX_OK);
			assert_terms_as_pipeline(d[i], stemmer);
		}
		/* the last round's outlive the preparer */
		if (round == 3)
			cdx_index_prep_free(p);
		free_elsewhere(d, N);
	}
	free(big);
	index_stemmer_free(stemmer);
}
END_TEST

void index_add_prep_cases(Suite *s)
{
	TCase *tc = tcase_create("prepared documents");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_prepared_same_index);
	tcase_add_test(tc, test_prepare_refuses_bad_claim);
	tcase_add_test(tc, test_prepared_into_failed_batch);
	tcase_add_test(tc, test_prepared_map_grows);
	tcase_add_test(tc, test_stem_cache_overflow);
	tcase_add_test(tc, test_token_cache_same_terms);
	tcase_add_test(tc, test_token_cache_empty_and_wordless);
	tcase_add_test(tc, test_prepared_freed_elsewhere);
	suite_add_tcase(s, tc);
}
