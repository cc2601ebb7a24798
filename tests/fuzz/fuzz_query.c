/*
 * fuzz_query.c — libFuzzer harness for the query side of the index: the
 * input is a search query (cdx_index_search) and an entity filter
 * (cdx_index_claims) against a small index built once in a temporary
 * folder. It harnesses the public functions only, so it keeps working
 * whatever the query parser inside indexer/ becomes.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus.h"
#include "extract.h"
#include "index.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cdx_index *ix;
static char dir[] = "/tmp/cdx-fuzz-query-XXXXXX";

static const char *const texts[] = {
	"China produced 70% of the world's rare earths in 2022. Output "
	"rose to 240,000 tonnes.",
	"Australia mined about half of the lithium, some 61,000 tonnes, "
	"while Chile's share fell to 26 percent.",
	"The Democratic Republic of Congo supplied 74% of cobalt; prices "
	"fell by $12 billion over two years.",
	"Indonesia's nickel output doubled. \"We expect 1.8 million tonnes "
	"next year,\" the minister said on 3 March 2024.",
};

static void remove_dir(void)
{
	char path[128];
	static const char *const files[] = {"data.mdb", "lock.mdb"};

	cdx_index_close(ix);
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void build(void)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_extractor *ex = NULL;
	struct cdx_extract_scratch *s = NULL;
	struct cdx_index_writer *w = NULL;
	char src[32];

	if (mkdtemp(dir) == NULL ||
	    cdx_index_open(&ix, dir, NULL, &err) != CDX_OK)
		abort();
	atexit(remove_dir);
	if (cdx_extract_new(&ex, NULL, &err) != CDX_OK ||
	    cdx_extract_scratch_new(&s, ex, &err) != CDX_OK ||
	    cdx_index_writer_begin(&w, ix, &err) != CDX_OK)
		abort();
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct cdx_claims claims = CDX_CLAIMS_INIT;
		struct cdx_doc *doc = NULL;

		snprintf(src, sizeof src, "doc%zu.txt", i);
		if (cdx_doc_new(&doc, src, NULL, "2024-01-01", texts[i],
		                strlen(texts[i]), &err) != CDX_OK ||
		    cdx_extract_run(ex, s, doc, &claims, NULL, &err) != CDX_OK ||
		    cdx_index_writer_add(w, doc, &claims, NULL, NULL, &err) !=
		            CDX_OK)
			abort();
		cdx_claims_release(&claims);
		cdx_doc_free(doc);
	}
	if (cdx_index_writer_commit(w, &err) != CDX_OK)
		abort();
	cdx_extract_scratch_free(s);
	cdx_extract_free(ex);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	build();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_search_results res = {NULL, 0, 0};
	struct cdx_claim_rows rows = {NULL, 0, NULL};
	struct cdx_claim_filter f = CDX_CLAIM_FILTER_INIT;
	char *q = malloc(size + 1);
	int rc;

	if (q == NULL)
		return 0;
	memcpy(q, data, size);
	q[size] = '\0';
	rc = cdx_index_search(ix, q, 10, &res, &err);
	/* user text never makes the search itself fail, only a bad query */
	assert(rc == CDX_OK || rc == CDX_ERR_USAGE);
	for (size_t i = 0; i < res.n; i++)
		assert(res.v[i].source != NULL && res.v[i].snippet != NULL);
	cdx_search_results_release(&res);
	f.entity = q;
	f.limit = 5;
	rc = cdx_index_claims(ix, &f, &rows, &err);
	assert(rc == CDX_OK);
	cdx_claim_rows_release(&rows);
	free(q);
	return 0;
}
