// SPDX-License-Identifier: GPL-2.0
/*
 * /proc readers behind struct kms_proc_ops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/hmap.h"
#include "base/kms.h"
#include "base/maps.h"
#include "source/procinfo.h"

struct range {
	unsigned long long	start, end;
	char			*name;
};

struct pmaps {
	struct range	*r;
	int		n;
	int		rereads;
};

struct kms_procinfo {
	struct kms_hmap	maps;		/* int32 pid -> struct pmaps * */
	char		comm[32];
	char		path[64];
};

/* A reader with an empty maps cache. */
struct kms_procinfo *kms_procinfo_new(void)
{
	struct kms_procinfo *p = calloc(1, sizeof(*p));

	if (!p || kms_hmap_init(&p->maps, 4, sizeof(struct pmaps *))) {
		free(p);
		kms_error(KMS_ERR_NOMEM, "out of memory");
		return NULL;
	}
	return p;
}

/* Free the ranges of one process (not m itself). */
static void pmaps_free(struct pmaps *m)
{
	int i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++)
		free(m->r[i].name);
	free(m->r);
	m->r = NULL;
	m->n = 0;
}

/* Free the reader and every cached maps. */
void kms_procinfo_free(struct kms_procinfo *p)
{
	const void *k;
	void *v;
	size_t pos = 0;

	if (!p)
		return;
	while (kms_hmap_next(&p->maps, &pos, &k, &v)) {
		pmaps_free(*(struct pmaps **)v);
		free(*(struct pmaps **)v);
	}
	kms_hmap_free(&p->maps);
	free(p);
}

/* The comm of pid from /proc/PID/comm, or NULL. */
static const char *comm_cb(int pid, void *ctx)
{
	struct kms_procinfo *p = ctx;
	char *s, *nl;

	snprintf(p->path, sizeof(p->path), "/proc/%d/comm", pid);
	s = kms_read_file(p->path, NULL);
	if (!s)
		return NULL;
	nl = strchr(s, '\n');
	if (nl)
		*nl = '\0';
	snprintf(p->comm, sizeof(p->comm), "%s", s);
	free(s);
	return p->comm;
}

/* Parse /proc/PID/maps into ranges named as the faults table shows them. */
static int read_maps(int pid, struct pmaps *m)
{
	char path[64], *text, *pos;
	struct kms_map line;
	struct range *r;
	int ret;

	pmaps_free(m);
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	text = kms_read_file(path, NULL);
	if (!text)
		return -1;
	pos = text;
	while ((ret = kms_maps_next(&pos, &line)) != 0) {
		if (ret < 0)
			continue;
		r = realloc(m->r, (m->n + 1) * sizeof(*r));
		if (!r)
			break;
		m->r = r;
		r[m->n].start = line.start;
		r[m->n].end = line.end;
		r[m->n].name = strdup(*line.name ? line.name : "[anon]");
		m->n++;
	}
	free(text);
	return 0;
}

/* The name of the range holding addr (binary search), or NULL. */
static const char *lookup(struct pmaps *m, unsigned long long addr)
{
	int lo = 0, hi = m->n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (addr < m->r[mid].start)
			hi = mid - 1;
		else if (addr >= m->r[mid].end)
			lo = mid + 1;
		else
			return m->r[mid].name;
	}
	return NULL;
}

/* The mapping of addr in pid, re-reading maps on a miss. */
static const char *mapping_cb(int pid, unsigned long long addr, void *ctx)
{
	struct kms_procinfo *p = ctx;
	struct pmaps **slot, *m;
	const char *name;
	int32_t key = pid, added;

	slot = kms_hmap_get(&p->maps, &key, &added);
	if (!slot)
		return NULL;
	if (added) {
		*slot = calloc(1, sizeof(**slot));
		if (!*slot || read_maps(pid, *slot) < 0)
			return NULL;
	}
	m = *slot;
	if (!m)
		return NULL;
	name = lookup(m, addr);
	/* A fault in a new mapping: read the maps again, a bounded number of times. */
	if (!name && m->rereads < 64) {
		m->rereads++;
		if (read_maps(pid, m) == 0)
			name = lookup(m, addr);
	}
	return name;
}

/* VM and RSS in KiB (statm) and major faults (stat) of pid. */
static int mem_cb(int pid, long long *vm, long long *rss, long long *maj, void *ctx)
{
	char path[64], *s, *p;
	long long size, res, page = sysconf(_SC_PAGESIZE);
	int i;

	snprintf(path, sizeof(path), "/proc/%d/statm", pid);
	s = kms_read_file(path, NULL);
	if (!s)
		return -1;
	i = sscanf(s, "%lld %lld", &size, &res);
	free(s);
	/* all zero: a kernel thread or a zombie */
	if (i != 2 || (size == 0 && res == 0) || page <= 0)
		return -1;
	*vm = size * page / 1024;	/* statm counts pages: KiB */
	*rss = res * page / 1024;
	*maj = 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	s = kms_read_file(path, NULL);
	if (s && (p = strrchr(s, ')'))) {
		/* fields after ")": state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt(12) */
		unsigned long long v[10];

		if (sscanf(p + 2, "%*c %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) == 9)
			*maj = v[8];
	}
	free(s);
	return 0;
}

/* Drop the cached maps of a process the analysis forgot. */
static void forget_cb(int pid, void *ctx)
{
	struct kms_procinfo *p = ctx;
	int32_t key = pid;
	struct pmaps **slot = kms_hmap_find(&p->maps, &key);

	if (!slot)
		return;
	pmaps_free(*slot);
	free(*slot);
	kms_hmap_del_val(&p->maps, slot);
}

/* Bind the callbacks to p. */
void kms_procinfo_ops(struct kms_procinfo *p, struct kms_proc_ops *ops)
{
	ops->comm = comm_cb;
	ops->mapping = mapping_cb;
	ops->mem = mem_cb;
	ops->forget = forget_cb;
	ops->ctx = p;
}
