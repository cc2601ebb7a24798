/*
 * test_corpus_tokscan.c — the block-at-a-time scans of the tokenizer and
 * of the readers' checks give what their byte-at-a-time definitions give:
 * the block classes (SSE2 or not) equal the scalar ones on every byte
 * value at every position; tokens (spans, folds, the zero padding the
 * callback is promised) equal those of the tokenizer as first written,
 * on texts of every length 0..160 built from ASCII words, connectors,
 * multi-byte letters, marks and invalid bytes; the binary sniff and
 * charset guess agree with bytewise rules at every tail length 0..40.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

#include "corpus_int.h"
#include "test_corpus.h"

/* xorshift, so failures repeat */
static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 16);
}

static void same_bits(const unsigned char *b)
{
	struct corpus_tok_bits x, y;

	corpus_tok_block(b, &x);
	corpus_tok_block_scalar(b, &y);
	ck_assert_uint_eq(x.word, y.word);
	ck_assert_uint_eq(x.high, y.high);
	ck_assert_uint_eq(x.conn, y.conn);
}

START_TEST(block_classes_match_scalar)
{
	unsigned char b[CORPUS_TOK_BLOCK];
	struct corpus_tok_bits y;
	uint64_t s = 99;

	/* every byte value at every position, in a block of each value */
	for (unsigned fill = 0; fill < 256; fill += 17)
		for (unsigned at = 0; at < CORPUS_TOK_BLOCK; at++)
			for (unsigned v = 0; v < 256; v++) {
				memset(b, (int)fill, sizeof b);
				b[at] = (unsigned char)v;
				same_bits(b);
			}
	for (unsigned rep = 0; rep < 2000; rep++) {
		for (size_t i = 0; i < sizeof b; i++)
			b[i] = (unsigned char)rnd(&s);
		same_bits(b);
	}
	/* the scalar definition itself */
	memset(b, ' ', sizeof b);
	memcpy(b, "aZ09@[`{/:\x80\xff',-.", 16);
	corpus_tok_block_scalar(b, &y);
	ck_assert_uint_eq(y.word, 0xfu);
	ck_assert_uint_eq(y.high, 0xc00u);
	ck_assert_uint_eq(y.conn, 0xf000u);
}
END_TEST

/* ---- the tokenizer as first written: one byte or character a step -- */

enum { RO, RW, RC, RM };

static int ref_class(const unsigned char *p, size_t n, size_t *adv)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;

	if (p[0] < 0x80) {
		*adv = 1;
		if ((unsigned)((p[0] | 0x20) - 'a') < 26u ||
		    (unsigned)(p[0] - '0') < 10u)
			return RW;
		return strchr("',-.", p[0]) && p[0] ? RC : RO;
	}
	k = utf8proc_iterate(p, (utf8proc_ssize_t)(n < 4 ? n : 4), &cp);
	if (k <= 0) {
		*adv = 1;
		return RO;
	}
	*adv = (size_t)k;
	if (cp == 0x2019 || cp == 0x02bc || cp == 0x2010 || cp == 0x2011)
		return RC;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return RW;
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_CF:
		return RM;
	default:
		return RO;
	}
}

struct span {
	uint32_t start, end;
};

/* The reference spans of @p t into @p out (at most @p max). */
static size_t ref_spans(const unsigned char *t, size_t len, struct span *out,
                        size_t max)
{
	size_t i = 0, n = 0, adv, adv2, start;

	while (i < len) {
		if (ref_class(t + i, len - i, &adv) != RW) {
			i += adv;
			continue;
		}
		start = i;
		i += adv;
		while (i < len) {
			int c = ref_class(t + i, len - i, &adv);

			if (c == RW || c == RM)
				i += adv;
			else if (c == RC && i + adv < len &&
			         ref_class(t + i + adv, len - i - adv,
			                   &adv2) == RW)
				i += adv + adv2;
			else
				break;
		}
		ck_assert_uint_lt(n, max);
		out[n++] = (struct span){(uint32_t)start, (uint32_t)i};
	}
	return n;
}

struct got {
	const char *text;
	struct span v[400];
	size_t n;
};

/* Record the span; check the fold and the zeros after it. */
static int on_tok(void *ctx, const char *folded, size_t n, uint32_t start,
                  uint32_t end)
{
	struct got *g = ctx;
	char want[65];
	size_t cut = end - start, k;

	if (cut > 64) {
		cut = 64;
		while (cut > 0 &&
		       ((unsigned char)g->text[start + cut] & 0xc0) == 0x80)
			cut--;
	}
	k = cdx_corpus_fold(g->text + start, cut, want, sizeof want, 0);
	ck_assert_uint_eq(n, k);
	ck_assert_mem_eq(folded, want, n);
	for (size_t i = n; i < 16 || i == n; i++)
		ck_assert_int_eq(folded[i], 0);
	ck_assert_uint_lt(g->n, sizeof g->v / sizeof g->v[0]);
	g->v[g->n++] = (struct span){start, end};
	return 0;
}

static void same_tokens(const char *text, size_t len)
{
	static struct got g;
	struct span want[400];
	size_t n;

	g.text = text;
	g.n = 0;
	n = ref_spans((const unsigned char *)text, len, want, 400);
	ck_assert_int_eq(cdx_corpus_tokenize(text, len, on_tok, &g), 0);
	ck_assert_uint_eq(g.n, n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(g.v[i].start, want[i].start);
		ck_assert_uint_eq(g.v[i].end, want[i].end);
	}
}

