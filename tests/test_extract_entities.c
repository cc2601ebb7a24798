/*
 * test_extract_entities.c — part of the extract suite: gazetteer mentions
 * with their case rules ("US" is not "us"), a callback that stops early,
 * lookup by alias, unknown names, and the word classes of words.tsv in
 * one probe.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "extract_int.h"
#include "test_extract.h"
#include "testutil.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct seen {
	const char *names[16];
	uint32_t start[16];
	size_t n;
	size_t stop_after; /* 0: never stop */
};

static int collect(void *ctx, const struct cdx_mention *m)
{
	struct seen *s = ctx;

	if (s->n < 16) {
		s->names[s->n] = m->name;
		s->start[s->n] = m->start;
	}
	s->n++;
	return s->stop_after && s->n >= s->stop_after ? 42 : 0;
}

static const struct mention_row {
	const char *text;
	const char *names[4]; /* expected canonical names, in order */
} mention_rows[] = {
	{"Let us talk to the US about china and China.",
	 {"United States", "China"}},
	{"The U.S. and the DRC signed; Drc did not.",
	 {"United States", "Democratic Republic of the Congo"}},
	{"COPPER and Copper and copper.", {"copper", "copper", "copper"}},
	{"Rare-earth magnets and rare earth elements.",
	 {"rare earths", "rare earths"}},
	{"The Democratic Republic of the Congo mines cobalt.",
	 {"Democratic Republic of the Congo", "cobalt"}},
	{"Malibu is not Mali.", {"Mali"}},
	{"South African and African firms.", {"South Africa", "Africa"}},
	{"The Pentagon and the USGS met in Beijing.",
	 {"Department of Defense", "U.S. Geological Survey", "China"}},
	/* the scan skips a word unless its leading word starts a name:
	 * names glued to digits or inside longer words are none, names at
	 * the very end, before "'s" or split by runs of spaces are */
	{"Copperfield met 20China and G7Peru in Peru", {"Peru"}},
	{"China's cobalt,Chile's copper", {"China", "cobalt", "Chile",
	                                   "copper"}},
	{"South \n  Africa and rare-  earths", {"South Africa"}},
	{"(Chile) [Peru] \"Mali\"", {"Chile", "Peru", "Mali"}},
};

START_TEST(mentions_case_rules)
{
	const struct mention_row *r = &mention_rows[_i];
	struct seen s = {{NULL}, {0}, 0, 0};
	size_t want = 0;

	while (want < 4 && r->names[want])
		want++;
	ck_assert_int_eq(cdx_extract_mentions(xt_ex, xt_scr, r->text,
	                                      strlen(r->text), collect, &s), 0);
	ck_assert_uint_eq(s.n, want);
	for (size_t i = 0; i < want; i++)
		ck_assert_str_eq(s.names[i], r->names[i]);
}
END_TEST

START_TEST(mentions_stop_early)
{
	const char *text = "China, Peru and Chile.";
	struct seen s = {{NULL}, {0}, 0, 2};

	ck_assert_int_eq(cdx_extract_mentions(xt_ex, xt_scr, text, strlen(text),
	                                      collect, &s), 42);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(s.start[1], 7);
}
END_TEST

static const struct lookup_row {
	const char *name;
	const char *canonical;
	enum cdx_entity_type type;
} lookup_rows[] = {
	{"us", "United States", CDX_ENT_COUNTRY},
	{"U.S.", "United States", CDX_ENT_COUNTRY},
	{"the pentagon", "Department of Defense", CDX_ENT_ORG},
	{"drc", "Democratic Republic of the Congo", CDX_ENT_COUNTRY},
	{"  Rare-Earth ", "rare earths", CDX_ENT_COMMODITY},
	{"catl", "CATL", CDX_ENT_COMPANY},
	{"thacker pass", "Thacker Pass", CDX_ENT_PLACE},
	{"Xi Jinping", "Xi Jinping", CDX_ENT_PERSON},
	{"Brussels", "European Union", CDX_ENT_ORG},
};

START_TEST(lookup_aliases)
{
	const struct lookup_row *r = &lookup_rows[_i];
	const char *name = NULL;
	enum cdx_entity_type type = CDX_ENT_TYPE_COUNT_;

	ck_assert_int_eq(cdx_extract_entity_lookup(xt_ex, r->name, &name, &type),
	                 CDX_OK);
	ck_assert_str_eq(name, r->canonical);
	ck_assert_int_eq(type, r->type);
}
END_TEST

/* One probe for every class of words.tsv gives what a probe per class
 * gives (propernames.c relies on it). */
START_TEST(word_classes_one_probe)
{
	static const char *const words[] = {"Mr", "mr", "The", "Smith",
	                                    "Inc", "the  ", "", "Lord"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i]);
		uint32_t mask = extract_lex_classes(&xt_ex->lx.words, words[i], n);

		for (int cls = 0; cls <= W_NOTSHARE; cls++)
			ck_assert_int_eq(!!(mask & (1u << cls)),
			                 extract_lex_find(&xt_ex->lx.words, cls,
			                                  words[i], n) != NULL);
	}
	ck_assert(extract_lex_classes(&xt_ex->lx.words, "Mr", 2) &
	          (1u << W_TITLE));
	ck_assert_uint_eq(extract_lex_classes(&xt_ex->lx.words, "Zzyzx", 5), 0);
}
END_TEST

START_TEST(lookup_unknown)
{
	const char *name = NULL;

	ck_assert_int_eq(cdx_extract_entity_lookup(xt_ex, "Atlantis", &name, NULL),
	                 CDX_ERR_NOTFOUND);
	ck_assert_int_eq(cdx_extract_entity_lookup(xt_ex, "", &name, NULL),
	                 CDX_ERR_NOTFOUND);
	ck_assert_ptr_null(name);
}
END_TEST

void extract_entity_cases(Suite *s)
{
	TCase *tc = tcase_create("entity mentions and lookup");

	tcase_add_checked_fixture(tc, extract_fixture_setup,
	                          extract_fixture_teardown);
	tcase_add_loop_test(tc, mentions_case_rules, 0, NROWS(mention_rows));
	tcase_add_test(tc, mentions_stop_early);
	tcase_add_loop_test(tc, lookup_aliases, 0, NROWS(lookup_rows));
	tcase_add_test(tc, lookup_unknown);
	tcase_add_test(tc, word_classes_one_probe);
	suite_add_tcase(s, tc);
}
