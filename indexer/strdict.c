/*
 * strdict.c — the index's string dictionary: the strings claims repeat
 * across documents (units, metrics, subjects, dates, parties) stored once
 * for the whole index, a claims record (claimrec.c) naming them by id.
 * On Reuters 95,751 string copies inline (0.82 MB, 42 % of the claims)
 * are 12,704 distinct strings (0.19 MB).
 *
 * Database "strings": key block number u32 BE (id >> INDEX_STRS_SHIFT)
 * → the strings of ids [block << INDEX_STRS_SHIFT, ...) one after the
 * other, each a varint length (1..INDEX_STR_DICT_MAX) and its bytes.
 * Every block but the last holds INDEX_STRS_BLOCK strings. Ids are given
 * in order of first use and never taken back: a string no claim uses any
 * more stays (a re-ingest brings the same ones back).
 *
 * A writer looks strings up in a map of the whole dictionary that the
 * handle keeps in memory (struct index_strdict) from one transaction to
 * the next. It must be the dictionary as stored: a transaction that added
 * strings may have been aborted since, or another process may have added
 * some. So meta holds a digest of the dictionary ("strs_tag": a hash
 * chained over its strings in id order, so the same strings give the
 * same index bytes), and the handle keeps the digest of its copy: when
 * they agree the copy is the dictionary, else the map is read again
 * from the database (after an abort, or another writer's additions:
 * rare).
 *
 * Readers of many records (search filters, claims, stats, check) go
 * through a struct index_strcache: each block looked up once and its
 * strings' starts noted. Without it, a lookup in LMDB per string a
 * record names made Reuters' claim-filter queries cost 74 % more
 * instructions than inline strings did.
 */
#include <stdlib.h>

#include "index_int.h"

#define TAG_KEY "strs_tag"

/* The handle's copy of the dictionary. */
struct index_strdict {
	struct index_strmap map;  /* string → id */
	struct index_arena arena; /* the strings' bytes */
	struct index_rstr *v;     /* id → string */
	size_t n, cap;
	size_t stored;            /* ids below are in the database */
	uint64_t tag;             /* the digest of ids [0, stored) */
	int loaded;               /* the copy is the stored dictionary */
	struct cdx_buf tail;      /* the stored part of the last block, as
	                             stored: a commit appends to it */
};

/* The digest of a dictionary of digest @p tag with @p s added. */
static uint64_t chain(uint64_t tag, const char *s, size_t n)
{
	uint8_t b[8 + INDEX_STR_DICT_MAX];

	index_put_be64(b, tag);
	memcpy(b + 8, s, n);
	return index_hash64(b, 8 + n);
}

void index_strdict_free(struct cdx_index *ix)
{
	struct index_strdict *d = ix ? ix->strdict : NULL;

	if (d == NULL)
		return;
	index_strmap_release(&d->map);
	index_arena_release(&d->arena);
	cdx_buf_release(&d->tail);
	free(d->v);
	free(d);
	ix->strdict = NULL;
}

static MDB_val block_key(uint8_t kb[4], uint32_t block)
{
	index_put_be32(kb, block);
	return index_val(kb, 4);
}

/* The next string of a block at *p (not past @p end). 0 or CORRUPT. */
static int next_str(const uint8_t **p, const uint8_t *end,
                    struct index_rstr *out)
{
	uint64_t n;

	if (index_varint_get(p, end, &n) || n == 0 ||
	    n > INDEX_STR_DICT_MAX || n > (uint64_t)(end - *p))
		return CDX_ERR_CORRUPT;
	out->s = (const char *)*p;
	out->n = (size_t)n;
	*p += n;
	return CDX_OK;
}

int index_strdict_block(const void *v, size_t n, size_t *count)
{
	const uint8_t *p = v, *end = p + n;
	struct index_rstr s;

	*count = 0;
	while (p < end) {
		if (next_str(&p, end, &s) != CDX_OK ||
		    *count == INDEX_STRS_BLOCK)
			return CDX_ERR_CORRUPT;
		(*count)++;
	}
	return *count ? CDX_OK : CDX_ERR_CORRUPT;
}

