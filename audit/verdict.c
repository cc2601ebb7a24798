/*
 * verdict.c — the audit proper: group claims by measure, compare each with
 * the reference figures of its measure (choosing the edition current at
 * the document's date), else with what other documents state, and give it
 * one verdict with its evidence.
 *
 * Grouping is by a key string (kind, unit, subject, commodity, metric as
 * mapped to its reference metric), sorted, so that comparisons run only
 * within a group. Reference figures are sorted by (commodity, metric,
 * country) and found by binary search.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit_int.h"

/* Evidence kept per claim beyond the latest figure: enough to show what
 * matched, bounded so a measure stated by thousands of documents stays
 * readable. */
#define EV_MAX 24

struct run {
	struct cdx_audit *a;
	const struct audit_map *map;
	const struct audit_map_entry **map_of; /* per item */
	char **key;                            /* per item */
	size_t *order;                         /* items sorted by key */
	const struct cdx_ref **refs;           /* sorted */
	double approx, tolerance;
};

static int nomem(struct cdx_error *err)
{
	return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
}

int audit_add_evidence(struct cdx_audit_item *it, int reference,
                       size_t index, int agrees, int latest)
{
	struct cdx_audit_evidence *v;

	for (size_t i = 0; i < it->n_ev; i++)
		if (it->ev[i].reference == reference && it->ev[i].index == index)
			return CDX_OK;
	if (it->n_ev >= EV_MAX)
		return CDX_OK;
	v = realloc(it->ev, (it->n_ev + 1) * sizeof *v);
	if (v == NULL)
		return CDX_ERR_NOMEM;
	it->ev = v;
	v[it->n_ev++] = (struct cdx_audit_evidence){reference, index, agrees,
	                                            latest};
	return CDX_OK;
}

static const struct cdx_claim *claim_of(const struct cdx_audit *a,
                                        const struct cdx_audit_item *it)
{
	return &a->rows[it->row].claim;
}

/* A claim metric with no phrase is comparable only for amounts (a
 * deposit's tonnage); a bare percent or count could be a share of
 * anything. */
static int bare_comparable(enum cdx_claim_kind k)
{
	return k == CDX_KIND_MASS || k == CDX_KIND_MONEY ||
	       k == CDX_KIND_QUANTITY;
}

/* Append one byte; a failure stays in b->err, checked once at the end. */
static void sticky_add(struct cdx_buf *b, char ch)
{
	if (cdx_buf_putc(b, ch) != CDX_OK)
		return;
}

static void lower_into(struct cdx_buf *b, const char *s)
{
	for (; s && *s; s++)
		sticky_add(b, *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s);
}

/* The measure key of item @p i, or NULL (into *out) when the claim cannot
 * be compared with any other: it is its own measure. */
static int make_key(struct run *r, size_t i, char **out)
{
	const struct cdx_claim *c = claim_of(r->a, &r->a->items[i]);
	const struct audit_map_entry *m = r->map_of[i];
	struct cdx_buf b = CDX_BUF_INIT(1024);

	*out = NULL;
	if (audit_subject(c) == NULL)
		return CDX_OK;
	if (c->metric == NULL && !bare_comparable(c->kind))
		return CDX_OK;
	sticky_add(&b, (char)('0' + c->kind));
	sticky_add(&b, '\x1f');
	lower_into(&b, c->unit);
	sticky_add(&b, '\x1f');
	lower_into(&b, audit_subject(c));
	sticky_add(&b, '\x1f');
	lower_into(&b, c->commodity ? c->commodity : "-");
	sticky_add(&b, '\x1f');
	if (m && m->n_refs)
		lower_into(&b, m->refs[0]);
	else
		lower_into(&b, c->metric ? c->metric : "-");
	if (b.err)
		return CDX_ERR_NOMEM;
	*out = cdx_buf_detach(&b);
	return *out ? CDX_OK : CDX_ERR_NOMEM;
}

int audit_same_measure(const struct cdx_audit *a,
                       const struct cdx_audit_item *x,
                       const struct cdx_audit_item *y)
{
	(void)a;
	return x->measure == y->measure;
}

/* ------------------------------------------------------------ refs */

