// SPDX-License-Identifier: GPL-2.0
/*
 * kmemscope report: read a trace.dat file (ours or trace-cmd's) and print
 * a recipe's tables, or its events in trace-cmd's line format (--events).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "analyse/analyse.h"
#include "cmd/cmd.h"
#include "cmd/fileanalysis.h"
#include "decode/decode.h"
#include "decode/evline.h"
#include "base/kms.h"
#include "base/orders.h"
#include "cmd/output.h"
#include "cmd/tableopts.h"
#include "cmd/stackout.h"
#include "recipe/recipe.h"
#include "source/file.h"
#include "cmd/timeline.h"

struct report {
	struct file_analysis	fa;		/* the file, and for tables its decoder and analysis */
	bool			events;
	bool			json;
	bool			csv;
	bool			probe_log;	/* seed 001's page_owner lines */
	const struct kms_recipe	*rc;
	const char		*table;
	const char		*buffer;	/* --buffer NAME */
	const char		*recipe;
	uint64_t		orders;
	struct tl_opts		tl;		/* --interval, --plot (timeline.c) */
	struct trace_seq	seq;
	char			*missing;
	struct cmd_tableopts	topts;		/* --pid, --comm, --time, --by, --sort, --limit */
	const char		*cgroup;	/* --cgroup: the recording's cgroup */
	struct stack_opts	so;		/* --folded, --pprof, --flamegraph (stackout.c) */
};

/* 0, or the error of a failed write to stdout (EPIPE: the reader went away). */
static int stdout_error(void)
{
	if (!ferror(stdout))
		return 0;
	return kms_error(errno == EPIPE ? KMS_ERR_PIPE : KMS_ERR_OUTPUT,
			 "write error on stdout: %s", strerror(errno));
}

/* --events: one line per record, as trace-cmd report prints it. */
static int print_record(struct tep_handle *tep, struct tep_record *rec, int cpu,
			long long missed, void *ctx)
{
	struct report *r = ctx;

	trace_seq_reset(&r->seq);
	/* with several buffers, trace-cmd puts "NAME: " before each line */
	if (r->fa.f.nbufs > 1 && r->fa.f.sel < 0) {
		char name[64];

		snprintf(name, sizeof(name), "%s%s", r->fa.f.cur_buffer, *r->fa.f.cur_buffer ? ":" : "");
		trace_seq_printf(&r->seq, "%-*s ", r->fa.f.name_width, name);
	}
	if (rec)
		kms_evline(&r->seq, tep, rec, r->fa.f.in_usecs);
	else
		kms_evline_missed(&r->seq, cpu, missed);
	trace_seq_terminate(&r->seq);
	fputs(r->seq.buffer, stdout);
	putchar('\n');
	return stdout_error();
}

/* --probe-log: "page_owner info {set}: timestamp=%llu pid=%d proc_name=%s". */
static int log_record(struct tep_handle *tep, struct tep_record *rec, int cpu,
		      long long missed, void *ctx)
{
	struct report *r = ctx;
	const struct kms_recipe_kprobe *kp;
	struct kms_ev ev;
	char label[64], *u;

	if (!rec || !kms_decode(r->fa.dec, rec, &ev) || ev.probe < 0)
		return 0;
	kp = &r->rc->kprobes[ev.probe];
	if (kp->role != KMS_ROLE_PAGE_OWNER)
		return 0;
	snprintf(label, sizeof(label), "%s", kp->name);
	for (u = label; *u; u++)
		if (*u == '_')
			*u = ' ';
	printf("page_owner info {%s}: timestamp=%llu pid=%d proc_name=%s\n", label,
	       (unsigned long long)ev.ts, ev.pid, tep_data_comm_from_pid(tep, ev.pid));
	return stdout_error();
}

/* Events the recipe wants that the file does not describe. */
static char *missing_events(const struct kms_recipe *rc, struct tep_handle *tep)
{
	char *out = NULL, *tmp;
	size_t len = 0;
	int i;

	for (i = 0; i < rc->nr_events; i++) {
		const char *sys = rc->events[i].system, *name = rc->events[i].name;

		if (tep_find_event_by_name(tep, sys, name))
			continue;
		tmp = realloc(out, len + strlen(sys) + strlen(name) + 4);
		if (!tmp)
			break;
		out = tmp;
		len += sprintf(out + len, "%s%s:%s", len ? " " : "", sys, name);
	}
	for (i = 0; i < rc->nr_kprobes; i++) {
		struct tep_event **ev = tep_list_events(tep, TEP_EVENT_SORT_ID);
		int j, found = 0;

		for (j = 0; ev && ev[j]; j++)
			found |= !strcmp(ev[j]->name, rc->kprobes[i].name) &&
				 !strncmp(ev[j]->system, "kmemscope_", 10);
		if (found)
			continue;
		tmp = realloc(out, len + strlen(rc->kprobes[i].name) + 10);
		if (!tmp)
			break;
		out = tmp;
		len += sprintf(out + len, "%skprobe:%s", len ? " " : "", rc->kprobes[i].name);
	}
	return out;
}

