/*
 * test_index_postings.c — posting entries (indexer/postings.c) and the
 * bit-packed blocks they are made of (indexer/pack.c): every shape of
 * list round-trips (one doc, a few kept as varints, long packed ones,
 * gaps too wide to pack, removed postings, a segment base), common
 * words cost a fraction of a byte a document, and damage at any byte is
 * CDX_ERR_CORRUPT (or a harmless decode), never a read past the end or
 * an allocation the entry's size cannot justify.
 */
#include <stdlib.h>
#include <string.h>

#include "index_int.h"
#include "test_index.h"

/* A small deterministic generator (xorshift), so failures repeat. */
static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 16);
}

static void pack_round_trip(const uint32_t *v, size_t k)
{
	uint8_t buf[1 + 4 * INDEX_PACK_BLOCK + 8];
	uint32_t back[INDEX_PACK_BLOCK];
	const uint8_t *p = buf;
	size_t n;

	memset(buf, 0xee, sizeof buf);
	n = index_pack_put(buf, v, k);
	ck_assert_uint_eq(n, index_pack_size(v, k));
	ck_assert_uint_le(n, 1 + 4 * k);
	ck_assert_int_eq(index_pack_get(&p, buf + n, back, k), CDX_OK);
	ck_assert_ptr_eq(p, buf + n);
	ck_assert_int_eq(memcmp(v, back, k * sizeof *v), 0);
	/* every shorter input is damaged */
	for (size_t cut = 0; cut < n; cut++) {
		p = buf;
		ck_assert_int_eq(index_pack_get(&p, buf + cut, back, k),
		                 CDX_ERR_CORRUPT);
	}
}

START_TEST(test_pack_blocks)
{
	uint32_t v[INDEX_PACK_BLOCK];
	uint64_t s = 88172645463325252u;

	for (size_t k = 1; k <= INDEX_PACK_BLOCK; k++) {
		memset(v, 0, sizeof v);
		pack_round_trip(v, k); /* all zero: a header byte only */
		for (size_t i = 0; i < k; i++)
			v[i] = rnd(&s) % 7;
		pack_round_trip(v, k);
		v[k / 2] = UINT32_MAX; /* one exception of 32 bits */
		pack_round_trip(v, k);
		for (size_t i = 0; i < k; i++)
			v[i] = rnd(&s) >> (rnd(&s) % 32);
		pack_round_trip(v, k);
		for (size_t i = 0; i < k; i++)
			v[i] = UINT32_MAX - (uint32_t)i;
		pack_round_trip(v, k);
	}
}
END_TEST

START_TEST(test_pack_width)
{
	uint32_t v[INDEX_PACK_BLOCK];

	/* 127 numbers of 3 bits and one of 20: 3 bits each plus one
	 * exception, not 20 bits each */
	for (size_t i = 0; i < INDEX_PACK_BLOCK; i++)
		v[i] = (uint32_t)(i % 8);
	v[5] = 1u << 19;
	ck_assert_uint_le(index_pack_size(v, INDEX_PACK_BLOCK), 1 + 48 + 6);
	pack_round_trip(v, INDEX_PACK_BLOCK);
}
END_TEST

/* Exceptions are packed: 7 bits of index and hb bits of rest each. */
START_TEST(test_pack_exceptions)
{
	/* b 1, values 1 and 0; one exception: index 1, rest 3 (hb 2):
	 * 0 | 3 << 1 */
	static const uint8_t one[] = {0x41, 0x01, 1, 2, 0x81, 0x01};
	uint32_t v[INDEX_PACK_BLOCK];
	const uint8_t *p = one;

	ck_assert_int_eq(index_pack_get(&p, one + sizeof one, v, 2), CDX_OK);
	ck_assert_ptr_eq(p, one + sizeof one);
	ck_assert(v[0] == 1 && v[1] == 6);
	/* 118 numbers of 2 bits and 10 of 5: 2 bits each, then 10
	 * exceptions of 7 + 3 bits (an index byte and a varint each took
	 * 20 bytes) */
	for (size_t i = 0; i < INDEX_PACK_BLOCK; i++)
		v[i] = i % 13 == 0 ? 16 + (uint32_t)i % 16 : (uint32_t)i % 4;
	ck_assert_uint_eq(index_pack_size(v, INDEX_PACK_BLOCK),
	                  1 + 32 + 2 + 13);
	pack_round_trip(v, INDEX_PACK_BLOCK);
}
END_TEST

