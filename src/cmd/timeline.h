/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report --interval (tables per interval) and report --plot (an SVG of
 * rates against time): timeline.c cuts the recording, plot.c draws.
 */
#ifndef KMS_CMD_TIMELINE_H
#define KMS_CMD_TIMELINE_H

#include <stdbool.h>

#include "cmd/fileanalysis.h"

struct tl_opts {
	const char	*recipe;
	const char	*table;		/* only this table of the recipe */
	double		interval_s;	/* > 0: print the tables of each interval */
	const char	*plot;		/* the SVG file to write, or NULL */
	bool		json;
};

/* Run report --interval and/or --plot on path; returns an exit status. */
int report_timeline(const char *path, const struct tl_opts *o);

#define PLOT_CHARTS	3	/* page allocations by order, slab bytes, faults */

/* One line of a chart: a name and its value in each interval. */
struct plot_series {
	char		name[80];
	double		*v;
	int		cap;
	double		total;
};

struct plot {
	struct plot_series	*s[PLOT_CHARTS];
	int			n[PLOT_CHARTS];
};

/* Add value to interval pt of the chart's series name. */
int plot_add(struct plot *p, int chart, const char *name, int pt, long long value);
/* Merge the intervals in pairs (the interval doubled). */
void plot_halve(struct plot *p);
/* Write the SVG: npts intervals of interval_s seconds, per second. */
int plot_write(const struct plot *p, const char *path, const char *source, double interval_s,
	       int npts);
void plot_free(struct plot *p);

#endif
