/*
 * test_index_records.c — the compact encodings of schemas 7 and 8: a
 * claims record's field byte (absent string fields cost nothing), a doc
 * record's day-coded date, the content hash recomputed from the text
 * instead of stored, and the title kept in the text stream (once when
 * the text opens with it); round trips, boundaries, damage, and check
 * still catching a content-hash entry that names the wrong document or
 * a title past the stream.
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
	ck_assert_int_eq(index_claims_pack(NULL, NULL, v, n, &strs, b, NULL),
	                 CDX_OK);
	index_strmap_release(&strs);
}

static int read_claims(const void *p, size_t n, struct index_claimrec *last)
{
	struct index_claims_rd rd;
	struct index_claimrec r;
	int rc = index_claims_open(&rd, NULL, NULL, 1, p, n);

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

/* A field byte with its spare bit, a dictionary id in a record read
 * without a dictionary, a string past the record's end and a present
 * field whose string is empty are damage. */
START_TEST(test_field_damage)
{
	/* count 1; value int in the sentence before (none); kind count;
	 * fields: unit; start 0, length 1; value 2; unit: a new string
	 * (0 seen + length 1 << 1, inline), "%" */
	const uint8_t good[] = {1, 0x41, CDX_KIND_COUNT, 2, 0, 1, 4, 2, '%'};
	uint8_t bad[sizeof good];

	ck_assert_int_eq(read_claims(good, sizeof good, NULL),
	                 CDX_ERR_ITEROVER);
	memcpy(bad, good, sizeof good);
	bad[3] |= 0x80;
	ck_assert_int_eq(read_claims(bad, sizeof bad, NULL), CDX_ERR_CORRUPT);
	memcpy(bad, good, sizeof good);
	bad[1] |= 0x80; /* "same kind and fields as before": no claim before */
	ck_assert_int_eq(read_claims(bad, sizeof bad, NULL), CDX_ERR_CORRUPT);
	memcpy(bad, good, sizeof good);
	bad[7] = 1; /* dictionary string 0, and no dictionary */
	ck_assert_int_eq(read_claims(bad, sizeof bad - 1, NULL),
	                 CDX_ERR_CORRUPT);
	memcpy(bad, good, sizeof good);
	bad[7] = 4; /* two bytes inline, one there */
	ck_assert_int_eq(read_claims(bad, sizeof bad, NULL), CDX_ERR_CORRUPT);
	memcpy(bad, good, sizeof good);
	bad[7] = 0; /* an empty unit, and a trailing byte */
	ck_assert_int_eq(read_claims(bad, sizeof bad, NULL), CDX_ERR_CORRUPT);
}
END_TEST

/* A claim with the kind and field bytes of the claim before leaves
 * them out: two bytes less, and both read back. */
START_TEST(test_same_header)
{
	struct cdx_claim c[3];
	struct index_claimrec r;
	struct index_claims_rd rd;
	struct cdx_buf same, other;

	memset(c, 0, sizeof c);
	for (int i = 0; i < 3; i++) {
		c[i].kind = CDX_KIND_PERCENT;
		c[i].start = (uint32_t)(10 * i);
		c[i].end = (uint32_t)(10 * i + 2);
		c[i].value = i;
		c[i].value_max = NAN;
		strcpy(c[i].unit, "%");
	}
	c[2].qualifier = CDX_QUAL_RANGE; /* a kind byte of its own */
	pack_claims(c, 3, &same);
	c[1].kind = CDX_KIND_COUNT;
	pack_claims(c, 3, &other);
	ck_assert_uint_eq(same.len + 2, other.len);
	ck_assert_int_eq(index_claims_open(&rd, NULL, NULL, 1, same.ptr,
	                                   same.len), CDX_OK);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(index_claims_next(&rd, &r), CDX_OK);
		ck_assert_int_eq(r.c.kind, CDX_KIND_PERCENT);
		ck_assert_int_eq(r.c.qualifier, i == 2 ? CDX_QUAL_RANGE : 0);
		ck_assert_str_eq(r.c.unit, "%");
		ck_assert(r.c.value == i);
	}
	ck_assert_int_eq(index_claims_next(&rd, &r), CDX_ERR_ITEROVER);
	index_claims_release(&rd);
	cdx_buf_release(&same);
	cdx_buf_release(&other);
}
END_TEST

