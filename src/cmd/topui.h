/* SPDX-License-Identifier: GPL-2.0 */
/*
 * top's terminal view, drawn with ncurses when stdout is a terminal and
 * --json is not given: the tables fit the window's width (the widest text
 * columns cut with an ellipsis) and height (each table its share of rows);
 * q quits, s cycles the sort column, 1-9 show one table (0 all again), and
 * a resize redraws. Built without ncurses, topui_open() says why not and
 * top prints plain snapshots as before.
 */
#ifndef KMS_TOPUI_H
#define KMS_TOPUI_H

#include "analyse/analyse.h"
#include "analyse/table.h"
#include "cmd/output.h"

#ifdef HAVE_NCURSES
#define TOPUI_HELP \
	"On a terminal (without --json) the tables are drawn to fit the window:\n" \
	"q quits, s cycles the sort column, 1-9 show one table, 0 all of them.\n"
#else
#define TOPUI_HELP \
	"This build has no ncurses (libncurses-dev was missing when it was\n" \
	"configured): on a terminal the snapshots are printed as text.\n"
#endif

struct topui;

/* What a key asked for. */
enum topui_key {
	TOPUI_NONE,
	TOPUI_QUIT,	/* q */
	TOPUI_REDRAW,	/* s, a digit, a resize */
};

/* Take over the terminal; NULL (and why in *why) when it cannot be drawn on. */
struct topui *topui_open(const char **why);
/* Read the keys pressed since the last call, without waiting. */
enum topui_key topui_poll(struct topui *ui);
/* Draw the header and the tables (the requests of the recipe, or only one). */
int topui_draw(struct topui *ui, struct kms_analysis *an, const struct kms_table_req *reqs,
	       int nr, const char *only, const struct out_meta *m);
/* Give the terminal back; NULL is fine. */
void topui_close(struct topui *ui);

#endif
