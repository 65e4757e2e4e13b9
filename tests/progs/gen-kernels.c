// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture generator for the kernel lines kmemscope supports (4.19, 5.4,
 * 5.10, 5.15, 6.1, 6.6, 6.18). For each line it writes, under OUTDIR/LINE/:
 * the tracefs format files of every kmem/exceptions event the line has,
 * laid out from the field tables of the tracepoint reference (section 1),
 * header_page/header_event, cmdlines, cpu0.raw (4096-byte sub-buffers in
 * the ring buffer's page format, section 5.2) holding several events of
 * each type, and expected.txt: the values written, one line per event in
 * the canonical form of tests/unit-decode. Nothing here calls kmemscope:
 * the expected values are the generator's own.
 *
 * Usage: gen-kernels OUTDIR
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SUBBUF_SIZE	4096
#define SUBBUF_HDR	16		/* u64 timestamp, 8-byte commit */
#define MAX_SMALL	112		/* largest payload a type_len can describe */
#define TS_BITS		27		/* time_delta width in an event header */
#define MAX_FIELDS	10
#define MAX_EVENTS	256

/* The 6.18 (and every 64-bit 4.19..6.7) header files, byte for byte. */
static const char header_page[] =
	"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
	"\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
	"\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
	"\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n";
static const char header_event[] =
	"# compressed entry header\n"
	"\ttype_len    :    5 bits\n"
	"\ttime_delta  :   27 bits\n"
	"\tarray       :   32 bits\n"
	"\n"
	"\tpadding     : type == 29\n"
	"\ttime_extend : type == 30\n"
	"\ttime_stamp : type == 31\n"
	"\tdata max type_len  == 28\n";

/* Fields, named as in the formats (and as tests/unit-decode prints them). */
enum fid {
	F_PFN, F_ORDER, F_GFP, F_MIGRATETYPE, F_CALL_SITE, F_PTR, F_BYTES_REQ,
	F_BYTES_ALLOC, F_NODE, F_ACCOUNTED, F_NAME, F_ADDRESS, F_IP, F_ERROR_CODE,
	F_MM_ID, F_CURR, F_MEMBER, F_SIZE, F__MAX
};

/* How unit-decode prints each field (its struct kms_ev member type). */
enum pfmt { P_U64, P_U32, P_INT, P_S64, P_STR };

static const struct {
	const char	*name;
	enum pfmt	pf;
} fields[F__MAX] = {
	[F_PFN] = { "pfn", P_U64 }, [F_ORDER] = { "order", P_U32 },
	[F_GFP] = { "gfp_flags", P_U64 }, [F_MIGRATETYPE] = { "migratetype", P_INT },
	[F_CALL_SITE] = { "call_site", P_U64 }, [F_PTR] = { "ptr", P_U64 },
	[F_BYTES_REQ] = { "bytes_req", P_U64 }, [F_BYTES_ALLOC] = { "bytes_alloc", P_U64 },
	[F_NODE] = { "node", P_INT }, [F_ACCOUNTED] = { "accounted", P_INT },
	[F_NAME] = { "name", P_STR }, [F_ADDRESS] = { "address", P_U64 },
	[F_IP] = { "ip", P_U64 }, [F_ERROR_CODE] = { "error_code", P_U64 },
	[F_MM_ID] = { "mm_id", P_U32 }, [F_CURR] = { "curr", P_U32 },
	[F_MEMBER] = { "member", P_INT }, [F_SIZE] = { "size", P_S64 },
};

enum evt {
	E_PAGE_ALLOC, E_PAGE_FREE, E_PAGE_FREE_BATCHED, E_KMALLOC, E_KMALLOC_NODE,
	E_CACHE_ALLOC, E_CACHE_ALLOC_NODE, E_KFREE, E_CACHE_FREE, E_RSS_STAT,
	E_FAULT_USER, E_FAULT_KERNEL, E__MAX
};

static const char *const ev_sys[E__MAX] = {
	"kmem", "kmem", "kmem", "kmem", "kmem", "kmem", "kmem", "kmem", "kmem",
	"kmem", "exceptions", "exceptions",
};
static const char *const ev_name[E__MAX] = {
	"mm_page_alloc", "mm_page_free", "mm_page_free_batched", "kmalloc",
	"kmalloc_node", "kmem_cache_alloc", "kmem_cache_alloc_node", "kfree",
	"kmem_cache_free", "rss_stat", "page_fault_user", "page_fault_kernel",
};

struct fld {
	enum fid	id;
	const char	*type;
	int		off, size, sign;
};

struct evfmt {
	int		present;
	int		id;
	int		nf;
	struct fld	f[MAX_FIELDS];
	int		end;		/* end of the last field: __data[] */
	int		size;		/* sizeof the entry struct */
	char		print[1024];
};

/* A kernel line: its version as major * 100 + minor. */
struct kline {
	const char	*name;
	int		ver;
	int		id_base;
};

static const struct kline lines[] = {
	{ "4.19", 419, 300 }, { "5.4", 504, 320 }, { "5.10", 510, 340 },
	{ "5.15", 515, 360 }, { "6.1", 601, 380 }, { "6.6", 606, 400 },
	{ "6.18", 618, 420 },
};

/* One generated event with the values written into its record. */
struct gev {
	enum evt		type;
	unsigned long long	ts;
	int			pid;
	unsigned long long	v[F__MAX];
	const char		*name;
};

struct gen {
	const struct kline	*line;
	struct evfmt		fmt[E__MAX];
	struct gev		ev[MAX_EVENTS];
	int			nr;
	unsigned long long	ts;
	int			breaks[8];	/* event indexes starting a new sub-buffer */
	int			nr_breaks;
};

/* Print an error and stop. */
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("gen-kernels: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* Append a field at its natural alignment, as the C compiler lays it out. */
static void add(struct evfmt *e, enum fid id, const char *type, int size, int sign)
{
	struct fld *f = &e->f[e->nf++];

	e->end = (e->end + size - 1) & ~(size - 1);
	f->id = id;
	f->type = type;
	f->off = e->end;
	f->size = size;
	f->sign = sign;
	e->end += size;
	e->size = (e->end + 7) & ~7;	/* every event here has an 8-byte member */
}

/* The field of an event, or NULL. */
static const struct fld *find(const struct evfmt *e, enum fid id)
{
	int i;

	for (i = 0; i < e->nf; i++)
		if (e->f[i].id == id)
			return &e->f[i];
	return NULL;
}

/* gfp_flags: gfp_t (4 bytes) up to 5.18, unsigned long from 5.19. */
static void add_gfp(struct evfmt *e, int ver)
{
	if (ver >= 519)
		add(e, F_GFP, "unsigned long", 8, 0);
	else
		add(e, F_GFP, "gfp_t", 4, 0);
}

/* call_site, ptr, bytes_req, bytes_alloc, gfp_flags: the ≤6.0 kmem_alloc class. */
static void add_alloc_common(struct evfmt *e, int ver)
{
	add(e, F_CALL_SITE, "unsigned long", 8, 0);
	add(e, F_PTR, "const void *", 8, 0);
	add(e, F_BYTES_REQ, "size_t", 8, 0);
	add(e, F_BYTES_ALLOC, "size_t", 8, 0);
	add_gfp(e, ver);
}

/* A condensed gfp table (5.4+ bit numbers); the kernels' own are longer. */
#define GFP_PRINT "(REC->gfp_flags) ? __print_flags(REC->gfp_flags, \"|\", " \
	"{( unsigned long)0x400cc0, \"GFP_KERNEL_ACCOUNT\"}, " \
	"{( unsigned long)0xcc0, \"GFP_KERNEL\"}, " \
	"{( unsigned long)0xa20, \"GFP_ATOMIC\"}, " \
	"{( unsigned long)0x100, \"__GFP_ZERO\"}, " \
	"{( unsigned long)0x40000, \"__GFP_COMP\"}, " \
	"{( unsigned long)0x400000, \"__GFP_ACCOUNT\"}, " \
	"{ 0, ((void *)0) } ) : \"none\""
#define PAGE_OF_PFN "(((struct page *)vmemmap_base) + (REC->pfn))"

/* Lay out every event of a line from the reference's field tables (§1). */
static void build_formats(struct gen *g)
{
	int ver = g->line->ver, t;
	const char *cs = ver >= 504 ? "%pS" : "%lx";
	const char *csarg = ver >= 504 ? "(void *)REC->call_site" : "REC->call_site";
	const char *pfn = ver >= 513 ? "0x%lx" : "%lu";
	struct evfmt *e;

	memset(g->fmt, 0, sizeof(g->fmt));
	for (t = 0; t < E__MAX; t++) {
		g->fmt[t].end = 8;	/* after the common fields */
		g->fmt[t].id = g->line->id_base + t;
	}

	e = &g->fmt[E_PAGE_ALLOC];
	e->present = 1;
	add(e, F_PFN, "unsigned long", 8, 0);
	add(e, F_ORDER, "unsigned int", 4, 0);
	add_gfp(e, ver);
	add(e, F_MIGRATETYPE, "int", 4, 1);
	snprintf(e->print, sizeof(e->print),
		 "\"page=%%p pfn=%s order=%%d migratetype=%%d gfp_flags=%%s\", "
		 "REC->pfn != -1UL ? " PAGE_OF_PFN " : ((void *)0), "
		 "REC->pfn != -1UL ? REC->pfn : 0, REC->order, REC->migratetype, " GFP_PRINT,
		 pfn);

	e = &g->fmt[E_PAGE_FREE];
	e->present = 1;
	add(e, F_PFN, "unsigned long", 8, 0);
	add(e, F_ORDER, "unsigned int", 4, 0);
	snprintf(e->print, sizeof(e->print),
		 "\"page=%%p pfn=%s order=%%d\", " PAGE_OF_PFN ", REC->pfn, REC->order", pfn);

	e = &g->fmt[E_PAGE_FREE_BATCHED];
	e->present = 1;
	add(e, F_PFN, "unsigned long", 8, 0);
	snprintf(e->print, sizeof(e->print),
		 "\"page=%%p pfn=%s order=0\", " PAGE_OF_PFN ", REC->pfn", pfn);

	e = &g->fmt[E_KMALLOC];
	e->present = 1;
	add_alloc_common(e, ver);
	if (ver >= 601) {
		add(e, F_NODE, "int", 4, 1);
		snprintf(e->print, sizeof(e->print),
			 "\"call_site=%s ptr=%%p bytes_req=%%zu bytes_alloc=%%zu gfp_flags=%%s node=%%d accounted=%%s\", "
			 "%s, REC->ptr, REC->bytes_req, REC->bytes_alloc, " GFP_PRINT ", REC->node, "
			 "(1 && (REC->gfp_flags & ( unsigned long)0x400000)) ? \"true\" : \"false\"",
			 cs, csarg);
	} else {
		if (ver == 600)
			add(e, F_ACCOUNTED, "bool", 1, 0);
		snprintf(e->print, sizeof(e->print),
			 "\"call_site=%s ptr=%%p bytes_req=%%zu bytes_alloc=%%zu gfp_flags=%%s\", "
			 "%s, REC->ptr, REC->bytes_req, REC->bytes_alloc, " GFP_PRINT, cs, csarg);
	}

	/* kmalloc_node and kmem_cache_alloc_node: 4.19 .. 6.0 */
	for (t = 0; t < 2 && ver < 601; t++) {
		e = &g->fmt[t ? E_CACHE_ALLOC_NODE : E_KMALLOC_NODE];
		e->present = 1;
		add_alloc_common(e, ver);
		add(e, F_NODE, "int", 4, 1);
		if (ver == 600)
			add(e, F_ACCOUNTED, "bool", 1, 0);
		snprintf(e->print, sizeof(e->print),
			 "\"call_site=%s ptr=%%p bytes_req=%%zu bytes_alloc=%%zu gfp_flags=%%s node=%%d\", "
			 "%s, REC->ptr, REC->bytes_req, REC->bytes_alloc, " GFP_PRINT ", REC->node",
			 cs, csarg);
	}

	e = &g->fmt[E_CACHE_ALLOC];
	e->present = 1;
	add(e, F_CALL_SITE, "unsigned long", 8, 0);
	add(e, F_PTR, "const void *", 8, 0);
	if (ver >= 618)
		add(e, F_NAME, "__data_loc char[]", 4, 0);
	add(e, F_BYTES_REQ, "size_t", 8, 0);
	add(e, F_BYTES_ALLOC, "size_t", 8, 0);
	add_gfp(e, ver);
	if (ver >= 601)
		add(e, F_NODE, "int", 4, 1);
	if (ver >= 600)
		add(e, F_ACCOUNTED, "bool", 1, 0);
	if (ver >= 618)
		snprintf(e->print, sizeof(e->print),
			 "\"call_site=%%pS ptr=%%p name=%%s bytes_req=%%zu bytes_alloc=%%zu gfp_flags=%%s node=%%d accounted=%%s\", "
			 "(void *)REC->call_site, REC->ptr, __get_str(name), REC->bytes_req, REC->bytes_alloc, "
			 GFP_PRINT ", REC->node, REC->accounted ? \"true\" : \"false\"");
	else if (ver >= 601)
		snprintf(e->print, sizeof(e->print),
			 "\"call_site=%%pS ptr=%%p bytes_req=%%zu bytes_alloc=%%zu gfp_flags=%%s node=%%d accounted=%%s\", "
			 "(void *)REC->call_site, REC->ptr, REC->bytes_req, REC->bytes_alloc, "
			 GFP_PRINT ", REC->node, REC->accounted ? \"true\" : \"false\"");
	else
		snprintf(e->print, sizeof(e->print),
			 "\"call_site=%s ptr=%%p bytes_req=%%zu bytes_alloc=%%zu gfp_flags=%%s\", "
			 "%s, REC->ptr, REC->bytes_req, REC->bytes_alloc, " GFP_PRINT, cs, csarg);

	e = &g->fmt[E_KFREE];
	e->present = 1;
	add(e, F_CALL_SITE, "unsigned long", 8, 0);
	add(e, F_PTR, "const void *", 8, 0);
	snprintf(e->print, sizeof(e->print), "\"call_site=%s ptr=%%p\", %s, REC->ptr", cs, csarg);

	e = &g->fmt[E_CACHE_FREE];
	e->present = 1;
	add(e, F_CALL_SITE, "unsigned long", 8, 0);
	add(e, F_PTR, "const void *", 8, 0);
	if (ver >= 512) {
		add(e, F_NAME, "__data_loc char[]", 4, 0);
		snprintf(e->print, sizeof(e->print),
			 "\"call_site=%%pS ptr=%%p name=%%s\", (void *)REC->call_site, REC->ptr, __get_str(name)");
	} else {
		snprintf(e->print, sizeof(e->print), "\"call_site=%s ptr=%%p\", %s, REC->ptr", cs, csarg);
	}

	e = &g->fmt[E_RSS_STAT];
	if (ver >= 505) {
		e->present = 1;
		add(e, F_MM_ID, "unsigned int", 4, 0);
		add(e, F_CURR, "unsigned int", 4, 0);
		add(e, F_MEMBER, "int", 4, 1);
		add(e, F_SIZE, "long", 8, 1);
		if (ver >= 515)
			snprintf(e->print, sizeof(e->print),
				 "\"mm_id=%%u curr=%%d type=%%s size=%%ldB\", REC->mm_id, REC->curr, "
				 "__print_symbolic(REC->member, { 0, \"MM_FILEPAGES\" }, { 1, \"MM_ANONPAGES\" }, "
				 "{ 2, \"MM_SWAPENTS\" }, { 3, \"MM_SHMEMPAGES\" }), REC->size");
		else
			snprintf(e->print, sizeof(e->print),
				 "\"mm_id=%%u curr=%%d member=%%d size=%%ldB\", REC->mm_id, REC->curr, "
				 "REC->member, REC->size");
	}

	for (t = E_FAULT_USER; t <= E_FAULT_KERNEL; t++) {
		e = &g->fmt[t];
		e->present = 1;
		add(e, F_ADDRESS, "unsigned long", 8, 0);
		add(e, F_IP, "unsigned long", 8, 0);
		add(e, F_ERROR_CODE, "unsigned long", 8, 0);
		snprintf(e->print, sizeof(e->print),
			 "\"address=%s ip=%s error_code=0x%%lx\", (void *)REC->address, (void *)REC->ip, REC->error_code",
			 ver >= 504 ? "%ps" : "%pf", ver >= 504 ? "%ps" : "%pf");
	}
}

/* Offsets and sizes quoted from the reference's tables, to catch layout slips. */
static const struct {
	int		from, to;	/* versions */
	enum evt	ev;
	enum fid	f;
	int		off, size;
} ref_fields[] = {
	{ 419, 518, E_PAGE_ALLOC, F_GFP, 20, 4 }, { 419, 518, E_PAGE_ALLOC, F_MIGRATETYPE, 24, 4 },
	{ 519, 999, E_PAGE_ALLOC, F_GFP, 24, 8 }, { 519, 999, E_PAGE_ALLOC, F_MIGRATETYPE, 32, 4 },
	{ 419, 999, E_PAGE_FREE, F_ORDER, 16, 4 }, { 419, 999, E_PAGE_FREE_BATCHED, F_PFN, 8, 8 },
	{ 419, 518, E_KMALLOC, F_GFP, 40, 4 }, { 519, 999, E_KMALLOC, F_GFP, 40, 8 },
	{ 601, 999, E_KMALLOC, F_NODE, 48, 4 },
	{ 419, 518, E_KMALLOC_NODE, F_NODE, 44, 4 }, { 519, 600, E_KMALLOC_NODE, F_NODE, 48, 4 },
	{ 419, 518, E_CACHE_ALLOC_NODE, F_NODE, 44, 4 },
	{ 419, 617, E_CACHE_ALLOC, F_BYTES_REQ, 24, 8 }, { 601, 617, E_CACHE_ALLOC, F_NODE, 48, 4 },
	{ 601, 617, E_CACHE_ALLOC, F_ACCOUNTED, 52, 1 },
	{ 618, 999, E_CACHE_ALLOC, F_NAME, 24, 4 }, { 618, 999, E_CACHE_ALLOC, F_BYTES_REQ, 32, 8 },
	{ 618, 999, E_CACHE_ALLOC, F_BYTES_ALLOC, 40, 8 }, { 618, 999, E_CACHE_ALLOC, F_GFP, 48, 8 },
	{ 618, 999, E_CACHE_ALLOC, F_NODE, 56, 4 }, { 618, 999, E_CACHE_ALLOC, F_ACCOUNTED, 60, 1 },
	{ 419, 999, E_KFREE, F_PTR, 16, 8 }, { 512, 999, E_CACHE_FREE, F_NAME, 24, 4 },
	{ 505, 999, E_RSS_STAT, F_MM_ID, 8, 4 }, { 505, 999, E_RSS_STAT, F_CURR, 12, 4 },
	{ 505, 999, E_RSS_STAT, F_MEMBER, 16, 4 }, { 505, 999, E_RSS_STAT, F_SIZE, 24, 8 },
	{ 419, 999, E_FAULT_USER, F_ERROR_CODE, 24, 8 }, { 419, 999, E_FAULT_KERNEL, F_IP, 16, 8 },
};

/* Record sizes from the reference (fixed part, for events with a string). */
static const struct {
	int		from, to;
	enum evt	ev;
	int		size;
} ref_sizes[] = {
	{ 419, 518, E_PAGE_ALLOC, 32 }, { 519, 999, E_PAGE_ALLOC, 40 },
	{ 419, 999, E_PAGE_FREE, 24 }, { 419, 999, E_PAGE_FREE_BATCHED, 16 },
	{ 419, 599, E_KMALLOC, 48 }, { 601, 999, E_KMALLOC, 56 },
	{ 419, 518, E_KMALLOC_NODE, 48 }, { 419, 518, E_CACHE_ALLOC_NODE, 48 },
	{ 419, 599, E_CACHE_ALLOC, 48 }, { 601, 617, E_CACHE_ALLOC, 56 },
	{ 419, 999, E_KFREE, 24 }, { 419, 511, E_CACHE_FREE, 24 },
	{ 505, 999, E_RSS_STAT, 32 }, { 419, 999, E_FAULT_USER, 32 },
	{ 419, 999, E_FAULT_KERNEL, 32 },
};

/* Abort if a computed layout disagrees with the reference. */
static void check_layout(const struct gen *g)
{
	int ver = g->line->ver;
	size_t i;

	for (i = 0; i < sizeof(ref_fields) / sizeof(ref_fields[0]); i++) {
		const struct evfmt *e = &g->fmt[ref_fields[i].ev];
		const struct fld *f;

		if (ver < ref_fields[i].from || ver > ref_fields[i].to)
			continue;
		f = e->present ? find(e, ref_fields[i].f) : NULL;
		if (!f || f->off != ref_fields[i].off || f->size != ref_fields[i].size)
			die("%s: %s.%s is not at %d/%d", g->line->name, ev_name[ref_fields[i].ev],
			    fields[ref_fields[i].f].name, ref_fields[i].off, ref_fields[i].size);
	}
	for (i = 0; i < sizeof(ref_sizes) / sizeof(ref_sizes[0]); i++) {
		const struct evfmt *e = &g->fmt[ref_sizes[i].ev];

		if (ver < ref_sizes[i].from || ver > ref_sizes[i].to)
			continue;
		if (!e->present || e->size != ref_sizes[i].size)
			die("%s: %s record is %d bytes, not %d", g->line->name,
			    ev_name[ref_sizes[i].ev], e->size, ref_sizes[i].size);
	}
	if (ver >= 618 && g->fmt[E_CACHE_ALLOC].end != 61)
		die("6.18 kmem_cache_alloc fixed part is not 61 bytes");
}

/* ---- events ---- */

/* Add an event of type t (skipped when the line lacks it); returns it or NULL. */
static struct gev *emit(struct gen *g, enum evt t, int pid)
{
	struct gev *e;

	g->ts += 1000 + (unsigned long long)(g->nr * 131) % 977;
	if (!g->fmt[t].present)
		return NULL;
	if (g->nr == MAX_EVENTS)
		die("too many events");
	e = &g->ev[g->nr++];
	memset(e, 0, sizeof(*e));
	e->type = t;
	e->ts = g->ts;
	e->pid = pid;
	return e;
}

/* Set a field's value if the line's format has the field. */
static void set(struct gen *g, struct gev *e, enum fid f, unsigned long long v)
{
	if (e && find(&g->fmt[e->type], f))
		e->v[f] = v;
}

/* Set the name (a __data_loc string) if the line's format has it. */
static void set_name(struct gen *g, struct gev *e, const char *name)
{
	if (e && find(&g->fmt[e->type], F_NAME))
		e->name = name;
}

/* Start a new sub-buffer before the next event. */
static void page_break(struct gen *g)
{
	g->breaks[g->nr_breaks++] = g->nr;
}

#define CALL_SITE(i)	(0xffffffff81201230ULL + (i) * 0x40)
#define KMALLOC_PTR(i)	(0xffff888100400000ULL + (i) * 0x40)
#define KNODE_PTR(i)	(0xffff888100800000ULL + (i) * 0x1000)
#define CACHE_PTR(i)	(0xffff888102000000ULL + (i) * 0x100)
#define CNODE_PTR(i)	(0xffff888103000000ULL + (i) * 0x100)
#define STRAY_PTR	0xffff888104000040ULL	/* freed, never seen allocated */

enum { PID_A = 4242, PID_B = 4313, PID_C = 977 };

static const struct {
	const char	*name;
	unsigned int	req, alloc;
} caches[] = {
	{ "filp", 232, 256 }, { "filp", 232, 256 }, { "dentry", 192, 192 },
	{ "vm_area_struct", 152, 160 }, { "task_struct", 9792, 9856 },
	{ "names_cache", 4096, 4096 },
};

static const char *const node_caches[] = { "skbuff_head_cache", "radix_tree_node" };

/* Long enough to make a record's payload exceed 112 bytes (type_len 0). */
static const char long_name[] =
	"kmemscope_fixture_cache_with_a_name_long_enough_that_its_record_needs_a_length_word";

/* The event sequence, the same for every line; absent events are skipped. */
static void build_events(struct gen *g)
{
	unsigned long long gfp_hi = g->line->ver >= 519 ? 0x100000000ULL : 0;
	static const unsigned long long gfps[] = { 0xcc0, 0xdc0, 0xa20, 0x40cc0, 0x400cc0 };
	struct gev *e;
	int i;

	g->nr = 0;
	g->nr_breaks = 0;
	g->ts = 2000000000000ULL + 1000ULL * g->line->ver;

	for (i = 0; i < 3; i++) {
		static const unsigned long long codes[] = { 0x6, 0x4, 0x14 };	/* W, R, I */

		e = emit(g, E_FAULT_USER, i == 2 ? PID_B : PID_A);
		set(g, e, F_ADDRESS, 0x7f3a5c001000ULL + i * 0x3000);
		set(g, e, F_IP, 0x55d4e1a01234ULL + i * 0x10);
		set(g, e, F_ERROR_CODE, codes[i]);
	}
	for (i = 0; i < 5; i++) {
		e = emit(g, E_PAGE_ALLOC, i & 1 ? PID_B : PID_A);
		set(g, e, F_PFN, i == 3 ? ~0ULL : 0x1000ULL + i);	/* -1UL: a failed allocation */
		set(g, e, F_ORDER, i % 4);
		set(g, e, F_GFP, gfp_hi | gfps[i]);
		set(g, e, F_MIGRATETYPE, i % 3);
	}
	for (i = 0; i < 4; i++) {
		e = emit(g, E_KMALLOC, i < 2 ? PID_A : PID_B);
		set(g, e, F_CALL_SITE, CALL_SITE(i));
		set(g, e, F_PTR, KMALLOC_PTR(i));
		set(g, e, F_BYTES_REQ, i == 3 ? 700 : 50 + i);
		set(g, e, F_BYTES_ALLOC, i == 3 ? 1024 : 64);
		set(g, e, F_GFP, gfp_hi | gfps[i]);
		set(g, e, F_NODE, i == 1 ? 1 : -1ULL);
	}
	for (i = 0; i < 3; i++) {
		e = emit(g, E_KMALLOC_NODE, PID_A);
		set(g, e, F_CALL_SITE, CALL_SITE(8 + i));
		set(g, e, F_PTR, KNODE_PTR(i));
		set(g, e, F_BYTES_REQ, 3000 + i);
		set(g, e, F_BYTES_ALLOC, 4096);
		set(g, e, F_GFP, gfp_hi | 0xcc0);
		set(g, e, F_NODE, i == 2 ? -1ULL : (unsigned long long)i);
	}
	for (i = 0; i < (int)(sizeof(caches) / sizeof(caches[0])); i++) {
		e = emit(g, E_CACHE_ALLOC, i == 4 ? PID_B : PID_A);
		set(g, e, F_CALL_SITE, CALL_SITE(16 + i));
		set(g, e, F_PTR, CACHE_PTR(i));
		set_name(g, e, caches[i].name);
		set(g, e, F_BYTES_REQ, caches[i].req);
		set(g, e, F_BYTES_ALLOC, caches[i].alloc);
		set(g, e, F_GFP, gfp_hi | gfps[i % 5]);
		set(g, e, F_NODE, i == 2 ? 1 : -1ULL);
		set(g, e, F_ACCOUNTED, i == 0 || i == 4);
	}
	for (i = 0; i < 2; i++) {
		e = emit(g, E_CACHE_ALLOC_NODE, PID_C);
		set(g, e, F_CALL_SITE, CALL_SITE(24 + i));
		set(g, e, F_PTR, CNODE_PTR(i));
		set(g, e, F_BYTES_REQ, 224 + 352 * i);
		set(g, e, F_BYTES_ALLOC, 256 + 328 * i);
		set(g, e, F_GFP, gfp_hi | 0xa20);
		set(g, e, F_NODE, i ? -1ULL : 0);
	}
	g->ts += 0x9000000ULL;		/* > 2^27 ns: needs a TIME_EXTEND */
	for (i = 0; i < 4; i++) {
		e = emit(g, E_RSS_STAT, i == 3 ? PID_B : PID_A);
		set(g, e, F_MM_ID, 0xdeadbeefULL - i);
		set(g, e, F_CURR, i != 2);
		set(g, e, F_MEMBER, i);
		set(g, e, F_SIZE, i == 2 ? -4096LL : (i + 1) * 1048576LL);
	}
	for (i = 0; i < 4; i++) {
		e = emit(g, E_PAGE_FREE, PID_A);
		set(g, e, F_PFN, 0x2000ULL + i * 8);
		set(g, e, F_ORDER, (i + 1) % 4);
	}
	for (i = 0; i < 3; i++) {
		e = emit(g, E_PAGE_FREE_BATCHED, PID_C);
		set(g, e, F_PFN, 0x3000ULL + i);
	}

	page_break(g);			/* second sub-buffer */
	for (i = 0; i < 4; i++) {
		static const int which[] = { 0, 1, -1, -2 };

		e = emit(g, E_KFREE, i == 1 ? PID_B : PID_A);
		set(g, e, F_CALL_SITE, CALL_SITE(32 + i));
		/* two kmallocs, one kmalloc_node (absent from 6.1 on), kfree(NULL) */
		set(g, e, F_PTR, which[i] >= 0 ? KMALLOC_PTR(which[i]) :
			       which[i] == -1 ? KNODE_PTR(0) : 0);
	}
	for (i = 0; i < 3; i++) {	/* filp, filp, dentry: freed with their names */
		e = emit(g, E_CACHE_FREE, PID_A);
		set(g, e, F_CALL_SITE, CALL_SITE(40 + i));
		set(g, e, F_PTR, CACHE_PTR(i));
		set_name(g, e, caches[i].name);
	}
	if (g->fmt[E_CACHE_ALLOC_NODE].present) {
		e = emit(g, E_CACHE_FREE, PID_C);
		set(g, e, F_CALL_SITE, CALL_SITE(44));
		set(g, e, F_PTR, CNODE_PTR(0));
		set_name(g, e, node_caches[0]);
	}
	e = emit(g, E_CACHE_FREE, PID_B);
	set(g, e, F_CALL_SITE, CALL_SITE(45));
	set(g, e, F_PTR, STRAY_PTR);
	set_name(g, e, long_name);
	e = emit(g, E_CACHE_ALLOC, PID_B);	/* 6.18: a long name, never freed */
	set(g, e, F_CALL_SITE, CALL_SITE(46));
	set(g, e, F_PTR, CACHE_PTR(9));
	set_name(g, e, long_name);
	set(g, e, F_BYTES_REQ, 40);
	set(g, e, F_BYTES_ALLOC, 48);
	set(g, e, F_GFP, gfp_hi | 0xdc0);
	set(g, e, F_NODE, -1ULL);
	set(g, e, F_ACCOUNTED, 0);
	for (i = 0; i < 2; i++) {
		e = emit(g, E_FAULT_KERNEL, PID_A);
		set(g, e, F_ADDRESS, 0x7f3a5c100000ULL + i * 0x1000);
		set(g, e, F_IP, 0xffffffff81a2b3c4ULL + i * 0x20);
		set(g, e, F_ERROR_CODE, i ? 0x2 : 0x0);
	}
	g->ts += 0x123456789ULL;	/* a longer gap: array word > 1 */
	for (i = 0; i < 3; i++) {
		e = emit(g, E_PAGE_ALLOC, PID_C);
		set(g, e, F_PFN, 0x40000ULL + i * 0x200);
		set(g, e, F_ORDER, 9);
		set(g, e, F_GFP, gfp_hi | 0x40cc0);
		set(g, e, F_MIGRATETYPE, 1);
	}
	e = emit(g, E_PAGE_FREE, PID_C);
	set(g, e, F_PFN, 0x40000ULL);
	set(g, e, F_ORDER, 9);
	e = emit(g, E_FAULT_USER, PID_C);
	set(g, e, F_ADDRESS, 0x5000ULL);
	set(g, e, F_IP, 0x401000ULL);
	set(g, e, F_ERROR_CODE, 0x15);
}

/* ---- records and sub-buffers ---- */

/* Store v in size little-endian bytes, checking that it fits. */
static void put(unsigned char *p, unsigned long long v, int size, int sign, const char *what)
{
	unsigned long long back = 0;
	int i;

	for (i = 0; i < size; i++)
		p[i] = v >> (8 * i);
	for (i = 0; i < size; i++)
		back |= (unsigned long long)p[i] << (8 * i);
	if (size < 8 && sign && (back >> (8 * size - 1)) & 1)
		back |= ~0ULL << (8 * size);
	if (back != v)
		die("value 0x%llx does not fit %s (%d bytes)", v, what, size);
}

/* Build the payload of one event; returns its length (4-byte aligned). */
static unsigned int record(const struct gen *g, const struct gev *e, unsigned char *buf)
{
	const struct evfmt *f = &g->fmt[e->type];
	unsigned int len = f->size;
	int i;

	memset(buf, 0xa5, 512);		/* padding is never zero: wrong widths show */
	put(buf, f->id, 2, 0, "common_type");
	buf[2] = 0x01;			/* common_flags: irqs off */
	buf[3] = 0x00;			/* common_preempt_count */
	put(buf + 4, e->pid, 4, 1, "common_pid");
	for (i = 0; i < f->nf; i++) {
		const struct fld *fl = &f->f[i];

		if (fl->id == F_NAME) {
			unsigned int n = strlen(e->name ? e->name : "") + 1;

			/* __data_loc: length << 16 | offset of __data[] in the entry */
			put(buf + fl->off, (unsigned long long)n << 16 | f->end, 4, 0, "name");
			memcpy(buf + f->end, e->name ? e->name : "", n);
			len = f->size + n;
			continue;
		}
		put(buf + fl->off, e->v[fl->id], fl->size, fl->sign, fields[fl->id].name);
	}
	return (len + 3) & ~3U;
}

struct subbuf {
	unsigned char		data[SUBBUF_SIZE];
	unsigned int		len;		/* bytes after the header */
	unsigned long long	ts;		/* of the last record */
	int			nr;		/* data records */
};

/* Append a u32 to a sub-buffer. */
static void put32(struct subbuf *sb, unsigned int v)
{
	put(sb->data + SUBBUF_HDR + sb->len, v, 4, 0, "u32");
	sb->len += 4;
}

/* Write the finished sub-buffer (commit = bytes of data) and reset it. */
static void flush(struct subbuf *sb, FILE *out)
{
	put(sb->data + 8, sb->len, 8, 0, "commit");
	if (fwrite(sb->data, SUBBUF_SIZE, 1, out) != 1)
		die("write: %s", strerror(errno));
	memset(sb, 0, sizeof(*sb));
}

/* Write every event into sub-buffers, as rb_update_event() lays them out. */
static void write_raw(const struct gen *g, FILE *out)
{
	static struct subbuf sb;
	unsigned char payload[512];
	int i, b = 0, pages = 0;

	memset(&sb, 0, sizeof(sb));
	for (i = 0; i < g->nr; i++) {
		const struct gev *e = &g->ev[i];
		unsigned int plen = record(g, e, payload);
		unsigned int need = (plen > MAX_SMALL ? 8 : 4) + plen + 8;
		unsigned long long delta;

		if (sb.nr && ((b < g->nr_breaks && g->breaks[b] == i) ||
			      SUBBUF_HDR + sb.len + need > SUBBUF_SIZE)) {
			flush(&sb, out);
			pages++;
		}
		if (b < g->nr_breaks && g->breaks[b] == i)
			b++;
		if (!sb.nr) {
			/* the page's stamp is its first event's; a later page opens with a zero extend */
			put(sb.data, e->ts, 8, 0, "timestamp");
			sb.ts = e->ts;
			if (pages) {
				put32(&sb, 30);
				put32(&sb, 0);
			}
		}
		delta = e->ts - sb.ts;
		if (delta >> TS_BITS) {
			/* TIME_EXTEND: type_len 30, low 27 bits in time_delta, the rest in array[0] */
			put32(&sb, 30 | (unsigned int)(delta & ((1U << TS_BITS) - 1)) << 5);
			put32(&sb, delta >> TS_BITS);
			delta = 0;
		}
		if (plen > MAX_SMALL) {
			put32(&sb, 0 | (unsigned int)delta << 5);
			put32(&sb, plen + 4);
		} else {
			put32(&sb, plen / 4 | (unsigned int)delta << 5);
		}
		memcpy(sb.data + SUBBUF_HDR + sb.len, payload, plen);
		sb.len += plen;
		sb.ts = e->ts;
		sb.nr++;
	}
	if (sb.nr)
		flush(&sb, out);
}

/* ---- files ---- */

/* Open DIR/NAME for writing. */
static FILE *create(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	return f;
}

/* Close a file, failing on a write error. */
static void done(FILE *f)
{
	if (ferror(f) || fclose(f))
		die("write error");
}

/* mkdir that accepts an existing directory. */
static void mkdir_ok(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		die("mkdir %s: %s", path, strerror(errno));
}

/* formats/SYSTEM__EVENT.format in the kernel's text layout. */
static void write_format(const char *dir, const struct evfmt *e, enum evt t)
{
	char name[256];
	FILE *f;
	int i;

	snprintf(name, sizeof(name), "formats/%s__%s.format", ev_sys[t], ev_name[t]);
	f = create(dir, name);
	fprintf(f, "name: %s\nID: %d\nformat:\n", ev_name[t], e->id);
	fputs("\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	      "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	      "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	      "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n", f);
	for (i = 0; i < e->nf; i++) {
		const struct fld *fl = &e->f[i];

		if (fl->id == F_NAME)
			fprintf(f, "\tfield:__data_loc char[] name;\toffset:%d;\tsize:%d;\tsigned:%d;\n",
				fl->off, fl->size, fl->sign);
		else
			fprintf(f, "\tfield:%s %s;\toffset:%d;\tsize:%d;\tsigned:%d;\n",
				fl->type, fields[fl->id].name, fl->off, fl->size, fl->sign);
	}
	fprintf(f, "\nprint fmt: %s\n", e->print);
	done(f);
}

/* qsort comparator for strings. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One expected.txt line, formatted as tests/unit-decode's print_ev() does. */
static void write_expected(FILE *f, const struct gen *g, const struct gev *e)
{
	const struct evfmt *fm = &g->fmt[e->type];
	char tok[MAX_FIELDS][256], *tp[MAX_FIELDS];
	int i, n = 0;

	for (i = 0; i < fm->nf; i++) {
		enum fid id = fm->f[i].id;
		unsigned long long v = e->v[id];
		const char *nm = fields[id].name;

		switch (fields[id].pf) {
		case P_U64: snprintf(tok[n], sizeof(tok[n]), "%s=%llu", nm, v); break;
		case P_U32: snprintf(tok[n], sizeof(tok[n]), "%s=%u", nm, (unsigned int)v); break;
		case P_INT: snprintf(tok[n], sizeof(tok[n]), "%s=%d", nm, (int)v); break;
		case P_S64: snprintf(tok[n], sizeof(tok[n]), "%s=%lld", nm, (long long)v); break;
		case P_STR: snprintf(tok[n], sizeof(tok[n]), "%s=%s", nm, e->name ? e->name : ""); break;
		}
		tp[n] = tok[n];
		n++;
	}
	qsort(tp, n, sizeof(tp[0]), cmp_str);
	fprintf(f, "%llu %d %s", e->ts, e->pid, ev_name[e->type]);
	for (i = 0; i < n; i++)
		fprintf(f, " %s", tp[i]);
	fputc('\n', f);
}

/* Everything for one kernel line. */
static void generate(const char *outdir, const struct kline *l)
{
	static struct gen g;
	char dir[4096], sub[4200];
	FILE *f;
	int t, i;

	memset(&g, 0, sizeof(g));
	g.line = l;
	build_formats(&g);
	check_layout(&g);
	build_events(&g);

	snprintf(dir, sizeof(dir), "%s/%s", outdir, l->name);
	mkdir_ok(dir);
	snprintf(sub, sizeof(sub), "%s/formats", dir);
	mkdir_ok(sub);
	f = create(dir, "header_page");
	fputs(header_page, f);
	done(f);
	f = create(dir, "header_event");
	fputs(header_event, f);
	done(f);
	f = create(dir, "cmdlines");
	fprintf(f, "%d tm\n%d sh\n%d kworker/1:2\n", PID_A, PID_B, PID_C);
	done(f);
	for (t = 0; t < E__MAX; t++)
		if (g.fmt[t].present)
			write_format(dir, &g.fmt[t], t);
	f = create(dir, "cpu0.raw");
	write_raw(&g, f);
	done(f);
	f = create(dir, "expected.txt");
	for (i = 0; i < g.nr; i++)
		write_expected(f, &g, &g.ev[i]);
	done(f);
}

/* Generate every line into OUTDIR. */
int main(int argc, char **argv)
{
	size_t i;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: gen-kernels OUTDIR\n");
		return 2;
	}
	mkdir_ok(argv[1]);
	f = create(argv[1], "README");
	fputs("Generated by tests/progs/gen-kernels.c (do not edit; regenerate with\n"
	      "`tests/progs/gen-kernels tests/fixtures/kernels` after changing the generator).\n"
	      "One directory per kernel line: formats laid out from the field tables of\n"
	      "the tracepoint reference, header_page/header_event as on 64-bit kernels,\n"
	      "cpu0.raw sub-buffers, and expected.txt in tests/unit-decode's form.\n"
	      "Print formats are simplified and the gfp flag table is condensed.\n", f);
	done(f);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		generate(argv[1], &lines[i]);
	return 0;
}