static int damaged(struct cdx_index *ix, uint32_t block,
                   struct cdx_error *err)
{
	return cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': block %u of "
	                     "the string dictionary is damaged", ix->path,
	                     (unsigned)block);
}

/* Add string @p s (copied) as the next id of @p d. 0 or NOMEM. */
static int remember(struct index_strdict *d, const char *s, size_t n)
{
	char *copy;
	uint32_t at;
	int rc;

	if (d->n == d->cap &&
	    index_array_grow((void **)&d->v, &d->cap, d->n + 1,
	                     sizeof *d->v) != CDX_OK)
		return CDX_ERR_NOMEM;
	copy = index_arena_strndup(&d->arena, s, n);
	if (copy == NULL)
		return CDX_ERR_NOMEM;
	rc = index_strmap_put(&d->map, copy, n, (uint32_t)d->n, &at);
	if (rc < 0)
		return rc;
	d->v[d->n].s = copy;
	d->v[d->n++].n = n;
	return CDX_OK;
}

/* Append string @p s as a block holds it. */
static int put_str(struct cdx_buf *b, const struct index_rstr *s)
{
	return index_buf_varint(b, s->n) == CDX_OK ?
	       cdx_buf_add(b, s->s, s->n) : b->err;
}

/* Read the whole stored dictionary into @p d (emptied first). */
static int reload(struct cdx_index *ix, MDB_txn *txn,
                  struct index_strdict *d, struct cdx_error *err)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int rc;

	index_strmap_clear(&d->map);
	index_arena_release(&d->arena);
	d->n = d->stored = 0;
	d->tag = 0;
	rc = mdb_cursor_open(txn, ix->dbi[DB_STRS], &cur);
	if (rc != 0)
		return index_mdb_error(ix, rc, "read", err);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const uint8_t *p = v.mv_data, *end = p + v.mv_size;
		uint32_t block = (uint32_t)(d->n >> INDEX_STRS_SHIFT);
		struct index_rstr s;
		size_t count;

		/* blocks 0, 1, ... each full but the last */
		if (k.mv_size != 4 || index_get_be32(k.mv_data) != block ||
		    (d->n & (INDEX_STRS_BLOCK - 1)) != 0 ||
		    index_strdict_block(v.mv_data, v.mv_size, &count)) {
			mdb_cursor_close(cur);
			return damaged(ix, block, err);
		}
		while (p < end) {
			if (next_str(&p, end, &s) != CDX_OK ||
			    remember(d, s.s, s.n) != CDX_OK) {
				mdb_cursor_close(cur);
				return index_nomem(err);
			}
			d->tag = chain(d->tag, s.s, s.n);
		}
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return index_mdb_error(ix, rc, "read", err);
	d->stored = d->n;
	cdx_buf_clear(&d->tail);
	for (size_t i = d->n & ~(size_t)(INDEX_STRS_BLOCK - 1); i < d->n; i++)
		if (put_str(&d->tail, &d->v[i]) != CDX_OK)
			return index_nomem(err);
	return CDX_OK;
}

static int get_tag(struct cdx_index *ix, MDB_txn *txn, uint64_t *tag,
                   struct cdx_error *err)
{
	MDB_val k = index_val(TAG_KEY, strlen(TAG_KEY)), v;
	int rc = mdb_get(txn, ix->dbi[DB_META], &k, &v);

	*tag = 0;
	if (rc == MDB_NOTFOUND)
		return CDX_OK;
	if (rc != 0)
		return index_mdb_error(ix, rc, "read", err);
	if (v.mv_size != 8)
		return cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': bad "
		                     "meta value '%s'", ix->path, TAG_KEY);
	*tag = index_get_be64(v.mv_data);
	return CDX_OK;
}

int index_strdict_begin(struct cdx_index *ix, MDB_txn *txn,
                        struct cdx_error *err)
{
	struct index_strdict *d = ix->strdict;
	uint64_t tag;
	int rc;

