/*
 * cli.h — internals of the claimdex command-line front end, the only part
 * of claimdex that prints or decides an exit status.
 *
 * main.c parses the global options and dispatches to one cmd_<name>()
 * per command; each command parses its own options, does its work through
 * the library's public headers only, and returns an exit code.
 */
#ifndef CDX_CLI_H
#define CDX_CLI_H

#include <stdio.h>
#include <sys/stat.h>

#include "cdx_buf.h"
#include "cdx_error.h"
#include "corpus.h"
#include "extract.h"
#include "index.h"

/** Exit codes; docs/cli.md documents them. */
enum cli_exit {
	EXIT_OK = 0,       /**< all well */
	EXIT_REJECTED = 1, /**< some inputs were rejected; the rest was done */
	EXIT_USAGE = 2,    /**< bad command line */
	EXIT_INDEX = 3,    /**< the index could not be opened, read or written */
};

/** State shared by every command: what the global options said. */
struct cli {
	const char *prog;     /**< "claimdex" */
	const char *db;       /**< index folder */
	const char *data_dir; /**< extractor data folder, or NULL for default */
	int quiet;            /**< --quiet: no progress or summaries */
};

int cmd_ingest(struct cli *c, int argc, char **argv);
int cmd_extract(struct cli *c, int argc, char **argv);
int cmd_search(struct cli *c, int argc, char **argv);
int cmd_claims(struct cli *c, int argc, char **argv);
int cmd_entities(struct cli *c, int argc, char **argv);
int cmd_show(struct cli *c, int argc, char **argv);
int cmd_stats(struct cli *c, int argc, char **argv);
int cmd_check(struct cli *c, int argc, char **argv);
int cmd_delete(struct cli *c, int argc, char **argv);
int cmd_audit(struct cli *c, int argc, char **argv);
int cmd_reference(struct cli *c, int argc, char **argv);

/** Print "claimdex: MSG" to stderr. */
void cli_errorf(const char *fmt, ...) CDX_PRINTF(1, 2);

/** cdx_warn_fn that prints "claimdex: warning: MSG" to stderr. */
void cli_warn(void *ctx, const char *msg);

/**
 * Open the index of @p c. With @p create the folder is created when
 * missing. Prints the error and returns EXIT_INDEX on failure, else
 * EXIT_OK with *out set.
 */
int cli_open_index(struct cli *c, int create, struct cdx_index **out);

/** Load the extractor; prints and returns EXIT_INDEX on failure. */
int cli_open_extractor(struct cli *c, struct cdx_extractor **out);

/**
 * Copy @p s into @p buf (capacity @p cap) on one line: every run of white
 * space (newlines from flattened tables, tabs) becomes one space, and a cut
 * falls on a UTF-8 character boundary. Returns @p buf. For table columns.
 */
const char *cli_flat(char *buf, size_t cap, const char *s);

/** Parse a non-negative integer option value; -1 when it is not one. */
long cli_parse_count(const char *s);

/* ---- json.c: JSON Lines output exactly as claims.md defines it ---- */

/** Append @p s (n bytes) as a JSON string literal, quotes included. */
int json_str(struct cdx_buf *b, const char *s, size_t n) CDX_WUR;
/** Append a C string as a JSON string, or null when @p s is NULL. */
int json_cstr(struct cdx_buf *b, const char *s) CDX_WUR;
/** Append a number, or null when it is NaN. */
int json_num(struct cdx_buf *b, double v) CDX_WUR;

/**
 * Append one claim as a JSON object and a newline. @p doc is the `doc`
 * field; @p text and @p sentence the surface and sentence texts.
 */
int json_claim(struct cdx_buf *b, const char *doc, const struct cdx_claim *cl,
               const char *text, size_t text_len, const char *sentence,
               size_t sentence_len) CDX_WUR;

/**
 * Swallow the status of one append to a buffer whose sticky error
 * (buf->err) is checked once after a run of appends (cdx_buf.h).
 */
static inline void sticky(int rc)
{
	(void)rc;
}

/** Format a value for people: "92", "38,000,000", "4.8"; into @p out. */
void fmt_value(char *out, size_t cap, double v);

/* ---- pipeline.c: documents through extraction workers, in order ---- */

/*
 * The reader (the calling thread) submits documents and messages; worker
 * threads extract claims; one consumer thread hands every item, in the
 * order submitted, to a sink. At most a bounded number of items (and of
 * document bytes) is in flight, so memory does not grow with the input.
 */
struct pipeline;

