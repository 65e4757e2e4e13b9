// SPDX-License-Identifier: GPL-2.0
/*
 * Structural check of a trace.dat before libtracecmd reads it. The file
 * may come from another machine and be damaged or hostile; libtracecmd,
 * libtraceevent and kbuffer trust its lengths, counts and texts, and crash,
 * loop or allocate without bound on bad ones. So every section must be
 * present and inside the file, every option known and of a sane size, CPU
 * counts and ids small, the texts the libraries parse well formed, and
 * every data page's commit inside the page with records that walk to its
 * end (for the pages source/mmfile.c reads in place, that walk tests them
 * instead, as it reads them: KMS_CHECK_PAGES_LATER). A damaged file is
 * refused here with a message naming the field.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <trace-cmd/trace-cmd.h>

#include "base/kms.h"
#include "tracedat/check.h"
#include "tracedat/check-internal.h"
#include "tracefs/subbuf.h"

/* Record "PATH: corrupt trace.dat: MESSAGE"; returns -1. */
int check_corrupt(struct rd *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return kms_error(KMS_ERR_CORRUPT, "%s: corrupt trace.dat: %s", r->path, msg);
}

/* Up to 60 bytes of file text for a message, on one line, printable only. */
const char *check_excerpt(char *dst, size_t size, const char *src, size_t len)
{
	size_t i;

	if (len > 60)
		len = 60;
	if (len > size - 1)
		len = size - 1;
	for (i = 0; i < len && src[i]; i++)
		dst[i] = src[i] == '\t' ? ' ' : src[i] >= 0x20 && src[i] <= 0x7e ? src[i] : '?';
	dst[i] = '\0';
	return dst;
}

/* Read (or skip, buf NULL) n bytes at the position, inside r->size. */
int rd_bytes(struct rd *r, void *buf, uint64_t n, const char *what)
{
	if (n > r->size || r->pos > r->size - n)
		return check_corrupt(r, "truncated: %s at offset %llu runs past the end (%llu bytes)",
			       what, (unsigned long long)r->pos, (unsigned long long)r->size);
	if (buf && pread(r->fd, buf, n, r->pos) != (ssize_t)n)
		return kms_error(KMS_ERR_INPUT, "%s: reading %s: %s", r->path, what,
				 errno ? strerror(errno) : "short read");
	r->pos += n;
	return 0;
}

/* Fixed-width integers in the file's (our) byte order: u16, u32, u64. */
int rd_u16(struct rd *r, uint16_t *v, const char *what) { return rd_bytes(r, v, 2, what); }
int rd_u32(struct rd *r, uint32_t *v, const char *what) { return rd_bytes(r, v, 4, what); }
int rd_u64(struct rd *r, uint64_t *v, const char *what) { return rd_bytes(r, v, 8, what); }

/* Read a NUL-terminated string of at most MAX_NAME bytes. */
int rd_str(struct rd *r, char *buf, size_t len, const char *what)
{
	size_t i = 0;
	char c;

	do {
		if (rd_bytes(r, &c, 1, what))
			return -1;
		if (++i > MAX_NAME)
			return check_corrupt(r, "%s at offset %llu is not a string (no NUL in %d bytes)",
				       what, (unsigned long long)(r->pos - i), MAX_NAME);
		if (buf && i < len)
			buf[i - 1] = c;
	} while (c);
	if (buf)
		buf[i < len ? i - 1 : len - 1] = '\0';
	return 0;
}

/* Whether a block of n bytes (at most max) is in the file from here: 0, or -1 in its words. */
static int rd_fits(struct rd *r, uint64_t n, uint64_t max, const char *what)
{
	if (n > max)
		return check_corrupt(r, "%s at offset %llu claims %llu bytes (at most %llu)", what,
				     (unsigned long long)r->pos, (unsigned long long)n,
				     (unsigned long long)max);
	if (n > r->size || r->pos > r->size - n)
		return rd_bytes(r, NULL, n, what);	/* truncated */
	return 0;
}

