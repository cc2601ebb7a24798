/*
 * cmd_audit.c — `claimdex audit`: every claim of the index checked against
 * the reference figures and against the other documents, printed as a
 * terminal table, JSON Lines, CSV, or written as an HTML report.
 *
 * The shipped USGS table is loaded into the index the first time an audit
 * (or `claimdex reference`) runs on it: the least intrusive place, since
 * ingest then never pays for it and an index never audited never holds it.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"

static const char audit_help[] =
	"usage: claimdex [--db DIR] audit [--entity NAME] [--commodity NAME]\n"
	"                                 [--doc SOURCE] [--tolerance PCT]\n"
	"                                 [--json | --csv | --html FILE]\n"
	"\n"
	"Check every figure of the index against the reference tables (the\n"
	"shipped USGS Mineral Commodity Summaries table, loaded on first use,\n"
	"and any table added with `claimdex reference load`) and against the\n"
	"other documents that state the same measure. A figure stands for the\n"
	"values that round to it (92 percent: 91.5-92.5); about widens that by\n"
	"5 %, more than X is anything above X, and --tolerance PCT widens every\n"
	"figure by PCT percent of its value.\n"
	"\n"
	"Verdicts: supported, outdated (matches an older edition or year, not\n"
	"the latest before the document's date), contradicted, conflict (other\n"
	"documents disagree, no reference), unverified. Internal issues within\n"
	"a document: shares-over-100, part-exceeds-whole, restated.\n"
	"\n"
	"--entity, --commodity and --doc choose the claims reported; all claims\n"
	"are still compared. --json prints one object per claim (its claims.md\n"
	"fields, verdict, evidence, issues); --csv one row per claim; --html\n"
	"FILE writes a self-contained report with a chart per disputed measure.\n"
	"\n"
	"Exit status: 0 done, 2 usage error, 3 index error.\n";

struct audit_cli {
	struct cli *cli;
	struct cdx_extractor *ex;
	const char *entity, *commodity;
};

/* An alias (US, REE) to the canonical name claims carry. */
static const char *canonical(struct audit_cli *ac, const char *name)
{
	enum cdx_entity_type type;
	const char *canon = NULL;

	if (name == NULL)
		return NULL;
	if (ac->ex == NULL && cli_open_extractor(ac->cli, &ac->ex) != EXIT_OK)
		return name;
	return cdx_extract_entity_lookup(ac->ex, name, &canon, &type) == CDX_OK
	               ? canon
	               : name;
}

static void json_evidence(struct cdx_buf *b, const struct cdx_audit *a,
                          const struct cdx_audit_evidence *ev)
{
	if (ev->reference) {
		const struct cdx_ref *r = &a->refs[ev->index];
		char d[320];

		cdx_audit_ref_describe(r, d, sizeof d);
		sticky(cdx_buf_puts(b, "{\"reference\":true,\"source\":"));
		sticky(json_cstr(b, r->source));
		sticky(cdx_buf_printf(b, ",\"edition\":%d,\"country\":",
		                      r->edition));
		sticky(json_cstr(b, r->country));
		sticky(cdx_buf_puts(b, ",\"metric\":"));
		sticky(json_cstr(b, r->metric));
		sticky(cdx_buf_puts(b, ",\"value\":"));
		sticky(json_num(b, r->value));
		sticky(cdx_buf_puts(b, ",\"qualifier\":"));
		sticky(json_cstr(b, r->qualifier == '>' ? "min" :
		                    r->qualifier == '<' ? "max" : "exact"));
		sticky(cdx_buf_puts(b, ",\"unit\":"));
		sticky(json_cstr(b, r->unit));
		sticky(cdx_buf_printf(b, ",\"year\":%d,\"year_end\":%d",
		                      r->year, r->year_end));
		sticky(cdx_buf_puts(b, ",\"text\":"));
		sticky(json_cstr(b, d));
		sticky(cdx_buf_printf(b, ",\"latest\":%s",
		                      ev->latest ? "true" : "false"));
	} else {
		const struct cdx_claim_row *o = &a->rows[ev->index];
		int y = atoi(o->claim.time);

		sticky(cdx_buf_puts(b, "{\"reference\":false,\"doc\":"));
		sticky(json_cstr(b, o->source));
		sticky(cdx_buf_puts(b, ",\"value\":"));
		sticky(json_num(b, o->claim.value));
		sticky(cdx_buf_puts(b, ",\"unit\":"));
		sticky(json_cstr(b, o->claim.unit[0] ? o->claim.unit : NULL));
		if (y > 0)
			sticky(cdx_buf_printf(b, ",\"year\":%d", y));
		else
			sticky(cdx_buf_puts(b, ",\"year\":null"));
		sticky(cdx_buf_puts(b, ",\"text\":"));
		sticky(json_cstr(b, o->text));
		sticky(cdx_buf_puts(b, ",\"sentence\":"));
		sticky(json_cstr(b, o->sentence));
	}
	sticky(cdx_buf_printf(b, ",\"agrees\":%s}",
	                      ev->agrees ? "true" : "false"));
}

