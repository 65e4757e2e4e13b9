// SPDX-License-Identifier: GPL-2.0
/*
 * Text, JSON and CSV rendering of kms_rows.
 */
#include <stdlib.h>
#include <string.h>

#include "analyse/analyse.h"
#include "cmd/cmd.h"
#include "cmd/output.h"

void out_text_header(FILE *f, const struct out_meta *m)
{
	fprintf(f, "source: %s   duration: %.3f s   events: %llu   lost: %llu\n",
		m->source, m->duration_s, m->events, m->lost);
	if (m->lag_known && m->behind_s > 0)
		fprintf(f, "behind: events counted up to %.3f s, %.3f s ago (the rest is "
			"queued or in the kernel's buffer)\n", m->through_s, m->behind_s);
	if (m->buffers)
		fprintf(f, "buffers: %s\n", m->buffers);
	if (m->missing && *m->missing)
		fprintf(f, "missing events (tables that need them are empty): %s\n", m->missing);
	if (m->scope && m->scope->active) {
		const struct kms_scope_info *sc = m->scope;
		int i;

		fprintf(f, "scope: ");
		if (sc->cgroup)
			fprintf(f, "cgroup %s", sc->cgroup);
		else
			fprintf(f, "%s", sc->kind && !strcmp(sc->kind, "command") ? "command" : "pid");
		for (i = 0; !sc->cgroup && i < sc->nr_roots; i++)
			fprintf(f, " %d", sc->roots[i]);
		fprintf(f, " and descendants   foreign events dropped: %llu\n", sc->foreign);
	}
	if (m->folded_events || m->untracked)
		fprintf(f, "bounded: %llu events of %llu+ processes beyond the first ones counted as "
			"pid %d (other); %llu allocations counted but not followed to their free\n",
			m->folded_events, m->folded_procs, KMS_PID_OTHER, m->untracked);
	if (m->forgotten)
		fprintf(f, "exited: %llu processes gone for %g s or more counted as pid %d (other)\n",
			m->forgotten, m->forget_s, KMS_PID_OTHER);
}

/* One cell as text. */
static void cell_text(const struct kms_rows *r, int j, const struct kms_cell *c, char *buf, size_t len)
{
	const struct kms_col_def *cd = &r->def->cols[r->cols[j]];

	if (c->null) {
		snprintf(buf, len, "-");
		return;
	}
	switch (cd->type) {
	case KMS_COL_STR:
		snprintf(buf, len, "%s", c->s ? c->s : "");
		break;
	case KMS_COL_KIB:
		cmd_human_bytes(c->i < 0 ? 0 : (unsigned long long)c->i * 1024, buf, len);
		if (c->i < 0) {
			char tmp[32];

			cmd_human_bytes((unsigned long long)-c->i * 1024, tmp, sizeof(tmp));
			snprintf(buf, len, "-%s", tmp);
		}
		break;
	case KMS_COL_BYTES:
		cmd_human_bytes(c->i < 0 ? -(unsigned long long)c->i : (unsigned long long)c->i,
				buf + (c->i < 0), len - (c->i < 0));
		if (c->i < 0)
			buf[0] = '-';
		break;
	case KMS_COL_PCT:
		snprintf(buf, len, "%.1f", c->d);
		break;
	case KMS_COL_RATIO:
		snprintf(buf, len, "%.3f", c->d);
		break;
	default:
		snprintf(buf, len, "%lld", c->i);
	}
}

/* Column j's cell as text shows it (for top's terminal view). */
void out_cell_text(const struct kms_rows *r, int j, const struct kms_cell *c, char *buf, size_t len)
{
	cell_text(r, j, c, buf, len);
}

/* A column only JSON and CSV show. */
#define NO_TEXT(r, j) ((r)->def->cols[(r)->cols[j]].flags & KMS_COL_NO_TEXT)

