/*
 * test_index_rank.c — the fast paths of a query (indexer/pack.c,
 * search.c, match.c) against slow references: a packed block decodes the
 * same whether its numbers are read eight at a time (room to read past
 * it) or one by one (the block ends the buffer), at every width and
 * length; an OR of words, ranked term at a time over windows of the
 * length table, gives each document the sum of its words' single-word
 * scores and the true top hits, with the right total, over more
 * documents than one length block holds and over several segments; and
 * an AND of words, intersected list to list, matches what a scan of the
 * texts finds, beside phrases, prefixes and NOTs in the same AND.
 */
#include <math.h>
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

/* ------------------------------------------------------------ unpack */

START_TEST(test_unpack_paths)
{
	uint8_t buf[1 + 4 * INDEX_PACK_BLOCK + 64];
	uint32_t v[INDEX_PACK_BLOCK], a[INDEX_PACK_BLOCK], b[INDEX_PACK_BLOCK];
	uint64_t s = 0x9e3779b97f4a7c15u;

	for (unsigned w = 0; w <= 32; w++)
		for (size_t k = 1; k <= INDEX_PACK_BLOCK; k++) {
			const uint8_t *p;
			size_t n;

			/* every value of width w (its top bit set, so the
			 * block takes that width, bytes >= 0x80 within), a
			 * few exceptions when there is room above it */
			for (size_t i = 0; i < k; i++) {
				uint64_t x = w ? ((uint64_t)rnd(&s) << 16 ^
				                  rnd(&s)) & ((1ull << w) - 1) : 0;

				v[i] = (uint32_t)(w ? x | 1ull << (w - 1) : 0);
			}
			if (w > 0 && w < 24 && k > 4)
				v[k / 2] = UINT32_MAX >> (rnd(&s) % 4);
			memset(buf, 0xa5, sizeof buf);
			n = index_pack_put(buf, v, k);
			/* one by one at the end of the buffer */
			p = buf;
			ck_assert_int_eq(index_pack_get(&p, buf + n, a, k), CDX_OK);
			ck_assert_ptr_eq(p, buf + n);
			/* eight at a time with bytes to spare after it */
			p = buf;
			ck_assert_int_eq(index_pack_get(&p, buf + sizeof buf, b,
			                                k), CDX_OK);
			ck_assert_ptr_eq(p, buf + n);
			ck_assert_msg(memcmp(a, v, k * sizeof *v) == 0 &&
			              memcmp(b, v, k * sizeof *v) == 0,
			              "width %u, %zu values", w, k);
			/* and every end in between */
			for (size_t end = n + 1; end < n + 12; end++) {
				p = buf;
				ck_assert_int_eq(index_pack_get(&p, buf + end, b,
				                                k), CDX_OK);
				ck_assert_int_eq(memcmp(b, v, k * sizeof *v), 0);
			}
		}
}
END_TEST

/* ------------------------------------------------------------ fixture */

/* More documents than one length-table block (INDEX_DLEN_BLOCK): an OR
 * ranks window by window. */
#define R_DOCS (INDEX_DLEN_BLOCK + 700)
#define R_WORDS 8
#define R_LEN 12

static const char *const rvocab[R_WORDS] = {
	"alpha", "bravo", "brave", "charlie", "delta", "echo", "foxtrot",
	"golf",
};

struct rfix {
	struct tmp t;
	struct cdx_index *ix;
	unsigned char (*w)[R_LEN]; /* word indexes of each doc */
	unsigned char *n;          /* words in each doc */
	uint64_t *id;              /* doc id of each doc */
};

/* Words with skewed frequencies: "alpha" in most documents, "golf" in
 * few; lengths 1..R_LEN, so documents differ in length code. */
