/*
 * search.c — ranking: the query parsed (query.c), its matching documents
 * found (match.c), each scored with BM25 over the query's words outside
 * NOT and the best kept in a bounded heap, then a snippet cut from each
 * hit's stored text around the densest run of matched words.
 *
 * An OR of words (and a prefix, which is one) is ranked term at a time
 * (rank_or): its total counts the union of the lists, so every posting
 * is read anyway, and each adds its word's share to its document's
 * score in an array over a window of documents, which then go to the
 * heap in doc order. (MaxScore, which it replaces, pushed every posting
 * through a heap of list cursors, ten times the cost for a prefix of a
 * few hundred words, and scored a document in two halves, offered
 * twice, when a word that had left the essential set still stood at it
 * in the cursor heap.) Other queries score their matching documents
 * words with the largest bound first (each word's bound: its idf at its
 * largest term frequency in the shortest document), and a document
 * stops being scored as soon as the bounds still to come cannot lift it
 * over the heap's worst.
 * A document's length comes from the length table (doclen.c), one byte
 * per document, its blocks read once per search.
 */
#include <math.h>
#include <stdlib.h>

#include "index_int.h"

#define BM25_K1 1.2
#define BM25_B 0.75
/** Query words marked in a snippet. */
#define SNIPPET_TERMS 64

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

/* First index >= @p i in @p p whose doc is >= @p doc (galloping; the
 * next doc or the one after, the common steps of a dense list, first). */
static size_t seek(const struct index_plist *p, size_t i, uint64_t doc)
{
	size_t step = 1;

	if (i >= p->n || p->v[i].doc >= doc)
		return i;
	if (i + 1 == p->n || p->v[i + 1].doc >= doc)
		return i + 1;
	while (i + step < p->n && p->v[i + step].doc < doc)
		step *= 2;
	return index_plist_lower(p, i, i + step < p->n ? i + step : p->n, doc);
}

/* One block of the length table: the codes of documents
 * [b * INDEX_DLEN_BLOCK, ...), n of them (past n: gone). */
struct lens {
	const uint8_t *p;
	size_t n;
};

/* What a search needs across its phases. */
struct ranker {
	struct index_match *m;
	struct index_sterm **t; /* scoring terms with postings */
	size_t n;
	double norm[256];       /* BM25 length factor by length code */
	uint64_t norm_set[4];   /* bit c: norm[c] is computed */
	double avgdl;
	struct index_dlen_reader dl;
	struct lens *lb;        /* length blocks read, by block number */
	uint64_t n_lb;          /* lb's size: blocks up to the last doc */
	uint8_t *lb_read;       /* lb[b] is read */
	struct scored *h;
	size_t nh, cap;
	uint64_t total;
	int no_snippets;        /* hits without snippets (options) */
	struct index_prefix_cache prefix; /* the hits' source prefix */
};

/* Length block @p b into *out, read from the table once per search
 * (the map's bytes stay valid while the read transaction lasts). */
static int len_block(struct ranker *r, uint64_t b, struct lens *out,
                     struct cdx_error *err)
{
	if (b >= r->n_lb) {
		/* past the last document of every list: none to score */
		*out = (struct lens){NULL, 0};
		return CDX_OK;
	}
	if (r->lb == NULL) {
		r->lb = calloc((size_t)r->n_lb, sizeof *r->lb);
		r->lb_read = calloc((size_t)r->n_lb, 1);
		if (r->lb == NULL || r->lb_read == NULL)
			return cdx_error_set(err, CDX_ERR_NOMEM,
			                     "out of memory");
	}
	if (!r->lb_read[b]) {
		(void)index_dlen_get(&r->dl, b * INDEX_DLEN_BLOCK);
		r->lb[b] = (struct lens){r->dl.p, r->dl.n};
		r->lb_read[b] = 1;
	}
	*out = r->lb[b];
	return CDX_OK;
}

/* The BM25 length factor of code @p code, computed when first needed
 * (a pow() each: a few dozen codes of 256 for most queries). */
static double norm(struct ranker *r, uint8_t code)
{
	if (!(r->norm_set[code / 64] >> (code % 64) & 1)) {
		r->norm[code] = BM25_K1 * (1 - BM25_B + BM25_B *
		                           index_dlen_value(code) / r->avgdl);
		r->norm_set[code / 64] |= 1ull << (code % 64);
	}
	return r->norm[code];
}

static double contrib(struct ranker *r, const struct index_sterm *t,
                      uint32_t tf, uint8_t code)
{
	return t->idf * tf * (BM25_K1 + 1) / (tf + norm(r, code));
}

static double threshold(const struct ranker *r)
{
	return r->cap && r->nh == r->cap ? r->h[0].score : -1.0;
}

