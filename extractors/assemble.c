/*
 * assemble.c — what a figure is about: its subject, commodity, metric and
 * time, from the entity mentions and dates of its sentence (claims.md, "Who
 * the subject is").
 *
 * The subject approximates the grammatical subject of the clause holding
 * the figure. Clauses are cut at the phrases grammar.tsv lists (", while",
 * "; ", "that"). In order:
 *   1. a tariff takes the target named after it ("a 93.5% duty on Chinese
 *      graphite"); a material's grade ("Mischmetal, 65% cerium") takes
 *      none; a figure in brackets right after a name takes that name
 *      ("Peru (2.76 million tons)"); a world total, or an item of a list
 *      dividing one ("global end uses: batteries, 88%"), takes none;
 *   2. the first name of the clause before the figure, skipping a sentence's
 *      introductory phrase ("In North America, ...");
 *   3. a name right after the figure joined by a "near" word ("14 million
 *      tons in Canada");
 *   4. a clause opening with a word pointing back ("its", "the deposit")
 *      takes the earlier entity it means;
 *   5. the first name earlier in the sentence, then one later in the
 *      clause, then the document's topic (the entity named most so far),
 *      unless the clause is about a commodity's make-up or its price per
 *      unit ("The tin price rose to $9 a pound": words.tsv "ownerless",
 *      "market"): then none.
 * Names that are not candidates: commodities; a country that only
 * qualifies the next name ("U.S. DOE", "U.S.-listed"); a source ("the
 * Commerce Department said", "according to the IEA"); the other side of
 * a comparison ("far behind China"). A head of state
 * stands for the country (entities.tsv "acts for").
 *
 * The commodity is the one named nearest the figure in its sentence, else
 * the last one named before (commodity.c). The metric is the cue word (metrics.tsv)
 * nearest the figure in its clause (metric.c). The time is the date right
 * after the figure ("$10 billion in 2024"), else the nearest date before
 * it in the sentence, else the nearest after in its clause (when.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"

/* How many lower-case words may stand between a country and the name it
 * qualifies ("Australian building products group James Hardie"). */
#define MODIFIER_WORDS 4
/* How many words may stand between "the" and the noun of a phrase
 * pointing back ("the fifth biggest US carrier"). */
#define REF_WORDS 3
/* A topic that is no country must be named this many times as often as
 * the most named country to win over it. */
#define TOPIC_OTHER 2

/* Does phrase @p e occur at @p at of the sentence, on word boundaries? */
static int phrase_at(const struct sentence *s, size_t at,
                     const struct lex_entry *e)
{
	const unsigned char *t = (const unsigned char *)s->text;

	if (at + e->len > s->len || !extract_ci_eq(s->text + at, e->text, e->len))
		return 0;
	if (is_alnum((unsigned char)e->text[0]) && at > 0 && is_alnum(t[at - 1]))
		return 0;
	if (is_alnum((unsigned char)e->text[e->len - 1]) &&
	    at + e->len < s->len && is_alnum(t[at + e->len]))
		return 0;
	return 1;
}

/* The grammar entry of class @p cls at @p at, or NULL (at < s->len,
 * a byte that starts some phrase of the class). */
const struct lex_entry *extract_grammar_find(const struct lexicon *lx,
                                             const struct sentence *s,
                                             size_t at, int cls)
{
	unsigned b;
	uint64_t x;

	b = (unsigned)cls << 8 | lower((unsigned char)s->text[at]);
	x = extract_head_of(s->text, s->len, at);
	for (uint32_t k = lx->gstart[b]; k < lx->gstart[b + 1]; k++) {
		const struct lex_entry *e = &lx->grammar.v[lx->gorder[k]];

		if (extract_head_ok(x, e) && phrase_at(s, at, e))
			return e;
	}
	return NULL;
}

