/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A recording analysed with a recipe: report's tables, diff's two files,
 * and report's intervals (--interval, --plot) read a file through it.
 */
#ifndef KMS_CMD_FILEANALYSIS_H
#define KMS_CMD_FILEANALYSIS_H

#include <stdbool.h>

#include "analyse/analyse.h"
#include "decode/decode.h"
#include "recipe/recipe.h"
#include "source/file.h"

struct file_analysis {
	struct kms_file			f;
	const struct kms_recipe		*rc;
	struct kms_decoder		*dec;
	struct kms_analysis		*an;	/* the whole file's, or the interval's */
	const char			**names;	/* the recipe's probe names */
	double				duration_s;
	bool				origin_set;	/* (fa_run) */
};

/* Open path's top-level buffer and prepare its decoder and an analysis. */
int fa_open(struct file_analysis *fa, const char *path, const struct kms_recipe *rc);
/*
 * For a file already open in fa->f, its buffer chosen and its symbols
 * loaded as the caller needs: the recipe's decoder and an analysis.
 * On failure the caller still calls fa_close().
 */
int fa_prepare(struct file_analysis *fa, const struct kms_recipe *rc);
/* A fresh analysis of the file's data, with the recipe's probes. */
struct kms_analysis *fa_new_analysis(struct file_analysis *fa);
/* Feed every record of the file to fa->an. */
int fa_run(struct file_analysis *fa);
void fa_close(struct file_analysis *fa);
/* Load a recipe by name or path (NULL: overview); NULL after kms_error. */
struct kms_recipe *fa_recipe(const char *name);

#endif
