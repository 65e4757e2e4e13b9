/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the structural check of trace.dat files: the reader over the
 * file, its limits, and the checks of the texts the libraries parse
 * (check-text.c). Only tracedat/check*.c include it.
 */
#ifndef KMS_TRACEDAT_CHECK_INTERNAL_H
#define KMS_TRACEDAT_CHECK_INTERNAL_H

#include <stdint.h>
#include <stddef.h>

/* Exported by libtracecmd, declared only in its private header. */
struct hook_list;
struct hook_list *tracecmd_create_event_hook(const char *arg);
void tracecmd_free_hooks(struct hook_list *hooks);

#define MAX_CPUS	8192		/* the kernel's largest NR_CPUS */
#define MAX_FORMAT	(1 << 20)	/* one event format text */
#define MAX_EVENTS	100000		/* formats in one system */
#define MAX_NAME	256		/* a system, buffer or clock name */
#define MAX_OPTION	(64 << 20)	/* one option's data */
#define MAX_TEXT	(1ULL << 30)	/* kallsyms, printk formats, cmdlines */
#define MAX_SECTIONS	64		/* options sections in a v7 chain */
#define MAX_PAGE	(8 << 20)	/* 128 sub-buffer pages of 64 KiB */
#define MAX_BUFFERS	32		/* BUFFER options (the top level and instances) */

/* Option and section ids (trace-cmd's enum tracecmd_option). */
enum {
	OPT_DONE, OPT_DATE, OPT_CPUSTAT, OPT_BUFFER, OPT_TRACECLOCK, OPT_UNAME,
	OPT_HOOK, OPT_OFFSET, OPT_CPUCOUNT, OPT_VERSION, OPT_PROCMAPS, OPT_TRACEID,
	OPT_TIME_SHIFT, OPT_GUEST, OPT_TSC2NSEC, OPT_STRINGS, OPT_HEADER_INFO,
	OPT_FTRACE_EVENTS, OPT_EVENT_FORMATS, OPT_KALLSYMS, OPT_PRINTK, OPT_CMDLINES,
	OPT_BUFFER_TEXT, OPT_NR,
};

static const char *const opt_names[OPT_NR] = {
	"DONE", "DATE", "CPUSTAT", "BUFFER", "TRACECLOCK", "UNAME", "HOOK", "OFFSET",
	"CPUCOUNT", "VERSION", "PROCMAPS", "TRACEID", "TIME_SHIFT", "GUEST", "TSC2NSEC",
	"STRINGS", "HEADER_INFO", "FTRACE_EVENTS", "EVENT_FORMATS", "KALLSYMS", "PRINTK",
	"CMDLINES", "BUFFER_TEXT",
};

struct rd {
	int		fd;
	const char	*path;
	uint64_t	size;		/* reads stop here: the file, or a section */
	uint64_t	fsize;		/* the file */
	uint64_t	pos;
	int		v7;
	int		zfile;		/* v7 with a compression other than "none" */
	int		long_size;	/* of the kernel, from header_page */
	unsigned int	page_size;	/* sub-buffer size, from the file header */
	uint32_t	ncpus;		/* v6: the CPU count; v7: CPUCOUNT */
	int		cpucount_seen;
	int		traceclock;	/* a TRACECLOCK option was seen */
	uint64_t	sections[OPT_NR];	/* v7 section offsets (0: none) */
	int		pages_later;	/* KMS_CHECK_PAGES_LATER: the top level's pages are not walked */
	unsigned char	*page;		/* a buffer of page_cap bytes */
	unsigned int	page_cap;
};

/* Record "PATH: corrupt trace.dat: MESSAGE"; returns -1. */
int check_corrupt(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Up to 60 bytes of file text for a message, on one line, printable only. */
const char *check_excerpt(char *dst, size_t size, const char *src, size_t len);

/* check.c: reading the file, and the blocks v6 and v7 share. */
int rd_bytes(struct rd *r, void *buf, uint64_t n, const char *what);
int rd_u16(struct rd *r, uint16_t *v, const char *what);
int rd_u32(struct rd *r, uint32_t *v, const char *what);
int rd_u64(struct rd *r, uint64_t *v, const char *what);
int rd_str(struct rd *r, char *buf, size_t len, const char *what);
char *rd_blob(struct rd *r, uint64_t n, uint64_t max, const char *what);
int page_buffer(struct rd *r, unsigned int page);
int check_page_size(struct rd *r, uint64_t page, const char *what);
int check_cpu_pages(struct rd *r, const char *buf, uint64_t cpu, uint64_t off,
			  uint64_t size, unsigned int page);
int check_text_block(struct rd *r, int width, const char *what, int printk);
int check_systems(struct rd *r);
int check_option(struct rd *r, uint16_t id, const char *buf, uint32_t size);
int check_headers(struct rd *r);
int check_format_list(struct rd *r, const char *sys);

/* check-v7.c: the sections of a version 7 file. */
int check_v7(struct rd *r);
int check_v7_buffer_data(struct rd *r, const unsigned char *buf, uint32_t size);
int check_v7_buffer(struct rd *r, const unsigned char *buf, uint32_t size, uint64_t *sec);

/* check-text.c: the texts that libtraceevent parses. */
/* No NUL in n bytes of text but at their end; _piece: the len bytes at offset at of n. */
int check_no_nul(struct rd *r, const char *buf, uint64_t n, const char *what);
int check_no_nul_piece(struct rd *r, const char *buf, uint64_t len, uint64_t at, uint64_t n,
		       const char *what);
int check_format(struct rd *r, const char *buf, uint64_t n, const char *what);
int check_header_page(struct rd *r, const char *buf, uint64_t n);
int check_printk(struct rd *r, const char *buf, uint64_t n);

#endif
