// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the sub-buffer decoder (source/subbuf.c) on one page.
 * The first byte picks the long size (4 or 8); the rest is the page, of
 * its own length, parsed and then walked record by record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tracefs/subbuf.h"

static unsigned long long by_id[65536];

/* One input: a long-size byte and one page. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kms_subbuf sb;
	struct kms_subbuf_iter it;
	const void *payload;
	unsigned long long ts;
	unsigned int len, n = 0;
	int long_size, r;
	unsigned char *page;

	if (size < 1 || size > (1 << 20))
		return 0;
	long_size = data[0] & 1 ? 4 : 8;
	/* a copy of exactly the page's size, so that ASan sees overreads */
	page = malloc(size - 1 ? size - 1 : 1);
	if (!page)
		return 0;
	memcpy(page, data + 1, size - 1);
	if (kms_subbuf_parse(page, size - 1, long_size, &sb, by_id) == 0) {
		kms_subbuf_iter_init(&it, page, long_size, &sb);
		while ((r = kms_subbuf_next(&it, &payload, &len, &ts)) > 0) {
			if ((const unsigned char *)payload + len > page + size - 1)
				abort();
			n++;
		}
		if (n != sb.nr_events)
			abort();
	}
	free(page);
	return 0;
}
