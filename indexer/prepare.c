/*
 * prepare.c — a document made ready for the writer, in any thread: its
 * text, metadata and claims copied into one block (the copy the writer
 * keeps until its batch commits, to replay it when the map must grow),
 * its content hash, and its terms — tokenized, folded, stemmed and
 * gathered per term with term frequency, word positions and the hash the
 * batch's term map is keyed by.
 *
 * The one idea: everything that depends only on the document is done
 * here, so that the writer, which runs on one thread, only merges terms
 * into the batch and writes LMDB. An ingest runs one preparer per worker
 * thread (each with its own stemmer and caches), and the writer's work
 * per document drops to hash-map merges.
 *
 * Most tokens are words the thread has seen before (BBC News: 815K
 * tokens, 25K distinct terms), so a preparer folds and stems each word
 * once. Its dictionary holds each distinct term once (bytes, batch hash)
 * and, in an array of its own (8 bytes a term), the document the term
 * was last seen in and its index there: a document's term map is the
 * dictionary plus a generation number, bumped per document, so nothing
 * is cleared between documents. Its token cache maps a folded token of up
 * to TOK_KEY_MAX bytes, held in its 16-byte slot as two words, to its
 * dictionary entry: a token seen before costs its key, a multiply-hash
 * and one probe of two-word compares. Only a token the cache does not
 * know goes through index_term_of() (fold, stem) and a dictionary lookup,
 * so the terms are exactly those of index_terms(). The cache is emptied
 * when full, at any token; the dictionary only at a document's start,
 * once over its bound, because the document's terms point into it.
 *
 * The lookups are cache misses more than work, so slots are kept small
 * and tokens are resolved in chunks: the tokenizer's callback only builds
 * keys and hashes, and while a chunk is resolved in order the slot of the
 * token PREFETCH_AHEAD further on is already being fetched.
 *
 * Positions are gathered in two passes rather than linked per term: the
 * first pass records each token's term number, the second scatters token
 * numbers into one array where every term's positions are contiguous.
 *
 * A prepared document is allocated on the preparer's thread and freed on
 * the writer's. Freed there, each of its blocks went back to the arena of
 * the thread that allocated it, under that arena's lock, while that
 * thread was allocating the next document: the lock was contended, a
 * futex call and a context switch each time (docs/architecture.md has
 * the counts), and two threads used more CPU than one. So a
 * document remembers its preparer (owner) and, once done with, its
 * blocks go back to it on a lock-free stack; the preparer frees them on
 * its own thread at its next document (freed on that thread, they go at
 * once). The preparer is counted: it lives on, a shell without its
 * tables, until its last document is freed.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "index_int.h"

/* Token bytes a cache key holds (its length takes a byte more); longer
 * tokens, a few in a hundred in news text, take the uncached path. */
#define TOK_KEY_MAX 11
/* Cache slots at most (16 bytes each): 1 MB a thread, room for 32K
 * tokens at half load, a news vocabulary's working set. */
#define TOK_SLOTS_MAX ((size_t)1 << 16)
#define TOK_SLOTS_MIN ((size_t)1 << 12)
/* The dictionary is emptied at a document's start once it holds more
 * terms or bytes than this (a document may take it past them). */
#define DICT_MAX ((size_t)1 << 16)
#define DICT_POOL_MAX ((size_t)1 << 20)
/* The dictionary's pool and a document's term strings end in this many
 * spare bytes, so that a short term is copied as one fixed 16 bytes. */
#define COPY_SLACK 16

/* A token cache slot: k0 and k1 are the token's bytes (byte i at bits
 * 8i of k0, then of k1), its length in k1's top byte; term is the
 * dictionary index + 1, 0 for an empty slot.
 * A token without a term (index_term_of gives none) maps to NO_TERM. */
struct tslot {
	uint64_t k0;
	uint32_t k1;
	uint32_t term;
};

#define NO_TERM UINT32_MAX

/* A dictionary term; its bytes at dict_pool + off. */
struct dterm {
	uint64_t hash;  /* index_mem_hash of the bytes: the batch map's key */
	uint32_t off, len;
};

/* Where a dictionary term was last seen. */
struct dseen {
	uint32_t gen;   /* the document... */
	uint32_t idx;   /* ...and its index in that document's t */
};

