/* SPDX-License-Identifier: GPL-2.0 */
/* The live page queue (source/ only): what live.c calls of livequeue.c. */
#ifndef KMS_LIVEQUEUE_H
#define KMS_LIVEQUEUE_H

#include "source/live.h"
#include "tracefs/subbuf.h"

struct live_queue;

/* The queue of ncpus CPUs, its pool allocated but not touched; NULL: no memory. */
struct live_queue *kms_lq_new(int ncpus, int subbuf_size);
/* Free the queue and the pages still in it. */
void kms_lq_free(struct live_queue *q);
/* Let the readers hand over the last pages without waiting for room. */
void kms_lq_close(struct kms_live *l);
/* Reader callback in queue mode (ctx: the kms_live): copy the page for kms_live_drain(). */
int kms_lq_page(int cpu, const void *page, unsigned int size, const struct kms_subbuf *sb,
		void *ctx);

#endif
