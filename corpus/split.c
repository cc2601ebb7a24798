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
 * A line break inside a paragraph ends a sentence in three cases: before a
 * bulleted line, after a heading line (short, no final punctuation,
 * at the start of a sentence, shorter than the next line, which starts
 * with an upper-case letter), and after a line too long to be
 * hard-wrapped that ends with no punctuation before an upper-case letter.
 * Running headers (see running_headers()) are in no sentence, and a
 * sentence ends where one starts.
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
/* A line longer than this is no hard-wrapped one (text wraps at 72 to 80
 * bytes, a PDF's extracted lines at up to about 130): ending with no
 * punctuation before a capital ("... by 2028\nKvanefjeld"), it ends a
 * sentence. */
#define UNWRAPPED_MIN 140
/* A sentence longer than this is cut at a space: extractors work per
 * sentence, and a punctuation-free blob must not become one huge one. */
#define SENT_MAX 8192
/* Running headers are looked for among the first HEAD_LINES non-blank
 * lines; one is RUNNING_MIN..RUNNING_MAX bytes long (a shorter head line,
 * "COBALT", counts only beside a longer one). RUNNING_SPANS bounds the
 * work a document full of repeats can make. */
#define HEAD_LINES 12
#define RUNNING_MIN 20
#define RUNNING_MAX 160
#define RUNNING_SPANS 4096
/* Bytes compared looking for one head line, at most this many times the
 * text's length. */
#define RUNNING_WORK 16

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

/* Does the line [ls, le) (trimmed, not empty) end as a heading or a
 * sentence may, with no punctuation that goes on and no glue word? */
