// SPDX-License-Identifier: GPL-2.0
/*
 * Recipe loading and kprobe setup for the commands that trace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tracefs.h>

#include "cmd.h"
#include "cmdutil.h"
#include "hostcheck.h"
#include "kms.h"
#include "kprobe.h"

static int known_event(const char *sys, const char *name)
{
	return tracefs_event_file_exists(NULL, sys, name, "enable");
}

static struct kms_recipe *parse(const char *name, int live)
{
	struct kms_recipe *rc;
	char *path = kms_recipe_locate(name);

	rc = path ? kms_recipe_parse(path, live ? known_event : NULL) : NULL;
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

static void notice(const char *msg, void *ctx)
{
	fprintf(stderr, "kmemscope: %s\n", msg);
}

int cmd_setup_probes(struct kms_session *s, const struct kms_recipe *rc)
{
	struct kms_symtab *syms;
	int ret;

	if (!rc || !rc->nr_kprobes)
		return 0;
	syms = kms_symtab_load();
	if (!syms)
		return -1;
	ret = kms_kprobes_setup(s, rc, syms, notice, NULL);
	kms_symtab_free(syms);
	return ret;
}

void cmd_stale_removed(const char *name, void *ctx)
{
	fprintf(stderr, "kmemscope: removed stale %s %s\n",
		strchr(name, '/') ? "kprobe" : "instance", name);
}
