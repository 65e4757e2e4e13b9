/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the decoder, for the loops that decode every record: the
 * resolved types and the decoding of a record inline (as base/hmap.h inlines the
 * map's probes), the rarer work out of line in decode.c. Only decode.c and
 * the analysis's record loop (analyse/analyse.c) include it.
 */
#ifndef KMS_DECODE_HOT_H
#define KMS_DECODE_HOT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "decode/decode.h"

/* One integer field to copy: from the record at off, into struct kms_ev at dst. */
struct num_op {
	uint16_t	off;
	uint8_t		size;		/* 1, 2, 4 or 8 bytes in the record; others read as 0 */
	uint8_t		kind;		/* OP_KIND(size, signed, dst_size): one switch case a copy */
	uint16_t	dst;
};

/* What kms_decode_extra() does for a type, decided once by compile_desc(). */
enum {
	EXTRA_NAME	= 1 << 0,	/* read the name string */
	EXTRA_BUF	= 1 << 1,	/* read the buf string */
	EXTRA_PROCESS	= 1 << 2,	/* fork, comm or exit: decode_process() */
	EXTRA_STACK	= 1 << 3,	/* a kernel stack */
	EXTRA_FAULT	= 1 << 4,	/* a fault probe: its flags give the type */
};

/* A copy's kind: the field's size and signedness, and its size in struct kms_ev (4 or 8). */
#define OP_KIND(size, sgn, dst8) (((size) == 1 ? 0 : (size) == 2 ? 1 : (size) == 4 ? 2 : \
				  (size) == 8 ? 3 : 4) << 2 | (sgn) << 1 | (dst8))

struct ev_desc {
	enum kms_ev_type		type;
	int				probe;		/* kprobe index, or -1 */
	int				role;		/* its enum kms_probe_role */
	unsigned int			have;
	struct tep_format_field		*f[KMS_F__MAX];
	/* resolved once: the fields this type has, and its event before them */
	struct num_op			ops[KMS_F__MAX];
	int				nr_ops;
	int				nr8, nr4;	/* ops[] starts with this many 8-byte, then 4-byte copies */
	const struct num_op		*end8, *end4, *end;	/* where each kind of copy ends in ops[] */
	unsigned int			ops_end;	/* records this long hold every field */
	unsigned int			extra;		/* kms_decode_extra()'s work for this type: EXTRA_* */
	/*
	 * The name, when it is a __data_loc or __rel_loc string (the usual
	 * case), read in kms_decode_hot() itself; extra then lacks EXTRA_NAME.
	 */
	bool				name_loc;
	bool				name_rel;
	uint16_t			name_off;
	struct kms_ev			tmpl;		/* what every event of the type starts as */
	/*
	 * The type's last event, decoded in place: every field a record of
	 * the type sets is set again by the next, so it starts as tmpl once
	 * and is reset to it only after a short record.
	 */
	struct kms_ev			ev;
	bool				dirty;		/* ev holds a short record's fields */
};

struct kms_decoder {
	struct tep_handle	*tep;
	int			max_id;
	struct ev_desc		**by_id;		/* indexed by event id */
	struct ev_desc		desc[KMS_EV__MAX];
	struct ev_desc		*probes;		/* one per kprobe definition */
	int			nr_probes;
};

/*
 * One copy case pair: a field of size bytes (signed: sign-extended through
 * S) into a 4-byte or an 8-byte member of struct kms_ev.
 */
#define NUM_COPY(size, sgn, U, S)						\
	case OP_KIND(size, sgn, 0): {						\
		U x; uint32_t w;						\
		memcpy(&x, p, size);						\
		w = (uint32_t)(unsigned long long)(S)x;			\
		memcpy(dst, &w, 4);						\
		break;								\
	}									\
	case OP_KIND(size, sgn, 1): {						\
		U x; unsigned long long v;					\
		memcpy(&x, p, size);						\
		v = (unsigned long long)(S)x;					\
		memcpy(dst, &v, 8);						\
		break;								\
	}

