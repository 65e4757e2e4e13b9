/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kprobes for a session, through libtracefs's dynamic event API: the
 * symbol alternatives of a recipe resolved against the running kernel,
 * arguments chosen for this architecture and kernel version, probes made
 * in the group kmemscope_<pid>, enabled only in the private instance and
 * removed on every exit path; and what the host allows (kprobe_events,
 * page_owner).
 */
#ifndef KMS_KPROBE_H
#define KMS_KPROBE_H

#include "recipe/recipe.h"
#include "tracefs/session.h"

#define KMS_KPROBE_GROUP_PREFIX "kmemscope_"

/* Is kprobe_events there to write to? */
int kms_kprobes_available(void);
/* "major.minor" of the running kernel as major * 1000 + minor. */
int kms_kernel_version(void);

/* Symbols the kernel can probe: available_filter_functions, else kallsyms. */
struct kms_symtab;
struct kms_symtab *kms_symtab_load(void);
int kms_symtab_has(const struct kms_symtab *t, const char *name);
void kms_symtab_free(struct kms_symtab *t);

/* Told about each optional probe skipped, and why. */
typedef void (*kms_notice_fn)(const char *msg, void *ctx);

/*
 * Create and enable the recipe's probes in the session. A probe none of
 * whose symbols exists is skipped with a notice when optional, and stops
 * the setup with the reason otherwise.
 */
int kms_kprobes_setup(struct kms_session *s, const struct kms_recipe *r,
		      const struct kms_symtab *syms, kms_notice_fn notice, void *ctx);
/* The probe definition, as written to kprobe_events, for one recipe probe. */
char *kms_kprobe_definition(const struct kms_recipe_kprobe *kp, const char *symbol,
			    const char *group, const char *machine, int kver, int btf);
/* Do kprobes take BTF argument names here (tracefs README mentions "->field")? */
int kms_kprobes_btf(void);
/* Remove the session's probes (after the instance is gone). */
void kms_kprobes_destroy(struct kms_session *s);
/* Remove probe groups kmemscope_<pid> whose owner is gone. */
int kms_kprobes_reset_stale(void (*fn)(const char *name, void *ctx), void *ctx);

/*
 * Why the page_owner probes cannot fire here, or NULL when they can:
 * CONFIG_PAGE_OWNER missing, or the kernel booted without page_owner=on.
 */
const char *kms_page_owner_missing(const struct kms_symtab *syms);

#endif
