/*
 * cmd_ingest.c — `claimdex ingest PATH...` and `claimdex extract FILE...`.
 *
 * Both read inputs with corpus/ on the calling thread and push each
 * document through the pipeline (pipeline.c), which starts once the
 * extractor is loaded (with more than one thread, while the first inputs
 * are read and held: preread.c): worker threads extract the
 * claims (and for ingest prepare the document for the index: its terms),
 * and one consumer thread takes the documents back in input order and
 * either adds them to the index, many per write transaction (ingest), or
 * prints their claims (extract). Every message — a rejected file, a
 * reader's warning, a duplicate — travels through the pipeline too and is
 * printed by the consumer at its place in the input, so the output is the
 * same whatever the thread count.
 *
 * The reader side (walking, reading, holding, stamps, manifests) is
 * run.c; this file holds the commands and the consumer side, the sinks.
 *
 * A file that cannot be read is reported on one line and skipped: the
 * others go on, what the index already holds is untouched, and the exit
 * status is 1.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "manifest.h"
#include "run.h"

/* A write transaction ends when the batch's memory (postings built in
 * memory plus the writer's copies of the documents) reaches BATCH_MEM:
 * each batch is one posting segment, and fewer, larger segments make a
 * smaller index and fewer merges, while the budget keeps the whole ingest
 * within 128 MB. BATCH_DOCS bounds what a crash can lose on short
 * documents. */
#define BATCH_MEM ((size_t)24 << 20)
#define BATCH_DOCS 16384

/* ------------------------------------------------------ consumer side */

/* Commit the batch; the @p last one also merges the segments as the
 * close would, in the same transaction (one commit and sync fewer at the
 * end, when nothing else runs). */
static int flush_batch(struct run *r, int last)
{
	struct cdx_error err = CDX_ERROR_INIT;
	int rc;

	if (r->writer == NULL)
		return CDX_OK;
	rc = last ? cdx_index_writer_commit_last(r->writer, &err) :
	            cdx_index_writer_commit(r->writer, &err);
	r->writer = NULL;
	if (rc != CDX_OK) {
		progress_clear(&r->prog);
		cli_errorf("cannot commit to '%s': %s", r->cli->db,
		           err.msg[0] ? err.msg : cdx_strerror(rc));
		r->failed = 1;
	}
	return rc;
}

/*
 * What every item says before its document is used: queued messages, the
 * document's repair warning, an extraction failure, match-limit skips.
 * Returns whether the document goes on to be indexed or printed.
 */
static int item_prelude(struct run *r, struct pipeline_item *it)
{
	const struct cdx_doc *doc = it->doc;

	if (it->msg_kind != PIPELINE_MSG_NONE) {
		progress_clear(&r->prog);
		if (it->msg_kind == PIPELINE_MSG_REJECT) {
			r->rejected++;
			cli_errorf("%s", it->msg ? it->msg : "out of memory");
		} else if (it->msg) {
			cli_warn(r->cli, it->msg);
		}
	}
	if (doc == NULL) {
		progress_add(&r->prog, 0, it->credit);
		return 0;
	}
	r->docs++;
	r->bytes += doc->len;
	/* doc->warning is not printed: the reader already sent the same
	 * repair warning, naming the file, through reader_warn(). */
	if (it->rc != CDX_OK) {
		progress_clear(&r->prog);
		cli_errorf("%s: %s", doc->source,
		           it->err.msg[0] ? it->err.msg : cdx_strerror(it->rc));
		r->rejected++;
		progress_add(&r->prog, 1, it->credit);
		return 0;
	}
	if (it->limit_hits) {
		char msg[300];

		snprintf(msg, sizeof msg,
		         "'%s': %u sentences skipped (pattern match limit)",
		         doc->source, it->limit_hits);
		progress_clear(&r->prog);
		cli_warn(r->cli, msg);
		r->limit_hits += it->limit_hits;
	}
	return 1;
}

static void count_outcome(struct run *r, const struct pipeline_item *it,
                          enum cdx_add_outcome outcome)
{
	switch (outcome) {
	case CDX_ADD_NEW:
		r->n_new++;
		r->claims_n += it->n_claims;
		break;
	case CDX_ADD_REPLACED:
		r->n_replaced++;
		r->claims_n += it->n_claims;
		break;
	case CDX_ADD_UNCHANGED: r->n_unchanged++; break;
	case CDX_ADD_DUPLICATE:
		r->n_dup++;
		if (!r->cli->quiet) {
			progress_clear(&r->prog);
			fprintf(stderr,
			        "claimdex: '%s': same content as a document "
			        "already indexed; skipped\n",
			        it->doc->source);
		}
		break;
	}
}

