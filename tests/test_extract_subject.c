/*
 * test_extract_subject.c — part of the extract suite: who a figure is
 * about. One row per rule of claims.md "Who the subject is" and
 * "Decisions on hard cases" that the assembler implements (clause
 * subjects, possessives, prepositions, phrases pointing back, relative
 * clauses, tariffs, names the gazetteer lacks and their coreference), and
 * the string pool that holds names taken from the text.
 *
 * Texts are made up for these tests. Documents go through cdx_doc_new(),
 * so they are split into sentences as real input is.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "extract.h"
#include "extract_int.h"
#include "test_extract.h"
#include "testutil.h"

/* Extract @p text into @p out (cleared first); the caller frees *doc. */
static void run(const char *text, struct cdx_doc **doc, struct cdx_claims *out)
{
	struct cdx_error err = CDX_ERROR_INIT;

	ck_assert_int_eq(cdx_doc_new(doc, "test", NULL, NULL, text,
	                             strlen(text), &err), CDX_OK);
	out->n = 0;
	ck_assert_int_eq(cdx_extract_run(xt_ex, xt_scr, *doc, out, NULL, &err),
	                 CDX_OK);
}

static const struct cdx_claim *find(const struct cdx_claims *c,
                                    const struct cdx_doc *d, const char *span)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct cdx_claim *k = &c->v[i];

		if (k->end - k->start == strlen(span) &&
		    memcmp(d->text + k->start, span, k->end - k->start) == 0)
			return k;
	}
	return NULL;
}