/** What a message item is. */
enum pipeline_msg {
	PIPELINE_MSG_NONE = 0,
	PIPELINE_MSG_WARN,   /**< a warning; the input goes on */
	PIPELINE_MSG_REJECT, /**< an input was rejected (exit status 1) */
	PIPELINE_MSG_STAMP,  /**< a regular file was read whole: msg is
	                          its stamp (stamp.c), for the ingest sink */
	PIPELINE_MSG_SKIPPED, /**< a regular file was skipped unread: msg is
	                           the stamp that said so (stamp.c) */
};

/** One item as the sink sees it; everything is owned by the pipeline. */
struct pipeline_item {
	struct cdx_doc *doc;      /**< the document, or NULL */
	struct cdx_claims claims; /**< its claims (when rc is CDX_OK); once
	                               the document is prepared, its text,
	                               spans and a long claims array are
	                               freed: the prepared copy has them */
	size_t n_claims;          /**< claims extracted, kept when the
	                               array is freed */
	struct cdx_index_doc *prepared; /**< the document prepared for the
	                                     index, or NULL; the sink may
	                                     take it (set NULL) */
	unsigned limit_hits;      /**< sentences skipped at the match limit */
	int rc;                   /**< extraction status */
	struct cdx_error err;     /**< its message when rc is not CDX_OK */
	enum pipeline_msg msg_kind;
	char *msg;                /**< message to print, or NULL */
	uint64_t credit;          /**< input bytes this item completes */
	size_t weight;            /**< bytes held while in flight */
	int state;                /**< private */
};

/**
 * Called in order for every item, on the consumer thread (or, with no
 * workers, on the submitting thread). Return 0 to go on; anything else
 * stops the pipeline: later items are dropped unseen and submits fail.
 * Called once more with @p it NULL at the end (also after a stop), on the
 * same thread, so that what the sink began there (an LMDB write
 * transaction) ends there too.
 */
typedef int (*pipeline_sink_fn)(void *ctx, struct pipeline_item *it);

/** Default --threads (working threads in all): online CPUs, at most this. */
#define PIPELINE_THREADS_DEFAULT_MAX 16
/** Largest --threads accepted. */
#define PIPELINE_THREADS_MAX 64

/** Online CPUs, capped at PIPELINE_THREADS_DEFAULT_MAX, at least 1. */
unsigned pipeline_default_threads(void);

/**
 * Set the allocator's thresholds for a pipeline run (pipeline.c says
 * which and why). pipeline_new() sets them; call this first when work
 * before it allocates and frees much, as loading the extractor does.
 */
void pipeline_heap_policy(void);

/**
 * Start @p workers extraction threads and the consumer thread; with 0
 * workers, no thread: each submit extracts and calls the sink at once. @p ex is shared
 * read-only; call cdx_corpus_init() before. With @p prepare, the thread
 * that extracts a document also prepares it for the index
 * (item->prepared). On failure prints, returns EXIT_INDEX and sets *out
 * to NULL.
 */
int pipeline_new(struct pipeline **out, const struct cdx_extractor *ex,
                 unsigned workers, int prepare, pipeline_sink_fn sink,
                 void *ctx);

/**
 * Hand @p doc (ownership passes, also on failure) to the pipeline; waits
 * while the window is full. @p credit is the input bytes it stands for.
 * @return CDX_OK, or CDX_ERR_FAIL once the sink has stopped the pipeline.
 */
int pipeline_submit(struct pipeline *p, struct cdx_doc *doc, uint64_t credit);

/** Queue a message (copied; may be NULL) and an input-byte credit. */
int pipeline_submit_msg(struct pipeline *p, enum pipeline_msg kind,
                        const char *msg, uint64_t credit);

/** Whether the sink has stopped the pipeline. */
int pipeline_stopped(struct pipeline *p);

/**
 * Wait until every item has reached the sink, stop the threads and free
 * the pipeline. NULL ok. @return 1 when the sink had stopped it, else 0.
 */
int pipeline_finish(struct pipeline *p);

/* ---- preread.c: inputs read while the extractor loads ---- */

struct preread;

/**
 * Begin loading the extractor of @p c and then, with @p indexing, opening
 * (creating) its index for @p threads: on a thread of its own when
 * @p threads > 1, else at preread_finish(). Prints and returns EXIT_INDEX
 * when out of memory; free with preread_free().
 */
int preread_new(struct preread **out, struct cli *c, unsigned threads,
                int indexing);
/** Whether to go on holding items: the loading thread is still at work
 *  and what is held is within its bound. */
int preread_waiting(const struct preread *s);
/** Hold a document (ownership passes on success) or a message (copied;
 *  may be NULL) with its input-byte credit, in order. 0, or -1 when out
 *  of memory (nothing held, the document still the caller's). */
int preread_hold_doc(struct preread *s, struct cdx_doc *doc, uint64_t credit);
int preread_hold_msg(struct preread *s, enum pipeline_msg kind,
                     const char *msg, uint64_t credit);
