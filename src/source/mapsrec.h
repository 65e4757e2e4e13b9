/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The maps recorder: while record traces a scope (a command, -p pids or a
 * cgroup), it writes each traced process's /proc/PID/maps into the buffer
 * as trace_marker lines, so that the faults_by_mapping table can be built
 * from the recording alone, after the processes are gone:
 *
 *   kmemscope-maps PID begin
 *   kmemscope-maps PID START-END PERMS OFFSET NAME   (NAME empty: anonymous)
 *   kmemscope-maps PID end
 *   kmemscope-maps PID gone          (it exited before its maps were read)
 *   kmemscope-maps TID thread TGID   (a thread: the maps are its group's)
 *
 * The pids are learnt from the pages as the readers pass them on: a fork's
 * child is read when it is first seen, an exec's pid again, and a pid whose
 * user fault falls outside the maps last written is read again (a new
 * mapping), at most once a tick; an exit forgets the pid. A small thread
 * of its own does the reading and writing.
 */
#ifndef KMS_MAPSREC_H
#define KMS_MAPSREC_H

#include <sys/types.h>

#include "tracefs/subbuf.h"
#include "tracefs/session.h"

struct kms_mapsrec;

/*
 * Learn the session's event formats and start the thread (it reads only
 * what kms_mapsrec_add() or the pages ask for). NULL on failure.
 */
struct kms_mapsrec *kms_mapsrec_start(struct kms_session *s);
/* Read pid's maps (a root of the scope, once tracing is on). */
void kms_mapsrec_add(struct kms_mapsrec *m, pid_t pid);
/* Look at one sub-buffer's records (called by the reader threads). */
void kms_mapsrec_page(struct kms_mapsrec *m, const void *page, int long_size,
		      const struct kms_subbuf *sb);
/*
 * Do the reads still wanted and stop the thread; pages are ignored from
 * then on (the readers may still pass some). NULL is fine; safe twice.
 */
void kms_mapsrec_stop(struct kms_mapsrec *m);
/* Stop, and free it once the readers are gone; NULL is fine. */
void kms_mapsrec_free(struct kms_mapsrec *m);

#endif
