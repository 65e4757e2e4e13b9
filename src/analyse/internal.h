/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the analysers: the analysis and its fact maps, the string table,
 * each domain's event handlers, emitters and derived columns, and the
 * projection that groups emitted facts into rows. Only analyse/ includes it.
 */
#ifndef KMS_ANALYSE_INTERNAL_H
#define KMS_ANALYSE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "analyse/analyse.h"
#include "analyse/table.h"
#include "base/hmap.h"

/* Page orders above this are corrupt data: 1 << order would not fit. */
#define KMS_MAX_ORDER	63

/* Interned strings: one copy of each, named by a small id (0 is ""). */
struct strtab {
	struct kms_hmap	map;	/* hash -> id */
	char		**strs;
	size_t		n, cap;
};

/* Where a slab fact's cache name came from, in rising confidence. */
enum { SRC_EVENT, SRC_SIZECLASS, SRC_INFERRED, SRC_UNKNOWN };

struct pa_key { int32_t pid, order, mt, pad; uint64_t gfp; };
struct cnt2 { uint64_t count, pages; };
struct sl_key { uint32_t cache, src; int32_t pid; uint32_t pad; uint64_t call_site; };
struct sl_val { int64_t allocs, frees, live; uint64_t bytes_req, bytes_alloc;
		 int64_t cross_cpu, cross_node; };
struct ft_val { uint64_t faults, user, kernel, read, write, exec; };
struct fm_key { int32_t pid; uint32_t map; };
struct probe_key { int32_t probe, pid; };
/* a slab fact: the slab map holds its index (stable, unlike a slot) */
struct sl_fact { struct sl_key k; struct sl_val v; uint32_t free_fact; uint32_t pad; };	/* free_fact: index + 1 of its frees' fact, 0: not looked up */
struct live_val { uint64_t req, alloc, ts; uint32_t fact; int32_t cpu; };
/* a cache name from an event, by its bytes (longer ones go to the string table) */
struct nm_key { uint32_t len; char s[28]; };
/* a cache name's id as last found, by its bytes as words (zero past len), in a small table */
struct nm_seen { uint64_t w[4]; uint32_t len; int32_t id; };
#define KMS_NAMES_SEEN	64	/* a power of two; more than the caches a host allocates from at once */
/*
 * An allocation's fact as last found, by its call site, process and cache
 * name (the name's words as in nm_seen; a kmalloc class: its string id in
 * w[0] and len KMS_SEEN_CLASS), in a small table indexed by call site and
 * process: most allocations come from a few hundred call sites.
 */
struct fact_seen { uint64_t call_site; int32_t pid; uint32_t len; uint64_t w[4]; uint32_t fact, used; };
#define KMS_FACTS_SEEN	1024	/* a power of two */
#define KMS_SEEN_CLASS	0xffffffffU
/* views.c: page requests by order, object lifetimes, /proc snapshot values */
struct pr_val { uint64_t failed, freed, free_only; };
struct lt_key { uint32_t cache, bucket; uint64_t call_site; };
struct sn_key { uint32_t kind, name; int32_t node, order; };
struct sn_val { int64_t before, after; int32_t has_before, has_after; uint32_t unit, pad; };
struct pi_val {
	uint32_t	comm;
	int32_t		mem_known;
	long long	vm, rss, majflt;
	uint8_t		in_scope;	/* in the traced tree */
	uint8_t		named;		/* comm from a process event */
	uint8_t		exited;		/* its sched_process_exit was seen, at exit_ts */
	uint8_t		fold;		/* being folded into "other" (fold.c) */
	unsigned long long exit_ts;
};
struct rss_val { int32_t pid, pad; int64_t size[4]; uint64_t seq; };	/* seq: its last event */
struct si_val { int64_t before, after, objsize; int32_t has_before, has_after; };

