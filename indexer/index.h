/*
 * index.h — the claimdex index: one LMDB environment holding documents,
 * their text, full-text postings, claims, and claims by entity, with BM25
 * ranked search and claim lookup.
 *
 * Writes go through a writer that batches many documents into one LMDB
 * write transaction (the index is never rewritten per document); readers
 * use their own read transactions and never block the writer (LMDB MVCC).
 * A crash loses at most the batch in flight.
 *
 * indexer/ takes documents and claims; it knows no markup and no patterns.
 * Nothing outside indexer/ sees an LMDB type.
 *
 * Threads: one struct cdx_index may be shared by many threads; every read
 * function may run in any thread at any time, also while a batch is open.
 * One writer (batch or cdx_index_delete) at a time: a second one waits
 * until the first commits or aborts, so a thread holding a writer must not
 * call cdx_index_delete() on the same index. Open an index folder at most
 * once per process (LMDB's rule). The map grows by itself (doubling).
 */
#ifndef CDX_INDEX_H
#define CDX_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "cdx_error.h"
#include "corpus.h"
#include "extract.h"

/** On-disk schema version; an index with another version is refused. */
#define CDX_INDEX_SCHEMA 11

struct cdx_index;

enum cdx_index_flags {
	CDX_INDEX_READONLY = 1 << 0, /**< open for reading only */
	CDX_INDEX_CREATE = 1 << 1,   /**< create the folder and index if absent */
};

/** Options for cdx_index_open(); NULL means CDX_INDEX_OPTIONS_INIT. */
struct cdx_index_options {
	unsigned version;  /**< CDX_INDEX_OPTIONS_VERSION */
	unsigned flags;    /**< enum cdx_index_flags */
	size_t map_size;   /**< initial LMDB map size in bytes; 0 = default.
	                        The map grows when it fills. */
};
#define CDX_INDEX_OPTIONS_VERSION 1
#define CDX_INDEX_OPTIONS_INIT {CDX_INDEX_OPTIONS_VERSION, CDX_INDEX_CREATE, 0}

/**
 * Open (or with CDX_INDEX_CREATE create) the index in folder @p path.
 * @return CDX_OK; CDX_ERR_NOTFOUND when it does not exist and CREATE is not
 *   set; CDX_ERR_SCHEMA when its schema version differs (message says both
 *   versions); CDX_ERR_FORMAT when the folder exists but is not an index;
 *   CDX_ERR_IO. On failure *out is NULL.
 */
int cdx_index_open(struct cdx_index **out, const char *path,
                   const struct cdx_index_options *opts,
                   struct cdx_error *err);

/** Close the index. NULL ok. No writer or result may be in use.
 *  When this handle committed writes, no other handle (of any process)
 *  has the index open and LMDB's free pages are at least a sixteenth of
 *  the file, the file is first replaced by a compact copy (written beside
 *  it, then renamed over it); if that fails the index stays as it was.
 *  Every handle holds a shared flock() on the index folder. */
void cdx_index_close(struct cdx_index *ix);

/* ------------------------------------------------------------ writing */

struct cdx_index_writer;

/** What cdx_index_writer_add() did with a document. */
enum cdx_add_outcome {
	CDX_ADD_NEW = 0,      /**< a new document */
	CDX_ADD_REPLACED,     /**< the source existed with other content:
	                           its old version was removed */
	CDX_ADD_UNCHANGED,    /**< the source exists with the same content */
	CDX_ADD_DUPLICATE,    /**< the same content exists under another source:
	                           skipped */
};

/**
 * Start a batch: one LMDB write transaction. Only one writer per index at
 * a time (others wait). Caller ends it with _commit or _abort.
 */
int cdx_index_writer_begin(struct cdx_index_writer **out,
                           struct cdx_index *ix, struct cdx_error *err);

/**
 * Add @p doc with its @p claims (claims' spans are into doc->text) to the
 * batch. The writer keeps its own copy of each new or replaced document
 * until the batch ends (to replay the batch when the map must grow), so
 * keep batches bounded (e.g. a few thousand documents or ~100 MB). New
 * content under a known source that equals another document's content is
 * a DUPLICATE: the source keeps its old version. Both are borrowed for the call. *outcome (may be NULL) says what
 * happened; *doc_id (may be NULL) is the document's id (for DUPLICATE and
 * UNCHANGED, the id of the document already held).
 * @return CDX_OK; CDX_ERR_MAPFULL if the map cannot grow; CDX_ERR_NOMEM;
 *   CDX_ERR_FAIL. After an error the batch must be aborted.
 */
