// SPDX-License-Identifier: GPL-2.0
/*
 * Error recording and small I/O helpers shared by the core.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "base/kms.h"

static __thread char errbuf[1024];
static __thread enum kms_err errclass;

/* Record a formatted error and its class; returns -1 for "return kms_error(CLASS, ...)". */
int kms_error(enum kms_err cls, const char *fmt, ...)
{
	char tmp[sizeof(errbuf)];
	va_list ap;

	/* Format first: an argument may be errbuf itself (kms_strerror()). */
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	memcpy(errbuf, tmp, sizeof(errbuf));
	errclass = cls;
	return -1;
}

/* Prefix the last message, keeping its class. */
int kms_error_wrap(const char *fmt, ...)
{
	char tmp[sizeof(errbuf)];
	size_t len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n + 2 < sizeof(tmp)) {
		memcpy(tmp + n, ": ", 2);
		n += 2;
		len = strlen(kms_strerror());
		if (len > sizeof(tmp) - n - 1)
			len = sizeof(tmp) - n - 1;
		memcpy(tmp + n, kms_strerror(), len);
		tmp[n + len] = '\0';
	}
	memcpy(errbuf, tmp, sizeof(errbuf));
	return -1;
}

/* Return the last recorded error message. */
const char *kms_strerror(void)
{
	return errbuf[0] ? errbuf : "unknown error";
}

/* Return the class of the last recorded error. */
enum kms_err kms_errclass(void)
{
	return errclass;
}

/* Read a regular file of at most max bytes; FIFOs and devices are refused unopened. */
char *kms_read_regular(const char *path, size_t max, size_t *len)
{
	struct stat st;
	size_t size = 0;
	char *buf;
	ssize_t r;
	int fd;

	/* stat first: open() of a FIFO blocks until a writer comes */
	if (stat(path, &st) < 0) {
		kms_error(KMS_ERR_INPUT, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		kms_error(KMS_ERR_INPUT, "%s: not a regular file", path);
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		kms_error(KMS_ERR_INPUT, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* (it may have been replaced between stat and open) */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		kms_error(KMS_ERR_INPUT, "%s: not a regular file", path);
		return NULL;
	}
	if ((unsigned long long)st.st_size > max) {
		close(fd);
		kms_error(KMS_ERR_INPUT, "%s: too large (%llu bytes, at most %zu)", path,
			  (unsigned long long)st.st_size, max);
		return NULL;
	}
	buf = malloc(max + 1);
	if (!buf) {
		close(fd);
		kms_error(KMS_ERR_NOMEM, "%s: out of memory", path);
		return NULL;
	}
	while (size <= max) {
		r = read(fd, buf + size, max + 1 - size);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kms_error(KMS_ERR_INPUT, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		size += r;
	}
	if (size > max) {	/* it grew while read */
		kms_error(KMS_ERR_INPUT, "%s: too large (more than %zu bytes)", path, max);
		goto fail;
	}
	close(fd);
	buf[size] = '\0';
	if (len)
		*len = size;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

/* Read a file to EOF into a NUL-terminated heap buffer. */
char *kms_read_file(const char *path, size_t *len)
{
	size_t size = 0, cap = 8192;
	char *buf, *tmp;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		kms_error(KMS_ERR_FAIL, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	if (!buf)
		goto nomem;
	for (;;) {
		if (cap - size < 4096) {
			cap *= 2;
			tmp = realloc(buf, cap);
			if (!tmp)
				goto nomem;
			buf = tmp;
		}
		r = read(fd, buf + size, cap - size - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kms_error(KMS_ERR_FAIL, "%s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		size += r;
	}
	close(fd);
	buf[size] = '\0';
	if (len)
		*len = size;
	return buf;
nomem:
	free(buf);
	close(fd);
	kms_error(KMS_ERR_NOMEM, "out of memory reading %s", path);
	return NULL;
}

/* Write the whole buffer, looping over short writes. */
int kms_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t w;

	while (len) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return kms_error(KMS_ERR_FAIL, "write: %s", strerror(errno));
		p += w;
		len -= w;
	}
	return 0;
}

/* Strict unsigned parse: digits only, no overflow, at most max. */
int kms_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Identifier check shared by the recipe parser and the kprobe conditions. */
int kms_is_ident(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return 1;
}

/* CLOCK_MONOTONIC in ns. */
unsigned long long kms_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Count of configured CPUs; per_cpu/cpuN exists for each of them. */
int kms_nr_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (int)n : 1;
}
