/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event stream. Sources (a trace.dat file read through libtracecmd,
 * or live sub-buffers) deliver tep records in timestamp order to one
 * callback, so every analyser and printer sees the same stream.
 */
#ifndef KMS_STREAM_H
#define KMS_STREAM_H

#include <stdbool.h>
#include <event-parse.h>

#include "source/procinfo.h"

/* A record, or (rec == NULL) a gap of `missed` lost events (-1: unknown count) on cpu. */
typedef int (*kms_record_fn)(struct tep_handle *tep, struct tep_record *rec,
			     int cpu, long long missed, void *ctx);

/*
 * A run of n (>= 1) records in timestamp order, counted in the file's
 * events already; a record's missed_events tells of a gap before it (> 0:
 * that many lost, -1: an unknown count). The records are valid until fn returns.
 */
typedef int (*kms_records_fn)(struct tep_handle *tep, struct tep_record *recs, int n, void *ctx);

#define KMS_MAX_BUFFERS 16

struct kms_file {
	const char		*path;
	struct tracecmd_input	*handle;
	/* Buffers: [0] the top level, then each instance of trace-cmd record -B. */
	struct tracecmd_input	*bufs[KMS_MAX_BUFFERS];
	const char		*buf_names[KMS_MAX_BUFFERS];	/* [0] is "" */
	int			nbufs;
	int			sel;		/* buffer iterated, -1: all merged */
	const char		*cur_buffer;	/* buffer of the record being delivered */
	int			name_width;	/* widest "NAME:" of the instances */
	struct tep_handle	*tep;
	int			ncpus;
	bool			in_usecs;	/* nanosecond clock: print secs.usecs */
	unsigned long long	lost_stats;	/* from the CPUSTAT options */
	unsigned long long	missed_flags;	/* from the pages' missed-event flags */
	unsigned long long	events;
	unsigned long long	first_ts, last_ts;
	struct kms_mmfile	*mm;		/* the data read in place, or NULL */
};

/*
 * kms_file_open()'s flags. KMS_FILE_PRINT: the caller prints event lines
 * (tep_print_event: kms_evline), so libtraceevent's and trace-cmd's print
 * plugins are loaded, as trace-cmd report loads them; without it they are
 * not (a dozen shared objects opened for nothing: about 2 ms of a run).
 */
#define KMS_FILE_PRINT	(1 << 0)

/*
 * Open a trace.dat (v6 or v7) and load its formats, kallsyms and cmdlines
 * (in place, uncompressed v6 files leave kallsyms and cmdlines for later:
 * kms_file_symbols, kms_file_cmdlines, kms_file_proc_ops),
 * after the structural check and a bounded trial read in a child process:
 * a file that crashes or hangs the libraries fails with KMS_ERR_CORRUPT.
 */
int kms_file_open(struct kms_file *f, const char *path, unsigned int flags);
/* The same without the check and trial: for the trial itself and the fuzzers. */
int kms_file_open_unguarded(struct kms_file *f, const char *path, unsigned int flags);
/* Load the file's kallsyms when they were left out at open (call sites, --events). */
int kms_file_symbols(struct kms_file *f);
/*
 * Load the file's saved cmdlines into tep when they were left out at open
 * (--events); before tep's first comm lookup, which fixes how it adds them.
 */
int kms_file_cmdlines(struct kms_file *f);
/*
 * Process facts of the file for kms_analysis_new(): the comms its saved
 * cmdlines give (read once into a table by pid), where tep does not have
 * them. The analysis must not outlive f.
 */
void kms_file_proc_ops(struct kms_file *f, struct kms_proc_ops *ops);
/* Iterate only the buffer NAME ("" or "top": the top level; NULL: all). */
int kms_file_select(struct kms_file *f, const char *name);
/* Deliver every record in timestamp order; stops early if fn returns non-zero. */
int kms_file_iterate(struct kms_file *f, kms_record_fn fn, void *ctx);
/* The same, handed on in runs (one CPU's records in a row, or one at a time through libtracecmd). */
int kms_file_iterate_runs(struct kms_file *f, kms_records_fn fn, void *ctx);
/* Events lost while recording: the larger of the stats and the page flags. */
unsigned long long kms_file_lost(const struct kms_file *f);
void kms_file_close(struct kms_file *f);

#endif
