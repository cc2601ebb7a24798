/*
 * doc.c — the document object and the UTF-8 repair every text goes
 * through.
 *
 * Repair keeps offsets stable. claims.md promises that for a plain .txt
 * file the claim offsets are the file's bytes, so a repair must never
 * change the length of the text: each byte of an invalid UTF-8 sequence
 * and each NUL byte becomes one space (U+FFFD would take three bytes and
 * shift every later offset), and a leading UTF-8 BOM becomes three spaces
 * instead of being removed. A space, unlike '?', cannot end a sentence or
 * glue two tokens together. Valid UTF-8 is never touched, so a valid file's
 * offsets are exactly its bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus_int.h"

void cdx_doc_free(struct cdx_doc *doc)
{
	if (doc == NULL)
		return;
	free(doc->source);
	free(doc->title);
	free(doc->date);
	free(doc->url);
	free(doc->text);
	free(doc->paras);
	free(doc->sents);
	free(doc);
}

char *corpus_strndup(const char *s, size_t n, int *oom)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = malloc(n + 1);
	if (p == NULL) {
		*oom = 1;
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

size_t corpus_utf8_seqlen(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0; /* continuation, overlong lead, or past U+10FFFF */
	if (c < 0xe0) {
		if (n < 2 || (s[1] & 0xc0) != 0x80)
			return 0;
		return 2;
	}
	if (c < 0xf0) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0; /* overlong */
		if (c == 0xed && s[1] >= 0xa0)
			return 0; /* UTF-16 surrogate */
		return 3;
	}
	if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
	    (s[3] & 0xc0) != 0x80)
		return 0;
	if (c == 0xf0 && s[1] < 0x90)
		return 0; /* overlong */
	if (c == 0xf4 && s[1] >= 0x90)
		return 0; /* beyond U+10FFFF */
	return 4;
}

static void note_repair(struct cdx_doc *doc, size_t at, const char *what)
{
	if (doc != NULL && doc->n_warnings++ == 0)
		snprintf(doc->warning, sizeof doc->warning,
		         "%s at byte %zu, replaced with a space", what, at);
}

void corpus_utf8_repair(struct cdx_doc *doc, char *s, size_t len)
{
	unsigned char *p = (unsigned char *)s;
	size_t i = 0, k;

	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		/* a BOM is not text; spaces keep the offsets of the rest */
		memset(p, ' ', 3);
		i = 3;
	}
	while (i < len) {
		/* the common case: a run of ASCII, eight bytes at a time */
		while (i + 8 <= len) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			if ((w - 0x0101010101010101ull) & ~w &
			    0x8080808080808080ull)
				break; /* a NUL byte among the eight */
			i += 8;
		}
		if (i >= len)
			break;
		if (p[i] == 0) {
			note_repair(doc, i, "NUL byte");
			p[i++] = ' ';
			continue;
		}
		k = corpus_utf8_seqlen(p + i, len - i);
		if (k == 0) {
			note_repair(doc, i, "invalid UTF-8");
			p[i++] = ' ';
			continue;
		}
		i += k;
	}
}

int cdx_doc_new(struct cdx_doc **out, const char *source, const char *title,
                const char *date, const char *text, size_t len,
                struct cdx_error *err)
{
	struct cdx_doc *doc = NULL;
	int oom = 0, rc = CDX_OK;

	*out = NULL;
	if (len > CORPUS_TEXT_MAX) {
		rc = cdx_error_set(err, CDX_ERR_LIMIT,
		                   "'%s': text is larger than 4 GiB",
		                   source ? source : "-");
		goto cleanup;
	}
	doc = calloc(1, sizeof *doc);
	if (doc == NULL)
		goto nomem;
	doc->format = CDX_FMT_TEXT;
	doc->source = corpus_strndup(source ? source : "-",
	                             strlen(source ? source : "-"), &oom);
	if (title)
		doc->title = corpus_strndup(title, strlen(title), &oom);
	if (date)
		doc->date = corpus_strndup(date, strlen(date), &oom);
	doc->text = corpus_strndup(text ? text : "", text ? len : 0, &oom);
	if (oom)
		goto nomem;
	doc->len = text ? len : 0;
	corpus_utf8_repair(doc, doc->text, doc->len);
	rc = cdx_corpus_split(doc);
	if (rc)
		goto nomem;
	*out = doc;
	doc = NULL;
	goto cleanup;
nomem:
	rc = cdx_error_set(err, CDX_ERR_NOMEM, "'%s': out of memory",
	                   source ? source : "-");
cleanup:
	cdx_doc_free(doc);
	return rc;
}
