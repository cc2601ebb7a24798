/*
 * idmap.c — the source and hash databases: a document's 64-bit hash (of
 * its source, of its content) → its id.
 *
 * The one idea: one entry per document costs LMDB a node (key, header,
 * pointer) of its own, about as much again as the entry, and random keys
 * leave pages a third empty. So the top byte of the hash is the key (256
 * buckets) and each entry is a fixed-size duplicate value: the other 7
 * bytes of the hash and the doc id in 4 bytes (ids stop at 2^32 - 1),
 * both big-endian, so a bucket's values sort by hash. DUPFIXED stores
 * them packed, 11 bytes each, in pages of their own once a bucket
 * outgrows its inline page.
 * A hash maps to one document at most; putting a hash replaces its entry.
 */
#include "index_int.h"

#define VAL_LEN 11
#define ID_MAX (((uint64_t)1 << 32) - 1)

static void pack(uint64_t h, uint64_t id, uint8_t *key, uint8_t *val)
{
	uint8_t hb[8];

	index_put_be64(hb, h);
	key[0] = hb[0];
	memcpy(val, hb + 1, 7);
	for (int i = 3; i >= 0; i--, id >>= 8)
		val[7 + i] = (uint8_t)id;
}

int index_idmap_entry(const MDB_val *k, const MDB_val *v, uint64_t *h,
                      uint64_t *id)
{
	const uint8_t *p = v->mv_data;
	uint8_t hb[8];

	if (k->mv_size != 1 || v->mv_size != VAL_LEN)
		return CDX_ERR_CORRUPT;
	hb[0] = *(const uint8_t *)k->mv_data;
	memcpy(hb + 1, p, 7);
	*h = index_get_be64(hb);
	*id = 0;
	for (int i = 0; i < 4; i++)
		*id = *id << 8 | p[7 + i];
	return CDX_OK;
}

/* Put a cursor on the entry of @p h: 0, MDB_NOTFOUND or an LMDB code. */
static int seek(MDB_cursor *cur, uint64_t h, uint64_t *id)
{
	uint8_t kb[1], vb[VAL_LEN];
	MDB_val k = index_val(kb, 1), v = index_val(vb, VAL_LEN);
	uint64_t got;
	int rc;

	pack(h, 0, kb, vb);
	rc = mdb_cursor_get(cur, &k, &v, MDB_GET_BOTH_RANGE);
	if (rc != 0)
		return rc;
	if (index_idmap_entry(&k, &v, &got, id) != CDX_OK || got != h)
		return MDB_NOTFOUND;
	return 0;
}

int index_idmap_get(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t h, uint64_t *id, struct cdx_error *err)
{
	MDB_cursor *cur;
	int rc = mdb_cursor_open(txn, ix->dbi[db], &cur);

	if (rc == 0) {
		rc = seek(cur, h, id);
		mdb_cursor_close(cur);
	}
	if (rc == MDB_NOTFOUND)
		return CDX_ERR_NOTFOUND;
	return rc ? index_mdb_error(ix, rc, "read", err) : CDX_OK;
}

int index_idmap_put(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t h, uint64_t id, struct cdx_error *err)
{
	MDB_cursor *cur;
	uint64_t old;
	int rc;

	rc = mdb_cursor_open(txn, ix->dbi[db], &cur);
	if (rc == 0) {
		rc = seek(cur, h, &old);
		if (rc == 0)
			rc = mdb_cursor_del(cur, 0);
		else if (rc == MDB_NOTFOUND)
			rc = 0;
		mdb_cursor_close(cur);
	}
	if (rc != 0)
		return index_mdb_error(ix, rc, "write", err);
	return index_idmap_add(ix, txn, db, h, id, err);
}

int index_idmap_add(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t h, uint64_t id, struct cdx_error *err)
{
	uint8_t kb[1], vb[VAL_LEN];
	MDB_val k = index_val(kb, 1), v = index_val(vb, VAL_LEN);
	int rc;

	if (id > ID_MAX)
		return cdx_error_set(err, CDX_ERR_FAIL, "index '%s' has run out "
		                     "of document ids", ix->path);
	pack(h, id, kb, vb);
	rc = mdb_put(txn, ix->dbi[db], &k, &v, 0);
	return rc ? index_mdb_error(ix, rc, "write", err) : CDX_OK;
}

int index_idmap_del(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t h, uint64_t id, struct cdx_error *err)
{
	uint8_t kb[1], vb[VAL_LEN];
	MDB_val k = index_val(kb, 1), v = index_val(vb, VAL_LEN);
	int rc;

	pack(h, id, kb, vb);
	rc = mdb_del(txn, ix->dbi[db], &k, &v);
	if (rc == MDB_NOTFOUND)
		rc = 0; /* it maps to another document, or to none */
	return rc ? index_mdb_error(ix, rc, "write", err) : CDX_OK;
}
