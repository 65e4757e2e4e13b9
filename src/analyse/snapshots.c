// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/slabinfo snapshots before and after a run (the slabinfo table):
 * given as text live, or carried in a recording as ftrace:print lines.
 */
#include <stdio.h>
#include <string.h>

#include "analyse/internal.h"
#include "base/kms.h"

/* One line of /proc/slabinfo: name active_objs num_objs objsize ... */
static int slabinfo_line(struct kms_analysis *a, const char *line, int after)
{
	long long active, total, objsize;
	struct si_val *v;
	char name[64];
	uint32_t key;
	int64_t id;

	if (line[0] == '#' || !strncmp(line, "slabinfo", 8) ||
	    sscanf(line, "%63s %lld %lld %lld", name, &active, &total, &objsize) != 4)
		return 0;
	id = kms_intern_str(&a->strs, name);
	key = id;
	v = id < 0 ? NULL : kms_hmap_get(&a->slabinfo, &key, NULL);
	if (!v)
		return -1;
	if (after) {
		v->after = active;
		v->has_after = 1;
	} else {
		v->before = active;
		v->has_before = 1;
	}
	v->objsize = objsize;
	return 0;
}

int kms_analysis_slabinfo(struct kms_analysis *a, const char *text, int after)
{
	const char *line = text;
	char buf[512];

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		int n = nl ? nl - line : (int)strlen(line);

		snprintf(buf, sizeof(buf), "%.*s", n, line);
		if (slabinfo_line(a, buf, after) < 0)
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* "kmemscope-snapshot slabinfo before|after LINE", written by record. */
int kms_snapshot_add(struct kms_analysis *a, const struct kms_ev *ev)
{
	static const char tag[] = "kmemscope-snapshot slabinfo ";
	char line[512];
	int n = ev->buf_len, after;
	const char *p;

	if (!ev->buf)
		return 0;
	if (n <= (int)sizeof(tag) || memcmp(ev->buf, tag, sizeof(tag) - 1))
		return kms_snapview_add(a, ev->buf, n);	/* buddyinfo, meminfo, vmstat */
	p = ev->buf + sizeof(tag) - 1;
	n -= sizeof(tag) - 1;
	if (n > 6 && !memcmp(p, "after ", 6)) {
		after = 1;
		p += 6;
		n -= 6;
	} else if (n > 7 && !memcmp(p, "before ", 7)) {
		after = 0;
		p += 7;
		n -= 7;
	} else {
		return 0;
	}
	snprintf(line, sizeof(line), "%.*s", n, p);
	return slabinfo_line(a, line, after);
}

/* slabinfo: one fact per cache whose active objects changed. */
int kms_emit_slabinfo(struct kms_proj *p)
{
	const void *kp;
	void *vp;
	size_t pos = 0;

	if (!p->a->slabinfo.len)
		p->note = "no /proc/slabinfo snapshots in this source";
	while (kms_hmap_next(&p->a->slabinfo, &pos, &kp, &vp)) {
		const struct si_val *v = vp;
		int64_t f[KMS_SLOT__MAX] = { 0 };

		if (!v->has_before || !v->has_after || v->before == v->after)
			continue;
		f[KMS_SLOT_CACHE] = *(const uint32_t *)kp;
		f[KMS_SLOT_BEFORE] = v->before;
		f[KMS_SLOT_AFTER] = v->after;
		f[KMS_SLOT_OBJSIZE] = v->objsize;
		if (kms_proj_add(p, f))
			return -1;
	}
	return 0;
}

/* delta: active objects after less before. */
void kms_col_delta(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	c->i = (int64_t)(g->sum[KMS_SLOT_AFTER] - g->sum[KMS_SLOT_BEFORE]);
}

/* delta_kib: that change in KiB of objects. */
void kms_col_delta_kib(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	uint64_t delta = g->sum[KMS_SLOT_AFTER] - g->sum[KMS_SLOT_BEFORE];

	c->i = (int64_t)(delta * g->sum[KMS_SLOT_OBJSIZE]) / 1024;
}

/* delta_bytes: that change in bytes, exact (delta_kib is cut to whole KiB). */
void kms_col_delta_bytes(struct kms_proj *p, const struct kms_group *g, struct kms_cell *c)
{
	uint64_t delta = g->sum[KMS_SLOT_AFTER] - g->sum[KMS_SLOT_BEFORE];

	c->i = (int64_t)(delta * g->sum[KMS_SLOT_OBJSIZE]);
}
