/*
 * test_cli_manifest.c — `ingest --manifest` and `extract --manifest`
 * seen from the binary: the rows' dates and titles reach the index and
 * the claims (a day without a year takes the row's year), a bad row is a
 * warning naming the manifest's line and loses nothing, an unusable
 * manifest is a usage error that leaves the index untouched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cliutil.h"
#include "testutil.h"

static char tmpdir[256];

#define run(...) cdx_test_run(tmpdir, NULL, __VA_ARGS__)

static void setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/cdx-manifest-cli-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* DIR/@p name in one of four rotating buffers, for argument lists. */
static const char *at(const char *name)
{
	static char bufs[4][512];
	static unsigned k;
	char *b = bufs[k++ % 4];

	snprintf(b, sizeof bufs[0], "%s/%s", tmpdir, name);
	return b;
}

static void put(const char *name, const char *s)
{
	FILE *f = fopen(at(name), "w");

	ck_assert_ptr_nonnull(f);
	fputs(s, f);
	fclose(f);
}

static const char article[] =
	"Smelters pause\n\nThe smelter said on 9 April that its cobalt "
	"output fell 12 percent.\n";

START_TEST(rows_reach_the_index_and_the_claims)
{
	struct cdx_run o;

	put("a.txt", article);
	put("b.txt", "Quiet day\n\nNothing was said about 4 percent of it.\n");
	put("list.tsv", "file\tdate\ttitle\n"
	                "a.txt\t2025-04-20\tCobalt smelter pauses\n"
	                "b.txt\tsoon\t\n");
	o = run("--db", at("db"), "ingest", "--manifest", at("list.tsv"),
	        at("a.txt"), at("b.txt"), NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_msg(strstr(o.err, "list.tsv:3: not a date") != NULL,
	              "%s", o.err);
	ck_assert_ptr_nonnull(strstr(o.out, "ingested 2 documents"));
	cdx_run_free(&o);
	o = run("--db", at("db"), "show", "--json", at("a.txt"), NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_msg(strstr(o.out, "\"date\":\"2025-04-20\"") != NULL, "%s",
	              o.out);
	ck_assert_ptr_nonnull(strstr(o.out, "Cobalt smelter pauses"));
	cdx_run_free(&o);
	o = run("--db", at("db"), "claims", "--kind", "date", "--json", NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_msg(strstr(o.out, "\"value\":\"2025-04-09\"") != NULL, "%s",
	              o.out);
	cdx_run_free(&o);
	o = run("extract", "--json", "--manifest", at("list.tsv"), at("a.txt"),
	        NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "\"value\":\"2025-04-09\""));
	cdx_run_free(&o);
	/* without the manifest the day has no year */
	o = run("extract", "--json", at("a.txt"), NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_null(strstr(o.out, "2025-04-09"));
	cdx_run_free(&o);
}
END_TEST

START_TEST(unusable_manifest_is_a_usage_error)
{
	struct cdx_run o;

	put("a.txt", article);
	o = run("--db", at("db"), "ingest", at("a.txt"), NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
	put("bad.csv", "title,date\nA,2025\n");
	o = run("--db", at("db"), "ingest", "--manifest", at("bad.csv"),
	        at("a.txt"), NULL);
	ck_assert_int_eq(o.status, 2);
	ck_assert_msg(strstr(o.err, "bad.csv:1:") != NULL, "%s", o.err);
	cdx_run_free(&o);
	o = run("--db", at("db"), "ingest", "--manifest", at("none.csv"),
	        at("a.txt"), NULL);
	ck_assert_int_eq(o.status, 2);
	ck_assert_ptr_nonnull(strstr(o.err, "none.csv"));
	cdx_run_free(&o);
	o = run("--db", at("db"), "check", NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
	o = run("--db", at("db"), "show", "--json", at("a.txt"), NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "\"date\":null"));
	cdx_run_free(&o);
}
END_TEST

/* A document whose text and claims are unchanged but whose date now
 * comes from a manifest is replaced, not left with no date. */
START_TEST(reingest_with_a_manifest_updates_the_date)
{
	struct cdx_run o;

	put("c.txt", "Copper output\n\nThe mine produced 12 percent more.\n");
	put("list.csv", "path,date\nc.txt,2024-06-30\n");
	o = run("--db", at("db"), "ingest", at("c.txt"), NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
	o = run("--db", at("db"), "ingest", "--manifest", at("list.csv"),
	        at("c.txt"), NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_msg(strstr(o.out, "1 replaced") != NULL, "%s", o.out);
	cdx_run_free(&o);
	o = run("--db", at("db"), "show", "--json", at("c.txt"), NULL);
	ck_assert_msg(strstr(o.out, "\"date\":\"2024-06-30\"") != NULL, "%s",
	              o.out);
	cdx_run_free(&o);
	/* the same again changes nothing */
	o = run("--db", at("db"), "ingest", "--manifest", at("list.csv"),
	        at("c.txt"), NULL);
	ck_assert_msg(strstr(o.out, "1 unchanged") != NULL, "%s", o.out);
	cdx_run_free(&o);
	o = run("--db", at("db"), "check", NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
}
END_TEST

Suite *cli_manifest_suite(void)
{
	Suite *s = suite_create("cli manifest");
	TCase *tc = tcase_create("manifest");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rows_reach_the_index_and_the_claims);
	tcase_add_test(tc, unusable_manifest_is_a_usage_error);
	tcase_add_test(tc, reingest_with_a_manifest_updates_the_date);
	suite_add_tcase(s, tc);
	return s;
}
