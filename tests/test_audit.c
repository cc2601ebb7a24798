/*
 * test_audit.c — the audit suite, part one: rounding-aware ranges (the
 * 91.5 / 92.5 edges of "92 percent", hedges, bounds, Mt against tons, a
 * user tolerance), each verdict, the choice of edition by the document's
 * date, and the internal-consistency checks.
 *
 * Claims and reference figures are built by hand here, so these tests do
 * not depend on what the extractor finds. test_audit_store.c covers the
 * index, CSV loading and the HTML report; test_audit_e2e.c the CLI and the
 * shared critical-minerals corpus.
 */
#include <math.h>
#include <string.h>

#include "audit.h"
#include "test_audit.h"
#include "testutil.h"

struct cdx_claim_row audit_row(uint64_t doc, const char *date,
                               enum cdx_claim_kind kind, double v,
                               enum cdx_qualifier q, const char *subject,
                               const char *commodity, const char *metric,
                               const char *time, const char *text)
{
	static const char *const sources[] = {"a.txt", "b.txt", "c.txt",
	                                      "d.txt", "e.txt"};
	struct cdx_claim_row r;

	memset(&r, 0, sizeof r);
	r.doc_id = doc;
	r.source = sources[doc % 5];
	r.doc_date = date;
	r.claim.kind = kind;
	r.claim.value = v;
	r.claim.value_max = NAN;
	r.claim.qualifier = q;
	r.claim.subject = subject;
	r.claim.commodity = commodity;
	r.claim.metric = metric;
	snprintf(r.claim.unit, sizeof r.claim.unit, "%s",
	         kind == CDX_KIND_PERCENT ? "%" : kind == CDX_KIND_MASS ? "t"
	                                                                : "USD");
	snprintf(r.claim.time, sizeof r.claim.time, "%s", time ? time : "");
	r.text = text;
	r.sentence = text;
	return r;
}

struct cdx_ref audit_ref(const char *country, const char *metric, int year,
                         int edition, double v, const char *unit,
                         unsigned flags)
{
	struct cdx_ref r;

	memset(&r, 0, sizeof r);
	r.commodity = "rare earths";
	r.country = country;
	r.metric = metric;
	r.unit = unit;
	r.source = "USGS Mineral Commodity Summaries";
	r.year = r.year_end = year;
	r.edition = edition;
	r.value = v;
	r.flags = flags;
	return r;
}

/* ------------------------------------------------------------ ranges */

static int meets(const struct cdx_claim_row *row, double approx, double tol,
                 const struct cdx_ref *ref)
{
	struct cdx_audit_range a, b;

	cdx_audit_claim_range(&row->claim, row->text, approx, tol, &a);
	cdx_audit_ref_range(ref, &b);
	return cdx_audit_range_meet(&a, &b);
}

static struct cdx_ref point(double v, char qualifier)
{
	struct cdx_ref r = audit_ref("China", "reserves_share", 2023, 2024, v,
	                             "%", 0);

	r.qualifier = qualifier;
	return r;
}

/* "92 percent" stands for 91.5-92.5, both edges included. */
static const struct {
	double ref;
	int meets;
} edges[] = {
	{91.5, 1}, {92.5, 1}, {92.0, 1}, {91.49, 0}, {92.51, 0}, {90, 0},
};

START_TEST(rounding_edges)
{
	struct cdx_claim_row c = audit_row(1, NULL, CDX_KIND_PERCENT, 92,
	                                   CDX_QUAL_EXACT, "China",
	                                   "rare earths", "reserves share",
	                                   NULL, "92 percent");
	struct cdx_ref r = point(edges[_i].ref, 0);

	ck_assert_int_eq(meets(&c, 0.05, 0, &r), edges[_i].meets);
}
END_TEST

START_TEST(decimals_set_the_precision)
{
	struct cdx_claim_row c = audit_row(1, NULL, CDX_KIND_PERCENT, 99.5,
	                                   CDX_QUAL_EXACT, NULL, NULL, NULL,
	                                   NULL, "99.5%");
	struct cdx_ref in = point(99.54, 0), out = point(99.56, 0);

	ck_assert(meets(&c, 0.05, 0, &in));
	ck_assert(!meets(&c, 0.05, 0, &out));
}
END_TEST