void out_text_table(FILE *f, const struct kms_rows *r)
{
	int w[16], j, last, sep;
	size_t i;
	char buf[256];

	fprintf(f, "\n%s\n", r->def->title);
	for (j = 0; j < r->ncols; j++)
		w[j] = strlen(r->def->cols[r->cols[j]].title);
	for (last = r->ncols - 1; last > 0 && NO_TEXT(r, last); last--)
		;
	for (i = 0; i < r->nrows; i++)
		for (j = 0; j < r->ncols; j++) {
			cell_text(r, j, &r->cells[i * r->ncols + j], buf, sizeof(buf));
			if ((int)strlen(buf) > w[j])
				w[j] = strlen(buf);
		}
	for (j = 0, sep = 0; j < r->ncols; j++) {
		int left = r->def->cols[r->cols[j]].type == KMS_COL_STR;

		if (NO_TEXT(r, j))
			continue;
		if (j == last && left)
			fprintf(f, "%s%s", sep++ ? "  " : "", r->def->cols[r->cols[j]].title);
		else
			fprintf(f, "%s%*s", sep++ ? "  " : "", left ? -w[j] : w[j],
				r->def->cols[r->cols[j]].title);
	}
	fputc('\n', f);
	for (i = 0; i < r->nrows; i++) {
		for (j = 0, sep = 0; j < r->ncols; j++) {
			int left = r->def->cols[r->cols[j]].type == KMS_COL_STR;

			if (NO_TEXT(r, j))
				continue;
			cell_text(r, j, &r->cells[i * r->ncols + j], buf, sizeof(buf));
			/* the last column is not padded, so lines have no trailing blanks */
			if (j == last && left)
				fprintf(f, "%s%s", sep++ ? "  " : "", buf);
			else
				fprintf(f, "%s%*s", sep++ ? "  " : "", left ? -w[j] : w[j], buf);
		}
		fputc('\n', f);
	}
	if (!r->nrows)
		fprintf(f, "(no rows%s%s)\n", r->note[0] ? ": " : "", r->note);
	else if (r->note[0])
		fprintf(f, "(%s)\n", r->note);
	if (r->nrows < r->total)
		fprintf(f, "(%zu of %zu rows; --limit 0 shows them all)\n", r->nrows, r->total);
}