int cdx_index_writer_add(struct cdx_index_writer *w,
                         const struct cdx_doc *doc,
                         const struct cdx_claims *claims,
                         enum cdx_add_outcome *outcome, uint64_t *doc_id,
                         struct cdx_error *err);

/*
 * Preparing documents in other threads. What the writer does with a
 * document that depends on nothing but the document — copying it,
 * hashing it, tokenizing, folding and stemming its text, gathering its
 * terms with their frequencies and positions — can be done beforehand by
 * any thread, so the one writing thread only merges and writes. A
 * preparer is one thread's state (stemmer, stem cache, scratch); prepared
 * documents may move between threads.
 */
struct cdx_index_prep;
struct cdx_index_doc;

/** A preparer for one thread. @return CDX_OK or CDX_ERR_NOMEM. */
int cdx_index_prep_new(struct cdx_index_prep **out, struct cdx_error *err);
/** NULL ok. Documents it prepared stay valid. */
void cdx_index_prep_free(struct cdx_index_prep *p);

/**
 * Prepare @p doc with its @p claims (both borrowed for the call; nothing
 * is kept pointing at them) for cdx_index_writer_add_prepared().
 * Caller owns *out until handing it to the writer; cdx_index_doc_free().
 * @return CDX_OK; CDX_ERR_FAIL when a claim's span does not fit the text
 *   (the message names the source); CDX_ERR_NOMEM. On failure *out is
 *   NULL.
 */
int cdx_index_doc_prepare(struct cdx_index_prep *p,
                          const struct cdx_doc *doc,
                          const struct cdx_claims *claims,
                          struct cdx_index_doc **out, struct cdx_error *err);

/** Bytes a prepared document holds (for memory budgets). NULL: 0. */
size_t cdx_index_doc_weight(const struct cdx_index_doc *d);

/** NULL ok. */
void cdx_index_doc_free(struct cdx_index_doc *d);

/**
 * cdx_index_writer_add() for a prepared document, which the writer takes
 * (also on failure): the index is the same as with _add().
 */
int cdx_index_writer_add_prepared(struct cdx_index_writer *w,
                                  struct cdx_index_doc *d,
                                  enum cdx_add_outcome *outcome,
                                  uint64_t *doc_id, struct cdx_error *err);

/**
 * Let this handle's writers use up to @p n threads (the calling one
 * included) where a writer works alone: encoding the postings at commit
 * and merging segments. 0 and 1 mean the calling thread only (the
 * default). The index written is the same for every @p n. Set it before
 * a batch begins; the handle must not be writing meanwhile.
 */
void cdx_index_set_threads(struct cdx_index *ix, unsigned n);

/** Documents added to this batch so far (all outcomes). */
size_t cdx_index_writer_count(const struct cdx_index_writer *w);

/** Memory the batch holds, roughly: its postings in memory and its
 *  copies of the documents. Commit when it passes a budget. */
size_t cdx_index_writer_bytes(const struct cdx_index_writer *w);

/** Commit the batch and free the writer (also on failure). */
int cdx_index_writer_commit(struct cdx_index_writer *w,
                            struct cdx_error *err);

/** cdx_index_writer_commit() for the handle's last batch: the merge of
 *  every segment that cdx_index_close() would do runs in the batch's own
 *  transaction (one commit and sync fewer; readers see the batch and the
 *  merge at once), and the close skips it unless another write follows.
 *  The index is the same either way. A merge that fails (a damaged
 *  segment) does not fail the batch: it is committed alone, as by
 *  cdx_index_writer_commit(), and the merge is left to the close.
 *  @return as cdx_index_writer_commit(). */
int cdx_index_writer_commit_last(struct cdx_index_writer *w,
                                 struct cdx_error *err);

/** Abandon the batch and free the writer. NULL ok. */
void cdx_index_writer_abort(struct cdx_index_writer *w);

/**
 * Remove the document whose source is @p source, or whose decimal id is
 * @p source, with its postings and claims, in a transaction of its own.
 * @return CDX_OK or CDX_ERR_NOTFOUND.
 */
int cdx_index_delete(struct cdx_index *ix, const char *source,
                     struct cdx_error *err);

/* ------------------------------------------------------------ stamps */

/*
 * A stamp says that a regular file was ingested whole and what it gave,
 * so that a re-ingest can skip it unread while nothing that decides its
 * documents has changed (stamp.c). It is keyed by the path as the file's
 * documents name it (for a collection, the file, not its items). Any
 * removal or replacement of one of the file's documents drops it.
 */

