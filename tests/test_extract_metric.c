/*
 * test_extract_metric.c — part of the extract suite: what a figure
 * measures (its metric), one row per rule of metrics.tsv and pick_metric()
 * in assemble.c: the nearest cue of the clause, a share's "of" phrase,
 * words that only look like cues, and cues that override another in
 * their clause. A wrong metric makes the audit compare a figure with the
 * wrong reference, so a figure whose measure is unclear gets none.
 *
 * Texts are made up for these tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus.h"
#include "extract.h"
#include "test_extract.h"
#include "testutil.h"

static const struct metric_row {
	const char *text, *span, *metric; /* metric NULL: none */
} metric_rows[] = {
	/* a clause naming no measure shares the sentence's last one of
	 * the figure's kind; "followed by" opens a clause of its own */
	{"Chile holds 34% of lithium reserves, followed by Peru with 22%.",
	 "22%", "reserves share"},
	{"Chile holds 34% of lithium reserves, followed by Peru with 22%.",
	 "34%", "reserves share"},
	/* "billion" is no "bill"; imports valued at a sum are no deal */
	{"It released $435 million of a $2.23-billion loan.", "$435 million",
	 "loan"},
	{"The order affects imports valued at $347.1 million.",
	 "$347.1 million", "import value"},
	{"Norland signed a $40bn deal to import gas.", "$40bn", "deal value"},
	/* a list after a colon measures what the words before it name */
	{"Resources are distributed as follows: Peru, 28 million tons; "
	 "Chile, 13 million tons.", "28 million tons", "resources"},
	{"Resources are distributed as follows: Peru, 28 million tons; "
	 "Chile, 13 million tons.", "13 million tons", "resources"},
	{"End uses were as follows: batteries, 88%; glass, 4%.", "4%",
	 "end-use share"},
	/* ... and a list dividing a world total names it so */
	{"Global end uses were as follows: batteries, 88%; glass, 4%.", "4%",
	 "world end-use share"},
	/* a grade measures the material, whatever cue stands before it */
	{"Production, oxide, 99.5% minimum 40 20.", "99.5%", "purity"},
	{"Production of Zeltmetal, 65% cerium, fell.", "65%", "purity"},
	/* a world total has no subject: its metric says whose it is */
	{"Total worldwide reserves of tin amount to 130 million tons.",
	 "130 million tons", "world reserves"},
	{"Peru holds 2 million tons of tin reserves.", "2 million tons",
	 "reserves"},
	/* USGS names import shares by their sources */
	{"The leading sources in 2025 were Peru (55%) and Chile (31%).",
	 "31%", "import share"},
	/* the nearest cue of the clause */
	{"Norland holds 37% of global reserves.", "37%", "reserves share"},
	{"Norland mined 12,000 tons of zinc.", "12,000 tons",
	 "mine production"},
	/* a share's "of" phrase names its whole, before a nearer cue */
	{"Norland handles 40% of zinc mining and over 80% of the zinc "
	 "processing capacity.", "over 80%", "processing share"},
	{"Together they supply 64% of Norland imports of zinc.", "64%",
	 "import share"},
	/* ... but only within a few words */
	{"Norland supplies about 70% of the globe's zinc ore grades and "
	 "handles the production of lead.", "about 70%", "supply share"},
	/* words that only start like a cue */
	{"Norland has the largest reserves of zinc minerals at 9 million "
	 "tons.", "9 million tons", "reserves"},
	{"Miners may ship up to 4,000 tonnes of zinc this year.",
	 "up to 4,000 tonnes", "exports"},
	{"Norland said 10% of future volumes will be reserved for local "
	 "smelters.", "10%", NULL},
	/* "electrical" is no cue; the clause takes the sentence's */
	{"Zinc alloy products were used in building, 40%; electrical "
	 "products, 21%.", "21%", "end-use share"},
	{"Electrical products took 21%.", "21%", NULL},
	{"Norland keeps 5,000 tons for national strategic reserves.",
	 "5,000 tons", "stockpile"},
	/* a cue of the clause that overrides the nearest one */
	{"Zinc alloy products were used in building, 40%; electrical "
	 "products, 21%.", "40%", "end-use share"},
	{"In Norland car output contributes around 9 per cent of GDP.",
	 "around 9 per cent", "GDP share"},
	{"In Norland, automakers add 3 per cent of GDP and gross output "
	 "contributes around 9 per cent.", "around 9 per cent", "GDP share"},
	{"It set duties ranging from 12.5% to 240.1% depending on the "
	 "company.", "12.5%", "tariff"},
	/* an override leaves other metrics alone */
	{"Norland relies on Ostria for 80% of its zinc.", "80%",
	 "import reliance"},
	{"Norland produced 60% of the world's zinc.", "60%",
	 "production share"},
	/* a cue right before the figure is nearest of all, whatever
	 * stands as near after it */
	{"Shr loss 45 cts vs profit 20 cts", "45 cts", "loss"},
	{"Shr loss 45 cts vs profit 20 cts", "20 cts", "profit"},
	/* the wires' table rows, as whole words; "net" alone is the net
	 * income, but no net assets or net present value */
	{"Shr 1.20 dlrs vs 1.10 dlrs", "1.10 dlrs", "earnings per share"},
	{"Revs 120 mln dlrs vs 110 mln dlrs", "120 mln dlrs", "revenue"},
	{"Net 4.5 mln dlrs vs 3.9 mln dlrs", "3.9 mln dlrs", "net income"},
	{"Orvale posted net income of $6bn.", "$6bn", "net income"},
	{"Orvale has net assets of $96bn.", "$96bn", NULL},
	{"Shrek took $881m abroad.", "$881m", NULL},
	{"Oper shr 31 cts vs 14 cts", "14 cts", "earnings per share"},
	{"A sale would net 1.5 billion dlrs.", "1.5 billion dlrs", NULL},
	/* "Net includes" names no measure: the item it includes does */
	{"NOTE: Net includes a gain of 2 mln dlrs", "2 mln dlrs", "gain"},
	{"NOTE: Net includes 2 mln dlrs from the sale", "2 mln dlrs", NULL},
};

