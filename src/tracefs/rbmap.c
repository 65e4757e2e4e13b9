// SPDX-License-Identifier: GPL-2.0
/*
 * The ring buffer's memory-mapped reader, from the kernel's documented ABI
 * (include/uapi/linux/trace_mmap.h, which Debian 12's headers lack), and
 * the one place that decides between it and splice.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <tracefs.h>

#include "base/kms.h"
#include "tracefs/rbmap.h"
#include "tracefs/subbuf.h"

/* struct trace_buffer_meta of 6.10 and later: the meta page's start. */
struct kms_rbmap_meta {
	uint32_t	meta_page_size;
	uint32_t	meta_struct_len;
	uint32_t	subbuf_size;	/* with the sub-buffer header */
	uint32_t	nr_subbufs;	/* the reader's included */
	struct {
		uint64_t	lost_events;	/* before the reader, at its swap */
		uint32_t	id;		/* reader sub-buffer, 0 .. nr_subbufs-1 */
		uint32_t	read;		/* its data bytes consumed */
	} reader;
	uint64_t	flags;
	uint64_t	entries;
	uint64_t	overrun;
	uint64_t	read;
	uint64_t	reserved1;
	uint64_t	reserved2;
};

_Static_assert(sizeof(struct kms_rbmap_meta) == 80, "trace_buffer_meta is 80 bytes");

#ifndef TRACE_MMAP_IOCTL_GET_READER
#define TRACE_MMAP_IOCTL_GET_READER	_IO('R', 0x20)
#endif

/* The path KMEMSCOPE_READ asks for. */
int kms_read_path_wanted(void)
{
	const char *v = getenv("KMEMSCOPE_READ");

	if (!v || !*v)		/* splice by default: cheaper here (docs/performance.md) */
		return KMS_READ_SPLICE;
	if (!strcmp(v, "auto"))
		return KMS_READ_AUTO;
	if (!strcmp(v, "mmap"))
		return KMS_READ_MMAP;
	if (!strcmp(v, "splice"))
		return KMS_READ_SPLICE;
	return kms_error(KMS_ERR_USAGE, "KMEMSCOPE_READ=%s: expected auto, mmap or splice", v);
}

/* A path by name. */
const char *kms_read_path_name(int path)
{
	return path == KMS_READ_MMAP ? "mmap" : path == KMS_READ_SPLICE ? "splice" : "auto";
}

/*
 * A mapping or the reader ioctl was refused: say why in the reader's
 * words, undo what m has mapped, and return -1 with errno as the refusal
 * left it.
 */
static int refused(struct kms_rbmap *m, char *why, size_t len, const char *what)
{
	int err = errno;
	const char *hint = err == ENODEV ? " (a kernel before 6.10 cannot map it)" :
			   err == EBUSY ? " (a snapshot is configured on the instance)" :
			   err == ENOTTY ? " (a kernel without TRACE_MMAP_IOCTL_GET_READER)" : "";

	snprintf(why, len, "%s: %s%s", what, strerror(err), hint);
	kms_rbmap_close(m);
	errno = err;
	return -1;
}

/* Volatile reads: the kernel updates the meta page under us. */
static uint32_t meta_u32(const volatile uint32_t *p)
{
	return *p;
}

/* Ask the kernel for the reader sub-buffer (kms_rbmap_take()'s ask). */
static int get_reader(struct kms_rbmap *m)
{
	return ioctl(m->fd, TRACE_MMAP_IOCTL_GET_READER);
}

