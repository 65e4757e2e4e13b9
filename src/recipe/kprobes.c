// SPDX-License-Identifier: GPL-2.0
/*
 * The kprobe directive: a probe's name, symbol alternatives, role and
 * fetch arguments, and the {COND,...} prefixes that say on which machines
 * and kernels an argument applies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kms.h"
#include "recipe/internal.h"

/* Split "a|b|c" into the kprobe's symbol list; rejects empty alternatives. */
static int parse_symbols(struct parser *ps, struct kms_recipe_kprobe *kp, const char *list)
{
	const char *s = list, *bar;
	size_t len;
	char **v;

	for (;;) {
		bar = strchr(s, '|');
		len = bar ? (size_t)(bar - s) : strlen(s);
		if (!len)
			return recipe_err(ps, "kprobe %s: empty symbol in '%s'", kp->name, list);
		v = realloc(kp->symbols, (kp->nr_symbols + 1) * sizeof(char *));
		if (!v)
			return recipe_err(ps, "out of memory");
		kp->symbols = v;
		kp->symbols[kp->nr_symbols] = strndup(s, len);
		if (!kp->symbols[kp->nr_symbols++])
			return recipe_err(ps, "out of memory");
		if (!bar)
			return 0;
		s = bar + 1;
	}
}

static const char *const role_names[] = {
	[KMS_ROLE_NONE] = "count", [KMS_ROLE_PAGE_OWNER] = "page_owner",
	[KMS_ROLE_PAGE_ALLOC] = "page_alloc", [KMS_ROLE_KMALLOC] = "kmalloc",
	[KMS_ROLE_CACHE_ALLOC] = "cache_alloc", [KMS_ROLE_FAULT] = "fault",
};

const char *kms_probe_role_name(int role)
{
	return role >= 0 && role < (int)KMS_ARRAY_SIZE(role_names) ? role_names[role] : "?";
}

/* kprobe NAME SYMBOL[|SYMBOL...] [as ROLE] [ARG...] [optional] */
int recipe_parse_kprobe(struct parser *ps, char **pos)
{
	struct kms_recipe *r = ps->r;
	struct kms_recipe_kprobe *kp;
	char *name, *syms, *word, **v;
	int i;

	name = recipe_word(pos);
	if (!name)
		return recipe_err(ps, "kprobe: missing NAME and SYMBOL[|SYMBOL...]");
	if (!kms_is_ident(name, strlen(name)))
		return recipe_err(ps, "kprobe: bad name '%s' (letters, digits and '_' only)", name);
	for (i = 0; i < r->nr_kprobes; i++)
		if (!strcmp(r->kprobes[i].name, name))
			return recipe_err(ps, "duplicate kprobe '%s' (first at line %d)", name,
					  r->kprobes[i].line);
	syms = recipe_word(pos);
	if (!syms)
		return recipe_err(ps, "kprobe %s: missing symbol list (SYMBOL[|SYMBOL...])", name);
	kp = recipe_grow((void **)&r->kprobes, &r->nr_kprobes, sizeof(*kp));
	if (!kp)
		return recipe_err(ps, "out of memory");
	kp->line = ps->line;
	kp->name = strdup(name);
	if (!kp->name)
		return recipe_err(ps, "out of memory");
	if (parse_symbols(ps, kp, syms) < 0)
		return -1;
	while ((word = recipe_word(pos))) {
		const char *bare;

		if (!strcmp(word, "optional") && !**pos) {
			kp->optional = 1;
			break;
		}
		if (!strcmp(word, "as")) {
			word = recipe_word(pos);
			for (i = 0; word && i < (int)KMS_ARRAY_SIZE(role_names); i++)
				if (!strcmp(word, role_names[i]))
					break;
			if (!word || i == (int)KMS_ARRAY_SIZE(role_names))
				return recipe_err(ps, "kprobe %s: unknown role '%s' (count, page_owner, page_alloc, kmalloc, cache_alloc or fault)",
						  name, word ? word : "");
			kp->role = i;
			continue;
		}
		if (kms_kprobe_arg_applies(word, "x", 0, 0, &bare) < 0 || !strchr(bare, '='))
			return recipe_err(ps, "kprobe %s: bad argument '%s' (NAME=FETCH[:TYPE], optionally after {COND,...})",
					  name, word);
		v = realloc(kp->args, (kp->nr_args + 1) * sizeof(char *));
		if (!v)
			return recipe_err(ps, "out of memory");
		kp->args = v;
		kp->args[kp->nr_args] = strdup(word);
		if (!kp->args[kp->nr_args++])
			return recipe_err(ps, "out of memory");
	}
	return 0;
}

/* The kprobe names of a recipe, by index. */
const char **kms_recipe_probe_names(const struct kms_recipe *r)
{
	const char **names = calloc(r->nr_kprobes + 1, sizeof(*names));
	int i;

	if (!names) {
		kms_error(KMS_ERR_NOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < r->nr_kprobes; i++)
		names[i] = r->kprobes[i].name;
	return names;
}
