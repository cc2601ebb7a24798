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
 *              lengths. Fixed
 *              blocks of one overflow page each, appended in key order
 *              (record.c)
 *   source     top byte of the 64-bit FNV-1a of the source → DUPFIXED
 *              values: its other 7 bytes + doc id (4 bytes), BE (idmap.c);
 *              the doc record holds the source itself
 *   hash       the same for the 64-bit FNV-1a of the text
 *   segs       segment id u32 BE → segment record (segment.c)
 *   terms      segment id u32 BE + term → (piece u32 BE, offset u16 BE):
 *              where the first term entry starting in a piece begins
 *   post       segment id u32 BE + piece u32 BE → INDEX_PIECE bytes of
 *              the segment's term stream (postings.c, pack.c,
 *              segment.c)
 *   deleted    doc id → nothing: documents removed since their segment
 *              was written; their postings go when the segment is merged
 *   claims     doc id → the document's claims, one record (record.c)
 *   by_entity  folded entity name + 0x00 + first doc id (a byte count
 *              1..8, then the id's bytes BE) → a chunk
 *              of the entity's claim ids as delta varints, after a name
 *              header: the entity's first chunk holds its canonical
 *              name as first stored (entlist.c)
 *   dlen       block number u64 BE → INDEX_TEXT_BLOCK length codes, one
 *              byte per doc id (doclen.c): BM25's document length
 *              without a doc record read; 0 marks a removed document
 *   refs       reference figure key (reference.c) → packed figure; keys
 *              starting with byte 0x01 are tags ("a table was loaded")
 *   prefixes   the source prefix table (prefix.c): prefix → id u32 BE,
 *              and byte 0x00 + id u32 BE → prefix; a doc record holds
 *              its source as a prefix id and the rest
 *
 * Postings live in segments, one written per batch (LSM-style): a
 * segment is a term stream — for each term, in term order, its entry
 * (postings.c: the documents with term frequencies, then their word
 * positions) — cut into fixed pieces, with a sparse term index in terms.
 * Every key a segment writes is larger than any key before it (segment
 * ids only grow), so it is written with MDB_APPEND into full pages. A
 * term's postings are the concatenation of its entries in segment order.
 * Deletion marks the document in deleted; merging segments (writer.c,
 * segment.c) drops marked documents for good.
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
	DB_COUNT_
};

/** Longest term kept, in bytes (the tokenizer's token cap). */
#define INDEX_TERM_MAX 64
/** Longest folded entity key, in bytes. */
#define INDEX_ENTITY_MAX 256
/** Bytes per text block (and length-code block): exactly two LMDB
 *  overflow pages (8 KB less the 16-byte header), so the text's pages
 *  are 99.8% text; a leaf node then holds only the key and page number,
 *  one per 8 KB. (One page, 4080 bytes, was 99.6% and twice the leaf
 *  nodes: 0.08 MB more on Reuters; two 2016-byte blocks in a leaf page
 *  were 98.4%.) */
#define INDEX_TEXT_BLOCK 8176
/** Bytes per segment piece: with its 8-byte key a piece is just under
 *  LMDB's largest in-page node (4 KB pages), so two fill a page. */
#define INDEX_PIECE 2016
/** Segments merged at once when that many of one level pile up. */
#define INDEX_MERGE_FANIN 8
/** Compact at close when free pages are at least 1/this of the file. */
#define INDEX_COMPACT_SHARE 16
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
};

/* ------------------------------------------------------------ util.c */

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

/** 64-bit FNV-1a: the hash stored on disk (content, source keys). */
uint64_t index_hash64(const void *p, size_t n);
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
/** Merge the segments into one and rewrite by_entity, source and docs
 *  in key order, in a write transaction of its own (a handle that
 *  wrote, at close). On failure the index is left as it was. No
 *  transaction of this handle may be live. */
int index_merge_close(struct cdx_index *ix, struct cdx_error *err);

struct index_meta {
	uint64_t schema, n_docs, n_tokens, next_doc, n_claims,
		text_bytes, text_end, next_seg;
};
int index_meta_load(struct cdx_index *ix, MDB_txn *txn,
                    struct index_meta *m, struct cdx_error *err);
