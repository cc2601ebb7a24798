/*
 * stamp.c — stamps: what a regular file ingested whole was (size, times,
 * inode) and under what (a fingerprint of the version, the extractor's
 * data and the options), so that `ingest` can skip it unread next time
 * while all of that still holds (cli/stamp.c). A stamp is put in the
 * batch after the file's documents, so it commits with the last of them
 * (or later) and never without them; the writer logs it to put it again
 * when the batch is replayed (writer.c).
 *
 * A stamp must never outlive what it vouches for, so every removal of a
 * document (index_remove_doc: a delete, a replacement, a stale part)
 * drops the stamp of the file the document came from — its source, or
 * the path before a '#' ("F#12", "F#part3"). A stamp that counts
 * duplicates vouches for content held by other files' documents too:
 * such stamps are also listed under byte 0x00 + their key, and any
 * removal drops them all; they are few.
 *
 * Keys are the 64-bit hash of the path (index_hash64, its top byte never
 * 0, which the duplicates' list has), not the path: paths share long
 * folders and LMDB keeps every key whole, so path keys took 0.25 MB on
 * BBC (5 % of its text), hashed ones less than half. Two paths with one
 * hash would share a stamp, which still matches only a file of the same
 * size, times and inode. The value: fingerprint and mtime u64 BE, then
 * varints ctime - mtime (zigzag: mostly 0), size, inode, documents,
 * duplicates, and the id + 1 of one document of the file the index holds
 * (0: none), which the checker looks for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"

#define STAMP_KEY 8
#define STAMP_VAL_MAX (16 + 6 * 10)

/* The key of file @p path (@p n bytes) into @p kb. */
static MDB_val stamp_key(uint8_t *kb, const char *path, size_t n)
{
	uint64_t h = index_hash64(path, n);

	if ((h >> 56) == 0)
		h |= (uint64_t)1 << 56;
	index_put_be64(kb, h);
	return index_val(kb, STAMP_KEY);
}

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* Value of stamp @p s naming document @p doc (id + 1, 0 none); its
 * length. */
static size_t encode(uint8_t *out, const struct cdx_stamp *s, uint64_t doc)
{
	size_t n = 16;

	index_put_be64(out, s->fingerprint);
	index_put_be64(out + 8, s->mtime_ns);
	n += index_varint_put(out + n,
	                      zigzag((int64_t)(s->ctime_ns - s->mtime_ns)));
	n += index_varint_put(out + n, s->size);
	n += index_varint_put(out + n, s->ino);
	n += index_varint_put(out + n, s->n_docs);
	n += index_varint_put(out + n, s->n_dup);
	n += index_varint_put(out + n, doc);
	return n;
}

/* Read a value; *doc (may be NULL) gets the document it names (id + 1,
 * 0 none). CDX_OK or CDX_ERR_CORRUPT. */
static int decode(const MDB_val *v, struct cdx_stamp *s, uint64_t *doc)
{
	const uint8_t *p = v->mv_data, *end = p + v->mv_size;
	uint64_t dc, d;
	uint64_t *f[6] = {&dc, &s->size, &s->ino, &s->n_docs, &s->n_dup, &d};

	if (v->mv_size < 16 + 6)
		return CDX_ERR_CORRUPT;
	s->fingerprint = index_get_be64(p);
	s->mtime_ns = index_get_be64(p + 8);
	p += 16;
	for (int i = 0; i < 6; i++)
		if (index_varint_get(&p, end, f[i]) != CDX_OK)
			return CDX_ERR_CORRUPT;
	if (p != end)
		return CDX_ERR_CORRUPT;
	s->ctime_ns = s->mtime_ns + (uint64_t)unzigzag(dc);
	if (doc)
		*doc = d;
	return CDX_OK;
}

/* Put the stamp of @p path; a stamp counting duplicates also under 0x00
 * + its key. A 0x00 entry left by an earlier stamp of the path that
 * counted duplicates stays: it costs at most one needless read after a
 * removal, where deleting it would cost a search for every stamp. */
