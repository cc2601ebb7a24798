/*
 * extract.c — the public face of extractors/: loading the knowledge, the
 * per-thread scratch, and the loop over a document's sentences.
 *
 * Each sentence is handled in one pass: its entity mentions go into the
 * scratch's mention array, every match of the figure pattern into its
 * figure array (both reused from sentence to sentence, so the steady state
 * allocates nothing), then each figure becomes a claim with its subject,
 * commodity, metric and time. A sentence whose match hits a PCRE2 limit is
 * skipped whole and counted, because the corpus is untrusted input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"

#ifndef CDX_DATA_DIR
#define CDX_DATA_DIR "extractors/data"
#endif

/* PCRE2 limits per match: generous for prose, small enough that a
 * pathological sentence costs milliseconds, not minutes. */
#define MATCH_LIMIT 1000000u
#define DEPTH_LIMIT 10000u
#define HEAP_LIMIT_KIB 8192u
#define JIT_STACK_MAX ((size_t)512 * 1024)
/* Figures in one sentence: assembling a claim looks at every figure of
 * its sentence, so "1%1%1%..." (thousands of figures in one sentence)
 * would cost seconds per sentence; real sentences hold a few dozen. A
 * sentence with more is skipped like one that hits a PCRE2 limit. */
#define SENT_FIGS_MAX 256u
/* Longest piece of text handled as one sentence. Assembly looks at every
 * mention and figure of a sentence for each figure, so a text that was
 * never split (a 10 MB line) is cut into pieces of this size at a space:
 * real sentences are far shorter, and the cost stays linear. */
#define SENT_PIECE_MAX 2048u
/* Longest name taken from the text that a claim reports: eight words. */
#define NAME_FORM_MAX 128u

/* A claim of the current run whose subject is a name taken from the text:
 * its string goes to the claims' pool once the document is done, when the
 * name's longest form is known. */
struct fixup {
	size_t claim; /* index in the output array */
	uint32_t name; /* index in struct tnames */
	int slot;      /* -1: the subject; else the index in parties */
};

struct cdx_extract_scratch {
	const struct cdx_extractor *ex;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	struct ment *ments;
	size_t n_ments, cap_ments;
	struct figure *figs;
	size_t n_figs, cap_figs;
	struct cands cands; /* where the current sentence's names and
	                       triggers may be */
	struct assemble_bufs ab; /* clauses of the current sentence */
	uint32_t *counts; /* mentions per entity in the current document */
	uint32_t *counted; /* the entities of counts not 0 */
	size_t n_counted;
	struct tnames names; /* names taken from the current document */
	struct fixup *fix; /* claims whose subject is one of them */
	size_t n_fix, cap_fix;
	struct table_state table; /* unit a table header declared */
	struct firm_state firm; /* the company the title names */
};

/* Every currency with a context-dependent reading must name a known
 * entity, or the data has a typo that would silently never fire. */
static int check_alternatives(const struct cdx_extractor *ex,
                              struct cdx_error *err)
{
	for (size_t i = 0; i < ex->lx.units.n; i++) {
		const char *name = ex->lx.units.v[i].alt_entity;
		uint32_t id;

		if (name && extract_gz_lookup(ex->gz, name, &id) != CDX_OK)
			return cdx_error_set(err, CDX_ERR_FORMAT,
			                     "unknown entity '%s' in units.tsv",
			                     name);
	}
	return CDX_OK;
}

int cdx_extract_new(struct cdx_extractor **out, const char *data_dir,
                    struct cdx_error *err)
{
	struct cdx_extractor *ex;
	int rc;

	*out = NULL;
	if (data_dir == NULL)
		data_dir = getenv("CLAIMDEX_DATA");
	if (data_dir == NULL || data_dir[0] == '\0')
		data_dir = CDX_DATA_DIR;
	ex = calloc(1, sizeof(*ex));
	if (ex == NULL)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	if ((rc = extract_lexicon_load(&ex->lx, data_dir, err)) ||
	    (rc = extract_gz_load(&ex->gz, data_dir, err)) ||
	    (rc = check_alternatives(ex, err)) ||
	    (rc = extract_pattern_build(&ex->pat, &ex->lx, err)) ||
	    (rc = extract_triggers_build(&ex->trig, &ex->lx, err)) ||
	    (rc = extract_fingerprint_compute(data_dir, &ex->fingerprint,
	                                      err)))
		goto cleanup;
	extract_gz_filter(ex->gz, &ex->gzf);
	extract_tables_index(ex);
	*out = ex;
	return CDX_OK;
cleanup:
	cdx_extract_free(ex);
	return rc;
}

