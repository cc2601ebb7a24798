/*
 * tables.c — figures of flattened tables: a line declaring a unit ("in
 * Tons", "(Data in thousand metric tons, copper content)") makes each
 * line below it that holds only a number a figure in that unit, about
 * the entity on the line above when that line is only a name. The
 * sentence loop (extract.c) runs it over each sentence after the
 * pattern's figures, the header's unit kept from sentence to sentence
 * of a document.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract_int.h"

/* Does line [t, t+n) declare the unit of the numbers below it ("in Tons",
 * "(Data in thousand metric tons, copper content)")? */
/* May word @p x match text whose first byte, lower case, is @p c? A
 * space in a word matches any white space. */
static int first_may_match(const struct lex_entry *x, unsigned char c)
{
	unsigned char a = (unsigned char)x->text[0];

	return lower(a) == c || a == ' ';
}

/* The scale words and units table_header() looks for. */
static int header_scale(const struct lex_entry *x)
{
	return x->cls == LEX_SCALE && !x->exact;
}

static int header_unit(const struct lex_entry *x)
{
	return x->cls <= U_MONEY;
}

void extract_tables_index(struct cdx_extractor *ex)
{
	memset(ex->table_first, 0, sizeof(ex->table_first));
	for (unsigned c = 0; c < 256; c++) {
		for (size_t e = 0; e < ex->lx.numbers.n; e++)
			if (header_scale(&ex->lx.numbers.v[e]) &&
			    first_may_match(&ex->lx.numbers.v[e],
			                    (unsigned char)c))
				ex->table_first[c] |= 1;
		for (size_t e = 0; e < ex->lx.units.n; e++)
			if (header_unit(&ex->lx.units.v[e]) &&
			    first_may_match(&ex->lx.units.v[e],
			                    (unsigned char)c))
				ex->table_first[c] |= 2;
	}
}

static int table_header(const struct cdx_extractor *ex, const char *t,
                        size_t n, const struct lex_entry **unit,
                        double *scale)
{
	const struct lexicon *lx = &ex->lx;
	size_t i = 0, k;
	unsigned char c;

	while (i < n && (is_space((unsigned char)t[i]) || t[i] == '(' ||
	                 t[i] == '['))
		i++;
	/* the first letter rules out most lines before a comparison */
	if (i + 5 <= n && lower((unsigned char)t[i]) == 'd' &&
	    strncasecmp(t + i, "data ", 5) == 0)
		i += 5;
	if (i + 3 > n || lower((unsigned char)t[i]) != 'i' ||
	    strncasecmp(t + i, "in", 2) ||
	    !is_space((unsigned char)t[i + 2]))
		return 0;
	i += 3;
	*scale = 1;
	/* most lines are prose opening with "In": no word starts with the
	 * byte after it (ex->table_first), or one comparison per word rules
	 * it out (a word's first byte must match the text's, folded or not) */
	if (i >= n)
		return 0;
	c = lower((unsigned char)t[i]);
	for (size_t e = 0; (ex->table_first[c] & 1) && e < lx->numbers.n;
	     e++) {
		const struct lex_entry *x = &lx->numbers.v[e];

		if (header_scale(x) && first_may_match(x, c) &&
		    (k = extract_lex_prefix(x, t + i, n - i)) > 0) {
			*scale = x->value;
			i += k;
			while (i < n && is_space((unsigned char)t[i]))
				i++;
			break;
		}
	}
	if (i >= n)
		return 0;
	c = lower((unsigned char)t[i]);
	if (!(ex->table_first[c] & 2))
		return 0;
	for (size_t e = 0; e < lx->units.n; e++) {
		const struct lex_entry *x = &lx->units.v[e];

		if (header_unit(x) && first_may_match(x, c) &&
		    extract_lex_prefix(x, t + i, n - i) > 0) {
			*unit = x;
			return 1;
		}
	}
	return 0;
}

/* Is [t, t+n) nothing but a number ("44,000,000")? */
static int bare_number(const char *t, size_t n)
{
	if (n == 0 || n > 24 || t[0] < '0' || t[0] > '9')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= '0' && t[i] <= '9') || t[i] == ',' || t[i] == '.'))
			return 0;
	return t[n - 1] >= '0' && t[n - 1] <= '9';
}

