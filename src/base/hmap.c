// SPDX-License-Identifier: GPL-2.0
/*
 * Open addressing with linear probing and backward-shift deletion.
 * Slots hold the key, the value and the key's hash (0: a free slot), each
 * aligned; the stored hash spares rehashing on growth and deletion, and
 * most key compares.
 */
#include <stdlib.h>
#include <string.h>

#include "base/hmap.h"

#define SLOT(m, i) ((m)->slots + (i) * (m)->slot_size)
#define HASH(m, s) (*(uint32_t *)((s) + (m)->used_off))

/* A 64-bit hash of n bytes, a word at a time, then a final mix. */
uint64_t kms_hash(const void *p, size_t n)
{
	return kms_hash_inline(p, n);
}

/* An empty map of fixed-size keys and values; -1 when out of memory. */
int kms_hmap_init(struct kms_hmap *m, size_t key_size, size_t val_size)
{
	uint64_t odd, inv;
	int i;

	m->key_size = key_size;
	m->val_size = val_size;
	m->val_off = (key_size + 7) & ~(size_t)7;
	m->used_off = (m->val_off + val_size + 3) & ~(size_t)3;
	m->slot_size = (m->used_off + 4 + 7) & ~(size_t)7;
	/* Newton's iteration: each step doubles the low bits of odd's inverse that are right */
	m->div_shift = __builtin_ctzll(m->slot_size);
	odd = m->slot_size >> m->div_shift;
	inv = odd;	/* right in 3 bits: odd * odd == 1 mod 8 */
	for (i = 0; i < 5; i++)
		inv *= 2 - odd * inv;
	m->div_inv = inv;
	m->cap = 64;
	m->len = 0;
	m->slots = calloc(m->cap, m->slot_size);
	m->last = NULL;
	return m->slots ? 0 : -1;
}

/* Free the slots; the map may be initialised again. */
void kms_hmap_free(struct kms_hmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->last = NULL;
	m->cap = m->len = 0;
}

/* The slot of key, or the free slot where it would go (linear probing). */
static size_t probe(const struct kms_hmap *m, const void *key, int *found)
{
	return kms_hmap_probe(m, key, m->key_size, kms_hmap_hash(key, m->key_size), found);
}

/* Re-insert every entry by its stored hash into cap slots (a larger power of two). */
static int resize(struct kms_hmap *m, size_t cap)
{
	struct kms_hmap n = *m;
	size_t i, j;

	n.cap = cap;
	n.slots = calloc(n.cap, n.slot_size);
	if (!n.slots)
		return -1;
	for (i = 0; i < m->cap; i++) {
		unsigned char *s = SLOT(m, i);
		uint32_t h = HASH(m, s);

		if (!h)
			continue;
		for (j = h & (n.cap - 1); HASH(&n, SLOT(&n, j)); j = (j + 1) & (n.cap - 1))
			;
		memcpy(SLOT(&n, j), s, m->slot_size);
	}
	free(m->slots);
	n.last = NULL;
	*m = n;
	return 0;
}

/* Double the slots. */
static int grow(struct kms_hmap *m)
{
	return resize(m, m->cap * 2);
}

int kms_hmap_reserve(struct kms_hmap *m, size_t n)
{
	size_t cap = m->cap;

	while (n * 2 > cap)
		cap *= 2;
	return cap == m->cap ? 0 : resize(m, cap);	/* at once, not a doubling at a time */
}

int kms_hmap_rekey(struct kms_hmap *m, int (*fn)(void *key, void *val, void *ctx),
		   void (*merge)(void *into, const void *from, void *ctx), void *ctx)
{
	struct kms_hmap n = *m;
	unsigned char *tmp = malloc(m->slot_size);
	size_t i;

	for (n.cap = 64; n.cap < m->len * 2; n.cap *= 2)
		;
	n.len = 0;
	n.last = NULL;
	n.slots = calloc(n.cap, n.slot_size);
	if (!tmp || !n.slots)
		goto nomem;
	for (i = 0; i < m->cap; i++) {
		unsigned char *s = SLOT(m, i), *v;
		int added;

		if (!HASH(m, s))
			continue;
		memcpy(tmp, s, m->slot_size);
		if (fn(tmp, tmp + m->val_off, ctx))
			continue;
		v = kms_hmap_get(&n, tmp, &added);	/* never grows: at most m->len entries */
		if (added)
			memcpy(v, tmp + m->val_off, m->val_size);
		else
			merge(v, tmp + m->val_off, ctx);
	}
	free(tmp);
	free(m->slots);
	*m = n;
	return 0;
nomem:
	free(tmp);
	free(n.slots);
	return -1;
}

/* The value of key, added zeroed when missing; NULL when out of memory. */
void *kms_hmap_get(struct kms_hmap *m, const void *key, int *added)
{
	uint32_t h = kms_hmap_hash(key, m->key_size);
	unsigned char *s;
	size_t i;
	int found;

	if ((m->len + 1) * 2 > m->cap && grow(m) < 0)	/* at most half full: short probes */
		return NULL;
	i = kms_hmap_probe(m, key, m->key_size, h, &found);
	s = SLOT(m, i);
	if (added)
		*added = !found;
	if (!found) {
		HASH(m, s) = h;
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

/* Copy a slot a word at a time (slot sizes are multiples of 8, and small: no call). */
static inline void copy_slot(const struct kms_hmap *m, unsigned char *to, const unsigned char *from)
{
	size_t k;
	uint64_t w;

	for (k = 0; k < m->slot_size; k += 8) {
		memcpy(&w, from + k, 8);
		memcpy(to + k, &w, 8);
	}
}

/* Remove the entry of slot i, shifting back the following ones of its cluster. */
static void del_slot(struct kms_hmap *m, size_t i)
{
	size_t j, k;

	HASH(m, SLOT(m, i)) = 0;
	m->len--;
	m->last = NULL;	/* entries move back */
	for (j = (i + 1) & (m->cap - 1); HASH(m, SLOT(m, j)); j = (j + 1) & (m->cap - 1)) {
		k = HASH(m, SLOT(m, j)) & (m->cap - 1);
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			copy_slot(m, SLOT(m, i), SLOT(m, j));
			HASH(m, SLOT(m, j)) = 0;
			i = j;
		}
	}
}

/* Remove key; 0 when it was there, -1 when not. */
int kms_hmap_del(struct kms_hmap *m, const void *key)
{
	size_t i;
	int found;

	i = probe(m, key, &found);
	if (!found)
		return -1;
	del_slot(m, i);
	return 0;
}

/* Remove the entry of a value found in the map (no slot has moved since). */
void kms_hmap_del_val(struct kms_hmap *m, void *val)
{
	/* the slot's offset is a multiple of slot_size: exact division by the inverse */
	uint64_t off = (unsigned char *)val - m->val_off - m->slots;

	del_slot(m, (size_t)((off >> m->div_shift) * m->div_inv));
}

/* The next entry from *pos on; 0 at the end. */
int kms_hmap_next(const struct kms_hmap *m, size_t *pos, const void **key, void **val)
{
	while (*pos < m->cap) {
		unsigned char *s = SLOT(m, *pos);

		(*pos)++;
		if (HASH(m, s)) {
			*key = s;
			*val = s + m->val_off;
			return 1;
		}
	}
	return 0;
}
