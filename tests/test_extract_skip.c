/*
 * test_extract_skip.c — part of the extract suite: the tests that let the
 * sentence loop skip work, each of which must only ever rule out what
 * could not have been found. A trigger word no match can hold
 * (extract_trigger_hopeless(): a fraction with no "of" after it, a
 * relative unit with no relative word before it, an agreement word): the
 * pattern finds nothing from its window. A word leading no name where it
 * stands (gz_may_lead(): "the" of "the company"): the gazetteer's trie
 * finds nothing there. Window starts (whose prefix words are ruled out by
 * their first byte and length first), names taken from the text (whose
 * word classes are remembered from run to run), and the words of
 * flattened table headers (ruled out by their first byte) keep their
 * results. Each on made-up texts, and on BBC articles when shared/ is
 * there.
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

/* A copy of @p s in a buffer of exactly its length (no NUL after it). */
static char *exact(const char *s)
{
	size_t n = strlen(s);
	char *p = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, s, n);
	return p;
}

/* --------------------------------------------------- hopeless triggers */

static const struct hope_row {
	const char *text;
	const char *word; /* the trigger: its first occurrence */
	int hopeless;
} hope_rows[] = {
	{"It rose a year ago.", "year", 1},
	{"It rose last year.", "year", 0},
	{"It rose LAST   year.", "year", 0},       /* any case, any blanks */
	{"It rose this month.", "month", 0},
	{"It rose in the week to Friday.", "week", 1},
	{"Its third quarter was weak.", "third", 1},
	{"Its third-quarter profit fell.", "third", 1},
	{"It sold a third of its stake.", "third", 0},
	{"It sold half of it.", "half", 0},
	{"It sold half\tOF it.", "half", 0},
	{"It sold half ofit.", "half", 1},          /* "of" must end there */
	{"A half-point cut.", "half", 1},
	{"It sold half", "half", 1},                /* the text's end */
	{"They signed a protocol.", "protocol", 1}, /* no number in it */
	{"It sold one unit.", "one", 0},            /* a number: anything */
	{"It sold two thirds.", "two", 0},
	{"Prices rose in May.", "May", 0},          /* a month */
};

START_TEST(hopeless_rows)
{
	const struct hope_row *r = &hope_rows[_i];
	size_t n = strlen(r->text);
	char *t = exact(r->text);
	size_t at = (size_t)(strstr(r->text, r->word) - r->text);

	ck_assert_int_eq(extract_trigger_hopeless(&xt_ex->trig, t, n, at),
	                 r->hopeless);
	free(t);
}
END_TEST

/*
 * The sentence loop over [t, t+len), trigger by trigger: where
 * extract_trigger_hopeless() says so, the whole pattern (with its date
 * branch) finds nothing from the trigger's window. Returns how many
 * triggers it ruled out.
 */
