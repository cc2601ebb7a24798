/*
 * read.c — the entry points: a file or a buffer in, documents out.
 *
 * cdx_corpus_read_file() opens and fstat()s a path and hands the
 * descriptor to cdx_corpus_read_fd() (which a caller that has opened the
 * file already calls itself), which only gets the bytes (with a size
 * cap: inputs are untrusted) and hands them to corpus_read_whole(), the
 * heart of cdx_corpus_read_buffer(), which rejects what
 * cannot be text (empty, binary), transcodes UTF-16, picks a reader and
 * makes sure the input produced at least one document. Readers build each
 * document's text and pass it to corpus_emit(), the one place where a
 * document is finished (repaired, split) and given to the caller.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus_int.h"

/* Longest title kept; longer ones are cut at a character boundary. */
#define TITLE_MAX 512

void corpus_warn(struct corpus_reader *r, const char *fmt, ...)
{
	char msg[CDX_ERROR_MSG_MAX];
	int k;
	va_list ap;

	if (r->opts->warn == NULL)
		return;
	k = snprintf(msg, sizeof msg, "'%s': ", r->source);
	if (k < 0 || (size_t)k >= sizeof msg)
		k = 0;
	va_start(ap, fmt);
	vsnprintf(msg + k, sizeof msg - (size_t)k, fmt, ap);
	va_end(ap);
	r->opts->warn(r->opts->warn_ctx, msg);
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* A copy of a title with whitespace runs collapsed and the ends trimmed. */
static char *clean_title(const char *t, int *oom)
{
	size_t n = 0, i;
	char *out;

	if (t == NULL)
		return NULL;
	out = malloc(TITLE_MAX + 1);
	if (out == NULL) {
		*oom = 1;
		return NULL;
	}
	for (i = 0; t[i] && n < TITLE_MAX; i++) {
		if (is_space((unsigned char)t[i])) {
			if (n > 0 && out[n - 1] != ' ')
				out[n++] = ' ';
		} else {
			out[n++] = t[i];
		}
	}
	if (t[i] && n > 0) {
		/* cut: drop a character the cap split in two */
		size_t k = n - 1;

		while (k > 0 && ((unsigned char)out[k] & 0xc0) == 0x80)
			k--;
		if (corpus_utf8_seqlen((const unsigned char *)out + k,
		                       n - k) == 0)
			n = k;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	corpus_utf8_repair(NULL, out, n);
	if (n == 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* "title (part N)", or NULL when there is no title. */
static char *part_title(char *t, unsigned part, int *oom)
{
	size_t n;
	char *p;

	if (t == NULL || part == 0)
		return t;
	n = strlen(t);
	p = realloc(t, n + 24);
	if (p == NULL) {
		*oom = 1;
		return t;
	}
	snprintf(p + n, 24, " (part %u)", part);
	return p;
}

/* "source#partN" (malloc'ed). */
static char *part_source(const char *src, unsigned part, int *oom)
{
	size_t n = strlen(src);
	char *p = malloc(n + 24);

	if (p == NULL) {
		*oom = 1;
		return NULL;
	}
	if (part)
		snprintf(p, n + 24, "%s#part%u", src, part);
	else
		memcpy(p, src, n + 1);
	return p;
}

int corpus_emit(struct corpus_reader *r, struct cdx_buf *text,
                const char *item_source, const char *title,
                const char *date, const char *url, enum cdx_format format)
{
	if (text->err == 0 && text->len > r->part_max)
		return corpus_emit_parts(r, text, item_source, title, date,
		                         url, format);
	return corpus_emit_doc(r, text, item_source, title, date, url, format,
	                       0, 0);
}

int corpus_emit_doc(struct corpus_reader *r, struct cdx_buf *text,
                    const char *item_source, const char *title,
                    const char *date, const char *url, enum cdx_format format,
                    unsigned part, uint64_t base)
{
	struct cdx_doc *doc = NULL;
	const char *src = item_source ? item_source : r->source;
	int oom = 0, rc = CDX_OK;
	size_t i;

	if (text->err == CDX_ERR_LIMIT) {
		rc = cdx_error_set(r->err, CDX_ERR_LIMIT,
		                   "'%s': text is larger than %zu bytes", src,
		                   text->max);
		goto cleanup;
	}
	if (text->err)
		goto nomem;
	for (i = 0; i < text->len && is_space((unsigned char)text->ptr[i]);
	     i++)
		;
	if (i == text->len)
		goto cleanup; /* nothing to read: not a document */
	doc = calloc(1, sizeof *doc);
	if (doc == NULL)
		goto nomem;
	doc->format = format;
	doc->part = part;
	doc->base = base;
	doc->source = part_source(src, part, &oom);
	doc->title = part_title(clean_title(title, &oom), part, &oom);
	if (date && *date)
		doc->date = corpus_strndup(date, strlen(date), &oom);
	if (url && *url) {
		doc->url = corpus_strndup(url, strlen(url), &oom);
		if (doc->url)
			corpus_utf8_repair(NULL, doc->url, strlen(doc->url));
	}
	doc->len = text->len;
	doc->text = cdx_buf_detach(text);
	if (oom || doc->text == NULL)
		goto nomem;
	corpus_utf8_repair(doc, doc->text, doc->len);
	if (doc->n_warnings && (item_source || part))
		corpus_warn(r, "item '%s': %s (%u in all)", doc->source,
		            doc->warning, doc->n_warnings);
	else if (doc->n_warnings)
		corpus_warn(r, "%s (%u in all)", doc->warning, doc->n_warnings);
	if (cdx_corpus_split(doc))
		goto nomem;
	r->n_docs++;
	rc = r->fn(r->ctx, doc);
	doc = NULL; /* the callback owns it now */
	goto cleanup;
nomem:
	rc = cdx_error_set(r->err, CDX_ERR_NOMEM, "'%s': out of memory", src);
cleanup:
	cdx_doc_free(doc);
	cdx_buf_release(text);
	return rc;
}

/* "64 MiB" style, for limit messages. */
static void size_name(char *out, size_t cap, size_t n)
{
	if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
		snprintf(out, cap, "%zu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(out, cap, "%zu KiB", n >> 10);
	else
		snprintf(out, cap, "%zu bytes", n);
}

int corpus_too_large(struct cdx_error *err, const char *source, size_t max)
{
	char lim[32];

	size_name(lim, sizeof lim, max);
	return cdx_error_set(err, CDX_ERR_LIMIT,
	                     "'%s': file is larger than the %s limit", source,
	                     lim);
}

static int dispatch(struct corpus_reader *r, enum cdx_format f,
                    const char *data, size_t len)
{
	switch (f) {
	case CDX_FMT_HTML: return corpus_read_html(r, data, len);
	case CDX_FMT_XML: return corpus_read_xml(r, data, len);
	case CDX_FMT_SGML: return corpus_read_sgml(r, data, len);
	case CDX_FMT_JSONL: return corpus_read_jsonl(r, data, len);
	case CDX_FMT_AUTO:
	case CDX_FMT_TEXT: break;
	}
	return corpus_read_text(r, data, len);
}

void corpus_reader_init(struct corpus_reader *r, const char *source,
                        const struct cdx_read_options *opts, cdx_doc_fn fn,
                        void *ctx, struct cdx_error *err)
{
	static const struct cdx_read_options defaults = CDX_READ_OPTIONS_INIT;

	memset(r, 0, sizeof *r);
	r->source = source ? source : "-";
	r->opts = opts ? opts : &defaults;
	r->fn = fn;
	r->ctx = ctx;
	r->err = err;
	r->part_max = CDX_DOC_PART_MAX;
	if (r->opts->version >= 2 && r->opts->part_max >= 64)
		r->part_max = r->opts->part_max;
	r->text_max = CORPUS_TEXT_MAX;
}

int cdx_corpus_read_buffer(const char *source, const char *data, size_t len,
                           const struct cdx_read_options *opts,
                           cdx_doc_fn fn, void *ctx, struct cdx_error *err)
{
	struct corpus_reader r;

	assert(fn != NULL);
	assert(data != NULL || len == 0);
	corpus_reader_init(&r, source, opts, fn, ctx, err);
	return corpus_read_whole(&r, data, len);
}

int corpus_read_whole(struct corpus_reader *r, const char *data, size_t len)
{
	const struct cdx_read_options *opts = r->opts;
	const char *source = r->source;
	struct cdx_error *err = r->err;
	char *copy = NULL, why[96];
	size_t n, bad;
	enum cdx_format f;
	int rc;

	if (len == 0) {
		rc = cdx_error_set(err, CDX_ERR_FORMAT, "'%s': empty file",
		                   source);
		goto cleanup;
	}
	if (len > opts->max_bytes) {
		rc = corpus_too_large(err, source, opts->max_bytes);
		goto cleanup;
	}
	if (len >= 2 && (((unsigned char)data[0] == 0xff &&
	                  (unsigned char)data[1] == 0xfe) ||
	                 ((unsigned char)data[0] == 0xfe &&
	                  (unsigned char)data[1] == 0xff))) {
		copy = corpus_utf16_to_utf8((const unsigned char *)data, len,
		                            &n);
		if (copy == NULL)
			goto nomem;
		data = copy;
		len = n;
		r->utf8_override = 1;
	}
	if (corpus_is_binary(data, len, why, sizeof why)) {
		rc = cdx_error_set(err, CDX_ERR_FORMAT,
		                   "'%s': binary file, not text (%s)", source,
		                   why);
		goto cleanup;
	}
	f = opts->format;
	if (f == CDX_FMT_AUTO) /* not binary: that was just checked */
		f = corpus_detect_text(source, data, len);
	if (f != CDX_FMT_HTML && f != CDX_FMT_XML && copy == NULL &&
	    corpus_guess_charset(data, len, &bad) == CORPUS_LEGACY) {
		/* markup readers honour declarations and guess for themselves */
		copy = corpus_cp1252_to_utf8((const unsigned char *)data, len,
		                             &n);
		if (copy == NULL)
			goto nomem;
		corpus_warn(r, "not UTF-8 (byte %zu): read as Windows-1252, "
		            "so offsets are into the converted text", bad);
		data = copy;
		len = n;
	}
	if ((f == CDX_FMT_HTML || f == CDX_FMT_XML) && copy == NULL &&
	    memchr(data, '\0', len)) {
		/* libxml2 stops at a NUL: give it a repaired copy */
		copy = malloc(len + 1);
		if (copy == NULL)
			goto nomem;
		for (size_t i = 0; i < len; i++)
			copy[i] = data[i] ? data[i] : ' ';
		copy[len] = '\0';
		data = copy;
	}
	/* markup only shrinks, but transcoding and escapes may grow a bit */
	r->text_max = len > CORPUS_TEXT_MAX / 4 ? CORPUS_TEXT_MAX : len * 4 + 64;
	rc = dispatch(r, f, data, len);
	if (rc == CDX_OK && r->n_docs == 0)
		rc = cdx_error_set(err, CDX_ERR_FORMAT,
		                   "'%s': no readable text (read as %s)",
		                   source, cdx_format_name(f));
	goto cleanup;
nomem:
	rc = cdx_error_set(err, CDX_ERR_NOMEM, "'%s': out of memory", source);
cleanup:
	free(copy);
	return rc;
}

int cdx_corpus_read_fd(int fd, const char *source, uint64_t size,
                       const struct cdx_read_options *opts, cdx_doc_fn fn,
                       void *ctx, struct cdx_error *err)
{
	struct cdx_buf own = CDX_BUF_INIT(CORPUS_TEXT_MAX), *head = &own;
	struct corpus_reader r;
	int rc, eof;

	assert(fn != NULL);
	assert(fd >= 0);
	corpus_reader_init(&r, source, opts, fn, ctx, err);
	if (r.opts->version >= 3 && r.opts->scratch) {
		head = r.opts->scratch;
		cdx_buf_clear(head);
		head->max = CORPUS_TEXT_MAX;
	}
	if (size != CDX_READ_SIZE_UNKNOWN) {
		if (size > r.opts->max_bytes) {
			rc = corpus_too_large(err, r.source, r.opts->max_bytes);
			goto cleanup;
		}
		r.size_hint = size;
	}
	/* one byte past the part cap tells a long input from one that fits */
	rc = corpus_read_more(&r, fd, head, r.part_max + 1, &eof);
	if (rc != CDX_OK)
		goto cleanup;
	if (eof)
		rc = corpus_read_whole(&r, head->ptr, head->len);
	else
		rc = corpus_stream(&r, fd, head);
cleanup:
	if (head == &own || head->cap > CDX_READ_SCRATCH_KEEP)
		cdx_buf_release(head);
	else
		cdx_buf_clear(head);
	return rc;
}

int cdx_corpus_read_file(const char *path,
                         const struct cdx_read_options *opts, cdx_doc_fn fn,
                         void *ctx, struct cdx_error *err)
{
	int is_stdin = path[0] == '-' && path[1] == '\0';
	int fd, rc;
	struct stat st;

	assert(fn != NULL);
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cdx_error_set(err, CDX_ERR_IO, "cannot open '%s': %s",
		                     path, strerror(errno));
	if (fstat(fd, &st) != 0)
		rc = cdx_error_set(err, CDX_ERR_IO, "cannot read '%s': %s",
		                   path, strerror(errno));
	else if (S_ISDIR(st.st_mode))
		rc = cdx_error_set(err, CDX_ERR_IO, "cannot read '%s': %s",
		                   path, strerror(EISDIR));
	else
		rc = cdx_corpus_read_fd(fd, path, S_ISREG(st.st_mode) ?
		                        (uint64_t)st.st_size :
		                        CDX_READ_SIZE_UNKNOWN,
		                        opts, fn, ctx, err);
	if (!is_stdin)
		close(fd);
	return rc;
}
