/*
 * index_int.h — what the files of indexer/ share; nothing outside indexer/
 * includes it except the index tests (which need the on-disk layout to
 * damage an index on purpose).
 *
 * The on-disk layout, one LMDB environment with named databases. Every id
 * is a u64 stored big-endian, so LMDB's memcmp order is numeric order.
 *
 *   meta       ASCII name → u64 BE: "schema", "n_docs", "n_tokens",
 *              "next_doc", "n_claims", "text_bytes",
 *              "text_end", "next_seg"
 *   docs       doc id >> 4 → the packed records (record.c) of up to 16
 *              documents: slot byte, varint length, record (docblock.c)
 *   text       block number u64 BE → INDEX_TEXT_BLOCK bytes of the text
 *              stream: every document's text, one after the other in id
 *              order (with the title before it when the text does not
 *              open with it); a doc record holds the offset and
 *              lengths. Fixed blocks of sixteen overflow pages each
 *              (the last one shorter), appended in key order (record.c)
 *   source     top byte of the index_hash64 of the source → DUPFIXED
 *              values: its other 7 bytes + doc id (4 bytes), BE (idmap.c);
 *              the doc record holds the source itself
 *   hash       the same for the index_hash64 of the text
 *   segs       segment id u32 BE → segment record (segment.c)
 *   terms      segment id u32 BE + term → (piece u32 BE, offset u16 BE):
 *              where the first term entry starting in a piece begins
 *   post       segment id u32 BE + piece u32 BE → INDEX_PIECE bytes of
 *              the segment's term stream (postings.c, pack.c,
 *              segment.c)
 *   deleted    doc id → nothing: documents removed since their segment
 *              was written; their postings go when the segment is merged
 *   claims     doc id >> INDEX_CLAIM_SHIFT → the claims records
 *              (claimrec.c) of up to 8 documents: slot byte, varint
 *              length, record (docblock.c); strings new to a record
 *              name their id in strings
 *   strings    block number u32 BE → INDEX_STRS_BLOCK strings of the
 *              string dictionary, each a varint length and its bytes
 *              (strdict.c); meta "strs_tag" holds its digest
 *   by_entity  folded entity name + 0x00 + first doc id (a byte count
 *              1..8, then the id's bytes BE) → a chunk
 *              of the entity's claim ids as delta varints, after a name
 *              header: the entity's first chunk holds its canonical
 *              name as first stored (entlist.c)
 *   dlen       block number u64 BE → INDEX_DLEN_BLOCK length codes, one
 *              byte per doc id (doclen.c): BM25's document length
 *              without a doc record read; 0 marks a removed document
 *   refs       reference figure key (reference.c) → packed figure; keys
 *              starting with byte 0x01 are tags ("a table was loaded")
 *   prefixes   the source prefix table (prefix.c): prefix → id u32 BE,
 *              and byte 0x00 + id u32 BE → prefix; a doc record holds
 *              its source as a prefix id and the rest
 *   stamps     a regular file ingested whole: index_hash64 of its path as
 *              its documents name it (top byte never 0) u64 BE → its
 *              stamp (stamp.c): fingerprint and st_mtim ns u64 BE;
 *              varints st_ctim - st_mtim (zigzag), st_size, st_ino,
 *              documents, duplicates, id + 1 of one of its documents
 *              (0 none); and byte 0x00 + a stamp's key → nothing for a
 *              stamp that counts duplicates (any removal drops those
 *              stamps; the entry may outlive them)
 *
 * Postings live in segments, one written per batch (LSM-style): a
 * segment is a term stream — for each term, in term order, its entry
 * (postings.c: the documents with term frequencies, then their word
 * positions) — cut into fixed pieces, with a sparse term index in terms.
 * Every key a segment writes is larger than any key before it (segment
 * ids only grow), so it is written with MDB_APPEND into full pages. A
 * term's postings are the concatenation of its entries in segment order.
 * Deletion marks the document in deleted; merging segments (writer.c,
 * merge.c) drops marked documents for good.
 *
 * A claim's id is its document's id and its ordinal among that
 * document's claims, which are in (start, end) order: doc << 24 | ordinal
 * (index_claim_id). Doc ids only grow, so claim ids do, and claim id
 * order is (doc id, start) order.
 *
 * Locking: LMDB serialises writers. The map_lock rwlock is taken shared by
 * every transaction and exclusively only to grow the map, because
 * mdb_env_set_mapsize() must not run while any transaction of this process
 * is live.
 */
