/*
 * test_extract_earn.c — part of the extract suite: the wires' earnings
 * reports. The rows of their tables ("Oper shr 22 cts vs 18 cts"), their
 * notes, and "it" with nothing before to point to take the company the
 * title names in capitals (firm.c), written readable;
 * the items of their notes are gains, charges, writedowns and dividends,
 * each on its own side of a "vs" (metrics.tsv, metric.c).
 *
 * Titles, companies and texts are made up for these tests. Documents go
 * through cdx_doc_new(), so they are split into sentences as real input
 * is.
 */
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "extract.h"
#include "test_extract.h"
#include "testutil.h"

enum field { F_SUBJECT, F_METRIC };

static const struct earn_row {
	const char *title; /* NULL: none */
	const char *text;
	const char *span;
	enum field field;
	const char *want; /* NULL: none */
} earn_rows[] = {
	/* the company before its ticker, readable: joining words in lower
	 * case, the legal form kept */
	{"TELLAN AND DATA SYSTEMS INC <TDX> 4TH QTR NET",
	 "Oper shr 22 cts vs 18 cts\nOper net 2,058,000 vs 1,129,000\n",
	 "22 cts", F_SUBJECT, "Tellan and Data Systems Inc"},
	{"TELLAN AND DATA SYSTEMS INC <TDX> 4TH QTR NET",
	 "Oper shr 22 cts vs 18 cts\n", "18 cts", F_SUBJECT,
	 "Tellan and Data Systems Inc"},
	/* a preferred share's ticker has a lower-case letter */
	{"SWIFT ORVALE PACKING CO <SFTPr> 1ST QTR NET",
	 "Shr 41 cts vs 39 cts\n", "41 cts", F_SUBJECT,
	 "Swift Orvale Packing Co"},
	/* alone in angle brackets (no ticker) */
	{"<ORVALE WIDGET LTD> YEAR NET", "Shr loss 45 cts vs profit 20 cts\n",
	 "45 cts", F_SUBJECT, "Orvale Widget Ltd"},
	/* ended by its legal form, no ticker; short words: initials stay,
	 * words.tsv namewords do not */
	{"QRT CORP 1ST QTR NET", "Shr 41 cts vs 39 cts\n", "41 cts",
	 F_SUBJECT, "QRT Corp"},
	{"NEW ORVALE OIL CO 1ST QTR NET", "Shr 41 cts vs 39 cts\n", "41 cts",
	 F_SUBJECT, "New Orvale Oil Co"},
	/* a wire's note before the name; hyphens, "Mc", apostrophes */
	{"CORRECTED - WAL-ORV STORES INC <WO> 1ST QTR",
	 "Shr 41 cts vs 39 cts\n", "41 cts", F_SUBJECT, "Wal-Orv Stores Inc"},
	{"MCORVALE'S INC <MCO> 3RD QTR NET", "Shr 41 cts vs 39 cts\n",
	 "41 cts", F_SUBJECT, "McOrvale's Inc"},
	{"H.B. ORVALE CO <HBO> 3RD QTR NET", "Shr 41 cts vs 39 cts\n",
	 "41 cts", F_SUBJECT, "H.B. Orvale Co"},
	{"THE ORVALE CORP <TOC> 3RD QTR NET", "Shr 41 cts vs 39 cts\n",
	 "41 cts", F_SUBJECT, "The Orvale Corp"},
	/* a company the gazetteer knows takes its canonical name */
	{"LYNAS RARE EARTHS LTD <LYC> HALF YEAR NET",
	 "Shr 41 cts vs 39 cts\n", "41 cts", F_SUBJECT, "Lynas"},
	/* a dividend row, and a note of the table */
	{"ORVALE WIDGET CORP <OWC> SETS QUARTERLY",
	 "Qtly div 12 cts vs 12 cts prior\n", "12 cts", F_SUBJECT,
	 "Orvale Widget Corp"},
	{"ORVALE WIDGET CORP <OWC> 4TH QTR NET",
	 "Shr 41 cts vs 39 cts\nNOTE: Net excludes a gain of 1,637,000 dlrs.\n",
	 "1,637,000 dlrs", F_SUBJECT, "Orvale Widget Corp"},
	/* the sentences naming no one after a row are the table's notes;
	 * one naming someone is not */
	{"ORVALE WIDGET CORP <OWC> 4TH QTR NET",
	 "Shr 41 cts vs 39 cts\n1986 qtr includes a gain of 5 mln dlrs from "
	 "a sale.\n", "5 mln dlrs", F_SUBJECT, "Orvale Widget Corp"},
	{"ORVALE WIDGET CORP <OWC> 4TH QTR NET",
	 "Shr 41 cts vs 39 cts\nTellan Mines Ltd paid 5 mln dlrs for a "
	 "plant.\n", "5 mln dlrs", F_SUBJECT, "Tellan Mines Ltd"},
	{"ORVALE WIDGET CORP <OWC> YEAR NET",
	 "Sales 11.2 mln dlrs vs 9.8 mln dlrs\n", "9.8 mln dlrs", F_SUBJECT,
	 "Orvale Widget Corp"},
	{"ORVALE WIDGET CORP <OWC> YEAR NET",
	 "Sales 11.2 mln dlrs vs 9.8 mln dlrs\n", "9.8 mln dlrs", F_METRIC,
	 "revenue"},
	/* "It" and "the company" with nothing before to point to */
	{"ORVALE WIDGET CORP <OWC> SEES HIGHER SALES",
	 "It said sales rose to 12 mln dlrs from 10 mln dlrs.\n",
	 "12 mln dlrs", F_SUBJECT, "Orvale Widget Corp"},
	{"ORVALE WIDGET CORP <OWC> SEES HIGHER SALES",
	 "Sales reached 12 mln dlrs, the company said.\n", "12 mln dlrs",
	 F_SUBJECT, "Orvale Widget Corp"},
	{"ORVALE WIDGET CORP <OWC> SEES HIGHER SALES",
	 "They said sales reached 12 mln dlrs.\n", "12 mln dlrs", F_SUBJECT,
	 NULL},
	{"Orvale Widget sees higher sales",
	 "It said sales rose to 12 mln dlrs from 10 mln dlrs.\n",
	 "12 mln dlrs", F_SUBJECT, NULL},
	/* no row, no company: a sentence of prose, a title not in capitals,
	 * a title naming no company, no title */
	{"ORVALE WIDGET CORP <OWC> 4TH QTR NET",
	 "The buyer paid 5 mln dlrs for the plant.\n", "5 mln dlrs",
	 F_SUBJECT, NULL},
	{"Orvale Widget Corp <OWC> 4th qtr net", "Shr 41 cts vs 39 cts\n",
	 "41 cts", F_SUBJECT, NULL},
	{"WIDGET SALES ROSE IN MARCH", "Shr 41 cts vs 39 cts\n", "41 cts",
	 F_SUBJECT, NULL},
	{"FED SAYS <BIG BANK> MAY MERGE", "Shr 41 cts vs 39 cts\n", "41 cts",
	 F_SUBJECT, NULL},
	{NULL, "Shr 41 cts vs 39 cts\n", "41 cts", F_SUBJECT, NULL},
	/* each side of "vs" has its own measure */
	{NULL, "NOTE: Net excludes discontinued operations gain 1,637,000 "
	 "dlrs vs loss 720,000 dlrs in quarter.\n", "1,637,000 dlrs",
	 F_METRIC, "gain"},
	{NULL, "NOTE: Net excludes discontinued operations gain 1,637,000 "
	 "dlrs vs loss 720,000 dlrs in quarter.\n", "720,000 dlrs", F_METRIC,
	 "loss"},
	/* a charge, a gain: only right beside the figure */
	{NULL, "1986 net both periods includes charge 865,000 dlrs from "
	 "reversal of investment tax credits.\n", "865,000 dlrs", F_METRIC,
	 "charge"},
	{NULL, "Net includes a pretax charge of 2,300,000 dlrs.\n",
	 "2,300,000 dlrs", F_METRIC, "charge"},
	{NULL, "She was in charge of a 9 mln dlr budget.\n", "9 mln dlr",
	 F_METRIC, NULL},
	{NULL, "The results include a 2.3 mln dlr gain on the sale.\n",
	 "2.3 mln dlr", F_METRIC, "gain"},
	{NULL, "The gains tracked a rise to 1.48 dlrs a gallon.\n",
	 "1.48 dlrs a gallon", F_METRIC, NULL},
	{NULL, "The unit took a 6.7 mln dlr writedown of its plant.\n",
	 "6.7 mln dlr", F_METRIC, "writedown"},
	/* dividends */
	{NULL, "Qtly div 12 cts vs 12 cts prior\n", "12 cts", F_METRIC,
	 "dividend"},
	{NULL, "The board declared a dividend of 15 cts per share.\n",
	 "15 cts per share", F_METRIC, "dividend"},
	/* a cue past "than" is the other side's */
	{NULL, "The set is 1,000 stg cheaper than last year's because of "
	 "lower costs.\n", "1,000 stg", F_METRIC, NULL},
};

