// SPDX-License-Identifier: GPL-2.0
/*
 * Folded stacks (Brendan Gregg's format: "root;...;leaf WEIGHT", read by
 * flamegraph.pl, speedscope, Pyroscope and inferno) and a self-contained
 * SVG flame graph with hover titles and click-to-zoom, from the kernel
 * stacks of a recording.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/analyse.h"
#include "base/kms.h"
#include "cmd/cmd.h"
#include "cmd/stackout.h"
#include "recipe/recipe.h"

int cmd_stack_option(const struct cmd_entry *e, struct stack_opts *o, int opt, const char *arg)
{
	static const char *const weights[] = { "bytes", "objects", "pages", "count" };
	unsigned long v;
	size_t i;

	switch (opt - CMD_STACK_OPT_BASE) {
	case 0:
		o->folded = true;
		return 0;
	case 1:
		for (i = 0; i < KMS_ARRAY_SIZE(weights); i++)
			if (!strcmp(arg, weights[i])) {
				o->weight = i;
				return 0;
			}
		return cmd_usage_error(e, "--weight: '%s' is not bytes, objects, pages or count", arg);
	case 2:
		o->inuse = true;
		return 0;
	case 3:
		o->pprof = arg;
		return 0;
	case 4:
		o->svg = arg;
		return 0;
	case 5:
		if (kms_parse_uint(arg, 100000000, &v))
			return cmd_usage_error(e, "--older-than: invalid '%s' (whole seconds)", arg);
		o->older_ns = v * 1000000000ULL;
		return 0;
	}
	return -1;
}

bool cmd_stack_wanted(const struct stack_opts *o)
{
	return o->folded || o->pprof || o->svg;
}

void cmd_stack_setup(struct kms_analysis *a, const struct kms_recipe *rc,
		     const struct stack_opts *o)
{
	kms_recipe_stack_depths(rc, a);
	/* no stack output and no table of stacks: the pairing is skipped */
	kms_analysis_set_stacks(a, cmd_stack_wanted(o) ||
				kms_tables_need_stacks(rc->tables, rc->nr_tables));
	if (o->older_ns)
		kms_analysis_older_than(a, o->older_ns);
}

unsigned long long cmd_stack_weight(const struct kms_stack_sample *s, const struct stack_opts *o)
{
	switch (o->weight) {
	case W_BYTES:
		return o->inuse ? s->inuse_bytes : s->bytes;
	case W_OBJECTS:
		return o->inuse ? s->inuse_objects : s->objects;
	case W_PAGES:
		return o->inuse ? s->inuse_pages : s->pages;
	default:
		return o->inuse ? s->inuse_objects : s->count;
	}
}

/* The folded lines, gathered to be printed sorted. */
struct folded {
	const struct stack_opts	*o;
	char			**lines;
	size_t			n, cap;
};

/* Sort folded lines by their text. */
static int by_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One stack as a folded line, root first. */
static int fold_one(const struct kms_stack_sample *s, void *ctx)
{
	struct folded *f = ctx;
	unsigned long long w = cmd_stack_weight(s, f->o);
	size_t len = 0, cap = 64;
	char *line;
	int i;

	if (!w)
		return 0;
	for (i = 0; i < s->nr; i++)
		cap += strlen(s->frames[i]) + 1;
	line = malloc(cap);
	if (!line)
		return -1;
	line[0] = '\0';
	for (i = s->nr - 1; i >= 0; i--)
		len += sprintf(line + len, "%s%s", len ? ";" : "", s->frames[i]);
	if (!s->nr)
		len += sprintf(line, "[no frames]");
	sprintf(line + len, " %llu", w);
	if (f->n == f->cap) {
		char **n = realloc(f->lines, (f->cap = f->cap ? f->cap * 2 : 256) * sizeof(*n));

		if (!n) {
			free(line);
			return -1;
		}
		f->lines = n;
	}
	f->lines[f->n++] = line;
	return 0;
}

/* --folded: every stack with a weight, one line each, sorted. */
static int print_folded(struct kms_analysis *a, const struct stack_opts *o)
{
	struct folded f = { .o = o };
	size_t i;
	int ret;

	ret = kms_analysis_stacks(a, fold_one, &f);
	if (!ret) {
		qsort(f.lines, f.n, sizeof(*f.lines), by_line);
		for (i = 0; i < f.n; i++)
			puts(f.lines[i]);
	}
	for (i = 0; i < f.n; i++)
		free(f.lines[i]);
	free(f.lines);
	return ret ? kms_error(KMS_ERR_NOMEM, "out of memory") : 0;
}

/* A flame graph node: a frame under its parent, with the sums below it. */
struct node {
	const char		*name;
	int			parent, child, next, depth;
	unsigned long long	w, bytes, objects, count;
	unsigned long long	off;	/* its offset within the root, in weight */
};

