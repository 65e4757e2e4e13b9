// SPDX-License-Identifier: GPL-2.0
/*
 * Recorded maps: the "kmemscope-maps" lines record writes into a recording
 * (source/mapsrec.h) become, per process, a sorted array of address ranges
 * with their names, in which each user fault's address is looked up by
 * binary search for the faults_by_mapping table, when the processes are
 * long gone. A set describes the maps when it was written, so a fault that
 * no set covers yet (before the first set, after an exec, or in a mapping
 * made since the last set) waits, in a bounded pool chained per process,
 * for the next set of its process; what is still waiting at the end, of a
 * process that exited before its maps were read again, is shown as
 * "[maps not recorded]".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/internal.h"
#include "base/kms.h"
#include "base/maps.h"

#define RM_MAX_PENDING	(1u << 18)	/* faults waiting for a set: 4 MiB */
#define RM_MAX_MAPS	65536		/* ranges in one set */

struct rm_range { struct kms_range span; uint32_t name, pad; };

/* One process's recorded maps (a value of the rmaps map). */
struct rm_proc {
	struct rm_range	*r, *b;		/* the set in force, the set being read */
	uint32_t	n, ncap, bn, bcap;
	int32_t		alias;		/* a thread: its group leader's maps */
	int32_t		pending;	/* first waiting fault, or -1 */
	uint8_t		valid;		/* r describes the process now */
	uint8_t		gone;		/* it exited before its maps were read */
	uint8_t		seen;		/* the entry is initialised */
	uint8_t		sets;		/* a set was read */
};

/* A fault waiting for its process's next set. */
struct rm_pend {
	int32_t		next, pid;
	uint64_t	addr;
	uint8_t		exec;		/* an exec replaced the maps it faulted in */
};

struct kms_rmaps {
	struct kms_hmap	procs;		/* int32 pid -> rm_proc */
	struct rm_pend	*pool;
	uint32_t	npool, cap;
	int32_t		free;		/* free list in the pool, or -1 */
	uint64_t	dropped;	/* faults past the pool's bound */
	uint64_t	replaced;	/* faults in maps an exec replaced unread */
	int64_t		id_anon, id_unmapped, id_norec;
	char		note[200];
};

static const char rm_tag[] = "kmemscope-maps ";

/* The recorded maps of the analysis, made at the first maps line. */
static struct kms_rmaps *rmaps(struct kms_analysis *a)
{
	struct kms_rmaps *m = a->rmaps;

	if (m)
		return m;
	m = calloc(1, sizeof(*m));
	if (!m || kms_hmap_init(&m->procs, sizeof(int32_t), sizeof(struct rm_proc))) {
		free(m);
		return NULL;
	}
	m->free = -1;
	m->id_anon = kms_intern_str(&a->strs, "[anon]");
	m->id_unmapped = kms_intern_str(&a->strs, "[unmapped]");
	m->id_norec = kms_intern_str(&a->strs, "[maps not recorded]");
	if (m->id_anon < 0 || m->id_unmapped < 0 || m->id_norec < 0) {
		kms_hmap_free(&m->procs);
		free(m);
		return NULL;
	}
	a->rmaps = m;
	return m;
}

/* The process's entry, made on first sight; NULL when out of memory. */
static struct rm_proc *proc(struct kms_rmaps *m, int32_t pid)
{
	struct rm_proc *p = KMS_HMAP_GET(&m->procs, &pid, NULL);

	if (p && !p->seen) {
		p->pending = -1;
		p->seen = 1;
	}
	return p;
}

/* Count one fault of pid in mapping name. */
static int count(struct kms_analysis *a, int32_t pid, int64_t name)
{
	struct fm_key k = { .pid = pid, .map = (uint32_t)name };
	uint64_t *n = KMS_HMAP_GET(&a->fmaps, &k, NULL);

	if (!n)
		return -1;
	(*n)++;
	return 0;
}

/* The name of the range of set p holding addr, or -1. */
static int64_t lookup(const struct rm_proc *p, uint64_t addr)
{
	long i = kms_range_find(p->r, p->n, sizeof(*p->r), addr);

	return i < 0 ? -1 : (int64_t)p->r[i].name;
}

