/*
 * stamp.c — what `ingest` needs to skip a file it ingested whole before
 * without reading it (the index keeps the stamps: indexer/stamp.c).
 *
 * A stamp holds the file's st_size, st_mtim, st_ctim and st_ino as the
 * walk's fstat() gave them before the file was read, and a fingerprint of
 * all else that decides the file's documents and claims: this claimdex
 * (the index schema and the executable's own size, times and inode, so
 * that a rebuilt or upgraded claimdex reads everything once again), the
 * extractor's data (cdx_extract_fingerprint), --part-size, --max-size and
 * the --manifest file's bytes. A file whose stamp matches in every field
 * is skipped. The trade-off: content rewritten with size and mtime put
 * back (touch -d, utimensat) still changes st_ctim, which only the
 * kernel sets; a file system that keeps no ctime, or a clock set back,
 * could fool it, and --rescan reads everything.
 *
 * The reader learns the stat before reading; the consumer thread writes
 * the stamp once the file's documents are in the batch. The stat travels
 * with the file's end-of-file item through the pipeline, as a message of
 * its own kind (PIPELINE_MSG_STAMP) whose text this file writes and reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cdx_hash.h"
#include "cli.h"

static uint64_t ns_of(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

int stamp_fingerprint(uint64_t *out, const struct cdx_extractor *ex,
                      size_t part_max, size_t max_bytes,
                      const char *manifest, struct cdx_error *err)
{
	uint64_t h = cdx_hash_fold(CDX_HASH_INIT, "claimdex stamp", 14);
	char exe[4096];
	ssize_t n;
	struct stat st;
	int rc = CDX_OK;

	h = cdx_hash_fold_u64(h, CDX_INDEX_SCHEMA);
	/* this claimdex: any other build reads everything once (the link's
	 * target, as valgrind shows it: a stat() of the link itself would
	 * be valgrind's own) */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		h = cdx_hash_fold(h, exe, (size_t)n);
	}
	if (n > 0 && stat(exe, &st) == 0) {
		h = cdx_hash_fold_u64(h, (uint64_t)st.st_size);
		h = cdx_hash_fold_u64(h, ns_of(&st.st_mtim));
		h = cdx_hash_fold_u64(h, (uint64_t)st.st_ino);
	}
	h = cdx_hash_fold_u64(h, cdx_extract_fingerprint(ex));
	h = cdx_hash_fold_u64(h, part_max);
	h = cdx_hash_fold_u64(h, max_bytes);
	h = cdx_hash_fold_u64(h, manifest != NULL);
	if (manifest)
		rc = cdx_hash_fold_file(&h, manifest, NULL, err);
	*out = h;
	return rc;
}

void stamp_of_stat(struct cdx_stamp *s, const struct stat *st,
                   uint64_t fingerprint)
{
	memset(s, 0, sizeof *s);
	s->size = (uint64_t)st->st_size;
	s->mtime_ns = ns_of(&st->st_mtim);
	s->ctime_ns = ns_of(&st->st_ctim);
	s->ino = (uint64_t)st->st_ino;
	s->fingerprint = fingerprint;
}

int stamp_same(const struct cdx_stamp *a, const struct cdx_stamp *b)
{
	return a->size == b->size && a->mtime_ns == b->mtime_ns &&
	       a->ctime_ns == b->ctime_ns && a->ino == b->ino &&
	       a->fingerprint == b->fingerprint;
}

/*
 * Messages. A stamp travels as its fields, each as 10 bytes of 7 bits
 * with the top bit set (never a NUL: the pipeline copies a C string),
 * then the path: snprintf() and strtoull() cost a first BBC ingest 10
 * million instructions (0.9%) for 2,225 files. Skipped files travel
 * many to a message, each also with its path's length: one message, and
 * one wake-up of the consumer, a file cost an unchanged BBC re-ingest
 * 9,000 futex calls.
 */
#define MSG_FIELDS 6
#define MSG_DIGITS 10
/* Skipped files a message carries at most. */
#define SKIP_BATCH 256

static void msg_fields(struct cdx_stamp *s, uint64_t **f)
{
	f[0] = &s->size;
	f[1] = &s->mtime_ns;
	f[2] = &s->ctime_ns;
	f[3] = &s->ino;
	f[4] = &s->n_docs;
	f[5] = &s->n_dup;
}

static char *put_num(char *p, uint64_t v)
{
	for (int j = 0; j < MSG_DIGITS; j++)
		*p++ = (char)(0x80 | ((v >> (7 * j)) & 0x7f));
	return p;
}

static uint64_t get_num(const unsigned char *p)
{
	uint64_t v = 0;

	for (int j = 0; j < MSG_DIGITS; j++)
		v |= (uint64_t)(p[j] & 0x7f) << (7 * j);
	return v;
}

