// SPDX-License-Identifier: GPL-2.0
/*
 * report --interval and --plot: a recording cut into intervals, each
 * analysed on its own; --interval prints a recipe's tables per interval,
 * --plot draws page allocations by order, slab bytes of the top caches and
 * faults of the top processes per second against time (plot.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kms.h"
#include "cmd/cmd.h"
#include "cmd/output.h"
#include "cmd/timeline.h"

#define ADAPT_START_NS	10000000ULL	/* --plot alone: 10 ms buckets to start */
#define ADAPT_MAX_PTS	120		/* then doubled to keep at most this many */

struct timeline {
	struct file_analysis	fa;
	const struct tl_opts	*o;
	unsigned long long	t0, start, width;	/* ns: first event, interval start, length */
	int			adaptive;
	int			index;		/* of the open interval */
	cJSON			*doc, *intervals;
	struct plot		plot;
	int			failed;
};

/* The column named name among a built table's shown columns, or -1. */
static int shown_col(const struct kms_rows *r, const char *name)
{
	int j;

	for (j = 0; j < r->ncols; j++)
		if (!strcmp(r->def->cols[r->cols[j]].name, name))
			return j;
	return -1;
}

/* Add one chart's values of an interval: name column(s) and value column of a table. */
static int collect(struct timeline *tl, int chart, const char *table, const char *key,
		   const char *key2, const char *value, int pt)
{
	const struct kms_table_def *def = kms_table_find(table);
	struct kms_table_req rq;
	struct kms_rows rows;
	size_t i;
	int kc, k2, vc;

	kms_table_req_init(&rq, def);
	if (kms_analysis_table(tl->fa.an, &rq, &rows) < 0)
		return -1;
	kc = shown_col(&rows, key);
	k2 = key2 ? shown_col(&rows, key2) : -1;
	vc = shown_col(&rows, value);
	for (i = 0; kc >= 0 && vc >= 0 && i < rows.nrows; i++) {
		const struct kms_cell *c = &rows.cells[i * rows.ncols];
		char name[80];

		if (rows.def->cols[rows.cols[kc]].type == KMS_COL_STR)
			snprintf(name, sizeof(name), "%s", c[kc].s ? c[kc].s : "");
		else
			snprintf(name, sizeof(name), "%s %lld", key, c[kc].i);
		if (k2 >= 0)
			snprintf(name + strlen(name), sizeof(name) - strlen(name), " (%lld)", c[k2].i);
		if (plot_add(&tl->plot, chart, name, pt, c[vc].i) < 0) {
			kms_rows_free(&rows);
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		}
	}
	kms_rows_free(&rows);
	return 0;
}

/* Print the recipe's tables of the closed interval (text or JSON). */
static int print_interval(struct timeline *tl, double from, double to)
{
	const struct kms_recipe *rc = tl->fa.rc;
	cJSON *iv = NULL;
	int i;

	if (tl->doc) {
		iv = cJSON_CreateObject();
		if (!iv || !cJSON_AddNumberToObject(iv, "start_s", from) ||
		    !cJSON_AddNumberToObject(iv, "end_s", to) || !cJSON_AddObjectToObject(iv, "tables"))
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		cJSON_AddItemToArray(tl->intervals, iv);
	} else {
		printf("\n=== interval %d: %.3f s to %.3f s (counts in %.3f s)\n", tl->index + 1,
		       from, to, to - from);
	}
	for (i = 0; i < rc->nr_tables; i++) {
		struct kms_rows rows;

		if (tl->o->table && strcmp(tl->o->table, rc->tables[i].def->name))
			continue;
		if (kms_analysis_table(tl->fa.an, &rc->tables[i], &rows) < 0)
			return -1;
		if (iv && out_json_add(iv, &rows) < 0) {
			kms_rows_free(&rows);
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		}
		if (!iv)
			out_text_table(stdout, &rows);
		kms_rows_free(&rows);
	}
	return 0;
}

