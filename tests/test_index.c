/*
 * test_index.c — the index suite: opening and refusing folders, batches
 * and their outcomes, BM25 search and snippets, claims and entities,
 * stats, the consistency check (on a sound index and a damaged one), map
 * growth from a tiny map, and a reader searching while a writer commits.
 *
 * Documents and claims are built by hand (no readers, no extractor), so
 * the suite tests the index alone. Every test works in its own mkdtemp
 * folder under /tmp and removes it. The damage and schema tests open the
 * LMDB environment directly, with the layout index_int.h documents.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <lmdb.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "index.h"
#include "index_int.h"
#include "testutil.h"

/* ------------------------------------------------------------ helpers */

struct tmp {
	char dir[64];
	char path[96]; /* dir/ix: the index folder, absent at first */
};

static void tmp_make(struct tmp *t)
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

static void tmp_remove(struct tmp *t)
{
	nftw(t->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static struct cdx_index *open_ix(const char *path, unsigned flags,
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

static struct cdx_doc mkdoc(const char *source, const char *title,
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
static struct cdx_claim mkclaim(const char *text, const char *sentence,
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
static enum cdx_add_outcome add1(struct cdx_index *ix,
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

static uint64_t hits_for(struct cdx_index *ix, const char *q)
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

struct problems {
	unsigned n;
	char first[512];
};

static void on_problem(void *ctx, const char *msg)
{
	struct problems *p = ctx;

	if (p->n++ == 0)
		snprintf(p->first, sizeof p->first, "%s", msg);
}

static void assert_sound(struct cdx_index *ix)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct problems p = {0};
	unsigned n = 99;
	int rc = cdx_index_check(ix, on_problem, &p, &n, &err);

	ck_assert_msg(rc == CDX_OK, "check: %s (%s)", err.msg, p.first);
	ck_assert_uint_eq(n, 0);
}

/* Open the raw LMDB environment of an index and one named database. */
static void raw_open(const char *path, const char *db, MDB_env **env,
                     MDB_txn **txn, MDB_dbi *dbi)
{
	ck_assert_int_eq(mdb_env_create(env), 0);
	ck_assert_int_eq(mdb_env_set_maxdbs(*env, 16), 0);
	ck_assert_int_eq(mdb_env_open(*env, path, 0, 0644), 0);
	ck_assert_int_eq(mdb_txn_begin(*env, NULL, 0, txn), 0);
	ck_assert_int_eq(mdb_dbi_open(*txn, db, 0, dbi), 0);
}

static void raw_close(MDB_env *env, MDB_txn *txn)
{
	ck_assert_int_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* ------------------------------------------------------------ open */

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
	uint8_t seven[8];
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = {6, (void *)"schema"}, v = {8, seven};
	char want[64];
	struct tmp t;

	tmp_make(&t);
	cdx_index_close(open_ix(t.path, CDX_INDEX_CREATE, 0));
	raw_open(t.path, "meta", &env, &txn, &dbi);
	index_put_be64(seven, 7);
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	raw_close(env, txn);
	ck_assert_int_eq(cdx_index_open(&ix, t.path, NULL, &err),
	                 CDX_ERR_SCHEMA);
	ck_assert_ptr_null(ix);
	ck_assert_ptr_nonnull(strstr(err.msg, "index schema 7"));
	snprintf(want, sizeof want, "reads schema %d", CDX_INDEX_SCHEMA);
	ck_assert_ptr_nonnull(strstr(err.msg, want));
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

static const char *const corpus3[][2] = {
	{"a.txt", "Copper copper copper: mine output rose."},
	{"b.txt", "Copper prices fell sharply in London trading today as "
	          "traders sold metal."},
	{"c.txt", "The lithium market in Réunion grew."},
};

static struct cdx_index *index_corpus3(struct tmp *t)
{
	struct cdx_index *ix = open_ix(t->path, CDX_INDEX_CREATE, 0);
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w;

	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	for (size_t i = 0; i < 3; i++) {
		struct cdx_doc d = mkdoc(corpus3[i][0], NULL, NULL,
		                         corpus3[i][1]);
		ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, NULL, NULL,
		                                      &err), CDX_OK);
	}
	ck_assert_uint_eq(cdx_index_writer_count(w), 3);
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	return ix;
}

START_TEST(test_search_bm25_order)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_search_results r;
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = index_corpus3(&t);
	/* a.txt has copper three times in 6 words, b.txt once in 13: with
	 * the same idf, a's tf and shorter length rank it first */
	ck_assert_int_eq(cdx_index_search(ix, "COPPER", 10, &r, &err), CDX_OK);
	ck_assert_uint_eq(r.total, 2);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_str_eq(r.v[0].source, "a.txt");
	ck_assert_str_eq(r.v[1].source, "b.txt");
	ck_assert(r.v[0].score > r.v[1].score);
	ck_assert(r.v[1].score > 0);
	ck_assert_ptr_null(r.v[0].title);
	cdx_search_results_release(&r);
	/* the limit cuts hits, not the total */
	ck_assert_int_eq(cdx_index_search(ix, "copper", 1, &r, &err), CDX_OK);
	ck_assert_uint_eq(r.total, 2);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.v[0].source, "a.txt");
	cdx_search_results_release(&r);
	cdx_search_results_release(NULL);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* Queries and how many documents of corpus3 they match. */
static const struct {
	const char *q;
	uint64_t total;
} and_rows[] = {
	{"copper london", 1},      /* AND: only b.txt has both */
	{"copper lithium", 0},     /* no document has both */
	{"zinc", 0},               /* a word nobody has */
	{"copper zinc", 0},
	{"reunion", 1},            /* marks stripped on both sides */
	{"RÉUNION", 1},
	{"copper copper", 2},      /* a repeated word counts once */
	{"", 0},                   /* no word at all */
	{"!!! ... ???", 0},
};

START_TEST(test_search_and_semantics)
{
	struct tmp t;
	struct cdx_index *ix;

	tmp_make(&t);
	ix = index_corpus3(&t);
	ck_assert_uint_eq(hits_for(ix, and_rows[_i].q), and_rows[_i].total);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_search_score_value)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_search_results r;
	struct cdx_doc d = mkdoc("one.txt", "One", NULL, "nickel demand rises");
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	add1(ix, &d, NULL, NULL);
	/* N = 1, df = 1, tf = 1, dl = avgdl: score = idf = ln(1 + 0.5/1.5) */
	ck_assert_int_eq(cdx_index_search(ix, "nickel", 5, &r, &err), CDX_OK);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_double_eq_tol(r.v[0].score, log(4.0 / 3.0), 1e-9);
	ck_assert_str_eq(r.v[0].title, "One");
	ck_assert_str_eq(r.v[0].snippet, "[nickel] demand rises");
	cdx_search_results_release(&r);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_search_snippet)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_search_results r;
	struct cdx_index *ix;
	struct cdx_doc d;
	char text[4096], *p = text;
	struct tmp t;

	/* 100 words, lines broken, "cobalt" and "Congo" near word 60 */
	for (int i = 0; i < 100; i++) {
		const char *w = i == 60 ? "cobalt" : i == 63 ? "Congo," : "word";
		p += sprintf(p, "%s%s", w, i % 10 == 9 ? "\n\n" : " ");
	}
	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	d = mkdoc("long.txt", NULL, NULL, text);
	add1(ix, &d, NULL, NULL);
	ck_assert_int_eq(cdx_index_search(ix, "congo cobalt", 5, &r, &err),
	                 CDX_OK);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_msg(strncmp(r.v[0].snippet, "...", 3) == 0, "%s",
	              r.v[0].snippet);
	ck_assert_msg(strstr(r.v[0].snippet, "[cobalt] word word [Congo],") !=
	              NULL, "%s", r.v[0].snippet);
	ck_assert_ptr_null(strchr(r.v[0].snippet, '\n'));
	ck_assert_ptr_null(strstr(r.v[0].snippet, "  "));
	ck_assert_int_eq(strcmp(r.v[0].snippet + strlen(r.v[0].snippet) - 3,
	                        "..."), 0);
	cdx_search_results_release(&r);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* ------------------------------------------------------------ re-ingest */

START_TEST(test_reingest_outcomes)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w;
	struct cdx_doc v1 = mkdoc("a.txt", NULL, NULL, "Graphite anodes ship.");
	struct cdx_doc v2 = mkdoc("a.txt", NULL, NULL, "Gallium exports halt.");
	struct cdx_doc dup = mkdoc("b.txt", NULL, NULL,
	                           "Graphite anodes ship.");
	struct cdx_doc c1 = mkdoc("c.txt", NULL, NULL, "Tungsten first draft.");
	struct cdx_doc c2 = mkdoc("c.txt", NULL, NULL, "Antimony second draft.");
	enum cdx_add_outcome o;
	uint64_t id1 = 0, id;
	struct cdx_index_stats st;
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(add1(ix, &v1, NULL, &id1), CDX_ADD_NEW);
	ck_assert_int_eq(add1(ix, &v1, NULL, &id), CDX_ADD_UNCHANGED);
	ck_assert_uint_eq(id, id1);
	ck_assert_int_eq(add1(ix, &dup, NULL, &id), CDX_ADD_DUPLICATE);
	ck_assert_uint_eq(id, id1);
	ck_assert_int_eq(add1(ix, &v2, NULL, &id), CDX_ADD_REPLACED);
	ck_assert_uint_ne(id, id1);
	ck_assert_uint_eq(hits_for(ix, "graphite"), 0);
	ck_assert_uint_eq(hits_for(ix, "gallium"), 1);
	/* the old text is free again: under another source it is new */
	ck_assert_int_eq(add1(ix, &dup, NULL, NULL), CDX_ADD_NEW);
	/* both versions in one batch: the first never reaches LMDB */
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	ck_assert_int_eq(cdx_index_writer_add(w, &c1, NULL, &o, NULL, &err),
	                 CDX_OK);
	ck_assert_int_eq(o, CDX_ADD_NEW);
	ck_assert_int_eq(cdx_index_writer_add(w, &c2, NULL, &o, NULL, &err),
	                 CDX_OK);
	ck_assert_int_eq(o, CDX_ADD_REPLACED);
	ck_assert_int_eq(cdx_index_writer_add(w, &c2, NULL, &o, NULL, &err),
	                 CDX_OK);
	ck_assert_int_eq(o, CDX_ADD_UNCHANGED);
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	ck_assert_uint_eq(hits_for(ix, "tungsten"), 0);
	ck_assert_uint_eq(hits_for(ix, "antimony"), 1);
	ck_assert_uint_eq(hits_for(ix, "draft"), 1);
	ck_assert_int_eq(cdx_index_stats(ix, &st, &err), CDX_OK);
	ck_assert_uint_eq(st.n_docs, 3);
	ck_assert_uint_eq(st.n_tokens, 3 + 3 + 3);
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_abort_writes_nothing)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w;
	struct cdx_doc d = mkdoc("a.txt", NULL, NULL, "Bauxite shipments.");
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, NULL, NULL, &err),
	                 CDX_OK);
	cdx_index_writer_abort(w);
	cdx_index_writer_abort(NULL);
	ck_assert_uint_eq(hits_for(ix, "bauxite"), 0);
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_claim_outside_text)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w;
	struct cdx_doc d = mkdoc("a.txt", NULL, NULL, "Short.");
	struct cdx_claim c;
	struct cdx_claims cl = {&c, 1, 1};
	struct cdx_index *ix;
	struct tmp t;

	memset(&c, 0, sizeof c);
	c.start = 2;
	c.end = 40;
	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	ck_assert_int_eq(cdx_index_writer_add(w, &d, &cl, NULL, NULL, &err),
	                 CDX_ERR_FAIL);
	ck_assert_ptr_nonnull(strstr(err.msg, "'a.txt'"));
	cdx_index_writer_abort(w);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* ------------------------------------------------------------ claims */

