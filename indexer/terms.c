/*
 * terms.c — the one term pipeline: a text's tokens (corpus tokenizer,
 * already case-folded) with diacritics stripped, stemmed with the Snowball
 * English stemmer, cut to INDEX_TERM_MAX bytes. Documents and queries both
 * go through here, so "Markets" in a query finds "market" in a text and
 * "Zürich" finds "Zurich". Changing anything here changes the terms on
 * disk: bump CDX_INDEX_SCHEMA.
 *
 * Stemming is the costliest step of indexing, and most tokens of a text
 * are words seen before, so a stemmer remembers the stems of the words it
 * stemmed: a bounded open-addressing table (word → stem, both in one
 * string pool) that is emptied when full. A stemmer serves one thread.
 */
#include <libstemmer.h>
#include <stdlib.h>

#include "index_int.h"

/* Words remembered at most, and bytes of word + stem text: a few hundred
 * KB per thread, enough for the working vocabulary of news text. */
#define STEM_CACHE_MAX ((size_t)1 << 15)
#define STEM_POOL_MAX ((size_t)1 << 20)

struct stem_slot {
	uint32_t hash;   /* 0: empty (a real hash of 0 is stored as 1) */
	uint32_t off;    /* word at pool + off, its stem right after it */
	uint8_t len;     /* word bytes (at most INDEX_TERM_MAX) */
	uint8_t stem_len;
};

struct index_stemmer {
	struct sb_stemmer *sb;    /* UTF-8 */
	struct sb_stemmer *sb_ascii; /* ISO-8859-1, for ASCII words; or NULL */
	struct stem_slot *slots; /* cap of them, a power of two */
	size_t cap, n;
	char *pool;
	size_t pool_len, pool_cap;
};

struct term_ctx {
	index_term_fn fn;
	void *ctx;
	struct index_stemmer *stemmer;
	const uint8_t *near; /* INDEX_NEAR_BYTES, or NULL: stem every token */
};

/* Stemming keeps a word's first two letters (it only rewrites endings),
 * so a token whose first two bytes no wanted term starts with cannot
 * become one: index_terms_near() skips stemming it. */
static unsigned near_bit(const char *t, size_t n)
{
	unsigned a = (unsigned char)t[0], b = n > 1 ? (unsigned char)t[1] : 0;

	return (a * 31 + b) % (INDEX_NEAR_BYTES * 8);
}

