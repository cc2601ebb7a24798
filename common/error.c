/* error.c — cdx_error_set() and the status-code table. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cdx_error.h"

int cdx_error_set(struct cdx_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

void cdx_error_clear(struct cdx_error *err)
{
	if (err == NULL)
		return;
	err->code = CDX_OK;
	err->msg[0] = '\0';
}

const char *cdx_strerror(int code)
{
	switch (code) {
	case CDX_OK: return "success";
	case CDX_ERR_FAIL: return "failure";
	case CDX_ERR_NOMEM: return "out of memory";
	case CDX_ERR_IO: return "input/output error";
	case CDX_ERR_NOTFOUND: return "not found";
	case CDX_ERR_EXISTS: return "already exists";
	case CDX_ERR_LIMIT: return "limit exceeded";
	case CDX_ERR_FORMAT: return "malformed input";
	case CDX_ERR_SCHEMA: return "index schema version mismatch";
	case CDX_ERR_MAPFULL: return "index is full; raise the map size";
	case CDX_ERR_USAGE: return "invalid usage";
	case CDX_ERR_ITEROVER: return "no more items";
	case CDX_ERR_CORRUPT: return "index is corrupt";
	}
	return "unknown error";
}
