/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The file that record writes: only a regular file (or a new one) is
 * replaced, the previous one is kept as FILE.old, the data goes to a
 * temporary FILE.kmemscope-PID.tmp made with O_EXCL and renamed into place,
 * and temporary files of dead owners are found and removed.
 */
#ifndef KMS_OUTFILE_H
#define KMS_OUTFILE_H

#include <stdbool.h>
#include <sys/types.h>

struct cmd_outfile {
	const char	*path;
	char		*tmp;		/* FILE.kmemscope-PID.tmp */
	char		*old;		/* FILE.old */
	mode_t		mode;		/* of the finished file */
	bool		created;	/* tmp is ours to remove */
};

/*
 * Check before recording that path can be written: not a symbolic
 * link, a device, a directory or other special file, and FILE.old likewise.
 * Returns -1 with kms_strerror() set.
 */
int cmd_outfile_check(struct cmd_outfile *o, const char *path, mode_t mode);
/* Create the temporary file (O_EXCL, mode 0600); returns its descriptor. */
int cmd_outfile_create(struct cmd_outfile *o);
/* Keep the previous file as FILE.old and rename the temporary file into place. */
int cmd_outfile_commit(struct cmd_outfile *o);
/* Remove the temporary file if it is ours and free the names. */
void cmd_outfile_release(struct cmd_outfile *o);
/*
 * Remove DIR's FILE.kmemscope-PID.tmp files whose owner is gone (regular
 * files only); fn is told each one. Returns the number removed.
 */
int cmd_outfile_reset_stale(const char *dir, void (*fn)(const char *path, void *ctx),
			    void *ctx);

#endif
