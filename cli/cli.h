/*
 * cli.h — internals of the claimdex command-line front end, the only part
 * of claimdex that prints or decides an exit status.
 *
 * main.c parses the global options and dispatches to one cmd_<name>()
 * per command; each command parses its own options, does its work through
 * the library's public headers only, and returns an exit code.
 */
#ifndef CDX_CLI_H
#define CDX_CLI_H

#include <stdio.h>

#include "cdx_buf.h"
#include "cdx_error.h"
#include "corpus.h"
#include "extract.h"
#include "index.h"

/** Exit codes; docs/cli.md documents them. */
enum cli_exit {
	EXIT_OK = 0,       /**< all well */
	EXIT_REJECTED = 1, /**< some inputs were rejected; the rest was done */
	EXIT_USAGE = 2,    /**< bad command line */
	EXIT_INDEX = 3,    /**< the index could not be opened, read or written */
};

/** State shared by every command: what the global options said. */
struct cli {
	const char *prog;     /**< "claimdex" */
	const char *db;       /**< index folder */
	const char *data_dir; /**< extractor data folder, or NULL for default */
	int quiet;            /**< --quiet: no progress or summaries */
};

int cmd_ingest(struct cli *c, int argc, char **argv);
int cmd_extract(struct cli *c, int argc, char **argv);
int cmd_search(struct cli *c, int argc, char **argv);
int cmd_claims(struct cli *c, int argc, char **argv);
int cmd_entities(struct cli *c, int argc, char **argv);
int cmd_show(struct cli *c, int argc, char **argv);
int cmd_stats(struct cli *c, int argc, char **argv);
int cmd_check(struct cli *c, int argc, char **argv);
int cmd_delete(struct cli *c, int argc, char **argv);

/** Print "claimdex: MSG" to stderr. */
void cli_errorf(const char *fmt, ...) CDX_PRINTF(1, 2);

/** cdx_warn_fn that prints "claimdex: warning: MSG" to stderr. */
void cli_warn(void *ctx, const char *msg);

/**
 * Open the index of @p c. With @p create the folder is created when
 * missing. Prints the error and returns EXIT_INDEX on failure, else
 * EXIT_OK with *out set.
 */
int cli_open_index(struct cli *c, int create, struct cdx_index **out);

/** Load the extractor; prints and returns EXIT_INDEX on failure. */
int cli_open_extractor(struct cli *c, struct cdx_extractor **out);

/** Parse a non-negative integer option value; -1 when it is not one. */
long cli_parse_count(const char *s);

/* ---- json.c: JSON Lines output exactly as claims.md defines it ---- */

/** Append @p s (n bytes) as a JSON string literal, quotes included. */
int json_str(struct cdx_buf *b, const char *s, size_t n) CDX_WUR;
/** Append a C string as a JSON string, or null when @p s is NULL. */
int json_cstr(struct cdx_buf *b, const char *s) CDX_WUR;
/** Append a number, or null when it is NaN. */
int json_num(struct cdx_buf *b, double v) CDX_WUR;

/**
 * Append one claim as a JSON object and a newline. @p doc is the `doc`
 * field; @p text and @p sentence the surface and sentence texts.
 */
int json_claim(struct cdx_buf *b, const char *doc, const struct cdx_claim *cl,
               const char *text, size_t text_len, const char *sentence,
               size_t sentence_len) CDX_WUR;

/**
 * Swallow the status of one append to a buffer whose sticky error
 * (buf->err) is checked once after a run of appends (cdx_buf.h).
 */
static inline void sticky(int rc)
{
	(void)rc;
}

/** Format a value for people: "92", "38,000,000", "4.8"; into @p out. */
void fmt_value(char *out, size_t cap, double v);

#endif
