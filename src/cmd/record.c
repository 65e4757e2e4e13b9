// SPDX-License-Identifier: GPL-2.0
/*
 * kmemscope record: trace kmem events in a private instance and write a
 * trace.dat (v6) that trace-cmd reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "tracedat/capture.h"
#include "cmd/cmdutil.h"
#include "cmd/outfile.h"
#include "tracefs/kprobe.h"
#include "cmd/cmd.h"
#include "base/kms.h"
#include "base/orders.h"
#include "source/live.h"
#include "recipe/recipe.h"
#include "tracefs/session.h"
#include "tracedat/writer.h"

struct record {
	const char		*output;
	const char		*recipe;
	unsigned int		snapshots;	/* enum kms_snapshot bits from the recipe */
	struct kms_recipe	*rc;
	struct kms_event_spec	*specs;
	int			nr_specs;
	unsigned long		buffer_kb;
	unsigned long		duration;	/* seconds, 0: until stopped */
	struct cmd_scope	sc;		/* -p, -- COMMAND, --order */
	bool			quiet;

	struct kms_live		live;
	int			*spool;		/* per-CPU page spool files */
	unsigned long long	*spool_size;
	int			ncpus;
	struct cmd_outfile	out;
	unsigned long		mode;		/* of the recording (--mode), default 0600 */
};

/* Parse "system:event" or "system" into a spec. */
static int add_spec(struct record *r, const char *arg)
{
	struct kms_event_spec *s, *tmp;
	const char *colon = strchr(arg, ':');

	tmp = realloc(r->specs, (r->nr_specs + 1) * sizeof(*tmp));
	if (!tmp)
		return -1;
	r->specs = tmp;
	s = &r->specs[r->nr_specs++];
	memset(s, 0, sizeof(*s));
	if (colon) {
		s->system = strndup(arg, colon - arg);
		s->name = strdup(colon + 1);
	} else {
		s->system = strdup(arg);
	}
	return s->system ? 0 : -1;
}

/* Page callback: append the page to the CPU's spool (the reader counts its events). */
static int spool_page(int cpu, const void *page, unsigned int size,
		      const struct kms_subbuf *sb, void *ctx)
{
	struct record *r = ctx;

	if (kms_write_all(r->spool[cpu], page, size) < 0)
		return kms_error(KMS_ERR_OUTPUT, "writing %s: %s", r->output, strerror(errno));
	r->spool_size[cpu] += size;
	return 0;
}

/* Unlinked spool files next to the output, so a crash leaves nothing. */
static int open_spools(struct record *r)
{
	char *dup = strdup(r->output), *dir;
	int i, fd;

	if (!dup)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	dir = dirname(dup);
	r->spool = calloc(r->ncpus, sizeof(int));
	r->spool_size = calloc(r->ncpus, sizeof(*r->spool_size));
	if (!r->spool || !r->spool_size) {
		free(dup);
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < r->ncpus; i++)
		r->spool[i] = -1;
	for (i = 0; i < r->ncpus; i++) {
		fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fd < 0) {
			char tmpl[PATH_MAX];

			snprintf(tmpl, sizeof(tmpl), "%s/.kmemscope-spool-XXXXXX", dir);
			fd = mkostemp(tmpl, O_CLOEXEC);
			if (fd >= 0)
				unlink(tmpl);
		}
		if (fd < 0) {
			kms_error(KMS_ERR_OUTPUT, "cannot create a spool file in %s: %s", dir, strerror(errno));
			free(dup);
			return -1;
		}
		r->spool[i] = fd;
	}
	free(dup);
	return 0;
}

/* Write the trace.dat under a temporary name, keep FILE.old, rename into place. */
static int write_output(struct record *r)
{
	struct kms_tracedat td;
	char *extra = NULL;
	int i, fd = -1, ret = -1;

	memset(&td, 0, sizeof(td));
	if (r->live.have_child && asprintf(&extra, "%d %.15s\n", (int)r->live.child.pid,
				      basename(r->sc.cmd[0])) < 0)
		extra = NULL;
	if (kms_capture_metadata(&r->live.session, &td, extra) < 0)
		goto out;
	td.ncpus = r->ncpus;
	td.cpu_fds = r->spool;
	td.cpu_sizes = r->spool_size;
	td.cpu_stats = calloc(r->ncpus, sizeof(char *));
	if (!td.cpu_stats)
		goto out;
	for (i = 0; i < r->ncpus; i++) {
		const struct kms_cpu_stats *st = kms_reader_cpu(r->live.reader, i);

		if (st->stats_text && asprintf(&td.cpu_stats[i], "CPU: %d\n%s", i,
					       st->stats_text) < 0)
			td.cpu_stats[i] = NULL;
	}
	fd = cmd_outfile_create(&r->out);
	if (fd < 0)
		goto out;
	if (kms_tracedat_write(fd, &td) < 0) {
		kms_error_wrap("writing %s", r->output);
		goto out;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		kms_error(KMS_ERR_OUTPUT, "writing %s: %s", r->output, strerror(errno));
		goto out;
	}
	fd = -1;
	if (cmd_outfile_commit(&r->out) < 0)
		goto out;
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	for (i = 0; td.cpu_stats && i < r->ncpus; i++)
		free(td.cpu_stats[i]);
	free(td.cpu_stats);
	kms_tracedat_release(&td);
	free(extra);
	return ret;
}

