/*
 * compact.c — giving back the pages that merges and replacements free.
 *
 * LMDB never shrinks its file: pages freed by a transaction (the segments
 * a merge replaced, the old copies of every page a commit touched) go on
 * its free list and the file stays at its high-water mark. After an ingest
 * that merged segments, a tenth of the file can be free pages. When a
 * handle that wrote closes and the free pages are at least
 * 1/INDEX_COMPACT_SHARE of the file, the environment is copied with
 * MDB_CP_COMPACT (live pages only, in tree order) into data.mdb.compact
 * beside it, which then replaces data.mdb by rename: the index is whole at
 * every moment, the old file or the new.
 *
 * Replacing the file under another process that has the environment open
 * would lose that process's later writes (it keeps the old inode), so
 * every handle holds a shared flock(2) on the index folder for its whole
 * life and compaction needs the exclusive one without waiting: any other
 * handle, in this process or another, and it does not happen. The lock is
 * on the folder, not on lock.mdb, because closing any descriptor of
 * lock.mdb would drop LMDB's own fcntl locks on it.
 *
 * Before that, the segments a handle's batches wrote are merged into one
 * (index_merge_close): a term then has one entry, its text and header
 * once, its short lists no longer split four ways. The merge is an
 * ordinary write transaction, so readers keep their snapshot and other
 * writers wait for it; the pages it frees are what compaction gives back.
 * The same transaction rewrites the databases filled in random key order
 * in key order (repack), so their pages are full as appended ones are.
 * Both cost in proportion to the index, so they run only when the handle
 * wrote at least a quarter of its documents (MERGE_ALL_SHARE). An ingest
 * has its last batch's commit do both in that batch's transaction
 * (index_merge_all_txn, cdx_index_writer_commit_last): one commit and
 * sync fewer, and the close skips the merge unless a write followed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index_int.h"

void index_folder_lock(struct cdx_index *ix)
{
	int fd = open(ix->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	ix->dir_fd = -1;
	if (fd < 0)
		return;
	/* waits only while another handle compacts, a fraction of a second */
	while (flock(fd, LOCK_SH) != 0) {
		if (errno != EINTR) {
			/* no flock here (some network file systems): no handle
			 * can take it exclusively either, so none compacts */
			close(fd);
			return;
		}
	}
	ix->dir_fd = fd;
}

int index_free_pages(struct cdx_index *ix, uint64_t *free_pages,
                     uint64_t *file_pages, struct cdx_error *err)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_envinfo info;
	MDB_stat st;
	MDB_val k, v;
	struct stat fst;
	int fd, rc, mrc;

	*free_pages = *file_pages = 0;
	rc = index_read_begin(ix, &txn, err);
	if (rc != CDX_OK)
		return rc;
	mrc = mdb_env_stat(ix->env, &st);
	if (mrc == 0)
		mrc = mdb_env_info(ix->env, &info);
	if (mrc == 0)
		mrc = mdb_env_get_fd(ix->env, &fd);
	/* database 0 is LMDB's free list: each value is a page number list
	 * whose first word is its length (as mdb_stat -f reads it) */
	if (mrc == 0)
		mrc = mdb_cursor_open(txn, 0, &cur);
	while (mrc == 0 &&
	       (mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		size_t first;

		if (v.mv_size < sizeof first) {
			mrc = MDB_CORRUPTED;
			break;
		}
		memcpy(&first, v.mv_data, sizeof first);
		*free_pages += first;
	}
	if (mrc == MDB_NOTFOUND)
		mrc = 0;
	if (mrc != 0) {
		rc = index_mdb_error(ix, mrc, "read", err);
		goto cleanup;
	}
	if (fstat(fd, &fst) != 0) {
		rc = cdx_error_set(err, CDX_ERR_IO, "cannot stat index '%s': %s",
		                   ix->path, strerror(errno));
		goto cleanup;
	}
	*file_pages = (uint64_t)fst.st_size / st.ms_psize;
	/* pages past the last one used (a file grown ahead) are free too */
	if (*file_pages > info.me_last_pgno + 1)
		*free_pages += *file_pages - (info.me_last_pgno + 1);
cleanup:
	if (cur)
		mdb_cursor_close(cur);
	index_read_end(ix, txn);
	return rc;
}

