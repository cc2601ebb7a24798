/*
 * refcsv.c — loading a reference table (CSV, RFC 4180 quoting, UTF-8 with
 * or without BOM, LF or CRLF) into the index, and loading the shipped USGS
 * table once into an index that has not had it.
 *
 * The file is read whole and its fields are unquoted in place, so every
 * figure's strings point into that one buffer until they are stored. A
 * malformed row is reported as FILE:LINE and skipped; the others are kept.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"
#include "cdx_csv.h"

/* A reference table is a few MB; this bounds what a wrong path can cost. */
#define CSV_MAX ((size_t)256 << 20)
#define CSV_FIELDS_MAX 64

#define DEFAULT_TABLE "usgs_mcs.csv"
#define DEFAULT_TAG "loaded:" DEFAULT_TABLE

enum col {
	COL_COMMODITY, COL_COUNTRY, COL_METRIC, COL_YEAR, COL_VALUE, COL_UNIT,
	COL_SOURCE, COL_EDITION, COL_ESTIMATED, COL_QUALIFIER, COL_DERIVED,
	COL_NOTE, COL_COUNT_
};

static const char *const col_names[COL_COUNT_] = {
	"commodity", "country", "metric", "year", "value", "unit", "source",
	"edition", "estimated", "qualifier", "derived", "note",
};

/* Columns a table must have. */
#define COL_REQUIRED 7

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_years(const char *s, int *y0, int *y1)
{
	char tmp[16];
	const char *dash = strchr(s, '-');
	size_t n = dash ? (size_t)(dash - s) : strlen(s);

	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (parse_int(tmp, 1000, 9999, y0) != 0)
		return -1;
	*y1 = *y0;
	if (dash && (parse_int(dash + 1, *y0, 9999, y1) != 0))
		return -1;
	return 0;
}

/* Fill @p r from the record's fields; @return NULL or what is wrong. */
static const char *row_to_ref(char **f, int nf, const int *col,
                              struct cdx_ref *r, int *empty, char *why,
                              size_t why_cap)
{
	const char *v[COL_COUNT_];
	char *end;

	memset(r, 0, sizeof *r);
	*empty = 0;
	for (int i = 0; i < COL_COUNT_; i++) {
		v[i] = col[i] >= 0 && col[i] < nf ? f[col[i]] : NULL;
		if (i < COL_REQUIRED && col[i] >= nf)
			return "too few fields";
		if (v[i] && strlen(v[i]) > CDX_REF_FIELD_MAX)
			return "a field is too long";
	}
	for (int i = 0; i < COL_REQUIRED; i++)
		if (i != COL_VALUE && v[i][0] == '\0') {
			snprintf(why, why_cap, "empty %s", col_names[i]);
			return why;
		}
	if (parse_years(v[COL_YEAR], &r->year, &r->year_end) != 0)
		return "year is not YYYY or YYYY-YYYY";
	if (v[COL_VALUE][0] == '\0') {
		*empty = 1; /* withheld, not available: no figure */
		return NULL;
	}
	errno = 0;
	r->value = strtod(v[COL_VALUE], &end);
	if (errno || end == v[COL_VALUE] || *end != '\0' || !isfinite(r->value))
		return "value is not a number";
	if (v[COL_EDITION] && v[COL_EDITION][0] &&
	    parse_int(v[COL_EDITION], 0, 9999, &r->edition) != 0)
		return "edition is not a year";
	if (v[COL_QUALIFIER] && v[COL_QUALIFIER][0]) {
		if (strcmp(v[COL_QUALIFIER], ">") != 0 &&
		    strcmp(v[COL_QUALIFIER], "<") != 0)
			return "qualifier is not empty, > or <";
		r->qualifier = v[COL_QUALIFIER][0];
	}
	if (v[COL_ESTIMATED] && strcmp(v[COL_ESTIMATED], "1") == 0)
		r->flags |= CDX_REF_ESTIMATED;
	if (v[COL_DERIVED] && strcmp(v[COL_DERIVED], "1") == 0)
		r->flags |= CDX_REF_DERIVED;
	r->commodity = v[COL_COMMODITY];
	r->country = v[COL_COUNTRY];
	r->metric = v[COL_METRIC];
	r->unit = v[COL_UNIT];
	r->source = v[COL_SOURCE];
	r->note = v[COL_NOTE] && v[COL_NOTE][0] ? v[COL_NOTE] : NULL;
	return NULL;
}

