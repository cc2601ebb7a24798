/*
 * sgml.c — the Reuters-21578 reader: a file of <REUTERS> articles, each
 * giving one document from its <BODY>.
 *
 * This is SGML, not XML (control characters written as &#5;, bare '&',
 * unquoted structure), so libxml2 would reject or mangle it; a plain scan
 * for the few tags we need is both simpler and faster. Bodies are hard
 * wrapped, with paragraphs marked by an indented line: an indented line
 * becomes a paragraph break and the other line ends become spaces (the
 * offsets are into the extracted text, so unwrapping costs nothing).
 * Articles without a body (the collection has many) are skipped silently.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "corpus_int.h"

/* Longest title kept, in bytes. */
#define TITLE_MAX 1024

/* First @p what in [s, end), or NULL (memmem is a GNU extension). */
static const char *find(const char *s, const char *end, const char *what)
{
	size_t k = strlen(what);

	while (s < end && (size_t)(end - s) >= k) {
		s = memchr(s, what[0], (size_t)(end - s) - k + 1);
		if (s == NULL)
			return NULL;
		if (memcmp(s, what, k) == 0)
			return s;
		s++;
	}
	return NULL;
}

/* [*from, *to) of the element <TAG>...</TAG> inside [s, end). */
static int element(const char *s, const char *end, const char *open,
                   const char *close, const char **from, const char **to)
{
	const char *a = find(s, end, open), *b;

	if (a == NULL)
		return 0;
	a += strlen(open);
	b = find(a, end, close);
	*from = a;
	*to = b ? b : end; /* an unclosed element runs to the article's end */
	return 1;
}

