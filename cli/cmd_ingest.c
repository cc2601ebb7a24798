/*
 * cmd_ingest.c — `claimdex ingest PATH...` and `claimdex extract FILE...`.
 *
 * Both read inputs with corpus/ on the calling thread and push each
 * document through the pipeline (pipeline.c), which starts once the
 * extractor is loaded (with more than one thread, while the first inputs
 * are read and held: preread.c): worker threads extract the
 * claims (and for ingest prepare the document for the index: its terms),
 * and one consumer thread takes the documents back in input order and
 * either adds them to the index, many per write transaction (ingest), or
 * prints their claims (extract). Every message — a rejected file, a
 * reader's warning, a duplicate — travels through the pipeline too and is
 * printed by the consumer at its place in the input, so the output is the
 * same whatever the thread count.
 *
 * A file that cannot be read is reported on one line and skipped: the
 * others go on, what the index already holds is untouched, and the exit
 * status is 1.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "manifest.h"

/* A write transaction ends when the batch's memory (postings built in
 * memory plus the writer's copies of the documents) reaches BATCH_MEM:
 * each batch is one posting segment, and fewer, larger segments make a
 * smaller index and fewer merges, while the budget keeps the whole ingest
 * within 128 MB. BATCH_DOCS bounds what a crash can lose on short
 * documents. */
#define BATCH_MEM ((size_t)24 << 20)
#define BATCH_DOCS 16384
/* Summing sizes for the progress bar's total stops after this many files:
 * past it the walk is no longer cheap, and the bar goes without ETA. */
#define COUNT_FILES_MAX 100000

struct run {
	struct cli *cli;
	struct cdx_extractor *ex;
	struct preread *pre;             /* until the pipeline starts */
	struct pipeline *pipe;
	pipeline_sink_fn sink;
	int indexing;                    /* ingest, not extract */
	const char *stamp_manifest;      /* --manifest, for the fingerprint */
	int halted;                      /* the pipeline could not start */
	unsigned threads;                /* --threads: working threads in all */
	size_t max_bytes;                /* --max-size: largest input file */
	size_t part_max;                 /* --part-size, or 0: the default */
	int json;                        /* extract --json */
	struct cdx_manifest *manifest;   /* --manifest, or NULL */
	/* reader side: the calling thread */
	unsigned long files;
	uint64_t file_size, file_credit; /* current file: size, bytes credited */
	uint64_t total;                  /* input bytes expected (progress) */
	unsigned long n_counted;         /* files seen while summing sizes */
	struct cdx_buf input;            /* files are read into it (scratch) */
	/* consumer side: the thread that calls the sink */
	struct cdx_index *ix;            /* NULL for extract */
	struct cdx_index_writer *writer; /* open batch, or NULL */
	struct cdx_buf out;              /* extract: output being built */
	struct progress prog;
	int failed;                      /* an index error stopped the run */
	unsigned long rejected, docs, claims_n, bytes;
	unsigned long n_new, n_replaced, n_unchanged, n_dup, limit_hits;
	/* ingest: what each file gave, for removing stale parts (stale.c) */
	const char *cur_path;
	unsigned cur_parts;
	int cur_single, cur_other;
	struct stale stale;
	unsigned long pruned;
	/* ingest: files skipped unread, stamps written (stamp.c) */
	struct stamp_state stamps;
};

/* ------------------------------------------------------ consumer side */

/* Commit the batch; the @p last one also merges the segments as the
 * close would, in the same transaction (one commit and sync fewer at the
 * end, when nothing else runs). */
static int flush_batch(struct run *r, int last)
{
	struct cdx_error err = CDX_ERROR_INIT;
	int rc;

	if (r->writer == NULL)
		return CDX_OK;
	rc = last ? cdx_index_writer_commit_last(r->writer, &err) :
	            cdx_index_writer_commit(r->writer, &err);
	r->writer = NULL;
	if (rc != CDX_OK) {
		progress_clear(&r->prog);
		cli_errorf("cannot commit to '%s': %s", r->cli->db,
		           err.msg[0] ? err.msg : cdx_strerror(rc));
		r->failed = 1;
	}
	return rc;
}

/*
 * What every item says before its document is used: queued messages, the
 * document's repair warning, an extraction failure, match-limit skips.
 * Returns whether the document goes on to be indexed or printed.
 */
