// SPDX-License-Identifier: GPL-2.0
/*
 * The analysis: its life cycle, the facts of the machine the data came
 * from, the processes seen, and the dispatch of each decoded event, by its
 * type, to the domain that aggregates it (pages.c, slab.c, faults.c,
 * probes.c, snapshots.c).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyse/internal.h"
#include "decode/hot.h"
#include "base/kms.h"

/* The fact maps of an analysis, with their key and value sizes. */
static int init_maps(struct kms_analysis *a)
{
	return kms_hmap_init(&a->page_alloc, sizeof(struct pa_key), sizeof(struct cnt2)) ||
	       kms_hmap_init(&a->page_free, 4, sizeof(struct cnt2)) ||
	       kms_hmap_init(&a->slab, sizeof(struct sl_key), 4) ||
	       kms_hmap_init(&a->live, 8, sizeof(struct live_val)) ||
	       kms_hmap_init(&a->names, sizeof(struct nm_key), 4) ||
	       kms_hmap_init(&a->faults, 4, sizeof(struct ft_val)) ||
	       kms_hmap_init(&a->fmaps, sizeof(struct fm_key), 8) ||
	       kms_hmap_init(&a->procs, 4, sizeof(struct pi_val)) ||
	       kms_hmap_init(&a->rss, 4, sizeof(struct rss_val)) ||
	       kms_hmap_init(&a->syms, 8, 4) ||
	       kms_hmap_init(&a->slabinfo, 4, sizeof(struct si_val)) ||
	       kms_hmap_init(&a->gfp_names, 8, 4) ||
	       kms_hmap_init(&a->probes, sizeof(struct probe_key), 8) ||
	       kms_hmap_init(&a->probe_orders, sizeof(struct probe_key), 8) ||
	       kms_hmap_init(&a->page_live, 8, 4) || kms_hmap_init(&a->page_req, 4, sizeof(struct pr_val)) ||
	       kms_hmap_init(&a->slab_life, sizeof(struct lt_key), 8) ||
	       kms_hmap_init(&a->snaps, sizeof(struct sn_key), sizeof(struct sn_val)) ? -1 : 0;
}

/* The page size of the data: the recording's header, else this machine's. */
static unsigned int data_page_size(struct tep_handle *tep)
{
	long sz = tep ? tep_get_page_size(tep) : 0;

	if (sz <= 0)
		sz = sysconf(_SC_PAGESIZE);
	return sz > 0 ? sz : 4096;
}

/* The size of a long on the machine the data came from. */
static int data_long_size(struct tep_handle *tep)
{
	int sz = tep ? tep_get_long_size(tep) : 0;

	return sz == 4 || sz == 8 ? sz : (int)sizeof(long);
}

struct kms_analysis *kms_analysis_new(struct tep_handle *tep, const struct kms_proc_ops *ops)
{
	struct kms_analysis *a = calloc(1, sizeof(*a));

	if (!a)
		goto nomem;
	a->tep = tep;
	if (ops)
		a->ops = *ops;
	a->facts_seen = calloc(KMS_FACTS_SEEN, sizeof(*a->facts_seen));
	if (!a->facts_seen) {
		free(a);
		goto nomem;
	}
	a->page_size = data_page_size(tep);
	a->long_size = data_long_size(tep);
	if (kms_strtab_init(&a->strs) || init_maps(a) || kms_analysis_host_nodes(a)) {
		kms_analysis_free(a);
		goto nomem;
	}
	a->gfp_syms = kms_gfp_syms(tep);
	return a;
nomem:
	kms_error(KMS_ERR_NOMEM, "out of memory");
	return NULL;
}

void kms_analysis_free(struct kms_analysis *a)
{
	if (!a)
		return;
	kms_strtab_free(&a->strs);
	free(a->facts_seen);
	kms_hmap_free(&a->page_alloc);
	kms_hmap_free(&a->page_free);
	kms_hmap_free(&a->slab);
	kms_hmap_free(&a->live);
	kms_hmap_free(&a->names);
	free(a->facts);
	kms_hmap_free(&a->faults);
	kms_hmap_free(&a->fmaps);
	kms_hmap_free(&a->procs);
	kms_hmap_free(&a->rss);
	kms_hmap_free(&a->syms);
	kms_hmap_free(&a->slabinfo);
	kms_hmap_free(&a->gfp_names);
	kms_hmap_free(&a->probes);
	kms_hmap_free(&a->probe_orders);
	kms_hmap_free(&a->page_live);
	kms_hmap_free(&a->page_req);
	kms_hmap_free(&a->slab_life);
	kms_hmap_free(&a->snaps);
	kms_rmaps_free(a);
	free(a->cpu_node);
	kms_stacks_free(a);
	free(a->probe_names);
	free(a->sel_pids);
	free(a->sel_comms);
	free(a);
}

