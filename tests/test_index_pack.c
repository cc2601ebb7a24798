/*
 * test_index_pack.c — the fast paths of the prepare side write what the
 * plain definitions write: a packed block is byte for byte the block of
 * the packer as first written (width chosen over every length, bits put
 * a byte at a time, exceptions found by a second pass), for every size
 * 1..128 and value shape; and the byte-wise (ISO-8859-1) English stemmer
 * that ASCII words now go through gives the UTF-8 stemmer's stems; the
 * stored hash (index_hash64) is pinned and sees every byte and length.
 */
#include <libstemmer.h>
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

/* ---- the packer as first written ------------------------------------ */

static unsigned ref_bits(uint32_t v)
{
	unsigned n = 0;

	while (v) {
		n++;
		v >>= 1;
	}
	return n;
}

static size_t ref_size(size_t k, unsigned b, size_t nex, unsigned hb)
{
	size_t size = 1 + (k * b + 7) / 8;

	return nex ? size + 2 + (nex * (7 + hb) + 7) / 8 : size;
}

struct ref_w {
	uint8_t *o;
	uint64_t acc;
	unsigned have;
};

static void ref_put(struct ref_w *w, uint64_t v, unsigned n)
{
	w->acc |= v << w->have;
	w->have += n;
	while (w->have >= 8) {
		*w->o++ = (uint8_t)w->acc;
		w->acc >>= 8;
		w->have -= 8;
	}
}

static void ref_flush(struct ref_w *w)
{
	if (w->have > 0)
		*w->o++ = (uint8_t)w->acc;
	w->acc = 0;
	w->have = 0;
}

static size_t ref_pack(uint8_t *o, const uint32_t *v, size_t k)
{
	unsigned lo = 32, hi = 0, best = 0, hb = 0;
	size_t best_size = SIZE_MAX, nex = 0;
	struct ref_w w = {o + 1, 0, 0};

	for (size_t i = 0; i < k; i++) {
		lo = ref_bits(v[i]) < lo ? ref_bits(v[i]) : lo;
		hi = ref_bits(v[i]) > hi ? ref_bits(v[i]) : hi;
	}
	for (unsigned b = hi + 1; b-- > lo;) {
		size_t n = 0, size;

		for (size_t i = 0; i < k; i++)
			n += ref_bits(v[i]) > b;
		size = ref_size(k, b, n, hi - b);
		if (size < best_size) {
			best_size = size;
			best = b;
		}
	}
	for (size_t i = 0; i < k; i++) {
		uint32_t rest = (uint32_t)((uint64_t)v[i] >> best);

		ref_put(&w, v[i] & (((uint64_t)1 << best) - 1), best);
		if (rest) {
			nex++;
			hb = ref_bits(rest) > hb ? ref_bits(rest) : hb;
		}
	}
	ref_flush(&w);
	*o = (uint8_t)(best | (nex ? 0x40 : 0));
	if (nex) {
		*w.o++ = (uint8_t)nex;
		*w.o++ = (uint8_t)hb;
		for (size_t i = 0; i < k; i++) {
			uint32_t rest = (uint32_t)((uint64_t)v[i] >> best);

			if (rest) {
				ref_put(&w, i, 7);
				ref_put(&w, rest, hb);
			}
		}
		ref_flush(&w);
	}
	return (size_t)(w.o - o);
}

/* A value of @p shape: up to 4 * shape bits (shape 7: any 32), now and
 * then a wide outlier. */
static uint32_t value(unsigned shape, uint64_t *s)
{
	unsigned bits = shape == 7 ? 32 : rnd(s) % (shape * 4 + 1);
	uint32_t x = rnd(s) ^ rnd(s) << 16;

	if (shape > 0 && rnd(s) % 23 == 0)
		return x >> rnd(s) % 8;
	return bits >= 32 ? x : x & ((1u << bits) - 1);
}

START_TEST(pack_equals_first_packer)
{
	uint8_t got[INDEX_PACK_BLOCK * 8 + 16], want[sizeof got];
	uint32_t v[INDEX_PACK_BLOCK], back[INDEX_PACK_BLOCK];
	uint64_t s = 3;

	for (size_t k = 1; k <= INDEX_PACK_BLOCK; k++)
		for (unsigned shape = 0; shape < 8; shape++)
			for (unsigned rep = 0; rep < 6; rep++) {
				const uint8_t *p = got;
				size_t n, m;

				for (size_t i = 0; i < k; i++)
					v[i] = value(shape, &s);
				memset(got, 0xaa, sizeof got);
				memset(want, 0xaa, sizeof want);
				n = index_pack_put(got, v, k);
				m = ref_pack(want, v, k);
				ck_assert_uint_eq(n, m);
				ck_assert_mem_eq(got, want, sizeof got);
				ck_assert_uint_eq(index_pack_size(v, k), n);
				ck_assert_int_eq(
					index_pack_get(&p, got + n, back, k),
					CDX_OK);
				ck_assert_mem_eq(back, v, k * sizeof *v);
			}
}
END_TEST

