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

#include "tracefs/session.h"

#define KMS_KPROBE_GROUP_PREFIX "kmemscope_"

/* What a probe's hits mean to the analysers. */
enum kms_probe_role {
	KMS_ROLE_NONE = 0,	/* counted per process only */
	KMS_ROLE_PAGE_OWNER,	/* a page_owner function: seed 001's log line */
	KMS_ROLE_PAGE_ALLOC,	/* a page allocation; arg "order" */
	KMS_ROLE_KMALLOC,	/* a kmalloc; arg "size" */
	KMS_ROLE_CACHE_ALLOC,	/* a kmem_cache_alloc; args "size", "name" */
	KMS_ROLE_FAULT,		/* a page fault; arg "address", "flags" */
};

/* One kprobe to make (a recipe's "kprobe" line, kmemscope-recipe(5)). */
struct kms_kprobe_def {
	char	*name;
	int	role;		/* enum kms_probe_role */
	char	**symbols;	/* ordered alternatives, "sym" or "sym%return" */
	int	nr_symbols;
	char	**args;		/* fetch arguments, as written */
	int	nr_args;
	int	optional;	/* skipped with a notice when no symbol exists */
	int	line;		/* in the recipe, for messages */
};

/*
 * Whether a kprobe argument applies on this machine (machine as uname -m,
 * kernel version as major * 1000 + minor, btf set when probes take BTF
 * argument names), and the argument without its {COND} prefix. Returns 1
 * when it applies, 0 when not, -1 when malformed. (Defined in recipe.c.)
 */
int kms_kprobe_arg_applies(const char *arg, const char *machine, int kver, int btf,
			   const char **bare);

/* Is kprobe_events there to write to? */
int kms_kprobes_available(void);
/* "major.minor" of the running kernel as major * 1000 + minor. */
int kms_kernel_version(void);

/* Symbols the kernel can probe: available_filter_functions, else kallsyms. */
struct kms_symtab;
struct kms_symtab *kms_symtab_load(void);
int kms_symtab_has(const struct kms_symtab *t, const char *name);
void kms_symtab_free(struct kms_symtab *t);
/*
 * The first of kp's symbols, as written (maybe "name%return"), that the
 * kernel has; NULL when none does.
 */
const char *kms_kprobe_symbol(const struct kms_kprobe_def *kp, const struct kms_symtab *syms);

/* Told about each optional probe skipped, and why. */
typedef void (*kms_notice_fn)(const char *msg, void *ctx);

/*
 * Create and enable the n probes of defs in the session. A probe none of
 * whose symbols exists is skipped with a notice when optional, and stops
 * the setup with the reason otherwise. kms_session_destroy() removes them.
 */
int kms_kprobes_setup(struct kms_session *s, const struct kms_kprobe_def *defs, int n,
			const struct kms_symtab *syms, kms_notice_fn notice, void *ctx);


/* The probe definition, as written to kprobe_events, for one probe. */
char *kms_kprobe_definition(const struct kms_kprobe_def *kp, const char *symbol,
			    const char *group, const char *machine, int kver, int btf);
/* Do kprobes take BTF argument names here (tracefs README mentions "->field")? */
int kms_kprobes_btf(void);
/* Remove the session's probes (after the instance is gone); kms_session_destroy() calls it. */
void kms_kprobes_destroy(struct kms_session *s);
/* Remove probe groups kmemscope_<pid> whose owner is gone. */
int kms_kprobes_reset_stale(void (*fn)(const char *name, void *ctx), void *ctx);

/*
 * Why the page_owner probes cannot fire here, or NULL when they can:
 * CONFIG_PAGE_OWNER missing, or the kernel booted without page_owner=on.
 */
const char *kms_page_owner_missing(const struct kms_symtab *syms);

#endif
