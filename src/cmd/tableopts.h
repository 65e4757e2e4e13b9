/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The options report and top share to cut the data the way a question
 * needs, without writing a recipe: which events count (--pid, --comm,
 * --time) and how the tables are built (--by, -s/--sort, --limit).
 */
#ifndef KMS_TABLEOPTS_H
#define KMS_TABLEOPTS_H

#include <getopt.h>
#include <stdbool.h>

#include "analyse/analyse.h"
#include "recipe/recipe.h"

struct cmd_entry;

enum {
	CMD_OPT_PID = 0x1000, CMD_OPT_COMM, CMD_OPT_TIME, CMD_OPT_SORT, CMD_OPT_LIMIT,
	CMD_OPT_BY, CMD_OPT_RAW,
};

/* Their long options, for a command's option table ("pid" is report's only). */
#define CMD_TABLE_LONGOPTS \
	{ "comm", required_argument, NULL, CMD_OPT_COMM }, \
	{ "time", required_argument, NULL, CMD_OPT_TIME }, \
	{ "sort", required_argument, NULL, CMD_OPT_SORT }, \
	{ "limit", required_argument, NULL, CMD_OPT_LIMIT }, \
	{ "by", required_argument, NULL, CMD_OPT_BY }, \
	{ "raw-addresses", no_argument, NULL, CMD_OPT_RAW }

#define CMD_MAX_SELECT 64	/* pids, and names, a selection may list */

struct cmd_tableopts {
	struct kms_select	sel;
	int			pids[CMD_MAX_SELECT];
	char			names[CMD_MAX_SELECT][16];
	const char		*comms[CMD_MAX_SELECT];
	const char		*sort;
	const char		*by;
	long			limit;		/* -1: the recipe's */
	bool			raw;		/* --raw-addresses */
};

void cmd_tableopts_init(struct cmd_tableopts *o);
/*
 * Take one of the options (its CMD_OPT_* or 's'); returns 0, 1 when opt is
 * not one of them, or the exit status after printing the error.
 */
int cmd_tableopts_option(const struct cmd_entry *e, struct cmd_tableopts *o, int opt,
			 const char *arg);
/*
 * Apply --by, --sort and --limit to the recipe's tables (only to table,
 * when named). all_rows: JSON and CSV carry every row unless --limit says.
 * Returns 0 or the exit status after printing the error.
 */
int cmd_tableopts_apply(const struct cmd_entry *e, struct cmd_tableopts *o,
			struct kms_recipe *rc, const char *table, bool all_rows);

#endif
