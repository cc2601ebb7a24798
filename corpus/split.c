/*
 * split.c — paragraphs and sentences as byte spans of a document's text.
 *
 * Paragraphs are runs of non-blank lines. Inside a paragraph a sentence
 * ends at . ! ? (with any closing quotes or brackets) when whitespace and
 * a plausible sentence start follow (an upper-case letter, a digit, a
 * quote, a bracket, a bullet), unless the word before the dot is an
 * abbreviation. Abbreviations come in three kinds, because "U.S." can end
 * a sentence and "Dr." cannot:
 *   - never: titles and Latin (Dr., Mr., e.g., vs.);
 *   - before a digit only: "No. 7", "Jan. 5" hold, "in Jan. The" breaks;
 *   - at a line end only: "Inc.", "U.S.", initials ("J. Smith"), which
 *     end a sentence only when a newline follows.
 * A line break inside a paragraph ends a sentence in two cases: before a
 * bulleted line, and after a heading line (short, no final punctuation,
 * at the start of a sentence, shorter than the next line, which starts
 * with an upper-case letter).
 * Spans exclude the whitespace around them. One pass, no copies.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "corpus_int.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Heading lines are at most this long, in bytes; up to HEADING_SHORT
 * they count as headings whatever the next line's length. */
#define HEADING_MAX 80
#define HEADING_SHORT 40
/* A sentence longer than this is cut at a space: extractors work per
 * sentence, and a punctuation-free blob must not become one huge one. */
#define SENT_MAX 8192

enum { ABBR_NEVER = 1, ABBR_DIGIT, ABBR_LINE };

/* An entry with its length, so that a lookup compares bytes only where
 * the length and first letter agree (it runs at every likely sentence
 * end). No entry is longer than ABBR_LEN_MAX (a longer one does not
 * compile: the array size turns negative), so a longer word skips the
 * table. */
#define ABBR_LEN_MAX 6
#define A(w, k)                                                           \
	{w, sizeof(w) - 1 + 0 * sizeof(char[sizeof(w) - 1 <= ABBR_LEN_MAX  \
	                                         ? 1 : -1]), k}

static const struct {
	const char *word; /* as written, without the final dot */
	unsigned char len;
	unsigned char kind;
} abbrevs[] = {
	/* titles, ranks and Latin: never the end of a sentence */
	A("Mr", ABBR_NEVER), A("Mrs", ABBR_NEVER), A("Ms", ABBR_NEVER),
	A("Dr", ABBR_NEVER), A("Prof", ABBR_NEVER), A("St", ABBR_NEVER),
	A("Rev", ABBR_NEVER), A("Hon", ABBR_NEVER), A("Gen", ABBR_NEVER),
	A("Gov", ABBR_NEVER), A("Sen", ABBR_NEVER), A("Rep", ABBR_NEVER),
	A("Col", ABBR_NEVER), A("Lt", ABBR_NEVER), A("Capt", ABBR_NEVER),
	A("Sgt", ABBR_NEVER), A("Adm", ABBR_NEVER), A("Maj", ABBR_NEVER),
	A("Pres", ABBR_NEVER), A("Messrs", ABBR_NEVER), A("Mt", ABBR_NEVER),
	A("Ft", ABBR_NEVER), A("Dept", ABBR_NEVER), A("Amb", ABBR_NEVER),
	A("vs", ABBR_NEVER), A("v", ABBR_NEVER), A("e.g", ABBR_NEVER),
	A("i.e", ABBR_NEVER), A("cf", ABBR_NEVER), A("approx", ABBR_NEVER),
	A("est", ABBR_NEVER), A("ca", ABBR_NEVER), A("viz", ABBR_NEVER),
	A("Approx", ABBR_NEVER), A("Est", ABBR_NEVER),
	/* numbered things and months: hold before a number */
	A("No", ABBR_DIGIT), A("Nos", ABBR_DIGIT), A("no", ABBR_DIGIT),
	A("Jan", ABBR_DIGIT), A("Feb", ABBR_DIGIT), A("Mar", ABBR_DIGIT),
	A("Apr", ABBR_DIGIT), A("Jun", ABBR_DIGIT), A("Jul", ABBR_DIGIT),
	A("Aug", ABBR_DIGIT), A("Sep", ABBR_DIGIT), A("Sept", ABBR_DIGIT),
	A("Oct", ABBR_DIGIT), A("Nov", ABBR_DIGIT), A("Dec", ABBR_DIGIT),
	A("Fig", ABBR_DIGIT), A("Figs", ABBR_DIGIT), A("p", ABBR_DIGIT),
	A("pp", ABBR_DIGIT), A("Vol", ABBR_DIGIT), A("Art", ABBR_DIGIT),
	A("Ch", ABBR_DIGIT), A("Sec", ABBR_DIGIT), A("Ref", ABBR_DIGIT),
	/* may end a sentence, but usually do not: only before a newline */
	A("Inc", ABBR_LINE), A("Ltd", ABBR_LINE), A("Co", ABBR_LINE),
	A("Corp", ABBR_LINE), A("Cos", ABBR_LINE), A("Bros", ABBR_LINE),
	A("Jr", ABBR_LINE), A("Sr", ABBR_LINE), A("etc", ABBR_LINE),
	A("al", ABBR_LINE), A("Ave", ABBR_LINE), A("Univ", ABBR_LINE),
	A("Assn", ABBR_LINE), A("Intl", ABBR_LINE), A("Govt", ABBR_LINE),
	A("U.S", ABBR_LINE), A("U.K", ABBR_LINE), A("U.N", ABBR_LINE),
	A("E.U", ABBR_LINE), A("a.m", ABBR_LINE), A("p.m", ABBR_LINE),
};

