/*
 * match.c — which documents a parsed query matches: each node of the
 * tree (query.c) becomes a sorted array of doc ids.
 *
 * Words read their posting list once per query (without positions) and
 * keep it as a scoring term for ranking (search.c); phrases intersect
 * their words' lists, then read positions for the documents left only
 * (eval_phrase) and keep those where the words stand in a row; a
 * prefix walks the terms that start with it (termit.c). AND intersects
 * its positive parts, then applies its filters to each candidate (doc
 * record; claim filters of one AND hold on one and the same claim, so
 * "entity:China kind:percent value:>50" asks for a percentage above 50
 * about China), then subtracts its NOT parts. What has no positive part
 * starts from every live document (the length table).
 */
#include <stdlib.h>

#include "index_int.h"

/** Prefix expansions kept; beyond them a prefix is too short to mean
 *  anything and the rest are dropped. */
#define PREFIX_TERMS_MAX 2048

/* ------------------------------------------------------------ terms */

/* The scoring term @p term into *out; *fresh says it is new, its list
 * still to be read. Only the first @p upto terms can be it (a prefix's
 * words are new to each other). */
static int term_slot(struct index_match *m, const char *term, size_t n,
                     int positive, size_t upto, struct index_sterm **out,
                     int *fresh)
{
	struct index_sterm *t;

	*fresh = 0;
	for (size_t i = 0; i < upto && i < m->n_terms; i++) {
		t = &m->terms[i];
		if (t->len == n && memcmp(t->term, term, n) == 0) {
			t->scoring |= positive;
			*out = t;
			return CDX_OK;
		}
	}
	if (index_array_grow((void **)&m->terms, &m->cap_terms, m->n_terms + 1,
	         sizeof *m->terms))
		return index_nomem(m->err);
	t = &m->terms[m->n_terms++];
	memset(t, 0, sizeof *t);
	memcpy(t->term, term, n);
	t->len = n;
	t->scoring = positive;
	*out = t;
	*fresh = 1;
	return CDX_OK;
}

static int damaged(struct index_match *m, int rc, uint32_t seg)
{
	if (rc == CDX_ERR_NOMEM)
		return index_nomem(m->err);
	return cdx_error_set(m->err, CDX_ERR_CORRUPT, "index '%s': postings "
	                     "segment %u is damaged", m->ix->path, seg);
}

/* t's list read segment by segment (as index_postings_read() does),
 * each reader that found an entry kept, with the entry it holds, for
 * the positions a phrase reads next. */
static int read_kept(struct index_match *m, struct index_sterm *t)
{
	int rc = CDX_OK;

	for (size_t i = 0; i < m->n_segs && rc == CDX_OK; i++) {
		struct index_segr r;

		index_segr_init(&r, m->ix, m->txn, &m->segs[i]);
		rc = index_segr_find(&r, t->term, t->len, m->err);
		if (rc == CDX_OK) {
			rc = index_plist_decode(r.entry, r.entry_len,
			                        m->segs[i].first, 0, &t->l);
			if (rc == CDX_OK &&
			    index_array_grow((void **)&t->kept, &t->cap_kept,
			                     t->n_kept + 1, sizeof *t->kept))
				rc = CDX_ERR_NOMEM;
			if (rc == CDX_OK) {
				t->kept[t->n_kept++] = r; /* owns it now */
				continue;
			}
			rc = damaged(m, rc, m->segs[i].id);
		} else if (rc == CDX_ERR_NOTFOUND) {
			rc = CDX_OK;
		}
		index_segr_release(&r);
	}
	return rc;
}

/* The scoring term @p term, its list read when first asked for (with
 * its entries kept when @p keep). */
static int get_term(struct index_match *m, const char *term, size_t n,
                    int positive, int keep, struct index_sterm **out)
{
	int fresh, rc = term_slot(m, term, n, positive, SIZE_MAX, out, &fresh);

	if (rc == CDX_OK && fresh && keep)
		rc = read_kept(m, *out);
	else if (rc == CDX_OK && fresh)
		rc = index_postings_read(m->ix, m->txn, m->segs, m->n_segs,
		                         term, n, 0, &(*out)->l, m->err);
	return rc;
}

/* The postings of @p t with positions for the docs @p want (sorted)
 * into @p out: from its kept entries when it has them. */
