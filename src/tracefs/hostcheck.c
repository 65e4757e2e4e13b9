// SPDX-License-Identifier: GPL-2.0
/*
 * Host capability checks for kmemscope check.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <tracefs.h>

#include "tracefs/hostcheck.h"
#include "tracefs/stack.h"
#include "base/events.h"
#include "base/kms.h"
#include "tracefs/kprobe.h"
#include "tracefs/rbmap.h"

/* Append a fact with its evidence; NULL when the list is full. */
static struct kms_fact *add(struct kms_hostcheck *h, const char *name, int ok,
			    const char *value, const char *fmt, ...)
{
	struct kms_fact *f;
	va_list ap;

	if (h->n >= KMS_MAX_FACTS)
		return NULL;
	f = &h->facts[h->n++];
	f->name = name;
	f->ok = ok;
	snprintf(f->value, sizeof(f->value), "%s", value ? value : "");
	va_start(ap, fmt);
	vsnprintf(f->evidence, sizeof(f->evidence), fmt, ap);
	va_end(ap);
	return f;
}

/* A fact by name, or NULL. */
const struct kms_fact *kms_hostcheck_fact(const struct kms_hostcheck *h, const char *name)
{
	int i;

	for (i = 0; i < h->n; i++)
		if (!strcmp(h->facts[i].name, name))
			return &h->facts[i];
	return NULL;
}

/* The lockdown level from securityfs, mounting it for the read if needed. */
int kms_lockdown_level(char *buf, size_t len)
{
	const char *file = "/sys/kernel/security/lockdown";
	char *text, *open, *close;
	int mounted = 0;

	if (access(file, R_OK) < 0) {
		if (mount("securityfs", "/sys/kernel/security", "securityfs", MS_RDONLY, NULL) < 0)
			return kms_error(KMS_ERR_FAIL, "securityfs is not mounted and cannot be (%s)", strerror(errno));
		mounted = 1;
	}
	text = kms_read_file(file, NULL);
	if (mounted)
		umount("/sys/kernel/security");
	if (!text)
		return kms_error(KMS_ERR_FAIL, "no %s (lockdown LSM not built in, or kernel < 5.4)", file);
	open = strchr(text, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close) {
		free(text);
		return kms_error(KMS_ERR_FAIL, "cannot parse %s", file);
	}
	snprintf(buf, len, "%.*s", (int)(close - open - 1), open + 1);
	free(text);
	return 0;
}

/* Does the top-level tracefs have this file? */
static int tracefs_exists(const char *file)
{
	return tracefs_file_exists(NULL, file);
}

/* Is SYS:NAME an event of this kernel (events/SYS/NAME/enable exists)? */
int kms_event_exists(const char *sys, const char *name)
{
	return tracefs_event_file_exists(NULL, sys, name, "enable");
}

/* The events check reports (base/events.h) and their optional fields, from their formats. */
static void check_events(struct kms_hostcheck *h)
{
	char fields[64], pat[32];
	int i, j;

	for (i = 0; i < kms_nr_events; i++) {
		const struct kms_event_info *e = &kms_events[i];
		char *fmt;

		if (!(e->flags & KMS_EVF_CHECK))
			continue;
		fmt = tracefs_event_file_read(NULL, e->system, e->name, "format", NULL);
		fields[0] = '\0';
		for (j = 0; fmt && j < e->nr_check_fields; j++) {
			const char *f = kms_field_name(e->check_fields[j]);

			snprintf(pat, sizeof(pat), " %s;", f);
			if (strstr(fmt, pat))
				snprintf(fields + strlen(fields), sizeof(fields) - strlen(fields),
					 "%s%s", fields[0] ? "," : "", f);
		}
		add(h, e->full, fmt != NULL, fields, fmt ? "events/%s/%s/format%s%s" : "no events/%s/%s",
		    e->system, e->name, fields[0] ? " has " : "", fields);
		free(fmt);
	}
}

