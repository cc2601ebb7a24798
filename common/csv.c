/*
 * csv.c — records of CSV and tab-separated text, unquoted in place
 * (cdx_csv.h), and small files read whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdx_csv.h"

void cdx_csv_init(struct cdx_csv *c, char *buf, size_t len, char delim)
{
	c->p = buf;
	c->end = buf + len;
	c->delim = delim;
	c->unclosed = 0;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		c->p += 3;
}

int cdx_csv_record(struct cdx_csv *c, char **f, int max, unsigned *nlines)
{
	int n = 0;

	*nlines = 0;
	if (c->p >= c->end)
		return 0;
	for (;;) {
		char *w = c->p, *start = c->p;
		int quoted = 0;

		if (c->delim == ',' && c->p < c->end && *c->p == '"') {
			quoted = 1;
			c->p++;
		}
		while (c->p < c->end) {
			char ch = *c->p;

			if (quoted) {
				if (ch == '"' && c->p + 1 < c->end &&
				    c->p[1] == '"') {
					*w++ = '"';
					c->p += 2;
					continue;
				}
				if (ch == '"') {
					quoted = 0;
					c->p++;
					continue;
				}
				if (ch == '\n')
					(*nlines)++;
				*w++ = ch;
				c->p++;
				continue;
			}
			if (ch == c->delim || ch == '\n' || ch == '\r')
				break;
			*w++ = ch;
			c->p++;
		}
		if (quoted)
			c->unclosed = 1;
		if (n < max)
			f[n] = start;
		n++;
		if (c->p >= c->end) {
			*w = '\0';
			(*nlines)++;
			return n;
		}
		if (*c->p == c->delim) {
			*w = '\0';
			c->p++;
			continue;
		}
		/* end of record: CRLF or LF (a lone CR ends it too) */
		if (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
			c->p++;
		*w = '\0';
		c->p++;
		(*nlines)++;
		return n;
	}
}

int cdx_file_read_all(const char *path, size_t max, char **out, size_t *len,
                      struct cdx_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = CDX_OK;

	*out = NULL;
	*len = 0;
	if (f == NULL)
		return cdx_error_set(err, CDX_ERR_IO, "cannot open '%s': %s",
		                     path, strerror(errno));
	for (;;) {
		size_t got;

		if (n == cap) {
			char *p;

			cap = cap ? cap * 2 : 1 << 16;
			if (cap > max + 1)
				cap = max + 1;
			if (n == cap) {
				rc = cdx_error_set(err, CDX_ERR_LIMIT,
				                   "'%s' is larger than %zu "
				                   "bytes",
				                   path, max);
				goto cleanup;
			}
			p = realloc(buf, cap + 1);
			if (p == NULL) {
				rc = cdx_error_set(err, CDX_ERR_NOMEM,
				                   "'%s': out of memory", path);
				goto cleanup;
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		rc = cdx_error_set(err, CDX_ERR_IO, "cannot read '%s': %s", path,
		                   strerror(errno));
		goto cleanup;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
cleanup:
	fclose(f);
	free(buf);
	return rc;
}