#ifndef CDX_INDEX_INT_H
#define CDX_INDEX_INT_H

#include <lmdb.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "cdx_buf.h"
#include "index.h"

enum index_db {
	DB_META,
	DB_DOCS,
	DB_TEXT,
	DB_SOURCE,
	DB_HASH,
	DB_SEGS,
	DB_TERMS,
	DB_POST,
	DB_DELETED,
	DB_CLAIMS,
	DB_BY_ENTITY,
	DB_REFS,       /* reference figures (reference.c) */
	DB_DLEN,       /* document length codes (doclen.c) */
	DB_PREFIXES,   /* source prefixes (prefix.c) */
	DB_STRS,       /* the string dictionary (strdict.c) */
	DB_STAMPS,     /* files ingested whole (stamp.c) */
	DB_COUNT_
};

/** Longest term kept, in bytes (the tokenizer's token cap). */
#define INDEX_TERM_MAX 64
/** Longest folded entity key, in bytes. */
#define INDEX_ENTITY_MAX 256
/** Bytes per text block: sixteen LMDB overflow pages (64 KB less the
 *  16-byte page header), so the text's pages are all text but the last
 *  few bytes. Large blocks because compaction (compact.c) hands every
 *  overflow value to LMDB's writer thread with a round trip of its own:
 *  two-page blocks made that 1,952 round trips on Reuters and most of the
 *  copy's time. A removed document frees only the blocks no live
 *  document shares, so a lone removal frees little; a replaced
 *  collection (a run of neighbours) frees its blocks. */
#define INDEX_TEXT_BLOCK 65520
/** Length codes (doclen.c) per dlen value: exactly two overflow pages.
 *  Ranking reads one block per 8,176 ids it touches, so it stays small:
 *  a query with few hits reads few bytes. */
#define INDEX_DLEN_BLOCK 8176
/** Bytes per segment piece: with its 8-byte key a piece is just under
 *  LMDB's largest in-page node (4 KB pages), so two fill a page. */
#define INDEX_PIECE 2016
/** Segments merged at once when that many of one level pile up. */
#define INDEX_MERGE_FANIN 8
/** Compact at close when free pages are at least 1/this of the file. */
#define INDEX_COMPACT_SHARE 16
/** ... or 1/this after the close merged every segment: the copy then
 *  costs about what the merge just rewrote, and a first ingest ends
 *  with no free pages in its file. */
#define INDEX_COMPACT_SHARE_MERGED 256
/** Default initial map size. */
#define INDEX_MAP_DEFAULT ((size_t)64 << 20)

struct cdx_index {
	MDB_env *env;
	MDB_dbi dbi[DB_COUNT_];
	char *path;               /* folder, for messages */
	unsigned flags;           /* enum cdx_index_flags */
	pthread_rwlock_t map_lock; /* shared by txns, exclusive to grow */
	int dir_fd;               /* the folder, flock()ed shared; -1 none */
	int wrote;                /* a write transaction committed */
	uint64_t docs_written;    /* documents this handle's batches wrote */
	int merged_all;           /* the close merged every segment */
	int merged_now;           /* the last commit merged them all */
	unsigned threads;         /* cdx_index_set_threads(); 0 as 1 */
	struct index_acc *acc_spare; /* the last batch's arrays, or NULL */
	struct index_strdict *strdict; /* the writer's copy of the string
	                                  dictionary (strdict.c), or NULL */
};

/* ------------------------------------------------------------ util.c */

