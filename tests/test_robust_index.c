/*
 * test_robust_index.c — a damaged index is reported, and odd queries are
 * not errors. The damage is done through LMDB directly, by the database
 * and key names of the layout in indexer/index_int.h ("meta", "docs",
 * "claims" — one record per document, keyed by its id —, "dlen"; meta's
 * "schema" and "n_docs" are u64 big-endian; dlen's block 0 holds one
 * length code per document id), then
 * `claimdex check` must say what is wrong in plain words and exit 3.
 */
#include <fcntl.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index.h"
#include "test_robust.h"
#include "testutil.h"

static char tmpdir[256], db[300];

static void setup(void)
{
	char samples[1024];
	struct cdx_run o;

	robust_tmp_new(tmpdir);
	snprintf(db, sizeof db, "%s/db", tmpdir);
	snprintf(samples, sizeof samples, "%s/corpus/samples",
	         CDX_SOURCE_ROOT);
	o = robust_cli(tmpdir, "--db", db, "ingest", samples, NULL);
	ck_assert_msg(o.status == 0, "ingest: %s", o.err);
	cdx_run_free(&o);
}

static void teardown(void)
{
	robust_tmp_remove(tmpdir);
}

enum damage { DROP_FIRST, SET_U64 };

/* Open the index's LMDB environment and damage database @p name: drop
 * its first record, or set key @p key to the u64 @p v. */
static void damage(const char *name, enum damage how, const char *key,
                   uint64_t v)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_cursor *cur;
	MDB_val k, d;
	unsigned char be[8];

	ck_assert_int_eq(mdb_env_create(&env), 0);
	ck_assert_int_eq(mdb_env_set_maxdbs(env, 64), 0);
	ck_assert_int_eq(mdb_env_open(env, db, 0, 0644), 0);
	ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, name, 0, &dbi), 0);
	if (how == DROP_FIRST) {
		ck_assert_int_eq(mdb_cursor_open(txn, dbi, &cur), 0);
		ck_assert_int_eq(mdb_cursor_get(cur, &k, &d, MDB_FIRST), 0);
		ck_assert_int_eq(mdb_cursor_del(cur, 0), 0);
		mdb_cursor_close(cur);
	} else {
		for (int i = 0; i < 8; i++)
			be[i] = (unsigned char)(v >> (56 - 8 * i));
		k.mv_data = (void *)key;
		k.mv_size = strlen(key);
		d.mv_data = be;
		d.mv_size = 8;
		ck_assert_int_eq(mdb_put(txn, dbi, &k, &d, 0), 0);
	}
	ck_assert_int_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* Set byte @p doc of the first block of the length table ("dlen": block
 * number u64 BE 0 -> one length code per doc id) to @p code, growing the
 * block when it is shorter. */
static void damage_dlen(size_t doc, unsigned char code)
{
	unsigned char key[8] = {0}, block[2016] = {0};
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = {8, key}, d;
	size_t len;

	ck_assert_uint_lt(doc, sizeof block);
	ck_assert_int_eq(mdb_env_create(&env), 0);
	ck_assert_int_eq(mdb_env_set_maxdbs(env, 64), 0);
	ck_assert_int_eq(mdb_env_open(env, db, 0, 0644), 0);
	ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, "dlen", 0, &dbi), 0);
	ck_assert_int_eq(mdb_get(txn, dbi, &k, &d), 0);
	len = d.mv_size;
	ck_assert_uint_le(len, sizeof block);
	memcpy(block, d.mv_data, len);
	block[doc] = code;
	d.mv_data = block;
	d.mv_size = doc + 1 > len ? doc + 1 : len;
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &d, 0), 0);
	ck_assert_int_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* `claimdex check` fails with exit 3 and says @p words somewhere. */
static void check_says(const char *words)
{
	struct cdx_run o = robust_cli(tmpdir, "--db", db, "check", NULL);

	ck_assert_msg(o.status == 3, "check exit %d", o.status);
	ck_assert_msg(strstr(o.out, words) || strstr(o.err, words),
	              "'%s' not in:\n%s%s", words, o.out, o.err);
	/* one line per problem, each a sentence, then the count */
	ck_assert_ptr_nonnull(strstr(o.err, "claimdex: "));
	cdx_run_free(&o);
}

START_TEST(sound_index_checks_ok)
{
	struct cdx_run o = robust_cli(tmpdir, "--db", db, "check", NULL);

	ck_assert_msg(o.status == 0, "%s", o.err);
	cdx_run_free(&o);
}
END_TEST

