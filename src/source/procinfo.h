/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live process information from /proc for the analysers: comm, the
 * mapping that holds a faulting address (from /proc/PID/maps, cached per
 * process and re-read on a miss), VM and RSS (statm) and major faults (stat).
 */
#ifndef KMS_PROCINFO_H
#define KMS_PROCINFO_H

#include "analyse/analyse.h"

struct kms_procinfo;

struct kms_procinfo *kms_procinfo_new(void);
void kms_procinfo_free(struct kms_procinfo *p);
/* Fill ops with callbacks bound to p. */
void kms_procinfo_ops(struct kms_procinfo *p, struct kms_proc_ops *ops);

#endif
