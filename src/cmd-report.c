// SPDX-License-Identifier: GPL-2.0
/*
 * kmemscope report: read a trace.dat file (ours or trace-cmd's) and print
 * its events in trace-cmd's line format (--events) or a summary.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "cmd.h"
#include "evline.h"
#include "kms.h"
#include "stream.h"

struct report {
	struct kms_file		f;
	bool			events;
	struct trace_seq	seq;
	unsigned long long	*by_id;		/* events per event id */
	long long		missed_unknown;
};

/* --events: one line per record, as trace-cmd report prints it. */
static int print_record(struct tep_handle *tep, struct tep_record *rec, int cpu,
			long long missed, void *ctx)
{
	struct report *r = ctx;

	trace_seq_reset(&r->seq);
	if (rec)
		kms_evline(&r->seq, tep, rec, r->f.in_usecs);
	else
		kms_evline_missed(&r->seq, cpu, missed);
	trace_seq_terminate(&r->seq);
	fputs(r->seq.buffer, stdout);
	putchar('\n');
	return ferror(stdout) ? -1 : 0;
}

/* Summary: count per event id. */
static int count_record(struct tep_handle *tep, struct tep_record *rec, int cpu,
			long long missed, void *ctx)
{
	struct report *r = ctx;
	int id;

	if (!rec) {
		if (missed < 0)
			r->missed_unknown++;
		return 0;
	}
	id = tep_data_type(tep, rec);
	if (id >= 0 && id < 65536)
		r->by_id[id]++;
	return 0;
}

static void print_summary(struct report *r)
{
	struct tep_event **events;
	double secs = 0;
	int i;

	if (r->f.events > 1)
		secs = (r->f.last_ts - r->f.first_ts) / 1e9;
	printf("source: %s   duration: %.3f s   events: %llu   lost: %llu\n\n",
	       r->f.path, secs, r->f.events, kms_file_lost(&r->f));
	printf("%-40s %12s\n", "EVENT", "COUNT");
	events = tep_list_events(r->f.tep, TEP_EVENT_SORT_NAME);
	for (i = 0; events && events[i]; i++) {
		char name[128];

		if (!r->by_id[events[i]->id])
			continue;
		snprintf(name, sizeof(name), "%s:%s", events[i]->system, events[i]->name);
		printf("%-40s %12llu\n", name, r->by_id[events[i]->id]);
	}
}

static int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "events", no_argument, NULL, 'E' },
		{ "input", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report r;
	const char *path = NULL;
	int opt, ret = KMS_EXIT_OK;

	memset(&r, 0, sizeof(r));
	while ((opt = getopt_long(argc, argv, "+hi:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return cmd_help(&cmd_report_entry);
		case 'E':
			r.events = true;
			break;
		case 'i':
			path = optarg;
			break;
		default:
			return cmd_usage_error(&cmd_report_entry, "unknown option");
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
	if (kms_file_open(&r.f, path) < 0)
		return cmd_core_error();
	trace_seq_init(&r.seq);
	if (r.events) {
		printf("cpus=%d\n", r.f.ncpus);
		if (kms_file_iterate(&r.f, print_record, &r) < 0)
			ret = cmd_core_error();
	} else {
		r.by_id = calloc(65536, sizeof(*r.by_id));
		if (!r.by_id)
			ret = cmd_error("out of memory");
		else if (kms_file_iterate(&r.f, count_record, &r) < 0)
			ret = cmd_core_error();
		else
			print_summary(&r);
		free(r.by_id);
	}
	if (r.events)
		fprintf(stderr, "kmemscope: %llu events, lost %llu events\n", r.f.events,
			kms_file_lost(&r.f));
	trace_seq_destroy(&r.seq);
	kms_file_close(&r.f);
	return ret;
}

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.summary = "print a recording (ours or trace-cmd's) as events or tables",
	.usage =
	"usage: kmemscope report [-h] [--events] [-i FILE | FILE]\n"
	"\n"
	"Reads a trace.dat file written by kmemscope record or trace-cmd record\n"
	"(versions 6 and 7) and prints a summary of its events, with the number\n"
	"of events lost while recording.\n"
	"\n"
	"  -i FILE     the file to read (default: trace.dat)\n"
	"  --events    print every event in the line format of trace-cmd report\n"
	"  -h          show this help\n",
	.exec = cmd_report,
};
