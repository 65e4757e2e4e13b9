// SPDX-License-Identifier: GPL-2.0
/*
 * Recipe files: parsing of the line-oriented format described in recipe.h,
 * with "FILE:LINE: message" errors, and the search for a recipe by name in
 * $KMEMSCOPE_RECIPES, the source tree (when running uninstalled) and the
 * installed data directory.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/kms.h"
#include "recipe/recipe.h"
#include "analyse/table.h"

#define MAX_BUFFER_KB	(1UL << 22)
#define MAX_DIRS	4

static const struct {
	const char		*name;
	enum kms_snapshot	bit;
} snapshots[] = {
	{ "slabinfo",	KMS_SNAP_SLABINFO },
	{ "buddyinfo",	KMS_SNAP_BUDDYINFO },
	{ "meminfo",	KMS_SNAP_MEMINFO },
	{ "vmstat",	KMS_SNAP_VMSTAT },
};

struct parser {
	const char		*path;
	int			line;
	struct kms_recipe	*r;
	int			(*known_event)(const char *sys, const char *name);
	int			desc_line;
	int			buffer_line;
	int			snap_line[KMS_ARRAY_SIZE(snapshots)];
};

/* Record "FILE:LINE: message" for the line being parsed; returns -1. */
static int __attribute__((format(printf, 2, 3))) perr(struct parser *ps, const char *fmt, ...)
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
static char *next_word(char **pos)
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
static char *rest_of_line(char **pos)
{
	char *p = *pos;

	while (is_blank(*p))
		p++;
	*pos = p + strlen(p);
	return p;
}

/* A name made of letters, digits and underscores only. */
static int is_ident(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return 1;
}

/* Grow an array by one zeroed element; returns the new element or NULL. */
static void *grow(void **array, int *nr, size_t size)
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
	char *text = rest_of_line(pos);

	if (!*text)
		return perr(ps, "description: missing text");
	if (ps->r->description)
		return perr(ps, "duplicate description (first at line %d)", ps->desc_line);
	ps->r->description = strdup(text);
	if (!ps->r->description)
		return perr(ps, "out of memory");
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

	word = next_word(pos);
	if (!word)
		return perr(ps, "event: missing SYSTEM:EVENT");
	colon = strchr(word, ':');
	if (!colon || !is_ident(word, colon - word) || !is_ident(colon + 1, strlen(colon + 1)))
		return perr(ps, "bad event name '%s' (expected SYSTEM:EVENT)", word);
	*colon = '\0';
	for (i = 0; i < r->nr_events; i++)
		if (!strcmp(r->events[i].system, word) && !strcmp(r->events[i].name, colon + 1))
			return perr(ps, "duplicate event %s:%s (first at line %d)", word,
				    colon + 1, r->events[i].line);
	if (ps->known_event && !ps->known_event(word, colon + 1))
		return perr(ps, "unknown event %s:%s", word, colon + 1);
	expr = next_word(pos);
	if (expr) {
		if (strcmp(expr, "filter"))
			return perr(ps, "event %s:%s: unexpected '%s' (expected 'filter EXPR')",
				    word, colon + 1, expr);
		expr = rest_of_line(pos);
		if (!*expr)
			return perr(ps, "event %s:%s: 'filter' without an expression",
				    word, colon + 1);
	}
	ev = grow((void **)&r->events, &r->nr_events, sizeof(*ev));
	if (!ev)
		return perr(ps, "out of memory");
	ev->line = ps->line;
	ev->system = strdup(word);
	ev->name = strdup(colon + 1);
	ev->filter = expr ? strdup(expr) : NULL;
	if (!ev->system || !ev->name || (expr && !ev->filter))
		return perr(ps, "out of memory");
	return 0;
}

/* buffer KIB */
static int parse_buffer(struct parser *ps, char **pos)
{
	char *word = next_word(pos), *extra;
	unsigned long kb;

	if (!word)
		return perr(ps, "buffer: missing size in KiB");
	if (kms_parse_uint(word, MAX_BUFFER_KB, &kb) < 0 || !kb)
		return perr(ps, "bad buffer size '%s' (expected 1 to %lu KiB)", word,
			    MAX_BUFFER_KB);
	extra = next_word(pos);
	if (extra)
		return perr(ps, "buffer: unexpected '%s' after the size", extra);
	if (ps->buffer_line)
		return perr(ps, "buffer given twice (first at line %d)", ps->buffer_line);
	ps->r->buffer_kb = kb;
	ps->buffer_line = ps->line;
	return 0;
}

