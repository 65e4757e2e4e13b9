// SPDX-License-Identifier: GPL-2.0
/*
 * Aggregation of decoded kmem and fault events into facts, and the
 * group-by projection of those facts into the catalogue's tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/analyse.h"
#include "base/hmap.h"
#include "base/kms.h"
#include "recipe/recipe.h"

enum { SRC_EVENT, SRC_SIZECLASS, SRC_INFERRED, SRC_UNKNOWN };
static const char *const src_names[] = { "event", "size-class", "inferred", "unknown" };

struct strtab {
	struct kms_hmap	map;	/* hash -> id */
	char		**strs;
	size_t		n, cap;
};

struct pa_key { int32_t pid, order, mt, pad; uint64_t gfp; };
struct cnt2 { uint64_t count, pages; };
struct sl_key { uint32_t cache, src; int32_t pid; uint32_t pad; uint64_t call_site; };
struct sl_val { int64_t allocs, frees, live, bytes_req, bytes_alloc; };
struct ft_val { uint64_t faults, user, kernel, read, write, exec; };
struct fm_key { int32_t pid; uint32_t map; };
struct probe_key { int32_t probe, pid; };
struct live_val { struct sl_key k; int64_t req, alloc; };
struct pi_val { uint32_t comm; int32_t mem_known; long long vm, rss, majflt; };
struct rss_val { int32_t pid, pad; int64_t size[4]; };
struct si_val { int64_t before, after, objsize; int32_t has_before, has_after; };

struct kms_analysis {
	struct tep_handle	*tep;
	struct kms_proc_ops	ops;
	struct strtab		strs;
	struct kms_hmap		page_alloc;	/* pa_key -> cnt2 */
	struct kms_hmap		page_free;	/* int32 order -> cnt2 */
	struct kms_hmap		slab;		/* sl_key -> sl_val */
	struct kms_hmap		live;		/* u64 ptr -> live_val */
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
	struct kms_hmap		probe_orders;	/* probe_key (pid = order) -> u64 hits */
	int64_t			*probe_names;	/* string ids, by recipe kprobe index */
	int			nr_probes;
	int			page_kib;
};

/* ---- string interning ---- */

static int64_t intern(struct strtab *t, const char *s, size_t len)
{
	uint64_t h = kms_hash(s, len);
	uint32_t *id;
	int added;

	for (;; h++) {
		id = kms_hmap_get(&t->map, &h, &added);
		if (!id)
			return -1;
		if (!added) {
			if (strlen(t->strs[*id]) == len && !memcmp(t->strs[*id], s, len))
				return *id;
			continue;	/* hash collision: probe on */
		}
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 256;
			char **n = realloc(t->strs, cap * sizeof(*n));

			if (!n)
				return -1;
			t->strs = n;
			t->cap = cap;
		}
		t->strs[t->n] = strndup(s, len);
		if (!t->strs[t->n])
			return -1;
		*id = t->n++;
		return *id;
	}
}

static int64_t intern_str(struct strtab *t, const char *s)
{
	return intern(t, s, strlen(s));
}

/* ---- setup ---- */

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
static struct tep_print_flag_sym *find_gfp_syms(struct tep_handle *tep)
{
	struct tep_event *e = tep ? tep_find_event_by_name(tep, "kmem", "mm_page_alloc") : NULL;

	return e ? flags_in(e->print_fmt.args) : NULL;
}

struct kms_analysis *kms_analysis_new(struct tep_handle *tep, const struct kms_proc_ops *ops)
{
	struct kms_analysis *a = calloc(1, sizeof(*a));

	if (!a)
		goto nomem;
	a->tep = tep;
	if (ops)
		a->ops = *ops;
	a->page_kib = 4;
	if (kms_hmap_init(&a->strs.map, 8, 4) || kms_hmap_init(&a->page_alloc, sizeof(struct pa_key), sizeof(struct cnt2)) ||
	    kms_hmap_init(&a->page_free, 4, sizeof(struct cnt2)) ||
	    kms_hmap_init(&a->slab, sizeof(struct sl_key), sizeof(struct sl_val)) ||
	    kms_hmap_init(&a->live, 8, sizeof(struct live_val)) ||
	    kms_hmap_init(&a->faults, 4, sizeof(struct ft_val)) ||
	    kms_hmap_init(&a->fmaps, sizeof(struct fm_key), 8) ||
	    kms_hmap_init(&a->procs, 4, sizeof(struct pi_val)) ||
	    kms_hmap_init(&a->rss, 4, sizeof(struct rss_val)) ||
	    kms_hmap_init(&a->syms, 8, 4) ||
	    kms_hmap_init(&a->slabinfo, 4, sizeof(struct si_val)) ||
	    kms_hmap_init(&a->gfp_names, 8, 4) ||
	    kms_hmap_init(&a->probes, sizeof(struct probe_key), 8) ||
	    kms_hmap_init(&a->probe_orders, sizeof(struct probe_key), 8)) {
		kms_analysis_free(a);
		goto nomem;
	}
	intern_str(&a->strs, "");	/* id 0: empty */
	a->gfp_syms = find_gfp_syms(tep);
	return a;
nomem:
	kms_error(KMS_ERR_NOMEM, "out of memory");
	return NULL;
}