int index_meta_store(struct cdx_index *ix, MDB_txn *txn,
                     const struct index_meta *m, struct cdx_error *err);

/* ------------------------------------------------------------ record.c */

/** Longest source stored as a prefix id and the rest (longer ones are
 *  stored whole); below LMDB's largest key, as the prefix is a key. */
#define INDEX_SOURCE_SPLIT_MAX 480

/** A doc record; strings point into the LMDB value (valid in the txn)
 *  or into the struct (a packed date in @c date_buf; a numeric source in
 *  @c num_buf; a source made whole in @c source_buf: do not copy the
 *  struct), not NUL-terminated;
 *  title/date NULL when absent. While @c prefix is set, @c source is
 *  only the part after the prefix: index_doc_source() makes it whole.
 *  @c hash is the writer's to give the hash map; it is not stored (the
 *  text gives it again: index_doc_hash) and unpacks as 0.
 *
 *  The title is part of the stored text: either the text's first
 *  title_len bytes (@c title_lead: most plain-text articles open with
 *  their title), or stored just before the text in the stream. The
 *  stream span [span_off, span_off + span_len) holds both. Unpacked,
 *  @c title is NULL and @c has_title says whether there is one: read it
 *  with index_doc_title(). Packed, @c title is the writer's string. */
struct index_docrec {
	uint64_t n_tokens, text_off, text_len, hash;
	uint64_t span_off, span_len, title_off;
	int has_title, title_lead;
	uint32_t n_claims;
	uint32_t prefix;   /* the source's prefix id + 1; 0 none */
	uint8_t format;
	const char *source, *title, *date;
	size_t source_len, title_len, date_len;
	char date_buf[16];
	char num_buf[24];  /* a numeric source (after its prefix) */
	char source_buf[INDEX_SOURCE_SPLIT_MAX];
};
int index_docrec_pack(const struct index_docrec *r, struct cdx_buf *b) CDX_WUR;
/** Unpack a doc record; its source may still lack its prefix. */
int index_docrec_unpack(const void *p, size_t n, struct index_docrec *r);
struct index_text;
/** Append a new document's title (@p title, NULL: none) and text to
 *  the text stream at m->text_end: the title only when the text does
 *  not open with it. Sets @p r's text, title and span fields and adds
 *  the bytes stored to m->text_bytes. */
int index_doc_text_put(struct cdx_index *ix, MDB_txn *txn,
                       struct index_meta *m, struct index_docrec *r,
                       const char *title, const char *text, size_t len,
                       struct cdx_error *err);
/** The title of unpacked record @p r into @p t (t->p NULL when it has
 *  none). @return 0, CORRUPT (the text is missing) or an index error. */
int index_doc_title(struct cdx_index *ix, MDB_txn *txn,
                    const struct index_docrec *r, struct index_text *t,
                    struct cdx_error *err);

/* ------------------------------------------------------------ docblock.c */

/** Doc records per docs value (a power of two): key id >> INDEX_DOC_SHIFT. */
#define INDEX_DOC_SHIFT 4
#define INDEX_DOC_BLOCK (1u << INDEX_DOC_SHIFT)

/** The record of @p slot in a docs block value. @return 0, NOTFOUND,
 *  CORRUPT. */
int index_docblock_find(const void *v, size_t n, unsigned slot,
                        MDB_val *rec);
/** Document @p id's packed record (in the map). @return 0, NOTFOUND (no
 *  message), CORRUPT (its block is damaged; no message) or an index
 *  error. */
int index_doc_get(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                  MDB_val *rec, struct cdx_error *err);
/** Store the record of a new document @p id, above every id stored. */
int index_doc_put(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                  const void *rec, size_t n, struct cdx_error *err);
/** Remove document @p id's record. @return 0, NOTFOUND, CORRUPT. */
int index_doc_del(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                  struct cdx_error *err);
/** The live document below @p id with the highest id and its record.
 *  @return 0, NOTFOUND, or an LMDB code. */