START_TEST(approx_widens)
{
	struct cdx_claim_row c = audit_row(1, NULL, CDX_KIND_PERCENT, 92,
	                                   CDX_QUAL_APPROX, NULL, NULL, NULL,
	                                   NULL, "about 92 percent");
	struct cdx_ref r97 = point(97, 0), r98 = point(98, 0);

	/* 92 +- (0.5 + 5 % of 92) = 86.9 .. 97.1 */
	ck_assert(meets(&c, 0.05, 0, &r97));
	ck_assert(!meets(&c, 0.05, 0, &r98));
	ck_assert(!meets(&c, 0.0, 0, &r97));
}
END_TEST

START_TEST(min_and_max_qualifiers)
{
	struct cdx_claim_row more = audit_row(1, NULL, CDX_KIND_PERCENT, 95,
	                                      CDX_QUAL_MIN, NULL, NULL, NULL,
	                                      NULL, "more than 95 percent");
	struct cdx_claim_row less = audit_row(1, NULL, CDX_KIND_MASS, 5000,
	                                      CDX_QUAL_MAX, NULL, NULL, NULL,
	                                      NULL, "less than 5,000 tons");
	struct cdx_ref r96 = point(96, 0), r95 = point(95, 0),
		       bound = point(95, '>'), under = point(90, '<');

	ck_assert(meets(&more, 0.05, 0, &r96));
	ck_assert(!meets(&more, 0.05, 0, &r95)); /* above X, not X */
	ck_assert(meets(&more, 0.05, 0, &bound)); /* ">95" in the table */
	ck_assert(!meets(&more, 0.05, 0, &under));
	r96.value = 4999;
	ck_assert(meets(&less, 0.05, 0, &r96));
	r96.value = 5000;
	ck_assert(!meets(&less, 0.05, 0, &r96));
}
END_TEST

START_TEST(tonnage_units)
{
	/* the extractor normalises mass to t; the text sets the rounding */
	const char *texts[] = {"38 million tons", "38 Mt", "38 million metric "
	                       "tonnes"};
	struct cdx_ref lo = point(37500000, 0), hi = point(38500000, 0),
		       out = point(38600000, 0), t38 = point(38, 0);

	for (size_t i = 0; i < 3; i++) {
		struct cdx_claim_row c = audit_row(1, NULL, CDX_KIND_MASS, 38e6,
		                                   CDX_QUAL_EXACT, NULL, NULL,
		                                   NULL, NULL, texts[i]);

		ck_assert(meets(&c, 0.05, 0, &lo));
		ck_assert(meets(&c, 0.05, 0, &hi));
		ck_assert(!meets(&c, 0.05, 0, &out));
		ck_assert(!meets(&c, 0.05, 0, &t38)); /* 38 t is not 38 Mt */
	}
}
END_TEST

START_TEST(tolerance_widens)
{
	struct cdx_claim_row c = audit_row(1, NULL, CDX_KIND_PERCENT, 92,
	                                   CDX_QUAL_EXACT, NULL, NULL, NULL,
	                                   NULL, "92 percent");
	struct cdx_ref r = point(96, 0);

	ck_assert(!meets(&c, 0.05, 0, &r));
	ck_assert(meets(&c, 0.05, 5, &r)); /* 92 +- (0.5 + 4.6) */
}
END_TEST

START_TEST(derived_share_rounds)
{
	struct cdx_claim_row c = audit_row(1, NULL, CDX_KIND_PERCENT, 40.4,
	                                   CDX_QUAL_EXACT, NULL, NULL, NULL,
	                                   NULL, "40.4%");
	struct cdx_ref r = point(40, 0);

	ck_assert(!meets(&c, 0.05, 0, &r)); /* a published 40: exact */
	r.flags = CDX_REF_DERIVED;          /* our rounding of 39.5..40.5 */
	ck_assert(meets(&c, 0.05, 0, &r));
}
END_TEST

/* ------------------------------------------------------------ verdicts */

static struct cdx_audit *audit(const struct cdx_claim_row *rows, size_t n,
                               const struct cdx_ref *refs, size_t nr)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_audit *a = NULL;
	int rc = cdx_audit_new(&a, rows, n, refs, nr, NULL, &err);

	ck_assert_msg(rc == CDX_OK, "%s", err.msg);
	return a;
}

