// SPDX-License-Identifier: GPL-2.0
/*
 * Slab allocations and frees by cache, call site and process (the slab,
 * slab_by_callsite and slab_by_process tables): kmalloc caches named by
 * size class, the objects still live, and call sites symbolised.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/internal.h"
#include "base/kms.h"

/* The kmalloc size classes, smallest first. */
static const unsigned int kmalloc_sizes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512,
					      1024, 2048, 4096, 8192 };
#define KMALLOC_MAX	kmalloc_sizes[KMS_ARRAY_SIZE(kmalloc_sizes) - 1]

/* The interned name of size class i, "kmalloc-large" just past them, then "kmalloc-?". */
static int64_t class_id(struct kms_analysis *a, size_t i)
{
	char buf[32];

	if (!a->kmalloc_ids[i]) {
		if (i < KMS_ARRAY_SIZE(kmalloc_sizes))
			snprintf(buf, sizeof(buf), "kmalloc-%u", kmalloc_sizes[i]);
		else
			strcpy(buf, i == KMS_ARRAY_SIZE(kmalloc_sizes) ? "kmalloc-large" : "kmalloc-?");
		a->kmalloc_ids[i] = kms_intern_str(&a->strs, buf);
	}
	return a->kmalloc_ids[i];
}

/* The index of a class of exactly bytes in kmalloc_sizes[], or -1: by its bits, not a search. */
static int kmalloc_index(unsigned long long bytes)
{
	int k;

	if (bytes == 96 || bytes == 192)
		return bytes == 96 ? 4 : 6;
	if (bytes < 8 || bytes > KMALLOC_MAX || (bytes & (bytes - 1)))
		return -1;
	k = __builtin_ctzll(bytes);	/* 8 .. 8192: 3 .. 13 */
	return k <= 6 ? k - 3 : k == 7 ? 5 : k - 1;
}

/* The cache of an allocation of a class's exact size. */
static int64_t kmalloc_class(struct kms_analysis *a, unsigned long long bytes)
{
	int i = kmalloc_index(bytes);

	if (i >= 0)
		return class_id(a, i);
	return class_id(a, KMS_ARRAY_SIZE(kmalloc_sizes) + (bytes <= KMALLOC_MAX));
}

/* The smallest kmalloc class holding a request (kprobes see only the size). */
static int64_t kmalloc_class_of_req(struct kms_analysis *a, unsigned long long req)
{
	size_t i;

	for (i = 0; i < KMS_ARRAY_SIZE(kmalloc_sizes); i++)
		if (req <= kmalloc_sizes[i])
			return class_id(a, i);
	return class_id(a, i);
}

/* The id of a cache name from an event: its bytes are hashed, not compared as a string. */
static int64_t name_id(struct kms_analysis *a, const char *name, int len)
{
	struct nm_key k;
	uint32_t *id;
	int64_t v;
	int added;

	if (len > (int)sizeof(k.s))
		return kms_intern(&a->strs, name, len);
	memset(&k, 0, sizeof(k));
	k.len = len;
	memcpy(k.s, name, len);
	id = KMS_HMAP_GET(&a->names, &k, &added);
	if (!id)
		return -1;
	if (added) {
		v = kms_intern(&a->strs, name, len);
		if (v < 0) {
			kms_hmap_del_val(&a->names, id);
			return -1;
		}
		*id = v;
	}
	return *id;
}

/* The index of the fact of key k, added zeroed when new; -1 when out of memory. */
static int64_t fact_of(struct kms_analysis *a, const struct sl_key *k)
{
	uint32_t *ix;
	int added;

	ix = KMS_HMAP_GET(&a->slab, k, &added);
	if (!ix)
		return -1;
	if (added) {
		if (a->nr_facts == a->cap_facts) {
			uint32_t cap = a->cap_facts ? a->cap_facts * 2 : 256;
			struct sl_fact *n = realloc(a->facts, cap * sizeof(*n));

			if (!n) {
				kms_hmap_del_val(&a->slab, ix);
				return -1;
			}
			a->facts = n;
			a->cap_facts = cap;
		}
		memset(&a->facts[a->nr_facts], 0, sizeof(a->facts[0]));
		a->facts[a->nr_facts].k = *k;
		*ix = a->nr_facts++;
	}
	return *ix;
}

/*
 * The fact of a named cache's allocation (k: its key but the cache): found
 * by the name's bytes, the process and the call site together, one probe.
 */
static int64_t named_fact(struct kms_analysis *a, const struct kms_ev *ev, struct sl_key *k)
{
	struct ac_key ak;
	uint32_t *ix;
	int64_t fi;
	int added;

	if (ev->name_len > (int)sizeof(ak.name.s)) {
		k->cache = name_id(a, ev->name, ev->name_len);
		return (int32_t)k->cache < 0 ? -1 : fact_of(a, k);
	}
	memset(&ak, 0, sizeof(ak));
	ak.name.len = ev->name_len;
	memcpy(ak.name.s, ev->name, ev->name_len);
	ak.pid = k->pid;
	ak.call_site = k->call_site;
	ix = KMS_HMAP_GET(&a->alloc_facts, &ak, &added);
	if (!ix)
		return -1;
	if (!added)
		return *ix;
	fi = name_id(a, ev->name, ev->name_len);
	if (fi >= 0) {
		k->cache = fi;
		fi = fact_of(a, k);
	}
	if (fi < 0) {
		kms_hmap_del_val(&a->alloc_facts, ix);
		return -1;
	}
	*ix = fi;
	return fi;
}