static int read_positions(struct index_match *m, struct index_sterm *t,
                          const uint64_t *want, size_t n_want,
                          struct index_plist *out)
{
	int rc = CDX_OK;

	if (t->n_kept == 0)
		return index_postings_read_sel(m->ix, m->txn, m->segs,
		                               m->n_segs, t->term, t->len,
		                               want, n_want, &t->l, out,
		                               m->err);
	for (size_t i = 0; i < t->n_kept && rc == CDX_OK; i++) {
		const struct index_segr *r = &t->kept[i];

		if (n_want == 0 || r->seg.last < want[0] ||
		    r->seg.first > want[n_want - 1])
			continue; /* no document asked for is in it */
		rc = index_plist_decode_sel(r->entry, r->entry_len,
		                            r->seg.first, want, n_want, &t->l,
		                            out);
		if (rc != CDX_OK)
			rc = damaged(m, rc, r->seg.id);
	}
	return rc;
}

/* The term a prefix walk stands on: its list decoded from the entries
 * the walk holds, not looked up again in every segment. */
static int get_walked_term(struct index_match *m,
                           const struct index_termit *it, int positive,
                           size_t upto, struct index_sterm **out)
{
	int fresh, rc = term_slot(m, it->term, it->term_len, positive, upto,
	                          out, &fresh);

	/* the walk's readers are in segment order, which is doc order */
	for (size_t i = 0; fresh && rc == CDX_OK && i < it->n; i++) {
		const struct index_segr *r = &it->in[i];

		if (!it->has[i])
			continue;
		rc = index_plist_decode(r->entry, r->entry_len, r->seg.first, 0,
		                        &(*out)->l);
		if (rc != CDX_OK)
			rc = damaged(m, rc, r->seg.id);
	}
	return rc;
}

static int eval_term(struct index_match *m, const struct index_qnode *q,
                     int positive, struct index_dset *out)
{
	struct index_sterm *t;
	int rc = get_term(m, q->term, q->len, positive, 0, &t);

	if (rc == CDX_OK && index_dset_of_plist(out, &t->l))
		rc = index_nomem(m->err);
	return rc;
}

static int starts_with(const char *s, size_t n, const char *p, size_t pn)
{
	return n >= pn && memcmp(s, p, pn) == 0;
}

/* out := the union of the lists of terms [from, m->n_terms): a bitmap
 * over their doc range, not one merge per word (a prefix of a few
 * hundred words made that quadratic). */
static int union_of(struct index_match *m, size_t from,
                    struct index_dset *out)
{
	uint64_t lo = UINT64_MAX, hi = 0, *bits;
	size_t words, n = 0;

	for (size_t i = from; i < m->n_terms; i++) {
		const struct index_plist *l = &m->terms[i].l;

		if (l->n == 0)
			continue;
		lo = l->v[0].doc < lo ? l->v[0].doc : lo;
		hi = l->v[l->n - 1].doc > hi ? l->v[l->n - 1].doc : hi;
		n += l->n;
	}
	out->n = 0;
	if (n == 0)
		return CDX_OK;
	words = (size_t)((hi - lo) / 64 + 1);
	bits = calloc(words, sizeof *bits);
	if (bits == NULL || index_array_grow((void **)&out->v, &out->cap,
	                                     n < (hi - lo + 1) ? n :
	                                     (size_t)(hi - lo + 1),
	                                     sizeof *out->v)) {
		free(bits);
		return index_nomem(m->err);
	}
	for (size_t i = from; i < m->n_terms; i++) {
		const struct index_plist *l = &m->terms[i].l;

		for (size_t j = 0; j < l->n; j++) {
			uint64_t d = l->v[j].doc - lo;

			bits[d / 64] |= 1ull << (d % 64);
		}
	}
	for (size_t w = 0; w < words; w++)
		for (uint64_t b = bits[w]; b; b &= b - 1)
			out->v[out->n++] = lo + w * 64 +
			                   (uint64_t)__builtin_ctzll(b);
	free(bits);
	return CDX_OK;
}

