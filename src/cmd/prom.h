/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus metrics for node_exporter's textfile collector: top
 * --textfile DIR rewrites DIR/kmemscope.prom every interval from the
 * analysis (kmemscope-prometheus(7)). It asks the analysis for tables of
 * its own, whatever the recipe prints, so it depends on nothing of top
 * but the analysis and the figures of the interval.
 */
#ifndef KMS_PROM_H
#define KMS_PROM_H

#include "analyse/analyse.h"
#include "cmd/output.h"

#define PROM_TOP_DEFAULT	20	/* label values kept per label, the rest is "other" */
#define PROM_TOP_MAX		1000

/* The label values that keep a series of their own, once chosen. */
struct prom_keep {
	char	**v;
	int	n;
};

struct prom {
	char			*dir;
	char			*path;		/* DIR/kmemscope.prom */
	int			top;		/* 0: PROM_TOP_DEFAULT */
	struct prom_keep	caches;
	struct prom_keep	comms;
};

/* Check that dir is a writable directory and remember it; -1 with kms_error(). */
int prom_init(struct prom *p, const char *dir);
/*
 * Write the metrics of the analysis, the interval's event and lost counts
 * (m) and /proc/meminfo through a temporary file renamed into place.
 */
int prom_write(struct prom *p, struct kms_analysis *a, const struct out_meta *m);
void prom_free(struct prom *p);

#endif