static const char claims_text[] =
	"China holds 92 percent of refined rare earths. "
	"The United States pledged $500 million. "
	"China mined 40,000 tons of lithium in 2024.";

/* Index claims_text (claims given out of text order) and a second doc. */
static struct cdx_index *index_claims(struct tmp *t, uint64_t *id_a)
{
	const char *s1 = "China holds 92 percent of refined rare earths.";
	const char *s2 = "The United States pledged $500 million.";
	const char *s3 = "China mined 40,000 tons of lithium in 2024.";
	struct cdx_claim v[3], w1;
	struct cdx_claims cl = {v, 3, 3}, cl2 = {&w1, 1, 1};
	struct cdx_doc a = mkdoc("claims.txt", "Minerals", "2025-08-18",
	                         claims_text);
	struct cdx_doc b = mkdoc("other.txt", NULL, NULL,
	                         "Chile sold 5 percent more copper.");
	struct cdx_index *ix = open_ix(t->path, CDX_INDEX_CREATE, 0);

	v[0] = mkclaim(claims_text, s3, "40,000 tons", CDX_KIND_MASS, 40000,
	               "t", "China", "lithium");
	strcpy(v[0].time, "2024");
	v[0].metric = "mine output";
	v[1] = mkclaim(claims_text, s1, "92 percent", CDX_KIND_PERCENT, 92,
	               "%", "China", "rare earths");
	v[2] = mkclaim(claims_text, s2, "$500 million", CDX_KIND_MONEY, 5e8,
	               "USD", "United States", NULL);
	v[2].qualifier = CDX_QUAL_APPROX;
	v[2].parties[0] = "United States";
	v[2].parties[1] = "Ukraine";
	v[2].n_parties = 2;
	w1 = mkclaim(b.text, b.text, "5 percent", CDX_KIND_PERCENT, 5, "%",
	             "Chile", "copper");
	ck_assert_int_eq(add1(ix, &a, &cl, id_a), CDX_ADD_NEW);
	ck_assert_int_eq(add1(ix, &b, &cl2, NULL), CDX_ADD_NEW);
	return ix;
}