void kms_analysis_free(struct kms_analysis *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->strs.n; i++)
		free(a->strs.strs[i]);
	free(a->strs.strs);
	kms_hmap_free(&a->strs.map);
	kms_hmap_free(&a->page_alloc);
	kms_hmap_free(&a->page_free);
	kms_hmap_free(&a->slab);
	kms_hmap_free(&a->live);
	kms_hmap_free(&a->faults);
	kms_hmap_free(&a->fmaps);
	kms_hmap_free(&a->procs);
	kms_hmap_free(&a->rss);
	kms_hmap_free(&a->syms);
	kms_hmap_free(&a->slabinfo);
	kms_hmap_free(&a->gfp_names);
	kms_hmap_free(&a->probes);
	kms_hmap_free(&a->probe_orders);
	free(a->probe_names);
	free(a);
}

int kms_analysis_set_probes(struct kms_analysis *a, const struct kms_recipe *r)
{
	int i;

	free(a->probe_names);
	a->probe_names = calloc(r->nr_kprobes + 1, sizeof(*a->probe_names));
	if (!a->probe_names)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	for (i = 0; i < r->nr_kprobes; i++)
		a->probe_names[i] = intern_str(&a->strs, r->kprobes[i].name);
	a->nr_probes = r->nr_kprobes;
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

/* ---- per-event work ---- */

/* First sight of a pid: remember its comm and, live, its memory. */
static struct pi_val *proc_seen(struct kms_analysis *a, int pid)
{
	const char *comm = NULL;
	struct pi_val *p;
	int32_t key = pid;
	int added;

	p = kms_hmap_get(&a->procs, &key, &added);
	if (!p || !added)
		return p;
	if (a->ops.comm)
		comm = a->ops.comm(pid, a->ops.ctx);
	if (!comm && a->tep && tep_is_pid_registered(a->tep, pid))
		comm = tep_data_comm_from_pid(a->tep, pid);
	if (!comm)
		comm = pid ? "<...>" : "<idle>";
	p->comm = intern_str(&a->strs, comm);
	if (a->ops.mem && a->ops.mem(pid, &p->vm, &p->rss, &p->majflt, a->ops.ctx) == 0)
		p->mem_known = 1;
	return p;
}

static const char *kmalloc_class(unsigned long long bytes, char *buf, size_t len)
{
	static const unsigned int classes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512,
						1024, 2048, 4096, 8192 };
	size_t i;

	for (i = 0; i < KMS_ARRAY_SIZE(classes); i++)
		if (bytes == classes[i]) {
			snprintf(buf, len, "kmalloc-%u", classes[i]);
			return buf;
		}
	return bytes > 8192 ? "kmalloc-large" : "kmalloc-?";
}

/* The smallest kmalloc class holding a request (kprobes see only the size). */
static const char *kmalloc_class_of_req(unsigned long long req, char *buf, size_t len)
{
	static const unsigned int classes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512,
						1024, 2048, 4096, 8192 };
	size_t i;

	for (i = 0; i < KMS_ARRAY_SIZE(classes); i++)
		if (req <= classes[i])
			return kmalloc_class(classes[i], buf, len);
	return "kmalloc-large";
}

