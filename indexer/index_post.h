/*
 * index_post.h — postings in indexer/: packed blocks (pack.c), posting lists and
 * their entries (postings.c), segments (segment.c).
 * Part of index_int.h, which includes it where it stands among the other
 * files' declarations (it uses the types declared before it there):
 * include index_int.h, not this file.
 */
#ifndef CDX_INDEX_POST_H
#define CDX_INDEX_POST_H

#ifndef CDX_INDEX_INT_H
#error "include index_int.h, which includes index_post.h"
#endif

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

/** The first index in [@p lo, @p hi) of @p l (documents ascending) whose
 * document is not below @p doc, else @p hi: a binary search. */
size_t index_plist_lower(const struct index_plist *l, size_t lo, size_t hi,
                         uint64_t doc);
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

/* ------------------------------------------------------------ acc.c */

/** Postings of a batch, written as one segment at commit. */
struct index_acc {
	struct index_strmap map; /* term → index in terms */
	struct acc_term *terms;
	size_t n, cap;
	struct acc_post *posts;  /* every posting, in document order */
	size_t n_posts, cap_posts;
	uint32_t *pos;           /* their positions */
	size_t npos, cap_pos;
	uint64_t base;           /* the first posting's doc */
	struct index_arena strs;
	size_t bytes;            /* memory the postings take, roughly */
	/* index_acc_flush's scratch: kept, like the arrays above, from
	 * one batch to the next (index_acc_stash) */
	uint32_t *order;             /* terms in byte order */
	size_t cap_order;
	size_t *end;                 /* each term's end among the
	                                postings in term order */
	size_t cap_end;
};
/** Append the postings of document @p doc (above every doc added
 *  before): its @p n distinct terms @p t with their positions in
 *  @p pos (as cdx_index_doc has them). @return 0 or NOMEM (also when
 *  the batch outgrows 2^32 positions). */
int index_acc_add_doc(struct index_acc *a, const struct index_pterm *t,
                      size_t n, const uint32_t *pos, uint64_t doc) CDX_WUR;
/** Mark every posting of @p doc (a doc of this batch) removed. */
void index_acc_remove_doc(struct index_acc *a, uint64_t doc);
/** Write the batch's postings as segment m->next_seg (taken) covering
 *  documents [first, m->next_doc). */
int index_acc_flush(struct index_acc *a, struct cdx_index *ix, MDB_txn *txn,
                    struct index_meta *m, uint64_t first,
                    struct cdx_error *err);
void index_acc_release(struct index_acc *a);
/** Forget the batch in @p a, keeping its arrays for the next. */
void index_acc_reset(struct index_acc *a);
/** Keep @p a's arrays (emptied) in @p ix for its next batch, which
 *  index_acc_unstash() gives them to; @p a is left empty. */
void index_acc_stash(struct cdx_index *ix, struct index_acc *a);
/** Start @p a (empty) with the arrays @p ix keeps, if any. */
void index_acc_unstash(struct cdx_index *ix, struct index_acc *a);
/** Free the arrays @p ix keeps (before the close merge, at close). */
void index_acc_spare_release(struct cdx_index *ix);

/* ------------------------------------------------------------ encode.c */

/** Append the entry of item @p i of a run to @p b (nothing when it has
 *  none). @p part (0 or 1) tells which thread calls, for scratch space
 *  of its own: the two parts run at once. @return 0 or NOMEM. */
typedef int (*index_encode_fn)(void *ctx, unsigned part, size_t i,
                               struct cdx_buf *b);
/** One part of a run: items [lo, hi) into @c out. Each part has cache
 *  lines of its own: the two threads write their part's fields at
 *  every item. */
struct index_encpart {
	_Alignas(64) struct cdx_buf out; /* its entries, back to back */
	struct index_encrun *r;
	index_encode_fn fn;
	void *ctx;
	unsigned part;
	size_t lo, hi;
	int rc;
};
/** The entries of a run of items, encoded in two parts. */
struct index_encrun {
	struct index_encpart p[2]; /* items [0, mid) and [mid, n) */
	size_t *ends;          /* where item i ends in its part's buffer */
	size_t cap_ends;
	size_t n, mid;
	pthread_t helper;
	int started;           /* helper runs part 1 */
};
void index_encrun_init(struct index_encrun *r);
/** Encode items [0, @p n) with @p fn: [mid, n) in a helper thread when
 *  @p threads > 1 (else in index_encrun_finish), [0, mid) in the calling
 *  thread before returning. Every start needs its index_encrun_finish(),
 *  also after an error. @return 0 or NOMEM (the first part's). */
int index_encrun_start(struct index_encrun *r, size_t n, size_t mid,
                       unsigned threads, index_encode_fn fn, void *ctx);
/** Wait for (or do) the second part. @return 0 or the first error of
 *  the run. */
int index_encrun_finish(struct index_encrun *r);
/** Item @p i's entry (valid until the next make or release); *len 0
 *  when it has none. */
const uint8_t *index_encrun_entry(const struct index_encrun *r, size_t i,
                                  size_t *len);
void index_encrun_release(struct index_encrun *r);

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

/** Report segment @p seg damaged. @return CDX_ERR_CORRUPT. */
int index_seg_damaged(const struct cdx_index *ix, uint32_t seg,
                      struct cdx_error *err);
/** Byte order of terms, a shorter one first: <0, 0, >0. */
int index_term_cmp(const char *a, size_t an, const char *b, size_t bn);

/** Remove segment @p s: its record, index points and pieces. */
int index_seg_drop(struct cdx_index *ix, MDB_txn *txn,
                   const struct index_seg *s, struct cdx_error *err);
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

/* ------------------------------------------------------------ merge.c */

/** Append to @p b the entry @p p[0, n) of a segment based at @p base
 *  (its first doc) as encoded against @p to (<= base): the same bytes as
 *  decoding it and encoding the list again, by rewriting its first doc
 *  delta alone. @return 0, CORRUPT or NOMEM. */
int index_entry_rebase(const uint8_t *p, size_t n, uint64_t base,
                       uint64_t to, struct cdx_buf *b) CDX_WUR;

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

#endif