static void csv_str(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void out_csv_table(FILE *f, const struct kms_rows *r)
{
	size_t i;
	int j;

	for (j = 0; j < r->ncols; j++)
		fprintf(f, "%s%s", j ? "," : "", r->def->cols[r->cols[j]].name);
	fputc('\n', f);
	for (i = 0; i < r->nrows; i++) {
		for (j = 0; j < r->ncols; j++) {
			const struct kms_cell *c = &r->cells[i * r->ncols + j];
			int t = r->def->cols[r->cols[j]].type;

			if (j)
				fputc(',', f);
			if (c->null)
				continue;
			if (t == KMS_COL_STR)
				csv_str(f, c->s ? c->s : "");
			else if (t == KMS_COL_PCT)
				fprintf(f, "%.2f", c->d);
			else if (t == KMS_COL_RATIO)
				fprintf(f, "%.3f", c->d);
			else
				fprintf(f, "%lld", c->i);
		}
		fputc('\n', f);
	}
}

cJSON *out_json_new(const struct out_meta *m)
{
	cJSON *doc = cJSON_CreateObject();

	if (!doc)
		return NULL;
	cJSON_AddNumberToObject(doc, "schema", KMS_JSON_SCHEMA);
	cJSON_AddStringToObject(doc, "source", m->source);
	cJSON_AddNumberToObject(doc, "duration_s", m->duration_s);
	cJSON_AddNumberToObject(doc, "events", (double)m->events);
	cJSON_AddNumberToObject(doc, "lost_events", (double)m->lost);
	if (m->lag_known) {
		cJSON_AddNumberToObject(doc, "events_through_s", m->through_s);
		cJSON_AddNumberToObject(doc, "behind_s", m->behind_s);
	}
	if (m->missing && *m->missing)
		cJSON_AddStringToObject(doc, "missing_events", m->missing);
	if (m->buffers)
		cJSON_AddStringToObject(doc, "buffers", m->buffers);
	if (m->scope && m->scope->active) {
		cJSON *sc = cJSON_AddObjectToObject(doc, "scope"), *roots;
		int i;

		if (sc) {
			cJSON_AddStringToObject(sc, "kind", m->scope->cgroup ? "cgroup" :
						m->scope->kind ? m->scope->kind : "pid");
			if (m->scope->cgroup)
				cJSON_AddStringToObject(sc, "cgroup", m->scope->cgroup);
			roots = cJSON_AddArrayToObject(sc, "pids");
			for (i = 0; roots && i < m->scope->nr_roots; i++)
				cJSON_AddItemToArray(roots, cJSON_CreateNumber(m->scope->roots[i]));
			cJSON_AddNumberToObject(sc, "foreign_events", (double)m->scope->foreign);
		}
	}
	if (m->folded_events || m->untracked || m->forgotten) {
		cJSON *b = cJSON_AddObjectToObject(doc, "bounds");

		if (b) {
			cJSON_AddNumberToObject(b, "folded_processes", (double)m->folded_procs);
			cJSON_AddNumberToObject(b, "folded_events", (double)m->folded_events);
			cJSON_AddNumberToObject(b, "untracked_allocations", (double)m->untracked);
			cJSON_AddNumberToObject(b, "exited_processes", (double)m->forgotten);
		}
	}
	cJSON_AddObjectToObject(doc, "tables");
	return doc;
}

void out_json_cell(const struct kms_rows *r, size_t i, int j, struct out_json_cell *out)
{
	const struct kms_cell *c = &r->cells[i * r->ncols + j];
	const struct kms_col_def *cd = &r->def->cols[r->cols[j]];

	out->name = cd->name;
	out->s = NULL;
	out->d = 0;
	if (c->null) {
		out->kind = OUT_JSON_NULL;
	} else if (cd->type == KMS_COL_STR) {
		out->kind = OUT_JSON_STRING;
		out->s = c->s ? c->s : "";
	} else {
		out->kind = OUT_JSON_NUMBER;
		out->d = cd->type == KMS_COL_PCT || cd->type == KMS_COL_RATIO ? c->d : (double)c->i;
	}
}

cJSON *out_json_row(const struct kms_rows *r, size_t i)
{
	cJSON *row = cJSON_CreateObject();
	struct out_json_cell c;
	int j;

	for (j = 0; row && j < r->ncols; j++) {
		out_json_cell(r, i, j, &c);
		if (c.kind == OUT_JSON_NULL)
			cJSON_AddNullToObject(row, c.name);
		else if (c.kind == OUT_JSON_STRING)
			cJSON_AddStringToObject(row, c.name, c.s);
		else
			cJSON_AddNumberToObject(row, c.name, c.d);
	}
	return row;
}

int out_json_add(cJSON *doc, const struct kms_rows *r)
{
	cJSON *tables = cJSON_GetObjectItem(doc, "tables");
	cJSON *arr = cJSON_AddArrayToObject(tables, r->def->name), *counts, *one;
	size_t i;

	if (!arr)
		return -1;
	for (i = 0; i < r->nrows; i++)
		cJSON_AddItemToArray(arr, out_json_row(r, i));
	counts = cJSON_GetObjectItem(doc, "row_counts");
	if (!counts)
		counts = cJSON_AddObjectToObject(doc, "row_counts");
	one = counts ? cJSON_AddObjectToObject(counts, r->def->name) : NULL;
	if (one) {
		cJSON_AddNumberToObject(one, "rows", (double)r->nrows);
		cJSON_AddNumberToObject(one, "rows_total", (double)r->total);
	}
	if (r->note[0]) {
		cJSON *notes = cJSON_GetObjectItem(doc, "notes");

		if (!notes)
			notes = cJSON_AddObjectToObject(doc, "notes");
		cJSON_AddStringToObject(notes, r->def->name, r->note);
	}
	return 0;
}

int out_json_print(FILE *f, cJSON *doc, int one_line)
{
	char *s = one_line ? cJSON_PrintUnformatted(doc) : cJSON_Print(doc);
	int ret = s ? 0 : -1;

	if (s) {
		fputs(s, f);
		fputc('\n', f);
		free(s);
	}
	cJSON_Delete(doc);
	return ret;
}
