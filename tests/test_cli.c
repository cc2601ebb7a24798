/*
 * test_cli.c — end-to-end tests of the claimdex binary: every command on
 * the bundled samples and on fixtures written for these tests, the JSON
 * Lines contract, exit codes, and failure paths (missing file, empty file,
 * invalid UTF-8, unreadable folder, a folder that is not an index).
 *
 * The binary is found through $CLAIMDEX_BIN (meson sets it). Each test
 * works in a fresh temporary folder.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cliutil.h"
#include "testutil.h"

static char tmpdir[256];

/* Run claimdex in this test's folder: run(STDIN_PATH or NULL, ARGS..., NULL). */
#define run(...) cdx_test_run(tmpdir, __VA_ARGS__)

static void setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/cdx-cli-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[400];

	snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s'; rm -rf '%s'", tmpdir,
	         tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *path_in(char *buf, size_t cap, const char *dir,
                           const char *name)
{
	snprintf(buf, cap, "%s/%s", dir, name);
	return buf;
}

static const char *fixture(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s/cli/%s", cdx_test_data(), name);
	return buf;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* ------------------------------------------------------------ help */

static const char *const commands[] = {
	"ingest", "search", "claims", "entities", "extract",
	"show",   "delete", "stats",  "check",
};

START_TEST(every_command_has_help)
{
	struct cdx_run o = run(NULL, commands[_i], "--help", NULL);

	ck_assert_int_eq(o.status, 0);
	ck_assert_msg(strstr(o.out, "usage: claimdex") != NULL,
	              "%s --help printed: %s", commands[_i], o.out);
	cdx_run_free(&o);
}
END_TEST

START_TEST(usage_errors_exit_2)
{
	struct cdx_run o = run(NULL, NULL);
	ck_assert_int_eq(o.status, 2);
	cdx_run_free(&o);
	o = run(NULL, "frobnicate", NULL);
	ck_assert_int_eq(o.status, 2);
	ck_assert_ptr_nonnull(strstr(o.err, "unknown command 'frobnicate'"));
	cdx_run_free(&o);
	o = run(NULL, "ingest", NULL);
	ck_assert_int_eq(o.status, 2);
	cdx_run_free(&o);
	o = run(NULL, "--db", tmpdir, "claims", "--kind", "bogus", NULL);
	ck_assert_int_eq(o.status, 2);
	ck_assert_ptr_nonnull(strstr(o.err, "unknown kind 'bogus'"));
	cdx_run_free(&o);
	o = run(NULL, "search", "--limit", "x", "cobalt", NULL);
	ck_assert_int_eq(o.status, 2);
	cdx_run_free(&o);
	o = run(NULL, "--bogus", "stats", NULL);
	ck_assert_int_eq(o.status, 2);
	cdx_run_free(&o);
}
END_TEST

/* ---------------------------------------------------------- extract */

START_TEST(extract_json_follows_the_contract)
{
	char f[512];
	struct cdx_run o = run(NULL, "extract", "--json",
	                   fixture(f, sizeof f, "cobalt-note.txt"), NULL);

	ck_assert_int_eq(o.status, 0);
	ck_assert_uint_ge(count_lines(o.out), 3);
	/* the fields claims.md names, in every record */
	ck_assert_ptr_nonnull(strstr(o.out, "\"doc\":\""));
	ck_assert_ptr_nonnull(strstr(o.out, "\"kind\":\"percent\""));
	ck_assert_ptr_nonnull(strstr(o.out, "\"kind\":\"mass\""));
	ck_assert_ptr_nonnull(strstr(o.out, "\"kind\":\"money\""));
	ck_assert_ptr_nonnull(strstr(o.out, "\"text\":\"roughly 74 percent\""));
	ck_assert_ptr_nonnull(strstr(o.out, "\"qualifier\":\"approx\""));
	ck_assert_ptr_nonnull(strstr(o.out, "\"value\":1200000000"));
	ck_assert_ptr_nonnull(strstr(o.out, "\"unit\":\"USD\""));
	ck_assert_ptr_nonnull(strstr(o.out, "\"text\":\"more than 70%\""));
	ck_assert_ptr_nonnull(strstr(o.out, "\"sentence\":\""));
	ck_assert_ptr_nonnull(strstr(o.out, "\"value_max\":null"));
	cdx_run_free(&o);
}
END_TEST

START_TEST(extract_offsets_are_file_bytes)
{
	char f[512], *text, needle[64];
	struct cdx_run o = run(NULL, "extract", "--json",
	                   fixture(f, sizeof f, "cobalt-note.txt"), NULL);
	const char *p = strstr(o.out, "\"text\":\"$1.2 billion\"");
	unsigned start = 0;

	ck_assert_ptr_nonnull(p);
	/* find this record's start: it precedes "text" in the record */
	while (p > o.out && p[-1] != '\n')
		p--;
	ck_assert_int_eq(sscanf(strstr(p, "\"start\":"), "\"start\":%u", &start),
	                 1);
	text = cdx_test_slurp(f);
	snprintf(needle, sizeof needle, "$1.2 billion");
	ck_assert_int_eq(strncmp(text + start, needle, strlen(needle)), 0);
	free(text);
	cdx_run_free(&o);
}
END_TEST

START_TEST(extract_html_drops_script_nav_footer)
{
	char f[512];
	struct cdx_run o = run(NULL, "extract", "--json",
	                   fixture(f, sizeof f, "graphite-page.html"), NULL);

	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "\"text\":\"93.5%\""));
	ck_assert_ptr_null(strstr(o.out, "42%"));
	ck_assert_ptr_null(strstr(o.out, "12%"));
	ck_assert_ptr_null(strstr(o.out, "93.5 percent of nothing"));
	cdx_run_free(&o);
}
END_TEST

