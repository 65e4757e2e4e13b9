// SPDX-License-Identifier: GPL-2.0
/*
 * top's terminal view (topui.h): the header that out_text_header() writes
 * and the tables, their cells formatted by out_cell_text(), laid out to the
 * window with ncurses; keys are read without waiting at each of top's ticks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/kms.h"
#include "cmd/topui.h"

#ifdef HAVE_NCURSES
#include <curses.h>
#include <langinfo.h>
#include <locale.h>

#define UI_CUT_TEXT	12	/* text columns are cut to this before columns are left out */
#define UI_MIN_TEXT	4	/* ... and, if still needed, to this */

struct topui {
	int		sort_step;	/* 0: each table's own sort; k: its k-th numeric column */
	int		pick;		/* 0: every table; i: only the i-th */
	const char	*ellipsis;	/* "…" in a UTF-8 locale, else "~" */
};

/* The visible width of a string: UTF-8 continuation bytes take no column. */
static int text_width(const char *s)
{
	int w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* Bytes of s that fill at most cols columns. */
static size_t text_bytes(const char *s, int cols)
{
	size_t i = 0;

	while (s[i] && cols > 0) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		cols--;
	}
	return i;
}

/* Draw s at (y, x) in at most w columns, cut with the ellipsis; right-aligned if asked. */
static void put(struct topui *ui, int y, int x, int w, const char *s, bool right)
{
	int sw = text_width(s);

	if (w <= 0)
		return;
	if (sw <= w) {
		mvaddstr(y, right ? x + w - sw : x, s);
		return;
	}
	mvaddnstr(y, x, s, text_bytes(s, w - 1));
	addstr(ui->ellipsis);
}

struct topui *topui_open(const char **why)
{
	struct topui *ui;
	const char *cs;

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	if (!newterm(NULL, stdout, stdin)) {
		*why = "the terminal type (TERM) is unknown to ncurses";
		return NULL;
	}
	ui = calloc(1, sizeof(*ui));
	if (!ui) {
		endwin();
		*why = "out of memory";
		return NULL;
	}
	ui->ellipsis = cs && !strcmp(cs, "UTF-8") ? "\xe2\x80\xa6" : "~";
	cbreak();
	noecho();
	nodelay(stdscr, TRUE);
	keypad(stdscr, TRUE);
	curs_set(0);
	return ui;
}

enum topui_key topui_poll(struct topui *ui)
{
	enum topui_key k = TOPUI_NONE;
	int c;

	while ((c = getch()) != ERR) {
		if (c == 'q' || c == 'Q')
			return TOPUI_QUIT;
		if (c == 's') {
			ui->sort_step++;
			k = TOPUI_REDRAW;
		} else if (c >= '0' && c <= '9') {
			ui->pick = c - '0' == ui->pick ? 0 : c - '0';
			k = TOPUI_REDRAW;
		} else if (c == KEY_RESIZE || c == 12 /* ^L */) {
			k = TOPUI_REDRAW;
		}
	}
	return k;
}

/* Is column j shown in text (JSON-only columns are not)? */
static bool shown(const struct kms_rows *r, int j)
{
	return !(r->def->cols[r->cols[j]].flags & KMS_COL_NO_TEXT);
}

/* The sort column of the request at this sort step: its k-th numeric column. */
static int sort_col(const struct topui *ui, const struct kms_table_req *rq)
{
	const struct kms_table_def *d = rq->def;
	int j, n = 0, k;

	for (j = 0; j < d->nr_cols; j++)
		n += d->cols[j].type != KMS_COL_STR && !(d->cols[j].flags & KMS_COL_NO_TEXT);
	if (!ui->sort_step || !n)
		return rq->sort;
	k = (ui->sort_step - 1) % n;
	for (j = 0; j < d->nr_cols; j++)
		if (d->cols[j].type != KMS_COL_STR && !(d->cols[j].flags & KMS_COL_NO_TEXT) && !k--)
			return j;
	return rq->sort;
}

/*
 * Cut the widest text columns among the first k shown (w[j] of 0: left out)
 * down in turn, to no less than floor, until the row fits cols. Returns
 * the width of the row.
 */
static int cut_text(const struct kms_rows *r, int *w, int k, int floor, int cols)
{
	int j, total = 0, n = 0;

	for (j = 0; j < k; j++)
		if (w[j])
			total += w[j] + (n++ ? 2 : 0);
	while (total > cols) {
		int widest = -1, second = floor, cut;

		for (j = 0; j < k; j++)
			if (w[j] > floor && r->def->cols[r->cols[j]].type == KMS_COL_STR &&
			    (widest < 0 || w[j] > w[widest]))
				widest = j;
		if (widest < 0)
			break;
		for (j = 0; j < k; j++)
			if (j != widest && w[j] > second && r->def->cols[r->cols[j]].type == KMS_COL_STR)
				second = w[j];
		/* down to the next widest, or less if that is enough */
		cut = w[widest] - second;
		if (cut <= 0)
			cut = 1;
		if (cut > total - cols)
			cut = total - cols;
		w[widest] -= cut;
		total -= cut;
	}
	return total;
}

/*
 * Column widths that fit cols: as wide as the widest cell; when the row is
 * too wide, the widest text columns are cut (to UI_CUT_TEXT columns at
 * most), then columns on the right are left out, and only when even the
 * first column does not fit are text columns cut further. Returns how many
 * of the columns are drawn (w[j] of 0: not drawn).
 */