static int by_ub_asc(const void *pa, const void *pb)
{
	const struct index_sterm *a = *(struct index_sterm *const *)pa;
	const struct index_sterm *b = *(struct index_sterm *const *)pb;

	return (a->ub > b->ub) - (a->ub < b->ub);
}

/* Weights, bounds and length factors; r->t gets the scoring terms. */
static int prepare(struct ranker *r, struct cdx_error *err)
{
	const struct index_match *m = r->m;
	double n_docs = (double)m->meta.n_docs;
	double avgdl = m->meta.n_docs ? (double)m->meta.n_tokens / n_docs : 1;
	uint64_t last = m->meta.next_doc; /* the last doc to score, or more */

	if (avgdl <= 0)
		avgdl = 1;
	r->avgdl = avgdl;
	r->t = malloc((m->n_terms ? m->n_terms : 1) * sizeof *r->t);
	if (r->t == NULL)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < m->n_terms; i++) {
		struct index_sterm *t = &m->terms[i];
		double df = (double)t->l.n, mtf;
		uint32_t most = 1; /* in integers: a branchless loop */

		if (!t->scoring || t->l.n == 0)
			continue;
		for (size_t j = 0; j < t->l.n; j++)
			most = t->l.v[j].tf > most ? t->l.v[j].tf : most;
		mtf = most;
		if (df > n_docs)
			df = n_docs; /* replaced documents not yet merged */
		t->idf = log(1.0 + (n_docs - df + 0.5) / (df + 0.5));
		t->ub = t->idf * mtf * (BM25_K1 + 1) /
		        (mtf + BM25_K1 * (1 - BM25_B));
		t->cur = 0;
		r->t[r->n++] = t;
		if (t->l.v[t->l.n - 1].doc > last)
			last = t->l.v[t->l.n - 1].doc;
	}
	r->n_lb = last / INDEX_DLEN_BLOCK + 1;
	if (r->n > 1)
		qsort(r->t, r->n, sizeof *r->t, by_ub_asc);
	return CDX_OK;
}

/* Score each candidate, words with the largest bound first, stopping
 * when the rest cannot lift it into the heap. */
static int rank_candidates(struct ranker *r, const struct index_dset *c,
                           struct cdx_error *err)
{
	struct lens lb = {NULL, 0};
	uint64_t b = UINT64_MAX; /* the length block lb holds */
	double rem[SNIPPET_TERMS * 64];
	size_t n = r->n < sizeof rem / sizeof rem[0] ? r->n
	                                            : sizeof rem / sizeof rem[0];

	/* rem[i]: the bounds of terms i..n-1 in descending order */
	for (size_t i = n; i-- > 0;)
		rem[i] = r->t[r->n - 1 - i]->ub + (i + 1 < n ? rem[i + 1] : 0);
	for (size_t d = 0; d < c->n; d++) {
		uint64_t doc = c->v[d];
		double bar; /* the heap's worst: what the doc must beat */
		uint8_t code;
		struct scored s = {0, doc};

		if (doc / INDEX_DLEN_BLOCK != b) {
			int rc = len_block(r, doc / INDEX_DLEN_BLOCK, &lb, err);

			if (rc != CDX_OK)
				return rc;
			b = doc / INDEX_DLEN_BLOCK;
		}
		code = doc % INDEX_DLEN_BLOCK < lb.n ?
		       lb.p[doc % INDEX_DLEN_BLOCK] : 0;
		if (code == 0)
			continue; /* replaced, not yet merged away */
		r->total++;
		bar = threshold(r);
		for (size_t i = 0; i < n; i++) {
			struct index_sterm *t = r->t[r->n - 1 - i];

			if (s.score + rem[i] <= bar)
				break;
			t->cur = seek(&t->l, t->cur, doc);
			if (t->cur < t->l.n && t->l.v[t->cur].doc == doc)
				s.score += contrib(r, t, t->l.v[t->cur].tf, code);
		}
		heap_offer(r->h, &r->nh, r->cap, s);
	}
	return CDX_OK;
}

/* ---- an OR of words (a prefix is one), term at a time: the matching
 * documents are the union of the lists, all of which is read anyway to
 * count them, so each posting adds its word's share to its document's
 * score in an array over one length-table block of documents; the
 * block's documents then go to the heap in doc order, as a document
 * at a time walk would offer them. A walk that merges the lists through
 * a heap of cursors pays a sift per posting: ten times as much for a
 * prefix of a few hundred words. */