void index_near_add(uint8_t *near, const char *term, size_t n)
{
	unsigned bit;

	if (n == 0)
		return;
	bit = near_bit(term, n);
	near[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static int is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

void *index_stemmer_new(void)
{
	struct index_stemmer *st = calloc(1, sizeof *st);

	if (st == NULL)
		return NULL;
	st->sb = sb_stemmer_new("english", NULL);
	if (st->sb == NULL) {
		free(st);
		return NULL;
	}
	/* the same algorithm on bytes: an ASCII word gets the same stem
	 * (tests compare them), a quarter cheaper without UTF-8 decoding */
	st->sb_ascii = sb_stemmer_new("english", "ISO_8859_1");
	return st;
}

void index_stemmer_free(void *stemmer)
{
	struct index_stemmer *st = stemmer;

	if (st == NULL)
		return;
	sb_stemmer_delete(st->sb);
	if (st->sb_ascii)
		sb_stemmer_delete(st->sb_ascii);
	free(st->slots);
	free(st->pool);
	free(st);
}

static uint32_t word_hash(const char *s, size_t n)
{
	uint32_t h = (uint32_t)index_mem_hash(s, n);

	return h ? h : 1;
}

/* The cached stem of @p w, or NULL. *slot gets where it would go. */
static const char *cache_find(const struct index_stemmer *st, const char *w,
                              size_t n, uint32_t h, size_t *stem_len,
                              size_t *slot)
{
	size_t mask = st->cap - 1, j;

	for (j = h & mask; st->slots[j].hash; j = (j + 1) & mask) {
		const struct stem_slot *e = &st->slots[j];

		if (e->hash == h && e->len == n &&
		    memcmp(st->pool + e->off, w, n) == 0) {
			*stem_len = e->stem_len;
			return st->pool + e->off + n;
		}
	}
	*slot = j;
	return NULL;
}

/* Make room for one more entry of @p bytes: allocate at first use, grow
 * the table while under STEM_CACHE_MAX, else forget everything (cheaper
 * than any eviction policy, and the vocabulary refills it at once).
 * @return 0, or -1 when out of memory (the word is then not cached). */
static int cache_room(struct index_stemmer *st, size_t bytes)
{
	if (st->pool_len + bytes > st->pool_cap) {
		size_t ncap = st->pool_cap ? st->pool_cap * 2 : 16384;
		char *np;

		if (ncap > STEM_POOL_MAX) {
			st->n = 0;
			st->pool_len = 0;
			memset(st->slots, 0, st->cap * sizeof *st->slots);
			return st->pool_cap >= bytes ? 0 : -1;
		}
		np = realloc(st->pool, ncap);
		if (np == NULL)
			return -1;
		st->pool = np;
		st->pool_cap = ncap;
	}
	if ((st->n + 1) * 2 > st->cap) {
		size_t ncap = st->cap ? st->cap * 2 : 1024;
		struct stem_slot *ns;

		if (ncap > STEM_CACHE_MAX * 2) {
			st->n = 0;
			st->pool_len = 0;
			memset(st->slots, 0, st->cap * sizeof *st->slots);
			return 0;
		}
		ns = index_zalloc(ncap, sizeof *ns);
		if (ns == NULL)
			return -1;
		for (size_t i = 0; i < st->cap; i++) {
			size_t j;

			if (st->slots[i].hash == 0)
				continue;
			for (j = st->slots[i].hash & (ncap - 1); ns[j].hash;
			     j = (j + 1) & (ncap - 1))
				;
			ns[j] = st->slots[i];
		}
		free(st->slots);
		st->slots = ns;
		st->cap = ncap;
	}
	return 0;
}

/* The stem of the folded word @p w (n bytes, 3..INDEX_TERM_MAX, all
 * ASCII when @p ascii) into *out; @return its length, or @p n with
 * *out = w when stemming failed. */
static size_t stem(struct index_stemmer *st, const char *w, size_t n,
                   int ascii, const char **out)
{
	uint32_t h = word_hash(w, n);
	size_t sn, slot = 0;
	const sb_symbol *s;
	const char *hit = st->cap ? cache_find(st, w, n, h, &sn, &slot) : NULL;
	struct sb_stemmer *sb = ascii && st->sb_ascii ? st->sb_ascii : st->sb;

	if (hit) {
		*out = hit;
		return sn;
	}
	s = sb_stemmer_stem(sb, (const sb_symbol *)w, (int)n);
	*out = w;
	if (s == NULL)
		return n;
	sn = (size_t)sb_stemmer_length(sb);
	/* a stem is never longer, but the cap is ours */
	if (sn > INDEX_TERM_MAX)
		sn = INDEX_TERM_MAX;
	*out = (const char *)s;
	if (cache_room(st, n + sn) != 0)
		return sn;
	/* the table may have grown or been emptied: find the slot again */
	if (cache_find(st, w, n, h, &(size_t){0}, &slot) != NULL)
		return sn;
	memcpy(st->pool + st->pool_len, w, n);
	memcpy(st->pool + st->pool_len + n, s, sn);
	st->slots[slot] = (struct stem_slot){h, (uint32_t)st->pool_len,
	                                     (uint8_t)n, (uint8_t)sn};
	st->pool_len += n + sn;
	st->n++;
	*out = st->pool + st->slots[slot].off + n;
	return sn;
}

/* Fold (when not ASCII) and stem @p folded into @p buf (at least
 * INDEX_TERM_MAX * 4 + 8 bytes); *t points at the result. */
static size_t finish(const char *folded, size_t n, struct index_stemmer *st,
                     const uint8_t *near, char *buf, size_t cap,
                     const char **t)
{
	int ascii = is_ascii(folded, n);

	*t = folded;
	/* ASCII tokens are already folded: skip the second fold */
	if (!ascii) {
		n = cdx_corpus_fold(folded, n, buf, cap, 1);
		if (n >= cap)
			n = cap - 1;
		*t = buf;
		ascii = is_ascii(buf, n); /* "café" is "cafe" now */
	}
	n = index_utf8_cut(*t, n, INDEX_TERM_MAX);
	if (near && n > 0) {
		unsigned bit = near_bit(*t, n);

		if (!(near[bit / 8] & (1u << (bit % 8))))
			return 0; /* cannot be a wanted term */
	}
	/* numbers and one-letter words have nothing to stem */
	if (st && n > 2 && !((*t)[0] >= '0' && (*t)[0] <= '9'))
		n = stem(st, *t, n, ascii, t);
	return n;
}

static int on_token(void *c, const char *folded, size_t n, uint32_t start,
                    uint32_t end)
{
	struct term_ctx *tc = c;
	char buf[INDEX_TERM_MAX * 4 + 8];
	const char *t;

	n = finish(folded, n, tc->stemmer, tc->near, buf, sizeof buf, &t);
	if (n == 0 && tc->near)
		return tc->fn(tc->ctx, "", 0, start, end);
	if (n == 0)
		return 0;
	return tc->fn(tc->ctx, t, n, start, end);
}

int index_terms(const char *text, size_t len, void *stemmer,
                index_term_fn fn, void *ctx)
{
	struct term_ctx tc = {fn, ctx, stemmer, NULL};

	if (len == 0)
		return 0;
	return cdx_corpus_tokenize(text, len, on_token, &tc);
}

int index_terms_near(const char *text, size_t len, void *stemmer,
                     const uint8_t *near, index_term_fn fn, void *ctx)
{
	struct term_ctx tc = {fn, ctx, stemmer, near};

	if (len == 0)
		return 0;
	return cdx_corpus_tokenize(text, len, on_token, &tc);
}

size_t index_term_of(const char *word, size_t n, void *stemmer, char *out)
{
	char buf[INDEX_TERM_MAX * 4 + 8];
	const char *t;

	n = finish(word, n, stemmer, NULL, buf, sizeof buf, &t);
	memcpy(out, t, n);
	out[n] = '\0';
	return n;
}
