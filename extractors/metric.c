/*
 * metric.c — what a figure measures: the metric cue (metrics.tsv) nearest
 * the figure in its clause, but a share's "of" phrase first ("12% of world
 * reserves"), and a cue of the clause that overrides the one picked
 * (metrics.tsv's fourth column) over it. A cue inside a name ("Eurasian
 * Resources Group") is part of the name, no cue; a verb of change before
 * a level ("inflation fell to 4.3%") tells the direction, not the
 * measure; a cue nearest before the figure (only spaces between) wins,
 * and a table's row word ("Shr", "Net") counts only at a line's start;
 * a cue marked " #" counts only right beside the figure ("charge of"),
 * and a cue past a "vs" after the figure is the other figure's.
 * extract_metric_row() tells the rows of an earnings table (firm.c gives
 * them the title's company). Split from assemble.c, which calls it once
 * per figure with the figure's clause.
 *
 * The clause is read once per figure: extract_metric_scan() records every
 * cue at a word start of the clause, and both the metric and the
 * subject's tariff test (assemble.c) read that list instead of looking
 * cues up again at every byte of the clause.
 */
#include <string.h>
#include <strings.h>

#include "extract_int.h"

/* How many words a share's "of" phrase may have before its cue ("of the
 * world's lithium reserves"); farther, a cue is the clause's, not the
 * whole's ("of the globe's rare earth elements and handles the
 * production"). */
#define SHARE_OF_WORDS 5

/* Is the word at @p at the first or second word of its sentence? */
static int row_label(const struct sentence *s, size_t at)
{
	int words = 0;

	for (size_t i = 0; i < at; i++)
		if (extract_word_start(s, i) && ++words > 1)
			return 0;
	return 1;
}

/* The metric cue of kind @p kind at word start @p at that comes first in
 * metrics.tsv, or NULL; cues are bucketed by their first byte. */
static const struct lex_entry *metric_at(const struct lexicon *lx,
                                         const struct sentence *s, size_t at,
                                         size_t ce, enum cdx_claim_kind kind)
{
	unsigned char c = lower((unsigned char)s->text[at]);
	uint64_t x = extract_head_of(s->text, ce, at);

	for (uint32_t k = lx->mstart[c]; k < lx->mstart[c + 1]; k++) {
		const struct lex_entry *e = &lx->metrics.v[lx->morder[k]];

		if (!(e->cls & (1u << kind)) || at + e->len > ce ||
		    !extract_head_ok(x, e) ||
		    !extract_ci_eq(s->text + at, e->text, e->len))
			continue;
		/* a cue ending in a space is a table's row word ("Shr",
		 * "Net", "Revs"): it labels a row only as the first or
		 * second word of its line ("Oper shr 31 cts vs 14 cts");
		 * elsewhere "net" is a verb or qualifies another noun
		 * ("would net 1.5 billion dlrs") */
		if (e->len > 0 && e->text[e->len - 1] == ' ' &&
		    !row_label(s, at))
			continue;
		return e;
	}
	return NULL;
}

/* A "-" row is a word that starts like a cue but names no measure
 * ("minerals", "products"). */
static int no_measure(const struct lex_entry *e)
{
	return e->unit[0] == '-' && e->unit[1] == '\0';
}

/* Does @p at lie inside a name that is no commodity ("Eurasian Resources
 * Group", "Petrel Resources")? A cue there is part of the name and
 * measures nothing. */
static int in_name(const struct sentence *s, size_t at)
{
	for (size_t i = 0; i < s->n_ments && s->ments[i].start <= at; i++)
		if (at < s->ments[i].end &&
		    s->ments[i].type != CDX_ENT_COMMODITY)
			return 1;
	return 0;
}

/* Is figure @p f a level a change goes from or to ("fell to 59%", "rose
 * from 2.6% to 10.4%"), not the change itself? */
static int level_figure(const struct sentence *s, const struct figure *f)
{
	size_t e = f->start, w;

	while (e > 0 && is_space((unsigned char)s->text[e - 1]))
		e--;
	w = e;
	while (w > 0 && is_alnum((unsigned char)s->text[w - 1]))
		w--;
	return (e - w == 2 && extract_ci_eq(s->text + w, "to", 2)) ||
	       (e - w == 4 && extract_ci_eq(s->text + w, "from", 4));
}

/* Is the word at @p at a verb of change ("fell", "rose": words.tsv up
 * and down) rather than the name of a measure ("growth": words.tsv
 * measure)? Before a level it tells the direction, not what is measured:
 * "turnout fell to 59%" is no decline of 59%. */