static int item_prelude(struct run *r, struct pipeline_item *it)
{
	const struct cdx_doc *doc = it->doc;

	if (it->msg_kind != PIPELINE_MSG_NONE) {
		progress_clear(&r->prog);
		if (it->msg_kind == PIPELINE_MSG_REJECT) {
			r->rejected++;
			cli_errorf("%s", it->msg ? it->msg : "out of memory");
		} else if (it->msg) {
			cli_warn(r->cli, it->msg);
		}
	}
	if (doc == NULL) {
		progress_add(&r->prog, 0, it->credit);
		return 0;
	}
	r->docs++;
	r->bytes += doc->len;
	/* doc->warning is not printed: the reader already sent the same
	 * repair warning, naming the file, through reader_warn(). */
	if (it->rc != CDX_OK) {
		progress_clear(&r->prog);
		cli_errorf("%s: %s", doc->source,
		           it->err.msg[0] ? it->err.msg : cdx_strerror(it->rc));
		r->rejected++;
		progress_add(&r->prog, 1, it->credit);
		return 0;
	}
	if (it->limit_hits) {
		char msg[300];

		snprintf(msg, sizeof msg,
		         "'%s': %u sentences skipped (pattern match limit)",
		         doc->source, it->limit_hits);
		progress_clear(&r->prog);
		cli_warn(r->cli, msg);
		r->limit_hits += it->limit_hits;
	}
	return 1;
}

static void count_outcome(struct run *r, const struct pipeline_item *it,
                          enum cdx_add_outcome outcome)
{
	switch (outcome) {
	case CDX_ADD_NEW:
		r->n_new++;
		r->claims_n += it->n_claims;
		break;
	case CDX_ADD_REPLACED:
		r->n_replaced++;
		r->claims_n += it->n_claims;
		break;
	case CDX_ADD_UNCHANGED: r->n_unchanged++; break;
	case CDX_ADD_DUPLICATE:
		r->n_dup++;
		if (!r->cli->quiet) {
			progress_clear(&r->prog);
			fprintf(stderr,
			        "claimdex: '%s': same content as a document "
			        "already indexed; skipped\n",
			        it->doc->source);
		}
		break;
	}
}

/* A file's stamp, or files skipped unread (stamp.c). */
static int stamps_item(struct run *r, struct pipeline_item *it)
{
	struct cdx_error err = CDX_ERROR_INIT;
	int rc = stamp_item(&r->stamps, r->ix, &r->writer, it, &err);

	if (rc != CDX_OK) {
		progress_clear(&r->prog);
		cli_errorf("cannot write to '%s': %s", r->cli->db,
		           err.msg[0] ? err.msg : cdx_strerror(rc));
		cdx_index_writer_abort(r->writer);
		r->writer = NULL;
		r->failed = 1;
		return rc;
	}
	progress_add(&r->prog, 0, it->credit);
	return CDX_OK;
}

/* The ingest sink: add the document to the open batch (beginning one when
 * none is open), commit at BATCH_DOCS documents or BATCH_MEM bytes held,
 * and at the end commit what is left, on this same thread. */
static int ingest_sink(void *ctx, struct pipeline_item *it)
{
	struct run *r = ctx;
	struct cdx_error err = CDX_ERROR_INIT;
	enum cdx_add_outcome outcome;
	uint64_t doc_id = CDX_STAMP_NO_DOC;
	int rc;

	if (it == NULL) {
		if (r->failed) {
			cdx_index_writer_abort(r->writer);
			r->writer = NULL;
		} else {
			flush_batch(r, 1);
		}
		progress_clear(&r->prog);
		return 0;
	}
	if (it->msg_kind == PIPELINE_MSG_STAMP ||
	    it->msg_kind == PIPELINE_MSG_SKIPPED)
		return stamps_item(r, it);
	if (it->doc == NULL && it->msg_kind != PIPELINE_MSG_WARN)
		stamp_file_reset(&r->stamps); /* a file ended unstamped */
	if (!item_prelude(r, it)) {
		if (it->doc)
			stamp_doc_failed(&r->stamps);
		return 0;
	}
	if (r->writer == NULL) {
		rc = cdx_index_writer_begin(&r->writer, r->ix, &err);
		if (rc != CDX_OK) {
			progress_clear(&r->prog);
			cli_errorf("cannot write to '%s': %s", r->cli->db, err.msg);
			r->failed = 1;
			return rc;
		}
	}
	if (it->prepared) {
		/* prepared by the thread that extracted it: the writer
		 * takes it */
		rc = cdx_index_writer_add_prepared(r->writer, it->prepared,
		                                   &outcome, &doc_id, &err);
		it->prepared = NULL;
	} else {
		rc = cdx_index_writer_add(r->writer, it->doc, &it->claims,
		                          &outcome, &doc_id, &err);
	}
	if (rc != CDX_OK) {
		progress_clear(&r->prog);
		cli_errorf("cannot index '%s': %s", it->doc->source,
		           err.msg[0] ? err.msg : cdx_strerror(rc));
		cdx_index_writer_abort(r->writer);
		r->writer = NULL;
		r->failed = 1;
		return rc;
	}
	count_outcome(r, it, outcome);
	stamp_doc(&r->stamps, doc_id, outcome);
	progress_add(&r->prog, 1, it->credit);
	if (cdx_index_writer_count(r->writer) >= BATCH_DOCS ||
	    cdx_index_writer_bytes(r->writer) >= BATCH_MEM)
		return flush_batch(r, 0);
	return CDX_OK;
}

