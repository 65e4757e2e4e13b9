// SPDX-License-Identifier: GPL-2.0
/*
 * Page faults by process and mapping (the faults and faults_by_mapping
 * tables), and the memory of each process those tables show: sampled from
 * /proc while it lives, or summed from rss_stat events.
 */
#include <string.h>

#include "analyse/internal.h"

/*
 * Whether an address is in user space on the machine the data came from.
 * The kernel takes the top of the address space: on 64-bit machines
 * (x86-64, arm64) user addresses have the top bit clear; on 32-bit ones
 * (the 3G/1G split) they are below 0xC0000000.
 */
static bool user_address(const struct kms_analysis *a, uint64_t addr)
{
	if (a->long_size == 4)
		return addr < UINT64_C(0xC0000000);
	return !(addr >> 63);
}

/* A page_fault_user or page_fault_kernel, and its mapping when live. */
int kms_fault_add(struct kms_analysis *a, const struct kms_ev *ev)
{
	int32_t pid = ev->pid;
	struct ft_val *v = KMS_HMAP_GET(&a->faults, &pid, NULL);

	if (!v)
		return -1;
	v->faults++;
	if (ev->type == KMS_EV_FAULT_USER)
		v->user++;
	else
		v->kernel++;
	/* x86 error code: bit 1 write, bit 4 instruction fetch. */
	if (ev->error_code & 0x10)
		v->exec++;
	else if (ev->error_code & 0x2)
		v->write++;
	else
		v->read++;
	if (a->no_fault_maps)
		return 0;
	if (!a->ops.mapping && user_address(a, ev->address))
		return kms_rmaps_fault(a, pid, ev->address);	/* from the recording */
	if (a->ops.mapping && user_address(a, ev->address)) {
		const char *m = a->ops.mapping(pid, ev->address, a->ops.ctx);
		struct fm_key k = { .pid = pid };
		uint64_t *n;
		int64_t id = kms_intern_str(&a->strs, m ? m : "[unmapped]");

		if (id < 0)
			return -1;
		k.map = id;
		n = kms_hmap_get(&a->fmaps, &k, NULL);
		if (!n)
			return -1;
		(*n)++;
	}
	return 0;
}

/* An rss_stat: the current size of one of an mm's counters. */
int kms_rss_stat_add(struct kms_analysis *a, const struct kms_ev *ev)
{
	uint32_t id = ev->mm_id;
	struct rss_val *r;

	if (!ev->curr || ev->member < 0 || ev->member >= 4)
		return 0;
	r = KMS_HMAP_GET(&a->rss, &id, NULL);
	if (!r)
		return -1;
	r->pid = ev->pid;
	r->size[ev->member] = ev->size;
	r->seq = a->events;
	return 0;
}

/* faults: one fact per process. */
int kms_emit_faults(struct kms_proj *p)
{
	struct kms_analysis *a = p->a;
	const void *kp;
	void *vp;
	size_t pos = 0;

	while (kms_hmap_next(&a->faults, &pos, &kp, &vp)) {
		const struct ft_val *v = vp;
		int32_t pid = *(const int32_t *)kp;
		int64_t f[KMS_SLOT__MAX] = { 0 };

		f[KMS_SLOT_PID] = pid;
		f[KMS_SLOT_COMM] = kms_comm_of(a, pid);
		f[KMS_SLOT_FAULTS] = v->faults;
		f[KMS_SLOT_USER] = v->user;
		f[KMS_SLOT_KERNEL] = v->kernel;
		f[KMS_SLOT_READ] = v->read;
		f[KMS_SLOT_WRITE] = v->write;
		f[KMS_SLOT_EXEC] = v->exec;
		if (kms_proj_add(p, f))
			return -1;
	}
	return 0;
}

/* faults_by_mapping: one fact per process and mapping (live, or recorded maps). */
int kms_emit_fault_mappings(struct kms_proj *p)
{
	struct kms_analysis *a = p->a;
	const void *kp;
	void *vp;
	size_t pos = 0;

	if (!a->ops.mapping && kms_rmaps_emit(p) < 0)
		return -1;
	while (kms_hmap_next(&a->fmaps, &pos, &kp, &vp)) {
		const struct fm_key *k = kp;
		int64_t f[KMS_SLOT__MAX] = { 0 };

		f[KMS_SLOT_PID] = k->pid;
		f[KMS_SLOT_COMM] = kms_comm_of(a, k->pid);
		f[KMS_SLOT_MAPPING] = k->map;
		f[KMS_SLOT_FAULTS] = *(const uint64_t *)vp;
		if (kms_proj_add(p, f))
			return -1;
	}
	return 0;
}

/* Memory of one process (m zeroed): end sample, last sample, rss_stat, or none. */
static void proc_mem(struct kms_analysis *a, int32_t pid, struct proc_mem *m)
{
	struct pi_val *p = kms_hmap_find(&a->procs, &pid);
	const struct rss_val *last = NULL;
	const void *kp;
	void *vp;
	size_t pos = 0;

	if (p && p->mem_known) {
		m->vm = p->vm;
		m->rss = p->rss;
		m->majflt = p->majflt;
		m->have_vm = 1;
		m->source = p->mem_known == 2 ? "end" : "last-sample";
		return;
	}
	/* the mm the process updated last (after an exec, its new one) */
	while (kms_hmap_next(&a->rss, &pos, &kp, &vp)) {
		const struct rss_val *r = vp;

		if (r->pid == pid && (!last || r->seq > last->seq))
			last = r;
	}
	if (last) {
		/* file, anon and shmem pages, in bytes; summed unsigned */
		m->rss = (int64_t)((uint64_t)last->size[0] + last->size[1] + last->size[3]) / 1024;
		m->source = "rss_stat";
	}
}

/* The memory of the row's process; all unknown when not grouped by pid. */
static const struct proc_mem *row_mem(struct kms_proj *p, const struct kms_group *g)
{
	int64_t pid = kms_proj_key(p, g, KMS_SLOT_PID, -1);

	if (pid != p->mem_pid) {
		memset(&p->mem, 0, sizeof(p->mem));
		if (pid >= 0)
			proc_mem(p->a, pid, &p->mem);
		p->mem_pid = pid;
	}
	return &p->mem;
}

/* vm_kib: the process's virtual size. */
void kms_col_vm_kib(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	const struct proc_mem *m = row_mem(p, g);

	c->i = m->vm;
	c->null = !m->have_vm;
}

/* rss_kib: its resident size. */
void kms_col_rss_kib(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	const struct proc_mem *m = row_mem(p, g);

	c->i = m->rss;
	c->null = !m->source;
}

/* majflt: its major faults. */
void kms_col_majflt(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	const struct proc_mem *m = row_mem(p, g);

	c->i = m->majflt;
	c->null = !m->have_vm;
}

/* mem_source: where those came from. */
void kms_col_mem_source(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	const struct proc_mem *m = row_mem(p, g);

	c->s = m->source;
	c->null = !m->source;
}
