// SPDX-License-Identifier: GPL-2.0
/*
 * kmemscope pagemap: a process's mappings, the pagemap bits of their
 * pages and, where PFNs are visible (CAP_SYS_ADMIN), USS, PSS, page flags
 * and memory cgroups. A snapshot of /proc; nothing is traced.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmd/cmd.h"
#include "base/kms.h"
#include "cmd/output.h"
#include "pagemap/pagemap.h"

struct pm_opts {
	int	json, csv, all_maps, flags;
};

/* The tables of one snapshot, and the strings their cells point to. */
struct pm_out {
	struct kms_pagemap	*pm;
	struct kms_rows		maps, totals, mflags, hist;
	size_t			*idx;		/* shown mapping -> pm->maps index */
	char			(*addr)[2][24];	/* "0x..." start and end */
	char			memcg_path[512];
};

/* KiB of a number of pages. */
static long long pages_kib(const struct kms_pagemap *pm, double pages)
{
	return (long long)(pages * pm->page_size / 1024);
}

/* Show column name of def in rows (in catalogue order). */
static void show(struct kms_rows *r, const char *name)
{
	int c = kms_table_col(r->def, name);

	if (c >= 0 && r->ncols < 16)
		r->cols[r->ncols++] = c;
}

/* The cell of row i for column name, or NULL when it is not shown. */
static struct kms_cell *cell(struct kms_rows *r, size_t i, const char *name)
{
	int j;

	for (j = 0; j < r->ncols; j++)
		if (!strcmp(r->def->cols[r->cols[j]].name, name))
			return &r->cells[i * r->ncols + j];
	return NULL;
}

/* Set an integer cell, if shown. */
static void set_i(struct kms_rows *r, size_t i, const char *name, long long v)
{
	struct kms_cell *c = cell(r, i, name);

	if (c)
		c->i = v;
}

/* Set a string cell, if shown. */
static void set_s(struct kms_rows *r, size_t i, const char *name, const char *s)
{
	struct kms_cell *c = cell(r, i, name);

	if (c)
		c->s = s;
}

/* Allocate the cells of rows; -1 when out of memory. */
static int alloc_rows(struct kms_rows *r, const char *table, size_t nrows)
{
	r->def = kms_snapshot_table(table);
	r->nrows = nrows;
	r->cells = calloc(nrows ? nrows : 1, 16 * sizeof(*r->cells));
	return r->cells ? 0 : -1;
}

/* The pagemap counts (and PFN data, if shown) of c into row i. */
static void fill_counts(struct pm_out *o, struct kms_rows *r, size_t i,
			const struct kms_pm_counts *c, int scanned)
{
	const char *const cols[] = { "present", "swapped", "soft_dirty", "exclusive",
				     "file_shared", "uffd_wp", "uss_kib", "pss_kib", "memcg" };
	const long long v[] = { c->present, c->swapped, c->soft_dirty, c->exclusive,
				c->file_shared, c->uffd_wp, pages_kib(o->pm, c->uss),
				pages_kib(o->pm, c->pss), c->memcg };
	size_t k;

	for (k = 0; k < KMS_ARRAY_SIZE(cols); k++) {
		struct kms_cell *cl = cell(r, i, cols[k]);

		if (!cl)
			continue;
		cl->i = v[k];
		cl->null = !scanned || (!strcmp(cols[k], "memcg") && !c->memcg);
	}
}

