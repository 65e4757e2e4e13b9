// SPDX-License-Identifier: GPL-2.0
/*
 * The mapped ring-buffer reader (kms_rbmap_take(), which kms_rbmap_next()
 * is with the kernel's ioctl) against a meta page and sub-buffers built
 * here: the meta page is written at the byte offsets of struct
 * trace_buffer_meta in the kernel's include/uapi/linux/trace_mmap.h, not
 * through kmemscope's struct, and each GET_READER is a step of a script
 * that moves the reader as the test says. The sub-buffers hold a byte
 * pattern of their own, so a piece is checked against the bytes this test
 * placed at the page the meta page named; the pieces expected (offsets,
 * lost counts, held back or not, how many asks) are written out by hand.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "tracefs/rbmap.h"
#include "tracefs/subbuf.h"
#include "unit.h"

#define SUBBUF	4096			/* with the 16-byte header (8-byte commit word) */
#define DATA	(SUBBUF - 16)
#define NR	4

/* struct trace_buffer_meta, by offset (trace_mmap.h, Linux 6.10) */
#define META_PAGE_SIZE	0
#define META_STRUCT_LEN	4
#define META_SUBBUF	8
#define META_NR		12
#define META_LOST	16
#define META_ID		24
#define META_READ	28

static uint64_t meta_words[4096 / 8];	/* the meta page, 8-byte aligned */
static unsigned char *meta = (unsigned char *)meta_words;
static uint64_t data_words[NR * SUBBUF / 8];
static unsigned char *data = (unsigned char *)data_words;

static void meta_put32(unsigned int off, uint32_t v)
{
	memcpy(meta + off, &v, 4);
}

/* What the meta page shows of the reader. */
static void show(unsigned int id, unsigned int read, uint64_t lost)
{
	meta_put32(META_ID, id);
	meta_put32(META_READ, read);
	memcpy(meta + META_LOST, &lost, 8);
}

/* Data byte k of sub-buffer s, as placed. */
static unsigned char pattern(unsigned int s, unsigned int k)
{
	return (unsigned char)(s * 61 + k * 7 + 1);
}

/* Sub-buffer s: its pattern, and a commit word with or without MISSED_EVENTS. */
static void fill(unsigned int s, uint64_t commit_word)
{
	unsigned char *page = data + (size_t)s * SUBBUF;
	uint64_t ts = 1000 + s;
	unsigned int k;

	memcpy(page, &ts, 8);
	memcpy(page + 8, &commit_word, 8);
	for (k = 0; k < DATA; k++)
		page[16 + k] = pattern(s, k);
}

/* The kernel's part: each ask shows the next step of the script. */
static struct step { unsigned int id, read; uint64_t lost; int fail; } script[32];
static int nr_steps, next_step, asks;

static int fake_ask(struct kms_rbmap *m)
{
	const struct step *st = &script[next_step];

	(void)m;
	asks++;
	if (next_step >= nr_steps)
		return 0;	/* nothing new: the reader stays as it is */
	next_step++;
	if (st->fail) {
		errno = EIO;
		return -1;
	}
	show(st->id, st->read, st->lost);
	return 0;
}

static void ask_shows(unsigned int id, unsigned int read, uint64_t lost)
{
	script[nr_steps++] = (struct step){ id, read, lost, 0 };
}

/* A reader as kms_rbmap_open() leaves it, on the meta page as it is now. */
static void open_fake(struct kms_rbmap *m)
{
	uint32_t v;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->meta = (struct kms_rbmap_meta *)meta;
	m->meta_len = sizeof(meta_words);
	m->data = data;
	m->data_len = sizeof(data_words);
	memcpy(&v, meta + META_SUBBUF, 4);
	m->subbuf_size = v;
	memcpy(&v, meta + META_NR, 4);
	m->nr_subbufs = v;
	m->long_size = 8;
	memcpy(&m->id, meta + META_ID, 4);
	memcpy(&m->done, meta + META_READ, 4);
}

/* One call: its return, the asks it made, and the piece it gave. */
static void expect(struct kms_rbmap *m, bool partial, int ret, int nr_asks, unsigned int s,
		   unsigned int off, unsigned int end, uint64_t lost, bool last, int line)
{
	struct kms_rbmap_piece p;
	int before = asks, r, bad = 0;
	unsigned int k;

	memset(&p, 0xa5, sizeof(p));
	r = kms_rbmap_take(m, &p, partial, fake_ask);
	CHECK(r == ret, "line %d: returned %d, expected %d", line, r, ret);
	CHECK(asks - before == nr_asks, "line %d: asked %d times, expected %d", line,
	      asks - before, nr_asks);
	if (r != 1 || ret != 1)
		return;
	CHECK(p.page == data + (size_t)s * SUBBUF, "line %d: piece of sub-buffer %td, expected %u",
	      line, (p.page - data) / SUBBUF, s);
	CHECK(p.off == off && p.end == end, "line %d: piece %u-%u, expected %u-%u", line,
	      p.off, p.end, off, end);
	CHECK(p.lost == lost, "line %d: lost %llu, expected %llu", line, p.lost,
	      (unsigned long long)lost);
	CHECK(p.last == last, "line %d: last %d, expected %d", line, p.last, last);
	if (p.page != data + (size_t)s * SUBBUF || p.end > DATA)
		return;
	for (k = p.off; k < p.end; k++)
		bad += p.page[16 + k] != pattern(s, k);
	CHECK(!bad, "line %d: %d bytes of the piece are not the ones placed", line, bad);
}

