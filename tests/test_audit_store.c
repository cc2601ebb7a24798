/*
 * test_audit_store.c — the audit suite, part two: reference figures in the
 * index (put, replace, list by commodity, tags), loading CSV tables (good
 * rows kept, bad rows reported as FILE:LINE), the shipped USGS table
 * loaded once, and the HTML report parsed back with libxml2 to check its
 * counts, its claims table and its chart.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "test_audit.h"
#include "testutil.h"

struct tmpix {
	char dir[64];
	char path[96];
	struct cdx_index *ix;
};

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static void tmpix_open(struct tmpix *t)
{
	struct cdx_error err = CDX_ERROR_INIT;

	strcpy(t->dir, "/tmp/cdx-audit-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/ix", t->dir);
	ck_assert_int_eq(cdx_index_open(&t->ix, t->path, NULL, &err), CDX_OK);
}

static void tmpix_close(struct tmpix *t)
{
	cdx_index_close(t->ix);
	nftw(t->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void fixture(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/audit/%s", cdx_test_data(), name);
}

/* ------------------------------------------------------------ store */

START_TEST(refs_put_list_replace)
{
	struct tmpix t;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_ref refs[3] = {
		audit_ref("China", "reserves", 2023, 2024, 44e6, "t", 0),
		audit_ref("China", "reserves", 2022, 2023, 44e6, "t", 0),
		audit_ref("China", "reserves_share", 2023, 2024, 40, "%",
		          CDX_REF_DERIVED),
	};
	struct cdx_ref_rows rows = {0};
	size_t fresh = 99;

	refs[2].commodity = "lithium";
	refs[2].qualifier = '>';
	refs[2].note = "a note";
	tmpix_open(&t);
	ck_assert_int_eq(cdx_index_ref_put(t.ix, refs, 3, &fresh, &err),
	                 CDX_OK);
	ck_assert_uint_eq(fresh, 3);
	refs[0].value = 45e6; /* same key: replaced */
	ck_assert_int_eq(cdx_index_ref_put(t.ix, refs, 1, &fresh, &err),
	                 CDX_OK);
	ck_assert_uint_eq(fresh, 0);
	ck_assert_int_eq(cdx_index_ref_list(t.ix, NULL, &rows, &err), CDX_OK);
	ck_assert_uint_eq(rows.n, 3);
	cdx_ref_rows_release(&rows);
	ck_assert_int_eq(cdx_index_ref_list(t.ix, "rare earths", &rows, &err),
	                 CDX_OK);
	ck_assert_uint_eq(rows.n, 2);
	/* key order: years ascending */
	ck_assert_int_eq(rows.v[0].year, 2022);
	ck_assert_double_eq(rows.v[1].value, 45e6);
	ck_assert_str_eq(rows.v[1].source, "USGS Mineral Commodity Summaries");
	ck_assert_ptr_null(rows.v[1].note);
	cdx_ref_rows_release(&rows);
	ck_assert_int_eq(cdx_index_ref_list(t.ix, "lithium", &rows, &err),
	                 CDX_OK);
	ck_assert_uint_eq(rows.n, 1);
	ck_assert_int_eq(rows.v[0].qualifier, '>');
	ck_assert_uint_eq(rows.v[0].flags, CDX_REF_DERIVED);
	ck_assert_str_eq(rows.v[0].note, "a note");
	cdx_ref_rows_release(&rows);
	ck_assert_int_eq(cdx_index_ref_list(t.ix, "rare", &rows, &err), CDX_OK);
	ck_assert_uint_eq(rows.n, 0); /* a prefix of a name is not a name */
	cdx_ref_rows_release(&rows);
	cdx_ref_rows_release(NULL);
	tmpix_close(&t);
}
END_TEST

