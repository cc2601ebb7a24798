/*
 * encode.c — encoding a run of term entries on two threads.
 *
 * At a commit (acc.c) and in a merge (merge.c) the writer encodes entry
 * after entry (index_plist_encode) and stores them in term order; at the
 * end of an ingest nothing else runs then, so each instruction there
 * counts in full against the wall clock. The entries do not depend on
 * one another, so when the handle may use more than one thread
 * (cdx_index_set_threads) the run is cut in two: a helper thread
 * encodes the second part into its own buffer while the calling thread
 * encodes the first and stores it; the caller then waits for the
 * helper and stores the second part. Only encoding moves: LMDB and its transaction stay
 * with the calling thread. A helper that cannot be started is no error:
 * the calling thread then encodes both parts.
 */
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>

#include "index_int.h"

static void encode_part(struct index_encpart *p)
{
	size_t *ends = p->r->ends;
	int rc = CDX_OK;

	for (size_t i = p->lo; i < p->hi && rc == CDX_OK; i++) {
		rc = p->fn(p->ctx, p->part, i, &p->out);
		ends[i] = p->out.len;
	}
	p->rc = rc;
}

static void *encode_thread(void *arg)
{
	encode_part(arg);
	return NULL;
}

int index_encrun_start(struct index_encrun *r, size_t n, size_t mid,
                       unsigned threads, index_encode_fn fn, void *ctx)
{
	assert(mid <= n);
	r->n = n;
	r->mid = mid;
	r->started = 0;
	for (unsigned k = 0; k < 2; k++) {
		struct index_encpart *p = &r->p[k];

		cdx_buf_clear(&p->out);
		p->r = r;
		p->fn = fn;
		p->ctx = ctx;
		p->part = k;
		p->lo = k ? mid : 0;
		p->hi = k ? n : mid;
		p->rc = CDX_OK;
	}
	if (index_array_grow((void **)&r->ends, &r->cap_ends, n ? n : 1,
	                     sizeof *r->ends) != CDX_OK) {
		/* nothing to run: finish reports it too */
		r->p[0].hi = r->p[1].lo = r->p[1].hi = 0;
		r->p[1].rc = CDX_ERR_NOMEM;
		return CDX_ERR_NOMEM;
	}
	if (threads > 1 && mid < n && mid > 0)
		r->started = pthread_create(&r->helper, NULL, encode_thread,
		                            &r->p[1]) == 0;
	encode_part(&r->p[0]);
	return r->p[0].rc;
}

int index_encrun_finish(struct index_encrun *r)
{
	if (r->started)
		pthread_join(r->helper, NULL);
	else if (r->p[1].rc == CDX_OK)
		encode_part(&r->p[1]);
	r->started = 0;
	return r->p[0].rc != CDX_OK ? r->p[0].rc : r->p[1].rc;
}

const uint8_t *index_encrun_entry(const struct index_encrun *r, size_t i,
                                  size_t *len)
{
	const struct cdx_buf *b = &r->p[i >= r->mid].out;
	size_t start = i == 0 || i == r->mid ? 0 : r->ends[i - 1];

	*len = r->ends[i] - start;
	return *len ? (const uint8_t *)b->ptr + start : NULL;
}

void index_encrun_init(struct index_encrun *r)
{
	memset(r, 0, sizeof *r);
	cdx_buf_init(&r->p[0].out, SIZE_MAX / 2);
	cdx_buf_init(&r->p[1].out, SIZE_MAX / 2);
}

void index_encrun_release(struct index_encrun *r)
{
	if (r == NULL)
		return;
	cdx_buf_release(&r->p[0].out);
	cdx_buf_release(&r->p[1].out);
	free(r->ends);
	r->ends = NULL;
	r->cap_ends = 0;
}
