// SPDX-License-Identifier: GPL-2.0
/*
 * File source of the event stream, on libtracecmd. A file from another
 * machine is untrusted: after the structural check (tracedat/check.c) it
 * is opened and read once in a forked child, bounded in time and memory,
 * so that a crash, hang or memory explosion inside libtracecmd,
 * libtraceevent or kbuffer becomes an error instead of killing us. The
 * libraries' own messages never reach the terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <trace-cmd/trace-cmd.h>

#include "base/kms.h"
#include "source/cpustats.h"
#include "source/file.h"
#include "source/mmfile.h"
#include "tracedat/check.h"

/* Exported by libtracecmd but only declared in its private header. */
const char *tracecmd_get_cpustats(struct tracecmd_input *handle);
unsigned long tracecmd_get_flags(struct tracecmd_input *handle);
int tracecmd_cpus(struct tracecmd_input *handle);
#define KMS_TRACECMD_FL_IN_USECS (1 << 2)

/* Sum lost events over the CPUSTAT texts ("CPU: N" sections). */
static unsigned long long stats_lost(const char *text)
{
	unsigned long long lost = 0;
	const char *p = text, *next;

	while (p && *p) {
		struct kms_ring_stats st = { 0 };
		char *chunk;

		next = strstr(p + 1, "CPU:");
		chunk = next ? strndup(p, next - p) : strdup(p);
		if (!chunk)
			break;
		kms_parse_cpu_stats(chunk, &st);
		lost += st.overrun + st.dropped + st.commit_overrun;
		free(chunk);
		p = next;
	}
	return lost;
}

/* The trial run's bounds: seconds, plus one per TRIAL_BYTES_PER_S of file. */
#define TRIAL_BASE_S		4
#define TRIAL_BYTES_PER_S	(32ULL << 20)
/* Address space allowed beyond twice the file's size. */
#define TRIAL_AS_BYTES		(2ULL << 30)
/* Exit codes of the trial child; anything else is a crash. */
#define TRIAL_OK		0
#define TRIAL_REFUSED		90	/* libtracecmd refused the file cleanly */
#define TRIAL_LOOP		91	/* more records than the file can hold */

#if defined(__SANITIZE_ADDRESS__)
# define KMS_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define KMS_ASAN 1
# endif
#endif

/* Silence the libraries' logging (they print to stderr otherwise). */
static void quiet_libraries(void)
{
	tracecmd_set_loglevel(TEP_LOG_NONE);
	tep_set_loglevel(TEP_LOG_NONE);
}

/* Send stderr to /dev/null around library calls; returns the saved fd or -1. */
static int stderr_mute(void)
{
	int saved = dup(STDERR_FILENO), null;

	if (saved < 0)
		return -1;
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, STDERR_FILENO) < 0) {
		if (null >= 0)
			close(null);
		close(saved);
		return -1;
	}
	close(null);
	return saved;
}

/* Give stderr back after stderr_mute(). */
static void stderr_unmute(int saved)
{
	if (saved < 0)
		return;
	dup2(saved, STDERR_FILENO);
	close(saved);
}

struct trial {
	unsigned long long	records;
	unsigned long long	max_records;
	struct trace_seq	seq;
};

/* Each record of the trial: count it and format it as --events would. */
static int trial_record(struct tep_handle *tep, struct tep_record *rec, int cpu,
			long long missed, void *ctx)
{
	struct trial *t = ctx;

	if (++t->records > t->max_records)
		_exit(TRIAL_LOOP);
	if (rec) {
		trace_seq_reset(&t->seq);
		tep_print_event(tep, &t->seq, rec, "%s %s", TEP_PRINT_NAME, TEP_PRINT_INFO);
	}
	return 0;
}

