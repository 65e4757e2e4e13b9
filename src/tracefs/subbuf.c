// SPDX-License-Identifier: GPL-2.0
/*
 * Sub-buffer header parsing and record counting (host endianness).
 */
#include <stdint.h>
#include <string.h>

#include "base/kms.h"
#include "tracefs/subbuf.h"

/* Start at the first record of a parsed sub-buffer. */
void kms_subbuf_iter_init(struct kms_subbuf_iter *it, const void *page,
			  int long_size, const struct kms_subbuf *sb)
{
	it->data = (const unsigned char *)page + 8 + long_size;
	it->len = sb->commit;
	it->off = 0;
	it->ts = sb->ts;
}

/* Walk the records before off, summing their deltas. */
int kms_subbuf_ts_at(const void *page, int long_size, unsigned int off,
		     unsigned long long *ts)
{
	struct kms_subbuf sb = { .commit = off };
	struct kms_subbuf_iter it;
	const void *payload;
	unsigned long long t;
	unsigned int len;
	int r;

	memcpy(&sb.ts, page, 8);
	kms_subbuf_iter_init(&it, page, long_size, &sb);
	while ((r = kms_subbuf_next(&it, &payload, &len, &t)) > 0)
		;
	*ts = it.ts;
	return r;
}

/* Load a long_size-wide value from p. */
unsigned long long kms_subbuf_long(const void *p, int long_size)
{
	uint32_t v32;
	uint64_t v64;

	if (long_size == 8) {
		memcpy(&v64, p, 8);
		return v64;
	}
	memcpy(&v32, p, 4);
	return v32;
}

/* The commit word of a sub-buffer header (long_size bytes after the time stamp). */
unsigned long long kms_subbuf_commit_word(const void *page, int long_size)
{
	return kms_subbuf_long((const unsigned char *)page + 8, long_size);
}

/* Store a long_size-wide value at p. */
static void put_long(unsigned char *p, int long_size, unsigned long long v)
{
	uint32_t v32 = v > UINT32_MAX ? UINT32_MAX : v;
	uint64_t v64 = v;

	if (long_size == 8)
		memcpy(p, &v64, 8);
	else
		memcpy(p, &v32, 4);
}

/* Copy records [off, end) of a page into a sub-buffer of their own. */
int kms_subbuf_piece(const void *page, unsigned int page_size, int long_size,
		     unsigned int off, unsigned int end, unsigned long long lost, void *out)
{
	const unsigned char *in = page;
	unsigned char *o = out;
	unsigned int hdr = 8 + long_size, data, used, commit;
	unsigned long long word, ts, flags = 0;

	if ((long_size != 4 && long_size != 8) || page_size <= hdr)
		return kms_error(KMS_ERR_FAIL, "bad sub-buffer geometry");
	data = page_size - hdr;
	word = kms_subbuf_commit_word(in, long_size);
	commit = word & KMS_RB_COMMIT_MASK;
	if (commit > data || end > commit || off > end)
		return kms_error(KMS_ERR_FAIL, "sub-buffer commit %u, piece %u-%u of %u",
				 commit, off, end, data);
	/* Full (the writer has left it) and nothing to add: use it as it is. */
	if (off == 0 && end == data && commit == data && !(word & ~KMS_RB_COMMIT_MASK) && !lost)
		return 0;
	if (kms_subbuf_ts_at(page, long_size, off, &ts) < 0)
		return kms_error(KMS_ERR_FAIL, "corrupt record in sub-buffer");
	used = end - off;
	memcpy(o, &ts, 8);
	memcpy(o + hdr, in + hdr + off, used);
	if (off == 0 && (word & KMS_RB_MISSED_EVENTS)) {
		/* Flagged by the kernel (and the count stored after the data). */
		flags = word & (KMS_RB_MISSED_EVENTS | KMS_RB_MISSED_STORED);
		if ((flags & KMS_RB_MISSED_STORED) && end == commit && commit + long_size <= data) {
			memcpy(o + hdr + used, in + hdr + commit, long_size);
			used += long_size;
		} else {
			flags &= ~KMS_RB_MISSED_STORED;
		}
	} else if (off == 0 && lost) {
		flags = KMS_RB_MISSED_EVENTS;
		if (end + long_size <= data) {
			put_long(o + hdr + used, long_size, lost);
			used += long_size;
			flags |= KMS_RB_MISSED_STORED;
		}
	}
	put_long(o + 8, long_size, (unsigned long long)(end - off) | flags);
	memset(o + hdr + used, 0, data - used);
	return 1;
}

