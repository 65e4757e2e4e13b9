// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel stacks of allocations and faults (the slab_by_stack,
 * pages_by_stack, faults_by_stack and inuse_by_stack tables, and the
 * folded, pprof and SVG outputs): each raw stack interned once by its
 * frames, its events summed; the objects it allocated that are still live
 * tracked by pointer (slab) or pfn (pages) with the time of allocation.
 * Symbols and the frames kept are worked out once per distinct stack, when
 * a table is built.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/internal.h"
#include "analyse/stacks.h"
#include "base/kms.h"

#define AGE_BUCKETS	40	/* log2 of the age in ms: <1ms, 1ms, 2ms, ... */

struct stk_key { uint32_t kind, nr; uint64_t hash; };

/* One distinct raw stack. */
struct stk {
	uint32_t	kind, nr;	/* enum kms_stack_kind, raw frames */
	size_t		off;		/* its raw frames in frames[] */
	int64_t		sym;		/* display string id; -1: not worked out */
	size_t		soff;		/* kept frames' string ids in syms[] */
	int		snr;
	uint64_t	count, objects, bytes, pages, user, kernel;
};

/* An object still allocated: its stack, size and time. */
struct obj_val { uint32_t sid, pad; uint64_t bytes, ts; };

struct kms_stacks {
	struct kms_pairer	*pairer;
	struct kms_hmap		ids;		/* stk_key -> u32 index into st */
	struct stk		*st;
	size_t			n, cap;
	uint64_t		*frames;	/* raw frames of every stack */
	size_t			nf, capf;
	uint32_t		*syms;		/* kept frames' string ids */
	size_t			ns, caps;
	struct kms_hmap		slab_live;	/* u64 ptr -> obj_val */
	struct kms_hmap		page_live;	/* u64 pfn -> obj_val (bytes: pages) */
	unsigned long long	last_ts, older_ns, paired, unpaired;
	int			depth[KMS_STACK__MAX];
};

/* The kind of stack an event type takes. */
static int kind_of(enum kms_ev_type t)
{
	switch (t) {
	case KMS_EV_PAGE_ALLOC:
		return KMS_STACK_PAGES;
	case KMS_EV_FAULT_USER: case KMS_EV_FAULT_KERNEL:
		return KMS_STACK_FAULTS;
	case KMS_EV_KMALLOC: case KMS_EV_KMALLOC_NODE:
	case KMS_EV_CACHE_ALLOC: case KMS_EV_CACHE_ALLOC_NODE:
		return KMS_STACK_SLAB;
	default:
		return -1;
	}
}

/* The stacks state, made on first use. */
static struct kms_stacks *stacks_of(struct kms_analysis *a)
{
	struct kms_stacks *s = a->stk;

	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->pairer = kms_pairer_new();
	if (!s->pairer || kms_hmap_init(&s->ids, sizeof(struct stk_key), 4) ||
	    kms_hmap_init(&s->slab_live, 8, sizeof(struct obj_val)) ||
	    kms_hmap_init(&s->page_live, 8, sizeof(struct obj_val))) {
		kms_pairer_free(s->pairer);
		free(s);
		return NULL;
	}
	a->stk = s;
	return s;
}

void kms_stacks_free(struct kms_analysis *a)
{
	struct kms_stacks *s = a->stk;

	if (!s)
		return;
	kms_pairer_free(s->pairer);
	kms_hmap_free(&s->ids);
	kms_hmap_free(&s->slab_live);
	kms_hmap_free(&s->page_live);
	free(s->st);
	free(s->frames);
	free(s->syms);
	free(s);
	a->stk = NULL;
}

/* Grow an array to hold need elements. */
static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 256;
	void *n;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	n = realloc(*p, c * size);
	if (!n)
		return -1;
	*p = n;
	*cap = c;
	return 0;
}

