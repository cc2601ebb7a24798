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
 * A sentence is read once (extract_cands_scan(), cands.c) for the
 * places where a trigger may be and a name may start;
 * extract_next_trigger() here is the byte scan that list stands for,
 * kept for texts read once and as the tests' reference. Where no match
 * can hold a trigger word, extract_trigger_hopeless() says so before
 * the pattern runs.
 */
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"

/* How far before its trigger a match may start: the words just before it
 * that can open a match (qualifiers, date prepositions, currency codes,
 * "a"), at most this many words and bytes, whichever ends first. */
#define WINDOW_TOKENS 8
#define WINDOW_BYTES 96

/* struct triggers' pre_len holds a bit per length of a prefix word */
_Static_assert(PREFIX_WORD_MAX <= 32, "pre_len has 32 bits");

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
	free(tr->roles);
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
		tr->pre_len[(unsigned char)tr->pre[i][0]] |=
		        (uint32_t)1 << strlen(tr->pre[i]);
	}
	return CDX_OK;
}

/*
 * What a trigger word can be inside a match (struct triggers' roles: the
 * word's own in the low four bits, those of its group of words sharing a
 * leading word in the high four): R_ANY, a number or a month
 * (or a word that may open a match), which anything may follow; R_FRAC, a
 * fraction ("half", "a third"), which the pattern takes only before "of";
 * R_REL, a relative unit ("year"), which it takes only after a relative
 * word ("last year"). An agreement word has none: the pattern holds no
 * agreement words. Any match holds a trigger, and holds the first one
 * from its start unless that one is a word that may open a match.
 */
enum { R_ANY = 1, R_FRAC = 2, R_REL = 4 };

static unsigned entry_role(const struct lexicon *lx, const struct lex_entry *e)
{
	if (e >= lx->numbers.v && e < lx->numbers.v + lx->numbers.n)
		return e->cls == LEX_FRACTION ? R_FRAC : R_ANY;
	if (e >= lx->dates.v && e < lx->dates.v + lx->dates.n)
		return e->cls == D_RELUNIT ? R_REL : R_ANY;
	return 0; /* agreements.tsv */
}

static int index_roles(struct triggers *tr, const struct lexicon *lx)
{
	char key[PREFIX_WORD_MAX], k2[PREFIX_WORD_MAX];
	size_t g = 0;

	tr->dates = &lx->dates;
	for (size_t k = 0; k < lx->dates.n; k++) {
		const struct lex_entry *r = &lx->dates.v[k];
		size_t from = r->len;

		while (from > 0 && r->text[from - 1] != ' ')
			from--;
		if (r->cls == D_REL)
			tr->rel_lens |= r->len - from < 64 ?
			                (uint64_t)1 << (r->len - from) : 0;
	}
	tr->roles = calloc(tr->n_words ? tr->n_words : 1, 1);
	if (tr->roles == NULL)
		return CDX_ERR_NOMEM;
	/* the words are sorted by leading word: a group is a run */
	while (g < tr->n_words) {
		size_t n = trigger_key(tr->words[g], key), e = g;
		unsigned r = 0;

		while (e < tr->n_words && trigger_key(tr->words[e], k2) == n &&
		       strcmp(k2, key) == 0)
			r |= entry_role(lx, tr->words[e++]);
		if (n > 0 && tr->prehash[prefix_slot(tr, key, n)] != 0)
			r |= R_ANY;
		if (n > 0 && !(r & R_ANY)) {
			uint32_t h = wk_key_of(key, n) & (TRIG_KEYBITS - 1);

			tr->hopebits[h >> 6] |= (uint64_t)1 << (h & 63);
		}
		for (; g < e; g++)
			tr->roles[g] = (uint8_t)(r << 4 |
			                         entry_role(lx, tr->words[g]));
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
		rc = index_roles(tr, lx);
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

/* The group of trigger words whose leading word is the one at @p i of
 * [t, t+len) (@p wlen its letters): 1 + the index of its first word in
 * tr->words, or 0 when none; *key gets the word, lower case. */
static uint32_t group_at(const struct triggers *tr, const char *t,
                         size_t i, size_t wlen, char key[PREFIX_WORD_MAX])
{
	char k2[PREFIX_WORD_MAX];
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
			return slot;
	}
}

int extract_trigger_word_at(const struct triggers *tr, const char *t,
                            size_t len, size_t i, size_t wlen)
{
	char key[PREFIX_WORD_MAX], k2[PREFIX_WORD_MAX];
	uint32_t slot = group_at(tr, t, i, wlen, key);

	if (slot == 0)
		return 0;
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

int extract_trigger_symbol_at(const struct triggers *tr, const char *t,
                              size_t len, size_t i)
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
			if ((k & T_SYM) &&
			    extract_trigger_symbol_at(tr, t, len, i))
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
			    extract_trigger_word_at(tr, t, len, i, j - i))
				return i;
		}
		i = j;
	}
	return len;
}

