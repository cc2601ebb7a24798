/*
 * test_extract_agree.c — part of the extract suite: agreements (named and
 * as noun phrases, with their parties), quantities with their base units,
 * shares stated as fractions, vague number words, a row each; the rows
 * that must yield no such claim; and a malformed agreements.tsv.
 *
 * Each text is one document that was never split, so the extractor takes
 * it as one sentence.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract.h"
#include "test_extract.h"
#include "testutil.h"

static struct cdx_claims out = CDX_CLAIMS_INIT;

static void setup(void)
{
	extract_fixture_setup();
}

static void teardown(void)
{
	cdx_claims_release(&out);
	extract_fixture_teardown();
}

static void run(const char *text)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_doc d;
	unsigned hits = 0;

	memset(&d, 0, sizeof(d));
	d.source = (char *)"test";
	d.text = (char *)text;
	d.len = strlen(text);
	out.n = 0;
	ck_assert_int_eq(cdx_extract_run(xt_ex, xt_scr, &d, &out, &hits, &err),
	                 CDX_OK);
	ck_assert_uint_eq(hits, 0);
}

/* The claim of @p kind whose span is @p span, or NULL (and a dump). */
static const struct cdx_claim *find(const char *text, enum cdx_claim_kind kind,
                                    const char *span)
{
	for (size_t i = 0; i < out.n; i++) {
		const struct cdx_claim *k = &out.v[i];

		if (k->kind == kind && k->end - k->start == strlen(span) &&
		    memcmp(text + k->start, span, k->end - k->start) == 0)
			return k;
	}
	for (size_t i = 0; i < out.n; i++)
		fprintf(stderr, "  got %s '%.*s'\n", cdx_kind_name(out.v[i].kind),
		        (int)(out.v[i].end - out.v[i].start),
		        text + out.v[i].start);
	return NULL;
}

static size_t count_kind(enum cdx_claim_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < out.n; i++)
		n += out.v[i].kind == kind;
	return n;
}

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ----------------------------------------------------------- agreements */

struct agree_row {
	const char *text;
	const char *span;    /* the agreement's name or noun phrase */
	const char *subject; /* first party, or NULL */
	unsigned n_parties;
	const char *last;    /* the last party, or NULL */
};

static const struct agree_row agree_rows[] = {
	/* signing event: the phrase after the det word */
	{"Australia and Japan signed a strategic mineral cooperation "
	 "agreement on Monday.", "strategic mineral cooperation agreement",
	 "Australia", 2, "Japan"},
	/* a named agreement; the countries inside the name are parties */
	{"Canada said the United States-Mexico-Canada Agreement would stay.",
	 "United States-Mexico-Canada Agreement", "Canada", 3, "Mexico"},
	{"The US-UK Atlantic Declaration covers critical minerals.",
	 "US-UK Atlantic Declaration", "United States", 2, "United Kingdom"},
	{"The Treaty of Versailles ended the war.", "Treaty of Versailles",
	 NULL, 0, NULL},
	{"Under the deal, the Pentagon will buy the magnets.", "deal",
	 "Department of Defense", 1, "Department of Defense"},
	{"Glencore signed a memorandum of understanding with Chile.",
	 "memorandum of understanding", "Glencore", 2, "Chile"},
	{"China's pact with Russia was signed in Beijing.", "pact", "China",
	 2, "Russia"},
	{"They welcomed the preliminary agreement.", "preliminary agreement",
	 NULL, 0, NULL},
	/* a head of state acts for the country; a commodity is no party */
	{"Xi Jinping signed the lithium accord with Chile.", "lithium accord",
	 "China", 2, "Chile"},
	/* en dash and right quote inside the phrase: bytes, not letters */
	{"Congo\xe2\x80\x99s public\xe2\x80\x93private treaty was signed.",
	 "public\xe2\x80\x93private treaty", "Democratic Republic of the Congo",
	 1, "Democratic Republic of the Congo"},
};

START_TEST(agreement_rows)
{
	const struct agree_row *r = &agree_rows[_i];
	const struct cdx_claim *c;

	run(r->text);
	c = find(r->text, CDX_KIND_AGREEMENT, r->span);
	ck_assert_msg(c != NULL, "no agreement '%s' in '%s'", r->span, r->text);
	ck_assert_uint_eq(c->n_parties, r->n_parties);
	if (r->subject)
		ck_assert_str_eq(c->subject, r->subject);
	if (r->last)
		ck_assert_str_eq(c->parties[c->n_parties - 1], r->last);
	ck_assert(isnan(c->value));
	ck_assert_ptr_null(c->metric);
	ck_assert_int_eq(c->change, CDX_CHANGE_NONE);
}
END_TEST

