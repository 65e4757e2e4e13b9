// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the pagemap snapshot on committed fixtures
 * (tests/fixtures/pagemap/proc, written by gen.pl there from the kernel's
 * documented bit layouts): entry decoding, swapped entries (type and
 * offset), per-mapping counts, USS, PSS (without kmemscope's own mappings,
 * from the fixture's self/), flags, memcg, PFN reads in windows, hidden
 * PFNs, and the errors for gone processes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "unit.h"
#include "pagemap/kpage.h"
#include "pagemap/pagemap.h"

#define FIXDIR KMS_SRCDIR "/tests/fixtures/pagemap/proc"

/* Entry vpn of a fixture pagemap file, read as raw little-endian bytes. */
static uint64_t raw_entry(int pid, unsigned int vpn)
{
	unsigned char b[8];
	char path[4096];
	uint64_t v = 0;
	int fd, i;

	snprintf(path, sizeof(path), "%s/%d/pagemap", FIXDIR, pid);
	fd = open(path, O_RDONLY);
	if (fd < 0 || pread(fd, b, 8, vpn * 8) != 8) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(99);
	}
	close(fd);
	for (i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/* Decoding of single entries from the fixture bytes. */
static void test_decode(void)
{
	struct kms_pm_entry e;

	kms_pm_decode(raw_entry(4242, 0x10), &e);
	CHECK(e.present && e.file_shared && !e.exclusive && !e.swapped && e.pfn == 0x100,
	      "text page: present %d file %d pfn %#llx", e.present, e.file_shared,
	      (unsigned long long)e.pfn);
	kms_pm_decode(raw_entry(4242, 0x22), &e);
	CHECK(e.present && e.exclusive && e.soft_dirty && e.uffd_wp && e.pfn == 0x204,
	      "heap page: excl %d sd %d uffd %d pfn %#llx", e.exclusive, e.soft_dirty,
	      e.uffd_wp, (unsigned long long)e.pfn);
	kms_pm_decode(raw_entry(4242, 0x24), &e);
	CHECK(!e.present && e.swapped && e.soft_dirty && e.swap_type == 1 &&
	      e.swap_offset == 0x1234 && e.pfn == 0,
	      "swapped entry: type %u offset %#llx", e.swap_type,
	      (unsigned long long)e.swap_offset);
	kms_pm_decode(raw_entry(4242, 0x25), &e);
	CHECK(e.swapped && !e.soft_dirty && e.swap_type == 31 &&
	      e.swap_offset == (1ULL << 50) - 1,
	      "swapped entry: type %u offset %#llx", e.swap_type,
	      (unsigned long long)e.swap_offset);
	kms_pm_decode(raw_entry(4242, 0x26), &e);
	CHECK(!e.present && !e.swapped && !e.pfn, "empty entry decodes as nothing");
	kms_pm_decode(raw_entry(4243, 0x30), &e);
	CHECK(e.present && e.exclusive && e.pfn == 0, "hidden PFN reads as 0");
	CHECK(!strcmp(kms_kpf_name(12), "ANON") && !strcmp(kms_kpf_name(22), "THP") &&
	      !strcmp(kms_kpf_name(26), "PGTABLE") && !kms_kpf_name(27),
	      "kpageflags names");
}

/* One PFN window per run of nearby PFNs, and missing entries past the end. */
static void test_kpage_windows(void)
{
	/* gaps of 252, 251, 256 and 15: one window; then 0xc00-0xc01; then 0xe00 */
	const uint64_t pfns[] = { 0xc01, 0x109, 0x40f, 0x205, 0x109, 0xe00, 0xc00, 0x300, 0x400 };
	struct kms_kpage kp;
	int err = 0;
	long i;

	CHECK(!kms_kpage_load(&kp, FIXDIR, pfns, KMS_ARRAY_SIZE(pfns), &err),
	      "kpage load: %s", kms_strerror());
	CHECK(kp.n == 8, "%zu unique PFNs, want 8", kp.n);
	/* windows [0x109..0x40f], [0xc00..0xc01], [0xe00], in each of 3 files */
	CHECK(kp.reads == 9, "%lu preads, want 9", kp.reads);
	i = kms_kpage_find(&kp, 0x205);
	CHECK(i >= 0 && kp.count[i] == 2 && kp.cgroup[i] == 2000 &&
	      kp.flags[i] == (1 << 12 | 1 << 14 | 1 << 5 | 1 << 11 | 1 << 3),
	      "PFN 0x205 data");
	i = kms_kpage_find(&kp, 0xe00);
	CHECK(i >= 0 && kp.flags[i] == 1 << KMS_KPF_NOPAGE && kp.count[i] == 0,
	      "PFN past the end reads as NOPAGE");
	i = kms_kpage_find(&kp, 0x40f);
	CHECK(i >= 0 && kp.count[i] == 1 && (kp.flags[i] & 1 << KMS_KPF_COMPOUND_TAIL) &&
	      (kp.flags[i] & 1 << KMS_KPF_THP), "PFN 0x40f data");
	CHECK(kms_kpage_find(&kp, 0x101) == -1, "PFN not asked for is not found");
	kms_kpage_free(&kp);
}

/* The mapping of pm that starts at start. */
static const struct kms_mapping *map_at(const struct kms_pagemap *pm, uint64_t start)
{
	size_t i;

	for (i = 0; i < pm->nmaps; i++)
		if (pm->maps[i].start == start)
			return &pm->maps[i];
	fprintf(stderr, "no mapping at %#llx\n", (unsigned long long)start);
	exit(99);
}

/* Compare pagemap-only counts. */
#define CHECK_PM(c, pg, pr, sw, sd, ex, fs, uw) \
	CHECK((c)->pages == (pg) && (c)->present == (pr) && (c)->swapped == (sw) && \
	      (c)->soft_dirty == (sd) && (c)->exclusive == (ex) && \
	      (c)->file_shared == (fs) && (c)->uffd_wp == (uw), \
	      "line %d: pages %llu present %llu swapped %llu sd %llu excl %llu file %llu uffd %llu", \
	      __LINE__, (unsigned long long)(c)->pages, (unsigned long long)(c)->present, \
	      (unsigned long long)(c)->swapped, (unsigned long long)(c)->soft_dirty, \
	      (unsigned long long)(c)->exclusive, (unsigned long long)(c)->file_shared, \
	      (unsigned long long)(c)->uffd_wp)

/* Counts of pagemap bits, the same whether or not PFNs are visible. */
static void check_pagemap_counts(const struct kms_pagemap *pm)
{
	CHECK(pm->nmaps == 7, "%zu mappings, want 7", pm->nmaps);
	CHECK(!strcmp(pm->comm, "fixture"), "comm '%s'", pm->comm);
	CHECK(!strcmp(map_at(pm, 0x10000)->name, "/usr/bin/fixture prog") &&
	      !strcmp(map_at(pm, 0x10000)->perms, "r-xp"), "file name with a blank");
	CHECK(!strcmp(map_at(pm, 0x30000)->name, "[anon]"), "anonymous mapping name");
	CHECK(!strcmp(map_at(pm, 0xffffffffff600000ULL)->name, "[vsyscall]"), "vsyscall name");
	CHECK_PM(&map_at(pm, 0x10000)->c, 16, 10, 0, 0, 5, 10, 0);
	CHECK_PM(&map_at(pm, 0x20000)->c, 8, 4, 2, 4, 3, 0, 1);
	CHECK_PM(&map_at(pm, 0x30000)->c, 16, 16, 0, 0, 16, 0, 0);
	CHECK_PM(&map_at(pm, 0x40000)->c, 2, 2, 0, 0, 0, 0, 0);
	CHECK_PM(&map_at(pm, 0x50000)->c, 2, 0, 0, 0, 0, 0, 0);
	CHECK_PM(&map_at(pm, 0x60000)->c, 4, 3, 0, 0, 1, 0, 0);
	/* past the end of the file (above the task size): no pages, no error */
	CHECK_PM(&map_at(pm, 0xffffffffff600000ULL)->c, 0, 0, 0, 0, 0, 0, 0);
	CHECK_PM(&pm->total, 48, 35, 2, 4, 25, 10, 1);
}

/* Flags, USS, PSS and memcg attributed from the PFNs of pid 4242. */
static void test_visible(void)
{
	const struct kms_pm_counts *c;
	struct kms_pagemap *pm;
	int err = 0;

	pm = kms_pagemap_read(FIXDIR, 4242, &err);
	CHECK(pm, "read 4242: %s", kms_strerror());
	if (!pm)
		return;
	check_pagemap_counts(pm);
	CHECK(pm->pfns_readable && pm->has_memcg && !pm->note[0], "PFNs readable (%s)", pm->note);
	c = &map_at(pm, 0x10000)->c;
	/* PFN 0x104 has a kpagecount of 2, one of them kmemscope's (fixture self/) */
	CHECK(c->uss == 6 && c->pss == 8 && c->flags[KMS_KPF_LRU] == 10 &&
	      c->flags[KMS_KPF_ACTIVE] == 10 && c->flags[KMS_KPF_ANON] == 0 &&
	      c->memcg == 1000 && c->memcg_pages == 10,
	      "text: uss %llu pss %.2f memcg %llu", (unsigned long long)c->uss, c->pss,
	      (unsigned long long)c->memcg);
	c = &map_at(pm, 0x20000)->c;
	CHECK(c->uss == 3 && c->pss == 3.5 && c->flags[KMS_KPF_ANON] == 4 &&
	      c->flags[KMS_KPF_DIRTY] == 1 && c->memcg == 2000 && c->memcg_pages == 4,
	      "heap: uss %llu pss %.2f", (unsigned long long)c->uss, c->pss);
	c = &map_at(pm, 0x30000)->c;
	CHECK(c->uss == 16 && c->pss == 16 && c->flags[KMS_KPF_THP] == 16 &&
	      c->flags[KMS_KPF_COMPOUND_HEAD] == 1 && c->flags[KMS_KPF_COMPOUND_TAIL] == 15 &&
	      c->flags[KMS_KPF_ANON] == 16, "anon THP counts");
	c = &map_at(pm, 0x40000)->c;
	CHECK(c->uss == 0 && c->pss == 0 && c->flags[KMS_KPF_ZERO_PAGE] == 1 &&
	      c->flags[KMS_KPF_NOPAGE] == 1 && c->memcg == 0,
	      "zero page and PFN past the end: uss %llu", (unsigned long long)c->uss);
	c = &map_at(pm, 0x60000)->c;
	/* 0xc01: a count of 3 less kmemscope's; 0x205: 2 (anonymous pages of ours do not count) */
	CHECK(c->uss == 1 && c->pss == 2 && c->flags[KMS_KPF_ANON] == 3 &&
	      c->flags[KMS_KPF_IDLE] == 2 && c->memcg == 2000 && c->memcg_pages == 2,
	      "stack: uss %llu pss %.3f memcg %llu/%llu", (unsigned long long)c->uss, c->pss,
	      (unsigned long long)c->memcg, (unsigned long long)c->memcg_pages);
	c = &pm->total;
	CHECK(c->uss == 26 && c->pss == 29.5 &&
	      c->flags[KMS_KPF_ANON] == 23 && c->flags[KMS_KPF_LRU] == 33 &&
	      c->flags[KMS_KPF_THP] == 16 && c->memcg == 2000 && c->memcg_pages == 22,
	      "totals: uss %llu pss %.3f anon %llu lru %llu memcg %llu/%llu",
	      (unsigned long long)c->uss, c->pss, (unsigned long long)c->flags[KMS_KPF_ANON],
	      (unsigned long long)c->flags[KMS_KPF_LRU], (unsigned long long)c->memcg,
	      (unsigned long long)c->memcg_pages);
	kms_pagemap_free(pm);
}

/* PFNs read as zero: pagemap counts only, and a note that says why. */
static void test_hidden(void)
{
	struct kms_pagemap *pm;
	int err = 0;

	pm = kms_pagemap_read(FIXDIR, 4243, &err);
	CHECK(pm, "read 4243: %s", kms_strerror());
	if (!pm)
		return;
	check_pagemap_counts(pm);
	CHECK(!pm->pfns_readable && strstr(pm->note, "CAP_SYS_ADMIN"),
	      "hidden PFNs: readable %d note '%s'", pm->pfns_readable, pm->note);
	CHECK(pm->total.uss == 0 && pm->total.flags[KMS_KPF_ZERO_PAGE] == 0,
	      "no PFN data from zero PFNs");
	kms_pagemap_free(pm);
}

/* Processes that do not exist, or exit: ESRCH and a one-line message. */
static void test_gone(void)
{
	int err = 0;

	CHECK(!kms_pagemap_read(FIXDIR, 9999, &err) && err == ESRCH &&
	      strstr(kms_strerror(), "no process with pid 9999"),
	      "missing pid: err %d '%s'", err, kms_strerror());
	err = 0;
	CHECK(!kms_pagemap_read(FIXDIR, 4244, &err) && err == ESRCH &&
	      strstr(kms_strerror(), "exited"), "zombie: err %d '%s'", err, kms_strerror());
	err = 0;
	CHECK(!kms_pagemap_read(FIXDIR, 4245, &err) && err == ESRCH &&
	      strstr(kms_strerror(), "exited while"), "exit mid-read: err %d '%s'", err,
	      kms_strerror());
}

int main(void)
{
	if (sysconf(_SC_PAGESIZE) != 4096) {
		printf("SKIP: the fixtures assume 4 KiB pages\n");
		return 77;
	}
	test_decode();
	test_kpage_windows();
	test_visible();
	test_hidden();
	test_gone();
	return unit_done("unit-pagemap");
}
