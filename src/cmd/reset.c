// SPDX-License-Identifier: GPL-2.0
/*
 * kmemscope reset: remove tracefs instances, kprobes and temporary
 * recordings left by a killed kmemscope.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "cmd/outfile.h"
#include "base/kms.h"
#include "tracefs/kprobe.h"
#include "tracefs/session.h"

/* Say what was removed. */
static void removed_tmp(const char *path, void *ctx)
{
	printf("removed stale temporary file %s\n", path);
}

/* Say which instance or kprobe was removed. */
static void removed(const char *name, void *ctx)
{
	printf("removed stale %s %s\n", strchr(name, '/') ? "kprobe" : "instance", name);
}

static int cmd_reset(int argc, char **argv)
{
	int opt, n, k;

	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};

	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return cmd_help(&cmd_reset_entry);
		default:
			return cmd_option_error(&cmd_reset_entry, opt, argv);
		}
	}
	for (k = optind; k < argc; k++) {
		struct stat st;

		if (stat(argv[k], &st) < 0 || !S_ISDIR(st.st_mode))
			return cmd_usage_error(&cmd_reset_entry, "unexpected argument '%s' (not a directory)",
					       argv[k]);
	}
	n = kms_reset_stale(removed, NULL);
	if (n < 0)
		return cmd_core_error();
	k = kms_kprobes_reset_stale(removed, NULL);
	if (k < 0)
		return cmd_core_error();
	n += k;
	/* Temporary recordings of dead owners, here or in the given directories. */
	do {
		k = cmd_outfile_reset_stale(optind < argc ? argv[optind] : ".", removed_tmp, NULL);
		if (k < 0)
			return cmd_core_error();
		n += k;
	} while (++optind < argc);
	if (n == 0)
		printf("nothing to remove\n");
	return KMS_EXIT_OK;
}

const struct cmd_entry cmd_reset_entry = {
	.name = "reset",
	.summary = "remove tracefs instances left behind by a killed kmemscope",
	.usage =
	"usage: kmemscope reset [-h] [DIR]...\n"
	"\n"
	"Removes tracefs instances named kmemscope-PID, and kprobes in groups\n"
	"kmemscope_PID, whose owner process is gone, and the temporary files\n"
	"FILE.kmemscope-PID.tmp of a killed record in the current directory (or\n"
	"in each DIR), and prints each one it removes. Those of a kmemscope that\n"
	"is still running, and anything kmemscope did not create, are left alone.\n"
	"\n"
	"  -h, --help  show this help\n",
	.exec = cmd_reset,
};