/* Build the mappings and totals tables. */
static int build_maps(struct pm_out *o, const struct pm_opts *opt)
{
	struct kms_pagemap *pm = o->pm;
	const char *const base[] = { "start", "end", "perms", "size_kib", "present", "swapped",
				     "soft_dirty", "exclusive", "file_shared", "uffd_wp" };
	size_t i, n = 0, k;

	o->idx = calloc(pm->nmaps + 1, sizeof(*o->idx));
	o->addr = calloc(pm->nmaps + 1, sizeof(*o->addr));
	if (!o->idx || !o->addr)
		return -1;
	for (i = 0; i < pm->nmaps; i++) {
		const struct kms_mapping *m = &pm->maps[i];

		if (opt->all_maps || !m->scanned || m->c.present || m->c.swapped)
			o->idx[n++] = i;
	}
	if (alloc_rows(&o->maps, "pagemap", n) || alloc_rows(&o->totals, "pagemap_totals", 1))
		return -1;
	for (k = 0; k < KMS_ARRAY_SIZE(base); k++)
		show(&o->maps, base[k]);
	for (k = 0; k < KMS_ARRAY_SIZE(base); k++)
		show(&o->totals, k ? base[k] : "mappings");
	if (pm->pfns_readable) {
		show(&o->maps, "uss_kib");
		show(&o->maps, "pss_kib");
		show(&o->totals, "uss_kib");
		show(&o->totals, "pss_kib");
		if (pm->has_memcg) {
			show(&o->maps, "memcg");
			show(&o->totals, "memcg");
		}
	}
	show(&o->maps, "name");
	for (i = 0; i < n; i++) {
		const struct kms_mapping *m = &pm->maps[o->idx[i]];

		snprintf(o->addr[i][0], sizeof(o->addr[i][0]), "0x%" PRIx64, m->start);
		snprintf(o->addr[i][1], sizeof(o->addr[i][1]), "0x%" PRIx64, m->end);
		set_s(&o->maps, i, "start", o->addr[i][0]);
		set_s(&o->maps, i, "end", o->addr[i][1]);
		set_s(&o->maps, i, "perms", m->perms);
		set_s(&o->maps, i, "name", m->name);
		set_i(&o->maps, i, "size_kib", (m->end - m->start) / 1024);
		fill_counts(o, &o->maps, i, &m->c, m->scanned);
	}
	set_i(&o->totals, 0, "mappings", pm->nmaps);
	for (i = 0, k = 0; i < pm->nmaps; i++)
		k += (pm->maps[i].end - pm->maps[i].start) / 1024;
	set_i(&o->totals, 0, "size_kib", k);
	fill_counts(o, &o->totals, 0, &pm->total, 1);
	return 0;
}

