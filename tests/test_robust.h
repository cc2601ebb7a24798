/*
 * test_robust.h — the files of the robust suite (tests/test_robust*.c)
 * each add their test cases to the one suite, and share a collector of
 * documents and warnings.
 */
#ifndef CDX_TEST_ROBUST_H
#define CDX_TEST_ROBUST_H

#include <check.h>

#include "cliutil.h"
#include "corpus.h"

#define ROBUST_MAX_DOCS 16
#define ROBUST_MAX_WARNS 8

/* What a read produced. */
struct robust_got {
	struct cdx_doc *docs[ROBUST_MAX_DOCS];
	size_t n;
	char warns[ROBUST_MAX_WARNS][512];
	size_t n_warns;
	struct cdx_error err;
};

/* Read tests/data/robust/NAME (or any path with '/') into @p g. */
int robust_read(const char *name, struct robust_got *g,
                const struct cdx_read_options *opts);
/* Read a buffer into @p g. */
int robust_read_buf(const char *source, const char *data, size_t len,
                    struct robust_got *g);
/* Any document's text containing @p s? Any warning? */
int robust_text_has(const struct robust_got *g, const char *s);
int robust_warn_has(const struct robust_got *g, const char *s);
void robust_got_free(struct robust_got *g);

/* Run claimdex ($CLAIMDEX_BIN) with the NULL-terminated arguments, its
 * outputs captured in files under @p tmp (tests/cliutil.h). */
#define robust_cli(tmp, ...) cdx_test_run((tmp), NULL, __VA_ARGS__)

/* A fresh temporary folder in @p out (cap 256), and its removal. */
void robust_tmp_new(char *out);
void robust_tmp_remove(const char *dir);

void robust_add_read_cases(Suite *s);
void robust_add_attack_cases(Suite *s);
void robust_add_index_cases(Suite *s);
void robust_add_cli_cases(Suite *s);

#endif