/* Figures that wrap across lines (flattened tables, hard-wrapped text)
 * print on one line in the tables people read; JSON keeps the bytes. */
START_TEST(tables_print_wrapped_figures_on_one_line)
{
	char f[512], db[512];
	struct cdx_run o = run(NULL, "extract", fixture(f, sizeof f, "wrapped.txt"),
	                       NULL);

	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "\"more than 70 percent\""));
	cdx_run_free(&o);
	o = run(NULL, "extract", "--json", f, NULL);
	ck_assert_ptr_nonnull(strstr(o.out, "\"text\":\"more than 70\\npercent\""));
	cdx_run_free(&o);
	path_in(db, sizeof db, tmpdir, "w.db");
	o = run(NULL, "--db", db, "ingest", f, NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
	o = run(NULL, "--db", db, "claims", NULL);
	ck_assert_ptr_nonnull(strstr(o.out, "more than 70 percent"));
	cdx_run_free(&o);
}
END_TEST

START_TEST(extract_reads_stdin)
{
	char f[512];
	struct cdx_run o = run(fixture(f, sizeof f, "cobalt-note.txt"), "extract",
	                   "--json", "-", NULL);

	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "\"text\":\"$1.2 billion\""));
	cdx_run_free(&o);
}
END_TEST

/* ------------------------------------------------- ingest and query */

static void ingest_samples(const char *db)
{
	char samples[512];
	struct cdx_run o;

	snprintf(samples, sizeof samples, "%s/corpus/samples", CDX_SOURCE_ROOT);
	o = run(NULL, "--db", db, "ingest", samples, NULL);
	ck_assert_msg(o.status == 0, "ingest exited %d: %s", o.status, o.err);
	ck_assert_ptr_nonnull(strstr(o.out, "ingested "));
	cdx_run_free(&o);
}

START_TEST(ingest_samples_then_query)
{
	char db[512];
	struct cdx_run o;

	path_in(db, sizeof db, tmpdir, "x.db");
	ingest_samples(db);

	o = run(NULL, "--db", db, "stats", "--json", NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_null(strstr(o.out, "\"documents\":0,"));
	ck_assert_ptr_null(strstr(o.out, "\"claims\":0,"));
	cdx_run_free(&o);

	o = run(NULL, "--db", db, "search", "--json", "rare", "earth", NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_uint_ge(count_lines(o.out), 1);
	ck_assert_ptr_nonnull(strstr(o.out, "\"score\":"));
	ck_assert_ptr_nonnull(strstr(o.out, "\"snippet\":\""));
	ck_assert(strstr(o.out, "[rare]") || strstr(o.out, "[Rare]"));
	cdx_run_free(&o);

	o = run(NULL, "--db", db, "search", "--json", "--no-snippets", "rare",
	        "earth", NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "\"snippet\":null"));
	ck_assert_ptr_null(strstr(o.out, "[rare]"));
	cdx_run_free(&o);

	o = run(NULL, "--db", db, "claims", "--json", "--entity", "Beijing",
	        "--kind", "percent", NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_uint_ge(count_lines(o.out), 1);
	ck_assert_ptr_nonnull(strstr(o.out, "\"subject\":\"China\""));
	ck_assert_ptr_null(strstr(o.out, "\"kind\":\"money\""));
	cdx_run_free(&o);

	o = run(NULL, "--db", db, "claims", NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "China ("));
	cdx_run_free(&o);

	o = run(NULL, "--db", db, "entities", NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "China"));
	cdx_run_free(&o);

	o = run(NULL, "--db", db, "check", NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);

	o = run(NULL, "--db", db, "show", "1", NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "\u00ab"));
	cdx_run_free(&o);

	o = run(NULL, "--db", db, "show", "no-such-doc", NULL);
	ck_assert_int_ne(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.err, "no-such-doc"));
	cdx_run_free(&o);

	/* a second ingest of the same files changes nothing */
	ingest_samples(db);
	o = run(NULL, "--db", db, "check", NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
}
END_TEST

