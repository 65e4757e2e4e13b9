// SPDX-License-Identifier: GPL-2.0
/*
 * Finding a recipe by name: in $KMEMSCOPE_RECIPES, the build and source
 * trees (when running uninstalled) and the installed data directory.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/kms.h"
#include "recipe/recipe.h"

#define MAX_DIRS	4

/* True if path is an existing directory. */
static int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* True if path exists (file or directory). */
static int exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

/*
 * The candidate directories in search order: $KMEMSCOPE_RECIPES, then, when
 * the running binary sits in a build tree (its directory holds a Makefile or
 * a recipes/ directory), that recipes/ and the source tree's, then the
 * installed one. With only_existing, directories that do not exist (or
 * repeat an earlier one) are left out. Fills out[] and returns the count.
 */
static int candidate_dirs(char bufs[][PATH_MAX], const char **out, int only_existing)
{
	char exe[PATH_MAX - 16], cand[MAX_DIRS][PATH_MAX], real[PATH_MAX], *slash;
	const char *env = getenv("KMEMSCOPE_RECIPES");
	int nr_cand = 0, n = 0, in_tree, i, j;
	ssize_t len;

	if (env && *env && strlen(env) < PATH_MAX)
		strcpy(cand[nr_cand++], env);
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(real, sizeof(real), "%s/Makefile", exe);
			in_tree = exists(real);
			snprintf(real, sizeof(real), "%s/recipes", exe);
			if (is_dir(real)) {
				snprintf(cand[nr_cand++], PATH_MAX, "%s", real);
				in_tree = 1;
			}
			if (in_tree)
				snprintf(cand[nr_cand++], PATH_MAX, "%s", KMS_SRCDIR "/recipes");
		}
	}
	snprintf(cand[nr_cand++], PATH_MAX, "%s", KMS_DATADIR "/recipes");

	for (i = 0; i < nr_cand; i++) {
		const char *dir = cand[i];

		if (only_existing) {
			if (!is_dir(dir) || !realpath(dir, real))
				continue;
			dir = real;
		}
		for (j = 0; j < n; j++)
			if (!strcmp(bufs[j], dir))
				break;
		if (j < n)
			continue;
		strcpy(bufs[n], dir);
		out[n] = bufs[n];
		n++;
	}
	out[n] = NULL;
	return n;
}

/* The existing recipe directories, in search order, NULL-terminated. */
const char *const *kms_recipe_dirs(void)
{
	static char bufs[MAX_DIRS][PATH_MAX];
	static const char *dirs[MAX_DIRS + 1];

	candidate_dirs(bufs, dirs, 1);
	return dirs;
}

/* Resolve a recipe name or path to a malloc'd path of an existing file. */
char *kms_recipe_locate(const char *name_or_path)
{
	const char *const *dirs;
	const char *all[MAX_DIRS + 1];
	char bufs[MAX_DIRS][PATH_MAX], path[PATH_MAX], list[1024];
	size_t len = strlen(name_or_path), off = 0;
	struct stat st;
	char *ret;
	int i, n;

	if (strchr(name_or_path, '/') || (len >= 7 && !strcmp(name_or_path + len - 7, ".recipe"))) {
		if (stat(name_or_path, &st) < 0) {
			kms_error(KMS_ERR_RECIPE, "recipe %s: %s", name_or_path, strerror(errno));
			return NULL;
		}
		if (S_ISDIR(st.st_mode)) {
			kms_error(KMS_ERR_RECIPE, "recipe %s: %s", name_or_path, strerror(EISDIR));
			return NULL;
		}
		ret = strdup(name_or_path);
		if (!ret)
			kms_error(KMS_ERR_NOMEM, "out of memory");
		return ret;
	}
	if (!len) {
		kms_error(KMS_ERR_RECIPE, "empty recipe name");
		return NULL;
	}
	for (dirs = kms_recipe_dirs(); *dirs; dirs++) {
		snprintf(path, sizeof(path), "%s/%s.recipe", *dirs, name_or_path);
		if (!stat(path, &st) && !S_ISDIR(st.st_mode)) {
			ret = strdup(path);
			if (!ret)
				kms_error(KMS_ERR_NOMEM, "out of memory");
			return ret;
		}
	}
	n = candidate_dirs(bufs, all, 0);
	list[0] = '\0';
	for (i = 0; i < n && off < sizeof(list); i++)
		off += snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "", all[i]);
	kms_error(KMS_ERR_RECIPE, "no recipe named '%s' (looked in %s)", name_or_path, list);
	return NULL;
}
