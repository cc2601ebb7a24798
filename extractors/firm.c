/*
 * firm.c — the company a wire's earnings report is about, from its title.
 *
 * The wires print an earnings report as a table whose rows name no one
 * ("Oper shr 22 cts vs 18 cts", "Qtly div 12 cts vs 12 cts"): the
 * company stands only in the title, in capitals, usually before its
 * ticker in angle brackets ("ACME WIDGET CORP <ACW> 4TH QTR NET"), or
 * alone in angle brackets when it has none ("<ACME WIDGET LTD> YEAR
 * NET"), or ended by its legal form (words.tsv `legal`: "ACME WIDGET
 * CORP 4TH QTR NET"). extract.c gives that company to the figures of the
 * table's rows (metric.c: extract_metric_row()) that have no subject, and
 * to those of the sentences naming no one that follow them (the table's
 * notes: "1986 qtr includes a gain of 5 mln dlrs"), and of a sentence
 * whose "It" or "the company" has nothing before to point to.
 *
 * A wire's note before the name ("CORRECTED - ", words.tsv `wirenote`)
 * is no part of it. The name is written as claims.md wants names, not in
 * capitals: each run of letters with one capital ("Telephone and Data
 * Systems Inc", "Wal-Mart", "McClain"), joining words in lower case
 * (words.tsv `joiner`) unless one opens the name, initials kept ("CSX
 * Corp": a run of three letters or fewer that words.tsv `nameword` does
 * not list and no hyphen joins, or a longer one without a vowel), other
 * bytes as written ("H.B.", "AT&T"). A company or organisation the
 * gazetteer knows, with or without its legal form, takes its canonical
 * name, so the entity index holds one entity whether a document names it
 * in its text or only in its title.
 */
#include <string.h>

#include "extract_int.h"

/* Longest company name taken from a title: words, and bytes. */
#define FIRM_WORDS 8
#define FIRM_BYTES 128
/* Longest ticker between angle brackets after the name ("FLAEF.O"). */
#define TICKER_MAX 12