struct tree {
	const struct stack_opts	*o;
	struct node		*n;
	size_t			len, cap;
	int			maxdepth;
};

/* The child of parent named name, made if absent (siblings kept in name order). */
static int child_of(struct tree *t, int parent, const char *name)
{
	int c, *link = &t->n[parent].child, cmp = 1;

	for (c = *link; c >= 0; link = &t->n[c].next, c = *link) {
		cmp = strcmp(t->n[c].name, name);
		if (cmp >= 0)
			break;
	}
	if (c >= 0 && !cmp)
		return c;
	if (t->len == t->cap) {
		size_t at = (size_t)((char *)link - (char *)t->n);
		struct node *m = realloc(t->n, (t->cap *= 2) * sizeof(*m));

		if (!m)
			return -1;
		t->n = m;
		link = (int *)((char *)m + at);
	}
	t->n[t->len] = (struct node){ .name = name, .parent = parent, .child = -1, .next = c,
				      .depth = t->n[parent].depth + 1 };
	*link = t->len;
	if (t->n[t->len].depth > t->maxdepth)
		t->maxdepth = t->n[t->len].depth;
	return t->len++;
}

/* Add one stack's weights along its path from the root. */
static int tree_add(const struct kms_stack_sample *s, void *ctx)
{
	struct tree *t = ctx;
	unsigned long long w = cmd_stack_weight(s, t->o);
	unsigned long long objs = t->o->inuse ? s->inuse_objects : s->objects;
	unsigned long long bytes = t->o->inuse ? s->inuse_bytes : s->bytes;
	int i, cur = 0;

	if (!w)
		return 0;
	if (!s->nr)
		cur = child_of(t, 0, "[no frames]");
	for (i = s->nr - 1; i >= 0 && cur >= 0; i--)
		cur = child_of(t, cur, s->frames[i]);
	if (cur < 0)
		return -1;
	for (; cur > 0; cur = t->n[cur].parent) {
		t->n[cur].w += w;
		t->n[cur].bytes += bytes;
		t->n[cur].objects += objs;
		t->n[cur].count += s->count;
	}
	t->n[0].w += w;
	t->n[0].bytes += bytes;
	t->n[0].objects += objs;
	t->n[0].count += s->count;
	return 0;
}

/* Write text with XML's five characters escaped. */
static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* Give each node its offset within the root: siblings side by side, in name order. */
static void layout(struct tree *t)
{
	size_t i;
	int c;

	/* parents come before their children in t->n */
	for (i = 0; i < t->len; i++) {
		unsigned long long off = t->n[i].off;

		for (c = t->n[i].child; c >= 0; c = t->n[c].next) {
			t->n[c].off = off;
			off += t->n[c].w;
		}
	}
}

#define SVG_W		1200.0
#define SVG_PAD		10.0
#define FRAME_H		16

static const char svg_script[] =
"<script type=\"text/ecmascript\"><![CDATA[\n"
"var W = %g, P = %g;\n"
"function fit(g, x, w) {\n"
"  var r = g.querySelector('rect'), t = g.querySelector('text'), n = g.getAttribute('data-n');\n"
"  r.setAttribute('x', x); r.setAttribute('width', w); t.setAttribute('x', x + 3);\n"
"  var c = Math.floor((w - 6) / 7);\n"
"  t.textContent = c < 3 ? '' : (n.length <= c ? n : n.substring(0, c - 2) + '..');\n"
"}\n"
"function zoom(z) {\n"
"  var zo = +z.getAttribute('data-o'), zv = +z.getAttribute('data-v'), zd = +z.getAttribute('data-d');\n"
"  var gs = document.querySelectorAll('g.f');\n"
"  for (var i = 0; i < gs.length; i++) {\n"
"    var g = gs[i], o = +g.getAttribute('data-o'), v = +g.getAttribute('data-v'), d = +g.getAttribute('data-d');\n"
"    if (d < zd && o <= zo && o + v >= zo + zv) { g.style.display = ''; g.style.opacity = 0.6; fit(g, P, W - 2 * P); }\n"
"    else if (d >= zd && o >= zo && o + v <= zo + zv && zv > 0) {\n"
"      g.style.display = ''; g.style.opacity = 1; fit(g, P + (o - zo) / zv * (W - 2 * P), v / zv * (W - 2 * P));\n"
"    } else g.style.display = 'none';\n"
"  }\n"
"}\n"
"document.addEventListener('click', function (e) {\n"
"  var g = e.target.closest ? e.target.closest('g.f') : null; if (g) zoom(g);\n"
"});\n"
"]]></script>\n";

