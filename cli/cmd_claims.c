/*
 * cmd_claims.c — `claimdex claims`: the indexed claims filtered by
 * entity, commodity, kind, value range, year and document, grouped by
 * subject for people, or as JSON Lines or CSV rows for programs.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void index_error(const char *what, const struct cdx_error *err,
                        int rc)
{
	cli_errorf("%s: %s", what, err->msg[0] ? err->msg : cdx_strerror(rc));
}

/* ------------------------------------------------------------- claims */

static const char claims_help[] =
	"usage: claimdex [--db DIR] claims [--entity NAME] [--commodity NAME] "
	"[--kind KIND]\n"
	"                 [--value RANGE] [--year YYYY] [--doc SOURCE] "
	"[--limit N]\n"
	"                 [--sort doc|value] [--json | --csv]\n"
	"\n"
	"List the indexed claims. --entity takes any name or alias of a "
	"country,\n"
	"organisation, company or commodity (US, Beijing, REE, ...) and "
	"matches\n"
	"claims whose subject or commodity it is; --commodity matches the "
	"commodity\n"
	"only. KIND is one of percent, mass, money, count, date, agreement, "
	"quantity.\n"
	"RANGE is >50, >=50, <5, <=5, 10..20, ..20 or 50 (a range claim matches "
	"when\n"
	"it overlaps). --year matches the year a claim holds for (its time, a "
	"date\n"
	"claim's value, else its document's date). Without --json or --csv "
	"the\n"
	"claims are grouped by subject; with --json, one claims.md record per "
	"line;\n"
	"with --csv, a header and one row per claim. JSON and CSV rows come in\n"
	"document order, or largest value first with --sort value.\n";

static int cmp_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

static int cmp_num(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	return a < b ? -1 : a > b;
}

/* The figure a claim states, without where it stands: claims equal under
 * this are the same figure repeated by several documents. */
static int cmp_figure(const struct cdx_claim_row *x,
                      const struct cdx_claim_row *y)
{
	const struct cdx_claim *a = &x->claim, *b = &y->claim;
	int d;

	if ((d = cmp_str(a->subject, b->subject)))
		return d;
	if ((d = cmp_str(a->commodity, b->commodity)))
		return d;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((d = strcmp(a->unit, b->unit)))
		return d;
	if ((d = cmp_num(a->value, b->value)))
		return d;
	if ((d = cmp_num(a->value_max, b->value_max)))
		return d;
	if ((d = strcmp(a->value_str, b->value_str)))
		return d;
	if (a->qualifier != b->qualifier)
		return a->qualifier < b->qualifier ? -1 : 1;
	return 0;
}

static int cmp_rows_grouped(const void *pa, const void *pb)
{
	const struct cdx_claim_row *x = pa, *y = pb;
	int d = cmp_figure(x, y);

	if (d)
		return d;
	if (x->doc_id != y->doc_id)
		return x->doc_id < y->doc_id ? -1 : 1;
	return x->claim.start < y->claim.start ? -1 : x->claim.start > y->claim.start;
}

/* People read claims by entity: one heading per subject, and a figure
 * stated in several documents on one line with the count of the others. */
static void print_rows_grouped(struct cdx_claim_rows *rows, struct cdx_buf *out)
{
	size_t i = 0;

	if (rows->n > 1) /* v is NULL when there is no row */
		qsort(rows->v, rows->n, sizeof rows->v[0], cmp_rows_grouped);
	while (i < rows->n) {
		const char *subj = rows->v[i].claim.subject;
		size_t end = i, n_subj;

		while (end < rows->n &&
		       cmp_str(rows->v[end].claim.subject, subj) == 0)
			end++;
		n_subj = end - i;
		sticky(cdx_buf_printf(out, "%s%s (%zu claim%s)\n",
		                      out->len ? "\n" : "",
		                      subj ? subj : "(no subject)", n_subj,
		                      n_subj == 1 ? "" : "s"));
		while (i < end) {
			const struct cdx_claim_row *r = &rows->v[i];
			const struct cdx_claim *cl = &r->claim;
			size_t same = 1;
			char v[64], more[32] = "", text[160];

			while (i + same < end && cmp_figure(r, &rows->v[i + same]) == 0)
				same++;
			if (cl->kind == CDX_KIND_DATE)
				snprintf(v, sizeof v, "%s",
				         cl->value_str[0] ? cl->value_str : "?");
			else if (cl->kind == CDX_KIND_AGREEMENT)
				snprintf(v, sizeof v, "-");
			else
				fmt_value(v, sizeof v, cl->value);
			if (!isnan(cl->value_max)) {
				size_t l = strlen(v);
				if (l + 3 < sizeof v) {
					memcpy(v + l, "..", 3);
					fmt_value(v + l + 2, sizeof v - l - 2,
					          cl->value_max);
				}
			}
			if (same > 1)
				snprintf(more, sizeof more, " (+%zu more)", same - 1);
			sticky(cdx_buf_printf(
				out, "  %-8s %16s %-4s %-7s %-14s %-28s %s%s\n",
				cdx_kind_name(cl->kind), v, cl->unit,
				cdx_qualifier_name(cl->qualifier),
				cl->commodity ? cl->commodity : "-",
				cli_flat(text, sizeof text, r->text), r->source,
				more));
			i += same;
		}
	}
}

