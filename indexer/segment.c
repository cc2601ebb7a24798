/*
 * segment.c — segments: the term streams that hold the postings, one
 * written per batch and merged as they pile up (index_int.h has the
 * layout).
 *
 * A stream is a run of entries [lengths][suffix bytes][varint length]
 * [term entry], terms in order and front-coded against the previous
 * term: the lengths are one byte shared << 4 | suffix when the shared
 * prefix is under 15 bytes and the suffix under 16 (most terms), else
 * 0xff, u8 shared, u8 suffix. It is cut into INDEX_PIECE-byte pieces regardless
 * of entry boundaries, so pieces appended in key order fill LMDB's pages
 * to the brim; the first entry that starts in each piece spells its term
 * out whole and gets an index point in the terms database, which is how
 * a reader finds a term: the index point at or before it, then a short
 * scan.
 *
 * Readers copy each piece out of the map before decoding it: a merge
 * reads the segment written earlier in its own transaction, whose pages
 * LMDB may still move while the merged segment is appended.
 */
#include <stdlib.h>

#include "index_int.h"

#define SEGREC_SIZE 33

static int damaged(const struct cdx_index *ix, uint32_t seg,
                   struct cdx_error *err)
{
	return cdx_error_set(err, CDX_ERR_CORRUPT,
	                     "index '%s': postings segment %u is damaged",
	                     ix->path, seg);
}

int index_seg_pack(const struct index_seg *s, uint8_t out[34])
{
	out[0] = s->level;
	index_put_be64(out + 1, s->first);
	index_put_be64(out + 9, s->last);
	index_put_be64(out + 17, s->bytes);
	index_put_be64(out + 25, s->n_terms);
	return SEGREC_SIZE;
}

int index_seg_unpack(const void *v, size_t n, struct index_seg *s)
{
	const uint8_t *p = v;

	if (n != SEGREC_SIZE)
		return CDX_ERR_CORRUPT;
	s->level = p[0];
	s->first = index_get_be64(p + 1);
	s->last = index_get_be64(p + 9);
	s->bytes = index_get_be64(p + 17);
	s->n_terms = index_get_be64(p + 25);
	return s->first <= s->last ? CDX_OK : CDX_ERR_CORRUPT;
}

static int by_first(const void *pa, const void *pb)
{
	const struct index_seg *a = pa, *b = pb;

	return (a->first > b->first) - (a->first < b->first);
}

int index_segs_load(struct cdx_index *ix, MDB_txn *txn,
                    struct index_seg **out, size_t *n, struct cdx_error *err)
{
	struct index_seg *v = NULL;
	size_t cap = 0;
	MDB_cursor *cur = NULL;
	MDB_val k, d;
	int rc;

	*out = NULL;
	*n = 0;
	rc = mdb_cursor_open(txn, ix->dbi[DB_SEGS], &cur);
	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &d, MDB_FIRST);
	for (; rc == 0; rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct index_seg *nv = realloc(v, ncap * sizeof *nv);

			if (nv == NULL) {
				mdb_cursor_close(cur);
				free(v);
				return index_nomem(err);
			}
			v = nv;
			cap = ncap;
		}
		if (k.mv_size != 4 ||
		    index_seg_unpack(d.mv_data, d.mv_size, &v[*n]) != CDX_OK) {
			mdb_cursor_close(cur);
			free(v);
			*n = 0;
			return cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': "
			                     "a segment record is damaged",
			                     ix->path);
		}
		v[(*n)++].id = index_get_be32(k.mv_data);
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND) {
		free(v);
		*n = 0;
		return index_mdb_error(ix, rc, "read", err);
	}
	/* a purged segment gets a new id but keeps its place */
	if (*n > 1)
		qsort(v, *n, sizeof *v, by_first);
	*out = v;
	return CDX_OK;
}

/* ------------------------------------------------------------ writer */

