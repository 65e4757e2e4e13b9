// SPDX-License-Identifier: GPL-2.0
/*
 * The live source: instance, events, probes, scope, readers, command,
 * signals and cleanup for record and top; top's page queue is in
 * livequeue.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tracefs.h>

#include "base/events.h"
#include "base/kms.h"
#include "base/orders.h"
#include "source/cgroup.h"
#include "source/live.h"
#include "source/livequeue.h"
#include "source/mapsrec.h"
#include "tracefs/subbuf.h"
#include "tracefs/kprobe.h"

/* Pass one line to the notice callback, if there is one. */
static void notice(struct kms_live *l, const char *fmt, const char *arg)
{
	char msg[256];

	if (!l->cfg.notice)
		return;
	snprintf(msg, sizeof(msg), fmt, arg);
	l->cfg.notice(msg, l->cfg.ctx);
}

/* kms_reset_stale() callback: say what was removed. */
static void stale_removed(const char *name, void *ctx)
{
	notice(ctx, strchr(name, '/') ? "removed stale kprobe %s" : "removed stale instance %s",
	       name);
}

/* Reader callback: the command's, or the queue; a failure wakes the main thread. */
static int live_page(int cpu, const void *page, unsigned int size,
		     const struct kms_subbuf *sb, void *ctx)
{
	struct kms_live *l = ctx;
	int ret;

	kms_mapsrec_page(l->maps, page, l->session.long_size, sb);
	ret = l->cfg.page_fn ? l->cfg.page_fn(cpu, page, size, sb, l->cfg.ctx)
			     : kms_lq_page(cpu, page, size, sb, l);
	if (ret < 0) {
		pthread_mutex_lock(&l->fail_lock);
		if (!l->failed) {
			l->failed = true;
			l->fail_class = kms_errclass();
			snprintf(l->fail_msg, sizeof(l->fail_msg), "%s", kms_strerror());
		}
		pthread_mutex_unlock(&l->fail_lock);
		kill(getpid(), SIGUSR1);	/* taken by kms_live_wait() */
	}
	return ret;
}


/* Enable one spec, with --order added to the page events' filters. */
static int enable_spec(struct kms_live *l, const struct kms_event_spec *spec)
{
	struct kms_event_spec s = *spec;
	char *of = NULL, *f = NULL;
	int ret;

	if (l->cfg.orders && s.name && !strcmp(s.system, "kmem") &&
	    (!strcmp(s.name, "mm_page_alloc") || !strcmp(s.name, "mm_page_free"))) {
		of = kms_orders_filter(l->cfg.orders);
		if (!of || (s.filter ? asprintf(&f, "(%s) && (%s)", s.filter, of)
				     : asprintf(&f, "%s", of)) < 0) {
			free(of);
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		}
		s.filter = f;
	}
	ret = kms_session_enable(&l->session, &s);
	free(of);
	free(f);
	return ret;
}

/* The configured events, or the defaults this kernel has. */
static int enable_events(struct kms_live *l)
{
	size_t i;
	int n = 0;

	for (i = 0; i < (size_t)l->cfg.nr_events; i++)
		if (enable_spec(l, &l->cfg.events[i]) < 0)
			return -1;
	/* Fork, exec and exit, always: the command's tree and every process's name. */
	for (i = 0; i < (size_t)kms_nr_events; i++) {
		const struct kms_event_info *e = &kms_events[i];
		struct kms_event_spec spec = { (char *)e->system, (char *)e->name, NULL, 0 };

		if ((e->flags & KMS_EVF_PROCESS) &&
		    tracefs_event_file_exists(l->session.inst, e->system, e->name, "enable") &&
		    kms_session_enable(&l->session, &spec) < 0)
			return -1;
	}
	if (l->cfg.nr_events || l->cfg.no_default_events)
		return 0;
	/* No event named: every kmem and fault event of the one list this kernel has. */
	for (i = 0; i < (size_t)kms_nr_events; i++) {
		const struct kms_event_info *e = &kms_events[i];
		struct kms_event_spec spec = { (char *)e->system, (char *)e->name, NULL, 0 };

		if (!(e->flags & KMS_EVF_RECORD) ||
		    !tracefs_event_file_exists(l->session.inst, e->system, e->name, "enable"))
			continue;
		if (enable_spec(l, &spec) < 0)
			return -1;
		n++;
	}
	return n ? 0 : kms_error(KMS_ERR_UNSUPPORTED,
				 "none of the kmem or exceptions events exist on this kernel");
}

