// SPDX-License-Identifier: GPL-2.0
/*
 * Recipe parsing and lookup: a good recipe with every directive, each error
 * with its "FILE:LINE: " prefix, the shipped recipes checked against the
 * events of the live-6.18 fixture, and kms_recipe_locate() through
 * $KMEMSCOPE_RECIPES.
 */
#include <dirent.h>
#include <limits.h>
#include <unistd.h>

#include "recipe/recipe.h"
#include "analyse/table.h"
#include "unit.h"

static char tmpdir[PATH_MAX];
static char fixture_formats[PATH_MAX];

/* Write text to DIR/name and return the path (static storage). */
static const char *write_recipe(const char *name, const char *text)
{
	static char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(99);
	}
	return path;
}

/* Only a fixed set of kmem and exceptions events exist. */
static int known_event(const char *sys, const char *name)
{
	static const char *const events[] = {
		"kmem:mm_page_alloc", "kmem:mm_page_free", "kmem:kmalloc", "kmem:kfree",
		"kmem:kmem_cache_alloc", "kmem:kmem_cache_free", "kmem:rss_stat",
		"exceptions:page_fault_user", "exceptions:page_fault_kernel",
	};
	char full[256];
	size_t i;

	if (strcmp(sys, "kmem") && strcmp(sys, "exceptions"))
		return 0;
	snprintf(full, sizeof(full), "%s:%s", sys, name);
	for (i = 0; i < KMS_ARRAY_SIZE(events); i++)
		if (!strcmp(events[i], full))
			return 1;
	return 0;
}

/* The events of the live-6.18 fixture: formats/SYSTEM__EVENT.format. */
static int fixture_event(const char *sys, const char *name)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s__%s.format", fixture_formats, sys, name);
	return access(path, R_OK) == 0;
}

/* Index of a key name in the table's def->keys, for readable checks. */
static const char *key_name(const struct kms_table_req *t, int i)
{
	return t->def->keys[t->keys[i]];
}