struct kms_analysis {
	struct tep_handle	*tep;
	struct kms_proc_ops	ops;
	struct strtab		strs;
	struct kms_hmap		page_alloc;	/* pa_key -> cnt2 */
	struct kms_hmap		page_free;	/* int32 order -> cnt2 */
	struct kms_hmap		slab;		/* sl_key -> u32 index into facts */
	struct sl_fact		*facts;		/* the slab facts, in the order first seen */
	uint32_t		nr_facts, cap_facts;
	struct kms_hmap		live;		/* u64 ptr -> live_val */
	struct kms_hmap		names;		/* nm_key -> u32 string id */
	struct nm_seen		names_seen[KMS_NAMES_SEEN];	/* in front of names (slab.c) */
	struct fact_seen	*facts_seen;	/* KMS_FACTS_SEEN of them, in front of slab (slab.c) */
	struct kms_hmap		faults;		/* int32 pid -> ft_val */
	struct kms_hmap		fmaps;		/* fm_key -> u64 */
	struct kms_hmap		procs;		/* int32 pid -> pi_val */
	struct kms_hmap		rss;		/* u32 mm_id -> rss_val */
	struct kms_hmap		syms;		/* u64 addr -> u32 string id */
	struct kms_hmap		slabinfo;	/* u32 cache -> si_val */
	unsigned long long	events;
	uint64_t		orders;		/* 0: every order */
	struct tep_print_flag_sym *gfp_syms;	/* __print_flags table of gfp_flags */
	struct kms_hmap		gfp_names;	/* u64 gfp -> u32 string id */
	struct kms_hmap		probes;		/* probe_key -> u64 hits */
	struct kms_hmap		probe_orders;	/* probe_key (pid: order) -> u64 hits */
	int64_t			*probe_names;	/* string ids, by probe index */
	int			nr_probes;
	bool			scope_active;	/* only the traced tree counts */
	char			scope_kind[16];	/* "command", "pid", "cgroup" */
	char			scope_cgroup[4096];
	int			roots[KMS_SCOPE_ROOTS];
	int			nr_roots;
	unsigned long long	foreign;	/* events outside the scope, dropped */
	bool			selecting;	/* a report-time selection is set */
	int			*sel_pids;
	int			nr_sel_pids;
	int64_t			*sel_comms;	/* string ids */
	int			nr_sel_comms;
	bool			sel_window;
	unsigned long long	sel_start, sel_end;
	bool			have_origin;
	unsigned long long	origin;
	unsigned long long	unselected;
	struct kms_hmap		page_live;	/* u64 pfn -> int32 order: pages not yet freed */
	struct kms_hmap		page_req;	/* int32 order -> pr_val */
	struct kms_hmap		slab_life;	/* lt_key -> u64 frees */
	struct kms_hmap		snaps;		/* sn_key -> sn_val (buddyinfo, meminfo, vmstat) */
	int			*cpu_node;	/* NUMA node by CPU, nr_cpu_node of them */
	int			nr_cpu_node;
	int			no_pfn;		/* page events without a pfn field */
	unsigned int		page_size;	/* bytes, of the machine the data came from */
	int			long_size;	/* bytes in a long, likewise */
	struct kms_stacks	*stk;		/* kernel stacks (stacks.c), NULL: none yet */
	int			no_stacks;	/* no kernel_stack format, or no stacks wanted */
	bool			no_lifetimes;	/* slab_life is not counted: no table shows it */
	bool			no_fault_maps;	/* nor fmaps (the faults' mappings) */
	/* per-event shortcuts: the last process seen, the kmalloc class names' ids */
	int32_t			last_pid;
	struct pi_val		*last_proc;	/* valid while procs.slots is last_slots */
	const void		*last_slots;
	int64_t			kmalloc_ids[16];	/* by class index; 0: not interned yet */
	int64_t			unknown_id;	/* "?", 0: not interned yet */
	struct kms_rmaps	*rmaps;		/* recorded maps (rmaps.c), or NULL */
	bool			raw_addresses;	/* unsymbolised addresses shown as such */
	unsigned int		max_procs;	/* 0: every process gets its rows */
	unsigned int		max_live;	/* 0: every live object is followed */
	unsigned long long	folded_procs;	/* processes folded into "other" */
	unsigned long long	folded_events;
	unsigned long long	untracked;	/* allocations not followed (max_live) */
	unsigned long long	forgotten;	/* exited processes folded into "other" (fold.c) */
	unsigned long long	proc_ts;	/* the latest process event's time */
	unsigned long long	fold_ts;	/* proc_ts at the last look for exited processes */
	unsigned int		nr_exited;	/* processes with exited set */
};