/* Does a grammar phrase of class @p cls end right before @p at? */
int extract_grammar_before(const struct lexicon *lx,
                           const struct sentence *s, size_t at, int cls)
{
	unsigned b;

	while (at > 0 && is_space((unsigned char)s->text[at - 1]))
		at--;
	/* "data from the Federal Reserve": the article does not count. */
	if (at >= 4 && extract_ci_eq(s->text + at - 4, " the", 4)) {
		at -= 3;
		while (at > 0 && is_space((unsigned char)s->text[at - 1]))
			at--;
	}
	if (at == 0)
		return 0;
	b = (unsigned)cls << 8 | lower((unsigned char)s->text[at - 1]);
	for (uint32_t k = lx->gendstart[b]; k < lx->gendstart[b + 1]; k++) {
		const struct lex_entry *e = &lx->grammar.v[lx->gend[k]];

		if (e->len <= at && phrase_at(s, at - e->len, e))
			return 1;
	}
	return 0;
}

/* Is mention @p i a country that only qualifies what follows it? */
static int is_modifier(const struct lexicon *lx, const struct sentence *s,
                       size_t i)
{
	const struct ment *m = &s->ments[i];
	size_t k = m->end, w;
	unsigned words = 0;

	if (m->type != CDX_ENT_COUNTRY)
		return 0;
	/* "U.S.-listed", "China-based": an adjective. */
	if (k + 1 < s->len && s->text[k] == '-' &&
	    s->text[k + 1] >= 'a' && s->text[k + 1] <= 'z')
		return 1;
	if (i + 1 >= s->n_ments || s->ments[i + 1].type == CDX_ENT_COMMODITY ||
	    s->ments[i + 1].type == CDX_ENT_COUNTRY)
		return 0;
	/* "U.S. DOE", "Chinese firm Huayou": a few lower-case words at most
	 * between the country and the name it describes. */
	while (k < s->ments[i + 1].start) {
		if (is_space((unsigned char)s->text[k]) || s->text[k] == '-') {
			k++;
			continue;
		}
		if (!(s->text[k] >= 'a' && s->text[k] <= 'z') ||
		    ++words > MODIFIER_WORDS)
			return 0;
		w = k;
		while (k < s->ments[i + 1].start && is_alnum((unsigned char)s->text[k]))
			k++;
		/* "China imposed duties on Pfizer": a clause, no noun phrase */
		if (extract_lex_find(&lx->words, W_STOP, s->text + w, k - w))
			return 0;
	}
	return 1;
}

/* Does mention @p m stand inside a figure ("402 U.S. industries") or a
 * phrase pointing back ("the biggest US carrier")? Then it only
 * qualifies. */
static int inside(const struct sentence *s, const struct ment *m)
{
	for (size_t k = 0; k < s->n_figs; k++)
		if (s->figs[k].start <= m->start && m->end <= s->figs[k].end)
			return 1;
	for (size_t k = 0; k < s->n_refs; k++)
		if (s->refs[k].start < m->start && m->end <= s->refs[k].end)
			return 1;
	return 0;
}

int extract_is_candidate(const struct lexicon *lx, const struct sentence *s,
                         size_t i)
{
	const struct ment *m = &s->ments[i];
	size_t after;

	/* a person the gazetteer does not know speaks, and acts for no
	 * country that the text would tell */
	if (m->type == CDX_ENT_COMMODITY || is_modifier(lx, s, i) ||
	    (m->from_text && m->type == CDX_ENT_PERSON) || inside(s, m))
		return 0;
	after = m->end;
	if (after + 1 < s->len && (s->text[after] == '\'' ||
	                           (unsigned char)s->text[after] == 0xe2))
		return 1; /* "China's figures": a possessive, not a source */
	after = extract_skip_space(s, after);
	/* "far behind China": the other side of a comparison */
	if (extract_grammar_at(lx, s, after, G_SAID) ||
	    extract_grammar_before(lx, s, m->start, G_SOURCE) ||
	    extract_grammar_before(lx, s, m->start, G_VERSUS))
		return 0;
	return 1;
}

