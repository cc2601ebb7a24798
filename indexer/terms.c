/*
 * terms.c — the one term pipeline: a text's tokens (corpus tokenizer,
 * already case-folded) with diacritics stripped, cut to INDEX_TERM_MAX
 * bytes. Documents and queries both go through index_terms(), so a
 * stemmer added here applies to both at once (and needs a schema bump).
 */
#include "index_int.h"

struct term_ctx {
	index_term_fn fn;
	void *ctx;
};

static int is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

static int on_token(void *c, const char *folded, size_t n, uint32_t start,
                    uint32_t end)
{
	struct term_ctx *tc = c;
	char buf[INDEX_TERM_MAX * 4 + 8];
	const char *t = folded;

	/* ASCII tokens are already final: skip the second fold */
	if (!is_ascii(folded, n)) {
		n = cdx_corpus_fold(folded, n, buf, sizeof buf, 1);
		if (n >= sizeof buf)
			n = sizeof buf - 1;
		t = buf;
	}
	n = index_utf8_cut(t, n, INDEX_TERM_MAX);
	if (n == 0)
		return 0;
	return tc->fn(tc->ctx, t, n, start, end);
}

int index_terms(const char *text, size_t len, index_term_fn fn, void *ctx)
{
	struct term_ctx tc = {fn, ctx};

	if (len == 0)
		return 0;
	return cdx_corpus_tokenize(text, len, on_token, &tc);
}