/* Gather every fact, in the order check prints them. */
void kms_hostcheck_run(struct kms_hostcheck *h)
{
	const char *dir;
	char level[32], *val, path[256];
	struct kms_symtab *syms;
	int fd, ok;

	memset(h, 0, sizeof(*h));
	if (kms_lockdown_level(level, sizeof(level)) == 0) {
		snprintf(h->lockdown, sizeof(h->lockdown), "%s", level);
		add(h, "lockdown", strcmp(level, "confidentiality") != 0, level,
		    "/sys/kernel/security/lockdown reads [%s]", level);
	} else {
		add(h, "lockdown", -1, "unknown", "%s", kms_strerror());
	}

	dir = tracefs_tracing_dir();
	add(h, "tracefs", dir != NULL, dir ? dir : "", dir ? "mounted at %s" :
	    "not mounted, and mounting it failed", dir);
	if (dir) {
		struct tracefs_instance *inst;

		snprintf(path, sizeof(path), "kmemscope-check-%d", (int)getpid());
		inst = tracefs_instance_create(path);
		ok = inst != NULL;
		add(h, "tracefs_writable", ok, ok ? "yes" : "no",
		    ok ? "created and removed instances/%s" : "cannot create instances/%s: %s",
		    path, strerror(errno));
		if (inst) {
			/* How record and top would read its ring buffer. */
			char why[200];
			const char *rb = kms_rbmap_probe(inst, why, sizeof(why));

			/* fine unless mmap is demanded and refused (record and top would fail) */
			add(h, "ring_buffer", !strcmp(rb, "mmap") || kms_read_path_wanted() != KMS_READ_MMAP,
			    rb, "%s", why);
			tracefs_instance_destroy(inst);
			tracefs_instance_free(inst);
		} else
			add(h, "ring_buffer", -1, "unknown", "no instance to map");
		h->tracefs_ok = ok;
	}
	h->kprobes_ok = dir && kms_kprobes_available();
	add(h, "kprobe_events", h->kprobes_ok, "", h->kprobes_ok ? "%s/kprobe_events exists" :
	    "no %s/kprobe_events (CONFIG_KPROBE_EVENTS=n or closed by lockdown)", dir ? dir : "tracefs");
	ok = dir && tracefs_exists("dynamic_events");
	add(h, "dynamic_events", ok, "", ok ? "exists" : "absent");
	ok = dir && tracefs_exists("uprobe_events");
	add(h, "uprobe_events", ok, "", ok ? "exists" : "absent");
	ok = dir && tracefs_file_exists(NULL, "events/kmem/kmalloc/hist");
	add(h, "hist_triggers", ok, "", ok ? "events/kmem/kmalloc/hist exists" :
	    "no events/*/hist (CONFIG_HIST_TRIGGERS=n)");
	if (dir) {	/* kernel stacks (tracefs/stack.c): triggers, else options/stacktrace */
		char how[160];
		enum kms_stack_how st = kms_stacks_available(how, sizeof(how));

		add(h, "kernel_stacks", st != KMS_STACKS_NONE, st == KMS_STACKS_TRIGGER ? "trigger" :
		    st == KMS_STACKS_OPTION ? "option" : "no", "%s", how);
	}
	ok = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	add(h, "btf", ok, "", ok ? "/sys/kernel/btf/vmlinux is readable" : "no /sys/kernel/btf/vmlinux");
	ok = h->kprobes_ok && kms_kprobes_btf();
	add(h, "kprobe_btf_args", ok, "", ok ? "tracefs README documents ->field access" :
	    "kprobe arguments by BTF name are not available");

	syms = kms_symtab_load();
	if (syms) {
		const char *why = kms_page_owner_missing(syms);

		add(h, "page_owner", why == NULL, why ? "off" : "on", "%s",
		    why ? why : "__set_page_owner exists and the kernel booted with page_owner=on");
		kms_symtab_free(syms);
	} else {
		add(h, "page_owner", -1, "unknown", "%s", kms_strerror());
	}

	val = kms_read_file("/proc/sys/kernel/kptr_restrict", NULL);
	if (val && strchr(val, '\n'))
		*strchr(val, '\n') = '\0';
	add(h, "kptr_restrict", val && !strcmp(val, "0") ? 1 : val ? (getuid() == 0 && !strcmp(val, "1")) : -1,
	    val ? val : "unknown", val && !strcmp(val, "2") ?
	    "/proc/kallsyms shows zeros: call sites print as addresses" :
	    "/proc/sys/kernel/kptr_restrict; symbols are readable by this user");
	free(val);

	if (dir) {
		snprintf(path, sizeof(path), "%s/set_ftrace_filter", dir);
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);	/* opened, never written */
		add(h, "function_tracer_writable", fd >= 0, fd >= 0 ? "yes" : "no",
		    fd >= 0 ? "%s opens for writing" : "opening %s for writing: %s (trace-cmd record fails here; kmemscope does not need it)",
		    path, strerror(errno));
		if (fd >= 0)
			close(fd);
		check_events(h);
	}
}
