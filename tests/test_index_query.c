/*
 * test_index_query.c — the search syntax: the parser on every operator
 * and on garbage (it never fails), value ranges, and each operator and
 * filter against a six-document index whose right answers can be read
 * off the fixture below.
 */
#define _XOPEN_SOURCE 700
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"
#include "test_index.h"
#include "testutil.h"

/* ------------------------------------------------------------ parser */

static void render(const struct index_qnode *n, char *out, size_t cap)
{
	static const char *const ops[] = {
		[Q_PHRASE] = "PHRASE", [Q_AND] = "AND", [Q_OR] = "OR",
		[Q_NOT] = "NOT",
	};
	static const char *const fields[QF_COUNT_] = {
		"entity", "commodity", "kind", "value", "year", "source",
		"title",
	};
	size_t l = strlen(out);

	switch (n->type) {
	case Q_TERM:
		snprintf(out + l, cap - l, "%s", n->term);
		return;
	case Q_PREFIX:
		snprintf(out + l, cap - l, "%s*", n->term);
		return;
	case Q_FILTER:
		snprintf(out + l, cap - l, "%s:%s", fields[n->field], n->str);
		return;
	default:
		snprintf(out + l, cap - l, "(%s", ops[n->type]);
		for (const struct index_qnode *k = n->kids; k; k = k->next) {
			l = strlen(out);
			snprintf(out + l, cap - l, " ");
			render(k, out, cap);
		}
		l = strlen(out);
		snprintf(out + l, cap - l, ")");
	}
}

static const struct {
	const char *query, *tree; /* "" : nothing to search */
} parse_rows[] = {
	{"gold", "gold"},
	{"gold silver", "(AND gold silver)"},
	{"gold AND silver", "(AND gold silver)"},
	{"gold OR silver", "(OR gold silver)"},
	{"gold silver OR tin", "(OR (AND gold silver) tin)"},
	{"gold (silver OR tin)", "(AND gold (OR silver tin))"},
	{"-gold silver", "(AND (NOT gold) silver)"},
	{"gold NOT silver", "(AND gold (NOT silver))"},
	{"NOT NOT gold", "gold"},
	{"-(gold OR tin)", "(NOT (OR gold tin))"},
	{"\"gold mine\"", "(PHRASE gold mine)"},
	{"-\"gold mine\" tin", "(AND (NOT (PHRASE gold mine)) tin)"},
	{"gol*", "gol*"},
	{"Gold*", "gold*"},
	{"rare-earth", "rare-earth"},
	{"or and not", "(AND or and not)"},
	{"entity:China", "entity:China"},
	{"ENTITY:\"United States\" kind:percent",
	 "(AND entity:United States kind:percent)"},
	{"value:>50 year:2030", "(AND value:>50 year:2030)"},
	{"source:reuters title:gold", "(AND source:reuters title:gold)"},
	/* what is not syntax is words */
	{"kind:bogus", "(PHRASE kind bogus)"},
	{"value:lots", "(PHRASE value lots)"},
	{"year:20x0", "(PHRASE year 20x0)"},
	{"foo:bar", "(PHRASE foo bar)"},
	{"entity:", ""},
	{"\"gold", "gold"},
	{"gold)", "gold"},
	{")gold(", "gold"},
	{"((((gold", "gold"},
	{"OR gold OR", "gold"},
	{"gold AND", "gold"},
	{"NOT", ""},
	{"-", ""},
	{"- gold", "gold"},
	{"\"\"", ""},
	{"()", ""},
	{"* ** ***", ""},
	{"don't", "don't"},
	{"U.S. 3.5%", "(AND u.s 3.5)"},
	{"Zürich", "zurich"},
};

START_TEST(test_parse_tree)
{
	struct index_query q;
	char out[512] = "";

	ck_assert_int_eq(index_query_parse(&q, parse_rows[_i].query,
	                                   strlen(parse_rows[_i].query), NULL),
	                 CDX_OK);
	if (q.root)
		render(q.root, out, sizeof out);
	ck_assert_msg(strcmp(out, parse_rows[_i].tree) == 0,
	              "'%s' parsed as '%s', not '%s'", parse_rows[_i].query, out,
	              parse_rows[_i].tree);
	index_query_release(&q);
}
END_TEST

START_TEST(test_parse_stems_words_not_prefixes)
{
	void *st = index_stemmer_new();
	struct index_query q;
	char out[256] = "";
	const char *text = "Markets mining* \"exported goods\"";

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(index_query_parse(&q, text, strlen(text), st), CDX_OK);
	render(q.root, out, sizeof out);
	ck_assert_str_eq(out, "(AND market mining* (PHRASE export good))");
	index_query_release(&q);
	index_stemmer_free(st);
}
END_TEST