START_TEST(test_pack_bad_header)
{
	static const uint8_t wide[] = {33, 0, 0, 0, 0, 0};
	static const uint8_t high[] = {0x81, 0};
	/* exception index 9 in a block of 2 */
	static const uint8_t exc_index[] = {0x41, 0, 1, 1, 0x89};
	static const uint8_t exc_zero[] = {0x41, 0, 0};     /* flagged, none */
	static const uint8_t exc_nobits[] = {0x41, 0, 1, 0, 0}; /* hb 0 */
	static const uint8_t exc_norest[] = {0x41, 0, 1, 1, 0x00};
	static const uint8_t exc_twice[] = {0x41, 0, 2, 1, 0x80, 0x80};
	static const uint8_t exc_short[] = {0x41, 0, 2, 4, 0x80};
	/* 31 bits + an exception of 2 more: past 32 */
	static const uint8_t exc_big[] = {0x5f, 0, 0, 0, 0, 1, 2, 0x80};
	static const struct {
		const uint8_t *p;
		size_t n, k;
	} bad[] = {
		{wide, sizeof wide, 1},         {high, sizeof high, 1},
		{exc_index, sizeof exc_index, 2}, {exc_zero, sizeof exc_zero, 2},
		{exc_nobits, sizeof exc_nobits, 2},
		{exc_norest, sizeof exc_norest, 2},
		{exc_twice, sizeof exc_twice, 2},
		{exc_short, sizeof exc_short, 2}, {exc_big, sizeof exc_big, 1},
		{high, sizeof high, 0},
	};
	uint32_t v[INDEX_PACK_BLOCK];

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const uint8_t *p = bad[i].p;

		ck_assert_msg(index_pack_get(&p, bad[i].p + bad[i].n, v,
		                             bad[i].k) == CDX_ERR_CORRUPT,
		              "case %zu", i);
	}
}
END_TEST

/* A list of @p n docs from @p first with gaps from @p gap_mod, tfs from
 * @p tf_mod (1: all 1) and positions spread over @p span words. */
static void make_list(struct index_plist *l, size_t n, uint64_t first,
                      uint32_t gap_mod, uint32_t tf_mod, uint32_t span,
                      uint64_t *s)
{
	uint64_t doc = first;
	uint32_t pos[64];

	for (size_t i = 0; i < n; i++) {
		uint32_t tf = 1 + rnd(s) % tf_mod, at = rnd(s) % span;

		for (uint32_t j = 0; j < tf; j++) {
			pos[j] = at;
			at += 1 + rnd(s) % (span / 8 + 1);
		}
		ck_assert_int_eq(index_plist_add(l, doc, tf, pos), CDX_OK);
		doc += 1 + rnd(s) % gap_mod;
	}
}

/* Decoding @p b against @p base gives the live postings of @p l. */
static void assert_decodes_to(const struct cdx_buf *b, uint64_t base,
                              const struct index_plist *l)
{
	struct index_plist got = {0};
	size_t j = 0;

	/* appending after a posting already there */
	ck_assert_int_eq(index_plist_add(&got, 0, 1, (uint32_t[]){0}), CDX_OK);
	ck_assert_int_eq(index_plist_decode((const uint8_t *)b->ptr, b->len,
	                                    base, 1, &got), CDX_OK);
	for (size_t i = 0; i < l->n; i++) {
		const struct index_posting *w = &l->v[i];
		const struct index_posting *g;

		if (w->tf == 0)
			continue;
		ck_assert_uint_lt(1 + j, got.n);
		g = &got.v[1 + j++];
		ck_assert_uint_eq(g->doc, w->doc);
		ck_assert_uint_eq(g->tf, w->tf);
		ck_assert_int_eq(memcmp(got.pos + g->off, l->pos + w->off,
		                        w->tf * sizeof *l->pos), 0);
	}
	ck_assert_uint_eq(1 + j, got.n);
	ck_assert_uint_eq(index_entry_df((const uint8_t *)b->ptr, b->len), j);
	/* without positions: the same documents */
	index_plist_clear(&got);
	ck_assert_int_eq(index_plist_decode((const uint8_t *)b->ptr, b->len,
	                                    base, 0, &got), CDX_OK);
	ck_assert_uint_eq(got.n, j);
	index_plist_release(&got);
}

START_TEST(test_entry_shapes)
{
	static const struct {
		size_t n;
		uint64_t first;
		uint32_t gap_mod, tf_mod, span;
	} shapes[] = {
		{1, 1, 1, 1, 10},          /* one doc, one position */
		{1, 5000, 1, 9, 100000},   /* one doc, many far positions */
		{3, 100, 50, 1, 300},      /* a few: varints */
		{7, 100, 50, 3, 300},
		{8, 100, 50, 3, 300},      /* the first packed size */
		{129, 7, 1, 1, 2000},      /* every doc, tf 1 */
		{1000, 7, 3, 4, 600},      /* a common word */
		{300, 1, 40000, 2, 5},     /* wide gaps, close positions */
		{257, 1u << 20, 2, 40, 70000},
	};
	uint64_t s = 0x9e3779b97f4a7c15u;

	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		struct index_plist l = {0};
		struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);

		make_list(&l, shapes[i].n, shapes[i].first, shapes[i].gap_mod,
		          shapes[i].tf_mod, shapes[i].span, &s);
		ck_assert_int_eq(index_plist_encode(&l, shapes[i].first, &b),
		                 CDX_OK);
		assert_decodes_to(&b, shapes[i].first, &l);
		/* a base before the first doc, and removed postings */
		cdx_buf_clear(&b);
		for (size_t j = 0; j < l.n; j += 3)
			l.v[j].tf = 0;
		ck_assert_int_eq(index_plist_encode(&l, 1, &b), CDX_OK);
		if (b.len > 0)
			assert_decodes_to(&b, 1, &l);
		cdx_buf_release(&b);
		index_plist_release(&l);
	}
}
END_TEST

