// SPDX-License-Identifier: GPL-2.0
/*
 * Recipe files: the line-oriented format described in recipe.h, read line
 * by line into struct kms_recipe with "FILE:LINE: message" errors. The
 * table and kprobe directives have files of their own (tables.c,
 * kprobes.c); finding a recipe by name is locate.c's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kms.h"
#include "recipe/internal.h"

#define MAX_BUFFER_KB	(1UL << 22)

/* Record "FILE:LINE: message" for the line being parsed; returns -1. */
int recipe_err(struct parser *ps, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return kms_error(KMS_ERR_RECIPE, "%s:%d: %s", ps->path, ps->line, msg);
}

/* The blanks that separate words. */
static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Cut the line at a '#' that begins a word, then drop trailing blanks. */
static void strip_line(char *s)
{
	size_t i, len;

	for (i = 0; s[i]; i++) {
		if (s[i] == '#' && (i == 0 || is_blank(s[i - 1]))) {
			s[i] = '\0';
			break;
		}
	}
	len = strlen(s);
	while (len && is_blank(s[len - 1]))
		s[--len] = '\0';
}

/* Next blank-separated word of *pos, NUL-terminated in place; NULL at end. */
char *recipe_word(char **pos)
{
	char *p = *pos, *start;

	while (is_blank(*p))
		p++;
	if (!*p) {
		*pos = p;
		return NULL;
	}
	start = p;
	while (*p && !is_blank(*p))
		p++;
	if (*p)
		*p++ = '\0';
	*pos = p;
	return start;
}

/* The rest of the line after *pos, without leading blanks ("" if none). */
char *recipe_rest(char **pos)
{
	char *p = *pos;

	while (is_blank(*p))
		p++;
	*pos = p + strlen(p);
	return p;
}

/* Grow an array by one zeroed element; returns the new element or NULL. */
void *recipe_grow(void **array, int *nr, size_t size)
{
	char *p = realloc(*array, (*nr + 1) * size);

	if (!p)
		return NULL;
	*array = p;
	memset(p + *nr * size, 0, size);
	return p + (*nr)++ * size;
}

/* description TEXT... */
static int parse_description(struct parser *ps, char **pos)
{
	char *text = recipe_rest(pos);

	if (!*text)
		return recipe_err(ps, "description: missing text");
	if (ps->r->description)
		return recipe_err(ps, "duplicate description (first at line %d)", ps->desc_line);
	ps->r->description = strdup(text);
	if (!ps->r->description)
		return recipe_err(ps, "out of memory");
	ps->desc_line = ps->line;
	return 0;
}

/* event SYSTEM:EVENT [filter EXPR...] */
static int parse_event(struct parser *ps, char **pos)
{
	struct kms_recipe *r = ps->r;
	struct kms_recipe_event *ev;
	char *word, *colon, *expr = NULL;
	int i;

	word = recipe_word(pos);
	if (!word)
		return recipe_err(ps, "event: missing SYSTEM:EVENT");
	colon = strchr(word, ':');
	if (!colon || !kms_is_ident(word, colon - word) || !kms_is_ident(colon + 1, strlen(colon + 1)))
		return recipe_err(ps, "bad event name '%s' (expected SYSTEM:EVENT)", word);
	*colon = '\0';
	for (i = 0; i < r->nr_events; i++)
		if (!strcmp(r->events[i].system, word) && !strcmp(r->events[i].name, colon + 1))
			return recipe_err(ps, "duplicate event %s:%s (first at line %d)", word,
					  colon + 1, r->events[i].line);
	if (ps->known_event && !ps->known_event(word, colon + 1))
		return recipe_err(ps, "unknown event %s:%s", word, colon + 1);
	expr = recipe_word(pos);
	if (expr) {
		if (strcmp(expr, "filter"))
			return recipe_err(ps, "event %s:%s: unexpected '%s' (expected 'filter EXPR')",
					  word, colon + 1, expr);
		expr = recipe_rest(pos);
		if (!*expr)
			return recipe_err(ps, "event %s:%s: 'filter' without an expression",
					  word, colon + 1);
	}
	ev = recipe_grow((void **)&r->events, &r->nr_events, sizeof(*ev));
	if (!ev)
		return recipe_err(ps, "out of memory");
	ev->line = ps->line;
	ev->system = strdup(word);
	ev->name = strdup(colon + 1);
	ev->filter = expr ? strdup(expr) : NULL;
	if (!ev->system || !ev->name || (expr && !ev->filter))
		return recipe_err(ps, "out of memory");
	return 0;
}

/* buffer KIB */
static int parse_buffer(struct parser *ps, char **pos)
{
	char *word = recipe_word(pos), *extra;
	unsigned long kb;

	if (!word)
		return recipe_err(ps, "buffer: missing size in KiB");
	if (kms_parse_uint(word, MAX_BUFFER_KB, &kb) < 0 || !kb)
		return recipe_err(ps, "bad buffer size '%s' (expected 1 to %lu KiB)", word,
				  MAX_BUFFER_KB);
	extra = recipe_word(pos);
	if (extra)
		return recipe_err(ps, "buffer: unexpected '%s' after the size", extra);
	if (ps->buffer_line)
		return recipe_err(ps, "buffer given twice (first at line %d)", ps->buffer_line);
	ps->r->buffer_kb = kb;
	ps->buffer_line = ps->line;
	return 0;
}

