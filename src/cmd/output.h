/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output of tables: aligned text with human units, JSON (cJSON, schema in
 * kmemscope-json(5)) and CSV. The only place that formats tables.
 */
#ifndef KMS_OUTPUT_H
#define KMS_OUTPUT_H

#include <stdio.h>
#include <cjson/cJSON.h>

#include "analyse/table.h"

#define KMS_JSON_SCHEMA 1

struct kms_scope_info;

struct out_meta {
	const char		*source;
	double			duration_s;
	unsigned long long	events;
	unsigned long long	lost;
	const char		*missing;	/* events the recipe wants but the source lacks */
	const char		*buffers;	/* buffers of the file, when several */
	const struct kms_scope_info *scope;	/* whose events count, or NULL */
	/* top's bounds: processes folded into "other", allocations not followed */
	unsigned long long	folded_procs, folded_events, untracked;
	unsigned long long	forgotten;	/* exited processes folded into other (top) */
	double			forget_s;	/* how long after their exit */
	/* top: the events analysed are those up to through_s since the start, behind_s ago */
	bool			lag_known;
	double			through_s, behind_s;
};

void out_text_header(FILE *f, const struct out_meta *m);
void out_text_table(FILE *f, const struct kms_rows *rows);
/* The text of column j's cell c, as out_text_table() prints it. */
void out_cell_text(const struct kms_rows *rows, int j, const struct kms_cell *c, char *buf,
		   size_t len);
void out_csv_table(FILE *f, const struct kms_rows *rows);
/* A JSON document with the top-level keys; tables are added to it. */
cJSON *out_json_new(const struct out_meta *m);
int out_json_add(cJSON *doc, const struct kms_rows *rows);
/*
 * Cell j of row i as a member of its row's JSON object: the one place
 * that decides a row's shape, for out_json_row() and the stream alike.
 * s points into rows (or is ""); d holds counts and ratios alike.
 */
struct out_json_cell {
	const char	*name;
	enum { OUT_JSON_NULL, OUT_JSON_STRING, OUT_JSON_NUMBER } kind;
	const char	*s;
	double		d;
};
void out_json_cell(const struct kms_rows *rows, size_t i, int j, struct out_json_cell *out);
/* Row i of a table as a JSON object (for documents of their own shape). */
cJSON *out_json_row(const struct kms_rows *rows, size_t i);
/*
 * The same document on one line, written as it is made (jsonstream.c):
 * begin, a table at a time, end. Memory does not grow with the rows.
 */
struct out_json_stream {
	FILE		*f;
	cJSON		*tail;		/* row_counts and notes, after the tables */
	int		ntables;
};
int out_json_stream_begin(struct out_json_stream *js, FILE *f, const struct out_meta *m);
int out_json_stream_table(struct out_json_stream *js, const struct kms_rows *rows);
int out_json_stream_end(struct out_json_stream *js);
void out_json_stream_abort(struct out_json_stream *js);
/* Print and free the document: pretty, or on one line. */
int out_json_print(FILE *f, cJSON *doc, int one_line);

#endif
