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
};

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
                     char *buf, size_t cap, const char **t)
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

	n = finish(folded, n, tc->stemmer, buf, sizeof buf, &t);
	if (n == 0)
		return 0;
	return tc->fn(tc->ctx, t, n, start, end);
}

int index_terms(const char *text, size_t len, void *stemmer,
                index_term_fn fn, void *ctx)
{
	struct term_ctx tc = {fn, ctx, stemmer};

	if (len == 0)
		return 0;
	return cdx_corpus_tokenize(text, len, on_token, &tc);
}

size_t index_term_of(const char *word, size_t n, void *stemmer, char *out)
{
	char buf[INDEX_TERM_MAX * 4 + 8];
	const char *t;

	n = finish(word, n, stemmer, buf, sizeof buf, &t);
	memcpy(out, t, n);
	out[n] = '\0';
	return n;
}