/* snapshot NAME */
static int parse_snapshot(struct parser *ps, char **pos)
{
	char *word = recipe_word(pos), *extra;
	size_t i;

	if (!word)
		return recipe_err(ps, "snapshot: missing name (slabinfo, buddyinfo, meminfo or vmstat)");
	extra = recipe_word(pos);
	if (extra)
		return recipe_err(ps, "snapshot: unexpected '%s' (one name per line)", extra);
	for (i = 0; i < KMS_NR_SNAPSHOTS; i++)
		if (!strcmp(kms_snapshot_files[i].name, word))
			break;
	if (i == KMS_NR_SNAPSHOTS)
		return recipe_err(ps, "unknown snapshot '%s' (expected slabinfo, buddyinfo, meminfo or vmstat)",
				  word);
	if (ps->snap_line[i])
		return recipe_err(ps, "duplicate snapshot '%s' (first at line %d)", word,
				  ps->snap_line[i]);
	ps->snap_line[i] = ps->line;
	ps->r->snapshots |= kms_snapshot_files[i].bit;
	return 0;
}

/* fallback RECIPE */
static int parse_fallback(struct parser *ps, char **pos)
{
	char *name = recipe_word(pos);

	if (!name || recipe_word(pos))
		return recipe_err(ps, "fallback: give exactly one recipe name");
	if (ps->r->fallback)
		return recipe_err(ps, "fallback given twice");
	ps->r->fallback = strdup(name);
	return ps->r->fallback ? 0 : recipe_err(ps, "out of memory");
}

/* require page_owner */
static int parse_require(struct parser *ps, char **pos)
{
	char *what = recipe_word(pos);

	if (!what || recipe_word(pos) || strcmp(what, "page_owner"))
		return recipe_err(ps, "require: unknown requirement '%s' (page_owner)", what ? what : "");
	ps->r->requires |= KMS_REQ_PAGE_OWNER;
	return 0;
}

/* Parse one line (already cut at its comment); blank lines are fine. */
static int parse_line(struct parser *ps, char *line)
{
	static const struct {
		const char	*name;
		int		(*parse)(struct parser *ps, char **pos);
	} directives[] = {
		{ "description",	parse_description },
		{ "event",		parse_event },
		{ "buffer",		parse_buffer },
		{ "snapshot",		parse_snapshot },
		{ "table",		recipe_parse_table },
		{ "kprobe",		recipe_parse_kprobe },
		{ "fallback",		parse_fallback },
		{ "require",		parse_require },
		{ "stack",		recipe_parse_stack },
	};
	char *pos = line, *word;
	size_t i;

	strip_line(line);
	word = recipe_word(&pos);
	if (!word)
		return 0;
	for (i = 0; i < KMS_ARRAY_SIZE(directives); i++)
		if (!strcmp(directives[i].name, word))
			return directives[i].parse(ps, &pos);
	return recipe_err(ps, "unknown directive '%s' (expected description, event, buffer, snapshot, table, kprobe, fallback, require or stack)",
			  word);
}

/* Set r->path and r->name (the base name without ".recipe"). */
static int set_names(struct kms_recipe *r, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len > 7 && !strcmp(base + len - 7, ".recipe"))
		len -= 7;
	r->path = strdup(path);
	r->name = strndup(base, len);
	if (!r->path || !r->name)
		return kms_error(KMS_ERR_RECIPE, "%s: out of memory", path);
	return 0;
}

/* Parse a recipe file; NULL with "FILE:LINE: message" on error. */
struct kms_recipe *kms_recipe_parse(const char *path,
				    int (*known_event)(const char *sys, const char *name))
{
	struct parser ps = { .path = path, .known_event = known_event };
	char *buf, *line, *nl;
	size_t len;

	buf = kms_read_regular(path, 1 << 20, &len);	/* no FIFO, no /dev/zero */
	if (!buf)
		return NULL;
	ps.r = calloc(1, sizeof(*ps.r));
	if (!ps.r) {
		kms_error(KMS_ERR_RECIPE, "%s: out of memory", path);
		goto fail;
	}
	if (set_names(ps.r, path) < 0)
		goto fail;
	for (line = buf; line < buf + len; line = nl + 1) {
		ps.line++;
		nl = memchr(line, '\n', buf + len - line);
		if (!nl)
			nl = buf + len;
		*nl = '\0';
		if (strlen(line) != (size_t)(nl - line)) {
			recipe_err(&ps, "NUL byte in line");
			goto fail;
		}
		if (parse_line(&ps, line) < 0)
			goto fail;
	}
	if (!ps.r->nr_events && !ps.r->nr_kprobes) {
		recipe_err(&ps, "no event or kprobe");
		goto fail;
	}
	if (recipe_check_stacks(&ps) < 0)
		goto fail;
	free(buf);
	return ps.r;
fail:
	free(buf);
	kms_recipe_free(ps.r);
	return NULL;
}

/* Free a string array of n entries. */
static void free_strv(char **v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Free a recipe and everything it owns; NULL is fine. */
void kms_recipe_free(struct kms_recipe *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; i < r->nr_events; i++) {
		free(r->events[i].system);
		free(r->events[i].name);
		free(r->events[i].filter);
	}
	free(r->events);
	free(r->tables);
	for (i = 0; i < r->nr_kprobes; i++) {
		free(r->kprobes[i].name);
		free_strv(r->kprobes[i].symbols, r->kprobes[i].nr_symbols);
		free_strv(r->kprobes[i].args, r->kprobes[i].nr_args);
	}
	free(r->kprobes);
	recipe_free_stacks(r);
	free(r->fallback);
	free(r->description);
	free(r->path);
	free(r->name);
	free(r);
}
