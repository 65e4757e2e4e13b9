// SPDX-License-Identifier: GPL-2.0
/*
 * Sub-buffer parsing on hand-built pages, laid out as the kernel's
 * ring_buffer_read_page() and rb_update_event() write them: time extends,
 * absolute stamps, padding, long (type_len 0) records, and the missed-events
 * flags with and without a stored count, against kbuffer's documented
 * kbuffer_missed_events(). Expected values are the ones this
 * test wrote, not anything computed by kmemscope. Pieces of a page cut as
 * the mapped reader cuts them (kms_subbuf_piece) must give kbuffer the
 * records and time stamps it reads from the whole page.
 */
#include <stdint.h>
#include <string.h>

#include <kbuffer.h>

#include "tracefs/subbuf.h"
#include "unit.h"

#define PAGE 4096

struct page_builder {
	unsigned char	buf[PAGE];
	unsigned int	off;	/* into data, after the 16-byte header */
};

static void put32(struct page_builder *b, uint32_t v)
{
	memcpy(b->buf + 16 + b->off, &v, 4);
	b->off += 4;
}

static void rec_small(struct page_builder *b, uint32_t delta, unsigned int words, uint16_t id)
{
	unsigned int i;

	put32(b, words | (delta << 5));
	put32(b, id | (1u << 16));	/* common_type, flags */
	for (i = 1; i < words; i++)
		put32(b, 0xabcd0000 + i);
}

static void rec_long(struct page_builder *b, uint32_t delta, unsigned int bytes)
{
	unsigned int i;

	put32(b, 0 | (delta << 5));
	put32(b, bytes + 4);
	for (i = 0; i < bytes / 4; i++)
		put32(b, i);
}

static void time_extend(struct page_builder *b, uint64_t delta)
{
	put32(b, 30 | ((delta & ((1u << 27) - 1)) << 5));
	put32(b, delta >> 27);
}

static void padding(struct page_builder *b, unsigned int bytes)
{
	put32(b, 29 | (1u << 5));
	put32(b, bytes);
	b->off += bytes - 4;
}

static void finish(struct page_builder *b, uint64_t ts, uint64_t flags, int64_t stored)
{
	uint64_t commit = b->off | flags;

	memcpy(b->buf, &ts, 8);
	memcpy(b->buf + 8, &commit, 8);
	if (stored >= 0)
		memcpy(b->buf + 16 + b->off, &stored, 8);
}

/* The time stamps kbuffer reads from a page, appended to ts[*n]. */
static int kbuffer_stamps(const void *page, unsigned long long *ts, int *n, int *missed)
{
	struct kbuffer *kb = kbuffer_alloc(KBUFFER_LSIZE_8, KBUFFER_ENDIAN_LITTLE);
	unsigned long long t;
	void *data;

	if (!kb || kbuffer_load_subbuffer(kb, (void *)page) < 0)
		return -1;
	if (missed)
		*missed = kbuffer_missed_events(kb);
	while ((data = kbuffer_read_event(kb, &t))) {
		ts[(*n)++] = t;
		kbuffer_next_event(kb, NULL);
	}
	kbuffer_free(kb);
	return 0;
}

