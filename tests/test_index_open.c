/*
 * test_index_open.c — opening an index: creating, reopening, refusing a
 * missing folder, a folder that is not an index, another schema, and
 * writes through a read-only handle.
 */
#define _XOPEN_SOURCE 700
#include <lmdb.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "index_int.h"
#include "test_index.h"
#include "testutil.h"

START_TEST(test_open_create_reopen)
{
	struct tmp t;
	struct cdx_index *ix;
	struct cdx_index_stats st;
	struct cdx_error err = CDX_ERROR_INIT;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(cdx_index_stats(ix, &st, &err), CDX_OK);
	ck_assert_uint_eq(st.schema, CDX_INDEX_SCHEMA);
	ck_assert_uint_eq(st.n_docs, 0);
	ck_assert_uint_ge(st.map_bytes, (uint64_t)64 << 20);
	cdx_index_close(ix);
	ix = open_ix(t.path, 0, 0);
	assert_sound(ix);
	cdx_index_close(ix);
	ix = open_ix(t.path, CDX_INDEX_READONLY, 0);
	ck_assert_uint_eq(hits_for(ix, "anything"), 0);
	cdx_index_close(ix);
	cdx_index_close(NULL);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_open_missing)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix = (struct cdx_index *)&err;
	struct cdx_index_options o = CDX_INDEX_OPTIONS_INIT;
	struct tmp t;
	int rc;

	tmp_make(&t);
	o.flags = 0;
	rc = cdx_index_open(&ix, t.path, &o, &err);
	ck_assert_int_eq(rc, CDX_ERR_NOTFOUND);
	ck_assert_ptr_null(ix);
	ck_assert_ptr_nonnull(strstr(err.msg, t.path));
	/* an empty folder without CREATE holds no index either */
	o.flags = CDX_INDEX_READONLY;
	rc = cdx_index_open(&ix, t.dir, &o, &err);
	ck_assert_int_eq(rc, CDX_ERR_NOTFOUND);
	tmp_remove(&t);
}
END_TEST

/* Folders that are not indexes, each refused with CDX_ERR_FORMAT. */
static const struct {
	const char *file; /* created inside the folder (NULL: the folder
	                     itself is a regular file) */
	const char *content;
} not_index[] = {
	{"notes.txt", "my notes\n"},
	{"data.mdb", "this is not an LMDB file at all, just some text that "
	             "is long enough to be read as a header page........."},
	{NULL, "a file, not a folder\n"},
};

START_TEST(test_open_not_an_index)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix = NULL;
	char file[160];
	struct tmp t;
	FILE *fp;
	int rc;

	tmp_make(&t);
	if (not_index[_i].file) {
		ck_assert_int_eq(mkdir(t.path, 0777), 0);
		snprintf(file, sizeof file, "%s/%s", t.path,
		         not_index[_i].file);
	} else {
		snprintf(file, sizeof file, "%s", t.path);
	}
	fp = fopen(file, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(not_index[_i].content, fp);
	fclose(fp);
	rc = cdx_index_open(&ix, t.path, NULL, &err);
	ck_assert_int_eq(rc, CDX_ERR_FORMAT);
	ck_assert_ptr_null(ix);
	ck_assert_ptr_nonnull(strstr(err.msg, "is not a claimdex index"));
	tmp_remove(&t);
}
END_TEST

START_TEST(test_open_schema_mismatch)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix;
	uint8_t older[8];
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = {6, (void *)"schema"}, v = {8, older};
	char want[64], have[64];
	struct tmp t;

	tmp_make(&t);
	cdx_index_close(open_ix(t.path, CDX_INDEX_CREATE, 0));
	raw_open(t.path, "meta", &env, &txn, &dbi);
	/* an index of the schema before this one */
	index_put_be64(older, CDX_INDEX_SCHEMA - 1);
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	raw_close(env, txn);
	ck_assert_int_eq(cdx_index_open(&ix, t.path, NULL, &err),
	                 CDX_ERR_SCHEMA);
	ck_assert_ptr_null(ix);
	snprintf(have, sizeof have, "index schema %d", CDX_INDEX_SCHEMA - 1);
	ck_assert_ptr_nonnull(strstr(err.msg, have));
	snprintf(want, sizeof want, "reads schema %d", CDX_INDEX_SCHEMA);
	ck_assert_ptr_nonnull(strstr(err.msg, want));
	tmp_remove(&t);
}
END_TEST

/* An index of schema 10 has no string dictionary: opened for reading,
 * it is still refused for its schema, not called "not an index". */
START_TEST(test_open_older_without_strings)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_options o = CDX_INDEX_OPTIONS_INIT;
	struct cdx_index *ix;
	uint8_t older[8];
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi, strs;
	MDB_val k = {6, (void *)"schema"}, v = {8, older};
	struct tmp t;

	tmp_make(&t);
	cdx_index_close(open_ix(t.path, CDX_INDEX_CREATE, 0));
	raw_open(t.path, "meta", &env, &txn, &dbi);
	index_put_be64(older, 10);
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, "strings", 0, &strs), 0);
	ck_assert_int_eq(mdb_drop(txn, strs, 1), 0);
	raw_close(env, txn);
	o.flags = CDX_INDEX_READONLY;
	ck_assert_int_eq(cdx_index_open(&ix, t.path, &o, &err),
	                 CDX_ERR_SCHEMA);
	ck_assert_ptr_null(ix);
	ck_assert_ptr_nonnull(strstr(err.msg, "index schema 10"));
	tmp_remove(&t);
}
END_TEST

START_TEST(test_readonly_refuses_writes)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w = (struct cdx_index_writer *)&err;
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	cdx_index_close(open_ix(t.path, CDX_INDEX_CREATE, 0));
	ix = open_ix(t.path, CDX_INDEX_READONLY, 0);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_ERR_USAGE);
	ck_assert_ptr_null(w);
	ck_assert_int_eq(cdx_index_delete(ix, "x", &err), CDX_ERR_USAGE);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* ------------------------------------------------------------ search */


void index_add_open_cases(Suite *s)
{
	TCase *tc = tcase_create("open, create and refuse");

	tcase_add_test(tc, test_open_create_reopen);
	tcase_add_test(tc, test_open_missing);
	tcase_add_loop_test(tc, test_open_not_an_index, 0,
	                    sizeof not_index / sizeof *not_index);
	tcase_add_test(tc, test_open_schema_mismatch);
	tcase_add_test(tc, test_open_older_without_strings);
	tcase_add_test(tc, test_readonly_refuses_writes);
	suite_add_tcase(s, tc);
}
