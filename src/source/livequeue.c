// SPDX-License-Identifier: GPL-2.0
/*
 * The live page queue of top: a pool of page slots allocated once, one
 * queue per CPU, filled by the reader threads and drained by the main
 * thread in timestamp order, merged across CPUs (kms_live_drain()).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/kms.h"
#include "source/live.h"
#include "source/livequeue.h"
#include "tracefs/subbuf.h"

/*
 * A queued page. Slots come from a pool allocated once (slots never used are
 * never touched, so memory grows only to the deepest the queue has been);
 * at the stop, pages beyond the pool are allocated one by one.
 */
struct qpage {
	struct qpage		*next;
	int			cpu;
	bool			pooled;
	struct kms_subbuf	sb;
	unsigned char		data[];
};

/* One CPU's queue, and where the main thread's merge is in it. */
struct qcpu {
	struct qpage		*head, *tail;	/* queued, oldest first (under the lock) */
	size_t			n;
	/* the main thread's only */
	struct qpage		*cur;		/* the page being merged, out of the queue */
	struct kms_subbuf_iter	it;
	size_t			take;		/* pages of this drain's batch still to take */
	bool			have;		/* rec is this CPU's next record */
	unsigned long long	ts;
	const void		*data;
	unsigned int		len;
};

/*
 * Pages waiting for the main thread. The queue is bounded: when the main
 * thread falls behind, the readers wait, the kernel's ring buffer holds the
 * data, and what it cannot hold is counted as lost; memory never grows.
 * At the stop the queue takes the last pages without a bound (the ring
 * buffer's size bounds them), as the main thread drains it only afterwards.
 */
/* 16 MiB of pages: room while the main thread is held off the CPU */
#define LIVE_QUEUE_BYTES	(16U << 20)

struct live_queue {
	pthread_mutex_t		lock;
	pthread_cond_t		room;
	unsigned char		*pool;
	size_t			slot_size, nslots, fresh;	/* slots below fresh were used */
	struct qpage		*free;
	size_t			nfree;		/* slots free, used before or not */
	size_t			queued;		/* pages in the CPUs' queues */
	int			waiting;	/* readers waiting for room */
	bool			closing;	/* stopping: no bound, no waiting */
	int			ncpus;
	struct qcpu		*cpus;
	int			*heap;		/* CPUs by their next record */
	unsigned long long	last_ts;	/* of the last record delivered */
	bool			delivered;
};

/* A free slot, waiting for one while the queue is full (under the lock). */
static struct qpage *queue_slot(struct live_queue *q)
{
	struct qpage *p;

	while (!q->free && q->fresh == q->nslots && !q->closing) {
		q->waiting++;
		pthread_cond_wait(&q->room, &q->lock);
		q->waiting--;
	}
	if (q->free) {
		p = q->free;
		q->free = p->next;
		q->nfree--;
	} else if (q->fresh < q->nslots) {
		p = (struct qpage *)(q->pool + q->fresh++ * q->slot_size);
		p->pooled = true;
		q->nfree--;
	} else {
		p = malloc(q->slot_size);	/* closing: the ring buffer bounds these */
		if (p)
			p->pooled = false;
	}
	return p;
}

/*
 * Back to the pool (under the lock). Waiting readers are woken only once an
 * eighth of the pool is free: a real-time reader woken for every page
 * would preempt the main thread for every page it frees.
 */
static void queue_release(struct live_queue *q, struct qpage *p)
{
	if (!p->pooled) {
		free(p);
		return;
	}
	p->next = q->free;
	q->free = p;
	q->nfree++;
	if (q->waiting && q->nfree >= q->nslots / 8)
		pthread_cond_broadcast(&q->room);
}

/* Reader callback in queue mode: copy the page for kms_live_drain(). */
int kms_lq_page(int cpu, const void *page, unsigned int size,
		      const struct kms_subbuf *sb, void *ctx)
{
	struct live_queue *q = ((struct kms_live *)ctx)->queue;
	struct qcpu *c;
	struct qpage *p;

	if (size > q->slot_size - sizeof(*p) || cpu < 0 || cpu >= q->ncpus)
		return kms_error(KMS_ERR_FAIL, "cpu%d: page of %u bytes does not fit the queue",
				 cpu, size);
	c = &q->cpus[cpu];
	pthread_mutex_lock(&q->lock);
	p = queue_slot(q);
	pthread_mutex_unlock(&q->lock);
	if (!p)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	p->next = NULL;
	p->cpu = cpu;
	p->sb = *sb;
	memcpy(p->data, page, size);
	pthread_mutex_lock(&q->lock);
	if (c->tail)
		c->tail->next = p;
	else
		c->head = p;
	c->tail = p;
	c->n++;
	q->queued++;
	pthread_mutex_unlock(&q->lock);
	return 0;
}

/* The queue of a session's CPUs, its pool allocated but not touched. */
struct live_queue *kms_lq_new(int ncpus, int subbuf_size)
{
	struct live_queue *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->room, NULL);
	q->ncpus = ncpus;
	q->slot_size = (sizeof(struct qpage) + subbuf_size + 63) & ~(size_t)63;
	q->nslots = LIVE_QUEUE_BYTES / subbuf_size;
	if (q->nslots < 64)
		q->nslots = 64;
	q->nfree = q->nslots;
	q->pool = malloc(q->nslots * q->slot_size);
	q->cpus = calloc(ncpus, sizeof(*q->cpus));
	q->heap = calloc(ncpus, sizeof(*q->heap));
	if (!q->pool || !q->cpus || !q->heap) {
		free(q->pool);
		free(q->cpus);
		free(q->heap);
		free(q);
		return NULL;
	}
	return q;
}

