// SPDX-License-Identifier: GPL-2.0
/*
 * Field lookup by name for the kmem and exceptions events, resolved once
 * per source; decoding a record is then a table lookup by event id.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "base/kms.h"
#include "recipe/recipe.h"

static const struct {
	const char *system, *name;
} ev_names[KMS_EV__MAX] = {
	[KMS_EV_PAGE_ALLOC]		= { "kmem", "mm_page_alloc" },
	[KMS_EV_PAGE_FREE]		= { "kmem", "mm_page_free" },
	[KMS_EV_PAGE_FREE_BATCHED]	= { "kmem", "mm_page_free_batched" },
	[KMS_EV_KMALLOC]		= { "kmem", "kmalloc" },
	[KMS_EV_KMALLOC_NODE]		= { "kmem", "kmalloc_node" },
	[KMS_EV_CACHE_ALLOC]		= { "kmem", "kmem_cache_alloc" },
	[KMS_EV_CACHE_ALLOC_NODE]	= { "kmem", "kmem_cache_alloc_node" },
	[KMS_EV_KFREE]			= { "kmem", "kfree" },
	[KMS_EV_CACHE_FREE]		= { "kmem", "kmem_cache_free" },
	[KMS_EV_RSS_STAT]		= { "kmem", "rss_stat" },
	[KMS_EV_FAULT_USER]		= { "exceptions", "page_fault_user" },
	[KMS_EV_FAULT_KERNEL]		= { "exceptions", "page_fault_kernel" },
	[KMS_EV_PRINT]			= { "ftrace", "print" },
};

static const char *const field_names[KMS_F__MAX] = {
	[KMS_F_PFN] = "pfn", [KMS_F_ORDER] = "order", [KMS_F_GFP] = "gfp_flags",
	[KMS_F_MIGRATETYPE] = "migratetype", [KMS_F_CALL_SITE] = "call_site",
	[KMS_F_PTR] = "ptr", [KMS_F_BYTES_REQ] = "bytes_req",
	[KMS_F_BYTES_ALLOC] = "bytes_alloc", [KMS_F_NODE] = "node",
	[KMS_F_ACCOUNTED] = "accounted", [KMS_F_NAME] = "name",
	[KMS_F_ADDRESS] = "address", [KMS_F_IP] = "ip",
	[KMS_F_ERROR_CODE] = "error_code", [KMS_F_MM_ID] = "mm_id",
	[KMS_F_CURR] = "curr", [KMS_F_MEMBER] = "member", [KMS_F_SIZE] = "size",
	[KMS_F_BUF] = "buf",
};

struct ev_desc {
	enum kms_ev_type		type;
	int				probe;		/* recipe kprobe index, or -1 */
	int				role;		/* its enum kms_probe_role */
	unsigned int			have;
	struct tep_format_field		*f[KMS_F__MAX];
};

struct kms_decoder {
	struct tep_handle	*tep;
	int			max_id;
	struct ev_desc		**by_id;		/* indexed by event id */
	struct ev_desc		desc[KMS_EV__MAX];
	struct ev_desc		*probes;		/* one per recipe kprobe */
	int			nr_probes;
};

const char *kms_ev_name(enum kms_ev_type t)
{
	static char buf[KMS_EV__MAX][48];

	if (t <= KMS_EV_NONE || t >= KMS_EV__MAX || !ev_names[t].name)
		return "?";
	if (!buf[t][0])
		snprintf(buf[t], sizeof(buf[t]), "%s:%s", ev_names[t].system,
			 ev_names[t].name);
	return buf[t];
}

const char *kms_field_name(enum kms_field f)
{
	return f < KMS_F__MAX ? field_names[f] : "?";
}

/* Resolve the fields of every known event present in tep. */
struct kms_decoder *kms_decoder_new(struct tep_handle *tep)
{
	struct kms_decoder *d;
	struct tep_event *event;
	int t, f, max_id = 0;

