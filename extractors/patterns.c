/*
 * patterns.c — the one PCRE2 pattern that finds figures and dates in a
 * sentence, built at load time from the word lists.
 *
 * The pattern is an alternation: a date branch first (so "October 2027" is
 * a date, not the number 2027), then a figure branch: optional qualifier,
 * optional currency, a number with an optional scale, an optional range,
 * an optional unit and an optional "per" unit. Every word list enters as
 * an escaped alternation (extract_lex_alt, below: longest first, grouped
 * by leading bytes so PCRE2 tries only the words that can match), so
 * adding a unit is a data change. The whole pattern is guarded by one
 * "not inside a word" test. It runs in byte mode, not UTF mode: every
 * word it knows is ASCII or a fixed byte sequence (€, –), and byte mode
 * cannot fail on invalid UTF-8.
 * Named groups are resolved to numbers once, here.
 */
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"

/* Room for the pattern text: the word lists make it a few tens of KiB. */
#define PATTERN_MAX ((size_t)1 << 20)

/* Appends whose failure sticks in b->err, checked once at the end. */
static void put(struct cdx_buf *b, const char *s)
{
	int rc = cdx_buf_puts(b, s);

	(void)rc;
}

static void putch(struct cdx_buf *b, char c)
{
	int rc = cdx_buf_putc(b, c);

	(void)rc;
}

/* ------------------------------------------------------ alternations */

static int by_len_desc(const void *a, const void *b)
{
	const struct lex_entry *x = *(const struct lex_entry *const *)a;
	const struct lex_entry *y = *(const struct lex_entry *const *)b;

	if (x->len != y->len)
		return x->len < y->len ? 1 : -1;
	return strcmp(x->text, y->text);
}

/* Append one surface, escaped: PCRE2 treats a backslash before any ASCII
 * non-alphanumeric as that literal character. */
static void put_escaped(struct cdx_buf *b, const struct lex_entry *e)
{
	for (uint32_t i = 0; i < e->len; i++) {
		unsigned char c = (unsigned char)e->text[i];

		if (c == ' ') {
			if (cdx_buf_puts(b, "\\s+"))
				return;
		} else if (is_alnum(c)) {
			if (cdx_buf_putc(b, (char)c))
				return;
		} else if (c >= 0x80) {
			if (cdx_buf_printf(b, "\\x%02x", c))
				return;
		} else if (cdx_buf_putc(b, '\\') || cdx_buf_putc(b, (char)c)) {
			return;
		}
	}
}

/* The byte of a surface at @p depth that it is grouped under there:
 * letters folded, as the pattern is caseless; 256 past its end. */
static unsigned group_key(const struct lex_entry *e, unsigned depth)
{
	return depth < e->len ? lower((unsigned char)e->text[depth]) : 256;
}

/* Append the class of byte @p c: "\\s" for a space, else the byte. */
static int put_first(struct cdx_buf *b, unsigned char c)
{
	return c == ' ' ? cdx_buf_puts(b, "\\s") :
	                  cdx_buf_printf(b, "\\x%02x", c);
}

/* Append one alternative: @p e with its word boundaries. */
static int put_alt(struct cdx_buf *b, const struct lex_entry *e,
                   unsigned flags)
{
	int lead = (flags & ALT_LEAD_B) && is_alnum((unsigned char)e->text[0]);
	int trail = (flags & ALT_TRAIL_B) &&
	            is_alnum((unsigned char)e->text[e->len - 1]);

	if ((e->exact && cdx_buf_puts(b, "(?-i:")) ||
	    (lead && cdx_buf_puts(b, "\\b")))
		return CDX_ERR_NOMEM;
	put_escaped(b, e);
	if (b->err || (trail && cdx_buf_puts(b, "\\b")) ||
	    (e->exact && cdx_buf_putc(b, ')')))
		return CDX_ERR_NOMEM;
	return CDX_OK;
}

/* Append "(?=..[k])(?:": a test that byte @p depth of the text is @p k
 * (the bytes before it are one byte each, see put_alts()). */
