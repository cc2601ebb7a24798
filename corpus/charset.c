/*
 * charset.c — getting inputs that are not UTF-8 into UTF-8: UTF-16 with a
 * byte order mark, and legacy 8-bit text (ISO-8859-1 / Windows-1252).
 *
 * The one idea: a file is legacy 8-bit text when it has bytes >= 0x80 and
 * not one of them starts a valid multi-byte UTF-8 sequence. Real UTF-8
 * with a few damaged bytes still has valid sequences around them and is
 * repaired in place (doc.c, offsets kept); legacy text has none, so
 * repairing it would blank every accented letter, while decoding it as
 * Windows-1252 (a superset of ISO-8859-1's printable characters) keeps
 * them. Decoding changes byte lengths, so such a file's offsets are into
 * its UTF-8 text, not its bytes (docs/errors.md says so).
 */
#include <stdlib.h>
#include <string.h>

#include "corpus_int.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Windows-1252's 0x80..0x9f; 0 where the code page defines nothing. */
static const uint16_t cp1252_high[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

static size_t put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

char *corpus_utf16_to_utf8(const unsigned char *p, size_t len,
                           size_t *outlen)
{
	int be = p[0] == 0xfe;
	size_t i, n = 0;
	char *out = malloc(len / 2 * 3 + 4);

	if (out == NULL)
		return NULL;
	for (i = 2; i + 1 < len; i += 2) {
		unsigned cp = be ? (unsigned)(p[i] << 8 | p[i + 1])
		                 : (unsigned)(p[i + 1] << 8 | p[i]);

		if (cp >= 0xd800 && cp <= 0xdbff && i + 3 < len) {
			unsigned lo = be ? (p[i + 2] << 8 | p[i + 3])
			                 : (p[i + 3] << 8 | p[i + 2]);

			if (lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				i += 2;
			}
		}
		if (cp >= 0xd800 && cp <= 0xdfff)
			cp = 0xfffd; /* a lone surrogate */
		n += put_utf8(out + n, cp);
	}
	if (i < len) /* an odd byte out */
		n += put_utf8(out + n, 0xfffd);
	out[n] = '\0';
	*outlen = n;
	return out;
}

char *corpus_cp1252_to_utf8(const unsigned char *p, size_t len,
                            size_t *outlen)
{
	size_t n = 0;
	char *out;

	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	out = malloc(len * 3 + 1); /* U+20AC, the widest, takes 3 bytes */
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned cp = p[i];

		if (cp >= 0x80 && cp < 0xa0)
			cp = cp1252_high[cp - 0x80] ? cp1252_high[cp - 0x80]
			                            : 0xfffd;
		n += put_utf8(out + n, cp);
	}
	out[n] = '\0';
	*outlen = n;
	return out;
}

enum corpus_charset corpus_guess_charset(const char *data, size_t len,
                                         size_t *first_bad)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t multi = 0, bad = 0, k;

	*first_bad = 0;
	for (size_t i = 0; i < len; i += k) {
		uint64_t v;

		/* skip ASCII quickly, sixteen or eight bytes a step where it
		 * can: it says nothing either way */
#ifdef __SSE2__
		if (i + 16 <= len &&
		    _mm_movemask_epi8(_mm_loadu_si128(
			    (const __m128i *)(p + i))) == 0) {
			k = 16;
			continue;
		}
#endif
		if (i + 8 <= len) {
			memcpy(&v, p + i, 8);
			if ((v & 0x8080808080808080ULL) == 0) {
				k = 8;
				continue;
			}
		}
		if (p[i] < 0x80) {
			k = 1;
			continue;
		}
		k = corpus_utf8_seqlen(p + i, len - i);
		if (k) {
			multi++;
			continue;
		}
		if (bad++ == 0)
			*first_bad = i;
		k = 1;
	}
	if (bad == 0)
		return CORPUS_UTF8;
	return multi > 0 ? CORPUS_UTF8_DAMAGED : CORPUS_LEGACY;
}

int corpus_xml_decl_encoding(const char *data, size_t n)
{
	const char *gt;

	if (n < 5 || memcmp(data, "<?xml", 5) != 0)
		return 0;
	gt = memchr(data, '>', n);
	for (const char *p = data; gt && p + 8 <= gt; p++)
		if (memcmp(p, "encoding", 8) == 0)
			return 1;
	return 0;
}