	d = calloc(1, sizeof(*d));
	if (!d) {
		kms_error(KMS_ERR_NOMEM, "out of memory");
		return NULL;
	}
	d->tep = tep;
	for (t = 0; t < KMS_EV__MAX; t++)
		d->desc[t].probe = -1;
	for (t = 1; t < KMS_EV__MAX; t++) {
		if (!ev_names[t].name)	/* kprobe roles: see kms_decoder_add_probes() */
			continue;
		event = tep_find_event_by_name(tep, ev_names[t].system, ev_names[t].name);
		if (!event)
			continue;
		d->desc[t].type = t;
		for (f = 0; f < KMS_F__MAX; f++) {
			d->desc[t].f[f] = tep_find_field(event, field_names[f]);
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
	for (t = 1; t < KMS_EV__MAX; t++) {
		event = ev_names[t].name ?
			tep_find_event_by_name(tep, ev_names[t].system, ev_names[t].name) : NULL;
		if (event)
			d->by_id[event->id] = &d->desc[t];
	}
	return d;
}

/* Probe fields are the recipe's argument names. */
static const struct {
	enum kms_field	f;
	const char	*arg;
} probe_args[] = {
	{ KMS_F_ORDER, "order" }, { KMS_F_BYTES_REQ, "size" }, { KMS_F_NAME, "name" },
	{ KMS_F_PTR, "ptr" }, { KMS_F_ADDRESS, "address" }, { KMS_F_ERROR_CODE, "flags" },
};

int kms_decoder_add_probes(struct kms_decoder *d, const struct kms_recipe *r)
{
	struct tep_event **events = tep_list_events(d->tep, TEP_EVENT_SORT_ID), *e;
	int i, j;
	size_t k;

	if (!r->nr_kprobes)
		return 0;
	d->probes = calloc(r->nr_kprobes, sizeof(*d->probes));
	if (!d->probes)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	d->nr_probes = r->nr_kprobes;
	for (i = 0; i < r->nr_kprobes; i++) {
		struct ev_desc *pd = &d->probes[i];

		pd->probe = i;
		pd->role = r->kprobes[i].role;
		switch (pd->role) {
		case KMS_ROLE_PAGE_ALLOC: pd->type = KMS_EV_PAGE_ALLOC; break;
		case KMS_ROLE_KMALLOC: pd->type = KMS_EV_KMALLOC; break;
		case KMS_ROLE_CACHE_ALLOC: pd->type = KMS_EV_CACHE_ALLOC; break;
		case KMS_ROLE_FAULT: pd->type = KMS_EV_FAULT_USER; break;
		default: pd->type = KMS_EV_PROBE;
		}
		for (j = 0, e = NULL; events && events[j]; j++)
			if (!strcmp(events[j]->name, r->kprobes[i].name) &&
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
	}
	return 0;
}

void kms_decoder_free(struct kms_decoder *d)
{
	if (!d)
		return;
	free(d->probes);
	free(d->by_id);
	free(d);
}

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
static void read_string(const struct tep_format_field *f, const struct tep_record *rec,
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

/* Decode one record through the id table. */
int kms_decode(const struct kms_decoder *d, const struct tep_record *rec,
	       struct kms_ev *ev)
{
	const struct ev_desc *desc;
	const void *data = rec->data;
	unsigned short id;
	int32_t pid;

	if (rec->size < 8)
		return 0;
	memcpy(&id, data, 2);
	if (id > d->max_id || !(desc = d->by_id[id]))
		return 0;
	memset(ev, 0, sizeof(*ev));
	ev->type = desc->type;
	ev->have = desc->have;
	ev->ts = rec->ts;
	ev->cpu = rec->cpu;
	memcpy(&pid, (const char *)data + 4, 4);
	ev->pid = pid;
	ev->node = -1;
	ev->accounted = -1;

#define NUM(fld, member) \
	if (desc->f[fld] && desc->f[fld]->size && in_rec(desc->f[fld], rec)) ev->member = read_num(desc->f[fld], data)
	NUM(KMS_F_PFN, pfn);
	NUM(KMS_F_ORDER, order);
	NUM(KMS_F_GFP, gfp);
	NUM(KMS_F_MIGRATETYPE, migratetype);
	NUM(KMS_F_CALL_SITE, call_site);
	NUM(KMS_F_PTR, ptr);
	NUM(KMS_F_BYTES_REQ, bytes_req);
	NUM(KMS_F_BYTES_ALLOC, bytes_alloc);
	NUM(KMS_F_NODE, node);
	NUM(KMS_F_ACCOUNTED, accounted);
	NUM(KMS_F_ADDRESS, address);
	NUM(KMS_F_IP, ip);
	NUM(KMS_F_ERROR_CODE, error_code);
	NUM(KMS_F_MM_ID, mm_id);
	NUM(KMS_F_CURR, curr);
	NUM(KMS_F_MEMBER, member);
	NUM(KMS_F_SIZE, size);
#undef NUM
	if (desc->f[KMS_F_NAME])
		read_string(desc->f[KMS_F_NAME], rec, &ev->name, &ev->name_len);
	if (desc->f[KMS_F_BUF])
		read_string(desc->f[KMS_F_BUF], rec, &ev->buf, &ev->buf_len);
	ev->probe = desc->probe;
	if (desc->role == KMS_ROLE_FAULT) {
		/* handle_mm_fault flags: FAULT_FLAG_WRITE 1<<0, USER 1<<6, INSTRUCTION 1<<8 */
		unsigned long long fl = ev->error_code;

		ev->type = (fl & (1 << 6)) ? KMS_EV_FAULT_USER : KMS_EV_FAULT_KERNEL;
		ev->error_code = (fl & 1 ? 0x2 : 0) | (fl & (1 << 8) ? 0x10 : 0);
	}
	return 1;
}
