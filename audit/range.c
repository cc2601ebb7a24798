/*
 * range.c — what a stated figure stands for: the interval of values that
 * round to it (statcheck's idea), widened for hedges and a user tolerance;
 * the same for reference figures; and whether two such intervals meet.
 *
 * The precision of a figure is read from its surface text: the last digit
 * written sets the unit of rounding ("38 million" → 1 million, "99.5%" →
 * 0.1), scaled by the ratio of the normalised value to the number written,
 * so that units and multipliers ("million", "kt") need no table here.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"

/* Slack on every bound so that a value on the edge of a range ("91.5"
 * against "92 percent") is not lost to binary rounding. */
#define EDGE_EPS 1e-9

const char *cdx_verdict_name(enum cdx_verdict v)
{
	static const char *const names[CDX_VERDICT_COUNT_] = {
		"supported", "outdated", "contradicted", "conflict",
		"unverified",
	};

	return (unsigned)v < CDX_VERDICT_COUNT_ ? names[v] : NULL;
}

const char *cdx_audit_check_name(enum cdx_audit_check c)
{
	static const char *const names[CDX_CHECK_COUNT_] = {
		"shares-over-100", "part-exceeds-whole", "restated",
	};

	return (unsigned)c < CDX_CHECK_COUNT_ ? names[c] : NULL;
}

int audit_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

int audit_year_of(const char *iso)
{
	if (iso == NULL || !isdigit((unsigned char)iso[0]) ||
	    !isdigit((unsigned char)iso[1]) ||
	    !isdigit((unsigned char)iso[2]) || !isdigit((unsigned char)iso[3]))
		return 0;
	return (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 +
	       (iso[2] - '0') * 10 + (iso[3] - '0');
}

int audit_month_of(const char *iso)
{
	if (audit_year_of(iso) == 0 || iso[4] != '-' ||
	    !isdigit((unsigned char)iso[5]) || !isdigit((unsigned char)iso[6]))
		return 0;
	return (iso[5] - '0') * 10 + (iso[6] - '0');
}

int audit_kind_audited(enum cdx_claim_kind k)
{
	return k == CDX_KIND_PERCENT || k == CDX_KIND_MASS ||
	       k == CDX_KIND_MONEY || k == CDX_KIND_COUNT ||
	       k == CDX_KIND_QUANTITY;
}

/* The first number written in @p text: its value and the number of digits
 * after its decimal point. @return 0 when there is none. */
static int first_number(const char *text, double *num, int *decimals)
{
	const char *p = text;
	char buf[64];
	size_t n = 0;
	int dec = -1;

	while (*p && !isdigit((unsigned char)*p))
		p++;
	if (*p == '\0')
		return 0;
	for (; *p && n + 1 < sizeof buf; p++) {
		if (isdigit((unsigned char)*p)) {
			buf[n++] = *p;
			if (dec >= 0)
				dec++;
		} else if (*p == ',' && dec < 0 &&
		           isdigit((unsigned char)p[1])) {
			continue; /* thousands separator */
		} else if (*p == '.' && dec < 0 &&
		           isdigit((unsigned char)p[1])) {
			buf[n++] = '.';
			dec = 0;
		} else {
			break;
		}
	}
	buf[n] = '\0';
	*num = strtod(buf, NULL);
	*decimals = dec < 0 ? 0 : dec;
	return 1;
}

/* Half the rounding unit of the figure @p value written as @p text. */
static double half_unit(double value, const char *text)
{
	double num;
	int dec;

	if (text && first_number(text, &num, &dec) && num > 0)
		return 0.5 * pow(10.0, -dec) * fabs(value / num);
	/* spelled out ("five", "a third"): a whole, or 5 % of a fraction */
	if (value == floor(value))
		return 0.5;
	return 0.05 * fabs(value);
}

void cdx_audit_claim_range(const struct cdx_claim *c, const char *text,
                           double approx, double tolerance,
                           struct cdx_audit_range *out)
{
	double v = c->value;
	double top = isfinite(c->value_max) && c->value_max > v ? c->value_max
	                                                          : v;
	double h = half_unit(v, text);
	double widen = tolerance / 100.0 * fabs(top) + EDGE_EPS * fabs(top) +
	               EDGE_EPS;

	memset(out, 0, sizeof *out);
	switch (c->qualifier) {
	case CDX_QUAL_MIN:
		out->lo = v - tolerance / 100.0 * fabs(v);
		out->hi = INFINITY;
		out->lo_open = 1;
		return;
	case CDX_QUAL_MAX:
		out->lo = -INFINITY;
		out->hi = v + tolerance / 100.0 * fabs(v);
		out->hi_open = 1;
		return;
	case CDX_QUAL_APPROX:
		h += approx * fabs(top);
		break;
	case CDX_QUAL_EXACT:
	case CDX_QUAL_RANGE:
		break;
	}
	out->lo = v - h - widen;
	out->hi = top + h + widen;
}

void cdx_audit_ref_range(const struct cdx_ref *r, struct cdx_audit_range *out)
{
	memset(out, 0, sizeof *out);
	if (r->qualifier == '>') {
		out->lo = r->value;
		out->hi = INFINITY;
		out->lo_open = 1;
	} else if (r->qualifier == '<') {
		out->lo = -INFINITY;
		out->hi = r->value;
		out->hi_open = 1;
	} else if (r->flags & CDX_REF_DERIVED) {
		/* the table rounded it to a whole, as the source rounds */
		out->lo = r->value - 0.5;
		out->hi = r->value + 0.5;
	} else {
		out->lo = out->hi = r->value;
	}
}

int cdx_audit_range_meet(const struct cdx_audit_range *a,
                         const struct cdx_audit_range *b)
{
	double lo, hi;
	int lo_open, hi_open;

	if (a->lo > b->lo) {
		lo = a->lo;
		lo_open = a->lo_open;
	} else if (b->lo > a->lo) {
		lo = b->lo;
		lo_open = b->lo_open;
	} else {
		lo = a->lo;
		lo_open = a->lo_open || b->lo_open;
	}
	if (a->hi < b->hi) {
		hi = a->hi;
		hi_open = a->hi_open;
	} else if (b->hi < a->hi) {
		hi = b->hi;
		hi_open = b->hi_open;
	} else {
		hi = a->hi;
		hi_open = a->hi_open || b->hi_open;
	}
	return lo < hi || (lo == hi && !lo_open && !hi_open);
}
