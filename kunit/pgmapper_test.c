// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_pgmapper: the mapper (M1-M3) and its flush requests
 * (M4, M5), plus a randomized differential case against the reference
 * model shared with the host tests (tests/host/mapper_model.h). The exit
 * hook checks, after the deferred releases drained, that every case gave
 * back the frames it took.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/slab.h>

#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"
#include "../tests/host/mapper_model.h"

#define VA_2M	0x40000000UL		/* 1 GiB: 2 MiB aligned */
#define KVA	0xffffc90000000000UL	/* upper half */
#define FLAGS	(TLBF_PTE_RW | TLBF_PTE_NX)

struct mapper_fx {
	unsigned long in_use_before;
	struct tlbf_pool *pool;
	struct tlbf_mapper *m;
};

static int mapper_init(struct kunit *test)
{
	struct mapper_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	if (!fx)
		return -ENOMEM;
	tlbf_pool_quiesce();
	fx->in_use_before = tlbf_frames_in_use_total();
	test->priv = fx;
	return 0;
}

static void mapper_exit(struct kunit *test)
{
	struct mapper_fx *fx = test->priv;

	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ_MSG(test, tlbf_frames_in_use_total(), fx->in_use_before,
			    "frames in use not returned by the case");
	/* leftovers of a case that stopped early */
	tlbf_mapper_destroy(fx->m);
	tlbf_pool_quiesce();
	tlbf_pool_destroy(fx->pool);
	WRITE_ONCE(tlbf_warn_on_misuse, true);
}

/* A pool of @frames and a mapper on it; fx->m is destroyed by done(). */
static struct tlbf_mapper *setup(struct kunit *test, unsigned long frames)
{
	struct mapper_fx *fx = test->priv;

	fx->pool = tlbf_pool_create(frames);
	KUNIT_ASSERT_FALSE(test, IS_ERR(fx->pool));
	fx->m = tlbf_mapper_create(fx->pool);
	KUNIT_ASSERT_FALSE(test, IS_ERR(fx->m));
	return fx->m;
}

static void done(struct kunit *test)
{
	struct mapper_fx *fx = test->priv;

	tlbf_mapper_destroy(fx->m);
	fx->m = NULL;
}

static struct tlbf_pool *pool_of(struct kunit *test)
{
	return ((struct mapper_fx *)test->priv)->pool;
}

static unsigned long n_state(struct kunit *test, enum tlbf_frame_state s)
{
	return tlbf_pool_frames_in_state(pool_of(test), s);
}

static u64 stat(enum tlbf_stat s)
{
	return tlbf_stat_sum(s);
}

/* M1: create/destroy; errors instead of crashes. */
static void create_destroy(struct kunit *test)
{
	struct tlbf_mapper *m;

	KUNIT_EXPECT_EQ(test, PTR_ERR(tlbf_mapper_create(NULL)), -EINVAL);
	m = setup(test, 8);
	KUNIT_EXPECT_PTR_EQ(test, tlbf_mapper_pool(m), pool_of(test));
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 1UL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 5UL);
	done(test);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 0UL);
	/* -ENOMEM without a frame for the root */
	m = tlbf_mapper_create(pool_of(test));
	KUNIT_ASSERT_FALSE(test, IS_ERR(m));
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map_range(m, 0x1000, 4, FLAGS), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(tlbf_mapper_create(pool_of(test))), -ENOMEM);
	tlbf_mapper_destroy(m);
}

