/*
 * record.c — the packed records of the docs and claims databases, and the
 * parted values (text, doc_terms) that are split so no LMDB value grows
 * past INDEX_PART_MAX.
 *
 * Records are varints (numbers are mostly small: offsets, lengths,
 * whole-number values) followed by strings with varint lengths; ranking
 * reads document lengths from the length table (doclen.c), not here.
 * Unpacking checks every length against the value's size: a damaged
 * record is CDX_ERR_CORRUPT, never a read past the end.
 *
 * The text stream: every document's text, appended in id order, cut into
 * INDEX_TEXT_BLOCK-byte blocks whatever the document boundaries, so the
 * blocks fill LMDB's pages (a text per value would leave most of its
 * last overflow page empty). A removed document's blocks go once no live
 * neighbour shares them.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "index_int.h"

/* Longest packed head of a doc record: 5 varints, the hash, 2 bytes. */
#define DOCREC_MAX (5 * 10 + 8 + 2)
/* Longest packed head of a claim record: 4 varints, 5 bytes, 2 values. */
#define CLAIMREC_MAX (5 * 10 + 5 + 2 * 10)

enum { REC_TITLE = 1, REC_DATE = 2 };
enum { REC_SUBJECT = 1, REC_COMMODITY = 2, REC_METRIC = 4 };
/* Bits 3-4 of the same flags byte hold the claim's change (0 = none, as
 * in records written before the field existed). */
#define REC_CHANGE_SHIFT 3

static int put_str(struct cdx_buf *b, const char *s, size_t n)
{
	int rc = index_buf_varint(b, n);

	return rc ? rc : cdx_buf_add(b, s, n);
}

static int get_str(const uint8_t **p, const uint8_t *end, const char **s,
                   size_t *n)
{
	uint64_t len;

	if (index_varint_get(p, end, &len) != CDX_OK ||
	    len > (uint64_t)(end - *p))
		return CDX_ERR_CORRUPT;
	*s = (const char *)*p;
	*n = (size_t)len;
	*p += len;
	return CDX_OK;
}

/* Record: varints n_tokens, text offset, text length, first claim, claim
 * count; the 8-byte content hash; u8 format, u8 flags; the strings. */
int index_docrec_pack(const struct index_docrec *r, struct cdx_buf *b)
{
	uint8_t fixed[DOCREC_MAX];
	size_t k = 0;
	int rc;

	k += index_varint_put(fixed + k, r->n_tokens);
	k += index_varint_put(fixed + k, r->text_off);
	k += index_varint_put(fixed + k, r->text_len);
	k += index_varint_put(fixed + k, r->first_claim);
	k += index_varint_put(fixed + k, r->n_claims);
	index_put_be64(fixed + k, r->hash);
	k += 8;
	fixed[k++] = r->format;
	fixed[k++] = (uint8_t)((r->title ? REC_TITLE : 0) |
	                       (r->date ? REC_DATE : 0));
	rc = cdx_buf_add(b, fixed, k);
	if (rc == CDX_OK)
		rc = put_str(b, r->source, r->source_len);
	if (rc == CDX_OK && r->title)
		rc = put_str(b, r->title, r->title_len);
	if (rc == CDX_OK && r->date)
		rc = put_str(b, r->date, r->date_len);
	return rc;
}

int index_docrec_unpack(const void *v, size_t n, struct index_docrec *r)
{
	const uint8_t *p = v, *end = p + n;
	uint64_t n_claims;
	uint8_t flags;

	memset(r, 0, sizeof *r);
	if (index_varint_get(&p, end, &r->n_tokens) ||
	    index_varint_get(&p, end, &r->text_off) ||
	    index_varint_get(&p, end, &r->text_len) ||
	    index_varint_get(&p, end, &r->first_claim) ||
	    index_varint_get(&p, end, &n_claims) || n_claims > UINT32_MAX ||
	    end - p < 10)
		return CDX_ERR_CORRUPT;
	r->n_claims = (uint32_t)n_claims;
	r->hash = index_get_be64(p);
	r->format = p[8];
	flags = p[9];
	p += 10;
	if (get_str(&p, end, &r->source, &r->source_len))
		return CDX_ERR_CORRUPT;
	if ((flags & REC_TITLE) && get_str(&p, end, &r->title, &r->title_len))
		return CDX_ERR_CORRUPT;
	if ((flags & REC_DATE) && get_str(&p, end, &r->date, &r->date_len))
		return CDX_ERR_CORRUPT;
	return p == end ? CDX_OK : CDX_ERR_CORRUPT;
}

