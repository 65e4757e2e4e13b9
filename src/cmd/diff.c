// SPDX-License-Identifier: GPL-2.0
/*
 * kmemscope diff: the tables of a recipe for two recordings, joined by
 * their keys (processes by comm: pids differ between runs), each row's
 * main column as a rate per second in A and in B, with the absolute and
 * relative change, the largest change first.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kms.h"
#include "cmd/cmd.h"
#include "cmd/fileanalysis.h"
#include "cmd/output.h"

/* The columns of a diff table after its keys. */
enum { D_A, D_B, D_A_RATE, D_B_RATE, D_DELTA, D_CHANGE, D_NR };

/* One table of the diff: the keys of the source table and the diff columns. */
struct dtable {
	struct kms_table_def	def;
	struct kms_col_def	cols[KMS_MAX_KEYS + D_NR];
	char			title[256];
	struct kms_rows		out;
	int			nkeys;
	int			value;	/* shown column of the source rows compared */
};

/* The request for a table in a diff: without pid when it can group by comm. */
static void diff_request(struct kms_table_req *rq, const struct kms_table_req *from)
{
	int i, n = 0, comm = kms_table_key(from->def, "comm");

	*rq = *from;
	rq->limit = 0;
	for (i = 0; i < from->nr_keys; i++)
		if (comm < 0 || strcmp(from->def->keys[from->keys[i]], "pid"))
			rq->keys[n++] = from->keys[i];
	if (comm >= 0 && n < from->nr_keys) {
		for (i = 0; i < n && rq->keys[i] != comm; i++)
			;
		if (i == n)
			rq->keys[n++] = comm;
	}
	rq->nr_keys = n;
}

/* The column compared: the table's sort column unless a key, else the first number. */
static int value_column(const struct kms_rows *r, int nkeys, int sort)
{
	int j;

	for (j = nkeys; j < r->ncols; j++)
		if (r->cols[j] == sort)
			return j;
	for (j = nkeys; j < r->ncols; j++) {
		enum kms_col_type t = r->def->cols[r->cols[j]].type;

		if (t == KMS_COL_INT || t == KMS_COL_KIB || t == KMS_COL_BYTES)
			return j;
	}
	return -1;
}

/* The key cells of row i as one string, to join on. */
static void row_key(const struct kms_rows *r, size_t i, int nkeys, char *buf, size_t len)
{
	size_t n = 0;
	int j;

	buf[0] = '\0';
	for (j = 0; j < nkeys && n < len; j++) {
		const struct kms_cell *c = &r->cells[i * r->ncols + j];

		if (r->def->cols[r->cols[j]].type == KMS_COL_STR)
			n += snprintf(buf + n, len - n, "%s\x1f", c->s ? c->s : "");
		else
			n += snprintf(buf + n, len - n, "%lld\x1f", c->i);
	}
}

/* The row of B with the key of A's row, or -1. */
static long find_row(const struct kms_rows *r, int nkeys, const char *key)
{
	char buf[512];
	size_t i;

	for (i = 0; i < r->nrows; i++) {
		row_key(r, i, nkeys, buf, sizeof(buf));
		if (!strcmp(buf, key))
			return i;
	}
	return -1;
}

/* Fill one diff row from a row of A (or none), of B (or none). */
static void diff_row(struct dtable *t, struct kms_cell *out, const struct kms_rows *ra, long ia,
		     const struct kms_rows *rb, long ib, double da, double db)
{
	const struct kms_rows *kr = ia >= 0 ? ra : rb;
	long ki = ia >= 0 ? ia : ib;
	long long a = ia >= 0 ? ra->cells[ia * ra->ncols + t->value].i : 0;
	long long b = ib >= 0 ? rb->cells[ib * rb->ncols + t->value].i : 0;
	struct kms_cell *d = out + t->nkeys;
	int j;

	for (j = 0; j < t->nkeys; j++)
		out[j] = kr->cells[ki * kr->ncols + j];
	memset(d, 0, D_NR * sizeof(*d));
	d[D_A].i = a;
	d[D_B].i = b;
	d[D_A_RATE].d = da > 0 ? a / da : a;
	d[D_B_RATE].d = db > 0 ? b / db : b;
	d[D_DELTA].d = d[D_B_RATE].d - d[D_A_RATE].d;
	d[D_DELTA].i = llround(d[D_DELTA].d * 1000);	/* sorted by it */
	if (d[D_A_RATE].d != 0)
		d[D_CHANGE].d = 100.0 * d[D_DELTA].d / d[D_A_RATE].d;
	else
		d[D_CHANGE].null = 1;
}

