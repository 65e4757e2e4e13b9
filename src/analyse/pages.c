// SPDX-License-Identifier: GPL-2.0
/*
 * Page allocations and frees by order, migrate type, GFP set and process
 * (the pages, pages_by_process and page_orders tables), with GFP sets
 * named from the data's own mm_page_alloc print format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/internal.h"

/* The __print_flags() table applied to gfp_flags in a print format. */
static struct tep_print_flag_sym *flags_in(struct tep_print_arg *arg)
{
	struct tep_print_flag_sym *s;

	for (; arg; arg = arg->next) {
		if (arg->type == TEP_PRINT_FLAGS && arg->flags.field &&
		    arg->flags.field->type == TEP_PRINT_FIELD &&
		    !strcmp(arg->flags.field->field.name, "gfp_flags"))
			return arg->flags.flags;
		if (arg->type == TEP_PRINT_OP &&
		    ((s = flags_in(arg->op.left)) || (s = flags_in(arg->op.right))))
			return s;
	}
	return NULL;
}

/* GFP flag names come from the data's own mm_page_alloc format. */
struct tep_print_flag_sym *kms_gfp_syms(struct tep_handle *tep)
{
	struct tep_event *e = tep ? tep_find_event_by_name(tep, "kmem", "mm_page_alloc") : NULL;

	return e ? flags_in(e->print_fmt.args) : NULL;
}

/* "GFP_KERNEL|__GFP_ZERO" as libtraceevent prints it; hex without a table. */
static int64_t gfp_of(struct kms_analysis *a, uint64_t gfp)
{
	struct tep_print_flag_sym *s;
	uint32_t *id;
	char buf[512];
	size_t len = 0;
	uint64_t rest = gfp, v;
	int added;

	id = kms_hmap_get(&a->gfp_names, &gfp, &added);
	if (!id)
		return 0;
	if (!added)
		return *id;
	buf[0] = '\0';
	if (!a->gfp_syms)
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)gfp);
	else if (!gfp)
		snprintf(buf, sizeof(buf), "none");
	for (s = a->gfp_syms; s && rest; s = s->next) {
		v = strtoull(s->value, NULL, 0);
		if (v && (rest & v) == v) {
			len += snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? "|" : "", s->str);
			rest &= ~v;
			if (len >= sizeof(buf))
				break;
		}
	}
	if (a->gfp_syms && rest && len < sizeof(buf))
		snprintf(buf + len, sizeof(buf) - len, "%s0x%llx", len ? "|" : "", (unsigned long long)rest);
	*id = kms_intern_str(&a->strs, buf);
	return *id;
}

/* The pfn mm_page_alloc records for a failed request: -1UL of the data's long. */
static bool failed_pfn(const struct kms_analysis *a, uint64_t pfn)
{
	return pfn == (a->long_size == 4 ? UINT64_C(0xffffffff) : UINT64_MAX);
}

/* Match page frees to allocations by pfn, as perf kmem --page does. */
static inline int page_req_add(struct kms_analysis *a, const struct kms_ev *ev)
{
	int32_t order = ev->order, *held;
	struct pr_val *r;
	uint64_t pfn = ev->pfn;
	int added;

	if (!KMS_HAS(ev, KMS_F_PFN)) {
		a->no_pfn = 1;
		return 0;
	}
	if (ev->type == KMS_EV_PAGE_ALLOC) {
		if (failed_pfn(a, pfn)) {
			r = KMS_HMAP_GET(&a->page_req, &order, NULL);
			if (!r)
				return -1;
			r->failed++;
			return 0;
		}
		if (a->max_live && a->page_live.len >= a->max_live &&
		    !KMS_HMAP_FIND(&a->page_live, &pfn)) {
			a->untracked++;
			return 0;
		}
		held = KMS_HMAP_GET_H(&a->page_live, &pfn, &added, KMS_HMAP_HASH(&pfn));	/* (pfns seldom repeat) */
		if (!held)
			return -1;
		*held = order;	/* a pfn allocated again without a seen free: the latest */
		return 0;
	}
	held = KMS_HMAP_FIND_H(&a->page_live, &pfn, KMS_HMAP_HASH(&pfn));
	if (held) {
		order = *held;
		kms_hmap_del_val(&a->page_live, held);
	}
	r = KMS_HMAP_GET(&a->page_req, &order, NULL);
	if (!r)
		return -1;
	if (held)
		r->freed++;
	else
		r->free_only++;
	return 0;
}