/** What a file's stamp records. */
struct cdx_stamp {
	uint64_t size;        /**< st_size */
	uint64_t mtime_ns;    /**< st_mtim, ns since the epoch */
	uint64_t ctime_ns;    /**< st_ctim, ns since the epoch */
	uint64_t ino;         /**< st_ino */
	uint64_t fingerprint; /**< of all else that decides the documents and
	                           claims (version, extractor data, options) */
	uint64_t n_docs;      /**< documents it gave, duplicates not counted */
	uint64_t n_dup;       /**< documents skipped as duplicates */
};

/** No document, for cdx_index_writer_stamp(). */
#define CDX_STAMP_NO_DOC UINT64_MAX

/**
 * Put the stamp of file @p path in the batch, after the file's documents
 * (so that it commits with the last of them, never without them). @p doc
 * is the id of one of the file's documents the index holds (for the
 * checker), or CDX_STAMP_NO_DOC.
 * @return CDX_OK; CDX_ERR_NOMEM; CDX_ERR_FAIL. After an error the batch
 *   must be aborted.
 */
int cdx_index_writer_stamp(struct cdx_index_writer *w, const char *path,
                           const struct cdx_stamp *s, uint64_t doc,
                           struct cdx_error *err);

/**
 * The stamp of file @p path as the batch @p w sees it (its own puts and
 * removals included).
 * @return as cdx_index_stamp_get().
 */
int cdx_index_writer_stamp_get(struct cdx_index_writer *w, const char *path,
                               struct cdx_stamp *out, struct cdx_error *err);

/**
 * The stamp of file @p path as last committed (a read transaction of
 * its own: it never waits for a writer).
 * @return CDX_OK; CDX_ERR_NOTFOUND; CDX_ERR_CORRUPT; an index error.
 */
int cdx_index_stamp_get(struct cdx_index *ix, const char *path,
                        struct cdx_stamp *out, struct cdx_error *err);

/** Many small lookups on one thread, one after the other, each seeing
 *  the last commit: a read transaction renewed, not begun, each time (a
 *  begin cost 2,000 instructions, as much as the lookup). */
struct cdx_index_lookup;

/**
 * A lookup handle on @p ix. When the index holds no stamp now, every
 * stamp lookup answers CDX_ERR_NOTFOUND without looking (a first ingest:
 * the stamps it writes are of files it has read).
 * @return CDX_OK, CDX_ERR_NOMEM or an index error; *out NULL on failure.
 */
int cdx_index_lookup_new(struct cdx_index_lookup **out,
                         struct cdx_index *ix, struct cdx_error *err);
/** Whether the index held no stamp when @p rd was made. */
int cdx_index_lookup_no_stamps(const struct cdx_index_lookup *rd);
/** cdx_index_stamp_get() through @p rd. */
int cdx_index_lookup_stamp(struct cdx_index_lookup *rd, const char *path,
                           struct cdx_stamp *out, struct cdx_error *err);
/** Whether the index holds a document with source (or decimal id)
 *  @p key: CDX_OK, CDX_ERR_NOTFOUND, or an index error. */
int cdx_index_lookup_doc(struct cdx_index_lookup *rd, const char *key,
                         struct cdx_error *err);
/** NULL ok. Before the index is closed. */
void cdx_index_lookup_free(struct cdx_index_lookup *rd);

/* ------------------------------------------------------------ reading */

/** A stored document's metadata and (optionally) text. Owns its strings. */
struct cdx_doc_info {
	uint64_t id;
	char *source;
	char *title;   /**< or NULL */
	char *date;    /**< or NULL */
	char *format;  /**< "text", "html", ... */
	uint64_t n_tokens;
	uint32_t n_claims;
	uint64_t text_len;
	char *text;    /**< only when asked for, else NULL */
};

/** Free the strings of @p d and zero it. NULL ok. */
void cdx_doc_info_release(struct cdx_doc_info *d);

/**
 * Fetch the document with source @p key (or decimal id @p key) into @p out,
 * with its text when @p with_text.
 * @return CDX_OK or CDX_ERR_NOTFOUND.
 */
int cdx_index_doc_get(struct cdx_index *ix, const char *key, int with_text,
                      struct cdx_doc_info *out, struct cdx_error *err);

/** One search hit. Owns its strings. */
struct cdx_search_hit {
	uint64_t doc_id;
	char *source;
	char *title;   /**< or NULL */
	double score;  /**< BM25, higher is better */
	char *snippet; /**< a passage with matched words in [brackets] */
};

struct cdx_search_results {
	struct cdx_search_hit *v;
	size_t n;
	uint64_t total; /**< documents that matched, before the limit */
};

/** Free the hits. NULL ok. */
void cdx_search_results_release(struct cdx_search_results *r);

