// SPDX-License-Identifier: GPL-2.0
/*
 * The projection of facts into tables: the facts a table's analyser emits
 * are grouped by the keys asked for and their slots summed; then each shown
 * column is filled (a derived one by its function), and the rows sorted
 * and cut to the limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/internal.h"
#include "base/kms.h"

struct grp_key { int64_t k[KMS_MAX_KEYS]; };
struct grp_val { uint64_t sum[KMS_SLOT__MAX]; };

/*
 * A row's sums live apart from the group map, in chunks of this many that
 * are never moved: the map's slots stay small (a key and an index), and
 * neither it nor the sums are copied whole as the rows grow.
 */
#define SUMS_CHUNK	1024

static struct grp_val *sums_of(const struct kms_proj *p, uint32_t i)
{
	return &p->sums[i / SUMS_CHUNK][i % SUMS_CHUNK];
}

/* The index of a new row's sums, zeroed; -1 when out of memory. */
static int64_t new_sums(struct kms_proj *p)
{
	uint32_t c = p->nr_sums / SUMS_CHUNK;

	if (c == p->nr_chunks) {
		struct grp_val **n = realloc(p->sums, (c + 1) * sizeof(*n));

		if (!n)
			return -1;
		p->sums = n;
		n[c] = calloc(SUMS_CHUNK, sizeof(**n));
		if (!n[c])
			return -1;
		p->nr_chunks++;
	}
	return p->nr_sums++;
}

static void free_sums(struct kms_proj *p)
{
	uint32_t i;

	for (i = 0; i < p->nr_chunks; i++)
		free(p->sums[i]);
	free(p->sums);
	p->sums = NULL;
	p->nr_sums = p->nr_chunks = 0;
}

/* Add one fact (slots by enum kms_slot) to the row of its keys; sums wrap. */
int kms_proj_add(struct kms_proj *p, const int64_t *fact)
{
	struct grp_key k;
	struct grp_val *v;
	uint32_t *ix;
	int i, added;

	memset(&k, 0, sizeof(k));
	for (i = 0; i < p->rq->nr_keys; i++)
		k.k[i] = fact[p->key_of[i]];
	ix = kms_hmap_get(&p->groups, &k, &added);
	if (!ix)
		return -1;
	if (added) {
		int64_t n = new_sums(p);

		if (n < 0) {
			kms_hmap_del_val(&p->groups, ix);
			return -1;
		}
		*ix = n;
	}
	v = sums_of(p, *ix);
	for (i = 0; i < KMS_SLOT__MAX; i++)
		if (i != KMS_SLOT_NAME_SOURCE)
			v->sum[i] += (uint64_t)fact[i];
	/* a row's cache name is as good as its best fact's */
	if (fact[KMS_SLOT_NAME_SOURCE] > (int64_t)v->sum[KMS_SLOT_NAME_SOURCE])
		v->sum[KMS_SLOT_NAME_SOURCE] = fact[KMS_SLOT_NAME_SOURCE];
	return 0;
}

/* The row's value of a key slot when grouped by it, else none. */
int64_t kms_proj_key(const struct kms_proj *p, const struct kms_group *g, enum kms_slot slot,
		     int64_t none)
{
	int pos = p->key_pos[slot];

	return pos >= 0 ? g->key[pos] : none;
}

/* One cell of a row: the key at pos, or (pos < 0) the column's slot or derivation. */
static void fill_cell(struct kms_proj *p, struct kms_cell *c, int col, int pos,
		      const struct kms_group *g)
{
	const struct kms_col_def *cd = &p->def->cols[col];
	const struct strtab *st = &p->a->strs;

	memset(c, 0, sizeof(*c));
	if (pos >= 0) {
		int64_t v = g->key[pos];

		if (cd->type != KMS_COL_STR)
			c->i = v;
		else
			c->s = v >= 0 && (size_t)v < st->n ? st->strs[v] : "";
		return;
	}
	c->i = (int64_t)g->sum[cd->slot];
	if (cd->derive)
		cd->derive(p, g, c);
}

/* How rows are sorted: by one shown column, then by all for stability. */
struct sort_ctx {
	const struct kms_rows	*rows;
	int			col;	/* position among the shown columns */
	bool			asc;	/* keys ascending, values descending */
	bool			abs;	/* by magnitude */
};