static int bare_end(const char *t, size_t ls, size_t le)
{
	size_t w;
	unsigned char last = (unsigned char)t[le - 1];

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

/* Does the line [ls, le) (trimmed) read as a heading? */
static int heading_line(const char *t, size_t ls, size_t le)
{
	return le > ls && le - ls <= HEADING_MAX && bare_end(t, ls, le);
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

/*
 * Running headers. A PDF prints its publication, chapter and date on
 * every page, and text extraction leaves them in the flow, where they run
 * into the sentences around them: "... and Sweden. GRAPHITE U.S.
 * Geological Survey, Mineral Commodity Summaries, February 2026 Five
 * companies were ...". Page one prints them at the document's head, as
 * lines of their own, so a head line that recurs later in the text is
 * one, and so are the head lines next to it that recur next to it
 * ("GRAPHITE" before the survey's line). A header is no sentence and
 * holds no figure (header_text()): a repeated table row or paragraph is
 * data. A recurrence is taken out only where it stands between two
 * sentences or paragraphs, and its copy at the head too: the same words
 * quoted inside a sentence, or a wrapped line of prose, stay.
 */

/* The next occurrence of [what, what+n) in [t+from, t+len) that starts a
 * word, or len. memchr() looks for its first byte that is neither a
 * small letter nor a space (a capital, a digit: rarer in prose), and
 * *work counts the bytes compared, so that a text made to match almost
 * everywhere costs a bounded multiple of its length: past the budget
 * nothing more is found. */
static size_t find_bytes(const char *t, size_t from, size_t len,
                         const char *what, size_t n, size_t *work)
{
	size_t a = 0;

	while (a + 1 < n && (is_lower_ascii((unsigned char)what[a]) ||
	                     what[a] == ' '))
		a++;
	while (from + n <= len && *work <= RUNNING_WORK * len) {
		const char *p = memchr(t + from + a, what[a], len - from - n + 1);

		if (p == NULL)
			break;
		from = (size_t)(p - t) - a;
		*work += n;
		if ((from == 0 || is_ws((unsigned char)t[from - 1])) &&
		    memcmp(t + from, what, n) == 0)
			return from;
		from++;
	}
	return len;
}

/* The first @p HEAD_LINES non-blank lines of [t, t+len), trimmed, into
 * @p head; returns how many. */
static size_t head_lines(const char *t, size_t len, struct cdx_span *head)
{
	size_t n = 0, i = 0;

	while (i < len && n < HEAD_LINES) {
		const char *nl = memchr(t + i, '\n', len - i);
		size_t ls = i, le = nl ? (size_t)(nl - t) : len;

		i = nl ? le + 1 : len;
		while (ls < le && is_ws((unsigned char)t[ls]))
			ls++;
		while (le > ls && is_ws((unsigned char)t[le - 1]))
			le--;
		if (le > ls) {
			head[n].start = (uint32_t)ls;
			head[n].end = (uint32_t)le;
			n++;
		}
	}
	return n;
}

/* Can the head line [ls, le) be part of a running header? A header is
 * no sentence and holds no figure: short, no final . ! ? , ; : (before
 * closing quotes), no sentence end inside ("U.S. Geological" is none),
 * and no number but a year ("February 2026"). A row of data repeated in
 * a table ("Shr diluted 1.95 dlrs vs 1.99 dlrs") or a repeated paragraph
 * of prose is none. */
static int header_text(const char *t, size_t ls, size_t le)
{
	size_t e = le;

	if (le - ls > RUNNING_MAX)
		return 0;
	while (e > ls && strchr("\"')]", t[e - 1]))
		e--;
	if (e == ls || strchr(".!?:;,", t[e - 1]))
		return 0;
	for (size_t i = ls; i < le; i++) {
		int digit;

		if (is_digit((unsigned char)t[i])) {
			size_t j = i;

			while (j < le && is_digit((unsigned char)t[j]))
				j++;
			if (j - i != 4 || (i > ls && !is_ws((unsigned char)t[i - 1])) ||
			    (j < le && !is_ws((unsigned char)t[j])) ||
			    !(t[i] == '1' || t[i] == '2'))
				return 0; /* a figure, not a year */
			i = j;
		} else if ((t[i] == '.' || t[i] == '!' || t[i] == '?') &&
		           i + 2 < le && t[i + 1] == ' ' &&
		           starter(t, i + 2, le, &digit) &&
		           (t[i] != '.' || !abbrev_kind(t, ls, i))) {
			return 0; /* a sentence ends inside */
		}
	}
	return 1;
}

/* Can head line @p h be a running header by itself: a header's text, long
 * enough to be more than a word? */
static int running_line(const char *t, struct cdx_span h)
{
	size_t n = h.end - h.start;

	return n >= RUNNING_MIN && memchr(t + h.start, ' ', n) != NULL &&
	       header_text(t, h.start, h.end);
}

/* Where head line @p h ends right before @p at (whitespace between, a
 * word boundary before it): its start there, else SIZE_MAX. */
static size_t line_before(const char *t, size_t at, struct cdx_span h)
{
	size_t n = h.end - h.start;

	while (at > 0 && is_ws((unsigned char)t[at - 1]))
		at--;
	if (at < n || memcmp(t + at - n, t + h.start, n) != 0 ||
	    (at > n && !is_ws((unsigned char)t[at - n - 1])))
		return SIZE_MAX;
	return at - n;
}

/* Where head line @p h starts right after @p at: its end there, else
 * SIZE_MAX. */
static size_t line_after(const char *t, size_t len, size_t at,
                         struct cdx_span h)
{
	size_t n = h.end - h.start;

	while (at < len && is_ws((unsigned char)t[at]))
		at++;
	if (len - at < n || memcmp(t + at, t + h.start, n) != 0 ||
	    (at + n < len && !is_ws((unsigned char)t[at + n])))
		return SIZE_MAX;
	return at + n;
}

/* Does [s, e) stand between two sentences: a paragraph start (a blank
 * line, the text's start) or a sentence's final . ! ? (with closing
 * quotes) before it, a paragraph end or a sentence start after it? A line
 * break alone is no boundary: a hard-wrapped paragraph repeated in the
 * text repeats its lines too. */
static int between_sentences(const char *t, size_t len, size_t s, size_t e)
{
	int nl = 0, digit;

	while (s > 0 && is_ws((unsigned char)t[s - 1]))
		nl += t[--s] == '\n';
	if (s > 0 && nl < 2) {
		/* closing quotes and brackets: " ' ) ] ” ’ » */
		for (;;) {
			if (s > 0 && strchr("\"')]", t[s - 1]))
				s--;
			else if (s >= 3 && memcmp(t + s - 3, "\xe2\x80", 2) == 0 &&
			         (t[s - 1] == '\x9d' || t[s - 1] == '\x99'))
				s -= 3;
			else if (s >= 2 && memcmp(t + s - 2, "\xc2\xbb", 2) == 0)
				s -= 2;
			else
				break;
		}
		if (s == 0 || !strchr(".!?", t[s - 1]))
			return 0;
	}
	nl = 0;
	while (e < len && is_ws((unsigned char)t[e]))
		nl += t[e++] == '\n';
	return e == len || nl >= 2 || starter(t, e, len, &digit);
}

static int by_start(const void *a, const void *b)
{
	const struct cdx_span *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/* Sort the spans by start and merge those that overlap or touch across
 * whitespace only. */
static void merge_spans(struct spans *f, const char *t)
{
	size_t k = 0;

	if (f->n > 1)
		qsort(f->v, f->n, sizeof *f->v, by_start);
	for (size_t i = 0; i < f->n; i++) {
		if (k > 0) {
			struct cdx_span *p = &f->v[k - 1];
			uint32_t g = p->end;

			while (g < f->v[i].start && is_ws((unsigned char)t[g]))
				g++;
			if (g >= f->v[i].start) {
				if (f->v[i].end > p->end)
					p->end = f->v[i].end;
				continue;
			}
		}
		f->v[k++] = f->v[i];
	}
	f->n = k;
}

/* The running headers of [t, t+len), each recurrence and the head lines
 * it repeats, into @p f, sorted and merged. */
static int running_headers(struct spans *f, const char *t, size_t len)
{
	struct cdx_span head[HEAD_LINES];
	size_t nh = head_lines(t, len, head);

	for (size_t k = 0; k < nh; k++) {
		size_t n = head[k].end - head[k].start, from = head[k].end, o;
		size_t work = 0;

		if (!running_line(t, head[k]))
			continue;
		while ((o = find_bytes(t, from, len, t + head[k].start, n,
		                       &work)) < len && f->n < RUNNING_SPANS) {
			size_t s = o, e = o + n, p;
			size_t a = k, b = k + 1; /* head lines [a, b) recur */

			from = o + 1;
			if (e < len && !is_ws((unsigned char)t[e]))
				continue; /* the start of a longer word */
			while (a > 0 && header_text(t, head[a - 1].start,
			                            head[a - 1].end) &&
			       (p = line_before(t, s, head[a - 1])) != SIZE_MAX) {
				s = p;
				a--;
			}
			while (b < nh && header_text(t, head[b].start, head[b].end) &&
			       (p = line_after(t, len, e, head[b])) != SIZE_MAX) {
				e = p;
				b++;
			}
			/* the copy at the head too: a wrapped line of prose
			 * recurring in a repeated paragraph is none */
			if (!between_sentences(t, len, s, e) ||
			    !between_sentences(t, len, head[a].start,
			                       head[b - 1].end))
				continue;
			if (push(f, s, e) ||
			    push(f, head[a].start, head[b - 1].end))
				return CDX_ERR_NOMEM;
			from = e;
		}
	}
	merge_spans(f, t);
	return CDX_OK;
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
			      starter(t, k, pe, &digit)) ||
			     (le - ls > UNWRAPPED_MIN && bare_end(t, ls, le) &&
			      is_upper_ascii((unsigned char)t[k])))) {
				if (push_sentence(s, t, start, le))
					return CDX_ERR_NOMEM;
				start = k;
			}
		}
		i++;
	}
	return push_sentence(s, t, start, pe);
}

