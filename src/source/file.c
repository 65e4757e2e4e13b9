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

#include "base/kms.h"
#include "source/cpustats.h"
#include "source/file.h"
#include "source/mmfile.h"
#include "tracedat/check.h"

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
		struct kms_ring_stats st = { 0 };
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

/* Check the file, open it with libtracecmd and load its instances. */
int kms_file_open(struct kms_file *f, const char *path)
{
	const char *stats;
	int i, n;

	memset(f, 0, sizeof(*f));
	f->path = path;
	if (kms_tracedat_check(path))
		return -1;
	tracecmd_set_loglevel(TEP_LOG_NONE);
	/* uncompressed v6 data, one buffer: read in place (mmfile.c);
	 * with KMS_FILE_NO_MMAP set, by libtracecmd (tests compare the two) */
	if (!getenv("KMS_FILE_NO_MMAP") && kms_mmfile_open(&f->mm, path) < 0)
		return -1;
	f->handle = f->mm ? kms_mmfile_tracecmd(f->mm) : tracecmd_open(path, 0);
	if (!f->handle) {
		kms_mmfile_close(f->mm);
		f->mm = NULL;
		return kms_error(KMS_ERR_INPUT, "%s: cannot read trace.dat (truncated or corrupt)", path);
	}
	f->tep = tracecmd_get_tep(f->handle);
	f->ncpus = tracecmd_cpus(f->handle);
	f->in_usecs = tracecmd_get_flags(f->handle) & KMS_TRACECMD_FL_IN_USECS;
	stats = tracecmd_get_cpustats(f->handle);
	if (stats)
		f->lost_stats = stats_lost(stats);
	f->bufs[0] = f->handle;
	f->buf_names[0] = "";
	f->nbufs = 1;
	n = tracecmd_buffer_instances(f->handle);
	for (i = 0; i < n && f->nbufs < KMS_MAX_BUFFERS; i++) {
		struct tracecmd_input *b = tracecmd_buffer_instance_handle(f->handle, i);

		if (!b)	/* (the instance handle comes with its data loaded) */
			continue;
		f->buf_names[f->nbufs] = tracecmd_buffer_instance_name(f->handle, i);
		if ((int)strlen(f->buf_names[f->nbufs]) + 1 > f->name_width)
			f->name_width = strlen(f->buf_names[f->nbufs]) + 1;
		f->bufs[f->nbufs++] = b;
	}
	f->sel = 0;
	return 0;
}

/* Load the kernel's symbols that came with the file, for symbolised call sites. */
int kms_file_symbols(struct kms_file *f)
{
	return f->mm ? kms_mmfile_kallsyms(f->mm, f->tep) : 0;	/* libtracecmd loaded them */
}

/* Choose the buffer to iterate by name; NULL merges them all. */
int kms_file_select(struct kms_file *f, const char *name)
{
	int i;

	if (!name) {
		f->sel = -1;
		return 0;
	}
	if (!strcmp(name, "top"))
		name = "";
	for (i = 0; i < f->nbufs; i++)
		if (!strcmp(f->buf_names[i], name)) {
			f->sel = i;
			return 0;
		}
	return kms_error(KMS_ERR_INPUT, "%s: no buffer named '%s'", f->path, name);
}

struct iter_ctx {
	struct kms_file	*f;
	kms_record_fn	fn;
	void		*ctx;
	int		failed;		/* fn failed: its error stands */
};

/* Deliver one record (and a gap before it) to the caller's callback. */
static int iter_cb(struct tracecmd_input *handle, struct tep_record *rec,
		   int cpu, void *data)
{
	struct iter_ctx *ic = data;
	struct kms_file *f = ic->f;
	int ret, i;

	f->cur_buffer = "";
	for (i = 1; i < f->nbufs; i++)
		if (f->bufs[i] == handle)
			f->cur_buffer = f->buf_names[i];

	if (rec->missed_events) {
		if (rec->missed_events > 0)
			f->missed_flags += rec->missed_events;
		ret = ic->fn(f->tep, NULL, cpu, rec->missed_events, ic->ctx);
		if (ret) {
			ic->failed = ret < 0;
			return ret;
		}
	}
	if (!f->events++)
		f->first_ts = rec->ts;
	f->last_ts = rec->ts;
	ret = ic->fn(f->tep, rec, cpu, 0, ic->ctx);
	ic->failed = ret < 0;
	return ret;
}

/* Every record of the selected buffers in timestamp order. */
int kms_file_iterate(struct kms_file *f, kms_record_fn fn, void *ctx)
{
	struct iter_ctx ic = { f, fn, ctx, 0 };

	int ret;

	if (f->mm)
		return kms_mmfile_iterate(f->mm, f, fn, ctx);
	if (f->sel >= 0)
		ret = tracecmd_iterate_events(f->bufs[f->sel], NULL, 0, iter_cb, &ic);
	else
		ret = tracecmd_iterate_events_multi(f->bufs, f->nbufs, iter_cb, &ic);
	if (ic.failed)
		return -1;
	if (ret < 0)
		return kms_error(KMS_ERR_INPUT, "%s: error while reading events", f->path);
	return 0;
}

/* Lost events: the larger of the CPU stats and the page flags. */
unsigned long long kms_file_lost(const struct kms_file *f)
{
	return f->lost_stats > f->missed_flags ? f->lost_stats : f->missed_flags;
}

/* Close the instance handles and the file. */
void kms_file_close(struct kms_file *f)
{
	int i;

	for (i = 1; i < f->nbufs; i++)
		tracecmd_close(f->bufs[i]);
	f->nbufs = 0;
	kms_mmfile_close(f->mm);
	f->mm = NULL;
	if (f->handle)
		tracecmd_close(f->handle);
	f->handle = NULL;
}