/* One process's memory, as the faults table shows it. */
struct proc_mem {
	int64_t		vm, rss, majflt;
	int		have_vm;
	const char	*source;	/* "end", "last-sample", "rss_stat"; NULL: unknown */
};

/* A table being built: the request, its groups, and per-table state. */
struct kms_proj {
	struct kms_analysis		*a;
	const struct kms_table_req	*rq;
	const struct kms_table_def	*def;
	struct kms_hmap			groups;	/* group key -> u32 index of its sums */
	struct grp_val			**sums;	/* the rows' summed facts, in chunks that never move */
	uint32_t			nr_sums, nr_chunks;
	enum kms_slot			key_of[KMS_MAX_KEYS];	/* slot of each grouped key */
	int				key_pos[KMS_SLOT__MAX];	/* its key position, or -1 */
	const char			*note;	/* set by an emitter: why empty */
	int64_t				mem_pid; /* process of mem, or -1 */
	struct proc_mem			mem;	/* last looked up by a column */
};

/* One row as derived columns see it. */
struct kms_group {
	const int64_t	*key;	/* by key position, as the request lists them */
	const uint64_t	*sum;	/* by enum kms_slot */
};

/* strtab.c */
int kms_strtab_init(struct strtab *t);
void kms_strtab_free(struct strtab *t);
int64_t kms_intern(struct strtab *t, const char *s, size_t len);
int64_t kms_intern_str(struct strtab *t, const char *s);

/* analyse.c: processes */
struct pi_val *kms_proc_seen_map(struct kms_analysis *a, int pid);

/* First sight of a pid: remember its comm and, live, its memory (kms_proc_seen_map). */
static inline struct pi_val *kms_proc_seen(struct kms_analysis *a, int pid)
{
	if (a->last_proc && a->last_pid == pid && a->last_slots == a->procs.slots)
		return a->last_proc;	/* entries move only when the map grows */
	return kms_proc_seen_map(a, pid);
}
int64_t kms_comm_of(struct kms_analysis *a, int32_t pid);

/* The NUMA node of a CPU, as the analysis was told (node 0 when not); inline, a slab allocation asks. */
static inline int kms_node_of_cpu(const struct kms_analysis *a, int cpu)
{
	return cpu >= 0 && cpu < a->nr_cpu_node ? a->cpu_node[cpu] : 0;
}

/* Whether pid is in the traced tree (or no scope is set); inline, it runs every event. */
static inline bool kms_in_scope(struct kms_analysis *a, int pid)
{
	struct pi_val *p;

	if (!a->scope_active)
		return true;
	p = kms_proc_seen(a, pid);
	return p && p->in_scope;
}

/* project.c */
int kms_proj_add(struct kms_proj *p, const int64_t *fact);
int64_t kms_proj_key(const struct kms_proj *p, const struct kms_group *g, enum kms_slot f,
		     int64_t none);

/* pages.c */
struct tep_print_flag_sym *kms_gfp_syms(struct tep_handle *tep);
int kms_pages_add(struct kms_analysis *a, const struct kms_ev *ev);
int kms_emit_page_allocs(struct kms_proj *p);
int kms_emit_page_orders(struct kms_proj *p);
int64_t kms_kib_of_pages(const struct kms_analysis *a, int64_t pages);
void kms_col_kib(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);
void kms_col_net_pages(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);
void kms_col_net_kib(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);

/* slab.c */
int kms_slab_alloc(struct kms_analysis *a, const struct kms_ev *ev);
int kms_slab_free(struct kms_analysis *a, const struct kms_ev *ev);
int kms_slab_free_counted(struct kms_analysis *a, const struct kms_ev *ev);
int kms_emit_slab_caches(struct kms_proj *p);
int kms_emit_slab_allocs(struct kms_proj *p);
void kms_col_waste_pct(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);
void kms_col_name_source(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);
int64_t kms_sym_of(struct kms_analysis *a, uint64_t addr);

