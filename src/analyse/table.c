// SPDX-License-Identifier: GPL-2.0
/*
 * The catalogue of tables. Column names are the JSON and CSV keys, and
 * are documented in kmemscope-json(5): add, never rename.
 */
#include <string.h>

#include "base/kms.h"
#include "analyse/table.h"

#define COLS(x) x, KMS_ARRAY_SIZE(x)

static const char *const k_pages[] = { "order", "migratetype", "gfp", "pid", "comm", NULL };
static const char *const d_pages[] = { "order", "migratetype", NULL };
static const struct kms_col_def c_pages[] = {
	{ "order", "ORDER", KMS_COL_INT }, { "migratetype", "MIGRATETYPE", KMS_COL_INT },
	{ "gfp", "GFP", KMS_COL_STR }, { "pid", "PID", KMS_COL_INT },
	{ "comm", "COMM", KMS_COL_STR }, { "count", "ALLOCS", KMS_COL_INT },
	{ "pages", "PAGES", KMS_COL_INT }, { "kib", "SIZE", KMS_COL_KIB },
};

static const char *const k_pproc[] = { "pid", "comm", "order", NULL };
static const struct kms_col_def c_pproc[] = {
	{ "pid", "PID", KMS_COL_INT }, { "comm", "COMM", KMS_COL_STR },
	{ "order", "ORDER", KMS_COL_INT }, { "count", "ALLOCS", KMS_COL_INT },
	{ "pages", "PAGES", KMS_COL_INT }, { "kib", "SIZE", KMS_COL_KIB },
};

static const char *const k_porders[] = { "order", NULL };
static const struct kms_col_def c_porders[] = {
	{ "order", "ORDER", KMS_COL_INT }, { "allocs", "ALLOCS", KMS_COL_INT },
	{ "alloc_pages", "ALLOC_PAGES", KMS_COL_INT }, { "frees", "FREES", KMS_COL_INT },
	{ "free_pages", "FREE_PAGES", KMS_COL_INT }, { "net_pages", "NET_PAGES", KMS_COL_INT },
	{ "net_kib", "NET_SIZE", KMS_COL_KIB },
};

static const char *const k_slab[] = { "cache", NULL };
static const struct kms_col_def c_slab[] = {
	{ "cache", "CACHE", KMS_COL_STR }, { "allocs", "ALLOCS", KMS_COL_INT },
	{ "frees", "FREES", KMS_COL_INT }, { "live", "LIVE", KMS_COL_INT },
	{ "bytes_req", "REQUESTED", KMS_COL_BYTES }, { "bytes_alloc", "ALLOCATED", KMS_COL_BYTES },
	{ "waste_pct", "WASTE%", KMS_COL_PCT }, { "name_source", "NAME_FROM", KMS_COL_STR },
};

static const char *const k_scall[] = { "call_site", "cache", NULL };
static const char *const d_scall[] = { "call_site", NULL };
static const struct kms_col_def c_scall[] = {
	{ "call_site", "CALL_SITE", KMS_COL_STR }, { "cache", "CACHE", KMS_COL_STR },
	{ "allocs", "ALLOCS", KMS_COL_INT }, { "bytes_req", "REQUESTED", KMS_COL_BYTES },
	{ "bytes_alloc", "ALLOCATED", KMS_COL_BYTES }, { "waste_pct", "WASTE%", KMS_COL_PCT },
};

static const char *const k_sproc[] = { "pid", "comm", "cache", NULL };
static const struct kms_col_def c_sproc[] = {
	{ "pid", "PID", KMS_COL_INT }, { "comm", "COMM", KMS_COL_STR },
	{ "cache", "CACHE", KMS_COL_STR }, { "allocs", "ALLOCS", KMS_COL_INT },
	{ "bytes_alloc", "ALLOCATED", KMS_COL_BYTES },
};

static const struct kms_col_def c_slabinfo[] = {
	{ "cache", "CACHE", KMS_COL_STR }, { "before", "BEFORE", KMS_COL_INT },
	{ "after", "AFTER", KMS_COL_INT }, { "delta", "DELTA", KMS_COL_INT },
	{ "objsize", "OBJSIZE", KMS_COL_BYTES }, { "delta_kib", "DELTA_SIZE", KMS_COL_KIB },
};

