/*
 * test_cli_ingest.c — the ingest pipeline seen from the binary: the index,
 * the messages and the extract output are the same whatever --threads;
 * a reader process running `search` and `claims` while an ingest writes
 * never fails; the progress line appears only when stderr is a terminal
 * and never with --quiet; bad --threads values are usage errors; inputs
 * read while the extractor loads (cli/preread.c) print nothing and
 * create no index when the extractor or the index cannot be had.
 *
 * The corpora are generated here (made-up sentences about made-up
 * quantities), so nothing depends on ../shared. The binary is found
 * through $CLAIMDEX_BIN (meson sets it); each test works in a fresh
 * temporary folder.
 */
#define _XOPEN_SOURCE 700 /* posix_openpt and friends */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cliutil.h"
#include "testutil.h"

static char tmpdir[256];

#define spawn(tag, argv, err_fd) cdx_test_spawn(tmpdir, (tag), NULL, (argv), (err_fd))
#define collect(pid, tag) cdx_test_collect((pid), tmpdir, (tag))

/* Run claimdex with the NULL-terminated arguments; wait for it. */
#define run(...) cdx_test_run(tmpdir, NULL, __VA_ARGS__)

static void setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/cdx-ingest-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *in_tmp(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s/%s", tmpdir, name);
	return buf;
}

/* --------------------------------------------------------- corpora */

static const char *const places[] = {
	"China", "Chile", "Australia", "Argentina", "Indonesia", "Canada",
};
static const char *const metals[] = {
	"cobalt", "lithium", "copper", "nickel", "graphite", "zinc",
};
static const char *const verbs[] = {
	"mined", "refined", "exported", "imported", "shipped", "stockpiled",
};

