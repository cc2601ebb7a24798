/*
 * test_extract.h — the extract suite is split over several files; each
 * adds its test cases to the suite that test_extract.c creates.
 */
#ifndef CDX_TEST_EXTRACT_H
#define CDX_TEST_EXTRACT_H

#include <check.h>

#include "extract.h"

/** The extractor (default data) and scratch of the checked fixture, made
 * by extract_fixture_setup() before each test and freed after it
 * (test_extract.c). */
extern struct cdx_extractor *xt_ex;
extern struct cdx_extract_scratch *xt_scr;
void extract_fixture_setup(void);
void extract_fixture_teardown(void);

/** Counts, changes, what is no claim, byte offsets, a huge line
 * (test_extract_kinds.c). */
void extract_kinds_cases(Suite *s);

/** Subjects, names taken from the text, the claims' string pool
 * (test_extract_subject.c). */
void extract_subject_cases(Suite *s);

/** Relative dates, years in names, spans of years
 * (test_extract_dates.c). */
void extract_date_cases(Suite *s);

/** Agreements and their parties, quantities, shares as fractions, vague
 * numbers (test_extract_agree.c). */
void extract_agree_cases(Suite *s);

/** Metrics: the clause's nearest cue, a share's "of" phrase, words that
 * only look like cues, cues that override (test_extract_metric.c). */
void extract_metric_cases(Suite *s);

/** The scanners' word keys on exact-size texts, and alternations grouped
 * by their leading bytes (test_extract_scan.c). */
void extract_scan_cases(Suite *s);

/** Gazetteer mentions and case rules, lookup by alias, word classes
 * (test_extract_entities.c). */
void extract_entity_cases(Suite *s);

/** Byte masks (SSE2 and bytes), and the pattern without its date branch
 * where no date can match (test_extract_masks.c). */
void extract_masks_cases(Suite *s);

/** What the sentence loop skips (hopeless triggers, words leading no
 * name, prefix words, remembered word classes) loses nothing
 * (test_extract_skip.c). */
void extract_skip_cases(Suite *s);

/** Rules found reading news texts: the commodity of a figure whose
 * sentence names none (test_extract_news.c). */
void extract_news_cases(Suite *s);

/** The wires' earnings reports: the title's company for table rows,
 * gains, charges and dividends (test_extract_earn.c). */
void extract_earn_cases(Suite *s);

#endif
