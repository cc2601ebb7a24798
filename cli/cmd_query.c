/*
 * cmd_query.c — the commands that read the index: entities, show,
 * stats, check; and delete (search is in cmd_search.c, claims in
 * cmd_claims.c).
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

/* ----------------------------------------------------------- entities */

static const char entities_help[] =
	"usage: claimdex [--db DIR] entities [--type TYPE] [--json]\n"
	"\n"
	"List every entity (subject or commodity) that indexed claims name, "
	"with\n"
	"its type and the number of claims about it, most claims first. TYPE "
	"is one\n"
	"of country, org, company, commodity, person, place, or unknown for "
	"names\n"
	"the gazetteer does not hold.\n";

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

/* The type of an entity the index names: the gazetteer knows it (names
 * are stored as its canonical names), so it is looked up, not stored. */
static const char *type_of(const struct cdx_extractor *ex, const char *name)
{
	enum cdx_entity_type type;
	const char *canon;

	if (cdx_extract_entity_lookup(ex, name, &canon, &type) != CDX_OK)
		return "unknown";
	return cdx_entity_type_name(type);
}

static int entities_opts(int argc, char **argv, int *json, const char **type)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'j'},
		{"type", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "hjt:", opts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(entities_help, stdout);
			return EXIT_OK;
		} else if (ch == 'j') {
			*json = 1;
		} else if (ch == 't') {
			*type = optarg;
		} else {
			fputs(entities_help, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_errorf("entities: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (*type == NULL || strcmp(*type, "unknown") == 0)
		return -1;
	for (int t = 0; t < CDX_ENT_TYPE_COUNT_; t++)
		if (strcmp(*type, cdx_entity_type_name(t)) == 0)
			return -1;
	cli_errorf("entities: unknown type '%s' (country, org, company, "
	           "commodity, person, place, unknown)", *type);
	return EXIT_USAGE;
}

int cmd_entities(struct cli *c, int argc, char **argv)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_index *ix = NULL;
	struct cdx_extractor *ex = NULL;
	struct ents e = {NULL, 0, 0};
	const char *want = NULL;
	int json = 0, rc = entities_opts(argc, argv, &json, &want);

	if (rc >= 0)
		return rc;
	rc = cli_open_index(c, 0, &ix);
	if (rc == EXIT_OK)
		rc = cli_open_extractor(c, &ex);
	if (rc != EXIT_OK)
		goto cleanup;
	if ((rc = cdx_index_entities(ix, collect_entity, &e, &err)) != CDX_OK) {
		index_error("entities", &err, rc);
		rc = EXIT_INDEX;
		goto cleanup;
	}
	if (e.n > 1)
		qsort(e.v, e.n, sizeof *e.v, cmp_ent);
	for (size_t i = 0; i < e.n; i++) {
		const char *type = type_of(ex, e.v[i].name);

		if (want && strcmp(want, type) != 0)
			continue;
		if (json) {
			struct cdx_buf b = CDX_BUF_INIT(4096);
			if (json_cstr(&b, e.v[i].name) == CDX_OK)
				printf("{\"entity\":%s,\"type\":\"%s\","
				       "\"claims\":%llu}\n", b.ptr, type,
				       (unsigned long long)e.v[i].n);
			cdx_buf_release(&b);
		} else {
			printf("%8llu  %-9s  %s\n", (unsigned long long)e.v[i].n,
			       type, e.v[i].name);
		}
	}
	rc = EXIT_OK;
cleanup:
	for (size_t i = 0; i < e.n; i++)
		free(e.v[i].name);
	free(e.v);
	cdx_extract_free(ex);
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