#define EXPECT(m, partial, ret, nr_asks, s, off, end, lost, last) \
	expect(m, partial, ret, nr_asks, s, off, end, lost, last, __LINE__)

int main(void)
{
	struct kms_rbmap m;
	unsigned int s;

	meta_put32(META_PAGE_SIZE, 4096);
	meta_put32(META_STRUCT_LEN, 80);
	meta_put32(META_SUBBUF, SUBBUF);
	meta_put32(META_NR, NR);
	for (s = 0; s < NR; s++)
		fill(s, 0);
	fill(2, KMS_RB_MISSED_EVENTS);	/* swapped in after losses: complete */

	/* Mapped with 40 bytes of sub-buffer 0 read before: they are not handed out. */
	show(0, 40, 0);
	open_fake(&m);
	/* Nothing new: one ask, which shows nothing new either. */
	EXPECT(&m, false, 0, 1, 0, 0, 0, 0, false);

	/* The writer is on sub-buffer 0: without partial its records are held back. */
	ask_shows(0, 100, 0);
	EXPECT(&m, false, 0, 1, 0, 0, 0, 0, false);
	/* Held back: ask again; the writer has left it, the rest goes as one last piece. */
	ask_shows(0, DATA, 0);
	EXPECT(&m, false, 1, 1, 0, 40, DATA, 0, true);

	/* A new reader (sub-buffer 1, 7 events lost before it), read with partial. */
	ask_shows(1, 300, 7);
	EXPECT(&m, true, 1, 1, 1, 0, 300, 7, false);
	ask_shows(1, 500, 7);
	EXPECT(&m, true, 1, 1, 1, 300, 500, 0, false);
	/* Less than the smallest record (8 bytes) left: the writer has left it. */
	ask_shows(1, DATA - 4, 7);
	EXPECT(&m, true, 1, 1, 1, 500, DATA - 4, 0, true);

	/* Sub-buffer 2 is flagged MISSED_EVENTS: complete at any length, not held. */
	ask_shows(2, 64, 3);
	EXPECT(&m, false, 1, 1, 2, 0, 64, 3, true);

	/* New data shown without an ask (the kernel moved on): taken as it is. */
	show(3, 128, 0);
	EXPECT(&m, true, 1, 0, 3, 0, 128, 0, false);

	/* The buffer was reset: the reader's read fell back, the page starts again. */
	ask_shows(3, 16, 0);
	EXPECT(&m, true, 1, 1, 3, 0, 16, 0, false);

	/*
	 * Held back, then swapped out (not expected of the kernel): the held
	 * records are passed on as the page's last piece, then the new reader's.
	 */
	ask_shows(3, 200, 0);
	EXPECT(&m, false, 0, 1, 0, 0, 0, 0, false);
	ask_shows(0, DATA, 0);
	EXPECT(&m, false, 1, 1, 3, 16, 200, 0, true);
	EXPECT(&m, false, 1, 0, 0, 0, DATA, 0, true);

	/* The same, held at a page's first piece: it carries the page's lost count. */
	ask_shows(1, 200, 9);
	EXPECT(&m, false, 0, 1, 0, 0, 0, 0, false);
	ask_shows(3, DATA, 0);
	EXPECT(&m, false, 1, 1, 1, 0, 200, 9, true);
	EXPECT(&m, false, 1, 0, 3, 0, DATA, 0, true);

	/* The ioctl fails: an error. */
	script[nr_steps++] = (struct step){ .fail = 1 };
	EXPECT(&m, false, -1, 1, 0, 0, 0, 0, false);
	CHECK(kms_errclass() == KMS_ERR_FAIL && strstr(kms_strerror(), "GET_READER"),
	      "ioctl failure: class %d, %s", kms_errclass(), kms_strerror());

	/* A meta page that names a sub-buffer past the last, or reads past its end. */
	ask_shows(NR, 10, 0);
	EXPECT(&m, false, -1, 1, 0, 0, 0, 0, false);
	show(m.id, m.done, 0);		/* back to the reader as it was handed out */
	ask_shows(0, DATA + 1, 0);
	EXPECT(&m, false, -1, 1, 0, 0, 0, 0, false);

	return unit_done("unit-rbmap");
}