/* The recipe's /proc snapshots, written into the trace buffer itself. */
static int snapshots(struct kms_live *l, int after)
{
	size_t i;

	for (i = 0; i < KMS_NR_SNAPSHOTS; i++)
		if ((l->cfg.snapshots & kms_snapshot_files[i].bit) &&
		    kms_session_snapshot(&l->session, kms_snapshot_files[i].name, after) < 0)
			return -1;
	return 0;
}

/* Fork the command, held before exec until tracing is on. */
static int fork_command(struct kms_live *l)
{
	l->child.pid = 0;	/* nothing to wait for or close if the spawn fails */
	l->child.go_fd = l->child.err_fd = -1;
	if (!l->cfg.cmd)
		return 0;
	l->have_child = true;
	return kms_child_spawn(&l->child, l->cfg.cmd);
}

/* Add the cgroup's threads not yet followed to set_event_pid, and say so in the buffer. */
static int follow_cgroup(struct kms_live *l, bool first)
{
	char line[64];
	pid_t *pids;
	int i, n, added, ret = 0;

	l->cgroup_read_ns = kms_now_ns();
	n = kms_cgroup_tasks(l->cfg.cgroup, &pids);
	if (n < 0)
		return -1;
	if (first && !n) {
		free(pids);
		return kms_error(KMS_ERR_USAGE, "--cgroup %s: it has no tasks to follow yet",
				 l->cfg.cgroup);
	}
	for (i = 0; i < n && !ret; i++) {
		int32_t key = pids[i];

		if (!kms_hmap_get(&l->followed, &key, &added)) {
			ret = kms_error(KMS_ERR_NOMEM, "out of memory");
			break;
		}
		if (!added)
			continue;
		kms_mapsrec_add(l->maps, pids[i]);
		/* The first list is written whole; later ones are appended, never truncated. */
		if (!first)
			ret = kms_session_add_pids(&l->session, &pids[i], 1);
		if (!ret && l->reader) {
			snprintf(line, sizeof(line), "kmemscope-scope pid %d", (int)pids[i]);
			ret = kms_session_mark(&l->session, line);
		}
	}
	if (!ret && first)
		ret = kms_session_set_pids(&l->session, pids, n, 1);
	free(pids);
	return ret;
}

/* Write the scope into the buffer, where the analysers (live or from the file) find it. */
static int mark_scope(struct kms_live *l)
{
	char line[4200];
	const void *k;
	void *v;
	size_t pos = 0;
	int i;

	if (l->have_child) {
		snprintf(line, sizeof(line), "kmemscope-scope command %d %.64s", (int)l->child.pid,
			 l->cfg.cmd[0]);
		return kms_session_mark(&l->session, line);
	}
	for (i = 0; i < l->cfg.nr_pids; i++) {
		snprintf(line, sizeof(line), "kmemscope-scope pid %d", (int)l->cfg.pids[i]);
		if (kms_session_mark(&l->session, line) < 0)
			return -1;
	}
	if (!l->cfg.cgroup)
		return 0;
	snprintf(line, sizeof(line), "kmemscope-scope cgroup %.4096s", l->cfg.cgroup);
	if (kms_session_mark(&l->session, line) < 0)
		return -1;
	while (kms_hmap_next(&l->followed, &pos, &k, &v)) {
		snprintf(line, sizeof(line), "kmemscope-scope pid %d", (int)*(const int32_t *)k);
		if (kms_session_mark(&l->session, line) < 0)
			return -1;
	}
	return 0;
}