/* A term of the document being prepared. */
struct pt {
	uint32_t term; /* into the dictionary */
	uint32_t tf;
};

/* Blocks from this size up are freed where they are dropped: they are
 * few (what their frees cost does not count), and the memory of a long
 * document's copy must not wait for its preparer's next document. */
#define GIVE_BACK_MAX ((size_t)256 << 10)

/* Tokens resolved together, and how far ahead a slot is fetched. */
#define CHUNK 512
#define PREFETCH_AHEAD 8

#if defined(__GNUC__)
#define PREFETCH(a) __builtin_prefetch(a)
#define NOINLINE __attribute__((noinline))
#else
#define PREFETCH(a) ((void)(a))
#define NOINLINE
#endif

/* A token of the chunk: a short one's key and hash (key_hash cut to 32
 * bits, more than TOK_SLOTS_MAX needs), or a long one (k1 == LONG_TOKEN,
 * which no short key is: its top byte is at most TOK_KEY_MAX) whose h
 * bytes are at lng + k0. */
struct ctok {
	uint64_t k0;
	uint32_t k1;
	uint32_t h;
};

#define LONG_TOKEN UINT32_MAX

struct cdx_index_prep {
	void *stemmer;          /* index_stemmer_new(): for cache misses */
	struct tslot *tok_slots; /* token cache, cap a power of two */
	size_t tok_cap, tok_n;
	struct dterm *dict;     /* dictionary */
	struct dseen *seen;     /* per term, dict_cap of them */
	size_t dict_n, dict_cap;
	uint32_t *dict_slots;   /* index + 1, 0 empty; cap a power of two */
	size_t dict_scap;
	char *dict_pool;
	size_t pool_len, pool_cap;
	uint32_t gen;           /* the current document's generation */
	struct pt *t;           /* this document's distinct terms */
	size_t n, cap_t;
	uint32_t *tok;          /* per token: its term's index in t */
	size_t n_tok, cap_tok;
	/* tokens not yet resolved; PREFETCH_AHEAD more entries, stale, so
	 * that the fetch ahead needs no bound check */
	struct ctok chunk[CHUNK + PREFETCH_AHEAD];
	size_t n_chunk;
	char *lng;              /* their long tokens' bytes */
	size_t lng_len, lng_cap;
	/* blocks given back by other threads: a stack linked through
	 * each block's first word */
	_Atomic(void *) back;
	/* the thread that prepared last: its this_thread */
	_Atomic(const char *) thread;
	/* the handle's reference, and one per document not yet freed */
	atomic_size_t refs;
};

static int tok_room(struct cdx_index_prep *p);

int cdx_index_prep_new(struct cdx_index_prep **out, struct cdx_error *err)
{
	struct cdx_index_prep *p = index_zalloc(1, sizeof *p);

	*out = NULL;
	if (p == NULL)
		return index_nomem(err);
	atomic_init(&p->back, NULL);
	atomic_init(&p->thread, NULL);
	atomic_init(&p->refs, 1);
	p->stemmer = index_stemmer_new();
	/* the token cache exists from the start: flush_chunk() fetches
	 * ahead into it without asking */
	if (p->stemmer == NULL || tok_room(p) != 0) {
		cdx_index_prep_free(p);
		return index_nomem(err);
	}
	*out = p;
	return CDX_OK;
}

/* Only its address is used: it tells one thread from another. */
static _Thread_local const char this_thread;

/* Free the blocks given back, on the thread that prepares (in the end,
 * whichever frees the shell). */
static void take_back(struct cdx_index_prep *p)
{
	void *m = atomic_exchange_explicit(&p->back, NULL,
	                                   memory_order_acquire);

	while (m != NULL) {
		void *next;

		memcpy(&next, m, sizeof next);
		free(m);
		m = next;
	}
}

/* Give block @p m of @p size bytes back to @p p, from any thread; with
 * no preparer, or too small a block to link or a large one, free it
 * here. */