/* The item of row @p row. */
const struct cdx_audit_item *audit_item(const struct cdx_audit *a, size_t row)
{
	for (size_t i = 0; i < a->n_items; i++)
		if (a->items[i].row == row)
			return &a->items[i];
	ck_abort_msg("row %zu has no audit item", row);
	return NULL;
}

/* China's share of world rare-earth reserves by edition. */
static void share_refs(struct cdx_ref *r)
{
	r[0] = audit_ref("China", "reserves_share", 2021, 2022, 36, "%", 0);
	r[1] = audit_ref("China", "reserves_share", 2022, 2023, 34, "%", 0);
	r[2] = audit_ref("China", "reserves_share", 2023, 2024, 40, "%", 0);
}

static struct cdx_claim_row share_claim(uint64_t doc, const char *date,
                                        double v, const char *text)
{
	return audit_row(doc, date, CDX_KIND_PERCENT, v, CDX_QUAL_EXACT,
	                 "China", "rare earths", "reserves share", NULL, text);
}

START_TEST(verdict_supported_by_latest)
{
	struct cdx_ref refs[3];
	struct cdx_claim_row rows[1] = {share_claim(1, NULL, 40, "40 percent")};
	struct cdx_audit *a;
	const struct cdx_audit_item *it;

	share_refs(refs);
	a = audit(rows, 1, refs, 3);
	it = audit_item(a, 0);
	ck_assert_int_eq(it->verdict, CDX_VERDICT_SUPPORTED);
	ck_assert_str_eq(it->ref_metric, "reserves_share");
	ck_assert_uint_eq(it->n_ev, 1);
	ck_assert(it->ev[0].reference && it->ev[0].latest && it->ev[0].agrees);
	ck_assert_uint_eq(it->ev[0].index, 2);
	ck_assert_uint_eq(a->counts[CDX_VERDICT_SUPPORTED], 1);
	cdx_audit_free(a);
}
END_TEST

/* A world total ("total worldwide reserves amount to 130 million tons":
 * no subject, metric "world reserves") is checked against the World
 * rows; the same figure with no subject and a plain metric is nobody's. */
START_TEST(world_total_against_world_rows)
{
	struct cdx_ref refs[2] = {
		audit_ref("China", "reserves", 2022, 2023, 44e6, "t", 0),
		audit_ref("World", "reserves", 2022, 2023, 130e6, "t", 0),
	};
	struct cdx_claim_row rows[2] = {
		audit_row(1, NULL, CDX_KIND_MASS, 130e6, CDX_QUAL_APPROX, NULL,
		          "rare earths", "world reserves", NULL,
		          "approximately 130 million metric tons"),
		audit_row(2, NULL, CDX_KIND_MASS, 130e6, CDX_QUAL_APPROX, NULL,
		          "rare earths", "reserves", NULL,
		          "approximately 130 million metric tons"),
	};
	struct cdx_audit *a = audit(rows, 2, refs, 2);

	ck_assert_int_eq(audit_item(a, 0)->verdict, CDX_VERDICT_SUPPORTED);
	ck_assert_str_eq(audit_item(a, 0)->ref_metric, "reserves");
	ck_assert_int_eq(audit_item(a, 1)->verdict, CDX_VERDICT_UNVERIFIED);
	cdx_audit_free(a);
}
END_TEST

START_TEST(verdict_outdated_shows_both)
{
	struct cdx_ref refs[3];
	struct cdx_claim_row rows[1] = {share_claim(1, NULL, 36, "36 percent")};
	struct cdx_audit *a;
	const struct cdx_audit_item *it;
	int saw_old = 0, saw_latest = 0;

	share_refs(refs);
	a = audit(rows, 1, refs, 3);
	it = audit_item(a, 0);
	ck_assert_int_eq(it->verdict, CDX_VERDICT_OUTDATED);
	for (size_t e = 0; e < it->n_ev; e++) {
		ck_assert(it->ev[e].reference);
		saw_old |= it->ev[e].index == 0 && it->ev[e].agrees;
		saw_latest |= it->ev[e].index == 2 && it->ev[e].latest &&
		              !it->ev[e].agrees;
	}
	ck_assert(saw_old && saw_latest);
	cdx_audit_free(a);
}
END_TEST

