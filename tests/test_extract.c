/*
 * test_extract.c — the extract suite: figures (percent, money, mass, date)
 * with their value, unit, qualifier and span; what is no claim; subjects,
 * commodities and times; entity mentions and their case rules; lookups;
 * and the error paths of loading the data files.
 *
 * Documents are built by hand (text plus sentence spans from a naive split
 * at ". "), so this suite depends on no corpus function.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "extract_int.h"
#include "test_extract.h"
#include "testutil.h"

#define MAX_SENTS 32

struct cdx_extractor *xt_ex;
struct cdx_extract_scratch *xt_scr;

void extract_fixture_setup(void)
{
	struct cdx_error err = CDX_ERROR_INIT;

	ck_assert_msg(cdx_extract_new(&xt_ex, NULL, &err) == CDX_OK, "%s",
	              err.msg);
	ck_assert_int_eq(cdx_extract_scratch_new(&xt_scr, xt_ex, &err), CDX_OK);
}

void extract_fixture_teardown(void)
{
	cdx_extract_scratch_free(xt_scr);
	cdx_extract_free(xt_ex);
	xt_scr = NULL;
	xt_ex = NULL;
}

/* A hand-built document: sentences end after ". ". */
struct tdoc {
	struct cdx_doc d;
	struct cdx_span sp[MAX_SENTS];
};

static void tdoc_init(struct tdoc *t, const char *text, const char *date)
{
	size_t st = 0, n = strlen(text);

	memset(t, 0, sizeof(*t));
	t->d.source = "test";
	t->d.date = (char *)date;
	t->d.text = strdup(text);
	ck_assert_ptr_nonnull(t->d.text);
	t->d.len = n;
	for (size_t i = 0; i + 1 < n && t->d.n_sents < MAX_SENTS - 1; i++) {
		if (text[i] == '.' && text[i + 1] == ' ') {
			t->sp[t->d.n_sents].start = (uint32_t)st;
			t->sp[t->d.n_sents].end = (uint32_t)(i + 1);
			t->d.n_sents++;
			st = i + 2;
		}
	}
	if (st < n) {
		t->sp[t->d.n_sents].start = (uint32_t)st;
		t->sp[t->d.n_sents].end = (uint32_t)n;
		t->d.n_sents++;
	}
	t->d.sents = t->sp;
}

static void tdoc_release(struct tdoc *t)
{
	free(t->d.text);
}

/* Extract @p text into @p out (cleared first). */
static void run_text(const char *text, struct tdoc *t, struct cdx_claims *out)
{
	struct cdx_error err = CDX_ERROR_INIT;
	unsigned hits = 0;

	tdoc_init(t, text, NULL);
	out->n = 0;
	ck_assert_int_eq(cdx_extract_run(xt_ex, xt_scr, &t->d, out, &hits, &err),
	                 CDX_OK);
	ck_assert_uint_eq(hits, 0);
}

/* The claim of @p kind whose span reads @p span, or NULL. */
static const struct cdx_claim *find(const struct cdx_claims *c,
                                    const struct tdoc *t,
                                    enum cdx_claim_kind kind,
                                    const char *span)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct cdx_claim *k = &c->v[i];

		if (k->kind == kind && k->end - k->start == strlen(span) &&
		    memcmp(t->d.text + k->start, span, k->end - k->start) == 0)
			return k;
	}
	return NULL;
}

static void dump(const struct cdx_claims *c, const struct tdoc *t)
{
	for (size_t i = 0; i < c->n; i++)
		fprintf(stderr, "  got %s '%.*s' %g %s\n",
		        cdx_kind_name(c->v[i].kind),
		        (int)(c->v[i].end - c->v[i].start),
		        t->d.text + c->v[i].start, c->v[i].value, c->v[i].unit);
}

/* ------------------------------------------------------------- figures */

#define N NAN

