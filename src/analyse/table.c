// SPDX-License-Identifier: GPL-2.0
/*
 * The catalogue of tables: each names the analyser that emits its facts,
 * and its columns, each showing a fact slot or derived by a function.
 * Column names are the JSON and CSV keys, and are documented in
 * kmemscope-json(5): add, never rename.
 */
#include <stdlib.h>
#include <string.h>

#include "analyse/internal.h"
#include "base/kms.h"

#define COLS(x) x, KMS_ARRAY_SIZE(x)
/* A column that shows a fact slot, one computed from its row, one filled by its command. */
#define SLOT(n, t, ty, s)	{ .name = n, .title = t, .type = ty, .slot = KMS_SLOT_##s }
#define DERIVED(n, t, ty, fn)	{ .name = n, .title = t, .type = ty, .derive = fn }
#define COL(n, t, ty)		{ .name = n, .title = t, .type = ty }
/* A column JSON and CSV keep while text shows a finer one beside it. */
#define MACHINE(n, t, ty, s)	{ .name = n, .title = t, .type = ty, .slot = KMS_SLOT_##s, \
				  .flags = KMS_COL_NO_TEXT }

static const char *const k_pages[] = { "order", "migratetype", "gfp", "pid", "comm", NULL };
static const char *const d_pages[] = { "order", "migratetype", NULL };
static const struct kms_col_def c_pages[] = {
	SLOT("order", "ORDER", KMS_COL_INT, ORDER),
	MACHINE("migratetype", "MIGRATETYPE", KMS_COL_INT, MIGRATETYPE),
	DERIVED("migratetype_name", "MIGRATETYPE", KMS_COL_STR, kms_col_migratetype_name),
	SLOT("gfp", "GFP", KMS_COL_STR, GFP),
	SLOT("pid", "PID", KMS_COL_INT, PID),
	SLOT("comm", "COMM", KMS_COL_STR, COMM),
	SLOT("count", "ALLOCS", KMS_COL_INT, ALLOCS),
	SLOT("pages", "PAGES", KMS_COL_INT, PAGES),
	DERIVED("kib", "SIZE", KMS_COL_KIB, kms_col_kib),
};

static const char *const k_pproc[] = { "pid", "comm", "order", NULL };
static const struct kms_col_def c_pproc[] = {
	SLOT("pid", "PID", KMS_COL_INT, PID),
	SLOT("comm", "COMM", KMS_COL_STR, COMM),
	SLOT("order", "ORDER", KMS_COL_INT, ORDER),
	SLOT("count", "ALLOCS", KMS_COL_INT, ALLOCS),
	SLOT("pages", "PAGES", KMS_COL_INT, PAGES),
	DERIVED("kib", "SIZE", KMS_COL_KIB, kms_col_kib),
};

static const char *const k_porders[] = { "order", NULL };
static const struct kms_col_def c_porders[] = {
	SLOT("order", "ORDER", KMS_COL_INT, ORDER),
	SLOT("allocs", "ALLOCS", KMS_COL_INT, ALLOCS),
	SLOT("alloc_pages", "ALLOC_PAGES", KMS_COL_INT, PAGES),
	SLOT("frees", "FREES", KMS_COL_INT, FREES),
	SLOT("free_pages", "FREE_PAGES", KMS_COL_INT, FREE_PAGES),
	DERIVED("net_pages", "NET_PAGES", KMS_COL_INT, kms_col_net_pages),
	DERIVED("net_kib", "NET_SIZE", KMS_COL_KIB, kms_col_net_kib),
	DERIVED("alloc_only", "ALLOC_ONLY", KMS_COL_INT, kms_col_alloc_only),
	{ .name = "free_only", .title = "FREE_ONLY", .type = KMS_COL_INT,
	  .slot = KMS_SLOT_FREE_ONLY, .derive = kms_col_pfn_count },
	{ .name = "failed", .title = "FAILED", .type = KMS_COL_INT,
	  .slot = KMS_SLOT_FAILED, .derive = kms_col_pfn_count },
};