static void print_claim_line(struct run *r, const struct cdx_doc *doc,
                             const struct cdx_claim *cl)
{
	char v[64], span[256], text[256];
	size_t n = cl->end - cl->start;

	if (cl->kind == CDX_KIND_DATE)
		snprintf(v, sizeof v, "%s", cl->value_str[0] ? cl->value_str : "?");
	else
		fmt_value(v, sizeof v, cl->value);
	if (n >= sizeof span)
		n = sizeof span - 1;
	memcpy(span, doc->text + cl->start, n);
	span[n] = '\0';
	sticky(cdx_buf_printf(&r->out, "%s:%u\t%-8s %14s %-4s %-6s %-22s %-12s \"%s\"\n",
	                      doc->source, cl->start, cdx_kind_name(cl->kind), v,
	                      cl->unit, cdx_qualifier_name(cl->qualifier),
	                      cl->subject ? cl->subject : "-",
	                      cl->commodity ? cl->commodity : "-",
	                      cli_flat(text, sizeof text, span)));
}

/* The extract sink: print the document's claims to stdout. */
static int extract_sink(void *ctx, struct pipeline_item *it)
{
	struct run *r = ctx;
	const struct cdx_doc *doc;

	if (it == NULL) {
		fflush(stdout);
		return 0;
	}
	if (!item_prelude(r, it))
		return 0;
	doc = it->doc;
	r->claims_n += it->claims.n;
	for (size_t i = 0; i < it->claims.n; i++) {
		const struct cdx_claim *cl = &it->claims.v[i];

		if (r->json)
			sticky(json_claim(&r->out, doc->source, cl,
			                  doc->text + cl->start,
			                  cl->end - cl->start,
			                  doc->text + cl->sent_start,
			                  cl->sent_end - cl->sent_start));
		else
			print_claim_line(r, doc, cl);
	}
	if (r->out.err) {
		cli_errorf("%s: output too large", doc->source);
		cdx_buf_release(&r->out);
	} else if (r->out.len) {
		fwrite(r->out.ptr, 1, r->out.len, stdout);
		cdx_buf_clear(&r->out);
	}
	return 0;
}

/* -------------------------------------------------------- reader side */

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

static void run_setup(struct run *r, struct cli *c)
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
static int run_inputs(struct run *r, char **paths, int n,
                      pipeline_sink_fn sink, int show_progress)
{
	int rc;

	r->sink = sink;
	r->indexing = sink == ingest_sink;
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

static void run_release(struct run *r)
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
static int load_manifest(struct run *r, const char *path)
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


/* --threads N: 1..PIPELINE_THREADS_MAX, else -1 */
static long parse_threads(const char *s)
{
	long n = cli_parse_count(s);

	if (n < 1 || n > PIPELINE_THREADS_MAX) {
		cli_errorf("--threads takes a number from 1 to %d, not '%s'",
		           PIPELINE_THREADS_MAX, s);
		return -1;
	}
	return n;
}

/* "64M", "200k", "1G", "5000": a size in bytes with an optional binary
 * suffix; 0 when it is not one. */
static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return 0;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0' || v == 0 || v > (SIZE_MAX >> shift))
		return 0;
	return (size_t)(v << shift);
}

