/*
 * index_int.h — what the files of indexer/ share; nothing outside indexer/
 * includes it except the index tests (which need the on-disk layout to
 * damage an index on purpose).
 *
 * The on-disk layout, one LMDB environment with named databases. Every id
 * is a u64 stored big-endian, so LMDB's memcmp order is numeric order.
 *
 *   meta       ASCII name → u64 BE: "schema", "n_docs", "n_tokens",
 *              "next_doc", "next_claim", "n_claims", "text_bytes"
 *   docs       doc id → packed doc record (record.c)
 *   text       doc id + part u32 BE → up to INDEX_PART_MAX bytes of text
 *   source     source key (index_source_key) → doc id
 *   hash       64-bit FNV-1a of the text → doc id
 *   terms      term \0 first-doc-id → posting chunk (postings.c)
 *   doc_terms  doc id + part u32 BE → the doc's terms with positions:
 *              records [u8 len][term][varint tf][varint position deltas]
 *              in term order. Deletion reads it to find the postings to
 *              remove; phrase queries can read positions from it.
 *   claims     claim id → packed claim record with its doc id
 *   by_entity  folded entity name → claim ids (DUPSORT, u64 BE)
 *   entities   folded entity name → canonical name as first stored
 *   by_kind    kind byte → claim ids (DUPSORT, u64 BE)
 *
 * A document's claims have consecutive ids, allocated in (start, end)
 * order, and ids only grow: claim id order is (doc id, start) order.
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
	DB_TERMS,
	DB_DOC_TERMS,
	DB_CLAIMS,
	DB_BY_ENTITY,
	DB_ENTITIES,
	DB_BY_KIND,
	DB_COUNT_
};

/** Longest term kept, in bytes (the tokenizer's token cap). */
#define INDEX_TERM_MAX 64
/** Longest folded entity key, in bytes. */
#define INDEX_ENTITY_MAX 256
/** Longest source key; longer sources are cut and suffixed with a hash. */
#define INDEX_SOURCE_KEY_MAX 480
/** Text and doc_terms are stored in parts of at most this many bytes. */
#define INDEX_PART_MAX ((size_t)512 << 10)
/** Posting chunks stay below this so they live inside LMDB leaf pages. */
#define INDEX_CHUNK_MAX 1536
/** Default initial map size. */
#define INDEX_MAP_DEFAULT ((size_t)64 << 20)

struct cdx_index {
	MDB_env *env;
	MDB_dbi dbi[DB_COUNT_];
	char *path;               /* folder, for messages */
	unsigned flags;           /* enum cdx_index_flags */
	pthread_rwlock_t map_lock; /* shared by txns, exclusive to grow */
};

/* ------------------------------------------------------------ util.c */

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

/** 64-bit FNV-1a. */
uint64_t index_hash64(const void *p, size_t n);

/** Longest prefix of @p s[0..n) of at most @p max bytes ending on a
 *  UTF-8 character boundary. */
size_t index_utf8_cut(const char *s, size_t n, size_t max);

/** The source DB key of @p src into @p out (INDEX_SOURCE_KEY_MAX bytes).
 *  @return its length. */
size_t index_source_key(const char *src, size_t n, uint8_t *out);

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
/** Forget every entry, keep the allocation. */
void index_strmap_clear(struct index_strmap *m);
void index_strmap_release(struct index_strmap *m);

/* ------------------------------------------------------------ terms.c */

/** Called with each search term of a text: folded, marks stripped, at
 *  most INDEX_TERM_MAX bytes (not NUL-terminated), with the span of the
 *  word it came from. Non-zero stops and is returned. */
typedef int (*index_term_fn)(void *ctx, const char *term, size_t n,
                             uint32_t start, uint32_t end);

/** The one term pipeline, used for documents and queries alike. */
int index_terms(const char *text, size_t len, index_term_fn fn, void *ctx);

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

struct index_meta {
	uint64_t schema, n_docs, n_tokens, next_doc, next_claim, n_claims,
		text_bytes;
};
int index_meta_load(struct cdx_index *ix, MDB_txn *txn,
                    struct index_meta *m, struct cdx_error *err);
int index_meta_store(struct cdx_index *ix, MDB_txn *txn,
                     const struct index_meta *m, struct cdx_error *err);

/* ------------------------------------------------------------ record.c */

/** A doc record; strings point into the LMDB value (valid in the txn),
 *  not NUL-terminated; title/date NULL when absent. */
