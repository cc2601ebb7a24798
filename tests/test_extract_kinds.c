/*
 * test_extract_kinds.c — part of the extract suite: counts with their
 * counted noun, the change field, the list of what is not a claim
 * (a row each, expecting no claim of any kind), exact byte offsets in
 * multi-byte text, and a 10 MB line that must finish with bounded output.
 *
 * Each text is one document that was never split, so the extractor takes
 * it as one sentence (long ones are cut into pieces by the extractor).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "test_extract.h"
#include "testutil.h"

/* Extract @p text (one unsplit document) into @p out, cleared first. */
static void run(const char *text, size_t len, struct cdx_claims *out)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_doc d;
	unsigned hits = 0;

	memset(&d, 0, sizeof(d));
	d.source = (char *)"test";
	d.text = (char *)text;
	d.len = len;
	out->n = 0;
	ck_assert_int_eq(cdx_extract_run(xt_ex, xt_scr, &d, out, &hits, &err),
	                 CDX_OK);
	ck_assert_uint_eq(hits, 0);
}

static const struct cdx_claim *find(const struct cdx_claims *c,
                                    const char *text,
                                    enum cdx_claim_kind kind,
                                    const char *span)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct cdx_claim *k = &c->v[i];

		if (k->kind == kind && k->end - k->start == strlen(span) &&
		    memcmp(text + k->start, span, k->end - k->start) == 0)
			return k;
	}
	return NULL;
}

static void dump(const struct cdx_claims *c, const char *text)
{
	for (size_t i = 0; i < c->n; i++)
		fprintf(stderr, "  got %s '%.*s' %g %s\n",
		        cdx_kind_name(c->v[i].kind),
		        (int)(c->v[i].end - c->v[i].start),
		        text + c->v[i].start, c->v[i].value, c->v[i].unit);
}

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* --------------------------------------------------------------- counts */

static const struct count_row {
	const char *text, *span;
	double value;
	const char *unit;
	enum cdx_qualifier qual;
} count_rows[] = {
	{"The list names 50 critical minerals.", "50 critical minerals", 50,
	 "mineral", CDX_QUAL_EXACT},
	{"Six Chinese companies signed.", "Six Chinese companies", 6,
	 "company", CDX_QUAL_EXACT},
	/* a capitalised number before a capitalised noun counts when it
	 * opens the sentence or the noun is an acronym */
	{"Ten Britons were hurt.", "Ten Britons", 10, "briton",
	 CDX_QUAL_EXACT},
	{"Since May, Ninety MPs signed.", "Ninety MPs", 90, "mp",
	 CDX_QUAL_EXACT},
	{"The US has 2 primary smelters left.", "2 primary smelters", 2,
	 "smelter", CDX_QUAL_EXACT},
	{"There are 14 electrowon refineries.", "14 electrowon refineries", 14,
	 "refinery", CDX_QUAL_EXACT},
	{"It runs about 30 brass mills.", "about 30 brass mills", 30, "mill",
	 CDX_QUAL_APPROX},
	{"Employers added 157,000 new jobs.", "157,000 new jobs", 157000, "job",
	 CDX_QUAL_EXACT},
	{"It would power 800,000 EVs.", "800,000 EVs", 800000, "ev",
	 CDX_QUAL_EXACT},
	{"Analysts ran more than 1,200 scenarios.", "more than 1,200 scenarios",
	 1200, "scenario", CDX_QUAL_MIN},
	{"It served 402 U.S. industries.", "402 U.S. industries", 402,
	 "industry", CDX_QUAL_EXACT},
	{"Arizona opened one additional mine.", "one additional mine", 1,
	 "mine", CDX_QUAL_EXACT},
	{"The rule covers twenty-five metals.", "twenty-five metals", 25,
	 "metal", CDX_QUAL_EXACT},
	{"The plan lists 35 critical\nminerals in all.", "35 critical\nminerals",
	 35, "mineral", CDX_QUAL_EXACT},
	{"A dozen countries objected.", "A dozen countries", 12, "country",
	 CDX_QUAL_EXACT},
	{"It hired as many as 3,000 firms.", "as many as 3,000 firms", 3000,
	 "firm", CDX_QUAL_MAX},
	/* "one" counts after a word that adds to a number, a noun of
	 * producers, or the noun an earlier count of the sentence counted */
	{"The firm plans one more smelter.", "one more smelter", 1, "smelter",
	 CDX_QUAL_EXACT},
	{"Peru has one large copper mine.", "one large copper mine", 1, "mine",
	 CDX_QUAL_EXACT},
	{"It runs three salt works in Peru, one salt work in Chile.",
	 "one salt work", 1, "work", CDX_QUAL_EXACT},
	/* a length ends a counted phrase, though not right after the number */
	{"Traffic rose to 2.9 billion available seat miles.",
	 "2.9 billion available seat miles", 2.9e9, "mile", CDX_QUAL_EXACT},
	/* a range's noun agrees with its upper end */
	{"It hired between one and 40 lawyers.", "between one and 40 lawyers",
	 1, "lawyer", CDX_QUAL_RANGE},
	/* "N of which / of them" counts what the sentence counted before */
	{"It ran 26 mines (17 of which were open pits).", "17", 17, "mine",
	 CDX_QUAL_EXACT},
	{"The group owns 40 firms, 12 of them in Chile.", "12", 12, "firm",
	 CDX_QUAL_EXACT},
};