static int is_upper_ascii(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

/* Is @p t a title in capitals: a letter, no ASCII lower-case one but in
 * a ticker ("<SFTPr>", a preferred share's)? */
static int all_caps(const char *t)
{
	int letters = 0, ticker = 0;

	for (; *t; t++) {
		ticker = *t == '<' ? 1 : *t == '>' ? 0 : ticker;
		if (*t >= 'a' && *t <= 'z' && !ticker)
			return 0;
		letters |= is_upper_ascii((unsigned char)*t);
	}
	return letters;
}

/* Trim white space off both ends of [*a, *b). */
static void trim(const char *t, size_t *a, size_t *b)
{
	while (*a < *b && is_space((unsigned char)t[*a]))
		(*a)++;
	while (*b > *a && is_space((unsigned char)t[*b - 1]))
		(*b)--;
}

/* Number of words in [a, b) of @p t. */
static size_t count_words(const char *t, size_t a, size_t b)
{
	size_t n = 0;

	for (size_t i = a; i < b; i++)
		if (!is_space((unsigned char)t[i]) &&
		    (i == a || is_space((unsigned char)t[i - 1])))
			n++;
	return n;
}

/* Is the word [w, w+n) of class @p cls in words.tsv? */
static int word_is(const struct lexicon *lx, int cls, const char *w, size_t n)
{
	return (extract_lex_classes(&lx->words, w, n) >> cls) & 1;
}

/* Move *@p a past a wire's note that opens the title (words.tsv
 * `wirenote`: "CORRECTED - ACME CORP <ACW>", "(CORRECTED) ACME",
 * "RPT-ACME"): brackets, the word, dashes and spaces. */
static void skip_note(const struct lexicon *lx, const char *t, size_t *a,
                      size_t b)
{
	size_t i = *a, e;

	if (i < b && t[i] == '(')
		i++;
	for (e = i; e < b && is_upper_ascii((unsigned char)t[e]); e++)
		;
	if (e == i || !word_is(lx, W_WIRENOTE, t + i, e - i))
		return;
	while (e < b && (t[e] == ')' || t[e] == '-' ||
	                 is_space((unsigned char)t[e])))
		e++;
	*a = e;
}

/* The name's span [*a, *b) in title @p t, or 0 when the title names no
 * company in one of the three ways the file comment lists. */
static int name_span(const struct lexicon *lx, const char *t, size_t *a,
                     size_t *b)
{
	size_t len = strlen(t), s = 0, e;
	const char *lt, *gt;

	trim(t, &s, &len);
	lt = memchr(t + s, '<', len - s);
	if (lt == t + s) {
		/* "<ACME WIDGET LTD> YEAR NET" */
		gt = memchr(lt, '>', len - s);
		if (gt == NULL)
			return 0;
		*a = s + 1;
		*b = (size_t)(gt - t);
	} else if (lt) {
		/* "ACME WIDGET CORP <ACW> 4TH QTR NET": what stands before a
		 * ticker (no space in it) */
		gt = memchr(lt, '>', len - (size_t)(lt - t));
		if (gt == NULL || gt - lt - 1 < 1 || gt - lt - 1 > TICKER_MAX ||
		    memchr(lt, ' ', (size_t)(gt - lt)))
			return 0;
		*a = s;
		*b = (size_t)(lt - t);
	} else {
		/* "ACME WIDGET CORP 4TH QTR NET": up to the first run of
		 * legal forms, after at least one other word */
		size_t w = s, words = 0, end = 0;

		while (w < len && words <= FIRM_WORDS) {
			for (e = w; e < len && !is_space((unsigned char)t[e]); e++)
				;
			if (word_is(lx, W_LEGAL, t + w, e - w)) {
				if (words == 0)
					return 0;
				end = e;
			} else if (end) {
				break;
			}
			words++;
			for (w = e; w < len && is_space((unsigned char)t[w]); w++)
				;
		}
		if (end == 0)
			return 0;
		*a = s;
		*b = end;
	}
	trim(t, a, b);
	skip_note(lx, t, a, *b);
	return *b > *a && *b - *a < FIRM_BYTES &&
	       count_words(t, *a, *b) <= FIRM_WORDS;
}

/* Does [w, w+n) hold a vowel (y counts)? */
static int has_vowel(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strchr("AEIOUY", w[i]))
			return 1;
	return 0;
}

/* Is @p c a letter of a word in capitals (an apostrophe counts:
 * "CHURCH'S")? */
static int name_letter(unsigned char c)
{
	return is_upper_ascii(c) || c == '\'';
}

/* Append the run of letters [w, w+n) to @p out as the file comment
 * says; @p first: it opens the name; @p joined: a hyphen joins it to
 * another run, so a short run is no initials ("WAL-MART": "Wal-Mart"). */
static void put_part(const struct lexicon *lx, const char *w, size_t n,
                     int first, int joined, char *out, size_t *o)
{
	int keep;

	if (word_is(lx, W_JOINER, w, n)) {
		keep = 0; /* "The One Bancorp", "Bank of Boston" */
		if (!first) {
			for (size_t i = 0; i < n; i++)
				out[(*o)++] = (char)lower((unsigned char)w[i]);
			return;
		}
	} else if (n <= 3 && !joined) {
		keep = !word_is(lx, W_NAMEWORD, w, n); /* "CSX", not "Co" */
	} else {
		keep = !has_vowel(w, n);
	}
	if (keep) {
		memcpy(out + *o, w, n);
		*o += n;
		return;
	}
	out[(*o)++] = w[0];
	for (size_t i = 1; i < n; i++) {
		/* "MCCLAIN": "McClain", "O'SULLIVAN": "O'Sullivan" */
		int cap = i == 2 && n > 4 && ((w[0] == 'M' && w[1] == 'C') ||
		                              w[1] == '\'');

		out[(*o)++] = cap ? w[i] : (char)lower((unsigned char)w[i]);
	}
}

/* Write the name [a, b) of @p t readable into @p out (FIRM_BYTES): runs
 * of letters as put_part() writes them, white space as one space, any
 * other byte as it is ("H.B.", "AT&T", "3COM": "3Com"). Returns its
 * length. */
