/*
 * entlist.c — claims by entity: for each folded entity name its claim
 * ids, as delta-varint chunks rather than one dupsort node per claim (a
 * node cost ~18 bytes a claim; an entry here is about 2).
 *
 * Key: the entity key, a NUL byte, the id of the chunk's first document
 * (u64 BE); so an entity's chunks are adjacent and in document order (no
 * entity key holds a NUL byte, and "China\0..." sorts before
 * "China Mobile\0..."). Value: per claim, varint document delta (from
 * the key's document for the first entry, which is 0, then from the
 * entry before: 0 within one document) and varint ordinal. A document's
 * claims about an entity are appended at once to the entity's last chunk,
 * or start a new chunk when that would pass INDEX_ENTITY_CHUNK bytes; so
 * one document's entries are always in one chunk, and removing it
 * rewrites that chunk alone. When an entity's last chunk goes, its name
 * in the entities database goes too.
 */
#include <errno.h>
#include <stdlib.h>

#include "index_int.h"

#define KEY_MAX (INDEX_ENTITY_MAX + 9)

static size_t chunk_key(uint8_t *out, const char *key, size_t n,
                        uint64_t doc)
{
	memcpy(out, key, n);
	out[n] = 0;
	index_put_be64(out + n + 1, doc);
	return n + 9;
}

static int is_chunk_of(const MDB_val *k, const char *key, size_t n)
{
	return k->mv_size == n + 9 && memcmp(k->mv_data, key, n) == 0 &&
	       ((const uint8_t *)k->mv_data)[n] == 0;
}

int index_entchunk_open(struct index_entchunk *c, const MDB_val *k,
                        const MDB_val *v)
{
	const uint8_t *kp = k->mv_data;

	memset(c, 0, sizeof *c);
	if (k->mv_size < 10 || kp[k->mv_size - 9] != 0)
		return CDX_ERR_CORRUPT;
	c->key = (const char *)kp;
	c->key_len = k->mv_size - 9;
	c->first = c->doc = index_get_be64(kp + c->key_len + 1);
	c->p = v->mv_data;
	c->end = c->p + v->mv_size;
	return CDX_OK;
}

int index_entchunk_next(struct index_entchunk *c, uint64_t *doc,
                        uint32_t *ord)
{
	uint64_t d, o;

	if (c->p == c->end)
		return CDX_ERR_ITEROVER;
	if (index_varint_get(&c->p, c->end, &d) ||
	    index_varint_get(&c->p, c->end, &o) || o > INDEX_CLAIMS_MAX ||
	    d > UINT64_MAX - c->doc)
		return CDX_ERR_CORRUPT;
	c->doc += d;
	c->n++;
	*doc = c->doc;
	*ord = (uint32_t)o;
	return CDX_OK;
}

/* Position @p cur on the chunk of @p key that holds @p doc (or the last
 * chunk, with doc UINT64_MAX). @return 0 with *k, *v, or MDB_NOTFOUND. */
static int find_chunk(MDB_cursor *cur, const char *key, size_t n,
                      uint64_t doc, MDB_val *k, MDB_val *v)
{
	uint8_t probe[KEY_MAX];
	int rc;

	*k = index_val(probe, chunk_key(probe, key, n, doc));
	rc = mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
	if (rc == 0 && is_chunk_of(k, key, n) &&
	    index_get_be64((const uint8_t *)k->mv_data + n + 1) == doc)
		return 0;
	if (rc == 0)
		rc = mdb_cursor_get(cur, k, v, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(cur, k, v, MDB_LAST);
	if (rc == 0 && !is_chunk_of(k, key, n))
		rc = MDB_NOTFOUND;
	return rc;
}

static int put_entries(struct cdx_buf *b, uint64_t prev, uint64_t doc,
                       const uint32_t *ords, size_t n)
{
	int rc = CDX_OK;

	for (size_t i = 0; i < n && rc == CDX_OK; i++) {
		rc = index_buf_varint(b, i ? 0 : doc - prev);
		if (rc == CDX_OK)
			rc = index_buf_varint(b, ords[i]);
	}
	return rc;
}

static int damaged(struct cdx_index *ix, const char *key, size_t n,
                   struct cdx_error *err)
{
	return cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': the claim "
	                     "list of entity '%.*s' is damaged", ix->path,
	                     (int)n, key);
}