START_TEST(count_values)
{
	const struct count_row *r = &count_rows[_i];
	struct cdx_claims c = CDX_CLAIMS_INIT;
	const struct cdx_claim *k;

	run(r->text, strlen(r->text), &c);
	k = find(&c, r->text, CDX_KIND_COUNT, r->span);
	if (k == NULL)
		dump(&c, r->text);
	ck_assert_msg(k != NULL, "no count '%s' in '%s'", r->span, r->text);
	ck_assert_double_eq_tol(k->value, r->value, 1e-9);
	ck_assert_str_eq(k->unit, r->unit);
	ck_assert_str_eq(cdx_qualifier_name(k->qualifier),
	                 cdx_qualifier_name(r->qual));
	cdx_claims_release(&c);
}
END_TEST

/* ---------------------------------------------------------- not claims */

/* The list of what is not a claim, and numbers that count no
 * thing: each must give no claim of any kind. */
static const char *const none_rows[] = {
	"Copper faces Section 232 tariffs",
	/* "of them" with no count before it in the sentence points nowhere */
	"About 12 of them left early",
	"Only 3 of which were new",
	"The G20 met in Rome",
	"The Group of 7 nations met",
	"Group of 20 leaders met",
	"COVID-19 cases rose",
	"Call 555-1234 today",
	"Call (202) 555-0143 for details",
	"The meeting starts at 10:30",
	"The meeting starts at 10:30 am",
	"Prices dropped in the fall",
	"See page 12 for the notes",
	"As footnote 3 explains",
	"Version 3.5 shipped",
	"He finished 3rd in the race",
	"The 25-year-old tested positive",
	"It took 5 years to build",
	"Prices rose 3 times",
	"He met the two largest economies",
	"About two thirds agreed",
	"Production 4,200,000\nUnited States",
	"Table 4 lists producers",
	"The band of 3 won prizes",
	/* a capitalised number word before a capitalised noun: a name */
	"England lost in the Six Nations opener",
	"The Three Gorges Dam opened",
	/* "one" as a determiner or a pronoun, not a figure */
	"There was one thing I regretted",
	"It is a bold one because rivals wait",
	"One popular tale is told",
	"It filed one complaint about late calls",
	"The one player left was tired",
	/* a capitalised word before a capitalised number word: a name */
	"Fans of Ocean's Twelve fans queued",
	"It aired on Radio Four shows",
	/* lengths, data sizes and a page's counters are no counts */
	"The site lies about 60 miles from the coast",
	"He scored from 25 yards out",
	"Lines run at 8 megabits per second",
	"Posted today 0 likes",
	/* a period in the wires' abbreviations is no count */
	"Results for the six mths were restated",
	"Figures for 3 qtrs were restated",
	/* a flattened table: cells and footnote marks before row labels */
	"Ferrocerium, alloys 371 356 268 Rare-earth metals",
	"Production 5,400 5,900 \xe2\x80\x94 15,000 Imports",
	"Imports:2 Compounds rose",
};

START_TEST(not_a_claim)
{
	struct cdx_claims c = CDX_CLAIMS_INIT;
	const char *text = none_rows[_i];

	run(text, strlen(text), &c);
	if (c.n)
		dump(&c, text);
	ck_assert_msg(c.n == 0, "claims in '%s'", text);
	cdx_claims_release(&c);
}
END_TEST

/* "one of which" after a count picks one out: it counts nothing, while
 * "17 of which" would count the same noun. */
START_TEST(one_of_which)
{
	const char *text = "She owns two boats, one of which sank";
	struct cdx_claims c = CDX_CLAIMS_INIT;

	run(text, strlen(text), &c);
	if (c.n != 1)
		dump(&c, text);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_ptr_nonnull(find(&c, text, CDX_KIND_COUNT, "two boats"));
	cdx_claims_release(&c);
}
END_TEST

