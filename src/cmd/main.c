// SPDX-License-Identifier: GPL-2.0
/*
 * kmemscope: where a Linux host's kernel memory goes, from tracefs.
 * Dispatches to a subcommand by name or unique prefix.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "tracefs/hostcheck.h"
#include "base/kms.h"

static const struct cmd_entry *const commands[] = {
	&cmd_record_entry,
	&cmd_report_entry,
	&cmd_top_entry,
	&cmd_list_entry,
	&cmd_check_entry,
	&cmd_pagemap_entry,
	&cmd_reset_entry,
};

int cmd_error(const char *fmt, ...)
{
	va_list ap;

	fputs("kmemscope: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return KMS_EXIT_ERROR;
}

int cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kmemscope %s: ", e->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kmemscope %s -h' for more information.\n", e->name);
	return KMS_EXIT_USAGE;
}

int cmd_help(const struct cmd_entry *e)
{
	fputs(e->usage, stdout);
	return KMS_EXIT_OK;
}

int cmd_core_error(void)
{
	/* The exit status of each error class (kmemscope(1), EXIT STATUS). */
	static const int status[] = {
		[KMS_ERR_FAIL] = KMS_EXIT_ERROR,	[KMS_ERR_NOMEM] = KMS_EXIT_ERROR,
		[KMS_ERR_USAGE] = KMS_EXIT_USAGE,	[KMS_ERR_RECIPE] = KMS_EXIT_USAGE,
		[KMS_ERR_TRACEFS] = KMS_EXIT_NOTRACEFS,	[KMS_ERR_NOPROCESS] = KMS_EXIT_NOPROCESS,
		[KMS_ERR_PERM] = KMS_EXIT_PERM,		[KMS_ERR_UNSUPPORTED] = KMS_EXIT_UNSUPPORTED,
		[KMS_ERR_LOCKDOWN] = KMS_EXIT_LOCKDOWN,	[KMS_ERR_INPUT] = KMS_EXIT_ERROR,
		[KMS_ERR_OUTPUT] = KMS_EXIT_ERROR,	[KMS_ERR_CORRUPT] = KMS_EXIT_CORRUPT,
	};
	enum kms_err cls = kms_errclass();
	const char *msg = kms_strerror();
	char level[32];

	/*
	 * Under lockdown=confidentiality tracefs fails in many ways: a tracefs
	 * error is where to look for it, and the message names the cause.
	 */
	if (cls == KMS_ERR_TRACEFS && kms_lockdown_level(level, sizeof(level)) == 0 &&
	    !strcmp(level, "confidentiality"))
		cls = KMS_ERR_LOCKDOWN;
	if (cls == KMS_ERR_LOCKDOWN && !strstr(msg, "lockdown=confidentiality"))
		cmd_error("lockdown=confidentiality closes tracefs (%s)", msg);
	else
		cmd_error("%s", msg);
	return (size_t)cls < KMS_ARRAY_SIZE(status) ? status[cls] : KMS_EXIT_ERROR;
}

const char *cmd_human_bytes(unsigned long long bytes, char *buf, int len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = bytes;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", bytes);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: kmemscope [-h] [--version] COMMAND [ARGS]\n\n"
		"Shows where a Linux host's kernel memory goes, using tracefs only.\n\n"
		"Commands:\n");
	for (i = 0; i < KMS_ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out, "\nCommands may be abbreviated to a unique prefix.\n"
		"Run 'kmemscope COMMAND -h' for the options of a command.\n");
}

/* Exact name, else a unique prefix. */
static const struct cmd_entry *find_command(const char *name)
{
	const struct cmd_entry *found = NULL;
	size_t i, len = strlen(name), matches = 0;

	for (i = 0; i < KMS_ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	for (i = 0; i < KMS_ARRAY_SIZE(commands); i++) {
		if (!strncmp(commands[i]->name, name, len)) {
			found = commands[i];
			matches++;
		}
	}
	if (matches == 1)
		return found;
	if (matches > 1) {
		fprintf(stderr, "kmemscope: ambiguous command: %s, could be:", name);
		for (i = 0; i < KMS_ARRAY_SIZE(commands); i++)
			if (!strncmp(commands[i]->name, name, len))
				fprintf(stderr, " %s", commands[i]->name);
		fputc('\n', stderr);
	} else {
		fprintf(stderr, "kmemscope: unknown command: %s\n"
			"Run 'kmemscope -h' for the list of commands.\n", name);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const struct cmd_entry *cmd;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return KMS_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return KMS_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("kmemscope %s\n", PACKAGE_VERSION);
		return KMS_EXIT_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return KMS_EXIT_USAGE;
	ret = cmd->exec(argc - 1, argv + 1);
	/* A full disk or closed pipe on stdout is an error, not silent truncation. */
	if (fflush(stdout) || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "kmemscope: write error on stdout: %s\n", strerror(errno));
		return ret ? ret : KMS_EXIT_ERROR;
	}
	return ret;
}