/* The column name of a flag: its name in lower case ("zero_page"). */
static void col_of_flag(int bit, char *buf, size_t len)
{
	char *p;

	snprintf(buf, len, "%s", kms_kpf_name(bit));
	for (p = buf; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
}

/* Per-mapping flag columns for text: those some mapping has (at most 14). */
static int build_mflags(struct pm_out *o)
{
	struct kms_pagemap *pm = o->pm;
	int nf, f;
	const int *fl = kms_kpf_mapping_flags(&nf);
	char col[KMS_KPF_NR][32];
	bool shown[KMS_KPF_NR] = { false };
	size_t i;

	if (alloc_rows(&o->mflags, "pagemap_mapping_flags", o->maps.nrows))
		return -1;
	/* Columns first: the row stride is the number of columns shown. */
	show(&o->mflags, "start");
	for (f = 0; f < nf && o->mflags.ncols < 15; f++) {
		if (pm->total.flags[fl[f]]) {
			col_of_flag(fl[f], col[f], sizeof(col[f]));
			show(&o->mflags, col[f]);
			shown[f] = true;
		}
	}
	show(&o->mflags, "name");
	for (i = 0; i < o->maps.nrows; i++) {
		set_s(&o->mflags, i, "start", o->addr[i][0]);
		set_s(&o->mflags, i, "name", pm->maps[o->idx[i]].name);
		for (f = 0; f < nf; f++)
			if (shown[f])	/* not past the column cap */
				set_i(&o->mflags, i, col[f], pm->maps[o->idx[i]].c.flags[fl[f]]);
	}
	return 0;
}

/* The whole-process histogram: every documented flag some page has. */
static int build_hist(struct pm_out *o)
{
	struct kms_pagemap *pm = o->pm;
	size_t n = 0;
	int b;

	if (alloc_rows(&o->hist, "pagemap_flags", KMS_KPF_NR))
		return -1;
	show(&o->hist, "flag");
	show(&o->hist, "bit");
	show(&o->hist, "pages");
	show(&o->hist, "kib");
	show(&o->hist, "pct");
	for (b = 0; b < KMS_KPF_NR; b++) {
		if (!pm->total.flags[b])
			continue;
		set_s(&o->hist, n, "flag", kms_kpf_name(b));
		set_i(&o->hist, n, "bit", b);
		set_i(&o->hist, n, "pages", pm->total.flags[b]);
		set_i(&o->hist, n, "kib", pages_kib(pm, pm->total.flags[b]));
		cell(&o->hist, n, "pct")->d = pm->total.present ?
			100.0 * pm->total.flags[b] / pm->total.present : 0;
		n++;
	}
	o->hist.nrows = n;
	return 0;
}

/* A JSON object of flag name -> pages, for the given bits. */
static cJSON *json_flags(const struct kms_pm_counts *c, const int *bits, int n)
{
	cJSON *obj = cJSON_CreateObject();
	int i;

	for (i = 0; obj && i < n; i++)
		cJSON_AddNumberToObject(obj, kms_kpf_name(bits[i]), (double)c->flags[bits[i]]);
	return obj;
}

/* Print the snapshot as one JSON document (kmemscope-json(5), PAGEMAP). */
static int print_json(struct pm_out *o, const struct pm_opts *opt)
{
	struct kms_pagemap *pm = o->pm;
	cJSON *doc = cJSON_CreateObject(), *arr, *row, *mc;
	int nf, all[KMS_KPF_NR], b;
	const int *fl = kms_kpf_mapping_flags(&nf);
	size_t i;

	if (!doc)
		return -1;
	for (b = 0; b < KMS_KPF_NR; b++)
		all[b] = b;
	cJSON_AddNumberToObject(doc, "schema", KMS_JSON_SCHEMA);
	cJSON_AddNumberToObject(doc, "pid", pm->pid);
	cJSON_AddStringToObject(doc, "comm", pm->comm);
	cJSON_AddNumberToObject(doc, "page_size", pm->page_size);
	cJSON_AddBoolToObject(doc, "pfns_readable", pm->pfns_readable);
	if (pm->note[0])
		cJSON_AddStringToObject(doc, "note", pm->note);
	if (pm->pfns_readable && pm->total.memcg) {
		mc = cJSON_AddObjectToObject(doc, "memcg");
		cJSON_AddNumberToObject(mc, "inode", (double)pm->total.memcg);
		if (o->memcg_path[0])
			cJSON_AddStringToObject(mc, "path", o->memcg_path);
		cJSON_AddNumberToObject(mc, "pages", (double)pm->total.memcg_pages);
	}
	arr = cJSON_AddArrayToObject(doc, "mappings");
	for (i = 0; arr && i < o->maps.nrows; i++) {
		row = out_json_row(&o->maps, i);
		if (row && pm->pfns_readable)
			cJSON_AddItemToObject(row, "flags", json_flags(&pm->maps[o->idx[i]].c, fl, nf));
		cJSON_AddItemToArray(arr, row);
	}
	row = out_json_row(&o->totals, 0);
	if (row && pm->pfns_readable)
		cJSON_AddItemToObject(row, "flags", json_flags(&pm->total, fl, nf));
	cJSON_AddItemToObject(doc, "totals", row);
	if (opt->flags && pm->pfns_readable)
		cJSON_AddItemToObject(doc, "flags_histogram", json_flags(&pm->total, all, KMS_KPF_NR));
	return out_json_print(stdout, doc, 0);
}

/* Print the snapshot as text tables. */
static void print_text(struct pm_out *o, const struct pm_opts *opt)
{
	struct kms_pagemap *pm = o->pm;
	size_t i, empty = 0;

	for (i = 0; i < pm->nmaps; i++)
		empty += pm->maps[i].scanned && !pm->maps[i].c.present && !pm->maps[i].c.swapped;
	printf("pid %d (%s)   mappings: %zu", pm->pid, pm->comm, pm->nmaps);
	if (!opt->all_maps && empty)
		printf(", %zu without pages not shown (--all-maps shows them)", empty);
	printf("   page size: %ld bytes\n", pm->page_size);
	if (pm->pfns_readable)
		printf("PFNs: readable\n");
	if (pm->pfns_readable && pm->total.memcg)
		printf("memory cgroup: %s (inode %" PRIu64 ", %" PRIu64 " of %" PRIu64 " present pages)\n",
		       o->memcg_path[0] ? o->memcg_path : "?", pm->total.memcg,
		       pm->total.memcg_pages, pm->total.present);
	if (pm->note[0])
		printf("note: %s\n", pm->note);
	out_text_table(stdout, &o->maps);
	out_text_table(stdout, &o->totals);
	if (pm->pfns_readable && o->maps.nrows)
		out_text_table(stdout, &o->mflags);
	if (opt->flags && pm->pfns_readable)
		out_text_table(stdout, &o->hist);
}

/* Parse the command line into opt and *pid; an exit status on error, else -1. */
static int parse_args(int argc, char **argv, struct pm_opts *opt, int *pid)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "csv", no_argument, NULL, 'C' },
		{ "all-maps", no_argument, NULL, 'A' },
		{ "flags", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cmd_help(&cmd_pagemap_entry);
		case 'J':
			opt->json = 1;
			break;
		case 'C':
			opt->csv = 1;
			break;
		case 'A':
			opt->all_maps = 1;
			break;
		case 'F':
			opt->flags = 1;
			break;
		default:
			return cmd_option_error(&cmd_pagemap_entry, c, argv);
		}
	}
	if (opt->json && opt->csv)
		return cmd_usage_error(&cmd_pagemap_entry, "choose one of --json and --csv");
	if (optind >= argc)
		return cmd_usage_error(&cmd_pagemap_entry, "which process? give its PID");
	if (kms_parse_uint(argv[optind], 0x7fffffff, &v) || !v)
		return cmd_usage_error(&cmd_pagemap_entry, "invalid PID '%s'", argv[optind]);
	if (optind + 1 < argc)
		return cmd_usage_error(&cmd_pagemap_entry, "unexpected argument '%s'", argv[optind + 1]);
	*pid = v;
	return -1;
}

