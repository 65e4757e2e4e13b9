/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-layer helpers shared by record, top and report: loading a recipe
 * with its requirements and kprobe fallback, and setting up its probes.
 */
#ifndef KMS_CMDUTIL_H
#define KMS_CMDUTIL_H

#include "recipe/recipe.h"
#include "tracefs/session.h"

/*
 * Find and parse a recipe. For a live run (live set) also check what it
 * requires (page_owner) and, where kprobes cannot be used, switch to its
 * fallback recipe with a one-line notice. Prints the error and sets
 * *status on failure.
 */
struct kms_recipe *cmd_load_recipe(const char *name, int live, int *status);
/* Create and enable the recipe's kprobes in the session. */
int cmd_setup_probes(struct kms_session *s, const struct kms_recipe *rc);
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>

struct cmd_entry;

/* What to trace: -p pids, or the command after "--", and --order. */
struct cmd_scope {
	pid_t		*pids;
	int		nr_pids;
	char		**cmd;
	uint64_t	orders;
};

/*
 * Take a scope option of record and top: 'p' (a running pid) or 'O' (an
 * order set). Returns 0, or the exit status after printing the error.
 */
int cmd_scope_option(const struct cmd_entry *e, struct cmd_scope *sc, int opt,
		     const char *arg);
/* After getopt: the command after "--", and -p and a command not both. */
int cmd_scope_finish(const struct cmd_entry *e, struct cmd_scope *sc, int argc,
		     char **argv, int optind);

struct kms_child;
/*
 * Start the command of the scope, if any, with tracing already on: forked
 * traced and released to exec. Returns 1 when a command runs, 0 when there
 * is none, -1 on failure (kms_strerror() says why).
 */
int cmd_start_command(struct cmd_scope *sc, struct kms_session *s, struct kms_child *child);
/* Block the signals a tracing command takes synchronously (sigtimedwait). */
void cmd_block_signals(sigset_t *set, sigset_t *old);

/*
 * Before a tracing command touches tracefs or securityfs: without root or
 * a writable tracefs, print one line saying what is needed and return
 * KMS_EXIT_NOTRACEFS; else 0.
 */
int cmd_need_tracing(const struct cmd_entry *e);

/* Print "kmemscope: removed stale ..." lines; for kms_reset_stale(). */
void cmd_stale_removed(const char *name, void *ctx);

#endif
