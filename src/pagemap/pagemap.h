/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A snapshot of one process's page tables (seed 002, the kernel's
 * Documentation/admin-guide/mm/pagemap.rst): /proc/PID/maps gives the
 * mappings, /proc/PID/pagemap one 64-bit entry per virtual page, and,
 * indexed by the PFNs of present pages (readable with CAP_SYS_ADMIN only),
 * /proc/kpageflags, /proc/kpagecount and /proc/kpagecgroup. Nothing is
 * traced. Counts are in pages of the kernel's page size.
 */
#ifndef KMS_PAGEMAP_H
#define KMS_PAGEMAP_H

#include <stddef.h>
#include <stdint.h>

/* /proc/PID/pagemap entry bits. */
#define KMS_PM_PFN_MASK		((1ULL << 55) - 1)	/* bits 0-54 if present */
#define KMS_PM_SWAP_TYPE_MASK	0x1fULL			/* bits 0-4 if swapped */
#define KMS_PM_SWAP_OFF_SHIFT	5			/* bits 5-54 if swapped */
#define KMS_PM_SOFT_DIRTY	(1ULL << 55)
#define KMS_PM_EXCLUSIVE	(1ULL << 56)
#define KMS_PM_UFFD_WP		(1ULL << 57)
#define KMS_PM_FILE		(1ULL << 61)		/* file page or shared anon */
#define KMS_PM_SWAPPED		(1ULL << 62)
#define KMS_PM_PRESENT		(1ULL << 63)

/* /proc/kpageflags bits, as numbered in the kernel's documentation. */
enum kms_kpf {
	KMS_KPF_LOCKED, KMS_KPF_ERROR, KMS_KPF_REFERENCED, KMS_KPF_UPTODATE,
	KMS_KPF_DIRTY, KMS_KPF_LRU, KMS_KPF_ACTIVE, KMS_KPF_SLAB,
	KMS_KPF_WRITEBACK, KMS_KPF_RECLAIM, KMS_KPF_BUDDY, KMS_KPF_MMAP,
	KMS_KPF_ANON, KMS_KPF_SWAPCACHE, KMS_KPF_SWAPBACKED, KMS_KPF_COMPOUND_HEAD,
	KMS_KPF_COMPOUND_TAIL, KMS_KPF_HUGE, KMS_KPF_UNEVICTABLE, KMS_KPF_HWPOISON,
	KMS_KPF_NOPAGE, KMS_KPF_KSM, KMS_KPF_THP, KMS_KPF_OFFLINE,
	KMS_KPF_ZERO_PAGE, KMS_KPF_IDLE, KMS_KPF_PGTABLE,
	KMS_KPF_NR,
};

/* One decoded pagemap entry. */
struct kms_pm_entry {
	int		present, swapped, soft_dirty, exclusive, uffd_wp, file_shared;
	uint64_t	pfn;		/* present pages; 0 when hidden */
	unsigned int	swap_type;	/* swapped pages */
	uint64_t	swap_offset;
};

/* Page counts of a mapping or of the whole process. */
struct kms_pm_counts {
	uint64_t	pages;		/* virtual pages scanned */
	uint64_t	present, swapped, soft_dirty, exclusive, file_shared, uffd_wp;
	/* From PFNs, meaningful only when pfns_readable: */
	uint64_t	flags[KMS_KPF_NR];	/* present pages with each kpageflags bit */
	uint64_t	uss;			/* present pages with a kpagecount of 1 */
	double		pss;			/* sum of 1/kpagecount, in pages */
	uint64_t	memcg;			/* kpagecgroup inode of most pages, 0 if none */
	uint64_t	memcg_pages;		/* pages charged to that memcg */
};

struct kms_mapping {
	uint64_t		start, end;
	char			perms[5];
	uint64_t		offset;
	uint64_t		inode;
	char			*name;		/* path, [heap], [stack], ..., or [anon] */
	int			scanned;	/* 0: too large an inaccessible reservation */
	struct kms_pm_counts	c;
};

struct kms_pagemap {
	int			pid;
	char			comm[64];
	long			page_size;
	struct kms_mapping	*maps;
	size_t			nmaps;
	struct kms_pm_counts	total;
	int			pfns_readable;	/* PFNs and kpageflags/kpagecount read */
	int			has_memcg;	/* kpagecgroup was read */
	char			note[256];	/* why PFN data is missing, if it is */
};

/* Decode one raw pagemap entry. */
void kms_pm_decode(uint64_t v, struct kms_pm_entry *e);
/* Name of a kpageflags bit ("ANON"), or NULL past the documented ones. */
const char *kms_kpf_name(int bit);
/* The flags reported per mapping, in output order; *n gets their number. */
const int *kms_kpf_mapping_flags(int *n);

/*
 * Read the snapshot of pid from procdir ("/proc", or a fixture tree with
 * the same layout). On failure returns NULL after kms_error(), with *err
 * set to ESRCH (no such process, or it exited during the read), EACCES
 * (its pagemap may not be read) or another errno value.
 */
struct kms_pagemap *kms_pagemap_read(const char *procdir, int pid, int *err);
void kms_pagemap_free(struct kms_pagemap *pm);

/*
 * The path of a memory cgroup from its inode (as in /proc/kpagecgroup),
 * searched in the mounted cgroup2 and cgroup v1 memory hierarchies.
 * Returns 0, or -1 when it is not found.
 */
int kms_memcg_path(uint64_t ino, char *buf, size_t len);

#endif
