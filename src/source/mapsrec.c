// SPDX-License-Identifier: GPL-2.0
/*
 * The maps recorder (mapsrec.h): the traced processes' /proc/PID/maps
 * written into the buffer as "kmemscope-maps" trace_marker lines by a
 * thread of its own, the pids learnt from the fork, exec, exit and fault
 * records of the pages the readers pass on.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event-parse.h>
#include <tracefs.h>

#include "base/hmap.h"
#include "base/kms.h"
#include "base/maps.h"
#include "source/mapsrec.h"

#define MR_MAX_PIDS	8192	/* processes followed at once */
#define MR_MAX_MAPS	65536	/* mappings written per read */
#define MR_MAX_READS	1000	/* reads of one process */
#define MR_TICK_MS	20	/* wanted reads are done this often */
#define MR_BATCH	256	/* processes read per tick */

/* What a tracked process needs: nothing, a first (or post-exec) read, a re-read. */
enum { MR_NONE, MR_READ, MR_REREAD };


struct mr_proc {
	struct kms_range	*r;		/* the maps last written, sorted */
	uint32_t	n;
	uint16_t	reads;
	uint8_t		want;		/* MR_* */
	uint8_t		written;	/* a set (or "thread", "gone") was written */
	uint8_t		exited;		/* forget it once read */
	uint8_t		reading;	/* the thread reads it: r stays until it is done */
	int32_t		alias;		/* a thread: its group leader, else 0 */
};

/* One field of one event: where it is and how wide. */
struct mr_field { int offset, size; };

struct mr_event {
	int		id;		/* -1: not on this kernel */
	struct mr_field	f;		/* child_pid, pid or address */
};

struct kms_mapsrec {
	struct kms_session	*s;
	int			fd;		/* trace_marker */
	pthread_t		thread;
	bool			running;
	pthread_mutex_t		lock;
	pthread_cond_t		wake;
	bool			stopping, stopped;
	struct kms_hmap		procs;		/* int32 pid -> mr_proc */
	struct mr_field		common_pid;
	struct mr_event		fork, exec, exit, fault_user, fault_kernel;
};

/* An event's id and one field, from the instance's format file. */
static void find_event(struct kms_mapsrec *m, struct tep_handle *tep, const char *system,
		       const char *name, const char *field, struct mr_event *e)
{
	struct tep_format_field *f;
	struct tep_event *ev;
	char *buf;
	int size = 0;

	e->id = -1;
	buf = tracefs_event_file_read(m->s->inst, system, name, "format", &size);
	if (!buf)
		return;
	if (tep_parse_event(tep, buf, size, system) == 0 &&
	    (ev = tep_find_event_by_name(tep, system, name)) &&
	    (f = tep_find_field(ev, field)) && (f->size == 4 || f->size == 8)) {
		e->id = ev->id;
		e->f.offset = f->offset;
		e->f.size = f->size;
		f = tep_find_common_field(ev, "common_pid");
		if (f && f->size == 4) {
			m->common_pid.offset = f->offset;
			m->common_pid.size = 4;
		}
	}
	free(buf);
}

/* A field's value, or 0 when the record is too short for it. */
static uint64_t field(const unsigned char *data, unsigned int len, const struct mr_field *f)
{
	uint32_t v32;
	uint64_t v64;

	if (!f->size || (unsigned int)(f->offset + f->size) > len)
		return 0;
	if (f->size == 4) {
		memcpy(&v32, data + f->offset, 4);
		return v32;
	}
	memcpy(&v64, data + f->offset, 8);
	return v64;
}

/* Ask for a read of pid (lock held); new pids past the bound are left out. */
static void want(struct kms_mapsrec *m, int32_t pid, int what)
{
	struct mr_proc *p = kms_hmap_find(&m->procs, &pid);

	if (!p) {
		if (pid <= 0 || m->procs.len >= MR_MAX_PIDS)
			return;
		p = kms_hmap_get(&m->procs, &pid, NULL);
		if (!p)
			return;
	}
	if (what > p->want || what == MR_READ)
		p->want = what;
	if (what == MR_READ) {
		p->alias = 0;
		p->exited = 0;
	}
}

/* Is addr in the ranges last written? */
static bool covered(const struct mr_proc *p, uint64_t addr)
{
	return kms_range_find(p->r, p->n, sizeof(*p->r), addr) >= 0;
}

/* A user fault: a re-read of the owner's maps when addr is outside them. */
static void fault(struct kms_mapsrec *m, int32_t pid, uint64_t addr, int long_size)
{
	struct mr_proc *p = kms_hmap_find(&m->procs, &pid);

	if (p && p->alias) {
		pid = p->alias;
		p = kms_hmap_find(&m->procs, &pid);
	}
	if (!p || !p->written || p->want || p->reads >= MR_MAX_READS)
		return;
	if (long_size == 4 ? addr >= UINT64_C(0xC0000000) : (addr >> 63))
		return;		/* a kernel address */
	if (!covered(p, addr))
		p->want = MR_REREAD;
}

