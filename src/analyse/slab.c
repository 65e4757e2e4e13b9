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

/* The id of a cache name from an event, past names_seen: its bytes are hashed, not compared as a string. */
static int64_t name_id_map(struct kms_analysis *a, const char *name, int len)
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

/*
 * The len (<= 32) bytes at s as four words, zero past len, reading no
 * byte outside them: whole words, then the last bytes as the top of the
 * word that ends with them (little-endian; otherwise a copy).
 */
static inline void name_words(const char *s, unsigned int len, uint64_t w[4])
{
	unsigned int i = 0, rest;
	uint64_t t = 0;
	uint32_t lo, hi;

	w[0] = w[1] = w[2] = w[3] = 0;
	if (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__) {
		memcpy(w, s, len);
		return;
	}
	for (; i + 8 <= len; i += 8)
		memcpy(&w[i / 8], s + i, 8);
	rest = len - i;
	if (!rest)
		return;
	if (len >= 8) {
		memcpy(&t, s + len - 8, 8);
		t >>= 8 * (8 - rest);
	} else if (rest >= 4) {
		memcpy(&lo, s, 4);
		memcpy(&hi, s + rest - 4, 4);
		t = lo | (uint64_t)hi << 8 * (rest - 4);
	} else {
		t = (unsigned char)s[0] | (rest > 1 ? (uint64_t)(unsigned char)s[1] << 8 : 0) |
		    (rest > 2 ? (uint64_t)(unsigned char)s[2] << 16 : 0);
	}
	w[i / 8] = t;
}

/*
 * The id of a cache name from an event: found by its bytes in a small
 * table of the names last seen (a handful of caches take most
 * allocations), then in the names map.
 */
static int64_t name_id(struct kms_analysis *a, const char *name, int len)
{
	struct nm_seen *e;
	uint64_t w[4];
	int64_t id;

	if (len > (int)sizeof(((struct nm_key *)0)->s))
		return name_id_map(a, name, len);
	name_words(name, len, w);
	e = &a->names_seen[((w[0] ^ w[1] * 31 ^ len) * 0x9e3779b97f4a7c15ULL) >> 58 &
			   (KMS_NAMES_SEEN - 1)];
	if (e->len == (uint32_t)len && e->id > 0 && e->w[0] == w[0] && e->w[1] == w[1] &&
	    e->w[2] == w[2] && e->w[3] == w[3])
		return e->id;
	id = name_id_map(a, name, len);
	if (id > 0) {
		memcpy(e->w, w, sizeof(w));
		e->len = len;
		e->id = id;
	}
	return id;
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

/* The facts_seen entry of an allocation's call site and process. */
static inline struct fact_seen *seen_slot(struct kms_analysis *a, uint64_t call_site, int32_t pid)
{
	return &a->facts_seen[((call_site ^ (uint64_t)(uint32_t)pid << 32) * 0x9e3779b97f4a7c15ULL) >>
			      (64 - __builtin_ctz(KMS_FACTS_SEEN))];
}

/* A kmalloc or kmem_cache_alloc: count it, and remember the live object. */
int kms_slab_alloc(struct kms_analysis *a, const struct kms_ev *ev)
{
	struct sl_key k = { .pid = ev->pid, .call_site = ev->call_site };
	struct fact_seen *fs = NULL;
	uint64_t w[4] = { 0 };
	uint32_t len = 0;
	struct sl_val *v;
	struct live_val *old;
	int64_t id = 0, fi;
	uint32_t live_h = KMS_HMAP_HASH(&ev->ptr);
	int added;

	kms_hmap_prefetch(&a->live, live_h);	/* its slot loads while the fact is found */
	if (ev->type == KMS_EV_KMALLOC || ev->type == KMS_EV_KMALLOC_NODE) {
		id = ev->bytes_alloc || !ev->bytes_req ? kmalloc_class(a, ev->bytes_alloc) :
			kmalloc_class_of_req(a, ev->bytes_req);
		k.src = SRC_SIZECLASS;
		w[0] = id;
		len = KMS_SEEN_CLASS;
	} else if (ev->name && ev->name_len) {
		k.src = SRC_EVENT;
		if (ev->name_len <= (int)sizeof(((struct nm_key *)0)->s)) {
			name_words(ev->name, ev->name_len, w);
			len = ev->name_len;
		}
	} else {
		if (!a->unknown_id)
			a->unknown_id = kms_intern_str(&a->strs, "?");
		id = a->unknown_id;
		k.src = SRC_UNKNOWN;
	}
	if (len && id >= 0) {	/* the fact last found for this call site, process and cache */
		fs = seen_slot(a, k.call_site, k.pid);
		if (fs->used && fs->call_site == k.call_site && fs->pid == k.pid && fs->len == len &&
		    fs->w[0] == w[0] && fs->w[1] == w[1] && fs->w[2] == w[2] && fs->w[3] == w[3]) {
			fi = fs->fact;
			goto found;
		}
	}
	if (k.src == SRC_EVENT)
		id = name_id(a, ev->name, ev->name_len);
	if (id < 0)
		return -1;
	k.cache = id;
	fi = fact_of(a, &k);
	if (fi < 0)
		return -1;
	if (fs) {
		fs->call_site = k.call_site;
		fs->pid = k.pid;
		fs->len = len;
		memcpy(fs->w, w, sizeof(w));
		fs->fact = fi;
		fs->used = 1;
	}
found:
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
	old = KMS_HMAP_GET_H(&a->live, &ev->ptr, &added, live_h);
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

/*
 * An unnamed cache alloc's object learns its name from its free (>= 5.12):
 * its allocation moves from fact ai to the named one. That fact's index,
 * or -1 when out of memory.
 */
static __attribute__((noinline)) int64_t learn_name(struct kms_analysis *a, const struct kms_ev *ev,
						    const struct live_val *lk, uint32_t ai)
{
	struct sl_key k = a->facts[ai].k;
	struct sl_val *v, *nv;
	int64_t id, fi;

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
	return fi;
}

/* A live object's free: its fact's live count, the name it learns, its lifetime. */
static int64_t free_live(struct kms_analysis *a, const struct kms_ev *ev, struct live_val *lk)
{
	uint32_t ai = lk->fact;
	struct sl_fact *f = &a->facts[ai];
	int64_t fi = ai;

	f->v.live--;
	if (f->k.src == SRC_UNKNOWN && ev->name && ev->name_len) {
		fi = learn_name(a, ev, lk, ai);
		if (fi < 0)
			return -1;
		f = &a->facts[fi];
	}
	if (ev->cpu != lk->cpu)
		f->v.cross_cpu++;	/* freed on another CPU than it was allocated on */
	if (!a->no_lifetimes && kms_slab_life_add(a, f->k.cache, f->k.call_site, ev->ts - lk->ts) < 0)
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
	lk = KMS_HMAP_FIND_H(&a->live, &ev->ptr, KMS_HMAP_HASH(&ev->ptr));	/* (pointers seldom repeat) */
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
