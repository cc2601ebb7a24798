/*
 * writer.c — batches of documents in one LMDB write transaction.
 *
 * Each added document is written at once (record, text, source and hash
 * maps, claims) while its postings (with word positions) go to the batch
 * accumulator (acc.c), written at commit as one new segment; then
 * segments are merged when enough of one size have piled up (merge.c).
 * The last blocks of the text and length tables stay with the writer
 * until full, until a document is removed, or until commit (tail.c); a
 * text compared is read through them. Documents
 * come prepared (prepare.c: copied, hashed, their terms gathered), by the
 * caller's threads through cdx_index_writer_add_prepared() or here by
 * cdx_index_writer_add(), so the writer's own work is LMDB and merging
 * each document's terms into the batch.
 *
 * The map grows by replay: the writer keeps its own copy of every
 * document it wrote in this batch (the journal). When LMDB reports the
 * map full — in an add or at commit — the transaction is aborted, the map
 * doubled, and the journal replayed in a new transaction; the outcome is
 * the same because the replay starts from the same committed state.
 * Documents found UNCHANGED or DUPLICATE wrote nothing and are not kept.
 * A journal entry's terms are dropped once merged (they are the larger
 * part of a prepared document) and derived again for a replay.
 */
#include <stddef.h>
#include <stdlib.h>

#include "index_int.h"

struct cdx_index_writer {
	struct index_wctx w;
	struct index_acc acc;
	struct cdx_index_doc **journal; /* owned, in the order applied */
	size_t n_journal, cap_journal;
	size_t journal_bytes;           /* their blocks' bytes */
	size_t count;
	struct cdx_index_prep *prep;    /* for add() and replays; lazily */
	struct cdx_buf rec;
	struct index_strmap strs;       /* a claims record's strings */
	struct ent_ref *refs;           /* a document's entity mentions */
	size_t n_refs, cap_refs;
	uint32_t *ords;                 /* one entity's claim ordinals */
	size_t cap_ords;
	struct index_arena keys;        /* the mentions' folded keys */
	struct index_tail text, dlen;   /* the tables' last blocks */
	struct index_stamp_log stamps;  /* stamps put, for replays */
};

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

static int writer_prep(struct cdx_index_writer *wr, struct cdx_error *err)
{
	if (wr->prep != NULL)
		return CDX_OK;
	return cdx_index_prep_new(&wr->prep, err);
}

/* ------------------------------------------------------------ apply */

/* A claim's mention of an entity, for grouping a document's claims by
 * entity key. */
struct ent_ref {
	const char *key;  /* folded, in the writer's arena */
	const char *name; /* as the claim has it */
	uint32_t len, ord, which; /* which: 0 subject, 1 commodity */
};

static int cmp_ref(const void *pa, const void *pb)
{
	const struct ent_ref *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->key, b->key, n);

	if (c == 0)
		c = (a->len > b->len) - (a->len < b->len);
	if (c == 0)
		c = (a->ord > b->ord) - (a->ord < b->ord);
	if (c == 0)
		c = (a->which > b->which) - (a->which < b->which);
	return c;
}

static int add_ref(struct cdx_index_writer *wr, const char *name,
                   uint32_t ord, uint32_t which)
{
	char key[INDEX_ENTITY_MAX + 1];
	size_t n = index_entity_key(name, strlen(name), key);
	struct ent_ref *r;

	if (n == 0)
		return CDX_OK;
	if (wr->n_refs == wr->cap_refs &&
	    grow((void **)&wr->refs, &wr->cap_refs, sizeof *wr->refs))
		return CDX_ERR_NOMEM;
	r = &wr->refs[wr->n_refs];
	r->key = index_arena_strndup(&wr->keys, key, n);
	if (r->key == NULL)
		return CDX_ERR_NOMEM;
	r->name = name;
	r->len = (uint32_t)n;
	r->ord = ord;
	r->which = which;
	wr->n_refs++;
	return CDX_OK;
}

/* List document @p id's claims under each entity they are about. */
static int put_entities(struct cdx_index_writer *wr,
                        const struct cdx_index_doc *e, uint64_t id,
                        struct cdx_error *err)
{
	int rc = CDX_OK;