START_TEST(refs_put_errors)
{
	struct tmpix t;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_ref r = audit_ref("China", "reserves", 2023, 2024, 1, "t", 0);
	char long_name[CDX_REF_FIELD_MAX + 8];
	struct cdx_ref_rows rows = {0};

	tmpix_open(&t);
	memset(long_name, 'x', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	r.country = long_name;
	ck_assert_int_eq(cdx_index_ref_put(t.ix, &r, 1, NULL, &err),
	                 CDX_ERR_LIMIT);
	ck_assert_ptr_nonnull(strstr(err.msg, "country"));
	r.country = NULL;
	ck_assert_int_eq(cdx_index_ref_put(t.ix, &r, 1, NULL, &err),
	                 CDX_ERR_USAGE);
	ck_assert_int_eq(cdx_index_ref_list(t.ix, NULL, &rows, &err), CDX_OK);
	ck_assert_uint_eq(rows.n, 0);
	cdx_ref_rows_release(&rows);
	tmpix_close(&t);
}
END_TEST

START_TEST(refs_tags)
{
	struct tmpix t;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_ref_rows rows = {0};
	int have = 7;

	tmpix_open(&t);
	ck_assert_int_eq(cdx_index_ref_tag_get(t.ix, "loaded:x", &have, &err),
	                 CDX_OK);
	ck_assert_int_eq(have, 0);
	ck_assert_int_eq(cdx_index_ref_tag_set(t.ix, "loaded:x", &err), CDX_OK);
	ck_assert_int_eq(cdx_index_ref_tag_get(t.ix, "loaded:x", &have, &err),
	                 CDX_OK);
	ck_assert_int_eq(have, 1);
	/* tags are not figures */
	ck_assert_int_eq(cdx_index_ref_list(t.ix, NULL, &rows, &err), CDX_OK);
	ck_assert_uint_eq(rows.n, 0);
	cdx_ref_rows_release(&rows);
	tmpix_close(&t);
}
END_TEST

/* ------------------------------------------------------------ CSV */

struct warnings {
	char text[2048];
	unsigned n;
};

static void collect(void *ctx, const char *msg)
{
	struct warnings *w = ctx;
	size_t len = strlen(w->text);

	snprintf(w->text + len, sizeof w->text - len, "%s\n", msg);
	w->n++;
}

START_TEST(csv_load_good)
{
	struct tmpix t;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_audit_load_stats st;
	struct cdx_ref_rows rows = {0};
	struct warnings w = {{0}, 0};
	char path[512];

	fixture(path, sizeof path, "refs_good.csv");
	tmpix_open(&t);
	ck_assert_int_eq(cdx_audit_ref_load(t.ix, path, collect, &w, &st, &err),
	                 CDX_OK);
	ck_assert_uint_eq(w.n, 0);
	ck_assert_uint_eq(st.rows, 5);
	ck_assert_uint_eq(st.stored, 4);
	ck_assert_uint_eq(st.empty, 1); /* Sylvania: withheld */
	ck_assert_int_eq(cdx_index_ref_list(t.ix, "rare earths", &rows, &err),
	                 CDX_OK);
	ck_assert_uint_eq(rows.n, 4);
	for (size_t i = 0; i < rows.n; i++) {
		const struct cdx_ref *r = &rows.v[i];

		if (strcmp(r->metric, "import_source_share") == 0) {
			ck_assert_int_eq(r->year, 2019);
			ck_assert_int_eq(r->year_end, 2022);
		} else if (strcmp(r->metric, "net_import_reliance") == 0) {
			ck_assert_int_eq(r->qualifier, '>');
		} else if (r->year == 2022) {
			ck_assert_str_eq(r->note, "made up, for tests");
			ck_assert_int_eq(r->edition, 2023);
		}
	}
	cdx_ref_rows_release(&rows);
	tmpix_close(&t);
}
END_TEST

START_TEST(csv_bad_rows_named_and_skipped)
{
	struct tmpix t;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_audit_load_stats st;
	struct cdx_ref_rows rows = {0};
	struct warnings w = {{0}, 0};
	char path[512], want[600];

	fixture(path, sizeof path, "refs_bad.csv");
	tmpix_open(&t);
	ck_assert_int_eq(cdx_audit_ref_load(t.ix, path, collect, &w, &st, &err),
	                 CDX_OK);
	ck_assert_uint_eq(st.rejected, 4);
	ck_assert_uint_eq(st.stored, 2);
	ck_assert_uint_eq(w.n, 4);
	for (int line = 3; line <= 6; line++) {
		snprintf(want, sizeof want, "%s:%d: ", path, line);
		ck_assert_msg(strstr(w.text, want), "no warning for line %d in:"
		              "\n%s", line, w.text);
	}
	ck_assert_ptr_nonnull(strstr(w.text, "year"));
	ck_assert_ptr_nonnull(strstr(w.text, "value is not a number"));
	ck_assert_ptr_nonnull(strstr(w.text, "empty country"));
	ck_assert_int_eq(cdx_index_ref_list(t.ix, "lithium", &rows, &err),
	                 CDX_OK);
	ck_assert_uint_eq(rows.n, 2);
	cdx_ref_rows_release(&rows);
	tmpix_close(&t);
}
END_TEST

START_TEST(csv_header_and_file_errors)
{
	struct tmpix t;
	struct cdx_error err = CDX_ERROR_INIT;
	char path[512];

	tmpix_open(&t);
	fixture(path, sizeof path, "refs_nometric.csv");
	ck_assert_int_eq(cdx_audit_ref_load(t.ix, path, NULL, NULL, NULL, &err),
	                 CDX_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "refs_nometric.csv:1"));
	ck_assert_ptr_nonnull(strstr(err.msg, "'metric'"));
	fixture(path, sizeof path, "no-such-table.csv");
	ck_assert_int_eq(cdx_audit_ref_load(t.ix, path, NULL, NULL, NULL, &err),
	                 CDX_ERR_IO);
	ck_assert_ptr_nonnull(strstr(err.msg, "no-such-table.csv"));
	tmpix_close(&t);
}
END_TEST

