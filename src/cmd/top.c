// SPDX-License-Identifier: GPL-2.0
/*
 * kmemscope top: a recipe's tables, live, refreshed every interval.
 * Pages from the per-CPU readers are queued; each interval the main
 * thread decodes them in timestamp order into the same analysers that
 * report uses, then prints the tables (cumulative since the start).
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "analyse/analyse.h"
#include "tracedat/capture.h"
#include "cmd/cmdutil.h"
#include "tracefs/kprobe.h"
#include "cmd/cmd.h"
#include "decode/decode.h"
#include "base/kms.h"
#include "base/orders.h"
#include "cmd/output.h"
#include "source/live.h"
#include "cmd/prom.h"
#include "cmd/tableopts.h"
#include "cmd/topui.h"
#include "source/procinfo.h"
#include "recipe/recipe.h"
#include "tracefs/session.h"

/*
 * The main thread's nice value while tracing, when allowed: it decodes
 * what the readers queue, and at the default of 0 beside more busy
 * processes than CPUs it gets too small a share to keep up (kmemscope-top(1),
 * OVERHEAD). It takes only what the event rate needs and sleeps otherwise.
 */
#define TOP_NICE	(-5)

/* top's bounds on memory: processes with rows of their own, objects followed. */
#define TOP_MAX_PROCS	4096
#define TOP_MAX_LIVE	(1U << 18)
/* Exited processes fold into "other" this long after their exit (or two intervals). */
#define TOP_FORGET_S	10

struct top {
	const char		*recipe_name;
	unsigned long		interval;	/* seconds */
	unsigned long		count;		/* snapshots, 0: until stopped */
	bool			json;
	struct cmd_scope	sc;		/* -p, -- COMMAND, --order */
	struct prom		prom;		/* --textfile DIR, --textfile-top N */

	struct kms_recipe	*rc;
	struct kms_live		live;
	struct tep_handle	*tep;
	struct kms_decoder	*dec;
	struct kms_analysis	*an;
	struct kms_procinfo	*pi;
	struct kms_event_spec	*specs;		/* the recipe's events */
	struct cmd_tableopts	topts;		/* --comm, --time, --by, --sort, --limit */
	const char		*table;		/* --table NAME */
	struct topui		*ui;		/* the terminal view, or NULL */
};

/* The recipe's events as event specs for the live source. */
static int recipe_specs(struct top *t)
{
	int i;

	t->specs = calloc(t->rc->nr_events + 1, sizeof(*t->specs));
	if (!t->specs)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	for (i = 0; i < t->rc->nr_events; i++) {
		t->specs[i].system = t->rc->events[i].system;
		t->specs[i].name = t->rc->events[i].name;
		t->specs[i].filter = t->rc->events[i].filter;
	}
	return 0;
}

/* Live record callback: decode into the analysers. */
static int add_record(struct tep_handle *tep, struct tep_record *rec, int cpu,
		      long long missed, void *ctx)
{
	struct top *t = ctx;
	struct kms_ev ev;

	return kms_decode(t->dec, rec, &ev) ? kms_analysis_add(t->an, &ev) : 0;
}

/*
 * Decode the queued records, merged across CPUs by timestamp, until the
 * queue is empty (1) or the deadline (0; 0: no deadline). The rest waits
 * in the queue and, beyond it, in the kernel's ring buffer.
 */
static int process_queue(struct top *t, unsigned long long deadline)
{
	return kms_live_drain(&t->live, t->tep, add_record, t, deadline);
}

/* How far the analysis is: through which event time, and how far behind now. */
static void lag(struct top *t, struct out_meta *m)
{
	unsigned long long last, now = kms_now_ns();
	size_t pages;
	bool pending = kms_live_backlog(&t->live, &last, &pages);

	if (!t->live.clock_set)
		return;
	m->lag_known = true;
	if (!last || last < t->live.t0)
		last = t->live.t0;
	m->through_s = (last - t->live.t0) / 1e9;
	/* nothing queued: every page the readers handed over is counted */
	m->behind_s = pending && now > last ? (now - last) / 1e9 : 0;
	if (!pending)
		m->through_s = (now - t->live.t0) / 1e9;
}

