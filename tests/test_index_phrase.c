/*
 * test_index_phrase.c — phrases read positions only for the documents
 * still in the running (indexer/match.c, postings.c, pack.c): a packed
 * block is stepped over exactly as far as decoding it goes; decoding an
 * entry for a chosen set of documents gives those documents of the full
 * decode, whichever blocks their positions fall in; and phrase search
 * over many segments agrees with a brute-force scan of the texts, for
 * phrases whose rare word comes first, last or twice, over documents
 * whose common words' positions span several blocks.
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

START_TEST(test_pack_skip)
{
	uint8_t buf[1 + 4 * INDEX_PACK_BLOCK + 8];
	uint32_t v[INDEX_PACK_BLOCK];
	uint64_t s = 77;

	for (size_t k = 1; k <= INDEX_PACK_BLOCK; k++)
		for (unsigned shape = 0; shape < 4; shape++) {
			const uint8_t *p = buf;
			size_t n;

			for (size_t i = 0; i < k; i++)
				v[i] = shape == 0 ? 0 : rnd(&s) % (shape * 5);
			if (shape >= 2)
				v[k / 3] = rnd(&s) | 1u << 30; /* exception */
			if (shape == 3)
				v[k - 1] = UINT32_MAX;
			n = index_pack_put(buf, v, k);
			ck_assert_int_eq(index_pack_skip(&p, buf + n, k), CDX_OK);
			ck_assert_ptr_eq(p, buf + n);
			/* a block cut short cannot be stepped over */
			for (size_t cut = 0; cut < n; cut++) {
				p = buf;
				ck_assert_int_eq(index_pack_skip(&p, buf + cut, k),
				                 CDX_ERR_CORRUPT);
			}
		}
}
END_TEST

/* Decoding @p b for @p want gives exactly the postings of @p full (the
 * entry decoded whole) whose docs are in want. */
static void assert_sel(const struct cdx_buf *b, uint64_t base,
                       const struct index_plist *full, const uint64_t *want,
                       size_t n_want, const struct index_plist *known)
{
	struct index_plist got = {0};
	size_t j = 0, w = 0;

	ck_assert_int_eq(index_plist_decode_sel((const uint8_t *)b->ptr, b->len,
	                                        base, want, n_want, known,
	                                        &got),
	                 CDX_OK);
	for (size_t i = 0; i < full->n; i++) {
		const struct index_posting *f = &full->v[i], *g;

		while (w < n_want && want[w] < f->doc)
			w++;
		if (w == n_want || want[w] != f->doc)
			continue;
		ck_assert_uint_lt(j, got.n);
		g = &got.v[j++];
		ck_assert_uint_eq(g->doc, f->doc);
		ck_assert_uint_eq(g->tf, f->tf);
		ck_assert_int_eq(memcmp(got.pos + g->off, full->pos + f->off,
		                        f->tf * sizeof *full->pos), 0);
	}
	ck_assert_uint_eq(j, got.n);
	index_plist_release(&got);
}