START_TEST(test_claims_by_source)
{
	struct cdx_claim_filter f = CDX_CLAIM_FILTER_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_claim_rows r;
	struct cdx_index *ix;
	uint64_t id;
	struct tmp t;

	tmp_make(&t);
	ix = index_claims(&t, &id);
	f.source = "claims.txt";
	ck_assert_int_eq(cdx_index_claims(ix, &f, &r, &err), CDX_OK);
	ck_assert_uint_eq(r.n, 3);
	/* (doc, start) order whatever order they were added in */
	ck_assert_str_eq(r.v[0].text, "92 percent");
	ck_assert_str_eq(r.v[1].text, "$500 million");
	ck_assert_str_eq(r.v[2].text, "40,000 tons");
	ck_assert_str_eq(r.v[2].sentence,
	                 "China mined 40,000 tons of lithium in 2024.");
	ck_assert_str_eq(r.v[0].source, "claims.txt");
	ck_assert_str_eq(r.v[0].doc_date, "2025-08-18");
	ck_assert_uint_eq(r.v[0].doc_id, id);
	ck_assert_int_eq(r.v[2].claim.kind, CDX_KIND_MASS);
	ck_assert_double_eq(r.v[2].claim.value, 40000);
	ck_assert(isnan(r.v[2].claim.value_max));
	ck_assert_str_eq(r.v[2].claim.unit, "t");
	ck_assert_str_eq(r.v[2].claim.time, "2024");
	ck_assert_str_eq(r.v[2].claim.metric, "mine output");
	ck_assert_str_eq(r.v[2].claim.commodity, "lithium");
	ck_assert_int_eq(r.v[1].claim.qualifier, CDX_QUAL_APPROX);
	ck_assert_uint_eq(r.v[1].claim.n_parties, 2);
	ck_assert_str_eq(r.v[1].claim.parties[1], "Ukraine");
	ck_assert_ptr_null(r.v[1].claim.commodity);
	cdx_claim_rows_release(&r);
	cdx_claim_rows_release(NULL);
	/* by decimal id too; an unknown source has no claims */
	f.source = "1";
	ck_assert_int_eq(cdx_index_claims(ix, &f, &r, &err), CDX_OK);
	ck_assert_uint_eq(r.n, 3);
	cdx_claim_rows_release(&r);
	f.source = "nowhere.txt";
	ck_assert_int_eq(cdx_index_claims(ix, &f, &r, &err), CDX_OK);
	ck_assert_uint_eq(r.n, 0);
	cdx_claim_rows_release(&r);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* Filters and the figures they select, in order ("|" separated). */
static const struct {
	const char *entity;
	int kind;
	const char *source;
	size_t limit;
	const char *texts;
} filter_rows[] = {
	{NULL, -1, NULL, 0, "92 percent|$500 million|40,000 tons|5 percent"},
	{"china", -1, NULL, 0, "92 percent|40,000 tons"},
	{"CHINA", CDX_KIND_MASS, NULL, 0, "40,000 tons"},
	{"Rare Earths", -1, NULL, 0, "92 percent"},
	{"copper", -1, NULL, 0, "5 percent"},
	{NULL, CDX_KIND_PERCENT, NULL, 0, "92 percent|5 percent"},
	{NULL, CDX_KIND_PERCENT, "other.txt", 0, "5 percent"},
	{"china", -1, "other.txt", 0, ""},
	{NULL, CDX_KIND_DATE, NULL, 0, ""},
	{"atlantis", -1, NULL, 0, ""},
	{NULL, -1, NULL, 2, "92 percent|$500 million"},
	{"china", -1, NULL, 1, "92 percent"},
};

START_TEST(test_claims_filters)
{
	struct cdx_claim_filter f = CDX_CLAIM_FILTER_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_claim_rows r;
	struct cdx_index *ix;
	char got[256] = "";
	struct tmp t;
	uint64_t id;

	tmp_make(&t);
	ix = index_claims(&t, &id);
	f.entity = filter_rows[_i].entity;
	f.kind = filter_rows[_i].kind;
	f.source = filter_rows[_i].source;
	f.limit = filter_rows[_i].limit;
	ck_assert_int_eq(cdx_index_claims(ix, &f, &r, &err), CDX_OK);
	for (size_t i = 0; i < r.n; i++) {
		if (i)
			strcat(got, "|");
		strcat(got, r.v[i].text);
	}
	ck_assert_str_eq(got, filter_rows[_i].texts);
	cdx_claim_rows_release(&r);
	f.kind = CDX_KIND_COUNT_;
	ck_assert_int_eq(cdx_index_claims(ix, &f, &r, &err), CDX_ERR_USAGE);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

static int collect_entity(void *ctx, const char *name, uint64_t n)
{
	char *out = ctx;

	sprintf(out + strlen(out), "%s=%llu;", name, (unsigned long long)n);
	return 0;
}

static int stop_at_first(void *ctx, const char *name, uint64_t n)
{
	(void)name;
	(void)n;
	++*(int *)ctx;
	return 1;
}

START_TEST(test_entities_and_stats)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_stats st;
	struct cdx_index *ix;
	char got[512] = "";
	int calls = 0;
	uint64_t id;
	struct tmp t;

	tmp_make(&t);
	ix = index_claims(&t, &id);
	ck_assert_int_eq(cdx_index_entities(ix, collect_entity, got, &err),
	                 CDX_OK);
	/* by folded name; canonical spelling as stored */
	ck_assert_str_eq(got, "Chile=1;China=2;copper=1;lithium=1;"
	                      "rare earths=1;United States=1;");
	ck_assert_int_eq(cdx_index_entities(ix, stop_at_first, &calls, &err),
	                 CDX_OK);
	ck_assert_int_eq(calls, 1);
	ck_assert_int_eq(cdx_index_stats(ix, &st, &err), CDX_OK);
	ck_assert_uint_eq(st.n_docs, 2);
	ck_assert_uint_eq(st.n_claims, 4);
	ck_assert_uint_eq(st.n_claims_by_kind[CDX_KIND_PERCENT], 2);
	ck_assert_uint_eq(st.n_claims_by_kind[CDX_KIND_MONEY], 1);
	ck_assert_uint_eq(st.n_claims_by_kind[CDX_KIND_MASS], 1);
	ck_assert_uint_eq(st.n_claims_by_kind[CDX_KIND_DATE], 0);
	ck_assert_uint_eq(st.n_entities, 6);
	ck_assert_uint_eq(st.text_bytes, strlen(claims_text) +
	                  strlen("Chile sold 5 percent more copper."));
	/* 8 + 6 + 8 words, and 6 in the second doc */
	ck_assert_uint_eq(st.n_tokens, 22 + 6);
	ck_assert_uint_gt(st.n_terms, 20);
	ck_assert_uint_gt(st.file_bytes, 0);
	ck_assert_uint_gt(st.map_bytes, 0);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_doc_get)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_doc_info d;
	struct cdx_index *ix;
	uint64_t id;
	char key[32];
	struct tmp t;

	tmp_make(&t);
	ix = index_claims(&t, &id);
	ck_assert_int_eq(cdx_index_doc_get(ix, "claims.txt", 1, &d, &err),
	                 CDX_OK);
	ck_assert_uint_eq(d.id, id);
	ck_assert_str_eq(d.title, "Minerals");
	ck_assert_str_eq(d.date, "2025-08-18");
	ck_assert_str_eq(d.format, "text");
	ck_assert_str_eq(d.text, claims_text);
	ck_assert_uint_eq(d.text_len, strlen(claims_text));
	ck_assert_uint_eq(d.n_claims, 3);
	ck_assert_uint_eq(d.n_tokens, 22);
	cdx_doc_info_release(&d);
	cdx_doc_info_release(NULL);
	snprintf(key, sizeof key, "%llu", (unsigned long long)id);
	ck_assert_int_eq(cdx_index_doc_get(ix, key, 0, &d, &err), CDX_OK);
	ck_assert_str_eq(d.source, "claims.txt");
	ck_assert_ptr_null(d.text);
	cdx_doc_info_release(&d);
	ck_assert_int_eq(cdx_index_doc_get(ix, "missing.txt", 0, &d, &err),
	                 CDX_ERR_NOTFOUND);
	ck_assert_ptr_nonnull(strstr(err.msg, "'missing.txt'"));
	ck_assert_int_eq(cdx_index_doc_get(ix, "999", 0, &d, &err),
	                 CDX_ERR_NOTFOUND);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_delete)
{
	struct cdx_claim_filter f = CDX_CLAIM_FILTER_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_stats st;
	struct cdx_claim_rows r;
	struct cdx_index *ix;
	char got[256] = "";
	uint64_t id;
	struct tmp t;

	tmp_make(&t);
	ix = index_claims(&t, &id);
	ck_assert_int_eq(cdx_index_delete(ix, "claims.txt", &err), CDX_OK);
	ck_assert_uint_eq(hits_for(ix, "lithium"), 0);
	ck_assert_uint_eq(hits_for(ix, "copper"), 1);
	ck_assert_int_eq(cdx_index_claims(ix, &f, &r, &err), CDX_OK);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.v[0].text, "5 percent");
	cdx_claim_rows_release(&r);
	ck_assert_int_eq(cdx_index_entities(ix, collect_entity, got, &err),
	                 CDX_OK);
	ck_assert_str_eq(got, "Chile=1;copper=1;");
	assert_sound(ix);
	ck_assert_int_eq(cdx_index_delete(ix, "claims.txt", &err),
	                 CDX_ERR_NOTFOUND);
	ck_assert_int_eq(cdx_index_delete(ix, "2", &err), CDX_OK);
	ck_assert_int_eq(cdx_index_stats(ix, &st, &err), CDX_OK);
	ck_assert_uint_eq(st.n_docs, 0);
	ck_assert_uint_eq(st.n_claims, 0);
	ck_assert_uint_eq(st.n_tokens, 0);
	ck_assert_uint_eq(st.n_terms, 0);
	ck_assert_uint_eq(st.n_entities, 0);
	ck_assert_uint_eq(st.text_bytes, 0);
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* ------------------------------------------------------------ check */

