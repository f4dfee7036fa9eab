// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_pgmapper: the mapper (M1-M3), plus randomized
 * differential cases against the reference model
 * (tests/common/mapper_model.h). One source for two builds: the kernel's
 * KUnit (tlbflush_kunit.ko) and the host tests (tests/host/test_pgmapper.c,
 * with the user-space KUnit of tests/host/shim/kunit/test.h, under ASan
 * and UBSan). Lines only the host shim can run (it counts every invlpg and
 * RCU callback) sit under #ifndef __KERNEL__. The fixture (kunit/
 * mapper_fx.h) checks that every case gave back the frames it took. The
 * flush requests (M4, M5) have their own suite, kunit/flush_req_test.c.
 */
#include "mapper_fx.h"
#include "../tests/common/mapper_model.h"

static void create_destroy(struct kunit *test)
{
	struct tlbf_mapper *m;
	struct tlbf_pool *p1;

	KUNIT_EXPECT_EQ(test, PTR_ERR(tlbf_mapper_create(NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(tlbf_mapper_create(ERR_PTR(-ENOMEM))), -EINVAL);
	/* -ENOMEM without a frame for the root */
	p1 = tlbf_pool_create(1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p1));
	KUNIT_ASSERT_NOT_NULL(test, tlbf_frame_alloc(p1, TLBF_FRAME_DATA, NULL));
	KUNIT_EXPECT_EQ(test, PTR_ERR(tlbf_mapper_create(p1)), -ENOMEM);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(p1), 1UL);
	kunit_info(test, "a \"pool destroyed with 1 frames in use (leak)\" line follows on purpose\n");
#ifndef __KERNEL__
	shim_quiet = true;
#endif
	tlbf_pool_destroy(p1);	/* reports the frame above as a leak */
#ifndef __KERNEL__
	shim_quiet = false;
#endif

	m = setup(test, 8);
	KUNIT_EXPECT_PTR_EQ(test, tlbf_mapper_pool(m), pool_of(test));
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 1UL);
	KUNIT_EXPECT_TRUE(test, tlbf_pt_table_empty(tlbf_frame_va(tlbf_mapper_root(m))));
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 5UL);
	done(test);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 0UL);
	tlbf_mapper_destroy(NULL);
}

static void map_translate_format(struct kunit *test)
{
	struct tlbf_mapper *m;
	tlbf_pte_t *t[TLBF_PT_LEVELS];
	struct tlbf_frame *f;
	phys_addr_t pa;
	u64 fl;
	int l;

	m = setup(test, 16);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, VA_2M + 0x5000, FLAGS | TLBF_PTE_US), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, VA_2M + 0x5000, &pa, &fl), 0);
	KUNIT_ASSERT_EQ(test, fl, FLAGS | TLBF_PTE_US | TLBF_PTE_P);
	f = tlbf_pool_frame_of_pa(pool_of(test), pa);
	KUNIT_ASSERT_TRUE(test, f && f->state == TLBF_FRAME_DATA && f->owner == m);
	KUNIT_ASSERT_TRUE(test, tlbf_pt_table_empty(tlbf_frame_va(f)));	/* zeroed */
	/* any offset in the page translates; NULL outputs are fine */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, VA_2M + 0x5abc, &pa, NULL), 0);
	KUNIT_ASSERT_EQ(test, pa, tlbf_frame_pa(f));
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, VA_2M + 0x6000, &pa, &fl), -ENOENT);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, 0x800000000000UL, &pa, &fl), -EINVAL);
	/* P1: intermediate entries P|RW|US in the lower half, leaf format */
	KUNIT_ASSERT_EQ(test, tlbf_pt_walk(tlbf_frame_va(tlbf_mapper_root(m)),
					   VA_2M + 0x5000, t), 0);
	for (l = 3; l >= 1; l--)
		KUNIT_ASSERT_EQ(test, t[l][tlbf_va_index(VA_2M, l)] & ~TLBF_PTE_ADDR_MASK,
				TLBF_PTE_P | TLBF_PTE_RW | TLBF_PTE_US);
	KUNIT_ASSERT_EQ(test, t[0][5], tlbf_frame_pa(f) | FLAGS | TLBF_PTE_US | TLBF_PTE_P |
			TLBF_PTE_OWNED);
	/* upper half: intermediate entries P|RW only */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, KVA, TLBF_PTE_RW | TLBF_PTE_G), 0);
	KUNIT_ASSERT_EQ(test, tlbf_pt_walk(tlbf_frame_va(tlbf_mapper_root(m)), KVA, t), 0);
	for (l = 3; l >= 1; l--)
		KUNIT_ASSERT_EQ(test, t[l][tlbf_va_index(KVA, l)] & ~TLBF_PTE_ADDR_MASK,
				TLBF_PTE_P | TLBF_PTE_RW);
	/* map_phys keeps the caller's address, no OWNED bit */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys(m, 0x7000, 0xabcdef000ULL, 0), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, 0x7000, &pa, &fl), 0);
	KUNIT_ASSERT_EQ(test, pa, 0xabcdef000ULL);
	KUNIT_ASSERT_EQ(test, fl, TLBF_PTE_P);
	done(test);
}

