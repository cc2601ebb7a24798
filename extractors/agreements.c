/*
 * agreements.c — agreements, treaties, deals and memoranda as claims of
 * kind `agreement`: named ("the Paris Agreement", "United States-Mexico-
 * Canada Agreement") or as a noun phrase ("signed a strategic mineral
 * cooperation agreement", "the landmark deal").
 *
 * The head nouns are trigger words of scan.c, so a sentence reaches this
 * file only at a head, found by the same byte scan that finds numbers.
 * From the head the recogniser walks back over words: a run of capitalised
 * words ending in a capitalised head is a name; otherwise a det word
 * ("the", "a", "its") or a possessive a few words before opens the noun
 * phrase, and the span runs from the word after it to the head. A head
 * with neither, or with a function word (class `stop`) before the
 * det word, is no claim ("to deal with", "in agreement"), and so is a
 * plural ("the biggest deals": no one agreement), a head right after a
 * `not` word ("a great deal of") and a capitalised head followed by
 * another capital ("North Atlantic Treaty Organisation": a name of
 * something else). The words are data: agreements.tsv.
 */
#include <math.h>
#include <string.h>

#include "extract_int.h"

/* Most words between a det word and its head ("the US-China rare earth
 * export control deal"), and in a name before its head. */
#define PHRASE_WORDS 6

static int upper(unsigned char c)
{
	return (byte_class[c] & BC_UPPER) != 0;
}

/* Bytes that may stand inside a word of a phrase: letters, digits, a
 * hyphen or an apostrophe between them, and the UTF-8 of an en dash or a
 * right quote ("public–private", "China’s"). */
static size_t inner(const char *t, size_t len, size_t i)
{
	unsigned char c = (unsigned char)t[i];

	if (is_alnum(c))
		return 1;
	if ((c == '-' || c == '\'' || c == '&' || c == '.') && i + 1 < len &&
	    is_alnum((unsigned char)t[i + 1]))
		return 1;
	if (c == 0xe2 && i + 3 < len && (unsigned char)t[i + 1] == 0x80 &&
	    ((unsigned char)t[i + 2] == 0x93 || (unsigned char)t[i + 2] == 0x99) &&
	    is_alnum((unsigned char)t[i + 3]))
		return 3;
	return 0;
}

/* The word ending right before @p at with only spaces between (no comma,
 * quote or bracket): [*ws, *we), or 0 when there is none. */
static int word_back(const char *t, size_t len, size_t at, size_t *ws,
                     size_t *we)
{
	size_t e = at, s;

	while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == '\t'))
		e--;
	if (e == at || e == 0 || !is_alnum((unsigned char)t[e - 1]))
		return 0;
	s = e - 1;
	while (s > 0) {
		size_t k = s - 1;

		/* step over a whole UTF-8 en dash or right quote */
		if ((unsigned char)t[k] >= 0x80 && k >= 2 &&
		    (unsigned char)t[k - 2] == 0xe2)
			k -= 2;
		if (!inner(t, len, k))
			break;
		s = k;
	}
	*ws = s;
	*we = e;
	return 1;
}

/* The entry of class @p cls whose surface starts [s, s+n) and ends on a
 * word boundary there: its length, or 0. */
static size_t lead(const struct lexicon *lx, int cls, const char *s, size_t n,
                   const struct lex_entry **out)
{
	unsigned b = (unsigned)cls << 8 | lower((unsigned char)s[0]);
	size_t best = 0;

	/* only the entries of the class starting with this byte, in file
	 * order */
	for (uint32_t i = lx->astart[b]; i < lx->astart[b + 1]; i++) {
		const struct lex_entry *e = &lx->agree.v[lx->aorder[i]];
		size_t k;

		if ((k = extract_lex_prefix(e, s, n)) > best) {
			best = k;
			if (out)
				*out = e;
		}
	}
	return best;
}

static int is_class(const struct lexicon *lx, int cls, const char *s, size_t n)
{
	return extract_lex_find(&lx->agree, cls, s, n) != NULL;
}