static int rank_or(struct ranker *r, struct cdx_error *err)
{
	uint64_t first = UINT64_MAX, last = 0, span;
	size_t words;
	double *acc = NULL;
	uint64_t *touched = NULL;
	int rc = CDX_OK;

	/* a window of a block at most, less when the lists span less (a
	 * query of rare words spans few docs) */
	for (size_t i = 0; i < r->n; i++) {
		const struct index_plist *l = &r->t[i]->l;

		first = l->v[0].doc < first ? l->v[0].doc : first;
		last = l->v[l->n - 1].doc > last ? l->v[l->n - 1].doc : last;
	}
	if (r->n == 0)
		return CDX_OK;
	span = last - first < INDEX_DLEN_BLOCK ? last - first + 1 :
	                                         INDEX_DLEN_BLOCK;
	words = (size_t)(span + 63) / 64;
	acc = malloc((size_t)span * sizeof *acc);
	touched = calloc(words, sizeof *touched);
	if (acc == NULL || touched == NULL) {
		rc = cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (;;) {
		uint64_t lo = UINT64_MAX, top;
		size_t off; /* lo's place in its length block */
		struct lens k;

		for (size_t i = 0; i < r->n; i++) {
			const struct index_sterm *t = r->t[i];

			if (t->cur < t->l.n && t->l.v[t->cur].doc < lo)
				lo = t->l.v[t->cur].doc;
		}
		if (lo == UINT64_MAX)
			break;
		/* [lo, top): within lo's length block and the window */
		top = lo - lo % INDEX_DLEN_BLOCK + INDEX_DLEN_BLOCK;
		if (top - lo > span)
			top = lo + span;
		off = (size_t)(lo % INDEX_DLEN_BLOCK);
		rc = len_block(r, lo / INDEX_DLEN_BLOCK, &k, err);
		if (rc != CDX_OK)
			goto cleanup;
		/* words with the largest bound first, as rank_candidates()
		 * adds them */
		for (size_t i = r->n; i-- > 0;) {
			struct index_sterm *t = r->t[i];
			const struct index_posting *v = t->l.v;
			size_t j;

			for (j = t->cur; j < t->l.n && v[j].doc < top; j++) {
				size_t at = (size_t)(v[j].doc - lo);
				uint8_t code = at + off < k.n ? k.p[at + off] : 0;
				uint64_t bit = 1ull << (at % 64);
				double c;

				if (code == 0)
					continue; /* replaced, not yet merged */
				c = contrib(r, t, v[j].tf, code);
				/* the first share is stored (0 + c is c): the
				 * array needs no zeroing */
				acc[at] = touched[at / 64] & bit ? acc[at] + c : c;
				touched[at / 64] |= bit;
			}
			t->cur = j;
		}
		for (size_t w = 0; w < words; w++) {
			for (uint64_t bits = touched[w]; bits; bits &= bits - 1) {
				size_t at = w * 64 + (size_t)__builtin_ctzll(bits);
				struct scored sc = {acc[at], lo + at};

				r->total++;
				heap_offer(r->h, &r->nh, r->cap, sc);
			}
			touched[w] = 0;
		}
	}
cleanup:
	free(acc);
	free(touched);
	return rc;
}

/* An OR of words and prefixes, nothing else: rank_or() ranks it. */
static int pure_or(const struct index_qnode *q)
{
	if (q->type == Q_TERM || q->type == Q_PREFIX)
		return 1;
	if (q->type != Q_OR)
		return 0;
	for (const struct index_qnode *k = q->kids; k; k = k->next)
		if (!pure_or(k))
			return 0;
	return 1;
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

static int make_hit(struct ranker *r, void *stemmer, const struct scored *s,
                    struct cdx_search_hit *hit, struct cdx_error *err)
{
	char *terms[SNIPPET_TERMS];
	size_t lens[SNIPPET_TERMS], n = 0;
	struct index_match *m = r->m;
	struct index_docrec rec;
	struct index_text t;
	int rc;

	hit->doc_id = s->doc;
	hit->score = s->score;
	rc = index_doc_read_cached(m->ix, m->txn, s->doc, &rec, &r->prefix,
	                           err);
	if (rc != CDX_OK)
		return rc;
	hit->source = dup_n(rec.source, rec.source_len);
	if (hit->source == NULL)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	/* the title is in the text stream: read with the text in one go
	 * when the snippet needs the text */
	if (r->no_snippets)
		rc = index_doc_title(m->ix, m->txn, &rec, &t, err);
	else
		rc = index_text_read(m->ix, m->txn, rec.span_off, rec.span_len,
		                     &t, err);
	if (rc != CDX_OK)
		return rc;
	if (rec.has_title) {
		uint64_t at = r->no_snippets ? 0 : rec.title_off - rec.span_off;

		hit->title = dup_n(t.p + at, rec.title_len);
		if (hit->title == NULL)
			rc = CDX_ERR_NOMEM;
	}
	if (rc == CDX_OK && !r->no_snippets) {
		uint64_t at = rec.text_off - rec.span_off;

		/* the words with the largest bounds: the rarest */
		for (size_t i = r->n; i-- > 0 && n < SNIPPET_TERMS; n++) {
			terms[n] = r->t[i]->term;
			lens[n] = r->t[i]->len;
		}
		rc = index_snippet(t.p + at, (size_t)rec.text_len, stemmer,
		                   terms, lens, n, &hit->snippet);
	}
	index_text_release(&t);
	if (rc != CDX_OK)
		return cdx_error_set(err, rc, "out of memory");
	return CDX_OK;
}

/* Collect the words of a pure OR as scoring terms. */
static int collect(struct index_match *m, const struct index_qnode *q)
{
	int rc = CDX_OK;

	if (q->type != Q_OR)
		return index_match_terms(m, q);
	for (const struct index_qnode *k = q->kids; k && rc == CDX_OK;
	     k = k->next)
		rc = collect(m, k);
	return rc;
}

int cdx_index_search_opts(struct cdx_index *ix, const char *query,
                          const struct cdx_search_options *opts,
                          struct cdx_search_results *out,
                          struct cdx_error *err)
{
	static const struct cdx_search_options defaults =
		CDX_SEARCH_OPTIONS_INIT;
	struct index_query q;
	struct index_match m;
	struct index_dset cand = {NULL, 0, 0};
	struct ranker r;
	void *stemmer = NULL;
	size_t i;
	int rc;

	if (opts == NULL)
		opts = &defaults;
	memset(out, 0, sizeof *out);
	memset(&m, 0, sizeof m);
	memset(&r, 0, sizeof r);
	memset(&q, 0, sizeof q);
	stemmer = index_stemmer_new();
	if (stemmer == NULL)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	rc = index_query_parse(&q, query, strlen(query), stemmer);
	if (rc != CDX_OK) {
		rc = cdx_error_set(err, rc, "out of memory");
		goto cleanup;
	}
	if (q.root == NULL)
		goto cleanup; /* nothing searchable: no hits */
	m.ix = ix;
	m.stemmer = stemmer;
	m.resolve = opts->resolve;
	m.resolve_ctx = opts->resolve_ctx;
	m.err = err;
	rc = index_read_begin(ix, &m.txn, err);
	if (rc == CDX_OK)
		rc = index_meta_load(ix, m.txn, &m.meta, err);
	if (rc == CDX_OK)
		rc = index_segs_load(ix, m.txn, &m.segs, &m.n_segs, err);
	if (rc != CDX_OK)
		goto cleanup;
	r.m = &m;
	r.no_snippets = opts->no_snippets;
	r.dl = (struct index_dlen_reader){ix, m.txn, 0, NULL, 0};
	r.cap = opts->limit;
	if (pure_or(q.root)) {
		rc = collect(&m, q.root);
	} else {
		rc = index_match_eval(&m, q.root, 1, &cand);
	}
	if (rc == CDX_OK)
		rc = prepare(&r, err);
	if (rc == CDX_OK) {
		size_t most = pure_or(q.root) ? (size_t)m.meta.n_docs : cand.n;

		r.h = malloc((r.cap < most ? r.cap : most) * sizeof *r.h + 1);
		if (r.h == NULL)
			rc = cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
		if (r.cap > most)
			r.cap = most;
	}
	if (rc != CDX_OK)
		goto cleanup;
	if (pure_or(q.root))
		rc = rank_or(&r, err);
	else
		rc = rank_candidates(&r, &cand, err);
	out->total = r.total;
	if (rc != CDX_OK || r.nh == 0)
		goto cleanup;
	qsort(r.h, r.nh, sizeof *r.h, best_first);
	out->v = calloc(r.nh, sizeof *out->v);
	if (out->v == NULL) {
		rc = cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < r.nh && rc == CDX_OK; i++) {
		struct cdx_search_hit *hit = &out->v[out->n];

		rc = make_hit(&r, stemmer, &r.h[i], hit, err);
		if (rc == CDX_ERR_NOTFOUND) {
			/* its record is gone (check reports it): skip it */
			free(hit->source);
			free(hit->title);
			memset(hit, 0, sizeof *hit);
			out->total--;
			rc = CDX_OK;
			continue;
		}
		out->n++; /* also on failure, so that release frees it */
	}
cleanup:
	index_read_end(ix, m.txn);
	index_match_release(&m);
	index_dset_release(&cand);
	index_query_release(&q);
	index_stemmer_free(stemmer);
	free(r.t);
	free(r.h);
	free(r.lb);
	free(r.lb_read);
	if (rc != CDX_OK)
		cdx_search_results_release(out);
	return rc;
}

int cdx_index_search(struct cdx_index *ix, const char *query, size_t limit,
                     struct cdx_search_results *out, struct cdx_error *err)
{
	struct cdx_search_options o = CDX_SEARCH_OPTIONS_INIT;

	o.limit = limit;
	return cdx_index_search_opts(ix, query, &o, out, err);
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
