/*
 * postings.c — posting lists: term → (doc id, term frequency), in doc id
 * order, stored in chunks.
 *
 * A chunk's key is term \0 first-doc-id (BE), its value an 8-byte BE last
 * doc id followed by (varint doc delta, varint tf) pairs, the first delta
 * taken from the key's doc id. Doc ids only grow, so a batch's postings
 * always go after a term's last chunk: the merge appends to that chunk
 * while it stays under INDEX_CHUNK_MAX (small enough to live in a leaf
 * page, so rewriting it is cheap) and opens new chunks past it. Nothing is
 * ever rewritten whole; removing a document rewrites one chunk per term.
 *
 * The batch accumulator (struct index_acc) gathers a write transaction's
 * postings in memory, one growable list per term, and merges them in key
 * order at commit.
 */
#include <stdlib.h>

#include "index_int.h"

struct acc_term {
	const char *term; /* in the accumulator's arena */
	uint32_t len;
	struct index_posting *v;
	size_t n, cap;
};

static int postings_push(struct index_postings *p, uint64_t doc, uint32_t tf)
{
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 16;
		struct index_posting *nv = realloc(p->v, ncap * sizeof *nv);

		if (nv == NULL)
			return CDX_ERR_NOMEM;
		p->v = nv;
		p->cap = ncap;
	}
	p->v[p->n].doc = doc;
	p->v[p->n++].tf = tf;
	return CDX_OK;
}

void index_postings_release(struct index_postings *p)
{
	if (p == NULL)
		return;
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}

int index_chunk_decode(uint64_t first, const void *v, size_t n,
                       struct index_postings *out)
{
	const uint8_t *p = v, *end = p + n;
	uint64_t prev = first, delta, tf;

	if (n < 8)
		return CDX_ERR_CORRUPT;
	for (p += 8; p < end;) {
		if (index_varint_get(&p, end, &delta) ||
		    index_varint_get(&p, end, &tf) || tf > UINT32_MAX)
			return CDX_ERR_CORRUPT;
		prev += delta;
		if (postings_push(out, prev, (uint32_t)tf) != CDX_OK)
			return CDX_ERR_NOMEM;
	}
	return CDX_OK;
}

/* Is @p k a chunk key of term @p t? */
static int is_term_key(const MDB_val *k, const char *t, size_t n)
{
	const uint8_t *p = k->mv_data;

	return k->mv_size == n + 9 && p[n] == 0 && memcmp(p, t, n) == 0;
}

static size_t chunk_key(uint8_t *kb, const char *t, size_t n, uint64_t doc)
{
	memcpy(kb, t, n);
	kb[n] = 0;
	index_put_be64(kb + n + 1, doc);
	return n + 9;
}

static int decode_error(struct cdx_index *ix, const char *t, size_t n,
                        int rc, struct cdx_error *err)
{
	if (rc == CDX_ERR_NOMEM)
		return cdx_error_set(err, rc, "out of memory");
	return cdx_error_set(err, CDX_ERR_CORRUPT,
	                     "index '%s': postings of '%.*s' are damaged",
	                     ix->path, (int)n, t);
}

int index_postings_read(struct cdx_index *ix, MDB_txn *txn, const char *term,
                        size_t n, struct index_postings *out,
                        struct cdx_error *err)
{
	uint8_t kb[INDEX_TERM_MAX + 9];
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int rc;

	memcpy(kb, term, n);
	kb[n] = 0;
	k = index_val(kb, n + 1);
	rc = mdb_cursor_open(txn, ix->dbi[DB_TERMS], &cur);
	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && is_term_key(&k, term, n)) {
		uint64_t first = index_get_be64((uint8_t *)k.mv_data + n + 1);
		int drc = index_chunk_decode(first, v.mv_data, v.mv_size, out);

		if (drc != CDX_OK) {
			mdb_cursor_close(cur);
			return decode_error(ix, term, n, drc, err);
		}
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return index_mdb_error(ix, rc, "read", err);
	return CDX_OK;
}

/* Append entries of @p v from *i while the chunk in @p b stays small. */
static int chunk_fill(struct cdx_buf *b, uint64_t *last,
                      const struct index_posting *v, size_t n, size_t *i)
{
	int rc = CDX_OK;

	for (; *i < n && rc == CDX_OK; (*i)++) {
		if (v[*i].tf == 0)
			continue;
		/* 15 bytes: the longest pair of varints we write */
		if (b->len + 15 > INDEX_CHUNK_MAX && b->len > 8)
			break;
		rc = index_buf_varint(b, v[*i].doc - *last);
		if (rc == CDX_OK)
			rc = index_buf_varint(b, v[*i].tf);
		*last = v[*i].doc;
	}
	if (rc == CDX_OK)
		index_put_be64((uint8_t *)b->ptr, *last);
	return rc;
}

