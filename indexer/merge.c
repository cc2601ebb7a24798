/*
 * merge.c — merging segments into one: for every term, its entries in
 * the inputs (in segment order, which is document order) are decoded
 * into one list, the documents deleted since are dropped, and the list
 * is encoded again as the term's entry in the new segment (segment.c
 * reads and writes the term streams). Commits merge as segments of one
 * size pile up (index_segs_maintain), a handle that wrote much merges
 * all at close (index_segs_merge_all), a delete rewrites one segment
 * (index_seg_purge). A term found in one input whose segment lost no
 * document is not decoded at all: only its first document is stored
 * against the segment's base, so rewriting that one number makes it an
 * entry of the merged segment (index_entry_rebase).
 *
 * Reading the inputs and storing the output go through the write
 * transaction and stay in the calling thread; decoding and encoding,
 * most of a merge's work, do not need it. So terms are taken a chunk at
 * a time, their input entries copied out of the pieces they lie in, and
 * the chunk is encoded in two parts (encode.c), the second by a helper
 * thread when the handle may use more than one (cdx_index_set_threads).
 * At the close of a large ingest this merge runs alone: with two
 * threads it takes about half the time.
 */
#include <assert.h>
#include <stdlib.h>

#include "index_int.h"

/* A chunk holds this many bytes of input entries, about. The first
 * holds CHUNK_FIRST, and each next one twice the one before up to
 * CHUNK_BYTES: the helper thread waits while this one gathers a chunk,
 * and at the start of a merge there is no other to encode meanwhile. */
#define CHUNK_BYTES ((size_t)1 << 20)
#define CHUNK_FIRST ((size_t)64 << 10)

/* An input entry of a chunk's term, copied into the chunk. */
struct ment {
	size_t off, len;  /* in the chunk's bytes */
	uint64_t base;    /* its segment's first doc */
	uint32_t seg;     /* its segment, for messages */
	int clean;        /* no document of its segment is deleted */
};

/* A term of a chunk: its text and its entries. */
struct mterm {
	size_t off;       /* the term in the chunk's bytes */
	uint32_t len;
	size_t ent, n_ent; /* ents[ent, ent + n_ent) */
	size_t weight;    /* bytes of its entries */
};

/* A part's scratch (encode.c runs two at once): its list, and the
 * segment it found damaged or -1. */
struct mpart {
	_Alignas(64) struct index_plist l;
	int64_t bad;
};

struct merge {
	struct cdx_index *ix;
	MDB_txn *txn;
	struct index_segr *in;
	int *clean;          /* no deleted document in in[i]'s range */
	int *live;           /* in[i] holds an entry not yet merged */
	int *has;            /* in[i] holds the term being gathered */
	size_t n_in;
	uint64_t *dead;      /* deleted docs of the range, ascending */
	size_t n_dead, cap_dead;
	uint64_t first;      /* the merged segment's first doc */
	/* the chunk */
	struct cdx_buf bytes;
	struct mterm *terms;
	size_t n_terms, cap_terms;
	struct ment *ents;
	size_t n_ents, cap_ents;
	/* each part's scratch, on cache lines of its own */
	struct mpart part[2];
};

static int load_dead(struct merge *g, uint64_t first, uint64_t last,
                     struct cdx_error *err)
{
	uint8_t kb[8];
	MDB_cursor *cur = NULL;
	MDB_val k = index_val(kb, 8), v;
	int rc;

	index_put_be64(kb, first);
	rc = mdb_cursor_open(g->txn, g->ix->dbi[DB_DELETED], &cur);
	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		uint64_t id = k.mv_size == 8 ? index_get_be64(k.mv_data) : 0;
		uint64_t *nv;

		if (id > last)
			break;
		if (g->n_dead == g->cap_dead) {
			g->cap_dead = g->cap_dead ? g->cap_dead * 2 : 64;
			nv = realloc(g->dead, g->cap_dead * sizeof *nv);
			if (nv == NULL) {
				mdb_cursor_close(cur);
				return index_nomem(err);
			}
			g->dead = nv;
		}
		g->dead[g->n_dead++] = id;
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return index_mdb_error(g->ix, rc, "read", err);
	return CDX_OK;
}

static int advance(struct merge *g, size_t i, struct cdx_error *err)
{
	int rc = index_segr_next(&g->in[i], err);

	g->live[i] = rc == CDX_OK;
	return rc == CDX_ERR_ITEROVER ? CDX_OK : rc;
}

