/*
 * detect.c — which reader an input needs, judged by its first bytes and,
 * only where the content leaves it open, by its file name.
 *
 * Content wins because names lie: feeds saved as .txt, pages saved
 * without an extension, text files called .html. The order is: binary
 * (rejected by the caller), then the first non-blank byte: '<' starts
 * markup (XML declaration and feed roots, HTML, Reuters SGML), '{' starts
 * JSON Lines when the first line is a JSON object; then the extension;
 * plain text is the fallback.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "corpus_int.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* How much of the input the sniffers look at. */
#define SNIFF_MAX 8192

static const struct {
	const char *magic;
	size_t len;
	const char *name;
} binary_magic[] = {
	{"%PDF", 4, "PDF"},           {"PK\x03\x04", 4, "ZIP"},
	{"\x7f" "ELF", 4, "ELF"},      {"GIF8", 4, "GIF"},
	{"\x89PNG", 4, "PNG"},        {"\xff\xd8\xff", 3, "JPEG"},
	{"\x1f\x8b", 2, "gzip"},      {"BZh", 3, "bzip2"},
	{"\xfd" "7zXZ", 5, "xz"},      {"7z\xbc\xaf", 4, "7-Zip"},
	{"Rar!", 4, "RAR"},           {"\xd0\xcf\x11\xe0", 4, "OLE (MS Office)"},
	{"\x00\x00\x01\x00", 4, "icon"}, {"RIFF", 4, "RIFF"},
	{"OggS", 4, "Ogg"},           {"ID3", 3, "MP3"},
	{"\x28\xb5\x2f\xfd", 4, "zstd"}, {"SQLite format 3", 15, "SQLite"},
};

/* What a byte says about binary content: 1 NUL, 2 a control byte that
 * text does not use (tab, newlines, form feed, vertical tab and escape
 * are text), 0 anything else. */
static const unsigned char byte_kind[256] = {
	/* 0x00: NUL, then text's \t \n \v \f \r */
	1, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 2, 2,
	/* 0x10: text's ESC */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 2, 2, 2, 2,
	[0x7f] = 2,
};

/* Does the eight-byte word @p v hold a byte below 0x20 or 0x7f? The
 * borrow trick is exact as a yes or no: its false hits only ever follow
 * a true one. Text is rarely either, so most words are skipped whole. */
static int has_ctl(uint64_t v)
{
	uint64_t del = v ^ 0x7f7f7f7f7f7f7f7fULL;

	return ((((v - 0x2020202020202020ULL) & ~v) |
	         ((del - 0x0101010101010101ULL) & ~del)) &
	        0x8080808080808080ULL) != 0;
}

#ifdef __SSE2__
/* Does any of the sixteen bytes at @p p lie below 0x20 or equal 0x7f?
 * A byte is below 0x20 when its unsigned minimum with 0x1f is itself. */
static int has_ctl16(const unsigned char *p)
{
	__m128i x = _mm_loadu_si128((const __m128i *)p);
	__m128i lo = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);
	__m128i del = _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f));

	return _mm_movemask_epi8(_mm_or_si128(lo, del)) != 0;
}
#endif