static void give_back(struct cdx_index_prep *p, void *m, size_t size)
{
	void *head;

	if (m == NULL)
		return;
	if (p == NULL || size < sizeof head || size >= GIVE_BACK_MAX ||
	    atomic_load_explicit(&p->thread, memory_order_relaxed) ==
	        &this_thread) {
		free(m);
		return;
	}
	head = atomic_load_explicit(&p->back, memory_order_relaxed);
	do
		memcpy(m, &head, sizeof head);
	while (!atomic_compare_exchange_weak_explicit(&p->back, &head, m,
	                                              memory_order_release,
	                                              memory_order_relaxed));
}

static void prep_unref(struct cdx_index_prep *p)
{
	if (atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1)
		return;
	take_back(p);
	free(p);
}

/* The tables go now; the shell stays for the documents still out. */
void cdx_index_prep_free(struct cdx_index_prep *p)
{
	if (p == NULL)
		return;
	index_stemmer_free(p->stemmer);
	free(p->tok_slots);
	free(p->dict);
	free(p->seen);
	free(p->dict_slots);
	free(p->dict_pool);
	free(p->t);
	free(p->tok);
	free(p->lng);
	take_back(p);
	prep_unref(p);
}

/* ------------------------------------------------------------ dictionary */

/* Forget every term (and so every cached token, which points at them). */
static void dict_clear(struct cdx_index_prep *p)
{
	p->dict_n = 0;
	p->pool_len = 0;
	if (p->dict_slots)
		memset(p->dict_slots, 0, p->dict_scap * sizeof *p->dict_slots);
	p->tok_n = 0;
	if (p->tok_slots)
		memset(p->tok_slots, 0, p->tok_cap * sizeof *p->tok_slots);
}

static int dict_grow_slots(struct cdx_index_prep *p)
{
	size_t ncap = p->dict_scap ? p->dict_scap * 2 : 4096;
	uint32_t *ns = index_zalloc(ncap, sizeof *ns);

	if (ns == NULL)
		return CDX_ERR_NOMEM;
	for (size_t i = 0; i < p->dict_n; i++) {
		size_t j;

		for (j = p->dict[i].hash & (ncap - 1); ns[j];
		     j = (j + 1) & (ncap - 1))
			;
		ns[j] = (uint32_t)i + 1;
	}
	free(p->dict_slots);
	p->dict_slots = ns;
	p->dict_scap = ncap;
	return CDX_OK;
}

/* The dictionary index of @p term (n > 0 bytes), added when new; *out.
 * @return CDX_OK or CDX_ERR_NOMEM. */
static int dict_term(struct cdx_index_prep *p, const char *term, size_t n,
                     uint32_t *out)
{
	uint64_t h = index_mem_hash(term, n);
	size_t mask, j;
	struct dterm *d;

	if ((p->dict_n + 1) * 2 > p->dict_scap && dict_grow_slots(p) != CDX_OK)
		return CDX_ERR_NOMEM;
	mask = p->dict_scap - 1;
	for (j = h & mask; p->dict_slots[j]; j = (j + 1) & mask) {
		d = &p->dict[p->dict_slots[j] - 1];
		if (d->hash == h && d->len == n &&
		    memcmp(p->dict_pool + d->off, term, n) == 0) {
			*out = p->dict_slots[j] - 1;
			return CDX_OK;
		}
	}
	if (p->dict_n == p->dict_cap) {
		size_t cap = p->dict_cap;

		if (index_array_grow((void **)&p->seen, &cap, p->dict_n + 1,
		                     sizeof *p->seen) != CDX_OK ||
		    index_array_grow((void **)&p->dict, &p->dict_cap,
		                     p->dict_n + 1, sizeof *p->dict) != CDX_OK)
			return CDX_ERR_NOMEM;
	}
	if (index_array_grow((void **)&p->dict_pool, &p->pool_cap,
	                     p->pool_len + n + COPY_SLACK, 1) != CDX_OK)
		return CDX_ERR_NOMEM;
	memcpy(p->dict_pool + p->pool_len, term, n);
	p->dict[p->dict_n] = (struct dterm){h, (uint32_t)p->pool_len,
	                                    (uint32_t)n};
	p->seen[p->dict_n] = (struct dseen){0, 0};
	p->pool_len += n;
	p->dict_slots[j] = (uint32_t)p->dict_n + 1;
	*out = (uint32_t)p->dict_n++;
	return CDX_OK;
}

