/*
 * tokenize.c — word tokens with byte offsets, and Unicode case folding.
 *
 * The tokenizer is one pass over the text in the FTS5 manner: ASCII bytes
 * are classified by a 128-entry table, other characters by their Unicode
 * category (utf8proc), and each token is folded into a stack buffer before
 * the callback sees it, so nothing is allocated per token. The table is
 * applied a block of 64 bytes at once (SSE2 where there is SSE2) as bit
 * words: ASCII letters and digits, connectors, bytes >= 0x80. A few
 * shifts turn them into the block's ASCII runs (a connector between two
 * letters or digits joins them) and where each starts, so an ASCII token
 * costs two bit counts; only where a byte >= 0x80 starts, ends or
 * continues a token is the text judged one character at a time. An
 * ASCII token is lower-cased eight bytes a step (that is its whole
 * fold); other text goes through utf8proc in short segments decomposed
 * into a fixed codepoint buffer (NFKC + case fold, optionally without
 * marks), then recomposed and encoded.
 */
#include <string.h>

#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "corpus_int.h"

/* Tokens are folded from at most this many bytes of their text. */
#define TOKEN_MAX 64
/* The fold buffer: a token, then zeros to the next eight-byte word and
 * one word more (fold_token stores whole words). */
#define FOLD_BUF (TOKEN_MAX + 16)
/* Non-ASCII text is folded in segments of at most this many bytes... */
#define SEG_BYTES 64
/* ...each of which decomposes into at most this many codepoints (the
 * largest NFKC expansion is 18 codepoints, U+FDFA). */
#define SEG_CPS (SEG_BYTES * 18)

enum {
	O = 0, /* other: separates tokens */
	W = 1, /* word: letter or digit */
	C = 2, /* connector: kept between two word characters */
	M = 3, /* mark or format character: continues a token */
};

static const unsigned char ascii_class[128] = {
	O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0x00 controls */
	O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0x10 controls */
	O, O, O, O, O, O, O, C, O, O, O, O, C, C, C, O, /* ' , - . */
	W, W, W, W, W, W, W, W, W, W, O, O, O, O, O, O, /* 0-9 */
	O, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, /* A-O */
	W, W, W, W, W, W, W, W, W, W, W, O, O, O, O, O, /* P-Z */
	O, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, /* a-o */
	W, W, W, W, W, W, W, W, W, W, W, O, O, O, O, O, /* p-z */
};

/* Class of the character at p (n bytes left); *adv gets its length. */
static int char_class(const unsigned char *p, size_t n, size_t *adv)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;

	if (p[0] < 0x80) {
		*adv = 1;
		return ascii_class[p[0]];
	}
	k = utf8proc_iterate(p, (utf8proc_ssize_t)(n < 4 ? n : 4), &cp);
	if (k <= 0) {
		*adv = 1;
		return O;
	}
	*adv = (size_t)k;
	switch (cp) {
	case 0x2019: /* ’ */
	case 0x02bc: /* ʼ */
	case 0x2010: /* ‐ */
	case 0x2011: /* non-breaking hyphen */
		return C;
	}
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return W;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_CF: /* soft hyphen, zero-width joiner */
		return M;
	default:
		return O;
	}
}

/* Lower-case the eight ASCII bytes of @p v: a byte gets 0x20 where it is
 * at least 'A' (0x41) and below '[' (0x5b); no byte carries into the
 * next, as none is over 0x7f. */
static uint64_t lower8(uint64_t v)
{
	uint64_t up = (v + 0x3f3f3f3f3f3f3f3fULL) &
	              ~(v + 0x2525252525252525ULL) & 0x8080808080808080ULL;

	return v | up >> 2;
}

/* @p v (eight bytes as loaded from memory) with only its first @p k
 * (0..8) bytes kept, the others zero. */
static uint64_t keep_bytes(uint64_t v, size_t k)
{
	uint64_t m = k >= 8 ? ~0ULL : ((uint64_t)1 << (8 * k)) - 1;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	m = __builtin_bswap64(m);
#endif
	return v & m;
}

/* The fold of the token [start, start + cut) into @p folded (FOLD_BUF
 * bytes), NUL-terminated and zero to byte 16 (cdx_token_fn promises
 * it). ASCII folds to its lower case, eight bytes a step, each step's
 * word cut to the token and stored whole, so the zeros after the token
 * come with it; anything else goes through cdx_corpus_fold.
 * @return its length. */
