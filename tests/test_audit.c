/* test_audit.c — placeholder until the audit suite lands. */
#include "testutil.h"

Suite *audit_suite(void)
{
	return suite_create("audit");
}