START_TEST(verdict_contradicted)
{
	struct cdx_ref refs[3];
	struct cdx_claim_row rows[1] = {share_claim(1, NULL, 37,
	                                            "37 percent")};
	struct cdx_audit *a;

	share_refs(refs);
	a = audit(rows, 1, refs, 3);
	ck_assert_int_eq(audit_item(a, 0)->verdict, CDX_VERDICT_CONTRADICTED);
	ck_assert_uint_eq(a->counts[CDX_VERDICT_CONTRADICTED], 1);
	cdx_audit_free(a);
}
END_TEST

/* The same undated "34 percent" against three editions: current in a
 * document of mid-2023 (MCS 2023 is out, 2024 is not), outdated in 2025,
 * and not comparable in 2019, before any edition of the table. */
START_TEST(undated_claim_against_editions)
{
	struct cdx_ref refs[3];
	struct cdx_claim_row rows[3] = {
		share_claim(1, "2023-06-01", 34, "34 percent"),
		share_claim(2, "2025-03", 34, "34 percent"),
		share_claim(3, "2019-05", 34, "34 percent"),
	};
	struct cdx_audit *a;

	share_refs(refs);
	a = audit(rows, 3, refs, 3);
	ck_assert_int_eq(audit_item(a, 0)->verdict, CDX_VERDICT_SUPPORTED);
	ck_assert_int_eq(audit_item(a, 1)->verdict, CDX_VERDICT_OUTDATED);
	/* no edition near 2019: compared with the other documents, which
	 * say the same */
	ck_assert_ptr_null(audit_item(a, 2)->ref_metric);
	ck_assert_int_eq(audit_item(a, 2)->verdict, CDX_VERDICT_SUPPORTED);
	ck_assert(!audit_item(a, 2)->ev[0].reference);
	cdx_audit_free(a);
}
END_TEST

START_TEST(dated_claim_uses_its_year)
{
	struct cdx_ref refs[3] = {
		audit_ref("China", "mine_production", 2022, 2023, 210000, "t",
		          CDX_REF_ESTIMATED),
		audit_ref("China", "mine_production", 2022, 2024, 210000, "t", 0),
		audit_ref("China", "mine_production", 2023, 2024, 240000, "t",
		          CDX_REF_ESTIMATED),
	};
	struct cdx_claim_row rows[2] = {
		audit_row(1, NULL, CDX_KIND_MASS, 210000, CDX_QUAL_EXACT,
		          "China", "rare earths", "production", "2022",
		          "210,000 tons"),
		audit_row(2, NULL, CDX_KIND_MASS, 210000, CDX_QUAL_EXACT,
		          "China", "rare earths", "production", "2018",
		          "210,000 tons"),
	};
	struct cdx_audit *a = audit(rows, 2, refs, 3);
	const struct cdx_audit_item *it = audit_item(a, 0);

	ck_assert_int_eq(it->verdict, CDX_VERDICT_SUPPORTED);
	ck_assert_str_eq(it->ref_metric, "mine_production");
	for (size_t e = 0; e < it->n_ev; e++)
		ck_assert_uint_ne(it->ev[e].index, 2); /* 2023 is not 2022 */
	/* 2018 is not in the table: no reference verdict */
	ck_assert_ptr_null(audit_item(a, 1)->ref_metric);
	cdx_audit_free(a);
}
END_TEST

/* Two articles give one deposit 45 and 19 million tons: a conflict, each
 * with the other as evidence. */
START_TEST(verdict_conflict_lists_others)
{
	struct cdx_claim_row rows[2] = {
		audit_row(1, NULL, CDX_KIND_MASS, 45e6, CDX_QUAL_APPROX,
		          "Tanbreez", "rare earths", NULL, NULL,
		          "about 45 million metric tons"),
		audit_row(2, NULL, CDX_KIND_MASS, 19e6, CDX_QUAL_EXACT,
		          "Tanbreez", "rare earths", NULL, NULL,
		          "19 million tons"),
	};
	struct cdx_audit *a = audit(rows, 2, NULL, 0);

	for (size_t i = 0; i < 2; i++) {
		const struct cdx_audit_item *it = audit_item(a, i);

		ck_assert_int_eq(it->verdict, CDX_VERDICT_CONFLICT);
		ck_assert_uint_eq(it->n_ev, 1);
		ck_assert(!it->ev[0].reference && !it->ev[0].agrees);
		ck_assert_uint_eq(it->ev[0].index, 1 - i);
	}
	ck_assert_uint_eq(a->counts[CDX_VERDICT_CONFLICT], 2);
	cdx_audit_free(a);
}
END_TEST

