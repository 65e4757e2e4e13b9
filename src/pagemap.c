// SPDX-License-Identifier: GPL-2.0
/*
 * The pagemap snapshot of one process: parse /proc/PID/maps, read
 * /proc/PID/pagemap per mapping in large aligned batches, decode the
 * entries with the documented bit layout, then (when PFNs are visible)
 * attribute kpageflags, kpagecount and kpagecgroup data to each mapping.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kms.h"
#include "kpage.h"
#include "pagemap.h"

/* Pagemap entries per pread (512 KiB). */
#define PM_BATCH	65536
/* Inaccessible mappings larger than this are reservations: not scanned. */
#define PM_MAX_NOACCESS	(64ULL << 30)

static const char *const kpf_names[KMS_KPF_NR] = {
	"LOCKED", "ERROR", "REFERENCED", "UPTODATE", "DIRTY", "LRU", "ACTIVE",
	"SLAB", "WRITEBACK", "RECLAIM", "BUDDY", "MMAP", "ANON", "SWAPCACHE",
	"SWAPBACKED", "COMPOUND_HEAD", "COMPOUND_TAIL", "HUGE", "UNEVICTABLE",
	"HWPOISON", "NOPAGE", "KSM", "THP", "OFFLINE", "ZERO_PAGE", "IDLE",
	"PGTABLE",
};

static const int mapping_flags[] = {
	KMS_KPF_ANON, KMS_KPF_THP, KMS_KPF_KSM, KMS_KPF_ZERO_PAGE, KMS_KPF_HUGE,
	KMS_KPF_COMPOUND_HEAD, KMS_KPF_COMPOUND_TAIL, KMS_KPF_LRU, KMS_KPF_ACTIVE,
	KMS_KPF_DIRTY, KMS_KPF_SWAPBACKED, KMS_KPF_UNEVICTABLE, KMS_KPF_IDLE,
	KMS_KPF_PGTABLE, KMS_KPF_SLAB, KMS_KPF_BUDDY,
};

/* A growing array of the PFNs of present pages, in mapping order. */
struct pfnvec {
	uint64_t	*v;
	size_t		len, cap;
};

void kms_pm_decode(uint64_t v, struct kms_pm_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->present = !!(v & KMS_PM_PRESENT);
	e->swapped = !!(v & KMS_PM_SWAPPED);
	e->file_shared = !!(v & KMS_PM_FILE);
	e->uffd_wp = !!(v & KMS_PM_UFFD_WP);
	e->exclusive = !!(v & KMS_PM_EXCLUSIVE);
	e->soft_dirty = !!(v & KMS_PM_SOFT_DIRTY);
	if (e->present) {
		e->pfn = v & KMS_PM_PFN_MASK;
	} else if (e->swapped) {
		e->swap_type = v & KMS_PM_SWAP_TYPE_MASK;
		e->swap_offset = (v & KMS_PM_PFN_MASK) >> KMS_PM_SWAP_OFF_SHIFT;
	}
}

const char *kms_kpf_name(int bit)
{
	return bit >= 0 && bit < KMS_KPF_NR ? kpf_names[bit] : NULL;
}

const int *kms_kpf_mapping_flags(int *n)
{
	*n = KMS_ARRAY_SIZE(mapping_flags);
	return mapping_flags;
}

/* Record an error message with its errno class; returns -1. */
static int __attribute__((format(printf, 3, 4))) fail(int *err, int e, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	*err = e;
	return kms_error("%s", msg);
}

/* Has the process gone (no /proc entry, or a zombie without memory)? */
static int proc_gone(const char *procdir, int pid)
{
	char path[4096], *stat, *rp;
	int gone;

	snprintf(path, sizeof(path), "%s/%d/stat", procdir, pid);
	stat = kms_read_file(path, NULL);
	if (!stat)
		return 1;
	rp = strrchr(stat, ')');
	gone = !rp || rp[1] != ' ' || rp[2] == 'Z' || rp[2] == 'X';
	free(stat);
	return gone;
}

