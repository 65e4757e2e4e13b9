/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table catalogue: every table kmemscope can print, with the keys it
 * may be grouped by and its columns. Recipes name tables from here; the
 * analysers fill them; the output layer prints them as text, JSON or CSV.
 */
#ifndef KMS_TABLE_H
#define KMS_TABLE_H

enum kms_col_type {
	KMS_COL_INT,	/* signed integer */
	KMS_COL_STR,
	KMS_COL_KIB,	/* integer KiB, printed with human units in text */
	KMS_COL_BYTES,	/* integer bytes, printed with human units in text */
	KMS_COL_PCT,	/* double, percent */
	KMS_COL_HEX,	/* address */
};

struct kms_col_def {
	const char		*name;	/* JSON/CSV key and sort name */
	const char		*title;	/* text header */
	enum kms_col_type	type;
};

struct kms_table_def {
	const char			*name;
	const char			*title;
	const char *const		*keys;		/* groupable keys, NULL-terminated */
	const char *const		*default_keys;	/* NULL-terminated */
	const struct kms_col_def	*cols;		/* every column, keys included */
	int				nr_cols;
	const char			*default_sort;
};

/* Look a table up by name; NULL if unknown. */
const struct kms_table_def *kms_table_find(const char *name);
/* Index of a column by name, or -1. */
int kms_table_col(const struct kms_table_def *def, const char *col);
/* Index of a key in def->keys, or -1. */
int kms_table_key(const struct kms_table_def *def, const char *key);
/* A snapshot table (pagemap, pagemap_flags, ...) by name; NULL if unknown. */
const struct kms_table_def *kms_snapshot_table(const char *name);
/* All tables, NULL-terminated. */
const struct kms_table_def *const *kms_tables(void);

#endif
