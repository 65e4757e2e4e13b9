// SPDX-License-Identifier: GPL-2.0
/*
 * The stack directive: "stack SYSTEM:EVENT [if FILTER...] [depth N]", the
 * kernel stacks of an allocation or fault event of the recipe, taken by
 * the event's stacktrace trigger for the events that match FILTER.
 */
#include <stdlib.h>
#include <string.h>

#include "analyse/analyse.h"
#include "analyse/stacks.h"
#include "base/events.h"
#include "base/kms.h"
#include "recipe/internal.h"

#define MAX_DEPTH	128

/* The decoder type of a known event, or KMS_EV_NONE. */
static enum kms_ev_type event_type(const char *sys, const char *name)
{
	int i;

	for (i = 0; i < kms_nr_events; i++)
		if (!strcmp(kms_events[i].system, sys) && !strcmp(kms_events[i].name, name))
			return kms_events[i].type;
	return KMS_EV_NONE;
}

/* Take a trailing "depth N" off a filter; 1 if there was one, -1 if N is bad. */
static int cut_depth(char *filter, int *depth)
{
	char *p = NULL, *q = filter;
	unsigned long v;

	while ((q = strstr(q, " depth "))) {
		p = q;
		q++;
	}
	if (!p)
		return 0;
	if (kms_parse_uint(p + 7, MAX_DEPTH, &v) || !v)
		return -1;
	*depth = v;
	*p = '\0';
	return 1;
}

/* stack SYSTEM:EVENT [if FILTER...] [depth N] */
int recipe_parse_stack(struct parser *ps, char **pos)
{
	struct kms_recipe *r = ps->r;
	struct kms_stack_spec *sp;
	char *word, *sys, *name, *filter = NULL;
	unsigned long v;
	int i, depth = 0;

	sys = recipe_word(pos);
	if (!sys)
		return recipe_err(ps, "stack: missing SYSTEM:EVENT");
	name = strchr(sys, ':');
	if (!name || !kms_is_ident(sys, name - sys) || !kms_is_ident(name + 1, strlen(name + 1)))
		return recipe_err(ps, "bad event name '%s' (expected SYSTEM:EVENT)", sys);
	*name++ = '\0';
	if (!kms_ev_takes_stack(event_type(sys, name)))
		return recipe_err(ps, "stack %s:%s: only allocation and fault events take stacks (kmem:kmalloc, kmem:kmem_cache_alloc, kmem:mm_page_alloc, exceptions:page_fault_user, ...)",
				  sys, name);
	for (i = 0; i < r->nr_stacks; i++)
		if (!strcmp(r->stacks[i].system, sys) && !strcmp(r->stacks[i].name, name))
			return recipe_err(ps, "duplicate stack %s:%s (first at line %d)", sys, name,
					  r->stacks[i].line);
	while (!filter && (word = recipe_word(pos))) {
		if (!strcmp(word, "depth")) {
			word = recipe_word(pos);
			if (!word || kms_parse_uint(word, MAX_DEPTH, &v) || !v)
				return recipe_err(ps, "stack: depth needs a number of frames, 1 to %d",
						  MAX_DEPTH);
			depth = v;
		} else if (!strcmp(word, "if")) {
			filter = recipe_rest(pos);
			if (cut_depth(filter, &depth) < 0)
				return recipe_err(ps, "stack: depth needs a number of frames, 1 to %d",
						  MAX_DEPTH);
			if (!*filter)
				return recipe_err(ps, "stack: 'if' needs a filter, e.g. bytes_alloc > 256");
		} else {
			return recipe_err(ps, "stack: unexpected '%s' (expected 'if FILTER' or 'depth N')",
					  word);
		}
	}
	sp = recipe_grow((void **)&r->stacks, &r->nr_stacks, sizeof(*sp));
	if (!sp)
		return recipe_err(ps, "out of memory");
	sp->line = ps->line;
	sp->depth = depth;
	sp->system = strdup(sys);
	sp->name = strdup(name);
	sp->filter = filter ? strdup(filter) : NULL;
	if (!sp->system || !sp->name || (filter && !sp->filter))
		return recipe_err(ps, "out of memory");
	return 0;
}

/* Each stack line names an event the recipe enables. */
int recipe_check_stacks(struct parser *ps)
{
	const struct kms_recipe *r = ps->r;
	int i, j, found;

	for (i = 0; i < r->nr_stacks; i++) {
		for (j = 0, found = 0; j < r->nr_events && !found; j++)
			found = !strcmp(r->events[j].system, r->stacks[i].system) &&
				!strcmp(r->events[j].name, r->stacks[i].name);
		if (!found) {
			ps->line = r->stacks[i].line;
			return recipe_err(ps, "stack %s:%s: not an event of this recipe (add 'event %s:%s')",
					  r->stacks[i].system, r->stacks[i].name,
					  r->stacks[i].system, r->stacks[i].name);
		}
	}
	return 0;
}

/* Free the stack lines. */
void recipe_free_stacks(struct kms_recipe *r)
{
	int i;

	for (i = 0; i < r->nr_stacks; i++) {
		free(r->stacks[i].system);
		free(r->stacks[i].name);
		free(r->stacks[i].filter);
	}
	free(r->stacks);
}

/* Each stack line's depth, for the kind of stacks its event takes. */
void kms_recipe_stack_depths(const struct kms_recipe *r, struct kms_analysis *a)
{
	int i;

	for (i = 0; r && i < r->nr_stacks; i++)
		if (r->stacks[i].depth)
			kms_analysis_stack_depth(a, event_type(r->stacks[i].system, r->stacks[i].name),
						 r->stacks[i].depth);
}