/* Largest value first; claims without a value last; then doc order. */
static int cmp_rows_value(const void *pa, const void *pb)
{
	const struct cdx_claim_row *x = pa, *y = pb;
	int d = cmp_num(y->claim.value, x->claim.value);

	if (isnan(x->claim.value) != isnan(y->claim.value))
		return isnan(x->claim.value) ? 1 : -1;
	if (d)
		return d;
	if (x->doc_id != y->doc_id)
		return x->doc_id < y->doc_id ? -1 : 1;
	return x->claim.start < y->claim.start ? -1
	                                       : x->claim.start > y->claim.start;
}

/* One RFC 4180 field: quoted when it holds a comma, quote or newline. */
static void csv_field(struct cdx_buf *out, const char *s, int last)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") == NULL) {
		sticky(cdx_buf_puts(out, s));
	} else {
		sticky(cdx_buf_putc(out, '"'));
		for (; *s; s++) {
			if (*s == '"')
				sticky(cdx_buf_putc(out, '"'));
			sticky(cdx_buf_putc(out, *s));
		}
		sticky(cdx_buf_putc(out, '"'));
	}
	sticky(cdx_buf_putc(out, last ? '\n' : ','));
}

static void csv_num(struct cdx_buf *out, double v)
{
	char b[64] = "";

	if (!isnan(v))
		snprintf(b, sizeof b, "%.15g", v);
	csv_field(out, b, 0);
}

static void print_rows_csv(const struct cdx_claim_rows *rows,
                           struct cdx_buf *out)
{
	sticky(cdx_buf_puts(out, "doc,start,end,kind,value,value_max,unit,"
	                         "qualifier,change,subject,commodity,metric,"
	                         "time,text,sentence\n"));
	for (size_t i = 0; i < rows->n; i++) {
		const struct cdx_claim_row *r = &rows->v[i];
		const struct cdx_claim *cl = &r->claim;
		char b[32];

		csv_field(out, r->source, 0);
		snprintf(b, sizeof b, "%u", (unsigned)cl->start);
		csv_field(out, b, 0);
		snprintf(b, sizeof b, "%u", (unsigned)cl->end);
		csv_field(out, b, 0);
		csv_field(out, cdx_kind_name(cl->kind), 0);
		if (cl->kind == CDX_KIND_DATE)
			csv_field(out, cl->value_str, 0);
		else
			csv_num(out, cl->value);
		csv_num(out, cl->value_max);
		csv_field(out, cl->unit, 0);
		csv_field(out, cdx_qualifier_name(cl->qualifier), 0);
		csv_field(out, cdx_change_name(cl->change), 0);
		csv_field(out, cl->subject, 0);
		csv_field(out, cl->commodity, 0);
		csv_field(out, cl->metric, 0);
		csv_field(out, cl->time, 0);
		csv_field(out, r->text, 0);
		csv_field(out, r->sentence, 1);
	}
}

/* An entity name as the index stores it: aliases resolved. */
static const char *canonical(struct cdx_extractor *ex, const char *name)
{
	enum cdx_entity_type type;
	const char *canon = NULL;

	return cdx_extract_entity_lookup(ex, name, &canon, &type) == CDX_OK
	               ? canon
	               : name;
}

