// SPDX-License-Identifier: GPL-2.0
/*
 * kmemscope list: the recipes that can be used with -r, and the tables.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/listhost.h"
#include "base/kms.h"
#include "recipe/recipe.h"
#include "analyse/table.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line per recipe of a directory, skipping names already shown. */
static void list_dir(const char *dir, char ***seen, int *nseen)
{
	struct dirent **ents;
	int i, j, n;

	n = scandir(dir, &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		char *dot = strstr(ents[i]->d_name, ".recipe"), path[4096];
		struct kms_recipe *r;

		if (!dot || dot[7]) {
			free(ents[i]);
			continue;
		}
		*dot = '\0';
		for (j = 0; j < *nseen; j++)
			if (!strcmp((*seen)[j], ents[i]->d_name))
				break;
		if (j == *nseen) {
			*seen = realloc(*seen, (*nseen + 1) * sizeof(char *));
			(*seen)[(*nseen)++] = strdup(ents[i]->d_name);
			snprintf(path, sizeof(path), "%s/%s.recipe", dir, ents[i]->d_name);
			r = kms_recipe_parse(path, NULL);
			if (r)
				printf("  %-16s %s\n", ents[i]->d_name,
				       r->description ? r->description : "");
			else
				printf("  %-16s (does not parse: %s)\n", ents[i]->d_name,
				       kms_strerror());
			kms_recipe_free(r);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static int cmd_list(int argc, char **argv)
{
	const struct kms_table_def *t;
	const char *const *dirs;
	char **seen = NULL;
	int opt, i, nseen = 0;
	size_t nr, j;

	static const struct option longopts[] = {
		{ "events", no_argument, NULL, 'E' },
		{ "probes", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int what = 0;

	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (opt == 'h')
			return cmd_help(&cmd_list_entry);
		if (opt != 'E' && opt != 'P')
			return cmd_option_error(&cmd_list_entry, opt, argv);
		if (what && what != opt)
			return cmd_usage_error(&cmd_list_entry, "choose one of --events and --probes");
		what = opt;
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_list_entry, "unexpected argument '%s'", argv[optind]);
	if (what)
		return what == 'E' ? list_events() : list_probes();
	printf("Recipes (use with -r NAME):\n");
	for (dirs = kms_recipe_dirs(); dirs && *dirs; dirs++)
		list_dir(*dirs, &seen, &nseen);
	if (nseen)
		qsort(seen, nseen, sizeof(char *), by_name);
	for (i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	printf("\nTables (recipe directive: table NAME [by KEYS] [sort COLUMN] [limit N]):\n");
	t = kms_tables(&nr);
	for (j = 0; j < nr; j++)
		printf("  %-18s %s\n", t[j].name, t[j].title);
	return KMS_EXIT_OK;
}

const struct cmd_entry cmd_list_entry = {
	.name = "list",
	.summary = "list the shipped recipes and the tables they can print",
	.usage =
	"usage: kmemscope list [-h] [--events | --probes]\n"
	"\n"
	"Lists the recipes found in the recipe directories, each with its\n"
	"one-line description, and the tables a recipe can ask for.\n"
	"\n"
	"  --events    the kmem, exceptions and sched events of this host, with\n"
	"              their fields (reads tracefs)\n"
	"  --probes    the recipes' kprobe points: the symbol this kernel offers\n"
	"              (the first alternative it has) and the alternatives\n"
	"  -h, --help  show this help\n",
	.exec = cmd_list,
};
