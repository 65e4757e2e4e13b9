// SPDX-License-Identifier: GPL-2.0
/*
 * The process table and the scope: fork, exec and exit events name every
 * process (the comm at exec, or at exit, wins over the saved cmdlines) and
 * carry the traced tree down to each child; "kmemscope-scope" lines that
 * the live source writes into the buffer say whose tree is traced. With a
 * scope, events of processes outside it are dropped and counted, whatever
 * the kernel's pid filter let through. A report-time selection (--pid,
 * --comm, --time) leaves out more, and counts what it left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/internal.h"
#include "base/kms.h"

static const char scope_tag[] = "kmemscope-scope ";

/* Put pid in the scope (a root, or a child of one). */
static int scope_add(struct kms_analysis *a, int pid)
{
	struct pi_val *p = kms_proc_seen(a, pid);

	if (!p)
		return -1;
	p->in_scope = 1;
	a->scope_active = true;
	return 0;
}

int kms_analysis_scope_add(struct kms_analysis *a, int pid, const char *kind)
{
	if (kind && !a->scope_kind[0])
		snprintf(a->scope_kind, sizeof(a->scope_kind), "%s", kind);
	if (a->nr_roots < KMS_SCOPE_ROOTS)
		a->roots[a->nr_roots] = pid;
	a->nr_roots++;
	return scope_add(a, pid) < 0 ? kms_error(KMS_ERR_NOMEM, "out of memory") : 0;
}

/* "kmemscope-scope command PID NAME", "... pid PID", "... cgroup PATH". */
static int scope_line(struct kms_analysis *a, const char *s, int len)
{
	char line[4200], word[16];
	int pid, n = 0;

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' ' || !s[len - 1]))
		len--;
	snprintf(line, sizeof(line), "%.*s", len, s);
	if (sscanf(line, "%15s %n", word, &n) != 1)
		return 0;
	if (!strcmp(word, "cgroup")) {
		snprintf(a->scope_cgroup, sizeof(a->scope_cgroup), "%s", line + n);
		snprintf(a->scope_kind, sizeof(a->scope_kind), "cgroup");
		a->scope_active = true;
		return 0;
	}
	if ((strcmp(word, "command") && strcmp(word, "pid")) || sscanf(line + n, "%d", &pid) != 1 ||
	    pid <= 0)
		return 0;
	if (!a->scope_cgroup[0] || strcmp(word, "pid"))
		return kms_analysis_scope_add(a, pid, word);
	/* a thread that joined the cgroup: in scope, but not a root to name */
	return scope_add(a, pid) < 0 ? kms_error(KMS_ERR_NOMEM, "out of memory") : 0;
}

int kms_print_add(struct kms_analysis *a, const struct kms_ev *ev)
{
	int n = (int)sizeof(scope_tag) - 1, ret;

	if (ev->buf && ev->buf_len > n && !memcmp(ev->buf, scope_tag, n))
		return scope_line(a, ev->buf + n, ev->buf_len - n);
	ret = kms_rmaps_print(a, ev->buf, ev->buf_len);
	return ret <= 0 ? ret : kms_snapshot_add(a, ev);
}

/* Name a process from a process event: the latest such name wins. */
static int name_proc(struct kms_analysis *a, struct pi_val *p, const struct kms_ev *ev)
{
	int64_t id;

	if (!ev->comm || ev->comm_len <= 0)
		return 0;
	id = kms_intern(&a->strs, ev->comm, ev->comm_len);
	if (id < 0)
		return -1;
	p->comm = id;
	p->named = 1;
	return 0;
}

