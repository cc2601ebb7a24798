/*
 * json.c — a small strict JSON parser for one JSON Lines record.
 *
 * claimdex needs four string members of a flat object, so this is a
 * validating recursive-descent scanner that decodes only those (escapes,
 * \uXXXX and surrogate pairs to UTF-8) and skips every other value after
 * checking its syntax (RFC 8259). Nesting is capped so hostile input
 * cannot exhaust the stack. Invalid UTF-8 inside strings is passed through
 * and repaired later with the rest of the document text.
 */
#include <string.h>

#include "corpus_int.h"

/* Deeper nesting than this is rejected: records are flat in practice. */
#define JSON_DEPTH_MAX 64

struct jp {
	const char *s;
	size_t n, i;
	int depth;
	struct cdx_buf key; /* the member name being read */
};

static void skip_ws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
	                       p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++) {
		char c = s[k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return 0;
	}
	*out = v;
	return 1;
}

static size_t utf8_encode(unsigned cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static void put(struct cdx_buf *out, const char *s, size_t n)
{
	int rc;

	if (out && !out->err) {
		rc = cdx_buf_add(out, s, n);
		(void)rc; /* sticky in out->err, which the caller checks */
	}
}

/* A \u escape at p->i (just past the 'u'); lone surrogates → U+FFFD. */
static int unicode_escape(struct jp *p, struct cdx_buf *out)
{
	unsigned cp, lo;
	char enc[4];

	if (p->n - p->i < 4 || !hex4(p->s + p->i, &cp))
		return CDX_ERR_FORMAT;
	p->i += 4;
	if (cp >= 0xd800 && cp <= 0xdbff && p->n - p->i >= 6 &&
	    p->s[p->i] == '\\' && p->s[p->i + 1] == 'u' &&
	    hex4(p->s + p->i + 2, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
		p->i += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xd800 && cp <= 0xdfff) {
		cp = 0xfffd;
	}
	put(out, enc, utf8_encode(cp, enc));
	return CDX_OK;
}

/* A string at p->i (on the opening quote); decoded into @p out if set. */
static int string(struct jp *p, struct cdx_buf *out)
{
	static const char esc_from[] = "\"\\/bfnrt";
	static const char esc_to[] = "\"\\/\b\f\n\r\t";

	p->i++;
	for (;;) {
		size_t run = p->i;
		const char *e;
		unsigned char c;

		while (p->i < p->n) {
			c = (unsigned char)p->s[p->i];
			if (c == '"' || c == '\\' || c < 0x20)
				break;
			p->i++;
		}
		put(out, p->s + run, p->i - run);
		if (p->i >= p->n)
			return CDX_ERR_FORMAT; /* unterminated */
		c = (unsigned char)p->s[p->i];
		if (c == '"') {
			p->i++;
			return CDX_OK;
		}
		if (c < 0x20)
			return CDX_ERR_FORMAT; /* raw control byte */
		if (++p->i >= p->n)
			return CDX_ERR_FORMAT;
		if (p->s[p->i] == 'u') {
			p->i++;
			if (unicode_escape(p, out))
				return CDX_ERR_FORMAT;
			continue;
		}
		e = strchr(esc_from, p->s[p->i]);
		if (e == NULL || *e == '\0')
			return CDX_ERR_FORMAT;
		put(out, &esc_to[e - esc_from], 1);
		p->i++;
	}
}

static int digit_run(struct jp *p)
{
	size_t start = p->i;

	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	return p->i > start;
}

static int number(struct jp *p)
{
	if (p->s[p->i] == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else if (!digit_run(p))
		return CDX_ERR_FORMAT;
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (!digit_run(p))
			return CDX_ERR_FORMAT;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (!digit_run(p))
			return CDX_ERR_FORMAT;
	}
	return CDX_OK;
}

static int literal(struct jp *p, const char *word)
{
	size_t k = strlen(word);

	if (p->n - p->i < k || memcmp(p->s + p->i, word, k) != 0)
		return CDX_ERR_FORMAT;
	p->i += k;
	return CDX_OK;
}

static int object(struct jp *p, struct corpus_json_rec *rec);

static int array(struct jp *p);

/* Any value; a string is decoded into @p out when out is set. */
static int value(struct jp *p, struct cdx_buf *out, int *was_string)
{
	*was_string = 0;
	skip_ws(p);
	if (p->i >= p->n)
		return CDX_ERR_FORMAT;
	switch (p->s[p->i]) {
	case '"':
		*was_string = 1;
		return string(p, out);
	case '{':
		return object(p, NULL);
	case '[':
		return array(p);
	case 't':
		return literal(p, "true");
	case 'f':
		return literal(p, "false");
	case 'n':
		return literal(p, "null");
	default:
		if (p->s[p->i] == '-' ||
		    (p->s[p->i] >= '0' && p->s[p->i] <= '9'))
			return number(p);
		return CDX_ERR_FORMAT;
	}
}

static int array(struct jp *p)
{
	int rc, str;

	if (++p->depth > JSON_DEPTH_MAX)
		return CDX_ERR_FORMAT;
	p->i++;
	skip_ws(p);
	if (p->i < p->n && p->s[p->i] == ']') {
		p->i++;
		p->depth--;
		return CDX_OK;
	}
	for (;;) {
		rc = value(p, NULL, &str);
		if (rc)
			return rc;
		skip_ws(p);
		if (p->i >= p->n)
			return CDX_ERR_FORMAT;
		if (p->s[p->i] == ']')
			break;
		if (p->s[p->i] != ',')
			return CDX_ERR_FORMAT;
		p->i++;
	}
	p->i++;
	p->depth--;
	return CDX_OK;
}

/* Which member of @p rec a key names, with its bit; NULL for others. */
static struct cdx_buf *member(struct corpus_json_rec *rec,
                              const struct cdx_buf *key, unsigned *bit)
{
	static const char *const names[] = {"text", "title", "date", "url"};
	struct cdx_buf *bufs[4];

	if (rec == NULL || key->err || key->ptr == NULL)
		return NULL;
	bufs[0] = &rec->text;
	bufs[1] = &rec->title;
	bufs[2] = &rec->date;
	bufs[3] = &rec->url;
	for (int k = 0; k < 4; k++)
		if (strcmp(key->ptr, names[k]) == 0) {
			*bit = 1u << k;
			return bufs[k];
		}
	return NULL;
}

static int object(struct jp *p, struct corpus_json_rec *rec)
{
	struct cdx_buf *dst;
	unsigned bit = 0;
	int rc, str;

	if (++p->depth > JSON_DEPTH_MAX)
		return CDX_ERR_FORMAT;
	p->i++;
	skip_ws(p);
	if (p->i < p->n && p->s[p->i] == '}') {
		p->i++;
		p->depth--;
		return CDX_OK;
	}
	for (;;) {
		skip_ws(p);
		if (p->i >= p->n || p->s[p->i] != '"')
			return CDX_ERR_FORMAT;
		cdx_buf_clear(&p->key);
		if (string(p, rec ? &p->key : NULL))
			return CDX_ERR_FORMAT;
		skip_ws(p);
		if (p->i >= p->n || p->s[p->i] != ':')
			return CDX_ERR_FORMAT;
		p->i++;
		dst = member(rec, &p->key, &bit);
		if (dst) {
			cdx_buf_clear(dst);
			rec->have &= ~bit;
		}
		rc = value(p, dst, &str);
		if (rc)
			return rc;
		if (dst && dst->err)
			return dst->err;
		if (dst && str)
			rec->have |= bit;
		skip_ws(p);
		if (p->i >= p->n)
			return CDX_ERR_FORMAT;
		if (p->s[p->i] == '}')
			break;
		if (p->s[p->i] != ',')
			return CDX_ERR_FORMAT;
		p->i++;
	}
	p->i++;
	p->depth--;
	return CDX_OK;
}

int corpus_json_parse(struct corpus_json_rec *rec, const char *s, size_t n,
                      size_t *where)
{
	/* keys longer than 16 bytes are not ours: the cap rejects them */
	struct jp p = {s, n, 0, 0, CDX_BUF_INIT(16)};
	int rc;

	if (rec) {
		cdx_buf_clear(&rec->text);
		cdx_buf_clear(&rec->title);
		cdx_buf_clear(&rec->date);
		cdx_buf_clear(&rec->url);
		rec->have = 0;
	}
	skip_ws(&p);
	if (p.i >= p.n || s[p.i] != '{') {
		rc = CDX_ERR_FORMAT;
		goto cleanup;
	}
	rc = object(&p, rec);
	if (rc == CDX_OK) {
		skip_ws(&p);
		if (p.i < p.n)
			rc = CDX_ERR_FORMAT; /* something after the object */
	}
cleanup:
	cdx_buf_release(&p.key);
	*where = p.i;
	return rc;
}