/* Sort diff rows: the largest absolute change of rate first. */
static int cmp_change(const void *x, const void *y, void *arg)
{
	int nkeys = *(const int *)arg;
	double a = fabs(((const struct kms_cell *)x)[nkeys + D_DELTA].d);
	double b = fabs(((const struct kms_cell *)y)[nkeys + D_DELTA].d);

	return (a < b) - (a > b);
}

/* Join the rows of A and B into t->out. */
static int build(struct dtable *t, const struct kms_rows *ra, const struct kms_rows *rb,
		 double da, double db, int limit)
{
	static const char *const names[D_NR] = { "a", "b", "a_per_s", "b_per_s",
						 "delta_per_s", "change_pct" };
	static const char *const titles[D_NR] = { "A", "B", "A/S", "B/S", "DELTA/S", "CHANGE%" };
	const struct kms_col_def *vc = &ra->def->cols[ra->cols[t->value]];
	size_t n = 0, i;
	char key[512];
	int j, ncols = t->nkeys + D_NR;

	for (j = 0; j < t->nkeys; j++) {
		t->cols[j] = ra->def->cols[ra->cols[j]];
		t->cols[j].flags = 0;	/* a key is shown, in text too */
	}
	for (j = 0; j < D_NR; j++) {
		t->cols[t->nkeys + j] = (struct kms_col_def){ .name = names[j], .title = titles[j],
			.type = j < D_A_RATE ? vc->type : KMS_COL_PCT };
	}
	snprintf(t->title, sizeof(t->title), "%s: %s%s per second, A and B", ra->def->title,
		 vc->title, vc->type == KMS_COL_BYTES ? " (bytes)" :
		 vc->type == KMS_COL_KIB ? " (KiB)" : "");
	t->def = *ra->def;
	t->def.title = t->title;
	t->def.cols = t->cols;
	t->def.nr_cols = ncols;
	t->out.def = &t->def;
	t->out.ncols = ncols;
	for (j = 0; j < ncols; j++)
		t->out.cols[j] = j;
	t->out.cells = calloc(ra->nrows + rb->nrows + 1, ncols * sizeof(struct kms_cell));
	if (!t->out.cells)
		return -1;
	for (i = 0; i < ra->nrows; i++) {
		row_key(ra, i, t->nkeys, key, sizeof(key));
		diff_row(t, &t->out.cells[n++ * ncols], ra, i, rb, find_row(rb, t->nkeys, key),
			 da, db);
	}
	for (i = 0; i < rb->nrows; i++) {
		row_key(rb, i, t->nkeys, key, sizeof(key));
		if (find_row(ra, t->nkeys, key) < 0)
			diff_row(t, &t->out.cells[n++ * ncols], ra, -1, rb, i, da, db);
	}
	qsort_r(t->out.cells, n, ncols * sizeof(struct kms_cell), cmp_change, &t->nkeys);
	t->out.nrows = limit > 0 && n > (size_t)limit ? (size_t)limit : n;
	return 0;
}

struct diff {
	const char	*recipe, *table;
	bool		json, csv;
	int		limit;
};