/* ------------------------------------------------------------ token cache */

/* The top half of a product depends on every bit of the key below it,
 * and the slots are few: one multiply of the mixed key will do. */
static uint64_t key_hash(uint64_t k0, uint32_t k1)
{
	return (k0 ^ k1 * 0xc2b2ae3d27d4eb4fULL) * 0x9e3779b97f4a7c15ULL >> 32;
}

/* Make room for one more cached token: grow the table while under
 * TOK_SLOTS_MAX, else forget every token (the dictionary stays, so
 * refilling costs a stem per word, not a new term). 0, or -1 when out of
 * memory (the token is then not cached). */
static int tok_room(struct cdx_index_prep *p)
{
	size_t ncap;
	struct tslot *ns;

	if ((p->tok_n + 1) * 2 <= p->tok_cap)
		return 0;
	if (p->tok_cap >= TOK_SLOTS_MAX) {
		memset(p->tok_slots, 0, p->tok_cap * sizeof *p->tok_slots);
		p->tok_n = 0;
		return 0;
	}
	ncap = p->tok_cap ? p->tok_cap * 2 : TOK_SLOTS_MIN;
	ns = index_zalloc(ncap, sizeof *ns);
	if (ns == NULL)
		return -1;
	for (size_t i = 0; i < p->tok_cap; i++) {
		size_t j;

		if (p->tok_slots[i].term == 0)
			continue;
		for (j = key_hash(p->tok_slots[i].k0, p->tok_slots[i].k1) &
		         (ncap - 1);
		     ns[j].term; j = (j + 1) & (ncap - 1))
			;
		ns[j] = p->tok_slots[i];
	}
	free(p->tok_slots);
	p->tok_slots = ns;
	p->tok_cap = ncap;
	return 0;
}

/* The cached term of chunk token @p c (a short one) into *out: the
 * dictionary index, or NO_TERM when it has none. @return 1 when the
 * cache knows the token, else 0. */
static int cache_get(const struct cdx_index_prep *p, const struct ctok *c,
                     uint32_t *out)
{
	size_t mask = p->tok_cap - 1;
	const struct tslot *e;

	for (size_t j = c->h & mask; (e = &p->tok_slots[j])->term;
	     j = (j + 1) & mask)
		if (e->k0 == c->k0 && e->k1 == c->k1) {
			*out = e->term == NO_TERM ? NO_TERM : e->term - 1;
			return 1;
		}
	return 0;
}

/* The term of a chunk token the cache does not know, as cache_get()
 * gives it: by index_term_of() and the dictionary, then cached. Out of
 * line: flush_chunk()'s loop keeps its registers for the hits.
 * @return CDX_OK or CDX_ERR_NOMEM. */
static NOINLINE int token_miss(struct cdx_index_prep *p,
                               const struct ctok *c, uint32_t *out)
{
	char term[INDEX_TERM_MAX + 1], w[16]; /* over TOK_KEY_MAX */
	const char *word = w;
	size_t tn, n, j;
	int cache = c->k1 != LONG_TOKEN;

	if (cache) {
		uint64_t k0 = c->k0;
		uint32_t k1 = c->k1; /* its top byte, the length, is past n */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		k0 = __builtin_bswap64(k0);
		k1 = __builtin_bswap32(k1);
#endif
		n = c->k1 >> 24 & 15;
		memcpy(w, &k0, 8);
		memcpy(w + 8, &k1, 4);
	} else {
		word = p->lng + c->k0;
		n = c->h;
	}
	tn = index_term_of(word, n, p->stemmer, term);
	*out = NO_TERM;
	if (tn > 0 && dict_term(p, term, tn, out) != CDX_OK)
		return CDX_ERR_NOMEM;
	if (!cache || tok_room(p) != 0)
		return CDX_OK;
	/* the table may have grown or been emptied: probe again */
	for (j = c->h & (p->tok_cap - 1); p->tok_slots[j].term;
	     j = (j + 1) & (p->tok_cap - 1))
		;
	p->tok_slots[j] = (struct tslot){c->k0, c->k1,
	                                 *out == NO_TERM ? NO_TERM : *out + 1};
	p->tok_n++;
	return CDX_OK;
}

/* ------------------------------------------------------------ terms */

