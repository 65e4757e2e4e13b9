// SPDX-License-Identifier: GPL-2.0
/*
 * Uncompressed v6 flyrecord data read in place over a read-only mmap:
 * one cursor per CPU over its pages, merged with a heap by timestamp.
 */
#include <endian.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "base/kms.h"
#include "source/mmfile.h"
#include "source/mmfile-int.h"
#include "tracefs/subbuf.h"

/* A cursor over the map: reads fail once past the end. */
struct mm_rd {
	const unsigned char	*p;
	size_t			pos, len;
};

/* Step over n bytes; -1 past the end. */
static int rd_skip(struct mm_rd *r, uint64_t n)
{
	if (n > r->len - r->pos)
		return -1;
	r->pos += n;
	return 0;
}

/* Read a 4- or 8-byte integer in host order (the file's order was checked). */
static int rd_num(struct mm_rd *r, unsigned int n, uint64_t *v)
{
	uint32_t v32;

	if (n > r->len - r->pos)
		return -1;
	if (n == 8)
		memcpy(v, r->p + r->pos, 8);
	else {
		memcpy(&v32, r->p + r->pos, 4);
		*v = v32;
	}
	r->pos += n;
	return 0;
}

/* Step over a section of a size field n bytes wide and its contents. */
static int rd_sized(struct mm_rd *r, unsigned int n)
{
	uint64_t sz;

	return rd_num(r, n, &sz) || rd_skip(r, sz);
}

/* Step over a NUL-terminated string. */
static int rd_str(struct mm_rd *r)
{
	const void *end = memchr(r->p + r->pos, '\0', r->len - r->pos);

	if (!end)
		return -1;
	r->pos = (const unsigned char *)end - r->p + 1;
	return 0;
}

/* Options that leave timestamps and buffers as they are: CPUSTAT,
 * TRACECLOCK, UNAME, HOOK, CPUCOUNT, VERSION, PROCMAPS, TRACEID. */
static int option_ok(unsigned int id)
{
	return id == 2 || id == 4 || id == 5 || id == 6 || (id >= 8 && id <= 11);
}

/*
 * Walk the v6 headers up to the flyrecord table. Returns 1 with r at the
 * table, 0 if the file needs libtracecmd, -1 if it is cut short.
 */
static int walk_headers(struct kms_mmfile *m, struct mm_rd *r)
{
	uint64_t n, nsys, nev, ncpus, i, j, v;
	int host_big = __BYTE_ORDER == __BIG_ENDIAN;

	if (r->len < 10 || memcmp(r->p, "\027\010\104tracing", 10))
		return 0;
	r->pos = 10;
	if (r->len < 14 || memcmp(r->p + 10, "6", 2))
		return 0;	/* v7 sections, compressed or not: libtracecmd */
	r->pos = 12;
	if (r->len - r->pos < 6 || r->p[r->pos] != host_big)
		return 0;
	r->pos += 2;	/* endian, long size */
	if (rd_num(r, 4, &v))
		return -1;
	m->page_size = v;
	if (rd_skip(r, 12) || rd_sized(r, 8) || rd_skip(r, 13) || rd_sized(r, 8) ||
	    rd_num(r, 4, &n))
		return -1;
	for (i = 0; i < n; i++)
		if (rd_sized(r, 8))
			return -1;
	if (rd_num(r, 4, &nsys))
		return -1;
	for (i = 0; i < nsys; i++) {
		if (rd_str(r) || rd_num(r, 4, &nev))
			return -1;
		for (j = 0; j < nev; j++)
			if (rd_sized(r, 8))
				return -1;
	}
	m->ks_pos = r->pos;
	if (rd_num(r, 4, &v) || rd_skip(r, v))
		return -1;
	m->ks_size = v;
	if (rd_sized(r, 4))
		return -1;
	m->cm_pos = r->pos;
	if (rd_num(r, 8, &v) || rd_skip(r, v) || rd_num(r, 4, &ncpus))
		return -1;
	m->cm_size = v;
	m->ncpus = ncpus;
	if (r->len - r->pos < 10)
		return -1;
	if (!memcmp(r->p + r->pos, "options  ", 10)) {
		r->pos += 10;
		for (;;) {
			uint16_t id;

			if (r->len - r->pos < 2)
				return -1;
			memcpy(&id, r->p + r->pos, 2);
			r->pos += 2;
			if (!id)
				break;
			if (!option_ok(id))
				return 0;
			if (rd_sized(r, 4))
				return -1;
		}
	}
	if (r->len - r->pos < 10 || memcmp(r->p + r->pos, "flyrecord", 10))
		return 0;	/* latency data */
	r->pos += 10;
	m->table_pos = r->pos;
	return 1;
}