/* A recipe that uses every directive, with comments, tabs and spacing. */
static void test_good(void)
{
	const struct kms_table_req *t;
	const struct kms_recipe_kprobe *k;
	struct kms_recipe *r;
	const char *path;

	path = write_recipe("good.recipe",
		"# a test recipe\n"
		"\n"
		"description   Pages by order,  issue#42 kept   # trailing comment\n"
		"event kmem:mm_page_alloc filter order > 0 && order < 9\n"
		"\tevent kmem:mm_page_free\t# no filter here\n"
		"  event exceptions:page_fault_user filter ip != 0 # comment after filter\n"
		"event kmem:kmalloc filter bytes_req>=4096\r\n"
		"buffer 4096\n"
		"snapshot buddyinfo\n"
		"snapshot vmstat\n"
		"table pages by order,migratetype sort count\n"
		"table page_orders\n"
		"table pages_by_process limit 20 sort count by pid,comm,order\n"
		"table slab_by_callsite limit 0 by cache,call_site sort cache\n"
		"kprobe page_owner __set_page_owner|__reset_page_owner order=%si:u32 optional\n"
		"kprobe fallback do_one\n"
		"    # indented comment\n");
	kms_error(KMS_ERR_FAIL, "%s", "");
	r = kms_recipe_parse(path, known_event);
	CHECK(r, "good recipe does not parse: %s", kms_strerror());
	if (!r)
		return;
	CHECK(!strcmp(r->name, "good"), "name '%s'", r->name);
	CHECK(!strcmp(r->path, path), "path '%s'", r->path);
	CHECK(r->description && !strcmp(r->description, "Pages by order,  issue#42 kept"),
	      "description '%s'", r->description ? r->description : "(null)");
	CHECK(r->nr_events == 4, "%d events", r->nr_events);
	if (r->nr_events == 4) {
		CHECK(!strcmp(r->events[0].system, "kmem") &&
		      !strcmp(r->events[0].name, "mm_page_alloc"), "event 0 name");
		CHECK(r->events[0].filter &&
		      !strcmp(r->events[0].filter, "order > 0 && order < 9"),
		      "event 0 filter '%s'", r->events[0].filter ? r->events[0].filter : "(null)");
		CHECK(r->events[0].line == 4, "event 0 line %d", r->events[0].line);
		CHECK(!strcmp(r->events[1].name, "mm_page_free") && !r->events[1].filter,
		      "event 1: a comment is not a filter");
		CHECK(r->events[1].line == 5, "event 1 line %d", r->events[1].line);
		CHECK(!strcmp(r->events[2].system, "exceptions") && r->events[2].filter &&
		      !strcmp(r->events[2].filter, "ip != 0"), "event 2 filter '%s'",
		      r->events[2].filter ? r->events[2].filter : "(null)");
		CHECK(r->events[3].filter && !strcmp(r->events[3].filter, "bytes_req>=4096"),
		      "event 3 filter (CRLF line) '%s'",
		      r->events[3].filter ? r->events[3].filter : "(null)");
	}
	CHECK(r->buffer_kb == 4096, "buffer %lu", r->buffer_kb);
	CHECK(r->snapshots == (KMS_SNAP_BUDDYINFO | KMS_SNAP_VMSTAT), "snapshots %#x",
	      r->snapshots);

	CHECK(r->nr_tables == 4, "%d tables", r->nr_tables);
	if (r->nr_tables == 4) {
		t = &r->tables[0];
		CHECK(!strcmp(t->def->name, "pages") && t->nr_keys == 2 &&
		      !strcmp(key_name(t, 0), "order") && !strcmp(key_name(t, 1), "migratetype"),
		      "pages keys");
		CHECK(t->sort == kms_table_col(t->def, "count") && t->limit == 0 && t->line == 11,
		      "pages sort %d limit %d line %d", t->sort, t->limit, t->line);

		t = &r->tables[1];
		CHECK(!strcmp(t->def->name, "page_orders") && t->nr_keys == 1 &&
		      !strcmp(key_name(t, 0), "order"), "page_orders default keys");
		CHECK(t->sort == kms_table_col(t->def, "order") && t->limit == 0,
		      "page_orders default sort %d", t->sort);

		t = &r->tables[2];
		CHECK(!strcmp(t->def->name, "pages_by_process") && t->nr_keys == 3 &&
		      !strcmp(key_name(t, 0), "pid") && !strcmp(key_name(t, 1), "comm") &&
		      !strcmp(key_name(t, 2), "order"), "pages_by_process keys");
		CHECK(t->sort == kms_table_col(t->def, "count") && t->limit == 20,
		      "pages_by_process sort %d limit %d", t->sort, t->limit);

		t = &r->tables[3];
		CHECK(!strcmp(t->def->name, "slab_by_callsite") && t->nr_keys == 2 &&
		      !strcmp(key_name(t, 0), "cache") && !strcmp(key_name(t, 1), "call_site"),
		      "slab_by_callsite keys");
		CHECK(t->sort == kms_table_col(t->def, "cache") && t->limit == 0,
		      "slab_by_callsite sort %d limit %d", t->sort, t->limit);
	}

	CHECK(r->nr_kprobes == 2, "%d kprobes", r->nr_kprobes);
	if (r->nr_kprobes == 2) {
		k = &r->kprobes[0];
		CHECK(!strcmp(k->name, "page_owner") && k->nr_symbols == 2 &&
		      !strcmp(k->symbols[0], "__set_page_owner") &&
		      !strcmp(k->symbols[1], "__reset_page_owner"), "kprobe 0 symbols");
		CHECK(k->nr_args == 1 && !strcmp(k->args[0], "order=%si:u32"), "kprobe 0 args");
		CHECK(k->optional == 1 && k->line == 15, "kprobe 0 optional %d line %d",
		      k->optional, k->line);
		k = &r->kprobes[1];
		CHECK(!strcmp(k->name, "fallback") && k->nr_symbols == 1 &&
		      !strcmp(k->symbols[0], "do_one") && k->nr_args == 0 && !k->optional,
		      "kprobe 1");
	}
	kms_recipe_free(r);

	/* Without a callback every well-formed name is accepted; a kprobe alone is enough. */
	path = write_recipe("nocb.recipe", "event foo:bar\n");
	r = kms_recipe_parse(path, NULL);
	CHECK(r && r->nr_events == 1 && !r->description && !r->buffer_kb && !r->snapshots,
	      "NULL callback: %s", r ? "wrong content" : kms_strerror());
	kms_recipe_free(r);
	path = write_recipe("kp-only", "kprobe k sym optional\nbuffer 4194304\n"
			    "table slab_by_callsite\n");
	r = kms_recipe_parse(path, known_event);
	CHECK(r && r->nr_kprobes == 1 && r->kprobes[0].optional && !r->kprobes[0].nr_args &&
	      r->buffer_kb == 4194304, "kprobe-only recipe: %s", r ? "wrong content" : kms_strerror());
	CHECK(r && !strcmp(r->name, "kp-only"), "name without .recipe suffix");
	if (r && r->nr_tables == 1) {
		t = &r->tables[0];
		CHECK(t->nr_keys == 1 && !strcmp(key_name(t, 0), "call_site") &&
		      t->sort == kms_table_col(t->def, "bytes_alloc") && !t->limit,
		      "slab_by_callsite defaults");
	}
	kms_recipe_free(r);
	kms_recipe_free(NULL);
}