/* Done-when: 512 pages at a 2 MiB-aligned VA use exactly 4 table frames. */
static void map_512_pages_4_tables(struct kunit *test)
{
	struct tlbf_mapper *m;
	unsigned long i, tables_after_map;
	u64 rel = stat(TLBF_STAT_FRAMES_RELEASED);

	m = setup(test, 600);
	for (i = 0; i < 512; i++)
		KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, VA_2M + i * PAGE_SIZE, FLAGS), 0);
	tables_after_map = n_state(test, TLBF_FRAME_TABLE);
	KUNIT_ASSERT_EQ(test, tables_after_map, 4);
	KUNIT_ASSERT_EQ(test, tlbf_model_walk_tables(m), 4);
	KUNIT_ASSERT_EQ(test, n_state(test, TLBF_FRAME_DATA), 512);
	kunit_info(test, "512 pages at %#lx: %lu table frames (walk: %lu)\n",
		   VA_2M, tables_after_map, tlbf_model_walk_tables(m));
	for (i = 0; i < 512; i++) {
		TLBF_FLUSH_REQ(req);

		KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, VA_2M + i * PAGE_SIZE, true, &req), 0);
		KUNIT_ASSERT_EQ(test, tlbf_model_req_frames(&req), i == 511 ? 4 : 1);
		tlbf_req_flush_local(&req);
	}
	/* the 3 emptied tables are unlinked at once, freed after the flush */
	KUNIT_ASSERT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 1);
	KUNIT_ASSERT_EQ(test, tlbf_model_walk_tables(m), 1);
	KUNIT_ASSERT_TRUE(test, tlbf_pt_table_empty(tlbf_frame_va(tlbf_mapper_root(m))));
	tlbf_pool_quiesce();
	KUNIT_ASSERT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 1);
	KUNIT_ASSERT_EQ(test, stat(TLBF_STAT_FRAMES_RELEASED), rel + 515);
	kunit_info(test, "after unmap_parents + flush: %lu table frames, %lu in use\n",
		   n_state(test, TLBF_FRAME_TABLE), tlbf_pool_frames_in_use(pool_of(test)));
	done(test);
}

/* Same with the range forms: one request for the whole run. */
static void map_range_512_unmap_range_parents(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m;

	m = setup(test, 600);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, VA_2M, 512, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 4);
	KUNIT_ASSERT_EQ(test, tlbf_model_walk_tables(m), 4);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_range(m, VA_2M, 512, true, &req), 0);
	KUNIT_ASSERT_EQ(test, req.kind, TLBF_REQ_RANGE);
	KUNIT_ASSERT_EQ(test, req.va, VA_2M);
	KUNIT_ASSERT_EQ(test, req.nr_pages, 512);
	KUNIT_ASSERT_EQ(test, tlbf_model_req_frames(&req), 512 + 3);
	KUNIT_ASSERT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 1);
	KUNIT_ASSERT_EQ(test, tlbf_pool_frames_in_state(pool_of(test), TLBF_FRAME_PENDING), 515);
	tlbf_req_flush_local(&req);
	tlbf_pool_quiesce();
	KUNIT_ASSERT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 1);
	done(test);
}

