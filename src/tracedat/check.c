// SPDX-License-Identifier: GPL-2.0
/*
 * Structural check of a trace.dat before libtracecmd reads it: every
 * length and offset must lie inside the file. libtracecmd trusts them and
 * crashes on truncated CPU data, so a damaged file is refused here with a
 * message naming what is wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "base/kms.h"
#include "tracedat/check.h"

struct rd {
	int		fd;
	const char	*path;
	uint64_t	size;
	uint64_t	pos;
};

/* Read n bytes at the position, or fail naming what was truncated. */
static int rd_bytes(struct rd *r, void *buf, uint64_t n, const char *what)
{
	if (n > r->size || r->pos > r->size - n)
		return kms_error(KMS_ERR_INPUT, "%s: truncated: %s at offset %llu runs past the end (%llu bytes)",
				 r->path, what, (unsigned long long)r->pos,
				 (unsigned long long)r->size);
	if (buf && pread(r->fd, buf, n, r->pos) != (ssize_t)n)
		return kms_error(KMS_ERR_INPUT, "%s: %s", r->path, strerror(errno));
	r->pos += n;
	return 0;
}

/* Fixed-size reads. */
static int rd_u16(struct rd *r, uint16_t *v, const char *what) { return rd_bytes(r, v, 2, what); }
static int rd_u32(struct rd *r, uint32_t *v, const char *what) { return rd_bytes(r, v, 4, what); }
static int rd_u64(struct rd *r, uint64_t *v, const char *what) { return rd_bytes(r, v, 8, what); }

/* Skip a NUL-terminated string. */
static int rd_str(struct rd *r, char *buf, size_t len, const char *what)
{
	char c;
	size_t i = 0;

	do {
		if (rd_bytes(r, &c, 1, what))
			return -1;
		if (buf && i < len - 1)
			buf[i++] = c;
	} while (c);
	if (buf)
		buf[i] = '\0';
	return 0;
}

/* Skip a block preceded by its 4- or 8-byte size. */
static int rd_sized(struct rd *r, int width, const char *what)
{
	uint32_t s32;
	uint64_t s;

	if (width == 4) {
		if (rd_u32(r, &s32, what))
			return -1;
		s = s32;
	} else if (rd_u64(r, &s, what)) {
		return -1;
	}
	return rd_bytes(r, NULL, s, what);
}

/* A CPU data block must lie inside the file. */
static int check_cpu(struct rd *r, int cpu, uint64_t off, uint64_t size)
{
	if (off > r->size || size > r->size - off)
		return kms_error(KMS_ERR_INPUT, "%s: truncated: data of CPU %d (%llu bytes at %llu) ends past the end of the file",
				 r->path, cpu, (unsigned long long)size, (unsigned long long)off);
	return 0;
}

/* The sections of a version 6 file, in their fixed order. */
static int check_v6(struct rd *r)
{
	uint32_t n, nsys, nev, ncpus, i, j, osize;
	uint16_t opt;
	char tag[16];
	uint64_t off, size;

	if (rd_bytes(r, tag, 12, "header_page") || memcmp(tag, "header_page", 12))
		return kms_error(KMS_ERR_INPUT, "%s: corrupt: no header_page section", r->path);
	if (rd_sized(r, 8, "header_page") || rd_bytes(r, tag, 13, "header_event") ||
	    memcmp(tag, "header_event", 13) || rd_sized(r, 8, "header_event"))
		return kms_error(KMS_ERR_INPUT, "%s: %s", r->path, "corrupt or truncated header_event");
	if (rd_u32(r, &n, "ftrace formats"))
		return -1;
	for (i = 0; i < n; i++)
		if (rd_sized(r, 8, "ftrace format"))
			return -1;
	if (rd_u32(r, &nsys, "event systems"))
		return -1;
	for (i = 0; i < nsys; i++) {
		if (rd_str(r, NULL, 0, "system name") || rd_u32(r, &nev, "event count"))
			return -1;
		for (j = 0; j < nev; j++)
			if (rd_sized(r, 8, "event format"))
				return -1;
	}
	if (rd_sized(r, 4, "kallsyms") || rd_sized(r, 4, "printk formats") ||
	    rd_sized(r, 8, "saved cmdlines") || rd_u32(r, &ncpus, "cpu count"))
		return -1;
	if (ncpus > 8192)
		return kms_error(KMS_ERR_INPUT, "%s: corrupt: %u CPUs", r->path, ncpus);
	if (rd_bytes(r, tag, 10, "options or data marker"))
		return -1;
	if (!memcmp(tag, "options  ", 10)) {
		for (;;) {
			if (rd_u16(r, &opt, "option"))
				return -1;
			if (!opt)
				break;
			if (rd_u32(r, &osize, "option size") || rd_bytes(r, NULL, osize, "option"))
				return -1;
		}
		if (rd_bytes(r, tag, 10, "data marker"))
			return -1;
	}
	if (!memcmp(tag, "latency  ", 10))
		return 0;
	if (memcmp(tag, "flyrecord", 10))
		return kms_error(KMS_ERR_INPUT, "%s: corrupt: no flyrecord section", r->path);
	for (i = 0; i < ncpus; i++) {
		if (rd_u64(r, &off, "cpu table") || rd_u64(r, &size, "cpu table"))
			return -1;
		if (size && check_cpu(r, i, off, size))
			return -1;
	}
	return 0;
}