/* Parse text, expect NULL and "PATH:LINE: ...word...". */
static void check_err(int from, const char *text, int line, const char *word)
{
	struct kms_recipe *r;
	const char *path, *msg;
	char prefix[PATH_MAX + 80];

	path = write_recipe("bad.recipe", text);
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	kms_error(KMS_ERR_FAIL, "%s", "");
	r = kms_recipe_parse(path, known_event);
	msg = kms_strerror();
	CHECK(!r, "line %d: recipe parsed but should fail:\n%s", from, text);
	kms_recipe_free(r);
	CHECK(!strncmp(msg, prefix, strlen(prefix)),
	      "line %d: message '%s' does not start with '%s'", from, msg, prefix);
	CHECK(strstr(msg, word), "line %d: message '%s' lacks '%s'", from, msg, word);
}

#define ERR(text, line, word) check_err(__LINE__, text, line, word)
#define EV "event kmem:mm_page_alloc\n"

/* Every error of the format, with its line number. */
static void test_errors(void)
{
	ERR(EV "foo bar\n", 2, "unknown directive 'foo'");
	ERR(EV "\n  # c\n\tEvent kmem:kfree\n", 4, "unknown directive 'Event'");

	/* Missing arguments. */
	ERR("event\n", 1, "missing");
	ERR(EV "buffer\n", 2, "missing");
	ERR(EV "snapshot   # nothing\n", 2, "missing");
	ERR(EV "table\n", 2, "missing");
	ERR(EV "description\n", 2, "missing");
	ERR(EV "description   # only a comment\n", 2, "missing");
	ERR(EV "kprobe\n", 2, "missing");

	/* Event names. */
	ERR("event kmem\n", 1, "bad event name 'kmem'");
	ERR("event kmem:\n", 1, "bad event name");
	ERR("event :mm_page_alloc\n", 1, "bad event name");
	ERR("event kmem:mm_page_alloc:x\n", 1, "bad event name");
	ERR("event kmem/mm_page_alloc\n", 1, "bad event name");
	ERR(EV "event kmem:foo\n", 2, "unknown event kmem:foo");
	ERR("event sched:sched_switch\n", 1, "unknown event sched:sched_switch");
	ERR(EV "event kmem:kfree filter\n", 2, "filter");
	ERR(EV "event kmem:kfree filter   # comment only\n", 2, "filter");
	ERR(EV "event kmem:kfree order > 0\n", 2, "unexpected 'order'");
	ERR(EV "event kmem:kfree\nevent kmem:mm_page_alloc filter order > 1\n", 3,
	    "duplicate event kmem:mm_page_alloc (first at line 1)");

	/* Buffer. */
	ERR(EV "buffer 0\n", 2, "bad buffer size '0'");
	ERR(EV "buffer -4\n", 2, "bad buffer size");
	ERR(EV "buffer +4\n", 2, "bad buffer size");
	ERR(EV "buffer 4k\n", 2, "bad buffer size");
	ERR(EV "buffer 4194305\n", 2, "bad buffer size");
	ERR(EV "buffer 99999999999999999999999999\n", 2, "bad buffer size");
	ERR(EV "buffer 64 128\n", 2, "unexpected '128'");
	ERR(EV "buffer 64\n\nbuffer 64\n", 4, "buffer given twice (first at line 2)");

	/* Snapshots. */
	ERR(EV "snapshot zoneinfo\n", 2, "unknown snapshot 'zoneinfo'");
	ERR(EV "snapshot meminfo vmstat\n", 2, "unexpected 'vmstat'");
	ERR(EV "snapshot meminfo\nsnapshot meminfo\n", 3, "duplicate snapshot 'meminfo'");

	/* Tables. */
	ERR(EV "table x\n", 2, "unknown table 'x'");
	ERR(EV "table x\n", 2, "pages_by_process");
	ERR(EV "table pages by foo\n", 2,
	    "table pages: unknown key 'foo' (keys: order, migratetype, gfp, pid, comm)");
	ERR(EV "table pages by count\n", 2, "unknown key 'count'");
	ERR(EV "table pages by order,order\n", 2, "duplicate key 'order'");
	ERR(EV "table pages by order,migratetype,gfp,pid,comm\n", 2, "more than 4 keys");
	ERR(EV "table pages by order,\n", 2, "empty key");
	ERR(EV "table pages by ,order\n", 2, "empty key");
	ERR(EV "table pages by\n", 2, "'by' needs a value");
	ERR(EV "table slab sort x\n", 2, "table slab: unknown sort column 'x'");
	ERR(EV "table slab sort\n", 2, "'sort' needs a value");
	ERR(EV "table pages by order sort pid\n", 2, "cannot sort by key 'pid'");
	ERR(EV "table pages sort comm by pid\n", 2, "cannot sort by key 'comm'");
	ERR(EV "table slab limit x\n", 2, "bad limit 'x'");
	ERR(EV "table slab limit -1\n", 2, "bad limit");
	ERR(EV "table slab limit 99999999999\n", 2, "bad limit");
	ERR(EV "table slab limit 3 colour\n", 2, "unexpected 'colour'");
	ERR(EV "table slab colour\n", 2, "unexpected 'colour'");
	ERR(EV "table slab sort live sort frees\n", 2, "'sort' given twice");
	ERR(EV "table pages\ntable slab\ntable pages by pid\n", 4,
	    "duplicate table 'pages' (first at line 2)");

	/* Description. */
	ERR(EV "description one\ndescription two\n", 3, "duplicate description (first at line 2)");

	/* Kprobes. */
	ERR(EV "kprobe p\n", 2, "missing symbol list");
	ERR(EV "kprobe p  # sym\n", 2, "missing symbol list");
	ERR(EV "kprobe p a||b\n", 2, "empty symbol in 'a||b'");
	ERR(EV "kprobe p |a\n", 2, "empty symbol");
	ERR(EV "kprobe p a|\n", 2, "empty symbol");
	ERR(EV "kprobe p-q a\n", 2, "bad name 'p-q'");
	ERR(EV "kprobe p a\nkprobe p b\n", 3, "duplicate kprobe 'p' (first at line 2)");

	/* No event or kprobe: reported at the last line. */
	ERR("description nothing to trace\n# at all\nbuffer 64\n", 3, "no event or kprobe");
	ERR("", 0, "no event or kprobe");
}

