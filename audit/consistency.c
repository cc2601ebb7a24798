/*
 * consistency.c — checks within one document, needing no reference:
 *   shares-over-100     shares of one whole (same commodity, share metric
 *                       and year, different subjects) whose smallest
 *                       possible values already add up to more than 100 %
 *   part-exceeds-whole  "X of Y" in one sentence with X larger than Y
 *   restated            the same measure (and the same year, or both
 *                       undated) given twice with values that cannot
 *                       agree, in two sentences: one sentence giving
 *                       several is a breakdown ("51% ... in superalloys;
 *                       25% in chemicals")
 *
 * Claims arrive in (document, start) order, so one document's items are a
 * contiguous run and each check looks only inside it.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit_int.h"

static int add_issue(struct cdx_audit_item *it, enum cdx_audit_check check,
                     size_t other, double total)
{
	struct cdx_audit_issue *v;

	for (size_t i = 0; i < it->n_issues; i++)
		if (it->issues[i].check == check && it->issues[i].other == other)
			return CDX_OK;
	v = realloc(it->issues, (it->n_issues + 1) * sizeof *v);
	if (v == NULL)
		return CDX_ERR_NOMEM;
	it->issues = v;
	v[it->n_issues++] = (struct cdx_audit_issue){check, other, total};
	return CDX_OK;
}

static const struct cdx_claim *cl(const struct cdx_audit *a, size_t item)
{
	return &a->rows[a->items[item].row].claim;
}

/* A metric that names a share of a whole: mapped to a *_share reference
 * metric, or listed in metrics.tsv at all with a phrase ending in "share". */
static int is_share(const struct audit_map *map, const struct cdx_claim *c)
{
	const struct audit_map_entry *m;
	size_t n;

	if (c->kind != CDX_KIND_PERCENT || strcmp(c->unit, "%") != 0 ||
	    c->metric == NULL)
		return 0;
	m = audit_map_find(map, c->kind, c->metric);
	if (m == NULL)
		return 0;
	n = strlen(m->metric);
	return n >= 5 && strcmp(m->metric + n - 5, "share") == 0;
}

/* The lowest value a claim's range allows (0 when unbounded below). */
static double low_end(const struct cdx_audit_item *it)
{
	return isfinite(it->range.lo) ? it->range.lo : 0.0;
}

static int shares_over_100(struct cdx_audit *a, const struct audit_map *map,
                           size_t d0, size_t d1, double tolerance)
{
	for (size_t x = d0; x < d1; x++) {
		const struct cdx_claim *cx = cl(a, x);
		double total;
		size_t n = 1, first_other = SIZE_MAX;

		if (!is_share(map, cx) || cx->subject == NULL ||
		    a->items[x].n_issues)
			continue;
		total = low_end(&a->items[x]);
		for (size_t y = d0; y < d1; y++) {
			const struct cdx_claim *cy = cl(a, y);
			int dup = 0;

			if (y == x || !is_share(map, cy) || cy->subject == NULL ||
			    audit_same(cy->subject, cx->subject) ||
			    !audit_same(cy->metric, cx->metric) ||
			    !audit_same(cy->commodity, cx->commodity) ||
			    a->items[y].year != a->items[x].year)
				continue;
			/* one share per subject: its first statement */
			for (size_t z = d0; z < y && !dup; z++)
				dup = z != x && is_share(map, cl(a, z)) &&
				      audit_same(cl(a, z)->subject, cy->subject) &&
				      audit_same(cl(a, z)->metric, cy->metric) &&
				      audit_same(cl(a, z)->commodity,
				                 cy->commodity) &&
				      a->items[z].year == a->items[y].year;
			if (dup)
				continue;
			total += low_end(&a->items[y]);
			if (first_other == SIZE_MAX)
				first_other = y;
			n++;
		}
		if (n < 2 || total <= 100.0 + tolerance)
			continue;
		for (size_t y = d0; y < d1; y++) {
			const struct cdx_claim *cy = cl(a, y);

			if (!is_share(map, cy) || cy->subject == NULL ||
			    !audit_same(cy->metric, cx->metric) ||
			    !audit_same(cy->commodity, cx->commodity) ||
			    a->items[y].year != a->items[x].year)
				continue;
			if (add_issue(&a->items[y], CDX_CHECK_SHARES_OVER_100,
			              a->items[y == x ? first_other : x].row,
			              total) !=
			    CDX_OK)
				return CDX_ERR_NOMEM;
		}
	}
	return CDX_OK;
}

