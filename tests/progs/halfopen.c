// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload for outstanding memory by stack: wait, make N sockets and
 * close every other one (N/2 stay open, old), wait, make M more and keep
 * them (young), then wait again before exiting; reports its pid first.
 *   halfopen N M WAIT0 WAIT1 WAIT2 OUTFILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>

/* Make n AF_UNIX sockets; close every other one when half is set. */
static long sockets(long n, int half)
{
	long i, kept = 0;
	int fd;

	for (i = 0; i < n; i++) {
		fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (fd < 0)
			continue;
		if (half && (i & 1))
			close(fd);
		else
			kept++;
	}
	return kept;
}

int main(int argc, char **argv)
{
	FILE *out;
	long old, young;

	if (argc != 7)
		return 2;
	out = fopen(argv[6], "w");
	if (!out)
		return 1;
	fprintf(out, "pid=%d\n", (int)getpid());
	fflush(out);
	sleep(atoi(argv[3]));
	old = sockets(atol(argv[1]), 1);
	sleep(atoi(argv[4]));
	young = sockets(atol(argv[2]), 0);
	fprintf(out, "old=%ld young=%ld\n", old, young);
	fclose(out);
	sleep(atoi(argv[5]));
	return 0;
}
