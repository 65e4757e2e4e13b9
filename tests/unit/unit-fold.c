// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of forgetting exited processes (analyse/fold.c), as top's
 * bounded analysis does: a made-up stream of slab, page and fault events
 * of a few processes, their exits, and later process events that move the
 * clock on. The expected rows follow by hand from the stream and from what
 * kmemscope-top(1) says: a process that exited at least the grace period
 * before the latest process event folds into pid -2 ("other"), its counts
 * added to other's, its live objects still live and still ended by their
 * free; the traced command never folds; a process that has not exited, or
 * exited less than the grace period ago, keeps its rows.
 */
#include <stdint.h>

#include "analyse/analyse.h"
#include "analyse/table.h"
#include "decode/decode.h"
#include "unit.h"

#define S	1000000000ULL
#define GRACE	(10 * S)
#define SITE	0xffffffff81000010ULL

static struct kms_analysis *an;

static void feed(struct kms_ev *ev, unsigned long long ts)
{
	ev->ts = ts;
	ev->probe = -1;
	ev->node = -1;
	CHECK(kms_analysis_add(an, ev) == 0, "event %d: %s", ev->type, kms_strerror());
}

static void kmalloc(int pid, unsigned long long ptr, unsigned long long ts)
{
	struct kms_ev ev = { .type = KMS_EV_KMALLOC, .pid = pid, .call_site = SITE, .ptr = ptr,
			     .bytes_req = 50, .bytes_alloc = 64 };

	feed(&ev, ts);
}

static void kfree(int pid, unsigned long long ptr, unsigned long long ts)
{
	struct kms_ev ev = { .type = KMS_EV_KFREE, .pid = pid, .call_site = SITE, .ptr = ptr };

	feed(&ev, ts);
}

static void page(int pid, unsigned long long pfn, unsigned long long ts)
{
	struct kms_ev ev = { .type = KMS_EV_PAGE_ALLOC, .pid = pid, .pfn = pfn };

	feed(&ev, ts);
}

static void fault(int pid, unsigned long long ts)
{
	struct kms_ev ev = { .type = KMS_EV_FAULT_USER, .pid = pid, .address = 0x1000 };

	feed(&ev, ts);
}

static void proc(enum kms_ev_type type, int pid, int ppid, unsigned long long ts)
{
	struct kms_ev ev = { .type = type, .pid = ppid ? ppid : pid, .tpid = pid, .ppid = ppid,
			     .comm = "load", .comm_len = 4 };

	feed(&ev, ts);
}

/* The int cell of column col in the row of table whose pid column is pid; -1: no row. */
static long long cell(const char *table, int pid, const char *col)
{
	const struct kms_table_def *def = kms_table_find(table);
	struct kms_table_req rq;
	struct kms_rows r;
	long long v = -1;
	int j, jp = -1, jc = -1;
	size_t i;

	kms_table_req_init(&rq, def);
	if (!strcmp(table, "slab")) {	/* grouped by pid alone, as report --by pid */
		for (j = 0; def->keys[j] && strcmp(def->keys[j], "pid"); j++)
			;
		rq.keys[0] = j;
		rq.nr_keys = 1;
	}
	if (kms_analysis_table(an, &rq, &r) < 0) {
		CHECK(0, "table %s: %s", table, kms_strerror());
		return -2;
	}
	for (j = 0; j < r.ncols; j++) {
		const char *n = def->cols[r.cols[j]].name;

		jp = !strcmp(n, "pid") ? j : jp;
		jc = !strcmp(n, col) ? j : jc;
	}
	CHECK(jp >= 0 && jc >= 0, "table %s lacks pid or %s", table, col);
	for (i = 0; jp >= 0 && jc >= 0 && i < r.nrows; i++)
		if (r.cells[i * r.ncols + jp].i == pid)
			v = r.cells[i * r.ncols + jc].i;
	kms_rows_free(&r);
	return v;
}

/* Whether pid's row in the faults table names it want. */
static int comm_is(int pid, const char *want)
{
	const struct kms_table_def *def = kms_table_find("faults");
	struct kms_table_req rq;
	struct kms_rows r;
	int j, jp = -1, jc = -1, ok = 0;
	size_t i;

	kms_table_req_init(&rq, def);
	if (kms_analysis_table(an, &rq, &r) < 0)
		return 0;
	for (j = 0; j < r.ncols; j++) {
		jp = !strcmp(def->cols[r.cols[j]].name, "pid") ? j : jp;
		jc = !strcmp(def->cols[r.cols[j]].name, "comm") ? j : jc;
	}
	for (i = 0; jp >= 0 && jc >= 0 && i < r.nrows; i++)
		if (r.cells[i * r.ncols + jp].i == pid)
			ok = r.cells[i * r.ncols + jc].s && !strcmp(r.cells[i * r.ncols + jc].s, want);
	kms_rows_free(&r);
	return ok;
}

#define WANT(table, pid, col, n) do {					\
	long long v_ = cell(table, pid, col);				\
	CHECK(v_ == (n), "%s pid %d %s: %lld, want %lld", table, pid, col, v_, (long long)(n)); \
} while (0)

