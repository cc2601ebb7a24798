/*
 * cmd_ingest.c — `claimdex ingest PATH...` and `claimdex extract FILE...`.
 *
 * Both read inputs with corpus/ and extract claims with extractors/;
 * ingest then adds each document with its claims to the index, many
 * documents per write transaction. A file that cannot be read is reported
 * on one line and skipped: the others go on, what the index already holds
 * is untouched, and the exit status is 1.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

/* Documents per write transaction: large enough that commits (an fsync
 * each) are rare, small enough that a crash loses little. */
#define BATCH_DOCS 512

struct run {
	struct cli *cli;
	struct cdx_extractor *ex;
	struct cdx_extract_scratch *scratch;
	struct cdx_index *ix;            /* NULL for extract */
	struct cdx_index_writer *writer; /* open batch, or NULL */
	struct cdx_claims claims;
	struct cdx_buf out;              /* extract: output being built */
	int json;                        /* extract --json */
	const char *cur_path;            /* file being read */
	int failed;                      /* an index error stopped the run */
	unsigned long files, rejected, docs, claims_n, bytes;
	unsigned long n_new, n_replaced, n_unchanged, n_dup, limit_hits;
};

static int flush_batch(struct run *r)
{
	struct cdx_error err = CDX_ERROR_INIT;
	int rc;

	if (r->writer == NULL)
		return CDX_OK;
	rc = cdx_index_writer_commit(r->writer, &err);
	r->writer = NULL;
	if (rc != CDX_OK) {
		cli_errorf("cannot commit to '%s': %s", r->cli->db,
		           err.msg[0] ? err.msg : cdx_strerror(rc));
		r->failed = 1;
	}
	return rc;
}

static void print_claim_line(struct run *r, const struct cdx_doc *doc,
                             const struct cdx_claim *cl)
{
	char v[64];

	if (cl->kind == CDX_KIND_DATE)
		snprintf(v, sizeof v, "%s", cl->value_str[0] ? cl->value_str : "?");
	else
		fmt_value(v, sizeof v, cl->value);
	sticky(cdx_buf_printf(&r->out, "%s:%u\t%-8s %14s %-4s %-6s %-22s %-12s \"%.*s\"\n",
	                    doc->source, cl->start, cdx_kind_name(cl->kind), v,
	                    cl->unit, cdx_qualifier_name(cl->qualifier),
	                    cl->subject ? cl->subject : "-",
	                    cl->commodity ? cl->commodity : "-",
	                    (int)(cl->end - cl->start), doc->text + cl->start));
}

