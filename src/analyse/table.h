/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table catalogue: every table kmemscope can print, the analyser that
 * emits its facts, the keys it may be grouped by and its columns, as data.
 * Recipes ask for tables from here (struct kms_table_req); the analysers
 * build them into struct kms_rows; the output layer prints those as text,
 * JSON or CSV.
 */
#ifndef KMS_TABLE_H
#define KMS_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#define KMS_MAX_KEYS	4	/* keys a table may be grouped by at once */
#define KMS_MAX_COLS	16	/* columns a row shows */

enum kms_col_type {
	KMS_COL_INT,	/* signed integer */
	KMS_COL_STR,
	KMS_COL_KIB,	/* integer KiB, printed with human units in text */
	KMS_COL_BYTES,	/* integer bytes, printed with human units in text */
	KMS_COL_PCT,	/* double, percent */
	KMS_COL_HEX,	/* address */
	KMS_COL_RATIO,	/* double, three decimals (the fragmentation index) */
};

/*
 * The facts the analysers emit: each fact fills some of these slots, and a
 * row sums the slots of its facts. A column shows one slot, or derives its
 * value from several. Key slots hold integers or string table ids.
 */
enum kms_slot {
	KMS_SLOT_NONE = 0,	/* the column is derived, or filled by its command */
	/* keys */
	KMS_SLOT_ORDER, KMS_SLOT_MIGRATETYPE, KMS_SLOT_GFP, KMS_SLOT_PID, KMS_SLOT_COMM,
	KMS_SLOT_CACHE, KMS_SLOT_CALL_SITE, KMS_SLOT_MAPPING, KMS_SLOT_PROBE,
	/* pages */
	KMS_SLOT_ALLOCS, KMS_SLOT_PAGES, KMS_SLOT_FREES, KMS_SLOT_FREE_PAGES,
	/* slab */
	KMS_SLOT_LIVE, KMS_SLOT_BYTES_REQ, KMS_SLOT_BYTES_ALLOC,
	KMS_SLOT_NAME_SOURCE,	/* where the cache name came from: the row keeps the largest */
	/* /proc/slabinfo snapshots */
	KMS_SLOT_BEFORE, KMS_SLOT_AFTER, KMS_SLOT_OBJSIZE,
	/* faults */
	KMS_SLOT_FAULTS, KMS_SLOT_USER, KMS_SLOT_KERNEL, KMS_SLOT_READ, KMS_SLOT_WRITE,
	KMS_SLOT_EXEC,
	/* probes */
	KMS_SLOT_HITS,
	/* slab cross-CPU/node and lifetimes, page requests (analyse/views.c) */
	KMS_SLOT_CROSS_CPU, KMS_SLOT_CROSS_NODE, KMS_SLOT_LIFETIME,
	KMS_SLOT_FAILED, KMS_SLOT_ALLOC_FREED, KMS_SLOT_FREE_ONLY,
	/* buddyinfo, meminfo, vmstat snapshots (analyse/snapviews.c) */
	KMS_SLOT_NODE, KMS_SLOT_ZONE, KMS_SLOT_FIELD, KMS_SLOT_UNIT,
	KMS_SLOT_FRAG_BEFORE, KMS_SLOT_FRAG_AFTER,
	/* kernel stacks (analyse/stacks.c): string ids, then counts */
	KMS_SLOT_STACK, KMS_SLOT_SITE, KMS_SLOT_KIND, KMS_SLOT_AGE_HIST,
	KMS_SLOT_INUSE, KMS_SLOT_INUSE_BYTES, KMS_SLOT_OLDEST_NS,
	KMS_SLOT__MAX
};

/* One output cell; strings point into the analysis and live as long as it. */
struct kms_cell {
	long long	i;
	double		d;
	const char	*s;
	int		null;	/* value unavailable */
};

struct kms_proj;	/* a table being built (analyse/internal.h) */
struct kms_group;	/* one of its rows: its keys and summed facts */

#define KMS_COL_ABS_SORT	(1 << 0)	/* sorts by magnitude: the largest change first */
#define KMS_COL_NO_TEXT		(1 << 1)	/* JSON and CSV only: text shows a finer column */

struct kms_col_def {
	const char		*name;	/* JSON/CSV key and sort name */
	const char		*title;	/* text header */
	enum kms_col_type	type;
	enum kms_slot		slot;	/* the fact slot shown, or KMS_SLOT_NONE */
	/* computes a derived column's cell from its row; NULL: shows slot */
	void			(*derive)(struct kms_proj *p, const struct kms_group *g,
					  struct kms_cell *c);
	unsigned int		flags;	/* KMS_COL_* */
};

struct kms_table_def {
	const char			*name;
	const char			*title;
	/* the analyser that emits the table's facts; NULL for snapshot tables */
	int				(*emit)(struct kms_proj *p);
	const char *const		*keys;		/* groupable keys, NULL-terminated */
	const char *const		*default_keys;	/* NULL-terminated */
	const struct kms_col_def	*cols;		/* every column, keys included */
	int				nr_cols;
	const char			*default_sort;
};

/* A table as asked for: grouped by some of its keys, sorted, limited. */
struct kms_table_req {
	const struct kms_table_def	*def;
	int				keys[KMS_MAX_KEYS];	/* indexes into def->keys */
	int				nr_keys;
	int				sort;			/* index into def->cols */
	int				limit;			/* 0: all rows */
	int				line;			/* its recipe line, 0: none */
};

/* A built table: the shown columns and their cells, row by row. */
struct kms_rows {
	const struct kms_table_def	*def;
	int				cols[KMS_MAX_COLS];	/* shown, indexes into def->cols */
	int				ncols;
	size_t				nrows;
	size_t				total;		/* rows before the limit cut */
	struct kms_cell			*cells;		/* nrows * ncols */
	char				note[256];	/* why a table is empty or partial */
};

/* The catalogue, in the order `kmemscope list` prints it; *nr its length. */
const struct kms_table_def *kms_tables(size_t *nr);
/* Look a table up by name; NULL if unknown. */
const struct kms_table_def *kms_table_find(const char *name);
/* Index of a column by name, or -1. */
int kms_table_col(const struct kms_table_def *def, const char *col);
/* Index of a key in def->keys, or -1. */
int kms_table_key(const struct kms_table_def *def, const char *key);
/* Whether any of the n requested tables groups by call site (needs kallsyms). */
bool kms_tables_need_symbols(const struct kms_table_req *rq, int n);
/* Whether any of the n requested tables shows kernel stacks (pairs them with events). */
bool kms_tables_need_stacks(const struct kms_table_req *rq, int n);
/* Whether the table called name is among the n requested tables. */
bool kms_tables_show(const struct kms_table_req *rq, int n, const char *name);
/* Fill a request with the table's default keys and sort, all rows. */
void kms_table_req_init(struct kms_table_req *rq, const struct kms_table_def *def);
/* A snapshot table (pagemap, pagemap_flags, ...) by name; NULL if unknown. */
const struct kms_table_def *kms_snapshot_table(const char *name);
/* Free the cells of a built table (the struct itself is the caller's). */
void kms_rows_free(struct kms_rows *rows);

#endif
