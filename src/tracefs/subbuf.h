/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ring-buffer sub-buffer ("page") headers, as read from trace_pipe_raw.
 * Parsed here rather than with kbuffer_missed_events(), which loses the
 * missed-event count when a page starts with a time-extend record.
 */
#ifndef KMS_SUBBUF_H
#define KMS_SUBBUF_H

#include <stdbool.h>

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
};

/*
 * Parse one sub-buffer of page_size bytes whose commit field is long_size
 * (4 or 8) bytes wide, walking its records once: they are counted, and by
 * event id into by_id[65536] when it is not NULL. Returns 0, or -1 if the
 * header or a record is corrupt.
 */
int kms_subbuf_parse(const void *page, unsigned int page_size, int long_size,
		     struct kms_subbuf *out, unsigned long long *by_id);

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
 * 0 at the end of the page, or -1 on a corrupt record.
 */
int kms_subbuf_next(struct kms_subbuf_iter *it, const void **payload,
		    unsigned int *len, unsigned long long *ts);

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
