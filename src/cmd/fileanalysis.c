// SPDX-License-Identifier: GPL-2.0
/*
 * A recording analysed with a recipe: its file, decoder and analysis, and
 * the one loop that feeds the records to the analysis, for report's tables,
 * diff, and report's --interval and --plot.
 */
#include <stdlib.h>
#include <string.h>

#include "base/kms.h"
#include "cmd/fileanalysis.h"

/* Load a recipe by name or path. */
struct kms_recipe *fa_recipe(const char *name)
{
	char *path = kms_recipe_locate(name ? name : "overview");
	struct kms_recipe *rc = path ? kms_recipe_parse(path, NULL) : NULL;

	free(path);
	return rc;
}

/* A fresh analysis of the file's data, with the recipe's probes. */
struct kms_analysis *fa_new_analysis(struct file_analysis *fa)
{
	struct kms_proc_ops ops;
	struct kms_analysis *an;

	kms_file_proc_ops(&fa->f, &ops);
	an = kms_analysis_new(fa->f.tep, &ops);

	if (an) {	/* stacks and lifetimes only for the tables that show them */
		kms_analysis_set_stacks(an, kms_tables_need_stacks(fa->rc->tables, fa->rc->nr_tables));
		kms_analysis_set_tables(an, fa->rc->tables, fa->rc->nr_tables);
	}
	if (an && kms_analysis_set_probes(an, fa->names, fa->rc->nr_kprobes) < 0) {
		kms_analysis_free(an);
		return NULL;
	}
	return an;
}

/* The recipe's decoder and an analysis for the file open in fa->f. */
int fa_prepare(struct file_analysis *fa, const struct kms_recipe *rc)
{
	fa->rc = rc;
	fa->dec = kms_decoder_new(fa->f.tep);
	fa->names = kms_recipe_probe_names(rc);
	if (!fa->dec || !fa->names ||
	    kms_decoder_add_probes(fa->dec, rc->kprobes, rc->nr_kprobes) < 0)
		return -1;
	fa->an = fa_new_analysis(fa);
	return fa->an ? 0 : -1;
}

/* Open path's top-level buffer, its symbols if the tables show them, and prepare. */
int fa_open(struct file_analysis *fa, const char *path, const struct kms_recipe *rc)
{
	memset(fa, 0, sizeof(*fa));
	if (kms_file_open(&fa->f, path, 0) < 0)
		return -1;
	if (kms_file_select(&fa->f, "") < 0)
		goto fail;
	/* symbols are loaded only for the tables that show them */
	if (kms_tables_need_symbols(rc->tables, rc->nr_tables) && kms_file_symbols(&fa->f) < 0)
		goto fail;
	if (fa_prepare(fa, rc) < 0)
		goto fail;
	return 0;
fail:
	fa_close(fa);
	return -1;
}

/* Decode a run of records into the current analysis. */
static int feed(struct tep_handle *tep, struct tep_record *recs, int n, void *ctx)
{
	struct file_analysis *fa = ctx;

	if (!fa->origin_set) {	/* --time counts from the first record, as trace-cmd lists it */
		kms_analysis_origin(fa->an, fa->f.first_ts);
		fa->origin_set = true;
	}
	return kms_analysis_add_records(fa->an, fa->dec, recs, n);	/* 0, or -1 */
}

/* Feed every record of the file to fa->an, a run at a time; the file's duration. */
int fa_run(struct file_analysis *fa)
{
	if (kms_file_iterate_runs(&fa->f, feed, fa) < 0)
		return -1;
	fa->duration_s = fa->f.events > 1 ? (fa->f.last_ts - fa->f.first_ts) / 1e9 : 0;
	return 0;
}

/* Free what fa_open or fa_prepare made and close the file. */
void fa_close(struct file_analysis *fa)
{
	kms_analysis_free(fa->an);
	kms_decoder_free(fa->dec);
	free(fa->names);
	kms_file_close(&fa->f);
	memset(fa, 0, sizeof(*fa));
}
