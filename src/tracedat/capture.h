/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capture of what a trace.dat needs besides the ring-buffer pages: the
 * instance's header formats, the enabled events' formats, kallsyms,
 * printk formats, saved cmdlines, the trace clock and uname.
 */
#ifndef KMS_CAPTURE_H
#define KMS_CAPTURE_H

#include <stdbool.h>

#include "tracefs/session.h"
#include "tracedat/writer.h"

/* Fill td's metadata from the session; extra_cmdlines ("pid comm\n" lines) may be NULL. */
int kms_capture_metadata(struct kms_session *s, struct kms_tracedat *td,
			 const char *extra_cmdlines);

/*
 * A tep handle for decoding the session's live pages: its header page,
 * the formats of the enabled events and, with kallsyms and where readable,
 * the kernel's symbols (parsing them costs a CPU for a tenth of a second
 * while the traced command runs: ask only when call sites are shown).
 */
struct tep_handle *kms_capture_tep(struct kms_session *s, bool kallsyms);

#endif