/* A period glued to the next sentence ("imports.In 2018") still ends it. */
static int glued_stop(const struct sentence *s, size_t at)
{
	return s->text[at] == '.' && at > 0 && at + 1 < s->len &&
	       s->text[at - 1] >= 'a' && s->text[at - 1] <= 'z' &&
	       s->text[at + 1] >= 'A' && s->text[at + 1] <= 'Z';
}

/* A line break before a capital starts a new clause: an item of a list
 * the splitter left in one sentence ("... by 2028\nKvanefjeld – ..."). */
static int line_start(const struct sentence *s, size_t at)
{
	if (s->text[at] != '\n')
		return 0;
	at = extract_skip_space(s, at);
	return at < s->len && s->text[at] >= 'A' && s->text[at] <= 'Z';
}

/* The phrase pointing back that starts with the @p n-byte determiner at
 * @p at ("the fifth biggest US carrier", "this central African nation"):
 * its end, or 0. Words between the determiner and the noun are letters
 * or digits only, at most REF_WORDS of them. */
static size_t ref_at(const struct lexicon *lx, const struct sentence *s,
                     size_t at, size_t n, enum cdx_entity_type *type)
{
	const struct lex_entry *e;
	size_t i = at + n;

	for (unsigned w = 0; w <= REF_WORDS; w++) {
		size_t ws, we;
		uint32_t k;

		if (i >= s->len || s->text[i] != ' ')
			return 0;
		ws = ++i;
		while (i < s->len && is_alnum((unsigned char)s->text[i]))
			i++;
		we = i;
		if (we == ws)
			return 0;
		/* a word whose key no noun has is none of them */
		k = wk_key(wk_load8(s->text, s->len, ws), we - ws) &
		    (REFKEY_BITS - 1);
		if (!(lx->refkeys[k >> 6] >> (k & 63) & 1))
			continue;
		if ((e = extract_lex_find(&lx->refnouns, -1, s->text + ws,
		                          we - ws)) != NULL &&
		    (e->cls == 0 || n == 4)) {
			*type = (enum cdx_entity_type)e->value;
			return we;
		}
	}
	return 0;
}

/* A phrase pointing back at @p at: "the NOUN", or "this NOUN" where it
 * is no preposition's object ("This central African nation holds", not
 * "since I came to this country", which is the speaker's). Its end, or 0. */
static size_t ref_at_this(const struct lexicon *lx, const struct sentence *s,
                          size_t at, enum cdx_entity_type *type)
{
	if (extract_ci_eq(s->text + at, "the", 3))
		return ref_at(lx, s, at, 3, type);
	if (!extract_ci_eq(s->text + at, "this", 4) ||
	    extract_grammar_before(lx, s, at, G_PREP))
		return 0;
	return ref_at(lx, s, at, 4, type);
}

/* Make room in the array @p *v of @p size-byte items for item @p n. */
static int push(void **v, size_t *cap, size_t n, size_t size)
{
	if (n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *p = realloc(*v, ncap * size);

		if (p == NULL)
			return CDX_ERR_NOMEM;
		*v = p;
		*cap = ncap;
	}
	return CDX_OK;
}

int extract_assemble_cuts(const struct lexicon *lx, struct sentence *s,
                          struct assemble_bufs *b)
{
	size_t n = 0, nr = 0, words = s->len / 2 + 1;
	uint64_t skip_blank = (lx->gfirst[' '] & (1u << G_CLAUSE)) ? 0 :
	                      ~(uint64_t)0;

