// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU ring-buffer reader threads built on libtracefs's tracefs_cpu.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "base/kms.h"
#include "source/cpustats.h"
#include "source/reader.h"

struct cpu_reader {
	struct kms_reader	*r;
	int			cpu;
	int			fd;		/* trace_pipe_raw, owned by tcpu */
	struct tracefs_cpu	*tcpu;
	pthread_t		thread;
	int			started;
	int			err;
	char			errmsg[256];
	enum kms_err		errclass;
	void			*page;
	struct kms_cpu_stats	st;
};

struct kms_reader {
	struct kms_session	*s;
	kms_page_fn		fn;
	void			*ctx;
	int			ncpus;
	int			flush_ms;	/* read partial pages this often; 0: never */
	int			stop_pipe[2];	/* written once to wake every thread */
	volatile int		stopping;
	pthread_mutex_t		lock;	/* guards the stats for progress */
	struct cpu_reader	*cpus;
};

/* Account for one page and pass it on; a zero page size means "from flush". */
static int handle_page(struct cpu_reader *c, int len)
{
	struct kms_reader *r = c->r;
	unsigned int size = r->s->subbuf_size;
	struct kms_subbuf sb;

	if (len <= 0)
		return 0;
	if ((unsigned int)len < size)
		memset((char *)c->page + len, 0, size - len);
	if (kms_subbuf_parse(c->page, size, r->s->long_size, &sb, c->st.by_id) < 0)
		return -1;
	if (!sb.commit && !sb.missed)
		return 0;
	pthread_mutex_lock(&r->lock);
	c->st.pages++;
	c->st.bytes += size;
	c->st.events += sb.nr_events;
	if (sb.missed) {
		c->st.missed_pages++;
		c->st.missed_counted += sb.missed_count;
	}
	pthread_mutex_unlock(&r->lock);
	return r->fn(c->cpu, c->page, size, &sb, r->ctx);
}

/* Read every whole page that is ready; partial ones too when asked. */
static int drain(struct cpu_reader *c, bool partial)
{
	int n, got = 0;

	while ((n = tracefs_cpu_buffered_read(c->tcpu, c->page, true)) > 0) {
		if (handle_page(c, n) < 0)
			return -1;
		got++;
	}
	if (!partial && got)
		return 0;
	/* read() hands out the page the writer is on, however full. */
	while ((n = tracefs_cpu_flush(c->tcpu, c->page)) > 0)
		if (handle_page(c, n) < 0)
			return -1;
	return 0;
}

/*
 * Thread body: sleep in poll() until the buffer reaches buffer_percent
 * (or flush_ms passes, for live views), then splice the whole pages out.
 */
static void *reader_thread(void *arg)
{
	struct cpu_reader *c = arg;
	struct kms_reader *r = c->r;
	struct pollfd p[2] = {
		{ .fd = c->fd, .events = POLLIN },
		{ .fd = r->stop_pipe[0], .events = POLLIN },
	};
	struct sched_param sp = { .sched_priority = 1 };
	int n;

	/*
	 * The lowest real-time priority, as trace-cmd's recorder can ask for:
	 * woken at buffer_percent, the reader runs at once even on a loaded
	 * host, and it sleeps otherwise. Without the right (not root), it
	 * stays a normal thread.
	 */
	pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	while (!r->stopping) {
		n = poll(p, 2, r->flush_ms ? r->flush_ms : -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			c->err = errno;
			snprintf(c->errmsg, sizeof(c->errmsg), "poll cpu%d: %s",
				 c->cpu, strerror(errno));
			c->errclass = KMS_ERR_FAIL;
			break;
		}
		if (p[1].revents)
			break;
		/* Woken with no whole page (or timed out): take the partial one. */
		if (drain(c, n == 0 || r->flush_ms) < 0) {
			c->err = EIO;
			snprintf(c->errmsg, sizeof(c->errmsg), "cpu%d: %s",
				 c->cpu, kms_strerror());
			c->errclass = kms_errclass();
			break;
		}
	}
	return NULL;
}

/* Open trace_pipe_raw of one CPU with the instance's own sub-buffer size. */
static struct tracefs_cpu *open_cpu(struct kms_session *s, int cpu, int *fdp)
{
	struct tracefs_cpu *tcpu;
	char file[64], *path;
	int fd;

	snprintf(file, sizeof(file), "per_cpu/cpu%d/trace_pipe_raw", cpu);
	path = tracefs_instance_get_file(s->inst, file);
	if (!path)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	tracefs_put_tracing_file(path);
	if (fd < 0)
		return NULL;
	tcpu = tracefs_cpu_alloc_fd(fd, s->subbuf_size, true);
	if (!tcpu)
		close(fd);
	*fdp = fd;
	return tcpu;
}

