/*
 * report.c — the audit as one self-contained HTML page (no scripts, no
 * external files) that a journalist can open and send: verdict counts,
 * one section per measure in dispute with an inline SVG chart of the
 * values each source states against the reference series over the years,
 * and a table of every selected claim with its verdict and evidence.
 *
 * Chart: x is the year (a claim without a year sits at its document's
 * year, else in an "undated" column at the right); y is the value. The
 * reference series (latest edition for each year) is a line; older
 * editions are small grey dots; each claim is a coloured dot with a bar
 * for the range it stands for, numbered as in the list under the chart.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"

#define W 720.0
#define H 300.0
#define PAD_L 90.0
#define PAD_R 30.0
#define PAD_T 20.0
#define PAD_B 40.0
/* Claims drawn per chart; a measure stated more often lists the rest. */
#define CHART_CLAIMS 40

static const char *const verdict_colour[CDX_VERDICT_COUNT_] = {
	"#1a7f37", "#b7791f", "#c53030", "#805ad5", "#718096",
};

static void put(struct cdx_buf *b, const char *s)
{
	if (cdx_buf_puts(b, s) != CDX_OK)
		return; /* sticky: checked once at the end */
}

static void esc(struct cdx_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': put(b, "&lt;"); break;
		case '>': put(b, "&gt;"); break;
		case '&': put(b, "&amp;"); break;
		case '"': put(b, "&quot;"); break;
		default:
			if (cdx_buf_putc(b, *s) != CDX_OK)
				return;
		}
	}
}

static void num(char *out, size_t cap, double v)
{
	if (!isfinite(v)) {
		snprintf(out, cap, "%s", v > 0 ? "inf" : "-inf");
	} else if (fabs(v) >= 1e4 && fabs(v) < 1e15) {
		char d[32];
		int n = snprintf(d, sizeof d, "%.0f", fabs(v));
		size_t o = 0;

		if (v < 0 && o + 1 < cap)
			out[o++] = '-';
		for (int i = 0; i < n && o + 2 < cap; i++) {
			if (i && (n - i) % 3 == 0)
				out[o++] = ',';
			out[o++] = d[i];
		}
		out[o] = '\0';
	} else {
		snprintf(out, cap, "%.6g", v);
	}
}

static void escnum(struct cdx_buf *b, double v)
{
	char s[48];

	num(s, sizeof s, v);
	esc(b, s);
}

/* printf into the page; a failure stays in b->err (checked at the end) */
#define printf_(b, ...)                                                        \
	do {                                                                   \
		if (cdx_buf_printf((b), __VA_ARGS__) != CDX_OK) {              \
		}                                                              \
	} while (0)

/* The reference metric a measure was compared with, from any of its items. */
static const struct cdx_audit_item *ref_item(const struct cdx_audit *a,
                                             size_t measure)
{
	for (size_t i = 0; i < a->n_items; i++)
		if (a->items[i].measure == measure && a->items[i].ref_metric)
			return &a->items[i];
	return NULL;
}

static int ref_of_measure(const struct cdx_audit *a,
                          const struct cdx_audit_item *ri,
                          const struct cdx_ref *r)
{
	const struct cdx_claim *c = &a->rows[ri->row].claim;

	return audit_same(r->commodity, c->commodity) &&
	       audit_same(r->country, audit_subject(c)) &&
	       audit_same(r->metric, ri->ref_metric) &&
	       audit_same(r->unit ? r->unit : "", c->unit);
}

/* Is @p r the latest edition for its year among the measure's figures? */
static int latest_for_year(const struct cdx_audit *a,
                           const struct cdx_audit_item *ri,
                           const struct cdx_ref *r)
{
	for (size_t k = 0; k < a->n_refs; k++) {
		const struct cdx_ref *o = &a->refs[k];

		if (o != r && o->year_end == r->year_end &&
		    o->edition > r->edition && ref_of_measure(a, ri, o))
			return 0;
	}
	return 1;
}

