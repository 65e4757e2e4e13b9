// SPDX-License-Identifier: GPL-2.0
/*
 * Order sets: parsing and their in-kernel filter form.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kms.h"
#include "base/orders.h"

/* Parse comma-separated orders and ranges "a-b" or open ranges "a-". */
int kms_orders_parse(const char *s, uint64_t *mask)
{
	char *dup = strdup(s), *tok, *save = NULL, *dash;
	unsigned long lo, hi;
	int ret = 0;

	*mask = 0;
	if (!dup || !*s)
		ret = -1;
	for (tok = dup ? strtok_r(dup, ",", &save) : NULL; tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		dash = strchr(tok, '-');
		if (dash)
			*dash = '\0';
		if (kms_parse_uint(tok, KMS_MAX_ORDER, &lo)) {
			ret = -1;
			break;
		}
		hi = lo;
		if (dash && !dash[1])
			hi = KMS_MAX_ORDER;
		else if (dash && (kms_parse_uint(dash + 1, KMS_MAX_ORDER, &hi) || hi < lo))
			ret = -1;
		for (; !ret && lo <= hi; lo++)
			*mask |= 1ULL << lo;
	}
	free(dup);
	return ret;
}

/* "order >= N" for an open range, else "order == a || order == b ...". */
char *kms_orders_filter(uint64_t mask)
{
	char *f = NULL;
	size_t len = 0;
	int i, lo = -1;

	for (i = 0; i <= KMS_MAX_ORDER; i++)
		if (mask & (1ULL << i))
			break;
	lo = i;
	if (lo <= KMS_MAX_ORDER && (mask >> lo) == (~0ULL >> lo)) {
		if (asprintf(&f, "order >= %d", lo) < 0)
			return NULL;
		return f;
	}
	f = calloc(1, 32 * 64);
	if (!f)
		return NULL;
	for (i = 0; i <= KMS_MAX_ORDER; i++)
		if (mask & (1ULL << i))
			len += sprintf(f + len, "%sorder == %d", len ? " || " : "", i);
	return f;
}