static const struct figure_row {
	const char *text;
	enum cdx_claim_kind kind;
	const char *span;
	double value, value_max;
	const char *unit;
	const char *per;
	enum cdx_qualifier qual;
} figure_rows[] = {
	/* percent */
	{"China produces 92 percent of the world's rare earths.",
	 CDX_KIND_PERCENT, "92 percent", 92, N, "%", "", CDX_QUAL_EXACT},
	{"Output rose 92.5% last year.", CDX_KIND_PERCENT, "92.5%", 92.5, N,
	 "%", "", CDX_QUAL_EXACT},
	{"Exports fell 12 per cent.", CDX_KIND_PERCENT, "12 per cent", 12, N,
	 "%", "", CDX_QUAL_EXACT},
	{"Exports fell 7 pct.", CDX_KIND_PERCENT, "7 pct", 7, N, "%", "",
	 CDX_QUAL_EXACT},
	{"Rates rose 0.25 percentage points.", CDX_KIND_PERCENT,
	 "0.25 percentage points", 0.25, N, "pp", "", CDX_QUAL_EXACT},
	{"Sales fell twenty-five percent.", CDX_KIND_PERCENT,
	 "twenty-five percent", 25, N, "%", "", CDX_QUAL_EXACT},
	/* qualifiers */
	{"Imports were more than 80 percent of supply.", CDX_KIND_PERCENT,
	 "more than 80 percent", 80, N, "%", "", CDX_QUAL_MIN},
	{"EV sales will reach at least 40 per cent.", CDX_KIND_PERCENT,
	 "at least 40 per cent", 40, N, "%", "", CDX_QUAL_MIN},
	{"It holds approximately 70% of reserves.", CDX_KIND_PERCENT,
	 "approximately 70%", 70, N, "%", "", CDX_QUAL_APPROX},
	{"It holds ~5% of reserves.", CDX_KIND_PERCENT, "~5%", 5, N, "%", "",
	 CDX_QUAL_APPROX},
	{"Growth was a little below 2.5% this year.", CDX_KIND_PERCENT,
	 "a little below 2.5%", 2.5, N, "%", "", CDX_QUAL_MAX},
	{"The firm took about a 15 percent stake.", CDX_KIND_PERCENT,
	 "about a 15 percent", 15, N, "%", "", CDX_QUAL_APPROX},
	{"A minimum purity of 90% is required.", CDX_KIND_PERCENT, "90%", 90,
	 N, "%", "", CDX_QUAL_EXACT},
	/* ranges */
	{"Between 3 and 5 percent of output is lost.", CDX_KIND_PERCENT,
	 "Between 3 and 5 percent", 3, 5, "%", "", CDX_QUAL_RANGE},
	{"Costs rose 3-5% last year.", CDX_KIND_PERCENT, "3-5%", 3, 5, "%", "",
	 CDX_QUAL_RANGE},
	{"Costs rose 3\xe2\x80\x93" "5% last year.", CDX_KIND_PERCENT,
	 "3\xe2\x80\x93" "5%", 3, 5, "%", "", CDX_QUAL_RANGE},
	{"Prices may rise 10 to 12 percent.", CDX_KIND_PERCENT,
	 "10 to 12 percent", 10, 12, "%", "", CDX_QUAL_RANGE},
	/* money */
	{"Tesla paid $500 billion for the assets.", CDX_KIND_MONEY,
	 "$500 billion", 500e9, N, "USD", "", CDX_QUAL_EXACT},
	{"BHP raised US$1.2bn from investors.", CDX_KIND_MONEY, "US$1.2bn",
	 1.2e9, N, "USD", "", CDX_QUAL_EXACT},
	{"The EU approved \xe2\x82\xac" "3 million in aid.", CDX_KIND_MONEY,
	 "\xe2\x82\xac" "3 million", 3e6, N, "EUR", "", CDX_QUAL_EXACT},
	{"The bank lent \xc2\xa3" "486,000 to it.", CDX_KIND_MONEY,
	 "\xc2\xa3" "486,000", 486000, N, "GBP", "", CDX_QUAL_EXACT},
	{"Lynas earned A$40m last year.", CDX_KIND_MONEY, "A$40m", 40e6, N,
	 "AUD", "", CDX_QUAL_EXACT},
	{"Teck spent C$5 million on it.", CDX_KIND_MONEY, "C$5 million", 5e6, N,
	 "CAD", "", CDX_QUAL_EXACT},
	{"China lent 5 billion yuan to Laos.", CDX_KIND_MONEY,
	 "5 billion yuan", 5e9, N, "CNY", "", CDX_QUAL_EXACT},
	{"Profits were 40m rupees.", CDX_KIND_MONEY, "40m rupees", 40e6, N,
	 "INR", "", CDX_QUAL_EXACT},
	{"A fee of USD 200 applies.", CDX_KIND_MONEY, "USD 200", 200, N, "USD",
	 "", CDX_QUAL_EXACT},
	{"It owes nearly $984m this year.", CDX_KIND_MONEY, "nearly $984m",
	 984e6, N, "USD", "", CDX_QUAL_APPROX},
	{"Miners paid $3tn in taxes.", CDX_KIND_MONEY, "$3tn", 3e12, N, "USD",
	 "", CDX_QUAL_EXACT},
	{"Copper averaged $4.80 per pound.", CDX_KIND_MONEY, "$4.80 per pound",
	 4.80, N, "USD", "lb", CDX_QUAL_EXACT},
	{"The floor price is $110 per kilogram.", CDX_KIND_MONEY,
	 "$110 per kilogram", 110, N, "USD", "kg", CDX_QUAL_EXACT},
	{"It was 10% greater than $10.0 billion in 2024.", CDX_KIND_MONEY,
	 "$10.0 billion", 10e9, N, "USD", "", CDX_QUAL_EXACT},
	{"They spent the $443 million in cash.", CDX_KIND_MONEY,
	 "$443 million", 443e6, N, "USD", "", CDX_QUAL_EXACT},
	/* currencies beyond the list take their ISO code; "won" only
	 * after a scale word */
	{"It will pump 154m naira into farms.", CDX_KIND_MONEY, "154m naira",
	 154e6, N, "NGN", "", CDX_QUAL_EXACT},
	{"Banks lent 12 trillion won last year.", CDX_KIND_MONEY,
	 "12 trillion won", 12e12, N, "KRW", "", CDX_QUAL_EXACT},
	/* a figure used as an adjective joins its scale or unit with a
	 * hyphen */
	{"They signed a $500-million deal.", CDX_KIND_MONEY, "$500-million",
	 500e6, N, "USD", "", CDX_QUAL_EXACT},
	{"CMOC got a 6,500-ton export quota.", CDX_KIND_MASS, "6,500-ton",
	 6500, N, "t", "", CDX_QUAL_EXACT},
	{"It holds a vast 4.7 billion-tonne ore body.", CDX_KIND_MASS,
	 "4.7 billion-tonne", 4.7e9, N, "t", "", CDX_QUAL_EXACT},
	/* mass, in metric tonnes */
	{"Chile mined more than 38 million tons of copper.", CDX_KIND_MASS,
	 "more than 38 million tons", 38e6, N, "t", "", CDX_QUAL_MIN},
	{"China holds some 44 million metric tons.", CDX_KIND_MASS,
	 "some 44 million metric tons", 44e6, N, "t", "", CDX_QUAL_APPROX},
	{"Australia shipped 2 kt of lithium.", CDX_KIND_MASS, "2 kt", 2000, N,
	 "t", "", CDX_QUAL_EXACT},
	{"The mine produced 5 Mt of ore.", CDX_KIND_MASS, "5 Mt", 5e6, N, "t",
	 "", CDX_QUAL_EXACT},
	{"Canada sold 1,000 kilograms of cobalt.", CDX_KIND_MASS,
	 "1,000 kilograms", 1, N, "t", "", CDX_QUAL_EXACT},
	{"Peru mined 2,000 pounds of tin.", CDX_KIND_MASS, "2,000 pounds",
	 0.90718474, N, "t", "", CDX_QUAL_EXACT},
	{"Mali mined 100,000 ounces of zinc.", CDX_KIND_MASS, "100,000 ounces",
	 2.8349523125, N, "t", "", CDX_QUAL_EXACT},
	{"Mali mined 100,000 troy ounces of gold.", CDX_KIND_MASS,
	 "100,000 troy ounces", 3.11034768, N, "t", "", CDX_QUAL_EXACT},
	{"An estimated 51,000 tons was produced.", CDX_KIND_MASS,
	 "An estimated 51,000 tons", 51000, N, "t", "", CDX_QUAL_APPROX},
	{"The US produces less than 5,000 tonnes.", CDX_KIND_MASS,
	 "less than 5,000 tonnes", 5000, N, "t", "", CDX_QUAL_MAX},
	{"Exports were cut to five million tons.", CDX_KIND_MASS,
	 "five million tons", 5e6, N, "t", "", CDX_QUAL_EXACT},
	{"China holds 44 million MT of reserves.", CDX_KIND_MASS,
	 "44 million MT", 44e6, N, "t", "", CDX_QUAL_EXACT},
};

