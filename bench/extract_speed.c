/*
 * extract_speed.c — how fast the extractor itself runs, on one thread:
 * reads every file named on the command line into memory first (corpus/
 * readers and the sentence splitter, not timed), then times
 * cdx_extract_run() over all the documents, pass after pass until at
 * least two seconds of CPU time have passed, and prints the fastest pass
 * (the one least disturbed by other processes) in one line:
 *   extract: N docs, B bytes, C claims, S s/pass, R MB/s
 * With --passes N first, runs exactly N passes instead (a profiler's
 * instruction count, e.g. under callgrind, is then repeatable).
 * Built and run by bench/extract_speed.sh, which also times the whole
 * `claimdex extract` command and a peer on the same files; with --text
 * first, prints the documents' texts instead (bench/extract_peer.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "corpus.h"
#include "extract.h"

struct docs {
	struct cdx_doc **v;
	size_t n, cap;
};

static int keep(void *ctx, struct cdx_doc *doc)
{
	struct docs *d = ctx;

	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 1024;
		struct cdx_doc **v = realloc(d->v, ncap * sizeof(*v));

		if (v == NULL) {
			cdx_doc_free(doc);
			return CDX_ERR_NOMEM;
		}
		d->v = v;
		d->cap = ncap;
	}
	d->v[d->n++] = doc;
	return CDX_OK;
}

/* CPU time of this thread: a pass is not charged for the time other
 * processes of a busy machine hold the processor. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* --text: print each document as a JSON line {"doc": PATH, "text": TEXT}
 * (its extracted UTF-8 text, the one claim offsets count in), so a peer
 * (bench/extract_peer.sh) reads exactly the text claimdex reads. */
static void print_json_str(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int print_texts(int argc, char **argv)
{
	struct cdx_error err = CDX_ERROR_INIT;

	for (int i = 2; i < argc; i++) {
		struct docs d = {NULL, 0, 0};

		if (cdx_corpus_read_file(argv[i], NULL, keep, &d, &err) !=
		    CDX_OK) {
			fprintf(stderr, "extract_speed: %s\n", err.msg);
			return EXIT_FAILURE;
		}
		for (size_t k = 0; k < d.n; k++) {
			fputs("{\"doc\":", stdout);
			print_json_str(argv[i], strlen(argv[i]));
			fputs(",\"text\":", stdout);
			print_json_str(d.v[k]->text, d.v[k]->len);
			fputs("}\n", stdout);
			cdx_doc_free(d.v[k]);
		}
		free(d.v);
	}
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_extractor *ex = NULL;
	struct cdx_extract_scratch *s = NULL;
	struct cdx_claims c = CDX_CLAIMS_INIT;
	struct docs d = {NULL, 0, 0};
	size_t bytes = 0, claims = 0;
	double t0, t1, t, best = 1e30;
	int rc = EXIT_FAILURE, first = 1;
	long passes = 0, done = 0;

	if (argc > 1 && strcmp(argv[1], "--text") == 0)
		return print_texts(argc, argv);
	if (argc > 2 && strcmp(argv[1], "--passes") == 0) {
		passes = strtol(argv[2], NULL, 10);
		first = 3;
	}
	for (int i = first; i < argc; i++)
		if (cdx_corpus_read_file(argv[i], NULL, keep, &d, &err) ==
		    CDX_ERR_NOMEM)
			goto cleanup;
	if (cdx_extract_new(&ex, NULL, &err) != CDX_OK ||
	    cdx_extract_scratch_new(&s, ex, &err) != CDX_OK) {
		fprintf(stderr, "extract_speed: %s\n", err.msg);
		goto cleanup;
	}
	for (size_t i = 0; i < d.n; i++)
		bytes += d.v[i]->len;
	t0 = now();
	do {
		t1 = now();
		claims = 0;
		for (size_t i = 0; i < d.n; i++) {
			c.n = 0;
			if (cdx_extract_run(ex, s, d.v[i], &c, NULL, &err)) {
				fprintf(stderr, "extract_speed: %s\n", err.msg);
				goto cleanup;
			}
			claims += c.n;
		}
		t = now();
		if (t - t1 < best)
			best = t - t1;
		done++;
	} while (passes > 0 ? done < passes : t - t0 < 2.0);
	printf("extract: %zu docs, %zu bytes, %zu claims, %.4f s/pass, "
	       "%.1f MB/s\n", d.n, bytes, claims, best,
	       (double)bytes / best / 1e6);
	rc = EXIT_SUCCESS;
cleanup:
	cdx_claims_release(&c);
	cdx_extract_scratch_free(s);
	cdx_extract_free(ex);
	for (size_t i = 0; i < d.n; i++)
		cdx_doc_free(d.v[i]);
	free(d.v);
	return rc;
}
