/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-layer helpers shared by record, top and report: loading a recipe
 * with its requirements and kprobe fallback, the scope options, and the
 * live source's configuration common to record and top.
 */
#ifndef KMS_CMDUTIL_H
#define KMS_CMDUTIL_H

#include <stdint.h>
#include <sys/types.h>

#include "recipe/recipe.h"

/*
 * Find and parse a recipe. For a live run (live set) also check what it
 * requires (page_owner) and, where kprobes cannot be used, switch to its
 * fallback recipe with a one-line notice. Prints the error and sets
 * *status on failure.
 */
struct kms_recipe *cmd_load_recipe(const char *name, int live, int *status);

struct cmd_entry;

/* What to trace: -p pids, or the command after "--", and --order. */
struct cmd_scope {
	pid_t		*pids;
	int		nr_pids;
	char		**cmd;
	const char	*cgroup;	/* --cgroup DIR */
	uint64_t	orders;
	int		stacks;		/* -T: stacks for every allocation and fault event */
};

/*
 * Take a scope option of record and top: 'p' (a running pid), 'C' (a
 * cgroup directory), 'O' (an order set) or 'T' (kernel stacks). Returns 0,
 * or the exit status after printing the error.
 */
int cmd_scope_option(const struct cmd_entry *e, struct cmd_scope *sc, int opt,
		     const char *arg);
/*
 * Where record's and top's options end: the index of the first "--" (the
 * command follows it), or argc. getopt parses argv[0..end) in any order.
 */
int cmd_options_end(int argc, char **argv);
/*
 * After getopt on argv[0..end): no operand before "--", the command after
 * it, and -p, --cgroup and a command not together.
 */
int cmd_scope_finish(const struct cmd_entry *e, int end, struct cmd_scope *sc, int argc,
		     char **argv, int optind);

struct kms_live_config;
/*
 * The parts of a live source's configuration that record and top share:
 * the scope, the recipe's probes, and notices printed as "kmemscope: ...".
 */
void cmd_live_config(struct kms_live_config *cfg, const struct cmd_scope *sc,
		     const struct kms_recipe *rc);

struct kms_live;
/*
 * Say how the traced command ended: a non-zero exit is printed (status 0),
 * a death by a signal that kmemscope did not pass on is printed and gives
 * 128 + the signal, as a shell would.
 */
int cmd_command_status(const struct kms_live *l);

/*
 * Before a tracing command touches tracefs or securityfs: without root or
 * a writable tracefs, print one line saying what is needed and return
 * KMS_EXIT_NOTRACEFS; else 0.
 */
int cmd_need_tracing(const struct cmd_entry *e);

#endif