/* Deterministic garbage: bytes of every kind, operators, quotes. */
START_TEST(test_parse_garbage_never_fails)
{
	static const char alphabet[] = "ab \"()-*:ORANDNOT\\\xc3\xa9\xff\x01";
	uint32_t seed = 12345;
	char text[300];

	for (int round = 0; round < 3000; round++) {
		struct index_query q;
		size_t n = (size_t)(round % 290);

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = round % 3 == 0
			                  ? (char)(seed >> 16)
			                  : alphabet[(seed >> 16) %
			                             (sizeof alphabet - 1)];
		}
		ck_assert_int_eq(index_query_parse(&q, text, n, NULL), CDX_OK);
		index_query_release(&q);
	}
}
END_TEST

static const struct {
	const char *text;
	int ok;
	int has_lo, has_hi, lo_open, hi_open;
	double lo, hi;
} range_rows[] = {
	{">50", 1, 1, 0, 1, 0, 50, 0},
	{">=50", 1, 1, 0, 0, 0, 50, 0},
	{"<5", 1, 0, 1, 0, 1, 0, 5},
	{"<=5.5", 1, 0, 1, 0, 0, 0, 5.5},
	{"10..20", 1, 1, 1, 0, 0, 10, 20},
	{"20..10", 1, 1, 1, 0, 0, 10, 20},
	{"..20", 1, 0, 1, 0, 0, 0, 20},
	{"1,000..", 1, 1, 0, 0, 0, 1000, 0},
	{"50%", 1, 1, 1, 0, 0, 50, 50},
	{"-3", 1, 1, 1, 0, 0, -3, -3},
	{"lots", 0, 0, 0, 0, 0, 0, 0},
	{">", 0, 0, 0, 0, 0, 0, 0},
	{"..", 0, 0, 0, 0, 0, 0, 0},
	{"", 0, 0, 0, 0, 0, 0, 0},
	{"1e999", 0, 0, 0, 0, 0, 0, 0},
};

START_TEST(test_value_ranges)
{
	struct index_valrange r;
	int rc = index_valrange_parse(range_rows[_i].text,
	                              strlen(range_rows[_i].text), &r);

	ck_assert_int_eq(rc, range_rows[_i].ok ? CDX_OK : CDX_ERR_USAGE);
	if (!range_rows[_i].ok)
		return;
	ck_assert_int_eq(r.has_lo, range_rows[_i].has_lo);
	ck_assert_int_eq(r.has_hi, range_rows[_i].has_hi);
	ck_assert_int_eq(r.lo_open, range_rows[_i].lo_open);
	ck_assert_int_eq(r.hi_open, range_rows[_i].hi_open);
	if (r.has_lo)
		ck_assert_double_eq(r.lo, range_rows[_i].lo);
	if (r.has_hi)
		ck_assert_double_eq(r.hi, range_rows[_i].hi);
}
END_TEST

START_TEST(test_value_range_meets)
{
	struct index_valrange r;

	ck_assert_int_eq(index_valrange_parse(">50", 3, &r), CDX_OK);
	ck_assert(index_valrange_meets(&r, 51, NAN));
	ck_assert(!index_valrange_meets(&r, 50, NAN));
	ck_assert(index_valrange_meets(&r, 40, 60)); /* a range overlaps */
	ck_assert(!index_valrange_meets(&r, NAN, NAN));
	ck_assert_int_eq(index_valrange_parse("10..20", 6, &r), CDX_OK);
	ck_assert(index_valrange_meets(&r, 10, NAN));
	ck_assert(index_valrange_meets(&r, 20, NAN));
	ck_assert(!index_valrange_meets(&r, 20.5, NAN));
	ck_assert(index_valrange_meets(&r, 5, 12));
}
END_TEST

/* ------------------------------------------------------------ fixture */

/* Six documents; sources are one letter so results compare as strings. */
static const struct {
	const char *source, *title, *date, *text;
} six[] = {
	{"a", "Gallium controls", "2023-07-04",
	 "Gallium export controls tighten. China restricts gallium sales by "
	 "60% this year."},
	{"b", "Battery metals", "2024-01-10",
	 "Lithium prices fell 20% while cobalt output rose in Congo."},
	{"c", "Germanium rules", "2023-08-01",
	 "Export controls on germanium follow the gallium controls."},
	{"d", "Magnets", "2022-05-05",
	 "China supplies 90% of rare earth magnets."},
	{"e", "Cobalt glut", "2024-03-03",
	 "Cobalt markets: cobalt miners sold 5000 tonnes of cobalt."},
	{"f", NULL, NULL,
	 "Exporters exported exports from the exporter's office."},
};