/* Read n bytes (at most max) into a new NUL-terminated buffer. */
char *rd_blob(struct rd *r, uint64_t n, uint64_t max, const char *what)
{
	char *buf;

	if (rd_fits(r, n, max, what))
		return NULL;
	buf = malloc(n + 1);
	if (!buf) {
		kms_error(KMS_ERR_NOMEM, "%s: out of memory reading %s", r->path, what);
		return NULL;
	}
	if (rd_bytes(r, buf, n, what)) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* A NUL-terminated text option of at most max bytes. */
static int check_opt_text(struct rd *r, const char *buf, uint32_t size, uint32_t max, int id)
{
	if (!size || size > max || !memchr(buf, '\0', size))
		return check_corrupt(r, "option %s (%u bytes) is not a NUL-terminated text of at most %u bytes",
			       opt_names[id], size, max);
	return 0;
}

/* A sub-buffer size: a power of two from 4 KiB (64 B for tests) to MAX_PAGE. */
int check_page_size(struct rd *r, uint64_t page, const char *what)
{
	if (page < 64 || page > MAX_PAGE || (page & (page - 1)))
		return check_corrupt(r, "%s page size %llu is not a power of two up to %d", what,
			       (unsigned long long)page, MAX_PAGE);
	return 0;
}

/* One CPU's uncompressed pages: in the file, whole pages, commits inside them. */
int check_cpu_pages(struct rd *r, const char *buf, uint64_t cpu, uint64_t off,
			   uint64_t size, unsigned int page)
{
	struct kms_subbuf sb;
	const char *bad;
	uint64_t p;

	if (!size)
		return 0;
	if (off > r->fsize || size > r->fsize - off)
		return check_corrupt(r, "truncated: data of %sCPU %llu (%llu bytes at %llu) ends past the end of the file",
			       buf, (unsigned long long)cpu, (unsigned long long)size,
			       (unsigned long long)off);
	if (size % page)
		return check_corrupt(r, "data of %sCPU %llu (%llu bytes) is not whole pages of %u bytes",
			       buf, (unsigned long long)cpu, (unsigned long long)size, page);
	if (!r->long_size)
		return check_corrupt(r, "CPU data before header_page");
	if (r->pages_later && !r->v7 && !*buf)
		return 0;	/* their reader walks them (KMS_CHECK_PAGES_LATER) */
	for (p = 0; p < size; p += page) {
		if (pread(r->fd, r->page, page, off + p) != (ssize_t)page)
			return kms_error(KMS_ERR_INPUT, "%s: reading CPU data: %s", r->path,
					 errno ? strerror(errno) : "short read");
		if (kms_subbuf_parse(r->page, page, r->long_size, &sb, NULL))
			return check_corrupt(r, "page at %llu of %sCPU %llu: %s", (unsigned long long)(off + p),
				       buf, (unsigned long long)cpu, kms_strerror());
		bad = kms_subbuf_end_error(r->page, r->long_size, sb.commit, sb.end, sb.null_pad);
		if (bad)
			return check_corrupt(r, "page at %llu of %sCPU %llu: %s (at %u of a commit of %u)",
				       (unsigned long long)(off + p), buf, (unsigned long long)cpu, bad,
				       sb.end, sb.commit);
	}
	return 0;
}

/* Allocate the page buffer for pages of size page. */
int page_buffer(struct rd *r, unsigned int page)
{
	unsigned char *p;

	if (page <= r->page_cap)
		return 0;
	p = realloc(r->page, page);
	if (!p)
		return kms_error(KMS_ERR_NOMEM, "%s: out of memory", r->path);
	r->page = p;
	r->page_cap = page;
	return 0;
}

/* header_page and header_event blocks (v6 after the header, v7 HEADER_INFO). */
int check_headers(struct rd *r)
{
	uint64_t n;
	char tag[13];
	char *buf;
	int ret;

	if (rd_bytes(r, tag, 12, "header_page") || memcmp(tag, "header_page", 12))
		return check_corrupt(r, "no header_page block at offset %llu", (unsigned long long)r->pos - 12);
	if (rd_u64(r, &n, "header_page size"))
		return -1;
	buf = rd_blob(r, n, 65536, "header_page");
	if (!buf)
		return -1;
	ret = check_header_page(r, buf, n);
	free(buf);
	if (ret)
		return -1;
	if (rd_bytes(r, tag, 13, "header_event") || memcmp(tag, "header_event", 13))
		return check_corrupt(r, "no header_event block");
	if (rd_u64(r, &n, "header_event size"))
		return -1;
	if (n > 65536)
		return check_corrupt(r, "header_event claims %llu bytes", (unsigned long long)n);
	return rd_bytes(r, NULL, n, "header_event");
}

/* A u32 count of formats, each a u64 size and an event format text. */
int check_format_list(struct rd *r, const char *sys)
{
	char what[MAX_NAME + 96], ex[64];
	uint32_t count, i;
	uint64_t n;
	char *buf;
	int ret;

	if (rd_u32(r, &count, sys ? "event count" : "ftrace format count"))
		return -1;
	if (count > MAX_EVENTS)
		return check_corrupt(r, "%u formats in %s", count, sys ? "a system" : "ftrace formats");
	for (i = 0; i < count; i++) {
		if (sys)
			snprintf(what, sizeof(what), "event format %u of system '%s'", i + 1,
				 check_excerpt(ex, sizeof(ex), sys, strlen(sys)));
		else
			snprintf(what, sizeof(what), "ftrace format %u", i + 1);
		if (rd_u64(r, &n, what))
			return -1;
		buf = rd_blob(r, n, MAX_FORMAT, what);
		if (!buf)
			return -1;
		ret = check_format(r, buf, n, what);
		free(buf);
		if (ret)
			return -1;
	}
	return 0;
}

/* The event systems, each a name and a list of event formats. */
int check_systems(struct rd *r)
{
	char sys[MAX_NAME + 1];
	uint32_t nsys, i;

	if (rd_u32(r, &nsys, "event systems"))
		return -1;
	if (nsys > MAX_EVENTS)
		return check_corrupt(r, "%u event systems", nsys);
	for (i = 0; i < nsys; i++)
		if (rd_str(r, sys, sizeof(sys), "system name") || check_format_list(r, sys))
			return -1;
	return 0;
}

/*
 * n bytes of text with no NUL but at their end (kallsyms, saved cmdlines),
 * a chunk at a time: megabytes of kallsyms are not copied whole into memory
 * of their own (faulted in, then freed) for one scan.
 */
static int check_no_nul_chunked(struct rd *r, uint64_t n, const char *what)
{
	char chunk[1 << 16];
	uint64_t done, len;

	if (rd_fits(r, n, MAX_TEXT, what))
		return -1;
	for (done = 0; done < n; done += len) {
		len = n - done < sizeof(chunk) ? n - done : sizeof(chunk);
		if (rd_bytes(r, chunk, len, what) || check_no_nul_piece(r, chunk, len, done, n, what))
			return -1;
	}
	return 0;
}

/* A text block with a 4- or 8-byte size: kallsyms, printk formats, cmdlines. */
int check_text_block(struct rd *r, int width, const char *what, int printk)
{
	uint32_t s32;
	uint64_t n;
	char *buf;
	int ret;

	if (width == 4) {
		if (rd_u32(r, &s32, what))
			return -1;
		n = s32;
	} else if (rd_u64(r, &n, what)) {
		return -1;
	}
	if (!n)
		return 0;
	if (!printk)
		return check_no_nul_chunked(r, n, what);
	buf = rd_blob(r, n, MAX_TEXT, what);
	if (!buf)
		return -1;
	ret = check_printk(r, buf, n);
	free(buf);
	return ret;
}

/* One option, its id known and its size sane. */
int check_option(struct rd *r, uint16_t id, const char *buf, uint32_t size)
{
	struct hook_list *hook;
	char ex[64];
	uint32_t v32;
	uint64_t v64;

	if (id >= OPT_NR)
		return check_corrupt(r, "unknown option id %u (%u bytes)", id, size);
	switch (id) {
	case OPT_DATE:
	case OPT_OFFSET:
		return check_opt_text(r, buf, size, 64, id);
	case OPT_CPUSTAT:
		return check_opt_text(r, buf, size, 65536, id);
	case OPT_TRACECLOCK:
		r->traceclock = 1;
		/* kmemscope's writer stored "[clock]" without a NUL: libtracecmd stops at ']' */
		if (size && size <= 4096 && !memchr(buf, '\0', size) &&
		    memchr(buf, '[', size) && memchr(buf, ']', size))
			return 0;
		return check_opt_text(r, buf, size, 4096, id);
	case OPT_UNAME:
	case OPT_VERSION:
		return check_opt_text(r, buf, size, 4096, id);
	case OPT_PROCMAPS:
		return check_opt_text(r, buf, size, MAX_OPTION, id);
	case OPT_HOOK:
		if (check_opt_text(r, buf, size, 4096, id))
			return -1;
		hook = tracecmd_create_event_hook(buf);
		if (!hook)
			return check_corrupt(r, "option HOOK '%s' is not a hook",
				       check_excerpt(ex, sizeof(ex), buf, size));
		tracecmd_free_hooks(hook);
		return 0;
	case OPT_CPUCOUNT:
		if (size != 4)
			return check_corrupt(r, "option CPUCOUNT of %u bytes", size);
		memcpy(&v32, buf, 4);
		if (v32 > MAX_CPUS)
			return check_corrupt(r, "option CPUCOUNT %u (at most %d)", v32, MAX_CPUS);
		if (!r->v7 && v32 != r->ncpus)	/* v6 reads this many CPU table entries */
			return check_corrupt(r, "option CPUCOUNT %u, but the file has %u CPUs", v32, r->ncpus);
		r->ncpus = v32;
		r->cpucount_seen = 1;
		return 0;
	case OPT_TRACEID:
		return size == 8 ? 0 : check_corrupt(r, "option TRACEID of %u bytes", size);
	case OPT_TSC2NSEC:
		return size == 16 ? 0 : check_corrupt(r, "option TSC2NSEC of %u bytes", size);
	case OPT_TIME_SHIFT:
	case OPT_GUEST:
		/* host-guest tracing: the libraries index arrays by counts read here */
		return check_corrupt(r, "option %s (host-guest tracing) is not supported", opt_names[id]);
	case OPT_BUFFER:
		if (r->v7)
			return check_v7_buffer(r, (const unsigned char *)buf, size, &v64);
		/* v6: u64 offset of the instance's CPU table, name */
		if (size < 9 || !memchr(buf + 8, '\0', size - 8) || size - 8 > MAX_NAME)
			return check_corrupt(r, "option BUFFER of %u bytes has no name", size);
		memcpy(&v64, buf, 8);
		if (v64 > r->fsize)
			return check_corrupt(r, "option BUFFER points past the end of the file (%llu)",
				       (unsigned long long)v64);
		return 0;
	case OPT_BUFFER_TEXT:
		if (!r->v7)
			return check_corrupt(r, "option BUFFER_TEXT in a v6 file");
		return kms_error(KMS_ERR_INPUT, "%s: a latency tracer's trace.dat: it holds no events to report",
				 r->path);
	case OPT_STRINGS:
	case OPT_HEADER_INFO:
	case OPT_FTRACE_EVENTS:
	case OPT_EVENT_FORMATS:
	case OPT_KALLSYMS:
	case OPT_PRINTK:
	case OPT_CMDLINES:
		if (!r->v7)
			return check_corrupt(r, "section option %s in a v6 file", opt_names[id]);
		if (size != 8)
			return check_corrupt(r, "option %s of %u bytes", opt_names[id], size);
		memcpy(&v64, buf, 8);
		if (v64 >= r->fsize)
			return check_corrupt(r, "truncated: section %s at %llu is past the end", opt_names[id],
				       (unsigned long long)v64);
		r->sections[id] = v64;
		return 0;
	}
	return 0;
}

/* v6 instance buffers (BUFFER options): a flyrecord marker, a CPU table of (offset, size). */
static int check_v6_buffers(struct rd *r, uint64_t *offs, int n)
{
	uint64_t off, size;
	char tag[10];
	uint32_t i;
	int b;

	for (b = 0; b < n; b++) {
		r->pos = offs[b];
		r->size = r->fsize;
		/* as read_options_type() and read_cpu_data() read it */
		if (rd_bytes(r, tag, 10, "instance data marker"))
			return -1;
		if (memcmp(tag, "flyrecord", 10))
			return check_corrupt(r, "instance buffer %d at %llu has no flyrecord marker", b + 1,
				       (unsigned long long)offs[b]);
		for (i = 0; i < r->ncpus; i++) {
			if (rd_u64(r, &off, "buffer cpu table") || rd_u64(r, &size, "buffer cpu table"))
				return -1;
			if (check_cpu_pages(r, "an instance's ", i, off, size, r->page_size))
				return -1;
		}
	}
	return 0;
}

/* v6: the blocks in their fixed order, the options, the CPU data. */
static int check_v6(struct rd *r)
{
	uint64_t off, size, bufs[MAX_BUFFERS];
	uint32_t osize, i;
	uint16_t opt;
	int nbufs = 0;
	char tag[10], *buf;

	if (check_headers(r) || check_format_list(r, NULL) || check_systems(r) ||
	    check_text_block(r, 4, "kallsyms", 0) || check_text_block(r, 4, "printk formats", 1) ||
	    check_text_block(r, 8, "saved cmdlines", 0) || rd_u32(r, &r->ncpus, "cpu count"))
		return -1;
	if (r->ncpus > MAX_CPUS)
		return check_corrupt(r, "%u CPUs (at most %d)", r->ncpus, MAX_CPUS);
	if (rd_bytes(r, tag, 10, "options or data marker"))
		return -1;
	if (!memcmp(tag, "options  ", 10)) {
		for (;;) {
			if (rd_u16(r, &opt, "option"))
				return -1;
			if (!opt)
				break;
			if (rd_u32(r, &osize, "option size"))
				return -1;
			buf = rd_blob(r, osize, MAX_OPTION, "option");
			if (!buf)
				return -1;
			if (opt == OPT_BUFFER && nbufs == MAX_BUFFERS) {
				free(buf);
				return check_corrupt(r, "more than %d BUFFER options", MAX_BUFFERS);
			}
			if (opt == OPT_BUFFER && osize >= 8)
				memcpy(&bufs[nbufs++], buf, 8);
			if (check_option(r, opt, buf, osize)) {
				free(buf);
				return -1;
			}
			free(buf);
		}
		if (rd_bytes(r, tag, 10, "data marker"))
			return -1;
	}
	if (!memcmp(tag, "latency  ", 10))	/* (libtracecmd crashes iterating one) */
		return kms_error(KMS_ERR_INPUT, "%s: a latency tracer's trace.dat: it holds no events to report",
				 r->path);
	if (memcmp(tag, "flyrecord", 10))
		return check_corrupt(r, "no flyrecord section");
	for (i = 0; i < r->ncpus; i++) {
		if (rd_u64(r, &off, "cpu table") || rd_u64(r, &size, "cpu table"))
			return -1;
		if (check_cpu_pages(r, "", i, off, size, r->page_size))
			return -1;
	}
	/* with a TRACECLOCK option, the clock's text follows the CPU table */
	if (r->traceclock) {
		if (rd_u64(r, &size, "trace clock size"))
			return -1;
		if (size > 4096)
			return check_corrupt(r, "trace clock claims %llu bytes", (unsigned long long)size);
		if (rd_bytes(r, NULL, size, "trace clock"))
			return -1;
	}
	return check_v6_buffers(r, bufs, nbufs);
}

/* Check that path is a trace.dat whose structure is sound (file header on). */
int kms_tracedat_check(const char *path, unsigned int flags)
{
	unsigned char magic[10];
	struct rd r = { .path = path, .pages_later = !!(flags & KMS_CHECK_PAGES_LATER) };
	struct stat st;
	char ver[8];
	unsigned char hdr[2];
	uint32_t page;
	int ret;

	/* stat first: open() of a FIFO blocks until a writer comes */
	if (stat(path, &st) < 0)
		return kms_error(KMS_ERR_INPUT, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return kms_error(KMS_ERR_INPUT, "%s: not a regular file", path);
	r.fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (r.fd < 0)
		return kms_error(KMS_ERR_INPUT, "%s: %s", path, strerror(errno));
	if (fstat(r.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(r.fd);
		return kms_error(KMS_ERR_INPUT, "%s: not a regular file", path);
	}
	r.size = r.fsize = st.st_size;
	if (r.size < 10 || rd_bytes(&r, magic, 10, "magic") ||
	    memcmp(magic, "\x17\x08\x44tracing", 10)) {
		close(r.fd);
		return kms_error(KMS_ERR_INPUT, "%s: not a trace.dat file (bad magic)", path);
	}
	ret = rd_str(&r, ver, sizeof(ver), "version") || rd_bytes(&r, hdr, 2, "header") ||
	      rd_u32(&r, &page, "page size");
	if (!ret && hdr[0] != (*(const uint16_t *)"\1\0" == 1 ? 0 : 1))
		ret = kms_error(KMS_ERR_INPUT, "%s: written on a machine of the other byte order", path);
	if (!ret && hdr[1] != 4 && hdr[1] != 8)
		ret = check_corrupt(&r, "long size %u is neither 4 nor 8", hdr[1]);
	if (!ret && !check_page_size(&r, page, "file header:")) {
		r.page_size = page;
		ret = page_buffer(&r, page);
	} else if (!ret) {
		ret = -1;
	}
	if (!ret && !strcmp(ver, "6")) {
		ret = check_v6(&r);
	} else if (!ret && !strcmp(ver, "7")) {
		r.v7 = 1;
		ret = check_v7(&r);
	} else if (!ret) {
		ret = kms_error(KMS_ERR_INPUT, "%s: unsupported trace.dat version '%s'", path, ver);
	}
	free(r.page);
	close(r.fd);
	return ret ? -1 : 0;
}