/* A file's stamp, or files skipped unread (stamp.c). */
static int stamps_item(struct run *r, struct pipeline_item *it)
{
	struct cdx_error err = CDX_ERROR_INIT;
	int rc = stamp_item(&r->stamps, r->ix, &r->writer, it, &err);

	if (rc != CDX_OK) {
		progress_clear(&r->prog);
		cli_errorf("cannot write to '%s': %s", r->cli->db,
		           err.msg[0] ? err.msg : cdx_strerror(rc));
		cdx_index_writer_abort(r->writer);
		r->writer = NULL;
		r->failed = 1;
		return rc;
	}
	progress_add(&r->prog, 0, it->credit);
	return CDX_OK;
}

/* The ingest sink: add the document to the open batch (beginning one when
 * none is open), commit at BATCH_DOCS documents or BATCH_MEM bytes held,
 * and at the end commit what is left, on this same thread. */
static int ingest_sink(void *ctx, struct pipeline_item *it)
{
	struct run *r = ctx;
	struct cdx_error err = CDX_ERROR_INIT;
	enum cdx_add_outcome outcome;
	uint64_t doc_id = CDX_STAMP_NO_DOC;
	int rc;

	if (it == NULL) {
		if (r->failed) {
			cdx_index_writer_abort(r->writer);
			r->writer = NULL;
		} else {
			flush_batch(r, 1);
		}
		progress_clear(&r->prog);
		return 0;
	}
	if (it->msg_kind == PIPELINE_MSG_STAMP ||
	    it->msg_kind == PIPELINE_MSG_SKIPPED)
		return stamps_item(r, it);
	if (it->doc == NULL && it->msg_kind != PIPELINE_MSG_WARN)
		stamp_file_reset(&r->stamps); /* a file ended unstamped */
	if (!item_prelude(r, it)) {
		if (it->doc)
			stamp_doc_failed(&r->stamps);
		return 0;
	}
	if (r->writer == NULL) {
		rc = cdx_index_writer_begin(&r->writer, r->ix, &err);
		if (rc != CDX_OK) {
			progress_clear(&r->prog);
			cli_errorf("cannot write to '%s': %s", r->cli->db, err.msg);
			r->failed = 1;
			return rc;
		}
	}
	if (it->prepared) {
		/* prepared by the thread that extracted it: the writer
		 * takes it */
		rc = cdx_index_writer_add_prepared(r->writer, it->prepared,
		                                   &outcome, &doc_id, &err);
		it->prepared = NULL;
	} else {
		rc = cdx_index_writer_add(r->writer, it->doc, &it->claims,
		                          &outcome, &doc_id, &err);
	}
	if (rc != CDX_OK) {
		progress_clear(&r->prog);
		cli_errorf("cannot index '%s': %s", it->doc->source,
		           err.msg[0] ? err.msg : cdx_strerror(rc));
		cdx_index_writer_abort(r->writer);
		r->writer = NULL;
		r->failed = 1;
		return rc;
	}
	count_outcome(r, it, outcome);
	stamp_doc(&r->stamps, doc_id, outcome);
	progress_add(&r->prog, 1, it->credit);
	if (cdx_index_writer_count(r->writer) >= BATCH_DOCS ||
	    cdx_index_writer_bytes(r->writer) >= BATCH_MEM)
		return flush_batch(r, 0);
	return CDX_OK;
}

static void print_claim_line(struct run *r, const struct cdx_doc *doc,
                             const struct cdx_claim *cl)
{
	char v[64], span[256], text[256];
	size_t n = cl->end - cl->start;

	if (cl->kind == CDX_KIND_DATE)
		snprintf(v, sizeof v, "%s", cl->value_str[0] ? cl->value_str : "?");
	else
		fmt_value(v, sizeof v, cl->value);
	if (n >= sizeof span)
		n = sizeof span - 1;
	memcpy(span, doc->text + cl->start, n);
	span[n] = '\0';
	sticky(cdx_buf_printf(&r->out, "%s:%u\t%-8s %14s %-4s %-6s %-22s %-12s \"%s\"\n",
	                      doc->source, cl->start, cdx_kind_name(cl->kind), v,
	                      cl->unit, cdx_qualifier_name(cl->qualifier),
	                      cl->subject ? cl->subject : "-",
	                      cl->commodity ? cl->commodity : "-",
	                      cli_flat(text, sizeof text, span)));
}