/* How long after its exit a process keeps its rows: shown in a snapshot at least. */
static unsigned long forget_s(const struct top *t)
{
	return t->interval * 2 > TOP_FORGET_S ? t->interval * 2 : TOP_FORGET_S;
}

/* Print one snapshot of every table. */
static int show(struct top *t, bool tty)
{
	unsigned long long ev, bytes, lost;
	struct kms_scope_info scope;
	struct out_meta m = { 0 };
	struct out_json_stream js = { 0 };
	char src[64];
	int i, ret = 0;

	if (t->rc->snapshots & KMS_SNAP_SLABINFO) {
		char *s = kms_read_file("/proc/slabinfo", NULL);

		if (s)
			kms_analysis_slabinfo(t->an, s, 1);
		free(s);
	}
	kms_analysis_sample_procs(t->an);
	kms_reader_progress(t->live.reader, &ev, &bytes, &lost);
	snprintf(src, sizeof(src), "live (%s)", t->rc->name);
	m.source = src;
	kms_analysis_scope(t->an, &scope);
	m.scope = &scope;
	kms_analysis_folded(t->an, &m.folded_procs, &m.folded_events, &m.untracked);
	m.forgotten = kms_analysis_forgotten(t->an);
	m.forget_s = forget_s(t);
	m.duration_s = (kms_now_ns() - t->live.t0) / 1e9;
	m.events = kms_analysis_events(t->an);
	m.lost = lost;
	lag(t, &m);
	if (t->ui) {
		if (topui_draw(t->ui, t->an, t->rc->tables, t->rc->nr_tables, t->table, &m) < 0)
			return -1;
		return t->prom.path && prom_write(&t->prom, t->an, &m) < 0 ? -1 : 0;
	}
	if (t->json && out_json_stream_begin(&js, stdout, &m) < 0)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	if (!t->json) {
		if (tty)
			fputs("\033[H\033[2J", stdout);
		out_text_header(stdout, &m);
	}
	for (i = 0; i < t->rc->nr_tables; i++) {
		struct kms_rows rows;

		if (t->table && strcmp(t->table, t->rc->tables[i].def->name))
			continue;
		if (kms_analysis_table(t->an, &t->rc->tables[i], &rows) < 0) {
			out_json_stream_abort(&js);
			return -1;
		}
		/* a table's rows are written and freed before the next is made */
		if (t->json)
			ret = out_json_stream_table(&js, &rows);
		else
			out_text_table(stdout, &rows);
		kms_rows_free(&rows);
		if (ret < 0) {
			out_json_stream_abort(&js);
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		}
	}
	if (t->json && out_json_stream_end(&js) < 0)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	else if (!t->json && !tty)
		putchar('\n');
	/*
	 * A snapshot's rows (tens of megabytes with thousands of processes)
	 * are freed by now: give them back, so that RSS follows what the
	 * analysis holds between snapshots. Kept instead (fixed malloc
	 * thresholds), RSS rose to the largest snapshot's high-water mark plus
	 * fragmentation (241 MB after five minutes of the soak, spikes to
	 * 390 MB); the price is their page faults each interval.
	 */
	malloc_trim(0);
	if (fflush(stdout) == EOF || ferror(stdout))
		return kms_error(errno == EPIPE ? KMS_ERR_PIPE : KMS_ERR_OUTPUT,
				 "write error on stdout: %s", strerror(errno));
	if (t->prom.path && prom_write(&t->prom, t->an, &m) < 0)
		return -1;
	return 0;
}

