/*
 * fuzz_read.c — libFuzzer harness for the corpus readers.
 *
 * Built once per format (-DFUZZ_FORMAT=CDX_FMT_TEXT, ..._HTML, ..._XML,
 * ..._SGML, ..._JSONL, or CDX_FMT_AUTO to go through detection), it feeds
 * the input to cdx_corpus_read_buffer() and touches every document it
 * gets, so that a reader handing out a bad span or an unterminated string
 * trips AddressSanitizer here rather than in the extractor.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "corpus.h"

#ifndef FUZZ_FORMAT
#define FUZZ_FORMAT CDX_FMT_AUTO
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	assert(msg != NULL && strlen(msg) < 4096);
}

/* Every span within the text, every string terminated. */
static int on_doc(void *ctx, struct cdx_doc *doc)
{
	size_t *sum = ctx;

	assert(doc->text != NULL && doc->text[doc->len] == '\0');
	assert(doc->source != NULL);
	*sum += strlen(doc->source);
	if (doc->title)
		*sum += strlen(doc->title);
	if (doc->date)
		*sum += strlen(doc->date);
	if (doc->url)
		*sum += strlen(doc->url);
	for (size_t i = 0; i < doc->n_sents; i++) {
		assert(doc->sents[i].start <= doc->sents[i].end);
		assert(doc->sents[i].end <= doc->len);
	}
	for (size_t i = 0; i < doc->n_paras; i++) {
		assert(doc->paras[i].start <= doc->paras[i].end);
		assert(doc->paras[i].end <= doc->len);
	}
	cdx_doc_free(doc);
	return CDX_OK;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	cdx_corpus_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cdx_read_options o = CDX_READ_OPTIONS_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	size_t sum = 0;
	int rc;

	o.format = FUZZ_FORMAT;
	o.warn = on_warn;
	rc = cdx_corpus_read_buffer("fuzz", (const char *)data, size, &o,
	                            on_doc, &sum, &err);
	/* a failure always says why */
	assert(rc == CDX_OK || err.msg[0] != '\0');
	return 0;
}
