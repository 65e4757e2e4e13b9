// SPDX-License-Identifier: GPL-2.0
/*
 * kmemscope check: what this host allows, with evidence, and whether each
 * shipped recipe runs, runs degraded (to what) or cannot run (why).
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmd/cmd.h"
#include "cmd/cmdutil.h"
#include "tracefs/hostcheck.h"
#include "base/kms.h"
#include "tracefs/kprobe.h"
#include "recipe/recipe.h"

struct verdict {
	char	name[64];
	char	status[16];	/* runs, degraded, cannot */
	char	detail[320];
};

/* Every non-optional probe has a symbol this kernel offers. */
static const char *probes_missing(const struct kms_recipe *r, const struct kms_symtab *syms)
{
	static char why[256];
	int i;

	for (i = 0; i < r->nr_kprobes; i++) {
		if (!kms_kprobe_symbol(&r->kprobes[i], syms) && !r->kprobes[i].optional) {
			snprintf(why, sizeof(why), "kprobe %s: none of %s exists in this kernel",
				 r->kprobes[i].name, r->kprobes[i].symbols[0]);
			return why;
		}
	}
	return NULL;
}

/* Whether one recipe runs, runs degraded or cannot run here, and why. */
static void judge(const struct kms_hostcheck *h, const struct kms_symtab *syms,
		  const char *path, struct verdict *v)
{
	struct kms_recipe *r = kms_recipe_parse(path, kms_event_exists), *fb;
	const char *why;
	char *fpath;

	snprintf(v->status, sizeof(v->status), "cannot");
	if (!strcmp(h->lockdown, "confidentiality")) {
		snprintf(v->detail, sizeof(v->detail), "lockdown=confidentiality closes tracefs");
	} else if (!h->tracefs_ok) {
		snprintf(v->detail, sizeof(v->detail), "tracefs is not mounted or not writable");
	} else if (!r) {
		snprintf(v->detail, sizeof(v->detail), "%s", kms_strerror());
	} else if ((r->requires & KMS_REQ_PAGE_OWNER) && syms && (why = kms_page_owner_missing(syms))) {
		snprintf(v->detail, sizeof(v->detail), "%s", why);
	} else if (r->nr_kprobes && !h->kprobes_ok) {
		if (r->fallback) {
			fpath = kms_recipe_locate(r->fallback);
			fb = fpath ? kms_recipe_parse(fpath, kms_event_exists) : NULL;
			free(fpath);
			if (fb) {
				snprintf(v->status, sizeof(v->status), "degraded");
				snprintf(v->detail, sizeof(v->detail),
					 "no kprobe_events: runs the tracepoint recipe '%s' instead", r->fallback);
			} else {
				snprintf(v->detail, sizeof(v->detail),
					 "no kprobe_events, and its fallback '%s' cannot run: %s",
					 r->fallback, kms_strerror());
			}
			kms_recipe_free(fb);
		} else {
			snprintf(v->detail, sizeof(v->detail), "needs kprobe_events, which this kernel lacks");
		}
	} else if (r->nr_kprobes && syms && (why = probes_missing(r, syms))) {
		snprintf(v->detail, sizeof(v->detail), "%s", why);
	} else {
		snprintf(v->status, sizeof(v->status), "runs");
		snprintf(v->detail, sizeof(v->detail), "%d events, %d kprobes",
			 r->nr_events, r->nr_kprobes);
	}
	kms_recipe_free(r);
}