/* Does a possessive end word [ws, we) ("China's", "Glencore’s")? */
static int possessive_word(const char *t, size_t ws, size_t we)
{
	return we - ws > 2 && t[we - 1] == 's' &&
	       (t[we - 2] == '\'' ||
	        (we - ws > 4 && (unsigned char)t[we - 2] == 0x99 &&
	         (unsigned char)t[we - 3] == 0x80 &&
	         (unsigned char)t[we - 4] == 0xe2));
}

/* A name ending at the capitalised head [hs, he): the start of the run of
 * capitalised words before it, or @p hs when there is none. */
static size_t name_start(const struct lexicon *lx, const char *t, size_t len,
                         size_t hs)
{
	size_t s = hs, ws, we;

	for (int k = 0; k < PHRASE_WORDS && word_back(t, len, s, &ws, &we);
	     k++) {
		if (!upper((unsigned char)t[ws]) ||
		    is_class(lx, A_DET, t + ws, we - ws) ||
		    extract_lex_find(&lx->words, W_NOTNAME, t + ws, we - ws))
			break;
		s = ws;
	}
	return s;
}

/* "Treaty of Rome", "Agreement on Trade": a capitalised head followed by
 * "of" or "on" and capitalised words. Returns the name's end, or @p he. */
static size_t name_tail(const char *t, size_t len, size_t he)
{
	size_t i = he, end = he;

	while (i < len && t[i] == ' ')
		i++;
	if (!(i + 3 < len && (memcmp(t + i, "of ", 3) == 0 ||
	                      memcmp(t + i, "on ", 3) == 0)))
		return he;
	i += 3;
	for (int k = 0; k < PHRASE_WORDS && i < len &&
	                upper((unsigned char)t[i]); k++) {
		while (i < len && inner(t, len, i))
			i += inner(t, len, i);
		end = i;
		while (i < len && t[i] == ' ')
			i++;
	}
	return end;
}

static void agreement_init(struct figure *f, size_t start, size_t end)
{
	memset(f, 0, sizeof(*f));
	f->kind = CDX_KIND_AGREEMENT;
	f->start = (uint32_t)start;
	f->end = (uint32_t)end;
	f->value = NAN;
	f->value_max = NAN;
	f->qualifier = CDX_QUAL_EXACT;
	f->label = -1;
}

int extract_agreement_at(const struct lexicon *lx, const char *t, size_t len,
                         size_t at, struct figure *f, size_t *next)
{
	const struct lex_entry *e = NULL;
	size_t he, n, s, ws, we, i;
	int cap = upper((unsigned char)t[at]);

	if ((n = lead(lx, A_HEAD, t + at, len - at, &e)) == 0 &&
	    (!cap || (n = lead(lx, A_NAME, t + at, len - at, &e)) == 0))
		return -1;
	he = at + n;
	*next = he;
	/* "deal-breaker", "agreement-based": the head modifies a noun */
	if (he < len && (t[he] == '-' || t[he] == '/'))
		return 0;
	/* "Treaty Organisation": the head is inside a longer name */
	for (i = he; i < len && t[i] == ' '; i++)
		;
	if (cap && i > he && i < len && upper((unsigned char)t[i]))
		return 0;
	if (cap) {
		s = name_start(lx, t, len, at);
		i = s < at ? he : name_tail(t, len, he);
		if (s < at || i > he) {
			agreement_init(f, s, i);
			*next = i;
			return 1;
		}
	}
	if (e->cls == A_NAME)
		return 0;
	if (word_back(t, len, at, &ws, &we) &&
	    is_class(lx, A_NOT, t + ws, we - ws))
		return 0;
	s = at;
	for (int k = 0; k < PHRASE_WORDS && word_back(t, len, s, &ws, &we);
	     k++) {
		if (is_class(lx, A_DET, t + ws, we - ws) ||
		    possessive_word(t, ws, we)) {
			agreement_init(f, s, he);
			return 1;
		}
		/* "wants to deal", "in agreement": a function word is
		 * no modifier of the head */
		if (is_class(lx, A_STOP, t + ws, we - ws))
			return 0;
		s = ws;
	}
	return 0;
}