#undef A

/* Lower-case words that cannot end a heading ("Prepared for Members and"
 * is a wrapped line, not a heading). */
static const char *const glue_words[] = {
	"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of",
	"on", "or", "the", "to", "with", "that", "than", "per", "its",
};

/* The bytes split_para() acts on; it skips runs of any other at once. */
static const unsigned char para_stop[256] = {
	['.'] = 1, ['!'] = 1, ['?'] = 1, ['\n'] = 1,
};

/* Does any byte of @p v equal the byte @p b is eight of? (Exact as a
 * yes or no: the borrow's false hits only follow a true one.) */
static int has_byte(uint64_t v, uint64_t b)
{
	uint64_t x = v ^ b;

	return ((x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL) != 0;
}

/* The first byte at or after @p i (before @p end) that split_para() acts
 * on, else @p end: sixteen bytes a step where there is SSE2 (the first
 * such byte found by its bit), eight bytes a step, then by the table. */
static size_t skip_plain(const char *t, size_t i, size_t end)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t v;

#ifdef __SSE2__
	while (i + 16 <= end) {
		__m128i x = _mm_loadu_si128((const __m128i *)(t + i));
		__m128i m = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')),
			             _mm_cmpeq_epi8(x, _mm_set1_epi8('!'))),
			_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('?')),
			             _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'))));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);

		if (bits)
			return i + (size_t)__builtin_ctz(bits);
		i += 16;
	}
#endif
	while (i + 8 <= end) {
		memcpy(&v, t + i, 8);
		if (has_byte(v, ones * '.') || has_byte(v, ones * '!') ||
		    has_byte(v, ones * '?') || has_byte(v, ones * '\n'))
			break;
		i += 8;
	}
	while (i < end && !para_stop[(unsigned char)t[i]])
		i++;
	return i;
}

struct spans {
	struct cdx_span *v;
	size_t n, cap;
};

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static int is_upper_ascii(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_lower_ascii(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int push(struct spans *s, size_t start, size_t end)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct cdx_span *v = realloc(s->v, cap * sizeof *v);

		if (v == NULL)
			return CDX_ERR_NOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].start = (uint32_t)start;
	s->v[s->n].end = (uint32_t)end;
	s->n++;
	return CDX_OK;
}

/* Push [start, end) trimmed, cut into pieces of at most SENT_MAX. */
static int push_sentence(struct spans *s, const char *t, size_t start,
                         size_t end)
{
	while (start < end && is_ws((unsigned char)t[start]))
		start++;
	while (end > start && is_ws((unsigned char)t[end - 1]))
		end--;
	while (end - start > SENT_MAX) {
		size_t cut = start + SENT_MAX, e;

		while (cut > start + SENT_MAX / 2 &&
		       !is_ws((unsigned char)t[cut]))
			cut--;
		/* no space near the cap: cut at a character boundary */
		if (!is_ws((unsigned char)t[cut]))
			for (cut = start + SENT_MAX;
			     ((unsigned char)t[cut] & 0xc0) == 0x80; cut--)
				;
		for (e = cut; e > start && is_ws((unsigned char)t[e - 1]); e--)
			;
		if (push(s, start, e))
			return CDX_ERR_NOMEM;
		start = cut;
		while (start < end && is_ws((unsigned char)t[start]))
			start++;
	}
	if (end > start)
		return push(s, start, end);
	return CDX_OK;
}

