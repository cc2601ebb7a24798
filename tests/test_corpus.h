/*
 * test_corpus.h — the corpus suite is built from several files; each
 * contributes test cases to corpus_suite() (test_corpus.c).
 */
#ifndef CDX_TEST_CORPUS_H
#define CDX_TEST_CORPUS_H

#include <check.h>
#include <stddef.h>

struct cdx_doc;

/* The text of sentence @p i of @p d, in a static buffer (test_corpus.c). */
const char *corpus_test_sent(const struct cdx_doc *d, size_t i);

/* Long texts as part-documents, and inputs read piece by piece
 * (test_corpus_parts.c). */
TCase *corpus_parts_tcase(void);

/* The word-at-a-time scans equal their byte-by-byte definitions
 * (test_corpus_scan.c). */
TCase *corpus_scan_tcase(void);

/* The tokenizer's block classes and the sniffs at every tail length
 * (test_corpus_tokscan.c). */
TCase *corpus_tokscan_tcase(void);

/* Sentence splitting; tokens and folding (test_corpus_text.c). */
TCase *corpus_sentences_tcase(void);
TCase *corpus_tokens_tcase(void);

/* The text of generic XML at the file's byte offsets
 * (test_corpus_xml.c). */
TCase *corpus_xml_tcase(void);

/* cdx_corpus_read_fd(): sizes, limits, pieces (test_corpus_fd.c). */
TCase *corpus_fd_tcase(void);

/* The date and title at the top of a plain text
 * (test_corpus_header.c). */
TCase *corpus_header_tcase(void);

/* A collection's metadata list (test_corpus_manifest.c). */
TCase *corpus_manifest_tcase(void);

#endif