static int put_guard(struct cdx_buf *b, unsigned depth, unsigned char k)
{
	if (cdx_buf_puts(b, "(?="))
		return CDX_ERR_NOMEM;
	for (unsigned d = 0; d < depth; d++)
		if (cdx_buf_puts(b, "[\\s\\S]"))
			return CDX_ERR_NOMEM;
	if (cdx_buf_putc(b, '[') || put_first(b, k) || cdx_buf_puts(b, "])(?:"))
		return CDX_ERR_NOMEM;
	return CDX_OK;
}

/* Group depth below which put_alts() splits a list by its bytes. */
#define GROUP_DEPTH 2

/*
 * Append the surfaces @p v (in the order they are to be tried) as
 * alternatives "a|b|...", one branch per byte at @p depth, each behind a
 * test of that byte, so that only the words sharing the text's byte there
 * are tried. Words with different bytes at one offset cannot both match
 * at one place, so regrouping them keeps the alternation's meaning as long
 * as the order holds within each group, and the words too short to have
 * that byte (shorter ones come last, longest first) stay last. Below the
 * first byte, only words whose first byte is one byte of text (not white
 * space, which is \\s+) are split.
 */
static int put_alts(struct cdx_buf *b, const struct lex_entry **v, size_t n,
                    unsigned depth, unsigned flags)
{
	const struct lex_entry **sub = NULL;
	uint8_t seen[257] = {0};
	size_t n_keys = 0, first = 1;
	int rc = CDX_ERR_NOMEM;

	for (size_t i = 0; i < n; i++)
		if (!seen[group_key(v[i], depth)]++)
			n_keys++;
	if (depth >= GROUP_DEPTH || n_keys < 2) {
		for (size_t i = 0; i < n; i++)
			if ((i && cdx_buf_putc(b, '|')) ||
			    put_alt(b, v[i], flags))
				return CDX_ERR_NOMEM;
		return CDX_OK;
	}
	sub = malloc(n * sizeof(*sub));
	if (sub == NULL)
		return CDX_ERR_NOMEM;
	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < n; i++) {
		unsigned k = group_key(v[i], depth);
		size_t m = 0;
		int guard;

		if (seen[k]++)
			continue;
		for (size_t j = i; j < n; j++)
			if (group_key(v[j], depth) == k)
				sub[m++] = v[j];
		guard = m > 1 && k < 256;
		if ((!first && cdx_buf_putc(b, '|')) ||
		    (guard && put_guard(b, depth, (unsigned char)k)) ||
		    put_alts(b, sub, m, guard && k != ' ' ? depth + 1 :
		                        GROUP_DEPTH, flags) ||
		    (guard && cdx_buf_putc(b, ')')))
			goto cleanup;
		first = 0;
	}
	rc = CDX_OK;
cleanup:
	free(sub);
	return rc;
}

void extract_lex_alt(struct cdx_buf *b, const struct lex_list *l, int cls,
             unsigned flags)
{
	const struct lex_entry **v;
	size_t n = 0;
	uint8_t seen[256] = {0};

	v = malloc((l->n ? l->n : 1) * sizeof(*v));
	if (v == NULL) {
		cdx_buf_release(b);
		b->err = CDX_ERR_NOMEM;
		return;
	}
	for (size_t i = 0; i < l->n; i++)
		if ((cls < 0 || l->v[i].cls == cls) &&
		    !((flags & ALT_NO_SCALED) &&
		      (l->v[i].scaled || l->v[i].verb)))
			v[n++] = &l->v[i];
	qsort(v, n, sizeof(*v), by_len_desc);
	/* A class of the first bytes ahead of the alternation: PCRE2 tries
	 * alternatives one by one, so at a byte no word starts with (a digit
	 * before a list of words, most of the time) one test replaces
	 * hundreds. The pattern is caseless, so the class is too. */
	if (n > 4) {
		if (cdx_buf_puts(b, "(?=["))
			goto cleanup;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)v[i]->text[0];

			if (seen[c]++)
				continue;
			if (put_first(b, c))
				goto cleanup;
		}
		if (cdx_buf_puts(b, "])"))
			goto cleanup;
	}
	if (cdx_buf_puts(b, "(?:") || (n == 0 && cdx_buf_puts(b, "(?!)")) ||
	    put_alts(b, v, n, 0, flags) || cdx_buf_putc(b, ')')) {
		if (b->err == CDX_OK) { /* put_alts() ran out of memory */
			cdx_buf_release(b);
			b->err = CDX_ERR_NOMEM;
		}
	}