struct frame {
	int y0, y1, undated; /* years shown; undated column present */
	double vmax;
};

static int item_x_year(const struct cdx_audit *a,
                       const struct cdx_audit_item *it)
{
	return it->year ? it->year : audit_year_of(a->rows[it->row].doc_date);
}

static double fx(const struct frame *f, int year)
{
	int span = f->y1 - f->y0 + (f->undated ? 2 : 0);
	double w = W - PAD_L - PAD_R;

	if (year == 0)
		year = f->y1 + 2;
	return PAD_L + (span ? w * (year - f->y0) / span : w / 2);
}

static double fy(const struct frame *f, double v)
{
	double h = H - PAD_T - PAD_B;

	if (!(v < f->vmax))
		v = f->vmax;
	if (v < 0)
		v = 0;
	return H - PAD_B - h * v / f->vmax;
}

/* The smallest 1, 1.2, 1.5, 2, 2.5 or 5 times a power of ten at or above @p v, so
 * that the axis ticks (quarters of it) are round numbers. */
static double nice_above(double v)
{
	static const double steps[] = {1, 1.2, 1.5, 2, 2.5, 5, 10};
	double p = pow(10.0, floor(log10(v)));

	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
		if (steps[i] * p >= v)
			return steps[i] * p;
	return 10 * p;
}

static void frame_of(const struct cdx_audit *a, size_t measure,
                     const struct cdx_audit_item *ri, struct frame *f)
{
	memset(f, 0, sizeof *f);
	f->y0 = 9999;
	for (size_t k = 0; ri && k < a->n_refs; k++) {
		const struct cdx_ref *r = &a->refs[k];

		if (!ref_of_measure(a, ri, r))
			continue;
		if (r->year_end < f->y0)
			f->y0 = r->year_end;
		if (r->year_end > f->y1)
			f->y1 = r->year_end;
		if (r->value > f->vmax)
			f->vmax = r->value;
	}
	for (size_t i = 0, n = 0; i < a->n_items && n < CHART_CLAIMS; i++) {
		const struct cdx_audit_item *it = &a->items[i];
		int y = item_x_year(a, it);
		double v = a->rows[it->row].claim.value;

		if (it->measure != measure)
			continue;
		n++;
		if (y == 0) {
			f->undated = 1;
		} else {
			if (y < f->y0)
				f->y0 = y;
			if (y > f->y1)
				f->y1 = y;
		}
		if (isfinite(it->range.hi) && it->range.hi > v)
			v = it->range.hi;
		if (v > f->vmax)
			f->vmax = v;
	}
	if (f->y0 > f->y1)
		f->y0 = f->y1 = 0;
	f->vmax = nice_above(f->vmax > 0 ? f->vmax * 1.1 : 1);
}

static void axes(struct cdx_buf *b, const struct frame *f, const char *unit)
{
	printf_(b, "<line x1=\"%.1f\" y1=\"%.1f\" ", PAD_L, H - PAD_B);
	printf_(b, "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>", W - PAD_R,
	        H - PAD_B);
	printf_(b, "<line x1=\"%.1f\" y1=\"%.1f\" ", PAD_L, PAD_T);
	printf_(b, "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>", PAD_L,
	        H - PAD_B);
	for (int i = 0; i <= 4; i++) {
		double v = f->vmax * i / 4;

		printf_(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
		        "text-anchor=\"end\">", PAD_L - 6, fy(f, v) + 4);
		escnum(b, v);
		put(b, " ");
		esc(b, unit);
		put(b, "</text>");
	}
	for (int y = f->y0; f->y1 && y <= f->y1; y++) {
		char s[16];

		if (f->y1 - f->y0 > 12 && (y - f->y0) % 2)
			continue;
		snprintf(s, sizeof s, "%d", y);
		printf_(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
		        "text-anchor=\"middle\">", fx(f, y), H - PAD_B + 16);
		put(b, s);
		put(b, "</text>");
	}
	if (f->undated) {
		printf_(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
		        "text-anchor=\"middle\">undated</text>", fx(f, 0),
		        H - PAD_B + 16);
	}
}

