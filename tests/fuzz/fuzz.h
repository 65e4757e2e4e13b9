/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer targets: the input as a file the code under test
 * can open by name (a memfd, seen through /proc/self/fd).
 */
#ifndef KMS_FUZZ_H
#define KMS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/mman.h>

/* Write data to a fresh memfd; path gets its name. Returns the fd or -1. */
static inline int fuzz_file(const uint8_t *data, size_t size, char *path, size_t len)
{
	int fd = memfd_create("kms-fuzz", MFD_CLOEXEC);
	size_t off = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (off < size) {
		n = write(fd, data + off, size - off);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		off += n;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