void index_segw_init(struct index_segw *w, struct cdx_index *ix,
                     MDB_txn *txn, uint32_t id)
{
	memset(w, 0, sizeof *w);
	w->ix = ix;
	w->txn = txn;
	w->seg.id = id;
	w->indexed_piece = -1;
	cdx_buf_init(&w->piece, INDEX_PIECE);
}

void index_segw_release(struct index_segw *w)
{
	cdx_buf_release(&w->piece);
}

static int flush_piece(struct index_segw *w, struct cdx_error *err)
{
	uint8_t kb[8];
	MDB_val k = index_val(kb, 8), v = index_val(w->piece.ptr, w->piece.len);
	int rc;

	index_put_be32(kb, w->seg.id);
	index_put_be32(kb + 4, w->piece_no);
	rc = mdb_put(w->txn, w->ix->dbi[DB_POST], &k, &v, MDB_APPEND);
	if (rc != 0)
		return index_mdb_error(w->ix, rc, "write", err);
	w->piece_no++;
	cdx_buf_clear(&w->piece);
	return CDX_OK;
}

/* Append @p n stream bytes, a piece stored each time one fills. The
 * piece buffer is made full size once, then filled by memcpy: a segment
 * is a few bytes of header and an entry per term, tens of thousands of
 * small appends. */
static int emit(struct index_segw *w, const uint8_t *p, size_t n,
                struct cdx_error *err)
{
	if (w->piece.cap <= INDEX_PIECE &&
	    cdx_buf_grow(&w->piece, INDEX_PIECE - w->piece.len) != CDX_OK)
		return index_nomem(err);
	while (n > 0) {
		size_t room = INDEX_PIECE - w->piece.len;
		size_t k = n < room ? n : room;
		int rc;

		memcpy(w->piece.ptr + w->piece.len, p, k);
		w->piece.len += k;
		w->piece.ptr[w->piece.len] = '\0';
		p += k;
		n -= k;
		w->seg.bytes += k;
		if (w->piece.len == INDEX_PIECE) {
			rc = flush_piece(w, err);
			if (rc != CDX_OK)
				return rc;
		}
	}
	return CDX_OK;
}

int index_segw_add(struct index_segw *w, const char *term, size_t n,
                   const uint8_t *entry, size_t len, struct cdx_error *err)
{
	uint8_t hdr[3 + INDEX_TERM_MAX + 10];
	size_t shared = 0, suffix, h;
	int rc;

	if (w->indexed_piece != (int64_t)w->piece_no) {
		uint8_t kb[4 + INDEX_TERM_MAX], vb[6];
		MDB_val k = index_val(kb, 4 + n), v = index_val(vb, 6);

		/* the first entry starting in this piece: an index point */
		index_put_be32(kb, w->seg.id);
		memcpy(kb + 4, term, n);
		index_put_be32(vb, w->piece_no);
		vb[4] = (uint8_t)(w->piece.len >> 8);
		vb[5] = (uint8_t)w->piece.len;
		rc = mdb_put(w->txn, w->ix->dbi[DB_TERMS], &k, &v, MDB_APPEND);
		if (rc != 0)
			return index_mdb_error(w->ix, rc, "write", err);
		w->indexed_piece = w->piece_no;
	} else {
		while (shared < n && shared < w->prev_len &&
		       term[shared] == w->prev[shared])
			shared++;
	}
	suffix = n - shared;
	if (shared < 15 && suffix < 16) {
		hdr[0] = (uint8_t)(shared << 4 | suffix);
		h = 1;
	} else {
		hdr[0] = 0xff;
		hdr[1] = (uint8_t)shared;
		hdr[2] = (uint8_t)suffix;
		h = 3;
	}
	memcpy(hdr + h, term + shared, suffix);
	h += suffix;
	h += index_varint_put(hdr + h, len);
	rc = emit(w, hdr, h, err);
	if (rc == CDX_OK)
		rc = emit(w, entry, len, err);
	memcpy(w->prev, term, n);
	w->prev_len = n;
	w->seg.n_terms++;
	return rc;
}