/* An mm_page_alloc or mm_page_free; orders too large for a count are dropped. */
int kms_pages_add(struct kms_analysis *a, const struct kms_ev *ev)
{
	struct cnt2 *c;

	if (ev->order > KMS_MAX_ORDER)
		return 0;
	if (page_req_add(a, ev) < 0)
		return -1;
	if (ev->type == KMS_EV_PAGE_ALLOC) {
		struct pa_key k = { .pid = ev->pid, .order = ev->order,
				    .mt = ev->migratetype, .gfp = ev->gfp };

		c = KMS_HMAP_GET(&a->page_alloc, &k, NULL);
	} else {
		int32_t order = ev->order;

		c = KMS_HMAP_GET(&a->page_free, &order, NULL);
	}
	if (!c)
		return -1;
	c->count++;
	c->pages += UINT64_C(1) << ev->order;
	return 0;
}

/* pages, pages_by_process: one fact per allocation key. */
int kms_emit_page_allocs(struct kms_proj *p)
{
	struct kms_analysis *a = p->a;
	const void *kp;
	void *vp;
	size_t pos = 0;

	while (kms_hmap_next(&a->page_alloc, &pos, &kp, &vp)) {
		const struct pa_key *k = kp;
		const struct cnt2 *c = vp;
		int64_t f[KMS_SLOT__MAX] = { 0 };

		f[KMS_SLOT_ORDER] = k->order;
		f[KMS_SLOT_MIGRATETYPE] = k->mt;
		f[KMS_SLOT_GFP] = gfp_of(a, k->gfp);
		f[KMS_SLOT_PID] = k->pid;
		f[KMS_SLOT_COMM] = kms_comm_of(a, k->pid);
		f[KMS_SLOT_ALLOCS] = c->count;
		f[KMS_SLOT_PAGES] = c->pages;
		if (kms_proj_add(p, f))
			return -1;
	}
	return 0;
}

/* page_orders: the allocations, then the frees by order. */
int kms_emit_page_orders(struct kms_proj *p)
{
	const void *kp;
	void *vp;
	size_t pos = 0;

	if (kms_emit_page_allocs(p) || kms_emit_page_reqs(p))
		return -1;
	while (kms_hmap_next(&p->a->page_free, &pos, &kp, &vp)) {
		const struct cnt2 *c = vp;
		int64_t f[KMS_SLOT__MAX] = { 0 };

		f[KMS_SLOT_ORDER] = *(const int32_t *)kp;
		f[KMS_SLOT_FREES] = c->count;
		f[KMS_SLOT_FREE_PAGES] = c->pages;
		if (kms_proj_add(p, f))
			return -1;
	}
	return 0;
}

/* KiB in a number of pages of the data's page size (wraps, never overflows). */
int64_t kms_kib_of_pages(const struct kms_analysis *a, int64_t pages)
{
	return (int64_t)((uint64_t)pages * a->page_size) / 1024;
}

/* kib: the row's pages in KiB. */
void kms_col_kib(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	c->i = kms_kib_of_pages(p->a, g->sum[KMS_SLOT_PAGES]);
}

/* net_pages: pages allocated less pages freed. */
void kms_col_net_pages(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	c->i = (int64_t)(g->sum[KMS_SLOT_PAGES] - g->sum[KMS_SLOT_FREE_PAGES]);
}

/* net_kib: net_pages in KiB. */
void kms_col_net_kib(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	c->i = kms_kib_of_pages(p->a, g->sum[KMS_SLOT_PAGES] - g->sum[KMS_SLOT_FREE_PAGES]);
}
