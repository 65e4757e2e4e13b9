// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload: touch MiB of fresh anonymous memory (MADV_NOHUGEPAGE, so
 * one fault per 4 KiB page), optionally in rounds with pauses, then print
 * the kernel's own fault counts for this process (getrusage).
 *
 *   touchmem [-m MIB] [-r ROUNDS] [-p MS_PAUSE] [-s SECONDS_SLEEP] [-o FILE]
 *            [-g CGROUP_DIR] [-w FILE]
 *
 * -g joins the cgroup first (writes its pid to DIR/cgroup.procs); -w waits
 * until FILE exists before touching memory and reports, besides the totals,
 * the faults taken from then on ("since=").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>

int main(int argc, char **argv)
{
	long mib = 16, rounds = 1, pause_ms = 0, sleep_s = 0, base = 0;
	const char *cgroup = NULL, *wait_file = NULL;
	struct rusage ru;
	FILE *out = stdout;
	size_t len, i;
	long r;
	int opt;

	while ((opt = getopt(argc, argv, "m:r:p:s:o:g:w:")) != -1) {
		switch (opt) {
		case 'm': mib = atol(optarg); break;
		case 'r': rounds = atol(optarg); break;
		case 'p': pause_ms = atol(optarg); break;
		case 's': sleep_s = atol(optarg); break;
		case 'g': cgroup = optarg; break;
		case 'w': wait_file = optarg; break;
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
	if (cgroup) {
		char path[4096];
		FILE *cg;

		snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
		cg = fopen(path, "w");
		if (!cg || fprintf(cg, "%d\n", (int)getpid()) < 0 || fclose(cg)) {
			perror(path);
			return 1;
		}
	}
	if (wait_file) {
		while (access(wait_file, F_OK))
			usleep(20000);
		getrusage(RUSAGE_SELF, &ru);
		base = ru.ru_minflt + ru.ru_majflt;
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
	fprintf(out, "pid=%d minflt=%ld majflt=%ld faults=%ld", (int)getpid(),
		ru.ru_minflt, ru.ru_majflt, ru.ru_minflt + ru.ru_majflt);
	if (wait_file)
		fprintf(out, " since=%ld", ru.ru_minflt + ru.ru_majflt - base);
	fputc('\n', out);
	fclose(out);
	return 0;
}