/* M1, P1: map/map_phys/translate and the entry format. */
static void map_translate_format(struct kunit *test)
{
	struct tlbf_mapper *m = setup(test, 16);
	tlbf_pte_t *t[TLBF_PT_LEVELS];
	struct tlbf_frame *f;
	phys_addr_t pa;
	u64 fl;
	int l;

	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, VA_2M + 0x5000, FLAGS | TLBF_PTE_US), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, VA_2M + 0x5000, &pa, &fl), 0);
	KUNIT_EXPECT_EQ(test, fl, FLAGS | TLBF_PTE_US | TLBF_PTE_P);
	f = tlbf_pool_frame_of_pa(pool_of(test), pa);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, f->state, TLBF_FRAME_DATA);
	KUNIT_EXPECT_TRUE(test, tlbf_pt_table_empty(tlbf_frame_va(f)));
	KUNIT_EXPECT_EQ(test, tlbf_mapper_translate(m, VA_2M + 0x5abc, &pa, NULL), 0);
	KUNIT_EXPECT_EQ(test, pa, tlbf_frame_pa(f));
	KUNIT_EXPECT_EQ(test, tlbf_mapper_translate(m, VA_2M + 0x6000, &pa, &fl), -ENOENT);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_translate(m, 0x800000000000UL, &pa, &fl), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_pt_walk(tlbf_frame_va(tlbf_mapper_root(m)),
					   VA_2M + 0x5000, t), 0);
	for (l = 3; l >= 1; l--)
		KUNIT_EXPECT_EQ(test, t[l][tlbf_va_index(VA_2M, l)] & ~TLBF_PTE_ADDR_MASK,
				TLBF_PTE_P | TLBF_PTE_RW | TLBF_PTE_US);
	KUNIT_EXPECT_EQ(test, t[0][5], tlbf_frame_pa(f) | FLAGS | TLBF_PTE_US |
			TLBF_PTE_P | TLBF_PTE_OWNED);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, KVA, TLBF_PTE_RW | TLBF_PTE_G), 0);
	KUNIT_ASSERT_EQ(test, tlbf_pt_walk(tlbf_frame_va(tlbf_mapper_root(m)), KVA, t), 0);
	for (l = 3; l >= 1; l--)
		KUNIT_EXPECT_EQ(test, t[l][tlbf_va_index(KVA, l)] & ~TLBF_PTE_ADDR_MASK,
				TLBF_PTE_P | TLBF_PTE_RW);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map_phys(m, 0x7000, 0xabcdef000ULL, 0), 0);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_translate(m, 0x7000, &pa, &fl), 0);
	KUNIT_EXPECT_EQ(test, pa, 0xabcdef000ULL);
	KUNIT_EXPECT_EQ(test, fl, TLBF_PTE_P);
	done(test);
}

/* Done-when: 512 pages at a 2 MiB-aligned VA: exactly 4 table frames. */
static void map_512_pages_4_tables(struct kunit *test)
{
	struct tlbf_mapper *m = setup(test, 600);
	unsigned long i;

	for (i = 0; i < 512; i++)
		KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, VA_2M + i * PAGE_SIZE, FLAGS), 0);
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 4UL);
	KUNIT_EXPECT_EQ(test, tlbf_model_walk_tables(m), 4UL);
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_DATA), 512UL);
	kunit_info(test, "512 pages at %#lx: %lu table frames\n", VA_2M,
		   n_state(test, TLBF_FRAME_TABLE));
	for (i = 0; i < 512; i++) {
		TLBF_FLUSH_REQ(req);

		KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, VA_2M + i * PAGE_SIZE,
							true, &req), 0);
		KUNIT_EXPECT_EQ(test, tlbf_model_req_frames(&req), i == 511 ? 4UL : 1UL);
		tlbf_req_flush_local(&req);
	}
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 1UL);
	KUNIT_EXPECT_EQ(test, tlbf_model_walk_tables(m), 1UL);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 1UL);
	kunit_info(test, "after unmap_parents + flush: %lu table frames in use\n",
		   n_state(test, TLBF_FRAME_TABLE));
	done(test);
}

/* M1, M3: the range forms, one request for the run. */
static void map_range_512_unmap_range_parents(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m = setup(test, 600);

	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, VA_2M, 512, FLAGS), 0);
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 4UL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_range(m, VA_2M, 512, true, &req), 0);
	KUNIT_EXPECT_EQ(test, req.kind, TLBF_REQ_RANGE);
	KUNIT_EXPECT_EQ(test, req.va, VA_2M);
	KUNIT_EXPECT_EQ(test, req.nr_pages, 512UL);
	KUNIT_EXPECT_EQ(test, tlbf_model_req_frames(&req), 515UL);
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_PENDING), 515UL);
	tlbf_req_flush_local(&req);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 1UL);
	done(test);
}

