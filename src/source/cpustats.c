// SPDX-License-Identifier: GPL-2.0
/*
 * Parser of the per-CPU ring-buffer stats text.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/kms.h"
#include "source/cpustats.h"

/* Pick "overrun: N" and friends out of a stats text. */
void kms_parse_cpu_stats(const char *text, struct kms_ring_stats *st)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "overrun:", offsetof(struct kms_ring_stats, overrun) },
		{ "commit overrun:", offsetof(struct kms_ring_stats, commit_overrun) },
		{ "dropped events:", offsetof(struct kms_ring_stats, dropped) },
	};
	const char *line = text;
	size_t i;

	while (line && *line) {
		for (i = 0; i < KMS_ARRAY_SIZE(keys); i++) {
			size_t len = strlen(keys[i].key);

			if (!strncmp(line, keys[i].key, len))
				*(unsigned long long *)((char *)st + keys[i].off) =
					strtoull(line + len, NULL, 10);
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
}
