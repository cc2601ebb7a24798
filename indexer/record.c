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

/* Longest packed head of a doc record: 4 varints, 2 bytes. */
#define DOCREC_MAX (4 * 10 + 2)

/* REC_DAY: the date is a day "YYYY-MM-DD", stored as the varint
 * year << 9 | month << 5 | day (3 bytes instead of 11). REC_TITLE_LEAD:
 * the text opens with the title (with REC_TITLE only). REC_SRC_NUM: the
 * source (after its prefix) is a decimal number, stored as a varint (a
 * collection's "file#123": 2 bytes where the string took 4 or 5). */
enum {
	REC_TITLE = 1, REC_DATE = 2, REC_PREFIX = 4, REC_DAY = 8,
	REC_TITLE_LEAD = 16, REC_SRC_NUM = 32
};

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

/* The value of @p s when it is a decimal number that prints back the
 * same (no leading zero, at most 18 digits), else -1. */
static int64_t source_num(const char *s, size_t n)
{
	int64_t v = 0;

	if (n == 0 || n > 18 || (s[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
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

/* Record: varints n_tokens, span offset, text length, claim count; u8
 * format, u8 flags; with REC_PREFIX a varint prefix id; the source
 * without its prefix; with REC_TITLE the title's length (the title is
 * in the text stream: REC_TITLE_LEAD, the text's first bytes, else just
 * before the text); the date (with REC_DAY its day code). */
int index_docrec_pack(const struct index_docrec *r, struct cdx_buf *b)
{
	uint8_t fixed[DOCREC_MAX];
	uint64_t day = r->date ? day_code(r->date, r->date_len) : 0;
	int64_t num = source_num(r->source, r->source_len);
	size_t k = 0;
	int rc;

	k += index_varint_put(fixed + k, r->span_off);
	k += index_varint_put(fixed + k, r->text_len);
	k += index_varint_put(fixed + k, r->n_claims);
	fixed[k++] = r->format;
	fixed[k++] = (uint8_t)((r->has_title ? REC_TITLE : 0) |
	                       (r->has_title && r->title_lead ? REC_TITLE_LEAD
	                                                      : 0) |
	                       (r->date ? (day ? REC_DAY : REC_DATE) : 0) |
	                       (r->prefix ? REC_PREFIX : 0) |
	                       (num >= 0 ? REC_SRC_NUM : 0));
	if (r->prefix)
		k += index_varint_put(fixed + k, r->prefix - 1);
	rc = cdx_buf_add(b, fixed, k);
	if (rc == CDX_OK)
		rc = index_buf_varint(b, r->n_tokens);
	if (rc == CDX_OK && num >= 0)
		rc = index_buf_varint(b, (uint64_t)num);
	else if (rc == CDX_OK)
		rc = put_str(b, r->source, r->source_len);
	if (rc == CDX_OK && r->has_title)
		rc = index_buf_varint(b, r->title_len);
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
	if (index_varint_get(&p, end, &r->span_off) ||
	    index_varint_get(&p, end, &r->text_len) ||
	    index_varint_get(&p, end, &n_claims) || n_claims > UINT32_MAX ||
	    end - p < 2)
		return CDX_ERR_CORRUPT;
	r->n_claims = (uint32_t)n_claims;
	r->format = p[0];
	flags = p[1];
	p += 2;
	if ((flags & ~(REC_TITLE | REC_DATE | REC_PREFIX | REC_DAY |
	               REC_TITLE_LEAD | REC_SRC_NUM)) ||
	    (flags & (REC_DATE | REC_DAY)) == (REC_DATE | REC_DAY) ||
	    (flags & (REC_TITLE | REC_TITLE_LEAD)) == REC_TITLE_LEAD)
		return CDX_ERR_CORRUPT;
	if (flags & REC_PREFIX) {
		uint64_t pre;

		if (index_varint_get(&p, end, &pre) || pre >= UINT32_MAX)
			return CDX_ERR_CORRUPT;
		r->prefix = (uint32_t)pre + 1;
	}
	if (index_varint_get(&p, end, &r->n_tokens))
		return CDX_ERR_CORRUPT;
	if (flags & REC_SRC_NUM) {
		uint64_t num;
		int len;

		if (index_varint_get(&p, end, &num) || num > INT64_MAX)
			return CDX_ERR_CORRUPT;
		len = snprintf(r->num_buf, sizeof r->num_buf, "%llu",
		               (unsigned long long)num);
		r->source = r->num_buf;
		r->source_len = (size_t)len;
	} else if (get_str(&p, end, &r->source, &r->source_len)) {
		return CDX_ERR_CORRUPT;
	}
	r->text_off = r->span_off;
	r->span_len = r->text_len;
	if (flags & REC_TITLE) {
		uint64_t tl;

		if (index_varint_get(&p, end, &tl) || tl > (uint64_t)1 << 40 ||
		    ((flags & REC_TITLE_LEAD) && tl > r->text_len))
			return CDX_ERR_CORRUPT;
		r->has_title = 1;
		r->title_lead = (flags & REC_TITLE_LEAD) != 0;
		r->title_len = (size_t)tl;
		r->title_off = r->span_off;
		if (!r->title_lead) {
			r->text_off += tl;
			r->span_len += tl;
		}
	}
	if (r->span_off + r->span_len < r->span_off)
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

int index_doc_text_put(struct cdx_index *ix, MDB_txn *txn,
                       struct index_meta *m, struct index_tail *tail,
                       struct index_docrec *r, const char *title,
                       const char *text, size_t len, struct cdx_error *err)
{
	size_t tl = title ? strlen(title) : 0;
	uint64_t off;
	int rc;

	r->has_title = title != NULL;
	r->title = title;
	r->title_len = tl;
	/* a text that opens with its title keeps it once */
	r->title_lead = title && tl <= len && memcmp(text, title, tl) == 0;
	r->span_off = m->text_end;
	if (title && !r->title_lead) {
		rc = index_text_append(ix, txn, m, tail, title, tl, &off, err);
		if (rc != CDX_OK)
			return rc;
	}
	r->title_off = r->span_off;
	rc = index_text_append(ix, txn, m, tail, text, len, &r->text_off,
	                       err);
	if (rc != CDX_OK)
		return rc;
	r->text_len = len;
	r->span_len = r->text_off + len - r->span_off;
	m->text_bytes += r->span_len;
	return CDX_OK;
}

int index_doc_title(struct cdx_index *ix, MDB_txn *txn,
                    const struct index_docrec *r, struct index_text *t,
                    struct cdx_error *err)
{
	if (!r->has_title) {
		memset(t, 0, sizeof *t);
		return CDX_OK;
	}
	return index_text_read(ix, txn, r->title_off, r->title_len, t, err);
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
	MDB_val v;
	int rc = index_doc_get(ix, txn, id, &v, err);

	if (rc == CDX_ERR_NOTFOUND)
		return cdx_error_set(err, CDX_ERR_NOTFOUND,
		                     "no document %llu in index '%s'",
		                     (unsigned long long)id, ix->path);
	if (rc != CDX_OK && rc != CDX_ERR_CORRUPT)
		return rc;
	if (rc == CDX_ERR_CORRUPT ||
	    index_docrec_unpack(v.mv_data, v.mv_size, r) != CDX_OK)
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

/* Block @p no, or NOTFOUND: from @p tail when it holds it (the writer's
 * last block, newer than what is stored), else from the table. */
static int get_block(struct cdx_index *ix, MDB_txn *txn,
                     const struct index_tail *tail, uint64_t no, MDB_val *v,
                     struct cdx_error *err)
{
	uint8_t kb[8];
	MDB_val k = index_val(kb, 8);
	int rc;

	if (tail && tail->live && tail->no == no) {
		*v = index_val(tail->b, tail->len);
		return CDX_OK;
	}
	index_put_be64(kb, no);
	rc = mdb_get(txn, ix->dbi[DB_TEXT], &k, v);
	if (rc == MDB_NOTFOUND)
		return CDX_ERR_NOTFOUND;
	return rc ? index_mdb_error(ix, rc, "read", err) : CDX_OK;
}

/* index_text_read() through @p tail (NULL: none). */
static int text_read(struct cdx_index *ix, MDB_txn *txn,
                     const struct index_tail *tail, uint64_t off,
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
		int rc = get_block(ix, txn, tail, off / TB, &v, err);

		if (rc == CDX_ERR_NOTFOUND || (rc == CDX_OK &&
		                               v.mv_size < off % TB + len))
			return text_damaged(ix, off, err);
		if (rc != CDX_OK)
			return rc;
		t->p = (const char *)v.mv_data + off % TB;
		t->len = (size_t)len;
		return CDX_OK;
	}
	{
		/* the last block first: a damaged length past the stream is
		 * found before it is allocated */
		MDB_val v;
		int rc = get_block(ix, txn, tail, (end - 1) / TB, &v, err);

		if (rc == CDX_ERR_NOTFOUND ||
		    (rc == CDX_OK && v.mv_size < (end - 1) % TB + 1))
			return text_damaged(ix, end - 1, err);
		if (rc != CDX_OK)
			return rc;
	}
	if (len > SIZE_MAX)
		return text_damaged(ix, off, err);
	buf = malloc((size_t)len);
	if (buf == NULL)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	while (at < end) {
		size_t o = (size_t)(at % TB);
		size_t k = TB - o < end - at ? TB - o : (size_t)(end - at);
		MDB_val v;
		int rc = get_block(ix, txn, tail, at / TB, &v, err);

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

int index_text_read(struct cdx_index *ix, MDB_txn *txn, uint64_t off,
                    uint64_t len, struct index_text *t,
                    struct cdx_error *err)
{
	return text_read(ix, txn, NULL, off, len, t, err);
}

int index_doc_same(struct cdx_index *ix, MDB_txn *txn,
                   const struct index_tail *tail, uint64_t id,
                   const char *text, size_t len, int with_meta,
                   const char *title, const char *date, int *same,
                   struct cdx_error *err)
{
	size_t dl = date ? strlen(date) : 0;
	struct index_docrec r;
	struct index_text t;
	int rc = index_doc_read(ix, txn, id, &r, err);

	*same = 0;
	if (rc != CDX_OK)
		return rc;
	if (!with_meta)
		title = date = NULL;
	if (with_meta && ((r.date != NULL) != (date != NULL) ||
	                  (date && (r.date_len != dl ||
	                            memcmp(r.date, date, dl) != 0)) ||
	                  r.has_title != (title != NULL) ||
	                  (title && r.title_len != strlen(title))))
		return CDX_OK;
	if (r.text_len != len)
		return CDX_OK;
	if (title) {
		rc = text_read(ix, txn, tail, r.title_off, r.title_len, &t, err);
		if (rc != CDX_OK)
			return rc;
		*same = memcmp(t.p, title, r.title_len) == 0;
		index_text_release(&t);
		if (!*same)
			return CDX_OK;
	}
	rc = text_read(ix, txn, tail, r.text_off, r.text_len, &t, err);
	if (rc != CDX_OK)
		return rc;
	*same = memcmp(t.p, text, len) == 0;
	index_text_release(&t);
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
	return text_read(ix, txn, NULL, r.text_off, r.text_len, t, err);
}

void index_text_release(struct index_text *t)
{
	if (t == NULL)
		return;
	free(t->owned);
	memset(t, 0, sizeof *t);
}

int index_text_append(struct cdx_index *ix, MDB_txn *txn,
                      struct index_meta *m, struct index_tail *tail,
                      const char *p, size_t len, uint64_t *off,
                      struct cdx_error *err)
{
	*off = m->text_end;
	while (len > 0) {
		uint64_t no = m->text_end / TB;
		size_t o = (size_t)(m->text_end % TB);
		size_t k = TB - o < len ? TB - o : len;
		int rc;

		/* a block begun is read back (gone when its only documents
		 * were removed: then it is padding); a fresh one is not */
		if (!tail->live || tail->no != no) {
			rc = index_tail_load(ix, txn, tail, no, o == 0, err);
			if (rc != CDX_OK)
				return rc;
		}
		if (tail->len < o)
			memset(tail->b + tail->len, 0, o - tail->len);
		memcpy(tail->b + o, p, k);
		tail->len = o + k;
		tail->dirty = 1;
		m->text_end += k;
		p += k;
		len -= k;
		if (tail->len == TB) {
			rc = index_tail_flush(ix, txn, tail, err);
			if (rc != CDX_OK)
				return rc;
		}
	}
	return CDX_OK;
}

/* The span end of the live document before @p id and the span start of
 * the one after it (0 and @p stream_end when there is none). */
static int neighbours(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                      uint64_t stream_end, uint64_t *lo, uint64_t *hi,
                      int *last, struct cdx_error *err)
{
	struct index_docrec r;
	struct index_docs_it it;
	MDB_val v;
	uint64_t other;
	int rc;

	*lo = 0;
	*hi = stream_end;
	*last = 1;
	rc = index_docs_open(&it, ix, txn, id + 1);
	if (rc == 0) {
		rc = index_docs_next(&it, &other, &v);
		if (rc == CDX_OK) {
			if (index_docrec_unpack(v.mv_data, v.mv_size, &r) ==
			    CDX_OK)
				*hi = r.span_off;
			*last = 0;
		} else if (rc == CDX_ERR_CORRUPT) {
			*last = 0; /* keep blocks a damaged record may use */
		}
		rc = rc == CDX_OK || rc == CDX_ERR_ITEROVER ||
		     rc == CDX_ERR_CORRUPT ? 0 : rc;
	}
	index_docs_close(&it);
	if (rc == 0) {
		rc = index_doc_before(ix, txn, id, &other, &v);
		if (rc == CDX_OK &&
		    index_docrec_unpack(v.mv_data, v.mv_size, &r) == CDX_OK)
			*lo = r.span_off + r.span_len;
		rc = rc == CDX_OK || rc == CDX_ERR_NOTFOUND ? 0 : rc;
	}
	if (rc != 0)
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
