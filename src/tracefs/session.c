// SPDX-License-Identifier: GPL-2.0
/*
 * Private tracefs instance lifecycle: create, configure, destroy, and the
 * removal of instances left behind by a killed kmemscope.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>
#include <tracefs.h>

#include "base/kms.h"
#include "tracefs/session.h"

const struct kms_snapshot_file kms_snapshot_files[KMS_NR_SNAPSHOTS] = {
	{ KMS_SNAP_SLABINFO, "slabinfo" }, { KMS_SNAP_BUDDYINFO, "buddyinfo" },
	{ KMS_SNAP_MEMINFO, "meminfo" }, { KMS_SNAP_VMSTAT, "vmstat" },
};

/* Write a string to an instance file, recording a readable error. */
static int inst_write(struct kms_session *s, const char *file, const char *val)
{
	if (tracefs_instance_file_write(s->inst, file, val) < 0)
		return kms_error(KMS_ERR_FAIL, "cannot write '%s' to %s/%s: %s", val, s->name,
				 file, strerror(errno ? errno : EIO));
	return 0;
}

/* Parse the instance's events/header_page into tep. */
int kms_session_header_page(struct kms_session *s, struct tep_handle *tep)
{
	char *buf;
	int len, ret;

	buf = tracefs_instance_file_read(s->inst, "events/header_page", &len);
	if (!buf)
		return kms_error(KMS_ERR_FAIL, "cannot read %s/events/header_page", s->name);
	ret = tep_parse_header_page(tep, buf, len, sizeof(long));
	free(buf);
	if (ret)
		return kms_error(KMS_ERR_FAIL, "cannot parse %s/events/header_page", s->name);
	return 0;
}

/* Learn the sub-buffer and long size from this instance's header_page. */
static int read_header_page(struct kms_session *s)
{
	struct tep_handle *tep = tep_alloc();
	int ret;

	if (!tep)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	ret = kms_session_header_page(s, tep);
	if (!ret) {
		s->long_size = tep_get_header_page_size(tep);
		s->subbuf_size = tep_get_sub_buffer_size(tep);
	}
	tep_free(tep);
	if (!ret && s->subbuf_size <= 0)
		return kms_error(KMS_ERR_FAIL, "cannot parse %s/events/header_page", s->name);
	return ret;
}

/*
 * The buffer of each CPU when none is asked for: 8 MiB, which holds about
 * a third of a second of a kmem-heavy workload's events on one CPU, so a
 * reader delayed on a loaded host loses none (the kernel's 1.4 MiB did);
 * at most 1/64 of the memory over all CPUs, and never below 1.4 MiB.
 */
static int default_buffer_kb(int ncpus)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	long long kb = 8192, cap;

	if (pages > 0 && psize > 0 && ncpus > 0) {
		cap = (long long)pages * (psize / 1024) / 64 / ncpus;
		if (kb > cap)
			kb = cap;
	}
	return kb < 1408 ? 1408 : kb;
}

/* Create and stop the instance, size its buffers (buffer_kb 0: the default above). */
int kms_session_create(struct kms_session *s, int buffer_kb)
{
	char val[32];

	memset(s, 0, sizeof(*s));
	if (!tracefs_tracing_dir())
		return kms_error(KMS_ERR_TRACEFS, "tracefs is not mounted and cannot be mounted "
				 "(try: mount -t tracefs nodev /sys/kernel/tracing)");
	snprintf(s->name, sizeof(s->name), KMS_INSTANCE_PREFIX "%d", (int)getpid());
	if (tracefs_instance_exists(s->name))
		return kms_error(KMS_ERR_TRACEFS, "instance %s already exists", s->name);
	s->inst = tracefs_instance_create(s->name);
	if (!s->inst)
		return kms_error(KMS_ERR_TRACEFS, "cannot create tracefs instance %s: %s", s->name,
				 strerror(errno));
	s->ncpus = kms_nr_cpus();
	if (inst_write(s, "tracing_on", "0"))
		goto fail;
	if (buffer_kb <= 0)
		buffer_kb = default_buffer_kb(s->ncpus);
	{
		snprintf(val, sizeof(val), "%d", buffer_kb);
		if (inst_write(s, "buffer_size_kb", val))
			goto fail;
	}
	if (read_header_page(s))
		goto fail;
	return 0;
fail:
	kms_session_destroy(s);
	return -1;
}

