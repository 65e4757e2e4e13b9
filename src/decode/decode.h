/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shared decoding layer: turns raw kmem and exceptions records into
 * struct kms_ev, finding every field by name in the formats that came with
 * the data (a live kernel or a trace.dat file). Fields that an event lacks
 * on a given kernel are flagged absent, never guessed.
 */
#ifndef KMS_DECODE_H
#define KMS_DECODE_H

#include <event-parse.h>

#include "base/events.h"

struct kms_ev {
	enum kms_ev_type	type;
	unsigned int		have;		/* 1 << enum kms_field */
	unsigned long long	ts;
	int			cpu;
	int			pid;
	/* pages */
	unsigned long long	pfn;
	unsigned int		order;
	unsigned long long	gfp;
	int			migratetype;
	/* slab */
	unsigned long long	call_site;
	unsigned long long	ptr;
	unsigned long long	bytes_req;
	unsigned long long	bytes_alloc;
	int			node;
	int			accounted;
	const char		*name;		/* points into the record */
	int			name_len;
	int			probe;		/* recipe kprobe index, or -1 */
	const char		*buf;		/* ftrace:print text, into the record */
	int			buf_len;
	/* faults */
	unsigned long long	address;
	unsigned long long	ip;
	unsigned long long	error_code;
	/* rss_stat */
	unsigned int		mm_id;
	unsigned int		curr;
	int			member;
	long long		size;
	/* fork, exec, exit: the process (the child of a fork), its parent, its comm */
	int			tpid;
	int			ppid;
	const char		*comm;		/* into the record; not NUL-terminated */
	int			comm_len;
	/* kernel_stack: its return addresses, innermost first, into the record */
	const unsigned char	*frames;
	int			nr_frames;
	int			frame_size;	/* 4 or 8: the data's long */
};

#define KMS_HAS(ev, f) (((ev)->have >> (f)) & 1)

struct kms_decoder;

/* Build a decoder for the events known to tep (once per data source). */
struct kms_decoder *kms_decoder_new(struct tep_handle *tep);
void kms_decoder_free(struct kms_decoder *d);
/* Decode a record into ev; returns 1 for a kmem/exceptions event, 0 for others. */
int kms_decode(struct kms_decoder *d, const struct tep_record *rec, struct kms_ev *ev);
struct kms_kprobe_def;
/*
 * Decode the n kprobes of defs too (a recipe's r->kprobes, r->nr_kprobes):
 * each probe event (found by name in a kmemscope_<pid> group) becomes the
 * event its role says, with its fetch arguments "order", "size", "name",
 * "ptr", "address" and "flags" as fields.
 */
int kms_decoder_add_probes(struct kms_decoder *d, const struct kms_kprobe_def *defs, int n);


/* Which fields this source's format has for a type (bits of enum kms_field). */
unsigned int kms_decoder_fields(const struct kms_decoder *d, enum kms_ev_type t);

#endif
