/*
 * jsonl.c — the JSON Lines reader: one article per line, an object with
 * string members "text" (required), "title", "date" and "url".
 *
 * A bad line does not spoil the file: it is reported through the warning
 * callback with its line number and byte offset, and reading goes on.
 * Offsets in the documents are into the decoded "text", unchanged.
 */
#include <stdio.h>
#include <string.h>

#include "corpus_int.h"

/* Longest url kept in a document source. */
#define URL_MAX 4096

static int blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

int corpus_read_jsonl(struct corpus_reader *r, const char *data, size_t len)
{
	struct corpus_json_rec rec;
	char src[URL_MAX + 32], date[11];
	size_t pos = 0, line = 0, where, n;
	uint64_t at;
	const char *s, *nl, *title, *url;
	int rc = CDX_OK;

	memset(&rec, 0, sizeof rec);
	cdx_buf_init(&rec.text, r->text_max);
	cdx_buf_init(&rec.title, URL_MAX);
	cdx_buf_init(&rec.date, 256);
	cdx_buf_init(&rec.url, URL_MAX);
	if (r->byte0 == 0 && len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		pos = 3; /* a BOM is not part of the first record */
	while (pos < len && rc == CDX_OK) {
		s = data + pos;
		nl = memchr(s, '\n', len - pos);
		n = nl ? (size_t)(nl - s) : len - pos;
		line++;
		at = r->byte0 + (uint64_t)(s - data);
		pos += n + (nl != NULL);
		if (blank_line(s, n))
			continue;
		rc = corpus_json_parse(&rec, s, n, &where);
		if (rc == CDX_ERR_FORMAT) {
			corpus_warn(r, "line %zu: not a JSON object (byte %llu)",
			            r->line0 + line,
			            (unsigned long long)(at + where));
			rc = CDX_OK;
			continue;
		}
		if (rc == CDX_ERR_LIMIT && (rec.title.err || rec.date.err ||
		                            rec.url.err)) {
			corpus_warn(r, "line %zu: title, date or url too long, "
			            "skipped", r->line0 + line);
			rc = CDX_OK;
			continue;
		}
		if (rc == CDX_ERR_LIMIT) {
			rc = cdx_error_set(r->err, rc,
			                   "'%s': line %zu: text is larger "
			                   "than %zu bytes",
			                   r->source, r->line0 + line, r->text_max);
			break;
		}
		if (rc) {
			rc = cdx_error_set(r->err, rc, "'%s': out of memory",
			                   r->source);
			break;
		}
		if (!(rec.have & JSON_HAVE_TEXT) || rec.text.ptr == NULL ||
		    blank_line(rec.text.ptr, rec.text.len)) {
			corpus_warn(r, "line %zu: no text, skipped",
			            r->line0 + line);
			continue;
		}
		date[0] = '\0';
		if ((rec.have & JSON_HAVE_DATE) && rec.date.ptr)
			corpus_date_norm(rec.date.ptr, rec.date.len, date);
		if ((rec.have & JSON_HAVE_URL) && rec.url.len > 0)
			snprintf(src, sizeof src, "%s", rec.url.ptr);
		else
			snprintf(src, sizeof src, "%s#%zu", r->source,
			         r->line0 + line);
		title = rec.have & JSON_HAVE_TITLE ? rec.title.ptr : NULL;
		url = rec.have & JSON_HAVE_URL ? rec.url.ptr : NULL;
		rc = corpus_emit(r, &rec.text, src, title, date, url,
		                 CDX_FMT_JSONL);
	}
	cdx_buf_release(&rec.text);
	cdx_buf_release(&rec.title);
	cdx_buf_release(&rec.date);
	cdx_buf_release(&rec.url);
	return rc;
}
