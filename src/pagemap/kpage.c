// SPDX-License-Identifier: GPL-2.0
/*
 * PFN lookups in /proc/kpageflags, /proc/kpagecount and /proc/kpagecgroup
 * (64-bit entries indexed by PFN), in windows of sorted PFNs, and the
 * memory cgroup path of a kpagecgroup inode.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "base/kms.h"
#include "pagemap/kpage.h"

/* At most this many entries per pread (512 KiB). */
#define KPAGE_WINDOW	65536
/* PFNs this close together share a window: reading the gap is cheaper. */
#define KPAGE_GAP	256

/* Sort order of PFNs. */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* pread until len bytes, EOF or an error; returns the bytes read or -1. */
static ssize_t pread_full(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = pread(fd, (char *)buf + done, len - done, off + done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		done += r;
	}
	return done;
}

/*
 * Fill out[i] with the entry of pfn[i] (sorted, unique) from fd: one
 * pread per window; entries past the end of the file get missing.
 */
static int read_windows(int fd, const char *path, const uint64_t *pfn, size_t n,
			uint64_t *out, uint64_t missing, uint64_t *buf, unsigned long *reads)
{
	size_t i = 0, j, k;

	while (i < n) {
		uint64_t first = pfn[i], len;
		ssize_t r;
		size_t got;

		for (j = i + 1; j < n && pfn[j] - first < KPAGE_WINDOW &&
		     pfn[j] - pfn[j - 1] <= KPAGE_GAP; j++)
			;
		len = pfn[j - 1] - first + 1;
		if (first > (uint64_t)INT64_MAX / 8 - KPAGE_WINDOW)
			r = 0;
		else
			r = pread_full(fd, buf, len * 8, (off_t)(first * 8));
		(*reads)++;
		if (r < 0)
			return kms_error(KMS_ERR_FAIL, "%s: %s", path, strerror(errno));
		got = r / 8;
		for (k = i; k < j; k++)
			out[k] = pfn[k] - first < got ? buf[pfn[k] - first] : missing;
		i = j;
	}
	return 0;
}

/* Open a kpage file; -1 after kms_error() with *err set. */
static int open_kpage(const char *procdir, const char *name, char *path, size_t len, int *err)
{
	int fd;

	snprintf(path, len, "%s/%s", procdir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = errno;
		kms_error(KMS_ERR_FAIL, "cannot open %s: %s", path, strerror(errno));
	}
	return fd;
}

int kms_kpage_load(struct kms_kpage *kp, const char *procdir, const uint64_t *pfns,
		   size_t n, int *err)
{
	char path[4096], cpath[4096];
	int ffd = -1, cfd = -1, gfd = -1, ret = -1;
	uint64_t *buf = NULL;
	size_t i, u;

	memset(kp, 0, sizeof(*kp));
	ffd = open_kpage(procdir, "kpageflags", path, sizeof(path), err);
	if (ffd < 0)
		return -1;
	cfd = open_kpage(procdir, "kpagecount", cpath, sizeof(cpath), err);
	if (cfd < 0)
		goto out;
	kp->pfn = malloc((n ? n : 1) * sizeof(*kp->pfn));
	buf = malloc(KPAGE_WINDOW * sizeof(*buf));
	if (!kp->pfn || !buf)
		goto nomem;
	if (n) {	/* (pfns is NULL for a process with no present page) */
		memcpy(kp->pfn, pfns, n * sizeof(*pfns));
		qsort(kp->pfn, n, sizeof(*kp->pfn), cmp_u64);
	}
	for (i = 0, u = 0; i < n; i++)
		if (!u || kp->pfn[i] != kp->pfn[u - 1])
			kp->pfn[u++] = kp->pfn[i];
	kp->n = u;
	kp->flags = malloc((u ? u : 1) * sizeof(uint64_t));
	kp->count = malloc((u ? u : 1) * sizeof(uint64_t));
	if (!kp->flags || !kp->count)
		goto nomem;
	*err = EIO;
	if (read_windows(ffd, path, kp->pfn, u, kp->flags, 1ULL << KMS_KPF_NOPAGE, buf, &kp->reads) ||
	    read_windows(cfd, cpath, kp->pfn, u, kp->count, 0, buf, &kp->reads))
		goto out;
	/* kpagecgroup exists only with CONFIG_MEMCG: its absence is no error. */
	gfd = open_kpage(procdir, "kpagecgroup", path, sizeof(path), err);
	if (gfd >= 0) {
		kp->cgroup = malloc((u ? u : 1) * sizeof(uint64_t));
		if (!kp->cgroup)
			goto nomem;
		if (read_windows(gfd, path, kp->pfn, u, kp->cgroup, 0, buf, &kp->reads))
			goto out;
	}
	ret = 0;
	goto out;
nomem:
	*err = ENOMEM;
	kms_error(KMS_ERR_NOMEM, "out of memory");
out:
	if (ret)
		kms_kpage_free(kp);
	free(buf);
	if (gfd >= 0)
		close(gfd);
	if (cfd >= 0)
		close(cfd);
	close(ffd);
	return ret;
}

long kms_kpage_find(const struct kms_kpage *kp, uint64_t pfn)
{
	size_t lo = 0, hi = kp->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (kp->pfn[mid] < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < kp->n && kp->pfn[lo] == pfn ? (long)lo : -1;
}

void kms_kpage_account(struct kms_pm_counts *c, const struct kms_kpage *kp, long i)
{
	uint64_t f = kp->flags[i], cnt = kp->count[i];

	while (f) {
		int bit = __builtin_ctzll(f);

		if (bit < KMS_KPF_NR)
			c->flags[bit]++;
		f &= f - 1;
	}
	if (cnt == 1)
		c->uss++;
	if (cnt >= 1)
		c->pss += 1.0 / cnt;
}

void kms_kpage_free(struct kms_kpage *kp)
{
	free(kp->pfn);
	free(kp->flags);
	free(kp->count);
	free(kp->cgroup);
	memset(kp, 0, sizeof(*kp));
}

/* nftw() has no context argument: the search state of this thread. */
static __thread uint64_t want_ino;
static __thread char *found_path;
static __thread size_t found_len, root_len;

/* nftw callback: stop at the directory whose inode is want_ino. */
static int match_ino(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (type != FTW_D || st->st_ino != want_ino)
		return 0;
	snprintf(found_path, found_len, "%s", path[root_len] ? path + root_len : "/");
	return 1;
}

int kms_memcg_path(uint64_t ino, char *buf, size_t len)
{
	char line[4096], dev[256], dir[1024], type[64], opts[1024];
	int found = 0;
	FILE *f;

	f = fopen("/proc/self/mounts", "re");
	if (!f)
		return kms_error(KMS_ERR_FAIL, "/proc/self/mounts: %s", strerror(errno));
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %1023s %63s %1023s", dev, dir, type, opts) != 4)
			continue;
		if (strcmp(type, "cgroup2") &&
		    !(strcmp(type, "cgroup") == 0 && strstr(opts, "memory")))
			continue;
		want_ino = ino;
		found_path = buf;
		found_len = len;
		root_len = strlen(dir);
		found = nftw(dir, match_ino, 32, FTW_PHYS | FTW_MOUNT) == 1;
	}
	fclose(f);
	return found ? 0 : kms_error(KMS_ERR_FAIL, "no memory cgroup has inode %llu", (unsigned long long)ino);
}
