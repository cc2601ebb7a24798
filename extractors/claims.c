/*
 * claims.c — the caller's array of claims and the pool that holds the
 * strings of its claims no longer-lived object owns (names taken from the
 * text, such as a company the gazetteer does not know).
 *
 * The pool is a singly linked list of chunks that are never reallocated:
 * a string handed out stays where it is until the array is cleared or
 * released, however many claims are appended after it. Clearing keeps the
 * chunks and refills them from the first, so a worker that extracts one
 * document after another into the same array allocates nothing once the
 * chunks fit its largest document.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"

/* Bytes of a chunk's data: most documents need a handful of names. */
#define CHUNK_BYTES 2048u

struct cdx_claims_chunk {
	struct cdx_claims_chunk *next;
	size_t used, cap;
	char data[]; /* cap bytes */
};

void cdx_claims_clear(struct cdx_claims *c)
{
	if (c == NULL)
		return;
	c->n = 0;
	for (struct cdx_claims_chunk *k = c->pool; k; k = k->next)
		k->used = 0;
	c->pool_at = c->pool;
}

void cdx_claims_release(struct cdx_claims *c)
{
	struct cdx_claims_chunk *k, *next;

	if (c == NULL)
		return;
	free(c->v);
	for (k = c->pool; k; k = next) {
		next = k->next;
		free(k);
	}
	c->v = NULL;
	c->n = c->cap = 0;
	c->pool = c->pool_at = NULL;
}

/* A chunk after c->pool_at (or a new one at the end of the list) with
 * room for @p need bytes; NULL when out of memory. */
static struct cdx_claims_chunk *chunk_with_room(struct cdx_claims *c,
                                                size_t need)
{
	struct cdx_claims_chunk *k = c->pool_at, *last = NULL;
	size_t cap;

	for (; k; k = k->next) {
		if (k->cap - k->used >= need)
			return c->pool_at = k;
		last = k;
	}
	cap = need > CHUNK_BYTES ? need : CHUNK_BYTES;
	k = malloc(sizeof(*k) + cap);
	if (k == NULL)
		return NULL;
	k->next = NULL;
	k->used = 0;
	k->cap = cap;
	if (last)
		last->next = k;
	else if (c->pool == NULL)
		c->pool = k;
	else {
		/* pool_at was NULL with chunks present: append at the end */
		for (last = c->pool; last->next; last = last->next)
			;
		last->next = k;
	}
	return c->pool_at = k;
}

int cdx_claims_strdup(struct cdx_claims *c, const char *s, size_t n,
                      const char **out)
{
	struct cdx_claims_chunk *k;
	char *d;

	*out = NULL;
	if (n >= SIZE_MAX - sizeof(*k) - 1)
		return CDX_ERR_NOMEM;
	if (c->pool_at == NULL)
		c->pool_at = c->pool;
	k = chunk_with_room(c, n + 1);
	if (k == NULL)
		return CDX_ERR_NOMEM;
	d = k->data + k->used;
	memcpy(d, s, n);
	d[n] = '\0';
	k->used += n + 1;
	*out = d;
	return CDX_OK;
}