static const struct subject_row {
	const char *text;
	const char *span;
	const char *subject; /* NULL: none */
} subject_rows[] = {
	/* a name the gazetteer lacks, taken from the text */
	{"Profits at Norwegian shipper Tollan Freight fell 12% last year.",
	 "12%", "Tollan Freight"},
	/* "'s" kept when the document writes the name so most often */
	{"Sales at Bakerly's rose 4%. Bakerly's opened two shops. "
	 "Bakerly's has a loyal base.", "4%", "Bakerly's"},
	/* a shorter form refers back to the longest ("Hardie") */
	{"Canadian miner Orvale Copper posted a loss. Orvale, which makes "
	 "more than 60% of its sales in Chile, cut jobs.",
	 "more than 60%", "Orvale Copper"},
	/* a phrase pointing back, with words between article and noun */
	{"Shares in Skylark Airlines fell. Shares in the third largest US "
	 "carrier had fallen 3.5% by noon.", "3.5%", "Skylark Airlines"},
	/* "this", with words between, points back too */
	{"Zambia leads copper output in the region with 40% of the total. "
	 "This southern African nation also holds 20% of reserves.", "20%",
	 "Zambia"},
	/* the name after "followed by" holds the figure after it */
	{"Chile holds 34% of lithium reserves, followed by Peru with 22%.",
	 "22%", "Peru"},
	/* a title inside a run of capitals ends a role: the name after it
	 * is a person's, who speaks for the country */
	{"The government of Ghana plans new mines. Mines Minister Kofi "
	 "Asante said the plan aimed to lift output to 600,000 tonnes.",
	 "600,000 tonnes", "Ghana"},
	/* a preposition's object gives way to the clause's subject */
	{"Skylark Airlines expects losses. In a filing to US regulators the "
	 "airline said costs rose by $50m.", "$50m", "Skylark Airlines"},
	/* a name after a preposition is the subject when alone */
	{"Exports from Chile rose 7%.", "7%", "Chile"},
	/* a clause subject before a locative name after another figure */
	{"Reserves were put at 3.6 million tons in the United States and "
	 "more than 14 million tons in Canada.", "more than 14 million tons",
	 "Canada"},
	/* "the country" means the country named earlier in the sentence */
	{"Poland met Peru. The gain is due to Peru's mines, with the country "
	 "responsible for 40% of output.", "40%", "Peru"},
	/* a tariff's target named before the rate */
	{"The US set a 30 percent tariff on imports from Chile, bringing the "
	 "total tariff to 45 percent.", "45 percent", "Chile"},
	/* a tariff's target named after the rate, for each rate */
	{"The duty is 6% for most firms, with 90.5% for Larkin Steel Works "
	 "and 91.5% for Ostrava Tube Mills.", "91.5%", "Ostrava Tube Mills"},
	/* a person the gazetteer lacks is no subject */
	{"Austria grew. Economist Maria Huber said 3,000 jobs were lost.",
	 "3,000 jobs", "Austria"},
	/* a country inside the figure's noun phrase only qualifies it */
	{"The USGS said its model spans 402 U.S. industries.",
	 "402 U.S. industries", "U.S. Geological Survey"},
	/* a law is no actor */
	{"Canada grew. Under the Clean Fuel Act, 20% of fuel is blended.",
	 "20%", "Canada"},
	/* a headline in title case names nothing */
	{"Ministry Sets 40% Target for Green Steel Output.", "40%", NULL},
	/* the first word of a sentence is no name on its own */
	{"Brick sales rose 9% in Chile.", "9%", "Chile"},
	/* a list item: a name, then a dash */
	{"Deposits:\nTollvik \xe2\x80\x93 located in Greenland, it holds about "
	 "200,000 tons of ore.", "about 200,000 tons", "Tollvik"},
	/* a world total is about no entity, not the last country named */
	{"Chile mined 9 million tons. World output reached 22 million tons "
	 "in 2023.", "22 million tons", NULL},
	{"Peru expanded its mines. Global reserves of copper total about "
	 "1 billion tons.", "about 1 billion tons", NULL},
	/* ... also in apposition after the share it is the whole of */
	{"With Zambia contributing over 70% of the world's mined copper, now "
	 "estimated at 22 million tons, prices rose.",
	 "estimated at 22 million tons", NULL},
	{"Norway holds 4 million tons out of a world total of 12 million "
	 "tons.", "12 million tons", NULL},
	/* ... with every figure of its phrase: a number's own comma is no
	 * break, and what follows a figure after a comma describes it */
	{"Peru mines tin. Global tin output rose to 290,000 tons from "
	 "222,000 tons.", "222,000 tons", NULL},
	{"Peru mines tin. Global tin use was 263,000 tons, a 20% increase "
	 "from 220,000 tons.", "20%", NULL},
	/* but a share of the world's output is its holder's */
	{"Zambia's share of global output rose to 12 percent.", "12 percent",
	 "Zambia"},
	{"Norway holds 4 million tons out of a world total of 12 million "
	 "tons, or 33 percent.", "33 percent", "Norway"},
	/* the world's largest producer is a name's description */
	{"Chile, the world's second largest producer, mined 5 million tons.",
	 "5 million tons", "Chile"},
	{"Chile became the world's leading producer with 5 million tons.",
	 "5 million tons", "Chile"},
	/* a name owning the worldwide figure, before or after */
	{"Glencore saw worldwide sales rise 8% in 2024.", "8%", "Glencore"},
	{"Steel prices rose 8% globally and 24% in Chile.", "24%", "Chile"},
	/* "its" after the world word points back */
	{"Glencore cut 900 jobs worldwide as part of its plan to save "
	 "$5bn.", "$5bn", "Glencore"},
	/* a place phrase ("at the global ...") owns nothing */
	{"Chile sold copper at the global benchmark of $9,000 a ton.",
	 "$9,000 a ton", "Chile"},
	/* a break after the world phrase starts a new owner */
	{"Chile mined 5 million tons, about 20 percent of the world total, "
	 "up from 4.5 million tons.", "4.5 million tons", "Chile"},
	/* a name with "World" in it is a name */
	{"World Bank lending rose 5%.", "5%", "World Bank"},
	/* a material's grade or purity is about the material, no one's */
	{"Kestrel Alloys sells Zeltmetal, 65% cerium and 35% lanthanum.",
	 "65%", NULL},
	{"Kestrel Alloys sells its oxide at 99.9% pure.", "99.9%", NULL},
	{"Kestrel Alloys quotes oxide, 99.5% minimum 40 20 15.", "99.5%",
	 NULL},
	/* ... each grade of a list of them */
	{"Kestrel Alloys sells Zeltmetal, 65% cerium, 35% lanthanum.", "35%",
	 NULL},
	/* ... but not a list of assays after another figure */
	{"Kestrel Alloys drilled 0.2 ounce gold, 3% copper and 4% nickel.",
	 "3%", "Kestrel Alloys"},
	{"Kestrel Alloys drilled 24 ounces of silver, 9% zinc.", "9%",
	 "Kestrel Alloys"},
	/* ... nor a grade word that opens a longer phrase */
	{"Kestrel Alloys pays a 15% minimum tax.", "15%", "Kestrel Alloys"},
	/* a list after a colon that divides a world total: each item */
	{"Peru mines tin. Global uses were as follows: solder, 50%; "
	 "chemicals, 30%; other, 20%.", "30%", NULL},
	/* ... but a list of one country's is that country's */
	{"Peru mines tin. Its uses were as follows: solder, 50%; "
	 "chemicals, 30%; other, 20%.", "30%", "Peru"},
	/* ... and so does a clause reported about a world total */
	{"Peru mines tin. A survey of global tin resources indicated that "
	 "identified resources contained 2 million tons.", "2 million tons",
	 NULL},
	{"Peru mines tin. A survey of global tin resources indicated that "
	 "Peru holds 2 million tons.", "2 million tons", "Peru"},
	/* ... but not a "that" opening a relative clause */
	{"Peru mines tin. Peru is pursuing a global expansion that could lift "
	 "exports to 2 million tons.", "2 million tons", "Peru"},
	/* a section title with a dash before its colon names no one */
	{"Salient Data\xe2\x80\x94Peru: exports 7,000 tons.", "7,000 tons",
	 "Peru"},
	/* a commodity's market price, or its make-up, is not the topic's */
	{"Peru raised output. Tin prices rose to $9 per pound.",
	 "$9 per pound", NULL},
	{"Peru mines tin. The tin price averaged $9 per pound.",
	 "$9 per pound", NULL},
	/* ... but a change of prices may be one country's statistics */
	{"Peru raised output. Tin prices rose 8%.", "8%", "Peru"},
	{"Peru held hearings. Rare earth elements comprise 17 elements.",
	 "17 elements", NULL},
	{"Peru mines tin. The LME tin price averaged $9 per pound.",
	 "$9 per pound", NULL},
	/* ... but not after other words ("high oil prices" hit growth) */
	{"Peru grew. But high tin prices cut 0.2% off growth.", "0.2%",
	 "Peru"},
	/* ... but its exports are still the topic's */
	{"Peru raised output. Tin exports rose 8%.", "8%", "Peru"},
	/* a running header repeated in the text names no subject, and the
	 * sentence after it starts after it */
	{"TIN NOTES\nU.S. Geological Survey Tin Review, May 2030\n\nTin rose. "
	 "TIN NOTES U.S. Geological Survey Tin Review, May 2030 Five firms mine "
	 "tin in Peru.", "Five firms", "Peru"},
	/* a masthead at the head names none either */
	{"TIN\nU.S. Geological Survey, Minerals Yearbook, May 2030\n"
	 "(Data in tons)\n\nOutput was 5,000 tons.", "5,000 tons", NULL},
	/* "Government" capitalised in an agency's style names no one */
	{"Data sheets describe Government programs for over 90 individual "
	 "minerals.", "over 90 individual minerals", NULL},
};

