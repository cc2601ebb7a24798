/*
 * test_corpus_scan.c — the word-at-a-time fast paths of the corpus scans
 * give what the plain byte-by-byte definitions give: binary sniffing
 * (verdict and message), the charset guess (verdict and first bad byte),
 * token folds (an ASCII token lower-cased eight bytes a step equals its
 * cdx_corpus_fold, at every alignment and near the text's end), and
 * sentence ends and abbreviations found at every alignment.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus_int.h"
#include "test_corpus.h"

/* A small deterministic generator (xorshift), so failures repeat. */
static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 16);
}

/* corpus_is_binary() as first written: one byte at a time. */
static int ref_is_binary(const char *data, size_t len, char *why,
                         size_t cap)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t n = len < 8192 ? len : 8192, nul = 0, ctl = 0;
	size_t first = SIZE_MAX;

	if (len >= 2 && ((p[0] == 0xff && p[1] == 0xfe) ||
	                 (p[0] == 0xfe && p[1] == 0xff)))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == 0)
			nul++;
		else if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' &&
		          p[i] != '\r' && p[i] != '\f' && p[i] != '\v' &&
		          p[i] != 0x1b) || p[i] == 0x7f)
			ctl++;
		else
			continue;
		if (first == SIZE_MAX)
			first = i;
	}
	if ((nul >= 16 || (nul > 2 && nul * 100 > n)) ||
	    (nul + ctl) * 10 > n) {
		if (p[first])
			snprintf(why, cap, "control byte 0x%02x at byte %zu",
			         p[first], first);
		else
			snprintf(why, cap, "NUL at byte %zu", first);
		return 1;
	}
	return 0;
}

/* Bytes that matter to the scans, and plain ones. */
static const unsigned char mix[] = {
	'a', 'Z', ' ', '.', '!', '?', '\n', '\t', '\r', '\f', '\v', 0x1b,
	0x00, 0x01, 0x08, 0x1f, 0x7f, 0x80, 0xbf, 0xc3, 0xe2, 0xff, '0', '\'',
};

/* A buffer of @p n bytes: plain letters, with a byte from mix[] about
 * one time in @p every. */
static void fill(unsigned char *b, size_t n, unsigned every, uint64_t *s)
{
	for (size_t i = 0; i < n; i++)
		b[i] = rnd(s) % every == 0 ? mix[rnd(s) % sizeof mix]
		                           : (unsigned char)('a' + rnd(s) % 26);
}

START_TEST(binary_sniff_matches_bytewise)
{
	static unsigned char b[9000];
	static const size_t sizes[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 63, 100,
	                               257, 8191, 8192, 8193, 9000};
	uint64_t s = 0x9e3779b97f4a7c15ULL;

	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++)
		for (unsigned every = 1; every < 64; every += 3)
			for (unsigned rep = 0; rep < 4; rep++) {
				char w1[96] = "", w2[96] = "";
				size_t n = sizes[k];
				int a, r;

				fill(b, n, every, &s);
				a = corpus_is_binary((const char *)b, n, w1,
				                     sizeof w1);
				r = ref_is_binary((const char *)b, n, w2,
				                  sizeof w2);
				ck_assert_int_eq(a, r);
				if (a && b[0] != 0xff && b[0] != 0xfe)
					ck_assert_str_eq(w1, w2);
			}
	/* one control byte at each offset of a 40-byte text */
	for (size_t at = 0; at < 40; at++) {
		char w[96] = "";

		memset(b, 'x', 40);
		b[at] = 0x01;
		ck_assert_int_eq(corpus_is_binary((const char *)b, 40, w,
		                                  sizeof w), 0);
		b[(at + 9) % 40] = 0x7f;
		b[(at + 17) % 40] = 0x00;
		b[(at + 25) % 40] = 0x1f;
		b[(at + 33) % 40] = 0x02;
		ck_assert_int_eq(corpus_is_binary((const char *)b, 40, w,
		                                  sizeof w), 1);
	}
}
END_TEST

