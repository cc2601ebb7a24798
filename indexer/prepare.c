/*
 * prepare.c — a document made ready for the writer, in any thread: its
 * text, metadata and claims copied into one block (the copy the writer
 * keeps until its batch commits, to replay it when the map must grow),
 * its content hash, and its terms — tokenized, folded, stemmed and
 * gathered per term with term frequency, word positions and the hash the
 * batch's term map is keyed by.
 *
 * The one idea: everything that depends only on the document is done
 * here, so that the writer, which runs on one thread, only merges terms
 * into the batch and writes LMDB. An ingest runs one preparer per worker
 * thread (each with its own stemmer and stem cache), and the writer's
 * work per document drops to hash-map merges.
 *
 * Positions are gathered in two passes rather than linked per term: the
 * first pass records each token's term number, the second scatters token
 * numbers into one array where every term's positions are contiguous.
 * The per-document term map uses a generation number per slot, so a new
 * document empties it without clearing memory sized by the largest one.
 */
#include <stdlib.h>

#include "index_int.h"

/* A term of the document being prepared; its bytes at strs + off. */
struct pt {
	uint64_t hash;
	uint32_t off, len, tf;
};

struct pslot {
	uint32_t gen;  /* the slot is used when gen == the preparer's gen */
	uint32_t idx;  /* into t */
	uint64_t hash;
};

struct cdx_index_prep {
	void *stemmer;        /* index_stemmer_new(), with its stem cache */
	struct pslot *slots;  /* open addressing, cap a power of two */
	size_t cap;
	uint32_t gen;
	struct pt *t;         /* this document's distinct terms */
	size_t n, cap_t;
	char *strs;           /* their bytes */
	size_t strs_len, cap_strs;
	uint32_t *tok;        /* per token: its term's index in t */
	size_t n_tok, cap_tok;
};

int cdx_index_prep_new(struct cdx_index_prep **out, struct cdx_error *err)
{
	struct cdx_index_prep *p = calloc(1, sizeof *p);

	*out = NULL;
	if (p == NULL)
		return index_nomem(err);
	p->stemmer = index_stemmer_new();
	if (p->stemmer == NULL) {
		free(p);
		return index_nomem(err);
	}
	*out = p;
	return CDX_OK;
}

void cdx_index_prep_free(struct cdx_index_prep *p)
{
	if (p == NULL)
		return;
	index_stemmer_free(p->stemmer);
	free(p->slots);
	free(p->t);
	free(p->strs);
	free(p->tok);
	free(p);
}

/* ------------------------------------------------------------ terms */

/* Double the slot table and re-insert this document's terms (slots of
 * older generations are simply dropped). */
static int slots_grow(struct cdx_index_prep *p)
{
	size_t ncap = p->cap ? p->cap * 2 : 1024;
	struct pslot *ns = calloc(ncap, sizeof *ns);

	if (ns == NULL)
		return CDX_ERR_NOMEM;
	for (size_t i = 0; i < p->n; i++) {
		size_t j;

		for (j = p->t[i].hash & (ncap - 1); ns[j].gen == p->gen;
		     j = (j + 1) & (ncap - 1))
			;
		ns[j] = (struct pslot){p->gen, (uint32_t)i, p->t[i].hash};
	}
	free(p->slots);
	p->slots = ns;
	p->cap = ncap;
	return CDX_OK;
}

