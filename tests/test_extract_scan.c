/*
 * test_extract_scan.c — part of the extract suite: the pieces the byte
 * scanners of extractors/ share for speed. Word keys (extract_int.h): a
 * word's run of letters (and digits) and its key read eight bytes at a
 * time, case folded, never reading past the text; the gazetteer's and
 * the trigger scan's use of them, on texts allocated to their exact size
 * (so a sanitizer build sees any read past the end), with multi-byte
 * UTF-8 around and words longer than eight bytes; the one-pass candidates
 * of both scans (extract_cands_scan()), which must find what the byte
 * scans find, on made-up texts and on BBC articles; and the alternations
 * extract_lex_alt() groups by their leading bytes, which must match what
 * the plain longest-first alternation matches.
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

static const struct run_row {
	const char *text;
	int digits;
	size_t run;
} run_rows[] = {
	{"copper, zinc", 0, 6},
	{"copper, zinc", 1, 6},
	{"G20 summit", 0, 1},
	{"G20 summit", 1, 3},
	{"3m tons", 0, 0},
	{"3m tons", 1, 2},
	{"caf\xc3\xa9 au lait", 1, 3},   /* UTF-8 ends the ASCII run */
	{"Corporations", 0, 8},           /* eight and more: 8 */
	{"under_score", 1, 5},
	{"@[`{/:", 1, 0},                 /* the bytes around the ranges */
	{"AZaz09", 1, 6},
};

START_TEST(word_run)
{
	const struct run_row *r = &run_rows[_i];
	size_t n = strlen(r->text);
	char *t = exact(r->text);

	ck_assert_uint_eq(wk_run(wk_load8(t, n, 0), r->digits), r->run);
	free(t);
}
END_TEST

START_TEST(word_at_buffer_end)
{
	/* the last word of a text: the bytes past it read as zeros */
	char *t = exact("zinc");

	ck_assert_uint_eq(wk_run(wk_load8(t, 4, 0), 1), 4);
	ck_assert_uint_eq(wk_run(wk_load8(t, 4, 2), 1), 2);
	ck_assert_uint_eq(wk_load8(t, 4, 4), 0);
	ck_assert_uint_eq(wk_key(wk_load8(t, 4, 0), 4), wk_key_of("ZINC", 4));
	free(t);
	/* and an empty text has none */
	t = exact("");
	ck_assert_uint_eq(wk_load8(t, 0, 0), 0);
	free(t);
}
END_TEST

START_TEST(word_key_folds_case)
{
	const char *t = "Copper, COPPER and copper-zinc";
	uint32_t k = wk_key_of("copper", 6);

	ck_assert_uint_eq(wk_key(wk_load8(t, strlen(t), 0), 6), k);
	ck_assert_uint_eq(wk_key(wk_load8(t, strlen(t), 8), 6), k);
	ck_assert_uint_eq(wk_key(wk_load8(t, strlen(t), 19), 6), k);
	/* a word's key is of its bytes only, not of those after it */
	ck_assert_uint_eq(wk_key_of("copper", 6), wk_key_of("copperzz", 6));
	ck_assert_uint_ne(wk_key_of("copper", 6), wk_key_of("coppe", 5));
	/* past eight bytes, the length still counts */
	ck_assert_uint_ne(wk_key_of("corporation", 11),
	                  wk_key_of("corporations", 12));
	ck_assert_uint_eq(wk_key_of("Corporations", 12),
	                  wk_key_of("corporations", 12));
}
END_TEST

struct found {
	unsigned n;
	uint32_t start[4], end[4];
	const char *name[4];
};

static int on_mention(void *ctx, const struct cdx_mention *m)
{
	struct found *f = ctx;

	if (f->n < 4) {
		f->start[f->n] = m->start;
		f->end[f->n] = m->end;
		f->name[f->n] = m->name;
	}
	f->n++;
	return 0;
}

static const struct ment_row {
	const char *text, *name; /* the one mention expected, or NULL */
	uint32_t start, end;
} ment_rows[] = {
	{"Prices of copper", "copper", 10, 16},       /* at the very end */
	{"\xc3\x9c" "ber copper", "copper", 6, 12},   /* after UTF-8 */
	{"\xe2\x80\x9c" "Azerbaijan", "Azerbaijan", 3, 13},
	{"Azerbaijani firms", "Azerbaijan", 0, 11},   /* > 8 bytes */
	{"Azerbaijanis", NULL, 0, 0},                 /* no alias ends so */
	{"copperplate", NULL, 0, 0},
	{"", NULL, 0, 0},
};

START_TEST(mentions_exact_buffers)
{
	const struct ment_row *r = &ment_rows[_i];
	char *t = exact(r->text);
	struct found f = {0};

	ck_assert_int_eq(cdx_extract_mentions(xt_ex, xt_scr, t,
	                                      strlen(r->text), on_mention,
	                                      &f), 0);
	if (r->name == NULL) {
		ck_assert_uint_eq(f.n, 0);
	} else {
		ck_assert_uint_eq(f.n, 1);
		ck_assert_str_eq(f.name[0], r->name);
		ck_assert_uint_eq(f.start[0], r->start);
		ck_assert_uint_eq(f.end[0], r->end);
	}
	free(t);
}
END_TEST

