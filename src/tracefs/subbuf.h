/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ring-buffer sub-buffer ("page") headers, as read from trace_pipe_raw.
 * Parsed here rather than with kbuffer_missed_events(), which loses the
 * missed-event count when a page starts with a time-extend record.
 */
#ifndef KMS_SUBBUF_H
#define KMS_SUBBUF_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define KMS_RB_MISSED_EVENTS	(1UL << 31)
#define KMS_RB_MISSED_STORED	(1UL << 30)
#define KMS_RB_COMMIT_MASK	((1UL << 27) - 1)

struct kms_subbuf {
	unsigned long long	ts;		/* timestamp of the page */
	unsigned int		commit;		/* bytes of event data */
	bool			missed;		/* events were lost before it */
	bool			missed_stored;	/* ... and their count is known */
	unsigned long long	missed_count;
	unsigned int		nr_events;	/* data records in the page */
	unsigned int		end;		/* where the walk of the records stopped */
	bool			null_pad;	/* ... at a padding of zero delta */
};

/* A long_size-wide (4 or 8 bytes) host-order value at p, such as a stored missed count. */
unsigned long long kms_subbuf_long(const void *p, int long_size);
/*
 * The commit word of a sub-buffer header: the long_size (4 or 8) bytes
 * after its time stamp, the commit (KMS_RB_COMMIT_MASK) with the
 * KMS_RB_MISSED_* flags above it.
 */
unsigned long long kms_subbuf_commit_word(const void *page, int long_size);

/*
 * Parse one sub-buffer of page_size bytes whose commit field is long_size
 * (4 or 8) bytes wide, walking its records once: they are counted, and by
 * event id into by_id[65536] when it is not NULL. Returns 0, or -1 if the
 * header or a record is corrupt. The walk ends at the commit (end ==
 * commit), in the last 1 to 3 bytes before it, or at a padding of zero
 * delta (null_pad), which the kernel writes for "the rest is empty".
 */
int kms_subbuf_parse(const void *page, unsigned int page_size, int long_size,
		     struct kms_subbuf *out, unsigned long long *by_id);

/* kms_subbuf_parse() of the header alone: the records are not walked (nr_events, end: 0). */
int kms_subbuf_header(const void *page, unsigned int page_size, int long_size,
		      struct kms_subbuf *out);
/*
 * What is wrong with where a walk of a page's records stopped (end, and
 * whether at a padding of zero delta), or NULL: the stop a kbuffer walk
 * of the page would make too.
 */
const char *kms_subbuf_end_error(const void *page, int long_size, unsigned int commit,
				 unsigned int end, bool null_pad);

/* Iterator over the data records of a parsed sub-buffer. */
struct kms_subbuf_iter {
	const unsigned char	*data;
	unsigned int		len;
	unsigned int		off;
	unsigned long long	ts;
};

void kms_subbuf_iter_init(struct kms_subbuf_iter *it, const void *page,
			  int long_size, const struct kms_subbuf *sb);
/*
 * Next data record: its payload, payload length and timestamp. Returns 1,
 * 0 at the end of the page, or -1 on a corrupt record. Inline: the file
 * source calls it once an event.
 */
static inline int kms_subbuf_next(struct kms_subbuf_iter *it, const void **payload,
				   unsigned int *len, unsigned long long *ts)
{
	unsigned int type_len, size, plen;
	uint32_t hdr, arr;

	while (it->off + 4 <= it->len) {
		const unsigned char *p = it->data + it->off;
		unsigned int left = it->len - it->off;

		memcpy(&hdr, p, 4);
		type_len = hdr & 0x1f;
		if (__builtin_expect(type_len - 1 < 28, 1)) {	/* the usual: data of type_len words */
			plen = type_len * 4;
			size = 4 + plen;
			if (size > left)
				return -1;
			it->ts += hdr >> 5;
			it->off += size;
			*payload = p + 4;
			*len = plen;
			*ts = it->ts;
			return 1;
		}
		/* type_len 0 (data with its length in the next word), 29, 30 or 31 */
		if (left < 8)
			return -1;
		memcpy(&arr, p + 4, 4);
		switch (type_len) {
		case 29:	/* padding; a zero delta pads the rest of the page */
			if ((hdr >> 5) == 0)
				return 0;
			if (arr > left - 4)	/* (4 + arr would wrap) */
				return -1;
			size = 4 + arr;
			it->ts += hdr >> 5;
			break;
		case 30:	/* time extend */
			it->ts += ((unsigned long long)arr << 27) + (hdr >> 5);
			size = 8;
			break;
		case 31:	/* absolute time stamp, upper bits from the page */
			it->ts = (it->ts & ~((1ULL << 59) - 1)) |
				 ((((unsigned long long)arr << 27) | (hdr >> 5)) & ((1ULL << 59) - 1));
			size = 8;
			break;
		default:	/* 0 */
			if (arr < 4 || arr - 4 > left - 8)
				return -1;
			plen = arr - 4;
			size = 8 + ((plen + 3) & ~3U);
			if (size > left)
				return -1;
			it->ts += hdr >> 5;
			it->off += size;
			*payload = p + 8;
			*len = plen;
			*ts = it->ts;
			return 1;
		}
		if (size > left)
			return -1;
		it->off += size;
	}
	return 0;
}

/*
 * The time stamp in force at data byte off of a page (off is a record
 * boundary): the page time stamp a sub-buffer holding the records from off
 * on needs. Returns 0, or -1 if a record before off is corrupt.
 */
int kms_subbuf_ts_at(const void *page, int long_size, unsigned int off,
		     unsigned long long *ts);

/*
 * The records at data bytes [off, end) of a page of page_size bytes whose
 * writer may still be appending after end, as a sub-buffer of their own:
 * the time stamp in force at off, commit end - off, the page's lost-event
 * flags and stored count on the first piece (off 0), or, where the page
 * has none, lost events told apart (lost > 0: flagged, with the count when
 * there is room after the data), zeros after. Returns 0 when the page can
 * be used as it is (whole, full, nothing to add), 1 when out (page_size
 * bytes) holds the piece, -1 when the header or a record is corrupt.
 */
int kms_subbuf_piece(const void *page, unsigned int page_size, int long_size,
		     unsigned int off, unsigned int end, unsigned long long lost, void *out);

#endif