/**
 * @p n zeroed items of @p size bytes, or NULL (overflow, no memory). Unlike
 * calloc() it writes every byte: calloc() leaves a large block's pages
 * mapped to the kernel's zero page, and the first write after a read (a
 * hash table probed before it is filled) then makes the kernel flush the
 * TLB of every core running the process, which cost a two-thread ingest
 * a fifth of its CPU. Free with free().
 */
void *index_zalloc(size_t n, size_t size);

/** The first index of the ascending @p v[0, n) whose value is not below
 * @p x (n when none): a binary search. */
size_t index_u64_lower(const uint64_t *v, size_t n, uint64_t x);

/** Set @p err to "out of memory"; returns CDX_ERR_NOMEM. */
int index_nomem(struct cdx_error *err);

/**
 * Make the array *v (elements of @p size bytes, capacity *cap) hold at
 * least @p want elements, doubling from 16. On failure *v is untouched.
 * @return CDX_OK or CDX_ERR_NOMEM.
 */
int index_array_grow(void **v, size_t *cap, size_t want, size_t size);

static inline void index_put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static inline uint64_t index_get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static inline void index_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t index_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/** Write @p v as a LEB128 varint at @p p (room for 10 bytes). */
size_t index_varint_put(uint8_t *p, uint64_t v);
/** Read a varint at *p (not past @p end), advancing *p. 0 or CORRUPT. */
int index_varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v);
/** Append a varint to @p b. */
int index_buf_varint(struct cdx_buf *b, uint64_t v) CDX_WUR;

/** The 64-bit hash stored on disk (content, source keys): two lanes of
 *  eight bytes, read little-endian, so it is the same on every machine. */
uint64_t index_hash64(const void *p, size_t n);
/** The eight bytes at @p p as a little-endian number (byte i in bits
 *  8i), whatever the machine's byte order. */
uint64_t index_load_le64(const void *p);
/** A faster hash for in-memory tables only (its value may depend on
 *  the machine's byte order, so it is never stored). */
uint64_t index_mem_hash(const void *p, size_t n);

/** Longest prefix of @p s[0..n) of at most @p max bytes ending on a
 *  UTF-8 character boundary. */
size_t index_utf8_cut(const char *s, size_t n, size_t max);


/** The by_entity key of @p name: case- and mark-folded, into @p out of
 *  INDEX_ENTITY_MAX + 1 bytes (NUL-terminated). @return its length. */
size_t index_entity_key(const char *name, size_t n, char *out);

/** A bump allocator whose pointers stay valid until release. */
struct index_arena {
	struct arena_block *head;
};
void *index_arena_alloc(struct index_arena *a, size_t n);
/** Copy @p n bytes of @p s and a NUL. NULL on allocation failure. */
char *index_arena_strndup(struct index_arena *a, const char *s, size_t n);
void index_arena_release(struct index_arena *a);

/** Open-addressing map from byte strings (borrowed, must stay put) to
 *  u32 values. */
struct index_strmap {
	struct strmap_slot *slots;
	size_t cap, n;
};
/** Find @p s; when absent insert it with @p newval. *val gets the value.
 *  @return 1 inserted, 0 found, CDX_ERR_NOMEM. */
int index_strmap_put(struct index_strmap *m, const char *s, size_t len,
                     uint32_t newval, uint32_t *val);
/** @return CDX_OK with *val, or CDX_ERR_NOTFOUND. */
int index_strmap_get(const struct index_strmap *m, const char *s, size_t len,
                     uint32_t *val);
/** index_strmap_put() with @p hash = index_mem_hash(s, len) given. */
int index_strmap_put_h(struct index_strmap *m, const char *s, size_t len,
                       uint64_t hash, uint32_t newval, uint32_t *val);
/** index_strmap_get() with @p hash = index_mem_hash(s, len) given. */
int index_strmap_get_h(const struct index_strmap *m, const char *s,
                       size_t len, uint64_t hash, uint32_t *val);
/** Forget every entry, keep the allocation. */
void index_strmap_clear(struct index_strmap *m);
void index_strmap_release(struct index_strmap *m);

