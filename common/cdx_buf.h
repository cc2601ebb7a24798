/*
 * cdx_buf.h — a growable byte buffer with a hard cap, owned by the caller.
 *
 * Modelled on git's strbuf and curl's dynbuf: always NUL-terminated,
 * binary-safe, passed by pointer so no reallocated pointer ever has to be
 * re-stored by the caller. Every instance has a maximum size, because the
 * text it holds comes from untrusted input. A failed append releases the
 * buffer and makes the error sticky (buf->err), so a run of appends needs a
 * single check at the end.
 */
#ifndef CDX_BUF_H
#define CDX_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "cdx_error.h"

struct cdx_buf {
	char *ptr;  /**< the bytes, NUL-terminated once anything was appended */
	size_t len; /**< bytes in use, excluding the NUL */
	size_t cap; /**< bytes allocated */
	size_t max; /**< hard limit on len; appends past it fail with LIMIT */
	int err;    /**< sticky: first failure (CDX_ERR_NOMEM / CDX_ERR_LIMIT) */
};

/** Static initialiser with a cap of @p max bytes. */
#define CDX_BUF_INIT(max) {NULL, 0, 0, (max), 0}

/** Initialise @p b empty with a cap of @p max bytes. Allocates nothing. */
void cdx_buf_init(struct cdx_buf *b, size_t max);

/** Free the bytes and reset to empty (keeps max, clears err). NULL is ok. */
void cdx_buf_release(struct cdx_buf *b);

/** Set len to 0 but keep the allocation; clears err. */
void cdx_buf_clear(struct cdx_buf *b);

/**
 * Append @p n bytes. On failure releases the buffer, sets b->err and
 * returns CDX_ERR_NOMEM or CDX_ERR_LIMIT; once b->err is set, further
 * appends fail with the same code.
 */
int cdx_buf_add(struct cdx_buf *b, const void *p, size_t n) CDX_WUR;
/** Append a NUL-terminated string. Same errors as cdx_buf_add(). */
int cdx_buf_puts(struct cdx_buf *b, const char *s) CDX_WUR;
/** Append one byte. Same errors as cdx_buf_add(). */
int cdx_buf_putc(struct cdx_buf *b, char c) CDX_WUR;
/** Append printf-formatted text. Same errors as cdx_buf_add(). */
int cdx_buf_printf(struct cdx_buf *b, const char *fmt, ...) CDX_WUR
	CDX_PRINTF(2, 3);
/** Ensure room for @p extra more bytes (plus NUL). Same errors. */
int cdx_buf_grow(struct cdx_buf *b, size_t extra) CDX_WUR;

/**
 * Take the bytes out: returns a malloc'ed NUL-terminated string (an empty
 * string when nothing was appended; NULL only on allocation failure) that
 * the caller frees with free(). The buffer is left empty.
 */
char *cdx_buf_detach(struct cdx_buf *b);

#endif