static size_t fold_token(const unsigned char *t, size_t len, size_t start,
                         size_t cut, char *folded)
{
	size_t n = 0, k;
	uint64_t v;

	while (n < cut) {
		k = cut - n < 8 ? cut - n : 8;
		if (start + n + 8 <= len) {
			memcpy(&v, t + start + n, 8);
			v = keep_bytes(v, k);
		} else {
			v = 0;
			memcpy(&v, t + start + n, k);
		}
		if (v & 0x8080808080808080ULL)
			break;
		v = lower8(v);
		memcpy(folded + n, &v, 8); /* n + 8 <= TOKEN_MAX */
		n += k;
	}
	if (n < cut) {
		n = cdx_corpus_fold((const char *)t + start, cut, folded,
		                    TOKEN_MAX + 1, 0);
		if (n < 16)
			memset(folded + n, 0, 16 - n);
		return n;
	}
	/* the last word's zeros end the token; eight more pad it to 16 */
	memset(folded + ((n + 7) & ~(size_t)7), 0, 8);
	return n;
}

/* fold_token() for a token known to be ASCII, with eight bytes of text
 * readable from its last whole word on: no byte to check, no load to
 * shorten. */
static size_t fold_plain(const unsigned char *t, size_t start, size_t cut,
                         char *folded)
{
	size_t n = 0;
	uint64_t v;

	for (; n + 8 <= cut; n += 8) {
		memcpy(&v, t + start + n, 8);
		v = lower8(v);
		memcpy(folded + n, &v, 8);
	}
	memcpy(&v, t + start + n, 8);
	v = lower8(keep_bytes(v, cut - n));
	memcpy(folded + n, &v, 8);
	memset(folded + n + 8, 0, 8);
	return cut;
}

/* ------------------------------------------------------------ blocks */

/* One block's classes, a bit per byte (struct corpus_tok_bits): ASCII
 * letters and digits, bytes >= 0x80, and the ASCII connectors ' , - . */
static void block_scalar(const unsigned char *p, struct corpus_tok_bits *b)
{
	uint64_t w = 0, h = 0, c = 0;

	for (unsigned k = 0; k < CORPUS_TOK_BLOCK; k++) {
		int cls = p[k] < 0x80 ? ascii_class[p[k]] : O;

		w |= (uint64_t)(cls == W) << k;
		c |= (uint64_t)(cls == C) << k;
		h |= (uint64_t)(p[k] >> 7) << k;
	}
	*b = (struct corpus_tok_bits){w, h, c};
}

#ifdef __SSE2__
/* Sixteen bytes a step: a letter is a byte whose value | 0x20 is in
 * 'a'..'z', a digit one in '0'..'9'; each range test is one signed
 * compare after a shift of the range to start at -128 (SSE2 compares
 * bytes signed only). Bytes >= 0x80 land outside both ranges. */
static void block(const unsigned char *p, struct corpus_tok_bits *b)
{
	const __m128i dig_add = _mm_set1_epi8((char)(0x80 - '0'));
	const __m128i dig_lim = _mm_set1_epi8((char)(-128 + 10));
	const __m128i let_add = _mm_set1_epi8((char)(0x80 - 'a'));
	const __m128i let_lim = _mm_set1_epi8((char)(-128 + 26));
	const __m128i case_bit = _mm_set1_epi8(0x20);
	uint64_t w = 0, h = 0, c = 0;

	for (unsigned k = 0; k < CORPUS_TOK_BLOCK; k += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(p + k));
		__m128i d = _mm_cmplt_epi8(_mm_add_epi8(x, dig_add), dig_lim);
		__m128i l = _mm_cmplt_epi8(
			_mm_add_epi8(_mm_or_si128(x, case_bit), let_add),
			let_lim);
		__m128i q = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\'')),
			             _mm_cmpeq_epi8(x, _mm_set1_epi8(','))),
			_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('-')),
			             _mm_cmpeq_epi8(x, _mm_set1_epi8('.'))));

		w |= (uint64_t)(unsigned)_mm_movemask_epi8(
			     _mm_or_si128(d, l)) << k;
		h |= (uint64_t)(unsigned)_mm_movemask_epi8(x) << k;
		c |= (uint64_t)(unsigned)_mm_movemask_epi8(q) << k;
	}
	*b = (struct corpus_tok_bits){w, h, c};
}
#else
#define block block_scalar
#endif

void corpus_tok_block(const unsigned char *p, struct corpus_tok_bits *b)
{
	block(p, b);
}

void corpus_tok_block_scalar(const unsigned char *p,
                             struct corpus_tok_bits *b)
{
	block_scalar(p, b);
}

