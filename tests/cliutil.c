/* cliutil.c — spawning claimdex from tests (see cliutil.h). */
#include <check.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cliutil.h"

extern char **environ;

char *cdx_test_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	ck_assert_msg(f != NULL, "cannot open '%s'", path);
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

pid_t cdx_test_spawn(const char *dir, const char *tag, const char *stdin_path,
                     char **argv, int err_fd)
{
	const char *bin = getenv("CLAIMDEX_BIN");
	posix_spawn_file_actions_t fa;
	char op[512], ep[512];
	pid_t pid;

	ck_assert_msg(bin != NULL, "CLAIMDEX_BIN is not set");
	argv[0] = (char *)bin;
	snprintf(op, sizeof op, "%s/%s.out", dir, tag);
	snprintf(ep, sizeof ep, "%s/%s.err", dir, tag);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0,
	                                 stdin_path ? stdin_path : "/dev/null",
	                                 O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, op,
	                                 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (err_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	else
		posix_spawn_file_actions_addopen(&fa, 2, ep,
		                                 O_WRONLY | O_CREAT | O_TRUNC,
		                                 0644);
	ck_assert_int_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

struct cdx_run cdx_test_collect(pid_t pid, const char *dir, const char *tag)
{
	struct cdx_run r = {-1, NULL, NULL};
	char path[512];
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	if (WIFEXITED(st))
		r.status = WEXITSTATUS(st);
	snprintf(path, sizeof path, "%s/%s.out", dir, tag);
	r.out = cdx_test_slurp(path);
	snprintf(path, sizeof path, "%s/%s.err", dir, tag);
	r.err = access(path, F_OK) == 0 ? cdx_test_slurp(path) : strdup("");
	return r;
}

struct cdx_run cdx_test_run(const char *dir, const char *stdin_path, ...)
{
	char *argv[64];
	va_list ap;
	int n = 1;

	va_start(ap, stdin_path);
	while (n < 63 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	return cdx_test_collect(cdx_test_spawn(dir, "run", stdin_path, argv, -1),
	                        dir, "run");
}

void cdx_run_free(struct cdx_run *r)
{
	if (r == NULL)
		return;
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
