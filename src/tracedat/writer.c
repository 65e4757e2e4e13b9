// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat v6 writer: headers, event formats, kallsyms, printk formats,
 * saved cmdlines, options (CPUSTAT, TRACECLOCK, UNAME) and flyrecord data.
 * Integers are written in host order with endianness flagged in the header.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/sendfile.h>

#include "base/kms.h"
#include "tracedat/writer.h"

enum {
	OPT_DONE	= 0,
	OPT_CPUSTAT	= 2,
	OPT_TRACECLOCK	= 4,
	OPT_UNAME	= 5,
};

/* Write all of p. */
static int put(int fd, const void *p, size_t n)
{
	return kms_write_all(fd, p, n);
}

/* Fixed-size writes, in host byte order. */
static int put_u16(int fd, uint16_t v) { return put(fd, &v, 2); }
static int put_u32(int fd, uint32_t v) { return put(fd, &v, 4); }
static int put_u64(int fd, uint64_t v) { return put(fd, &v, 8); }

/* A blob preceded by its size in a 4- or 8-byte field. */
static int put_sized(int fd, const struct kms_blob *b, int width)
{
	if (width == 4 && b->len > UINT32_MAX)
		return kms_error(KMS_ERR_OUTPUT, "section too large for trace.dat v6");
	if (width == 4 ? put_u32(fd, b->len) : put_u64(fd, b->len))
		return -1;
	return put(fd, b->data, b->len);
}

/* Event formats, grouped by system. */
static int put_formats(int fd, const struct kms_tracedat *td)
{
	int i, j, nsys = 0, nev;
	char *done;

	done = calloc(td->nr_formats + 1, 1);
	if (!done)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	for (i = 0; i < td->nr_formats; i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(td->formats[i].system, td->formats[j].system))
				break;
		if (j == i)
			nsys++;
	}
	if (put_u32(fd, td->nr_ftrace))
		goto fail;
	for (i = 0; i < td->nr_ftrace; i++)
		if (put_sized(fd, &td->ftrace_formats[i], 8))
			goto fail;
	if (put_u32(fd, nsys))
		goto fail;
	for (i = 0; i < td->nr_formats; i++) {
		if (done[i])
			continue;
		nev = 0;
		for (j = i; j < td->nr_formats; j++)
			if (!strcmp(td->formats[i].system, td->formats[j].system))
				nev++;
		if (put(fd, td->formats[i].system, strlen(td->formats[i].system) + 1) ||
		    put_u32(fd, nev))
			goto fail;
		for (j = i; j < td->nr_formats; j++) {
			if (strcmp(td->formats[i].system, td->formats[j].system))
				continue;
			done[j] = 1;
			if (put_sized(fd, &td->formats[j].text, 8))
				goto fail;
		}
	}
	free(done);
	return 0;
fail:
	free(done);
	return -1;
}

/* One option record: u16 id, u32 size, data. */
static int put_option(int fd, uint16_t id, const char *data, size_t len)
{
	if (put_u16(fd, id) || put_u32(fd, len))
		return -1;
	return put(fd, data, len);
}

/* The options section: CPU stats, trace clock, uname. */
static int put_options(int fd, const struct kms_tracedat *td)
{
	int i;

	if (put(fd, "options  ", 10))
		return -1;
	for (i = 0; td->cpu_stats && i < td->ncpus; i++) {
		if (!td->cpu_stats[i])
			continue;
		if (put_option(fd, OPT_CPUSTAT, td->cpu_stats[i],
			       strlen(td->cpu_stats[i]) + 1))
			return -1;
	}
	if (td->trace_clock.len &&
	    put_option(fd, OPT_TRACECLOCK, td->trace_clock.data, td->trace_clock.len))
		return -1;
	if (td->uname.len &&
	    put_option(fd, OPT_UNAME, td->uname.data, td->uname.len + 1))
		return -1;
	return put_u16(fd, OPT_DONE);
}