static void rfix_make(struct rfix *f)
{
	struct cdx_index_writer *wr;
	struct cdx_error err = CDX_ERROR_INIT;
	uint64_t s = 271828;
	char text[R_LEN * 10 + 16], src[32];

	f->w = calloc(R_DOCS, sizeof *f->w);
	f->n = calloc(R_DOCS, 1);
	f->id = calloc(R_DOCS, sizeof *f->id);
	ck_assert(f->w && f->n && f->id);
	tmp_make(&f->t);
	f->ix = open_ix(f->t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(cdx_index_writer_begin(&wr, f->ix, &err), CDX_OK);
	for (size_t d = 0; d < R_DOCS; d++) {
		size_t o;
		struct cdx_doc doc;

		/* a word of its own: no two texts alike (a text seen
		 * before is not added again) */
		o = (size_t)sprintf(text, "u%zu", d);
		f->n[d] = (unsigned char)(1 + rnd(&s) % R_LEN);
		for (size_t i = 0; i < f->n[d]; i++) {
			uint32_t r = rnd(&s) % 128;
			unsigned x = 0;

			/* word x with odds 2^-(x+1) */
			while (x + 1 < R_WORDS && r < 64u >> x)
				x++;
			f->w[d][i] = (unsigned char)x;
			o += (size_t)sprintf(text + o, " %s",
			                     rvocab[f->w[d][i]]);
		}
		snprintf(src, sizeof src, "r%zu.txt", d);
		doc = mkdoc(src, NULL, NULL, text);
		/* the last documents a batch each: several segments */
		if (d + 3 < R_DOCS) {
			ck_assert_int_eq(cdx_index_writer_add(wr, &doc, NULL,
			                 NULL, &f->id[d], &err), CDX_OK);
			if (d + 4 == R_DOCS)
				ck_assert_int_eq(cdx_index_writer_commit(wr,
				                 &err), CDX_OK);
		} else {
			ck_assert_int_eq(add1(f->ix, &doc, NULL, &f->id[d]),
			                 CDX_ADD_NEW);
		}
	}
}

static void rfix_free(struct rfix *f)
{
	cdx_index_close(f->ix);
	tmp_remove(&f->t);
	free(f->w);
	free(f->n);
	free(f->id);
}

static int rhas(const struct rfix *f, size_t d, unsigned word)
{
	for (size_t i = 0; i < f->n[d]; i++)
		if (f->w[d][i] == word)
			return 1;
	return 0;
}

static struct cdx_search_results rsearch(const struct rfix *f,
                                         const char *q, size_t limit)
{
	struct cdx_search_options o = CDX_SEARCH_OPTIONS_INIT;
	struct cdx_search_results r;
	struct cdx_error err = CDX_ERROR_INIT;

	o.limit = limit;
	o.no_snippets = 1;
	ck_assert_msg(cdx_index_search_opts(f->ix, q, &o, &r, &err) == CDX_OK,
	              "%s: %s", q, err.msg);
	return r;
}

/* Position of doc id @p id in the fixture (ids ascend with d). */
static size_t rdoc(const struct rfix *f, uint64_t id)
{
	size_t lo = 0, hi = R_DOCS;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	ck_assert_uint_lt(lo, R_DOCS);
	ck_assert_uint_eq(f->id[lo], id);
	return lo;
}

/* An OR of @p words: each hit's score is the sum of its words' single
 * word scores, hits are best first (ties: older first), no document
 * left out beats the last hit, and the total is the union. */
static void check_or(const struct rfix *f, const unsigned *words, size_t k,
                     size_t limit)
{
	double *want = calloc(R_DOCS, sizeof *want);
	unsigned char *in = calloc(R_DOCS, 1);
	struct cdx_search_results r;
	char q[256];
	size_t o = 0;
	uint64_t total = 0;

	ck_assert(want && in);
	for (size_t i = 0; i < k; i++) {
		r = rsearch(f, rvocab[words[i]], R_DOCS);
		for (size_t h = 0; h < r.n; h++)
			want[rdoc(f, r.v[h].doc_id)] += r.v[h].score;
		cdx_search_results_release(&r);
		o += (size_t)snprintf(q + o, sizeof q - o, "%s%s",
		                      i ? " OR " : "", rvocab[words[i]]);
	}
	for (size_t d = 0; d < R_DOCS; d++)
		for (size_t i = 0; i < k; i++)
			if (rhas(f, d, words[i])) {
				total++;
				break;
			}
	r = rsearch(f, q, limit);
	ck_assert_msg(r.total == total, "%s: total %llu, want %llu", q,
	              (unsigned long long)r.total, (unsigned long long)total);
	ck_assert_uint_eq(r.n, limit < total ? limit : total);
	for (size_t h = 0; h < r.n; h++) {
		size_t d = rdoc(f, r.v[h].doc_id);

		ck_assert_msg(fabs(r.v[h].score - want[d]) < 1e-9, "%s: doc "
		              "%zu scores %.12f, want %.12f", q, d, r.v[h].score,
		              want[d]);
		in[d] = 1;
		if (h > 0)
			ck_assert(r.v[h - 1].score > r.v[h].score ||
			          (r.v[h - 1].score == r.v[h].score &&
			           r.v[h - 1].doc_id < r.v[h].doc_id));
	}
	for (size_t d = 0; r.n > 0 && d < R_DOCS; d++)
		if (!in[d])
			ck_assert_msg(want[d] <= r.v[r.n - 1].score + 1e-9,
			              "%s: doc %zu (%.12f) left out", q, d,
			              want[d]);
	cdx_search_results_release(&r);
	free(want);
	free(in);
}

START_TEST(test_or_ranks_sums)
{
	static const unsigned ors[][3] = {
		{0, 7, 0}, {6, 7, 0}, {1, 3, 5}, {0, 1, 2},
	};
	static const size_t n_words[] = {2, 2, 3, 3};
	struct rfix f;

	rfix_make(&f);
	for (size_t i = 0; i < sizeof ors / sizeof ors[0]; i++) {
		check_or(&f, ors[i], n_words[i], 10);
		check_or(&f, ors[i], n_words[i], 1);
		check_or(&f, ors[i], n_words[i], 400);
	}
	/* a prefix is an OR of its words */
	{
		struct cdx_search_results a = rsearch(&f, "bra*", 50);
		struct cdx_search_results b = rsearch(&f, "bravo OR brave", 50);

		ck_assert_uint_eq(a.total, b.total);
		ck_assert_uint_eq(a.n, b.n);
		for (size_t h = 0; h < a.n; h++) {
			ck_assert_uint_eq(a.v[h].doc_id, b.v[h].doc_id);
			ck_assert(fabs(a.v[h].score - b.v[h].score) < 1e-12);
		}
		cdx_search_results_release(&a);
		cdx_search_results_release(&b);
	}
	/* snippets mark the words of every term, and only those: the
	 * terms looked up by hash */
	{
		struct cdx_search_results r;
		struct cdx_error err = CDX_ERROR_INIT;

		ck_assert_int_eq(cdx_index_search(f.ix, "bra* OR golf OR u7",
		                                  20, &r, &err), CDX_OK);
		ck_assert_uint_eq(r.n, 20);
		for (size_t h = 0; h < r.n; h++) {
			const char *p = r.v[h].snippet;
			int marks = 0;

			ck_assert_ptr_nonnull(p);
			while ((p = strchr(p, '[')) != NULL) {
				const char *e = strchr(p, ']');

				ck_assert_ptr_nonnull(e);
				ck_assert_msg((e - p == 6 && !strncmp(p, "[bravo", 6)) ||
				              (e - p == 6 && !strncmp(p, "[brave", 6)) ||
				              (e - p == 5 && !strncmp(p, "[golf", 5)) ||
				              (e - p == 3 && !strncmp(p, "[u7", 3)),
				              "snippet '%s'", r.v[h].snippet);
				marks++;
				p = e;
			}
			ck_assert_int_gt(marks, 0);
		}
		cdx_search_results_release(&r);
	}
	rfix_free(&f);
}
END_TEST

/* ------------------------------------------------------------ and */

START_TEST(test_and_words)
{
	static const char *const queries[] = {
		"alpha golf", "golf alpha bravo", "alpha bravo charlie delta",
		"golf \"alpha alpha\"", "alpha brav* -golf", "echo NOT alpha",
		"foxtrot golf golf", "alpha (golf OR foxtrot)",
		/* a prefix one of whose words the AND has already */
		"golf gol*", "gol* golf delta",
	};
	struct rfix f;

	rfix_make(&f);
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		uint64_t want = 0;

		for (size_t d = 0; d < R_DOCS; d++) {
			int ok;

			switch (i) {
			case 0: ok = rhas(&f, d, 0) && rhas(&f, d, 7); break;
			case 1: ok = rhas(&f, d, 7) && rhas(&f, d, 0) &&
			             rhas(&f, d, 1); break;
			case 2: ok = rhas(&f, d, 0) && rhas(&f, d, 1) &&
			             rhas(&f, d, 3) && rhas(&f, d, 4); break;
			case 3: {
				int pair = 0;

				for (size_t j = 0; j + 1 < f.n[d]; j++)
					pair |= f.w[d][j] == 0 &&
					        f.w[d][j + 1] == 0;
				ok = rhas(&f, d, 7) && pair;
				break;
			}
			case 4: ok = rhas(&f, d, 0) && (rhas(&f, d, 1) ||
			             rhas(&f, d, 2)) && !rhas(&f, d, 7); break;
			case 5: ok = rhas(&f, d, 5) && !rhas(&f, d, 0); break;
			case 6: ok = rhas(&f, d, 6) && rhas(&f, d, 7); break;
			case 7: ok = rhas(&f, d, 0) && (rhas(&f, d, 7) ||
			             rhas(&f, d, 6)); break;
			case 8: ok = rhas(&f, d, 7); break;
			default: ok = rhas(&f, d, 7) && rhas(&f, d, 4); break;
			}
			want += (uint64_t)ok;
		}
		ck_assert_uint_gt(want, 0); /* the case is not empty */
		ck_assert_msg(hits_for(f.ix, queries[i]) == want,
		              "%s: %llu hits, want %llu", queries[i],
		              (unsigned long long)hits_for(f.ix, queries[i]),
		              (unsigned long long)want);
	}
	rfix_free(&f);
}
END_TEST

void index_add_rank_cases(Suite *s)
{
	TCase *tc = tcase_create("query fast paths");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_unpack_paths);
	tcase_add_test(tc, test_or_ranks_sums);
	tcase_add_test(tc, test_and_words);
	suite_add_tcase(s, tc);
}
