// SPDX-License-Identifier: GPL-2.0
/*
 * trace-cmd report's line layout: "%16s-%-5d [%03d] %6.1000d: name: info",
 * with the event name padded to 20 columns.
 */
#include <string.h>

#include "decode/evline.h"

/* One event line as trace-cmd report prints it. */
void kms_evline(struct trace_seq *s, struct tep_handle *tep,
		struct tep_record *rec, bool in_usecs)
{
	static const char spaces[] = "                    ";
	struct tep_event *event;
	int len;

	event = tep_find_event_by_record(tep, rec);
	tep_print_event(tep, s, rec, "%16s-%-5d [%03d]", TEP_PRINT_COMM,
			TEP_PRINT_PID, TEP_PRINT_CPU);
	tep_print_event(tep, s, rec, in_usecs ? " %6.1000d:" : "%12d:", TEP_PRINT_TIME);
	if (!event) {
		trace_seq_printf(s, " [UNKNOWN EVENT]");
		return;
	}
	trace_seq_printf(s, " %s: ", event->name);
	len = strlen(event->name);
	if (len < 20)
		trace_seq_printf(s, "%.*s", 20 - len, spaces);
	tep_print_event(tep, s, rec, "%s", TEP_PRINT_INFO);
	/* trace_marker text ends in a newline, which trace-cmd does not print */
	if (s->len && s->buffer[s->len - 1] == '\n')
		s->len--;
}

/* The line trace-cmd report prints for lost events. */
void kms_evline_missed(struct trace_seq *s, int cpu, long long missed)
{
	if (missed > 0)
		trace_seq_printf(s, "CPU:%d [%lld EVENTS DROPPED]", cpu, missed);
	else
		trace_seq_printf(s, "CPU:%d [EVENTS DROPPED]", cpu);
}