/* ------------------------------------------------------------ tokens */

/* Is t[i] (i may be len) an ASCII letter or digit? */
static int ascii_word_at(const unsigned char *t, size_t len, size_t i)
{
	return i < len && t[i] < 0x80 && ascii_class[t[i]] == W;
}

/* Where the token that goes on at @p i ends, one character at a time:
 * letters, digits and marks go on, a connector goes on when a letter or
 * digit follows it. */
static size_t slow_end(const unsigned char *t, size_t len, size_t i)
{
	size_t adv, adv2;
	int cls;

	while (i < len) {
		if (t[i] < 0x80 && ascii_class[t[i]] == W) {
			i++;
			continue;
		}
		cls = char_class(t + i, len - i, &adv);
		if (cls == W || cls == M)
			i += adv;
		else if (cls == C && i + adv < len &&
		         char_class(t + i + adv, len - i - adv, &adv2) == W)
			i += adv + adv2;
		else
			break;
	}
	return i;
}

/* The text seen through a block of CORPUS_TOK_BLOCK bytes from base: its
 * ASCII runs (letters and digits, and connectors between two of them:
 * "U.S", "don't", "3,500"), where they start, and its bytes >= 0x80.
 * Past the text's end it reads as separators. */
struct scan {
	const unsigned char *t;
	size_t len;
	size_t base;
	uint64_t run, starts, high;
};

/* Classify the block at @p at; no run is under way there (the caller
 * loads at a token's end, or past a block with nothing left). */
static void scan_load(struct scan *s, size_t at)
{
	struct corpus_tok_bits b;
	uint64_t prev, next, joined;

	s->base = at;
	if (s->len - at >= CORPUS_TOK_BLOCK) {
		block(s->t + at, &b);
	} else {
		unsigned char pad[CORPUS_TOK_BLOCK] = {0};

		memcpy(pad, s->t + at, s->len - at);
		block(pad, &b);
	}
	prev = at > 0 && ascii_word_at(s->t, s->len, at - 1);
	next = ascii_word_at(s->t, s->len, at + CORPUS_TOK_BLOCK);
	joined = b.conn & (b.word << 1 | prev) & (b.word >> 1 | next << 63);
	s->run = b.word | joined;
	s->starts = s->run & ~(s->run << 1 | prev);
	s->high = b.high;
}

/* The fold of [start, start + cut) into @p folded; @p ascii when the
 * token has no byte >= 0x80. */
static size_t fold(const unsigned char *t, size_t len, size_t start,
                   size_t cut, int ascii, char *folded)
{
	if (ascii && start + (cut & ~(size_t)7) + 8 <= len)
		return fold_plain(t, start, cut, folded);
	return fold_token(t, len, start, cut, folded);
}

/*
 * Tokens come from the blocks' bits: the next token starts at the next
 * run start or byte >= 0x80; a run's token ends where the run does,
 * unless a non-ASCII character (or a connector before one) goes on with
 * it, or the run reaches the block's end: there, and for a token that
 * starts non-ASCII, slow_end() judges one character at a time.
 */
int cdx_corpus_tokenize(const char *text, size_t len, cdx_token_fn fn,
                        void *ctx)
{
	const unsigned char *t = (const unsigned char *)text;
	char folded[FOLD_BUF];
	struct scan s = {t, len, 0, 0, 0, 0};
	size_t i = 0, adv, start, cut, n;
	int rc, ascii;

	if (len > 0)
		scan_load(&s, 0);
	while (i < len) {
		uint64_t cand, rest;

		if (i - s.base >= CORPUS_TOK_BLOCK)
			scan_load(&s, i);
		cand = (s.starts | s.high) >> (i - s.base);
		if (cand == 0) {
			i = s.base + CORPUS_TOK_BLOCK;
			continue;
		}
		start = i += (size_t)__builtin_ctzll(cand);
		ascii = t[i] < 0x80;
		if (!ascii) {
			if (char_class(t + i, len - i, &adv) != W) {
				i += adv;
				continue;
			}
			i = slow_end(t, len, i + adv);
		} else if ((rest = ~s.run >> (i - s.base)) == 0) {
			/* the run reaches the block's end: a few more bytes
			 * one at a time cost less than a block */
			i = slow_end(t, len, s.base + CORPUS_TOK_BLOCK);
			ascii = 0; /* unknown past the block */
		} else {
			i += (size_t)__builtin_ctzll(rest);
			if (i < len && (t[i] >= 0x80 ||
			                (ascii_class[t[i]] == C &&
			                 i + 1 < len && t[i + 1] >= 0x80))) {
				i = slow_end(t, len, i);
				ascii = 0;
			}
		}
		/* fold at most TOKEN_MAX bytes, cut at a character boundary */
		cut = i - start;
		if (cut > TOKEN_MAX) {
			cut = TOKEN_MAX;
			while (cut > 0 && (t[start + cut] & 0xc0) == 0x80)
				cut--;
		}
		n = fold(t, len, start, cut, ascii, folded);
		rc = fn(ctx, folded, n, (uint32_t)start, (uint32_t)i);
		if (rc)
			return rc;
	}
	return 0;
}