int kms_rmaps_fault(struct kms_analysis *a, int32_t pid, uint64_t addr)
{
	struct kms_rmaps *m = a->rmaps;
	struct rm_proc *p;
	struct rm_pend *e;
	int32_t owner = pid, i;
	int64_t name;

	if (!m) {
		/* maps lines come after the first faults: make room to wait for them */
		m = rmaps(a);
		if (!m)
			return -1;
	}
	p = KMS_HMAP_FIND(&m->procs, &pid);
	if (p && p->alias)
		owner = p->alias;
	if (!p || p->alias || !p->seen)	/* else proc() would return p as it is */
		p = proc(m, owner);
	if (!p)
		return -1;
	if (p->valid && (name = lookup(p, addr)) >= 0)
		return count(a, pid, name);
	/* wait for the owner's next set */
	if (m->free >= 0) {
		i = m->free;
		m->free = m->pool[i].next;
	} else if (m->npool < m->cap) {
		i = m->npool++;
	} else if (m->cap < RM_MAX_PENDING) {
		uint32_t cap = m->cap ? m->cap * 2 : 1024;
		struct rm_pend *np = realloc(m->pool, cap * sizeof(*np));

		if (!np)
			return -1;
		m->pool = np;
		m->cap = cap;
		i = m->npool++;
	} else {
		m->dropped++;
		return count(a, pid, m->id_norec);
	}
	e = &m->pool[i];
	e->pid = pid;
	e->addr = addr;
	e->exec = 0;
	e->next = p->pending;
	p->pending = i;
	return 0;
}

/* A set is complete: it is in force, and the faults waiting for it are counted. */
static int set_end(struct kms_analysis *a, struct kms_rmaps *m, struct rm_proc *p)
{
	struct rm_range *t = p->r;
	uint32_t tcap = p->ncap;
	int32_t i, next;

	p->r = p->b;
	p->n = p->bn;
	p->ncap = p->bcap;
	p->b = t;
	p->bcap = tcap;
	p->bn = 0;
	p->valid = 1;
	p->sets = 1;
	p->gone = 0;
	for (i = p->pending; i >= 0; i = next) {
		int64_t name = lookup(p, m->pool[i].addr);

		/* not in the maps after an exec: it was in the maps the exec replaced */
		if (name < 0 && m->pool[i].exec) {
			name = m->id_norec;
			m->replaced++;
		} else if (name < 0) {
			name = m->id_unmapped;
		}
		next = m->pool[i].next;
		if (count(a, m->pool[i].pid, name) < 0)
			return -1;
		m->pool[i].next = m->free;
		m->free = i;
	}
	p->pending = -1;
	return 0;
}

/* One range of the set being read. */
static int set_add(struct kms_analysis *a, struct rm_proc *p, const char *s)
{
	unsigned long long start, end;
	char perms[8];
	int off = 0;
	int64_t name;

	if (sscanf(s, "%llx-%llx %7s %*x %n", &start, &end, perms, &off) < 3 || !off ||
	    end < start || p->bn >= RM_MAX_MAPS)
		return 0;	/* not ours, or past the bound: skipped */
	s += off;
	name = *s ? kms_intern_str(&a->strs, s) : a->rmaps->id_anon;
	if (name < 0)
		return -1;
	if (p->bn == p->bcap) {
		uint32_t cap = p->bcap ? p->bcap * 2 : 64;
		struct rm_range *nb = realloc(p->b, cap * sizeof(*nb));

		if (!nb)
			return -1;
		p->b = nb;
		p->bcap = cap;
	}
	/* maps lines come in address order; one out of order is dropped */
	if (p->bn && start < p->b[p->bn - 1].span.end)
		return 0;
	p->b[p->bn++] = (struct rm_range){ { start, end }, (uint32_t)name, 0 };
	return 0;
}