/* M2: -EEXIST, -EINVAL, -ENOMEM; the tables stay byte-identical. */
static void map_errors_change_nothing(struct kunit *test)
{
	struct tlbf_mapper *m = setup(test, 5);
	unsigned long used;
	u64 h;

	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	h = tlbf_model_hash(m);
	used = tlbf_pool_frames_in_use(pool_of(test));
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), -EEXIST);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map_phys(m, 0x1000, 0x5000, FLAGS), -EEXIST);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map(m, 0x1001, FLAGS), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map(m, 0x800000000000UL, FLAGS), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map_phys(m, 0x2000, 0x5001, FLAGS), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map_phys(m, 0x2000, BIT_ULL(52), FLAGS), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map(m, 0x2000, TLBF_PTE_PS), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map(m, 0x2000, TLBF_PTE_OWNED), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map(m, 0x2000, 0x1000), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map(m, KVA, TLBF_PTE_US), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map(m, 0x2000, FLAGS), -ENOMEM);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map_phys(m, KVA, 0x5000, FLAGS), -ENOMEM);
	KUNIT_EXPECT_EQ(test, tlbf_model_hash(m), h);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), used);
	done(test);
}

/* Done-when + M2: failing range/unmap/protect calls change no byte. */
static void failing_ops_hash_identical(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m = setup(test, 24);
	unsigned long used;
	u64 h;

	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, VA_2M - 4 * PAGE_SIZE, 8, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys_range(m, KVA, 0x100000, 4, 0), 0);
	h = tlbf_model_hash(m);
	used = tlbf_pool_frames_in_use(pool_of(test));
	kunit_info(test, "hash of %lu reachable tables: %#llx\n", tlbf_model_walk_tables(m),
		   (unsigned long long)h);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map_range(m, VA_2M - 8 * PAGE_SIZE, 5, FLAGS), -EEXIST);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map_range(m, 0x200000000UL, 16, FLAGS), -ENOMEM);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_unmap_range(m, VA_2M - 4 * PAGE_SIZE, 9, true, &req),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_unmap_phys_range(m, VA_2M - 4 * PAGE_SIZE, 2, true,
							   &req), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_unmap(m, KVA, true, &req), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_unmap_phys(m, VA_2M, true, NULL, NULL, &req), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_protect_range(m, KVA, 5, 0, &req), -ENOENT);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_protect_range(m, KVA, 4, TLBF_PTE_US, &req), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_protect(m, 0x3000, 0, &req), -ENOENT);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map_range(m, 0x1000, 0, FLAGS), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map_range(m, 0x7ffffffff000UL, 2, FLAGS), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map_range(m, 0xfffffffffffff000UL, 2, FLAGS), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_map_range(m, 0x1000, ULONG_MAX, FLAGS), -EINVAL);
	KUNIT_EXPECT_FALSE(test, tlbf_req_live(&req));
	KUNIT_EXPECT_EQ(test, tlbf_model_hash(m), h);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), used);
	done(test);
}

/* M1: protect changes flags, keeps the frame; yields a PAGE request. */
static void protect_same_frame(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m = setup(test, 16);
	phys_addr_t pa, pa2;
	u64 fl;

	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, 0x1000, &pa, &fl), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect(m, 0x1000, TLBF_PTE_US | TLBF_PTE_PCD, &req), 0);
	KUNIT_EXPECT_EQ(test, req.kind, TLBF_REQ_PAGE);
	KUNIT_EXPECT_EQ(test, req.va, 0x1000UL);
	KUNIT_EXPECT_NULL(test, req.frames);
	tlbf_req_flush_local(&req);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_translate(m, 0x1000, &pa2, &fl), 0);
	KUNIT_EXPECT_EQ(test, pa2, pa);
	KUNIT_EXPECT_EQ(test, fl, TLBF_PTE_US | TLBF_PTE_PCD | TLBF_PTE_P);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_protect(m, 0x2000, 0, &req), -ENOENT);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_protect(m, 0x1000, BIT_ULL(52), &req), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_protect(m, 0x1000, 0, NULL), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect(m, 0x1000, 0, &req), 0);
	/* a live request is refused */
	KUNIT_EXPECT_EQ(test, tlbf_mapper_protect(m, 0x1000, FLAGS, &req), -EINVAL);
	tlbf_req_ignore(&req);
	/* still owned after protect */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x1000, false, &req), 0);
	KUNIT_EXPECT_PTR_EQ(test, req.frames, tlbf_pool_frame_of_pa(pool_of(test), pa));
	tlbf_req_flush_local(&req);
	done(test);
}