/* Parse one line of /proc/PID/maps into m; -1 when malformed. */
static int parse_map_line(char *line, struct kms_mapping *m)
{
	unsigned long long start, end, off, ino;
	unsigned int major, minor;
	char perms[8];
	int pos = 0;
	char *name;

	if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &off,
		   &major, &minor, &ino, &pos) < 7 || !pos || end < start)
		return -1;
	name = line + pos;
	while (*name == ' ')
		name++;
	m->start = start;
	m->end = end;
	snprintf(m->perms, sizeof(m->perms), "%.4s", perms);
	m->offset = off;
	m->inode = ino;
	m->name = strdup(*name ? name : "[anon]");
	return m->name ? 0 : -1;
}

/* All mappings of /proc/PID/maps text; -1 on a malformed line or ENOMEM. */
static int parse_maps(char *text, struct kms_pagemap *pm, int *err)
{
	size_t cap = 0;
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (pm->nmaps == cap) {
			struct kms_mapping *t;

			cap = cap ? cap * 2 : 64;
			t = realloc(pm->maps, cap * sizeof(*t));
			if (!t)
				return fail(err, ENOMEM, "out of memory");
			pm->maps = t;
		}
		memset(&pm->maps[pm->nmaps], 0, sizeof(*pm->maps));
		if (parse_map_line(line, &pm->maps[pm->nmaps]))
			return fail(err, EIO, "malformed line in maps of pid %d: %.80s", pm->pid, line);
		pm->nmaps++;
	}
	return 0;
}

/* Append one PFN. */
static int pfn_push(struct pfnvec *pv, uint64_t pfn)
{
	if (pv->len == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 65536;
		uint64_t *t = realloc(pv->v, cap * sizeof(*t));

		if (!t)
			return -1;
		pv->v = t;
		pv->cap = cap;
	}
	pv->v[pv->len++] = pfn;
	return 0;
}

/*
 * Read the pagemap entries of one mapping in batches and count their bits.
 * Returns 0, 1 when the file ended early (the process exited, or the
 * mapping lies past the task size, as [vsyscall] does), -1 on error.
 */
static int scan_map(int fd, long psz, struct kms_mapping *m, uint64_t *buf, struct pfnvec *pv)
{
	uint64_t vpn = m->start / psz, end = m->end / psz;
	struct kms_pm_counts *c = &m->c;

	while (vpn < end) {
		size_t want = end - vpn < PM_BATCH ? end - vpn : PM_BATCH, n, i;
		ssize_t r;

		do
			r = pread(fd, buf, want * 8, (off_t)(vpn * 8));
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return -1;
		n = r / 8;
		for (i = 0; i < n; i++) {
			uint64_t v = buf[i];

			if (v & KMS_PM_PRESENT) {
				c->present++;
				if (v & KMS_PM_EXCLUSIVE)
					c->exclusive++;
				if (pfn_push(pv, v & KMS_PM_PFN_MASK)) {
					errno = ENOMEM;
					return -1;
				}
			} else if (v & KMS_PM_SWAPPED) {
				c->swapped++;
			}
			c->soft_dirty += !!(v & KMS_PM_SOFT_DIRTY);
			c->file_shared += !!(v & KMS_PM_FILE);
			c->uffd_wp += !!(v & KMS_PM_UFFD_WP);
		}
		c->pages += n;
		vpn += n;
		if (n < want)
			return 1;
	}
	return 0;
}

/* Add the pagemap-only counts of src to dst. */
static void add_counts(struct kms_pm_counts *dst, const struct kms_pm_counts *src)
{
	int b;

	dst->pages += src->pages;
	dst->present += src->present;
	dst->swapped += src->swapped;
	dst->soft_dirty += src->soft_dirty;
	dst->exclusive += src->exclusive;
	dst->file_shared += src->file_shared;
	dst->uffd_wp += src->uffd_wp;
	for (b = 0; b < KMS_KPF_NR; b++)
		dst->flags[b] += src->flags[b];
	dst->uss += src->uss;
	dst->pss += src->pss;
}