	wr->n_refs = 0;
	index_arena_release(&wr->keys);
	for (size_t i = 0; i < e->n_claims && rc == CDX_OK; i++) {
		const struct cdx_claim *c = &e->claims[i];

		if (c->subject)
			rc = add_ref(wr, c->subject, (uint32_t)i, 0);
		if (rc == CDX_OK && c->commodity)
			rc = add_ref(wr, c->commodity, (uint32_t)i, 1);
	}
	if (rc != CDX_OK)
		return index_nomem(err);
	if (wr->n_refs > 1) /* refs is NULL while no claim named anyone */
		qsort(wr->refs, wr->n_refs, sizeof *wr->refs, cmp_ref);
	for (size_t i = 0, j; i < wr->n_refs && rc == CDX_OK; i = j) {
		const struct ent_ref *r = &wr->refs[i];
		size_t n = 0;

		for (j = i; j < wr->n_refs && wr->refs[j].len == r->len &&
		            memcmp(wr->refs[j].key, r->key, r->len) == 0; j++) {
			if (n && wr->ords[n - 1] == wr->refs[j].ord)
				continue; /* subject and commodity alike */
			if (n == wr->cap_ords &&
			    grow((void **)&wr->ords, &wr->cap_ords,
			         sizeof *wr->ords))
				return index_nomem(err);
			wr->ords[n++] = wr->refs[j].ord;
		}
		rc = index_entlist_add(wr->w.ix, wr->w.txn, r->key, r->len,
		                       r->name, strlen(r->name), id, wr->ords, n,
		                       err);
	}
	return rc;
}

static int put_claims(struct cdx_index_writer *wr,
                      const struct cdx_index_doc *e,
                      uint64_t id, struct cdx_error *err)
{
	int rc;

	if (e->n_claims == 0)
		return CDX_OK;
	if (e->n_claims > INDEX_CLAIMS_MAX)
		return cdx_error_set(err, CDX_ERR_LIMIT, "'%s' has %zu claims, "
		                     "more than an index keeps for one "
		                     "document (%u)", e->source, e->n_claims,
		                     INDEX_CLAIMS_MAX);
	cdx_buf_clear(&wr->rec);
	rc = index_claims_pack(wr->w.ix, wr->w.txn, e->claims, e->n_claims,
	                       &wr->strs, &wr->rec, err);
	if (rc != CDX_OK)
		return rc;
	rc = index_block_put(wr->w.ix, wr->w.txn, DB_CLAIMS, id, wr->rec.ptr,
	                     wr->rec.len, err);
	if (rc == CDX_OK)
		rc = put_entities(wr, e, id, err);
	wr->w.meta.n_claims += e->n_claims;
	return rc;
}

/* How write_doc() maps the document's source and text hashes: apply()
 * looked them up, so an absent one is added without a search. */
enum {
	NEW_SOURCE = 1, /* its source maps to nothing */
	OWN_HASH = 2,   /* the hash map may point at it (not when another
	                 * text has the same hash) */
	NEW_HASH = 4,   /* and the hash maps to nothing */
};