START_TEST(earn_rule)
{
	const struct earn_row *r = &earn_rows[_i];
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_doc *doc = NULL;
	struct cdx_claims out = CDX_CLAIMS_INIT;
	const struct cdx_claim *k = NULL;
	const char *got;

	ck_assert_int_eq(cdx_doc_new(&doc, "test", r->title, NULL, r->text,
	                             strlen(r->text), &err), CDX_OK);
	ck_assert_int_eq(cdx_extract_run(xt_ex, xt_scr, doc, &out, NULL, &err),
	                 CDX_OK);
	for (size_t i = 0; i < out.n && k == NULL; i++)
		if (out.v[i].end - out.v[i].start == strlen(r->span) &&
		    memcmp(doc->text + out.v[i].start, r->span,
		           strlen(r->span)) == 0)
			k = &out.v[i];
	ck_assert_msg(k != NULL, "no claim '%s' in: %s", r->span, r->text);
	got = r->field == F_SUBJECT ? k->subject : k->metric;
	if (r->want == NULL)
		ck_assert_msg(got == NULL, "'%s': got '%s', want none in: %s",
		              r->span, got, r->text);
	else
		ck_assert_msg(got != NULL && strcmp(got, r->want) == 0,
		              "'%s': got '%s', want '%s' in: %s", r->span,
		              got ? got : "(none)", r->want, r->text);
	cdx_claims_release(&out);
	cdx_doc_free(doc);
}
END_TEST

