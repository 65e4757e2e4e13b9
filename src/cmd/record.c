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
#include "source/child.h"
#include "cmd/cmdutil.h"
#include "tracefs/kprobe.h"
#include "cmd/cmd.h"
#include "base/kms.h"
#include "base/orders.h"
#include "source/reader.h"
#include "recipe/recipe.h"
#include "tracefs/session.h"
#include "tracedat/writer.h"

/* What record enables when no -e is given: every kmem and fault event there is. */
static const char *const default_events[] = {
	"kmem:mm_page_alloc", "kmem:mm_page_free", "kmem:kmalloc", "kmem:kfree",
	"kmem:kmem_cache_alloc", "kmem:kmem_cache_free", "kmem:kmalloc_node",
	"kmem:kmem_cache_alloc_node", "kmem:rss_stat",
	"exceptions:page_fault_user", "exceptions:page_fault_kernel",
};

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

	struct kms_session	session;
	struct kms_reader	*reader;
	struct kms_child	child;
	bool			have_child;
	int			*spool;		/* per-CPU page spool files */
	unsigned long long	*spool_size;
	int			ncpus;
	char			*tmpname;
	int			stop_signal;
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
		return kms_error(KMS_ERR_OUTPUT, "writing the recording: %s", strerror(errno));
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
	char *extra = NULL, *old = NULL;
	int i, fd = -1, ret = -1;

	memset(&td, 0, sizeof(td));
	if (r->have_child && asprintf(&extra, "%d %.15s\n", (int)r->child.pid,
				      basename(r->sc.cmd[0])) < 0)
		extra = NULL;
	if (kms_capture_metadata(&r->session, &td, extra) < 0)
		goto out;
	td.ncpus = r->ncpus;
	td.cpu_fds = r->spool;
	td.cpu_sizes = r->spool_size;
	td.cpu_stats = calloc(r->ncpus, sizeof(char *));
	if (!td.cpu_stats)
		goto out;
	for (i = 0; i < r->ncpus; i++) {
		const struct kms_cpu_stats *st = kms_reader_cpu(r->reader, i);

		if (st->stats_text && asprintf(&td.cpu_stats[i], "CPU: %d\n%s", i,
					       st->stats_text) < 0)
			td.cpu_stats[i] = NULL;
	}
	if (asprintf(&r->tmpname, "%s.kmemscope-%d.tmp", r->output, (int)getpid()) < 0 ||
	    asprintf(&old, "%s.old", r->output) < 0) {
		kms_error(KMS_ERR_NOMEM, "out of memory");
		goto out;
	}
	fd = open(r->tmpname, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		kms_error(KMS_ERR_OUTPUT, "cannot create %s: %s", r->tmpname, strerror(errno));
		goto out;
	}
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
	if (access(r->output, F_OK) == 0 && rename(r->output, old) < 0) {
		kms_error(KMS_ERR_OUTPUT, "cannot keep the previous %s as %s: %s", r->output, old,
			  strerror(errno));
		goto out;
	}
	if (rename(r->tmpname, r->output) < 0) {
		kms_error(KMS_ERR_OUTPUT, "cannot rename %s to %s: %s", r->tmpname, r->output,
			  strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (ret && r->tmpname)
		unlink(r->tmpname);
	for (i = 0; td.cpu_stats && i < r->ncpus; i++)
		free(td.cpu_stats[i]);
	free(td.cpu_stats);
	kms_tracedat_release(&td);
	free(extra);
	free(old);
	return ret;
}

/* One-line status on a terminal. */
static void show_status(struct record *r, unsigned long long start,
			unsigned long long *last_events, unsigned long long *last_ns)
{
	unsigned long long ev, bytes, lost, now = kms_now_ns();
	char hb[32];
	double rate;

	kms_reader_progress(r->reader, &ev, &bytes, &lost);
	rate = now > *last_ns ? (ev - *last_events) * 1e9 / (now - *last_ns) : 0;
	fprintf(stderr, "\r\033[K%6.1fs  %llu events  %.0f events/s  %s  lost %llu",
		(now - start) / 1e9, ev, rate, cmd_human_bytes(bytes, hb, sizeof(hb)),
		lost);
	*last_events = ev;
	*last_ns = now;
}

/* Are all -p targets gone? */
static bool pids_gone(struct record *r)
{
	int i;

	for (i = 0; i < r->sc.nr_pids; i++)
		if (kill(r->sc.pids[i], 0) == 0 || errno == EPERM)
			return false;
	return r->sc.nr_pids > 0;
}

/* Wait for a stop condition with all signals blocked and taken synchronously. */
static void wait_loop(struct record *r, const sigset_t *set)
{
	unsigned long long start = kms_now_ns(), last_ns = start, last_ev = 0;
	unsigned long long deadline = r->duration ? start + r->duration * 1000000000ULL : 0;
	bool tty = !r->quiet && isatty(STDERR_FILENO);
	struct timespec tick;
	int sig;

	for (;;) {
		unsigned long long now = kms_now_ns(), wait = 1000000000ULL;

		if (deadline) {
			if (now >= deadline)
				break;
			if (deadline - now < wait)
				wait = deadline - now;
		}
		tick.tv_sec = wait / 1000000000ULL;
		tick.tv_nsec = wait % 1000000000ULL;
		sig = sigtimedwait(set, NULL, &tick);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			r->stop_signal = sig;
			break;
		}
		if (r->have_child && kms_child_poll(&r->child))
			break;
		if (pids_gone(r))
			break;
		if (tty)
			show_status(r, start, &last_ev, &last_ns);
	}
	if (tty)
		fputs("\r\033[K", stderr);
}

