// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload: touch MiB of fresh anonymous memory (MADV_NOHUGEPAGE, so
 * one fault per 4 KiB page), optionally in rounds with pauses, then print
 * the kernel's own fault counts for this process (getrusage).
 *
 *   touchmem [-m MIB] [-r ROUNDS] [-p MS_PAUSE] [-s SECONDS_SLEEP] [-o FILE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>

int main(int argc, char **argv)
{
	long mib = 16, rounds = 1, pause_ms = 0, sleep_s = 0;
	struct rusage ru;
	FILE *out = stdout;
	size_t len, i;
	long r;
	int opt;

	while ((opt = getopt(argc, argv, "m:r:p:s:o:")) != -1) {
		switch (opt) {
		case 'm': mib = atol(optarg); break;
		case 'r': rounds = atol(optarg); break;
		case 'p': pause_ms = atol(optarg); break;
		case 's': sleep_s = atol(optarg); break;
		case 'o':
			out = fopen(optarg, "w");
			if (!out) {
				perror(optarg);
				return 1;
			}
			break;
		default:
			fprintf(stderr, "usage: touchmem [-m MIB] [-r ROUNDS] [-p MS] [-s SECONDS]\n");
			return 2;
		}
	}
	len = (size_t)mib << 20;
	for (r = 0; r < rounds; r++) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		madvise(p, len, MADV_NOHUGEPAGE);
		for (i = 0; i < len; i += 4096)
			p[i] = 1;
		munmap(p, len);
		if (pause_ms)
			usleep(pause_ms * 1000);
	}
	if (sleep_s)
		sleep(sleep_s);
	getrusage(RUSAGE_SELF, &ru);
	fprintf(out, "pid=%d minflt=%ld majflt=%ld faults=%ld\n", (int)getpid(),
		ru.ru_minflt, ru.ru_majflt, ru.ru_minflt + ru.ru_majflt);
	fclose(out);
	return 0;
}
