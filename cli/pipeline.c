/*
 * pipeline.c — the ingest pipeline: the reader submits documents, worker
 * threads extract their claims, one consumer hands them to a sink (which
 * adds them to the index) in the order they were submitted.
 *
 * The one idea: items live in a ring of slots indexed by sequence number.
 * Three counters move forward through it — submitted, claimed by a
 * worker, consumed — and a slot is reused only once consumed. Workers
 * claim slots in sequence order but may finish out of order; the consumer
 * waits for the next sequence number only, so the sink sees exactly the
 * submission order whatever the thread count: runs are reproducible.
 *
 * Memory is bounded twice: at most `cap` slots (64 per worker, 256..1024)
 * and at most WINDOW_BYTES of document weight (text plus span arrays) in
 * flight, except that one document is always admitted however large (the
 * reader caps a file at CDX_READ_MAX_BYTES). The reader blocks in submit
 * while the window is full.
 *
 * Extraction state: the extractor is shared read-only; each worker owns a
 * cdx_extract_scratch. With 0 workers, submit does everything in the
 * calling thread (the sequential baseline).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Document bytes in flight: enough to keep the workers busy on long
 * articles, small beside the 128 MB the whole ingest may use. */
#define WINDOW_BYTES ((size_t)16 << 20)
/* Slots: enough that the workers run on while the consumer waits for a
 * commit's fsync; each is a few hundred bytes when free. */
#define SLOTS_PER_WORKER 64
#define SLOTS_MIN 256
#define SLOTS_MAX 1024

enum slot_state { SLOT_FREE = 0, SLOT_READY, SLOT_BUSY, SLOT_DONE };

struct pipeline {
	const struct cdx_extractor *ex;
	pipeline_sink_fn sink;
	void *ctx;
	unsigned n_workers;
	pthread_t *workers;
	unsigned n_started;        /* workers actually running */
	pthread_t consumer;
	int consumer_started;
	struct cdx_extract_scratch **scratch; /* one per worker (or 1) */
	struct pipeline_item *slots;
	size_t cap;                /* slots in the ring */
	uint64_t submitted, claimed, consumed; /* sequence counters */
	size_t inflight;           /* weight of unconsumed items */
	int closing;               /* no more submits: threads drain, exit */
	int reader_waiting, consumer_waiting; /* asleep on cv_space, cv_done */
	unsigned workers_waiting;  /* asleep on cv_work */
	atomic_int stopped;        /* the sink said stop */
	pthread_mutex_t mu;
	pthread_cond_t cv_space;   /* reader: a slot was freed */
	pthread_cond_t cv_work;    /* workers: an item is ready */
	pthread_cond_t cv_done;    /* consumer: an item is done */
};

unsigned pipeline_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > PIPELINE_THREADS_DEFAULT_MAX ? PIPELINE_THREADS_DEFAULT_MAX
	                                        : (unsigned)n;
}

static size_t doc_weight(const struct cdx_doc *doc)
{
	return doc->len + doc->n_sents * sizeof *doc->sents +
	       doc->n_paras * sizeof *doc->paras;
}

static void extract_item(struct pipeline *p, struct cdx_extract_scratch *s,
                         struct pipeline_item *it)
{
	it->claims.n = 0;
	it->limit_hits = 0;
	cdx_error_clear(&it->err);
	it->rc = cdx_extract_run(p->ex, s, it->doc, &it->claims,
	                         &it->limit_hits, &it->err);
}

/* Drop what an item holds after the sink saw it; keeps the claims
 * array for reuse by the slot's next item. */
static void item_reset(struct pipeline_item *it)
{
	cdx_doc_free(it->doc);
	it->doc = NULL;
	free(it->msg);
	it->msg = NULL;
	it->msg_kind = PIPELINE_MSG_NONE;
	it->credit = 0;
	it->weight = 0;
	it->claims.n = 0;
	it->state = SLOT_FREE;
}