int index_segw_finish(struct index_segw *w, uint64_t first, uint64_t last,
                      uint8_t level, struct cdx_error *err)
{
	uint8_t kb[4], vb[34];
	MDB_val k = index_val(kb, 4), v;
	int rc = CDX_OK;

	if (w->seg.n_terms == 0)
		return CDX_OK;
	if (w->piece.len > 0)
		rc = flush_piece(w, err);
	if (rc != CDX_OK)
		return rc;
	w->seg.first = first;
	w->seg.last = last;
	w->seg.level = level;
	index_put_be32(kb, w->seg.id);
	v = index_val(vb, index_seg_pack(&w->seg, vb));
	rc = mdb_put(w->txn, w->ix->dbi[DB_SEGS], &k, &v, 0);
	return rc ? index_mdb_error(w->ix, rc, "write", err) : CDX_OK;
}

/* ------------------------------------------------------------ reader */

struct piece_copy {
	uint8_t b[INDEX_PIECE];
};

void index_segr_init(struct index_segr *r, struct cdx_index *ix,
                     MDB_txn *txn, const struct index_seg *s)
{
	memset(r, 0, sizeof *r);
	r->ix = ix;
	r->txn = txn;
	r->seg = *s;
	cdx_buf_init(&r->scratch, SIZE_MAX / 2);
}

void index_segr_release(struct index_segr *r)
{
	if (r == NULL)
		return;
	free((void *)r->p);
	cdx_buf_release(&r->scratch);
	r->p = NULL;
}

/* Make piece @p no the one held. */
static int load_piece(struct index_segr *r, uint32_t no,
                      struct cdx_error *err)
{
	uint8_t kb[8];
	MDB_val k = index_val(kb, 8), v;
	int rc;

	if (r->p != NULL && r->piece_no == no)
		return CDX_OK;
	index_put_be32(kb, r->seg.id);
	index_put_be32(kb + 4, no);
	rc = mdb_get(r->txn, r->ix->dbi[DB_POST], &k, &v);
	if (rc == MDB_NOTFOUND || (rc == 0 && v.mv_size > INDEX_PIECE))
		return damaged(r->ix, r->seg.id, err);
	if (rc != 0)
		return index_mdb_error(r->ix, rc, "read", err);
	if (r->p == NULL) {
		r->p = malloc(sizeof(struct piece_copy));
		if (r->p == NULL)
			return index_nomem(err);
	}
	memcpy((void *)r->p, v.mv_data, v.mv_size);
	r->plen = v.mv_size;
	r->piece_no = no;
	return CDX_OK;
}

/* Copy @p n stream bytes from r->at on into @p dst (NULL: into scratch). */
static int read_bytes(struct index_segr *r, uint8_t *dst, size_t n,
                      struct cdx_error *err)
{
	if (r->at + n > r->seg.bytes)
		return damaged(r->ix, r->seg.id, err);
	while (n > 0) {
		uint32_t no = (uint32_t)(r->at / INDEX_PIECE);
		size_t off = (size_t)(r->at % INDEX_PIECE), k;
		int rc = load_piece(r, no, err);

		if (rc != CDX_OK)
			return rc;
		if (off >= r->plen)
			return damaged(r->ix, r->seg.id, err);
		k = r->plen - off < n ? r->plen - off : n;
		if (dst) {
			memcpy(dst, r->p + off, k);
			dst += k;
		} else if (cdx_buf_add(&r->scratch, r->p + off, k) != CDX_OK) {
			return index_nomem(err);
		}
		r->at += k;
		n -= k;
	}
	return CDX_OK;
}

