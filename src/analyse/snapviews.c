// SPDX-License-Identifier: GPL-2.0
/*
 * The /proc/buddyinfo, /proc/meminfo and /proc/vmstat snapshots a recording
 * carries (ftrace:print lines "kmemscope-snapshot NAME before|after LINE")
 * as the buddyinfo, meminfo and vmstat tables: before, after and delta,
 * and for buddyinfo the kernel's fragmentation index (mm/vmstat.c extfrag).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/internal.h"
#include "base/kms.h"

enum { SN_BUDDYINFO = 1, SN_MEMINFO, SN_VMSTAT };

#define BUDDY_ORDERS	32	/* orders a buddyinfo line may list */
#define BUDDY_ZONES	64	/* zones (node, zone pairs) of a machine */

/* Store one value of a snapshot. */
static int snap_put(struct kms_analysis *a, const struct sn_key *k, long long v, int after,
		    const char *unit)
{
	struct sn_val *s = kms_hmap_get(&a->snaps, k, NULL);

	if (!s)
		return -1;
	if (after) {
		s->after = v;
		s->has_after = 1;
	} else {
		s->before = v;
		s->has_before = 1;
	}
	if (unit) {
		int64_t id = kms_intern_str(&a->strs, unit);

		if (id < 0)
			return -1;
		s->unit = id;
	}
	return 0;
}

/* "Node 0, zone   Normal   12   4 ...": free blocks of each order. */
static int buddy_line(struct kms_analysis *a, struct sn_line *l, int after)
{
	struct sn_key k = { .kind = SN_BUDDYINFO };
	const char *zone;
	long long v;
	size_t len;
	int o;
	int64_t id;

	/* as sscanf(line, "Node %d, zone %31s") */
	if (!kms_sn_lit(l, "Node", false) || !kms_sn_num(l, &v) || !kms_sn_lit(l, ",", false) ||
	    !kms_sn_lit(l, "zone", true) || !kms_sn_word(l, 31, &zone, &len))
		return 0;
	k.node = (int)v;
	id = kms_intern(&a->strs, zone, len);
	if (id < 0)
		return -1;
	k.name = id;
	for (o = 0; o < BUDDY_ORDERS && kms_sn_num(l, &v); o++) {
		k.order = o;
		if (snap_put(a, &k, v, after, NULL) < 0)
			return -1;
	}
	return 0;
}

/* "Slab:   12345 kB" (meminfo) or "pgfault 123" (vmstat). */
static int field_line(struct kms_analysis *a, int kind, struct sn_line *l, int after)
{
	struct sn_key k = { .kind = kind };
	const char *name, *u;
	char unit[8] = "";
	size_t len, ulen;
	long long v;
	int64_t id;

	/* as sscanf(line, "%63s %lld %7s") >= 2 */
	if (!kms_sn_word(l, 63, &name, &len) || !kms_sn_num(l, &v))
		return 0;
	if (kms_sn_word(l, 7, &u, &ulen)) {
		memcpy(unit, u, ulen);
		unit[ulen] = '\0';
	}
	if (len && name[len - 1] == ':')
		len--;
	id = kms_intern(&a->strs, name, len);
	if (id < 0)
		return -1;
	k.name = id;
	return snap_put(a, &k, v, after, kind == SN_MEMINFO ? unit : NULL);
}

int kms_snapview_add(struct kms_analysis *a, const char *buf, int n)
{
	static const struct { const char *tag; int kind; } kinds[] = {
		{ "kmemscope-snapshot buddyinfo ", SN_BUDDYINFO },
		{ "kmemscope-snapshot meminfo ", SN_MEMINFO },
		{ "kmemscope-snapshot vmstat ", SN_VMSTAT },
	};
	struct sn_line l;
	size_t i, t;
	int after;

	for (i = 0; i < KMS_ARRAY_SIZE(kinds); i++) {
		t = strlen(kinds[i].tag);
		if ((size_t)n > t && !memcmp(buf, kinds[i].tag, t))
			break;
	}
	if (i == KMS_ARRAY_SIZE(kinds))
		return 0;
	buf += t;
	n -= t;
	after = n > 6 && !memcmp(buf, "after ", 6);
	if (!after && !(n > 7 && !memcmp(buf, "before ", 7)))
		return 0;
	buf += after ? 6 : 7;
	n -= after ? 6 : 7;
	kms_sn_line(&l, buf, n);
	if (kinds[i].kind == SN_BUDDYINFO)
		return buddy_line(a, &l, after);
	return field_line(a, kinds[i].kind, &l, after);
}

/*
 * The kernel's fragmentation index of an order (mm/vmstat.c,
 * __fragmentation_index) in thousandths: -1000 when a free block is
 * large enough, 0 towards lack of memory, 1000 towards fragmentation.
 */
int kms_frag_index(const long long *nr_free, int nr_orders, int order)
{
	unsigned long long total = 0, pages = 0, suitable = 0;
	int o;

	for (o = 0; o < nr_orders; o++) {
		total += nr_free[o];
		pages += (unsigned long long)nr_free[o] << o;
		if (o >= order)
			suitable += (unsigned long long)nr_free[o] << (o - order);
	}
	if (!total)
		return 0;
	if (suitable)
		return -1000;
	return 1000 - (int)((1000 + pages * 1000 / (1ULL << order)) / total);
}