static const char ingest_help[] =
	"usage: claimdex [--db DIR] ingest [--quiet] [--threads N] "
	"[--max-size SIZE]\n"
	"                                  [--part-size SIZE] [--manifest FILE]\n"
	"                                  [--rescan] PATH...\n"
	"\n"
	"Read each PATH (a file, a folder searched recursively, or - for "
	"standard\n"
	"input), extract its claims and add it to the index, which is created "
	"if\n"
	"missing. Formats are detected by content: plain text, HTML, RSS/Atom "
	"and\n"
	"other XML, Reuters-style SGML collections, JSON Lines (text, title, "
	"date,\n"
	"url). Re-ingesting a source replaces its old version; an unchanged\n"
	"text is left alone unless its claims, title or date now come out\n"
	"otherwise (a newer claimdex, other --data, a --manifest), and is then\n"
	"replaced. The same content under another name is reported and\n"
	"skipped. A regular file ingested whole before is skipped unread while\n"
	"its size, times (mtime, ctime) and inode, this claimdex, the\n"
	"extractor's data and these options are as they were; it counts as\n"
	"unchanged (or as duplicates, as it did).\n"
	"\n"
	"  --threads N  working threads (default: the online CPUs, at most 16):"
	"\n"
	"               1 extracts and indexes on one thread; N > 1 extracts on"
	"\n"
	"               N - 1 threads while one writes. The index is the same\n"
	"               whatever N\n"
	"  --max-size SIZE  reject input files larger than SIZE bytes (suffix\n"
	"               K, M or G; default 64M); such a file gets one error line\n"
	"  --part-size SIZE  store a text longer than SIZE (1K to 4M, the\n"
	"               default) as parts F#part1, F#part2, ... cut at paragraph\n"
	"               breaks; parts an earlier version of F had beyond its\n"
	"               new last one are removed\n"
	"  --manifest FILE  a CSV or TSV list with a header naming a file (or\n"
	"               path, source) column and any of date, title, url: each\n"
	"               document listed (by its path relative to FILE's folder,\n"
	"               \"coll.sgm#12\" for an item) takes the row's values\n"
	"               before its claims are extracted; a bad row is a warning\n"
	"  --rescan     read every file, even those stamped unchanged\n"
	"  -q, --quiet  no warnings, progress bar or summary\n"
	"\n"
	"When standard error is a terminal, a progress line shows documents, "
	"MB,\n"
	"MB/s and, when the input size is known, the time left.\n"
	"\n"
	"Exit status: 0 all inputs indexed, 1 some were rejected (the rest "
	"was\n"
	"indexed), 2 usage error, 3 index error.\n";