static void map_errors_change_nothing(struct kunit *test)
{
	struct tlbf_mapper *m;
	u64 h;
	unsigned long used;

	m = setup(test, 5);	/* root + 3 tables + 1 data frame */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	h = tlbf_model_hash(m);
	used = tlbf_pool_frames_in_use(pool_of(test));
	KUNIT_ASSERT_EQ(test, used, 5);
	/* -EEXIST */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), -EEXIST);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys(m, 0x1000, 0x5000, FLAGS), -EEXIST);
	/* -EINVAL: address */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1001, FLAGS), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x800000000000UL, FLAGS), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0xffff7ffffffff000UL, FLAGS), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys(m, 0x2000, 0x5001, FLAGS), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys(m, 0x2000, 1ULL << 52, FLAGS), -EINVAL);
	/* -EINVAL: flags */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x2000, TLBF_PTE_PS), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x2000, TLBF_PTE_OWNED), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x2000, 0x1000), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x2000, 1ULL << 52), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, KVA, TLBF_PTE_US), -EINVAL);
	/* -ENOMEM: the pool_of(test) is full */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x2000, FLAGS), -ENOMEM);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys(m, KVA, 0x5000, FLAGS), -ENOMEM);
	KUNIT_ASSERT_EQ(test, tlbf_model_hash(m), h);
	KUNIT_ASSERT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), used);
	done(test);

	/* -ENOMEM part-way through the tables: nothing allocated stays */
	m = setup(test, 3);	/* root + 2: a map needs 3 tables + data */
	h = tlbf_model_hash(m);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), -ENOMEM);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys(m, 0x1000, 0x5000, FLAGS), -ENOMEM);
	KUNIT_ASSERT_EQ(test, tlbf_model_hash(m), h);
	KUNIT_ASSERT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 1);
	KUNIT_ASSERT_TRUE(test, tlbf_pt_table_empty(tlbf_frame_va(tlbf_mapper_root(m))));
	done(test);
}

/* Done-when: a failing op leaves the reachable tables byte-identical. */
static void failing_ops_hash_identical(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m;
	unsigned long used;
	u64 h;

	m = setup(test, 24);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, VA_2M - 4 * PAGE_SIZE, 8, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys_range(m, KVA, 0x100000, 4, 0), 0);
	h = tlbf_model_hash(m);
	used = tlbf_pool_frames_in_use(pool_of(test));
	kunit_info(test, "hash of %lu reachable tables: %#llx\n", tlbf_model_walk_tables(m),
		   (unsigned long long)h);
	/* range map: last page collides -> nothing of it mapped */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, VA_2M - 8 * PAGE_SIZE, 5, FLAGS), -EEXIST);
	/* range map needing more frames than the pool_of(test) has */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, 0x200000000UL, 16, FLAGS), -ENOMEM);
	/* range unmap with a hole -> ENOENT, nothing unmapped */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_range(m, VA_2M - 4 * PAGE_SIZE, 9,
						      true, &req), -ENOENT);
	KUNIT_ASSERT_TRUE(test, !tlbf_req_live(&req));
	/* range unmap over owned + phys pages: ownership mismatch */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_phys_range(m, VA_2M - 4 * PAGE_SIZE,
							   2, true, &req), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, KVA, true, &req), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_phys(m, VA_2M, true, NULL, NULL, &req), -EINVAL);
	/* protect range with a hole, bad flags */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect_range(m, KVA, 5, 0, &req), -ENOENT);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect_range(m, KVA, 4, TLBF_PTE_US, &req), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect(m, 0x3000, 0, &req), -ENOENT);
	/* run validation */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, 0x1000, 0, FLAGS), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, 0x7ffffffff000UL, 2, FLAGS), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, 0xfffffffffffff000UL, 2, FLAGS), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, 0x1000, ULONG_MAX, FLAGS), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_range(m, VA_2M, ULONG_MAX / 4096 + 2,
						      false, &req), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys_range(m, 0x1000, TLBF_PTE_ADDR_MASK,
							 2, 0), -EINVAL);
	KUNIT_ASSERT_TRUE(test, !tlbf_req_live(&req));
	KUNIT_ASSERT_EQ(test, tlbf_model_hash(m), h);
	KUNIT_ASSERT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), used);
	done(test);
}