START_TEST(verdict_supported_by_agreement_and_unverified)
{
	struct cdx_claim_row rows[4] = {
		audit_row(1, NULL, CDX_KIND_PERCENT, 15, CDX_QUAL_EXACT,
		          "Department of Defense", "rare earths", "stake", NULL,
		          "15%"),
		audit_row(2, NULL, CDX_KIND_PERCENT, 15, CDX_QUAL_APPROX,
		          "Department of Defense", "rare earths", "stake", NULL,
		          "about 15 percent"),
		audit_row(3, NULL, CDX_KIND_PERCENT, 12, CDX_QUAL_EXACT,
		          "Elsewhere Corp", "rare earths", "stake", NULL, "12%"),
		/* a bare percent with no metric is a share of anything */
		audit_row(4, NULL, CDX_KIND_PERCENT, 15, CDX_QUAL_EXACT,
		          "Department of Defense", "rare earths", NULL, NULL,
		          "15%"),
	};
	struct cdx_audit *a = audit(rows, 4, NULL, 0);

	ck_assert_int_eq(audit_item(a, 0)->verdict, CDX_VERDICT_SUPPORTED);
	ck_assert_int_eq(audit_item(a, 1)->verdict, CDX_VERDICT_SUPPORTED);
	ck_assert_int_eq(audit_item(a, 2)->verdict, CDX_VERDICT_UNVERIFIED);
	ck_assert_uint_eq(audit_item(a, 2)->n_ev, 0);
	ck_assert_int_eq(audit_item(a, 3)->verdict, CDX_VERDICT_UNVERIFIED);
	cdx_audit_free(a);
}
END_TEST

START_TEST(dates_and_agreements_are_not_audited)
{
	struct cdx_claim_row rows[2] = {
		audit_row(1, NULL, CDX_KIND_DATE, NAN, CDX_QUAL_EXACT, NULL,
		          NULL, NULL, "2030", "2030"),
		audit_row(1, NULL, CDX_KIND_PERCENT, 5, CDX_QUAL_EXACT, NULL,
		          NULL, NULL, NULL, "5%"),
	};
	struct cdx_audit *a = audit(rows, 2, NULL, 0);

	ck_assert_uint_eq(a->n_items, 1);
	ck_assert_uint_eq(a->items[0].row, 1);
	cdx_audit_free(a);
}
END_TEST

START_TEST(filters_select_but_all_compare)
{
	struct cdx_claim_row rows[2] = {
		audit_row(1, NULL, CDX_KIND_MASS, 45e6, CDX_QUAL_APPROX,
		          "Tanbreez", "rare earths", NULL, NULL,
		          "about 45 million metric tons"),
		audit_row(2, NULL, CDX_KIND_MASS, 19e6, CDX_QUAL_EXACT,
		          "Tanbreez", "rare earths", NULL, NULL,
		          "19 million tons"),
	};
	struct cdx_audit_options o = CDX_AUDIT_OPTIONS_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_audit *a = NULL;

	o.doc = "c.txt"; /* doc 2 */
	ck_assert_int_eq(cdx_audit_new(&a, rows, 2, NULL, 0, &o, &err), CDX_OK);
	ck_assert(!audit_item(a, 0)->selected);
	ck_assert(audit_item(a, 1)->selected);
	ck_assert_uint_eq(a->counts[CDX_VERDICT_CONFLICT], 1);
	cdx_audit_free(a);
	o.doc = NULL;
	o.entity = "lithium";
	ck_assert_int_eq(cdx_audit_new(&a, rows, 2, NULL, 0, &o, &err), CDX_OK);
	ck_assert_uint_eq(a->counts[CDX_VERDICT_CONFLICT], 0);
	cdx_audit_free(a);
}
END_TEST