int main(void)
{
	long n;

	an = kms_analysis_new(NULL, NULL);
	CHECK(an, "kms_analysis_new: %s", kms_strerror());
	if (!an)
		return unit_done("unit-fold");
	CHECK(kms_analysis_set_bounds(an, 4096, 1 << 18) == 0, "bounds: %s", kms_strerror());
	CHECK(kms_analysis_scope_add(an, 100, "command") == 0, "scope: %s", kms_strerror());
	proc(KMS_EV_FORK, 200, 100, 1);
	proc(KMS_EV_FORK, 300, 100, 2);
	proc(KMS_EV_FORK, 600, 100, 3);
	kmalloc(100, 0xa1, 10);
	kmalloc(200, 0xb1, 11);
	kmalloc(200, 0xb2, 12);
	kfree(200, 0xb1, 13);
	page(200, 1, 14);
	page(200, 2, 15);
	page(200, 3, 16);
	fault(200, 17);
	fault(200, 18);
	fault(200, 19);
	fault(200, 20);
	kmalloc(300, 0xc1, 21);
	proc(KMS_EV_EXIT, 200, 0, 1 * S);
	proc(KMS_EV_EXIT, 100, 0, 1 * S);	/* the command: never forgotten */
	kmalloc(600, 0xf1, 2 * S);
	proc(KMS_EV_EXIT, 600, 0, 3 * S);

	/* 4 s after the exits: within the grace period, nothing folds */
	proc(KMS_EV_FORK, 400, 300, 5 * S);
	n = kms_analysis_forget_exited(an, GRACE);
	CHECK(n == 0, "forgot %ld within the grace period", n);
	WANT("slab", 200, "allocs", 2);
	WANT("slab", -2, "allocs", -1);

	/* 11 s after: 200 folds, 100 (the command) and 300 (alive) stay */
	proc(KMS_EV_EXEC, 400, 0, 11 * S + 1);
	n = kms_analysis_forget_exited(an, GRACE);
	CHECK(n == 1, "forgot %ld, want 1 (pid 200)", n);
	CHECK(kms_analysis_forgotten(an) == 1, "forgotten %llu", kms_analysis_forgotten(an));
	WANT("slab", 200, "allocs", -1);
	WANT("slab", -2, "allocs", 2);
	WANT("slab", -2, "live", 1);
	WANT("slab", 100, "allocs", 1);
	WANT("slab", 300, "allocs", 1);
	WANT("pages_by_process", 200, "count", -1);
	WANT("pages_by_process", -2, "count", 3);
	WANT("faults", 200, "faults", -1);
	WANT("faults", -2, "faults", 4);
	CHECK(comm_is(-2, "other"), "pid -2 is not named other");

	WANT("slab", 600, "allocs", 1);

	/* 600 is past its grace period at 14 s, but the last look was at 11 s */
	proc(KMS_EV_FORK, 700, 300, 14 * S);
	n = kms_analysis_forget_exited(an, GRACE);
	CHECK(n == 0, "forgot %ld 3 s after the last look, want 0", n);
	WANT("slab", 600, "allocs", 1);

	/* 200's live object, freed by another process: other's live count follows */
	kfree(300, 0xb2, 12 * S);
	WANT("slab", -2, "live", 0);
	WANT("slab", -1, "frees", 2);

	/* 300 exits; a second fold adds to the same other rows */
	proc(KMS_EV_EXIT, 300, 0, 13 * S);
	kmalloc(400, 0xd1, 14 * S);
	proc(KMS_EV_EXEC, 400, 0, 30 * S);
	n = kms_analysis_forget_exited(an, GRACE);
	CHECK(n == 2, "forgot %ld, want 2 (pids 300 and 600)", n);
	WANT("slab", 300, "allocs", -1);
	WANT("slab", 600, "allocs", -1);
	WANT("slab", -2, "allocs", 4);
	WANT("slab", -2, "live", 2);
	WANT("slab", 400, "allocs", 1);
	kfree(400, 0xc1, 31 * S);
	kfree(400, 0xf1, 31 * S + 1);
	WANT("slab", -2, "live", 0);
	WANT("slab", -1, "frees", 4);

	/* a reused pid is a new process with rows of its own */
	proc(KMS_EV_FORK, 200, 400, 32 * S);
	kmalloc(200, 0xe1, 33 * S);
	WANT("slab", 200, "allocs", 1);
	WANT("slab", -2, "allocs", 4);
	proc(KMS_EV_EXEC, 400, 0, 45 * S);
	n = kms_analysis_forget_exited(an, GRACE);
	CHECK(n == 0, "forgot %ld, want 0 (the new 200 lives)", n);
	CHECK(kms_analysis_forgotten(an) == 3, "forgotten %llu, want 3",
	      kms_analysis_forgotten(an));
	CHECK(kms_analysis_events(an) == 18, "%llu events counted, want 18",
	      kms_analysis_events(an));
	kms_analysis_free(an);
	return unit_done("unit-fold");
}
