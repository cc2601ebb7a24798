/*
 * docblock.c — where the doc records (record.c packs them) live: sixteen
 * to an LMDB value. A record is ~22 bytes on Reuters, and a value of its
 * own cost LMDB 18 more (node header, 8-byte key, pointer): 0.34 MB of
 * a 0.75 MB docs database. Blocked, that is 18 bytes per 16 documents.
 *
 * Key: doc id >> INDEX_DOC_SHIFT (u64 BE). Value: the block's records in
 * id order, each a slot byte (id & (INDEX_DOC_BLOCK - 1)), a varint
 * length and the record. A block with no record left is deleted.
 *
 * Ids only grow, so a new record goes to the last block, replaced
 * longer, or starts a new one with MDB_APPEND. (Taking the block out
 * and appending it again would split pages at the end, but the deletes
 * make LMDB rebalance, moving nodes out of the full pages before: 157
 * leaf pages on Reuters where replacing takes 128, and 183 unblocked.)
 * Reading a record scans at most 15 others of its block.
 */
#include <errno.h>
#include <stdlib.h>

#include "index_int.h"

#define SLOTS INDEX_DOC_BLOCK

static MDB_val block_key(uint8_t kb[8], uint64_t id)
{
	index_put_be64(kb, id >> INDEX_DOC_SHIFT);
	return index_val(kb, 8);
}

/* The next record of a block at *p (not past @p end), after slot
 * @p prev (-1 at the start). @return 0, ITEROVER at the end, CORRUPT. */
static int next_rec(const uint8_t **p, const uint8_t *end, int prev,
                    unsigned *slot, MDB_val *rec)
{
	uint64_t n;

	if (*p == end)
		return CDX_ERR_ITEROVER;
	*slot = *(*p)++;
	if (*slot >= SLOTS || (int)*slot <= prev ||
	    index_varint_get(p, end, &n) || n == 0 ||
	    n > (uint64_t)(end - *p))
		return CDX_ERR_CORRUPT;
	*rec = index_val(*p, n);
	*p += n;
	return CDX_OK;
}

int index_docblock_find(const void *v, size_t n, unsigned slot,
                        MDB_val *rec)
{
	const uint8_t *p = v, *end = p + n;
	int prev = -1, rc;
	unsigned s;

	if (n == 0)
		return CDX_ERR_CORRUPT;
	while ((rc = next_rec(&p, end, prev, &s, rec)) == CDX_OK) {
		if (s == slot)
			return CDX_OK;
		if (s > slot)
			return CDX_ERR_NOTFOUND;
		prev = (int)s;
	}
	return rc == CDX_ERR_ITEROVER ? CDX_ERR_NOTFOUND : rc;
}

int index_doc_get(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                  MDB_val *rec, struct cdx_error *err)
{
	uint8_t kb[8];
	MDB_val k = block_key(kb, id), v;
	int rc = mdb_get(txn, ix->dbi[DB_DOCS], &k, &v);

	if (rc == MDB_NOTFOUND)
		return CDX_ERR_NOTFOUND;
	if (rc != 0)
		return index_mdb_error(ix, rc, "read", err);
	return index_docblock_find(v.mv_data, v.mv_size,
	                           (unsigned)(id & (SLOTS - 1)), rec);
}

static int put_rec(struct cdx_buf *b, unsigned slot, const void *rec,
                   size_t n)
{
	uint8_t s = (uint8_t)slot;
	int rc = cdx_buf_add(b, &s, 1);

	if (rc == CDX_OK)
		rc = index_buf_varint(b, n);
	return rc ? rc : cdx_buf_add(b, rec, n);
}

int index_doc_put(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                  const void *rec, size_t n, struct cdx_error *err)
{
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	unsigned flags = MDB_APPEND;
	unsigned slot = (unsigned)(id & (SLOTS - 1));
	uint8_t kb[8];
	MDB_val k, v, nk = block_key(kb, id);
	MDB_cursor *cur = NULL;
	int rc = mdb_cursor_open(txn, ix->dbi[DB_DOCS], &cur);

	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	if (rc == 0 && k.mv_size == 8 &&
	    index_get_be64(k.mv_data) == id >> INDEX_DOC_SHIFT) {
		/* the last block is this one's: put it back longer (after
		 * its last record, which must be lower) */
		const uint8_t *p = v.mv_data, *end = p + v.mv_size;
		unsigned s = 0;
		int prev = -1, nrc;
		MDB_val r;

		while ((nrc = next_rec(&p, end, prev, &s, &r)) == CDX_OK)
			prev = (int)s;
		if (nrc != CDX_ERR_ITEROVER || prev >= (int)slot) {
			mdb_cursor_close(cur);
			return cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': "
			                     "the records of documents %llu.. "
			                     "are damaged", ix->path,
			                     (unsigned long long)(id & ~(uint64_t)
			                                          (SLOTS - 1)));
		}
		if (cdx_buf_add(&b, v.mv_data, v.mv_size) != CDX_OK) {
			mdb_cursor_close(cur);
			cdx_buf_release(&b);
			return index_nomem(err);
		}
		flags = 0;
	} else if (rc == MDB_NOTFOUND || rc == 0) {
		rc = 0;
	}
	if (rc == 0 && put_rec(&b, slot, rec, n) != CDX_OK)
		rc = ENOMEM;
	if (rc == 0) {
		v = index_val(b.ptr, b.len);
		/* a block put back longer is where the cursor stands */
		rc = mdb_cursor_put(cur, &nk, &v, flags ? flags : MDB_CURRENT);
	}
	mdb_cursor_close(cur);
	cdx_buf_release(&b);
	if (rc == ENOMEM)
		return index_nomem(err);
	return rc ? index_mdb_error(ix, rc, "write", err) : CDX_OK;
}

