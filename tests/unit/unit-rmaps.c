// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of faults_by_mapping from recorded maps (analyse/rmaps.c): a
 * made-up stream of "kmemscope-maps" print lines, faults, an exec and a
 * thread, whose rows follow by hand from what kmemscope-record(1) says the
 * lines mean: a fault is counted in the mapping of the first set that holds
 * its address once it happened; [unmapped] when that set does not; after
 * an exec, [maps not recorded] for faults of the replaced maps; a thread's
 * faults in its leader's maps; a process gone before its maps were read,
 * [maps not recorded], with the note saying so.
 */
#include <stdint.h>

#include "analyse/analyse.h"
#include "analyse/table.h"
#include "decode/decode.h"
#include "unit.h"

static struct kms_analysis *an;
static unsigned long long now = 1000;

/* Feed one event. */
static void feed(struct kms_ev *ev)
{
	ev->ts = now++;
	ev->probe = -1;
	CHECK(kms_analysis_add(an, ev) == 0, "event %d: %s", ev->type, kms_strerror());
}

/* A user page fault of pid at addr. */
static void fault(int pid, unsigned long long addr)
{
	struct kms_ev ev = { .type = KMS_EV_FAULT_USER, .pid = pid, .address = addr };

	feed(&ev);
}

/* A print line, as record writes it through trace_marker. */
static void line(const char *s)
{
	struct kms_ev ev = { .type = KMS_EV_PRINT, .pid = 1, .buf = s, .buf_len = strlen(s) };

	feed(&ev);
}

/* An exec of pid. */
static void exec(int pid)
{
	struct kms_ev ev = { .type = KMS_EV_EXEC, .pid = pid, .tpid = pid };

	feed(&ev);
}

/* The faults of (pid, mapping) in the table, or -1 without such a row. */
static long long faults_of(const struct kms_rows *r, int pid, const char *map)
{
	int j, jp = -1, jm = -1, jf = -1;
	size_t i;

	for (j = 0; j < r->ncols; j++) {
		const char *n = r->def->cols[r->cols[j]].name;

		jp = !strcmp(n, "pid") ? j : jp;
		jm = !strcmp(n, "mapping") ? j : jm;
		jf = !strcmp(n, "faults") ? j : jf;
	}
	for (i = 0; i < r->nrows; i++) {
		const struct kms_cell *c = &r->cells[i * r->ncols];

		if (c[jp].i == pid && c[jm].s && !strcmp(c[jm].s, map))
			return c[jf].i;
	}
	return -1;
}

int main(void)
{
	static const struct { int pid; const char *map; long long n; } want[] = {
		{ 100, "/bin/a", 1 }, { 100, "[anon]", 1 }, { 100, "/tmp/f", 1 },
		{ 100, "[unmapped]", 1 }, { 100, "/bin/b", 1 }, { 100, "[maps not recorded]", 1 },
		{ 101, "[anon]", 1 }, { 200, "[maps not recorded]", 2 },
	};
	struct kms_table_req rq;
	struct kms_rows rows;
	size_t i;

	an = kms_analysis_new(NULL, NULL);
	CHECK(an, "kms_analysis_new: %s", kms_strerror());
	if (!an)
		return unit_done("unit-rmaps");
	fault(100, 0x1800);			/* before any set: waits, then /bin/a */
	line("kmemscope-maps 100 begin");
	line("kmemscope-maps 100 1000-3000 r-xp 0 /bin/a");
	line("kmemscope-maps 100 7000-9000 rw-p 0 ");
	line("kmemscope-maps 100 end");
	fault(100, 0x7500);			/* [anon] at once */
	fault(100, 0xa800);			/* a new mapping: the next set has it */
	line("kmemscope-maps 100 begin");
	line("kmemscope-maps 100 1000-3000 r-xp 0 /bin/a");
	line("kmemscope-maps 100 7000-9000 rw-p 0 ");
	line("kmemscope-maps 100 a000-c000 rw-s 0 /tmp/f");
	line("kmemscope-maps 100 end");
	fault(100, 0xf000);			/* in no set: [unmapped] */
	line("kmemscope-maps 100 begin");
	line("kmemscope-maps 100 1000-3000 r-xp 0 /bin/a");
	line("kmemscope-maps 100 end");
	fault(100, 0x5000);			/* waits; then the exec replaces the maps */
	exec(100);
	fault(100, 0x1100);			/* after the exec: /bin/b */
	fault(100, UINT64_C(0xffff888000001000));	/* a kernel address: no mapping */
	line("kmemscope-maps 100 begin");
	line("kmemscope-maps 100 1000-2000 r-xp 0 /bin/b");
	line("kmemscope-maps 100 7000-9000 rw-p 0 ");
	line("kmemscope-maps 100 end");
	fault(101, 0x7100);			/* a thread, before its thread line */
	line("kmemscope-maps 101 thread 100");
	fault(200, 0x1000);
	fault(200, 0x2000);
	line("kmemscope-maps 200 gone");
	line("kmemscope-maps 300 garbage line");	/* skipped */

	kms_table_req_init(&rq, kms_table_find("faults_by_mapping"));
	CHECK(kms_analysis_table(an, &rq, &rows) == 0, "table: %s", kms_strerror());
	for (i = 0; i < KMS_ARRAY_SIZE(want); i++) {
		long long n = faults_of(&rows, want[i].pid, want[i].map);

		CHECK(n == want[i].n, "pid %d %s: %lld faults, want %lld", want[i].pid,
		      want[i].map, n, want[i].n);
	}
	CHECK(rows.nrows == KMS_ARRAY_SIZE(want), "%zu rows, want %zu", rows.nrows,
	      KMS_ARRAY_SIZE(want));
	CHECK(strstr(rows.note, "3 faults on [maps not recorded]") &&
	      strstr(rows.note, "1 before any read"), "note: '%s'", rows.note);
	kms_rows_free(&rows);
	kms_analysis_free(an);

	/* without maps lines (an older recording, or the whole system): the note says so */
	an = kms_analysis_new(NULL, NULL);
	fault(100, 0x1000);
	CHECK(kms_analysis_table(an, &rq, &rows) == 0, "table: %s", kms_strerror());
	CHECK(rows.nrows == 0 && strstr(rows.note, "no maps"), "%zu rows, note '%s'", rows.nrows,
	      rows.note);
	kms_rows_free(&rows);
	kms_analysis_free(an);
	return unit_done("unit-rmaps");
}
