// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the hash map every aggregation uses (base/hmap.c, and the
 * inlined calls of base/hmap.h): random gets, finds and deletions (by key
 * and by value, whose slot index is found by exact division with an
 * inverse) checked against a plain array of the same entries, for key
 * and value sizes whose slots are 16 to 88 bytes (odd multiples of 8 and
 * powers of two), through growth, reservation and rekeying; and how
 * well the hash spreads the analysis's kinds of keys over the slots.
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

/*
 * How far the entries of a map sit from their home slots (the hash's low
 * bits), on average: the extra probes a find of them takes.
 */
static double mean_displacement(const struct kms_hmap *m)
{
	size_t i, n = 0, sum = 0;

	for (i = 0; i < m->cap; i++) {
		uint32_t h;

		memcpy(&h, m->slots + i * m->slot_size + m->used_off, 4);
		if (h) {
			sum += (i - (h & (m->cap - 1))) & (m->cap - 1);
			n++;
		}
	}
	return n ? (double)sum / n : 0;
}

/*
 * The hash spreads the keys the analysis uses: pfns in a row, slab
 * objects 64 bytes apart, pages 4 KiB apart, addresses that differ only
 * above bit 32, and pids in a row; each map at most half full keeps its
 * entries within about one slot of home (a hash that let aligned or high
 * bits through unmixed would make long clusters).
 */
static void run_spread(void)
{
	static const struct { const char *what; uint64_t base; unsigned int shift; size_t size; } pat[] = {
		{ "pfns in a row", 0x123400, 0, 8 },
		{ "slab objects 64 bytes apart", 0xffff888100000000ULL, 6, 8 },
		{ "pages 4 KiB apart", 0xffffea0004000000ULL, 12, 8 },
		{ "addresses apart above bit 32", 0x7f0000001000ULL, 32, 8 },
		{ "pids in a row", 1000, 0, 4 },
	};
	size_t p;
	uint64_t i;

	for (p = 0; p < KMS_ARRAY_SIZE(pat); p++) {
		struct kms_hmap m;
		double d;

		CHECK(kms_hmap_init(&m, pat[p].size, 4) == 0, "init");
		for (i = 0; i < 20000; i++) {
			uint64_t k = pat[p].base + (i << pat[p].shift);
			uint32_t k4 = (uint32_t)k;

			CHECK(kms_hmap_get(&m, pat[p].size == 8 ? (void *)&k : (void *)&k4, NULL), "get");
		}
		d = mean_displacement(&m);
		CHECK(d < 1.0, "%s: entries %.2f slots from home on average", pat[p].what, d);
		kms_hmap_free(&m);
	}
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
	run_spread();
	return unit_done("unit-hmap");
}