START_TEST(test_check_finds_damage)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct problems p = {0};
	struct cdx_index *ix;
	uint8_t one[8];
	MDB_val k = {8, one};
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	unsigned n = 0;
	uint64_t id;
	struct tmp t;

	tmp_make(&t);
	ix = index_claims(&t, &id);
	assert_sound(ix);
	cdx_index_close(ix);
	/* drop document 1's record behind the index's back */
	raw_open(t.path, "docs", &env, &txn, &dbi);
	index_put_be64(one, id);
	ck_assert_int_eq(mdb_del(txn, dbi, &k, NULL), 0);
	raw_close(env, txn);
	ix = open_ix(t.path, 0, 0);
	ck_assert_int_eq(cdx_index_check(ix, on_problem, &p, &n, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_uint_gt(n, 3); /* counts, source map, postings, claims */
	ck_assert_uint_eq(n, p.n);
	ck_assert_ptr_nonnull(strstr(err.msg, "problem"));
	/* and the check needs no callback */
	ck_assert_int_eq(cdx_index_check(ix, NULL, NULL, NULL, &err),
	                 CDX_ERR_CORRUPT);
	/* search and claims skip what is gone rather than fail */
	ck_assert_uint_eq(hits_for(ix, "lithium"), 0);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_check_truncated_record)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_doc_info info;
	struct problems p = {0};
	struct cdx_index *ix;
	uint8_t idb[8];
	MDB_val k = {8, idb}, v = {3, (void *)"abc"};
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	uint64_t id;
	struct tmp t;

	tmp_make(&t);
	ix = index_claims(&t, &id);
	cdx_index_close(ix);
	raw_open(t.path, "docs", &env, &txn, &dbi);
	index_put_be64(idb, id);
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	raw_close(env, txn);
	ix = open_ix(t.path, 0, 0);
	ck_assert_int_eq(cdx_index_doc_get(ix, "1", 0, &info, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_ptr_nonnull(strstr(err.msg, "damaged"));
	ck_assert_int_eq(cdx_index_check(ix, on_problem, &p, NULL, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_msg(strstr(p.first, "cannot be decoded") != NULL, "%s",
	              p.first);
	ck_assert_int_eq(cdx_index_delete(ix, "1", &err), CDX_ERR_CORRUPT);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* ------------------------------------------------------------ growth */

/* Some text for doc @p i: ~1.5 KB of varied words. */
static void gen_text(char *buf, size_t cap, unsigned i)
{
	static const char *const words[] = {
		"ore", "smelter", "tariff", "quota", "refinery", "battery",
		"magnet", "supply", "export", "import", "mine", "price",
	};
	size_t n = 0;

	n += (size_t)snprintf(buf + n, cap - n, "doc%u common ", i);
	for (unsigned j = 0; n + 40 < cap && j < 200; j++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%u ",
		                      words[(i + j) % 12], (i * 7 + j) % 97);
}

START_TEST(test_map_grows)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w;
	struct cdx_index_stats st;
	struct cdx_index *ix;
	char src[32], text[1600];
	struct tmp t;
	unsigned i;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, (size_t)1 << 20);
	/* one big batch overflows the 1 MiB map: grown and replayed */
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	for (i = 0; i < 300; i++) {
		struct cdx_doc d;

		snprintf(src, sizeof src, "g%u.txt", i);
		gen_text(text, sizeof text, i);
		d = mkdoc(src, NULL, NULL, text);
		ck_assert_msg(cdx_index_writer_add(w, &d, NULL, NULL, NULL,
		                                   &err) == CDX_OK, "%s",
		              err.msg);
	}
	ck_assert_msg(cdx_index_writer_commit(w, &err) == CDX_OK, "%s",
	              err.msg);
	/* then small batches */
	for (; i < 400; i += 25) {
		ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
		for (unsigned j = i; j < i + 25; j++) {
			struct cdx_doc d;

			snprintf(src, sizeof src, "g%u.txt", j);
			gen_text(text, sizeof text, j);
			d = mkdoc(src, NULL, NULL, text);
			ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, NULL,
			                                      NULL, &err), CDX_OK);
		}
		ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	}
	ck_assert_int_eq(cdx_index_stats(ix, &st, &err), CDX_OK);
	ck_assert_uint_eq(st.n_docs, 400);
	ck_assert_uint_gt(st.map_bytes, (uint64_t)1 << 20);
	ck_assert_uint_eq(hits_for(ix, "common"), 400);
	ck_assert_uint_eq(hits_for(ix, "doc123"), 1);
	assert_sound(ix);
	cdx_index_close(ix);
	/* reopening with the small map size still reads everything */
	ix = open_ix(t.path, 0, (size_t)1 << 20);
	ck_assert_uint_eq(hits_for(ix, "doc399"), 1);
	ck_assert_int_eq(cdx_index_delete(ix, "g5.txt", &err), CDX_OK);
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* Batches of sizes around the one that fills 1 MiB only while merging
 * postings at commit, so the commit's grow-and-replay path runs too. */
START_TEST(test_map_grows_at_commit)
{
	struct cdx_error err = CDX_ERROR_INIT;
	char src[32], text[1600];

	for (unsigned n = 96; n <= 136; n += 4) {
		struct cdx_index_writer *w;
		struct cdx_index *ix;
		struct tmp t;

		tmp_make(&t);
		ix = open_ix(t.path, CDX_INDEX_CREATE, (size_t)1 << 20);
		ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
		for (unsigned i = 0; i < n; i++) {
			struct cdx_doc d;

			snprintf(src, sizeof src, "g%u.txt", i);
			gen_text(text, sizeof text, i);
			d = mkdoc(src, NULL, NULL, text);
			ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, NULL,
			                                      NULL, &err), CDX_OK);
		}
		ck_assert_msg(cdx_index_writer_commit(w, &err) == CDX_OK, "%s",
		              err.msg);
		ck_assert_uint_eq(hits_for(ix, "common"), n);
		assert_sound(ix);
		cdx_index_close(ix);
		tmp_remove(&t);
	}
}
END_TEST

