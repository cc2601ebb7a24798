/*
 * cands.c — where in a sentence a name or a figure may start, found in
 * one pass over its words before either scan runs.
 *
 * A sentence is read once (extract_cands_scan()): word by word, its
 * words found in the sentence's byte masks (masks.c), 64 bytes at a
 * time, it lists the places where a trigger may be (scan.c's triggers)
 * and, with the gazetteer's filters, where a name may start, so the
 * trigger loop and the mention loop (gazetteer.c's
 * extract_gz_next_cand()) each read a short list instead of every byte.
 * The byte scans these lists stand for (extract_next_trigger(),
 * extract_gz_next()) stay as the tests' reference.
 */
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"

void extract_cands_release(struct cands *c)
{
	if (c == NULL)
		return;
	free(c->gz);
	free(c->gk);
	free(c->ge);
	free(c->tg);
	free(c->tk);
	extract_masks_release(&c->bm);
	memset(c, 0, sizeof(*c));
}

/* Grow @p *v to @p len entries (kept on failure). */
static int grow_u32(uint32_t **v, size_t len)
{
	uint32_t *p = realloc(*v, len * sizeof(**v));

	if (p == NULL)
		return CDX_ERR_NOMEM;
	*v = p;
	return CDX_OK;
}

/* Room for a candidate at every byte of a text of @p len bytes. */
static int cands_reserve(struct cands *c, size_t len)
{
	if (len <= c->cap)
		return CDX_OK;
	if (grow_u32(&c->gz, len) || grow_u32(&c->gk, len) ||
	    grow_u32(&c->ge, len) || grow_u32(&c->tg, len) ||
	    grow_u32(&c->tk, len))
		return CDX_ERR_NOMEM;
	c->cap = len;
	return CDX_OK;
}

static inline int digit(unsigned char c)
{
	return (byte_class[c] & BC_DIGIT) != 0;
}

static inline void push_tg(struct cands *c, size_t i, uint32_t kind)
{
	c->tg[c->n_tg] = (uint32_t)i;
	c->tk[c->n_tg++] = kind;
}

/*
 * The candidates of the word starting at @p i of [t, t+len), bit @p off of
 * block @p mb of the masks: a name may start there when its key passes the
 * gazetteer's filter (as in extract_gz_next()); a trigger is there when
 * it starts with a digit, and may be there when it starts with a trigger
 * word's first letters (as in extract_next_trigger()). The word's end and
 * its letters come from the block's masks, in one shift each.
 */
static inline void word_cands(struct cands *c, const struct gz_filter *gf,
                              const struct triggers *tr, const char *t,
                              size_t len, size_t i, const struct mask_blk *mb,
                              unsigned off)
{
	uint64_t rest = ~mb->alnum >> off, x;
	size_t n, l;
	uint32_t key, bit, h;
	const uint64_t *set;

	/* a word running into the next block is rare: ask the masks */
	n = rest ? (size_t)__builtin_ctzll(rest) :
	           masks_run_end(&c->bm, i, mask_alnum) - i;
	x = wk_load8(t, len, i);
	key = wk_key(x, n);
	bit = gz_first_bit(key, gf->mask);
	set = (mb->upper >> off & 1) ? gf->first : gf->first_low;
	if (set[bit >> 6] >> (bit & 63) & 1) {
		c->gk[c->n_gz] = key;
		c->ge[c->n_gz] = (uint32_t)(i + n);
		c->gz[c->n_gz++] = (uint32_t)i;
	}
	if (mb->digit >> off & 1) {
		push_tg(c, i, TC_NUM);
		return;
	}
	/* the word's leading letters: their key, most often the word's,
	 * rules out all but a few words at one bit (the key bits are many
	 * beside the trigger words, and a test of the first letters first
	 * would cost every word more than it saves) */
	rest = ~(mb->alnum & ~mb->digit) >> off;
	l = rest ? (size_t)__builtin_ctzll(rest) :
	           masks_run_end(&c->bm, i, mask_letter) - i;
	h = (l == n ? key : wk_key(x, l)) & (TRIG_KEYBITS - 1);
	if (tr->keybits[h >> 6] >> (h & 63) & 1)
		push_tg(c, i, TC_WORD + (uint32_t)l);
}

