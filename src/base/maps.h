/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one parser of /proc/PID/maps lines (proc(5)): address range,
 * permissions, offset, device, inode and the name (a path, [heap],
 * [stack], ...; empty for an anonymous mapping), and the one search of
 * the sorted address ranges kept from them.
 */
#ifndef KMS_MAPS_H
#define KMS_MAPS_H

#include <stddef.h>
#include <stdint.h>

/* One line of /proc/PID/maps; the strings point into the parsed text. */
struct kms_map {
	unsigned long long	start, end;	/* [start, end) */
	char			perms[5];	/* "r-xp" */
	unsigned long long	offset;
	unsigned int		major, minor;
	unsigned long long	inode;
	const char		*name;		/* "" for an anonymous mapping */
	const char		*line;		/* the whole line, for messages */
};

/*
 * Parse the next line of maps text at *pos, splitting the text into lines
 * in place, and advance *pos past it; empty lines are skipped. Returns 1
 * with m filled, 0 at the end of the text, -1 for a malformed line (m->line
 * is that line; *pos has moved on, so the caller may skip it).
 */
int kms_maps_next(char **pos, struct kms_map *m);

/* An address range [start, end). */
struct kms_range { uint64_t start, end; };

/*
 * Binary search of n sorted, disjoint ranges for the one holding addr.
 * Each element is stride bytes and begins with a struct kms_range (a
 * caller may keep more after it). Returns its index, or -1.
 */
long kms_range_find(const void *ranges, size_t n, size_t stride, uint64_t addr);

#endif