int cmd_claims(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'j'},
		{"entity", required_argument, NULL, 'e'},
		{"kind", required_argument, NULL, 'k'},
		{"doc", required_argument, NULL, 'd'},
		{"limit", required_argument, NULL, 'n'},
		{"commodity", required_argument, NULL, 'c'},
		{"value", required_argument, NULL, 'v'},
		{"year", required_argument, NULL, 'y'},
		{"csv", no_argument, NULL, 'C'},
		{"sort", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	struct cdx_claim_filter f = CDX_CLAIM_FILTER_INIT;
	const char *commodity = NULL;
	int csv = 0, by_value = 0;
	struct cdx_claim_rows rows = {NULL, 0, NULL};
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_buf out = CDX_BUF_INIT((size_t)1 << 30);
	struct cdx_index *ix = NULL;
	struct cdx_extractor *ex = NULL;
	enum cdx_claim_kind kind;
	const char *entity = NULL;
	long limit;
	int ch, json = 0, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "hje:k:d:n:c:v:y:Cs:", opts,
	                         NULL)) != -1) {
		switch (ch) {
		case 'h': fputs(claims_help, stdout); return EXIT_OK;
		case 'j': json = 1; break;
		case 'C': csv = 1; break;
		case 'c': commodity = optarg; break;
		case 'v': f.value = optarg; break;
		case 's':
			if (strcmp(optarg, "value") != 0 &&
			    strcmp(optarg, "doc") != 0) {
				cli_errorf("claims: --sort takes doc or value, "
				           "not '%s'", optarg);
				return EXIT_USAGE;
			}
			by_value = strcmp(optarg, "value") == 0;
			break;
		case 'y':
			limit = cli_parse_count(optarg);
			if (limit < 1 || limit > 9999) {
				cli_errorf("claims: --year wants a year, not "
				           "'%s'", optarg);
				return EXIT_USAGE;
			}
			f.year = (int)limit;
			break;
		case 'e': entity = optarg; break;
		case 'd': f.source = optarg; break;
		case 'k':
			if (cdx_kind_parse(optarg, &kind) != CDX_OK) {
				cli_errorf("claims: unknown kind '%s' (percent, "
				           "mass, money, count, date, agreement, "
				           "quantity)",
				           optarg);
				return EXIT_USAGE;
			}
			f.kind = (int)kind;
			break;
		case 'n':
			limit = cli_parse_count(optarg);
			if (limit < 0) {
				cli_errorf("claims: --limit wants a number, not "
				           "'%s'", optarg);
				return EXIT_USAGE;
			}
			f.limit = (size_t)limit;
			break;
		default: fputs(claims_help, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_errorf("claims: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (json && csv) {
		cli_errorf("claims: choose --json or --csv");
		return EXIT_USAGE;
	}
	rc = cli_open_index(c, 0, &ix);
	if (rc != EXIT_OK)
		goto cleanup;
	if (entity || commodity) {
		/* Resolve aliases (US, Beijing, REE) to the canonical name the
		 * index stores. An unknown name is searched as given. */
		rc = cli_open_extractor(c, &ex);
		if (rc != EXIT_OK)
			goto cleanup;
		f.entity = entity ? canonical(ex, entity) : NULL;
		f.commodity = commodity ? canonical(ex, commodity) : NULL;
	}
	if ((ch = cdx_index_claims(ix, &f, &rows, &err)) != CDX_OK) {
		index_error("claims", &err, ch);
		rc = ch == CDX_ERR_USAGE ? EXIT_USAGE : EXIT_INDEX;
		goto cleanup;
	}
	if (by_value && rows.n > 1)
		qsort(rows.v, rows.n, sizeof rows.v[0], cmp_rows_value);
	if (csv) {
		print_rows_csv(&rows, &out);
	} else if (json) {
		for (size_t i = 0; i < rows.n; i++) {
			const struct cdx_claim_row *r = &rows.v[i];
			sticky(json_claim(&out, r->source, &r->claim, r->text,
			                 strlen(r->text), r->sentence,
			                 strlen(r->sentence)));
		}
	} else {
		print_rows_grouped(&rows, &out);
		if (!c->quiet)
			sticky(cdx_buf_printf(&out, "\n%zu claims\n", rows.n));
	}
	if (out.err) {
		cli_errorf("claims: output too large; narrow the filter");
		rc = EXIT_USAGE;
	} else if (out.len) {
		fwrite(out.ptr, 1, out.len, stdout);
	}
cleanup:
	cdx_claim_rows_release(&rows);
	cdx_extract_free(ex);
	cdx_index_close(ix);
	cdx_buf_release(&out);
	return rc;
}

