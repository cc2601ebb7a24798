/*
 * text.c — the plain text (and Markdown) reader: one document whose text
 * is the input's bytes, unchanged.
 *
 * The bytes stay exactly as they are (claims.md: for a .txt file the
 * offsets are its bytes; only doc.c's same-length repair touches them).
 * Title and date are metadata read from the top of the file: a "Date:" or
 * "date" line within the first few lines gives the date, and the first
 * other line gives the title when it is short and does not end like a
 * sentence.
 */
#include <string.h>
#include <strings.h>

#include "corpus_int.h"

/* How many non-empty lines at the top may hold a date line. */
#define HEADER_LINES 5

struct line {
	const char *s;
	size_t n;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
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

int corpus_text_header(const char *data, size_t len, struct cdx_buf *title,
                       char date[11])
{
	struct line l, first = {NULL, 0};
	size_t pos = 0;
	int whole, got_date = 0;

	date[0] = '\0';
	for (int k = 0; k < HEADER_LINES && next_line(data, len, &pos, &l);
	     k++) {
		if (!got_date && date_line(&l, date, &whole)) {
			got_date = 1;
			if (whole)
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
