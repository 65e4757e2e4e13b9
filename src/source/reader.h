/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU readers of a session's ring buffers. One thread per CPU sleeps in
 * poll() until the buffer reaches buffer_percent, then takes the reader
 * sub-buffers of the mapped ring buffer (6.10+, tracefs/rbmap.h), or
 * splices whole sub-buffers from trace_pipe_raw where it cannot be mapped
 * (KMEMSCOPE_READ chooses), and hands each page to a callback in the same
 * sub-buffer format either way. Stopping drains what is left, partial
 * pages included, and collects lost-event counts.
 */
#ifndef KMS_READER_H
#define KMS_READER_H

#include "tracefs/session.h"
#include "tracefs/subbuf.h"

struct kms_cpu_stats {
	unsigned long long	pages;
	unsigned long long	bytes;
	unsigned long long	events;
	unsigned long long	missed_pages;	/* pages flagged RB_MISSED_EVENTS */
	unsigned long long	missed_counted;	/* sum of their stored counts */
	unsigned long long	*by_id;		/* events by id, with KMS_READER_COUNT_IDS */
	unsigned long long	cpu_ns;		/* CPU time of the reader, its last drain included */
	/* From per_cpu/cpuN/stats when the reader stopped (source/cpustats.h). */
	unsigned long long	overrun;
	unsigned long long	commit_overrun;
	unsigned long long	dropped;
	char			*stats_text;
};

/*
 * Called from the CPU's reader thread for each sub-buffer read. The page
 * may be the kernel's mapped sub-buffer: valid for the call only, read-only.
 */
typedef int (*kms_page_fn)(int cpu, const void *page, unsigned int size,
			   const struct kms_subbuf *info, void *ctx);

struct kms_reader;

/*
 * Start one reader thread per CPU. flush_ms 0 hands over whole pages only
 * (and the partial last one at stop); a live view passes its refresh time
 * so that partially filled pages are read at least that often.
 */
#define KMS_READER_COUNT_IDS	(1 << 0)	/* count events by id, per CPU */

struct kms_reader *kms_reader_start(struct kms_session *s, int flush_ms, int flags,
				    kms_page_fn fn, void *ctx);
/* Wake the threads, drain the buffers to the last partial page, join. */
int kms_reader_stop(struct kms_reader *r);
/* Free the reader (after stop). */
void kms_reader_free(struct kms_reader *r);

const struct kms_cpu_stats *kms_reader_cpu(const struct kms_reader *r, int cpu);
int kms_reader_ncpus(const struct kms_reader *r);
/* "mmap" or "splice" (if any CPU splices), and why. */
const char *kms_reader_path(const struct kms_reader *r, const char **why);
/* Events lost on a CPU: page flags and ring-buffer counters, not double counted. */
unsigned long long kms_cpu_lost(const struct kms_cpu_stats *st);
/* Running totals, safe to call while the readers run. */
void kms_reader_progress(struct kms_reader *r, unsigned long long *events,
			 unsigned long long *bytes, unsigned long long *lost);

#endif
