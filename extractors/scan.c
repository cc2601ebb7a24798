/*
 * scan.c — where in a sentence a figure can be, found by a byte scan
 * before any regular expression runs.
 *
 * Every match of the figure pattern holds a trigger: a digit, a ".5"
 * style decimal, or a trigger word (a number word such as "six", a
 * fraction such as "half", a month name), and starts at most a few words
 * before it (a qualifier, a preposition, a currency sign: "at the end of
 * October", "more than US$ 5"). So the sentence loop asks this file for the
 * next trigger, then runs the pattern only over a short window that ends
 * at the trigger (PCRE2's offset limit stops the search there). Prose
 * between figures, most of any text, never reaches PCRE2.
 *
 * Trigger words come from the data files (numbers.tsv words and fractions,
 * dates.tsv months), bucketed by their first byte; the words that may open
 * a match are the words of qualifiers.tsv, the date prepositions and the
 * currency codes. Adding a word is a data change, as for the pattern.
 *
 * A sentence is read once (extract_cands_scan(), at the end): word by
 * word, its words found in the sentence's byte masks (masks.c), 64 bytes
 * at a time, it lists the places where a trigger may be
 * and, with the gazetteer's filters, where a name may start, so the
 * trigger loop and the mention loop each read a short list instead of
 * every byte. extract_next_trigger() is the byte scan the list stands
 * for, kept for texts read once and as the tests' reference.
 */
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"

/* How far before its trigger a match may start: the words just before it
 * that can open a match (qualifiers, date prepositions, currency codes,
 * "a"), at most this many words and bytes, whichever ends first. */
#define WINDOW_TOKENS 8
#define WINDOW_BYTES 96

enum { T_DIGIT = 1, T_WORD = 2, T_DOT = 4, T_SYM = 8 };

/* An ASCII letter: a trigger word's key stops at a digit ("G20"). */
static inline int letter(unsigned char c)
{
	return (byte_class[c] & (BC_LOWER | BC_UPPER)) != 0;
}

static int add_word(struct triggers *tr, const struct lex_entry *e)
{
	if (tr->n_words == tr->cap_words) {
		size_t ncap = tr->cap_words ? tr->cap_words * 2 : 64;
		const struct lex_entry **v = realloc(tr->words,
		                                     ncap * sizeof(*v));

		if (v == NULL)
			return CDX_ERR_NOMEM;
		tr->words = v;
		tr->cap_words = ncap;
	}
	tr->words[tr->n_words++] = e;
	return CDX_OK;
}

/* Add each space-separated word of @p text to the prefix words. */
static int add_prefix_words(struct triggers *tr, const char *text)
{
	while (*text) {
		size_t n = strcspn(text, " ");

		if (n > 0 && n < PREFIX_WORD_MAX) {
			if (tr->n_pre == tr->cap_pre) {
				size_t ncap = tr->cap_pre ? tr->cap_pre * 2 : 64;
				char(*v)[PREFIX_WORD_MAX] =
				        realloc(tr->pre, ncap * sizeof(*v));

				if (v == NULL)
					return CDX_ERR_NOMEM;
				tr->pre = v;
				tr->cap_pre = ncap;
			}
			for (size_t i = 0; i < n; i++)
				tr->pre[tr->n_pre][i] = (char)lower(
				        (unsigned char)text[i]);
			tr->pre[tr->n_pre][n] = '\0';
			tr->n_pre++;
		}
		text += n;
		while (*text == ' ')
			text++;
	}
	return CDX_OK;
}

