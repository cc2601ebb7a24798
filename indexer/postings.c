/*
 * postings.c — term entries (a term's documents, term frequencies and
 * word positions within one segment) and the batch accumulator.
 *
 * An entry keeps the documents apart from the positions: ranking reads
 * only the doc part (its length is in the header) and never decodes a
 * position; phrases read both. Doc ids are delta-coded with the low bit
 * of the delta saying "tf is 1", the common case, so most postings cost
 * one or two bytes; positions are deltas within a document.
 *
 * The accumulator gathers a write transaction's postings in memory, one
 * list per term, and writes them at commit as one new segment, terms in
 * order (segment.c does the storing).
 */
#include <stdlib.h>

#include "index_int.h"

struct acc_term {
	const char *term; /* in the accumulator's arena */
	uint32_t len;
	struct index_plist l;
};

void index_plist_release(struct index_plist *l)
{
	if (l == NULL)
		return;
	free(l->v);
	free(l->pos);
	memset(l, 0, sizeof *l);
}

void index_plist_clear(struct index_plist *l)
{
	l->n = l->npos = 0;
}

int index_plist_add(struct index_plist *l, uint64_t doc, uint32_t tf,
                    const uint32_t *pos)
{
	if (index_array_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v) != CDX_OK)
		return CDX_ERR_NOMEM;
	l->v[l->n].doc = doc;
	l->v[l->n].tf = tf;
	l->v[l->n].off = (uint32_t)l->npos;
	l->n++;
	if (pos == NULL)
		return CDX_OK;
	if (index_array_grow((void **)&l->pos, &l->cap_pos, l->npos + tf,
	         sizeof *l->pos) != CDX_OK)
		return CDX_ERR_NOMEM;
	memcpy(l->pos + l->npos, pos, tf * sizeof *pos);
	l->npos += tf;
	return CDX_OK;
}

static size_t varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* Sizes are worked out first so the entry is written straight into the
 * buffer, once: this runs for every term of every batch. */
int index_plist_encode(const struct index_plist *l, struct cdx_buf *b)
{
	uint64_t prev = 0, n = 0, max_tf = 0, dlen = 0, plen = 0;
	uint8_t *o;

	for (size_t i = 0; i < l->n; i++) {
		const struct index_posting *p = &l->v[i];
		uint32_t last = 0;

		if (p->tf == 0)
			continue;
		dlen += varint_len((p->doc - prev) << 1 | (p->tf == 1));
		if (p->tf > 1)
			dlen += varint_len(p->tf);
		prev = p->doc;
		n++;
		if (p->tf > max_tf)
			max_tf = p->tf;
		if (l->pos == NULL)
			continue;
		for (uint32_t j = 0; j < p->tf; j++) {
			plen += varint_len(l->pos[p->off + j] - last);
			last = l->pos[p->off + j];
		}
	}
	if (n == 0)
		return CDX_OK;
	if (cdx_buf_grow(b, 30 + dlen + plen) != CDX_OK)
		return b->err;
	o = (uint8_t *)b->ptr + b->len;
	o += index_varint_put(o, n);
	o += index_varint_put(o, max_tf);
	o += index_varint_put(o, dlen);
	prev = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct index_posting *p = &l->v[i];

		if (p->tf == 0)
			continue;
		o += index_varint_put(o, (p->doc - prev) << 1 | (p->tf == 1));
		if (p->tf > 1)
			o += index_varint_put(o, p->tf);
		prev = p->doc;
	}
	for (size_t i = 0; l->pos != NULL && i < l->n; i++) {
		const struct index_posting *p = &l->v[i];
		uint32_t last = 0;

		for (uint32_t j = 0; j < p->tf; j++) {
			uint32_t at = l->pos[p->off + j];

			o += index_varint_put(o, at - last);
			last = at;
		}
	}
	b->len = (size_t)(o - (uint8_t *)b->ptr);
	b->ptr[b->len] = '\0';
	return CDX_OK;
}

uint64_t index_entry_df(const uint8_t *p, size_t n)
{
	uint64_t df;

	return index_varint_get(&p, p + n, &df) == CDX_OK ? df : 0;
}

int index_plist_decode(const uint8_t *p, size_t n, int with_pos,
                       struct index_plist *out)
{
	const uint8_t *end = p + n, *dend;
	uint64_t df, max_tf, dlen, doc = 0;
	size_t first = out->n;

