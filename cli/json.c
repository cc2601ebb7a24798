/*
 * json.c — JSON Lines output. The field names and value shapes are the
 * contract of ../shared/design/claims.md: the scorer and other tools read
 * exactly these, so they change only with that document.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int json_str(struct cdx_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;
	int rc = cdx_buf_putc(b, '"');

	for (i = 0; i < n && rc == CDX_OK; i++) {
		unsigned char ch = (unsigned char)s[i];
		char esc[7];

		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		rc = cdx_buf_add(b, s + run, i - run);
		run = i + 1;
		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			rc = rc ? rc : cdx_buf_add(b, esc, 2);
		} else if (ch == '\n') {
			rc = rc ? rc : cdx_buf_add(b, "\\n", 2);
		} else if (ch == '\t') {
			rc = rc ? rc : cdx_buf_add(b, "\\t", 2);
		} else if (ch == '\r') {
			rc = rc ? rc : cdx_buf_add(b, "\\r", 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[ch >> 4];
			esc[5] = hex[ch & 15];
			rc = rc ? rc : cdx_buf_add(b, esc, 6);
		}
	}
	if (rc == CDX_OK)
		rc = cdx_buf_add(b, s + run, n - run);
	if (rc == CDX_OK)
		rc = cdx_buf_putc(b, '"');
	return rc;
}

int json_cstr(struct cdx_buf *b, const char *s)
{
	if (s == NULL)
		return cdx_buf_puts(b, "null");
	return json_str(b, s, strlen(s));
}

/* Decimal digits of an unsigned integer, without printf: claims print
 * several integers each, and printf's format parsing was a measurable part
 * of `extract --json`. */
static int put_uint(struct cdx_buf *b, uint64_t u)
{
	char d[24];
	size_t i = sizeof d;

	do {
		d[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	return cdx_buf_add(b, d + i, sizeof d - i);
}

int json_num(struct cdx_buf *b, double v)
{
	int rc;

	if (isnan(v) || isinf(v))
		return cdx_buf_puts(b, "null");
	/* Whole numbers below 1e15 print the same digits as %.15g would;
	 * -0 and everything else go through printf. */
	if (v == floor(v) && fabs(v) < 1e15 && !(v == 0 && signbit(v))) {
		rc = v < 0 ? cdx_buf_putc(b, '-') : CDX_OK;
		return rc ? rc : put_uint(b, (uint64_t)fabs(v));
	}
	/* %.15g keeps every digit a source prints (4.7bn → 4700000000)
	 * without binary noise such as 4.7000000000000002. */
	return cdx_buf_printf(b, "%.15g", v);
}

static int field(struct cdx_buf *b, const char *name)
{
	int rc = cdx_buf_add(b, ",\"", 2);

	rc = rc ? rc : cdx_buf_puts(b, name);
	return rc ? rc : cdx_buf_add(b, "\":", 2);
}

int json_claim(struct cdx_buf *b, const char *doc, const struct cdx_claim *cl,
               const char *text, size_t text_len, const char *sentence,
               size_t sentence_len)
{
	int rc = cdx_buf_puts(b, "{\"doc\":");

	rc = rc ? rc : json_cstr(b, doc);
	rc = rc ? rc : field(b, "kind");
	rc = rc ? rc : json_cstr(b, cdx_kind_name(cl->kind));
	rc = rc ? rc : field(b, "start");
	rc = rc ? rc : put_uint(b, cl->start);
	rc = rc ? rc : field(b, "end");
	rc = rc ? rc : put_uint(b, cl->end);
	rc = rc ? rc : field(b, "text");
	rc = rc ? rc : json_str(b, text, text_len);
	rc = rc ? rc : field(b, "value");
	if (cl->kind == CDX_KIND_DATE)
		rc = rc ? rc : json_cstr(b, cl->value_str[0] ? cl->value_str : NULL);
	else if (cl->kind == CDX_KIND_AGREEMENT)
		rc = rc ? rc : json_str(b, text, text_len);
	else
		rc = rc ? rc : json_num(b, cl->value);
	rc = rc ? rc : field(b, "value_max");
	rc = rc ? rc : json_num(b, cl->value_max);
	rc = rc ? rc : field(b, "unit");
	rc = rc ? rc : json_cstr(b, cl->unit[0] ? cl->unit : NULL);
	rc = rc ? rc : field(b, "qualifier");
	rc = rc ? rc : json_cstr(b, cdx_qualifier_name(cl->qualifier));
	rc = rc ? rc : field(b, "subject");
	rc = rc ? rc : json_cstr(b, cl->subject);
	rc = rc ? rc : field(b, "commodity");
	rc = rc ? rc : json_cstr(b, cl->commodity);
	rc = rc ? rc : field(b, "metric");
	rc = rc ? rc : json_cstr(b, cl->metric);
	rc = rc ? rc : field(b, "time");
	rc = rc ? rc : json_cstr(b, cl->time[0] ? cl->time : NULL);
	rc = rc ? rc : field(b, "change");
	rc = rc ? rc : json_cstr(b, cdx_change_name(cl->change));
	if (cl->per[0]) {
		rc = rc ? rc : field(b, "per");
		rc = rc ? rc : json_cstr(b, cl->per);
	}
	if (cl->kind == CDX_KIND_AGREEMENT) {
		rc = rc ? rc : field(b, "parties");
		rc = rc ? rc : cdx_buf_putc(b, '[');
		for (unsigned i = 0; i < cl->n_parties && !rc; i++) {
			if (i)
				rc = cdx_buf_putc(b, ',');
			rc = rc ? rc : json_cstr(b, cl->parties[i]);
		}
		rc = rc ? rc : cdx_buf_putc(b, ']');
	}
	rc = rc ? rc : field(b, "sentence");
	rc = rc ? rc : json_str(b, sentence, sentence_len);
	rc = rc ? rc : cdx_buf_puts(b, "}\n");
	return rc;
}

void fmt_value(char *out, size_t cap, double v)
{
	char raw[64], *dot;
	size_t n, i, o = 0, intlen;
	int neg = v < 0;

	if (isnan(v)) {
		snprintf(out, cap, "-");
		return;
	}
	snprintf(raw, sizeof raw, "%.15g", neg ? -v : v);
	if (strchr(raw, 'e')) { /* too large or small to group sensibly */
		snprintf(out, cap, "%s%s", neg ? "-" : "", raw);
		return;
	}
	dot = strchr(raw, '.');
	n = strlen(raw);
	intlen = dot ? (size_t)(dot - raw) : n;
	if (neg && o + 1 < cap)
		out[o++] = '-';
	for (i = 0; i < n && o + 1 < cap; i++) {
		if (i > 0 && i < intlen && (intlen - i) % 3 == 0 && o + 2 < cap)
			out[o++] = ',';
		out[o++] = raw[i];
	}
	out[o] = '\0';
}