/* A deterministic pseudo-random number (xorshift), the same on every run. */
static unsigned next_rand(unsigned *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* One made-up article of a few sentences, numbered @p i; @p variant
 * changes every figure, so that re-ingesting it replaces it. */
static void article(FILE *f, unsigned i, unsigned variant, int json)
{
	unsigned s = 2463534242u ^ (i * 2654435761u) ^ variant;
	int sentences = 2 + (int)(next_rand(&s) % 5);

	for (int k = 0; k < sentences; k++) {
		const char *pl = places[next_rand(&s) % 6];
		const char *me = metals[next_rand(&s) % 6];
		const char *ve = verbs[next_rand(&s) % 6];
		unsigned a = next_rand(&s) % 900 + 10 + variant;
		unsigned b = next_rand(&s) % 90 + 1;

		fprintf(f, "%s %s %u,000 tonnes of %s in 20%02u, about %u "
		           "percent of the world total and worth $%u million "
		           "to item%u.%s",
		        pl, ve, a, me, 10 + b % 15, b, a * 3, i,
		        json ? " " : (k % 2 ? "\n\n" : " "));
	}
}

/* Fill folder @p name under tmpdir: n_files text files in two
 * subfolders, a JSON Lines file of n_lines articles, a copy of the first
 * file (a duplicate), and with @p with_bad an empty file (rejected). */
static void make_corpus(const char *name, unsigned n_files, unsigned n_lines,
                        unsigned variant, int with_bad)
{
	char dir[400], path[500];
	FILE *f;

	in_tmp(dir, sizeof dir, name);
	mkdir(dir, 0755);
	for (int d = 0; d < 2; d++) {
		snprintf(path, sizeof path, "%s/part%d", dir, d);
		mkdir(path, 0755);
	}
	for (unsigned i = 0; i < n_files; i++) {
		snprintf(path, sizeof path, "%s/part%u/note-%04u.txt", dir,
		         i % 2, i);
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fprintf(f, "Note %u\n\n", i);
		article(f, i, variant, 0);
		fputc('\n', f);
		fclose(f);
	}
	snprintf(path, sizeof path, "%s/part1/zz-copy.txt", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("Note 0\n\n", f);
	article(f, 0, variant, 0);
	fputc('\n', f);
	fclose(f);
	snprintf(path, sizeof path, "%s/feed.jsonl", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (unsigned i = 0; i < n_lines; i++) {
		fprintf(f, "{\"url\": \"https://example.org/a/%u\", "
		           "\"title\": \"Item %u\", \"date\": \"2024-05-%02u\", "
		           "\"text\": \"",
		        i, i, 1 + i % 28);
		article(f, 100000 + i, variant, 1);
		fputs("\"}\n", f);
	}
	fclose(f);
	if (with_bad) {
		snprintf(path, sizeof path, "%s/part0/empty.txt", dir);
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fclose(f);
	}
}

/* Drop the timing of the summary line ("in 0.12 s (3.4 MB/s)"). */
static void strip_timing(char *s)
{
	char *a = strstr(s, " in "), *b = a ? strstr(a, "MB/s)") : NULL;

	if (b)
		memmove(a, b + 5, strlen(b + 5) + 1);
}

/* Drop "file_bytes" and "map_bytes" from a stats --json line: they are
 * the LMDB file's page count, not the index's content. */
static void strip_sizes(char *s)
{
	char *a = strstr(s, ",\"file_bytes\"");

	if (a) {
		char *b = strchr(a + 1, '}');
		ck_assert_ptr_nonnull(b);
		memmove(a, b, strlen(b) + 1);
	}
}

/* Append @p s to the heap string *all. */
static void append(char **all, const char *s)
{
	size_t n = *all ? strlen(*all) : 0;
	char *p = realloc(*all, n + strlen(s) + 1);

	ck_assert_ptr_nonnull(p);
	strcpy(p + n, s);
	*all = p;
}

/* Everything observable of index @p db, as one string to compare. */
static char *index_dump(const char *db)
{
	static const char *const queries[] = {"cobalt", "china lithium",
	                                      "exported", "item7"};
	char *all = NULL;
	struct cdx_run o;

	o = run("--db", db, "stats", "--json", NULL);
	ck_assert_int_eq(o.status, 0);
	strip_sizes(o.out);
	append(&all, o.out);
	cdx_run_free(&o);
	o = run("--db", db, "claims", "--json", NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_uint_gt(strlen(o.out), 1000);
	append(&all, o.out);
	cdx_run_free(&o);
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
		o = run("--db", db, "search", "--json", "--limit", "20",
		        queries[i], NULL);
		ck_assert_int_eq(o.status, 0);
		append(&all, o.out);
		cdx_run_free(&o);
	}
	return all;
}

/* ------------------------------------------------------ same index */

START_TEST(threads_give_the_same_index)
{
	static const char *const counts[] = {"1", "2", "4"};
	char dir[400], db[400], *dump[3];
	struct cdx_run o[3];

	make_corpus("in", 120, 300, 0, 1);
	in_tmp(dir, sizeof dir, "in");
	for (int i = 0; i < 3; i++) {
		snprintf(db, sizeof db, "%s/db%s", tmpdir, counts[i]);
		o[i] = run("--db", db, "ingest", "--threads", counts[i], dir,
		           NULL);
		/* the empty file is rejected, the rest indexed */
		ck_assert_int_eq(o[i].status, 1);
		strip_timing(o[i].out);
		dump[i] = index_dump(db);
	}
	ck_assert_ptr_nonnull(strstr(o[0].out, "ingested 421 documents"));
	ck_assert_ptr_nonnull(strstr(o[0].out, "1 duplicates"));
	ck_assert_ptr_nonnull(strstr(o[0].err, "empty.txt"));
	ck_assert_ptr_nonnull(strstr(o[0].err, "zz-copy.txt': same content"));
	for (int i = 1; i < 3; i++) {
		ck_assert_str_eq(o[i].out, o[0].out);
		/* messages in input order whatever the thread count */
		ck_assert_str_eq(o[i].err, o[0].err);
		ck_assert_str_eq(dump[i], dump[0]);
	}
	for (int i = 0; i < 3; i++) {
		cdx_run_free(&o[i]);
		free(dump[i]);
	}
}
END_TEST

START_TEST(reingest_with_threads_changes_nothing)
{
	char dir[400], db[400];
	struct cdx_run o;

	make_corpus("in", 40, 60, 0, 0);
	in_tmp(dir, sizeof dir, "in");
	in_tmp(db, sizeof db, "db");
	o = run("--db", db, "ingest", "--threads", "3", dir, NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
	o = run("--db", db, "ingest", "--threads", "3", dir, NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "0 new, 0 replaced, 100 unchanged"));
	cdx_run_free(&o);
}
END_TEST

START_TEST(extract_output_is_the_same_whatever_threads)
{
	char dir[400];
	struct cdx_run a, b;

	make_corpus("in", 30, 80, 1, 1);
	in_tmp(dir, sizeof dir, "in");
	a = run("extract", "--json", "--threads", "1", dir, NULL);
	b = run("extract", "--json", "--threads", "4", dir, NULL);
	ck_assert_int_eq(a.status, 1);
	ck_assert_int_eq(b.status, 1);
	ck_assert_uint_gt(strlen(a.out), 1000);
	ck_assert_str_eq(a.out, b.out);
	ck_assert_str_eq(a.err, b.err);
	cdx_run_free(&a);
	cdx_run_free(&b);
}
END_TEST

/* A text file of @p paras paragraphs, each about 100 bytes with one
 * figure. */
static void paragraphs_file(const char *path, unsigned paras)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	for (unsigned i = 1; i <= paras; i++)
		fprintf(f, "Copper output rose %u percent in the year to March, "
		           "the ministry said on Friday.\n\n", i);
	ck_assert_int_eq(fclose(f), 0);
}

static unsigned long stat_docs(const char *db)
{
	struct cdx_run o = run("--db", db, "stats", NULL);
	const char *at = strstr(o.out, "documents:");
	unsigned long n;

	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(at);
	n = strtoul(at + strlen("documents:"), NULL, 10);
	cdx_run_free(&o);
	return n;
}

/* A file re-ingested with fewer parts, or as one document again, or in
 * parts again, leaves none of its earlier version's documents behind. */
START_TEST(reingest_removes_parts_a_file_no_longer_has)
{
	char file[400], db[400];
	struct cdx_run o;

	in_tmp(file, sizeof file, "long.txt");
	in_tmp(db, sizeof db, "db");
	paragraphs_file(file, 72); /* 72 of 82 bytes: 6 parts of 1K */
	o = run("--db", db, "ingest", "--part-size", "1K", file, NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "6 new"));
	cdx_run_free(&o);
	ck_assert_uint_eq(stat_docs(db), 6);
	/* shorter: parts 1-2 stay, 3 changes, 4-6 go */
	paragraphs_file(file, 25);
	o = run("--db", db, "ingest", "--part-size", "1K", file, NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "3 old parts removed"));
	cdx_run_free(&o);
	ck_assert_uint_eq(stat_docs(db), 3);
	/* one document again: every part goes */
	o = run("--db", db, "ingest", file, NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "1 new"));
	ck_assert_ptr_nonnull(strstr(o.out, "3 old parts removed"));
	cdx_run_free(&o);
	ck_assert_uint_eq(stat_docs(db), 1);
	/* in parts again: the single document goes */
	o = run("--db", db, "ingest", "--part-size", "1K", file, NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "1 old parts removed"));
	cdx_run_free(&o);
	ck_assert_uint_eq(stat_docs(db), 3);
	/* unchanged: nothing to remove */
	o = run("--db", db, "ingest", "--part-size", "1K", file, NULL);
	ck_assert_ptr_nonnull(strstr(o.out, "0 new, 0 replaced, 3 unchanged"));
	ck_assert_ptr_null(strstr(o.out, "removed"));
	cdx_run_free(&o);
	o = run("--db", db, "check", NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
	/* bad sizes are usage errors */
	o = run("--db", db, "ingest", "--part-size", "100", file, NULL);
	ck_assert_int_eq(o.status, 2);
	ck_assert_ptr_nonnull(strstr(o.err, "--part-size"));
	cdx_run_free(&o);
	o = run("--db", db, "ingest", "--part-size", "5M", file, NULL);
	ck_assert_int_eq(o.status, 2);
	cdx_run_free(&o);
}
END_TEST