/* "top (shown), second" when the file has several buffers, else NULL. */
static const char *buffers_line(const struct kms_file *f, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	if (f->nbufs < 2)
		return NULL;
	for (i = 0; i < f->nbufs && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s%s", i ? ", " : "",
			      i ? f->buf_names[i] : "top", i == f->sel ? " (shown)" : "");
	return buf;
}

/* Print the recipe's tables (or the one --table) in the chosen format. */
static int print_tables(struct report *r, const struct kms_recipe *rc)
{
	struct out_meta m = { 0 };
	struct kms_scope_info scope;
	cJSON *doc = NULL;
	char buffers[512];
	int i, found = 0, ret = 0;

	kms_analysis_scope(r->fa.an, &scope);
	m.scope = &scope;
	if (r->cgroup && (!scope.cgroup || strcmp(scope.cgroup, r->cgroup)))
		return cmd_usage_error(&cmd_report_entry, "--cgroup %s: %s%s", r->cgroup,
				       scope.cgroup ? "the recording followed cgroup " :
				       "the recording did not follow a cgroup (record --cgroup)",
				       scope.cgroup ? scope.cgroup : "");
	m.source = r->fa.f.path;
	m.events = r->fa.f.events;
	m.lost = kms_file_lost(&r->fa.f);
	m.duration_s = r->fa.duration_s;
	m.missing = r->missing;
	m.buffers = buffers_line(&r->fa.f, buffers, sizeof(buffers));
	if (r->json)
		doc = out_json_new(&m);
	else if (!r->csv)
		out_text_header(stdout, &m);
	for (i = 0; i < rc->nr_tables && !ret; i++) {
		struct kms_rows rows;

		if (r->table && strcmp(r->table, rc->tables[i].def->name))
			continue;
		found = 1;
		if (kms_analysis_table(r->fa.an, &rc->tables[i], &rows) < 0) {
			cJSON_Delete(doc);
			return cmd_core_error();
		}
		if (r->json)
			ret = out_json_add(doc, &rows);
		else if (r->csv)
			out_csv_table(stdout, &rows);
		else
			out_text_table(stdout, &rows);
		kms_rows_free(&rows);
	}
	if (r->table && !found) {
		cJSON_Delete(doc);
		return cmd_error("recipe %s has no table '%s'", rc->name, r->table);
	}
	if (doc)
		ret = out_json_print(stdout, doc, 0);
	return ret ? cmd_error("out of memory") : KMS_EXIT_OK;
}

/* Tables (or the probe log, or stacks): the recipe's analysis of the file, then the output. */
static int report_tables(struct report *r, const struct kms_recipe *rc)
{
	if (fa_prepare(&r->fa, rc) < 0)
		return cmd_core_error();
	kms_analysis_set_orders(r->fa.an, r->orders);
	cmd_stack_setup(r->fa.an, rc, &r->so);
	if (kms_analysis_select(r->fa.an, &r->topts.sel) < 0)
		return cmd_core_error();
	kms_analysis_set_raw_addresses(r->fa.an, r->topts.raw);
	r->rc = rc;
	r->missing = missing_events(rc, r->fa.f.tep);
	if (r->probe_log)
		return kms_file_iterate(&r->fa.f, log_record, r) < 0 ? cmd_core_error() : 0;
	if (fa_run(&r->fa) < 0)
		return cmd_core_error();
	if (cmd_stack_wanted(&r->so))
		return cmd_stack_output(r->fa.an, &r->so);
	return print_tables(r, rc);
}