START_TEST(missing_document_is_reported)
{
	damage("docs", DROP_FIRST, NULL, 0);
	check_says("does not exist");
}
END_TEST

START_TEST(missing_claim_is_reported)
{
	damage("claims", DROP_FIRST, NULL, 0);
	check_says("claims of document");
}
END_TEST

START_TEST(wrong_count_is_reported)
{
	damage("meta", SET_U64, "n_docs", 999);
	check_says("counts 999 documents");
}
END_TEST

START_TEST(other_schema_is_refused)
{
	damage("meta", SET_U64, "schema", 999);
	check_says("schema 999");
}
END_TEST

START_TEST(wrong_length_code_is_reported)
{
	/* document 1 is the first ingested; no text is 200 tokens long */
	damage_dlen(1, 200);
	check_says("length code 200");
}
END_TEST

START_TEST(length_of_missing_document_is_reported)
{
	damage_dlen(2000, 7);
	check_says("length table lists document 2000");
}
END_TEST

/* Overwrite the data file with @p n bytes of @p fill (0: keep length). */
static void clobber(size_t keep, int garbage)
{
	char path[400];
	FILE *f;

	snprintf(path, sizeof path, "%s/data.mdb", db);
	ck_assert_int_eq(truncate(path, (off_t)keep), 0);
	if (garbage) {
		f = fopen(path, "r+");
		ck_assert_ptr_nonnull(f);
		for (size_t i = 0; i < keep; i++)
			fputc((int)((i * 131 + 7) & 0xff), f);
		fclose(f);
	}
}

/* Ingest @p n generated documents of about 3 KB each into the index. */
static void grow_index(int n)
{
	char dir[300], path[400];
	struct cdx_run o;

	snprintf(dir, sizeof dir, "%s/gen", tmpdir);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	for (int i = 0; i < n; i++) {
		FILE *f;

		snprintf(path, sizeof path, "%s/d%04d.txt", dir, i);
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		for (int k = 0; k < 40; k++)
			fprintf(f, "Report %d part %d: output of metal%d rose "
			        "%d%% to %d tonnes in %d. ", i, k, i * 40 + k,
			        k + 1, i * 7 + k, 1990 + k);
		fclose(f);
	}
	o = robust_cli(tmpdir, "--db", db, "--quiet", "ingest", dir, NULL);
	ck_assert_msg(o.status == 0, "ingest: %s", o.err);
	cdx_run_free(&o);
}

/* LMDB maps the file: a page cut off would fault (SIGBUS) when read, so
 * a data file cut well short must be refused when the index is opened.
 * (A cut of a few pages is within what indexer/env.c tolerates, since a
 * sound file may end a few unwritten pages early.) */
START_TEST(truncated_or_garbage_file_is_an_error)
{
	struct cdx_run o;

	grow_index(600);
	clobber(12288, 0);
	o = robust_cli(tmpdir, "--db", db, "check", NULL);
	ck_assert_int_eq(o.status, 3);
	ck_assert_ptr_nonnull(strstr(o.err, "claimdex: "));
	cdx_run_free(&o);
	clobber(8192, 1);
	o = robust_cli(tmpdir, "--db", db, "check", NULL);
	ck_assert_int_eq(o.status, 3);
	ck_assert_ptr_nonnull(strstr(o.err, "claimdex: "));
	cdx_run_free(&o);
	o = robust_cli(tmpdir, "--db", db, "search", "cobalt", NULL);
	ck_assert_int_eq(o.status, 3);
	cdx_run_free(&o);
}
END_TEST

/* Found by fuzz_query: an entity filter that is empty after folding made
 * LMDB refuse the empty key (MDB_BAD_VALSIZE), so `claims --entity ""`
 * failed with an index error instead of finding nothing. */
START_TEST(empty_entity_filter_finds_nothing)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix = NULL;
	struct cdx_claim_rows rows = {NULL, 0, NULL};
	struct cdx_claim_filter f = CDX_CLAIM_FILTER_INIT;
	struct cdx_search_results res = {NULL, 0, 0};
	static const char *const queries[] = {
		"", " ", "\"", "((((((", "\"unclosed phrase", "-", "*", "AND",
		"OR OR", "NOT", "\xff\xfe", "::", "a:b:c", ")",
	};
	struct cdx_run o;

	ck_assert_int_eq(cdx_index_open(&ix, db, NULL, &err), CDX_OK);
	f.entity = "";
	ck_assert_int_eq(cdx_index_claims(ix, &f, &rows, &err), CDX_OK);
	ck_assert_uint_eq(rows.n, 0);
	cdx_claim_rows_release(&rows);
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		int rc = cdx_index_search(ix, queries[i], 10, &res, &err);

		ck_assert_msg(rc == CDX_OK || rc == CDX_ERR_USAGE,
		              "query '%s': %d", queries[i], rc);
		cdx_search_results_release(&res);
	}
	cdx_index_close(ix);
	o = robust_cli(tmpdir, "--db", db, "claims", "--entity", "", NULL);
	ck_assert_msg(o.status == 0, "%s", o.err);
	cdx_run_free(&o);
}
END_TEST

