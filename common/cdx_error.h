/*
 * cdx_error.h — the one status enum of claimdex and the error context that
 * carries a human-readable message beside it.
 *
 * Every function that can fail returns an int: CDX_OK (0) or a negative
 * enum cdx_status value. The detail ("cannot open 'a.html': No such file")
 * goes into a caller-provided struct cdx_error, never to stderr: only cli/
 * prints. There is no global error state (libgit2's model, minus the global).
 */
#ifndef CDX_ERROR_H
#define CDX_ERROR_H

#include <stddef.h>

#if defined(__GNUC__)
#define CDX_WUR __attribute__((warn_unused_result))
#define CDX_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CDX_WUR
#define CDX_PRINTF(a, b)
#endif

/** Status codes. 0 is success; every error is negative. */
enum cdx_status {
	CDX_OK = 0,
	CDX_ERR_FAIL = -1,      /**< generic failure: see the message */
	CDX_ERR_NOMEM = -2,     /**< allocation failed */
	CDX_ERR_IO = -3,        /**< a file could not be read or written */
	CDX_ERR_NOTFOUND = -4,  /**< the key, document or file does not exist */
	CDX_ERR_EXISTS = -5,    /**< already present (e.g. duplicate content) */
	CDX_ERR_LIMIT = -6,     /**< a size, depth or match limit was hit */
	CDX_ERR_FORMAT = -7,    /**< input is malformed or not of a known format */
	CDX_ERR_SCHEMA = -8,    /**< index schema version does not match */
	CDX_ERR_MAPFULL = -9,   /**< index map is full */
	CDX_ERR_USAGE = -10,    /**< bad argument from the user (query, option) */
	CDX_ERR_ITEROVER = -11, /**< an iteration has no more items */
	CDX_ERR_CORRUPT = -12,  /**< the index is inconsistent or damaged */
};

/** Capacity of an error message, including its NUL. */
#define CDX_ERROR_MSG_MAX 512

/**
 * Error context, owned by the caller (usually on the stack). A callee that
 * fails fills it with cdx_error_set(); callers may pass NULL when they do not
 * want the message. Messages are lowercase, one line, no final full stop, and
 * name the input: "cannot open 'a.txt': No such file or directory".
 */
struct cdx_error {
	int code;                    /**< last status set, CDX_OK when none */
	char msg[CDX_ERROR_MSG_MAX]; /**< NUL-terminated message */
};

#define CDX_ERROR_INIT {CDX_OK, {0}}

/**
 * Record an error. @p err may be NULL (then only @p code is returned).
 * @return @p code, so callers can write `return cdx_error_set(err, ...)`.
 */
int cdx_error_set(struct cdx_error *err, int code, const char *fmt, ...)
	CDX_PRINTF(3, 4);

/** Reset @p err to CDX_OK with an empty message. NULL is accepted. */
void cdx_error_clear(struct cdx_error *err);

/** A static, lowercase description of a status code (never NULL). */
const char *cdx_strerror(int code);

#endif
