// SPDX-License-Identifier: GPL-2.0
/*
 * Field lookup by name for the kmem and exceptions events, resolved once
 * per source; decoding a record is then a table lookup by event id.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/hot.h"
#include "base/kms.h"
#include "tracefs/kprobe.h"
#include "decode/stack.h"

/* Where each integer field goes in struct kms_ev. */
#define EV_NUM(fld, member) [fld] = { offsetof(struct kms_ev, member) + 1, \
				      sizeof(((struct kms_ev *)0)->member) }
static const struct { uint16_t dst; uint8_t size; } num_dst[KMS_F__MAX] = {
	EV_NUM(KMS_F_PFN, pfn), EV_NUM(KMS_F_ORDER, order), EV_NUM(KMS_F_GFP, gfp),
	EV_NUM(KMS_F_MIGRATETYPE, migratetype), EV_NUM(KMS_F_CALL_SITE, call_site),
	EV_NUM(KMS_F_PTR, ptr), EV_NUM(KMS_F_BYTES_REQ, bytes_req),
	EV_NUM(KMS_F_BYTES_ALLOC, bytes_alloc), EV_NUM(KMS_F_NODE, node),
	EV_NUM(KMS_F_ACCOUNTED, accounted), EV_NUM(KMS_F_ADDRESS, address),
	EV_NUM(KMS_F_IP, ip), EV_NUM(KMS_F_ERROR_CODE, error_code),
	EV_NUM(KMS_F_MM_ID, mm_id), EV_NUM(KMS_F_CURR, curr), EV_NUM(KMS_F_MEMBER, member),
	EV_NUM(KMS_F_SIZE, size),
};
#undef EV_NUM

/* Whether an op copies 8 bytes to 8, or 4 to 4 (sign does not matter then). */
static int plain_copy(const struct num_op *op)
{
	if (op->kind == OP_KIND(8, 0, 1) || op->kind == OP_KIND(8, 1, 1))
		return 8;
	if (op->kind == OP_KIND(4, 0, 0) || op->kind == OP_KIND(4, 1, 0))
		return 4;
	return 0;
}

/* Order a type's ops: the plain 8-byte copies, the plain 4-byte ones, then the rest. */
static void partition_ops(struct ev_desc *d)
{
	struct num_op sorted[KMS_F__MAX];
	int n = 0, i, pass;
	static const int order[] = { 8, 4, 0 };

	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < d->nr_ops; i++)
			if (plain_copy(&d->ops[i]) == order[pass])
				sorted[n++] = d->ops[i];
	memcpy(d->ops, sorted, n * sizeof(sorted[0]));
	d->nr8 = d->nr4 = 0;
	for (i = 0; i < n; i++) {
		d->nr8 += plain_copy(&d->ops[i]) == 8;
		d->nr4 += plain_copy(&d->ops[i]) == 4;
	}
}

/* Resolve a type's integer fields into copy operations, and its event template. */
static void compile_desc(struct ev_desc *d)
{
	const struct tep_format_field *fld;
	int f;

	d->nr_ops = 0;
	d->ops_end = 0;
	for (f = 0; f < KMS_F__MAX; f++) {
		const struct tep_format_field *fld = d->f[f];
		struct num_op *op = &d->ops[d->nr_ops];

		if (!fld || !num_dst[f].dst || !fld->size)
			continue;
		op->off = fld->offset;
		op->size = fld->size;
		op->kind = OP_KIND(fld->size, !!(fld->flags & TEP_FIELD_IS_SIGNED),
				   num_dst[f].size == 8);
		op->dst = num_dst[f].dst - 1;
		if ((unsigned int)op->off + op->size > d->ops_end)
			d->ops_end = op->off + op->size;
		d->nr_ops++;
	}
	partition_ops(d);
	d->end8 = d->ops + d->nr8;
	d->end4 = d->end8 + d->nr4;
	d->end = d->ops + d->nr_ops;
	fld = d->f[KMS_F_NAME];
	d->name_loc = fld && (fld->flags & TEP_FIELD_IS_DYNAMIC) && fld->size == 4 &&
		      fld->offset >= 0 && fld->offset <= UINT16_MAX - 4;
	d->name_rel = d->name_loc && (fld->flags & TEP_FIELD_IS_RELATIVE);
	d->name_off = d->name_loc ? fld->offset : 0;
	d->extra = (d->f[KMS_F_NAME] && !d->name_loc ? EXTRA_NAME : 0) |
		   (d->f[KMS_F_BUF] ? EXTRA_BUF : 0) |
		   (d->type >= KMS_EV_FORK && d->type <= KMS_EV_EXIT ? EXTRA_PROCESS : 0) |
		   (d->type == KMS_EV_STACK ? EXTRA_STACK : 0) |
		   (d->role == KMS_ROLE_FAULT ? EXTRA_FAULT : 0);
	memset(&d->tmpl, 0, sizeof(d->tmpl));
	d->tmpl.type = d->type;
	d->tmpl.have = d->have;
	d->tmpl.node = -1;
	d->tmpl.accounted = -1;
	d->tmpl.probe = d->probe;
	d->ev = d->tmpl;
	d->dirty = false;
}

