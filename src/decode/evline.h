/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One event as a line in the format of `trace-cmd report`.
 */
#ifndef KMS_EVLINE_H
#define KMS_EVLINE_H

#include <stdbool.h>
#include <event-parse.h>

/* Append the line for rec (no newline) to s. */
void kms_evline(struct trace_seq *s, struct tep_handle *tep,
		struct tep_record *rec, bool in_usecs);
/* Append the line trace-cmd prints for lost events on a CPU. */
void kms_evline_missed(struct trace_seq *s, int cpu, long long missed);

#endif