static int cmd_pagemap(int argc, char **argv)
{
	struct pm_opts opt = { 0 };
	struct pm_out o;
	int pid = 0, err = 0, ret;

	ret = parse_args(argc, argv, &opt, &pid);
	if (ret >= 0)
		return ret;
	memset(&o, 0, sizeof(o));
	o.pm = kms_pagemap_read("/proc", pid, &err);
	if (!o.pm) {
		cmd_error("%s", kms_strerror());
		return err == ESRCH ? KMS_EXIT_NOPROCESS : err == EACCES ? KMS_EXIT_PERM :
		       KMS_EXIT_ERROR;
	}
	if (o.pm->total.memcg && kms_memcg_path(o.pm->total.memcg, o.memcg_path,
						sizeof(o.memcg_path)))
		o.memcg_path[0] = '\0';
	ret = KMS_EXIT_OK;
	if (build_maps(&o, &opt) || build_mflags(&o) || build_hist(&o)) {
		ret = cmd_error("out of memory");
	} else if (opt.json) {
		if (print_json(&o, &opt))
			ret = cmd_error("out of memory");
	} else if (opt.csv) {
		if (o.pm->note[0])
			fprintf(stderr, "kmemscope: note: %s\n", o.pm->note);
		if (opt.flags && !o.pm->pfns_readable) {
			cmd_error("--flags needs readable PFNs");
			ret = KMS_EXIT_PERM;
		} else {
			out_csv_table(stdout, opt.flags ? &o.hist : &o.maps);
		}
	} else {
		print_text(&o, &opt);
	}
	kms_rows_free(&o.maps);
	kms_rows_free(&o.totals);
	kms_rows_free(&o.mflags);
	kms_rows_free(&o.hist);
	free(o.idx);
	free(o.addr);
	kms_pagemap_free(o.pm);
	return ret;
}

const struct cmd_entry cmd_pagemap_entry = {
	.name = "pagemap",
	.summary = "a process's mappings, page table bits and page flags (a snapshot)",
	.usage =
	"usage: kmemscope pagemap [-h] [--json | --csv] [--all-maps] [--flags] PID\n"
	"\n"
	"For each mapping of process PID (start, end, permissions, what it maps):\n"
	"its pages present, swapped, soft-dirty, exclusively mapped, file or\n"
	"shared-anon, and uffd-wp, from /proc/PID/pagemap. As root\n"
	"(CAP_SYS_ADMIN), also USS, PSS, page flag counts and the memory cgroup,\n"
	"from the PFNs and /proc/kpageflags, kpagecount and kpagecgroup; otherwise\n"
	"PFNs read as zero and only the pagemap columns are printed. Then the\n"
	"totals of the process. Nothing is traced.\n"
	"\n"
	"  --json      print one JSON document (kmemscope-json(5), PAGEMAP)\n"
	"  --csv       print the mappings table as CSV (with --flags: the histogram)\n"
	"  --all-maps  also list mappings without a present or swapped page\n"
	"  --flags     add a histogram of the page flags of the whole process\n"
	"  -h, --help  show this help\n"
	"\n"
	"Exit status: 0 ok, 1 error, 2 usage, 4 no such process (or it exited\n"
	"during the read), 5 permission denied.\n",
	.exec = cmd_pagemap,
};
