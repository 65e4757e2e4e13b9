// SPDX-License-Identifier: GPL-2.0
/*
 * Forgetting exited processes, for long live runs: a while after its exit
 * a process's facts (page allocations, slab facts, faults and their
 * mappings, probe hits) fold into the one "other" process (pid
 * KMS_PID_OTHER) and its entries go, so that the maps of a bounded
 * analysis hold the processes that live rather than every one ever seen.
 * Each map is rebuilt once per fold, sized for what it keeps.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/internal.h"
#include "base/kms.h"

struct fold_ctx {
	struct kms_analysis	*a;
	size_t			pid_off;	/* of the pid in a map's key */
	size_t			words;		/* int64 counters in a map's value */
};

/* The traced command and the -p pids (the roots the scope remembers) never fold. */
static bool is_root(const struct kms_analysis *a, int pid)
{
	int i;

	for (i = 0; i < a->nr_roots && i < KMS_SCOPE_ROOTS; i++)
		if (a->roots[i] == pid)
			return true;
	return false;
}

static bool folding(const struct kms_analysis *a, int32_t pid)
{
	const struct pi_val *p = pid == KMS_PID_OTHER ? NULL : kms_hmap_find(&a->procs, &pid);

	return p && p->fold;
}

/* A key holding a pid: a folded process's becomes "other". */
static int rekey_pid(void *key, void *val, void *ctx)
{
	struct fold_ctx *c = ctx;
	int32_t pid;

	(void)val;
	memcpy(&pid, (char *)key + c->pid_off, sizeof(pid));
	if (folding(c->a, pid)) {
		pid = KMS_PID_OTHER;
		memcpy((char *)key + c->pid_off, &pid, sizeof(pid));
	}
	return 0;
}

/* Counters add up. */
static void add_words(void *into, const void *from, void *ctx)
{
	const struct fold_ctx *c = ctx;
	int64_t a, b;
	size_t i;

	for (i = 0; i < c->words; i++) {
		memcpy(&a, (char *)into + i * 8, 8);
		memcpy(&b, (const char *)from + i * 8, 8);
		a += b;
		memcpy((char *)into + i * 8, &a, 8);
	}
}

/* A map keyed by pid (at pid_off) to counters: folded pids' counters move to "other". */
static int fold_counts(struct kms_analysis *a, struct kms_hmap *m, size_t pid_off)
{
	struct fold_ctx c = { .a = a, .pid_off = pid_off, .words = m->val_size / 8 };

	return kms_hmap_rekey(m, rekey_pid, add_words, &c);
}

/* Entries that keep nothing worth summing (a process's entry, its last rss_stat) go. */
static int drop_proc(void *key, void *val, void *ctx)
{
	(void)key, (void)ctx;
	return ((const struct pi_val *)val)->fold;
}

static int drop_rss(void *key, void *val, void *ctx)
{
	(void)key;
	return folding(((struct fold_ctx *)ctx)->a, ((const struct rss_val *)val)->pid);
}

static void never(void *into, const void *from, void *ctx)
{
	(void)into, (void)from, (void)ctx;	/* keys stay distinct */
}

static void add_sl_val(struct sl_val *into, const struct sl_val *from)
{
	into->allocs += from->allocs;
	into->frees += from->frees;
	into->live += from->live;
	into->bytes_req += from->bytes_req;
	into->bytes_alloc += from->bytes_alloc;
	into->cross_cpu += from->cross_cpu;
	into->cross_node += from->cross_node;
}

/*
 * The slab facts: a folded process's facts add into "other"'s of the same
 * cache and call site. First what can fail: each old index's new one
 * (never larger; first sights in order) and the new slab map; then the
 * facts are compacted in place, the live objects follow, and the table of
 * facts last found (facts_seen) is emptied.
 */
