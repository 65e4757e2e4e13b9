// SPDX-License-Identifier: GPL-2.0
/*
 * Structural check of a trace.dat before libtracecmd reads it. The file
 * may come from another machine and be damaged or hostile; libtracecmd,
 * libtraceevent and kbuffer trust its lengths, counts and texts, and crash,
 * loop or allocate without bound on bad ones. So every section must be
 * present and inside the file, every option known and of a sane size, CPU
 * counts and ids small, the texts the libraries parse well formed, and
 * every data page's commit inside the page with records that walk to its
 * end. A damaged file is refused here with a message naming the field.
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
#include "tracefs/subbuf.h"

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
	int		long_size;	/* of the kernel, from header_page */
	unsigned int	page_size;	/* sub-buffer size, from the file header */
	uint32_t	ncpus;		/* v6: the CPU count; v7: CPUCOUNT */
	int		cpucount_seen;
	int		traceclock;	/* a TRACECLOCK option was seen */
	uint64_t	sections[OPT_NR];	/* v7 section offsets (0: none) */
	unsigned char	*page;		/* a buffer of page_cap bytes */
	unsigned int	page_cap;
};

/* Record "PATH: corrupt trace.dat: MESSAGE"; returns -1. */
static int __attribute__((format(printf, 2, 3))) corrupt(struct rd *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return kms_error(KMS_ERR_CORRUPT, "%s: corrupt trace.dat: %s", r->path, msg);
}

/* Up to 60 bytes of file text for a message, on one line, printable only. */
static const char *excerpt(char *dst, size_t size, const char *src, size_t len)
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
static int rd_bytes(struct rd *r, void *buf, uint64_t n, const char *what)
{
	if (n > r->size || r->pos > r->size - n)
		return corrupt(r, "truncated: %s at offset %llu runs past the end (%llu bytes)",
			       what, (unsigned long long)r->pos, (unsigned long long)r->size);
	if (buf && pread(r->fd, buf, n, r->pos) != (ssize_t)n)
		return kms_error(KMS_ERR_INPUT, "%s: reading %s: %s", r->path, what,
				 errno ? strerror(errno) : "short read");
	r->pos += n;
	return 0;
}

/* Fixed-width integers in the file's (our) byte order: u16, u32, u64. */
static int rd_u16(struct rd *r, uint16_t *v, const char *what) { return rd_bytes(r, v, 2, what); }
static int rd_u32(struct rd *r, uint32_t *v, const char *what) { return rd_bytes(r, v, 4, what); }
static int rd_u64(struct rd *r, uint64_t *v, const char *what) { return rd_bytes(r, v, 8, what); }

/* Read a NUL-terminated string of at most MAX_NAME bytes. */
static int rd_str(struct rd *r, char *buf, size_t len, const char *what)
{
	size_t i = 0;
	char c;

	do {
		if (rd_bytes(r, &c, 1, what))
			return -1;
		if (++i > MAX_NAME)
			return corrupt(r, "%s at offset %llu is not a string (no NUL in %d bytes)",
				       what, (unsigned long long)(r->pos - i), MAX_NAME);
		if (buf && i < len)
			buf[i - 1] = c;
	} while (c);
	if (buf)
		buf[i < len ? i - 1 : len - 1] = '\0';
	return 0;
}