/* The index of a raw stack of this kind, interned on first sight. */
static int64_t intern_stack(struct kms_stacks *s, int kind, const struct kms_ev *ev)
{
	struct stk_key k = { .kind = kind, .nr = ev->nr_frames };
	uint64_t buf[KMS_STACK_MAX_FRAMES];
	uint32_t *id;
	struct stk *st;
	int i, added;

	for (i = 0; i < ev->nr_frames; i++)
		buf[i] = kms_stack_frame(ev, i);
	/* a 64-bit hash of the frames names the stack; a collision would merge two */
	k.hash = kms_hash(buf, ev->nr_frames * sizeof(buf[0]));
	id = kms_hmap_get(&s->ids, &k, &added);
	if (!id)
		return -1;
	if (!added)
		return *id;
	if (grow((void **)&s->st, &s->cap, s->n + 1, sizeof(*s->st)) ||
	    grow((void **)&s->frames, &s->capf, s->nf + ev->nr_frames, sizeof(*s->frames))) {
		kms_hmap_del(&s->ids, &k);
		return -1;
	}
	st = &s->st[s->n];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->nr = ev->nr_frames;
	st->off = s->nf;
	st->sym = -1;
	memcpy(s->frames + s->nf, buf, ev->nr_frames * sizeof(buf[0]));
	s->nf += ev->nr_frames;
	*id = s->n;
	return s->n++;
}

/* A stack and the event it follows: count the event on its stack. */
static int add_paired(struct kms_analysis *a, struct kms_stacks *s, const struct kms_ev *ev,
		      const struct kms_ev *e)
{
	int kind = kind_of(e->type);
	struct obj_val *o;
	struct stk *st;
	int64_t sid;

	if (kind < 0)
		return 0;
	if (kind == KMS_STACK_PAGES && (e->order > KMS_MAX_ORDER ||
	    (a->orders && !(a->orders & (1ULL << e->order)))))
		return 0;
	sid = intern_stack(s, kind, ev);
	if (sid < 0)
		return -1;
	st = &s->st[sid];
	st->count++;
	s->paired++;
	if (kind == KMS_STACK_FAULTS) {
		if (e->type == KMS_EV_FAULT_USER)
			st->user++;
		else
			st->kernel++;
		return 0;
	}
	st->objects++;
	if (kind == KMS_STACK_PAGES) {
		st->pages += 1ULL << e->order;
		st->bytes += (uint64_t)a->page_size << e->order;
		o = kms_hmap_get(&s->page_live, &e->pfn, NULL);
		if (!o)
			return -1;
		*o = (struct obj_val){ sid, e->order, 1ULL << e->order, e->ts };
		return 0;
	}
	st->bytes += e->bytes_alloc ? e->bytes_alloc : e->bytes_req;
	if (!e->ptr)
		return 0;
	o = kms_hmap_get(&s->slab_live, &e->ptr, NULL);
	if (!o)
		return -1;
	*o = (struct obj_val){ sid, 0, e->bytes_alloc ? e->bytes_alloc : e->bytes_req, e->ts };
	return 0;
}

/* Every event: pair stacks, and end the life of freed objects. */
int kms_stacks_add(struct kms_analysis *a, const struct kms_ev *ev, bool counted)
{
	struct kms_stacks *s = a->stk;
	const struct kms_ev *e;
	uint64_t key;
	int err;

	if (!s) {
		/* only data that describes kernel_stack can have stacks */
		if (a->no_stacks || (a->tep && !tep_find_event_by_name(a->tep, "ftrace", "kernel_stack"))) {
			a->no_stacks = 1;
			return 0;
		}
		s = stacks_of(a);
		if (!s)
			return -1;
	}
	if (ev->ts > s->last_ts)
		s->last_ts = ev->ts;
	e = kms_pairer_feed(s->pairer, ev, &err);
	if (err)
		return -1;
	if (ev->type == KMS_EV_STACK) {
		if (!e) {
			s->unpaired++;
			return 0;
		}
		/* the stack of an event outside the scope or selection is not counted */
		return counted ? add_paired(a, s, ev, e) : 0;
	}
	switch (ev->type) {
	case KMS_EV_KFREE: case KMS_EV_CACHE_FREE:
		if (ev->ptr && s->slab_live.len)
			kms_hmap_del(&s->slab_live, &ev->ptr);
		break;
	case KMS_EV_PAGE_FREE: case KMS_EV_PAGE_FREE_BATCHED:
		key = ev->pfn;
		if (s->page_live.len)
			kms_hmap_del(&s->page_live, &key);
		break;
	case KMS_EV_KMALLOC: case KMS_EV_KMALLOC_NODE:
	case KMS_EV_CACHE_ALLOC: case KMS_EV_CACHE_ALLOC_NODE:
		/* a reused pointer: the old object's free was not seen */
		if (ev->ptr && s->slab_live.len)
			kms_hmap_del(&s->slab_live, &ev->ptr);
		break;
	default:
		break;
	}
	return 0;
}