	s->cuts = NULL;
	s->n_cuts = 0;
	s->refs = NULL;
	s->n_refs = 0;
	s->bufs = b;
	/* a clause holds at most a word start every second byte */
	if (b->cues.cap < words) {
		struct cue_hit *v = realloc(b->cues.v, words * sizeof(*v));

		if (v == NULL)
			return CDX_ERR_NOMEM;
		b->cues.v = v;
		b->cues.cap = words;
	}
	/* inside a word nothing starts: no phrase, no "the"; nor at a space,
	 * unless a clause phrase starts with one. The sentence's masks give
	 * the other bytes, 64 at a time */
	for (size_t k = 0; k < s->bm->n; k++) {
		const struct mask_blk *mb = &s->bm->b[k];
		uint64_t in_word = mb->alnum & ~masks_word_starts(s->bm, k);
		uint64_t v = ~in_word & ~(mb->blank & skip_blank) &
		             masks_span(k, 0, s->len);

		for (; v; v &= v - 1) {
			size_t at = 64 * k + (size_t)__builtin_ctzll(v);
			const struct lex_entry *e = NULL;
			enum cdx_entity_type type;
			size_t len = 1, end;

			if ((s->text[at] == 't' || s->text[at] == 'T') &&
			    extract_word_start(s, at) && at + 4 < s->len &&
			    lower((unsigned char)s->text[at + 1]) == 'h' &&
			    (end = ref_at_this(lx, s, at, &type)) > 0) {
				if (push((void **)&b->refs, &b->cap_refs, nr,
				         sizeof(*b->refs)))
					return CDX_ERR_NOMEM;
				b->refs[nr].start = (uint32_t)at;
				b->refs[nr].end = (uint32_t)end;
				b->refs[nr].type = type;
				nr++;
			}
			if (!glued_stop(s, at) && !line_start(s, at)) {
				e = extract_grammar_at(lx, s, at, G_CLAUSE);
				if (e == NULL)
					continue;
				len = e->len;
			}
			if (push((void **)&b->cuts, &b->cap_cuts, n,
			         sizeof(*b->cuts)))
				return CDX_ERR_NOMEM;
			b->cuts[n].start = (uint32_t)at;
			b->cuts[n].end = (uint32_t)(at + len);
			n++;
		}
	}
	s->cuts = b->cuts;
	s->n_cuts = n;
	s->refs = b->refs;
	s->n_refs = nr;
	return CDX_OK;
}

/* The clause [*cs, *ce) around [fs, fe). */
static void clause_of(const struct sentence *s, size_t fs, size_t fe,
                      size_t *cs, size_t *ce)
{
	*cs = 0;
	*ce = s->len;
	for (size_t i = 0; i < s->n_cuts; i++) {
		const struct cut *c = &s->cuts[i];

		if (c->end <= fs && c->end > *cs)
			*cs = c->end;
		else if (c->start >= fe && c->start < *ce)
			*ce = c->start;
	}
}

int extract_before_colon(const struct sentence *s, size_t cs, size_t *ps,
                         size_t *pe)
{
	for (size_t i = 0; i < s->n_cuts; i++) {
		const struct cut *c = &s->cuts[i];

		if (c->end != cs || s->text[c->start] != ':')
			continue;
		*pe = c->start;
		*ps = 0;
		for (size_t k = 0; k < s->n_cuts; k++)
			if (s->cuts[k].end <= c->start && s->cuts[k].end > *ps)
				*ps = s->cuts[k].end;
		return 1;
	}
	return 0;
}

/* End of the sentence's introductory phrase ("In North America,"), or 0.
 * An introduction that would hold the figure is no introduction. */
static size_t intro_end(const struct lexicon *lx, const struct sentence *s,
                        size_t fs)
{
	size_t at = 0;

	while (at < s->len && !is_alnum((unsigned char)s->text[at]))
		at++;
	if (!extract_grammar_at(lx, s, at, G_INTRO))
		return 0;
	for (; at < fs; at++)
		if (s->text[at] == ',')
			return at + 1;
	return 0;
}

/* A clause opening with a relative pronoun right after a name ("Hardie,
 * which makes ...") is about that name, or about the country qualifying
 * the noun phrase before it: its id, or -1. */
