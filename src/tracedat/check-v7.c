// SPDX-License-Identifier: GPL-2.0
/*
 * The structural check of a version 7 trace.dat: the chain of OPTIONS
 * sections, each section they point to, and the CPU tables of its BUFFER
 * options (compressed data: its chunk tables).
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

/* A v7 BUFFER option: section, name, clock, page size, then (cpu, offset, size). */
int check_v7_buffer(struct rd *r, const unsigned char *buf, uint32_t size, uint64_t *sec)
{
	const unsigned char *p = buf, *end = buf + size, *z;
	unsigned char seen[MAX_CPUS / 8] = { 0 };
	uint32_t page, ncpus, i, cpu;

	if (size < 8)
		return check_corrupt(r, "BUFFER option of %u bytes", size);
	memcpy(sec, p, 8);
	p += 8;
	for (i = 0; i < 2; i++) {	/* name and clock */
		z = memchr(p, '\0', end - p);
		if (!z || z - p >= MAX_NAME)
			return check_corrupt(r, "BUFFER option: %s is not a string", i ? "clock" : "name");
		p = z + 1;
	}
	if (end - p < 8)
		return check_corrupt(r, "BUFFER option: no page size and CPU count");
	memcpy(&page, p, 4);
	memcpy(&ncpus, p + 4, 4);
	p += 8;
	if (check_page_size(r, page, "BUFFER option:"))
		return -1;
	/* libtracecmd reads the top-level buffer in the file's pages */
	if (!buf[8] && page != r->page_size)
		return check_corrupt(r, "BUFFER option: top-level page size %u is not the file's %u", page,
			       r->page_size);
	if (ncpus > MAX_CPUS || (uint64_t)ncpus * 20 > (uint64_t)(end - p))
		return check_corrupt(r, "BUFFER option: %u CPUs (%u bytes left for them)", ncpus,
			       (unsigned int)(end - p));
	for (i = 0; i < ncpus; i++, p += 20) {
		memcpy(&cpu, p, 4);
		if (cpu >= MAX_CPUS)
			return check_corrupt(r, "BUFFER option: CPU id %u (at most %d)", cpu, MAX_CPUS - 1);
		if (seen[cpu / 8] & (1 << (cpu % 8)))
			return check_corrupt(r, "BUFFER option: CPU %u listed twice", cpu);
		seen[cpu / 8] |= 1 << (cpu % 8);
	}
	return 0;
}