static int ref_cmp3(const struct cdx_ref *r, const char *commodity,
                    const char *metric, const char *country)
{
	int c = strcasecmp(r->commodity, commodity);

	if (c == 0)
		c = strcasecmp(r->metric, metric);
	if (c == 0)
		c = strcasecmp(r->country, country);
	return c;
}

static int ref_sort_cmp(const void *pa, const void *pb)
{
	const struct cdx_ref *a = *(const struct cdx_ref *const *)pa;
	const struct cdx_ref *b = *(const struct cdx_ref *const *)pb;
	int c = ref_cmp3(a, b->commodity, b->metric, b->country);

	if (c == 0)
		c = (a->year_end > b->year_end) - (a->year_end < b->year_end);
	if (c == 0)
		c = (a->edition > b->edition) - (a->edition < b->edition);
	return c;
}

/* The run of sorted refs with this commodity, metric and country. */
static size_t ref_find(const struct run *r, const char *commodity,
                       const char *metric, const char *country,
                       size_t *first)
{
	size_t lo = 0, hi = r->a->n_refs, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ref_cmp3(r->refs[mid], commodity, metric, country) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < r->a->n_refs &&
	     ref_cmp3(r->refs[end], commodity, metric, country) == 0; end++)
		;
	*first = lo;
	return end - lo;
}

static size_t ref_index(const struct run *r, const struct cdx_ref *p)
{
	return (size_t)(p - r->a->refs);
}

/* Was edition @p ed out by the document's date (year @p dy, month @p dm;
 * 0 unknown)? MCS editions appear at the end of January. */
static int edition_available(int ed, int dy, int dm)
{
	if (dy == 0 || ed == 0 || ed < dy)
		return 1;
	return ed == dy && (dm == 0 || dm >= 2);
}

/* Compare item @p it with the figures refs[first .. first+n). @return 1
 * when a verdict was given, 0 when no figure fits its time. */
static int ref_verdict(struct run *r, struct cdx_audit_item *it,
                       size_t first, size_t n, int *rc)
{
	const struct cdx_claim_row *row = &r->a->rows[it->row];
	int dy = audit_year_of(row->doc_date), dm = audit_month_of(row->doc_date);
	const struct cdx_ref *latest = NULL, *match_old = NULL,
			     *match_new = NULL;
	size_t n_fit = 0;

	for (size_t k = first; k < first + n; k++) {
		const struct cdx_ref *f = r->refs[k];

		if (strcasecmp(f->unit ? f->unit : "", claim_of(r->a, it)->unit))
			continue;
		if (it->year && (f->year > it->year || f->year_end < it->year))
			continue;
		n_fit++;
		if (!edition_available(f->edition, dy, dm))
			continue;
		if (latest == NULL || f->year_end > latest->year_end ||
		    (f->year_end == latest->year_end &&
		     f->edition > latest->edition))
			latest = f;
	}
	if (n_fit == 0)
		return 0;
	if (latest == NULL) {
		/* every edition came out after the document: only the
		 * nearest one (a year later at most) says what was known */
		for (size_t k = first; k < first + n; k++) {
			const struct cdx_ref *f = r->refs[k];

			if (strcasecmp(f->unit ? f->unit : "",
			               claim_of(r->a, it)->unit) ||
			    (it->year && (f->year > it->year ||
			                  f->year_end < it->year)) ||
			    (dy && f->edition > dy + 1))
				continue;
			if (latest == NULL || f->edition < latest->edition)
				latest = f;
		}
		if (latest == NULL)
			return 0;
	}
	for (size_t k = first; k < first + n; k++) {
		const struct cdx_ref *f = r->refs[k];
		struct cdx_audit_range fr;

		if (f == latest ||
		    strcasecmp(f->unit ? f->unit : "", claim_of(r->a, it)->unit) ||
		    (it->year && (f->year > it->year || f->year_end < it->year)))
			continue;
		cdx_audit_ref_range(f, &fr);
		if (!cdx_audit_range_meet(&it->range, &fr))
			continue;
		if (edition_available(f->edition, dy, dm)) {
			if (match_old == NULL)
				match_old = f;
			*rc = audit_add_evidence(it, 1, ref_index(r, f), 1, 0);
		} else if (match_new == NULL) {
			match_new = f;
		}
	}
	{
		struct cdx_audit_range lr;
		int ok;

		cdx_audit_ref_range(latest, &lr);
		ok = cdx_audit_range_meet(&it->range, &lr);
		if (*rc == CDX_OK)
			*rc = audit_add_evidence(it, 1, ref_index(r, latest), ok, 1);
		if (ok)
			it->verdict = CDX_VERDICT_SUPPORTED;
		else if (match_old)
			it->verdict = CDX_VERDICT_OUTDATED;
		else
			it->verdict = CDX_VERDICT_CONTRADICTED;
		/* a figure revised later to what the document said: the
		 * document was right, show the revision */
		if (!ok && match_new && *rc == CDX_OK) {
			*rc = audit_add_evidence(it, 1, ref_index(r, match_new),
			                         1, 0);
			it->verdict = CDX_VERDICT_SUPPORTED;
		}
	}
	return 1;
}

