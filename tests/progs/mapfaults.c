// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload for faults_by_mapping: write-fault N pages of a shared
 * mapping of FILE (made N pages long) and M pages of a private anonymous
 * mapping (MADV_NOHUGEPAGE: one fault a page), then read the resident pages
 * of both mappings from its own /proc/self/smaps, print them with the
 * kernel's fault count of each loop (getrusage), sleep, and exit.
 *
 *   mapfaults FILE N M [SLEEP_MS]
 *
 * Output: "file=PATH file_rss_pages=.. file_faults=.. anon_rss_pages=.. anon_faults=.."
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>

/* Minor plus major faults of this process so far. */
static long faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

/* The Rss (in pages) of the smaps entry that starts at addr. */
static long smaps_rss(void *addr, long page)
{
	char line[512], want[32];
	long kb = -1;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, ' ') && !strchr(line, ':'))
			in = 0;
		if (!strncmp(line, want, strlen(want)))
			in = 1;
		else if (in && sscanf(line, "Rss: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb < 0 ? -1 : kb * 1024 / page;
}

int main(int argc, char **argv)
{
	long n, m, sleep_ms = 1000, page = sysconf(_SC_PAGESIZE), i, f0, ff, fa;
	char *file, *anon;
	int fd;

	if (argc < 4) {
		fprintf(stderr, "usage: mapfaults FILE N M [SLEEP_MS]\n");
		return 2;
	}
	n = atol(argv[2]);
	m = atol(argv[3]);
	if (argc > 4)
		sleep_ms = atol(argv[4]);
	fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, n * page)) {
		perror(argv[1]);
		return 1;
	}
	file = mmap(NULL, n * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	anon = mmap(NULL, m * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (file == MAP_FAILED || anon == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	madvise(anon, m * page, MADV_NOHUGEPAGE);
	f0 = faults();
	for (i = 0; i < n; i++)
		file[i * page] = 1;
	ff = faults() - f0;
	f0 = faults();
	for (i = 0; i < m; i++)
		anon[i * page] = 1;
	fa = faults() - f0;
	printf("file=%s file_rss_pages=%ld file_faults=%ld anon_rss_pages=%ld anon_faults=%ld\n",
	       argv[1], smaps_rss(file, page), ff, smaps_rss(anon, page), fa);
	fflush(stdout);
	usleep(sleep_ms * 1000);
	return 0;
}