static char *put_stamp(char *p, const struct cdx_stamp *s)
{
	struct cdx_stamp c = *s;
	uint64_t *f[MSG_FIELDS];

	msg_fields(&c, f);
	for (int i = 0; i < MSG_FIELDS; i++)
		p = put_num(p, *f[i]);
	return p;
}

static const unsigned char *get_stamp(const unsigned char *p,
                                      struct cdx_stamp *s)
{
	uint64_t *f[MSG_FIELDS];

	msg_fields(s, f);
	for (int i = 0; i < MSG_FIELDS; i++, p += MSG_DIGITS)
		*f[i] = get_num(p);
	return p;
}

char *stamp_msg(char *buf, size_t cap, const char *path,
                const struct cdx_stamp *s)
{
	size_t n = strlen(path);

	if (cap < MSG_FIELDS * MSG_DIGITS + n + 1)
		return NULL;
	memcpy(put_stamp(buf, s), path, n + 1);
	return buf;
}

const char *stamp_msg_parse(const char *msg, struct cdx_stamp *s)
{
	const unsigned char *p = (const unsigned char *)msg;

	/* no byte of the fields is NUL: the length proves them all there */
	if (strnlen(msg, MSG_FIELDS * MSG_DIGITS + 1) <=
	    MSG_FIELDS * MSG_DIGITS)
		return NULL;
	return (const char *)get_stamp(p, s);
}

/* ------------------------------------------------ one ingest's stamps */

void stamp_state_init(struct stamp_state *s, uint64_t fingerprint,
                      int rescan)
{
	memset(s, 0, sizeof *s);
	s->fingerprint = fingerprint;
	s->rescan = rescan;
	s->f_doc = CDX_STAMP_NO_DOC;
	cdx_buf_init(&s->pending, (size_t)1 << 30);
}

void stamp_state_release(struct stamp_state *s)
{
	if (s == NULL)
		return;
	cdx_index_lookup_free(s->rd);
	cdx_buf_release(&s->pending);
	for (size_t i = 0; i < s->n_reread; i++)
		free(s->reread[i]);
	free(s->reread);
	memset(s, 0, sizeof *s);
}

int stamp_doc_of(const char *path, const char *source)
{
	size_t n = strlen(path);

	return strncmp(source, path, n) == 0 &&
	       (source[n] == '\0' || source[n] == '#');
}

/* The reader's lookups, made on first use; NULL when they cannot be. */
static struct cdx_index_lookup *lookups(struct stamp_state *s,
                                        struct cdx_index *ix)
{
	struct cdx_error err = CDX_ERROR_INIT;

	if (s->rd == NULL && !s->rd_failed &&
	    cdx_index_lookup_new(&s->rd, ix, &err) != CDX_OK)
		s->rd_failed = 1;
	return s->rd;
}

int stamp_likely(struct stamp_state *s, struct cdx_index *ix)
{
	return !s->rescan && lookups(s, ix) &&
	       !cdx_index_lookup_no_stamps(s->rd);
}

int stamp_seen(struct stamp_state *s, struct cdx_index *ix, const char *path,
               const struct stat *st)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_stamp old;
	size_t n = strlen(path);
	char *p;

	stamp_of_stat(&s->cur, st, s->fingerprint);
	s->have_cur = 1;
	/* no index yet (preread.c): read it, and stamp it at its end */
	if (s->rescan || ix == NULL || lookups(s, ix) == NULL)
		return 0;
	/* a stamp that cannot be read is as none: the file is read */
	if (cdx_index_lookup_stamp(s->rd, path, &old, &err) != CDX_OK ||
	    !stamp_same(&old, &s->cur) ||
	    cdx_buf_grow(&s->pending, (MSG_FIELDS + 1) * MSG_DIGITS + n) !=
	    CDX_OK)
		return 0;
	s->have_cur = 0;
	p = s->pending.ptr + s->pending.len;
	p = put_num(put_stamp(p, &old), n);
	memcpy(p, path, n);
	s->pending.len += (MSG_FIELDS + 1) * MSG_DIGITS + n;
	s->pending.ptr[s->pending.len] = '\0';
	s->n_pending++;
	s->pending_credit += old.size;
	return 1;
}

void stamp_flush(struct stamp_state *s, struct pipeline *p, int unless_few)
{
	if (s->n_pending == 0 || (unless_few && s->n_pending < SKIP_BATCH))
		return;
	pipeline_submit_msg(p, PIPELINE_MSG_SKIPPED, s->pending.ptr,
	                    s->pending_credit);
	cdx_buf_clear(&s->pending);
	s->n_pending = 0;
	s->pending_credit = 0;
}

/* Note @p path (@p n bytes, copied) for the second pass; 0, or -1 out
 * of memory. */
