/*
 * test_robust.c — the robust suite: hostile input, parser attacks,
 * damaged indexes and crash safety. This file builds the suite and holds
 * the collector the other test_robust_*.c files share.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "test_robust.h"
#include "testutil.h"

static void on_warn(void *ctx, const char *msg)
{
	struct robust_got *g = ctx;

	if (g->n_warns < ROBUST_MAX_WARNS)
		snprintf(g->warns[g->n_warns++], sizeof g->warns[0], "%s", msg);
}

static int collect(void *ctx, struct cdx_doc *doc)
{
	struct robust_got *g = ctx;

	if (g->n < ROBUST_MAX_DOCS)
		g->docs[g->n++] = doc;
	else
		cdx_doc_free(doc);
	return CDX_OK;
}

int robust_read(const char *name, struct robust_got *g,
                const struct cdx_read_options *opts)
{
	struct cdx_read_options o = CDX_READ_OPTIONS_INIT;
	char path[1024];

	if (opts)
		o = *opts;
	o.warn = on_warn;
	o.warn_ctx = g;
	if (strchr(name, '/'))
		snprintf(path, sizeof path, "%s", name);
	else
		snprintf(path, sizeof path, "%s/robust/%s", cdx_test_data(),
		         name);
	return cdx_corpus_read_file(path, &o, collect, g, &g->err);
}

int robust_read_buf(const char *source, const char *data, size_t len,
                    struct robust_got *g)
{
	struct cdx_read_options o = CDX_READ_OPTIONS_INIT;

	o.warn = on_warn;
	o.warn_ctx = g;
	return cdx_corpus_read_buffer(source, data, len, &o, collect, g,
	                              &g->err);
}

int robust_text_has(const struct robust_got *g, const char *s)
{
	for (size_t i = 0; i < g->n; i++)
		if (strstr(g->docs[i]->text, s))
			return 1;
	return 0;
}

int robust_warn_has(const struct robust_got *g, const char *s)
{
	for (size_t i = 0; i < g->n_warns; i++)
		if (strstr(g->warns[i], s))
			return 1;
	return 0;
}

void robust_got_free(struct robust_got *g)
{
	for (size_t i = 0; i < g->n; i++)
		cdx_doc_free(g->docs[i]);
	memset(g, 0, sizeof *g);
}

void robust_tmp_new(char *out)
{
	snprintf(out, 256, "/tmp/cdx-robust-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(out));
}

void robust_tmp_remove(const char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

Suite *robust_suite(void)
{
	Suite *s = suite_create("robust");

	robust_add_read_cases(s);
	robust_add_attack_cases(s);
	robust_add_index_cases(s);
	robust_add_cli_cases(s);
	return s;
}