/* The company is read once per document: a second document (another
 * title) gets its own, and the first's survives in the first's claims
 * while the array is not cleared. */
START_TEST(earn_title_per_document)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_doc *a = NULL, *b = NULL;
	struct cdx_claims out = CDX_CLAIMS_INIT;
	const char *text = "Shr 41 cts vs 39 cts\nQtly div 5 cts vs 5 cts\n";

	ck_assert_int_eq(cdx_doc_new(&a, "a", "ORVALE WIDGET CORP <OWC> NET",
	                             NULL, text, strlen(text), &err), CDX_OK);
	ck_assert_int_eq(cdx_doc_new(&b, "b", "TELLAN MINES LTD <TML> NET",
	                             NULL, text, strlen(text), &err), CDX_OK);
	ck_assert_int_eq(cdx_extract_run(xt_ex, xt_scr, a, &out, NULL, &err),
	                 CDX_OK);
	ck_assert_uint_eq(out.n, 4);
	ck_assert_int_eq(cdx_extract_run(xt_ex, xt_scr, b, &out, NULL, &err),
	                 CDX_OK);
	ck_assert_uint_eq(out.n, 8);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_str_eq(out.v[i].subject, "Orvale Widget Corp");
		ck_assert_str_eq(out.v[i + 4].subject, "Tellan Mines Ltd");
	}
	/* one string per document, not one per claim */
	ck_assert_ptr_eq(out.v[0].subject, out.v[3].subject);
	cdx_claims_release(&out);
	cdx_doc_free(a);
	cdx_doc_free(b);
}
END_TEST

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

void extract_earn_cases(Suite *s)
{
	TCase *tc = tcase_create("earnings reports");

	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, earn_rule, 0, NROWS(earn_rows));
	tcase_add_test(tc, earn_title_per_document);
	suite_add_tcase(s, tc);
}