int index_segr_next(struct index_segr *r, struct cdx_error *err)
{
	uint8_t b[2];
	uint64_t len = 0;
	size_t off;
	int rc;

	if (r->at >= r->seg.bytes)
		return CDX_ERR_ITEROVER;
	rc = read_bytes(r, b, 1, err);
	if (rc == CDX_OK && b[0] == 0xff) {
		rc = read_bytes(r, b, 2, err);
	} else {
		b[1] = b[0] & 15;
		b[0] >>= 4;
	}
	if (rc == CDX_OK && (b[0] > r->term_len || b[0] + b[1] > INDEX_TERM_MAX))
		rc = damaged(r->ix, r->seg.id, err);
	if (rc == CDX_OK)
		rc = read_bytes(r, (uint8_t *)r->term + b[0], b[1], err);
	for (unsigned shift = 0; rc == CDX_OK; shift += 7) {
		uint8_t c;

		if (shift > 35)
			return damaged(r->ix, r->seg.id, err);
		rc = read_bytes(r, &c, 1, err);
		len |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			break;
	}
	if (rc != CDX_OK)
		return rc;
	r->term_len = (size_t)b[0] + b[1];
	r->term[r->term_len] = '\0';
	if (len == 0 || r->at + len > r->seg.bytes)
		return damaged(r->ix, r->seg.id, err);
	off = (size_t)(r->at % INDEX_PIECE);
	rc = load_piece(r, (uint32_t)(r->at / INDEX_PIECE), err);
	if (rc != CDX_OK)
		return rc;
	if (off + len <= r->plen) {
		/* the common case: the entry lies in the piece held */
		r->entry = r->p + off;
		r->entry_len = (size_t)len;
		r->at += len;
		return CDX_OK;
	}
	cdx_buf_clear(&r->scratch);
	/* room for the whole entry at once: a common word's spans dozens
	 * of pieces, and growing piece by piece copied it over and over */
	if (cdx_buf_grow(&r->scratch, (size_t)len) != CDX_OK)
		return index_nomem(err);
	rc = read_bytes(r, NULL, (size_t)len, err);
	r->entry = (const uint8_t *)r->scratch.ptr;
	r->entry_len = (size_t)len;
	return rc;
}

int index_segr_seek(struct index_segr *r, const char *term, size_t n,
                    struct cdx_error *err)
{
	uint8_t kb[4 + INDEX_TERM_MAX];
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int rc;

	r->at = 0;
	r->term_len = 0;
	index_put_be32(kb, r->seg.id);
	memcpy(kb + 4, term, n);
	k = index_val(kb, 4 + n);
	rc = mdb_cursor_open(r->txn, r->ix->dbi[DB_TERMS], &cur);
	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (rc == 0 && !(k.mv_size == 4 + n && memcmp(k.mv_data, kb, 4 + n) == 0))
		rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	if (rc == 0 && k.mv_size >= 4 && memcmp(k.mv_data, kb, 4) == 0) {
		const uint8_t *p = v.mv_data;

		if (v.mv_size != 6) {
			mdb_cursor_close(cur);
			return damaged(r->ix, r->seg.id, err);
		}
		r->at = (uint64_t)index_get_be32(p) * INDEX_PIECE +
		        (uint64_t)(p[4] << 8 | p[5]);
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return index_mdb_error(r->ix, rc, "read", err);
	return CDX_OK;
}

static int term_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	return c ? c : (an > bn) - (an < bn);
}

int index_segr_find(struct index_segr *r, const char *term, size_t n,
                    struct cdx_error *err)
{
	int rc = index_segr_seek(r, term, n, err);

	while (rc == CDX_OK) {
		int c;

		rc = index_segr_next(r, err);
		if (rc != CDX_OK)
			break;
		c = term_cmp(r->term, r->term_len, term, n);
		if (c == 0)
			return CDX_OK;
		if (c > 0)
			return CDX_ERR_NOTFOUND;
	}
	return rc == CDX_ERR_ITEROVER ? CDX_ERR_NOTFOUND : rc;
}