static const char *const k_slab[] = { "cache", NULL };
/* slab may be grouped by process or call site too (report --by). */
static const char *const k_slab_by[] = { "cache", "pid", "comm", "call_site", NULL };
static const struct kms_col_def c_slab[] = {
	SLOT("cache", "CACHE", KMS_COL_STR, CACHE),
	SLOT("pid", "PID", KMS_COL_INT, PID),
	SLOT("comm", "COMM", KMS_COL_STR, COMM),
	SLOT("call_site", "CALL_SITE", KMS_COL_STR, CALL_SITE),
	SLOT("allocs", "ALLOCS", KMS_COL_INT, ALLOCS),
	SLOT("frees", "FREES", KMS_COL_INT, FREES),
	SLOT("live", "LIVE", KMS_COL_INT, LIVE),
	SLOT("bytes_req", "REQUESTED", KMS_COL_BYTES, BYTES_REQ),
	SLOT("bytes_alloc", "ALLOCATED", KMS_COL_BYTES, BYTES_ALLOC),
	DERIVED("waste_pct", "WASTE%", KMS_COL_PCT, kms_col_waste_pct),
	SLOT("cross_cpu", "X_CPU", KMS_COL_INT, CROSS_CPU),
	SLOT("cross_node", "X_NODE", KMS_COL_INT, CROSS_NODE),
	DERIVED("name_source", "NAME_FROM", KMS_COL_STR, kms_col_name_source),
};

static const char *const k_scall[] = { "call_site", "cache", NULL };
static const char *const d_scall[] = { "call_site", NULL };
static const struct kms_col_def c_scall[] = {
	SLOT("call_site", "CALL_SITE", KMS_COL_STR, CALL_SITE),
	SLOT("cache", "CACHE", KMS_COL_STR, CACHE),
	SLOT("allocs", "ALLOCS", KMS_COL_INT, ALLOCS),
	SLOT("bytes_req", "REQUESTED", KMS_COL_BYTES, BYTES_REQ),
	SLOT("bytes_alloc", "ALLOCATED", KMS_COL_BYTES, BYTES_ALLOC),
	DERIVED("waste_pct", "WASTE%", KMS_COL_PCT, kms_col_waste_pct),
	SLOT("cross_cpu", "X_CPU", KMS_COL_INT, CROSS_CPU),
	SLOT("cross_node", "X_NODE", KMS_COL_INT, CROSS_NODE),
};

static const char *const k_slife[] = { "cache", "call_site", "lifetime_ns", NULL };
static const char *const d_slife[] = { "cache", "lifetime_ns", NULL };
static const struct kms_col_def c_slife[] = {
	SLOT("cache", "CACHE", KMS_COL_STR, CACHE),
	SLOT("call_site", "CALL_SITE", KMS_COL_STR, CALL_SITE),
	MACHINE("lifetime_ns", "LIFETIME_NS", KMS_COL_INT, LIFETIME),
	DERIVED("lifetime", "LIFETIME", KMS_COL_STR, kms_col_lifetime),
	SLOT("frees", "FREES", KMS_COL_INT, FREES),
};

static const char *const k_sproc[] = { "pid", "comm", "cache", NULL };
static const struct kms_col_def c_sproc[] = {
	SLOT("pid", "PID", KMS_COL_INT, PID),
	SLOT("comm", "COMM", KMS_COL_STR, COMM),
	SLOT("cache", "CACHE", KMS_COL_STR, CACHE),
	SLOT("allocs", "ALLOCS", KMS_COL_INT, ALLOCS),
	SLOT("bytes_alloc", "ALLOCATED", KMS_COL_BYTES, BYTES_ALLOC),
};

static const struct kms_col_def c_slabinfo[] = {
	SLOT("cache", "CACHE", KMS_COL_STR, CACHE),
	SLOT("before", "BEFORE", KMS_COL_INT, BEFORE),
	SLOT("after", "AFTER", KMS_COL_INT, AFTER),
	{ .name = "delta", .title = "DELTA", .type = KMS_COL_INT, .derive = kms_col_delta,
	  .flags = KMS_COL_ABS_SORT },
	SLOT("objsize", "OBJSIZE", KMS_COL_BYTES, OBJSIZE),
	{ .name = "delta_kib", .title = "DELTA_SIZE", .type = KMS_COL_KIB,
	  .derive = kms_col_delta_kib, .flags = KMS_COL_ABS_SORT | KMS_COL_NO_TEXT },
	{ .name = "delta_bytes", .title = "DELTA_SIZE", .type = KMS_COL_BYTES,
	  .derive = kms_col_delta_bytes, .flags = KMS_COL_ABS_SORT },
};

