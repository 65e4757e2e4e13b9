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

struct kms_hmap {
	size_t		key_size, val_size, slot_size;
	size_t		val_off, used_off;	/* 8-byte aligned key, value, then the key's 32-bit hash (0: free) */
	size_t		cap, len;		/* cap is a power of two */
	unsigned char	*slots;
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
/* Iterate: pass *pos = 0 first; returns 0 at the end. */
int kms_hmap_next(const struct kms_hmap *m, size_t *pos, const void **key, void **val);

#endif