static int change_word(const struct lexicon *lx, const struct sentence *s,
                       size_t at)
{
	size_t e = at;
	uint32_t cls;

	while (e < s->len && is_alnum((unsigned char)s->text[e]))
		e++;
	cls = extract_lex_classes(&lx->words, s->text + at, e - at);
	return (cls & (1u << W_UP | 1u << W_DOWN)) && !(cls & (1u << W_MEASURE));
}

/* The metric cue at word start @p at, or NULL. */
static const struct lex_entry *cue_at(const struct lexicon *lx,
                                      const struct sentence *s, size_t at,
                                      size_t ce, const struct figure *f)
{
	const struct lex_entry *e;

	if (!extract_word_start(s, at) || (at >= f->start && at < f->end) ||
	    in_name(s, at))
		return NULL;
	e = metric_at(lx, s, at, ce, f->kind);
	return e && !no_measure(e) ? e : NULL;
}

void extract_metric_scan(const struct lexicon *lx, const struct sentence *s,
                         const struct figure *f, size_t cs, size_t ce,
                         struct clause_cues *cc)
{
	const unsigned char *t = (const unsigned char *)s->text;
	int level = f->kind == CDX_KIND_PERCENT && level_figure(s, f);

	cc->cs = cs;
	cc->ce = ce;
	cc->n = 0;
	cc->tariff = 0;
	/* a cue starts at a word start (the sentence's masks list them), and
	 * no cue starts with a byte whose bucket is empty */
	for (size_t k = cs / 64; 64 * k < ce; k++) {
		uint64_t w = masks_word_starts(s->bm, k) & masks_span(k, cs, ce);

		for (; w; w &= w - 1) {
			size_t at = 64 * k + (size_t)__builtin_ctzll(w);
			const struct lex_entry *e;
			unsigned char c = lower(t[at]);
			unsigned b = at + 1 < ce ? lower(t[at + 1]) : 0;

			/* no cue starts with these two bytes: most words */
			if (!(lx->msecond[c][b >> 6] >> (b & 63) & 1) ||
			    (e = metric_at(lx, s, at, ce, f->kind)) == NULL ||
			    in_name(s, at))
				continue;
			if (strcmp(e->unit, "tariff") == 0)
				cc->tariff = 1;
			if (no_measure(e) || (at >= f->start && at < f->end) ||
			    (level && change_word(lx, s, at)))
				continue;
			cc->v[cc->n].at = (uint32_t)at;
			cc->v[cc->n].e = e;
			cc->n++;
		}
	}
}

