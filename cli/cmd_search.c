/*
 * cmd_search.c — `claimdex search`: one query from the command line, or
 * with --queries FILE one query per line, each timed inside the process
 * (what bench/ compares with other engines, free of process start-up).
 *
 * entity: and commodity: take any alias the extractor's gazetteer knows;
 * the extractor is loaded only when a query uses one of them.
 */
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"

static const char search_help[] =
	"usage: claimdex [--db DIR] search [--limit N] [--json] [--no-snippets] "
	"QUERY...\n"
	"       claimdex [--db DIR] search [--limit N] [--json] [--no-snippets] "
	"--queries FILE\n"
	"\n"
	"Rank the indexed documents matching QUERY by BM25 and print the best "
	"N\n"
	"(default 10) with a snippet, matched words in [brackets]. Words are "
	"ANDed;\n"
	"also \"a phrase\", a OR b, NOT a, -a, pre*, ( ), and the filters "
	"entity:X\n"
	"commodity:X kind:K value:>50 value:10..20 year:2030 source:S "
	"title:T.\n"
	"Put -- before a query that starts with '-'.\n"
	"With --json, one object per hit: doc, source, title, score, "
	"snippet.\n"
	"--queries FILE (- for stdin) runs each line as a query; with --json, "
	"one\n"
	"object per query: query, took_us (measured in the process), total, "
	"hits.\n"
	"--no-snippets: rank only, no snippet (snippet is null in JSON); the\n"
	"like-for-like mode for engines that return document ids only.\n";

/* Resolves entity aliases with the extractor, loaded on first use. */
struct resolver {
	struct cli *c;
	struct cdx_extractor *ex;
	int tried;
};

static const char *resolve(void *ctx, const char *name)
{
	struct resolver *r = ctx;
	enum cdx_entity_type type;
	const char *canon = NULL;

	if (!r->tried) {
		r->tried = 1;
		if (cli_open_extractor(r->c, &r->ex) != EXIT_OK)
			r->ex = NULL;
	}
	if (r->ex == NULL ||
	    cdx_extract_entity_lookup(r->ex, name, &canon, &type) != CDX_OK)
		return NULL;
	return canon;
}

static int hit_json(struct cdx_buf *out, const struct cdx_search_hit *h)
{
	int e = cdx_buf_printf(out, "{\"doc\":%llu,\"source\":",
	                       (unsigned long long)h->doc_id);

	e = e ? e : json_cstr(out, h->source);
	e = e ? e : cdx_buf_puts(out, ",\"title\":");
	e = e ? e : json_cstr(out, h->title);
	e = e ? e : cdx_buf_printf(out, ",\"score\":%.4f,\"snippet\":",
	                           h->score);
	e = e ? e : json_cstr(out, h->snippet);
	return e ? e : cdx_buf_putc(out, '}');
}