/* The index in p->t of @p term, added when new; -1 when out of memory. */
static int64_t term_index(struct cdx_index_prep *p, const char *term,
                          size_t n)
{
	uint64_t h = index_mem_hash(term, n);
	size_t mask, j;

	if ((p->n + 1) * 2 > p->cap && slots_grow(p) != CDX_OK)
		return -1;
	mask = p->cap - 1;
	for (j = h & mask; p->slots[j].gen == p->gen; j = (j + 1) & mask) {
		const struct pt *t = &p->t[p->slots[j].idx];

		if (p->slots[j].hash == h && t->len == n &&
		    memcmp(p->strs + t->off, term, n) == 0)
			return p->slots[j].idx;
	}
	if (index_array_grow((void **)&p->t, &p->cap_t, p->n + 1, sizeof *p->t) ||
	    index_array_grow((void **)&p->strs, &p->cap_strs, p->strs_len + n,
	            1))
		return -1;
	memcpy(p->strs + p->strs_len, term, n);
	p->t[p->n] = (struct pt){h, (uint32_t)p->strs_len, (uint32_t)n, 0};
	p->strs_len += n;
	p->slots[j] = (struct pslot){p->gen, (uint32_t)p->n, h};
	return (int64_t)p->n++;
}

static int on_term(void *ctx, const char *term, size_t n, uint32_t start,
                   uint32_t end)
{
	struct cdx_index_prep *p = ctx;
	int64_t idx;

	(void)start;
	(void)end;
	idx = term_index(p, term, n);
	if (idx < 0 || index_array_grow((void **)&p->tok, &p->cap_tok, p->n_tok + 1,
	                       sizeof *p->tok) != CDX_OK)
		return CDX_ERR_NOMEM;
	p->tok[p->n_tok++] = (uint32_t)idx;
	p->t[idx].tf++;
	return 0;
}

static void prep_reset(struct cdx_index_prep *p)
{
	p->n = p->n_tok = p->strs_len = 0;
	if (++p->gen == 0) {
		/* after 2^32 documents: the old generations must go */
		if (p->slots)
			memset(p->slots, 0, p->cap * sizeof *p->slots);
		p->gen = 1;
	}
}

void index_doc_drop_terms(struct cdx_index_doc *d)
{
	free(d->tblock);
	d->tblock = NULL;
	d->terms = NULL;
	d->pos = NULL;
	d->n_terms = 0;
	d->has_terms = 0;
}

int index_doc_terms(struct cdx_index_prep *p, struct cdx_index_doc *d)
{
	struct index_pterm *terms;
	uint32_t *pos, at = 0;
	char *strs;
	size_t size;

	index_doc_drop_terms(d);
	prep_reset(p);
	if (d->len > 0 &&
	    index_terms(d->text, d->len, p->stemmer, on_term, p) != 0)
		return CDX_ERR_NOMEM;
	size = p->n * sizeof *terms + p->n_tok * sizeof *pos + p->strs_len;
	d->tblock = malloc(size ? size : 1);
	if (d->tblock == NULL)
		return CDX_ERR_NOMEM;
	terms = d->tblock;
	pos = (uint32_t *)(terms + p->n);
	strs = (char *)(pos + p->n_tok);
	if (p->strs_len)
		memcpy(strs, p->strs, p->strs_len);
	/* pass 1: where each term's positions start; pos is a cursor */
	for (size_t i = 0; i < p->n; i++) {
		const struct pt *t = &p->t[i];

		terms[i] = (struct index_pterm){t->hash, strs + t->off, t->len,
		                                t->tf, at};
		at += t->tf;
	}
	/* pass 2: token numbers, in order, to their term's run */
	for (size_t i = 0; i < p->n_tok; i++)
		pos[terms[p->tok[i]].pos++] = (uint32_t)i;
	for (size_t i = 0; i < p->n; i++)
		terms[i].pos -= terms[i].tf;
	d->terms = terms;
	d->n_terms = p->n;
	d->pos = pos;
	d->n_tokens = (uint32_t)p->n_tok;
	d->has_terms = 1;
	return CDX_OK;
}

/* ------------------------------------------------------------ copy */

static int claim_cmp(const void *pa, const void *pb)
{
	const struct cdx_claim *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return (a->end > b->end) - (a->end < b->end);
}

