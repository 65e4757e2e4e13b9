// SPDX-License-Identifier: GPL-2.0
/*
 * What the in-place path (mmfile.c) gives libtracecmd and libtraceevent of
 * a file besides its data: the headers up to the CPU table in a memfd
 * (no kallsyms, cmdlines or data), the kallsyms and saved cmdlines when
 * asked for, and comms by pid read from the saved cmdlines directly.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <trace-cmd/trace-cmd.h>

#include "base/kms.h"
#include "source/mmfile.h"
#include "source/mmfile-int.h"

/* Write all of buf to fd. */
static int put(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * The headers for libtracecmd, in a memfd: the file up to its CPU table,
 * with no kallsyms (kms_mmfile_kallsyms() loads them when a table needs
 * symbols) and no data (this path reads it).
 */
struct tracecmd_input *kms_mmfile_tracecmd(struct kms_mmfile *m, int tc_flags)
{
	struct tracecmd_input *h;
	uint32_t zero = 0;
	uint64_t zero8 = 0;
	size_t after = m->ks_pos + 4 + m->ks_size, cm_after = m->cm_pos + 8 + m->cm_size;
	void *cpus = calloc(m->ncpus, 16);
	int fd = memfd_create("kmemscope-headers", MFD_CLOEXEC);

	/* without kallsyms and saved cmdlines: each is read when asked for */
	if (fd < 0 || !cpus || put(fd, m->map, m->ks_pos) || put(fd, &zero, 4) ||
	    put(fd, m->map + after, m->cm_pos - after) || put(fd, &zero8, 8) ||
	    put(fd, m->map + cm_after, m->table_pos - cm_after) || put(fd, cpus, m->ncpus * 16) ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		free(cpus);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	free(cpus);
	h = tracecmd_open_fd(fd, tc_flags);
	if (!h)
		close(fd);
	return h;
}

/* A copy of size bytes of the map at pos, ended by a NUL; NULL when out of memory. */
static char *section_copy(const struct kms_mmfile *m, size_t pos, uint64_t size)
{
	char *text = size < SIZE_MAX ? malloc(size + 1) : NULL;

	if (!text)
		return NULL;
	memcpy(text, m->map + pos, size);
	text[size] = '\0';
	return text;
}

/* Parse the file's kallsyms into tep, once. */
int kms_mmfile_kallsyms(struct kms_mmfile *m, struct tep_handle *tep)
{
	char *text;

	if (m->ks_loaded || !m->ks_size)
		return 0;
	text = section_copy(m, m->ks_pos + 4, m->ks_size);
	if (!text)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	m->ks_loaded = true;
	if (tep_parse_kallsyms(tep, text) < 0) {
		free(text);
		return kms_error(KMS_ERR_NOMEM, "%s: cannot load its kallsyms", m->path);
	}
	free(text);
	return 0;
}

/* The saved cmdlines parsed into tep (once), as libtracecmd parses them at open. */
int kms_mmfile_cmdlines(struct kms_mmfile *m, struct tep_handle *tep)
{
	char *text;

	if (m->cm_tep || !m->cm_size)
		return 0;
	m->cm_tep = true;
	text = section_copy(m, m->cm_pos + 8, m->cm_size);
	if (!text)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	tep_parse_saved_cmdlines(tep, text);	/* a bad line ends it, as at open */
	free(text);
	return 0;
}

/* A saved cmdline: its pid and where its comm starts. */
struct mm_comm { int32_t pid; uint32_t off; };

/*
 * Sort the lines into libtraceevent's order: by pid, and of one pid the
 * later line first (its list takes each line at its head, then a stable
 * sort by pid: glibc's qsort is a merge sort). A stable radix sort of the lines taken last first, ten
 * bits of the pid (at most nine digits, under 2^30) a pass.
 */
static int comms_sort(struct kms_mmfile *m)
{
	uint32_t n = m->nr_comms, i, cnt[1024], sum, c;
	struct mm_comm *a = malloc(n * sizeof(*a)), *b = m->comms, *t;
	int shift;

	if (!a)
		return -1;
	for (i = 0; i < n; i++)
		a[i] = b[n - 1 - i];
	for (shift = 0; shift < 30; shift += 10) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[(a[i].pid >> shift) & 1023]++;
		for (i = 0, sum = 0; i < 1024; i++) {
			c = cnt[i];
			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			b[cnt[(a[i].pid >> shift) & 1023]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	/* three passes: the sorted lines are in a, the old comms array */
	free(b);
	m->comms = a;
	return 0;
}

/*
 * Read the saved cmdlines into comms, sorted as libtraceevent sorts them,
 * so that kms_mmfile_comm() finds what its lookup would. Text it would read
 * otherwise (signs, spaces, a NUL, a line it stops at) is parsed by
 * libtraceevent instead; so is everything when out of memory.
 */
static void comms_read(struct kms_mmfile *m, struct tep_handle *tep)
{
	char *p, *end, *nl, *q;
	uint32_t cap = 0;
	int32_t pid;
	int n;

	m->cm_read = true;
	if (!m->cm_size || m->cm_tep)
		return;
	m->cm_text = m->cm_size < UINT32_MAX ? section_copy(m, m->cm_pos + 8, m->cm_size) : NULL;
	if (!m->cm_text)
		goto unfit;
	end = m->cm_text + m->cm_size;
	if (memchr(m->cm_text, '\0', m->cm_size))
		goto unfit;
	for (p = m->cm_text; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			nl = end;
		if (nl == p)
			continue;	/* an empty line, skipped as strtok skips it */
		for (q = p, pid = 0, n = 0; q < nl && *q >= '0' && *q <= '9' && n < 9; q++, n++)
			pid = pid * 10 + (*q - '0');
		if (!n || nl - q < 2 || q[0] != ' ' || q[1] == ' ' || (q[1] >= '\t' && q[1] <= '\r'))
			goto unfit;
		*nl = '\0';
		if (m->nr_comms == cap) {
			struct mm_comm *c;

			cap = cap ? 2 * cap : 256;
			c = realloc(m->comms, cap * sizeof(*c));
			if (!c)
				goto unfit;
			m->comms = c;
		}
		m->comms[m->nr_comms] = (struct mm_comm){ pid, q + 1 - m->cm_text };
		m->nr_comms++;
	}
	if (m->nr_comms && comms_sort(m))
		goto unfit;
	return;
unfit:
	free(m->comms);
	m->comms = NULL;
	m->nr_comms = 0;
	free(m->cm_text);
	m->cm_text = NULL;
	kms_mmfile_cmdlines(m, tep);
}

/* pid's comm from the saved cmdlines, or NULL: not there, pid 0, or tep has them. */
const char *kms_mmfile_comm(struct kms_mmfile *m, struct tep_handle *tep, int pid)
{
	uint32_t l = 0, u, i;

	if (!m->cm_read)
		comms_read(m, tep);
	if (m->cm_tep || !m->cm_text || !pid)
		return NULL;
	/* glibc's bsearch, step by step: of one pid's lines, the one it meets */
	u = m->nr_comms;
	while (l < u) {
		i = (l + u) / 2;
		if (pid < m->comms[i].pid)
			u = i;
		else if (pid > m->comms[i].pid)
			l = i + 1;
		else
			return m->cm_text + m->comms[i].off;
	}
	return NULL;
}