/* Decimal values (m / 10^k, k 1..6, exact) pack as a varint and read
 * back bit for bit; others stay doubles. */
START_TEST(test_decimal_values)
{
	static const double vals[] = {
		2.5, -0.125, 1.35, 0.1, 0.000001, 123456.789, -98.76,
		900719925474.0993, /* m just under 2^53 */
		3.14159265, 1e300, 1.0 / 3, 5e-7, -1e-6, 2.0000001,
	};
	struct cdx_claim c;
	struct index_claimrec r;
	struct cdx_buf b;
	size_t whole;

	memset(&c, 0, sizeof c);
	c.kind = CDX_KIND_PERCENT;
	c.start = 1;
	c.end = 2;
	c.value = 25;
	c.value_max = NAN;
	pack_claims(&c, 1, &b);
	whole = b.len;
	cdx_buf_release(&b);
	for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
		c.value = vals[i];
		c.value_max = -vals[i];
		pack_claims(&c, 1, &b);
		ck_assert_int_eq(read_claims(b.ptr, b.len, &r),
		                 CDX_ERR_ITEROVER);
		ck_assert_msg(memcmp(&r.c.value, &vals[i], sizeof r.c.value) ==
		              0 && r.c.value_max == -vals[i], "%.17g", vals[i]);
		/* 2.5 and -2.5: 2 bytes of varint each, where the doubles
		 * took 8 (whole: 25 in 1 byte, NaN in none) */
		if (i == 0)
			ck_assert_uint_eq(b.len, whole + 1 + 2);
		if (i == 8)
			ck_assert_uint_eq(b.len, whole - 1 + 16);
		cdx_buf_release(&b);
	}
}
END_TEST

/* A decimal with scale 0 or 7, or too many digits, is damage. */
START_TEST(test_decimal_damage)
{
	/* count 1; tags: value decimal, max NaN, the same (no) sentence;
	 * kind percent; no fields; start 1, length 1; then the decimal
	 * varint zigzag(m) << 3 | k */
	uint8_t rec[15] = {1, 0x43, CDX_KIND_PERCENT, 0, 1, 1};
	struct index_claimrec r;

	rec[6] = 10 << 3 | 1; /* 5 / 10 */
	ck_assert_int_eq(read_claims(rec, 7, &r), CDX_ERR_ITEROVER);
	ck_assert(r.c.value == 0.5);
	rec[6] = 10 << 3; /* scale 0 */
	ck_assert_int_eq(read_claims(rec, 7, &r), CDX_ERR_CORRUPT);
	rec[6] = 10 << 3 | 7; /* scale 7 */
	ck_assert_int_eq(read_claims(rec, 7, &r), CDX_ERR_CORRUPT);
	/* 2^57: zigzag(m) of 2^54, past any whole double */
	memset(rec + 6, 0x80, 8);
	rec[14] = 0x02;
	ck_assert_int_eq(read_claims(rec, 15, &r), CDX_ERR_CORRUPT);
}
END_TEST

/* ------------------------------------------------------------ docs */

