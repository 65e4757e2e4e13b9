// SPDX-License-Identifier: GPL-2.0
/*
 * The string table: every name a fact holds (comm, cache, call site, GFP
 * set, mapping, probe) is kept once and referred to by a small id.
 */
#include <stdlib.h>
#include <string.h>

#include "analyse/internal.h"

/* An empty table whose id 0 is "". */
int kms_strtab_init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	if (kms_hmap_init(&t->map, 8, 4))
		return -1;
	return kms_intern_str(t, "") < 0 ? -1 : 0;
}

/* Free the strings and the table's own memory. */
void kms_strtab_free(struct strtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->strs[i]);
	free(t->strs);
	kms_hmap_free(&t->map);
}

/* The id of s[0..len), added when new; -1 when out of memory. */
int64_t kms_intern(struct strtab *t, const char *s, size_t len)
{
	uint64_t h = kms_hash(s, len);
	uint32_t *id;
	int added;

	for (;; h++) {
		id = kms_hmap_get(&t->map, &h, &added);
		if (!id)
			return -1;
		if (!added) {
			if (!strncmp(t->strs[*id], s, len) && !t->strs[*id][len])
				return *id;
			continue;	/* hash collision: probe on */
		}
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 256;
			char **n = realloc(t->strs, cap * sizeof(*n));

			if (!n)
				return -1;
			t->strs = n;
			t->cap = cap;
		}
		t->strs[t->n] = strndup(s, len);
		if (!t->strs[t->n])
			return -1;
		*id = t->n++;
		return *id;
	}
}

/* The id of a NUL-terminated string. */
int64_t kms_intern_str(struct strtab *t, const char *s)
{
	return kms_intern(t, s, strlen(s));
}
