/*
 * search.c — ranked full-text search: the query's terms (same pipeline
 * as documents), their posting lists intersected (AND), each match scored
 * with BM25 and the best kept in a bounded heap, then a snippet cut from
 * each hit's stored text around the densest run of matched words.
 */
#include <math.h>
#include <stdlib.h>

#include "index_int.h"

#define QUERY_TERMS_MAX 32
#define BM25_K1 1.2
#define BM25_B 0.75

struct query {
	char term[QUERY_TERMS_MAX][INDEX_TERM_MAX + 1];
	size_t len[QUERY_TERMS_MAX];
	size_t n;
};

static int on_query_term(void *ctx, const char *t, size_t n, uint32_t start,
                         uint32_t end)
{
	struct query *q = ctx;

	for (size_t i = 0; i < q->n; i++)
		if (q->len[i] == n && memcmp(q->term[i], t, n) == 0)
			return 0;
	if (q->n == QUERY_TERMS_MAX)
		return 0; /* more words than anyone types: ignore the rest */
	memcpy(q->term[q->n], t, n);
	q->term[q->n][n] = '\0';
	q->len[q->n++] = n;
	return 0;
}

/* ------------------------------------------------------------ heap */

struct scored {
	double score;
	uint64_t doc;
};

/* Does @p a rank below @p b? Ties go to the older document. */
static int worse(const struct scored *a, const struct scored *b)
{
	if (a->score != b->score)
		return a->score < b->score;
	return a->doc > b->doc;
}

static void sift_down(struct scored *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct scored tmp;

		if (l < n && worse(&h[l], &h[m]))
			m = l;
		if (r < n && worse(&h[r], &h[m]))
			m = r;
		if (m == i)
			return;
		tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
}

/* Keep the @p cap best of the scores offered, worst at h[0]. */
static void heap_offer(struct scored *h, size_t *n, size_t cap,
                       struct scored s)
{
	size_t i;

	if (cap == 0)
		return;
	if (*n < cap) {
		for (i = (*n)++; i > 0 && worse(&s, &h[(i - 1) / 2]);
		     i = (i - 1) / 2)
			h[i] = h[(i - 1) / 2];
		h[i] = s;
	} else if (worse(&h[0], &s)) {
		h[0] = s;
		sift_down(h, *n, 0);
	}
}

static int best_first(const void *pa, const void *pb)
{
	const struct scored *a = pa, *b = pb;

	return worse(a, b) - worse(b, a);
}

