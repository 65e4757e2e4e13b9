/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tasks of a cgroup (v2, or a v1 hierarchy's directory), as the live
 * source follows them: every thread, read from cgroup.threads, tasks or
 * cgroup.procs, whichever the directory has.
 */
#ifndef KMS_CGROUP_H
#define KMS_CGROUP_H

#include <sys/types.h>

/* Is dir a cgroup directory (it has cgroup.procs)? -1 with the reason if not. */
int kms_cgroup_check(const char *dir);
/* The threads in the cgroup now: a malloc'd array in *pids; returns the count or -1. */
int kms_cgroup_tasks(const char *dir, pid_t **pids);

#endif