static void protect_same_frame(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m;
	phys_addr_t pa, pa2;
	u64 fl;

	m = setup(test, 16);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, 0x1000, &pa, &fl), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect(m, 0x1000, TLBF_PTE_US | TLBF_PTE_PCD, &req), 0);
	KUNIT_ASSERT_EQ(test, req.kind, TLBF_REQ_PAGE);
	KUNIT_ASSERT_EQ(test, req.va, 0x1000);
	KUNIT_ASSERT_EQ(test, req.nr_pages, 1);
	KUNIT_ASSERT_TRUE(test, !req.frames);
	tlbf_req_flush_local(&req);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, 0x1000, &pa2, &fl), 0);
	KUNIT_ASSERT_EQ(test, pa2, pa);
	KUNIT_ASSERT_EQ(test, fl, TLBF_PTE_US | TLBF_PTE_PCD | TLBF_PTE_P);
	/* still owned: unmap (not unmap_phys) releases it */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x1000, false, &req), 0);
	KUNIT_ASSERT_EQ(test, tlbf_model_req_frames(&req), 1);
	KUNIT_ASSERT_TRUE(test, req.frames == tlbf_pool_frame_of_pa(pool_of(test), pa));
	tlbf_req_flush_local(&req);
	/* protect of an absent page, live request */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect(m, 0x1000, 0, &req), -ENOENT);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys(m, 0x2000, 0x9000, 0), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect(m, 0x2000, TLBF_PTE_RW, &req), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect(m, 0x2000, 0, &req), -EINVAL);	/* live */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect(m, 0x2000, 0, NULL), -EINVAL);
	tlbf_req_ignore(&req);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, 0x2000, &pa, &fl), 0);
	KUNIT_ASSERT_EQ(test, pa, 0x9000);
	KUNIT_ASSERT_EQ(test, fl, TLBF_PTE_RW | TLBF_PTE_P);
	done(test);
}

static void unmap_defers_frame(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m;
	struct tlbf_frame *f;
	phys_addr_t pa;
	u64 fl;

	m = setup(test, 8);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, 0x1000, &pa, NULL), 0);
	f = tlbf_pool_frame_of_pa(pool_of(test), pa);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x1000, false, &req), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, 0x1000, NULL, NULL), -ENOENT);
	KUNIT_ASSERT_TRUE(test, req.frames == f && !f->next);
	KUNIT_ASSERT_EQ(test, f->state, TLBF_FRAME_PENDING);
	/* the frame cannot be handed out again before the flush */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x2000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, 0x2000, &pa, NULL), 0);
	KUNIT_ASSERT_TRUE(test, pa != tlbf_frame_pa(f));
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x1000, false, &req), -EINVAL); /* live */
	tlbf_req_flush_local(&req);
	KUNIT_ASSERT_EQ(test, f->state, TLBF_FRAME_PENDING);	/* grace period */
	tlbf_pool_quiesce();
	KUNIT_ASSERT_EQ(test, f->state, TLBF_FRAME_FREE);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x1000, false, &req), -ENOENT);
	/* unmap_phys returns the address and flags, frees nothing */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys(m, 0x3000, 0x77000,
						   TLBF_PTE_RW | TLBF_PTE_D), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x3000, false, &req), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_phys(m, 0x3000, false, &pa, &fl, &req), 0);
	KUNIT_ASSERT_EQ(test, pa, 0x77000);
	KUNIT_ASSERT_EQ(test, fl, TLBF_PTE_RW | TLBF_PTE_D | TLBF_PTE_P);
	KUNIT_ASSERT_TRUE(test, !req.frames);
	KUNIT_ASSERT_EQ(test, req.kind, TLBF_REQ_PAGE);
	tlbf_req_flush_local(&req);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x2000, false, &req), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_phys(m, 0x2000, false, &pa, &fl, NULL), -EINVAL);
	tlbf_req_flush_local(&req);
	done(test);
}

static void unmap_parents_only_empty(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m;

	m = setup(test, 32);
	/* two PTs under one PD: 0x0 and 0x200000 */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x2000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x200000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 5);
	/* without unmap_parents: tables stay */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x200000, false, &req), 0);
	KUNIT_ASSERT_EQ(test, tlbf_model_req_frames(&req), 1);
	tlbf_req_flush_local(&req);
	KUNIT_ASSERT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 5);
	/* non-empty PT is kept */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x1000, true, &req), 0);
	KUNIT_ASSERT_EQ(test, tlbf_model_req_frames(&req), 1);
	tlbf_req_flush_local(&req);
	KUNIT_ASSERT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 5);
	/* the last page of PT 0: PT 0 goes, the PD keeps the empty PT 1 */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x2000, true, &req), 0);
	KUNIT_ASSERT_EQ(test, tlbf_model_req_frames(&req), 2);
	tlbf_req_flush_local(&req);
	KUNIT_ASSERT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 4);
	KUNIT_ASSERT_EQ(test, tlbf_model_walk_tables(m), 4);
	/* mapping into the kept empty PT needs no new table */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x201000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 4);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x201000, true, &req), 0);
	KUNIT_ASSERT_EQ(test, tlbf_model_req_frames(&req), 4);
	tlbf_req_flush_local(&req);
	KUNIT_ASSERT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 1);
	done(test);
}