static int eval_prefix(struct index_match *m, const struct index_qnode *q,
                       int positive, struct index_dset *out)
{
	struct index_termit it;
	size_t n_exp = 0, before = m->n_terms;
	struct index_dset seen = {NULL, 0, 0}; /* a term met before */
	int rc;

	rc = index_termit_open(&it, m->ix, m->txn, m->segs, m->n_segs,
	                       q->term, q->len, m->err);
	while (rc == CDX_OK && n_exp < PREFIX_TERMS_MAX) {
		struct index_sterm *t = NULL;

		rc = index_termit_next(&it, m->err);
		if (rc != CDX_OK || !starts_with(it.term, it.term_len, q->term,
		                                 q->len))
			break;
		n_exp++;
		rc = get_walked_term(m, &it, positive, before, &t);
		/* a word of the query before the prefix keeps its slot: its
		 * list joins the union separately */
		if (rc == CDX_OK && out != NULL && t != NULL &&
		    (size_t)(t - m->terms) < before &&
		    index_dset_add(&seen, (uint64_t)(t - m->terms)))
			rc = index_nomem(m->err);
	}
	index_termit_release(&it);
	if (rc == CDX_ERR_ITEROVER)
		rc = CDX_OK;
	if (rc == CDX_OK && out != NULL)
		rc = union_of(m, before, out);
	for (size_t i = 0; rc == CDX_OK && i < seen.n; i++) {
		struct index_dset one = {NULL, 0, 0};

		if (index_dset_of_plist(&one, &m->terms[seen.v[i]].l) ||
		    index_dset_or(out, &one))
			rc = index_nomem(m->err);
		index_dset_release(&one);
	}
	index_dset_release(&seen);
	return rc;
}

/* Keep in @p st (per doc: the positions where the phrase could start)
 * only the starts that word @p i of the phrase, with positions @p l
 * (the same docs or more), confirms; docs left without one go. */
static void keep_starts(struct index_plist *st, const struct index_plist *l,
                        uint32_t i)
{
	size_t j = 0, k = 0, npos = 0;

	for (size_t d = 0; d < st->n; d++) {
		struct index_posting e = st->v[d];
		const uint32_t *s = st->pos + e.off, *p;
		uint32_t *to;
		size_t a = 0, b = 0, n = 0, na, nb;

		while (j < l->n && l->v[j].doc < e.doc)
			j++;
		if (j == l->n || l->v[j].doc != e.doc)
			continue;
		p = l->pos + l->v[j].off;
		na = e.tf;
		nb = l->v[j].tf;
		to = st->pos + npos;
		/* both ascending: a merge, without branches to mispredict
		 * (the slot written is never past the start being read, so
		 * writing it when the start does not stay loses nothing);
		 * the bounds in locals, which the stores cannot change */
		while (a < na && b < nb) {
			uint64_t want = (uint64_t)s[a] + i, at = p[b];
			uint32_t x = s[a];

			to[n] = x;
			n += at == want;
			a += at >= want;
			b += at <= want;
		}
		if (n == 0)
			continue;
		e.off = (uint32_t)npos;
		e.tf = (uint32_t)n;
		st->v[k++] = e;
		npos += n;
	}
	st->n = k;
	st->npos = npos;
}

/* A phrase: its words' document lists (the scoring lists, read anyway
 * and without positions) are intersected first; then, rarest word
 * first, positions are read only for the documents still in the
 * running, which drop out as soon as a word fails them. A stopword's
 * positions are most of a common phrase's bytes, and most of its
 * documents never get that far. */
