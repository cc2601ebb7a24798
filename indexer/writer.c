/*
 * writer.c — batches of documents in one LMDB write transaction.
 *
 * Each added document is written at once (record, text, source and hash
 * maps, claims) while its postings (with word positions) go to the batch
 * accumulator, written at commit as one new segment; then segments are
 * merged when enough of one size have piled up (segment.c).
 *
 * The map grows by replay: the writer keeps its own copy of every
 * document it wrote in this batch (the journal). When LMDB reports the
 * map full — in an add or at commit — the transaction is aborted, the map
 * doubled, and the journal replayed in a new transaction; the outcome is
 * the same because the replay starts from the same committed state.
 * Documents found UNCHANGED or DUPLICATE wrote nothing and are not kept.
 */
#include <stdlib.h>

#include "index_int.h"

#define OCC_NONE UINT32_MAX

/* A document as the writer needs it; every pointer owned by @c block. */
struct jentry {
	const char *source, *title, *date, *text;
	size_t len, n_claims;
	uint8_t format;
	struct cdx_claim *claims; /* sorted by (start, end) */
	void *block;
};

struct dterm {
	const char *s; /* in the doctab arena */
	uint32_t len, tf, head, tail;
};

struct occ {
	uint32_t pos, next;
};

/* The terms of one document with their positions, reused per document. */
struct doctab {
	struct index_strmap map;
	struct dterm *t;
	size_t n, cap;
	struct occ *occ;
	size_t nocc, cap_occ;
	struct index_arena strs;
	uint32_t n_tokens;
};

struct cdx_index_writer {
	struct index_wctx w;
	struct index_acc acc;
	struct jentry *journal;
	size_t n_journal, cap_journal;
	size_t count;
	struct doctab tab;
	struct cdx_buf rec;
};

static int nomem(struct cdx_error *err)
{
	return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
}

/* ------------------------------------------------------------ doctab */

static void doctab_reset(struct doctab *d)
{
	index_strmap_clear(&d->map);
	index_arena_release(&d->strs);
	d->n = d->nocc = 0;
	d->n_tokens = 0;
}

static void doctab_release(struct doctab *d)
{
	index_strmap_release(&d->map);
	index_arena_release(&d->strs);
	free(d->t);
	free(d->occ);
}

static int grow(void **v, size_t *cap, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 256;
	void *nv = realloc(*v, ncap * size);

	if (nv == NULL)
		return CDX_ERR_NOMEM;
	*v = nv;
	*cap = ncap;
	return CDX_OK;
}

static int on_term(void *ctx, const char *term, size_t n, uint32_t start,
                   uint32_t end)
{
	struct doctab *d = ctx;
	uint32_t idx, o;
	struct dterm *t;

	if (index_strmap_get(&d->map, term, n, &idx) != CDX_OK) {
		const char *copy = index_arena_strndup(&d->strs, term, n);

		if (copy == NULL ||
		    (d->n == d->cap && grow((void **)&d->t, &d->cap,
		                            sizeof *d->t) != CDX_OK) ||
		    index_strmap_put(&d->map, copy, n, (uint32_t)d->n, &idx) < 0)
			return CDX_ERR_NOMEM;
		d->t[idx] = (struct dterm){copy, (uint32_t)n, 0, OCC_NONE,
		                           OCC_NONE};
		d->n++;
	}
	if (d->nocc == d->cap_occ &&
	    grow((void **)&d->occ, &d->cap_occ, sizeof *d->occ) != CDX_OK)
		return CDX_ERR_NOMEM;
	o = (uint32_t)d->nocc++;
	d->occ[o] = (struct occ){d->n_tokens++, OCC_NONE};
	t = &d->t[idx];
	if (t->head == OCC_NONE)
		t->head = o;
	else
		d->occ[t->tail].next = o;
	t->tail = o;
	t->tf++;
	return 0;
}

