// SPDX-License-Identifier: GPL-2.0
/*
 * The table directive: a table of the catalogue, the keys it is grouped
 * by, its sort column and row limit, checked against the catalogue.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "analyse/table.h"
#include "base/kms.h"
#include "recipe/internal.h"

/* Append "a, b, c" from a NULL-terminated list to buf. */
static void join_names(char *buf, size_t size, const char *const *names)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; names[i] && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", i ? ", " : "", names[i]);
}

/* "unknown table" with the catalogue's names. */
static int unknown_table(struct parser *ps, const char *name)
{
	const struct kms_table_def *t;
	const char *names[32];
	char list[512];
	size_t n, nr;

	t = kms_tables(&nr);
	for (n = 0; n < nr && n < KMS_ARRAY_SIZE(names) - 1; n++)
		names[n] = t[n].name;
	names[n] = NULL;
	join_names(list, sizeof(list), names);
	return recipe_err(ps, "unknown table '%s' (tables: %s)", name, list);
}

/* The "by KEY[,KEY]..." clause of a table. */
static int parse_keys(struct parser *ps, struct kms_table_req *t, char *list)
{
	const struct kms_table_def *def = t->def;
	char *key, *comma, keys[256];
	int k, i;

	t->nr_keys = 0;
	for (key = list; ; key = comma + 1) {
		comma = strchr(key, ',');
		if (comma)
			*comma = '\0';
		if (!*key)
			return recipe_err(ps, "table %s: empty key in 'by' list", def->name);
		k = kms_table_key(def, key);
		if (k < 0) {
			join_names(keys, sizeof(keys), def->keys);
			return recipe_err(ps, "table %s: unknown key '%s' (keys: %s)", def->name,
					  key, keys);
		}
		for (i = 0; i < t->nr_keys; i++)
			if (t->keys[i] == k)
				return recipe_err(ps, "table %s: duplicate key '%s'", def->name, key);
		if (t->nr_keys == KMS_MAX_KEYS)
			return recipe_err(ps, "table %s: more than %d keys", def->name, KMS_MAX_KEYS);
		t->keys[t->nr_keys++] = k;
		if (!comma)
			break;
	}
	return 0;
}

/* The "sort COLUMN" clause of a table. */
static int parse_sort(struct parser *ps, struct kms_table_req *t, const char *col)
{
	const struct kms_table_def *def = t->def;
	char cols[512];
	size_t len = 0;
	int i;

	t->sort = kms_table_col(def, col);
	if (t->sort >= 0)
		return 0;
	cols[0] = '\0';
	for (i = 0; i < def->nr_cols && len < sizeof(cols); i++)
		len += snprintf(cols + len, sizeof(cols) - len, "%s%s", i ? ", " : "",
				def->cols[i].name);
	return recipe_err(ps, "table %s: unknown sort column '%s' (columns: %s)", def->name, col, cols);
}

/* table NAME [by KEY[,KEY]...] [sort COLUMN] [limit N] */
int recipe_parse_table(struct parser *ps, char **pos)
{
	struct kms_recipe *r = ps->r;
	const struct kms_table_def *def;
	struct kms_table_req *t;
	char *name, *word, *arg;
	int have_by = 0, have_sort = 0, have_limit = 0;
	unsigned long limit;
	int i, k;

	name = recipe_word(pos);
	if (!name)
		return recipe_err(ps, "table: missing table name");
	def = kms_table_find(name);
	if (!def)
		return unknown_table(ps, name);
	for (i = 0; i < r->nr_tables; i++)
		if (r->tables[i].def == def)
			return recipe_err(ps, "duplicate table '%s' (first at line %d)", name,
					  r->tables[i].line);
	t = recipe_grow((void **)&r->tables, &r->nr_tables, sizeof(*t));
	if (!t)
		return recipe_err(ps, "out of memory");
	kms_table_req_init(t, def);
	t->line = ps->line;
	while ((word = recipe_word(pos))) {
		int *seen;

		if (!strcmp(word, "by"))
			seen = &have_by;
		else if (!strcmp(word, "sort"))
			seen = &have_sort;
		else if (!strcmp(word, "limit"))
			seen = &have_limit;
		else
			return recipe_err(ps, "table %s: unexpected '%s' (expected by, sort or limit)",
					  name, word);
		if (*seen)
			return recipe_err(ps, "table %s: '%s' given twice", name, word);
		*seen = 1;
		arg = recipe_word(pos);
		if (!arg)
			return recipe_err(ps, "table %s: '%s' needs a value", name, word);
		if (seen == &have_by) {
			if (parse_keys(ps, t, arg) < 0)
				return -1;
		} else if (seen == &have_sort) {
			if (parse_sort(ps, t, arg) < 0)
				return -1;
		} else {
			if (kms_parse_uint(arg, INT_MAX, &limit) < 0)
				return recipe_err(ps, "table %s: bad limit '%s' (expected a number, 0 for all rows)",
						  name, arg);
			t->limit = limit;
		}
	}
	/* A key column is shown only when grouped by, so only then can it sort. */
	k = kms_table_key(def, def->cols[t->sort].name);
	if (have_sort && k >= 0) {
		for (i = 0; i < t->nr_keys; i++)
			if (t->keys[i] == k)
				break;
		if (i == t->nr_keys)
			return recipe_err(ps, "table %s: cannot sort by key '%s' without grouping by it",
					  name, def->keys[k]);
	}
	return 0;
}
