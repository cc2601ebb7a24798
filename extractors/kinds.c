/*
 * kinds.c — what a number with no unit counts, and whether a figure is a
 * change: the word-level rules behind the count kind and the change field.
 *
 * A count is a number followed, within a few words, by a plural noun:
 * "26 mines", "2 primary smelters", "402 U.S. industries". The words in
 * between may be modifiers, but a function word ("12 of the mines"), a
 * noun that is no count ("5 years", "3 times"; right after the number a
 * length: "60 miles", but "2 billion seat miles") or punctuation ends the
 * search with no count; so does a label before the number ("Section 232",
 * "page 12", "Group of 7") or a capitalised word before a capitalised
 * number word ("Ocean's Twelve", "BBC Four"). For "one" the noun may be
 * singular ("one additional mine"), but "one" is mostly a determiner or
 * a pronoun ("one thing I said", "a crucial one because", "one of them"),
 * not a figure: it counts only a noun it agrees with (singular), and only
 * after a word that adds to a number ("one more", "one additional"), or
 * a noun that names producers or their works ("one large copper mine"),
 * or the noun an earlier count of the sentence counted ("seven mineral
 * operations in Australia, one mineral operation in Brazil"). The word
 * lists are in data/words.tsv.
 *
 * A figure is a change when an up or down word stands right before it
 * ("rose 5%", "cut by 3%") or right after it ("a 5% rise").
 *
 * A country's name between a number or "in" and a currency word is part of
 * the name of a figure's currency ("in US dollars", "1.90 Canadian
 * dollars"), not the country acting.
 */
#include <string.h>
#include <strings.h>

#include "extract_int.h"

/* How many words a counted noun may stand after its number. */
#define COUNT_WORDS 4

static int is_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The word (letters, inner hyphens, dots and apostrophes: "U.S.",
 * "quarter-point") starting at @p i; returns its end, or @p i for none. */
static size_t word_end(const char *t, size_t len, size_t i)
{
	size_t j = i;

	while (j < len && (is_letter((unsigned char)t[j]) ||
	                   ((t[j] == '-' || t[j] == '.' || t[j] == '\'') &&
	                    j > i && j + 1 < len &&
	                    is_letter((unsigned char)t[j + 1])) ||
	                   (t[j] == '.' && j > i && j - i <= 3)))
		j++;
	return j;
}

static int word_is(const struct lexicon *lx, int cls, const char *w, size_t n)
{
	return extract_lex_find(&lx->words, cls, w, n) != NULL;
}

/* Does [w, w+n) look like a plural noun: "mines", "refineries", "EVs"? */
static int plural(const char *w, size_t n)
{
	unsigned char a;

	if (n < 3 || w[n - 1] != 's' || w[n - 2] == '\'')
		return 0;
	a = (unsigned char)w[n - 2];
	/* "glass", "bus", "basis", "analysis" are no plurals */
	if (a == 's' || a == 'u' || a == 'i')
		return 0;
	/* "EVs": capitals then s; "Americans" too */
	return 1;
}

/* The singular of the noun into @p out, lower case: "refineries" ->
 * "refinery", "EVs" -> "ev", "mines" -> "mine". */
static void singular(const char *w, size_t n, char *out, size_t cap)
{
	size_t k;

	if (n > 3 && strncmp(w + n - 3, "ies", 3) == 0) {
		n -= 3;
		k = n < cap - 2 ? n : cap - 2;
		for (size_t i = 0; i < k; i++)
			out[i] = (char)lower((unsigned char)w[i]);
		out[k] = 'y';
		out[k + 1] = '\0';
		return;
	}
	if (n > 4 && (strncmp(w + n - 4, "ches", 4) == 0 ||
	              strncmp(w + n - 4, "shes", 4) == 0 ||
	              strncmp(w + n - 4, "sses", 4) == 0))
		n -= 2;
	else if (n > 1 && w[n - 1] == 's')
		n -= 1;
	k = n < cap - 1 ? n : cap - 1;
	for (size_t i = 0; i < k; i++)
		out[i] = (char)lower((unsigned char)w[i]);
	out[k] = '\0';
}

/* Is the number at @p at a name or a list place: a label word before it
 * ("Section 232"), or before "of" ("Group of 7")? */