static size_t check_hopeless(const char *t, size_t len)
{
	const struct pattern *p = &xt_ex->pat;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(p->code,
	                                                            NULL);
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	size_t pos = 0, skipped = 0;

	ck_assert_ptr_nonnull(md);
	ck_assert_ptr_nonnull(mc);
	while (pos < len) {
		size_t at = extract_next_trigger(&xt_ex->trig, t, len, pos), ws;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		int rc;

		if (at >= len)
			break;
		ws = extract_window_start(&xt_ex->trig, t, pos, at);
		pcre2_set_offset_limit(mc, at);
		rc = extract_pattern_match(p, 1, t, len, ws, md, mc);
		ck_assert_int_ge(rc, PCRE2_ERROR_NOMATCH);
		if (extract_trigger_hopeless(&xt_ex->trig, t, len, at)) {
			ck_assert_msg(rc == PCRE2_ERROR_NOMATCH,
			              "'%.*s': hopeless, yet matched",
			              (int)(len - ws > 40 ? 40 : len - ws),
			              t + ws);
			skipped++;
		}
		pos = rc == PCRE2_ERROR_NOMATCH ? at + 1 :
		      ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	pcre2_match_context_free(mc);
	pcre2_match_data_free(md);
	return skipped;
}

static const char *const hope_texts[] = {
	"A year ago the third quarter was weak; last year half of it went, "
	"and this month a quarter-point cut came in the week to May.",
	"Half the year, the fifth month and a fifth of the weeks; next "
	"week, a third. The protocol and the partnership of the year.",
	"year month week half third quarter fifth",
};

START_TEST(hopeless_keeps_matches)
{
	const char *s = hope_texts[_i];
	size_t n = strlen(s);
	char *t = exact(s);

	ck_assert_uint_gt(check_hopeless(t, n), 0);
	free(t);
}
END_TEST

/* ------------------------------------------------- names' first words */

/* gz_may_lead() of the word at @p i of [t, t+len). */
static int may_lead_at(const char *t, size_t len, size_t i)
{
	const struct cdx_extractor *ex = xt_ex;
	uint64_t x = wk_load8(t, len, i);
	size_t j = i + wk_run(x, 1);

	if (j == i + 8)
		while (j < len && is_alnum((unsigned char)t[j]))
			j++;
	return gz_may_lead(&ex->gzf, t, len, j, wk_key(x, j - i));
}

static const struct lead_row {
	const char *text;
	int may;   /* gz_may_lead() */
	int match; /* a name starts there */
} lead_rows[] = {
	{"the company said", 0, 0},
	{"the", 0, 0},                /* nothing after it */
	{"the  x", 1, 0},             /* too near the end to tell */
	{"The Netherlands exports", 1, 1},
	{"The\tNetherlands", 1, 1},   /* any white space */
	{"the netherlands", 1, 0},    /* the case rule, for the trie */
	{"The Hague said", 1, 1},
	{"China said", 1, 1},         /* a name alone */
};

START_TEST(lead_rows_test)
{
	const struct lead_row *r = &lead_rows[_i];
	size_t n = strlen(r->text), end;
	char *t = exact(r->text);
	uint32_t id;

	ck_assert_int_eq(may_lead_at(t, n, 0), r->may);
	ck_assert_int_eq(extract_gz_match(xt_ex->gz, t, n, 0, &end, &id),
	                 r->match);
	free(t);
}
END_TEST

/* Every word start of [t, t+len) that gz_may_lead() rules out starts no
 * name; returns how many it ruled out. */
static size_t check_lead(const char *t, size_t len)
{
	size_t ruled = 0, end;
	uint32_t id;

	for (size_t i = 0; i < len; i++) {
		if (!is_alnum((unsigned char)t[i]) ||
		    (i > 0 && is_alnum((unsigned char)t[i - 1])) ||
		    may_lead_at(t, len, i))
			continue;
		ck_assert_msg(!extract_gz_match(xt_ex->gz, t, len, i, &end, &id),
		              "'%.*s': ruled out, yet a name",
		              (int)(len - i > 40 ? 40 : len - i), t + i);
		ruled++;
	}
	return ruled;
}

static const char *const lead_texts[] = {
	"The company said the Netherlands and the Hague, the US and the "
	"Fed, the Pentagon, the the, The Gambia, the United States.",
	"New York, New Zealand, new products; United Airlines and the "
	"United Nations; South Africa, south of it; Bank of England.",
};

START_TEST(lead_keeps_names)
{
	const char *s = lead_texts[_i];
	size_t n = strlen(s);
	char *t = exact(s);

	ck_assert_uint_gt(check_lead(t, n), 0);
	free(t);
}
END_TEST

/* ------------------------------------------------------ window starts */

static const struct window_row {
	const char *text;
	const char *trigger; /* its first occurrence */
	const char *start;   /* where the window starts: its first one */
} window_rows[] = {
	{"sales rose 5% in May", "5", "5"},
	{"sales rose to more than $5m", "$5", "to more"}, /* of "up to" */
	{"it was (about 5", "5", "about"},
	{"it came on Saturday, October 11", "October", "on"},
	{"seen at the end of 2004", "2004", "at"},
	{"a verylongwordthatisnoprefixword 5", "5", "5"},
};

START_TEST(window_rows_test)
{
	const struct window_row *r = &window_rows[_i];
	char *t = exact(r->text);
	size_t at = (size_t)(strstr(r->text, r->trigger) - r->text);
	size_t want = (size_t)(strstr(r->text, r->start) - r->text);

	ck_assert_uint_eq(extract_window_start(&xt_ex->trig, t, 0, at), want);
	free(t);
}
END_TEST

/* ------------------------------------------------ names from the text */

/* The mentions extract_tnames_scan() takes from [t, t+len) with names
 * table @p tn, as "start-end:id;" into @p out. */
static void tnames_of(struct tnames *tn, const char *t, size_t len,
                      char *out, size_t cap)
{
	struct masks bm = {0};
	struct ment *v = NULL;
	size_t n = 0, vcap = 0, k = 0;

	ck_assert_int_eq(extract_masks_fill(&bm, t, len), CDX_OK);
	tn->n = 0;
	ck_assert_int_eq(extract_tnames_scan(&xt_ex->lx, tn, &bm, t, len, 0,
	                                     &v, &n, &vcap), CDX_OK);
	out[0] = '\0';
	for (size_t i = 0; i < n && k + 40 < cap; i++)
		k += (size_t)snprintf(out + k, cap - k, "%u-%u:%u;", v[i].start,
		                      v[i].end, v[i].id);
	free(v);
	extract_masks_release(&bm);
}

/* A short word sharing a memo slot with "The" (a word the names scan
 * drops from a run's front), found by trying three-letter words: the
 * memo must tell them apart. */
START_TEST(word_classes_memo)
{
	static const char text[] = "The Reddy Group rose. Reddy Group fell.";
	char w[4] = "", other[sizeof(text) + 8], *t;
	char fresh[512], warm[512];
	uint32_t slot = wk_key(wk_load8("The", 3, 0), 3) & (WORD_CLS_MEMO - 1);
	struct tnames *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	int found = 0;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	for (int k = 0; k < 26 * 26 * 26 && !found; k++) {
		w[0] = (char)('A' + k / 676);
		w[1] = (char)('a' + k / 26 % 26);
		w[2] = (char)('a' + k % 26);
		found = strcmp(w, "The") != 0 &&
		        (wk_key(wk_load8(w, 3, 0), 3) & (WORD_CLS_MEMO - 1)) ==
		        slot;
	}
	ck_assert(found);
	snprintf(other, sizeof(other), "%s Reddy Group rose.", w);
	/* a fresh memo, then one warmed by the text and the other word in
	 * turns: the same names each time */
	t = exact(text);
	tnames_of(b, t, strlen(text), fresh, sizeof(fresh));
	for (int round = 0; round < 3; round++) {
		char *o = exact(other);

		tnames_of(a, o, strlen(other), warm, sizeof(warm));
		free(o);
		tnames_of(a, t, strlen(text), warm, sizeof(warm));
		ck_assert_str_eq(warm, fresh);
	}
	free(t);
	free(a);
	free(b);
}
END_TEST

/* ----------------------------------------------------- BBC articles */

/* Every tenth article of the BBC corpus (its first 2 KiB, the longest
 * piece a sentence is). */
START_TEST(skips_keep_results_bbc)
{
	CDX_SKIP_WITHOUT_SHARED(shared);
	static const char *const dirs[] = {"business", "entertainment",
	                                   "politics", "sport", "tech"};
	size_t hopeless = 0, ruled = 0;

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
			if (n > 2048)
				n = 2048;
			buf = malloc(n > 0 ? (size_t)n : 1);
			ck_assert_ptr_nonnull(buf);
			ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp),
			                  (size_t)n);
			fclose(fp);
			hopeless += check_hopeless(buf, (size_t)n);
			ruled += check_lead(buf, (size_t)n);
			free(buf);
		}
	ck_assert_uint_gt(hopeless, 0);
	ck_assert_uint_gt(ruled, 0);
}
END_TEST

void extract_skip_cases(Suite *s)
{
	TCase *tc = tcase_create("skips: hopeless triggers, names' first "
	                         "words, windows, word classes");

	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, hopeless_rows, 0, NROWS(hope_rows));
	tcase_add_loop_test(tc, hopeless_keeps_matches, 0, NROWS(hope_texts));
	tcase_add_loop_test(tc, lead_rows_test, 0, NROWS(lead_rows));
	tcase_add_loop_test(tc, lead_keeps_names, 0, NROWS(lead_texts));
	tcase_add_loop_test(tc, window_rows_test, 0, NROWS(window_rows));
	tcase_add_test(tc, word_classes_memo);
	suite_add_tcase(s, tc);

	tc = tcase_create("skips: on BBC articles");
	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_set_timeout(tc, 120); /* a sanitizer build is slow */
	tcase_add_test(tc, skips_keep_results_bbc);
	suite_add_tcase(s, tc);
}