static int slab_alloc(struct kms_analysis *a, const struct kms_ev *ev)
{
	struct sl_key k = { .pid = ev->pid, .call_site = ev->call_site };
	struct sl_val *v;
	struct live_val *old;
	char buf[32];
	int64_t id;

	if (ev->type == KMS_EV_KMALLOC || ev->type == KMS_EV_KMALLOC_NODE) {
		id = intern_str(&a->strs, ev->bytes_alloc || !ev->bytes_req ?
			kmalloc_class(ev->bytes_alloc, buf, sizeof(buf)) :
			kmalloc_class_of_req(ev->bytes_req, buf, sizeof(buf)));
		k.src = SRC_SIZECLASS;
	} else if (ev->name && ev->name_len) {
		id = intern(&a->strs, ev->name, ev->name_len);
		k.src = SRC_EVENT;
	} else {
		id = intern_str(&a->strs, "?");
		k.src = SRC_UNKNOWN;
	}
	if (id < 0)
		return -1;
	k.cache = id;
	v = kms_hmap_get(&a->slab, &k, NULL);
	if (!v)
		return -1;
	v->allocs++;
	v->live++;
	v->bytes_req += ev->bytes_req;
	v->bytes_alloc += ev->bytes_alloc;
	if (!ev->ptr)
		return 0;
	old = kms_hmap_get(&a->live, &ev->ptr, NULL);
	if (!old)
		return -1;
	if (old->alloc || old->k.call_site) {	/* its free was not seen */
		struct sl_val *ov = kms_hmap_find(&a->slab, &old->k);

		if (ov)
			ov->live--;
	}
	old->k = k;
	old->req = ev->bytes_req;
	old->alloc = ev->bytes_alloc;
	return 0;
}

static int slab_free(struct kms_analysis *a, const struct kms_ev *ev)
{
	struct sl_key fk = { .pid = -1 };
	struct live_val *lk;
	struct sl_val *v;
	int64_t id;

	if (!ev->ptr)
		return 0;
	lk = kms_hmap_find(&a->live, &ev->ptr);
	if (lk) {
		struct sl_key k = lk->k;

		v = kms_hmap_find(&a->slab, &k);
		if (v)
			v->live--;
		/* An unnamed cache alloc learns its name from the free (>= 5.12). */
		if (k.src == SRC_UNKNOWN && ev->name && ev->name_len && v) {
			struct sl_val *nv;

			id = intern(&a->strs, ev->name, ev->name_len);
			k.cache = id;
			k.src = SRC_INFERRED;
			nv = kms_hmap_get(&a->slab, &k, NULL);
			if (id < 0 || !nv)
				return -1;
			/* the insertion may have moved the old fact */
			v = kms_hmap_find(&a->slab, &lk->k);
			v->allocs--;
			v->bytes_req -= lk->req;
			v->bytes_alloc -= lk->alloc;
			nv->allocs++;
			nv->bytes_req += lk->req;
			nv->bytes_alloc += lk->alloc;
		}
		fk.cache = k.cache;
		fk.src = k.src;
		kms_hmap_del(&a->live, &ev->ptr);
	} else if (ev->name && ev->name_len) {
		id = intern(&a->strs, ev->name, ev->name_len);
		if (id < 0)
			return -1;
		fk.cache = id;
		fk.src = SRC_EVENT;
	} else {
		id = intern_str(&a->strs, "kmalloc-?");
		if (id < 0)
			return -1;
		fk.cache = id;
		fk.src = SRC_UNKNOWN;
	}
	v = kms_hmap_get(&a->slab, &fk, NULL);
	if (!v)
		return -1;
	v->frees++;
	return 0;
}

