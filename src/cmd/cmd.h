/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command layer: each subcommand lives in cmd-<name>.c and exports a
 * struct cmd_entry. Commands own all output and the exit status.
 */
#ifndef KMS_CMD_H
#define KMS_CMD_H

#include <stdbool.h>

/* Exit statuses shared by every command (see kmemscope(1)). */
enum {
	KMS_EXIT_OK		= 0,
	KMS_EXIT_ERROR		= 1,	/* the command failed */
	KMS_EXIT_USAGE		= 2,	/* bad command line or input */
	KMS_EXIT_NOTRACEFS	= 3,	/* tracefs missing or not writable */
	KMS_EXIT_NOPROCESS	= 4,	/* no such process, or it exited during the read */
	KMS_EXIT_PERM		= 5,	/* permission denied (another user's process) */
	KMS_EXIT_UNSUPPORTED	= 6,	/* the recipe cannot run on this kernel */
	KMS_EXIT_LOCKDOWN	= 7,	/* lockdown=confidentiality closes tracefs */
	KMS_EXIT_CORRUPT	= 8,	/* a corrupt trace.dat (report) */
	KMS_EXIT_PIPE		= 141,	/* stdout's reader went away (128 + SIGPIPE) */
};

struct cmd_entry {
	const char	*name;
	const char	*summary;	/* one line for `kmemscope -h` */
	const char	*usage;		/* the full -h text */
	int		(*exec)(int argc, char **argv);
};

extern const struct cmd_entry cmd_record_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_reset_entry;
extern const struct cmd_entry cmd_top_entry;
extern const struct cmd_entry cmd_list_entry;
extern const struct cmd_entry cmd_check_entry;
extern const struct cmd_entry cmd_pagemap_entry;
extern const struct cmd_entry cmd_diff_entry;

/* Print "kmemscope: msg" to stderr; returns KMS_EXIT_ERROR. */
int cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "kmemscope CMD: msg" and a pointer to -h; returns KMS_EXIT_USAGE. */
int cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * After getopt_long() returned '?' or ':' (its optstring starts with "+:"):
 * one message naming the option; returns KMS_EXIT_USAGE.
 */
int cmd_option_error(const struct cmd_entry *e, int opt, char **argv);
/* Print the command's -h text to stdout; returns KMS_EXIT_OK. */
int cmd_help(const struct cmd_entry *e);
/* Map a core failure to an exit status: tracefs trouble gets its own code. */
int cmd_core_error(void);
/* Human-readable byte count ("1.5 MiB") in a static buffer of its own. */
const char *cmd_human_bytes(unsigned long long bytes, char *buf, int len);

#endif