START_TEST(subject_of_figure)
{
	const struct subject_row *r = &subject_rows[_i];
	struct cdx_claims c = CDX_CLAIMS_INIT;
	const struct cdx_claim *k;
	struct cdx_doc *d = NULL;

	run(r->text, &d, &c);
	k = find(&c, d, r->span);
	ck_assert_msg(k != NULL, "no '%s' in '%s'", r->span, r->text);
	ck_assert_pstr_eq(k->subject, r->subject);
	cdx_claims_release(&c);
	cdx_doc_free(d);
}
END_TEST

/* The masthead's own date and names are no claims; a sentence in the
 * text that names the periodical is one. */
START_TEST(masthead_is_no_claim)
{
	struct cdx_claims c = CDX_CLAIMS_INIT;
	struct cdx_doc *d = NULL;

	run("TIN\nU.S. Geological Survey, Minerals Yearbook, May 2030\n"
	    "(Data in tons)\n\nIn 2029, the Minerals Yearbook listed 40 "
	    "mines.", &d, &c);
	ck_assert_ptr_null(find(&c, d, "May 2030"));
	ck_assert_ptr_nonnull(find(&c, d, "In 2029"));
	ck_assert_ptr_nonnull(find(&c, d, "40 mines"));
	cdx_claims_release(&c);
	cdx_doc_free(d);
}
END_TEST