START_TEST(metric_of_figure)
{
	const struct metric_row *r = &metric_rows[_i];
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_claims c = CDX_CLAIMS_INIT;
	const struct cdx_claim *k = NULL;
	struct cdx_doc *d = NULL;

	ck_assert_int_eq(cdx_doc_new(&d, "test", NULL, NULL, r->text,
	                             strlen(r->text), &err), CDX_OK);
	ck_assert_int_eq(cdx_extract_run(xt_ex, xt_scr, d, &c, NULL, &err), CDX_OK);
	for (size_t i = 0; i < c.n && k == NULL; i++)
		if (c.v[i].end - c.v[i].start == strlen(r->span) &&
		    memcmp(d->text + c.v[i].start, r->span,
		           strlen(r->span)) == 0)
			k = &c.v[i];
	ck_assert_msg(k != NULL, "no '%s' in '%s'", r->span, r->text);
	ck_assert_pstr_eq(k->metric, r->metric);
	cdx_claims_release(&c);
	cdx_doc_free(d);
}
END_TEST

/* Copy file @p name of extractors/data to @p dir. */
static void copy_data(const char *dir, const char *name)
{
	char src[4096], dst[4096], buf[8192];
	FILE *in, *o;
	size_t n;

	snprintf(src, sizeof(src), "%s/extractors/data/%s", CDX_SOURCE_ROOT,
	         name);
	snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	in = fopen(src, "rb");
	o = fopen(dst, "wb");
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(o);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ck_assert_uint_eq(fwrite(buf, 1, n, o), n);
	fclose(in);
	fclose(o);
}

/* An override list on a "-" row (a word that is no cue) or an empty one
 * is refused, naming the file and line. */
START_TEST(override_column_checked)
{
	static const char *const files[] = {
		"numbers.tsv", "units.tsv", "qualifiers.tsv", "dates.tsv",
		"grammar.tsv", "words.tsv", "entities.tsv", "agreements.tsv",
	};
	static const char *const bad[] = {
		"percent\tproducts\t-\tproduction share\n",
		"percent\tgdp\tGDP share\t\n",
	};
	char dir[] = "/tmp/cdx_metric_XXXXXX", path[4096];
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_extractor *x = NULL;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		copy_data(dir, files[i]);
	snprintf(path, sizeof(path), "%s/metrics.tsv", dir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs("percent\treserve\treserves share\n", f);
		fputs(bad[i], f);
		fclose(f);
		ck_assert_int_ne(cdx_extract_new(&x, dir, &err), CDX_OK);
		ck_assert_msg(strstr(err.msg, "metrics.tsv:2") != NULL, "%s",
		              err.msg);
		ck_assert_ptr_nonnull(strstr(err.msg, "override"));
		cdx_extract_free(x);
		x = NULL;
	}
	remove(path);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		remove(path);
	}
	rmdir(dir);
}
END_TEST

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

void extract_metric_cases(Suite *s)
{
	TCase *tc = tcase_create("metrics follow cues of the clause");

	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, metric_of_figure, 0, NROWS(metric_rows));
	tcase_add_test(tc, override_column_checked);
	suite_add_tcase(s, tc);
}
