/*
 * run.h — one run of `ingest` or `extract`, shared by the commands and
 * their consumer side (cmd_ingest.c) and the reader side (run.c). Internal
 * to cli/.
 */
#ifndef CDX_CLI_RUN_H
#define CDX_CLI_RUN_H

#include "cli.h"

/* Summing sizes for the progress bar's total stops after this many files:
 * past it the walk is no longer cheap, and the bar goes without ETA. */
#define COUNT_FILES_MAX 100000

struct run {
	struct cli *cli;
	struct cdx_extractor *ex;
	struct preread *pre;             /* until the pipeline starts */
	struct pipeline *pipe;
	pipeline_sink_fn sink;
	int indexing;                    /* ingest, not extract */
	const char *stamp_manifest;      /* --manifest, for the fingerprint */
	int halted;                      /* the pipeline could not start */
	unsigned threads;                /* --threads: working threads in all */
	size_t max_bytes;                /* --max-size: largest input file */
	size_t part_max;                 /* --part-size, or 0: the default */
	int json;                        /* extract --json */
	struct cdx_manifest *manifest;   /* --manifest, or NULL */
	/* reader side: the calling thread */
	unsigned long files;
	uint64_t file_size, file_credit; /* current file: size, bytes credited */
	uint64_t total;                  /* input bytes expected (progress) */
	unsigned long n_counted;         /* files seen while summing sizes */
	struct cdx_buf input;            /* files are read into it (scratch) */
	/* consumer side: the thread that calls the sink */
	struct cdx_index *ix;            /* NULL for extract */
	struct cdx_index_writer *writer; /* open batch, or NULL */
	struct cdx_buf out;              /* extract: output being built */
	struct progress prog;
	int failed;                      /* an index error stopped the run */
	unsigned long rejected, docs, claims_n, bytes;
	unsigned long n_new, n_replaced, n_unchanged, n_dup, limit_hits;
	/* ingest: what each file gave, for removing stale parts (stale.c) */
	const char *cur_path;
	unsigned cur_parts;
	int cur_single, cur_other;
	struct stale stale;
	unsigned long pruned;
	/* ingest: files skipped unread, stamps written (stamp.c) */
	struct stamp_state stamps;
};

/* Reset @p r for command @p c (the defaults of a run). */
void run_setup(struct run *r, struct cli *c);

/*
 * Load the extractor, start the pipeline with @p sink (@p indexing: the
 * ingest sink, on the index) and read every input of @p paths through it;
 * afterwards every counter of @p r is final. A second call (the stamps'
 * rereads) reuses the extractor and index of the first.
 * @return EXIT_OK or EXIT_INDEX (printed).
 */
int run_inputs(struct run *r, char **paths, int n, pipeline_sink_fn sink,
               int indexing, int show_progress);

/* Free what @p r holds (the pipeline finished, the batch aborted). */
void run_release(struct run *r);

/* --manifest FILE: read before any input; its row warnings are printed
 * like the readers' (not with --quiet). EXIT_USAGE when it is unusable. */
int load_manifest(struct run *r, const char *path);

#endif
