/*
 * ownerless.c — figures that are no one's, though a name stands near:
 * a material's grade ("Mischmetal, 65% cerium", "cerium oxide, 99.5%
 * minimum") is about the material, and a clause about a commodity's
 * make-up or its market price per unit ("Rare earth elements consist of
 * 17 elements", "The copper price was projected to average $4.80 per
 * pound") is about the commodity. claims.md gives the
 * subject only to a country, company, organisation or person the figure
 * is a property of; without these tests the assembler would hand such a
 * figure to the nearest name or to the document's topic, and the audit
 * would compare a purity with a country's production share.
 *
 * The words are data: words.tsv classes "grade" (after the percentage),
 * "ownerless" and "market" (after the commodity). assemble.c asks once
 * per figure.
 */
#include "extract_int.h"

/* How many words in capitals may stand before the commodity that opens
 * a clause about the commodity's market ("The COMEX copper price"). */
#define OWNERLESS_WORDS 2
/* Words between a list's previous figure and the comma before a grade
 * that make the grade the previous figure's neighbour in a list. */
#define APPOSED_WORDS 3

/* Does figure @p f follow a comma or an opening bracket (past spaces)
 * that follows a noun ("Mischmetal, 65% cerium") or another grade of the
 * same material ("65% cerium, 35% lanthanum"), but no other figure of a
 * list ("0.2 ounce palladium, 3 pct copper": the assays of a drill hole,
 * whoever's it is)? The noun is at most APPOSED_WORDS words. */
static int apposed(const struct lexicon *lx, const struct sentence *s,
                   const struct figure *f)
{
	size_t at = f->start, w;

	while (at > 0 && is_space((unsigned char)s->text[at - 1]))
		at--;
	if (at == 0 || (s->text[at - 1] != ',' && s->text[at - 1] != '('))
		return 0;
	w = --at;
	for (unsigned k = 0; k < APPOSED_WORDS && w > 0; k++) {
		while (w > 0 && is_space((unsigned char)s->text[w - 1]))
			w--;
		while (w > 0 && !is_space((unsigned char)s->text[w - 1]))
			w--;
	}
	/* a list of grades goes back to its first one: as many steps as
	 * the figures before */
	for (size_t i = 0; i < s->n_figs; i++)
		if (s->figs[i].end > w && s->figs[i].end <= at)
			return s->figs[i].start < f->start &&
			       extract_grade_of(lx, s, &s->figs[i]);
	return 1;
}

int extract_grade_of(const struct lexicon *lx, const struct sentence *s,
                     const struct figure *f)
{
	size_t at = extract_skip_space(s, f->end), e = at;

	if (f->kind != CDX_KIND_PERCENT || at >= s->len)
		return 0;
	/* "Mischmetal, 65% cerium", "Spodumene (6% lithium oxide)": a
	 * content in apposition to the material. "Ore grading 0.3 pct
	 * copper" or "a recovery rate of 70.5 pct zinc" stay the mine's. */
	for (size_t i = 0; i < s->n_ments && s->ments[i].start <= at; i++)
		if (s->ments[i].start == at &&
		    s->ments[i].type == CDX_ENT_COMMODITY)
			return apposed(lx, s, f);
	while (e < s->len && is_alnum((unsigned char)s->text[e]))
		e++;
	if (e == at || !extract_lex_find(&lx->words, W_GRADE, s->text + at,
	                                 e - at))
		return 0;
	/* the grade word ends the phrase: "99.5% minimum 40-45", not "a 15%
	 * minimum tax" */
	e = extract_skip_space(s, e);
	return e >= s->len || !(s->text[e] >= 'a' && s->text[e] <= 'z');
}

int extract_commodity_about(const struct lexicon *lx, const struct sentence *s,
                            size_t from, const struct figure *f)
{
	size_t i, e, to = f->start;
	uint32_t cls;

	while (from < to && !is_alnum((unsigned char)s->text[from]))
		from++;
	if (from + 4 < to && extract_ci_eq(s->text + from, "the ", 4))
		from += 4;
	for (i = 0; i < s->n_ments && s->ments[i].start < from; i++)
		;
	if (i == s->n_ments || s->ments[i].type != CDX_ENT_COMMODITY ||
	    s->ments[i].end > to)
		return 0;
	/* only a market's name in capitals between: "The COMEX copper
	 * price", not "But high oil prices" (which cut someone's growth) */
	for (e = from; e < s->ments[i].start; e++)
		if (!(s->text[e] >= 'A' && s->text[e] <= 'Z') &&
		    !(s->text[e] >= '0' && s->text[e] <= '9') && s->text[e] != ' ')
			return 0;
	for (size_t w = 0; from < s->ments[i].start; from++)
		if (extract_word_start(s, from) && ++w > OWNERLESS_WORDS)
			return 0;
	from = extract_skip_space(s, s->ments[i].end);
	for (e = from; e < to && is_alnum((unsigned char)s->text[e]); e++)
		;
	if (e == from)
		return 0;
	cls = extract_lex_classes(&lx->words, s->text + from, e - from);
	return (cls & (1u << W_OWNERLESS)) ||
	       ((cls & (1u << W_MARKET)) && f->kind == CDX_KIND_MONEY &&
	        f->per[0] != '\0');
}