	if (index_varint_get(&p, end, &df) || index_varint_get(&p, end, &max_tf) ||
	    index_varint_get(&p, end, &dlen) || dlen > (uint64_t)(end - p) ||
	    df > dlen || max_tf > UINT32_MAX)
		return CDX_ERR_CORRUPT;
	dend = p + dlen;
	if (index_array_grow((void **)&out->v, &out->cap, out->n + df, sizeof *out->v))
		return CDX_ERR_NOMEM;
	for (uint64_t i = 0; i < df; i++) {
		uint64_t d, tf = 1;

		if (index_varint_get(&p, dend, &d))
			return CDX_ERR_CORRUPT;
		if (!(d & 1) && (index_varint_get(&p, dend, &tf) || tf < 2 ||
		                 tf > max_tf))
			return CDX_ERR_CORRUPT;
		doc += d >> 1;
		out->v[out->n].doc = doc;
		out->v[out->n].tf = (uint32_t)tf;
		out->v[out->n].off = 0;
		out->n++;
	}
	if (p != dend)
		return CDX_ERR_CORRUPT;
	if (!with_pos)
		return CDX_OK;
	for (size_t i = first; i < out->n; i++) {
		struct index_posting *e = &out->v[i];
		uint64_t at = 0, d;

		if (index_array_grow((void **)&out->pos, &out->cap_pos, out->npos + e->tf,
		         sizeof *out->pos))
			return CDX_ERR_NOMEM;
		e->off = (uint32_t)out->npos;
		for (uint32_t j = 0; j < e->tf; j++) {
			if (index_varint_get(&p, end, &d))
				return CDX_ERR_CORRUPT;
			at += d;
			if (at > UINT32_MAX)
				return CDX_ERR_CORRUPT;
			out->pos[out->npos++] = (uint32_t)at;
		}
	}
	return p == end ? CDX_OK : CDX_ERR_CORRUPT;
}

/* ------------------------------------------------------------ acc */

int index_acc_add(struct index_acc *a, const char *term, size_t n,
                  uint64_t hash, uint64_t doc, uint32_t tf,
                  const uint32_t *pos)
{
	uint32_t idx;

	if (index_strmap_get_h(&a->map, term, n, hash, &idx) != CDX_OK) {
		const char *copy;

		if (index_array_grow((void **)&a->terms, &a->cap, a->n + 1,
		         sizeof *a->terms) != CDX_OK)
			return CDX_ERR_NOMEM;
		copy = index_arena_strndup(&a->strs, term, n);
		if (copy == NULL ||
		    index_strmap_put_h(&a->map, copy, n, hash, (uint32_t)a->n,
		                       &idx) < 0)
			return CDX_ERR_NOMEM;
		memset(&a->terms[idx], 0, sizeof a->terms[idx]);
		a->terms[idx].term = copy;
		a->terms[idx].len = (uint32_t)n;
		a->n++;
		a->bytes += sizeof *a->terms + n + 1 + 32; /* + map slot */
	}
	a->bytes += sizeof(struct index_posting) + (pos ? tf * sizeof *pos : 0);
	return index_plist_add(&a->terms[idx].l, doc, tf, pos);
}

void index_acc_remove(struct index_acc *a, const char *term, size_t n,
                      uint64_t doc)
{
	struct index_plist *l;
	size_t lo = 0, hi;
	uint32_t idx;

	if (index_strmap_get(&a->map, term, n, &idx) != CDX_OK)
		return;
	l = &a->terms[idx].l;
	hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->v[mid].doc < doc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < l->n && l->v[lo].doc == doc)
		l->v[lo].tf = 0;
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

int index_acc_flush(struct index_acc *a, struct cdx_index *ix, MDB_txn *txn,
                    struct index_meta *m, uint64_t first,
                    struct cdx_error *err)
{
	struct acc_term **order = NULL;
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	struct index_segw w;
	int rc = CDX_OK;

	if (a->n == 0)
		return CDX_OK;
	order = malloc(a->n * sizeof *order);
	if (order == NULL)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < a->n; i++)
		order[i] = &a->terms[i];
	if (a->n > 1)
		qsort(order, a->n, sizeof *order, term_cmp);
	index_segw_init(&w, ix, txn, (uint32_t)m->next_seg);
	for (size_t i = 0; i < a->n && rc == CDX_OK; i++) {
		cdx_buf_clear(&b);
		if (index_plist_encode(&order[i]->l, &b) != CDX_OK)
			rc = cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
		else if (b.len > 0)
			rc = index_segw_add(&w, order[i]->term, order[i]->len,
			                    (const uint8_t *)b.ptr, b.len, err);
	}
	if (rc == CDX_OK && w.seg.n_terms > 0) {
		rc = index_segw_finish(&w, first, m->next_doc - 1, 0, err);
		m->next_seg++;
	}
	index_segw_release(&w);
	cdx_buf_release(&b);
	free(order);
	return rc;
}

void index_acc_release(struct index_acc *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n; i++)
		index_plist_release(&a->terms[i].l);
	free(a->terms);
	index_strmap_release(&a->map);
	index_arena_release(&a->strs);
	memset(a, 0, sizeof *a);
}