/* The fact that counts the frees of fact i's objects (its cache and name source). */
static int64_t free_fact_of(struct kms_analysis *a, uint32_t i)
{
	struct sl_key fk;
	int64_t f;

	if (a->facts[i].free_fact)
		return a->facts[i].free_fact - 1;
	fk = (struct sl_key){ .cache = a->facts[i].k.cache, .src = a->facts[i].k.src, .pid = -1 };
	f = fact_of(a, &fk);
	if (f >= 0)
		a->facts[i].free_fact = f + 1;
	return f;
}

/* A kmalloc or kmem_cache_alloc: count it, and remember the live object. */
int kms_slab_alloc(struct kms_analysis *a, const struct kms_ev *ev)
{
	struct sl_key k = { .pid = ev->pid, .call_site = ev->call_site };
	struct sl_val *v;
	struct live_val *old;
	int64_t id, fi;
	int added;

	if (ev->type == KMS_EV_KMALLOC || ev->type == KMS_EV_KMALLOC_NODE) {
		id = ev->bytes_alloc || !ev->bytes_req ? kmalloc_class(a, ev->bytes_alloc) :
			kmalloc_class_of_req(a, ev->bytes_req);
		k.src = SRC_SIZECLASS;
	} else if (ev->name && ev->name_len) {
		id = 0;
		k.src = SRC_EVENT;
	} else {
		if (!a->unknown_id)
			a->unknown_id = kms_intern_str(&a->strs, "?");
		id = a->unknown_id;
		k.src = SRC_UNKNOWN;
	}
	if (id < 0)
		return -1;
	k.cache = id;
	fi = k.src == SRC_EVENT ? named_fact(a, ev, &k) : fact_of(a, &k);
	if (fi < 0)
		return -1;
	v = &a->facts[fi].v;
	v->allocs++;
	v->bytes_req += ev->bytes_req;
	v->bytes_alloc += ev->bytes_alloc;
	if (ev->node >= 0 && ev->node != kms_node_of_cpu(a, ev->cpu))
		v->cross_node++;
	if (!ev->ptr)	/* a kprobe without the address: its free cannot be matched */
		return 0;
	if (a->max_live && a->live.len >= a->max_live && !KMS_HMAP_FIND(&a->live, &ev->ptr)) {
		a->untracked++;	/* bounded: counted, not followed to its free */
		return 0;
	}
	v->live++;
	old = KMS_HMAP_GET(&a->live, &ev->ptr, &added);
	if (!old)
		return -1;
	/* its free was not seen */
	if (!added && (old->alloc || a->facts[old->fact].k.call_site))
		a->facts[old->fact].v.live--;
	old->fact = fi;
	old->req = ev->bytes_req;
	old->alloc = ev->bytes_alloc;
	old->ts = ev->ts;
	old->cpu = ev->cpu;
	return 0;
}

/*
 * A free that is not counted (another task's, outside the scope or the
 * selection) of an object whose allocation was counted: the object's life
 * ends all the same, or it would stay live forever.
 */
int kms_slab_free_counted(struct kms_analysis *a, const struct kms_ev *ev)
{
	if ((ev->type != KMS_EV_KFREE && ev->type != KMS_EV_CACHE_FREE) || !ev->ptr ||
	    !KMS_HMAP_FIND(&a->live, &ev->ptr))
		return 0;
	return kms_slab_free(a, ev);
}

/* A live object's free: its fact's live count, the name it learns, its lifetime. */
static int64_t free_live(struct kms_analysis *a, const struct kms_ev *ev, struct live_val *lk)
{
	uint32_t ai = lk->fact;
	struct sl_key k = a->facts[ai].k;
	struct sl_val *v = &a->facts[ai].v;
	int64_t id, fi = ai;

	v->live--;
	/* An unnamed cache alloc learns its name from the free (>= 5.12). */
	if (k.src == SRC_UNKNOWN && ev->name && ev->name_len) {
		struct sl_val *nv;

		id = name_id(a, ev->name, ev->name_len);
		k.cache = id;
		k.src = SRC_INFERRED;
		fi = fact_of(a, &k);
		if (id < 0 || fi < 0)
			return -1;
		v = &a->facts[ai].v;	/* the facts may have moved */
		nv = &a->facts[fi].v;
		v->allocs--;
		v->bytes_req -= lk->req;
		v->bytes_alloc -= lk->alloc;
		nv->allocs++;
		nv->bytes_req += lk->req;
		nv->bytes_alloc += lk->alloc;
		v = nv;
	}
	if (ev->cpu != lk->cpu)
		v->cross_cpu++;	/* freed on another CPU than it was allocated on */
	if (!a->no_lifetimes && kms_slab_life_add(a, k.cache, k.call_site, ev->ts - lk->ts) < 0)
		return -1;
	kms_hmap_del_val(&a->live, lk);
	return free_fact_of(a, fi);
}