/**
 * Ranked full-text search: @p query in the search syntax (see
 * cdx_index_search_opts(); words alone are ANDed), ranked by BM25
 * (k1 = 1.2, b = 0.75). At most @p limit hits, best first.
 * Never fails on user text: what is not syntax is read as words. @p limit 0
 * returns no hits but still counts out->total. Caller releases @p out
 * with cdx_search_results_release() (also after an error).
 * @return CDX_OK (zero hits is OK) or an index error.
 */
int cdx_index_search(struct cdx_index *ix, const char *query, size_t limit,
                     struct cdx_search_results *out, struct cdx_error *err);

/**
 * Maps an entity name or alias as typed ("US", "REE") to the canonical
 * name that claims store ("United States"), or NULL when it knows none.
 * The string returned must stay valid until the search returns.
 */
typedef const char *(*cdx_entity_resolve_fn)(void *ctx, const char *name);

/** Options for cdx_index_search_opts(); NULL means the INIT values. */
struct cdx_search_options {
	unsigned version;              /**< CDX_SEARCH_OPTIONS_VERSION */
	size_t limit;                  /**< hits wanted; 0 counts only */
	cdx_entity_resolve_fn resolve; /**< for entity: and commodity:, or
	                                    NULL (names used as typed) */
	void *resolve_ctx;
	int no_snippets;               /**< non-zero: hits carry no snippet
	                                    (snippet NULL), the text is not
	                                    read; for callers that only rank */
};
#define CDX_SEARCH_OPTIONS_VERSION 1
#define CDX_SEARCH_OPTIONS_INIT {CDX_SEARCH_OPTIONS_VERSION, 10, NULL, NULL, 0}

/**
 * Ranked search with the full syntax (docs/cli.md): words (AND),
 * "phrases", OR, NOT and -word, prefix*, parentheses, and the filters
 * entity: commodity: kind: value: year: source: title:. The claim filters
 * of one AND group hold on one and the same claim. Ranked by BM25 over
 * the words outside NOT, with top-k pruning; never fails on user
 * text. out->total counts every matching document.
 * @return as cdx_index_search().
 */
int cdx_index_search_opts(struct cdx_index *ix, const char *query,
                          const struct cdx_search_options *opts,
                          struct cdx_search_results *out,
                          struct cdx_error *err);

/** Filter for cdx_index_claims(); fields left at their INIT value match all. */
struct cdx_claim_filter {
	const char *entity;    /**< canonical subject or commodity name */
	int kind;              /**< enum cdx_claim_kind, or -1 */
	const char *source;    /**< only this document's claims, or NULL */
	size_t limit;          /**< 0 = no limit */
	const char *commodity; /**< canonical commodity name, or NULL */
	const char *value;     /**< ">50", ">=50", "<5", "10..20", "..20", "50"
	                            (a range claim matches when it overlaps),
	                            or NULL */
	int year;              /**< the year a claim holds for: its time, else
	                            a date claim's value, else its document's
	                            date; 0 = any */
};
#define CDX_CLAIM_FILTER_INIT {NULL, -1, NULL, 0, NULL, NULL, 0}

/**
 * A stored claim. Strings (in @c claim too) are owned by the enclosing
 * struct cdx_claim_rows and valid until it is released.
 */
struct cdx_claim_row {
	uint64_t doc_id;
	const char *source;   /**< the document's stored source */
	const char *doc_date; /**< the document's date, or NULL */
	struct cdx_claim claim;
	const char *text;     /**< the figure's surface text */
	const char *sentence; /**< its sentence */
};

struct cdx_claim_rows {
	struct cdx_claim_row *v;
	size_t n;
	void *arena_; /**< private: backing store of the strings */
};

/** Free rows and strings. NULL ok. */
void cdx_claim_rows_release(struct cdx_claim_rows *r);

/**
 * Claims matching @p f, in (document id, start) order.
 * @return CDX_OK (no match is OK: out->n == 0); CDX_ERR_USAGE when
 *   f->value or f->kind cannot be read; or an index error.
 */
int cdx_index_claims(struct cdx_index *ix, const struct cdx_claim_filter *f,
                     struct cdx_claim_rows *out, struct cdx_error *err);

/** An entity with the number of claims about it (subject or commodity). */
typedef int (*cdx_entity_count_fn)(void *ctx, const char *name,
                                   uint64_t n_claims);

/** Call @p fn for each entity named by a claim, by name. Non-zero stops. */
int cdx_index_entities(struct cdx_index *ix, cdx_entity_count_fn fn,
                       void *ctx, struct cdx_error *err);