int index_doc_read(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                   struct index_docrec *r, struct cdx_error *err)
{
	uint8_t kb[8];
	MDB_val k = index_val(kb, 8), v;
	int rc;

	index_put_be64(kb, id);
	rc = mdb_get(txn, ix->dbi[DB_DOCS], &k, &v);
	if (rc == MDB_NOTFOUND)
		return cdx_error_set(err, CDX_ERR_NOTFOUND,
		                     "no document %llu in index '%s'",
		                     (unsigned long long)id, ix->path);
	if (rc != 0)
		return index_mdb_error(ix, rc, "read", err);
	if (index_docrec_unpack(v.mv_data, v.mv_size, r) != CDX_OK)
		return cdx_error_set(err, CDX_ERR_CORRUPT,
		                     "index '%s': document %llu is damaged",
		                     ix->path, (unsigned long long)id);
	return CDX_OK;
}

static int parse_id(const char *s, uint64_t *id)
{
	char *end;

	if (*s < '0' || *s > '9')
		return CDX_ERR_NOTFOUND;
	errno = 0;
	*id = strtoull(s, &end, 10);
	return (*end == '\0' && errno == 0) ? CDX_OK : CDX_ERR_NOTFOUND;
}

int index_doc_resolve(struct cdx_index *ix, MDB_txn *txn, const char *key,
                      uint64_t *id, struct cdx_error *err)
{
	size_t n = strlen(key);
	struct index_docrec r;
	int rc;

	rc = index_idmap_get(ix, txn, DB_SOURCE, index_hash64(key, n), id, err);
	if (rc == CDX_OK) {
		rc = index_doc_read(ix, txn, *id, &r, err);
		/* the hash found it; the record confirms it */
		if (rc == CDX_OK && r.source_len == n &&
		    memcmp(r.source, key, n) == 0)
			return CDX_OK;
		if (rc != CDX_OK && rc != CDX_ERR_NOTFOUND)
			return rc;
	} else if (rc != CDX_ERR_NOTFOUND) {
		return rc;
	}
	if (parse_id(key, id) == CDX_OK) {
		rc = index_doc_read(ix, txn, *id, &r, err);
		if (rc != CDX_ERR_NOTFOUND)
			return rc;
	}
	return cdx_error_set(err, CDX_ERR_NOTFOUND,
	                     "no document '%s' in index '%s'", key, ix->path);
}

/* ------------------------------------------------------------ claims */

static int put_small(struct cdx_buf *b, const char *s, size_t cap)
{
	size_t n = strnlen(s, cap - 1);
	uint8_t len = (uint8_t)n;
	int rc = cdx_buf_add(b, &len, 1);

	return rc ? rc : cdx_buf_add(b, s, n);
}

static int get_small(const uint8_t **p, const uint8_t *end, char *out,
                     size_t cap)
{
	size_t n;

	if (*p >= end)
		return CDX_ERR_CORRUPT;
	n = **p;
	(*p)++;
	if (n >= cap || n > (size_t)(end - *p))
		return CDX_ERR_CORRUPT;
	memcpy(out, *p, n);
	out[n] = '\0';
	*p += n;
	return CDX_OK;
}

static uint64_t double_bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof u);
	return u;
}

static double bits_double(uint64_t u)
{
	double d;

	memcpy(&d, &u, sizeof d);
	return d;
}

/* A claim's numbers: value and value_max each as nothing (NaN), a zigzag
 * varint (a whole number, the common case: "40,000 tons", "$500
 * million") or the 8 bytes of the double; a two-bit tag each says which. */
enum { VAL_NAN = 0, VAL_INT = 1, VAL_DOUBLE = 2 };

static int val_tag(double v)
{
	if (isnan(v))
		return VAL_NAN;
	return v == floor(v) && fabs(v) < 9007199254740992.0 ? VAL_INT
	                                                      : VAL_DOUBLE;
}

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

