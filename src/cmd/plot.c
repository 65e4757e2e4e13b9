// SPDX-License-Identifier: GPL-2.0
/*
 * report --plot: a self-contained SVG of three charts against time (page
 * allocations per second by order, slab bytes per second of the top
 * caches, faults per second of the top processes), with axes, units and
 * a legend, and nothing loaded from elsewhere.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kms.h"
#include "cmd/timeline.h"

#define TOP_SERIES	6	/* lines a chart draws: the largest totals */
#define W		980	/* the picture */
#define CH		300	/* one chart's height */
#define ML		90	/* margins of a chart: left, right (the legend), top, bottom */
#define MR		250
#define MT		50
#define MB		50

static const char *const colors[TOP_SERIES] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
};

static const struct {
	const char *title, *unit;
} charts[PLOT_CHARTS] = {
	{ "Page allocations by order", "allocations/s" },
	{ "Slab bytes allocated, top caches", "bytes/s" },
	{ "Page faults, top processes", "faults/s" },
};

int plot_add(struct plot *p, int chart, const char *name, int pt, long long value)
{
	struct plot_series *s = NULL, *tmp;
	int i;

	for (i = 0; i < p->n[chart]; i++)
		if (!strcmp(p->s[chart][i].name, name))
			s = &p->s[chart][i];
	if (!s) {
		tmp = realloc(p->s[chart], (p->n[chart] + 1) * sizeof(*tmp));
		if (!tmp)
			return -1;
		p->s[chart] = tmp;
		s = &tmp[p->n[chart]++];
		memset(s, 0, sizeof(*s));
		snprintf(s->name, sizeof(s->name), "%s", name);
	}
	if (pt >= s->cap) {
		int cap = pt + 64;
		double *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -1;
		memset(v + s->cap, 0, (cap - s->cap) * sizeof(*v));
		s->v = v;
		s->cap = cap;
	}
	s->v[pt] += value;
	s->total += value;
	return 0;
}

void plot_halve(struct plot *p)
{
	int c, i, j;

	for (c = 0; c < PLOT_CHARTS; c++)
		for (i = 0; i < p->n[c]; i++) {
			struct plot_series *s = &p->s[c][i];

			for (j = 0; j < s->cap; j++) {
				double v = s->v[j];

				s->v[j] = 0;
				s->v[j / 2] += v;
			}
		}
}

void plot_free(struct plot *p)
{
	int c, i;

	for (c = 0; c < PLOT_CHARTS; c++) {
		for (i = 0; i < p->n[c]; i++)
			free(p->s[c][i].v);
		free(p->s[c]);
	}
	memset(p, 0, sizeof(*p));
}

/* A number with an SI prefix: 1.5k, 20M. */
static void si(double v, char *buf, size_t len)
{
	static const char *const pre[] = { "", "k", "M", "G", "T" };
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	snprintf(buf, len, v == (long long)v ? "%.0f%s" : "%.1f%s", v, pre[u]);
}

/* A "nice" step (1, 2 or 5 times a power of ten) for about n ticks up to max. */
static double nice_step(double max, int n)
{
	double raw = max / n, p = 1;

	while (p * 10 <= raw)
		p *= 10;
	while (p > raw)
		p /= 10;
	return raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
}

/* Text with &, < and > escaped, for XML. */
static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			fputc(*s, f);
	}
}

/* Sort series indexes by total, largest first. */
static int cmp_total(const void *a, const void *b, void *arg)
{
	const struct plot_series *s = arg;
	double x = s[*(const int *)a].total, y = s[*(const int *)b].total;

	return (x < y) - (x > y);
}

