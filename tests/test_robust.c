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

extern char **environ;

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

struct robust_out robust_cli(const char *tmp, ...)
{
	const char *bin = getenv("CLAIMDEX_BIN");
	char *argv[64], op[300], ep[300];
	posix_spawn_file_actions_t fa;
	struct robust_out o = {-1, NULL, NULL};
	va_list ap;
	pid_t pid;
	int n = 0, st;

	ck_assert_msg(bin != NULL, "CLAIMDEX_BIN is not set");
	argv[n++] = (char *)bin;
	va_start(ap, tmp);
	while (n < 63 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	snprintf(op, sizeof op, "%s/stdout", tmp);
	snprintf(ep, sizeof ep, "%s/stderr", tmp);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, op,
	                                 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, ep,
	                                 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	if (WIFEXITED(st))
		o.status = WEXITSTATUS(st);
	o.out = slurp(op);
	o.err = slurp(ep);
	return o;
}

void robust_out_free(struct robust_out *o)
{
	free(o->out);
	free(o->err);
	o->out = o->err = NULL;
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