/* meta's "n_docs" as seen by @p txn. */
static uint64_t n_docs_in(MDB_txn *txn)
{
	MDB_dbi dbi;
	MDB_val k = {6, (void *)"n_docs"}, d;
	const unsigned char *p;
	uint64_t v = 0;

	ck_assert_int_eq(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	ck_assert_int_eq(mdb_get(txn, dbi, &k, &d), 0);
	ck_assert_uint_eq(d.mv_size, 8);
	p = d.mv_data;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * Searches during an ingest never block it: a reader that holds one read
 * transaction (one snapshot) for as long as several ingests take, each
 * committing its batches, does not stop them from finishing, and still
 * sees its snapshot unchanged at the end. The reader holds the folder's
 * shared lock as every claimdex handle does.
 */
START_TEST(long_reader_never_blocks_ingests)
{
	char dir[400], path[500], text[300];
	MDB_env *env;
	MDB_txn *txn;
	uint64_t before;
	int lock_fd;
	struct cdx_run o;

	lock_fd = open(db, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(lock_fd, 0);
	ck_assert_int_eq(flock(lock_fd, LOCK_SH), 0);
	ck_assert_int_eq(mdb_env_create(&env), 0);
	ck_assert_int_eq(mdb_env_set_maxdbs(env, 64), 0);
	ck_assert_int_eq(mdb_env_open(env, db, MDB_RDONLY, 0644), 0);
	ck_assert_int_eq(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	before = n_docs_in(txn);
	ck_assert_uint_gt(before, 0);
	for (int run = 0; run < 4; run++) {
		snprintf(dir, sizeof dir, "%s/in%d", tmpdir, run);
		ck_assert_int_eq(mkdir(dir, 0755), 0);
		for (int i = 0; i < 600; i++) {
			FILE *f;

			snprintf(path, sizeof path, "%s/d%04d.txt", dir, i);
			snprintf(text, sizeof text,
			         "Report %d.%d\n\nPeru produced %d%% of the "
			         "zinc in %d, about %d,000 tonnes.\n",
			         run, i, i % 90 + 1, 1990 + i % 30, run * 600 + i);
			f = fopen(path, "w");
			ck_assert_ptr_nonnull(f);
			fputs(text, f);
			fclose(f);
		}
		/* 600 documents: at least two commits each */
		o = robust_cli(tmpdir, "--db", db, "ingest", dir, NULL);
		ck_assert_msg(o.status == 0, "ingest %d: %s", run, o.err);
		cdx_run_free(&o);
	}
	/* the snapshot is still the one the reader began with */
	ck_assert_uint_eq(n_docs_in(txn), before);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	close(lock_fd);
	o = robust_cli(tmpdir, "--db", db, "stats", "--json", NULL);
	ck_assert_int_eq(o.status, 0);
	snprintf(text, sizeof text, "\"documents\":%llu,",
	         (unsigned long long)before + 2400);
	ck_assert_msg(strstr(o.out, text) != NULL, "%s not in %s", text, o.out);
	cdx_run_free(&o);
	o = robust_cli(tmpdir, "--db", db, "check", NULL);
	ck_assert_int_eq(o.status, 0);
	cdx_run_free(&o);
}
END_TEST

void robust_add_index_cases(Suite *s)
{
	TCase *tc = tcase_create("check reports a damaged index");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, sound_index_checks_ok);
	tcase_add_test(tc, missing_document_is_reported);
	tcase_add_test(tc, missing_claim_is_reported);
	tcase_add_test(tc, wrong_count_is_reported);
	tcase_add_test(tc, wrong_length_code_is_reported);
	tcase_add_test(tc, length_of_missing_document_is_reported);
	tcase_add_test(tc, other_schema_is_refused);
	tcase_add_test(tc, truncated_or_garbage_file_is_an_error);
	tcase_add_test(tc, empty_entity_filter_finds_nothing);
	tcase_add_test(tc, long_reader_never_blocks_ingests);
	suite_add_tcase(s, tc);
}
