/*
 * snippet.c — the passage shown under a search hit: SNIPPET_WORDS words of
 * the stored text around the window holding the most distinct query terms
 * (then the most matches), matched words in [brackets], "..." where the
 * text was cut, whitespace runs (newlines too) as one space. Cuts fall on
 * token edges or ASCII whitespace, so the UTF-8 stays whole.
 */
#include <stdlib.h>

#include "index_int.h"

#define SNIPPET_WORDS 30
#define SNIPPET_GAP_MAX 40
#define NO_TERM (-1)

struct stok {
	uint32_t start, end;
	int term; /* index of the query term it matched, or NO_TERM */
};

#define TERM_SLOTS 128 /* twice SNIPPET_TERMS at most */

struct toks {
	struct stok *v;
	size_t n, cap;
	char *const *terms;
	const size_t *lens;
	size_t n_terms;
	/* the terms by hash (index + 1, 0 empty): a prefix brings up to
	 * 64 terms, and every token was compared with each */
	uint8_t slot[TERM_SLOTS];
};

static unsigned term_hash(const char *t, size_t n)
{
	unsigned h = (unsigned)n * 31u + (unsigned char)t[0] * 7u +
	             (unsigned char)t[n - 1] * 131u;

	if (n > 1)
		h += (unsigned char)t[1] * 17u;
	return h % TERM_SLOTS;
}

static void hash_terms(struct toks *s)
{
	memset(s->slot, 0, sizeof s->slot);
	for (size_t i = 0; i < s->n_terms; i++) {
		unsigned h;

		if (s->lens[i] == 0)
			continue;
		for (h = term_hash(s->terms[i], s->lens[i]); s->slot[h];
		     h = (h + 1) % TERM_SLOTS)
			;
		s->slot[h] = (uint8_t)(i + 1);
	}
}

static int on_tok(void *ctx, const char *t, size_t n, uint32_t start,
                  uint32_t end)
{
	struct toks *s = ctx;
	int term = NO_TERM;

	/* n is 0 for a token no term can be (index_terms_near) */
	for (unsigned h = n ? term_hash(t, n) : 0; n && s->slot[h];
	     h = (h + 1) % TERM_SLOTS) {
		size_t i = s->slot[h] - 1u;

		if (s->lens[i] == n && memcmp(s->terms[i], t, n) == 0) {
			term = (int)i;
			break;
		}
	}
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 256;
		struct stok *nv = realloc(s->v, ncap * sizeof *nv);

		if (nv == NULL)
			return CDX_ERR_NOMEM;
		s->v = nv;
		s->cap = ncap;
	}
	s->v[s->n++] = (struct stok){start, end, term};
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* The first token of the best window of @p w tokens. */
static size_t best_window(const struct toks *s, size_t w)
{
	unsigned count[64] = {0};
	size_t distinct = 0, matched = 0, best = 0, best_score = 0;
	size_t first = SIZE_MAX, last = 0, start;

	for (size_t i = 0; i < s->n; i++) {
		int t = s->v[i].term;
		size_t score;

		if (t != NO_TERM) {
			distinct += count[t]++ == 0;
			matched++;
		}
		if (i >= w && (t = s->v[i - w].term) != NO_TERM) {
			distinct -= --count[t] == 0;
			matched--;
		}
		score = distinct * 1024 + matched;
		if (score > best_score) {
			best_score = score;
			best = i + 1 > w ? i + 1 - w : 0;
		}
	}
	/* centre the matches of the chosen window */
	for (size_t i = best; i < best + w && i < s->n; i++) {
		if (s->v[i].term != NO_TERM) {
			if (first == SIZE_MAX)
				first = i;
			last = i;
		}
	}
	if (first == SIZE_MAX)
		return best;
	start = (first + last) / 2 > w / 2 ? (first + last) / 2 - w / 2 : 0;
	if (start > first)
		start = first;
	if (start + w <= last)
		start = last + 1 - w;
	if (start + w > s->n)
		start = s->n > w ? s->n - w : 0;
	return start;
}

/* Append text[a, b) with whitespace runs as one space, at most @p max
 * bytes (then "..."); cuts only at a character start. */
