/*
 * text.c — the plain text (and Markdown) reader: one document whose text
 * is the input's bytes, unchanged.
 *
 * The bytes stay exactly as they are (claims.md: for a .txt file the
 * offsets are its bytes; only doc.c's same-length repair touches them).
 * Title and date are metadata read from the top of the file. Within the
 * first few lines, the date is a "Date:" line, a line that is a date
 * ("Friday, July 4, 2025", "Published" then "22/12/2025"), or a short
 * masthead ending in one ("..., Mineral Commodity Summaries, February
 * 2026"); the first other line gives the title when it is short and does
 * not end like a sentence. Web pages saved as text carry their date this
 * way, and without it a day with no year ("said 9 April") has no year.
 */
#include <string.h>
#include <strings.h>

#include "corpus_int.h"

/* How many non-empty lines at the top may hold the date. */
#define HEADER_LINES 8
/* Bytes after a date that still leave its line a date line: a time, a
 * zone, a byline ("April 13, 2025, 1:29 p.m. ET", "12 April 2021 Ann
 * Lee"). A longer tail is a sentence that opens with a date. */
#define DATE_TAIL_MAX 40
/* A line longer than this is no masthead ending in a date. */
#define MASTHEAD_MAX 100

struct line {
	const char *s;
	size_t n;
};

/* What a line at the top of a text says about the date. */
enum header_kind {
	HDR_NONE = 0,  /* no date: a title or the body */
	HDR_DATE,      /* the line is a date (with at most a short tail) */
	HDR_DATE_TEXT, /* "date 2025-08-18 Body text...": the body follows */
	HDR_LABEL,     /* "Published" alone: the date is on the next line */
};

/*
 * Words that announce a date on web pages. Kept here, beside date.c's
 * month names, rather than in extractors/data: they are part of reading
 * a page's header, as the HTML reader's <meta> names are.
 */
static const char *const date_labels[] = {
	"last updated", "first published", "published on", "published",
	"updated on", "updated", "posted on", "posted", "date",
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int is_lower_ascii(char c)
{
	return c >= 'a' && c <= 'z';
}

/* The next non-empty line at or after *pos, trimmed; 0 at the end. */
static int next_line(const char *data, size_t len, size_t *pos,
                     struct line *out)
{
	while (*pos < len) {
		const char *s = data + *pos;
		const char *nl = memchr(s, '\n', len - *pos);
		size_t n = nl ? (size_t)(nl - s) : len - *pos;

		*pos += n + (nl != NULL);
		if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
			s += 3;
			n -= 3;
		}
		while (n > 0 && is_blank(*s))
			s++, n--;
		while (n > 0 && is_blank(s[n - 1]))
			n--;
		if (n > 0) {
			out->s = s;
			out->n = n;
			return 1;
		}
	}
	return 0;
}

/*
 * "Date: 2025-08-18", "date 2025-08-18 ...", "Date: June 10, 2003":
 * a date line. Sets @p date; *whole says the line holds nothing else.
 */
static int date_line(const struct line *l, char date[11], int *whole)
{
	size_t i = 4;

	if (l->n < 6 || strncasecmp(l->s, "date", 4) != 0)
		return 0;
	if (l->s[i] == ':')
		i++;
	if (i >= l->n || !is_blank(l->s[i]))
		return 0;
	while (i < l->n && is_blank(l->s[i]))
		i++;
	if (!corpus_date_norm(l->s + i, l->n - i, date))
		return 0;
	/* the date takes at most ~20 bytes ("September 10, 2003") */
	*whole = l->n - i <= 24 && memchr(l->s + i, '.', l->n - i) == NULL;
	return 1;
}

/* Bytes of a date label opening @p l ("Published:", "Updated on"), with
 * the blanks and colon after it; 0 when there is none. */
static size_t label_len(const struct line *l)
{
	for (size_t k = 0; k < sizeof date_labels / sizeof *date_labels;
	     k++) {
		size_t n = strlen(date_labels[k]), i = n;

		if (l->n < n || strncasecmp(l->s, date_labels[k], n) != 0)
			continue;
		if (i < l->n && is_lower_ascii((char)(l->s[i] | 0x20)))
			continue; /* "Dated", "Postedby" */
		if (i < l->n && l->s[i] == ':')
			i++;
		while (i < l->n && is_blank(l->s[i]))
			i++;
		return i;
	}
	return 0;
}

/*
 * "22/12/2025" after a "Published" label: a numeric date, read only when
 * its order cannot be mistaken (one of the first two numbers over 12).
 */
static int numeric_date(const char *s, size_t n, char date[11])
{
	unsigned a = 0, b = 0, y = 0;
	size_t i = 0, k;

	for (k = i; i < n && i - k < 2 && s[i] >= '0' && s[i] <= '9'; i++)
		a = a * 10 + (unsigned)(s[i] - '0');
	if (i == k || i >= n || (s[i] != '/' && s[i] != '.'))
		return 0;
	for (k = ++i; i < n && i - k < 2 && s[i] >= '0' && s[i] <= '9'; i++)
		b = b * 10 + (unsigned)(s[i] - '0');
	if (i == k || i >= n || s[i] != s[k - 1])
		return 0;
	for (k = ++i; i < n && i - k < 4 && s[i] >= '0' && s[i] <= '9'; i++)
		y = y * 10 + (unsigned)(s[i] - '0');
	if (i - k != 4 || (i < n && s[i] >= '0' && s[i] <= '9'))
		return 0;
	if (a > 12 && a <= 31 && b >= 1 && b <= 12)
		return corpus_date_norm_ymd(y, b, a, date);
	if (b > 12 && b <= 31 && a >= 1 && a <= 12)
		return corpus_date_norm_ymd(y, a, b, date);
	return 0;
}

