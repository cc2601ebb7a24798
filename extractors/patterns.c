/*
 * patterns.c — the one PCRE2 pattern that finds figures and dates in a
 * sentence, built at load time from the word lists.
 *
 * The pattern is an alternation: a date branch first (so "October 2027" is
 * a date, not the number 2027), then a figure branch: optional qualifier,
 * optional currency, a number with an optional scale, an optional range,
 * an optional unit and an optional "per" unit. Every word list enters as
 * an escaped alternation (extract_lex_alt), so adding a unit is a data
 * change. The whole pattern is guarded by one "not inside a word" test.
 * It runs in byte mode, not UTF mode: every word it knows is ASCII or
 * a fixed byte sequence (€, –), and byte mode cannot fail on invalid UTF-8.
 * Named groups are resolved to numbers once, here.
 */
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
 * and for the unit group itself. */
static void put_units(struct cdx_buf *b, const struct lexicon *lx)
{
	put(b, "(?:");
	extract_lex_alt(b, &lx->units, U_PERCENT, ALT_TRAIL_B);
	putch(b, '|');
	extract_lex_alt(b, &lx->units, U_MASS, ALT_TRAIL_B);
	putch(b, '|');
	extract_lex_alt(b, &lx->units, U_MONEY, ALT_TRAIL_B);
	putch(b, '|');
	extract_lex_alt(b, &lx->units, U_QUANTITY, ALT_TRAIL_B);
	putch(b, ')');
}

static void put_date(struct cdx_buf *b, const struct lexicon *lx)
{
	put(b, "(?:(?:(?<dprep>");
	extract_lex_alt(b, &lx->dates, D_PREP, ALT_LEAD_B | ALT_TRAIL_B);
	put(b, ")\\s+)?(?:(?<dmon>");
	extract_lex_alt(b, &lx->dates, D_MONTH, ALT_LEAD_B | ALT_TRAIL_B);
	put(b, ")\\s+(?:(?<dday>\\d{1,2})" ORD ",?\\s+)?"
	                      "(?:of\\s+)?(?<dyear>" YEAR ")(?![\\d%])"
	                      "|(?<![\\w.,])(?<dday2>\\d{1,2})" ORD "\\s+(?<dmon2>");
	extract_lex_alt(b, &lx->dates, D_MONTH, ALT_TRAIL_B);
	put(b, "),?\\s+(?<dyear2>" YEAR ")(?![\\d%])"
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
	put_units(b, lx);
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
	put(b, ")(?:\\s?(?<sc>");
	extract_lex_alt(b, &lx->numbers, LEX_SCALE, ALT_TRAIL_B);
	put(b, "))?(?:(?<sep>\\s*(?:-|\\xe2\\x80\\x93|"
	                      "\\xe2\\x80\\x94)\\s*|\\s+to\\s+|"
	                      "(?(<btw>)\\s+and\\s+|(?!)))(?:(?<cur2>");
	extract_lex_alt(b, &lx->units, U_CURRENCY, ALT_LEAD_B);
	put(b, ")\\s?)?(?<n2>");
	put_number(b, lx);
	put(b, ")(?:\\s?(?<sc2>");
	extract_lex_alt(b, &lx->numbers, LEX_SCALE, ALT_TRAIL_B);
	put(b, "))?)?(?:\\s*(?<u>");
	put_units(b, lx);
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
	p->code = NULL;
}

int extract_pattern_build(struct pattern *p, const struct lexicon *lx,
                  struct cdx_error *err)
{
	struct cdx_buf b = CDX_BUF_INIT(PATTERN_MAX);
	struct pattern_groups *g = &p->g;
	PCRE2_SIZE off;
	int ec, rc = CDX_OK;

	memset(p, 0, sizeof(*p));
	/* No figure or date starts inside a word: one cheap test that spares
	 * the engine trying every alternative at every letter. */
	put(&b, "(?<![A-Za-z0-9_])(?:");
	put_date(&b, lx);
	putch(&b, '|');
	put_figure(&b, lx);
	putch(&b, ')');
	if (b.err) {
		rc = cdx_error_set(err, b.err, "cannot build the figure "
		                   "pattern: %s", cdx_strerror(b.err));
		goto cleanup;
	}
	p->code = pcre2_compile((PCRE2_SPTR)b.ptr, b.len,
	                        PCRE2_CASELESS | PCRE2_USE_OFFSET_LIMIT,
	                        &ec, &off, NULL);
	if (p->code == NULL) {
		PCRE2_UCHAR msg[256];
		size_t from = off > 30 ? off - 30 : 0;

		pcre2_get_error_message(ec, msg, sizeof(msg));
		rc = cdx_error_set(err, CDX_ERR_FORMAT,
		                   "cannot compile the figure pattern at offset "
		                   "%zu ('%.60s'): %s", (size_t)off, b.ptr + from,
		                   (const char *)msg);
		goto cleanup;
	}
	/* JIT is an optimisation: where the platform lacks it, the
	 * interpreter gives the same matches. */
	(void)pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
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
	cdx_buf_release(&b);
	return rc;
}
