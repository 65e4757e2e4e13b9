/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-PFN data for the pagemap snapshot: the PFNs of a process's present
 * pages, sorted and deduplicated, with their /proc/kpageflags,
 * /proc/kpagecount and /proc/kpagecgroup entries. Each file is read with
 * one pread per window of nearby PFNs (sorted runs, small gaps bridged),
 * never one read per page.
 */
#ifndef KMS_KPAGE_H
#define KMS_KPAGE_H

#include <stddef.h>
#include <stdint.h>

#include "pagemap/pagemap.h"

struct kms_kpage {
	uint64_t	*pfn;		/* sorted, unique */
	uint64_t	*flags;		/* kpageflags of pfn[i] (NOPAGE past the file's end) */
	uint64_t	*count;		/* kpagecount of pfn[i] */
	uint64_t	*cgroup;	/* kpagecgroup of pfn[i], NULL without the file */
	size_t		n;
	unsigned long	reads;		/* preads done, for tests and tuning */
};

/*
 * Look up the PFNs (any order, duplicates allowed) in procdir's kpage
 * files. Returns -1 after kms_error() with *err an errno value.
 */
int kms_kpage_load(struct kms_kpage *kp, const char *procdir, const uint64_t *pfns,
		   size_t n, int *err);
/* Index of pfn in kp->pfn, or -1. */
long kms_kpage_find(const struct kms_kpage *kp, uint64_t pfn);
/* Add the page at index i to the counts (flags, USS, PSS). */
void kms_kpage_account(struct kms_pm_counts *c, const struct kms_kpage *kp, long i);
void kms_kpage_free(struct kms_kpage *kp);

#endif