int kms_process_add(struct kms_analysis *a, const struct kms_ev *ev)
{
	struct pi_val *parent, *p;
	int in_scope = 0;

	if (ev->type == KMS_EV_FORK) {
		parent = kms_proc_seen(a, ev->ppid);
		if (!parent)
			return -1;
		in_scope = parent->in_scope;
	}
	/* Bounded (live runs): past max_procs only the traced tree gets entries. */
	if (a->max_procs && a->procs.len >= a->max_procs && !in_scope) {
		int32_t pid = ev->tpid;

		if (!kms_hmap_find(&a->procs, &pid)) {
			if (ev->type == KMS_EV_FORK)
				a->folded_procs++;
			return 0;
		}
	}
	p = kms_proc_seen(a, ev->tpid);
	if (!p)
		return -1;
	if (in_scope)
		p->in_scope = 1;
	if (ev->ts > a->proc_ts)
		a->proc_ts = ev->ts;
	/* an exit is remembered until fold.c forgets the process; a reused pid lives again */
	if ((ev->type == KMS_EV_EXIT) != p->exited) {
		p->exited = ev->type == KMS_EV_EXIT;
		a->nr_exited += p->exited ? 1 : -1;
	}
	if (p->exited)
		p->exit_ts = ev->ts;
	if (ev->type == KMS_EV_EXEC)
		kms_rmaps_exec(a, ev->tpid);
	/* A fork names the child after its parent; exec and exit name it for real. */
	if (ev->type != KMS_EV_FORK || !p->named)
		return name_proc(a, p, ev);
	return 0;
}

void kms_analysis_scope(const struct kms_analysis *a, struct kms_scope_info *si)
{
	memset(si, 0, sizeof(*si));
	si->active = a->scope_active;
	si->kind = a->scope_kind[0] ? a->scope_kind : NULL;
	si->cgroup = a->scope_cgroup[0] ? a->scope_cgroup : NULL;
	si->roots = a->roots;
	si->nr_roots = a->nr_roots < KMS_SCOPE_ROOTS ? a->nr_roots : KMS_SCOPE_ROOTS;
	si->foreign = a->foreign;
}

int kms_analysis_select(struct kms_analysis *a, const struct kms_select *sel)
{
	int i;

	free(a->sel_pids);
	free(a->sel_comms);
	a->sel_pids = NULL;
	a->sel_comms = NULL;
	a->nr_sel_pids = a->nr_sel_comms = 0;
	if (sel->nr_pids) {
		a->sel_pids = malloc(sel->nr_pids * sizeof(*a->sel_pids));
		if (!a->sel_pids)
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		memcpy(a->sel_pids, sel->pids, sel->nr_pids * sizeof(*a->sel_pids));
		a->nr_sel_pids = sel->nr_pids;
	}
	if (sel->nr_comms) {
		a->sel_comms = malloc(sel->nr_comms * sizeof(*a->sel_comms));
		if (!a->sel_comms)
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		/* names become string ids once: no string compare per event */
		for (i = 0; i < sel->nr_comms; i++) {
			a->sel_comms[i] = kms_intern_str(&a->strs, sel->comms[i]);
			if (a->sel_comms[i] < 0)
				return kms_error(KMS_ERR_NOMEM, "out of memory");
		}
		a->nr_sel_comms = sel->nr_comms;
	}
	a->sel_window = sel->window;
	a->sel_start = sel->start_ns;
	a->sel_end = sel->end_ns;
	a->selecting = a->nr_sel_pids || a->nr_sel_comms || a->sel_window;
	return 0;
}

void kms_analysis_origin(struct kms_analysis *a, unsigned long long ts)
{
	a->origin = ts;
	a->have_origin = true;
}

unsigned long long kms_analysis_unselected(const struct kms_analysis *a)
{
	return a->unselected;
}

bool kms_selected(struct kms_analysis *a, const struct kms_ev *ev)
{
	struct pi_val *p;
	int i;

	if (!a->have_origin)
		kms_analysis_origin(a, ev->ts);
	if (a->sel_window && (ev->ts < a->origin + a->sel_start ||
			      ev->ts - a->origin >= a->sel_end))
		return false;
	if (a->nr_sel_pids) {
		for (i = 0; i < a->nr_sel_pids; i++)
			if (a->sel_pids[i] == ev->pid)
				break;
		if (i == a->nr_sel_pids)
			return false;
	}
	if (a->nr_sel_comms) {
		p = kms_proc_seen(a, ev->pid);
		for (i = 0; p && i < a->nr_sel_comms; i++)
			if (a->sel_comms[i] == p->comm)
				break;
		if (!p || i == a->nr_sel_comms)
			return false;
	}
	return true;
}