START_TEST(figure_values)
{
	const struct figure_row *r = &figure_rows[_i];
	struct cdx_claims c = CDX_CLAIMS_INIT;
	const struct cdx_claim *k;
	struct tdoc t;

	run_text(r->text, &t, &c);
	k = find(&c, &t, r->kind, r->span);
	if (k == NULL)
		dump(&c, &t);
	ck_assert_msg(k != NULL, "no %s '%s' in '%s'", cdx_kind_name(r->kind),
	              r->span, r->text);
	ck_assert_double_eq_tol(k->value, r->value, fabs(r->value) * 1e-9);
	if (isnan(r->value_max))
		ck_assert(isnan(k->value_max));
	else
		ck_assert_double_eq_tol(k->value_max, r->value_max, 1e-9);
	ck_assert_str_eq(k->unit, r->unit);
	ck_assert_str_eq(k->per, r->per);
	ck_assert_str_eq(cdx_qualifier_name(k->qualifier),
	                 cdx_qualifier_name(r->qual));
	ck_assert_uint_eq(k->sent_start <= k->start, 1);
	ck_assert_uint_eq(k->end <= k->sent_end, 1);
	cdx_claims_release(&c);
	tdoc_release(&t);
}
END_TEST

/* Texts that state no percent, money or mass. */
static const char *const no_claim_rows[] = {
	"Imports fell under Section 232 of the act.",
	"The G20 met in Rome.",
	"The Group of 20 met in Rome.",
	"COVID-19 cases rose.",
	"It happened in 2019.",
	"Call 555-1234 today.",
	"The meeting starts at 10:30.",
	"Version 3.5 shipped.",
	"Let us look at 12 mines and 5 smelters.",
	"The 1962 act is old.",
};