/* Try the item's reference metrics in order; the first with figures for
 * its commodity and subject decides. */
static int audit_against_refs(struct run *r, size_t i)
{
	struct cdx_audit_item *it = &r->a->items[i];
	const struct cdx_claim *c = claim_of(r->a, it);
	const struct audit_map_entry *m = r->map_of[i];
	int rc = CDX_OK;

	if (m == NULL || audit_subject(c) == NULL || c->commodity == NULL)
		return CDX_OK;
	for (unsigned k = 0; k < m->n_refs; k++) {
		size_t first, n = ref_find(r, c->commodity, m->refs[k],
		                           audit_subject(c), &first);

		if (n == 0)
			continue;
		it->ref_metric = m->refs[k];
		if (ref_verdict(r, it, first, n, &rc) || rc != CDX_OK)
			break;
		it->ref_metric = NULL;
	}
	return rc;
}

/* ------------------------------------------------------------ claims */

/* qsort has no context argument in C11: sort pairs instead. */
struct keyed {
	const char *key;
	size_t item;
};

static int keyed_cmp(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	int c;

	if (a->key == NULL || b->key == NULL)
		c = (a->key == NULL) - (b->key == NULL);
	else
		c = strcmp(a->key, b->key);
	if (c == 0)
		c = (a->item > b->item) - (a->item < b->item);
	return c;
}

static int time_compatible(const struct cdx_audit_item *x,
                           const struct cdx_audit_item *y)
{
	return x->year == 0 || y->year == 0 || x->year == y->year;
}

/* Items of measure group [g0, g1) of @p ks without a reference verdict:
 * compared with the group's items from other documents. */
static int audit_against_claims(struct run *r, const struct keyed *ks,
                                size_t g0, size_t g1)
{
	struct cdx_audit *a = r->a;

	for (size_t x = g0; x < g1; x++) {
		struct cdx_audit_item *it = &a->items[ks[x].item];
		size_t others = 0, agree = 0;

		if (it->verdict != CDX_VERDICT_UNVERIFIED || it->ref_metric)
			continue;
		for (size_t y = g0; y < g1; y++) {
			const struct cdx_audit_item *o = &a->items[ks[y].item];
			int ok;

			if (a->rows[o->row].doc_id == a->rows[it->row].doc_id ||
			    !time_compatible(it, o))
				continue;
			ok = cdx_audit_range_meet(&it->range, &o->range);
			others++;
			agree += ok != 0;
			if (audit_add_evidence(it, 0, o->row, ok, 0) != CDX_OK)
				return CDX_ERR_NOMEM;
		}
		if (others == 0)
			continue;
		it->verdict = agree == others ? CDX_VERDICT_SUPPORTED
		                              : CDX_VERDICT_CONFLICT;
	}
	return CDX_OK;
}

static int group_items(struct run *r, struct cdx_error *err)
{
	struct cdx_audit *a = r->a;
	struct keyed *ks = malloc((a->n_items + 1) * sizeof *ks);
	size_t g0 = 0, measure = 0;
	int rc = CDX_OK;

	if (ks == NULL)
		return nomem(err);
	for (size_t i = 0; i < a->n_items; i++)
		ks[i] = (struct keyed){r->key[i], i};
	if (a->n_items > 1)
		qsort(ks, a->n_items, sizeof *ks, keyed_cmp);
	while (g0 < a->n_items) {
		size_t g1 = g0 + 1;

		if (ks[g0].key)
			while (g1 < a->n_items && ks[g1].key &&
			       strcmp(ks[g1].key, ks[g0].key) == 0)
				g1++;
		for (size_t x = g0; x < g1; x++)
			a->items[ks[x].item].measure = measure;
		measure++;
		if (g1 - g0 > 1 && audit_against_claims(r, ks, g0, g1) != CDX_OK) {
			rc = nomem(err);
			break;
		}
		g0 = g1;
	}
	a->n_measures = measure;
	free(ks);
	return rc;
}

