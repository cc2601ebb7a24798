/*
 * commodity.c — which commodity a figure concerns (claims.md, field
 * "commodity"): the one named nearest the figure in its sentence, else
 * the last one the document named before, carried over.
 *
 * The carried commodity is right for most figures of a report on one
 * material ("Other players include Finland (10%)" after a sentence on
 * cobalt refining), but not for three sorts that are about no material:
 *   - a count of a class of materials ("84 minerals", "35 critical
 *     minerals ... yttrium with 99%"): it counts a list, so it takes only a
 *     commodity named inside its own span ("seven rare earth elements"),
 *     or the one its clause is about ("Rare earth elements consist of 17
 *     elements", ownerless.c);
 *   - a count of anything but producers and their works ("402
 *     industries", "four registered bidders") takes only a commodity its
 *     sentence names: it counts what its noun says, and that is no
 *     material carried from sentences before; but "one additional mine"
 *     in a report on copper is a copper mine;
 *   - a figure whose clause is about an economy, an index or a firm's
 *     shares ("GDP rose 1.7%", "Shares of X were up 50%", "contributed
 *     $4 trillion to the U.S. economy").
 * The words are data: words.tsv classes "kindof" and "industry" (the
 * counted noun) and "economy" (a word of the clause). assemble.c asks once per figure.
 */
#include <string.h>

#include "extract_int.h"

/* A comma in [from, to). A mention may overlap the figure, so the span
 * can be empty or reversed: then there is no comma between them. */
static int comma_between(const struct sentence *s, size_t from, size_t to)
{
	return to > from && memchr(s->text + from, ',', to - from) != NULL;
}

/* Does a word of class words.tsv "economy" stand in [from, to)? */
static int economy_clause(const struct lexicon *lx, const struct sentence *s,
                          size_t from, size_t to)
{
	const unsigned char *t = (const unsigned char *)s->text;
	size_t i = from;

	while (i < to) {
		size_t w;

		while (i < to && !is_alnum(t[i]))
			i++;
		w = i;
		while (i < to && is_alnum(t[i]))
			i++;
		if (i > w && extract_lex_find(&lx->words, W_ECONOMY,
		                              s->text + w, i - w))
			return 1;
	}
	return 0;
}

int64_t extract_pick_commodity(const struct lexicon *lx,
                               const struct sentence *s,
                               const struct figure *f, size_t cs, size_t ce,
                               const struct carry *cr)
{
	int64_t best = -1;
	size_t best_d = (size_t)-1, k;
	int kindof = 0;

	for (k = 0; k < s->n_ments && s->ments[k].type != CDX_ENT_COMMODITY;
	     k++)
		;
	/* the counted noun matters only beside a commodity */
	if (k < s->n_ments && f->kind == CDX_KIND_COUNT && f->unit[0] != '\0')
		kindof = extract_lex_find(&lx->words, W_KINDOF, f->unit,
		                          strlen(f->unit)) != NULL;

	/* "Rare earth elements consist of 17 elements": the list is the
	 * commodity's own */
	if (kindof && extract_commodity_about(lx, s, cs, f))
		for (size_t i = 0; i < s->n_ments; i++)
			if (s->ments[i].type == CDX_ENT_COMMODITY &&
			    s->ments[i].start >= cs)
				return s->ments[i].id;
	for (size_t i = 0; i < s->n_ments; i++) {
		const struct ment *m = &s->ments[i];
		size_t d;

		if (m->type != CDX_ENT_COMMODITY)
			continue;
		if (m->start < f->end && m->end > f->start)
			d = 0; /* inside the figure: "barrels of oil" */
		else if (kindof)
			continue; /* "35 critical minerals ... yttrium" */
		else if (m->end <= f->start)
			d = f->start - m->end + (comma_between(s, m->end,
			                         f->start) ? s->len : 0);
		else
			d = m->start - f->end + (comma_between(s, f->end,
			                         m->start) ? s->len : 0);
		/* one across a comma counts as farther than any without
		 * ("Yttrium with 99% share, gallium with 94%") */
		if (d < best_d) {
			best_d = d;
			best = m->id;
		}
	}
	if (best >= 0)
		return best;
	if (cr->commodity < 0)
		return -1;
	if (f->kind == CDX_KIND_COUNT &&
	    (f->unit[0] == '\0' ||
	     !extract_lex_find(&lx->words, W_INDUSTRY, f->unit,
	                       strlen(f->unit))))
		return -1;
	if (economy_clause(lx, s, cs, ce))
		return -1;
	return cr->commodity;
}