/* One zone's free blocks by order, before and after. */
struct zone_free {
	int32_t		node;
	uint32_t	zone;
	int		nr_orders;
	long long	before[BUDDY_ORDERS], after[BUDDY_ORDERS];
	int		has_before, has_after;
};

/* buddyinfo: one fact per node, zone and order, with its fragmentation index. */
int kms_emit_buddyinfo(struct kms_proj *p)
{
	struct zone_free *z = calloc(BUDDY_ZONES, sizeof(*z));
	int nz = 0, i, o;
	const void *kp;
	void *vp;
	size_t pos = 0;

	if (!z)
		return -1;
	while (kms_hmap_next(&p->a->snaps, &pos, &kp, &vp)) {
		const struct sn_key *k = kp;
		const struct sn_val *v = vp;

		if (k->kind != SN_BUDDYINFO || k->order >= BUDDY_ORDERS)
			continue;
		for (i = 0; i < nz && (z[i].node != k->node || z[i].zone != k->name); i++)
			;
		if (i == nz) {
			if (nz == BUDDY_ZONES)
				continue;
			z[nz].node = k->node;
			z[nz++].zone = k->name;
		}
		z[i].before[k->order] = v->before;
		z[i].after[k->order] = v->after;
		z[i].has_before |= v->has_before;
		z[i].has_after |= v->has_after;
		if (k->order >= z[i].nr_orders)
			z[i].nr_orders = k->order + 1;
	}
	if (!nz)
		p->note = "no /proc/buddyinfo snapshots in this source";
	for (i = 0; i < nz; i++) {
		if (!z[i].has_before || !z[i].has_after)
			continue;
		for (o = 0; o < z[i].nr_orders; o++) {
			int64_t f[KMS_SLOT__MAX] = { 0 };

			f[KMS_SLOT_NODE] = z[i].node;
			f[KMS_SLOT_ZONE] = z[i].zone;
			f[KMS_SLOT_ORDER] = o;
			f[KMS_SLOT_BEFORE] = z[i].before[o];
			f[KMS_SLOT_AFTER] = z[i].after[o];
			f[KMS_SLOT_FRAG_BEFORE] = kms_frag_index(z[i].before, z[i].nr_orders, o);
			f[KMS_SLOT_FRAG_AFTER] = kms_frag_index(z[i].after, z[i].nr_orders, o);
			if (kms_proj_add(p, f)) {
				free(z);
				return -1;
			}
		}
	}
	free(z);
	return 0;
}

/* meminfo (every field) and vmstat (the fields that changed). */
static int emit_fields(struct kms_proj *p, int kind, const char *none)
{
	const void *kp;
	void *vp;
	size_t pos = 0;
	int seen = 0;

	while (kms_hmap_next(&p->a->snaps, &pos, &kp, &vp)) {
		const struct sn_key *k = kp;
		const struct sn_val *v = vp;
		int64_t f[KMS_SLOT__MAX] = { 0 };

		if (k->kind != (uint32_t)kind)
			continue;
		seen = 1;
		if (!v->has_before || !v->has_after || (kind == SN_VMSTAT && v->before == v->after))
			continue;
		f[KMS_SLOT_FIELD] = k->name;
		f[KMS_SLOT_UNIT] = v->unit;
		f[KMS_SLOT_BEFORE] = v->before;
		f[KMS_SLOT_AFTER] = v->after;
		if (kms_proj_add(p, f))
			return -1;
	}
	if (!seen)
		p->note = none;
	return 0;
}

int kms_emit_meminfo(struct kms_proj *p)
{
	return emit_fields(p, SN_MEMINFO, "no /proc/meminfo snapshots in this source");
}

int kms_emit_vmstat(struct kms_proj *p)
{
	return emit_fields(p, SN_VMSTAT, "no /proc/vmstat snapshots in this source");
}

/* A fragmentation index slot as a ratio; only per node, zone and order. */
static void frag(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c,
		 enum kms_slot s)
{
	if (p->key_pos[KMS_SLOT_NODE] < 0 || p->key_pos[KMS_SLOT_ZONE] < 0 ||
	    p->key_pos[KMS_SLOT_ORDER] < 0) {
		c->null = 1;
		return;
	}
	c->d = (int64_t)g->sum[s] / 1000.0;
	c->i = (int64_t)g->sum[s];
}

/* frag_before: the fragmentation index of the before snapshot. */
void kms_col_frag_before(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	frag(p, g, c, KMS_SLOT_FRAG_BEFORE);
}

/* frag_after: likewise after. */
void kms_col_frag_after(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	frag(p, g, c, KMS_SLOT_FRAG_AFTER);
}

/* unit: the meminfo field's unit ("kB", or "" for counts); only per field. */
void kms_col_unit(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	int64_t id = (int64_t)g->sum[KMS_SLOT_UNIT];

	if (p->key_pos[KMS_SLOT_FIELD] < 0 || id < 0 || (size_t)id >= p->a->strs.n) {
		c->null = 1;
		return;
	}
	c->s = p->a->strs.strs[id];
}