/* Remember "system/event" so that the trace.dat writer can save its format. */
static int remember(struct kms_session *s, const char *sys, const char *ev)
{
	char **tmp, *name;
	int i;

	if (asprintf(&name, "%s/%s", sys, ev) < 0)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	for (i = 0; i < s->nr_enabled; i++) {
		if (!strcmp(s->enabled[i], name)) {
			free(name);
			return 0;
		}
	}
	tmp = realloc(s->enabled, (s->nr_enabled + 1) * sizeof(*tmp));
	if (!tmp) {
		free(name);
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	}
	s->enabled = tmp;
	s->enabled[s->nr_enabled++] = name;
	return 0;
}

/* Set a filter and enable one event, with the kernel's reason on failure. */
static int enable_one(struct kms_session *s, const char *sys, const char *ev,
		      const char *filter)
{
	char *log;

	if (!tracefs_event_file_exists(s->inst, sys, ev, "enable"))
		return kms_error(KMS_ERR_FAIL, "unknown event %s:%s (not in %s/events)", sys, ev,
				 s->name);
	if (filter) {
		tracefs_error_clear(s->inst);
		if (tracefs_event_file_write(s->inst, sys, ev, "filter", filter) < 0) {
			int err = errno;

			log = tracefs_error_last(s->inst);
			kms_error(KMS_ERR_FAIL, "filter '%s' rejected for %s:%s: %s", filter, sys,
				  ev, log && *log ? log : strerror(err));
			free(log);
			return -1;
		}
	}
	if (tracefs_event_file_write(s->inst, sys, ev, "enable", "1") < 0)
		return kms_error(KMS_ERR_FAIL, "cannot enable %s:%s: %s", sys, ev, strerror(errno));
	return remember(s, sys, ev);
}

/* Enable an event, or every event of a system. */
int kms_session_enable(struct kms_session *s, const struct kms_event_spec *spec)
{
	char **events;
	int i, ret = 0;

	if (spec->name)
		return enable_one(s, spec->system, spec->name, spec->filter);
	events = tracefs_system_events(NULL, spec->system);
	if (!events || !events[0]) {
		tracefs_list_free(events);
		return kms_error(KMS_ERR_FAIL, "unknown event system %s", spec->system);
	}
	for (i = 0; events[i] && !ret; i++)
		ret = enable_one(s, spec->system, events[i], spec->filter);
	tracefs_list_free(events);
	return ret;
}

/* Write set_event_pid and the event-fork option. */
int kms_session_set_pids(struct kms_session *s, const pid_t *pids, int n, int follow)
{
	char *list = NULL, *tmp;
	size_t len = 0;
	int i, ret;

	for (i = 0; i < n; i++) {
		tmp = realloc(list, len + 16);
		if (!tmp) {
			free(list);
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		}
		list = tmp;
		len += sprintf(list + len, "%s%d", i ? " " : "", (int)pids[i]);
	}
	if (!list)
		return 0;
	ret = inst_write(s, "set_event_pid", list);
	free(list);
	if (!ret && follow)
		ret = inst_write(s, "options/event-fork", "1");
	return ret;
}

/* Append to set_event_pid: O_APPEND, never O_TRUNC. */
int kms_session_add_pids(struct kms_session *s, const pid_t *pids, int n)
{
	char buf[24];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%d", (int)pids[i]);
		if (tracefs_instance_file_append(s->inst, "set_event_pid", buf) < 0)
			return kms_error(KMS_ERR_FAIL, "cannot add pid %d to %s/set_event_pid: %s",
					 (int)pids[i], s->name, strerror(errno ? errno : EIO));
	}
	return 0;
}