static struct cdx_index *index_six(struct tmp *t)
{
	struct cdx_index *ix = open_ix(t->path, CDX_INDEX_CREATE, 0);
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w;
	struct cdx_claim c[6];
	struct cdx_claims cl[6];

	memset(cl, 0, sizeof cl);
	c[0] = mkclaim(six[0].text, "China restricts gallium sales by 60% this "
	               "year.", "60%", CDX_KIND_PERCENT, 60, "%", "China",
	               "gallium");
	c[1] = mkclaim(six[1].text, six[1].text, "20%", CDX_KIND_PERCENT, 20,
	               "%", NULL, "lithium");
	c[3] = mkclaim(six[3].text, six[3].text, "90%", CDX_KIND_PERCENT, 90,
	               "%", "China", "rare earths");
	c[4] = mkclaim(six[4].text, six[4].text, "5000 tonnes", CDX_KIND_MASS,
	               5000, "t", "Congo", "cobalt");
	strcpy(c[4].time, "2023");
	for (int i = 0; i < 6; i++)
		if (i != 2 && i != 5)
			cl[i] = (struct cdx_claims){&c[i], 1, 1, NULL, NULL};
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	for (size_t i = 0; i < 6; i++) {
		struct cdx_doc d = mkdoc(six[i].source, six[i].title,
		                         six[i].date, six[i].text);
		ck_assert_int_eq(cdx_index_writer_add(w, &d, &cl[i], NULL, NULL,
		                                      &err), CDX_OK);
	}
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	return ix;
}

/* The sources of every hit, sorted, as one string ("ac"). */
static void matches(struct cdx_index *ix, const char *q, char *out,
                    uint64_t *total)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_search_results r;
	size_t n = 0;
	int rc = cdx_index_search(ix, q, 10, &r, &err);

	ck_assert_msg(rc == CDX_OK, "search '%s': %s", q, err.msg);
	for (size_t i = 0; i < r.n; i++)
		out[n++] = r.v[i].source[0];
	out[n] = '\0';
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
			char tmp = out[j];

			out[j] = out[j - 1];
			out[j - 1] = tmp;
		}
	*total = r.total;
	cdx_search_results_release(&r);
}

static const struct {
	const char *query, *docs;
} match_rows[] = {
	{"gallium", "ac"},
	{"GÄLLIUM", "ac"},
	{"gallium controls", "ac"},
	{"\"export controls\"", "ac"},
	{"\"controls export\"", ""},
	{"\"gallium controls\"", "c"},
	{"gallium -china", "c"},
	{"gallium NOT china", "c"},
	{"cobalt OR lithium", "be"},
	{"germ*", "c"},
	{"cob*", "be"},
	{"export*", "acf"},
	{"exporting", "acf"},
	{"(gallium OR cobalt) AND china", "a"},
	{"(gallium OR cobalt) -(china OR congo)", "ce"},
	{"NOT gallium", "bdef"},
	{"-gallium -china", "bef"},
	{"entity:China", "ad"},
	{"entity:china kind:percent value:>70", "d"},
	{"kind:percent value:10..30", "b"},
	{"kind:mass", "e"},
	{"commodity:gallium", "a"},
	{"commodity:china", ""},
	{"entity:cobalt", "e"},
	{"year:2024", "b"},
	{"year:2023", "ae"},
	{"year:2023 kind:percent", "a"},
	{"cobalt year:2023", "e"},
	{"source:b", "b"},
	{"gallium source:c", "c"},
	{"title:controls", "a"},
	{"title:\"battery metals\"", "b"},
	{"title:germanium OR entity:congo", "ce"},
	{"\"gallium", "ac"},
	{"gallium)", "ac"},
	{"OR gallium AND", "ac"},
	{"value:lots gallium", ""},
	{"nothing-like-this", ""},
	{"NOT", ""},
};

