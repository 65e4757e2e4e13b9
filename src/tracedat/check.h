/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Structural check of a trace.dat (v6 or v7) before libtracecmd reads it:
 * untrusted files from other machines are bounded here first.
 */
#ifndef KMS_TRACEDAT_CHECK_H
#define KMS_TRACEDAT_CHECK_H

/* Check that every offset and length of a trace.dat lies inside the file. */
int kms_tracedat_check(const char *path);

#endif
