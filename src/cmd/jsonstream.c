// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON document of out_json_new() and out_json_add(), written as it is
 * made: a table's rows go to the file one by one, never into a cJSON tree.
 * top prints a document every interval, and with thousands of processes a
 * tree of every row took hundreds of megabytes and most of the interval.
 * A row's cells are out_json_cell()'s, as in out_json_row(); numbers and
 * strings are written as cJSON writes them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/output.h"

/* A string, quoted and escaped as cJSON does. */
static void put_string(FILE *f, const char *s)
{
	const unsigned char *p;

	putc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 32)
				fprintf(f, "\\u%04x", *p);
			else
				putc(*p, f);
		}
	}
	putc('"', f);
}

/* An integer, in decimal (cJSON's output for every count below 10^15). */
static void put_int(FILE *f, long long v)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;

	*--p = 0;
	do
		*--p = '0' + u % 10;
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	fputs(p, f);
}

/* A double as cJSON prints it: an int when it is one, else the shortest of 15 or 17 digits. */
static void put_double(FILE *f, double d)
{
	char buf[32];
	double back;

	if (isnan(d) || isinf(d)) {
		fputs("null", f);
		return;
	}
	if (fabs(d) < 1e15 && d == (double)(long long)d) {
		put_int(f, (long long)d);
		return;
	}
	snprintf(buf, sizeof(buf), "%1.15g", d);
	if (sscanf(buf, "%lg", &back) != 1 || back != d)
		snprintf(buf, sizeof(buf), "%1.17g", d);
	fputs(buf, f);
}

int out_json_stream_begin(struct out_json_stream *js, FILE *f, const struct out_meta *m)
{
	cJSON *doc = out_json_new(m);
	char *s;
	size_t n;

	memset(js, 0, sizeof(*js));
	js->f = f;
	if (!doc)
		return -1;
	cJSON_DeleteItemFromObject(doc, "tables");
	s = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	js->tail = cJSON_CreateObject();
	if (!s || !js->tail || (n = strlen(s)) < 2) {
		free(s);
		cJSON_Delete(js->tail);
		js->tail = NULL;
		return -1;
	}
	/* the header's keys, then the tables, then what out_json_add() puts after them */
	fwrite(s, 1, n - 1, f);
	fputs(n > 2 ? ",\"tables\":{" : "\"tables\":{", f);
	free(s);
	return 0;
}

int out_json_stream_table(struct out_json_stream *js, const struct kms_rows *r)
{
	FILE *f = js->f;
	cJSON *counts, *one, *notes;
	struct out_json_cell c;
	size_t i;
	int j;

	if (js->ntables++)
		putc(',', f);
	put_string(f, r->def->name);
	fputs(":[", f);
	for (i = 0; i < r->nrows; i++) {
		if (i)
			putc(',', f);
		putc('{', f);
		for (j = 0; j < r->ncols; j++) {
			out_json_cell(r, i, j, &c);
			if (j)
				putc(',', f);
			put_string(f, c.name);
			putc(':', f);
			if (c.kind == OUT_JSON_NULL)
				fputs("null", f);
			else if (c.kind == OUT_JSON_STRING)
				put_string(f, c.s);
			else
				put_double(f, c.d);
		}
		putc('}', f);
	}
	putc(']', f);
	counts = cJSON_GetObjectItem(js->tail, "row_counts");
	if (!counts)
		counts = cJSON_AddObjectToObject(js->tail, "row_counts");
	one = counts ? cJSON_AddObjectToObject(counts, r->def->name) : NULL;
	if (!one)
		return -1;
	cJSON_AddNumberToObject(one, "rows", (double)r->nrows);
	cJSON_AddNumberToObject(one, "rows_total", (double)r->total);
	if (r->note[0]) {
		notes = cJSON_GetObjectItem(js->tail, "notes");
		if (!notes)
			notes = cJSON_AddObjectToObject(js->tail, "notes");
		if (!notes || !cJSON_AddStringToObject(notes, r->def->name, r->note))
			return -1;
	}
	return 0;
}

int out_json_stream_end(struct out_json_stream *js)
{
	char *s = js->tail ? cJSON_PrintUnformatted(js->tail) : NULL;
	size_t n = s ? strlen(s) : 0;

	cJSON_Delete(js->tail);
	js->tail = NULL;
	putc('}', js->f);
	/* "{...}" of the tail: its keys follow the tables */
	if (n > 2) {
		putc(',', js->f);
		fwrite(s + 1, 1, n - 2, js->f);
	}
	fputs("}\n", js->f);
	free(s);
	return s ? 0 : -1;
}

/* Drop a document begun but not ended (its file is left as it is). */
void out_json_stream_abort(struct out_json_stream *js)
{
	cJSON_Delete(js->tail);
	js->tail = NULL;
}
