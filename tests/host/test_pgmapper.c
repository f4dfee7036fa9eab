// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of pgmapper.c (M1-M5) on top of ptable.c, compiled with the
 * shim under ASan and UBSan, plus the randomized differential test against
 * the reference model of mapper_model.h.
 */
#include "shim/shim_kernel.h"
#include "tlbflush/arch.h"
#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"
#include "mapper_model.h"
#include "tap.h"

#define VA_2M	0x40000000UL		/* 1 GiB: 2 MiB aligned */
#define KVA	0xffffc90000000000UL	/* upper half */
#define FLAGS	(TLBF_PTE_RW | TLBF_PTE_NX)

static struct tlbf_pool *pool;
static struct tlbf_mapper *m;

static u64 stat(enum tlbf_stat s)
{
	return tlbf_stat_sum(s);
}

static int setup(unsigned long frames)
{
	pool = tlbf_pool_create(frames);
	if (IS_ERR(pool))
		return -1;
	m = tlbf_mapper_create(pool);
	if (IS_ERR(m)) {
		tlbf_pool_destroy(pool);
		return -1;
	}
	return 0;
}

static void teardown(void)
{
	tlbf_mapper_destroy(m);
	tlbf_pool_quiesce();
	tlbf_pool_destroy(pool);
}

static unsigned long n_table(void)
{
	return tlbf_pool_frames_in_state(pool, TLBF_FRAME_TABLE);
}

static unsigned long n_data(void)
{
	return tlbf_pool_frames_in_state(pool, TLBF_FRAME_DATA);
}

static unsigned long walk_tables(void)
{
	return tlbf_model_walk_tables(m);
}

static u64 hash(void)
{
	return tlbf_model_hash(m);
}

