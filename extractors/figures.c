/*
 * figures.c — from one match of the figure pattern to normalised figures:
 * the number (digits with separators, or words such as "twenty-five")
 * times its scale and unit factor, the unit, the qualifier, the span; or,
 * for the date branch, an ISO 8601 prefix.
 *
 * A number without a unit or currency is a count when a plural noun
 * follows it (kinds.c decides: "26 mines"); otherwise it is no figure:
 * "Section 232", "call 555-1234" and "at 10:30" all end here with no claim.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract_int.h"

/* A captured group: set when the group took part in the match. */
struct cap {
	const char *p;
	size_t n;
	size_t so, eo;
	int set;
};

static struct cap cap_of(const struct figure_ctx *fc, const PCRE2_SIZE *ov,
                         int g)
{
	struct cap c = {NULL, 0, 0, 0, 0};

	if (g <= 0 || ov[2 * g] == PCRE2_UNSET)
		return c;
	c.so = ov[2 * g];
	c.eo = ov[2 * g + 1];
	c.p = fc->sent + c.so;
	c.n = c.eo - c.so;
	c.set = 1;
	return c;
}

/* Four digits that read as a year (1000..2999), with nothing else. */
static int is_bare_year(const struct cap *n)
{
	if (!n->set || n->n != 4 || (n->p[0] != '1' && n->p[0] != '2'))
		return 0;
	for (size_t i = 1; i < 4; i++)
		if (n->p[i] < '0' || n->p[i] > '9')
			return 0;
	return 1;
}

/* Parse the text of a number group: "1,234.5", ".5", "six", "twenty-five",
 * "a dozen". Returns NAN when it is none of these. */
static double number_value(const struct lexicon *lx, const struct cap *c)
{
	char buf[64];
	size_t k = 0;
	const struct lex_entry *e;
	const char *dash;

	if (c->n == 0)
		return NAN;
	if (c->p[0] == '.' || (c->p[0] >= '0' && c->p[0] <= '9')) {
		uint64_t v = 0;
		int whole = 1;

		for (size_t i = 0; i < c->n && k + 1 < sizeof(buf); i++) {
			if (c->p[i] == ',')
				continue;
			whole &= c->p[i] >= '0' && c->p[i] <= '9';
			v = v * 10 + (uint64_t)(c->p[i] - '0');
			buf[k++] = c->p[i];
		}
		/* a whole number of up to 15 digits is exact in a double:
		 * strtod() would give the same, at many times the cost */
		if (whole && k <= 15)
			return (double)v;
		buf[k] = '\0';
		return strtod(buf, NULL);
	}
	e = extract_lex_find(&lx->numbers, LEX_WORD, c->p, c->n);
	if (e == NULL)
		e = extract_lex_find(&lx->numbers, LEX_APPROX, c->p, c->n);
	if (e)
		return e->value;
	/* "twenty-five": tens and units, each a number word. */
	dash = memchr(c->p, '-', c->n);
	if (dash) {
		const struct lex_entry *a, *b;

		a = extract_lex_find(&lx->numbers, LEX_WORD, c->p, (size_t)(dash - c->p));
		b = extract_lex_find(&lx->numbers, LEX_WORD, dash + 1,
		             c->n - (size_t)(dash - c->p) - 1);
		if (a && b)
			return a->value + b->value;
	}
	return NAN;
}

static double scale_value(const struct lexicon *lx, const struct cap *c)
{
	const struct lex_entry *e;

	if (!c->set)
		return 1;
	e = extract_lex_find(&lx->numbers, LEX_SCALE, c->p, c->n);
	return e ? e->value : 1;
}

static int int_of(const struct cap *c)
{
	int v = 0;

	for (size_t i = 0; i < c->n && c->p[i] >= '0' && c->p[i] <= '9'; i++)
		v = v * 10 + (c->p[i] - '0');
	return v;
}

static int month_of(const struct figure_ctx *fc, const struct cap *c)
{
	const struct lex_entry *e;

	e = extract_lex_find(&fc->lx->dates, D_MONTH, c->p, c->n);
	return e ? (int)e->value : 0;
}

/* snprintf(dst, cap, "%s", src) without the printf machinery: a figure
 * copies its unit, and printf costs more than the rest of the copy. */
