// SPDX-License-Identifier: GPL-2.0
/*
 * Decode the raw sub-buffers of a fixture with kmemscope's page iterator
 * and field decoder, printing one canonical line per event:
 *   TS_NS PID EVENT field=value ... (fields sorted by name, decimal)
 * t0010-decode-fixture.sh compares this with `trace-cmd report -R -t`
 * of the same pages, converted to the same form.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "tracefs/subbuf.h"
#include "unit.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void print_ev(struct tep_handle *tep, const struct kms_ev *ev, const char *evname)
{
	char *tok[KMS_F__MAX];
	int n = 0, f, i;

	for (f = 0; f < KMS_F__MAX; f++) {
		char *t = NULL;

		if (!KMS_HAS(ev, f))
			continue;
		switch (f) {
		case KMS_F_PFN: asprintf(&t, "pfn=%llu", ev->pfn); break;
		case KMS_F_ORDER: asprintf(&t, "order=%u", ev->order); break;
		case KMS_F_GFP: asprintf(&t, "gfp_flags=%llu", ev->gfp); break;
		case KMS_F_MIGRATETYPE: asprintf(&t, "migratetype=%d", ev->migratetype); break;
		case KMS_F_CALL_SITE: asprintf(&t, "call_site=%llu", ev->call_site); break;
		case KMS_F_PTR: asprintf(&t, "ptr=%llu", ev->ptr); break;
		case KMS_F_BYTES_REQ: asprintf(&t, "bytes_req=%llu", ev->bytes_req); break;
		case KMS_F_BYTES_ALLOC: asprintf(&t, "bytes_alloc=%llu", ev->bytes_alloc); break;
		case KMS_F_NODE: asprintf(&t, "node=%d", ev->node); break;
		case KMS_F_ACCOUNTED: asprintf(&t, "accounted=%d", ev->accounted); break;
		case KMS_F_NAME: asprintf(&t, "name=%.*s", ev->name_len, ev->name ? ev->name : ""); break;
		case KMS_F_ADDRESS: asprintf(&t, "address=%llu", ev->address); break;
		case KMS_F_IP: asprintf(&t, "ip=%llu", ev->ip); break;
		case KMS_F_ERROR_CODE: asprintf(&t, "error_code=%llu", ev->error_code); break;
		case KMS_F_MM_ID: asprintf(&t, "mm_id=%u", ev->mm_id); break;
		case KMS_F_CURR: asprintf(&t, "curr=%u", ev->curr); break;
		case KMS_F_MEMBER: asprintf(&t, "member=%d", ev->member); break;
		case KMS_F_SIZE: asprintf(&t, "size=%lld", ev->size); break;
		}
		if (t)
			tok[n++] = t;
	}
	qsort(tok, n, sizeof(tok[0]), cmp_str);
	printf("%llu %d %s", ev->ts, ev->pid, evname);
	for (i = 0; i < n; i++) {
		printf(" %s", tok[i]);
		free(tok[i]);
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	int long_size, page_size, cpu, ncpus = argc > 2 ? atoi(argv[2]) : 2;
	struct kms_decoder *dec;
	struct tep_handle *tep;

	if (argc < 2) {
		fprintf(stderr, "usage: unit-decode FIXTURE_DIR [NCPUS]\n");
		return 2;
	}
	tep = unit_load_tep(argv[1], &long_size, &page_size);
	dec = kms_decoder_new(tep);
	if (!dec)
		return 99;
	for (cpu = 0; cpu < ncpus; cpu++) {
		size_t len, off;
		char *raw = unit_load_cpu(argv[1], cpu, &len);

		for (off = 0; raw && off + page_size <= len; off += page_size) {
			struct kms_subbuf sb;
			struct kms_subbuf_iter it;
			struct tep_record rec;
			const void *payload;
			unsigned int plen;
			unsigned long long ts;
			struct kms_ev ev;

			if (kms_subbuf_parse(raw + off, page_size, long_size, &sb, NULL)) {
				fprintf(stderr, "cpu%d page at %zu: %s\n", cpu, off, kms_strerror());
				return 1;
			}
			kms_subbuf_iter_init(&it, raw + off, long_size, &sb);
			while (kms_subbuf_next(&it, &payload, &plen, &ts) > 0) {
				memset(&rec, 0, sizeof(rec));
				rec.ts = ts;
				rec.cpu = cpu;
				rec.data = (void *)payload;
				rec.size = plen;
				if (kms_decode(dec, &rec, &ev)) {
					struct tep_event *e = tep_find_event_by_record(tep, &rec);

					print_ev(tep, &ev, e ? e->name : "?");
				}
			}
		}
		free(raw);
	}
	kms_decoder_free(dec);
	tep_free(tep);
	return 0;
}