cleanup:
	free(v);
}

#define YEAR "(?:1[89]|20)\\d\\d"
#define ORD "(?:st|nd|rd|th)?"

/* Append the number sub-pattern: digits with separators, or words. */
static void put_number(struct cdx_buf *b, const struct lexicon *lx)
{
	put(b, "(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?"
	                      "|\\d+(?:\\.\\d+)?|\\.\\d+|");
	extract_lex_alt(b, &lx->numbers, LEX_WORD, ALT_LEAD_B | ALT_TRAIL_B);
	put(b, "(?:-");
	extract_lex_alt(b, &lx->numbers, LEX_WORD, ALT_TRAIL_B);
	put(b, ")?|");
	extract_lex_alt(b, &lx->numbers, LEX_APPROX, ALT_LEAD_B | ALT_TRAIL_B);
	put(b, ")");
}

/* Units that may follow a number, for the "a year is not a figure" test
 * (@p flags ALT_NO_SCALED: "2004 won" is a year) and for the unit group
 * itself. */
static void put_units(struct cdx_buf *b, const struct lexicon *lx,
                      unsigned flags)
{
	put(b, "(?:");
	extract_lex_alt(b, &lx->units, U_PERCENT, ALT_TRAIL_B | flags);
	putch(b, '|');
	extract_lex_alt(b, &lx->units, U_MASS, ALT_TRAIL_B | flags);
	putch(b, '|');
	extract_lex_alt(b, &lx->units, U_MONEY, ALT_TRAIL_B | flags);
	putch(b, '|');
	extract_lex_alt(b, &lx->units, U_QUANTITY, ALT_TRAIL_B | flags);
	putch(b, ')');
}

static void put_date(struct cdx_buf *b, const struct lexicon *lx)
{
	put(b, "(?:(?:(?<dprep>");
	extract_lex_alt(b, &lx->dates, D_PREP, ALT_LEAD_B | ALT_TRAIL_B);
	/* "on Saturday, October 11": the day's name belongs to the date */
	put(b, ")\\s+)?(?:");
	extract_lex_alt(b, &lx->dates, D_WEEKDAY, ALT_LEAD_B | ALT_TRAIL_B);
	put(b, ",?\\s+)?(?:(?<dmon>");
	extract_lex_alt(b, &lx->dates, D_MONTH, ALT_LEAD_B | ALT_TRAIL_B);
	put(b, ")\\s+(?:(?<dday>\\d{1,2})" ORD ",?\\s+)?"
	                      "(?:of\\s+)?(?<dyear>" YEAR ")(?![\\d%])"
	                      "|(?<![\\w.,])(?<dday2>\\d{1,2})" ORD "\\s+(?<dmon2>");
	extract_lex_alt(b, &lx->dates, D_MONTH, ALT_TRAIL_B);
	/* "12 April 2021", and "said 9 April" with the year left out */
	put(b, ")(?:,?\\s+(?<dyear2>" YEAR ")(?![\\d%])|\\b(?!\\s*\\d))"
	                      "|(?<![\\w.,$\\-/])(?<diso>" YEAR
	                      "-[01]\\d(?:-[0-3]\\d)?)(?![\\w%]|[.,]\\d)"
	                      "|(?<![\\w.,$\\-/])(?<dyear3>" YEAR ")"
	                      /* "2020-2023", "from 2020 to 2024": one span */
	                      "(?:(?:\\s*(?:-|\\xe2\\x80\\x93|\\xe2\\x80\\x94)\\s*|"
	                      "\\s+to\\s+)(?<dyear4>" YEAR "))?"
	                      /* "by 2030.1" is a footnote after a year; a
	                       * year with no preposition must not run on. */
	                      "(?(<dprep>)(?![\\w%]|,\\d)|(?![\\w%]|[.,]\\d))"
	                      "(?!\\s*(?:");
	extract_lex_alt(b, &lx->dates, D_CLOCK, ALT_TRAIL_B);
	putch(b, '|');
	put_units(b, lx, ALT_NO_SCALED);
	put(b, ")|\\s?");
	extract_lex_alt(b, &lx->numbers, LEX_SCALE, ALT_TRAIL_B);
	/* "last year", "in May this year", "earlier this month" */
	put(b, ")|(?:(?<dmon4>");
	extract_lex_alt(b, &lx->dates, D_MONTH, ALT_LEAD_B | ALT_TRAIL_B);
	put(b, ")\\s+)?(?<dreln>");
	extract_lex_alt(b, &lx->dates, D_REL, ALT_LEAD_B | ALT_TRAIL_B);
	put(b, ")\\s+(?<drelu>");
	extract_lex_alt(b, &lx->dates, D_RELUNIT, ALT_TRAIL_B);
	put(b, ")|(?<dmon3>");
	extract_lex_alt(b, &lx->dates, D_MONTH, ALT_LEAD_B | ALT_TRAIL_B);
	put(b, ")(?:\\s+(?<dday3>\\d{1,2})" ORD "\\b"
	                      "(?!,?\\s*\\d))?))");
}