/* The candidates of byte @p i of [t, t+len), outside any word: a symbol
 * may start a name ("$") or be a trigger ("½"), a point before a
 * digit is one. */
static void between_cands(struct cands *c, const struct gz_filter *gf,
                          const struct triggers *tr, const char *t,
                          size_t len, size_t i)
{
	unsigned char ch = (unsigned char)t[i];
	unsigned k = tr->cls[ch];

	if (!is_space(ch) && gf->sym[lower(ch)] &&
	    (i == 0 || !is_alnum((unsigned char)t[i - 1]))) {
		c->ge[c->n_gz] = 0;
		c->gz[c->n_gz++] = (uint32_t)i;
	}
	if (k & T_SYM)
		push_tg(c, i, TC_SYM);
	else if ((k & T_DOT) && i + 1 < len && digit((unsigned char)t[i + 1]))
		push_tg(c, i, TC_NUM);
}

/*
 * The byte masks of the sentence (masks.c) give, 64 bytes at a time,
 * the places worth a look: word starts, starts of digit runs (inside a
 * word too: "G20"), and the bytes between words that are no space. Only
 * those are visited, in text order, so both lists come out sorted.
 */
int extract_cands_scan(struct cands *c, const struct gz_filter *gf,
                       const struct triggers *tr, const char *t, size_t len)
{
	/* a space between words is nothing to either scan, unless a trigger
	 * starts with one */
	uint64_t keep_blank = (tr->cls[' '] & (T_SYM | T_DOT)) ? ~(uint64_t)0 :
	                                                         0;
	uint64_t carry_a = 0, carry_d = 0;

	c->n_gz = c->n_tg = 0;
	if (len > UINT32_MAX - TC_WORD || cands_reserve(c, len) ||
	    extract_masks_fill(&c->bm, t, len))
		return CDX_ERR_NOMEM;
	for (size_t k = 0; k < c->bm.n; k++) {
		const struct mask_blk *b = &c->bm.b[k];
		uint64_t ws = b->alnum & ~(b->alnum << 1 | carry_a);
		uint64_t rs = b->digit & ~(b->digit << 1 | carry_d);
		uint64_t in = len - 64 * k >= 64 ? ~(uint64_t)0 :
		              ((uint64_t)1 << (len - 64 * k)) - 1;
		uint64_t e = ws | rs | (~b->alnum & ~(b->blank & ~keep_blank) &
		                        in);

		carry_a = b->alnum >> 63;
		carry_d = b->digit >> 63;
		for (; e; e &= e - 1) {
			uint64_t bit = e & -e;
			size_t i = 64 * k + (size_t)__builtin_ctzll(e);

			if (ws & bit)
				word_cands(c, gf, tr, t, len, i, b,
				           (unsigned)(i % 64));
			else if (rs & bit)
				push_tg(c, i, TC_NUM);
			else
				between_cands(c, gf, tr, t, len, i);
		}
	}
	return CDX_OK;
}

size_t extract_next_trigger_cand(const struct triggers *tr, const char *t,
                                 size_t len, const struct cands *c,
                                 size_t *ci, size_t from)
{
	size_t k = *ci < c->n_tg ? *ci : c->n_tg;

	while (k > 0 && c->tg[k - 1] >= from)
		k--;
	for (; k < c->n_tg; k++) {
		size_t i = c->tg[k];
		uint32_t kind = c->tk[k];

		if (i < from)
			continue;
		if (kind == TC_NUM ||
		    (kind == TC_SYM &&
		     extract_trigger_symbol_at(tr, t, len, i)) ||
		    (kind >= TC_WORD &&
		     extract_trigger_word_at(tr, t, len, i, kind - TC_WORD))) {
			*ci = k;
			return i;
		}
	}
	*ci = c->n_tg;
	return len;
}
