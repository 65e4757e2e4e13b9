/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page-order sets for --order: "2,3,9", "3-", "1-4,9".
 */
#ifndef KMS_ORDERS_H
#define KMS_ORDERS_H

#include <stdint.h>

#define KMS_MAX_ORDER 63

/* Parse a set into a bit mask (bit N: order N). Returns -1 on bad syntax. */
int kms_orders_parse(const char *s, uint64_t *mask);
/* An ftrace filter expression for the set, e.g. "order >= 3"; malloc'd. */
char *kms_orders_filter(uint64_t mask);

#endif