/* ---- stems ---------------------------------------------------------- */

/* Both stemmers agree on @p w; @return 1. */
static int same_stem(struct sb_stemmer *a, struct sb_stemmer *u,
                     const char *w, size_t n)
{
	const sb_symbol *x = sb_stemmer_stem(a, (const sb_symbol *)w, (int)n);
	char sa[128];
	size_t la = (size_t)sb_stemmer_length(a);
	const sb_symbol *y;

	ck_assert_ptr_nonnull(x);
	memcpy(sa, x, la);
	y = sb_stemmer_stem(u, (const sb_symbol *)w, (int)n);
	ck_assert_ptr_nonnull(y);
	ck_assert_uint_eq(la, (size_t)sb_stemmer_length(u));
	ck_assert_mem_eq(sa, y, la);
	return 1;
}

START_TEST(ascii_stems_match_utf8_stemmer)
{
	static const char *const stems[] = {
		"nation", "relat", "happ", "run", "gener", "sky", "agree",
		"condition", "hop", "fil", "cri", "dy", "a", "ing", "y", "eed",
		"ational", "tional", "enci", "anci", "izer", "abli", "alli",
	};
	static const char *const ends[] = {
		"", "s", "es", "ed", "ing", "ly", "ness", "ful", "ational",
		"ization", "iveness", "ement", "ment", "ent", "ies", "ied",
		"ss", "us", "eed", "eedly", "ingly", "edly", "li", "e", "'s",
		"s'", "ion", "ator", "alism", "iviti", "biliti", "fulness",
	};
	struct sb_stemmer *a = sb_stemmer_new("english", "ISO_8859_1");
	struct sb_stemmer *u = sb_stemmer_new("english", NULL);
	char w[64], t1[INDEX_TERM_MAX + 1], t2[INDEX_TERM_MAX + 1];
	void *st = index_stemmer_new();
	uint64_t s = 17;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(u);
	ck_assert_ptr_nonnull(st);
	for (size_t i = 0; i < sizeof stems / sizeof *stems; i++)
		for (size_t j = 0; j < sizeof ends / sizeof *ends; j++) {
			int n = snprintf(w, sizeof w, "%s%s", stems[i],
			                 ends[j]);

			same_stem(a, u, w, (size_t)n);
		}
	/* random letter strings, vowels and y's dense */
	for (unsigned rep = 0; rep < 20000; rep++) {
		size_t n = 3 + rnd(&s) % 12;

		for (size_t i = 0; i < n; i++)
			w[i] = "aeiouybcdlnrstgy'"[rnd(&s) % 17];
		same_stem(a, u, w, n);
	}
	/* the term pipeline: an ASCII word and the same word in a
	 * non-ASCII spelling that folds to it get one term */
	ck_assert_uint_eq(index_term_of("generalization", 14, st, t1),
	                  index_term_of("g\xc3\xa9n\xc3\xa9ralization", 16,
	                                st, t2));
	ck_assert_str_eq(t1, t2);
	ck_assert_str_eq(t1, "general");
	index_stemmer_free(st);
	sb_stemmer_delete(a);
	sb_stemmer_delete(u);
}
END_TEST

/* ---- the stored hash ----------------------------------------------- */

START_TEST(hash64_every_byte_counts)
{
	uint8_t b[80];
	uint64_t h[81], s = 23;

	/* pinned: a change here changes every index's source and content
	 * keys, so it must come with a CDX_INDEX_SCHEMA bump */
	ck_assert_uint_eq(index_hash64("", 0), 0xa91e56d436953e06ULL);
	ck_assert_uint_eq(index_hash64("bbc-news/business/001.txt", 25),
	                  0x71f983ac3d4b447eULL);
	/* trailing zeros are not padding: every length differs */
	memset(b, 0, sizeof b);
	for (size_t n = 0; n <= sizeof b; n++) {
		h[n] = index_hash64(b, n);
		for (size_t m = 0; m < n; m++)
			ck_assert_uint_ne(h[n], h[m]);
	}
	/* one flipped bit anywhere, in every length's tail */
	for (size_t n = 1; n <= 40; n++)
		for (size_t at = 0; at < n; at++) {
			uint64_t a, c;

			for (size_t i = 0; i < n; i++)
				b[i] = (uint8_t)rnd(&s);
			a = index_hash64(b, n);
			b[at] ^= (uint8_t)(1u << rnd(&s) % 8);
			c = index_hash64(b, n);
			ck_assert_uint_ne(a, c);
		}
}
END_TEST

void index_add_pack_cases(Suite *s)
{
	TCase *tc = tcase_create("prepare-side fast paths");

	tcase_add_test(tc, pack_equals_first_packer);
	tcase_add_test(tc, ascii_stems_match_utf8_stemmer);
	tcase_add_test(tc, hash64_every_byte_counts);
	suite_add_tcase(s, tc);
}