static void json_item(struct cdx_buf *b, const struct cdx_audit *a,
                      const struct cdx_audit_item *it)
{
	const struct cdx_claim_row *row = &a->rows[it->row];

	sticky(json_claim(b, row->source, &row->claim, row->text,
	                  strlen(row->text), row->sentence,
	                  strlen(row->sentence)));
	if (b->err)
		return;
	/* drop the closing "}\n": the audit's fields follow */
	b->len -= 2;
	b->ptr[b->len] = '\0';
	sticky(cdx_buf_puts(b, ",\"verdict\":"));
	sticky(json_cstr(b, cdx_verdict_name(it->verdict)));
	sticky(cdx_buf_puts(b, ",\"reference_metric\":"));
	sticky(json_cstr(b, it->ref_metric));
	sticky(cdx_buf_puts(b, ",\"range\":["));
	sticky(json_num(b, it->range.lo));
	sticky(cdx_buf_putc(b, ','));
	sticky(json_num(b, it->range.hi));
	sticky(cdx_buf_puts(b, "],\"evidence\":["));
	for (size_t e = 0; e < it->n_ev; e++) {
		if (e)
			sticky(cdx_buf_putc(b, ','));
		json_evidence(b, a, &it->ev[e]);
	}
	sticky(cdx_buf_puts(b, "],\"issues\":["));
	for (size_t k = 0; k < it->n_issues; k++) {
		const struct cdx_claim_row *o = &a->rows[it->issues[k].other];

		sticky(cdx_buf_puts(b, k ? ",{\"check\":" : "{\"check\":"));
		sticky(json_cstr(b, cdx_audit_check_name(it->issues[k].check)));
		sticky(cdx_buf_puts(b, ",\"text\":"));
		sticky(json_cstr(b, o->text));
		sticky(cdx_buf_puts(b, ",\"value\":"));
		sticky(json_num(b, o->claim.value));
		if (it->issues[k].check == CDX_CHECK_SHARES_OVER_100) {
			sticky(cdx_buf_puts(b, ",\"total\":"));
			sticky(json_num(b, it->issues[k].total));
		}
		sticky(cdx_buf_putc(b, '}'));
	}
	sticky(cdx_buf_puts(b, "]}\n"));
}

/* A CSV field, quoted when it must be. */
static void csv_field(struct cdx_buf *b, const char *s, int last)
{
	s = s ? s : "";
	if (strpbrk(s, ",\"\n\r")) {
		sticky(cdx_buf_putc(b, '"'));
		for (; *s; s++) {
			if (*s == '"')
				sticky(cdx_buf_putc(b, '"'));
			sticky(cdx_buf_putc(b, *s));
		}
		sticky(cdx_buf_putc(b, '"'));
	} else {
		sticky(cdx_buf_puts(b, s));
	}
	sticky(cdx_buf_putc(b, last ? '\n' : ','));
}