static int put_one(struct index_wctx *w, const char *path,
                   const struct cdx_stamp *s, uint64_t doc,
                   struct cdx_error *err)
{
	uint8_t val[STAMP_VAL_MAX], kb[1 + STAMP_KEY];
	MDB_val k = stamp_key(kb + 1, path, strlen(path)), v;
	MDB_dbi db = w->ix->dbi[DB_STAMPS];
	int rc;

	v = index_val(val, encode(val, s, doc));
	rc = mdb_put(w->txn, db, &k, &v, 0);
	if (rc == 0 && s->n_dup > 0) {
		kb[0] = 0;
		k = index_val(kb, sizeof kb);
		v = index_val("", 0);
		rc = mdb_put(w->txn, db, &k, &v, 0);
	}
	return rc ? index_mdb_error(w->ix, rc, "write", err) : CDX_OK;
}

/* Copy @p str into the log's strings; its offset, or SIZE_MAX. */
static size_t log_str(struct index_stamp_log *log, const char *str)
{
	size_t n = strlen(str) + 1, at = log->len;

	if (log->room - log->len < n) {
		size_t room = log->room ? log->room : 4096;
		char *p;

		while (room - log->len < n)
			room *= 2;
		if ((p = realloc(log->strs, room)) == NULL)
			return SIZE_MAX;
		log->strs = p;
		log->room = room;
	}
	memcpy(log->strs + at, str, n);
	log->len += n;
	return at;
}

int index_stamp_put(struct index_wctx *w, struct index_stamp_log *log,
                    size_t after, const char *path,
                    const struct cdx_stamp *s, uint64_t doc,
                    struct cdx_error *err)
{
	struct index_stamp_ent *e;

	if (index_array_grow((void **)&log->v, &log->cap, log->n + 1,
	                     sizeof *log->v) != CDX_OK)
		return index_nomem(err);
	e = &log->v[log->n];
	e->after = after;
	e->s = *s;
	e->doc = doc;
	if ((e->path = log_str(log, path)) == SIZE_MAX)
		return index_nomem(err);
	log->n++;
	return put_one(w, path, s, doc, err);
}

int index_stamp_replay(struct index_wctx *w, struct index_stamp_log *log,
                       size_t i, size_t *k, struct cdx_error *err)
{
	int rc = CDX_OK;

	for (; rc == CDX_OK && *k < log->n && log->v[*k].after == i; ++*k) {
		const struct index_stamp_ent *e = &log->v[*k];

		rc = put_one(w, log->strs + e->path, &e->s, e->doc, err);
	}
	return rc;
}

void index_stamp_log_release(struct index_stamp_log *log)
{
	if (log == NULL)
		return;
	free(log->v);
	free(log->strs);
	memset(log, 0, sizeof *log);
}

/* Delete key @p k of the stamps if there. */
static int del_key(MDB_txn *txn, MDB_dbi db, MDB_val *k)
{
	int rc = mdb_del(txn, db, k, NULL);

	return rc == MDB_NOTFOUND ? 0 : rc;
}

