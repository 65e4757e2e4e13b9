// SPDX-License-Identifier: GPL-2.0
/*
 * ftrace:kernel_stack records: their frames, and which event each belongs
 * to. The pairer keeps one event per CPU, copied without its pointers into
 * the record, so pairing allocates only when a CPU is first seen.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/stack.h"

struct cpu_slot {
	struct kms_ev	ev;		/* the CPU's last event */
	int		pending;	/* it wants a stack and has none yet */
};

struct kms_pairer {
	struct cpu_slot	*last;		/* by CPU */
	int		ncpus;
};

/* Point ev->frames at the caller array, as many as size says and the record holds. */
void kms_decode_stack(struct tep_handle *tep, const struct tep_format_field *caller,
		      const struct tep_record *rec, struct kms_ev *ev)
{
	int lsz = tep ? tep_get_long_size(tep) : (int)sizeof(long);
	int room, n = (int)ev->size;

	ev->frames = NULL;
	ev->nr_frames = 0;
	if (lsz != 4 && lsz != 8)
		lsz = sizeof(long);
	ev->frame_size = lsz;
	if (!caller || caller->offset >= rec->size)
		return;
	room = (rec->size - caller->offset) / lsz;
	if (n <= 0 || n > room)
		n = room;
	if (n > KMS_STACK_MAX_FRAMES)
		n = KMS_STACK_MAX_FRAMES;
	ev->frames = (const unsigned char *)rec->data + caller->offset;
	ev->nr_frames = n;
}

/* One return address, of the data's long size. */
unsigned long long kms_stack_frame(const struct kms_ev *ev, int idx)
{
	const unsigned char *p = ev->frames + (size_t)idx * ev->frame_size;

	if (ev->frame_size == 4) {
		uint32_t v;

		memcpy(&v, p, 4);
		return v;
	}
	{
		uint64_t v;

		memcpy(&v, p, 8);
		return v;
	}
}

/* An empty pairer. */
struct kms_pairer *kms_pairer_new(void)
{
	return calloc(1, sizeof(struct kms_pairer));
}

/* Free a pairer; NULL is fine. */
void kms_pairer_free(struct kms_pairer *p)
{
	if (!p)
		return;
	free(p->last);
	free(p);
}

/* Remember an event as its CPU's last, or hand a stack the event it follows. */
const struct kms_ev *kms_pairer_feed(struct kms_pairer *p, const struct kms_ev *ev, int *err)
{
	struct cpu_slot *slot;

	*err = 0;
	if (ev->cpu < 0 || ev->cpu > 65535)
		return NULL;
	if (ev->cpu >= p->ncpus) {
		int n = ev->cpu + 1;
		struct cpu_slot *m = realloc(p->last, n * sizeof(*m));

		if (!m) {
			*err = -1;
			return NULL;
		}
		memset(m + p->ncpus, 0, (n - p->ncpus) * sizeof(*m));
		p->last = m;
		p->ncpus = n;
	}
	slot = &p->last[ev->cpu];
	if (ev->type == KMS_EV_STACK) {
		if (!slot->pending)
			return NULL;
		slot->pending = 0;	/* a second stack finds nothing */
		return &slot->ev;
	}
	/* others (a free in an interrupt) may come between an event and its stack */
	if (!kms_ev_takes_stack(ev->type))
		return NULL;
	slot->pending = 1;
	slot->ev = *ev;
	slot->ev.name = slot->ev.buf = slot->ev.comm = NULL;	/* into the record */
	slot->ev.name_len = slot->ev.buf_len = slot->ev.comm_len = 0;
	return NULL;
}
