/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small open-addressing hash map from fixed-size keys to fixed-size
 * values, both stored inline. Used for every aggregation: its size grows
 * with the number of distinct keys, never with the number of events.
 */
#ifndef KMS_HMAP_H
#define KMS_HMAP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct kms_hmap {
	size_t		key_size, val_size, slot_size;
	size_t		val_off, used_off;	/* 8-byte aligned key, value, then the key's 32-bit hash (0: free) */
	size_t		cap, len;		/* cap is a power of two */
	unsigned int	div_shift;		/* slot_size = odd << div_shift */
	uint64_t	div_inv;		/* odd's inverse mod 2^64: a slot's index without a divide */
	unsigned char	*slots;
	unsigned char	*last;			/* the slot last found or added by the inlined calls; NULL after a move */
};

/* The hash the maps use (FNV-1a, mixed); also for string interning. */
uint64_t kms_hash(const void *p, size_t n);

int kms_hmap_init(struct kms_hmap *m, size_t key_size, size_t val_size);
void kms_hmap_free(struct kms_hmap *m);
/* Value for key, inserted zeroed when absent (*added set); NULL on ENOMEM. */
void *kms_hmap_get(struct kms_hmap *m, const void *key, int *added);
/* Value for key, or NULL. */
void *kms_hmap_find(const struct kms_hmap *m, const void *key);
/* Remove key; returns 0 if it was present. */
int kms_hmap_del(struct kms_hmap *m, const void *key);
/* Remove the entry whose value val is (from a get or find, no insertion since). */
void kms_hmap_del_val(struct kms_hmap *m, void *val);
/* Iterate: pass *pos = 0 first; returns 0 at the end. */
int kms_hmap_next(const struct kms_hmap *m, size_t *pos, const void **key, void **val);
/* Make room for n entries in all, so that the next gets do not fail; -1 on ENOMEM. */
int kms_hmap_reserve(struct kms_hmap *m, size_t n);
/*
 * Rebuild the map, sized for what it keeps: fn sees a copy of each entry's
 * key and value, may change both, and returns 0 to keep the entry, 1 to
 * drop it; entries whose keys become equal are combined by
 * merge(into, from, ctx). On ENOMEM (-1) the map is as it was.
 */
int kms_hmap_rekey(struct kms_hmap *m, int (*fn)(void *key, void *val, void *ctx),
		   void (*merge)(void *into, const void *from, void *ctx), void *ctx);

/*
 * The same operations inlined for the hot path, for keys of a size the
 * compiler knows: KMS_HMAP_GET(m, &key, &added), KMS_HMAP_FIND(m, &key)
 * take the key's size from its type (which must be the map's key size; a
 * map of another size takes the calls above). The hash, and so the order
 * of the slots, is the same.
 */
#define KMS_HMAP_INLINE	static inline __attribute__((always_inline))

/* The final mix of a 64-bit value (MurmurHash3's fmix64). */
KMS_HMAP_INLINE uint64_t kms_fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* kms_hash() of n bytes, unrolled where n is a constant. */
KMS_HMAP_INLINE uint64_t kms_hash_inline(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
	uint32_t x;

#pragma GCC unroll 8
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
	return kms_fmix64(h);
}

/* The stored form of a key's hash: never 0, which marks a free slot. */
KMS_HMAP_INLINE uint32_t kms_hmap_hash(const void *key, size_t n)
{
	uint64_t w;
	uint32_t x;

	/*
	 * The common pid and pointer keys: one multiply, its high half folded
	 * into the low (a slot is the hash's low bits; pointers' low bits are
	 * zeros, which the high half of the product mixes with all the rest).
	 */
	if (n == 8 || n == 4) {
		uint64_t p;

		if (n == 8) {
			memcpy(&w, key, 8);
		} else {
			memcpy(&x, key, 4);
			w = x;
		}
		p = (w ^ 0x9e3779b97f4a7c15ULL) * 0xff51afd7ed558ccdULL;
		return (uint32_t)(p ^ p >> 32) | 1;
	}
	return (uint32_t)kms_hash_inline(key, n) | 1;
}

/* Whether two keys of n bytes are equal; word compares where n is a constant. */
KMS_HMAP_INLINE int kms_hmap_key_eq(const void *a, const void *b, size_t n)
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