static void hits_text(struct cdx_buf *out,
                      const struct cdx_search_results *res)
{
	for (size_t i = 0; i < res->n; i++) {
		const struct cdx_search_hit *h = &res->v[i];

		sticky(cdx_buf_printf(out, "%2zu. %s  (score %.2f)\n", i + 1,
		                      h->source, h->score));
		if (h->title)
			sticky(cdx_buf_printf(out, "    %s\n", h->title));
		if (h->snippet)
			sticky(cdx_buf_printf(out, "    %s\n", h->snippet));
		sticky(cdx_buf_putc(out, '\n'));
	}
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Run one query and append its output. @return EXIT_OK or EXIT_INDEX. */
static int run_one(struct cdx_index *ix, const char *query,
                   const struct cdx_search_options *o, int json,
                   int batch, int quiet, struct cdx_buf *out)
{
	struct cdx_search_results res = {NULL, 0, 0};
	struct cdx_error err = CDX_ERROR_INIT;
	long long t0 = now_us(), took;
	int rc = cdx_index_search_opts(ix, query, o, &res, &err);

	took = now_us() - t0;
	if (rc != CDX_OK) {
		cli_errorf("search: %s", err.msg[0] ? err.msg : cdx_strerror(rc));
		cdx_search_results_release(&res);
		return EXIT_INDEX;
	}
	if (json && batch) {
		sticky(cdx_buf_puts(out, "{\"query\":"));
		sticky(json_cstr(out, query));
		sticky(cdx_buf_printf(out, ",\"took_us\":%lld,\"total\":%llu,"
		                           "\"hits\":[", took,
		                      (unsigned long long)res.total));
		for (size_t i = 0; i < res.n; i++) {
			if (i)
				sticky(cdx_buf_putc(out, ','));
			sticky(hit_json(out, &res.v[i]));
		}
		sticky(cdx_buf_puts(out, "]}\n"));
	} else if (json) {
		for (size_t i = 0; i < res.n; i++) {
			sticky(hit_json(out, &res.v[i]));
			sticky(cdx_buf_putc(out, '\n'));
		}
	} else {
		if (batch)
			sticky(cdx_buf_printf(out, "== %s  (%llu matching, %lld "
			                           "us)\n", query,
			                      (unsigned long long)res.total, took));
		hits_text(out, &res);
		if (!batch && !quiet)
			sticky(cdx_buf_printf(out, "%zu of %llu matching "
			                           "documents\n", res.n,
			                      (unsigned long long)res.total));
	}
	cdx_search_results_release(&res);
	return EXIT_OK;
}

static int uses_entities(const char *s)
{
	for (; *s; s++)
		if (strncasecmp(s, "entity:", 7) == 0 ||
		    strncasecmp(s, "commodity:", 10) == 0)
			return 1;
	return 0;
}

/* Each line of @p path a query; output flushed per query. */
static int run_file(struct cdx_index *ix, const char *path,
                    struct cdx_search_options *o, int json)
{
	struct cdx_buf out = CDX_BUF_INIT((size_t)1 << 26);
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = EXIT_OK;

	if (f == NULL) {
		cli_errorf("search: cannot open '%s'", path);
		return EXIT_USAGE;
	}
	while (rc == EXIT_OK && (n = getline(&line, &cap, f)) != -1) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		/* load the gazetteer before the clock starts */
		if (uses_entities(line))
			resolve(o->resolve_ctx, "");
		cdx_buf_clear(&out);
		rc = run_one(ix, line, o, json, 1, 0, &out);
		if (out.err) {
			cli_errorf("search: output of '%s' too large", line);
			rc = EXIT_USAGE;
		} else if (out.len) {
			fwrite(out.ptr, 1, out.len, stdout);
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	cdx_buf_release(&out);
	return rc;
}

int cmd_search(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'j'},
		{"limit", required_argument, NULL, 'n'},
		{"queries", required_argument, NULL, 'q'},
		{"no-snippets", no_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	struct cdx_search_options o = CDX_SEARCH_OPTIONS_INIT;
	struct resolver r = {c, NULL, 0};
	struct cdx_buf q = CDX_BUF_INIT(1 << 16), out = CDX_BUF_INIT(1 << 26);
	struct cdx_index *ix = NULL;
	const char *file = NULL;
	long limit = 10;
	int ch, json = 0, rc = EXIT_OK;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "hjn:q:", opts, NULL)) != -1) {
		switch (ch) {
		case 'h': fputs(search_help, stdout); return EXIT_OK;
		case 'j': json = 1; break;
		case 'q': file = optarg; break;
		case 's': o.no_snippets = 1; break;
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
	if ((optind >= argc) == (file == NULL)) {
		cli_errorf(file ? "search: give a query or --queries, not both"
		                : "search: no query given");
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
	o.limit = (size_t)limit;
	o.resolve = resolve;
	o.resolve_ctx = &r;
	if (file) {
#ifdef __GLIBC__
		/* query after query frees and takes again the same large
		 * lists: keep freed memory in the process, which glibc would
		 * hand back and then fault in again (a few hundred page
		 * faults for a phrase of common words) */
		mallopt(M_TRIM_THRESHOLD, 256 << 20);
		mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
		rc = run_file(ix, file, &o, json);
		goto cleanup;
	}
	rc = run_one(ix, q.ptr, &o, json, 0, c->quiet, &out);
	if (rc == EXIT_OK && out.len)
		fwrite(out.ptr, 1, out.len, stdout);
cleanup:
	cdx_extract_free(r.ex);
	cdx_index_close(ix);
	cdx_buf_release(&q);
	cdx_buf_release(&out);
	return rc;
}