static void range_ops_one_request(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m;
	unsigned long va = 0x3fff0000UL;	/* crosses the 1 GiB line */
	unsigned long i;
	phys_addr_t pa;
	u64 fl;

	m = setup(test, 64);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, va, 32, FLAGS), 0);
	/* root, 2 PDPT entries -> 2 PDs (same PDPT), 2 PTs */
	KUNIT_ASSERT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 1 + 1 + 2 + 2);
	for (i = 0; i < 32; i++) {
		KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, va + i * PAGE_SIZE, &pa, &fl), 0);
		KUNIT_ASSERT_EQ(test, fl, FLAGS | TLBF_PTE_P);
	}
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect_range(m, va + PAGE_SIZE, 20, 0, &req), 0);
	KUNIT_ASSERT_EQ(test, req.kind, TLBF_REQ_RANGE);
	KUNIT_ASSERT_EQ(test, req.va, va + PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, req.nr_pages, 20);
	tlbf_req_flush_local(&req);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, va + 20 * PAGE_SIZE, NULL, &fl), 0);
	KUNIT_ASSERT_EQ(test, fl, TLBF_PTE_P);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, va + 21 * PAGE_SIZE, NULL, &fl), 0);
	KUNIT_ASSERT_EQ(test, fl, FLAGS | TLBF_PTE_P);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_range(m, va, 1, false, &req), 0);
	KUNIT_ASSERT_EQ(test, req.kind, TLBF_REQ_PAGE);
	tlbf_req_flush_local(&req);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_range(m, va + PAGE_SIZE, 31, true, &req), 0);
	KUNIT_ASSERT_EQ(test, tlbf_model_req_frames(&req), 31 + 5);
	tlbf_req_flush_local(&req);
	KUNIT_ASSERT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 1);
	/* phys range: consecutive physical pages */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys_range(m, KVA, 0x100000, 3, TLBF_PTE_RW), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, KVA + 2 * PAGE_SIZE, &pa, NULL), 0);
	KUNIT_ASSERT_EQ(test, pa, 0x102000);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_phys_range(m, KVA, 3, true, &req), 0);
	KUNIT_ASSERT_EQ(test, tlbf_model_req_frames(&req), 3);
	KUNIT_ASSERT_EQ(test, req.nr_pages, 3);
	tlbf_req_flush_local(&req);
	done(test);
}

/* M1: destroy gives every frame back (deferred), phys pages untouched. */
static void destroy_releases_everything(struct kunit *test)
{
	struct tlbf_mapper *m = setup(test, 64);
	u64 def = stat(TLBF_STAT_FRAMES_DEFERRED);

	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, 0x1ff000, 3, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys_range(m, KVA, 0x1000, 3, 0), 0);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 1UL + 4 + 3 + 3);
	done(test);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FRAMES_DEFERRED), def + 11);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 0UL);
}

static void flag_helpers(struct kunit *test)
{
	u64 f = tlbf_flags_new();

	KUNIT_ASSERT_EQ(test, f, TLBF_PTE_NX);
	f = tlbf_flags_set_write(f, true);
	f = tlbf_flags_set_user(f, true);
	f = tlbf_flags_set_execute(f, true);
	KUNIT_ASSERT_EQ(test, f, TLBF_PTE_RW | TLBF_PTE_US);
	f = tlbf_flags_set_cache_disable(f, true);
	f = tlbf_flags_set_write_through(f, true);
	KUNIT_ASSERT_EQ(test, f, TLBF_PTE_RW | TLBF_PTE_US | TLBF_PTE_PCD | TLBF_PTE_PWT);
	f = tlbf_flags_set_user(tlbf_flags_set_write(f, false), false);
	KUNIT_ASSERT_EQ(test, f, TLBF_PTE_PCD | TLBF_PTE_PWT);
	KUNIT_ASSERT_EQ(test, tlbf_flags_mmio(), TLBF_PTE_RW | TLBF_PTE_PCD | TLBF_PTE_PWT);
	KUNIT_ASSERT_TRUE(test, tlbf_flags_valid(0x1000, TLBF_FLAGS_MASK));
	KUNIT_ASSERT_TRUE(test, tlbf_flags_valid(0x1000, TLBF_PTE_P));
	KUNIT_ASSERT_TRUE(test, !tlbf_flags_valid(KVA, TLBF_PTE_US));
	KUNIT_ASSERT_TRUE(test, tlbf_flags_valid(KVA, TLBF_FLAGS_MASK & ~TLBF_PTE_US));
	KUNIT_ASSERT_TRUE(test, !tlbf_flags_valid(0x1000, TLBF_PTE_PS));
	KUNIT_ASSERT_TRUE(test, !tlbf_flags_valid(0x1000, TLBF_PTE_OWNED));
	KUNIT_ASSERT_TRUE(test, !tlbf_flags_valid(0x1000, 1ULL << 62));
}