static size_t put_val(uint8_t *p, int tag, double v)
{
	if (tag == VAL_INT)
		return index_varint_put(p, zigzag((int64_t)v));
	if (tag == VAL_DOUBLE) {
		index_put_be64(p, double_bits(v));
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
	} else if (tag == VAL_DOUBLE) {
		if (end - *p < 8)
			return CDX_ERR_CORRUPT;
		*v = bits_double(index_get_be64(*p));
		*p += 8;
	} else if (tag != VAL_NAN) {
		return CDX_ERR_CORRUPT;
	}
	return CDX_OK;
}

/* Record: varint doc, u8 kind, u8 qualifier, u8 parties, u8 flags, u8
 * value tags, varints start, end - start, zigzag start - sent_start and
 * sent_end - end, the values, then the strings. */
int index_claim_pack(const struct cdx_claim *c, uint64_t doc,
                     struct cdx_buf *b)
{
	uint8_t fixed[CLAIMREC_MAX];
	unsigned np = c->n_parties < CDX_CLAIM_PARTIES_MAX ?
	              c->n_parties : CDX_CLAIM_PARTIES_MAX;
	int tv = val_tag(c->value), tm = val_tag(c->value_max);
	size_t k;
	int rc;

	k = index_varint_put(fixed, doc);
	fixed[k++] = (uint8_t)c->kind;
	fixed[k++] = (uint8_t)c->qualifier;
	fixed[k++] = (uint8_t)np;
	fixed[k++] = (uint8_t)((c->subject ? REC_SUBJECT : 0) |
	                       (c->commodity ? REC_COMMODITY : 0) |
	                       (c->metric ? REC_METRIC : 0) |
	                       ((unsigned)c->change << REC_CHANGE_SHIFT));
	fixed[k++] = (uint8_t)(tv | tm << 2);
	k += index_varint_put(fixed + k, c->start);
	k += index_varint_put(fixed + k, (uint64_t)c->end - c->start);
	k += index_varint_put(fixed + k, zigzag((int64_t)c->start -
	                                         (int64_t)c->sent_start));
	k += index_varint_put(fixed + k, zigzag((int64_t)c->sent_end -
	                                         (int64_t)c->end));
	k += put_val(fixed + k, tv, c->value);
	k += put_val(fixed + k, tm, c->value_max);
	rc = cdx_buf_add(b, fixed, k);
	if (rc == CDX_OK)
		rc = put_small(b, c->value_str, sizeof c->value_str);
	if (rc == CDX_OK)
		rc = put_small(b, c->unit, sizeof c->unit);
	if (rc == CDX_OK)
		rc = put_small(b, c->per, sizeof c->per);
	if (rc == CDX_OK)
		rc = put_small(b, c->time, sizeof c->time);
	if (rc == CDX_OK && c->subject)
		rc = put_str(b, c->subject, strlen(c->subject));
	if (rc == CDX_OK && c->commodity)
		rc = put_str(b, c->commodity, strlen(c->commodity));
	if (rc == CDX_OK && c->metric)
		rc = put_str(b, c->metric, strlen(c->metric));
	for (unsigned i = 0; rc == CDX_OK && i < np; i++) {
		const char *s = c->parties[i] ? c->parties[i] : "";

		rc = put_str(b, s, strlen(s));
	}
	return rc;
}

