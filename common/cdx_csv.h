/*
 * cdx_csv.h — CSV (RFC 4180) and tab-separated records read in place,
 * and whole small files read into memory: what the reference tables
 * (audit/refcsv.c) and collection manifests (corpus/manifest.c) share.
 *
 * Fields are unquoted in place in the caller's buffer and NUL-terminated
 * there, so a record costs no allocation: the strings live as long as
 * the buffer.
 */
#ifndef CDX_CSV_H
#define CDX_CSV_H

#include <stddef.h>

#include "cdx_error.h"

/** A buffer being read record by record. Set it up with cdx_csv_init(). */
struct cdx_csv {
	char *p, *end;
	char delim;   /**< ',' (double quotes quote) or '\t' (no quoting) */
	int unclosed; /**< set when a quoted field ran to the end */
};

/**
 * Read @p buf (@p len bytes, writable: fields are unquoted in place) with
 * @p delim; a UTF-8 byte order mark at its start is skipped.
 */
void cdx_csv_init(struct cdx_csv *c, char *buf, size_t len, char delim);

/**
 * Read one record: point @p f[0..max) at its NUL-terminated fields (LF
 * and CRLF line ends; with ',' a field in double quotes may hold commas,
 * line ends and "" for a quote). *@p nlines gets the lines it spanned.
 * @return the number of fields (possibly more than @p max: those past it
 * are not stored), 0 at the end of the buffer.
 */
int cdx_csv_record(struct cdx_csv *c, char **f, int max, unsigned *nlines);

/**
 * Read the file at @p path whole into *@p out (malloc'ed, NUL-terminated;
 * the caller frees), its length into *@p len.
 * @return CDX_OK, CDX_ERR_IO (cannot open or read: the message names the
 * file and the reason), CDX_ERR_LIMIT (over @p max bytes), CDX_ERR_NOMEM.
 */
int cdx_file_read_all(const char *path, size_t max, char **out, size_t *len,
                      struct cdx_error *err) CDX_WUR;

#endif
