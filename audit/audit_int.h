/*
 * audit_int.h — what the files of audit/ share; nothing outside audit/
 * includes it.
 */
#ifndef CDX_AUDIT_INT_H
#define CDX_AUDIT_INT_H

#include <stdint.h>

#include "audit.h"

/* ------------------------------------------------------------ metrics.c */

/** Longest metric phrase or reference metric name kept, in bytes. */
#define AUDIT_METRIC_MAX 48
/** Reference metrics one claim metric may map to. */
#define AUDIT_MAP_ALTS 4

/** One line of metrics.tsv: a claim kind and metric phrase, and the
 *  reference metrics it is compared with, in order of preference. */
struct audit_map_entry {
	enum cdx_claim_kind kind;
	char metric[AUDIT_METRIC_MAX];
	char refs[AUDIT_MAP_ALTS][AUDIT_METRIC_MAX];
	unsigned n_refs;
};

struct audit_map {
	struct audit_map_entry *v;
	size_t n;
};

/** Read @p dir/metrics.tsv. Errors name the file and line. */
int audit_map_load(struct audit_map *m, const char *dir,
                   struct cdx_error *err);
void audit_map_release(struct audit_map *m);
/** The entry for (@p kind, @p metric), or NULL. A world total's metric
 * ("world production") maps as the metric after "world " does. */
const struct audit_map_entry *audit_map_find(const struct audit_map *m,
                                             enum cdx_claim_kind kind,
                                             const char *metric);
/** Whose figure claim @p c states: its subject, or "World" for a world
 * total (no subject, a metric starting "world ": the extractor's "global
 * production was 197,000 tons"), which the reference's World rows
 * state; NULL when nobody's. */
const char *audit_subject(const struct cdx_claim *c);

/* ------------------------------------------------------------ range.c */

/** ASCII case-insensitive equality; NULL equals only NULL. */
int audit_same(const char *a, const char *b);
/** The year at the start of an ISO prefix ("2025-04" → 2025), or 0. */
int audit_year_of(const char *iso);
/** The month of an ISO prefix ("2025-04" → 4), or 0. */
int audit_month_of(const char *iso);
/** 1 for the kinds the audit compares (figures with a value). */
int audit_kind_audited(enum cdx_claim_kind k);

/* ------------------------------------------------------------ verdict.c */

/** Private state of a struct cdx_audit. */
struct audit_own {
	struct cdx_claim_rows claims; /* when cdx_audit_run() read them */
	struct cdx_ref_rows refs;
	struct audit_map map;
	size_t *item_of_row;          /* row → item index, or SIZE_MAX */
};

/** Append evidence to @p it. */
int audit_add_evidence(struct cdx_audit_item *it, int reference,
                       size_t index, int agrees, int latest);

/* ------------------------------------------------------------ consistency.c */

/** Add the internal-consistency issues of every document to @p a's items.
 *  @p map tells which metrics name shares. */
int audit_consistency(struct cdx_audit *a, const struct audit_map *map,
                      double tolerance);

/** 1 when items @p x and @p y state the same measure (time aside). */
int audit_same_measure(const struct cdx_audit *a,
                       const struct cdx_audit_item *x,
                       const struct cdx_audit_item *y);

#endif
