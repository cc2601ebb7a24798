/*
 * run.c — the reader side of `ingest` and `extract` (cmd_ingest.c): the
 * inputs walked and read on the calling thread, each document and
 * message handed to the pipeline in input order (or held while the
 * extractor loads: preread.c), a file skipped unread when its stamp says
 * it is unchanged (stamp.c), a manifest's row applied to each document;
 * and the set-up and release of one run. The consumer side, the sinks
 * that index or print, stays in cmd_ingest.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "manifest.h"
#include "run.h"

/* Start the pipeline once the extractor and, for ingest, the index are
 * ready (preread.c), and give it the items held meanwhile. EXIT_OK, or
 * EXIT_INDEX (printed), and then reading stops. */
static int start_pipeline(struct run *r)
{
	/* a second pass (stamps' rereads) has them already */
	int rc = r->ex ? EXIT_OK : preread_finish(r->pre, &r->ex, &r->ix);

	/* the stamps' fingerprint of this run (stamp.c): the reader looks
	 * stamps up only from now on, and the consumer writes them with it;
	 * a manifest that cannot be read again stamps nothing new that a
	 * later run could match, which only costs a read */
	if (rc == EXIT_OK && r->indexing) {
		struct cdx_error err = CDX_ERROR_INIT;

		if (stamp_fingerprint(&r->stamps.fingerprint, r->ex,
		                      r->part_max, r->max_bytes,
		                      r->stamp_manifest, &err) != CDX_OK)
			cli_warn(r->cli, err.msg);
	}

	/* one thread does all; with more, one is the consumer (the
	 * writer) and the others extract */
	if (rc == EXIT_OK)
		rc = pipeline_new(&r->pipe, r->ex, r->threads - 1, r->indexing,
		                  r->sink, r);
	if (rc != EXIT_OK) {
		r->halted = 1;
		return rc;
	}
	preread_flush(r->pre, r->pipe);
	return EXIT_OK;
}

static int reading_stopped(struct run *r)
{
	return r->halted || (r->pipe && pipeline_stopped(r->pipe));
}

/* The pipeline, started when the extractor is ready or no more may be
 * held; NULL while items are held, or when it could not start. */
static struct pipeline *pipe_now(struct run *r, int must)
{
	if (r->pipe == NULL && !r->halted &&
	    (must || !preread_waiting(r->pre)))
		start_pipeline(r);
	return r->pipe;
}

static int submit_doc(struct run *r, struct cdx_doc *doc, uint64_t credit)
{
	struct pipeline *p = pipe_now(r, 0);

	if (p == NULL && !r->halted &&
	    preread_hold_doc(r->pre, doc, credit) == 0)
		return CDX_OK;
	/* not held (out of memory): start now */
	if (p == NULL)
		p = pipe_now(r, 1);
	if (p == NULL) {
		cdx_doc_free(doc);
		return CDX_ERR_FAIL;
	}
	return pipeline_submit(p, doc, credit);
}

static void submit_msg(struct run *r, enum pipeline_msg kind,
                       const char *msg, uint64_t credit)
{
	struct pipeline *p = pipe_now(r, 0);

	if (p == NULL && !r->halted &&
	    preread_hold_msg(r->pre, kind, msg, credit) == 0)
		return;
	if (p == NULL)
		p = pipe_now(r, 1);
	if (p != NULL)
		pipeline_submit_msg(p, kind, msg, credit);
}

static void reject(struct run *r, const char *msg)
{
	stamp_flush(&r->stamps, r->pipe, 0); /* skipped files before it */
	submit_msg(r, PIPELINE_MSG_REJECT, msg, 0);
}

static void reader_warn(void *ctx, const char *msg)
{
	struct run *r = ctx;

	stamp_flush(&r->stamps, r->pipe, 0);
	submit_msg(r, PIPELINE_MSG_WARN, msg, 0);
}

/* A document of the current file: credit it with its text length (the
 * input bytes it came from are unknown for a collection), never more than
 * the file holds; the rest is credited when the file ends. */
