// SPDX-License-Identifier: GPL-2.0
/*
 * The /proc side of the pagemap snapshot: opening a process's files with
 * failures sorted into "no such process" (ESRCH), "not allowed" (EACCES)
 * and the rest, zombie detection, and the mappings from /proc/PID/maps.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/kms.h"
#include "base/maps.h"
#include "pagemap/process.h"

/* Record an error message with its errno class; returns -1. */
int kms_pm_fail(int *err, int e, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	*err = e;
	return kms_error(KMS_ERR_FAIL, "%s", msg);
}

/* Has the process gone (no /proc entry, or a zombie without memory)? */
int kms_pm_proc_gone(const char *procdir, int pid)
{
	char path[4096], *stat, *rp;
	int gone;

	snprintf(path, sizeof(path), "%s/%d/stat", procdir, pid);
	stat = kms_read_file(path, NULL);
	if (!stat)
		return 1;
	rp = strrchr(stat, ')');
	gone = !rp || rp[1] != ' ' || rp[2] == 'Z' || rp[2] == 'X';
	free(stat);
	return gone;
}

/* Does the process still have a /proc entry (maybe as a zombie)? */
static int access_stat(const char *procdir, int pid)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%d/stat", procdir, pid);
	return access(path, F_OK) == 0;
}

/* All mappings of /proc/PID/maps text; -1 on a malformed line or ENOMEM. */
int kms_pm_parse_maps(char *text, struct kms_pagemap *pm, int *err)
{
	size_t cap = 0;
	struct kms_mapping *d;
	struct kms_map m;
	char *pos = text;
	int ret;

	while ((ret = kms_maps_next(&pos, &m)) != 0) {
		if (ret < 0)
			return kms_pm_fail(err, EIO, "malformed line in maps of pid %d: %.80s",
					   pm->pid, m.line);
		if (pm->nmaps == cap) {
			cap = cap ? cap * 2 : 64;
			d = realloc(pm->maps, cap * sizeof(*d));
			if (!d)
				return kms_pm_fail(err, ENOMEM, "out of memory");
			pm->maps = d;
		}
		d = &pm->maps[pm->nmaps];
		memset(d, 0, sizeof(*d));
		d->start = m.start;
		d->end = m.end;
		memcpy(d->perms, m.perms, sizeof(d->perms));
		d->offset = m.offset;
		d->inode = m.inode;
		d->name = strdup(*m.name ? m.name : "[anon]");
		if (!d->name)
			return kms_pm_fail(err, ENOMEM, "out of memory");
		pm->nmaps++;
	}
	return 0;
}

/* Open a file of the process, classifying failures for the caller. */
int kms_pm_open(const char *procdir, int pid, const char *name, int *err)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%d/%s", procdir, pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	/* A zombie has no page tables: its files fail with ESRCH or EACCES. */
	if ((errno == ESRCH || errno == EACCES || errno == EPERM) &&
	    kms_pm_proc_gone(procdir, pid) && access_stat(procdir, pid))
		return kms_pm_fail(err, ESRCH, "process %d has exited", pid);
	if (errno == ENOENT || errno == ESRCH)
		return kms_pm_fail(err, ESRCH, "no process with pid %d", pid);
	if (errno == EACCES || errno == EPERM)
		return kms_pm_fail(err, EACCES, "may not read the page tables of pid %d: %s "
			    "(needs ptrace access: the same user, or root)", pid, strerror(errno));
	return kms_pm_fail(err, errno, "cannot open %s: %s", path, strerror(errno));
}

/* Read comm and the mappings; -1 with *err set. */
int kms_pm_read_maps(struct kms_pagemap *pm, const char *procdir, int *err)
{
	char path[4096], *text;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%d/comm", procdir, pm->pid);
	text = kms_read_file(path, NULL);
	if (!text)
		return kms_pm_fail(err, ESRCH, "no process with pid %d", pm->pid);
	text[strcspn(text, "\n")] = '\0';
	snprintf(pm->comm, sizeof(pm->comm), "%s", text);
	free(text);
	fd = kms_pm_open(procdir, pm->pid, "maps", err);
	if (fd < 0)
		return -1;
	close(fd);
	snprintf(path, sizeof(path), "%s/%d/maps", procdir, pm->pid);
	text = kms_read_file(path, NULL);
	if (!text) {
		*err = kms_pm_proc_gone(procdir, pm->pid) ? ESRCH : EIO;
		return -1;
	}
	ret = kms_pm_parse_maps(text, pm, err);
	free(text);
	return ret;
}