/* snapviews.c */
int kms_snapview_add(struct kms_analysis *a, const char *buf, int n);
int kms_frag_index(const long long *nr_free, int nr_orders, int order);
int kms_emit_buddyinfo(struct kms_proj *p);
int kms_emit_meminfo(struct kms_proj *p);
int kms_emit_vmstat(struct kms_proj *p);
void kms_col_frag_before(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);
void kms_col_frag_after(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);
void kms_col_unit(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);

/* views.c */
int kms_analysis_host_nodes(struct kms_analysis *a);
int kms_slab_life_add(struct kms_analysis *a, uint32_t cache, uint64_t call_site, int64_t ns);
int kms_emit_slab_lifetime(struct kms_proj *p);
void kms_col_lifetime(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);
int kms_emit_page_reqs(struct kms_proj *p);
void kms_col_alloc_only(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);
void kms_col_pfn_count(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);
void kms_col_migratetype_name(struct kms_proj *p, const struct kms_group *g,
			      struct kms_cell *c);

/* faults.c */
int kms_fault_add(struct kms_analysis *a, const struct kms_ev *ev);
/* rmaps.c: faults looked up in the recording's "kmemscope-maps" lines */
int kms_rmaps_print(struct kms_analysis *a, const char *buf, int len);	/* 1: not a maps line */
int kms_rmaps_fault(struct kms_analysis *a, int32_t pid, uint64_t addr);
void kms_rmaps_exec(struct kms_analysis *a, int32_t pid);
int kms_rmaps_emit(struct kms_proj *p);
void kms_rmaps_free(struct kms_analysis *a);
int kms_rss_stat_add(struct kms_analysis *a, const struct kms_ev *ev);
int kms_emit_faults(struct kms_proj *p);
int kms_emit_fault_mappings(struct kms_proj *p);
void kms_col_vm_kib(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);
void kms_col_rss_kib(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);
void kms_col_majflt(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);
void kms_col_mem_source(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);

/* probes.c */
int kms_probe_add(struct kms_analysis *a, const struct kms_ev *ev);
int kms_emit_probes(struct kms_proj *p);
int kms_emit_probe_orders(struct kms_proj *p);

/* scope.c */
int kms_print_add(struct kms_analysis *a, const struct kms_ev *ev);
int kms_process_add(struct kms_analysis *a, const struct kms_ev *ev);
bool kms_selected(struct kms_analysis *a, const struct kms_ev *ev);


/* snapshots.c */
/*
 * One /proc snapshot line, at most 511 bytes and up to a NUL (as it was
 * copied into a 512-byte buffer), read as sscanf's %Ns and %lld read it:
 * words and numbers after any whitespace.
 */
struct sn_line { const char *p, *end; };
void kms_sn_line(struct sn_line *l, const char *s, size_t n);
/* The next word, of at most max bytes (the rest stays in the line); false at its end. */
bool kms_sn_word(struct sn_line *l, size_t max, const char **w, size_t *len);
/* Whether the line goes on with lit (after any whitespace, if skip); consumes it. */
bool kms_sn_lit(struct sn_line *l, const char *lit, bool skip);
/* The next decimal number, clamped as strtoll clamps it; false if none is next. */
bool kms_sn_num(struct sn_line *l, long long *v);
int kms_snapshot_add(struct kms_analysis *a, const struct kms_ev *ev);
int kms_emit_slabinfo(struct kms_proj *p);
void kms_col_delta(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);
void kms_col_delta_kib(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);
void kms_col_delta_bytes(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);

/* stacks.c */
int kms_stacks_add(struct kms_analysis *a, const struct kms_ev *ev, bool counted);
void kms_stacks_free(struct kms_analysis *a);
int kms_emit_slab_stacks(struct kms_proj *p);
int kms_emit_page_stacks(struct kms_proj *p);
int kms_emit_fault_stacks(struct kms_proj *p);
int kms_emit_inuse_stacks(struct kms_proj *p);
void kms_col_strid(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);
void kms_col_oldest(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c);

#endif