static int cmp_pre(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The lower-case leading word (alphanumeric run) of [s, s+n) into @p key;
 * its length, or 0 when there is none or it is too long to be a trigger. */
static size_t lead_key(const char *s, size_t n, char key[PREFIX_WORD_MAX])
{
	size_t k = 0;

	while (k < n && is_alnum((unsigned char)s[k])) {
		if (k + 1 >= PREFIX_WORD_MAX)
			return 0;
		key[k] = (char)lower((unsigned char)s[k]);
		k++;
	}
	key[k] = '\0';
	return k;
}

/* Index of the first two bytes of a word in struct triggers' pairs; the
 * second is 0 for a one-letter word. */
static unsigned pair_of(char a, char b)
{
	return (unsigned)(unsigned char)a << 8 | (unsigned char)b;
}

static uint32_t hash_key(const char *key, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	return h;
}

/* A trigger word as the scan sees it: "a third" triggers at "third" (an
 * article before it is a prefix word of the window, and "a" at every
 * turn would send most sentences to PCRE2). */
static struct lex_entry trigger_form(const struct lex_entry *e)
{
	struct lex_entry x = *e;

	if (x.len > 2 && lower((unsigned char)x.text[0]) == 'a' &&
	    x.text[1] == ' ') {
		x.text += 2;
		x.len -= 2;
	}
	return x;
}

static size_t trigger_key(const struct lex_entry *e, char key[PREFIX_WORD_MAX])
{
	struct lex_entry x = trigger_form(e);

	return lead_key(x.text, x.len, key);
}

static int by_key(const void *a, const void *b)
{
	const struct lex_entry *x = *(const struct lex_entry *const *)a;
	const struct lex_entry *y = *(const struct lex_entry *const *)b;
	char kx[PREFIX_WORD_MAX], ky[PREFIX_WORD_MAX];

	trigger_key(x, kx);
	trigger_key(y, ky);
	return strcmp(kx, ky);
}

void extract_triggers_release(struct triggers *tr)
{
	if (tr == NULL)
		return;
	free(tr->words);
	free(tr->pre);
	free(tr->dw.w);
	memset(tr, 0, sizeof(*tr));
}

/* Put the groups of words sharing a leading word into the hash table, and
 * mark the first byte of the words that start with a symbol ("½"). */
static int index_words(struct triggers *tr)
{
	char key[PREFIX_WORD_MAX], prev[PREFIX_WORD_MAX] = "";

	for (size_t i = 0; i < tr->n_words; i++) {
		const struct lex_entry *e = tr->words[i];
		size_t n = trigger_key(e, key);
		uint32_t h;

		if (n == 0) {
			if (!is_alnum((unsigned char)e->text[0]))
				tr->cls[(unsigned char)e->text[0]] |= T_SYM;
			continue;
		}
		tr->pairs[pair_of(key[0], key[1])] = 1;
		h = wk_key_of(key, n) & (TRIG_KEYBITS - 1);
		tr->keybits[h >> 6] |= (uint64_t)1 << (h & 63);
		tr->cls[(unsigned char)key[0]] |= T_WORD;
		if (key[0] >= 'a' && key[0] <= 'z')
			tr->cls[(unsigned char)key[0] - 32] |= T_WORD;
		if (strcmp(key, prev) == 0)
			continue;
		memcpy(prev, key, n + 1);
		for (h = hash_key(key, n);; h++) {
			if (tr->hash[h & (TRIG_HASH - 1)] == 0)
				break;
		}
		if (i + 1 >= TRIG_HASH / 2)
			return CDX_ERR_LIMIT; /* keep the table half empty */
		tr->hash[h & (TRIG_HASH - 1)] = (uint32_t)i + 1;
	}
	return CDX_OK;
}

/* The slot of prefix word [key, key+n) (lower case) in tr->prehash: the
 * one holding it, or the empty one ending its chain. */
static size_t prefix_slot(const struct triggers *tr, const char *key,
                          size_t n)
{
	uint32_t h;

	for (h = hash_key(key, n);; h++) {
		unsigned k = tr->prehash[h & (PRE_HASH - 1)];

		if (k == 0 || (strncmp(tr->pre[k - 1], key, n) == 0 &&
		               tr->pre[k - 1][n] == '\0'))
			return h & (PRE_HASH - 1);
	}
}

/* Put the prefix words into their hash table, each once. */
static int index_prefix_words(struct triggers *tr)
{
	if (tr->n_pre >= PRE_HASH / 2)
		return CDX_ERR_LIMIT; /* keep the table half empty */
	for (size_t i = 0; i < tr->n_pre; i++) {
		size_t slot = prefix_slot(tr, tr->pre[i], strlen(tr->pre[i]));

		if (tr->prehash[slot] == 0)
			tr->prehash[slot] = (uint16_t)(i + 1);
	}
	return CDX_OK;
}

int extract_triggers_build(struct triggers *tr, const struct lexicon *lx,
                           struct cdx_error *err)
{
	const struct lex_list *lists[] = {&lx->numbers, &lx->dates, &lx->agree};
	int rc = CDX_OK;

	memset(tr, 0, sizeof(*tr));
	for (size_t l = 0; l < 3 && rc == CDX_OK; l++) {
		for (size_t i = 0; i < lists[l]->n && rc == CDX_OK; i++) {
			const struct lex_entry *e = &lists[l]->v[i];
			int is_word = l == 0 ? e->cls != LEX_SCALE :
			              l == 1 ? (e->cls == D_MONTH ||
			                        e->cls == D_RELUNIT) :
			                       (e->cls == A_HEAD ||
			                        e->cls == A_NAME);

			if (is_word)
				rc = add_word(tr, e);
			/* "in May this year": the unit triggers, the words
			 * before it open the match */
			if (rc == CDX_OK && l == 1 &&
			    (e->cls == D_PREP || e->cls == D_REL ||
			     e->cls == D_MONTH || e->cls == D_WEEKDAY))
				rc = add_prefix_words(tr, e->text);
		}
	}
	for (size_t i = 0; i < lx->quals.n && rc == CDX_OK; i++)
		rc = add_prefix_words(tr, lx->quals.v[i].text);
	for (size_t i = 0; i < lx->units.n && rc == CDX_OK; i++)
		if (lx->units.v[i].cls == U_CURRENCY)
			rc = add_prefix_words(tr, lx->units.v[i].text);
	if (rc == CDX_OK)
		rc = add_prefix_words(tr, "a an");
	if (rc == CDX_OK) {
		qsort(tr->words, tr->n_words, sizeof(*tr->words), by_key);
		qsort(tr->pre, tr->n_pre, sizeof(*tr->pre), cmp_pre);
		for (unsigned c = '0'; c <= '9'; c++)
			tr->cls[c] |= T_DIGIT;
		tr->cls['.'] |= T_DOT;
		rc = index_words(tr);
	}
	if (rc == CDX_OK)
		rc = index_prefix_words(tr);
	if (rc == CDX_OK)
		rc = extract_datewords_build(&tr->dw, lx);
	if (rc) {
		extract_triggers_release(tr);
		return cdx_error_set(err, rc, rc == CDX_ERR_LIMIT ?
		                     "too many number, month or prefix "
		                     "words" :
		                     "out of memory");
	}
	return CDX_OK;
}

/* Is a trigger word at @p i of [t, t+len), a word start? */
static int word_at(const struct triggers *tr, const char *t, size_t len,
                   size_t i, size_t wlen)
{
	char key[PREFIX_WORD_MAX], k2[PREFIX_WORD_MAX];
	size_t n = lead_key(t + i, wlen, key);
	uint32_t h, slot;

	if (n == 0)
		return 0;
	for (h = hash_key(key, n);; h++) {
		slot = tr->hash[h & (TRIG_HASH - 1)];
		if (slot == 0)
			return 0;
		trigger_key(tr->words[slot - 1], k2);
		if (strcmp(k2, key) == 0)
			break;
	}
	for (size_t k = slot - 1; k < tr->n_words; k++) {
		struct lex_entry e = trigger_form(tr->words[k]);

		trigger_key(tr->words[k], k2);
		if (strcmp(k2, key) != 0)
			break;
		if (extract_lex_prefix(&e, t + i, len - i) > 0)
			return 1;
	}
	return 0;
}

/* Is a trigger starting with a symbol ("½") at @p i? */
static int symbol_at(const struct triggers *tr, const char *t, size_t len,
                     size_t i)
{
	for (size_t k = 0; k < tr->n_words; k++) {
		const struct lex_entry *e = tr->words[k];

		if (!is_alnum((unsigned char)e->text[0]) &&
		    extract_lex_prefix(e, t + i, len - i) > 0)
			return 1;
	}
	return 0;
}

size_t extract_next_trigger(const struct triggers *tr, const char *t,
                            size_t len, size_t from)
{
	size_t i = from;

	while (i < len) {
		unsigned char c = (unsigned char)t[i];
		unsigned k = tr->cls[c];
		uint32_t h;
		uint64_t x;
		size_t j;

		if (k == 0 || (k & T_SYM)) {
			if ((k & T_SYM) && symbol_at(tr, t, len, i))
				return i;
			i++;
			continue;
		}
		if (k & T_DIGIT) {
			/* the start of a digit run, not its middle */
			if (i == 0 || !(t[i - 1] >= '0' && t[i - 1] <= '9'))
				return i;
			i++;
			continue;
		}
		if (k & T_DOT) {
			if (i + 1 < len && t[i + 1] >= '0' && t[i + 1] <= '9')
				return i;
			i++;
			continue;
		}
		/* a letter: look the word up when it starts here, then go on
		 * from its first digit ("G20") or its end. Its first two
		 * letters rule out most words before anything else; the key
		 * of its letters (wk_key()) rules out most others at one
		 * bit. The letters' end comes from eight bytes at a time */
		x = wk_load8(t, len, i);
		j = i + wk_run(x, 0);
		if (j == i + 8)
			while (j < len && letter((unsigned char)t[j]))
				j++;
		if ((i == 0 || !is_alnum((unsigned char)t[i - 1])) &&
		    tr->pairs[pair_of((char)lower(c), j > i + 1 ?
		                      (char)lower((unsigned char)t[i + 1]) : 0)]) {
			h = wk_key(x, j - i) & (TRIG_KEYBITS - 1);
			if ((tr->keybits[h >> 6] >> (h & 63) & 1) &&
			    word_at(tr, t, len, i, j - i))
				return i;
		}
		i = j;
	}
	return len;
}

/* Is [t, t+n) a word that may open a match (any case)? */
static int prefix_word(const struct triggers *tr, const char *t, size_t n)
{
	char key[PREFIX_WORD_MAX];

	if (n == 0 || n >= sizeof(key))
		return 0;
	for (size_t i = 0; i < n; i++)
		key[i] = (char)lower((unsigned char)t[i]);
	return tr->prehash[prefix_slot(tr, key, n)] != 0;
}

size_t extract_window_start(const struct triggers *tr, const char *t,
                            size_t from, size_t at)
{
	size_t s = at, w;

	/* the word holding the trigger: "US$5", "(5%" */
	while (s > from && !is_space((unsigned char)t[s - 1]) &&
	       at - s < WINDOW_BYTES)
		s--;
	for (unsigned tok = 1; tok < WINDOW_TOKENS && s > from; tok++) {
		size_t e = s;

		while (e > from && is_space((unsigned char)t[e - 1]))
			e--;
		w = e;
		while (w > from && !is_space((unsigned char)t[w - 1]))
			w--;
		if (at - w >= WINDOW_BYTES || w == e)
			break;
		/* "on Saturday, October 11": a comma may end a prefix word */
		if (!prefix_word(tr, t + w, e - w) &&
		    !(e - w > 1 && t[e - 1] == ',' &&
		      prefix_word(tr, t + w, e - 1 - w))) {
			/* "(about": an opening bracket or quote ends the run */
			while (w < e && !is_alnum((unsigned char)t[w]) &&
			       !prefix_word(tr, t + w, e - w))
				w++;
			if (w < e && prefix_word(tr, t + w, e - w))
				s = w;
			break;
		}
		s = w;
	}
	return s;
}

/* ------------------------------------------------------ candidates */

void extract_cands_release(struct cands *c)
{
	if (c == NULL)
		return;
	free(c->gz);
	free(c->tg);
	free(c->tk);
	extract_masks_release(&c->bm);
	memset(c, 0, sizeof(*c));
}

/* Room for a candidate at every byte of a text of @p len bytes. */
static int cands_reserve(struct cands *c, size_t len)
{
	uint32_t *gz, *tg, *tk;

	if (len <= c->cap)
		return CDX_OK;
	gz = realloc(c->gz, len * sizeof(*gz));
	if (gz == NULL)
		return CDX_ERR_NOMEM;
	c->gz = gz;
	tg = realloc(c->tg, len * sizeof(*tg));
	if (tg == NULL)
		return CDX_ERR_NOMEM;
	c->tg = tg;
	tk = realloc(c->tk, len * sizeof(*tk));
	if (tk == NULL)
		return CDX_ERR_NOMEM;
	c->tk = tk;
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
	unsigned char ch = (unsigned char)t[i];
	uint64_t rest = ~mb->alnum >> off, x;
	size_t n, l;
	uint32_t key, bit, h;
	const uint64_t *set;
	unsigned second;

	/* a word running into the next block is rare: ask the masks */
	n = rest ? (size_t)__builtin_ctzll(rest) :
	           masks_run_end(&c->bm, i, mask_alnum) - i;
	x = wk_load8(t, len, i);
	key = wk_key(x, n);
	bit = gz_first_bit(key, gf->mask);
	set = (mb->upper >> off & 1) ? gf->first : gf->first_low;
	if (set[bit >> 6] >> (bit & 63) & 1)
		c->gz[c->n_gz++] = (uint32_t)i;
	if (mb->digit >> off & 1) {
		push_tg(c, i, TC_NUM);
		return;
	}
	if (!tr->cls[ch])
		return;
	/* its first two letters, the second 0 when a letter stands alone
	 * ("G" of "G20") */
	second = n > 1 && !(byte_class[(unsigned char)t[i + 1]] & BC_DIGIT) ?
	         lower((unsigned char)t[i + 1]) : 0;
	if (!tr->pairs[pair_of((char)lower(ch), (char)second)])
		return;
	/* the word's leading letters */
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
	    (i == 0 || !is_alnum((unsigned char)t[i - 1])))
		c->gz[c->n_gz++] = (uint32_t)i;
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
		    (kind == TC_SYM && symbol_at(tr, t, len, i)) ||
		    (kind >= TC_WORD &&
		     word_at(tr, t, len, i, kind - TC_WORD))) {
			*ci = k;
			return i;
		}
	}
	*ci = c->n_tg;
	return len;
}