START_TEST(test_entry_select)
{
	static const struct {
		size_t n;
		uint32_t tf_mod;
	} shapes[] = {
		{1, 1}, {3, 2}, {7, 1}, {8, 3}, {40, 1}, {200, 1},
		{300, 9}, {90, 300}, /* a doc's positions span blocks */
	};
	uint64_t s = 0x51ed2701;

	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		struct index_plist l = {0}, full = {0}, known = {0};
		struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
		uint64_t *want = calloc(shapes[i].n * 2 + 2, sizeof *want);
		uint64_t doc = 10;
		uint32_t *pos = calloc(400, sizeof *pos);

		ck_assert_ptr_nonnull(want);
		ck_assert_ptr_nonnull(pos);
		for (size_t d = 0; d < shapes[i].n; d++) {
			uint32_t tf = 1 + rnd(&s) % shapes[i].tf_mod, at = 0;

			for (uint32_t j = 0; j < tf; j++)
				pos[j] = at += 1 + rnd(&s) % 9;
			ck_assert_int_eq(index_plist_add(&l, doc, tf, pos),
			                 CDX_OK);
			doc += 1 + rnd(&s) % 4;
		}
		ck_assert_int_eq(index_plist_encode(&l, 10, &b), CDX_OK);
		ck_assert_int_eq(index_plist_decode((const uint8_t *)b.ptr,
		                                    b.len, 10, 1, &full), CDX_OK);
		index_plist_clear(&known);
		ck_assert_int_eq(index_plist_add(&known, 3, 2, NULL), CDX_OK);
		ck_assert_int_eq(index_plist_decode((const uint8_t *)b.ptr,
		                                    b.len, 10, 1, &known),
		                 CDX_OK);
		/* every doc; none; the last only; every third; a random
		 * half with docs the entry lacks in between */
		for (unsigned mode = 0; mode < 5; mode++) {
			size_t n = 0;

			for (size_t d = 0; d < full.n; d++) {
				uint64_t id = full.v[d].doc;

				if (mode == 0 || (mode == 2 && d + 1 == full.n) ||
				    (mode == 3 && d % 3 == 1))
					want[n++] = id;
				if (mode == 4 && rnd(&s) % 2)
					want[n++] = id;
				if (mode == 4 && rnd(&s) % 3 == 0)
					want[n++] = id + 1;
			}
			/* id + 1 may be the next doc: keep want strictly
			 * ascending */
			if (mode == 4) {
				size_t k = 0;

				for (size_t x = 0; x < n; x++)
					if (k == 0 || want[k - 1] < want[x])
						want[k++] = want[x];
				n = k;
			}
			assert_sel(&b, 10, &full, want, n, NULL);
			/* the doc part stepped over, its docs taken from
			 * the list ranking read (here after a doc of an
			 * earlier segment) */
			assert_sel(&b, 10, &known, want, n, &known);
		}
		free(pos);
		free(want);
		cdx_buf_release(&b);
		index_plist_release(&l);
		index_plist_release(&full);
		index_plist_release(&known);
	}
}
END_TEST

START_TEST(test_entry_select_damage)
{
	struct index_plist l = {0}, got = {0};
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	uint32_t pos[200];
	uint64_t want[3] = {5, 50, 90}, s = 9;

	for (uint64_t d = 1; d <= 100; d++) {
		uint32_t tf = 1 + rnd(&s) % 150, at = 0;

		for (uint32_t j = 0; j < tf; j++)
			pos[j] = at += 1 + rnd(&s) % 5;
		ck_assert_int_eq(index_plist_add(&l, d, tf, pos), CDX_OK);
	}
	ck_assert_int_eq(index_plist_encode(&l, 1, &b), CDX_OK);
	/* each cut in a buffer of its own length, so ASan sees a read
	 * past it; a cut past the last wanted position may go unseen */
	for (size_t cut = 0; cut < b.len; cut++) {
		uint8_t *p = malloc(cut > 0 ? cut : 1);
		int rc;

		ck_assert_ptr_nonnull(p);
		memcpy(p, b.ptr, cut);
		index_plist_clear(&got);
		rc = index_plist_decode_sel(p, cut, 1, want, 3, NULL, &got);
		ck_assert(rc == CDX_OK || rc == CDX_ERR_CORRUPT);
		index_plist_clear(&got);
		rc = index_plist_decode_sel(p, cut, 1, want, 3, &l, &got);
		ck_assert(rc == CDX_OK || rc == CDX_ERR_CORRUPT);
		free(p);
	}
	/* cut before doc 90's positions end: damaged */
	index_plist_clear(&got);
	ck_assert_int_eq(index_plist_decode_sel((const uint8_t *)b.ptr,
	                                        b.len / 2, 1, want, 3, NULL,
	                                        &got),
	                 CDX_ERR_CORRUPT);
	index_plist_clear(&got);
	ck_assert_int_eq(index_plist_decode_sel((const uint8_t *)b.ptr,
	                                        b.len / 2, 1, want, 3, &l, &got),
	                 CDX_ERR_CORRUPT);
	/* a known list that is not the entry's: damage, not a misread */
	index_plist_clear(&got);
	l.v[0].doc = 2;
	ck_assert_int_eq(index_plist_decode_sel((const uint8_t *)b.ptr, b.len,
	                                        1, want, 3, &l, &got),
	                 CDX_ERR_CORRUPT);
	cdx_buf_release(&b);
	index_plist_release(&l);
	index_plist_release(&got);
}
END_TEST

/* ------------------------------------------------------------ search */