/* snapshot NAME */
static int parse_snapshot(struct parser *ps, char **pos)
{
	char *word = next_word(pos), *extra;
	size_t i;

	if (!word)
		return perr(ps, "snapshot: missing name (slabinfo, buddyinfo, meminfo or vmstat)");
	extra = next_word(pos);
	if (extra)
		return perr(ps, "snapshot: unexpected '%s' (one name per line)", extra);
	for (i = 0; i < KMS_ARRAY_SIZE(snapshots); i++)
		if (!strcmp(snapshots[i].name, word))
			break;
	if (i == KMS_ARRAY_SIZE(snapshots))
		return perr(ps, "unknown snapshot '%s' (expected slabinfo, buddyinfo, meminfo or vmstat)",
			    word);
	if (ps->snap_line[i])
		return perr(ps, "duplicate snapshot '%s' (first at line %d)", word,
			    ps->snap_line[i]);
	ps->snap_line[i] = ps->line;
	ps->r->snapshots |= snapshots[i].bit;
	return 0;
}

/* Append "a, b, c" from a NULL-terminated list to buf. */
static void join_names(char *buf, size_t size, const char *const *names)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; names[i] && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", i ? ", " : "", names[i]);
}

/* "unknown table" with the catalogue's names. */
static int unknown_table(struct parser *ps, const char *name)
{
	const struct kms_table_def *const *t = kms_tables();
	const char *names[32];
	char list[512];
	int n;

	for (n = 0; t[n] && n < (int)KMS_ARRAY_SIZE(names) - 1; n++)
		names[n] = t[n]->name;
	names[n] = NULL;
	join_names(list, sizeof(list), names);
	return perr(ps, "unknown table '%s' (tables: %s)", name, list);
}

/* The "by KEY[,KEY]..." clause of a table. */
static int parse_keys(struct parser *ps, struct kms_recipe_table *t, char *list)
{
	const struct kms_table_def *def = t->def;
	char *key, *comma, keys[256];
	int k, i;

	t->nr_keys = 0;
	for (key = list; ; key = comma + 1) {
		comma = strchr(key, ',');
		if (comma)
			*comma = '\0';
		if (!*key)
			return perr(ps, "table %s: empty key in 'by' list", def->name);
		k = kms_table_key(def, key);
		if (k < 0) {
			join_names(keys, sizeof(keys), def->keys);
			return perr(ps, "table %s: unknown key '%s' (keys: %s)", def->name,
				    key, keys);
		}
		for (i = 0; i < t->nr_keys; i++)
			if (t->keys[i] == k)
				return perr(ps, "table %s: duplicate key '%s'", def->name, key);
		if (t->nr_keys == KMS_MAX_KEYS)
			return perr(ps, "table %s: more than %d keys", def->name, KMS_MAX_KEYS);
		t->keys[t->nr_keys++] = k;
		if (!comma)
			break;
	}
	return 0;
}

/* The "sort COLUMN" clause of a table. */
static int parse_sort(struct parser *ps, struct kms_recipe_table *t, const char *col)
{
	const struct kms_table_def *def = t->def;
	char cols[512];
	size_t len = 0;
	int i;

	t->sort = kms_table_col(def, col);
	if (t->sort >= 0)
		return 0;
	cols[0] = '\0';
	for (i = 0; i < def->nr_cols && len < sizeof(cols); i++)
		len += snprintf(cols + len, sizeof(cols) - len, "%s%s", i ? ", " : "",
				def->cols[i].name);
	return perr(ps, "table %s: unknown sort column '%s' (columns: %s)", def->name, col, cols);
}