int kms_analysis_set_bounds(struct kms_analysis *a, unsigned int max_procs,
			    unsigned int max_live)
{
	a->max_procs = max_procs;
	a->max_live = max_live;
	/* the maps of live objects take their full size now, not in steps as they fill */
	if (max_live && (kms_hmap_reserve(&a->live, max_live) < 0 ||
			 kms_hmap_reserve(&a->page_live, max_live) < 0))
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	return 0;
}

void kms_analysis_set_stacks(struct kms_analysis *a, bool wanted)
{
	a->no_stacks = !wanted;
}

void kms_analysis_set_tables(struct kms_analysis *a, const struct kms_table_req *rq, int n)
{
	a->no_lifetimes = !kms_tables_show(rq, n, "slab_lifetime");
	a->no_fault_maps = !kms_tables_show(rq, n, "faults_by_mapping");
}

void kms_analysis_set_raw_addresses(struct kms_analysis *a, bool raw)
{
	a->raw_addresses = raw;
}

void kms_analysis_folded(const struct kms_analysis *a, unsigned long long *procs,
			 unsigned long long *events, unsigned long long *untracked)
{
	*procs = a->folded_procs;
	*events = a->folded_events;
	*untracked = a->untracked;
}

/* Override the page size that came with the data (a power of two, >= 1 KiB). */
int kms_analysis_set_page_size(struct kms_analysis *a, unsigned int bytes)
{
	if (bytes < 1024 || (bytes & (bytes - 1)))
		return kms_error(KMS_ERR_INPUT,
				 "page size %u is not a power of two of at least 1024", bytes);
	a->page_size = bytes;
	return 0;
}

void kms_analysis_set_orders(struct kms_analysis *a, uint64_t mask)
{
	a->orders = mask;
}

unsigned long long kms_analysis_events(const struct kms_analysis *a)
{
	return a->events;
}

/* kms_proc_seen() past its shortcut: the process map, and a new pid's comm and memory. */
struct pi_val *kms_proc_seen_map(struct kms_analysis *a, int pid)
{
	const char *comm = NULL;
	struct pi_val *p;
	int32_t key = pid;
	int added;

	p = KMS_HMAP_GET(&a->procs, &key, &added);
	if (p) {
		a->last_pid = pid;
		a->last_proc = p;
		a->last_slots = a->procs.slots;
	}
	if (!p || !added)
		return p;
	if (a->ops.comm)
		comm = a->ops.comm(pid, a->ops.ctx);
	if (!comm && a->tep && tep_is_pid_registered(a->tep, pid))
		comm = tep_data_comm_from_pid(a->tep, pid);
	if (pid == KMS_PID_OTHER)
		comm = "other";
	if (!comm)
		comm = pid ? "<...>" : "<idle>";
	p->comm = kms_intern_str(&a->strs, comm);
	if (a->ops.mem && a->ops.mem(pid, &p->vm, &p->rss, &p->majflt, a->ops.ctx) == 0)
		p->mem_known = 1;
	return p;
}

/* The string id of a pid's comm (0, "", when out of memory). */
int64_t kms_comm_of(struct kms_analysis *a, int32_t pid)
{
	struct pi_val *p = kms_proc_seen(a, pid);

	return p ? p->comm : 0;
}

void kms_analysis_sample_procs(struct kms_analysis *a)
{
	const void *k;
	void *v;
	size_t pos = 0;

	if (!a->ops.mem)
		return;
	while (kms_hmap_next(&a->procs, &pos, &k, &v)) {
		struct pi_val *p = v;
		long long vm, rss, maj;

		if (a->ops.mem(*(const int32_t *)k, &vm, &rss, &maj, a->ops.ctx) == 0) {
			p->vm = vm;
			p->rss = rss;
			p->majflt = maj;
			p->mem_known = 2;	/* sampled at the end */
		}
	}
}

/* An event of a process past the bound (max_procs), counted as pid -2 ("other"). */
static __attribute__((noinline)) int add_folded(struct kms_analysis *a, const struct kms_ev *ev)
{
	struct kms_ev folded = *ev;

	a->folded_events++;
	folded.pid = KMS_PID_OTHER;
	return kms_analysis_add(a, &folded);
}

