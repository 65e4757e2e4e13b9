// SPDX-License-Identifier: GPL-2.0
/*
 * The texts of a trace.dat that libtraceevent parses and trusts: event
 * formats (the kernel's exact layout, print fmts that name only their own
 * fields), header_page, and printk format lines.
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
#include "tracedat/check-internal.h"
#include "tracefs/subbuf.h"

/*
 * The len bytes at offset at of an n-byte text block hold no NUL but at the
 * block's end (the libraries stop at one): the block whole, or a piece.
 */
int check_no_nul_piece(struct rd *r, const char *buf, uint64_t len, uint64_t at, uint64_t n,
		       const char *what)
{
	const char *z = memchr(buf, '\0', len);

	if (z && at + (uint64_t)(z - buf) != n - 1)
		return check_corrupt(r, "%s holds a NUL byte at %llu of %llu", what,
			       (unsigned long long)(at + (uint64_t)(z - buf)), (unsigned long long)n);
	return 0;
}

int check_no_nul(struct rd *r, const char *buf, uint64_t n, const char *what)
{
	return check_no_nul_piece(r, buf, n, 0, n, what);
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
int check_format(struct rd *r, const char *buf, uint64_t n, const char *what)
{
	const char *p = buf, *stop = buf + n, *line, *end;
	char names[128][64], ex[64];
	int fields = 0;

	if (n && !buf[n - 1])
		stop--;
	if (!is_text(buf, stop))
		return check_corrupt(r, "%s holds bytes that are not text", what);
	if (!next_line(&p, stop, &line, &end) || !line_is(line, end, "name: ", IDENT "-.") ||
	    !next_line(&p, stop, &line, &end) || !line_is(line, end, "ID: ", "0123456789") ||
	    !next_line(&p, stop, &line, &end) || end - line != 7 || memcmp(line, "format:", 7))
		return check_corrupt(r, "%s does not start with name:, ID: and format: lines", what);
	while (next_line(&p, stop, &line, &end)) {
		if (end == line)
			continue;
		if (end - line >= 11 && !memcmp(line, "print fmt: ", 11)) {
			/* the print fmt runs to the end */
			end = stop;
			while (end > line && end[-1] == '\n')
				end--;
			if (!fields || check_print_fmt(line + 11, end))
				return check_corrupt(r, "%s: malformed print fmt", what);
			if (check_rec_refs(line + 11, end, names, fields))
				return check_corrupt(r, "%s: print fmt names a field the format lacks", what);
			return 0;
		}
		if (fields == (int)KMS_ARRAY_SIZE(names))
			return check_corrupt(r, "%s has more than %d fields", what, fields);
		if (check_field(line, end, names[fields], sizeof(names[fields])))
			return check_corrupt(r, "%s: malformed field line '%s'", what,
				       check_excerpt(ex, sizeof(ex), line, end - line));
		fields++;
	}
	return check_corrupt(r, "%s has no print fmt", what);
}

/*
 * header_page, as libtraceevent's parse_header_field() reads it: lines of
 * "field: TYPE NAME; offset:N; size:N; signed:N;" with a timestamp of 8
 * bytes at 0, a commit of the kernel's long (4 or 8) at 8, and the data
 * right after it, inside the file's page size.
 */
int check_header_page(struct rd *r, const char *buf, uint64_t n)
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
			return check_corrupt(r, "header_page has a line of %ld bytes", (long)(end - line));
		memcpy(one, line, end - line);
		one[end - line] = '\0';
		if (!one[strspn(one, " \t")])
			continue;
		/* the declaration as libtraceevent's parse_header_field() reads it: words */
		if (sscanf(one, " field: %127[^;]; offset:%u; size:%u;", decl, &off, &size) != 3 ||
		    decl[strspn(decl, " \tABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")])
			return check_corrupt(r, "header_page line '%s' is not a field",
				       check_excerpt(decl, sizeof(decl), one, strlen(one)));
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
			return check_corrupt(r, "header_page field '%s' (offset %u, size %u) is unexpected",
				       check_excerpt(one, sizeof(one), decl, strlen(decl)), off, size);
		}
	}
	if (seen != 7 || ts != 8)
		return check_corrupt(r, "header_page lacks its timestamp, commit or data field");
	if (doff != 8 + commit || (uint64_t)doff + dsize > r->page_size)
		return check_corrupt(r, "header_page: data at %u of %u bytes does not follow the commit in a page of %u",
			       doff, dsize, r->page_size);
	r->long_size = commit;
	return 0;
}

/*
 * printk formats, "ADDR : FORMAT" lines: libtraceevent steps past the
 * ':' and a blank and strips quotes and a "\n" without looking, so each
 * line needs an address, a colon, and a format of at least three bytes.
 */
int check_printk(struct rd *r, const char *buf, uint64_t n)
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
			return check_corrupt(r, "printk formats line %lu is not 'ADDR : FORMAT'", lineno);
		fmt = colon + 2;
		if (fmt < end && *fmt == '"')
			fmt++;
		if (fmt > end || end - fmt < 3)
			return check_corrupt(r, "printk formats line %lu has an empty format", lineno);
	}
	return 0;
}