/* One-line status on a terminal. */
static void show_status(struct record *r, unsigned long long start,
			unsigned long long *last_events, unsigned long long *last_ns)
{
	unsigned long long ev, bytes, lost, now = kms_now_ns();
	char hb[32];
	double rate;

	kms_reader_progress(r->live.reader, &ev, &bytes, &lost);
	rate = now > *last_ns ? (ev - *last_events) * 1e9 / (now - *last_ns) : 0;
	fprintf(stderr, "\r\033[K%6.1fs  %llu events  %.0f events/s  %s  lost %llu",
		(now - start) / 1e9, ev, rate, cmd_human_bytes(bytes, hb, sizeof(hb)),
		lost);
	*last_events = ev;
	*last_ns = now;
}

/* Wait for a stop condition, with a status line on a terminal; returns why. */
static enum kms_live_wake wait_loop(struct record *r)
{
	enum kms_live_wake wake = KMS_LIVE_TIMEOUT;
	unsigned long long start = kms_now_ns(), last_ns = start, last_ev = 0;
	unsigned long long deadline = r->duration ? start + r->duration * 1000000000ULL : 0;
	bool tty = !r->quiet && isatty(STDERR_FILENO);

	for (;;) {
		/* With --cgroup, look for tasks that joined it often. */
		unsigned long long now = kms_now_ns(), wait = r->sc.cgroup ? 100000000ULL : 1000000000ULL;

		if (deadline) {
			if (now >= deadline)
				break;
			if (deadline - now < wait)
				wait = deadline - now;
		}
		wake = kms_live_wait(&r->live, wait);
		if (wake != KMS_LIVE_TIMEOUT)
			break;
		if (tty)
			show_status(r, start, &last_ev, &last_ns);
	}
	if (tty)
		fputs("\r\033[K", stderr);
	return wake;
}

/* Say which temporary file of a killed kmemscope was removed. */
static void stale_tmp(const char *path, void *ctx)
{
	fprintf(stderr, "kmemscope: removed stale temporary file %s\n", path);
}

/* The output can be written, and earlier runs' temporary files are gone. */
static int check_output(struct record *r)
{
	char *dup, *dir;
	int ret;

	if (cmd_outfile_check(&r->out, r->output, r->mode) < 0)
		return -1;
	dup = strdup(r->output);
	if (!dup)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	dir = dirname(dup);
	ret = cmd_outfile_reset_stale(dir, stale_tmp, NULL);
	free(dup);
	return ret < 0 ? -1 : 0;
}

static void print_summary(struct record *r, double secs)
{
	unsigned long long ev, bytes, lost, count, ns;
	struct tep_handle *tep = NULL;
	const char *path, *why;
	char hb[32];
	int cpu, id;

	kms_reader_progress(r->live.reader, &ev, &bytes, &lost);
	fprintf(stderr, "kmemscope: recorded %llu events (%s) in %.2f s to %s\n", ev,
		cmd_human_bytes(bytes, hb, sizeof(hb)), secs, r->output);
	tep = tracefs_local_events_system(NULL, (const char *[]){ "kmem", "exceptions", "ftrace",
								  "sched", NULL });
	for (id = 0; id < 65536; id++) {
		struct tep_event *e;

		for (count = 0, cpu = 0; cpu < r->ncpus; cpu++)
			count += kms_reader_cpu(r->live.reader, cpu)->by_id[id];
		if (!count)
			continue;
		e = tep ? tep_find_event(tep, id) : NULL;
		if (e)
			fprintf(stderr, "  %-32s %12llu\n", e->name, count);
		else
			fprintf(stderr, "  event id %-23d %12llu\n", id, count);
	}
	fprintf(stderr, "kmemscope: lost %llu events", lost);
	for (cpu = 0; cpu < r->ncpus; cpu++)
		fprintf(stderr, "%scpu%d %llu", cpu ? ", " : " (", cpu,
			kms_cpu_lost(kms_reader_cpu(r->live.reader, cpu)));
	fprintf(stderr, ")\n");
	path = kms_reader_path(r->live.reader, &why);
	for (ns = 0, cpu = 0; cpu < r->ncpus; cpu++)
		ns += kms_reader_cpu(r->live.reader, cpu)->cpu_ns;
	fprintf(stderr, "kmemscope: read by %s (%s), readers' CPU %.3f s\n", path, why, ns / 1e9);
	tep_free(tep);
}