/* ------------------------------------------------------------ run */

static int ends_with_path(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	if (strcmp(s, tail) == 0)
		return 1;
	return m < n && strcmp(s + n - m, tail) == 0 && s[n - m - 1] == '/';
}

static int selected(const struct cdx_claim_row *row,
                    const struct cdx_audit_options *o)
{
	const struct cdx_claim *c = &row->claim;

	if (o->entity && !audit_same(c->subject, o->entity) &&
	    !audit_same(c->commodity, o->entity))
		return 0;
	if (o->commodity && !audit_same(c->commodity, o->commodity))
		return 0;
	if (o->doc && (row->source == NULL || !ends_with_path(row->source,
	                                                       o->doc)))
		return 0;
	return 1;
}

static int make_items(struct cdx_audit *a, const struct cdx_audit_options *o)
{
	struct audit_own *own = a->own_;

	a->items = calloc(a->n_rows + 1, sizeof *a->items);
	own->item_of_row = malloc((a->n_rows + 1) * sizeof(size_t));
	if (a->items == NULL || own->item_of_row == NULL)
		return CDX_ERR_NOMEM;
	for (size_t i = 0; i < a->n_rows; i++) {
		const struct cdx_claim_row *row = &a->rows[i];
		struct cdx_audit_item *it = &a->items[a->n_items];

		own->item_of_row[i] = SIZE_MAX;
		if (!audit_kind_audited(row->claim.kind) ||
		    !isfinite(row->claim.value))
			continue;
		it->row = i;
		it->verdict = CDX_VERDICT_UNVERIFIED;
		it->year = audit_year_of(row->claim.time);
		it->selected = selected(row, o);
		cdx_audit_claim_range(&row->claim, row->text, o->approx,
		                      o->tolerance, &it->range);
		own->item_of_row[i] = a->n_items++;
	}
	return CDX_OK;
}

static int run_compare(struct cdx_audit *a, const struct cdx_audit_options *o,
                       struct cdx_error *err)
{
	struct audit_own *own = a->own_;
	struct run r = {a, &own->map, NULL, NULL, NULL, NULL, o->approx,
	                o->tolerance};
	int rc = CDX_OK;

	r.map_of = calloc(a->n_items + 1, sizeof *r.map_of);
	r.key = calloc(a->n_items + 1, sizeof *r.key);
	r.refs = malloc((a->n_refs + 1) * sizeof *r.refs);
	if (r.map_of == NULL || r.key == NULL || r.refs == NULL) {
		rc = nomem(err);
		goto cleanup;
	}
	for (size_t i = 0; i < a->n_refs; i++)
		r.refs[i] = &a->refs[i];
	if (a->n_refs > 1)
		qsort(r.refs, a->n_refs, sizeof *r.refs, ref_sort_cmp);
	for (size_t i = 0; i < a->n_items && rc == CDX_OK; i++) {
		const struct cdx_claim *c = claim_of(a, &a->items[i]);

		r.map_of[i] = audit_map_find(&own->map, c->kind, c->metric);
		if (make_key(&r, i, &r.key[i]) != CDX_OK ||
		    audit_against_refs(&r, i) != CDX_OK)
			rc = nomem(err);
	}
	if (rc == CDX_OK)
		rc = group_items(&r, err);
	if (rc == CDX_OK && audit_consistency(a, &own->map, o->tolerance) !=
	                    CDX_OK)
		rc = nomem(err);
cleanup:
	if (r.key)
		for (size_t i = 0; i < a->n_items; i++)
			free(r.key[i]);
	free(r.key);
	free(r.map_of);
	free(r.refs);
	return rc;
}

