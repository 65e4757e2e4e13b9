// SPDX-License-Identifier: GPL-2.0
/*
 * File source of the event stream, on libtracecmd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <trace-cmd/trace-cmd.h>

#include "kms.h"
#include "reader.h"
#include "stream.h"

/* Exported by libtracecmd but only declared in its private header. */
const char *tracecmd_get_cpustats(struct tracecmd_input *handle);
unsigned long tracecmd_get_flags(struct tracecmd_input *handle);
int tracecmd_cpus(struct tracecmd_input *handle);
#define KMS_TRACECMD_FL_IN_USECS (1 << 2)

/* Sum lost events over the CPUSTAT texts ("CPU: N" sections). */
static unsigned long long stats_lost(const char *text)
{
	unsigned long long lost = 0;
	const char *p = text, *next;

	while (p && *p) {
		struct kms_cpu_stats st = { 0 };
		char *chunk;

		next = strstr(p + 1, "CPU:");
		chunk = next ? strndup(p, next - p) : strdup(p);
		if (!chunk)
			break;
		kms_parse_cpu_stats(chunk, &st);
		lost += st.overrun + st.dropped + st.commit_overrun;
		free(chunk);
		p = next;
	}
	return lost;
}

int kms_file_open(struct kms_file *f, const char *path)
{
	const char *stats;

	memset(f, 0, sizeof(*f));
	f->path = path;
	if (kms_tracedat_check(path))
		return -1;
	tracecmd_set_loglevel(TEP_LOG_NONE);
	f->handle = tracecmd_open(path, 0);
	if (!f->handle)
		return kms_error("%s: cannot read trace.dat (truncated or corrupt)", path);
	f->tep = tracecmd_get_tep(f->handle);
	f->ncpus = tracecmd_cpus(f->handle);
	f->in_usecs = tracecmd_get_flags(f->handle) & KMS_TRACECMD_FL_IN_USECS;
	stats = tracecmd_get_cpustats(f->handle);
	if (stats)
		f->lost_stats = stats_lost(stats);
	return 0;
}

struct iter_ctx {
	struct kms_file	*f;
	kms_record_fn	fn;
	void		*ctx;
};

static int iter_cb(struct tracecmd_input *handle, struct tep_record *rec,
		   int cpu, void *data)
{
	struct iter_ctx *ic = data;
	struct kms_file *f = ic->f;
	int ret;

	if (rec->missed_events) {
		if (rec->missed_events > 0)
			f->missed_flags += rec->missed_events;
		ret = ic->fn(f->tep, NULL, cpu, rec->missed_events, ic->ctx);
		if (ret)
			return ret;
	}
	if (!f->events++)
		f->first_ts = rec->ts;
	f->last_ts = rec->ts;
	return ic->fn(f->tep, rec, cpu, 0, ic->ctx);
}

int kms_file_iterate(struct kms_file *f, kms_record_fn fn, void *ctx)
{
	struct iter_ctx ic = { f, fn, ctx };

	if (tracecmd_iterate_events(f->handle, NULL, 0, iter_cb, &ic) < 0)
		return kms_error("%s: error while reading events", f->path);
	return 0;
}

unsigned long long kms_file_lost(const struct kms_file *f)
{
	return f->lost_stats > f->missed_flags ? f->lost_stats : f->missed_flags;
}

void kms_file_close(struct kms_file *f)
{
	if (f->handle)
		tracecmd_close(f->handle);
	f->handle = NULL;
}
