/*
 * termit.c — the distinct terms of several segments, in term order: a
 * k-way merge of segment readers (few segments, so a linear minimum).
 * Stats count terms with it; prefix queries expand through it.
 */
#include <stdlib.h>

#include "index_int.h"

static int term_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	return c ? c : (an > bn) - (an < bn);
}

int index_termit_open(struct index_termit *it, struct cdx_index *ix,
                      MDB_txn *txn, const struct index_seg *segs, size_t n,
                      const char *from, size_t from_len,
                      struct cdx_error *err)
{
	int rc = CDX_OK;

	memset(it, 0, sizeof *it);
	it->in = calloc(n ? n : 1, sizeof *it->in);
	it->live = calloc(n ? n : 1, sizeof *it->live);
	if (it->in == NULL || it->live == NULL) {
		free(it->in);
		free(it->live);
		it->in = NULL;
		it->live = NULL;
		return index_nomem(err);
	}
	it->n = n;
	for (size_t i = 0; i < n; i++)
		index_segr_init(&it->in[i], ix, txn, &segs[i]);
	for (size_t i = 0; i < n && rc == CDX_OK; i++) {
		struct index_segr *r = &it->in[i];

		rc = index_segr_seek(r, from, from_len, err);
		/* skip the terms before @p from */
		while (rc == CDX_OK) {
			rc = index_segr_next(r, err);
			if (rc == CDX_OK && term_cmp(r->term, r->term_len, from,
			                             from_len) >= 0) {
				it->live[i] = 1;
				break;
			}
		}
		if (rc == CDX_ERR_ITEROVER)
			rc = CDX_OK;
	}
	return rc;
}

int index_termit_next(struct index_termit *it, struct cdx_error *err)
{
	const struct index_segr *min = NULL;
	int rc = CDX_OK;

	/* step past the term handed out last */
	for (size_t i = 0; i < it->n && it->term_len; i++) {
		struct index_segr *r = &it->in[i];

		if (!it->live[i] || !it->has[i])
			continue;
		rc = index_segr_next(r, err);
		it->live[i] = rc == CDX_OK;
		if (rc != CDX_OK && rc != CDX_ERR_ITEROVER)
			return rc;
	}
	for (size_t i = 0; i < it->n; i++)
		if (it->live[i] && (min == NULL ||
		                    term_cmp(it->in[i].term, it->in[i].term_len,
		                             min->term, min->term_len) < 0))
			min = &it->in[i];
	if (min == NULL)
		return CDX_ERR_ITEROVER;
	it->term_len = min->term_len;
	memcpy(it->term, min->term, min->term_len);
	it->term[it->term_len] = '\0';
	if (it->has == NULL) {
		it->has = calloc(it->n, sizeof *it->has);
		if (it->has == NULL)
			return index_nomem(err);
	}
	for (size_t i = 0; i < it->n; i++)
		it->has[i] = it->live[i] &&
		             term_cmp(it->in[i].term, it->in[i].term_len,
		                      it->term, it->term_len) == 0;
	return CDX_OK;
}

void index_termit_release(struct index_termit *it)
{
	if (it == NULL)
		return;
	for (size_t i = 0; it->in && i < it->n; i++)
		index_segr_release(&it->in[i]);
	free(it->in);
	free(it->live);
	free(it->has);
	memset(it, 0, sizeof *it);
}