static int fit(const struct kms_rows *r, int *w, int cols)
{
	int w0[KMS_MAX_COLS], j, k, pass;
	char buf[256];
	size_t i;

	for (j = 0; j < r->ncols; j++) {
		w0[j] = 0;
		if (!shown(r, j))
			continue;
		w0[j] = text_width(r->def->cols[r->cols[j]].title);
		for (i = 0; i < r->nrows; i++) {
			out_cell_text(r, j, &r->cells[i * r->ncols + j], buf, sizeof(buf));
			if (text_width(buf) > w0[j])
				w0[j] = text_width(buf);
		}
	}
	for (pass = 0; pass < 2; pass++)
		for (k = r->ncols; k > 0; k--) {
			if (!w0[k - 1])
				continue;
			memcpy(w, w0, sizeof(w0));
			for (j = k; j < r->ncols; j++)
				w[j] = 0;
			if (cut_text(r, w, k, pass ? UI_MIN_TEXT : UI_CUT_TEXT, cols) <= cols || (pass && k == 1))
				return k;
		}
	return 0;
}

/* Draw one built table from line y in at most h lines; returns the lines used. */
static int draw_table(struct topui *ui, const struct kms_table_req *rq, const struct kms_rows *r,
		      int y, int h)
{
	char buf[256], title[320];
	int w[KMS_MAX_COLS], j, x, ncols = COLS, nshow;
	size_t i;

	snprintf(title, sizeof(title), "%s   sorted by %s   rows %zu of %zu%s%s", r->def->title,
		 rq->def->cols[rq->sort].title, r->nrows, r->total, r->note[0] ? "   " : "", r->note);
	attron(A_BOLD);
	put(ui, y, 0, ncols, title, false);
	attroff(A_BOLD);
	if (h < 2)
		return 1;
	nshow = fit(r, w, ncols);
	for (j = 0, x = 0; j < nshow; j++) {
		bool right = r->def->cols[r->cols[j]].type != KMS_COL_STR;

		if (!w[j])
			continue;
		attron(A_UNDERLINE);
		put(ui, y + 1, x, w[j], r->def->cols[r->cols[j]].title, right);
		attroff(A_UNDERLINE);
		x += w[j] + 2;
	}
	for (i = 0; i < r->nrows && (int)i + 2 < h; i++) {
		for (j = 0, x = 0; j < nshow; j++) {
			if (!w[j])
				continue;
			out_cell_text(r, j, &r->cells[i * r->ncols + j], buf, sizeof(buf));
			put(ui, y + 2 + i, x, w[j], buf, r->def->cols[r->cols[j]].type != KMS_COL_STR);
			x += w[j] + 2;
		}
	}
	return 2 + i;
}

/* The header's lines, as out_text_header() writes them, cut to the width. */
static int draw_header(struct topui *ui, const struct out_meta *m)
{
	char *text = NULL, *line, *next;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int y = 0;

	if (!f)
		return 0;
	out_text_header(f, m);
	fclose(f);
	for (line = text; line && *line && y < LINES; line = next, y++) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		put(ui, y, 0, COLS, line, false);
	}
	free(text);
	return y;
}

int topui_draw(struct topui *ui, struct kms_analysis *an, const struct kms_table_req *reqs,
	       int nr, const char *only, const struct out_meta *m)
{
	int idx[64], n = 0, i, y, avail, share, fits;
	char keys[160];

	for (i = 0; i < nr && n < 64; i++)
		if (!only || !strcmp(only, reqs[i].def->name))
			idx[n++] = i;
	if (ui->pick > n)
		ui->pick = 0;
	erase();
	y = draw_header(ui, m);
	snprintf(keys, sizeof(keys), "q quit   s sort%s   1-%d table%s   0 all", ui->sort_step ? "ed" : "",
		 n < 9 ? n : 9, ui->pick ? " (one shown)" : "");
	if (y < LINES)
		put(ui, y++, 0, COLS, keys, false);
	if (ui->pick) {
		idx[0] = idx[ui->pick - 1];
		n = 1;
	}
	avail = LINES - y;
	/* each table its share, three lines (title, header, a row) at least */
	fits = avail / 3 < n ? avail / 3 : n;
	for (i = 0; i < fits && avail > 0; i++) {
		struct kms_table_req rq = reqs[idx[i]];
		struct kms_rows rows;
		int used;

		share = avail / (fits - i);
		rq.sort = sort_col(ui, &rq);
		if (!rq.limit || rq.limit > share - 2)
			rq.limit = share - 2 > 0 ? share - 2 : 1;
		if (kms_analysis_table(an, &rq, &rows) < 0)
			return -1;
		used = draw_table(ui, &rq, &rows, y, share);
		kms_rows_free(&rows);
		y += used;
		avail -= used;
	}
	if (fits < n && y < LINES)
		mvprintw(y, 0, "(%d more tables: press 1-%d)", n - fits, n < 9 ? n : 9);
	refresh();
	return 0;
}

void topui_close(struct topui *ui)
{
	if (!ui)
		return;
	endwin();
	free(ui);
}

#else	/* no ncurses: top prints plain snapshots */

struct topui *topui_open(const char **why)
{
	*why = "built without ncurses (libncurses-dev)";
	return NULL;
}

enum topui_key topui_poll(struct topui *ui)
{
	return TOPUI_NONE;
}

int topui_draw(struct topui *ui, struct kms_analysis *an, const struct kms_table_req *reqs,
	       int nr, const char *only, const struct out_meta *m)
{
	return 0;
}

void topui_close(struct topui *ui)
{
}

#endif