static int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "events", no_argument, NULL, 'E' },
		{ "input", required_argument, NULL, 'i' },
		{ "recipe", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'J' },
		{ "csv", no_argument, NULL, 'C' },
		{ "table", required_argument, NULL, 'T' },
		{ "order", required_argument, NULL, 'O' },
		{ "probe-log", no_argument, NULL, 'L' },
		{ "buffer", required_argument, NULL, 'B' },
		{ "pid", required_argument, NULL, CMD_OPT_PID },
		{ "cgroup", required_argument, NULL, 'G' },
		CMD_TABLE_LONGOPTS,
		{ "interval", required_argument, NULL, 'N' },
		{ "plot", required_argument, NULL, 'P' },
		CMD_STACK_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kms_recipe *rc = NULL;
	const char *path = NULL;
	struct report r;
	int opt, ret = KMS_EXIT_OK;
	char *rpath;

	memset(&r, 0, sizeof(r));
	cmd_tableopts_init(&r.topts);
	while ((opt = getopt_long(argc, argv, ":hi:r:s:", longopts, NULL)) != -1) {
		ret = cmd_tableopts_option(&cmd_report_entry, &r.topts, opt, optarg);
		if (ret != 1) {
			if (ret)
				return ret;
			continue;
		}
		ret = KMS_EXIT_OK;
		switch (opt) {
		case 'h':
			return cmd_help(&cmd_report_entry);
		case 'E':
			r.events = true;
			break;
		case 'i':
			path = optarg;
			break;
		case 'r':
			r.recipe = optarg;
			break;
		case 'J':
			r.json = true;
			break;
		case 'C':
			r.csv = true;
			break;
		case 'T':
			r.table = optarg;
			break;
		case 'L':
			r.probe_log = true;
			break;
		case 'B':
			r.buffer = optarg;
			break;
		case 'G':
			r.cgroup = optarg;
			break;
		case 'N':
			r.tl.interval_s = strtod(optarg, &rpath);
			if (*rpath || !(r.tl.interval_s >= 0.000001 && r.tl.interval_s <= 86400))
				return cmd_usage_error(&cmd_report_entry,
						       "--interval: invalid seconds '%s'", optarg);
			break;
		case 'P':
			r.tl.plot = optarg;
			break;
		case 'O':
			if (kms_orders_parse(optarg, &r.orders))
				return cmd_usage_error(&cmd_report_entry,
						       "--order: invalid order set '%s' (e.g. 2,3,9 or 3-)", optarg);
			break;
		default:
			ret = cmd_stack_option(&cmd_report_entry, &r.so, opt, optarg);
			if (ret < 0)
				return cmd_option_error(&cmd_report_entry, opt, argv);
			if (ret)
				return ret;
		}
	}
	if (optind < argc) {
		if (path)
			return cmd_usage_error(&cmd_report_entry, "give the file once, with -i or as an argument");
		path = argv[optind++];
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_report_entry, "unexpected argument '%s'", argv[optind]);
	if (!path)
		path = "trace.dat";
	if (r.json && r.csv)
		return cmd_usage_error(&cmd_report_entry, "choose one of --json and --csv");
	if (r.csv && !r.table)
		return cmd_usage_error(&cmd_report_entry, "--csv prints one table: name it with --table");
	if (r.events && (r.json || r.csv || r.recipe || r.table))
		return cmd_usage_error(&cmd_report_entry, "--events prints events, not tables");
	if (r.tl.interval_s > 0 || r.tl.plot) {
		if (r.events || r.csv || r.probe_log || r.buffer || r.orders)
			return cmd_usage_error(&cmd_report_entry,
					       "--interval and --plot take only -r, --table and --json");
		r.tl.recipe = r.recipe;
		r.tl.table = r.table;
		r.tl.json = r.json;
		return report_timeline(path, &r.tl);
	}
	if (!r.events) {
		rc = fa_recipe(r.recipe);
		if (!rc) {
			cmd_error("%s", kms_strerror());
			return KMS_EXIT_USAGE;
		}
		ret = cmd_tableopts_apply(&cmd_report_entry, &r.topts, rc, r.table, r.json || r.csv);
		if (ret) {
			kms_recipe_free(rc);
			return ret;
		}
	}
	if (kms_file_open(&r.fa.f, path, r.events ? KMS_FILE_PRINT : 0) < 0) {
		kms_recipe_free(rc);
		return cmd_core_error();
	}
	if ((r.buffer || !r.events) && kms_file_select(&r.fa.f, r.buffer ? r.buffer : "") < 0) {
		fa_close(&r.fa);
		kms_recipe_free(rc);
		cmd_error("%s", kms_strerror());
		return KMS_EXIT_USAGE;
	}
	if (r.events && !r.buffer)
		kms_file_select(&r.fa.f, NULL);	/* every buffer, merged, as trace-cmd does */
	/* kallsyms: for --events and the probe log, and tables by call site */
	if ((r.events || r.probe_log || !rc || cmd_stack_wanted(&r.so) ||
	     kms_tables_need_symbols(rc->tables, rc->nr_tables)) &&
	    kms_file_symbols(&r.fa.f) < 0) {
		fa_close(&r.fa);
		kms_recipe_free(rc);
		return cmd_core_error();
	}
	/* the saved cmdlines in tep: for the comms --events and the probe log print */
	if ((r.events || r.probe_log) && kms_file_cmdlines(&r.fa.f) < 0) {
		fa_close(&r.fa);
		kms_recipe_free(rc);
		return cmd_core_error();
	}
	trace_seq_init(&r.seq);
	if (r.events) {
		printf("cpus=%d\n", r.fa.f.ncpus);
		if (kms_file_iterate(&r.fa.f, print_record, &r) < 0)
			ret = cmd_core_error();
		else if (ret != KMS_EXIT_PIPE)
			fprintf(stderr, "kmemscope: %llu events, lost %llu events\n", r.fa.f.events,
				kms_file_lost(&r.fa.f));
	} else {
		ret = report_tables(&r, rc);
		free(r.missing);
	}
	trace_seq_destroy(&r.seq);
	fa_close(&r.fa);
	kms_recipe_free(rc);
	return ret;
}

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.summary = "print the tables of a recording (ours or trace-cmd's), or its events",
	.usage =
	"usage: kmemscope report [-h] [-r RECIPE] [--json | --csv --table NAME]\n"
	"                        [--order SET] [--buffer NAME] [--events | --probe-log]\n"
	"                        [--pid PIDS] [--comm NAMES] [--cgroup DIR]\n"
	"                        [--time START,END] [--by KEYS] [-s COLUMN] [--limit N]\n"
	"                        [--interval SECONDS] [--plot FILE.svg]\n"
	"                        [--folded [--weight W] [--inuse]] [--pprof FILE]\n"
	"                        [--flamegraph FILE.svg] [--older-than SECONDS]\n"
	"                        [-i FILE | FILE]\n"
	"\n"
	"Reads a trace.dat file written by kmemscope record or trace-cmd record\n"
	"(versions 6 and 7) and prints the tables of a recipe, with the number\n"
	"of events lost while recording.\n"
	"\n"
	"  -i, --input FILE     the file to read (default: trace.dat)\n"
	"  -r, --recipe RECIPE  recipe name or path (default: overview); see kmemscope list\n"
	"  --json               print the tables as one JSON document (kmemscope-json(5))\n"
	"  --csv                print one table as CSV; needs --table\n"
	"  --table NAME         only this table of the recipe (required with --csv)\n"
	"  --order SET          count only page allocations and frees of these orders,\n"
	"                       e.g. 2,3,9 or 3- (3 and above)\n"
	"  --buffer NAME        the buffer (instance) of a trace-cmd recording to read;\n"
	"                       top is the top level, the default for tables; --events\n"
	"                       shows every buffer, as trace-cmd report does\n"
	"  --probe-log          print the recipe's page_owner probe hits in seed 001's\n"
	"                       line format: page_owner info {set}: timestamp= pid= proc_name=\n"
	"  --events             print every event in the line format of trace-cmd report\n"
	"  --pid PIDS           count only these processes (comma-separated)\n"
	"  --comm NAMES         count only processes of these names (comma-separated)\n"
	"  --cgroup DIR         the cgroup the recording followed (record --cgroup)\n"
	"  --time START,END     count only events this many seconds after the first\n"
	"                       record (either may be left out: 2, or ,10)\n"
	"  --by KEYS            group --table's table by these keys (e.g. comm,cache)\n"
	"  -s, --sort COLUMN    sort the tables that have this column by it\n"
	"  --limit N            at most N rows a table (0: all); --json and --csv carry\n"
	"                       every row unless --limit is given\n"
	"  --raw-addresses      show call sites and frames without a symbol as kernel\n"
	"                       addresses (default: [unknown])\n"
	"  --interval SECONDS   print the tables of each interval of SECONDS (counts in it)\n"
	"  --plot FILE.svg      draw page allocations by order, slab bytes of the top\n"
	"                       caches and faults of the top processes per second\n"
	"                       against time into a self-contained SVG\n"
	"  --folded             print the kernel stacks as folded stacks (root;...;leaf\n"
	"                       WEIGHT) for flamegraph.pl, speedscope or inferno\n"
	"  --weight W           bytes (default), objects, pages or count (events)\n"
	"  --inuse              weigh what is still allocated at the end, not what was\n"
	"                       allocated\n"
	"  --pprof FILE         write a gzipped pprof profile (alloc_objects, alloc_space,\n"
	"                       inuse_objects, inuse_space) for go tool pprof\n"
	"  --flamegraph FILE    write a self-contained SVG flame graph (click to zoom)\n"
	"  --older-than SECONDS count as in use only objects at least this old at the end\n"
	"  -h, --help           show this help\n",
	.exec = cmd_report,
};