/* The scope in the kernel's pid filter, before tracing is on. */
static int set_scope(struct kms_live *l)
{
	if (l->have_child)
		return kms_session_set_pids(&l->session, &l->child.pid, 1, 1);
	if (l->cfg.nr_pids)
		return kms_session_set_pids(&l->session, l->cfg.pids, l->cfg.nr_pids, 1);
	if (l->cfg.cgroup)
		return follow_cgroup(l, true);
	return 0;
}

/* The roots whose maps are read first (the command's at its exec). */
static void maps_roots(struct kms_live *l)
{
	const void *k;
	void *v;
	size_t pos = 0;
	int i;

	if (l->have_child)
		kms_mapsrec_add(l->maps, l->child.pid);
	for (i = 0; i < l->cfg.nr_pids; i++)
		kms_mapsrec_add(l->maps, l->cfg.pids[i]);
	while (l->cfg.cgroup && kms_hmap_next(&l->followed, &pos, &k, &v))
		kms_mapsrec_add(l->maps, *(const int32_t *)k);
}

int kms_live_start(struct kms_live *l, const struct kms_live_config *cfg)
{
	memset(l, 0, sizeof(*l));
	l->cfg = *cfg;
	pthread_mutex_init(&l->fail_lock, NULL);
	l->child.go_fd = l->child.err_fd = -1;
	if (kms_reset_stale(stale_removed, l) < 0 ||
	    kms_kprobes_reset_stale(stale_removed, l) < 0)
		return -1;
	/* Signals are taken synchronously in kms_live_wait(); threads inherit the mask. */
	sigemptyset(&l->sigs);
	sigaddset(&l->sigs, SIGINT);
	sigaddset(&l->sigs, SIGTERM);
	sigaddset(&l->sigs, SIGHUP);
	sigaddset(&l->sigs, SIGCHLD);
	sigaddset(&l->sigs, SIGUSR1);	/* a reader failed */
	sigprocmask(SIG_BLOCK, &l->sigs, &l->oldmask);
	l->masked = true;
	if (kms_hmap_init(&l->followed, sizeof(int32_t), 1))
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	if (cfg->cgroup && kms_cgroup_check(cfg->cgroup) < 0)
		return -1;
	if (kms_session_create(&l->session, cfg->buffer_kb) < 0 || enable_events(l) < 0 ||
	    (cfg->setup_probes && cfg->setup_probes(&l->session, cfg->probes_arg) < 0) ||
	    kms_session_stacks(&l->session, cfg->stacks, cfg->nr_stacks, cfg->stack_all,
			       cfg->notice, cfg->ctx) < 0)
		return -1;
	if (!cfg->page_fn &&
	    !(l->queue = kms_lq_new(l->session.ncpus, l->session.subbuf_size)))
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	/* the monotonic clock, so that a view can say how far behind it is */
	if (cfg->trace_clock &&
	    tracefs_instance_file_write(l->session.inst, "trace_clock", cfg->trace_clock) > 0)
		l->clock_set = true;
	if (fork_command(l) < 0 || set_scope(l) < 0)
		return -1;
	/* The scope's maps (record): roots below, the rest as the pages show them. */
	if (cfg->record_maps && (l->have_child || cfg->nr_pids || cfg->cgroup) &&
	    !(l->maps = kms_mapsrec_start(&l->session)))
		return -1;
	l->reader = kms_reader_start(&l->session, cfg->flush_ms, cfg->reader_flags,
				     live_page, l);
	if (!l->reader || kms_session_tracing(&l->session, 1) < 0 || mark_scope(l) < 0 ||
	    snapshots(l, 0) < 0)
		return -1;
	maps_roots(l);
	l->t0 = kms_now_ns();
	return l->have_child ? kms_child_release(&l->child, cfg->cmd[0]) : 0;
}

