/*
 * pack.c — blocks of up to 128 small numbers bit-packed with one shared
 * width (PForDelta-style), the building block of the posting entries
 * (postings.c): doc id gaps, term frequencies and word positions.
 *
 * A block is a header byte (bits 0-5 the width b, bit 6 "exceptions
 * follow"), then the k values' low b bits packed little-endian into
 * ceil(k * b / 8) bytes, then, when flagged, the exceptions (values
 * wider than b): a count byte, a byte hb (the widest exception's bits
 * past b), then per exception its index in 7 bits and the rest of its
 * value (v >> b, never 0) in hb bits, packed little-endian into
 * ceil(count * (7 + hb) / 8) bytes. The width is chosen per block to
 * make it smallest, so a few large numbers (a long gap, a late
 * position) do not widen the others. Varints spend at least 8 bits on
 * every number; the gaps of a common word take 0 to 3 bits here, which
 * is where postings shrink. (Exceptions were an index byte and a varint
 * each, 2.3 bytes; packed they take about 1.2: 5 % off the blocks.)
 */
#include <assert.h>

#include "index_int.h"

/* Bits needed for v (0 for 0). */
static unsigned bit_len(uint32_t v)
{
	return v ? 32u - (unsigned)__builtin_clz(v) : 0u;
}

/* Bytes of a block of @p k values of width @p b with @p nex exceptions
 * whose rests take up to @p hb bits. */
static size_t block_size(size_t k, unsigned b, size_t nex, unsigned hb)
{
	size_t size = 1 + (k * b + 7) / 8;

	return nex ? size + 2 + (nex * (7 + hb) + 7) / 8 : size;
}

/* A block's layout: its width, size, and exceptions. */
struct layout {
	unsigned b;   /* width */
	size_t bytes; /* block size */
	size_t nex;   /* values wider than b */
	unsigned hb;  /* bits of the widest one's rest (v >> b) */
};

/* The width that makes the block smallest, into @p out. Only the widths
 * from the shortest value's length to the longest's can win (below, every
 * value is an exception); when the two agree, that is the width. */
static void best_width(const uint32_t *v, size_t k, struct layout *out)
{
	size_t cnt[33] = {0}, best_size, nex = 0;
	uint32_t any = 0;
	unsigned lo = 0, hi;

	for (size_t i = 0; i < k; i++)
		any |= v[i];
	hi = bit_len(any);
	*out = (struct layout){hi, block_size(k, hi, 0, 0), 0, 0};
	if (hi == 0)
		return;
	for (size_t i = 0; i < k; i++)
		cnt[bit_len(v[i])]++;
	while (cnt[lo] == 0)
		lo++;
	/* from the top, nex counts the values longer than b; a tie keeps
	 * the wider width */
	best_size = out->bytes;
	for (unsigned b = hi; b-- > lo;) {
		size_t size;

		nex += cnt[b + 1];
		size = block_size(k, b, nex, hi - b);
		if (size < best_size) {
			best_size = size;
			*out = (struct layout){b, size, nex, hi - b};
		}
	}
}

size_t index_pack_size(const uint32_t *v, size_t k)
{
	struct layout l;

	best_width(v, k, &l);
	return l.bytes;
}

/* @p w as read from little-endian bytes. */
static uint64_t le64(uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap64(w);
#else
	return w;
#endif
}

/* Appends bits little-endian, four whole bytes at a time: the
 * accumulator holds under 32 bits between calls, so a value of up to 32
 * more still fits in its 64. */
struct bitw {
	uint8_t *o;
	uint64_t acc;
	unsigned have;
};

/* Append the @p n low bits of @p v (v < 2^n, n <= 32). */
static void bits_put(struct bitw *w, uint64_t v, unsigned n)
{
	w->acc |= v << w->have;
	w->have += n;
	if (w->have >= 32) {
		uint32_t lo = (uint32_t)w->acc;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		lo = __builtin_bswap32(lo);
#endif
		memcpy(w->o, &lo, 4);
		w->o += 4;
		w->acc >>= 32;
		w->have -= 32;
	}
}

/* Write the bits left, the last byte padded with zeros. */
static void bits_flush(struct bitw *w)
{
	while (w->have > 0) {
		*w->o++ = (uint8_t)w->acc;
		w->acc >>= 8;
		w->have = w->have > 8 ? w->have - 8 : 0;
	}
	w->acc = 0;
}