void kms_analysis_stack_depth(struct kms_analysis *a, enum kms_ev_type t, int depth)
{
	int kind = kind_of(t);
	struct kms_stacks *s = stacks_of(a);

	if (s && kind >= 0 && depth > 0)
		s->depth[kind] = depth;
}

void kms_analysis_older_than(struct kms_analysis *a, unsigned long long ns)
{
	struct kms_stacks *s = stacks_of(a);

	if (s)
		s->older_ns = ns;
}

void kms_analysis_stack_counts(const struct kms_analysis *a, unsigned long long *paired,
			       unsigned long long *unpaired)
{
	*paired = a->stk ? a->stk->paired : 0;
	*unpaired = a->stk ? a->stk->unpaired : 0;
}

/* Does name (leading underscores aside) start with one of the prefixes? */
static int starts(const char *name, const char *const *prefixes)
{
	int i;

	while (*name == '_')
		name++;
	for (i = 0; prefixes[i]; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

/* Frames of the tracing machinery, innermost. */
static const char *const tracing[] = {
	"trace_event_raw_event_", "perf_trace_", "traceiter_", "trace_", "ftrace_",
	"event_trigger", "stacktrace_trigger", "save_stack", NULL,
};
/* The page allocator's own frames (perf kmem's alloc_pages*, __get_free_pages*, get_zeroed_page*). */
static const char *const page_alloc[] = {
	"alloc_pages", "alloc_frozen_pages", "get_free_pages", "get_zeroed_page",
	"folio_alloc", "get_page_from_freelist", "rmqueue", NULL,
};
/* Slab's internals and the kmalloc family's wrappers. */
static const char *const slab_alloc[] = {
	"kmalloc", "kmem_cache_alloc", "kmem_cache_zalloc", "slab_", "do_kmalloc",
	"kvmalloc", "kvzalloc", "kzalloc", "kcalloc", "kmalloc_array", "kvcalloc",
	"kmemdup", "kstrdup", "kstrndup", "krealloc", "kvrealloc", "new_slab",
	"allocate_slab", "kmalloc_trace", NULL,
};

/* Work out a stack's symbols and the frames it keeps (once per stack). */
static int symbolise(struct kms_analysis *a, struct kms_stacks *s, struct stk *st)
{
	const char *names[KMS_STACK_MAX_FRAMES];
	char addr[32], disp[4096];
	size_t len = 0;
	int i, n = 0, first = 0, depth = s->depth[st->kind];
	const char *const *internals = st->kind == KMS_STACK_PAGES ? page_alloc :
				       st->kind == KMS_STACK_SLAB ? slab_alloc : NULL;
	int64_t id;

	for (i = 0; i < (int)st->nr; i++) {
		uint64_t pc = s->frames[st->off + i];
		const char *fn = a->tep ? tep_find_function(a->tep, pc) : NULL;

		if (!fn && a->raw_addresses) {
			snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)pc);
			fn = addr;
		} else if (!fn) {
			fn = "[unknown]";	/* kernel pointers only with --raw-addresses */
		}
		id = kms_intern_str(&a->strs, fn);
		if (id < 0)
			return -1;
		names[n++] = a->strs.strs[id];
	}
	while (first < n && starts(names[first], tracing))
		first++;
	while (internals && first < n - 1 && starts(names[first], internals))
		first++;
	n -= first;
	if (depth && n > depth)
		n = depth;
	if (grow((void **)&s->syms, &s->caps, s->ns + (n ? n : 1), sizeof(*s->syms)))
		return -1;
	st->soff = s->ns;
	st->snr = n;
	disp[0] = '\0';
	for (i = 0; i < n; i++) {
		s->syms[s->ns++] = kms_intern_str(&a->strs, names[first + i]);
		if (len < sizeof(disp))
			len += snprintf(disp + len, sizeof(disp) - len, "%s%s", i ? "<-" : "",
					names[first + i]);
	}
	id = kms_intern_str(&a->strs, n ? disp : "[no frames]");
	if (id < 0)
		return -1;
	st->sym = id;
	return 0;
}

