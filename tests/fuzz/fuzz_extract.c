/*
 * fuzz_extract.c — libFuzzer harness for the claim extractor: the input,
 * taken as text, becomes a document (cdx_doc_new repairs and splits it)
 * and goes through cdx_extract_run(). Every claim must lie inside the
 * text and inside its sentence.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "corpus.h"
#include "extract.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loaded once: loading the gazetteer per input would drown the fuzzer. */
static struct cdx_extractor *ex;
static struct cdx_extract_scratch *scratch;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct cdx_error err = CDX_ERROR_INIT;

	(void)argc;
	(void)argv;
	if (cdx_extract_new(&ex, NULL, &err) != CDX_OK ||
	    cdx_extract_scratch_new(&scratch, ex, &err) != CDX_OK)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_claims claims = CDX_CLAIMS_INIT;
	struct cdx_doc *doc = NULL;
	unsigned hits = 0;

	if (cdx_doc_new(&doc, "fuzz", NULL, NULL, (const char *)data, size,
	                &err) != CDX_OK)
		return 0;
	if (cdx_extract_run(ex, scratch, doc, &claims, &hits, &err) ==
	    CDX_OK) {
		for (size_t i = 0; i < claims.n; i++) {
			const struct cdx_claim *c = &claims.v[i];

			assert(c->start <= c->end && c->end <= doc->len);
			assert(c->sent_start <= c->start &&
			       c->end <= c->sent_end &&
			       c->sent_end <= doc->len);
		}
	}
	cdx_claims_release(&claims);
	cdx_doc_free(doc);
	return 0;
}
