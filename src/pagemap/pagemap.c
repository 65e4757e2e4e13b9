// SPDX-License-Identifier: GPL-2.0
/*
 * The pagemap snapshot of one process: with the mappings of
 * /proc/PID/maps (pmproc.c), read /proc/PID/pagemap per mapping in large
 * aligned batches, decode the entries with the documented bit layout,
 * then (when PFNs are visible) attribute kpageflags, kpagecount and
 * kpagecgroup data (kpage.c) to each mapping.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "base/kms.h"
#include "pagemap/kpage.h"
#include "pagemap/pagemap.h"
#include "pagemap/process.h"

/* Pagemap entries per pread (512 KiB). */
#define PM_BATCH	65536
/*
 * Mappings this large are scanned for populated ranges first, with
 * PAGEMAP_SCAN. Where the kernel lacks it, inaccessible mappings larger
 * than PM_MAX_NOACCESS are taken for reservations and not scanned.
 */
#define PM_SCAN_MIN	(32ULL << 20)
#define PM_SCAN_REGIONS	1024
#define PM_MAX_NOACCESS	(64ULL << 30)

/* PAGEMAP_SCAN of <linux/fs.h> (Linux 6.7), which older headers lack. */
struct kms_page_region {
	uint64_t	start, end, categories;
};

struct kms_pm_scan_arg {
	uint64_t	size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t	category_inverted, category_mask, category_anyof_mask, return_mask;
};

#define KMS_PAGEMAP_SCAN	_IOWR('f', 16, struct kms_pm_scan_arg)
#define KMS_PAGE_IS_PRESENT	(1 << 3)
#define KMS_PAGE_IS_SWAPPED	(1 << 4)

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
 * Read the pagemap entries of [start, end) in batches and count their bits
 * into c. Returns 0, 1 when the file ended early (the process exited, or
 * the range lies past the task size, as [vsyscall] does), -1 on error.
 */
static int scan_range(int fd, long psz, uint64_t start, uint64_t end,
		      struct kms_pm_counts *c, uint64_t *buf, struct pfnvec *pv)
{
	uint64_t vpn = start / psz;

	end /= psz;
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

/*
 * Read only the populated parts of a large mapping: the PAGEMAP_SCAN ioctl
 * (Linux 6.7) walks the page tables and returns the ranges that hold
 * present or swapped pages, skipping empty page tables whole. Returns as
 * scan_range(), or -2 when the kernel lacks the ioctl (nothing was read).
 */
static int scan_sparse(int fd, long psz, struct kms_mapping *m, uint64_t *buf,
		       struct pfnvec *pv)
{
	struct kms_page_region reg[PM_SCAN_REGIONS];
	struct kms_pm_scan_arg a;
	uint64_t start = m->start;
	int i, n, r;