static void put_figure(struct cdx_buf *b, const struct lexicon *lx)
{
	put(b, "(?:(?:(?<btw>");
	extract_lex_alt(b, &lx->quals, CDX_QUAL_RANGE, ALT_LEAD_B | ALT_TRAIL_B);
	put(b, ")\\s+|(?<q>");
	extract_lex_alt(b, &lx->quals, -1, ALT_LEAD_B | ALT_TRAIL_B);
	/* "two-thirds of", "half of": a share, stated as a fraction */
	put(b, ")\\s*(?:an?\\s+)?)?(?:(?<fr>");
	extract_lex_alt(b, &lx->numbers, LEX_FRACTION, ALT_LEAD_B | ALT_TRAIL_B);
	put(b, ")(?=\\s+of\\b)|(?:(?<cur>");
	extract_lex_alt(b, &lx->units, U_CURRENCY, ALT_LEAD_B);
	/* Without a currency sign, a number must not continue a word or a
	 * number: no "G20", "COVID-19", "3.5" read from its ".5". */
	put(b, ")\\s?)?(?(<cur>)|(?<![\\w.,\\-]))(?<n>");
	put_number(b, lx);
	/* "$500-million", "a 6,500-ton quota": a figure used as an
	 * adjective joins its scale or unit with a hyphen */
	put(b, ")(?:(?:\\s?|-)(?<sc>");
	extract_lex_alt(b, &lx->numbers, LEX_SCALE, ALT_TRAIL_B);
	put(b, "))?(?:(?<sep>\\s*(?:-|\\xe2\\x80\\x93|"
	                      "\\xe2\\x80\\x94)\\s*|\\s+to\\s+|"
	                      "(?(<btw>)\\s+and\\s+|(?!)))(?:(?<cur2>");
	extract_lex_alt(b, &lx->units, U_CURRENCY, ALT_LEAD_B);
	put(b, ")\\s?)?(?<n2>");
	put_number(b, lx);
	put(b, ")(?:\\s?(?<sc2>");
	extract_lex_alt(b, &lx->numbers, LEX_SCALE, ALT_TRAIL_B);
	put(b, "))?)?(?:(?:\\s*|-)(?<u>");
	put_units(b, lx, 0);
	put(b, "))?(?:\\s+(?:per|an?)\\s+(?<per>");
	extract_lex_alt(b, &lx->units, U_PER, ALT_TRAIL_B);
	put(b, ")|\\s*/\\s*(?<per2>");
	extract_lex_alt(b, &lx->units, U_PER, ALT_TRAIL_B);
	put(b, "))?))");
}

static int group(pcre2_code *code, const char *name)
{
	return pcre2_substring_number_from_name(code, (PCRE2_SPTR)name);
}

void extract_pattern_release(struct pattern *p)
{
	if (p == NULL)
		return;
	pcre2_code_free(p->code);
	pcre2_code_free(p->code_fig);
	p->code = p->code_fig = NULL;
}

/* Compile [text, text+n) into *out, JIT too when the platform has it
 * (*jit says so): JIT is an optimisation, where the platform lacks it
 * the interpreter gives the same matches. */
static int compile(pcre2_code **out, int *jit, const char *text, size_t n,
                   struct cdx_error *err)
{
	PCRE2_SIZE off;
	int ec;