static int map_header(char **f, int nf, int *col, const char *path,
                      struct cdx_error *err)
{
	for (int i = 0; i < COL_COUNT_; i++) {
		col[i] = -1;
		for (int j = 0; j < nf && j < CSV_FIELDS_MAX; j++) {
			/* a BOM is skipped by cdx_csv_init() */
			if (audit_same(f[j], col_names[i]))
				col[i] = j;
		}
		if (i < COL_REQUIRED && col[i] < 0)
			return cdx_error_set(err, CDX_ERR_FORMAT,
			                     "%s:1: no '%s' column in the header",
			                     path, col_names[i]);
	}
	return CDX_OK;
}

int cdx_audit_ref_load(struct cdx_index *ix, const char *path,
                       cdx_warn_fn warn, void *warn_ctx,
                       struct cdx_audit_load_stats *stats,
                       struct cdx_error *err)
{
	struct cdx_audit_load_stats st = {0};
	struct cdx_ref *refs = NULL;
	size_t n = 0, cap = 0, len = 0;
	char *buf = NULL, *f[CSV_FIELDS_MAX];
	int col[COL_COUNT_], nf, rc;
	unsigned nl, at = 1;
	struct cdx_csv c;

	rc = cdx_file_read_all(path, CSV_MAX, &buf, &len, err);
	if (rc != CDX_OK)
		goto cleanup;
	cdx_csv_init(&c, buf, len, ',');
	nf = cdx_csv_record(&c, f, CSV_FIELDS_MAX, &nl);
	if (nf <= 0) {
		rc = cdx_error_set(err, CDX_ERR_FORMAT, "%s:1: no header row",
		                   path);
		goto cleanup;
	}
	rc = map_header(f, nf, col, path, err);
	if (rc != CDX_OK)
		goto cleanup;
	at += nl;
	while ((nf = cdx_csv_record(&c, f, CSV_FIELDS_MAX, &nl)) > 0) {
		unsigned line = at;
		const char *why;
		char whybuf[64];
		int empty;

		at += nl;
		if (nf == 1 && f[0][0] == '\0')
			continue; /* blank line */
		st.rows++;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			struct cdx_ref *p = realloc(refs, ncap * sizeof *p);

			if (p == NULL) {
				rc = cdx_error_set(err, CDX_ERR_NOMEM,
				                   "out of memory");
				goto cleanup;
			}
			refs = p;
			cap = ncap;
		}
		why = nf > CSV_FIELDS_MAX ? "too many fields"
		                          : row_to_ref(f, nf, col, &refs[n],
		                                       &empty, whybuf,
		                                       sizeof whybuf);
		if (why) {
			char msg[CDX_ERROR_MSG_MAX];

			snprintf(msg, sizeof msg, "%s:%u: %s; row skipped",
			         path, line, why);
			if (warn)
				warn(warn_ctx, msg);
			st.rejected++;
			continue;
		}
		if (empty) {
			st.empty++;
			continue;
		}
		n++;
	}
	rc = cdx_index_ref_put(ix, refs, n, &st.fresh, err);
	if (rc == CDX_OK)
		st.stored = n;
cleanup:
	if (stats)
		*stats = st;
	free(refs);
	free(buf);
	return rc;
}

int cdx_audit_ref_ensure_default(struct cdx_index *ix,
                                 const char *reference_dir, int *loaded,
                                 struct cdx_error *err)
{
	char path[4096];
	int have = 0, rc;

	if (loaded)
		*loaded = 0;
	rc = cdx_index_ref_tag_get(ix, DEFAULT_TAG, &have, err);
	if (rc != CDX_OK || have)
		return rc;
	snprintf(path, sizeof path, "%s/%s",
	         cdx_audit_reference_dir(reference_dir), DEFAULT_TABLE);
	/* the shipped table is ours: a bad row in it is a bug, so no
	 * warnings are passed on; the rows that parse are stored */
	rc = cdx_audit_ref_load(ix, path, NULL, NULL, NULL, err);
	if (rc == CDX_OK)
		rc = cdx_index_ref_tag_set(ix, DEFAULT_TAG, err);
	if (rc == CDX_OK && loaded)
		*loaded = 1;
	return rc;
}