static const char *const k_buddy[] = { "node", "zone", "order", NULL };
static const struct kms_col_def c_buddy[] = {
	SLOT("node", "NODE", KMS_COL_INT, NODE),
	SLOT("zone", "ZONE", KMS_COL_STR, ZONE),
	SLOT("order", "ORDER", KMS_COL_INT, ORDER),
	SLOT("before", "FREE_BEFORE", KMS_COL_INT, BEFORE),
	SLOT("after", "FREE_AFTER", KMS_COL_INT, AFTER),
	DERIVED("delta", "DELTA", KMS_COL_INT, kms_col_delta),
	DERIVED("frag_before", "FRAG_BEFORE", KMS_COL_RATIO, kms_col_frag_before),
	DERIVED("frag_after", "FRAG_AFTER", KMS_COL_RATIO, kms_col_frag_after),
};

static const char *const k_field[] = { "field", NULL };
static const struct kms_col_def c_field[] = {
	SLOT("field", "FIELD", KMS_COL_STR, FIELD),
	SLOT("before", "BEFORE", KMS_COL_INT, BEFORE),
	SLOT("after", "AFTER", KMS_COL_INT, AFTER),
	{ .name = "delta", .title = "DELTA", .type = KMS_COL_INT, .derive = kms_col_delta,
	  .flags = KMS_COL_ABS_SORT },
	DERIVED("unit", "UNIT", KMS_COL_STR, kms_col_unit),
};

static const struct kms_col_def c_vmstat[] = {
	SLOT("field", "FIELD", KMS_COL_STR, FIELD),
	SLOT("before", "BEFORE", KMS_COL_INT, BEFORE),
	SLOT("after", "AFTER", KMS_COL_INT, AFTER),
	{ .name = "delta", .title = "DELTA", .type = KMS_COL_INT, .derive = kms_col_delta,
	  .flags = KMS_COL_ABS_SORT },
};

static const char *const k_faults[] = { "pid", "comm", NULL };
static const struct kms_col_def c_faults[] = {
	SLOT("pid", "PID", KMS_COL_INT, PID),
	SLOT("comm", "COMM", KMS_COL_STR, COMM),
	SLOT("faults", "FAULTS", KMS_COL_INT, FAULTS),
	SLOT("user", "USER", KMS_COL_INT, USER),
	SLOT("kernel", "KERNEL", KMS_COL_INT, KERNEL),
	SLOT("read", "READ", KMS_COL_INT, READ),
	SLOT("write", "WRITE", KMS_COL_INT, WRITE),
	SLOT("exec", "EXEC", KMS_COL_INT, EXEC),
	DERIVED("vm_kib", "VM", KMS_COL_KIB, kms_col_vm_kib),
	DERIVED("rss_kib", "RSS", KMS_COL_KIB, kms_col_rss_kib),
	DERIVED("majflt", "MAJFLT", KMS_COL_INT, kms_col_majflt),
	DERIVED("mem_source", "MEM_FROM", KMS_COL_STR, kms_col_mem_source),
};

static const char *const k_fmap[] = { "pid", "comm", "mapping", NULL };
static const struct kms_col_def c_fmap[] = {
	SLOT("pid", "PID", KMS_COL_INT, PID),
	SLOT("comm", "COMM", KMS_COL_STR, COMM),
	SLOT("mapping", "MAPPING", KMS_COL_STR, MAPPING),
	SLOT("faults", "FAULTS", KMS_COL_INT, FAULTS),
};

static const char *const k_probes[] = { "probe", "pid", "comm", NULL };
static const struct kms_col_def c_probes[] = {
	SLOT("probe", "PROBE", KMS_COL_STR, PROBE),
	SLOT("pid", "PID", KMS_COL_INT, PID),
	SLOT("comm", "COMM", KMS_COL_STR, COMM),
	SLOT("hits", "HITS", KMS_COL_INT, HITS),
};

static const char *const k_porders2[] = { "probe", "order", NULL };
static const struct kms_col_def c_porders2[] = {
	SLOT("probe", "PROBE", KMS_COL_STR, PROBE),
	SLOT("order", "ORDER", KMS_COL_INT, ORDER),
	SLOT("hits", "HITS", KMS_COL_INT, HITS),
	SLOT("pages", "PAGES", KMS_COL_INT, PAGES),
	DERIVED("kib", "SIZE", KMS_COL_KIB, kms_col_kib),
};