START_TEST(no_claim)
{
	struct cdx_claims c = CDX_CLAIMS_INIT;
	struct tdoc t;

	run_text(no_claim_rows[_i], &t, &c);
	for (size_t i = 0; i < c.n; i++) {
		enum cdx_claim_kind k = c.v[i].kind;

		if (k == CDX_KIND_PERCENT || k == CDX_KIND_MONEY ||
		    k == CDX_KIND_MASS) {
			dump(&c, &t);
			ck_abort_msg("unexpected claim in '%s'", no_claim_rows[_i]);
		}
	}
	cdx_claims_release(&c);
	tdoc_release(&t);
}
END_TEST

START_TEST(from_to_is_two_figures)
{
	struct cdx_claims c = CDX_CLAIMS_INIT;
	struct tdoc t;
	const struct cdx_claim *a, *b;

	run_text("The rate rose from 3 to 5 percent.", &t, &c);
	a = find(&c, &t, CDX_KIND_PERCENT, "3");
	b = find(&c, &t, CDX_KIND_PERCENT, "5 percent");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_double_eq(a->value, 3);
	ck_assert_double_eq(b->value, 5);
	ck_assert(isnan(a->value_max));
	tdoc_release(&t);
	run_text("Crude rose $1.64 to $47.10 a barrel.", &t, &c);
	a = find(&c, &t, CDX_KIND_MONEY, "$1.64");
	ck_assert_ptr_nonnull(a);
	ck_assert(isnan(a->value_max));
	ck_assert_ptr_nonnull(find(&c, &t, CDX_KIND_MONEY, "$47.10 a barrel"));
	cdx_claims_release(&c);
	tdoc_release(&t);
}
END_TEST