int corpus_is_binary(const char *data, size_t len, char *why, size_t cap)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t n = len < SNIFF_MAX ? len : SNIFF_MAX, nul = 0, ctl = 0;
	size_t first = SIZE_MAX, i = 0;

	if (len >= 2 && ((p[0] == 0xff && p[1] == 0xfe) ||
	                 (p[0] == 0xfe && p[1] == 0xff)))
		return 0; /* UTF-16 text: its NULs are not binary */
	for (size_t k = 0; k < sizeof binary_magic / sizeof binary_magic[0];
	     k++)
		if (len >= binary_magic[k].len &&
		    memcmp(data, binary_magic[k].magic,
		           binary_magic[k].len) == 0) {
			if (why)
				snprintf(why, cap, "%s signature at byte 0",
				         binary_magic[k].name);
			return 1;
		}
	while (i < n) {
		size_t stop = i + 8 <= n ? i + 8 : n;

#ifdef __SSE2__
		if (i + 16 <= n && !has_ctl16(p + i)) {
			i += 16;
			continue;
		}
#endif
		if (stop - i == 8) {
			uint64_t v;

			memcpy(&v, p + i, 8);
			if (!has_ctl(v)) {
				i = stop;
				continue;
			}
		}
		for (; i < stop; i++) {
			unsigned kind = byte_kind[p[i]];

			if (kind == 0)
				continue;
			if (kind == 1)
				nul++;
			else
				ctl++;
			if (first == SIZE_MAX)
				first = i;
		}
	}
	/* a stray NUL or two is repaired; many mean a binary format */
	if ((nul >= 16 || (nul > 2 && nul * 100 > n)) ||
	    (nul + ctl) * 10 > n) {
		if (why && p[first])
			snprintf(why, cap, "control byte 0x%02x at byte %zu",
			         p[first], first);
		else if (why)
			snprintf(why, cap, "NUL at byte %zu", first);
		return 1;
	}
	return 0;
}

static int starts_ci(const char *s, const char *end, const char *word)
{
	size_t k = strlen(word);

	return (size_t)(end - s) >= k && strncasecmp(s, word, k) == 0;
}

static const char *find_ci(const char *s, const char *end, const char *word)
{
	for (; s < end; s++)
		if (starts_ci(s, end, word))
			return s;
	return NULL;
}

static const char *skip_ws(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' ||
	                   *s == '\r' || *s == '\f' || *s == '\v'))
		s++;
	return s;
}

/* The extension's format, CDX_FMT_AUTO when it says nothing. */
static enum cdx_format by_name(const char *name)
{
	static const struct {
		const char *ext;
		enum cdx_format f;
	} exts[] = {
		{"html", CDX_FMT_HTML}, {"htm", CDX_FMT_HTML},
		{"xhtml", CDX_FMT_HTML}, {"xml", CDX_FMT_XML},
		{"rss", CDX_FMT_XML},   {"atom", CDX_FMT_XML},
		{"rdf", CDX_FMT_XML},   {"sgm", CDX_FMT_SGML},
		{"sgml", CDX_FMT_SGML}, {"jsonl", CDX_FMT_JSONL},
		{"ndjson", CDX_FMT_JSONL}, {"txt", CDX_FMT_TEXT},
		{"md", CDX_FMT_TEXT},   {"text", CDX_FMT_TEXT},
	};
	const char *dot, *slash;

	if (name == NULL)
		return CDX_FMT_AUTO;
	dot = strrchr(name, '.');
	slash = strrchr(name, '/');
	if (dot == NULL || (slash && dot < slash))
		return CDX_FMT_AUTO;
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
		if (strcasecmp(dot + 1, exts[i].ext) == 0)
			return exts[i].f;
	return CDX_FMT_AUTO;
}

/* Does an HTML element we know start at s ('<' already seen)? */
static int html_tag_at(const char *s, const char *end)
{
	static const char *const tags[] = {
		"html", "head", "body", "meta", "title", "div", "p", "a",
		"span", "h1", "h2", "h3", "table", "ul", "ol", "li",
		"br", "img", "link", "script", "style", "article", "section",
		"b", "i", "em", "strong", "header", "nav", "main", "form",
	};

	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
		size_t k = strlen(tags[i]);

		if (starts_ci(s, end, tags[i]) &&
		    (s + k == end || s[k] == '>' || s[k] == ' ' ||
		     s[k] == '/' || s[k] == '\n' || s[k] == '\t'))
			return 1;
	}
	return 0;
}

/* Any known HTML tag in [s, end)? */
static int has_html_tag(const char *s, const char *end)
{
	for (; s < end; s++)
		if (*s == '<' && html_tag_at(s + 1, end))
			return 1;
	return 0;
}