/* Free the queue and the pages still in it. */
void kms_lq_free(struct live_queue *q)
{
	struct qpage *p, *n;
	int i;

	if (!q)
		return;
	for (i = 0; i < q->ncpus; i++) {
		if (q->cpus[i].cur && !q->cpus[i].cur->pooled)
			free(q->cpus[i].cur);
		for (p = q->cpus[i].head; p; p = n) {
			n = p->next;
			if (!p->pooled)
				free(p);
		}
	}
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->room);
	free(q->pool);
	free(q->cpus);
	free(q->heap);
	free(q);
}

/* Let the readers hand over the last pages without waiting for room. */
void kms_lq_close(struct kms_live *l)
{
	if (!l->queue)
		return;
	pthread_mutex_lock(&l->queue->lock);
	l->queue->closing = true;
	pthread_cond_broadcast(&l->queue->room);
	pthread_mutex_unlock(&l->queue->lock);
}

/*
 * CPU c's next record into c->ts/data/len, moving on to the next page of
 * this drain's batch when its page is done; c->have says whether there was one.
 */
static bool next_record(struct kms_live *l, struct qcpu *c)
{
	struct live_queue *q = l->queue;

	for (;;) {
		if (c->cur) {
			/* a corrupt record ends its page, as the whole-batch merge did */
			if (kms_subbuf_next(&c->it, &c->data, &c->len, &c->ts) > 0)
				return c->have = true;
			pthread_mutex_lock(&q->lock);
			queue_release(q, c->cur);
			pthread_mutex_unlock(&q->lock);
			c->cur = NULL;
		}
		if (!c->take)
			return c->have = false;
		pthread_mutex_lock(&q->lock);
		c->cur = c->head;
		c->head = c->cur->next;
		if (!c->head)
			c->tail = NULL;
		c->n--;
		q->queued--;
		pthread_mutex_unlock(&q->lock);
		c->take--;
		kms_subbuf_iter_init(&c->it, c->cur->data, l->session.long_size, &c->cur->sb);
	}
}

/* Whether CPU x's next record goes before CPU y's: timestamp, then CPU number. */
static bool merge_before(const struct qcpu *cpus, int x, int y)
{
	return cpus[x].ts < cpus[y].ts || (cpus[x].ts == cpus[y].ts && x < y);
}

/* Move heap slot k down to its place. */
static void merge_sift(const struct qcpu *cpus, int *heap, int n, int k)
{
	int m, c;

	for (; (m = 2 * k + 1) < n; k = m) {
		if (m + 1 < n && merge_before(cpus, heap[m + 1], heap[m]))
			m++;
		if (!merge_before(cpus, heap[m], heap[k]))
			return;
		c = heap[k];
		heap[k] = heap[m];
		heap[m] = c;
	}
}

/* How often the deadline is looked at, in records. */
#define DRAIN_CLOCK_EVERY	256

/*
 * The pages queued when called form a batch: each CPU's records are in
 * order, and the CPUs are merged through a heap of their next records, in
 * place in the pages (nothing is copied or allocated). A deadline leaves
 * the rest of the batch, and where each CPU is in it, for the next call.
 */
int kms_live_drain(struct kms_live *l, struct tep_handle *tep, kms_record_fn fn, void *ctx,
		   unsigned long long deadline)
{
	struct live_queue *q = l->queue;
	struct qcpu *cpus;
	unsigned long count = 0;
	int *heap, n = 0, i;

	if (!q)
		return 1;
	cpus = q->cpus;
	heap = q->heap;
	pthread_mutex_lock(&q->lock);
	for (i = 0; i < q->ncpus; i++)
		cpus[i].take = cpus[i].n;
	pthread_mutex_unlock(&q->lock);
	for (i = 0; i < q->ncpus; i++) {
		if (cpus[i].have || next_record(l, &cpus[i]))
			heap[n++] = i;
	}
	for (i = n / 2 - 1; i >= 0; i--)
		merge_sift(cpus, heap, n, i);
	while (n) {
		struct qcpu *c = &cpus[heap[0]];
		struct tep_record rec = { .ts = c->ts, .cpu = heap[0], .data = (void *)c->data,
					  .size = c->len };

		c->have = false;
		q->last_ts = c->ts;
		q->delivered = true;
		if (fn(tep, &rec, heap[0], 0, ctx) < 0)
			return -1;
		if (!next_record(l, c))
			heap[0] = heap[--n];
		merge_sift(cpus, heap, n, 0);
		if (deadline && !(++count % DRAIN_CLOCK_EVERY) && kms_now_ns() >= deadline)
			return 0;
	}
	return 1;
}

bool kms_live_backlog(struct kms_live *l, unsigned long long *last_ts, size_t *pages)
{
	struct live_queue *q = l->queue;
	bool pending = false;
	int i;

	*last_ts = 0;
	*pages = 0;
	if (!q)
		return false;
	for (i = 0; i < q->ncpus; i++)
		pending |= q->cpus[i].have || q->cpus[i].cur;
	pthread_mutex_lock(&q->lock);
	*pages = q->queued;
	pthread_mutex_unlock(&q->lock);
	*last_ts = q->delivered ? q->last_ts : 0;
	return pending || *pages;
}