static void pack_doc(const char *date, struct cdx_buf *b)
{
	struct index_docrec r;

	memset(&r, 0, sizeof r);
	r.n_tokens = 300;
	r.span_off = 1u << 20; /* the title, then the text */
	r.text_len = 2000;
	r.n_claims = 4;
	r.hash = 0x0123456789abcdefULL; /* the writer's; not stored */
	r.format = 2;
	r.source = "a.txt";
	r.source_len = 5;
	r.has_title = 1;
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
	ck_assert_uint_eq(r.span_off, 1u << 20);
	ck_assert_uint_eq(r.title_off, 1u << 20);
	ck_assert_uint_eq(r.text_off, (1u << 20) + 5);
	ck_assert_uint_eq(r.text_len, 2000);
	ck_assert_uint_eq(r.span_len, 2005);
	ck_assert_uint_eq(r.n_claims, 4);
	ck_assert_uint_eq(r.hash, 0);
	ck_assert_uint_eq(r.format, 2);
	ck_assert(r.source_len == 5 && !memcmp(r.source, "a.txt", 5));
	ck_assert(r.has_title && !r.title_lead && r.title_len == 5);
	ck_assert_ptr_null(r.title); /* in the text stream */
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
 * 1 << 20 (3 bytes), 2000 (2), 4 (1), then the format. */
#define FLAGS_AT 7

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
	p[FLAGS_AT] &= (uint8_t)~0x01; /* no title: its length is left over */
	ck_assert_int_eq(index_docrec_unpack(b.ptr, b.len, &r),
	                 CDX_ERR_CORRUPT);
	p[FLAGS_AT] |= 0x10; /* "the text opens with it" without a title */
	ck_assert_int_eq(index_docrec_unpack(b.ptr, b.len, &r),
	                 CDX_ERR_CORRUPT);
	p[FLAGS_AT] |= 0x01; /* a leading title of 5 bytes: sound */
	ck_assert_int_eq(index_docrec_unpack(b.ptr, b.len, &r), CDX_OK);
	ck_assert(r.title_lead && r.text_off == r.span_off &&
	          r.span_len == 2000);
	p[FLAGS_AT] &= (uint8_t)~0x10;
	ck_assert_int_eq(index_docrec_unpack(b.ptr, b.len, &r), CDX_OK);
	/* month 0: the code's last 3 bytes are 1987 << 9 | m << 5 | d */
	p[b.len - 3] &= (uint8_t)~0x60;
	p[b.len - 2] &= (uint8_t)~0x01;
	ck_assert_int_eq(index_docrec_unpack(b.ptr, b.len, &r),
	                 CDX_ERR_CORRUPT);
	cdx_buf_release(&b);
}
END_TEST

/* A source (after its prefix) that is a decimal number packs as a
 * varint and reads back the same; anything else stays a string. */
START_TEST(test_doc_numeric_source)
{
	static const struct {
		const char *src;
		int num;
	} rows[] = {
		{"1234", 1}, {"0", 1}, {"999999999999999999", 1},
		{"9999999999999999999", 0}, {"007", 0}, {"12a", 0}, {"", 0},
		{"-5", 0}, {"1 2", 0},
	};
	struct index_docrec r;
	struct cdx_buf b;
	size_t plain = 0;

	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		memset(&r, 0, sizeof r);
		r.text_len = 10;
		r.source = rows[i].src;
		r.source_len = strlen(rows[i].src);
		cdx_buf_init(&b, SIZE_MAX / 2);
		ck_assert_int_eq(index_docrec_pack(&r, &b), CDX_OK);
		if (i == 0)
			plain = b.len;
		if (rows[i].num && r.source_len > 2)
			ck_assert_uint_lt(b.len, 6 + 1 + r.source_len);
		ck_assert_int_eq(index_docrec_unpack(b.ptr, b.len, &r),
		                 CDX_OK);
		ck_assert_uint_eq(r.source_len, strlen(rows[i].src));
		ck_assert(memcmp(r.source, rows[i].src, r.source_len) == 0);
		ck_assert_int_eq(r.source == r.num_buf, rows[i].num);
		cdx_buf_release(&b);
	}
	/* "1234": 6 bytes of head and 2 of varint, where the string took
	 * 5 */
	ck_assert_uint_eq(plain, 6 + 2);
}
END_TEST