/* What a distinct (symbolised) stack sums to. */
struct merged {
	uint32_t	rep;		/* a raw stack with these frames */
	uint32_t	pad;
	uint64_t	count, objects, bytes, pages, user, kernel;
	uint64_t	inuse, inuse_bytes, inuse_pages, oldest;
	uint64_t	hist[AGE_BUCKETS];
};

struct merge_key { uint32_t kind, sym; };

/* The log2 bucket of an age: 0 below 1 ms, then 1 + log2(ms). */
static int age_bucket(uint64_t ns)
{
	uint64_t ms = ns / 1000000;
	int b = 0;

	while (ms && b < AGE_BUCKETS - 1) {
		ms >>= 1;
		b++;
	}
	return b;
}

/* Add the live objects of one map to their stacks' merged rows. */
static int add_inuse(struct kms_analysis *a, struct kms_stacks *s, struct kms_hmap *live,
		     struct kms_hmap *m, int pages)
{
	const void *kp;
	void *vp;
	size_t pos = 0;

	while (kms_hmap_next(live, &pos, &kp, &vp)) {
		const struct obj_val *o = vp;
		const struct stk *st = &s->st[o->sid];
		struct merge_key k = { st->kind, st->sym };
		struct merged *v = kms_hmap_find(m, &k);
		uint64_t age = s->last_ts > o->ts ? s->last_ts - o->ts : 0;

		if (!v || age < s->older_ns)
			continue;
		v->inuse++;
		if (pages) {
			v->inuse_pages += o->bytes;
			v->inuse_bytes += (uint64_t)a->page_size * o->bytes;
		} else {
			v->inuse_bytes += o->bytes;
		}
		if (age > v->oldest)
			v->oldest = age;
		v->hist[age_bucket(age)]++;
	}
	return 0;
}

/* Every distinct stack with its sums, keyed by kind and display string. */
static int merge(struct kms_analysis *a, struct kms_hmap *m)
{
	struct kms_stacks *s = a->stk;
	size_t i;

	if (kms_hmap_init(m, sizeof(struct merge_key), sizeof(struct merged)))
		return -1;
	for (i = 0; s && i < s->n; i++) {
		struct stk *st = &s->st[i];
		struct merge_key k;
		struct merged *v;
		int added;

		if (st->sym < 0 && symbolise(a, s, st) < 0)
			return -1;
		k = (struct merge_key){ st->kind, st->sym };
		v = kms_hmap_get(m, &k, &added);
		if (!v)
			return -1;
		if (added)
			v->rep = i;
		v->count += st->count;
		v->objects += st->objects;
		v->bytes += st->bytes;
		v->pages += st->pages;
		v->user += st->user;
		v->kernel += st->kernel;
	}
	if (s && (add_inuse(a, s, &s->slab_live, m, 0) || add_inuse(a, s, &s->page_live, m, 1)))
		return -1;
	return 0;
}

int kms_analysis_stacks(struct kms_analysis *a, kms_stack_fn fn, void *ctx)
{
	struct kms_hmap m;
	const void *kp;
	void *vp;
	size_t pos = 0;
	int i, ret = 0;

	if (merge(a, &m)) {
		kms_hmap_free(&m);
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	}
	while (!ret && kms_hmap_next(&m, &pos, &kp, &vp)) {
		const struct merged *v = vp;
		const struct stk *st = &a->stk->st[v->rep];
		struct kms_stack_sample sm = {
			.kind = st->kind, .nr = st->snr, .count = v->count,
			.objects = v->objects, .bytes = v->bytes, .pages = v->pages,
			.inuse_objects = v->inuse, .inuse_bytes = v->inuse_bytes,
			.inuse_pages = v->inuse_pages,
		};

		for (i = 0; i < st->snr; i++)
			sm.frames[i] = a->strs.strs[a->stk->syms[st->soff + i]];
		ret = fn(&sm, ctx);
	}
	kms_hmap_free(&m);
	return ret;
}