struct index_docrec {
	uint64_t n_tokens, text_len, hash, first_claim;
	uint32_t n_claims;
	uint8_t format;
	const char *source, *title, *date;
	size_t source_len, title_len, date_len;
};
int index_docrec_pack(const struct index_docrec *r, struct cdx_buf *b) CDX_WUR;
int index_docrec_unpack(const void *p, size_t n, struct index_docrec *r);
/** Read document @p id. @return 0, NOTFOUND, CORRUPT. */
int index_doc_read(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                   struct index_docrec *r, struct cdx_error *err);
/** Resolve a source, or failing that a decimal id, to a doc id. */
int index_doc_resolve(struct cdx_index *ix, MDB_txn *txn, const char *key,
                      uint64_t *id, struct cdx_error *err);

/** A claim record as stored; strings point into the value. */
struct index_claimrec {
	uint64_t doc;
	struct cdx_claim c;     /* pointers below are not NUL-terminated */
	size_t subject_len, commodity_len, metric_len;
	size_t party_len[CDX_CLAIM_PARTIES_MAX];
};
int index_claim_pack(const struct cdx_claim *c, uint64_t doc,
                     struct cdx_buf *b) CDX_WUR;
int index_claim_unpack(const void *p, size_t n, struct index_claimrec *r);

/** A document's text: borrowed from LMDB when stored in one part, else
 *  assembled in @c owned. */
struct index_text {
	const char *p;
	size_t len;
	char *owned;
};
int index_text_get(struct cdx_index *ix, MDB_txn *txn, uint64_t id,
                   struct index_text *t, struct cdx_error *err);
/** The parted value of @p id in @p db (DB_TEXT, DB_DOC_TERMS). */
int index_parts_get(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t id, struct index_text *t, struct cdx_error *err);
void index_text_release(struct index_text *t);
/** Store @p len bytes under @p db in parts keyed id + part. */
int index_parts_put(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t id, const char *p, size_t len,
                    struct cdx_error *err);
int index_parts_del(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t id, struct cdx_error *err);

/* ------------------------------------------------------------ postings.c */

struct index_posting {
	uint64_t doc;
	uint32_t tf; /* 0 marks a posting removed within the batch */
};

struct index_postings {
	struct index_posting *v;
	size_t n, cap;
};
void index_postings_release(struct index_postings *p);
/** Append the decoded entries of a chunk stored under first doc @p first. */
int index_chunk_decode(uint64_t first, const void *v, size_t n,
                       struct index_postings *out);
/** The whole posting list of @p term, in doc order (appended to @p out). */
int index_postings_read(struct cdx_index *ix, MDB_txn *txn, const char *term,
                        size_t n, struct index_postings *out,
                        struct cdx_error *err);
/** Remove document @p doc from the stored list of @p term. */
int index_postings_remove(struct cdx_index *ix, MDB_txn *txn,
                          const char *term, size_t n, uint64_t doc,
                          struct cdx_error *err);

/** Postings of a batch, merged into LMDB at commit. */
struct index_acc {
	struct index_strmap map; /* term → index in terms */
	struct acc_term *terms;
	size_t n, cap;
	struct index_arena strs;
};
int index_acc_add(struct index_acc *a, const char *term, size_t n,
                  uint64_t doc, uint32_t tf);
/** Mark @p doc's posting of @p term removed (a doc of this batch). */
void index_acc_remove(struct index_acc *a, const char *term, size_t n,
                      uint64_t doc);
/** Append every list to LMDB in key order. */
int index_acc_merge(struct index_acc *a, struct cdx_index *ix, MDB_txn *txn,
                    struct cdx_error *err);
void index_acc_release(struct index_acc *a);

/* ------------------------------------------------------------ remove.c */

/** State of a write transaction shared by add and remove. */
struct index_wctx {
	struct cdx_index *ix;
	MDB_txn *txn;
	struct index_meta meta;
	struct index_acc *acc;    /* this batch's postings, or NULL */
	uint64_t batch_first_doc; /* ids from here on live in acc */
};

/** Remove document @p id with its postings, claims and map entries. */
int index_remove_doc(struct index_wctx *w, uint64_t id,
                     struct cdx_error *err);

/** The claim id of a DUPSORT value. */
static inline uint64_t index_val_id(const MDB_val *v)
{
	return v->mv_size == 8 ? index_get_be64(v->mv_data) : 0;
}

/** An MDB_val over @p n bytes at @p p (LMDB never writes through it). */
#define index_val(p, n) ((MDB_val){(size_t)(n), (void *)(p)})

/* ------------------------------------------------------------ search.c */

/** The snippet of @p text for the query terms @p terms (n of them). */
int index_snippet(const char *text, size_t len, char *const *terms,
                  const size_t *term_lens, size_t n, char **out);

#endif