static int fold_facts(struct kms_analysis *a)
{
	struct kms_hmap slab;
	uint32_t *remap, i, j = 0;
	const void *k;
	void *v;
	size_t pos = 0;

	remap = malloc((a->nr_facts + 1) * sizeof(*remap));
	if (!remap || kms_hmap_init(&slab, sizeof(struct sl_key), 4) ||
	    kms_hmap_reserve(&slab, a->nr_facts) < 0)
		goto nomem;
	for (i = 0; i < a->nr_facts; i++) {
		struct sl_key key = a->facts[i].k;
		uint32_t *ix;
		int added;

		if (folding(a, key.pid))
			key.pid = KMS_PID_OTHER;
		ix = KMS_HMAP_GET(&slab, &key, &added);	/* reserved: never fails */
		if (added)
			*ix = j++;
		remap[i] = *ix;
	}
	for (i = 0, j = 0; i < a->nr_facts; i++) {
		if (remap[i] == j) {	/* a first sight: the fact moves down */
			if (j != i)
				a->facts[j] = a->facts[i];
			if (folding(a, a->facts[j].k.pid))
				a->facts[j].k.pid = KMS_PID_OTHER;
			j++;
		} else {	/* same cache: the same frees' fact */
			add_sl_val(&a->facts[remap[i]].v, &a->facts[i].v);
		}
	}
	a->nr_facts = j;
	for (i = 0; i < j; i++)
		if (a->facts[i].free_fact)
			a->facts[i].free_fact = remap[a->facts[i].free_fact - 1] + 1;
	while (kms_hmap_next(&a->live, &pos, &k, &v)) {
		struct live_val *lv = v;

		lv->fact = remap[lv->fact];
	}
	kms_hmap_free(&a->slab);
	a->slab = slab;
	memset(a->facts_seen, 0, KMS_FACTS_SEEN * sizeof(*a->facts_seen));	/* their indices moved */
	free(remap);
	return 0;
nomem:
	kms_hmap_free(&slab);
	free(remap);
	return -1;
}

long kms_analysis_forget_exited(struct kms_analysis *a, unsigned long long grace_ns)
{
	struct fold_ctx c = { .a = a };
	struct pi_val *p;
	const void *k;
	void *v;
	size_t pos = 0;
	long n = 0;

	/* once a grace period: each fold rebuilds the maps, and waiting costs little memory */
	if (!a->nr_exited || a->proc_ts < a->fold_ts + grace_ns)
		return 0;
	a->fold_ts = a->proc_ts;
	while (kms_hmap_next(&a->procs, &pos, &k, &v)) {
		int32_t pid = *(const int32_t *)k;

		p = v;
		p->fold = p->exited && p->exit_ts + grace_ns <= a->proc_ts &&
			  pid != KMS_PID_OTHER && !is_root(a, pid);
		n += p->fold;
	}
	if (!n)
		return 0;
	pos = 0;
	while (a->ops.forget && kms_hmap_next(&a->procs, &pos, &k, &v))
		if (((struct pi_val *)v)->fold)
			a->ops.forget(*(const int32_t *)k, a->ops.ctx);
	/*
	 * Each step moves what it moves whole or fails before changing
	 * anything, so a failure part way leaves nothing counted twice: the
	 * processes keep their (emptier) entries until a later fold.
	 */
	if (!kms_proc_seen(a, KMS_PID_OTHER) ||
	    fold_counts(a, &a->page_alloc, offsetof(struct pa_key, pid)) < 0 ||
	    fold_counts(a, &a->faults, 0) < 0 ||
	    fold_counts(a, &a->fmaps, offsetof(struct fm_key, pid)) < 0 ||
	    fold_counts(a, &a->probes, offsetof(struct probe_key, pid)) < 0 ||
	    kms_hmap_rekey(&a->rss, drop_rss, never, &c) < 0 || fold_facts(a) < 0 ||
	    kms_hmap_rekey(&a->procs, drop_proc, never, &c) < 0) {
		pos = 0;
		while (kms_hmap_next(&a->procs, &pos, &k, &v))
			((struct pi_val *)v)->fold = 0;
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	}
	a->last_proc = NULL;	/* the process map moved */
	a->last_slots = NULL;
	a->nr_exited -= n;
	a->forgotten += n;
	return n;
}

unsigned long long kms_analysis_forgotten(const struct kms_analysis *a)
{
	return a->forgotten;
}