START_TEST(yen_needs_japan)
{
	struct cdx_claims c = CDX_CLAIMS_INIT;
	struct tdoc t;
	const struct cdx_claim *k;

	run_text("Japan will spend \xc2\xa5" "70 trillion.", &t, &c);
	k = find(&c, &t, CDX_KIND_MONEY, "\xc2\xa5" "70 trillion");
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(k->unit, "JPY");
	ck_assert_double_eq_tol(k->value, 70e12, 1);
	tdoc_release(&t);
	run_text("China will spend \xc2\xa5" "70 trillion.", &t, &c);
	k = find(&c, &t, CDX_KIND_MONEY, "\xc2\xa5" "70 trillion");
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(k->unit, "CNY");
	cdx_claims_release(&c);
	tdoc_release(&t);
}
END_TEST

START_TEST(claims_in_text_order)
{
	struct cdx_claims c = CDX_CLAIMS_INIT;
	struct tdoc t;

	run_text("In 2024, Chile mined 5 million tons, up 3%. Peru mined 2 "
	         "million tons worth $9bn in 2023. Sales rose 4%.", &t, &c);
	ck_assert_uint_ge(c.n, 7);
	for (size_t i = 1; i < c.n; i++)
		ck_assert_uint_le(c.v[i - 1].start, c.v[i].start);
	cdx_claims_release(&c);
	tdoc_release(&t);
}
END_TEST

START_TEST(flattened_table_rows)
{
	struct cdx_claims c = CDX_CLAIMS_INIT;
	const struct cdx_claim *k;
	struct tdoc t;

	run_text("Reserves by country\nMass\nin Tons\nChina\n44,000,000\n"
	         "Brazil\n21,000,000\n", &t, &c);
	k = find(&c, &t, CDX_KIND_MASS, "44,000,000");
	ck_assert_ptr_nonnull(k);
	ck_assert_double_eq_tol(k->value, 44e6, 1e-3);
	ck_assert_pstr_eq(k->subject, "China");
	k = find(&c, &t, CDX_KIND_MASS, "21,000,000");
	ck_assert_ptr_nonnull(k);
	ck_assert_pstr_eq(k->subject, "Brazil");
	tdoc_release(&t);
	run_text("(Data in thousand metric tons, copper content)\nPeru\n2,760\n",
	         &t, &c);
	k = find(&c, &t, CDX_KIND_MASS, "2,760");
	ck_assert_ptr_nonnull(k);
	ck_assert_double_eq_tol(k->value, 2.76e6, 1e-3);
	tdoc_release(&t);
	/* no header: a bare number is nothing */
	run_text("Peru\n2,760\n", &t, &c);
	ck_assert_uint_eq(c.n, 0);
	tdoc_release(&t);
	/* a line opening with "in" and no unit: no header */
	run_text("in 2004\nPeru\n2,760\n", &t, &c);
	ck_assert_ptr_null(find(&c, &t, CDX_KIND_MASS, "2,760"));
	tdoc_release(&t);
	/* a unit in capitals still declares one */
	run_text("IN TONS\nPeru\n2,760\n", &t, &c);
	ck_assert_ptr_nonnull(find(&c, &t, CDX_KIND_MASS, "2,760"));
	cdx_claims_release(&c);
	tdoc_release(&t);
}
END_TEST

/* --------------------------------------------------------------- dates */

static const struct date_row {
	const char *text;
	const char *span;
	const char *value;
} date_rows[] = {
	{"The plant opens in October 2027.", "in October 2027", "2027-10"},
	{"The target is due by 2030.", "by 2030", "2030"},
	{"Profit peaked in March 2004.", "in March 2004", "2004-03"},
	{"On November 7, 2025, it said so.", "On November 7, 2025",
	 "2025-11-07"},
	{"Filings close by 5 December 2025.", "by 5 December 2025",
	 "2025-12-05"},
	{"It happened in 2019.", "in 2019", "2019"},
	{"Rates rose in 2004 and 2005.", "2005", "2005"},
	{"Dated 2025-12-22 in the header.", "2025-12-22", "2025-12-22"},
	{"Prices rose in 2024. In October they fell.", "In October", "2024-10"},
	{"EV sales will reach 40 per cent by 2030.1", "by 2030", "2030"},
};