static int eval_phrase(struct index_match *m, const struct index_qnode *q,
                       int positive, struct index_dset *out)
{
	struct index_sterm *one_t, **t;
	struct index_plist st = {0}, l = {0};
	struct index_dset cand = {NULL, 0, 0};
	size_t *order, k = q->n_kids, i;
	const struct index_qnode *w;
	int rc = CDX_OK;

	t = calloc(k, sizeof *t);
	order = calloc(k, sizeof *order);
	if (t == NULL || order == NULL) {
		rc = index_nomem(m->err);
		goto cleanup;
	}
	/* slots first, pointers after: reading a term may move them */
	for (w = q->kids, i = 0; w && rc == CDX_OK; w = w->next, i++) {
		rc = get_term(m, w->term, w->len, positive, 1, &one_t);
		order[i] = (size_t)(one_t - m->terms);
	}
	if (rc != CDX_OK)
		goto cleanup;
	for (i = 0; i < k; i++)
		t[i] = &m->terms[order[i]];
	/* rarest first (insertion sort: a phrase has a few words) */
	for (i = 0; i < k; i++) {
		size_t j = i;

		while (j > 0 && t[order[j - 1]]->l.n > t[i]->l.n) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	if (index_dset_of_plist(&cand, &t[order[0]]->l))
		rc = index_nomem(m->err);
	for (i = 1; i < k && rc == CDX_OK; i++)
		index_dset_and_plist(&cand, &t[order[i]]->l);
	for (i = 0; i < k && rc == CDX_OK && cand.n > 0; i++) {
		size_t wi = order[i];
		struct index_plist *into = i ? &l : &st;

		index_plist_clear(into);
		rc = read_positions(m, t[wi], cand.v, cand.n, into);
		if (rc != CDX_OK)
			break;
		if (i == 0) {
			/* starts: the rarest word's positions less its place,
			 * those too early to be one dropped */
			size_t kk = 0, npos = 0;

			for (size_t d = 0; d < st.n; d++) {
				struct index_posting e = st.v[d];
				size_t n = 0;

				for (uint32_t a = 0; a < e.tf; a++)
					if (st.pos[e.off + a] >= wi)
						st.pos[npos + n++] =
						    st.pos[e.off + a] -
						    (uint32_t)wi;
				if (n == 0)
					continue;
				e.off = (uint32_t)npos;
				e.tf = (uint32_t)n;
				st.v[kk++] = e;
				npos += n;
			}
			st.n = kk;
			st.npos = npos;
		} else {
			keep_starts(&st, &l, (uint32_t)wi);
		}
		/* the next word reads only the docs still in the running */
		cand.n = 0;
		for (size_t d = 0; d < st.n; d++)
			cand.v[cand.n++] = st.v[d].doc;
	}
	for (i = 0; rc == CDX_OK && cand.n > 0 && i < st.n; i++)
		if (index_dset_add(out, st.v[i].doc))
			rc = index_nomem(m->err);
cleanup:
	index_plist_release(&st);
	index_plist_release(&l);
	index_dset_release(&cand);
	free(t);
	free(order);
	return rc;
}

/* ------------------------------------------------------------ filters */

int index_match_all(struct index_match *m, struct index_dset *out)
{
	struct index_dlen_reader r = {m->ix, m->txn, 0, NULL, 0};

	out->n = 0;
	for (uint64_t d = 1; d < m->meta.next_doc; d++)
		if (index_dlen_get(&r, d) != 0 && index_dset_add(out, d))
			return index_nomem(m->err);
	return CDX_OK;
}

static int ci_contains(const char *s, size_t n, const char *p, size_t pn)
{
	for (size_t i = 0; i + pn <= n; i++) {
		size_t j = 0;

		while (j < pn && ((s[i + j] | 0x20) == (p[j] | 0x20) ||
		                  s[i + j] == p[j]))
			j++;
		if (j == pn)
			return 1;
	}
	return pn == 0;
}

struct title_ctx {
	const struct index_qnode *f;
	char (*want)[INDEX_TERM_MAX + 1];
	size_t *want_len;
	size_t n_want;
	unsigned long long seen; /* bit i: want[i] found */
};

static int on_want(void *ctx, const char *t, size_t n, uint32_t a, uint32_t z)
{
	struct title_ctx *c = ctx;

	(void)a;
	(void)z;
	if (c->n_want == 64)
		return 0;
	memcpy(c->want[c->n_want], t, n);
	c->want_len[c->n_want++] = n;
	return 0;
}

static int on_title(void *ctx, const char *t, size_t n, uint32_t a, uint32_t z)
{
	struct title_ctx *c = ctx;

	(void)a;
	(void)z;
	for (size_t i = 0; i < c->n_want; i++)
		if (c->want_len[i] == n && memcmp(c->want[i], t, n) == 0)
			c->seen |= 1ull << i;
	return 0;
}

/* Do the title's terms include every term of the filter's value? */
static int title_has(struct index_match *m, const struct index_qnode *f,
                     const struct index_docrec *r, int *ok)
{
	char want[64][INDEX_TERM_MAX + 1];
	size_t want_len[64];
	struct title_ctx c = {f, want, want_len, 0, 0};
	struct index_text t;
	int rc;

	*ok = 1;
	index_terms(f->str, f->str_len, m->stemmer, on_want, &c);
	if (c.n_want == 0)
		return CDX_OK;
	*ok = 0;
	if (!r->has_title)
		return CDX_OK;
	/* the title is in the text stream */
	rc = index_doc_title(m->ix, m->txn, r, &t, m->err);
	if (rc != CDX_OK)
		return rc;
	index_terms(t.p, t.len, m->stemmer, on_title, &c);
	index_text_release(&t);
	*ok = c.seen == (c.n_want == 64 ? ~0ull : (1ull << c.n_want) - 1);
	return CDX_OK;
}

struct and_filters {
	const struct index_qnode *doc[16]; /* source:, title: */
	size_t n_doc;
	struct index_claim_pred pred;
	int has_pred;
};

static void add_filter(struct index_match *m, struct and_filters *af,
                       const struct index_qnode *f)
{
	struct index_claim_pred *p = &af->pred;
	const char *name = f->str;

	switch (f->field) {
	case QF_SOURCE:
	case QF_TITLE:
		if (af->n_doc < 16)
			af->doc[af->n_doc++] = f;
		return;
	case QF_ENTITY:
	case QF_COMMODITY:
		if (m->resolve)
			name = m->resolve(m->resolve_ctx, f->str);
		if (name == NULL)
			name = f->str;
		if (f->field == QF_ENTITY)
			p->entity_len = index_entity_key(name, strlen(name),
			                                 p->entity);
		else
			p->commodity_len = index_entity_key(name, strlen(name),
			                                    p->commodity);
		break;
	case QF_KIND:
		p->kind = f->kind;
		break;
	case QF_VALUE:
		p->has_range = 1;
		p->range = f->range;
		break;
	case QF_YEAR:
		p->year = f->year;
		break;
	default:
		return;
	}
	af->has_pred = 1;
}

/* Keep the documents of @p s that pass the filters. */
static int apply_filters(struct index_match *m, const struct and_filters *af,
                         struct index_dset *s)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n; i++) {
		struct index_docrec r;
		int ok = 1, rc;

		rc = index_doc_read(m->ix, m->txn, s->v[i], &r, m->err);
		if (rc == CDX_ERR_NOTFOUND)
			continue; /* replaced, its postings not yet merged */
		if (rc != CDX_OK)
			return rc;
		for (size_t j = 0; j < af->n_doc && ok; j++) {
			const struct index_qnode *f = af->doc[j];

			if (f->field == QF_SOURCE) {
				ok = ci_contains(r.source, r.source_len, f->str,
				                 f->str_len);
				continue;
			}
			rc = title_has(m, f, &r, &ok);
			if (rc != CDX_OK)
				return rc;
		}
		if (ok && af->has_pred) {
			rc = index_doc_has_claim(m->ix, m->txn, &af->pred,
			                         s->v[i], &r, &m->strs, &ok,
			                         m->err);
			if (rc != CDX_OK)
				return rc;
		}
		if (ok)
			s->v[k++] = s->v[i];
	}
	s->n = k;
	return CDX_OK;
}