/* Create the per-CPU readers and start their threads. */
struct kms_reader *kms_reader_start(struct kms_session *s, int flush_ms, int flags,
				    kms_page_fn fn, void *ctx)
{
	struct kms_reader *r;
	int i;

	r = calloc(1, sizeof(*r));
	if (!r) {
		kms_error(KMS_ERR_NOMEM, "out of memory");
		return NULL;
	}
	r->s = s;
	r->fn = fn;
	r->ctx = ctx;
	r->ncpus = s->ncpus;
	r->flush_ms = flush_ms;
	r->stop_pipe[0] = r->stop_pipe[1] = -1;
	pthread_mutex_init(&r->lock, NULL);
	if (pipe2(r->stop_pipe, O_CLOEXEC) < 0) {
		kms_error(KMS_ERR_FAIL, "pipe: %s", strerror(errno));
		goto fail;
	}
	r->cpus = calloc(r->ncpus, sizeof(*r->cpus));
	if (!r->cpus)
		goto nomem;
	for (i = 0; i < r->ncpus; i++) {
		struct cpu_reader *c = &r->cpus[i];

		c->r = r;
		c->cpu = i;
		c->page = malloc(s->subbuf_size);
		if (!c->page)
			goto nomem;
		if ((flags & KMS_READER_COUNT_IDS) &&
		    !(c->st.by_id = calloc(65536, sizeof(*c->st.by_id))))
			goto nomem;
		c->tcpu = open_cpu(s, i, &c->fd);
		if (!c->tcpu) {
			kms_error(KMS_ERR_FAIL, "cannot open %s per_cpu/cpu%d/trace_pipe_raw: %s",
				  s->name, i, strerror(errno));
			goto fail;
		}
	}
	for (i = 0; i < r->ncpus; i++) {
		if (pthread_create(&r->cpus[i].thread, NULL, reader_thread, &r->cpus[i])) {
			kms_error(KMS_ERR_FAIL, "cannot start reader thread for cpu%d", i);
			goto fail;
		}
		r->cpus[i].started = 1;
	}
	return r;
nomem:
	kms_error(KMS_ERR_NOMEM, "out of memory");
fail:
	kms_reader_stop(r);
	kms_reader_free(r);
	return NULL;
}

/* Read per_cpu/cpuN/stats of the session's instance. */
static void read_cpu_stats(struct kms_session *s, struct cpu_reader *c)
{
	char file[64];

	snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", c->cpu);
	free(c->st.stats_text);
	c->st.stats_text = tracefs_instance_file_read(s->inst, file, NULL);
	if (c->st.stats_text) {
		struct kms_ring_stats rs = { c->st.overrun, c->st.commit_overrun, c->st.dropped };

		kms_parse_cpu_stats(c->st.stats_text, &rs);
		c->st.overrun = rs.overrun;
		c->st.commit_overrun = rs.commit_overrun;
		c->st.dropped = rs.dropped;
	}
}

/* Stop all threads, then drain full and partial pages left in the buffers. */
int kms_reader_stop(struct kms_reader *r)
{
	int i, ret = 0;

	if (!r || r->stopping)
		return 0;
	r->stopping = 1;
	if (r->stop_pipe[1] >= 0 && write(r->stop_pipe[1], "x", 1) < 0)
		ret = kms_error(KMS_ERR_FAIL, "cannot wake the reader threads: %s", strerror(errno));
	for (i = 0; r->cpus && i < r->ncpus; i++) {
		struct cpu_reader *c = &r->cpus[i];

		if (c->started)
			pthread_join(c->thread, NULL);
		c->started = 0;
		if (!c->tcpu)
			continue;
		/* Whole pages still buffered, then the last partial one. */
		if (!c->err && drain(c, true) < 0) {
			c->err = EIO;
			snprintf(c->errmsg, sizeof(c->errmsg), "cpu%d: %s", c->cpu,
				 kms_strerror());
			c->errclass = kms_errclass();
		}
		read_cpu_stats(r->s, c);
		if (c->err && !ret)
			ret = kms_error(c->errclass, "%s", c->errmsg[0] ? c->errmsg : kms_strerror());
	}
	return ret;
}

/* Release the per-CPU descriptors and buffers. */
void kms_reader_free(struct kms_reader *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; r->cpus && i < r->ncpus; i++) {
		if (r->cpus[i].tcpu)
			tracefs_cpu_close(r->cpus[i].tcpu);
		free(r->cpus[i].page);
		free(r->cpus[i].st.stats_text);
		free(r->cpus[i].st.by_id);
	}
	free(r->cpus);
	if (r->stop_pipe[0] >= 0)
		close(r->stop_pipe[0]);
	if (r->stop_pipe[1] >= 0)
		close(r->stop_pipe[1]);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* The statistics of one CPU's reader. */
const struct kms_cpu_stats *kms_reader_cpu(const struct kms_reader *r, int cpu)
{
	return &r->cpus[cpu].st;
}

/* How many CPUs are read. */
int kms_reader_ncpus(const struct kms_reader *r)
{
	return r->ncpus;
}

/*
 * The page flags count overwritten events as the reader meets them; the
 * overrun counter counts the same events in the kernel. Take the larger,
 * and add the events dropped in non-overwrite mode and commit overruns.
 */
unsigned long long kms_cpu_lost(const struct kms_cpu_stats *st)
{
	unsigned long long flagged = st->missed_counted;

	if (st->missed_pages > flagged)
		flagged = st->missed_pages;	/* at least one per flagged page */
	return (st->overrun > flagged ? st->overrun : flagged) +
	       st->dropped + st->commit_overrun;
}

/* Sum the counters of all CPUs. */
void kms_reader_progress(struct kms_reader *r, unsigned long long *events,
			 unsigned long long *bytes, unsigned long long *lost)
{
	int i;

	*events = *bytes = *lost = 0;
	pthread_mutex_lock(&r->lock);
	for (i = 0; i < r->ncpus; i++) {
		*events += r->cpus[i].st.events;
		*bytes += r->cpus[i].st.bytes;
		*lost += kms_cpu_lost(&r->cpus[i].st);
	}
	pthread_mutex_unlock(&r->lock);
}
