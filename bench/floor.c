// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's floor: the kernel's own cost of the events. Creates a
 * tracefs instance, enables the events in it, runs the command with no
 * reader, scoped to the command and its children as kmemscope scopes
 * one (set_event_pid and event-fork), then prints the events the ring
 * buffers took (entries plus overruns) and removes the instance.
 *   floor [-b KB] -e SYSTEM:EVENT... -- COMMAND [ARGS]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <tracefs.h>

#define MAX_EVENTS 64

/* A number after NAME: in a per-CPU stats text, or 0. */
static unsigned long long stat_of(const char *text, const char *name)
{
	const char *p = text ? strstr(text, name) : NULL;

	return p ? strtoull(p + strlen(name), NULL, 10) : 0;
}

/* Events written to every CPU's buffer of the instance. */
static unsigned long long written(struct tracefs_instance *inst)
{
	unsigned long long n = 0;
	char path[64];
	int cpu, ncpus = sysconf(_SC_NPROCESSORS_CONF);

	for (cpu = 0; cpu < ncpus; cpu++) {
		char *t;

		snprintf(path, sizeof(path), "per_cpu/cpu%d/stats", cpu);
		t = tracefs_instance_file_read(inst, path, NULL);
		n += stat_of(t, "entries: ") + stat_of(t, "overrun: ");
		free(t);
	}
	return n;
}

int main(int argc, char **argv)
{
	char *sys[MAX_EVENTS], *ev[MAX_EVENTS], name[64];
	struct tracefs_instance *inst;
	int n = 0, opt, i, status = 1, kb = 0, go[2];
	char buf[16];
	pid_t pid;

	while ((opt = getopt(argc, argv, "+b:e:")) != -1) {
		if (opt == 'b') {
			kb = atoi(optarg);
		} else if (opt == 'e' && n < MAX_EVENTS && strchr(optarg, ':')) {
			sys[n] = optarg;
			ev[n] = strchr(optarg, ':');
			*ev[n]++ = '\0';
			n++;
		} else {
			fprintf(stderr, "usage: floor [-b KB] -e SYSTEM:EVENT... -- COMMAND\n");
			return 2;
		}
	}
	if (optind >= argc || !n) {
		fprintf(stderr, "usage: floor [-b KB] -e SYSTEM:EVENT... -- COMMAND\n");
		return 2;
	}
	snprintf(name, sizeof(name), "kms-floor-%d", getpid());
	inst = tracefs_instance_create(name);
	if (!inst) {
		perror("floor: tracefs instance");
		return 1;
	}
	if (kb > 0)
		tracefs_instance_set_buffer_size(inst, kb, -1);
	for (i = 0; i < n; i++)
		if (tracefs_event_enable(inst, sys[i], ev[i]) < 0)
			fprintf(stderr, "floor: no event %s:%s\n", sys[i], ev[i]);
	if (pipe(go))
		return 1;
	pid = fork();
	if (pid == 0) {	/* wait until the parent has scoped the instance to us */
		close(go[1]);
		if (read(go[0], buf, 1) != 1)
			_exit(127);
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	close(go[0]);
	if (pid > 0) {
		snprintf(buf, sizeof(buf), "%d", (int)pid);
		tracefs_instance_file_write(inst, "set_event_pid", buf);
		tracefs_instance_file_write(inst, "options/event-fork", "1");
		tracefs_trace_on(inst);
		if (write(go[1], "g", 1) != 1)
			kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	tracefs_trace_off(inst);
	fprintf(stderr, "floor: %llu events\n", written(inst));
	tracefs_event_disable(inst, NULL, NULL);
	tracefs_instance_destroy(inst);
	tracefs_instance_free(inst);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