/* table NAME [by KEY[,KEY]...] [sort COLUMN] [limit N] */
static int parse_table(struct parser *ps, char **pos)
{
	struct kms_recipe *r = ps->r;
	const struct kms_table_def *def;
	struct kms_recipe_table *t;
	char *name, *word, *arg;
	int have_by = 0, have_sort = 0, have_limit = 0;
	unsigned long limit;
	int i, k;

	name = next_word(pos);
	if (!name)
		return perr(ps, "table: missing table name");
	def = kms_table_find(name);
	if (!def)
		return unknown_table(ps, name);
	for (i = 0; i < r->nr_tables; i++)
		if (r->tables[i].def == def)
			return perr(ps, "duplicate table '%s' (first at line %d)", name,
				    r->tables[i].line);
	t = grow((void **)&r->tables, &r->nr_tables, sizeof(*t));
	if (!t)
		return perr(ps, "out of memory");
	t->def = def;
	t->line = ps->line;
	for (k = 0; def->default_keys[k] && t->nr_keys < KMS_MAX_KEYS; k++) {
		i = kms_table_key(def, def->default_keys[k]);
		if (i >= 0)
			t->keys[t->nr_keys++] = i;
	}
	t->sort = kms_table_col(def, def->default_sort);
	if (t->sort < 0)
		t->sort = 0;
	while ((word = next_word(pos))) {
		int *seen;

		if (!strcmp(word, "by"))
			seen = &have_by;
		else if (!strcmp(word, "sort"))
			seen = &have_sort;
		else if (!strcmp(word, "limit"))
			seen = &have_limit;
		else
			return perr(ps, "table %s: unexpected '%s' (expected by, sort or limit)",
				    name, word);
		if (*seen)
			return perr(ps, "table %s: '%s' given twice", name, word);
		*seen = 1;
		arg = next_word(pos);
		if (!arg)
			return perr(ps, "table %s: '%s' needs a value", name, word);
		if (seen == &have_by) {
			if (parse_keys(ps, t, arg) < 0)
				return -1;
		} else if (seen == &have_sort) {
			if (parse_sort(ps, t, arg) < 0)
				return -1;
		} else {
			if (kms_parse_uint(arg, INT_MAX, &limit) < 0)
				return perr(ps, "table %s: bad limit '%s' (expected a number, 0 for all rows)",
					    name, arg);
			t->limit = limit;
		}
	}
	/* A key column is shown only when grouped by, so only then can it sort. */
	k = kms_table_key(def, def->cols[t->sort].name);
	if (have_sort && k >= 0) {
		for (i = 0; i < t->nr_keys; i++)
			if (t->keys[i] == k)
				break;
		if (i == t->nr_keys)
			return perr(ps, "table %s: cannot sort by key '%s' without grouping by it",
				    name, def->keys[k]);
	}
	return 0;
}

/* Split "a|b|c" into the kprobe's symbol list; rejects empty alternatives. */
static int parse_symbols(struct parser *ps, struct kms_recipe_kprobe *kp, const char *list)
{
	const char *s = list, *bar;
	size_t len;
	char **v;

	for (;;) {
		bar = strchr(s, '|');
		len = bar ? (size_t)(bar - s) : strlen(s);
		if (!len)
			return perr(ps, "kprobe %s: empty symbol in '%s'", kp->name, list);
		v = realloc(kp->symbols, (kp->nr_symbols + 1) * sizeof(char *));
		if (!v)
			return perr(ps, "out of memory");
		kp->symbols = v;
		kp->symbols[kp->nr_symbols] = strndup(s, len);
		if (!kp->symbols[kp->nr_symbols++])
			return perr(ps, "out of memory");
		if (!bar)
			return 0;
		s = bar + 1;
	}
}

static const char *const role_names[] = {
	[KMS_ROLE_NONE] = "count", [KMS_ROLE_PAGE_OWNER] = "page_owner",
	[KMS_ROLE_PAGE_ALLOC] = "page_alloc", [KMS_ROLE_KMALLOC] = "kmalloc",
	[KMS_ROLE_CACHE_ALLOC] = "cache_alloc", [KMS_ROLE_FAULT] = "fault",
};

const char *kms_probe_role_name(int role)
{
	return role >= 0 && role < (int)KMS_ARRAY_SIZE(role_names) ? role_names[role] : "?";
}

/* Does one condition hold: an architecture, or >=X.Y / <X.Y? */
static int cond_holds(const char *c, size_t len, const char *machine, int kver, int btf)
{
	unsigned int maj, min = 0;
	char buf[32];
	int n = 0;

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, c, len);
	buf[len] = '\0';
	if (buf[0] == '>' || buf[0] == '<') {
		int ge = buf[0] == '>';
		const char *v = buf + (ge ? 2 : 1);

		if (ge != (buf[1] == '='))	/* >= and <, never > or <= */
			return -1;
		if (sscanf(v, "%u.%u%n", &maj, &min, &n) != 2 || v[n])
			return -1;
		return ge ? kver >= (int)(maj * 1000 + min) : kver < (int)(maj * 1000 + min);
	}
	if (!is_ident(buf, len))
		return -1;
	if (!strcmp(buf, "btf") || !strcmp(buf, "nobtf"))
		return !strcmp(buf, "btf") == !!btf;
	return !strcmp(buf, machine);
}