START_TEST(missing_metric_map_is_an_error)
{
	struct cdx_audit_options o = CDX_AUDIT_OPTIONS_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_audit *a = (struct cdx_audit *)&o;

	o.reference_dir = "/nonexistent-claimdex-dir";
	ck_assert_int_eq(cdx_audit_new(&a, NULL, 0, NULL, 0, &o, &err),
	                 CDX_ERR_IO);
	ck_assert_ptr_null(a);
	ck_assert_ptr_nonnull(strstr(err.msg, "metrics.tsv"));
	cdx_audit_free(NULL);
}
END_TEST

/* ------------------------------------------------------------ consistency */

static int has_issue(const struct cdx_audit_item *it, enum cdx_audit_check c)
{
	for (size_t k = 0; k < it->n_issues; k++)
		if (it->issues[k].check == c)
			return 1;
	return 0;
}

START_TEST(shares_over_100)
{
	struct cdx_claim_row rows[4] = {
		audit_row(1, NULL, CDX_KIND_PERCENT, 70, CDX_QUAL_EXACT,
		          "China", "gallium", "production share", NULL, "70%"),
		audit_row(1, NULL, CDX_KIND_PERCENT, 40, CDX_QUAL_MIN,
		          "Japan", "gallium", "production share", NULL,
		          "more than 40%"),
		/* another commodity: another whole */
		audit_row(1, NULL, CDX_KIND_PERCENT, 60, CDX_QUAL_EXACT,
		          "Japan", "cobalt", "production share", NULL, "60%"),
		audit_row(2, NULL, CDX_KIND_PERCENT, 40, CDX_QUAL_EXACT,
		          "Japan", "gallium", "production share", NULL, "40%"),
	};
	struct cdx_audit *a = audit(rows, 4, NULL, 0);

	ck_assert(has_issue(audit_item(a, 0), CDX_CHECK_SHARES_OVER_100));
	ck_assert(has_issue(audit_item(a, 1), CDX_CHECK_SHARES_OVER_100));
	ck_assert_double_eq_tol(audit_item(a, 0)->issues[0].total, 109.5,
	                        1e-6);
	ck_assert(!has_issue(audit_item(a, 2), CDX_CHECK_SHARES_OVER_100));
	ck_assert(!has_issue(audit_item(a, 3), CDX_CHECK_SHARES_OVER_100));
	cdx_audit_free(a);
}
END_TEST

START_TEST(part_exceeds_whole)
{
	static const char s[] = "Officials said 60 of the 50 minerals matter.";
	struct cdx_claim_row rows[2] = {
		audit_row(1, NULL, CDX_KIND_COUNT, 60, CDX_QUAL_EXACT, NULL,
		          NULL, NULL, NULL, "60"),
		audit_row(1, NULL, CDX_KIND_COUNT, 50, CDX_QUAL_EXACT, NULL,
		          NULL, NULL, NULL, "50 minerals"),
	};
	struct cdx_audit *a;

	for (size_t i = 0; i < 2; i++) {
		rows[i].sentence = s;
		rows[i].claim.sent_start = 100;
		rows[i].claim.sent_end = 100 + sizeof s - 1;
		snprintf(rows[i].claim.unit, sizeof rows[i].claim.unit,
		         "mineral");
	}
	rows[0].claim.start = 100 + 15;
	rows[0].claim.end = 100 + 17;
	rows[1].claim.start = 100 + 25;
	rows[1].claim.end = 100 + 36;
	a = audit(rows, 2, NULL, 0);
	ck_assert(has_issue(audit_item(a, 0), CDX_CHECK_PART_EXCEEDS_WHOLE));
	ck_assert(has_issue(audit_item(a, 1), CDX_CHECK_PART_EXCEEDS_WHOLE));
	cdx_audit_free(a);
	rows[0].claim.value = 12; /* 12 of the 50: fine */
	rows[0].text = "12";
	a = audit(rows, 2, NULL, 0);
	ck_assert_uint_eq(audit_item(a, 0)->n_issues, 0);
	cdx_audit_free(a);
}
END_TEST

