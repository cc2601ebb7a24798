/*
 * testutil.h — what the test suites share: the suite constructors the
 * runner chains, and where fixtures live.
 *
 * Fixtures we wrote are in tests/data (CDX_TEST_DATA). The shared real
 * corpora (../shared/corpora) may be absent on a clone: tests that use them
 * call cdx_test_shared() and, when it returns NULL, print "skipped: ..." and
 * pass, so a clone without ../shared still runs every other test.
 */
#ifndef CDX_TESTUTIL_H
#define CDX_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

Suite *common_suite(void);
Suite *corpus_suite(void);
Suite *extract_suite(void);
Suite *index_suite(void);
Suite *audit_suite(void);
Suite *robust_suite(void);
Suite *cli_suite(void);
Suite *cli_ingest_suite(void);
Suite *cli_walk_suite(void);
Suite *cli_manifest_suite(void);
Suite *cli_stamp_suite(void);

/** Folder of the project's own fixtures (tests/data). */
static inline const char *cdx_test_data(void)
{
	const char *d = getenv("CDX_TEST_DATA");
	return d ? d : CDX_TEST_DATA_DIR;
}

/** The ../shared folder when present, else NULL (tests then skip). */
static inline const char *cdx_test_shared(void)
{
	struct stat st;
	const char *d = getenv("CDX_SHARED");

	if (d == NULL)
		d = CDX_SHARED_DIR;
	if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode))
		return NULL;
	return d;
}

#define CDX_SKIP_WITHOUT_SHARED(var)                                           \
	const char *var = cdx_test_shared();                                   \
	if (var == NULL) {                                                     \
		fprintf(stderr, "skipped: %s needs ../shared\n", __func__);    \
		return;                                                        \
	}

#endif
