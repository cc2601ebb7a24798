/*
 * stream.c — inputs longer than the part cap, read piece by piece so that
 * memory does not grow with the file.
 *
 * cdx_corpus_read_file() reads the first r->part_max + 1 bytes; a file
 * that fits is read whole as before. A longer one comes here, where what
 * the first piece says decides the rest: binary content is rejected, the
 * format is detected, and a first piece that is not UTF-8 makes the whole
 * file Windows-1252 (converted piece by piece; the conversion has no
 * state). Then:
 *   - plain text is cut into part-documents (part.c) as it arrives: the
 *     buffer holds at most about two parts;
 *   - JSON Lines are handed to the JSON Lines reader in runs of whole
 *     lines, SGML in runs of whole <REUTERS> articles, with r->byte0,
 *     r->line0 and r->item0 telling the reader where the run starts so
 *     that messages and item numbers are the file's. A single line or
 *     article longer than a piece is read on until it ends (the memory it
 *     needs is its own size);
 *   - HTML, XML and UTF-16 need the whole input (libxml2 builds a tree;
 *     UTF-16 is transcoded up front), so the rest is read in and the
 *     input handled as a buffer, bounded by r->opts->max_bytes, which
 *     the HTML reader frees once it has parsed it (r->input), before
 *     the text is gathered beside the tree.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus_int.h"

/* Smallest read when the size is unknown (a pipe). */
#define STEP_MIN ((size_t)1 << 20)
/* Pages from this size up have their tree's memory given back. */
#define TRIM_MIN ((size_t)4 << 20)

int corpus_read_more(struct corpus_reader *r, int fd, struct cdx_buf *b,
                     size_t want, int *eof)
{
	size_t max = r->opts->max_bytes;
	ssize_t got;

	*eof = 0;
	while (b->len < want) {
		size_t step = want - b->len;
		size_t geo = b->len > STEP_MIN ? b->len : STEP_MIN;

		if (r->size_hint > r->total &&
		    r->size_hint - r->total < step)
			step = (size_t)(r->size_hint - r->total);
		else if (step > geo)
			step = geo; /* size unknown: grow geometrically */
		if (cdx_buf_grow(b, step) != CDX_OK)
			return b->err == CDX_ERR_LIMIT
			               ? corpus_too_large(r->err, r->source, max)
			               : cdx_error_set(r->err, CDX_ERR_NOMEM,
			                               "'%s': out of memory",
			                               r->source);
		got = read(fd, b->ptr + b->len, step);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return cdx_error_set(r->err, CDX_ERR_IO,
			                     "cannot read '%s': %s", r->source,
			                     strerror(errno));
		if (got == 0) {
			*eof = 1;
			break;
		}
		b->len += (size_t)got;
		b->ptr[b->len] = '\0';
		r->total += (uint64_t)got;
		if (r->total > max)
			return corpus_too_large(r->err, r->source, max);
		if (r->size_hint && r->total == r->size_hint) {
			/* a regular file ends at the size fstat() gave: a
			 * read() to see it end would cost a system call per
			 * file, and bytes appended meanwhile are a later
			 * version's */
			*eof = 1;
			break;
		}
	}
	return CDX_OK;
}

/* Read the rest of the input and handle it as one buffer, which the
 * reader may free once it has parsed it. */
static int read_rest(struct corpus_reader *r, int fd, struct cdx_buf *b)
{
	int eof, rc = corpus_read_more(r, fd, b, SIZE_MAX, &eof);

	if (rc == CDX_OK) {
		r->input = b;
		rc = corpus_read_whole(r, b->ptr, b->len);
		r->input = NULL;
	}
	return rc;
}

void corpus_input_release(struct corpus_reader *r)
{
	if (r->input)
		cdx_buf_release(r->input);
}

void corpus_heap_trim(size_t page_len)
{
#ifdef __GLIBC__
	if (page_len >= TRIM_MIN)
		(void)malloc_trim(0);
#else
	(void)page_len;
#endif
}

/* Append @p n input bytes to @p b, as UTF-8 when the input is legacy. */
static int take(struct corpus_reader *r, struct cdx_buf *b, const char *s,
                size_t n, int legacy)
{
	char *u = NULL;
	size_t un;
	int rc;

	if (!legacy)
		rc = cdx_buf_add(b, s, n);
	else if ((u = corpus_cp1252_to_utf8((const unsigned char *)s, n,
	                                    &un)) == NULL)
		rc = CDX_ERR_NOMEM;
	else
		rc = cdx_buf_add(b, u, un);
	free(u);
	if (rc != CDX_OK)
		return cdx_error_set(r->err, rc, "'%s': out of memory",
		                     r->source);
	return CDX_OK;
}

/* Drop the first @p n bytes of @p b. */
static void consume(struct cdx_buf *b, size_t n)
{
	memmove(b->ptr, b->ptr + n, b->len - n);
	b->len -= n;
	b->ptr[b->len] = '\0';
}

/* Plain text: parts cut as the bytes arrive. @p pend holds the first
 * piece, already UTF-8. */
