/* test_index.c — placeholder until the index suite lands. */
#include "testutil.h"

Suite *index_suite(void)
{
	return suite_create("index");
}