static int put_gap(struct cdx_buf *b, const char *text, size_t a, size_t z,
                   size_t max)
{
	size_t wrote = 0;
	int space = 0, rc = CDX_OK;

	for (size_t i = a; i < z && rc == CDX_OK; i++) {
		if (is_space(text[i])) {
			space = 1;
			continue;
		}
		if (wrote >= max && ((unsigned char)text[i] & 0xc0) != 0x80) {
			rc = cdx_buf_puts(b, "...");
			space = 0;
			break;
		}
		if (space)
			rc = cdx_buf_putc(b, ' ');
		space = 0;
		if (rc == CDX_OK)
			rc = cdx_buf_putc(b, text[i]);
		wrote++;
	}
	if (space && rc == CDX_OK)
		rc = cdx_buf_putc(b, ' ');
	return rc;
}

static int build(const char *text, size_t len, const struct toks *s,
                 size_t from_tok, size_t to_tok, struct cdx_buf *b)
{
	size_t from = s->v[from_tok].start, to = s->v[to_tok - 1].end;
	size_t lo = from_tok ? s->v[from_tok - 1].end : 0;
	size_t hi = to_tok < s->n ? s->v[to_tok].start : len;
	size_t at;
	int rc = CDX_OK;

	/* take along the punctuation glued to the first and last word */
	while (from > lo && !is_space(text[from - 1]) && s->v[from_tok].start -
	       from < SNIPPET_GAP_MAX)
		from--;
	while (to < hi && !is_space(text[to]) && to - s->v[to_tok - 1].end <
	       SNIPPET_GAP_MAX)
		to++;
	while (from < s->v[from_tok].start && (((unsigned char)text[from]) &
	                                       0xc0) == 0x80)
		from++;
	while (to > s->v[to_tok - 1].end && to < len &&
	       (((unsigned char)text[to]) & 0xc0) == 0x80)
		to--;
	if (from_tok > 0)
		rc = cdx_buf_puts(b, "...");
	at = from;
	for (size_t i = from_tok; i < to_tok && rc == CDX_OK; i++) {
		const struct stok *t = &s->v[i];

		rc = put_gap(b, text, at, t->start, SNIPPET_GAP_MAX);
		if (rc == CDX_OK && t->term != NO_TERM)
			rc = cdx_buf_putc(b, '[');
		if (rc == CDX_OK)
			rc = cdx_buf_add(b, text + t->start, t->end - t->start);
		if (rc == CDX_OK && t->term != NO_TERM)
			rc = cdx_buf_putc(b, ']');
		at = t->end;
	}
	if (rc == CDX_OK)
		rc = put_gap(b, text, at, to, SNIPPET_GAP_MAX);
	if (rc == CDX_OK && to_tok < s->n)
		rc = cdx_buf_puts(b, "...");
	return rc;
}

int index_snippet(const char *text, size_t len, void *stemmer,
                  char *const *terms, const size_t *term_lens, size_t n,
                  char **out)
{
	struct toks s = {NULL, 0, 0, terms, term_lens, n < 64 ? n : 64, {0}};
	struct cdx_buf b = CDX_BUF_INIT(SIZE_MAX / 2);
	uint8_t near[INDEX_NEAR_BYTES];
	size_t start;
	int rc;

	*out = NULL;
	/* stemming every word of the text is most of a snippet's cost */
	memset(near, 0, sizeof near);
	for (size_t i = 0; i < s.n_terms; i++)
		index_near_add(near, terms[i], term_lens[i]);
	hash_terms(&s);
	rc = index_terms_near(text, len, stemmer, near, on_tok, &s);
	if (rc == CDX_OK && s.n > 0) {
		start = best_window(&s, SNIPPET_WORDS);
		rc = build(text, len, &s, start,
		           start + SNIPPET_WORDS < s.n ? start + SNIPPET_WORDS
		                                       : s.n, &b);
	}
	free(s.v);
	if (rc == CDX_OK)
		*out = cdx_buf_detach(&b);
	cdx_buf_release(&b);
	if (rc == CDX_OK && *out == NULL)
		rc = CDX_ERR_NOMEM;
	return rc;
}
