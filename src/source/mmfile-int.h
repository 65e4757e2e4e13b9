/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the file source's in-place path: the mapped file, each CPU's
 * cursor over its pages. Only mmfile.c (the data) and mmmeta.c (the
 * headers, kallsyms and saved cmdlines) include it.
 */
#ifndef KMS_MMFILE_INT_H
#define KMS_MMFILE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event-parse.h>

#include "tracefs/subbuf.h"

/* Records handed on at a time: one CPU's while they stay earliest. */
#define KMS_MM_RUN	64
/* Memory released behind a cursor once it has walked this much. */
#define KMS_MM_RELEASE	(1ULL << 20)
/*
 * The part of that kept mapped right behind the cursor: a fault maps the
 * pages around the faulting one too (fault_around_bytes, 64 KiB by
 * default, aligned), and a page released inside that window came back
 * mapped and stayed so, 4-64 KiB left behind every release.
 */
#define KMS_MM_MARGIN	(256ULL << 10)

struct mm_cpu {
	const unsigned char	*base;		/* the CPU's data in the map */
	uint64_t		size;
	uint64_t		next;		/* offset of the next page to load */
	uint64_t		released;	/* offset up to which pages were released */
	const unsigned char	*page;		/* the page it walks */
	struct kms_subbuf_iter	it;
	struct tep_record	rec;		/* the CPU's current record */
	long long		missed;		/* reported before rec, as libtracecmd does */
};

struct mm_comm;

struct kms_mmfile {
	const char		*path;
	unsigned char		*map;
	size_t			len;
	size_t			sys_page;
	unsigned int		page_size;	/* sub-buffer size in the file */
	int			long_size;	/* width of the page header's commit field */
	int			ncpus;
	struct mm_cpu		*cpus;
	int			*heap;		/* CPUs with a record, earliest first */
	int			nheap;
	size_t			ks_pos;		/* the kallsyms section's size field */
	uint32_t		ks_size;
	bool			ks_loaded;
	size_t			cm_pos;		/* the saved cmdlines section's size field */
	uint64_t		cm_size;
	bool			cm_read;	/* comms looked at: read, or found unfit */
	bool			cm_tep;		/* loaded into tep instead: tep answers */
	char			*cm_text;	/* the section, each line ended by a NUL */
	struct mm_comm		*comms;		/* its lines, in libtraceevent's order */
	uint32_t		nr_comms;
	size_t			table_pos;	/* the flyrecord CPU table */
	struct tep_record	run[KMS_MM_RUN + 1];	/* the records of a run, and the one after */
	long long		missed_sum;	/* the lost events of the records read so far (kms_mmfile_iterate_runs) */
};

#endif