/* The child of the trial: open, walk every buffer alone and merged, exit. */
static void __attribute__((noreturn)) trial_child(const char *path, unsigned long long size,
						   unsigned int flags)
{
	struct trial t = { .max_records = size / 4 + 1024 };
	struct kms_file f;
	int null, i, n;

	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	signal(SIGALRM, SIG_DFL);
	alarm(TRIAL_BASE_S + size / TRIAL_BYTES_PER_S);
#ifndef KMS_ASAN	/* ASan reserves terabytes of shadow memory */
	{
		struct rlimit rl;

		rl.rlim_cur = rl.rlim_max = TRIAL_AS_BYTES + 2 * size;
		setrlimit(RLIMIT_AS, &rl);
	}
#endif
	if (kms_file_open_unguarded(&f, path, flags))
		_exit(TRIAL_REFUSED);
	/*
	 * Data read in place (mmfile.c) is our own bounded walk, which tests
	 * each page as the structural check would have: only libtracecmd's is tried.
	 */
	if (f.mm)
		_exit(TRIAL_OK);
	trace_seq_init(&t.seq);
	/*
	 * Every walk report can make (each buffer alone, then all merged), each
	 * on a handle of its own as report makes one walk an open: a second
	 * walk of one handle is not what report does, and libtracecmd has met
	 * wild reads there (tests/fixtures/corrupt/fuzz-tracedat-rewalk.bin).
	 */
	n = f.nbufs;
	for (i = 0; i < n + (n > 1); i++) {
		if (i && kms_file_open_unguarded(&f, path, flags))
			_exit(TRIAL_REFUSED);
		f.sel = i < n ? i : -1;
		if (kms_file_iterate(&f, trial_record, &t))
			_exit(TRIAL_REFUSED);
		kms_file_close(&f);
	}
	_exit(TRIAL_OK);
}

/*
 * Read the file once in a bounded child, opened with the run's flags (the
 * plugins it loads print the trial's lines); a crash or hang there is an error.
 */
static int trial_run(const char *path, unsigned int flags)
{
	struct stat st;
	pid_t pid;
	int status;

	if (stat(path, &st) < 0)
		return kms_error(KMS_ERR_INPUT, "%s: %s", path, strerror(errno));
	pid = fork();
	if (pid < 0)
		return kms_error(KMS_ERR_FAIL, "%s: cannot fork to check the file: %s", path, strerror(errno));
	if (pid == 0)
		trial_child(path, st.st_size, flags);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			kill(pid, SIGKILL);
			return kms_error(KMS_ERR_FAIL, "%s: waiting for the file check: %s", path, strerror(errno));
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == TRIAL_OK)
		return 0;
	/* not tried again unbounded: the refusal may be a failed allocation */
	if (WIFEXITED(status) && WEXITSTATUS(status) == TRIAL_REFUSED)
		return kms_error(KMS_ERR_CORRUPT, "%s: corrupt trace.dat: libtracecmd cannot read it", path);
	if (WIFEXITED(status) && WEXITSTATUS(status) == TRIAL_LOOP)
		return kms_error(KMS_ERR_CORRUPT, "%s: corrupt trace.dat: reading its events does not end (more records than the file can hold)", path);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		return kms_error(KMS_ERR_CORRUPT, "%s: corrupt trace.dat: reading it did not finish in %llu s",
				 path, TRIAL_BASE_S + (unsigned long long)st.st_size / TRIAL_BYTES_PER_S);
	if (WIFSIGNALED(status))
		return kms_error(KMS_ERR_CORRUPT, "%s: corrupt trace.dat: libtracecmd cannot read it (%s)",
				 path, strsignal(WTERMSIG(status)));
	return kms_error(KMS_ERR_CORRUPT, "%s: corrupt trace.dat: libtracecmd cannot read it (exit %d)",
			 path, WEXITSTATUS(status));
}

/* Whether the in-place path (mmfile.c) is on; with KMS_FILE_NO_MMAP set, libtracecmd reads all (tests compare the two). */
static bool in_place_wanted(void)
{
	return !getenv("KMS_FILE_NO_MMAP");
}

/* Whether kms_file_open_unguarded() reads path's data in place (mmfile.c); errors say no. */
static bool reads_in_place(const char *path)
{
	struct kms_mmfile *mm = NULL;
	bool yes;

	if (!in_place_wanted())
		return false;
	yes = kms_mmfile_open(&mm, path) == 0 && mm;
	kms_mmfile_close(mm);
	return yes;
}