/** Wait for the extractor and index (or load them now): EXIT_OK with *ex
 *  and, when indexing, *ix set (the caller's to free), or EXIT_INDEX, the
 *  error printed and both NULL. */
int preread_finish(struct preread *s, struct cdx_extractor **ex,
                   struct cdx_index **ix);
/** Submit every held item to @p p, in order; none is held after. */
void preread_flush(struct preread *s, struct pipeline *p);
/** Join the loading thread, drop what is held. NULL ok. */
void preread_free(struct preread *s);

/* ---- walk.c: the input paths of ingest and extract ---- */

/** What walk_path() calls, each with @c ctx. */
struct walk {
	int counting; /**< only sum sizes: files are stat()ed, never
	                   opened, and nothing is reported */
	/** A file: open on @p fd (closed by the walk after the call; for
	 *  "-" standard input, not closed) with @p size its st_size when it
	 *  is a regular file, else CDX_READ_SIZE_UNKNOWN; @p fd -1 when it
	 *  could not be opened (read it by @p path: the reader says why).
	 *  Counting: @p fd is -1 and @p size the regular file's size. */
	void (*file)(void *ctx, const char *path, int fd, uint64_t size);
	/** A path that cannot be read, with its message (not counting). */
	void (*reject)(void *ctx, const char *msg);
	/** Non-zero stops the walk before its next entry. */
	int (*stop)(void *ctx);
	void *ctx;
	/** Or NULL. A regular file about to be given to @c file, with the
	 *  fstat() of its open descriptor (before it is read), or with
	 *  @c stat_first the stat() of a folder's entry before it is opened:
	 *  non-zero skips it unread. Not for "-" nor when counting. */
	int (*seen)(void *ctx, const char *path, const struct stat *st);
	int stat_first; /**< files in folders: stat(), seen(), then open */
};

/** Hand input @p path — "-", a file, or a folder and the files below it
 *  in name order (hidden entries, pipes, sockets and devices skipped,
 *  links followed) — to @p w. */
void walk_path(const struct walk *w, const char *path);

/* ---- progress.c: the one-line progress bar of ingest ---- */

/** A progress line on stderr, redrawn at most ten times a second. */
struct progress {
	int on;              /**< draw at all (stderr is a terminal) */
	int drawn;           /**< a line is on the screen */
	double t0, last;     /**< start and last draw, monotonic seconds */
	uint64_t total;      /**< input bytes expected; 0 when unknown */
	uint64_t bytes;      /**< input bytes done */
	unsigned long docs;  /**< documents done */
};

/** Seconds on the monotonic clock. */
double progress_now(void);
/** Start; @p on says whether to draw, @p total the bytes expected or 0. */
void progress_init(struct progress *p, int on, uint64_t total);
/** Count @p docs documents and @p bytes input bytes more; maybe redraw. */
void progress_add(struct progress *p, unsigned long docs, uint64_t bytes);
/** Erase the line if one is drawn (before printing anything else). */
void progress_clear(struct progress *p);

/* ---- stale.c: parts a re-ingested file no longer has ---------------- */

/** What one ingested file gave: one document (0) or parts 1..n_parts. */
struct stale_file {
	char *path;
	unsigned n_parts;
};

/** The files of one ingest, noted while reading. */
struct stale {
	struct stale_file *v;
	size_t n, cap;
	int failed; /**< out of memory while noting: prune nothing */
};

void stale_init(struct stale *s);
/** Free the notes. NULL ok. */
void stale_release(struct stale *s);
/**
 * Is @p source a document of file @p path: 0 the file itself, 1 one of its
 * parts ("PATH#partN"), -1 neither (an item of a collection).
 */
int stale_doc_kind(const char *path, const char *source);
/** Note that @p path (copied) gave @p n_parts parts, or one document (0). */
void stale_note(struct stale *s, const char *path, unsigned n_parts);
/**
 * After every batch is committed: delete, for each noted file, the
 * documents of its earlier versions that it no longer has (its single
 * document when it is now in parts; parts past its new last one), each
 * with cdx_index_delete(). The count goes to @p pruned.
 * @return CDX_OK, or CDX_ERR_FAIL with @p err set by the index.
 */
int stale_prune(struct stale *s, struct cdx_index *ix, unsigned long *pruned,
                struct cdx_error *err);

/* ---- stamp.c: skipping files ingested whole before ------------------ */

/**
 * The fingerprint of this run: claimdex itself (schema, executable),
 * @p ex's data, the --part-size and --max-size values (0: default) and
 * the bytes of the --manifest file @p manifest (or NULL).
 * @return CDX_OK, or CDX_ERR_IO when the manifest cannot be read.
 */
