// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe hits by probe and process, and by probe and page order (the
 * probes and probe_orders tables), whatever role the probe has.
 */
#include <stdlib.h>

#include "analyse/internal.h"
#include "base/kms.h"

int kms_analysis_set_probes(struct kms_analysis *a, const char *const *names, int nr)
{
	int i;

	if (nr < 0)
		nr = 0;
	free(a->probe_names);
	a->nr_probes = 0;
	a->probe_names = calloc(nr + 1, sizeof(*a->probe_names));
	if (!a->probe_names)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	for (i = 0; i < nr; i++) {
		a->probe_names[i] = kms_intern_str(&a->strs, names[i]);
		if (a->probe_names[i] < 0)
			return kms_error(KMS_ERR_NOMEM, "out of memory");
	}
	a->nr_probes = nr;
	return 0;
}

/* Every kprobe hit, per process and (with a valid order) per order. */
int kms_probe_add(struct kms_analysis *a, const struct kms_ev *ev)
{
	struct probe_key k = { ev->probe, ev->pid };
	uint64_t *n = kms_hmap_get(&a->probes, &k, NULL);

	if (!n)
		return -1;
	(*n)++;
	if (KMS_HAS(ev, KMS_F_ORDER) && ev->order <= KMS_MAX_ORDER) {
		k.pid = ev->order;
		n = kms_hmap_get(&a->probe_orders, &k, NULL);
		if (!n)
			return -1;
		(*n)++;
	}
	return 0;
}

/* probes: one fact per probe and process. */
int kms_emit_probes(struct kms_proj *p)
{
	struct kms_analysis *a = p->a;
	const void *kp;
	void *vp;
	size_t pos = 0;

	while (kms_hmap_next(&a->probes, &pos, &kp, &vp)) {
		const struct probe_key *k = kp;
		int64_t f[KMS_SLOT__MAX] = { 0 };

		if (k->probe < 0 || k->probe >= a->nr_probes)
			continue;
		f[KMS_SLOT_PROBE] = a->probe_names[k->probe];
		f[KMS_SLOT_PID] = k->pid;
		f[KMS_SLOT_COMM] = kms_comm_of(a, k->pid);
		f[KMS_SLOT_HITS] = *(const uint64_t *)vp;
		if (kms_proj_add(p, f))
			return -1;
	}
	return 0;
}

/* probe_orders: one fact per probe and order, with the pages its hits asked for. */
int kms_emit_probe_orders(struct kms_proj *p)
{
	struct kms_analysis *a = p->a;
	const void *kp;
	void *vp;
	size_t pos = 0;

	while (kms_hmap_next(&a->probe_orders, &pos, &kp, &vp)) {
		const struct probe_key *k = kp;	/* pid holds the order, 0 to 63 */
		uint64_t hits = *(const uint64_t *)vp;
		int64_t f[KMS_SLOT__MAX] = { 0 };

		if (k->probe < 0 || k->probe >= a->nr_probes)
			continue;
		f[KMS_SLOT_PROBE] = a->probe_names[k->probe];
		f[KMS_SLOT_ORDER] = k->pid;
		f[KMS_SLOT_PAGES] = hits << (k->pid & KMS_MAX_ORDER);
		f[KMS_SLOT_HITS] = hits;
		if (kms_proj_add(p, f))
			return -1;
	}
	return 0;
}