/* ------------------------------------------------------------ terms.c */

/** Called with each search term of a text: folded, marks stripped, at
 *  most INDEX_TERM_MAX bytes (not NUL-terminated), with the span of the
 *  word it came from. Non-zero stops and is returned. */
typedef int (*index_term_fn)(void *ctx, const char *term, size_t n,
                             uint32_t start, uint32_t end);

/** The one term pipeline, used for documents and queries alike: tokens
 *  folded, marks stripped, then stemmed (English) when @p stemmer (from
 *  index_stemmer_new) is not NULL. */
int index_terms(const char *text, size_t len, void *stemmer,
                index_term_fn fn, void *ctx);
/** Bytes of a "near" set: which first two bytes wanted terms start with. */
#define INDEX_NEAR_BYTES 512
/** Add @p term to the near set @p near (INDEX_NEAR_BYTES, zeroed first). */
void index_near_add(uint8_t *near, const char *term, size_t n);
/** index_terms() for finding given terms only: a token that cannot
 *  become one of the terms of @p near is not stemmed and is passed with
 *  an empty term (n = 0), so its span still counts. */
int index_terms_near(const char *text, size_t len, void *stemmer,
                     const uint8_t *near, index_term_fn fn, void *ctx);
/** The term of one word already folded (a query word): stemmed into
 *  @p out (INDEX_TERM_MAX + 1 bytes, NUL-terminated). @return length. */
size_t index_term_of(const char *word, size_t n, void *stemmer, char *out);
/** An English stemmer; not thread-safe, so one per writer or query.
 *  NULL when out of memory. */
void *index_stemmer_new(void);
void index_stemmer_free(void *stemmer);

/* ------------------------------------------------------------ idmap.c */

/* The source and hash databases map a document's 64-bit hash (of its
 * source, of its text) to its id; a source's hash is index_hash64 of it,
 * and a lookup by source confirms against the doc record. */

/** The doc id of @p h in @p db (DB_SOURCE or DB_HASH).
 *  @return CDX_OK, CDX_ERR_NOTFOUND or an index error. */
int index_idmap_get(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t h, uint64_t *id, struct cdx_error *err);
/** Map @p h to @p id, replacing what it mapped to. */
int index_idmap_put(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t h, uint64_t id, struct cdx_error *err);
/** index_idmap_put() of an @p h known to map to nothing (looked up in
 *  this transaction): no search for an entry to replace. */
int index_idmap_add(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t h, uint64_t id, struct cdx_error *err);
/** Remove @p h's entry when it maps to @p id (else nothing). */
int index_idmap_del(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t h, uint64_t id, struct cdx_error *err);
/** Decode an entry read by a cursor. @return CDX_OK or CDX_ERR_CORRUPT. */
int index_idmap_entry(const MDB_val *k, const MDB_val *v, uint64_t *h,
                      uint64_t *id);

/* ------------------------------------------------------------ prepare.c */

/** A term of a prepared document. */
struct index_pterm {
	uint64_t hash;   /* index_mem_hash of the term: the batch map's key */
	const char *s;   /* in the document's term block, not terminated */
	uint32_t len, tf;
	uint32_t pos;    /* its word positions: pos[pos, pos + tf) */
};

/** A document ready for the writer (cdx_index_doc_prepare): the copy the
 *  writer keeps until its batch ends, every pointer owned by @c block;
 *  and its terms, in @c tblock, which the writer drops once merged. */
struct cdx_index_doc {
	const char *source, *title, *date, *text;
	size_t len, n_claims;
	uint8_t format;
	struct cdx_claim *claims; /* sorted by (start, end) */
	void *block;
	size_t weight;            /* bytes of block */
	uint64_t hash;            /* index_hash64 of the text */
	uint32_t n_tokens;
	int has_terms;            /* terms, pos and tblock are set */
	struct index_pterm *terms;
	size_t n_terms;
	uint32_t *pos;            /* every term's positions, term by term */
	void *tblock;
	struct cdx_index_prep *owner; /* gets the blocks back (prepare.c) */
};
/** (Re)compute @p d's terms from its text with @p p. 0 or NOMEM. */
int index_doc_terms(struct cdx_index_prep *p, struct cdx_index_doc *d);
/** Free @p d's terms (has_terms becomes 0). */
void index_doc_drop_terms(struct cdx_index_doc *d);

