/*
 * test_extract_news.c — part of the extract suite: rules found reading
 * news texts. Which commodity a figure concerns when its sentence names
 * none (commodity.c: counts, lists of materials, economies and shares
 * take no carried commodity; mines and firms do); words that open a
 * sentence but no name; a country opening a company's name
 * (propernames.c); metric cues inside names and verbs of change before
 * a level (metric.c); dates in a later clause (when.c); a relative
 * clause after a noun phrase a country qualifies, the other side of a
 * comparison, an analyst's firm (assemble.c, grammar.tsv); days and
 * periods written in number words (propernames.c).
 *
 * Texts are made up for these tests. Documents go through cdx_doc_new(),
 * so they are split into sentences as real input is.
 */
#include <string.h>

#include "corpus.h"
#include "extract.h"
#include "test_extract.h"
#include "testutil.h"

enum field { F_SUBJECT, F_COMMODITY, F_METRIC, F_TIME };

static const struct news_row {
	const char *text;
	const char *span;
	enum field field;
	const char *want; /* NULL: none */
} news_rows[] = {
	/* a count of a class of materials counts a list: no commodity
	 * carried over, none named beside it */
	{"Cobalt output rose. The agency assessed 84 minerals in all.",
	 "84 minerals", F_COMMODITY, NULL},
	{"Tin is scarce. Of the 35 critical minerals listed, Ruritania leads "
	 "in yttrium with 99%.", "35 critical minerals", F_COMMODITY, NULL},
	/* ... but one inside its span, or the one the clause is about */
	{"Tin is scarce. Ruritania curbed seven rare earth elements.",
	 "seven rare earth elements", F_COMMODITY, "rare earths"},
	{"Rare earth elements consist of 17 elements.", "17 elements",
	 F_COMMODITY, "rare earths"},
	/* any other count takes only a commodity its sentence names */
	{"Nickel output rose. The review spanned 402 industries.",
	 "402 industries", F_COMMODITY, NULL},
	{"Nickel output rose. Three nickel suppliers objected.",
	 "Three nickel suppliers", F_COMMODITY, "nickel"},
	/* a count of mines or firms in a report on one material is the
	 * material's */
	{"Copper output rose 3%. One more mine in Arizona was to open.",
	 "One more mine", F_COMMODITY, "copper"},
	{"Graphite output rose 3%. Two companies made it in Ohio.",
	 "Two companies", F_COMMODITY, "graphite"},
	/* an economy, an index or a firm's shares take no carried
	 * commodity */
	{"Oil prices rose. Ruritania's GDP grew 2.1% last year.", "2.1%",
	 F_COMMODITY, NULL},
	{"Oil prices rose. Shares in Orvale Energy jumped 6% on Monday.",
	 "6%", F_COMMODITY, NULL},
	/* other figures still take it */
	{"Cobalt refining is led by Ruritania with 70%. Other players "
	 "include Freedonia (10%).", "10%", F_COMMODITY, "cobalt"},
	/* a capitalised adjective or noun opening a sentence is no part of
	 * the name after it (words.tsv notname) */
	{"Ailing Zentrix will sell $300m of new shares.", "$300m", F_SUBJECT,
	 "Zentrix"},
	{"Former Zentrix boss Al Pine denied the $11bn fraud.", "$11bn",
	 F_SUBJECT, "Zentrix"},
	{"Shares of Orvale Mining rose 5% after the company said its output "
	 "grew.", "5%", F_SUBJECT, "Orvale Mining"},
	/* a country opens a company's name ... */
	{"France Telecom saw its sales rise 2.2% in 2004.", "2.2%", F_SUBJECT,
	 "France Telecom"},
	{"Profits at US Airways fell 4% last year.", "4%", F_SUBJECT,
	 "US Airways"},
	/* ... but only qualifies any other name */
	{"UK Chancellor Gordon Brown offered £960m to the scheme.", "£960m",
	 F_SUBJECT, "United Kingdom"},
	{"Turkmen President Saparmurat Niyazov asked $58 per 1,000 cubic "
	 "metres.", "$58", F_SUBJECT, "Turkmenistan"},
	/* a metric cue inside a name is part of the name (metric.c) */
	{"Orvale Resources Group obtained 2,125 tons of cobalt for its plant.",
	 "2,125 tons", F_METRIC, NULL},
	{"The comedy, co-written by Bill Zentner, took $12.7m at the box "
	 "office.", "$12.7m", F_METRIC, NULL},
	{"Orvale Resources Group holds reserves of 3 million tons.",
	 "3 million tons", F_METRIC, "reserves"},
	/* a verb of change before a level names no measure (metric.c) */
	{"Voter turnout in Ruritania fell to 59% in 2001.", "59%", F_METRIC,
	 NULL},
	{"Inflation in Ruritania fell to 4.3% in 2004.", "4.3%", F_METRIC,
	 "inflation"},
	{"Ruritania's jobless rate rose from 4.6% to 4.7%.", "4.6%", F_METRIC,
	 "rate"},
	/* ... but a measure's name does, and a change is one */
	{"Ruritania's growth slowed to 5.6% in the fourth quarter.", "5.6%",
	 F_METRIC, "growth"},
	{"Exports from Ruritania rose 5% last year.", "5%", F_METRIC,
	 "growth"},
	/* a date after a figure in a later clause is that clause's
	 * (when.c) ... */
	{"Ruritania mines 95 percent of the world's tin.In 2018, Freedonia "
	 "raised output by 15,000 tons.", "95 percent", F_TIME, NULL},
	{"Tin sales in Ruritania rose 5%, while exports fell 3% in 2004.",
	 "5%", F_TIME, NULL},
	{"Tin sales in Ruritania rose 5%, while exports fell 3% in 2004.",
	 "3%", F_TIME, "2004"},
	/* ... but a cut inside brackets ends no clause */
	{"Ruritania spent 59.2 trillion rupiah ($6.58bn; £3.5bn) on fuel "
	 "subsidies in 2004.", "$6.58bn", F_TIME, "2004"},
	{"Ruritania spent 59.2 trillion rupiah ($6.58bn; £3.5bn) on fuel "
	 "subsidies in 2004.", "59.2 trillion rupiah", F_TIME, "2004"},
	/* a relative clause after a noun phrase a country qualifies is
	 * that country's (claims.md, "Shares of trade") */
	{"Japan wants to cut its reliance on Chinese rare earth exports, "
	 "which supplied 60 percent of its needs in 2023.", "60 percent",
	 F_SUBJECT, "China"},
	{"Japan wants less Chinese supply, which still controls 90% of "
	 "magnet output.", "90%", F_SUBJECT, "China"},
	/* the other side of a comparison is no subject (grammar.tsv
	 * versus) ... */
	{"Peru ranks second in tin refining, but far behind China, holding "
	 "only 12% of the market.", "12%", F_SUBJECT, "Peru"},
	/* ... unless a relative clause is about it */
	{"Zentrix Foods is smaller than Orvale Holdings, which has a market "
	 "value of $9bn.", "$9bn", F_SUBJECT, "Orvale Holdings"},
	/* the firm an economist or analyst works at is a source, not the
	 * subject (grammar.tsv source) */
	{"Britain's house prices are high, and economists at Orvale Capital "
	 "warned they could fall by 15% by 2009.", "15%", F_SUBJECT,
	 "United Kingdom"},
	{"Sales in Poland grew, and analysts at Orvale Capital expect a rise "
	 "of 4% in 2005.", "4%", F_SUBJECT, "Poland"},
	/* a figure's currency names no country; a currency that acts is
	 * its country's */
	{"Orvale Motors said revenues, priced in US dollars, rose 10%.", "10%",
	 F_SUBJECT, "Orvale Motors"},
	{"The Japanese yen rose 2% against the euro.", "2%", F_SUBJECT,
	 "Japan"},
	/* "One" opens no name ("March One", "One Orvale Motors dealer") */
	{"Orvale Motors said sales for the period of March One to May rose "
	 "4%.", "4%", F_SUBJECT, "Orvale Motors"},
	{"One Orvale Motors dealer said sales rose 4%.", "4%", F_SUBJECT,
	 "Orvale Motors"},
	/* a number word after a month is a day ("March Three"), one before
	 * a period word a period ("Nine Mths"): no names; the report's
	 * firm stays the subject */
	{"Orvale Motors said on March Three that it would pay 5 mln dlrs.",
	 "5 mln dlrs", F_SUBJECT, "Orvale Motors"},
	{"Orvale Widgets posted results.\nNine Mths\nShr 77 cts vs 1.10 "
	 "dlrs", "77 cts", F_SUBJECT, "Orvale Widgets"},
};