static int stream_text(struct corpus_reader *r, int fd, struct cdx_buf *pend,
                       int legacy)
{
	struct cdx_buf title = CDX_BUF_INIT(CORPUS_TITLE_LINE_MAX);
	struct cdx_buf raw = CDX_BUF_INIT(CORPUS_TEXT_MAX);
	char date[11];
	const char *t;
	uint64_t base = 0;
	unsigned part = 0;
	size_t c;
	int eof = 0, rc = CDX_OK, got_date;

	got_date = corpus_text_header(pend->ptr, pend->len, &title, date);
	t = title.err ? NULL : title.ptr;
	while (rc == CDX_OK) {
		while (rc == CDX_OK && pend->len > r->part_max) {
			c = corpus_part_cut(pend->ptr, pend->len, r->part_max);
			rc = corpus_emit_part(r, pend->ptr, c, ++part, base,
			                      NULL, t, got_date ? date : NULL,
			                      NULL, CDX_FMT_TEXT);
			base += c;
			consume(pend, c);
		}
		if (rc != CDX_OK || eof)
			break;
		if (!legacy) {
			/* UTF-8 needs no conversion: read in place */
			rc = corpus_read_more(r, fd, pend,
			                      pend->len + r->part_max, &eof);
			continue;
		}
		cdx_buf_clear(&raw);
		rc = corpus_read_more(r, fd, &raw, r->part_max, &eof);
		if (rc == CDX_OK && raw.len)
			rc = take(r, pend, raw.ptr, raw.len, legacy);
	}
	if (rc == CDX_OK && pend->len)
		rc = corpus_emit_part(r, pend->ptr, pend->len, ++part, base, NULL,
		                      t, got_date ? date : NULL, NULL,
		                      CDX_FMT_TEXT);
	cdx_buf_release(&raw);
	cdx_buf_release(&title);
	return rc;
}

/* The end of the last whole record in [s, s+n): after the last newline
 * (JSON Lines) or the last "</REUTERS>" (SGML); 0 when there is none. */
static size_t records_end(const char *s, size_t n, enum cdx_format f)
{
	static const char close[] = "</REUTERS>";
	const size_t k = sizeof close - 1;

	if (f == CDX_FMT_JSONL) {
		while (n > 0 && s[n - 1] != '\n')
			n--;
		return n;
	}
	for (; n >= k; n--)
		if (s[n - k] == '<' && memcmp(s + n - k, close, k) == 0)
			return n;
	return 0;
}

static size_t count_lines(const char *s, size_t n)
{
	size_t k = 0;
	const char *p;

	while ((p = memchr(s, '\n', n)) != NULL) {
		k++;
		n -= (size_t)(p + 1 - s);
		s = p + 1;
	}
	return k;
}

/* JSON Lines or SGML: runs of whole records handed to the reader. */
static int stream_records(struct corpus_reader *r, int fd,
                          struct cdx_buf *pend, enum cdx_format f, int legacy)
{
	struct cdx_buf raw = CDX_BUF_INIT(CORPUS_TEXT_MAX);
	size_t end;
	int eof = 0, rc = CDX_OK;

	while (rc == CDX_OK) {
		end = eof ? pend->len : records_end(pend->ptr, pend->len, f);
		if (end > 0) {
			r->text_max = end > CORPUS_TEXT_MAX / 4 ? CORPUS_TEXT_MAX
			                                       : end * 4 + 64;
			rc = f == CDX_FMT_JSONL
			             ? corpus_read_jsonl(r, pend->ptr, end)
			             : corpus_read_sgml(r, pend->ptr, end);
			if (f == CDX_FMT_JSONL)
				r->line0 += count_lines(pend->ptr, end);
			r->byte0 += end;
			consume(pend, end);
		}
		if (rc != CDX_OK || eof)
			break;
		cdx_buf_clear(&raw);
		rc = corpus_read_more(r, fd, &raw, r->part_max, &eof);
		if (rc == CDX_OK && raw.len)
			rc = take(r, pend, raw.ptr, raw.len, legacy);
	}
	cdx_buf_release(&raw);
	return rc;
}

int corpus_stream(struct corpus_reader *r, int fd, struct cdx_buf *head)
{
	const unsigned char *p = (const unsigned char *)head->ptr;
	struct cdx_buf pend = CDX_BUF_INIT(CORPUS_TEXT_MAX);
	enum cdx_format f = r->opts->format;
	char why[96];
	size_t bad;
	int rc, legacy;

	if ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff)) {
		rc = read_rest(r, fd, head); /* UTF-16 */
		goto cleanup;
	}
	if (corpus_is_binary(head->ptr, head->len, why, sizeof why)) {
		rc = cdx_error_set(r->err, CDX_ERR_FORMAT,
		                   "'%s': binary file, not text (%s)", r->source,
		                   why);
		goto cleanup;
	}
	if (f == CDX_FMT_AUTO)
		f = cdx_corpus_detect(r->source, head->ptr, head->len);
	if (f == CDX_FMT_HTML || f == CDX_FMT_XML) {
		rc = read_rest(r, fd, head);
		goto cleanup;
	}
	legacy = corpus_guess_charset(head->ptr, head->len, &bad) ==
	         CORPUS_LEGACY;
	if (legacy)
		corpus_warn(r, "not UTF-8 (byte %zu): read as Windows-1252, "
		            "so offsets are into the converted text", bad);
	rc = take(r, &pend, head->ptr, head->len, legacy);
	cdx_buf_release(head);
	if (rc != CDX_OK)
		goto cleanup;
	if (f == CDX_FMT_JSONL || f == CDX_FMT_SGML)
		rc = stream_records(r, fd, &pend, f, legacy);
	else
		rc = stream_text(r, fd, &pend, legacy);
	if (rc == CDX_OK && r->n_docs == 0)
		rc = cdx_error_set(r->err, CDX_ERR_FORMAT,
		                   "'%s': no readable text (read as %s)",
		                   r->source, cdx_format_name(f));
cleanup:
	cdx_buf_release(head);
	cdx_buf_release(&pend);
	return rc;
}
