/*
 * terms.c — the one term pipeline: a text's tokens (corpus tokenizer,
 * already case-folded) with diacritics stripped, stemmed with the Snowball
 * English stemmer, cut to INDEX_TERM_MAX bytes. Documents and queries both
 * go through here, so "Markets" in a query finds "market" in a text and
 * "Zürich" finds "Zurich". Changing anything here changes the terms on
 * disk: bump CDX_INDEX_SCHEMA.
 */
#include <libstemmer.h>

#include "index_int.h"

struct term_ctx {
	index_term_fn fn;
	void *ctx;
	struct sb_stemmer *stemmer;
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
	return sb_stemmer_new("english", NULL);
}

void index_stemmer_free(void *stemmer)
{
	if (stemmer)
		sb_stemmer_delete(stemmer);
}

/* Fold (when not ASCII) and stem @p folded into @p buf (at least
 * INDEX_TERM_MAX * 4 + 8 bytes); *t points at the result. */
static size_t finish(const char *folded, size_t n, struct sb_stemmer *st,
                     const uint8_t *near, char *buf, size_t cap,
                     const char **t)
{
	*t = folded;
	/* ASCII tokens are already folded: skip the second fold */
	if (!is_ascii(folded, n)) {
		n = cdx_corpus_fold(folded, n, buf, cap, 1);
		if (n >= cap)
			n = cap - 1;
		*t = buf;
	}
	n = index_utf8_cut(*t, n, INDEX_TERM_MAX);
	if (near && n > 0) {
		unsigned bit = near_bit(*t, n);

		if (!(near[bit / 8] & (1u << (bit % 8))))
			return 0; /* cannot be a wanted term */
	}
	/* numbers and one-letter words have nothing to stem */
	if (st && n > 2 && !((*t)[0] >= '0' && (*t)[0] <= '9')) {
		const sb_symbol *s = sb_stemmer_stem(st, (const sb_symbol *)*t,
		                                     (int)n);

		if (s != NULL) {
			size_t sn = (size_t)sb_stemmer_length(st);

			/* a stem is never longer, but the cap is ours */
			n = sn < INDEX_TERM_MAX ? sn : INDEX_TERM_MAX;
			*t = (const char *)s;
		}
	}
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
