/* SPDX-License-Identifier: GPL-2.0 */
/* kmemscope list --events and --probes (listhost.c); each returns an exit status. */
#ifndef KMS_CMD_LISTHOST_H
#define KMS_CMD_LISTHOST_H

/* The kmem, exceptions and sched events of this host, with their fields. */
int list_events(void);
/* The recipes' probe points, the symbol this kernel offers and the alternatives. */
int list_probes(void);

#endif
