// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the recipe parser (recipe/recipe.c). The input is
 * written to a file, parsed with every well-formed event name accepted,
 * and each kprobe argument is run through kms_kprobe_arg_applies().
 */
#include <stdlib.h>

#include "base/kms.h"
#include "recipe/recipe.h"
#include "fuzz.h"

/* One input: parse it as a recipe and look at its probe arguments. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kms_recipe *r;
	const char *bare;
	char path[64];
	int fd, i, j;

	fd = fuzz_file(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	r = kms_recipe_parse(path, NULL);
	if (r) {
		for (i = 0; i < r->nr_kprobes; i++)
			for (j = 0; j < r->kprobes[i].nr_args; j++)
				kms_kprobe_arg_applies(r->kprobes[i].args[j], "x86_64", 6018, 1, &bare);
		kms_recipe_free(r);
	}
	close(fd);
	return 0;
}
