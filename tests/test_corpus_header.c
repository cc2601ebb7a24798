/*
 * test_corpus_header.c — the date and title at the top of a plain text
 * (corpus/text.c): a line that is a date, a label and then a date, a
 * masthead ending in a date; and the lines that look like one but are
 * not (a sentence opening with a date, a headline about a month, an
 * ambiguous numeric date). On the shared critical-minerals texts every
 * date read agrees with the date their manifest gives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "test_corpus.h"
#include "testutil.h"

static int keep_first(void *ctx, struct cdx_doc *doc)
{
	struct cdx_doc **out = ctx;

	if (*out == NULL)
		*out = doc;
	else
		cdx_doc_free(doc);
	return 0;
}

static const struct {
	const char *text;
	const char *title; /* NULL: none */
	const char *date;  /* NULL: none */
} rows[] = {
	/* a line that is a date, before or after the title */
	{"Tin smelters merge\nDecember 12, 2023\nBody text here.",
	 "Tin smelters merge", "2023-12-12"},
	{"Saturday, July 12, 2025\nPentagon buys a stake\nBody.",
	 "Pentagon buys a stake", "2025-07-12"},
	{"Apr 02, 2025\n\nBody starts here.", NULL, "2025-04-02"},
	{"Headline\nApril 13, 2025, 1:29 p.m. ET\nBody.", "Headline",
	 "2025-04-13"},
	{"Headline\nA. Writer\n12 April 2021 Ann Lee\nBody.", "Headline",
	 "2021-04-12"},
	/* labels, on the line or the line before */
	{"Headline\nPublished: 22 Sep 2025\nBody.", "Headline", "2025-09-22"},
	{"Headline\nUpdated on March 3, 2024\nBody.", "Headline",
	 "2024-03-03"},
	{"Headline\nPublished\n22/12/2025\nBody.", "Headline", "2025-12-22"},
	{"Headline\nPosted\n12/22/2025\nBody.", "Headline", "2025-12-22"},
	/* a masthead or imprint line ending in its date */
	{"COBALT\nU.S. Geological Survey, Mineral Commodity Summaries, "
	 "February 2026\nBody.",
	 "COBALT", "2026-02"},
	{"Yearbook\nU.S. Department of the Interior August 2022\nBody.",
	 "Yearbook", "2022-08"},
	/* not dates */
	{"Headline\nJune 2003 was a record month for the smelters of the "
	 "region.\nBody.",
	 "Headline", NULL},
	{"Headline\n12 April 2021 was the day the vote changed the mining law "
	 "for good.\nBody.",
	 "Headline", NULL},
	{"Headline\nPrices fell in April 2025\nBody.", "Headline", NULL},
	{"Prices fell in April 2025\nBody.", "Prices fell in April 2025", NULL},
	{"Headline\nPublished\n05/06/2025\nBody.", "Headline", NULL},
	{"Headline\n05/06/2025\nBody.", "Headline", NULL},
	{"Headline\n22/12/2025\nBody.", "Headline", NULL},
	{"Headline\nPosted by a reader\nBody.", "Headline", NULL},
	{"Updated guidance lifts shares\nBody.",
	 "Updated guidance lifts shares", NULL},
	{"Headline\nReserves by country, 2022\nBody.", "Headline", NULL},
	{"Headline\nThe outlook, February 2026.\nBody.", "Headline", NULL},
	/* past the top lines a date is the body's, not the page's */
	{"Headline\nOne.\nTwo.\nThree.\nFour.\nFive.\nSix.\nSeven.\n"
	 "December 12, 2023\n",
	 "Headline", NULL},
};

START_TEST(header_date_rules)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_doc *d = NULL;
	const char *t = rows[_i].text;

	ck_assert_int_eq(cdx_corpus_read_buffer("t.txt", t, strlen(t), NULL,
	                                        keep_first, &d, &err),
	                 CDX_OK);
	ck_assert_ptr_nonnull(d);
	ck_assert_pstr_eq(d->title, rows[_i].title);
	ck_assert_pstr_eq(d->date, rows[_i].date);
	ck_assert_mem_eq(d->text, t, strlen(t)); /* text intact */
	cdx_doc_free(d);
}
END_TEST

/* One is a prefix of the other: "2025" agrees with "2025-07-04". */
static int dates_agree(const char *a, const char *b)
{
	size_t n = strlen(a) < strlen(b) ? strlen(a) : strlen(b);

	return n >= 4 && strncmp(a, b, n) == 0;
}

/*
 * The manifest of the critical-minerals texts gives each file's date
 * "as printed in the text where present": every date the reader finds
 * must agree with it, and most printed dates must be found.
 */
START_TEST(header_dates_match_manifest)
{
	char path[1024], line[4096];
	unsigned dated = 0, rows_read = 0;
	FILE *f;

	CDX_SKIP_WITHOUT_SHARED(shared);
	snprintf(path, sizeof path, "%s/corpora/critical-minerals/manifest.tsv",
	         shared);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* header */
	while (fgets(line, sizeof line, f)) {
		struct cdx_error err = CDX_ERROR_INIT;
		struct cdx_doc *d = NULL;
		char *file = strtok(line, "\t"), *date;

		strtok(NULL, "\t");               /* bytes */
		strtok(NULL, "\t");               /* source */
		date = strtok(NULL, "\t");
		if (file == NULL || date == NULL ||
		    strstr(file, ".txt") == NULL)
			continue;
		rows_read++;
		snprintf(path, sizeof path, "%s/corpora/critical-minerals/%s",
		         shared, file);
		ck_assert_int_eq(cdx_corpus_read_file(path, NULL, keep_first,
		                                      &d, &err),
		                 CDX_OK);
		ck_assert_ptr_nonnull(d);
		if (d->date) {
			dated++;
			ck_assert_msg(dates_agree(d->date, date),
			              "%s: read %s, manifest %s", file, d->date,
			              date);
		}
		cdx_doc_free(d);
	}
	fclose(f);
	ck_assert_uint_ge(rows_read, 40);
	ck_assert_uint_ge(dated, 15);
}
END_TEST

TCase *corpus_header_tcase(void)
{
	TCase *tc = tcase_create("text header");

	tcase_add_loop_test(tc, header_date_rules, 0,
	                    (int)(sizeof rows / sizeof rows[0]));
	tcase_add_test(tc, header_dates_match_manifest);
	return tc;
}
