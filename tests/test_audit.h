/*
 * test_audit.h — what the files of the audit suite share: builders of
 * hand-made claims and reference figures, and the test cases each file
 * adds to the suite.
 */
#ifndef CDX_TEST_AUDIT_H
#define CDX_TEST_AUDIT_H

#include <check.h>

#include "audit.h"

/** A claim row of document @p doc (source "a.txt".."e.txt" by doc % 5);
 *  strings are borrowed. Unit: % for percent, t for mass, else USD. */
struct cdx_claim_row audit_row(uint64_t doc, const char *date,
                               enum cdx_claim_kind kind, double v,
                               enum cdx_qualifier q, const char *subject,
                               const char *commodity, const char *metric,
                               const char *time, const char *text);

/** A rare-earths reference figure of the USGS source. */
struct cdx_ref audit_ref(const char *country, const char *metric, int year,
                         int edition, double v, const char *unit,
                         unsigned flags);

/** The audit item of claim row @p row (fails the test when none). */
const struct cdx_audit_item *audit_item(const struct cdx_audit *a,
                                        size_t row);

/** test_audit_store.c: the index's reference store, CSV, HTML. */
void audit_store_cases(Suite *s);
/** test_audit_e2e.c: the CLI and the shared corpus. */
void audit_e2e_cases(Suite *s);

#endif
