/* test_cli.c — placeholder until the cli suite lands. */
#include "testutil.h"

Suite *cli_suite(void)
{
	return suite_create("cli");
}
