// SPDX-License-Identifier: GPL-2.0
/*
 * kmemscope reset: remove tracefs instances left by a killed kmemscope.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "base/kms.h"
#include "tracefs/kprobe.h"
#include "tracefs/session.h"

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

	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return cmd_help(&cmd_reset_entry);
		default:
			return cmd_option_error(&cmd_reset_entry, opt, argv);
		}
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_reset_entry, "unexpected argument '%s'", argv[optind]);
	n = kms_reset_stale(removed, NULL);
	if (n < 0)
		return cmd_core_error();
	k = kms_kprobes_reset_stale(removed, NULL);
	if (k < 0)
		return cmd_core_error();
	n += k;
	if (n == 0)
		printf("nothing to remove\n");
	return KMS_EXIT_OK;
}

const struct cmd_entry cmd_reset_entry = {
	.name = "reset",
	.summary = "remove tracefs instances left behind by a killed kmemscope",
	.usage =
	"usage: kmemscope reset [-h]\n"
	"\n"
	"Removes tracefs instances named kmemscope-PID, and kprobes in groups\n"
	"kmemscope_PID, whose owner process is gone, and prints each one it\n"
	"removes. Those of a kmemscope that is still running, and anything\n"
	"kmemscope did not create, are left alone.\n"
	"\n"
	"  -h, --help  show this help\n",
	.exec = cmd_reset,
};