int index_doc_before(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                     uint64_t *before, MDB_val *rec);
/** Walks the doc records in id order. */
struct index_docs_it {
	MDB_cursor *cur;
	MDB_val k, v;
	uint8_t kb[8];
	const uint8_t *p, *end;
	int prev;            /* slot read last in this block, -1 none */
	int state;           /* 0, or the cursor's last LMDB code */
	int bad;
	uint64_t from;
	uint64_t block;      /* after CORRUPT: the damaged block's key */
};
/** Start at the first document >= @p from. @return 0 or an LMDB code. */
int index_docs_open(struct index_docs_it *it, struct cdx_index *ix,
                    MDB_txn *txn, uint64_t from);
/** The next document: 0, ITEROVER, CORRUPT (block it->block is damaged;
 *  the walk goes on after it) or an LMDB code. */
int index_docs_next(struct index_docs_it *it, uint64_t *id, MDB_val *rec);
void index_docs_close(struct index_docs_it *it);

/* ------------------------------------------------------------ entlist.c */

/** Bytes a by_entity chunk grows to by appends (one document's entries
 *  may pass it: they are never split). */
#define INDEX_ENTITY_CHUNK 512

/** Reads one by_entity chunk. */
struct index_entchunk {
	const char *key;      /* the entity key, in the LMDB key */
	size_t key_len;
	int has_name;         /* the entity's first chunk: holds its name */
	const char *name;     /* its canonical name (in the value or in
	                         name_buf), not NUL-terminated */
	size_t name_len;
	uint64_t first;       /* the document in the key */
	uint64_t doc;         /* of the last entry read */
	size_t n;             /* entries read */
	const uint8_t *p, *end;
	char name_buf[INDEX_ENTITY_MAX + 1];
};
/** @return 0, or CORRUPT when @p k is not a chunk key. */
int index_entchunk_open(struct index_entchunk *c, const MDB_val *k,
                        const MDB_val *v);
/** The next claim: its document and ordinal. 0, ITEROVER or CORRUPT. */
int index_entchunk_next(struct index_entchunk *c, uint64_t *doc,
                        uint32_t *ord);
/** List document @p doc's claims @p ords (ascending) under entity key
 *  @p key; doc must be above every document listed there. A new
 *  entity's first chunk keeps @p name (its canonical name as first
 *  stored). Do not copy a struct index_entchunk: name may point into
 *  it. */
int index_entlist_add(struct cdx_index *ix, MDB_txn *txn, const char *key,
                      size_t n, const char *name, size_t name_len,
                      uint64_t doc, const uint32_t *ords, size_t n_ords,
                      struct cdx_error *err);
/** Unlist document @p doc's claims from entity key @p key (the name
 *  moves to the next chunk when its chunk goes, and goes with the
 *  last). */
int index_entlist_del(struct cdx_index *ix, MDB_txn *txn, const char *key,
                      size_t n, uint64_t doc, struct cdx_error *err);

/* ------------------------------------------------------------ prefix.c */

/** How much of source @p s to keep in the prefix table: up to its last
 *  '/' or '#'; 0 when it is not worth it or the source is too long. */
size_t index_source_split(const char *s, size_t n);
/** The id of prefix @p p[0..n), added to the table when new. */
int index_prefix_id(struct cdx_index *ix, MDB_txn *txn, const char *p,
                    size_t n, uint32_t *id, struct cdx_error *err);
/** Make @p r's source whole. @return 0, or CORRUPT when its prefix is
 *  not in the table (with a message), or an index error. */
int index_doc_source(struct cdx_index *ix, MDB_txn *txn,
                     struct index_docrec *r, struct cdx_error *err);
/** The content hash of @p r's text (index_hash64 of it), read from the
 *  text stream. @return 0, CORRUPT (the text is missing), or an index
 *  error. */
int index_doc_hash(struct cdx_index *ix, MDB_txn *txn,
                   const struct index_docrec *r, uint64_t *out,
                   struct cdx_error *err);
/** The prefix last read by index_doc_source_cached(): the hits of one
 *  search mostly share one, so each is read once. Zero it to start;
 *  valid while the read transaction lives. */
struct index_prefix_cache {
	uint32_t id;          /* prefix id + 1 held; 0 none */
	const char *p;        /* its bytes, in the map */
	size_t n;
};
/** index_doc_source() through @p cache (NULL: none). */
int index_doc_source_cached(struct cdx_index *ix, MDB_txn *txn,
                            struct index_docrec *r,
                            struct index_prefix_cache *cache,
                            struct cdx_error *err);