/* Is @p metric one of the comma-separated @p list? */
static int in_list(const char *list, const char *metric)
{
	size_t n = strlen(metric);

	for (const char *p = list; *p;) {
		size_t k = strcspn(p, ",");

		if (k == n && memcmp(p, metric, n) == 0)
			return 1;
		p += k;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* "30% of global refining": a share names its whole in the "of" phrase
 * right after it, and that whole is what it measures, whatever cue stands
 * nearer before it. The phrase ends at a comma, another figure or after
 * SHARE_OF_WORDS words. */
static const struct lex_entry *share_of(const struct lexicon *lx,
                                        const struct sentence *s,
                                        const struct figure *f, size_t ce)
{
	size_t at = extract_skip_space(s, f->end), k = 0, words = 0;

	if (f->kind != CDX_KIND_PERCENT || at + 3 > ce ||
	    strncasecmp(s->text + at, "of", 2) != 0 ||
	    !is_space((unsigned char)s->text[at + 2]))
		return NULL;
	while (k < s->n_figs && s->figs[k].start < at)
		k++;
	for (; at < ce; at++) {
		const struct lex_entry *e;

		if (s->text[at] == ',' || s->text[at] == ';' ||
		    (k < s->n_figs && at >= s->figs[k].start))
			return NULL;
		if (extract_word_start(s, at) && words++ > SHARE_OF_WORDS)
			return NULL;
		if ((e = cue_at(lx, s, at, ce, f)) != NULL)
			return e;
	}
	return NULL;
}

/* Distance of cue @p h from the figure; a cue inside the figure is
 * never listed. A cue whose word stands right before the figure, only
 * spaces between, is nearest of all ("Shr loss 45 cts vs profit 20 cts":
 * 45 cts is the loss). A cue that counts only right before or right
 * after it (metrics.tsv " #": "charge of 1.1 mln dlrs", "a 2.3 mln dlr
 * gain", not "in charge of a 9 mln budget") is elsewhere at no
 * distance: (size_t)-1. */
static size_t cue_dist(const struct sentence *s, const struct figure *f,
                       const struct cue_hit *h)
{
	size_t at = h->at, e = at;

	if (at >= f->start)
		return !h->e->adjacent ? at - f->end :
		       extract_skip_space(s, f->end) == at ? 0 : (size_t)-1;
	if (h->e->adjacent) /* the whole phrase: "charge of" */
		e = at + h->e->len < f->start ? at + h->e->len : f->start;
	while (e < f->start && is_alnum((unsigned char)s->text[e]))
		e++;
	while (e < f->start && is_space((unsigned char)s->text[e]))
		e++;
	if (e == f->start)
		return 0;
	return h->e->adjacent ? (size_t)-1 : f->start - at;
}

/* Does a comparison's other side open between the figure's end @p from
 * and a cue at @p at (grammar.tsv versus: "gain 1,637,000 dlrs vs loss
 * 720,000 dlrs")? That cue names the other figure's measure, not this
 * one's. */
static int other_side(const struct lexicon *lx, const struct sentence *s,
                      size_t from, size_t at)
{
	for (size_t i = from; i < at; i++)
		if (extract_word_start(s, i) &&
		    extract_grammar_at(lx, s, i, G_VERSUS))
			return 1;
	return 0;
}

const char *extract_metric_pick(const struct lexicon *lx,
                                const struct sentence *s,
                                const struct figure *f,
                                const struct clause_cues *cc)
{
	const struct lex_entry *best;
	size_t best_d, d;

	best = share_of(lx, s, f, cc->ce);
	if (best == NULL) {
		/* the nearest cue; of two as near, the first */
		best_d = (size_t)-1;
		for (size_t i = 0; i < cc->n; i++) {
			d = cue_dist(s, f, &cc->v[i]);
			if (d < best_d && !(cc->v[i].at >= f->end &&
			                    other_side(lx, s, f->end,
			                               cc->v[i].at))) {
				best = cc->v[i].e;
				best_d = d;
			}
		}
	}
	if (best == NULL)
		return NULL;
	/* A cue of its clause may override the one picked: "duties ranging
	 * from 11.58% to 721.03% depending on the company" are tariffs, not
	 * import reliance; "output contributes 10 per cent" of GDP is no
	 * production share. The nearest such cue wins. */
	best_d = (size_t)-1;
	for (size_t i = 0; i < cc->n; i++) {
		const struct lex_entry *e = cc->v[i].e;

		d = cue_dist(s, f, &cc->v[i]);
		if (d < best_d && e->alt_unit && in_list(e->alt_unit, best->unit)) {
			best = e;
			best_d = d;
		}
	}
	return best->unit;
}

const char *extract_metric_world(const struct lexicon *lx, const char *metric)
{
	/* metrics are the cue rows' own strings: find the row by address */
	for (size_t i = 0; i < lx->metrics.n; i++)
		if (lx->metrics.v[i].unit == metric)
			return lx->metrics.v[i].world ? lx->metrics.v[i].world :
			                                metric;
	return metric;
}

const char *extract_metric_named(const struct lexicon *lx, const char *name)
{
	for (size_t i = 0; i < lx->metrics.n; i++)
		if (lx->metrics.v[i].unit && strcmp(lx->metrics.v[i].unit, name) == 0)
			return lx->metrics.v[i].unit;
	return NULL;
}

int extract_metric_row(const struct lexicon *lx, const struct sentence *s)
{
	int words = 0;

	for (size_t at = 0; at < s->len && words < 2; at++) {
		unsigned char c;
		unsigned b;
		uint64_t x;

		if (!extract_word_start(s, at))
			continue;
		words++;
		c = lower((unsigned char)s->text[at]);
		b = at + 1 < s->len ? lower((unsigned char)s->text[at + 1]) : 0;
		/* no cue starts with these two bytes: most words */
		if (!(lx->msecond[c][b >> 6] >> (b & 63) & 1))
			continue;
		x = extract_head_of(s->text, s->len, at);
		for (uint32_t k = lx->mstart[c]; k < lx->mstart[c + 1]; k++) {
			const struct lex_entry *e = &lx->metrics.v[lx->morder[k]];

			if (e->len > 0 && e->text[e->len - 1] == ' ' &&
			    at + e->len <= s->len && extract_head_ok(x, e) &&
			    extract_ci_eq(s->text + at, e->text, e->len))
				return 1;
		}
	}
	return 0;
}
