/*
 * acc.c — the batch accumulator: a write transaction's postings held in
 * memory and written at commit as one new segment, terms in order
 * (postings.c encodes each term's entry, segment.c stores the stream).
 *
 * Postings arrive a document at a time, each with its terms and their
 * word positions. Rather than a list per term that grows by realloc
 * (tens of thousands of lists, each copied at every doubling, then as
 * many frees), every posting is appended to one array as (term number,
 * doc, tf, offset) and the document's positions to another in one copy:
 * adding is a hash lookup and a few stores. Arrival order is document
 * order. At commit the terms are sorted, a radix sort on their first
 * eight bytes with the few ties settled by comparing the rest, and the
 * postings are scattered into term order by counting, so each term's
 * postings lie together, still in document order, as
 * index_plist_encode() takes them. A batch's own document removed again
 * (replaced within the batch) is a run of postings found by binary
 * search: they are marked, not moved, as the encoder skips them.
 */
#include <assert.h>
#include <stdlib.h>

#include "index_int.h"

struct acc_term {
	const char *term; /* in the accumulator's arena */
	uint32_t len;
	uint32_t n;       /* its postings */
	uint32_t npos;    /* and their positions */
};

struct acc_post {
	uint32_t term; /* index in terms */
	uint32_t doc;  /* less the accumulator's base */
	uint32_t tf;   /* 0 marks a posting removed within the batch */
	uint32_t off;  /* its first position in pos */
};

/* What a new term and a posting add to index_acc.bytes: the memory they
 * took when each term had its own list. The pipeline ends a batch by
 * this figure, so it stays as it was; batches, and the segments they
 * write, end where they did. */
#define TERM_WEIGHT 64
#define POST_WEIGHT 16

/* Give @p t a place in the batch: *idx gets its number. */
static int add_term(struct index_acc *a, const struct index_pterm *t,
                    uint32_t *idx)
{
	const char *copy;

	if (a->n == a->cap &&
	    index_array_grow((void **)&a->terms, &a->cap, a->n + 1,
	                     sizeof *a->terms) != CDX_OK)
		return CDX_ERR_NOMEM;
	copy = index_arena_strndup(&a->strs, t->s, t->len);
	if (copy == NULL ||
	    index_strmap_put_h(&a->map, copy, t->len, t->hash, (uint32_t)a->n,
	                       idx) < 0)
		return CDX_ERR_NOMEM;
	a->terms[*idx].term = copy;
	a->terms[*idx].len = t->len;
	a->terms[*idx].n = 0;
	a->terms[*idx].npos = 0;
	a->n++;
	a->bytes += TERM_WEIGHT + t->len + 1 + 32; /* + its map slot */
	return CDX_OK;
}

int index_acc_add_doc(struct index_acc *a, const struct index_pterm *t,
                      size_t n, const uint32_t *pos, uint64_t doc)
{
	struct acc_post *p;
	size_t npos = 0, bytes = 0, i;
	uint32_t off, d;
	int rc = CDX_OK;

	if (a->n_posts == 0)
		a->base = doc;
	assert(doc >= a->base);
	assert(a->n_posts == 0 ||
	       doc >= a->base + a->posts[a->n_posts - 1].doc);
	/* a posting keeps doc and offset in 32 bits */
	if (doc - a->base > UINT32_MAX)
		return CDX_ERR_NOMEM;
	for (i = 0; i < n; i++)
		if ((size_t)t[i].pos + t[i].tf > npos)
			npos = (size_t)t[i].pos + t[i].tf;
	if (npos > UINT32_MAX - a->npos)
		return CDX_ERR_NOMEM;
	if (index_array_grow((void **)&a->posts, &a->cap_posts,
	                     a->n_posts + n, sizeof *a->posts) != CDX_OK ||
	    index_array_grow((void **)&a->pos, &a->cap_pos, a->npos + npos,
	                     sizeof *a->pos) != CDX_OK)
		return CDX_ERR_NOMEM;
	if (npos > 0)
		memcpy(a->pos + a->npos, pos, npos * sizeof *pos);
	off = (uint32_t)a->npos;
	a->npos += npos;
	/* the loop keeps its running figures in locals: the map's calls
	 * would make the compiler reload them from *a at every term */
	p = a->posts + a->n_posts;
	d = (uint32_t)(doc - a->base);
	for (i = 0; i < n; i++) {
		struct acc_term *at;
		uint32_t idx;

		if (index_strmap_get_h(&a->map, t[i].s, t[i].len, t[i].hash,
		                       &idx) != CDX_OK &&
		    (rc = add_term(a, &t[i], &idx)) != CDX_OK)
			break;
		p[i].term = idx;
		p[i].doc = d;
		p[i].tf = t[i].tf;
		p[i].off = off + t[i].pos;
		at = &a->terms[idx];
		at->n++;
		at->npos += t[i].tf;
		bytes += POST_WEIGHT + t[i].tf * sizeof *pos;
	}
	a->n_posts += i;
	a->bytes += bytes;
	return rc;
}