int index_stamp_forget(struct cdx_index *ix, MDB_txn *txn,
                       const char *source, size_t n, struct cdx_error *err)
{
	MDB_dbi db = ix->dbi[DB_STAMPS];
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	uint8_t kb[1 + STAMP_KEY];
	int rc = 0;

	/* the file itself, or of an item or a part: the path before a '#'
	 * (any '#', as a path may hold one too; the extra deletes find
	 * nothing) */
	for (size_t i = 0; rc == 0 && i <= n; i++)
		if (i == n || source[i] == '#') {
			k = stamp_key(kb, source, i);
			rc = del_key(txn, db, &k);
		}
	/* stamps that count duplicates: all of them (their own entries
	 * first, copied: a delete may move the page under them) */
	if (rc == 0)
		rc = mdb_cursor_open(txn, db, &cur);
	while (rc == 0) {
		k = index_val("", 1);
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (rc != 0 || k.mv_size != sizeof kb ||
		    ((uint8_t *)k.mv_data)[0] != 0)
			break;
		memcpy(kb, k.mv_data, sizeof kb);
		rc = mdb_cursor_del(cur, 0);
		k = index_val(kb + 1, STAMP_KEY);
		if (rc == 0)
			rc = del_key(txn, db, &k);
	}
	mdb_cursor_close(cur);
	if (rc == MDB_NOTFOUND)
		rc = 0; /* past the last key */
	return rc ? index_mdb_error(ix, rc, "write", err) : CDX_OK;
}

int index_stamp_get(struct cdx_index *ix, MDB_txn *txn, const char *path,
                    struct cdx_stamp *out, struct cdx_error *err)
{
	uint8_t kb[STAMP_KEY];
	MDB_val k = stamp_key(kb, path, strlen(path)), v;
	int rc;

	memset(out, 0, sizeof *out);
	rc = mdb_get(txn, ix->dbi[DB_STAMPS], &k, &v);
	if (rc == MDB_NOTFOUND)
		return CDX_ERR_NOTFOUND;
	if (rc != 0)
		return index_mdb_error(ix, rc, "read", err);
	if (decode(&v, out, NULL) != CDX_OK)
		return cdx_error_set(err, CDX_ERR_CORRUPT, "index '%s': the "
		                     "stamp of '%s' is damaged", ix->path, path);
	return CDX_OK;
}

int cdx_index_stamp_get(struct cdx_index *ix, const char *path,
                        struct cdx_stamp *out, struct cdx_error *err)
{
	MDB_txn *txn = NULL;
	int rc = index_read_begin(ix, &txn, err);

	if (rc != CDX_OK)
		return rc;
	rc = index_stamp_get(ix, txn, path, out, err);
	index_read_end(ix, txn);
	return rc;
}

/* ------------------------------------------------------------ lookups */

struct cdx_index_lookup {
	struct cdx_index *ix;
	MDB_txn *txn; /* reset between lookups */
	int none;     /* the index held no stamp when it was made */
};

int cdx_index_lookup_new(struct cdx_index_lookup **out,
                               struct cdx_index *ix, struct cdx_error *err)
{
	struct cdx_index_lookup *rd = calloc(1, sizeof *rd);
	MDB_stat st;
	int rc;

	*out = NULL;
	if (rd == NULL)
		return index_nomem(err);
	rd->ix = ix;
	rc = index_read_begin(ix, &rd->txn, err);
	if (rc != CDX_OK) {
		free(rd);
		return rc;
	}
	rc = mdb_stat(rd->txn, ix->dbi[DB_STAMPS], &st);
	rd->none = rc == 0 && st.ms_entries == 0;
	/* keep the transaction, not the snapshot nor the map lock */
	mdb_txn_reset(rd->txn);
	pthread_rwlock_unlock(&ix->map_lock);
	*out = rd;
	return CDX_OK;
}

int cdx_index_lookup_no_stamps(const struct cdx_index_lookup *rd)
{
	return rd->none;
}

/* Renew @p rd's transaction (under the map lock, as any transaction);
 * 0, or an LMDB error with the lock released. */
static int renew(struct cdx_index_lookup *rd)
{
	int rc;

	pthread_rwlock_rdlock(&rd->ix->map_lock);
	rc = mdb_txn_renew(rd->txn);
	if (rc != 0)
		pthread_rwlock_unlock(&rd->ix->map_lock);
	return rc;
}

static void reset(struct cdx_index_lookup *rd)
{
	mdb_txn_reset(rd->txn);
	pthread_rwlock_unlock(&rd->ix->map_lock);
}

