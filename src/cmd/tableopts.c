// SPDX-License-Identifier: GPL-2.0
/*
 * --pid, --comm, --time, --by, -s/--sort and --limit for report and top.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kms.h"
#include "cmd/cmd.h"
#include "cmd/tableopts.h"

void cmd_tableopts_init(struct cmd_tableopts *o)
{
	memset(o, 0, sizeof(*o));
	o->limit = -1;
}

/* Append each item of "a,b,c" with fn; -1 on a bad one. */
static int each_item(const char *list, int (*fn)(struct cmd_tableopts *o, const char *item),
		     struct cmd_tableopts *o)
{
	char *dup = strdup(list), *save = NULL, *tok;
	int ret = 0;

	if (!dup)
		return -1;
	for (tok = strtok_r(dup, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save))
		ret = fn(o, tok);
	free(dup);
	return ret;
}

/* One --pid item. */
static int add_pid(struct cmd_tableopts *o, const char *item)
{
	unsigned long v;

	if (kms_parse_uint(item, INT_MAX, &v) || !v || o->sel.nr_pids == CMD_MAX_SELECT)
		return -1;
	o->pids[o->sel.nr_pids++] = v;
	o->sel.pids = o->pids;
	return 0;
}

/* One --comm item (a task name: at most 15 bytes, as the kernel keeps it). */
static int add_comm(struct cmd_tableopts *o, const char *item)
{
	int n = o->sel.nr_comms;

	if (!*item || strlen(item) > 15 || n == CMD_MAX_SELECT)
		return -1;
	snprintf(o->names[n], sizeof(o->names[n]), "%s", item);
	o->comms[n] = o->names[n];
	o->sel.nr_comms = n + 1;
	o->sel.comms = o->comms;
	return 0;
}

/* Seconds ("1.5") to ns; -1 when not a non-negative number. */
static int parse_secs(const char *s, size_t len, unsigned long long *ns)
{
	char buf[32], *end;
	double v;

	if (!len || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtod(buf, &end);
	if (errno || *end || v < 0 || v > 1e9)
		return -1;
	*ns = (unsigned long long)(v * 1e9 + 0.5);
	return 0;
}

/* --time START,END (either may be empty: from the start, to the end). */
static int parse_time(struct cmd_tableopts *o, const char *arg)
{
	const char *comma = strchr(arg, ',');

	if (!comma || (comma == arg && !comma[1]))
		return -1;
	o->sel.start_ns = 0;
	o->sel.end_ns = ~0ULL;
	if (comma > arg && parse_secs(arg, comma - arg, &o->sel.start_ns))
		return -1;
	if (comma[1] && parse_secs(comma + 1, strlen(comma + 1), &o->sel.end_ns))
		return -1;
	if (o->sel.end_ns <= o->sel.start_ns)
		return -1;
	o->sel.window = true;
	return 0;
}

int cmd_tableopts_option(const struct cmd_entry *e, struct cmd_tableopts *o, int opt,
			 const char *arg)
{
	unsigned long v;

	switch (opt) {
	case CMD_OPT_PID:
		if (each_item(arg, add_pid, o))
			return cmd_usage_error(e, "--pid: invalid pid list '%s' (e.g. 12,345)", arg);
		return 0;
	case CMD_OPT_COMM:
		if (each_item(arg, add_comm, o))
			return cmd_usage_error(e, "--comm: invalid name list '%s' (names of at most 15 "
					       "bytes, separated by commas)", arg);
		return 0;
	case CMD_OPT_TIME:
		if (parse_time(o, arg))
			return cmd_usage_error(e, "--time: invalid window '%s' (START,END in seconds "
					       "from the start, e.g. 1.5,3 or 2, or ,10)", arg);
		return 0;
	case 's':
	case CMD_OPT_SORT:
		o->sort = arg;
		return 0;
	case CMD_OPT_LIMIT:
		if (kms_parse_uint(arg, INT_MAX, &v))
			return cmd_usage_error(e, "--limit: invalid row count '%s' (0: all rows)", arg);
		o->limit = v;
		return 0;
	case CMD_OPT_BY:
		o->by = arg;
		return 0;
	case CMD_OPT_RAW:
		o->raw = true;
		return 0;
	}
	return 1;
}

/* Group rq by the keys of "a,b" (each one the table's); -1 with the bad one in word. */
static int set_keys(struct kms_table_req *rq, const char *by, char *word, size_t len)
{
	const char *s = by, *comma;
	int n = 0, k;

	while (*s) {
		comma = strchr(s, ',');
		snprintf(word, len, "%.*s", (int)(comma ? comma - s : (long)strlen(s)), s);
		k = kms_table_key(rq->def, word);
		if (k < 0 || n == KMS_MAX_KEYS)
			return -1;
		rq->keys[n++] = k;
		if (!comma)
			break;
		s = comma + 1;
	}
	if (!n) {
		snprintf(word, len, "%s", by);
		return -1;
	}
	rq->nr_keys = n;
	return 0;
}

int cmd_tableopts_apply(const struct cmd_entry *e, struct cmd_tableopts *o,
			struct kms_recipe *rc, const char *table, bool all_rows)
{
	int i, sorted = 0, col;
	char bad[64];

	if (o->by && !table)
		return cmd_usage_error(e, "--by groups one table: name it with --table");
	for (i = 0; i < rc->nr_tables; i++) {
		struct kms_table_req *rq = &rc->tables[i];

		if (table && strcmp(table, rq->def->name))
			continue;
		if (o->by && set_keys(rq, o->by, bad, sizeof(bad)) < 0)
			return cmd_usage_error(e, "--by: table %s has no key '%s' (keys: see "
					       "kmemscope list)", rq->def->name, bad);
		if (o->sort) {
			col = kms_table_col(rq->def, o->sort);
			if (col >= 0) {
				rq->sort = col;
				sorted++;
			} else if (table) {
				return cmd_usage_error(e, "--sort: table %s has no column '%s'",
						       rq->def->name, o->sort);
			}
		}
		if (o->limit >= 0)
			rq->limit = o->limit;
		else if (all_rows)
			rq->limit = 0;
	}
	if (o->sort && !sorted)
		return cmd_usage_error(e, "--sort: no table of recipe %s has a column '%s'",
				       rc->name, o->sort);
	return 0;
}
