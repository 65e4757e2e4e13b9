// SPDX-License-Identifier: GPL-2.0
/*
 * kmemscope: where a Linux host's kernel memory goes, from tracefs.
 * Dispatches to a subcommand by name or unique prefix.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "tracefs/hostcheck.h"
#include "base/kms.h"

static const struct cmd_entry cmd_help_entry;

static const struct cmd_entry *const commands[] = {
	&cmd_record_entry,
	&cmd_report_entry,
	&cmd_diff_entry,
	&cmd_top_entry,
	&cmd_list_entry,
	&cmd_check_entry,
	&cmd_pagemap_entry,
	&cmd_reset_entry,
	&cmd_help_entry,
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

int cmd_option_error(const struct cmd_entry *e, int opt, char **argv)
{
	const char *arg = argv[optind - 1];
	int len = strcspn(arg, "=");

	if (strncmp(arg, "--", 2)) {
		if (opt == ':')
			return cmd_usage_error(e, "option '-%c' needs a value", optopt);
		return cmd_usage_error(e, "unknown option '-%c'", optopt);
	}
	if (opt == ':')
		return cmd_usage_error(e, "option '%s' needs a value", arg);
	if (optopt && arg[len])
		return cmd_usage_error(e, "option '%.*s' takes no value", len, arg);
	return cmd_usage_error(e, "unknown option '%.*s'", len, arg);
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
		[KMS_ERR_OUTPUT] = KMS_EXIT_ERROR,	[KMS_ERR_PIPE] = KMS_EXIT_PIPE,
		[KMS_ERR_CORRUPT] = KMS_EXIT_CORRUPT,
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
	if (cls == KMS_ERR_PIPE)
		;	/* nobody reads: nothing to say */
	else if (cls == KMS_ERR_LOCKDOWN && !strstr(msg, "lockdown=confidentiality"))
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

	fprintf(out, "usage: kmemscope [-h|--help] [-V|--version] COMMAND [ARGS]\n\n"
		"Shows where a Linux host's kernel memory goes, using tracefs only.\n\n"
		"Commands:\n");
	for (i = 0; i < KMS_ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out, "\nCommands may be abbreviated to a unique prefix.\n"
		"Run 'kmemscope COMMAND -h' for the options of a command.\n"
		"\n"
		"  -h, --help     show this help\n"
		"  -V, --version  print the version\n");
}

/* Edit distance with adjacent transpositions (optimal string alignment). */
static int distance(const char *a, const char *b)
{
	int la = strlen(a), lb = strlen(b), i, j, d[16][16];

	if (la > 15 || lb > 15)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	}
	return d[la][lb];
}

/* "unknown command", with the nearest command names (distance 2 or less). */
static void unknown_command(const char *name)
{
	int best = 3, n = 0, d;
	size_t i;

	for (i = 0; i < KMS_ARRAY_SIZE(commands); i++) {
		d = distance(name, commands[i]->name);
		if (d < best)
			best = d;
	}
	fprintf(stderr, "kmemscope: unknown command: %s", name);
	for (i = 0; best <= 2 && i < KMS_ARRAY_SIZE(commands); i++)
		if (distance(name, commands[i]->name) == best)
			fprintf(stderr, "%s%s", n++ ? " or " : " (did you mean ", commands[i]->name);
	if (n)
		fputs("?)\n", stderr);
	else
		fprintf(stderr, "\nRun 'kmemscope -h' for the list of commands.\n");
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
		unknown_command(name);
	}
	return NULL;
}

/* Is standard output a pipe or socket whose reader has gone? */
static bool stdout_gone(void)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = 0 };

	return errno == EPIPE || (poll(&p, 1, 0) == 1 && (p.revents & POLLERR));
}

/* Whether man(1) has a page of this name; quietly, through `man -w`. */
static int have_man_page(const char *page)
{
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return 0;
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execlp("man", "man", "-w", page, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* kmemscope help [COMMAND]: the man page, or the -h text without one. */
static int cmd_help_run(int argc, char **argv)
{
	const struct cmd_entry *cmd = NULL;
	char page[64];

	if (argc > 2)
		return cmd_usage_error(&cmd_help_entry, "unexpected argument '%s'", argv[2]);
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return cmd_help(&cmd_help_entry);
	if (argc == 2 && !(cmd = find_command(argv[1])))
		return KMS_EXIT_USAGE;
	if (cmd && cmd != &cmd_help_entry)
		snprintf(page, sizeof(page), "kmemscope-%s", cmd->name);
	else
		snprintf(page, sizeof(page), "kmemscope");
	fflush(stdout);
	if (have_man_page(page)) {
		execlp("man", "man", page, (char *)NULL);
		/* fall through to the -h text */
	}
	if (!cmd || cmd == &cmd_help_entry) {
		usage(stdout);
		return KMS_EXIT_OK;
	}
	return cmd_help(cmd);
}

static const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.summary = "show the manual page of kmemscope or of a command",
	.usage =
	"usage: kmemscope help [-h|--help] [COMMAND]\n"
	"\n"
	"Shows the manual page kmemscope-COMMAND(1), or kmemscope(1) without a\n"
	"command. Where man or the page is missing, prints the -h text instead.\n"
	"\n"
	"  -h, --help  show this help\n",
	.exec = cmd_help_run,
};

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
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("kmemscope %s\n", PACKAGE_VERSION);
		return KMS_EXIT_OK;
	}
	/*
	 * A closed pipe is an EPIPE error to handle, not a signal that kills us
	 * with tracing on: every command cleans up and exits 141.
	 */
	signal(SIGPIPE, SIG_IGN);
	/* Commands print their own one-line error for a bad option. */
	opterr = 0;
	cmd = find_command(argv[1]);
	if (!cmd)
		return KMS_EXIT_USAGE;
	ret = cmd->exec(argc - 1, argv + 1);
	/* A full disk or closed pipe on stdout is an error, not silent truncation. */
	if (fflush(stdout) || ferror(stdout)) {
		if (stdout_gone())
			return KMS_EXIT_PIPE;
		fprintf(stderr, "kmemscope: write error on stdout: %s\n", strerror(errno));
		return ret ? ret : KMS_EXIT_ERROR;
	}
	return ret;
}