/* The CPU table of a v7 BUFFER option, checked against its section. */
int check_v7_buffer_data(struct rd *r, const unsigned char *buf, uint32_t size)
{
	const unsigned char *p = buf + 8, *end = buf + size;
	uint32_t page, ncpus, i, cpu, count, csize, usize;
	uint64_t sec, off, len, secsize, pos, secstart, secend;
	uint16_t id, flags;
	uint32_t strid;
	char name[MAX_NAME + 8], ex[64];

	memcpy(&sec, buf, 8);
	snprintf(name, sizeof(name), "buffer '%s' ",
		 check_excerpt(ex, sizeof(ex), (const char *)p, strlen((const char *)p)));
	p = (const unsigned char *)memchr(p, '\0', end - p) + 1;
	p = (const unsigned char *)memchr(p, '\0', end - p) + 1;
	memcpy(&page, p, 4);
	memcpy(&ncpus, p + 4, 4);
	p += 8;
	r->pos = sec;
	r->size = r->fsize;
	if (rd_u16(r, &id, "buffer section") || rd_u16(r, &flags, "buffer section") ||
	    rd_u32(r, &strid, "buffer section") || rd_u64(r, &secsize, "buffer section size"))
		return -1;
	if (id != OPT_BUFFER)
		return check_corrupt(r, "%sat offset %llu is a section %u, not BUFFER", name,
			       (unsigned long long)sec, id);
	if ((flags & 1) && !r->zfile)
		return check_corrupt(r, "%sdata at %llu is compressed in a file without compression", name,
			       (unsigned long long)sec);
	if (secsize > r->fsize - r->pos)
		return check_corrupt(r, "truncated: %ssection (%llu bytes) runs past the end", name,
			       (unsigned long long)secsize);
	secstart = r->pos;
	secend = r->pos + secsize;
	if (page_buffer(r, page))
		return -1;
	for (i = 0; i < ncpus; i++, p += 20) {
		memcpy(&cpu, p, 4);
		memcpy(&off, p + 4, 8);
		memcpy(&len, p + 12, 8);
		if (!(flags & 1)) {
			if (check_cpu_pages(r, name, cpu, off, len, page))
				return -1;
			continue;
		}
		/* compressed: chunks of u32 compressed, u32 uncompressed size, data */
		if (!len)
			continue;
		if (off < secstart || off >= secend)
			return check_corrupt(r, "compressed data of %sCPU %u at %llu is outside its section",
				       name, cpu, (unsigned long long)off);
		r->pos = off;
		r->size = secend;	/* (len counts uncompressed bytes) */
		if (rd_u32(r, &count, "chunk count"))
			return -1;
		for (pos = 0; pos < count; pos++) {
			if (rd_u32(r, &csize, "chunk size") || rd_u32(r, &usize, "chunk size"))
				return -1;
			if (usize % page || usize > (256U << 20))
				return check_corrupt(r, "%sCPU %u: chunk of %u bytes uncompressed, not whole pages of %u",
					       name, cpu, usize, page);
			if (rd_bytes(r, NULL, csize, "compressed chunk"))
				return -1;
		}
		r->size = r->fsize;
	}
	return 0;
}

/* A v7 section header at off of the id expected; *end gets its end. */
static int v7_section(struct rd *r, uint64_t off, int want, uint16_t *flags, uint64_t *end)
{
	uint64_t secsize;
	uint16_t id;
	uint32_t strid, csize, usize;

	r->pos = off;
	r->size = r->fsize;
	if (rd_u16(r, &id, "section id") || rd_u16(r, flags, "section flags") ||
	    rd_u32(r, &strid, "section") || rd_u64(r, &secsize, "section size"))
		return -1;
	if (id != want)
		return check_corrupt(r, "section at %llu is %u, not %s", (unsigned long long)off, id,
			       opt_names[want]);
	if (*flags & ~1)
		return check_corrupt(r, "section %s has unknown flags 0x%x", opt_names[want], *flags);
	if ((*flags & 1) && !r->zfile)	/* libtracecmd has no decompressor for it */
		return check_corrupt(r, "section %s at %llu is compressed in a file without compression",
			       opt_names[want], (unsigned long long)off);
	if (secsize > r->fsize - r->pos)
		return check_corrupt(r, "truncated: section %s at %llu (%llu bytes) runs past the end",
			       opt_names[want], (unsigned long long)off, (unsigned long long)secsize);
	*end = r->pos + secsize;
	if (*flags & 1) {	/* compressed: u32 compressed, u32 uncompressed, data */
		r->size = *end;
		if (rd_u32(r, &csize, "compressed size") || rd_u32(r, &usize, "uncompressed size"))
			return -1;
		if (csize > *end - r->pos || usize > (1U << 30))
			return check_corrupt(r, "section %s: compressed %u bytes, uncompressed %u bytes in %llu",
				       opt_names[want], csize, usize,
				       (unsigned long long)(*end - off));
	}
	return 0;
}