/* corpus_guess_charset() as first written. */
static enum corpus_charset ref_charset(const unsigned char *p, size_t len,
                                       size_t *first_bad)
{
	size_t multi = 0, bad = 0, k;

	*first_bad = 0;
	for (size_t i = 0; i < len; i += k) {
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

START_TEST(charset_guess_matches_bytewise)
{
	static const char *const pieces[] = {
		"plain ", "\xc3\xa9", "\xe2\x80\x99", "\xf0\x9f\x98\x80",
		"\xe9", "\x80", "\xc3", "\xe2\x80", "seven b", "12345678",
	};
	uint64_t s = 42;

	for (unsigned rep = 0; rep < 3000; rep++) {
		unsigned char b[256];
		size_t n = 0, f1, f2;
		unsigned parts = rnd(&s) % 24;

		for (unsigned i = 0; i < parts; i++) {
			size_t np = sizeof pieces / sizeof *pieces;
			const char *p = pieces[rnd(&s) % np];
			size_t k = strlen(p);

			memcpy(b + n, p, k);
			n += k;
		}
		ck_assert_int_eq(
			corpus_guess_charset((const char *)b, n, &f1),
			ref_charset(b, n, &f2));
		ck_assert_uint_eq(f1, f2);
	}
}
END_TEST

struct fold_check {
	const char *text;
	size_t tokens;
};

/* Each token's fold must be cdx_corpus_fold of its first TOKEN_MAX
 * (64) bytes cut at a character boundary. */
static int check_fold(void *ctx, const char *folded, size_t n,
                      uint32_t start, uint32_t end)
{
	struct fold_check *c = ctx;
	char want[65];
	size_t cut = end - start, k;

	if (cut > 64) {
		cut = 64;
		while (cut > 0 &&
		       ((unsigned char)c->text[start + cut] & 0xc0) == 0x80)
			cut--;
	}
	k = cdx_corpus_fold(c->text + start, cut, want, sizeof want, 0);
	ck_assert_uint_eq(n, k);
	ck_assert_mem_eq(folded, want, n);
	ck_assert_int_eq(folded[n], '\0');
	c->tokens++;
	return 0;
}

START_TEST(token_folds_match_fold)
{
	static const char *const words[] = {
		"Market", "SHARES", "don't", "e-mail", "U.S.", "3,500",
		"Z\xc3\xbcrich", "caf\xc3\xa9", "na\xc3\xafve", "\xc3\x89lan",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		"ABCDEFGHIJ",
		"Long\xc3\xa9" "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQR"
		"STUVWXYZ\xc3\xa9",
		"x", "Q7", "it\xe2\x80\x99s", "@", "[", "`", "{",
	};
	uint64_t s = 7;

	for (unsigned rep = 0; rep < 400; rep++) {
		char text[600];
		size_t n = 0;
		unsigned k = rnd(&s) % 12;
		struct fold_check c = {text, 0};

		/* shift the words against eight-byte boundaries */
		for (unsigned i = 0; i < rep % 9; i++)
			text[n++] = ' ';
		for (unsigned i = 0; i < k; i++) {
			const char *w = words[rnd(&s) %
			                      (sizeof words / sizeof *words)];

			n += (size_t)snprintf(text + n, sizeof text - n, "%s%s",
			                      w, rnd(&s) % 2 ? " " : ", ");
		}
		/* end on a word: a token runs to the text's end */
		n += (size_t)snprintf(text + n, sizeof text - n, "Ends");
		ck_assert_int_eq(cdx_corpus_tokenize(text, n, check_fold, &c),
		                 0);
		ck_assert_uint_ge(c.tokens, 1);
	}
}
END_TEST

/* Sentence ends and abbreviations at every alignment of the text. */
START_TEST(sentence_ends_at_every_alignment)
{
	for (unsigned shift = 0; shift < 20; shift++) {
		char text[256];
		struct cdx_doc *d = NULL;
		size_t n = 0;

		for (unsigned i = 0; i < shift; i++)
			text[n++] = 'y';
		snprintf(text + n, sizeof text - n,
		         " said it. Dr. Who arrived! Messrs. Hope left? "
		         "U.S. Army won. No. 5 held.");
		ck_assert_int_eq(cdx_doc_new(&d, "s", NULL, NULL, text,
		                             strlen(text), NULL),
		                 CDX_OK);
		ck_assert_uint_eq(d->n_sents, 5);
		/* the first sentence ends after "it." wherever it starts */
		ck_assert_uint_eq(d->sents[0].end, shift + 9);
		ck_assert_mem_eq(text + d->sents[1].start, "Dr. Who arrived!",
		                 16);
		ck_assert_mem_eq(text + d->sents[2].start,
		                 "Messrs. Hope left?", 18);
		ck_assert_mem_eq(text + d->sents[3].start, "U.S. Army won.",
		                 14);
		ck_assert_mem_eq(text + d->sents[4].start, "No. 5 held.", 11);
		cdx_doc_free(d);
	}
}
END_TEST

TCase *corpus_scan_tcase(void)
{
	TCase *tc = tcase_create("fast scans");

	tcase_add_test(tc, binary_sniff_matches_bytewise);
	tcase_add_test(tc, charset_guess_matches_bytewise);
	tcase_add_test(tc, token_folds_match_fold);
	tcase_add_test(tc, sentence_ends_at_every_alignment);
	return tc;
}