/* The first line is one JSON object (or plausibly so when cut off). */
static int json_line(const char *s, const char *end)
{
	const char *nl = memchr(s, '\n', (size_t)(end - s));
	const char *t;
	size_t where;

	if (nl == NULL && end - s > SNIFF_MAX) {
		/* a line longer than the sample: trust how it starts */
		t = skip_ws(s + 1, end);
		return t < end && *t == '"';
	}
	return corpus_json_parse(NULL, s, (size_t)((nl ? nl : end) - s),
	                         &where) == CDX_OK;
}

/* Markup: decide by the prolog and the root element. */
static enum cdx_format markup(const char *s, const char *end,
                              enum cdx_format hint)
{
	int xml_decl = 0;

	for (;;) {
		s = skip_ws(s, end);
		if (s >= end || *s != '<')
			break;
		if (starts_ci(s, end, "<?xml")) {
			xml_decl = 1;
		} else if (starts_ci(s, end, "<!DOCTYPE html")) {
			return CDX_FMT_HTML;
		} else if (starts_ci(s, end, "<!DOCTYPE lewis")) {
			return CDX_FMT_SGML;
		} else if (starts_ci(s, end, "<!--")) {
			const char *e = find_ci(s + 4, end, "-->");

			if (e == NULL)
				break;
			s = e + 3;
			continue;
		} else if (s + 1 < end && (s[1] == '!' || s[1] == '?')) {
			/* another doctype or processing instruction */
		} else {
			const char *t = s + 1;

			if (starts_ci(t, end, "REUTERS"))
				return CDX_FMT_SGML;
			if (starts_ci(t, end, "rss") ||
			    starts_ci(t, end, "feed") ||
			    starts_ci(t, end, "rdf:RDF"))
				return CDX_FMT_XML;
			if (starts_ci(t, end, "html"))
				return CDX_FMT_HTML;
			if (xml_decl)
				return CDX_FMT_XML;
			if (hint == CDX_FMT_HTML || hint == CDX_FMT_XML ||
			    hint == CDX_FMT_SGML)
				return hint;
			if (html_tag_at(t, end))
				return CDX_FMT_HTML;
			if (hint == CDX_FMT_TEXT)
				return CDX_FMT_TEXT;
			/* an element name: some other XML vocabulary */
			if (t < end && (*t | 0x20) >= 'a' &&
			    (*t | 0x20) <= 'z')
				return CDX_FMT_XML;
			return CDX_FMT_TEXT;
		}
		/* skip the declaration or instruction */
		s = memchr(s, '>', (size_t)(end - s));
		if (s == NULL)
			break;
		s++;
	}
	if (xml_decl)
		return CDX_FMT_XML;
	return hint != CDX_FMT_AUTO && hint != CDX_FMT_JSONL ? hint
	                                                     : CDX_FMT_TEXT;
}

enum cdx_format cdx_corpus_detect(const char *name, const char *data,
                                  size_t len)
{
	if (data != NULL && len > 0 && corpus_is_binary(data, len, NULL, 0))
		return CDX_FMT_AUTO;
	return corpus_detect_text(name, data, len);
}

enum cdx_format corpus_detect_text(const char *name, const char *data,
                                   size_t len)
{
	const char *s = data, *end;
	enum cdx_format hint = by_name(name);
	size_t n = len < SNIFF_MAX ? len : SNIFF_MAX;

	if (data == NULL || len == 0)
		return hint != CDX_FMT_AUTO ? hint : CDX_FMT_TEXT;
	end = data + n;
	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	s = skip_ws(s, end);
	if (s < end && *s == '<')
		return markup(s, end, hint);
	if (s < end && *s == '{' && json_line(s, data + len))
		return CDX_FMT_JSONL;
	if (hint == CDX_FMT_HTML)
		return has_html_tag(s, end) ? CDX_FMT_HTML : CDX_FMT_TEXT;
	if (hint == CDX_FMT_SGML && find_ci(s, end, "<REUTERS"))
		return CDX_FMT_SGML;
	return CDX_FMT_TEXT;
}