/* M1: unmap's frame goes back only after the request is consumed. */
static void unmap_defers_frame(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m = setup(test, 8);
	struct tlbf_frame *f;
	phys_addr_t pa;
	u64 fl;

	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, 0x1000, &pa, NULL), 0);
	f = tlbf_pool_frame_of_pa(pool_of(test), pa);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x1000, false, &req), 0);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_translate(m, 0x1000, NULL, NULL), -ENOENT);
	KUNIT_EXPECT_PTR_EQ(test, req.frames, f);
	KUNIT_EXPECT_EQ(test, f->state, TLBF_FRAME_PENDING);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x2000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, 0x2000, &pa, NULL), 0);
	KUNIT_EXPECT_NE(test, pa, tlbf_frame_pa(f));
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, f->state, TLBF_FRAME_PENDING);	/* not consumed */
	tlbf_req_flush_local(&req);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, f->state, TLBF_FRAME_FREE);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_unmap(m, 0x1000, false, &req), -ENOENT);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys(m, 0x3000, 0x77000,
						   TLBF_PTE_RW | TLBF_PTE_D), 0);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_unmap(m, 0x3000, false, &req), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_phys(m, 0x3000, false, &pa, &fl, &req), 0);
	KUNIT_EXPECT_EQ(test, pa, 0x77000ULL);
	KUNIT_EXPECT_EQ(test, fl, TLBF_PTE_RW | TLBF_PTE_D | TLBF_PTE_P);
	KUNIT_EXPECT_NULL(test, req.frames);
	tlbf_req_flush_local(&req);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_unmap_phys(m, 0x2000, false, &pa, &fl, &req), -EINVAL);
	done(test);
}

/* M3: only tables left empty are unlinked, only with unmap_parents. */
static void unmap_parents_only_empty(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m = setup(test, 32);

	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x2000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x200000, FLAGS), 0);
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 5UL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x200000, false, &req), 0);
	KUNIT_EXPECT_EQ(test, tlbf_model_req_frames(&req), 1UL);
	tlbf_req_flush_local(&req);
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 5UL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x1000, true, &req), 0);
	KUNIT_EXPECT_EQ(test, tlbf_model_req_frames(&req), 1UL);
	tlbf_req_flush_local(&req);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x2000, true, &req), 0);
	KUNIT_EXPECT_EQ(test, tlbf_model_req_frames(&req), 2UL);
	tlbf_req_flush_local(&req);
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 4UL);
	KUNIT_EXPECT_EQ(test, tlbf_model_walk_tables(m), 4UL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x201000, FLAGS), 0);
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 4UL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x201000, true, &req), 0);
	KUNIT_EXPECT_EQ(test, tlbf_model_req_frames(&req), 4UL);
	tlbf_req_flush_local(&req);
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 1UL);
	done(test);
}

/* M1: range forms across table boundaries, one request per run. */
static void range_ops_one_request(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m = setup(test, 64);
	unsigned long va = 0x3fff0000UL, i;
	phys_addr_t pa;
	u64 fl;

	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, va, 32, FLAGS), 0);
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 6UL);
	for (i = 0; i < 32; i++) {
		KUNIT_EXPECT_EQ(test, tlbf_mapper_translate(m, va + i * PAGE_SIZE, &pa, &fl), 0);
		KUNIT_EXPECT_EQ(test, fl, FLAGS | TLBF_PTE_P);
	}
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect_range(m, va + PAGE_SIZE, 20, 0, &req), 0);
	KUNIT_EXPECT_EQ(test, req.kind, TLBF_REQ_RANGE);
	KUNIT_EXPECT_EQ(test, req.va, va + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, req.nr_pages, 20UL);
	tlbf_req_flush_local(&req);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_translate(m, va + 20 * PAGE_SIZE, NULL, &fl), 0);
	KUNIT_EXPECT_EQ(test, fl, TLBF_PTE_P);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_translate(m, va + 21 * PAGE_SIZE, NULL, &fl), 0);
	KUNIT_EXPECT_EQ(test, fl, FLAGS | TLBF_PTE_P);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_range(m, va, 32, true, &req), 0);
	KUNIT_EXPECT_EQ(test, tlbf_model_req_frames(&req), 32UL + 5);
	tlbf_req_flush_local(&req);
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_TABLE), 1UL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys_range(m, KVA, 0x100000, 3, TLBF_PTE_RW), 0);
	KUNIT_EXPECT_EQ(test, tlbf_mapper_translate(m, KVA + 2 * PAGE_SIZE, &pa, NULL), 0);
	KUNIT_EXPECT_EQ(test, pa, 0x102000ULL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_phys_range(m, KVA, 3, true, &req), 0);
	KUNIT_EXPECT_EQ(test, tlbf_model_req_frames(&req), 3UL);
	tlbf_req_flush_local(&req);
	done(test);
}

