/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Structural check of a trace.dat (v6 or v7) before libtracecmd reads it:
 * untrusted files from other machines are bounded here first.
 */
#ifndef KMS_TRACEDAT_CHECK_H
#define KMS_TRACEDAT_CHECK_H

/*
 * The top-level v6 buffer's pages are walked by their reader instead
 * (source/mmfile.c, which finds what is wrong with a page as it reads it,
 * in the same words): their place and size are checked, not their records.
 */
#define KMS_CHECK_PAGES_LATER	1

/* Check that every offset and length of a trace.dat lies inside the file (flags: KMS_CHECK_*). */
int kms_tracedat_check(const char *path, unsigned int flags);

#endif