int cdx_index_lookup_stamp(struct cdx_index_lookup *rd, const char *path,
                           struct cdx_stamp *out, struct cdx_error *err)
{
	int rc;

	if (rd->none) {
		memset(out, 0, sizeof *out);
		return CDX_ERR_NOTFOUND;
	}
	/* the map grown by another process, say: the long way */
	if (renew(rd) != 0)
		return cdx_index_stamp_get(rd->ix, path, out, err);
	rc = index_stamp_get(rd->ix, rd->txn, path, out, err);
	reset(rd);
	return rc;
}

int cdx_index_lookup_doc(struct cdx_index_lookup *rd, const char *key,
                         struct cdx_error *err)
{
	struct cdx_doc_info d;
	uint64_t id;
	int rc;

	if (renew(rd) != 0) {
		memset(&d, 0, sizeof d);
		rc = cdx_index_doc_get(rd->ix, key, 0, &d, err);
		if (rc == CDX_OK)
			cdx_doc_info_release(&d);
		return rc;
	}
	rc = index_doc_resolve(rd->ix, rd->txn, key, &id, err);
	reset(rd);
	return rc;
}

void cdx_index_lookup_free(struct cdx_index_lookup *rd)
{
	if (rd == NULL)
		return;
	mdb_txn_abort(rd->txn);
	free(rd);
}

/* The stamp keyed @p k with value @p v: readable, and the document it
 * names held, of a file whose key is @p k. A problem goes to @p msg ("",
 * none); an LMDB error is the return value. */
static int check_one(struct cdx_index *ix, MDB_txn *txn, const MDB_val *k,
                     const MDB_val *v, char *msg, size_t cap)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct index_docrec r;
	struct cdx_stamp s;
	uint8_t kb[STAMP_KEY];
	uint64_t key, doc;
	int rc, mine = 0;

	msg[0] = '\0';
	/* a 0x00 entry may outlive its stamp (put_one): nothing to check */
	if (((const uint8_t *)k->mv_data)[0] == 0)
		return 0;
	key = k->mv_size == STAMP_KEY ? index_get_be64(k->mv_data) : 0;
	if (k->mv_size != STAMP_KEY || decode(v, &s, &doc) != CDX_OK) {
		snprintf(msg, cap, "the stamp %016llx is damaged",
		         (unsigned long long)key);
		return 0;
	}
	if (doc == 0)
		return 0;
	rc = index_doc_read(ix, txn, doc - 1, &r, &err);
	if (rc == CDX_ERR_NOTFOUND) {
		snprintf(msg, cap, "the stamp %016llx names document %llu, "
		         "which the index does not hold",
		         (unsigned long long)key, (unsigned long long)(doc - 1));
		return 0;
	}
	if (rc != CDX_OK) {
		snprintf(msg, cap, "the stamp %016llx: %s",
		         (unsigned long long)key, err.msg);
		return 0;
	}
	for (size_t i = 0; !mine && i <= r.source_len; i++)
		if (i == r.source_len || r.source[i] == '#') {
			MDB_val fk = stamp_key(kb, r.source, i);

			mine = memcmp(fk.mv_data, k->mv_data, STAMP_KEY) == 0;
		}
	if (!mine)
		snprintf(msg, cap, "the stamp %016llx names document %llu "
		         "('%.*s'), of another file", (unsigned long long)key,
		         (unsigned long long)(doc - 1), (int)r.source_len,
		         r.source);
	return 0;
}

int index_stamp_check(struct cdx_index *ix, MDB_txn *txn, cdx_warn_fn fn,
                      void *ctx, unsigned *n_problems)
{
	char msg[1024];
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int rc = mdb_cursor_open(txn, ix->dbi[DB_STAMPS], &cur);

	if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		rc = check_one(ix, txn, &k, &v, msg, sizeof msg);
		if (rc != 0)
			break;
		if (msg[0]) {
			++*n_problems;
			if (fn)
				fn(ctx, msg);
		}
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}
