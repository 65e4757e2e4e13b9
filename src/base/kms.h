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

/* Record an error message for the caller; always returns -1. */
int kms_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The last message recorded by kms_error() in this thread. */
const char *kms_strerror(void);

/* Read a whole file (works on tracefs/procfs files of size 0). */
char *kms_read_file(const char *path, size_t *len);
/* Write all of buf to fd, retrying on short writes and EINTR. */
int kms_write_all(int fd, const void *buf, size_t len);
/* Parse a non-negative decimal integer, rejecting junk and overflow. */
int kms_parse_uint(const char *s, unsigned long max, unsigned long *out);
/* Monotonic time in nanoseconds. */
unsigned long long kms_now_ns(void);
/* Number of possible CPUs, as the kernel numbers per_cpu/cpuN. */
int kms_nr_cpus(void);

#endif