/* Write a new document with id @p id, @p how (the flags above) mapped. */
static int write_doc(struct cdx_index_writer *wr, struct cdx_index_doc *e,
                     uint64_t id, unsigned how, struct cdx_error *err)
{
	struct cdx_index *ix = wr->w.ix;
	struct index_docrec r;
	uint64_t sh;
	size_t split;
	int rc;

	memset(&r, 0, offsetof(struct index_docrec, source_buf));

	/* a replay: the terms were dropped once merged */
	if (!e->has_terms && (writer_prep(wr, err) != CDX_OK ||
	                      index_doc_terms(wr->prep, e) != CDX_OK))
		return index_nomem(err);
	rc = index_doc_text_put(ix, wr->w.txn, &wr->w.meta, &wr->text, &r,
	                        e->title, e->text, e->len, err);
	if (rc != CDX_OK)
		return rc;
	r.n_tokens = e->n_tokens;
	r.hash = e->hash;
	r.n_claims = (uint32_t)e->n_claims;
	r.format = e->format;
	r.source = e->source;
	r.source_len = strlen(e->source);
	sh = index_hash64(r.source, r.source_len);
	split = index_source_split(r.source, r.source_len);
	if (split) {
		uint32_t pid;

		rc = index_prefix_id(ix, wr->w.txn, r.source, split, &pid, err);
		if (rc != CDX_OK)
			return rc;
		r.prefix = pid + 1;
		r.source += split;
		r.source_len -= split;
	}
	r.date = e->date;
	r.date_len = e->date ? strlen(e->date) : 0;
	rc = put_claims(wr, e, id, err);
	if (rc != CDX_OK)
		return rc;
	cdx_buf_clear(&wr->rec);
	if (index_docrec_pack(&r, &wr->rec) != CDX_OK)
		return index_nomem(err);
	rc = index_doc_put(ix, wr->w.txn, id, wr->rec.ptr, wr->rec.len, err);
	if (rc == CDX_OK)
		rc = (how & NEW_SOURCE ? index_idmap_add : index_idmap_put)(
		         ix, wr->w.txn, DB_SOURCE, sh, id, err);
	if (rc == CDX_OK && (how & OWN_HASH))
		rc = (how & NEW_HASH ? index_idmap_add : index_idmap_put)(
		         ix, wr->w.txn, DB_HASH, e->hash, id, err);
	if (rc == CDX_OK)
		rc = index_dlen_append(ix, wr->w.txn, &wr->dlen, id,
		                       index_dlen_code(e->n_tokens), err);
	if (rc != CDX_OK)
		return rc;
	/* every term of the document with its positions, to the batch */
	if (index_acc_add_doc(&wr->acc, e->terms, e->n_terms, e->pos,
	                      id) != CDX_OK)
		return index_nomem(err);
	/* the batch holds them now; a replay derives them again */
	index_doc_drop_terms(e);
	wr->w.meta.n_docs++;
	wr->w.meta.n_tokens += e->n_tokens;
	return rc;
}

/* Store the tables' last blocks, for what reads or changes them next. */
static int flush_tails(struct cdx_index_writer *wr, struct cdx_error *err)
{
	int rc = index_tail_flush(wr->w.ix, wr->w.txn, &wr->text, err);

	return rc ? rc : index_tail_flush(wr->w.ix, wr->w.txn, &wr->dlen, err);
}

/* Is document @p id stored with @p e's text, and, @p with_meta, its
 * title and date? A source re-ingested with only a new date (a manifest,
 * a newer reader) is replaced; a duplicate is the same text under any
 * title. (Read through the text tail: storing it for the read cost a
 * 64 KB block written and read back per duplicate.) */
static int same_text(struct cdx_index_writer *wr, uint64_t id,
                     const struct cdx_index_doc *e, int with_meta,
                     int *same, struct cdx_error *err)
{
	int rc = index_doc_same(wr->w.ix, wr->w.txn, &wr->text, id, e->text,
	                        e->len, with_meta, e->title, e->date, same,
	                        err);

	return rc == CDX_ERR_NOTFOUND ? CDX_OK : rc;
}

/* Are the claims stored for @p id the ones @p e brings? An unchanged text
 * re-ingested after the extractor or its data changed brings others; the
 * document is then replaced, so that stored claims are never stale. */
static int same_claims(struct cdx_index_writer *wr, uint64_t id,
                       const struct cdx_index_doc *e, int *same,
                       struct cdx_error *err)
{
	MDB_val v;
	int rc;

	*same = 0;
	rc = index_block_get(wr->w.ix, wr->w.txn, DB_CLAIMS, id, &v, err);
	if (rc == CDX_ERR_NOTFOUND) {
		*same = e->n_claims == 0;
		return CDX_OK;
	}
	if (rc == CDX_ERR_CORRUPT)
		return CDX_OK; /* not the same: replacing says it is damaged */
	if (rc != CDX_OK)
		return rc;
	if (e->n_claims == 0 || e->n_claims > INDEX_CLAIMS_MAX)
		return CDX_OK;
	cdx_buf_clear(&wr->rec);
	rc = index_claims_pack(wr->w.ix, wr->w.txn, e->claims, e->n_claims,
	                       &wr->strs, &wr->rec, err);
	if (rc != CDX_OK)
		return rc;
	*same = v.mv_size == wr->rec.len &&
	        memcmp(v.mv_data, wr->rec.ptr, v.mv_size) == 0;
	return CDX_OK;
}

