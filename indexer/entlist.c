/*
 * entlist.c — claims by entity: for each folded entity name its claim
 * ids, as delta-varint chunks rather than one dupsort node per claim (a
 * node cost ~18 bytes a claim; an entry here is about 2), and the
 * entity's canonical name.
 *
 * Key: the entity key, a NUL byte, the id of the chunk's first document
 * in as few big-endian bytes as it takes after a byte saying how many
 * (1 to 8: a count first keeps byte order numeric; 3 bytes for most ids,
 * where a u64 took 8); so an entity's chunks are adjacent and in
 * document order (no entity key holds a NUL byte, and "China\0..."
 * sorts before "China Mobile\0..."). Value: a varint name header, then per claim,
 * varint document delta (from the key's document for the first entry,
 * which is 0, then from the entry before: 0 within one document) and
 * varint ordinal. A document's claims about an entity are appended at
 * once to the entity's last chunk, or start a new chunk when that would
 * pass INDEX_ENTITY_CHUNK bytes; so one document's entries are always in
 * one chunk, and removing it rewrites that chunk alone.
 *
 * The name header: 0 in every chunk but the entity's first; there, 1
 * when the canonical name is the key with each word's first letter
 * upper-cased ("united states" → "United States": four names in five),
 * else the name's length + 2 and the name. (Names had a database of
 * their own, a node per entity: 0.59 MB of a Reuters index.) When the
 * first chunk goes, the name moves to the next; it goes with the last.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "index_int.h"

#define KEY_MAX (INDEX_ENTITY_MAX + 10)

static size_t chunk_key(uint8_t *out, const char *key, size_t n,
                        uint64_t doc)
{
	unsigned len = 1;

	while (len < 8 && doc >> (8 * len) != 0)
		len++;
	memcpy(out, key, n);
	out[n] = 0;
	out[n + 1] = (uint8_t)len;
	for (unsigned i = 0; i < len; i++)
		out[n + 2 + i] = (uint8_t)(doc >> (8 * (len - 1 - i)));
	return n + 2 + len;
}

/* Split a chunk key into the entity key's length and the document.
 * @return 0 or CORRUPT. */
static int chunk_parse(const MDB_val *k, size_t *n, uint64_t *doc)
{
	const uint8_t *p = k->mv_data;
	const uint8_t *nul = k->mv_size ? memchr(p, 0, k->mv_size) : NULL;
	unsigned len;

	if (nul == NULL || nul == p || k->mv_size - (size_t)(nul - p) < 3)
		return CDX_ERR_CORRUPT;
	*n = (size_t)(nul - p);
	len = nul[1];
	/* the fewest bytes, so that byte order is numeric order */
	if (len < 1 || len > 8 || k->mv_size != *n + 2 + len ||
	    (len > 1 && nul[2] == 0))
		return CDX_ERR_CORRUPT;
	*doc = 0;
	for (unsigned i = 0; i < len; i++)
		*doc = *doc << 8 | nul[2 + i];
	return CDX_OK;
}

static int is_chunk_of(const MDB_val *k, const char *key, size_t n)
{
	size_t kn;
	uint64_t doc;

	return k->mv_size > n && memcmp(k->mv_data, key, n) == 0 &&
	       chunk_parse(k, &kn, &doc) == CDX_OK && kn == n;
}

enum { NAME_NONE = 0, NAME_DERIVED = 1, NAME_INLINE = 2 };

/* The name a key stands for when its header is NAME_DERIVED: each
 * word's first ASCII letter upper-cased. */
static void derive_name(const char *key, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		char ch = key[i];

		if ((i == 0 || key[i - 1] == ' ') && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		out[i] = ch;
	}
}

/* Append the name header of a chunk of @p key: @p name NULL for none. */
static int put_head(struct cdx_buf *b, const char *key, size_t n,
                    const char *name, size_t name_len)
{
	char d[INDEX_ENTITY_MAX + 1];
	int rc;

	if (name == NULL)
		return index_buf_varint(b, NAME_NONE);
	if (name_len == n && n <= INDEX_ENTITY_MAX) {
		derive_name(key, n, d);
		if (memcmp(d, name, n) == 0)
			return index_buf_varint(b, NAME_DERIVED);
	}
	rc = index_buf_varint(b, (uint64_t)name_len + NAME_INLINE);
	return rc ? rc : cdx_buf_add(b, name, name_len);
}