/* Copy the next terms of the inputs with their entries into the chunk,
 * until it holds @p limit bytes or the inputs end (then it is empty). */
static int gather(struct merge *g, size_t limit, struct cdx_error *err)
{
	int rc = CDX_OK;

	cdx_buf_clear(&g->bytes);
	g->n_terms = g->n_ents = 0;
	while (rc == CDX_OK && g->bytes.len < limit) {
		const struct index_segr *min = NULL;
		char term[INDEX_TERM_MAX];
		struct mterm *t;
		size_t tn;

		/* the smallest term, and which inputs hold it (has[i]) */
		for (size_t i = 0; i < g->n_in; i++) {
			int c;

			g->has[i] = 0;
			if (!g->live[i])
				continue;
			c = min == NULL ? -1 :
			    index_term_cmp(g->in[i].term, g->in[i].term_len,
			                   min->term, min->term_len);
			if (c < 0) {
				for (size_t j = 0; j < i; j++)
					g->has[j] = 0;
				min = &g->in[i];
			}
			g->has[i] = c <= 0;
		}
		if (min == NULL)
			break;
		tn = min->term_len;
		memcpy(term, min->term, tn);
		if (index_array_grow((void **)&g->terms, &g->cap_terms,
		                     g->n_terms + 1, sizeof *g->terms) != CDX_OK)
			return index_nomem(err);
		t = &g->terms[g->n_terms++];
		t->off = g->bytes.len;
		t->len = (uint32_t)tn;
		t->ent = g->n_ents;
		t->n_ent = 0;
		t->weight = 0;
		if (cdx_buf_add(&g->bytes, term, tn) != CDX_OK)
			return index_nomem(err);
		for (size_t i = 0; i < g->n_in && rc == CDX_OK; i++) {
			struct index_segr *r = &g->in[i];
			struct ment *e;

			if (!g->has[i])
				continue;
			if (index_array_grow((void **)&g->ents, &g->cap_ents,
			                     g->n_ents + 1,
			                     sizeof *g->ents) != CDX_OK)
				return index_nomem(err);
			e = &g->ents[g->n_ents++];
			e->off = g->bytes.len;
			e->len = r->entry_len;
			e->base = r->seg.first;
			e->seg = r->seg.id;
			e->clean = g->clean[i];
			if (cdx_buf_add(&g->bytes, r->entry, r->entry_len) != CDX_OK)
				return index_nomem(err);
			t->n_ent++;
			t->weight += r->entry_len;
			rc = advance(g, i, err);
		}
	}
	return rc;
}

/*
 * The entry @p p[0, n) of a segment whose first doc is @p base, encoded
 * against @p to (at most base) instead, appended to @p b: what decoding
 * and encoding it again gives, without either. Every other number of
 * an entry is relative to the one before it; only the first document
 * is stored against the base, as the first varint after the header —
 * shifted left by one with the "tf is 1" bit when the doc part is
 * varints and not every tf is 1 (postings.c). So that varint alone is
 * rewritten and the rest copied.
 * @return 0, CORRUPT (a header or first varint that does not parse) or
 * NOMEM.
 */
int index_entry_rebase(const uint8_t *p, size_t n, uint64_t base,
                       uint64_t to, struct cdx_buf *b)
{
	const uint8_t *at = p, *end = p + n, *rest;
	uint64_t h, v, add = base - to;
	uint8_t tmp[10];

	assert(to <= base);
	if (index_varint_get(&at, end, &h) != CDX_OK)
		return CDX_ERR_CORRUPT;
	rest = at;
	if (index_varint_get(&rest, end, &v) != CDX_OK)
		return CDX_ERR_CORRUPT;
	/* varint docs, tf bits beside: the delta is shifted */
	if (!(h >> 1 & 1) && !(h & 1)) {
		if (add > (UINT64_MAX >> 1) - (v >> 1))
			return CDX_ERR_CORRUPT;
		v += add << 1;
	} else {
		if (add > UINT64_MAX - v)
			return CDX_ERR_CORRUPT;
		v += add;
	}
	if (cdx_buf_add(b, p, (size_t)(at - p)) != CDX_OK ||
	    cdx_buf_add(b, tmp, index_varint_put(tmp, v)) != CDX_OK ||
	    cdx_buf_add(b, rest, (size_t)(end - rest)) != CDX_OK)
		return CDX_ERR_NOMEM;
	return CDX_OK;
}