/* A text past INDEX_PART_MAX is stored in parts, and a source past the
 * LMDB key limit is keyed by a prefix and a hash. */
START_TEST(test_large_text_and_long_source)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_search_results r;
	struct cdx_doc_info info;
	struct cdx_index *ix;
	struct cdx_doc d;
	size_t cap = (size_t)1300 << 10, n = 0;
	char *text = malloc(cap), src[700];
	uint64_t id, id2;
	struct tmp t;

	ck_assert_ptr_nonnull(text);
	for (unsigned i = 0; n + 64 < cap; i++)
		n += (size_t)snprintf(text + n, cap - n, "w%u filler ", i % 5000);
	n += (size_t)snprintf(text + n, cap - n, "molybdenum at the end");
	memset(src, 'x', sizeof src - 1);
	memcpy(src, "https://example.org/", 20);
	src[sizeof src - 1] = '\0';
	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	d = mkdoc(src, NULL, NULL, text);
	ck_assert_int_eq(add1(ix, &d, NULL, &id), CDX_ADD_NEW);
	ck_assert_int_eq(add1(ix, &d, NULL, &id2), CDX_ADD_UNCHANGED);
	ck_assert_uint_eq(id, id2);
	ck_assert_int_eq(cdx_index_search(ix, "molybdenum", 5, &r, &err),
	                 CDX_OK);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.v[0].source, src);
	ck_assert_ptr_nonnull(strstr(r.v[0].snippet, "[molybdenum] at the end"));
	cdx_search_results_release(&r);
	ck_assert_int_eq(cdx_index_doc_get(ix, src, 1, &info, &err), CDX_OK);
	ck_assert_uint_eq(info.text_len, n);
	ck_assert_int_eq(memcmp(info.text, text, n), 0);
	cdx_doc_info_release(&info);
	/* another source sharing the long prefix is another document */
	src[sizeof src - 2] = 'y';
	ck_assert_int_eq(cdx_index_doc_get(ix, src, 0, &info, &err),
	                 CDX_ERR_NOTFOUND);
	src[sizeof src - 2] = 'x';
	assert_sound(ix);
	ck_assert_int_eq(cdx_index_delete(ix, src, &err), CDX_OK);
	ck_assert_uint_eq(hits_for(ix, "filler"), 0);
	assert_sound(ix);
	cdx_index_close(ix);
	free(text);
	tmp_remove(&t);
}
END_TEST