/* ------------------------------------------------------------ env.c */

/** Translate an LMDB code into a status and message ("cannot @p doing
 *  index 'PATH': ..."). The only caller of mdb_strerror. */
int index_mdb_error(const struct cdx_index *ix, int rc, const char *doing,
                    struct cdx_error *err);

/** Begin a read transaction (takes map_lock shared). */
int index_read_begin(struct cdx_index *ix, MDB_txn **txn,
                     struct cdx_error *err);
/** End it and drop the lock. NULL ok. */
void index_read_end(struct cdx_index *ix, MDB_txn *txn);
/** Begin a write transaction (takes map_lock shared). */
int index_write_begin(struct cdx_index *ix, MDB_txn **txn,
                      struct cdx_error *err);
/** Commit (the txn is gone either way) and drop the lock. */
int index_write_commit(struct cdx_index *ix, MDB_txn *txn,
                       struct cdx_error *err);
/** Abort and drop the lock. NULL ok. */
void index_write_abort(struct cdx_index *ix, MDB_txn *txn);
/** Double the map. No transaction of this thread may be live.
 *  @return 0 or CDX_ERR_MAPFULL when it cannot grow. */
int index_grow(struct cdx_index *ix, struct cdx_error *err);
/** Grow ahead of time when the map is more than 3/4 used. */
int index_grow_if_needed(struct cdx_index *ix, struct cdx_error *err);

/* ------------------------------------------------------------ compact.c */

/** Open the index folder and hold a shared flock on it in ix->dir_fd;
 *  where that cannot be done, dir_fd is -1 and the handle never
 *  compacts. */
void index_folder_lock(struct cdx_index *ix);
/** Pages on LMDB's free list or past the last page used, and the file's
 *  size in pages. */
int index_free_pages(struct cdx_index *ix, uint64_t *free_pages,
                     uint64_t *file_pages, struct cdx_error *err);
/** When no other handle has the index open and free pages are at least
 *  1/INDEX_COMPACT_SHARE of the file, replace data.mdb by a compact copy;
 *  the env is closed then (ix->env NULL) and *compacted set. No
 *  transaction may be live. On failure the index is left as it was. */
int index_compact_close(struct cdx_index *ix, int *compacted,
                        struct cdx_error *err);
/** Merge the segments into one and rewrite by_entity, source, docs,
 *  hash, strings and claims in key order, in a write transaction of its own (a handle that
 *  wrote, at close). On failure the index is left as it was. No
 *  transaction of this handle may be live. */
int index_merge_close(struct cdx_index *ix, struct cdx_error *err);
struct index_meta;
/** The work of index_merge_close() in the write transaction @p txn
 *  (meta @p m, stored by the caller), when the handle's @p docs written
 *  are enough of the index: *merged tells whether it ran. */
int index_merge_all_txn(struct cdx_index *ix, MDB_txn *txn,
                        struct index_meta *m, uint64_t docs, int *merged,
                        struct cdx_error *err);

struct index_meta {
	uint64_t schema, n_docs, n_tokens, next_doc, n_claims,
		text_bytes, text_end, next_seg;
};
int index_meta_load(struct cdx_index *ix, MDB_txn *txn,
                    struct index_meta *m, struct cdx_error *err);
int index_meta_store(struct cdx_index *ix, MDB_txn *txn,
                     const struct index_meta *m, struct cdx_error *err);

#include "index_rec.h"

#include "index_post.h"

/* ------------------------------------------------------------ tail.c */

/** The last block of a table of fixed-size blocks (text: INDEX_TEXT_BLOCK
 *  bytes, dlen: INDEX_DLEN_BLOCK) while a batch appends to it: stored
 *  when full, or by index_tail_flush() before the table is otherwise
 *  read or changed in the transaction. */
