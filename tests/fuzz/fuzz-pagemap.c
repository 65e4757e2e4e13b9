// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the pagemap snapshot decoders (src/pagemap/) on a fake
 * /proc tree. The input is split into /proc/1/maps, /proc/1/pagemap and
 * /proc/kpageflags, each preceded by a 16-bit length; the rest is
 * /proc/kpagecount (and kpagecgroup). The tree lives in a private
 * directory made once per process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "base/kms.h"
#include "pagemap/pagemap.h"
#include "pagemap/process.h"

static char dir[64];

/* Write len bytes to dir/name. */
static int put(const char *name, const uint8_t *data, size_t len)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (len && write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* The next length-prefixed piece of the input. */
static const uint8_t *piece(const uint8_t **p, size_t *left, size_t *len)
{
	const uint8_t *d;

	if (*left < 2) {
		*len = 0;
		return *p;
	}
	*len = (*p)[0] | (*p)[1] << 8;
	*p += 2;
	*left -= 2;
	if (*len > *left)
		*len = *left;
	d = *p;
	*p += *len;
	*left -= *len;
	return d;
}

/* One input: decode its entries, then read the fake process. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *maps, *pm, *flags;
	size_t left = size, lm, lp, lf, i;
	struct kms_pagemap *snap;
	struct kms_pm_entry e;
	uint64_t v;
	int err;

	if (!dir[0]) {
		char tmpl[] = "/tmp/kms-fuzz-pagemap.XXXXXX", sub[96];

		if (!mkdtemp(tmpl))
			abort();
		snprintf(dir, sizeof(dir), "%s", tmpl);
		snprintf(sub, sizeof(sub), "%s/1", dir);
		mkdir(sub, 0700);
		snprintf(sub, sizeof(sub), "%s/self", dir);
		mkdir(sub, 0700);
	}
	maps = piece(&p, &left, &lm);
	pm = piece(&p, &left, &lp);
	flags = piece(&p, &left, &lf);
	for (i = 0; i + 8 <= lp; i += 8) {
		memcpy(&v, pm + i, 8);
		kms_pm_decode(v, &e);
	}
	if (put("1/maps", maps, lm) || put("1/pagemap", pm, lp) || put("kpageflags", flags, lf) ||
	    put("kpagecount", p, left) || put("kpagecgroup", p, left) ||
	    put("1/comm", (const uint8_t *)"fuzz\n", 5) ||
	    put("1/stat", (const uint8_t *)"1 (fuzz) S 0", 12) ||
	    put("self/maps", maps, lm) || put("self/pagemap", pm, lp))
		return 0;
	snap = kms_pagemap_read(dir, 1, &err);
	kms_pagemap_free(snap);
	return 0;
}
