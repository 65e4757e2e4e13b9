// SPDX-License-Identifier: GPL-2.0
/*
 * Dynamic kprobe events for recipes.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include <tracefs.h>

#include "base/hmap.h"
#include "base/kms.h"
#include "tracefs/kprobe.h"

struct kms_symtab {
	struct kms_hmap	names;	/* 64-bit hash of the name -> unused byte */
	int		from_kallsyms;
};

/* Is kprobe_events there to write to? */
int kms_kprobes_available(void)
{
	/* dynamic_events also exists for uprobes alone: kprobe_events is the test */
	char *path = tracefs_get_tracing_file("kprobe_events");
	int ok = path && access(path, F_OK) == 0;

	tracefs_put_tracing_file(path);
	return ok;
}

/* The running kernel's "major.minor" as major * 1000 + minor, or 0. */
int kms_kernel_version(void)
{
	struct utsname u;
	unsigned int maj = 0, min = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &maj, &min) != 2)
		return 0;
	return maj * 1000 + min;
}

/* Add the first word of every line (or the third, for kallsyms). */
static int load_names(struct kms_symtab *t, const char *text, int kallsyms)
{
	const char *line = text;

	while (line && *line) {
		const char *w = line, *end;
		uint64_t h;

		if (kallsyms) {	/* "ffffffff81000000 T name [module]" */
			w = strchr(line, ' ');
			if (w && (w[1] == 'T' || w[1] == 't') && w[2] == ' ')
				w += 3;
			else
				w = NULL;
		}
		if (w) {
			end = w + strcspn(w, " \t\n[");
			h = kms_hash(w, end - w);
			if (end > w && !kms_hmap_get(&t->names, &h, NULL))
				return kms_error(KMS_ERR_NOMEM, "out of memory");
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return 0;
}

/* Load the names of the functions the kernel can probe. */
struct kms_symtab *kms_symtab_load(void)
{
	struct kms_symtab *t = calloc(1, sizeof(*t));
	char *text = NULL, *path;

	if (!t || kms_hmap_init(&t->names, 8, 1)) {
		free(t);
		kms_error(KMS_ERR_NOMEM, "out of memory");
		return NULL;
	}
	path = tracefs_get_tracing_file("available_filter_functions");
	if (path)
		text = kms_read_file(path, NULL);
	tracefs_put_tracing_file(path);
	if (!text) {
		text = kms_read_file("/proc/kallsyms", NULL);
		t->from_kallsyms = 1;
	}
	if (!text || load_names(t, text, t->from_kallsyms) < 0) {
		free(text);
		kms_symtab_free(t);
		kms_error(KMS_ERR_FAIL, "cannot list the kernel's functions (available_filter_functions, /proc/kallsyms)");
		return NULL;
	}
	free(text);
	return t;
}

/* Does the kernel have the function name[0..len)? */
static int symtab_has_n(const struct kms_symtab *t, const char *name, size_t len)
{
	uint64_t h = kms_hash(name, len);

	return kms_hmap_find(&t->names, &h) != NULL;
}

/* Does the kernel have the function name? */
int kms_symtab_has(const struct kms_symtab *t, const char *name)
{
	return symtab_has_n(t, name, strlen(name));
}

/* The first symbol alternative the kernel has, "%return" and all. */
const char *kms_kprobe_symbol(const struct kms_kprobe_def *kp, const struct kms_symtab *syms)
{
	int i;

	for (i = 0; i < kp->nr_symbols; i++)
		if (symtab_has_n(syms, kp->symbols[i], strcspn(kp->symbols[i], "%")))
			return kp->symbols[i];
	return NULL;
}

/* Free a symbol table; NULL is fine. */
void kms_symtab_free(struct kms_symtab *t)
{
	if (!t)
		return;
	kms_hmap_free(&t->names);
	free(t);
}

/* Does the tracefs README document BTF argument names ("->field")? */
int kms_kprobes_btf(void)
{
	char *readme = tracefs_instance_file_read(NULL, "README", NULL);
	int btf = readme && strstr(readme, "->field");

	free(readme);
	return btf;
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
	if (!kms_is_ident(buf, len))
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

/* "p:GROUP/NAME SYMBOL ARGS" or "r:..." for SYMBOL%return. */
char *kms_kprobe_definition(const struct kms_kprobe_def *kp, const char *symbol,
			    const char *group, const char *machine, int kver, int btf)
{
	const char *pct = strstr(symbol, "%return"), *bare;
	char *def = NULL, *tmp;
	size_t len;
	int i;

	if (asprintf(&def, "%c:%s/%s %.*s", pct ? 'r' : 'p', group, kp->name,
		     pct ? (int)(pct - symbol) : (int)strlen(symbol), symbol) < 0)
		return NULL;
	for (i = 0; i < kp->nr_args; i++) {
		if (kms_kprobe_arg_applies(kp->args[i], machine, kver, btf, &bare) != 1)
			continue;
		len = strlen(def);
		tmp = realloc(def, len + strlen(bare) + 2);
		if (!tmp) {
			free(def);
			return NULL;
		}
		def = tmp;
		sprintf(def + len, " %s", bare);
	}
	return def;
}

/* Probes created by this process, kept in the session for removal. */
struct probe_list {
	struct tracefs_dynevent	**ev;
	int			n;
};

/* Create one probe on symbol and keep it in the session's list. */
static int add_probe(struct kms_session *s, const char *group,
		     const struct kms_kprobe_def *kp, const char *symbol,
		     const char *machine, int kver, int btf)
{
	struct probe_list *pl = s->probes;
	struct tracefs_dynevent *d, **tmp;
	const char *pct = strstr(symbol, "%return");
	char *def, *args, *sym, *log;
	int err;

	def = kms_kprobe_definition(kp, symbol, group, machine, kver, btf);
	if (!def)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	args = strchr(strchr(def, ' ') + 1, ' ');	/* after "p:g/n symbol" */
	sym = strndup(symbol, pct ? (size_t)(pct - symbol) : strlen(symbol));
	d = !sym ? NULL : pct ? tracefs_kretprobe_alloc(group, kp->name, sym, args ? args + 1 : NULL, 0)
			      : tracefs_kprobe_alloc(group, kp->name, sym, args ? args + 1 : NULL);
	free(sym);
	if (!d) {
		free(def);
		return kms_error(KMS_ERR_FAIL, "kprobe %s: %s", kp->name, strerror(errno ? errno : ENOMEM));
	}
	tracefs_error_clear(NULL);
	if (tracefs_dynevent_create(d) < 0) {
		err = errno;
		log = tracefs_error_last(NULL);
		kms_error(KMS_ERR_FAIL, "kprobe '%s' rejected: %s", def, log && *log ? log : strerror(err));
		free(log);
		free(def);
		tracefs_dynevent_free(d);
		return -1;
	}
	free(def);
	tmp = realloc(pl->ev, (pl->n + 1) * sizeof(*tmp));
	if (!tmp) {
		tracefs_dynevent_destroy(d, true);
		tracefs_dynevent_free(d);
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	}
	pl->ev = tmp;
	pl->ev[pl->n++] = d;
	return 0;
}

/* Make and enable each probe on the first symbol the kernel has. */
int kms_kprobes_setup(struct kms_session *s, const struct kms_kprobe_def *defs, int n,
			const struct kms_symtab *syms, kms_notice_fn notice, void *ctx)
{
	struct kms_event_spec spec = { 0 };
	char group[64], msg[512];
	struct utsname u;
	int i, kver = kms_kernel_version(), btf;

	if (n <= 0)
		return 0;
	if (!kms_kprobes_available())
		return kms_error(KMS_ERR_UNSUPPORTED, "kprobe_events is not available on this kernel "
				 "(CONFIG_KPROBE_EVENTS=n, or lockdown closes it)");
	if (uname(&u))
		snprintf(u.machine, sizeof(u.machine), "unknown");
	if (!s->probes) {
		s->probes = calloc(1, sizeof(struct probe_list));
		if (!s->probes)
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		s->probes_destroy = kms_kprobes_destroy;	/* by kms_session_destroy() */
	}
	snprintf(group, sizeof(group), KMS_KPROBE_GROUP_PREFIX "%d", (int)getpid());
	btf = kms_kprobes_btf();
	for (i = 0; i < n; i++) {
		const struct kms_kprobe_def *kp = &defs[i];
		const char *sym = kms_kprobe_symbol(kp, syms);

		if (!sym) {
			snprintf(msg, sizeof(msg), "kprobe %s: none of %s%s exists in this kernel",
				 kp->name, kp->symbols[0], kp->nr_symbols > 1 ? " (and its alternatives)" : "");
			if (!kp->optional)
				return kms_error(KMS_ERR_FAIL, "%s", msg);
			if (notice) {
				strncat(msg, "; skipped (optional)", sizeof(msg) - strlen(msg) - 1);
				notice(msg, ctx);
			}
			continue;
		}
		if (add_probe(s, group, kp, sym, u.machine, kver, btf) < 0)
			return -1;
		spec.system = group;
		spec.name = kp->name;
		if (kms_session_enable(s, &spec) < 0)
			return -1;
	}
	return 0;
}

/* Remove and free the probes this session made. */
void kms_kprobes_destroy(struct kms_session *s)
{
	struct probe_list *pl = s->probes;
	int i;

	if (!pl)
		return;
	for (i = 0; i < pl->n; i++) {
		tracefs_dynevent_destroy(pl->ev[i], true);
		tracefs_dynevent_free(pl->ev[i]);
	}
	free(pl->ev);
	free(pl);
	s->probes = NULL;
}

/* Remove the probe groups of kmemscope processes that are gone. */
int kms_kprobes_reset_stale(void (*fn)(const char *name, void *ctx), void *ctx)
{
	struct tracefs_dynevent **all;
	int i, removed = 0, ret = 0;

	if (!kms_kprobes_available())
		return 0;
	all = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE, NULL);
	for (i = 0; all && all[i]; i++) {
		char *sys = NULL, *ev = NULL, name[256];
		unsigned long pid;

		tracefs_dynevent_info(all[i], &sys, &ev, NULL, NULL, NULL);
		if (sys && !strncmp(sys, KMS_KPROBE_GROUP_PREFIX, strlen(KMS_KPROBE_GROUP_PREFIX)) &&
		    !kms_parse_uint(sys + strlen(KMS_KPROBE_GROUP_PREFIX), 1UL << 22, &pid) &&
		    pid != (unsigned long)getpid() && !kms_owner_alive(pid)) {
			snprintf(name, sizeof(name), "%s/%s", sys, ev ? ev : "?");
			if (tracefs_dynevent_destroy(all[i], true) < 0) {
				ret = kms_error(KMS_ERR_FAIL, "cannot remove stale kprobe %s: %s", name, strerror(errno));
			} else {
				removed++;
				if (fn)
					fn(name, ctx);
			}
		}
		free(sys);
		free(ev);
	}
	tracefs_dynevent_list_free(all);
	return ret ? ret : removed;
}

/* Why page_owner probes would never fire here, or NULL. */
const char *kms_page_owner_missing(const struct kms_symtab *syms)
{
	char *cmdline;
	int on;

	if (!kms_symtab_has(syms, "__set_page_owner") && !kms_symtab_has(syms, "__reset_page_owner"))
		return "CONFIG_PAGE_OWNER is not set in this kernel (no __set_page_owner); "
		       "use the page-order recipe, which needs only the kmem:mm_page_alloc tracepoint";
	cmdline = kms_read_file("/proc/cmdline", NULL);
	on = cmdline && strstr(cmdline, "page_owner=on");
	free(cmdline);
	if (!on)
		return "the kernel has CONFIG_PAGE_OWNER but was booted without page_owner=on, "
		       "so its page_owner functions are never called; boot with page_owner=on, "
		       "or use the page-order recipe";
	return NULL;
}
