// SPDX-License-Identifier: GPL-2.0
/*
 * kmemscope list --events and --probes: the kmem, exceptions and sched
 * events this host's tracefs has, with their fields, and the probe points
 * of the shipped recipes that its symbols offer, with the alternative used.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tracefs.h>

#include "base/kms.h"
#include "cmd/cmd.h"
#include "cmd/listhost.h"
#include "recipe/recipe.h"
#include "tracefs/kprobe.h"

/* The fields of a format file, common_ ones left out, as "a b c". */
static void format_fields(const char *text, char *out, size_t len)
{
	const char *p = text;
	size_t n = 0;

	out[0] = '\0';
	while ((p = strstr(p, "field:"))) {
		const char *semi = strchr(p, ';'), *name;

		if (!semi)
			break;
		for (name = semi; name > p && name[-1] != ' ' && name[-1] != '*'; name--)
			;
		if (semi - name > 0 && strncmp(name, "common_", 7) && n < len) {
			const char *br = memchr(name, '[', semi - name);
			int l = (br ? br : semi) - name;

			n += snprintf(out + n, len - n, "%s%.*s", n ? " " : "", l, name);
		}
		p = semi;
	}
}

int list_events(void)
{
	static const char *const systems[] = { "kmem", "exceptions", "sched" };
	char *dir = tracefs_tracing_dir() ? strdup(tracefs_tracing_dir()) : NULL;
	size_t s;
	int found = 0;

	if (!dir)
		return cmd_error("no tracefs: mount it at /sys/kernel/tracing (as root)");
	printf("Events of this host (system:event  fields):\n");
	for (s = 0; s < KMS_ARRAY_SIZE(systems); s++) {
		struct dirent **ents;
		char path[4096];
		int i, n;

		snprintf(path, sizeof(path), "%s/events/%s", dir, systems[s]);
		n = scandir(path, &ents, NULL, alphasort);
		for (i = 0; i < n; i++) {
			char fpath[4400], fields[1024], *text;

			snprintf(fpath, sizeof(fpath), "%s/%s/format", path, ents[i]->d_name);
			text = ents[i]->d_name[0] != '.' ? kms_read_file(fpath, NULL) : NULL;
			if (text) {
				format_fields(text, fields, sizeof(fields));
				printf("  %s:%-28s %s\n", systems[s], ents[i]->d_name, fields);
				found++;
			}
			free(text);
			free(ents[i]);
		}
		if (n >= 0)
			free(ents);
	}
	free(dir);
	if (!found)
		return cmd_error("no kmem, exceptions or sched events readable in tracefs (run as root)");
	return KMS_EXIT_OK;
}

/* One recipe's probes: the symbol used, or none, and the alternatives. */
static void recipe_probes(const char *path, const char *name, const struct kms_symtab *syms,
			  int *seen)
{
	struct kms_recipe *r = kms_recipe_parse(path, NULL);
	int i, j;

	if (!r)
		return;
	for (i = 0; i < r->nr_kprobes; i++) {
		const struct kms_kprobe_def *kp = &r->kprobes[i];
		const char *sym = kms_kprobe_symbol(kp, syms);

		printf("  %-14s %-18s %-30s ", name, kp->name, sym ? sym : "(none on this kernel)");
		for (j = 0; j < kp->nr_symbols; j++)
			printf("%s%s", j ? "|" : "", kp->symbols[j]);
		printf("%s\n", kp->optional ? " (optional)" : "");
		(*seen)++;
	}
	kms_recipe_free(r);
}

int list_probes(void)
{
	struct kms_symtab *syms = kms_symtab_load();
	const char *const *dirs;
	char **names = NULL;
	int n = 0, seen = 0, i;

	if (!syms)
		return cmd_core_error();
	printf("Probe points of the recipes (recipe  probe  used  alternatives in order):\n");
	for (dirs = kms_recipe_dirs(); dirs && *dirs; dirs++) {
		struct dirent **ents;
		int k, m = scandir(*dirs, &ents, NULL, alphasort);

		for (k = 0; k < m; k++) {
			char *dot = strstr(ents[k]->d_name, ".recipe"), path[4096];

			if (dot && !dot[7]) {
				*dot = '\0';
				for (i = 0; i < n && strcmp(names[i], ents[k]->d_name); i++)
					;
				if (i == n) {
					char **tmp = realloc(names, (n + 1) * sizeof(*names));

					if (tmp) {
						names = tmp;
						names[n++] = strdup(ents[k]->d_name);
						snprintf(path, sizeof(path), "%s/%s.recipe", *dirs,
							 ents[k]->d_name);
						recipe_probes(path, ents[k]->d_name, syms, &seen);
					}
				}
			}
			free(ents[k]);
		}
		if (m >= 0)
			free(ents);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	kms_symtab_free(syms);
	if (!seen)
		printf("  (no recipe defines kprobes)\n");
	return KMS_EXIT_OK;
}
