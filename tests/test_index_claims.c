/*
 * test_index_claims.c — claims read back by document, entity, kind,
 * commodity, value range and year; entities and stats; documents; delete;
 * and the consistency check on a damaged index.
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
	struct cdx_claims cl = {v, 3, 3, NULL, NULL};
	struct cdx_claims cl2 = {&w1, 1, 1, NULL, NULL};
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
	const char *commodity, *value;
	int year;
} filter_rows[] = {
	{NULL, -1, NULL, 0, "92 percent|$500 million|40,000 tons|5 percent", NULL, NULL, 0},
	{"china", -1, NULL, 0, "92 percent|40,000 tons", NULL, NULL, 0},
	{"CHINA", CDX_KIND_MASS, NULL, 0, "40,000 tons", NULL, NULL, 0},
	{"Rare Earths", -1, NULL, 0, "92 percent", NULL, NULL, 0},
	{"copper", -1, NULL, 0, "5 percent", NULL, NULL, 0},
	{NULL, CDX_KIND_PERCENT, NULL, 0, "92 percent|5 percent", NULL, NULL, 0},
	{NULL, CDX_KIND_PERCENT, "other.txt", 0, "5 percent", NULL, NULL, 0},
	{"china", -1, "other.txt", 0, "", NULL, NULL, 0},
	{NULL, CDX_KIND_DATE, NULL, 0, "", NULL, NULL, 0},
	{"atlantis", -1, NULL, 0, "", NULL, NULL, 0},
	{NULL, -1, NULL, 2, "92 percent|$500 million", NULL, NULL, 0},
	{"china", -1, NULL, 1, "92 percent", NULL, NULL, 0},
	{NULL, -1, NULL, 0, "40,000 tons", "lithium", NULL, 0},
	{NULL, -1, NULL, 0, "", "china", NULL, 0},
	{NULL, -1, NULL, 0, "92 percent|$500 million|40,000 tons", NULL, ">50",
	 0},
	{NULL, -1, NULL, 0, "5 percent", NULL, "<=5", 0},
	{NULL, CDX_KIND_PERCENT, NULL, 0, "92 percent", NULL, "90..100", 0},
	{NULL, -1, NULL, 0, "40,000 tons", NULL, NULL, 2024},
	{NULL, -1, NULL, 0, "92 percent|$500 million", NULL, NULL, 2025},
	{"china", -1, NULL, 0, "92 percent", NULL, NULL, 2025},
	{"china", -1, NULL, 0, "40,000 tons", "lithium", ">=40000", 2024},
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
	f.commodity = filter_rows[_i].commodity;
	f.value = filter_rows[_i].value;
	f.year = filter_rows[_i].year;
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
	f.kind = -1;
	f.value = "lots";
	ck_assert_int_eq(cdx_index_claims(ix, &f, &r, &err), CDX_ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "'lots'"));
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
	/* the texts, and the title the first does not open with */
	ck_assert_uint_eq(st.text_bytes, strlen(claims_text) +
	                  strlen("Chile sold 5 percent more copper.") +
	                  strlen("Minerals"));
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
	/* drop document 1's record (its block: 2's too) behind the
	 * index's back */
	raw_open(t.path, "docs", &env, &txn, &dbi);
	index_put_be64(one, id >> INDEX_DOC_SHIFT);
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
	index_put_be64(idb, id >> INDEX_DOC_SHIFT); /* its block */
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

void index_add_claims_cases(Suite *s)
{
	TCase *tc = tcase_create("claims, entities and stats");

	tcase_add_test(tc, test_claims_by_source);
	tcase_add_loop_test(tc, test_claims_filters, 0,
	                    sizeof filter_rows / sizeof *filter_rows);
	tcase_add_test(tc, test_entities_and_stats);
	tcase_add_test(tc, test_doc_get);
	tcase_add_test(tc, test_delete);
	suite_add_tcase(s, tc);

	tc = tcase_create("check finds damage");
	tcase_add_test(tc, test_check_finds_damage);
	tcase_add_test(tc, test_check_truncated_record);
	suite_add_tcase(s, tc);
}
