// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/PID/maps lines, parsed for the faults table and the pagemap snapshot,
 * and the search of the ranges kept from them.
 */
#include <stdio.h>
#include <string.h>

#include "base/maps.h"

/* "start-end perms offset major:minor inode [name]" into m. */
int kms_maps_next(char **pos, struct kms_map *m)
{
	char *line = *pos, *next, perms[8];
	int off = 0;

	while (line && *line == '\n')
		line++;
	if (!line || !*line) {
		*pos = line;
		return 0;
	}
	next = strchr(line, '\n');
	if (next)
		*next++ = '\0';
	*pos = next;
	memset(m, 0, sizeof(*m));
	m->line = line;
	if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &m->start, &m->end, perms,
		   &m->offset, &m->major, &m->minor, &m->inode, &off) < 7 || !off ||
	    m->end < m->start)
		return -1;
	snprintf(m->perms, sizeof(m->perms), "%.4s", perms);
	m->name = line + off;
	while (*m->name == ' ')
		m->name++;
	return 1;
}

/* Binary search of sorted, disjoint ranges of stride bytes each for addr. */
long kms_range_find(const void *ranges, size_t n, size_t stride, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct kms_range *r = (const void *)((const char *)ranges + mid * stride);

		if (addr < r->start)
			hi = mid;
		else if (addr >= r->end)
			lo = mid + 1;
		else
			return (long)mid;
	}
	return -1;
}