/* The shipped recipes parse against the events of a real 6.18 kernel. */
static void test_shipped(const char *srcdir)
{
	static const char *const shipped[] = { "page-order", "slab", "faults", "overview" };
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct kms_recipe *r;
	struct dirent *de;
	size_t i;
	int n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/recipes", srcdir);
	d = opendir(dir);
	CHECK(d, "cannot open %s", dir);
	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 8 || strcmp(de->d_name + len - 7, ".recipe"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		r = kms_recipe_parse(path, fixture_event);
		CHECK(r, "shipped recipe: %s", kms_strerror());
		CHECK(!r || (r->description && r->nr_tables > 0 &&
			     (r->nr_events > 0 || r->nr_kprobes > 0)),
		      "%s: no description, table, event or kprobe", path);
		/* A kprobe recipe runs elsewhere as its tracepoint fallback, or needs page_owner. */
		CHECK(!r || !r->nr_kprobes || r->fallback || (r->requires & KMS_REQ_PAGE_OWNER),
		      "%s: kprobes without a fallback or a requirement", path);
		kms_recipe_free(r);
		n++;
	}
	if (d)
		closedir(d);
	CHECK(n >= 4, "only %d recipes in %s", n, dir);

	for (i = 0; i < KMS_ARRAY_SIZE(shipped); i++) {
		snprintf(path, sizeof(path), "%s/%s.recipe", dir, shipped[i]);
		r = kms_recipe_parse(path, fixture_event);
		CHECK(r, "%s: %s", shipped[i], kms_strerror());
		if (!r)
			continue;
		CHECK(!strcmp(r->name, shipped[i]), "name '%s'", r->name);
		if (!strcmp(shipped[i], "page-order"))
			CHECK(r->nr_events == 2 && r->snapshots == KMS_SNAP_BUDDYINFO &&
			      r->buffer_kb == 4096 && r->nr_tables == 4 &&
			      r->tables[0].nr_keys == 2 && r->tables[2].limit == 20,
			      "page-order content");
		if (!strcmp(shipped[i], "slab"))
			CHECK(r->nr_events == 4 && r->snapshots == KMS_SNAP_SLABINFO &&
			      r->buffer_kb == 8192 && r->nr_tables == 4, "slab content");
		if (!strcmp(shipped[i], "faults"))
			CHECK(r->nr_events == 3 && r->snapshots == KMS_SNAP_MEMINFO &&
			      r->nr_tables == 3, "faults content");
		if (!strcmp(shipped[i], "overview"))
			CHECK(r->nr_events == 9 && r->snapshots == (KMS_SNAP_SLABINFO |
			      KMS_SNAP_BUDDYINFO | KMS_SNAP_MEMINFO | KMS_SNAP_VMSTAT) &&
			      r->buffer_kb == 8192 && r->nr_tables == 8, "overview content");
		kms_recipe_free(r);
	}
}

