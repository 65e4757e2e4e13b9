/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A recording session: a private tracefs instance "kmemscope-<pid>" with
 * its buffers sized, its events enabled and filtered, and its process
 * scope set. The top-level instance is never written.
 */
#ifndef KMS_SESSION_H
#define KMS_SESSION_H

#include <sys/types.h>
#include <tracefs.h>

#define KMS_INSTANCE_PREFIX "kmemscope-"

struct kms_event_spec {
	char	*system;
	char	*name;		/* NULL: every event of the system */
	char	*filter;	/* in-kernel filter, or NULL */
	int	owned_filter;	/* filter was allocated for this spec */
};

/* The /proc files a session can snapshot into its buffer (kms_session_snapshot). */
enum kms_snapshot {
	KMS_SNAP_SLABINFO	= 1 << 0,
	KMS_SNAP_BUDDYINFO	= 1 << 1,
	KMS_SNAP_MEMINFO	= 1 << 2,
	KMS_SNAP_VMSTAT		= 1 << 3,
};

#define KMS_NR_SNAPSHOTS 4

/* The snapshot files by bit: "slabinfo", "buddyinfo", "meminfo", "vmstat". */
struct kms_snapshot_file {
	enum kms_snapshot	bit;
	const char		*name;	/* /proc/NAME */
};
extern const struct kms_snapshot_file kms_snapshot_files[KMS_NR_SNAPSHOTS];

struct kms_session {
	struct tracefs_instance	*inst;
	char			name[64];
	int			ncpus;
	int			subbuf_size;	/* from the instance's header_page */
	int			long_size;	/* commit field size */
	int			markers;	/* trace_marker was written */
	void			*probes;	/* kprobes made for it (kprobe.c) */
	/* Set by whoever made probes: called by kms_session_destroy() after the instance is gone. */
	void			(*probes_destroy)(struct kms_session *s);
	char			**enabled;	/* "system/event" of enabled events */
	int			nr_enabled;
};

/* Create the private instance, stopped; kb (0: kernel default) sizes each CPU. */
int kms_session_create(struct kms_session *s, int buffer_kb);
struct tep_handle;
/* Parse the instance's events/header_page into tep (sub-buffer and long size). */
int kms_session_header_page(struct kms_session *s, struct tep_handle *tep);
/* Enable one event spec (a whole system when spec->name is NULL). */
int kms_session_enable(struct kms_session *s, const struct kms_event_spec *spec);
/* Restrict the events to these pids; follow forks when follow is set. */
int kms_session_set_pids(struct kms_session *s, const pid_t *pids, int n, int follow);
/*
 * Add pids to set_event_pid without emptying it first (a write that
 * truncates lets every process through until the new list is written).
 */
int kms_session_add_pids(struct kms_session *s, const pid_t *pids, int n);
/* Write one line into the instance's buffer through trace_marker (ftrace:print). */
int kms_session_mark(struct kms_session *s, const char *line);
/* Turn tracing on or off in the instance. */
int kms_session_tracing(struct kms_session *s, int on);
/*
 * Record /proc/NAME in the instance's buffer as ftrace:print events, one
 * per line: "kmemscope-snapshot NAME before|after LINE". Tracing must be on.
 */
int kms_session_snapshot(struct kms_session *s, const char *name, int after);
/* Disable everything, remove the instance, then its probes; safe to call twice. */
void kms_session_destroy(struct kms_session *s);

/* Is pid a running kmemscope (a reused pid of another program is not)? */
int kms_owner_alive(int pid);

/* Callback for each stale instance removed by kms_reset_stale(). */
typedef void (*kms_reset_fn)(const char *name, void *ctx);
/*
 * Remove kmemscope-<pid> instances whose owner is gone. Returns the number
 * removed, or -1. Instances of live kmemscope processes are left alone.
 */
int kms_reset_stale(kms_reset_fn fn, void *ctx);

#endif