static int apply(struct cdx_index_writer *wr, struct cdx_index_doc *e,
                 enum cdx_add_outcome *outcome, uint64_t *doc_id,
                 struct cdx_error *err)
{
	uint64_t sh = index_hash64(e->source, strlen(e->source));
	uint64_t old = 0, hid = 0;
	unsigned how = OWN_HASH;
	int rc, same, have_old = 0;

	rc = index_idmap_get(wr->w.ix, wr->w.txn, DB_SOURCE, sh, &old, err);
	if (rc == CDX_OK) {
		have_old = 1;
		rc = same_text(wr, old, e, 1, &same, err);
		if (rc == CDX_OK && same)
			rc = same_claims(wr, old, e, &same, err);
		if (rc != CDX_OK)
			return rc;
		if (same) {
			*outcome = CDX_ADD_UNCHANGED;
			*doc_id = old;
			return CDX_OK;
		}
	} else if (rc == CDX_ERR_NOTFOUND) {
		how |= NEW_SOURCE;
	} else {
		return rc;
	}
	rc = index_idmap_get(wr->w.ix, wr->w.txn, DB_HASH, e->hash, &hid, err);
	if (rc == CDX_OK && !(have_old && hid == old)) {
		rc = same_text(wr, hid, e, 0, &same, err);
		if (rc != CDX_OK)
			return rc;
		if (same) {
			*outcome = CDX_ADD_DUPLICATE;
			*doc_id = hid;
			return CDX_OK;
		}
		how &= ~(unsigned)OWN_HASH; /* a 64-bit collision: keep the
		                             * first owner */
	} else if (rc == CDX_ERR_NOTFOUND) {
		how |= NEW_HASH;
	} else if (rc != CDX_OK) {
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
	return write_doc(wr, e, *doc_id, how, err);
}

/* ------------------------------------------------------------ batch */

static int restart(struct cdx_index_writer *wr, struct cdx_error *err)
{
	int rc;

	index_acc_reset(&wr->acc);
	index_tail_reset(&wr->text);
	index_tail_reset(&wr->dlen);
	rc = index_write_begin(wr->w.ix, &wr->w.txn, err);
	if (rc == CDX_OK)
		rc = index_meta_load(wr->w.ix, wr->w.txn, &wr->w.meta, err);
	wr->w.batch_first_doc = wr->w.meta.next_doc;
	return rc;
}

/* Write the batch again in a new transaction, the map grown first
 * when @p grow: after a full map, and (not grown) after a failed merge
 * of the last commit, whose half-done work goes with the old one. The
 * outcome of the last journal entry goes to *outcome and *doc_id. */
static int replay(struct cdx_index_writer *wr, int grow,
                  enum cdx_add_outcome *outcome, uint64_t *doc_id,
                  struct cdx_error *err)
{
	enum cdx_add_outcome o = CDX_ADD_NEW;
	uint64_t id = 0;
	int rc;

