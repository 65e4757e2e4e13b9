/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring buffer's memory-mapped reader (Linux 6.10 and later,
 * Documentation/trace/ring-buffer-map.rst): one CPU's trace_pipe_raw is
 * mapped read-only, a meta page at offset 0 and every sub-buffer after it
 * in the order of their ids; TRACE_MMAP_IOCTL_GET_READER hands the reader
 * sub-buffer to user space, swapping in the next one when the last was
 * consumed. No page is copied by read() or splice().
 *
 * Which path the readers take is decided here, once: KMEMSCOPE_READ=auto
 * (the default: mmap where the kernel allows it, else splice), mmap (fail
 * where it cannot be mapped) or splice.
 */
#ifndef KMS_RBMAP_H
#define KMS_RBMAP_H

#include <stdbool.h>
#include <stddef.h>

struct tracefs_instance;

enum kms_read_path {
	KMS_READ_AUTO,
	KMS_READ_MMAP,
	KMS_READ_SPLICE,
};

/* The path KMEMSCOPE_READ asks for; -1 (with the error) on a bad value. */
int kms_read_path_wanted(void);
/* "auto", "mmap" or "splice". */
const char *kms_read_path_name(int path);

struct kms_rbmap_meta;

/* One CPU's mapping and how far its reader sub-buffer was handed out. */
struct kms_rbmap {
	int			fd;
	struct kms_rbmap_meta	*meta;
	size_t			meta_len;
	unsigned char		*data;
	size_t			data_len;
	unsigned int		subbuf_size;	/* with its header */
	unsigned int		nr_subbufs;
	unsigned int		long_size;	/* of the sub-buffer header's commit word */
	unsigned int		id;		/* the reader sub-buffer last seen */
	unsigned int		done;		/* its data bytes handed out */
	bool			held;		/* its bytes up to held_end are held back */
	unsigned int		held_end;
	unsigned long long	lost;		/* the kernel's count at the swap, until its first piece */
};

/*
 * A run of records of the reader sub-buffer: data bytes [off, end) of
 * page. page stays valid (the kernel does not write below end) until the
 * next kms_rbmap_next(). lost is the kernel's count of events lost before
 * the page when it was swapped in (0 on later pieces of the same page).
 */
struct kms_rbmap_piece {
	const unsigned char	*page;
	unsigned int		off, end;
	unsigned long long	lost;
	bool			last;	/* the writer has left the page: end is its end */
};

/*
 * Map trace_pipe_raw (fd, opened O_RDONLY | O_NONBLOCK) whose sub-buffers
 * are subbuf_size bytes (0: whatever the meta page says). Returns 0, or -1
 * with errno set and why filled with the reason (ENODEV: a kernel before 6.10; EBUSY: a snapshot is
 * configured), recording no error: the caller falls back to splice.
 */
int kms_rbmap_open(struct kms_rbmap *m, int fd, unsigned int subbuf_size, int long_size,
		   char *why, size_t len);
/*
 * Ask the kernel for the reader sub-buffer and return what of it is new:
 * 1 with the piece, 0 when nothing is, -1 (with the error) on failure.
 * Pieces come in the kernel's order; each is consumed by asking again.
 * Without partial, the records of a sub-buffer the writer is still on are
 * held back (the kernel keeps it as the reader until it was handed out
 * whole), so that its pieces are not written as pages of their own.
 */
int kms_rbmap_next(struct kms_rbmap *m, struct kms_rbmap_piece *p, bool partial);
/*
 * kms_rbmap_next() with the kernel's part passed in: ask() stands for
 * TRACE_MMAP_IOCTL_GET_READER (0, or -1 with errno set) and may change
 * the reader on m->meta. For tests, which drive it against a meta page and
 * sub-buffers of their own (m->meta at the ABI's offsets, m->data, and the
 * geometry and reader kms_rbmap_open() would have set).
 */
int kms_rbmap_take(struct kms_rbmap *m, struct kms_rbmap_piece *p, bool partial,
		   int (*ask)(struct kms_rbmap *m));
/* Unmap (the descriptor stays open: it is the caller's). */
void kms_rbmap_close(struct kms_rbmap *m);

/*
 * For check: which path a recording of inst would take, with the reason
 * in why ("mmap" or "splice" is returned). Maps cpu0 of inst, which must
 * be an instance of our own, and asks once for its reader.
 */
const char *kms_rbmap_probe(struct tracefs_instance *inst, char *why, size_t len);

#endif