/* Bytes of a closing quote or bracket at t[i], else 0. */
static size_t closer_len(const char *t, size_t i, size_t end)
{
	unsigned char c = (unsigned char)t[i];

	if (c == '"' || c == '\'' || c == ')' || c == ']')
		return 1;
	if (end - i >= 3 && memcmp(t + i, "\xe2\x80", 2) == 0 &&
	    (t[i + 2] == '\x9d' || t[i + 2] == '\x99')) /* ” ’ */
		return 3;
	if (end - i >= 2 && memcmp(t + i, "\xc2\xbb", 2) == 0) /* » */
		return 2;
	return 0;
}

/* A bullet marker followed by a space at t[i]? */
static int bullet_at(const char *t, size_t i, size_t end)
{
	size_t k = 0;
	unsigned char c = (unsigned char)t[i];

	if (c == '-' || c == '*' || c == '+')
		k = 1;
	else if (end - i >= 3 && (memcmp(t + i, "\xe2\x80\xa2", 3) == 0 ||
	                          memcmp(t + i, "\xe2\x80\x93", 3) == 0))
		k = 3; /* • – */
	else if (end - i >= 2 && memcmp(t + i, "\xc2\xb7", 2) == 0)
		k = 2; /* · */
	return k && i + k < end && (t[i + k] == ' ' || t[i + k] == '\t');
}

/* Can a sentence start at t[i]? Sets *digit when it starts with one. */
static int starter(const char *t, size_t i, size_t end, int *digit)
{
	unsigned char c = (unsigned char)t[i];
	utf8proc_int32_t cp;
	utf8proc_category_t cat;

	*digit = is_digit(c);
	if (is_upper_ascii(c) || *digit || c == '"' || c == '\'' || c == '(' ||
	    c == '[' || bullet_at(t, i, end))
		return 1;
	if (c < 0x80)
		return 0;
	if (utf8proc_iterate((const utf8proc_uint8_t *)t + i,
	                     (utf8proc_ssize_t)(end - i), &cp) <= 0)
		return 0;
	if (cp == 0x201c || cp == 0x2018 || cp == 0xab || cp == 0x2022)
		return 1; /* “ ‘ « • */
	cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT ||
	       cat == UTF8PROC_CATEGORY_LO;
}

/* Kind of abbreviation the word ending at the dot t[dot] is, or 0. */
static int abbrev_kind(const char *t, size_t start, size_t dot)
{
	size_t w = dot, n;
	char word[16];
	int dotted = 1;

	while (w > start && (is_upper_ascii((unsigned char)t[w - 1]) ||
	                     is_lower_ascii((unsigned char)t[w - 1]) ||
	                     t[w - 1] == '.'))
		w--;
	while (w < dot && t[w] == '.')
		w++;
	n = dot - w;
	if (n == 0 || n >= sizeof word)
		return 0;
	if (w > start && (unsigned char)t[w - 1] >= 0x80)
		return 0; /* the end of a longer, non-ASCII word */
	memcpy(word, t + w, n);
	word[n] = '\0';
	for (size_t i = 0; n <= ABBR_LEN_MAX &&
	                   i < sizeof abbrevs / sizeof abbrevs[0]; i++)
		if (abbrevs[i].len == n && abbrevs[i].word[0] == word[0] &&
		    memcmp(word, abbrevs[i].word, n) == 0)
			return abbrevs[i].kind;
	/* initials: "J", "U.S.A", "J.R.R" — single letters between dots */
	for (size_t i = 0; i < n; i++)
		if ((i % 2 == 0) != (word[i] != '.'))
			dotted = 0;
	if (dotted && is_upper_ascii((unsigned char)word[0]))
		return ABBR_LINE;
	return 0;
}

/* Does the line [ls, le) (trimmed) read as a heading? */
static int heading_line(const char *t, size_t ls, size_t le)
{
	size_t w;
	unsigned char last;

	if (le <= ls || le - ls > HEADING_MAX)
		return 0;
	last = (unsigned char)t[le - 1];
	if (strchr(".,;:!?-(&/", last) || last == '\\')
		return 0;
	if (le - ls >= 3 && (memcmp(t + le - 3, "\xe2\x80\x94", 3) == 0 ||
	                     memcmp(t + le - 3, "\xe2\x80\x93", 3) == 0))
		return 0; /* ends with a dash: the line goes on */
	for (w = le; w > ls && is_lower_ascii((unsigned char)t[w - 1]); w--)
		;
	if (w == ls || t[w - 1] == ' ' || t[w - 1] == '\t') {
		for (size_t i = 0; i < sizeof glue_words / sizeof glue_words[0];
		     i++)
			if (strlen(glue_words[i]) == le - w &&
			    memcmp(glue_words[i], t + w, le - w) == 0)
				return 0;
	}
	return 1;
}