/* One character reference or entity at s ('&'); its bytes in out. */
static size_t entity(const char *s, const char *end, char *out, size_t *used)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {
		{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'},
		{"&quot;", '"'}, {"&apos;", '\''},
	};
	unsigned long v = 0;
	const char *p = s + 2;
	int hex = 0;

	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		size_t k = strlen(named[i].name);

		if ((size_t)(end - s) >= k &&
		    memcmp(s, named[i].name, k) == 0) {
			*used = k;
			out[0] = named[i].c;
			return 1;
		}
	}
	if (end - s < 4 || s[1] != '#')
		return 0;
	if (*p == 'x' || *p == 'X') {
		hex = 1;
		p++;
	}
	for (; p < end && p - s < 12; p++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (hex && (*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
			d = (*p | 0x20) - 'a' + 10;
		else
			break;
		v = v * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (p >= end || *p != ';' || p == s + 2 + hex)
		return 0;
	*used = (size_t)(p + 1 - s);
	if (v < 0x20 || v == 0x7f || (v >= 0xd800 && v <= 0xdfff) ||
	    v > 0x10ffff)
		return 0; /* a control character or no character: dropped */
	if (v < 0x80) {
		out[0] = (char)v;
		return 1;
	}
	if (v < 0x800) {
		out[0] = (char)(0xc0 | v >> 6);
		out[1] = (char)(0x80 | (v & 0x3f));
		return 2;
	}
	if (v < 0x10000) {
		out[0] = (char)(0xe0 | v >> 12);
		out[1] = (char)(0x80 | (v >> 6 & 0x3f));
		out[2] = (char)(0x80 | (v & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | v >> 18);
	out[1] = (char)(0x80 | (v >> 12 & 0x3f));
	out[2] = (char)(0x80 | (v >> 6 & 0x3f));
	out[3] = (char)(0x80 | (v & 0x3f));
	return 4;
}

/*
 * Decode [s, end) into @p out: references decoded, control characters
 * dropped, an indented line turned into a paragraph break.
 */
/* Bytes of @p x that are below 0x20, '&' or DEL: one bit set in the
 * result when any is (the usual "has a byte less than" and "has a zero
 * byte" tests, exact as to whether any byte matches; bytes >= 0x80 never
 * do). */
static uint64_t special8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = ones << 7;
	uint64_t amp = x ^ (ones * '&'), del = x ^ (ones * 0x7f);

	return ((x - ones * 0x20) | (amp - ones) | (del - ones)) & ~x & highs;
}

static int plain(unsigned char c)
{
	return c != '&' && c != '\n' && (c >= 0x20 || c == '\t') && c != 0x7f;
}

static int decode(struct cdx_buf *out, const char *s, const char *end)
{
	const char *run = s;
	char enc[4];
	size_t used, k;
	int rc = CDX_OK;

	while (s < end && rc == CDX_OK) {
		unsigned char c;

		/* most of a body is plain text: eight bytes a step */
		while (end - s >= 8) {
			uint64_t x;

			memcpy(&x, s, 8);
			if (special8(x))
				break;
			s += 8;
		}
		if (s == end)
			break;
		c = (unsigned char)*s;
		if (plain(c)) {
			s++;
			continue;
		}
		rc = cdx_buf_add(out, run, (size_t)(s - run));
		if (rc)
			break;
		if (c == '&') {
			used = 0;
			k = entity(s, end, enc, &used);
			if (used == 0) { /* a bare '&' */
				rc = cdx_buf_putc(out, '&');
				used = 1;
			} else if (k) {
				rc = cdx_buf_add(out, enc, k);
			}
			s += used;
		} else if (c == '\n') {
			const char *t = s + 1;

			while (t < end && (*t == ' ' || *t == '\t'))
				t++;
			if (t - s > 2 || (t > s + 1 && s[1] == '\t')) {
				rc = cdx_buf_add(out, "\n\n", 2);
				s = t;
			} else {
				/* a wrapped line: the break means nothing */
				rc = cdx_buf_putc(out, ' ');
				s++;
			}
		} else {
			s++; /* a control character: not text */
		}
		run = s;
	}
	if (rc == CDX_OK)
		rc = cdx_buf_add(out, run, (size_t)(s - run));
	return rc;
}

/* Drop the " Reuter" sign-off that ends nearly every body. */
static void drop_signoff(struct cdx_buf *b)
{
	size_t n = b->len;

	while (n > 0 && (b->ptr[n - 1] == ' ' || b->ptr[n - 1] == '\n' ||
	                 b->ptr[n - 1] == '\t'))
		n--;
	if (n >= 6 && (memcmp(b->ptr + n - 6, "Reuter", 6) == 0 ||
	               memcmp(b->ptr + n - 6, "REUTER", 6) == 0) &&
	    (n == 6 || b->ptr[n - 7] == ' ' || b->ptr[n - 7] == '\n')) {
		n -= 6;
		while (n > 0 && (b->ptr[n - 1] == ' ' ||
		                 b->ptr[n - 1] == '\n' ||
		                 b->ptr[n - 1] == '\t'))
			n--;
		b->len = n;
		b->ptr[b->len] = '\0';
	}
}

/* One article [s, end) with id @p newid. */
static int article(struct corpus_reader *r, const char *s, const char *end,
                   const char *newid)
{
	struct cdx_buf text = CDX_BUF_INIT(r->text_max);
	struct cdx_buf title = CDX_BUF_INIT(TITLE_MAX);
	const char *a, *b;
	char date[11] = "", src[1100];
	int rc = CDX_OK;

	if (!element(s, end, "<BODY>", "</BODY>", &a, &b))
		goto cleanup; /* a brief or unprocessed article: no text */
	rc = decode(&text, a, b);
	if (rc == CDX_OK)
		drop_signoff(&text);
	if (element(s, end, "<TITLE>", "</TITLE>", &a, &b) &&
	    decode(&title, a, b) != CDX_OK)
		cdx_buf_release(&title); /* an overlong title is no title */
	if (element(s, end, "<DATE>", "</DATE>", &a, &b))
		corpus_date_norm(a, (size_t)(b - a), date);
	if (rc == CDX_ERR_NOMEM) {
		rc = cdx_error_set(r->err, rc, "'%s': out of memory",
		                   r->source);
		goto cleanup;
	}
	snprintf(src, sizeof src, "%s#%s", r->source, newid);
	rc = corpus_emit(r, &text, src, title.ptr, date, NULL, CDX_FMT_SGML);
cleanup:
	cdx_buf_release(&text);
	cdx_buf_release(&title);
	return rc;
}

/* NEWID="n" from the open tag [s, end), else the article's ordinal. */
static void new_id(const char *s, const char *end, size_t ordinal,
                   char *out, size_t cap)
{
	const char *a = find(s, end, "NEWID=\""), *b;

	if (a) {
		a += 7;
		b = memchr(a, '"', (size_t)(end - a));
		if (b && b - a < 32) {
			snprintf(out, cap, "%.*s", (int)(b - a), a);
			return;
		}
	}
	snprintf(out, cap, "%zu", ordinal);
}

int corpus_read_sgml(struct corpus_reader *r, const char *data, size_t len)
{
	const char *p = data, *end = data + len, *a, *tag_end, *close;
	char id[40];
	size_t ordinal = r->item0;
	int rc = CDX_OK;

	while (rc == CDX_OK && (a = find(p, end, "<REUTERS")) != NULL) {
		ordinal++;
		tag_end = memchr(a, '>', (size_t)(end - a));
		new_id(a, tag_end ? tag_end : end, ordinal, id, sizeof id);
		close = tag_end ? find(tag_end, end, "</REUTERS>") : NULL;
		if (close == NULL) {
			corpus_warn(r, "article %s is cut off at byte %llu, "
			            "skipped", id,
			            (unsigned long long)(r->byte0 + len));
			break;
		}
		rc = article(r, tag_end + 1, close, id);
		p = close + strlen("</REUTERS>");
	}
	r->item0 = ordinal; /* a streamed file goes on counting */
	return rc;
}
