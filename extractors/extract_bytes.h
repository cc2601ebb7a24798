/*
 * extract_bytes.h — the byte-level pieces the scanners of extractors/
 * share: ASCII byte classes and case folding by table, word keys read
 * eight bytes at a time, and a text's classes as bit masks (masks.c).
 * Included by extract_int.h (split from it for length); nothing here is
 * visible outside extractors/.
 */
#ifndef CDX_EXTRACT_BYTES_H
#define CDX_EXTRACT_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Byte classes shared by the scanners: ASCII only, because every word the
 * data files match on is ASCII at its edges. One table load per byte: the
 * scanners test every byte of the text, and chains of range comparisons
 * cost several branches each. */
enum { BC_DIGIT = 1, BC_LOWER = 2, BC_UPPER = 4, BC_SPACE = 8 };

static const unsigned char byte_class[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 8, 8, 8, 8, 0, 0, /* \t \n \v \f \r */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* ' ' */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, /* 0-9 */
	0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* A-O */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0, /* P-Z */
	0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* a-o */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, /* p-z */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static inline int is_alnum(unsigned char c)
{
	return (byte_class[c] & (BC_DIGIT | BC_LOWER | BC_UPPER)) != 0;
}

static inline int is_space(unsigned char c)
{
	return (byte_class[c] & BC_SPACE) != 0;
}

/* ASCII lower case of every byte, one load: the word scanners fold
 * every byte they hash or compare. */
static const unsigned char lower_tab[256] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
	0x40, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
	0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f,
	0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
	0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
	0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
	0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
	0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
	0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};

static inline unsigned char lower(unsigned char c)
{
	return lower_tab[c];
}

/* Word keys: the scanners' filters (gazetteer.c's leading words, scan.c's
 * trigger words) rule a word out by one bit chosen by a key of the word.
 * A filter only rules words out, so any key serves; this one is the
 * word's length and its first eight bytes in lower case, mixed, and costs
 * one load and a multiply per word, where the end of the word comes from
 * a mask of those same eight bytes instead of a test per byte. */
#define WK_ONES 0x0101010101010101u
#define WK_HIGH (WK_ONES * 0x80)

/* Eight bytes of [t + i, t + len), zero past len. */
static inline uint64_t wk_load8(const char *t, size_t len, size_t i)
{
	uint64_t x = 0;

	if (i + 8 <= len)
		memcpy(&x, t + i, 8);
	else if (i < len)
		memcpy(&x, t + i, len - i);
	return x;
}

/* The high bit of each byte of @p x that is in [lo, hi] (both below 0x80);
 * bytes of 0x80 or more are in no range. */
static inline uint64_t wk_range(uint64_t x, unsigned lo, unsigned hi)
{
	uint64_t low = x & WK_ONES * 127;

	return (low + WK_ONES * (128 - lo)) & (WK_ONES * (128 + hi) - low) &
	       ~x & WK_HIGH;
}

/* The index of the lowest byte whose high bit @p m (nonzero) has. */
static inline size_t wk_first(uint64_t m)
{
	return (size_t)__builtin_ctzll(m) / 8;
}

/* A mask of the first @p n bytes of eight (all for 8 or more). */
static inline uint64_t wk_keep8(size_t n)
{
	return n >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * n)) - 1;
}

/* How many of the bytes of @p x, from the first, are letters (@p digits
 * 0) or letters and digits (@p digits 1); 8 when all are. */
static inline size_t wk_run(uint64_t x, int digits)
{
	uint64_t m = wk_range(x | WK_ONES * 0x20, 'a', 'z');
	uint64_t stop;

	if (digits)
		m |= wk_range(x, '0', '9');
	stop = ~m & WK_HIGH;
	return stop ? wk_first(stop) : 8;
}

/* The key of a word of @p n letters and digits whose first bytes (up to
 * eight) are in @p x: setting 0x20 folds letters to lower case and leaves
 * digits as they are. */