/* Encode chunk term @p i: its entries decoded in turn (segment order is
 * document order), deleted documents dropped, the list encoded. A term
 * of one input whose segment lost no document is only rebased: many
 * terms (names, numbers, rare words) are in one batch only. */
static int merge_one(void *ctx, unsigned part, size_t i, struct cdx_buf *b)
{
	struct merge *g = ctx;
	const struct mterm *t = &g->terms[i];
	struct index_plist *l = &g->part[part].l;
	size_t d = 0;

	if (t->n_ent == 1 && g->ents[t->ent].clean) {
		const struct ment *e = &g->ents[t->ent];
		int rc = index_entry_rebase((const uint8_t *)g->bytes.ptr +
		                            e->off, e->len, e->base, g->first,
		                            b);

		if (rc == CDX_ERR_CORRUPT)
			g->part[part].bad = e->seg;
		return rc;
	}
	index_plist_clear(l);
	for (size_t k = t->ent; k < t->ent + t->n_ent; k++) {
		const struct ment *e = &g->ents[k];
		int rc = index_plist_decode((const uint8_t *)g->bytes.ptr +
		                            e->off, e->len, e->base, 1, l);

		if (rc == CDX_ERR_CORRUPT)
			g->part[part].bad = e->seg;
		if (rc != CDX_OK)
			return rc;
	}
	/* both ascend: one walk marks the deleted */
	for (size_t j = 0; j < l->n && d < g->n_dead; j++) {
		while (d < g->n_dead && g->dead[d] < l->v[j].doc)
			d++;
		if (d < g->n_dead && g->dead[d] == l->v[j].doc)
			l->v[j].tf = 0;
	}
	return index_plist_encode(l, g->first, b);
}

/* Store chunk terms [from, to) from @p run. */
static int store(struct merge *g, struct index_segw *w,
                 const struct index_encrun *run, size_t from, size_t to,
                 struct cdx_error *err)
{
	int rc = CDX_OK;

	for (size_t i = from; i < to && rc == CDX_OK; i++) {
		const struct mterm *t = &g->terms[i];
		size_t len;
		const uint8_t *e = index_encrun_entry(run, i, &len);

		if (len > 0)
			rc = index_segw_add(w, g->bytes.ptr + t->off, t->len, e,
			                    len, err);
	}
	return rc;
}

/* The error of a chunk's encoding: a damaged input names its segment. */
static int run_error(struct merge *g, int rc, struct cdx_error *err)
{
	for (unsigned p = 0; p < 2; p++)
		if (g->part[p].bad >= 0)
			return index_seg_damaged(g->ix, (uint32_t)g->part[p].bad,
			                         err);
	return rc == CDX_ERR_CORRUPT ? cdx_error_set(err, rc, "index '%s': "
	                                             "postings are damaged",
	                                             g->ix->path) :
	                               index_nomem(err);
}

/* Merge every term of the inputs into @p w, a chunk at a time. */
static int merge_terms(struct merge *g, struct index_segw *w,
                       struct cdx_error *err)
{
	struct index_encrun run;
	size_t limit = CHUNK_FIRST;
	int rc = CDX_OK;

	index_encrun_init(&run);
	for (size_t i = 0; i < g->n_in && rc == CDX_OK; i++)
		rc = advance(g, i, err);
	while (rc == CDX_OK) {
		size_t sum = 0, part = 0, mid;
		int erc, frc;

		rc = gather(g, limit, err);
		if (limit < CHUNK_BYTES)
			limit *= 2;
		if (rc != CDX_OK || g->n_terms == 0)
			break;
		for (size_t i = 0; i < g->n_terms; i++)
			sum += g->terms[i].weight;
		/* this thread also gathers and stores, a fifth of the work:
		 * it encodes less, about 2/5 */
		for (mid = 0; mid < g->n_terms; mid++) {
			part += g->terms[mid].weight;
			if (part * 5 > sum * 2)
				break;
		}
		g->part[0].bad = g->part[1].bad = -1;
		erc = index_encrun_start(&run, g->n_terms, mid, g->ix->threads,
		                         merge_one, g);
		if (erc == CDX_OK)
			rc = store(g, w, &run, 0, mid, err);
		frc = index_encrun_finish(&run);
		if (erc != CDX_OK || frc != CDX_OK)
			rc = run_error(g, erc != CDX_OK ? erc : frc, err);
		else if (rc == CDX_OK)
			rc = store(g, w, &run, mid, g->n_terms, err);
	}
	index_encrun_release(&run);
	return rc;
}