/* A v7 metadata section: the same blocks as in v6, each in its own section. */
static int check_v7_section(struct rd *r, int id)
{
	uint16_t flags;
	uint64_t end;
	int ret;

	if (v7_section(r, r->sections[id], id, &flags, &end))
		return -1;
	if (flags & 1)
		return 0;	/* compressed: the header was checked; the trial reads the rest */
	r->size = end;
	switch (id) {
	case OPT_HEADER_INFO:
		ret = check_headers(r);
		break;
	case OPT_FTRACE_EVENTS:
		ret = check_format_list(r, NULL);
		break;
	case OPT_EVENT_FORMATS:
		ret = check_systems(r);
		break;
	case OPT_KALLSYMS:
		ret = check_text_block(r, 4, "kallsyms", 0);
		break;
	case OPT_PRINTK:
		ret = check_text_block(r, 4, "printk formats", 1);
		break;
	case OPT_CMDLINES:
		ret = check_text_block(r, 8, "saved cmdlines", 0);
		break;
	default:
		ret = 0;
	}
	r->size = r->fsize;
	return ret;
}

/* v7: the chain of OPTIONS sections, then each section they point to. */
int check_v7(struct rd *r)
{
	uint64_t next, end;
	uint32_t osize;
	uint16_t flags, opt;
	char *buf;
	uint32_t bsizes[MAX_BUFFERS];
	char *bopts[MAX_BUFFERS], zname[MAX_NAME + 1];
	int hops = 0, nbufs = 0, zopts = 0, i, ret = -1;

	if (rd_str(r, zname, sizeof(zname), "compression name") ||
	    rd_str(r, NULL, 0, "compression version") || rd_u64(r, &next, "options offset"))
		return -1;
	r->zfile = strcmp(zname, "none") != 0;
	while (next) {
		if (++hops > MAX_SECTIONS) {
			ret = check_corrupt(r, "more than %d options sections (a loop?)", MAX_SECTIONS);
			goto out;
		}
		if (v7_section(r, next, OPT_DONE, &flags, &end))
			goto out;
		if (flags & 1) {
			/* compressed options: libtracecmd inflates them; the trial reads them */
			zopts = 1;
			break;
		}
		r->size = end;
		next = 0;
		while (r->pos < end) {
			if (rd_u16(r, &opt, "option") || rd_u32(r, &osize, "option size"))
				goto out;
			if (osize > end - r->pos) {
				ret = check_corrupt(r, "option %u (%u bytes) overruns its section", opt, osize);
				goto out;
			}
			if (opt == OPT_DONE) {
				if (osize != 8 || rd_u64(r, &next, "next options"))
					goto out;
				if (next >= r->fsize) {
					ret = check_corrupt(r, "truncated: next options at %llu is past the end",
						       (unsigned long long)next);
					goto out;
				}
				break;
			}
			buf = rd_blob(r, osize, MAX_OPTION, "option");
			if (!buf)
				goto out;
			if (check_option(r, opt, buf, osize)) {
				free(buf);
				goto out;
			}
			if (opt == OPT_BUFFER && nbufs == MAX_BUFFERS) {
				free(buf);
				ret = check_corrupt(r, "more than %d BUFFER options", MAX_BUFFERS);
				goto out;
			}
			if (opt == OPT_BUFFER) {
				bopts[nbufs] = buf;
				bsizes[nbufs++] = osize;
			} else {
				free(buf);
			}
		}
	}
	if (!zopts) {
		if (!r->sections[OPT_HEADER_INFO]) {
			ret = check_corrupt(r, "no HEADER_INFO section (header_page and header_event)");
			goto out;
		}
		for (i = 0; i < nbufs && bsizes[i] > 8 && bopts[i][8]; i++)
			;
		if (i == nbufs) {
			ret = check_corrupt(r, "no BUFFER option for the top-level buffer");
			goto out;
		}
		for (i = OPT_HEADER_INFO; i <= OPT_CMDLINES; i++)
			if (r->sections[i] && check_v7_section(r, i))
				goto out;
		for (i = 0; i < nbufs; i++)
			if (check_v7_buffer_data(r, (const unsigned char *)bopts[i], bsizes[i]))
				goto out;
	}
	ret = 0;
out:
	for (i = 0; i < nbufs; i++)
		free(bopts[i]);
	return ret;
}

