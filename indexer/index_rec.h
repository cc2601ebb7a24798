/*
 * index_rec.h — the records of indexer/: documents (record.c, docblock.c), entity
 * claim lists (entlist.c), source prefixes (prefix.c), claims records
 * (claimrec.c) and the string dictionary they name (strdict.c).
 * Part of index_int.h, which includes it where it stands among the other
 * files' declarations (it uses the types declared before it there):
 * include index_int.h, not this file.
 */
#ifndef CDX_INDEX_REC_H
#define CDX_INDEX_REC_H

#ifndef CDX_INDEX_INT_H
#error "include index_int.h, which includes index_rec.h"
#endif

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
struct index_tail;
/** Append a new document's title (@p title, NULL: none) and text to
 *  the text stream at m->text_end: the title only when the text does
 *  not open with it. Sets @p r's text, title and span fields and adds
 *  the bytes stored to m->text_bytes. */
int index_doc_text_put(struct cdx_index *ix, MDB_txn *txn,
                       struct index_meta *m, struct index_tail *tail,
                       struct index_docrec *r, const char *title,
                       const char *text, size_t len, struct cdx_error *err);
/** The title of unpacked record @p r into @p t (t->p NULL when it has
 *  none). @return 0, CORRUPT (the text is missing) or an index error. */
int index_doc_title(struct cdx_index *ix, MDB_txn *txn,
                    const struct index_docrec *r, struct index_text *t,
                    struct cdx_error *err);

/* ------------------------------------------------------------ docblock.c */

/** Doc records per docs value (a power of two): key id >> INDEX_DOC_SHIFT. */
#define INDEX_DOC_SHIFT 4
#define INDEX_DOC_BLOCK (1u << INDEX_DOC_SHIFT)
/** Claims records per claims value: key id >> INDEX_CLAIM_SHIFT (at most
 *  INDEX_DOC_SHIFT). */
#define INDEX_CLAIM_SHIFT 3

/** The record of document @p id in the blocked table @p db (DB_DOCS or
 *  DB_CLAIMS). @return 0, NOTFOUND (no message), CORRUPT (its block is
 *  damaged; no message) or an index error. */
int index_block_get(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t id, MDB_val *rec, struct cdx_error *err);
/** Store the record of document @p id in @p db, above every id there. */
int index_block_put(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t id, const void *rec, size_t n,
                    struct cdx_error *err);
/** Remove document @p id's record from @p db. @return 0, NOTFOUND,
 *  CORRUPT (with a message). */
int index_block_del(struct cdx_index *ix, MDB_txn *txn, enum index_db db,
                    uint64_t id, struct cdx_error *err);

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
	unsigned shift;      /* the table's */
	uint64_t from;
	uint64_t block;      /* after CORRUPT: the damaged block's key */
};
/** index_docs_open() over the blocked table @p db. */
int index_blocks_open(struct index_docs_it *it, struct cdx_index *ix,
                      MDB_txn *txn, enum index_db db, uint64_t from);
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
 *  record; @p strs is scratch (cleared here) for its string table. The
 *  strings go to the string dictionary of @p ix in write transaction
 *  @p txn (new ones are stored there), or with @p ix NULL all inline.
 *  @return 0, or an error with @p err set. */
int index_claims_pack(struct cdx_index *ix, MDB_txn *txn,
                      const struct cdx_claim *c, size_t n,
                      struct index_strmap *strs, struct cdx_buf *b,
                      struct cdx_error *err) CDX_WUR;

struct index_rstr {
	const char *s;
	size_t n;
};

/* ------------------------------------------------------------ strdict.c */

/** Strings per block of the string dictionary (a power of two). */
#define INDEX_STRS_SHIFT 6
#define INDEX_STRS_BLOCK (1u << INDEX_STRS_SHIFT)
/** Longest string the dictionary takes (a longer one stays inline in
 *  its claims record). */
#define INDEX_STR_DICT_MAX 96

/** Make the handle's copy of the dictionary the stored one, in write
 *  transaction @p txn: before index_strdict_id(). */
int index_strdict_begin(struct cdx_index *ix, MDB_txn *txn,
                        struct cdx_error *err);
/** The id of @p s (1..INDEX_STR_DICT_MAX bytes), given it now when it is
 *  new. @return 0, NOTFOUND (not one the dictionary takes), NOMEM. */
int index_strdict_id(struct cdx_index *ix, const char *s, size_t n,
                     uint32_t *id);
/** Store the strings given ids since the last call, in @p txn. */
int index_strdict_commit(struct cdx_index *ix, MDB_txn *txn,
                         struct cdx_error *err);
/** Read the whole stored dictionary and compare it with its digest.
 *  @return 0, CORRUPT (with a message) or an index error. */
int index_strdict_check(struct cdx_index *ix, MDB_txn *txn,
                        struct cdx_error *err);
