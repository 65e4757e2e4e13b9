// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/slabinfo snapshots before and after a run (the slabinfo table):
 * given as text live, or carried in a recording as ftrace:print lines.
 */
#include <limits.h>
#include <string.h>

#include "analyse/internal.h"
#include "base/kms.h"

#define SN_LINE_MAX	511	/* the bytes of a line that are read */

void kms_sn_line(struct sn_line *l, const char *s, size_t n)
{
	l->p = s;
	l->end = s + strnlen(s, n < SN_LINE_MAX ? n : SN_LINE_MAX);
}

/* Whitespace as isspace() sees it in the C locale. */
static inline bool sn_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static void sn_skip(struct sn_line *l)
{
	while (l->p < l->end && sn_space(*l->p))
		l->p++;
}

bool kms_sn_word(struct sn_line *l, size_t max, const char **w, size_t *len)
{
	const char *start;

	sn_skip(l);
	if (l->p == l->end)
		return false;
	start = l->p;
	while (l->p < l->end && !sn_space(*l->p) && (size_t)(l->p - start) < max)
		l->p++;
	*w = start;
	*len = l->p - start;
	return true;
}

bool kms_sn_lit(struct sn_line *l, const char *lit, bool skip)
{
	size_t n = strlen(lit);

	if (skip)
		sn_skip(l);
	if ((size_t)(l->end - l->p) < n || memcmp(l->p, lit, n))
		return false;
	l->p += n;
	return true;
}

bool kms_sn_num(struct sn_line *l, long long *v)
{
	unsigned long long u = 0, lim;
	bool neg = false, over = false;
	const char *start;

	sn_skip(l);
	if (l->p < l->end && (*l->p == '-' || *l->p == '+'))
		neg = *l->p++ == '-';
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	for (start = l->p; l->p < l->end && *l->p >= '0' && *l->p <= '9'; l->p++) {
		unsigned int d = *l->p - '0';

		if (u > (lim - d) / 10)
			over = true;
		else
			u = u * 10 + d;
	}
	if (l->p == start)
		return false;
	if (over)
		u = lim;
	*v = neg ? (long long)(0 - u) : (long long)u;
	return true;
}

/* One line of /proc/slabinfo: name active_objs num_objs objsize ... */
static int slabinfo_line(struct kms_analysis *a, const char *s, size_t n, int after)
{
	long long active, total, objsize;
	struct sn_line l;
	struct si_val *v;
	const char *name;
	size_t len;
	uint32_t key;
	int64_t id;

	kms_sn_line(&l, s, n);
	if ((l.p < l.end && l.p[0] == '#') ||
	    (l.end - l.p >= 8 && !memcmp(l.p, "slabinfo", 8)) ||
	    !kms_sn_word(&l, 63, &name, &len) || !kms_sn_num(&l, &active) ||
	    !kms_sn_num(&l, &total) || !kms_sn_num(&l, &objsize))
		return 0;
	id = kms_intern(&a->strs, name, len);
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

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		if (slabinfo_line(a, line, n, after) < 0)
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* "kmemscope-snapshot slabinfo before|after LINE", written by record. */
int kms_snapshot_add(struct kms_analysis *a, const struct kms_ev *ev)
{
	static const char tag[] = "kmemscope-snapshot slabinfo ";
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
	return slabinfo_line(a, p, n, after);
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
