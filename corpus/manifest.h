/*
 * manifest.h — a collection's metadata list: one row per file (or per
 * item of a collection file), giving the date, title or URL that the
 * files themselves do not carry or carry badly.
 *
 * Collections often come with such a list (a scrape's CSV, a corpus's
 * manifest.tsv). Without it, a saved web page has no date, and a figure
 * said "in April" has no year. The manifest is read once; the reader's
 * callback then gives each document its row's values before the claims
 * are extracted.
 *
 * Format: CSV (RFC 4180 quoting) or, when the header line holds a tab,
 * tab-separated values. The header names the columns, in any order and
 * case: the file column is `file`, `path` or `source` (required unless
 * there is a `url` column); `date` (or `published`), `title` and `url`
 * (or `link`) are optional, and other columns are ignored. A relative
 * path is relative to the manifest's folder; "file.sgm#12" names an item
 * of a collection, and a row for "file.sgm" applies to all its items.
 */
#ifndef CDX_MANIFEST_H
#define CDX_MANIFEST_H

#include "cdx_error.h"
#include "corpus.h"

/** Largest manifest read: 64 MiB. */
#define CDX_MANIFEST_MAX_BYTES ((size_t)64 << 20)

struct cdx_manifest;

/**
 * Read the manifest at @p path into *@p out (free with
 * cdx_manifest_free()). A row that cannot be used (no file name, a date
 * that is no date, a file listed twice) is reported to @p warn (may be
 * NULL) with the manifest's name and line, and the rest of it is kept
 * when it can be.
 * @return CDX_OK; CDX_ERR_IO (cannot open or read), CDX_ERR_LIMIT (over
 * CDX_MANIFEST_MAX_BYTES), CDX_ERR_FORMAT (no header, no file or url
 * column, an unterminated quote: the message names the line),
 * CDX_ERR_NOMEM. *out is NULL on error.
 */
int cdx_manifest_load(struct cdx_manifest **out, const char *path,
                      cdx_warn_fn warn, void *warn_ctx,
                      struct cdx_error *err) CDX_WUR;

/**
 * Give @p doc the values of its row, if the manifest has one: its date
 * (normalised), title (" (part N)" kept for a part) and URL replace the
 * document's own. The row is found by the document's source, resolved
 * against the working folder as the manifest's paths are against its
 * own, or by its URL. Not thread-safe: it keeps the last path resolved.
 * @return 1 when a row was applied, 0 when none, CDX_ERR_NOMEM (the
 * document is then unchanged).
 */
int cdx_manifest_apply(struct cdx_manifest *m, struct cdx_doc *doc);

/** Rows read (for the summary line). */
size_t cdx_manifest_rows(const struct cdx_manifest *m);

/** Free @p m. NULL is accepted. */
void cdx_manifest_free(struct cdx_manifest *m);

#endif