/* M4: flush_local performs the request on this CPU (counted). */
static void flush_local_performs(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m = setup(test, 128);
	u64 pages, fulls, locals;

	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, 0x10000, 40, FLAGS), 0);
	pages = stat(TLBF_STAT_PAGES_INVALIDATED);
	fulls = stat(TLBF_STAT_FULL_FLUSHES);
	locals = stat(TLBF_STAT_LOCAL_FLUSHES);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect(m, 0x12000, FLAGS, &req), 0);
	tlbf_req_flush_local(&req);
	KUNIT_EXPECT_FALSE(test, tlbf_req_live(&req));
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect_range(m, 0x10000, 32, FLAGS, &req), 0);
	tlbf_req_flush_local(&req);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_PAGES_INVALIDATED), pages + 33);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FULL_FLUSHES), fulls);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect_range(m, 0x10000, 33, FLAGS, &req), 0);
	tlbf_req_flush_local(&req);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_PAGES_INVALIDATED), pages + 33);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FULL_FLUSHES), fulls + 1);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_LOCAL_FLUSHES), locals + 3);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_range(m, 0x10000, 40, true, &req), 0);
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_PENDING), 43UL);
	tlbf_req_flush_local(&req);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 1UL);
	done(test);
}

/* M5: a flush-all request consumes page requests and their frames. */
static void merge_all_consumes(struct kunit *test)
{
	TLBF_FLUSH_REQ(all);
	TLBF_FLUSH_REQ(a);
	TLBF_FLUSH_REQ(b);
	struct tlbf_mapper *m = setup(test, 16);
	u64 pages, fulls;

	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x5000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x1000, false, &a), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x5000, true, &b), 0);
	tlbf_req_merge_all(&all, &a);
	tlbf_req_merge_all(&all, &b);
	KUNIT_EXPECT_FALSE(test, tlbf_req_live(&a));
	KUNIT_EXPECT_FALSE(test, tlbf_req_live(&b));
	KUNIT_EXPECT_EQ(test, all.kind, TLBF_REQ_ALL);
	KUNIT_EXPECT_EQ(test, tlbf_model_req_frames(&all), 5UL);
	pages = stat(TLBF_STAT_PAGES_INVALIDATED);
	fulls = stat(TLBF_STAT_FULL_FLUSHES);
	tlbf_req_flush_local(&all);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_PAGES_INVALIDATED), pages);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FULL_FLUSHES), fulls + 1);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 1UL);
	done(test);
}

/* M4: a live request going out of scope is counted and still handled. */
static void unconsumed_request_detected(struct kunit *test)
{
	u64 unc = stat(TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED);
	struct tlbf_mapper *m = setup(test, 8);

	WRITE_ONCE(tlbf_warn_on_misuse, false);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	{
		TLBF_FLUSH_REQ(req);

		KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x1000, true, &req), 0);
	}
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED), unc + 1);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 1UL);
	{
		TLBF_FLUSH_REQ(req);

		KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
		KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x1000, true, &req), 0);
		tlbf_req_ignore(&req);
	}
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED), unc + 1);
	done(test);
}