/* ------------------------------------------------------------ tree */

/* out := out ∩ the docs of the words @p ix (indices into m->terms),
 * the shortest list first (*have: out holds a set already). */
static int and_words(struct index_match *m, const size_t *ix, size_t n,
                     int *have, struct index_dset *out)
{
	size_t best = 0;

	for (size_t i = 1; i < n; i++)
		if (m->terms[ix[i]].l.n < m->terms[ix[best]].l.n)
			best = i;
	if (n == 0)
		return CDX_OK;
	if (!*have && index_dset_of_plist(out, &m->terms[ix[best]].l))
		return index_nomem(m->err);
	if (*have)
		index_dset_and_plist(out, &m->terms[ix[best]].l);
	*have = 1;
	for (size_t i = 0; i < n && out->n > 0; i++)
		if (i != best)
			index_dset_and_plist(out, &m->terms[ix[i]].l);
	return CDX_OK;
}

static int eval_and(struct index_match *m, const struct index_qnode *q,
                    int positive, struct index_dset *out)
{
	struct and_filters af;
	const struct index_qnode *k;
	size_t *words = NULL, n_words = 0;
	int have = 0, rc = CDX_OK;

	memset(&af, 0, sizeof af);
	index_claim_pred_init(&af.pred);
	/* the words' lists are intersected where they are, rarest first
	 * (and_words), not each copied into a set and merged */
	words = malloc((q->n_kids ? q->n_kids : 1) * sizeof *words);
	if (words == NULL)
		return index_nomem(m->err);
	for (k = q->kids; k && rc == CDX_OK; k = k->next) {
		struct index_dset one = {NULL, 0, 0};

		if (k->type == Q_FILTER) {
			add_filter(m, &af, k);
			continue;
		}
		if (k->type == Q_NOT)
			continue;
		if (k->type == Q_TERM && n_words < q->n_kids) {
			struct index_sterm *t;

			rc = get_term(m, k->term, k->len, positive, 0, &t);
			if (rc == CDX_OK)
				words[n_words++] = (size_t)(t - m->terms);
			continue;
		}
		rc = index_match_eval(m, k, positive, &one);
		if (rc == CDX_OK && !have) {
			*out = one;
			one.v = NULL;
			have = 1;
		} else if (rc == CDX_OK) {
			index_dset_and(out, &one);
		}
		index_dset_release(&one);
	}
	if (rc == CDX_OK)
		rc = and_words(m, words, n_words, &have, out);
	free(words);
	if (rc == CDX_OK && !have)
		rc = index_match_all(m, out);
	if (rc == CDX_OK && (af.n_doc || af.has_pred))
		rc = apply_filters(m, &af, out);
	for (k = q->kids; k && rc == CDX_OK && out->n; k = k->next) {
		struct index_dset one = {NULL, 0, 0};

		if (k->type != Q_NOT)
			continue;
		rc = index_match_eval(m, k->kids, !positive, &one);
		if (rc == CDX_OK)
			index_dset_minus(out, &one);
		index_dset_release(&one);
	}
	return rc;
}