static const char *const k_faults[] = { "pid", "comm", NULL };
static const struct kms_col_def c_faults[] = {
	{ "pid", "PID", KMS_COL_INT }, { "comm", "COMM", KMS_COL_STR },
	{ "faults", "FAULTS", KMS_COL_INT }, { "user", "USER", KMS_COL_INT },
	{ "kernel", "KERNEL", KMS_COL_INT }, { "read", "READ", KMS_COL_INT },
	{ "write", "WRITE", KMS_COL_INT }, { "exec", "EXEC", KMS_COL_INT },
	{ "vm_kib", "VM", KMS_COL_KIB }, { "rss_kib", "RSS", KMS_COL_KIB },
	{ "majflt", "MAJFLT", KMS_COL_INT }, { "mem_source", "MEM_FROM", KMS_COL_STR },
};

static const char *const k_fmap[] = { "pid", "comm", "mapping", NULL };
static const struct kms_col_def c_fmap[] = {
	{ "pid", "PID", KMS_COL_INT }, { "comm", "COMM", KMS_COL_STR },
	{ "mapping", "MAPPING", KMS_COL_STR }, { "faults", "FAULTS", KMS_COL_INT },
};

static const char *const k_probes[] = { "probe", "pid", "comm", NULL };
static const struct kms_col_def c_probes[] = {
	{ "probe", "PROBE", KMS_COL_STR }, { "pid", "PID", KMS_COL_INT },
	{ "comm", "COMM", KMS_COL_STR }, { "hits", "HITS", KMS_COL_INT },
};

static const char *const k_porders2[] = { "probe", "order", NULL };
static const struct kms_col_def c_porders2[] = {
	{ "probe", "PROBE", KMS_COL_STR }, { "order", "ORDER", KMS_COL_INT },
	{ "hits", "HITS", KMS_COL_INT }, { "pages", "PAGES", KMS_COL_INT },
	{ "kib", "SIZE", KMS_COL_KIB },
};

static const struct kms_table_def tables[] = {
	{ "pages", "Page allocations by order", k_pages, d_pages, COLS(c_pages), "count" },
	{ "pages_by_process", "Page allocations by process and order", k_pproc, k_pproc,
	  COLS(c_pproc), "count" },
	{ "page_orders", "Pages allocated, freed and still held, by order", k_porders,
	  k_porders, COLS(c_porders), "order" },
	{ "slab", "Slab allocations by cache", k_slab, k_slab, COLS(c_slab), "bytes_alloc" },
	{ "slab_by_callsite", "Slab allocations by call site", k_scall, d_scall,
	  COLS(c_scall), "bytes_alloc" },
	{ "slab_by_process", "Slab allocations by process and cache", k_sproc, k_sproc,
	  COLS(c_sproc), "bytes_alloc" },
	{ "slabinfo", "/proc/slabinfo active objects before and after", k_slab, k_slab,
	  COLS(c_slabinfo), "delta" },
	{ "faults", "Page faults by process", k_faults, k_faults, COLS(c_faults), "faults" },
	{ "faults_by_mapping", "Page faults by process and mapping", k_fmap, k_fmap,
	  COLS(c_fmap), "faults" },
	{ "probes", "kprobe hits by function and process", k_probes, k_probes,
	  COLS(c_probes), "hits" },
	{ "probe_orders", "kprobe hits by function and page order", k_porders2, k_porders2,
	  COLS(c_porders2), "hits" },
};

static const struct kms_table_def *const table_list[] = {
	&tables[0], &tables[1], &tables[2], &tables[3], &tables[4],
	&tables[5], &tables[6], &tables[7], &tables[8], &tables[9], &tables[10], NULL,
};

/*
 * Snapshot tables (kmemscope pagemap): printed by their command, never
 * named by recipes, so kms_table_find() and kms_tables() leave them out.
 */
static const struct kms_col_def c_pagemap[] = {
	{ "start", "START", KMS_COL_STR }, { "end", "END", KMS_COL_STR },
	{ "perms", "PERMS", KMS_COL_STR }, { "size_kib", "SIZE", KMS_COL_KIB },
	{ "present", "PRESENT", KMS_COL_INT }, { "swapped", "SWAPPED", KMS_COL_INT },
	{ "soft_dirty", "SOFT_DIRTY", KMS_COL_INT }, { "exclusive", "EXCL", KMS_COL_INT },
	{ "file_shared", "FILE/SHARED", KMS_COL_INT }, { "uffd_wp", "UFFD_WP", KMS_COL_INT },
	{ "uss_kib", "USS", KMS_COL_KIB }, { "pss_kib", "PSS", KMS_COL_KIB },
	{ "memcg", "MEMCG", KMS_COL_INT }, { "name", "NAME", KMS_COL_STR },
};