int index_claim_unpack(const void *v, size_t n, struct index_claimrec *r)
{
	const uint8_t *p = v, *end = p + n;
	struct cdx_claim *c = &r->c;
	uint64_t start, len, back, fwd;
	uint8_t flags, tags;

	memset(r, 0, sizeof *r);
	if (index_varint_get(&p, end, &r->doc) || end - p < 5)
		return CDX_ERR_CORRUPT;
	if (p[0] >= CDX_KIND_COUNT_ || p[1] > CDX_QUAL_RANGE ||
	    p[2] > CDX_CLAIM_PARTIES_MAX)
		return CDX_ERR_CORRUPT;
	c->kind = (enum cdx_claim_kind)p[0];
	c->qualifier = (enum cdx_qualifier)p[1];
	c->n_parties = p[2];
	flags = p[3];
	tags = p[4];
	p += 5;
	if ((flags >> REC_CHANGE_SHIFT) > CDX_CHANGE_DOWN)
		return CDX_ERR_CORRUPT;
	c->change = (enum cdx_change)(flags >> REC_CHANGE_SHIFT);
	if (index_varint_get(&p, end, &start) ||
	    index_varint_get(&p, end, &len) ||
	    index_varint_get(&p, end, &back) ||
	    index_varint_get(&p, end, &fwd) || start > UINT32_MAX ||
	    len > UINT32_MAX - start)
		return CDX_ERR_CORRUPT;
	c->start = (uint32_t)start;
	c->end = (uint32_t)(start + len);
	c->sent_start = (uint32_t)((int64_t)start - unzigzag(back));
	c->sent_end = (uint32_t)((int64_t)c->end + unzigzag(fwd));
	if (get_val(&p, end, tags & 3, &c->value) ||
	    get_val(&p, end, tags >> 2 & 3, &c->value_max) || tags >> 4)
		return CDX_ERR_CORRUPT;
	if (get_small(&p, end, c->value_str, sizeof c->value_str) ||
	    get_small(&p, end, c->unit, sizeof c->unit) ||
	    get_small(&p, end, c->per, sizeof c->per) ||
	    get_small(&p, end, c->time, sizeof c->time))
		return CDX_ERR_CORRUPT;
	if ((flags & REC_SUBJECT) &&
	    get_str(&p, end, &c->subject, &r->subject_len))
		return CDX_ERR_CORRUPT;
	if ((flags & REC_COMMODITY) &&
	    get_str(&p, end, &c->commodity, &r->commodity_len))
		return CDX_ERR_CORRUPT;
	if ((flags & REC_METRIC) &&
	    get_str(&p, end, &c->metric, &r->metric_len))
		return CDX_ERR_CORRUPT;
	for (unsigned i = 0; i < c->n_parties; i++)
		if (get_str(&p, end, &c->parties[i], &r->party_len[i]))
			return CDX_ERR_CORRUPT;
	return CDX_OK;
}

/* ------------------------------------------------------------ text */

#define TB INDEX_TEXT_BLOCK

static int text_damaged(struct cdx_index *ix, uint64_t off,
                        struct cdx_error *err)
{
	return cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': the text "
	                     "at byte %llu of its text stream is missing",
	                     ix->path, (unsigned long long)off);
}

/* Block @p no, or NOTFOUND. */
static int get_block(struct cdx_index *ix, MDB_txn *txn, uint64_t no,
                     MDB_val *v, struct cdx_error *err)
{
	uint8_t kb[8];
	MDB_val k = index_val(kb, 8);
	int rc;

	index_put_be64(kb, no);
	rc = mdb_get(txn, ix->dbi[DB_TEXT], &k, v);
	if (rc == MDB_NOTFOUND)
		return CDX_ERR_NOTFOUND;
	return rc ? index_mdb_error(ix, rc, "read", err) : CDX_OK;
}

int index_text_read(struct cdx_index *ix, MDB_txn *txn, uint64_t off,
                    uint64_t len, struct index_text *t,
                    struct cdx_error *err)
{
	uint64_t at = off, end = off + len;
	char *buf;

	memset(t, 0, sizeof *t);
	t->p = "";
	if (len == 0)
		return CDX_OK;
	if (off / TB == (end - 1) / TB) {
		MDB_val v;
		int rc = get_block(ix, txn, off / TB, &v, err);

		if (rc == CDX_ERR_NOTFOUND || (rc == CDX_OK &&
		                               v.mv_size < off % TB + len))
			return text_damaged(ix, off, err);
		if (rc != CDX_OK)
			return rc;
		t->p = (const char *)v.mv_data + off % TB;
		t->len = (size_t)len;
		return CDX_OK;
	}
	buf = malloc((size_t)len);
	if (buf == NULL)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	while (at < end) {
		size_t o = (size_t)(at % TB);
		size_t k = TB - o < end - at ? TB - o : (size_t)(end - at);
		MDB_val v;
		int rc = get_block(ix, txn, at / TB, &v, err);

		if (rc == CDX_ERR_NOTFOUND || (rc == CDX_OK && v.mv_size < o + k))
			rc = text_damaged(ix, at, err);
		if (rc != CDX_OK) {
			free(buf);
			return rc;
		}
		memcpy(buf + (at - off), (const char *)v.mv_data + o, k);
		at += k;
	}
	t->owned = buf;
	t->p = buf;
	t->len = (size_t)len;
	return CDX_OK;
}

int index_text_get(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                   struct index_text *t, struct cdx_error *err)
{
	struct index_docrec r;
	int rc = index_doc_read(ix, txn, id, &r, err);

	if (rc != CDX_OK) {
		memset(t, 0, sizeof *t);
		return rc;
	}
	return index_text_read(ix, txn, r.text_off, r.text_len, t, err);
}