static const struct trig_row {
	const char *text;
	size_t from, at; /* at SIZE_MAX: none (the text's length) */
} trig_rows[] = {
	{"in seventeen", 0, 3},        /* a word of more than 8 letters */
	{"in SEVENTEEN", 0, 3},
	{"seventeen", 0, 0},
	{"in seventeenth place", 0, SIZE_MAX},
	{"the G20 met", 0, 5},         /* a digit run inside a word */
	{"at .5 of", 0, 3},
	{"\xc3\x9c" "ber three", 0, 6},
	{"three", 1, SIZE_MAX},        /* not from inside the word */
	{"at the end", 0, SIZE_MAX},
	{"", 0, SIZE_MAX},
};

START_TEST(triggers_exact_buffers)
{
	const struct trig_row *r = &trig_rows[_i];
	size_t n = strlen(r->text);
	char *t = exact(r->text);
	struct lexicon lx;
	struct triggers *tr = calloc(1, sizeof(*tr));
	struct cdx_error err;
	char dir[4096];

	ck_assert_ptr_nonnull(tr);
	memset(&lx, 0, sizeof(lx));
	snprintf(dir, sizeof(dir), "%s/extractors/data", CDX_SOURCE_ROOT);
	ck_assert_int_eq(extract_lexicon_load(&lx, dir, &err), CDX_OK);
	ck_assert_int_eq(extract_triggers_build(tr, &lx, &err), CDX_OK);
	ck_assert_uint_eq(extract_next_trigger(tr, t, n, r->from),
	                  r->at == SIZE_MAX ? n : r->at);
	extract_triggers_release(tr);
	extract_lexicon_release(&lx);
	free(tr);
	free(t);
}
END_TEST

/*
 * The one-pass candidates (extract_cands_scan()) against the byte scans
 * they stand for, on [t, t+len): the same mentions in the same order, and
 * the same next trigger from every offset, with a cursor carried along as
 * the sentence loop does and with a fresh one.
 */
static void check_cands(const char *t, size_t len, int full)
{
	const struct cdx_extractor *ex = xt_ex;
	struct cands c = {0};
	size_t pa = 0, pb = 0, ci = 0, ck = 0;
	size_t sa, sb, ea, eb;
	uint32_t ia, ib;

	ck_assert_int_eq(extract_cands_scan(&c, &ex->gzf, &ex->trig, t, len),
	                 CDX_OK);
	for (;;) {
		int a = extract_gz_next(ex->gz, t, len, &pa, &sa, &ea, &ia);
		int b = extract_gz_next_cand(ex->gz, t, len, &c, &ci, &pb, &sb,
		                             &eb, &ib);

		ck_assert_int_eq(a, b);
		ck_assert_uint_eq(pa, pb);
		if (!a)
			break;
		ck_assert_uint_eq(sa, sb);
		ck_assert_uint_eq(ea, eb);
		ck_assert_uint_eq(ia, ib);
	}
	/* @p full: the byte scan from every offset, and a fresh cursor at
	 * each; else (long texts) the byte scan from each trigger on and a
	 * fresh cursor at every 16th offset */
	for (size_t from = 0, want = 0; from <= len; from++) {
		const struct triggers *tr = &ex->trig;
		size_t fresh = 0;

		if (full || from == 0 || from > want)
			want = extract_next_trigger(tr, t, len, from);
		ck_assert_uint_eq(extract_next_trigger_cand(tr, t, len, &c, &ck,
		                                            from), want);
		if (!full && from % 16 != 0)
			continue;
		ck_assert_uint_eq(extract_next_trigger_cand(tr, t, len, &c,
		                                            &fresh, from),
		                  want);
	}
	/* a cursor left past a later trigger still finds an earlier one */
	ck = c.n_tg;
	ck_assert_uint_eq(extract_next_trigger_cand(&ex->trig, t, len, &c, &ck,
	                                            0),
	                  extract_next_trigger(&ex->trig, t, len, 0));
	extract_cands_release(&c);
}

static const char *const cand_texts[] = {
	"Norland's copper output rose 12% to $3.5bn in March, the G20 said.",
	"Exports of zinc fell by a third (\xc2\xbd of them to Azerbaijan).",
	"COVID-19 cut 2,000 jobs; .5 of a point; 3m2 and A1B2C3D4E5F6G7.",
	"\xe2\x80\x9cSeventeen\xe2\x80\x9d tonnes \xe2\x82\xac" "5m "
	"US$40 \xc2\xa3" "600m 10x",
	"Azerbaijani and Azerbaijanis; copperplate; thirteenthousand",
	"  leading spaces\tand\ttabs\n\nand a last word",
	"ends with a number 42",
	"ends with a symbol \xc2\xbd",
	"x",
	"",
};

START_TEST(cands_match_byte_scans)
{
	const char *s = cand_texts[_i];
	size_t n = strlen(s);
	char *t = exact(s);

	check_cands(t, n, 1);
	free(t);
}
END_TEST