static int64_t rel_ref(const struct lexicon *lx, const struct sentence *s,
                       size_t cs)
{
	size_t at = cs, w;

	/* the pronoun opens the clause, or ends the cut before it (", which") */
	while (at > 0 && is_space((unsigned char)s->text[at - 1]))
		at--;
	w = at;
	while (w > 0 && is_alnum((unsigned char)s->text[w - 1]))
		w--;
	if (w < at && extract_grammar_at(lx, s, w, G_REL))
		at = w;
	else if (extract_grammar_at(lx, s, cs, G_REL))
		at = cs;
	else
		return -1;
	while (at > 0 && (is_space((unsigned char)s->text[at - 1]) ||
	                  s->text[at - 1] == ','))
		at--;
	/* "smaller than Allied Domecq, which has $10.7bn": the other side
	 * of a comparison is what the relative clause is about */
	for (size_t i = 0; i < s->n_ments; i++)
		if (s->ments[i].end == at &&
		    (extract_is_candidate(lx, s, i) ||
		     extract_grammar_before(lx, s, s->ments[i].start,
		                            G_VERSUS)))
			return s->ments[i].id;
	/* "Chinese supply, which still controls 90%", "Chinese rare earth
	 * exports, which supplied 70%": the country qualifying the noun
	 * phrase the pronoun follows (claims.md, "Shares of trade") */
	for (unsigned words = 0; words < MODIFIER_WORDS && at > 0; words++) {
		w = at;
		while (w > 0 && is_alnum((unsigned char)s->text[w - 1]))
			w--;
		if (w == at || !(s->text[w] >= 'a' && s->text[w] <= 'z') ||
		    extract_lex_find(&lx->words, W_STOP, s->text + w, at - w))
			return -1;
		at = w;
		while (at > 0 && s->text[at - 1] == ' ')
			at--;
		for (size_t i = 0; i < s->n_ments; i++)
			if (s->ments[i].end == at &&
			    s->ments[i].type == CDX_ENT_COUNTRY)
				return s->ments[i].id;
	}
	return -1;
}

/* The entity a clause opening at @p cs points back to, or -1. */
static int64_t back_ref(const struct lexicon *lx, const struct sentence *s,
                        size_t cs, const struct carry *cr)
{
	const struct lex_entry *best = NULL;

	unsigned b;
	uint64_t x;

	while (cs < s->len && !is_alnum((unsigned char)s->text[cs]))
		cs++;
	/* only the phrases starting with this byte, in file order */
	b = G_BACK << 8 | (cs < s->len ? lower((unsigned char)s->text[cs]) : 0);
	x = extract_head_of(s->text, s->len, cs);
	for (uint32_t k = cs < s->len ? lx->gstart[b] : 0;
	     cs < s->len && k < lx->gstart[b + 1]; k++) {
		const struct lex_entry *e = &lx->grammar.v[lx->gorder[k]];

		if (extract_head_ok(x, e) && phrase_at(s, cs, e) &&
		    (best == NULL || e->len > best->len))
			best = e;
	}
	if (best == NULL)
		return rel_ref(lx, s, cs);
	if (best->value >= 0 && cr->last[(int)best->value] >= 0)
		return cr->last[(int)best->value];
	return cr->subject;
}

/* The entity a phrase pointing back ("the airline") means: the last of
 * its type named before it in the sentence ("China's dominance, with the
 * country responsible for"), else in the sentences before; or -1. */
static int64_t ref_entity(const struct sentence *s, const struct ref *r,
                          const struct carry *cr)
{
	int64_t id = cr->last[r->type];

	for (size_t i = 0; i < s->n_ments && s->ments[i].end <= r->start; i++)
		if (s->ments[i].type == r->type)
			id = s->ments[i].id;
	return id;
}

/* Is mention @p i the object of a preposition ("to US regulators", "in
 * Canada")? Such a name is the subject of its clause only when the clause
 * names no other. */
static int prep_object(const struct lexicon *lx, const struct sentence *s,
                       size_t i)
{
	return extract_grammar_before(lx, s, s->ments[i].start, G_PREP);
}

/* The subject of the clause part [from, to): the first name that is no
 * preposition's object, or phrase pointing back; with @p weak, the first
 * name of any kind. -1 when there is none. */