void index_text_release(struct index_text *t)
{
	if (t == NULL)
		return;
	free(t->owned);
	memset(t, 0, sizeof *t);
}

int index_text_append(struct cdx_index *ix, MDB_txn *txn,
                      struct index_meta *m, const char *p, size_t len,
                      uint64_t *off, struct cdx_error *err)
{
	char block[TB];

	*off = m->text_end;
	while (len > 0) {
		uint64_t no = m->text_end / TB;
		size_t o = (size_t)(m->text_end % TB);
		size_t k = TB - o < len ? TB - o : len;
		uint8_t kb[8];
		MDB_val key = index_val(kb, 8), v;
		unsigned flags = 0;
		int rc;

		index_put_be64(kb, no);
		if (o == 0) {
			/* a fresh block: the largest key so far */
			v = index_val(p, k);
			flags = MDB_APPEND;
		} else {
			/* top up the last block (gone when its only
			 * documents were removed: then it is padding) */
			rc = get_block(ix, txn, no, &v, err);
			if (rc != CDX_OK && rc != CDX_ERR_NOTFOUND)
				return rc;
			memset(block, 0, o);
			if (rc == CDX_OK)
				memcpy(block, v.mv_data,
				       v.mv_size < o ? v.mv_size : o);
			memcpy(block + o, p, k);
			v = index_val(block, o + k);
		}
		rc = mdb_put(txn, ix->dbi[DB_TEXT], &key, &v, flags);
		if (rc != 0)
			return index_mdb_error(ix, rc, "write", err);
		m->text_end += k;
		p += k;
		len -= k;
	}
	return CDX_OK;
}

/* The text end of the live document before @p id and the text start of
 * the one after it (0 and @p stream_end when there is none). */
static int neighbours(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                      uint64_t stream_end, uint64_t *lo, uint64_t *hi,
                      int *last, struct cdx_error *err)
{
	struct index_docrec r;
	MDB_cursor *cur = NULL;
	uint8_t kb[8];
	MDB_val k = index_val(kb, 8), v;
	int rc;

	*lo = 0;
	*hi = stream_end;
	*last = 1;
	index_put_be64(kb, id);
	rc = mdb_cursor_open(txn, ix->dbi[DB_DOCS], &cur);
	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (rc == 0 && k.mv_size == 8 && index_get_be64(k.mv_data) == id)
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	if (rc == 0) {
		if (index_docrec_unpack(v.mv_data, v.mv_size, &r) == CDX_OK)
			*hi = r.text_off;
		*last = 0;
		rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
		if (rc == 0 && k.mv_size == 8 && index_get_be64(k.mv_data) == id)
			rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
	} else if (rc == MDB_NOTFOUND) {
		rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
		if (rc == 0 && k.mv_size == 8 && index_get_be64(k.mv_data) == id)
			rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
	}
	if (rc == 0 && index_docrec_unpack(v.mv_data, v.mv_size, &r) == CDX_OK)
		*lo = r.text_off + r.text_len;
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return index_mdb_error(ix, rc, "read", err);
	return CDX_OK;
}

int index_text_drop(struct cdx_index *ix, MDB_txn *txn,
                    const struct index_meta *m, uint64_t id, uint64_t off,
                    uint64_t len, struct cdx_error *err)
{
	uint64_t lo, hi, first, end;
	int last, rc;

	if (len == 0)
		return CDX_OK;
	rc = neighbours(ix, txn, id, m->text_end, &lo, &hi, &last, err);
	if (rc != CDX_OK)
		return rc;
	if (lo > off)
		lo = off;
	if (hi < off + len)
		hi = off + len;
	/* blocks wholly between the neighbours; the partial last block of
	 * the stream too when no later document uses it */
	first = (lo + TB - 1) / TB;
	end = last ? (hi + TB - 1) / TB : hi / TB;
	for (uint64_t b = first < off / TB ? off / TB : first;
	     b < end && b <= (off + len - 1) / TB; b++) {
		uint8_t kb[8];
		MDB_val k = index_val(kb, 8);

		index_put_be64(kb, b);
		rc = mdb_del(txn, ix->dbi[DB_TEXT], &k, NULL);
		if (rc != 0 && rc != MDB_NOTFOUND)
			return index_mdb_error(ix, rc, "write", err);
	}
	return CDX_OK;
}
