/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What this host allows a tracefs-only tool to do, each fact with its
 * evidence: lockdown, tracefs, dynamic probes, hist triggers, BTF,
 * page_owner, kptr_restrict, the function tracer, the kmem and exceptions
 * events and their fields, and how the ring buffer is read (mmap or
 * splice). Only reads: the one write test creates and removes an empty
 * instance, whose cpu0 buffer is mapped on the way.
 */
#ifndef KMS_HOSTCHECK_H
#define KMS_HOSTCHECK_H

/* One fact: a name, whether it holds, and why we think so. */
struct kms_fact {
	const char	*name;
	int		ok;		/* 1 yes, 0 no, -1 unknown */
	char		value[64];	/* short value, e.g. "integrity" */
	char		evidence[256];
};

#define KMS_MAX_FACTS 40

struct kms_hostcheck {
	struct kms_fact	facts[KMS_MAX_FACTS];
	int		n;
	char		lockdown[32];	/* "none", "integrity", "confidentiality", "" */
	int		tracefs_ok;	/* mounted and writable */
	int		kprobes_ok;
};

/* Gather every fact. Never fails: unknowns are facts too. */
void kms_hostcheck_run(struct kms_hostcheck *h);
/* A fact by name, or NULL. */
const struct kms_fact *kms_hostcheck_fact(const struct kms_hostcheck *h, const char *name);

/*
 * Is SYS:NAME an event of the running kernel? The form recipe parsing
 * takes as its known_event callback (kms_recipe_parse()).
 */
int kms_event_exists(const char *sys, const char *name);

/*
 * The kernel's lockdown level from /sys/kernel/security/lockdown, mounting
 * securityfs read-only for the read (and unmounting it) where needed.
 * Fills buf with "none", "integrity" or "confidentiality"; returns -1 with
 * the reason when it cannot tell.
 */
int kms_lockdown_level(char *buf, size_t len);

#endif