static const struct kms_col_def c_pmtotals[] = {
	{ "mappings", "MAPPINGS", KMS_COL_INT }, { "size_kib", "SIZE", KMS_COL_KIB },
	{ "present", "PRESENT", KMS_COL_INT }, { "swapped", "SWAPPED", KMS_COL_INT },
	{ "soft_dirty", "SOFT_DIRTY", KMS_COL_INT }, { "exclusive", "EXCL", KMS_COL_INT },
	{ "file_shared", "FILE/SHARED", KMS_COL_INT }, { "uffd_wp", "UFFD_WP", KMS_COL_INT },
	{ "uss_kib", "USS", KMS_COL_KIB }, { "pss_kib", "PSS", KMS_COL_KIB },
	{ "memcg", "MEMCG", KMS_COL_INT },
};

static const struct kms_col_def c_pmflags[] = {
	{ "start", "START", KMS_COL_STR }, { "anon", "ANON", KMS_COL_INT },
	{ "thp", "THP", KMS_COL_INT }, { "ksm", "KSM", KMS_COL_INT },
	{ "zero_page", "ZERO_PAGE", KMS_COL_INT }, { "huge", "HUGE", KMS_COL_INT },
	{ "compound_head", "C_HEAD", KMS_COL_INT }, { "compound_tail", "C_TAIL", KMS_COL_INT },
	{ "lru", "LRU", KMS_COL_INT }, { "active", "ACTIVE", KMS_COL_INT },
	{ "dirty", "DIRTY", KMS_COL_INT }, { "swapbacked", "SWAPBACKED", KMS_COL_INT },
	{ "unevictable", "UNEVICTABLE", KMS_COL_INT }, { "idle", "IDLE", KMS_COL_INT },
	{ "pgtable", "PGTABLE", KMS_COL_INT }, { "slab", "SLAB", KMS_COL_INT },
	{ "buddy", "BUDDY", KMS_COL_INT }, { "name", "NAME", KMS_COL_STR },
};

static const struct kms_col_def c_pmhist[] = {
	{ "flag", "FLAG", KMS_COL_STR }, { "bit", "BIT", KMS_COL_INT },
	{ "pages", "PAGES", KMS_COL_INT }, { "kib", "SIZE", KMS_COL_KIB },
	{ "pct", "%PRESENT", KMS_COL_PCT },
};

static const char *const k_none[] = { NULL };

static const struct kms_table_def snap_tables[] = {
	{ "pagemap", "Pages by mapping (present, swapped, ... in pages)", k_none, k_none,
	  COLS(c_pagemap), "start" },
	{ "pagemap_totals", "Totals for the process (in pages)", k_none, k_none,
	  COLS(c_pmtotals), "present" },
	{ "pagemap_mapping_flags", "Page flags by mapping (present pages with the flag)",
	  k_none, k_none, COLS(c_pmflags), "start" },
	{ "pagemap_flags", "Page flags of the whole process", k_none, k_none,
	  COLS(c_pmhist), "bit" },
};

const struct kms_table_def *kms_snapshot_table(const char *name)
{
	size_t i;

	for (i = 0; i < KMS_ARRAY_SIZE(snap_tables); i++)
		if (!strcmp(snap_tables[i].name, name))
			return &snap_tables[i];
	return NULL;
}

const struct kms_table_def *const *kms_tables(void)
{
	return table_list;
}

const struct kms_table_def *kms_table_find(const char *name)
{
	size_t i;

	for (i = 0; i < KMS_ARRAY_SIZE(tables); i++)
		if (!strcmp(tables[i].name, name))
			return &tables[i];
	return NULL;
}

int kms_table_col(const struct kms_table_def *def, const char *col)
{
	int i;

	for (i = 0; i < def->nr_cols; i++)
		if (!strcmp(def->cols[i].name, col))
			return i;
	return -1;
}

int kms_table_key(const struct kms_table_def *def, const char *key)
{
	int i;

	for (i = 0; def->keys[i]; i++)
		if (!strcmp(def->keys[i], key))
			return i;
	return -1;
}