	/* The kernel fills reg; valgrind cannot know that of this ioctl. */
	memset(reg, 0, sizeof(reg));
	while (start < m->end) {
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.start = start;
		a.end = m->end;
		a.vec = (uintptr_t)reg;
		a.vec_len = PM_SCAN_REGIONS;
		a.category_anyof_mask = KMS_PAGE_IS_PRESENT | KMS_PAGE_IS_SWAPPED;
		a.return_mask = a.category_anyof_mask;
		n = ioctl(fd, KMS_PAGEMAP_SCAN, &a);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return start == m->start ? -2 : -1;
		for (i = 0; i < n; i++) {
			r = scan_range(fd, psz, reg[i].start, reg[i].end, &m->c, buf, pv);
			if (r)
				return r;
		}
		if (a.walk_end <= start)
			break;
		start = a.walk_end;
	}
	m->c.pages = (m->end - m->start) / psz;
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

/* Pages per memory cgroup; a process's pages are in a few cgroups at most. */
#define TALLY_SLOTS	32

struct tally {
	uint64_t	ino[TALLY_SLOTS], n[TALLY_SLOTS];
	int		len;
};

/* Count one page charged to memcg ino (past TALLY_SLOTS cgroups, dropped). */
static void tally_add(struct tally *t, uint64_t ino)
{
	int i;

	for (i = 0; i < t->len; i++)
		if (t->ino[i] == ino)
			break;
	if (i == t->len) {
		if (t->len == TALLY_SLOTS)
			return;
		t->ino[t->len] = ino;
		t->n[t->len++] = 0;
	}
	t->n[i]++;
}

/* The memcg with the most pages into c (0 when no page has one). */
static void tally_top(const struct tally *t, struct kms_pm_counts *c)
{
	int i;

	c->memcg = 0;
	c->memcg_pages = 0;
	for (i = 0; i < t->len; i++)
		if (t->n[i] > c->memcg_pages) {
			c->memcg = t->ino[i];
			c->memcg_pages = t->n[i];
		}
}

/*
 * Attribute PFN data to the mappings: slice[i]..slice[i+1] are the
 * indexes in pv of mapping i's present pages. Fills flags, USS, PSS and
 * memcg of every mapping, and the memcg of the total.
 */
static void attribute(struct kms_pagemap *pm, const struct kms_kpage *kp,
		      const struct pfnvec *pv, const size_t *slice)
{
	struct tally all = { .len = 0 };
	size_t m, i;
	long k;

	for (m = 0; m < pm->nmaps; m++) {
		struct kms_pm_counts *c = &pm->maps[m].c;
		struct tally one = { .len = 0 };

		for (i = slice[m]; i < slice[m + 1]; i++) {
			k = kms_kpage_find(kp, pv->v[i]);
			kms_kpage_account(c, kp, k);
			if (kp->cgroup && kp->cgroup[k]) {
				tally_add(&one, kp->cgroup[k]);
				tally_add(&all, kp->cgroup[k]);
			}
		}
		tally_top(&one, c);
	}
	tally_top(&all, &pm->total);
}

/*
 * kpagecount counts kmemscope's own mappings too: a library page that only
 * the process and kmemscope map reads 2. Take the pages of our own file
 * mappings (procdir/self) out of the counts, so that USS and PSS describe
 * the process as if kmemscope were not running. Best effort: without
 * procdir/self (a fixture tree) nothing changes.
 */
static void discount_self(const char *procdir, int pid, long psz, struct kms_kpage *kp)
{
	struct kms_pagemap self = { .pid = getpid() };
	struct pfnvec pv = { 0 };
	char path[4096], *text;
	uint64_t *buf = NULL;
	int fd = -1, err;
	size_t m;
	long k;

	snprintf(path, sizeof(path), "%s/self/maps", procdir);
	text = pid == self.pid ? NULL : kms_read_file(path, NULL);
	if (!text || kms_pm_parse_maps(text, &self, &err))
		goto out;
	snprintf(path, sizeof(path), "%s/self/pagemap", procdir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	buf = malloc(PM_BATCH * sizeof(*buf));
	for (m = 0; fd >= 0 && buf && m < self.nmaps; m++)
		if (self.maps[m].name[0] == '/' &&
		    scan_range(fd, psz, self.maps[m].start, self.maps[m].end,
			       &self.maps[m].c, buf, &pv) < 0)
			break;
	for (m = 0; m < pv.len; m++) {
		k = pv.v[m] ? kms_kpage_find(kp, pv.v[m]) : -1;
		if (k >= 0 && kp->count[k] > 1)
			kp->count[k]--;
	}
out:
	if (fd >= 0)
		close(fd);
	for (m = 0; m < self.nmaps; m++)
		free(self.maps[m].name);
	free(self.maps);
	free(text);
	free(buf);
	free(pv.v);
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
	discount_self(procdir, pm->pid, pm->page_size, &kp);
	attribute(pm, &kp, pv, slice);
	kms_kpage_free(&kp);
	return 0;
}

/* Scan every mapping's pagemap entries; fills pv and slice. */
static int scan_all(struct kms_pagemap *pm, const char *procdir, int fd,
		    struct pfnvec *pv, size_t *slice, int *err)
{
	uint64_t *buf = malloc(PM_BATCH * sizeof(*buf));
	int r = 0, use_scan = 1;
	size_t m;

	if (!buf) {
		*err = ENOMEM;
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	}
	for (m = 0; m < pm->nmaps; m++) {
		struct kms_mapping *map = &pm->maps[m];

		slice[m] = pv->len;
		map->scanned = 1;
		r = -2;
		if (use_scan && map->end - map->start >= PM_SCAN_MIN) {
			r = scan_sparse(fd, pm->page_size, map, buf, pv);
			use_scan = r != -2;
		}
		if (r == -2) {
			/* Without PAGEMAP_SCAN, skip huge inaccessible reservations. */
			map->scanned = !(!strncmp(map->perms, "---", 3) &&
					 map->end - map->start > PM_MAX_NOACCESS);
			r = map->scanned ? scan_range(fd, pm->page_size, map->start, map->end,
						      &map->c, buf, pv) : 0;
		}
		if (r < 0) {
			*err = errno;
			kms_error(KMS_ERR_FAIL, "reading /proc/%d/pagemap: %s", pm->pid, strerror(errno));
			break;
		}
		if (r == 1 && kms_pm_proc_gone(procdir, pm->pid)) {
			*err = ESRCH;
			r = kms_error(KMS_ERR_FAIL, "process %d exited while its page tables were read", pm->pid);
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
		kms_error(KMS_ERR_NOMEM, "out of memory");
		return NULL;
	}
	pm->pid = pid;
	pm->page_size = sysconf(_SC_PAGESIZE);
	if (kms_pm_read_maps(pm, procdir, err))
		goto out;
	if (!pm->nmaps) {
		/* A kernel thread has no mm, and its pagemap cannot be opened. */
		if (kms_pm_proc_gone(procdir, pid)) {
			kms_pm_fail(err, ESRCH, "process %d has exited", pid);
			goto out;
		}
		snprintf(pm->note, sizeof(pm->note), "no user address space (a kernel thread)");
		ok = 1;
		goto out;
	}
	fd = kms_pm_open(procdir, pid, "pagemap", err);
	if (fd < 0)
		goto out;
	slice = calloc(pm->nmaps + 1, sizeof(*slice));
	if (!slice) {
		*err = ENOMEM;
		kms_error(KMS_ERR_NOMEM, "out of memory");
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