/* Count the data records of a page, and by event id when asked. */
static int count_records(const void *page, int long_size, struct kms_subbuf *sb,
			 unsigned long long *by_id)
{
	struct kms_subbuf_iter it;
	const void *payload;
	unsigned long long ts;
	unsigned int len;
	unsigned short id;
	int n = 0, r;

	kms_subbuf_iter_init(&it, page, long_size, sb);
	while ((r = kms_subbuf_next(&it, &payload, &len, &ts)) > 0) {
		n++;
		if (by_id && len >= 2) {
			memcpy(&id, payload, 2);
			by_id[id]++;
		}
	}
	sb->end = it.off;
	sb->null_pad = r == 0 && it.off + 4 <= it.len;	/* (kms_subbuf_next stops at one) */
	return r < 0 ? -1 : n;
}

/* Decode the header of one sub-buffer, without walking its records. */
int kms_subbuf_header(const void *page, unsigned int page_size, int long_size,
		      struct kms_subbuf *out)
{
	const unsigned char *p = page;
	unsigned int hdr = 8 + long_size;
	unsigned long long word;

	memset(out, 0, sizeof(*out));
	if (page_size < hdr || (long_size != 4 && long_size != 8))
		return kms_error(KMS_ERR_FAIL, "bad sub-buffer geometry");
	memcpy(&out->ts, p, 8);
	word = kms_subbuf_commit_word(p, long_size);
	out->commit = word & KMS_RB_COMMIT_MASK;
	out->missed = !!(word & KMS_RB_MISSED_EVENTS);
	if (out->commit > page_size - hdr)
		return kms_error(KMS_ERR_FAIL, "sub-buffer commit %u exceeds page size %u",
				 out->commit, page_size);
	if (word & KMS_RB_MISSED_STORED) {
		if (out->commit + long_size > page_size - hdr)
			return kms_error(KMS_ERR_FAIL, "missed-events count outside the sub-buffer");
		out->missed_count = kms_subbuf_long(p + hdr + out->commit, long_size);
		out->missed_stored = true;
	}
	return 0;
}

/* Decode the header of one sub-buffer and count its records. */
int kms_subbuf_parse(const void *page, unsigned int page_size, int long_size,
		     struct kms_subbuf *out, unsigned long long *by_id)
{
	int n;

	if (kms_subbuf_header(page, page_size, long_size, out))
		return -1;
	n = count_records(page, long_size, out, by_id);
	if (n < 0)
		return kms_error(KMS_ERR_FAIL, "corrupt record in sub-buffer");
	out->nr_events = n;
	return 0;
}

/*
 * Where the walk of a page's records stopped, kbuffer (libtraceevent's,
 * which reads every page of a v7 file and of a v6 file's instances) must
 * stop too: it reads a record header at any offset short of the commit,
 * and it goes on past a padding of zero delta by the padding's length.
 */
const char *kms_subbuf_end_error(const void *page, int long_size, unsigned int commit,
				 unsigned int end, bool null_pad)
{
	uint64_t next;
	uint32_t len;

	if (!null_pad)
		return end == commit ? NULL : "bytes after its last record";
	/* (the walk stopped there with the padding's 8 bytes inside the commit) */
	memcpy(&len, (const unsigned char *)page + 8 + long_size + end + 4, 4);
	next = (uint64_t)end + 4 + len;
	if (next < commit || next > UINT32_MAX)
		return "a padding of zero delta that leads back into its records";
	return NULL;
}