/* Merge segs[0, n) into one new segment and drop them. */
static int merge(struct cdx_index *ix, MDB_txn *txn, struct index_meta *m,
                 const struct index_seg *segs, size_t n,
                 struct cdx_error *err)
{
	struct index_segw w;
	uint64_t first = segs[0].first, last = segs[n - 1].last;
	struct merge g = {0};
	int rc;

	g.ix = ix;
	g.txn = txn;
	g.n_in = n;
	g.first = first;
	cdx_buf_init(&g.bytes, SIZE_MAX / 2);
	g.in = calloc(n, sizeof *g.in);
	g.live = calloc(n, sizeof *g.live);
	g.has = calloc(n, sizeof *g.has);
	g.clean = calloc(n, sizeof *g.clean);
	if (g.in == NULL || g.live == NULL || g.has == NULL ||
	    g.clean == NULL) {
		free(g.in);
		free(g.live);
		free(g.has);
		free(g.clean);
		return index_nomem(err);
	}
	for (size_t i = 0; i < n; i++)
		index_segr_init(&g.in[i], ix, txn, &segs[i]);
	index_segw_init(&w, ix, txn, (uint32_t)m->next_seg);
	rc = load_dead(&g, first, last, err);
	for (size_t i = 0; i < n; i++) {
		size_t d = index_u64_lower(g.dead, g.n_dead, segs[i].first);

		g.clean[i] = d == g.n_dead || g.dead[d] > segs[i].last;
	}
	if (rc == CDX_OK)
		rc = merge_terms(&g, &w, err);
	if (rc == CDX_OK)
		rc = index_segw_finish(&w, first, last, segs[n - 1].level +
		                       (n > 1), err);
	m->next_seg++;
	for (size_t i = 0; i < n && rc == CDX_OK; i++)
		rc = index_seg_drop(ix, txn, &segs[i], err);
	/* the marks of the merged range have done their work */
	for (size_t i = 0; i < g.n_dead && rc == CDX_OK; i++) {
		uint8_t kb[8];
		MDB_val k = index_val(kb, 8);
		int drc;

		index_put_be64(kb, g.dead[i]);
		drc = mdb_del(txn, ix->dbi[DB_DELETED], &k, NULL);
		if (drc != 0 && drc != MDB_NOTFOUND)
			rc = index_mdb_error(ix, drc, "write", err);
	}
	for (size_t i = 0; i < n; i++)
		index_segr_release(&g.in[i]);
	index_segw_release(&w);
	cdx_buf_release(&g.bytes);
	index_plist_release(&g.part[0].l);
	index_plist_release(&g.part[1].l);
	free(g.terms);
	free(g.ents);
	free(g.in);
	free(g.live);
	free(g.has);
	free(g.clean);
	free(g.dead);
	return rc;
}

int index_seg_purge(struct cdx_index *ix, MDB_txn *txn,
                    struct index_meta *m, uint64_t doc,
                    struct cdx_error *err)
{
	struct index_seg *segs = NULL;
	size_t n = 0;
	int rc = index_segs_load(ix, txn, &segs, &n, err);

	for (size_t i = 0; rc == CDX_OK && i < n; i++)
		if (segs[i].first <= doc && doc <= segs[i].last) {
			rc = merge(ix, txn, m, segs + i, 1, err);
			break;
		}
	free(segs);
	return rc;
}

int index_segs_maintain(struct cdx_index *ix, MDB_txn *txn,
                        struct index_meta *m, struct cdx_error *err)
{
	struct index_seg *segs = NULL;
	size_t n = 0, run;
	int rc;

	for (;;) {
		free(segs);
		rc = index_segs_load(ix, txn, &segs, &n, err);
		if (rc != CDX_OK || n == 0)
			break;
		/* the newest segments of one level, oldest first */
		for (run = 1; run < n && segs[n - 1 - run].level ==
		                         segs[n - 1].level; run++)
			;
		if (run < INDEX_MERGE_FANIN)
			break;
		rc = merge(ix, txn, m, segs + n - run, run, err);
		if (rc != CDX_OK)
			break;
	}
	free(segs);
	return rc;
}

int index_segs_merge_all(struct cdx_index *ix, MDB_txn *txn,
                         struct index_meta *m, struct cdx_error *err)
{
	struct index_seg *segs = NULL;
	size_t n = 0;
	int rc = index_segs_load(ix, txn, &segs, &n, err);

	if (rc == CDX_OK && n > 1)
		rc = merge(ix, txn, m, segs, n, err);
	free(segs);
	return rc;
}
