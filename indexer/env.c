/*
 * env.c — the LMDB environment: opening (and creating) an index folder,
 * the schema check, transactions under the map lock, growing the map, the
 * meta counters, and the one translation of LMDB codes into claimdex
 * statuses.
 *
 * An index folder holds LMDB's data.mdb and lock.mdb. A folder that holds
 * anything else is not an index and is never written to.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index_int.h"

/** Far beyond any corpus we aim at; a bound so doubling stops somewhere. */
#define INDEX_MAP_CEILING ((size_t)1 << 40)

static const struct {
	const char *name;
	unsigned flags;
} db_specs[DB_COUNT_] = {
	[DB_META] = {"meta", 0},
	[DB_DOCS] = {"docs", 0},
	[DB_TEXT] = {"text", 0},
	[DB_SOURCE] = {"source", MDB_DUPSORT | MDB_DUPFIXED},
	[DB_HASH] = {"hash", MDB_DUPSORT | MDB_DUPFIXED},
	[DB_SEGS] = {"segs", 0},
	[DB_TERMS] = {"terms", 0},
	[DB_POST] = {"post", 0},
	[DB_DELETED] = {"deleted", 0},
	[DB_CLAIMS] = {"claims", 0},
	[DB_BY_ENTITY] = {"by_entity", 0},
	[DB_REFS] = {"refs", 0},
	[DB_DLEN] = {"dlen", 0},
	[DB_PREFIXES] = {"prefixes", 0},
	[DB_STRS] = {"strings", 0},
	[DB_STAMPS] = {"stamps", 0},
};

static int status_of(int rc)
{
	switch (rc) {
	case MDB_NOTFOUND:
		return CDX_ERR_NOTFOUND;
	case MDB_MAP_FULL:
		return CDX_ERR_MAPFULL;
	case MDB_TXN_FULL:
	case MDB_READERS_FULL:
	case MDB_DBS_FULL:
	case MDB_CURSOR_FULL:
	case MDB_PAGE_FULL:
	case MDB_BAD_VALSIZE:
		return CDX_ERR_LIMIT;
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
	case MDB_INCOMPATIBLE:
		return CDX_ERR_FORMAT;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
		return CDX_ERR_CORRUPT;
	case ENOMEM:
		return CDX_ERR_NOMEM;
	case EACCES:
	case EIO:
	case ENOSPC:
	case EROFS:
	case EAGAIN:
	case ENOENT:
	case EPERM:
		return CDX_ERR_IO;
	}
	return CDX_ERR_FAIL;
}

int index_mdb_error(const struct cdx_index *ix, int rc, const char *doing,
                    struct cdx_error *err)
{
	int code = status_of(rc);
	const char *path = ix && ix->path ? ix->path : "?";

	if (code == CDX_ERR_MAPFULL)
		return cdx_error_set(err, code,
		                     "index '%s' is full; raise the map size",
		                     path);
	if (rc == MDB_TXN_FULL)
		return cdx_error_set(err, code, "cannot %s index '%s': batch "
		                     "too large, commit smaller batches",
		                     doing, path);
	return cdx_error_set(err, code, "cannot %s index '%s': %s", doing,
	                     path, mdb_strerror(rc));
}

/* ------------------------------------------------------------ txns */

static int txn_begin(struct cdx_index *ix, unsigned flags, MDB_txn **txn,
                     struct cdx_error *err)
{
	int rc;

	pthread_rwlock_rdlock(&ix->map_lock);
	rc = mdb_txn_begin(ix->env, NULL, flags, txn);
	if (rc == MDB_MAP_RESIZED) {
		/* another process grew the map: adopt its size, which
		 * must not happen under a live transaction */
		pthread_rwlock_unlock(&ix->map_lock);
		pthread_rwlock_wrlock(&ix->map_lock);
		rc = mdb_env_set_mapsize(ix->env, 0);
		pthread_rwlock_unlock(&ix->map_lock);
		pthread_rwlock_rdlock(&ix->map_lock);
		if (rc == 0)
			rc = mdb_txn_begin(ix->env, NULL, flags, txn);
	}
	if (rc != 0) {
		pthread_rwlock_unlock(&ix->map_lock);
		*txn = NULL;
		return index_mdb_error(ix, rc, flags ? "read" : "write", err);
	}
	return CDX_OK;
}

int index_read_begin(struct cdx_index *ix, MDB_txn **txn,
                     struct cdx_error *err)
{
	return txn_begin(ix, MDB_RDONLY, txn, err);
}