static int64_t first_subject(const struct lexicon *lx,
                             const struct sentence *s, size_t from,
                             size_t to, const struct carry *cr, int weak)
{
	size_t r = 0;

	for (size_t i = 0; i < s->n_ments; i++) {
		const struct ment *m = &s->ments[i];

		if (m->start < from || m->end > to || !extract_is_candidate(lx, s, i) ||
		    (!weak && prep_object(lx, s, i)))
			continue;
		/* a phrase pointing back that comes first */
		for (; !weak && r < s->n_refs && s->refs[r].start < m->start; r++)
			if (s->refs[r].start >= from &&
			    ref_entity(s, &s->refs[r], cr) >= 0)
				return ref_entity(s, &s->refs[r], cr);
		return m->id;
	}
	for (; !weak && r < s->n_refs; r++)
		if (s->refs[r].start >= from && s->refs[r].end <= to &&
		    ref_entity(s, &s->refs[r], cr) >= 0)
			return ref_entity(s, &s->refs[r], cr);
	return -1;
}

/* A tariff's target named before the rate: "a 40 percent tariff on imports
 * from Brazil, bringing the total to 50 percent". */
static int64_t target_before(const struct lexicon *lx,
                             const struct sentence *s, size_t to)
{
	int64_t id = -1;

	for (size_t i = 0; i < s->n_ments && s->ments[i].end <= to; i++)
		if (extract_is_candidate(lx, s, i) &&
		    extract_grammar_before(lx, s, s->ments[i].start, G_TARGET))
			id = s->ments[i].id;
	return id;
}

/* The name opening the sentence as the source of what it reports ("USGS
 * said the update ..."): the subject of last resort. */
static int64_t opening_source(const struct lexicon *lx,
                              const struct sentence *s)
{
	size_t at = 0;

	while (at < s->len && !is_alnum((unsigned char)s->text[at]))
		at++;
	if (at + 4 < s->len && extract_ci_eq(s->text + at, "the ", 4))
		at += 4;
	if (s->n_ments == 0 || s->ments[0].start != at ||
	    s->ments[0].type == CDX_ENT_COMMODITY ||
	    (s->ments[0].from_text && s->ments[0].type == CDX_ENT_PERSON))
		return -1;
	return extract_grammar_at(lx, s, extract_skip_space(s, s->ments[0].end), G_SAID) ?
	       (int64_t)s->ments[0].id : -1;
}

/* A comma in [from, to). A mention may overlap the figure, so the span
 * can be empty or reversed: then there is no comma between them. */
static int has_comma(const struct sentence *s, size_t from, size_t to)
{
	return to > from && memchr(s->text + from, ',', to - from) != NULL;
}

/* A figure in brackets right after a name: "Peru (2.76 million tons)". */
static int64_t bracketed(const struct lexicon *lx, const struct sentence *s,
                         const struct figure *f)
{
	size_t at = f->start;

	while (at > 0 && is_space((unsigned char)s->text[at - 1]))
		at--;
	if (at == 0 || s->text[at - 1] != '(')
		return -1;
	at--;
	while (at > 0 && is_space((unsigned char)s->text[at - 1]))
		at--;
	for (size_t i = 0; i < s->n_ments; i++)
		if (s->ments[i].end == at && extract_is_candidate(lx, s, i))
			return s->ments[i].id;
	return -1;
}

/* A name right after the figure, joined by a "near" word only. */
static int64_t near_after(const struct lexicon *lx, const struct sentence *s,
                          const struct figure *f, size_t ce)
{
	for (size_t i = 0; i < s->n_ments; i++) {
		const struct ment *m = &s->ments[i];
		size_t at = extract_skip_space(s, f->end);
		const struct lex_entry *e;

		if (m->start < f->end || m->end > ce || !extract_is_candidate(lx, s, i))
			continue;
		if ((e = extract_grammar_at(lx, s, at, G_NEAR)) == NULL)
			return -1;
		at = extract_skip_space(s, at + e->len);
		if (at + 4 <= m->start && extract_ci_eq(s->text + at, "the ", 4))
			at += 4;
		return at == m->start ? (int64_t)m->id : -1;
	}
	return -1;
}