/* Copy one CPU's page data from its spool file. */
static int copy_cpu(int out, int in, unsigned long long size)
{
	off_t off = 0;
	ssize_t n;

	while ((unsigned long long)off < size) {
		n = sendfile(out, in, &off, size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return kms_error(KMS_ERR_OUTPUT, "copying cpu data: %s",
					 n < 0 ? strerror(errno) : "short spool file");
	}
	return 0;
}

/* Zero-pad the file to the next multiple of align. */
static int pad_to(int fd, off_t align, off_t *pos)
{
	static const char zero[4096];
	off_t cur = lseek(fd, 0, SEEK_CUR), want;

	if (cur < 0)
		return kms_error(KMS_ERR_OUTPUT, "lseek: %s", strerror(errno));
	want = (cur + align - 1) / align * align;
	while (cur < want) {
		size_t n = want - cur > (off_t)sizeof(zero) ? sizeof(zero) : want - cur;

		if (put(fd, zero, n))
			return -1;
		cur += n;
	}
	*pos = cur;
	return 0;
}

/* Write a complete version 6 file. */
int kms_tracedat_write(int fd, const struct kms_tracedat *td)
{
	const uint16_t one = 1;
	unsigned char hdr[2];
	off_t table, pos = 0, align;
	uint64_t *ents;
	int cpu, ret = -1;

	hdr[0] = *(const unsigned char *)&one ? 0 : 1;	/* endianness */
	hdr[1] = sizeof(long);
	if (put(fd, "\x17\x08\x44tracing6", 11) || put(fd, "", 1) ||
	    put(fd, hdr, 2) || put_u32(fd, td->page_size))
		return -1;
	if (put(fd, "header_page", 12) || put_sized(fd, &td->header_page, 8) ||
	    put(fd, "header_event", 13) || put_sized(fd, &td->header_event, 8))
		return -1;
	if (put_formats(fd, td) || put_sized(fd, &td->kallsyms, 4) ||
	    put_sized(fd, &td->printk, 4) || put_sized(fd, &td->cmdlines, 8))
		return -1;
	if (put_u32(fd, td->ncpus) || put_options(fd, td) || put(fd, "flyrecord", 10))
		return -1;

	ents = calloc(td->ncpus * 2, sizeof(*ents));
	if (!ents)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	table = lseek(fd, 0, SEEK_CUR);
	if (put(fd, ents, td->ncpus * 16))
		goto out;
	if (td->trace_clock.len && put_sized(fd, &td->trace_clock, 8))
		goto out;
	align = td->page_size > 4096 ? td->page_size : 4096;
	for (cpu = 0; cpu < td->ncpus; cpu++) {
		if (pad_to(fd, align, &pos))
			goto out;
		ents[cpu * 2] = pos;
		ents[cpu * 2 + 1] = td->cpu_sizes[cpu];
		if (td->cpu_sizes[cpu] && copy_cpu(fd, td->cpu_fds[cpu], td->cpu_sizes[cpu]))
			goto out;
	}
	if (pwrite(fd, ents, td->ncpus * 16, table) != td->ncpus * 16) {
		kms_error(KMS_ERR_OUTPUT, "writing the cpu table: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(ents);
	return ret;
}

/* Free a blob's data. */
static void blob_free(struct kms_blob *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

/* Free everything the capture filled in. */
void kms_tracedat_release(struct kms_tracedat *td)
{
	int i;

	blob_free(&td->header_page);
	blob_free(&td->header_event);
	for (i = 0; i < td->nr_formats; i++) {
		free(td->formats[i].system);
		free(td->formats[i].name);
		blob_free(&td->formats[i].text);
	}
	free(td->formats);
	td->formats = NULL;
	for (i = 0; i < td->nr_ftrace; i++)
		blob_free(&td->ftrace_formats[i]);
	free(td->ftrace_formats);
	td->ftrace_formats = NULL;
	td->nr_ftrace = 0;
	td->nr_formats = 0;
	blob_free(&td->kallsyms);
	blob_free(&td->printk);
	blob_free(&td->cmdlines);
	blob_free(&td->trace_clock);
	blob_free(&td->uname);
}