void index_read_end(struct cdx_index *ix, MDB_txn *txn)
{
	if (txn == NULL)
		return;
	mdb_txn_abort(txn);
	pthread_rwlock_unlock(&ix->map_lock);
}

int index_write_begin(struct cdx_index *ix, MDB_txn **txn,
                      struct cdx_error *err)
{
	if (ix->flags & CDX_INDEX_READONLY) {
		*txn = NULL;
		return cdx_error_set(err, CDX_ERR_USAGE,
		                     "index '%s' is open read-only", ix->path);
	}
	return txn_begin(ix, 0, txn, err);
}

int index_write_commit(struct cdx_index *ix, MDB_txn *txn,
                       struct cdx_error *err)
{
	int rc = mdb_txn_commit(txn);

	pthread_rwlock_unlock(&ix->map_lock);
	if (rc != 0)
		return index_mdb_error(ix, rc, "write", err);
	ix->wrote = 1;
	ix->merged_now = 0; /* a write after it: the close merges again */
	return CDX_OK;
}

void index_write_abort(struct cdx_index *ix, MDB_txn *txn)
{
	index_read_end(ix, txn);
}

int index_grow(struct cdx_index *ix, struct cdx_error *err)
{
	MDB_envinfo info;
	int rc = 0;

	pthread_rwlock_wrlock(&ix->map_lock);
	mdb_env_info(ix->env, &info);
	if (info.me_mapsize >= INDEX_MAP_CEILING)
		rc = MDB_MAP_FULL;
	else
		rc = mdb_env_set_mapsize(ix->env, info.me_mapsize * 2);
	pthread_rwlock_unlock(&ix->map_lock);
	if (rc != 0)
		return cdx_error_set(err, CDX_ERR_MAPFULL,
		                     "index '%s' is full and its map cannot "
		                     "grow past %zu bytes: %s",
		                     ix->path, info.me_mapsize, mdb_strerror(rc));
	return CDX_OK;
}

int index_grow_if_needed(struct cdx_index *ix, struct cdx_error *err)
{
	MDB_envinfo info;
	MDB_stat st;
	size_t used;

	if (mdb_env_info(ix->env, &info) != 0 ||
	    mdb_env_stat(ix->env, &st) != 0)
		return CDX_OK;
	used = (info.me_last_pgno + 1) * (size_t)st.ms_psize;
	if (used / 3 < info.me_mapsize / 4)
		return CDX_OK;
	return index_grow(ix, err);
}

/* ------------------------------------------------------------ meta */

static const char *const meta_keys[] = {
	"schema", "n_docs", "n_tokens", "next_doc", "n_claims", "text_bytes",
	"text_end", "next_seg",
};

static uint64_t *meta_field(struct index_meta *m, size_t i)
{
	uint64_t *f[] = {&m->schema, &m->n_docs, &m->n_tokens, &m->next_doc,
	                 &m->n_claims, &m->text_bytes, &m->text_end,
	                 &m->next_seg};
	return f[i];
}

int index_meta_load(struct cdx_index *ix, MDB_txn *txn, struct index_meta *m,
                    struct cdx_error *err)
{
	for (size_t i = 0; i < sizeof meta_keys / sizeof *meta_keys; i++) {
		MDB_val k = index_val(meta_keys[i], strlen(meta_keys[i])), v;
		int rc = mdb_get(txn, ix->dbi[DB_META], &k, &v);

		if (rc == MDB_NOTFOUND) {
			*meta_field(m, i) = 0;
			continue;
		}
		if (rc != 0)
			return index_mdb_error(ix, rc, "read", err);
		if (v.mv_size != 8)
			return cdx_error_set(err, CDX_ERR_CORRUPT,
			                     "index '%s': bad meta value '%s'",
			                     ix->path, meta_keys[i]);
		*meta_field(m, i) = index_get_be64(v.mv_data);
	}
	return CDX_OK;
}

int index_meta_store(struct cdx_index *ix, MDB_txn *txn,
                     const struct index_meta *m, struct cdx_error *err)
{
	struct index_meta copy = *m;

	for (size_t i = 0; i < sizeof meta_keys / sizeof *meta_keys; i++) {
		uint8_t buf[8];
		MDB_val k = index_val(meta_keys[i], strlen(meta_keys[i]));
		MDB_val v = index_val(buf, 8);
		int rc;

		index_put_be64(buf, *meta_field(&copy, i));
		rc = mdb_put(txn, ix->dbi[DB_META], &k, &v, 0);
		if (rc != 0)
			return index_mdb_error(ix, rc, "write", err);
	}
	return CDX_OK;
}