/* A name taken from the text stays valid after the document is freed,
 * until the claims are cleared; many documents into one array do not
 * grow its pool when it is cleared between them. */
START_TEST(names_live_in_the_pool)
{
	struct cdx_claims c = CDX_CLAIMS_INIT;
	struct cdx_doc *d = NULL;
	const char *subj;

	run("Profits at Danish brewer Tolvmark Group rose 8%.", &d, &c);
	ck_assert_uint_eq(c.n, 1);
	subj = c.v[0].subject;
	ck_assert_pstr_eq(subj, "Tolvmark Group");
	cdx_doc_free(d);
	ck_assert_str_eq(subj, "Tolvmark Group"); /* not in the doc's text */
	for (int i = 0; i < 200; i++) {
		run("Sales at Danish brewer Tolvmark Group fell 3%.", &d, &c);
		ck_assert_pstr_eq(c.v[0].subject, "Tolvmark Group");
		cdx_doc_free(d);
	}
	/* one chunk was enough: it was reused, not chained */
	ck_assert_ptr_nonnull(c.pool);
	cdx_claims_release(&c);
	ck_assert_ptr_null(c.pool);
	ck_assert_ptr_null(c.v);
	cdx_claims_release(&c); /* twice is fine */
	cdx_claims_clear(NULL);
	cdx_claims_release(NULL);
}
END_TEST

START_TEST(pool_strings_are_stable)
{
	struct cdx_claims c = CDX_CLAIMS_INIT;
	const char *first = NULL, *s = NULL;
	char big[5000];

	ck_assert_int_eq(cdx_claims_strdup(&c, "Alpha", 5, &first), CDX_OK);
	for (int i = 0; i < 2000; i++)
		ck_assert_int_eq(cdx_claims_strdup(&c, "Beta Gamma", 10, &s),
		                 CDX_OK);
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(cdx_claims_strdup(&c, big, sizeof(big), &s), CDX_OK);
	ck_assert_uint_eq(strlen(s), sizeof(big));
	ck_assert_str_eq(first, "Alpha"); /* never moved */
	cdx_claims_clear(&c);
	ck_assert_int_eq(cdx_claims_strdup(&c, "Delta", 5, &s), CDX_OK);
	ck_assert_str_eq(s, "Delta");
	cdx_claims_release(&c);
}
END_TEST

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

void extract_subject_cases(Suite *s)
{
	TCase *tc = tcase_create("subjects follow the clause");

	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, subject_of_figure, 0, NROWS(subject_rows));
	tcase_add_test(tc, masthead_is_no_claim);
	suite_add_tcase(s, tc);
	tc = tcase_create("names taken from the text live in the pool");
	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_test(tc, names_live_in_the_pool);
	tcase_add_test(tc, pool_strings_are_stable);
	suite_add_tcase(s, tc);
}
