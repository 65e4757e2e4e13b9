// SPDX-License-Identifier: GPL-2.0
/*
 * report --pprof: the allocation stacks as a gzipped profile.proto (the
 * pprof project's format, src/cmd/profile.proto) with the heap profile's
 * sample types alloc_objects, alloc_space, inuse_objects and inuse_space,
 * for go tool pprof, Pyroscope and Parca. Built only with protobuf-c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "analyse/analyse.h"
#include "base/hmap.h"
#include "base/kms.h"
#include "cmd/stackout.h"
#include "profile.pb-c.h"

typedef Perftools__Profiles__Profile Profile;
typedef Perftools__Profiles__Sample Sample;
typedef Perftools__Profiles__Location Location;
typedef Perftools__Profiles__Function Function;
typedef Perftools__Profiles__Line Line;
typedef Perftools__Profiles__ValueType ValueType;

/* The profile being built: its strings and functions by name. */
struct pp {
	const struct stack_opts	*o;
	struct kms_hmap		strs;		/* const char * -> int64 string index */
	char			**str;
	size_t			nstr, capstr;
	Sample			**samples;
	size_t			ns, caps;
	Function		**funcs;	/* function i + 1 and location i + 1 share a name */
	Location		**locs;
	size_t			nf, capf, nl, capl;
	struct kms_hmap		fids;		/* string index -> u64 function id */
};

/* Grow an array of pointers by one. */
static int push(void ***arr, size_t *n, size_t *cap, void *p)
{
	if (*n == *cap) {
		void **m = realloc(*arr, (*cap = *cap ? *cap * 2 : 64) * sizeof(*m));

		if (!m)
			return -1;
		*arr = m;
	}
	(*arr)[(*n)++] = p;
	return 0;
}

/* The string table index of s (the strings live as long as the analysis). */
static int64_t str_index(struct pp *p, const char *s)
{
	int64_t *v;
	int added;

	v = kms_hmap_get(&p->strs, &s, &added);
	if (!v)
		return -1;
	if (added) {
		*v = p->nstr;
		if (push((void ***)&p->str, &p->nstr, &p->capstr, (void *)s))
			return -1;
	}
	return *v;
}

/* The function (and location) id of a frame name. */
static uint64_t func_id(struct pp *p, const char *name)
{
	int64_t si = str_index(p, name);
	uint64_t *id;
	Function *f;
	Location *l;
	Line *ln, **lines;
	int added;

	if (si < 0 || !(id = kms_hmap_get(&p->fids, &si, &added)))
		return 0;
	if (!added)
		return *id;
	f = calloc(1, sizeof(*f));
	l = calloc(1, sizeof(*l));
	ln = calloc(1, sizeof(*ln));
	lines = calloc(1, sizeof(*lines));
	if (!f || !l || !ln || !lines)
		goto nomem;
	perftools__profiles__function__init(f);
	perftools__profiles__location__init(l);
	perftools__profiles__line__init(ln);
	f->id = l->id = ln->function_id = p->nf + 1;
	f->name = f->system_name = si;
	lines[0] = ln;
	l->line = lines;
	l->n_line = 1;
	if (push((void ***)&p->funcs, &p->nf, &p->capf, f))
		goto nomem;
	if (push((void ***)&p->locs, &p->nl, &p->capl, l)) {
		p->nf--;
		goto nomem;
	}
	*id = f->id;
	return *id;
nomem:
	free(f);
	free(l);
	free(ln);
	free(lines);
	kms_hmap_del(&p->fids, &si);
	return 0;
}

