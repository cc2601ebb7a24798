/*
 * cliutil.h — running the claimdex binary from tests: spawn it with its
 * output captured in files of a test's temporary folder, wait, and read
 * the output back. Shared by the CLI, ingest and robustness suites.
 *
 * The binary is $CLAIMDEX_BIN (meson sets it for every test).
 */
#ifndef CDX_CLIUTIL_H
#define CDX_CLIUTIL_H

#include <sys/types.h>

/** What a finished run left. Free with cdx_run_free(). */
struct cdx_run {
	int status;      /**< exit status, or -1 when it did not exit */
	char *out, *err; /**< captured stdout / stderr, NUL-terminated */
};

/** The whole file at @p path, NUL-terminated (caller frees); fails the
 * test when it cannot be read. */
char *cdx_test_slurp(const char *path);

/**
 * Start claimdex with @p argv (argv[0] is replaced by the binary; the
 * array ends with NULL). Standard input is @p stdin_path (NULL:
 * /dev/null); stdout goes to DIR/TAG.out, stderr to DIR/TAG.err or, when
 * @p err_fd is not -1, to that descriptor. Returns the child's pid.
 */
pid_t cdx_test_spawn(const char *dir, const char *tag, const char *stdin_path,
                     char **argv, int err_fd);

/** Wait for @p pid and read what cdx_test_spawn(@p dir, @p tag) captured. */
struct cdx_run cdx_test_collect(pid_t pid, const char *dir, const char *tag);

/**
 * Run claimdex with the NULL-terminated string arguments after
 * @p stdin_path, in @p dir, and wait for it.
 */
struct cdx_run cdx_test_run(const char *dir, const char *stdin_path, ...);

/** Free the captured output. NULL ok. */
void cdx_run_free(struct cdx_run *r);

#endif
