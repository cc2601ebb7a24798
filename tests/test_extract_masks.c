/*
 * test_extract_masks.c — part of the extract suite: a text's byte classes
 * as bit masks (masks.c), filled with SSE2 and byte by byte, which must
 * agree with each other and with byte_class[] on every tail length, on
 * every byte value (0x80 and up in no class) and on texts allocated to
 * their exact size (so a sanitizer build sees any read past the end); the
 * helpers that walk the masks, against byte loops; and the test of
 * datecheck.c that lets the sentence loop run the figure pattern without
 * its date branch, which must never change a match: where it says no date
 * can match, both patterns give the same match, on made-up texts and on
 * BBC articles.
 *
 * Texts are made up for these tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"
#include "test_extract.h"
#include "testutil.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* A deterministic byte stream: every value, 0x80 and up included. */
static unsigned char noise(uint32_t *st)
{
	*st = *st * 1103515245u + 12345u;
	return (unsigned char)(*st >> 16);
}

/* Text @p kind of @p n bytes, in a buffer of exactly that size. */
static char *make_text(int kind, size_t n, uint32_t seed)
{
	static const char prose[] = "Copper rose 12% to $3.5bn in May; "
	                            "G20 caf\xc3\xa9 NORLAND-Zinc\t\n x ";
	char *t = malloc(n ? n : 1);
	uint32_t st = seed;

	ck_assert_ptr_nonnull(t);
	for (size_t i = 0; i < n; i++)
		t[i] = kind == 0 ? (char)(i & 0xff) :
		       kind == 1 ? (char)noise(&st) :
		                   prose[(i + seed) % (sizeof(prose) - 1)];
	return t;
}

static int bit(uint64_t m, size_t k)
{
	return (int)(m >> k & 1);
}

/* The masks of [t, t+n) against byte_class[], byte by byte. */
static void check_masks(const struct masks *m, const char *t, size_t n)
{
	ck_assert_uint_eq(m->n, (n + 63) / 64);
	for (size_t k = 0; k <= m->n; k++) {
		for (size_t j = 0; j < 64; j++) {
			size_t i = 64 * k + j;
			unsigned c = i < n ? byte_class[(unsigned char)t[i]] : 0;
			const struct mask_blk *b = &m->b[k];

			ck_assert_int_eq(bit(b->alnum, j),
			                 (c & (BC_DIGIT | BC_LOWER | BC_UPPER)) != 0);
			ck_assert_int_eq(bit(b->digit, j), (c & BC_DIGIT) != 0);
			ck_assert_int_eq(bit(b->upper, j), (c & BC_UPPER) != 0);
			ck_assert_int_eq(bit(b->blank, j), i < n && t[i] == ' ');
		}
	}
}

/* SSE2 (where there is SSE2) and the byte loop, on every length up to
 * three blocks and a bit: every tail length 0..63 of a block. */
START_TEST(masks_simd_and_bytes_agree)
{
	struct masks a = {NULL, 0, 0}, b = {NULL, 0, 0};

	for (size_t n = 0; n <= 200; n++) {
		char *t = make_text(_i, n, (uint32_t)n);

		ck_assert_int_eq(extract_masks_fill_with(&a, t, n, 1), CDX_OK);
		ck_assert_int_eq(extract_masks_fill_with(&b, t, n, 0), CDX_OK);
		check_masks(&a, t, n);
		check_masks(&b, t, n);
		ck_assert_int_eq(memcmp(a.b, b.b, (a.n + 1) * sizeof(*a.b)), 0);
		free(t);
	}
	extract_masks_release(&a);
	extract_masks_release(&b);
	extract_masks_release(&a); /* twice: released is empty */
}
END_TEST

/* The helpers that step through the masks, against byte loops, from
 * every offset of texts across block edges. */
