// SPDX-License-Identifier: GPL-2.0
/*
 * A kmem-heavy workload with a fixed amount of work, for make bench. Each
 * iteration opens and closes a file, a pipe and a socket (slab: filp,
 * dentry, sock, kmalloc), maps, touches and unmaps 64 KiB of fresh
 * anonymous memory (order-0 page allocations and faults), and every 8th
 * iteration grows a pipe to 1 MiB and sends 32 KiB over a datagram socket
 * pair (kmalloc_large and skb data: order 1 to 3 page allocations).
 * It times itself, so start-up and the collector's flush are not counted:
 * it prints "WALL USER SYS" of its own run, in seconds.
 *   kmemload [ITERATIONS]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>

static char msg[32768];

/* Order 1 to 3 allocations: a 1 MiB pipe ring, a 32 KiB datagram. */
static void higher_orders(void)
{
	int p[2], sv[2];

	if (pipe(p) == 0) {
		fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
		close(p[0]);
		close(p[1]);
	}
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0) {
		if (send(sv[0], msg, sizeof(msg), 0) > 0)
			recv(sv[1], msg, sizeof(msg), 0);
		close(sv[0]);
		close(sv[1]);
	}
}

/* One iteration of the order-0 and slab churn. */
static void churn(void)
{
	int p[2], fd, s;
	char *m;
	long j;

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

/* Seconds of a timeval. */
static double tv_s(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000, i;
	struct timespec a, b;
	struct rusage ru0, ru1;

	getrusage(RUSAGE_SELF, &ru0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		churn();
		if (!(i & 7))
			higher_orders();
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	getrusage(RUSAGE_SELF, &ru1);
	printf("%.4f %.4f %.4f\n", (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
	       tv_s(ru1.ru_utime) - tv_s(ru0.ru_utime), tv_s(ru1.ru_stime) - tv_s(ru0.ru_stime));
	return 0;
}