/* ------------------------------------------------------------ open */

static int not_an_index(const char *path, struct cdx_error *err)
{
	return cdx_error_set(err, CDX_ERR_FORMAT,
	                     "'%s' is not a claimdex index", path);
}

static int dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int empty = 1;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	}
	closedir(d);
	return empty;
}

/* Decide from the file system whether @p path may be opened as an index,
 * creating the folder when asked; nothing else is ever created here. */
static int prepare_folder(const char *path, unsigned flags,
                          struct cdx_error *err)
{
	int create = (flags & CDX_INDEX_CREATE) && !(flags & CDX_INDEX_READONLY);
	struct stat st;
	char *data;
	int rc;

	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return cdx_error_set(err, CDX_ERR_IO,
			                     "cannot open index '%s': %s", path,
			                     strerror(errno));
		if (!create)
			return cdx_error_set(err, CDX_ERR_NOTFOUND,
			                     "cannot open index '%s': %s", path,
			                     strerror(ENOENT));
		if (mkdir(path, 0777) != 0)
			return cdx_error_set(err, CDX_ERR_IO,
			                     "cannot create index '%s': %s", path,
			                     strerror(errno));
		return CDX_OK;
	}
	if (!S_ISDIR(st.st_mode))
		return not_an_index(path, err);
	data = malloc(strlen(path) + sizeof "/data.mdb");
	if (data == NULL)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	strcpy(data, path);
	strcat(data, "/data.mdb");
	rc = stat(data, &st);
	free(data);
	if (rc == 0)
		return S_ISREG(st.st_mode) ? CDX_OK : not_an_index(path, err);
	if (!dir_is_empty(path))
		return not_an_index(path, err);
	if (!create)
		return cdx_error_set(err, CDX_ERR_NOTFOUND,
		                     "cannot open index '%s': no index there",
		                     path);
	return CDX_OK;
}

static int check_schema(struct cdx_index *ix, MDB_txn *txn,
                        struct cdx_error *err)
{
	struct index_meta m;
	int rc = index_meta_load(ix, txn, &m, err);

	if (rc != CDX_OK)
		return rc;
	if (m.schema == 0)
		return not_an_index(ix->path, err);
	if (m.schema != CDX_INDEX_SCHEMA)
		return cdx_error_set(err, CDX_ERR_SCHEMA,
		                     "'%s': index schema %llu, this claimdex "
		                     "reads schema %d", ix->path,
		                     (unsigned long long)m.schema,
		                     CDX_INDEX_SCHEMA);
	return CDX_OK;
}

/* A data file much shorter than the pages its meta page says are used was
 * cut short: reading those pages would fault, so refuse it up front.
 * "Much": LMDB counts pages that a transaction allocated at the end of the
 * file and freed again before committing (loose pages) in last_pgno
 * without ever writing them, so a sound file may end a few pages early,
 * more so while a writer is busy. A smaller cut is not caught here and
 * faults when a reader reaches the missing pages (docs/errors.md). */
static int check_size(struct cdx_index *ix, struct cdx_error *err)
{
	MDB_envinfo info;
	MDB_stat st;
	struct stat fst;
	uint64_t need;
	char *data;
	int rc;

	if (mdb_env_info(ix->env, &info) != 0 || mdb_env_stat(ix->env, &st) != 0)
		return CDX_OK;
	data = malloc(strlen(ix->path) + sizeof "/data.mdb");
	if (data == NULL)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	strcpy(data, ix->path);
	strcat(data, "/data.mdb");
	rc = stat(data, &fst);
	free(data);
	need = ((uint64_t)info.me_last_pgno + 1) * st.ms_psize;
	if (rc == 0 && (uint64_t)fst.st_size + need / 8 + 64 * (uint64_t)st.ms_psize <
	                       need)
		return cdx_error_set(err, CDX_ERR_CORRUPT,
		                     "index '%s' is truncated: its data file "
		                     "holds %lld bytes of %llu", ix->path,
		                     (long long)fst.st_size,
		                     (unsigned long long)need);
	return CDX_OK;
}

/* Open every named database; in a fresh environment create them and
 * write the schema. An LMDB file with other contents is not ours. */