START_TEST(date_values)
{
	const struct date_row *r = &date_rows[_i];
	struct cdx_claims c = CDX_CLAIMS_INIT;
	const struct cdx_claim *k;
	struct tdoc t;

	run_text(r->text, &t, &c);
	k = find(&c, &t, CDX_KIND_DATE, r->span);
	if (k == NULL)
		dump(&c, &t);
	ck_assert_msg(k != NULL, "no date '%s' in '%s'", r->span, r->text);
	ck_assert_str_eq(k->value_str, r->value);
	ck_assert(isnan(k->value));
	cdx_claims_release(&c);
	tdoc_release(&t);
}
END_TEST

START_TEST(no_date_in_numbers)
{
	static const char *const texts[] = {
		"It sold 2030 tons.", "It paid $2025 for it.",
		"Shares fell by 1830 GMT.", "It rose 1999.5 points.",
		"Output was 2,024 tons.",
	};
	for (size_t r = 0; r < sizeof(texts) / sizeof(texts[0]); r++) {
		struct cdx_claims c = CDX_CLAIMS_INIT;
		struct tdoc t;

		run_text(texts[r], &t, &c);
		for (size_t i = 0; i < c.n; i++)
			ck_assert_msg(c.v[i].kind != CDX_KIND_DATE,
			              "date in '%s'", texts[r]);
		cdx_claims_release(&c);
		tdoc_release(&t);
	}
}
END_TEST

/* ----------------------------------------------------------- attributes */

static const struct attr_row {
	const char *text;
	enum cdx_claim_kind kind;
	const char *span;
	const char *subject;   /* NULL: no subject */
	const char *commodity; /* NULL: no commodity */
	const char *time;      /* "" : none */
} attr_rows[] = {
	{"China contributes 92 percent of global refined output of cobalt.",
	 CDX_KIND_PERCENT, "92 percent", "China", "cobalt", ""},
	{"China produces 95 percent of rare earths, and the US relies on China "
	 "for more than 80 percent of its imports.", CDX_KIND_PERCENT,
	 "more than 80 percent", "United States", "rare earths", ""},
	{"Chinese exports supplied 70 percent of America's needs.",
	 CDX_KIND_PERCENT, "70 percent", "China", NULL, ""},
	{"The US imposed a 93.5% duty on Chinese graphite.", CDX_KIND_PERCENT,
	 "93.5%", "China", "graphite", ""},
	{"The U.S. DOE took a 5% stake in Lithium Americas.", CDX_KIND_PERCENT,
	 "5%", "Department of Energy", NULL, ""},
	{"U.S.-listed shares of Lithium Americas rose 31%.", CDX_KIND_PERCENT,
	 "31%", "Lithium Americas", NULL, ""},
	{"Glencore is a big miner. Its copper output rose 5% in 2024.",
	 CDX_KIND_PERCENT, "5%", "Glencore", "copper", "2024"},
	{"In 2018, Beijing raised output by 15,000 tons, while the US produced "
	 "15,000 tons of rare earths.", CDX_KIND_MASS, "15,000 tons", "China",
	 "rare earths", "2018"},
	{"Chile leads with 5.3 million tons, followed by Peru (2.76 million "
	 "tons).", CDX_KIND_MASS, "2.76 million tons", "Peru", NULL, ""},
	{"In North America, resources include 3.6 million tons in Canada.",
	 CDX_KIND_MASS, "3.6 million tons", "Canada", NULL, ""},
	{"Trump imposed 25% tariffs on steel.", CDX_KIND_PERCENT, "25%",
	 "United States", "steel", ""},
	{"Lithium is key. Output was 40,000 tons, the Commerce Department said.",
	 CDX_KIND_MASS, "40,000 tons", NULL, "lithium", ""},
	{"In 2025, US output was an estimated $11 billion, 10% greater than "
	 "$10.0 billion in 2024.", CDX_KIND_MONEY, "$10.0 billion",
	 "United States", NULL, "2024"},
	{"In 2025, US output was an estimated $11 billion, 10% greater than "
	 "$10.0 billion in 2024.", CDX_KIND_MONEY, "an estimated $11 billion",
	 "United States", NULL, "2025"},
	{"Tanbreez is a deposit in Greenland. The deposit contains 19 million "
	 "tons of rare earth oxide.", CDX_KIND_MASS, "19 million tons",
	 "Tanbreez", "rare earths", ""},
};

