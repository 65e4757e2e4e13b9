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

#include <stdbool.h>
#include <stdint.h>
#include <event-parse.h>

#include "decode/decode.h"
#include "source/procinfo.h"
#include "analyse/table.h"

struct kms_analysis;

#define KMS_SCOPE_ROOTS 16

/* Whose events count: the traced tree, from the scope lines in the stream. */
struct kms_scope_info {
	bool			active;		/* false: every process counts */
	const char		*kind;		/* "command", "pid", "cgroup"; NULL */
	const char		*cgroup;	/* --cgroup DIR, or NULL */
	const int		*roots;		/* the command or -p pids (at most KMS_SCOPE_ROOTS) */
	int			nr_roots;
	unsigned long long	foreign;	/* events of other processes, dropped */
};

/*
 * An empty analysis of the data tep describes (NULL: none). Page size and
 * long size come from tep when it has them (trace.dat files carry both),
 * else from this machine.
 */
struct kms_analysis *kms_analysis_new(struct tep_handle *tep, const struct kms_proc_ops *ops);
void kms_analysis_free(struct kms_analysis *a);
/* Feed one decoded event. Returns -1 only when out of memory. */
int kms_analysis_add(struct kms_analysis *a, const struct kms_ev *ev);
/* Decode n records in a row with d and feed the events of known types; -1 only when out of memory. */
int kms_analysis_add_records(struct kms_analysis *a, struct kms_decoder *d,
			     const struct tep_record *recs, int n);
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
/*
 * Count only pid's tree (kind: "command", "pid"); the live source's scope
 * lines in the stream do the same for recordings.
 */
int kms_analysis_scope_add(struct kms_analysis *a, int pid, const char *kind);
/* Which events to count (report-time selection); every field is optional. */
struct kms_select {
	const int		*pids;		/* only these processes */
	int			nr_pids;
	const char *const	*comms;		/* only processes of these names, as they
						 * were named when the event happened */
	int			nr_comms;
	bool			window;		/* only events in [start_ns, end_ns) */
	unsigned long long	start_ns, end_ns; /* after the first record (origin) */
};

/* Count only the selected events; the rest are counted as not selected. */
int kms_analysis_select(struct kms_analysis *a, const struct kms_select *sel);
/* The stream's first record, from which --time counts (else the first event fed). */
void kms_analysis_origin(struct kms_analysis *a, unsigned long long ts);
/* Events fed but left out by the selection. */
unsigned long long kms_analysis_unselected(const struct kms_analysis *a);
/*
 * Bound the analysis's memory for long live runs: at most max_procs
 * processes get rows of their own (later ones are folded into one "other"
 * process, pid KMS_PID_OTHER), and at most max_live slab objects and pages
 * are followed until their free (later ones are counted, not followed);
 * the maps of live objects are sized for max_live at once, so that memory
 * does not step up as they fill. 0: no bound (report). -1: out of memory.
 */
#define KMS_PID_OTHER	(-2)
int kms_analysis_set_bounds(struct kms_analysis *a, unsigned int max_procs,
			    unsigned int max_live);
/*
 * Forget the processes that exited at least grace_ns before the latest
 * process event (but the traced command and -p pids): their rows fold into
 * "other", so that a bounded analysis holds the processes that live. It
 * looks once a grace period (of the events' time) at most, so a process is
 * forgotten one to two grace periods after its exit. The number
 * forgotten, or -1 (out of memory; nothing is folded).
 */
long kms_analysis_forget_exited(struct kms_analysis *a, unsigned long long grace_ns);
/* Exited processes forgotten so far. */
unsigned long long kms_analysis_forgotten(const struct kms_analysis *a);
/* Processes folded into "other", and allocations not followed, so far. */
void kms_analysis_folded(const struct kms_analysis *a, unsigned long long *procs,
			 unsigned long long *events, unsigned long long *untracked);
/*
 * Whether kernel stacks are paired with their events (default: yes, when
 * the data has the kernel_stack format). Pairing sees every event, so a
 * caller that shows no stacks turns it off once, before the first event.
 */
void kms_analysis_set_stacks(struct kms_analysis *a, bool wanted);
/*
 * Count only what the n tables show (default: everything): slab object
 * lifetimes for slab_lifetime, faults by mapping for faults_by_mapping.
 * Called once, before the first event.
 */
void kms_analysis_set_tables(struct kms_analysis *a, const struct kms_table_req *rq, int n);
/* Show call sites and frames without a symbol as raw addresses (else "[unknown]"). */
void kms_analysis_set_raw_addresses(struct kms_analysis *a, bool raw);
/* The scope and the events it dropped. */
void kms_analysis_scope(const struct kms_analysis *a, struct kms_scope_info *si);
/* The NUMA node of each CPU (default: this machine's), for the cross_node columns. */
int kms_analysis_set_cpu_nodes(struct kms_analysis *a, const int *node, int nr);
/* Number of events fed. */
unsigned long long kms_analysis_events(const struct kms_analysis *a);

#endif
