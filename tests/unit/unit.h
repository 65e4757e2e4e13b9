/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the C unit tests: checks that count failures, and loading
 * of a fixture directory (header_page, formats/, cpuN.raw, cmdlines).
 */
#ifndef KMS_UNIT_H
#define KMS_UNIT_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "base/kms.h"

static int unit_failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		unit_failures++;					\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

static inline int unit_done(const char *name)
{
	if (unit_failures) {
		fprintf(stderr, "%s: %d check(s) failed\n", name, unit_failures);
		return 1;
	}
	printf("%s: all checks passed\n", name);
	return 0;
}

/* Load header_page and every formats/SYSTEM__EVENT.format of a fixture. */
static inline struct tep_handle *unit_load_tep(const char *dir, int *long_size,
					       int *page_size)
{
	struct tep_handle *tep = tep_alloc();
	char path[4096], sys[64];
	struct dirent *de;
	size_t len;
	char *buf;
	DIR *d;

	snprintf(path, sizeof(path), "%s/header_page", dir);
	buf = kms_read_file(path, &len);
	if (!tep || !buf || tep_parse_header_page(tep, buf, len, sizeof(long))) {
		fprintf(stderr, "cannot load %s\n", path);
		exit(99);
	}
	free(buf);
	*long_size = tep_get_header_page_size(tep);
	*page_size = tep_get_sub_buffer_size(tep);
	snprintf(path, sizeof(path), "%s/formats", dir);
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(99);
	}
	while ((de = readdir(d))) {
		char *sep = strstr(de->d_name, "__");

		if (!sep || !strstr(de->d_name, ".format"))
			continue;
		snprintf(sys, sizeof(sys), "%.*s", (int)(sep - de->d_name), de->d_name);
		snprintf(path, sizeof(path), "%s/formats/%s", dir, de->d_name);
		buf = kms_read_file(path, &len);
		if (!buf || tep_parse_event(tep, buf, len, sys)) {
			fprintf(stderr, "cannot parse %s\n", path);
			exit(99);
		}
		free(buf);
	}
	closedir(d);
	return tep;
}

/* Read fixture cpuN.raw; NULL with *len 0 when the CPU has no file. */
static inline char *unit_load_cpu(const char *dir, int cpu, size_t *len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cpu%d.raw", dir, cpu);
	f = fopen(path, "r");
	*len = 0;
	if (!f)
		return NULL;
	fclose(f);
	return kms_read_file(path, len);
}

#endif