START_TEST(attributes)
{
	const struct attr_row *r = &attr_rows[_i];
	struct cdx_claims c = CDX_CLAIMS_INIT;
	const struct cdx_claim *k;
	struct tdoc t;

	run_text(r->text, &t, &c);
	k = find(&c, &t, r->kind, r->span);
	if (k == NULL)
		dump(&c, &t);
	ck_assert_msg(k != NULL, "no '%s' in '%s'", r->span, r->text);
	ck_assert_pstr_eq(k->subject, r->subject);
	ck_assert_pstr_eq(k->commodity, r->commodity);
	ck_assert_str_eq(k->time, r->time);
	cdx_claims_release(&c);
	tdoc_release(&t);
}
END_TEST

START_TEST(metric_from_cue)
{
	struct cdx_claims c = CDX_CLAIMS_INIT;
	const struct cdx_claim *k;
	struct tdoc t;

	run_text("China holds 37% of global reserves.", &t, &c);
	k = find(&c, &t, CDX_KIND_PERCENT, "37%");
	ck_assert_ptr_nonnull(k);
	ck_assert_pstr_eq(k->metric, "reserves share");
	tdoc_release(&t);
	run_text("China holds 44 million tons of reserves.", &t, &c);
	k = find(&c, &t, CDX_KIND_MASS, "44 million tons");
	ck_assert_ptr_nonnull(k);
	ck_assert_pstr_eq(k->metric, "reserves");
	cdx_claims_release(&c);
	tdoc_release(&t);
}
END_TEST

/* -------------------------------------------------------------- errors */

START_TEST(missing_data_dir)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_extractor *e = (struct cdx_extractor *)1;

	ck_assert_int_eq(cdx_extract_new(&e, "/nonexistent/claimdex", &err),
	                 CDX_ERR_IO);
	ck_assert_ptr_null(e);
	ck_assert_msg(strstr(err.msg, "cannot open '/nonexistent/claimdex/") !=
	              NULL, "%s", err.msg);
}
END_TEST

START_TEST(malformed_data_file)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_extractor *e = NULL;
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/extract/bad", cdx_test_data());
	ck_assert_int_eq(cdx_extract_new(&e, dir, &err), CDX_ERR_FORMAT);
	ck_assert_ptr_null(e);
	ck_assert_msg(strstr(err.msg, "numbers.tsv:4'") != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, "found 3") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(malformed_unit_alternative)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_extractor *e = NULL;
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/extract/badunits", cdx_test_data());
	ck_assert_int_eq(cdx_extract_new(&e, dir, &err), CDX_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "units.tsv:3'") != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, "'JPY'") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(data_dir_from_env)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_extractor *e = NULL;

	setenv("CLAIMDEX_DATA", "/nonexistent/env-dir", 1);
	ck_assert_int_eq(cdx_extract_new(&e, NULL, &err), CDX_ERR_IO);
	unsetenv("CLAIMDEX_DATA");
	ck_assert_msg(strstr(err.msg, "/nonexistent/env-dir/") != NULL, "%s",
	              err.msg);
}
END_TEST

START_TEST(match_limit_skips_sentence)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_claims c = CDX_CLAIMS_INIT;
	unsigned hits = 0;
	struct tdoc t;

	tdoc_init(&t, "Chile mined 5 million tons. Peru mined 3 million tons.",
	          NULL);
	extract_scratch_set_match_limit(xt_scr, 1);
	ck_assert_int_eq(cdx_extract_run(xt_ex, xt_scr, &t.d, &c, &hits, &err),
	                 CDX_OK);
	ck_assert_uint_eq(hits, 2);
	ck_assert_uint_eq(c.n, 0);
	/* NULL counter is allowed */
	ck_assert_int_eq(cdx_extract_run(xt_ex, xt_scr, &t.d, &c, NULL, &err),
	                 CDX_OK);
	cdx_claims_release(&c);
	tdoc_release(&t);
}
END_TEST

