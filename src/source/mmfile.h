/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The file source's fast path for uncompressed version 6 data: each CPU's
 * flyrecord pages walked in place over a read-only mmap of the file, the
 * CPUs merged by timestamp with a small heap, nothing allocated per event
 * and pages released behind the cursor, so memory stays flat however
 * large the file. libtracecmd still loads the formats and options
 * (file.c); kallsyms are parsed by libtraceevent only when a table needs
 * symbols, and the saved cmdlines are read here into a table by pid (or
 * into tep, for --events). Files this path does not take (v7, several buffers,
 * options that shift timestamps, another byte order) stay with libtracecmd.
 */
#ifndef KMS_MMFILE_H
#define KMS_MMFILE_H

#include "source/file.h"

struct kms_mmfile;

/*
 * Map the file, if this path can read it: *out is set, or left NULL when
 * the file needs libtracecmd. Returns 0, or -1.
 */
int kms_mmfile_open(struct kms_mmfile **out, const char *path);
/*
 * Open the file's headers with libtracecmd (tracecmd_open_fd's flags),
 * without kallsyms or data; NULL if it cannot.
 */
struct tracecmd_input *kms_mmfile_tracecmd(struct kms_mmfile *m, int tc_flags);
/* Load the file's kallsyms into tep (once), for symbolised call sites. */
int kms_mmfile_kallsyms(struct kms_mmfile *m, struct tep_handle *tep);
/* Load the file's saved cmdlines into tep (once), for tep's comm lookups. */
int kms_mmfile_cmdlines(struct kms_mmfile *m, struct tep_handle *tep);
/*
 * pid's comm from the saved cmdlines, read on the first call into a
 * table sorted by pid; NULL when they do not name pid, for pid 0, or when
 * they went to tep instead (then tep answers as it would have).
 */
const char *kms_mmfile_comm(struct kms_mmfile *m, struct tep_handle *tep, int pid);
/* Deliver every record in timestamp order, as kms_file_iterate() does. */
int kms_mmfile_iterate(struct kms_mmfile *m, struct kms_file *f, kms_record_fn fn, void *ctx);
/* The same in runs, as kms_file_iterate_runs() does. */
int kms_mmfile_iterate_runs(struct kms_mmfile *m, struct kms_file *f, kms_records_fn fn, void *ctx);
/* Unmap; NULL is fine. */
void kms_mmfile_close(struct kms_mmfile *m);

#endif
