/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the recipe parser: its state, the word and error helpers every
 * directive uses, and the directives that have a file of their own.
 */
#ifndef KMS_RECIPE_INTERNAL_H
#define KMS_RECIPE_INTERNAL_H

#include <stddef.h>

#include "recipe/recipe.h"


struct parser {
	const char		*path;
	int			line;
	struct kms_recipe	*r;
	int			(*known_event)(const char *sys, const char *name);
	int			desc_line;
	int			buffer_line;
	int			snap_line[KMS_NR_SNAPSHOTS];
};

/* Record "FILE:LINE: message" for the line being parsed; returns -1. */
int recipe_err(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Next blank-separated word of *pos, NUL-terminated in place; NULL at end. */
char *recipe_word(char **pos);
/* The rest of the line after *pos, without leading blanks ("" if none). */
char *recipe_rest(char **pos);
/* Grow an array by one zeroed element; returns the new element or NULL. */
void *recipe_grow(void **array, int *nr, size_t size);

/* table NAME [by KEY[,KEY]...] [sort COLUMN] [limit N] (tables.c) */
int recipe_parse_table(struct parser *ps, char **pos);
/* kprobe NAME SYMBOL[|SYMBOL...] [as ROLE] [ARG...] [optional] (kprobes.c) */
int recipe_parse_kprobe(struct parser *ps, char **pos);
/* stack SYSTEM:EVENT [if FILTER...] [depth N] (stacks.c) */
int recipe_parse_stack(struct parser *ps, char **pos);
/* After the last line: each stack line's event is an event line's (stacks.c). */
int recipe_check_stacks(struct parser *ps);
/* Free the stack lines (stacks.c). */
void recipe_free_stacks(struct kms_recipe *r);

#endif
