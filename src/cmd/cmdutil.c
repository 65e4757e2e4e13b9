// SPDX-License-Identifier: GPL-2.0
/*
 * Recipe loading and kprobe setup for the commands that trace.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tracefs.h>

#include "source/live.h"
#include "cmd/cmd.h"
#include "cmd/cmdutil.h"
#include "tracefs/hostcheck.h"
#include "base/kms.h"
#include "tracefs/kprobe.h"
#include "base/orders.h"

static struct kms_recipe *parse(const char *name, int live)
{
	struct kms_recipe *rc;
	char *path = kms_recipe_locate(name);

	rc = path ? kms_recipe_parse(path, live ? kms_event_exists : NULL) : NULL;
	free(path);
	return rc;
}

struct kms_recipe *cmd_load_recipe(const char *name, int live, int *status)
{
	struct kms_recipe *rc = parse(name, live), *fb;
	struct kms_symtab *syms;
	char level[32];
	const char *why;

	if (!rc) {
		/* Under lockdown=confidentiality no event exists: say why. */
		if (live && kms_lockdown_level(level, sizeof(level)) == 0 &&
		    !strcmp(level, "confidentiality")) {
			cmd_error("lockdown=confidentiality closes tracefs (%s)", kms_strerror());
			*status = KMS_EXIT_LOCKDOWN;
			return NULL;
		}
		cmd_error("%s", kms_strerror());
		*status = KMS_EXIT_USAGE;
		return NULL;
	}
	if (!live)
		return rc;
	if (rc->requires & KMS_REQ_PAGE_OWNER) {
		syms = kms_symtab_load();
		why = syms ? kms_page_owner_missing(syms) : kms_strerror();
		kms_symtab_free(syms);
		if (why) {
			cmd_error("recipe %s cannot run: %s", rc->name, why);
			kms_recipe_free(rc);
			*status = KMS_EXIT_UNSUPPORTED;
			return NULL;
		}
	}
	if (rc->nr_kprobes && !kms_kprobes_available()) {
		if (!rc->fallback) {
			cmd_error("recipe %s needs kprobe_events, which this kernel does not offer "
				  "(not built in, or closed by lockdown)", rc->name);
			kms_recipe_free(rc);
			*status = KMS_EXIT_UNSUPPORTED;
			return NULL;
		}
		fprintf(stderr, "kmemscope: kprobe_events is not available here; running the "
			"tracepoint recipe '%s' instead of '%s'\n", rc->fallback, rc->name);
		fb = parse(rc->fallback, live);
		kms_recipe_free(rc);
		if (!fb) {
			cmd_error("%s", kms_strerror());
			*status = KMS_EXIT_USAGE;
		}
		return fb;
	}
	return rc;
}

/* Print a notice of the core as "kmemscope: MSG". */
static void notice(const char *msg, void *ctx)
{
	fprintf(stderr, "kmemscope: %s\n", msg);
}

/* Create and enable the recipe's kprobes in the session (a live source hook). */
static int setup_probes(struct kms_session *s, const void *arg)
{
	const struct kms_recipe *rc = arg;
	struct kms_symtab *syms;
	int ret;

	if (!rc || !rc->nr_kprobes)
		return 0;
	syms = kms_symtab_load();
	if (!syms)
		return -1;
	ret = kms_kprobes_setup(s, rc->kprobes, rc->nr_kprobes, syms, notice, NULL);
	kms_symtab_free(syms);
	return ret;
}

