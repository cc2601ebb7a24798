/*
 * test_index_claimrec.c — a document's claims record (indexer/
 * claimrec.c): every field round-trips, repeated strings are stored once,
 * damage at any byte is CDX_ERR_CORRUPT and never a read past the end,
 * claims are found by (document, ordinal) id, and the check reports a
 * claims record that disagrees with its document or with by_entity.
 * Also the source prefix table (indexer/prefix.c): sources split and
 * read back whole, and a missing prefix reported; and the by_entity
 * chunks (indexer/entlist.c) through appends, deletes and replaces.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"
#include "test_index.h"

/* Three claims over one text: shared sentence, shared strings, a range
 * of doubles, parties (one missing), an empty non-NULL subject. */
static size_t three_claims(struct cdx_claim v[3])
{
	memset(v, 0, 3 * sizeof *v);
	v[0].kind = CDX_KIND_PERCENT;
	v[0].start = 10;
	v[0].end = 20;
	v[0].sent_start = 0;
	v[0].sent_end = 60;
	v[0].value = 92;
	v[0].value_max = NAN;
	strcpy(v[0].unit, "%");
	v[0].subject = "China";
	v[0].commodity = "rare earths";

	v[1] = v[0];
	v[1].kind = CDX_KIND_MONEY;
	v[1].start = 30;
	v[1].end = 41;
	v[1].value = 2.5;
	v[1].value_max = 3.75;
	v[1].qualifier = CDX_QUAL_RANGE;
	v[1].change = CDX_CHANGE_UP;
	strcpy(v[1].unit, "USD");
	strcpy(v[1].per, "lb");
	strcpy(v[1].time, "2030");
	v[1].commodity = NULL;
	v[1].metric = "price";

	v[2].kind = CDX_KIND_AGREEMENT;
	v[2].start = 5000; /* a long delta; a sentence after the figure */
	v[2].end = 5004;
	v[2].sent_start = 5001;
	v[2].sent_end = 5003;
	v[2].value = NAN;
	v[2].value_max = -1e300;
	strcpy(v[2].value_str, "2027-10");
	v[2].subject = "";
	v[2].parties[0] = "China";
	v[2].parties[1] = NULL;
	v[2].parties[2] = "Chile";
	v[2].n_parties = 3;
	return 3;
}

static void same_str(const char *got, size_t n, const char *want)
{
	if (want == NULL) {
		ck_assert_ptr_null(got);
		return;
	}
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(n, strlen(want));
	ck_assert(memcmp(got, want, n) == 0);
}

static void same_double(double got, double want)
{
	if (isnan(want))
		ck_assert(isnan(got));
	else
		ck_assert(got == want);
}

static void pack(const struct cdx_claim *v, size_t n, struct cdx_buf *b)
{
	struct index_strmap strs = {0};

	cdx_buf_init(b, SIZE_MAX / 2);
	ck_assert_int_eq(index_claims_pack(NULL, NULL, v, n, &strs, b, NULL),
	                 CDX_OK);
	index_strmap_release(&strs);
}