/* "; "-joined evidence and issues of @p it, for CSV and the table. */
static void evidence_text(struct cdx_buf *t, const struct cdx_audit *a,
                          const struct cdx_audit_item *it)
{
	for (size_t e = 0; e < it->n_ev; e++) {
		const struct cdx_audit_evidence *ev = &it->ev[e];
		char d[320];

		if (e)
			sticky(cdx_buf_puts(t, "; "));
		if (ev->reference) {
			cdx_audit_ref_describe(&a->refs[ev->index], d, sizeof d);
			sticky(cdx_buf_puts(t, d));
			if (ev->latest)
				sticky(cdx_buf_puts(t, " [latest]"));
		} else {
			sticky(cdx_buf_printf(t, "%s: \"%s\"",
			                      a->rows[ev->index].source,
			                      a->rows[ev->index].text));
		}
		if (!ev->agrees)
			sticky(cdx_buf_puts(t, " [disagrees]"));
	}
	for (size_t k = 0; k < it->n_issues; k++)
		sticky(cdx_buf_printf(t, "%s%s with \"%s\"",
		                      it->n_ev || k ? "; " : "",
		                      cdx_audit_check_name(it->issues[k].check),
		                      a->rows[it->issues[k].other].text));
}

static void csv_item(struct cdx_buf *b, const struct cdx_audit *a,
                     const struct cdx_audit_item *it)
{
	const struct cdx_claim_row *row = &a->rows[it->row];
	struct cdx_buf t = CDX_BUF_INIT((size_t)1 << 20);
	char v[64];

	csv_field(b, row->source, 0);
	snprintf(v, sizeof v, "%u", row->claim.start);
	csv_field(b, v, 0);
	csv_field(b, cdx_kind_name(row->claim.kind), 0);
	csv_field(b, row->text, 0);
	snprintf(v, sizeof v, "%.15g", row->claim.value);
	csv_field(b, v, 0);
	csv_field(b, row->claim.unit, 0);
	csv_field(b, cdx_qualifier_name(row->claim.qualifier), 0);
	csv_field(b, row->claim.subject, 0);
	csv_field(b, row->claim.commodity, 0);
	csv_field(b, row->claim.metric, 0);
	csv_field(b, row->claim.time, 0);
	csv_field(b, cdx_verdict_name(it->verdict), 0);
	evidence_text(&t, a, it);
	csv_field(b, t.err ? "" : t.ptr, 1);
	cdx_buf_release(&t);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static void table_item(struct cdx_buf *b, const struct cdx_audit *a,
                       const struct cdx_audit_item *it)
{
	const struct cdx_claim_row *row = &a->rows[it->row];
	struct cdx_buf t = CDX_BUF_INIT((size_t)1 << 20);
	char text[27], ev[2048];

	evidence_text(&t, a, it);
	sticky(cdx_buf_printf(b, "%-12s %-28.28s %-26s %-18.18s %-12.12s "
	                      "%-20.20s %s\n",
	                      cdx_verdict_name(it->verdict),
	                      base_name(row->source),
	                      cli_flat(text, sizeof text, row->text),
	                      row->claim.subject ? row->claim.subject : "-",
	                      row->claim.commodity ? row->claim.commodity : "-",
	                      row->claim.metric ? row->claim.metric : "-",
	                      t.err || t.ptr == NULL
	                              ? ""
	                              : cli_flat(ev, sizeof ev, t.ptr)));
	cdx_buf_release(&t);
}

static int write_html(const struct cdx_audit *a, const char *path)
{
	struct cdx_buf b = CDX_BUF_INIT((size_t)1 << 30);
	FILE *f;
	int rc = cdx_audit_html(a, "claimdex audit", &b);

	if (rc != CDX_OK) {
		cli_errorf("audit: cannot render the report: %s",
		           cdx_strerror(rc));
		cdx_buf_release(&b);
		return EXIT_USAGE;
	}
	f = fopen(path, "w");
	if (f == NULL || fwrite(b.ptr, 1, b.len, f) != b.len) {
		cli_errorf("audit: cannot write '%s'", path);
		if (f)
			fclose(f);
		cdx_buf_release(&b);
		return EXIT_REJECTED;
	}
	fclose(f);
	cdx_buf_release(&b);
	return EXIT_OK;
}

static int parse_tolerance(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v >= 0) || v > 1000)
		return -1;
	*out = v;
	return 0;
}