static size_t opt_len(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

static const char *opt_copy(char **p, const char *s)
{
	char *d = *p;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	memcpy(d, s, n);
	*p += n;
	return d;
}

/* Copy a document and its claims (sorted by span) into one block. */
static int doc_copy(struct cdx_index_doc *e, const struct cdx_doc *doc,
                    const struct cdx_claims *claims)
{
	size_t nc = claims ? claims->n : 0;
	size_t size = nc * sizeof(struct cdx_claim) + opt_len(doc->source) +
	              opt_len(doc->title) + opt_len(doc->date) + doc->len + 1;
	char *p;

	for (size_t i = 0; i < nc; i++) {
		const struct cdx_claim *c = &claims->v[i];

		size += opt_len(c->subject) + opt_len(c->commodity) +
		        opt_len(c->metric);
		for (unsigned j = 0; j < c->n_parties &&
		                     j < CDX_CLAIM_PARTIES_MAX; j++)
			size += opt_len(c->parties[j]);
	}
	e->block = malloc(size);
	if (e->block == NULL)
		return CDX_ERR_NOMEM;
	e->claims = e->block;
	e->n_claims = nc;
	p = (char *)e->block + nc * sizeof(struct cdx_claim);
	for (size_t i = 0; i < nc; i++) {
		struct cdx_claim *c = &e->claims[i];

		*c = claims->v[i];
		if (c->n_parties > CDX_CLAIM_PARTIES_MAX)
			c->n_parties = CDX_CLAIM_PARTIES_MAX;
		c->subject = opt_copy(&p, c->subject);
		c->commodity = opt_copy(&p, c->commodity);
		c->metric = opt_copy(&p, c->metric);
		for (unsigned j = 0; j < c->n_parties; j++)
			c->parties[j] = opt_copy(&p, c->parties[j]);
	}
	if (nc > 1) /* claims is NULL for a document without any */
		qsort(e->claims, nc, sizeof *e->claims, claim_cmp);
	e->source = opt_copy(&p, doc->source);
	e->title = opt_copy(&p, doc->title);
	e->date = opt_copy(&p, doc->date);
	if (doc->len)
		memcpy(p, doc->text, doc->len);
	p[doc->len] = '\0';
	e->text = p;
	e->len = doc->len;
	e->format = (uint8_t)doc->format;
	e->weight = size;
	return CDX_OK;
}

static int check_spans(const struct cdx_doc *doc,
                       const struct cdx_claims *claims,
                       struct cdx_error *err)
{
	for (size_t i = 0; claims && i < claims->n; i++) {
		const struct cdx_claim *c = &claims->v[i];

		if (c->start > c->end || c->end > doc->len ||
		    c->sent_start > c->sent_end || c->sent_end > doc->len ||
		    (unsigned)c->kind >= CDX_KIND_COUNT_)
			return cdx_error_set(err, CDX_ERR_FAIL,
			                     "claim at [%u, %u) does not fit "
			                     "'%s' (%zu bytes)", c->start,
			                     c->end, doc->source, doc->len);
	}
	return CDX_OK;
}

int cdx_index_doc_prepare(struct cdx_index_prep *p,
                          const struct cdx_doc *doc,
                          const struct cdx_claims *claims,
                          struct cdx_index_doc **out, struct cdx_error *err)
{
	struct cdx_index_doc *d;
	int rc;

	*out = NULL;
	rc = check_spans(doc, claims, err);
	if (rc != CDX_OK)
		return rc;
	d = calloc(1, sizeof *d);
	if (d == NULL)
		return index_nomem(err);
	if (doc_copy(d, doc, claims) != CDX_OK ||
	    index_doc_terms(p, d) != CDX_OK) {
		cdx_index_doc_free(d);
		return index_nomem(err);
	}
	d->hash = index_hash64(d->text, d->len);
	*out = d;
	return CDX_OK;
}

size_t cdx_index_doc_weight(const struct cdx_index_doc *d)
{
	if (d == NULL)
		return 0;
	return d->weight + d->n_terms * sizeof *d->terms +
	       (size_t)d->n_tokens * sizeof *d->pos;
}

void cdx_index_doc_free(struct cdx_index_doc *d)
{
	if (d == NULL)
		return;
	free(d->tblock);
	free(d->block);
	free(d);
}