static int on_doc(void *ctx, struct cdx_doc *doc)
{
	struct run *r = ctx;
	uint64_t left = r->file_size - r->file_credit;
	uint64_t credit = doc->len < left ? doc->len : left;

	r->file_credit += credit;
	/* before the claims: the row's date dates "in April" */
	if (r->manifest && cdx_manifest_apply(r->manifest, doc) < 0)
		reader_warn(r, "out of memory: the manifest's row was not "
		               "applied");
	if (r->indexing && r->cur_path) {
		int k = stale_doc_kind(r->cur_path, doc->source);

		r->cur_single |= k == 0;
		r->cur_parts += k == 1;
		r->cur_other |= k < 0;
		r->stamps.foreign |= !stamp_doc_of(r->cur_path, doc->source);
	}
	return submit_doc(r, doc, credit);
}

/* Read input @p path: from @p fd when open (@p size: its st_size when a
 * regular file, else CDX_READ_SIZE_UNKNOWN), else opened here by path,
 * which also gives the reason it cannot be opened. */
static void read_one(struct run *r, const char *path, int fd, uint64_t size)
{
	struct cdx_read_options o = CDX_READ_OPTIONS_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	char stamp[4200];
	const char *msg;
	int rc, stamped = r->stamps.have_cur; /* seen_cb() said read it */

	r->stamps.have_cur = 0;
	r->stamps.foreign = 0;
	stamp_flush(&r->stamps, r->pipe, 0); /* skipped files before it */
	o.warn = reader_warn;
	o.warn_ctx = r;
	if (r->max_bytes)
		o.max_bytes = r->max_bytes;
	o.part_max = r->part_max;
	o.scratch = &r->input;
	r->files++;
	r->file_size = size != CDX_READ_SIZE_UNKNOWN ? size : 0;
	r->file_credit = 0;
	r->cur_path = strcmp(path, "-") ? path : NULL;
	r->cur_parts = 0;
	r->cur_single = r->cur_other = 0;
	if (fd >= 0)
		rc = cdx_corpus_read_fd(fd, path, size, &o, on_doc, r, &err);
	else
		rc = cdx_corpus_read_file(path, &o, on_doc, r, &err);
	if (reading_stopped(r))
		return;
	if (rc == CDX_OK && r->indexing && r->cur_path && !r->cur_other &&
	    r->cur_single != (r->cur_parts > 0))
		stale_note(&r->stale, path, r->cur_parts);
	r->cur_path = NULL;
	/* read whole: its end carries its stamp (stamp.c) */
	if (rc == CDX_OK && stamped && !r->stamps.foreign &&
	    (msg = stamp_msg(stamp, sizeof stamp, path, &r->stamps.cur))) {
		submit_msg(r, PIPELINE_MSG_STAMP, msg,
		           r->file_size - r->file_credit);
		return;
	}
	submit_msg(r, rc != CDX_OK ? PIPELINE_MSG_REJECT : PIPELINE_MSG_NONE,
	           rc != CDX_OK ? (err.msg[0] ? err.msg : cdx_strerror(rc))
	                        : NULL,
	           r->file_size - r->file_credit);
}

/* A regular file about to be read: skipped when its stamp says it is
 * unchanged (stamp.c); its size is credited to the progress bar. */
static int seen_cb(void *ctx, const char *path, const struct stat *st)
{
	struct run *r = ctx;

	if (!stamp_seen(&r->stamps, r->ix, path, st))
		return 0;
	r->files++;
	stamp_flush(&r->stamps, r->pipe, 1);
	return 1;
}

static void read_file_cb(void *ctx, const char *path, int fd, uint64_t size)
{
	read_one(ctx, path, fd, size);
}

static void reject_cb(void *ctx, const char *msg)
{
	reject(ctx, msg);
}

static int read_stop(void *ctx)
{
	return reading_stopped(ctx);
}

/* Summing sizes for the progress bar (walk.c stat()s, opens nothing). */
static void count_file(void *ctx, const char *path, int fd, uint64_t size)
{
	struct run *r = ctx;

	(void)path;
	(void)fd;
	r->total += size;
	r->n_counted++;
}

/* ... and giving up past COUNT_FILES_MAX files. */
static int count_stop(void *ctx)
{
	return ((struct run *)ctx)->n_counted > COUNT_FILES_MAX;
}