START_TEST(test_round_trip)
{
	struct cdx_claim v[3];
	size_t n = three_claims(v);
	struct index_claims_rd rd;
	struct index_claimrec r;
	struct cdx_buf b;

	pack(v, n, &b);
	ck_assert_int_eq(index_claims_open(&rd, NULL, NULL, 7, b.ptr, b.len),
	                 CDX_OK);
	ck_assert_uint_eq(rd.n, 3);
	for (size_t i = 0; i < n; i++) {
		const struct cdx_claim *w = &v[i];

		ck_assert_int_eq(index_claims_next(&rd, &r), CDX_OK);
		ck_assert_uint_eq(r.doc, 7);
		ck_assert_uint_eq(r.ord, i);
		ck_assert_int_eq(r.c.kind, w->kind);
		ck_assert_int_eq(r.c.qualifier, w->qualifier);
		ck_assert_int_eq(r.c.change, w->change);
		ck_assert_uint_eq(r.c.start, w->start);
		ck_assert_uint_eq(r.c.end, w->end);
		ck_assert_uint_eq(r.c.sent_start, w->sent_start);
		ck_assert_uint_eq(r.c.sent_end, w->sent_end);
		same_double(r.c.value, w->value);
		same_double(r.c.value_max, w->value_max);
		ck_assert_str_eq(r.c.value_str, w->value_str);
		ck_assert_str_eq(r.c.unit, w->unit);
		ck_assert_str_eq(r.c.per, w->per);
		ck_assert_str_eq(r.c.time, w->time);
		same_str(r.c.subject, r.subject_len, w->subject);
		same_str(r.c.commodity, r.commodity_len, w->commodity);
		same_str(r.c.metric, r.metric_len, w->metric);
		ck_assert_uint_eq(r.c.n_parties, w->n_parties);
		for (unsigned j = 0; j < w->n_parties; j++)
			same_str(r.c.parties[j], r.party_len[j],
			         w->parties[j] ? w->parties[j] : "");
	}
	ck_assert_int_eq(index_claims_next(&rd, &r), CDX_ERR_ITEROVER);
	index_claims_release(&rd);
	index_claims_release(NULL);
	cdx_buf_release(&b);
}
END_TEST

/* Strings repeated across a document's claims are stored once, and the
 * reader's string table grows past its inline room. */
START_TEST(test_strings_once)
{
	enum { N = 100 };
	static const char subject[] = "Democratic Republic of the Congo";
	struct cdx_claim *v = calloc(N, sizeof *v);
	char names[N][16];
	struct index_claims_rd rd;
	struct index_claimrec r;
	struct cdx_buf b;
	int rc;

	ck_assert_ptr_nonnull(v);
	for (size_t i = 0; i < N; i++) {
		v[i].kind = CDX_KIND_MASS;
		v[i].start = (uint32_t)(100 * i);
		v[i].end = v[i].start + 5;
		v[i].value = (double)i;
		v[i].value_max = NAN;
		v[i].subject = subject;
		snprintf(names[i], sizeof names[i], "metal %zu", i);
		v[i].commodity = names[i];
	}
	pack(v, N, &b);
	/* each claim: 3 flags, 2 offsets, 2 sentence, 1 value, 2 refs and
	 * its commodity; the subject once */
	ck_assert_uint_lt(b.len, sizeof subject + N * (10 + 1 + 9));
	ck_assert_int_eq(index_claims_open(&rd, NULL, NULL, 1, b.ptr, b.len),
	                 CDX_OK);
	for (size_t i = 0; (rc = index_claims_next(&rd, &r)) == CDX_OK; i++) {
		same_str(r.c.subject, r.subject_len, subject);
		same_str(r.c.commodity, r.commodity_len, names[i]);
	}
	ck_assert_int_eq(rc, CDX_ERR_ITEROVER);
	ck_assert_uint_eq(rd.i, N);
	index_claims_release(&rd);
	cdx_buf_release(&b);
	free(v);
}
END_TEST

/* Read a record to its end: the status that stopped it. */
static int read_all(const void *p, size_t n)
{
	struct index_claims_rd rd;
	struct index_claimrec r;
	int rc = index_claims_open(&rd, NULL, NULL, 1, p, n);

	while (rc == CDX_OK)
		rc = index_claims_next(&rd, &r);
	index_claims_release(&rd);
	return rc;
}

/* Every truncation and some bad bytes are CORRUPT; each try reads an
 * exactly sized copy, so a read past the end trips the sanitizer. */