/* The extract sink: print the document's claims to stdout. */
static int extract_sink(void *ctx, struct pipeline_item *it)
{
	struct run *r = ctx;
	const struct cdx_doc *doc;

	if (it == NULL) {
		fflush(stdout);
		return 0;
	}
	if (!item_prelude(r, it))
		return 0;
	doc = it->doc;
	r->claims_n += it->claims.n;
	for (size_t i = 0; i < it->claims.n; i++) {
		const struct cdx_claim *cl = &it->claims.v[i];

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
	return 0;
}

/* --threads N: 1..PIPELINE_THREADS_MAX, else -1 */
static long parse_threads(const char *s)
{
	long n = cli_parse_count(s);

	if (n < 1 || n > PIPELINE_THREADS_MAX) {
		cli_errorf("--threads takes a number from 1 to %d, not '%s'",
		           PIPELINE_THREADS_MAX, s);
		return -1;
	}
	return n;
}

/* "64M", "200k", "1G", "5000": a size in bytes with an optional binary
 * suffix; 0 when it is not one. */
static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return 0;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0' || v == 0 || v > (SIZE_MAX >> shift))
		return 0;
	return (size_t)(v << shift);
}

static const char ingest_help[] =
	"usage: claimdex [--db DIR] ingest [--quiet] [--threads N] "
	"[--max-size SIZE]\n"
	"                                  [--part-size SIZE] [--manifest FILE]\n"
	"                                  [--rescan] PATH...\n"
	"\n"
	"Read each PATH (a file, a folder searched recursively, or - for "
	"standard\n"
	"input), extract its claims and add it to the index, which is created "
	"if\n"
	"missing. Formats are detected by content: plain text, HTML, RSS/Atom "
	"and\n"
	"other XML, Reuters-style SGML collections, JSON Lines (text, title, "
	"date,\n"
	"url). Re-ingesting a source replaces its old version; an unchanged\n"
	"text is left alone unless its claims, title or date now come out\n"
	"otherwise (a newer claimdex, other --data, a --manifest), and is then\n"
	"replaced. The same content under another name is reported and\n"
	"skipped. A regular file ingested whole before is skipped unread while\n"
	"its size, times (mtime, ctime) and inode, this claimdex, the\n"
	"extractor's data and these options are as they were; it counts as\n"
	"unchanged (or as duplicates, as it did).\n"
	"\n"
	"  --threads N  working threads (default: the online CPUs, at most 16):"
	"\n"
	"               1 extracts and indexes on one thread; N > 1 extracts on"
	"\n"
	"               N - 1 threads while one writes. The index is the same\n"
	"               whatever N\n"
	"  --max-size SIZE  reject input files larger than SIZE bytes (suffix\n"
	"               K, M or G; default 64M); such a file gets one error line\n"
	"  --part-size SIZE  store a text longer than SIZE (1K to 4M, the\n"
	"               default) as parts F#part1, F#part2, ... cut at paragraph\n"
	"               breaks; parts an earlier version of F had beyond its\n"
	"               new last one are removed\n"
	"  --manifest FILE  a CSV or TSV list with a header naming a file (or\n"
	"               path, source) column and any of date, title, url: each\n"
	"               document listed (by its path relative to FILE's folder,\n"
	"               \"coll.sgm#12\" for an item) takes the row's values\n"
	"               before its claims are extracted; a bad row is a warning\n"
	"  --rescan     read every file, even those stamped unchanged\n"
	"  -q, --quiet  no warnings, progress bar or summary\n"
	"\n"
	"When standard error is a terminal, a progress line shows documents, "
	"MB,\n"
	"MB/s and, when the input size is known, the time left.\n"
	"\n"
	"Exit status: 0 all inputs indexed, 1 some were rejected (the rest "
	"was\n"
	"indexed), 2 usage error, 3 index error.\n";

