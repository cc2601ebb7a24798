/*
 * test_index.h — the files of the index suite (tests/test_index*.c) each
 * add their test cases to the one suite and share these helpers: a
 * temporary folder per test, documents and claims built by hand (no
 * readers, no extractor, so the suite tests the index alone), one-document
 * batches, and raw LMDB access for the damage tests (index_int.h names).
 */
#ifndef CDX_TEST_INDEX_H
#define CDX_TEST_INDEX_H

#include <check.h>
#include <lmdb.h>
#include <stdint.h>

#include "index.h"

struct tmp {
	char dir[64];
	char path[96]; /* dir/ix: the index folder, absent at first */
};

/* A fresh folder under /tmp, and its removal with all it holds. */
void tmp_make(struct tmp *t);
void tmp_remove(struct tmp *t);

/* Open or fail the test. */
struct cdx_index *open_ix(const char *path, unsigned flags, size_t map);
/* A text document (strings borrowed). */
struct cdx_doc mkdoc(const char *source, const char *title, const char *date,
                     const char *text);
/* A claim on @p figure inside @p sentence, both found in @p text. */
struct cdx_claim mkclaim(const char *text, const char *sentence,
                         const char *figure, enum cdx_claim_kind kind,
                         double value, const char *unit, const char *subject,
                         const char *commodity);
/* Add one document in a batch of its own. */
enum cdx_add_outcome add1(struct cdx_index *ix, const struct cdx_doc *d,
                          const struct cdx_claims *cl, uint64_t *id);
/* The number of documents matching @p q. */
uint64_t hits_for(struct cdx_index *ix, const char *q);

struct problems {
	unsigned n;
	char first[512];
};
void on_problem(void *ctx, const char *msg);
/* cdx_index_check() finds nothing. */
void assert_sound(struct cdx_index *ix);

/* Open the raw LMDB environment of an index and one named database;
 * commit and close. */
void raw_open(const char *path, const char *db, MDB_env **env, MDB_txn **txn,
              MDB_dbi *dbi);
void raw_close(MDB_env *env, MDB_txn *txn);

void index_add_open_cases(Suite *s);
void index_add_search_cases(Suite *s);
void index_add_query_cases(Suite *s);
void index_add_write_cases(Suite *s);
void index_add_claims_cases(Suite *s);
void index_add_bbc_cases(Suite *s);
void index_add_cli_cases(Suite *s);
void index_add_compact_cases(Suite *s);
void index_add_prep_cases(Suite *s);
void index_add_claimrec_cases(Suite *s);
void index_add_records_cases(Suite *s);
void index_add_entnames_cases(Suite *s);
void index_add_docblock_cases(Suite *s);
void index_add_postings_cases(Suite *s);
void index_add_phrase_cases(Suite *s);
void index_add_rank_cases(Suite *s);
void index_add_pack_cases(Suite *s);
void index_add_batch_cases(Suite *s);
void index_add_textblk_cases(Suite *s);
void index_add_merge_cases(Suite *s);
void index_add_strdict_cases(Suite *s);
void index_add_stamp_cases(Suite *s);

#endif