/* Shipped recipes: the first recipe directory's *.recipe files. */
static int judge_all(const struct kms_hostcheck *h, struct verdict **out)
{
	const char *const *dirs = kms_recipe_dirs();
	struct kms_symtab *syms = h->tracefs_ok ? kms_symtab_load() : NULL;
	struct dirent **ents;
	struct verdict *v = NULL;
	int i, n, nv = 0;
	char path[4096];

	if (!dirs || !dirs[0])
		return 0;
	n = scandir(dirs[0], &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		char *dot = strstr(ents[i]->d_name, ".recipe");

		if (dot && !dot[7]) {
			struct verdict *t = realloc(v, (nv + 1) * sizeof(*v));

			if (t) {
				v = t;
				snprintf(path, sizeof(path), "%s/%s", dirs[0], ents[i]->d_name);
				*dot = '\0';
				snprintf(v[nv].name, sizeof(v[nv].name), "%.63s", ents[i]->d_name);
				judge(h, syms, path, &v[nv]);
				nv++;
			}
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	kms_symtab_free(syms);
	*out = v;
	return nv;
}

/* 0 when the default recipe runs; the documented codes otherwise. */
static int exit_status(const struct kms_hostcheck *h, const struct verdict *v, int nv)
{
	int i;

	if (!strcmp(h->lockdown, "confidentiality"))
		return KMS_EXIT_LOCKDOWN;
	if (!h->tracefs_ok)
		return KMS_EXIT_NOTRACEFS;
	for (i = 0; i < nv; i++)
		if (!strcmp(v[i].name, "overview"))
			return strcmp(v[i].status, "cannot") ? KMS_EXIT_OK : KMS_EXIT_UNSUPPORTED;
	return KMS_EXIT_UNSUPPORTED;
}

/* The facts and the verdicts as two tables. */
static void print_text(const struct kms_hostcheck *h, const struct verdict *v, int nv)
{
	int i;

	printf("%-28s %-4s %-16s %s\n", "CHECK", "OK", "VALUE", "EVIDENCE");
	for (i = 0; i < h->n; i++) {
		const struct kms_fact *f = &h->facts[i];

		printf("%-28s %-4s %-16s %s\n", f->name, f->ok > 0 ? "yes" : f->ok == 0 ? "no" : "?",
		       f->value[0] ? f->value : "-", f->evidence);
	}
	if (!strcmp(h->lockdown, "confidentiality"))
		printf("\nlockdown=confidentiality closes tracefs: no kmemscope command can collect here\n");
	printf("\n%-16s %-9s %s\n", "RECIPE", "STATUS", "WHY");
	for (i = 0; i < nv; i++)
		printf("%-16s %-9s %s\n", v[i].name, v[i].status, v[i].detail);
}

/* The facts and the verdicts as one JSON object (kmemscope-json(5)). */
static int print_json(const struct kms_hostcheck *h, const struct verdict *v, int nv, int status)
{
	cJSON *doc = cJSON_CreateObject(), *facts, *recipes;
	char *s;
	int i;

	cJSON_AddNumberToObject(doc, "schema", 1);
	cJSON_AddStringToObject(doc, "lockdown", h->lockdown[0] ? h->lockdown : "unknown");
	facts = cJSON_AddObjectToObject(doc, "facts");
	for (i = 0; i < h->n; i++) {
		cJSON *f = cJSON_AddObjectToObject(facts, h->facts[i].name);

		if (h->facts[i].ok < 0)
			cJSON_AddNullToObject(f, "ok");
		else
			cJSON_AddBoolToObject(f, "ok", h->facts[i].ok);
		cJSON_AddStringToObject(f, "value", h->facts[i].value);
		cJSON_AddStringToObject(f, "evidence", h->facts[i].evidence);
	}
	recipes = cJSON_AddObjectToObject(doc, "recipes");
	for (i = 0; i < nv; i++) {
		cJSON *r = cJSON_AddObjectToObject(recipes, v[i].name);

		cJSON_AddStringToObject(r, "status", v[i].status);
		cJSON_AddStringToObject(r, "detail", v[i].detail);
	}
	cJSON_AddNumberToObject(doc, "exit_status", status);
	s = cJSON_Print(doc);
	if (s)
		puts(s);
	free(s);
	cJSON_Delete(doc);
	return s ? 0 : -1;
}

/* kmemscope check [--json]. */
static int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kms_hostcheck h;
	struct verdict *v = NULL;
	int opt, json = 0, nv, status;

	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return cmd_help(&cmd_check_entry);
		case 'J':
			json = 1;
			break;
		default:
			return cmd_option_error(&cmd_check_entry, opt, argv);
		}
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_check_entry, "unexpected argument '%s'", argv[optind]);
	if ((status = cmd_need_tracing(&cmd_check_entry)))
		return status;
	kms_hostcheck_run(&h);
	nv = judge_all(&h, &v);
	status = exit_status(&h, v, nv);
	if (json)
		print_json(&h, v, nv, status);
	else
		print_text(&h, v, nv);
	if (status == KMS_EXIT_LOCKDOWN)
		fprintf(stderr, "kmemscope: lockdown=confidentiality closes tracefs\n");
	free(v);
	return status;
}

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.summary = "what this host allows, and which recipes run, degrade or fail",
	.usage =
	"usage: kmemscope check [-h] [--json]\n"
	"\n"
	"Reports, each with its evidence: the lockdown level, tracefs and whether\n"
	"it is writable, kprobe_events, dynamic_events and uprobe_events, hist\n"
	"triggers, BTF, page_owner, kptr_restrict, whether the function tracer's\n"
	"files can be written, and the kmem and exceptions events with their\n"
	"notable fields; then, for every shipped recipe, whether it runs, runs\n"
	"degraded (and to what) or cannot run (and why).\n"
	"\n"
	"Exit status: 0 when the default recipe can run; 3 without a writable\n"
	"tracefs; 6 when the default recipe cannot run for another reason; 7\n"
	"under lockdown=confidentiality.\n"
	"\n"
	"  --json      the same as one JSON object\n"
	"  -h, --help  show this help\n",
	.exec = cmd_check,
};