void index_acc_remove_doc(struct index_acc *a, uint64_t doc)
{
	size_t lo = 0, hi = a->n_posts;
	uint32_t d;

	if (a->n_posts == 0 || doc < a->base || doc - a->base > UINT32_MAX)
		return;
	d = (uint32_t)(doc - a->base);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->posts[mid].doc < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < a->n_posts && a->posts[lo].doc == d; lo++)
		a->posts[lo].tf = 0;
}

/* ------------------------------------------------------------ sort */

/* A term to sort: its first eight bytes big-endian (zero-padded), which
 * order two terms unless they are equal; then the rest decides, a
 * shorter term first. */
struct sort_term {
	uint64_t key;
	const struct acc_term *t;
};

static uint64_t prefix_key(const char *s, size_t n)
{
	uint64_t k = 0;

	for (size_t i = 0; i < 8; i++)
		k = k << 8 | (i < n ? (unsigned char)s[i] : 0);
	return k;
}

static int term_cmp(const void *pa, const void *pb)
{
	const struct sort_term *x = pa, *y = pb;
	const struct acc_term *a = x->t, *b = y->t;
	size_t n;
	int c;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	n = a->len < b->len ? a->len : b->len;
	c = memcmp(a->term, b->term, n);
	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

/* Runs of equal keys (terms alike in their first eight bytes) are short:
 * insertion sort, unless one is not. */
static void sort_run(struct sort_term *v, size_t n)
{
	if (n > 16) {
		qsort(v, n, sizeof *v, term_cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		struct sort_term x = v[i];
		size_t j = i;

		for (; j > 0 && term_cmp(&v[j - 1], &x) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* The terms of @p a in byte order into @p order (indexes in a->terms):
 * a least-significant-digit radix sort of the keys, a byte a pass,
 * skipping the bytes every key shares. @return 0 or NOMEM. */
static int sort_terms(const struct index_acc *a, uint32_t *order)
{
	size_t (*cnt)[256] = calloc(8, sizeof *cnt);
	struct sort_term *v = malloc(a->n * sizeof *v);
	struct sort_term *tmp = malloc(a->n * sizeof *tmp);
	int rc = CDX_ERR_NOMEM;

	if (cnt == NULL || v == NULL || tmp == NULL)
		goto cleanup;
	for (size_t i = 0; i < a->n; i++) {
		v[i].key = prefix_key(a->terms[i].term, a->terms[i].len);
		v[i].t = &a->terms[i];
		for (unsigned d = 0; d < 8; d++)
			cnt[d][v[i].key >> 8 * d & 0xff]++;
	}
	for (unsigned d = 0; d < 8; d++) {
		size_t sum = 0;
		struct sort_term *sw;

		if (cnt[d][v[0].key >> 8 * d & 0xff] == a->n)
			continue; /* one value: the order stands */
		for (unsigned b = 0; b < 256; b++) {
			size_t c = cnt[d][b];

			cnt[d][b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < a->n; i++)
			tmp[cnt[d][v[i].key >> 8 * d & 0xff]++] = v[i];
		sw = v;
		v = tmp;
		tmp = sw;
	}
	for (size_t i = 0, j; i < a->n; i = j) {
		for (j = i + 1; j < a->n && v[j].key == v[i].key; j++)
			;
		if (j - i > 1)
			sort_run(v + i, j - i);
	}
	for (size_t i = 0; i < a->n; i++)
		order[i] = (uint32_t)(v[i].t - a->terms);
	rc = CDX_OK;
cleanup:
	free(cnt);
	free(v);
	free(tmp);
	return rc;
}

/* ------------------------------------------------------------ flush */

/* Terms are encoded a chunk at a time, a chunk this heavy (see weight):
 * the entries of a chunk are held until stored, and a chunk is cut in
 * two for two threads. */
#define CHUNK_WEIGHT ((uint64_t)1 << 20)

/* The work of encoding a term's entry, about: a step per document and
 * position, and a few for the term. */
static uint64_t weight(const struct acc_term *t)
{
	return 8 + (uint64_t)t->n + t->npos;
}

struct flush {
	const struct index_acc *a;
	const uint32_t *order;       /* terms in byte order */
	const size_t *end;           /* each term's postings end in post */
	struct index_posting *post;  /* postings in term order */
	uint64_t first;              /* the segment's first doc */
	size_t lo;                   /* the chunk's first term in order */
};

static int encode_term(void *ctx, unsigned part, size_t i, struct cdx_buf *b)
{
	const struct flush *f = ctx;
	uint32_t t = f->order[f->lo + i];
	struct index_plist l = {0};

	(void)part;
	l.v = f->post + f->end[t] - f->a->terms[t].n;
	l.n = f->a->terms[t].n;
	l.pos = f->a->pos;
	l.npos = f->a->npos;
	return index_plist_encode(&l, f->first, b);
}

/* Store entries [from, to) of @p run, terms order[lo + from ...). */
static int store(struct index_segw *w, const struct flush *f,
                 const struct index_encrun *run, size_t from, size_t to,
                 struct cdx_error *err)
{
	int rc = CDX_OK;

	for (size_t i = from; i < to && rc == CDX_OK; i++) {
		const struct acc_term *t = &f->a->terms[f->order[f->lo + i]];
		size_t len;
		const uint8_t *e = index_encrun_entry(run, i, &len);

		if (len > 0)
			rc = index_segw_add(w, t->term, t->len, e, len, err);
	}
	return rc;
}

int index_acc_flush(struct index_acc *a, struct cdx_index *ix, MDB_txn *txn,
                    struct index_meta *m, uint64_t first,
                    struct cdx_error *err)
{
	struct flush f = {a, NULL, NULL, NULL, first, 0};
	struct index_encrun run;
	uint32_t *order;
	size_t *end, at = 0;
	struct index_segw w;
	int rc = CDX_OK;

	if (a->n == 0)
		return CDX_OK;
	index_encrun_init(&run);
	index_segw_init(&w, ix, txn, (uint32_t)m->next_seg);
	/* the scratch stays with the accumulator: a batch's arrays are
	 * mapped on their own (pipeline_heap_policy), and made afresh
	 * each commit their pages were faulted in again every batch */
	if (index_array_grow((void **)&a->order, &a->cap_order, a->n,
	                     sizeof *a->order) != CDX_OK ||
	    index_array_grow((void **)&a->end, &a->cap_end, a->n,
	                     sizeof *a->end) != CDX_OK ||
	    /* the postings in term order, as large as the batch's own,
	     * are not kept: beside the next batch's arrays they would
	     * raise the peak by their size */
	    (f.post = malloc((a->n_posts ? a->n_posts : 1) *
	                     sizeof *f.post)) == NULL) {
		rc = index_nomem(err);
		goto cleanup;
	}
	order = a->order;
	end = a->end;
	if (sort_terms(a, order) != CDX_OK) {
		rc = index_nomem(err);
		goto cleanup;
	}
	f.order = order;
	f.end = end;
	/* each term's first slot in term order, then the postings dealt
	 * out in arrival (document) order: end[t] moves to its end */
	for (size_t i = 0; i < a->n; i++) {
		end[order[i]] = at;
		at += a->terms[order[i]].n;
	}
	for (size_t i = 0; i < a->n_posts; i++) {
		const struct acc_post *p = &a->posts[i];
		struct index_posting *e = &f.post[end[p->term]++];

		e->doc = a->base + p->doc;
		e->tf = p->tf;
		e->off = p->off;
	}
	for (size_t lo = 0, hi, mid; lo < a->n && rc == CDX_OK; lo = hi) {
		uint64_t sum = 0, part = 0;
		int erc;

		for (hi = lo; hi < a->n && sum < CHUNK_WEIGHT; hi++)
			sum += weight(&a->terms[order[hi]]);
		/* this thread stores its part while the helper encodes the
		 * other: it takes a little less than half (measured on BBC,
		 * the two then end about together) */
		for (mid = lo; mid < hi; mid++) {
			part += weight(&a->terms[order[mid]]);
			if (part * 100 > sum * 47)
				break;
		}
		f.lo = lo;
		erc = index_encrun_start(&run, hi - lo, mid - lo, ix->threads,
		                         encode_term, &f);
		if (erc == CDX_OK)
			rc = store(&w, &f, &run, 0, mid - lo, err);
		if (index_encrun_finish(&run) != CDX_OK || erc != CDX_OK)
			rc = index_nomem(err);
		else if (rc == CDX_OK)
			rc = store(&w, &f, &run, mid - lo, hi - lo, err);
	}
	if (rc == CDX_OK && w.seg.n_terms > 0) {
		rc = index_segw_finish(&w, first, m->next_doc - 1, 0, err);
		m->next_seg++;
	}
cleanup:
	index_segw_release(&w);
	index_encrun_release(&run);
	free(f.post);
	return rc;
}

void index_acc_release(struct index_acc *a)
{
	if (a == NULL)
		return;
	free(a->terms);
	free(a->posts);
	free(a->pos);
	free(a->order);
	free(a->end);
	index_strmap_release(&a->map);
	index_arena_release(&a->strs);
	memset(a, 0, sizeof *a);
}

/* ------------------------------------------------------------ reuse */

/*
 * A batch's arrays are the largest blocks an ingest allocates, each
 * mapped on its own, so a batch that freed them gave their pages back
 * and the next faulted every page in again (some 40% of a Reuters
 * ingest's minor faults). The index keeps them from one writer to the
 * next instead: the next batch grows them to about the same size
 * anyway, so the peak does not rise; they are freed before the close
 * merge, which needs the memory for itself. The term strings (arena
 * blocks on the heap, which keeps freed memory) are freed as before.
 */
void index_acc_reset(struct index_acc *a)
{
	index_strmap_clear(&a->map);
	index_arena_release(&a->strs);
	a->n = a->n_posts = a->npos = 0;
	a->base = 0;
	a->bytes = 0;
}

void index_acc_stash(struct cdx_index *ix, struct index_acc *a)
{
	if (ix->acc_spare == NULL)
		ix->acc_spare = malloc(sizeof *ix->acc_spare);
	if (ix->acc_spare == NULL) {
		index_acc_release(a);
		return;
	}
	index_acc_reset(a);
	*ix->acc_spare = *a;
	memset(a, 0, sizeof *a);
}

void index_acc_unstash(struct cdx_index *ix, struct index_acc *a)
{
	index_acc_release(a);
	if (ix->acc_spare == NULL)
		return;
	*a = *ix->acc_spare;
	free(ix->acc_spare);
	ix->acc_spare = NULL;
}

void index_acc_spare_release(struct cdx_index *ix)
{
	if (ix == NULL || ix->acc_spare == NULL)
		return;
	index_acc_release(ix->acc_spare);
	free(ix->acc_spare);
	ix->acc_spare = NULL;
}