static void ref_series(struct cdx_buf *b, const struct cdx_audit *a,
                       const struct cdx_audit_item *ri,
                       const struct frame *f)
{
	int first = 1;

	put(b, "<polyline class=\"reference\" fill=\"none\" stroke=\"#2b6cb0\" "
	    "stroke-width=\"2\" points=\"");
	for (int y = f->y0; y <= f->y1; y++)
		for (size_t k = 0; k < a->n_refs; k++) {
			const struct cdx_ref *r = &a->refs[k];

			if (r->year_end != y || !ref_of_measure(a, ri, r) ||
			    !latest_for_year(a, ri, r))
				continue;
			printf_(b, "%s%.1f,%.1f", first ? "" : " ", fx(f, y),
			        fy(f, r->value));
			first = 0;
			break;
		}
	put(b, "\"/>");
	for (size_t k = 0; k < a->n_refs; k++) {
		const struct cdx_ref *r = &a->refs[k];
		char d[256];
		int latest;

		if (!ref_of_measure(a, ri, r))
			continue;
		latest = latest_for_year(a, ri, r);
		printf_(b, "<circle class=\"ref-point\" cx=\"%.1f\" cy=\"%.1f\"",
		        fx(f, r->year_end), fy(f, r->value));
		put(b, latest ? " r=\"4\" fill=\"#2b6cb0\">"
		              : " r=\"3\" fill=\"#a0aec0\">");
		cdx_audit_ref_describe(r, d, sizeof d);
		put(b, "<title>");
		esc(b, d);
		put(b, "</title></circle>");
	}
}

static void claim_marks(struct cdx_buf *b, const struct cdx_audit *a,
                        size_t measure, const struct frame *f)
{
	size_t n = 0;

	for (size_t i = 0; i < a->n_items && n < CHART_CLAIMS; i++) {
		const struct cdx_audit_item *it = &a->items[i];
		const struct cdx_claim_row *row = &a->rows[it->row];
		double x, lo, hi;
		char label[16];

		if (it->measure != measure)
			continue;
		n++;
		/* spread claims of one year so that they do not hide each
		 * other */
		x = fx(f, item_x_year(a, it)) + (double)((n % 5) * 4) - 8;
		lo = isfinite(it->range.lo) ? it->range.lo : 0;
		hi = isfinite(it->range.hi) ? it->range.hi : f->vmax;
		printf_(b, "<line class=\"claim-range\" x1=\"%.1f\" y1=\"%.1f\" ",
		        x, fy(f, lo));
		printf_(b, "x2=\"%.1f\" y2=\"%.1f\" stroke-width=\"3\" ", x,
		        fy(f, hi));
		put(b, "stroke-opacity=\"0.4\" stroke=\"");
		put(b, verdict_colour[it->verdict]);
		put(b, "\"/>");
		printf_(b, "<circle class=\"claim-point\" cx=\"%.1f\" cy=\"%.1f\" "
		        "r=\"5\" ", x, fy(f, row->claim.value));
		put(b, "fill=\"");
		put(b, verdict_colour[it->verdict]);
		put(b, "\" data-verdict=\"");
		put(b, cdx_verdict_name(it->verdict));
		put(b, "\"><title>");
		esc(b, row->source);
		put(b, ": ");
		esc(b, row->text);
		put(b, "</title></circle>");
		snprintf(label, sizeof label, "%zu", n);
		printf_(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">", x + 6,
		        fy(f, row->claim.value) - 6);
		put(b, label);
		put(b, "</text>");
	}
}

