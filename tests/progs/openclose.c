// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload for the slab analyser: open and close N files and N
 * sockets (each takes a "filp" object), then report its pid.
 *   openclose N [OUTFILE]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000, i, files = 0, socks = 0;
	FILE *out = argc > 2 ? fopen(argv[2], "w") : stdout;
	int fd;

	if (!out)
		return 1;
	for (i = 0; i < n; i++) {
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			files++;
			close(fd);
		}
		fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (fd >= 0) {
			socks++;
			close(fd);
		}
	}
	fprintf(out, "pid=%d files=%ld sockets=%ld\n", (int)getpid(), files, socks);
	fclose(out);
	return 0;
}