/* One chart at y offset top: axes, ticks, lines and legend. */
static void chart(FILE *f, const struct plot *p, int c, int top, double interval_s, int npts)
{
	int idx[256], n = p->n[c] < 256 ? p->n[c] : 256, i, j, shown;
	double max = 0, step, tmax = npts * interval_s, tstep, v;
	int pw = W - ML - MR, ph = CH - MT - MB, x0 = ML, y0 = top + CH - MB;
	char buf[32];

	for (i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(idx[0]), cmp_total, p->s[c]);
	shown = n < TOP_SERIES ? n : TOP_SERIES;
	for (i = 0; i < shown; i++)
		for (j = 0; j < npts && j < p->s[c][idx[i]].cap; j++)
			if (p->s[c][idx[i]].v[j] / interval_s > max)
				max = p->s[c][idx[i]].v[j] / interval_s;
	if (max <= 0)
		max = 1;
	step = nice_step(max, 5);
	max = step * (int)(max / step + 0.999);
	if (tmax <= 0)
		tmax = interval_s;
	tstep = nice_step(tmax, 8);

	fprintf(f, "<g>\n<text x=\"%d\" y=\"%d\" font-size=\"16\" font-weight=\"bold\">%s</text>\n",
		ML, top + 30, charts[c].title);
	for (v = 0; v <= max * 1.0001; v += step) {	/* y ticks and grid */
		double y = y0 - v / max * ph;

		si(v, buf, sizeof(buf));
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			x0, y, x0 + pw, y);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>\n",
			x0 - 6, y + 4, buf);
	}
	for (v = 0; v <= tmax * 1.0001; v += tstep) {	/* x ticks */
		double x = x0 + v / tmax * pw;

		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\"/>\n",
			x, y0, x, y0 + 5);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%g</text>\n",
			x, y0 + 18, v);
	}
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n",
		x0, y0, x0 + pw, y0);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n",
		x0, y0, x0, y0 - ph);
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">time (s)</text>\n",
		x0 + pw / 2, y0 + 36);
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" "
		"transform=\"rotate(-90 %d %d)\">%s</text>\n", ML - 60, y0 - ph / 2, ML - 60,
		y0 - ph / 2, charts[c].unit);
	if (!shown)
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"13\" fill=\"#888\">no events</text>\n",
			x0 + 20, y0 - ph / 2);
	for (i = 0; i < shown; i++) {
		const struct plot_series *s = &p->s[c][idx[i]];

		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
			colors[i]);
		for (j = 0; j < npts; j++)
			fprintf(f, "%s%.1f,%.1f", j ? " " : "",
				x0 + (j + 0.5) * interval_s / tmax * pw,
				y0 - (j < s->cap ? s->v[j] : 0) / interval_s / max * ph);
		fprintf(f, "\"/>\n");
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>\n",
			x0 + pw + 20, top + MT + 10 + i * 20, colors[i]);
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\">", x0 + pw + 40,
			top + MT + 16 + i * 20);
		xml_text(f, s->name);
		fprintf(f, "</text>\n");
	}
	if (n > shown)
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#666\">and %d more</text>\n",
			x0 + pw + 20, top + MT + 16 + shown * 20, n - shown);
	fprintf(f, "</g>\n");
}

int plot_write(const struct plot *p, const char *path, const char *source, double interval_s,
	       int npts)
{
	int h = PLOT_CHARTS * CH + 40, c;
	FILE *f = fopen(path, "w");

	if (!f)
		return kms_error(KMS_ERR_OUTPUT, "cannot write %s: %s", path, strerror(errno));
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n", W, h, W, h);
	fprintf(f, "<text x=\"%d\" y=\"24\" font-size=\"13\" fill=\"#444\">kmemscope: ", ML);
	xml_text(f, source);
	fprintf(f, ", per second in intervals of %g s</text>\n", interval_s);
	for (c = 0; c < PLOT_CHARTS; c++)
		chart(f, p, c, 30 + c * CH, interval_s, npts);
	fprintf(f, "</svg>\n");
	if (ferror(f) | fclose(f))
		return kms_error(KMS_ERR_OUTPUT, "writing %s failed", path);
	return 0;
}