static void trim(const char *t, size_t *s, size_t *e)
{
	while (*s < *e && is_space((unsigned char)t[*s]))
		(*s)++;
	while (*e > *s && is_space((unsigned char)t[*e - 1]))
		(*e)--;
}

/* The entity a line consists of, or -1: a row label of a flattened table. */
static int64_t line_label(const struct ment *ments, size_t n_ments,
                          size_t ls, size_t le)
{
	for (size_t i = 0; i < n_ments; i++)
		if (ments[i].start == ls && ments[i].end == le &&
		    ments[i].type != CDX_ENT_COMMODITY)
			return ments[i].id;
	return -1;
}

/* Room in @p *v for one more figure than @p n. */
static int grow_figs(struct figure **v, size_t *cap, size_t n)
{
	size_t ncap;
	struct figure *p;

	if (n < *cap)
		return CDX_OK;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / sizeof(*p))
		return CDX_ERR_NOMEM;
	p = realloc(*v, ncap * sizeof(*p));
	if (p == NULL)
		return CDX_ERR_NOMEM;
	*v = p;
	*cap = ncap;
	return CDX_OK;
}

/* Flattened tables: a header line declares a unit, and each line holding
 * only a number below it is a figure in that unit, about the entity on the
 * line above when that line is only a name. */
int extract_table_lines(const struct cdx_extractor *ex,
                        struct table_state *ts, const struct ment *ments,
                        size_t n_ments, struct figure **figs, size_t *n_figs,
                        size_t *cap_figs, const char *t, size_t len)
{
	size_t ls, le, pls = 0, ple = 0;

	for (ls = 0; ls < len; ls = le + 1) {
		const char *nl = memchr(t + ls, '\n', len - ls);
		size_t a = ls, b;
		struct figure f;
		char num[32];
		size_t k = 0;

		le = nl ? (size_t)(nl - t) : len;
		/* before any header only a header matters, and a header opens
		 * with "in" or "data" past white space and brackets: most
		 * lines are ruled out by one byte (their bounds are needed
		 * only once a header is known) */
		if (ts->unit == NULL) {
			size_t i = ls;
			unsigned char c;

			while (i < le && (is_space((unsigned char)t[i]) ||
			                  t[i] == '(' || t[i] == '['))
				i++;
			c = i < le ? lower((unsigned char)t[i]) : 0;
			if (c != 'i' && c != 'd')
				continue;
		}
		b = le;
		trim(t, &a, &b);
		if (a == b)
			continue;
		if (table_header(ex, t + a, b - a, &ts->unit, &ts->scale) ||
		    ts->unit == NULL || !bare_number(t + a, b - a)) {
			pls = a;
			ple = b;
			continue;
		}
		memset(&f, 0, sizeof(f));
		f.kind = ts->unit->cls == U_PERCENT ? CDX_KIND_PERCENT :
		         ts->unit->cls == U_MASS ? CDX_KIND_MASS :
		                                   CDX_KIND_MONEY;
		for (size_t i = a; i < b && k + 1 < sizeof(num); i++)
			if (t[i] != ',')
				num[k++] = t[i];
		num[k] = '\0';
		f.value = strtod(num, NULL) * ts->scale *
		          (f.kind == CDX_KIND_MASS ? ts->unit->value : 1);
		f.value_max = NAN;
		f.start = (uint32_t)a;
		f.end = (uint32_t)b;
		f.label = ple > pls ? line_label(ments, n_ments, pls, ple) : -1;
		snprintf(f.unit, sizeof(f.unit), "%s", ts->unit->unit);
		if (grow_figs(figs, cap_figs, *n_figs))
			return CDX_ERR_NOMEM;
		(*figs)[(*n_figs)++] = f;
		for (size_t i = *n_figs - 1; i > 0 &&
		     (*figs)[i - 1].start > (*figs)[i].start; i--) {
			struct figure tmp = (*figs)[i];

			(*figs)[i] = (*figs)[i - 1];
			(*figs)[i - 1] = tmp;
		}
		pls = a;
		ple = b;
	}
	return CDX_OK;
}