START_TEST(test_damage)
{
	struct cdx_claim v[3];
	size_t n = three_claims(v);
	struct cdx_buf b;
	uint8_t *copy;

	pack(v, n, &b);
	ck_assert_int_eq(read_all(b.ptr, b.len), CDX_ERR_ITEROVER);
	for (size_t len = 0; len < b.len; len++) {
		copy = malloc(len ? len : 1);
		memcpy(copy, b.ptr, len);
		ck_assert_msg(read_all(copy, len) == CDX_ERR_CORRUPT,
		              "cut at %zu of %zu", len, b.len);
		free(copy);
	}
	copy = malloc(b.len + 1);
	/* trailing bytes */
	memcpy(copy, b.ptr, b.len);
	copy[b.len] = 0;
	ck_assert_int_eq(read_all(copy, b.len + 1), CDX_ERR_CORRUPT);
	/* a kind past the last */
	memcpy(copy, b.ptr, b.len);
	copy[1] = (uint8_t)((copy[1] & 0xf0) | 15);
	ck_assert_int_eq(read_all(copy, b.len), CDX_ERR_CORRUPT);
	/* more claims than bytes */
	memcpy(copy, b.ptr, b.len);
	copy[0] = 0x7f;
	ck_assert_int_eq(read_all(copy, b.len), CDX_ERR_CORRUPT);
	free(copy);
	cdx_buf_release(&b);
}
END_TEST

/* ------------------------------------------------------------ index */

static const char text[] =
	"China holds 92 percent of rare earths. Chile mined 5 tons of "
	"lithium. China sold 7 tons of cobalt.";

static void text_claims(struct cdx_claim v[3])
{
	const char *s1 = "China holds 92 percent of rare earths.";
	const char *s2 = "Chile mined 5 tons of lithium.";
	const char *s3 = "China sold 7 tons of cobalt.";

	v[0] = mkclaim(text, s1, "92 percent", CDX_KIND_PERCENT, 92, "%",
	               "China", "rare earths");
	v[1] = mkclaim(text, s2, "5 tons", CDX_KIND_MASS, 5, "t", "Chile",
	               "lithium");
	v[2] = mkclaim(text, s3, "7 tons", CDX_KIND_MASS, 7, "t", "China",
	               "cobalt");
}

static struct cdx_index *index_three(struct tmp *t, uint64_t *id)
{
	struct cdx_claim v[3];
	struct cdx_claims cl = {v, 3, 3, NULL, NULL};
	struct cdx_doc d = mkdoc("three.txt", NULL, "2025-01-02", text);
	struct cdx_index *ix = open_ix(t->path, CDX_INDEX_CREATE, 0);

	text_claims(v);
	ck_assert_int_eq(add1(ix, &d, &cl, id), CDX_ADD_NEW);
	return ix;
}

START_TEST(test_claim_by_id)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct index_claim_cur cc = {0};
	struct index_claimrec r;
	struct cdx_index *ix;
	uint64_t id;
	struct tmp t;

	tmp_make(&t);
	ix = index_three(&t, &id);
	cc.ix = ix;
	ck_assert_int_eq(index_read_begin(ix, &cc.txn, &err), CDX_OK);
	ck_assert_int_eq(index_claim_get(&cc, index_claim_id(id, 2), &r, &err),
	                 CDX_OK);
	ck_assert_uint_eq(r.ord, 2);
	same_str(r.c.commodity, r.commodity_len, "cobalt");
	/* backwards reads the record again */
	ck_assert_int_eq(index_claim_get(&cc, index_claim_id(id, 0), &r, &err),
	                 CDX_OK);
	same_str(r.c.commodity, r.commodity_len, "rare earths");
	ck_assert_int_eq(index_claim_get(&cc, index_claim_id(id, 1), &r, &err),
	                 CDX_OK);
	same_str(r.c.subject, r.subject_len, "Chile");
	ck_assert_int_eq(index_claim_get(&cc, index_claim_id(id, 3), &r, &err),
	                 CDX_ERR_NOTFOUND);
	ck_assert_int_eq(index_claim_get(&cc, index_claim_id(id + 1, 0), &r,
	                                 &err), CDX_ERR_NOTFOUND);
	index_claim_cur_release(&cc);
	index_claim_cur_release(NULL);
	index_read_end(ix, cc.txn);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

