/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the kmemscope core: error reporting without printing,
 * and small file utilities. Core code never prints and never exits; it
 * returns -1 (or NULL) after recording a message with kms_error().
 */
#ifndef KMS_H
#define KMS_H

#include <stddef.h>
#include <stdbool.h>

#define KMS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * What kind of failure an error is. The command layer turns the class,
 * never the message text, into an exit status (kmemscope(1)).
 */
enum kms_err {
	KMS_ERR_FAIL = 0,	/* anything not named below */
	KMS_ERR_NOMEM,		/* out of memory */
	KMS_ERR_USAGE,		/* a bad option value or argument */
	KMS_ERR_RECIPE,		/* a recipe that cannot be found or parsed */
	KMS_ERR_TRACEFS,	/* tracefs missing, or the instance cannot be made */
	KMS_ERR_NOPROCESS,	/* no such process, or it exited mid-read */
	KMS_ERR_PERM,		/* permission denied */
	KMS_ERR_UNSUPPORTED,	/* the kernel lacks what a recipe needs */
	KMS_ERR_LOCKDOWN,	/* lockdown=confidentiality closes tracefs */
	KMS_ERR_INPUT,		/* an input file that is missing, foreign or corrupt */
	KMS_ERR_OUTPUT,		/* writing an output file failed */
	KMS_ERR_PIPE,		/* the reader of standard output went away */
	KMS_ERR_CORRUPT,	/* a trace.dat that is corrupt or crashes the libraries */
};

/*
 * Record an error of a class for the caller; always returns -1. The
 * arguments may include kms_strerror(): the message is formatted before
 * the old one is replaced.
 */
int kms_error(enum kms_err cls, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Put "PREFIX: " before the last message, keeping its class; returns -1. */
int kms_error_wrap(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The last message recorded by kms_error() in this thread. */
const char *kms_strerror(void);
/* The class of that message. */
enum kms_err kms_errclass(void);

/* Read a whole file (works on tracefs/procfs files of size 0). */
char *kms_read_file(const char *path, size_t *len);
/*
 * Read a regular file of at most max bytes (refusing FIFOs, devices and
 * directories before open() can block); NUL-terminated, length in *len.
 */
char *kms_read_regular(const char *path, size_t max, size_t *len);
/* Write all of buf to fd, retrying on short writes and EINTR. */
int kms_write_all(int fd, const void *buf, size_t len);
/* Parse a non-negative decimal integer, rejecting junk and overflow. */
int kms_parse_uint(const char *s, unsigned long max, unsigned long *out);
/* Is s[0..len) a non-empty identifier: letters, digits and '_'? */
int kms_is_ident(const char *s, size_t len);
/* Monotonic time in nanoseconds. */
unsigned long long kms_now_ns(void);
/* Number of possible CPUs, as the kernel numbers per_cpu/cpuN. */
int kms_nr_cpus(void);

#endif