struct index_tail {
	enum index_db db;
	unsigned new_flags; /* mdb_put flags for a block not yet stored */
	size_t cap;         /* bytes of a full block of its table */
	uint64_t no;        /* the block held */
	size_t len;         /* its bytes */
	int live;           /* b holds block no */
	int dirty;          /* b differs from what is stored */
	int stored;         /* block no is in the database */
	uint8_t b[INDEX_TEXT_BLOCK]; /* the larger of the two block sizes */
};
/** Hold blocks of @p cap bytes (at most INDEX_TEXT_BLOCK) of @p db. */
void index_tail_init(struct index_tail *t, enum index_db db, size_t cap,
                     unsigned new_flags);
/** Forget the block held without storing it (its transaction ended). */
void index_tail_reset(struct index_tail *t);
/** Make block @p no the one held, after storing the one before: read
 *  from the table, or empty when absent or @p fresh (known absent). */
int index_tail_load(struct cdx_index *ix, MDB_txn *txn, struct index_tail *t,
                    uint64_t no, int fresh, struct cdx_error *err);
/** Store the block held if it changed, and forget it. */
int index_tail_flush(struct cdx_index *ix, MDB_txn *txn, struct index_tail *t,
                     struct cdx_error *err);

/* ------------------------------------------------------------ remove.c */

/** State of a write transaction shared by add and remove. */
struct index_wctx {
	struct cdx_index *ix;
	MDB_txn *txn;
	struct index_meta meta;
	struct index_acc *acc;    /* this batch's postings, or NULL */
	uint64_t batch_first_doc; /* ids from here on live in acc */
	struct index_tail *text;  /* the writer's tails, or NULL */
	struct index_tail *dlen;
};

/** Remove document @p id with its postings, claims and map entries. */
int index_remove_doc(struct index_wctx *w, uint64_t id,
                     struct cdx_error *err);

/** An MDB_val over @p n bytes at @p p (LMDB never writes through it). */
#define index_val(p, n) ((MDB_val){(size_t)(n), (void *)(p)})

/* ------------------------------------------------------------ stamp.c */

/** A stamp put in a batch, kept to be put again when the batch is
 *  replayed (writer.c), after the first @c after journal documents;
 *  its path at an offset of the log's strings. */
struct index_stamp_ent {
	size_t after;
	size_t path;
	uint64_t doc;      /* id + 1 of a document of the file; 0 none */
	struct cdx_stamp s;
};

/** The batch's stamps, in the order put. */
struct index_stamp_log {
	struct index_stamp_ent *v;
	size_t n, cap;
	char *strs;        /* their paths, NUL-terminated */
	size_t len, room;
};

/**
 * Put the stamp of file @p path (@p doc: the id + 1 of one document of
 * it the index holds, or 0) in @p w's transaction and log it in @p log
 * after @p after journal documents.
 * @return CDX_OK, CDX_ERR_MAPFULL, CDX_ERR_NOMEM or an index error.
 */
int index_stamp_put(struct index_wctx *w, struct index_stamp_log *log,
                    size_t after, const char *path,
                    const struct cdx_stamp *s, uint64_t doc,
                    struct cdx_error *err);

/** Put again, in order, the logged stamps whose @c after is @p i,
 *  from *k on (a replay walks i up from 0 with *k from 0). */
int index_stamp_replay(struct index_wctx *w, struct index_stamp_log *log,
                       size_t i, size_t *k, struct cdx_error *err);

/** Free the log. NULL ok. */
void index_stamp_log_release(struct index_stamp_log *log);

/** The stamp of @p path as @p txn sees it: CDX_OK, CDX_ERR_NOTFOUND,
 *  CDX_ERR_CORRUPT or an index error. */
int index_stamp_get(struct cdx_index *ix, MDB_txn *txn, const char *path,
                    struct cdx_stamp *out, struct cdx_error *err);