/* Does "\s+of\b" (caseless) start at @p j of [t, t+len)? */
static int of_follows(const char *t, size_t len, size_t j)
{
	if (j >= len || !is_space((unsigned char)t[j]))
		return 0;
	while (j < len && is_space((unsigned char)t[j]))
		j++;
	return j + 2 <= len && lower((unsigned char)t[j]) == 'o' &&
	       lower((unsigned char)t[j + 1]) == 'f' &&
	       (j + 2 == len || !(is_alnum((unsigned char)t[j + 2]) ||
	                          t[j + 2] == '_'));
}

/* Is the word before the white space before @p at the last word of a
 * relative word of dates.tsv ("last", "this")? */
static int rel_before(const struct triggers *tr, const char *t, size_t at)
{
	const struct lex_list *dates = tr->dates;
	size_t e = at, w;

	if (at == 0 || !is_space((unsigned char)t[at - 1]))
		return 0;
	while (e > 0 && is_space((unsigned char)t[e - 1]))
		e--;
	for (w = e; w > 0 && is_alnum((unsigned char)t[w - 1]); w--)
		;
	/* a word of no rel word's length is none ("a year ago") */
	if (e - w >= 64 || !(tr->rel_lens >> (e - w) & 1))
		return 0;
	for (size_t k = 0; k < dates->n; k++) {
		const struct lex_entry *r = &dates->v[k];
		size_t from = r->len, i;

		if (r->cls != D_REL)
			continue;
		while (from > 0 && r->text[from - 1] != ' ')
			from--;
		if (r->len - from != e - w)
			continue;
		for (i = 0; i < e - w; i++) {
			unsigned char a = (unsigned char)r->text[from + i];
			unsigned char b = (unsigned char)t[w + i];

			if (r->exact ? a != b : lower(a) != lower(b))
				break;
		}
		if (i == e - w)
			return 1;
	}
	return 0;
}

int extract_trigger_hopeless(const struct triggers *tr, const char *t,
                             size_t len, size_t at)
{
	char key[PREFIX_WORD_MAX];
	size_t wlen = 0;
	uint32_t slot, h;
	unsigned r;
	uint64_t x = wk_load8(t, len, at);

	/* most trigger words are numbers: one bit rules them out */
	while (at + wlen < len && wlen < PREFIX_WORD_MAX &&
	       letter((unsigned char)t[at + wlen]))
		wlen++;
	h = wk_key(x, wlen) & (TRIG_KEYBITS - 1);
	if (wlen == 0 || !(tr->hopebits[h >> 6] >> (h & 63) & 1))
		return 0;
	slot = group_at(tr, t, at, wlen, key);
	if (slot == 0 || (r = tr->roles[slot - 1] >> 4) & R_ANY)
		return 0;
	if ((r & R_REL) && rel_before(tr, t, at))
		return 0;
	if (r & R_FRAC) {
		/* the fraction's words from this one on, then " of" */
		char k2[PREFIX_WORD_MAX];

		for (size_t k = slot - 1; k < tr->n_words; k++) {
			struct lex_entry e = trigger_form(tr->words[k]);
			size_t m;

			trigger_key(tr->words[k], k2);
			if (strcmp(k2, key) != 0)
				break;
			if ((tr->roles[k] & R_FRAC) &&
			    (m = extract_lex_prefix(&e, t + at,
			                            len - at)) > 0 &&
			    of_follows(t, len, at + m))
				return 0;
		}
	}
	return 1;
}

/* Is [t, t+n) a word that may open a match (any case)? */
static int prefix_word(const struct triggers *tr, const char *t, size_t n)
{
	char key[PREFIX_WORD_MAX];

	if (n == 0 || n >= sizeof(key) ||
	    !(tr->pre_len[lower((unsigned char)t[0])] >> n & 1))
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
