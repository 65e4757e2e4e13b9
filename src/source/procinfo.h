/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live process information from /proc for the analysers: comm, the
 * mapping that holds a faulting address (from /proc/PID/maps, cached per
 * process until the analysis forgets it, and re-read on a miss), VM and
 * RSS (statm) and major faults (stat).
 */
#ifndef KMS_PROCINFO_H
#define KMS_PROCINFO_H

/* What a source knows of processes (the analysers ask); a file, only comms (file.c). */
struct kms_proc_ops {
	/* comm of a pid, or NULL */
	const char *(*comm)(int pid, void *ctx);
	/* name of the mapping holding addr in pid ("[heap]", a file, "[anon]"), or NULL */
	const char *(*mapping)(int pid, unsigned long long addr, void *ctx);
	/* VM and RSS in KiB and major faults; returns 0 when known */
	int (*mem)(int pid, long long *vm_kib, long long *rss_kib, long long *majflt, void *ctx);
	/* the analysis has forgotten pid (it exited): what is kept of it may go; or NULL */
	void (*forget)(int pid, void *ctx);
	void *ctx;
};

struct kms_procinfo;

struct kms_procinfo *kms_procinfo_new(void);
void kms_procinfo_free(struct kms_procinfo *p);
/* Fill ops with callbacks bound to p. */
void kms_procinfo_ops(struct kms_procinfo *p, struct kms_proc_ops *ops);

#endif
