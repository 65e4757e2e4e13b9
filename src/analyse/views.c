// SPDX-License-Identifier: GPL-2.0
/*
 * The columns perf kmem shows beside ours: slab objects freed on another
 * CPU or allocated on another node, slab object lifetimes as a log2
 * histogram (slab_lifetime), page requests that were freed, never freed,
 * freed without a seen allocation or failed (matched in pages.c, as each
 * page event comes), and migrate types by name.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/internal.h"
#include "base/kms.h"

/*
 * This machine's CPU to node map, from /sys/devices/system/node/nodeN/cpulist
 * (a recording is taken to come from a machine of the same topology).
 */
int kms_analysis_host_nodes(struct kms_analysis *a)
{
	int map[4096], nr = 0, lo, hi, n, node, i;
	struct dirent *de;
	char path[300], *text, *s;
	DIR *d = opendir("/sys/devices/system/node");

	if (!d)
		return 0;
	memset(map, 0, sizeof(map));
	while ((de = readdir(d))) {
		if (sscanf(de->d_name, "node%d", &node) != 1)
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/node/%s/cpulist", de->d_name);
		text = kms_read_file(path, NULL);
		for (s = text; s && *s && sscanf(s, "%d%n", &lo, &n) == 1; ) {
			s += n;
			hi = lo;
			if (*s == '-' && sscanf(s + 1, "%d%n", &hi, &n) == 1)
				s += 1 + n;
			for (i = lo; i <= hi && i >= 0 && i < (int)KMS_ARRAY_SIZE(map); i++) {
				map[i] = node;
				if (i >= nr)
					nr = i + 1;
			}
			if (*s == ',')
				s++;
		}
		free(text);
	}
	closedir(d);
	return kms_analysis_set_cpu_nodes(a, map, nr);
}

/* Tell the analysis the NUMA node of each CPU (cross_node columns). */
int kms_analysis_set_cpu_nodes(struct kms_analysis *a, const int *node, int nr)
{
	int *copy = NULL;

	if (nr > 0) {
		copy = malloc(nr * sizeof(*copy));
		if (!copy)
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		memcpy(copy, node, nr * sizeof(*copy));
	}
	free(a->cpu_node);
	a->cpu_node = copy;
	a->nr_cpu_node = nr;
	return 0;
}

/* The log2 bucket of a lifetime in ns: floor(log2(ns)), 0 for 0 and 1 ns. */
static uint32_t log2_bucket(uint64_t ns)
{
	return ns > 1 ? 63 - __builtin_clzll(ns) : 0;
}

/* Count one object's lifetime (alloc to free) for its cache and call site. */
int kms_slab_life_add(struct kms_analysis *a, uint32_t cache, uint64_t call_site,
		      int64_t ns)
{
	struct lt_key k = { .cache = cache, .call_site = call_site };
	uint64_t *n;

	k.bucket = log2_bucket(ns > 0 ? ns : 0);
	n = KMS_HMAP_GET(&a->slab_life, &k, NULL);
	if (!n)
		return -1;
	(*n)++;
	return 0;
}

/* slab_lifetime: one fact per cache, call site and log2 bucket. */
int kms_emit_slab_lifetime(struct kms_proj *p)
{
	struct kms_analysis *a = p->a;
	const void *kp;
	void *vp;
	size_t pos = 0;

	if (!a->slab_life.len)
		p->note = "no slab object was both allocated and freed with its address";
	while (kms_hmap_next(&a->slab_life, &pos, &kp, &vp)) {
		const struct lt_key *k = kp;
		int64_t f[KMS_SLOT__MAX] = { 0 };

		f[KMS_SLOT_CACHE] = k->cache;
		f[KMS_SLOT_CALL_SITE] = kms_sym_of(a, k->call_site);
		f[KMS_SLOT_LIFETIME] = (int64_t)1 << k->bucket;
		f[KMS_SLOT_FREES] = *(const uint64_t *)vp;
		if (kms_proj_add(p, f))
			return -1;
	}
	return 0;
}

/* "1.0us" for a number of nanoseconds. */
static void human_ns(uint64_t ns, char *buf, size_t len)
{
	static const char *const unit[] = { "ns", "us", "ms", "s" };
	double v = ns;
	int u = 0;

	while (v >= 1000 && u < 3) {
		v /= 1000;
		u++;
	}
	if (u)
		snprintf(buf, len, "%.1f%s", v, unit[u]);
	else
		snprintf(buf, len, "%uns", (unsigned int)ns);
}

/* lifetime: the bucket's range, "1.0us-2.0us" (from its lower bound in ns). */
void kms_col_lifetime(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	int64_t lo = kms_proj_key(p, g, KMS_SLOT_LIFETIME, -1);
	char a[24], b[24], buf[56];
	int64_t id;

	if (lo <= 0) {
		c->null = 1;
		return;
	}
	human_ns(lo == 1 ? 0 : lo, a, sizeof(a));
	human_ns((uint64_t)lo * 2, b, sizeof(b));
	snprintf(buf, sizeof(buf), "%s-%s", a, b);
	id = kms_intern_str(&p->a->strs, buf);
	c->s = id > 0 ? p->a->strs.strs[id] : "";
}

/* page_orders: the requests failed, freed again and freed without an allocation. */
int kms_emit_page_reqs(struct kms_proj *p)
{
	const void *kp;
	void *vp;
	size_t pos = 0;

	while (kms_hmap_next(&p->a->page_req, &pos, &kp, &vp)) {
		const struct pr_val *r = vp;
		int64_t f[KMS_SLOT__MAX] = { 0 };

		f[KMS_SLOT_ORDER] = *(const int32_t *)kp;
		f[KMS_SLOT_FAILED] = r->failed;
		f[KMS_SLOT_ALLOC_FREED] = r->freed;
		f[KMS_SLOT_FREE_ONLY] = r->free_only;
		if (kms_proj_add(p, f))
			return -1;
	}
	return 0;
}

/* alloc_only: successful allocations whose page was not freed in the data. */
void kms_col_alloc_only(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	if (p->a->no_pfn) {
		c->null = 1;
		return;
	}
	c->i = (int64_t)(g->sum[KMS_SLOT_ALLOCS] - g->sum[KMS_SLOT_FAILED] -
			 g->sum[KMS_SLOT_ALLOC_FREED]);
}

/* free_only, failed: unknown without the pfn field (kernels before 4.3). */
void kms_col_pfn_count(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	if (p->a->no_pfn)
		c->null = 1;
}

/* migratetype_name: the kernel's enum migratetype (since 4.4, with CONFIG_CMA). */
void kms_col_migratetype_name(struct kms_proj *p, const struct kms_group *g,
			      struct kms_cell *c)
{
	static const char *const names[] = {
		"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
	};
	int64_t mt = kms_proj_key(p, g, KMS_SLOT_MIGRATETYPE, -1);
	char buf[24];
	int64_t id;

	if (mt >= 0 && mt < (int64_t)KMS_ARRAY_SIZE(names)) {
		c->s = names[mt];
		return;
	}
	if (kms_proj_key(p, g, KMS_SLOT_MIGRATETYPE, -2) == -2) {
		c->null = 1;	/* not grouped by migrate type */
		return;
	}
	snprintf(buf, sizeof(buf), "%lld", (long long)mt);
	id = kms_intern_str(&p->a->strs, buf);
	c->s = id > 0 ? p->a->strs.strs[id] : "";
}
