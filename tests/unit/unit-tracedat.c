// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat writer test. Builds a v6 file from a fixture's formats and raw
 * pages with kmemscope's writer, then reads it back through libtracecmd
 * (the reader trace-cmd itself uses) and checks CPUs, event count, comms
 * and lost events. `unit-tracedat --write DIR OUT` only writes the file
 * (with every format in DIR/formats), for the shell tests that hand it to
 * trace-cmd report or kmemscope report. `unit-tracedat --comms FILE
 * mine|tep` checks the comms the file source reads from FILE's saved
 * cmdlines against libtraceevent's (t0020).
 */
#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/file.h"
#include "tracefs/subbuf.h"
#include "tracedat/writer.h"
#include "unit.h"

#define NCPUS 2

static char *fixture_file(const char *dir, const char *name, size_t *len)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return kms_read_file(path, len);
}

/* Keep the SYSTEM__EVENT.format entries of a formats directory. */
static int is_format(const struct dirent *de)
{
	const char *sep = strstr(de->d_name, "__");

	return sep && sep != de->d_name && strstr(sep, ".format");
}

/* Write DIR's pages as a trace.dat to out; counts records and flagged pages. */
static int write_fixture(const char *dir, const char *out, unsigned long long *records,
			 unsigned long long *flagged)
{
	struct kms_tracedat td;
	int fds[NCPUS], cpu, fd, ret, long_size, page_size, n, i;
	unsigned long long sizes[NCPUS];
	struct tep_handle *tep;
	struct dirent **ents;
	char path[4096];

	memset(&td, 0, sizeof(td));
	tep = unit_load_tep(dir, &long_size, &page_size);
	tep_free(tep);
	td.page_size = page_size;
	td.header_page.data = fixture_file(dir, "header_page", &td.header_page.len);
	td.header_event.data = fixture_file(dir, "header_event", &td.header_event.len);
	td.cmdlines.data = fixture_file(dir, "cmdlines", &td.cmdlines.len);
	/* every event format of the fixture, in name order */
	snprintf(path, sizeof(path), "%s/formats", dir);
	n = scandir(path, &ents, is_format, alphasort);
	if (n < 0)
		return kms_error(KMS_ERR_INPUT, "cannot read %s", path);
	td.formats = calloc(n ? n : 1, sizeof(*td.formats));
	td.ftrace_formats = calloc(n ? n : 1, sizeof(*td.ftrace_formats));
	for (i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name, *sep = strstr(nm, "__");
		struct kms_format *f = &td.formats[td.nr_formats];
		char name[512];

		snprintf(name, sizeof(name), "formats/%s", nm);
		if (!strncmp(nm, "ftrace__", 8)) {	/* ftrace's own events have their section */
			struct kms_blob *b = &td.ftrace_formats[td.nr_ftrace];

			b->data = fixture_file(dir, name, &b->len);
			td.nr_ftrace += !!b->data;
		} else if ((f->text.data = fixture_file(dir, name, &f->text.len))) {
			f->system = strndup(nm, sep - nm);
			f->name = strndup(sep + 2, strstr(sep, ".format") - sep - 2);
			td.nr_formats++;
		}
		free(ents[i]);
	}
	free(ents);
	*records = *flagged = 0;
	for (cpu = 0; cpu < NCPUS; cpu++) {
		char name[4096];
		size_t len, off;
		char *raw;

		snprintf(name, sizeof(name), "%s/cpu%d.raw", dir, cpu);
		fds[cpu] = open(name, O_RDONLY);
		raw = unit_load_cpu(dir, cpu, &len);
		sizes[cpu] = len;
		for (off = 0; raw && off + page_size <= len; off += page_size) {
			struct kms_subbuf sb;

			if (kms_subbuf_parse(raw + off, page_size, long_size, &sb, NULL))
				return -1;
			*records += sb.nr_events;
			*flagged += sb.missed;
		}
		free(raw);
	}
	td.ncpus = NCPUS;
	td.cpu_fds = fds;
	td.cpu_sizes = sizes;
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ret = fd < 0 ? -1 : kms_tracedat_write(fd, &td);
	if (fd >= 0)
		close(fd);
	for (cpu = 0; cpu < NCPUS; cpu++)
		if (fds[cpu] >= 0)
			close(fds[cpu]);
	kms_tracedat_release(&td);
	return ret;
}

struct counts {
	unsigned long long events, missed_gaps, comm_known;
};