static int parse_args(struct top *t, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "recipe", required_argument, NULL, 'r' },
		{ "delay", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "pid", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'J' },
		{ "order", required_argument, NULL, 'O' },
		{ "cgroup", required_argument, NULL, 'C' },
		{ "stacks", no_argument, NULL, 'T' },
		{ "textfile", required_argument, NULL, 'X' },
		{ "textfile-top", required_argument, NULL, 'N' },
		{ "table", required_argument, NULL, 't' },
		CMD_TABLE_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int opt, ret, nopt = cmd_options_end(argc, argv);

	t->interval = 2;
	cmd_tableopts_init(&t->topts);
	while ((opt = getopt_long(nopt, argv, ":hr:d:n:p:s:T", longopts, NULL)) != -1) {
		ret = cmd_tableopts_option(&cmd_top_entry, &t->topts, opt, optarg);
		if (ret != 1) {
			if (ret)
				return ret;
			continue;
		}
		switch (opt) {
		case 'h':
			return 1;
		case 'r':
			t->recipe_name = optarg;
			break;
		case 'd':
			if (kms_parse_uint(optarg, 3600, &v) || !v)
				return cmd_usage_error(&cmd_top_entry, "-d: invalid interval '%s' (seconds)", optarg);
			t->interval = v;
			break;
		case 'n':
			if (kms_parse_uint(optarg, INT_MAX, &v) || !v)
				return cmd_usage_error(&cmd_top_entry, "-n: invalid count '%s'", optarg);
			t->count = v;
			break;
		case 'p':
		case 'O':
		case 'C':
		case 'T':
			if ((ret = cmd_scope_option(&cmd_top_entry, &t->sc, opt, optarg)))
				return ret;
			break;
		case 'J':
			t->json = true;
			break;
		case 't':
			t->table = optarg;
			break;
		case 'X':
			if (prom_init(&t->prom, optarg) < 0)
				return cmd_usage_error(&cmd_top_entry, "%s", kms_strerror());
			break;
		case 'N':
			if (kms_parse_uint(optarg, PROM_TOP_MAX, &v) || !v)
				return cmd_usage_error(&cmd_top_entry, "--textfile-top: invalid count '%s'", optarg);
			t->prom.top = v;
			break;
		default:
			return cmd_option_error(&cmd_top_entry, opt, argv);
		}
	}
	return cmd_scope_finish(&cmd_top_entry, nopt, &t->sc, argc, argv, optind);
}

/* The live source, and the decoder and analysers it feeds. */
static int setup(struct top *t)
{
	struct kms_live_config cfg = { 0 };
	struct kms_proc_ops ops;
	const char **names;
	int ret;

	cmd_live_config(&cfg, &t->sc, t->rc);
	cfg.events = t->specs;
	cfg.nr_events = t->rc->nr_events;
	cfg.no_default_events = true;
	cfg.buffer_kb = t->rc->buffer_kb;
	cfg.flush_ms = t->interval * 500 > 500 ? 500 : t->interval * 500;
	cfg.end_signal = SIGTERM;
	cfg.trace_clock = "mono";
	if (kms_live_start(&t->live, &cfg) < 0)
		return -1;
	/* this thread only (Linux): the readers and the command keep their own */
	if (getpriority(PRIO_PROCESS, 0) > TOP_NICE)
		setpriority(PRIO_PROCESS, 0, TOP_NICE);
	/* symbols only for tables by call site: parsing them competes with the command */
	t->tep = kms_capture_tep(&t->live.session,
				 kms_tables_need_symbols(t->rc->tables, t->rc->nr_tables));
	t->dec = t->tep ? kms_decoder_new(t->tep) : NULL;
	if (t->dec && kms_decoder_add_probes(t->dec, t->rc->kprobes, t->rc->nr_kprobes) < 0)
		return -1;
	t->pi = t->dec ? kms_procinfo_new() : NULL;
	if (!t->pi)
		return -1;
	kms_procinfo_ops(t->pi, &ops);
	t->an = kms_analysis_new(t->tep, &ops);
	if (!t->an)
		return -1;
	kms_analysis_set_orders(t->an, t->sc.orders);
	/* top runs for days: bounded rows and followed objects (kmemscope-top(1)) */
	if (kms_analysis_set_bounds(t->an, TOP_MAX_PROCS, TOP_MAX_LIVE) < 0 ||
	    kms_analysis_select(t->an, &t->topts.sel) < 0)
		return -1;
	kms_analysis_set_raw_addresses(t->an, t->topts.raw);
	kms_recipe_stack_depths(t->rc, t->an);
	names = kms_recipe_probe_names(t->rc);
	ret = names ? kms_analysis_set_probes(t->an, names, t->rc->nr_kprobes) : -1;
	free(names);
	if (ret < 0)
		return -1;
	if (t->rc->snapshots & KMS_SNAP_SLABINFO) {
		char *s = kms_read_file("/proc/slabinfo", NULL);

		if (s)
			kms_analysis_slabinfo(t->an, s, 0);
		free(s);
	}
	if (t->live.have_child) {	/* its comm, for when it is gone before /proc is read */
		char *dup = strdup(t->sc.cmd[0]);

		if (dup)
			tep_register_comm(t->tep, basename(dup), t->live.child.pid);
		free(dup);
	}
	return 0;
}