/* Close the open interval: print it and/or add it to the plot, then start afresh. */
static int close_interval(struct timeline *tl)
{
	double from = (tl->start - tl->t0) / 1e9, to = from + tl->width / 1e9;
	int pt = (tl->start - tl->t0) / tl->width;

	if (tl->o->interval_s > 0 && print_interval(tl, from, to) < 0)
		return -1;
	if (tl->o->plot && (collect(tl, 0, "page_orders", "order", NULL, "allocs", pt) < 0 ||
			    collect(tl, 1, "slab", "cache", NULL, "bytes_alloc", pt) < 0 ||
			    collect(tl, 2, "faults", "comm", "pid", "faults", pt) < 0))
		return -1;
	kms_analysis_free(tl->fa.an);
	tl->fa.an = fa_new_analysis(&tl->fa);
	if (!tl->fa.an)
		return -1;
	tl->start += tl->width;
	tl->index++;
	return 0;
}

/* Each record: close the intervals it is past, then feed it to the open one. */
static int tl_record(struct tep_handle *tep, struct tep_record *rec, int cpu, long long missed,
		     void *ctx)
{
	struct timeline *tl = ctx;

	if (!rec)
		return 0;
	if (!tl->start)
		tl->t0 = tl->start = rec->ts;
	while (rec->ts >= tl->start + tl->width) {
		if (close_interval(tl) < 0)
			return -1;
		if (tl->adaptive && (tl->start - tl->t0) / tl->width >= ADAPT_MAX_PTS &&
		    (tl->start - tl->t0) % (2 * tl->width) == 0) {
			tl->width *= 2;	/* the points so far merge in pairs */
			plot_halve(&tl->plot);
		}
	}
	return kms_analysis_add_records(tl->fa.an, tl->fa.dec, rec, 1) < 0 ? -1 : 0;
}

int report_timeline(const char *path, const struct tl_opts *o)
{
	struct kms_recipe *rc = fa_recipe(o->recipe);
	struct out_meta m = { 0 };
	struct timeline tl;
	int ret = KMS_EXIT_OK;

	if (!rc) {
		cmd_error("%s", kms_strerror());
		return KMS_EXIT_USAGE;
	}
	memset(&tl, 0, sizeof(tl));
	tl.o = o;
	tl.adaptive = o->interval_s <= 0;
	tl.width = tl.adaptive ? ADAPT_START_NS : (unsigned long long)(o->interval_s * 1e9);
	if (!tl.width)
		tl.width = 1;
	if (fa_open(&tl.fa, path, rc) < 0) {
		kms_recipe_free(rc);
		return cmd_core_error();
	}
	if (o->interval_s > 0 && o->json) {
		m.source = path;
		tl.doc = out_json_new(&m);
		if (tl.doc) {
			cJSON_DeleteItemFromObject(tl.doc, "tables");
			cJSON_AddNumberToObject(tl.doc, "interval_s", o->interval_s);
			tl.intervals = cJSON_AddArrayToObject(tl.doc, "intervals");
		}
		if (!tl.intervals) {
			ret = cmd_error("out of memory");
			goto out;
		}
	} else if (o->interval_s > 0) {
		printf("source: %s   interval: %.3f s\n", path, o->interval_s);
	}
	if (kms_file_iterate(&tl.fa.f, tl_record, &tl) < 0 || (tl.start && close_interval(&tl) < 0)) {
		ret = cmd_core_error();
		goto out;
	}
	if (tl.doc) {
		cJSON *d = cJSON_GetObjectItem(tl.doc, "duration_s");
		cJSON *e = cJSON_GetObjectItem(tl.doc, "events");

		cJSON_SetNumberValue(d, tl.fa.f.events > 1 ?
				     (tl.fa.f.last_ts - tl.fa.f.first_ts) / 1e9 : 0);
		cJSON_SetNumberValue(e, (double)tl.fa.f.events);
		ret = out_json_print(stdout, tl.doc, 0) ? cmd_error("out of memory") : 0;
		tl.doc = NULL;
	}
	if (o->plot && ret == KMS_EXIT_OK &&
	    plot_write(&tl.plot, o->plot, path, tl.width / 1e9, (tl.start - tl.t0) / tl.width) < 0)
		ret = cmd_core_error();
out:
	cJSON_Delete(tl.doc);
	plot_free(&tl.plot);
	fa_close(&tl.fa);
	kms_recipe_free(rc);
	return ret;
}