/* Page problem at data offset p of CPU cpu, in the structural check's words; -1. */
static int page_error(const struct kms_mmfile *m, int cpu, uint64_t p, const char *what)
{
	return kms_error(KMS_ERR_CORRUPT, "%s: corrupt trace.dat: page at %llu of CPU %d: %s",
			 m->path, (unsigned long long)(m->cpus[cpu].base + p - m->map), cpu, what);
}

/*
 * The walk met a corrupt page (c's). The structural check (tracedat/
 * check.c) leaves the pages of data read in place to this walk
 * (KMS_CHECK_PAGES_LATER), so that the data is read once; the verdict is
 * still the check's: its tests over the pages in its order (CPU 0's,
 * then CPU 1's...), the first that fails named in its words.
 */
static int page_corrupt(const struct kms_mmfile *m, const struct mm_cpu *c, const char *what)
{
	char buf[200];
	uint64_t p;
	int i;

	for (i = 0; i < m->ncpus; i++)
		for (p = 0; p + m->page_size <= m->cpus[i].size; p += m->page_size) {
			const unsigned char *pg = m->cpus[i].base + p;
			struct kms_subbuf sb;
			const char *bad;

			if (kms_subbuf_parse(pg, m->page_size, m->long_size, &sb, NULL))
				return page_error(m, i, p, kms_strerror());
			bad = kms_subbuf_end_error(pg, m->long_size, sb.commit, sb.end, sb.null_pad);
			if (bad) {
				snprintf(buf, sizeof(buf), "%s (at %u of a commit of %u)", bad, sb.end,
					 sb.commit);
				return page_error(m, i, p, buf);
			}
		}
	return page_error(m, c->rec.cpu, c->page - c->base, what);	/* (the tests agree: not reached) */
}

/* The end of the CPU's page: where its walk stopped must be where kbuffer's would. */
static int page_done(const struct kms_mmfile *m, const struct mm_cpu *c)
{
	const struct kms_subbuf_iter *it = &c->it;

	if (!kms_subbuf_end_error(c->page, m->long_size, it->len, it->off, it->off + 4 <= it->len))
		return 0;
	return page_corrupt(m, c, "bytes after its last record");
}

/* Load the CPU's next page with a record; 0 when its data ends. */
static int load_page(struct kms_mmfile *m, struct mm_cpu *c)
{
	while (c->next < c->size) {
		const unsigned char *page = c->base + c->next;
		uint64_t room = c->size - c->next;
		unsigned int psize = room < m->page_size ? room : m->page_size;
		unsigned int hdr = 8 + m->long_size;
		struct kms_subbuf sb;
		uint32_t first;

		c->next += psize;
		c->page = page;
		if (psize < m->page_size)	/* (the check refuses data of part pages) */
			return kms_error(KMS_ERR_INPUT, "%s: corrupt: short page at offset %llu",
					 m->path, (unsigned long long)(page - m->map));
		if (kms_subbuf_header(page, psize, m->long_size, &sb))
			return page_corrupt(m, c, kms_strerror());
		kms_subbuf_iter_init(&c->it, page, m->long_size, &sb);
		c->missed = 0;
		/* libtracecmd's kbuffer reports lost events only on a page whose first record is data */
		if (sb.missed && sb.commit >= 4) {
			memcpy(&first, page + hdr, 4);
			if ((first & 0x1f) <= 28)
				c->missed = sb.missed_stored ? (long long)sb.missed_count : -1;
		}
		/* from the page's own offset: to never falls before the CPU's data, released only grows */
		if (c->next - psize >= c->released + KMS_MM_RELEASE + KMS_MM_MARGIN) {
			uintptr_t from = (uintptr_t)(c->base + c->released),
				  to = (uintptr_t)page - KMS_MM_MARGIN;

			from = (from + m->sys_page - 1) & ~(uintptr_t)(m->sys_page - 1);
			to &= ~(uintptr_t)(m->sys_page - 1);
			if (to > from) {
				madvise((void *)from, to - from, MADV_DONTNEED);
				c->released = (const unsigned char *)to - c->base;
			}
		}
		if (sb.commit)
			return 1;
	}
	return 0;
}