void cdx_extract_free(struct cdx_extractor *ex)
{
	if (ex == NULL)
		return;
	extract_pattern_release(&ex->pat);
	extract_triggers_release(&ex->trig);
	extract_gz_free(ex->gz);
	extract_lexicon_release(&ex->lx);
	free(ex);
}

int cdx_extract_scratch_new(struct cdx_extract_scratch **out,
                            const struct cdx_extractor *ex,
                            struct cdx_error *err)
{
	struct cdx_extract_scratch *s;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	s->ex = ex;
	s->md = pcre2_match_data_create_from_pattern(ex->pat.code, NULL);
	s->mctx = pcre2_match_context_create(NULL);
	s->jit = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX, NULL);
	s->counts = calloc(extract_gz_count(ex->gz) + TNAME_MAX + 1,
	                   sizeof(*s->counts));
	s->counted = malloc((extract_gz_count(ex->gz) + TNAME_MAX + 1) *
	                    sizeof(*s->counted));
	if (s->md == NULL || s->mctx == NULL || s->jit == NULL ||
	    s->counts == NULL || s->counted == NULL) {
		cdx_extract_scratch_free(s);
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	}
	pcre2_set_match_limit(s->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(s->mctx, DEPTH_LIMIT);
	pcre2_set_heap_limit(s->mctx, HEAP_LIMIT_KIB);
	pcre2_jit_stack_assign(s->mctx, NULL, s->jit);
	*out = s;
	return CDX_OK;
}

void cdx_extract_scratch_free(struct cdx_extract_scratch *s)
{
	if (s == NULL)
		return;
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	pcre2_jit_stack_free(s->jit);
	free(s->ments);
	free(s->figs);
	extract_cands_release(&s->cands);
	free(s->ab.cuts);
	free(s->ab.refs);
	free(s->ab.cues.v);
	free(s->counts);
	free(s->counted);
	free(s->fix);
	free(s);
}

void extract_scratch_set_match_limit(struct cdx_extract_scratch *s,
                                     uint32_t limit)
{
	pcre2_set_match_limit(s->mctx, limit);
}

/* Grow @p *v (of @p size-byte items) to hold one more than @p n. */
static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return CDX_OK;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / size)
		return CDX_ERR_NOMEM;
	p = realloc(*v, ncap * size);
	if (p == NULL)
		return CDX_ERR_NOMEM;
	*v = p;
	*cap = ncap;
	return CDX_OK;
}

/* ----------------------------------------------------------- mentions */

/* The next mention at or after *pos in [t, t+len); advances *pos. */
static int next_mention(const struct gazetteer *g, const char *t, size_t len,
                        size_t *pos, struct ment *m)
{
	size_t start, end;
	uint32_t id;

	if (!extract_gz_next(g, t, len, pos, &start, &end, &id))
		return 0;
	m->start = (uint32_t)start;
	m->end = (uint32_t)end;
	m->id = id;
	m->type = extract_gz_type(g, id);
	m->from_text = 0;
	return 1;
}

int cdx_extract_mentions(const struct cdx_extractor *ex,
                         struct cdx_extract_scratch *s, const char *text,
                         size_t len, cdx_mention_fn fn, void *ctx)
{
	size_t pos = 0;
	struct ment m;

	(void)s;
	while (next_mention(ex->gz, text, len, &pos, &m)) {
		struct cdx_mention cm;
		int rc;

		cm.start = m.start;
		cm.end = m.end;
		cm.name = extract_gz_name(ex->gz, m.id);
		cm.type = m.type;
		cm.id = m.id;
		if ((rc = fn(ctx, &cm)) != 0)
			return rc;
	}
	return 0;
}

int cdx_extract_entity_lookup(const struct cdx_extractor *ex,
                              const char *name, const char **out,
                              enum cdx_entity_type *type)
{
	uint32_t id;
	int rc = extract_gz_lookup(ex->gz, name, &id);

	if (rc != CDX_OK)
		return rc;
	if (out)
		*out = extract_gz_name(ex->gz, id);
	if (type)
		*type = extract_gz_type(ex->gz, id);
	return CDX_OK;
}