static char *path_in(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);

	if (p)
		sprintf(p, "%s/%s", dir, name);
	return p;
}

/* Copy the live pages into data.mdb.compact, synced. */
static int copy_compact(struct cdx_index *ix, const char *tmp,
                        struct cdx_error *err)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int rc = CDX_OK, mrc;

	if (fd < 0)
		return cdx_error_set(err, CDX_ERR_IO, "cannot create '%s': %s",
		                     tmp, strerror(errno));
	pthread_rwlock_rdlock(&ix->map_lock);
	mrc = mdb_env_copyfd2(ix->env, fd, MDB_CP_COMPACT);
	pthread_rwlock_unlock(&ix->map_lock);
	if (mrc != 0)
		rc = index_mdb_error(ix, mrc, "compact", err);
	else if (fsync(fd) != 0)
		rc = cdx_error_set(err, CDX_ERR_IO, "cannot write '%s': %s", tmp,
		                   strerror(errno));
	if (close(fd) != 0 && rc == CDX_OK)
		rc = cdx_error_set(err, CDX_ERR_IO, "cannot write '%s': %s", tmp,
		                   strerror(errno));
	return rc;
}

int index_compact_close(struct cdx_index *ix, int *compacted,
                        struct cdx_error *err)
{
	char *data = NULL, *tmp = NULL;
	uint64_t free_pages, file_pages;
	int rc;

