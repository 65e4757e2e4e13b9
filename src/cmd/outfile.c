// SPDX-License-Identifier: GPL-2.0
/*
 * record's output file: checks, the temporary file, FILE.old, the rename,
 * and the removal of temporary files left by a killed kmemscope.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "base/kms.h"
#include "cmd/outfile.h"
#include "tracefs/session.h"

#define TMP_TAG ".kmemscope-"

/* A path that may be replaced: absent, or a regular file (not a symlink). */
static int replaceable(const char *path, const char *what)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 :
		       kms_error(KMS_ERR_OUTPUT, "%s: %s", path, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return kms_error(KMS_ERR_OUTPUT, "%s is a symbolic link; name the %s itself",
				 path, what);
	if (S_ISDIR(st.st_mode))
		return kms_error(KMS_ERR_OUTPUT, "%s is a directory; name a file in it", path);
	if (!S_ISREG(st.st_mode))
		return kms_error(KMS_ERR_OUTPUT, "%s is not a regular file (a device, FIFO or "
				 "socket); record writes only regular files", path);
	return 0;
}

int cmd_outfile_check(struct cmd_outfile *o, const char *path, mode_t mode)
{
	memset(o, 0, sizeof(*o));
	o->path = path;
	o->mode = mode;
	if (asprintf(&o->tmp, "%s" TMP_TAG "%d.tmp", path, (int)getpid()) < 0 ||
	    asprintf(&o->old, "%s.old", path) < 0) {
		o->tmp = o->old = NULL;
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	}
	if (replaceable(path, "file") < 0 || replaceable(o->old, "previous recording") < 0)
		return -1;
	return 0;
}

int cmd_outfile_create(struct cmd_outfile *o)
{
	int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return kms_error(KMS_ERR_OUTPUT, "cannot create %s: %s", o->tmp, strerror(errno));
	o->created = true;
	if (fchmod(fd, o->mode) < 0) {
		close(fd);
		return kms_error(KMS_ERR_OUTPUT, "%s: %s", o->tmp, strerror(errno));
	}
	return fd;
}

int cmd_outfile_commit(struct cmd_outfile *o)
{
	/* Checked again: the path may have changed while recording. */
	if (replaceable(o->path, "file") < 0 || replaceable(o->old, "previous recording") < 0)
		return -1;
	if (access(o->path, F_OK) == 0 && rename(o->path, o->old) < 0)
		return kms_error(KMS_ERR_OUTPUT, "cannot keep the previous %s as %s: %s",
				 o->path, o->old, strerror(errno));
	if (rename(o->tmp, o->path) < 0)
		return kms_error(KMS_ERR_OUTPUT, "cannot rename %s to %s: %s", o->tmp, o->path,
				 strerror(errno));
	o->created = false;
	return 0;
}

void cmd_outfile_release(struct cmd_outfile *o)
{
	if (o->created && o->tmp)
		unlink(o->tmp);
	o->created = false;
	free(o->tmp);
	free(o->old);
	o->tmp = o->old = NULL;
}

/* The owner pid of "NAME.kmemscope-PID.tmp", or 0. */
static unsigned long tmp_owner(const char *name)
{
	const char *tag = strstr(name, TMP_TAG), *dot;
	char digits[16];
	unsigned long pid;

	while (tag && strstr(tag + 1, TMP_TAG))
		tag = strstr(tag + 1, TMP_TAG);
	if (!tag || tag == name)
		return 0;
	tag += strlen(TMP_TAG);
	dot = strchr(tag, '.');
	if (!dot || strcmp(dot, ".tmp") || dot - tag >= (long)sizeof(digits))
		return 0;
	snprintf(digits, sizeof(digits), "%.*s", (int)(dot - tag), tag);
	return kms_parse_uint(digits, 1UL << 22, &pid) ? 0 : pid;
}

int cmd_outfile_reset_stale(const char *dir, void (*fn)(const char *path, void *ctx),
			    void *ctx)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	unsigned long pid;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return kms_error(KMS_ERR_FAIL, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		pid = tmp_owner(de->d_name);
		if (!pid || pid == (unsigned long)getpid() || kms_owner_alive(pid))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())
			continue;
		if (unlink(path) == 0) {
			n++;
			if (fn)
				fn(path, ctx);
		}
	}
	closedir(d);
	return n;
}