static int on_doc(void *ctx, struct cdx_doc *doc)
{
	struct run *r = ctx;
	struct cdx_error err = CDX_ERROR_INIT;
	enum cdx_add_outcome outcome;
	unsigned hits = 0;
	int rc;

	r->docs++;
	r->bytes += doc->len;
	if (doc->n_warnings)
		cli_warn(r->cli, doc->warning);
	r->claims.n = 0;
	rc = cdx_extract_run(r->ex, r->scratch, doc, &r->claims, &hits, &err);
	if (rc != CDX_OK) {
		cli_errorf("%s: %s", doc->source, err.msg);
		cdx_doc_free(doc);
		return rc;
	}
	if (hits) {
		char msg[300];
		snprintf(msg, sizeof msg,
		         "'%s': %u sentences skipped (pattern match limit)",
		         doc->source, hits);
		cli_warn(r->cli, msg);
		r->limit_hits += hits;
	}
	if (r->ix == NULL) {
		r->claims_n += r->claims.n;
		for (size_t i = 0; i < r->claims.n; i++) {
			const struct cdx_claim *cl = &r->claims.v[i];

			if (r->json)
				sticky(json_claim(&r->out, doc->source, cl,
				                doc->text + cl->start,
				                cl->end - cl->start,
				                doc->text + cl->sent_start,
				                cl->sent_end - cl->sent_start));
			else
				print_claim_line(r, doc, cl);
		}
		if (r->out.err) {
			cli_errorf("%s: output too large", doc->source);
			cdx_buf_release(&r->out);
		} else if (r->out.len) {
			fwrite(r->out.ptr, 1, r->out.len, stdout);
			cdx_buf_clear(&r->out);
		}
		cdx_doc_free(doc);
		return CDX_OK;
	}
	if (r->writer == NULL) {
		rc = cdx_index_writer_begin(&r->writer, r->ix, &err);
		if (rc != CDX_OK) {
			cli_errorf("cannot write to '%s': %s", r->cli->db, err.msg);
			r->failed = 1;
			cdx_doc_free(doc);
			return rc;
		}
	}
	rc = cdx_index_writer_add(r->writer, doc, &r->claims, &outcome, NULL,
	                          &err);
	if (rc != CDX_OK) {
		cli_errorf("cannot index '%s': %s", doc->source,
		           err.msg[0] ? err.msg : cdx_strerror(rc));
		cdx_index_writer_abort(r->writer);
		r->writer = NULL;
		r->failed = 1;
		cdx_doc_free(doc);
		return rc;
	}
	switch (outcome) {
	case CDX_ADD_NEW:
		r->n_new++;
		r->claims_n += r->claims.n;
		break;
	case CDX_ADD_REPLACED:
		r->n_replaced++;
		r->claims_n += r->claims.n;
		break;
	case CDX_ADD_UNCHANGED: r->n_unchanged++; break;
	case CDX_ADD_DUPLICATE:
		r->n_dup++;
		if (!r->cli->quiet)
			fprintf(stderr,
			        "claimdex: '%s': same content as a document "
			        "already indexed; skipped\n",
			        doc->source);
		break;
	}
	cdx_doc_free(doc);
	if (cdx_index_writer_count(r->writer) >= BATCH_DOCS)
		return flush_batch(r);
	return CDX_OK;
}