static const char *field_of(const struct cdx_claim *c, enum field f)
{
	switch (f) {
	case F_SUBJECT:
		return c->subject;
	case F_COMMODITY:
		return c->commodity;
	case F_METRIC:
		return c->metric;
	case F_TIME:
		return c->time[0] ? c->time : NULL;
	}
	return NULL;
}

START_TEST(news_rule)
{
	const struct news_row *r = &news_rows[_i];
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_doc *doc = NULL;
	struct cdx_claims out = CDX_CLAIMS_INIT;
	const struct cdx_claim *k = NULL;
	const char *got;

	ck_assert_int_eq(cdx_doc_new(&doc, "test", NULL, NULL, r->text,
	                             strlen(r->text), &err), CDX_OK);
	ck_assert_int_eq(cdx_extract_run(xt_ex, xt_scr, doc, &out, NULL, &err),
	                 CDX_OK);
	for (size_t i = 0; i < out.n && k == NULL; i++)
		if (out.v[i].end - out.v[i].start == strlen(r->span) &&
		    memcmp(doc->text + out.v[i].start, r->span,
		           strlen(r->span)) == 0)
			k = &out.v[i];
	ck_assert_msg(k != NULL, "no claim '%s' in: %s", r->span, r->text);
	got = field_of(k, r->field);
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

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

void extract_news_cases(Suite *s)
{
	TCase *tc = tcase_create("rules from news texts");

	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, news_rule, 0, NROWS(news_rows));
	suite_add_tcase(s, tc);
}
