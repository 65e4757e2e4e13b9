// SPDX-License-Identifier: GPL-2.0
/*
 * Open addressing with linear probing and backward-shift deletion.
 * Slots hold the key, the value and a used byte, each aligned.
 */
#include <stdlib.h>
#include <string.h>

#include "base/hmap.h"

#define SLOT(m, i) ((m)->slots + (i) * (m)->slot_size)

/* A 64-bit hash of n bytes, a word at a time, then a final mix. */
uint64_t kms_hash(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
	uint32_t x;

	for (; n >= 8; b += 8, n -= 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (n >= 4) {
		memcpy(&x, b, 4);
		h = (h ^ x) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		b += 4;
		n -= 4;
	}
	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* Whether two keys of n bytes are equal; 4 and 8 bytes without a call. */
static inline int key_eq(const void *a, const void *b, size_t n)
{
	uint64_t x, y;
	uint32_t u, v;

	if (n == 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		return x == y;
	}
	if (n == 4) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		return u == v;
	}
	return !memcmp(a, b, n);
}

/* An empty map of fixed-size keys and values; -1 when out of memory. */
int kms_hmap_init(struct kms_hmap *m, size_t key_size, size_t val_size)
{
	m->key_size = key_size;
	m->val_size = val_size;
	m->val_off = (key_size + 7) & ~(size_t)7;
	m->used_off = m->val_off + val_size;
	m->slot_size = (m->used_off + 1 + 7) & ~(size_t)7;
	m->cap = 64;
	m->len = 0;
	m->slots = calloc(m->cap, m->slot_size);
	return m->slots ? 0 : -1;
}

/* Free the slots; the map may be initialised again. */
void kms_hmap_free(struct kms_hmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->len = 0;
}

/* The slot of key, or the free slot where it would go (linear probing). */
static size_t probe(const struct kms_hmap *m, const void *key, int *found)
{
	size_t i = kms_hash(key, m->key_size) & (m->cap - 1);

	for (;;) {
		unsigned char *s = SLOT(m, i);

		if (!s[m->used_off]) {
			*found = 0;
			return i;
		}
		if (key_eq(s, key, m->key_size)) {
			*found = 1;
			return i;
		}
		i = (i + 1) & (m->cap - 1);
	}
}

/* Double the slots and re-insert every entry. */
static int grow(struct kms_hmap *m)
{
	struct kms_hmap n = *m;
	size_t i;
	int found;

	n.cap = m->cap * 2;
	n.slots = calloc(n.cap, n.slot_size);
	if (!n.slots)
		return -1;
	for (i = 0; i < m->cap; i++) {
		unsigned char *s = SLOT(m, i);

		if (s[m->used_off])
			memcpy(SLOT(&n, probe(&n, s, &found)), s, m->slot_size);
	}
	free(m->slots);
	*m = n;
	return 0;
}

/* The value of key, added zeroed when missing; NULL when out of memory. */
void *kms_hmap_get(struct kms_hmap *m, const void *key, int *added)
{
	unsigned char *s;
	size_t i;
	int found;

	if ((m->len + 1) * 4 > m->cap * 3 && grow(m) < 0)
		return NULL;
	i = probe(m, key, &found);
	s = SLOT(m, i);
	if (added)
		*added = !found;
	if (!found) {
		s[m->used_off] = 1;
		memcpy(s, key, m->key_size);
		memset(s + m->val_off, 0, m->val_size);
		m->len++;
	}
	return s + m->val_off;
}

/* The value of key, or NULL. */
void *kms_hmap_find(const struct kms_hmap *m, const void *key)
{
	size_t i;
	int found;

	if (!m->slots)
		return NULL;
	i = probe(m, key, &found);
	return found ? SLOT(m, i) + m->val_off : NULL;
}

/* Remove key; 0 when it was there, -1 when not. */
int kms_hmap_del(struct kms_hmap *m, const void *key)
{
	size_t i, j, k;
	int found;

	i = probe(m, key, &found);
	if (!found)
		return -1;
	SLOT(m, i)[m->used_off] = 0;
	m->len--;
	/* Shift back the following entries of the cluster. */
	for (j = (i + 1) & (m->cap - 1); SLOT(m, j)[m->used_off]; j = (j + 1) & (m->cap - 1)) {
		k = kms_hash(SLOT(m, j), m->key_size) & (m->cap - 1);
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			memcpy(SLOT(m, i), SLOT(m, j), m->slot_size);
			SLOT(m, j)[m->used_off] = 0;
			i = j;
		}
	}
	return 0;
}

/* The next entry from *pos on; 0 at the end. */
int kms_hmap_next(const struct kms_hmap *m, size_t *pos, const void **key, void **val)
{
	while (*pos < m->cap) {
		unsigned char *s = SLOT(m, *pos);

		(*pos)++;
		if (s[m->used_off]) {
			*key = s;
			*val = s + m->val_off;
			return 1;
		}
	}
	return 0;
}