static int parse_args(struct record *r, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "event", required_argument, NULL, 'e' },
		{ "filter", required_argument, NULL, 'f' },
		{ "buffer", required_argument, NULL, 'b' },
		{ "duration", required_argument, NULL, 'd' },
		{ "pid", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "recipe", required_argument, NULL, 'r' },
		{ "order", required_argument, NULL, 'O' },
		{ "cgroup", required_argument, NULL, 'C' },
		{ "stacks", no_argument, NULL, 'T' },
		{ "mode", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int opt, ret, nopt = cmd_options_end(argc, argv);

	r->output = "trace.dat";
	r->mode = 0600;
	while ((opt = getopt_long(nopt, argv, ":ho:e:f:b:d:p:qr:T", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return 1;
		case 'o':
			if (!strcmp(optarg, "-"))
				return cmd_usage_error(&cmd_record_entry, "-o -: a recording cannot go to stdout; name a file");
			r->output = optarg;
			break;
		case 'e':
			if (add_spec(r, optarg) < 0)
				return cmd_error("out of memory");
			break;
		case 'f':
			if (!r->nr_specs)
				return cmd_usage_error(&cmd_record_entry,
						       "-f '%s' must follow the -e it applies to", optarg);
			if (r->specs[r->nr_specs - 1].filter)
				return cmd_usage_error(&cmd_record_entry,
						       "two filters for one -e; combine them with &&");
			r->specs[r->nr_specs - 1].filter = optarg;
			break;
		case 'b':
			if (kms_parse_uint(optarg, 1UL << 22, &v) || !v)
				return cmd_usage_error(&cmd_record_entry,
						       "-b: invalid buffer size '%s' (KiB per CPU)", optarg);
			r->buffer_kb = v;
			break;
		case 'd':
			if (kms_parse_uint(optarg, 86400 * 365, &v) || !v)
				return cmd_usage_error(&cmd_record_entry,
						       "-d: invalid duration '%s' (whole seconds)", optarg);
			r->duration = v;
			break;
		case 'p':
		case 'O':
		case 'C':
		case 'T':
			if ((ret = cmd_scope_option(&cmd_record_entry, &r->sc, opt, optarg)))
				return ret;
			break;
		case 'q':
			r->quiet = true;
			break;
		case 'M': {
			char *end;

			errno = 0;
			v = strtoul(optarg, &end, 8);
			if (errno || end == optarg || *end || v > 0777)
				return cmd_usage_error(&cmd_record_entry,
						       "--mode: invalid mode '%s' (octal, e.g. 0640)", optarg);
			r->mode = v;
			break;
		}
		case 'r':
			r->recipe = optarg;
			break;
		default:
			return cmd_option_error(&cmd_record_entry, opt, argv);
		}
	}
	return cmd_scope_finish(&cmd_record_entry, nopt, &r->sc, argc, argv, optind);
}

/* Take the recipe's events, filters and buffer size (-e and -b still add or override). */
static int load_recipe(struct record *r, int *status)
{
	struct kms_recipe *rc;
	int i;

	rc = r->rc = cmd_load_recipe(r->recipe, 1, status);
	if (!rc)
		return -1;
	for (i = 0; i < rc->nr_events; i++) {
		char spec[256];

		snprintf(spec, sizeof(spec), "%s:%s", rc->events[i].system, rc->events[i].name);
		if (add_spec(r, spec) < 0) {
			*status = cmd_error("out of memory");
			return -1;
		}
		if (rc->events[i].filter)
			r->specs[r->nr_specs - 1].filter = strdup(rc->events[i].filter);
		r->specs[r->nr_specs - 1].owned_filter = 1;
	}
	if (!r->buffer_kb)
		r->buffer_kb = rc->buffer_kb;
	r->snapshots = rc->snapshots;
	return 0;
}

static int cmd_record(int argc, char **argv)
{
	struct kms_live_config cfg = { 0 };
	struct record r;
	unsigned long long t0;
	int i, ret, status = KMS_EXIT_ERROR;

	memset(&r, 0, sizeof(r));
	ret = parse_args(&r, argc, argv);
	if (ret == 1)
		return cmd_help(&cmd_record_entry);
	if (ret || (ret = cmd_need_tracing(&cmd_record_entry)))
		goto free_args;
	if (r.recipe && load_recipe(&r, &status) < 0)
		goto free_args;
	if (r.sc.orders && !r.nr_specs && add_spec(&r, "kmem:mm_page_alloc") < 0) {
		status = cmd_error("out of memory");
		goto free_args;
	}
	r.ncpus = kms_nr_cpus();
	if (check_output(&r) < 0 || open_spools(&r) < 0) {
		status = cmd_core_error();
		goto out;
	}
	cmd_live_config(&cfg, &r.sc, r.rc);
	cfg.events = r.specs;
	cfg.nr_events = r.nr_specs;
	cfg.buffer_kb = r.buffer_kb;
	cfg.snapshots = r.snapshots;
	cfg.page_fn = spool_page;
	cfg.reader_flags = KMS_READER_COUNT_IDS;
	cfg.record_maps = true;
	cfg.flush_ms = 100;	/* the maps recorder sees forks, execs and new mappings soon */
	cfg.ctx = &r;
	if (kms_live_start(&r.live, &cfg) < 0) {
		status = cmd_core_error();
		goto out;
	}
	t0 = kms_now_ns();
	if (!r.quiet && !r.live.have_child && !r.duration)
		fprintf(stderr, "kmemscope: recording%s; press Ctrl-C to stop\n",
			r.sc.nr_pids ? " the given pids" : " the whole system");
	/* A failed write (a full disk) stops the recording at once, keeping FILE. */
	if (wait_loop(&r) == KMS_LIVE_FAILED || kms_live_stop(&r.live) < 0 ||
	    write_output(&r) < 0) {
		r.live.cfg.end_signal = SIGTERM;	/* the command is not left running */
		status = cmd_core_error();
		goto out;
	}
	if (!r.quiet)
		print_summary(&r, (kms_now_ns() - t0) / 1e9);
	status = cmd_command_status(&r.live);
out:
	kms_live_destroy(&r.live);
	for (i = 0; r.spool && i < r.ncpus; i++)
		if (r.spool[i] >= 0)
			close(r.spool[i]);
	free(r.spool);
	free(r.spool_size);
	cmd_outfile_release(&r.out);
free_args:
	for (i = 0; i < r.nr_specs; i++) {
		free(r.specs[i].system);
		free(r.specs[i].name);
		if (r.specs[i].owned_filter)
			free(r.specs[i].filter);
	}
	free(r.specs);
	free(r.sc.pids);
	kms_recipe_free(r.rc);
	return ret > 1 ? ret : status;
}

const struct cmd_entry cmd_record_entry = {
	.name = "record",
	.summary = "record kmem and page-fault events to a trace.dat file",
	.usage =
	"usage: kmemscope record [-h] [-r RECIPE] [-o FILE] [-e EVENT [-f FILTER]]...\n"
	"                        [-b KIB] [-d SECONDS] [--order SET] [--mode MODE] [-q] [-T]\n"
	"                        [-p PID[,PID]... | --cgroup DIR | -- COMMAND [ARGS]]\n"
	"\n"
	"Records kernel memory events in a private tracefs instance and writes a\n"
	"trace.dat (version 6) file that trace-cmd report also reads. Without -p\n"
	"or a command the whole system is traced until Ctrl-C or -d.\n"
	"\n"
	"  -r, --recipe RECIPE     take events, filters and buffer size from a recipe\n"
	"  -o, --output FILE       output file (default trace.dat; an old one is kept as\n"
	"                          FILE.old); only a regular file is replaced\n"
	"  --mode MODE             permissions of the recording, octal (default 0600:\n"
	"                          it holds kernel symbols and pointers)\n"
	"  -e, --event EVENT       enable SYSTEM:EVENT, or every event of SYSTEM (repeatable);\n"
	"                          default: all kmem and exceptions events this kernel has\n"
	"  -f, --filter FILTER     in-kernel filter for the -e before it, e.g. 'order > 0'\n"
	"  -b, --buffer KIB        ring-buffer size per CPU, in KiB\n"
	"  -d, --duration SECONDS  stop after this many seconds\n"
	"  --order SET             only page allocations and frees of these orders, filtered\n"
	"                          in the kernel: e.g. 2,3,9 or 3- (3 and above)\n"
	"  -T, --stacks            kernel stacks for every allocation and fault event\n"
	"                          (stacktrace triggers; see stack in kmemscope-recipe(5))\n"
	"  -p, --pid PID           trace only these processes and their descendants\n"
	"                          (repeatable, or PID,PID,...)\n"
	"  --cgroup DIR            trace the tasks of this cgroup (v2, or a v1 hierarchy's\n"
	"                          directory), those that join it later, and descendants\n"
	"  -q, --quiet             no status line and no summary\n"
	"  -- COMMAND              run COMMAND and trace it and its children\n"
	"  -h, --help              show this help\n",
	.exec = cmd_record,
};
