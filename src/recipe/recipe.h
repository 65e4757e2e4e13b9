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
 *   stack SYSTEM:EVENT [if FILTER...] [depth N]
 *                                         kernel stacks for an allocation or
 *                                         fault event of an event line, for
 *                                         the events matching FILTER; N
 *                                         frames kept (stacks.c)
 *
 * Table names, their keys and columns come from the table catalogue
 * (analyse/table.h); an unknown name is an error at its line.
 */
#ifndef KMS_RECIPE_H
#define KMS_RECIPE_H

#include "analyse/table.h"
#include "tracefs/kprobe.h"
#include "tracefs/session.h"
#include "tracefs/stack.h"

struct kms_recipe_event {
	char	*system;
	char	*name;
	char	*filter;	/* NULL: none */
	int	line;
};

#define KMS_REQ_PAGE_OWNER	(1 << 0)

/* A recipe's kprobe line is a tracefs kprobe definition. */
#define kms_recipe_kprobe kms_kprobe_def

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
	struct kms_stack_spec		*stacks;	/* stack lines */
	int				nr_stacks;
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
 * Find a recipe by name in the build tree's recipes/ (when running
 * uninstalled) and then in the installed datadir, or take it as a path
 * when it contains a '/' or ends in ".recipe". Returns a malloc'd path.
 */
char *kms_recipe_locate(const char *name_or_path);

struct kms_analysis;
/* Tell an analysis the depth of the recipe's stack lines (stacks.c). */
void kms_recipe_stack_depths(const struct kms_recipe *r, struct kms_analysis *a);
/* The directories searched by kms_recipe_locate(), NULL-terminated. */
const char *const *kms_recipe_dirs(void);

#endif
