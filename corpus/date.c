/*
 * date.c — the dates that inputs print, normalised to ISO 8601 prefixes.
 *
 * Feeds, pages and collections each write dates their own way (RSS uses
 * RFC 822, Atom and <meta> ISO 8601, Reuters "26-FEB-1987"). Documents
 * carry one form, "YYYY-MM-DD" or a shorter prefix, so that relative
 * dates in the text can be resolved against it. The parser is a small
 * scanner over a few shapes; anything else is "no date", never a guess.
 */
#include <string.h>
#include <stdio.h>

#include "corpus_int.h"

static const char *const month_names[12] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec",
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Month number (1-12) of an English month name or abbreviation, else 0. */
static int month_of(const char *s, size_t n)
{
	char low[3];

	if (n < 3)
		return 0;
	for (int i = 0; i < 3; i++)
		low[i] = (char)(s[i] | 0x20);
	for (int m = 0; m < 12; m++)
		if (memcmp(low, month_names[m], 3) == 0)
			return m + 1;
	return 0;
}

/* Read up to @p max digits at *i; returns the value or -1 when none. */
static int digits(const char *s, size_t n, size_t *i, int max, int *count)
{
	int v = 0, k = 0;

	while (*i < n && k < max && is_digit(s[*i])) {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	*count = k;
	return k ? v : -1;
}

static int emit(char out[11], int y, int m, int d)
{
	if (y < 1000 || y > 2999 || m < 0 || m > 12 || d < 0 || d > 31 ||
	    (m == 0 && d != 0))
		return 0;
	if (m == 0)
		snprintf(out, 11, "%04d", y);
	else if (d == 0)
		snprintf(out, 11, "%04d-%02d", y, m);
	else
		snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 1;
}

/* 2025-08-18, 2025-08, 2025, 20250408, each optionally followed by more. */
static int iso(const char *s, size_t n, char out[11], size_t *used)
{
	size_t i = 0;
	int k, y, m = 0, d = 0;

	y = digits(s, n, &i, 8, &k);
	*used = i;
	if (k == 8)
		return emit(out, y / 10000, y / 100 % 100, y % 100);
	if (k != 4 || (i < n && is_alpha(s[i])))
		return 0;
	if (i + 1 < n && (s[i] == '-' || s[i] == '/') && is_digit(s[i + 1])) {
		i++;
		m = digits(s, n, &i, 2, &k);
		if (k != 2)
			return 0;
		if (i + 1 < n && s[i] == s[4] && is_digit(s[i + 1])) {
			i++;
			d = digits(s, n, &i, 2, &k);
			if (k != 2)
				return 0;
		}
	}
	if (i < n && is_digit(s[i]))
		return 0;
	*used = i;
	return emit(out, y, m, d);
}

/*
 * Prose and mail shapes: an optional weekday, then "10 Jun 2003",
 * "10-JUN-1987", "June 10, 2003" or "June 2003".
 */
static int prose(const char *s, size_t n, char out[11], size_t *used)
{
	size_t i = 0, w;
	int k, d = 0, m = 0, y;

	while (i < n && is_alpha(s[i]))
		i++;
	if (i > 0 && i < n && s[i] == ',') { /* "Tue," */
		i++;
		while (i < n && s[i] == ' ')
			i++;
	} else {
		i = 0;
	}
	if (i < n && is_digit(s[i])) {
		d = digits(s, n, &i, 2, &k);
		if (i < n && (s[i] == ' ' || s[i] == '-'))
			i++;
		w = i;
		while (i < n && is_alpha(s[i]))
			i++;
		m = month_of(s + w, i - w);
		if (m == 0 || i >= n || (s[i] != ' ' && s[i] != '-'))
			return 0;
		i++;
	} else {
		w = i;
		while (i < n && is_alpha(s[i]))
			i++;
		m = month_of(s + w, i - w);
		if (i < n && s[i] == '.')
			i++;
		if (m == 0 || i >= n || s[i] != ' ')
			return 0;
		i++;
		if (i < n && is_digit(s[i])) {
			size_t save = i;

			d = digits(s, n, &i, 4, &k);
			if (k == 4) { /* "June 2003" */
				i = save;
				d = 0;
			} else {
				if (i < n && s[i] == ',')
					i++;
				if (i >= n || s[i] != ' ')
					return 0;
				i++;
			}
		}
	}
	y = digits(s, n, &i, 4, &k);
	if (k == 2) /* RFC 822 allows two-digit years */
		y += y < 50 ? 2000 : 1900;
	else if (k != 4)
		return 0;
	if (i < n && is_digit(s[i]))
		return 0;
	*used = i;
	return emit(out, y, m, d);
}

int corpus_date_span(const char *s, size_t n, char out[11], size_t *used)
{
	size_t lead = 0;

	out[0] = '\0';
	*used = 0;
	if (s == NULL)
		return 0;
	while (lead < n && (s[lead] == ' ' || s[lead] == '\t' ||
	                    s[lead] == '\n' || s[lead] == '\r'))
		lead++;
	if (lead == n)
		return 0;
	if (iso(s + lead, n - lead, out, used) ||
	    prose(s + lead, n - lead, out, used)) {
		*used += lead;
		return 1;
	}
	out[0] = '\0';
	*used = 0;
	return 0;
}

int corpus_date_norm_ymd(unsigned y, unsigned m, unsigned d, char out[11])
{
	out[0] = '\0';
	if (y > 9999 || m > 12 || d > 31)
		return 0;
	return emit(out, (int)y, (int)m, (int)d);
}

int corpus_date_norm(const char *s, size_t n, char out[11])
{
	size_t used;

	return corpus_date_span(s, n, out, &used);
}