/* A core error, said once the terminal view is gone (or it would vanish with it). */
static int core_error(struct top *t)
{
	topui_close(t->ui);
	t->ui = NULL;
	return cmd_core_error();
}

static int cmd_top(int argc, char **argv)
{
	struct top t;
	bool tty = isatty(STDOUT_FILENO), done = false, quit = false;
	const char *why = NULL;
	unsigned long shown = 0;
	unsigned long long ival, next;
	int ret, status = KMS_EXIT_ERROR;

	memset(&t, 0, sizeof(t));
	ret = parse_args(&t, argc, argv);
	if (ret == 1)
		return cmd_help(&cmd_top_entry);
	if (ret || (ret = cmd_need_tracing(&cmd_top_entry)))
		goto out;
	t.rc = cmd_load_recipe(t.recipe_name ? t.recipe_name : "overview", 1, &status);
	if (!t.rc)
		goto out;
	status = cmd_tableopts_apply(&cmd_top_entry, &t.topts, t.rc, t.table, t.json);
	if (status)
		goto out;
	if (t.table && !kms_table_find(t.table)) {
		status = cmd_usage_error(&cmd_top_entry, "--table: no table '%s' (see kmemscope list)",
					 t.table);
		goto out;
	}
	status = KMS_EXIT_ERROR;
	if (recipe_specs(&t) < 0 || setup(&t) < 0) {
		status = cmd_core_error();
		goto out;
	}
	if (tty && !t.json && isatty(STDIN_FILENO) && !(t.ui = topui_open(&why)))
		fprintf(stderr, "kmemscope top: plain output: %s\n", why);
	ival = t.interval * 1000000000ULL;
	next = kms_now_ns() + ival;
	while (!done) {
		unsigned long long end = next, now;
		int r = 1;

		/*
		 * Decode queued pages until the snapshot is due, in slices of at
		 * most 100 ms that look at signals, keys and the command between
		 * them; with nothing queued, sleep 50 ms at a time (the queue holds
		 * 16 MiB). Processes are thus looked up in /proc while they still
		 * live, and a snapshot is never late for the work queued before it.
		 */
		while ((now = kms_now_ns()) < end) {
			unsigned long long slice = end - now < 100000000ULL ? end : now + 100000000ULL;

			r = process_queue(&t, slice);
			if (r < 0) {
				status = core_error(&t);
				goto out;
			}
			now = kms_now_ns();
			if (kms_live_wait(&t.live, !r || now >= end ? 0 :
					  end - now < 50000000ULL ? end - now : 50000000ULL) !=
			    KMS_LIVE_TIMEOUT) {
				done = true;
				break;
			}
			/* keys, read without waiting: q ends, the others redraw now */
			switch (topui_poll(t.ui)) {
			case TOPUI_QUIT:
				done = quit = true;
				break;
			case TOPUI_REDRAW:
				if (show(&t, false) < 0) {
					status = core_error(&t);
					goto out;
				}
				break;
			default:
				break;
			}
			if (quit)
				break;
		}
		/* the final snapshot stays on the terminal, printed after the view is gone */
		if (done) {
			topui_close(t.ui);
			t.ui = NULL;
		}
		/*
		 * Final snapshot: everything recorded up to the stop; after a
		 * signal, what 100 ms decode of it (a quarter of the interval at most),
		 * so that the stop is prompt however far behind the analysis is.
		 */
		if (done && kms_live_stop(&t.live) < 0) {
			status = core_error(&t);
			goto out;
		}
		if (done) {
			unsigned long long bound = ival / 4 < 100000000ULL ? ival / 4 : 100000000ULL;

			if (process_queue(&t, t.live.stop_signal ? kms_now_ns() + bound : 0) < 0) {
				status = core_error(&t);
				goto out;
			}
		}
		/* With a command, -n bounds the interval snapshots; the final one always prints. */
		if (!quit && (done || !t.count || shown < t.count)) {
			if (show(&t, tty && !t.json) < 0) {
				status = core_error(&t);
				goto out;
			}
			shown++;
		}
		/* processes gone a while fold into "other": the maps hold those that live */
		if (!done && kms_analysis_forget_exited(t.an, forget_s(&t) * 1000000000ULL) < 0) {
			status = core_error(&t);
			goto out;
		}
		if (done) {	/* what the bounded last decode left is said, not dropped silently */
			unsigned long long last;
			size_t left;

			if (kms_live_backlog(&t.live, &last, &left) && left)
				fprintf(stderr, "kmemscope top: %zu page%s queued at the stop not decoded "
					"(the last snapshot's behind_s says how far it is)\n",
					left, left == 1 ? "" : "s");
		}
		if (t.count && shown >= t.count && !t.live.have_child)
			done = true;
		/* on the interval's grid; a snapshot more than an interval late starts it anew */
		next += ival;
		if ((now = kms_now_ns()) >= next)
			next = now + ival;
	}
	status = cmd_command_status(&t.live);
out:
	topui_close(t.ui);
	kms_live_destroy(&t.live);
	kms_analysis_free(t.an);
	kms_procinfo_free(t.pi);
	kms_decoder_free(t.dec);
	if (t.tep)
		tep_free(t.tep);
	kms_recipe_free(t.rc);
	free(t.specs);
	prom_free(&t.prom);
	free(t.sc.pids);
	return ret > 1 ? ret : status;
}