/* Kernel stacks (analyse/stacks.c): one row a distinct stack, innermost frame first. */
static const char *const k_stack[] = { "stack", NULL };
#define STRID(n, t, s)	{ .name = n, .title = t, .type = KMS_COL_STR, .slot = KMS_SLOT_##s, \
			  .derive = kms_col_strid }
static const struct kms_col_def c_sstack[] = {
	SLOT("stack", "STACK", KMS_COL_STR, STACK),
	STRID("site", "SITE", SITE),
	SLOT("allocs", "ALLOCS", KMS_COL_INT, ALLOCS),
	SLOT("bytes_alloc", "ALLOCATED", KMS_COL_BYTES, BYTES_ALLOC),
	SLOT("inuse", "INUSE", KMS_COL_INT, INUSE),
	SLOT("inuse_bytes", "INUSE_BYTES", KMS_COL_BYTES, INUSE_BYTES),
};
static const struct kms_col_def c_pstack[] = {
	SLOT("stack", "STACK", KMS_COL_STR, STACK),
	STRID("site", "SITE", SITE),
	SLOT("allocs", "ALLOCS", KMS_COL_INT, ALLOCS),
	SLOT("pages", "PAGES", KMS_COL_INT, PAGES),
	SLOT("bytes", "SIZE", KMS_COL_BYTES, BYTES_ALLOC),
	SLOT("inuse", "INUSE", KMS_COL_INT, INUSE),
	SLOT("inuse_bytes", "INUSE_BYTES", KMS_COL_BYTES, INUSE_BYTES),
};
static const struct kms_col_def c_fstack[] = {
	SLOT("stack", "STACK", KMS_COL_STR, STACK),
	STRID("site", "SITE", SITE),
	SLOT("faults", "FAULTS", KMS_COL_INT, FAULTS),
	SLOT("user", "USER", KMS_COL_INT, USER),
	SLOT("kernel", "KERNEL", KMS_COL_INT, KERNEL),
};
static const struct kms_col_def c_istack[] = {
	SLOT("stack", "STACK", KMS_COL_STR, STACK),
	STRID("site", "SITE", SITE),
	STRID("kind", "KIND", KIND),
	SLOT("inuse", "INUSE", KMS_COL_INT, INUSE),
	SLOT("inuse_bytes", "INUSE_BYTES", KMS_COL_BYTES, INUSE_BYTES),
	SLOT("inuse_pages", "INUSE_PAGES", KMS_COL_INT, PAGES),
	{ .name = "oldest_s", .title = "OLDEST_S", .type = KMS_COL_PCT, .derive = kms_col_oldest },
	STRID("age_hist", "AGES(log2)", AGE_HIST),
};

/* The catalogue; `kmemscope list` prints it in this order. */
static const struct kms_table_def tables[] = {
	{ "pages", "Page allocations by order", kms_emit_page_allocs,
	  k_pages, d_pages, COLS(c_pages), "count" },
	{ "pages_by_process", "Page allocations by process and order", kms_emit_page_allocs,
	  k_pproc, k_pproc, COLS(c_pproc), "count" },
	{ "page_orders", "Pages allocated, freed and still held, by order", kms_emit_page_orders,
	  k_porders, k_porders, COLS(c_porders), "order" },
	{ "slab", "Slab allocations by cache", kms_emit_slab_caches,
	  k_slab_by, k_slab, COLS(c_slab), "bytes_alloc" },
	{ "slab_by_callsite", "Slab allocations by call site", kms_emit_slab_allocs,
	  k_scall, d_scall, COLS(c_scall), "bytes_alloc" },
	{ "slab_by_process", "Slab allocations by process and cache", kms_emit_slab_allocs,
	  k_sproc, k_sproc, COLS(c_sproc), "bytes_alloc" },
	{ "slab_lifetime", "Slab object lifetimes (alloc to free), log2 histogram",
	  kms_emit_slab_lifetime, k_slife, d_slife, COLS(c_slife), "cache" },
	{ "slabinfo", "/proc/slabinfo active objects before and after", kms_emit_slabinfo,
	  k_slab, k_slab, COLS(c_slabinfo), "delta" },
	{ "buddyinfo", "/proc/buddyinfo free blocks and fragmentation index before and after",
	  kms_emit_buddyinfo, k_buddy, k_buddy, COLS(c_buddy), "node" },
	{ "meminfo", "/proc/meminfo before and after", kms_emit_meminfo,
	  k_field, k_field, COLS(c_field), "delta" },
	{ "vmstat", "/proc/vmstat counters that changed", kms_emit_vmstat,
	  k_field, k_field, COLS(c_vmstat), "delta" },
	{ "faults", "Page faults by process", kms_emit_faults,
	  k_faults, k_faults, COLS(c_faults), "faults" },
	{ "faults_by_mapping", "Page faults by process and mapping", kms_emit_fault_mappings,
	  k_fmap, k_fmap, COLS(c_fmap), "faults" },
	{ "probes", "kprobe hits by function and process", kms_emit_probes,
	  k_probes, k_probes, COLS(c_probes), "hits" },
	{ "probe_orders", "kprobe hits by function and page order", kms_emit_probe_orders,
	  k_porders2, k_porders2, COLS(c_porders2), "hits" },
	{ "slab_by_stack", "Slab allocations by kernel stack", kms_emit_slab_stacks,
	  k_stack, k_stack, COLS(c_sstack), "bytes_alloc" },
	{ "pages_by_stack", "Page allocations by kernel stack", kms_emit_page_stacks,
	  k_stack, k_stack, COLS(c_pstack), "pages" },
	{ "faults_by_stack", "Page faults by kernel stack", kms_emit_fault_stacks,
	  k_stack, k_stack, COLS(c_fstack), "faults" },
	{ "inuse_by_stack", "Memory still allocated at the end, by kernel stack", kms_emit_inuse_stacks,
	  k_stack, k_stack, COLS(c_istack), "inuse_bytes" },
};