/* One trace_marker write. */
int kms_session_mark(struct kms_session *s, const char *line)
{
	int fd = tracefs_instance_file_open(s->inst, "trace_marker", O_WRONLY);
	int ret = 0;

	if (fd < 0)
		return kms_error(KMS_ERR_FAIL, "cannot open %s/trace_marker: %s", s->name,
				 strerror(errno));
	if (write(fd, line, strlen(line)) < 0)
		ret = kms_error(KMS_ERR_FAIL, "writing %s/trace_marker: %s", s->name,
				strerror(errno));
	close(fd);
	s->markers = 1;
	return ret;
}

/* Switch the instance's tracing_on. */
int kms_session_tracing(struct kms_session *s, int on)
{
	return inst_write(s, "tracing_on", on ? "1" : "0");
}

/* Write a /proc file into the buffer through trace_marker, line by line. */
int kms_session_snapshot(struct kms_session *s, const char *name, int after)
{
	char path[64], *text, *line, *next, *msg;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/%s", name);
	text = kms_read_file(path, NULL);
	if (!text)
		return -1;
	fd = tracefs_instance_file_open(s->inst, "trace_marker", O_WRONLY);
	if (fd < 0) {
		free(text);
		return kms_error(KMS_ERR_FAIL, "cannot open %s/trace_marker: %s", s->name, strerror(errno));
	}
	for (line = text; line && *line && !ret; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (asprintf(&msg, "kmemscope-snapshot %s %s %s", name,
			     after ? "after" : "before", line) < 0) {
			ret = kms_error(KMS_ERR_NOMEM, "out of memory");
			break;
		}
		if (write(fd, msg, strlen(msg)) < 0)
			ret = kms_error(KMS_ERR_FAIL, "writing %s/trace_marker: %s", s->name, strerror(errno));
		free(msg);
	}
	close(fd);
	free(text);
	s->markers = 1;
	return ret;
}

/* Disable tracing and remove the instance directory. */
void kms_session_destroy(struct kms_session *s)
{
	int i;

	if (s->inst) {
		tracefs_instance_file_write(s->inst, "tracing_on", "0");
		tracefs_instance_destroy(s->inst);
		tracefs_instance_free(s->inst);
		s->inst = NULL;
	}
	/* Probes go after the instance, which no longer has them enabled. */
	if (s->probes_destroy)
		s->probes_destroy(s);
	s->probes_destroy = NULL;
	for (i = 0; i < s->nr_enabled; i++)
		free(s->enabled[i]);
	free(s->enabled);
	s->enabled = NULL;
	s->nr_enabled = 0;
}

/* Is pid a running kmemscope? A reused pid of another program does not count. */
int kms_owner_alive(int pid)
{
	char path[64], *comm;
	int alive;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	comm = kms_read_file(path, NULL);
	if (!comm)
		return 0;
	alive = !strncmp(comm, "kmemscope", 9) || !strncmp(comm, "lt-kmemscope", 12);
	free(comm);
	return alive;
}

/* Remove instances whose owner pid is gone. */
int kms_reset_stale(kms_reset_fn fn, void *ctx)
{
	struct tracefs_instance *inst;
	char **names;
	unsigned long pid;
	int i, removed = 0, ret = 0;

	if (!tracefs_tracing_dir())
		return kms_error(KMS_ERR_TRACEFS, "tracefs is not mounted");
	names = tracefs_instances("^" KMS_INSTANCE_PREFIX "[0-9][0-9]*$");
	for (i = 0; names && names[i]; i++) {
		if (kms_parse_uint(names[i] + strlen(KMS_INSTANCE_PREFIX), 1UL << 22, &pid))
			continue;
		if (pid == (unsigned long)getpid() || kms_owner_alive(pid))
			continue;
		inst = tracefs_instance_alloc(NULL, names[i]);
		if (!inst || tracefs_instance_destroy(inst) < 0) {
			ret = kms_error(KMS_ERR_FAIL, "cannot remove stale instance %s: %s",
					names[i], strerror(errno));
		} else {
			removed++;
			if (fn)
				fn(names[i], ctx);
		}
		tracefs_instance_free(inst);
	}
	tracefs_list_free(names);
	return ret ? ret : removed;
}
