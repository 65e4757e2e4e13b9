// SPDX-License-Identifier: GPL-2.0
/*
 * kprobes against a fake tracefs directory (tracefs_set_tracing_dir()), as
 * libtracefs's own tests do: the exact lines written to kprobe_events, the
 * choice among symbol alternatives, optional probes skipped with a notice,
 * the error text of a rejected write, removal on the success and the error
 * path, and the removal of stale groups only.
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <tracefs.h>

#include "tracefs/kprobe.h"
#include "recipe/recipe.h"
#include "tracefs/session.h"
#include "unit.h"

static char dir[256];
static char notices[1024];

/*
 * The kernel's probe files accumulate the lines written to them; a plain
 * file would be overwritten, so dynamic_events is a FIFO whose writes a
 * thread appends to `written` (libtracefs ends definitions with a newline,
 * removals without one).
 */
static pthread_mutex_t wlock = PTHREAD_MUTEX_INITIALIZER;
static char written[8192];
static pthread_t fifo_thread;

static void *fifo_reader(void *arg)
{
	char path[512], buf[1024];
	ssize_t n;
	int fd;

	/* Held open read-write: never an EOF, and writers never meet a closed pipe. */
	snprintf(path, sizeof(path), "%s/dynamic_events", dir);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		pthread_mutex_lock(&wlock);
		strncat(written, buf, sizeof(written) - strlen(written) - 1);
		pthread_mutex_unlock(&wlock);
		if (strstr(buf, "STOP"))
			break;
	}
	close(fd);
	return NULL;
}

static void fifo_start(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/dynamic_events", dir);
	unlink(path);
	if (mkfifo(path, 0600) < 0 || pthread_create(&fifo_thread, NULL, fifo_reader, NULL))
		exit(99);
}

static void fifo_stop(void)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/dynamic_events", dir);
	fd = open(path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "STOP", 4) < 0)
			perror("fifo");
		close(fd);
	}
	pthread_join(fifo_thread, NULL);
	unlink(path);
}

/* What was written to the probe files so far, and forget it. */
static char *take_written(void)
{
	char *s;

	usleep(20000);	/* let the reader catch the last write */
	pthread_mutex_lock(&wlock);
	s = strdup(written);
	written[0] = '\0';
	pthread_mutex_unlock(&wlock);
	return s;
}

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(99);
	}
	fputs(text, f);
	fclose(f);
}

static void mkdirs(const char *rel)
{
	char path[512], *p;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

static char *get(const char *rel)
{
	char path[512];

	if (!strcmp(rel, "kprobe_events"))
		return take_written();
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return kms_read_file(path, NULL);
}

/* Forget what was written so far. */
static void clear_probes(void)
{
	free(take_written());
}

static void notice(const char *msg, void *ctx)
{
	strncat(notices, msg, sizeof(notices) - strlen(notices) - 2);
	strcat(notices, "\n");
}

/* A fake instance in which the kernel "created" the probes' event dirs. */
static void fake_session(struct kms_session *s, const char *const *probes)
{
	char rel[256];
	int i;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "kmemscope-%d", (int)getpid());
	snprintf(rel, sizeof(rel), "instances/%s", s->name);
	mkdirs(rel);
	for (i = 0; probes[i]; i++) {
		snprintf(rel, sizeof(rel), "instances/%s/events/kmemscope_%d/%s", s->name,
			 (int)getpid(), probes[i]);
		mkdirs(rel);
		strcat(rel, "/enable");
		put(rel, "0\n");
	}
	s->inst = tracefs_instance_alloc(dir, s->name);
	if (!s->inst)
		exit(99);
}

static struct kms_recipe *recipe(const char *text)
{
	char path[512];
	struct kms_recipe *r;

	snprintf(path, sizeof(path), "%s/t.recipe", dir);
	put("t.recipe", text);
	r = kms_recipe_parse(path, NULL);
	if (!r) {
		fprintf(stderr, "recipe: %s\n", kms_strerror());
		exit(99);
	}
	return r;
}