static int fault(struct kms_analysis *a, const struct kms_ev *ev)
{
	int32_t pid = ev->pid;
	struct ft_val *v = kms_hmap_get(&a->faults, &pid, NULL);

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
	if (a->ops.mapping && ev->address < 0x800000000000ULL) {
		const char *m = a->ops.mapping(pid, ev->address, a->ops.ctx);
		struct fm_key k = { .pid = pid };
		uint64_t *n;
		int64_t id = intern_str(&a->strs, m ? m : "[unmapped]");

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

static int slabinfo_line(struct kms_analysis *a, const char *line, int after);

/* Every kprobe hit, whatever its role, per process and (with an order) per order. */
static int count_probe(struct kms_analysis *a, const struct kms_ev *ev)
{
	struct probe_key k = { ev->probe, ev->pid };
	uint64_t *n = kms_hmap_get(&a->probes, &k, NULL);

	if (!n)
		return -1;
	(*n)++;
	if (KMS_HAS(ev, KMS_F_ORDER)) {
		k.pid = ev->order;
		n = kms_hmap_get(&a->probe_orders, &k, NULL);
		if (!n)
			return -1;
		(*n)++;
	}
	return 0;
}

/* "kmemscope-snapshot slabinfo before|after LINE", written by record. */
static int snapshot_line(struct kms_analysis *a, const struct kms_ev *ev)
{
	static const char tag[] = "kmemscope-snapshot slabinfo ";
	char line[512];
	int n = ev->buf_len, after;
	const char *p;

	if (!ev->buf || n <= (int)sizeof(tag) || memcmp(ev->buf, tag, sizeof(tag) - 1))
		return 0;
	p = ev->buf + sizeof(tag) - 1;
	n -= sizeof(tag) - 1;
	if (n > 6 && !memcmp(p, "after ", 6)) {
		after = 1;
		p += 6;
		n -= 6;
	} else if (n > 7 && !memcmp(p, "before ", 7)) {
		after = 0;
		p += 7;
		n -= 7;
	} else {
		return 0;
	}
	snprintf(line, sizeof(line), "%.*s", n, p);
	return slabinfo_line(a, line, after);
}

int kms_analysis_add(struct kms_analysis *a, const struct kms_ev *ev)
{
	struct cnt2 *c;

	if (a->orders && (ev->type == KMS_EV_PAGE_ALLOC || ev->type == KMS_EV_PAGE_FREE) &&
	    (ev->order > 63 || !(a->orders & (1ULL << ev->order))))
		return 0;
	a->events++;
	if (!proc_seen(a, ev->pid))
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	if (ev->probe >= 0 && count_probe(a, ev) < 0)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	switch (ev->type) {
	case KMS_EV_PAGE_ALLOC: {
		struct pa_key k = { .pid = ev->pid, .order = ev->order,
				    .mt = ev->migratetype, .gfp = ev->gfp };

		c = kms_hmap_get(&a->page_alloc, &k, NULL);
		if (!c)
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		c->count++;
		c->pages += 1ULL << (ev->order & 31);
		return 0;
	}
	case KMS_EV_PAGE_FREE: {
		int32_t order = ev->order;

		c = kms_hmap_get(&a->page_free, &order, NULL);
		if (!c)
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		c->count++;
		c->pages += 1ULL << (ev->order & 31);
		return 0;
	}
	case KMS_EV_KMALLOC:
	case KMS_EV_KMALLOC_NODE:
	case KMS_EV_CACHE_ALLOC:
	case KMS_EV_CACHE_ALLOC_NODE:
		return slab_alloc(a, ev) < 0 ? kms_error(KMS_ERR_NOMEM, "out of memory") : 0;
	case KMS_EV_KFREE:
	case KMS_EV_CACHE_FREE:
		return slab_free(a, ev) < 0 ? kms_error(KMS_ERR_NOMEM, "out of memory") : 0;
	case KMS_EV_FAULT_USER:
	case KMS_EV_FAULT_KERNEL:
		return fault(a, ev) < 0 ? kms_error(KMS_ERR_NOMEM, "out of memory") : 0;
	case KMS_EV_PRINT:
		return snapshot_line(a, ev);
	case KMS_EV_PROBE:
		return 0;	/* counted above */
	case KMS_EV_RSS_STAT:
		if (ev->curr && ev->member >= 0 && ev->member < 4) {
			uint32_t id = ev->mm_id;
			struct rss_val *r = kms_hmap_get(&a->rss, &id, NULL);

			if (!r)
				return kms_error(KMS_ERR_NOMEM, "out of memory");
			r->pid = ev->pid;
			r->size[ev->member] = ev->size;
		}
		return 0;
	default:
		return 0;
	}
}

/* ---- snapshots ---- */

/* One line of /proc/slabinfo: name active_objs num_objs objsize ... */
static int slabinfo_line(struct kms_analysis *a, const char *line, int after)
{
	long long active, total, objsize;
	struct si_val *v;
	char name[64];
	uint32_t key;
	int64_t id;

	if (line[0] == '#' || !strncmp(line, "slabinfo", 8) ||
	    sscanf(line, "%63s %lld %lld %lld", name, &active, &total, &objsize) != 4)
		return 0;
	id = intern_str(&a->strs, name);
	key = id;
	v = id < 0 ? NULL : kms_hmap_get(&a->slabinfo, &key, NULL);
	if (!v)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	if (after) {
		v->after = active;
		v->has_after = 1;
	} else {
		v->before = active;
		v->has_before = 1;
	}
	v->objsize = objsize;
	return 0;
}

int kms_analysis_slabinfo(struct kms_analysis *a, const char *text, int after)
{
	const char *line = text;
	char buf[512];

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		int n = nl ? nl - line : (int)strlen(line);

		snprintf(buf, sizeof(buf), "%.*s", n, line);
		if (slabinfo_line(a, buf, after) < 0)
			return -1;
		line = nl ? nl + 1 : NULL;
	}
	return 0;
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

/* ---- tables: group-by projection of the facts ---- */

#define MAXC 16

struct grp_key { int64_t k[KMS_MAX_KEYS]; };
struct grp_val { int64_t m[MAXC]; };

struct proj {
	struct kms_analysis		*a;
	const struct kms_recipe_table	*rt;
	const struct kms_table_def	*def;
	struct kms_hmap			groups;
	int				keycol[KMS_MAX_KEYS];	/* column of each selected key */
};

static void setk(const struct kms_table_def *d, int64_t *kv, const char *name, int64_t v)
{
	int i = kms_table_key(d, name);

	if (i >= 0)
		kv[i] = v;
}

static void setm(const struct kms_table_def *d, int64_t *m, const char *name, int64_t v)
{
	int i = kms_table_col(d, name);

	if (i >= 0 && i < MAXC)
		m[i] = v;
}

/* Add one fact: kv by def->keys index, m by column index. */
static int emit(struct proj *p, const int64_t *kv, const int64_t *m)
{
	struct grp_key k;
	struct grp_val *v;
	int i;

	memset(&k, 0, sizeof(k));
	for (i = 0; i < p->rt->nr_keys; i++)
		k.k[i] = kv[p->rt->keys[i]];
	v = kms_hmap_get(&p->groups, &k, NULL);
	if (!v)
		return -1;
	for (i = 0; i < p->def->nr_cols && i < MAXC; i++) {
		if (!strcmp(p->def->cols[i].name, "name_source"))
			v->m[i] = m[i] > v->m[i] ? m[i] : v->m[i];
		else
			v->m[i] += m[i];
	}
	return 0;
}

static int64_t comm_of(struct kms_analysis *a, int32_t pid)
{
	struct pi_val *p = proc_seen(a, pid);

	return p ? p->comm : 0;
}

/* Symbolised call site, cached per address. */
static int64_t sym_of(struct kms_analysis *a, uint64_t addr)
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
		else
			snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)addr);
		*id = intern_str(&a->strs, buf);
	}
	return *id;
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
	*id = intern_str(&a->strs, buf);
	return *id;
}