/* Room in the document's term and token arrays for @p k more tokens
 * (each may be a new term), so that add_token() checks nothing. */
static int reserve(struct cdx_index_prep *p, size_t k)
{
	if (p->cap_t - p->n < k &&
	    index_array_grow((void **)&p->t, &p->cap_t, p->n + k,
	                     sizeof *p->t) != CDX_OK)
		return CDX_ERR_NOMEM;
	if (p->cap_tok - p->n_tok < k &&
	    index_array_grow((void **)&p->tok, &p->cap_tok, p->n_tok + k,
	                     sizeof *p->tok) != CDX_OK)
		return CDX_ERR_NOMEM;
	return CDX_OK;
}

/* Resolve the chunk's tokens in order, asking for the cache slot of the
 * token PREFETCH_AHEAD further on before each (past the chunk's end, a
 * stale entry's: a wasted fetch, never a wrong one; a long token's h is
 * its length, any slot will do). Each token with a term counts for it:
 * the term joins the document's the first time (its generation is
 * old), and the token's position goes to tok. The counts are kept in
 * locals for the loop, as the term and token arrays have room
 * (reserve()) and a miss touches neither. */
static int flush_chunk(struct cdx_index_prep *p)
{
	struct pt *t;
	uint32_t *tok;
	size_t n, n_tok;

	if (reserve(p, p->n_chunk) != CDX_OK)
		return CDX_ERR_NOMEM;
	t = p->t;
	tok = p->tok;
	n = p->n;
	n_tok = p->n_tok;
	for (size_t i = 0; i < p->n_chunk; i++) {
		const struct ctok *c = &p->chunk[i];
		struct dseen *d;
		uint32_t term;

		PREFETCH(&p->tok_slots[p->chunk[i + PREFETCH_AHEAD].h &
		                       (p->tok_cap - 1)]);
		if ((c->k1 == LONG_TOKEN || !cache_get(p, c, &term)) &&
		    token_miss(p, c, &term) != CDX_OK)
			return CDX_ERR_NOMEM;
		/* a token without a term has no word position either */
		if (term == NO_TERM)
			continue;
		d = &p->seen[term];
		if (d->gen != p->gen) {
			d->gen = p->gen;
			d->idx = (uint32_t)n;
			t[n++] = (struct pt){term, 0};
		}
		tok[n_tok++] = d->idx;
		t[d->idx].tf++;
	}
	p->n = n;
	p->n_tok = n_tok;
	p->n_chunk = 0;
	p->lng_len = 0;
	return CDX_OK;
}

/* @p p's four bytes as a number whose bits 8i are byte i (eight:
 * index_load_le64). */
static uint32_t load_le32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

/* A token longer than a key into the chunk, its bytes kept aside. Out of
 * line: on_token() then saves no registers for this rare path. */
static NOINLINE int long_token(struct cdx_index_prep *p, struct ctok *c,
                               const char *w, size_t n)
{
	if (index_array_grow((void **)&p->lng, &p->lng_cap, p->lng_len + n,
	                     1) != CDX_OK)
		return CDX_ERR_NOMEM;
	memcpy(p->lng + p->lng_len, w, n);
	c->k0 = p->lng_len;
	c->k1 = LONG_TOKEN;
	c->h = (uint32_t)n;
	p->lng_len += n;
	return CDX_OK;
}

/* The tokenizer's callback: the token's key and hash into the chunk. */
static int on_token(void *ctx, const char *w, size_t n, uint32_t start,
                    uint32_t end)
{
	struct cdx_index_prep *p = ctx;
	struct ctok *c = &p->chunk[p->n_chunk];

	(void)start;
	(void)end;
	if (n <= TOK_KEY_MAX) {
		/* the tokenizer zeroes w[n..15]: two loads are the key, the
		 * bytes past the token already 0 (byte 11 too, the length's) */
		c->k0 = index_load_le64(w);
		c->k1 = load_le32(w + 8) | (uint32_t)n << 24;
		c->h = (uint32_t)key_hash(c->k0, c->k1);
	} else if (long_token(p, c, w, n) != CDX_OK) {
		return CDX_ERR_NOMEM;
	}
	if (++p->n_chunk == CHUNK)
		return flush_chunk(p);
	return 0;
}