/*
 * A line that opens with a date: "December 12, 2023", "Friday, July 4,
 * 2025", "Published: 22 Sep 2025", "April 13, 2025, 1:29 p.m. ET". The
 * date must name its day, or be the whole line ("February 2026"): "June
 * 2003 was a record month" opens a sentence, not a page.
 */
static int opening_date(const struct line *l, int after_label,
                        char date[11])
{
	size_t at = label_len(l), used;
	const char *s = l->s + at;
	size_t n = l->n - at;

	if (at > 0)
		after_label = 1;
	if (n == 0)
		return 0;
	if (after_label && numeric_date(s, n, date))
		return 1;
	if (!corpus_date_span(s, n, date, &used))
		return 0;
	if (strlen(date) == 10 && n - used <= DATE_TAIL_MAX)
		return 1;
	if (strlen(date) >= 7 && used == n)
		return 1;
	date[0] = '\0';
	return 0;
}

/*
 * A masthead or imprint line that ends with its date: "U.S. Geological
 * Survey, Mineral Commodity Summaries, February 2026". Short, no
 * sentence, and the date not the object of a preposition ("Prices fell
 * in April 2025" is a headline about April, not dated by it).
 */
static int closing_date(const struct line *l, char date[11])
{
	static const char *const preps[] = {"in", "on", "since", "by",
	                                    "from", "until", "to", "of",
	                                    "before", "after", "for"};
	size_t used;

	if (l->n > MASTHEAD_MAX || l->s[l->n - 1] == '.')
		return 0;
	for (size_t i = l->n; i-- > 1;) {
		size_t w = i, k;

		if (!is_blank(l->s[i - 1]))
			continue;
		if (!corpus_date_span(l->s + i, l->n - i, date, &used) ||
		    used != l->n - i || strlen(date) < 7) {
			date[0] = '\0';
			continue;
		}
		/* the word before the date */
		while (w > 0 && (is_blank(l->s[w - 1]) || l->s[w - 1] == ','))
			w--;
		k = w;
		while (k > 0 && !is_blank(l->s[k - 1]))
			k--;
		for (size_t p = 0; p < sizeof preps / sizeof *preps; p++)
			if (w - k == strlen(preps[p]) &&
			    strncasecmp(l->s + k, preps[p], w - k) == 0) {
				date[0] = '\0';
				return 0;
			}
		return w > 0;
	}
	date[0] = '\0';
	return 0;
}

/* What line @p k of the top says about the date (see header_kind). */
static enum header_kind header_line(const struct line *l, int k,
                                    int after_label, int *whole,
                                    char date[11])
{
	if (date_line(l, date, whole))
		return *whole ? HDR_DATE : HDR_DATE_TEXT;
	if (label_len(l) == l->n)
		return HDR_LABEL;
	*whole = 1;
	if (opening_date(l, after_label, date))
		return HDR_DATE;
	/* the first line is the title, not an imprint */
	if (k > 0 && closing_date(l, date))
		return HDR_DATE;
	return HDR_NONE;
}

int corpus_text_header(const char *data, size_t len, struct cdx_buf *title,
                       char date[11])
{
	struct line l, first = {NULL, 0};
	size_t pos = 0;
	int whole = 0, got_date = 0, after_label = 0;

	date[0] = '\0';
	for (int k = 0; k < HEADER_LINES && next_line(data, len, &pos, &l);
	     k++) {
		enum header_kind h = HDR_NONE;

		if (!got_date)
			h = header_line(&l, k, after_label, &whole, date);
		after_label = h == HDR_LABEL;
		if (h == HDR_LABEL)
			continue;
		if (h != HDR_NONE) {
			got_date = 1;
			if (h == HDR_DATE)
				continue;
			if (first.s == NULL)
				break; /* "date 2025-08-18 Text..." */
		}
		if (l.n > 6 && strncasecmp(l.s, "title:", 6) == 0) {
			l.s += 6;
			l.n -= 6;
		}
		if (first.s == NULL)
			first = l;
		if (got_date)
			break;
	}
	if (first.s) {
		/* a Markdown heading's marks are not part of the title */
		while (first.n > 0 && first.s[0] == '#') {
			first.s++;
			first.n--;
		}
		while (first.n > 0 && is_blank(first.s[0]))
			first.s++, first.n--;
		/* a sentence is not a title, but "Rivals of the Apple..." is */
		if (first.n > 0 && first.n < CORPUS_TITLE_LINE_MAX &&
		    (first.s[first.n - 1] != '.' ||
		     (first.n > 3 &&
		      memcmp(first.s + first.n - 3, "...", 3) == 0)) &&
		    cdx_buf_add(title, first.s, first.n) != CDX_OK)
			cdx_buf_release(title); /* no memory: no title */
	}
	return got_date;
}

int corpus_read_text(struct corpus_reader *r, const char *data, size_t len)
{
	struct cdx_buf text = CDX_BUF_INIT(r->text_max);
	struct cdx_buf title = CDX_BUF_INIT(CORPUS_TITLE_LINE_MAX);
	char date[11];
	int rc, got_date;

	got_date = corpus_text_header(data, len, &title, date);
	rc = cdx_buf_add(&text, data, len);
	if (rc) {
		rc = cdx_error_set(r->err, rc, "'%s': out of memory",
		                   r->source);
		goto cleanup;
	}
	rc = corpus_emit(r, &text, NULL, title.err ? NULL : title.ptr,
	                 got_date ? date : NULL, NULL, CDX_FMT_TEXT);
cleanup:
	cdx_buf_release(&text);
	cdx_buf_release(&title);
	return rc;
}