/*
 * Snapshot tables (kmemscope pagemap): printed by their command, never
 * named by recipes, so kms_table_find() and kms_tables() leave them out.
 */
static const struct kms_col_def c_pagemap[] = {
	COL("start", "START", KMS_COL_STR), COL("end", "END", KMS_COL_STR),
	COL("perms", "PERMS", KMS_COL_STR), COL("size_kib", "SIZE", KMS_COL_KIB),
	COL("present", "PRESENT", KMS_COL_INT), COL("swapped", "SWAPPED", KMS_COL_INT),
	COL("soft_dirty", "SOFT_DIRTY", KMS_COL_INT), COL("exclusive", "EXCL", KMS_COL_INT),
	COL("file_shared", "FILE/SHARED", KMS_COL_INT), COL("uffd_wp", "UFFD_WP", KMS_COL_INT),
	COL("uss_kib", "USS", KMS_COL_KIB), COL("pss_kib", "PSS", KMS_COL_KIB),
	COL("memcg", "MEMCG", KMS_COL_INT), COL("name", "NAME", KMS_COL_STR),
};

static const struct kms_col_def c_pmtotals[] = {
	COL("mappings", "MAPPINGS", KMS_COL_INT), COL("size_kib", "SIZE", KMS_COL_KIB),
	COL("present", "PRESENT", KMS_COL_INT), COL("swapped", "SWAPPED", KMS_COL_INT),
	COL("soft_dirty", "SOFT_DIRTY", KMS_COL_INT), COL("exclusive", "EXCL", KMS_COL_INT),
	COL("file_shared", "FILE/SHARED", KMS_COL_INT), COL("uffd_wp", "UFFD_WP", KMS_COL_INT),
	COL("uss_kib", "USS", KMS_COL_KIB), COL("pss_kib", "PSS", KMS_COL_KIB),
	COL("memcg", "MEMCG", KMS_COL_INT),
};

static const struct kms_col_def c_pmflags[] = {
	COL("start", "START", KMS_COL_STR), COL("anon", "ANON", KMS_COL_INT),
	COL("thp", "THP", KMS_COL_INT), COL("ksm", "KSM", KMS_COL_INT),
	COL("zero_page", "ZERO_PAGE", KMS_COL_INT), COL("huge", "HUGE", KMS_COL_INT),
	COL("compound_head", "C_HEAD", KMS_COL_INT), COL("compound_tail", "C_TAIL", KMS_COL_INT),
	COL("lru", "LRU", KMS_COL_INT), COL("active", "ACTIVE", KMS_COL_INT),
	COL("dirty", "DIRTY", KMS_COL_INT), COL("swapbacked", "SWAPBACKED", KMS_COL_INT),
	COL("unevictable", "UNEVICTABLE", KMS_COL_INT), COL("idle", "IDLE", KMS_COL_INT),
	COL("pgtable", "PGTABLE", KMS_COL_INT), COL("slab", "SLAB", KMS_COL_INT),
	COL("buddy", "BUDDY", KMS_COL_INT), COL("name", "NAME", KMS_COL_STR),
};