/* An exit: forget the process, once its maps (or "gone") are written. */
static void exited(struct kms_mapsrec *m, int32_t pid)
{
	struct mr_proc *p = kms_hmap_find(&m->procs, &pid);

	if (!p)
		return;
	if (p->want || p->reading) {
		p->exited = 1;
		return;
	}
	free(p->r);
	kms_hmap_del(&m->procs, &pid);
}

void kms_mapsrec_page(struct kms_mapsrec *m, const void *page, int long_size,
		      const struct kms_subbuf *sb)
{
	struct kms_subbuf_iter it;
	const void *payload;
	unsigned long long ts;
	unsigned int len;
	bool wake = false;

	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	if (m->stopped)
		goto out;
	kms_subbuf_iter_init(&it, page, long_size, sb);
	while (kms_subbuf_next(&it, &payload, &len, &ts) > 0) {
		const unsigned char *d = payload;
		int32_t pid;
		uint16_t type;

		if (len < 8)
			continue;
		memcpy(&type, d, 2);
		pid = field(d, len, &m->common_pid);
		if (type == m->fork.id) {
			/* a child of a process followed (a thread too: "thread" says so) */
			if (kms_hmap_find(&m->procs, &pid)) {
				want(m, field(d, len, &m->fork.f), MR_READ);
				wake = true;
			}
		} else if (type == m->exec.id) {
			pid = field(d, len, &m->exec.f);
			if (kms_hmap_find(&m->procs, &pid)) {
				want(m, pid, MR_READ);
				wake = true;
			}
		} else if (type == m->exit.id) {
			exited(m, field(d, len, &m->exit.f));
		} else if (type == m->fault_user.id) {
			fault(m, pid, field(d, len, &m->fault_user.f), long_size);
		} else if (type == m->fault_kernel.id) {
			fault(m, pid, field(d, len, &m->fault_kernel.f), long_size);
		}
	}
	if (wake)
		pthread_cond_signal(&m->wake);
out:
	pthread_mutex_unlock(&m->lock);
}

void kms_mapsrec_add(struct kms_mapsrec *m, pid_t pid)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	want(m, pid, MR_READ);
	pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->lock);
}

/* One line into the buffer. */
static void mark(struct kms_mapsrec *m, const char *line)
{
	if (write(m->fd, line, strlen(line)) < 0)
		return;		/* a full or gone instance: the report says what is missing */
}

/* The Tgid of pid from /proc/PID/status, or -1. */
static int32_t tgid_of(int32_t pid)
{
	char path[64], *s, *t;
	int32_t tgid = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	s = kms_read_file(path, NULL);
	if (!s)
		return -1;
	t = strstr(s, "\nTgid:");
	if (t)
		tgid = strtol(t + 6, NULL, 10);
	free(s);
	return tgid;
}

/* Did the ranges change since the last set written? */
static bool same_ranges(const struct kms_range *a, uint32_t na, const struct kms_range *b,
			uint32_t nb)
{
	return na == nb && (!na || !memcmp(a, b, na * sizeof(*a)));
}

/*
 * Read one process's maps and write them as a set, unless a re-read found
 * them unchanged. Returns the new ranges (to keep) through r and n.
 */
static int read_one(struct kms_mapsrec *m, int32_t pid, int what, const struct mr_proc *old,
		    struct kms_range **r, uint32_t *n)
{
	char path[64], line[4400], *text, *pos;
	struct kms_map map;
	uint32_t cap = 0;
	int ret;

	*r = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	text = kms_read_file(path, NULL);
	if (!text || !*text) {
		free(text);
		return -1;
	}
	for (pos = text; (ret = kms_maps_next(&pos, &map)) != 0 && *n < MR_MAX_MAPS;) {
		if (ret < 0)
			continue;
		if (*n == cap) {
			struct kms_range *nr;

			cap = cap ? cap * 2 : 64;
			nr = realloc(*r, cap * sizeof(*nr));
			if (!nr)
				break;
			*r = nr;
		}
		(*r)[(*n)++] = (struct kms_range){ map.start, map.end };
	}
	if (what == MR_REREAD && same_ranges(*r, *n, old->r, old->n)) {
		free(text);
		return 1;
	}
	/* maps lines are in address order: written as they are, parsed again below */
	free(text);
	text = kms_read_file(path, NULL);
	if (!text)
		return -1;
	snprintf(line, sizeof(line), "kmemscope-maps %d begin", (int)pid);
	mark(m, line);
	for (pos = text; (ret = kms_maps_next(&pos, &map)) != 0;) {
		if (ret < 0)
			continue;
		snprintf(line, sizeof(line), "kmemscope-maps %d %llx-%llx %s %llx %.4096s", (int)pid,
			 map.start, map.end, map.perms, map.offset, map.name);
		mark(m, line);
	}
	snprintf(line, sizeof(line), "kmemscope-maps %d end", (int)pid);
	mark(m, line);
	free(text);
	return 0;
}