int cmd_ingest(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"quiet", no_argument, NULL, 'q'},
		{"threads", required_argument, NULL, 't'},
		{"max-size", required_argument, NULL, 'm'},
		{"part-size", required_argument, NULL, 'p'},
		{"manifest", required_argument, NULL, 'M'},
		{"rescan", no_argument, NULL, 'R'},
		{NULL, 0, NULL, 0},
	};
	struct run r;
	const char *manifest = NULL;
	long threads = -1;
	size_t max_bytes = 0, part_max = 0;
	double t0;
	int ch, rc, rescan = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (ch) {
		case 'h': fputs(ingest_help, stdout); return EXIT_OK;
		case 'q': c->quiet = 1; break;
		case 't':
			threads = parse_threads(optarg);
			if (threads < 0)
				return EXIT_USAGE;
			break;
		case 'm':
			max_bytes = parse_size(optarg);
			if (max_bytes == 0) {
				cli_errorf("--max-size takes a size such as 500K, "
				           "64M or 1G, not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'p':
			part_max = parse_size(optarg);
			if (part_max < 1024 || part_max > CDX_DOC_PART_MAX) {
				cli_errorf("--part-size takes a size from 1K to 4M, "
				           "not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'M': manifest = optarg; break;
		case 'R': rescan = 1; break;
		default: fputs(ingest_help, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_errorf("ingest: no input given");
		fputs(ingest_help, stderr);
		return EXIT_USAGE;
	}
	run_setup(&r, c);
	if (threads >= 0)
		r.threads = (unsigned)threads;
	r.max_bytes = max_bytes;
	r.part_max = part_max;
	rc = load_manifest(&r, manifest);
	if (rc != EXIT_OK) {
		run_release(&r);
		return rc;
	}
	/* the fingerprint waits for the extractor: start_pipeline() */
	stamp_state_init(&r.stamps, 0, rescan);
	r.stamp_manifest = manifest;
	t0 = progress_now();
	rc = run_inputs(&r, argv + optind, argc - optind, ingest_sink, 1,
	                !c->quiet && isatty(STDERR_FILENO));
	if (rc != EXIT_OK) {
		run_release(&r);
		return rc;
	}
	/* skipped files whose stamps a removal in the batch dropped: read */
	if (!r.failed && r.stamps.n_reread > 0) {
		unsigned long n = (unsigned long)r.stamps.n_reread;

		r.stamps.rescan = 1;
		rc = run_inputs(&r, r.stamps.reread, (int)n, ingest_sink, 1, 0);
		if (rc != EXIT_OK) {
			run_release(&r);
			return rc;
		}
		r.files -= n; /* counted when skipped */
	}
	if (!r.failed) {
		struct cdx_error err = CDX_ERROR_INIT;

		if (stale_prune(&r.stale, r.ix, &r.pruned, &err) != CDX_OK) {
			cli_errorf("cannot remove old parts from '%s': %s", c->db,
			           err.msg);
			r.failed = 1;
		}
	}
	/* files skipped unread: their documents as the stamps counted them */
	r.docs += r.stamps.skip_docs + r.stamps.skip_dups;
	r.n_unchanged += r.stamps.skip_docs;
	r.n_dup += r.stamps.skip_dups;
	if (!c->quiet && !r.failed) {
		double dt = progress_now() - t0;
		printf("ingested %lu documents from %lu files in %.2f s "
		       "(%.1f MB/s): %lu new, %lu replaced, %lu unchanged, "
		       "%lu duplicates; %lu claims indexed",
		       r.docs, r.files - r.rejected, dt,
		       dt > 0 ? (double)r.bytes / 1e6 / dt : 0.0, r.n_new,
		       r.n_replaced, r.n_unchanged, r.n_dup, r.claims_n);
		if (r.pruned)
			printf("; %lu old parts removed", r.pruned);
		if (r.rejected)
			printf("; %lu inputs rejected", r.rejected);
		putchar('\n');
	}
	rc = r.failed ? EXIT_INDEX : r.rejected ? EXIT_REJECTED : EXIT_OK;
	run_release(&r);
	return rc;
}

static const char extract_help[] =
	"usage: claimdex extract [--json] [--threads N] [--manifest FILE] "
	"FILE...\n"
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
	"(for a plain text file, and for XML that is not a feed, whose markup\n"
	"is blanked in place, the file's bytes). --threads N and --manifest "
	"FILE\n"
	"as for ingest; the output is in input order whatever N.\n"
	"\n"
	"Exit status: 0 all files read, 1 some were rejected, 2 usage error.\n";

int cmd_extract(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'j'},
		{"threads", required_argument, NULL, 't'},
		{"manifest", required_argument, NULL, 'M'},
		{NULL, 0, NULL, 0},
	};
	struct run r;
	const char *manifest = NULL;
	long threads = -1;
	int ch, rc, json = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (ch) {
		case 'h': fputs(extract_help, stdout); return EXIT_OK;
		case 'j': json = 1; break;
		case 't':
			threads = parse_threads(optarg);
			if (threads < 0)
				return EXIT_USAGE;
			break;
		case 'M': manifest = optarg; break;
		default: fputs(extract_help, stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_errorf("extract: no file given");
		fputs(extract_help, stderr);
		return EXIT_USAGE;
	}
	run_setup(&r, c);
	if (threads >= 0)
		r.threads = (unsigned)threads;
	r.json = json;
	rc = load_manifest(&r, manifest);
	if (rc == EXIT_OK)
		rc = run_inputs(&r, argv + optind, argc - optind, extract_sink, 0,
		                0);
	if (rc != EXIT_OK) {
		run_release(&r);
		return rc;
	}
	rc = r.rejected ? EXIT_REJECTED : EXIT_OK;
	run_release(&r);
	return rc;
}