/** Read document @p id, its source whole. @return 0, NOTFOUND, CORRUPT. */
int index_doc_read(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                   struct index_docrec *r, struct cdx_error *err);
/** index_doc_read() with the prefix read through @p cache. */
int index_doc_read_cached(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                          struct index_docrec *r,
                          struct index_prefix_cache *cache,
                          struct cdx_error *err);
/** Resolve a source, or failing that a decimal id, to a doc id. */
int index_doc_resolve(struct cdx_index *ix, MDB_txn *txn, const char *key,
                      uint64_t *id, struct cdx_error *err);

/* Claim ids: bits 24.. the document, bits 0..23 the claim's ordinal. */
#define INDEX_CLAIM_ORD_BITS 24
/** Most claims one document keeps. */
#define INDEX_CLAIMS_MAX ((1u << INDEX_CLAIM_ORD_BITS) - 1)

static inline uint64_t index_claim_id(uint64_t doc, uint32_t ord)
{
	return doc << INDEX_CLAIM_ORD_BITS | ord;
}

static inline uint64_t index_claim_doc(uint64_t id)
{
	return id >> INDEX_CLAIM_ORD_BITS;
}

static inline uint32_t index_claim_ord(uint64_t id)
{
	return (uint32_t)(id & INDEX_CLAIMS_MAX);
}

/** A claim as read back; pointer strings point into the record (or into
 *  the reader's scratch), valid while both are. */
struct index_claimrec {
	uint64_t doc;
	uint32_t ord;           /* its ordinal in the document */
	struct cdx_claim c;     /* pointers below are not NUL-terminated */
	size_t subject_len, commodity_len, metric_len;
	size_t party_len[CDX_CLAIM_PARTIES_MAX];
};
/** Pack a document's @p n claims (sorted by (start, end)) as its claims
 *  record; @p strs is scratch (cleared here) for its string table. */
int index_claims_pack(const struct cdx_claim *c, size_t n,
                      struct index_strmap *strs, struct cdx_buf *b) CDX_WUR;

struct index_rstr {
	const char *s;
	size_t n;
};
/** Reads one claims record, claim by claim. Do not copy it (it may point
 *  into itself). */
struct index_claims_rd {
	const uint8_t *p, *end;
	uint64_t doc;
	uint32_t n, i;          /* claims in the record, ordinal of the next */
	uint32_t start, sent_start, sent_end; /* of the claim before */
	uint8_t prev_a, prev_f;  /* its kind and field bytes */
	struct index_rstr *strs; /* strings seen so far */
	size_t n_strs, cap_strs;
	struct index_rstr inl[32];
};
/** Start reading the record @p v of @p n bytes of document @p doc.
 *  @return 0 or CORRUPT. Release it even then. */
int index_claims_open(struct index_claims_rd *r, uint64_t doc,
                      const void *v, size_t n);
/** The next claim. @return 0, ITEROVER after the last, CORRUPT, NOMEM. */
int index_claims_next(struct index_claims_rd *r, struct index_claimrec *out);
void index_claims_release(struct index_claims_rd *r);
/** Open document @p doc's claims record. @return 0, NOTFOUND (none),
 *  CORRUPT (with a message) or an index error. */
int index_claims_read(struct cdx_index *ix, MDB_txn *txn, uint64_t doc,
                      struct index_claims_rd *r, struct cdx_error *err);

/** Claims by id, keeping the record last read: fastest for ascending
 *  ids. Zero it and set ix and txn before use. */
struct index_claim_cur {
	struct cdx_index *ix;
	MDB_txn *txn;
	int open;
	struct index_claims_rd rd;
};
/** Claim @p id. @return 0, NOTFOUND, CORRUPT (with a message) or an index
 *  error. */
int index_claim_get(struct index_claim_cur *c, uint64_t id,
                    struct index_claimrec *out, struct cdx_error *err);
void index_claim_cur_release(struct index_claim_cur *c);

/** A document's text: borrowed from LMDB when it lies in one block,
 *  else assembled in @c owned. */