/* Texts with an agreement word that make no agreement claim. */
static const char *const no_agree_rows[] = {
	"It was a great deal of work.",              /* a `not` word */
	"The firm wants to deal with the backlog.",  /* a verb: no det */
	"The biggest deals of the year were in oil.", /* plural */
	"They met North Atlantic Treaty Organisation leaders.", /* longer name */
	"Agreement was reached late.",               /* no det, no name */
	"The members are in agreement.",             /* no det */
	"They signed a declaration.",                /* a name-only head */
	"It was a deal-breaker for them.",           /* a modifier */
};

START_TEST(no_agreement)
{
	run(no_agree_rows[_i]);
	ck_assert_msg(count_kind(CDX_KIND_AGREEMENT) == 0,
	              "agreement claim in '%s'", no_agree_rows[_i]);
}
END_TEST

START_TEST(agreement_text_name_party)
{
	/* a company the gazetteer lacks is a party under its own name, and a
	 * person speaking for it is none */
	const char *t = "Investors backed the supply deal with Huzhou Kaijin "
	                "Technology. Huzhou Kaijin Technology chairman, "
	                "John Smith, said the deal was fair.";
	const struct cdx_claim *c;

	run(t);
	ck_assert_uint_eq(count_kind(CDX_KIND_AGREEMENT), 2);
	c = find(t, CDX_KIND_AGREEMENT, "supply deal");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->n_parties, 1);
	ck_assert_str_eq(c->parties[0], "Huzhou Kaijin Technology");
	ck_assert_str_eq(c->subject, "Huzhou Kaijin Technology");
	c = &out.v[out.n - 1];
	ck_assert_int_eq(c->kind, CDX_KIND_AGREEMENT);
	ck_assert_uint_eq(c->n_parties, 1);
	ck_assert_str_eq(c->parties[0], "Huzhou Kaijin Technology");
}
END_TEST

/* ------------------------------------------------- quantities, shares */

struct value_row {
	const char *text;
	enum cdx_claim_kind kind;
	const char *span;
	double value;
	const char *unit;
	enum cdx_qualifier qual;
};

static const struct value_row value_rows[] = {
	{"The plant makes 1,200 GWh a year.", CDX_KIND_QUANTITY, "1,200 GWh",
	 1.2e6, "MWh", CDX_QUAL_EXACT},
	{"Output was 3.5 TWh.", CDX_KIND_QUANTITY, "3.5 TWh", 3.5e6, "MWh",
	 CDX_QUAL_EXACT},
	{"It used 500 kWh.", CDX_KIND_QUANTITY, "500 kWh", 0.5, "MWh",
	 CDX_QUAL_EXACT},
	{"It stores 20 megawatt hours.", CDX_KIND_QUANTITY,
	 "20 megawatt hours", 20, "MWh", CDX_QUAL_EXACT},
	{"A 2 GW plant opened.", CDX_KIND_QUANTITY, "2 GW", 2000, "MW",
	 CDX_QUAL_EXACT},
	{"Saudi Arabia pumped about 9.5 million barrels per day.",
	 CDX_KIND_QUANTITY, "about 9.5 million barrels per day", 9.5e6, "bbl/d",
	 CDX_QUAL_APPROX},
	{"Exports reached 300,000 bpd.", CDX_KIND_QUANTITY, "300,000 bpd", 3e5,
	 "bbl/d", CDX_QUAL_EXACT},
	{"The field holds 2 billion barrels of oil.", CDX_KIND_QUANTITY,
	 "2 billion barrels of oil", 2e9, "bbl", CDX_QUAL_EXACT},
	{"It holds 3 billion cubic metres of water.", CDX_KIND_QUANTITY,
	 "3 billion cubic metres", 3e9, "m3", CDX_QUAL_EXACT},
	{"The farm covers 1,000 acres.", CDX_KIND_QUANTITY, "1,000 acres",
	 404.68564224, "ha", CDX_QUAL_EXACT},
	{"The lease covers 40 hectares.", CDX_KIND_QUANTITY, "40 hectares", 40,
	 "ha", CDX_QUAL_EXACT},
	{"The store has 20,000 square metres.", CDX_KIND_QUANTITY,
	 "20,000 square metres", 2, "ha", CDX_QUAL_EXACT},
	{"The plant covers 500,000 square feet.", CDX_KIND_QUANTITY,
	 "500,000 square feet", 4.645152, "ha", CDX_QUAL_EXACT},
	{"It drew three watts of power.", CDX_KIND_QUANTITY, "three watts",
	 3e-6, "MW", CDX_QUAL_EXACT},
	/* shares stated as fractions */
	{"About two-thirds of the cobalt comes from Congo.", CDX_KIND_PERCENT,
	 "About two-thirds", 66.67, "%", CDX_QUAL_APPROX},
	{"Half of the minerals are imported.", CDX_KIND_PERCENT, "Half", 50,
	 "%", CDX_QUAL_EXACT},
	{"More than a third of the lithium is refined in China.",
	 CDX_KIND_PERCENT, "More than a third", 33.33, "%", CDX_QUAL_MIN},
	{"Nearly three quarters of the output is sold.", CDX_KIND_PERCENT,
	 "Nearly three quarters", 75, "%", CDX_QUAL_APPROX},
	{"Growth was \xc2\xbd of the forecast.", CDX_KIND_PERCENT, "\xc2\xbd",
	 50, "%", CDX_QUAL_EXACT},
	/* vague and word numbers */
	{"Hundreds of workers lost their jobs.", CDX_KIND_COUNT,
	 "Hundreds of workers", 100, "worker", CDX_QUAL_APPROX},
	{"The mine employs a dozen geologists.", CDX_KIND_COUNT,
	 "a dozen geologists", 12, "geologist", CDX_QUAL_EXACT},
};