static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Write @p v (below 10^width) in @p width digits, zeros before. */
static size_t put_digits(char *p, unsigned v, int width)
{
	for (int k = width - 1; k >= 0; k--) {
		p[k] = (char)('0' + v % 10);
		v /= 10;
	}
	return (size_t)width;
}

static void set_date(struct figure *f, int year, int month, int day)
{
	f->year = year;
	f->month = (uint8_t)month;
	f->day = (uint8_t)day;
	if (year == 0) {
		f->date[0] = '\0';
	} else if (year > 0 && year <= 9999 && month >= 0 && month <= 99 &&
	           day >= 0 && day <= 99) {
		/* "%04d-%02d-%02d" as below, by hand */
		char buf[16];
		size_t n = put_digits(buf, (unsigned)year, 4);

		if (month) {
			buf[n++] = '-';
			n += put_digits(buf + n, (unsigned)month, 2);
			if (day) {
				buf[n++] = '-';
				n += put_digits(buf + n, (unsigned)day, 2);
			}
		}
		buf[n] = '\0';
		copy_str(f->date, sizeof(f->date), buf);
	} else if (month == 0) {
		snprintf(f->date, sizeof(f->date), "%04d", year);
	} else if (day == 0) {
		snprintf(f->date, sizeof(f->date), "%04d-%02d", year, month);
	} else {
		snprintf(f->date, sizeof(f->date), "%04d-%02d-%02d", year,
		         month, day);
	}
}

static void figure_init(struct figure *f, enum cdx_claim_kind kind)
{
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->value = NAN;
	f->value_max = NAN;
	f->qualifier = CDX_QUAL_EXACT;
	f->label = -1;
}

/* Is the word before @p at (or before an "of" there) a capitalised word
 * inside a sentence, so that a year at @p at belongs to a name? */
static int in_name(const struct figure_ctx *fc, size_t at)
{
	for (int hop = 0; hop < 2; hop++) {
		size_t e = at, s;

		while (e > 0 && fc->sent[e - 1] == ' ')
			e--;
		s = e;
		while (s > 0 && is_alnum((unsigned char)fc->sent[s - 1]))
			s--;
		if (s == e)
			return 0;
		if (fc->sent[s] >= 'A' && fc->sent[s] <= 'Z') {
			size_t b = s;

			while (b > 0 && fc->sent[b - 1] == ' ')
				b--;
			/* the first word of a sentence is capitalised anyway */
			return b > 0 && fc->sent[b - 1] != '\n' &&
			       !(fc->sent[b - 1] == '.' && b > 1 &&
			         fc->sent[b - 2] >= 'a' && fc->sent[b - 2] <= 'z');
		}
		if (!(e - s == 2 && fc->sent[s] == 'o' && fc->sent[s + 1] == 'f'))
			return 0;
		at = s;
	}
	return 0;
}

/* "last year", "in May this year", "next month": resolved against the
 * document's own date, else no value (the text is kept). */
static void relative_date(const struct figure_ctx *fc, const PCRE2_SIZE *ov,
                          struct figure *f)
{
	const struct pattern_groups *g = &fc->pat->g;
	struct cap n = cap_of(fc, ov, g->dreln), u = cap_of(fc, ov, g->drelu);
	struct cap m = cap_of(fc, ov, g->dmon4);
	const struct lex_entry *ne, *ue;
	int y = fc->doc_year, mo = fc->doc_month, k;

	ne = extract_lex_find(&fc->lx->dates, D_REL, n.p, n.n);
	ue = extract_lex_find(&fc->lx->dates, D_RELUNIT, u.p, u.n);
	f->relative = 1;
	if (ne == NULL || ue == NULL || y == 0)
		return;
	k = (int)ne->value;
	if (ue->value == 1) {
		set_date(f, y + k, m.set ? month_of(fc, &m) : 0, 0);
	} else if (ue->value == 2 && mo > 0) {
		mo += k;
		y += mo < 1 ? -1 : mo > 12 ? 1 : 0;
		mo = mo < 1 ? mo + 12 : mo > 12 ? mo - 12 : mo;
		set_date(f, y, mo, 0);
	}
	f->year = 0; /* inferred: does not become the last year stated */
}