/* ------------------------------------------------------------ threads */

struct race {
	struct cdx_index *ix;
	atomic_int done;
};

struct reader_arg {
	struct race *race;
	int failures;      /* this reader's own counts: no sharing */
	uint64_t searches;
};

static void *reader(void *arg)
{
	struct reader_arg *a = arg;
	uint64_t last = 0;

	do {
		struct cdx_error err = CDX_ERROR_INIT;
		struct cdx_search_results res;

		if (cdx_index_search(a->race->ix, "common", 3, &res, &err) !=
		    CDX_OK || res.total < last)
			a->failures++;
		last = res.total;
		cdx_search_results_release(&res);
		a->searches++;
	} while (!atomic_load(&a->race->done));
	return NULL;
}

START_TEST(test_reader_during_writes)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct race r;
	struct reader_arg ra[2];
	struct cdx_index_writer *w;
	char src[32], text[1600];
	pthread_t th[2];
	struct tmp t;

	tmp_make(&t);
	/* a small map, so it grows while the readers run */
	r.ix = open_ix(t.path, CDX_INDEX_CREATE, (size_t)1 << 20);
	atomic_init(&r.done, 0);
	for (int i = 0; i < 2; i++) {
		ra[i] = (struct reader_arg){&r, 0, 0};
		ck_assert_int_eq(pthread_create(&th[i], NULL, reader, &ra[i]),
		                 0);
	}
	for (unsigned b = 0; b < 20; b++) {
		ck_assert_int_eq(cdx_index_writer_begin(&w, r.ix, &err), CDX_OK);
		for (unsigned j = b * 15; j < b * 15 + 15; j++) {
			struct cdx_doc d;

			snprintf(src, sizeof src, "r%u.txt", j);
			gen_text(text, sizeof text, j);
			d = mkdoc(src, NULL, NULL, text);
			ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, NULL,
			                                      NULL, &err), CDX_OK);
		}
		ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	}
	atomic_store(&r.done, 1);
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(ra[i].failures, 0);
		ck_assert_uint_gt(ra[i].searches, 0);
	}
	ck_assert_uint_eq(hits_for(r.ix, "common"), 300);
	cdx_index_close(r.ix);
	tmp_remove(&t);
}
END_TEST