int kms_kprobe_arg_applies(const char *arg, const char *machine, int kver, int btf,
			   const char **bare)
{
	const char *end, *c, *comma;
	int ok = 1, r;

	*bare = arg;
	if (arg[0] != '{')
		return 1;
	end = strchr(arg, '}');
	if (!end || end == arg + 1 || !end[1])
		return -1;
	for (c = arg + 1; c < end; c = comma + 1) {
		comma = memchr(c, ',', end - c);
		if (!comma)
			comma = end;
		r = cond_holds(c, comma - c, machine, kver, btf);
		if (r < 0)
			return -1;
		ok &= r;
	}
	*bare = end + 1;
	return ok;
}

/* kprobe NAME SYMBOL[|SYMBOL...] [as ROLE] [ARG...] [optional] */
static int parse_kprobe(struct parser *ps, char **pos)
{
	struct kms_recipe *r = ps->r;
	struct kms_recipe_kprobe *kp;
	char *name, *syms, *word, **v;
	int i;

	name = next_word(pos);
	if (!name)
		return perr(ps, "kprobe: missing NAME and SYMBOL[|SYMBOL...]");
	if (!is_ident(name, strlen(name)))
		return perr(ps, "kprobe: bad name '%s' (letters, digits and '_' only)", name);
	for (i = 0; i < r->nr_kprobes; i++)
		if (!strcmp(r->kprobes[i].name, name))
			return perr(ps, "duplicate kprobe '%s' (first at line %d)", name,
				    r->kprobes[i].line);
	syms = next_word(pos);
	if (!syms)
		return perr(ps, "kprobe %s: missing symbol list (SYMBOL[|SYMBOL...])", name);
	kp = grow((void **)&r->kprobes, &r->nr_kprobes, sizeof(*kp));
	if (!kp)
		return perr(ps, "out of memory");
	kp->line = ps->line;
	kp->name = strdup(name);
	if (!kp->name)
		return perr(ps, "out of memory");
	if (parse_symbols(ps, kp, syms) < 0)
		return -1;
	while ((word = next_word(pos))) {
		const char *bare;

		if (!strcmp(word, "optional") && !**pos) {
			kp->optional = 1;
			break;
		}
		if (!strcmp(word, "as")) {
			word = next_word(pos);
			for (i = 0; word && i < (int)KMS_ARRAY_SIZE(role_names); i++)
				if (!strcmp(word, role_names[i]))
					break;
			if (!word || i == (int)KMS_ARRAY_SIZE(role_names))
				return perr(ps, "kprobe %s: unknown role '%s' (count, page_owner, page_alloc, kmalloc, cache_alloc or fault)",
					    name, word ? word : "");
			kp->role = i;
			continue;
		}
		if (kms_kprobe_arg_applies(word, "x", 0, 0, &bare) < 0 || !strchr(bare, '='))
			return perr(ps, "kprobe %s: bad argument '%s' (NAME=FETCH[:TYPE], optionally after {COND,...})",
				    name, word);
		v = realloc(kp->args, (kp->nr_args + 1) * sizeof(char *));
		if (!v)
			return perr(ps, "out of memory");
		kp->args = v;
		kp->args[kp->nr_args] = strdup(word);
		if (!kp->args[kp->nr_args++])
			return perr(ps, "out of memory");
	}
	return 0;
}

/* fallback RECIPE */
static int parse_fallback(struct parser *ps, char **pos)
{
	char *name = next_word(pos);

	if (!name || next_word(pos))
		return perr(ps, "fallback: give exactly one recipe name");
	if (ps->r->fallback)
		return perr(ps, "fallback given twice");
	ps->r->fallback = strdup(name);
	return ps->r->fallback ? 0 : perr(ps, "out of memory");
}

/* require page_owner */
static int parse_require(struct parser *ps, char **pos)
{
	char *what = next_word(pos);

	if (!what || next_word(pos) || strcmp(what, "page_owner"))
		return perr(ps, "require: unknown requirement '%s' (page_owner)", what ? what : "");
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
		{ "table",		parse_table },
		{ "kprobe",		parse_kprobe },
		{ "fallback",		parse_fallback },
		{ "require",		parse_require },
	};
	char *pos = line, *word;
	size_t i;

	strip_line(line);
	word = next_word(&pos);
	if (!word)
		return 0;
	for (i = 0; i < KMS_ARRAY_SIZE(directives); i++)
		if (!strcmp(directives[i].name, word))
			return directives[i].parse(ps, &pos);
	return perr(ps, "unknown directive '%s' (expected description, event, buffer, snapshot, table, kprobe, fallback or require)",
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
			perr(&ps, "NUL byte in line");
			goto fail;
		}
		if (parse_line(&ps, line) < 0)
			goto fail;
	}
	if (!ps.r->nr_events && !ps.r->nr_kprobes) {
		perr(&ps, "no event or kprobe");
		goto fail;
	}
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
	free(r->fallback);
	free(r->description);
	free(r->path);
	free(r->name);
	free(r);
}