/* The date branch. Returns 1 with *f filled, or 0 when it is no date. */
static int date_from_match(const struct figure_ctx *fc, const PCRE2_SIZE *ov,
                           struct figure *f)
{
	const struct pattern_groups *g = &fc->pat->g;
	struct cap prep = cap_of(fc, ov, g->dprep);
	struct cap c;
	int day = 0;

	figure_init(f, CDX_KIND_DATE);
	f->start = (uint32_t)ov[0];
	f->end = (uint32_t)ov[1];
	if ((c = cap_of(fc, ov, g->dyear)).set) {
		struct cap d = cap_of(fc, ov, g->dday);
		struct cap m = cap_of(fc, ov, g->dmon);

		set_date(f, int_of(&c), month_of(fc, &m), d.set ? int_of(&d) : 0);
	} else if ((c = cap_of(fc, ov, g->dyear2)).set) {
		struct cap d = cap_of(fc, ov, g->dday2);
		struct cap m = cap_of(fc, ov, g->dmon2);

		set_date(f, int_of(&c), month_of(fc, &m), int_of(&d));
	} else if ((c = cap_of(fc, ov, g->dday2)).set) {
		struct cap m = cap_of(fc, ov, g->dmon2);

		/* "said 9 April": the day before the month makes it a date
		 * without a preposition. Its year is the document's own; the
		 * year last stated is often a story's past ("until 21 March"
		 * after "in 1953"), so without a document date there is no
		 * value and the text is kept (unless its sentence states a year:
		 * month_years). */
		set_date(f, fc->doc_year, month_of(fc, &m), int_of(&c));
		f->year = 0;
	} else if ((c = cap_of(fc, ov, g->diso)).set) {
		struct cap m = {c.p + 5, 2, 0, 0, 1};
		struct cap d = {c.p + 8, 2, 0, 0, 1};

		set_date(f, int_of(&c), int_of(&m), c.n > 7 ? int_of(&d) : 0);
	} else if ((c = cap_of(fc, ov, g->dyear3)).set) {
		struct cap y2 = cap_of(fc, ov, g->dyear4);

		/* "Summaries 2025", "Final 2025 List", "Act of 1962": a year
		 * in a name labels it */
		if (!prep.set && !y2.set && in_name(fc, c.so))
			return 0;
		set_date(f, int_of(&c), 0, 0);
		if (y2.set)
			f->value_max = int_of(&y2);
	} else if ((c = cap_of(fc, ov, g->dreln)).set) {
		relative_date(fc, ov, f);
	} else if ((c = cap_of(fc, ov, g->dmon3)).set) {
		struct cap d = cap_of(fc, ov, g->dday3);

		/* A month alone is a date only after a preposition ("in
		 * October"); it takes the year last stated, when there is one. */
		if (!prep.set)
			return 0;
		if (d.set)
			day = int_of(&d);
		set_date(f, fc->last_year, month_of(fc, &c), day);
		f->year = 0; /* inferred: does not become the new last year */
	} else {
		return 0;
	}
	return 1;
}

/* The word just before offset @p at in the sentence, as [*w, *w + *n). */
static void word_before(const struct figure_ctx *fc, size_t at,
                        const char **w, size_t *n)
{
	size_t e = at, s;

	while (e > 0 && is_space((unsigned char)fc->sent[e - 1]))
		e--;
	s = e;
	while (s > 0 && is_alnum((unsigned char)fc->sent[s - 1]))
		s--;
	*w = fc->sent + s;
	*n = e - s;
}

/* Does a figure end right before offset @p at ("10% greater than", "14
 * percent more than", "5 times more than")? Then the words after it make
 * a comparison, not a qualifier of what follows. */
static int compared(const struct figure_ctx *fc, size_t at)
{
	size_t w;

	while (at > 0 && is_space((unsigned char)fc->sent[at - 1]))
		at--;
	if (at > 0 && fc->sent[at - 1] == '%')
		return 1;
	w = at;
	while (at > 0 && is_alnum((unsigned char)fc->sent[at - 1]))
		at--;
	if (at == w)
		return 0;
	if (!(w - at == 5 && strncasecmp(fc->sent + at, "times", 5) == 0) &&
	    !extract_lex_find(&fc->lx->units, U_PERCENT, fc->sent + at, w - at))
		return 0;
	while (at > 0 && is_space((unsigned char)fc->sent[at - 1]))
		at--;
	return at > 0 && fc->sent[at - 1] >= '0' && fc->sent[at - 1] <= '9';
}

