/*
 * cmd_reference.c — `claimdex reference load FILE...` stores a reference
 * table (the shipped USGS one, an IEA table a user typed up, ...) in the
 * index; `claimdex reference list` prints what is stored.
 *
 * Both first load the shipped USGS table into an index that has not had it,
 * so a new index always starts with it.
 */
#include <getopt.h>
#include <string.h>

#include "audit.h"
#include "cli.h"

static const char reference_help[] =
	"usage: claimdex [--db DIR] reference load FILE.csv...\n"
	"       claimdex [--db DIR] reference list [--commodity NAME] "
	"[--country NAME]\n"
	"                                          [--metric NAME] [--json]\n"
	"\n"
	"load stores the figures of each CSV table in the index (created if\n"
	"missing), replacing figures with the same commodity, metric, country,\n"
	"years, source and edition. The header row names the columns, in any\n"
	"order: commodity, country, metric, year (2023 or 2019-2022), value,\n"
	"unit, source are required; edition, estimated (1), qualifier (> or <),\n"
	"derived (1) and note are optional. A row without a value (W, NA) is\n"
	"skipped; a malformed row is reported as FILE:LINE and skipped.\n"
	"Commodities, countries and units are matched with claims as\n"
	"claims.md names them (rare earths, China, t, %); metrics as\n"
	"corpus/reference/metrics.tsv maps claim metrics to them.\n"
	"\n"
	"list prints the stored figures. The shipped USGS table\n"
	"(corpus/reference/usgs_mcs.csv) is loaded into every index on first\n"
	"use of `audit` or `reference`.\n"
	"\n"
	"Exit status: 0 done, 1 some rows or files were rejected, 2 usage "
	"error,\n3 index error.\n";

static int open_with_default(struct cli *c, int create, struct cdx_index **ix)
{
	struct cdx_error err = CDX_ERROR_INIT;
	int loaded = 0;
	int rc = cli_open_index(c, create, ix);

	if (rc != EXIT_OK)
		return rc;
	if (cdx_audit_ref_ensure_default(*ix, NULL, &loaded, &err) != CDX_OK) {
		cli_errorf("reference: cannot load the shipped table: %s",
		           err.msg);
		return EXIT_INDEX;
	}
	if (loaded && !c->quiet)
		fprintf(stderr, "claimdex: loaded the shipped USGS reference "
		                "table into '%s'\n", c->db);
	return EXIT_OK;
}

static int ref_load(struct cli *c, int argc, char **argv)
{
	struct cdx_index *ix = NULL;
	int rc, rejected = 0;

	if (argc < 1) {
		cli_errorf("reference load: no file given");
		return EXIT_USAGE;
	}
	rc = open_with_default(c, 1, &ix);
	for (int i = 0; i < argc && rc == EXIT_OK; i++) {
		struct cdx_audit_load_stats st;
		struct cdx_error err = CDX_ERROR_INIT;
		int lrc = cdx_audit_ref_load(ix, argv[i], cli_warn, NULL, &st,
		                             &err);

		if (lrc == CDX_ERR_IO || lrc == CDX_ERR_FORMAT ||
		    lrc == CDX_ERR_LIMIT) {
			cli_errorf("%s", err.msg);
			rejected = 1;
			continue;
		}
		if (lrc != CDX_OK) {
			cli_errorf("%s", err.msg);
			rc = EXIT_INDEX;
			break;
		}
		rejected |= st.rejected > 0;
		if (!c->quiet)
			printf("%s: %zu figures stored (%zu new), %zu rows "
			       "without a value, %zu rows rejected\n", argv[i],
			       st.stored, st.fresh, st.empty, st.rejected);
	}
	cdx_index_close(ix);
	if (rc == EXIT_OK && rejected)
		rc = EXIT_REJECTED;
	return rc;
}

static int ref_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"commodity", required_argument, NULL, 'm'},
		{"country", required_argument, NULL, 'C'},
		{"metric", required_argument, NULL, 'M'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	struct cdx_ref_rows rows = {0};
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_buf out = CDX_BUF_INIT((size_t)1 << 30);
	struct cdx_index *ix = NULL;
	const char *commodity = NULL, *country = NULL, *metric = NULL;
	int ch, rc, json = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+m:C:M:j", opts, NULL)) != -1) {
		switch (ch) {
		case 'm': commodity = optarg; break;
		case 'C': country = optarg; break;
		case 'M': metric = optarg; break;
		case 'j': json = 1; break;
		default: fputs(reference_help, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_errorf("reference list: unexpected argument '%s'",
		           argv[optind]);
		return EXIT_USAGE;
	}
	rc = open_with_default(c, 0, &ix);
	if (rc == EXIT_OK && cdx_index_ref_list(ix, commodity, &rows, &err) !=
	                     CDX_OK) {
		cli_errorf("reference list: %s", err.msg);
		rc = EXIT_INDEX;
	}
	for (size_t i = 0; rc == EXIT_OK && i < rows.n; i++) {
		const struct cdx_ref *r = &rows.v[i];
		char d[320];

		if ((country && strcmp(r->country, country) != 0) ||
		    (metric && strcmp(r->metric, metric) != 0))
			continue;
		cdx_audit_ref_describe(r, d, sizeof d);
		if (!json) {
			sticky(cdx_buf_printf(&out, "%s\n", d));
			continue;
		}
		sticky(cdx_buf_puts(&out, "{\"commodity\":"));
		sticky(json_cstr(&out, r->commodity));
		sticky(cdx_buf_puts(&out, ",\"country\":"));
		sticky(json_cstr(&out, r->country));
		sticky(cdx_buf_puts(&out, ",\"metric\":"));
		sticky(json_cstr(&out, r->metric));
		sticky(cdx_buf_printf(&out, ",\"year\":%d,\"year_end\":%d,"
		                      "\"value\":", r->year, r->year_end));
		sticky(json_num(&out, r->value));
		sticky(cdx_buf_puts(&out, ",\"unit\":"));
		sticky(json_cstr(&out, r->unit));
		sticky(cdx_buf_puts(&out, ",\"source\":"));
		sticky(json_cstr(&out, r->source));
		sticky(cdx_buf_printf(&out, ",\"edition\":%d,\"text\":",
		                      r->edition));
		sticky(json_cstr(&out, d));
		sticky(cdx_buf_puts(&out, "}\n"));
	}
	if (out.err) {
		cli_errorf("reference list: output too large");
		rc = EXIT_USAGE;
	} else if (out.len) {
		fwrite(out.ptr, 1, out.len, stdout);
	}
	cdx_ref_rows_release(&rows);
	cdx_index_close(ix);
	cdx_buf_release(&out);
	return rc;
}

int cmd_reference(struct cli *c, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		fputs(reference_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[1], "load") == 0)
		return ref_load(c, argc - 2, argv + 2);
	if (strcmp(argv[1], "list") == 0)
		return ref_list(c, argc - 1, argv + 1);
	cli_errorf("reference: unknown subcommand '%s' (load, list)", argv[1]);
	return EXIT_USAGE;
}
