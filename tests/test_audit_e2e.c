/*
 * test_audit_e2e.c — the audit suite, part three: `claimdex audit` and
 * `claimdex reference` run as a user runs them (the binary named by
 * $CLAIMDEX_BIN) on our synthetic fixtures, and the audit of the shared
 * critical-minerals corpus (skipped without ../shared): the Tanbreez
 * tonnages of n10 and n11 are a conflict with both documents as evidence,
 * and rare-earth shares get verdicts against the USGS table.
 *
 * The fixture tests check the shape of the output, not which claims the
 * extractor finds; the corpus test checks the real cases the audit is for.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "test_audit.h"
#include "testutil.h"

struct sandbox {
	char dir[64];
	char db[96];
};

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static void sandbox_make(struct sandbox *s)
{
	strcpy(s->dir, "/tmp/cdx-audit-cli-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(s->dir));
	snprintf(s->db, sizeof s->db, "%s/db", s->dir);
}

static void sandbox_remove(struct sandbox *s)
{
	nftw(s->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Run `claimdex --db DB ARGS` with stdout and stderr to files of the
 * sandbox. @return its exit status. */
static int run(const struct sandbox *s, const char *args)
{
	const char *bin = getenv("CLAIMDEX_BIN");
	char cmd[4096];
	int st;

	ck_assert_msg(bin != NULL, "CLAIMDEX_BIN is not set");
	snprintf(cmd, sizeof cmd, "'%s' --db '%s' %s >'%s/out' 2>'%s/err'", bin,
	         s->db, args, s->dir, s->dir);
	st = system(cmd);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static char *slurp(const struct sandbox *s, const char *name)
{
	char path[256];
	FILE *f;
	long n;
	char *buf;

	snprintf(path, sizeof path, "%s/%s", s->dir, name);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(cli_audit_outputs)
{
	struct sandbox s;
	char args[1024];
	char *out;

	sandbox_make(&s);
	snprintf(args, sizeof args, "-q ingest '%s/audit/article1.txt' "
	         "'%s/audit/article2.txt'", cdx_test_data(), cdx_test_data());
	ck_assert_int_eq(run(&s, args), 0);
	ck_assert_int_eq(run(&s, "audit --json"), 0);
	out = slurp(&s, "err");
	ck_assert_ptr_nonnull(strstr(out, "loaded the shipped USGS"));
	free(out);
	out = slurp(&s, "out");
	/* one object per line, each with a verdict and an evidence list */
	for (char *line = out, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		*nl = '\0';
		ck_assert_int_eq(line[0], '{');
		ck_assert_int_eq(nl[-1], '}');
		ck_assert_ptr_nonnull(strstr(line, "\"verdict\":\""));
		ck_assert_ptr_nonnull(strstr(line, "\"evidence\":["));
	}
	free(out);
	ck_assert_int_eq(run(&s, "audit --csv"), 0);
	out = slurp(&s, "out");
	ck_assert_int_eq(strncmp(out, "doc,start,kind,text,", 20), 0);
	free(out);
	ck_assert_int_eq(run(&s, "audit"), 0);
	out = slurp(&s, "out");
	ck_assert_ptr_nonnull(strstr(out, " claims: "));
	free(out);
	snprintf(args, sizeof args, "audit --html '%s/r.html'", s.dir);
	ck_assert_int_eq(run(&s, args), 0);
	out = slurp(&s, "r.html");
	ck_assert_int_eq(strncmp(out, "<!DOCTYPE html>", 15), 0);
	ck_assert_ptr_nonnull(strstr(out, "id=\"claims\""));
	free(out);
	ck_assert_int_eq(run(&s, "audit --tolerance lots"), 2);
	ck_assert_int_eq(run(&s, "audit --json --csv"), 2);
	sandbox_remove(&s);
}
END_TEST

START_TEST(cli_reference_load_and_list)
{
	struct sandbox s;
	char args[1024];
	char *out;

	sandbox_make(&s);
	snprintf(args, sizeof args, "reference load '%s/audit/refs_bad.csv'",
	         cdx_test_data());
	ck_assert_int_eq(run(&s, args), 1); /* rows rejected, others kept */
	out = slurp(&s, "err");
	ck_assert_ptr_nonnull(strstr(out, "refs_bad.csv:3: "));
	ck_assert_ptr_nonnull(strstr(out, "refs_bad.csv:6: "));
	free(out);
	ck_assert_int_eq(run(&s, "reference list --commodity lithium "
	                         "--country Sylvania --json"), 0);
	out = slurp(&s, "out");
	ck_assert_ptr_nonnull(strstr(out, "\"source\":\"Test Survey\""));
	free(out);
	/* the shipped table is there too */
	ck_assert_int_eq(run(&s, "reference list --commodity 'rare earths' "
	                         "--country Greenland --metric reserves"), 0);
	out = slurp(&s, "out");
	ck_assert_ptr_nonnull(strstr(out, "= 1,500,000 t"));
	free(out);
	ck_assert_int_eq(run(&s, "reference load /nonexistent.csv"), 1);
	ck_assert_int_eq(run(&s, "reference frobnicate"), 2);
	sandbox_remove(&s);
}
END_TEST

/* ------------------------------------------------------------ corpus */

static int in_doc(const struct cdx_audit *a, size_t row, const char *name)
{
	return strstr(a->rows[row].source, name) != NULL;
}

START_TEST(critical_minerals_corpus)
{
	CDX_SKIP_WITHOUT_SHARED(shared);
	struct sandbox s;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix = NULL;
	struct cdx_audit *a = NULL;
	char args[1024];
	int tanbreez = 0, shares = 0;

	sandbox_make(&s);
	snprintf(args, sizeof args, "-q ingest '%s/corpora/critical-minerals/"
	         "gov' '%s/corpora/critical-minerals/news'", shared, shared);
	ck_assert_int_eq(run(&s, args), 0);
	ck_assert_int_eq(cdx_index_open(&ix, s.db, NULL, &err), CDX_OK);
	ck_assert_int_eq(cdx_audit_ref_ensure_default(ix, NULL, NULL, &err),
	                 CDX_OK);
	ck_assert_int_eq(cdx_audit_run(&a, ix, NULL, &err), CDX_OK);
	for (size_t i = 0; i < a->n_items; i++) {
		const struct cdx_audit_item *it = &a->items[i];
		const struct cdx_claim *c = &a->rows[it->row].claim;
		int other = 0;

		if (c->kind == CDX_KIND_MASS && c->subject &&
		    strcmp(c->subject, "Tanbreez") == 0 &&
		    (in_doc(a, it->row, "/n10-") || in_doc(a, it->row, "/n11-"))) {
			const char *want = in_doc(a, it->row, "/n10-") ? "/n11-"
			                                               : "/n10-";

			ck_assert_int_eq(it->verdict, CDX_VERDICT_CONFLICT);
			for (size_t e = 0; e < it->n_ev; e++)
				other |= !it->ev[e].reference &&
				         !it->ev[e].agrees &&
				         in_doc(a, it->ev[e].index, want);
			ck_assert_msg(other, "%s: no evidence from %s",
			              a->rows[it->row].source, want);
			tanbreez++;
		}
		if (c->commodity && strcmp(c->commodity, "rare earths") == 0 &&
		    it->ref_metric && strstr(it->ref_metric, "_share")) {
			int ref = 0;

			ck_assert(it->verdict == CDX_VERDICT_SUPPORTED ||
			          it->verdict == CDX_VERDICT_OUTDATED ||
			          it->verdict == CDX_VERDICT_CONTRADICTED);
			for (size_t e = 0; e < it->n_ev; e++)
				ref |= it->ev[e].reference && it->ev[e].latest;
			ck_assert(ref);
			shares++;
		}
	}
	ck_assert_int_eq(tanbreez, 2);
	ck_assert_int_ge(shares, 3);
	cdx_audit_free(a);
	cdx_index_close(ix);
	sandbox_remove(&s);
}
END_TEST

void audit_e2e_cases(Suite *s)
{
	TCase *t = tcase_create("command line");

	tcase_add_test(t, cli_audit_outputs);
	tcase_add_test(t, cli_reference_load_and_list);
	suite_add_tcase(s, t);

	t = tcase_create("critical-minerals corpus");
	tcase_set_timeout(t, 300);
	tcase_add_test(t, critical_minerals_corpus);
	suite_add_tcase(s, t);
}