START_TEST(shipped_table_loaded_once)
{
	struct tmpix t;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_ref_rows rows = {0};
	int loaded = 0, found = 0;

	tmpix_open(&t);
	ck_assert_int_eq(cdx_audit_ref_ensure_default(t.ix, NULL, &loaded,
	                                              &err), CDX_OK);
	ck_assert_int_eq(loaded, 1);
	ck_assert_int_eq(cdx_audit_ref_ensure_default(t.ix, NULL, &loaded,
	                                              &err), CDX_OK);
	ck_assert_int_eq(loaded, 0);
	ck_assert_int_eq(cdx_index_ref_list(t.ix, "rare earths", &rows, &err),
	                 CDX_OK);
	ck_assert_uint_gt(rows.n, 300);
	/* MCS 2024: China's rare-earth reserves 44,000,000 t as of 2023 */
	for (size_t i = 0; i < rows.n; i++) {
		const struct cdx_ref *r = &rows.v[i];

		if (strcmp(r->country, "China") == 0 &&
		    strcmp(r->metric, "reserves") == 0 && r->edition == 2024) {
			ck_assert_int_eq(r->year, 2023);
			ck_assert_double_eq(r->value, 44e6);
			ck_assert_str_eq(r->unit, "t");
			found = 1;
		}
	}
	ck_assert(found);
	cdx_ref_rows_release(&rows);
	for (const char *const *c = (const char *const[]){"lithium", "cobalt",
	     "copper", "graphite", "nickel", "gallium", "germanium", NULL};
	     *c; c++) {
		ck_assert_int_eq(cdx_index_ref_list(t.ix, *c, &rows, &err),
		                 CDX_OK);
		ck_assert_msg(rows.n > 20, "%s: %zu figures", *c, rows.n);
		cdx_ref_rows_release(&rows);
	}
	ck_assert_int_eq(cdx_audit_ref_ensure_default(t.ix, "/nonexistent",
	                                              &loaded, &err), CDX_OK);
	tmpix_close(&t);
}
END_TEST

/* ------------------------------------------------------------ HTML */

static int xpath_count(xmlXPathContextPtr x, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, x);
	int n;

	ck_assert_ptr_nonnull(o);
	n = o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	return n;
}

static char *xpath_string(xmlXPathContextPtr x, const char *expr)
{
	char q[256];
	xmlXPathObjectPtr o;
	char *s;

	snprintf(q, sizeof q, "string(%s)", expr);
	o = xmlXPathEvalExpression((const xmlChar *)q, x);
	ck_assert_ptr_nonnull(o);
	s = strdup((const char *)o->stringval);
	xmlXPathFreeObject(o);
	return s;
}