/* The "in" after "$443 million" is no unit: the money ends at the scale. */
START_TEST(in_is_no_inch)
{
	const char *text = "They paid $443 million in cash";
	struct cdx_claims c = CDX_CLAIMS_INIT;

	run(text, strlen(text), &c);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_ptr_nonnull(find(&c, text, CDX_KIND_MONEY, "$443 million"));
	cdx_claims_release(&c);
}
END_TEST

/* The wire services' money: "dlrs", "cts" (a hundredth of a dollar),
 * "stg", and the currencies the euro replaced. */
static const struct wire_row {
	const char *text, *span, *unit;
	double value;
} wire_rows[] = {
	{"Net rose to 4.5 mln dlrs", "4.5 mln dlrs", "USD", 4.5e6},
	{"It paid a 125 mln dlr loan back", "125 mln dlr", "USD", 125e6},
	{"Shr 41 cts vs 39 cts", "41 cts", "USD", 0.41},
	{"Pretax profit 17.4 mln stg vs 16.1 mln", "17.4 mln stg", "GBP",
	 17.4e6},
	{"Reserves rose by 237 mln marks", "237 mln marks", "DEM", 237e6},
	{"Sales were 80 mln guilders", "80 mln guilders", "NLG", 80e6},
	{"Profit was 55 billion lire", "55 billion lire", "ITL", 55e9},
	{"It cut the price by 64 Canadian cts", "64 Canadian cts", "CAD", 0.64},
	{"Reserves fell to 7.15 billion N.Z. dlrs", "7.15 billion N.Z. dlrs",
	 "NZD", 7.15e9},
	{"The dollar closed at 1.8250 marks", "1.8250 marks", "DEM", 1.825},
	{"The fee was 1,986 marks", "1,986 marks", "DEM", 1986},
};

/* "marks" is a verb too (units.tsv case y): after a bare year the number
 * is the year, not a sum of marks. */
START_TEST(year_marks)
{
	const char *text = "The year 2025 marks a turning point for cobalt";
	struct cdx_claims c = CDX_CLAIMS_INIT;

	run(text, strlen(text), &c);
	if (find(&c, text, CDX_KIND_MONEY, "2025 marks") != NULL)
		dump(&c, text);
	ck_assert_ptr_null(find(&c, text, CDX_KIND_MONEY, "2025 marks"));
	ck_assert_ptr_nonnull(find(&c, text, CDX_KIND_DATE, "2025"));
	cdx_claims_release(&c);
}
END_TEST

START_TEST(wire_money)
{
	const struct wire_row *r = &wire_rows[_i];
	struct cdx_claims c = CDX_CLAIMS_INIT;
	const struct cdx_claim *k;

	run(r->text, strlen(r->text), &c);
	k = find(&c, r->text, CDX_KIND_MONEY, r->span);
	if (k == NULL)
		dump(&c, r->text);
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(k->unit, r->unit);
	ck_assert_double_eq_tol(k->value, r->value, r->value * 1e-9);
	cdx_claims_release(&c);
}
END_TEST

/* -------------------------------------------------------------- change */

static const struct change_row {
	const char *text, *span;
	enum cdx_claim_kind kind;
	enum cdx_change change;
} change_rows[] = {
	{"Exports rose 5% last year", "5%", CDX_KIND_PERCENT, CDX_CHANGE_UP},
	{"Output fell by 3 percent", "3 percent", CDX_KIND_PERCENT,
	 CDX_CHANGE_DOWN},
	{"Profit jumped $40m", "$40m", CDX_KIND_MONEY, CDX_CHANGE_UP},
	{"It announced a 10% cut", "10%", CDX_KIND_PERCENT, CDX_CHANGE_DOWN},
	{"Firms reported a 4% rise", "4%", CDX_KIND_PERCENT, CDX_CHANGE_UP},
	{"Sales were up 2%", "2%", CDX_KIND_PERCENT, CDX_CHANGE_UP},
	{"The rate rose to 5%", "5%", CDX_KIND_PERCENT, CDX_CHANGE_NONE},
	{"China holds 44 million tons", "44 million tons", CDX_KIND_MASS,
	 CDX_CHANGE_NONE},
};

START_TEST(change_direction)
{
	const struct change_row *r = &change_rows[_i];
	struct cdx_claims c = CDX_CLAIMS_INIT;
	const struct cdx_claim *k;

	run(r->text, strlen(r->text), &c);
	k = find(&c, r->text, r->kind, r->span);
	if (k == NULL)
		dump(&c, r->text);
	ck_assert_msg(k != NULL, "no '%s' in '%s'", r->span, r->text);
	ck_assert_int_eq(k->change, r->change);
	cdx_claims_release(&c);
}
END_TEST

