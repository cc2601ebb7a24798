/*
 * tokenize.c — word tokens with byte offsets, and Unicode case folding.
 *
 * The tokenizer is one pass over the text in the FTS5 manner: ASCII bytes
 * are classified by a 128-entry table, other characters by their Unicode
 * category (utf8proc), and each token is folded into a stack buffer before
 * the callback sees it, so nothing is allocated per token. An ASCII token
 * is lower-cased eight bytes a step (that is its whole fold); other text
 * goes through utf8proc in short segments decomposed into a fixed
 * codepoint buffer (NFKC + case fold, optionally without marks), then
 * recomposed and encoded.
 */
#include <string.h>

#include <utf8proc.h>

#include "corpus_int.h"

/* Tokens are folded from at most this many bytes of their text. */
#define TOKEN_MAX 64
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

/* The fold of the token [start, start + cut) into @p folded (TOKEN_MAX
 * + 1 bytes): ASCII folds to its lower case, eight bytes a step while
 * the text has eight (bytes past the token are folded too, unread);
 * anything else goes through cdx_corpus_fold. @return its length. */
static size_t fold_token(const unsigned char *t, size_t len, size_t start,
                         size_t cut, char *folded)
{
	size_t n = 0;
	uint64_t v;

	while (n < cut && start + n + 8 <= len) {
		memcpy(&v, t + start + n, 8);
		if (v & 0x8080808080808080ULL)
			break;
		v = lower8(v);
		memcpy(folded + n, &v, 8); /* n + 8 <= TOKEN_MAX */
		n += 8;
	}
	if (n > cut)
		n = cut;
	for (; n < cut && t[start + n] < 0x80; n++) {
		unsigned c = t[start + n];

		folded[n] = (char)(c - 'A' < 26u ? c | 0x20 : c);
	}
	if (n < cut)
		return cdx_corpus_fold((const char *)t + start, cut, folded,
		                       TOKEN_MAX + 1, 0);
	folded[n] = '\0';
	return n;
}

int cdx_corpus_tokenize(const char *text, size_t len, cdx_token_fn fn,
                        void *ctx)
{
	const unsigned char *t = (const unsigned char *)text;
	char folded[TOKEN_MAX + 1];
	size_t i = 0, adv, adv2, start, cut, n;
	int cls, rc;

	while (i < len) {
		if (t[i] < 0x80) {
			if (ascii_class[t[i]] != W) {
				i++;
				continue;
			}
			adv = 1;
		} else if (char_class(t + i, len - i, &adv) != W) {
			i += adv;
			continue;
		}
		start = i;
		i += adv;
		while (i < len) {
			/* most of a token is ASCII letters and digits */
			if (t[i] < 0x80 && ascii_class[t[i]] == W) {
				i++;
				continue;
			}
			cls = char_class(t + i, len - i, &adv);
			if (cls == W || cls == M) {
				i += adv;
			} else if (cls == C && i + adv < len &&
			           char_class(t + i + adv, len - i - adv,
			                      &adv2) == W) {
				i += adv + adv2;
			} else {
				break;
			}
		}
		/* fold at most TOKEN_MAX bytes, cut at a character boundary */
		cut = i - start;
		if (cut > TOKEN_MAX) {
			cut = TOKEN_MAX;
			while (cut > 0 && (t[start + cut] & 0xc0) == 0x80)
				cut--;
		}
		n = fold_token(t, len, start, cut, folded);
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
