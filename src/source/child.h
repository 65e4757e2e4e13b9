/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the command given after "--": forked early, held until tracing
 * is set up, then released to exec.
 */
#ifndef KMS_CHILD_H
#define KMS_CHILD_H

#include <sys/types.h>

struct kms_child {
	pid_t	pid;
	int	go_fd;		/* write a byte to release the child */
	int	err_fd;		/* exec failure: the child writes errno here */
	int	status;
	int	exited;
};

/* Fork a child that waits before exec'ing argv. */
int kms_child_spawn(struct kms_child *c, char **argv);
/* Release it; fails with the reason if exec failed. */
int kms_child_release(struct kms_child *c, const char *what);
/* Kill a child that was never released. */
void kms_child_abort(struct kms_child *c);
/* Reap it if it has exited; returns 1 when it has. */
int kms_child_poll(struct kms_child *c);

#endif
