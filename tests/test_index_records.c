/*
 * test_index_records.c — the compact encodings of schema 7: a claims
 * record's field byte (absent string fields cost nothing), a doc record's
 * day-coded date and the content hash recomputed from the text instead of
 * stored; round trips, boundaries, damage, and check still catching a
 * content-hash entry that names the wrong document.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"
#include "test_index.h"

/* ------------------------------------------------------------ claims */

static void pack_claims(const struct cdx_claim *v, size_t n,
                        struct cdx_buf *b)
{
	struct index_strmap strs = {0};

	cdx_buf_init(b, SIZE_MAX / 2);
	ck_assert_int_eq(index_claims_pack(v, n, &strs, b), CDX_OK);
	index_strmap_release(&strs);
}

static int read_claims(const void *p, size_t n, struct index_claimrec *last)
{
	struct index_claims_rd rd;
	struct index_claimrec r;
	int rc = index_claims_open(&rd, 1, p, n);

	while (rc == CDX_OK && (rc = index_claims_next(&rd, &r)) == CDX_OK)
		if (last)
			*last = r;
	index_claims_release(&rd);
	return rc;
}

/* A bare claim (no string field) packs to count, 3 flag bytes, start,
 * length, a whole value: 7 bytes, where 7 empty references took 7 more. */
START_TEST(test_absent_fields_cost_nothing)
{
	struct cdx_claim c;
	struct index_claimrec r;
	struct cdx_buf b;

	memset(&c, 0, sizeof c);
	c.kind = CDX_KIND_COUNT;
	c.start = 3;
	c.end = 5;
	c.value = 12;
	c.value_max = NAN;
	pack_claims(&c, 1, &b);
	ck_assert_uint_eq(b.len, 7);
	ck_assert_int_eq(read_claims(b.ptr, b.len, &r), CDX_ERR_ITEROVER);
	ck_assert_str_eq(r.c.unit, "");
	ck_assert_str_eq(r.c.value_str, "");
	ck_assert_ptr_null(r.c.subject);
	ck_assert_ptr_null(r.c.commodity);
	ck_assert_ptr_null(r.c.metric);
	ck_assert(r.c.value == 12);
	cdx_buf_release(&b);
}
END_TEST

/* Each field alone round-trips, and so do all seven at once. */
START_TEST(test_each_field)
{
	struct cdx_claim c;
	struct index_claimrec r;
	struct cdx_buf b;
	int f = _i;

	memset(&c, 0, sizeof c);
	c.kind = CDX_KIND_MONEY;
	c.value = NAN;
	c.value_max = NAN;
	if (f == 0 || f == 7)
		strcpy(c.value_str, "2027-10");
	if (f == 1 || f == 7)
		strcpy(c.unit, "USD");
	if (f == 2 || f == 7)
		strcpy(c.per, "lb");
	if (f == 3 || f == 7)
		strcpy(c.time, "2030");
	if (f == 4 || f == 7)
		c.subject = "Chile";
	if (f == 5 || f == 7)
		c.commodity = "copper";
	if (f == 6 || f == 7)
		c.metric = "price";
	pack_claims(&c, 1, &b);
	ck_assert_int_eq(read_claims(b.ptr, b.len, &r), CDX_ERR_ITEROVER);
	ck_assert_str_eq(r.c.value_str, c.value_str);
	ck_assert_str_eq(r.c.unit, c.unit);
	ck_assert_str_eq(r.c.per, c.per);
	ck_assert_str_eq(r.c.time, c.time);
	ck_assert_int_eq(r.c.subject != NULL, c.subject != NULL);
	ck_assert_int_eq(r.c.commodity != NULL, c.commodity != NULL);
	ck_assert_int_eq(r.c.metric != NULL, c.metric != NULL);
	if (c.subject)
		ck_assert(r.subject_len == 5 && !memcmp(r.c.subject, "Chile", 5));
	if (c.commodity)
		ck_assert(r.commodity_len == 6 &&
		          !memcmp(r.c.commodity, "copper", 6));
	if (c.metric)
		ck_assert(r.metric_len == 5 && !memcmp(r.c.metric, "price", 5));
	cdx_buf_release(&b);
}
END_TEST

/* A field byte with its spare bit, a reference past the strings seen,
 * and a present field whose string is empty are damage. */