struct index_text {
	const char *p;
	size_t len;
	char *owned;
};
/** The text of document @p id. @return 0, NOTFOUND, CORRUPT. */
int index_text_get(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                   struct index_text *t, struct cdx_error *err);
/** Bytes [off, off + len) of the text stream. */
int index_text_read(struct cdx_index *ix, MDB_txn *txn, uint64_t off,
                    uint64_t len, struct index_text *t,
                    struct cdx_error *err);
void index_text_release(struct index_text *t);
/** Append @p len bytes to the text stream at m->text_end (advanced);
 *  *off gets where they start. */
int index_text_append(struct cdx_index *ix, MDB_txn *txn,
                      struct index_meta *m, const char *p, size_t len,
                      uint64_t *off, struct cdx_error *err);
/** Free the text blocks that only the removed document @p id (whose
 *  text is [off, off + len)) used; its doc record must be gone already. */
int index_text_drop(struct cdx_index *ix, MDB_txn *txn,
                    const struct index_meta *m, uint64_t id, uint64_t off,
                    uint64_t len, struct cdx_error *err);

/* ------------------------------------------------------------ pack.c */

/** Most values in one packed block. */
#define INDEX_PACK_BLOCK 128
/** Bytes index_pack_put() writes for @p k (1..INDEX_PACK_BLOCK) values:
 *  never more than 1 + 4 * k. */
size_t index_pack_size(const uint32_t *v, size_t k);
/** Write @p v[0..k) as one block at @p o; returns the bytes written. */
size_t index_pack_put(uint8_t *o, const uint32_t *v, size_t k);
/** Read a block of @p k values at *p (not past @p end) into @p v,
 *  advancing *p. @return 0 or CORRUPT. */
int index_pack_get(const uint8_t **p, const uint8_t *end, uint32_t *v,
                   size_t k);
/** Step *p past a block of @p k values without decoding them (the
 *  header byte and the exception count give its length).
 *  @return 0 or CORRUPT. */
int index_pack_skip(const uint8_t **p, const uint8_t *end, size_t k);

/* ------------------------------------------------------------ postings.c */

/** One document of a posting list; its positions are pos[off, off+tf)
 *  of the enclosing list when the list has positions. */
struct index_posting {
	uint64_t doc;
	uint32_t tf;  /* 0 marks a posting removed within the batch */
	uint32_t off; /* first position in the list's pos array */
};

/** A term's posting list in doc order, with positions or without. */
struct index_plist {
	struct index_posting *v;
	size_t n, cap;
	uint32_t *pos;
	size_t npos, cap_pos;
};
void index_plist_release(struct index_plist *l);
/** Forget the entries, keep the allocations. */
void index_plist_clear(struct index_plist *l);
/** Append @p doc with @p tf positions @p pos (NULL: none kept). */
int index_plist_add(struct index_plist *l, uint64_t doc, uint32_t tf,
                    const uint32_t *pos) CDX_WUR;
/** Encode the live entries (tf > 0) of @p l, whose docs are @p base
 *  (the segment's first doc) or later, as a term entry: varint
 *  (n << 2 | packed << 1 | every tf is 1), then the doc part, then the
 *  positions (postings.c has the layouts: varints for a few, else
 *  blocks of 128 bit-packed numbers, pack.c). Writes nothing when none. */
int index_plist_encode(const struct index_plist *l, uint64_t base,
                       struct cdx_buf *b) CDX_WUR;
/** Append the documents of an entry encoded against @p base to @p out
 *  (with positions when @p with_pos). @return 0, CORRUPT or NOMEM. */
int index_plist_decode(const uint8_t *p, size_t n, uint64_t base,
                       int with_pos, struct index_plist *out);
/** Like index_plist_decode() with positions, but appends only the
 *  documents of the entry that are in @p want (sorted doc ids), and
 *  decodes only their positions: packed blocks holding none of them are
 *  stepped over unread. For a phrase, whose common words' positions
 *  are most of what it would read. @p known, when not NULL, is the
 *  term's whole list without positions (as ranking read it): the doc
 *  part is then stepped over, not decoded again. @return 0, CORRUPT or
 *  NOMEM. */