/* "<1ms:3 1ms:5 2ms:1 ...": the non-empty log2 buckets of a row's ages. */
static int64_t hist_str(struct kms_analysis *a, const uint64_t *hist)
{
	char buf[1024], label[32];
	size_t len = 0;
	int b;

	buf[0] = '\0';
	for (b = 0; b < AGE_BUCKETS && len < sizeof(buf); b++) {
		uint64_t ms = b ? 1ULL << (b - 1) : 0;

		if (!hist[b])
			continue;
		if (!b)
			snprintf(label, sizeof(label), "<1ms");
		else if (ms < 1024)
			snprintf(label, sizeof(label), "%llums", (unsigned long long)ms);
		else
			snprintf(label, sizeof(label), "%.1fs", ms / 1000.0);
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s:%llu", len ? " " : "", label,
				(unsigned long long)hist[b]);
	}
	return kms_intern_str(&a->strs, buf);
}

static const char *const kind_names[KMS_STACK__MAX] = { "slab", "pages", "faults" };

/* One fact per distinct stack of a kind (-1: every kind with something in use). */
static int emit(struct kms_proj *p, int kind)
{
	struct kms_analysis *a = p->a;
	struct kms_hmap m;
	const void *kp;
	void *vp;
	size_t pos = 0;
	int ret = 0;

	if (!a->stk) {
		p->note = "no kernel stacks in this data (record with -T, or a recipe's stack lines)";
		return 0;
	}
	if (merge(a, &m)) {
		kms_hmap_free(&m);
		return -1;
	}
	while (!ret && kms_hmap_next(&m, &pos, &kp, &vp)) {
		const struct merge_key *k = kp;
		const struct merged *v = vp;
		const struct stk *st = &a->stk->st[v->rep];
		int64_t f[KMS_SLOT__MAX] = { 0 };

		if (kind >= 0 ? (int)k->kind != kind : !v->inuse)
			continue;
		f[KMS_SLOT_STACK] = k->sym;
		f[KMS_SLOT_SITE] = st->snr ? a->stk->syms[st->soff] : kms_intern_str(&a->strs, "?");
		f[KMS_SLOT_KIND] = kms_intern_str(&a->strs, kind_names[k->kind]);
		f[KMS_SLOT_ALLOCS] = v->objects;
		f[KMS_SLOT_FAULTS] = v->count;
		f[KMS_SLOT_USER] = v->user;
		f[KMS_SLOT_KERNEL] = v->kernel;
		f[KMS_SLOT_PAGES] = kind == KMS_STACK_PAGES || k->kind == KMS_STACK_PAGES ?
				    (int64_t)(kind < 0 ? v->inuse_pages : v->pages) : 0;
		f[KMS_SLOT_BYTES_ALLOC] = v->bytes;
		f[KMS_SLOT_INUSE] = v->inuse;
		f[KMS_SLOT_INUSE_BYTES] = v->inuse_bytes;
		f[KMS_SLOT_OLDEST_NS] = v->oldest;
		f[KMS_SLOT_AGE_HIST] = kind < 0 ? hist_str(a, v->hist) : 0;
		if (f[KMS_SLOT_AGE_HIST] < 0 || f[KMS_SLOT_SITE] < 0 || f[KMS_SLOT_KIND] < 0)
			ret = -1;
		else
			ret = kms_proj_add(p, f);
	}
	kms_hmap_free(&m);
	return ret;
}

/* slab_by_stack */
int kms_emit_slab_stacks(struct kms_proj *p)
{
	return emit(p, KMS_STACK_SLAB);
}

/* pages_by_stack */
int kms_emit_page_stacks(struct kms_proj *p)
{
	return emit(p, KMS_STACK_PAGES);
}

/* faults_by_stack */
int kms_emit_fault_stacks(struct kms_proj *p)
{
	return emit(p, KMS_STACK_FAULTS);
}

/* inuse_by_stack: what every stack still holds at the end */
int kms_emit_inuse_stacks(struct kms_proj *p)
{
	return emit(p, -1);
}

/* A string column that is not a key: the row's string id, as its string. */
void kms_col_strid(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	const struct strtab *st = &p->a->strs;

	c->s = c->i >= 0 && (size_t)c->i < st->n ? st->strs[c->i] : "";
}

/* oldest_s: the age of the oldest object still in use, in seconds. */
void kms_col_oldest(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	c->d = g->sum[KMS_SLOT_OLDEST_NS] / 1e9;
}