START_TEST(tokens_match_bytewise_tokenizer)
{
	static const char *const pieces[] = {
		"a", "Word", "MARKET", "12", "x9", " ", "  ", "\n", ".", ",",
		"'", "-", "U.S.", "3,500.25", "don't", "e-mail", "end.",
		"caf\xc3\xa9", "\xc3\x89", "it\xe2\x80\x99s", "\xe2\x80\x99",
		"\xe2\x80\x90", "co\xe2\x80\x91op", "soft\xc2\xadhyphen",
		"e\xcc\x81", "\xcc\x81", "\xe2\x80\x94", "\x80", "\xff", "\xc3",
		"\xe2\x80", "\xe4\xb8\xad\xe6\x96\x87", "\xce\xa3\xcf\x8e",
		"@", "_", "abcdefgh", "abcdefghi", "abcdefghijklmnop",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789ABCDEFGHIJ",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"\xc3\xa9xyzxyz",
	};
	char text[200];
	uint64_t s = 5;

	/* every length 0..160, each a few times, cut anywhere (even inside
	 * a character: a text's end may fall anywhere) */
	for (size_t len = 0; len <= 160; len++)
		for (unsigned rep = 0; rep < 12; rep++) {
			size_t n = 0;

			while (n < len) {
				const char *p = pieces[rnd(&s) %
				                       (sizeof pieces /
				                        sizeof *pieces)];
				size_t k = strlen(p);

				if (k > len - n)
					k = len - n;
				memcpy(text + n, p, k);
				n += k;
			}
			/* bytes past the end must not matter */
			memset(text + len, rnd(&s) % 2 ? 'q' : 0,
			       sizeof text - len);
			same_tokens(text, len);
		}
}
END_TEST

/* A long text: blocks are reloaded across tokens and long runs. */
START_TEST(tokens_across_blocks)
{
	static char text[5000];
	uint64_t s = 11;
	size_t n = 0;

	while (n < sizeof text - 250) { /* a word, an é and a gap fit */
		unsigned k = rnd(&s) % 140 + 1, gap = rnd(&s) % 70 + 1;

		for (unsigned i = 0; i < k; i++)
			text[n++] = (char)('a' + rnd(&s) % 26);
		if (rnd(&s) % 5 == 0) {
			memcpy(text + n, "\xc3\xa9", 2);
			n += 2;
		}
		for (unsigned i = 0; i < gap; i++)
			text[n++] = rnd(&s) % 9 ? ' ' : '.';
	}
	for (size_t len = n - 70; len <= n; len++)
		same_tokens(text, len);
}
END_TEST

/* ---- binary sniff and charset guess at every short length ---------- */

static int ref_binary(const unsigned char *p, size_t n)
{
	size_t nul = 0, ctl = 0;

	if (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) ||
	               (p[0] == 0xfe && p[1] == 0xff)))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == 0)
			nul++;
		else if ((p[i] < 0x20 && !strchr("\t\n\r\f\v\x1b", p[i])) ||
		         p[i] == 0x7f)
			ctl++;
	}
	return (nul >= 16 || (nul > 2 && nul * 100 > n)) ||
	       (nul + ctl) * 10 > n;
}

START_TEST(sniffs_at_every_tail_length)
{
	unsigned char b[48];
	static const unsigned char odd[] = {0x00, 0x01, 0x1f, 0x7f, 0x80,
	                                    0xc3, 0xa9, 0xff, 0x20, 0x1b};

	for (size_t len = 0; len <= 40; len++)
		for (size_t at = 0; at < len; at++)
			for (size_t o = 0; o < sizeof odd; o++) {
				size_t bad1, bad2 = 0;
				int multi = 0, bad = 0;

				memset(b, 'a', sizeof b);
				b[at] = odd[o];
				if (at + 7 < len)
					b[at + 7] = odd[(o + 3) % sizeof odd];
				ck_assert_int_eq(
					corpus_is_binary((const char *)b, len,
					                 NULL, 0),
					ref_binary(b, len));
				for (size_t i = 0; i < len;) {
					size_t k;

					if (b[i] < 0x80) {
						i++;
						continue;
					}
					k = corpus_utf8_seqlen(b + i, len - i);
					if (k) {
						multi = 1;
						i += k;
						continue;
					}
					if (bad++ == 0)
						bad2 = i;
					i++;
				}
				ck_assert_int_eq(
					corpus_guess_charset((const char *)b,
					                     len, &bad1),
					bad == 0 ? CORPUS_UTF8
					: multi  ? CORPUS_UTF8_DAMAGED
					         : CORPUS_LEGACY);
				ck_assert_uint_eq(bad1, bad2);
			}
}
END_TEST

/* A sentence end at every offset of a text longer than a step. */
START_TEST(sentence_end_at_every_offset)
{
	for (size_t at = 3; at < 60; at++) { /* "A." is an initial */
		char text[128];
		struct cdx_doc *d = NULL;

		memset(text, 'x', sizeof text);
		text[0] = 'A';
		memcpy(text + at, ". Next", 6);
		ck_assert_int_eq(cdx_doc_new(&d, "s", NULL, NULL, text, 100,
		                             NULL), CDX_OK);
		ck_assert_uint_eq(d->n_sents, 2);
		ck_assert_uint_eq(d->sents[0].end, at + 1);
		ck_assert_uint_eq(d->sents[1].start, at + 2);
		cdx_doc_free(d);
	}
}
END_TEST

TCase *corpus_tokscan_tcase(void)
{
	TCase *tc = tcase_create("block scans");

	tcase_add_test(tc, block_classes_match_scalar);
	tcase_add_test(tc, tokens_match_bytewise_tokenizer);
	tcase_add_test(tc, tokens_across_blocks);
	tcase_add_test(tc, sniffs_at_every_tail_length);
	tcase_add_test(tc, sentence_end_at_every_offset);
	return tc;
}
