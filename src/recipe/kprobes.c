// SPDX-License-Identifier: GPL-2.0
/*
 * The kprobe directive: a probe's name, symbol alternatives, role and
 * fetch arguments, and the {COND,...} prefixes that say on which machines
 * and kernels an argument applies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/analyse.h"
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

/* Does one condition hold: an architecture, or >=X.Y / <X.Y? */
static int cond_holds(const char *c, size_t len, const char *machine, int kver, int btf)
{
	unsigned int maj, min = 0;
	char buf[32];
	int n = 0;

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, c, len);
	buf[len] = '\0';
	if (buf[0] == '>' || buf[0] == '<') {
		int ge = buf[0] == '>';
		const char *v = buf + (ge ? (buf[1] == '=' ? 2 : -1) : 1);

		if (!ge && buf[1] == '=')
			return -1;
		if (v < buf || sscanf(v, "%u.%u%n", &maj, &min, &n) != 2 || v[n])
			return -1;
		return ge ? kver >= (int)(maj * 1000 + min) : kver < (int)(maj * 1000 + min);
	}
	if (!recipe_is_ident(buf, len))
		return -1;
	if (!strcmp(buf, "btf") || !strcmp(buf, "nobtf"))
		return !strcmp(buf, "btf") == !!btf;
	return !strcmp(buf, machine);
}

int kms_kprobe_arg_applies(const char *arg, const char *machine, int kver, int btf,
			   const char **bare)
{
	const char *end, *c, *comma;
	int ok = 1, r;

	*bare = arg;
	if (arg[0] != '{')
		return 1;
	end = strchr(arg, '}');
	if (!end || end == arg + 1 || !end[1])
		return -1;
	for (c = arg + 1; c < end; c = comma + 1) {
		comma = memchr(c, ',', end - c);
		if (!comma)
			comma = end;
		r = cond_holds(c, comma - c, machine, kver, btf);
		if (r < 0)
			return -1;
		ok &= r;
	}
	*bare = end + 1;
	return ok;
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
	if (!recipe_is_ident(name, strlen(name)))
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

/* Transitional: kms_analysis_set_probes() for callers that pass the recipe. */
int kms_recipe_set_probes(struct kms_analysis *a, const struct kms_recipe *r)
{
	const char **names = kms_recipe_probe_names(r);
	int ret;

	if (!names)
		return -1;
	ret = kms_analysis_set_probes(a, names, r->nr_kprobes);
	free(names);
	return ret;
}