	*out = pcre2_compile((PCRE2_SPTR)text, n,
	                     PCRE2_CASELESS | PCRE2_USE_OFFSET_LIMIT, &ec, &off,
	                     NULL);
	if (*out == NULL) {
		PCRE2_UCHAR msg[256];
		size_t from = off > 30 ? off - 30 : 0;

		pcre2_get_error_message(ec, msg, sizeof(msg));
		return cdx_error_set(err, CDX_ERR_FORMAT,
		                     "cannot compile the figure pattern at offset "
		                     "%zu ('%.60s'): %s", (size_t)off, text + from,
		                     (const char *)msg);
	}
	*jit = pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE) == 0;
	return CDX_OK;
}

int extract_pattern_match(const struct pattern *p, int dates, const char *t,
                          size_t len, size_t start, pcre2_match_data *md,
                          pcre2_match_context *mc)
{
	const pcre2_code *code = dates ? p->code : p->code_fig;

	/* the JIT's own entry skips the checks pcre2_match() makes before
	 * it calls the JIT */
	if (dates ? p->jit : p->jit_fig)
		return pcre2_jit_match(code, (PCRE2_SPTR)t, len, start, 0, md,
		                       mc);
	return pcre2_match(code, (PCRE2_SPTR)t, len, start, 0, md, mc);
}

int extract_pattern_build(struct pattern *p, const struct lexicon *lx,
                  struct cdx_error *err)
{
	static const char head[] = "(?<![A-Za-z0-9_])(?:";
	struct cdx_buf b = CDX_BUF_INIT(PATTERN_MAX);
	struct cdx_buf fig = CDX_BUF_INIT(PATTERN_MAX);
	struct pattern_groups *g = &p->g;
	int rc = CDX_OK;

	memset(p, 0, sizeof(*p));
	/* No figure or date starts inside a word: one cheap test that spares
	 * the engine trying every alternative at every letter. */
	put(&b, head);
	put_date(&b, lx);
	putch(&b, '|');
	put_figure(&b, lx);
	putch(&b, ')');
	/* The same pattern with its date branch failing at once ("(?!)"),
	 * its groups kept, so their numbers are the same: for a trigger no
	 * date can hold (extract_date_possible()), the engine skips the
	 * date branch's tries */
	if (b.err == CDX_OK && (cdx_buf_puts(&fig, head) ||
	                        cdx_buf_puts(&fig, "(?!)") ||
	                        cdx_buf_add(&fig, b.ptr + strlen(head),
	                                    b.len - strlen(head))))
		b.err = fig.err;
	if (b.err) {
		rc = cdx_error_set(err, b.err, "cannot build the figure "
		                   "pattern: %s", cdx_strerror(b.err));
		goto cleanup;
	}
	if ((rc = compile(&p->code, &p->jit, b.ptr, b.len, err)) ||
	    (rc = compile(&p->code_fig, &p->jit_fig, fig.ptr, fig.len, err)))
		goto cleanup;
	g->dprep = group(p->code, "dprep");
	g->dmon = group(p->code, "dmon");
	g->dday = group(p->code, "dday");
	g->dyear = group(p->code, "dyear");
	g->dday2 = group(p->code, "dday2");
	g->dmon2 = group(p->code, "dmon2");
	g->dyear2 = group(p->code, "dyear2");
	g->diso = group(p->code, "diso");
	g->dyear3 = group(p->code, "dyear3");
	g->dyear4 = group(p->code, "dyear4");
	g->dmon4 = group(p->code, "dmon4");
	g->dreln = group(p->code, "dreln");
	g->drelu = group(p->code, "drelu");
	g->dmon3 = group(p->code, "dmon3");
	g->dday3 = group(p->code, "dday3");
	g->q = group(p->code, "q");
	g->btw = group(p->code, "btw");
	g->fr = group(p->code, "fr");
	g->cur = group(p->code, "cur");
	g->n = group(p->code, "n");
	g->sc = group(p->code, "sc");
	g->sep = group(p->code, "sep");
	g->cur2 = group(p->code, "cur2");
	g->n2 = group(p->code, "n2");
	g->sc2 = group(p->code, "sc2");
	g->u = group(p->code, "u");
	g->per = group(p->code, "per");
	g->per2 = group(p->code, "per2");
cleanup:
	if (rc)
		extract_pattern_release(p);
	cdx_buf_release(&b);
	cdx_buf_release(&fig);
	return rc;
}
