/*
 * prefix.c — the source prefix table. Sources are paths, and most of a
 * path is its folder ("/data/reuters21578/reut2-000.sgm#" for a thousand
 * articles): a doc record keeps the id of its source's prefix (up to the
 * last '/' or '#') and the rest, and the table keeps each prefix once,
 * both ways: prefix → id u32 BE, and byte 0x00 + id u32 BE → prefix (no
 * prefix starts with a NUL byte, so the two never meet).
 *
 * Prefixes are never removed: there are about as many as folders, and a
 * re-ingest of a folder needs them again. Ids are allocated in the
 * writer's transaction (the table's size), so an aborted batch, or the
 * replay after the map grew, allocates the same ids again.
 */
#include <stdint.h>

#include "index_int.h"

/* Shortest prefix worth an id. */
#define PREFIX_MIN 4

size_t index_source_split(const char *s, size_t n)
{
	size_t i = n;

	if (n >= INDEX_SOURCE_SPLIT_MAX)
		return 0;
	while (i > 0 && s[i - 1] != '/' && s[i - 1] != '#')
		i--;
	return i >= PREFIX_MIN ? i : 0;
}

int index_prefix_id(struct cdx_index *ix, MDB_txn *txn, const char *p,
                    size_t n, uint32_t *id, struct cdx_error *err)
{
	MDB_dbi dbi = ix->dbi[DB_PREFIXES];
	MDB_val k = index_val(p, n), v;
	uint8_t rk[5], idb[4];
	MDB_stat st;
	int rc;

	rc = mdb_get(txn, dbi, &k, &v);
	if (rc == 0 && v.mv_size == 4) {
		*id = index_get_be32(v.mv_data);
		return CDX_OK;
	}
	if (rc == 0)
		return cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': source "
		                     "prefix '%.*s' is damaged", ix->path,
		                     (int)n, p);
	if (rc != MDB_NOTFOUND)
		return index_mdb_error(ix, rc, "read", err);
	rc = mdb_stat(txn, dbi, &st);
	if (rc != 0)
		return index_mdb_error(ix, rc, "read", err);
	*id = (uint32_t)(st.ms_entries / 2);
	index_put_be32(idb, *id);
	rk[0] = 0;
	index_put_be32(rk + 1, *id);
	v = index_val(idb, 4);
	rc = mdb_put(txn, dbi, &k, &v, MDB_NOOVERWRITE);
	if (rc == 0) {
		k = index_val(rk, 5);
		v = index_val(p, n);
		rc = mdb_put(txn, dbi, &k, &v, MDB_NOOVERWRITE);
	}
	return rc ? index_mdb_error(ix, rc, "write", err) : CDX_OK;
}

int index_doc_source(struct cdx_index *ix, MDB_txn *txn,
                     struct index_docrec *r, struct cdx_error *err)
{
	return index_doc_source_cached(ix, txn, r, NULL, err);
}

int index_doc_source_cached(struct cdx_index *ix, MDB_txn *txn,
                            struct index_docrec *r,
                            struct index_prefix_cache *cache,
                            struct cdx_error *err)
{
	uint8_t rk[5];
	MDB_val k = index_val(rk, 5), v;
	int rc;

	if (r->prefix == 0)
		return CDX_OK;
	if (cache && cache->id == r->prefix) {
		v = index_val(cache->p, cache->n);
	} else {
		rk[0] = 0;
		index_put_be32(rk + 1, r->prefix - 1);
		rc = mdb_get(txn, ix->dbi[DB_PREFIXES], &k, &v);
		if (rc != 0 && rc != MDB_NOTFOUND)
			return index_mdb_error(ix, rc, "read", err);
		if (rc == 0 && cache) {
			cache->id = r->prefix;
			cache->p = v.mv_data;
			cache->n = v.mv_size;
		}
		if (rc == MDB_NOTFOUND)
			v.mv_size = SIZE_MAX;
	}
	if (v.mv_size == SIZE_MAX ||
	    v.mv_size + r->source_len > sizeof r->source_buf)
		return cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': source "
		                     "prefix %u is missing", ix->path,
		                     r->prefix - 1);
	memcpy(r->source_buf, v.mv_data, v.mv_size);
	if (r->source_len)
		memcpy(r->source_buf + v.mv_size, r->source, r->source_len);
	r->source = r->source_buf;
	r->source_len += v.mv_size;
	r->prefix = 0;
	return CDX_OK;
}
