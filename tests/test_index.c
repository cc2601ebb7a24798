/*
 * test_index.c — the index suite: its shared helpers (test_index.h) and
 * the suite, whose cases live in test_index_*.c: opening and refusing
 * folders (open), BM25 ranking, snippets and the search syntax (search,
 * query), batches, re-ingest, map growth and a reader beside the writer
 * (write), claims, entities, stats and the consistency check (claims),
 * the BBC corpus (bbc), and the query commands through the binary (cli).
 *
 * Every test works in its own mkdtemp folder under /tmp and removes it.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test_index.h"
#include "testutil.h"


void tmp_make(struct tmp *t)
{
	strcpy(t->dir, "/tmp/cdx-index-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/ix", t->dir);
}

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

void tmp_remove(struct tmp *t)
{
	nftw(t->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

struct cdx_index *open_ix(const char *path, unsigned flags,
                                 size_t map)
{
	struct cdx_index_options o = CDX_INDEX_OPTIONS_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix = NULL;
	int rc;

	o.flags = flags;
	o.map_size = map;
	rc = cdx_index_open(&ix, path, &o, &err);
	ck_assert_msg(rc == CDX_OK, "open: %s", err.msg);
	return ix;
}

struct cdx_doc mkdoc(const char *source, const char *title,
                            const char *date, const char *text)
{
	struct cdx_doc d;

	memset(&d, 0, sizeof d);
	d.source = (char *)source;
	d.title = (char *)title;
	d.date = (char *)date;
	d.format = CDX_FMT_TEXT;
	d.text = (char *)text;
	d.len = strlen(text);
	return d;
}

/* A claim on @p figure inside @p sentence, both found in @p text. */
struct cdx_claim mkclaim(const char *text, const char *sentence,
                                const char *figure, enum cdx_claim_kind kind,
                                double value, const char *unit,
                                const char *subject, const char *commodity)
{
	const char *s = strstr(text, sentence);
	const char *f = s ? strstr(s, figure) : NULL;
	struct cdx_claim c;

	ck_assert_ptr_nonnull(f);
	memset(&c, 0, sizeof c);
	c.kind = kind;
	c.start = (uint32_t)(f - text);
	c.end = c.start + (uint32_t)strlen(figure);
	c.sent_start = (uint32_t)(s - text);
	c.sent_end = c.sent_start + (uint32_t)strlen(sentence);
	c.value = value;
	c.value_max = NAN;
	snprintf(c.unit, sizeof c.unit, "%s", unit);
	c.qualifier = CDX_QUAL_EXACT;
	c.subject = subject;
	c.commodity = commodity;
	return c;
}

/* Add one document in a batch of its own. */
enum cdx_add_outcome add1(struct cdx_index *ix,
                                 const struct cdx_doc *d,
                                 const struct cdx_claims *cl, uint64_t *id)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w = NULL;
	enum cdx_add_outcome o = CDX_ADD_NEW;
	int rc;

	rc = cdx_index_writer_begin(&w, ix, &err);
	ck_assert_msg(rc == CDX_OK, "begin: %s", err.msg);
	rc = cdx_index_writer_add(w, d, cl, &o, id, &err);
	ck_assert_msg(rc == CDX_OK, "add: %s", err.msg);
	ck_assert_uint_eq(cdx_index_writer_count(w), 1);
	rc = cdx_index_writer_commit(w, &err);
	ck_assert_msg(rc == CDX_OK, "commit: %s", err.msg);
	return o;
}

uint64_t hits_for(struct cdx_index *ix, const char *q)
{
	struct cdx_search_results r;
	struct cdx_error err = CDX_ERROR_INIT;
	uint64_t total;
	int rc = cdx_index_search(ix, q, 10, &r, &err);

	ck_assert_msg(rc == CDX_OK, "search '%s': %s", q, err.msg);
	total = r.total;
	cdx_search_results_release(&r);
	return total;
}

void on_problem(void *ctx, const char *msg)
{
	struct problems *p = ctx;

	if (p->n++ == 0)
		snprintf(p->first, sizeof p->first, "%s", msg);
}

void assert_sound(struct cdx_index *ix)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct problems p = {0};
	unsigned n = 99;
	int rc = cdx_index_check(ix, on_problem, &p, &n, &err);

	ck_assert_msg(rc == CDX_OK, "check: %s (%s)", err.msg, p.first);
	ck_assert_uint_eq(n, 0);
}

/* Open the raw LMDB environment of an index and one named database. */
void raw_open(const char *path, const char *db, MDB_env **env,
                     MDB_txn **txn, MDB_dbi *dbi)
{
	ck_assert_int_eq(mdb_env_create(env), 0);
	ck_assert_int_eq(mdb_env_set_maxdbs(*env, 16), 0);
	ck_assert_int_eq(mdb_env_open(*env, path, 0, 0644), 0);
	ck_assert_int_eq(mdb_txn_begin(*env, NULL, 0, txn), 0);
	ck_assert_int_eq(mdb_dbi_open(*txn, db, 0, dbi), 0);
}

void raw_close(MDB_env *env, MDB_txn *txn)
{
	ck_assert_int_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* ------------------------------------------------------------ open */


Suite *index_suite(void)
{
	Suite *s = suite_create("index");

	index_add_open_cases(s);
	index_add_search_cases(s);
	index_add_query_cases(s);
	index_add_write_cases(s);
	index_add_claims_cases(s);
	index_add_bbc_cases(s);
	index_add_cli_cases(s);
	index_add_compact_cases(s);
	index_add_prep_cases(s);
	index_add_claimrec_cases(s);
	index_add_records_cases(s);
	index_add_entnames_cases(s);
	index_add_docblock_cases(s);
	index_add_strdict_cases(s);
	index_add_postings_cases(s);
	index_add_phrase_cases(s);
	index_add_rank_cases(s);
	index_add_pack_cases(s);
	index_add_batch_cases(s);
	index_add_textblk_cases(s);
	index_add_merge_cases(s);
	index_add_stamp_cases(s);
	return s;
}