/* A numeric source past INT64_MAX is damage. */
START_TEST(test_doc_numeric_damage)
{
	/* span 0, length 10, no claims, format 0, flags REC_SRC_NUM, no
	 * tokens, then 2^63 as a varint */
	static const uint8_t rec[] = {0, 10, 0, 0, 32, 0, 0x80, 0x80, 0x80,
	                              0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	                              0x01};
	static const uint8_t zero[] = {0, 10, 0, 0, 32, 0, 0};
	struct index_docrec r;

	ck_assert_int_eq(index_docrec_unpack(rec, sizeof rec, &r),
	                 CDX_ERR_CORRUPT);
	ck_assert_int_eq(index_docrec_unpack(zero, sizeof zero, &r), CDX_OK);
	ck_assert(r.source_len == 1 && r.source[0] == '0');
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
	uint8_t kb[1], vb[11];
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
	for (int i = 3; i >= 0; i--)
		vb[7 + 3 - i] = (uint8_t)(ida >> (8 * i));
	v = index_val(vb, 11);
	ck_assert_int_eq(mdb_del(txn, dbi, &k, &v), 0);
	for (int i = 3; i >= 0; i--)
		vb[7 + 3 - i] = (uint8_t)(idb >> (8 * i));
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

/* A leading title is the text's own first bytes: longer than the text
 * it cannot be. */
START_TEST(test_doc_title_lead_bounds)
{
	struct index_docrec r;
	struct cdx_buf b;

	for (size_t len = 4; len <= 6; len++) {
		memset(&r, 0, sizeof r);
		r.span_off = 77;
		r.text_len = len;
		r.source = "s";
		r.source_len = 1;
		r.has_title = r.title_lead = 1;
		r.title = "Title";
		r.title_len = 5;
		cdx_buf_init(&b, SIZE_MAX / 2);
		ck_assert_int_eq(index_docrec_pack(&r, &b), CDX_OK);
		if (len < 5) {
			ck_assert_int_eq(index_docrec_unpack(b.ptr, b.len, &r),
			                 CDX_ERR_CORRUPT);
		} else {
			ck_assert_int_eq(index_docrec_unpack(b.ptr, b.len, &r),
			                 CDX_OK);
			ck_assert(r.title_lead && r.title_off == 77 &&
			          r.text_off == 77 && r.span_len == len);
		}
		cdx_buf_release(&b);
	}
}
END_TEST

static void assert_doc(struct cdx_index *ix, const struct cdx_doc *d)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_doc_info info;

	ck_assert_int_eq(cdx_index_doc_get(ix, d->source, 1, &info, &err),
	                 CDX_OK);
	if (d->title == NULL)
		ck_assert_ptr_null(info.title);
	else
		ck_assert_str_eq(info.title, d->title);
	ck_assert_uint_eq(info.text_len, d->len);
	ck_assert(memcmp(info.text, d->text, d->len) == 0);
	cdx_doc_info_release(&info);
}

static uint64_t text_bytes(struct cdx_index *ix)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index_stats st;

	ck_assert_int_eq(cdx_index_stats(ix, &st, &err), CDX_OK);
	return st.text_bytes;
}

/* The first hit's title and snippet for @p q, with and without snippets. */
static void assert_hit(struct cdx_index *ix, const char *q,
                       const char *title, const char *snippet)
{
	struct cdx_search_options o = CDX_SEARCH_OPTIONS_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_search_results r;

	for (int bare = 0; bare < 2; bare++) {
		o.no_snippets = bare;
		ck_assert_int_eq(cdx_index_search_opts(ix, q, &o, &r, &err),
		                 CDX_OK);
		ck_assert_uint_eq(r.n, 1);
		if (title == NULL)
			ck_assert_ptr_null(r.v[0].title);
		else
			ck_assert_str_eq(r.v[0].title, title);
		if (bare)
			ck_assert_ptr_null(r.v[0].snippet);
		else
			ck_assert_str_eq(r.v[0].snippet, snippet);
		cdx_search_results_release(&r);
	}
}

/* Titles live in the text stream: once when the text opens with them,
 * else just before the text; shown, searched (title:), snippets from
 * the text alone, removed with the text, counted in text_bytes. */
START_TEST(test_titles_in_text)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_doc d[4] = {
		mkdoc("a.txt", "Copper report", NULL,
		      "Copper report\n\nCopper output rose."),
		mkdoc("b.txt", "TIN PRICES", "1987-02-26", "Tin fell in Peru."),
		mkdoc("c.txt", NULL, NULL, "Zinc was flat."),
		mkdoc("d.txt", "", NULL, "Lead gained."),
	};
	uint64_t bytes = 10; /* b's title */
	struct cdx_index *ix;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(add1(ix, &d[i], NULL, NULL), CDX_ADD_NEW);
		bytes += d[i].len;
	}
	assert_sound(ix);
	for (size_t i = 0; i < 4; i++)
		assert_doc(ix, &d[i]);
	ck_assert_uint_eq(text_bytes(ix), bytes);
	assert_hit(ix, "output", "Copper report", "Copper report Copper "
	           "[output] rose.");
	assert_hit(ix, "peru", "TIN PRICES", "Tin fell in [Peru].");
	assert_hit(ix, "zinc", NULL, "[Zinc] was flat.");
	assert_hit(ix, "lead", "", "[Lead] gained.");
	ck_assert_uint_eq(hits_for(ix, "title:prices"), 1);
	ck_assert_uint_eq(hits_for(ix, "title:copper"), 1);
	ck_assert_uint_eq(hits_for(ix, "title:zinc"), 0);
	/* a title is not searched as text */
	ck_assert_uint_eq(hits_for(ix, "prices"), 0);
	ck_assert_int_eq(cdx_index_delete(ix, "b.txt", &err), CDX_OK);
	assert_sound(ix);
	ck_assert_uint_eq(text_bytes(ix), bytes - 10 - d[1].len);
	ck_assert_int_eq(add1(ix, &d[1], NULL, NULL), CDX_ADD_NEW);
	assert_sound(ix);
	assert_doc(ix, &d[1]);
	assert_doc(ix, &d[2]);
	ck_assert_uint_eq(text_bytes(ix), bytes);
	cdx_index_close(ix);
	tmp_remove(&t);
}
END_TEST