/* ------------------------------------------------------------ real corpus */

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
		*len = fread(buf, 1, (size_t)n, fp);
		buf[*len] = '\0';
	}
	fclose(fp);
	return buf;
}

START_TEST(test_bbc_corpus)
{
	static const char *const topics[] = {
		"business", "entertainment", "politics", "sport", "tech",
	};
	CDX_SKIP_WITHOUT_SHARED(shared);
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w = NULL;
	struct cdx_index *ix;
	struct timespec t0, t1;
	size_t n_docs = 0;
	char path[512];
	double secs;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t k = 0; k < 5; k++) {
		for (unsigned i = 1; i < 1000; i++) {
			struct cdx_doc d;
			size_t len;
			char *text;

			snprintf(path, sizeof path, "%s/corpora/bbc-news/%s/%03u.txt",
			         shared, topics[k], i);
			text = slurp(path, &len);
			if (text == NULL)
				break;
			if (w == NULL)
				ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err),
				                 CDX_OK);
			d = mkdoc(path, NULL, NULL, text);
			d.len = len;
			ck_assert_int_eq(cdx_index_writer_add(w, &d, NULL, NULL,
			                                      NULL, &err), CDX_OK);
			free(text);
			if (++n_docs % 500 == 0) {
				ck_assert_int_eq(cdx_index_writer_commit(w, &err),
				                 CDX_OK);
				w = NULL;
			}
		}
	}
	if (w)
		ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "bbc: %zu documents indexed in %.2f s\n", n_docs, secs);
	if (n_docs == 0) {
		fprintf(stderr, "skipped: no bbc-news corpus\n");
	} else {
		ck_assert_uint_gt(n_docs, 2000);
		ck_assert_uint_gt(hits_for(ix, "profit"), 10);
		ck_assert_uint_gt(hits_for(ix, "election labour"), 10);
		assert_sound(ix);
	}
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

