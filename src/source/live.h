/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live source: one place for the whole lifecycle of tracing this host
 * (stale state removed, the private instance with its events, filters,
 * probes and process scope, the per-CPU readers, the traced command,
 * signals taken synchronously, /proc snapshots, and cleanup on every exit
 * path). record and top differ only in what they do with the data: record
 * takes the raw sub-buffers, top takes the records merged in timestamp
 * order, as the file source delivers them.
 */
#ifndef KMS_LIVE_H
#define KMS_LIVE_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/hmap.h"
#include "base/kms.h"
#include "source/child.h"
#include "source/file.h"
#include "source/mapsrec.h"
#include "source/reader.h"
#include "tracefs/session.h"
#include "tracefs/stack.h"

/* Told about what the live source did on the user's behalf (one line each). */
typedef void (*kms_live_notice_fn)(const char *msg, void *ctx);

struct kms_live_config {
	const struct kms_event_spec	*events;	/* to enable; none: the defaults */
	int				nr_events;
	bool				no_default_events;	/* probes only */
	unsigned long			buffer_kb;	/* per CPU; 0: kernel default */
	uint64_t			orders;		/* --order set, into the page filters */
	unsigned int			snapshots;	/* KMS_SNAP_* bits: /proc before/after */
	const pid_t			*pids;		/* -p */
	int				nr_pids;
	char				**cmd;		/* -- COMMAND, or NULL */
	const char			*cgroup;	/* --cgroup DIR, or NULL */
	int				end_signal;	/* sent to a command still running at
							 * the end (0: leave it running) */
	/* Called once events are enabled, to add the recipe's kprobes. */
	int				(*setup_probes)(struct kms_session *s, const void *arg);
	const void			*probes_arg;
	/* Kernel stacks: these events', and with stack_all every allocation's and fault's. */
	const struct kms_stack_spec	*stacks;
	int				nr_stacks;
	bool				stack_all;
	/* Raw sub-buffers (record); NULL: queue them for kms_live_drain() (top). */
	kms_page_fn			page_fn;
	int				reader_flags;	/* KMS_READER_* */
	int				flush_ms;	/* partial pages at least this often */
	bool				record_maps;	/* the scope's /proc/PID/maps into
							 * the buffer (mapsrec.h) */
	const char			*trace_clock;	/* the instance's, or NULL: the
							 * kernel's default */
	kms_live_notice_fn		notice;
	void				*ctx;		/* for page_fn and notice */
};

/* Why kms_live_wait() returned. */
enum kms_live_wake {
	KMS_LIVE_TIMEOUT = 0,
	KMS_LIVE_SIGNAL,	/* SIGINT, SIGTERM or SIGHUP: live->stop_signal */
	KMS_LIVE_CHILD,		/* the command exited: live->child.status */
	KMS_LIVE_PIDS_GONE,	/* every -p process is gone */
	KMS_LIVE_FAILED,	/* a reader failed (a full disk): kms_strerror() says why */
};

struct kms_live {
	struct kms_live_config	cfg;
	struct kms_session	session;
	struct kms_reader	*reader;
	struct kms_child	child;
	bool			have_child;
	int			stop_signal;
	unsigned long long	t0;		/* when tracing went on (monotonic ns) */
	bool			clock_set;	/* cfg.trace_clock is the instance's */
	sigset_t		sigs, oldmask;
	bool			masked;
	bool			stopped;
	struct live_queue	*queue;		/* pages waiting for kms_live_drain() */
	pthread_mutex_t		fail_lock;
	bool			failed;		/* a reader's page callback failed */
	enum kms_err		fail_class;
	char			fail_msg[256];
	struct kms_hmap		followed;	/* --cgroup: threads already in set_event_pid */
	unsigned long long	cgroup_read_ns;	/* when cgroup.procs was last read */
	struct kms_mapsrec	*maps;		/* cfg.record_maps with a scope */
};

/*
 * Set everything up and start tracing; the command (if any) runs from here
 * on. The scope is set before tracing is on and never passes through an
 * empty pid list: the command is forked first, held, and its pid (not
 * kmemscope's) written to set_event_pid with event-fork; then tracing goes
 * on, the scope is written into the buffer ("kmemscope-scope ..." lines,
 * which the analysers follow), and the command is released to exec. On failure kms_strerror() says why, and kms_live_destroy() must
 * still be called.
 */
int kms_live_start(struct kms_live *l, const struct kms_live_config *cfg);
/*
 * Sleep up to ns for a signal, the command's exit, the -p targets' exit, or
 * a reader's failure, which is woken for at once.
 */
enum kms_live_wake kms_live_wait(struct kms_live *l, unsigned long long ns);
/* The "after" snapshots, tracing off, and the last pages read. */
int kms_live_stop(struct kms_live *l);
/*
 * Deliver the queued records to fn in timestamp order, merged across CPUs
 * (queue mode only), as kms_file_iterate() does for a file, until the
 * queue as it was at the call is empty (1) or the monotonic clock reaches
 * deadline (0; 0 is no deadline): the rest stays queued for the next call.
 * -1 when fn fails (a corrupt record ends its page).
 */
int kms_live_drain(struct kms_live *l, struct tep_handle *tep, kms_record_fn fn, void *ctx,
		   unsigned long long deadline);
/*
 * Whether records wait to be drained; the timestamp of the last one
 * delivered (0: none yet) and the pages still queued.
 */
bool kms_live_backlog(struct kms_live *l, unsigned long long *last_ts, size_t *pages);
/* Remove the instance and probes, end the command, restore the signal mask. */
void kms_live_destroy(struct kms_live *l);

#endif