/* kms_analysis_add(), inline in the record loop below. */
static inline __attribute__((always_inline)) int add_event(struct kms_analysis *a,
							   const struct kms_ev *ev)
{
	bool in_scope, counted;
	int ret;

	/* Fork, exec and exit build the process table; they are not counted. */
	if (ev->type >= KMS_EV_FORK && ev->type <= KMS_EV_EXIT)
		return kms_process_add(a, ev) < 0 ? kms_error(KMS_ERR_NOMEM, "out of memory") : 0;
	in_scope = !a->scope_active || kms_in_scope(a, ev->pid);
	counted = ev->type == KMS_EV_PRINT ||
		  (in_scope && (!a->selecting || kms_selected(a, ev)));
	/*
	 * stacks.c pairs each kernel_stack with the event before it on its CPU:
	 * it sees every event, and adds the stacks of counted ones only.
	 */
	if (!a->no_stacks && kms_stacks_add(a, ev, counted) < 0)	/* no_stacks: none in the data, or none wanted */
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	if (!counted) {
		if (!in_scope)
			a->foreign++;
		else
			a->unselected++;
		/* another task's free of a counted object still ends its life */
		return kms_slab_free_counted(a, ev) < 0 ? kms_error(KMS_ERR_NOMEM, "out of memory") : 0;
	}
	if (ev->type == KMS_EV_STACK)
		return 0;
	if (a->max_procs && a->procs.len >= a->max_procs && ev->pid != KMS_PID_OTHER) {
		int32_t pid = ev->pid;

		if (!kms_hmap_find(&a->procs, &pid))
			return add_folded(a, ev);	/* past the bound: one "other" process takes the rest */
	}
	if (a->orders && (ev->type == KMS_EV_PAGE_ALLOC || ev->type == KMS_EV_PAGE_FREE) &&
	    (ev->order > KMS_MAX_ORDER || !(a->orders & (1ULL << ev->order))))
		return 0;
	a->events++;
	if (!kms_proc_seen(a, ev->pid))
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	if (ev->probe >= 0 && kms_probe_add(a, ev) < 0)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	/*
	 * Each type's handler, by direct calls, the commonest first: branches
	 * the CPU predicts from the events before, where an indirect call
	 * through a table mispredicted as the types interleave. Types without
	 * one (KMS_EV_PROBE: kms_probe_add() above) are only counted.
	 */
	_Static_assert(KMS_EV_KMALLOC_NODE == KMS_EV_KMALLOC + 1 && KMS_EV_CACHE_ALLOC == KMS_EV_KMALLOC + 2 &&
		       KMS_EV_CACHE_ALLOC_NODE == KMS_EV_KMALLOC + 3, "the slab allocations in a row");
	if (ev->type == KMS_EV_PAGE_ALLOC || ev->type == KMS_EV_PAGE_FREE) {
		ret = kms_pages_add(a, ev);
	} else if (ev->type >= KMS_EV_KMALLOC && ev->type <= KMS_EV_CACHE_ALLOC_NODE) {
		ret = kms_slab_alloc(a, ev);
	} else if (ev->type == KMS_EV_KFREE || ev->type == KMS_EV_CACHE_FREE) {
		ret = kms_slab_free(a, ev);
	} else if (ev->type == KMS_EV_RSS_STAT) {
		ret = kms_rss_stat_add(a, ev);
	} else if (ev->type == KMS_EV_FAULT_USER || ev->type == KMS_EV_FAULT_KERNEL) {
		ret = kms_fault_add(a, ev);
	} else {
		ret = ev->type == KMS_EV_PRINT ? kms_print_add(a, ev) : 0;
	}
	return ret < 0 ? kms_error(KMS_ERR_NOMEM, "out of memory") : 0;
}

int kms_analysis_add(struct kms_analysis *a, const struct kms_ev *ev)
{
	return add_event(a, ev);
}

/* Decode and add a run of records (decoding inline, decode/hot.h): the file loop's call a run. */
int kms_analysis_add_records(struct kms_analysis *a, struct kms_decoder *d,
			     const struct tep_record *recs, int n)
{
	const struct kms_ev *ev;
	int i;

	for (i = 0; i < n; i++)
		if ((ev = kms_decode_hot(d, &recs[i])) && add_event(a, ev) < 0)
			return -1;
	return 0;
}
