/*
 * masks.c — a sentence's bytes as bit masks, one bit per byte and one
 * mask per byte class (letter or digit, digit, capital, space), filled
 * once per sentence so that the scans after it (scan.c's candidates,
 * propernames.c's capitals) step from word to word by counting bits
 * instead of testing every byte.
 *
 * Sixty-four bytes make one block of masks. On x86-64 SSE2 (always there)
 * classifies sixteen bytes in a few instructions; the plain C loop is the
 * reference, kept for other platforms and compared with SSE2 by the tests
 * (extract_masks_fill_with()).
 */
#include <stdlib.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "extract_int.h"

/* The classes of the 64 bytes at @p p, one byte at a time. */
static void block_scalar(const unsigned char *p, struct mask_blk *o)
{
	uint64_t al = 0, di = 0, up = 0, bl = 0;

	for (unsigned k = 0; k < 64; k++) {
		unsigned c = byte_class[p[k]];
		uint64_t bit = (uint64_t)1 << k;

		al |= (c & (BC_DIGIT | BC_LOWER | BC_UPPER)) ? bit : 0;
		di |= (c & BC_DIGIT) ? bit : 0;
		up |= (c & BC_UPPER) ? bit : 0;
		bl |= p[k] == ' ' ? bit : 0;
	}
	o->alnum = al;
	o->digit = di;
	o->upper = up;
	o->blank = bl;
}

#ifdef __SSE2__
/* The bytes of @p x in [lo, hi], as 0xff: an unsigned range test made of
 * one signed comparison (SSE2 has no unsigned one), bytes of 0x80 or more
 * being in no range below 0x80. */
static inline __m128i in_range(__m128i x, unsigned lo, unsigned hi)
{
	__m128i shifted = _mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - lo)));

	return _mm_cmplt_epi8(shifted,
	                      _mm_set1_epi8((char)(int)(hi - lo + 1 - 0x80)));
}

/* block_scalar(), sixteen bytes at a time. */
static void block_sse2(const unsigned char *p, struct mask_blk *o)
{
	const __m128i fold = _mm_set1_epi8(0x20), sp = _mm_set1_epi8(' ');
	uint64_t al = 0, di = 0, up = 0, bl = 0;

	for (unsigned k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)
		                            (p + 16 * k));
		__m128i d = in_range(x, '0', '9');
		__m128i l = in_range(_mm_or_si128(x, fold), 'a', 'z');
		__m128i u = in_range(x, 'A', 'Z');
		__m128i b = _mm_cmpeq_epi8(x, sp);

		al |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(l, d))
		      << (16 * k);
		di |= (uint64_t)(unsigned)_mm_movemask_epi8(d) << (16 * k);
		up |= (uint64_t)(unsigned)_mm_movemask_epi8(u) << (16 * k);
		bl |= (uint64_t)(unsigned)_mm_movemask_epi8(b) << (16 * k);
	}
	o->alnum = al;
	o->digit = di;
	o->upper = up;
	o->blank = bl;
}

#define block_simd block_sse2
#else
#define block_simd block_scalar /* no SSE2: the byte loop both ways */
#endif

void extract_masks_release(struct masks *m)
{
	if (m == NULL)
		return;
	free(m->b);
	m->b = NULL;
	m->n = m->cap = 0;
}

/* The masks of the last, partial block [64 * full, len): the 64 bytes
 * that end the text, their masks shifted down past the bytes before the
 * block (a copy into a buffer would cost more than the block), or, in a
 * text shorter than 64 bytes, a copy padded with NUL bytes, which are in
 * no class. */
static void tail_block(const char *t, size_t len, size_t full,
                       void (*block)(const unsigned char *,
                                     struct mask_blk *),
                       struct mask_blk *o)
{
	unsigned shift;

	if (len < 64) {
		unsigned char tail[64] = {0};

		memcpy(tail, t, len);
		block(tail, o);
		return;
	}
	block((const unsigned char *)t + len - 64, o);
	shift = (unsigned)(64 * (full + 1) - len);
	o->alnum >>= shift;
	o->digit >>= shift;
	o->upper >>= shift;
	o->blank >>= shift;
}

/* Every block of [t, t+len) into m->b by @p block (inline: one copy of
 * this loop per way of classifying). */
static inline void fill_blocks(struct masks *m, const char *t, size_t len,
                               void (*block)(const unsigned char *,
                                             struct mask_blk *))
{
	size_t full = len / 64;

	for (size_t k = 0; k < full; k++)
		block((const unsigned char *)t + 64 * k, &m->b[k]);
	if (64 * full < len)
		tail_block(t, len, full, block, &m->b[full]);
}

int extract_masks_fill_with(struct masks *m, const char *t, size_t len,
                            int simd)
{
	size_t nb = (len + 63) / 64;

	/* one block more than the text needs, all clear: a run of letters
	 * reaching the text's end stops there without a test */
	if (nb + 1 > m->cap) {
		struct mask_blk *b = realloc(m->b, (nb + 1) * sizeof(*b));

		if (b == NULL)
			return CDX_ERR_NOMEM;
		m->b = b;
		m->cap = nb + 1;
	}
	if (simd)
		fill_blocks(m, t, len, block_simd);
	else
		fill_blocks(m, t, len, block_scalar);
	memset(&m->b[nb], 0, sizeof(m->b[nb]));
	m->n = nb;
	return CDX_OK;
}

int extract_masks_fill(struct masks *m, const char *t, size_t len)
{
	return extract_masks_fill_with(m, t, len, 1);
}
