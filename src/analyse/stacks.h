/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel stacks of allocations and faults: each stack paired with its
 * event, symbolised from the data's kallsyms and cut to the frames that
 * say why (tracing frames, the page allocator's and slab's own frames
 * dropped), weighted by bytes, objects, pages and events, with the
 * objects still allocated at the end (inuse) and their ages.
 */
#ifndef KMS_ANALYSE_STACKS_H
#define KMS_ANALYSE_STACKS_H

#include <stdint.h>

#include "base/events.h"
#include "decode/stack.h"

struct kms_analysis;

enum kms_stack_kind { KMS_STACK_SLAB, KMS_STACK_PAGES, KMS_STACK_FAULTS, KMS_STACK__MAX };

/* One stack as the folded, pprof and SVG outputs see it (identical stacks merged). */
struct kms_stack_sample {
	enum kms_stack_kind	kind;
	const char		*frames[KMS_STACK_MAX_FRAMES];	/* innermost first */
	int			nr;
	uint64_t		count;		/* events */
	uint64_t		objects;	/* slab objects or page allocations */
	uint64_t		bytes;		/* slab bytes_alloc, or PAGE_SIZE << order */
	uint64_t		pages;
	uint64_t		inuse_objects;	/* still allocated at the end (older-than applied) */
	uint64_t		inuse_bytes;
	uint64_t		inuse_pages;
};

typedef int (*kms_stack_fn)(const struct kms_stack_sample *s, void *ctx);

/* Call fn for every distinct stack; stops early when fn returns non-zero. */
int kms_analysis_stacks(struct kms_analysis *a, kms_stack_fn fn, void *ctx);
/* Keep at most depth frames (after dropping) of the stacks of events of type t. */
void kms_analysis_stack_depth(struct kms_analysis *a, enum kms_ev_type t, int depth);
/* Count as inuse only objects at least ns old at the end of the data. */
void kms_analysis_older_than(struct kms_analysis *a, unsigned long long ns);
/* Stacks paired with their event, and stacks that followed no allocation or fault. */
void kms_analysis_stack_counts(const struct kms_analysis *a, unsigned long long *paired,
			       unsigned long long *unpaired);

#endif
