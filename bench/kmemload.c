// SPDX-License-Identifier: GPL-2.0
/*
 * A kmem-heavy workload for the overhead benchmark: each iteration opens
 * and closes files, pipes and sockets (slab: filp, dentry, sock, kmalloc)
 * and maps, touches and unmaps 64 KiB (page allocations and faults).
 * Prints the elapsed wall time in seconds.
 *   kmemload [ITERATIONS]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000, i, j;
	struct timespec a, b;
	int p[2], fd, s;
	char *m;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			close(fd);
		if (pipe(p) == 0) {
			close(p[0]);
			close(p[1]);
		}
		s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (s >= 0)
			close(s);
		m = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m != MAP_FAILED) {
			for (j = 0; j < 65536; j += 4096)
				m[j] = 1;
			munmap(m, 65536);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.3f\n", (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	return 0;
}