START_TEST(test_field_damage)
{
	/* count 1; kind count, value int in the sentence before (none),
	 * fields: unit; start 0, length 1; value 2; unit: new string 0 of
	 * length 1, "%" */
	const uint8_t good[] = {1, CDX_KIND_COUNT, 0x41, 2, 0, 1, 4, 0, 1,
	                        '%'};
	uint8_t bad[sizeof good];

	ck_assert_int_eq(read_claims(good, sizeof good, NULL),
	                 CDX_ERR_ITEROVER);
	memcpy(bad, good, sizeof good);
	bad[3] |= 0x80;
	ck_assert_int_eq(read_claims(bad, sizeof bad, NULL), CDX_ERR_CORRUPT);
	memcpy(bad, good, sizeof good);
	bad[7] = 1; /* string 1 when none was seen */
	ck_assert_int_eq(read_claims(bad, sizeof bad, NULL), CDX_ERR_CORRUPT);
	memcpy(bad, good, sizeof good);
	bad[8] = 0; /* an empty unit, and a trailing byte */
	ck_assert_int_eq(read_claims(bad, sizeof bad - 1, NULL),
	                 CDX_ERR_CORRUPT);
}
END_TEST

/* ------------------------------------------------------------ docs */

static void pack_doc(const char *date, struct cdx_buf *b)
{
	struct index_docrec r;

	memset(&r, 0, sizeof r);
	r.n_tokens = 300;
	r.text_off = 1u << 20;
	r.text_len = 2000;
	r.n_claims = 4;
	r.hash = 0x0123456789abcdefULL; /* the writer's; not stored */
	r.format = 2;
	r.source = "a.txt";
	r.source_len = 5;
	r.title = "Title";
	r.title_len = 5;
	r.date = date;
	r.date_len = date ? strlen(date) : 0;
	cdx_buf_init(b, SIZE_MAX / 2);
	ck_assert_int_eq(index_docrec_pack(&r, b), CDX_OK);
}

static const char *const dates[] = {
	"1987-02-26", "0000-01-01", "9999-12-31", "2024-02-31", /* day codes */
	"2024-13-01", "2024-00-10", "2024-01-00", "1987-2-26", "1987",
	"26 Feb 1987", "1987-02-26T10:00", "", NULL,         /* kept as is */
};
#define N_DATES (sizeof dates / sizeof *dates)

START_TEST(test_doc_dates)
{
	const char *date = dates[_i];
	struct index_docrec r;
	struct cdx_buf b;
	uint8_t *copy;

	pack_doc(date, &b);
	ck_assert_int_eq(index_docrec_unpack(b.ptr, b.len, &r), CDX_OK);
	ck_assert_uint_eq(r.n_tokens, 300);
	ck_assert_uint_eq(r.text_off, 1u << 20);
	ck_assert_uint_eq(r.text_len, 2000);
	ck_assert_uint_eq(r.n_claims, 4);
	ck_assert_uint_eq(r.hash, 0);
	ck_assert_uint_eq(r.format, 2);
	ck_assert(r.source_len == 5 && !memcmp(r.source, "a.txt", 5));
	ck_assert(r.title_len == 5 && !memcmp(r.title, "Title", 5));
	if (date == NULL) {
		ck_assert_ptr_null(r.date);
	} else {
		ck_assert_ptr_nonnull(r.date);
		ck_assert_uint_eq(r.date_len, strlen(date));
		ck_assert(memcmp(r.date, date, r.date_len) == 0);
	}
	/* a day code: 3 bytes (4 past year 4095) where the string took 11 */
	if (_i < 3)
		ck_assert_uint_le(b.len, 3 + 4 + 1 + 2 + 2 * 6 + 4);
	/* every truncation is damage, read from an exactly sized copy */
	for (size_t len = 0; len < b.len; len++) {
		copy = malloc(len ? len : 1);
		memcpy(copy, b.ptr, len);
		ck_assert_msg(index_docrec_unpack(copy, len, &r) ==
		              CDX_ERR_CORRUPT, "cut at %zu", len);
		free(copy);
	}
	cdx_buf_release(&b);
}
END_TEST

