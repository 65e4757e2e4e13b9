// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus text exposition format (version 0.0.4) for top
 * --textfile: HELP and TYPE before each family, counters named *_total,
 * no timestamps (node_exporter refuses them in textfiles), label values
 * escaped and valid UTF-8. Caches and comms are capped: the first top
 * values seen (largest first) keep their own series for the whole run, the
 * rest are summed into "other", so every series, "other" included, only
 * grows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/kms.h"
#include "cmd/prom.h"

#define OTHER "other"

int prom_init(struct prom *p, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return kms_error(KMS_ERR_USAGE, "--textfile %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return kms_error(KMS_ERR_USAGE, "--textfile %s: not a directory", dir);
	if (access(dir, W_OK | X_OK) < 0)
		return kms_error(KMS_ERR_USAGE, "--textfile %s: %s", dir, strerror(errno));
	free(p->dir);
	free(p->path);
	p->dir = strdup(dir);
	if (!p->dir || asprintf(&p->path, "%s/kmemscope.prom", dir) < 0) {
		p->path = NULL;
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	}
	return 0;
}

void prom_free(struct prom *p)
{
	struct prom_keep *k[] = { &p->caches, &p->comms };
	size_t i;
	int j;

	for (i = 0; i < KMS_ARRAY_SIZE(k); i++) {
		for (j = 0; j < k[i]->n; j++)
			free(k[i]->v[j]);
		free(k[i]->v);
	}
	free(p->dir);
	free(p->path);
	memset(p, 0, sizeof(*p));
}

/*
 * Whether a label value keeps its own series: it already does, or it is
 * new and a place is free. "other" itself always goes to "other".
 * Returns 1, 0, or -1 when out of memory.
 */
static int keep(struct prom_keep *k, const char *v, int top)
{
	char **n;
	int i;

	if (!strcmp(v, OTHER))
		return 0;
	for (i = 0; i < k->n; i++)
		if (!strcmp(k->v[i], v))
			return 1;
	if (k->n >= top)
		return 0;
	n = realloc(k->v, (k->n + 1) * sizeof(*n));
	if (!n)
		return -1;
	k->v = n;
	k->v[k->n] = strdup(v);
	if (!k->v[k->n])
		return -1;
	k->n++;
	return 1;
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static int utf8_len(const unsigned char *s)
{
	int n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;	/* overlong, a surrogate, or beyond U+10FFFF */
	return n;
}

/* A label value: \ " and newline escaped, control bytes and invalid UTF-8 as '?'. */
static void put_label(FILE *f, const char *v)
{
	const unsigned char *s = (const unsigned char *)(v ? v : "");
	int n;

	fputc('"', f);
	while (*s) {
		if (*s == '\\' || *s == '"') {
			fputc('\\', f);
			fputc(*s++, f);
		} else if (*s == '\n') {
			fputs("\\n", f);
			s++;
		} else if (*s < 0x20 || *s == 0x7f || !(n = utf8_len(s))) {
			fputc('?', f);
			s++;
		} else {
			fwrite(s, 1, n, f);
			s += n;
		}
	}
	fputc('"', f);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Ask the analysis for a table grouped by keys; -1 with kms_error(). */
static int table(struct kms_analysis *a, const char *name, const char *const *keys,
		 const char *sort, struct kms_rows *rows)
{
	struct kms_table_req rt = { 0 };

	rt.def = kms_table_find(name);
	if (!rt.def)
		return kms_error(KMS_ERR_FAIL, "prometheus: no table %s in the catalogue", name);
	for (; *keys && rt.nr_keys < KMS_MAX_KEYS; keys++) {
		rt.keys[rt.nr_keys] = kms_table_key(rt.def, *keys);
		if (rt.keys[rt.nr_keys++] < 0)
			return kms_error(KMS_ERR_FAIL, "prometheus: table %s has no key %s", name, *keys);
	}
	rt.sort = kms_table_col(rt.def, sort);
	if (rt.sort < 0)
		return kms_error(KMS_ERR_FAIL, "prometheus: table %s has no column %s", name, sort);
	if (kms_analysis_table(a, &rt, rows) < 0)
		return -1;
	return 0;
}

/* Position of a column in the rows, or -1. */
static int col(const struct kms_rows *r, const char *name)
{
	int j;

	for (j = 0; j < r->ncols; j++)
		if (!strcmp(r->def->cols[r->cols[j]].name, name))
			return j;
	return -1;
}

static const struct kms_cell *cell(const struct kms_rows *r, size_t i, int j)
{
	return &r->cells[i * r->ncols + j];
}

/* Page allocations by order and migratetype, frees by order. */
static int write_pages(FILE *f, struct kms_analysis *a)
{
	static const char *const by_om[] = { "order", "migratetype", NULL };
	static const char *const by_o[] = { "order", NULL };
	static const struct { const char *tab, *col, *name, *help; } fams[] = {
		{ "pages", "count", "kmemscope_page_allocs_total",
		  "Page allocations (kmem:mm_page_alloc) by order and migrate type." },
		{ "pages", "pages", "kmemscope_page_alloc_pages_total",
		  "Pages allocated (2^order per allocation) by order and migrate type." },
		{ "page_orders", "frees", "kmemscope_page_frees_total",
		  "Page frees (kmem:mm_page_free) by order." },
		{ "page_orders", "free_pages", "kmemscope_page_free_pages_total",
		  "Pages freed by order." },
	};
	struct kms_rows rows[2];
	size_t i, k;

	if (table(a, "pages", by_om, "order", &rows[0]) < 0)
		return -1;
	if (table(a, "page_orders", by_o, "order", &rows[1]) < 0) {
		kms_rows_free(&rows[0]);
		return -1;
	}
	for (k = 0; k < KMS_ARRAY_SIZE(fams); k++) {
		struct kms_rows *r = &rows[strcmp(fams[k].tab, "pages") ? 1 : 0];
		int v = col(r, fams[k].col), o = col(r, "order"), mt = col(r, "migratetype");

		if (v < 0 || o < 0 || !r->nrows)
			continue;
		family(f, fams[k].name, "counter", fams[k].help);
		for (i = 0; i < r->nrows; i++) {
			if (cell(r, i, v)->null || cell(r, i, o)->null)
				continue;
			fprintf(f, "%s{order=\"%lld\"", fams[k].name, cell(r, i, o)->i);
			if (mt >= 0)
				fprintf(f, ",migratetype=\"%lld\"", cell(r, i, mt)->i);
			fprintf(f, "} %lld\n", cell(r, i, v)->i);
		}
	}
	kms_rows_free(&rows[0]);
	kms_rows_free(&rows[1]);
	return 0;
}

struct fam {
	const char	*col, *name, *type, *help;
};

/*
 * Families of one table labelled by one key, capped: kept values get a
 * series each, the others one "other" series with their sum.
 */
static int write_capped(FILE *f, struct kms_analysis *a, const char *tab, const char *key,
			const char *sort, struct prom_keep *kp, int top,
			const struct fam *fams, size_t nfams)
{
	const char *const keys[] = { key, NULL };
	struct kms_rows r;
	unsigned char *kept = NULL;
	size_t i, k;
	int kc, ret = 0;

	if (table(a, tab, keys, sort, &r) < 0)
		return -1;
	kc = col(&r, key);
	if (kc < 0 || !r.nrows)
		goto out;
	kept = calloc(r.nrows, 1);
	if (!kept) {
		ret = kms_error(KMS_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < r.nrows; i++) {	/* largest first: the sort column */
		const struct kms_cell *c = cell(&r, i, kc);
		int kv = keep(kp, c->null || !c->s ? "" : c->s, top);

		if (kv < 0) {
			ret = kms_error(KMS_ERR_NOMEM, "out of memory");
			goto out;
		}
		kept[i] = kv;
	}
	for (k = 0; k < nfams; k++) {
		int v = col(&r, fams[k].col), others = 0;
		long long other = 0;

		if (v < 0)
			continue;
		family(f, fams[k].name, fams[k].type, fams[k].help);
		for (i = 0; i < r.nrows; i++) {
			const struct kms_cell *c = cell(&r, i, v);

			if (c->null)
				continue;
			if (!kept[i]) {
				other += c->i;
				others++;
				continue;
			}
			fprintf(f, "%s{%s=", fams[k].name, key);
			put_label(f, cell(&r, i, kc)->s);
			fprintf(f, "} %lld\n", c->i);
		}
		if (others || kp->n >= top)
			fprintf(f, "%s{%s=\"" OTHER "\"} %lld\n", fams[k].name, key, other);
	}
out:
	free(kept);
	kms_rows_free(&r);
	return ret;
}

/* /proc/meminfo: "Name:   123 kB" as bytes, unitless figures as they are. */
static void write_meminfo(FILE *f)
{
	char *text = kms_read_file("/proc/meminfo", NULL), *line, *save = NULL;
	int pass;

	if (!text)
		return;
	for (pass = 0; pass < 2; pass++) {
		char *copy = strdup(text);
		int n = 0;

		if (!copy)
			break;
		for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char name[64];
			unsigned long long v;
			char unit[8] = "";
			int kb;

			if (sscanf(line, "%63[^:]: %llu %7s", name, &v, unit) < 2)
				continue;
			kb = !strcmp(unit, "kB");
			if (kb != !pass)
				continue;
			if (!n++)
				family(f, pass ? "kmemscope_meminfo" : "kmemscope_meminfo_bytes", "gauge",
				       pass ? "/proc/meminfo figures without a unit (huge page counts), by field."
					    : "/proc/meminfo in bytes, by field, read every interval.");
			fprintf(f, "%s{field=", pass ? "kmemscope_meminfo" : "kmemscope_meminfo_bytes");
			put_label(f, name);
			fprintf(f, "} %llu\n", kb ? v * 1024 : v);
		}
		free(copy);
	}
	free(text);
}

static int write_all(FILE *f, struct prom *p, struct kms_analysis *a, const struct out_meta *m)
{
	static const struct fam slab[] = {
		{ "allocs", "kmemscope_slab_allocs_total", "counter",
		  "Slab objects allocated (kmalloc, kmem_cache_alloc) by cache." },
		{ "frees", "kmemscope_slab_frees_total", "counter",
		  "Slab objects freed (kfree, kmem_cache_free) by cache." },
		{ "live", "kmemscope_slab_live_objects", "gauge",
		  "Slab objects allocated since the start and not yet freed, by cache." },
		{ "bytes_req", "kmemscope_slab_requested_bytes_total", "counter",
		  "Bytes the callers asked for in slab allocations, by cache." },
		{ "bytes_alloc", "kmemscope_slab_allocated_bytes_total", "counter",
		  "Bytes the slab allocator handed out, by cache." },
	};
	static const struct fam faults[] = {
		{ "faults", "kmemscope_page_faults_total", "counter",
		  "Page faults (exceptions:page_fault_user and _kernel) by comm." },
		{ "user", "kmemscope_page_faults_user_total", "counter",
		  "Page faults taken in user mode, by comm." },
		{ "kernel", "kmemscope_page_faults_kernel_total", "counter",
		  "Page faults taken in kernel mode, by comm." },
	};
	int top = p->top ? p->top : PROM_TOP_DEFAULT;

	family(f, "kmemscope_events_total", "counter", "Events decoded since kmemscope top started.");
	fprintf(f, "kmemscope_events_total %llu\n", m->events);
	family(f, "kmemscope_lost_events_total", "counter",
	       "Events the kernel dropped because a ring buffer was full.");
	fprintf(f, "kmemscope_lost_events_total %llu\n", m->lost);
	family(f, "kmemscope_label_values_max", "gauge",
	       "Caches and comms with a series of their own (--textfile-top); the rest are \"other\".");
	fprintf(f, "kmemscope_label_values_max %d\n", top);
	if (write_pages(f, a) < 0 ||
	    write_capped(f, a, "slab", "cache", "bytes_alloc", &p->caches, top, slab,
			 KMS_ARRAY_SIZE(slab)) < 0 ||
	    write_capped(f, a, "faults", "comm", "faults", &p->comms, top, faults,
			 KMS_ARRAY_SIZE(faults)) < 0)
		return -1;
	write_meminfo(f);
	return 0;
}

int prom_write(struct prom *p, struct kms_analysis *a, const struct out_meta *m)
{
	char *tmp;
	FILE *f;
	int fd, ret;

	if (asprintf(&tmp, "%s/.kmemscope.prom.XXXXXX", p->dir) < 0)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	/* node_exporter reads only *.prom: the temporary name is not one */
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = kms_error(KMS_ERR_OUTPUT, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return ret;
	}
	f = fdopen(fd, "w");
	if (!f || fchmod(fd, 0644) < 0) {
		ret = kms_error(KMS_ERR_OUTPUT, "%s: %s", tmp, strerror(errno));
		if (f)
			fclose(f);
		else
			close(fd);
		goto fail;
	}
	ret = write_all(f, p, a, m);
	if (ferror(f) && !ret)
		ret = kms_error(KMS_ERR_OUTPUT, "%s: write error", tmp);
	if (fclose(f) && !ret)
		ret = kms_error(KMS_ERR_OUTPUT, "%s: %s", tmp, strerror(errno));
	if (ret)
		goto fail;
	if (rename(tmp, p->path) < 0) {
		ret = kms_error(KMS_ERR_OUTPUT, "%s: %s", p->path, strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	return -1;
}