int index_doc_del(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                  struct cdx_error *err)
{
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	unsigned slot = (unsigned)(id & (SLOTS - 1)), s;
	uint8_t kb[8];
	MDB_val k = block_key(kb, id), v, r;
	const uint8_t *p, *end;
	int prev = -1, rc, found = 0;

	rc = mdb_get(txn, ix->dbi[DB_DOCS], &k, &v);
	if (rc == MDB_NOTFOUND)
		return CDX_ERR_NOTFOUND;
	if (rc != 0)
		return index_mdb_error(ix, rc, "read", err);
	p = v.mv_data;
	end = p + v.mv_size;
	while ((rc = next_rec(&p, end, prev, &s, &r)) == CDX_OK) {
		prev = (int)s;
		if (s == slot)
			found = 1;
		else if (put_rec(&b, s, r.mv_data, r.mv_size) != CDX_OK)
			rc = CDX_ERR_NOMEM;
		if (rc != CDX_OK)
			break;
	}
	if (rc != CDX_ERR_ITEROVER || !found) {
		cdx_buf_release(&b);
		if (rc == CDX_ERR_NOMEM)
			return index_nomem(err);
		return rc == CDX_ERR_ITEROVER ? CDX_ERR_NOTFOUND
		       : cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': "
		                       "the records of documents %llu.. are "
		                       "damaged", ix->path,
		                       (unsigned long long)(id & ~(uint64_t)
		                                            (SLOTS - 1)));
	}
	if (b.len == 0) {
		rc = mdb_del(txn, ix->dbi[DB_DOCS], &k, NULL);
	} else {
		v = index_val(b.ptr, b.len);
		rc = mdb_put(txn, ix->dbi[DB_DOCS], &k, &v, 0);
	}
	cdx_buf_release(&b);
	return rc ? index_mdb_error(ix, rc, "write", err) : CDX_OK;
}

/* ------------------------------------------------------------ walking */

int index_docs_open(struct index_docs_it *it, struct cdx_index *ix,
                    MDB_txn *txn, uint64_t from)
{
	int rc;

	memset(it, 0, sizeof *it);
	it->from = from;
	rc = mdb_cursor_open(txn, ix->dbi[DB_DOCS], &it->cur);
	if (rc != 0)
		return rc;
	it->k = block_key(it->kb, from);
	rc = mdb_cursor_get(it->cur, &it->k, &it->v, MDB_SET_RANGE);
	it->state = rc;
	it->prev = -1;
	if (rc == 0) {
		it->p = it->v.mv_data;
		it->end = it->p + it->v.mv_size;
	}
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int index_docs_next(struct index_docs_it *it, uint64_t *id, MDB_val *rec)
{
	for (;;) {
		unsigned s;
		int rc;

		if (it->state != 0)
			return it->state == MDB_NOTFOUND ? CDX_ERR_ITEROVER
			                                 : it->state;
		if (it->k.mv_size != 8) {
			it->bad = 1;
			rc = CDX_ERR_CORRUPT;
		} else {
			rc = next_rec(&it->p, it->end, it->prev, &s, rec);
		}
		if (rc == CDX_OK) {
			it->prev = (int)s;
			*id = index_get_be64(it->k.mv_data) << INDEX_DOC_SHIFT | s;
			if (*id < it->from)
				continue;
			return CDX_OK;
		}
		if (rc == CDX_ERR_CORRUPT ||
		    (rc == CDX_ERR_ITEROVER && it->prev < 0)) {
			/* an empty or damaged block: said once, then the
			 * next one */
			it->block = it->k.mv_size == 8
			            ? index_get_be64(it->k.mv_data) : 0;
			it->state = mdb_cursor_get(it->cur, &it->k, &it->v,
			                           MDB_NEXT);
			it->p = it->v.mv_data;
			it->end = it->p + (it->state ? 0 : it->v.mv_size);
			it->prev = -1;
			return CDX_ERR_CORRUPT;
		}
		it->state = mdb_cursor_get(it->cur, &it->k, &it->v, MDB_NEXT);
		it->p = it->v.mv_data;
		it->end = it->p + (it->state ? 0 : it->v.mv_size);
		it->prev = -1;
	}
}

void index_docs_close(struct index_docs_it *it)
{
	if (it != NULL && it->cur != NULL)
		mdb_cursor_close(it->cur);
	if (it != NULL)
		it->cur = NULL;
}

int index_doc_before(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                     uint64_t *before, MDB_val *rec)
{
	uint8_t kb[8];
	MDB_val k = block_key(kb, id), v, r;
	MDB_cursor *cur = NULL;
	int rc = mdb_cursor_open(txn, ix->dbi[DB_DOCS], &cur);
	int found = 0;

	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	/* this block's records below id, else the block before's last */
	for (int step = 0; rc == 0 && !found && step < 2; step++) {
		const uint8_t *p = v.mv_data, *end = p + v.mv_size;
		int prev = -1;
		unsigned s;
		uint64_t base;

		if (k.mv_size != 8)
			break;
		base = index_get_be64(k.mv_data) << INDEX_DOC_SHIFT;
		while (base < id && next_rec(&p, end, prev, &s, &r) == CDX_OK &&
		       base + s < id) {
			prev = (int)s;
			*before = base + s;
			*rec = r;
			found = 1;
		}
		if (!found)
			rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
	}
	mdb_cursor_close(cur);
	if (found)
		return CDX_OK;
	return rc == 0 || rc == MDB_NOTFOUND ? CDX_ERR_NOTFOUND : rc;
}
