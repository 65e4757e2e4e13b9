/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to the pagemap snapshot (pagemap.c, pmproc.c): the files of a
 * process under procdir ("/proc" or a fixture tree), with failures sorted
 * by errno class, and the parsing of its maps.
 */
#ifndef KMS_PMPROC_H
#define KMS_PMPROC_H

#include "pagemap/pagemap.h"

/* Record an error message with its errno class e in *err; returns -1. */
int kms_pm_fail(int *err, int e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Has the process gone (no /proc entry, or a zombie without memory)? */
int kms_pm_proc_gone(const char *procdir, int pid);
/* All mappings of /proc/PID/maps text into pm; -1 with *err set. */
int kms_pm_parse_maps(char *text, struct kms_pagemap *pm, int *err);
/* Open procdir/PID/name; -1 with *err ESRCH, EACCES or another errno. */
int kms_pm_open(const char *procdir, int pid, const char *name, int *err);
/* Read comm and the mappings of pm->pid; -1 with *err set. */
int kms_pm_read_maps(struct kms_pagemap *pm, const char *procdir, int *err);

#endif
