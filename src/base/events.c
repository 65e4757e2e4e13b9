// SPDX-License-Identifier: GPL-2.0
/*
 * The list of the kmem, exceptions and ftrace events kmemscope knows.
 */
#include "base/events.h"
#include "base/kms.h"

#define EV(sys, ev, t)	.system = sys, .name = ev, .full = sys ":" ev, .type = t
#define BOTH		.flags = KMS_EVF_RECORD | KMS_EVF_CHECK
#define CHECK(n, ...)	.check_fields = { __VA_ARGS__ }, .nr_check_fields = n

const struct kms_event_info kms_events[] = {
	{ EV("kmem", "mm_page_alloc", KMS_EV_PAGE_ALLOC), BOTH },
	{ EV("kmem", "mm_page_free", KMS_EV_PAGE_FREE), BOTH },
	{ EV("kmem", "kmalloc", KMS_EV_KMALLOC), BOTH,
	  CHECK(2, KMS_F_NODE, KMS_F_ACCOUNTED) },
	{ EV("kmem", "kfree", KMS_EV_KFREE), BOTH },
	{ EV("kmem", "kmem_cache_alloc", KMS_EV_CACHE_ALLOC), BOTH,
	  CHECK(3, KMS_F_NAME, KMS_F_NODE, KMS_F_ACCOUNTED) },
	{ EV("kmem", "kmem_cache_free", KMS_EV_CACHE_FREE), BOTH,
	  CHECK(1, KMS_F_NAME) },
	{ EV("kmem", "kmalloc_node", KMS_EV_KMALLOC_NODE), BOTH,
	  CHECK(2, KMS_F_NODE, KMS_F_ACCOUNTED) },
	{ EV("kmem", "kmem_cache_alloc_node", KMS_EV_CACHE_ALLOC_NODE), BOTH,
	  CHECK(3, KMS_F_NAME, KMS_F_NODE, KMS_F_ACCOUNTED) },
	{ EV("kmem", "rss_stat", KMS_EV_RSS_STAT), BOTH },
	{ EV("exceptions", "page_fault_user", KMS_EV_FAULT_USER), BOTH },
	{ EV("exceptions", "page_fault_kernel", KMS_EV_FAULT_KERNEL), BOTH },
	/* Decoded when present (trace-cmd recordings have it), never enabled by default. */
	{ EV("kmem", "mm_page_free_batched", KMS_EV_PAGE_FREE_BATCHED) },
	/* trace_marker writes: kmemscope's /proc snapshots and scope. */
	{ EV("ftrace", "print", KMS_EV_PRINT) },
	/* stacktrace triggers and options/stacktrace (stacks.c pairs them) */
	{ EV("ftrace", "kernel_stack", KMS_EV_STACK) },
	/*
	 * Processes: every live session enables these (cheap: one event per
	 * fork, exec and exit), so that the traced command's tree is known
	 * exactly and every process is named, short-lived ones too.
	 */
	{ EV("sched", "sched_process_fork", KMS_EV_FORK), .flags = KMS_EVF_PROCESS },
	{ EV("sched", "sched_process_exec", KMS_EV_EXEC), .flags = KMS_EVF_PROCESS },
	{ EV("sched", "sched_process_exit", KMS_EV_EXIT), .flags = KMS_EVF_PROCESS },
};

const int kms_nr_events = KMS_ARRAY_SIZE(kms_events);

static const char *const field_names[KMS_F__MAX] = {
	[KMS_F_PFN] = "pfn", [KMS_F_ORDER] = "order", [KMS_F_GFP] = "gfp_flags",
	[KMS_F_MIGRATETYPE] = "migratetype", [KMS_F_CALL_SITE] = "call_site",
	[KMS_F_PTR] = "ptr", [KMS_F_BYTES_REQ] = "bytes_req",
	[KMS_F_BYTES_ALLOC] = "bytes_alloc", [KMS_F_NODE] = "node",
	[KMS_F_ACCOUNTED] = "accounted", [KMS_F_NAME] = "name",
	[KMS_F_ADDRESS] = "address", [KMS_F_IP] = "ip",
	[KMS_F_ERROR_CODE] = "error_code", [KMS_F_MM_ID] = "mm_id",
	[KMS_F_CURR] = "curr", [KMS_F_MEMBER] = "member", [KMS_F_SIZE] = "size",
	[KMS_F_BUF] = "buf", [KMS_F_PARENT_PID] = "parent_pid",
	[KMS_F_CHILD_PID] = "child_pid", [KMS_F_CHILD_COMM] = "child_comm",
	[KMS_F_FILENAME] = "filename", [KMS_F_PID] = "pid", [KMS_F_COMM] = "comm",
	[KMS_F_CALLER] = "caller",
};

/* Find the list entry of a decoder type (a short list: a scan is enough). */
const struct kms_event_info *kms_event_by_type(enum kms_ev_type t)
{
	int i;

	for (i = 0; i < kms_nr_events; i++)
		if (kms_events[i].type == t)
			return &kms_events[i];
	return NULL;
}

/* "system:event" of a type. */
const char *kms_ev_name(enum kms_ev_type t)
{
	const struct kms_event_info *e = kms_event_by_type(t);

	return e && t != KMS_EV_NONE ? e->full : "?";
}

/* The format's name of a field. */
const char *kms_field_name(enum kms_field f)
{
	return (unsigned int)f < KMS_F__MAX ? field_names[f] : "?";
}

/* Allocations and faults take stacks; frees and the rest do not. */
int kms_ev_takes_stack(enum kms_ev_type t)
{
	switch (t) {
	case KMS_EV_PAGE_ALLOC: case KMS_EV_KMALLOC: case KMS_EV_KMALLOC_NODE:
	case KMS_EV_CACHE_ALLOC: case KMS_EV_CACHE_ALLOC_NODE:
	case KMS_EV_FAULT_USER: case KMS_EV_FAULT_KERNEL:
		return 1;
	default:
		return 0;
	}
}