/* Every tenth article of the BBC corpus (its first 2 KiB, the longest
 * piece a sentence is), whole and from a few offsets on (a piece may start
 * inside a word). */
START_TEST(cands_match_byte_scans_bbc)
{
	CDX_SKIP_WITHOUT_SHARED(shared);
	static const char *const dirs[] = {"business", "entertainment",
	                                   "politics", "sport", "tech"};

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
			if (n > 2048)
				n = 2048;
			check_cands(buf, (size_t)n, 0);
			for (long cut = 97; cut < n; cut += 97 * 7)
				check_cands(buf + cut, (size_t)(n - cut), 0);
			free(buf);
		}
}
END_TEST

/* A list of the surfaces @p words (a leading '=' marks an exact-case
 * one), for extract_lex_alt(). */
static void make_list(struct lex_list *l, const char *const *words,
                      size_t n)
{
	memset(l, 0, sizeof(*l));
	l->v = calloc(n, sizeof(*l->v));
	ck_assert_ptr_nonnull(l->v);
	for (size_t i = 0; i < n; i++) {
		const char *w = words[i];

		l->v[i].exact = w[0] == '=';
		l->v[i].text = (char *)(w + l->v[i].exact);
		l->v[i].len = (uint32_t)strlen(l->v[i].text);
	}
	l->n = n;
}

static pcre2_code *compile(const char *pat)
{
	int ec;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	                              PCRE2_CASELESS | PCRE2_ANCHORED, &ec,
	                              &off, NULL);

	ck_assert_msg(c != NULL, "cannot compile '%s' at %zu", pat,
	              (size_t)off);
	return c;
}

START_TEST(grouped_alternation_matches_plain)
{
	/* words sharing first and second bytes, one-byte words, an
	 * exact-case word, a word with a space, a symbol */
	static const char *const words[] = {
		"m", "mn", "million", "=Mt", "metric tons", "mt", "b", "bn",
		"billion", "\xe2\x82\xac", "\xe2\x82\xacm", "k", "kt", "kg",
	};
	/* the same words as one plain alternation, longest first (ties
	 * in byte order), as extract_lex_alt() orders them */
	static const char plain[] =
	        "(?:metric\\s+tons|million|billion|\\xe2\\x82\\xacm|"
	        "\\xe2\\x82\\xac|bn|kg|kt|(?-i:Mt)|mn|mt|b|k|m)";
	static const char *const subjects[] = {
		"million", "mn", "m", "Mt", "MT", "mt", "metric  tons",
		"metric", "bn", "b", "billions", "\xe2\x82\xacm",
		"\xe2\x82\xac", "kt", "kg", "k", "x", "",
	};
	struct lex_list l;
	struct cdx_buf b = CDX_BUF_INIT(1 << 16);
	pcre2_code *grouped, *ref;
	pcre2_match_data *md;

	make_list(&l, words, sizeof(words) / sizeof(words[0]));
	extract_lex_alt(&b, &l, -1, 0);
	ck_assert_int_eq(b.err, CDX_OK);
	ck_assert_int_eq(cdx_buf_putc(&b, '\0'), CDX_OK);
	grouped = compile(b.ptr);
	ref = compile(plain);
	md = pcre2_match_data_create(4, NULL);
	ck_assert_ptr_nonnull(md);
	for (size_t i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		const char *s = subjects[i];
		int r1 = pcre2_match(grouped, (PCRE2_SPTR)s, strlen(s), 0, 0,
		                     md, NULL);
		PCRE2_SIZE e1 = r1 > 0 ? pcre2_get_ovector_pointer(md)[1] : 0;
		int r2 = pcre2_match(ref, (PCRE2_SPTR)s, strlen(s), 0, 0, md,
		                     NULL);
		PCRE2_SIZE e2 = r2 > 0 ? pcre2_get_ovector_pointer(md)[1] : 0;

		ck_assert_msg(r1 == r2 && e1 == e2,
		              "'%s': grouped %d/%zu, plain %d/%zu", s, r1,
		              (size_t)e1, r2, (size_t)e2);
	}
	pcre2_match_data_free(md);
	pcre2_code_free(grouped);
	pcre2_code_free(ref);
	cdx_buf_release(&b);
	free(l.v);
}
END_TEST

void extract_scan_cases(Suite *s)
{
	TCase *tc = tcase_create("scanners: word keys, grouped alternations");

	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, word_run, 0, NROWS(run_rows));
	tcase_add_test(tc, word_at_buffer_end);
	tcase_add_test(tc, word_key_folds_case);
	tcase_add_loop_test(tc, mentions_exact_buffers, 0, NROWS(ment_rows));
	tcase_add_loop_test(tc, triggers_exact_buffers, 0, NROWS(trig_rows));
	tcase_add_test(tc, grouped_alternation_matches_plain);
	tcase_add_loop_test(tc, cands_match_byte_scans, 0, NROWS(cand_texts));
	suite_add_tcase(s, tc);

	tc = tcase_create("scanners: candidates on BBC articles");
	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_set_timeout(tc, 120); /* a sanitizer build is slow */
	tcase_add_test(tc, cands_match_byte_scans_bbc);
	suite_add_tcase(s, tc);
}