static int emit_pages(struct proj *p)
{
	const struct kms_table_def *d = p->def;
	struct kms_analysis *a = p->a;
	const void *kp;
	void *vp;
	size_t pos = 0;

	while (kms_hmap_next(&a->page_alloc, &pos, &kp, &vp)) {
		const struct pa_key *k = kp;
		const struct cnt2 *c = vp;
		int64_t kv[8] = { 0 }, m[MAXC] = { 0 };

		setk(d, kv, "order", k->order);
		setk(d, kv, "migratetype", k->mt);
		setk(d, kv, "gfp", gfp_of(a, k->gfp));
		setk(d, kv, "pid", k->pid);
		setk(d, kv, "comm", comm_of(a, k->pid));
		setm(d, m, "count", c->count);
		setm(d, m, "pages", c->pages);
		setm(d, m, "allocs", c->count);
		setm(d, m, "alloc_pages", c->pages);
		if (emit(p, kv, m))
			return -1;
	}
	if (strcmp(d->name, "page_orders"))
		return 0;
	pos = 0;
	while (kms_hmap_next(&a->page_free, &pos, &kp, &vp)) {
		const struct cnt2 *c = vp;
		int64_t kv[8] = { 0 }, m[MAXC] = { 0 };

		setk(d, kv, "order", *(const int32_t *)kp);
		setm(d, m, "frees", c->count);
		setm(d, m, "free_pages", c->pages);
		if (emit(p, kv, m))
			return -1;
	}
	return 0;
}