/* One allocation stack as a sample: leaf first, four values. */
static int add_sample(const struct kms_stack_sample *s, void *ctx)
{
	struct pp *p = ctx;
	Sample *sm;
	int i;

	if (s->kind == KMS_STACK_FAULTS || (!s->objects && !s->inuse_objects))
		return 0;
	sm = calloc(1, sizeof(*sm));
	if (!sm)
		return -1;
	perftools__profiles__sample__init(sm);
	sm->location_id = calloc(s->nr ? s->nr : 1, sizeof(uint64_t));
	sm->value = calloc(4, sizeof(int64_t));
	if (!sm->location_id || !sm->value || push((void ***)&p->samples, &p->ns, &p->caps, sm)) {
		free(sm->location_id);
		free(sm->value);
		free(sm);
		return -1;
	}
	for (i = 0; i < s->nr; i++)
		if (!(sm->location_id[i] = func_id(p, s->frames[i])))
			return -1;
	if (!s->nr && !(sm->location_id[0] = func_id(p, "[no frames]")))
		return -1;
	sm->n_location_id = s->nr ? s->nr : 1;
	sm->value[0] = s->objects;
	sm->value[1] = s->bytes;
	sm->value[2] = s->inuse_objects;
	sm->value[3] = s->inuse_bytes;
	sm->n_value = 4;
	return 0;
}

/* Free what the profile owns (the strings are the analysis's). */
static void pp_free(struct pp *p)
{
	size_t i;

	for (i = 0; i < p->ns; i++) {
		free(p->samples[i]->location_id);
		free(p->samples[i]->value);
		free(p->samples[i]);
	}
	for (i = 0; i < p->nf; i++)
		free(p->funcs[i]);
	for (i = 0; i < p->nl; i++) {
		free(p->locs[i]->line[0]);
		free(p->locs[i]->line);
		free(p->locs[i]);
	}
	free(p->samples);
	free(p->funcs);
	free(p->locs);
	free(p->str);
	kms_hmap_free(&p->strs);
	kms_hmap_free(&p->fids);
}

/* Pack the profile and write it gzipped. */
static int write_gz(const Profile *prof, const char *path)
{
	size_t len = perftools__profiles__profile__get_packed_size(prof);
	uint8_t *buf = malloc(len ? len : 1);
	gzFile gz;
	int ret = 0;

	if (!buf)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	perftools__profiles__profile__pack(prof, buf);
	gz = gzopen(path, "wb");
	if (!gz) {
		free(buf);
		return kms_error(KMS_ERR_OUTPUT, "cannot write %s: %s", path, strerror(errno));
	}
	if (len && gzwrite(gz, buf, len) != (int)len)
		ret = kms_error(KMS_ERR_OUTPUT, "write error on %s", path);
	if (gzclose(gz) != Z_OK && !ret)
		ret = kms_error(KMS_ERR_OUTPUT, "write error on %s", path);
	free(buf);
	return ret;
}

int cmd_pprof_write(struct kms_analysis *a, const char *path, const struct stack_opts *o)
{
	static const char *const types[4][2] = {
		{ "alloc_objects", "count" }, { "alloc_space", "bytes" },
		{ "inuse_objects", "count" }, { "inuse_space", "bytes" },
	};
	Profile prof = PERFTOOLS__PROFILES__PROFILE__INIT;
	ValueType vt[5], *vts[4];
	struct pp p = { .o = o };
	int i, ret;

	if (kms_hmap_init(&p.strs, sizeof(char *), 8) || kms_hmap_init(&p.fids, 8, 8) ||
	    str_index(&p, "") != 0)
		goto out;
	for (i = 0; i < 5; i++)
		perftools__profiles__value_type__init(&vt[i]);
	for (i = 0; i < 4; i++) {
		vt[i].type = str_index(&p, types[i][0]);
		vt[i].unit = str_index(&p, types[i][1]);
		vts[i] = &vt[i];
	}
	vt[4].type = vt[1].type;
	vt[4].unit = vt[1].unit;
	if (kms_analysis_stacks(a, add_sample, &p))
		goto out;
	prof.n_sample_type = 4;
	prof.sample_type = vts;
	prof.n_sample = p.ns;
	prof.sample = p.samples;
	prof.n_location = p.nl;
	prof.location = p.locs;
	prof.n_function = p.nf;
	prof.function = p.funcs;
	prof.n_string_table = p.nstr;
	prof.string_table = p.str;
	prof.period_type = &vt[4];
	prof.period = 1;
	prof.default_sample_type = vt[o->inuse ? 3 : 1].type;
	ret = write_gz(&prof, path);
	pp_free(&p);
	return ret;
out:
	pp_free(&p);
	return kms_error(KMS_ERR_NOMEM, "out of memory");
}