/* Pieces of a page as the mapped reader hands them out, against kbuffer. */
static void check_pieces(void)
{
	static struct page_builder p, q, f;
	static unsigned char out[PAGE], out2[PAGE];
	unsigned long long whole[16], cut[16];
	unsigned int cut1, end;
	struct kms_subbuf sb;
	int nw = 0, nc = 0, missed, i;

	/* The writer's page: records up to cut1 handed out first, the rest later. */
	time_extend(&p, (3ULL << 27) + 5);
	rec_small(&p, 10, 2, 7);
	rec_long(&p, 20, 40);
	cut1 = p.off;
	padding(&p, 12);	/* a discarded record, its delta kept */
	rec_small(&p, 7, 3, 8);
	time_extend(&p, 1ULL << 28);
	rec_small(&p, 2, 2, 9);
	end = p.off;
	finish(&p, 5000000, 0, -1);
	CHECK(kbuffer_stamps(p.buf, whole, &nw, NULL) == 0 && nw == 4, "kbuffer reads %d records", nw);
	CHECK(kms_subbuf_piece(p.buf, PAGE, 8, 0, cut1, 0, out) == 1, "first piece: %s", kms_strerror());
	CHECK(kms_subbuf_piece(p.buf, PAGE, 8, cut1, end, 0, out2) == 1, "second piece: %s",
	      kms_strerror());
	CHECK(kbuffer_stamps(out, cut, &nc, NULL) == 0 && kbuffer_stamps(out2, cut, &nc, &missed) == 0,
	      "kbuffer cannot load the pieces");
	CHECK(nc == nw, "pieces hold %d records, the page %d", nc, nw);
	for (i = 0; i < nc && i < nw; i++)
		CHECK(cut[i] == whole[i], "record %d: piece ts %llu, page ts %llu", i, cut[i], whole[i]);
	CHECK(missed == 0, "second piece flagged");
	CHECK(kms_subbuf_parse(out2, PAGE, 8, &sb, NULL) == 0 && sb.commit == end - cut1 &&
	      sb.nr_events == 2, "second piece: commit %u events %u", sb.commit, sb.nr_events);
	for (i = 16 + sb.commit; i < PAGE && !out2[i]; i++)
		;
	CHECK(i == PAGE, "byte %d after the second piece's data is not zero", i);

	/* Lost before the page, told by the meta page only: flagged with the count. */
	rec_small(&q, 4, 2, 7);
	rec_small(&q, 4, 2, 7);
	finish(&q, 6000000, 0, -1);
	CHECK(kms_subbuf_piece(q.buf, PAGE, 8, 0, q.off, 1234, out) == 1, "lost piece");
	nc = 0;
	CHECK(kbuffer_stamps(out, cut, &nc, &missed) == 0 && missed == 1234 && nc == 2,
	      "kbuffer: missed %d, %d records (want 1234, 2)", missed, nc);
	CHECK(kms_subbuf_parse(out, PAGE, 8, &sb, NULL) == 0 && sb.missed_count == 1234, "count %llu",
	      sb.missed_count);
	/* ... on a later piece of the same page, no flag. */
	CHECK(kms_subbuf_piece(q.buf, PAGE, 8, 12, q.off, 0, out) == 1 &&
	      kms_subbuf_parse(out, PAGE, 8, &sb, NULL) == 0 && !sb.missed && sb.nr_events == 1,
	      "later piece: missed %d, %u events", sb.missed, sb.nr_events);

	/* A page the kernel flagged, count stored: passed on. */
	finish(&q, 6000000, KMS_RB_MISSED_EVENTS | KMS_RB_MISSED_STORED, 99);
	CHECK(kms_subbuf_piece(q.buf, PAGE, 8, 0, q.off, 0, out) == 1 &&
	      kms_subbuf_parse(out, PAGE, 8, &sb, NULL) == 0 && sb.missed_stored &&
	      sb.missed_count == 99, "kernel-flagged page: count %llu", sb.missed_count);

	/* A full page the writer has left: used in place; with losses, flagged (no room). */
	while (f.off + 16 < PAGE - 16)
		rec_small(&f, 1, 3, 7);
	padding(&f, PAGE - 16 - f.off - 4);	/* (4 bytes of header, then its length) */
	finish(&f, 7000000, 0, -1);
	CHECK(kms_subbuf_piece(f.buf, PAGE, 8, 0, PAGE - 16, 0, out) == 0, "full page copied");
	CHECK(kms_subbuf_piece(f.buf, PAGE, 8, 0, PAGE - 16, 5, out) == 1 &&
	      kms_subbuf_parse(out, PAGE, 8, &sb, NULL) == 0 && sb.missed && !sb.missed_stored,
	      "full page with losses: missed %d stored %d", sb.missed, sb.missed_stored);

	/* A piece beyond the commit is corrupt. */
	CHECK(kms_subbuf_piece(q.buf, PAGE, 8, 0, q.off + 8, 0, out) < 0, "piece past the commit");
}