/* "PID begin|end|gone|thread TGID|START-END PERMS OFFSET NAME", after the tag. */
static int maps_line(struct kms_analysis *a, const char *buf, int len)
{
	struct kms_rmaps *m = rmaps(a);
	char line[4400], word[16];
	struct rm_proc *p;
	int n = 0, pid, tgid;

	if (!m)
		return -1;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || !buf[len - 1]))
		len--;
	snprintf(line, sizeof(line), "%.*s", len, buf);
	if (sscanf(line, "%d %n", &pid, &n) != 1 || pid <= 0 || !n)
		return 0;
	p = proc(m, pid);
	if (!p)
		return -1;
	if (sscanf(line + n, "%15s", word) != 1)
		return 0;
	if (!strcmp(word, "begin")) {
		p->bn = 0;
	} else if (!strcmp(word, "end")) {
		return set_end(a, m, p);
	} else if (!strcmp(word, "gone")) {
		p->gone = 1;
	} else if (!strcmp(word, "thread")) {
		if (sscanf(line + n, "thread %d", &tgid) == 1 && tgid > 0 && tgid != pid) {
			p->alias = tgid;
			/* what the thread waited for waits on its leader */
			if (p->pending >= 0) {
				int32_t i = p->pending, last;
				struct rm_proc *l;

				p->pending = -1;
				l = proc(m, tgid);	/* may move p: not used after */
				if (!l)
					return -1;
				for (; i >= 0; i = last) {
					int64_t name = l->valid ? lookup(l, m->pool[i].addr) : -1;

					last = m->pool[i].next;
					if (name >= 0) {
						/* in the leader's maps: counted, the entry freed */
						if (count(a, m->pool[i].pid, name) < 0)
							return -1;
						m->pool[i].next = m->free;
						m->free = i;
					} else {
						m->pool[i].next = l->pending;
						l->pending = i;
					}
				}
			}
		}
	} else {
		return set_add(a, p, line + n);
	}
	return 0;
}

int kms_rmaps_print(struct kms_analysis *a, const char *buf, int len)
{
	int n = (int)sizeof(rm_tag) - 1;

	if (!buf || len <= n || memcmp(buf, rm_tag, n))
		return 1;
	return maps_line(a, buf + n, len - n) < 0 ? -1 : 0;
}

void kms_rmaps_exec(struct kms_analysis *a, int32_t pid)
{
	struct rm_proc *p;
	int32_t i;

	if (!a->rmaps)
		return;
	p = kms_hmap_find(&a->rmaps->procs, &pid);
	if (!p)
		return;
	p->valid = 0;	/* its faults wait for the maps read after the exec */
	for (i = p->pending; i >= 0; i = a->rmaps->pool[i].next)
		a->rmaps->pool[i].exec = 1;
}

int kms_rmaps_emit(struct kms_proj *p)
{
	struct kms_analysis *a = p->a;
	struct kms_rmaps *m = a->rmaps;
	uint64_t waiting = 0;
	unsigned int procs = 0, gone = 0;
	const void *kp;
	void *vp;
	size_t pos = 0;

	while (m && kms_hmap_next(&m->procs, &pos, &kp, &vp)) {
		const struct rm_proc *r = vp;

		procs += r->sets || r->gone || r->alias;
		gone += r->gone;
	}
	if (!procs) {
		/* no maps lines: a recording of the whole system, or an older one */
		p->note = "no maps in this source: record captures them for a command, -p or --cgroup (top shows mappings live)";
		return 0;
	}
	pos = 0;
	while (kms_hmap_next(&m->procs, &pos, &kp, &vp)) {
		const struct rm_proc *r = vp;
		int32_t i;

		for (i = r->pending; i >= 0; i = m->pool[i].next) {
			int64_t f[KMS_SLOT__MAX] = { 0 };

			f[KMS_SLOT_PID] = m->pool[i].pid;
			f[KMS_SLOT_COMM] = kms_comm_of(a, m->pool[i].pid);
			f[KMS_SLOT_MAPPING] = m->id_norec;
			f[KMS_SLOT_FAULTS] = 1;
			if (kms_proj_add(p, f))
				return -1;
			waiting++;
		}
	}
	waiting += m->dropped + m->replaced;
	if (waiting || gone) {
		snprintf(m->note, sizeof(m->note),
			 "mappings from the recorded maps of %u processes; %llu faults on [maps not recorded]: their process exited (%u before any read) or exec'd before its maps were read again",
			 procs, (unsigned long long)waiting, gone);
		p->note = m->note;
	}
	return 0;
}

void kms_rmaps_free(struct kms_analysis *a)
{
	struct kms_rmaps *m = a->rmaps;
	const void *k;
	void *v;
	size_t pos = 0;

	if (!m)
		return;
	while (kms_hmap_next(&m->procs, &pos, &k, &v)) {
		free(((struct rm_proc *)v)->r);
		free(((struct rm_proc *)v)->b);
	}
	kms_hmap_free(&m->procs);
	free(m->pool);
	free(m);
	a->rmaps = NULL;
}