	*compacted = 0;
	if (ix->dir_fd < 0 || (ix->flags & CDX_INDEX_READONLY))
		return CDX_OK;
	/* the shared lock becomes exclusive only when no other handle holds
	 * one; not waiting: another handle means no compaction this time */
	if (flock(ix->dir_fd, LOCK_EX | LOCK_NB) != 0)
		return CDX_OK;
	rc = index_free_pages(ix, &free_pages, &file_pages, err);
	if (rc != CDX_OK || free_pages == 0 ||
	    free_pages * (ix->merged_all ? INDEX_COMPACT_SHARE_MERGED :
	                                   INDEX_COMPACT_SHARE) < file_pages)
		goto cleanup;
	data = path_in(ix->path, "data.mdb");
	tmp = path_in(ix->path, "data.mdb.compact");
	if (data == NULL || tmp == NULL) {
		rc = cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	rc = copy_compact(ix, tmp, err);
	if (rc == CDX_OK) {
		/* nothing may write the old file after the copy */
		mdb_env_close(ix->env);
		ix->env = NULL;
		if (rename(tmp, data) != 0)
			rc = cdx_error_set(err, CDX_ERR_IO,
			                   "cannot replace '%s': %s", data,
			                   strerror(errno));
		else
			*compacted = 1;
		/* the rename is done; a failed folder sync loses nothing */
		if (*compacted)
			(void)fsync(ix->dir_fd);
	}
	if (rc != CDX_OK)
		unlink(tmp);
cleanup:
	free(data);
	free(tmp);
	return rc;
}

/* Rewrite database @p db in key order with MDB_APPEND: random inserts
 * leave its pages about 60 % full (by_entity: an entity's chunk grows
 * where its name sorts), appended ones are full. Entries are copied out
 * as (varint key length, key, varint value length, value), the
 * database emptied, then filled again. */
static int repack(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                  struct cdx_error *err)
{
	struct cdx_buf all = CDX_BUF_INIT(SIZE_MAX / 2);
	MDB_cursor *cur = NULL;
	MDB_val k, v, prev = {0, NULL};
	const uint8_t *p, *end;
	int rc = CDX_OK, mrc;

	mrc = mdb_cursor_open(txn, ix->dbi[db], &cur);
	while (mrc == 0 &&
	       (mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		uint8_t *o;

		if (cdx_buf_grow(&all, 20 + k.mv_size + v.mv_size) != CDX_OK) {
			rc = index_nomem(err);
			goto cleanup;
		}
		o = (uint8_t *)all.ptr + all.len;
		o += index_varint_put(o, k.mv_size);
		memcpy(o, k.mv_data, k.mv_size);
		o += k.mv_size;
		o += index_varint_put(o, v.mv_size);
		memcpy(o, v.mv_data, v.mv_size);
		o += v.mv_size;
		all.len = (size_t)(o - (uint8_t *)all.ptr);
	}
	if (mrc != MDB_NOTFOUND)
		goto cleanup;
	/* a cursor does not survive the drop: a fresh one after it */
	mdb_cursor_close(cur);
	cur = NULL;
	mrc = mdb_drop(txn, ix->dbi[db], 0);
	if (mrc == 0)
		mrc = mdb_cursor_open(txn, ix->dbi[db], &cur);
	p = (const uint8_t *)all.ptr;
	end = p + all.len;
	while (mrc == 0 && p < end) {
		uint64_t n;

		/* written just above: well formed */
		(void)index_varint_get(&p, end, &n);
		k = index_val(p, n);
		p += n;
		(void)index_varint_get(&p, end, &n);
		v = index_val(p, n);
		p += n;
		mrc = mdb_cursor_put(cur, &k, &v,
		                     prev.mv_size == k.mv_size &&
		                     memcmp(prev.mv_data, k.mv_data,
		                            k.mv_size) == 0 ?
		                     MDB_APPENDDUP : MDB_APPEND);
		prev = k;
	}
cleanup:
	if (rc == CDX_OK && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = index_mdb_error(ix, mrc, "write", err);
	if (cur)
		mdb_cursor_close(cur);
	cdx_buf_release(&all);
	return rc;
}

/* The share of the index (1 / this) a handle must have written for its
 * close to merge every segment and repack. */
#define MERGE_ALL_SHARE 4

/* Databases written in random key order, or whose last value grows in
 * place (a half-full page left behind at each split), repacked at
 * close: on Reuters hash 0.36 -> 0.34 MB, strings 0.33 -> 0.23, claims
 * blocks 1.59 -> 1.38. */
static const enum index_db repacked[] = {DB_BY_ENTITY, DB_SOURCE, DB_DOCS,
                                         DB_HASH, DB_STRS, DB_CLAIMS};

int index_merge_all_txn(struct cdx_index *ix, MDB_txn *txn,
                        struct index_meta *m, uint64_t docs, int *merged,
                        struct cdx_error *err)
{
	int rc;

	*merged = 0;
	/* Rewriting every segment and three tables costs in proportion to
	 * the index, so it is worth it only when this handle wrote a good
	 * part of it (a first ingest, a large one): a handle that added a
	 * few documents to a big index, or deleted one, leaves the tiered
	 * merges of its batches as they are. So each byte is rewritten here
	 * a bounded number of times. */
	if (docs * MERGE_ALL_SHARE < m->n_docs)
		return CDX_OK;
	rc = index_segs_merge_all(ix, txn, m, err);
	for (size_t i = 0; i < sizeof repacked / sizeof repacked[0] &&
	                   rc == CDX_OK; i++)
		rc = repack(ix, txn, repacked[i], err);
	*merged = rc == CDX_OK;
	return rc;
}

int index_merge_close(struct cdx_index *ix, struct cdx_error *err)
{
	struct index_meta m;
	MDB_txn *txn = NULL;
	int rc = CDX_OK, merged = 0;

	if (ix->flags & CDX_INDEX_READONLY)
		return CDX_OK;
	/* the last batch's commit did it (cdx_index_writer_commit_last)
	 * and nothing was written since: merged_all stands */
	if (ix->merged_now)
		return CDX_OK;
	/* the merged segment is written before the old ones go: a map
	 * too small for both grows and the merge starts over */
	for (int tries = 0; tries < 4; tries++) {
		rc = tries ? index_grow(ix, err) : index_grow_if_needed(ix, err);
		if (rc == CDX_OK)
			rc = index_write_begin(ix, &txn, err);
		if (rc != CDX_OK)
			return rc;
		rc = index_meta_load(ix, txn, &m, err);
		if (rc == CDX_OK)
			rc = index_merge_all_txn(ix, txn, &m, ix->docs_written,
			                         &merged, err);
		if (rc == CDX_OK && !merged) {
			index_write_abort(ix, txn);
			return CDX_OK;
		}
		if (rc == CDX_OK)
			rc = index_meta_store(ix, txn, &m, err);
		if (rc == CDX_OK)
			rc = index_write_commit(ix, txn, err);
		else
			index_write_abort(ix, txn);
		if (rc != CDX_ERR_MAPFULL)
			break;
	}
	ix->merged_all = rc == CDX_OK;
	return rc;
}