/* First index >= @p i in @p p whose doc is >= @p doc (galloping). */
static size_t seek(const struct index_plist *p, size_t i, uint64_t doc)
{
	size_t step = 1, lo = i, hi;

	while (i + step < p->n && p->v[i + step].doc < doc)
		step *= 2;
	hi = i + step < p->n ? i + step : p->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->v[mid].doc < doc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int by_length(const void *pa, const void *pb)
{
	const struct index_plist *a = *(struct index_plist *const *)pa;
	const struct index_plist *b = *(struct index_plist *const *)pb;

	return (a->n > b->n) - (a->n < b->n);
}

/* Score every document in all lists; keep the best @p limit in @p h. */
static int rank(struct cdx_index *ix, MDB_txn *txn, struct query *q,
                struct index_plist *lists, const struct index_meta *m,
                struct scored *h, size_t *nh, size_t limit, uint64_t *total,
                struct cdx_error *err)
{
	struct index_plist *by[QUERY_TERMS_MAX];
	double idf[QUERY_TERMS_MAX];
	size_t pos[QUERY_TERMS_MAX] = {0};
	double n_docs = (double)m->n_docs;
	double avgdl = m->n_docs ? (double)m->n_tokens / n_docs : 1.0;

	if (avgdl <= 0)
		avgdl = 1.0;
	for (size_t i = 0; i < q->n; i++)
		by[i] = &lists[i];
	qsort(by, q->n, sizeof *by, by_length);
	for (size_t i = 0; i < q->n; i++) {
		double df = (double)by[i]->n;

		idf[i] = log(1.0 + (n_docs - df + 0.5) / (df + 0.5));
	}
	for (size_t k = 0; k < by[0]->n; k++) {
		uint64_t doc = by[0]->v[k].doc;
		struct index_docrec r;
		struct scored s = {0, doc};
		double dl;
		size_t i;
		int rc;

		for (i = 1; i < q->n; i++) {
			pos[i] = seek(by[i], pos[i], doc);
			if (pos[i] == by[i]->n)
				return CDX_OK; /* a list ran out: no more matches */
			if (by[i]->v[pos[i]].doc != doc)
				break;
		}
		if (i < q->n)
			continue;
		rc = index_doc_read(ix, txn, doc, &r, err);
		if (rc == CDX_ERR_NOTFOUND)
			continue; /* check reports it; search goes on */
		if (rc != CDX_OK)
			return rc;
		dl = (double)r.n_tokens;
		for (i = 0; i < q->n; i++) {
			double tf = (double)(i ? by[i]->v[pos[i]].tf
			                       : by[0]->v[k].tf);

			s.score += idf[i] * tf * (BM25_K1 + 1) /
			           (tf + BM25_K1 * (1 - BM25_B +
			                            BM25_B * dl / avgdl));
		}
		(*total)++;
		heap_offer(h, nh, limit, s);
	}
	return CDX_OK;
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static int make_hit(struct cdx_index *ix, MDB_txn *txn, const struct query *q,
                    void *stemmer, const struct scored *s, struct cdx_search_hit *hit,
                    struct cdx_error *err)
{
	char *terms[QUERY_TERMS_MAX];
	struct index_docrec r;
	struct index_text t;
	int rc;

	hit->doc_id = s->doc;
	hit->score = s->score;
	rc = index_doc_read(ix, txn, s->doc, &r, err);
	if (rc != CDX_OK)
		return rc;
	hit->source = dup_n(r.source, r.source_len);
	hit->title = r.title ? dup_n(r.title, r.title_len) : NULL;
	if (hit->source == NULL || (r.title && hit->title == NULL))
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	rc = index_text_get(ix, txn, s->doc, &t, err);
	if (rc != CDX_OK)
		return rc;
	for (size_t i = 0; i < q->n; i++)
		terms[i] = (char *)q->term[i];
	rc = index_snippet(t.p, t.len, stemmer, terms, q->len, q->n,
	                   &hit->snippet);
	index_text_release(&t);
	if (rc != CDX_OK)
		return cdx_error_set(err, rc, "out of memory");
	return CDX_OK;
}

int cdx_index_search(struct cdx_index *ix, const char *query, size_t limit,
                     struct cdx_search_results *out, struct cdx_error *err)
{
	struct index_plist lists[QUERY_TERMS_MAX];
	struct scored *heap = NULL;
	struct query *q = NULL;
	struct index_meta m;
	struct index_seg *segs = NULL;
	size_t n_segs = 0;
	void *stemmer = NULL;
	MDB_txn *txn = NULL;
	size_t nh = 0, i;
	int rc = CDX_OK;

	memset(out, 0, sizeof *out);
	memset(lists, 0, sizeof lists);
	q = calloc(1, sizeof *q);
	if (q == NULL)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	stemmer = index_stemmer_new();
	if (stemmer == NULL) {
		free(q);
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	}
	index_terms(query, strlen(query), stemmer, on_query_term, q);
	if (q->n == 0)
		goto cleanup;
	rc = index_read_begin(ix, &txn, err);
	if (rc != CDX_OK)
		goto cleanup;
	rc = index_meta_load(ix, txn, &m, err);
	if (rc == CDX_OK)
		rc = index_segs_load(ix, txn, &segs, &n_segs, err);
	for (i = 0; i < q->n && rc == CDX_OK; i++) {
		rc = index_postings_read(ix, txn, segs, n_segs, q->term[i],
		                         q->len[i], 0, &lists[i], err);
		if (rc == CDX_OK && lists[i].n == 0)
			goto cleanup; /* a word no document has: no match */
	}
	if (rc != CDX_OK)
		goto cleanup;
	heap = malloc((limit < lists[0].n ? limit : lists[0].n) * sizeof *heap +
	              1);
	if (heap == NULL) {
		rc = cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	rc = rank(ix, txn, q, lists, &m, heap, &nh, limit, &out->total, err);
	if (rc != CDX_OK || nh == 0)
		goto cleanup;
	qsort(heap, nh, sizeof *heap, best_first);
	out->v = calloc(nh, sizeof *out->v);
	if (out->v == NULL) {
		rc = cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < nh && rc == CDX_OK; i++, out->n++)
		rc = make_hit(ix, txn, q, stemmer, &heap[i], &out->v[i], err);
cleanup:
	index_read_end(ix, txn);
	for (i = 0; i < QUERY_TERMS_MAX; i++)
		index_plist_release(&lists[i]);
	index_stemmer_free(stemmer);
	free(segs);
	free(heap);
	free(q);
	if (rc != CDX_OK)
		cdx_search_results_release(out);
	return rc;
}

void cdx_search_results_release(struct cdx_search_results *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].source);
		free(r->v[i].title);
		free(r->v[i].snippet);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}