/*
 * A heading is short, or clearly shorter than the line after it: the
 * first line of a hard-wrapped paragraph is as long as the next one.
 */
static int shorter_than_next(const char *t, size_t ls, size_t le, size_t k,
                             size_t pe)
{
	const char *nl = memchr(t + k, '\n', pe - k);
	size_t ne = nl ? (size_t)(nl - t) : pe;

	while (ne > k && is_ws((unsigned char)t[ne - 1]))
		ne--;
	return le - ls <= HEADING_SHORT || (le - ls) * 10 <= (ne - k) * 7;
}

/* Split the paragraph [ps, pe) into sentences. */
static int split_para(struct spans *s, const char *t, size_t ps, size_t pe)
{
	size_t start = ps, i = ps, line = ps;
	int digit;

	while (i < pe) {
		unsigned char c;

		i = skip_plain(t, i, pe);
		if (i >= pe)
			break;
		c = (unsigned char)t[i];
		if (c == '.' || c == '!' || c == '?') {
			size_t j = i + 1, k, cl, run;
			int nl = 0, kind = 0;

			while (j < pe &&
			       (t[j] == '.' || t[j] == '!' || t[j] == '?'))
				j++;
			run = j - i;
			while (j < pe && (cl = closer_len(t, j, pe)) > 0)
				j += cl;
			if (j >= pe || !is_ws((unsigned char)t[j])) {
				i = j;
				continue;
			}
			for (k = j; k < pe && is_ws((unsigned char)t[k]); k++)
				nl |= t[k] == '\n';
			if (k >= pe || !starter(t, k, pe, &digit)) {
				i = j;
				continue;
			}
			if (c == '.' && run == 1)
				kind = abbrev_kind(t, start, i);
			if (kind == ABBR_NEVER ||
			    (kind == ABBR_DIGIT && digit) ||
			    (kind == ABBR_LINE && !nl)) {
				i = j;
				continue;
			}
			if (push_sentence(s, t, start, j))
				return CDX_ERR_NOMEM;
			start = i = k;
			if (nl)
				for (line = k;
				     line > ps && t[line - 1] != '\n'; line--)
					;
			continue;
		}
		if (c == '\n') {
			size_t ls = line, le = i, k = i + 1;

			while (ls < le && is_ws((unsigned char)t[ls]))
				ls++;
			while (le > ls && is_ws((unsigned char)t[le - 1]))
				le--;
			while (k < pe && is_ws((unsigned char)t[k]))
				k++;
			line = i + 1;
			if (k < pe && start < le &&
			    (bullet_at(t, k, pe) ||
			     (start >= ls && heading_line(t, ls, le) &&
			      shorter_than_next(t, ls, le, k, pe) &&
			      starter(t, k, pe, &digit)))) {
				if (push_sentence(s, t, start, le))
					return CDX_ERR_NOMEM;
				start = k;
			}
		}
		i++;
	}
	return push_sentence(s, t, start, pe);
}

int cdx_corpus_split(struct cdx_doc *doc)
{
	struct spans paras = {NULL, 0, 0}, sents = {NULL, 0, 0};
	const char *t = doc->text;
	size_t len = doc->len, i = 0;
	int rc = CDX_OK;

	while (i < len) {
		size_t ps, pe, ls;
		int blank;

		/* skip blank lines to the paragraph's first byte */
		while (i < len && is_ws((unsigned char)t[i]))
			i++;
		if (i >= len)
			break;
		ps = i;
		/* the paragraph runs to a line that holds only whitespace */
		pe = len;
		while (i < len) {
			const char *nl = memchr(t + i, '\n', len - i);

			if (nl == NULL) {
				i = len;
				break;
			}
			ls = (size_t)(nl - t) + 1;
			blank = 1;
			for (i = ls; i < len && t[i] != '\n'; i++)
				if (!is_ws((unsigned char)t[i])) {
					blank = 0;
					break;
				}
			if (blank && i < len) {
				pe = ls - 1;
				break;
			}
			if (blank) /* trailing whitespace to the end */
				break;
			i = ls;
		}
		while (pe > ps && is_ws((unsigned char)t[pe - 1]))
			pe--;
		rc = push(&paras, ps, pe);
		if (rc == CDX_OK)
			rc = split_para(&sents, t, ps, pe);
		if (rc)
			goto fail;
		if (pe == len || i >= len)
			break;
	}
	free(doc->paras);
	free(doc->sents);
	doc->paras = paras.v;
	doc->n_paras = paras.n;
	doc->sents = sents.v;
	doc->n_sents = sents.n;
	return CDX_OK;
fail:
	free(paras.v);
	free(sents.v);
	return rc;
}