START_TEST(change_names)
{
	ck_assert_str_eq(cdx_change_name(CDX_CHANGE_UP), "up");
	ck_assert_str_eq(cdx_change_name(CDX_CHANGE_DOWN), "down");
	ck_assert_ptr_null(cdx_change_name(CDX_CHANGE_NONE));
}
END_TEST

/* ------------------------------------------------------------- offsets */

/* Spans are bytes: each figure starts where its text does, whatever the
 * multi-byte characters (€, ¥, —, an emoji) before it. */
START_TEST(multibyte_offsets)
{
	static const char text[] =
	        "\xf0\x9f\x98\x80 Le prix \xe2\x80\x94 \xe2\x82\xac" "3 million "
	        "\xe2\x80\x94 and \xc2\xa5" "5 billion \xf0\x9f\x9a\x80 for "
	        "12 mines, 40% more";
	static const struct {
		enum cdx_claim_kind kind;
		const char *span;
	} want[] = {
		{CDX_KIND_MONEY, "\xe2\x82\xac" "3 million"},
		{CDX_KIND_MONEY, "\xc2\xa5" "5 billion"},
		{CDX_KIND_COUNT, "12 mines"},
		{CDX_KIND_PERCENT, "40%"},
	};
	struct cdx_claims c = CDX_CLAIMS_INIT;

	run(text, strlen(text), &c);
	ck_assert_uint_eq(c.n, NROWS(want));
	for (int i = 0; i < NROWS(want); i++) {
		const char *at = strstr(text, want[i].span);

		ck_assert_ptr_nonnull(at);
		ck_assert_int_eq(c.v[i].kind, want[i].kind);
		ck_assert_uint_eq(c.v[i].start, (uint32_t)(at - text));
		ck_assert_uint_eq(c.v[i].end,
		                  (uint32_t)(at - text + strlen(want[i].span)));
	}
	cdx_claims_release(&c);
}
END_TEST

/* ----------------------------------------------------------- huge line */

/* A 10 MB line with no sentence break: extraction finishes (the line is
 * handled in pieces, so the cost is linear) and yields one claim per
 * figure, no more. */
START_TEST(ten_megabyte_line)
{
	static const char unit[] =
	        "the group paid $5 million for 12 mines and then some other "
	        "words followed without any stop at all ";
	size_t n = (size_t)10 << 20, k = strlen(unit), reps = n / k;
	struct cdx_claims c = CDX_CLAIMS_INIT;
	char *text = malloc(n + 1);
	size_t money = 0, count = 0;

	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < reps; i++)
		memcpy(text + i * k, unit, k);
	memset(text + reps * k, ' ', n - reps * k);
	text[n] = '\0';
	run(text, n, &c);
	for (size_t i = 0; i < c.n; i++) {
		money += c.v[i].kind == CDX_KIND_MONEY;
		count += c.v[i].kind == CDX_KIND_COUNT;
		ck_assert_uint_le(c.v[i].end, n);
		ck_assert_uint_le(c.v[i].sent_end - c.v[i].sent_start, 4096);
	}
	/* every figure but one cut by a piece boundary, never more */
	ck_assert_uint_le(c.n, 2 * reps);
	ck_assert_uint_ge(money, reps * 9 / 10);
	ck_assert_uint_ge(count, reps * 9 / 10);
	cdx_claims_release(&c);
	free(text);
}
END_TEST

void extract_kinds_cases(Suite *s)
{
	TCase *tc;

	tc = tcase_create("counts name their noun");
	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, count_values, 0, NROWS(count_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("what is not a claim");
	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, not_a_claim, 0, NROWS(none_rows));
	tcase_add_test(tc, in_is_no_inch);
	tcase_add_loop_test(tc, wire_money, 0,
	                    (int)(sizeof(wire_rows) / sizeof(wire_rows[0])));
	tcase_add_test(tc, one_of_which);
	tcase_add_test(tc, year_marks);
	suite_add_tcase(s, tc);

	tc = tcase_create("changes have a direction");
	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, change_direction, 0, NROWS(change_rows));
	tcase_add_test(tc, change_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("offsets are byte-exact");
	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_test(tc, multibyte_offsets);
	suite_add_tcase(s, tc);

	tc = tcase_create("huge input stays bounded");
	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_test(tc, ten_megabyte_line);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
}
