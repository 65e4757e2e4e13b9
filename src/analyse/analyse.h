/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The analysers: page orders (seed 000/001), slab caches, call sites and
 * processes (seed 003), and faults per process and mapping (seed 004).
 * They consume decoded events, whatever their source, and build the
 * catalogue's tables on demand. Memory grows with distinct keys (and with
 * slab objects still live), not with the number of events.
 */
#ifndef KMS_ANALYSE_H
#define KMS_ANALYSE_H

#include <stdint.h>
#include <event-parse.h>

#include "decode/decode.h"
#include "source/procinfo.h"
#include "analyse/table.h"

struct kms_analysis;

/*
 * An empty analysis of the data tep describes (NULL: none). Page size and
 * long size come from tep when it has them (trace.dat files carry both),
 * else from this machine.
 */
struct kms_analysis *kms_analysis_new(struct tep_handle *tep, const struct kms_proc_ops *ops);
void kms_analysis_free(struct kms_analysis *a);
/* Feed one decoded event. Returns -1 only when out of memory. */
int kms_analysis_add(struct kms_analysis *a, const struct kms_ev *ev);
/* Build one table as asked. Returns -1 when out of memory. */
int kms_analysis_table(struct kms_analysis *a, const struct kms_table_req *rq,
		       struct kms_rows *rows);
/* Take /proc/slabinfo text as the "before" or "after" snapshot. */
int kms_analysis_slabinfo(struct kms_analysis *a, const char *text, int after);
/* Sample VM/RSS of every process seen so far (the end-of-run sample). */
void kms_analysis_sample_procs(struct kms_analysis *a);
/* Count only page events of these orders (bit N: order N; 0: all). */
void kms_analysis_set_orders(struct kms_analysis *a, uint64_t mask);
/* Name the probes (kms_ev.probe indexes names[]), for the probes tables. */
int kms_analysis_set_probes(struct kms_analysis *a, const char *const *names, int nr);
/* The page size of the data, in bytes, when the caller knows better than tep. */
int kms_analysis_set_page_size(struct kms_analysis *a, unsigned int bytes);
/* The NUMA node of each CPU (default: this machine's), for the cross_node columns. */
int kms_analysis_set_cpu_nodes(struct kms_analysis *a, const int *node, int nr);
/* Number of events fed. */
unsigned long long kms_analysis_events(const struct kms_analysis *a);

#endif