int index_plist_decode_sel(const uint8_t *p, size_t n, uint64_t base,
                           const uint64_t *want, size_t n_want,
                           const struct index_plist *known,
                           struct index_plist *out);
/** The number of documents of an entry, or 0 when damaged. */
uint64_t index_entry_df(const uint8_t *p, size_t n);

/** Postings of a batch, written as one segment at commit. */
struct index_acc {
	struct index_strmap map; /* term → index in terms */
	struct acc_term *terms;
	size_t n, cap;
	struct index_arena strs;
	size_t bytes;            /* memory the postings take, roughly */
};
/** Append @p doc's posting of @p term (whose index_mem_hash is @p hash). */
int index_acc_add(struct index_acc *a, const char *term, size_t n,
                  uint64_t hash, uint64_t doc, uint32_t tf,
                  const uint32_t *pos);
/** Mark @p doc's posting of @p term removed (a doc of this batch). */
void index_acc_remove(struct index_acc *a, const char *term, size_t n,
                      uint64_t doc);
/** Write the batch's postings as segment m->next_seg (taken) covering
 *  documents [first, m->next_doc). */
int index_acc_flush(struct index_acc *a, struct cdx_index *ix, MDB_txn *txn,
                    struct index_meta *m, uint64_t first,
                    struct cdx_error *err);
void index_acc_release(struct index_acc *a);

/* ------------------------------------------------------------ segment.c */

struct index_seg {
	uint32_t id;
	uint8_t level;        /* 0 for a batch, +1 per merge */
	uint64_t first, last; /* document id range it covers */
	uint64_t bytes;       /* length of its term stream */
	uint64_t n_terms;
};
int index_seg_pack(const struct index_seg *s, uint8_t out[34]);
int index_seg_unpack(const void *p, size_t n, struct index_seg *s);

/** Every segment, in document order. Caller frees *out. */
int index_segs_load(struct cdx_index *ix, MDB_txn *txn,
                    struct index_seg **out, size_t *n,
                    struct cdx_error *err);

/** Writes one segment's term stream; terms must come in order. */
struct index_segw {
	struct cdx_index *ix;
	MDB_txn *txn;
	struct index_seg seg;
	struct cdx_buf piece;   /* the piece being filled */
	uint32_t piece_no;
	int64_t indexed_piece; /* last piece with an index point */
	char prev[INDEX_TERM_MAX];
	size_t prev_len;
	struct cdx_buf hdr;
};
void index_segw_init(struct index_segw *w, struct cdx_index *ix,
                     MDB_txn *txn, uint32_t id);
int index_segw_add(struct index_segw *w, const char *term, size_t n,
                   const uint8_t *entry, size_t len, struct cdx_error *err);
/** Flush the last piece and store the segment record (with @p first,
 *  @p last, @p level). Writes nothing for a segment without terms. */
int index_segw_finish(struct index_segw *w, uint64_t first, uint64_t last,
                      uint8_t level, struct cdx_error *err);
void index_segw_release(struct index_segw *w);

/** Reads one segment's term stream in term order. */
struct index_segr {
	struct cdx_index *ix;
	MDB_txn *txn;
	struct index_seg seg;
	uint64_t at;              /* stream offset of the next entry */
	uint32_t piece_no;        /* piece held in p */
	const uint8_t *p;         /* that piece (in the map), or NULL */
	size_t plen;
	char term[INDEX_TERM_MAX + 1];
	size_t term_len;
	const uint8_t *entry;     /* the current entry, in p or scratch */
	size_t entry_len;
	struct cdx_buf scratch;
};
void index_segr_init(struct index_segr *r, struct cdx_index *ix,
                     MDB_txn *txn, const struct index_seg *s);
/** Go to the index point at or before @p term (the start when none). */
int index_segr_seek(struct index_segr *r, const char *term, size_t n,
                    struct cdx_error *err);
/** The next entry into r->term / r->entry; CDX_ERR_ITEROVER at the end. */
int index_segr_next(struct index_segr *r, struct cdx_error *err);
/** Find @p term: CDX_OK with r->entry, or CDX_ERR_NOTFOUND. */
int index_segr_find(struct index_segr *r, const char *term, size_t n,
                    struct cdx_error *err);