/* Copy the fields of ops [op, end); check: the record may be shorter than they reach. */
static inline __attribute__((always_inline)) void
kms_decode_copy(const struct num_op *op, const struct num_op *end, const void *data,
	 unsigned int size, bool check, struct kms_ev *ev)
{
	for (; op < end; op++) {
		const unsigned char *p = (const unsigned char *)data + op->off;
		char *dst = (char *)ev + op->dst;

		if (check && op->off + op->size > size)
			continue;	/* a short record: the field stays absent */
		switch (op->kind) {
		NUM_COPY(1, 0, uint8_t, uint8_t)
		NUM_COPY(1, 1, uint8_t, int8_t)
		NUM_COPY(2, 0, uint16_t, uint16_t)
		NUM_COPY(2, 1, uint16_t, int16_t)
		NUM_COPY(4, 0, uint32_t, uint32_t)
		NUM_COPY(4, 1, uint32_t, int32_t)
		NUM_COPY(8, 0, uint64_t, uint64_t)
		NUM_COPY(8, 1, uint64_t, uint64_t)
		default:	/* other sizes read as 0 */
			memset(dst, 0, op->kind & 1 ? 8 : 4);
		}
	}
}

void kms_decode_cold(struct ev_desc *desc, const struct tep_record *rec, struct kms_ev *ev);
void kms_decode_extra(const struct kms_decoder *d, const struct ev_desc *desc,
		      const struct tep_record *rec, struct kms_ev *ev);

/* A name string by its __data_loc / __rel_loc word (read_string()'s second half). */
static inline __attribute__((always_inline)) void kms_decode_name_loc(const struct ev_desc *desc, const unsigned char *data,
				 unsigned int size, struct kms_ev *ev)
{
	unsigned int off, n;
	uint32_t loc;

	ev->name = NULL;
	ev->name_len = 0;
	if ((unsigned int)desc->name_off + 4 > size)
		return;
	memcpy(&loc, data + desc->name_off, 4);
	off = (loc & 0xffff) + (desc->name_rel ? desc->name_off + 4 : 0);
	n = loc >> 16;
	if (off >= size || n > size - off)
		return;
	ev->name = (const char *)data + off;
	ev->name_len = strnlen(ev->name, n);
}

/*
 * Decode a record without a copy: the event, kept in d and valid until d
 * decodes the next record, or NULL for a record of no known type; inline
 * for the loops that decode every record (analyse.c, and kms_decode()).
 */
static inline __attribute__((always_inline)) const struct kms_ev *
kms_decode_hot(struct kms_decoder *d, const struct tep_record *rec)
{
	const unsigned char *data = rec->data;
	const struct num_op *op;
	struct ev_desc *desc;
	struct kms_ev *ev;
	unsigned int size = rec->size;
	unsigned short id;
	int32_t pid;

	if (rec->size < 8)
		return NULL;
	memcpy(&id, data, 2);
	if (id > d->max_id || !(desc = d->by_id[id]))
		return NULL;
	ev = &desc->ev;
	memcpy(&pid, data + 4, 4);
	ev->ts = rec->ts;
	ev->cpu = rec->cpu;
	ev->pid = pid;
	if (__builtin_expect(desc->ops_end <= size && !desc->dirty, 1)) {
		/* the common case: plain copies without a switch, then the rest */
		for (op = desc->ops; op < desc->end8; op++)
			memcpy((char *)ev + op->dst, data + op->off, 8);
		for (; op < desc->end4; op++)
			memcpy((char *)ev + op->dst, data + op->off, 4);
		if (op < desc->end)
			kms_decode_copy(op, desc->end, data, size, false, ev);
	} else {
		kms_decode_cold(desc, rec, ev);	/* a short record, or the one after */
	}
	if (desc->name_loc)
		kms_decode_name_loc(desc, data, size, ev);
	if (desc->extra)	/* (a fault probe's type is set from its flags every record) */
		kms_decode_extra(d, desc, rec, ev);
	return ev;
}

#endif