int main(void)
{
	static struct page_builder a, b, c, d, e;
	struct kms_subbuf_iter it;
	struct kms_subbuf sb, sb_b;
	const void *payload;
	unsigned long long ts, want;
	unsigned int len;
	struct kbuffer *kb;

	/* Page A: starts with a time extend, count 42 stored after the data. */
	time_extend(&a, (5ULL << 27) + 3);
	rec_small(&a, 10, 2, 7);
	rec_long(&a, 20, 200);
	padding(&a, 12);
	rec_small(&a, 1, 3, 8);
	finish(&a, 1000000, KMS_RB_MISSED_EVENTS | KMS_RB_MISSED_STORED, 42);

	static unsigned long long by_id[65536];

	CHECK(kms_subbuf_parse(a.buf, PAGE, 8, &sb, by_id) == 0, "page A: %s", kms_strerror());
	CHECK(by_id[7] == 1 && by_id[8] == 1 && by_id[0] == 1, "counts by id: 7:%llu 8:%llu 0:%llu",
	      by_id[7], by_id[8], by_id[0]);
	CHECK(sb.ts == 1000000, "page A ts %llu", sb.ts);
	CHECK(sb.commit == a.off, "page A commit %u != %u", sb.commit, a.off);
	CHECK(sb.missed && sb.missed_stored, "page A flags not seen");
	CHECK(sb.missed_count == 42, "page A missed %llu != 42", sb.missed_count);
	CHECK(sb.nr_events == 3, "page A events %u != 3", sb.nr_events);

	kms_subbuf_iter_init(&it, a.buf, 8, &sb);
	want = 1000000 + (5ULL << 27) + 3 + 10;
	CHECK(kms_subbuf_next(&it, &payload, &len, &ts) == 1, "A rec 1 missing");
	CHECK(ts == want && len == 8, "A rec 1 ts %llu len %u, want %llu 8", ts, len, want);
	CHECK(*(const uint16_t *)payload == 7, "A rec 1 id");
	want += 20;
	CHECK(kms_subbuf_next(&it, &payload, &len, &ts) == 1, "A rec 2 missing");
	CHECK(ts == want && len == 200, "A rec 2 ts %llu len %u, want %llu 200", ts, len, want);
	want += 1 + 1;	/* the padding's delta, then the record's */
	CHECK(kms_subbuf_next(&it, &payload, &len, &ts) == 1, "A rec 3 missing");
	CHECK(ts == want && len == 12, "A rec 3 ts %llu len %u, want %llu 12", ts, len, want);
	CHECK(*(const uint16_t *)payload == 8, "A rec 3 id");
	CHECK(kms_subbuf_next(&it, &payload, &len, &ts) == 0, "A has a 4th record");

	/*
	 * The pitfall this parser exists for. kbuffer_missed_events() is
	 * documented to report a count only while the current event is the
	 * first of the sub-buffer; kbuffer_load_subbuffer() steps over page
	 * A's leading time extend, so the documented result is 0, and the 42
	 * the page stores is lost. Page B stores the same count with a data
	 * record first: there kbuffer reports 42, so the time extend alone
	 * hides the count. Our parser must read 42 from both.
	 */
	rec_small(&b, 10, 2, 7);
	rec_small(&b, 1, 3, 8);
	finish(&b, 2000000, KMS_RB_MISSED_EVENTS | KMS_RB_MISSED_STORED, 42);
	CHECK(kms_subbuf_parse(b.buf, PAGE, 8, &sb_b, NULL) == 0, "page B: %s", kms_strerror());
	CHECK(sb_b.missed && sb_b.missed_stored && sb_b.missed_count == 42,
	      "page B missed %llu != 42", sb_b.missed_count);
	kb = kbuffer_alloc(KBUFFER_LSIZE_8, KBUFFER_ENDIAN_LITTLE);
	CHECK(kb != NULL, "kbuffer_alloc failed");
	if (kb) {
		CHECK(kbuffer_load_subbuffer(kb, a.buf) == 0, "kbuffer cannot load page A");
		CHECK(kbuffer_missed_events(kb) == 0,
		      "kbuffer_missed_events on page A: %d, documented 0 (current event not first)",
		      kbuffer_missed_events(kb));
		CHECK(sb.missed_count == 42, "page A: kmemscope %llu, the page stores 42",
		      sb.missed_count);
		CHECK(kbuffer_load_subbuffer(kb, b.buf) == 0, "kbuffer cannot load page B");
		CHECK(kbuffer_missed_events(kb) == 42, "kbuffer_missed_events on page B: %d, want 42",
		      kbuffer_missed_events(kb));
		kbuffer_free(kb);
	}

	/* Page C: events lost, count not stored (page was full). */
	rec_small(&c, 0, 4, 9);
	finish(&c, 5, KMS_RB_MISSED_EVENTS, -1);
	CHECK(kms_subbuf_parse(c.buf, PAGE, 8, &sb, NULL) == 0, "page C: %s", kms_strerror());
	CHECK(sb.missed && !sb.missed_stored && sb.missed_count == 0, "page C flags");
	CHECK(sb.nr_events == 1, "page C events %u", sb.nr_events);

	/* Page D: commit larger than the page. */
	memset(&d, 0, sizeof(d));
	d.off = PAGE;
	finish(&d, 1, 0, -1);
	CHECK(kms_subbuf_parse(d.buf, PAGE, 8, &sb, NULL) < 0, "page D accepted");

	/* Page E: long record whose length word is below 4. */
	put32(&e, 0);
	put32(&e, 2);
	finish(&e, 1, 0, -1);
	CHECK(kms_subbuf_parse(e.buf, PAGE, 8, &sb, NULL) < 0, "page E accepted");

	/* Pages F and G: lengths near 4 GiB, which once wrapped to 0 (endless walk). */
	memset(&e, 0, sizeof(e));
	put32(&e, 29 | (1 << 5));	/* padding with a delta: length in array[0] */
	put32(&e, 0xfffffffc);
	finish(&e, 1, 0, -1);
	CHECK(kms_subbuf_parse(e.buf, PAGE, 8, &sb, NULL) < 0, "page F accepted");
	memset(&e, 0, sizeof(e));
	put32(&e, 0);			/* type_len 0: payload length + 4 in array[0] */
	put32(&e, 0xfffffffe);
	finish(&e, 1, 0, -1);
	CHECK(kms_subbuf_parse(e.buf, PAGE, 8, &sb, NULL) < 0, "page G accepted");

	/* Where the walk ends, for the check: at the commit; before a zero-delta padding. */
	CHECK(kms_subbuf_parse(c.buf, PAGE, 8, &sb, NULL) == 0 && sb.end == sb.commit && !sb.null_pad,
	      "page C: walk ends at %u of %u", sb.end, sb.commit);
	memset(&e, 0, sizeof(e));
	rec_small(&e, 1, 2, 7);
	put32(&e, 29);			/* padding of zero delta: the walk stops */
	put32(&e, 0xfffffffc);
	rec_small(&e, 1, 2, 7);
	finish(&e, 1, 0, -1);
	CHECK(kms_subbuf_parse(e.buf, PAGE, 8, &sb, NULL) == 0 && sb.nr_events == 1 && sb.null_pad &&
	      sb.end == 12, "page H: %u events, walk ends at %u (null padding %d)", sb.nr_events, sb.end,
	      sb.null_pad);
	memset(&e, 0, sizeof(e));
	rec_small(&e, 1, 2, 7);
	e.off += 2;			/* 2 bytes past the last record */
	finish(&e, 1, 0, -1);
	CHECK(kms_subbuf_parse(e.buf, PAGE, 8, &sb, NULL) == 0 && !sb.null_pad && sb.end == 12 &&
	      sb.commit == 14, "page I: walk ends at %u of %u", sb.end, sb.commit);

	check_pieces();
	return unit_done("unit-subbuf");
}