START_TEST(masks_helpers_match_bytes)
{
	struct masks m = {NULL, 0, 0};

	for (size_t n = 0; n <= 150; n += 7) {
		char *t = make_text(2, n, (uint32_t)n);

		ck_assert_int_eq(extract_masks_fill(&m, t, n), CDX_OK);
		for (size_t i = 0; i < n; i++) {
			size_t e = i, u = i;
			int start = is_alnum((unsigned char)t[i]) &&
			            (i == 0 || !is_alnum((unsigned char)t[i - 1]));

			while (e < n && is_alnum((unsigned char)t[e]))
				e++;
			ck_assert_uint_eq(masks_run_end(&m, i, mask_alnum), e);
			e = i;
			while (e < n && (byte_class[(unsigned char)t[e]] &
			                 (BC_LOWER | BC_UPPER)))
				e++;
			ck_assert_uint_eq(masks_run_end(&m, i, mask_letter), e);
			while (u < n && !(byte_class[(unsigned char)t[u]] &
			                  BC_UPPER))
				u++;
			ck_assert_uint_eq(masks_next_upper(&m, i, n), u);
			ck_assert_int_eq(bit(masks_word_starts(&m, i / 64),
			                     i % 64), start);
		}
		ck_assert_uint_eq(masks_next_upper(&m, n, n), n);
		for (size_t k = 0; k < m.n; k++)
			for (size_t from = 0; from <= n; from += 5)
				for (size_t to = from; to <= n; to += 3) {
					uint64_t want = 0;

					for (size_t j = 0; j < 64; j++)
						if (64 * k + j >= from &&
						    64 * k + j < to)
							want |= (uint64_t)1 << j;
					ck_assert_uint_eq(masks_span(k, from, to),
					                  want);
				}
		free(t);
	}
	extract_masks_release(&m);
}
END_TEST

static const struct date_row {
	const char *text;
	size_t at;
	int possible;
} date_rows[] = {
	{"in 2004 sales", 3, 1},          /* a year */
	{"by 1899, then", 3, 1},
	{"5 May 2004", 0, 1},             /* a day before a month */
	{"the 21st  by June", 4, 0},      /* "by": no month starts so */
	{"the 21st June", 4, 1},
	{"on 3RD\tmarch", 3, 1},          /* any case, any white space */
	{"17 inch monitors", 0, 0},       /* no month after the day */
	{"$412bn last year", 1, 0},       /* three digits: no day */
	{"2,000 jobs", 0, 0},             /* "2," is no year */
	{"200 jobs", 0, 0},
	{"20% of", 0, 0},
	{"7", 0, 0},                      /* the text's end */
	{"seven sides", 0, 0},            /* a number word */
	{"May 5", 0, 1},                  /* a month */
	{"last year", 5, 1},              /* a relative unit */
	{"in March", 3, 1},
	{"\xc2\xbd of it", 0, 1},         /* a symbol: not decided */
	{".5 points", 0, 1},
};

START_TEST(date_possible_rows)
{
	const struct date_row *r = &date_rows[_i];
	size_t n = strlen(r->text);
	char *t = make_text(2, n, 0);

	memcpy(t, r->text, n);
	ck_assert_msg(extract_date_possible(&xt_ex->trig, t, n, r->at) ==
	              r->possible, "'%s' at %zu", r->text, r->at);
	free(t);
}
END_TEST

/*
 * The sentence loop's matches over [t, t+len), trigger by trigger: where
 * extract_date_possible() says no date can match, the pattern without its
 * date branch must give what the whole pattern gives. Returns how many
 * triggers it compared.
 */
