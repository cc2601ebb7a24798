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
 * Memory is bounded twice: at most `cap` slots (SLOTS with workers, 1
 * without) and at most WINDOW_BYTES of document weight (text plus span
 * arrays) in flight, except that one document is always admitted however
 * large (the reader caps a file at CDX_READ_MAX_BYTES). The reader blocks
 * in submit while the window is full.
 *
 * Extraction state: the extractor is shared read-only; each worker owns a
 * cdx_extract_scratch and, when the sink indexes, a cdx_index_prep: the
 * thread that extracts a document's claims also prepares it for the index
 * (tokens, stems, terms with positions), so the consumer — the one thread
 * that writes — only merges and writes. With 0 workers, submit does
 * everything in the calling thread (the sequential baseline).
 *
 * The consumer helps: while the item it waits for is still being worked
 * on, it takes the next unclaimed item and works on it itself, so that
 * with one worker both threads extract and prepare whenever the writer
 * has nothing to write. The order the sink sees does not change.
 *
 * Memory goes back to the thread that allocated it: a document is read
 * on the reader's thread, its text dropped on a worker's, the rest freed
 * on the consumer's. Freed there, each block went back to the reader's
 * malloc arena under its lock, while the reader was allocating the next
 * document: the lock was contended, a futex call and a context switch
 * each time. So the other threads push what they free onto lock-free
 * stacks, which the reader empties at its next submit (the preparer does
 * the same for prepared documents: prepare.c).
 */
#include <pthread.h>
#include <stdatomic.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Document bytes in flight: enough to keep the workers busy on long
 * articles, small beside the 128 MB the whole ingest may use. */
#define WINDOW_BYTES ((size_t)16 << 20)
/* Slots: enough that the workers run on while the consumer commits (its
 * encoding, then the fsync); each is a few hundred bytes when free. A
 * Reuters commit takes some 30 ms on a quiet machine (longer on a busy
 * one), an article 45 us to extract: with 256 slots (64 per worker then)
 * the one worker of --threads 2 ran dry 6 to 23 times an ingest, the
 * reader blocked on a full ring and a core idle; with 1024, 1 to 3
 * times (peak RSS 81 -> 91 MiB; 2048 slots: 0 or 1, but 127 MiB with
 * --threads 8). Long documents meet the window first. */
#define SLOTS 1024

/* Blocks from this size up are mapped on their own (glibc's
 * M_MMAP_THRESHOLD), so that freeing one gives its pages back: see
 * pipeline_heap_policy(). */
#define MMAP_THRESHOLD ((size_t)1 << 20)
/* Free memory at the top of a heap kept before glibc gives it back.
 * Fixing the mmap threshold also fixes this one at its 128 KiB default,
 * and then every free() near the top of a thread's heap gave pages back
 * (madvise) that the next batch faulted in again, each time flushing the
 * TLB of the other threads: 720 madvise calls on a Reuters ingest, a
 * fifth more system time. The pipeline trims once at its end. */
#define TRIM_THRESHOLD ((size_t)16 << 20)

/* A worker that worked on a document this long starts afresh: see
 * worker_shrink(). */
#define SCRATCH_RESET_LEN ((size_t)1 << 20)

/* Claims a slot's array keeps for reuse; a larger one is freed. */
#define CLAIMS_KEEP 1024

/* Blocks from this size up are freed where they are dropped, at once:
 * they are few (what their frees cost does not count) and their memory
 * must not wait for the reader. */
#define GIVE_BACK_MAX ((size_t)256 << 10)

enum slot_state { SLOT_FREE = 0, SLOT_READY, SLOT_BUSY, SLOT_DONE };

/* What one working thread owns. */
struct worker {
	struct pipeline *p;
	struct cdx_extract_scratch *scratch;
	struct cdx_index_prep *prep; /* NULL: the sink does not index */
	struct cdx_claims claims;    /* with prep: a document's claims */
};