/*
 * Check, try in a child, then open: a corrupt file fails here, not later;
 * but for data read in place, a corrupt page fails when its walk reaches
 * it, in the check's words (one pass over the data, not two).
 */
int kms_file_open(struct kms_file *f, const char *path, unsigned int flags)
{
	memset(f, 0, sizeof(*f));
	f->path = path;
	quiet_libraries();
	if (kms_tracedat_check(path, reads_in_place(path) ? KMS_CHECK_PAGES_LATER : 0) ||
	    trial_run(path, flags))
		return -1;
	return kms_file_open_unguarded(f, path, flags);
}

/* Open with libtracecmd and list the buffers, trusting the file. */
int kms_file_open_unguarded(struct kms_file *f, const char *path, unsigned int flags)
{
	int tc_flags = flags & KMS_FILE_PRINT ? 0 : TRACECMD_FL_LOAD_NO_PLUGINS;
	const char *stats;
	int i, n, saved;

	memset(f, 0, sizeof(*f));
	f->path = path;
	quiet_libraries();
	/* uncompressed v6 data, one buffer: read in place (mmfile.c) */
	if (in_place_wanted() && kms_mmfile_open(&f->mm, path) < 0)
		return -1;
	saved = stderr_mute();
	f->handle = f->mm ? kms_mmfile_tracecmd(f->mm, tc_flags) : tracecmd_open(path, tc_flags);
	stderr_unmute(saved);
	if (!f->handle) {
		kms_mmfile_close(f->mm);
		f->mm = NULL;
		return kms_error(KMS_ERR_CORRUPT, "%s: corrupt trace.dat: libtracecmd cannot read it", path);
	}
	f->tep = tracecmd_get_tep(f->handle);
	f->ncpus = tracecmd_cpus(f->handle);
	f->in_usecs = tracecmd_get_flags(f->handle) & KMS_TRACECMD_FL_IN_USECS;
	stats = tracecmd_get_cpustats(f->handle);
	if (stats)
		f->lost_stats = stats_lost(stats);
	f->bufs[0] = f->handle;
	f->buf_names[0] = "";
	f->nbufs = 1;
	n = tracecmd_buffer_instances(f->handle);
	for (i = 0; i < n && f->nbufs < KMS_MAX_BUFFERS; i++) {
		struct tracecmd_input *b = tracecmd_buffer_instance_handle(f->handle, i);

		if (!b)	/* (the instance handle comes with its data loaded) */
			continue;
		f->buf_names[f->nbufs] = tracecmd_buffer_instance_name(f->handle, i);
		if ((int)strlen(f->buf_names[f->nbufs]) + 1 > f->name_width)
			f->name_width = strlen(f->buf_names[f->nbufs]) + 1;
		f->bufs[f->nbufs++] = b;
	}
	f->sel = 0;
	return 0;
}

/* Load the kernel's symbols that came with the file, for symbolised call sites. */
int kms_file_symbols(struct kms_file *f)
{
	return f->mm ? kms_mmfile_kallsyms(f->mm, f->tep) : 0;	/* libtracecmd loaded them */
}

/* Load the file's saved cmdlines into tep when they were left out at open. */
int kms_file_cmdlines(struct kms_file *f)
{
	return f->mm ? kms_mmfile_cmdlines(f->mm, f->tep) : 0;	/* libtracecmd loaded them */
}

/* The comm the file's saved cmdlines give a pid, else NULL (tep's then). */
static const char *file_comm(int pid, void *ctx)
{
	struct kms_file *f = ctx;

	return f->mm ? kms_mmfile_comm(f->mm, f->tep, pid) : NULL;
}

void kms_file_proc_ops(struct kms_file *f, struct kms_proc_ops *ops)
{
	memset(ops, 0, sizeof(*ops));
	ops->comm = file_comm;
	ops->ctx = f;
}