/* Analyse both files and print every table of the recipe (or the one --table). */
static int run_diff(struct diff *d, const char *pa, const char *pb)
{
	struct file_analysis fa, fb;
	struct kms_recipe *rc = fa_recipe(d->recipe);
	struct out_meta m = { 0 };
	cJSON *doc = NULL;
	int i, ret = KMS_EXIT_OK, found = 0;
	char src[1024];

	if (!rc) {
		cmd_error("%s", kms_strerror());
		return KMS_EXIT_USAGE;
	}
	if (fa_open(&fa, pa, rc) < 0) {
		kms_recipe_free(rc);
		return cmd_core_error();
	}
	if (fa_open(&fb, pb, rc) < 0 || fa_run(&fa) < 0 || fa_run(&fb) < 0) {
		ret = cmd_core_error();
		goto out;
	}
	snprintf(src, sizeof(src), "A %s (%.3f s), B %s (%.3f s)", pa, fa.duration_s, pb,
		 fb.duration_s);
	m.source = src;
	m.duration_s = fb.duration_s;
	m.events = fb.f.events;
	m.lost = kms_file_lost(&fb.f);
	if (d->json) {
		doc = out_json_new(&m);
		cJSON_AddStringToObject(doc, "a", pa);
		cJSON_AddNumberToObject(doc, "a_duration_s", fa.duration_s);
		cJSON_AddNumberToObject(doc, "a_events", (double)fa.f.events);
		cJSON_AddStringToObject(doc, "b", pb);
		cJSON_AddNumberToObject(doc, "b_duration_s", fb.duration_s);
		cJSON_AddNumberToObject(doc, "b_events", (double)fb.f.events);
	} else if (!d->csv) {
		printf("A: %s   duration: %.3f s   events: %llu\nB: %s   duration: %.3f s   events: %llu\n",
		       pa, fa.duration_s, fa.f.events, pb, fb.duration_s, fb.f.events);
	}
	for (i = 0; i < rc->nr_tables && ret == KMS_EXIT_OK; i++) {
		struct kms_table_req rq;
		struct kms_rows ra, rb;
		struct dtable t;

		if (d->table && strcmp(d->table, rc->tables[i].def->name))
			continue;
		found = 1;
		memset(&t, 0, sizeof(t));
		diff_request(&rq, &rc->tables[i]);
		if (kms_analysis_table(fa.an, &rq, &ra) < 0) {
			ret = cmd_core_error();
			break;
		}
		if (kms_analysis_table(fb.an, &rq, &rb) < 0) {
			kms_rows_free(&ra);
			ret = cmd_core_error();
			break;
		}
		t.nkeys = rq.nr_keys;
		t.value = value_column(&ra, t.nkeys, rq.sort);
		if (t.value >= 0 && build(&t, &ra, &rb, fa.duration_s, fb.duration_s,
					  d->limit ? d->limit : rc->tables[i].limit) < 0)
			ret = cmd_error("out of memory");
		if (t.value >= 0 && ret == KMS_EXIT_OK) {
			if (!ra.nrows && !rb.nrows)
				snprintf(t.out.note, sizeof(t.out.note), "%s",
					 ra.note[0] ? ra.note : rb.note);
			if (doc)
				ret = out_json_add(doc, &t.out) ? cmd_error("out of memory") : 0;
			else if (d->csv)
				out_csv_table(stdout, &t.out);
			else
				out_text_table(stdout, &t.out);
		}
		kms_rows_free(&t.out);
		kms_rows_free(&ra);
		kms_rows_free(&rb);
	}
	if (d->table && !found)
		ret = cmd_error("recipe %s has no table '%s'", rc->name, d->table);
	if (doc && ret == KMS_EXIT_OK && out_json_print(stdout, doc, 0))
		ret = cmd_error("out of memory");
	else if (doc && ret != KMS_EXIT_OK)
		cJSON_Delete(doc);
out:
	fa_close(&fa);
	fa_close(&fb);
	kms_recipe_free(rc);
	return ret;
}

static int cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "recipe", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'J' },
		{ "csv", no_argument, NULL, 'C' },
		{ "table", required_argument, NULL, 'T' },
		{ "limit", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct diff d = { 0 };
	unsigned long v;
	int opt;

	while ((opt = getopt_long(argc, argv, "+:hr:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return cmd_help(&cmd_diff_entry);
		case 'r':
			d.recipe = optarg;
			break;
		case 'J':
			d.json = true;
			break;
		case 'C':
			d.csv = true;
			break;
		case 'T':
			d.table = optarg;
			break;
		case 'l':
			if (kms_parse_uint(optarg, 1000000, &v) < 0)
				return cmd_usage_error(&cmd_diff_entry, "--limit: invalid row count '%s'",
						       optarg);
			d.limit = v;
			break;
		default:
			return cmd_option_error(&cmd_diff_entry, opt, argv);
		}
	}
	if (argc - optind != 2)
		return cmd_usage_error(&cmd_diff_entry, "give two recordings, A and B");
	if (d.json && d.csv)
		return cmd_usage_error(&cmd_diff_entry, "choose one of --json and --csv");
	if (d.csv && !d.table)
		return cmd_usage_error(&cmd_diff_entry, "--csv prints one table: name it with --table");
	return run_diff(&d, argv[optind], argv[optind + 1]);
}

const struct cmd_entry cmd_diff_entry = {
	.name = "diff",
	.summary = "compare the tables of two recordings, as rates per second",
	.usage =
	"usage: kmemscope diff [-h] [-r RECIPE] [--json | --csv --table NAME]\n"
	"                      [--table NAME] [--limit N] A.dat B.dat\n"
	"\n"
	"Analyses two recordings with one recipe and prints each table joined by\n"
	"its keys (processes by comm, as pids differ between runs): the table's\n"
	"main column in A and B, as rates per second of each recording, and the\n"
	"absolute and relative change, the largest change first.\n"
	"\n"
	"  -r, --recipe RECIPE  recipe name or path (default: overview)\n"
	"  --json               print one JSON document (kmemscope-json(5))\n"
	"  --csv                print one table as CSV; needs --table\n"
	"  --table NAME         only this table of the recipe\n"
	"  --limit N            at most N rows a table (default: the recipe's limit)\n"
	"  -h, --help           show this help\n",
	.exec = cmd_diff,
};