/* M4: tlbf_req_consume() hands op and frame references to a flusher. */
static void consume_hands_over(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m = setup(test, 8);
	struct tlbf_frame *list, *f;

	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x1000, true, &req), 0);
	list = req.frames;
	tlbf_req_consume(&req);
	KUNIT_EXPECT_FALSE(test, tlbf_req_live(&req));
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_PENDING), 4UL);
	for (f = list; f; f = f->next)
		tlbf_frame_get(f);
	while (list) {
		f = list;
		list = f->next;
		tlbf_frame_put(f);
		tlbf_frame_put(f);
	}
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 1UL);
	done(test);
}

/* M1: destroy gives every frame back (deferred), phys pages untouched. */
static void destroy_releases_everything(struct kunit *test)
{
	struct tlbf_mapper *m = setup(test, 64);

	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, 0x1ff000, 3, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_phys_range(m, KVA, 0x1000, 3, 0), 0);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 11UL);
	done(test);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 0UL);
}

/* The DragonOS-style flag helpers and their validation. */
static void flag_helpers(struct kunit *test)
{
	u64 f = tlbf_flags_new();

	KUNIT_EXPECT_EQ(test, f, TLBF_PTE_NX);
	f = tlbf_flags_set_execute(tlbf_flags_set_user(tlbf_flags_set_write(f, true), true),
				   true);
	KUNIT_EXPECT_EQ(test, f, TLBF_PTE_RW | TLBF_PTE_US);
	f = tlbf_flags_set_write_through(tlbf_flags_set_cache_disable(f, true), true);
	KUNIT_EXPECT_EQ(test, f, TLBF_PTE_RW | TLBF_PTE_US | TLBF_PTE_PCD | TLBF_PTE_PWT);
	KUNIT_EXPECT_EQ(test, tlbf_flags_mmio(), TLBF_PTE_RW | TLBF_PTE_PCD | TLBF_PTE_PWT);
	KUNIT_EXPECT_TRUE(test, tlbf_flags_valid(0x1000, TLBF_FLAGS_MASK));
	KUNIT_EXPECT_FALSE(test, tlbf_flags_valid(KVA, TLBF_PTE_US));
	KUNIT_EXPECT_FALSE(test, tlbf_flags_valid(0x1000, TLBF_PTE_PS));
	KUNIT_EXPECT_FALSE(test, tlbf_flags_valid(0x1000, TLBF_PTE_OWNED));
}

#define DIFF_OPS	12000
#define DIFF_ENTS	2048
#define DIFF_TBLS	256

static void differential_run(struct kunit *test, u64 seed, unsigned long frames)
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
	md->check_every = 8;
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
	kunit_info(test, "seed %#llx, %lu ops: ok %lu, EINVAL %lu, EEXIST %lu, ENOENT %lu, ENOMEM %lu\n",
		   (unsigned long long)seed, md->ops, md->ok, md->errs[0],
		   md->errs[1], md->errs[2], md->errs[3]);
	KUNIT_EXPECT_GE(test, md->ops, (unsigned long)DIFF_OPS);
	KUNIT_EXPECT_GT(test, md->ok, (unsigned long)DIFF_OPS / 10);
	KUNIT_EXPECT_GT(test, md->errs[0], 0UL);
	KUNIT_EXPECT_GT(test, md->errs[1], 0UL);
	KUNIT_EXPECT_GT(test, md->errs[2], 0UL);
	KUNIT_EXPECT_GT(test, md->errs[3], 0UL);
	KUNIT_EXPECT_EQ(test, md->errs[4], 0UL);
	done(test);
}

/* >= 10,000 random operations against the reference model. */
static void differential_random_ops(struct kunit *test)
{
	differential_run(test, 0x9e3779b97f4a7c15ULL, 48);
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
	KUNIT_CASE(flush_local_performs),
	KUNIT_CASE(merge_all_consumes),
	KUNIT_CASE(unconsumed_request_detected),
	KUNIT_CASE(consume_hands_over),
	KUNIT_CASE(destroy_releases_everything),
	KUNIT_CASE(flag_helpers),
	KUNIT_CASE_SLOW(differential_random_ops),
	{}
};

static struct kunit_suite tlbf_pgmapper_suite = {
	.name = "tlbflush_pgmapper",
	.init = mapper_init,
	.exit = mapper_exit,
	.test_cases = tlbf_pgmapper_cases,
};

kunit_test_suite(tlbf_pgmapper_suite);