/* with_pos 2: only the documents in want, with positions */
static int read_postings(struct cdx_index *ix, MDB_txn *txn,
                         const struct index_seg *segs, size_t n_segs,
                         const char *term, size_t n, int with_pos,
                         const uint64_t *want, size_t n_want,
                         const struct index_plist *known,
                         struct index_plist *out, struct cdx_error *err)
{
	struct index_segr r;
	int rc = CDX_OK;

	for (size_t i = 0; i < n_segs && rc == CDX_OK; i++) {
		if (with_pos == 2 &&
		    (n_want == 0 || segs[i].last < want[0] ||
		     segs[i].first > want[n_want - 1]))
			continue; /* no document asked for is in it */
		index_segr_init(&r, ix, txn, &segs[i]);
		rc = index_segr_find(&r, term, n, err);
		if (rc == CDX_OK) {
			rc = with_pos == 2 ?
			     index_plist_decode_sel(r.entry, r.entry_len,
			                            segs[i].first, want, n_want,
			                            known, out) :
			     index_plist_decode(r.entry, r.entry_len,
			                        segs[i].first, with_pos, out);
			if (rc == CDX_ERR_NOMEM)
				rc = index_nomem(err);
			else if (rc != CDX_OK)
				rc = damaged(ix, segs[i].id, err);
		} else if (rc == CDX_ERR_NOTFOUND) {
			rc = CDX_OK;
		}
		index_segr_release(&r);
	}
	return rc;
}

int index_postings_read(struct cdx_index *ix, MDB_txn *txn,
                        const struct index_seg *segs, size_t n_segs,
                        const char *term, size_t n, int with_pos,
                        struct index_plist *out, struct cdx_error *err)
{
	return read_postings(ix, txn, segs, n_segs, term, n, with_pos != 0,
	                     NULL, 0, NULL, out, err);
}

int index_postings_read_sel(struct cdx_index *ix, MDB_txn *txn,
                            const struct index_seg *segs, size_t n_segs,
                            const char *term, size_t n,
                            const uint64_t *want, size_t n_want,
                            const struct index_plist *known,
                            struct index_plist *out, struct cdx_error *err)
{
	return read_postings(ix, txn, segs, n_segs, term, n, 2, want, n_want,
	                     known, out, err);
}

int index_is_deleted(struct cdx_index *ix, MDB_txn *txn, uint64_t doc)
{
	uint8_t kb[8];
	MDB_val k = index_val(kb, 8), v;

	index_put_be64(kb, doc);
	return mdb_get(txn, ix->dbi[DB_DELETED], &k, &v) == 0;
}

/* ------------------------------------------------------------ drop */

/* Delete every key of @p db that starts with @p prefix. */
static int del_prefix(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                      const uint8_t *prefix, size_t n, struct cdx_error *err)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int rc = mdb_cursor_open(txn, ix->dbi[db], &cur);

	while (rc == 0) {
		/* seek again rather than trust the cursor after a delete */
		k = index_val(prefix, n);
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (rc != 0 || k.mv_size < n || memcmp(k.mv_data, prefix, n))
			break;
		rc = mdb_cursor_del(cur, 0);
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return index_mdb_error(ix, rc, "write", err);
	return CDX_OK;
}

int index_seg_drop(struct cdx_index *ix, MDB_txn *txn,
                   const struct index_seg *s, struct cdx_error *err)
{
	uint8_t kb[4];
	int rc;

	index_put_be32(kb, s->id);
	rc = del_prefix(ix, txn, DB_SEGS, kb, 4, err);
	if (rc == CDX_OK)
		rc = del_prefix(ix, txn, DB_TERMS, kb, 4, err);
	if (rc == CDX_OK)
		rc = del_prefix(ix, txn, DB_POST, kb, 4, err);
	return rc;
}

/* ------------------------------------------------------------ shared */

/* for merge.c, which reads segments through segr and reports alike */
int index_seg_damaged(const struct cdx_index *ix, uint32_t seg,
                      struct cdx_error *err)
{
	return damaged(ix, seg, err);
}

int index_term_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	return term_cmp(a, an, b, bn);
}