size_t index_pack_put(uint8_t *o, const uint32_t *v, size_t k)
{
	struct layout l;
	uint64_t mask;
	struct bitw w = {o + 1, 0, 0};
	uint8_t ex[INDEX_PACK_BLOCK]; /* the exceptions' indices */
	size_t n_ex = 0;

	assert(k <= INDEX_PACK_BLOCK);
	best_width(v, k, &l);
	mask = ((uint64_t)1 << l.b) - 1;
	*o = (uint8_t)(l.b | (l.nex ? 0x40 : 0));
	if (l.nex == 0) {
		for (size_t i = 0; l.b > 0 && i < k; i++)
			bits_put(&w, v[i], l.b);
	} else {
		/* note the exceptions on the way, without a branch */
		for (size_t i = 0; i < k; i++) {
			bits_put(&w, v[i] & mask, l.b);
			ex[n_ex] = (uint8_t)i;
			n_ex += (uint64_t)v[i] > mask;
		}
	}
	bits_flush(&w);
	if (l.nex > 0) {
		assert(n_ex == l.nex);
		*w.o++ = (uint8_t)l.nex;
		*w.o++ = (uint8_t)l.hb;
		for (size_t j = 0; j < n_ex; j++) {
			bits_put(&w, ex[j], 7);
			bits_put(&w, (uint64_t)v[ex[j]] >> l.b, l.hb);
		}
		bits_flush(&w);
	}
	assert((size_t)(w.o - o) == l.bytes);
	return (size_t)(w.o - o);
}


/* The header byte of a block of @p k values at @p p: its bit width into
 * @p b and the bytes of packed values after it into @p need.
 * @return CDX_OK, or CDX_ERR_CORRUPT when the byte or the length is
 * wrong. */
static int block_head(const uint8_t *p, const uint8_t *end, size_t k,
                      unsigned *b, size_t *need)
{
	if (p >= end || k == 0 || k > INDEX_PACK_BLOCK)
		return CDX_ERR_CORRUPT;
	*b = *p & 0x3f;
	if ((*p & 0x80) || *b > 32)
		return CDX_ERR_CORRUPT;
	*need = (k * *b + 7) / 8;
	if ((size_t)(end - p - 1) < *need)
		return CDX_ERR_CORRUPT;
	return CDX_OK;
}

/* Eight values of width @p b from @p q, which starts on a byte (eight
 * values take b bytes): with b a constant, as unpack_groups() calls it,
 * each is one load, one shift and one mask. */
static inline void unpack8(const uint8_t *q, uint32_t *v, unsigned b)
{
	uint64_t mask = ((uint64_t)1 << b) - 1;

	for (unsigned j = 0; j < 8; j++) {
		uint64_t w;

		memcpy(&w, q + j * b / 8, 8);
		v[j] = (uint32_t)(le64(w) >> (j * b % 8) & mask);
	}
}

#define UNPACK_CASE(B)                                                 \
	case B:                                                        \
		for (size_t g = 0; g < n_groups; g++)                  \
			unpack8(q + g * (B), v + g * 8, (B));          \
		break;

/* The first @p n_groups groups of eight values of width @p b (1..32)
 * from @p q, which has 8 bytes to read past the last group's start.
 * Most of a query's time goes into reading packed numbers: one copy of
 * the loop per width, its shifts and masks constants. */
static void unpack_groups(const uint8_t *q, uint32_t *v, unsigned b,
                          size_t n_groups)
{
	switch (b) {
	UNPACK_CASE(1) UNPACK_CASE(2) UNPACK_CASE(3) UNPACK_CASE(4)
	UNPACK_CASE(5) UNPACK_CASE(6) UNPACK_CASE(7) UNPACK_CASE(8)
	UNPACK_CASE(9) UNPACK_CASE(10) UNPACK_CASE(11) UNPACK_CASE(12)
	UNPACK_CASE(13) UNPACK_CASE(14) UNPACK_CASE(15) UNPACK_CASE(16)
	UNPACK_CASE(17) UNPACK_CASE(18) UNPACK_CASE(19) UNPACK_CASE(20)
	UNPACK_CASE(21) UNPACK_CASE(22) UNPACK_CASE(23) UNPACK_CASE(24)
	UNPACK_CASE(25) UNPACK_CASE(26) UNPACK_CASE(27) UNPACK_CASE(28)
	UNPACK_CASE(29) UNPACK_CASE(30) UNPACK_CASE(31) UNPACK_CASE(32)
	default:
		assert(0);
	}
}

