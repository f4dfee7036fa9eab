/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture of the KUnit suites tlbflush_pgmapper and tlbflush_flush_req
 * (kunit/pgmapper_test.c, kunit/flush_req_test.c): each case gets a pool
 * and a mapper from setup(); the exit hook destroys them and checks, after
 * the deferred releases drained, that the case gave back every frame it
 * took. Kernel and host (tests/host/shim/kunit) builds alike.
 */
#ifndef _TLBFLUSH_KUNIT_MAPPER_FX_H
#define _TLBFLUSH_KUNIT_MAPPER_FX_H

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/slab.h>

#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"

#define VA_2M	0x40000000UL		/* 1 GiB: 2 MiB aligned */
#define KVA	0xffffc90000000000UL	/* upper half */
#define FLAGS	(TLBF_PTE_RW | TLBF_PTE_NX)

struct mapper_fx {
	unsigned long in_use_before;
	struct tlbf_pool *pool;
	struct tlbf_mapper *m;
};

static inline int mapper_init(struct kunit *test)
{
	struct mapper_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	if (!fx)
		return -ENOMEM;
	tlbf_pool_quiesce();
	fx->in_use_before = tlbf_frames_in_use_total();
	test->priv = fx;
	return 0;
}

/* Destroy the case's mapper and pool, if any (deferred frames drained). */
static inline void mapper_put(struct mapper_fx *fx)
{
	tlbf_mapper_destroy(fx->m);
	fx->m = NULL;
	tlbf_pool_quiesce();
	tlbf_pool_destroy(fx->pool);
	fx->pool = NULL;
}

static inline void mapper_exit(struct kunit *test)
{
	struct mapper_fx *fx = test->priv;

	mapper_put(fx);
	KUNIT_EXPECT_EQ_MSG(test, tlbf_frames_in_use_total(), fx->in_use_before,
			    "frames in use not returned by the case");
	WRITE_ONCE(tlbf_warn_on_misuse, true);
}

/* A pool of @frames and a mapper on it (replacing the case's earlier ones). */
static inline struct tlbf_mapper *setup(struct kunit *test, unsigned long frames)
{
	struct mapper_fx *fx = test->priv;

	mapper_put(fx);
	fx->pool = tlbf_pool_create(frames);
	KUNIT_ASSERT_FALSE(test, IS_ERR(fx->pool));
	fx->m = tlbf_mapper_create(fx->pool);
	KUNIT_ASSERT_FALSE(test, IS_ERR(fx->m));
	return fx->m;
}

/* Destroy the mapper (its frames go back deferred); the pool stays. */
static inline void done(struct kunit *test)
{
	struct mapper_fx *fx = test->priv;

	tlbf_mapper_destroy(fx->m);
	fx->m = NULL;
}

static inline struct tlbf_pool *pool_of(struct kunit *test)
{
	return ((struct mapper_fx *)test->priv)->pool;
}

static inline unsigned long n_state(struct kunit *test, enum tlbf_frame_state s)
{
	return tlbf_pool_frames_in_state(pool_of(test), s);
}

static inline u64 stat(enum tlbf_stat s)
{
	return tlbf_stat_sum(s);
}

#endif /* _TLBFLUSH_KUNIT_MAPPER_FX_H */
