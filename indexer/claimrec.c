/*
 * claimrec.c — a document's claims as one record of the claims database
 * (key: the doc id), and reading claims back by id.
 *
 * One record per document rather than one per claim: a claim costs about
 * 25 bytes instead of 51, of which 18 were LMDB's node header and key.
 * The strings a document's claims repeat (subject, commodity, metric,
 * unit, time, parties) are named once per record: each string field
 * present is a varint reference r, with s the count of strings seen so
 * far in the record: r < s names the r-th of them; else r - s is a new
 * string, (id << 1 | 1) for string id of the index's string dictionary
 * (strdict.c: schema 11; most strings recur across documents, "USD" in
 * 9,890 of Reuters'), or (length << 1) with the bytes following inline
 * (a string longer than INDEX_STR_DICT_MAX, or a record packed without
 * an index). A field byte says which fields are present, so an absent
 * one costs a bit, not a byte (most claims have 2 of the 7). So the record is read front to back; a claim's id is its
 * document and ordinal (index_claim_id), and reading ids in ascending
 * order reads each record once (index_claim_get).
 *
 * Record: varint claim count, then per claim
 *   u8  value tags (bits 0-1 value, 2-3 value_max), change (bits 4-5),
 *       same sentence as the claim before (bit 6), same kind and field
 *       bytes as the claim before (bit 7: they are left out; a third of
 *       Reuters' claims)
 *   u8  kind (bits 0-3), qualifier (bits 4-6), parties follow (bit 7)
 *   u8  fields present: bit i for the i-th of value_str, unit, per,
 *       time, subject, commodity, metric (bit 7 is 0)
 *   u8  party count, when bit 7 of the first byte is set
 *   varint start - the previous claim's start (claims are in (start,
 *       end) order), varint end - start
 *   unless the same sentence: zigzag start - sent_start, sent_end - end
 *   the values: nothing (NaN), a zigzag varint (whole numbers, the
 *       common case), a decimal m / 10^k (k 1..6) as the varint
 *       zigzag(m) << 3 | k when that gives the double back exactly, or
 *       the 8 bytes of the double, as the tags say
 *   references: of each field present, in that order, then each party
 * Unpacking checks every length against the value's size: a damaged
 * record is CDX_ERR_CORRUPT, never a read past the end.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "index_int.h"

enum { A_PARTIES = 0x80, B_SAME_SENT = 0x40, B_SAME_HDR = 0x80 };
enum {
	F_VALUE_STR = 1, F_UNIT = 2, F_PER = 4, F_TIME = 8, F_SUBJECT = 16,
	F_COMMODITY = 32, F_METRIC = 64
};
enum { VAL_NAN = 0, VAL_INT = 1, VAL_DOUBLE = 2, VAL_DEC = 3 };

/* Powers of ten a decimal value may be scaled by (VAL_DEC). */
static const double pow10_tab[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
#define DEC_MAX 6

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* The k (1..DEC_MAX) for which @p v is exactly m / 10^k for a whole m,
 * the smallest; 0 when none. (2.5 is 25 / 10: a varint of 2 bytes
 * where the double took 8; a tenth of Reuters' values.) */
static int dec_scale(double v, int64_t *m)
{
	for (int k = 1; k <= DEC_MAX; k++) {
		double x = v * pow10_tab[k];

		if (!(fabs(x) < 9007199254740992.0))
			return 0;
		*m = (int64_t)llround(x);
		if ((double)*m / pow10_tab[k] == v)
			return k;
	}
	return 0;
}

static int val_tag(double v)
{
	int64_t m = 0;

	if (isnan(v))
		return VAL_NAN;
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return VAL_INT;
	return dec_scale(v, &m) ? VAL_DEC : VAL_DOUBLE;
}

static size_t put_val(uint8_t *p, int tag, double v)
{
	uint64_t u;
	int64_t m = 0;

	if (tag == VAL_INT)
		return index_varint_put(p, zigzag((int64_t)v));
	if (tag == VAL_DEC) {
		int k = dec_scale(v, &m);

		return index_varint_put(p, zigzag(m) << 3 | (uint64_t)k);
	}
	if (tag == VAL_DOUBLE) {
		memcpy(&u, &v, sizeof u);
		index_put_be64(p, u);
		return 8;
	}
	return 0;
}

static int get_val(const uint8_t **p, const uint8_t *end, int tag, double *v)
{
	uint64_t u;

	*v = NAN;
	if (tag == VAL_INT) {
		if (index_varint_get(p, end, &u))
			return CDX_ERR_CORRUPT;
		*v = (double)unzigzag(u);
	} else if (tag == VAL_DEC) {
		int64_t m;

		if (index_varint_get(p, end, &u) || (u & 7) == 0 ||
		    (u & 7) > DEC_MAX || (u >> 3) >= (uint64_t)1 << 54)
			return CDX_ERR_CORRUPT;
		m = unzigzag(u >> 3);
		*v = (double)m / pow10_tab[u & 7];
	} else if (tag == VAL_DOUBLE) {
		if (end - *p < 8)
			return CDX_ERR_CORRUPT;
		u = index_get_be64(*p);
		memcpy(v, &u, sizeof u);
		*p += 8;
	} else if (tag != VAL_NAN) {
		return CDX_ERR_CORRUPT;
	}
	return CDX_OK;
}

/* ------------------------------------------------------------ pack */

/* A reference to @p s (NULL: none, nothing written): its number in
 * @p strs when the record has it already, else a new one: its id in the
 * dictionary of @p ix (NULL: none), or inline. */
static int put_ref(struct cdx_index *ix, struct index_strmap *strs,
                   struct cdx_buf *b, const char *s, size_t n)
{
	uint32_t seen = (uint32_t)strs->n, at, id;
	int rc;

	if (s == NULL)
		return CDX_OK;
	rc = index_strmap_put(strs, s, n, seen, &at);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return index_buf_varint(b, at);
	rc = ix ? index_strdict_id(ix, s, n, &id) : CDX_ERR_NOTFOUND;
	if (rc == CDX_OK)
		return index_buf_varint(b, seen + ((uint64_t)id << 1 | 1));
	if (rc != CDX_ERR_NOTFOUND)
		return rc;
	rc = index_buf_varint(b, seen + ((uint64_t)n << 1));
	return rc ? rc : cdx_buf_add(b, s, n);
}

/* An inline array string: "" is none. */
static int put_arr(struct cdx_index *ix, struct index_strmap *strs,
                   struct cdx_buf *b, const char *s, size_t cap)
{
	size_t n = strnlen(s, cap - 1);

	return put_ref(ix, strs, b, n ? s : NULL, n);
}

/* The field byte: which of the claim's seven string fields are set. */
static uint8_t fields_of(const struct cdx_claim *c)
{
	return (uint8_t)((c->value_str[0] ? F_VALUE_STR : 0) |
	                 (c->unit[0] ? F_UNIT : 0) | (c->per[0] ? F_PER : 0) |
	                 (c->time[0] ? F_TIME : 0) |
	                 (c->subject ? F_SUBJECT : 0) |
	                 (c->commodity ? F_COMMODITY : 0) |
	                 (c->metric ? F_METRIC : 0));
}

/* The kind byte: kind, qualifier, "parties follow". */
static uint8_t a_of(const struct cdx_claim *c)
{
	unsigned np = c->n_parties < CDX_CLAIM_PARTIES_MAX ?
	              c->n_parties : CDX_CLAIM_PARTIES_MAX;

	return (uint8_t)((unsigned)c->kind | (unsigned)c->qualifier << 4 |
	                 (np ? A_PARTIES : 0));
}

static int pack_one(struct cdx_index *ix, const struct cdx_claim *c,
                    const struct cdx_claim *prev, struct index_strmap *strs,
                    struct cdx_buf *b)
{
	uint8_t fixed[4 + 4 * 10 + 2 * 10];
	unsigned np = c->n_parties < CDX_CLAIM_PARTIES_MAX ?
	              c->n_parties : CDX_CLAIM_PARTIES_MAX;
	int tv = val_tag(c->value), tm = val_tag(c->value_max);
	uint32_t pstart = prev ? prev->start : 0;
	int same = prev ? prev->sent_start == c->sent_start &&
	                  prev->sent_end == c->sent_end
	                : c->sent_start == 0 && c->sent_end == 0;
	uint8_t a = a_of(c), f = fields_of(c);
	int same_hdr = prev && a_of(prev) == a && fields_of(prev) == f;
	size_t k = 0;
	int rc;

	assert(c->start >= pstart && c->end >= c->start);
	fixed[k++] = (uint8_t)(tv | tm << 2 | (unsigned)c->change << 4 |
	                       (same ? B_SAME_SENT : 0) |
	                       (same_hdr ? B_SAME_HDR : 0));
	if (!same_hdr) {
		fixed[k++] = a;
		fixed[k++] = f;
	}
	if (np)
		fixed[k++] = (uint8_t)np;
	k += index_varint_put(fixed + k, (uint64_t)c->start - pstart);
	k += index_varint_put(fixed + k, (uint64_t)c->end - c->start);
	if (!same) {
		k += index_varint_put(fixed + k, zigzag((int64_t)c->start -
		                                         (int64_t)c->sent_start));
		k += index_varint_put(fixed + k, zigzag((int64_t)c->sent_end -
		                                         (int64_t)c->end));
	}
	k += put_val(fixed + k, tv, c->value);
	k += put_val(fixed + k, tm, c->value_max);
	rc = cdx_buf_add(b, fixed, k);
	if (rc == CDX_OK)
		rc = put_arr(ix, strs, b, c->value_str, sizeof c->value_str);
	if (rc == CDX_OK)
		rc = put_arr(ix, strs, b, c->unit, sizeof c->unit);
	if (rc == CDX_OK)
		rc = put_arr(ix, strs, b, c->per, sizeof c->per);
	if (rc == CDX_OK)
		rc = put_arr(ix, strs, b, c->time, sizeof c->time);
	if (rc == CDX_OK)
		rc = put_ref(ix, strs, b, c->subject,
		             c->subject ? strlen(c->subject) : 0);
	if (rc == CDX_OK)
		rc = put_ref(ix, strs, b, c->commodity,
		             c->commodity ? strlen(c->commodity) : 0);
	if (rc == CDX_OK)
		rc = put_ref(ix, strs, b, c->metric,
		             c->metric ? strlen(c->metric) : 0);
	for (unsigned i = 0; rc == CDX_OK && i < np; i++) {
		/* a missing party reads back as "" */
		const char *s = c->parties[i] ? c->parties[i] : "";

		rc = put_ref(ix, strs, b, s, strlen(s));
	}
	return rc;
}

int index_claims_pack(struct cdx_index *ix, MDB_txn *txn,
                      const struct cdx_claim *c, size_t n,
                      struct index_strmap *strs, struct cdx_buf *b,
                      struct cdx_error *err)
{
	int rc = ix ? index_strdict_begin(ix, txn, err) : CDX_OK;

	if (rc != CDX_OK)
		return rc;
	rc = index_buf_varint(b, n);
	index_strmap_clear(strs);
	for (size_t i = 0; i < n && rc == CDX_OK; i++)
		rc = pack_one(ix, &c[i], i ? &c[i - 1] : NULL, strs, b);
	if (rc != CDX_OK)
		return index_nomem(err);
	return ix ? index_strdict_commit(ix, txn, err) : CDX_OK;
}

/* ------------------------------------------------------------ read */

int index_claims_open(struct index_claims_rd *r, struct cdx_index *ix,
                      MDB_txn *txn, uint64_t doc, const void *v,
                      size_t n)
{
	uint64_t count;

	memset(r, 0, sizeof *r);
	r->dict.ix = ix;
	r->dict.txn = txn;
	r->strs = r->inl;
	r->cap_strs = sizeof r->inl / sizeof *r->inl;
	r->doc = doc;
	r->p = v;
	r->end = r->p + n;
	if (index_varint_get(&r->p, r->end, &count) != CDX_OK ||
	    count > INDEX_CLAIMS_MAX || count > (uint64_t)(r->end - r->p)) {
		r->p = r->end;
		return CDX_ERR_CORRUPT;
	}
	r->n = (uint32_t)count;
	return CDX_OK;
}

void index_claims_release(struct index_claims_rd *r)
{
	if (r == NULL)
		return;
	if (r->strs != r->inl)
		free(r->strs);
	r->strs = r->inl;
	r->n_strs = 0;
	r->cap_strs = sizeof r->inl / sizeof *r->inl;
}

static int get_ref(struct index_claims_rd *r, const char **s, size_t *n)
{
	uint64_t ref, len;

	*s = NULL;
	*n = 0;
	if (index_varint_get(&r->p, r->end, &ref) != CDX_OK)
		return CDX_ERR_CORRUPT;
	if (ref < r->n_strs) {
		*s = r->strs[ref].s;
		*n = r->strs[ref].n;
		return CDX_OK;
	}
	/* a new string: a dictionary id (low bit 1) or inline bytes */
	ref -= r->n_strs;
	len = ref >> 1;
	if (ref & 1) {
		if (len > UINT32_MAX ||
		    (r->cache ? index_strcache_find(r->cache, (uint32_t)len, s, n)
		              : index_strdict_get(&r->dict, (uint32_t)len, s,
		                                  n)) != CDX_OK)
			return CDX_ERR_CORRUPT;
	} else {
		if (len > (uint64_t)(r->end - r->p))
			return CDX_ERR_CORRUPT;
		*s = (const char *)r->p;
		*n = (size_t)len;
		r->p += len;
	}
	if (r->n_strs == r->cap_strs) {
		size_t ncap = r->cap_strs * 2;
		struct index_rstr *nv = r->strs == r->inl
		        ? malloc(ncap * sizeof *nv)
		        : realloc(r->strs, ncap * sizeof *nv);

		if (nv == NULL)
			return CDX_ERR_NOMEM;
		if (r->strs == r->inl)
			memcpy(nv, r->inl, sizeof r->inl);
		r->strs = nv;
		r->cap_strs = ncap;
	}
	r->strs[r->n_strs].s = *s;
	r->strs[r->n_strs++].n = *n;
	return CDX_OK;
}

/* A reference into an inline array of @p cap bytes, when @p present
 * (else it stays ""). A present field is never empty. */
static int get_arr(struct index_claims_rd *r, int present, char *out,
                   size_t cap)
{
	const char *s;
	size_t n;
	int rc;

	if (!present)
		return CDX_OK;
	rc = get_ref(r, &s, &n);
	if (rc != CDX_OK)
		return rc;
	if (n == 0 || n >= cap)
		return CDX_ERR_CORRUPT;
	if (n)
		memcpy(out, s, n);
	out[n] = '\0';
	return CDX_OK;
}

int index_claims_next(struct index_claims_rd *r, struct index_claimrec *out)
{
	struct cdx_claim *c = &out->c;
	uint64_t d, len, back, fwd;
	uint8_t a, b, f;
	int rc;

	if (r->i == r->n)
		return r->p == r->end ? CDX_ERR_ITEROVER : CDX_ERR_CORRUPT;
	memset(out, 0, sizeof *out);
	out->doc = r->doc;
	out->ord = r->i;
	if (r->p == r->end)
		return CDX_ERR_CORRUPT;
	b = *r->p++;
	if (b & B_SAME_HDR) {
		/* the kind and field bytes of the claim before */
		if (r->i == 0)
			return CDX_ERR_CORRUPT;
		a = r->prev_a;
		f = r->prev_f;
	} else {
		if (r->end - r->p < 2)
			return CDX_ERR_CORRUPT;
		a = r->p[0];
		f = r->p[1];
		r->p += 2;
	}
	if ((a & 15) >= CDX_KIND_COUNT_ || (a >> 4 & 7) > CDX_QUAL_RANGE ||
	    (b >> 4 & 3) > CDX_CHANGE_DOWN || (f & 0x80))
		return CDX_ERR_CORRUPT;
	r->prev_a = a;
	r->prev_f = f;
	c->kind = (enum cdx_claim_kind)(a & 15);
	c->qualifier = (enum cdx_qualifier)(a >> 4 & 7);
	c->change = (enum cdx_change)(b >> 4 & 3);
	if (a & A_PARTIES) {
		if (r->p == r->end || *r->p == 0 ||
		    *r->p > CDX_CLAIM_PARTIES_MAX)
			return CDX_ERR_CORRUPT;
		c->n_parties = *r->p++;
	}
	if (index_varint_get(&r->p, r->end, &d) ||
	    index_varint_get(&r->p, r->end, &len) ||
	    d > UINT32_MAX - r->start || len > UINT32_MAX - r->start - d)
		return CDX_ERR_CORRUPT;
	c->start = (uint32_t)(r->start + d);
	c->end = (uint32_t)(c->start + len);
	if (b & B_SAME_SENT) {
		c->sent_start = r->sent_start;
		c->sent_end = r->sent_end;
	} else {
		if (index_varint_get(&r->p, r->end, &back) ||
		    index_varint_get(&r->p, r->end, &fwd))
			return CDX_ERR_CORRUPT;
		c->sent_start = (uint32_t)((int64_t)c->start - unzigzag(back));
		c->sent_end = (uint32_t)((int64_t)c->end + unzigzag(fwd));
	}
	if (get_val(&r->p, r->end, b & 3, &c->value) ||
	    get_val(&r->p, r->end, b >> 2 & 3, &c->value_max))
		return CDX_ERR_CORRUPT;
	rc = get_arr(r, f & F_VALUE_STR, c->value_str, sizeof c->value_str);
	if (rc == CDX_OK)
		rc = get_arr(r, f & F_UNIT, c->unit, sizeof c->unit);
	if (rc == CDX_OK)
		rc = get_arr(r, f & F_PER, c->per, sizeof c->per);
	if (rc == CDX_OK)
		rc = get_arr(r, f & F_TIME, c->time, sizeof c->time);
	if (rc == CDX_OK && (f & F_SUBJECT))
		rc = get_ref(r, &c->subject, &out->subject_len);
	if (rc == CDX_OK && (f & F_COMMODITY))
		rc = get_ref(r, &c->commodity, &out->commodity_len);
	if (rc == CDX_OK && (f & F_METRIC))
		rc = get_ref(r, &c->metric, &out->metric_len);
	for (unsigned i = 0; rc == CDX_OK && i < c->n_parties; i++)
		rc = get_ref(r, &c->parties[i], &out->party_len[i]);
	if (rc != CDX_OK)
		return rc;
	r->start = c->start;
	r->sent_start = c->sent_start;
	r->sent_end = c->sent_end;
	r->i++;
	return CDX_OK;
}

static int damaged(struct cdx_index *ix, uint64_t doc, struct cdx_error *err)
{
	return cdx_error_set(err, CDX_ERR_CORRUPT,
	                     "index '%s': the claims of document %llu are "
	                     "damaged", ix->path, (unsigned long long)doc);
}

int index_claims_read(struct cdx_index *ix, MDB_txn *txn, uint64_t doc,
                      struct index_claims_rd *r, struct cdx_error *err)
{
	MDB_val v;
	int rc;

	index_claims_open(r, NULL, NULL, doc, "", 0);
	rc = index_block_get(ix, txn, DB_CLAIMS, doc, &v, err);
	if (rc == CDX_ERR_CORRUPT)
		return damaged(ix, doc, err);
	if (rc != CDX_OK)
		return rc;
	if (index_claims_open(r, ix, txn, doc, v.mv_data, v.mv_size) !=
	    CDX_OK)
		return damaged(ix, doc, err);
	return CDX_OK;
}

/* ------------------------------------------------------------ by id */

int index_claim_get(struct index_claim_cur *c, uint64_t id,
                    struct index_claimrec *out, struct cdx_error *err)
{
	uint64_t doc = index_claim_doc(id);
	uint32_t ord = index_claim_ord(id);
	int rc;

	if (!c->open || c->rd.doc != doc || c->rd.i > ord) {
		index_claims_release(&c->rd);
		c->open = 0;
		rc = index_claims_read(c->ix, c->txn, doc, &c->rd, err);
		if (rc != CDX_OK)
			return rc;
		if (c->cache == NULL)
			c->cache = index_strcache_new(c->ix, c->txn);
		index_claims_use(&c->rd, c->cache);
		c->open = 1;
	}
	if (ord >= c->rd.n)
		return CDX_ERR_NOTFOUND;
	do
		rc = index_claims_next(&c->rd, out);
	while (rc == CDX_OK && out->ord < ord);
	if (rc == CDX_ERR_NOMEM)
		return cdx_error_set(err, rc, "out of memory");
	if (rc != CDX_OK) {
		c->open = 0; /* read it again next time */
		return damaged(c->ix, doc, err);
	}
	return CDX_OK;
}

void index_claim_cur_release(struct index_claim_cur *c)
{
	if (c == NULL)
		return;
	index_claims_release(&c->rd);
	index_strcache_free(c->cache);
	c->cache = NULL;
	c->open = 0;
}