struct all_problems {
	char text[4096];
};

static void on_any(void *ctx, const char *msg)
{
	struct all_problems *p = ctx;
	size_t n = strlen(p->text);

	snprintf(p->text + n, sizeof p->text - n, "%s\n", msg);
}

/* Ways to damage the claims database, and what the check must say. */
enum { MOVE_TO_NEW_DOC, FEWER_CLAIMS, GARBAGE, DROP, N_DAMAGE };

static const char *const damage_says[N_DAMAGE] = {
	"claims are stored for document 9, which does not exist",
	"lists claim 2 of document 1, which does not exist",
	"the claims of document 1 cannot be decoded",
	"the claims of document 1 are missing",
};

START_TEST(test_check_reports_claims)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct all_problems p = {""};
	struct cdx_claim v[3];
	struct cdx_index *ix;
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	MDB_val d;
	MDB_txn *txn;
	uint64_t id, to;
	struct tmp t;

	tmp_make(&t);
	ix = index_three(&t, &id);
	ck_assert_uint_eq(id, 1);
	assert_sound(ix);
	/* the claims record taken out of its block, and put back as the
	 * damage says */
	ck_assert_int_eq(index_write_begin(ix, &txn, &err), CDX_OK);
	ck_assert_int_eq(index_block_get(ix, txn, DB_CLAIMS, id, &d, &err),
	                 CDX_OK);
	ck_assert_int_eq(cdx_buf_add(&b, d.mv_data, d.mv_size), CDX_OK);
	ck_assert_int_eq(index_block_del(ix, txn, DB_CLAIMS, id, &err),
	                 CDX_OK);
	to = _i == MOVE_TO_NEW_DOC ? 9 : id;
	switch (_i) {
	case FEWER_CLAIMS:
		/* the record of the first two claims only */
		text_claims(v);
		cdx_buf_release(&b);
		pack(v, 2, &b);
		break;
	case GARBAGE:
		cdx_buf_clear(&b);
		ck_assert_int_eq(cdx_buf_add(&b, "\x05\x0f\x01", 3), CDX_OK);
		break;
	default:
		break;
	}
	if (_i != DROP)
		ck_assert_int_eq(index_block_put(ix, txn, DB_CLAIMS, to, b.ptr,
		                                 b.len, &err), CDX_OK);
	ck_assert_int_eq(index_write_commit(ix, txn, &err), CDX_OK);
	cdx_buf_release(&b);
	cdx_index_close(ix);
	ix = open_ix(t.path, 0, 0);
	ck_assert_int_eq(cdx_index_check(ix, on_any, &p, NULL, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_msg(strstr(p.text, damage_says[_i]) != NULL,
	              "'%s' not in:\n%s", damage_says[_i], p.text);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* A claims block that does not decode: the reader says so (naming the
 * document), and so does the check (naming the block). */
START_TEST(test_claims_block_damage)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct all_problems p = {""};
	struct index_claims_rd rd;
	struct cdx_index *ix;
	uint8_t kb[8] = {0};
	MDB_val k = {8, kb}, d = {3, (void *)"\x01\x09\x01"};
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	uint64_t id;
	struct tmp t;

	tmp_make(&t);
	ix = index_three(&t, &id);
	cdx_index_close(ix);
	/* slot 1, length 9, one byte there */
	raw_open(t.path, "claims", &env, &txn, &dbi);
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &d, 0), 0);
	raw_close(env, txn);
	ix = open_ix(t.path, 0, 0);
	ck_assert_int_eq(index_read_begin(ix, &txn, &err), CDX_OK);
	ck_assert_int_eq(index_claims_read(ix, txn, id, &rd, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_ptr_nonnull(strstr(err.msg, "claims of document 1"));
	index_claims_release(&rd);
	index_read_end(ix, txn);
	ck_assert_int_eq(cdx_index_check(ix, on_any, &p, NULL, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_msg(strstr(p.text, "the claims of documents 0.. cannot be "
	                     "decoded") != NULL, "%s", p.text);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* ------------------------------------------------------------ prefixes */

START_TEST(test_source_split)
{
	char longs[INDEX_SOURCE_SPLIT_MAX + 8];

	ck_assert_uint_eq(index_source_split("/a/b/c.txt", 10), 5);
	ck_assert_uint_eq(index_source_split("x/y.sgm#12", 10), 8);
	ck_assert_uint_eq(index_source_split("ab/c", 4), 0);
	ck_assert_uint_eq(index_source_split("plain.txt", 9), 0);
	ck_assert_uint_eq(index_source_split("/data/", 6), 6);
	memset(longs, 'a', sizeof longs);
	longs[1] = '/';
	ck_assert_uint_eq(index_source_split(longs, sizeof longs), 0);
	ck_assert_uint_eq(index_source_split(longs, 10), 0);
	longs[6] = '/';
	ck_assert_uint_eq(index_source_split(longs, 10), 7);
}
END_TEST

static const char *const prefixed[] = {
	"/data/news/a.txt", "/data/news/b.txt", "/data/wire.sgm#1",
	"/data/wire.sgm#2", "/data/", "short", "/data/news/a.txt#x",
};
#define N_PREFIXED (sizeof prefixed / sizeof *prefixed)

static uint64_t prefix_entries(const char *path)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_stat st;

	raw_open(path, "prefixes", &env, &txn, &dbi);
	ck_assert_int_eq(mdb_stat(txn, dbi, &st), 0);
	raw_close(env, txn);
	return st.ms_entries;
}

/* Sources come back whole wherever they are read; replacing and
 * re-adding documents reuses their prefixes. */
START_TEST(test_sources_whole)
{
	struct cdx_claim_filter f = CDX_CLAIM_FILTER_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_claim_rows rows;
	struct cdx_doc_info info;
	struct cdx_index *ix;
	char body[64];
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	for (size_t i = 0; i < N_PREFIXED; i++) {
		struct cdx_claim c;
		struct cdx_claims cl = {&c, 1, 1, NULL, NULL};
		struct cdx_doc d;

		snprintf(body, sizeof body, "Peru mined %zu tons of zinc.",
		         i + 10);
		d = mkdoc(prefixed[i], NULL, NULL, body);
		c = mkclaim(body, body, "tons", CDX_KIND_MASS, 1, "t", "Peru",
		            "zinc");
		ck_assert_int_eq(add1(ix, &d, &cl, NULL), CDX_ADD_NEW);
	}
	for (size_t i = 0; i < N_PREFIXED; i++) {
		ck_assert_int_eq(cdx_index_doc_get(ix, prefixed[i], 0, &info,
		                                   &err), CDX_OK);
		ck_assert_str_eq(info.source, prefixed[i]);
		ck_assert_uint_eq(info.id, i + 1);
		cdx_doc_info_release(&info);
	}
	ck_assert_int_eq(cdx_index_claims(ix, &f, &rows, &err), CDX_OK);
	ck_assert_uint_eq(rows.n, N_PREFIXED);
	for (size_t i = 0; i < N_PREFIXED; i++)
		ck_assert_str_eq(rows.v[i].source, prefixed[i]);
	cdx_claim_rows_release(&rows);
	ck_assert_uint_eq(hits_for(ix, "zinc source:wire.sgm#2"), 1);
	assert_sound(ix);
	/* a changed text replaces its document; a delete and re-add */
	{
		struct cdx_doc d = mkdoc(prefixed[1], NULL, NULL, "Changed.");

		ck_assert_int_eq(add1(ix, &d, NULL, NULL), CDX_ADD_REPLACED);
		ck_assert_int_eq(cdx_index_delete(ix, prefixed[2], &err),
		                 CDX_OK);
		d = mkdoc(prefixed[2], NULL, NULL, "Again.");
		ck_assert_int_eq(add1(ix, &d, NULL, NULL), CDX_ADD_NEW);
	}
	assert_sound(ix);
	cdx_index_close(ix);
	/* "/data/news/", "/data/", "/data/wire.sgm#", "/data/news/a.txt#"
	 * ("/data/" whole is its own prefix), each both ways */
	ck_assert_uint_eq(prefix_entries(t.path), 8);
	tmp_remove(&t);
}
END_TEST

START_TEST(test_missing_prefix)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct all_problems p = {""};
	struct cdx_doc_info info;
	struct cdx_index *ix;
	struct cdx_doc d = mkdoc("/data/news/a.txt", NULL, NULL, "Some text.");
	uint8_t rk[5] = {0, 0, 0, 0, 0};
	MDB_val k = {5, rk};
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(add1(ix, &d, NULL, NULL), CDX_ADD_NEW);
	cdx_index_close(ix);
	raw_open(t.path, "prefixes", &env, &txn, &dbi);
	ck_assert_int_eq(mdb_del(txn, dbi, &k, NULL), 0);
	raw_close(env, txn);
	ix = open_ix(t.path, 0, 0);
	ck_assert_int_eq(cdx_index_doc_get(ix, "1", 0, &info, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_ptr_nonnull(strstr(err.msg, "prefix"));
	ck_assert_int_eq(cdx_index_check(ix, on_any, &p, NULL, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_msg(strstr(p.text, "names source prefix 0, which does not "
	                     "exist") != NULL, "%s", p.text);
	ck_assert_msg(strstr(p.text, "source prefix '/data/news/' has no id")
	              != NULL, "%s", p.text);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* ------------------------------------------------------------ by entity */

enum { N_CHUNKY = 400 };

static size_t count_entity(struct cdx_index *ix, const char *name)
{
	struct cdx_claim_filter f = CDX_CLAIM_FILTER_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_claim_rows rows;
	size_t n;

	f.entity = name;
	ck_assert_int_eq(cdx_index_claims(ix, &f, &rows, &err), CDX_OK);
	n = rows.n;
	for (size_t i = 1; i < n; i++)
		ck_assert(rows.v[i - 1].doc_id < rows.v[i].doc_id ||
		          (rows.v[i - 1].doc_id == rows.v[i].doc_id &&
		           rows.v[i - 1].claim.start < rows.v[i].claim.start));
	cdx_claim_rows_release(&rows);
	return n;
}

static int count_cb(void *ctx, const char *name, uint64_t n)
{
	uint64_t *out = ctx;

	if (strcmp(name, "Chile") == 0)
		*out = n;
	return 0;
}

/* One entity over many documents fills several chunks; deleting the
 * first document of a chunk, one inside it and a replaced one keep the
 * lists exact; the last claim's removal drops the name. */
START_TEST(test_entity_chunks)
{
	static const char body[] = "Chile sold 5 tons and 6 tons of copper.";
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_writer *w = NULL;
	struct cdx_claim v[2];
	struct cdx_claims cl = {v, 2, 2, NULL, NULL};
	struct cdx_index *ix;
	char src[32];
	uint64_t n = 0;
	size_t left = 2 * N_CHUNKY;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	v[0] = mkclaim(body, body, "5 tons", CDX_KIND_MASS, 5, "t", "Chile",
	               "copper");
	v[1] = mkclaim(body, body, "6 tons", CDX_KIND_MASS, 6, "t", "copper",
	               "Chile");
	ck_assert_int_eq(cdx_index_writer_begin(&w, ix, &err), CDX_OK);
	for (int i = 0; i < N_CHUNKY; i++) {
		char txt[64];
		struct cdx_doc d;

		snprintf(src, sizeof src, "/c/%d.txt", i);
		snprintf(txt, sizeof txt, "%s %d", body, i);
		d = mkdoc(src, NULL, NULL, txt);
		ck_assert_int_eq(cdx_index_writer_add(w, &d, &cl, NULL, NULL,
		                                      &err), CDX_OK);
	}
	ck_assert_int_eq(cdx_index_writer_commit(w, &err), CDX_OK);
	ck_assert_uint_eq(count_entity(ix, "Chile"), left);
	ck_assert_uint_eq(count_entity(ix, "copper"), left);
	assert_sound(ix);
	/* every 37th document, then a replaced one */
	for (int i = 0; i < N_CHUNKY; i += 37) {
		snprintf(src, sizeof src, "/c/%d.txt", i);
		ck_assert_int_eq(cdx_index_delete(ix, src, &err), CDX_OK);
		left -= 2;
	}
	{
		struct cdx_doc d = mkdoc("/c/200.txt", NULL, NULL, "Other.");

		ck_assert_int_eq(add1(ix, &d, NULL, NULL), CDX_ADD_REPLACED);
		left -= 2;
	}
	ck_assert_uint_eq(count_entity(ix, "Chile"), left);
	ck_assert_int_eq(cdx_index_entities(ix, count_cb, &n, &err), CDX_OK);
	ck_assert_uint_eq(n, left);
	assert_sound(ix);
	for (int i = 0; i < N_CHUNKY; i++) {
		snprintf(src, sizeof src, "/c/%d.txt", i);
		if (i % 37 && i != 200)
			ck_assert_int_eq(cdx_index_delete(ix, src, &err),
			                 CDX_OK);
	}
	ck_assert_uint_eq(count_entity(ix, "Chile"), 0);
	n = 0;
	ck_assert_int_eq(cdx_index_entities(ix, count_cb, &n, &err), CDX_OK);
	ck_assert_uint_eq(n, 0);
	assert_sound(ix);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* A damaged chunk is reported, and claims queries skip it. */
START_TEST(test_entity_chunk_damage)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct all_problems p = {""};
	struct cdx_index *ix;
	uint8_t key[16] = "chile";
	MDB_val k = {8, key}, d = {3, (void *)"\x01\xff\xff"};
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	uint64_t id;
	struct tmp t;

	tmp_make(&t);
	ix = index_three(&t, &id);
	cdx_index_close(ix);
	raw_open(t.path, "by_entity", &env, &txn, &dbi);
	ck_assert_uint_lt(id, 256);
	key[6] = 1; /* "chile" 0x00, then the doc in one byte */
	key[7] = (uint8_t)id;
	ck_assert_int_eq(mdb_get(txn, dbi, &k, &(MDB_val){0, NULL}), 0);
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &d, 0), 0);
	raw_close(env, txn);
	ix = open_ix(t.path, 0, 0);
	ck_assert_uint_eq(count_entity(ix, "Chile"), 0);
	ck_assert_int_eq(cdx_index_check(ix, on_any, &p, NULL, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_msg(strstr(p.text, "entity 'chile'") != NULL, "%s", p.text);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

void index_add_claimrec_cases(Suite *s)
{
	TCase *tc = tcase_create("claims records");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_strings_once);
	tcase_add_test(tc, test_damage);
	tcase_add_test(tc, test_claim_by_id);
	tcase_add_loop_test(tc, test_check_reports_claims, 0, N_DAMAGE);
	tcase_add_test(tc, test_claims_block_damage);
	suite_add_tcase(s, tc);

	tc = tcase_create("source prefixes");
	tcase_add_test(tc, test_source_split);
	tcase_add_test(tc, test_sources_whole);
	tcase_add_test(tc, test_missing_prefix);
	suite_add_tcase(s, tc);

	tc = tcase_create("claims by entity");
	tcase_add_test(tc, test_entity_chunks);
	tcase_add_test(tc, test_entity_chunk_damage);
	suite_add_tcase(s, tc);
}