/* Do the reads that are wanted; the lock is held on entry and exit. */
static void do_reads(struct kms_mapsrec *m)
{
	struct { int32_t pid; int what; struct mr_proc old; } todo[MR_BATCH];
	const void *k;
	void *v;
	size_t pos = 0;
	int i, nt = 0;

	while (nt < MR_BATCH && kms_hmap_next(&m->procs, &pos, &k, &v)) {
		struct mr_proc *p = v;

		if (!p->want)
			continue;
		todo[nt].pid = *(const int32_t *)k;
		todo[nt].what = p->want;
		todo[nt].old = *p;
		p->want = MR_NONE;
		p->reading = 1;
		nt++;
	}
	for (i = 0; i < nt; i++) {
		int32_t pid = todo[i].pid, tgid;
		struct kms_range *r = NULL;
		struct mr_proc *p;
		uint32_t n = 0;
		char line[96];
		int ret;

		pthread_mutex_unlock(&m->lock);
		tgid = todo[i].what == MR_READ ? tgid_of(pid) : pid;
		if (tgid > 0 && tgid != pid) {
			snprintf(line, sizeof(line), "kmemscope-maps %d thread %d", (int)pid, (int)tgid);
			mark(m, line);
			ret = 2;
		} else {
			ret = read_one(m, pid, todo[i].what, &todo[i].old, &r, &n);
			if (ret < 0 && todo[i].what == MR_READ) {
				snprintf(line, sizeof(line), "kmemscope-maps %d gone", (int)pid);
				mark(m, line);
			}
		}
		pthread_mutex_lock(&m->lock);
		p = kms_hmap_find(&m->procs, &pid);
		if (!p) {
			free(r);
			continue;
		}
		p->written = 1;
		p->reading = 0;
		p->reads++;
		if (ret == 2) {
			p->alias = tgid;
			/* the leader's maps again: the thread's faults may be in new mappings */
			want(m, tgid, MR_REREAD);
		} else if (ret == 0) {
			free(p->r);
			p->r = r;
			p->n = n;
			r = NULL;
		}
		free(r);
		if ((ret < 0 || p->exited) && !p->want) {
			free(p->r);
			kms_hmap_del(&m->procs, &pid);
		}
	}
}

/* The thread: reads wanted, every tick, until stopped (one last round then). */
static void *run(void *arg)
{
	struct kms_mapsrec *m = arg;

	pthread_mutex_lock(&m->lock);
	for (;;) {
		struct timespec ts;
		bool last = m->stopping;

		do_reads(m);
		if (last)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += MR_TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&m->wake, &m->lock, &ts);
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

struct kms_mapsrec *kms_mapsrec_start(struct kms_session *s)
{
	struct kms_mapsrec *m = calloc(1, sizeof(*m));
	struct tep_handle *tep;

	if (!m) {
		kms_error(KMS_ERR_NOMEM, "out of memory");
		return NULL;
	}
	m->s = s;
	m->fd = -1;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->wake, NULL);
	if (kms_hmap_init(&m->procs, sizeof(int32_t), sizeof(struct mr_proc)))
		goto nomem;
	tep = tep_alloc();
	if (!tep)
		goto nomem;
	find_event(m, tep, "sched", "sched_process_fork", "child_pid", &m->fork);
	find_event(m, tep, "sched", "sched_process_exec", "pid", &m->exec);
	find_event(m, tep, "sched", "sched_process_exit", "pid", &m->exit);
	find_event(m, tep, "exceptions", "page_fault_user", "address", &m->fault_user);
	find_event(m, tep, "exceptions", "page_fault_kernel", "address", &m->fault_kernel);
	tep_free(tep);
	m->fd = tracefs_instance_file_open(s->inst, "trace_marker", O_WRONLY);
	if (m->fd < 0) {
		kms_error(KMS_ERR_FAIL, "cannot open %s/trace_marker: %s", s->name, strerror(errno));
		goto fail;
	}
	s->markers = 1;
	if (pthread_create(&m->thread, NULL, run, m)) {
		kms_error(KMS_ERR_FAIL, "cannot start the maps thread");
		goto fail;
	}
	m->running = true;
	return m;
nomem:
	kms_error(KMS_ERR_NOMEM, "out of memory");
fail:
	kms_mapsrec_free(m);
	return NULL;
}

void kms_mapsrec_stop(struct kms_mapsrec *m)
{
	const void *k;
	void *v;
	size_t pos = 0;

	if (!m)
		return;
	if (m->running) {
		pthread_mutex_lock(&m->lock);
		m->stopping = true;
		pthread_cond_signal(&m->wake);
		pthread_mutex_unlock(&m->lock);
		pthread_join(m->thread, NULL);
		m->running = false;
	}
	pthread_mutex_lock(&m->lock);
	m->stopped = true;
	pthread_mutex_unlock(&m->lock);
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	while (kms_hmap_next(&m->procs, &pos, &k, &v)) {
		free(((struct mr_proc *)v)->r);
		((struct mr_proc *)v)->r = NULL;
	}
}

void kms_mapsrec_free(struct kms_mapsrec *m)
{
	if (!m)
		return;
	kms_mapsrec_stop(m);
	kms_hmap_free(&m->procs);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->wake);
	free(m);
}