static void print_summary(struct record *r, double secs)
{
	unsigned long long ev, bytes, lost, count;
	struct tep_handle *tep = NULL;
	char hb[32];
	int cpu, id;

	kms_reader_progress(r->reader, &ev, &bytes, &lost);
	fprintf(stderr, "kmemscope: recorded %llu events (%s) in %.2f s to %s\n", ev,
		cmd_human_bytes(bytes, hb, sizeof(hb)), secs, r->output);
	tep = tracefs_local_events_system(NULL, (const char *[]){ "kmem", "exceptions", NULL });
	for (id = 0; id < 65536; id++) {
		struct tep_event *e;

		for (count = 0, cpu = 0; cpu < r->ncpus; cpu++)
			count += kms_reader_cpu(r->reader, cpu)->by_id[id];
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
			kms_cpu_lost(kms_reader_cpu(r->reader, cpu)));
	fprintf(stderr, ")\n");
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int opt, ret;

	r->output = "trace.dat";
	while ((opt = getopt_long(argc, argv, "+:ho:e:f:b:d:p:qr:", longopts, NULL)) != -1) {
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
			if ((ret = cmd_scope_option(&cmd_record_entry, &r->sc, opt, optarg)))
				return ret;
			break;
		case 'q':
			r->quiet = true;
			break;
		case 'r':
			r->recipe = optarg;
			break;
		default:
			return cmd_option_error(&cmd_record_entry, opt, argv);
		}
	}
	return cmd_scope_finish(&cmd_record_entry, &r->sc, argc, argv, optind);
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

/* The recipe's /proc snapshots, written into the recording itself. */
static int snapshots(struct record *r, int after)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} snaps[] = {
		{ KMS_SNAP_SLABINFO, "slabinfo" }, { KMS_SNAP_BUDDYINFO, "buddyinfo" },
		{ KMS_SNAP_MEMINFO, "meminfo" }, { KMS_SNAP_VMSTAT, "vmstat" },
	};
	size_t i;

	for (i = 0; i < KMS_ARRAY_SIZE(snaps); i++)
		if ((r->snapshots & snaps[i].bit) &&
		    kms_session_snapshot(&r->session, snaps[i].name, after) < 0)
			return -1;
	return 0;
}

/* --order becomes part of the page events' in-kernel filters. */
static int add_order_filter(struct record *r)
{
	char *of, *f;
	int i;

	if (!r->sc.orders)
		return 0;
	of = kms_orders_filter(r->sc.orders);
	if (!of)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	for (i = 0; i < r->nr_specs; i++) {
		struct kms_event_spec *s = &r->specs[i];

		if (!s->name || strcmp(s->system, "kmem") ||
		    (strcmp(s->name, "mm_page_alloc") && strcmp(s->name, "mm_page_free")))
			continue;
		if (s->filter ? asprintf(&f, "(%s) && (%s)", s->filter, of) < 0 :
				asprintf(&f, "%s", of) < 0) {
			free(of);
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		}
		if (s->owned_filter)
			free(s->filter);
		s->filter = f;
		s->owned_filter = 1;
	}
	free(of);
	return 0;
}

/* Enable the requested events, or the defaults that this kernel has. */
static int enable_events(struct record *r)
{
	struct kms_event_spec spec;
	size_t i;
	int n = 0;

	for (i = 0; i < (size_t)r->nr_specs; i++)
		if (kms_session_enable(&r->session, &r->specs[i]) < 0)
			return -1;
	if (r->nr_specs)
		return 0;
	for (i = 0; i < KMS_ARRAY_SIZE(default_events); i++) {
		char sys[32];
		const char *colon = strchr(default_events[i], ':');

		snprintf(sys, sizeof(sys), "%.*s", (int)(colon - default_events[i]),
			 default_events[i]);
		spec = (struct kms_event_spec){ sys, (char *)colon + 1, NULL, 0 };
		if (!tracefs_event_file_exists(r->session.inst, sys, colon + 1, "enable"))
			continue;
		if (kms_session_enable(&r->session, &spec) < 0)
			return -1;
		n++;
	}
	return n ? 0 : kms_error(KMS_ERR_FAIL, "none of the kmem or exceptions events exist on this kernel");
}

