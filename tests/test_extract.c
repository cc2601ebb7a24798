/* test_extract.c — placeholder until the extract suite lands. */
#include "testutil.h"

Suite *extract_suite(void)
{
	return suite_create("extract");
}