/* Read n bytes (at most max) into a new NUL-terminated buffer. */
static char *rd_blob(struct rd *r, uint64_t n, uint64_t max, const char *what)
{
	char *buf;

	if (n > max) {
		corrupt(r, "%s at offset %llu claims %llu bytes (at most %llu)", what,
			(unsigned long long)r->pos, (unsigned long long)n, (unsigned long long)max);
		return NULL;
	}
	if (n > r->size || r->pos > r->size - n) {
		rd_bytes(r, NULL, n, what);
		return NULL;
	}
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

/* A text block holds no NUL before its end (the libraries stop at one). */
static int check_no_nul(struct rd *r, const char *buf, uint64_t n, const char *what)
{
	const char *z = memchr(buf, '\0', n);

	if (z && z != buf + n - 1)
		return corrupt(r, "%s holds a NUL byte at %llu of %llu", what,
			       (unsigned long long)(z - buf), (unsigned long long)n);
	return 0;
}

/* Printable ASCII, tabs and newlines only. */
static int is_text(const char *p, const char *end)
{
	for (; p < end; p++)
		if ((*p < 0x20 || *p > 0x7e) && *p != '\t' && *p != '\n')
			return 0;
	return 1;
}

/* The next line of [*p, stop) without its newline; 0 at the end. */
static int next_line(const char **p, const char *stop, const char **line, const char **end)
{
	if (*p >= stop)
		return 0;
	*line = *p;
	*end = memchr(*p, '\n', stop - *p);
	if (!*end)
		*end = stop;
	*p = *end + 1;
	return 1;
}

/* Does [p, end) start with word and then hold only characters of set? */
static int line_is(const char *p, const char *end, const char *word, const char *set)
{
	size_t n = strlen(word);

	if (end - p <= (long)n || memcmp(p, word, n))
		return 0;
	for (p += n; p < end; p++)
		if (!strchr(set, *p))
			return 0;
	return 1;
}

#define IDENT	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"

/*
 * A field line, "\tfield:DECL;\toffset:N;\tsize:N;\tsigned:N;", as the
 * kernel prints it: libtraceevent's field parser crashes on variations.
 */
static int check_field(const char *p, const char *end, char *name, size_t len)
{
	char one[320], decl[256], tail, *b, *e;
	unsigned int off, size, sgn;
	int n = 0;

	if (end - p >= (long)sizeof(one))
		return -1;
	memcpy(one, p, end - p);
	one[end - p] = '\0';
	if (sscanf(one, "\tfield:%255[^;];\toffset:%u;\tsize:%u;\tsigned:%u;%n%c",
		   decl, &off, &size, &sgn, &n, &tail) != 4 || !n || one[n])
		return -1;
	if (strspn(decl, IDENT " *[]") != strlen(decl) || sgn > 1 || off + (uint64_t)size > 65536)
		return -1;
	/* the name: the last identifier, before any [N] */
	e = strchr(decl, '[') && strrchr(decl, ' ') < strchr(decl, '[') ? strchr(decl, '[') :
	    decl + strlen(decl);
	while (e > decl && e[-1] == ' ')
		e--;
	for (b = e; b > decl && strchr(IDENT, b[-1]) && b[-1]; b--)
		;
	if (b == e || (size_t)(e - b) >= len)
		return -1;
	memcpy(name, b, e - b);
	name[e - b] = '\0';
	return 0;
}

/* Each REC->NAME of a print fmt must be one of the format's fields. */
static int check_rec_refs(const char *p, const char *end, char (*names)[64], int n)
{
	const char *q;
	int i;

	for (; (q = memmem(p, end - p, "REC->", 5)); p = q) {
		q += 5;
		p = q;
		while (q < end && *q && strchr(IDENT, *q))
			q++;
		for (i = 0; i < n; i++)
			if ((size_t)(q - p) == strlen(names[i]) && !memcmp(p, names[i], q - p))
				break;
		if (i == n)
			return -1;
	}
	return 0;
}

/* A print fmt: a quoted format, then arguments with balanced quotes and brackets. */
static int check_print_fmt(const char *p, const char *end)
{
	int depth = 0;
	char q = 0;

	if (p >= end || *p != '"')
		return -1;
	for (; p < end; p++) {
		if (q) {
			if (*p == '\\' && p + 1 < end)
				p++;
			else if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (*p == '(' || *p == '[' || *p == '{') {
			depth++;
		} else if (*p == ')' || *p == ']' || *p == '}') {
			if (--depth < 0)
				return -1;
		}
	}
	return q || depth ? -1 : 0;
}

/*
 * An event format as in events/SYS/EVENT/format: "name: NAME", "ID: N",
 * "format:", field lines (a blank line among them), "print fmt: ...",
 * in that order and in the kernel's spelling, or libtraceevent's parser
 * may crash on it.
 */
static int check_format(struct rd *r, const char *buf, uint64_t n, const char *what)
{
	const char *p = buf, *stop = buf + n, *line, *end;
	char names[128][64], ex[64];
	int fields = 0;

	if (n && !buf[n - 1])
		stop--;
	if (!is_text(buf, stop))
		return corrupt(r, "%s holds bytes that are not text", what);
	if (!next_line(&p, stop, &line, &end) || !line_is(line, end, "name: ", IDENT "-.") ||
	    !next_line(&p, stop, &line, &end) || !line_is(line, end, "ID: ", "0123456789") ||
	    !next_line(&p, stop, &line, &end) || end - line != 7 || memcmp(line, "format:", 7))
		return corrupt(r, "%s does not start with name:, ID: and format: lines", what);
	while (next_line(&p, stop, &line, &end)) {
		if (end == line)
			continue;
		if (end - line >= 11 && !memcmp(line, "print fmt: ", 11)) {
			/* the print fmt runs to the end */
			end = stop;
			while (end > line && end[-1] == '\n')
				end--;
			if (!fields || check_print_fmt(line + 11, end))
				return corrupt(r, "%s: malformed print fmt", what);
			if (check_rec_refs(line + 11, end, names, fields))
				return corrupt(r, "%s: print fmt names a field the format lacks", what);
			return 0;
		}
		if (fields == (int)KMS_ARRAY_SIZE(names))
			return corrupt(r, "%s has more than %d fields", what, fields);
		if (check_field(line, end, names[fields], sizeof(names[fields])))
			return corrupt(r, "%s: malformed field line '%s'", what,
				       excerpt(ex, sizeof(ex), line, end - line));
		fields++;
	}
	return corrupt(r, "%s has no print fmt", what);
}

/*
 * header_page, as libtraceevent's parse_header_field() reads it: lines of
 * "field: TYPE NAME; offset:N; size:N; signed:N;" with a timestamp of 8
 * bytes at 0, a commit of the kernel's long (4 or 8) at 8, and the data
 * right after it, inside the file's page size.
 */
static int check_header_page(struct rd *r, const char *buf, uint64_t n)
{
	const char *line, *end, *stop = buf + n;
	unsigned int off, size, ts = 0, commit = 0, doff = 0, dsize = 0;
	char decl[128], *name;
	int seen = 0;

	if (check_no_nul(r, buf, n, "header_page"))
		return -1;
	for (line = buf; line < stop && *line; line = end + 1) {
		char one[256];

		end = memchr(line, '\n', stop - line);
		if (!end)
			end = stop;
		if (end - line >= (long)sizeof(one))
			return corrupt(r, "header_page has a line of %ld bytes", (long)(end - line));
		memcpy(one, line, end - line);
		one[end - line] = '\0';
		if (!one[strspn(one, " \t")])
			continue;
		if (sscanf(one, " field: %127[^;]; offset:%u; size:%u;", decl, &off, &size) != 3)
			return corrupt(r, "header_page line '%s' is not a field",
				       excerpt(decl, sizeof(decl), one, strlen(one)));
		name = strrchr(decl, ' ');
		name = name ? name + 1 : decl;
		if (!strcmp(name, "timestamp") && off == 0 && size == 8) {
			seen |= 1;
			ts = size;
		} else if (!strcmp(name, "commit") && off == 8 && (size == 4 || size == 8)) {
			seen |= 2;
			commit = size;
		} else if (!strcmp(name, "data")) {
			seen |= 4;
			doff = off;
			dsize = size;
		} else if (strcmp(name, "overwrite")) {
			return corrupt(r, "header_page field '%s' (offset %u, size %u) is unexpected",
				       excerpt(one, sizeof(one), decl, strlen(decl)), off, size);
		}
	}
	if (seen != 7 || ts != 8)
		return corrupt(r, "header_page lacks its timestamp, commit or data field");
	if (doff != 8 + commit || (uint64_t)doff + dsize > r->page_size)
		return corrupt(r, "header_page: data at %u of %u bytes does not follow the commit in a page of %u",
			       doff, dsize, r->page_size);
	r->long_size = commit;
	return 0;
}

/*
 * printk formats, "ADDR : FORMAT" lines: libtraceevent steps past the
 * ':' and a blank and strips quotes and a "\n" without looking, so each
 * line needs an address, a colon, and a format of at least three bytes.
 */
static int check_printk(struct rd *r, const char *buf, uint64_t n)
{
	const char *line, *end, *colon, *fmt, *stop = buf + n;
	unsigned long lineno = 0;

	if (check_no_nul(r, buf, n, "printk formats"))
		return -1;
	for (line = buf; line < stop; line = end + 1) {
		end = memchr(line, '\n', stop - line);
		if (!end)
			end = stop;
		lineno++;
		if (end == line || (end == line + 1 && !*line))
			continue;
		colon = memchr(line, ':', end - line);
		if (!colon || colon == line || colon + 1 >= end)
			return corrupt(r, "printk formats line %lu is not 'ADDR : FORMAT'", lineno);
		fmt = colon + 2;
		if (fmt < end && *fmt == '"')
			fmt++;
		if (fmt > end || end - fmt < 3)
			return corrupt(r, "printk formats line %lu has an empty format", lineno);
	}
	return 0;
}

/* A NUL-terminated text option of at most max bytes. */
static int check_opt_text(struct rd *r, const char *buf, uint32_t size, uint32_t max, int id)
{
	if (!size || size > max || !memchr(buf, '\0', size))
		return corrupt(r, "option %s (%u bytes) is not a NUL-terminated text of at most %u bytes",
			       opt_names[id], size, max);
	return 0;
}

/* A sub-buffer size: a power of two from 4 KiB (64 B for tests) to MAX_PAGE. */
static int check_page_size(struct rd *r, uint64_t page, const char *what)
{
	if (page < 64 || page > MAX_PAGE || (page & (page - 1)))
		return corrupt(r, "%s page size %llu is not a power of two up to %d", what,
			       (unsigned long long)page, MAX_PAGE);
	return 0;
}

/* One CPU's uncompressed pages: in the file, whole pages, commits inside them. */
static int check_cpu_pages(struct rd *r, const char *buf, uint64_t cpu, uint64_t off,
			   uint64_t size, unsigned int page)
{
	struct kms_subbuf sb;
	uint64_t p;

	if (!size)
		return 0;
	if (off > r->fsize || size > r->fsize - off)
		return corrupt(r, "truncated: data of %sCPU %llu (%llu bytes at %llu) ends past the end of the file",
			       buf, (unsigned long long)cpu, (unsigned long long)size,
			       (unsigned long long)off);
	if (size % page)
		return corrupt(r, "data of %sCPU %llu (%llu bytes) is not whole pages of %u bytes",
			       buf, (unsigned long long)cpu, (unsigned long long)size, page);
	if (!r->long_size)
		return corrupt(r, "CPU data before header_page");
	for (p = 0; p < size; p += page) {
		if (pread(r->fd, r->page, page, off + p) != (ssize_t)page)
			return kms_error(KMS_ERR_INPUT, "%s: reading CPU data: %s", r->path,
					 errno ? strerror(errno) : "short read");
		if (kms_subbuf_parse(r->page, page, r->long_size, &sb, NULL))
			return corrupt(r, "page at %llu of %sCPU %llu: %s", (unsigned long long)(off + p),
				       buf, (unsigned long long)cpu, kms_strerror());
	}
	return 0;
}

/* Allocate the page buffer for pages of size page. */
static int page_buffer(struct rd *r, unsigned int page)
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
static int check_headers(struct rd *r)
{
	uint64_t n;
	char tag[13];
	char *buf;
	int ret;

	if (rd_bytes(r, tag, 12, "header_page") || memcmp(tag, "header_page", 12))
		return corrupt(r, "no header_page block at offset %llu", (unsigned long long)r->pos - 12);
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
		return corrupt(r, "no header_event block");
	if (rd_u64(r, &n, "header_event size"))
		return -1;
	if (n > 65536)
		return corrupt(r, "header_event claims %llu bytes", (unsigned long long)n);
	return rd_bytes(r, NULL, n, "header_event");
}

/* A u32 count of formats, each a u64 size and an event format text. */
static int check_format_list(struct rd *r, const char *sys)
{
	char what[MAX_NAME + 96], ex[64];
	uint32_t count, i;
	uint64_t n;
	char *buf;
	int ret;

	if (rd_u32(r, &count, sys ? "event count" : "ftrace format count"))
		return -1;
	if (count > MAX_EVENTS)
		return corrupt(r, "%u formats in %s", count, sys ? "a system" : "ftrace formats");
	for (i = 0; i < count; i++) {
		if (sys)
			snprintf(what, sizeof(what), "event format %u of system '%s'", i + 1,
				 excerpt(ex, sizeof(ex), sys, strlen(sys)));
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
static int check_systems(struct rd *r)
{
	char sys[MAX_NAME + 1];
	uint32_t nsys, i;

	if (rd_u32(r, &nsys, "event systems"))
		return -1;
	if (nsys > MAX_EVENTS)
		return corrupt(r, "%u event systems", nsys);
	for (i = 0; i < nsys; i++)
		if (rd_str(r, sys, sizeof(sys), "system name") || check_format_list(r, sys))
			return -1;
	return 0;
}

/* A text block with a 4- or 8-byte size: kallsyms, printk formats, cmdlines. */
static int check_text_block(struct rd *r, int width, const char *what, int printk)
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
	buf = rd_blob(r, n, MAX_TEXT, what);
	if (!buf)
		return -1;
	ret = printk ? check_printk(r, buf, n) : check_no_nul(r, buf, n, what);
	free(buf);
	return ret;
}

/* A v7 BUFFER option: section, name, clock, page size, then (cpu, offset, size). */
static int check_v7_buffer(struct rd *r, const unsigned char *buf, uint32_t size, uint64_t *sec)
{
	const unsigned char *p = buf, *end = buf + size, *z;
	unsigned char seen[MAX_CPUS / 8] = { 0 };
	uint32_t page, ncpus, i, cpu;

	if (size < 8)
		return corrupt(r, "BUFFER option of %u bytes", size);
	memcpy(sec, p, 8);
	p += 8;
	for (i = 0; i < 2; i++) {	/* name and clock */
		z = memchr(p, '\0', end - p);
		if (!z || z - p >= MAX_NAME)
			return corrupt(r, "BUFFER option: %s is not a string", i ? "clock" : "name");
		p = z + 1;
	}
	if (end - p < 8)
		return corrupt(r, "BUFFER option: no page size and CPU count");
	memcpy(&page, p, 4);
	memcpy(&ncpus, p + 4, 4);
	p += 8;
	if (check_page_size(r, page, "BUFFER option:"))
		return -1;
	/* libtracecmd reads the top-level buffer in the file's pages */
	if (!buf[8] && page != r->page_size)
		return corrupt(r, "BUFFER option: top-level page size %u is not the file's %u", page,
			       r->page_size);
	if (ncpus > MAX_CPUS || (uint64_t)ncpus * 20 > (uint64_t)(end - p))
		return corrupt(r, "BUFFER option: %u CPUs (%u bytes left for them)", ncpus,
			       (unsigned int)(end - p));
	for (i = 0; i < ncpus; i++, p += 20) {
		memcpy(&cpu, p, 4);
		if (cpu >= MAX_CPUS)
			return corrupt(r, "BUFFER option: CPU id %u (at most %d)", cpu, MAX_CPUS - 1);
		if (seen[cpu / 8] & (1 << (cpu % 8)))
			return corrupt(r, "BUFFER option: CPU %u listed twice", cpu);
		seen[cpu / 8] |= 1 << (cpu % 8);
	}
	return 0;
}

/* The CPU table of a v7 BUFFER option, checked against its section. */
static int check_v7_buffer_data(struct rd *r, const unsigned char *buf, uint32_t size)
{
	const unsigned char *p = buf + 8, *end = buf + size;
	uint32_t page, ncpus, i, cpu, count, csize, usize;
	uint64_t sec, off, len, secsize, pos, secstart, secend;
	uint16_t id, flags;
	uint32_t strid;
	char name[MAX_NAME + 8], ex[64];

	memcpy(&sec, buf, 8);
	snprintf(name, sizeof(name), "buffer '%s' ",
		 excerpt(ex, sizeof(ex), (const char *)p, strlen((const char *)p)));
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
		return corrupt(r, "%sat offset %llu is a section %u, not BUFFER", name,
			       (unsigned long long)sec, id);
	if (secsize > r->fsize - r->pos)
		return corrupt(r, "truncated: %ssection (%llu bytes) runs past the end", name,
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
			return corrupt(r, "compressed data of %sCPU %u at %llu is outside its section",
				       name, cpu, (unsigned long long)off);
		r->pos = off;
		r->size = secend;	/* (len counts uncompressed bytes) */
		if (rd_u32(r, &count, "chunk count"))
			return -1;
		for (pos = 0; pos < count; pos++) {
			if (rd_u32(r, &csize, "chunk size") || rd_u32(r, &usize, "chunk size"))
				return -1;
			if (usize % page || usize > (256U << 20))
				return corrupt(r, "%sCPU %u: chunk of %u bytes uncompressed, not whole pages of %u",
					       name, cpu, usize, page);
			if (rd_bytes(r, NULL, csize, "compressed chunk"))
				return -1;
		}
		r->size = r->fsize;
	}
	return 0;
}

/* One option, its id known and its size sane. */
static int check_option(struct rd *r, uint16_t id, const char *buf, uint32_t size)
{
	struct hook_list *hook;
	char ex[64];
	uint32_t v32;
	uint64_t v64;

	if (id >= OPT_NR)
		return corrupt(r, "unknown option id %u (%u bytes)", id, size);
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
			return corrupt(r, "option HOOK '%s' is not a hook",
				       excerpt(ex, sizeof(ex), buf, size));
		tracecmd_free_hooks(hook);
		return 0;
	case OPT_CPUCOUNT:
		if (size != 4)
			return corrupt(r, "option CPUCOUNT of %u bytes", size);
		memcpy(&v32, buf, 4);
		if (v32 > MAX_CPUS)
			return corrupt(r, "option CPUCOUNT %u (at most %d)", v32, MAX_CPUS);
		if (!r->v7 && v32 != r->ncpus)	/* v6 reads this many CPU table entries */
			return corrupt(r, "option CPUCOUNT %u, but the file has %u CPUs", v32, r->ncpus);
		r->ncpus = v32;
		r->cpucount_seen = 1;
		return 0;
	case OPT_TRACEID:
		return size == 8 ? 0 : corrupt(r, "option TRACEID of %u bytes", size);
	case OPT_TSC2NSEC:
		return size == 16 ? 0 : corrupt(r, "option TSC2NSEC of %u bytes", size);
	case OPT_TIME_SHIFT:
	case OPT_GUEST:
		/* host-guest tracing: the libraries index arrays by counts read here */
		return corrupt(r, "option %s (host-guest tracing) is not supported", opt_names[id]);
	case OPT_BUFFER:
		if (r->v7)
			return check_v7_buffer(r, (const unsigned char *)buf, size, &v64);
		/* v6: u64 offset of the instance's CPU table, name */
		if (size < 9 || !memchr(buf + 8, '\0', size - 8) || size - 8 > MAX_NAME)
			return corrupt(r, "option BUFFER of %u bytes has no name", size);
		memcpy(&v64, buf, 8);
		if (v64 > r->fsize)
			return corrupt(r, "option BUFFER points past the end of the file (%llu)",
				       (unsigned long long)v64);
		return 0;
	case OPT_BUFFER_TEXT:
		if (!r->v7)
			return corrupt(r, "option BUFFER_TEXT in a v6 file");
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
			return corrupt(r, "section option %s in a v6 file", opt_names[id]);
		if (size != 8)
			return corrupt(r, "option %s of %u bytes", opt_names[id], size);
		memcpy(&v64, buf, 8);
		if (v64 >= r->fsize)
			return corrupt(r, "truncated: section %s at %llu is past the end", opt_names[id],
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
			return corrupt(r, "instance buffer %d at %llu has no flyrecord marker", b + 1,
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
	uint64_t off, size, bufs[32];
	uint32_t osize, i;
	uint16_t opt;
	int nbufs = 0;
	char tag[10], *buf;

	if (check_headers(r) || check_format_list(r, NULL) || check_systems(r) ||
	    check_text_block(r, 4, "kallsyms", 0) || check_text_block(r, 4, "printk formats", 1) ||
	    check_text_block(r, 8, "saved cmdlines", 0) || rd_u32(r, &r->ncpus, "cpu count"))
		return -1;
	if (r->ncpus > MAX_CPUS)
		return corrupt(r, "%u CPUs (at most %d)", r->ncpus, MAX_CPUS);
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
			if (opt == OPT_BUFFER && osize >= 8 && nbufs < (int)KMS_ARRAY_SIZE(bufs))
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
		return corrupt(r, "no flyrecord section");
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
			return corrupt(r, "trace clock claims %llu bytes", (unsigned long long)size);
		if (rd_bytes(r, NULL, size, "trace clock"))
			return -1;
	}
	return check_v6_buffers(r, bufs, nbufs);
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
		return corrupt(r, "section at %llu is %u, not %s", (unsigned long long)off, id,
			       opt_names[want]);
	if (*flags & ~1)
		return corrupt(r, "section %s has unknown flags 0x%x", opt_names[want], *flags);
	if (secsize > r->fsize - r->pos)
		return corrupt(r, "truncated: section %s at %llu (%llu bytes) runs past the end",
			       opt_names[want], (unsigned long long)off, (unsigned long long)secsize);
	*end = r->pos + secsize;
	if (*flags & 1) {	/* compressed: u32 compressed, u32 uncompressed, data */
		r->size = *end;
		if (rd_u32(r, &csize, "compressed size") || rd_u32(r, &usize, "uncompressed size"))
			return -1;
		if (csize > *end - r->pos || usize > (1U << 30))
			return corrupt(r, "section %s: compressed %u bytes, uncompressed %u bytes in %llu",
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
static int check_v7(struct rd *r)
{
	uint64_t next, end;
	uint32_t osize;
	uint16_t flags, opt;
	char *buf;
	uint32_t bsizes[32];
	char *bopts[32];
	int hops = 0, nbufs = 0, zopts = 0, i, ret = -1;

	if (rd_str(r, NULL, 0, "compression name") || rd_str(r, NULL, 0, "compression version") ||
	    rd_u64(r, &next, "options offset"))
		return -1;
	while (next) {
		if (++hops > MAX_SECTIONS)
			return corrupt(r, "more than %d options sections (a loop?)", MAX_SECTIONS);
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
			if (osize > end - r->pos)
				return corrupt(r, "option %u (%u bytes) overruns its section", opt, osize);
			if (opt == OPT_DONE) {
				if (osize != 8 || rd_u64(r, &next, "next options"))
					goto out;
				if (next >= r->fsize)
					return corrupt(r, "truncated: next options at %llu is past the end",
						       (unsigned long long)next);
				break;
			}
			buf = rd_blob(r, osize, MAX_OPTION, "option");
			if (!buf)
				goto out;
			if (check_option(r, opt, buf, osize)) {
				free(buf);
				goto out;
			}
			if (opt == OPT_BUFFER && nbufs < 32) {
				bopts[nbufs] = buf;
				bsizes[nbufs++] = osize;
			} else {
				free(buf);
			}
		}
	}
	if (!zopts) {
		if (!r->sections[OPT_HEADER_INFO])
			return corrupt(r, "no HEADER_INFO section (header_page and header_event)");
		for (i = 0; i < nbufs && bsizes[i] > 8 && bopts[i][8]; i++)
			;
		if (i == nbufs)
			return corrupt(r, "no BUFFER option for the top-level buffer");
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

/* Check that path is a trace.dat whose structure is sound (file header on). */
int kms_tracedat_check(const char *path)
{
	unsigned char magic[10];
	struct rd r = { .path = path };
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
		ret = corrupt(&r, "long size %u is neither 4 nor 8", hdr[1]);
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
