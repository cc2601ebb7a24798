/*
 * world.c — figures that belong to the whole world ("world output reached
 * 22 million tons", "the world's mined cobalt, now estimated at 280,000
 * tons"). claims.md gives such a figure no subject; without this test the
 * assembler would hand it to the nearest or the previous country, and the
 * audit would then compare a world total with that country's figures.
 *
 * The words that name the world ("world", "global", ...) and those that
 * rank a name ("leading", words in -est) are the classes "whole" and
 * "rank" of grammar.tsv. assemble.c asks once per figure, before it looks
 * for a clause subject.
 */
#include <string.h>
#include <strings.h>

#include "extract_int.h"

/* Start of the word before @p at, past spaces and articles ("the",
 * "a", "an"); @p at itself when there is none. */
static size_t word_before(const struct sentence *s, size_t at)
{
	for (;;) {
		size_t e, w;

		while (at > 0 && is_space((unsigned char)s->text[at - 1]))
			at--;
		e = at;
		while (at > 0 && is_alnum((unsigned char)s->text[at - 1]))
			at--;
		w = e - at;
		if (!((w == 3 && strncasecmp(s->text + at, "the", 3) == 0) ||
		      (w == 2 && strncasecmp(s->text + at, "an", 2) == 0) ||
		      (w == 1 && lower((unsigned char)s->text[at]) == 'a')))
			return w ? at : e;
	}
}

/* Does the word at @p at, or the one after it, rank something
 * ("largest", "fifth biggest", "leading")? Then "the world's" before it
 * describes a name. */
static int ranks(const struct lexicon *lx, const struct sentence *s,
                 size_t at)
{
	for (int k = 0; k < 2 && at < s->len; k++) {
		size_t e = at;

		while (e < s->len && (is_alnum((unsigned char)s->text[e]) ||
		                      s->text[e] == '-'))
			e++;
		if ((e - at >= 5 && strncasecmp(s->text + e - 3, "est", 3) == 0) ||
		    extract_grammar_at(lx, s, at, G_RANK))
			return 1;
		at = extract_skip_space(s, e);
	}
	return 0;
}

/* Does a comma, semicolon or dash (a hyphen after a space, an en or em
 * dash) stand at @p i? The comma inside a number ("290,000") is none. */
static int is_break(const struct sentence *s, size_t i)
{
	const unsigned char *t = (const unsigned char *)s->text;

	return (t[i] == ',' &&
	        !(i > 0 && i + 1 < s->len && t[i - 1] >= '0' &&
	          t[i - 1] <= '9' && t[i + 1] >= '0' && t[i + 1] <= '9')) ||
	       t[i] == ';' ||
	       (t[i] == '-' && i > 0 && t[i - 1] == ' ') ||
	       (t[i] == 0xe2 && i + 2 < s->len && t[i + 1] == 0x80 &&
	        (t[i + 2] == 0x93 || t[i + 2] == 0x94));
}

/* The last break in [from, to), or (size_t)-1. */
static size_t last_break(const struct sentence *s, size_t from, size_t to)
{
	while (to > from)
		if (is_break(s, --to))
			return to;
	return (size_t)-1;
}

/* Does a figure end right before the break at @p at? What follows the
 * break then describes that figure ("was 263,000 tons, a 20% increase
 * from 220,000 tons"), and belongs to its owner. */
static int ends_figure(const struct sentence *s, size_t at)
{
	while (at > 0 && is_space((unsigned char)s->text[at - 1]))
		at--;
	for (size_t k = 0; k < s->n_figs; k++)
		if (s->figs[k].end == at && s->figs[k].kind != CDX_KIND_DATE)
			return 1;
	return 0;
}

static int has_break(const struct sentence *s, size_t from, size_t to)
{
	return last_break(s, from, to) != (size_t)-1;
}

/* Is figure @p f, if a comma or dash parts it from @p w, in apposition to
 * what stands before the break ("the world's mined cobalt, now estimated
 * at 280,000 tons")? At most one word between the break and a figure
 * that opens with its hedge; "..., up from 45,500 tons" is no apposition. */
static int apposed(const struct sentence *s, size_t w, const struct figure *f)
{
	size_t words = 0, at = last_break(s, w, f->start);
	unsigned char first = (unsigned char)s->text[f->start];

	if (at == (size_t)-1)
		return 1;
	for (at++; at < f->start; at++)
		words += extract_word_start(s, at);
	return words <= 1 && !(first >= '0' && first <= '9') && is_alnum(first);
}

/* Does the clause part [from, f) name the world as the owner of the
 * figure after any name ("the world's mined cobalt, now estimated at
 * 280,000 tons", "total worldwide reserves amount to 130 million tons")?
 * See the class "whole" in grammar.tsv. */