struct pipeline {
	const struct cdx_extractor *ex;
	pipeline_sink_fn sink;
	void *ctx;
	unsigned n_workers;
	pthread_t *workers;
	unsigned n_started;        /* workers actually running */
	pthread_t consumer;
	int consumer_started;
	struct worker *w;          /* n_workers + 1: the last is the
	                              consumer's (or the inline thread's) */
	struct pipeline_item *slots;
	size_t cap;                /* slots in the ring */
	uint64_t submitted, claimed, consumed; /* sequence counters */
	size_t inflight;           /* weight of unconsumed items */
	int closing;               /* no more submits: threads drain, exit */
	int reader_waiting, consumer_waiting; /* asleep on cv_space, cv_done */
	unsigned workers_waiting;  /* asleep on cv_work */
	atomic_int stopped;        /* the sink said stop */
	/* for the reader to free: blocks (text, spans) linked through
	 * their first word, spent documents through their text */
	_Atomic(void *) back_blocks;
	_Atomic(struct cdx_doc *) back_docs;
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

/* Give block @p m of @p size bytes back to the reader, from any thread;
 * without workers, or when too small to link or large, free it here. */
static void give_block(struct pipeline *p, void *m, size_t size)
{
	void *head;

	if (m == NULL)
		return;
	if (p->n_workers == 0 || size < sizeof head || size >= GIVE_BACK_MAX) {
		free(m);
		return;
	}
	head = atomic_load_explicit(&p->back_blocks, memory_order_relaxed);
	do
		memcpy(m, &head, sizeof head);
	while (!atomic_compare_exchange_weak_explicit(&p->back_blocks, &head,
	                                              m, memory_order_release,
	                                              memory_order_relaxed));
}

/* Give a spent document back to the reader; its text, already dropped,
 * is the link. */
static void give_doc(struct pipeline *p, struct cdx_doc *doc)
{
	struct cdx_doc *head =
		atomic_load_explicit(&p->back_docs, memory_order_relaxed);

	do
		doc->text = (char *)head;
	while (!atomic_compare_exchange_weak_explicit(&p->back_docs, &head,
	                                              doc, memory_order_release,
	                                              memory_order_relaxed));
}

/* Free what the other threads gave back: on the reader's thread, which
 * allocated it (and at the end on the one that frees the pipeline). */
static void take_back(struct pipeline *p)
{
	void *m = atomic_exchange_explicit(&p->back_blocks, NULL,
	                                   memory_order_acquire);
	struct cdx_doc *doc = atomic_exchange_explicit(&p->back_docs, NULL,
	                                               memory_order_acquire);

	while (m != NULL) {
		void *next;

		memcpy(&next, m, sizeof next);
		free(m);
		m = next;
	}
	while (doc != NULL) {
		struct cdx_doc *next = (struct cdx_doc *)doc->text;

		doc->text = NULL;
		cdx_doc_free(doc);
		doc = next;
	}
}

/* Drop @p doc's text and spans, back to the reader. */
static void drop_text(struct pipeline *p, struct cdx_doc *doc)
{
	give_block(p, doc->text, doc->len + 1);
	doc->text = NULL;
	give_block(p, doc->sents, doc->n_sents * sizeof *doc->sents);
	doc->sents = NULL;
	doc->n_sents = 0;
	give_block(p, doc->paras, doc->n_paras * sizeof *doc->paras);
	doc->paras = NULL;
	doc->n_paras = 0;
}

/*
 * A prepared document holds its own copy of the text and the claims, and
 * the sink then needs only the document's name and length: free the text,
 * its spans and a long claims array now rather than when the item is
 * consumed, so that an item in flight weighs its prepared copy alone and
 * not three copies of the same text (a 4 MiB part of claim-dense text:
 * 8 MiB of text buffer, 12 MiB of claims, 16 MiB prepared).
 */
static void drop_inputs(struct pipeline *p, struct pipeline_item *it)
{
	drop_text(p, it->doc);
	if (it->claims.cap > CLAIMS_KEEP)
		cdx_claims_release(&it->claims);
}

/* Extract @p it's claims and prepare it for the index. @return the
 * item's weight after the work. */
static size_t work_item(struct worker *w, struct pipeline_item *it)
{
	struct cdx_error err = CDX_ERROR_INIT;
	/* the sink needs the claims of a document not prepared only: a
	 * preparing worker extracts into its own array, and the slot's
	 * (which any thread may have grown) is not touched */
	struct cdx_claims *claims = w->prep ? &w->claims : &it->claims;
	int prepared;

	claims->n = 0;
	it->claims.n = 0;
	it->n_claims = 0;
	it->limit_hits = 0;
	cdx_error_clear(&it->err);
	it->rc = cdx_extract_run(w->p->ex, w->scratch, it->doc, claims,
	                         &it->limit_hits, &it->err);
	it->n_claims = claims->n;
	if (it->rc != CDX_OK || w->prep == NULL)
		return it->weight;
	/* on failure the sink adds the document itself, and the writer
	 * reports the same error in its place */
	prepared = cdx_index_doc_prepare(w->prep, it->doc, claims,
	                                 &it->prepared, &err) == CDX_OK;
	if (!prepared) {
		struct cdx_claims t = it->claims;

		it->claims = w->claims;
		w->claims = t;
	}
	if (w->claims.cap > CLAIMS_KEEP)
		cdx_claims_release(&w->claims);
	if (!prepared)
		return it->weight;
	drop_inputs(w->p, it);
	return doc_weight(it->doc) + cdx_index_doc_weight(it->prepared);
}

/* Drop what an item holds after the sink saw it (its document back to
 * the reader); keeps the claims array for reuse by the slot's next
 * item. */
static void item_reset(struct pipeline *p, struct pipeline_item *it)
{
	if (p->n_workers == 0) {
		cdx_doc_free(it->doc);
	} else if (it->doc) {
		drop_text(p, it->doc);
		give_doc(p, it->doc);
	}
	it->doc = NULL;
	cdx_index_doc_free(it->prepared);
	it->prepared = NULL;
	free(it->msg);
	it->msg = NULL;
	it->msg_kind = PIPELINE_MSG_NONE;
	it->credit = 0;
	it->weight = 0;
	it->claims.n = 0;
	it->n_claims = 0;
	/* hundreds of slots: one that held a long document's claims must
	 * not keep their memory for its next item */
	if (it->claims.cap > CLAIMS_KEEP)
		cdx_claims_release(&it->claims);
	it->state = SLOT_FREE;
}

/*
 * A worker's extraction scratch and preparer grow to fit the longest
 * document it has worked on (sentence and candidate arrays, the token
 * array: about 8 MiB for a 4 MiB part) and keep that size. With many
 * workers and a long text, every worker would keep a part's worth while
 * the window lets only a few parts be worked on at a time (16 threads on
 * a 100 MB text: 650 MiB). After a long document the worker takes new
 * ones, so that memory follows the documents in flight and not the
 * thread count; beside the document's own work, starting afresh costs
 * little. When a new one cannot be had the old one stays.
 */
static void worker_shrink(struct worker *w, const struct cdx_doc *doc)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct cdx_extract_scratch *scratch;
	struct cdx_index_prep *prep;