/* Hand every term of the document with its positions to the batch. */
static int doctab_flush(struct doctab *d, struct index_acc *acc, uint64_t id)
{
	uint32_t *pos = NULL;
	size_t cap = 0;
	int rc = CDX_OK;

	for (size_t i = 0; i < d->n && rc == CDX_OK; i++) {
		struct dterm *t = &d->t[i];
		uint32_t k = 0;

		if (t->tf > cap) {
			uint32_t *np = realloc(pos, t->tf * sizeof *np);

			if (np == NULL) {
				rc = CDX_ERR_NOMEM;
				break;
			}
			pos = np;
			cap = t->tf;
		}
		for (uint32_t o = t->head; o != OCC_NONE; o = d->occ[o].next)
			pos[k++] = d->occ[o].pos;
		rc = index_acc_add(acc, t->s, t->len, id, t->tf, pos);
	}
	free(pos);
	return rc;
}

/* ------------------------------------------------------------ journal */

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

/* Copy a document and its claims into one block owned by @p e. */
static int jentry_make(struct jentry *e, const struct cdx_doc *doc,
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
	memset(e, 0, sizeof *e);
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

/* ------------------------------------------------------------ apply */

static int put(struct cdx_index_writer *wr, enum index_db db, MDB_val *k,
               MDB_val *v, unsigned flags, struct cdx_error *err)
{
	int rc = mdb_put(wr->w.txn, wr->w.ix->dbi[db], k, v, flags);

	/* an id already there (a claim whose subject is its commodity) */
	if (rc == MDB_KEYEXIST &&
	    (flags & (MDB_NODUPDATA | MDB_NOOVERWRITE | MDB_APPENDDUP)))
		return CDX_OK;
	return rc ? index_mdb_error(wr->w.ix, rc, "write", err) : CDX_OK;
}

static int put_entity(struct cdx_index_writer *wr, const char *name,
                      const uint8_t idb[8], struct cdx_error *err)
{
	char key[INDEX_ENTITY_MAX + 1];
	size_t n = index_entity_key(name, strlen(name), key);
	MDB_val k = index_val(key, n), v = index_val(idb, 8);
	MDB_val nv = index_val(name, strlen(name));
	int rc;

	if (n == 0)
		return CDX_OK;
	/* claim ids only grow: appending fills the id pages (a split in
	 * the middle would leave every page half empty) */
	rc = put(wr, DB_BY_ENTITY, &k, &v, MDB_APPENDDUP, err);
	if (rc == CDX_OK)
		rc = put(wr, DB_ENTITIES, &k, &nv, MDB_NOOVERWRITE, err);
	return rc;
}

static int put_claims(struct cdx_index_writer *wr, const struct jentry *e,
                      uint64_t id, struct cdx_error *err)
{
	int rc = CDX_OK;

	for (size_t i = 0; i < e->n_claims && rc == CDX_OK; i++) {
		const struct cdx_claim *c = &e->claims[i];
		uint8_t idb[8], kind = (uint8_t)c->kind;
		MDB_val k = index_val(idb, 8), v, kk = index_val(&kind, 1);

		index_put_be64(idb, wr->w.meta.next_claim++);
		cdx_buf_clear(&wr->rec);
		if (index_claim_pack(c, id, &wr->rec) != CDX_OK)
			return nomem(err);
		v = index_val(wr->rec.ptr, wr->rec.len);
		rc = put(wr, DB_CLAIMS, &k, &v, MDB_APPEND, err);
		if (rc == CDX_OK)
			rc = put(wr, DB_BY_KIND, &kk, &k, MDB_APPENDDUP, err);
		if (rc == CDX_OK && c->subject)
			rc = put_entity(wr, c->subject, idb, err);
		if (rc == CDX_OK && c->commodity)
			rc = put_entity(wr, c->commodity, idb, err);
	}
	wr->w.meta.n_claims += e->n_claims;
	return rc;
}

/* Write a new document with id @p id; @p own_hash says whether the hash
 * map may point at it (not when another text has the same hash). */
static int write_doc(struct cdx_index_writer *wr, const struct jentry *e,
                     uint64_t id, uint64_t hash, int own_hash,
                     struct cdx_error *err)
{
	struct cdx_index *ix = wr->w.ix;
	struct doctab *d = &wr->tab;
	struct index_docrec r = {0};
	uint8_t idb[8], skey[INDEX_SOURCE_KEY_MAX], hb[8];
	MDB_val k = index_val(idb, 8), v;
	int rc;

	index_put_be64(idb, id);
	doctab_reset(d);
	rc = index_terms(e->text, e->len, wr->w.stemmer, on_term, d);
	if (rc != 0)
		return nomem(err);
	rc = index_text_append(ix, wr->w.txn, &wr->w.meta, e->text, e->len,
	                       &r.text_off, err);
	if (rc != CDX_OK)
		return rc;
	r.n_tokens = d->n_tokens;
	r.text_len = e->len;
	r.hash = hash;
	r.first_claim = wr->w.meta.next_claim;
	r.n_claims = (uint32_t)e->n_claims;
	r.format = e->format;
	r.source = e->source;
	r.source_len = strlen(e->source);
	r.title = e->title;
	r.title_len = e->title ? strlen(e->title) : 0;
	r.date = e->date;
	r.date_len = e->date ? strlen(e->date) : 0;
	rc = put_claims(wr, e, id, err);
	if (rc != CDX_OK)
		return rc;
	cdx_buf_clear(&wr->rec);
	if (index_docrec_pack(&r, &wr->rec) != CDX_OK)
		return nomem(err);
	v = index_val(wr->rec.ptr, wr->rec.len);
	rc = put(wr, DB_DOCS, &k, &v, MDB_APPEND, err);
	if (rc == CDX_OK) {
		MDB_val sk = index_val(skey, index_source_key(e->source,
		                                              r.source_len, skey));
		rc = put(wr, DB_SOURCE, &sk, &k, 0, err);
	}
	if (rc == CDX_OK && own_hash) {
		MDB_val hk = index_val(hb, 8);

		index_put_be64(hb, hash);
		rc = put(wr, DB_HASH, &hk, &k, 0, err);
	}
	if (rc == CDX_OK)
		rc = index_dlen_set(ix, wr->w.txn, id,
		                    index_dlen_code(d->n_tokens), err);
	if (rc != CDX_OK)
		return rc;
	if (doctab_flush(d, &wr->acc, id) != CDX_OK)
		return nomem(err);
	wr->w.meta.n_docs++;
	wr->w.meta.n_tokens += d->n_tokens;
	wr->w.meta.text_bytes += e->len;
	return rc;
}

/* Is the stored text of @p id equal to @p e's? */
static int same_text(struct cdx_index_writer *wr, uint64_t id,
                     const struct jentry *e, int *same,
                     struct cdx_error *err)
{
	struct index_text t;
	int rc = index_text_get(wr->w.ix, wr->w.txn, id, &t, err);

	*same = 0;
	if (rc == CDX_ERR_NOTFOUND)
		return CDX_OK;
	if (rc != CDX_OK)
		return rc;
	*same = t.len == e->len && memcmp(t.p, e->text, e->len) == 0;
	index_text_release(&t);
	return CDX_OK;
}

static int lookup_id(struct cdx_index_writer *wr, enum index_db db,
                     MDB_val *k, uint64_t *id, struct cdx_error *err)
{
	MDB_val v;
	int rc = mdb_get(wr->w.txn, wr->w.ix->dbi[db], k, &v);

	if (rc == MDB_NOTFOUND || (rc == 0 && v.mv_size != 8))
		return CDX_ERR_NOTFOUND;
	if (rc != 0)
		return index_mdb_error(wr->w.ix, rc, "read", err);
	*id = index_get_be64(v.mv_data);
	return CDX_OK;
}

static int apply(struct cdx_index_writer *wr, const struct jentry *e,
                 enum cdx_add_outcome *outcome, uint64_t *doc_id,
                 struct cdx_error *err)
{
	uint8_t skey[INDEX_SOURCE_KEY_MAX], hb[8];
	size_t slen = strlen(e->source);
	MDB_val sk = index_val(skey, index_source_key(e->source, slen, skey));
	MDB_val hk = index_val(hb, 8);
	uint64_t hash = index_hash64(e->text, e->len), old = 0, hid = 0;
	int rc, same, have_old = 0, own_hash = 1;

	index_put_be64(hb, hash);
	rc = lookup_id(wr, DB_SOURCE, &sk, &old, err);
	if (rc == CDX_OK) {
		have_old = 1;
		rc = same_text(wr, old, e, &same, err);
		if (rc != CDX_OK)
			return rc;
		if (same) {
			*outcome = CDX_ADD_UNCHANGED;
			*doc_id = old;
			return CDX_OK;
		}
	} else if (rc != CDX_ERR_NOTFOUND) {
		return rc;
	}
	rc = lookup_id(wr, DB_HASH, &hk, &hid, err);
	if (rc == CDX_OK && !(have_old && hid == old)) {
		rc = same_text(wr, hid, e, &same, err);
		if (rc != CDX_OK)
			return rc;
		if (same) {
			*outcome = CDX_ADD_DUPLICATE;
			*doc_id = hid;
			return CDX_OK;
		}
		own_hash = 0; /* a 64-bit collision: keep the first owner */
	} else if (rc != CDX_OK && rc != CDX_ERR_NOTFOUND) {
		return rc;
	}
	*outcome = CDX_ADD_NEW;
	if (have_old) {
		rc = index_remove_doc(&wr->w, old, err);
		if (rc != CDX_OK)
			return rc;
		*outcome = CDX_ADD_REPLACED;
	}
	*doc_id = wr->w.meta.next_doc++;
	return write_doc(wr, e, *doc_id, hash, own_hash, err);
}

/* ------------------------------------------------------------ batch */

static int restart(struct cdx_index_writer *wr, struct cdx_error *err)
{
	int rc;

	index_acc_release(&wr->acc);
	rc = index_write_begin(wr->w.ix, &wr->w.txn, err);
	if (rc == CDX_OK)
		rc = index_meta_load(wr->w.ix, wr->w.txn, &wr->w.meta, err);
	wr->w.batch_first_doc = wr->w.meta.next_doc;
	return rc;
}

/* The map is full: grow it and redo the batch in a new transaction. The
 * outcome of the last journal entry goes to *outcome and *doc_id. */
static int regrow(struct cdx_index_writer *wr, enum cdx_add_outcome *outcome,
                  uint64_t *doc_id, struct cdx_error *err)
{
	enum cdx_add_outcome o = CDX_ADD_NEW;
	uint64_t id = 0;
	int rc;

	do {
		index_write_abort(wr->w.ix, wr->w.txn);
		wr->w.txn = NULL;
		rc = index_grow(wr->w.ix, err);
		if (rc == CDX_OK)
			rc = restart(wr, err);
		for (size_t i = 0; rc == CDX_OK && i < wr->n_journal; i++)
			rc = apply(wr, &wr->journal[i], &o, &id, err);
	} while (rc == CDX_ERR_MAPFULL && wr->w.txn != NULL);
	if (outcome)
		*outcome = o;
	if (doc_id)
		*doc_id = id;
	return rc;
}

int cdx_index_writer_begin(struct cdx_index_writer **out,
                           struct cdx_index *ix, struct cdx_error *err)
{
	struct cdx_index_writer *wr;
	int rc;

	*out = NULL;
	if (ix->flags & CDX_INDEX_READONLY)
		return cdx_error_set(err, CDX_ERR_USAGE,
		                     "index '%s' is open read-only", ix->path);
	rc = index_grow_if_needed(ix, err);
	if (rc != CDX_OK)
		return rc;
	wr = calloc(1, sizeof *wr);
	if (wr == NULL)
		return nomem(err);
	wr->w.ix = ix;
	wr->w.acc = &wr->acc;
	cdx_buf_init(&wr->rec, SIZE_MAX / 2);
	wr->w.stemmer = index_stemmer_new();
	if (wr->w.stemmer == NULL) {
		cdx_index_writer_abort(wr);
		return nomem(err);
	}
	rc = restart(wr, err);
	if (rc != CDX_OK) {
		cdx_index_writer_abort(wr);
		return rc;
	}
	*out = wr;
	return CDX_OK;
}

int cdx_index_writer_add(struct cdx_index_writer *w,
                         const struct cdx_doc *doc,
                         const struct cdx_claims *claims,
                         enum cdx_add_outcome *outcome, uint64_t *doc_id,
                         struct cdx_error *err)
{
	enum cdx_add_outcome o = CDX_ADD_NEW;
	struct jentry *e;
	uint64_t id = 0;
	int rc;

	if (w->w.txn == NULL)
		return cdx_error_set(err, CDX_ERR_USAGE,
		                     "index batch already failed; abort it");
	rc = check_spans(doc, claims, err);
	if (rc != CDX_OK)
		return rc;
	if (w->n_journal == w->cap_journal &&
	    grow((void **)&w->journal, &w->cap_journal,
	         sizeof *w->journal) != CDX_OK)
		return nomem(err);
	e = &w->journal[w->n_journal];
	if (jentry_make(e, doc, claims) != CDX_OK)
		return nomem(err);
	w->n_journal++;
	rc = apply(w, e, &o, &id, err);
	if (rc == CDX_ERR_MAPFULL)
		rc = regrow(w, &o, &id, err);
	if (rc != CDX_OK)
		return rc;
	w->count++;
	if (o == CDX_ADD_UNCHANGED || o == CDX_ADD_DUPLICATE) {
		/* nothing written: nothing to replay */
		free(w->journal[--w->n_journal].block);
	}
	if (outcome)
		*outcome = o;
	if (doc_id)
		*doc_id = id;
	return CDX_OK;
}

size_t cdx_index_writer_count(const struct cdx_index_writer *w)
{
	return w->count;
}

static int finish(struct cdx_index_writer *wr, struct cdx_error *err)
{
	int rc = index_acc_flush(&wr->acc, wr->w.ix, wr->w.txn, &wr->w.meta,
	                         wr->w.batch_first_doc, err);

	if (rc == CDX_OK)
		rc = index_segs_maintain(wr->w.ix, wr->w.txn, &wr->w.meta, err);
	if (rc == CDX_OK)
		rc = index_meta_store(wr->w.ix, wr->w.txn, &wr->w.meta, err);
	if (rc != CDX_OK)
		return rc;
	rc = index_write_commit(wr->w.ix, wr->w.txn, err);
	wr->w.txn = NULL;
	return rc;
}

int cdx_index_writer_commit(struct cdx_index_writer *w, struct cdx_error *err)
{
	int rc;

	if (w->w.txn == NULL) {
		cdx_index_writer_abort(w);
		return cdx_error_set(err, CDX_ERR_USAGE,
		                     "index batch already failed; abort it");
	}
	for (;;) {
		rc = finish(w, err);
		if (rc != CDX_ERR_MAPFULL)
			break;
		rc = regrow(w, NULL, NULL, err);
		if (rc != CDX_OK)
			break;
	}
	cdx_index_writer_abort(w);
	return rc;
}

void cdx_index_writer_abort(struct cdx_index_writer *w)
{
	if (w == NULL)
		return;
	index_write_abort(w->w.ix, w->w.txn);
	for (size_t i = 0; i < w->n_journal; i++)
		free(w->journal[i].block);
	free(w->journal);
	index_acc_release(&w->acc);
	doctab_release(&w->tab);
	cdx_buf_release(&w->rec);
	index_stemmer_free(w->w.stemmer);
	free(w);
}
