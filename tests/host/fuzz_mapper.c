// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the fuzz input is the stream of choices of
 * tlbf_model_step() (operation, address, length, flags, physical address,
 * unmap_parents, how the request is consumed). Every step is checked
 * against the reference model (result, request, byte-identical tables on
 * failure) and the full structure (walk of the real tables vs the model,
 * pool counts) is checked after every step. The first input byte picks
 * the pool size so that exhaustion is reached often. At the end the mapper
 * is destroyed and every frame must be back.
 */
#include "shim/shim_kernel.h"
#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"
#include "../common/mapper_model.h"

#define CAP_ENTS	8192
#define CAP_TBLS	1024

static struct tlbf_model_ent ents[CAP_ENTS];
static phys_addr_t scratch[CAP_ENTS];
static struct tlbf_model_tbl tbls[CAP_TBLS];

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct tlbf_model md = {
		.ents = ents, .scratch = scratch, .cap_ents = CAP_ENTS,
		.tbls = tbls, .cap_tbls = CAP_TBLS, .check_every = 1,
	};
	struct tlbf_pool *pool;
	unsigned long frames;

	if (!size)
		return 0;
	shim_quiet = true;
	frames = 4 + data[0] % 200;
	md.data = data + 1;
	md.len = size - 1;
	pool = tlbf_pool_create(frames);
	if (IS_ERR(pool))
		abort();
	md.pool = pool;
	md.m = tlbf_mapper_create(pool);
	if (IS_ERR(md.m))
		abort();
	while (!md.exhausted && md.ops < 4096) {
		if (tlbf_model_step(&md)) {
			fprintf(stderr, "MISMATCH at step %lu: %s\n", md.ops,
				md.why);
			abort();
		}
	}
	if (tlbf_model_check(&md)) {
		fprintf(stderr, "MISMATCH at the end: %s\n", md.why);
		abort();
	}
	tlbf_mapper_destroy(md.m);
	tlbf_pool_quiesce();
	if (tlbf_pool_frames_in_use(pool)) {
		fprintf(stderr, "LEAK: %lu frames in use after destroy\n",
			tlbf_pool_frames_in_use(pool));
		abort();
	}
	if (shim_warn_count) {
		fprintf(stderr, "WARN raised\n");
		abort();
	}
	tlbf_pool_destroy(pool);
	return 0;
}