	if (doc == NULL || doc->len < SCRATCH_RESET_LEN)
		return;
	if (cdx_extract_scratch_new(&scratch, w->p->ex, &err) == CDX_OK) {
		cdx_extract_scratch_free(w->scratch);
		w->scratch = scratch;
	}
	if (w->prep && cdx_index_prep_new(&prep, &err) == CDX_OK) {
		cdx_index_prep_free(w->prep);
		w->prep = prep;
	}
}

/* Claim the next item that needs work, if any (mu held): its sequence
 * number into *seq. Messages are skipped: they are done when submitted. */
static struct pipeline_item *claim(struct pipeline *p, uint64_t *seq)
{
	/* the consumer may have passed messages no worker looked at */
	if (p->claimed < p->consumed)
		p->claimed = p->consumed;
	while (p->claimed < p->submitted) {
		struct pipeline_item *it = &p->slots[p->claimed % p->cap];

		*seq = p->claimed++;
		if (it->state == SLOT_READY) {
			it->state = SLOT_BUSY;
			return it;
		}
	}
	return NULL;
}

/* Work on a claimed item outside the lock, then mark it done (mu held on
 * entry and on return). */
static void work_claimed(struct worker *w, struct pipeline_item *it,
                         uint64_t seq)
{
	struct pipeline *p = w->p;
	size_t weight = it->weight;

	pthread_mutex_unlock(&p->mu);
	/* after a stop nothing more reaches the sink: skip the work */
	if (!atomic_load(&p->stopped)) {
		weight = work_item(w, it);
		worker_shrink(w, it->doc);
	}
	pthread_mutex_lock(&p->mu);
	it->state = SLOT_DONE;
	/* what the item now holds (the prepared copy instead of the text)
	 * counts against the window until consumed */
	p->inflight = p->inflight - it->weight + weight;
	it->weight = weight;
	/* the consumer waits for the head of the queue only */
	if (seq == p->consumed && p->consumer_waiting)
		pthread_cond_signal(&p->cv_done);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pipeline *p = w->p;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct pipeline_item *it;
		uint64_t seq;

		it = claim(p, &seq);
		if (it == NULL) {
			if (p->closing)
				break;
			p->workers_waiting++;
			pthread_cond_wait(&p->cv_work, &p->mu);
			p->workers_waiting--;
			continue;
		}
		work_claimed(w, it, seq);
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
	struct worker *w = arg;
	struct pipeline *p = w->p;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct pipeline_item *it = &p->slots[p->consumed % p->cap];
		size_t weight;
		int stop = 0;

		if (p->consumed == p->submitted || it->state != SLOT_DONE) {
			struct pipeline_item *next;
			uint64_t seq;

			if (p->consumed == p->submitted && p->closing)
				break;
			/* rather than wait, work on what nobody has taken */
			next = atomic_load(&p->stopped) ? NULL : claim(p, &seq);
			if (next != NULL) {
				work_claimed(w, next, seq);
				continue;
			}
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
		item_reset(p, it);
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
		work_item(&p->w[0], it);
	if (p->sink(p->ctx, it) != 0)
		atomic_store(&p->stopped, 1);
	item_reset(p, it);
	return atomic_load(&p->stopped) ? CDX_ERR_FAIL : CDX_OK;
}

/* Put an item (fields moved from @p src) into the ring. */
static int enqueue(struct pipeline *p, struct pipeline_item *src)
{
	struct pipeline_item *it;

	take_back(p);
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
		/* what was consumed meanwhile */
		pthread_mutex_unlock(&p->mu);
		take_back(p);
		pthread_mutex_lock(&p->mu);
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

/*
 * A long text's parts are large blocks (a part's text, its claims, its
 * prepared copy, the writer's arrays) allocated in one thread and freed
 * in another. glibc's default threshold for mapping a block on its own
 * rises to the size of the largest mapped block freed (up to 32 MiB), so
 * after the first part every such block comes from a thread's heap
 * instead, where the freed memory stays resident and fragments: a
 * 100 MB text ingest still held 144 MiB of heap once its pipeline was
 * gone (59 MiB with the threshold fixed, 24 MiB trimmed as well). A
 * fixed threshold keeps such blocks mapped, and free() unmaps them.
 *
 * The fixed trim threshold matters before the pipeline too: compiling
 * the extractor's patterns (PCRE2's JIT) frees and allocates its
 * temporary memory over and over, and at the default 128 KiB each free
 * gave the top of the heap back (447 brk calls shrinking it, and the
 * pages faulted in again), so ingest and extract set the policy before
 * they load the extractor.
 */
void pipeline_heap_policy(void)
{
#ifdef __GLIBC__
	(void)mallopt(M_MMAP_THRESHOLD, (int)MMAP_THRESHOLD);
	(void)mallopt(M_TRIM_THRESHOLD, (int)TRIM_THRESHOLD);
#endif
}

/* Give the pages of freed blocks back to the system once the pipeline
 * is gone: what runs next (merging segments, compaction at close) reads
 * the whole index through its map, and the heap the pipeline used must
 * not stay resident beside it. */
static void heap_trim(void)
{
#ifdef __GLIBC__
	(void)malloc_trim(0);
#endif
}

static void pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	if (p->w) {
		for (unsigned i = 0; i <= p->n_workers; i++) {
			cdx_extract_scratch_free(p->w[i].scratch);
			cdx_index_prep_free(p->w[i].prep);
			cdx_claims_release(&p->w[i].claims);
		}
	}
	if (p->slots) {
		for (size_t i = 0; i < p->cap; i++) {
			item_reset(p, &p->slots[i]);
			cdx_claims_release(&p->slots[i].claims);
		}
	}
	take_back(p);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv_space);
	pthread_cond_destroy(&p->cv_work);
	pthread_cond_destroy(&p->cv_done);
	free(p->w);
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
	heap_trim();
	return stopped;
}