int cmd_audit(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'j'},
		{"csv", no_argument, NULL, 'c'},
		{"html", required_argument, NULL, 'H'},
		{"entity", required_argument, NULL, 'e'},
		{"commodity", required_argument, NULL, 'm'},
		{"doc", required_argument, NULL, 'd'},
		{"tolerance", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	struct cdx_audit_options o = CDX_AUDIT_OPTIONS_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_buf out = CDX_BUF_INIT((size_t)1 << 30);
	struct audit_cli ac = {c, NULL, NULL, NULL};
	struct cdx_index *ix = NULL;
	struct cdx_audit *a = NULL;
	const char *html = NULL;
	int ch, rc, json = 0, csv = 0, loaded = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "hjcH:e:m:d:t:", opts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'h': fputs(audit_help, stdout); return EXIT_OK;
		case 'j': json = 1; break;
		case 'c': csv = 1; break;
		case 'H': html = optarg; break;
		case 'e': ac.entity = optarg; break;
		case 'm': ac.commodity = optarg; break;
		case 'd': o.doc = optarg; break;
		case 't':
			if (parse_tolerance(optarg, &o.tolerance) != 0) {
				cli_errorf("audit: --tolerance wants a percent "
				           "(0-1000), not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		default: fputs(audit_help, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_errorf("audit: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (json + csv + (html != NULL) > 1) {
		cli_errorf("audit: choose one of --json, --csv and --html");
		return EXIT_USAGE;
	}
	rc = cli_open_index(c, 0, &ix);
	if (rc != EXIT_OK)
		goto cleanup;
	if (cdx_audit_ref_ensure_default(ix, NULL, &loaded, &err) != CDX_OK) {
		cli_errorf("audit: cannot load the reference table: %s", err.msg);
		rc = EXIT_INDEX;
		goto cleanup;
	}
	if (loaded && !c->quiet)
		fprintf(stderr, "claimdex: loaded the shipped USGS reference "
		                "table into '%s'\n", c->db);
	o.entity = canonical(&ac, ac.entity);
	o.commodity = canonical(&ac, ac.commodity);
	if (cdx_audit_run(&a, ix, &o, &err) != CDX_OK) {
		cli_errorf("audit: %s", err.msg);
		rc = EXIT_INDEX;
		goto cleanup;
	}
	if (html) {
		rc = write_html(a, html);
		if (rc != EXIT_OK)
			goto cleanup;
	}
	if (csv)
		sticky(cdx_buf_puts(&out, "doc,start,kind,text,value,unit,"
		                    "qualifier,subject,commodity,metric,time,"
		                    "verdict,evidence\n"));
	for (size_t i = 0; i < a->n_items && !html; i++) {
		if (!a->items[i].selected)
			continue;
		if (json)
			json_item(&out, a, &a->items[i]);
		else if (csv)
			csv_item(&out, a, &a->items[i]);
		else
			table_item(&out, a, &a->items[i]);
	}
	if (!json && !csv && !c->quiet) {
		size_t n = 0;

		for (int v = 0; v < CDX_VERDICT_COUNT_; v++)
			n += a->counts[v];
		sticky(cdx_buf_printf(&out, "%s%zu claims: %zu supported, %zu "
		                      "outdated, %zu contradicted, %zu conflict, "
		                      "%zu unverified; %zu internal issues\n",
		                      html ? "" : "\n", n,
		                      a->counts[CDX_VERDICT_SUPPORTED],
		                      a->counts[CDX_VERDICT_OUTDATED],
		                      a->counts[CDX_VERDICT_CONTRADICTED],
		                      a->counts[CDX_VERDICT_CONFLICT],
		                      a->counts[CDX_VERDICT_UNVERIFIED],
		                      a->n_issues));
	}
	if (out.err) {
		cli_errorf("audit: output too large; narrow the filter");
		rc = EXIT_USAGE;
	} else if (out.len) {
		fwrite(out.ptr, 1, out.len, stdout);
	}
cleanup:
	cdx_audit_free(a);
	cdx_extract_free(ac.ex);
	cdx_index_close(ix);
	cdx_buf_release(&out);
	return rc;
}