/* Write @p v (doc order, tf 0 = skip) after the stored list of @p t. */
static int append_list(struct cdx_index *ix, MDB_txn *txn, MDB_cursor *cur,
                       const char *t, size_t tn,
                       const struct index_posting *v, size_t n,
                       struct cdx_buf *b, struct cdx_error *err)
{
	uint8_t kb[INDEX_TERM_MAX + 9];
	MDB_val k, val;
	uint64_t last;
	size_t i = 0;
	int rc;

	while (i < n && v[i].tf == 0)
		i++;
	if (i == n)
		return CDX_OK;
	k = index_val(kb, chunk_key(kb, t, tn, UINT64_MAX));
	rc = mdb_cursor_get(cur, &k, &val, MDB_SET_RANGE);
	if (rc == 0 || rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(cur, &k, &val,
		                    rc == 0 ? MDB_PREV : MDB_LAST);
	if (rc == 0 && is_term_key(&k, t, tn) && val.mv_size >= 8 &&
	    val.mv_size + 15 <= INDEX_CHUNK_MAX &&
	    index_get_be64(val.mv_data) < v[i].doc) {
		/* grow the term's last chunk */
		memcpy(kb, k.mv_data, k.mv_size);
		cdx_buf_clear(b);
		if (cdx_buf_add(b, val.mv_data, val.mv_size) != CDX_OK)
			return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
		last = index_get_be64(val.mv_data);
		if (chunk_fill(b, &last, v, n, &i) != CDX_OK)
			return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
		k = index_val(kb, tn + 9);
		val = index_val(b->ptr, b->len);
		rc = mdb_put(txn, ix->dbi[DB_TERMS], &k, &val, 0);
		if (rc != 0)
			return index_mdb_error(ix, rc, "write", err);
	} else if (rc != 0 && rc != MDB_NOTFOUND) {
		return index_mdb_error(ix, rc, "read", err);
	}
	while (i < n) {
		while (i < n && v[i].tf == 0)
			i++;
		if (i == n)
			break;
		k = index_val(kb, chunk_key(kb, t, tn, v[i].doc));
		last = v[i].doc;
		cdx_buf_clear(b);
		if (cdx_buf_add(b, kb, 8) != CDX_OK ||
		    chunk_fill(b, &last, v, n, &i) != CDX_OK)
			return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
		val = index_val(b->ptr, b->len);
		rc = mdb_put(txn, ix->dbi[DB_TERMS], &k, &val, 0);
		if (rc != 0)
			return index_mdb_error(ix, rc, "write", err);
	}
	return CDX_OK;
}

int index_postings_remove(struct cdx_index *ix, MDB_txn *txn,
                          const char *term, size_t n, uint64_t doc,
                          struct cdx_error *err)
{
	uint8_t kb[INDEX_TERM_MAX + 9];
	struct index_postings p = {0};
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	uint64_t first;
	size_t i, j;
	int rc;

