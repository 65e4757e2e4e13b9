/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-layer helpers shared by record, top and report: loading a recipe
 * with its requirements and kprobe fallback, and setting up its probes.
 */
#ifndef KMS_CMDUTIL_H
#define KMS_CMDUTIL_H

#include "recipe.h"
#include "session.h"

/*
 * Find and parse a recipe. For a live run (live set) also check what it
 * requires (page_owner) and, where kprobes cannot be used, switch to its
 * fallback recipe with a one-line notice. Prints the error and sets
 * *status on failure.
 */
struct kms_recipe *cmd_load_recipe(const char *name, int live, int *status);
/* Create and enable the recipe's kprobes in the session. */
int cmd_setup_probes(struct kms_session *s, const struct kms_recipe *rc);
/* Print "kmemscope: removed stale ..." lines; for kms_reset_stale(). */
void cmd_stale_removed(const char *name, void *ctx);

#endif
