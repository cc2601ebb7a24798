/*
 * audit.h — checking every figure: against reference tables (USGS Mineral
 * Commodity Summaries, or a user's own), against what other documents say
 * about the same measure, and against the rest of its own document.
 *
 * The idea (statcheck's, for reported statistics): a stated figure stands
 * for the range of values that round to it. "92 percent" is 91.5-92.5,
 * "38 million tons" 37.5-38.5 Mt, "about" widens the range, "more than X"
 * is anything above X, and a user tolerance widens further. Two figures
 * agree when their ranges meet.
 *
 * Each audited claim (kinds percent, mass, money, count, quantity) gets
 * one verdict with its evidence:
 *   supported     the latest reference figure before the document's date
 *                 agrees; or, with no reference, every other document that
 *                 states the same measure agrees
 *   outdated      an older edition or year agrees, the latest does not
 *   contradicted  reference figures exist and none agrees
 *   conflict      no reference; other documents state the same measure
 *                 with values that do not agree
 *   unverified    nothing comparable
 * and zero or more internal-consistency issues (shares of one whole over
 * 100 %, "X of Y" with X > Y, the same measure twice with different values).
 *
 * "The same measure": kind and unit, subject, commodity, metric (a claim's
 * metric phrase is mapped to reference metrics by the metrics.tsv file of
 * the reference folder) and compatible time (equal years, or one undated).
 *
 * audit/ reads claims and reference figures through index.h; it prints
 * nothing. Reports are rendered into caller-owned buffers.
 */
#ifndef CDX_AUDIT_H
#define CDX_AUDIT_H

#include <stddef.h>

#include "cdx_buf.h"
#include "cdx_error.h"
#include "corpus.h"
#include "extract.h"
#include "index.h"

/** Verdicts, in the order reports list them. */
enum cdx_verdict {
	CDX_VERDICT_SUPPORTED = 0,
	CDX_VERDICT_OUTDATED,
	CDX_VERDICT_CONTRADICTED,
	CDX_VERDICT_CONFLICT,
	CDX_VERDICT_UNVERIFIED,
	CDX_VERDICT_COUNT_ /**< number of verdicts, not a verdict */
};

/** "supported", "outdated", ...; NULL for an out-of-range value. */
const char *cdx_verdict_name(enum cdx_verdict v);

/** Internal-consistency checks within one document. */
enum cdx_audit_check {
	CDX_CHECK_SHARES_OVER_100 = 0, /**< shares of one whole sum past 100 % */
	CDX_CHECK_PART_EXCEEDS_WHOLE,  /**< "X of Y" with X > Y */
	CDX_CHECK_RESTATED,            /**< same measure twice, values differ */
	CDX_CHECK_COUNT_
};

/** "shares-over-100", "part-exceeds-whole", "restated". */
const char *cdx_audit_check_name(enum cdx_audit_check c);

/** The values a figure stands for; an open end excludes its bound. */
struct cdx_audit_range {
	double lo, hi;              /**< -INFINITY / INFINITY when unbounded */
	unsigned char lo_open, hi_open;
};

/** 1 when the two ranges have a value in common. */
int cdx_audit_range_meet(const struct cdx_audit_range *a,
                         const struct cdx_audit_range *b);

/**
 * The range claim @p c stands for, its surface text being @p text (for the
 * precision of the digits written): half a unit of the last digit either
 * side, widened by @p approx (a fraction of the value, e.g. 0.05) for an
 * approx qualifier and by @p tolerance (percent of the value) always;
 * min is (value, inf), max is (-inf, value), range spans value..value_max.
 */
void cdx_audit_claim_range(const struct cdx_claim *c, const char *text,
                           double approx, double tolerance,
                           struct cdx_audit_range *out);

/** The range reference figure @p r stands for: exact, a bound ('>' '<'),
 *  or +-0.5 for a share the table derived and rounded to a whole. */
void cdx_audit_ref_range(const struct cdx_ref *r,
                         struct cdx_audit_range *out);

/** Options of an audit; NULL means CDX_AUDIT_OPTIONS_INIT. */
struct cdx_audit_options {
	unsigned version;          /**< CDX_AUDIT_OPTIONS_VERSION */
	double tolerance;          /**< percent of a value added on each side */
	double approx;             /**< widening of "about" as a fraction */
	const char *entity;        /**< report only claims whose subject or
	                                commodity is this canonical name */
	const char *commodity;     /**< report only this commodity's claims */
	const char *doc;           /**< report only this document's claims
	                                (its source, or a path ending in it) */
	const char *reference_dir; /**< folder of metrics.tsv and the shipped
	                                table; NULL: $CLAIMDEX_REFERENCE, else
	                                the built-in corpus/reference */
};
#define CDX_AUDIT_OPTIONS_VERSION 1
#define CDX_AUDIT_OPTIONS_INIT {CDX_AUDIT_OPTIONS_VERSION, 0.0, 0.05, \
                                NULL, NULL, NULL, NULL}

/** One piece of evidence for a verdict. */
struct cdx_audit_evidence {
	int reference; /**< 1: audit->refs[index]; 0: audit->rows[index] */
	size_t index;
	int agrees;    /**< its range meets the claim's */
	int latest;    /**< reference: the latest figure before the date */
};