static void *worker_main(void *arg)
{
	struct pipeline *p = ((void **)arg)[0];
	struct cdx_extract_scratch *s = ((void **)arg)[1];

	free(arg);
	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct pipeline_item *it;
		uint64_t seq;

		/* the consumer may have passed messages no worker looked at */
		if (p->claimed < p->consumed)
			p->claimed = p->consumed;
		if (p->claimed == p->submitted) {
			if (p->closing)
				break;
			p->workers_waiting++;
			pthread_cond_wait(&p->cv_work, &p->mu);
			p->workers_waiting--;
			continue;
		}
		seq = p->claimed++;
		it = &p->slots[seq % p->cap];
		if (it->state != SLOT_READY)
			continue; /* a message: done when submitted */
		it->state = SLOT_BUSY;
		pthread_mutex_unlock(&p->mu);
		/* after a stop nothing more reaches the sink: skip the work */
		if (!atomic_load(&p->stopped))
			extract_item(p, s, it);
		pthread_mutex_lock(&p->mu);
		it->state = SLOT_DONE;
		/* the consumer waits for the head of the queue only */
		if (seq == p->consumed && p->consumer_waiting)
			pthread_cond_signal(&p->cv_done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Whether the reader may add an item of @p weight. One item is always
 * admitted into an empty window, however heavy. */
static int has_room(const struct pipeline *p, size_t weight)
{
	uint64_t n = p->submitted - p->consumed;

	return n == 0 || (n < p->cap && p->inflight + weight <= WINDOW_BYTES);
}

/* Whether to wake a waiting reader: only once the window is half empty,
 * so that reader and consumer do not wake each other per item. */
static int low_water(const struct pipeline *p)
{
	uint64_t n = p->submitted - p->consumed;

	return n == 0 || (n <= p->cap / 2 && p->inflight <= WINDOW_BYTES / 2);
}

static void *consumer_main(void *arg)
{
	struct pipeline *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct pipeline_item *it = &p->slots[p->consumed % p->cap];
		size_t weight;
		int stop = 0;

		if (p->consumed == p->submitted || it->state != SLOT_DONE) {
			if (p->consumed == p->submitted && p->closing)
				break;
			p->consumer_waiting = 1;
			pthread_cond_wait(&p->cv_done, &p->mu);
			p->consumer_waiting = 0;
			continue;
		}
		pthread_mutex_unlock(&p->mu);
		if (!atomic_load(&p->stopped))
			stop = p->sink(p->ctx, it) != 0;
		if (stop)
			atomic_store(&p->stopped, 1);
		/* the slot is still ours: free its document outside the lock */
		weight = it->weight;
		item_reset(it);
		pthread_mutex_lock(&p->mu);
		p->inflight -= weight;
		p->consumed++;
		if (p->reader_waiting && (stop || low_water(p)))
			pthread_cond_signal(&p->cv_space);
	}
	pthread_mutex_unlock(&p->mu);
	p->sink(p->ctx, NULL);
	return NULL;
}

/* Run one item at once in the calling thread (no workers). */
static int run_inline(struct pipeline *p, struct pipeline_item *it)
{
	if (it->doc)
		extract_item(p, p->scratch[0], it);
	if (p->sink(p->ctx, it) != 0)
		atomic_store(&p->stopped, 1);
	item_reset(it);
	return atomic_load(&p->stopped) ? CDX_ERR_FAIL : CDX_OK;
}

/* Put an item (fields moved from @p src) into the ring. */
static int enqueue(struct pipeline *p, struct pipeline_item *src)
{
	struct pipeline_item *it;

	if (p->n_workers == 0) {
		it = &p->slots[0];
		it->doc = src->doc;
		it->msg = src->msg;
		it->msg_kind = src->msg_kind;
		it->credit = src->credit;
		return run_inline(p, it);
	}
	pthread_mutex_lock(&p->mu);
	while (!atomic_load(&p->stopped) && !has_room(p, src->weight)) {
		p->reader_waiting = 1;
		pthread_cond_wait(&p->cv_space, &p->mu);
		p->reader_waiting = 0;
	}
	if (atomic_load(&p->stopped)) {
		pthread_mutex_unlock(&p->mu);
		cdx_doc_free(src->doc);
		free(src->msg);
		return CDX_ERR_FAIL;
	}
	it = &p->slots[p->submitted % p->cap];
	it->doc = src->doc;
	it->msg = src->msg;
	it->msg_kind = src->msg_kind;
	it->credit = src->credit;
	it->weight = src->weight;
	it->rc = CDX_OK;
	it->state = it->doc ? SLOT_READY : SLOT_DONE;
	p->inflight += it->weight;
	if (it->doc && p->workers_waiting)
		pthread_cond_signal(&p->cv_work);
	else if (!it->doc && p->submitted == p->consumed && p->consumer_waiting)
		pthread_cond_signal(&p->cv_done);
	p->submitted++;
	pthread_mutex_unlock(&p->mu);
	return CDX_OK;
}

int pipeline_submit(struct pipeline *p, struct cdx_doc *doc, uint64_t credit)
{
	struct pipeline_item src = {0};

	src.doc = doc;
	src.credit = credit;
	src.weight = doc_weight(doc);
	return enqueue(p, &src);
}

int pipeline_submit_msg(struct pipeline *p, enum pipeline_msg kind,
                        const char *msg, uint64_t credit)
{
	struct pipeline_item src = {0};

	/* when the copy fails the item still counts (kind), wordless */
	src.msg = msg ? strdup(msg) : NULL;
	src.msg_kind = kind;
	src.credit = credit;
	return enqueue(p, &src);
}

int pipeline_stopped(struct pipeline *p)
{
	return atomic_load(&p->stopped);
}

static void pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	if (p->scratch) {
		for (unsigned i = 0; i < (p->n_workers ? p->n_workers : 1); i++)
			cdx_extract_scratch_free(p->scratch[i]);
	}
	if (p->slots) {
		for (size_t i = 0; i < p->cap; i++) {
			item_reset(&p->slots[i]);
			cdx_claims_release(&p->slots[i].claims);
		}
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv_space);
	pthread_cond_destroy(&p->cv_work);
	pthread_cond_destroy(&p->cv_done);
	free(p->scratch);
	free(p->slots);
	free(p->workers);
	free(p);
}