START_TEST(test_entry_wide_gaps)
{
	struct index_plist l = {0};
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	uint32_t pos[2] = {3, 4000000000u};

	/* doc ids further apart than 32 bits stay varints */
	for (uint64_t i = 0; i < 20; i++) {
		uint64_t doc = 2 + i * ((uint64_t)1 << 33);

		ck_assert_int_eq(index_plist_add(&l, doc, 1 + (i & 1), pos),
		                 CDX_OK);
	}
	ck_assert_int_eq(index_plist_encode(&l, 2, &b), CDX_OK);
	assert_decodes_to(&b, 2, &l);
	cdx_buf_release(&b);
	index_plist_release(&l);
}
END_TEST

START_TEST(test_entry_small)
{
	struct index_plist l = {0};
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	uint32_t pos = 0;

	/* a word first in every document: a header byte per 128 documents
	 * and per 128 positions, not a byte or two for each */
	for (uint64_t d = 100; d < 1124; d++)
		ck_assert_int_eq(index_plist_add(&l, d, 1, &pos), CDX_OK);
	ck_assert_int_eq(index_plist_encode(&l, 100, &b), CDX_OK);
	ck_assert_uint_le(b.len, 2 + 1 + 8 + 8);
	assert_decodes_to(&b, 100, &l);
	/* one document, tf 1, near the segment's start: three bytes */
	index_plist_clear(&l);
	cdx_buf_clear(&b);
	pos = 5;
	ck_assert_int_eq(index_plist_add(&l, 130, 1, &pos), CDX_OK);
	ck_assert_int_eq(index_plist_encode(&l, 100, &b), CDX_OK);
	ck_assert_uint_le(b.len, 3);
	assert_decodes_to(&b, 100, &l);
	/* nothing live: nothing written */
	l.v[0].tf = 0;
	cdx_buf_clear(&b);
	ck_assert_int_eq(index_plist_encode(&l, 100, &b), CDX_OK);
	ck_assert_uint_eq(b.len, 0);
	cdx_buf_release(&b);
	index_plist_release(&l);
}
END_TEST

START_TEST(test_entry_damage)
{
	struct index_plist l = {0}, got = {0};
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	uint64_t s = 12345;
	uint8_t *copy;

	make_list(&l, 300, 40, 4, 3, 400, &s);
	ck_assert_int_eq(index_plist_encode(&l, 40, &b), CDX_OK);
	copy = malloc(b.len);
	ck_assert_ptr_nonnull(copy);
	/* every cut is damage (each in a buffer of its own length, so
	 * ASan sees any read past it) */
	for (size_t cut = 0; cut < b.len; cut++) {
		uint8_t *p = malloc(cut > 0 ? cut : 1);

		ck_assert_ptr_nonnull(p);
		memcpy(p, b.ptr, cut);
		index_plist_clear(&got);
		ck_assert_int_eq(index_plist_decode(p, cut, 40, 1, &got),
		                 CDX_ERR_CORRUPT);
		free(p);
	}
	/* any byte changed: decoded or damaged, within bounds, and never
	 * more positions than 128 a byte */
	for (size_t at = 0; at < b.len; at++)
		for (unsigned x = 1; x < 256; x <<= 1) {
			int rc;

			memcpy(copy, b.ptr, b.len);
			copy[at] ^= (uint8_t)x;
			index_plist_clear(&got);
			rc = index_plist_decode(copy, b.len, 40, 1, &got);
			ck_assert(rc == CDX_OK || rc == CDX_ERR_CORRUPT);
			ck_assert_uint_le(got.npos, b.len * INDEX_PACK_BLOCK);
		}
	free(copy);
	cdx_buf_release(&b);
	index_plist_release(&l);
	index_plist_release(&got);
}
END_TEST

void index_add_postings_cases(Suite *s)
{
	TCase *tc = tcase_create("packed blocks");

	tcase_add_test(tc, test_pack_blocks);
	tcase_add_test(tc, test_pack_width);
	tcase_add_test(tc, test_pack_exceptions);
	tcase_add_test(tc, test_pack_bad_header);
	suite_add_tcase(s, tc);

	tc = tcase_create("posting entries");
	tcase_add_test(tc, test_entry_shapes);
	tcase_add_test(tc, test_entry_wide_gaps);
	tcase_add_test(tc, test_entry_small);
	tcase_add_test(tc, test_entry_damage);
	suite_add_tcase(s, tc);
}