/* Does the document name entity @p name anywhere? (-1: not known yet) */
static int doc_names(const struct cdx_extractor *ex, const struct cdx_doc *doc,
                     const char *name)
{
	size_t pos = 0;
	struct ment m;

	while (next_mention(ex->gz, doc->text, doc->len, &pos, &m))
		if (strcmp(extract_gz_name(ex->gz, m.id), name) == 0)
			return 1;
	return 0;
}

/* ---------------------------------------------------------- sentences */

/* Words a comparison's base may put between its "from" and its year
 * ("from that in 2024", "from 222,000 tons in 2024"). */
#define BASE_WORDS 4

/* Is the date at @p at a comparison's base: a words.tsv "base" word at
 * most BASE_WORDS words before it, with no clause break between? */
static int comparison_base(const struct lexicon *lx, const char *t,
                           size_t at)
{
	for (unsigned k = 0; k <= BASE_WORDS && at > 0; k++) {
		size_t e = at, w;

		while (e > 0 && t[e - 1] == ' ')
			e--;
		w = e;
		while (w > 0 && t[w - 1] != ' ' && t[w - 1] != ';' &&
		       !(t[w - 1] == ',' && !(w > 1 && t[w - 2] >= '0' &&
		                              t[w - 2] <= '9')))
			w--;
		if (w == e)
			return 0; /* a break, or the sentence's start */
		if (extract_lex_find(&lx->words, W_BASE, t + w, e - w))
			return 1;
		at = w;
	}
	return 0;
}

/* A month stated without its year ("As of September, production started
 * in 2025") takes the year stated nearest in its sentence, when there is
 * one, rather than the last year stated before. */
static void month_years(struct figure *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t best = n, d, bd = SIZE_MAX;

		if (f[i].kind != CDX_KIND_DATE || f[i].year || !f[i].month ||
		    f[i].relative)
			continue;
		for (size_t k = 0; k < n; k++) {
			if (f[k].kind != CDX_KIND_DATE || f[k].year == 0)
				continue;
			d = f[k].start > f[i].start ? f[k].start - f[i].start :
			                              f[i].start - f[k].start;
			if (d < bd) {
				bd = d;
				best = k;
			}
		}
		if (best < n)
			snprintf(f[i].date, sizeof(f[i].date), f[i].day ?
			         "%04d-%02d-%02d" : "%04d-%02d", f[best].year,
			         f[i].month, f[i].day);
	}
}

/* Find mentions and figures of one sentence into the scratch. Returns
 * CDX_OK, CDX_ERR_LIMIT when PCRE2 gave up, or CDX_ERR_NOMEM. */