	do {
		index_write_abort(wr->w.ix, wr->w.txn);
		wr->w.txn = NULL;
		rc = grow ? index_grow(wr->w.ix, err) : CDX_OK;
		grow = 1; /* a replay that fills the map grows it */
		if (rc == CDX_OK)
			rc = restart(wr, err);
		/* the stamps where they came, between the documents */
		for (size_t i = 0, k = 0; rc == CDX_OK && i <= wr->n_journal;
		     i++) {
			rc = index_stamp_replay(&wr->w, &wr->stamps, i, &k, err);
			if (rc == CDX_OK && i < wr->n_journal)
				rc = apply(wr, wr->journal[i], &o, &id, err);
		}
	} while (rc == CDX_ERR_MAPFULL && wr->w.txn != NULL);
	if (outcome)
		*outcome = o;
	if (doc_id)
		*doc_id = id;
	return rc;
}

/* The map is full: grow it and redo the batch. */
static int regrow(struct cdx_index_writer *wr, enum cdx_add_outcome *outcome,
                  uint64_t *doc_id, struct cdx_error *err)
{
	return replay(wr, 1, outcome, doc_id, err);
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
		return index_nomem(err);
	wr->w.ix = ix;
	/* the arrays of the handle's last batch, already the right size */
	index_acc_unstash(ix, &wr->acc);
	wr->w.acc = &wr->acc;
	/* a fresh text block is the last key; a dlen block is put as
	 * index_dlen_set() puts it */
	index_tail_init(&wr->text, DB_TEXT, INDEX_TEXT_BLOCK, MDB_APPEND);
	index_tail_init(&wr->dlen, DB_DLEN, INDEX_DLEN_BLOCK, 0);
	wr->w.text = &wr->text;
	wr->w.dlen = &wr->dlen;
	cdx_buf_init(&wr->rec, SIZE_MAX / 2);
	rc = restart(wr, err);
	if (rc != CDX_OK) {
		cdx_index_writer_abort(wr);
		return rc;
	}
	*out = wr;
	return CDX_OK;
}

int cdx_index_writer_add_prepared(struct cdx_index_writer *w,
                                  struct cdx_index_doc *d,
                                  enum cdx_add_outcome *outcome,
                                  uint64_t *doc_id, struct cdx_error *err)
{
	enum cdx_add_outcome o = CDX_ADD_NEW;
	uint64_t id = 0;
	int rc;

	if (w->w.txn == NULL) {
		cdx_index_doc_free(d);
		return cdx_error_set(err, CDX_ERR_USAGE,
		                     "index batch already failed; abort it");
	}
	if (w->n_journal == w->cap_journal &&
	    grow((void **)&w->journal, &w->cap_journal,
	         sizeof *w->journal) != CDX_OK) {
		cdx_index_doc_free(d);
		return index_nomem(err);
	}
	w->journal[w->n_journal++] = d;
	w->journal_bytes += d->weight;
	rc = apply(w, d, &o, &id, err);
	if (rc == CDX_ERR_MAPFULL)
		rc = regrow(w, &o, &id, err);
	if (rc != CDX_OK)
		return rc;
	w->count++;
	if (o == CDX_ADD_UNCHANGED || o == CDX_ADD_DUPLICATE) {
		/* nothing written: nothing to replay */
		w->journal_bytes -= d->weight;
		cdx_index_doc_free(w->journal[--w->n_journal]);
	}
	if (outcome)
		*outcome = o;
	if (doc_id)
		*doc_id = id;
	return CDX_OK;
}

int cdx_index_writer_add(struct cdx_index_writer *w,
                         const struct cdx_doc *doc,
                         const struct cdx_claims *claims,
                         enum cdx_add_outcome *outcome, uint64_t *doc_id,
                         struct cdx_error *err)
{
	struct cdx_index_doc *d;
	int rc;

	if (w->w.txn == NULL)
		return cdx_error_set(err, CDX_ERR_USAGE,
		                     "index batch already failed; abort it");
	rc = writer_prep(w, err);
	if (rc == CDX_OK)
		rc = cdx_index_doc_prepare(w->prep, doc, claims, &d, err);
	if (rc != CDX_OK)
		return rc;
	return cdx_index_writer_add_prepared(w, d, outcome, doc_id, err);
}

int cdx_index_writer_stamp(struct cdx_index_writer *w, const char *path,
                           const struct cdx_stamp *s, uint64_t doc,
                           struct cdx_error *err)
{
	int rc;