	if (d == NULL) {
		d = calloc(1, sizeof *d);
		if (d == NULL)
			return index_nomem(err);
		cdx_buf_init(&d->tail, SIZE_MAX / 2);
		ix->strdict = d;
	}
	rc = get_tag(ix, txn, &tag, err);
	if (rc != CDX_OK)
		return rc;
	/* ids given but not stored (a failed commit) are dropped too */
	if (d->loaded && tag == d->tag && d->n == d->stored)
		return CDX_OK;
	rc = reload(ix, txn, d, err);
	if (rc == CDX_OK && d->tag != tag)
		rc = cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': the "
		                   "string dictionary does not match its "
		                   "digest", ix->path);
	d->loaded = rc == CDX_OK;
	return rc;
}

int index_strdict_check(struct cdx_index *ix, MDB_txn *txn,
                        struct cdx_error *err)
{
	struct index_strdict d = {0};
	uint64_t tag;
	int rc = get_tag(ix, txn, &tag, err);

	cdx_buf_init(&d.tail, SIZE_MAX / 2);
	if (rc == CDX_OK)
		rc = reload(ix, txn, &d, err);
	if (rc == CDX_OK && d.tag != tag)
		rc = cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': the "
		                   "string dictionary does not match its "
		                   "digest", ix->path);
	index_strmap_release(&d.map);
	index_arena_release(&d.arena);
	cdx_buf_release(&d.tail);
	free(d.v);
	return rc;
}

int index_strdict_id(struct cdx_index *ix, const char *s, size_t n,
                     uint32_t *id)
{
	struct index_strdict *d = ix->strdict;
	int rc;

	if (n == 0 || n > INDEX_STR_DICT_MAX || d == NULL)
		return CDX_ERR_NOTFOUND;
	rc = index_strmap_get(&d->map, s, n, id);
	if (rc != CDX_ERR_NOTFOUND)
		return rc;
	if (d->n >= (size_t)UINT32_MAX)
		return CDX_ERR_NOTFOUND;
	*id = (uint32_t)d->n;
	return remember(d, s, n);
}

int index_strdict_commit(struct cdx_index *ix, MDB_txn *txn,
                         struct cdx_error *err)
{
	struct index_strdict *d = ix->strdict;
	uint8_t kb[4], tb[8];
	MDB_val k, v;
	uint64_t tag;
	size_t was;
	int rc = 0;

	if (d == NULL || d->stored == d->n)
		return CDX_OK;
	tag = d->tag;
	was = d->stored;
	/* each new string onto the last block's bytes, which are stored
	 * when full and at the end */
	for (size_t i = was; rc == 0 && i < d->n; i++) {
		size_t block = i >> INDEX_STRS_SHIFT;

		if (put_str(&d->tail, &d->v[i]) != CDX_OK) {
			d->loaded = 0;
			return index_nomem(err);
		}
		tag = chain(tag, d->v[i].s, d->v[i].n);
		if ((i + 1) % INDEX_STRS_BLOCK != 0 && i + 1 < d->n)
			continue;
		k = block_key(kb, (uint32_t)block);
		v = index_val(d->tail.ptr, d->tail.len);
		/* a block not stored yet is above every key */
		rc = mdb_put(txn, ix->dbi[DB_STRS], &k, &v,
		             block << INDEX_STRS_SHIFT < was ? 0 : MDB_APPEND);
		if ((i + 1) % INDEX_STRS_BLOCK == 0)
			cdx_buf_clear(&d->tail);
	}
	if (rc == 0) {
		index_put_be64(tb, tag);
		k = index_val(TAG_KEY, strlen(TAG_KEY));
		v = index_val(tb, 8);
		rc = mdb_put(txn, ix->dbi[DB_META], &k, &v, 0);
	}
	if (rc != 0) {
		d->loaded = 0; /* read it all again next time */
		return index_mdb_error(ix, rc, "write", err);
	}
	d->stored = d->n;
	d->tag = tag;
	return CDX_OK;
}

/* ------------------------------------------------------------ read */