/* The slot index of key (hash h), or of the free slot where it would go. */
KMS_HMAP_INLINE size_t kms_hmap_probe(const struct kms_hmap *m, const void *key, size_t n,
				      uint32_t h, int *found)
{
	size_t mask = m->cap - 1, i = h & mask;

	for (;;) {
		const unsigned char *s = m->slots + i * m->slot_size;
		uint32_t sh;

		memcpy(&sh, s + m->used_off, 4);
		if (!sh) {
			*found = 0;
			return i;
		}
		if (sh == h && kms_hmap_key_eq(s, key, n)) {
			*found = 1;
			return i;
		}
		i = (i + 1) & mask;
	}
}

/* kms_hmap_find() for a key of n bytes whose hash is h (kms_hmap_hash()), with no look at the last slot. */
KMS_HMAP_INLINE void *kms_hmap_find_nh(struct kms_hmap *m, const void *key, size_t n, uint32_t h)
{
	size_t i;
	int found;

	if (n != m->key_size)
		return kms_hmap_find(m, key);
	if (!m->slots)
		return NULL;
	i = kms_hmap_probe(m, key, n, h, &found);
	if (!found)
		return NULL;
	m->last = m->slots + i * m->slot_size;
	return m->last + m->val_off;
}

/* kms_hmap_find() for a key of n bytes. */
KMS_HMAP_INLINE void *kms_hmap_find_n(struct kms_hmap *m, const void *key, size_t n)
{
	if (n <= 24 && n == m->key_size && m->last && kms_hmap_key_eq(m->last, key, n))
		return m->last + m->val_off;	/* runs of one key: no hash, no probe */
	return kms_hmap_find_nh(m, key, n, kms_hmap_hash(key, n));
}

/*
 * kms_hmap_get() for a key of n bytes whose hash is h (kms_hmap_hash()),
 * with no look at the last slot (for keys that seldom repeat, such as
 * pointers and pfns); growing takes the call.
 */
KMS_HMAP_INLINE void *kms_hmap_get_nh(struct kms_hmap *m, const void *key, int *added, size_t n,
				      uint32_t h)
{
	unsigned char *s;
	size_t i;
	int found;

	if (n != m->key_size)
		return kms_hmap_get(m, key, added);
	if ((m->len + 1) * 2 > m->cap)
		return kms_hmap_get(m, key, added);
	i = kms_hmap_probe(m, key, n, h, &found);
	s = m->slots + i * m->slot_size;
	m->last = s;
	if (added)
		*added = !found;
	if (!found) {
		memcpy(s + m->used_off, &h, 4);
		memcpy(s, key, n);
		memset(s + m->val_off, 0, m->val_size);
		m->len++;
	}
	return s + m->val_off;
}

/* Start loading the slot of hash h (KMS_HMAP_HASH()), for a get or find soon after. */
KMS_HMAP_INLINE void kms_hmap_prefetch(const struct kms_hmap *m, uint32_t h)
{
	__builtin_prefetch(m->slots + (h & (m->cap - 1)) * m->slot_size);
}

/* kms_hmap_get() for a key of n bytes; growing takes the call. */
KMS_HMAP_INLINE void *kms_hmap_get_n(struct kms_hmap *m, const void *key, int *added, size_t n)
{
	if (n <= 24 && n == m->key_size && m->last && kms_hmap_key_eq(m->last, key, n)) {
		if (added)
			*added = 0;
		return m->last + m->val_off;	/* (before the hash is computed) */
	}
	return kms_hmap_get_nh(m, key, added, n, kms_hmap_hash(key, n));
}

#define KMS_HMAP_GET(m, key, added)	kms_hmap_get_n((m), (key), (added), sizeof(*(key)))
/* KMS_HMAP_GET() and KMS_HMAP_FIND() with the key's hash known (h from KMS_HMAP_HASH()), no last slot. */
#define KMS_HMAP_GET_H(m, key, added, h) kms_hmap_get_nh((m), (key), (added), sizeof(*(key)), (h))
#define KMS_HMAP_FIND_H(m, key, h)	kms_hmap_find_nh((m), (key), sizeof(*(key)), (h))
#define KMS_HMAP_HASH(key)		kms_hmap_hash((key), sizeof(*(key)))
#define KMS_HMAP_FIND(m, key)		kms_hmap_find_n((m), (key), sizeof(*(key)))

#endif