static int labelled(const struct lexicon *lx, const char *t, size_t at)
{
	for (int hop = 0; hop < 2; hop++) {
		size_t e = at, s;

		while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == '.'))
			e--;
		s = e;
		while (s > 0 && is_letter((unsigned char)t[s - 1]))
			s--;
		if (s == e)
			return 0;
		if (word_is(lx, W_LABEL, t + s, e - s))
			return 1;
		if (!(e - s == 2 && lower((unsigned char)t[s]) == 'o' &&
		      lower((unsigned char)t[s + 1]) == 'f'))
			return 0;
		at = s;
	}
	return 0;
}

/* Is the number at @p at a cell of a flattened table row ("371 356 268
 * 330 Rare-earth metals", "5,900 \xe2\x80\x94 \xe2\x80\x94 15,000
 * Imports") or a footnote mark ("Imports:2 Compounds")? The word after
 * it is then the next row's label, not a counted noun. */
static int table_cell(const char *t, size_t at)
{
	size_t e = at;

	if (at > 0 && t[at - 1] == ':')
		return 1;
	/* a number word ("February 2026 Five companies") is prose */
	if (!(t[at] >= '0' && t[at] <= '9'))
		return 0;
	while (e > 0 && t[e - 1] == ' ')
		e--;
	if (e == at || e == 0)
		return 0;
	if (t[e - 1] >= '0' && t[e - 1] <= '9')
		return 1;
	/* an em or en dash standing for a missing value */
	return e >= 3 && (unsigned char)t[e - 3] == 0xe2 &&
	       (unsigned char)t[e - 2] == 0x80 &&
	       ((unsigned char)t[e - 1] == 0x94 ||
	        (unsigned char)t[e - 1] == 0x93) &&
	       (e == 3 || t[e - 4] == ' ');
}

/* Does a capitalised word stand right before the number word at @p at
 * ("Ocean's Twelve", "BBC Four", "Fantastic Four")? Then the number is
 * part of a name. */
static int after_capital(const char *t, size_t at)
{
	size_t s;

	if (at < 2 || t[at - 1] != ' ')
		return 0;
	s = at - 1;
	while (s > 0 && (is_letter((unsigned char)t[s - 1]) ||
	                 t[s - 1] == '\'' || t[s - 1] == '-'))
		s--;
	return s < at - 1 && t[s] >= 'A' && t[s] <= 'Z';
}

/* May the singular noun [w, w+n) after "one" be counted: the first word
 * after the number [a, a+an) adds to it, the noun names producers or their
 * works, or it is the noun @p prev of the sentence's earlier count? */
static int one_counts(const struct lexicon *lx, const char *a, size_t an,
                      const char *w, size_t n, const char *prev)
{
	char sg[CDX_CLAIM_UNIT_MAX];

	if (word_is(lx, W_ADDED, a, an))
		return 1;
	singular(w, n, sg, sizeof sg);
	return word_is(lx, W_INDUSTRY, sg, strlen(sg)) ||
	       (prev && prev[0] && strcmp(sg, prev) == 0);
}

int extract_count_noun(const struct lexicon *lx, const char *t, size_t len,
                       size_t start, size_t end, double value, const char *prev,
                       size_t *noun_end, char *unit, size_t cap)
{
	size_t i = end, first = 0, first_n = 0;

	/* glued to the number: "5-year", "10:30", "3rd", "555-1234" */
	if (i >= len || !is_space((unsigned char)t[i]))
		return 0;
	if (labelled(lx, t, start) || table_cell(t, start))
		return 0;
	if (t[start] >= 'A' && t[start] <= 'Z' &&
	    !extract_sentence_start(t, start) && after_capital(t, start))
		return 0;
	for (unsigned k = 0; k < COUNT_WORDS; k++) {
		size_t j;

		size_t n, breaks = 0;

		/* a line break goes on only into a lower-case word (text
		 * wrapped mid-phrase); "4,200,000\nUnited States" is a table */
		while (i < len && is_space((unsigned char)t[i]))
			breaks += t[i++] == '\n';
		if (breaks > 1 || (breaks && i < len &&
		                   !(t[i] >= 'a' && t[i] <= 'z')))
			return 0;
		j = word_end(t, len, i);
		/* "EVs." ends a sentence: the dot is no part of the noun */
		n = j - i > 3 && t[j - 1] == '.' ? j - i - 1 : j - i;
		if (k == 0) {
			first = i;
			first_n = n;
		}
		if (j == i || word_is(lx, W_STOP, t + i, n) ||
		    word_is(lx, W_UNCOUNTED, t + i, n) ||
		    (k == 0 && word_is(lx, W_LENGTH, t + i, n)))
			return 0;
		/* "the Six Nations", "the Big Four": a capitalised number
		 * word before a capitalised noun is a name, unless it opens
		 * the sentence or the noun is an acronym ("Ninety one MPs") */
		if (n >= 3 && plural(t + i, n) && t[start] >= 'A' &&
		    t[start] <= 'Z' && t[i] >= 'A' && t[i] <= 'Z' &&
		    !(t[i + 1] >= 'A' && t[i + 1] <= 'Z') &&
		    !extract_sentence_start(t, start))
			return 0;
		if (n >= 3 && plural(t + i, n)) {
			/* "one complaint about political calls": "one" does
			 * not agree with the plural, which is another phrase's */
			if (value == 1)
				return 0;
			*noun_end = i + n;
			singular(t + i, n, unit, cap);
			return 1;
		}
		/* "one additional mine": a singular noun ends the phrase */
		if (value == 1 && k > 0 &&
		    (j >= len || !is_letter((unsigned char)t[j]))) {
			size_t x = j;

			while (x < len && is_space((unsigned char)t[x]))
				x++;
			if ((x >= len || !is_letter((unsigned char)t[x]) ||
			     word_is(lx, W_STOP, t + x,
			             word_end(t, len, x) - x)) &&
			    one_counts(lx, t + first, first_n, t + i, j - i,
			               prev)) {
				*noun_end = j;
				singular(t + i, j - i, unit, cap);
				return 1;
			}
		}
		if (j < len && !is_space((unsigned char)t[j]))
			return 0; /* a comma or a bracket ends the phrase */
		i = j;
	}
	return 0;
}

