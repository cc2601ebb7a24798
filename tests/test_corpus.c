/* test_corpus.c — placeholder until the corpus suite lands. */
#include "testutil.h"

Suite *corpus_suite(void)
{
	return suite_create("corpus");
}