static int emit_slab(struct proj *p)
{
	const struct kms_table_def *d = p->def;
	struct kms_analysis *a = p->a;
	bool per_alloc = strcmp(d->name, "slab") != 0;
	const void *kp;
	void *vp;
	size_t pos = 0;

	while (kms_hmap_next(&a->slab, &pos, &kp, &vp)) {
		const struct sl_key *k = kp;
		const struct sl_val *v = vp;
		int64_t kv[8] = { 0 }, m[MAXC] = { 0 };

		/* Free-only facts have no call site or process. */
		if (per_alloc && !v->allocs)
			continue;
		setk(d, kv, "cache", k->cache);
		setk(d, kv, "call_site", sym_of(a, k->call_site));
		setk(d, kv, "pid", k->pid);
		setk(d, kv, "comm", k->pid >= 0 ? comm_of(a, k->pid) : 0);
		setm(d, m, "allocs", v->allocs);
		setm(d, m, "frees", v->frees);
		setm(d, m, "live", v->live);
		setm(d, m, "bytes_req", v->bytes_req);
		setm(d, m, "bytes_alloc", v->bytes_alloc);
		setm(d, m, "name_source", k->src);
		if (emit(p, kv, m))
			return -1;
	}
	return 0;
}

static int emit_faults(struct proj *p)
{
	const struct kms_table_def *d = p->def;
	struct kms_analysis *a = p->a;
	const void *kp;
	void *vp;
	size_t pos = 0;

	if (!strcmp(d->name, "faults_by_mapping")) {
		while (kms_hmap_next(&a->fmaps, &pos, &kp, &vp)) {
			const struct fm_key *k = kp;
			int64_t kv[8] = { 0 }, m[MAXC] = { 0 };

			setk(d, kv, "pid", k->pid);
			setk(d, kv, "comm", comm_of(a, k->pid));
			setk(d, kv, "mapping", k->map);
			setm(d, m, "faults", *(uint64_t *)vp);
			if (emit(p, kv, m))
				return -1;
		}
		return 0;
	}
	while (kms_hmap_next(&a->faults, &pos, &kp, &vp)) {
		const struct ft_val *v = vp;
		int32_t pid = *(const int32_t *)kp;
		int64_t kv[8] = { 0 }, m[MAXC] = { 0 };

		setk(d, kv, "pid", pid);
		setk(d, kv, "comm", comm_of(a, pid));
		setm(d, m, "faults", v->faults);
		setm(d, m, "user", v->user);
		setm(d, m, "kernel", v->kernel);
		setm(d, m, "read", v->read);
		setm(d, m, "write", v->write);
		setm(d, m, "exec", v->exec);
		if (emit(p, kv, m))
			return -1;
	}
	return 0;
}

static int emit_slabinfo(struct proj *p)
{
	const struct kms_table_def *d = p->def;
	const void *kp;
	void *vp;
	size_t pos = 0;

	while (kms_hmap_next(&p->a->slabinfo, &pos, &kp, &vp)) {
		const struct si_val *v = vp;
		int64_t kv[8] = { 0 }, m[MAXC] = { 0 };

		if (!v->has_before || !v->has_after || v->before == v->after)
			continue;
		setk(d, kv, "cache", *(const uint32_t *)kp);
		setm(d, m, "before", v->before);
		setm(d, m, "after", v->after);
		setm(d, m, "objsize", v->objsize);
		if (emit(p, kv, m))
			return -1;
	}
	return 0;
}

static int emit_probes(struct proj *p)
{
	const struct kms_table_def *d = p->def;
	struct kms_analysis *a = p->a;
	int orders = !strcmp(d->name, "probe_orders");
	struct kms_hmap *m = orders ? &a->probe_orders : &a->probes;
	const void *kp;
	void *vp;
	size_t pos = 0;

	while (kms_hmap_next(m, &pos, &kp, &vp)) {
		const struct probe_key *k = kp;
		int64_t kv[8] = { 0 }, mm[MAXC] = { 0 };

		if (k->probe < 0 || k->probe >= a->nr_probes)
			continue;
		setk(d, kv, "probe", a->probe_names[k->probe]);
		if (orders) {
			setk(d, kv, "order", k->pid);
			setm(d, mm, "pages", *(uint64_t *)vp << (k->pid & 31));
		} else {
			setk(d, kv, "pid", k->pid);
			setk(d, kv, "comm", comm_of(a, k->pid));
		}
		setm(d, mm, "hits", *(uint64_t *)vp);
		if (emit(p, kv, mm))
			return -1;
	}
	return 0;
}