/* Split the paragraph [ps, pe) into sentences around the running headers
 * @p f from its *fi-th on (which ends after ps). */
static int split_around(struct spans *s, const char *t, size_t ps,
                        size_t pe, const struct spans *f, size_t *fi)
{
	for (; *fi < f->n && f->v[*fi].start < pe; ++*fi) {
		if (f->v[*fi].start > ps &&
		    split_para(s, t, ps, f->v[*fi].start))
			return CDX_ERR_NOMEM;
		if (f->v[*fi].end > ps)
			ps = f->v[*fi].end;
		if (ps >= pe)
			return CDX_OK; /* the header goes on past the paragraph */
	}
	return split_para(s, t, ps, pe);
}

int cdx_corpus_split(struct cdx_doc *doc)
{
	struct spans paras = {NULL, 0, 0}, sents = {NULL, 0, 0};
	struct spans heads = {NULL, 0, 0};
	const char *t = doc->text;
	size_t len = doc->len, i = 0, hi = 0;
	int rc = running_headers(&heads, t, len);

	if (rc)
		goto fail;
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
			rc = split_around(&sents, t, ps, pe, &heads, &hi);
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
	free(heads.v);
	return CDX_OK;
fail:
	free(paras.v);
	free(sents.v);
	free(heads.v);
	return rc;
}