/* Compare two rows of cells, as ctx says. */
static int cmp_rows(const void *x, const void *y, void *arg)
{
	const struct sort_ctx *sc = arg;
	const struct kms_rows *rows = sc->rows;
	const struct kms_cell *a = x, *b = y;
	const struct kms_cell *ca = &a[sc->col], *cb = &b[sc->col];
	int t = rows->def->cols[rows->cols[sc->col]].type, r = 0, i;

	if (t == KMS_COL_STR)
		r = strcmp(ca->s ? ca->s : "", cb->s ? cb->s : "");
	else if (sc->abs)	/* deltas: the largest change first, either way */
		r = (llabs(ca->i) > llabs(cb->i)) - (llabs(ca->i) < llabs(cb->i));
	else if (t == KMS_COL_PCT)
		r = (ca->d > cb->d) - (ca->d < cb->d);
	else
		r = (ca->i > cb->i) - (ca->i < cb->i);
	if (!sc->asc)
		r = -r;
	for (i = 0; !r && i < rows->ncols; i++) {	/* stable tie-break on all columns */
		if (rows->def->cols[rows->cols[i]].type == KMS_COL_STR)
			r = strcmp(a[i].s ? a[i].s : "", b[i].s ? b[i].s : "");
		else
			r = (a[i].i > b[i].i) - (a[i].i < b[i].i);
	}
	return r;
}

/* The shown columns: the keys asked for, in order, then every other column. */
static int choose_columns(struct kms_proj *p, struct kms_rows *rows)
{
	const struct kms_table_def *def = p->def;
	int i, col;

	if (p->rq->nr_keys < 0 || p->rq->nr_keys > KMS_MAX_KEYS)
		return kms_error(KMS_ERR_FAIL, "table %s: %d keys (at most %d)", def->name,
				 p->rq->nr_keys, KMS_MAX_KEYS);
	if (p->rq->sort < 0 || p->rq->sort >= def->nr_cols)
		return kms_error(KMS_ERR_FAIL, "table %s: no sort column %d", def->name,
				 p->rq->sort);
	for (i = 0; i < KMS_SLOT__MAX; i++)
		p->key_pos[i] = -1;
	for (i = 0; i < p->rq->nr_keys; i++) {
		col = kms_table_col(def, def->keys[p->rq->keys[i]]);
		if (col < 0)
			return kms_error(KMS_ERR_FAIL, "table %s: key %s is not a column",
					 def->name, def->keys[p->rq->keys[i]]);
		rows->cols[rows->ncols++] = col;
		p->key_of[i] = def->cols[col].slot;
		p->key_pos[def->cols[col].slot] = i;
	}
	for (i = 0; i < def->nr_cols && rows->ncols < KMS_MAX_COLS; i++)
		if (kms_table_key(def, def->cols[i].name) < 0)
			rows->cols[rows->ncols++] = i;
	return 0;
}

/* Fill the cells of every group, one row each. */
static int fill_rows(struct kms_proj *p, struct kms_rows *rows)
{
	const void *kp;
	void *vp;
	size_t pos = 0, r = 0;
	int j;

	rows->cells = calloc(p->groups.len ? p->groups.len : 1,
			     rows->ncols * sizeof(struct kms_cell));
	if (!rows->cells)
		return -1;
	while (kms_hmap_next(&p->groups, &pos, &kp, &vp)) {
		const struct kms_group g = { ((const struct grp_key *)kp)->k,
					     sums_of(p, *(const uint32_t *)vp)->sum };
		struct kms_cell *row = &rows->cells[r++ * rows->ncols];

		for (j = 0; j < rows->ncols; j++)
			fill_cell(p, &row[j], rows->cols[j], j < p->rq->nr_keys ? j : -1, &g);
	}
	rows->nrows = r;
	return 0;
}

int kms_analysis_table(struct kms_analysis *a, const struct kms_table_req *rq,
		       struct kms_rows *rows)
{
	const struct kms_table_def *def = rq->def;
	struct kms_proj p = { .a = a, .rq = rq, .def = def, .mem_pid = -1 };
	struct sort_ctx sc = { .rows = rows };
	int j;

	memset(rows, 0, sizeof(*rows));
	rows->def = def;
	if (!def->emit)
		return kms_error(KMS_ERR_FAIL, "table %s is not built from events", def->name);
	if (choose_columns(&p, rows) < 0)
		return -1;
	if (kms_hmap_init(&p.groups, sizeof(struct grp_key), sizeof(uint32_t)))
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	if (def->emit(&p) || fill_rows(&p, rows)) {
		kms_hmap_free(&p.groups);
		free_sums(&p);
		kms_rows_free(rows);
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	}
	kms_hmap_free(&p.groups);
	free_sums(&p);
	for (j = 0; j < rows->ncols; j++)
		if (rows->cols[j] == rq->sort)
			sc.col = j;
	sc.asc = kms_table_key(def, def->cols[rq->sort].name) >= 0;
	sc.abs = def->cols[rq->sort].flags & KMS_COL_ABS_SORT;
	qsort_r(rows->cells, rows->nrows, rows->ncols * sizeof(struct kms_cell), cmp_rows, &sc);
	rows->total = rows->nrows;
	if (rq->limit > 0 && rows->nrows > (size_t)rq->limit)
		rows->nrows = rq->limit;
	if (p.note)
		snprintf(rows->note, sizeof(rows->note), "%s", p.note);
	return 0;
}