int stamp_fingerprint(uint64_t *out, const struct cdx_extractor *ex,
                      size_t part_max, size_t max_bytes,
                      const char *manifest, struct cdx_error *err);
/** The stamp of a file with status @p st under @p fingerprint (no
 *  documents counted yet). */
void stamp_of_stat(struct cdx_stamp *s, const struct stat *st,
                   uint64_t fingerprint);
/** Whether @p a and @p b are the same file unchanged under the same
 *  fingerprint (the counts aside). */
int stamp_same(const struct cdx_stamp *a, const struct cdx_stamp *b);
/** The text of a PIPELINE_MSG_STAMP item for @p path in @p buf, or NULL
 *  when it does not fit. */
char *stamp_msg(char *buf, size_t cap, const char *path,
                const struct cdx_stamp *s);
/** Read such a text into @p s's file fields; the path, or NULL. */
const char *stamp_msg_parse(const char *msg, struct cdx_stamp *s);

/** One ingest's stamps: the reader's side and the consumer's. */
struct stamp_state {
	uint64_t fingerprint; /**< stamp_fingerprint() of the run */
	int rescan;           /**< --rescan: read every file */
	/* reader side */
	struct cdx_stamp cur; /**< the file being read, from its fstat() */
	int have_cur;         /**< cur is that of the file read_one reads */
	int foreign;          /**< it gave a document stamp_doc_of() does
	                           not own: no stamp */
	struct cdx_index_lookup *rd; /**< the reader's lookups, or NULL */
	int rd_failed;        /**< it could not be made: read every file */
	struct cdx_buf pending; /**< files skipped, not yet submitted */
	unsigned n_pending;
	uint64_t pending_credit; /**< their bytes */
	/* consumer side: files skipped */
	unsigned long skip_docs, skip_dups; /**< their documents */
	char **reread;        /**< skipped, but their stamps went meanwhile */
	size_t n_reread, cap_reread;
	/* consumer side: the file whose documents are arriving */
	unsigned long f_docs, f_dup;
	int f_bad;            /**< one of them failed: no stamp */
	uint64_t f_doc;       /**< the id of one it stored, or
	                           CDX_STAMP_NO_DOC */
};

void stamp_state_init(struct stamp_state *s, uint64_t fingerprint,
                      int rescan);
/** NULL ok. */
void stamp_state_release(struct stamp_state *s);
/**
 * Reader: regular file @p path with status @p st is about to be read.
 * Returns 1 when @p ix holds its stamp and every field matches: skip it
 * unread; it waits in s->pending for stamp_flush(). Else 0, with s->cur
 * set for the stamp its end will carry.
 */
int stamp_seen(struct stamp_state *s, struct cdx_index *ix, const char *path,
               const struct stat *st);
/**
 * Whether document @p source is file @p path's by its name: the path
 * itself or "path#..." (a part, an item numbered in the file). Only such
 * files are stamped: removing a document drops the stamp of the file its
 * name gives (indexer/stamp.c), and an item named by its URL (a feed, a
 * JSON Lines row with a url) names no file.
 */
int stamp_doc_of(const char *path, const char *source);
/** Reader, before a walk: whether files are likely to be skipped (the
 *  index held stamps when the reader began, and no --rescan). */
int stamp_likely(struct stamp_state *s, struct cdx_index *ix);
/**
 * Reader: submit the skipped files waiting as one PIPELINE_MSG_SKIPPED
 * item (before anything else is submitted, so the order holds); with
 * @p unless_few, only when a message's worth is waiting.
 */
void stamp_flush(struct stamp_state *s, struct pipeline *p, int unless_few);
/** Consumer: a file ended without a stamp (or with): forget its counts. */
void stamp_file_reset(struct stamp_state *s);
/** Consumer: a document of the current file went into the batch, as
 *  document @p id. */
void stamp_doc(struct stamp_state *s, uint64_t id,
               enum cdx_add_outcome outcome);
/** Consumer: a document of the current file failed (no stamp). */
void stamp_doc_failed(struct stamp_state *s);
/**
 * Consumer: a PIPELINE_MSG_STAMP or PIPELINE_MSG_SKIPPED item @p it.
 * STAMP ends the current file: its stamp, with the documents counted, is
 * put into the batch *w (begun when NULL), unless one of them failed.
 * SKIPPED (its text changed and restored in place): a file whose stamp
 * still holds in *w (or, NULL, in @p ix) has its documents counted in
 * skip_*; else the batch removed what the stamp vouched for since the
 * reader looked, and the file is noted in reread for a second pass.
 * @return CDX_OK, or an error with @p err set (abort the batch).
 */
int stamp_item(struct stamp_state *s, struct cdx_index *ix,
               struct cdx_index_writer **w, struct pipeline_item *it,
               struct cdx_error *err);

#endif
