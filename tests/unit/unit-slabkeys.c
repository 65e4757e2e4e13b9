// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of how slab allocations find their facts (analyse/slab.c): a
 * cache name is taken by its bytes as words (no byte past its length is
 * read, and none counts), in front of the names map, and an allocation's
 * fact is remembered by call site, process and name in a small table.
 * A made-up stream whose rows follow by construction: names of every
 * length from 1 to 40 (past the 28 bytes the words hold), each ending
 * where a page of no access begins (a read past it is a SIGSEGV; .ci/run's
 * AddressSanitizer build sees it too) and, in a second copy, followed by
 * other bytes; names that differ only in one byte of their last word, of
 * their third, or of a 1-3 byte name; one call site allocating from
 * several caches and processes in turn; and many call sites, more than
 * the table holds. Each cache's allocation count is known.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>

#include "analyse/analyse.h"
#include "analyse/table.h"
#include "decode/decode.h"
#include "unit.h"

#define NAMES	40
#define SITE	0xffffffff81000010ULL

static struct kms_analysis *an;
static unsigned long long ts, ptr = 0x1000;

static void cache_alloc(int pid, unsigned long long site, const char *name, int len)
{
	struct kms_ev ev = { .type = KMS_EV_CACHE_ALLOC, .pid = pid, .call_site = site,
			     .ptr = ptr += 64, .bytes_req = 32, .bytes_alloc = 32, .node = -1,
			     .probe = -1, .name = name, .name_len = len, .ts = ++ts };

	CHECK(kms_analysis_add(an, &ev) == 0, "alloc: %s", kms_strerror());
}

/* The allocs of the slab table's row for cache (grouped by cache and pid), -1: none. */
static long long allocs(const char *cache, int pid)
{
	const struct kms_table_def *def = kms_table_find("slab");
	struct kms_table_req rq;
	struct kms_rows r;
	long long v = -1;
	int j, jn = -1, jp = -1, ja = -1, kc = -1, kp = -1;
	size_t i;

	kms_table_req_init(&rq, def);
	for (j = 0; def->keys[j]; j++) {
		kc = !strcmp(def->keys[j], "cache") ? j : kc;
		kp = !strcmp(def->keys[j], "pid") ? j : kp;
	}
	CHECK(kc >= 0 && kp >= 0, "slab has no cache or pid key");
	rq.keys[0] = kc;
	rq.keys[1] = kp;
	rq.nr_keys = 2;
	rq.limit = 0;
	if (kms_analysis_table(an, &rq, &r) < 0) {
		CHECK(0, "table slab: %s", kms_strerror());
		return -2;
	}
	for (j = 0; j < r.ncols; j++) {
		const char *n = def->cols[r.cols[j]].name;

		jn = !strcmp(n, "cache") ? j : jn;
		jp = !strcmp(n, "pid") ? j : jp;
		ja = !strcmp(n, "allocs") ? j : ja;
	}
	CHECK(jn >= 0 && jp >= 0 && ja >= 0, "slab lacks cache, pid or allocs");
	for (i = 0; jn >= 0 && jp >= 0 && ja >= 0 && i < r.nrows; i++)
		if (r.cells[i * r.ncols + jn].s && !strcmp(r.cells[i * r.ncols + jn].s, cache) &&
		    r.cells[i * r.ncols + jp].i == pid)
			v = r.cells[i * r.ncols + ja].i;
	kms_rows_free(&r);
	return v;
}

