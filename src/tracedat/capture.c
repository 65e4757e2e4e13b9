// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the metadata of a session for the trace.dat writer. Only reads:
 * the top-level files used here (printk_formats, saved_cmdlines) are never
 * written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <event-parse.h>
#include <tracefs.h>

#include "tracedat/capture.h"
#include "base/kms.h"

/* Read an instance file (inst NULL: top level) into a blob. */
static int inst_blob(struct tracefs_instance *inst, const char *file,
		     struct kms_blob *b, int required)
{
	int len = 0;

	b->data = tracefs_instance_file_read(inst, file, &len);
	b->len = b->data ? len : 0;
	if (!b->data && required)
		return kms_error(KMS_ERR_FAIL, "cannot read tracefs file %s", file);
	return 0;
}

/* Formats of the enabled events. */
static int capture_formats(struct kms_session *s, struct kms_tracedat *td)
{
	int i, len;

	td->formats = calloc(s->nr_enabled ? s->nr_enabled : 1, sizeof(*td->formats));
	if (!td->formats)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	for (i = 0; i < s->nr_enabled; i++) {
		struct kms_format *f = &td->formats[i];
		char *slash;

		f->system = strdup(s->enabled[i]);
		if (!f->system)
			return kms_error(KMS_ERR_NOMEM, "out of memory");
		td->nr_formats++;
		slash = strchr(f->system, '/');
		*slash = '\0';
		f->name = strdup(slash + 1);
		f->text.data = tracefs_event_file_read(s->inst, f->system, f->name,
						       "format", &len);
		if (!f->name || !f->text.data)
			return kms_error(KMS_ERR_FAIL, "cannot read the format of %s", s->enabled[i]);
		f->text.len = len;
	}
	return 0;
}

/* saved_cmdlines, with the caller's own pid/comm pairs appended. */
static int capture_cmdlines(struct kms_tracedat *td, const char *extra)
{
	size_t elen = extra ? strlen(extra) : 0;
	char *tmp;

	inst_blob(NULL, "saved_cmdlines", &td->cmdlines, 0);
	if (!elen)
		return 0;
	tmp = realloc(td->cmdlines.data, td->cmdlines.len + elen + 1);
	if (!tmp)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	memcpy(tmp + td->cmdlines.len, extra, elen + 1);
	td->cmdlines.data = tmp;
	td->cmdlines.len += elen;
	return 0;
}

/* Collect everything but the CPU data. */
int kms_capture_metadata(struct kms_session *s, struct kms_tracedat *td,
			 const char *extra_cmdlines)
{
	struct utsname u;
	char *clock, *open, *close;

	td->page_size = s->subbuf_size;
	if (inst_blob(s->inst, "events/header_page", &td->header_page, 1) ||
	    inst_blob(s->inst, "events/header_event", &td->header_event, 1))
		return -1;
	if (capture_formats(s, td))
		return -1;
	/* ftrace formats: print when markers were written, kernel_stack for stacks */
	td->ftrace_formats = calloc(2, sizeof(*td->ftrace_formats));
	if (!td->ftrace_formats)
		return kms_error(KMS_ERR_NOMEM, "out of memory");
	if (s->markers) {
		if (inst_blob(s->inst, "events/ftrace/print/format", &td->ftrace_formats[0], 1))
			return -1;
		td->nr_ftrace = 1;
	}
	if (!inst_blob(s->inst, "events/ftrace/kernel_stack/format",
		       &td->ftrace_formats[td->nr_ftrace], 0) && td->ftrace_formats[td->nr_ftrace].data)
		td->nr_ftrace++;
	td->kallsyms.data = kms_read_file("/proc/kallsyms", &td->kallsyms.len);
	if (!td->kallsyms.data)
		td->kallsyms.len = 0;
	inst_blob(NULL, "printk_formats", &td->printk, 0);
	if (capture_cmdlines(td, extra_cmdlines))
		return -1;
	/* trace_clock reads "[local] global ..."; store the selected one. */
	clock = tracefs_instance_file_read(s->inst, "trace_clock", NULL);
	if (clock && (open = strchr(clock, '[')) && (close = strchr(open, ']'))) {
		close[1] = '\0';
		td->trace_clock.data = strdup(open);
		td->trace_clock.len = td->trace_clock.data ? strlen(open) : 0;
	}
	free(clock);
	if (!uname(&u) && asprintf(&td->uname.data, "%s %s %s %s %s", u.sysname,
				   u.nodename, u.release, u.version, u.machine) > 0)
		td->uname.len = strlen(td->uname.data);
	return 0;
}

/* Parse what the session enabled into a fresh tep handle. */
struct tep_handle *kms_capture_tep(struct kms_session *s, bool kallsyms)
{
	struct tep_handle *tep = tep_alloc();
	char *buf, *slash, sys[64];
	size_t klen;
	int i, len;

	if (!tep) {
		kms_error(KMS_ERR_NOMEM, "out of memory");
		return NULL;
	}
	if (kms_session_header_page(s, tep)) {
		tep_free(tep);
		return NULL;
	}
	buf = s->markers ? tracefs_instance_file_read(s->inst, "events/ftrace/print/format", &len) : NULL;
	if (buf)
		tep_parse_event(tep, buf, len, "ftrace");
	free(buf);
	buf = tracefs_instance_file_read(s->inst, "events/ftrace/kernel_stack/format", &len);
	if (buf)
		tep_parse_event(tep, buf, len, "ftrace");
	free(buf);
	for (i = 0; i < s->nr_enabled; i++) {
		slash = strchr(s->enabled[i], '/');
		snprintf(sys, sizeof(sys), "%.*s", (int)(slash - s->enabled[i]), s->enabled[i]);
		buf = tracefs_event_file_read(s->inst, sys, slash + 1, "format", &len);
		if (!buf || tep_parse_event(tep, buf, len, sys)) {
			free(buf);
			tep_free(tep);
			kms_error(KMS_ERR_FAIL, "cannot parse the format of %s", s->enabled[i]);
			return NULL;
		}
		free(buf);
	}
	buf = kallsyms ? kms_read_file("/proc/kallsyms", &klen) : NULL;
	if (buf)
		tep_parse_kallsyms(tep, buf);
	free(buf);
	return tep;
}