/* A prepared document's text and a long claims array are freed before
 * the writer sees it, and a worker that worked on a document of 1 MiB or
 * more starts with a new scratch and preparer (cli/pipeline.c): the
 * summary still counts every claim, and the index holds the same claims
 * whatever --threads. */
START_TEST(claims_counted_after_the_inputs_are_dropped)
{
	static const char *const threads[] = {"1", "2", "3"};
	char file[400], big[400], db[400];
	char *first = NULL;
	struct cdx_run o;
	size_t n;
	FILE *f;

	in_tmp(file, sizeof file, "many.txt");
	in_tmp(big, sizeof big, "long.txt");
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	/* one claim a paragraph, more than a slot's array keeps (1024) */
	for (unsigned i = 1; i <= 1500; i++)
		fprintf(f, "Copper output rose %u percent in the year to March, "
		           "the ministry said on Friday.\n\n", i);
	ck_assert_int_eq(fclose(f), 0);
	/* over 1 MiB, one document: claims sparse enough to stay quick */
	f = fopen(big, "w");
	ck_assert_ptr_nonnull(f);
	for (unsigned i = 1; i <= 16000; i++)
		fprintf(f, i % 40 ? "The committee met again on a grey and "
		                    "windy morning by the river.\n\n"
		                  : "Nickel output rose %u percent in the "
		                    "year to March, the ministry said.\n\n",
		        i);
	ck_assert_int_eq(fclose(f), 0);
	for (size_t t = 0; t < 3; t++) {
		snprintf(db, sizeof db, "%s/db%zu", tmpdir, t);
		o = run("--db", db, "ingest", "--threads", threads[t], file,
		        big, NULL);
		ck_assert_int_eq(o.status, 0);
		ck_assert_msg(strstr(o.out, "1900 claims indexed") != NULL,
		              "summary: %s", o.out);
		cdx_run_free(&o);
		o = run("--db", db, "claims", "--json", "--limit", "5000",
		        NULL);
		ck_assert_int_eq(o.status, 0);
		n = 0;
		for (const char *c = o.out; (c = strchr(c, '\n')) != NULL; c++)
			n++;
		ck_assert_uint_eq(n, 1900);
		if (first == NULL)
			first = strdup(o.out);
		else
			ck_assert_str_eq(o.out, first);
		cdx_run_free(&o);
	}
	free(first);
}
END_TEST