static int scan_sentence(const struct cdx_extractor *ex,
                         struct cdx_extract_scratch *s, const char *t,
                         size_t len, int *last_year, const int doc_ym[2])
{
	struct figure_ctx fc = {&ex->lx, &ex->pat, t, len, *last_year,
	                        doc_ym[0], doc_ym[1], ""};
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
	size_t pos = 0, ci = 0, start, end, k;
	uint32_t id;

	s->n_ments = 0;
	s->n_figs = 0;
	/* one pass over the words finds where names and triggers may be
	 * (scan.c); the two scans below read only those places */
	if (extract_cands_scan(&s->cands, &ex->gzf, &ex->trig, t, len))
		return CDX_ERR_NOMEM;
	while (extract_gz_next_cand(ex->gz, t, len, &s->cands, &ci, &pos,
	                            &start, &end, &id)) {
		struct ment *m;

		if (grow((void **)&s->ments, &s->cap_ments, s->n_ments,
		         sizeof(*s->ments)))
			return CDX_ERR_NOMEM;
		m = &s->ments[s->n_ments++];
		m->start = (uint32_t)start;
		m->end = (uint32_t)end;
		m->id = id;
		m->type = extract_gz_type(ex->gz, id);
		m->from_text = 0;
	}
	if (extract_tnames_scan(&ex->lx, &s->names, &s->cands.bm, t, len,
	                        (uint32_t)extract_gz_count(ex->gz), &s->ments,
	                        &s->n_ments, &s->cap_ments))
		return CDX_ERR_NOMEM;
	/* "calculated in US dollars": the currency's name, no one acting */
	k = 0;
	for (size_t i = 0; i < s->n_ments; i++)
		if (!(s->ments[i].type == CDX_ENT_COUNTRY &&
		      extract_currency_unit(&ex->lx, t, len, s->ments[i].start,
		                            s->ments[i].end)))
			s->ments[k++] = s->ments[i];
	s->n_ments = k;
	/* Only a window ending at each trigger goes to PCRE2 (scan.c). */
	pos = 0;
	ci = 0;
	while (pos < len) {
		struct figure f[2];
		size_t at = extract_next_trigger_cand(&ex->trig, t, len,
		                                      &s->cands, &ci, pos), ws;
		int rc, nf, dates;

		if (at >= len)
			break;
		if (is_alnum((unsigned char)t[at]) && t[at] > '9' &&
		    (nf = extract_agreement_at(&ex->lx, t, len, at, f,
		                               &pos)) >= 0) {
			if (nf == 1) {
				if (grow((void **)&s->figs, &s->cap_figs,
				         s->n_figs, sizeof(*s->figs)))
					return CDX_ERR_NOMEM;
				s->figs[s->n_figs++] = f[0];
			}
			continue;
		}
		/* a fraction with no "of" after it, a "year" with no "last"
		 * before it: no match can hold them (scan.c) */
		if (t[at] > '9' && extract_trigger_hopeless(&ex->trig, t, len,
		                                            at)) {
			pos = at + 1;
			continue;
		}
		pcre2_set_offset_limit(s->mctx, at);
		/* where no date can match, the pattern without its date
		 * branch (datecheck.c) */
		ws = extract_window_start(&ex->trig, t, pos, at);
		dates = extract_date_possible(&ex->trig, t, len, at);
		rc = extract_pattern_match(&ex->pat, dates, t, len, ws, s->md,
		                           s->mctx);
		if (rc == PCRE2_ERROR_NOMATCH) {
			pos = at + 1; /* every start up to the trigger failed */
			continue;
		}
		if (rc < 0)
			return CDX_ERR_LIMIT; /* limits, or a PCRE2 failure */
		nf = extract_figure_from_match(&fc, ov, f);
		for (int i = 0; i < nf; i++) {
			if (grow((void **)&s->figs, &s->cap_figs, s->n_figs,
			         sizeof(*s->figs)))
				return CDX_ERR_NOMEM;
			s->figs[s->n_figs++] = f[i];
			if (f[i].kind == CDX_KIND_DATE && f[i].year &&
			    !comparison_base(&ex->lx, t, f[i].start))
				fc.last_year = f[i].year;
			if (f[i].kind == CDX_KIND_COUNT)
				memcpy(fc.prev_count, f[i].unit,
				       sizeof fc.prev_count);
		}
		pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	*last_year = fc.last_year;
	month_years(s->figs, s->n_figs);
	return extract_table_lines(ex, &s->table, s->ments, s->n_ments,
	                           &s->figs, &s->n_figs, &s->cap_figs, t, len);
}

/* A running header names a periodical (grammar.tsv "masthead"), at the
 * document's head: in a sentence starting in its first MASTHEAD_HEAD
 * bytes, on a line of at most MASTHEAD_LINE bytes. */
#define MASTHEAD_HEAD 1024
#define MASTHEAD_LINE 160

/* Does line [ls, le) of @p sen hold a mention or a figure of @p s? */
static int line_holds(const struct cdx_extract_scratch *s, size_t ls,
                      size_t le)
{
	for (size_t i = 0; i < s->n_ments; i++)
		if (s->ments[i].start >= ls && s->ments[i].end <= le)
			return 1;
	for (size_t i = 0; i < s->n_figs; i++)
		if (s->figs[i].start >= ls && s->figs[i].end <= le)
			return 1;
	return 0;
}

/* Does line [ls, le) of @p sen name a periodical and end in no full stop? */
static int masthead_line(const struct lexicon *lx, const struct sentence *sen,
                         size_t ls, size_t le)
{
	if (le - ls > MASTHEAD_LINE || sen->text[le - 1] == '.')
		return 0;
	for (size_t at = ls; at < le; at++)
		if (extract_word_start(sen, at) &&
		    extract_grammar_at(lx, sen, at, G_MASTHEAD))
			return 1;
	return 0;
}

/* Drop the mentions and figures on the lines of @p sen that are a running
 * header ("U.S. Geological Survey, Mineral Commodity Summaries, February
 * 2026" above the text): the print's publisher, title and date are no
 * claim, and no figure of the text is about them. */
static void drop_masthead(const struct lexicon *lx,
                          struct cdx_extract_scratch *s,
                          const struct sentence *sen)
{
	size_t ls = 0;

	while (ls < sen->len) {
		const char *nl = memchr(sen->text + ls, '\n', sen->len - ls);
		size_t le = nl ? (size_t)(nl - sen->text) : sen->len, k = 0;

		/* a line with nothing to drop is not read */
		if (le > ls && le - ls <= MASTHEAD_LINE && line_holds(s, ls, le) &&
		    masthead_line(lx, sen, ls, le)) {
			for (size_t i = 0; i < s->n_ments; i++)
				if (s->ments[i].end <= ls || s->ments[i].start >= le)
					s->ments[k++] = s->ments[i];
			s->n_ments = k;
			k = 0;
			for (size_t i = 0; i < s->n_figs; i++)
				if (s->figs[i].end <= ls || s->figs[i].start >= le)
					s->figs[k++] = s->figs[i];
			s->n_figs = k;
		}
		ls = le + 1;
	}
}

static int push_claim(struct cdx_claims *out, const struct cdx_claim *c)
{
	if (grow((void **)&out->v, &out->cap, out->n, sizeof(*out->v)))
		return CDX_ERR_NOMEM;
	out->v[out->n++] = *c;
	return CDX_OK;
}

static int add_fixup(struct cdx_extract_scratch *s, size_t claim,
                     uint32_t name, int slot)
{
	if (grow((void **)&s->fix, &s->cap_fix, s->n_fix, sizeof(*s->fix)))
		return CDX_ERR_NOMEM;
	s->fix[s->n_fix].claim = claim;
	s->fix[s->n_fix].name = name;
	s->fix[s->n_fix].slot = slot;
	s->n_fix++;
	return CDX_OK;
}

/* The parties of agreement claim @p c (the last of @p out): every entity
 * that can act (no commodity), named in its sentence, each once, in text
 * order, a head of state as the country it acts for; the first is the
 * subject. With none named, the subject the assembler chose (the one of
 * the sentence before) stays. Names taken from the text get fixups. */
static int agreement_parties(const struct cdx_extractor *ex,
                             struct cdx_extract_scratch *s,
                             const struct figure *f,
                             struct cdx_claims *out, int64_t *subj)
{
	struct cdx_claim *c = &out->v[out->n - 1];
	uint32_t ids[CDX_CLAIM_PARTIES_MAX];
	uint32_t n_gz = (uint32_t)extract_gz_count(ex->gz);
	unsigned n = 0;

	for (size_t i = 0; i < s->n_ments && n < CDX_CLAIM_PARTIES_MAX; i++) {
		const struct ment *m = &s->ments[i];
		uint32_t id = extract_gz_actor(ex->gz, m->id);
		unsigned k;

		/* a commodity is no party, nor a person speaking for one,
		 * nor the agreement's own name taken as a name */
		if (m->type == CDX_ENT_COMMODITY ||
		    (m->from_text && m->start < f->end && m->end > f->start) ||
		    (m->type == CDX_ENT_PERSON && id == m->id) ||
		    (id >= n_gz && s->names.v[id - n_gz].person))
			continue;
		for (k = 0; k < n && ids[k] != id; k++)
			;
		if (k < n)
			continue;
		ids[n] = id;
		c->parties[n] = extract_gz_name(ex->gz, id);
		if (id >= n_gz && add_fixup(s, out->n - 1, id - n_gz, (int)n))
			return CDX_ERR_NOMEM;
		n++;
	}
	c->n_parties = n;
	if (n > 0) {
		c->subject = c->parties[0];
		*subj = ids[0];
	}
	return CDX_OK;
}

/* Give the claims whose subject is a name taken from the text their
 * string: one copy per name in the pool of @p out. */
static int pool_names(struct cdx_extract_scratch *s, struct cdx_claims *out)
{
	char form[NAME_FORM_MAX];

	for (size_t i = 0; i < s->names.n; i++)
		s->names.v[i].pooled = NULL;
	for (size_t i = 0; i < s->n_fix; i++) {
		struct tname *e = &s->names.v[s->fix[i].name];

		if (e->pooled == NULL) {
			size_t n = extract_tname_form(&s->names, s->fix[i].name,
			                              form, sizeof(form));

			if (cdx_claims_strdup(out, form, n, &e->pooled))
				return CDX_ERR_NOMEM;
		}
		if (s->fix[i].slot < 0)
			out->v[s->fix[i].claim].subject = e->pooled;
		else
			out->v[s->fix[i].claim].parties[s->fix[i].slot] =
			        e->pooled;
	}
	return CDX_OK;
}

static int year_of(const char *date)
{
	int y = 0;

	if (date == NULL)
		return 0;
	for (int i = 0; i < 4; i++) {
		if (date[i] < '0' || date[i] > '9')
			return 0;
		y = y * 10 + (date[i] - '0');
	}
	return y;
}

/* The month of an ISO date "2025-05...", or 0. */
static int month_of(const char *date)
{
	int m;

	if (year_of(date) == 0 || date[4] != '-' || date[5] < '0' ||
	    date[5] > '1' || date[6] < '0' || date[6] > '9')
		return 0;
	m = (date[5] - '0') * 10 + (date[6] - '0');
	return m >= 1 && m <= 12 ? m : 0;
}

/* The next piece of sentence @p sp from *done on (see SENT_PIECE_MAX);
 * *done is where the piece ends, or 0 once the sentence is finished. */
static struct cdx_span next_piece(const char *text, struct cdx_span sp,
                                  uint32_t *done)
{
	struct cdx_span p = {*done > sp.start ? *done : sp.start, sp.end};

	if (p.end - p.start > SENT_PIECE_MAX) {
		uint32_t e = p.start + SENT_PIECE_MAX;

		while (e > p.start + SENT_PIECE_MAX / 2 &&
		       !is_space((unsigned char)text[e]))
			e--;
		if (e == p.start + SENT_PIECE_MAX / 2)
			e = p.start + SENT_PIECE_MAX;
		p.end = e;
	}
	*done = p.end < sp.end ? p.end : 0;
	return p;
}

int cdx_extract_run(const struct cdx_extractor *ex,
                    struct cdx_extract_scratch *s, const struct cdx_doc *doc,
                    struct cdx_claims *out, unsigned *n_limit_hits,
                    struct cdx_error *err)
{
	struct carry cr;
	struct cdx_span whole = {0, (uint32_t)doc->len};
	const struct cdx_span *sents = doc->sents;
	size_t n_sents = doc->n_sents;
	int last_year = year_of(doc->date);
	int doc_ym[2] = {last_year, month_of(doc->date)};
	uint32_t cut = 0; /* how far the current sentence is done */
	int alt_known = -1;
	const char *alt_name = NULL;
	int64_t n_gz = (int64_t)extract_gz_count(ex->gz);
	const char *prev_metric; /* of the sentence's last figure with one */
	enum cdx_claim_kind prev_kind = CDX_KIND_PERCENT;

	cr.subject = cr.commodity = cr.topic = cr.label = -1;
	for (int t = 0; t < CDX_ENT_TYPE_COUNT_; t++)
		cr.last[t] = -1;
	/* only the entities the last document counted are not 0: clearing
	 * those beats clearing the table of every entity */
	for (size_t i = 0; i < s->n_counted; i++)
		s->counts[s->counted[i]] = 0;
	s->n_counted = 0;
	cr.counts = s->counts;
	cr.counted = s->counted;
	cr.n_counted = &s->n_counted;
	s->names.n = 0;
	s->n_fix = 0;
	if (out->n == 0)
		cdx_claims_clear(out);
	s->table.unit = NULL;
	s->table.scale = 1;
	extract_firm_reset(&s->firm, doc->title);
	/* A document that was never split is one long sentence. */
	if (n_sents == 0 && doc->len > 0) {
		sents = &whole;
		n_sents = 1;
	}
	for (size_t si = 0; si < n_sents; si++) {
		struct cdx_span piece = next_piece(doc->text, sents[si], &cut);
		const char *t = doc->text + piece.start;
		size_t len = piece.end - piece.start;
		struct sentence sen;
		int rc;

		if (piece.end < sents[si].end)
			si--; /* more of this sentence to come */

		rc = scan_sentence(ex, s, t, len, &last_year, doc_ym);
		if (rc == CDX_OK && s->n_figs > SENT_FIGS_MAX)
			rc = CDX_ERR_LIMIT;
		if (rc == CDX_ERR_LIMIT) {
			if (n_limit_hits)
				(*n_limit_hits)++;
			continue;
		}
		if (rc)
			return cdx_error_set(err, rc, "out of memory extracting "
			                     "'%s'", doc->source ? doc->source : "");
		sen.text = t;
		sen.len = len;
		if (piece.start < MASTHEAD_HEAD)
			drop_masthead(&ex->lx, s, &sen);
		sen.ments = s->ments;
		sen.n_ments = s->n_ments;
		sen.figs = s->figs;
		sen.n_figs = s->n_figs;
		sen.bufs = &s->ab;
		sen.bm = &s->cands.bm;
		if (s->n_figs > 0 && extract_assemble_cuts(&ex->lx, &sen, &s->ab))
			return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory "
			                     "extracting '%s'",
			                     doc->source ? doc->source : "");
		if (s->n_figs == 0) {
			sen.cuts = NULL;
			sen.n_cuts = 0;
			sen.refs = NULL;
			sen.n_refs = 0;
		}
		extract_firm_table(&ex->lx, &s->firm, &sen);
		prev_metric = NULL;
		for (size_t fi = 0; fi < s->n_figs; fi++) {
			const struct figure *f = &s->figs[fi];
			struct cdx_claim c;
			int64_t subj;

			memset(&c, 0, sizeof(c));
			c.kind = f->kind;
			c.start = piece.start + f->start;
			c.end = piece.start + f->end;
			c.sent_start = piece.start;
			c.sent_end = piece.end;
			c.value = f->value;
			c.value_max = f->value_max;
			c.qualifier = f->qualifier;
			memcpy(c.value_str, f->date, sizeof(c.value_str));
			memcpy(c.unit, f->unit, sizeof(c.unit));
			memcpy(c.per, f->per, sizeof(c.per));
			if (f->alt_entity) {
				/* "¥": yen where the document is about Japan. */
				if (alt_name != f->alt_entity) {
					alt_name = f->alt_entity;
					alt_known = doc_names(ex, doc, alt_name);
				}
				if (alt_known == 1)
					snprintf(c.unit, sizeof(c.unit), "%s",
					         f->alt_unit);
			}
			if (f->kind != CDX_KIND_DATE &&
			    f->kind != CDX_KIND_AGREEMENT)
				c.change = extract_change_of(&ex->lx, t, len,
				                             f->start, f->end);
			subj = extract_assemble_claim(&ex->lx, ex->gz, &sen, fi,
			                              &cr, &c);
			/* a row of an earnings table is the title's company's
			 * ("Oper shr 22 cts vs 18 cts"), and so is what "it"
			 * means when the text named no one before */
			if (subj < 0 && f->kind != CDX_KIND_DATE &&
			    f->kind != CDX_KIND_AGREEMENT && s->firm.caps &&
			    (s->firm.table ||
			     extract_firm_pointed(&ex->lx, &sen)) &&
			    extract_firm_subject(&ex->lx, ex->gz, doc->title,
			                         &s->firm, out, &c.subject))
				return cdx_error_set(err, CDX_ERR_NOMEM,
				                     "out of memory extracting '%s'",
				                     doc->source ? doc->source : "");
			if (f->kind == CDX_KIND_AGREEMENT)
				c.metric = NULL;
			/* "51% of output, ahead of Chile with 26%": a figure
			 * whose clause names no measure shares the one the
			 * sentence's last figure of its kind had ("profits of
			 * £546m ($1.04bn), ahead of forecasts of £532m") */
			else if (c.metric == NULL && prev_metric &&
			         prev_kind == c.kind)
				c.metric = prev_metric;
			if (c.metric) {
				prev_metric = c.metric;
				prev_kind = c.kind;
			}
			if (push_claim(out, &c) ||
			    (f->kind == CDX_KIND_AGREEMENT &&
			     agreement_parties(ex, s, f, out, &subj)) ||
			    (subj >= n_gz && c.subject == NULL &&
			     out->v[out->n - 1].subject == NULL &&
			     add_fixup(s, out->n - 1, (uint32_t)(subj - n_gz), -1)))
				return cdx_error_set(err, CDX_ERR_NOMEM,
				                     "out of memory extracting '%s'",
				                     doc->source ? doc->source : "");
		}
		extract_assemble_carry(&ex->lx, ex->gz, &sen, &cr);
	}
	if (pool_names(s, out))
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory "
		                     "extracting '%s'",
		                     doc->source ? doc->source : "");
	return CDX_OK;
}