/* A kfree or kmem_cache_free: the object is no longer live. */
int kms_slab_free(struct kms_analysis *a, const struct kms_ev *ev)
{
	struct sl_key fk = { .pid = -1 };
	struct live_val *lk;
	int64_t id, fi;

	if (!ev->ptr)
		return 0;
	lk = KMS_HMAP_FIND(&a->live, &ev->ptr);
	if (lk) {
		fi = free_live(a, ev, lk);
	} else {
		if (ev->name && ev->name_len) {
			id = name_id(a, ev->name, ev->name_len);
			fk.src = SRC_EVENT;
		} else {
			id = class_id(a, KMS_ARRAY_SIZE(kmalloc_sizes) + 1);	/* "kmalloc-?" */
			fk.src = SRC_UNKNOWN;
		}
		if (id < 0)
			return -1;
		fk.cache = id;
		fi = fact_of(a, &fk);
	}
	if (fi < 0)
		return -1;
	a->facts[fi].v.frees++;
	return 0;
}

/* Symbolised call site, cached per address. */
int64_t kms_sym_of(struct kms_analysis *a, uint64_t addr)
{
	uint32_t *id;
	char buf[160];
	int added;

	id = kms_hmap_get(&a->syms, &addr, &added);
	if (!id)
		return 0;
	if (added) {
		const char *fn = a->tep ? tep_find_function(a->tep, addr) : NULL;

		if (fn)
			snprintf(buf, sizeof(buf), "%s+0x%llx", fn,
				 addr - tep_find_function_address(a->tep, addr));
		else if (a->raw_addresses)
			snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)addr);
		else	/* kernel pointers only when asked for (--raw-addresses) */
			snprintf(buf, sizeof(buf), "[unknown]");
		*id = kms_intern_str(&a->strs, buf);
	}
	return *id;
}

/* One fact per slab key; with_frees: also the facts of frees alone (no call site, no process). */
static int emit_slab(struct kms_proj *p, bool with_frees)
{
	struct kms_analysis *a = p->a;
	const void *kp;
	void *vp;
	size_t pos = 0;

	while (kms_hmap_next(&a->slab, &pos, &kp, &vp)) {
		const struct sl_key *k = kp;
		const struct sl_val *v = &a->facts[*(const uint32_t *)vp].v;
		int64_t f[KMS_SLOT__MAX] = { 0 };

		if (!with_frees && !v->allocs)
			continue;
		f[KMS_SLOT_CACHE] = k->cache;
		/* symbols only when grouped by call site: otherwise no row shows them */
		f[KMS_SLOT_CALL_SITE] = p->key_pos[KMS_SLOT_CALL_SITE] >= 0 ? kms_sym_of(a, k->call_site) : 0;
		f[KMS_SLOT_PID] = k->pid;
		f[KMS_SLOT_COMM] = k->pid >= 0 ? kms_comm_of(a, k->pid) : 0;
		f[KMS_SLOT_ALLOCS] = v->allocs;
		f[KMS_SLOT_FREES] = v->frees;
		f[KMS_SLOT_LIVE] = v->live;
		f[KMS_SLOT_BYTES_REQ] = v->bytes_req;
		f[KMS_SLOT_BYTES_ALLOC] = v->bytes_alloc;
		f[KMS_SLOT_NAME_SOURCE] = k->src;
		f[KMS_SLOT_CROSS_CPU] = v->cross_cpu;
		f[KMS_SLOT_CROSS_NODE] = v->cross_node;
		if (kms_proj_add(p, f))
			return -1;
	}
	return 0;
}

/* slab: every fact, frees without a seen allocation included. */
int kms_emit_slab_caches(struct kms_proj *p)
{
	return emit_slab(p, true);
}

/* slab_by_callsite, slab_by_process: the facts that allocated. */
int kms_emit_slab_allocs(struct kms_proj *p)
{
	return emit_slab(p, false);
}

/* waste_pct: the share of allocated bytes that was not requested. */
void kms_col_waste_pct(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	int64_t al = g->sum[KMS_SLOT_BYTES_ALLOC];
	int64_t waste = g->sum[KMS_SLOT_BYTES_ALLOC] - g->sum[KMS_SLOT_BYTES_REQ];

	c->d = al > 0 ? 100.0 * waste / al : 0;
}

/* name_source: where the row's cache name came from. */
void kms_col_name_source(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	static const char *const names[] = {
		[SRC_EVENT] = "event", [SRC_SIZECLASS] = "size-class",
		[SRC_INFERRED] = "inferred", [SRC_UNKNOWN] = "unknown",
	};

	c->i = g->sum[KMS_SLOT_NAME_SOURCE];
	c->s = names[c->i & 3];
}