/* True if path is an existing directory. */
static int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* True if path exists (file or directory). */
static int exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

/*
 * The candidate directories in search order: $KMEMSCOPE_RECIPES, then, when
 * the running binary sits in a build tree (its directory holds a Makefile or
 * a recipes/ directory), that recipes/ and the source tree's, then the
 * installed one. With only_existing, directories that do not exist (or
 * repeat an earlier one) are left out. Fills out[] and returns the count.
 */
static int candidate_dirs(char bufs[][PATH_MAX], const char **out, int only_existing)
{
	char exe[PATH_MAX - 16], cand[MAX_DIRS][PATH_MAX], real[PATH_MAX], *slash;
	const char *env = getenv("KMEMSCOPE_RECIPES");
	int nr_cand = 0, n = 0, in_tree, i, j;
	ssize_t len;

	if (env && *env && strlen(env) < PATH_MAX)
		strcpy(cand[nr_cand++], env);
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(real, sizeof(real), "%s/Makefile", exe);
			in_tree = exists(real);
			snprintf(real, sizeof(real), "%s/recipes", exe);
			if (is_dir(real)) {
				snprintf(cand[nr_cand++], PATH_MAX, "%s", real);
				in_tree = 1;
			}
			if (in_tree)
				snprintf(cand[nr_cand++], PATH_MAX, "%s", KMS_SRCDIR "/recipes");
		}
	}
	snprintf(cand[nr_cand++], PATH_MAX, "%s", KMS_DATADIR "/recipes");

	for (i = 0; i < nr_cand; i++) {
		const char *dir = cand[i];

		if (only_existing) {
			if (!is_dir(dir) || !realpath(dir, real))
				continue;
			dir = real;
		}
		for (j = 0; j < n; j++)
			if (!strcmp(bufs[j], dir))
				break;
		if (j < n)
			continue;
		strcpy(bufs[n], dir);
		out[n] = bufs[n];
		n++;
	}
	out[n] = NULL;
	return n;
}

/* The existing recipe directories, in search order, NULL-terminated. */
const char *const *kms_recipe_dirs(void)
{
	static char bufs[MAX_DIRS][PATH_MAX];
	static const char *dirs[MAX_DIRS + 1];

	candidate_dirs(bufs, dirs, 1);
	return dirs;
}

/* Resolve a recipe name or path to a malloc'd path of an existing file. */
char *kms_recipe_locate(const char *name_or_path)
{
	const char *const *dirs;
	const char *all[MAX_DIRS + 1];
	char bufs[MAX_DIRS][PATH_MAX], path[PATH_MAX], list[1024];
	size_t len = strlen(name_or_path), off = 0;
	struct stat st;
	char *ret;
	int i, n;

	if (strchr(name_or_path, '/') || (len >= 7 && !strcmp(name_or_path + len - 7, ".recipe"))) {
		if (stat(name_or_path, &st) < 0) {
			kms_error(KMS_ERR_RECIPE, "recipe %s: %s", name_or_path, strerror(errno));
			return NULL;
		}
		if (S_ISDIR(st.st_mode)) {
			kms_error(KMS_ERR_RECIPE, "recipe %s: %s", name_or_path, strerror(EISDIR));
			return NULL;
		}
		ret = strdup(name_or_path);
		if (!ret)
			kms_error(KMS_ERR_NOMEM, "out of memory");
		return ret;
	}
	if (!len) {
		kms_error(KMS_ERR_RECIPE, "empty recipe name");
		return NULL;
	}
	for (dirs = kms_recipe_dirs(); *dirs; dirs++) {
		snprintf(path, sizeof(path), "%s/%s.recipe", *dirs, name_or_path);
		if (!stat(path, &st) && !S_ISDIR(st.st_mode)) {
			ret = strdup(path);
			if (!ret)
				kms_error(KMS_ERR_NOMEM, "out of memory");
			return ret;
		}
	}
	n = candidate_dirs(bufs, all, 0);
	list[0] = '\0';
	for (i = 0; i < n && off < sizeof(list); i++)
		off += snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "", all[i]);
	kms_error(KMS_ERR_RECIPE, "no recipe named '%s' (looked in %s)", name_or_path, list);
	return NULL;
}
