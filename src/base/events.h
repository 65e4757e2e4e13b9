/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one list of the trace events kmemscope knows: system and name, the
 * decoder's event type, whether record enables the event by default,
 * whether check reports it and which optional fields check looks for.
 * record, check (tracefs/hostcheck.c) and the decoder all read this list.
 */
#ifndef KMS_EVENTS_H
#define KMS_EVENTS_H

/* What a decoded record is (struct kms_ev.type). */
enum kms_ev_type {
	KMS_EV_NONE = 0,
	KMS_EV_PAGE_ALLOC,
	KMS_EV_PAGE_FREE,
	KMS_EV_PAGE_FREE_BATCHED,
	KMS_EV_KMALLOC,
	KMS_EV_KMALLOC_NODE,
	KMS_EV_CACHE_ALLOC,
	KMS_EV_CACHE_ALLOC_NODE,
	KMS_EV_KFREE,
	KMS_EV_CACHE_FREE,
	KMS_EV_RSS_STAT,
	KMS_EV_FAULT_USER,
	KMS_EV_FAULT_KERNEL,
	KMS_EV_PRINT,		/* ftrace:print, carries kmemscope's /proc snapshots */
	KMS_EV_PROBE,		/* a recipe kprobe counted per process */
	KMS_EV_FORK,		/* sched:sched_process_fork: the process table */
	KMS_EV_EXEC,		/* sched:sched_process_exec */
	KMS_EV_EXIT,		/* sched:sched_process_exit */
	KMS_EV_STACK,		/* ftrace:kernel_stack: the stack of the event before it */
	KMS_EV__MAX
};

/* Fields, found by name in the events' formats (bits of struct kms_ev.have). */
enum kms_field {
	KMS_F_PFN, KMS_F_ORDER, KMS_F_GFP, KMS_F_MIGRATETYPE,
	KMS_F_CALL_SITE, KMS_F_PTR, KMS_F_BYTES_REQ, KMS_F_BYTES_ALLOC,
	KMS_F_NODE, KMS_F_ACCOUNTED, KMS_F_NAME,
	KMS_F_ADDRESS, KMS_F_IP, KMS_F_ERROR_CODE,
	KMS_F_MM_ID, KMS_F_CURR, KMS_F_MEMBER, KMS_F_SIZE, KMS_F_BUF,
	KMS_F_PARENT_PID, KMS_F_CHILD_PID, KMS_F_CHILD_COMM, KMS_F_FILENAME,
	KMS_F_PID, KMS_F_COMM,
	KMS_F_CALLER,
	KMS_F__MAX
};

#define KMS_EVF_RECORD	(1U << 0)	/* record enables it when no -e is given */
#define KMS_EVF_CHECK	(1U << 1)	/* check reports whether the kernel has it */
#define KMS_EVF_PROCESS	(1U << 2)	/* enabled in every live session: processes */

#define KMS_EV_CHECK_FIELDS 3

/* One known event. */
struct kms_event_info {
	const char		*system;	/* "kmem" */
	const char		*name;		/* "mm_page_alloc" */
	const char		*full;		/* "kmem:mm_page_alloc" */
	enum kms_ev_type	type;		/* what the decoder makes of it */
	unsigned int		flags;		/* KMS_EVF_* */
	/* Optional fields check looks for in the format, in the order it lists them. */
	enum kms_field		check_fields[KMS_EV_CHECK_FIELDS];
	int			nr_check_fields;
};

/*
 * The list, in the order record enables and check reports the events.
 * Walk it with: for (i = 0; i < kms_nr_events; i++) ... kms_events[i].
 */
extern const struct kms_event_info kms_events[];
extern const int kms_nr_events;

/* The entry of a decoder type, or NULL (KMS_EV_PROBE has none). */
const struct kms_event_info *kms_event_by_type(enum kms_ev_type t);
/* "system:event" for a type, e.g. "kmem:mm_page_alloc"; "?" if none. */
const char *kms_ev_name(enum kms_ev_type t);
/* Whether events of a type take kernel stacks: allocations and faults. */
int kms_ev_takes_stack(enum kms_ev_type t);
/* Field name in the formats ("gfp_flags") for an enum kms_field; "?" if none. */
const char *kms_field_name(enum kms_field f);

#endif
