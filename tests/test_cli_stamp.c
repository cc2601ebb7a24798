/*
 * test_cli_stamp.c — `ingest` skips a regular file it ingested whole
 * before, unread, while the file's size, times and inode and everything
 * else that decides its documents are as they were (cli/stamp.c,
 * indexer/stamp.c).
 *
 * "Unread" is proved by what reading says: a file that is not UTF-8 gets
 * a warning each time it is read, and a copy of another file is reported
 * as a duplicate each time; a skipped file says neither, yet the summary
 * counts its documents as unchanged (or duplicates) as before. The tests
 * run as root, whose reads file modes do not stop, so a chmod 000 would
 * prove nothing. Changed files, other data or options, deletes, a
 * duplicate's original replaced in the same run (the second pass),
 * rejected files, standard input and URL-named items are read again.
 *
 * The binary is $CLAIMDEX_BIN (meson sets it); each test works in a
 * fresh temporary folder.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cliutil.h"
#include "testutil.h"

static char tmpdir[256];
static char db[512], in[512];

#define run(...) cdx_test_run(tmpdir, NULL, __VA_ARGS__)

#define WARN_UTF8 "not UTF-8"
#define WARN_DUP "same content as a document already indexed"

static void setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/cdx-stamp-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(db, sizeof db, "%s/db", tmpdir);
	snprintf(in, sizeof in, "%s/in", tmpdir);
	ck_assert_int_eq(mkdir(in, 0755), 0);
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Write @p text to in/@p name (or append); its path in @p path. */
static const char *put(const char *name, const char *text, int append)
{
	static char path[600];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", in, name);
	f = fopen(path, append ? "a" : "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Four files: two articles, a copy of the first (a duplicate) and one in
 * Windows-1252 (a warning each time it is read). */
static void corpus(void)
{
	put("a.txt", "Chile mined 44,000 tons of copper in 2023, about 24 "
	    "percent of the world's copper.\n", 0);
	put("b.txt", "Peru mined 10 tons of gold in 2022, about 5 percent of "
	    "the world's gold.\n", 0);
	put("copy.txt", "Chile mined 44,000 tons of copper in 2023, about 24 "
	    "percent of the world's copper.\n", 0);
	put("w.txt", "Bolivia mined 600 tons of tin \xe9 in 2021, about 2 "
	    "percent more.\n", 0);
}

/* `ingest` with @p a1, @p a2 (may be NULL) before the input folder;
 * status @p status; its summary holds @p want. */
static struct cdx_run ingest(const char *a1, const char *a2, int status,
                             const char *want)
{
	struct cdx_run o;

	if (a2)
		o = run("--db", db, "ingest", a1, a2, in, NULL);
	else if (a1)
		o = run("--db", db, "ingest", a1, in, NULL);
	else
		o = run("--db", db, "ingest", in, NULL);
	ck_assert_msg(o.status == status, "status %d: %s", o.status, o.err);
	ck_assert_msg(strstr(o.out, want) != NULL, "want '%s' in: %s", want,
	              o.out);
	return o;
}

static void assert_read(const struct cdx_run *o, const char *what, int yes)
{
	ck_assert_msg((strstr(o->err, what) != NULL) == yes,
	              "'%s' %s expected in: %s", what, yes ? "" : "not",
	              o->err);
}

static void assert_sound(void)
{
	struct cdx_run o = run("--db", db, "check", NULL);

	ck_assert_msg(o.status == 0, "check: %s%s", o.out, o.err);
	cdx_run_free(&o);
}

START_TEST(unchanged_files_skipped_unread)
{
	struct cdx_run o;

	corpus();
	o = ingest(NULL, NULL, 0, "3 new, 0 replaced, 0 unchanged, "
	           "1 duplicates");
	assert_read(&o, WARN_UTF8, 1);
	assert_read(&o, WARN_DUP, 1);
	cdx_run_free(&o);
	/* nothing said: not read; counted as before */
	o = ingest("--threads", "1", 0, "ingested 4 documents from 4 files");
	ck_assert_ptr_nonnull(strstr(o.out, "0 new, 0 replaced, 3 unchanged, "
	                                    "1 duplicates; 0 claims"));
	assert_read(&o, WARN_UTF8, 0);
	assert_read(&o, WARN_DUP, 0);
	cdx_run_free(&o);
	o = ingest("--threads", "2", 0, "0 new, 0 replaced, 3 unchanged, "
	           "1 duplicates");
	assert_read(&o, WARN_UTF8, 0);
	cdx_run_free(&o);
	/* --rescan reads all again */
	o = ingest("--rescan", NULL, 0, "0 new, 0 replaced, 3 unchanged, "
	           "1 duplicates");
	assert_read(&o, WARN_UTF8, 1);
	assert_read(&o, WARN_DUP, 1);
	cdx_run_free(&o);
	assert_sound();
}
END_TEST

/* Another size, another mtime: read again (and replaced when the text
 * changed); stamped anew, then skipped. */
START_TEST(changed_files_read_again)
{
	struct timespec ts[2] = {{0, UTIME_OMIT}, {1600000000, 0}};
	struct cdx_run o;

	corpus();
	o = ingest(NULL, NULL, 0, "3 new");
	cdx_run_free(&o);
	put("b.txt", "Later, Peru mined 12 tons of gold.\n", 1);
	ck_assert_int_eq(utimensat(AT_FDCWD, put("w.txt", "", 1), ts, 0), 0);
	o = ingest(NULL, NULL, 0, "0 new, 1 replaced, 2 unchanged, "
	           "1 duplicates");
	assert_read(&o, WARN_UTF8, 1); /* only touched: read, unchanged */
	assert_read(&o, WARN_DUP, 1);  /* b's old text went: a
	                                  duplicate's stamp too */
	cdx_run_free(&o);
	o = ingest(NULL, NULL, 0, "0 new, 0 replaced, 3 unchanged, "
	           "1 duplicates");
	assert_read(&o, WARN_UTF8, 0);
	assert_read(&o, WARN_DUP, 0);
	cdx_run_free(&o);
	assert_sound();
}
END_TEST

/* Content rewritten with size and mtime put back: the kernel still moves
 * st_ctim, so the file is read again and replaced. (What a skip would
 * keep, were ctime not stamped: the old text.) */
START_TEST(times_restored_still_read)
{
	struct stat st;
	struct timespec ts[2];
	const char *a;
	struct cdx_run o;

	corpus();
	o = ingest(NULL, NULL, 0, "3 new");
	cdx_run_free(&o);
	a = put("a.txt", "", 1);
	ck_assert_int_eq(stat(a, &st), 0);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	put("a.txt", "Chile mined 55,000 tons of copper in 2023, about 24 "
	    "percent of the world's copper.\n", 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, a, ts, 0), 0);
	{
		struct stat now;

		ck_assert_int_eq(stat(a, &now), 0);
		ck_assert_int_eq(now.st_size, st.st_size);
		ck_assert_int_eq(now.st_mtim.tv_nsec, st.st_mtim.tv_nsec);
	}
	/* copy.txt, skipped by the reader as a duplicate of a's old text,
	 * lost its stamp when a was replaced: read in a second pass, new */
	o = ingest(NULL, NULL, 0, "1 new, 1 replaced, 2 unchanged, "
	           "0 duplicates");
	cdx_run_free(&o);
	o = run("--db", db, "search", "55,000", NULL);
	ck_assert_msg(strstr(o.out, "a.txt") != NULL, "%s", o.out);
	cdx_run_free(&o);
	assert_sound();
}
END_TEST

/* Other extractor data, another --part-size: every file read again. */
START_TEST(other_fingerprint_read_again)
{
	char data[600], cmd[1400];
	struct cdx_run o;

	corpus();
	o = ingest(NULL, NULL, 0, "3 new");
	cdx_run_free(&o);
	snprintf(data, sizeof data, "%s/data", tmpdir);
	snprintf(cmd, sizeof cmd, "cp -r '%s/extractors/data' '%s' && "
	         "echo '# one more comment' >> '%s/words.tsv'",
	         CDX_SOURCE_ROOT, data, data);
	ck_assert_int_eq(system(cmd), 0);
	o = run("--db", db, "--data", data, "ingest", in, NULL);
	ck_assert_msg(o.status == 0, "%s", o.err);
	ck_assert_ptr_nonnull(strstr(o.out, "0 new, 0 replaced, 3 unchanged"));
	assert_read(&o, WARN_UTF8, 1);
	cdx_run_free(&o);
	o = run("--db", db, "--data", data, "ingest", in, NULL);
	assert_read(&o, WARN_UTF8, 0);
	cdx_run_free(&o);
	o = ingest("--part-size", "2K", 0, "3 unchanged");
	assert_read(&o, WARN_UTF8, 1);
	cdx_run_free(&o);
	o = ingest("--part-size", "2K", 0, "3 unchanged");
	assert_read(&o, WARN_UTF8, 0);
	cdx_run_free(&o);
}
END_TEST

/* A deleted document comes back with the next ingest: a file's, and an
 * item of a collection (its file's stamp goes with it). */
START_TEST(deleted_documents_come_back)
{
	char src[700];
	struct cdx_run o;

	corpus();
	put("c.jsonl", "{\"text\": \"Gold rose 5 percent in 2020.\"}\n"
	    "{\"text\": \"Silver fell 3 percent in 2021.\"}\n", 0);
	o = ingest(NULL, NULL, 0, "5 new");
	cdx_run_free(&o);
	snprintf(src, sizeof src, "%s/b.txt", in);
	o = run("--db", db, "delete", src, NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
	snprintf(src, sizeof src, "%s/c.jsonl#2", in);
	o = run("--db", db, "delete", src, NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
	assert_sound();
	o = ingest(NULL, NULL, 0, "2 new, 0 replaced, 3 unchanged");
	cdx_run_free(&o);
	o = run("--db", db, "show", src, NULL);
	ck_assert_msg(o.status == 0, "%s", o.err);
	cdx_run_free(&o);
	o = ingest(NULL, NULL, 0, "0 new, 0 replaced, 5 unchanged");
	assert_read(&o, WARN_UTF8, 0);
	cdx_run_free(&o);
	assert_sound();
}
END_TEST

/* A rejected file is not stamped: the next ingest tries it again; nor
 * is standard input. */
START_TEST(rejected_and_stdin_not_stamped)
{
	char big[3000], w[600];
	struct cdx_run o;

	memset(big, 'x', sizeof big - 2);
	big[sizeof big - 2] = '\n';
	big[sizeof big - 1] = '\0';
	corpus();
	put("big.txt", big, 0);
	for (int i = 0; i < 2; i++) {
		o = ingest("--max-size", "2K", 1, "1 inputs rejected");
		assert_read(&o, "big.txt", 1);
		cdx_run_free(&o);
	}
	snprintf(w, sizeof w, "%s/w.txt", in);
	for (int i = 0; i < 2; i++) {
		o = cdx_test_run(tmpdir, w, "--db", db, "ingest", "-", NULL);
		ck_assert_int_eq(o.status, 0);
		assert_read(&o, WARN_UTF8, 1);
		cdx_run_free(&o);
	}
	assert_sound();
}
END_TEST

/* A file named on the command line is skipped too (fstat() of its
 * descriptor); a folder's entry is stat()ed before it is opened. */
START_TEST(command_line_file_skipped)
{
	char w[600];
	struct cdx_run o;

	corpus();
	snprintf(w, sizeof w, "%s/w.txt", in);
	for (int i = 0; i < 2; i++) {
		o = run("--db", db, "ingest", w, NULL);
		ck_assert_int_eq(o.status, 0);
		ck_assert_ptr_nonnull(strstr(o.out, i ? "0 new, 0 replaced, "
		                             "1 unchanged" : "1 new"));
		assert_read(&o, WARN_UTF8, i == 0);
		cdx_run_free(&o);
	}
	/* the folder holding it: the others read, it skipped */
	o = ingest(NULL, NULL, 0, "2 new, 0 replaced, 1 unchanged, "
	           "1 duplicates");
	assert_read(&o, WARN_UTF8, 0);
	cdx_run_free(&o);
	assert_sound();
}
END_TEST

/* Items named by their URL name no file: a removal or replacement of one
 * could not drop the file's stamp, so such files are never stamped. */
START_TEST(url_items_not_stamped)
{
	char f1[600], f2[600];
	struct cdx_run o;

	snprintf(f1, sizeof f1, "%s/f1.jsonl", in);
	snprintf(f2, sizeof f2, "%s/f2.jsonl", tmpdir);
	put("f1.jsonl", "{\"url\": \"https://example.org/1\", \"text\": "
	    "\"Gold output rose 5 percent in 2020.\"}\n", 0);
	{
		FILE *f = fopen(f2, "w");

		ck_assert_ptr_nonnull(f);
		fputs("{\"url\": \"https://example.org/1\", \"text\": "
		      "\"Gold output fell 5 percent in 2020.\"}\n", f);
		fclose(f);
	}
	o = run("--db", db, "ingest", f1, NULL);
	ck_assert_ptr_nonnull(strstr(o.out, "1 new"));
	cdx_run_free(&o);
	o = run("--db", db, "ingest", f2, NULL);
	ck_assert_ptr_nonnull(strstr(o.out, "1 replaced"));
	cdx_run_free(&o);
	/* f1 unchanged on disk, its item not: read, replaced back */
	o = run("--db", db, "ingest", f1, NULL);
	ck_assert_msg(strstr(o.out, "0 new, 1 replaced") != NULL, "%s", o.out);
	cdx_run_free(&o);
	o = run("--db", db, "delete", "https://example.org/1", NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
	o = run("--db", db, "ingest", f1, NULL);
	ck_assert_msg(strstr(o.out, "1 new") != NULL, "%s", o.out);
	cdx_run_free(&o);
	assert_sound();
}
END_TEST

Suite *cli_stamp_suite(void)
{
	Suite *s = suite_create("cli stamp");
	TCase *tc = tcase_create("re-ingest skips unchanged files");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unchanged_files_skipped_unread);
	tcase_add_test(tc, changed_files_read_again);
	tcase_add_test(tc, times_restored_still_read);
	tcase_add_test(tc, other_fingerprint_read_again);
	tcase_add_test(tc, deleted_documents_come_back);
	tcase_add_test(tc, rejected_and_stdin_not_stamped);
	tcase_add_test(tc, command_line_file_skipped);
	tcase_add_test(tc, url_items_not_stamped);
	suite_add_tcase(s, tc);
	return s;
}