static inline uint32_t wk_key(uint64_t x, size_t n)
{
	uint64_t h = (((x | WK_ONES * 0x20) & wk_keep8(n)) ^ n) *
	             0x9e3779b97f4a7c15u;

	return (uint32_t)(h >> 32);
}

/* The eight bytes @p x as lower() makes them: a capital's high bit from
 * wk_range(), moved to 0x20. */
static inline uint64_t wk_lower8(uint64_t x)
{
	return x | wk_range(x, 'A', 'Z') >> 2;
}

/* The key of the word [s, s+n) held in memory (building a filter). */
static inline uint32_t wk_key_of(const char *s, size_t n)
{
	return wk_key(wk_load8(s, n, 0), n);
}

/* ------------------------------------------------------------ masks.c */

/* The classes of 64 bytes of a text, bit k for byte k of the block. */
struct mask_blk {
	uint64_t alnum; /* ASCII letter or digit */
	uint64_t digit;
	uint64_t upper; /* ASCII capital */
	uint64_t blank; /* ' ' */
};

/* The masks of a whole text: block k covers bytes [64k, 64k + 64); bytes
 * past the text's end are in no class, and one block past the last is
 * all clear. Reused from sentence to sentence. */
struct masks {
	struct mask_blk *b;
	size_t n, cap; /* blocks of the text; room */
};

/** Fill @p m with the masks of [t, t+len). @return CDX_OK or
 * CDX_ERR_NOMEM. */
int extract_masks_fill(struct masks *m, const char *t, size_t len);

/** The same, with SSE2 where the platform has it when @p simd, else
 * byte by byte (the tests compare the two). */
int extract_masks_fill_with(struct masks *m, const char *t, size_t len,
                            int simd);

void extract_masks_release(struct masks *m);

/* The first byte at or after @p i whose bit in mask @p word of each block
 * (chosen by @p pick) is clear: the end of a run. */
static inline size_t masks_run_end(const struct masks *m, size_t i,
                                   uint64_t (*pick)(const struct mask_blk *))
{
	size_t k = i / 64;
	uint64_t clear = ~pick(&m->b[k]) >> (i % 64);

	if (clear)
		return i + (size_t)__builtin_ctzll(clear);
	for (k++;; k++) {
		clear = ~pick(&m->b[k]);
		if (clear)
			return 64 * k + (size_t)__builtin_ctzll(clear);
	}
}

static inline uint64_t mask_alnum(const struct mask_blk *b)
{
	return b->alnum;
}

static inline uint64_t mask_letter(const struct mask_blk *b)
{
	return b->alnum & ~b->digit;
}

/* The word starts of block @p k: letters or digits after a byte that is
 * neither (or first in the text). */
static inline uint64_t masks_word_starts(const struct masks *m, size_t k)
{
	uint64_t a = m->b[k].alnum;

	return a & ~(a << 1 | (k > 0 ? m->b[k - 1].alnum >> 63 : 0));
}

/* The bits of block @p k that stand for bytes in [from, to). */
static inline uint64_t masks_span(size_t k, size_t from, size_t to)
{
	size_t lo = from > 64 * k ? from - 64 * k : 0;
	size_t hi = to > 64 * k ? to - 64 * k : 0;
	uint64_t below_hi = hi >= 64 ? ~(uint64_t)0 :
	                               ((uint64_t)1 << hi) - 1;

	return lo >= 64 ? 0 : below_hi & ~(((uint64_t)1 << lo) - 1);
}

/* The first capital at or after @p i, or the text's end. */
static inline size_t masks_next_upper(const struct masks *m, size_t i,
                                      size_t len)
{
	size_t k = i / 64;
	uint64_t set;

	if (i >= len)
		return len;
	set = m->b[k].upper >> (i % 64);
	if (set)
		return i + (size_t)__builtin_ctzll(set);
	for (k++; k < m->n; k++)
		if (m->b[k].upper)
			return 64 * k + (size_t)__builtin_ctzll(m->b[k].upper);
	return len;
}

#endif