static void measure_title(struct cdx_buf *b, const struct cdx_audit *a,
                          const struct cdx_audit_item *it)
{
	const struct cdx_claim *c = &a->rows[it->row].claim;

	esc(b, audit_subject(c) ? audit_subject(c) : "?");
	put(b, " — ");
	esc(b, c->commodity ? c->commodity : "");
	put(b, " ");
	esc(b, it->ref_metric ? it->ref_metric
	                      : c->metric ? c->metric : cdx_kind_name(c->kind));
	put(b, " (");
	esc(b, c->unit);
	put(b, ")");
}

static void chart(struct cdx_buf *b, const struct cdx_audit *a, size_t measure,
                  const struct cdx_audit_item *first)
{
	const struct cdx_audit_item *ri = ref_item(a, measure);
	struct frame f;
	size_t n = 0;

	frame_of(a, measure, ri, &f);
	put(b, "<section class=\"measure\"><h3>");
	measure_title(b, a, first);
	put(b, "</h3>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "class=\"chart\" width=\"720\" height=\"300\" "
	    "viewBox=\"0 0 720 300\" role=\"img\">");
	axes(b, &f, a->rows[first->row].claim.unit);
	if (ri)
		ref_series(b, a, ri, &f);
	claim_marks(b, a, measure, &f);
	put(b, "</svg>\n<ol class=\"sources\">");
	for (size_t i = 0; i < a->n_items && n < CHART_CLAIMS; i++) {
		const struct cdx_audit_item *it = &a->items[i];

		if (it->measure != measure)
			continue;
		n++;
		put(b, "<li><span class=\"v v-");
		put(b, cdx_verdict_name(it->verdict));
		put(b, "\">");
		put(b, cdx_verdict_name(it->verdict));
		put(b, "</span> ");
		esc(b, a->rows[it->row].source);
		put(b, ": “");
		esc(b, a->rows[it->row].text);
		put(b, "”</li>");
	}
	put(b, "</ol>");
	if (ri)
		put(b, "<p class=\"legend\">Blue line: latest reference figure "
		    "for each year; grey dots: older editions.</p>");
	put(b, "</section>\n");
}

static int disputed(enum cdx_verdict v)
{
	return v == CDX_VERDICT_OUTDATED || v == CDX_VERDICT_CONTRADICTED ||
	       v == CDX_VERDICT_CONFLICT;
}

static void evidence_cell(struct cdx_buf *b, const struct cdx_audit *a,
                          const struct cdx_audit_item *it)
{
	put(b, "<td><ul>");
	for (size_t e = 0; e < it->n_ev; e++) {
		const struct cdx_audit_evidence *ev = &it->ev[e];

		put(b, ev->agrees ? "<li class=\"agrees\">"
		                  : "<li class=\"disagrees\">");
		if (ev->reference) {
			char d[256];

			cdx_audit_ref_describe(&a->refs[ev->index], d, sizeof d);
			esc(b, d);
			if (ev->latest)
				put(b, " <em>(latest)</em>");
		} else {
			esc(b, a->rows[ev->index].source);
			put(b, ": “");
			esc(b, a->rows[ev->index].text);
			put(b, "”");
		}
		put(b, "</li>");
	}
	for (size_t k = 0; k < it->n_issues; k++) {
		put(b, "<li class=\"issue\">");
		put(b, cdx_audit_check_name(it->issues[k].check));
		put(b, ": with “");
		esc(b, a->rows[it->issues[k].other].text);
		put(b, "”</li>");
	}
	put(b, "</ul></td>");
}

