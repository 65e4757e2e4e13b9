// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the hash map every aggregation uses (base/hmap.c, and the
 * inlined calls of base/hmap.h): random gets, finds and deletions (by key
 * and by value, whose slot index is found by exact division with an
 * inverse) checked against a plain array of the same entries, for key
 * and value sizes whose slots are 16 to 88 bytes (odd multiples of 8 and
 * powers of two), through growth, reservation and rekeying.
 */
#include <stdint.h>
#include <stdlib.h>

#include "base/hmap.h"
#include "unit.h"

#define KEYS	3000

struct ref { uint64_t key; uint64_t val; int present; };

/* A key of size bytes from n (the rest of the bytes fixed), and its value's first word. */
static void make_key(unsigned char *k, size_t size, uint64_t n)
{
	size_t i;

	for (i = 0; i < size; i++)
		k[i] = (unsigned char)(0x5a ^ i);
	memcpy(k, &n, size < 8 ? size : 8);
}

static void run(size_t key_size, size_t val_size, unsigned int seed)
{
	static struct ref ref[KEYS];
	unsigned char key[64], *v;
	struct kms_hmap m;
	size_t i, n = 0, pos;
	const void *kp;
	void *vp;
	int added, round;
	uint64_t kmax = key_size >= 8 ? KEYS : key_size == 4 ? KEYS : 200;

	srand(seed);
	memset(ref, 0, sizeof(ref));
	CHECK(kms_hmap_init(&m, key_size, val_size) == 0, "init %zu/%zu", key_size, val_size);
	for (round = 0; round < 40000; round++) {
		uint64_t k = (uint64_t)rand() % kmax;
		int op = rand() % 4;

		make_key(key, key_size, k);
		if (op == 0 || op == 1) {	/* get: inserted zeroed, or found with its value */
			v = kms_hmap_get(&m, key, &added);
			CHECK(v, "get failed");
			if (!v)
				break;
			CHECK(added == !ref[k].present, "size %zu/%zu key %llu: added %d, present %d",
			      key_size, val_size, (unsigned long long)k, added, ref[k].present);
			if (added) {
				uint64_t z = 0;

				memcpy(&z, v, 8 < val_size ? 8 : val_size);
				CHECK(z == 0, "a new value is not zeroed");
				ref[k].present = 1;
				n++;
			} else if (val_size >= 8) {
				uint64_t have;

				memcpy(&have, v, 8);
				CHECK(have == ref[k].val, "key %llu: value %llu, want %llu",
				      (unsigned long long)k, (unsigned long long)have,
				      (unsigned long long)ref[k].val);
			}
			if (val_size >= 8) {
				ref[k].val = (uint64_t)rand() << 16 | k;
				memcpy(v, &ref[k].val, 8);
			}
		} else if (op == 2) {	/* delete through the value found */
			v = kms_hmap_find(&m, key);
			CHECK(!v == !ref[k].present, "key %llu: found %d, present %d",
			      (unsigned long long)k, !!v, ref[k].present);
			if (v) {
				kms_hmap_del_val(&m, v);
				ref[k].present = 0;
				n--;
			}
		} else {	/* delete by key */
			CHECK((kms_hmap_del(&m, key) == 0) == ref[k].present, "del of key %llu",
			      (unsigned long long)k);
			if (ref[k].present)
				n--;
			ref[k].present = 0;
		}
		CHECK(m.len == n, "len %zu, want %zu", m.len, n);
		if (round == 20000)
			CHECK(kms_hmap_reserve(&m, 4 * KEYS) == 0, "reserve");
	}
	/* every entry the reference holds, and no other */
	for (i = 0; i < kmax; i++) {
		make_key(key, key_size, i);
		v = kms_hmap_find(&m, key);
		CHECK(!v == !ref[i].present, "size %zu/%zu: key %zu found %d, present %d", key_size,
		      val_size, i, !!v, ref[i].present);
		if (v && val_size >= 8) {
			uint64_t have;

			memcpy(&have, v, 8);
			CHECK(have == ref[i].val, "key %zu: value differs at the end", i);
		}
	}
	for (pos = 0, i = 0; kms_hmap_next(&m, &pos, &kp, &vp); i++)
		;
	CHECK(i == n, "walk saw %zu entries, want %zu", i, n);
	kms_hmap_free(&m);
}

/* The inlined get and find on a map of 8-byte keys (with and without the hash given). */
static void run_inline(void)
{
	struct kms_hmap m;
	uint64_t k, *v;
	int added, i;

	CHECK(kms_hmap_init(&m, 8, 8) == 0, "init");
	for (i = 0; i < 20000; i++) {
		k = (uint64_t)(rand() % 1500) << 12;
		if (i % 3) {
			/* half the gets and finds with the hash given (no look at the last slot) */
			v = i & 4 ? KMS_HMAP_GET_H(&m, &k, &added, KMS_HMAP_HASH(&k)) :
				    KMS_HMAP_GET(&m, &k, &added);
			CHECK(v && (added ? *v == 0 : *v == k + 1), "inline get of %llx",
			      (unsigned long long)k);
			if (v)
				*v = k + 1;
		} else if ((v = i & 8 ? KMS_HMAP_FIND_H(&m, &k, KMS_HMAP_HASH(&k)) : KMS_HMAP_FIND(&m, &k))) {
			CHECK(*v == k + 1, "inline find of %llx", (unsigned long long)k);
			kms_hmap_del_val(&m, v);
			CHECK(!KMS_HMAP_FIND(&m, &k), "%llx found after its deletion",
			      (unsigned long long)k);
		}
	}
	kms_hmap_free(&m);
}

int main(void)
{
	static const size_t sizes[][2] = {
		{ 8, 4 }, { 4, 4 }, { 8, 8 }, { 8, 32 }, { 24, 4 }, { 32, 4 }, { 24, 56 },
		{ 2, 2 }, { 16, 40 }, { 48, 4 }, { 8, 60 },
	};
	size_t i;

	for (i = 0; i < KMS_ARRAY_SIZE(sizes); i++)
		run(sizes[i][0], sizes[i][1], 1 + i);
	run_inline();
	return unit_done("unit-hmap");
}