static void create_destroy(void)
{
	struct tlbf_pool *p1;

	CHECK_EQ(PTR_ERR(tlbf_mapper_create(NULL)), -EINVAL);
	CHECK_EQ(PTR_ERR(tlbf_mapper_create(ERR_PTR(-ENOMEM))), -EINVAL);
	p1 = tlbf_pool_create(1);
	CHECK(!IS_ERR(p1));
	CHECK(tlbf_frame_alloc(p1, TLBF_FRAME_DATA, NULL));
	CHECK_EQ(PTR_ERR(tlbf_mapper_create(p1)), -ENOMEM);
	CHECK_EQ(tlbf_pool_frames_in_use(p1), 1);
	shim_quiet = true;
	tlbf_pool_destroy(p1);	/* reports the frame above as a leak */
	shim_quiet = false;

	CHECK(!setup(8));
	CHECK(tlbf_mapper_pool(m) == pool);
	CHECK_EQ(n_table(), 1);
	CHECK(tlbf_pt_table_empty(tlbf_frame_va(tlbf_mapper_root(m))));
	CHECK_EQ(tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	CHECK_EQ(tlbf_pool_frames_in_use(pool), 5);
	tlbf_mapper_destroy(m);
	m = NULL;
	tlbf_pool_quiesce();
	CHECK_EQ(tlbf_pool_frames_in_use(pool), 0);
	tlbf_mapper_destroy(NULL);
	tlbf_pool_destroy(pool);
}

static void map_translate_format(void)
{
	tlbf_pte_t *t[TLBF_PT_LEVELS];
	struct tlbf_frame *f;
	phys_addr_t pa;
	u64 fl;
	int l;

	CHECK(!setup(16));
	CHECK_EQ(tlbf_mapper_map(m, VA_2M + 0x5000, FLAGS | TLBF_PTE_US), 0);
	CHECK_EQ(tlbf_mapper_translate(m, VA_2M + 0x5000, &pa, &fl), 0);
	CHECK_EQ(fl, FLAGS | TLBF_PTE_US | TLBF_PTE_P);
	f = tlbf_pool_frame_of_pa(pool, pa);
	CHECK(f && f->state == TLBF_FRAME_DATA && f->owner == m);
	CHECK(tlbf_pt_table_empty(tlbf_frame_va(f)));	/* zeroed */
	/* any offset in the page translates; NULL outputs are fine */
	CHECK_EQ(tlbf_mapper_translate(m, VA_2M + 0x5abc, &pa, NULL), 0);
	CHECK_EQ(pa, tlbf_frame_pa(f));
	CHECK_EQ(tlbf_mapper_translate(m, VA_2M + 0x6000, &pa, &fl), -ENOENT);
	CHECK_EQ(tlbf_mapper_translate(m, 0x800000000000UL, &pa, &fl), -EINVAL);
	/* P1: intermediate entries P|RW|US in the lower half, leaf format */
	CHECK_EQ(tlbf_pt_walk(tlbf_frame_va(tlbf_mapper_root(m)), VA_2M + 0x5000, t), 0);
	for (l = 3; l >= 1; l--)
		CHECK_EQ(t[l][tlbf_va_index(VA_2M, l)] & ~TLBF_PTE_ADDR_MASK,
			 TLBF_PTE_P | TLBF_PTE_RW | TLBF_PTE_US);
	CHECK_EQ(t[0][5], tlbf_frame_pa(f) | FLAGS | TLBF_PTE_US | TLBF_PTE_P |
		 TLBF_PTE_OWNED);
	/* upper half: intermediate entries P|RW only */
	CHECK_EQ(tlbf_mapper_map(m, KVA, TLBF_PTE_RW | TLBF_PTE_G), 0);
	CHECK_EQ(tlbf_pt_walk(tlbf_frame_va(tlbf_mapper_root(m)), KVA, t), 0);
	for (l = 3; l >= 1; l--)
		CHECK_EQ(t[l][tlbf_va_index(KVA, l)] & ~TLBF_PTE_ADDR_MASK,
			 TLBF_PTE_P | TLBF_PTE_RW);
	/* map_phys keeps the caller's address, no OWNED bit */
	CHECK_EQ(tlbf_mapper_map_phys(m, 0x7000, 0xabcdef000ULL, 0), 0);
	CHECK_EQ(tlbf_mapper_translate(m, 0x7000, &pa, &fl), 0);
	CHECK_EQ(pa, 0xabcdef000ULL);
	CHECK_EQ(fl, TLBF_PTE_P);
	teardown();
}

/* Done-when: 512 pages at a 2 MiB-aligned VA use exactly 4 table frames. */
static void map_512_pages_4_tables(void)
{
	unsigned long i, tables_after_map;
	u64 rel = stat(TLBF_STAT_FRAMES_RELEASED);

	CHECK(!setup(600));
	for (i = 0; i < 512; i++)
		CHECK_EQ(tlbf_mapper_map(m, VA_2M + i * PAGE_SIZE, FLAGS), 0);
	tables_after_map = n_table();
	CHECK_EQ(tables_after_map, 4);
	CHECK_EQ(walk_tables(), 4);
	CHECK_EQ(n_data(), 512);
	fprintf(stderr, "# 512 pages at %#lx: %lu table frames (walk: %lu)\n",
		VA_2M, tables_after_map, walk_tables());
	for (i = 0; i < 512; i++) {
		TLBF_FLUSH_REQ(req);

		CHECK_EQ(tlbf_mapper_unmap(m, VA_2M + i * PAGE_SIZE, true, &req), 0);
		CHECK_EQ(tlbf_model_req_frames(&req), i == 511 ? 4 : 1);
		tlbf_req_flush_local(&req);
	}
	/* the 3 emptied tables are unlinked at once, freed after the flush */
	CHECK_EQ(n_table(), 1);
	CHECK_EQ(walk_tables(), 1);
	CHECK(tlbf_pt_table_empty(tlbf_frame_va(tlbf_mapper_root(m))));
	tlbf_pool_quiesce();
	CHECK_EQ(tlbf_pool_frames_in_use(pool), 1);
	CHECK_EQ(stat(TLBF_STAT_FRAMES_RELEASED), rel + 515);
	fprintf(stderr, "# after unmap_parents + flush: %lu table frames, %lu in use\n",
		n_table(), tlbf_pool_frames_in_use(pool));
	teardown();
}

/* Same with the range forms: one request for the whole run. */
static void map_range_512_unmap_range_parents(void)
{
	TLBF_FLUSH_REQ(req);

	CHECK(!setup(600));
	CHECK_EQ(tlbf_mapper_map_range(m, VA_2M, 512, FLAGS), 0);
	CHECK_EQ(n_table(), 4);
	CHECK_EQ(walk_tables(), 4);
	CHECK_EQ(tlbf_mapper_unmap_range(m, VA_2M, 512, true, &req), 0);
	CHECK_EQ(req.kind, TLBF_REQ_RANGE);
	CHECK_EQ(req.va, VA_2M);
	CHECK_EQ(req.nr_pages, 512);
	CHECK_EQ(tlbf_model_req_frames(&req), 512 + 3);
	CHECK_EQ(n_table(), 1);
	CHECK_EQ(tlbf_pool_frames_in_state(pool, TLBF_FRAME_PENDING), 515);
	tlbf_req_flush_local(&req);
	tlbf_pool_quiesce();
	CHECK_EQ(tlbf_pool_frames_in_use(pool), 1);
	teardown();
}

static void map_errors_change_nothing(void)
{
	u64 h;
	unsigned long used;

	CHECK(!setup(5));	/* root + 3 tables + 1 data frame */
	CHECK_EQ(tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	h = hash();
	used = tlbf_pool_frames_in_use(pool);
	CHECK_EQ(used, 5);
	/* -EEXIST */
	CHECK_EQ(tlbf_mapper_map(m, 0x1000, FLAGS), -EEXIST);
	CHECK_EQ(tlbf_mapper_map_phys(m, 0x1000, 0x5000, FLAGS), -EEXIST);
	/* -EINVAL: address */
	CHECK_EQ(tlbf_mapper_map(m, 0x1001, FLAGS), -EINVAL);
	CHECK_EQ(tlbf_mapper_map(m, 0x800000000000UL, FLAGS), -EINVAL);
	CHECK_EQ(tlbf_mapper_map(m, 0xffff7ffffffff000UL, FLAGS), -EINVAL);
	CHECK_EQ(tlbf_mapper_map_phys(m, 0x2000, 0x5001, FLAGS), -EINVAL);
	CHECK_EQ(tlbf_mapper_map_phys(m, 0x2000, 1ULL << 52, FLAGS), -EINVAL);
	/* -EINVAL: flags */
	CHECK_EQ(tlbf_mapper_map(m, 0x2000, TLBF_PTE_PS), -EINVAL);
	CHECK_EQ(tlbf_mapper_map(m, 0x2000, TLBF_PTE_OWNED), -EINVAL);
	CHECK_EQ(tlbf_mapper_map(m, 0x2000, 0x1000), -EINVAL);
	CHECK_EQ(tlbf_mapper_map(m, 0x2000, 1ULL << 52), -EINVAL);
	CHECK_EQ(tlbf_mapper_map(m, KVA, TLBF_PTE_US), -EINVAL);
	/* -ENOMEM: the pool is full */
	CHECK_EQ(tlbf_mapper_map(m, 0x2000, FLAGS), -ENOMEM);
	CHECK_EQ(tlbf_mapper_map_phys(m, KVA, 0x5000, FLAGS), -ENOMEM);
	CHECK_EQ(hash(), h);
	CHECK_EQ(tlbf_pool_frames_in_use(pool), used);
	teardown();

	/* -ENOMEM part-way through the tables: nothing allocated stays */
	CHECK(!setup(3));	/* root + 2: a map needs 3 tables + data */
	h = hash();
	CHECK_EQ(tlbf_mapper_map(m, 0x1000, FLAGS), -ENOMEM);
	CHECK_EQ(tlbf_mapper_map_phys(m, 0x1000, 0x5000, FLAGS), -ENOMEM);
	CHECK_EQ(hash(), h);
	CHECK_EQ(tlbf_pool_frames_in_use(pool), 1);
	CHECK(tlbf_pt_table_empty(tlbf_frame_va(tlbf_mapper_root(m))));
	teardown();
}

/* Done-when: a failing op leaves the reachable tables byte-identical. */
static void failing_ops_hash_identical(void)
{
	TLBF_FLUSH_REQ(req);
	unsigned long used;
	u64 h;

	CHECK(!setup(24));
	CHECK_EQ(tlbf_mapper_map_range(m, VA_2M - 4 * PAGE_SIZE, 8, FLAGS), 0);
	CHECK_EQ(tlbf_mapper_map_phys_range(m, KVA, 0x100000, 4, 0), 0);
	h = hash();
	used = tlbf_pool_frames_in_use(pool);
	fprintf(stderr, "# hash of %lu reachable tables: %#llx\n", walk_tables(),
		(unsigned long long)h);
	/* range map: last page collides -> nothing of it mapped */
	CHECK_EQ(tlbf_mapper_map_range(m, VA_2M - 8 * PAGE_SIZE, 5, FLAGS), -EEXIST);
	/* range map needing more frames than the pool has */
	CHECK_EQ(tlbf_mapper_map_range(m, 0x200000000UL, 16, FLAGS), -ENOMEM);
	/* range unmap with a hole -> ENOENT, nothing unmapped */
	CHECK_EQ(tlbf_mapper_unmap_range(m, VA_2M - 4 * PAGE_SIZE, 9, true, &req), -ENOENT);
	CHECK(!tlbf_req_live(&req));
	/* range unmap over owned + phys pages: ownership mismatch */
	CHECK_EQ(tlbf_mapper_unmap_phys_range(m, VA_2M - 4 * PAGE_SIZE, 2, true, &req), -EINVAL);
	CHECK_EQ(tlbf_mapper_unmap(m, KVA, true, &req), -EINVAL);
	CHECK_EQ(tlbf_mapper_unmap_phys(m, VA_2M, true, NULL, NULL, &req), -EINVAL);
	/* protect range with a hole, bad flags */
	CHECK_EQ(tlbf_mapper_protect_range(m, KVA, 5, 0, &req), -ENOENT);
	CHECK_EQ(tlbf_mapper_protect_range(m, KVA, 4, TLBF_PTE_US, &req), -EINVAL);
	CHECK_EQ(tlbf_mapper_protect(m, 0x3000, 0, &req), -ENOENT);
	/* run validation */
	CHECK_EQ(tlbf_mapper_map_range(m, 0x1000, 0, FLAGS), -EINVAL);
	CHECK_EQ(tlbf_mapper_map_range(m, 0x7ffffffff000UL, 2, FLAGS), -EINVAL);
	CHECK_EQ(tlbf_mapper_map_range(m, 0xfffffffffffff000UL, 2, FLAGS), -EINVAL);
	CHECK_EQ(tlbf_mapper_map_range(m, 0x1000, ULONG_MAX, FLAGS), -EINVAL);
	CHECK_EQ(tlbf_mapper_unmap_range(m, VA_2M, ULONG_MAX / 4096 + 2, false, &req), -EINVAL);
	CHECK_EQ(tlbf_mapper_map_phys_range(m, 0x1000, TLBF_PTE_ADDR_MASK, 2, 0), -EINVAL);
	CHECK(!tlbf_req_live(&req));
	CHECK_EQ(hash(), h);
	CHECK_EQ(tlbf_pool_frames_in_use(pool), used);
	teardown();
}

static void protect_same_frame(void)
{
	TLBF_FLUSH_REQ(req);
	phys_addr_t pa, pa2;
	u64 fl;

	CHECK(!setup(16));
	CHECK_EQ(tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	CHECK_EQ(tlbf_mapper_translate(m, 0x1000, &pa, &fl), 0);
	CHECK_EQ(tlbf_mapper_protect(m, 0x1000, TLBF_PTE_US | TLBF_PTE_PCD, &req), 0);
	CHECK_EQ(req.kind, TLBF_REQ_PAGE);
	CHECK_EQ(req.va, 0x1000);
	CHECK_EQ(req.nr_pages, 1);
	CHECK(!req.frames);
	tlbf_req_flush_local(&req);
	CHECK_EQ(tlbf_mapper_translate(m, 0x1000, &pa2, &fl), 0);
	CHECK_EQ(pa2, pa);
	CHECK_EQ(fl, TLBF_PTE_US | TLBF_PTE_PCD | TLBF_PTE_P);
	/* still owned: unmap (not unmap_phys) releases it */
	CHECK_EQ(tlbf_mapper_unmap(m, 0x1000, false, &req), 0);
	CHECK_EQ(tlbf_model_req_frames(&req), 1);
	CHECK(req.frames == tlbf_pool_frame_of_pa(pool, pa));
	tlbf_req_flush_local(&req);
	/* protect of an absent page, live request */
	CHECK_EQ(tlbf_mapper_protect(m, 0x1000, 0, &req), -ENOENT);
	CHECK_EQ(tlbf_mapper_map_phys(m, 0x2000, 0x9000, 0), 0);
	CHECK_EQ(tlbf_mapper_protect(m, 0x2000, TLBF_PTE_RW, &req), 0);
	CHECK_EQ(tlbf_mapper_protect(m, 0x2000, 0, &req), -EINVAL);	/* live */
	CHECK_EQ(tlbf_mapper_protect(m, 0x2000, 0, NULL), -EINVAL);
	tlbf_req_ignore(&req);
	CHECK_EQ(tlbf_mapper_translate(m, 0x2000, &pa, &fl), 0);
	CHECK_EQ(pa, 0x9000);
	CHECK_EQ(fl, TLBF_PTE_RW | TLBF_PTE_P);
	teardown();
}

static void unmap_defers_frame(void)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_frame *f;
	phys_addr_t pa;
	u64 fl;

	CHECK(!setup(8));
	CHECK_EQ(tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	CHECK_EQ(tlbf_mapper_translate(m, 0x1000, &pa, NULL), 0);
	f = tlbf_pool_frame_of_pa(pool, pa);
	CHECK_EQ(tlbf_mapper_unmap(m, 0x1000, false, &req), 0);
	CHECK_EQ(tlbf_mapper_translate(m, 0x1000, NULL, NULL), -ENOENT);
	CHECK(req.frames == f && !f->next);
	CHECK_EQ(f->state, TLBF_FRAME_PENDING);
	/* the frame cannot be handed out again before the flush */
	CHECK_EQ(tlbf_mapper_map(m, 0x2000, FLAGS), 0);
	CHECK_EQ(tlbf_mapper_translate(m, 0x2000, &pa, NULL), 0);
	CHECK(pa != tlbf_frame_pa(f));
	CHECK_EQ(tlbf_mapper_unmap(m, 0x1000, false, &req), -EINVAL); /* live */
	tlbf_req_flush_local(&req);
	CHECK_EQ(f->state, TLBF_FRAME_PENDING);	/* grace period */
	tlbf_pool_quiesce();
	CHECK_EQ(f->state, TLBF_FRAME_FREE);
	CHECK_EQ(tlbf_mapper_unmap(m, 0x1000, false, &req), -ENOENT);
	/* unmap_phys returns the address and flags, frees nothing */
	CHECK_EQ(tlbf_mapper_map_phys(m, 0x3000, 0x77000, TLBF_PTE_RW | TLBF_PTE_D), 0);
	CHECK_EQ(tlbf_mapper_unmap(m, 0x3000, false, &req), -EINVAL);
	CHECK_EQ(tlbf_mapper_unmap_phys(m, 0x3000, false, &pa, &fl, &req), 0);
	CHECK_EQ(pa, 0x77000);
	CHECK_EQ(fl, TLBF_PTE_RW | TLBF_PTE_D | TLBF_PTE_P);
	CHECK(!req.frames);
	CHECK_EQ(req.kind, TLBF_REQ_PAGE);
	tlbf_req_flush_local(&req);
	CHECK_EQ(tlbf_mapper_unmap(m, 0x2000, false, &req), 0);
	CHECK_EQ(tlbf_mapper_unmap_phys(m, 0x2000, false, &pa, &fl, NULL), -EINVAL);
	tlbf_req_flush_local(&req);
	teardown();
}

static void unmap_parents_only_empty(void)
{
	TLBF_FLUSH_REQ(req);

	CHECK(!setup(32));
	/* two PTs under one PD: 0x0 and 0x200000 */
	CHECK_EQ(tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	CHECK_EQ(tlbf_mapper_map(m, 0x2000, FLAGS), 0);
	CHECK_EQ(tlbf_mapper_map(m, 0x200000, FLAGS), 0);
	CHECK_EQ(n_table(), 5);
	/* without unmap_parents: tables stay */
	CHECK_EQ(tlbf_mapper_unmap(m, 0x200000, false, &req), 0);
	CHECK_EQ(tlbf_model_req_frames(&req), 1);
	tlbf_req_flush_local(&req);
	CHECK_EQ(n_table(), 5);
	/* non-empty PT is kept */
	CHECK_EQ(tlbf_mapper_unmap(m, 0x1000, true, &req), 0);
	CHECK_EQ(tlbf_model_req_frames(&req), 1);
	tlbf_req_flush_local(&req);
	CHECK_EQ(n_table(), 5);
	/* the last page of PT 0: PT 0 goes, the PD keeps the empty PT 1 */
	CHECK_EQ(tlbf_mapper_unmap(m, 0x2000, true, &req), 0);
	CHECK_EQ(tlbf_model_req_frames(&req), 2);
	tlbf_req_flush_local(&req);
	CHECK_EQ(n_table(), 4);
	CHECK_EQ(walk_tables(), 4);
	/* mapping into the kept empty PT needs no new table */
	CHECK_EQ(tlbf_mapper_map(m, 0x201000, FLAGS), 0);
	CHECK_EQ(n_table(), 4);
	CHECK_EQ(tlbf_mapper_unmap(m, 0x201000, true, &req), 0);
	CHECK_EQ(tlbf_model_req_frames(&req), 4);
	tlbf_req_flush_local(&req);
	CHECK_EQ(n_table(), 1);
	teardown();
}

static void range_ops_one_request(void)
{
	TLBF_FLUSH_REQ(req);
	unsigned long va = 0x3fff0000UL;	/* crosses the 1 GiB line */
	unsigned long i;
	phys_addr_t pa;
	u64 fl;

	CHECK(!setup(64));
	CHECK_EQ(tlbf_mapper_map_range(m, va, 32, FLAGS), 0);
	/* root, 2 PDPT entries -> 2 PDs (same PDPT), 2 PTs */
	CHECK_EQ(n_table(), 1 + 1 + 2 + 2);
	for (i = 0; i < 32; i++) {
		CHECK_EQ(tlbf_mapper_translate(m, va + i * PAGE_SIZE, &pa, &fl), 0);
		CHECK_EQ(fl, FLAGS | TLBF_PTE_P);
	}
	CHECK_EQ(tlbf_mapper_protect_range(m, va + PAGE_SIZE, 20, 0, &req), 0);
	CHECK_EQ(req.kind, TLBF_REQ_RANGE);
	CHECK_EQ(req.va, va + PAGE_SIZE);
	CHECK_EQ(req.nr_pages, 20);
	tlbf_req_flush_local(&req);
	CHECK_EQ(tlbf_mapper_translate(m, va + 20 * PAGE_SIZE, NULL, &fl), 0);
	CHECK_EQ(fl, TLBF_PTE_P);
	CHECK_EQ(tlbf_mapper_translate(m, va + 21 * PAGE_SIZE, NULL, &fl), 0);
	CHECK_EQ(fl, FLAGS | TLBF_PTE_P);
	CHECK_EQ(tlbf_mapper_unmap_range(m, va, 1, false, &req), 0);
	CHECK_EQ(req.kind, TLBF_REQ_PAGE);
	tlbf_req_flush_local(&req);
	CHECK_EQ(tlbf_mapper_unmap_range(m, va + PAGE_SIZE, 31, true, &req), 0);
	CHECK_EQ(tlbf_model_req_frames(&req), 31 + 5);
	tlbf_req_flush_local(&req);
	CHECK_EQ(n_table(), 1);
	/* phys range: consecutive physical pages */
	CHECK_EQ(tlbf_mapper_map_phys_range(m, KVA, 0x100000, 3, TLBF_PTE_RW), 0);
	CHECK_EQ(tlbf_mapper_translate(m, KVA + 2 * PAGE_SIZE, &pa, NULL), 0);
	CHECK_EQ(pa, 0x102000);
	CHECK_EQ(tlbf_mapper_unmap_phys_range(m, KVA, 3, true, &req), 0);
	CHECK_EQ(tlbf_model_req_frames(&req), 3);
	CHECK_EQ(req.nr_pages, 3);
	tlbf_req_flush_local(&req);
	teardown();
}

static void flush_local_performs(void)
{
	TLBF_FLUSH_REQ(req);
	unsigned long pages, alls;
	u64 lf = stat(TLBF_STAT_LOCAL_FLUSHES);

	CHECK(!setup(128));
	CHECK_EQ(tlbf_mapper_map_range(m, 0x10000, 40, FLAGS), 0);
	/* PAGE: one invlpg of that page */
	pages = shim_flush_page_calls;
	alls = shim_flush_all_calls;
	CHECK_EQ(tlbf_mapper_protect(m, 0x12000, FLAGS, &req), 0);
	tlbf_req_flush_local(&req);
	CHECK_EQ(shim_flush_page_calls, pages + 1);
	CHECK_EQ(shim_flush_log[pages % SHIM_FLUSH_LOG], 0x12000);
	CHECK_EQ(shim_flush_all_calls, alls);
	CHECK(!tlbf_req_live(&req));
	/* RANGE of 32: 32 invlpg of exactly those pages */
	pages = shim_flush_page_calls;
	CHECK_EQ(tlbf_mapper_protect_range(m, 0x10000, 32, FLAGS, &req), 0);
	tlbf_req_flush_local(&req);
	CHECK_EQ(shim_flush_page_calls, pages + 32);
	CHECK_EQ(shim_flush_log[(pages + 31) % SHIM_FLUSH_LOG], 0x10000 + 31 * PAGE_SIZE);
	CHECK_EQ(shim_flush_all_calls, alls);
	/* RANGE of 33: one full flush instead */
	pages = shim_flush_page_calls;
	CHECK_EQ(tlbf_mapper_protect_range(m, 0x10000, 33, FLAGS, &req), 0);
	tlbf_req_flush_local(&req);
	CHECK_EQ(shim_flush_page_calls, pages);
	CHECK_EQ(shim_flush_all_calls, alls + 1);
	CHECK_EQ(stat(TLBF_STAT_LOCAL_FLUSHES), lf + 3);
	/* frames are put: PENDING until the grace period, then FREE */
	CHECK_EQ(tlbf_mapper_unmap_range(m, 0x10000, 40, true, &req), 0);
	CHECK_EQ(tlbf_pool_frames_in_state(pool, TLBF_FRAME_PENDING), 43);
	tlbf_req_flush_local(&req);
	CHECK_EQ(shim_rcu_queued(), 43);
	tlbf_pool_quiesce();
	CHECK_EQ(tlbf_pool_frames_in_use(pool), 1);
	/* an empty request is a no-op */
	pages = shim_flush_page_calls;
	tlbf_req_flush_local(&req);
	tlbf_req_ignore(&req);
	CHECK_EQ(shim_flush_page_calls, pages);
	teardown();
}

/* M5: a flush-all request consumes page requests and their frames. */
static void merge_all_consumes(void)
{
	TLBF_FLUSH_REQ(all);
	TLBF_FLUSH_REQ(a);
	TLBF_FLUSH_REQ(b);
	unsigned long pages, alls;

	CHECK(!setup(16));
	CHECK_EQ(tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	CHECK_EQ(tlbf_mapper_map(m, 0x5000, FLAGS), 0);
	CHECK_EQ(tlbf_mapper_unmap(m, 0x1000, false, &a), 0);
	CHECK_EQ(tlbf_mapper_unmap(m, 0x5000, true, &b), 0);
	CHECK_EQ(tlbf_model_req_frames(&b), 4);
	tlbf_req_merge_all(&all, &a);
	CHECK_EQ(all.kind, TLBF_REQ_ALL);
	CHECK(!tlbf_req_live(&a));
	tlbf_req_merge_all(&all, &b);
	CHECK(!tlbf_req_live(&b));
	CHECK_EQ(all.kind, TLBF_REQ_ALL);
	CHECK_EQ(tlbf_model_req_frames(&all), 5);
	tlbf_req_merge_all(&all, &all);	/* self: stays ALL, frames kept */
	CHECK_EQ(tlbf_model_req_frames(&all), 5);
	pages = shim_flush_page_calls;
	alls = shim_flush_all_global_calls;
	tlbf_req_flush_local(&all);
	CHECK_EQ(shim_flush_page_calls, pages);
	/* FL5: "all" names no page, so global entries go too. */
	CHECK_EQ(shim_flush_all_global_calls, alls + 1);
	tlbf_pool_quiesce();
	CHECK_EQ(tlbf_pool_frames_in_use(pool), 1);
	teardown();
}

/* M4: a live request leaving scope is counted, reported, then handled. */
static void unconsumed_request_detected(void)
{
	u64 unc = stat(TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED);
	unsigned long pages;

	CHECK(!setup(8));
	CHECK_EQ(tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	tlbf_warn_on_misuse = false;
	pages = shim_flush_page_calls;
	{
		TLBF_FLUSH_REQ(req);

		CHECK_EQ(tlbf_mapper_unmap(m, 0x1000, true, &req), 0);
		/* dropped here without flush/ignore/hand-over */
	}
	CHECK_EQ(stat(TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED), unc + 1);
	CHECK_EQ(shim_flush_page_calls, pages + 1);	/* conservative flush */
	tlbf_pool_quiesce();
	CHECK_EQ(tlbf_pool_frames_in_use(pool), 1);	/* frames not leaked */
	/* consumed requests are not reported */
	{
		TLBF_FLUSH_REQ(req);

		CHECK_EQ(tlbf_mapper_map(m, 0x1000, FLAGS), 0);
		CHECK_EQ(tlbf_mapper_unmap(m, 0x1000, true, &req), 0);
		tlbf_req_ignore(&req);
	}
	{
		TLBF_FLUSH_REQ(req);	/* never filled */
	}
	CHECK_EQ(stat(TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED), unc + 1);
	teardown();
}

/* The flusher path: tlbf_req_consume() hands op and frames over. */
static void consume_hands_over(void)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_frame *list, *f;
	u64 unc = stat(TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED);

	CHECK(!setup(8));
	CHECK_EQ(tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	CHECK_EQ(tlbf_mapper_unmap(m, 0x1000, true, &req), 0);
	list = req.frames;
	tlbf_req_consume(&req);
	CHECK(!tlbf_req_live(&req));
	CHECK_EQ(tlbf_pool_frames_in_state(pool, TLBF_FRAME_PENDING), 4);
	/* one more holder per "target CPU", each puts after its flush */
	for (f = list; f; f = f->next)
		tlbf_frame_get(f);
	while (list) {
		f = list;
		list = f->next;
		tlbf_frame_put(f);
		tlbf_frame_put(f);
	}
	tlbf_pool_quiesce();
	CHECK_EQ(tlbf_pool_frames_in_use(pool), 1);
	CHECK_EQ(stat(TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED), unc);
	teardown();
}

static void destroy_releases_everything(void)
{
	u64 def = stat(TLBF_STAT_FRAMES_DEFERRED);

	CHECK(!setup(64));
	CHECK_EQ(tlbf_mapper_map_range(m, 0x1ff000, 3, FLAGS), 0);
	CHECK_EQ(tlbf_mapper_map_phys_range(m, KVA, 0x1000, 3, 0), 0);
	CHECK_EQ(tlbf_pool_frames_in_use(pool), 1 + 4 + 3 + 3);
	tlbf_mapper_destroy(m);
	m = NULL;
	CHECK_EQ(stat(TLBF_STAT_FRAMES_DEFERRED), def + 11);
	tlbf_pool_quiesce();
	CHECK_EQ(tlbf_pool_frames_in_use(pool), 0);
	tlbf_pool_destroy(pool);
}

static void flag_helpers(void)
{
	u64 f = tlbf_flags_new();

	CHECK_EQ(f, TLBF_PTE_NX);
	f = tlbf_flags_set_write(f, true);
	f = tlbf_flags_set_user(f, true);
	f = tlbf_flags_set_execute(f, true);
	CHECK_EQ(f, TLBF_PTE_RW | TLBF_PTE_US);
	f = tlbf_flags_set_cache_disable(f, true);
	f = tlbf_flags_set_write_through(f, true);
	CHECK_EQ(f, TLBF_PTE_RW | TLBF_PTE_US | TLBF_PTE_PCD | TLBF_PTE_PWT);
	f = tlbf_flags_set_user(tlbf_flags_set_write(f, false), false);
	CHECK_EQ(f, TLBF_PTE_PCD | TLBF_PTE_PWT);
	CHECK_EQ(tlbf_flags_mmio(), TLBF_PTE_RW | TLBF_PTE_PCD | TLBF_PTE_PWT);
	CHECK(tlbf_flags_valid(0x1000, TLBF_FLAGS_MASK));
	CHECK(tlbf_flags_valid(0x1000, TLBF_PTE_P));
	CHECK(!tlbf_flags_valid(KVA, TLBF_PTE_US));
	CHECK(tlbf_flags_valid(KVA, TLBF_FLAGS_MASK & ~TLBF_PTE_US));
	CHECK(!tlbf_flags_valid(0x1000, TLBF_PTE_PS));
	CHECK(!tlbf_flags_valid(0x1000, TLBF_PTE_OWNED));
	CHECK(!tlbf_flags_valid(0x1000, 1ULL << 62));
}

static void differential(unsigned long nr_ops, u64 seed, unsigned long frames,
			 bool want_enomem)
{
	static struct tlbf_model_ent ents[4096];
	static phys_addr_t scratch[4096];
	static struct tlbf_model_tbl tbls[512];
	struct tlbf_model md = {
		.ents = ents, .scratch = scratch, .cap_ents = 4096,
		.tbls = tbls, .cap_tbls = 512, .rng = seed, .check_every = 1,
	};
	unsigned long i;
	int ret = 0;

	CHECK(!setup(frames));
	md.m = m;
	md.pool = pool;
	for (i = 0; i < nr_ops && !ret; i++)
		ret = tlbf_model_step(&md);
	if (ret)
		fprintf(stderr, "# step %lu: %s\n", md.ops, md.why);
	CHECK_EQ(ret, 0);
	fprintf(stderr, "# %lu ops: ok %lu, EINVAL %lu, EEXIST %lu, ENOENT %lu, ENOMEM %lu; %u pages, %u tables mapped at the end\n",
		md.ops, md.ok, md.errs[0], md.errs[1], md.errs[2], md.errs[3],
		md.nr_ents, md.nr_tbls);
	/* every outcome must have been exercised */
	CHECK(md.ok > nr_ops / 10 && md.errs[0] && md.errs[1] && md.errs[2]);
	CHECK(!want_enomem || md.errs[3]);
	CHECK_EQ(md.errs[4], 0);
	teardown();
}

static void differential_small_pool(void)
{
	differential(20000, 0x9e3779b97f4a7c15ULL, 48, true);
}

static void differential_large_pool(void)
{
	differential(20000, 12345, 400, false);
}

static const struct tap_case cases[] = {
	TAP_CASE(create_destroy),
	TAP_CASE(map_translate_format),
	TAP_CASE(map_512_pages_4_tables),
	TAP_CASE(map_range_512_unmap_range_parents),
	TAP_CASE(map_errors_change_nothing),
	TAP_CASE(failing_ops_hash_identical),
	TAP_CASE(protect_same_frame),
	TAP_CASE(unmap_defers_frame),
	TAP_CASE(unmap_parents_only_empty),
	TAP_CASE(range_ops_one_request),
	TAP_CASE(flush_local_performs),
	TAP_CASE(merge_all_consumes),
	TAP_CASE(unconsumed_request_detected),
	TAP_CASE(consume_hands_over),
	TAP_CASE(destroy_releases_everything),
	TAP_CASE(flag_helpers),
	TAP_CASE(differential_small_pool),
	TAP_CASE(differential_large_pool),
};

int main(void)
{
	return tap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
