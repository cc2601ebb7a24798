/*
 * docblock.c — where the per-document records live that a document has
 * one of: its doc record (record.c packs them), sixteen to an LMDB value,
 * and its claims record (claimrec.c), eight to a value. A doc record is
 * ~22 bytes on Reuters, and a value of its own cost LMDB 18 more (node
 * header, 8-byte key, pointer): 0.34 MB of a 0.75 MB docs database.
 * Blocked, that is 18 bytes per 16 documents. Claims records are ~80
 * bytes: eight of them keep a block well below LMDB's largest in-page
 * node (2 KB), and take 0.16 MB off Reuters' 1.54 MB (schema 11; the
 * blocks repacked at close, compact.c). Sixteen would save 0.01 MB more
 * and double the records a lookup steps over.
 *
 * Key: doc id >> the table's shift (u64 BE). Value: the block's records
 * in id order, each a slot byte (id's low shift bits), a varint length
 * and the record. A block with no record left is deleted.
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

/* The shift of a blocked table. */
static unsigned shift_of(enum index_db db)
{
	return db == DB_CLAIMS ? INDEX_CLAIM_SHIFT : INDEX_DOC_SHIFT;
}

static MDB_val block_key(uint8_t kb[8], enum index_db db, uint64_t id)
{
	index_put_be64(kb, id >> shift_of(db));
	return index_val(kb, 8);
}

static uint64_t slot_of(enum index_db db, uint64_t id)
{
	return id & ((1u << shift_of(db)) - 1);
}

/* "index 'P': the records of documents N.. are damaged". */
static int block_damaged(struct cdx_index *ix, enum index_db db,
                         uint64_t id, struct cdx_error *err)
{
	return cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': the %s of "
	                     "documents %llu.. are damaged", ix->path,
	                     db == DB_CLAIMS ? "claims" : "records",
	                     (unsigned long long)(id - slot_of(db, id)));
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
	if (*slot >= SLOTS || (int)*slot <= prev)
		return CDX_ERR_CORRUPT;
	/* most records are shorter than 128 bytes: a one-byte length */
	if (*p < end && **p < 0x80)
		n = *(*p)++;
	else if (index_varint_get(p, end, &n))
		return CDX_ERR_CORRUPT;
	if (n == 0 || n > (uint64_t)(end - *p))
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

int index_block_get(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t id, MDB_val *rec, struct cdx_error *err)
{
	uint8_t kb[8];
	MDB_val k = block_key(kb, db, id), v;
	int rc = mdb_get(txn, ix->dbi[db], &k, &v);

	if (rc == MDB_NOTFOUND)
		return CDX_ERR_NOTFOUND;
	if (rc != 0)
		return index_mdb_error(ix, rc, "read", err);
	return index_docblock_find(v.mv_data, v.mv_size,
	                           (unsigned)slot_of(db, id), rec);
}

int index_doc_get(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                  MDB_val *rec, struct cdx_error *err)
{
	return index_block_get(ix, txn, DB_DOCS, id, rec, err);
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

int index_block_put(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t id, const void *rec, size_t n,
                    struct cdx_error *err)
{
	unsigned flags = MDB_APPEND;
	unsigned slot = (unsigned)slot_of(db, id);
	uint8_t kb[8], *b = NULL;
	size_t len = 0;
	MDB_val k, v, nk = block_key(kb, db, id);
	MDB_cursor *cur = NULL;
	int rc = mdb_cursor_open(txn, ix->dbi[db], &cur);

	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	if (rc == 0 && k.mv_size == 8 &&
	    index_get_be64(k.mv_data) == id >> shift_of(db)) {
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
			return block_damaged(ix, db, id, err);
		}
		len = v.mv_size;
		flags = 0;
	} else if (rc == MDB_NOTFOUND || rc == 0) {
		rc = 0;
	}
	/* the block (a copy: the put may move it) and the new record, in
	 * one allocation: a batch puts one a document, twice */
	if (rc == 0 && n <= SIZE_MAX - len - 11 &&
	    (b = malloc(len + 11 + n)) != NULL) {
		if (len)
			memcpy(b, v.mv_data, len);
		b[len++] = (uint8_t)slot;
		len += index_varint_put(b + len, n);
		memcpy(b + len, rec, n);
		v = index_val(b, len + n);
		/* a block put back longer is where the cursor stands */
		rc = mdb_cursor_put(cur, &nk, &v, flags ? flags : MDB_CURRENT);
	} else if (rc == 0) {
		rc = ENOMEM;
	}
	mdb_cursor_close(cur);
	free(b);
	if (rc == ENOMEM)
		return index_nomem(err);
	return rc ? index_mdb_error(ix, rc, "write", err) : CDX_OK;
}

int index_doc_put(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                  const void *rec, size_t n, struct cdx_error *err)
{
	return index_block_put(ix, txn, DB_DOCS, id, rec, n, err);
}

int index_block_del(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t id, struct cdx_error *err)
{
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	unsigned slot = (unsigned)slot_of(db, id), s;
	uint8_t kb[8];
	MDB_val k = block_key(kb, db, id), v, r;
	const uint8_t *p, *end;
	int prev = -1, rc, found = 0;

	rc = mdb_get(txn, ix->dbi[db], &k, &v);
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
		       : block_damaged(ix, db, id, err);
	}
	if (b.len == 0) {
		rc = mdb_del(txn, ix->dbi[db], &k, NULL);
	} else {
		v = index_val(b.ptr, b.len);
		rc = mdb_put(txn, ix->dbi[db], &k, &v, 0);
	}
	cdx_buf_release(&b);
	return rc ? index_mdb_error(ix, rc, "write", err) : CDX_OK;
}

int index_doc_del(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                  struct cdx_error *err)
{
	return index_block_del(ix, txn, DB_DOCS, id, err);
}

/* ------------------------------------------------------------ walking */

int index_blocks_open(struct index_docs_it *it, struct cdx_index *ix,
                      MDB_txn *txn, enum index_db db, uint64_t from)
{
	int rc;

	memset(it, 0, sizeof *it);
	it->from = from;
	it->shift = shift_of(db);
	rc = mdb_cursor_open(txn, ix->dbi[db], &it->cur);
	if (rc != 0)
		return rc;
	it->k = block_key(it->kb, db, from);
	rc = mdb_cursor_get(it->cur, &it->k, &it->v, MDB_SET_RANGE);
	it->state = rc;
	it->prev = -1;
	if (rc == 0) {
		it->p = it->v.mv_data;
		it->end = it->p + it->v.mv_size;
	}
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int index_docs_open(struct index_docs_it *it, struct cdx_index *ix,
                    MDB_txn *txn, uint64_t from)
{
	return index_blocks_open(it, ix, txn, DB_DOCS, from);
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
			if (rc == CDX_OK && s >> it->shift)
				rc = CDX_ERR_CORRUPT;
		}
		if (rc == CDX_OK) {
			it->prev = (int)s;
			*id = index_get_be64(it->k.mv_data) << it->shift | s;
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
	MDB_val k = block_key(kb, DB_DOCS, id), v, r;
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