static size_t readable(const struct lexicon *lx, const char *t, size_t a,
                       size_t b, char *out)
{
	size_t o = 0;

	for (size_t i = a; i < b;) {
		size_t e = i;
		int joined;

		if (is_space((unsigned char)t[i])) {
			while (i < b && is_space((unsigned char)t[i]))
				i++;
			out[o++] = ' ';
			continue;
		}
		if (!name_letter((unsigned char)t[i])) {
			out[o++] = t[i++];
			continue;
		}
		while (e < b && name_letter((unsigned char)t[e]))
			e++;
		joined = (i > a && t[i - 1] == '-') || (e < b && t[e] == '-');
		put_part(lx, t + i, e - i, i == a, joined, out, &o);
		i = e;
	}
	out[o] = '\0';
	return o;
}

/* The gazetteer's company or organisation named @p name (@p n bytes),
 * or without its trailing legal forms ("General Motors Corp": "General
 * Motors"); NULL when it knows none. */
static const char *known(const struct lexicon *lx, const struct gazetteer *gz,
                         const char *name, size_t n)
{
	char buf[FIRM_BYTES];

	memcpy(buf, name, n + 1);
	name = buf;
	for (;;) {
		uint32_t id;
		size_t w = n;

		if (extract_gz_lookup(gz, name, &id) == CDX_OK &&
		    (extract_gz_type(gz, id) == CDX_ENT_COMPANY ||
		     extract_gz_type(gz, id) == CDX_ENT_ORG))
			return extract_gz_name(gz, id);
		while (w > 0 && name[w - 1] != ' ')
			w--;
		if (w == 0 || !word_is(lx, W_LEGAL, name + w, n - w))
			return NULL;
		n = w - 1;
		buf[n] = '\0';
	}
}

int extract_firm_subject(const struct lexicon *lx, const struct gazetteer *gz,
                         const char *title, struct firm_state *st,
                         struct cdx_claims *out, const char **subject)
{
	char name[FIRM_BYTES];
	size_t a, b, n;
	const char *canon;
	int rc;

	if (!st->done) {
		st->done = 1;
		st->name = NULL;
		if (title && all_caps(title) && name_span(lx, title, &a, &b)) {
			n = readable(lx, title, a, b, name);
			if ((canon = known(lx, gz, name, n)) != NULL)
				st->name = canon;
			else if ((rc = cdx_claims_strdup(out, name, n,
			                                 &st->name)) != CDX_OK)
				return rc;
		}
	}
	*subject = st->name;
	return CDX_OK;
}

void extract_firm_reset(struct firm_state *st, const char *title)
{
	st->caps = title && all_caps(title);
	st->done = 0;
	st->name = NULL;
	st->table = 0;
}

void extract_firm_table(const struct lexicon *lx, struct firm_state *st,
                        const struct sentence *s)
{
	int named = 0;

	if (!st->caps)
		return;
	for (size_t i = 0; i < s->n_ments && !named; i++)
		named = s->ments[i].type != CDX_ENT_COMMODITY;
	st->table = extract_metric_row(lx, s) || (st->table && !named);
}

int extract_firm_pointed(const struct lexicon *lx, const struct sentence *s)
{
	const struct lex_entry *e;
	size_t at = 0;

	if (!s->n_figs)
		return 0;
	/* a name in the sentence is what it points to */
	for (size_t i = 0; i < s->n_ments; i++)
		if (s->ments[i].type != CDX_ENT_COMMODITY)
			return 0;
	for (size_t i = 0; i < s->n_refs; i++)
		if (s->refs[i].type == CDX_ENT_COMPANY)
			return 1;
	while (at < s->len && !is_alnum((unsigned char)s->text[at]))
		at++;
	/* "It", "Its": the untyped back phrases but "they" and "their",
	 * which are rarely one company */
	e = extract_grammar_at(lx, s, at, G_BACK);
	if (e == NULL || (at + e->len < s->len &&
	                  is_alnum((unsigned char)s->text[at + e->len])))
		return 0;
	return e->value == CDX_ENT_COMPANY ||
	       (e->value < 0 && lower((unsigned char)s->text[at]) == 'i');
}
