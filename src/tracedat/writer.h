/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing trace.dat version 6 files that trace-cmd reads. The layout is
 * described in trace-cmd.dat.v6(5); reading is left to libtracecmd.
 */
#ifndef KMS_TRACEDAT_H
#define KMS_TRACEDAT_H

#include <stddef.h>

struct kms_blob {
	char	*data;
	size_t	len;
};

struct kms_format {
	char		*system;
	char		*name;
	struct kms_blob	text;
};

struct kms_tracedat {
	int			page_size;	/* ring-buffer sub-buffer size */
	struct kms_blob		header_page;
	struct kms_blob		header_event;
	struct kms_blob		*ftrace_formats;	/* formats of ftrace events (print) */
	int			nr_ftrace;
	struct kms_format	*formats;
	int			nr_formats;
	struct kms_blob		kallsyms;
	struct kms_blob		printk;
	struct kms_blob		cmdlines;
	struct kms_blob		trace_clock;
	struct kms_blob		uname;
	int			ncpus;
	int			*cpu_fds;	/* page data of each CPU, from offset 0 */
	unsigned long long	*cpu_sizes;
	char			**cpu_stats;	/* text of per_cpu/cpuN/stats, or NULL */
};

/* Write the whole file to fd, which must be a fresh regular file. */
int kms_tracedat_write(int fd, const struct kms_tracedat *td);

/* Release the blobs and formats (not the CPU file descriptors). */
void kms_tracedat_release(struct kms_tracedat *td);

#endif