START_TEST(bad_thread_counts_are_usage_errors)
{
	static const char *const bad[] = {"0", "65", "x", "-2", ""};
	char db[400];

	in_tmp(db, sizeof db, "db");
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct cdx_run o = run("--db", db, "ingest", "--threads", bad[i],
		                   "/dev/null", NULL);

		ck_assert_int_eq(o.status, 2);
		ck_assert_ptr_nonnull(strstr(o.err, "--threads"));
		cdx_run_free(&o);
	}
	/* nothing was created */
	ck_assert_int_ne(access(db, F_OK), 0);
}
END_TEST

static size_t lines(const char *s)
{
	size_t n = 0;

	for (; (s = strchr(s, '\n')) != NULL; s++)
		n++;
	return n;
}

/* With more than one thread the first inputs are read, and held, while
 * the extractor loads: when it cannot be loaded, or the index cannot be
 * opened, the one error line is all that is printed (not the rejected
 * file's message held before it), whatever --threads, and no index is
 * created. Past the held items' bound (8 MiB) the reader waits for the
 * extractor: the long file takes it there unless the load was quicker,
 * and the index is the same either way, with a text too short for the
 * pipeline to give back (freed where dropped) among them. */
START_TEST(held_inputs_print_nothing_when_the_start_fails)
{
	static const char *const threads[] = {"1", "2", "3"};
	char dir[400], db[400], file[400], big[400], *first = NULL;
	struct cdx_run o;
	FILE *f;

	make_corpus("in", 20, 30, 0, 1);
	in_tmp(dir, sizeof dir, "in");
	in_tmp(big, sizeof big, "in/big.txt");
	paragraphs_file(big, 100000); /* 9 MB, three parts */
	in_tmp(file, sizeof file, "in/tiny.txt");
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("Hi\n", f);
	ck_assert_int_eq(fclose(f), 0);
	in_tmp(file, sizeof file, "not-an-index");
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("x\n", f);
	ck_assert_int_eq(fclose(f), 0);
	for (size_t t = 0; t < 3; t++) {
		snprintf(db, sizeof db, "%s/db%zu", tmpdir, t);
		o = run("--data", "/nonexistent-data", "--db", db, "ingest",
		        "--threads", threads[t], dir, NULL);
		ck_assert_int_eq(o.status, 3);
		ck_assert_ptr_nonnull(strstr(o.err, "cannot load extractor"));
		ck_assert_uint_eq(lines(o.err), 1);
		ck_assert_str_eq(o.out, "");
		cdx_run_free(&o);
		ck_assert_int_ne(access(db, F_OK), 0);
		o = run("--data", "/nonexistent-data", "extract", "--threads",
		        threads[t], dir, NULL);
		ck_assert_int_eq(o.status, 3);
		ck_assert_str_eq(o.out, "");
		ck_assert_uint_eq(lines(o.err), 1);
		cdx_run_free(&o);
		o = run("--db", file, "ingest", "--threads", threads[t], dir,
		        NULL);
		ck_assert_int_eq(o.status, 3);
		ck_assert_ptr_nonnull(strstr(o.err, "not-an-index"));
		ck_assert_uint_eq(lines(o.err), 1);
		cdx_run_free(&o);
		o = run("--db", db, "ingest", "--threads", threads[t], dir, NULL);
		ck_assert_int_eq(o.status, 1);
		cdx_run_free(&o);
		if (first == NULL)
			first = index_dump(db);
		else {
			char *dump = index_dump(db);

			ck_assert_str_eq(dump, first);
			free(dump);
		}
	}
	free(first);
}
END_TEST