int index_strdict_get(struct index_strdict_rd *r, uint32_t id,
                      const char **s, size_t *n)
{
	uint32_t block = id >> INDEX_STRS_SHIFT;
	unsigned at = id & (INDEX_STRS_BLOCK - 1);
	const uint8_t *p, *end;
	struct index_rstr str;

	if (r->ix == NULL)
		return CDX_ERR_CORRUPT;
	if (!r->has || r->block != block) {
		uint8_t kb[4];
		MDB_val k = block_key(kb, block), v;
		int rc = mdb_get(r->txn, r->ix->dbi[DB_STRS], &k, &v);

		if (rc != 0)
			return CDX_ERR_CORRUPT; /* absent, or unreadable */
		r->has = 1;
		r->block = block;
		r->p = v.mv_data;
		r->n = v.mv_size;
		r->at = 0;
		r->at_off = 0;
	}
	/* ids are mostly asked in ascending order within a block: go on
	 * from the last one found when it is below */
	if (at < r->at) {
		r->at = 0;
		r->at_off = 0;
	}
	p = r->p + r->at_off;
	end = r->p + r->n;
	for (;;) {
		if (next_str(&p, end, &str) != CDX_OK)
			return CDX_ERR_CORRUPT;
		if (r->at == at)
			break;
		r->at++;
		r->at_off = (size_t)(p - r->p);
	}
	*s = str.s;
	*n = str.n;
	return CDX_OK;
}

struct index_strcache *index_strcache_new(struct cdx_index *ix,
                                          MDB_txn *txn)
{
	struct index_strcache *c = calloc(1, sizeof *c);

	if (c != NULL) {
		c->rd.ix = ix;
		c->rd.txn = txn;
	}
	return c;
}

/* Read block @p no into @p b: every string's start and length.
 * @return 0, or CORRUPT (absent, unreadable or damaged). */
static int cache_block(struct index_strcache *c, uint32_t no,
                       struct index_strcache_blk *b)
{
	uint8_t kb[4];
	MDB_val k = block_key(kb, no), v;
	const uint8_t *p, *end;
	struct index_rstr s;

	if (mdb_get(c->rd.txn, c->rd.ix->dbi[DB_STRS], &k, &v) != 0)
		return CDX_ERR_CORRUPT;
	p = v.mv_data;
	end = p + v.mv_size;
	b->n = 0;
	while (p < end) {
		if (b->n == INDEX_STRS_BLOCK || next_str(&p, end, &s) != CDX_OK)
			return CDX_ERR_CORRUPT;
		b->at[b->n] = (uint16_t)((const uint8_t *)s.s -
		                         (const uint8_t *)v.mv_data);
		b->len[b->n++] = (uint8_t)s.n;
	}
	b->p = v.mv_data;
	return CDX_OK;
}

int index_strcache_get(struct index_strcache *c, uint32_t id,
                       const char **s, size_t *n)
{
	uint32_t no = id >> INDEX_STRS_SHIFT;
	unsigned i = id & (INDEX_STRS_BLOCK - 1);
	struct index_strcache_blk *b;

	if (no >= c->nb) {
		/* the block read first: a damaged id does not make the
		 * table grow to it */
		struct index_strcache_blk one = {0};
		size_t want = c->nb ? c->nb : 16;
		struct index_strcache_blk *nv;

		if (cache_block(c, no, &one) != CDX_OK)
			return CDX_ERR_CORRUPT;
		while (want <= no)
			want *= 2;
		nv = realloc(c->b, want * sizeof *nv);
		if (nv == NULL) /* no room: looked up each time */
			return index_strdict_get(&c->rd, id, s, n);
		memset(nv + c->nb, 0, (want - c->nb) * sizeof *nv);
		c->b = nv;
		c->nb = want;
		c->b[no] = one;
	}
	b = &c->b[no];
	if (b->p == NULL && cache_block(c, no, b) != CDX_OK)
		return CDX_ERR_CORRUPT;
	if (i >= b->n)
		return CDX_ERR_CORRUPT;
	*s = (const char *)b->p + b->at[i];
	*n = b->len[i];
	return CDX_OK;
}

void index_strcache_free(struct index_strcache *c)
{
	if (c == NULL)
		return;
	free(c->b);
	free(c);
}