int index_match_eval(struct index_match *m, const struct index_qnode *q,
                     int positive, struct index_dset *out)
{
	struct index_qnode and;
	int rc = CDX_OK;

	out->n = 0;
	switch (q->type) {
	case Q_TERM:
		return eval_term(m, q, positive, out);
	case Q_PREFIX:
		return eval_prefix(m, q, positive, out);
	case Q_PHRASE:
		return eval_phrase(m, q, positive, out);
	case Q_AND:
		return eval_and(m, q, positive, out);
	case Q_NOT:
	case Q_FILTER:
		/* alone: an AND of one */
		memset(&and, 0, sizeof and);
		and.type = Q_AND;
		and.kids = (struct index_qnode *)q;
		and.n_kids = 1;
		if (q->next) {
			/* kids are a sibling list: evaluate a copy alone */
			struct index_qnode one = *q;

			one.next = NULL;
			and.kids = &one;
			return eval_and(m, &and, positive, out);
		}
		return eval_and(m, &and, positive, out);
	case Q_OR:
		for (const struct index_qnode *k = q->kids; k && rc == CDX_OK;
		     k = k->next) {
			struct index_dset one = {NULL, 0, 0};

			rc = index_match_eval(m, k, positive, &one);
			if (rc == CDX_OK && index_dset_or(out, &one))
				rc = index_nomem(m->err);
			index_dset_release(&one);
		}
		return rc;
	}
	return CDX_OK;
}

int index_match_terms(struct index_match *m, const struct index_qnode *q)
{
	struct index_sterm *t;

	if (q->type == Q_PREFIX)
		return eval_prefix(m, q, 1, NULL);
	if (q->type == Q_TERM)
		return get_term(m, q->term, q->len, 1, 0, &t);
	return CDX_OK;
}

void index_match_release(struct index_match *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n_terms; i++) {
		index_plist_release(&m->terms[i].l);
		for (size_t j = 0; j < m->terms[i].n_kept; j++)
			index_segr_release(&m->terms[i].kept[j]);
		free(m->terms[i].kept);
	}
	free(m->terms);
	free(m->segs);
	index_strcache_free(m->strs);
	m->terms = NULL;
	m->segs = NULL;
	m->strs = NULL;
	m->n_terms = m->cap_terms = 0;
}