static int cmd_record(int argc, char **argv)
{
	struct record r;
	sigset_t set, old;
	unsigned long long t0;
	int i, ret, status = KMS_EXIT_ERROR;
	bool masked = false;

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
	if (add_order_filter(&r) < 0) {
		status = cmd_core_error();
		goto free_args;
	}
	if (kms_reset_stale(cmd_stale_removed, NULL) < 0 ||
	    kms_kprobes_reset_stale(cmd_stale_removed, NULL) < 0) {
		status = cmd_core_error();
		goto free_args;
	}
	r.ncpus = kms_nr_cpus();
	if (open_spools(&r) < 0) {
		status = cmd_core_error();
		goto out;
	}
	/* Signals are taken synchronously in wait_loop; threads inherit the mask. */
	cmd_block_signals(&set, &old);
	masked = true;
	if (kms_session_create(&r.session, r.buffer_kb) < 0 ||
	    ((r.nr_specs || !r.rc || !r.rc->nr_kprobes) && enable_events(&r) < 0) ||
	    cmd_setup_probes(&r.session, r.rc) < 0) {
		status = cmd_core_error();
		goto out;
	}
	if (r.sc.nr_pids && kms_session_set_pids(&r.session, r.sc.pids, r.sc.nr_pids, 0) < 0) {
		status = cmd_core_error();
		goto out;
	}
	r.reader = kms_reader_start(&r.session, 0, KMS_READER_COUNT_IDS, spool_page, &r);
	if (!r.reader || kms_session_tracing(&r.session, 1) < 0) {
		status = cmd_core_error();
		goto out;
	}
	if (snapshots(&r, 0) < 0) {
		status = cmd_core_error();
		goto out;
	}
	t0 = kms_now_ns();
	r.have_child = r.sc.cmd != NULL;
	if (cmd_start_command(&r.sc, &r.session, &r.child) < 0) {
		status = cmd_core_error();
		goto out;
	}
	if (!r.quiet && !r.have_child && !r.duration)
		fprintf(stderr, "kmemscope: recording%s; press Ctrl-C to stop\n",
			r.sc.nr_pids ? " the given pids" : " the whole system");
	wait_loop(&r, &set);
	if (snapshots(&r, 1) < 0) {
		status = cmd_core_error();
		goto out;
	}
	kms_session_tracing(&r.session, 0);
	if (kms_reader_stop(r.reader) < 0) {
		status = cmd_core_error();
		goto out;
	}
	if (write_output(&r) < 0) {
		status = cmd_core_error();
		goto out;
	}
	if (!r.quiet)
		print_summary(&r, (kms_now_ns() - t0) / 1e9);
	if (r.have_child && r.child.exited && WIFEXITED(r.child.status) &&
	    WEXITSTATUS(r.child.status))
		fprintf(stderr, "kmemscope: %s exited with status %d\n", r.sc.cmd[0],
			WEXITSTATUS(r.child.status));
	status = KMS_EXIT_OK;
out:
	if (r.reader) {
		kms_reader_stop(r.reader);
		kms_reader_free(r.reader);
	}
	kms_session_destroy(&r.session);
	if (r.have_child) {
		if (!r.child.exited && r.stop_signal)
			kill(r.child.pid, r.stop_signal);
		if (r.child.go_fd >= 0 || status != KMS_EXIT_OK)
			kms_child_abort(&r.child);
	}
	if (masked)
		sigprocmask(SIG_SETMASK, &old, NULL);
	for (i = 0; r.spool && i < r.ncpus; i++)
		if (r.spool[i] >= 0)
			close(r.spool[i]);
	free(r.spool);
	free(r.spool_size);
	free(r.tmpname);
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
	"                        [-b KIB] [-d SECONDS] [--order SET] [-q] [-p PID]...\n"
	"                        [-- COMMAND [ARGS]]\n"
	"\n"
	"Records kernel memory events in a private tracefs instance and writes a\n"
	"trace.dat (version 6) file that trace-cmd report also reads. Without -p\n"
	"or a command the whole system is traced until Ctrl-C or -d.\n"
	"\n"
	"  -r, --recipe RECIPE     take events, filters and buffer size from a recipe\n"
	"  -o, --output FILE       output file (default trace.dat; an old one is kept as FILE.old)\n"
	"  -e, --event EVENT       enable SYSTEM:EVENT, or every event of SYSTEM (repeatable);\n"
	"                          default: all kmem and exceptions events this kernel has\n"
	"  -f, --filter FILTER     in-kernel filter for the -e before it, e.g. 'order > 0'\n"
	"  -b, --buffer KIB        ring-buffer size per CPU, in KiB\n"
	"  -d, --duration SECONDS  stop after this many seconds\n"
	"  --order SET             only page allocations and frees of these orders, filtered\n"
	"                          in the kernel: e.g. 2,3,9 or 3- (3 and above)\n"
	"  -p, --pid PID           trace only this process (repeatable)\n"
	"  -q, --quiet             no status line and no summary\n"
	"  -- COMMAND              run COMMAND and trace it and its children\n"
	"  -h, --help              show this help\n",
	.exec = cmd_record,
};
