/*
 * dset.c — sorted sets of document ids, what each node of a query tree
 * evaluates to (match.c): union, intersection and difference of two
 * sets, a set from a posting list, and a set cut down to the documents
 * of a posting list in place (an AND's and a phrase's words, rarest
 * first).
 */
#include <stdlib.h>

#include "index_int.h"

void index_dset_release(struct index_dset *s)
{
	if (s == NULL)
		return;
	free(s->v);
	memset(s, 0, sizeof *s);
}

int index_dset_add(struct index_dset *s, uint64_t doc)
{
	if (index_array_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v))
		return CDX_ERR_NOMEM;
	s->v[s->n++] = doc;
	return CDX_OK;
}

/* a := a ∩ b (b sorted) */
void index_dset_and(struct index_dset *a, const struct index_dset *b)
{
	size_t i = 0, j = 0, k = 0;

	while (i < a->n && j < b->n) {
		if (a->v[i] < b->v[j])
			i++;
		else if (a->v[i] > b->v[j])
			j++;
		else
			a->v[k++] = a->v[i++], j++;
	}
	a->n = k;
}

/* a := a − b */
void index_dset_minus(struct index_dset *a, const struct index_dset *b)
{
	size_t i = 0, j = 0, k = 0;

	while (i < a->n) {
		while (j < b->n && b->v[j] < a->v[i])
			j++;
		if (j < b->n && b->v[j] == a->v[i])
			i++;
		else
			a->v[k++] = a->v[i++];
	}
	a->n = k;
}

/* a := a ∪ b */
int index_dset_or(struct index_dset *a, const struct index_dset *b)
{
	struct index_dset r = {NULL, 0, 0};
	size_t i = 0, j = 0;

	if (index_array_grow((void **)&r.v, &r.cap, a->n + b->n + 1, sizeof *r.v))
		return CDX_ERR_NOMEM;
	while (i < a->n || j < b->n) {
		if (j == b->n || (i < a->n && a->v[i] < b->v[j]))
			r.v[r.n++] = a->v[i++];
		else if (i == a->n || b->v[j] < a->v[i])
			r.v[r.n++] = b->v[j++];
		else
			r.v[r.n++] = a->v[i++], j++;
	}
	index_dset_release(a);
	*a = r;
	return CDX_OK;
}

/* a := a ∩ the docs of @p l: a is the shorter (a phrase's rarest word
 * first), so each of its docs gallops ahead in l, unless l is hardly
 * longer, rather than every doc of a common word being copied and
 * merged. */
void index_dset_and_plist(struct index_dset *a, const struct index_plist *l)
{
	size_t j = 0, k = 0;
	/* lists of a like size: a plain merge costs less than galloping */
	int dense = l->n / 8 <= a->n;

	for (size_t i = 0; i < a->n && j < l->n; i++) {
		uint64_t doc = a->v[i];
		size_t step = 1;

		if (dense) {
			while (j < l->n && l->v[j].doc < doc)
				j++;
		} else {
			while (j + step < l->n && l->v[j + step].doc < doc)
				step *= 2;
			j = index_plist_lower(l, j, j + step < l->n ? j + step :
			                      l->n, doc);
		}
		if (j < l->n && l->v[j].doc == doc)
			a->v[k++] = doc;
	}
	a->n = k;
}

int index_dset_of_plist(struct index_dset *s, const struct index_plist *l)
{
	if (index_array_grow((void **)&s->v, &s->cap, l->n + 1, sizeof *s->v))
		return CDX_ERR_NOMEM;
	s->n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (s->n == 0 || s->v[s->n - 1] != l->v[i].doc)
			s->v[s->n++] = l->v[i].doc;
	return CDX_OK;
}