int index_entchunk_open(struct index_entchunk *c, const MDB_val *k,
                        const MDB_val *v)
{
	const uint8_t *kp = k->mv_data;
	uint64_t h;

	memset(c, 0, offsetof(struct index_entchunk, name_buf));
	if (chunk_parse(k, &c->key_len, &c->first) != CDX_OK ||
	    c->key_len > INDEX_ENTITY_MAX)
		return CDX_ERR_CORRUPT;
	c->key = (const char *)kp;
	c->doc = c->first;
	c->p = v->mv_data;
	c->end = c->p + v->mv_size;
	if (index_varint_get(&c->p, c->end, &h) ||
	    (h >= NAME_INLINE && h - NAME_INLINE > (uint64_t)(c->end - c->p)))
		return CDX_ERR_CORRUPT;
	c->has_name = h != NAME_NONE;
	if (h == NAME_DERIVED) {
		derive_name(c->key, c->key_len, c->name_buf);
		c->name = c->name_buf;
		c->name_len = c->key_len;
	} else if (h >= NAME_INLINE) {
		c->name = (const char *)c->p;
		c->name_len = (size_t)(h - NAME_INLINE);
		c->p += c->name_len;
	}
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
	size_t kn;
	uint64_t at;
	int rc;

	*k = index_val(probe, chunk_key(probe, key, n, doc));
	rc = mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
	if (rc == 0 && is_chunk_of(k, key, n) &&
	    chunk_parse(k, &kn, &at) == CDX_OK && at == doc)
		return 0;
	if (rc == 0)
		rc = mdb_cursor_get(cur, k, v, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(cur, k, v, MDB_LAST);
	if (rc == 0 && !is_chunk_of(k, key, n))
		rc = MDB_NOTFOUND;
	return rc;
}

/* Append @p doc's entries (its claims @p ords) after an entry of
 * @p prev: written straight into room made once (a delta's varint takes
 * 10 bytes at most, an ordinal's 5, the deltas after the first are 0). */
static int put_entries(struct cdx_buf *b, uint64_t prev, uint64_t doc,
                       const uint32_t *ords, size_t n)
{
	uint8_t *o;

	if (n == 0)
		return CDX_OK;
	if (n > (SIZE_MAX - 10) / 6 || cdx_buf_grow(b, 10 + 6 * n) != CDX_OK)
		return CDX_ERR_NOMEM;
	o = (uint8_t *)b->ptr + b->len;
	for (size_t i = 0; i < n; i++) {
		o += index_varint_put(o, i ? 0 : doc - prev);
		o += index_varint_put(o, ords[i]);
	}
	b->len = (size_t)(o - (uint8_t *)b->ptr);
	b->ptr[b->len] = '\0';
	return CDX_OK;
}

/* The bytes put_entries() would append. */
static size_t entries_size(uint64_t prev, uint64_t doc, const uint32_t *ords,
                           size_t n)
{
	uint8_t tmp[10];
	size_t size = 0;

	for (size_t i = 0; i < n; i++)
		size += index_varint_put(tmp, i ? 0 : doc - prev) +
		        index_varint_put(tmp, ords[i]);
	return size;
}

/* Step @p c over its remaining entries, to its last document in c->doc:
 * index_entchunk_next() without handing out each entry, as adding to a
 * chunk reads it only for that (most varints are one byte).
 * @return CDX_ERR_ITEROVER at the end, or CDX_ERR_CORRUPT. */
static int chunk_skip(struct index_entchunk *c)
{
	const uint8_t *p = c->p, *end = c->end;
	uint64_t doc = c->doc, d, o;

	while (p < end) {
		if (*p < 0x80)
			d = *p++;
		else if (index_varint_get(&p, end, &d))
			return CDX_ERR_CORRUPT;
		if (p < end && *p < 0x80)
			o = *p++;
		else if (index_varint_get(&p, end, &o))
			return CDX_ERR_CORRUPT;
		if (o > INDEX_CLAIMS_MAX || d > UINT64_MAX - doc)
			return CDX_ERR_CORRUPT;
		doc += d;
		c->n++;
	}
	c->p = p;
	c->doc = doc;
	return CDX_ERR_ITEROVER;
}

static int damaged(struct cdx_index *ix, const char *key, size_t n,
                   struct cdx_error *err)
{
	return cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': the claim "
	                     "list of entity '%.*s' is damaged", ix->path,
	                     (int)n, key);
}

int index_entlist_add(struct cdx_index *ix, MDB_txn *txn, const char *key,
                      size_t n, const char *name, size_t name_len,
                      uint64_t doc, const uint32_t *ords, size_t n_ords,
                      struct cdx_error *err)
{
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	uint8_t kb[KEY_MAX];
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	size_t klen = chunk_key(kb, key, n, doc);
	uint64_t prev = doc;
	int rc, append = 0;