/**
 * A document with @p source (@p n bytes) is being removed or replaced:
 * drop the stamps of the file it came from (@p source itself, and the
 * path before each '#': "F#12", "F#part3") and every stamp that counts
 * duplicates (the content they duplicated may be this document's).
 */
int index_stamp_forget(struct cdx_index *ix, MDB_txn *txn,
                       const char *source, size_t n, struct cdx_error *err);

/** The checker's part: each stamp is readable and the document it names
 *  is in the index. Problems go to @p fn; their count is added to
 *  *n_problems. @return CDX_OK or an LMDB error code (not translated). */
int index_stamp_check(struct cdx_index *ix, MDB_txn *txn, cdx_warn_fn fn,
                      void *ctx, unsigned *n_problems);

/* ------------------------------------------------------------ query.c */

enum index_qtype { Q_TERM, Q_PREFIX, Q_PHRASE, Q_AND, Q_OR, Q_NOT, Q_FILTER };
enum index_qfield {
	QF_ENTITY, QF_COMMODITY, QF_KIND, QF_VALUE, QF_YEAR, QF_SOURCE,
	QF_TITLE, QF_COUNT_
};

/** A value filter: [lo, hi], either end absent or open. */
struct index_valrange {
	double lo, hi;
	uint8_t has_lo, has_hi, lo_open, hi_open;
};

/** A node of a parsed query; kids are a sibling list. */
struct index_qnode {
	enum index_qtype type;
	struct index_qnode *kids, *next;
	size_t n_kids;
	const char *term;    /* TERM (stemmed), PREFIX (folded, unstemmed) */
	size_t len;
	enum index_qfield field; /* FILTER */
	const char *str;     /* FILTER: the value as typed */
	size_t str_len;
	int kind;            /* QF_KIND */
	int year;            /* QF_YEAR */
	struct index_valrange range; /* QF_VALUE */
};

/** A parsed query; nodes and strings live in its arena. */
struct index_query {
	struct index_qnode *root; /* NULL: nothing to search for */
	struct index_arena arena;
};
/** Parse @p text (never fails on content). @return 0 or NOMEM. */
int index_query_parse(struct index_query *q, const char *text, size_t len,
                      void *stemmer);
void index_query_release(struct index_query *q);
/** ">50", ">=50", "<5", "10..20", "..20", "50" (',' and '%' allowed).
 *  @return 0 or CDX_ERR_USAGE. */
int index_valrange_parse(const char *s, size_t n, struct index_valrange *out);
/** Does a claim's value [lo, hi] (hi NAN: a single value) meet @p r? */
int index_valrange_meets(const struct index_valrange *r, double lo, double hi);

/* ------------------------------------------------------------ claims.c */

/** What a claim must satisfy (all that are set). */
struct index_claim_pred {
	char entity[INDEX_ENTITY_MAX + 1]; /* folded key; subject or commodity */
	size_t entity_len;
	char commodity[INDEX_ENTITY_MAX + 1];
	size_t commodity_len;
	int kind;            /* -1: any */
	int year;            /* 0: any */
	int has_range;
	struct index_valrange range;
};
void index_claim_pred_init(struct index_claim_pred *p);
/** Does claim @p r of a document dated @p date (may be NULL) match? */
int index_claim_pred_match(const struct index_claim_pred *p,
                           const struct index_claimrec *r, const char *date,
                           size_t date_len);
/** Does document @p doc (record @p d) hold a claim matching @p p?
 *  Its dictionary strings are read through *cache, made at the first
 *  call (the caller frees it with index_strcache_free). */
int index_doc_has_claim(struct cdx_index *ix, MDB_txn *txn,
                        const struct index_claim_pred *p, uint64_t doc,
                        const struct index_docrec *d,
                        struct index_strcache **cache, int *out,
                        struct cdx_error *err);

/* ------------------------------------------------------------ doclen.c */

/** Quantized length code of a document of @p n tokens: 1..255 (0 marks
 *  a document that is gone); exact below 64, then ~6% steps. */
