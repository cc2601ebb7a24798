/*
 * test_index_cli.c — the query commands through the claimdex binary
 * ($CLAIMDEX_BIN): `search --queries FILE --json` (one object per query
 * line), `claims` with --commodity/--value/--year/--sort and --csv, and
 * `entities --type`, on the notes in tests/data/index. What the extractor
 * finds in them may change, so the tests check the shape of the output
 * and that every row obeys its filter, not exact claim lists.
 */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_index.h"
#include "testutil.h"

extern char **environ;

struct run {
	int status;      /* exit status, -1 when it did not exit */
	char out[65536]; /* stdout, cut */
};

static void slurp_into(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Run claimdex --db DIR/ix with the NULL-terminated arguments. */
static void run(const struct tmp *t, struct run *r, ...)
{
	const char *bin = getenv("CLAIMDEX_BIN");
	char *argv[32], op[160];
	posix_spawn_file_actions_t fa;
	va_list ap;
	pid_t pid;
	int n = 0, st;

	ck_assert_msg(bin != NULL, "CLAIMDEX_BIN is not set");
	argv[n++] = (char *)bin;
	argv[n++] = "--db";
	argv[n++] = (char *)t->path;
	va_start(ap, r);
	while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	snprintf(op, sizeof op, "%s/stdout", t->dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, op,
	                                 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	ck_assert_int_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	slurp_into(op, r->out, sizeof r->out);
}

static struct run *ingested(struct tmp *t)
{
	char a[512], b[512], c[512];
	struct run *r = malloc(sizeof *r);

	ck_assert_ptr_nonnull(r);
	tmp_make(t);
	snprintf(a, sizeof a, "%s/index/cobalt.txt", cdx_test_data());
	snprintf(b, sizeof b, "%s/index/lithium.txt", cdx_test_data());
	snprintf(c, sizeof c, "%s/index/gallium.txt", cdx_test_data());
	run(t, r, "ingest", "--quiet", a, b, c, NULL);
	ck_assert_int_eq(r->status, 0);
	return r;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

START_TEST(test_cli_search_queries_json)
{
	struct tmp t;
	struct run *r = ingested(&t);
	char qpath[160];
	FILE *f;
	const char *line;

	snprintf(qpath, sizeof qpath, "%s/queries.txt", t.dir);
	f = fopen(qpath, "w");
	ck_assert_ptr_nonnull(f);
	fputs("cobalt\n\"world's gallium\"\nlith* OR cobalt\n\n"
	      "entity:China kind:percent\n\"unclosed (\n", f);
	fclose(f);
	run(&t, r, "search", "--json", "--queries", qpath, NULL);
	ck_assert_int_eq(r->status, 0);
	/* the empty line is skipped: five queries, five objects */
	ck_assert_uint_eq(count_lines(r->out), 5);
	line = r->out;
	for (int i = 0; i < 5; i++) {
		ck_assert(strncmp(line, "{\"query\":", 9) == 0);
		ck_assert_ptr_nonnull(strstr(line, "\"took_us\":"));
		ck_assert_ptr_nonnull(strstr(line, "\"hits\":["));
		line = strchr(line, '\n') + 1;
	}
	ck_assert_ptr_nonnull(strstr(r->out, "{\"query\":\"cobalt\","));
	ck_assert_ptr_nonnull(strstr(r->out, "\"total\":2,"));  /* lith* OR cobalt */
	ck_assert_ptr_nonnull(strstr(r->out, "[gallium]"));
	/* a missing file is a usage error; so are a query and a file */
	run(&t, r, "search", "--queries", "/nonexistent/q.txt", NULL);
	ck_assert_int_eq(r->status, 2);
	run(&t, r, "search", "--queries", qpath, "cobalt", NULL);
	ck_assert_int_eq(r->status, 2);
	/* the single-query form takes the syntax too */
	run(&t, r, "search", "--json", "--", "-cobalt", "-lithium", NULL);
	ck_assert_int_eq(r->status, 0);
	ck_assert_ptr_nonnull(strstr(r->out, "gallium.txt"));
	ck_assert_uint_eq(count_lines(r->out), 1);
	free(r);
	tmp_remove(&t);
}
END_TEST

/* Every CSV row's value column (5th) satisfies @p ok. */
static void csv_values(const char *csv, int (*ok)(double), size_t *rows)
{
	const char *line = strchr(csv, '\n');

	*rows = 0;
	ck_assert_ptr_nonnull(line);
	ck_assert(strncmp(csv, "doc,start,end,kind,value,", 25) == 0);
	for (line++; *line; line = strchr(line, '\n') + 1) {
		const char *p = line;

		for (int i = 0; i < 4; i++) /* fields before value: no quotes */
			p = strchr(p, ',') + 1;
		ck_assert_msg(ok(strtod(p, NULL)), "row '%.80s'", line);
		(*rows)++;
	}
}

static int above_60(double v)
{
	return v > 60;
}

START_TEST(test_cli_claims_filters_csv)
{
	struct tmp t;
	struct run *r = ingested(&t);
	size_t rows;

	run(&t, r, "claims", "--kind", "percent", "--value", ">60", "--csv",
	    NULL);
	ck_assert_int_eq(r->status, 0);
	csv_values(r->out, above_60, &rows);
	ck_assert_uint_gt(rows, 0);
	run(&t, r, "claims", "--value", ">60", "--sort", "value", "--json",
	    NULL);
	ck_assert_int_eq(r->status, 0);
	run(&t, r, "claims", "--commodity", "gallium", "--csv", NULL);
	ck_assert_int_eq(r->status, 0);
	for (const char *l = strchr(r->out, '\n') + 1; *l;
	     l = strchr(l, '\n') + 1)
		ck_assert_ptr_nonnull(strstr(l, "gallium"));
	run(&t, r, "claims", "--year", "1990", "--csv", NULL);
	ck_assert_int_eq(r->status, 0);
	ck_assert_uint_eq(count_lines(r->out), 1); /* the header alone */
	run(&t, r, "claims", "--value", "lots", NULL);
	ck_assert_int_eq(r->status, 2);
	run(&t, r, "claims", "--json", "--csv", NULL);
	ck_assert_int_eq(r->status, 2);
	run(&t, r, "claims", "--sort", "size", NULL);
	ck_assert_int_eq(r->status, 2);
	run(&t, r, "claims", "--year", "twenty", NULL);
	ck_assert_int_eq(r->status, 2);
	free(r);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_cli_entities_type)
{
	struct tmp t;
	struct run *r = ingested(&t);

	run(&t, r, "entities", "--type", "country", NULL);
	ck_assert_int_eq(r->status, 0);
	ck_assert_ptr_nonnull(strstr(r->out, "China"));
	for (const char *l = r->out; *l; l = strchr(l, '\n') + 1)
		ck_assert_ptr_nonnull(strstr(l, " country "));
	run(&t, r, "entities", "--type", "commodity", "--json", NULL);
	ck_assert_int_eq(r->status, 0);
	ck_assert_ptr_null(strstr(r->out, "\"China\""));
	for (const char *l = r->out; *l; l = strchr(l, '\n') + 1)
		ck_assert_ptr_nonnull(strstr(l, "\"type\":\"commodity\""));
	run(&t, r, "entities", "--type", "planet", NULL);
	ck_assert_int_eq(r->status, 2);
	free(r);
	tmp_remove(&t);
}
END_TEST

void index_add_cli_cases(Suite *s)
{
	TCase *tc = tcase_create("query commands through the binary");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_cli_search_queries_json);
	tcase_add_test(tc, test_cli_claims_filters_csv);
	tcase_add_test(tc, test_cli_entities_type);
	suite_add_tcase(s, tc);
}