/*
 * The CPU's first record from its next pages on (its page ran out): 1, 0
 * at the end of its data, -1 if corrupt. The lost events the page tells
 * are the record's, and counted in m->missed_sum.
 */
static __attribute__((noinline)) int next_page_record(struct kms_mmfile *m, struct mm_cpu *c,
						      struct tep_record *out, int r,
						      const void **payload, unsigned int *len,
						      unsigned long long *ts)
{
	for (;;) {
		if (r < 0)
			return page_corrupt(m, c, "corrupt record in sub-buffer");
		if (c->page && page_done(m, c))
			return -1;
		r = load_page(m, c);
		if (r <= 0)
			return r;
		out->missed_events = c->missed;
		r = kms_subbuf_next(&c->it, payload, len, ts);
		if (r > 0)
			break;
	}
	if (out->missed_events > 0)
		m->missed_sum += out->missed_events;
	return 1;
}

/* Advance the CPU to its next record, into out: 1, 0 at its end, -1 if corrupt. */
static inline __attribute__((always_inline)) int next_record(struct kms_mmfile *m, struct mm_cpu *c,
							     struct tep_record *out)
{
	unsigned long long ts;
	const void *payload;
	unsigned int len;
	int r;

	out->missed_events = 0;
	r = kms_subbuf_next(&c->it, &payload, &len, &ts);
	if (__builtin_expect(r <= 0, 0) && (r = next_page_record(m, c, out, r, &payload, &len, &ts)) <= 0)
		return r;
	__builtin_prefetch((const char *)payload + 256);	/* the page's lines before the decoder needs them */
	out->ts = ts;
	out->data = (void *)payload;
	out->size = len;
	out->cpu = c->rec.cpu;
	return 1;
}

/* Earlier record first; on equal timestamps the lower CPU, as libtracecmd. */
static int before(const struct kms_mmfile *m, int a, int b)
{
	unsigned long long ta = m->cpus[a].rec.ts, tb = m->cpus[b].rec.ts;

	return ta < tb || (ta == tb && a < b);
}

/* Restore the heap order from slot i down. */
static void sift_down(struct kms_mmfile *m, int i)
{
	int *h = m->heap, n = m->nheap, l, s, t;

	for (;;) {
		l = 2 * i + 1;
		s = i;
		if (l < n && before(m, h[l], h[s]))
			s = l;
		if (l + 1 < n && before(m, h[l + 1], h[s]))
			s = l + 1;
		if (s == i)
			return;
		t = h[i];
		h[i] = h[s];
		h[s] = t;
		i = s;
	}
}

/* Map the file and find each CPU's data, when this path can read it. */
int kms_mmfile_open(struct kms_mmfile **out, const char *path)
{
	struct kms_mmfile *m;
	struct mm_rd r;
	struct stat st;
	int fd, ret, i;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);	/* (a FIFO's open would wait for a writer) */
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		if (fd >= 0)
			close(fd);
		return 0;	/* libtracecmd read it: let it go on */
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		close(fd);
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	}
	m->path = path;
	m->len = st.st_size;
	m->map = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m->map == MAP_FAILED) {
		free(m);
		return 0;
	}
	madvise(m->map, m->len, MADV_SEQUENTIAL);
	m->sys_page = sysconf(_SC_PAGESIZE);
	r = (struct mm_rd){ m->map, 0, m->len };
	ret = walk_headers(m, &r);
	if (ret <= 0 || m->ncpus <= 0 || m->page_size < 16 ||
	    r.len - r.pos < (size_t)m->ncpus * 16) {
		kms_mmfile_close(m);
		return ret < 0 ? kms_error(KMS_ERR_INPUT, "%s: truncated headers", path) : 0;
	}
	m->cpus = calloc(m->ncpus, sizeof(*m->cpus));
	m->heap = calloc(m->ncpus, sizeof(*m->heap));
	if (!m->cpus || !m->heap) {
		kms_mmfile_close(m);
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < m->ncpus; i++) {
		uint64_t off = 0, size = 0;

		rd_num(&r, 8, &off);
		rd_num(&r, 8, &size);
		if (off > m->len || size > m->len - off) {
			kms_mmfile_close(m);
			return kms_error(KMS_ERR_INPUT, "%s: truncated: data of CPU %d ends past the end of the file",
					 path, i);
		}
		m->cpus[i].base = m->map + off;
		m->cpus[i].size = size;
		m->cpus[i].rec.cpu = i;
		m->cpus[i].rec.ref_count = 1;
	}
	for (i = 0; i <= KMS_MM_RUN; i++) {
		m->run[i].ref_count = 1;
	}
	*out = m;
	return 0;
}