static int count_cb(struct tep_handle *tep, struct tep_record *rec, int cpu,
		    long long missed, void *ctx)
{
	struct counts *c = ctx;

	if (!rec) {
		c->missed_gaps++;
		return 0;
	}
	c->events++;
	if (tep_is_pid_registered(tep, tep_data_pid(tep, rec)))
		c->comm_known++;
	return 0;
}

static void check_fixture(const char *dir, bool lossy)
{
	unsigned long long records, flagged;
	char out[] = "/tmp/kms-unit-XXXXXX";
	struct counts c = { 0 };
	struct kms_file f;
	int fd = mkstemp(out);

	close(fd);
	CHECK(write_fixture(dir, out, &records, &flagged) == 0, "write %s: %s", dir, kms_strerror());
	CHECK(kms_file_open(&f, out, 0) == 0, "libtracecmd cannot open our file: %s", kms_strerror());
	if (f.handle) {
		CHECK(kms_file_cmdlines(&f) == 0, "saved cmdlines: %s", kms_strerror());
		CHECK(f.ncpus == NCPUS, "cpus %d != %d", f.ncpus, NCPUS);
		CHECK(kms_file_iterate(&f, count_cb, &c) == 0, "iterate: %s", kms_strerror());
		CHECK(c.events == records, "%s: libtracecmd read %llu events, pages hold %llu",
		      dir, c.events, records);
		CHECK(c.events > 0, "no events in %s", dir);
		CHECK(c.comm_known > 0, "no comm resolved from saved cmdlines");
		if (lossy) {
			CHECK(flagged > 0, "lossy fixture has no flagged page");
			CHECK(c.missed_gaps > 0, "libtracecmd saw no missed-events gap");
		} else {
			CHECK(flagged == 0 && c.missed_gaps == 0, "unexpected lost events");
		}
		kms_file_close(&f);
	}
	unlink(out);
}

#define COMM_PIDS 100000

/*
 * The comms the file source reads from path's saved cmdlines itself
 * (kms_file_proc_ops) are those libtraceevent gives after
 * kms_file_cmdlines, pid by pid; "tep": the source leaves them all to
 * libtraceevent (text it does not read itself).
 */
static int compare_comms(const char *path, bool tep_only)
{
	static char *mine[COMM_PIDS];
	struct kms_proc_ops ops;
	struct kms_file f;
	int pid, known = 0;

	CHECK(kms_file_open(&f, path, 0) == 0, "open %s: %s", path, kms_strerror());
	if (!f.handle)
		return unit_done("unit-tracedat --comms");
	kms_file_proc_ops(&f, &ops);
	for (pid = 1; pid < COMM_PIDS; pid++) {
		const char *c = ops.comm(pid, ops.ctx);

		mine[pid] = c ? strdup(c) : NULL;
	}
	CHECK(kms_file_cmdlines(&f) == 0, "saved cmdlines: %s", kms_strerror());
	for (pid = 1; pid < COMM_PIDS; pid++) {
		const char *t = tep_is_pid_registered(f.tep, pid) ? tep_data_comm_from_pid(f.tep, pid) : NULL;

		if (tep_only)
			CHECK(!mine[pid], "pid %d: %s from the file source, not from libtraceevent",
			      pid, mine[pid]);
		else
			CHECK((!t && !mine[pid]) || (t && mine[pid] && !strcmp(t, mine[pid])),
			      "pid %d: the file source gives %s, libtraceevent %s", pid,
			      mine[pid] ? mine[pid] : "nothing", t ? t : "nothing");
		known += t != NULL;
		free(mine[pid]);
	}
	CHECK(known > 0, "%s: no comm in its saved cmdlines", path);
	kms_file_close(&f);
	return unit_done("unit-tracedat --comms");
}

int main(int argc, char **argv)
{
	const char *fx = getenv("FIXTURES");
	unsigned long long records, flagged;
	char dir[4096];

	if (argc == 4 && !strcmp(argv[1], "--write")) {
		if (write_fixture(argv[2], argv[3], &records, &flagged)) {
			fprintf(stderr, "unit-tracedat: %s\n", kms_strerror());
			return 1;
		}
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "--comms"))
		return compare_comms(argv[2], !strcmp(argv[3], "tep"));
	if (!fx) {
		fprintf(stderr, "FIXTURES is not set\n");
		return 99;
	}
	snprintf(dir, sizeof(dir), "%s/live-6.18", fx);
	check_fixture(dir, false);
	snprintf(dir, sizeof(dir), "%s/lossy-6.18", fx);
	check_fixture(dir, true);
	return unit_done("unit-tracedat");
}