int main(void)
{
	static const char *const names[] = { "kmalloc", "fault", "gone", NULL };
	struct kms_symtab *syms;
	struct kms_session s;
	struct kms_recipe *r;
	char want[512], *ke, *en;
	int pid = getpid(), kver = kms_kernel_version();

	snprintf(dir, sizeof(dir), "/tmp/kms-faketracefs-XXXXXX");
	if (!mkdtemp(dir))
		return 99;
	put("kprobe_events", "");
	fifo_start();
	put("error_log", "");
	put("README", "kprobe_events syntax: p[:[<group>/][<event>]] <place> [<args>]\n");
	put("available_filter_functions", "__kmalloc\nhandle_mm_fault\nother_func [mod]\n");
	mkdirs("instances");
	if (tracefs_set_tracing_dir(dir) < 0)
		return 99;

	CHECK(kms_kprobes_available(), "fake kprobe_events not seen");
	syms = kms_symtab_load();
	CHECK(syms && kms_symtab_has(syms, "__kmalloc") && !kms_symtab_has(syms, "__kmalloc_noprof"),
	      "symbol table");

	/* Symbol alternatives, {cond} arguments, an optional probe skipped. */
	r = recipe("kprobe kmalloc __kmalloc_noprof|__kmalloc as kmalloc {<4.20}size=%di:u64 {>=4.20}size=$arg1:u64\n"
		   "kprobe fault handle_mm_fault as fault {>=4.20}address=$arg2:x64 {>=4.20}flags=$arg3:u32 {btf}vma=vma:x64\n"
		   "kprobe gone no_such_function optional\n"
		   "table probes\n");
	/* The symbol chosen: the first alternative the kernel has, "%return" kept. */
	CHECK(r->nr_kprobes == 3 && kms_kprobe_symbol(&r->kprobes[0], syms) == r->kprobes[0].symbols[1],
	      "kmalloc symbol: %s", r->nr_kprobes ? kms_kprobe_symbol(&r->kprobes[0], syms) : "-");
	CHECK(!kms_kprobe_symbol(&r->kprobes[2], syms), "no_such_function found");
	{
		char *alts[] = { "no_such_function%return", "handle_mm_fault%return" };
		struct kms_kprobe_def ret = { .name = "r", .symbols = alts, .nr_symbols = 2 };
		const char *sym = kms_kprobe_symbol(&ret, syms);

		CHECK(sym && !strcmp(sym, "handle_mm_fault%return"), "return probe symbol: %s",
		      sym ? sym : "(null)");
	}
	fake_session(&s, names);
	CHECK(kms_kprobes_setup(&s, r->kprobes, r->nr_kprobes, syms, notice, NULL) == 0,
	      "setup: %s", kms_strerror());
	ke = get("kprobe_events");
	snprintf(want, sizeof(want), "p:kmemscope_%d/kmalloc __kmalloc %s\n"
		 "p:kmemscope_%d/fault handle_mm_fault%s\n", pid,
		 kver >= 4020 ? "size=$arg1:u64" : "size=%di:u64", pid,
		 kver >= 4020 ? " address=$arg2:x64 flags=$arg3:u32" : "");
	CHECK(ke && !strcmp(ke, want), "kprobe_events:\n%s\nwant:\n%s", ke ? ke : "(null)", want);
	free(ke);
	CHECK(strstr(notices, "kprobe gone: none of no_such_function exists in this kernel; skipped (optional)"),
	      "notice: '%s'", notices);
	snprintf(want, sizeof(want), "instances/kmemscope-%d/events/kmemscope_%d/fault/enable", pid, pid);
	en = get(want);
	CHECK(en && en[0] == '1', "fault probe not enabled in the instance: %s", en ? en : "(null)");
	free(en);
	CHECK(s.nr_enabled == 2, "%d events remembered for the trace.dat", s.nr_enabled);

	/* Removal when the session ends. */
	clear_probes();
	kms_session_destroy(&s);
	ke = get("kprobe_events");
	snprintf(want, sizeof(want), "-:kmemscope_%d/kmalloc", pid);
	CHECK(ke && strstr(ke, want), "kmalloc probe not removed: %s", ke ? ke : "(null)");
	snprintf(want, sizeof(want), "-:kmemscope_%d/fault", pid);
	CHECK(ke && strstr(ke, want), "fault probe not removed: %s", ke ? ke : "(null)");
	free(ke);
	kms_recipe_free(r);

	/* A missing non-optional probe stops the setup; what was made is removed. */
	clear_probes();
	r = recipe("kprobe kmalloc __kmalloc size=$arg1:u64\nkprobe gone no_such_function\ntable probes\n");
	fake_session(&s, names);
	CHECK(kms_kprobes_setup(&s, r->kprobes, r->nr_kprobes, syms, notice, NULL) < 0, "missing probe accepted");
	CHECK(!strcmp(kms_strerror(), "kprobe gone: none of no_such_function exists in this kernel"),
	      "error: '%s'", kms_strerror());
	kms_session_destroy(&s);
	ke = get("kprobe_events");
	snprintf(want, sizeof(want), "-:kmemscope_%d/kmalloc", pid);
	CHECK(ke && strstr(ke, want), "error path left the probe: %s", ke ? ke : "(null)");
	free(ke);
	kms_recipe_free(r);

	/* A write the kernel rejects: the error names the definition. */
	{
		char path[512];

		fifo_stop();
		snprintf(path, sizeof(path), "%s/kprobe_events", dir);
		unlink(path);
		mkdir(path, 0755);	/* opening it for writing fails */
		snprintf(path, sizeof(path), "%s/dynamic_events", dir);
		mkdir(path, 0755);
		r = recipe("kprobe kmalloc __kmalloc size=$arg1:u64\ntable probes\n");
		fake_session(&s, names);
		CHECK(kms_kprobes_setup(&s, r->kprobes, r->nr_kprobes, syms, notice, NULL) < 0, "rejected write accepted");
		snprintf(want, sizeof(want), "kprobe 'p:kmemscope_%d/kmalloc __kmalloc size=$arg1:u64' rejected: ", pid);
		CHECK(!strncmp(kms_strerror(), want, strlen(want)), "error: '%s'", kms_strerror());
		kms_session_destroy(&s);
		kms_recipe_free(r);
		rmdir(path);
		snprintf(path, sizeof(path), "%s/kprobe_events", dir);
		rmdir(path);
	}

	/* Stale groups of dead owners go; other tools' probes stay. */
	/* (plain files now: one removal line overwrites the start of the list) */
	put("kprobe_events", "p:kmemscope_4000000/x __kmalloc\np:mytool/y handle_mm_fault\n");
	put("dynamic_events", "p:kmemscope_4000000/x __kmalloc\np:mytool/y handle_mm_fault\n");
	CHECK(kms_kprobes_reset_stale(NULL, NULL) == 1, "stale count: %s", kms_strerror());
	ke = get("dynamic_events");
	CHECK(ke && strstr(ke, "-:kmemscope_4000000/x") && !strstr(ke, "-:mytool"),
	      "reset wrote: %s", ke ? ke : "(null)");
	free(ke);

	kms_symtab_free(syms);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	return unit_done("unit-kprobe");
}
