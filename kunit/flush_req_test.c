// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_flush_req: flush requests (flush_req.c, M4, M5):
 * the local flush, the merge into a flush-all, the unconsumed-request
 * check and the hand-over to a higher layer. Same fixture and the same
 * two builds as tlbflush_pgmapper (kernel KUnit; tests/host/
 * test_flush_req.c under ASan and UBSan, where #ifndef __KERNEL__ lines
 * also count the shim's invlpg calls).
 */
#include "mapper_fx.h"
#include "../tests/common/mapper_model.h"

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
#ifndef __KERNEL__
	shim_flush_page_calls = 0;
	shim_flush_all_calls = 0;
#endif
	/* PAGE: one invlpg of that page */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect(m, 0x12000, FLAGS, &req), 0);
	tlbf_req_flush_local(&req);
	KUNIT_EXPECT_FALSE(test, tlbf_req_live(&req));
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_PAGES_INVALIDATED), pages + 1);
#ifndef __KERNEL__
	KUNIT_EXPECT_EQ(test, shim_flush_page_calls, 1UL);
	KUNIT_EXPECT_EQ(test, shim_flush_log[0], 0x12000UL);
#endif
	/* RANGE of 32: 32 invlpg of exactly those pages */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect_range(m, 0x10000, 32, FLAGS, &req), 0);
	tlbf_req_flush_local(&req);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_PAGES_INVALIDATED), pages + 33);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FULL_FLUSHES), fulls);
#ifndef __KERNEL__
	KUNIT_EXPECT_EQ(test, shim_flush_page_calls, 33UL);
	KUNIT_EXPECT_EQ(test, shim_flush_log[32 % SHIM_FLUSH_LOG],
			0x10000 + 31 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, shim_flush_all_calls, 0UL);
#endif
	/* RANGE of 33: one full flush instead */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_protect_range(m, 0x10000, 33, FLAGS, &req), 0);
	tlbf_req_flush_local(&req);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_PAGES_INVALIDATED), pages + 33);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FULL_FLUSHES), fulls + 1);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_LOCAL_FLUSHES), locals + 3);
#ifndef __KERNEL__
	KUNIT_EXPECT_EQ(test, shim_flush_page_calls, 33UL);
	KUNIT_EXPECT_EQ(test, shim_flush_all_calls, 1UL);
#endif
	/* frames are put: PENDING until the grace period, then FREE */
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap_range(m, 0x10000, 40, true, &req), 0);
	KUNIT_EXPECT_EQ(test, n_state(test, TLBF_FRAME_PENDING), 43UL);
	tlbf_req_flush_local(&req);
#ifndef __KERNEL__
	KUNIT_EXPECT_EQ(test, shim_rcu_queued(), 43UL);
#endif
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 1UL);
	/* an empty request is a no-op */
	pages = stat(TLBF_STAT_PAGES_INVALIDATED);
	locals = stat(TLBF_STAT_LOCAL_FLUSHES);
	tlbf_req_flush_local(&req);
	tlbf_req_ignore(&req);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_PAGES_INVALIDATED), pages);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_LOCAL_FLUSHES), locals);
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
	KUNIT_EXPECT_EQ(test, tlbf_model_req_frames(&b), 4UL);
	tlbf_req_merge_all(&all, &a);
	KUNIT_EXPECT_EQ(test, all.kind, TLBF_REQ_ALL);
	KUNIT_EXPECT_FALSE(test, tlbf_req_live(&a));
	tlbf_req_merge_all(&all, &b);
	KUNIT_EXPECT_FALSE(test, tlbf_req_live(&b));
	KUNIT_EXPECT_EQ(test, all.kind, TLBF_REQ_ALL);
	KUNIT_EXPECT_EQ(test, tlbf_model_req_frames(&all), 5UL);
	tlbf_req_merge_all(&all, &all);	/* self: stays ALL, frames kept */
	KUNIT_EXPECT_EQ(test, tlbf_model_req_frames(&all), 5UL);
	pages = stat(TLBF_STAT_PAGES_INVALIDATED);
	fulls = stat(TLBF_STAT_FULL_FLUSHES);
#ifndef __KERNEL__
	shim_flush_all_global_calls = 0;
#endif
	tlbf_req_flush_local(&all);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_PAGES_INVALIDATED), pages);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FULL_FLUSHES), fulls + 1);
#ifndef __KERNEL__
	/* FL5: "all" names no page, so global entries go too. */
	KUNIT_EXPECT_EQ(test, shim_flush_all_global_calls, 1UL);
#endif
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 1UL);
	done(test);
}

/* M4: a live request leaving scope is counted, reported, then handled. */
static void unconsumed_request_detected(struct kunit *test)
{
	u64 unc = stat(TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED);
	struct tlbf_mapper *m = setup(test, 8);
	u64 pages;

	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	WRITE_ONCE(tlbf_warn_on_misuse, false);
	pages = stat(TLBF_STAT_PAGES_INVALIDATED);
	{
		TLBF_FLUSH_REQ(req);

		KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x1000, true, &req), 0);
		/* dropped here without flush/ignore/hand-over */
	}
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED), unc + 1);
	/* conservative: flushed locally */
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_PAGES_INVALIDATED), pages + 1);
	tlbf_pool_quiesce();
	/* frames not leaked */
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 1UL);
	/* consumed requests are not reported */
	{
		TLBF_FLUSH_REQ(req);

		KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
		KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x1000, true, &req), 0);
		tlbf_req_ignore(&req);
	}
	{
		TLBF_FLUSH_REQ(req);	/* never filled */
	}
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED), unc + 1);
	done(test);
}

static void consume_hands_over(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m;
	struct tlbf_frame *list, *f;
	u64 unc = stat(TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED);

	m = setup(test, 8);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, 0x1000, FLAGS), 0);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, 0x1000, true, &req), 0);
	list = req.frames;
	tlbf_req_consume(&req);
	KUNIT_ASSERT_TRUE(test, !tlbf_req_live(&req));
	KUNIT_ASSERT_EQ(test, tlbf_pool_frames_in_state(pool_of(test), TLBF_FRAME_PENDING), 4);
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
	KUNIT_ASSERT_EQ(test, tlbf_pool_frames_in_use(pool_of(test)), 1);
	KUNIT_ASSERT_EQ(test, stat(TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED), unc);
	done(test);
}

static struct kunit_case tlbf_flush_req_cases[] = {
	KUNIT_CASE(flush_local_performs),
	KUNIT_CASE(merge_all_consumes),
	KUNIT_CASE(unconsumed_request_detected),
	KUNIT_CASE(consume_hands_over),
	{}
};

static struct kunit_suite tlbf_flush_req_suite = {
	.name = "tlbflush_flush_req",
	.init = mapper_init,
	.exit = mapper_exit,
	.test_cases = tlbf_flush_req_cases,
};

kunit_test_suite(tlbf_flush_req_suite);