/* Majority vote (Boyer-Moore) over memcg inodes, then the winner's count. */
struct vote {
	uint64_t	cand, n;
};

/* One vote for a memcg inode. */
static void vote(struct vote *v, uint64_t ino)
{
	if (!v->n)
		v->cand = ino;
	v->n += v->cand == ino ? 1 : -1;
}

/*
 * Attribute PFN data to the mappings: slice[i]..slice[i+1] are the
 * indexes in pv of mapping i's present pages. Fills flags, USS, PSS and
 * memcg of every mapping and of the total.
 */
static void attribute(struct kms_pagemap *pm, const struct kms_kpage *kp,
		      const struct pfnvec *pv, const size_t *slice)
{
	struct vote all = { 0 };
	size_t m, i;
	long k;

	for (m = 0; m < pm->nmaps; m++) {
		struct kms_pm_counts *c = &pm->maps[m].c;
		struct vote one = { 0 };

		for (i = slice[m]; i < slice[m + 1]; i++) {
			k = kms_kpage_find(kp, pv->v[i]);
			kms_kpage_account(c, kp, k);
			if (kp->cgroup && kp->cgroup[k]) {
				vote(&one, kp->cgroup[k]);
				vote(&all, kp->cgroup[k]);
			}
		}
		c->memcg = one.n ? one.cand : 0;
		for (i = slice[m]; c->memcg && i < slice[m + 1]; i++)
			c->memcg_pages += kp->cgroup[kms_kpage_find(kp, pv->v[i])] == c->memcg;
	}
	pm->total.memcg = all.n ? all.cand : 0;
	for (i = 0; pm->total.memcg && i < pv->len; i++)
		pm->total.memcg_pages += kp->cgroup[kms_kpage_find(kp, pv->v[i])] == pm->total.memcg;
}

/* Look the PFNs up, or say in pm->note why that cannot be done. */
static int load_pfn_data(struct kms_pagemap *pm, const char *procdir,
			 const struct pfnvec *pv, const size_t *slice, int *err)
{
	struct kms_kpage kp;
	size_t i, nonzero = 0;

	for (i = 0; i < pv->len; i++)
		nonzero += pv->v[i] != 0;
	if (pv->len && !nonzero) {
		snprintf(pm->note, sizeof(pm->note),
			 "PFNs read as zero (CAP_SYS_ADMIN is needed to see them): "
			 "USS, PSS, page flags and memory cgroups are not shown");
		return 0;
	}
	if (kms_kpage_load(&kp, procdir, pv->v, pv->len, err)) {
		if (*err == ENOMEM)
			return -1;
		snprintf(pm->note, sizeof(pm->note),
			 "%s%s: USS, PSS, page flags and memory cgroups are not shown",
			 kms_strerror(), *err == EACCES || *err == EPERM ?
			 " (CAP_SYS_ADMIN is needed)" : "");
		return 0;
	}
	pm->pfns_readable = 1;
	pm->has_memcg = kp.cgroup != NULL;
	attribute(pm, &kp, pv, slice);
	kms_kpage_free(&kp);
	return 0;
}

/* Open a file of the process, classifying failures for the caller. */
static int open_proc(const char *procdir, int pid, const char *name, int *err)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%d/%s", procdir, pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (errno == ENOENT || errno == ESRCH)
		return fail(err, ESRCH, "no process with pid %d", pid);
	if (errno == EACCES || errno == EPERM)
		return fail(err, EACCES, "may not read the page tables of pid %d: %s "
			    "(needs ptrace access: the same user, or root)", pid, strerror(errno));
	return fail(err, errno, "cannot open %s: %s", path, strerror(errno));
}