/* Typographic apostrophes and hyphens fold to their ASCII forms, so that
 * "don’t" and "don't" are one search term. */
static utf8proc_int32_t map_punct(utf8proc_int32_t cp, void *data)
{
	(void)data;
	if (cp == 0x2019 || cp == 0x02bc)
		return '\'';
	if (cp == 0x2010 || cp == 0x2011)
		return '-';
	return cp;
}

/* Encode @p cps into out[*o..cap-1); stops before a codepoint that does
 * not fit. Returns 0 when it stopped early. */
static int encode(const utf8proc_int32_t *cps, utf8proc_ssize_t n,
                  char *out, size_t cap, size_t *o)
{
	utf8proc_uint8_t enc[4];

	for (utf8proc_ssize_t k = 0; k < n; k++) {
		utf8proc_ssize_t w = utf8proc_encode_char(cps[k], enc);

		if (*o + (size_t)w >= cap)
			return 0;
		memcpy(out + *o, enc, (size_t)w);
		*o += (size_t)w;
	}
	return 1;
}

/* Fold one non-ASCII segment [s, s+n); 0 when out is full. */
static int fold_segment(const char *s, size_t n, char *out, size_t cap,
                        size_t *o, utf8proc_option_t opts)
{
	utf8proc_int32_t cps[SEG_CPS];
	utf8proc_ssize_t k;

	k = utf8proc_decompose_custom((const utf8proc_uint8_t *)s,
	                              (utf8proc_ssize_t)n, cps, SEG_CPS, opts,
	                              map_punct, NULL);
	if (k >= 0 && k <= SEG_CPS) {
		k = utf8proc_normalize_utf32(cps, k, opts);
		if (k >= 0)
			return encode(cps, k, out, cap, o);
	}
	/* invalid UTF-8 inside: fold what is valid, one character at a time */
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t w =
			utf8proc_iterate((const utf8proc_uint8_t *)s + i,
			                 (utf8proc_ssize_t)(n - i), &cp);

		if (w <= 0) {
			i++;
			continue;
		}
		k = utf8proc_decompose_custom((const utf8proc_uint8_t *)s + i,
		                              w, cps, SEG_CPS, opts, map_punct,
		                              NULL);
		i += (size_t)w;
		if (k < 0 || k > SEG_CPS)
			continue;
		k = utf8proc_normalize_utf32(cps, k, opts);
		if (k >= 0 && !encode(cps, k, out, cap, o))
			return 0;
	}
	return 1;
}

size_t cdx_corpus_fold(const char *s, size_t n, char *out, size_t cap,
                       int strip_marks)
{
	utf8proc_option_t opts = UTF8PROC_CASEFOLD | UTF8PROC_COMPAT |
	                         UTF8PROC_COMPOSE | UTF8PROC_STABLE |
	                         UTF8PROC_IGNORE;
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, j;

	if (cap == 0)
		return 0;
	if (strip_marks)
		opts |= UTF8PROC_STRIPMARK;
	while (i < n) {
		/* an ASCII character that no following mark can combine with */
		if (p[i] < 0x80 && (i + 1 == n || p[i + 1] < 0x80)) {
			if (o + 1 >= cap)
				break;
			unsigned c = p[i];

			out[o++] = (char)(c - 'A' < 26u ? c | 0x20 : c);
			i++;
			continue;
		}
		/* a segment up to the next such ASCII character */
		for (j = i + 1; j < n && j - i < SEG_BYTES; j++)
			if (p[j] < 0x80 && (j + 1 == n || p[j + 1] < 0x80))
				break;
		while (j < n && j > i + 1 && (p[j] & 0xc0) == 0x80)
			j--; /* cut at a character boundary */
		if (!fold_segment(s + i, j - i, out, cap, &o, opts))
			break;
		i = j;
	}
	out[o] = '\0';
	return o;
}