int index_entlist_add(struct cdx_index *ix, MDB_txn *txn, const char *key,
                      size_t n, uint64_t doc, const uint32_t *ords,
                      size_t n_ords, struct cdx_error *err)
{
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	uint8_t kb[KEY_MAX];
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	size_t klen = chunk_key(kb, key, n, doc);
	uint64_t prev = doc;
	int rc;

	rc = mdb_cursor_open(txn, ix->dbi[DB_BY_ENTITY], &cur);
	if (rc == 0)
		rc = find_chunk(cur, key, n, UINT64_MAX, &k, &v);
	if (rc == 0 && v.mv_size < INDEX_ENTITY_CHUNK) {
		struct index_entchunk c;
		uint64_t d;
		uint32_t o;
		int crc = index_entchunk_open(&c, &k, &v);

		while (crc == CDX_OK &&
		       (crc = index_entchunk_next(&c, &d, &o)) == CDX_OK)
			;
		if (crc != CDX_ERR_ITEROVER || c.doc >= doc) {
			mdb_cursor_close(cur);
			return damaged(ix, key, n, err);
		}
		/* append to it, unless that would pass the chunk size */
		prev = c.doc;
		if (put_entries(&b, prev, doc, ords, n_ords) != CDX_OK)
			rc = ENOMEM;
		else if (v.mv_size + b.len <= INDEX_ENTITY_CHUNK) {
			memcpy(kb, k.mv_data, k.mv_size);
			cdx_buf_clear(&b);
			if (cdx_buf_add(&b, v.mv_data, v.mv_size) != CDX_OK ||
			    put_entries(&b, prev, doc, ords, n_ords) != CDX_OK)
				rc = ENOMEM;
		} else {
			cdx_buf_clear(&b);
			prev = doc;
		}
	} else if (rc == 0 || rc == MDB_NOTFOUND) {
		rc = 0;
	}
	mdb_cursor_close(cur);
	if (rc == 0 && b.len == 0 &&
	    put_entries(&b, prev, doc, ords, n_ords) != CDX_OK)
		rc = ENOMEM;
	if (rc == 0) {
		k = index_val(kb, klen);
		v = index_val(b.ptr, b.len);
		rc = mdb_put(txn, ix->dbi[DB_BY_ENTITY], &k, &v, 0);
	}
	cdx_buf_release(&b);
	if (rc == ENOMEM)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	return rc ? index_mdb_error(ix, rc, "write", err) : CDX_OK;
}

/* Does any chunk of @p key remain? */
static int has_chunks(MDB_txn *txn, MDB_dbi dbi, const char *key, size_t n,
                      int *out)
{
	uint8_t probe[KEY_MAX];
	MDB_cursor *cur = NULL;
	MDB_val k = index_val(probe, chunk_key(probe, key, n, 0)), v;
	int rc = mdb_cursor_open(txn, dbi, &cur);

	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	*out = rc == 0 && is_chunk_of(&k, key, n);
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int index_entlist_del(struct cdx_index *ix, MDB_txn *txn, const char *key,
                      size_t n, uint64_t doc, struct cdx_error *err)
{
	MDB_dbi dbi = ix->dbi[DB_BY_ENTITY];
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	struct index_entchunk c;
	uint8_t kb[KEY_MAX], nk[KEY_MAX];
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	uint64_t d, prev = 0, first = 0;
	uint32_t o;
	size_t kept = 0, dropped = 0, klen;
	int rc, crc, more;

	if (n == 0)
		return CDX_OK;
	rc = mdb_cursor_open(txn, dbi, &cur);
	if (rc == 0)
		rc = find_chunk(cur, key, n, doc, &k, &v);
	if (rc != 0) {
		mdb_cursor_close(cur);
		return rc == MDB_NOTFOUND ? CDX_OK
		                          : index_mdb_error(ix, rc, "read", err);
	}
	klen = k.mv_size;
	memcpy(kb, k.mv_data, klen);
	/* the chunk without the document's entries, re-encoded */
	crc = index_entchunk_open(&c, &k, &v);
	while (crc == CDX_OK && (crc = index_entchunk_next(&c, &d, &o)) ==
	                        CDX_OK) {
		if (d == doc) {
			dropped++;
			continue;
		}
		if (kept++ == 0)
			first = prev = d;
		if (index_buf_varint(&b, d - prev) != CDX_OK ||
		    index_buf_varint(&b, o) != CDX_OK)
			crc = CDX_ERR_NOMEM;
		prev = d;
	}
	mdb_cursor_close(cur);
	if (crc != CDX_ERR_ITEROVER) {
		cdx_buf_release(&b);
		return crc == CDX_ERR_NOMEM
		       ? cdx_error_set(err, crc, "out of memory")
		       : damaged(ix, key, n, err);
	}
	rc = 0;
	if (dropped && (kept == 0 || first != c.first)) {
		k = index_val(kb, klen);
		rc = mdb_del(txn, dbi, &k, NULL);
	}
	if (rc == 0 && dropped && kept) {
		k = index_val(nk, chunk_key(nk, key, n, first));
		v = index_val(b.ptr, b.len);
		rc = mdb_put(txn, dbi, &k, &v, 0);
	}
	cdx_buf_release(&b);
	if (rc == 0 && dropped && kept == 0)
		rc = has_chunks(txn, dbi, key, n, &more);
	if (rc == 0 && dropped && kept == 0 && !more) {
		/* its last claim went: the name goes too */
		k = index_val(key, n);
		rc = mdb_del(txn, ix->dbi[DB_ENTITIES], &k, NULL);
		if (rc == MDB_NOTFOUND)
			rc = 0;
	}
	return rc ? index_mdb_error(ix, rc, "write", err) : CDX_OK;
}