/* Are all -p targets gone? */
static bool pids_gone(const struct kms_live *l)
{
	int i;

	for (i = 0; i < l->cfg.nr_pids; i++)
		if (kill(l->cfg.pids[i], 0) == 0 || errno == EPERM)
			return false;
	return l->cfg.nr_pids > 0;
}

enum kms_live_wake kms_live_wait(struct kms_live *l, unsigned long long ns)
{
	struct timespec ts = { ns / 1000000000ULL, ns % 1000000000ULL };
	int sig = sigtimedwait(&l->sigs, NULL, &ts);

	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
		l->stop_signal = sig;
		return KMS_LIVE_SIGNAL;
	}
	pthread_mutex_lock(&l->fail_lock);
	if (l->failed) {
		kms_error(l->fail_class, "%s", l->fail_msg);
		pthread_mutex_unlock(&l->fail_lock);
		return KMS_LIVE_FAILED;
	}
	pthread_mutex_unlock(&l->fail_lock);
	if (l->have_child && kms_child_poll(&l->child))
		return KMS_LIVE_CHILD;
	if (pids_gone(l))
		return KMS_LIVE_PIDS_GONE;
	/* Tasks that joined the cgroup since the last look, at most every 100 ms. */
	if (l->cfg.cgroup && !l->stopped && kms_now_ns() - l->cgroup_read_ns > 100000000ULL &&
	    follow_cgroup(l, false) < 0) {
		pthread_mutex_lock(&l->fail_lock);
		l->failed = true;
		l->fail_class = kms_errclass();
		snprintf(l->fail_msg, sizeof(l->fail_msg), "%s", kms_strerror());
		pthread_mutex_unlock(&l->fail_lock);
		return KMS_LIVE_FAILED;
	}
	return KMS_LIVE_TIMEOUT;
}

int kms_live_stop(struct kms_live *l)
{
	int ret;

	if (l->stopped)
		return 0;
	l->stopped = true;
	kms_mapsrec_stop(l->maps);
	ret = snapshots(l, 1);
	kms_session_tracing(&l->session, 0);
	kms_lq_close(l);
	if (kms_reader_stop(l->reader) < 0)
		ret = -1;
	return ret;
}

void kms_live_destroy(struct kms_live *l)
{
	/*
	 * Not stopped (an error, a closed stdout): tracing off before the
	 * readers' last drain, which the writers would otherwise keep
	 * feeding, with the queue closed, for as long as the load runs (it
	 * took 24 GB in 76 s beside a load before the OOM killer ended it).
	 */
	if (!l->stopped && l->reader && l->session.inst)
		tracefs_instance_file_write(l->session.inst, "tracing_on", "0");
	kms_lq_close(l);
	if (l->reader) {
		kms_reader_stop(l->reader);
		kms_reader_free(l->reader);
		l->reader = NULL;
	}
	kms_mapsrec_free(l->maps);
	l->maps = NULL;
	kms_session_destroy(&l->session);
	if (l->have_child && l->child.go_fd >= 0) {
		kms_child_abort(&l->child);	/* never released: it exits unrun */
	} else if (l->have_child && !l->child.exited) {
		/* Running: pass the stop signal on, or the configured end signal. */
		int sig = l->stop_signal ? l->stop_signal : l->cfg.end_signal;

		if (sig && kill(l->child.pid, sig) == 0)
			kms_child_abort(&l->child);
	}
	if (l->masked) {
		/* The readers are gone: drop our own wake-up before unblocking it. */
		struct timespec zero = { 0, 0 };
		sigset_t usr1;

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		while (sigtimedwait(&usr1, NULL, &zero) == SIGUSR1)
			;
		sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
	}
	l->masked = false;
	kms_hmap_free(&l->followed);
	kms_lq_free(l->queue);
	l->queue = NULL;
}