/* A run's place in the file's counts (its lost events: m->missed_sum), as file.c's libtracecmd path counts them. */
static inline void note_run(struct kms_file *f, const struct tep_record *run, int n)
{
	if (!f->events)
		f->first_ts = run[0].ts;
	f->events += n;
	f->last_ts = run[n - 1].ts;
}

/*
 * Merge the CPUs' records by timestamp into fn, a run at a time: the top
 * CPU's records while they stay earliest (up to KMS_MM_RUN), in m->run.
 */
int kms_mmfile_iterate_runs(struct kms_mmfile *m, struct kms_file *f, kms_records_fn fn, void *ctx)
{
	int i, r, n, ret = 0;

	m->long_size = tep_get_header_page_size(f->tep);
	if (m->long_size != 4 && m->long_size != 8)
		return kms_error(KMS_ERR_INPUT, "%s: page headers with a %d-byte commit field",
				 m->path, m->long_size);
	f->cur_buffer = "";
	m->nheap = 0;
	m->missed_sum = 0;
	for (i = 0; i < m->ncpus; i++) {
		struct mm_cpu *c = &m->cpus[i];

		c->next = c->released = 0;
		c->it.off = c->it.len = 0;
		c->page = NULL;
		r = next_record(m, c, &c->rec);
		if (r < 0)
			return -1;
		if (r)
			m->heap[m->nheap++] = i;
	}
	for (i = m->nheap / 2 - 1; i >= 0; i--)
		sift_down(m, i);
	while (m->nheap) {
		int top = m->heap[0], next;
		struct mm_cpu *c = &m->cpus[top];
		struct tep_record *run = m->run;
		/* the top CPU runs while its records come before tb (on a tie, while tie) */
		unsigned long long tb = ULLONG_MAX;
		bool tie = true;

		/* the top CPU runs until it passes the earliest of the others (a child of the top) */
		if (m->nheap > 1) {
			next = m->nheap > 2 && before(m, m->heap[2], m->heap[1]) ? m->heap[2] : m->heap[1];
			tb = m->cpus[next].rec.ts;
			tie = top < next;
		}
		run[0] = c->rec;
		n = 0;
		do {
			r = next_record(m, c, &run[++n]);
		} while (r > 0 && n < KMS_MM_RUN && (run[n].ts < tb || (run[n].ts == tb && tie)));
		note_run(f, run, n);
		ret = fn(f->tep, run, n, ctx);
		if (ret < 0 || r < 0) {
			f->missed_flags += m->missed_sum;
			return -1;	/* fn's error stands, or the data's */
		}
		if (r)
			c->rec = run[n];
		else
			m->heap[0] = m->heap[--m->nheap];
		sift_down(m, 0);
	}
	f->missed_flags += m->missed_sum;
	return 0;
}

struct each_record {
	kms_record_fn	fn;
	void		*ctx;
};

/* A run handed on a record at a time, the gap before one first. */
static int each_record(struct tep_handle *tep, struct tep_record *recs, int n, void *ctx)
{
	const struct each_record *e = ctx;
	int i, ret;

	for (i = 0; i < n; i++) {
		if (recs[i].missed_events) {
			ret = e->fn(tep, NULL, recs[i].cpu, recs[i].missed_events, e->ctx);
			if (ret < 0)
				return -1;
			if (ret)
				continue;	/* (as this path did before runs: the record is skipped) */
		}
		if (e->fn(tep, &recs[i], recs[i].cpu, 0, e->ctx) < 0)
			return -1;
	}
	return 0;
}

/* Merge the CPUs' records by timestamp into fn, a record at a time. */
int kms_mmfile_iterate(struct kms_mmfile *m, struct kms_file *f, kms_record_fn fn, void *ctx)
{
	struct each_record e = { fn, ctx };

	return kms_mmfile_iterate_runs(m, f, each_record, &e);
}

/* Unmap the file. */
void kms_mmfile_close(struct kms_mmfile *m)
{
	if (!m)
		return;
	free(m->comms);
	free(m->cm_text);
	if (m->map && m->map != MAP_FAILED)
		munmap(m->map, m->len);
	free(m->cpus);
	free(m->heap);
	free(m);
}