/* Map the meta page, then the sub-buffers, and ask for the reader once. */
int kms_rbmap_open(struct kms_rbmap *m, int fd, unsigned int subbuf_size, int long_size,
		   char *why, size_t len)
{
	long psize = sysconf(_SC_PAGESIZE);
	void *p;

	memset(m, 0, sizeof(*m));
	m->fd = fd;
	m->long_size = long_size;
	p = mmap(NULL, psize, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return refused(m, why, len, "mmap of trace_pipe_raw");
	m->meta = p;
	m->meta_len = psize;
	if (m->meta->meta_page_size > (uint32_t)psize) {	/* larger meta pages: map them whole */
		size_t mlen = m->meta->meta_page_size;

		munmap(p, psize);
		m->meta = NULL;
		p = mmap(NULL, mlen, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return refused(m, why, len, "mmap of the meta page");
		m->meta = p;
		m->meta_len = mlen;
	}
	m->subbuf_size = m->meta->subbuf_size;
	m->nr_subbufs = m->meta->nr_subbufs;
	if (m->meta->meta_struct_len < sizeof(*m->meta) ||
	    (subbuf_size && m->subbuf_size != subbuf_size) || m->subbuf_size < 8 + 2 * 8 ||
	    !m->nr_subbufs || m->meta->meta_page_size % psize) {
		snprintf(why, len, "meta page describes %u sub-buffers of %u bytes (header_page: %u), "
			 "struct of %u bytes", m->nr_subbufs, m->subbuf_size, subbuf_size,
			 m->meta->meta_struct_len);
		kms_rbmap_close(m);
		errno = EINVAL;
		return -1;
	}
	m->data_len = (size_t)m->subbuf_size * m->nr_subbufs;
	p = mmap(NULL, m->data_len, PROT_READ, MAP_SHARED, fd, m->meta->meta_page_size);
	if (p == MAP_FAILED)
		return refused(m, why, len, "mmap of the sub-buffers");
	m->data = p;
	/* What was consumed before we mapped is not ours to hand out. */
	m->id = meta_u32(&m->meta->reader.id);
	m->done = meta_u32(&m->meta->reader.read);
	/* Ask once, so that a kernel that maps but lacks the ioctl falls back now. */
	if (get_reader(m) < 0)
		return refused(m, why, len, "TRACE_MMAP_IOCTL_GET_READER");
	snprintf(why, len, "trace_pipe_raw mmap (6.10+): %u sub-buffers of %u bytes",
		 m->nr_subbufs, m->subbuf_size);
	return 0;
}

/*
 * Has the writer left the sub-buffer (its records up to rd final)? It
 * pads a page it leaves to the end, or, when what is left is smaller than
 * the smallest record (8 bytes), leaves the commit short of the end; a
 * page swapped in after losses may end early, but the kernel flags it,
 * and the writer is not on it.
 */
static bool complete(const struct kms_rbmap *m, const unsigned char *page, unsigned int rd)
{
	unsigned int data = m->subbuf_size - 8 - m->long_size;

	if (rd + 8 > data)
		return true;
	return kms_subbuf_commit_word(page, m->long_size) & KMS_RB_MISSED_EVENTS;
}

/*
 * Hand out data bytes [m->done, end) of page as the next piece; the page's
 * first piece carries the count of events lost before it.
 */
static int hand_out(struct kms_rbmap *m, struct kms_rbmap_piece *p, const unsigned char *page,
		    unsigned int end, bool last)
{
	p->page = page;
	p->off = m->done;
	p->end = end;
	p->last = last;
	p->lost = 0;
	if (!p->off) {
		p->lost = m->lost;
		m->lost = 0;
	}
	m->done = end;
	m->held = false;
	return 1;
}

/* The next piece of the reader sub-buffer, asking with ask() when needed. */
int kms_rbmap_take(struct kms_rbmap *m, struct kms_rbmap_piece *p, bool partial,
		   int (*ask)(struct kms_rbmap *m))
{
	unsigned int id = meta_u32(&m->meta->reader.id);
	unsigned int rd = meta_u32(&m->meta->reader.read);
	const unsigned char *page;
	bool last;

	/*
	 * Ask only when everything the meta page shows was handed out (or
	 * held back): the ioctl takes the whole reader sub-buffer as read,
	 * and swaps it out when it was, so what it showed must be passed on
	 * first.
	 */
	if ((id == m->id && rd <= m->done) || m->held) {
		if (ask(m) < 0)
			return kms_error(KMS_ERR_FAIL, "TRACE_MMAP_IOCTL_GET_READER: %s",
					 strerror(errno));
		id = meta_u32(&m->meta->reader.id);
		rd = meta_u32(&m->meta->reader.read);
	}
	if (id >= m->nr_subbufs || rd > m->subbuf_size - 8 - m->long_size)
		return kms_error(KMS_ERR_FAIL, "meta page: reader sub-buffer %u of %u, read %u",
				 id, m->nr_subbufs, rd);
	if (m->held && id != m->id) {
		/*
		 * Swapped out with records held back: the kernel gives a page
		 * up only after handing it out whole, so this is not expected;
		 * pass them on (the writer reaches the page again only after
		 * the whole ring) rather than drop them.
		 */
		return hand_out(m, p, m->data + (size_t)m->id * m->subbuf_size, m->held_end, true);
	}
	if (id != m->id || rd < m->done) {	/* a new reader (or the buffer was reset) */
		m->id = id;
		m->done = 0;
		m->held = false;
		m->lost = m->meta->reader.lost_events;
	}
	if (rd <= m->done)
		return 0;
	page = m->data + (size_t)id * m->subbuf_size;
	last = complete(m, page, rd);
	if (!partial && !last) {
		m->held = true;
		m->held_end = rd;
		return 0;
	}
	return hand_out(m, p, page, rd, last);
}

/* The next piece of the reader sub-buffer, asking the kernel when needed. */
int kms_rbmap_next(struct kms_rbmap *m, struct kms_rbmap_piece *p, bool partial)
{
	return kms_rbmap_take(m, p, partial, get_reader);
}

/* Unmap the sub-buffers and the meta page. */
void kms_rbmap_close(struct kms_rbmap *m)
{
	if (m->data)
		munmap(m->data, m->data_len);
	if (m->meta)
		munmap(m->meta, m->meta_len);
	m->data = NULL;
	m->meta = NULL;
}

/* Which read path inst would get, and why (for check). */
const char *kms_rbmap_probe(struct tracefs_instance *inst, char *why, size_t len)
{
	int wanted = kms_read_path_wanted();
	struct kms_rbmap m;
	char *path, how[200];
	int fd, ret;

	if (wanted < 0) {
		snprintf(why, len, "%s", kms_strerror());
		return "splice";
	}
	path = tracefs_instance_get_file(inst, "per_cpu/cpu0/trace_pipe_raw");
	fd = path ? open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
	if (fd < 0) {
		snprintf(how, sizeof(how), "cannot open %s: %s", path ? path : "trace_pipe_raw",
			 strerror(errno));
		ret = -1;
	} else {
		ret = kms_rbmap_open(&m, fd, 0, sizeof(long), how, sizeof(how));
		if (!ret)
			kms_rbmap_close(&m);
		close(fd);
	}
	tracefs_put_tracing_file(path);
	if (wanted == KMS_READ_SPLICE) {
		const char *v = getenv("KMEMSCOPE_READ");

		snprintf(why, len, "%s (mmap: %s)", v && *v ? "KMEMSCOPE_READ=splice chooses it" :
			 "the default; KMEMSCOPE_READ=auto or mmap maps the buffer",
			 ret ? how : "would work");
		return "splice";
	}
	if (ret && wanted == KMS_READ_MMAP)
		snprintf(why, len, "%s; KMEMSCOPE_READ=mmap makes record and top fail", how);
	else
		snprintf(why, len, "%s", how);
	return ret ? "splice" : "mmap";
}
