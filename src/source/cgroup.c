// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a cgroup's member threads for --cgroup.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/kms.h"
#include "source/cgroup.h"

int kms_cgroup_check(const char *dir)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >= (int)sizeof(path))
		return kms_error(KMS_ERR_USAGE, "--cgroup: path too long");
	if (access(path, R_OK) < 0)
		return kms_error(KMS_ERR_USAGE, "--cgroup %s: not a cgroup directory (%s: %s)",
				 dir, path, strerror(errno));
	return 0;
}

int kms_cgroup_tasks(const char *dir, pid_t **pids)
{
	/* Threads first: set_event_pid and the events name threads, not processes. */
	static const char *const files[] = { "cgroup.threads", "tasks", "cgroup.procs" };
	char path[PATH_MAX], *text = NULL, *p, *end;
	pid_t *v = NULL, *tmp;
	size_t i;
	long pid;
	int n = 0, cap = 0;

	*pids = NULL;
	for (i = 0; i < KMS_ARRAY_SIZE(files) && !text; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (access(path, R_OK) == 0)
			text = kms_read_file(path, NULL);
	}
	if (!text)
		return kms_error(KMS_ERR_FAIL, "--cgroup %s: cannot read its tasks", dir);
	for (p = text; *p; p = end) {
		errno = 0;
		pid = strtol(p, &end, 10);
		if (end == p) {
			end = p + 1;
			continue;
		}
		if (errno || pid <= 0 || pid > INT_MAX)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			tmp = realloc(v, cap * sizeof(*v));
			if (!tmp) {
				free(v);
				free(text);
				return kms_error(KMS_ERR_NOMEM, "out of memory");
			}
			v = tmp;
		}
		v[n++] = pid;
	}
	free(text);
	*pids = v;
	return n;
}
