// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload for kmemscope pagemap: map MIB of anonymous memory with
 * MADV_NOHUGEPAGE and write every page, create a file of FMIB, map it and
 * read its first half, optionally map THP MiB with MADV_HUGEPAGE (2 MiB
 * aligned) and write it, then write "ready" lines to FILE and sleep.
 *
 *   pagemapprog [-m MIB] [-f PATH] [-F FMIB] [-t THP_MIB] [-o FILE] [-s SECONDS]
 *
 * The ready file holds "pid=N", "anon=START-END", "file=START-END" and
 * "thp=START-END" (hex, as in /proc/PID/maps), then "ready".
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#define MIB (1UL << 20)

/* Map len bytes of private anonymous memory, aligned to align. */
static char *map_anon(size_t len, size_t align)
{
	char *p = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	if (!align)
		return p;
	/* Trim to an aligned region, so that a THP can back it. */
	a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	munmap((char *)a + len, (uintptr_t)p + len + align - a - len);
	return (char *)a;
}

/* Write one byte in every page. */
static void touch(char *p, size_t len, long psz)
{
	size_t i;

	for (i = 0; i < len; i += psz)
		p[i] = 1;
}

int main(int argc, char **argv)
{
	long mib = 64, fmib = 8, thp = 0, secs = 600, psz = sysconf(_SC_PAGESIZE);
	const char *path = NULL, *ready = NULL;
	char *anon, *file = NULL, *huge = NULL, buf[65536];
	volatile char sum = 0;
	size_t flen, i;
	FILE *out;
	int opt, fd;

	while ((opt = getopt(argc, argv, "m:f:F:t:o:s:")) != -1) {
		switch (opt) {
		case 'm': mib = atol(optarg); break;
		case 'f': path = optarg; break;
		case 'F': fmib = atol(optarg); break;
		case 't': thp = atol(optarg); break;
		case 'o': ready = optarg; break;
		case 's': secs = atol(optarg); break;
		default:
			fprintf(stderr, "usage: pagemapprog [-m MIB] [-f PATH] [-F FMIB] "
				"[-t THP_MIB] [-o FILE] [-s SECONDS]\n");
			return 2;
		}
	}
	anon = map_anon(mib * MIB, 0);
	if (madvise(anon, mib * MIB, MADV_NOHUGEPAGE))
		perror("madvise(MADV_NOHUGEPAGE)");
	touch(anon, mib * MIB, psz);
	if (path) {
		flen = fmib * MIB;
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (fd < 0) {
			perror(path);
			return 1;
		}
		memset(buf, 'x', sizeof(buf));
		for (i = 0; i < flen; i += sizeof(buf))
			if (write(fd, buf, sizeof(buf)) != sizeof(buf)) {
				perror("write");
				return 1;
			}
		file = mmap(NULL, flen, PROT_READ, MAP_SHARED, fd, 0);
		if (file == MAP_FAILED) {
			perror("mmap file");
			return 1;
		}
		close(fd);
		for (i = 0; i < flen / 2; i += psz)
			sum += file[i];
	}
	if (thp) {
		huge = map_anon(thp * MIB, 2 * MIB);
		if (madvise(huge, thp * MIB, MADV_HUGEPAGE))
			perror("madvise(MADV_HUGEPAGE)");
		touch(huge, thp * MIB, psz);
	}
	out = ready ? fopen(ready, "w") : stdout;
	if (!out) {
		perror(ready);
		return 1;
	}
	fprintf(out, "pid=%d\n", (int)getpid());
	fprintf(out, "anon=%lx-%lx\n", (unsigned long)anon, (unsigned long)(anon + mib * MIB));
	if (file)
		fprintf(out, "file=%lx-%lx\n", (unsigned long)file,
			(unsigned long)(file + fmib * MIB));
	if (huge)
		fprintf(out, "thp=%lx-%lx\n", (unsigned long)huge,
			(unsigned long)(huge + thp * MIB));
	fprintf(out, "ready\n");
	fflush(out);
	if (out != stdout)
		fclose(out);
	while (secs-- > 0)
		sleep(1);
	return 0;
}