const struct cmd_entry cmd_top_entry = {
	.name = "top",
	.summary = "show a recipe's tables live, refreshed every interval",
	.usage =
	"usage: kmemscope top [-h] [-r RECIPE] [-d SECONDS] [-n COUNT] [--json]\n"
	"                     [--textfile DIR [--textfile-top N]] [--order SET] [-T]\n"
	"                     [--table NAME] [--comm NAMES] [--time START,END]\n"
	"                     [--by KEYS] [-s COLUMN] [--limit N]\n"
	"                     [-p PID[,PID]... | --cgroup DIR | -- COMMAND [ARGS]]\n"
	"\n"
	"Traces the recipe's events in a private tracefs instance and prints its\n"
	"tables every interval, cumulative since the start: redrawn in place on a\n"
	"terminal, one snapshot after another otherwise, or one JSON object per\n"
	"line with --json. With a command, the last snapshot is printed when it\n"
	"exits and holds every event it caused.\n"
	TOPUI_HELP
	"\n"
	"  -r, --recipe RECIPE  recipe name or path (default: overview)\n"
	"  -d, --delay SECONDS  refresh interval (default 2)\n"
	"  -n, --count COUNT    stop after COUNT snapshots (with a command: print at most\n"
	"                       COUNT interval snapshots, then the final one at its exit)\n"
	"  --json               one JSON object per line per snapshot (kmemscope-json(5))\n"
	"  --textfile DIR       also write DIR/kmemscope.prom every interval, for\n"
	"                       node_exporter's textfile collector (kmemscope-prometheus(7))\n"
	"  --textfile-top N     caches and comms with series of their own (default 20);\n"
	"                       the rest are summed as \"other\"\n"
	"  --order SET          only page allocations and frees of these orders, filtered\n"
	"                       in the kernel: e.g. 2,3,9 or 3- (3 and above)\n"
	"  -T, --stacks         kernel stacks for the recipe's allocation and fault events\n"
	"                       (for its *_by_stack tables)\n"
	"  --table NAME         only this table of the recipe\n"
	"  --comm NAMES         count only processes of these names (comma-separated)\n"
	"  --time START,END     count only events this many seconds after the start\n"
	"  --by KEYS            group --table's table by these keys (e.g. comm,cache)\n"
	"  -s, --sort COLUMN    sort the tables that have this column by it\n"
	"  --limit N            at most N rows a table (0: all; --json: all by default)\n"
	"  --raw-addresses      show call sites without a symbol as kernel addresses\n"
	"  -p, --pid PID        trace only these processes and their descendants\n"
	"                       (repeatable, or PID,PID,...)\n"
	"  --cgroup DIR         trace the tasks of this cgroup (v2, or a v1 hierarchy's\n"
	"                       directory), those that join it later, and descendants\n"
	"  -- COMMAND           run COMMAND and trace it and its children\n"
	"  -h, --help           show this help\n",
	.exec = cmd_top,
};
