/*
 * preread.c — the first inputs read while the extractor is compiled.
 *
 * Loading the extractor (cdx_extract_new: its data, then PCRE2's compile
 * and JIT of the figure pattern) takes some 15 ms before anything can be
 * extracted, and creating an index waits for its first sync: on a BBC
 * News ingest with two threads, a twentieth of the run or more with the
 * second core idle. With more than one thread, ingest and extract load
 * the extractor, then open the index, on a thread of their own while
 * the calling thread reads the first inputs and holds what they give
 * here, in input order: documents and messages alike. Once both are
 * ready (or the held documents weigh PREREAD_BYTES) the caller starts
 * its pipeline, as before, and submits the held items first; nothing is
 * printed or written before that, so the output, the exit status and the
 * index are those of loading first, and a failed load still leaves no
 * index.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Held document weight (text and spans) past which the reader waits for
 * the extractor: far more than 15 ms of reading, small beside the
 * pipeline's window. */
#define PREREAD_BYTES ((size_t)8 << 20)

/* An item read before the pipeline: a document, or a message. */
struct held {
	struct cdx_doc *doc;
	enum pipeline_msg kind;
	char *msg;
	uint64_t credit;
};

struct preread {
	struct cli *cli;
	int indexing;         /* open the index too */
	unsigned threads;     /* for cdx_index_set_threads() */
	pthread_t thread;
	int started;          /* the loading thread runs: join it */
	atomic_int loaded;    /* and has its result */
	int rc;               /* EXIT_OK or EXIT_INDEX, once joined */
	struct cdx_extractor *ex; /* until taken */
	struct cdx_index *ix;
	struct held *v;
	size_t n, cap;
	size_t bytes;         /* held document weight */
};

/* The extractor, then (and only then: a failed load creates no index)
 * the index. */
static void load(struct preread *s)
{
	s->rc = cli_open_extractor(s->cli, &s->ex);
	if (s->rc == EXIT_OK && s->indexing) {
		s->rc = cli_open_index(s->cli, 1, &s->ix);
		/* the writer's commits and merges may use them too */
		if (s->rc == EXIT_OK)
			cdx_index_set_threads(s->ix, s->threads);
	}
}

static void *load_main(void *arg)
{
	struct preread *s = arg;

	load(s);
	atomic_store(&s->loaded, 1);
	return NULL;
}

int preread_new(struct preread **out, struct cli *c, unsigned threads,
                int indexing)
{
	struct preread *s = calloc(1, sizeof *s);

	*out = NULL;
	if (s == NULL) {
		cli_errorf("out of memory");
		return EXIT_INDEX;
	}
	s->cli = c;
	s->threads = threads;
	s->indexing = indexing;
	atomic_init(&s->loaded, 0);
	/* with one thread (or when none starts) preread_finish() loads */
	if (threads > 1)
		s->started = pthread_create(&s->thread, NULL, load_main, s) == 0;
	*out = s;
	return EXIT_OK;
}

int preread_waiting(const struct preread *s)
{
	return s->started && !atomic_load(&s->loaded) &&
	       s->bytes < PREREAD_BYTES;
}

/* Hold one more item; -1 when out of memory. */
static int hold(struct preread *s, struct held h)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct held *v = realloc(s->v, cap * sizeof *v);

		if (v == NULL)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = h;
	return 0;
}

int preread_hold_doc(struct preread *s, struct cdx_doc *doc, uint64_t credit)
{
	struct held h = {doc, PIPELINE_MSG_NONE, NULL, credit};

	if (hold(s, h) != 0)
		return -1;
	s->bytes += doc->len + doc->n_sents * sizeof *doc->sents +
	            doc->n_paras * sizeof *doc->paras;
	return 0;
}

int preread_hold_msg(struct preread *s, enum pipeline_msg kind,
                     const char *msg, uint64_t credit)
{
	struct held h = {NULL, kind, NULL, credit};

	/* as pipeline_submit_msg(): wordless when the copy fails */
	if (msg)
		h.msg = strdup(msg);
	if (hold(s, h) != 0) {
		free(h.msg);
		return -1;
	}
	return 0;
}

int preread_finish(struct preread *s, struct cdx_extractor **ex,
                   struct cdx_index **ix)
{
	*ex = NULL;
	*ix = NULL;
	if (s->started) {
		pthread_join(s->thread, NULL);
		s->started = 0;
	} else if (s->ex == NULL && s->rc == EXIT_OK) {
		load(s);
	}
	if (s->rc == EXIT_OK) {
		*ex = s->ex;
		*ix = s->ix;
		s->ex = NULL;
		s->ix = NULL;
	}
	return s->rc;
}

/* Drop the held items unseen. */
static void drop_held(struct preread *s)
{
	for (size_t i = 0; i < s->n; i++) {
		cdx_doc_free(s->v[i].doc);
		free(s->v[i].msg);
	}
	s->n = 0;
	s->bytes = 0;
}

void preread_flush(struct preread *s, struct pipeline *p)
{
	/* once stopped, the pipeline frees what it is given */
	for (size_t i = 0; i < s->n; i++) {
		struct held *h = &s->v[i];

		if (h->doc)
			pipeline_submit(p, h->doc, h->credit);
		else
			pipeline_submit_msg(p, h->kind, h->msg, h->credit);
		free(h->msg);
	}
	s->n = 0;
	s->bytes = 0;
	free(s->v);
	s->v = NULL;
	s->cap = 0;
}

void preread_free(struct preread *s)
{
	if (s == NULL)
		return;
	if (s->started)
		pthread_join(s->thread, NULL);
	cdx_extract_free(s->ex);
	cdx_index_close(s->ix);
	drop_held(s);
	free(s->v);
	free(s);
}