void index_segr_release(struct index_segr *r);

/** Remove segment @p s: its record, index points and pieces. */
int index_seg_drop(struct cdx_index *ix, MDB_txn *txn,
                   const struct index_seg *s, struct cdx_error *err);
/** Rewrite the segment holding @p doc without its deleted documents. */
int index_seg_purge(struct cdx_index *ix, MDB_txn *txn,
                    struct index_meta *m, uint64_t doc,
                    struct cdx_error *err);
/** Merge segments while INDEX_MERGE_FANIN of one level pile up; the
 *  merged segment leaves out deleted documents and their marks. */
int index_segs_maintain(struct cdx_index *ix, MDB_txn *txn,
                        struct index_meta *m, struct cdx_error *err);
/** Merge every segment into one (nothing when there is one or none):
 *  each term then has a single entry. */
int index_segs_merge_all(struct cdx_index *ix, MDB_txn *txn,
                         struct index_meta *m, struct cdx_error *err);

/** The whole posting list of @p term over every segment, in doc order
 *  (appended to @p out), with positions when @p with_pos. */
int index_postings_read(struct cdx_index *ix, MDB_txn *txn,
                        const struct index_seg *segs, size_t n_segs,
                        const char *term, size_t n, int with_pos,
                        struct index_plist *out, struct cdx_error *err);
/** The postings of @p term with positions, only for the documents in
 *  @p want (sorted), @p known its list without positions or NULL
 *  (index_plist_decode_sel()). */
int index_postings_read_sel(struct cdx_index *ix, MDB_txn *txn,
                            const struct index_seg *segs, size_t n_segs,
                            const char *term, size_t n,
                            const uint64_t *want, size_t n_want,
                            const struct index_plist *known,
                            struct index_plist *out, struct cdx_error *err);

/** The distinct terms of several segments in order, from a given term on:
 *  after each _next, @c term is the term and has[i] says whether
 *  in[i].entry holds its entry in segment i. */
struct index_termit {
	struct index_segr *in;
	int *live, *has;
	size_t n;
	char term[INDEX_TERM_MAX + 1];
	size_t term_len;
};
int index_termit_open(struct index_termit *it, struct cdx_index *ix,
                      MDB_txn *txn, const struct index_seg *segs, size_t n,
                      const char *from, size_t from_len,
                      struct cdx_error *err);
/** @return CDX_OK, CDX_ERR_ITEROVER at the end, or an error. */
int index_termit_next(struct index_termit *it, struct cdx_error *err);
void index_termit_release(struct index_termit *it);

/** Is @p doc marked deleted? */
int index_is_deleted(struct cdx_index *ix, MDB_txn *txn, uint64_t doc);

/* ------------------------------------------------------------ remove.c */

/** State of a write transaction shared by add and remove. */
struct index_wctx {
	struct cdx_index *ix;
	MDB_txn *txn;
	struct index_meta meta;
	struct index_acc *acc;    /* this batch's postings, or NULL */
	uint64_t batch_first_doc; /* ids from here on live in acc */
	void *stemmer;            /* struct sb_stemmer of this writer */
};

/** Remove document @p id with its postings, claims and map entries. */
int index_remove_doc(struct index_wctx *w, uint64_t id,
                     struct cdx_error *err);

/** An MDB_val over @p n bytes at @p p (LMDB never writes through it). */
#define index_val(p, n) ((MDB_val){(size_t)(n), (void *)(p)})

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
/** Does document @p doc (record @p d) hold a claim matching @p p? */
int index_doc_has_claim(struct cdx_index *ix, MDB_txn *txn,
                        const struct index_claim_pred *p, uint64_t doc,
                        const struct index_docrec *d, int *out,
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
void index_dset_release(struct index_dset *s);

/** A term of the query with its postings (no positions), for ranking. */
struct index_sterm {
	char term[INDEX_TERM_MAX + 1];
	size_t len;
	int scoring;        /* used outside NOT: adds to the score */
	struct index_plist l;
	double idf, ub;     /* search.c: weight and score upper bound */
	size_t cur;         /* search.c: cursor into l */
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