/* A warm colour from the frame's name, as flamegraph.pl's "hot" palette. */
static void colour(const char *name, int *r, int *g, int *b)
{
	uint32_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	*r = 205 + h % 50;
	*g = (h >> 8) % 230;
	*b = (h >> 16) % 55;
}

/* --flamegraph FILE.svg */
static int write_svg(struct kms_analysis *a, const struct stack_opts *o)
{
	static const char *const wnames[] = { "bytes", "objects", "pages", "events" };
	struct tree t = { .o = o, .cap = 256 };
	double scale, height;
	FILE *f;
	size_t i;
	int ret = -1;

	t.n = calloc(t.cap, sizeof(*t.n));
	if (!t.n)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	t.n[0] = (struct node){ .name = "all", .parent = -1, .child = -1, .next = -1 };
	t.len = 1;
	if (kms_analysis_stacks(a, tree_add, &t)) {
		free(t.n);
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	}
	layout(&t);
	f = fopen(o->svg, "w");
	if (!f) {
		free(t.n);
		return kms_error(KMS_ERR_OUTPUT, "cannot write %s: %s", o->svg, strerror(errno));
	}
	height = (t.maxdepth + 1) * FRAME_H + 60;
	scale = t.n[0].w ? (SVG_W - 2 * SVG_PAD) / t.n[0].w : 0;
	fprintf(f, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" "
		"xmlns=\"http://www.w3.org/2000/svg\">\n", SVG_W, height, SVG_W, height);
	fprintf(f, "<style>text { font-family: monospace; font-size: 12px; pointer-events: none; } "
		"g.f:hover rect { stroke: black; stroke-width: 0.5; cursor: pointer; }</style>\n");
	fprintf(f, svg_script, SVG_W, SVG_PAD);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%g\" height=\"%g\" fill=\"#f8f8f0\"/>\n", SVG_W, height);
	fprintf(f, "<text x=\"%g\" y=\"24\" style=\"font-size: 16px\">kmemscope: kernel stacks by %s%s "
		"(click a frame to zoom, \"all\" to reset)</text>\n", SVG_PAD,
		wnames[o->weight], o->inuse ? " still in use" : " allocated");
	for (i = 0; i < t.len; i++) {
		const struct node *n = &t.n[i];
		double x = SVG_PAD + n->off * scale, w = n->w * scale;
		double y = height - 20 - (n->depth + 1) * FRAME_H;
		int r, g, b;

		if (!n->w)
			continue;
		colour(n->name, &r, &g, &b);
		fprintf(f, "<g class=\"f\" data-o=\"%llu\" data-v=\"%llu\" data-d=\"%d\" data-n=\"",
			n->off, n->w, n->depth);
		xml_text(f, n->name);
		fprintf(f, "\"><title>");
		xml_text(f, n->name);
		fprintf(f, " (%llu bytes, %llu objects, %llu events, %.2f%%)</title>", n->bytes,
			n->objects, n->count, t.n[0].w ? 100.0 * n->w / t.n[0].w : 0);
		fprintf(f, "<rect x=\"%.3f\" y=\"%g\" width=\"%.3f\" height=\"%d\" rx=\"2\" "
			"fill=\"rgb(%d,%d,%d)\"/><text x=\"%.3f\" y=\"%g\">", x, y, w, FRAME_H - 1,
			r, g, b, x + 3, y + FRAME_H - 4);
		if ((w - 6) / 7 >= strlen(n->name))
			xml_text(f, n->name);
		fprintf(f, "</text></g>\n");
	}
	fprintf(f, "</svg>\n");
	if (ferror(f) | fclose(f))
		ret = kms_error(KMS_ERR_OUTPUT, "write error on %s", o->svg);
	else
		ret = 0;
	free(t.n);
	return ret;
}

#ifndef HAVE_PPROF
int cmd_pprof_write(struct kms_analysis *a, const char *path, const struct stack_opts *o)
{
	return kms_error(KMS_ERR_UNSUPPORTED,
			 "--pprof: this kmemscope was built without protobuf-c and zlib (install libprotobuf-c-dev, protobuf-c-compiler and zlib1g-dev, and run configure again)");
}
#endif

int cmd_stack_output(struct kms_analysis *a, const struct stack_opts *o)
{
	unsigned long long paired, unpaired;

	kms_analysis_stack_counts(a, &paired, &unpaired);
	fprintf(stderr, "kmemscope: %llu kernel stacks paired with their events, %llu unpaired\n",
		paired, unpaired);
	if (o->folded && print_folded(a, o) < 0)
		return cmd_core_error();
	if (o->svg && write_svg(a, o) < 0)
		return cmd_core_error();
	if (o->pprof && cmd_pprof_write(a, o->pprof, o) < 0)
		return cmd_core_error();
	if (ferror(stdout))
		return cmd_error("write error on stdout: %s", strerror(errno));
	return KMS_EXIT_OK;
}