static void claims_table(struct cdx_buf *b, const struct cdx_audit *a)
{
	put(b, "<h2>Claims</h2>\n<table id=\"claims\"><thead><tr><th>Document"
	    "</th><th>Figure</th><th>Value</th><th>Subject</th><th>Commodity"
	    "</th><th>Metric</th><th>Year</th><th>Verdict</th><th>Evidence"
	    "</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < a->n_items; i++) {
		const struct cdx_audit_item *it = &a->items[i];
		const struct cdx_claim_row *row = &a->rows[it->row];
		char y[16] = "";

		if (!it->selected)
			continue;
		if (it->year)
			snprintf(y, sizeof y, "%d", it->year);
		put(b, "<tr class=\"v-");
		put(b, cdx_verdict_name(it->verdict));
		put(b, "\"><td>");
		esc(b, row->source);
		put(b, "</td><td title=\"");
		esc(b, row->sentence);
		put(b, "\">");
		esc(b, row->text);
		put(b, "</td><td>");
		escnum(b, row->claim.value);
		put(b, " ");
		esc(b, row->claim.unit);
		put(b, "</td><td>");
		esc(b, row->claim.subject);
		put(b, "</td><td>");
		esc(b, row->claim.commodity);
		put(b, "</td><td>");
		esc(b, row->claim.metric);
		put(b, "</td><td>");
		put(b, y);
		put(b, "</td><td class=\"verdict\">");
		put(b, cdx_verdict_name(it->verdict));
		put(b, "</td>");
		evidence_cell(b, a, it);
		put(b, "</tr>\n");
	}
	put(b, "</tbody></table>\n");
}

static const char style[] =
	"body{font-family:system-ui,sans-serif;margin:2em;color:#1a202c;"
	"max-width:1100px}table{border-collapse:collapse;width:100%;"
	"font-size:13px}td,th{border-bottom:1px solid #e2e8f0;padding:4px 6px;"
	"vertical-align:top;text-align:left}ul{margin:0;padding-left:1.1em}"
	"li.disagrees{color:#c53030}li.issue{color:#805ad5}"
	".v{font-weight:600}.v-supported .verdict,.v.v-supported{color:#1a7f37}"
	".v-outdated .verdict,.v.v-outdated{color:#b7791f}"
	".v-contradicted .verdict,.v.v-contradicted{color:#c53030}"
	".v-conflict .verdict,.v.v-conflict{color:#805ad5}"
	".v-unverified .verdict,.v.v-unverified{color:#718096}"
	"svg.chart{border:1px solid #e2e8f0;background:#fff}"
	".legend{font-size:12px;color:#4a5568}"
	"table.counts{width:auto}";

int cdx_audit_html(const struct cdx_audit *a, const char *title,
                   struct cdx_buf *out)
{
	size_t n_charts = 0;
	unsigned char *seen;

	put(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<title>");
	esc(out, title ? title : "claimdex audit");
	put(out, "</title><style>");
	put(out, style);
	put(out, "</style></head><body>\n<h1>");
	esc(out, title ? title : "claimdex audit");
	put(out, "</h1>\n<table class=\"counts\" id=\"counts\"><tr>"
	    "<th>Verdict</th><th>Claims</th></tr>");
	for (int v = 0; v < CDX_VERDICT_COUNT_; v++) {
		char n[32];

		snprintf(n, sizeof n, "%zu", a->counts[v]);
		put(out, "<tr><td class=\"v v-");
		put(out, cdx_verdict_name((enum cdx_verdict)v));
		put(out, "\">");
		put(out, cdx_verdict_name((enum cdx_verdict)v));
		put(out, "</td><td>");
		put(out, n);
		put(out, "</td></tr>");
	}
	put(out, "</table>\n<h2>Measures in dispute</h2>\n");
	/* items are in row order, not measure order: charts follow the
	 * first disputed claim of each measure */
	seen = calloc(a->n_measures + 1, 1);
	if (seen == NULL)
		return CDX_ERR_NOMEM;
	for (size_t i = 0; i < a->n_items; i++) {
		const struct cdx_audit_item *it = &a->items[i];

		if (!it->selected || !disputed(it->verdict) || seen[it->measure])
			continue;
		seen[it->measure] = 1;
		chart(out, a, it->measure, it);
		n_charts++;
	}
	free(seen);
	if (n_charts == 0)
		put(out, "<p>None.</p>\n");
	claims_table(out, a);
	put(out, "</body></html>\n");
	return out->err;
}