/* Read comm and the mappings; -1 with *err set. */
static int read_maps(struct kms_pagemap *pm, const char *procdir, int *err)
{
	char path[4096], *text;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%d/comm", procdir, pm->pid);
	text = kms_read_file(path, NULL);
	if (!text)
		return fail(err, ESRCH, "no process with pid %d", pm->pid);
	text[strcspn(text, "\n")] = '\0';
	snprintf(pm->comm, sizeof(pm->comm), "%s", text);
	free(text);
	fd = open_proc(procdir, pm->pid, "maps", err);
	if (fd < 0)
		return -1;
	close(fd);
	snprintf(path, sizeof(path), "%s/%d/maps", procdir, pm->pid);
	text = kms_read_file(path, NULL);
	if (!text) {
		*err = proc_gone(procdir, pm->pid) ? ESRCH : EIO;
		return -1;
	}
	ret = parse_maps(text, pm, err);
	free(text);
	return ret;
}

/* Scan every mapping's pagemap entries; fills pv and slice. */
static int scan_all(struct kms_pagemap *pm, const char *procdir, int fd,
		    struct pfnvec *pv, size_t *slice, int *err)
{
	uint64_t *buf = malloc(PM_BATCH * sizeof(*buf));
	size_t m;
	int r;

	if (!buf) {
		*err = ENOMEM;
		return kms_error("out of memory");
	}
	for (m = 0; m < pm->nmaps; m++) {
		struct kms_mapping *map = &pm->maps[m];

		slice[m] = pv->len;
		map->scanned = !(!strncmp(map->perms, "---", 3) &&
				 map->end - map->start > PM_MAX_NOACCESS);
		r = map->scanned ? scan_map(fd, pm->page_size, map, buf, pv) : 0;
		if (r < 0) {
			*err = errno;
			kms_error("reading /proc/%d/pagemap: %s", pm->pid, strerror(errno));
			break;
		}
		if (r == 1 && proc_gone(procdir, pm->pid)) {
			*err = ESRCH;
			r = kms_error("process %d exited while its page tables were read", pm->pid);
			break;
		}
		add_counts(&pm->total, &map->c);
		r = 0;
	}
	slice[m] = pv->len;
	free(buf);
	return r;
}

struct kms_pagemap *kms_pagemap_read(const char *procdir, int pid, int *err)
{
	struct kms_pagemap *pm = calloc(1, sizeof(*pm));
	struct pfnvec pv = { 0 };
	size_t *slice = NULL, m;
	int fd = -1, ok = 0;

	*err = ENOMEM;
	if (!pm) {
		kms_error("out of memory");
		return NULL;
	}
	pm->pid = pid;
	pm->page_size = sysconf(_SC_PAGESIZE);
	if (read_maps(pm, procdir, err))
		goto out;
	fd = open_proc(procdir, pid, "pagemap", err);
	if (fd < 0)
		goto out;
	if (!pm->nmaps) {
		if (proc_gone(procdir, pid)) {
			fail(err, ESRCH, "process %d has exited", pid);
			goto out;
		}
		snprintf(pm->note, sizeof(pm->note), "no user address space (a kernel thread)");
	}
	slice = calloc(pm->nmaps + 1, sizeof(*slice));
	if (!slice) {
		*err = ENOMEM;
		kms_error("out of memory");
		goto out;
	}
	if (scan_all(pm, procdir, fd, &pv, slice, err))
		goto out;
	if (load_pfn_data(pm, procdir, &pv, slice, err))
		goto out;
	/* Flags, USS and PSS were attributed after the totals were summed. */
	memset(pm->total.flags, 0, sizeof(pm->total.flags));
	pm->total.uss = 0;
	pm->total.pss = 0;
	for (m = 0; m < pm->nmaps; m++) {
		int b;

		for (b = 0; b < KMS_KPF_NR; b++)
			pm->total.flags[b] += pm->maps[m].c.flags[b];
		pm->total.uss += pm->maps[m].c.uss;
		pm->total.pss += pm->maps[m].c.pss;
	}
	ok = 1;
out:
	if (fd >= 0)
		close(fd);
	free(slice);
	free(pv.v);
	if (!ok) {
		kms_pagemap_free(pm);
		return NULL;
	}
	return pm;
}

void kms_pagemap_free(struct kms_pagemap *pm)
{
	size_t i;

	if (!pm)
		return;
	for (i = 0; i < pm->nmaps; i++)
		free(pm->maps[i].name);
	free(pm->maps);
	free(pm);
}