/* "about two-thirds of", "half of": a share as a percent, unless the
 * word before makes it a part of a period or a whole ("the first half of
 * 2005", "the other half of"). Returns 1 with *f filled, or 0. */
static int share_from_match(const struct figure_ctx *fc, const PCRE2_SIZE *ov,
                            const struct cap *fr, struct figure *f)
{
	const struct lexicon *lx = fc->lx;
	struct cap q = cap_of(fc, ov, fc->pat->g.q);
	const struct lex_entry *e, *qe = NULL;
	const char *w;
	size_t wn;

	e = extract_lex_find(&lx->numbers, LEX_FRACTION, fr->p, fr->n);
	if (e == NULL)
		return 0;
	word_before(fc, q.set ? q.so : fr->so, &w, &wn);
	if (wn > 0 && extract_lex_find(&lx->words, W_NOTSHARE, w, wn))
		return 0;
	figure_init(f, CDX_KIND_PERCENT);
	f->value = e->value;
	copy_str(f->unit, sizeof(f->unit), "%");
	f->start = (uint32_t)ov[0];
	f->end = (uint32_t)fr->eo;
	if (q.set && (qe = extract_lex_find(&lx->quals, -1, q.p, q.n)) &&
	    qe->cls != CDX_QUAL_RANGE)
		f->qualifier = (enum cdx_qualifier)qe->cls;
	else if (q.set)
		f->start = (uint32_t)fr->so;
	return 1;
}

int extract_figure_from_match(const struct figure_ctx *fc, const PCRE2_SIZE *ov,
                      struct figure out[2])
{
	const struct pattern_groups *g = &fc->pat->g;
	const struct lexicon *lx = fc->lx;
	struct cap q, btw, fr, cur, n, sc, sep, cur2, n2, sc2, u, per;
	const struct lex_entry *ue = NULL, *ce = NULL, *pe = NULL, *qe = NULL;
	struct figure *f = &out[0];
	double v, v2 = NAN, factor = 1;
	const char *w;
	size_t wn, count_end = 0;

	if ((fr = cap_of(fc, ov, g->fr)).set)
		return share_from_match(fc, ov, &fr, f);
	if (cap_of(fc, ov, g->n).set == 0)
		return date_from_match(fc, ov, f);
	q = cap_of(fc, ov, g->q);
	btw = cap_of(fc, ov, g->btw);
	cur = cap_of(fc, ov, g->cur);
	n = cap_of(fc, ov, g->n);
	sc = cap_of(fc, ov, g->sc);
	sep = cap_of(fc, ov, g->sep);
	cur2 = cap_of(fc, ov, g->cur2);
	n2 = cap_of(fc, ov, g->n2);
	sc2 = cap_of(fc, ov, g->sc2);
	u = cap_of(fc, ov, g->u);
	per = cap_of(fc, ov, g->per);
	if (!per.set)
		per = cap_of(fc, ov, g->per2);

