/*
 * runner.c — the one Check runner. Each test executable is this file built
 * with -DSUITE_<NAME> for the suites it holds; `test_all` holds them all.
 * CK_RUN_SUITE, CK_RUN_CASE, CK_VERBOSITY and CK_FORK work as Check
 * documents (srunner_run_all with CK_ENV).
 */
#include <check.h>
#include <stdlib.h>

#include "testutil.h"

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

#ifdef SUITE_COMMON
	srunner_add_suite(sr, common_suite());
#endif
#ifdef SUITE_CORPUS
	srunner_add_suite(sr, corpus_suite());
#endif
#ifdef SUITE_EXTRACT
	srunner_add_suite(sr, extract_suite());
#endif
#ifdef SUITE_INDEX
	srunner_add_suite(sr, index_suite());
#endif
#ifdef SUITE_AUDIT
	srunner_add_suite(sr, audit_suite());
#endif
#ifdef SUITE_ROBUST
	srunner_add_suite(sr, robust_suite());
#endif
#ifdef SUITE_CLI
	srunner_add_suite(sr, cli_suite());
	srunner_add_suite(sr, cli_ingest_suite());
	srunner_add_suite(sr, cli_walk_suite());
	srunner_add_suite(sr, cli_manifest_suite());
	srunner_add_suite(sr, cli_stamp_suite());
#endif
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