#ifdef __KERNEL__
#define DIFF_OPS	12000	/* the debug kernel under TCG is slow */
#define DIFF_CHECK	8
#else
#define DIFF_OPS	20000
#define DIFF_CHECK	1
#endif
#define DIFF_ENTS	4096
#define DIFF_TBLS	512

/*
 * >= 10,000 random operations against the reference model, every outcome
 * exercised (ENOMEM only where the pool is small).
 */
static void differential_run(struct kunit *test, u64 seed, unsigned long frames,
			     bool want_enomem)
{
	struct tlbf_model *md = kunit_kzalloc(test, sizeof(*md), GFP_KERNEL);
	unsigned long i;
	int ret = 0;

	KUNIT_ASSERT_NOT_NULL(test, md);
	md->ents = kunit_kcalloc(test, DIFF_ENTS, sizeof(*md->ents), GFP_KERNEL);
	md->scratch = kunit_kcalloc(test, DIFF_ENTS, sizeof(*md->scratch), GFP_KERNEL);
	md->tbls = kunit_kcalloc(test, DIFF_TBLS, sizeof(*md->tbls), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, md->ents && md->scratch && md->tbls);
	md->cap_ents = DIFF_ENTS;
	md->cap_tbls = DIFF_TBLS;
	md->rng = seed;
	md->check_every = DIFF_CHECK;
	md->m = setup(test, frames);
	md->pool = pool_of(test);
	for (i = 0; i < DIFF_OPS && !ret; i++) {
		ret = tlbf_model_step(md);
		cond_resched();
	}
	if (!ret)
		ret = tlbf_model_check(md);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "step %lu (seed %#llx): %s", md->ops,
			    (unsigned long long)seed, md->why);
	kunit_info(test, "seed %#llx, %lu ops: ok %lu, EINVAL %lu, EEXIST %lu, ENOENT %lu, ENOMEM %lu; %u pages, %u tables mapped at the end\n",
		   (unsigned long long)seed, md->ops, md->ok, md->errs[0],
		   md->errs[1], md->errs[2], md->errs[3], md->nr_ents,
		   md->nr_tbls);
	KUNIT_EXPECT_GE(test, md->ops, (unsigned long)DIFF_OPS);
	KUNIT_EXPECT_GT(test, md->ok, (unsigned long)DIFF_OPS / 10);
	KUNIT_EXPECT_GT(test, md->errs[0], 0UL);
	KUNIT_EXPECT_GT(test, md->errs[1], 0UL);
	KUNIT_EXPECT_GT(test, md->errs[2], 0UL);
	if (want_enomem)
		KUNIT_EXPECT_GT(test, md->errs[3], 0UL);
	KUNIT_EXPECT_EQ(test, md->errs[4], 0UL);
	done(test);
}

static void differential_small_pool(struct kunit *test)
{
	differential_run(test, 0x9e3779b97f4a7c15ULL, 48, true);
}

static void differential_large_pool(struct kunit *test)
{
	differential_run(test, 12345, 400, false);
}

static struct kunit_case tlbf_pgmapper_cases[] = {
	KUNIT_CASE(create_destroy),
	KUNIT_CASE(map_translate_format),
	KUNIT_CASE(map_512_pages_4_tables),
	KUNIT_CASE(map_range_512_unmap_range_parents),
	KUNIT_CASE(map_errors_change_nothing),
	KUNIT_CASE(failing_ops_hash_identical),
	KUNIT_CASE(protect_same_frame),
	KUNIT_CASE(unmap_defers_frame),
	KUNIT_CASE(unmap_parents_only_empty),
	KUNIT_CASE(range_ops_one_request),
	KUNIT_CASE(destroy_releases_everything),
	KUNIT_CASE(flag_helpers),
	KUNIT_CASE_SLOW(differential_small_pool),
	KUNIT_CASE_SLOW(differential_large_pool),
	{}
};

static struct kunit_suite tlbf_pgmapper_suite = {
	.name = "tlbflush_pgmapper",
	.init = mapper_init,
	.exit = mapper_exit,
	.test_cases = tlbf_pgmapper_cases,
};

kunit_test_suite(tlbf_pgmapper_suite);
