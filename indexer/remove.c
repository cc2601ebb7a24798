/*
 * remove.c — taking a document out of the index: its postings, text,
 * claims with their by_entity entries, its source and hash map
 * entries, the stamp of its file (stamp.c) and the meta counters. Used by
 * the writer to replace a changed source and by cdx_index_delete().
 *
 * Postings already in a segment stay there, with the document marked in
 * deleted (readers skip it, as its record is gone) until the segment is
 * merged; postings of the running batch are still in the accumulator and
 * are marked removed there (the document's postings are one run).
 */
#include <stdlib.h>

#include "index_int.h"

static uint64_t sub_sat(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static int remove_postings(struct index_wctx *w, uint64_t id,
                           struct cdx_error *err)
{
	uint8_t kb[8];
	MDB_val k = index_val(kb, 8), v = index_val("", 0);
	int rc;

	if (w->acc && id >= w->batch_first_doc) {
		index_acc_remove_doc(w->acc, id);
		return CDX_OK;
	}
	index_put_be64(kb, id);
	rc = mdb_put(w->txn, w->ix->dbi[DB_DELETED], &k, &v, 0);
	return rc ? index_mdb_error(w->ix, rc, "write", err) : CDX_OK;
}

/* Note the by_entity keys of claim @p r in @p keys (each a length byte
 * pair and the key), to drop once every claim is read: a claim's strings
 * may lie in the string dictionary's pages, which the writes could move
 * (the record itself is copied for the same reason). */
static int note_keys(struct cdx_buf *keys, const struct index_claimrec *r)
{
	char subj[INDEX_ENTITY_MAX + 1], comm[INDEX_ENTITY_MAX + 1];
	size_t ns = 0, nc = 0;
	uint8_t len[2];

	if (r->c.subject)
		ns = index_entity_key(r->c.subject, r->subject_len, subj);
	if (r->c.commodity)
		nc = index_entity_key(r->c.commodity, r->commodity_len, comm);
	len[0] = (uint8_t)(ns >> 8);
	len[1] = (uint8_t)ns;
	if (cdx_buf_add(keys, len, 2) != CDX_OK ||
	    cdx_buf_add(keys, subj, ns) != CDX_OK)
		return CDX_ERR_NOMEM;
	if (nc == ns && memcmp(subj, comm, nc) == 0)
		return CDX_OK;
	len[0] = (uint8_t)(nc >> 8);
	len[1] = (uint8_t)nc;
	return cdx_buf_add(keys, len, 2) == CDX_OK &&
	       cdx_buf_add(keys, comm, nc) == CDX_OK ? CDX_OK : CDX_ERR_NOMEM;
}

/* Drop the by_entity entries of document @p doc under the keys noted. */
static int unlist_keys(struct index_wctx *w, const struct cdx_buf *keys,
                       uint64_t doc, struct cdx_error *err)
{
	const uint8_t *p = (const uint8_t *)keys->ptr;
	const uint8_t *end = p + keys->len;
	int rc = CDX_OK;

	/* the document's entries go at once: a second call finds none */
	while (rc == CDX_OK && end - p >= 2) {
		size_t n = (size_t)p[0] << 8 | p[1];

		rc = index_entlist_del(w->ix, w->txn, (const char *)p + 2, n,
		                       doc, err);
		p += 2 + n;
	}
	return rc;
}

/* Remove document @p id's claims record and what lists its claims. */
static int remove_claims(struct index_wctx *w, uint64_t id,
                         struct cdx_error *err)
{
	struct cdx_buf keys = CDX_BUF_INIT(SIZE_MAX / 2);
	struct index_claims_rd rd;
	struct index_claimrec r;
	MDB_val v;
	void *copy = NULL;
	int rc;

	rc = index_block_get(w->ix, w->txn, DB_CLAIMS, id, &v, err);
	if (rc == CDX_ERR_NOTFOUND)
		return CDX_OK;
	if (rc == CDX_ERR_CORRUPT)
		return cdx_error_set(err, rc, "index '%s': the claims of "
		                     "document %llu are damaged", w->ix->path,
		                     (unsigned long long)id);
	if (rc != CDX_OK)
		return rc;
	/* a copy: the writes below may move the value */
	copy = malloc(v.mv_size ? v.mv_size : 1);
	if (copy == NULL)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	memcpy(copy, v.mv_data, v.mv_size);
	rc = index_claims_open(&rd, w->ix, w->txn, id, copy, v.mv_size);
	while (rc == CDX_OK && (rc = index_claims_next(&rd, &r)) == CDX_OK)
		rc = note_keys(&keys, &r);
	if (rc == CDX_ERR_ITEROVER) {
		rc = unlist_keys(w, &keys, id, err);
		if (rc == CDX_OK)
			rc = index_block_del(w->ix, w->txn, DB_CLAIMS, id,
			                     err);
	} else if (rc == CDX_ERR_NOMEM) {
		cdx_error_set(err, rc, "out of memory");
	} else if (rc == CDX_ERR_CORRUPT) {
		cdx_error_set(err, rc, "index '%s': the claims of document "
		              "%llu are damaged", w->ix->path,
		              (unsigned long long)id);
	}
	index_claims_release(&rd);
	cdx_buf_release(&keys);
	free(copy);
	return rc;
}

int index_remove_doc(struct index_wctx *w, uint64_t id, struct cdx_error *err)
{
	struct index_docrec r;
	uint64_t n_tokens, text_off, text_len, sh, hash;
	uint32_t n_claims;
	int rc = CDX_OK;

	/* the text and dlen tables as they stand: read and changed below */
	if (w->text)
		rc = index_tail_flush(w->ix, w->txn, w->text, err);
	if (rc == CDX_OK && w->dlen)
		rc = index_tail_flush(w->ix, w->txn, w->dlen, err);
	if (rc == CDX_OK)
		rc = index_doc_read(w->ix, w->txn, id, &r, err);
	if (rc != CDX_OK)
		return rc;
	/* the record does not keep it: the text gives it */
	rc = index_doc_hash(w->ix, w->txn, &r, &hash, err);
	if (rc != CDX_OK)
		return rc;
	sh = index_hash64(r.source, r.source_len);
	n_claims = r.n_claims;
	n_tokens = r.n_tokens;
	text_off = r.span_off; /* the title too, when stored apart */
	text_len = r.span_len;
	/* its file's stamp no longer holds (first: r points into pages
	 * the writes below may change) */
	rc = index_stamp_forget(w->ix, w->txn, r.source, r.source_len, err);
	if (rc == CDX_OK)
		rc = remove_postings(w, id, err);
	if (rc == CDX_OK)
		rc = remove_claims(w, id, err);
	if (rc == CDX_OK)
		rc = index_idmap_del(w->ix, w->txn, DB_SOURCE, sh, id, err);
	if (rc == CDX_OK)
		rc = index_idmap_del(w->ix, w->txn, DB_HASH, hash, id, err);
	if (rc != CDX_OK)
		return rc;
	rc = index_doc_del(w->ix, w->txn, id, err);
	if (rc != CDX_OK)
		return rc == CDX_ERR_NOTFOUND
		       ? index_mdb_error(w->ix, MDB_NOTFOUND, "write", err)
		       : rc;
	rc = index_dlen_set(w->ix, w->txn, id, 0, err);
	if (rc != CDX_OK)
		return rc;
	rc = index_text_drop(w->ix, w->txn, &w->meta, id, text_off, text_len,
	                     err);
	if (rc != CDX_OK)
		return rc;
	w->meta.n_docs = sub_sat(w->meta.n_docs, 1);
	w->meta.n_tokens = sub_sat(w->meta.n_tokens, n_tokens);
	w->meta.n_claims = sub_sat(w->meta.n_claims, n_claims);
	w->meta.text_bytes = sub_sat(w->meta.text_bytes, text_len);
	return CDX_OK;
}

static int delete_once(struct cdx_index *ix, const char *source,
                       struct cdx_error *err)
{
	struct index_wctx w = {ix, NULL, {0}, NULL, UINT64_MAX, NULL, NULL};
	uint64_t id;
	int rc;

	rc = index_write_begin(ix, &w.txn, err);
	if (rc != CDX_OK)
		return rc;
	rc = index_meta_load(ix, w.txn, &w.meta, err);
	if (rc == CDX_OK)
		rc = index_doc_resolve(ix, w.txn, source, &id, err);
	if (rc == CDX_OK)
		rc = index_remove_doc(&w, id, err);
	/* a delete on its own is rare: purge its postings now */
	if (rc == CDX_OK)
		rc = index_seg_purge(ix, w.txn, &w.meta, id, err);
	if (rc == CDX_OK)
		rc = index_meta_store(ix, w.txn, &w.meta, err);
	if (rc != CDX_OK) {
		index_write_abort(ix, w.txn);
		return rc;
	}
	return index_write_commit(ix, w.txn, err);
}

int cdx_index_delete(struct cdx_index *ix, const char *source,
                     struct cdx_error *err)
{
	int rc = index_grow_if_needed(ix, err);

	while (rc == CDX_OK) {
		rc = delete_once(ix, source, err);
		if (rc != CDX_ERR_MAPFULL)
			break;
		rc = index_grow(ix, err);
	}
	return rc;
}