int pipeline_finish(struct pipeline *p)
{
	int stopped;

	if (p == NULL)
		return 0;
	pthread_mutex_lock(&p->mu);
	p->closing = 1;
	pthread_cond_broadcast(&p->cv_work);
	pthread_cond_broadcast(&p->cv_done);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->n_started; i++)
		pthread_join(p->workers[i], NULL);
	if (p->consumer_started)
		pthread_join(p->consumer, NULL);
	else if (p->n_workers == 0)
		p->sink(p->ctx, NULL);
	stopped = atomic_load(&p->stopped);
	pipeline_free(p);
	return stopped;
}

static int start_threads(struct pipeline *p)
{
	for (unsigned i = 0; i < p->n_workers; i++) {
		void **arg = malloc(2 * sizeof *arg);

		if (arg == NULL)
			return -1;
		arg[0] = p;
		arg[1] = p->scratch[i];
		if (pthread_create(&p->workers[i], NULL, worker_main, arg) != 0) {
			free(arg);
			return -1;
		}
		p->n_started++;
	}
	if (pthread_create(&p->consumer, NULL, consumer_main, p) != 0)
		return -1;
	p->consumer_started = 1;
	return 0;
}

int pipeline_new(struct pipeline **out, const struct cdx_extractor *ex,
                 unsigned workers, pipeline_sink_fn sink, void *ctx)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct pipeline *p;
	unsigned n_scratch = workers ? workers : 1;

	*out = NULL;
	p = calloc(1, sizeof *p);
	if (p == NULL) {
		cli_errorf("out of memory");
		return EXIT_INDEX;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv_space, NULL);
	pthread_cond_init(&p->cv_work, NULL);
	pthread_cond_init(&p->cv_done, NULL);
	p->ex = ex;
	p->sink = sink;
	p->ctx = ctx;
	p->n_workers = workers;
	p->cap = workers ? (size_t)workers * SLOTS_PER_WORKER : 1;
	if (workers && p->cap < SLOTS_MIN)
		p->cap = SLOTS_MIN;
	if (p->cap > SLOTS_MAX)
		p->cap = SLOTS_MAX;
	p->slots = calloc(p->cap, sizeof *p->slots);
	p->scratch = calloc(n_scratch, sizeof *p->scratch);
	p->workers = calloc(n_scratch, sizeof *p->workers);
	if (p->slots == NULL || p->scratch == NULL || p->workers == NULL) {
		cli_errorf("out of memory");
		goto fail;
	}
	for (unsigned i = 0; i < n_scratch; i++) {
		if (cdx_extract_scratch_new(&p->scratch[i], ex, &err) != CDX_OK) {
			cli_errorf("%s", err.msg);
			goto fail;
		}
	}
	if (workers && start_threads(p) != 0) {
		cli_errorf("cannot start %u extraction workers", workers);
		pipeline_finish(p);
		return EXIT_INDEX;
	}
	*out = p;
	return EXIT_OK;
fail:
	pipeline_free(p);
	return EXIT_INDEX;
}