/* Read every file of input @p path (walk.c), or with @p counting only
 * sum their sizes into r->total, quietly. */
static void read_path(struct run *r, const char *path, int counting)
{
	struct walk w = {counting, counting ? count_file : read_file_cb,
	                 reject_cb, counting ? count_stop : read_stop, r, NULL,
	                 0};

	/* before the index is open (preread.c) a file's stat is noted for
	 * its stamp, but not looked up */
	if (!counting && r->indexing) {
		w.seen = seen_cb;
		w.stat_first = r->ix && stamp_likely(&r->stamps, r->ix);
	}
	walk_path(&w, path);
	if (!counting)
		stamp_flush(&r->stamps, r->pipe, 0);
}

/* ------------------------------------------------------------ set-up */

void run_setup(struct run *r, struct cli *c)
{
	memset(r, 0, sizeof *r);
	r->cli = c;
	r->threads = pipeline_default_threads();
	/* before the extractor's patterns are compiled */
	pipeline_heap_policy();
	cdx_buf_init(&r->out, (size_t)64 << 20);
	cdx_buf_init(&r->input, 0); /* the reader sets its cap */
}

/* Does the index folder of @p c hold an index already? */
static int index_exists(const struct cli *c)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof path, "%s/data.mdb", c->db);
	return stat(path, &st) == 0;
}

/* Load the extractor, start the pipeline (for ingest, on the index) and
 * read every input through it; afterwards every counter of @p r is
 * final. Returns EXIT_OK or EXIT_INDEX. */
int run_inputs(struct run *r, char **paths, int n, pipeline_sink_fn sink,
               int indexing, int show_progress)
{
	int rc;

	r->sink = sink;
	r->indexing = indexing;
	/* with more than one thread, the extractor loads and the index
	 * opens while the first inputs are read; with one, first */
	if (r->pre == NULL) {
		rc = preread_new(&r->pre, r->cli, r->threads, r->indexing);
		if (rc != EXIT_OK)
			return rc;
	}
	/* an index that may hold stamps is needed before the first file,
	 * to skip it unread: no reading ahead of the load then */
	if (r->indexing && !r->stamps.rescan && index_exists(r->cli))
		pipe_now(r, 1);
	if (show_progress) {
		for (int i = 0; i < n && r->n_counted <= COUNT_FILES_MAX; i++)
			read_path(r, paths[i], 1);
		if (r->n_counted > COUNT_FILES_MAX)
			r->total = 0;
	}
	progress_init(&r->prog, show_progress, r->total);
	/* libxml2's global set-up, before any thread may parse */
	cdx_corpus_init();
	pipe_now(r, 0);
	for (int i = 0; i < n && !reading_stopped(r); i++)
		read_path(r, paths[i], 0);
	/* every input was read before the extractor was ready */
	pipe_now(r, 1);
	cdx_buf_release(&r->input);
	if (r->halted)
		return EXIT_INDEX;
	pipeline_finish(r->pipe);
	r->pipe = NULL;
	return EXIT_OK;
}

void run_release(struct run *r)
{
	preread_free(r->pre);
	pipeline_finish(r->pipe);
	cdx_index_writer_abort(r->writer);
	cdx_index_lookup_free(r->stamps.rd); /* before the close */
	r->stamps.rd = NULL;
	cdx_index_close(r->ix);
	cdx_extract_free(r->ex);
	cdx_buf_release(&r->out);
	cdx_buf_release(&r->input);
	stale_release(&r->stale);
	stamp_state_release(&r->stamps);
	cdx_manifest_free(r->manifest);
}

/* --manifest FILE: read before any input; its row warnings are printed
 * like the readers' (not with --quiet). EXIT_USAGE when it is unusable. */
int load_manifest(struct run *r, const char *path)
{
	struct cdx_error err = CDX_ERROR_INIT;

	if (path == NULL)
		return EXIT_OK;
	if (cdx_manifest_load(&r->manifest, path, cli_warn, r->cli, &err) !=
	    CDX_OK) {
		cli_errorf("--manifest: %s", err.msg);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}