START_TEST(duplicate_content_is_skipped)
{
	char db[512], a[512], b[512];
	struct cdx_run o;

	path_in(db, sizeof db, tmpdir, "d.db");
	o = run(NULL, "--db", db, "ingest", fixture(a, sizeof a, "cobalt-note.txt"),
	        fixture(b, sizeof b, "cobalt-copy.txt"), NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "1 duplicates"));
	ck_assert_ptr_nonnull(strstr(o.err, "cobalt-copy.txt"));
	cdx_run_free(&o);
	o = run(NULL, "--db", db, "stats", "--json", NULL);
	ck_assert_ptr_nonnull(strstr(o.out, "\"documents\":1,"));
	cdx_run_free(&o);
	o = run(NULL, "--db", db, "delete", a, NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
	o = run(NULL, "--db", db, "stats", "--json", NULL);
	ck_assert_ptr_nonnull(strstr(o.out, "\"documents\":0,"));
	cdx_run_free(&o);
	o = run(NULL, "--db", db, "delete", a, NULL);
	ck_assert_int_eq(o.status, 1);
	cdx_run_free(&o);
}
END_TEST

/* ---------------------------------------------------- failure paths */

START_TEST(missing_file_rejected_rest_indexed)
{
	char db[512], good[512], missing[512];
	struct cdx_run o;

	path_in(db, sizeof db, tmpdir, "m.db");
	path_in(missing, sizeof missing, tmpdir, "nope.txt");
	o = run(NULL, "--db", db, "ingest", missing,
	        fixture(good, sizeof good, "cobalt-note.txt"), NULL);
	ck_assert_int_eq(o.status, 1);
	ck_assert_ptr_nonnull(strstr(o.err, "nope.txt"));
	cdx_run_free(&o);
	o = run(NULL, "--db", db, "stats", "--json", NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "\"documents\":1,"));
	cdx_run_free(&o);
}
END_TEST

START_TEST(empty_file_rejected)
{
	char db[512], f[512];
	struct cdx_run o;

	path_in(db, sizeof db, tmpdir, "e.db");
	o = run(NULL, "--db", db, "ingest", fixture(f, sizeof f, "empty.txt"),
	        NULL);
	ck_assert_int_eq(o.status, 1);
	ck_assert_ptr_nonnull(strstr(o.err, "empty.txt"));
	ck_assert_ptr_nonnull(strstr(o.err, "empty"));
	cdx_run_free(&o);
}
END_TEST

START_TEST(invalid_utf8_repaired_with_warning)
{
	char db[512], f[512];
	struct cdx_run o;

	path_in(db, sizeof db, tmpdir, "u.db");
	o = run(NULL, "--db", db, "ingest", fixture(f, sizeof f, "bad-utf8.txt"),
	        NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.err, "warning"));
	ck_assert_ptr_nonnull(strstr(o.err, "byte"));
	ck_assert_ptr_nonnull(strstr(o.err, "bad-utf8.txt"));
	/* one repair warning, not one per layer that saw it */
	ck_assert_ptr_null(strstr(strstr(o.err, "warning") + 1, "warning"));
	cdx_run_free(&o);
	o = run(NULL, "--db", db, "claims", "--json", NULL);
	ck_assert_ptr_nonnull(strstr(o.out, "\"text\":\"20%\""));
	cdx_run_free(&o);
}
END_TEST

START_TEST(unreadable_folder_rejected)
{
	char db[512], dir[512], f[512], sub[512], link[512];
	struct cdx_run o;

	path_in(db, sizeof db, tmpdir, "r.db");
	path_in(dir, sizeof dir, tmpdir, "in");
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	path_in(sub, sizeof sub, dir, "locked");
	ck_assert_int_eq(mkdir(sub, 0), 0);
	/* root reads a mode-0 folder anyway; a dangling link is unreadable
	 * for everyone, so the test fails the walk either way */
	path_in(link, sizeof link, dir, "dangling.txt");
	ck_assert_int_eq(symlink("/nonexistent/cdx", link), 0);
	path_in(f, sizeof f, dir, "ok.txt");
	{
		FILE *fp = fopen(f, "w");
		ck_assert_ptr_nonnull(fp);
		fputs("Chile mined 44,000 tons of lithium, about 24 percent.\n", fp);
		fclose(fp);
	}
	o = run(NULL, "--db", db, "ingest", dir, NULL);
	ck_assert_int_eq(o.status, 1);
	ck_assert_ptr_nonnull(strstr(o.err, "dangling.txt"));
	if (geteuid() != 0)
		ck_assert_ptr_nonnull(strstr(o.err, "locked"));
	cdx_run_free(&o);
	o = run(NULL, "--db", db, "stats", "--json", NULL);
	ck_assert_ptr_nonnull(strstr(o.out, "\"documents\":1,"));
	cdx_run_free(&o);
}
END_TEST

