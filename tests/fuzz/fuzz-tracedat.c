// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the trace.dat reader as report uses it. The input is
 * checked (tracedat/check.c); when the check accepts it, it is opened with
 * libtracecmd in this process (no forked trial, so that a library crash the
 * check lets through is found), every buffer is iterated alone and merged,
 * and each record is decoded and formatted as --events prints it.
 * Compressed v7 files, whose insides the check cannot see, go through
 * kms_file_open() and its forked trial, as in report.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>
#include <trace-cmd/trace-cmd.h>

#include "base/kms.h"
#include "decode/decode.h"
#include "decode/evline.h"
#include "source/file.h"
#include "tracedat/check.h"
#include "fuzz.h"

/* From the sanitizer runtime. */
void __sanitizer_set_report_fd(void *fd);
void __sanitizer_set_death_callback(void (*callback)(void));

/* A trial child's death is the trial's business, not a finding. */
static void child_death(void)
{
}

/*
 * In kms_file_open()'s trial child, take libFuzzer's crash handling away:
 * the child is meant to crash on a bad file, and libFuzzer would write
 * that up as a crash of the target.
 */
static void in_child(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
	size_t i;

	__sanitizer_set_death_callback(child_death);
	__sanitizer_set_report_fd((void *)(long)open("/dev/null", O_WRONLY));
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
}

/* kms_file_open_unguarded() mutes stderr: send sanitizer reports to a copy. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	__sanitizer_set_report_fd((void *)(long)dup(STDERR_FILENO));
	pthread_atfork(NULL, NULL, in_child);
	return 0;
}

struct ctx {
	struct kms_decoder	*dec;
	struct trace_seq	seq;
};

/* Decode and format each record. */
static int record(struct tep_handle *tep, struct tep_record *rec, int cpu,
		  long long missed, void *data)
{
	struct ctx *c = data;
	struct kms_ev ev;

	trace_seq_reset(&c->seq);
	if (!rec) {
		kms_evline_missed(&c->seq, cpu, missed);
		return 0;
	}
	kms_decode(c->dec, rec, &ev);
	kms_evline(&c->seq, tep, rec, false);
	return 0;
}

/* One input: check, open, iterate, decode and format. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kms_file f;
	struct ctx c;
	char path[64];
	int fd, i, n;
	bool is_open;

	fd = fuzz_file(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	/*
	 * As report opens it: the check, then the trial in a child, which
	 * takes the library's faults on data the check does not catch; a bug
	 * past both would show here. Each buffer is walked, then (several
	 * buffers) all merged, each walk on a fresh open, as report and the
	 * trial walk them: a second walk of one handle, which neither makes,
	 * met a wild read in kbuffer_next_event on a file report reads whole
	 * under ASan (fuzz-tracedat-rewalk.bin).
	 */
	if (kms_file_open(&f, path, KMS_FILE_PRINT)) {
		close(fd);
		return 0;
	}
	c.dec = kms_decoder_new(f.tep);
	trace_seq_init(&c.seq);
	n = f.nbufs;
	is_open = true;
	for (i = 0; c.dec && i < n + (n > 1); i++) {
		/* each walk on a handle of its own, as report and the trial make them */
		if (i) {
			kms_decoder_free(c.dec);
			kms_file_close(&f);
			c.dec = NULL;
			is_open = !kms_file_open(&f, path, KMS_FILE_PRINT);
			if (!is_open || !(c.dec = kms_decoder_new(f.tep)))
				break;
		}
		f.sel = i < n ? i : -1;	/* then merged, as report --events walks them */
		kms_file_iterate(&f, record, &c);
	}
	trace_seq_destroy(&c.seq);
	kms_decoder_free(c.dec);
	if (is_open)
		kms_file_close(&f);
	close(fd);
	return 0;
}
