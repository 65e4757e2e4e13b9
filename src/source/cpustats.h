/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loss counters of one CPU's ring buffer, parsed from the text of
 * per_cpu/cpuN/stats (a live instance) or a trace.dat's CPUSTAT section.
 */
#ifndef KMS_CPUSTATS_H
#define KMS_CPUSTATS_H

struct kms_ring_stats {
	unsigned long long	overrun;	/* "overrun:" */
	unsigned long long	commit_overrun;	/* "commit overrun:" */
	unsigned long long	dropped;	/* "dropped events:" */
};

/* Set the counters whose lines appear in text; the others keep their value. */
void kms_parse_cpu_stats(const char *text, struct kms_ring_stats *st);

#endif