/* A title length past the text stream is damage: check and show say so
 * (and nothing is allocated for the bogus length). */
START_TEST(test_title_damage)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct problems p = {0};
	struct cdx_doc d = mkdoc("b.txt", "TIN PRICES", NULL,
	                         "Tin fell in Peru.");
	struct cdx_doc_info info;
	struct index_docrec r;
	struct cdx_index *ix;
	struct cdx_buf b;
	uint8_t kb[8], slot;
	uint64_t id;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = index_val(kb, 8), v, rec;
	struct tmp t;

	tmp_make(&t);
	ix = open_ix(t.path, CDX_INDEX_CREATE, 0);
	ck_assert_int_eq(add1(ix, &d, NULL, &id), CDX_ADD_NEW);
	cdx_index_close(ix);
	raw_open(t.path, "docs", &env, &txn, &dbi);
	index_put_be64(kb, id >> INDEX_DOC_SHIFT); /* its block: it alone */
	ck_assert_int_eq(mdb_get(txn, dbi, &k, &v), 0);
	ck_assert_int_eq(index_docblock_find(v.mv_data, v.mv_size,
	                                     id % INDEX_DOC_BLOCK, &rec),
	                 CDX_OK);
	ck_assert_int_eq(index_docrec_unpack(rec.mv_data, rec.mv_size, &r),
	                 CDX_OK);
	ck_assert(r.has_title && !r.title_lead && r.title_len == 10);
	r.title_len = (size_t)1 << 36;
	cdx_buf_init(&b, SIZE_MAX / 2);
	slot = (uint8_t)(id % INDEX_DOC_BLOCK);
	ck_assert_int_eq(cdx_buf_add(&b, &slot, 1), CDX_OK);
	ck_assert_int_eq(cdx_buf_add(&b, "", 1), CDX_OK); /* length, below */
	ck_assert_int_eq(index_docrec_pack(&r, &b), CDX_OK);
	ck_assert_uint_lt(b.len - 2, 128);
	b.ptr[1] = (char)(b.len - 2);
	v = index_val(b.ptr, b.len);
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	cdx_buf_release(&b);
	raw_close(env, txn);
	ix = open_ix(t.path, 0, 0);
	ck_assert_int_eq(cdx_index_doc_get(ix, "b.txt", 0, &info, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_int_eq(cdx_index_check(ix, on_problem, &p, NULL, &err),
	                 CDX_ERR_CORRUPT);
	ck_assert_msg(strstr(p.first, "has no text") != NULL, "%s", p.first);
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
	tcase_add_test(tc, test_same_header);
	tcase_add_test(tc, test_decimal_values);
	tcase_add_test(tc, test_decimal_damage);
	tcase_add_loop_test(tc, test_doc_dates, 0, (int)N_DATES);
	tcase_add_test(tc, test_doc_damage);
	tcase_add_test(tc, test_hash_from_text);
	tcase_add_test(tc, test_doc_title_lead_bounds);
	tcase_add_test(tc, test_doc_numeric_source);
	tcase_add_test(tc, test_doc_numeric_damage);
	tcase_add_test(tc, test_titles_in_text);
	tcase_add_test(tc, test_title_damage);
	suite_add_tcase(s, tc);
}
