/*
 * cmd_query.c — the commands that read the index: search, claims,
 * entities, show, stats, check; and delete.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Parse the options of a command that takes only --help and maybe --json.
 * Returns -1 to go on, else the exit code to return. */
static int simple_opts(int argc, char **argv, const char *help, int *json)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(help, stdout);
			return EXIT_OK;
		} else if (ch == 'j' && json) {
			*json = 1;
		} else {
			fputs(help, stderr);
			return EXIT_USAGE;
		}
	}
	return -1;
}

static void index_error(const char *what, const struct cdx_error *err,
                        int rc)
{
	cli_errorf("%s: %s", what, err->msg[0] ? err->msg : cdx_strerror(rc));
}

/* ------------------------------------------------------------- search */

static const char search_help[] =
	"usage: claimdex [--db DIR] search [--limit N] [--json] QUERY...\n"
	"\n"
	"Rank the indexed documents that contain every word of QUERY by BM25 "
	"and\n"
	"print the best N (default 10) with a snippet, matched words in "
	"[brackets].\n"
	"With --json, one object per hit: doc, source, title, score, "
	"snippet.\n";

int cmd_search(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'j'},
		{"limit", required_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	struct cdx_search_results res = {NULL, 0, 0};
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_buf q = CDX_BUF_INIT(1 << 16), out = CDX_BUF_INIT(1 << 26);
	struct cdx_index *ix = NULL;
	long limit = 10;
	int ch, json = 0, rc = EXIT_OK;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "hjn:", opts, NULL)) != -1) {
		switch (ch) {
		case 'h': fputs(search_help, stdout); return EXIT_OK;
		case 'j': json = 1; break;
		case 'n':
			limit = cli_parse_count(optarg);
			if (limit <= 0) {
				cli_errorf("search: --limit wants a positive "
				           "number, not '%s'",
				           optarg);
				return EXIT_USAGE;
			}
			break;
		default: fputs(search_help, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_errorf("search: no query given");
		fputs(search_help, stderr);
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		if (i > optind && cdx_buf_putc(&q, ' '))
			break;
		if (cdx_buf_puts(&q, argv[i]))
			break;
	}
	if (q.err) {
		cli_errorf("search: query too long");
		rc = EXIT_USAGE;
		goto cleanup;
	}
	rc = cli_open_index(c, 0, &ix);
	if (rc != EXIT_OK)
		goto cleanup;
	if ((ch = cdx_index_search(ix, q.ptr, (size_t)limit, &res, &err))) {
		index_error("search", &err, ch);
		rc = EXIT_INDEX;
		goto cleanup;
	}
	for (size_t i = 0; i < res.n; i++) {
		const struct cdx_search_hit *h = &res.v[i];
		int e;

		if (json) {
			e = cdx_buf_printf(&out, "{\"doc\":%llu,\"source\":",
			                   (unsigned long long)h->doc_id);
			e = e ? e : json_cstr(&out, h->source);
			e = e ? e : cdx_buf_puts(&out, ",\"title\":");
			e = e ? e : json_cstr(&out, h->title);
			e = e ? e : cdx_buf_printf(&out, ",\"score\":%.4f,"
			                                 "\"snippet\":", h->score);
			e = e ? e : json_cstr(&out, h->snippet);
			e = e ? e : cdx_buf_puts(&out, "}\n");
		} else {
			e = cdx_buf_printf(&out, "%2zu. %s  (score %.2f)\n", i + 1,
			                   h->source, h->score);
			if (!e && h->title)
				e = cdx_buf_printf(&out, "    %s\n", h->title);
			e = e ? e : cdx_buf_printf(&out, "    %s\n\n",
			                           h->snippet ? h->snippet : "");
		}
		(void)e;
	}
	if (!json && !c->quiet)
		sticky(cdx_buf_printf(&out, "%zu of %llu matching documents\n",
		                     res.n, (unsigned long long)res.total));
	if (out.len)
		fwrite(out.ptr, 1, out.len, stdout);
cleanup:
	cdx_search_results_release(&res);
	cdx_index_close(ix);
	cdx_buf_release(&q);
	cdx_buf_release(&out);
	return rc;
}

/* ------------------------------------------------------------- claims */

static const char claims_help[] =
	"usage: claimdex [--db DIR] claims [--entity NAME] [--kind KIND] "
	"[--doc SOURCE]\n"
	"                                  [--limit N] [--json]\n"
	"\n"
	"List the indexed claims. --entity takes any name or alias of a "
	"country,\n"
	"organisation, company or commodity (US, Beijing, REE, ...) and "
	"matches\n"
	"claims whose subject or commodity it is. KIND is one of percent, "
	"mass,\n"
	"money, count, date, agreement, quantity. Without --json the claims "
	"are\n"
	"grouped by subject; with --json, one claims.md record per line.\n";

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
			char v[64], more[32] = "";

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
				r->text ? r->text : "", r->source, more));
			i += same;
		}
	}
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
		{NULL, 0, NULL, 0},
	};
	struct cdx_claim_filter f = CDX_CLAIM_FILTER_INIT;
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
	while ((ch = getopt_long(argc, argv, "hje:k:d:n:", opts, NULL)) != -1) {
		switch (ch) {
		case 'h': fputs(claims_help, stdout); return EXIT_OK;
		case 'j': json = 1; break;
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
	rc = cli_open_index(c, 0, &ix);
	if (rc != EXIT_OK)
		goto cleanup;
	if (entity) {
		enum cdx_entity_type type;
		const char *canon = NULL;

		/* Resolve aliases (US, Beijing, REE) to the canonical name the
		 * index stores. An unknown name is searched as given. */
		rc = cli_open_extractor(c, &ex);
		if (rc != EXIT_OK)
			goto cleanup;
		f.entity = cdx_extract_entity_lookup(ex, entity, &canon, &type) ==
		                           CDX_OK
		                   ? canon
		                   : entity;
	}
	if ((ch = cdx_index_claims(ix, &f, &rows, &err)) != CDX_OK) {
		index_error("claims", &err, ch);
		rc = EXIT_INDEX;
		goto cleanup;
	}
	if (json) {
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

/* ----------------------------------------------------------- entities */

static const char entities_help[] =
	"usage: claimdex [--db DIR] entities [--json]\n"
	"\n"
	"List every entity (subject or commodity) that indexed claims name, "
	"with\n"
	"the number of claims about it, most claims first.\n";

struct ent {
	char *name;
	uint64_t n;
};
struct ents {
	struct ent *v;
	size_t n, cap;
};

static int collect_entity(void *ctx, const char *name, uint64_t n)
{
	struct ents *e = ctx;

	if (e->n == e->cap) {
		size_t ncap = e->cap ? e->cap * 2 : 64;
		struct ent *p = realloc(e->v, ncap * sizeof *p);
		if (p == NULL)
			return CDX_ERR_NOMEM;
		e->v = p;
		e->cap = ncap;
	}
	e->v[e->n].name = strdup(name);
	if (e->v[e->n].name == NULL)
		return CDX_ERR_NOMEM;
	e->v[e->n++].n = n;
	return 0;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

int cmd_entities(struct cli *c, int argc, char **argv)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix = NULL;
	struct ents e = {NULL, 0, 0};
	int json = 0, rc = simple_opts(argc, argv, entities_help, &json);

	if (rc >= 0)
		return rc;
	rc = cli_open_index(c, 0, &ix);
	if (rc != EXIT_OK)
		goto cleanup;
	if ((rc = cdx_index_entities(ix, collect_entity, &e, &err)) != CDX_OK) {
		index_error("entities", &err, rc);
		rc = EXIT_INDEX;
		goto cleanup;
	}
	qsort(e.v, e.n, sizeof *e.v, cmp_ent);
	for (size_t i = 0; i < e.n; i++) {
		if (json) {
			struct cdx_buf b = CDX_BUF_INIT(4096);
			if (json_cstr(&b, e.v[i].name) == CDX_OK)
				printf("{\"entity\":%s,\"claims\":%llu}\n", b.ptr,
				       (unsigned long long)e.v[i].n);
			cdx_buf_release(&b);
		} else {
			printf("%8llu  %s\n", (unsigned long long)e.v[i].n,
			       e.v[i].name);
		}
	}
	rc = EXIT_OK;
cleanup:
	for (size_t i = 0; i < e.n; i++)
		free(e.v[i].name);
	free(e.v);
	cdx_index_close(ix);
	return rc;
}

/* --------------------------------------------------------------- show */

static const char show_help[] =
	"usage: claimdex [--db DIR] show [--json] DOC\n"
	"\n"
	"Print the document DOC (its source as indexed, or its numeric id) "
	"with\n"
	"its metadata, its text with every claim marked \u00ab like this "
	"\u00bb,\n"
	"and the list of its claims. With --json, the document's metadata and "
	"text\n"
	"as one JSON object.\n";

int cmd_show(struct cli *c, int argc, char **argv)
{
	struct cdx_doc_info d = {0};
	struct cdx_claim_filter f = CDX_CLAIM_FILTER_INIT;
	struct cdx_claim_rows rows = {NULL, 0, NULL};
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_buf out = CDX_BUF_INIT((size_t)1 << 30);
	struct cdx_index *ix = NULL;
	int json = 0, rc = simple_opts(argc, argv, show_help, &json);
	int tty = isatty(STDOUT_FILENO);
	size_t pos = 0;

	if (rc >= 0)
		return rc;
	if (optind + 1 != argc) {
		cli_errorf("show: give exactly one document");
		fputs(show_help, stderr);
		return EXIT_USAGE;
	}
	rc = cli_open_index(c, 0, &ix);
	if (rc != EXIT_OK)
		goto cleanup;
	rc = cdx_index_doc_get(ix, argv[optind], 1, &d, &err);
	if (rc == CDX_ERR_NOTFOUND) {
		cli_errorf("show: no document '%s' in '%s'", argv[optind], c->db);
		rc = EXIT_USAGE;
		goto cleanup;
	} else if (rc != CDX_OK) {
		index_error("show", &err, rc);
		rc = EXIT_INDEX;
		goto cleanup;
	}
	if (json) {
		sticky(cdx_buf_printf(&out, "{\"doc\":%llu,\"source\":",
		                     (unsigned long long)d.id));
		sticky(json_cstr(&out, d.source));
		sticky(cdx_buf_puts(&out, ",\"title\":"));
		sticky(json_cstr(&out, d.title));
		sticky(cdx_buf_puts(&out, ",\"date\":"));
		sticky(json_cstr(&out, d.date));
		sticky(cdx_buf_puts(&out, ",\"format\":"));
		sticky(json_cstr(&out, d.format));
		sticky(cdx_buf_printf(&out, ",\"tokens\":%llu,\"claims\":%u,\"text\":",
		                     (unsigned long long)d.n_tokens, d.n_claims));
		sticky(json_str(&out, d.text, (size_t)d.text_len));
		sticky(cdx_buf_puts(&out, "}\n"));
		goto print;
	}
	f.source = d.source;
	if ((rc = cdx_index_claims(ix, &f, &rows, &err)) != CDX_OK) {
		index_error("show", &err, rc);
		rc = EXIT_INDEX;
		goto cleanup;
	}
	sticky(cdx_buf_printf(&out, "doc:     %llu\nsource:  %s\ntitle:   %s\n"
	                           "date:    %s\nformat:  %s\nclaims:  %u\n\n",
	                     (unsigned long long)d.id, d.source,
	                     d.title ? d.title : "-", d.date ? d.date : "-",
	                     d.format ? d.format : "-", d.n_claims));
	for (size_t i = 0; i < rows.n; i++) {
		const struct cdx_claim *cl = &rows.v[i].claim;

		if (cl->start < pos || cl->end > d.text_len)
			continue; /* overlapping claim: marked once */
		sticky(cdx_buf_add(&out, d.text + pos, cl->start - pos));
		sticky(cdx_buf_puts(&out, tty ? "\033[1;4m" : "\u00ab"));
		sticky(cdx_buf_add(&out, d.text + cl->start, cl->end - cl->start));
		sticky(cdx_buf_puts(&out, tty ? "\033[0m" : "\u00bb"));
		pos = cl->end;
	}
	sticky(cdx_buf_add(&out, d.text + pos, (size_t)d.text_len - pos));
	sticky(cdx_buf_puts(&out, "\n\n"));
	for (size_t i = 0; i < rows.n; i++) {
		const struct cdx_claim *cl = &rows.v[i].claim;
		char v[64];

		if (cl->kind == CDX_KIND_DATE || cl->kind == CDX_KIND_AGREEMENT)
			snprintf(v, sizeof v, "%s", cl->value_str);
		else
			fmt_value(v, sizeof v, cl->value);
		sticky(cdx_buf_printf(&out, "  @%-6u %-8s %16s %-4s %-7s %-22s %s\n",
		                     cl->start, cdx_kind_name(cl->kind), v, cl->unit,
		                     cdx_qualifier_name(cl->qualifier),
		                     cl->subject ? cl->subject : "-",
		                     cl->commodity ? cl->commodity : "-"));
	}
print:
	if (out.err) {
		cli_errorf("show: document too large to print");
		rc = EXIT_INDEX;
	} else {
		fwrite(out.ptr, 1, out.len, stdout);
		rc = EXIT_OK;
	}
cleanup:
	cdx_claim_rows_release(&rows);
	cdx_doc_info_release(&d);
	cdx_index_close(ix);
	cdx_buf_release(&out);
	return rc;
}

/* ------------------------------------------------------------- delete */

static const char delete_help[] =
	"usage: claimdex [--db DIR] delete SOURCE|ID...\n"
	"\n"
	"Remove documents (by indexed source or numeric id) with their "
	"postings\n"
	"and claims. Exit status 1 when some were not found.\n";

int cmd_delete(struct cli *c, int argc, char **argv)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix = NULL;
	int rc = simple_opts(argc, argv, delete_help, NULL), missing = 0;

	if (rc >= 0)
		return rc;
	if (optind >= argc) {
		cli_errorf("delete: no document given");
		return EXIT_USAGE;
	}
	rc = cli_open_index(c, 0, &ix);
	if (rc != EXIT_OK)
		return rc;
	for (int i = optind; i < argc; i++) {
		int e = cdx_index_delete(ix, argv[i], &err);
		if (e == CDX_ERR_NOTFOUND) {
			cli_errorf("delete: no document '%s'", argv[i]);
			missing++;
		} else if (e != CDX_OK) {
			index_error("delete", &err, e);
			rc = EXIT_INDEX;
			break;
		} else if (!c->quiet) {
			printf("deleted %s\n", argv[i]);
		}
	}
	cdx_index_close(ix);
	return rc ? rc : missing ? EXIT_REJECTED : EXIT_OK;
}

/* -------------------------------------------------------------- stats */

static const char stats_help[] =
	"usage: claimdex [--db DIR] stats [--json]\n"
	"\n"
	"Print figures about the index: documents, claims by kind, terms, "
	"tokens,\n"
	"stored text, entities, file and map size.\n";

int cmd_stats(struct cli *c, int argc, char **argv)
{
	struct cdx_index_stats s;
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix = NULL;
	int json = 0, rc = simple_opts(argc, argv, stats_help, &json);

	if (rc >= 0)
		return rc;
	rc = cli_open_index(c, 0, &ix);
	if (rc != EXIT_OK)
		return rc;
	if ((rc = cdx_index_stats(ix, &s, &err)) != CDX_OK) {
		index_error("stats", &err, rc);
		cdx_index_close(ix);
		return EXIT_INDEX;
	}
	if (json) {
		printf("{\"schema\":%u,\"documents\":%llu,\"claims\":%llu,",
		       s.schema, (unsigned long long)s.n_docs,
		       (unsigned long long)s.n_claims);
		printf("\"claims_by_kind\":{");
		for (int k = 0; k < CDX_KIND_COUNT_; k++)
			printf("%s\"%s\":%llu", k ? "," : "",
			       cdx_kind_name((enum cdx_claim_kind)k),
			       (unsigned long long)s.n_claims_by_kind[k]);
		printf("},\"terms\":%llu,\"tokens\":%llu,\"text_bytes\":%llu,"
		       "\"entities\":%llu,\"file_bytes\":%llu,\"map_bytes\":%llu}\n",
		       (unsigned long long)s.n_terms, (unsigned long long)s.n_tokens,
		       (unsigned long long)s.text_bytes,
		       (unsigned long long)s.n_entities,
		       (unsigned long long)s.file_bytes,
		       (unsigned long long)s.map_bytes);
	} else {
		printf("index:      %s (schema %u)\n", c->db, s.schema);
		printf("documents:  %llu\n", (unsigned long long)s.n_docs);
		printf("claims:     %llu (", (unsigned long long)s.n_claims);
		for (int k = 0, first = 1; k < CDX_KIND_COUNT_; k++) {
			if (!s.n_claims_by_kind[k])
				continue;
			printf("%s%s %llu", first ? "" : ", ",
			       cdx_kind_name((enum cdx_claim_kind)k),
			       (unsigned long long)s.n_claims_by_kind[k]);
			first = 0;
		}
		printf(")\n");
		printf("entities:   %llu\n", (unsigned long long)s.n_entities);
		printf("terms:      %llu distinct, %llu tokens\n",
		       (unsigned long long)s.n_terms, (unsigned long long)s.n_tokens);
		printf("text:       %.2f MB stored\n", (double)s.text_bytes / 1e6);
		printf("file:       %.2f MB (map %.0f MB)\n",
		       (double)s.file_bytes / 1e6, (double)s.map_bytes / 1e6);
	}
	cdx_index_close(ix);
	return EXIT_OK;
}

/* -------------------------------------------------------------- check */

static const char check_help[] =
	"usage: claimdex [--db DIR] check\n"
	"\n"
	"Verify the index: schema version, that every claim's document "
	"exists,\n"
	"that postings point at live documents, and that stored counts "
	"agree.\n"
	"Prints each problem; exit status 0 when sound, 3 when anything is "
	"wrong.\n";

static void print_problem(void *ctx, const char *msg)
{
	(void)ctx;
	printf("problem: %s\n", msg);
}

int cmd_check(struct cli *c, int argc, char **argv)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix = NULL;
	unsigned n = 0;
	int rc = simple_opts(argc, argv, check_help, NULL);

	if (rc >= 0)
		return rc;
	rc = cli_open_index(c, 0, &ix);
	if (rc != EXIT_OK)
		return rc;
	rc = cdx_index_check(ix, print_problem, NULL, &n, &err);
	cdx_index_close(ix);
	if (rc == CDX_OK) {
		if (!c->quiet)
			printf("%s: ok\n", c->db);
		return EXIT_OK;
	}
	if (rc == CDX_ERR_CORRUPT)
		cli_errorf("%s: %u problem%s found", c->db, n, n == 1 ? "" : "s");
	else
		index_error("check", &err, rc);
	return EXIT_INDEX;
}
