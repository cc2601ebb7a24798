/*
 * test_extract_dates.c — part of the extract suite: dates the issue adds
 * beyond absolute ones. Relative dates ("last year", "in May this year",
 * "next month") resolved against the document's own date, or kept with no
 * value when it has none; a month without its year taking the year stated
 * in its sentence; a span of years as one date; and years that only label
 * a name ("Summaries 2025", "Act of 1962"), which are no date.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "extract.h"
#include "test_extract.h"
#include "testutil.h"

static const struct date_row {
	const char *text;
	const char *doc_date; /* NULL: the document has none */
	const char *span;     /* NULL: no date claim at all */
	const char *value;    /* "" : no value */
	double value_max;     /* NAN: none */
} date_rows[] = {
	{"Sales rose last year.", "2025-03-02", "last year", "2024", NAN},
	{"Sales rose last year.", NULL, "last year", "", NAN},
	{"Output will double next year.", "2025-03", "next year", "2026", NAN},
	{"Prices fell this month.", "2025-03-10", "this month", "2025-03", NAN},
	{"Prices fell last month.", "2025-01-10", "last month", "2024-12",
	 NAN},
	{"The plant opened in May this year.", "2025-09-01",
	 "in May this year", "2025-05", NAN},
	{"Earlier this month the mine shut.", "2024-11-20",
	 "Earlier this month", "2024-11", NAN},
	{"Output has grown since 2020.", NULL, "since 2020", "2020", NAN},
	{"Output will triple by 2030.", NULL, "by 2030", "2030", NAN},
	{"As of September, production started in 2025.", NULL,
	 "As of September", "2025-09", NAN},
	{"Data cover the years from 2020 to 2024.", NULL, "from 2020 to 2024",
	 "2020", 2024},
	{"Import Sources (2020\xe2\x80\x93" "2023) are listed.", NULL,
	 "2020\xe2\x80\x93" "2023", "2020", 2023},
	{"It is part of Mineral Commodity Summaries 2025 today.", NULL, NULL,
	 NULL, NAN},
	{"It was set by the Trade Expansion Act of 1962 for steel.", NULL,
	 NULL, NULL, NAN},
	{"It is on the U.S. Final 2025 List of Critical Minerals.", NULL,
	 NULL, NULL, NAN},
	/* the day before the month: a date with or without its year, no
	 * preposition needed; without a year it takes the document's */
	{"The firm said 9 April it would reopen.", "2021-04-12", "9 April",
	 "2021-04-09", NAN},
	{"The firm said 9 April it would reopen.", NULL, "9 April", "", NAN},
	{"Quotas start as of 16 October.", "2025-09-22", "as of 16 October",
	 "2025-10-16", NAN},
	{"On 14 March 2007 the deal closed.", NULL, "On 14 March 2007",
	 "2007-03-14", NAN},
	{"Until 21 March, as in 1953, sales stop.", NULL, "Until 21 March",
	 "1953-03-21", NAN}, /* the year its sentence states */
	/* datelines abbreviate months without a dot */
	{"Posted 22 Sep 2025 by staff.", NULL, "22 Sep 2025", "2025-09-22",
	 NAN},
	{"Apr 02, 2025: the deal was signed.", NULL, "Apr 02, 2025",
	 "2025-04-02", NAN},
	/* a day's name belongs to the date after it */
	{"They met on Saturday, October 11, in Kinshasa.", "2025-10-13",
	 "on Saturday, October 11", "2025-10-11", NAN},
	{"Friday, July 4, 2025 was hot.", NULL, "Friday, July 4, 2025",
	 "2025-07-04", NAN},
	/* a comparison's base year is not the one a later month takes */
	{"Prices fell in 2025, 31% down from that in 2024. In January they "
	 "rose.", NULL, "In January", "2025-01", NAN},
	{"Output rose to 9 tons in 2025 from 7 tons in 2024. In May it "
	 "fell.", NULL, "In May", "2025-05", NAN},
	/* not dates: a day's name alone, a count before a month-like word */
	{"Markets fell on Monday.", NULL, NULL, NULL, NAN},
	{"We may see 12 more.", NULL, NULL, NULL, NAN},
};

START_TEST(dates_resolved)
{
	const struct date_row *r = &date_rows[_i];
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_claims c = CDX_CLAIMS_INIT;
	struct cdx_doc *d = NULL;
	const struct cdx_claim *k = NULL;

	ck_assert_int_eq(cdx_doc_new(&d, "test", NULL, r->doc_date, r->text,
	                             strlen(r->text), &err), CDX_OK);
	ck_assert_int_eq(cdx_extract_run(xt_ex, xt_scr, d, &c, NULL, &err), CDX_OK);
	/* the date whose text is the row's span, else the first one */
	for (size_t i = 0; i < c.n; i++)
		if (c.v[i].kind == CDX_KIND_DATE &&
		    (k == NULL ||
		     (r->span && c.v[i].end - c.v[i].start == strlen(r->span) &&
		      memcmp(d->text + c.v[i].start, r->span,
		             strlen(r->span)) == 0)))
			k = &c.v[i];
	if (r->span == NULL) {
		ck_assert_msg(k == NULL, "a date in '%s'", r->text);
	} else {
		ck_assert_msg(k != NULL, "no date in '%s'", r->text);
		ck_assert_uint_eq(k->end - k->start, strlen(r->span));
		ck_assert_mem_eq(d->text + k->start, r->span, strlen(r->span));
		ck_assert_str_eq(k->value_str, r->value);
		if (isnan(r->value_max))
			ck_assert(isnan(k->value_max));
		else
			ck_assert_double_eq(k->value_max, r->value_max);
	}
	cdx_claims_release(&c);
	cdx_doc_free(d);
}
END_TEST

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

void extract_date_cases(Suite *s)
{
	TCase *tc = tcase_create("relative dates and years in names");

	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, dates_resolved, 0, NROWS(date_rows));
	suite_add_tcase(s, tc);
}