static int64_t pick_subject(const struct lexicon *lx,
                            const struct sentence *s, const struct figure *f,
                            const struct carry *cr,
                            const struct clause_cues *cc, int *world)
{
	size_t cs = cc->cs, ce = cc->ce, ie, i;
	int64_t id;

	if (f->label >= 0)
		return f->label; /* a table row: "China\n44,000,000" */
	ie = intro_end(lx, s, f->start);
	/* A tariff takes its target, named after the rate, else before. */
	if (cc->tariff) {
		for (i = 0; i < s->n_ments; i++)
			if (s->ments[i].start >= f->end && s->ments[i].end <= ce &&
			    extract_is_candidate(lx, s, i))
				return s->ments[i].id;
		if ((id = target_before(lx, s, f->start)) >= 0)
			return id;
	} else if (extract_grade_of(lx, s, f)) {
		return -1; /* about a material: no one's */
	}
	if ((id = bracketed(lx, s, f)) >= 0)
		return id;
	/* a world total ("global production was 197,000 tons") is about no
	 * entity, unless one is named right after ("by 24% in China") */
	if (extract_world_owned(lx, s, cs, f)) {
		*world = 1;
		return near_after(lx, s, f, ce);
	}
	/* "global end uses were estimated as follows: batteries, 88%": an
	 * item naming no one divides the world's whole */
	if (extract_world_list(lx, s, cs, ce)) {
		*world = 1;
		return -1;
	}
	if ((id = first_subject(lx, s, cs > ie ? cs : ie, f->start, cr, 0)) >= 0)
		return id;
	if ((id = near_after(lx, s, f, ce)) >= 0)
		return id;
	if ((id = back_ref(lx, s, cs > ie ? cs : ie, cr)) >= 0)
		return id;
	if ((id = first_subject(lx, s, cs > ie ? cs : ie, f->start, cr, 1)) >= 0)
		return id;
	/* "In the US, automakers represent 3 per cent": the introduction
	 * names the subject of the clause it opens. */
	for (i = 0; cs <= ie && i < s->n_ments && s->ments[i].end <= ie; i++)
		if (extract_is_candidate(lx, s, i))
			return s->ments[i].id;
	for (i = 0; i < s->n_ments; i++)
		if (s->ments[i].start >= f->end && s->ments[i].end <= ce &&
		    !has_comma(s, f->end, s->ments[i].start) &&
		    extract_is_candidate(lx, s, i))
			return s->ments[i].id;
	for (i = 0; i < s->n_ments && s->ments[i].end <= f->start; i++)
		if (extract_is_candidate(lx, s, i))
			return s->ments[i].id;
	if ((id = back_ref(lx, s, ie, cr)) >= 0)
		return id;
	if ((id = opening_source(lx, s)) >= 0)
		return id;
	/* "Rare earth elements consist of 17 elements": a clause whose
	 * subject is a commodity is about it, not about the document's
	 * topic. */
	if (extract_commodity_about(lx, s, cs > ie ? cs : ie, f))
		return -1;
	/* A label line just before ("Cuba" above "4%" in a flattened
	 * chart), else what the document is about. */
	if (cr->label >= 0)
		return cr->label;
	return cr->topic;
}