/** Free the handle's copy (at close). NULL ok. */
void index_strdict_free(struct cdx_index *ix);
/** Check a block value: *count gets its strings. @return 0 or CORRUPT. */
int index_strdict_block(const void *v, size_t n, size_t *count);

/** Reads strings by id, keeping the block last read. */
struct index_strdict_rd {
	struct cdx_index *ix;   /* NULL: no dictionary (every id CORRUPT) */
	MDB_txn *txn;
	int has;                /* a block is held */
	uint32_t block;
	const uint8_t *p;       /* its bytes, in the map */
	size_t n;
	unsigned at;            /* a string of it, and where it starts */
	size_t at_off;
};
/** String @p id (in the map, valid in the transaction).
 *  @return 0 or CORRUPT (no such id, or its block is damaged). */
int index_strdict_get(struct index_strdict_rd *r, uint32_t id,
                      const char **s, size_t *n);

/** Strings by id for the many records a query or a scan reads: each
 *  dictionary block is read once and where its strings start noted, so
 *  a string is found without a lookup in LMDB or a walk of its block. */
struct index_strcache_blk {
	const uint8_t *p;       /* the block's bytes, in the map; NULL: not
	                           read yet */
	uint16_t at[INDEX_STRS_BLOCK];  /* where each string starts */
	uint8_t len[INDEX_STRS_BLOCK];
	unsigned n;             /* strings in it */
};
struct index_strcache {
	struct index_strdict_rd rd;
	struct index_strcache_blk *b; /* by block number */
	size_t nb;
};
/** A cache for the dictionary of @p ix in @p txn; NULL when out of
 *  memory (records then read without one). */
struct index_strcache *index_strcache_new(struct cdx_index *ix,
                                          MDB_txn *txn);
/** index_strdict_get() through the cache. */
int index_strcache_get(struct index_strcache *c, uint32_t id,
                       const char **s, size_t *n);
/** index_strcache_get() with the block in the cache inline: a record
 *  names a few strings, a filter query reads thousands of records. */
static inline int index_strcache_find(struct index_strcache *c, uint32_t id,
                                      const char **s, size_t *n)
{
	uint32_t no = id >> INDEX_STRS_SHIFT, i = id & (INDEX_STRS_BLOCK - 1);

	if (no < c->nb && c->b[no].p != NULL && i < c->b[no].n) {
		*s = (const char *)c->b[no].p + c->b[no].at[i];
		*n = c->b[no].len[i];
		return 0;
	}
	return index_strcache_get(c, id, s, n);
}
void index_strcache_free(struct index_strcache *c);
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
	struct index_strdict_rd dict;
	struct index_strcache *cache; /* shared, or NULL: dict alone */
};
/** Start reading the record @p v of @p n bytes of document @p doc,
 *  its dictionary strings from @p ix in @p txn (NULL, NULL: a record
 *  with none). @return 0 or CORRUPT. Release it even then. */
int index_claims_open(struct index_claims_rd *r, struct cdx_index *ix,
                      MDB_txn *txn, uint64_t doc, const void *v,
                      size_t n);
/** Read the dictionary strings of @p r through @p c (NULL: none). */
static inline void index_claims_use(struct index_claims_rd *r,
                                    struct index_strcache *c)
{
	r->cache = c;
}
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
	struct index_strcache *cache; /* made at the first read */
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
/** Is document @p id stored with exactly this text, and, when
 *  @p with_meta, this title and date (@p title, @p date NULL: none)?
 *  Read in the writer's transaction
 *  through its text @p tail (tail.c; NULL: none), so the block the
 *  writer holds need not be stored first. A re-ingest must replace a
 *  document whose title or date alone changed (a newer reader, a
 *  manifest), not call it unchanged. @return 0 (*@p same set), NOTFOUND,
 *  CORRUPT or an index error. */
int index_doc_same(struct cdx_index *ix, MDB_txn *txn,
                   const struct index_tail *tail, uint64_t id,
                   const char *text, size_t len, int with_meta,
                   const char *title, const char *date, int *same,
                   struct cdx_error *err);
/** Bytes [off, off + len) of the text stream. */
int index_text_read(struct cdx_index *ix, MDB_txn *txn, uint64_t off,
                    uint64_t len, struct index_text *t,
                    struct cdx_error *err);
void index_text_release(struct index_text *t);
/** Append @p len bytes to the text stream at m->text_end (advanced),
 *  through @p tail (the stream's last block, tail.c); *off gets where
 *  they start. */
int index_text_append(struct cdx_index *ix, MDB_txn *txn,
                      struct index_meta *m, struct index_tail *tail,
                      const char *p, size_t len, uint64_t *off,
                      struct cdx_error *err);
/** Free the text blocks that only the removed document @p id (whose
 *  text is [off, off + len)) used; its doc record must be gone already. */
int index_text_drop(struct cdx_index *ix, MDB_txn *txn,
                    const struct index_meta *m, uint64_t id, uint64_t off,
                    uint64_t len, struct cdx_error *err);

#endif
