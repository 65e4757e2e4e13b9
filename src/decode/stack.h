/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel stacks in the stream: the frames of an ftrace:kernel_stack record,
 * and the pairing of each stack with the event before it on the same CPU
 * (a stacktrace trigger, like options/stacktrace, writes the stack right
 * after its event, on the event's CPU; both sources deliver records in
 * timestamp order with their CPU).
 */
#ifndef KMS_DECODE_STACK_H
#define KMS_DECODE_STACK_H

#include <event-parse.h>

#include "decode/decode.h"

/* Frames a stack keeps at most (the kernel writes fewer). */
#define KMS_STACK_MAX_FRAMES	128

/* Point ev->frames at a kernel_stack record's return addresses. */
void kms_decode_stack(struct tep_handle *tep, const struct tep_format_field *caller,
		      const struct tep_record *rec, struct kms_ev *ev);
/* The idx-th return address of a decoded stack. */
unsigned long long kms_stack_frame(const struct kms_ev *ev, int idx);

struct kms_pairer;

struct kms_pairer *kms_pairer_new(void);
void kms_pairer_free(struct kms_pairer *p);
/*
 * Feed every decoded event in stream order. For a stack, returns the last
 * allocation or fault before it on its CPU when that one has no stack yet,
 * else NULL; an allocation or fault is remembered as its CPU's last; other
 * events (a free in an interrupt between an event and its stack) are
 * passed over. -1 in *err when out of memory.
 */
const struct kms_ev *kms_pairer_feed(struct kms_pairer *p, const struct kms_ev *ev, int *err);

#endif
