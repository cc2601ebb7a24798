/*
 * buf.c — growable capped buffer (see cdx_buf.h). Growth doubles the
 * capacity so a run of n appends costs O(n) copies in total.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdx_buf.h"

void cdx_buf_init(struct cdx_buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->max = max;
	b->err = 0;
}

void cdx_buf_release(struct cdx_buf *b)
{
	if (b == NULL)
		return;
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->err = 0;
}

void cdx_buf_clear(struct cdx_buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

static int fail(struct cdx_buf *b, int code)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->err = code;
	return code;
}

int cdx_buf_grow(struct cdx_buf *b, size_t extra)
{
	size_t need, ncap;
	char *p;

	if (b->err)
		return b->err;
	if (extra > b->max || b->len > b->max - extra)
		return fail(b, CDX_ERR_LIMIT);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return CDX_OK;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	p = realloc(b->ptr, ncap);
	if (p == NULL)
		return fail(b, CDX_ERR_NOMEM);
	b->ptr = p;
	b->cap = ncap;
	return CDX_OK;
}

int cdx_buf_add(struct cdx_buf *b, const void *p, size_t n)
{
	int rc = cdx_buf_grow(b, n);

	if (rc)
		return rc;
	if (n)
		memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return CDX_OK;
}

int cdx_buf_puts(struct cdx_buf *b, const char *s)
{
	return cdx_buf_add(b, s, strlen(s));
}

int cdx_buf_putc(struct cdx_buf *b, char c)
{
	return cdx_buf_add(b, &c, 1);
}

int cdx_buf_printf(struct cdx_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	if (b->err)
		return b->err;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return fail(b, CDX_ERR_FAIL);
	rc = cdx_buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return CDX_OK;
}

char *cdx_buf_detach(struct cdx_buf *b)
{
	char *p = b->ptr;

	if (p == NULL)
		p = calloc(1, 1);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->err = 0;
	return p;
}