START_TEST(value_rows_test)
{
	const struct value_row *r = &value_rows[_i];
	const struct cdx_claim *c;

	run(r->text);
	c = find(r->text, r->kind, r->span);
	ck_assert_msg(c != NULL, "no %s '%s' in '%s'", cdx_kind_name(r->kind),
	              r->span, r->text);
	ck_assert_msg(fabs(c->value - r->value) <= 1e-9 * fabs(r->value) + 1e-12,
	              "'%s': %g, want %g", r->span, c->value, r->value);
	ck_assert_str_eq(c->unit, r->unit);
	ck_assert_int_eq(c->qualifier, r->qual);
}
END_TEST

/* A fraction that is a part of a period or no share at all. */
static const char *const no_share_rows[] = {
	"In the first half of 2005 sales rose.",
	"The other half of the team left.",
	"Sales fell in the third quarter.",
	"Half the staff left.",  /* no "of": not read as a share */
};

START_TEST(no_share)
{
	run(no_share_rows[_i]);
	ck_assert_msg(count_kind(CDX_KIND_PERCENT) == 0,
	              "percent claim in '%s'", no_share_rows[_i]);
}
END_TEST

/* ------------------------------------------------------------- errors */

/* Copy every data file to @p dir, then replace agreements.tsv. */
static void data_copy(const char *dir, const char *agreements)
{
	static const char *const files[] = {
		"numbers.tsv", "units.tsv", "qualifiers.tsv", "dates.tsv",
		"metrics.tsv", "grammar.tsv", "words.tsv", "entities.tsv",
	};
	char src[4096], dst[4096], buf[8192];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *in, *o;
		size_t n;

		snprintf(src, sizeof(src), "%s/extractors/data/%s",
		         CDX_SOURCE_ROOT, files[i]);
		snprintf(dst, sizeof(dst), "%s/%s", dir, files[i]);
		in = fopen(src, "rb");
		o = fopen(dst, "wb");
		ck_assert_ptr_nonnull(in);
		ck_assert_ptr_nonnull(o);
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			ck_assert_uint_eq(fwrite(buf, 1, n, o), n);
		fclose(in);
		fclose(o);
	}
	snprintf(dst, sizeof(dst), "%s/agreements.tsv", dir);
	{
		FILE *o = fopen(dst, "wb");

		ck_assert_ptr_nonnull(o);
		fputs(agreements, o);
		fclose(o);
	}
}

static void data_remove(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

struct bad_row {
	const char *file;
	const char *want; /* in the message */
};

static const struct bad_row bad_rows[] = {
	{"head\tdeal\nfoo\tpact\n", "agreements.tsv:2'"},
	{"# names need their capital\nname\tdeclaration\n", "capitalised"},
	{"head\t\n", "empty phrase"},
};

START_TEST(bad_agreements_file)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_extractor *e = NULL;
	char dir[] = "/tmp/cdx-agree-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(dir));
	data_copy(dir, bad_rows[_i].file);
	ck_assert_int_eq(cdx_extract_new(&e, dir, &err), CDX_ERR_FORMAT);
	ck_assert_ptr_null(e);
	ck_assert_msg(strstr(err.msg, bad_rows[_i].want) != NULL, "%s",
	              err.msg);
	data_remove(dir);
}
END_TEST

void extract_agree_cases(Suite *s)
{
	TCase *tc = tcase_create("agreements");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, agreement_rows, 0, NROWS(agree_rows));
	tcase_add_loop_test(tc, no_agreement, 0, NROWS(no_agree_rows));
	tcase_add_test(tc, agreement_text_name_party);
	tcase_add_loop_test(tc, bad_agreements_file, 0, NROWS(bad_rows));
	suite_add_tcase(s, tc);
	tc = tcase_create("quantities");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, value_rows_test, 0, NROWS(value_rows));
	tcase_add_loop_test(tc, no_share, 0, NROWS(no_share_rows));
	suite_add_tcase(s, tc);
}
