/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel stacks for chosen events of a session: each event's stacktrace
 * trigger in the private instance (only matching events pay for a stack),
 * or, where the kernel has no event triggers, the instance's
 * options/stacktrace (a stack after every event). Both go away with the
 * instance.
 */
#ifndef KMS_TRACEFS_STACK_H
#define KMS_TRACEFS_STACK_H

#include <stddef.h>

#include "tracefs/session.h"

/* One "stack EVENT [if FILTER] [depth N]" (a recipe line, or record -T). */
struct kms_stack_spec {
	char	*system;
	char	*name;
	char	*filter;	/* NULL: every event */
	int	depth;		/* frames kept after filtering; 0: all */
	int	line;		/* its recipe line, 0: none */
};

/* How this kernel can take stacks. */
enum kms_stack_how {
	KMS_STACKS_NONE = 0,
	KMS_STACKS_OPTION,	/* options/stacktrace: after every event */
	KMS_STACKS_TRIGGER,	/* per-event stacktrace triggers */
};

/* What the running kernel offers; why (one line) in buf. */
enum kms_stack_how kms_stacks_available(char *buf, size_t len);

/* Told once when the instance falls back to options/stacktrace. */
typedef void (*kms_stack_notice_fn)(const char *msg, void *ctx);

/*
 * Install the stacks of n specs in the session's instance, and with all
 * set those of every other enabled allocation and fault event (record -T);
 * the events must be enabled already. Returns 0, or -1 with the kernel's
 * reason.
 */
int kms_session_stacks(struct kms_session *s, const struct kms_stack_spec *specs, int n,
		       int all, kms_stack_notice_fn notice, void *ctx);

#endif