static const struct kms_col_def c_pmhist[] = {
	COL("flag", "FLAG", KMS_COL_STR), COL("bit", "BIT", KMS_COL_INT),
	COL("pages", "PAGES", KMS_COL_INT), COL("kib", "SIZE", KMS_COL_KIB),
	COL("pct", "%PRESENT", KMS_COL_PCT),
};

static const char *const k_none[] = { NULL };

static const struct kms_table_def snap_tables[] = {
	{ "pagemap", "Pages by mapping (present, swapped, ... in pages)", NULL, k_none, k_none,
	  COLS(c_pagemap), "start" },
	{ "pagemap_totals", "Totals for the process (in pages)", NULL, k_none, k_none,
	  COLS(c_pmtotals), "present" },
	{ "pagemap_mapping_flags", "Page flags by mapping (present pages with the flag)",
	  NULL, k_none, k_none, COLS(c_pmflags), "start" },
	{ "pagemap_flags", "Page flags of the whole process", NULL, k_none, k_none,
	  COLS(c_pmhist), "bit" },
};

/* A snapshot table (kmemscope pagemap) by name. */
const struct kms_table_def *kms_snapshot_table(const char *name)
{
	size_t i;

	for (i = 0; i < KMS_ARRAY_SIZE(snap_tables); i++)
		if (!strcmp(snap_tables[i].name, name))
			return &snap_tables[i];
	return NULL;
}

/* The catalogue array itself, and its length. */
const struct kms_table_def *kms_tables(size_t *nr)
{
	*nr = KMS_ARRAY_SIZE(tables);
	return tables;
}

/* A table of the catalogue by name. */
const struct kms_table_def *kms_table_find(const char *name)
{
	size_t i;

	for (i = 0; i < KMS_ARRAY_SIZE(tables); i++)
		if (!strcmp(tables[i].name, name))
			return &tables[i];
	return NULL;
}

/* A column of a table by name. */
int kms_table_col(const struct kms_table_def *def, const char *col)
{
	int i;

	for (i = 0; i < def->nr_cols; i++)
		if (!strcmp(def->cols[i].name, col))
			return i;
	return -1;
}

/* A groupable key of a table by name. */
int kms_table_key(const struct kms_table_def *def, const char *key)
{
	int i;

	for (i = 0; def->keys[i]; i++)
		if (!strcmp(def->keys[i], key))
			return i;
	return -1;
}

/* The request a bare "table NAME" makes: default keys and sort, every row. */
void kms_table_req_init(struct kms_table_req *rq, const struct kms_table_def *def)
{
	int i, k;

	memset(rq, 0, sizeof(*rq));
	rq->def = def;
	for (k = 0; def->default_keys[k] && rq->nr_keys < KMS_MAX_KEYS; k++) {
		i = kms_table_key(def, def->default_keys[k]);
		if (i >= 0)
			rq->keys[rq->nr_keys++] = i;
	}
	rq->sort = kms_table_col(def, def->default_sort);
	if (rq->sort < 0)
		rq->sort = 0;
}

/* Free a built table's cells. */
void kms_rows_free(struct kms_rows *rows)
{
	free(rows->cells);
	rows->cells = NULL;
	rows->nrows = 0;
}

/* Whether any of the n tables shows kernel stacks (a column of KMS_SLOT_STACK). */
bool kms_tables_need_stacks(const struct kms_table_req *rq, int n)
{
	int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < rq[i].def->nr_cols; j++)
			if (rq[i].def->cols[j].slot == KMS_SLOT_STACK)
				return true;
	return false;
}

/* Whether the table called name is among the n tables. */
bool kms_tables_show(const struct kms_table_req *rq, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(rq[i].def->name, name))
			return true;
	return false;
}

/* Whether any of the n tables groups by call site or shows stacks: the kernel's symbols. */
bool kms_tables_need_symbols(const struct kms_table_req *rq, int n)
{
	int i, j, col;

	if (kms_tables_need_stacks(rq, n))
		return true;
	for (i = 0; i < n; i++) {
		for (j = 0; j < rq[i].nr_keys; j++) {
			col = kms_table_col(rq[i].def, rq[i].def->keys[rq[i].keys[j]]);
			if (col >= 0 && rq[i].def->cols[col].slot == KMS_SLOT_CALL_SITE)
				return true;
		}
	}
	return false;
}