uint8_t index_dlen_code(uint64_t n);
/** The length a code stands for. */
double index_dlen_value(uint8_t code);
/** Set document @p doc's code in the dlen table. */
int index_dlen_set(struct cdx_index *ix, MDB_txn *txn, uint64_t doc,
                   uint8_t code, struct cdx_error *err);
/** index_dlen_set() of a new document (above every one before),
 *  through @p tail (the table's last block, tail.c). */
int index_dlen_append(struct cdx_index *ix, MDB_txn *txn,
                      struct index_tail *tail, uint64_t doc, uint8_t code,
                      struct cdx_error *err);
/** Reads codes, keeping the block last read. */
struct index_dlen_reader {
	struct cdx_index *ix;
	MDB_txn *txn;
	uint64_t block;     /* held block + 1, 0 none */
	const uint8_t *p;
	size_t n;
};
/** The code of @p doc (0 when gone or unknown). */
uint8_t index_dlen_get(struct index_dlen_reader *r, uint64_t doc);

/* ------------------------------------------------------------ match.c */

/** A sorted set of document ids. */
struct index_dset {
	uint64_t *v;
	size_t n, cap;
};

/* ------------------------------------------------------------ dset.c */

void index_dset_release(struct index_dset *s);
/** Append @p doc (above every doc of @p s). @return 0 or NOMEM. */
int index_dset_add(struct index_dset *s, uint64_t doc);
/** a := a ∩ b */
void index_dset_and(struct index_dset *a, const struct index_dset *b);
/** a := a − b */
void index_dset_minus(struct index_dset *a, const struct index_dset *b);
/** a := a ∪ b. @return 0 or NOMEM. */
int index_dset_or(struct index_dset *a, const struct index_dset *b);
/** s := the documents of @p l (once each). @return 0 or NOMEM. */
int index_dset_of_plist(struct index_dset *s, const struct index_plist *l);
/** a := a ∩ the documents of @p l, in place; a is meant to be the
 *  shorter (galloping in l unless l is hardly longer). */
void index_dset_and_plist(struct index_dset *a, const struct index_plist *l);

/** A term of the query with its postings (no positions), for ranking. */
struct index_sterm {
	char term[INDEX_TERM_MAX + 1];
	size_t len;
	int scoring;        /* used outside NOT: adds to the score */
	struct index_plist l;
	double idf, ub;     /* search.c: weight and score upper bound */
	size_t cur;         /* search.c: cursor into l */
	/* a phrase's word: the readers its entries were decoded from,
	 * held (with their bytes) so that its positions need no second
	 * lookup */
	struct index_segr *kept;
	size_t n_kept, cap_kept;
};

/** Evaluating one query in one read transaction. */
struct index_match {
	struct cdx_index *ix;
	MDB_txn *txn;
	struct index_meta meta;
	struct index_seg *segs;   /* owned */
	size_t n_segs;
	struct index_sterm *terms; /* owned; every term read, once */
	size_t n_terms, cap_terms;
	void *stemmer;
	cdx_entity_resolve_fn resolve;
	void *resolve_ctx;
	struct cdx_error *err;
	struct index_strcache *strs; /* claim filters' strings, or NULL */
};
/** The documents matching @p q (positive: not under an odd number of
 *  NOTs) into @p out (sorted; may hold replaced documents whose dlen
 *  code is 0). */
int index_match_eval(struct index_match *m, const struct index_qnode *q,
                     int positive, struct index_dset *out);
/** Read the postings of a word or prefix as scoring terms only. */
int index_match_terms(struct index_match *m, const struct index_qnode *q);
/** Every live document. */
int index_match_all(struct index_match *m, struct index_dset *out);
/** Free the terms and segments (not the txn). NULL ok. */
void index_match_release(struct index_match *m);

/* ------------------------------------------------------------ search.c */

/** The snippet of @p text for the query terms @p terms (n of them). */
int index_snippet(const char *text, size_t len, void *stemmer,
                  char *const *terms, const size_t *term_lens, size_t n,
                  char **out);

#endif
