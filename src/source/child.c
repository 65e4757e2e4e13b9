// SPDX-License-Identifier: GPL-2.0
/*
 * Fork, hold and release of the traced command.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "source/child.h"
#include "base/kms.h"

int kms_child_spawn(struct kms_child *c, char **argv)
{
	int go[2], err[2];
	sigset_t none;
	char b;

	memset(c, 0, sizeof(*c));
	c->go_fd = c->err_fd = -1;
	if (pipe2(go, O_CLOEXEC) < 0)
		return kms_error(KMS_ERR_FAIL, "pipe: %s", strerror(errno));
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(go[0]);
		close(go[1]);
		return kms_error(KMS_ERR_FAIL, "pipe: %s", strerror(errno));
	}
	c->pid = fork();
	if (c->pid < 0) {
		close(go[0]); close(go[1]); close(err[0]); close(err[1]);
		return kms_error(KMS_ERR_FAIL, "fork: %s", strerror(errno));
	}
	if (c->pid == 0) {
		int e;

		close(go[1]);
		close(err[0]);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (read(go[0], &b, 1) != 1)
			_exit(127);	/* the parent gave up */
		execvp(argv[0], argv);
		e = errno;
		if (write(err[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(err[1]);
	c->go_fd = go[1];
	c->err_fd = err[0];
	return 0;
}

int kms_child_release(struct kms_child *c, const char *what)
{
	int e = 0;
	ssize_t n;

	if (kms_write_all(c->go_fd, "g", 1) < 0)
		return -1;
	close(c->go_fd);
	c->go_fd = -1;
	do
		n = read(c->err_fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(c->err_fd);
	c->err_fd = -1;
	if (n == sizeof(e)) {
		waitpid(c->pid, &c->status, 0);
		c->exited = 1;
		return kms_error(KMS_ERR_FAIL, "cannot run %s: %s", what, strerror(e));
	}
	return 0;
}

void kms_child_abort(struct kms_child *c)
{
	if (c->go_fd >= 0)
		close(c->go_fd);
	if (c->err_fd >= 0)
		close(c->err_fd);
	c->go_fd = c->err_fd = -1;
	if (c->pid > 0 && !c->exited) {
		waitpid(c->pid, &c->status, 0);
		c->exited = 1;
	}
}

int kms_child_poll(struct kms_child *c)
{
	if (c->exited)
		return 1;
	if (waitpid(c->pid, &c->status, WNOHANG) == c->pid)
		c->exited = 1;
	return c->exited;
}