static size_t check_date_cut(const char *t, size_t len)
{
	const struct pattern *p = &xt_ex->pat;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(p->code,
	                                                            NULL);
	pcre2_match_data *mf = pcre2_match_data_create_from_pattern(p->code,
	                                                            NULL);
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	uint32_t groups = pcre2_get_ovector_count(md);
	size_t pos = 0, compared = 0;

	ck_assert_ptr_nonnull(md);
	ck_assert_ptr_nonnull(mf);
	ck_assert_ptr_nonnull(mc);
	while (pos < len) {
		size_t at = extract_next_trigger(&xt_ex->trig, t, len, pos), ws;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		PCRE2_SIZE *of = pcre2_get_ovector_pointer(mf);
		int rc, rf;

		if (at >= len)
			break;
		ws = extract_window_start(&xt_ex->trig, t, pos, at);
		pcre2_set_offset_limit(mc, at);
		rc = extract_pattern_match(p, 1, t, len, ws, md, mc);
		if (!extract_date_possible(&xt_ex->trig, t, len, at)) {
			rf = extract_pattern_match(p, 0, t, len, ws, mf, mc);
			ck_assert_msg(rc == PCRE2_ERROR_NOMATCH ?
			              rf == rc : rf > 0,
			              "'%.*s': %d and %d", (int)(len - ws > 40 ?
			              40 : len - ws), t + ws, rc, rf);
			for (uint32_t g = 0; rc > 0 && g < 2 * groups; g++)
				ck_assert_msg(ov[g] == of[g], "'%.*s': slot %u",
				              (int)(len - ws > 40 ? 40 : len - ws),
				              t + ws, g);
			compared++;
		}
		ck_assert_int_ge(rc, PCRE2_ERROR_NOMATCH);
		pos = rc == PCRE2_ERROR_NOMATCH ? at + 1 :
		      ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	pcre2_match_context_free(mc);
	pcre2_match_data_free(md);
	pcre2_match_data_free(mf);
	return compared;
}

static const char *const cut_texts[] = {
	"Sales rose 12% to $3.5bn in the 12 months to 5 May 2004, and 17 "
	"inch screens cost 200 euros.",
	"In 1999 it made seven of the 21st June deliveries; half of them "
	"in 2001-2003, up 3.5 times from 2,000 tonnes.",
	"On 3rd March, last year's 40,000 jobs; by mid-2025 a third of "
	"US$40m, 1830 GMT, 5th  of June, 10 Downing Street.",
	"1 2 3 4 5 6 7 8 9 10 11 12 99 100 1800 1850 1900 2000 2099 2100",
};

START_TEST(date_cut_keeps_matches)
{
	const char *s = cut_texts[_i];
	size_t n = strlen(s);
	char *t = make_text(2, n, 0);

	memcpy(t, s, n);
	ck_assert_uint_gt(check_date_cut(t, n), 0);
	free(t);
}
END_TEST

/* Every tenth article of the BBC corpus (its first 2 KiB, the longest
 * piece a sentence is). */
START_TEST(date_cut_keeps_matches_bbc)
{
	CDX_SKIP_WITHOUT_SHARED(shared);
	static const char *const dirs[] = {"business", "entertainment",
	                                   "politics", "sport", "tech"};
	size_t compared = 0;

	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++)
		for (int f = 1; f <= 400; f += 10) {
			char path[4096], *buf;
			FILE *fp;
			long n;

			snprintf(path, sizeof(path), "%s/corpora/bbc-news/%s/"
			         "%03d.txt", shared, dirs[d], f);
			fp = fopen(path, "rb");
			if (fp == NULL)
				continue;
			fseek(fp, 0, SEEK_END);
			n = ftell(fp);
			fseek(fp, 0, SEEK_SET);
			buf = malloc(n > 0 ? (size_t)n : 1);
			ck_assert_ptr_nonnull(buf);
			ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp),
			                  (size_t)n);
			fclose(fp);
			compared += check_date_cut(buf, n > 2048 ? 2048 :
			                                         (size_t)n);
			free(buf);
		}
	ck_assert_uint_gt(compared, 100);
}
END_TEST

void extract_masks_cases(Suite *s)
{
	TCase *tc = tcase_create("byte masks, the date branch cut");

	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, masks_simd_and_bytes_agree, 0, 3);
	tcase_add_test(tc, masks_helpers_match_bytes);
	tcase_add_loop_test(tc, date_possible_rows, 0, NROWS(date_rows));
	tcase_add_loop_test(tc, date_cut_keeps_matches, 0, NROWS(cut_texts));
	suite_add_tcase(s, tc);

	tc = tcase_create("the date branch cut on BBC articles");
	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_set_timeout(tc, 120); /* a sanitizer build is slow */
	tcase_add_test(tc, date_cut_keeps_matches_bbc);
	suite_add_tcase(s, tc);
}
