/*
 * xmltext.c — the text of an XML document at the file's own byte offsets.
 *
 * A document that is not a feed (metadata records, reports marked up in
 * XML) is read as one text. Rather than joining its text nodes, which
 * moves every figure away from where it stands in the file, the reader
 * takes the file and blanks its markup: a claim's [start, end) is then a
 * span of the file itself, as for plain text, so a reader can find the
 * figure in the original, and so the gold files of ../shared/eval, whose
 * offsets are file offsets, line up. xml.c still parses the file with
 * libxml2 (well-formedness, title, date); this pass only builds the text,
 * and xml.c falls back to the joined text nodes when the bytes are not the
 * file's (a transcoded or repaired input).
 *
 * What becomes of each construct, length kept byte for byte:
 *   tags             spaces, the first byte a newline, so that elements
 *                    stay apart as lines and sentences do not run across
 *                    them; newlines inside a tag are kept
 *   comments, PIs,   spaces (newlines kept)
 *   DOCTYPE (with an internal subset)
 *   CDATA            its markers blanked, its content kept
 *   &amp; &lt; &gt;  decoded in place and padded with spaces ("&amp;" →
 *   &quot; &apos;    "&    ")
 *   &#N; &#xH;
 *   &name;           spaces: entities are never expanded (no "billion
 *                    laughs"), as the parser's text leaves them out
 * A construct cut off by the end of the file is blanked to the end.
 */
#include <string.h>

#include <utf8proc.h>

#include "corpus_int.h"

/* Longest entity name blanked as a reference ("&name;"). */
#define NAME_MAX_REF 64

/* Blank [from, to) of @p t, keeping newlines. */
static void blank(char *t, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (t[i] != '\n')
			t[i] = ' ';
}

/* End (one past) of @p close searched from @p at in @p t[0, n), or n. */
static size_t past(const char *t, size_t n, size_t at, const char *close)
{
	size_t k = strlen(close);

	for (size_t i = at; i + k <= n; i++)
		if (memcmp(t + i, close, k) == 0)
			return i + k;
	return n;
}

/* End of the tag opening at @p at: its '>' outside quoted attribute
 * values, plus one; n when cut off. */
static size_t tag_end(const char *t, size_t n, size_t at)
{
	char quote = 0;

	for (size_t i = at + 1; i < n; i++) {
		if (quote) {
			if (t[i] == quote)
				quote = 0;
		} else if (t[i] == '"' || t[i] == '\'') {
			quote = t[i];
		} else if (t[i] == '>') {
			return i + 1;
		}
	}
	return n;
}

/* End of a declaration "<!DOCTYPE ... [ ... ]>" opening at @p at. */
static size_t decl_end(const char *t, size_t n, size_t at)
{
	int depth = 0;

	for (size_t i = at + 2; i < n; i++) {
		if (t[i] == '[')
			depth++;
		else if (t[i] == ']' && depth > 0)
			depth--;
		else if (t[i] == '>' && depth == 0)
			return i + 1;
	}
	return n;
}

static int is_name_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	       c == ':' || c >= 0x80;
}

/* Decode the character reference at @p at (t[at] == '&') in place,
 * padding with spaces; returns the end of what was consumed (at + 1 when
 * the reference is none we decode). */
static size_t reference(char *t, size_t n, size_t at)
{
	static const struct {
		const char *name;
		char ch;
	} named[] = {{"amp;", '&'}, {"lt;", '<'},   {"gt;", '>'},
	             {"quot;", '"'}, {"apos;", '\''}};
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t w;
	unsigned long cp = 0;
	size_t i = at + 1, digits = 0;
	int hex = 0;

	for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
		size_t len = strlen(named[k].name);

		if (at + 1 + len <= n &&
		    memcmp(t + at + 1, named[k].name, len) == 0) {
			t[at] = named[k].ch;
			blank(t, at + 1, at + 1 + len);
			return at + 1 + len;
		}
	}
	if (i < n && t[i] != '#') {
		/* another named entity: never expanded, and like the parser's
		 * text, without it */
		while (i < n && i - at <= NAME_MAX_REF &&
		       (is_name_byte((unsigned char)t[i])))
			i++;
		if (i > at + 1 && i < n && t[i] == ';') {
			blank(t, at, i + 1);
			return i + 1;
		}
		return at + 1;
	}
	if (i >= n)
		return at + 1;
	i++;
	if (i < n && (t[i] == 'x' || t[i] == 'X')) {
		hex = 1;
		i++;
	}
	for (; i < n && digits < 8; i++, digits++) {
		char c = t[i];
		int v = c >= '0' && c <= '9'               ? c - '0'
		        : hex && c >= 'a' && c <= 'f'      ? c - 'a' + 10
		        : hex && c >= 'A' && c <= 'F'      ? c - 'A' + 10
		                                           : -1;

		if (v < 0)
			break;
		cp = cp * (hex ? 16 : 10) + (unsigned long)v;
	}
	if (digits == 0 || i >= n || t[i] != ';' ||
	    !utf8proc_codepoint_valid((utf8proc_int32_t)cp) || cp == 0)
		return at + 1;
	w = utf8proc_encode_char((utf8proc_int32_t)cp, enc);
	/* "&#N;" is never shorter than the UTF-8 of N (4 bytes for the
	 * shortest reference to a 4-byte character, "&#65536;" is 8) */
	memcpy(t + at, enc, (size_t)w);
	blank(t, at + (size_t)w, i + 1);
	return i + 1;
}

int corpus_xml_blank(const char *data, size_t len, struct cdx_buf *out)
{
	size_t i = 0, e;
	char *t;

	cdx_buf_clear(out);
	if (cdx_buf_add(out, data, len) != CDX_OK)
		return CDX_ERR_NOMEM;
	t = out->ptr;
	if (len >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0)
		blank(t, 0, 3);
	while (i < len) {
		if (t[i] == '&') {
			i = reference(t, len, i);
			continue;
		}
		if (t[i] != '<') {
			i++;
			continue;
		}
		if (len - i >= 4 && memcmp(t + i, "<!--", 4) == 0) {
			e = past(t, len, i + 4, "-->");
			blank(t, i, e);
		} else if (len - i >= 9 && memcmp(t + i, "<![CDATA[", 9) == 0) {
			blank(t, i, i + 9);
			e = past(t, len, i + 9, "]]>");
			if (e - (i + 9) >= 3 && memcmp(t + e - 3, "]]>", 3) == 0)
				blank(t, e - 3, e);
		} else if (len - i >= 2 && t[i + 1] == '?') {
			e = past(t, len, i + 2, "?>");
			blank(t, i, e);
		} else if (len - i >= 2 && t[i + 1] == '!') {
			e = decl_end(t, len, i);
			blank(t, i, e);
		} else {
			e = tag_end(t, len, i);
			blank(t, i, e);
			t[i] = '\n';
		}
		i = e;
	}
	return CDX_OK;
}
