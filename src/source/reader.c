// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU ring-buffer reader threads: the reader sub-buffers of a mapped
 * ring buffer (tracefs/rbmap.c) where the kernel allows it, else pages
 * spliced by libtracefs's tracefs_cpu.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tracefs.h>

#include "base/kms.h"
#include "source/cpustats.h"
#include "source/reader.h"
#include "tracefs/rbmap.h"

struct cpu_reader {
	struct kms_reader	*r;
	int			cpu;
	int			fd;		/* trace_pipe_raw, owned by tcpu */
	struct tracefs_cpu	*tcpu;
	struct kms_rbmap	map;
	bool			mapped;		/* read through map, not tcpu */
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
	int			path;		/* KMS_READ_MMAP or KMS_READ_SPLICE */
	char			path_why[256];	/* why (the first CPU's, or a fallback's) */
	int			stop_pipe[2];	/* written once to wake every thread */
	volatile int		stopping;
	pthread_mutex_t		lock;	/* guards the stats for progress */
	struct cpu_reader	*cpus;
};

/* Account for one sub-buffer of subbuf_size bytes and pass it on. */
static int handle_page(struct cpu_reader *c, const void *page)
{
	struct kms_reader *r = c->r;
	unsigned int size = r->s->subbuf_size;
	struct kms_subbuf sb;

	if (kms_subbuf_parse(page, size, r->s->long_size, &sb, c->st.by_id) < 0)
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
	return r->fn(c->cpu, page, size, &sb, r->ctx);
}

/* A page of len bytes read into c->page: zero its tail and pass it on. */
static int handle_read(struct cpu_reader *c, int len)
{
	unsigned int size = c->r->s->subbuf_size;

	if (len <= 0)
		return 0;
	if ((unsigned int)len < size)
		memset((char *)c->page + len, 0, size - len);
	return handle_page(c, c->page);
}

/*
 * One piece of a mapped reader sub-buffer, as a sub-buffer of the format
 * splice gives: the mapped page itself when it is whole and full (nothing
 * copied), else a copy in c->page (tracefs/subbuf.h).
 */
static int handle_piece(struct cpu_reader *c, const struct kms_rbmap_piece *p)
{
	int n = kms_subbuf_piece(p->page, c->r->s->subbuf_size, c->r->s->long_size,
				 p->off, p->end, p->lost, c->page);

	if (n < 0)
		return kms_error_wrap("cpu%d: mapped reader sub-buffer", c->cpu);
	return handle_page(c, n ? c->page : p->page);
}

/*
 * How much a drain takes: whole pages only (the writer's page when there
 * is no whole one, on the splice path); whole pages and one piece of the
 * writer's page (a live view's refresh: chasing a writer that runs on
 * another CPU would cut its page into ever smaller pages); everything
 * (at the stop, tracing off).
 */
enum drain_mode { DRAIN_WHOLE, DRAIN_ONE_PARTIAL, DRAIN_ALL };

/* Pass on the pieces of the mapped buffer that are ready. */
static int drain_map(struct cpu_reader *c, enum drain_mode mode)
{
	struct kms_rbmap_piece p;
	int n;

	while ((n = kms_rbmap_next(&c->map, &p, mode != DRAIN_WHOLE)) > 0) {
		if (handle_piece(c, &p) < 0)
			return -1;
		if (mode == DRAIN_ONE_PARTIAL && !p.last)
			break;
	}
	return n < 0 ? -1 : 0;
}

/* Read every whole page that is ready; partial ones too when asked. */
static int drain(struct cpu_reader *c, enum drain_mode mode)
{
	int n, got = 0;

	if (c->mapped)
		return drain_map(c, mode);
	while ((n = tracefs_cpu_buffered_read(c->tcpu, c->page, true)) > 0) {
		if (handle_read(c, n) < 0)
			return -1;
		got++;
	}
	if (mode == DRAIN_WHOLE && got)
		return 0;
	/* read() hands out the page the writer is on, however full. */
	while ((n = tracefs_cpu_flush(c->tcpu, c->page)) > 0) {
		if (handle_read(c, n) < 0)
			return -1;
		if (mode != DRAIN_ALL)
			break;
	}
	return 0;
}

/* CPU time of the calling thread, in ns. */
static unsigned long long thread_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
		return 0;
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
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
		if (drain(c, n == 0 || r->flush_ms ? DRAIN_ONE_PARTIAL : DRAIN_WHOLE) < 0) {
			c->err = EIO;
			snprintf(c->errmsg, sizeof(c->errmsg), "cpu%d: %s",
				 c->cpu, kms_strerror());
			c->errclass = kms_errclass();
			break;
		}
	}
	c->st.cpu_ns += thread_cpu_ns();
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

/*
 * Map the CPU's ring buffer unless splice is asked for; where the kernel
 * refuses, read it by splice, unless mmap is asked for. Remembers why.
 */
static int open_map(struct kms_reader *r, struct cpu_reader *c, int wanted)
{
	char why[192];

	if (wanted == KMS_READ_SPLICE) {
		r->path = KMS_READ_SPLICE;
		snprintf(r->path_why, sizeof(r->path_why), "KMEMSCOPE_READ=splice");
		return 0;
	}
	if (kms_rbmap_open(&c->map, c->fd, r->s->subbuf_size, r->s->long_size, why,
			   sizeof(why)) == 0) {
		c->mapped = true;
		if (c->cpu == 0) {
			r->path = KMS_READ_MMAP;
			snprintf(r->path_why, sizeof(r->path_why), "%s", why);
		}
		return 0;
	}
	if (wanted == KMS_READ_MMAP)
		return kms_error(KMS_ERR_UNSUPPORTED, "cpu%d: %s (KMEMSCOPE_READ=mmap; auto or splice "
				 "reads by splice)", c->cpu, why);
	r->path = KMS_READ_SPLICE;	/* one CPU by splice: the reader is said to splice */
	snprintf(r->path_why, sizeof(r->path_why), "cpu%d: %s", c->cpu, why);
	return 0;
}

/* Create the per-CPU readers and start their threads. */
struct kms_reader *kms_reader_start(struct kms_session *s, int flush_ms, int flags,
				    kms_page_fn fn, void *ctx)
{
	struct kms_reader *r;
	int i, wanted = kms_read_path_wanted();

	if (wanted < 0)
		return NULL;
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
		if (open_map(r, c, wanted) < 0)
			goto fail;
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
	unsigned long long t0;
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
		t0 = thread_cpu_ns();
		if (!c->err && drain(c, DRAIN_ALL) < 0) {
			c->err = EIO;
			snprintf(c->errmsg, sizeof(c->errmsg), "cpu%d: %s", c->cpu,
				 kms_strerror());
			c->errclass = kms_errclass();
		}
		c->st.cpu_ns += thread_cpu_ns() - t0;
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
		if (r->cpus[i].mapped)
			kms_rbmap_close(&r->cpus[i].map);
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

/* The read path the readers took, "mmap" or "splice", and why. */
const char *kms_reader_path(const struct kms_reader *r, const char **why)
{
	if (why)
		*why = r->path_why;
	return kms_read_path_name(r->path);
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
