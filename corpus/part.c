/*
 * part.c — a text longer than the part cap (CDX_DOC_PART_MAX, 4 MiB by
 * default) becomes consecutive part-documents.
 *
 * Why: everything downstream of a reader works per document — the
 * extractor's sentence and claim arrays, the writer's per-document term
 * table and postings — so one 100 MB document costs memory in proportion
 * to its size, many times over. Cut into parts, the same text costs at
 * most one part's worth at a time per worker.
 *
 * A part ends just after a paragraph break when there is one in the last
 * half of the cap, so sentences (and the claims in them) are not split;
 * else after a sentence end, a line end or a space; else at a character
 * boundary. Parts are contiguous and cover the whole text: part N's text
 * is bytes [base, base + len) of it, and doc->base says where, so an
 * offset in a part maps back to the whole by adding base.
 */
#include <string.h>

#include "corpus_int.h"

static int is_hspace(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Whether a cut at @p c (part = [0, c)) follows a paragraph break: the
 * part ends in a newline, and the line before it holds only blanks. */
static int para_end(const char *s, size_t c)
{
	size_t i;

	if (c < 2 || s[c - 1] != '\n')
		return 0;
	for (i = c - 1; i > 0 && is_hspace(s[i - 1]); i--)
		;
	return i > 0 && s[i - 1] == '\n';
}

/* Whether a cut at @p c follows a sentence end: ". " or ".\n", with any
 * closing quote or bracket between. */
static int sentence_end(const char *s, size_t c)
{
	size_t i;

	if (c < 2 || (s[c - 1] != ' ' && s[c - 1] != '\n'))
		return 0;
	for (i = c - 1; i > 0 && (s[i - 1] == '"' || s[i - 1] == '\'' ||
	                          s[i - 1] == ')');
	     i--)
		;
	return i > 0 && (s[i - 1] == '.' || s[i - 1] == '!' ||
	                 s[i - 1] == '?');
}

static int line_end(const char *s, size_t c)
{
	return s[c - 1] == '\n';
}

static int space_end(const char *s, size_t c)
{
	return s[c - 1] == ' ' || s[c - 1] == '\t';
}

size_t corpus_part_cut(const char *s, size_t n, size_t max)
{
	static int (*const kinds[])(const char *, size_t) = {
		para_end, sentence_end, line_end, space_end,
	};
	size_t lo = max / 2, c;

	if (n <= max)
		return n;
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		for (c = max; c > lo; c--)
			if (kinds[k](s, c))
				return c;
	/* no break at all: the last character boundary (s[max] exists) */
	for (c = max; c > lo && ((unsigned char)s[c] & 0xc0) == 0x80; c--)
		;
	return c > lo ? c : max;
}

int corpus_emit_part(struct corpus_reader *r, const char *s, size_t n,
                     unsigned part, uint64_t base, const char *item_source,
                     const char *title, const char *date, const char *url,
                     enum cdx_format format)
{
	struct cdx_buf text = CDX_BUF_INIT(CORPUS_TEXT_MAX);

	if (cdx_buf_add(&text, s, n) != CDX_OK)
		return cdx_error_set(r->err, CDX_ERR_NOMEM,
		                     "'%s': out of memory",
		                     item_source ? item_source : r->source);
	return corpus_emit_doc(r, &text, item_source, title, date, url, format,
	                       part, base);
}

int corpus_emit_parts(struct corpus_reader *r, struct cdx_buf *text,
                      const char *item_source, const char *title,
                      const char *date, const char *url,
                      enum cdx_format format)
{
	size_t off = 0, c;
	unsigned part = 0;
	int rc = CDX_OK;

	while (rc == CDX_OK && off < text->len) {
		c = corpus_part_cut(text->ptr + off, text->len - off,
		                    r->part_max);
		rc = corpus_emit_part(r, text->ptr + off, c, ++part, off,
		                      item_source, title, date, url, format);
		off += c;
	}
	cdx_buf_release(text);
	return rc;
}
