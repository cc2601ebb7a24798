/* test_robust.c — placeholder until the robust suite lands. */
#include "testutil.h"

Suite *robust_suite(void)
{
	return suite_create("robust");
}