START_TEST(restated_differently)
{
	struct cdx_claim_row rows[3] = {
		audit_row(1, NULL, CDX_KIND_MASS, 44e6, CDX_QUAL_APPROX,
		          "China", "rare earths", "reserves", NULL,
		          "some 44 million metric tons"),
		audit_row(1, NULL, CDX_KIND_MASS, 130e6, CDX_QUAL_APPROX,
		          "China", "rare earths", "reserves", NULL,
		          "approximately 130 million metric tons"),
		/* the same figure again is no issue */
		audit_row(1, NULL, CDX_KIND_MASS, 44e6, CDX_QUAL_EXACT,
		          "China", "rare earths", "reserves", NULL,
		          "44 million tons"),
	};
	struct cdx_audit *a;

	/* three sentences */
	for (unsigned i = 0; i < 3; i++) {
		rows[i].claim.sent_start = 100 * i;
		rows[i].claim.sent_end = 100 * i + 90;
	}
	a = audit(rows, 3, NULL, 0);
	ck_assert(has_issue(audit_item(a, 0), CDX_CHECK_RESTATED));
	ck_assert(has_issue(audit_item(a, 1), CDX_CHECK_RESTATED));
	ck_assert_uint_eq(audit_item(a, 2)->n_issues, 1); /* with 130 Mt */
	ck_assert_uint_eq(audit_item(a, 2)->issues[0].other, 1);
	cdx_audit_free(a);
}
END_TEST

/* One sentence giving the same measure several times is a breakdown
 * ("51% in superalloys; 25% in chemicals"), not a restatement. */
START_TEST(breakdown_not_restated)
{
	struct cdx_claim_row rows[2] = {
		audit_row(1, NULL, CDX_KIND_PERCENT, 51, CDX_QUAL_APPROX,
		          "United States", "cobalt", "end-use share", NULL,
		          "An estimated 51%"),
		audit_row(1, NULL, CDX_KIND_PERCENT, 25, CDX_QUAL_EXACT,
		          "United States", "cobalt", "end-use share", NULL,
		          "25%"),
	};
	struct cdx_audit *a;

	for (unsigned i = 0; i < 2; i++) {
		rows[i].claim.sent_start = 10;
		rows[i].claim.sent_end = 200;
	}
	rows[1].claim.start = 80;
	a = audit(rows, 2, NULL, 0);
	ck_assert_uint_eq(audit_item(a, 0)->n_issues, 0);
	ck_assert_uint_eq(audit_item(a, 1)->n_issues, 0);
	cdx_audit_free(a);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(cdx_verdict_name(CDX_VERDICT_CONFLICT), "conflict");
	ck_assert_ptr_null(cdx_verdict_name(CDX_VERDICT_COUNT_));
	ck_assert_str_eq(cdx_audit_check_name(CDX_CHECK_RESTATED), "restated");
	ck_assert_ptr_null(cdx_audit_check_name(CDX_CHECK_COUNT_));
}
END_TEST

Suite *audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *t;

	t = tcase_create("rounding-aware ranges");
	tcase_add_loop_test(t, rounding_edges, 0,
	                    (int)(sizeof edges / sizeof *edges));
	tcase_add_test(t, decimals_set_the_precision);
	tcase_add_test(t, approx_widens);
	tcase_add_test(t, min_and_max_qualifiers);
	tcase_add_test(t, tonnage_units);
	tcase_add_test(t, tolerance_widens);
	tcase_add_test(t, derived_share_rounds);
	suite_add_tcase(s, t);

	t = tcase_create("verdicts");
	tcase_add_test(t, verdict_supported_by_latest);
	tcase_add_test(t, verdict_outdated_shows_both);
	tcase_add_test(t, verdict_contradicted);
	tcase_add_test(t, undated_claim_against_editions);
	tcase_add_test(t, dated_claim_uses_its_year);
	tcase_add_test(t, verdict_conflict_lists_others);
	tcase_add_test(t, verdict_supported_by_agreement_and_unverified);
	tcase_add_test(t, dates_and_agreements_are_not_audited);
	tcase_add_test(t, filters_select_but_all_compare);
	tcase_add_test(t, missing_metric_map_is_an_error);
	tcase_add_test(t, names);
	suite_add_tcase(s, t);

	t = tcase_create("internal consistency");
	tcase_add_test(t, shares_over_100);
	tcase_add_test(t, part_exceeds_whole);
	tcase_add_test(t, restated_differently);
	tcase_add_test(t, breakdown_not_restated);
	tcase_add_test(t, world_total_against_world_rows);
	suite_add_tcase(s, t);

	audit_store_cases(s);
	audit_e2e_cases(s);
	return s;
}