static int start_threads(struct pipeline *p)
{
	for (unsigned i = 0; i < p->n_workers; i++) {
		if (pthread_create(&p->workers[i], NULL, worker_main,
		                   &p->w[i]) != 0)
			return -1;
		p->n_started++;
	}
	if (pthread_create(&p->consumer, NULL, consumer_main,
	                   &p->w[p->n_workers]) != 0)
		return -1;
	p->consumer_started = 1;
	return 0;
}

int pipeline_new(struct pipeline **out, const struct cdx_extractor *ex,
                 unsigned workers, int prepare, pipeline_sink_fn sink,
                 void *ctx)
{
	struct cdx_error err = CDX_ERROR_INIT;
	struct pipeline *p;

	*out = NULL;
	pipeline_heap_policy();
	p = calloc(1, sizeof *p);
	if (p == NULL) {
		cli_errorf("out of memory");
		return EXIT_INDEX;
	}
	atomic_init(&p->back_blocks, NULL);
	atomic_init(&p->back_docs, NULL);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv_space, NULL);
	pthread_cond_init(&p->cv_work, NULL);
	pthread_cond_init(&p->cv_done, NULL);
	p->ex = ex;
	p->sink = sink;
	p->ctx = ctx;
	p->n_workers = workers;
	p->cap = workers ? SLOTS : 1;
	p->slots = calloc(p->cap, sizeof *p->slots);
	p->w = calloc(workers + 1, sizeof *p->w);
	p->workers = calloc(workers + 1, sizeof *p->workers);
	if (p->slots == NULL || p->w == NULL || p->workers == NULL) {
		cli_errorf("out of memory");
		goto fail;
	}
	for (unsigned i = 0; i <= workers; i++) {
		p->w[i].p = p;
		if (cdx_extract_scratch_new(&p->w[i].scratch, ex, &err) !=
		        CDX_OK ||
		    (prepare && cdx_index_prep_new(&p->w[i].prep, &err) !=
		                    CDX_OK)) {
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