/* Lookup by path, and by name through $KMEMSCOPE_RECIPES. */
static void test_locate(const char *srcdir)
{
	const char *const *dirs;
	char real[PATH_MAX], want[PATH_MAX * 2], recipes[PATH_MAX];
	char *p;

	write_recipe("mine.recipe", EV);
	setenv("KMEMSCOPE_RECIPES", tmpdir, 1);
	CHECK(realpath(tmpdir, real), "realpath %s", tmpdir);
	dirs = kms_recipe_dirs();
	CHECK(dirs && dirs[0] && !strcmp(dirs[0], real), "first dir '%s', want '%s'",
	      dirs && dirs[0] ? dirs[0] : "(none)", real);

	p = kms_recipe_locate("mine");
	snprintf(want, sizeof(want), "%s/mine.recipe", real);
	CHECK(p && !strcmp(p, want), "locate mine: %s", p ? p : kms_strerror());
	free(p);

	p = kms_recipe_locate("no-such-recipe");
	CHECK(!p && strstr(kms_strerror(), "no recipe named 'no-such-recipe'") &&
	      strstr(kms_strerror(), real), "locate missing name: '%s'", kms_strerror());
	free(p);

	snprintf(want, sizeof(want), "%s/mine.recipe", tmpdir);
	p = kms_recipe_locate(want);
	CHECK(p && !strcmp(p, want), "locate by path: %s", p ? p : kms_strerror());
	free(p);

	p = kms_recipe_locate("absent.recipe");
	CHECK(!p && strstr(kms_strerror(), "recipe absent.recipe: "), "locate absent path: '%s'",
	      kms_strerror());
	free(p);
	p = kms_recipe_locate("./nope");
	CHECK(!p && strstr(kms_strerror(), "recipe ./nope: "), "locate ./nope: '%s'",
	      kms_strerror());
	free(p);

	snprintf(recipes, sizeof(recipes), "%s/recipes", srcdir);
	setenv("KMEMSCOPE_RECIPES", recipes, 1);
	p = kms_recipe_locate("overview");
	CHECK(p && strstr(p, "/overview.recipe"), "locate overview: %s", p ? p : kms_strerror());
	free(p);
	unsetenv("KMEMSCOPE_RECIPES");
}

/* Remove the files this test wrote, then its directory. */
static void remove_tmpdir(void)
{
	char path[PATH_MAX * 2];
	struct dirent *de;
	DIR *d = opendir(tmpdir);

	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	if (rmdir(tmpdir))
		perror(tmpdir);
}

/* SRCDIR and FIXTURES come from the test harness; both have defaults. */
int main(void)
{
	const char *srcdir = getenv("SRCDIR"), *fixtures = getenv("FIXTURES");
	const char *tmp = getenv("TMPDIR");

	if (!srcdir || !*srcdir)
		srcdir = KMS_SRCDIR;
	if (fixtures && *fixtures)
		snprintf(fixture_formats, sizeof(fixture_formats), "%s/live-6.18/formats", fixtures);
	else
		snprintf(fixture_formats, sizeof(fixture_formats),
			 "%s/tests/fixtures/live-6.18/formats", srcdir);
	snprintf(tmpdir, sizeof(tmpdir), "%s/kms-recipe.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 99;
	}

	test_good();
	test_errors();
	test_shipped(srcdir);
	test_locate(srcdir);

	remove_tmpdir();
	return unit_done("unit-recipe");
}