	if (w->w.txn == NULL)
		return cdx_error_set(err, CDX_ERR_USAGE,
		                     "index batch already failed; abort it");
	rc = index_stamp_put(&w->w, &w->stamps, w->n_journal, path, s,
	                     doc + 1, err);
	if (rc == CDX_ERR_MAPFULL)
		rc = regrow(w, NULL, NULL, err);
	return rc;
}

int cdx_index_writer_stamp_get(struct cdx_index_writer *w, const char *path,
                               struct cdx_stamp *out, struct cdx_error *err)
{
	if (w->w.txn == NULL)
		return cdx_error_set(err, CDX_ERR_USAGE,
		                     "index batch already failed; abort it");
	return index_stamp_get(w->w.ix, w->w.txn, path, out, err);
}

void cdx_index_set_threads(struct cdx_index *ix, unsigned n)
{
	ix->threads = n;
}

size_t cdx_index_writer_count(const struct cdx_index_writer *w)
{
	return w->count;
}

size_t cdx_index_writer_bytes(const struct cdx_index_writer *w)
{
	return w->acc.bytes + w->journal_bytes;
}

/* Write the batch out and commit; with @p last, merge every segment
 * first, as the close would (*merged tells whether it did). The tiered
 * merges run before that all the same, so the segments, their numbers
 * and the merged one are those of a commit and a close merge. */
static int finish(struct cdx_index_writer *wr, int last, int *merged,
                  struct cdx_error *err)
{
	int rc = flush_tails(wr, err);

	*merged = 0;
	if (rc == CDX_OK)
		rc = index_acc_flush(&wr->acc, wr->w.ix, wr->w.txn, &wr->w.meta,
		                     wr->w.batch_first_doc, err);
	if (rc == CDX_OK)
		rc = index_segs_maintain(wr->w.ix, wr->w.txn, &wr->w.meta, err);
	if (rc == CDX_OK && last) {
		/* the merge needs the memory more than the next batch
		 * needs these arrays (a replay refills them) */
		index_acc_release(&wr->acc);
		rc = index_merge_all_txn(wr->w.ix, wr->w.txn, &wr->w.meta,
		                         wr->w.ix->docs_written + wr->n_journal,
		                         merged, err);
	}
	if (rc == CDX_OK)
		rc = index_meta_store(wr->w.ix, wr->w.txn, &wr->w.meta, err);
	if (rc != CDX_OK)
		return rc;
	rc = index_write_commit(wr->w.ix, wr->w.txn, err);
	wr->w.txn = NULL;
	return rc;
}

static int commit(struct cdx_index_writer *w, int last,
                  struct cdx_error *err)
{
	int rc, merged = 0;

	if (w->w.txn == NULL) {
		cdx_index_writer_abort(w);
		return cdx_error_set(err, CDX_ERR_USAGE,
		                     "index batch already failed; abort it");
	}
	for (;;) {
		rc = finish(w, last, &merged, err);
		if (rc == CDX_ERR_MAPFULL) {
			rc = regrow(w, NULL, NULL, err);
		} else if (rc != CDX_OK && last && w->w.txn != NULL) {
			/* the merge failed (a damaged segment, say), not the
			 * batch: the batch must not be lost with it, so it is
			 * written again and committed alone, and the merge is
			 * left to the close, which fails on its own (as it did
			 * before the last commit merged) */
			last = 0;
			rc = replay(w, 0, NULL, NULL, err);
		} else {
			break;
		}
		if (rc != CDX_OK)
			break;
	}
	/* the journal holds the documents the batch wrote (new or
	 * replacing): what index_merge_close weighs against the index */
	if (rc == CDX_OK)
		w->w.ix->docs_written += w->n_journal;
	if (rc == CDX_OK && merged) {
		w->w.ix->merged_now = 1;
		w->w.ix->merged_all = 1;
	}
	cdx_index_writer_abort(w);
	return rc;
}

int cdx_index_writer_commit(struct cdx_index_writer *w, struct cdx_error *err)
{
	return commit(w, 0, err);
}

int cdx_index_writer_commit_last(struct cdx_index_writer *w,
                                 struct cdx_error *err)
{
	return commit(w, 1, err);
}

void cdx_index_writer_abort(struct cdx_index_writer *w)
{
	if (w == NULL)
		return;
	index_write_abort(w->w.ix, w->w.txn);
	for (size_t i = 0; i < w->n_journal; i++)
		cdx_index_doc_free(w->journal[i]);
	free(w->journal);
	index_acc_stash(w->w.ix, &w->acc);
	cdx_index_prep_free(w->prep);
	cdx_buf_release(&w->rec);
	index_strmap_release(&w->strs);
	free(w->refs);
	free(w->ords);
	index_arena_release(&w->keys);
	index_stamp_log_release(&w->stamps);
	free(w);
}