/* Start a document: a new generation, and an empty dictionary when it
 * has grown past its bounds. */
static void prep_reset(struct cdx_index_prep *p)
{
	p->n = p->n_tok = p->n_chunk = p->lng_len = 0;
	if (p->dict_n > DICT_MAX || p->pool_len > DICT_POOL_MAX)
		dict_clear(p);
	if (++p->gen == 0) {
		/* after 2^32 documents: the old generations must go */
		for (size_t i = 0; i < p->dict_n; i++)
			p->seen[i].gen = 0;
		p->gen = 1;
	}
}

/* Bytes of @p d's term block (index_doc_terms()) but its terms' own:
 * COPY_SLACK at least, and near enough for give_back(). */
static size_t tblock_size(const struct cdx_index_doc *d)
{
	return d->n_terms * sizeof *d->terms +
	       (size_t)d->n_tokens * sizeof *d->pos + COPY_SLACK;
}

void index_doc_drop_terms(struct cdx_index_doc *d)
{
	give_back(d->owner, d->tblock, tblock_size(d));
	d->tblock = NULL;
	d->terms = NULL;
	d->pos = NULL;
	d->n_terms = 0;
	d->has_terms = 0;
}

int index_doc_terms(struct cdx_index_prep *p, struct cdx_index_doc *d)
{
	struct index_pterm *terms;
	uint32_t *pos, at = 0;
	char *strs;
	size_t size, bytes = 0;

	index_doc_drop_terms(d);
	prep_reset(p);
	if (d->len > 0 &&
	    (cdx_corpus_tokenize(d->text, d->len, on_token, p) != 0 ||
	     flush_chunk(p) != CDX_OK))
		return CDX_ERR_NOMEM;
	for (size_t i = 0; i < p->n; i++)
		bytes += p->dict[p->t[i].term].len;
	size = p->n * sizeof *terms + p->n_tok * sizeof *pos + bytes;
	d->tblock = malloc(size + COPY_SLACK);
	if (d->tblock == NULL)
		return CDX_ERR_NOMEM;
	terms = d->tblock;
	pos = (uint32_t *)(terms + p->n);
	strs = (char *)(pos + p->n_tok);
	/* pass 1: where each term's positions start; pos is a cursor */
	for (size_t i = 0; i < p->n; i++) {
		const struct dterm *t = &p->dict[p->t[i].term];

		/* the bytes past a short term are the next one's to write */
		if (t->len <= COPY_SLACK)
			memcpy(strs, p->dict_pool + t->off, COPY_SLACK);
		else
			memcpy(strs, p->dict_pool + t->off, t->len);
		terms[i] = (struct index_pterm){t->hash, strs, t->len,
		                                p->t[i].tf, at};
		strs += t->len;
		at += p->t[i].tf;
	}
	/* pass 2: token numbers, in order, to their term's run */
	for (size_t i = 0; i < p->n_tok; i++)
		pos[terms[p->tok[i]].pos++] = (uint32_t)i;
	for (size_t i = 0; i < p->n; i++)
		terms[i].pos -= terms[i].tf;
	d->terms = terms;
	d->n_terms = p->n;
	d->pos = pos;
	d->n_tokens = (uint32_t)p->n_tok;
	d->has_terms = 1;
	return CDX_OK;
}

/* ------------------------------------------------------------ copy */

static int claim_cmp(const void *pa, const void *pb)
{
	const struct cdx_claim *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return (a->end > b->end) - (a->end < b->end);
}

