/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recipes: small text files naming what to trace and which tables to print
 * for one scenario. Grammar (one directive per line, '#' starts a comment,
 * blank lines ignored, words separated by blanks, a filter runs to the end
 * of its line):
 *
 *   description TEXT...                   one line for `kmemscope list`
 *   event SYSTEM:EVENT [filter EXPR...]   an event and its in-kernel filter
 *   buffer KIB                            per-CPU ring buffer size
 *   snapshot NAME                         /proc/NAME before and after:
 *                                         slabinfo|buddyinfo|meminfo|vmstat
 *   table NAME [by KEY[,KEY]...] [sort COLUMN] [limit N]
 *   kprobe NAME SYMBOL[|SYMBOL...] [as ROLE] [ARG...] [optional]
 *                                         a kprobe on the first symbol the
 *                                         kernel has; SYMBOL%return for a
 *                                         return probe; ARG is a fetch
 *                                         argument NAME=FETCH[:TYPE], with an
 *                                         optional {COND,...} prefix: an
 *                                         architecture (x86_64, aarch64), a
 *                                         kernel version (>=6.9, <5.10), btf
 *                                         or nobtf (BTF argument names);
 *                                         ROLE says what the analysers make
 *                                         of it (see enum kms_probe_role)
 *   fallback RECIPE                       the tracepoint recipe to run where
 *                                         kprobes cannot be used
 *   require page_owner                    the kernel must track page owners
 *
 * Table names, their keys and columns come from the table catalogue
 * (analyse/table.h); an unknown name is an error at its line.
 */
#ifndef KMS_RECIPE_H
#define KMS_RECIPE_H

#include "analyse/table.h"

struct kms_recipe_event {
	char	*system;
	char	*name;
	char	*filter;	/* NULL: none */
	int	line;
};

/* What a probe's hits mean to the analysers. */
enum kms_probe_role {
	KMS_ROLE_NONE = 0,	/* counted per process only */
	KMS_ROLE_PAGE_OWNER,	/* a page_owner function: seed 001's log line */
	KMS_ROLE_PAGE_ALLOC,	/* a page allocation; arg "order" */
	KMS_ROLE_KMALLOC,	/* a kmalloc; arg "size" */
	KMS_ROLE_CACHE_ALLOC,	/* a kmem_cache_alloc; args "size", "name" */
	KMS_ROLE_FAULT,		/* a page fault; arg "address", "flags" */
};

#define KMS_REQ_PAGE_OWNER	(1 << 0)

struct kms_recipe_kprobe {
	char	*name;
	int	role;		/* enum kms_probe_role */
	char	**symbols;	/* ordered alternatives */
	int	nr_symbols;
	char	**args;		/* fetch arguments, as written */
	int	nr_args;
	int	optional;
	int	line;
};

enum kms_snapshot {
	KMS_SNAP_SLABINFO	= 1 << 0,
	KMS_SNAP_BUDDYINFO	= 1 << 1,
	KMS_SNAP_MEMINFO	= 1 << 2,
	KMS_SNAP_VMSTAT		= 1 << 3,
};

struct kms_recipe {
	char				*path;
	char				*name;		/* file name without .recipe */
	char				*description;
	struct kms_recipe_event		*events;
	int				nr_events;
	struct kms_table_req		*tables;	/* line: the table's line */
	int				nr_tables;
	struct kms_recipe_kprobe	*kprobes;
	int				nr_kprobes;
	unsigned int			snapshots;	/* enum kms_snapshot bits */
	char				*fallback;	/* recipe to run without kprobes */
	unsigned int			requires;	/* KMS_REQ_* bits */
	unsigned long			buffer_kb;	/* 0: default */
};

/*
 * Parse a recipe file. On error returns NULL with kms_strerror() set to
 * "FILE:LINE: message". known_event(system, name) decides whether an event
 * exists (NULL: accept every well-formed name).
 */
struct kms_recipe *kms_recipe_parse(const char *path,
				    int (*known_event)(const char *sys, const char *name));
void kms_recipe_free(struct kms_recipe *r);
/* Role name ("fault") of a probe role. */
const char *kms_probe_role_name(int role);
/*
 * The names of the recipe's kprobes by index, for kms_analysis_set_probes().
 * free() the array, not the names; NULL when out of memory.
 */
const char **kms_recipe_probe_names(const struct kms_recipe *r);
/*
 * Whether a kprobe argument applies on this machine (machine as uname -m,
 * kernel version as major * 1000 + minor, btf set when probes take BTF
 * argument names), and the argument without its {COND} prefix. Returns 1
 * when it applies, 0 when not, -1 when malformed.
 */
int kms_kprobe_arg_applies(const char *arg, const char *machine, int kver, int btf,
			   const char **bare);

/*
 * Find a recipe by name in the build tree's recipes/ (when running
 * uninstalled) and then in the installed datadir, or take it as a path
 * when it contains a '/' or ends in ".recipe". Returns a malloc'd path.
 */
char *kms_recipe_locate(const char *name_or_path);
/* The directories searched by kms_recipe_locate(), NULL-terminated. */
const char *const *kms_recipe_dirs(void);

/*
 * Transitional, until src/cmd/top.c passes names: the old two-argument
 * kms_analysis_set_probes(a, recipe) goes to kms_recipe_set_probes(), and
 * the new three-argument form to the analyser itself. Delete this block,
 * and kms_recipe_set_probes(), with the last two-argument caller.
 */
struct kms_analysis;
int kms_recipe_set_probes(struct kms_analysis *a, const struct kms_recipe *r);
#define KMS_PICK_3RD_(a1, a2, a3, fn, ...) fn
#define kms_analysis_set_probes(...) \
	KMS_PICK_3RD_(__VA_ARGS__, kms_analysis_set_probes, kms_recipe_set_probes, )(__VA_ARGS__)

#endif