int main(void)
{
	char *exact[NAMES + 1], *padded[NAMES + 1], want[64], other[16], *guard;
	int len, i, round;
	long page;

	an = kms_analysis_new(NULL, NULL);
	CHECK(an, "kms_analysis_new: %s", kms_strerror());
	if (!an)
		return unit_done("unit-slabkeys");
	/* name i: i bytes 'a' + (k % 26), then a differing last byte; copies with other bytes after */
	page = sysconf(_SC_PAGESIZE);
	guard = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(guard != MAP_FAILED && !mprotect(guard + page, page, PROT_NONE), "guard page");
	if (guard == MAP_FAILED)
		return unit_done("unit-slabkeys");
	for (len = 1; len <= NAMES; len++) {
		exact[len] = malloc(len);
		padded[len] = malloc(len + 16);
		for (i = 0; i < len; i++)
			exact[len][i] = 'a' + (i % 26);
		exact[len][len - 1] = '0' + len % 10;
		memcpy(padded[len], exact[len], len);
		memset(padded[len] + len, len & 1 ? 'x' : 0x80 | len, 16);
	}
	/* each length len: len allocations from its own call site, half through the padded copy, one at the guard */
	for (round = 0; round < NAMES; round++)
		for (len = 1; len <= NAMES; len++)
			if (round < len) {
				const char *name = round & 1 ? padded[len] : exact[len];

				if (round == len - 1) {	/* its last byte right before the page of no access */
					memcpy(guard + page - len, exact[len], len);
					name = guard + page - len;
				}
				cache_alloc(100, SITE + 16 * len, name, len);
			}
	/* one call site, the names of lengths 8 and 9 and two processes in turn: 4 rows of 25 */
	for (round = 0; round < 100; round++)
		cache_alloc(round & 2 ? 200 : 300, SITE, round & 1 ? exact[8] : exact[9],
			    round & 1 ? 8 : 9);
	/* names one byte apart at one call site: the last byte tells them apart */
	for (round = 0; round < 30; round++) {
		snprintf(other, sizeof(other), "kmem%02d", round % 3);
		cache_alloc(400, SITE + 8, other, 6);
	}
	/* 20-byte names one byte apart at their 20th byte (the third word), at one call site */
	for (round = 0; round < 20; round++) {
		memcpy(want, exact[20], 19);
		want[19] = 'A' + round % 2;
		cache_alloc(700, SITE + 32, want, 20);
	}
	/* 1 to 3-byte names one byte apart, at one call site */
	for (round = 0; round < 60; round++) {
		want[0] = 'p';
		want[1] = 'q';
		want[2] = '0' + round % 2;
		cache_alloc(800, SITE + 40, want + 3 - (1 + round % 3), 1 + round % 3);
	}
	/* 26-byte names one byte apart at their 26th byte, in the last word, at one call site */
	for (round = 0; round < 40; round++) {
		snprintf(other, sizeof(other), "%d", round % 4);
		memcpy(want, exact[26], 25);
		want[25] = other[0];
		cache_alloc(600, SITE + 24, want, 26);
	}
	/* 5000 call sites, more than the table of facts remembers: still one row */
	for (round = 0; round < 5000; round++)
		cache_alloc(500, SITE + 0x100000 + 8 * round, exact[12], 12);

	for (len = 1; len <= NAMES; len++) {
		memcpy(want, exact[len], len);
		want[len] = '\0';
		CHECK(allocs(want, 100) == len, "cache %s (%d bytes): %lld allocs, want %d", want, len,
		      allocs(want, 100), len);
	}
	memcpy(want, exact[8], 8);
	want[8] = '\0';
	CHECK(allocs(want, 200) == 25 && allocs(want, 300) == 25, "%s: %lld and %lld, want 25 and 25",
	      want, allocs(want, 200), allocs(want, 300));
	memcpy(want, exact[9], 9);
	want[9] = '\0';
	CHECK(allocs(want, 200) == 25 && allocs(want, 300) == 25, "%s: %lld and %lld, want 25 and 25",
	      want, allocs(want, 200), allocs(want, 300));
	for (i = 0; i < 3; i++) {
		snprintf(other, sizeof(other), "kmem%02d", i);
		CHECK(allocs(other, 400) == 10, "%s: %lld, want 10", other, allocs(other, 400));
	}
	for (i = 0; i < 2; i++) {
		memcpy(want, exact[20], 19);
		want[19] = 'A' + i;
		want[20] = '\0';
		CHECK(allocs(want, 700) == 10, "%s: %lld, want 10", want, allocs(want, 700));
	}
	/* the short names: want + 3 - n of "pq0" / "pq1": "0" "1", "q0" "q1", "pq0" "pq1" */
	{
		static const char *const shorts[] = { "0", "1", "q0", "q1", "pq0", "pq1" };

		for (i = 0; i < 6; i++)
			CHECK(allocs(shorts[i], 800) == 10, "%s: %lld, want 10", shorts[i],
			      allocs(shorts[i], 800));
	}
	for (i = 0; i < 4; i++) {
		memcpy(want, exact[26], 25);
		want[25] = '0' + i;
		want[26] = '\0';
		CHECK(allocs(want, 600) == 10, "%s: %lld, want 10", want, allocs(want, 600));
	}
	memcpy(want, exact[12], 12);
	want[12] = '\0';
	CHECK(allocs(want, 500) == 5000, "%s by 5000 call sites: %lld, want 5000", want,
	      allocs(want, 500));
	CHECK(kms_analysis_events(an) == 820 + 100 + 30 + 20 + 60 + 40 + 5000, "%llu events", kms_analysis_events(an));
	for (len = 1; len <= NAMES; len++) {
		free(exact[len]);
		free(padded[len]);
	}
	munmap(guard, 2 * page);
	kms_analysis_free(an);
	return unit_done("unit-slabkeys");
}