START_TEST(folder_that_is_not_an_index)
{
	char db[512], f[512];
	struct cdx_run o;
	FILE *fp;

	path_in(db, sizeof db, tmpdir, "notindex");
	ck_assert_int_eq(mkdir(db, 0755), 0);
	path_in(f, sizeof f, db, "data.mdb");
	fp = fopen(f, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("this is not an LMDB file, just some text that is long enough "
	      "to look like a header of something else entirely.\n",
	      fp);
	fclose(fp);
	o = run(NULL, "--db", db, "stats", NULL);
	ck_assert_int_eq(o.status, 3);
	ck_assert_ptr_nonnull(strstr(o.err, "notindex"));
	cdx_run_free(&o);
	o = run(NULL, "--db", db, "ingest", fixture(f, sizeof f, "cobalt-note.txt"),
	        NULL);
	ck_assert_int_eq(o.status, 3);
	cdx_run_free(&o);
}
END_TEST

START_TEST(max_size_rejects_large_files)
{
	char db[512], big[512], small[512];
	struct cdx_run o;

	path_in(db, sizeof db, tmpdir, "s.db");
	/* cobalt-note.txt is over 200 bytes, bad-utf8.txt under it */
	o = run(NULL, "--db", db, "ingest", "--max-size", "200",
	        fixture(big, sizeof big, "cobalt-note.txt"),
	        fixture(small, sizeof small, "bad-utf8.txt"), NULL);
	ck_assert_int_eq(o.status, 1);
	ck_assert_ptr_nonnull(strstr(o.err, "cobalt-note.txt"));
	ck_assert_ptr_nonnull(strstr(o.err, "limit"));
	cdx_run_free(&o);
	o = run(NULL, "--db", db, "stats", "--json", NULL);
	ck_assert_ptr_nonnull(strstr(o.out, "\"documents\":1,"));
	cdx_run_free(&o);
	o = run(NULL, "--db", db, "ingest", "--max-size", "lots", small, NULL);
	ck_assert_int_eq(o.status, 2);
	ck_assert_ptr_nonnull(strstr(o.err, "--max-size"));
	cdx_run_free(&o);
	o = run(NULL, "--db", db, "ingest", "--max-size", "1K", small, NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
}
END_TEST

START_TEST(missing_index_exit_3)
{
	char db[512];
	struct cdx_run o;

	path_in(db, sizeof db, tmpdir, "absent.db");
	o = run(NULL, "--db", db, "search", "cobalt", NULL);
	ck_assert_int_eq(o.status, 3);
	ck_assert_ptr_nonnull(strstr(o.err, "absent.db"));
	cdx_run_free(&o);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc;

	tc = tcase_create("help and usage");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, every_command_has_help, 0,
	                    (int)(sizeof commands / sizeof commands[0]));
	tcase_add_test(tc, usage_errors_exit_2);
	suite_add_tcase(s, tc);

	tc = tcase_create("extract prints the claims contract");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, extract_json_follows_the_contract);
	tcase_add_test(tc, extract_offsets_are_file_bytes);
	tcase_add_test(tc, extract_html_drops_script_nav_footer);
	tcase_add_test(tc, extract_reads_stdin);
	tcase_add_test(tc, tables_print_wrapped_figures_on_one_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("ingest and query the samples");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, ingest_samples_then_query);
	tcase_add_test(tc, duplicate_content_is_skipped);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad input is reported and loses nothing");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, missing_file_rejected_rest_indexed);
	tcase_add_test(tc, empty_file_rejected);
	tcase_add_test(tc, invalid_utf8_repaired_with_warning);
	tcase_add_test(tc, unreadable_folder_rejected);
	tcase_add_test(tc, folder_that_is_not_an_index);
	tcase_add_test(tc, missing_index_exit_3);
	tcase_add_test(tc, max_size_rejects_large_files);
	suite_add_tcase(s, tc);
	return s;
}