static int open_dbs(struct cdx_index *ix, struct cdx_error *err)
{
	int readonly = (ix->flags & CDX_INDEX_READONLY) != 0;
	MDB_txn *txn = NULL;
	MDB_dbi main_dbi;
	MDB_stat st;
	int rc, fresh = 0;

	rc = mdb_txn_begin(ix->env, NULL, readonly ? MDB_RDONLY : 0, &txn);
	if (rc != 0)
		return index_mdb_error(ix, rc, "open", err);
	rc = mdb_dbi_open(txn, db_specs[DB_META].name, 0, &ix->dbi[DB_META]);
	if (rc == MDB_NOTFOUND && !readonly) {
		rc = mdb_dbi_open(txn, NULL, 0, &main_dbi);
		if (rc == 0)
			rc = mdb_stat(txn, main_dbi, &st);
		if (rc == 0 && st.ms_entries > 0) {
			rc = not_an_index(ix->path, err);
			goto cleanup;
		}
		fresh = 1;
	} else if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE) {
		rc = not_an_index(ix->path, err);
		goto cleanup;
	}
	if (rc != 0) {
		rc = index_mdb_error(ix, rc, "open", err);
		goto cleanup;
	}
	/* the schema first: an older index may lack a database of now */
	if (!fresh && (rc = check_schema(ix, txn, err)) != CDX_OK)
		goto cleanup;
	for (int i = 0; i < DB_COUNT_; i++) {
		unsigned flags = db_specs[i].flags | (readonly ? 0 : MDB_CREATE);

		rc = mdb_dbi_open(txn, db_specs[i].name, flags, &ix->dbi[i]);
		if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE) {
			rc = not_an_index(ix->path, err);
			goto cleanup;
		}
		if (rc != 0) {
			rc = index_mdb_error(ix, rc, "open", err);
			goto cleanup;
		}
	}
	if (fresh) {
		struct index_meta m = {.schema = CDX_INDEX_SCHEMA,
		                       .next_doc = 1, .next_seg = 1};

		rc = index_meta_store(ix, txn, &m, err);
		if (rc != CDX_OK)
			goto cleanup;
	}
	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc != 0)
		rc = index_mdb_error(ix, rc, "open", err);
cleanup:
	if (txn)
		mdb_txn_abort(txn);
	return rc;
}

int cdx_index_open(struct cdx_index **out, const char *path,
                   const struct cdx_index_options *opts,
                   struct cdx_error *err)
{
	static const struct cdx_index_options defaults = CDX_INDEX_OPTIONS_INIT;
	struct cdx_index *ix = NULL;
	unsigned env_flags = MDB_NOTLS;
	int rc;

	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	rc = prepare_folder(path, opts->flags, err);
	if (rc != CDX_OK)
		return rc;
	ix = calloc(1, sizeof *ix);
	if (ix == NULL || (ix->path = strdup(path)) == NULL) {
		free(ix);
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	}
	pthread_rwlock_init(&ix->map_lock, NULL);
	ix->dir_fd = -1;
	ix->flags = opts->flags;
	index_folder_lock(ix);
	if (ix->flags & CDX_INDEX_READONLY)
		env_flags |= MDB_RDONLY;
	rc = mdb_env_create(&ix->env);
	if (rc == 0)
		rc = mdb_env_set_maxdbs(ix->env, 32);
	if (rc == 0)
		rc = mdb_env_set_maxreaders(ix->env, 256);
	if (rc == 0)
		rc = mdb_env_set_mapsize(ix->env, opts->map_size ?
		                         opts->map_size : INDEX_MAP_DEFAULT);
	if (rc == 0)
		rc = mdb_env_open(ix->env, path, env_flags, 0644);
	if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH) {
		rc = not_an_index(path, err);
		goto cleanup;
	}
	if (rc != 0) {
		rc = index_mdb_error(ix, rc, "open", err);
		goto cleanup;
	}
	rc = check_size(ix, err);
	if (rc == CDX_OK)
		rc = open_dbs(ix, err);
	if (rc != CDX_OK)
		goto cleanup;
	*out = ix;
	ix = NULL;
cleanup:
	cdx_index_close(ix);
	return rc;
}

void cdx_index_close(struct cdx_index *ix)
{
	struct cdx_error err = CDX_ERROR_INIT;
	int compacted;

	if (ix == NULL)
		return;
	index_acc_spare_release(ix);
	/* a failed merge or compaction leaves the index as it was: nothing
	 * to report */
	if (ix->env && ix->wrote) {
		(void)index_merge_close(ix, &err);
		(void)index_compact_close(ix, &compacted, &err);
	}
	if (ix->env)
		mdb_env_close(ix->env);
	if (ix->dir_fd >= 0)
		close(ix->dir_fd);
	pthread_rwlock_destroy(&ix->map_lock);
	index_strdict_free(ix);
	free(ix->path);
	free(ix);
}
