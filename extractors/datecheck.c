/*
 * datecheck.c — when the figure pattern's date branch cannot match, so
 * that the sentence loop (extract.c) runs the pattern without it: a date
 * branch tried and failed at every trigger costs PCRE2 about as much as
 * the figure branch that matches.
 *
 * The sentence loop runs the pattern from a window start up to the next
 * trigger (scan.c). Every date the pattern knows holds a month, a
 * relative unit ("year") or digits, and each of those is a trigger; so a
 * date starting in the window, before the trigger, holds the trigger
 * itself. It covers the trigger's word with one of its own words (a
 * preposition, month, relative word or unit of dates.tsv) or, at digits,
 * with a year "(1[89]|20)dd" or a day of one or two digits before a month
 * ("5th May"). Where none of these stands at the trigger, no date can
 * match. The words are data, as for the pattern; a word holding a digit
 * turns the test off.
 */
#include <stdlib.h>

#include "extract_int.h"

static uint32_t hash_word(const char *key, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	return h;
}

/* The slot of word [key, key+n) (lower case) in dw->hash: the one holding
 * it, or the empty one ending its chain. */
static size_t word_slot(const struct datewords *dw, const char *key,
                        size_t n)
{
	for (uint32_t h = hash_word(key, n);; h++) {
		unsigned k = dw->hash[h & (DATEWORD_HASH - 1)];

		if (k == 0 || (memcmp(dw->w[k - 1], key, n) == 0 &&
		               dw->w[k - 1][n] == '\0'))
			return h & (DATEWORD_HASH - 1);
	}
}

static int add_word(struct datewords *dw, const char *key, size_t n)
{
	size_t slot = word_slot(dw, key, n);

	if (dw->hash[slot])
		return CDX_OK;
	if (dw->n + 1 >= DATEWORD_HASH / 2)
		return CDX_ERR_LIMIT; /* keep the table half empty */
	if (dw->n == dw->cap) {
		size_t ncap = dw->cap ? dw->cap * 2 : 64;
		char(*v)[PREFIX_WORD_MAX] = realloc(dw->w, ncap * sizeof(*v));

		if (v == NULL)
			return CDX_ERR_NOMEM;
		dw->w = v;
		dw->cap = ncap;
	}
	memcpy(dw->w[dw->n], key, n);
	dw->w[dw->n][n] = '\0';
	dw->hash[slot] = (uint16_t)++dw->n;
	return CDX_OK;
}

/* Add each run of letters and digits of @p e, lower case. */
static int add_runs(struct datewords *dw, const struct lex_entry *e)
{
	char key[PREFIX_WORD_MAX];
	int rc;

	for (size_t i = 0; i < e->len; i++) {
		size_t n = 0;

		if (!is_alnum((unsigned char)e->text[i]))
			continue;
		while (i < e->len && is_alnum((unsigned char)e->text[i])) {
			if (e->text[i] >= '0' && e->text[i] <= '9')
				dw->any = 1;
			if (n + 1 < sizeof(key))
				key[n] = (char)lower((unsigned char)e->text[i]);
			n++;
			i++;
		}
		if (n + 1 > sizeof(key)) {
			dw->any = 1;
			continue;
		}
		if ((rc = add_word(dw, key, n)) != CDX_OK)
			return rc;
	}
	return CDX_OK;
}

int extract_datewords_build(struct datewords *dw, const struct lexicon *lx)
{
	for (size_t i = 0; i < lx->dates.n; i++) {
		const struct lex_entry *e = &lx->dates.v[i];
		int rc;

		/* a clock word only follows a number, in a lookahead */
		if (e->cls == D_CLOCK)
			continue;
		if (e->cls == D_MONTH)
			dw->month_first[lower((unsigned char)e->text[0])] = 1;
		if ((rc = add_runs(dw, e)) != CDX_OK)
			return rc;
	}
	return CDX_OK;
}

static int digit(unsigned char c)
{
	return (byte_class[c] & BC_DIGIT) != 0;
}

/* Does white space, then a month's first letter, start at @p k? */
static int month_after(const struct datewords *dw, const char *t,
                       size_t len, size_t k)
{
	if (k >= len || !is_space((unsigned char)t[k]))
		return 0;
	while (k < len && is_space((unsigned char)t[k]))
		k++;
	return k < len && dw->month_first[lower((unsigned char)t[k])];
}

/* At a run of digits: a year, as the pattern's YEAR "(1[89]|20)\d\d", or
 * a day, "\d{1,2}(?:st|nd|rd|th)?\s+" before a month. */
static int digits_date(const struct datewords *dw, const char *t,
                       size_t len, size_t at)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t r = at;
	int ord;

	if (at + 4 <= len &&
	    ((u[at] == '1' && (u[at + 1] == '8' || u[at + 1] == '9')) ||
	     (u[at] == '2' && u[at + 1] == '0')) &&
	    digit(u[at + 2]) && digit(u[at + 3]))
		return 1;
	while (r < len && digit(u[r]))
		r++;
	if (r - at > 2)
		return 0;
	ord = r + 2 <= len &&
	      ((lower(u[r]) == 's' && lower(u[r + 1]) == 't') ||
	       (lower(u[r]) == 'n' && lower(u[r + 1]) == 'd') ||
	       (lower(u[r]) == 'r' && lower(u[r + 1]) == 'd') ||
	       (lower(u[r]) == 't' && lower(u[r + 1]) == 'h'));
	return month_after(dw, t, len, r) ||
	       (ord && month_after(dw, t, len, r + 2));
}

int extract_date_possible(const struct triggers *tr, const char *t,
                          size_t len, size_t at)
{
	const struct datewords *dw = &tr->dw;
	unsigned char c = at < len ? (unsigned char)t[at] : 0;
	char key[PREFIX_WORD_MAX];
	size_t n = 0;

	if (dw->any || at >= len)
		return 1;
	if (digit(c))
		return digits_date(dw, t, len, at);
	if (!is_alnum(c))
		return 1; /* a symbol or a point: not decided here */
	/* a word: one of the dates' words, whole */
	while (at + n < len && is_alnum((unsigned char)t[at + n])) {
		if (n + 1 >= sizeof(key))
			return 0; /* longer than every date word */
		key[n] = (char)lower((unsigned char)t[at + n]);
		n++;
	}
	return dw->hash[word_slot(dw, key, n)] != 0;
}