/** Whole-index figures. */
struct cdx_index_stats {
	unsigned schema;
	uint64_t n_docs;
	uint64_t n_claims;
	uint64_t n_claims_by_kind[CDX_KIND_COUNT_];
	uint64_t n_terms;    /**< distinct terms */
	uint64_t n_tokens;   /**< tokens in all documents */
	uint64_t text_bytes; /**< bytes of stored text: the texts, and the
	                          titles a text does not open with */
	uint64_t n_entities; /**< distinct entities named by claims */
	uint64_t file_bytes; /**< size of the data file */
	uint64_t map_bytes;  /**< current map size */
};

int cdx_index_stats(struct cdx_index *ix, struct cdx_index_stats *out,
                    struct cdx_error *err);

/**
 * Verify the index: schema, every claim's document exists, every posting
 * points at a live document, every document's length code is right and
 * the length table lists no other, stored counts agree, every file stamp
 * is readable and the document it names is held, of its file. Each problem found is
 * passed to @p fn (may be NULL) as one plain sentence.
 * @return CDX_OK when sound, CDX_ERR_CORRUPT when any problem was found,
 *   or another error when the check itself could not run. *n_problems
 *   (may be NULL) gets the count.
 */
int cdx_index_check(struct cdx_index *ix, cdx_warn_fn fn, void *ctx,
                    unsigned *n_problems, struct cdx_error *err);

/* ------------------------------------------------------- reference figures */

/*
 * Authoritative figures (USGS Mineral Commodity Summaries, a user's own
 * table) that the audit compares claims with, stored beside the claims
 * (reference.c). A figure is keyed by commodity, metric, country, years,
 * source and edition: putting a figure with the same key replaces it.
 */

/** Flags of a reference figure. */
enum cdx_ref_flags {
	CDX_REF_ESTIMATED = 1 << 0, /**< the source marks it as an estimate */
	CDX_REF_DERIVED = 1 << 1,   /**< computed from the source's figures
	                                 (a share of the world total) */
};

/** Longest string field of a reference figure, in bytes. */
#define CDX_REF_FIELD_MAX 120

/**
 * One reference figure. Given to cdx_index_ref_put() its strings are
 * borrowed for the call; read back, they are owned by the enclosing
 * struct cdx_ref_rows.
 */
struct cdx_ref {
	const char *commodity; /**< claims.md name: "rare earths" */
	const char *country;   /**< canonical country, or "World" */
	const char *metric;    /**< "reserves", "mine_production_share", ... */
	const char *unit;      /**< "t", "%", "rank", ... */
	const char *source;    /**< "USGS Mineral Commodity Summaries" */
	const char *note;      /**< free text, or NULL */
	int year, year_end;    /**< years it holds for (equal for one year) */
	int edition;           /**< the source's edition (its year), or 0 */
	double value;
	char qualifier;        /**< 0 exact, '>' more than, '<' less than */
	unsigned flags;        /**< enum cdx_ref_flags */
};

/** Reference figures read back; strings owned by the struct. */
struct cdx_ref_rows {
	struct cdx_ref *v;
	size_t n;
	void *arena_; /**< private: backing store of the strings */
};

/** Free rows and strings and zero @p r. NULL ok. */
void cdx_ref_rows_release(struct cdx_ref_rows *r);

/**
 * Store @p n figures in one transaction, replacing figures with the same
 * key. *n_new (may be NULL) gets how many keys were not there before.
 * @return CDX_OK; CDX_ERR_LIMIT when a string field is longer than
 *   CDX_REF_FIELD_MAX (message names the field; nothing is stored);
 *   CDX_ERR_USAGE for a NULL commodity, country, metric or source;
 *   an index error.
 */
int cdx_index_ref_put(struct cdx_index *ix, const struct cdx_ref *refs,
                      size_t n, size_t *n_new, struct cdx_error *err);

/**
 * The stored figures, all or those of @p commodity (exact name; NULL for
 * all), ordered by commodity, metric, country, years, source, edition.
 * Caller releases @p out with cdx_ref_rows_release() (also after an error).
 * @return CDX_OK (none is OK: out->n == 0) or an index error.
 */
int cdx_index_ref_list(struct cdx_index *ix, const char *commodity,
                       struct cdx_ref_rows *out, struct cdx_error *err);

/**
 * Tags record that something was done to the reference store once (the
 * shipped table was loaded). *out is 1 when @p tag is set, else 0.
 */
int cdx_index_ref_tag_get(struct cdx_index *ix, const char *tag, int *out,
                          struct cdx_error *err);
/** Set @p tag (at most CDX_REF_FIELD_MAX bytes). */
int cdx_index_ref_tag_set(struct cdx_index *ix, const char *tag,
                          struct cdx_error *err);

#endif