static size_t opt_len(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

static const char *opt_copy(char **p, const char *s)
{
	char *d = *p;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	memcpy(d, s, n);
	*p += n;
	return d;
}

/* Copy a document and its claims (sorted by span) into one block. */
static int doc_copy(struct cdx_index_doc *e, const struct cdx_doc *doc,
                    const struct cdx_claims *claims)
{
	size_t nc = claims ? claims->n : 0;
	size_t size = nc * sizeof(struct cdx_claim) + opt_len(doc->source) +
	              opt_len(doc->title) + opt_len(doc->date) + doc->len + 1;
	char *p;

	for (size_t i = 0; i < nc; i++) {
		const struct cdx_claim *c = &claims->v[i];

		size += opt_len(c->subject) + opt_len(c->commodity) +
		        opt_len(c->metric);
		for (unsigned j = 0; j < c->n_parties &&
		                     j < CDX_CLAIM_PARTIES_MAX; j++)
			size += opt_len(c->parties[j]);
	}
	e->block = malloc(size);
	if (e->block == NULL)
		return CDX_ERR_NOMEM;
	e->claims = e->block;
	e->n_claims = nc;
	p = (char *)e->block + nc * sizeof(struct cdx_claim);
	for (size_t i = 0; i < nc; i++) {
		struct cdx_claim *c = &e->claims[i];

		*c = claims->v[i];
		if (c->n_parties > CDX_CLAIM_PARTIES_MAX)
			c->n_parties = CDX_CLAIM_PARTIES_MAX;
		c->subject = opt_copy(&p, c->subject);
		c->commodity = opt_copy(&p, c->commodity);
		c->metric = opt_copy(&p, c->metric);
		for (unsigned j = 0; j < c->n_parties; j++)
			c->parties[j] = opt_copy(&p, c->parties[j]);
	}
	if (nc > 1) /* claims is NULL for a document without any */
		qsort(e->claims, nc, sizeof *e->claims, claim_cmp);
	e->source = opt_copy(&p, doc->source);
	e->title = opt_copy(&p, doc->title);
	e->date = opt_copy(&p, doc->date);
	if (doc->len)
		memcpy(p, doc->text, doc->len);
	p[doc->len] = '\0';
	e->text = p;
	e->len = doc->len;
	e->format = (uint8_t)doc->format;
	e->weight = size;
	return CDX_OK;
}

static int check_spans(const struct cdx_doc *doc,
                       const struct cdx_claims *claims,
                       struct cdx_error *err)
{
	for (size_t i = 0; claims && i < claims->n; i++) {
		const struct cdx_claim *c = &claims->v[i];

		if (c->start > c->end || c->end > doc->len ||
		    c->sent_start > c->sent_end || c->sent_end > doc->len ||
		    (unsigned)c->kind >= CDX_KIND_COUNT_)
			return cdx_error_set(err, CDX_ERR_FAIL,
			                     "claim at [%u, %u) does not fit "
			                     "'%s' (%zu bytes)", c->start,
			                     c->end, doc->source, doc->len);
	}
	return CDX_OK;
}

int cdx_index_doc_prepare(struct cdx_index_prep *p,
                          const struct cdx_doc *doc,
                          const struct cdx_claims *claims,
                          struct cdx_index_doc **out, struct cdx_error *err)
{
	struct cdx_index_doc *d;
	int rc;

	*out = NULL;
	/* this thread allocates, so this thread frees */
	if (atomic_load_explicit(&p->thread, memory_order_relaxed) !=
	    &this_thread)
		atomic_store_explicit(&p->thread, &this_thread,
		                      memory_order_relaxed);
	take_back(p);
	rc = check_spans(doc, claims, err);
	if (rc != CDX_OK)
		return rc;
	d = calloc(1, sizeof *d);
	if (d == NULL)
		return index_nomem(err);
	d->owner = p;
	atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
	if (doc_copy(d, doc, claims) != CDX_OK ||
	    index_doc_terms(p, d) != CDX_OK) {
		cdx_index_doc_free(d);
		return index_nomem(err);
	}
	d->hash = index_hash64(d->text, d->len);
	*out = d;
	return CDX_OK;
}

size_t cdx_index_doc_weight(const struct cdx_index_doc *d)
{
	if (d == NULL)
		return 0;
	return d->weight + d->n_terms * sizeof *d->terms +
	       (size_t)d->n_tokens * sizeof *d->pos;
}

/* Back to the preparer, which frees the blocks on its own thread: the
 * owner is read first, as d's first word becomes a link. */
void cdx_index_doc_free(struct cdx_index_doc *d)
{
	struct cdx_index_prep *p;

	if (d == NULL)
		return;
	p = d->owner;
	give_back(p, d->tblock, tblock_size(d));
	give_back(p, d->block, d->weight);
	give_back(p, d, sizeof *d);
	if (p != NULL)
		prep_unref(p);
}