START_TEST(free_accepts_null)
{
	struct cdx_claims c = CDX_CLAIMS_INIT;

	cdx_extract_free(NULL);
	cdx_extract_scratch_free(NULL);
	cdx_claims_release(NULL);
	cdx_claims_release(&c);
}
END_TEST

START_TEST(names_round_trip)
{
	enum cdx_claim_kind k;

	for (unsigned i = 0; i < CDX_KIND_COUNT_; i++) {
		ck_assert_int_eq(cdx_kind_parse(cdx_kind_name(i), &k), CDX_OK);
		ck_assert_uint_eq(k, i);
	}
	ck_assert_int_eq(cdx_kind_parse("volume", &k), CDX_ERR_NOTFOUND);
	ck_assert_ptr_null(cdx_kind_name(CDX_KIND_COUNT_));
	ck_assert_str_eq(cdx_qualifier_name(CDX_QUAL_RANGE), "range");
	ck_assert_str_eq(cdx_entity_type_name(CDX_ENT_PLACE), "place");
}
END_TEST

/* ------------------------------------------------------- real corpora */

START_TEST(real_article)
{
	CDX_SKIP_WITHOUT_SHARED(shared);
	struct cdx_claims c = CDX_CLAIMS_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	char path[4096];
	struct tdoc t;
	FILE *fp;
	char *buf;
	long n;
	size_t pct = 0, mass = 0;

	snprintf(path, sizeof(path), "%s/corpora/critical-minerals/news/"
	         "n34-koreaherald-2019-china-rare-earths-95pct.txt", shared);
	fp = fopen(path, "rb");
	if (fp == NULL) {
		fprintf(stderr, "skipped: %s missing\n", path);
		return;
	}
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	tdoc_init(&t, buf, "2019-06");
	ck_assert_int_eq(cdx_extract_run(xt_ex, xt_scr, &t.d, &c, NULL, &err), CDX_OK);
	for (size_t i = 0; i < c.n; i++) {
		pct += c.v[i].kind == CDX_KIND_PERCENT;
		mass += c.v[i].kind == CDX_KIND_MASS;
		ck_assert_uint_le(c.v[i].end, t.d.len);
	}
	ck_assert_uint_ge(pct, 2);
	ck_assert_uint_ge(mass, 4);
	cdx_claims_release(&c);
	tdoc_release(&t);
	free(buf);
}
END_TEST

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *extract_suite(void)
{
	Suite *s = suite_create("extract");
	TCase *tc;

	tc = tcase_create("figures are normalised");
	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, figure_values, 0, NROWS(figure_rows));
	tcase_add_test(tc, from_to_is_two_figures);
	tcase_add_test(tc, yen_needs_japan);
	tcase_add_test(tc, claims_in_text_order);
	tcase_add_test(tc, flattened_table_rows);
	suite_add_tcase(s, tc);

	tc = tcase_create("numbers in names are no claims");
	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, no_claim, 0, NROWS(no_claim_rows));
	tcase_add_test(tc, no_date_in_numbers);
	suite_add_tcase(s, tc);

	tc = tcase_create("dates resolve to ISO prefixes");
	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, date_values, 0, NROWS(date_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("subject commodity metric and time");
	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, attributes, 0, NROWS(attr_rows));
	tcase_add_test(tc, metric_from_cue);
	suite_add_tcase(s, tc);

	tc = tcase_create("data files and limits");
	tcase_add_test(tc, missing_data_dir);
	tcase_add_test(tc, malformed_data_file);
	tcase_add_test(tc, malformed_unit_alternative);
	tcase_add_test(tc, data_dir_from_env);
	tcase_add_test(tc, free_accepts_null);
	tcase_add_test(tc, names_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("match limits skip a sentence");
	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_test(tc, match_limit_skips_sentence);
	suite_add_tcase(s, tc);

	tc = tcase_create("real article");
	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_test(tc, real_article);
	suite_add_tcase(s, tc);
	extract_kinds_cases(s);
	extract_subject_cases(s);
	extract_date_cases(s);
	extract_agree_cases(s);
	extract_metric_cases(s);
	extract_scan_cases(s);
	extract_entity_cases(s);
	extract_masks_cases(s);
	extract_skip_cases(s);
	extract_news_cases(s);
	extract_earn_cases(s);
	return s;
}