int cmd_ingest(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"quiet", no_argument, NULL, 'q'},
		{"threads", required_argument, NULL, 't'},
		{"max-size", required_argument, NULL, 'm'},
		{"part-size", required_argument, NULL, 'p'},
		{"manifest", required_argument, NULL, 'M'},
		{"rescan", no_argument, NULL, 'R'},
		{NULL, 0, NULL, 0},
	};
	struct run r;
	const char *manifest = NULL;
	long threads = -1;
	size_t max_bytes = 0, part_max = 0;
	double t0;
	int ch, rc, rescan = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (ch) {
		case 'h': fputs(ingest_help, stdout); return EXIT_OK;
		case 'q': c->quiet = 1; break;
		case 't':
			threads = parse_threads(optarg);
			if (threads < 0)
				return EXIT_USAGE;
			break;
		case 'm':
			max_bytes = parse_size(optarg);
			if (max_bytes == 0) {
				cli_errorf("--max-size takes a size such as 500K, "
				           "64M or 1G, not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'p':
			part_max = parse_size(optarg);
			if (part_max < 1024 || part_max > CDX_DOC_PART_MAX) {
				cli_errorf("--part-size takes a size from 1K to 4M, "
				           "not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'M': manifest = optarg; break;
		case 'R': rescan = 1; break;
		default: fputs(ingest_help, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_errorf("ingest: no input given");
		fputs(ingest_help, stderr);
		return EXIT_USAGE;
	}
	run_setup(&r, c);
	if (threads >= 0)
		r.threads = (unsigned)threads;
	r.max_bytes = max_bytes;
	r.part_max = part_max;
	rc = load_manifest(&r, manifest);
	if (rc != EXIT_OK) {
		run_release(&r);
		return rc;
	}
	/* the fingerprint waits for the extractor: start_pipeline() */
	stamp_state_init(&r.stamps, 0, rescan);
	r.stamp_manifest = manifest;
	t0 = progress_now();
	rc = run_inputs(&r, argv + optind, argc - optind, ingest_sink,
	                !c->quiet && isatty(STDERR_FILENO));
	if (rc != EXIT_OK) {
		run_release(&r);
		return rc;
	}
	/* skipped files whose stamps a removal in the batch dropped: read */
	if (!r.failed && r.stamps.n_reread > 0) {
		unsigned long n = (unsigned long)r.stamps.n_reread;

		r.stamps.rescan = 1;
		rc = run_inputs(&r, r.stamps.reread, (int)n, ingest_sink, 0);
		if (rc != EXIT_OK) {
			run_release(&r);
			return rc;
		}
		r.files -= n; /* counted when skipped */
	}
	if (!r.failed) {
		struct cdx_error err = CDX_ERROR_INIT;

		if (stale_prune(&r.stale, r.ix, &r.pruned, &err) != CDX_OK) {
			cli_errorf("cannot remove old parts from '%s': %s", c->db,
			           err.msg);
			r.failed = 1;
		}
	}
	/* files skipped unread: their documents as the stamps counted them */
	r.docs += r.stamps.skip_docs + r.stamps.skip_dups;
	r.n_unchanged += r.stamps.skip_docs;
	r.n_dup += r.stamps.skip_dups;
	if (!c->quiet && !r.failed) {
		double dt = progress_now() - t0;
		printf("ingested %lu documents from %lu files in %.2f s "
		       "(%.1f MB/s): %lu new, %lu replaced, %lu unchanged, "
		       "%lu duplicates; %lu claims indexed",
		       r.docs, r.files - r.rejected, dt,
		       dt > 0 ? (double)r.bytes / 1e6 / dt : 0.0, r.n_new,
		       r.n_replaced, r.n_unchanged, r.n_dup, r.claims_n);
		if (r.pruned)
			printf("; %lu old parts removed", r.pruned);
		if (r.rejected)
			printf("; %lu inputs rejected", r.rejected);
		putchar('\n');
	}
	rc = r.failed ? EXIT_INDEX : r.rejected ? EXIT_REJECTED : EXIT_OK;
	run_release(&r);
	return rc;
}

static const char extract_help[] =
	"usage: claimdex extract [--json] [--threads N] [--manifest FILE] "
	"FILE...\n"
	"\n"
	"Print the claims of each FILE (or - for standard input) without "
	"touching\n"
	"any index. With --json, one JSON object per line per claim, with the\n"
	"fields of claims.md: doc, kind, start, end, text, value, value_max, "
	"unit,\n"
	"qualifier, subject, commodity, metric, time, sentence (and per, "
	"parties\n"
	"where they apply). Offsets are bytes into the document's extracted "
	"text\n"
	"(for a plain text file, and for XML that is not a feed, whose markup\n"
	"is blanked in place, the file's bytes). --threads N and --manifest "
	"FILE\n"
	"as for ingest; the output is in input order whatever N.\n"
	"\n"
	"Exit status: 0 all files read, 1 some were rejected, 2 usage error.\n";

int cmd_extract(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'j'},
		{"threads", required_argument, NULL, 't'},
		{"manifest", required_argument, NULL, 'M'},
		{NULL, 0, NULL, 0},
	};
	struct run r;
	const char *manifest = NULL;
	long threads = -1;
	int ch, rc, json = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (ch) {
		case 'h': fputs(extract_help, stdout); return EXIT_OK;
		case 'j': json = 1; break;
		case 't':
			threads = parse_threads(optarg);
			if (threads < 0)
				return EXIT_USAGE;
			break;
		case 'M': manifest = optarg; break;
		default: fputs(extract_help, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_errorf("extract: no file given");
		fputs(extract_help, stderr);
		return EXIT_USAGE;
	}
	run_setup(&r, c);
	if (threads >= 0)
		r.threads = (unsigned)threads;
	r.json = json;
	rc = load_manifest(&r, manifest);
	if (rc == EXIT_OK)
		rc = run_inputs(&r, argv + optind, argc - optind, extract_sink, 0);
	if (rc != EXIT_OK) {
		run_release(&r);
		return rc;
	}
	rc = r.rejected ? EXIT_REJECTED : EXIT_OK;
	run_release(&r);
	return rc;
}