	rc = mdb_cursor_open(txn, ix->dbi[DB_BY_ENTITY], &cur);
	if (rc == 0)
		rc = find_chunk(cur, key, n, UINT64_MAX, &k, &v);
	if (rc == 0 && v.mv_size < INDEX_ENTITY_CHUNK) {
		struct index_entchunk c;
		int crc = index_entchunk_open(&c, &k, &v);

		if (crc == CDX_OK)
			crc = chunk_skip(&c);
		if (crc != CDX_ERR_ITEROVER || c.doc >= doc) {
			mdb_cursor_close(cur);
			return damaged(ix, key, n, err);
		}
		/* append to it, unless that would pass the chunk size */
		prev = c.doc;
		if (v.mv_size + entries_size(prev, doc, ords, n_ords) <=
		    INDEX_ENTITY_CHUNK) {
			memcpy(kb, k.mv_data, k.mv_size);
			klen = k.mv_size;
			append = 1;
			if (cdx_buf_add(&b, v.mv_data, v.mv_size) != CDX_OK ||
			    put_entries(&b, prev, doc, ords, n_ords) != CDX_OK)
				rc = ENOMEM;
		} else {
			prev = doc;
			name = NULL; /* a later chunk */
		}
	} else if (rc == 0) {
		name = NULL; /* a later chunk */
	} else if (rc == MDB_NOTFOUND) {
		rc = 0; /* a new entity: its first chunk keeps the name */
	}
	if (rc == 0 && b.len == 0 &&
	    (put_head(&b, key, n, name, name_len) != CDX_OK ||
	     put_entries(&b, prev, doc, ords, n_ords) != CDX_OK))
		rc = ENOMEM;
	if (rc == 0) {
		k = index_val(kb, klen);
		v = index_val(b.ptr, b.len);
		/* the chunk grown is where the cursor stands: no second
		 * search for it */
		rc = mdb_cursor_put(cur, &k, &v, append ? MDB_CURRENT : 0);
	}
	mdb_cursor_close(cur);
	cdx_buf_release(&b);
	if (rc == ENOMEM)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	return rc ? index_mdb_error(ix, rc, "write", err) : CDX_OK;
}

/* The entity's first chunk @p c (its name) was removed: give the name
 * to the chunk that is now first, if any. */
static int pass_name(struct cdx_index *ix, MDB_txn *txn, const char *key,
                     size_t n, const char *name, size_t name_len,
                     struct cdx_error *err)
{
	MDB_dbi dbi = ix->dbi[DB_BY_ENTITY];
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	uint8_t probe[KEY_MAX], kb[KEY_MAX];
	struct index_entchunk next;
	MDB_cursor *cur = NULL;
	MDB_val k = index_val(probe, chunk_key(probe, key, n, 0)), v;
	int rc = mdb_cursor_open(txn, dbi, &cur);

	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (rc != 0 || !is_chunk_of(&k, key, n)) {
		mdb_cursor_close(cur);
		return rc == 0 || rc == MDB_NOTFOUND
		       ? CDX_OK : index_mdb_error(ix, rc, "read", err);
	}
	if (index_entchunk_open(&next, &k, &v) != CDX_OK || next.has_name) {
		mdb_cursor_close(cur);
		return damaged(ix, key, n, err);
	}
	memcpy(kb, k.mv_data, k.mv_size);
	k = index_val(kb, k.mv_size);
	if (put_head(&b, key, n, name, name_len) != CDX_OK ||
	    cdx_buf_add(&b, next.p, (size_t)(next.end - next.p)) != CDX_OK)
		rc = ENOMEM;
	mdb_cursor_close(cur);
	if (rc == 0) {
		v = index_val(b.ptr, b.len);
		rc = mdb_put(txn, dbi, &k, &v, 0);
	}
	cdx_buf_release(&b);
	if (rc == ENOMEM)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	return rc ? index_mdb_error(ix, rc, "write", err) : CDX_OK;
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
	int rc, crc;

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
	/* the chunk without the document's entries, re-encoded (its name
	 * kept: c.name may point into the value, which stays put until the
	 * writes below) */
	crc = index_entchunk_open(&c, &k, &v);
	if (crc == CDX_OK &&
	    put_head(&b, key, n, c.has_name ? c.name : NULL, c.name_len) !=
	            CDX_OK)
		crc = CDX_ERR_NOMEM;
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
	if (dropped && kept == 0 && c.has_name) {
		/* the name outlives its chunk: copy it before the delete
		 * frees the page it is on */
		char *name = malloc(c.name_len + 1);

		cdx_buf_release(&b);
		if (name == NULL)
			return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
		memcpy(name, c.name, c.name_len);
		k = index_val(kb, klen);
		rc = mdb_del(txn, dbi, &k, NULL);
		rc = rc ? index_mdb_error(ix, rc, "write", err)
		        : pass_name(ix, txn, key, n, name, c.name_len, err);
		free(name);
		return rc;
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
	return rc ? index_mdb_error(ix, rc, "write", err) : CDX_OK;
}