/* ------------------------------------------- readers during ingest */

START_TEST(readers_never_fail_while_ingest_runs)
{
	char dir1[400], dir2[400], db[400];
	char *ingest_argv[] = {NULL, "--db", db, "ingest", "--threads", "2",
	                       dir2, NULL};
	unsigned n_reads = 0;
	struct cdx_run o;
	pid_t writer;
	int st = 0, done = 0;

	make_corpus("in1", 50, 200, 0, 0);
	make_corpus("in2", 200, 4000, 7, 0); /* replaces in1's items too */
	in_tmp(dir1, sizeof dir1, "in1");
	in_tmp(dir2, sizeof dir2, "in2");
	in_tmp(db, sizeof db, "db");
	o = run("--db", db, "ingest", dir1, NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);

	writer = spawn("writer", ingest_argv, -1);
	/* query until the writer is done, and a few times after */
	for (unsigned after = 0; after < 3; n_reads++) {
		struct cdx_run q = run("--db", db, "search", "--json", "--limit",
		                   "5", "cobalt tonnes", NULL);

		ck_assert_msg(q.status == 0, "search failed during ingest: %s",
		              q.err);
		ck_assert_ptr_nonnull(strstr(q.out, "\"source\""));
		cdx_run_free(&q);
		q = run("--db", db, "claims", "--entity", "China", "--limit",
		        "3", "--json", NULL);
		ck_assert_msg(q.status == 0, "claims failed during ingest: %s",
		              q.err);
		ck_assert_ptr_nonnull(strstr(q.out, "\"kind\""));
		cdx_run_free(&q);
		if (!done && waitpid(writer, &st, WNOHANG) == writer)
			done = 1;
		if (done)
			after++;
	}
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ck_assert_uint_ge(n_reads, 3);
	o = run("--db", db, "check", NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
}
END_TEST

/* ----------------------------------------------------------- progress */

START_TEST(no_progress_when_stderr_is_a_file)
{
	char dir[400], db[400];
	struct cdx_run o;

	make_corpus("in", 40, 100, 0, 0);
	in_tmp(dir, sizeof dir, "in");
	in_tmp(db, sizeof db, "db");
	o = run("--db", db, "ingest", dir, NULL);
	ck_assert_int_eq(o.status, 0);
	/* only the duplicate's line, no bar and no escape sequence */
	ck_assert_ptr_null(strchr(o.err, '\r'));
	ck_assert_ptr_null(strchr(o.err, '\033'));
	ck_assert_ptr_nonnull(strstr(o.err, "same content"));
	cdx_run_free(&o);
}
END_TEST

/* Run an ingest of folder @p dir with stderr on a new terminal; returns
 * what the terminal received (caller frees), or NULL when this system
 * has no pseudo-terminals. */
static char *ingest_on_tty(const char *dir, const char *db, int quiet)
{
	char *argv[] = {NULL, "--db", (char *)db, "ingest", (char *)dir, NULL,
	                NULL};
	size_t len = 0, cap = 1 << 16;
	char *got = malloc(cap);
	int master, slave;
	struct cdx_run o;
	pid_t pid;

	if (quiet) {
		argv[4] = "--quiet";
		argv[5] = (char *)dir;
	}
	ck_assert_ptr_nonnull(got);
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 ||
	    (slave = open(ptsname(master), O_RDWR | O_NOCTTY)) < 0) {
		if (master >= 0)
			close(master);
		free(got);
		return NULL;
	}
	pid = spawn("tty", argv, slave);
	close(slave);
	/* read until the child closes its end (EIO); past the buffer, keep
	 * draining so that the child never blocks on a full terminal */
	for (;;) {
		char chunk[4096];
		ssize_t n = read(master, chunk, sizeof chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if ((size_t)n > cap - 1 - len)
			n = (ssize_t)(cap - 1 - len);
		memcpy(got + len, chunk, (size_t)n);
		len += (size_t)n;
	}
	got[len] = '\0';
	o = collect(pid, "tty");
	close(master);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
	return got;
}

START_TEST(progress_on_a_terminal_is_drawn_then_cleared)
{
	char dir[400], db[400], *got, *last, *p;

	make_corpus("in", 20, 50, 0, 0);
	in_tmp(dir, sizeof dir, "in");
	in_tmp(db, sizeof db, "db");
	got = ingest_on_tty(dir, db, 0);
	if (got == NULL) {
		fprintf(stderr, "skipped: no pseudo-terminal\n");
		return;
	}
	ck_assert_ptr_nonnull(strstr(got, "\r["));
	ck_assert_ptr_nonnull(strstr(got, " docs "));
	ck_assert_ptr_nonnull(strstr(got, "MB/s"));
	ck_assert_ptr_nonnull(strstr(got, "ETA"));
	/* the last line drawn is erased (a message printed meanwhile, such
	 * as the duplicate's, erases it too) */
	last = got;
	while ((p = strstr(last + 1, "\r[")) != NULL)
		last = p;
	ck_assert_ptr_nonnull(strstr(last, "\r\033[K"));
	free(got);
}
END_TEST

START_TEST(progress_off_with_quiet_even_on_a_terminal)
{
	char dir[400], db[400], *got;

	make_corpus("in", 20, 50, 0, 0);
	in_tmp(dir, sizeof dir, "in");
	in_tmp(db, sizeof db, "db");
	got = ingest_on_tty(dir, db, 1);
	if (got == NULL) {
		fprintf(stderr, "skipped: no pseudo-terminal\n");
		return;
	}
	ck_assert_str_eq(got, "");
	free(got);
}
END_TEST

Suite *cli_ingest_suite(void)
{
	Suite *s = suite_create("cli ingest");
	TCase *tc;

	tc = tcase_create("same index whatever the thread count");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, threads_give_the_same_index);
	tcase_add_test(tc, reingest_with_threads_changes_nothing);
	tcase_add_test(tc, extract_output_is_the_same_whatever_threads);
	tcase_add_test(tc, bad_thread_counts_are_usage_errors);
	tcase_add_test(tc, reingest_removes_parts_a_file_no_longer_has);
	tcase_add_test(tc, claims_counted_after_the_inputs_are_dropped);
	tcase_add_test(tc, held_inputs_print_nothing_when_the_start_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("readers never fail during an ingest");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, readers_never_fail_while_ingest_runs);
	suite_add_tcase(s, tc);

	tc = tcase_create("progress only on a terminal");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, no_progress_when_stderr_is_a_file);
	tcase_add_test(tc, progress_on_a_terminal_is_drawn_then_cleared);
	tcase_add_test(tc, progress_off_with_quiet_even_on_a_terminal);
	suite_add_tcase(s, tc);
	return s;
}
