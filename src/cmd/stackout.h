/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report's stack outputs: folded stacks (--folded), a gzipped pprof
 * profile (--pprof) and a self-contained SVG flame graph (--flamegraph),
 * weighted by bytes, objects, pages or events, allocated or still in use.
 */
#ifndef KMS_CMD_STACKOUT_H
#define KMS_CMD_STACKOUT_H

#include <stdbool.h>
#include <stdio.h>

#include "analyse/stacks.h"

enum stack_weight { W_BYTES, W_OBJECTS, W_PAGES, W_COUNT };

struct stack_opts {
	bool			folded;
	bool			inuse;
	enum stack_weight	weight;
	const char		*pprof;		/* FILE, or NULL */
	const char		*svg;		/* FILE.svg, or NULL */
	unsigned long long	older_ns;
};

/* report's long options for the stack outputs (put inside its option array). */
#define CMD_STACK_OPT_BASE 0x200
#define CMD_STACK_LONGOPTS \
	{ "folded", no_argument, NULL, CMD_STACK_OPT_BASE }, \
	{ "weight", required_argument, NULL, CMD_STACK_OPT_BASE + 1 }, \
	{ "inuse", no_argument, NULL, CMD_STACK_OPT_BASE + 2 }, \
	{ "pprof", required_argument, NULL, CMD_STACK_OPT_BASE + 3 }, \
	{ "flamegraph", required_argument, NULL, CMD_STACK_OPT_BASE + 4 }, \
	{ "older-than", required_argument, NULL, CMD_STACK_OPT_BASE + 5 }

struct cmd_entry;
struct kms_analysis;
struct kms_recipe;

/* Take one of those options: -1 if opt is not one, 0 if taken, else the exit status. */
int cmd_stack_option(const struct cmd_entry *e, struct stack_opts *o, int opt, const char *arg);
/* Whether an output replaces the tables. */
bool cmd_stack_wanted(const struct stack_opts *o);
/* Before the data: the recipe's stack depths, --older-than, and whether stacks are paired at all. */
void cmd_stack_setup(struct kms_analysis *a, const struct kms_recipe *rc,
		     const struct stack_opts *o);
/* After the data: write what was asked for; returns the exit status. */
int cmd_stack_output(struct kms_analysis *a, const struct stack_opts *o);

/* One stack's weight as chosen. */
unsigned long long cmd_stack_weight(const struct kms_stack_sample *s, const struct stack_opts *o);
/* Write the gzipped pprof profile (pprof.c; absent without protobuf-c). */
int cmd_pprof_write(struct kms_analysis *a, const char *path, const struct stack_opts *o);

#endif