/* Memory columns of one process: end sample, last sample, rss_stat, or none. */
static const char *proc_mem(struct kms_analysis *a, int32_t pid, int64_t *vm, int64_t *rss,
			    int64_t *maj, int *have_vm)
{
	struct pi_val *p = kms_hmap_find(&a->procs, &pid);
	const void *kp;
	void *vp;
	size_t pos = 0;

	*have_vm = 0;
	if (p && p->mem_known) {
		*vm = p->vm;
		*rss = p->rss;
		*maj = p->majflt;
		*have_vm = 1;
		return p->mem_known == 2 ? "end" : "last-sample";
	}
	while (kms_hmap_next(&a->rss, &pos, &kp, &vp)) {
		const struct rss_val *r = vp;

		if (r->pid == pid) {
			*rss = (r->size[0] + r->size[1] + r->size[3]) / 1024;
			return "rss_stat";
		}
	}
	return NULL;
}

static void fill_cell(struct proj *p, struct kms_cell *c, int col, const struct grp_key *gk,
		      const struct grp_val *gv)
{
	const struct kms_col_def *cd = &p->def->cols[col];
	struct kms_analysis *a = p->a;
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < p->rt->nr_keys; i++) {
		if (p->keycol[i] == col) {
			if (cd->type == KMS_COL_STR)
				c->s = a->strs.strs[gk->k[i]];
			else
				c->i = gk->k[i];
			return;
		}
	}
	c->i = col < MAXC ? gv->m[col] : 0;
	if (!strcmp(cd->name, "name_source"))
		c->s = src_names[c->i & 3];
	else if (!strcmp(cd->name, "kib"))
		c->i = gv->m[kms_table_col(p->def, "pages")] * a->page_kib;
	else if (!strcmp(cd->name, "net_pages"))
		c->i = gv->m[kms_table_col(p->def, "alloc_pages")] -
		       gv->m[kms_table_col(p->def, "free_pages")];
	else if (!strcmp(cd->name, "net_kib"))
		c->i = (gv->m[kms_table_col(p->def, "alloc_pages")] -
			gv->m[kms_table_col(p->def, "free_pages")]) * a->page_kib;
	else if (!strcmp(cd->name, "waste_pct")) {
		int64_t al = gv->m[kms_table_col(p->def, "bytes_alloc")];
		int64_t rq = gv->m[kms_table_col(p->def, "bytes_req")];

		c->d = al > 0 ? 100.0 * (al - rq) / al : 0;
	} else if (!strcmp(cd->name, "delta"))
		c->i = gv->m[kms_table_col(p->def, "after")] - gv->m[kms_table_col(p->def, "before")];
	else if (!strcmp(cd->name, "delta_kib"))
		c->i = (gv->m[kms_table_col(p->def, "after")] - gv->m[kms_table_col(p->def, "before")]) *
		       gv->m[kms_table_col(p->def, "objsize")] / 1024;
}

/* Faults rows take their memory columns from the process, when grouped by pid. */
static void fill_mem(struct proj *p, struct kms_cell *row, const struct grp_key *gk, struct kms_rows *rows)
{
	int pidk = kms_table_key(p->def, "pid"), i, j, have_vm = 0;
	int64_t vm = 0, rss = 0, maj = 0, pid = -1;
	const char *src = NULL;

	for (i = 0; i < p->rt->nr_keys; i++)
		if (p->rt->keys[i] == pidk)
			pid = gk->k[i];
	if (pid >= 0)
		src = proc_mem(p->a, pid, &vm, &rss, &maj, &have_vm);
	for (j = 0; j < rows->ncols; j++) {
		const char *n = p->def->cols[rows->cols[j]].name;
		struct kms_cell *c = &row[j];

		if (!strcmp(n, "vm_kib")) {
			c->i = vm;
			c->null = !have_vm;
		} else if (!strcmp(n, "rss_kib")) {
			c->i = rss;
			c->null = !src;
		} else if (!strcmp(n, "majflt")) {
			c->i = maj;
			c->null = !have_vm;
		} else if (!strcmp(n, "mem_source")) {
			c->s = src;
			c->null = !src;
		}
	}
}

static const struct kms_rows *sort_rows;
static int sort_col, sort_asc, sort_abs;