static void read_one(struct run *r, const char *path)
{
	struct cdx_read_options o = CDX_READ_OPTIONS_INIT;
	struct cdx_error err = CDX_ERROR_INIT;
	int rc;

	o.warn = cli_warn;
	o.warn_ctx = r->cli;
	r->files++;
	r->cur_path = path;
	rc = cdx_corpus_read_file(path, &o, on_doc, r, &err);
	if (rc != CDX_OK && !r->failed) {
		cli_errorf("%s", err.msg[0] ? err.msg : cdx_strerror(rc));
		r->rejected++;
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Depth-first over a folder, entries in name order so that runs are
 * reproducible; hidden entries are skipped (.git, editor files). */
static void walk(struct run *r, const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (depth > 64) {
		cli_errorf("%s: folders nested too deep; skipped", dir);
		r->rejected++;
		return;
	}
	d = opendir(dir);
	if (d == NULL) {
		cli_errorf("cannot open folder '%s': %s", dir, strerror(errno));
		r->rejected++;
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **p = realloc(names, ncap * sizeof *names);
			if (p == NULL)
				break;
			names = p;
			cap = ncap;
		}
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n && !r->failed; i++) {
		struct stat st;
		size_t len = strlen(dir) + strlen(names[i]) + 2;
		char *path = malloc(len);

		if (path == NULL)
			break;
		snprintf(path, len, "%s%s%s", dir,
		         dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
		if (stat(path, &st) != 0) {
			cli_errorf("cannot read '%s': %s", path, strerror(errno));
			r->rejected++;
		} else if (S_ISDIR(st.st_mode)) {
			walk(r, path, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			read_one(r, path);
		}
		free(path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void read_path(struct run *r, const char *path)
{
	struct stat st;

	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		walk(r, path, 0);
	else
		read_one(r, path);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_setup(struct run *r, struct cli *c)
{
	struct cdx_error err = CDX_ERROR_INIT;
	int rc;

	memset(r, 0, sizeof *r);
	r->cli = c;
	cdx_buf_init(&r->out, (size_t)64 << 20);
	rc = cli_open_extractor(c, &r->ex);
	if (rc != EXIT_OK)
		return rc;
	if (cdx_extract_scratch_new(&r->scratch, r->ex, &err) != CDX_OK) {
		cli_errorf("%s", err.msg);
		return EXIT_INDEX;
	}
	return EXIT_OK;
}

static void run_release(struct run *r)
{
	cdx_index_writer_abort(r->writer);
	cdx_index_close(r->ix);
	cdx_extract_scratch_free(r->scratch);
	cdx_extract_free(r->ex);
	cdx_claims_release(&r->claims);
	cdx_buf_release(&r->out);
}

static const char ingest_help[] =
	"usage: claimdex [--db DIR] ingest [--quiet] PATH...\n"
	"\n"
	"Read each PATH (a file, a folder searched recursively, or - for "
	"standard\n"
	"input), extract its claims and add it to the index, which is created "
	"if\n"
	"missing. Formats are detected by content: plain text, HTML, RSS/Atom "
	"and\n"
	"other XML, Reuters-style SGML collections, JSON Lines (text, title, "
	"date,\n"
	"url). Re-ingesting a source replaces its old version; the same "
	"content\n"
	"under another name is reported and skipped.\n"
	"\n"
	"Exit status: 0 all inputs indexed, 1 some were rejected (the rest "
	"was\n"
	"indexed), 2 usage error, 3 index error.\n";

int cmd_ingest(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"quiet", no_argument, NULL, 'q'},
		{NULL, 0, NULL, 0},
	};
	struct run r;
	double t0;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (ch) {
		case 'h': fputs(ingest_help, stdout); return EXIT_OK;
		case 'q': c->quiet = 1; break;
		default: fputs(ingest_help, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_errorf("ingest: no input given");
		fputs(ingest_help, stderr);
		return EXIT_USAGE;
	}
	rc = run_setup(&r, c);
	if (rc == EXIT_OK)
		rc = cli_open_index(c, 1, &r.ix);
	if (rc != EXIT_OK) {
		run_release(&r);
		return rc;
	}
	t0 = now_s();
	for (int i = optind; i < argc && !r.failed; i++)
		read_path(&r, argv[i]);
	if (!r.failed)
		flush_batch(&r);
	if (!c->quiet && !r.failed) {
		double dt = now_s() - t0;
		printf("ingested %lu documents from %lu files in %.2f s "
		       "(%.1f MB/s): %lu new, %lu replaced, %lu unchanged, "
		       "%lu duplicates; %lu claims indexed",
		       r.docs, r.files - r.rejected, dt,
		       dt > 0 ? (double)r.bytes / 1e6 / dt : 0.0, r.n_new,
		       r.n_replaced, r.n_unchanged, r.n_dup, r.claims_n);
		if (r.rejected)
			printf("; %lu inputs rejected", r.rejected);
		putchar('\n');
	}
	rc = r.failed ? EXIT_INDEX : r.rejected ? EXIT_REJECTED : EXIT_OK;
	run_release(&r);
	return rc;
}

static const char extract_help[] =
	"usage: claimdex extract [--json] FILE...\n"
	"\n"
	"Print the claims of each FILE (or - for standard input) without "
	"touching\n"
	"any index. With --json, one JSON object per line per claim, with the\n"
	"fields of claims.md: doc, kind, start, end, text, value, value_max, "
	"unit,\n"
	"qualifier, subject, commodity, metric, time, sentence (and per, "
	"parties\n"
	"where they apply). Offsets are bytes into the document's extracted "
	"text\n"
	"(for a plain text file, its bytes).\n"
	"\n"
	"Exit status: 0 all files read, 1 some were rejected, 2 usage error.\n";

int cmd_extract(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	struct run r;
	int ch, rc, json = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (ch) {
		case 'h': fputs(extract_help, stdout); return EXIT_OK;
		case 'j': json = 1; break;
		default: fputs(extract_help, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_errorf("extract: no file given");
		fputs(extract_help, stderr);
		return EXIT_USAGE;
	}
	rc = run_setup(&r, c);
	if (rc != EXIT_OK) {
		run_release(&r);
		return rc;
	}
	r.json = json;
	for (int i = optind; i < argc; i++)
		read_path(&r, argv[i]);
	fflush(stdout);
	rc = r.rejected ? EXIT_REJECTED : EXIT_OK;
	run_release(&r);
	return rc;
}