Suite *index_suite(void)
{
	Suite *s = suite_create("index");
	TCase *tc;

	tc = tcase_create("open, create and refuse");
	tcase_add_test(tc, test_open_create_reopen);
	tcase_add_test(tc, test_open_missing);
	tcase_add_loop_test(tc, test_open_not_an_index, 0,
	                    sizeof not_index / sizeof *not_index);
	tcase_add_test(tc, test_open_schema_mismatch);
	tcase_add_test(tc, test_readonly_refuses_writes);
	suite_add_tcase(s, tc);

	tc = tcase_create("search ranks with bm25");
	tcase_add_test(tc, test_search_bm25_order);
	tcase_add_test(tc, test_search_score_value);
	tcase_add_loop_test(tc, test_search_and_semantics, 0,
	                    sizeof and_rows / sizeof *and_rows);
	suite_add_tcase(s, tc);

	tc = tcase_create("snippets bracket matches");
	tcase_add_test(tc, test_search_snippet);
	suite_add_tcase(s, tc);

	tc = tcase_create("re-ingest, abort and delete");
	tcase_add_test(tc, test_reingest_outcomes);
	tcase_add_test(tc, test_abort_writes_nothing);
	tcase_add_test(tc, test_claim_outside_text);
	tcase_add_test(tc, test_delete);
	tcase_add_test(tc, test_large_text_and_long_source);
	suite_add_tcase(s, tc);

	tc = tcase_create("claims, entities and stats");
	tcase_add_test(tc, test_claims_by_source);
	tcase_add_loop_test(tc, test_claims_filters, 0,
	                    sizeof filter_rows / sizeof *filter_rows);
	tcase_add_test(tc, test_entities_and_stats);
	tcase_add_test(tc, test_doc_get);
	suite_add_tcase(s, tc);

	tc = tcase_create("check finds damage");
	tcase_add_test(tc, test_check_finds_damage);
	tcase_add_test(tc, test_check_truncated_record);
	suite_add_tcase(s, tc);

	tc = tcase_create("map grows from a tiny map");
	tcase_add_test(tc, test_map_grows);
	tcase_add_test(tc, test_map_grows_at_commit);
	suite_add_tcase(s, tc);

	tc = tcase_create("readers run beside the writer");
	tcase_add_test(tc, test_reader_during_writes);
	suite_add_tcase(s, tc);

	tc = tcase_create("indexes the bbc corpus quickly");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_bbc_corpus);
	suite_add_tcase(s, tc);
	return s;
}