START_TEST(test_query_matches)
{
	struct tmp t;
	struct cdx_index *ix;
	char got[16];
	uint64_t total;

	tmp_make(&t);
	ix = index_six(&t);
	matches(ix, match_rows[_i].query, got, &total);
	ck_assert_msg(strcmp(got, match_rows[_i].docs) == 0,
	              "'%s' matched '%s', not '%s'", match_rows[_i].query, got,
	              match_rows[_i].docs);
	ck_assert_uint_eq(total, strlen(match_rows[_i].docs));
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* e says cobalt three times in nine words, b once in ten: e first. */
START_TEST(test_query_or_ranks_and_prunes)
{
	struct cdx_search_options o = CDX_SEARCH_OPTIONS_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_search_results r;
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = index_six(&t);
	o.limit = 1;
	ck_assert_int_eq(cdx_index_search_opts(ix, "cobalt OR zinc OR nickel",
	                                       &o, &r, &err), CDX_OK);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(r.total, 2); /* counted although pruned */
	ck_assert_str_eq(r.v[0].source, "e");
	ck_assert_ptr_nonnull(strstr(r.v[0].snippet, "[Cobalt]"));
	cdx_search_results_release(&r);
	/* b has both words: the OR ranks it above e's cobalt alone */
	o.limit = 10;
	ck_assert_int_eq(cdx_index_search_opts(ix, "lithium OR cobalt", &o,
	                                       &r, &err), CDX_OK);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_str_eq(r.v[0].source, "b");
	ck_assert(r.v[0].score > r.v[1].score);
	cdx_search_results_release(&r);
	/* limit 0 counts only */
	o.limit = 0;
	ck_assert_int_eq(cdx_index_search_opts(ix, "cob*", &o, &r, &err),
	                 CDX_OK);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_uint_eq(r.total, 2);
	cdx_search_results_release(&r);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

static const char *to_congo(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "DRC") == 0 ? "Congo" : NULL;
}

START_TEST(test_query_resolves_aliases)
{
	struct cdx_search_options o = CDX_SEARCH_OPTIONS_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_search_results r;
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = index_six(&t);
	ck_assert_uint_eq(hits_for(ix, "entity:DRC"), 0);
	o.resolve = to_congo;
	ck_assert_int_eq(cdx_index_search_opts(ix, "entity:DRC", &o, &r, &err),
	                 CDX_OK);
	ck_assert_uint_eq(r.total, 1);
	ck_assert_str_eq(r.v[0].source, "e");
	cdx_search_results_release(&r);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* A replaced document's postings stay until a merge; search skips them
 * (the length table marks the old id gone) and finds the new text. */
START_TEST(test_query_skips_replaced)
{
	struct cdx_index *ix;
	struct cdx_doc d = mkdoc("c", "Germanium rules", NULL,
	                         "Tin now, nothing else.");
	struct tmp t;

	tmp_make(&t);
	ix = index_six(&t);
	ck_assert_int_eq(add1(ix, &d, NULL, NULL), CDX_ADD_REPLACED);
	ck_assert_uint_eq(hits_for(ix, "germanium"), 0);
	ck_assert_uint_eq(hits_for(ix, "gallium"), 1);
	ck_assert_uint_eq(hits_for(ix, "gallium OR tin"), 2);
	ck_assert_uint_eq(hits_for(ix, "NOT zinc"), 6);
	ck_assert_uint_eq(hits_for(ix, "title:germanium"), 1);
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* Every garbage query runs against a real index without an error. */
START_TEST(test_query_garbage_searches)
{
	static const char *const nasty[] = {
		"\"", "\"\"\"", "(((", ")))", "-", "--", "-\"", "*", "a*b*",
		"NOT NOT NOT", "OR OR", "AND", "value:", "value:>", "year:",
		"kind:", "title:\"", "source:\"\"", "(a OR (b AND -c)) OR",
		"\xff\xfe", "entity:\xff", "title:(", "\"cobalt", "cob* OR",
	};
	struct tmp t;
	struct cdx_index *ix;

	tmp_make(&t);
	ix = index_six(&t);
	for (size_t i = 0; i < sizeof nasty / sizeof *nasty; i++)
		(void)hits_for(ix, nasty[i]);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

void index_add_query_cases(Suite *s)
{
	TCase *tc = tcase_create("query syntax parses and never fails");

	tcase_add_loop_test(tc, test_parse_tree, 0,
	                    sizeof parse_rows / sizeof *parse_rows);
	tcase_add_test(tc, test_parse_stems_words_not_prefixes);
	tcase_add_test(tc, test_parse_garbage_never_fails);
	tcase_add_loop_test(tc, test_value_ranges, 0,
	                    sizeof range_rows / sizeof *range_rows);
	tcase_add_test(tc, test_value_range_meets);
	suite_add_tcase(s, tc);

	tc = tcase_create("query operators and filters match");
	tcase_add_loop_test(tc, test_query_matches, 0,
	                    sizeof match_rows / sizeof *match_rows);
	tcase_add_test(tc, test_query_or_ranks_and_prunes);
	tcase_add_test(tc, test_query_resolves_aliases);
	tcase_add_test(tc, test_query_skips_replaced);
	tcase_add_test(tc, test_query_garbage_searches);
	suite_add_tcase(s, tc);
}