int64_t extract_assemble_claim(const struct lexicon *lx,
                               const struct gazetteer *gz,
                               const struct sentence *s, size_t fi,
                               const struct carry *cr, struct cdx_claim *c)
{
	const struct figure *f = &s->figs[fi];
	struct clause_cues *cc = &s->bufs->cues;
	size_t cs, ce, ps, pe;
	int64_t id, subj;
	int world = 0;

	if (f->kind == CDX_KIND_DATE)
		return -1; /* a date anchors other figures; it is about nothing */
	clause_of(s, f->start, f->end, &cs, &ce);
	extract_metric_scan(lx, s, f, cs, ce, cc);
	c->metric = extract_metric_pick(lx, s, f, cc);
	if (c->metric == NULL && extract_before_colon(s, cs, &ps, &pe)) {
		extract_metric_scan(lx, s, f, ps, pe, cc);
		c->metric = extract_metric_pick(lx, s, f, cc);
		/* the subject is the figure's own clause's */
		extract_metric_scan(lx, s, f, cs, ce, cc);
	}
	subj = pick_subject(lx, s, f, cr, cc, &world);
	/* a grade measures the material, whatever its clause's cues say
	 * ("Production, ... oxide, 99.5% minimum"): its purity, or its
	 * content of the commodity named, both metrics.tsv's "purity" (a
	 * "grade" cue would take "battery-grade" too) */
	if (!cc->tariff && extract_grade_of(lx, s, f))
		c->metric = extract_metric_named(lx, "purity");
	/* "global production was 197,000 tons": no subject, and the metric
	 * says whose it is */
	if (world && subj < 0 && c->metric)
		c->metric = extract_metric_world(lx, c->metric);
	if (subj >= 0)
		subj = extract_gz_actor(gz, (uint32_t)subj);
	c->subject = subj >= 0 ? extract_gz_name(gz, (uint32_t)subj) : NULL;
	id = extract_pick_commodity(lx, s, f, cs, ce, cr);
	c->commodity = id >= 0 ? extract_gz_name(gz, (uint32_t)id) : NULL;
	extract_pick_time(s, f, cs, c->time, sizeof(c->time));
	return subj;
}

/* Is the sentence nothing but its one mention (a label, a table cell)? */
static int is_label(const struct sentence *s)
{
	for (size_t k = 0; k < s->len; k++)
		if ((k < s->ments[0].start || k >= s->ments[0].end) &&
		    is_alnum((unsigned char)s->text[k]))
			return 0;
	return 1;
}

/* Countries make the better topic: they are what most figures of a
 * document without a named subject are about. Ties go to the first. */
static int better_topic(const struct gazetteer *gz, const struct carry *cr,
                        uint32_t a)
{
	int ca, ct;

	if (cr->topic < 0)
		return 1;
	if (a == cr->topic)
		return 0;
	ca = extract_gz_type(gz, a) == CDX_ENT_COUNTRY;
	ct = extract_gz_type(gz, (uint32_t)cr->topic) == CDX_ENT_COUNTRY;
	if (ca != ct)
		return ca ? cr->counts[a] * TOPIC_OTHER >= cr->counts[cr->topic] :
		            cr->counts[a] > cr->counts[cr->topic] * TOPIC_OTHER;
	return cr->counts[a] > cr->counts[cr->topic];
}

void extract_assemble_carry(const struct lexicon *lx,
                            const struct gazetteer *gz,
                    const struct sentence *s, struct carry *cr)
{
	int64_t subj = -1;
	size_t ie = intro_end(lx, s, s->len);

	cr->label = -1;
	if (s->n_ments == 1 && s->ments[0].type != CDX_ENT_COMMODITY &&
	    is_label(s))
		cr->label = s->ments[0].id;
	for (size_t i = 0; i < s->n_ments; i++) {
		const struct ment *m = &s->ments[i];

		cr->last[m->type] = m->id;
		if (m->type == CDX_ENT_COMMODITY) {
			cr->commodity = m->id;
			continue;
		}
		if (!extract_is_candidate(lx, s, i))
			continue;
		if (subj < 0 && m->start >= ie)
			subj = m->id;
		if (cr->counts) {
			uint32_t a = extract_gz_actor(gz, m->id);

			if (cr->counts[a]++ == 0)
				cr->counted[(*cr->n_counted)++] = a;
			if (better_topic(gz, cr, a))
				cr->topic = a;
		}
	}
	/* "Its output rose": the sentence is still about the last subject. */
	if (subj >= 0 && back_ref(lx, s, 0, cr) < 0)
		cr->subject = subj;
}
