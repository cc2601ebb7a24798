/*
 * record.c — the packed records of the docs database, and the text
 * stream. (A document's claims record is claimrec.c's.)
 *
 * Records are varints (numbers are mostly small: offsets, lengths,
 * whole-number values) followed by strings with varint lengths; ranking
 * reads document lengths from the length table (doclen.c), not here.
 * Nothing is stored that another table gives cheaply: the content hash
 * is the text's (index_doc_hash), read again only to remove or check.
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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "index_int.h"

/* Longest packed head of a doc record: 5 varints, 2 bytes. */
#define DOCREC_MAX (5 * 10 + 2)

/* REC_DAY: the date is a day "YYYY-MM-DD", stored as the varint
 * year << 9 | month << 5 | day (3 bytes instead of 11). */
enum { REC_TITLE = 1, REC_DATE = 2, REC_PREFIX = 4, REC_DAY = 8 };

static int digits(const char *s, size_t n, unsigned *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return 1;
}

/* The day code of @p s when it is exactly a "YYYY-MM-DD" that prints
 * back the same, else 0. */
static uint64_t day_code(const char *s, size_t n)
{
	unsigned y, m, d;

	if (n != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
	    !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d) || m < 1 ||
	    m > 12 || d < 1 || d > 31)
		return 0;
	return (uint64_t)y << 9 | m << 5 | d;
}

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

/* Record: varints n_tokens, text offset, text length, claim count; u8
 * format, u8 flags; with REC_PREFIX a varint prefix id; the strings (the
 * source without its prefix, the title, the date: with REC_DAY its day
 * code instead). */
int index_docrec_pack(const struct index_docrec *r, struct cdx_buf *b)
{
	uint8_t fixed[DOCREC_MAX];
	uint64_t day = r->date ? day_code(r->date, r->date_len) : 0;
	size_t k = 0;
	int rc;

	k += index_varint_put(fixed + k, r->n_tokens);
	k += index_varint_put(fixed + k, r->text_off);
	k += index_varint_put(fixed + k, r->text_len);
	k += index_varint_put(fixed + k, r->n_claims);
	fixed[k++] = r->format;
	fixed[k++] = (uint8_t)((r->title ? REC_TITLE : 0) |
	                       (r->date ? (day ? REC_DAY : REC_DATE) : 0) |
	                       (r->prefix ? REC_PREFIX : 0));
	if (r->prefix)
		k += index_varint_put(fixed + k, r->prefix - 1);
	rc = cdx_buf_add(b, fixed, k);
	if (rc == CDX_OK)
		rc = put_str(b, r->source, r->source_len);
	if (rc == CDX_OK && r->title)
		rc = put_str(b, r->title, r->title_len);
	if (rc == CDX_OK && day)
		rc = index_buf_varint(b, day);
	else if (rc == CDX_OK && r->date)
		rc = put_str(b, r->date, r->date_len);
	return rc;
}

int index_docrec_unpack(const void *v, size_t n, struct index_docrec *r)
{
	const uint8_t *p = v, *end = p + n;
	uint64_t n_claims;
	uint8_t flags;

	memset(r, 0, offsetof(struct index_docrec, source_buf));
	if (index_varint_get(&p, end, &r->n_tokens) ||
	    index_varint_get(&p, end, &r->text_off) ||
	    index_varint_get(&p, end, &r->text_len) ||
	    index_varint_get(&p, end, &n_claims) || n_claims > UINT32_MAX ||
	    end - p < 2)
		return CDX_ERR_CORRUPT;
	r->n_claims = (uint32_t)n_claims;
	r->format = p[0];
	flags = p[1];
	p += 2;
	if ((flags & ~(REC_TITLE | REC_DATE | REC_PREFIX | REC_DAY)) ||
	    (flags & (REC_DATE | REC_DAY)) == (REC_DATE | REC_DAY))
		return CDX_ERR_CORRUPT;
	if (flags & REC_PREFIX) {
		uint64_t pre;

		if (index_varint_get(&p, end, &pre) || pre >= UINT32_MAX)
			return CDX_ERR_CORRUPT;
		r->prefix = (uint32_t)pre + 1;
	}
	if (get_str(&p, end, &r->source, &r->source_len))
		return CDX_ERR_CORRUPT;
	if ((flags & REC_TITLE) && get_str(&p, end, &r->title, &r->title_len))
		return CDX_ERR_CORRUPT;
	if ((flags & REC_DATE) && get_str(&p, end, &r->date, &r->date_len))
		return CDX_ERR_CORRUPT;
	if (flags & REC_DAY) {
		uint64_t day;

		if (index_varint_get(&p, end, &day) || day >= (uint64_t)1 << 23 ||
		    (day >> 5 & 15) < 1 || (day >> 5 & 15) > 12 ||
		    (day & 31) < 1)
			return CDX_ERR_CORRUPT;
		snprintf(r->date_buf, sizeof r->date_buf, "%04u-%02u-%02u",
		         (unsigned)(day >> 9), (unsigned)(day >> 5 & 15),
		         (unsigned)(day & 31));
		r->date = r->date_buf;
		r->date_len = 10;
	}
	return p == end ? CDX_OK : CDX_ERR_CORRUPT;
}

int index_doc_hash(struct cdx_index *ix, MDB_txn *txn,
                   const struct index_docrec *r, uint64_t *out,
                   struct cdx_error *err)
{
	struct index_text t;
	int rc = index_text_read(ix, txn, r->text_off, r->text_len, &t, err);

	*out = rc == CDX_OK ? index_hash64(t.p, t.len) : 0;
	index_text_release(&t);
	return rc;
}

int index_doc_read(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                   struct index_docrec *r, struct cdx_error *err)
{
	return index_doc_read_cached(ix, txn, id, r, NULL, err);
}

int index_doc_read_cached(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                          struct index_docrec *r,
                          struct index_prefix_cache *cache,
                          struct cdx_error *err)
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
	return index_doc_source_cached(ix, txn, r, cache, err);
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