/* v7: follow the chain of uncompressed OPTIONS sections; check BUFFER data. */
static int check_v7(struct rd *r)
{
	uint64_t next, secsize, end, off, size;
	uint16_t id, flags, opt;
	uint32_t strid, osize, ncpus, cpu, i;
	int hops = 0;

	if (rd_str(r, NULL, 0, "compression name") || rd_str(r, NULL, 0, "compression version") ||
	    rd_u64(r, &next, "options offset"))
		return -1;
	while (next) {
		if (++hops > 1000)
			return kms_error(KMS_ERR_INPUT, "%s: corrupt: options sections loop", r->path);
		r->pos = next;
		if (rd_u16(r, &id, "section") || rd_u16(r, &flags, "section") ||
		    rd_u32(r, &strid, "section") || rd_u64(r, &secsize, "section size"))
			return -1;
		end = r->pos + secsize;
		if (secsize > r->size || end > r->size)
			return kms_error(KMS_ERR_INPUT, "%s: truncated: options section at %llu runs past the end",
					 r->path, (unsigned long long)next);
		if (id != 0)
			return kms_error(KMS_ERR_INPUT, "%s: corrupt: section %u where options were expected", r->path, id);
		if (flags & 1)
			return 0;	/* compressed: libtracecmd checks it while inflating */
		next = 0;
		while (r->pos < end) {
			uint64_t start;

			if (rd_u16(r, &opt, "option") || rd_u32(r, &osize, "option size"))
				return -1;
			start = r->pos;
			if (osize > end - start)
				return kms_error(KMS_ERR_INPUT, "%s: corrupt: option %u overruns its section", r->path, opt);
			if (opt == 0) {	/* DONE: offset of the next options section */
				if (osize != 8 || rd_u64(r, &next, "next options"))
					return -1;
				break;
			}
			if (opt == 3) {	/* BUFFER: offset, name, clock, page size, cpus, table */
				if (rd_u64(r, &off, "buffer") || rd_str(r, NULL, 0, "buffer name") ||
				    rd_str(r, NULL, 0, "buffer clock") || rd_u32(r, &strid, "page size") ||
				    rd_u32(r, &ncpus, "buffer cpus"))
					return -1;
				for (i = 0; i < ncpus && r->pos + 20 <= start + osize; i++) {
					if (rd_u32(r, &cpu, "buffer cpu") || rd_u64(r, &off, "buffer cpu") ||
					    rd_u64(r, &size, "buffer cpu"))
						return -1;
					if (size && check_cpu(r, cpu, off, size))
						return -1;
				}
			} else if (opt >= 16 && opt <= 22) {	/* section pointers */
				if (rd_u64(r, &off, "section offset"))
					return -1;
				if (off >= r->size)
					return kms_error(KMS_ERR_INPUT, "%s: truncated: section %u at %llu is past the end",
							 r->path, opt, (unsigned long long)off);
			}
			r->pos = start + osize;
		}
	}
	return 0;
}

/* Check that path is a trace.dat whose structure lies inside the file. */
int kms_tracedat_check(const char *path)
{
	unsigned char magic[10];
	struct rd r = { .path = path };
	struct stat st;
	char ver[8];
	unsigned char hdr[2];
	uint32_t page;
	int ret;

	r.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0)
		return kms_error(KMS_ERR_INPUT, "%s: %s", path, strerror(errno));
	if (fstat(r.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(r.fd);
		return kms_error(KMS_ERR_INPUT, "%s: not a regular file", path);
	}
	r.size = st.st_size;
	if (r.size < 10 || rd_bytes(&r, magic, 10, "magic") ||
	    memcmp(magic, "\x17\x08\x44tracing", 10)) {
		close(r.fd);
		return kms_error(KMS_ERR_INPUT, "%s: not a trace.dat file (bad magic)", path);
	}
	ret = rd_str(&r, ver, sizeof(ver), "version") || rd_bytes(&r, hdr, 2, "header") ||
	      rd_u32(&r, &page, "page size");
	if (!ret && hdr[0] != (*(const uint16_t *)"\1\0" == 1 ? 0 : 1))
		ret = kms_error(KMS_ERR_INPUT, "%s: written on a machine of the other byte order", path);
	if (!ret && !strcmp(ver, "6"))
		ret = check_v6(&r);
	else if (!ret && !strcmp(ver, "7"))
		ret = check_v7(&r);
	else if (!ret)
		ret = kms_error(KMS_ERR_INPUT, "%s: unsupported trace.dat version '%s'", path, ver);
	close(r.fd);
	return ret ? -1 : 0;
}
