/*
 * when.c — the time a figure holds for (claims.md, field "time"): the
 * date right after the figure ("$10 billion in 2024"), else the nearest
 * date before it in its clause, else the sentence's first date before it
 * ("In 2025, ... and was valued at $11 billion"), else the first date
 * after it in its clause. A date in a later clause is that clause's own:
 * "China produces 95 percent of output.In 2018, Beijing increased mining"
 * (a full stop the splitter could not see), "... 70 percent, compared
 * with about 58 percent in 2021".
 *
 * The clause ends at the first clause cut after the figure outside
 * brackets: "59.2 trillion rupiah ($6.58bn; £3.5bn) on fuel subsidies in
 * 2004" is all one clause, though "; " cuts clauses elsewhere. Split from
 * assemble.c, which calls it once per figure.
 */
#include <stdio.h>
#include <string.h>

#include "extract_int.h"

/* How far (bytes) a date may follow a figure and still be read as its
 * own: "$10.0 billion in 2024" rather than the sentence's opening date. */
#define TIME_FOLLOW_GAP 3

/* The end of figure @p f's clause for a date after it: the start of the
 * first clause cut after the figure that no bracket holds, or the
 * sentence's end. A figure inside brackets ("($6.58bn; £3.5bn)") has its
 * bracket's cuts as no cuts either. */
static size_t clause_end(const struct sentence *s, const struct figure *f)
{
	size_t depth = 0, k = 0, at;

	while (k < s->n_cuts && s->cuts[k].start < f->end)
		k++;
	/* most figures have no cut after them, or no bracket before it */
	if (k == s->n_cuts)
		return s->len;
	if (memchr(s->text, '(', s->cuts[k].start) == NULL)
		return s->cuts[k].start;
	/* an unclosed bracket before the figure holds it */
	for (at = 0; at < f->start; at++) {
		if (s->text[at] == '(')
			depth++;
		else if (s->text[at] == ')' && depth > 0)
			depth--;
	}
	depth = depth > 0;
	for (at = f->end; at < s->len; at++) {
		while (k < s->n_cuts && at == s->cuts[k].start) {
			if (depth == 0)
				return at;
			k++;
		}
		if (s->text[at] == '(')
			depth++;
		else if (s->text[at] == ')' && depth > 0)
			depth--;
	}
	return s->len;
}

void extract_pick_time(const struct sentence *s, const struct figure *f,
                       size_t cs, char *out, size_t cap)
{
	const struct figure *first = NULL, *near = NULL, *after = NULL;
	size_t ce = clause_end(s, f);

	for (size_t i = 0; i < s->n_figs; i++) {
		const struct figure *d = &s->figs[i];

		if (d->kind != CDX_KIND_DATE || d->date[0] == '\0')
			continue;
		if (d->end <= f->start) {
			if (first == NULL)
				first = d;
			if (d->start >= cs)
				near = d;
		} else if (d->start >= f->end && d->start < ce &&
		           after == NULL) {
			after = d;
		}
	}
	/* "$10.0 billion in 2024" */
	if (after && after->start - f->end <= TIME_FOLLOW_GAP)
		near = after;
	/* else the date of its clause, else the sentence's opening date, else
	 * the first after in its clause */
	if (near == NULL)
		near = first ? first : after;
	if (near)
		snprintf(out, cap, "%s", near->date);
}