static int reread_add(struct stamp_state *s, const char *path, size_t n)
{
	char *copy;

	if (s->n_reread == s->cap_reread) {
		size_t cap = s->cap_reread ? s->cap_reread * 2 : 16;
		char **v = realloc(s->reread, cap * sizeof *v);

		if (v == NULL)
			return -1;
		s->reread = v;
		s->cap_reread = cap;
	}
	if ((copy = malloc(n + 1)) == NULL)
		return -1;
	memcpy(copy, path, n);
	copy[n] = '\0';
	s->reread[s->n_reread++] = copy;
	return 0;
}

/* One skipped file of a message: counted, or noted to be read. */
static int skipped_one(struct stamp_state *s, struct cdx_index *ix,
                       struct cdx_index_writer *w, char *path,
                       const struct cdx_stamp *seen, struct cdx_error *err)
{
	struct cdx_stamp now;
	int rc = w ? cdx_index_writer_stamp_get(w, path, &now, err)
	           : cdx_index_stamp_get(ix, path, &now, err);

	if (rc != CDX_OK && rc != CDX_ERR_NOTFOUND && rc != CDX_ERR_CORRUPT)
		return rc;
	if (rc == CDX_OK && stamp_same(&now, seen) &&
	    now.n_docs == seen->n_docs && now.n_dup == seen->n_dup) {
		s->skip_docs += seen->n_docs;
		s->skip_dups += seen->n_dup;
		return CDX_OK;
	}
	/* gone since the reader looked: the batch removed a document the
	 * stamp vouched for (a duplicate's original, say) */
	if (reread_add(s, path, strlen(path)) != 0)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	return CDX_OK;
}

static int stamp_skipped(struct stamp_state *s, struct cdx_index *ix,
                         struct cdx_index_writer *w, char *msg,
                         struct cdx_error *err)
{
	unsigned char *p = (unsigned char *)msg;
	size_t left = msg ? strlen(msg) : 0;
	int rc = CDX_OK;

	if (msg == NULL)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	while (rc == CDX_OK && left > 0) {
		struct cdx_stamp seen;
		uint64_t n;
		char keep;

		if (left < (MSG_FIELDS + 1) * MSG_DIGITS)
			break;
		p = (unsigned char *)get_stamp(p, &seen);
		n = get_num(p);
		p += MSG_DIGITS;
		left -= (MSG_FIELDS + 1) * MSG_DIGITS;
		if (n > left)
			break;
		seen.fingerprint = s->fingerprint;
		/* the path in place, terminated for the call */
		keep = (char)p[n];
		p[n] = '\0';
		rc = skipped_one(s, ix, w, (char *)p, &seen, err);
		p[n] = (unsigned char)keep;
		p += n;
		left -= n;
	}
	return rc;
}

void stamp_file_reset(struct stamp_state *s)
{
	s->f_docs = s->f_dup = 0;
	s->f_bad = 0;
	s->f_doc = CDX_STAMP_NO_DOC;
}

void stamp_doc(struct stamp_state *s, uint64_t id,
               enum cdx_add_outcome outcome)
{
	if (outcome == CDX_ADD_DUPLICATE) {
		s->f_dup++;
		return;
	}
	if (s->f_docs++ == 0)
		s->f_doc = id;
}

void stamp_doc_failed(struct stamp_state *s)
{
	s->f_bad = 1;
}

static int stamp_write(struct stamp_state *s, struct cdx_index_writer *w,
                       const char *msg, struct cdx_error *err)
{
	struct cdx_stamp st;
	const char *path;
	int rc = CDX_OK;

	memset(&st, 0, sizeof st);
	path = msg ? stamp_msg_parse(msg, &st) : NULL;
	if (path && !s->f_bad) {
		st.fingerprint = s->fingerprint;
		st.n_docs = s->f_docs;
		st.n_dup = s->f_dup;
		rc = cdx_index_writer_stamp(w, path, &st, s->f_doc, err);
	}
	stamp_file_reset(s);
	return rc;
}

int stamp_item(struct stamp_state *s, struct cdx_index *ix,
               struct cdx_index_writer **w, struct pipeline_item *it,
               struct cdx_error *err)
{
	int rc = CDX_OK;

	if (it->msg_kind == PIPELINE_MSG_SKIPPED)
		return stamp_skipped(s, ix, *w, it->msg, err);
	/* the stamp goes into the open batch, or a new one: the file's
	 * documents are in this one or an earlier one, never a later one */
	if (!s->f_bad && *w == NULL)
		rc = cdx_index_writer_begin(w, ix, err);
	if (!s->f_bad && rc == CDX_OK)
		rc = stamp_write(s, *w, it->msg, err);
	stamp_file_reset(s);
	return rc;
}
