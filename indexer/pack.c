/*
 * pack.c — blocks of up to 128 small numbers bit-packed with one shared
 * width (PForDelta-style), the building block of the posting entries
 * (postings.c): doc id gaps, term frequencies and word positions.
 *
 * A block is a header byte (bits 0-5 the width b, bit 6 "exceptions
 * follow"), then the k values' low b bits packed little-endian into
 * ceil(k * b / 8) bytes, then, when flagged, a count byte and per
 * exception its index byte and the rest of its value (v >> b) as a
 * varint. The width is chosen per block to make it smallest, so a few
 * large numbers (a long gap, a late position) do not widen the others.
 * Varints spend at least 8 bits on every number; the gaps of a common
 * word take 0 to 3 bits here, which is where postings shrink.
 */
#include <assert.h>

#include "index_int.h"

/* Bits needed for v (0 for 0). */
static unsigned bit_len(uint32_t v)
{
	return v ? 32u - (unsigned)__builtin_clz(v) : 0u;
}

static size_t rest_len(unsigned len, unsigned b)
{
	return len > b ? (len - b + 6) / 7 : 1;
}

/* The width that makes the block smallest; *bytes is its size. */
static unsigned best_width(const uint32_t *v, size_t k, size_t *bytes)
{
	size_t cnt[33] = {0};
	unsigned lo = 32, hi = 0, best = 0;
	size_t best_size = SIZE_MAX;

	for (size_t i = 0; i < k; i++) {
		unsigned n = bit_len(v[i]);

		cnt[n]++;
		lo = n < lo ? n : lo;
		hi = n > hi ? n : hi;
	}
	/* widths below the smallest length only add exceptions */
	for (unsigned b = hi + 1; b-- > lo;) {
		size_t size = 1 + (k * b + 7) / 8, nex = 0;

		for (unsigned n = b + 1; n <= hi; n++) {
			nex += cnt[n];
			size += cnt[n] * (1 + rest_len(n, b));
		}
		if (nex > 0)
			size++;
		if (size < best_size) {
			best_size = size;
			best = b;
		}
	}
	*bytes = best_size;
	return best;
}

size_t index_pack_size(const uint32_t *v, size_t k)
{
	size_t bytes;

	best_width(v, k, &bytes);
	return bytes;
}

size_t index_pack_put(uint8_t *o, const uint32_t *v, size_t k)
{
	size_t bytes, nex = 0;
	unsigned b = best_width(v, k, &bytes), have = 0;
	uint64_t acc = 0, mask = ((uint64_t)1 << b) - 1;
	uint8_t *start = o, *hdr = o++;

	for (size_t i = 0; i < k; i++) {
		acc |= (v[i] & mask) << have;
		have += b;
		nex += ((uint64_t)v[i] >> b) != 0; /* b may be 32 */
		while (have >= 8) {
			*o++ = (uint8_t)acc;
			acc >>= 8;
			have -= 8;
		}
	}
	if (have > 0)
		*o++ = (uint8_t)acc;
	*hdr = (uint8_t)(b | (nex ? 0x40 : 0));
	if (nex > 0) {
		*o++ = (uint8_t)nex;
		for (size_t i = 0; i < k; i++)
			if (((uint64_t)v[i] >> b) != 0) {
				*o++ = (uint8_t)i;
				o += index_varint_put(o, (uint64_t)v[i] >> b);
			}
	}
	(void)bytes;
	assert((size_t)(o - start) == bytes);
	return (size_t)(o - start);
}

int index_pack_get(const uint8_t **pp, const uint8_t *end, uint32_t *v,
                   size_t k)
{
	const uint8_t *p = *pp;
	unsigned b, have = 0;
	uint64_t acc = 0, mask;
	size_t need;

	if (p >= end || k == 0 || k > INDEX_PACK_BLOCK)
		return CDX_ERR_CORRUPT;
	b = *p & 0x3f;
	if ((*p & 0x80) || b > 32)
		return CDX_ERR_CORRUPT;
	need = (k * b + 7) / 8;
	if ((size_t)(end - p - 1) < need)
		return CDX_ERR_CORRUPT;
	mask = ((uint64_t)1 << b) - 1;
	if (b == 0) {
		memset(v, 0, k * sizeof *v);
	} else {
		const uint8_t *q = p + 1;

		for (size_t i = 0; i < k; i++) {
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
		const uint8_t *q = p + 1 + need;
		size_t nex;

		if (q >= end || (nex = *q++) == 0 || nex > k)
			return CDX_ERR_CORRUPT;
		for (size_t j = 0; j < nex; j++) {
			uint64_t hi;
			size_t i;

			if (q >= end || (i = *q++) >= k ||
			    index_varint_get(&q, end, &hi) || hi == 0 ||
			    b == 32 || hi > (UINT32_MAX >> b))
				return CDX_ERR_CORRUPT;
			v[i] |= (uint32_t)(hi << b);
		}
		*pp = q;
		return CDX_OK;
	}
	*pp = p + 1 + need;
	return CDX_OK;
}