static int cmp_rows(const void *x, const void *y)
{
	const struct kms_cell *a = x, *b = y;
	const struct kms_cell *ca = &a[sort_col], *cb = &b[sort_col];
	int t = sort_rows->def->cols[sort_rows->cols[sort_col]].type, r = 0, i;

	if (t == KMS_COL_STR)
		r = strcmp(ca->s ? ca->s : "", cb->s ? cb->s : "");
	else if (sort_abs)	/* deltas: the largest change first, either way */
		r = (llabs(ca->i) > llabs(cb->i)) - (llabs(ca->i) < llabs(cb->i));
	else if (t == KMS_COL_PCT)
		r = (ca->d > cb->d) - (ca->d < cb->d);
	else
		r = (ca->i > cb->i) - (ca->i < cb->i);
	if (!sort_asc)
		r = -r;
	for (i = 0; !r && i < sort_rows->ncols; i++) {	/* stable tie-break on all columns */
		if (sort_rows->def->cols[sort_rows->cols[i]].type == KMS_COL_STR)
			r = strcmp(a[i].s ? a[i].s : "", b[i].s ? b[i].s : "");
		else
			r = (a[i].i > b[i].i) - (a[i].i < b[i].i);
	}
	return r;
}

int kms_analysis_table(struct kms_analysis *a, const struct kms_recipe_table *rt,
		       struct kms_rows *rows)
{
	struct proj p = { .a = a, .rt = rt, .def = rt->def };
	const char *n = rt->def->name;
	const void *kp;
	void *vp;
	size_t pos = 0, r;
	int i, j, ret, is_key, sortpos = 0;

	memset(rows, 0, sizeof(*rows));
	rows->def = rt->def;
	for (i = 0; i < rt->nr_keys; i++) {
		p.keycol[i] = kms_table_col(rt->def, rt->def->keys[rt->keys[i]]);
		rows->cols[rows->ncols++] = p.keycol[i];
	}
	for (i = 0; i < rt->def->nr_cols && rows->ncols < 16; i++) {
		for (is_key = 0, j = 0; rt->def->keys[j]; j++)
			if (!strcmp(rt->def->keys[j], rt->def->cols[i].name))
				is_key = 1;
		if (!is_key)
			rows->cols[rows->ncols++] = i;
	}
	if (kms_hmap_init(&p.groups, sizeof(struct grp_key), sizeof(struct grp_val)))
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	if (!strncmp(n, "probe", 5))
		ret = emit_probes(&p);
	else if (!strncmp(n, "page", 4))
		ret = emit_pages(&p);
	else if (!strcmp(n, "slabinfo"))
		ret = emit_slabinfo(&p);
	else if (!strncmp(n, "slab", 4))
		ret = emit_slab(&p);
	else
		ret = emit_faults(&p);
	if (ret)
		goto nomem;
	rows->cells = calloc(p.groups.len ? p.groups.len : 1, rows->ncols * sizeof(struct kms_cell));
	if (!rows->cells)
		goto nomem;
	r = 0;
	while (kms_hmap_next(&p.groups, &pos, &kp, &vp)) {
		struct kms_cell *row = &rows->cells[r++ * rows->ncols];

		for (j = 0; j < rows->ncols; j++)
			fill_cell(&p, &row[j], rows->cols[j], kp, vp);
		if (!strcmp(n, "faults"))
			fill_mem(&p, row, kp, rows);
	}
	rows->nrows = r;
	for (j = 0; j < rows->ncols; j++)
		if (rows->cols[j] == rt->sort)
			sortpos = j;
	sort_rows = rows;
	sort_col = sortpos;
	sort_asc = 0;
	sort_abs = !strncmp(rt->def->cols[rt->sort].name, "delta", 5);
	for (i = 0; rt->def->keys[i]; i++)
		if (!strcmp(rt->def->keys[i], rt->def->cols[rt->sort].name))
			sort_asc = 1;
	qsort(rows->cells, rows->nrows, rows->ncols * sizeof(struct kms_cell), cmp_rows);
	if (rt->limit > 0 && rows->nrows > (size_t)rt->limit)
		rows->nrows = rt->limit;
	if (!strcmp(n, "faults_by_mapping") && !a->ops.mapping)
		snprintf(rows->note, sizeof(rows->note),
			 "mappings are known only while the processes live (use kmemscope top)");
	if (!strcmp(n, "slabinfo") && !a->slabinfo.len)
		snprintf(rows->note, sizeof(rows->note), "no /proc/slabinfo snapshots in this source");
	kms_hmap_free(&p.groups);
	return 0;
nomem:
	kms_hmap_free(&p.groups);
	kms_rows_free(rows);
	return kms_error(KMS_ERR_NOMEM, "out of memory");
}

void kms_rows_free(struct kms_rows *rows)
{
	free(rows->cells);
	rows->cells = NULL;
	rows->nrows = 0;
}