/* Is the text between two figures of one sentence an "of" that makes the
 * first a part of the second ("12 of the 50", "5 out of 35")? */
static int of_between(const struct cdx_claim_row *rx,
                      const struct cdx_claim_row *ry)
{
	static const char *const links[] = {
		"of", "of the", "of its", "of these", "of those", "out of",
		"out of the",
	};
	const struct cdx_claim *x = &rx->claim, *y = &ry->claim;
	const char *s;
	size_t a, b;

	if (rx->sentence == NULL || x->sent_start != y->sent_start ||
	    x->end > y->start || y->start < x->sent_start)
		return 0;
	a = x->end - x->sent_start;
	b = y->start - x->sent_start;
	if (b > strlen(rx->sentence))
		return 0;
	s = rx->sentence;
	while (a < b && isspace((unsigned char)s[a]))
		a++;
	while (b > a && isspace((unsigned char)s[b - 1]))
		b--;
	for (size_t i = 0; i < sizeof links / sizeof *links; i++)
		if (strlen(links[i]) == b - a &&
		    strncasecmp(s + a, links[i], b - a) == 0)
			return 1;
	return 0;
}

static int part_exceeds_whole(struct cdx_audit *a, size_t d0, size_t d1)
{
	for (size_t x = d0; x + 1 < d1; x++) {
		size_t y = x + 1;
		const struct cdx_claim *cx = cl(a, x), *cy = cl(a, y);

		if (cx->kind != cy->kind || cx->kind == CDX_KIND_PERCENT ||
		    !of_between(&a->rows[a->items[x].row],
		                &a->rows[a->items[y].row]))
			continue;
		if (a->items[x].range.lo <= a->items[y].range.hi)
			continue;
		if (add_issue(&a->items[x], CDX_CHECK_PART_EXCEEDS_WHOLE,
		              a->items[y].row, 0) != CDX_OK ||
		    add_issue(&a->items[y], CDX_CHECK_PART_EXCEEDS_WHOLE,
		              a->items[x].row, 0) != CDX_OK)
			return CDX_ERR_NOMEM;
	}
	return CDX_OK;
}

static int restated(struct cdx_audit *a, size_t d0, size_t d1)
{
	for (size_t x = d0; x < d1; x++) {
		for (size_t y = x + 1; y < d1; y++) {
			struct cdx_audit_item *ix = &a->items[x],
					      *iy = &a->items[y];

			if (ix->measure != iy->measure || ix->year != iy->year ||
			    cl(a, x)->subject == NULL ||
			    cl(a, x)->sent_start == cl(a, y)->sent_start ||
			    cdx_audit_range_meet(&ix->range, &iy->range))
				continue;
			if (add_issue(ix, CDX_CHECK_RESTATED, iy->row, 0) !=
			            CDX_OK ||
			    add_issue(iy, CDX_CHECK_RESTATED, ix->row, 0) !=
			            CDX_OK)
				return CDX_ERR_NOMEM;
		}
	}
	return CDX_OK;
}

int audit_consistency(struct cdx_audit *a, const struct audit_map *map,
                      double tolerance)
{
	size_t d0 = 0;

	while (d0 < a->n_items) {
		uint64_t doc = a->rows[a->items[d0].row].doc_id;
		size_t d1 = d0 + 1;

		while (d1 < a->n_items && a->rows[a->items[d1].row].doc_id == doc)
			d1++;
		if (shares_over_100(a, map, d0, d1, tolerance) != CDX_OK ||
		    part_exceeds_whole(a, d0, d1) != CDX_OK ||
		    restated(a, d0, d1) != CDX_OK)
			return CDX_ERR_NOMEM;
		d0 = d1;
	}
	return CDX_OK;
}