/** One internal-consistency issue of a claim. */
struct cdx_audit_issue {
	enum cdx_audit_check check;
	size_t other;  /**< the other claim involved (index into rows) */
	double total;  /**< shares-over-100: the sum of the shares */
};

/** The audit of one claim. */
struct cdx_audit_item {
	size_t row;                   /**< index into audit->rows */
	enum cdx_verdict verdict;
	struct cdx_audit_range range; /**< what the claim stands for */
	const char *ref_metric;       /**< reference metric it was compared
	                                   with, or NULL */
	size_t measure;               /**< items with equal values state the
	                                   same measure (ignoring time) */
	int year;                     /**< year the claim holds for, or 0 */
	int selected;                 /**< passes the options' filters */
	struct cdx_audit_evidence *ev;
	size_t n_ev;
	struct cdx_audit_issue *issues;
	size_t n_issues;
};

/** An audit's result. Read-only for the caller. */
struct cdx_audit {
	const struct cdx_claim_row *rows; /**< the claims compared */
	size_t n_rows;
	const struct cdx_ref *refs;       /**< the reference figures */
	size_t n_refs;
	struct cdx_audit_item *items;     /**< audited claims, in row order */
	size_t n_items;
	size_t n_measures;
	size_t counts[CDX_VERDICT_COUNT_]; /**< of selected items */
	size_t n_issues;                   /**< of selected items */
	void *own_;                        /**< private */
};

/**
 * Audit @p n claims, in (document, start) order as cdx_index_claims()
 * gives them, against each other and against @p n_refs reference
 * figures. Both arrays are borrowed: they must outlive the result.
 * @return CDX_OK; CDX_ERR_IO / CDX_ERR_FORMAT when metrics.tsv cannot be
 *   read (message names file and line); CDX_ERR_NOMEM. On failure *out is
 *   NULL.
 */
int cdx_audit_new(struct cdx_audit **out, const struct cdx_claim_row *rows,
                  size_t n, const struct cdx_ref *refs, size_t n_refs,
                  const struct cdx_audit_options *opts,
                  struct cdx_error *err);

/**
 * Audit every claim of index @p ix against its reference figures; the
 * result owns what it read.
 * @return as cdx_audit_new(), or an index error.
 */
int cdx_audit_run(struct cdx_audit **out, struct cdx_index *ix,
                  const struct cdx_audit_options *opts,
                  struct cdx_error *err);

/** Free an audit. NULL ok. */
void cdx_audit_free(struct cdx_audit *a);

/**
 * One line saying what reference figure @p r is, for people:
 * "USGS Mineral Commodity Summaries 2024: China reserves 2023 = 44,000,000 t".
 */
void cdx_audit_ref_describe(const struct cdx_ref *r, char *out, size_t cap);

/* ------------------------------------------------------- reference tables */

/** What cdx_audit_ref_load() did. */
struct cdx_audit_load_stats {
	size_t rows;     /**< data rows read */
	size_t stored;   /**< figures stored */
	size_t fresh;    /**< of which new keys */
	size_t empty;    /**< rows without a value (W, NA, ...): skipped */
	size_t rejected; /**< malformed rows: reported and skipped */
};

/**
 * Load the reference table in CSV file @p path into @p ix. The header row
 * names the columns (any order; commodity, country, metric, year, value,
 * unit and source are required; edition, estimated, qualifier, derived and
 * note are optional; others are ignored). year is "2023" or "2019-2022".
 * A malformed row is passed to @p warn (may be NULL) as "FILE:LINE: why"
 * and skipped; the other rows are stored.
 * @return CDX_OK (also when rows were rejected: see @p stats); CDX_ERR_IO;
 *   CDX_ERR_FORMAT when the header lacks a required column; an index error.
 */
int cdx_audit_ref_load(struct cdx_index *ix, const char *path,
                       cdx_warn_fn warn, void *warn_ctx,
                       struct cdx_audit_load_stats *stats,
                       struct cdx_error *err);

/**
 * Load the shipped USGS table (usgs_mcs.csv of the reference folder
 * @p reference_dir, NULL as in the options) into @p ix unless it was
 * loaded before. *loaded (may be NULL) is 1 when it was loaded now.
 * @return as cdx_audit_ref_load().
 */
int cdx_audit_ref_ensure_default(struct cdx_index *ix,
                                 const char *reference_dir, int *loaded,
                                 struct cdx_error *err);

/** The reference folder in use: @p dir, else $CLAIMDEX_REFERENCE, else the
 *  built-in one. Never NULL. */
const char *cdx_audit_reference_dir(const char *dir);

/* ---------------------------------------------------------------- reports */

/**
 * Render the selected items of @p a as a self-contained HTML page into
 * @p out: verdict counts, a table of claims with verdicts and evidence,
 * and per disputed measure an inline SVG chart of the values each source
 * states against the reference series over the years.
 * @return CDX_OK or the buffer's error (CDX_ERR_NOMEM, CDX_ERR_LIMIT).
 */
int cdx_audit_html(const struct cdx_audit *a, const char *title,
                   struct cdx_buf *out);

#endif