int extract_world_owned(const struct lexicon *lx, const struct sentence *s,
                        size_t from, const struct figure *f)
{
	size_t w = (size_t)-1, at, pw;

	for (at = from; at < f->start; at++)
		if (extract_word_start(s, at) && extract_grammar_at(lx, s, at, G_WHOLE))
			w = at;
	if (w == (size_t)-1)
		return 0;
	at = w;
	while (at < f->start && !is_space((unsigned char)s->text[at]))
		at++;
	if (ranks(lx, s, extract_skip_space(s, at)))
		return 0; /* "the world's largest producer" describes a name */
	for (size_t i = 0; i < s->n_refs; i++)
		if (s->refs[i].end > w && s->refs[i].end <= f->start)
			return 0; /* "the global sports giant" */
	for (at = w + 1; at < f->start; at++)
		if (extract_word_start(s, at) && extract_grammar_at(lx, s, at, G_BACK))
			return 0; /* "as part of its aim to slash $5bn" */
	for (size_t i = 0; i < s->n_ments; i++) {
		const struct ment *m = &s->ments[i];

		if (m->start <= w && w < m->end)
			return 0; /* a name: "World Bank" */
		if (m->start > w && m->end <= f->start &&
		    extract_is_candidate(lx, s, i))
			return 0; /* a name between: it is the owner */
	}
	pw = word_before(s, w);
	if (pw < w && extract_grammar_at(lx, s, pw, G_PREP)) {
		/* "out of a world total of 110 million tons", but "70% of
		 * global output" is a share of it, and "at the global box
		 * office" only places the figure. */
		return (s->text[pw] == 'o' || s->text[pw] == 'O') &&
		       pw + 2 <= w && lower((unsigned char)s->text[pw + 1]) == 'f' &&
		       !is_alnum((unsigned char)s->text[pw + 2]) &&
		       f->kind != CDX_KIND_PERCENT && apposed(s, w, f);
	}
	at = last_break(s, w, f->start);
	if (at != (size_t)-1 && !ends_figure(s, at))
		return 0; /* a new phrase: "..., the same 270,000 tons" */
	for (size_t i = 0; i < s->n_ments && s->ments[i].end <= w; i++)
		if (s->ments[i].start >= from && extract_is_candidate(lx, s, i) &&
		    !has_break(s, s->ments[i].end, w))
			return 0; /* "DaimlerChrysler saw worldwide sales" */
	return 1;
}

/* Does the clause [cs, ce) name a candidate subject? */
static int names_candidate(const struct lexicon *lx, const struct sentence *s,
                           size_t cs, size_t ce)
{
	for (size_t i = 0; i < s->n_ments && s->ments[i].start < ce; i++)
		if (s->ments[i].start >= cs && extract_is_candidate(lx, s, i))
			return 1;
	return 0;
}

/* Is cut @p c a "that" after a reporting verb ("indicated that"), not
 * a relative pronoun ("an expansion that could lift")? */
static int is_that(const struct lexicon *lx, const struct sentence *s,
                   const struct cut *c)
{
	size_t e = c->start, w;

	if (c->end - c->start != 4 ||
	    !extract_ci_eq(s->text + c->start, "that", 4))
		return 0;
	while (e > 0 && is_space((unsigned char)s->text[e - 1]))
		e--;
	for (w = e; w > 0 && is_alnum((unsigned char)s->text[w - 1]); w--)
		;
	return w < e && extract_grammar_at(lx, s, w, G_REPORT) &&
	       w + extract_grammar_at(lx, s, w, G_REPORT)->len == e;
}

/* The clause [*ps, *pe) that the clause starting at @p cs hangs from:
 * the one before the colon opening the list it is an item of, past the
 * items before it, each cut at a semicolon ("as follows: batteries, 88%;
 * ceramics and glass, 4%"), or the one before its "that" after a
 * reporting verb (grammar.tsv "report": "an assessment of global
 * resources indicated that ... resources contained 1.5 billion tons").
 * Returns 0 when there is none. */
static int head_clause(const struct lexicon *lx, const struct sentence *s,
                       size_t cs, size_t *ps, size_t *pe)
{
	for (;;) {
		const struct cut *c = NULL;

		for (size_t i = 0; i < s->n_cuts && c == NULL; i++)
			if (s->cuts[i].end == cs &&
			    (s->text[s->cuts[i].start] == ';' ||
			     s->text[s->cuts[i].start] == ':' ||
			     is_that(lx, s, &s->cuts[i])))
				c = &s->cuts[i];
		if (c == NULL)
			return 0;
		if (s->text[c->start] == ':')
			return extract_before_colon(s, cs, ps, pe);
		if (is_that(lx, s, c)) {
			*pe = c->start;
			*ps = 0;
			for (size_t i = 0; i < s->n_cuts; i++)
				if (s->cuts[i].end <= c->start && s->cuts[i].end > *ps)
					*ps = s->cuts[i].end;
			return 1;
		}
		/* the item before: from the cut ending last before this one
		 * (cs shrinks each time round) */
		cs = 0;
		for (size_t i = 0; i < s->n_cuts; i++)
			if (s->cuts[i].end <= c->start && s->cuts[i].end > cs)
				cs = s->cuts[i].end;
		if (cs == 0)
			return 0;
	}
}

int extract_world_list(const struct lexicon *lx, const struct sentence *s,
                       size_t cs, size_t ce)
{
	size_t w = (size_t)-1, at, from, to;

	if (names_candidate(lx, s, cs, ce) || !head_clause(lx, s, cs, &from, &to))
		return 0;
	for (at = from; at < to; at++)
		if (extract_word_start(s, at) && extract_grammar_at(lx, s, at, G_WHOLE))
			w = at;
	if (w == (size_t)-1)
		return 0;
	at = w;
	while (at < to && !is_space((unsigned char)s->text[at]))
		at++;
	if (ranks(lx, s, extract_skip_space(s, at)))
		return 0;
	for (size_t i = 0; i < s->n_ments; i++)
		if (s->ments[i].end > w && s->ments[i].start < to &&
		    (s->ments[i].start <= w || extract_is_candidate(lx, s, i)))
			return 0; /* "World Bank", or a name owning the list */
	return 1;
}