int cmd_scope_option(const struct cmd_entry *e, struct cmd_scope *sc, int opt,
		     const char *arg)
{
	char *dup, *tok, *save = NULL;
	unsigned long v;
	pid_t *tmp;
	int ret = 0;

	if (opt == 'C') {
		if (sc->cgroup)
			return cmd_usage_error(e, "--cgroup: give one cgroup");
		sc->cgroup = arg;
		return 0;
	}
	if (opt == 'T') {
		sc->stacks = 1;
		return 0;
	}
	if (opt == 'O') {
		if (kms_orders_parse(arg, &sc->orders))
			return cmd_usage_error(e, "--order: invalid order set '%s' (e.g. 2,3,9 or 3-)", arg);
		return 0;
	}
	dup = strdup(arg);
	if (!dup)
		return cmd_error("out of memory");
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (kms_parse_uint(tok, INT_MAX, &v) || !v) {
			ret = cmd_usage_error(e, "-p: invalid pid '%s'", tok);
			break;
		}
		if (kill(v, 0) < 0 && errno == ESRCH) {
			ret = cmd_usage_error(e, "-p: no process %lu", v);
			break;
		}
		tmp = realloc(sc->pids, (sc->nr_pids + 1) * sizeof(*tmp));
		if (!tmp) {
			ret = cmd_error("out of memory");
			break;
		}
		sc->pids = tmp;
		sc->pids[sc->nr_pids++] = v;
	}
	free(dup);
	return ret;
}

int cmd_options_end(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--"))
			return i;
	return argc;
}

int cmd_scope_finish(const struct cmd_entry *e, int end, struct cmd_scope *sc, int argc,
		     char **argv, int optind)
{
	if (optind < end)
		return cmd_usage_error(e, "unexpected argument '%s' (put the command after --)",
				       argv[optind]);
	if (end + 1 < argc)
		sc->cmd = argv + end + 1;
	if (sc->cmd && sc->nr_pids)
		return cmd_usage_error(e, "use either -p or -- COMMAND, not both");
	if (sc->cgroup && (sc->cmd || sc->nr_pids))
		return cmd_usage_error(e, "--cgroup goes alone: not with -p or -- COMMAND");
	return 0;
}

void cmd_live_config(struct kms_live_config *cfg, const struct cmd_scope *sc,
		     const struct kms_recipe *rc)
{
	cfg->pids = sc->pids;
	cfg->nr_pids = sc->nr_pids;
	cfg->cmd = sc->cmd;
	cfg->cgroup = sc->cgroup;
	cfg->orders = sc->orders;
	cfg->no_default_events = rc && rc->nr_kprobes;
	cfg->setup_probes = setup_probes;
	cfg->probes_arg = rc;
	cfg->notice = notice;
	cfg->stacks = rc ? rc->stacks : NULL;
	cfg->nr_stacks = rc ? rc->nr_stacks : 0;
	cfg->stack_all = sc->stacks;
}

int cmd_command_status(const struct kms_live *l)
{
	const struct kms_child *c = &l->child;
	const char *name = l->cfg.cmd ? l->cfg.cmd[0] : "the command";

	if (!l->have_child || !c->exited)
		return KMS_EXIT_OK;
	if (WIFEXITED(c->status) && WEXITSTATUS(c->status)) {
		fprintf(stderr, "kmemscope: %s exited with status %d\n", name,
			WEXITSTATUS(c->status));
	} else if (WIFSIGNALED(c->status) && WTERMSIG(c->status) != l->stop_signal &&
		   WTERMSIG(c->status) != l->cfg.end_signal) {
		fprintf(stderr, "kmemscope: %s was killed by signal %d (%s)\n", name,
			WTERMSIG(c->status), strsignal(WTERMSIG(c->status)));
		return 128 + WTERMSIG(c->status);
	}
	return KMS_EXIT_OK;
}

int cmd_need_tracing(const struct cmd_entry *e)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing/instances", "/sys/kernel/debug/tracing/instances",
	};
	size_t i;

	if (geteuid() == 0)
		return 0;
	for (i = 0; i < KMS_ARRAY_SIZE(dirs); i++)
		if (!access(dirs[i], W_OK))
			return 0;
	fprintf(stderr, "kmemscope %s: needs root (run it with sudo), or for tracepoints only, "
		"membership of the group tracefs is mounted with (mount option gid=)\n", e->name);
	return KMS_EXIT_NOTRACEFS;
}