	if (u.set)
		ue = extract_lex_find(&lx->units, -1, u.p, u.n);
	if (ue && ue->scaled && !sc.set)
		return 0; /* "3 won three awards" */
	if (ue && ue->verb && !sc.set && !cur.set && is_bare_year(&n))
		return 0; /* "1986 marks a turning point": a year */
	if (cur.set)
		ce = extract_lex_find(&lx->units, U_CURRENCY, cur.p, cur.n);
	if (ce == NULL && (ue == NULL || ue->cls == U_PER)) {
		/* a bare number: a count when a plural noun follows */
		size_t noun_end;
		double cv = number_value(lx, &n) * scale_value(lx, &sc);

		if (per.set || cur2.set || isnan(cv))
			return 0;
		figure_init(f, CDX_KIND_COUNT);
		/* the noun agrees with a range's upper end: "between one and
		 * 100 companies" */
		if (n2.set)
			cv = number_value(lx, &n2) * scale_value(lx, &sc2);
		if (!extract_count_noun(lx, fc->sent, fc->len, n.so, ov[1], cv,
		                        fc->prev_count, &noun_end, f->unit,
		                        sizeof(f->unit))) {
			/* "26 mines (17 of which ...)": the same noun */
			if (!fc->prev_count[0] ||
			    !extract_count_partof(lx, fc->sent, fc->len, n.so,
			                          ov[1], cv))
				return 0;
			copy_str(f->unit, sizeof(f->unit), fc->prev_count);
			noun_end = ov[1];
		}
		count_end = noun_end;
	} else if (ce) {
		figure_init(f, CDX_KIND_MONEY);
		copy_str(f->unit, sizeof(f->unit), ce->unit);
		f->alt_unit = ce->alt_unit;
		f->alt_entity = ce->alt_entity;
	} else {
		figure_init(f, ue->cls == U_PERCENT ? CDX_KIND_PERCENT :
		               ue->cls == U_MASS ? CDX_KIND_MASS :
		               ue->cls == U_QUANTITY ? CDX_KIND_QUANTITY :
		                                   CDX_KIND_MONEY);
		copy_str(f->unit, sizeof(f->unit), ue->unit);
		/* tonnes, base units, or a currency's unit ("41 cts") */
		if (ue->cls != U_PERCENT)
			factor = ue->value;
	}

	v = number_value(lx, &n);
	if (isnan(v))
		return 0;
	if (n2.set) {
		v2 = number_value(lx, &n2);
		/* "3 to 5 million": the scale of the second applies to both. */
		if (!sc.set && sc2.set)
			v *= scale_value(lx, &sc2);
		v2 *= sc2.set ? scale_value(lx, &sc2) : scale_value(lx, &sc);
	}
	v *= scale_value(lx, &sc);
	f->value = v * factor;
	f->start = (uint32_t)ov[0];
	f->end = (uint32_t)(count_end ? count_end : ov[1]);

	if (per.set && f->kind == CDX_KIND_MONEY) {
		pe = extract_lex_find(&lx->units, U_PER, per.p, per.n);
		if (pe)
			copy_str(f->per, sizeof(f->per), pe->unit);
	} else if (per.set) {
		/* "5% a ton" means nothing here: end the span at the unit. */
		f->end = (uint32_t)(u.set ? u.eo : ov[1]);
	}
	if (ce && ue && (ue->cls == U_MASS || ue->cls == U_QUANTITY)) {
		/* "$5 tonnes" is no price: keep the money, drop the unit. */
		f->end = (uint32_t)(sc.set ? sc.eo : n.eo);
	}

	if (q.set && compared(fc, q.so)) {
		/* "10% greater than $10.0 billion": the reference value of a
		 * comparison, stated exactly; the words belong to the 10%. */
		f->start = (uint32_t)(cur.set ? cur.so : n.so);
	} else if (q.set && (qe = extract_lex_find(&lx->quals, -1, q.p, q.n)) &&
	           qe->cls != CDX_QUAL_RANGE) {
		f->qualifier = (enum cdx_qualifier)qe->cls;
	} else if (q.set && qe == NULL) {
		f->start = (uint32_t)(cur.set ? cur.so : n.so);
	}

	/* "hundreds of jobs": a vague number is a lower bound, read as
	 * approx unless a qualifier says more */
	if (f->qualifier == CDX_QUAL_EXACT &&
	    extract_lex_find(&lx->numbers, LEX_APPROX, n.p, n.n))
		f->qualifier = CDX_QUAL_APPROX;
	if (n2.set && !isnan(v2)) {
		word_before(fc, btw.set ? btw.so : (q.set ? q.so : ov[0]), &w,
		            &wn);
		if (sep.set && !btw.set && memchr(sep.p, 't', sep.n) &&
		    extract_lex_find(&lx->grammar, G_CHANGE, w, wn)) {
			/* "from 3 to 5 percent", "rose $1.64 to $47.10": two
			 * figures, not a range ("3-5%" stays a range). */
			out[1] = *f;
			f->end = (uint32_t)(sc.set ? sc.eo : n.eo);
			out[1].start = (uint32_t)(cur2.set ? cur2.so : n2.so);
			out[1].value = v2 * factor;
			out[1].qualifier = CDX_QUAL_EXACT;
			return 2;
		}
		f->value_max = v2 * factor;
		f->qualifier = CDX_QUAL_RANGE;
	}
	return 1;
}