int extract_count_partof(const struct lexicon *lx, const char *t, size_t len,
                         size_t start, size_t end, double value)
{
	size_t i = end, j;

	/* "two screens, one of which is ...": one of them is no figure */
	if (value == 1 || labelled(lx, t, start))
		return 0;
	while (i < len && t[i] == ' ')
		i++;
	j = word_end(t, len, i);
	if (!(j - i == 2 && lower((unsigned char)t[i]) == 'o' &&
	      lower((unsigned char)t[i + 1]) == 'f'))
		return 0;
	i = j;
	while (i < len && t[i] == ' ')
		i++;
	j = word_end(t, len, i);
	return j > i && word_is(lx, W_PARTOF, t + i, j - i);
}

enum cdx_change extract_change_of(const struct lexicon *lx, const char *t,
                                  size_t len, size_t start, size_t end)
{
	size_t e = start, s, j;

	/* before: "rose 5%", "fell by 3%" */
	for (int hop = 0; hop < 2; hop++) {
		while (e > 0 && is_space((unsigned char)t[e - 1]))
			e--;
		s = e;
		while (s > 0 && is_letter((unsigned char)t[s - 1]))
			s--;
		if (s == e)
			break;
		if (word_is(lx, W_UP, t + s, e - s))
			return CDX_CHANGE_UP;
		if (word_is(lx, W_DOWN, t + s, e - s))
			return CDX_CHANGE_DOWN;
		if (!(e - s == 2 && strncasecmp(t + s, "by", 2) == 0))
			break;
		e = s;
	}
	/* after: "a 5% rise" */
	s = end;
	while (s < len && is_space((unsigned char)t[s]))
		s++;
	j = word_end(t, len, s);
	if (j > s && word_is(lx, W_UP, t + s, j - s))
		return CDX_CHANGE_UP;
	if (j > s && word_is(lx, W_DOWN, t + s, j - s))
		return CDX_CHANGE_DOWN;
	return CDX_CHANGE_NONE;
}

int extract_currency_unit(const struct lexicon *lx, const char *t,
                          size_t len, size_t start, size_t end)
{
	size_t i = end, j, e = start, b;

	if (i >= len || t[i] != ' ')
		return 0;
	while (i < len && t[i] == ' ')
		i++;
	j = word_end(t, len, i);
	if (!(j > i && extract_lex_find(&lx->units, U_MONEY, t + i, j - i)))
		return 0;
	/* the currency of a figure, not one that acts ("the US dollar
	 * fell", "the Indonesian rupiah lost 0.6%": its country's) */
	while (e > 0 && t[e - 1] == ' ')
		e--;
	if (e == start || e == 0)
		return 0;
	if (t[e - 1] >= '0' && t[e - 1] <= '9')
		return 1;
	b = e;
	while (b > 0 && is_letter((unsigned char)t[b - 1]))
		b--;
	return (e - b == 2 && strncasecmp(t + b, "in", 2) == 0) ||
	       (b < e && extract_lex_find(&lx->numbers, LEX_WORD, t + b,
	                                  e - b));
}
