// SPDX-License-Identifier: GPL-2.0
/*
 * stacktrace triggers (and the options/stacktrace fallback) in the private
 * instance. Removing the instance removes them: nothing is written outside
 * it, so every exit path, kill -9 and `kmemscope reset` included, cleans up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tracefs.h>

#include "base/events.h"
#include "base/kms.h"
#include "tracefs/stack.h"

/* Does the kernel's README document the stacktrace trigger? */
static int readme_has_stacktrace(void)
{
	char *readme = tracefs_instance_file_read(NULL, "README", NULL);
	int ok = readme && strstr(readme, "stacktrace");

	free(readme);
	return ok;
}

enum kms_stack_how kms_stacks_available(char *buf, size_t len)
{
	if (tracefs_file_exists(NULL, "events/kmem/kmalloc/trigger") && readme_has_stacktrace()) {
		snprintf(buf, len, "per-event stacktrace triggers (events/*/trigger)");
		return KMS_STACKS_TRIGGER;
	}
	if (tracefs_file_exists(NULL, "options/stacktrace")) {
		snprintf(buf, len, "no event triggers: options/stacktrace, a stack after every event");
		return KMS_STACKS_OPTION;
	}
	snprintf(buf, len, "neither event triggers nor options/stacktrace (CONFIG_STACKTRACE=n)");
	return KMS_STACKS_NONE;
}

/* Write one event's stacktrace trigger, with the kernel's reason on failure. */
static int set_trigger(struct kms_session *s, const char *sys, const char *name,
		       const char *filter)
{
	char *cmd, *log;
	int err;

	if ((filter ? asprintf(&cmd, "stacktrace if %s", filter)
		    : asprintf(&cmd, "stacktrace")) < 0)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	tracefs_error_clear(s->inst);
	if (tracefs_event_file_write(s->inst, sys, name, "trigger", cmd) < 0) {
		err = errno;
		log = tracefs_error_last(s->inst);
		kms_error(KMS_ERR_FAIL, "stack %s:%s: the kernel refused '%s': %s", sys, name,
			  cmd, log && *log ? log : strerror(err));
		free(log);
		free(cmd);
		return -1;
	}
	free(cmd);
	return 0;
}

/* One event's stacks: its trigger, or (once per instance) options/stacktrace. */
static int stack_one(struct kms_session *s, const char *sys, const char *name,
		     const char *filter, int *option, kms_stack_notice_fn notice, void *ctx)
{
	if (!tracefs_event_file_exists(s->inst, sys, name, "enable"))
		return 0;	/* not on this kernel: its event was skipped too */
	if (tracefs_event_file_exists(s->inst, sys, name, "trigger"))
		return set_trigger(s, sys, name, filter);
	if ((*option)++)
		return 0;
	if (tracefs_option_enable(s->inst, TRACEFS_OPTION_STACKTRACE) < 0)
		return kms_error(KMS_ERR_UNSUPPORTED,
				 "stack %s:%s: no event triggers and no options/stacktrace", sys, name);
	if (notice)
		notice("no event triggers: a stack after every event (options/stacktrace); stack filters are not applied",
		       ctx);
	return 0;
}

/* The list entry of "system/event", or NULL. */
static const struct kms_event_info *known(const char *enabled)
{
	const char *slash = strchr(enabled, '/');
	int i;

	for (i = 0; slash && i < kms_nr_events; i++)
		if (!strncmp(kms_events[i].system, enabled, slash - enabled) &&
		    !kms_events[i].system[slash - enabled] && !strcmp(kms_events[i].name, slash + 1))
			return &kms_events[i];
	return NULL;
}

int kms_session_stacks(struct kms_session *s, const struct kms_stack_spec *specs, int n,
		       int all, kms_stack_notice_fn notice, void *ctx)
{
	const struct kms_event_info *e;
	int i, j, option = 0, listed;

	for (i = 0; i < n; i++)
		if (stack_one(s, specs[i].system, specs[i].name, specs[i].filter, &option,
			      notice, ctx) < 0)
			return -1;
	for (i = 0; all && i < s->nr_enabled; i++) {
		e = known(s->enabled[i]);
		if (!e || !kms_ev_takes_stack(e->type))
			continue;
		for (j = 0, listed = 0; j < n; j++)
			listed |= !strcmp(specs[j].system, e->system) && !strcmp(specs[j].name, e->name);
		if (!listed && stack_one(s, e->system, e->name, NULL, &option, notice, ctx) < 0)
			return -1;
	}
	return 0;
}