int cdx_audit_new(struct cdx_audit **out, const struct cdx_claim_row *rows,
                  size_t n, const struct cdx_ref *refs, size_t n_refs,
                  const struct cdx_audit_options *opts,
                  struct cdx_error *err)
{
	static const struct cdx_audit_options defaults = CDX_AUDIT_OPTIONS_INIT;
	struct cdx_audit *a = calloc(1, sizeof *a);
	struct audit_own *own = calloc(1, sizeof *own);
	int rc;

	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	if (a == NULL || own == NULL) {
		free(a);
		free(own);
		return nomem(err);
	}
	a->own_ = own;
	a->rows = rows;
	a->n_rows = n;
	a->refs = refs;
	a->n_refs = n_refs;
	rc = audit_map_load(&own->map, opts->reference_dir, err);
	if (rc == CDX_OK && make_items(a, opts) != CDX_OK)
		rc = nomem(err);
	if (rc == CDX_OK)
		rc = run_compare(a, opts, err);
	if (rc != CDX_OK) {
		cdx_audit_free(a);
		return rc;
	}
	for (size_t i = 0; i < a->n_items; i++) {
		if (!a->items[i].selected)
			continue;
		a->counts[a->items[i].verdict]++;
		a->n_issues += a->items[i].n_issues;
	}
	*out = a;
	return CDX_OK;
}

int cdx_audit_run(struct cdx_audit **out, struct cdx_index *ix,
                  const struct cdx_audit_options *opts,
                  struct cdx_error *err)
{
	struct cdx_claim_filter f = CDX_CLAIM_FILTER_INIT;
	struct cdx_claim_rows claims = {0};
	struct cdx_ref_rows refs = {0};
	struct audit_own *own;
	int rc;

	*out = NULL;
	rc = cdx_index_claims(ix, &f, &claims, err);
	if (rc == CDX_OK)
		rc = cdx_index_ref_list(ix, NULL, &refs, err);
	if (rc == CDX_OK)
		rc = cdx_audit_new(out, claims.v, claims.n, refs.v, refs.n, opts,
		                   err);
	if (rc != CDX_OK) {
		cdx_claim_rows_release(&claims);
		cdx_ref_rows_release(&refs);
		return rc;
	}
	own = (*out)->own_;
	own->claims = claims;
	own->refs = refs;
	return CDX_OK;
}

void cdx_audit_free(struct cdx_audit *a)
{
	struct audit_own *own;

	if (a == NULL)
		return;
	own = a->own_;
	for (size_t i = 0; i < a->n_items; i++) {
		free(a->items[i].ev);
		free(a->items[i].issues);
	}
	free(a->items);
	if (own) {
		cdx_claim_rows_release(&own->claims);
		cdx_ref_rows_release(&own->refs);
		audit_map_release(&own->map);
		free(own->item_of_row);
		free(own);
	}
	free(a);
}

void cdx_audit_ref_describe(const struct cdx_ref *r, char *out, size_t cap)
{
	char years[24], value[48], ed[16] = "";

	if (r->year_end != r->year)
		snprintf(years, sizeof years, "%d-%d", r->year, r->year_end);
	else
		snprintf(years, sizeof years, "%d", r->year);
	if (fabs(r->value) >= 1000 && r->value == floor(r->value)) {
		char digits[40];
		int n = snprintf(digits, sizeof digits, "%.0f", fabs(r->value));
		size_t o = 0;

		for (int i = 0; i < n && o + 2 < sizeof value; i++) {
			if (i && (n - i) % 3 == 0)
				value[o++] = ',';
			value[o++] = digits[i];
		}
		value[o] = '\0';
	} else {
		snprintf(value, sizeof value, "%g", r->value);
	}
	if (r->edition)
		snprintf(ed, sizeof ed, " %d", r->edition);
	snprintf(out, cap, "%s%s: %s %s %s %s = %s%s %s%s%s", r->source, ed,
	         r->country, r->commodity, r->metric, years,
	         r->qualifier == '>' ? "more than " :
	         r->qualifier == '<' ? "less than " : "",
	         value, r->unit ? r->unit : "",
	         r->flags & CDX_REF_ESTIMATED ? " (estimated)" : "",
	         r->flags & CDX_REF_DERIVED ? " (computed from the table)" : "");
}
