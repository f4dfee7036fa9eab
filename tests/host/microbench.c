// SPDX-License-Identifier: GPL-2.0
/*
 * Host micro-benchmark (not a test): ns per map, translate and unmap of one
 * page with ptable.c + pgmapper.c compiled -O2 against the shim (no
 * sanitizers). The shim's locks are plain flags and its "invlpg" a counter,
 * so this measures the mapper's own work: walk, allocation (including
 * zeroing the 4 KiB data frame), bookkeeping. Best of REPS runs.
 */
#include <time.h>

#include "shim/shim_kernel.h"
#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"

#define NPAGES	(64 * 1024)	/* 256 MiB of VA, 128 page tables */
#define REPS	5
#define VA0	0x7f0000000000UL

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what, long err)
{
	fprintf(stderr, "microbench: %s failed: %ld\n", what, err);
	exit(1);
}

int main(void)
{
	double best[5] = { 1e30, 1e30, 1e30, 1e30, 1e30 };
	static const char *const names[5] = {
		"map (data frame alloc+zero, tables amortized)",
		"translate",
		"unmap + flush_local (no unmap_parents)",
		"map + unmap(unmap_parents) + flush_local, same page (tables alloc+free)",
		"map_range/unmap_range 512 pages, per page",
	};
	struct tlbf_pool *pool = tlbf_pool_create(NPAGES + 1024);
	struct tlbf_mapper *m;
	volatile u64 sink = 0;
	int r;

	if (IS_ERR(pool))
		die("pool", PTR_ERR(pool));
	m = tlbf_mapper_create(pool);
	if (IS_ERR(m))
		die("mapper", PTR_ERR(m));
	shim_quiet = true;
	for (r = 0; r < REPS; r++) {
		unsigned long i;
		double t0, t1;
		int ret;

		t0 = now_ns();
		for (i = 0; i < NPAGES; i++) {
			ret = tlbf_mapper_map(m, VA0 + i * PAGE_SIZE,
					      TLBF_PTE_RW | TLBF_PTE_NX);
			if (ret)
				die("map", ret);
		}
		t1 = now_ns();
		if ((t1 - t0) / NPAGES < best[0])
			best[0] = (t1 - t0) / NPAGES;

		t0 = now_ns();
		for (i = 0; i < NPAGES; i++) {
			phys_addr_t pa;

			ret = tlbf_mapper_translate(m, VA0 + i * PAGE_SIZE, &pa, NULL);
			if (ret)
				die("translate", ret);
			sink += pa;
		}
		t1 = now_ns();
		if ((t1 - t0) / NPAGES < best[1])
			best[1] = (t1 - t0) / NPAGES;

		t0 = now_ns();
		for (i = 0; i < NPAGES; i++) {
			TLBF_FLUSH_REQ(req);

			ret = tlbf_mapper_unmap(m, VA0 + i * PAGE_SIZE, false, &req);
			if (ret)
				die("unmap", ret);
			tlbf_req_flush_local(&req);
		}
		t1 = now_ns();
		if ((t1 - t0) / NPAGES < best[2])
			best[2] = (t1 - t0) / NPAGES;
		rcu_barrier();	/* frames back to the pool (not timed) */

		t0 = now_ns();
		for (i = 0; i < NPAGES / 16; i++) {
			TLBF_FLUSH_REQ(req);

			ret = tlbf_mapper_map(m, 0x1000, TLBF_PTE_RW);
			if (ret)
				die("map", ret);
			ret = tlbf_mapper_unmap(m, 0x1000, true, &req);
			if (ret)
				die("unmap", ret);
			tlbf_req_flush_local(&req);
			rcu_barrier();	/* shim: runs the 4 queued frees */
		}
		t1 = now_ns();
		if ((t1 - t0) / (NPAGES / 16) < best[3])
			best[3] = (t1 - t0) / (NPAGES / 16);

		t0 = now_ns();
		for (i = 0; i < NPAGES / 512; i++) {
			TLBF_FLUSH_REQ(req);

			ret = tlbf_mapper_map_range(m, VA0, 512, TLBF_PTE_RW);
			if (ret)
				die("map_range", ret);
			ret = tlbf_mapper_unmap_range(m, VA0, 512, false, &req);
			if (ret)
				die("unmap_range", ret);
			tlbf_req_ignore(&req);
			rcu_barrier();
		}
		t1 = now_ns();
		if ((t1 - t0) / NPAGES < best[4])
			best[4] = (t1 - t0) / NPAGES;
	}
	printf("microbench: %d pages x %d runs, best run, ns per page (host, -O2, shim)\n",
	       NPAGES, REPS);
	for (r = 0; r < 5; r++)
		printf("  %-75s %8.1f ns\n", names[r], best[r]);
	tlbf_mapper_destroy(m);
	rcu_barrier();
	tlbf_pool_destroy(pool);
	return sink == 1;	/* keep translate's results alive */
}
