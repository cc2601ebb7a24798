/*
 * test_robust_cli.c — hostile inputs end to end through `claimdex
 * ingest`: every bad file gets one line naming it, the good ones are
 * indexed, what the index held before is untouched, the exit status is 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_robust.h"
#include "testutil.h"

static char tmpdir[256];

static void setup(void)
{
	robust_tmp_new(tmpdir);
}

static void teardown(void)
{
	robust_tmp_remove(tmpdir);
}

/* Lines of @p s that contain @p what. */
static int lines_with(const char *s, const char *what)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, what)) != NULL; p++)
		n++;
	return n;
}

/* The rejected fixtures of tests/data/robust and what their line says. */
static const struct {
	const char *name;
	const char *why;
} rejected[] = {
	{"fake-pdf.html", "binary file, not text (PDF signature at byte 0)"},
	{"control.txt", "binary file, not text (control byte 0x01 at byte 0)"},
};

START_TEST(hostile_folder_rejects_only_the_bad_files)
{
	char db[300], good[1024], dir[1024], line[1200];
	struct cdx_run o;

	snprintf(db, sizeof db, "%s/db", tmpdir);
	snprintf(good, sizeof good, "%s/robust/good.txt", cdx_test_data());
	o = robust_cli(tmpdir, "--db", db, "ingest", good, NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);

	snprintf(dir, sizeof dir, "%s/robust", cdx_test_data());
	o = robust_cli(tmpdir, "--db", db, "ingest", dir, NULL);
	ck_assert_msg(o.status == 1, "status %d, stderr: %s", o.status, o.err);
	for (size_t i = 0; i < sizeof rejected / sizeof rejected[0]; i++) {
		snprintf(line, sizeof line, "claimdex: '%s/%s': %s\n", dir,
		         rejected[i].name, rejected[i].why);
		ck_assert_msg(strstr(o.err, line) != NULL, "no line '%s' in %s",
		              line, o.err);
		ck_assert_int_eq(lines_with(o.err, rejected[i].name), 1);
	}
	ck_assert_ptr_nonnull(strstr(o.out, "; 2 inputs rejected"));
	/* good.txt was already there: unchanged, not a second copy */
	ck_assert_ptr_nonnull(strstr(o.out, "1 unchanged"));
	cdx_run_free(&o);

	o = robust_cli(tmpdir, "--db", db, "check", NULL);
	ck_assert_msg(o.status == 0, "check: %s", o.err);
	cdx_run_free(&o);
	/* the readable parts of the hostile files are searchable */
	o = robust_cli(tmpdir, "--db", db, "search", "Uranium", NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "billion-laughs.xml"));
	cdx_run_free(&o);
	o = robust_cli(tmpdir, "--db", db, "search", "zinc", "2022", NULL);
	ck_assert_ptr_nonnull(strstr(o.out, "broken.rss#3"));
	cdx_run_free(&o);
	o = robust_cli(tmpdir, "--db", db, "show", good, NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "Cobalt output in Congo"));
	cdx_run_free(&o);
}
END_TEST

START_TEST(xxe_never_reaches_the_index)
{
	char db[300], f[1024];
	struct cdx_run o;

	snprintf(db, sizeof db, "%s/db", tmpdir);
	snprintf(f, sizeof f, "%s/robust/xxe.xml", cdx_test_data());
	o = robust_cli(tmpdir, "--db", db, "ingest", f, NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
	o = robust_cli(tmpdir, "--db", db, "show", f, NULL);
	ck_assert_ptr_nonnull(strstr(o.out, "Platinum output rose"));
	ck_assert_ptr_null(strstr(o.out, "root:"));
	cdx_run_free(&o);
}
END_TEST

void robust_add_cli_cases(Suite *s)
{
	TCase *tc = tcase_create("bad input through the CLI");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, hostile_folder_rejects_only_the_bad_files);
	tcase_add_test(tc, xxe_never_reaches_the_index);
	suite_add_tcase(s, tc);
}