START_TEST(html_report_parses_back)
{
	struct cdx_ref refs[3] = {
		audit_ref("China", "reserves_share", 2021, 2022, 36, "%", 0),
		audit_ref("China", "reserves_share", 2022, 2023, 34, "%", 0),
		audit_ref("China", "reserves_share", 2023, 2024, 40, "%", 0),
	};
	struct cdx_claim_row rows[4] = {
		audit_row(1, NULL, CDX_KIND_PERCENT, 37, CDX_QUAL_EXACT, "China",
		          "rare earths", "reserves share", NULL,
		          "37 percent <of> it & more"),
		audit_row(2, NULL, CDX_KIND_PERCENT, 40, CDX_QUAL_EXACT, "China",
		          "rare earths", "reserves share", "2023", "40%"),
		audit_row(3, NULL, CDX_KIND_MASS, 45e6, CDX_QUAL_APPROX,
		          "Tanbreez", "rare earths", NULL, NULL,
		          "about 45 million metric tons"),
		audit_row(4, NULL, CDX_KIND_MASS, 19e6, CDX_QUAL_EXACT,
		          "Tanbreez", "rare earths", NULL, NULL,
		          "19 million tons"),
	};
	struct cdx_buf b = CDX_BUF_INIT((size_t)16 << 20);
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_audit *a = NULL;
	htmlDocPtr doc;
	xmlXPathContextPtr x;
	char *s;

	ck_assert_int_eq(cdx_audit_new(&a, rows, 4, refs, 3, NULL, &err),
	                 CDX_OK);
	ck_assert_int_eq(cdx_audit_html(a, "Test <audit>", &b), CDX_OK);
	doc = htmlReadMemory(b.ptr, (int)b.len, "report.html", "utf-8",
	                     HTML_PARSE_NONET | HTML_PARSE_NOERROR |
	                     HTML_PARSE_NOWARNING);
	ck_assert_ptr_nonnull(doc);
	x = xmlXPathNewContext(doc);
	s = xpath_string(x, "//title");
	ck_assert_str_eq(s, "Test <audit>");
	free(s);
	/* counts: one row per verdict */
	ck_assert_int_eq(xpath_count(x, "//table[@id='counts']//tr[td]"),
	                 CDX_VERDICT_COUNT_);
	s = xpath_string(x, "//table[@id='counts']//tr[td[1]='conflict']/td[2]");
	ck_assert_str_eq(s, "2");
	free(s);
	/* the claims table: one row per claim, escaped text intact */
	ck_assert_int_eq(xpath_count(x, "//table[@id='claims']/tbody/tr"), 4);
	s = xpath_string(x, "//table[@id='claims']/tbody/tr[1]/td[2]");
	ck_assert_str_eq(s, "37 percent <of> it & more");
	free(s);
	s = xpath_string(x, "//table[@id='claims']/tbody/tr[1]/td[8]");
	ck_assert_str_eq(s, "contradicted");
	free(s);
	ck_assert_int_eq(xpath_count(x, "//table[@id='claims']/tbody/tr[1]"
	                                "//li[contains(., '2024')]"), 1);
	/* two disputed measures, each a chart: the share against its
	 * reference series, the deposit with its two claims */
	ck_assert_int_eq(xpath_count(x, "//section[@class='measure']"), 2);
	ck_assert_int_eq(xpath_count(x, "//svg"), 2);
	ck_assert_int_eq(xpath_count(x, "(//svg)[1]/polyline[@class="
	                                "'reference']"), 1);
	s = xpath_string(x, "(//svg)[1]/polyline/@points");
	ck_assert_int_eq((int)(strchr(s, ' ') != NULL), 1); /* 3 points */
	free(s);
	ck_assert_int_eq(xpath_count(x, "(//svg)[1]/circle[@class="
	                                "'ref-point']"), 3);
	ck_assert_int_eq(xpath_count(x, "(//svg)[1]/circle[@class="
	                                "'claim-point']"), 2);
	ck_assert_int_eq(xpath_count(x, "(//svg)[2]/circle[@data-verdict="
	                                "'conflict']"), 2);
	ck_assert_int_eq(xpath_count(x, "(//svg)[2]/polyline"), 0);
	xmlXPathFreeContext(x);
	xmlFreeDoc(doc);
	cdx_buf_release(&b);
	cdx_audit_free(a);
}
END_TEST

START_TEST(html_buffer_limit)
{
	struct cdx_claim_row rows[1] = {
		audit_row(1, NULL, CDX_KIND_PERCENT, 37, CDX_QUAL_EXACT, "China",
		          "rare earths", "reserves share", NULL, "37 percent"),
	};
	struct cdx_buf b = CDX_BUF_INIT(64);
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_audit *a = NULL;

	ck_assert_int_eq(cdx_audit_new(&a, rows, 1, NULL, 0, NULL, &err),
	                 CDX_OK);
	ck_assert_int_eq(cdx_audit_html(a, NULL, &b), CDX_ERR_LIMIT);
	cdx_buf_release(&b);
	cdx_audit_free(a);
}
END_TEST

void audit_store_cases(Suite *s)
{
	TCase *t = tcase_create("reference store");

	tcase_add_test(t, refs_put_list_replace);
	tcase_add_test(t, refs_put_errors);
	tcase_add_test(t, refs_tags);
	suite_add_tcase(s, t);

	t = tcase_create("reference tables");
	tcase_add_test(t, csv_load_good);
	tcase_add_test(t, csv_bad_rows_named_and_skipped);
	tcase_add_test(t, csv_header_and_file_errors);
	tcase_add_test(t, shipped_table_loaded_once);
	suite_add_tcase(s, t);

	t = tcase_create("html report");
	tcase_add_test(t, html_report_parses_back);
	tcase_add_test(t, html_buffer_limit);
	suite_add_tcase(s, t);
}