	k = index_val(kb, chunk_key(kb, term, n, doc));
	rc = mdb_cursor_open(txn, ix->dbi[DB_TERMS], &cur);
	if (rc != 0)
		goto lmdb_fail;
	/* the chunk holding doc: the last one whose first id is <= doc */
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (rc == 0 && !(k.mv_size == n + 9 && memcmp(k.mv_data, kb, n + 9) == 0))
		rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	if (rc == MDB_NOTFOUND || (rc == 0 && !is_term_key(&k, term, n))) {
		rc = CDX_OK; /* nothing stored: nothing to remove */
		goto cleanup;
	}
	if (rc != 0)
		goto lmdb_fail;
	first = index_get_be64((uint8_t *)k.mv_data + n + 1);
	rc = index_chunk_decode(first, v.mv_data, v.mv_size, &p);
	if (rc != CDX_OK) {
		rc = decode_error(ix, term, n, rc, err);
		goto cleanup;
	}
	for (i = j = 0; i < p.n; i++)
		if (p.v[i].doc != doc)
			p.v[j++] = p.v[i];
	if (j == p.n)
		goto cleanup;
	p.n = j;
	rc = mdb_cursor_del(cur, 0);
	if (rc != 0)
		goto lmdb_fail;
	if (p.n > 0) {
		uint64_t last = p.v[0].doc;

		i = 0;
		k = index_val(kb, chunk_key(kb, term, n, p.v[0].doc));
		if (cdx_buf_add(&b, kb, 8) != CDX_OK ||
		    chunk_fill(&b, &last, p.v, p.n, &i) != CDX_OK) {
			rc = cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		v = index_val(b.ptr, b.len);
		rc = mdb_put(txn, ix->dbi[DB_TERMS], &k, &v, 0);
		if (rc != 0)
			goto lmdb_fail;
	}
	rc = CDX_OK;
	goto cleanup;
lmdb_fail:
	rc = index_mdb_error(ix, rc, "write", err);
cleanup:
	mdb_cursor_close(cur);
	index_postings_release(&p);
	cdx_buf_release(&b);
	return rc;
}

/* ------------------------------------------------------------ acc */

int index_acc_add(struct index_acc *a, const char *term, size_t n,
                  uint64_t doc, uint32_t tf)
{
	struct acc_term *t;
	uint32_t idx;

	if (index_strmap_get(&a->map, term, n, &idx) != CDX_OK) {
		const char *copy;

		if (a->n == a->cap) {
			size_t ncap = a->cap ? a->cap * 2 : 1024;
			struct acc_term *nt = realloc(a->terms,
			                              ncap * sizeof *nt);

			if (nt == NULL)
				return CDX_ERR_NOMEM;
			a->terms = nt;
			a->cap = ncap;
		}
		copy = index_arena_strndup(&a->strs, term, n);
		if (copy == NULL ||
		    index_strmap_put(&a->map, copy, n, (uint32_t)a->n, &idx) < 0)
			return CDX_ERR_NOMEM;
		memset(&a->terms[idx], 0, sizeof a->terms[idx]);
		a->terms[idx].term = copy;
		a->terms[idx].len = (uint32_t)n;
		a->n++;
	}
	t = &a->terms[idx];
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 4;
		struct index_posting *nv = realloc(t->v, ncap * sizeof *nv);

		if (nv == NULL)
			return CDX_ERR_NOMEM;
		t->v = nv;
		t->cap = ncap;
	}
	t->v[t->n].doc = doc;
	t->v[t->n++].tf = tf;
	return CDX_OK;
}

void index_acc_remove(struct index_acc *a, const char *term, size_t n,
                      uint64_t doc)
{
	struct acc_term *t;
	size_t lo = 0, hi;
	uint32_t idx;

	if (index_strmap_get(&a->map, term, n, &idx) != CDX_OK)
		return;
	t = &a->terms[idx];
	hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].doc < doc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->n && t->v[lo].doc == doc)
		t->v[lo].tf = 0;
}

static int term_cmp(const void *pa, const void *pb)
{
	const struct acc_term *a = *(struct acc_term *const *)pa;
	const struct acc_term *b = *(struct acc_term *const *)pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->term, b->term, n);

	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

int index_acc_merge(struct index_acc *a, struct cdx_index *ix, MDB_txn *txn,
                    struct cdx_error *err)
{
	struct acc_term **order = NULL;
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	MDB_cursor *cur = NULL;
	int rc = CDX_OK;

	if (a->n == 0)
		return CDX_OK;
	order = malloc(a->n * sizeof *order);
	if (order == NULL)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < a->n; i++)
		order[i] = &a->terms[i];
	/* key order keeps LMDB's page touches local */
	qsort(order, a->n, sizeof *order, term_cmp);
	rc = mdb_cursor_open(txn, ix->dbi[DB_TERMS], &cur);
	if (rc != 0) {
		rc = index_mdb_error(ix, rc, "write", err);
		goto cleanup;
	}
	for (size_t i = 0; i < a->n && rc == CDX_OK; i++)
		rc = append_list(ix, txn, cur, order[i]->term, order[i]->len,
		                 order[i]->v, order[i]->n, &b, err);
cleanup:
	mdb_cursor_close(cur);
	cdx_buf_release(&b);
	free(order);
	return rc;
}

void index_acc_release(struct index_acc *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n; i++)
		free(a->terms[i].v);
	free(a->terms);
	index_strmap_release(&a->map);
	index_arena_release(&a->strs);
	memset(a, 0, sizeof *a);
}