/* Offset of the flags byte of a record packed by pack_doc(): varints
 * 300 (2 bytes), 1 << 20 (3), 2000 (2), 4 (1), then the format. */
#define FLAGS_AT 9

START_TEST(test_doc_damage)
{
	struct index_docrec r;
	struct cdx_buf b;
	uint8_t *p;

	pack_doc("1987-02-26", &b);
	p = (uint8_t *)b.ptr;
	ck_assert_uint_eq(p[FLAGS_AT] & 0x0a, 0x08); /* a day code */
	p[FLAGS_AT] |= 0x02; /* and a string date too */
	ck_assert_int_eq(index_docrec_unpack(b.ptr, b.len, &r),
	                 CDX_ERR_CORRUPT);
	p[FLAGS_AT] = (uint8_t)((p[FLAGS_AT] & ~0x02) | 0x40); /* unknown */
	ck_assert_int_eq(index_docrec_unpack(b.ptr, b.len, &r),
	                 CDX_ERR_CORRUPT);
	p[FLAGS_AT] &= (uint8_t)~0x40;
	ck_assert_int_eq(index_docrec_unpack(b.ptr, b.len, &r), CDX_OK);
	/* month 0: the code's last 3 bytes are 1987 << 9 | m << 5 | d */
	p[b.len - 3] &= (uint8_t)~0x60;
	p[b.len - 2] &= (uint8_t)~0x01;
	ck_assert_int_eq(index_docrec_unpack(b.ptr, b.len, &r),
	                 CDX_ERR_CORRUPT);
	cdx_buf_release(&b);
}
END_TEST

/* ------------------------------------------------------------ index */

/* The content hash is no longer in the doc record: removing a document
 * still drops its hash entry (recomputed from its text), so the same
 * text added again is new, and check finds a content-hash entry moved
 * to another document. */
START_TEST(test_hash_from_text)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct problems p = {0};
	struct cdx_index *ix;
	struct cdx_doc a = mkdoc("a.txt", NULL, "1987-02-26",
	                         "Copper output rose in Chile.");
	struct cdx_doc b = mkdoc("b.txt", NULL, NULL, "Tin fell in Peru.");
	uint64_t ida, idb, h;
	uint8_t kb[1], vb[12];
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k, v;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(add1(ix, &a, NULL, &ida), CDX_ADD_NEW);
	ck_assert_int_eq(add1(ix, &b, NULL, &idb), CDX_ADD_NEW);
	assert_sound(ix);
	ck_assert_int_eq(cdx_index_delete(ix, "a.txt", &err), CDX_OK);
	assert_sound(ix);
	ck_assert_int_eq(add1(ix, &a, NULL, &ida), CDX_ADD_NEW);
	assert_sound(ix);
	cdx_index_close(ix);

	/* point a's content hash at b */
	h = index_hash64(a.text, a.len);
	raw_open(t.path, "hash", &env, &txn, &dbi);
	kb[0] = (uint8_t)(h >> 56);
	k = index_val(kb, 1);
	for (int i = 6; i >= 0; i--)
		vb[6 - i] = (uint8_t)(h >> (8 * i));
	for (int i = 4; i >= 0; i--)
		vb[7 + 4 - i] = (uint8_t)(ida >> (8 * i));
	v = index_val(vb, 12);
	ck_assert_int_eq(mdb_del(txn, dbi, &k, &v), 0);
	for (int i = 4; i >= 0; i--)
		vb[7 + 4 - i] = (uint8_t)(idb >> (8 * i));
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	raw_close(env, txn);
	ix = open_ix(t.path, 0, 0);
	ck_assert_int_eq(cdx_index_check(ix, on_problem, &p, NULL, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_msg(strstr(p.first, "whose hash differs") != NULL, "%s",
	              p.first);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

void index_add_records_cases(Suite *s)
{
	TCase *tc = tcase_create("compact records");

	tcase_add_test(tc, test_absent_fields_cost_nothing);
	tcase_add_loop_test(tc, test_each_field, 0, 8);
	tcase_add_test(tc, test_field_damage);
	tcase_add_loop_test(tc, test_doc_dates, 0, (int)N_DATES);
	tcase_add_test(tc, test_doc_damage);
	tcase_add_test(tc, test_hash_from_text);
	suite_add_tcase(s, tc);
}