#undef UNPACK_CASE

int index_pack_get(const uint8_t **pp, const uint8_t *end, uint32_t *v,
                   size_t k)
{
	const uint8_t *p = *pp;
	unsigned b, have = 0;
	uint64_t acc = 0, mask;
	size_t need;

	if (block_head(p, end, k, &b, &need) != CDX_OK)
		return CDX_ERR_CORRUPT;
	mask = ((uint64_t)1 << b) - 1;
	if (b == 0) {
		memset(v, 0, k * sizeof *v);
	} else {
		const uint8_t *q = p + 1;
		size_t avail = (size_t)(end - q), i = 0, n_groups = 0;

		/* whole groups of eight whose last load (from before the
		 * group's end, b bytes on from its start) stays within
		 * @p end; what follows, one value at a time */
		if (avail >= b + 8)
			n_groups = (avail - b - 8) / b + 1;
		if (n_groups > k / 8)
			n_groups = k / 8;
		unpack_groups(q, v, b, n_groups);
		i = n_groups * 8;
		/* a value at bit offset o is in the 8 bytes from o / 8 (b is
		 * at most 32, plus 7 bits of offset): one unaligned load
		 * each while 8 bytes are there to read */
		for (size_t o = i * b; i < k && o / 8 + 8 <= avail;
		     i++, o += b) {
			uint64_t w;

			memcpy(&w, q + o / 8, 8);
			v[i] = (uint32_t)(le64(w) >> (o % 8) & mask);
		}
		q += i * b / 8;
		if (i * b % 8) {
			acc = *q++ >> (i * b % 8);
			have = 8 - (unsigned)(i * b % 8);
		}
		for (; i < k; i++) {
			while (have < b) {
				acc |= (uint64_t)*q++ << have;
				have += 8;
			}
			v[i] = (uint32_t)(acc & mask);
			acc >>= b;
			have -= b;
		}
	}
	if (*p & 0x40) {
		const uint8_t *q = p + 1 + need, *r;
		size_t nex;
		unsigned hb;
		uint64_t hmask;
		int prev = -1;

		if (end - q < 2 || (nex = q[0]) == 0 || nex > k ||
		    (hb = q[1]) == 0 || b + hb > 32)
			return CDX_ERR_CORRUPT;
		q += 2;
		if ((size_t)(end - q) < (nex * (7 + hb) + 7) / 8)
			return CDX_ERR_CORRUPT;
		hmask = ((uint64_t)1 << hb) - 1;
		r = q;
		acc = 0;
		have = 0;
		for (size_t j = 0; j < nex; j++) {
			uint64_t idx, hi;

			/* 7 + hb <= 39 bits: the accumulator holds them */
			while (have < 7 + hb) {
				acc |= (uint64_t)*r++ << have;
				have += 8;
			}
			idx = acc & 127;
			hi = acc >> 7 & hmask;
			acc >>= 7 + hb;
			have -= 7 + hb;
			/* indices rise; every rest is an exception's */
			if (idx >= k || (int)idx <= prev || hi == 0)
				return CDX_ERR_CORRUPT;
			prev = (int)idx;
			v[idx] |= (uint32_t)(hi << b);
		}
		*pp = q + (nex * (7 + hb) + 7) / 8;
		return CDX_OK;
	}
	*pp = p + 1 + need;
	return CDX_OK;
}

int index_pack_skip(const uint8_t **pp, const uint8_t *end, size_t k)
{
	const uint8_t *p = *pp, *q;
	size_t need, nex, rest;
	unsigned b, hb;

	if (block_head(p, end, k, &b, &need) != CDX_OK)
		return CDX_ERR_CORRUPT;
	q = p + 1 + need;
	if (*p & 0x40) {
		/* the exceptions' count and width say how long they are */
		if (end - q < 2 || (nex = q[0]) == 0 || nex > k ||
		    (hb = q[1]) == 0 || b + hb > 32)
			return CDX_ERR_CORRUPT;
		q += 2;
		rest = (nex * (7 + hb) + 7) / 8;
		if ((size_t)(end - q) < rest)
			return CDX_ERR_CORRUPT;
		q += rest;
	}
	*pp = q;
	return CDX_OK;
}