#define N_DOCS 48
#define MAX_WORDS 700

static const char *const vocab[] = {"the", "of", "cat", "dog", "zebra"};

/* Word indexes of each document: "the" about half of all words, so its
 * positions in a document span several packed blocks. */
static size_t gen_doc(uint64_t *s, unsigned *w)
{
	size_t n = 20 + rnd(s) % (MAX_WORDS - 20);

	for (size_t i = 0; i < n; i++) {
		uint32_t r = rnd(s) % 100;

		w[i] = r < 50 ? 0 : r < 72 ? 1 : r < 86 ? 2 : r < 96 ? 3 : 4;
	}
	return n;
}

static int has_phrase(const unsigned *w, size_t n, const unsigned *p,
                      size_t k)
{
	for (size_t i = 0; i + k <= n; i++) {
		size_t j = 0;

		while (j < k && w[i + j] == p[j])
			j++;
		if (j == k)
			return 1;
	}
	return 0;
}

START_TEST(test_phrase_search)
{
	static const char *const phrases[] = {
		"the zebra", "zebra the", "the the zebra", "zebra of the",
		"cat dog zebra", "the of the", "zebra zebra", "the the the the",
		"of the cat dog the", "dog",
	};
	struct tmp t;
	struct cdx_index *ix;
	struct cdx_index_writer *wr;
	struct cdx_error err = CDX_ERROR_INIT;
	unsigned (*words)[MAX_WORDS] = calloc(N_DOCS, sizeof *words);
	size_t *nw = calloc(N_DOCS, sizeof *nw);
	char *text = malloc(MAX_WORDS * 8);
	uint64_t s = 4242;

	ck_assert_ptr_nonnull(words);
	ck_assert_ptr_nonnull(nw);
	ck_assert_ptr_nonnull(text);
	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	/* half in one batch (one segment), half a batch each: a phrase
	 * reads every segment */
	ck_assert_int_eq(cdx_index_writer_begin(&wr, ix, &err), CDX_OK);
	for (size_t d = 0; d < N_DOCS; d++) {
		char src[32];
		size_t o = 0;
		struct cdx_doc doc;

		nw[d] = gen_doc(&s, words[d]);
		for (size_t i = 0; i < nw[d]; i++)
			o += (size_t)sprintf(text + o, "%s%s", i ? " " : "",
			                     vocab[words[d][i]]);
		snprintf(src, sizeof src, "doc%zu.txt", d);
		doc = mkdoc(src, NULL, NULL, text);
		if (d < N_DOCS / 2) {
			ck_assert_int_eq(cdx_index_writer_add(wr, &doc, NULL,
			                 NULL, NULL, &err), CDX_OK);
			if (d + 1 == N_DOCS / 2)
				ck_assert_int_eq(cdx_index_writer_commit(wr,
				                 &err), CDX_OK);
		} else {
			ck_assert_int_eq(add1(ix, &doc, NULL, NULL),
			                 CDX_ADD_NEW);
		}
	}
	for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++) {
		unsigned p[8];
		size_t k = 0;
		uint64_t want = 0;
		char q[96], *tok, *save = NULL, copy[64];

		snprintf(copy, sizeof copy, "%s", phrases[i]);
		for (tok = strtok_r(copy, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save))
			for (unsigned v = 0; v < 5; v++)
				if (strcmp(tok, vocab[v]) == 0)
					p[k++] = v;
		for (size_t d = 0; d < N_DOCS; d++)
			want += (uint64_t)has_phrase(words[d], nw[d], p, k);
		snprintf(q, sizeof q, "\"%s\"", phrases[i]);
		ck_assert_msg(hits_for(ix, q) == want, "%s: %llu hits, want %llu",
		              q, (unsigned long long)hits_for(ix, q),
		              (unsigned long long)want);
	}
	cdx_index_close(ix);
	tmp_remove(&t);
	free(text);
	free(nw);
	free(words);
}
END_TEST

void index_add_phrase_cases(Suite *s)
{
	TCase *tc = tcase_create("phrase positions");

	tcase_add_test(tc, test_pack_skip);
	tcase_add_test(tc, test_entry_select);
	tcase_add_test(tc, test_entry_select_damage);
	tcase_add_test(tc, test_phrase_search);
	suite_add_tcase(s, tc);
}