/* Resolve the fields of every known event present in tep. */
struct kms_decoder *kms_decoder_new(struct tep_handle *tep)
{
	struct kms_decoder *d;
	struct tep_event *event;
	int i, t, f, max_id = 0;

	d = calloc(1, sizeof(*d));
	if (!d) {
		kms_error(KMS_ERR_NOMEM, "out of memory");
		return NULL;
	}
	d->tep = tep;
	for (t = 0; t < KMS_EV__MAX; t++)
		d->desc[t].probe = -1;
	for (i = 0; i < kms_nr_events; i++) {
		t = kms_events[i].type;
		event = tep_find_event_by_name(tep, kms_events[i].system, kms_events[i].name);
		if (!event)
			continue;
		d->desc[t].type = t;
		for (f = 0; f < KMS_F__MAX; f++) {
			d->desc[t].f[f] = tep_find_field(event, kms_field_name(f));
			if (d->desc[t].f[f])
				d->desc[t].have |= 1U << f;
		}
		if (event->id > max_id)
			max_id = event->id;
	}
	d->max_id = max_id;
	d->by_id = calloc(max_id + 1, sizeof(*d->by_id));
	if (!d->by_id) {
		free(d);
		kms_error(KMS_ERR_NOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < kms_nr_events; i++) {
		event = tep_find_event_by_name(tep, kms_events[i].system, kms_events[i].name);
		if (event)
			d->by_id[event->id] = &d->desc[kms_events[i].type];
	}
	for (t = 0; t < KMS_EV__MAX; t++)
		compile_desc(&d->desc[t]);
	return d;
}

/* Probe fields are the probe definition's argument names. */
static const struct {
	enum kms_field	f;
	const char	*arg;
} probe_args[] = {
	{ KMS_F_ORDER, "order" }, { KMS_F_BYTES_REQ, "size" }, { KMS_F_NAME, "name" },
	{ KMS_F_PTR, "ptr" }, { KMS_F_ADDRESS, "address" }, { KMS_F_ERROR_CODE, "flags" },
};

/* Map each probe's event (by name in a kmemscope_<pid> group) to its role's type. */
int kms_decoder_add_probes(struct kms_decoder *d, const struct kms_kprobe_def *defs, int n)
{
	struct tep_event **events = tep_list_events(d->tep, TEP_EVENT_SORT_ID), *e;
	int i, j;
	size_t k;

	if (n <= 0)
		return 0;
	d->probes = calloc(n, sizeof(*d->probes));
	if (!d->probes)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	d->nr_probes = n;
	for (i = 0; i < n; i++) {
		struct ev_desc *pd = &d->probes[i];

		pd->probe = i;
		pd->role = defs[i].role;
		switch (pd->role) {
		case KMS_ROLE_PAGE_ALLOC: pd->type = KMS_EV_PAGE_ALLOC; break;
		case KMS_ROLE_KMALLOC: pd->type = KMS_EV_KMALLOC; break;
		case KMS_ROLE_CACHE_ALLOC: pd->type = KMS_EV_CACHE_ALLOC; break;
		case KMS_ROLE_FAULT: pd->type = KMS_EV_FAULT_USER; break;
		default: pd->type = KMS_EV_PROBE;
		}
		for (j = 0, e = NULL; events && events[j]; j++)
			if (!strcmp(events[j]->name, defs[i].name) &&
			    !strncmp(events[j]->system, "kmemscope_", 10))
				e = events[j];
		if (!e)
			continue;	/* skipped optional probe, or not in this file */
		for (k = 0; k < KMS_ARRAY_SIZE(probe_args); k++) {
			pd->f[probe_args[k].f] = tep_find_field(e, probe_args[k].arg);
			if (pd->f[probe_args[k].f])
				pd->have |= 1U << probe_args[k].f;
		}
		if (e->id > d->max_id) {
			struct ev_desc **n = realloc(d->by_id, (e->id + 1) * sizeof(*n));

			if (!n)
				return kms_error(KMS_ERR_NOMEM, "out of memory");
			memset(n + d->max_id + 1, 0, (e->id - d->max_id) * sizeof(*n));
			d->by_id = n;
			d->max_id = e->id;
		}
		d->by_id[e->id] = pd;
		compile_desc(pd);
	}
	return 0;
}

/* Free a decoder; NULL is fine. */
void kms_decoder_free(struct kms_decoder *d)
{
	if (!d)
		return;
	free(d->probes);
	free(d->by_id);
	free(d);
}

/* The fields this source's format has for a type. */
unsigned int kms_decoder_fields(const struct kms_decoder *d, enum kms_ev_type t)
{
	return t > 0 && t < KMS_EV__MAX ? d->desc[t].have : 0;
}

/* Read an integer field of any size, sign-extending signed ones. */
static unsigned long long read_num(const struct tep_format_field *f, const void *data)
{
	const unsigned char *p = (const unsigned char *)data + f->offset;
	unsigned long long v = 0;

	switch (f->size) {
	case 1: { uint8_t x; memcpy(&x, p, 1); v = (f->flags & TEP_FIELD_IS_SIGNED) ? (unsigned long long)(int8_t)x : x; break; }
	case 2: { uint16_t x; memcpy(&x, p, 2); v = (f->flags & TEP_FIELD_IS_SIGNED) ? (unsigned long long)(int16_t)x : x; break; }
	case 4: { uint32_t x; memcpy(&x, p, 4); v = (f->flags & TEP_FIELD_IS_SIGNED) ? (unsigned long long)(int32_t)x : x; break; }
	case 8: memcpy(&v, p, 8); break;
	}
	return v;
}

/* Does the field lie inside the record? (A corrupt file's records may be short.) */
static bool in_rec(const struct tep_format_field *f, const struct tep_record *rec)
{
	return f->offset >= 0 && f->size >= 0 && rec->size >= 0 &&
	       (unsigned int)f->offset + (unsigned int)f->size <= (unsigned int)rec->size;
}

/* Point at a __data_loc / __rel_loc string inside the record. */
static inline void read_string(const struct tep_format_field *f, const struct tep_record *rec,
			const char **s, int *len)
{
	uint32_t loc;
	unsigned int off, n;

	*s = NULL;
	*len = 0;
	if (!in_rec(f, rec))
		return;
	if (!(f->flags & TEP_FIELD_IS_DYNAMIC) || f->size != 4) {
		/* a fixed char array, or a flexible one (size 0) running to the end */
		unsigned int room = f->size ? (unsigned int)f->size :
				    (unsigned int)rec->size > (unsigned int)f->offset ?
				    rec->size - f->offset : 0;

		*s = (const char *)rec->data + f->offset;
		*len = strnlen(*s, room);
		return;
	}
	memcpy(&loc, (const char *)rec->data + f->offset, 4);
	off = loc & 0xffff;
	n = loc >> 16;
	if (f->flags & TEP_FIELD_IS_RELATIVE)
		off += f->offset + f->size;
	if (off >= (unsigned int)rec->size || n > (unsigned int)rec->size - off)
		return;
	*s = (const char *)rec->data + off;
	*len = strnlen(*s, n);
}

/* Fork, exec and exit: the process, its parent and its comm (exec: the file's base name). */
static void decode_process(const struct ev_desc *desc, const struct tep_record *rec,
			   struct kms_ev *ev)
{
	const void *data = rec->data;
	const char *slash;