/* Choose the buffer to iterate by name; NULL merges them all. */
int kms_file_select(struct kms_file *f, const char *name)
{
	int i;

	if (!name) {
		f->sel = -1;
		return 0;
	}
	if (!strcmp(name, "top"))
		name = "";
	for (i = 0; i < f->nbufs; i++)
		if (!strcmp(f->buf_names[i], name)) {
			f->sel = i;
			return 0;
		}
	return kms_error(KMS_ERR_INPUT, "%s: no buffer named '%s'", f->path, name);
}

struct iter_ctx {
	struct kms_file	*f;
	kms_record_fn	fn;
	kms_records_fn	runs_fn;	/* instead of fn: runs (of one record here) */
	void		*ctx;
	int		failed;		/* fn failed: its error stands */
};

/* Deliver one record (and a gap before it) to the caller's callback. */
static int iter_cb(struct tracecmd_input *handle, struct tep_record *rec,
		   int cpu, void *data)
{
	struct iter_ctx *ic = data;
	struct kms_file *f = ic->f;
	int ret, i;

	f->cur_buffer = "";
	for (i = 1; i < f->nbufs; i++)
		if (f->bufs[i] == handle)
			f->cur_buffer = f->buf_names[i];

	if (ic->runs_fn) {
		if (rec->missed_events > 0)
			f->missed_flags += rec->missed_events;
		if (!f->events++)
			f->first_ts = rec->ts;
		f->last_ts = rec->ts;
		ret = ic->runs_fn(f->tep, rec, 1, ic->ctx);
		ic->failed = ret < 0;
		return ret;
	}
	if (rec->missed_events) {
		if (rec->missed_events > 0)
			f->missed_flags += rec->missed_events;
		ret = ic->fn(f->tep, NULL, cpu, rec->missed_events, ic->ctx);
		if (ret) {
			ic->failed = ret < 0;
			return ret;
		}
	}
	if (!f->events++)
		f->first_ts = rec->ts;
	f->last_ts = rec->ts;
	ret = ic->fn(f->tep, rec, cpu, 0, ic->ctx);
	ic->failed = ret < 0;
	return ret;
}

/* Every record of the selected buffers in timestamp order, through libtracecmd. */
static int iterate_tracecmd(struct kms_file *f, struct iter_ctx *ic)
{
	int ret, saved;

	saved = stderr_mute();
	if (f->sel >= 0)
		ret = tracecmd_iterate_events(f->bufs[f->sel], NULL, 0, iter_cb, ic);
	else
		ret = tracecmd_iterate_events_multi(f->bufs, f->nbufs, iter_cb, ic);
	stderr_unmute(saved);
	if (ic->failed)
		return -1;
	if (ret < 0)
		return kms_error(KMS_ERR_INPUT, "%s: error while reading events", f->path);
	return 0;
}

int kms_file_iterate(struct kms_file *f, kms_record_fn fn, void *ctx)
{
	struct iter_ctx ic = { .f = f, .fn = fn, .ctx = ctx };

	if (f->mm)
		return kms_mmfile_iterate(f->mm, f, fn, ctx);
	return iterate_tracecmd(f, &ic);
}

int kms_file_iterate_runs(struct kms_file *f, kms_records_fn fn, void *ctx)
{
	struct iter_ctx ic = { .f = f, .runs_fn = fn, .ctx = ctx };

	if (f->mm)
		return kms_mmfile_iterate_runs(f->mm, f, fn, ctx);
	return iterate_tracecmd(f, &ic);
}

/* Lost events: the larger of the CPU stats and the page flags. */
unsigned long long kms_file_lost(const struct kms_file *f)
{
	return f->lost_stats > f->missed_flags ? f->lost_stats : f->missed_flags;
}

/* Close the instance handles and the file. */
void kms_file_close(struct kms_file *f)
{
	int i;

	for (i = 1; i < f->nbufs; i++)
		tracecmd_close(f->bufs[i]);
	f->nbufs = 0;
	kms_mmfile_close(f->mm);
	f->mm = NULL;
	if (f->handle)
		tracecmd_close(f->handle);
	f->handle = NULL;
}