	ev->tpid = ev->pid;
	if (desc->f[KMS_F_CHILD_PID])
		ev->tpid = read_num(desc->f[KMS_F_CHILD_PID], data);
	else if (desc->f[KMS_F_PID])
		ev->tpid = read_num(desc->f[KMS_F_PID], data);
	if (desc->f[KMS_F_PARENT_PID])
		ev->ppid = read_num(desc->f[KMS_F_PARENT_PID], data);
	if (desc->f[KMS_F_CHILD_COMM])
		read_string(desc->f[KMS_F_CHILD_COMM], rec, &ev->comm, &ev->comm_len);
	else if (desc->f[KMS_F_COMM])
		read_string(desc->f[KMS_F_COMM], rec, &ev->comm, &ev->comm_len);
	else if (desc->f[KMS_F_FILENAME]) {
		read_string(desc->f[KMS_F_FILENAME], rec, &ev->comm, &ev->comm_len);
		/* the kernel names the task after the file's base name, up to 15 bytes */
		while (ev->comm && (slash = memchr(ev->comm, '/', ev->comm_len))) {
			ev->comm_len -= slash + 1 - ev->comm;
			ev->comm = slash + 1;
		}
		if (ev->comm_len > 15)
			ev->comm_len = 15;
	}
}

/* What some types have beyond integer fields: strings, process events, stacks, fault probes. */
void kms_decode_extra(const struct kms_decoder *d, const struct ev_desc *desc,
		      const struct tep_record *rec, struct kms_ev *ev)
{
	if (desc->extra & EXTRA_NAME)
		read_string(desc->f[KMS_F_NAME], rec, &ev->name, &ev->name_len);
	if (desc->extra & EXTRA_BUF)
		read_string(desc->f[KMS_F_BUF], rec, &ev->buf, &ev->buf_len);
	if (desc->extra & EXTRA_PROCESS)
		decode_process(desc, rec, ev);
	if (desc->extra & EXTRA_STACK)
		kms_decode_stack(d->tep, desc->f[KMS_F_CALLER], rec, ev);
	if (desc->extra & EXTRA_FAULT) {
		/* handle_mm_fault flags: FAULT_FLAG_WRITE 1<<0, USER 1<<6, INSTRUCTION 1<<8 */
		unsigned long long fl = ev->error_code;

		ev->type = (fl & (1 << 6)) ? KMS_EV_FAULT_USER : KMS_EV_FAULT_KERNEL;
		ev->error_code = (fl & 1 ? 0x2 : 0) | (fl & (1 << 8) ? 0x10 : 0);
	}
}

/*
 * A short record, or the one after it: every copy from the template again
 * (the fields a short record lacks stay as the template has them).
 */
void kms_decode_cold(struct ev_desc *desc, const struct tep_record *rec, struct kms_ev *ev)
{
	unsigned long long ts = ev->ts;
	int cpu = ev->cpu, pid = ev->pid;
	bool is_short = desc->ops_end > (unsigned int)rec->size;

	*ev = desc->tmpl;
	ev->ts = ts;
	ev->cpu = cpu;
	ev->pid = pid;
	desc->dirty = is_short;
	kms_decode_copy(desc->ops, desc->end, rec->data, rec->size, is_short, ev);
}

/* Decode one record through the id table into ev. */
int kms_decode(struct kms_decoder *d, const struct tep_record *rec, struct kms_ev *ev)
{
	const struct kms_ev *e = kms_decode_hot(d, rec);

	if (!e)
		return 0;
	*ev = *e;
	return 1;
}
