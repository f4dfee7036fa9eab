// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_flusher: the flusher rules FL1-FL9, FL11 of
 * ARCHITECTURE.md on the real IPI path, one case per rule or rule pair.
 * CPU hotplug (FL10) is in flusher_hotplug_test.c, all CPUs flushing at
 * each other in flusher_storm_test.c, the fixtures in flusher_fixture.c.
 *
 * Cases read the per-CPU counters before and after what they do; nothing
 * else flushes while KUnit runs. Values are collected with preemption
 * disabled and asserted after it is enabled again. After every case the
 * suite's exit hook waits for all flushes and RCU callbacks and checks the
 * debugfs invariants; then the fixtures tear down what the case set up.
 */
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/slab.h>

#include "tlbflush/flusher.h"
#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"
#include "flusher_fixture.h"

/* ---- the cases ---- */

static const enum tlbf_stat tlbf_flush_stats[] = {
	TLBF_STAT_IPIS_SENT, TLBF_STAT_IPIS_RECEIVED, TLBF_STAT_LOCAL_FLUSHES,
	TLBF_STAT_PAGES_INVALIDATED, TLBF_STAT_FULL_FLUSHES,
	TLBF_STAT_DISPATCHES,
};

#define TLBF_NR_FLUSH_STATS ARRAY_SIZE(tlbf_flush_stats)

static void tlbf_snap_flush_stats(u64 *v)
{
	int i;

	for (i = 0; i < TLBF_NR_FLUSH_STATS; i++)
		v[i] = tlbf_stat_sum(tlbf_flush_stats[i]);
}

/* FL3: issue only records; nothing is flushed anywhere, not even here. */
static void tlbf_issue_without_dispatch_flushes_nowhere(struct kunit *test)
{
	u64 before[TLBF_NR_FLUSH_STATS] = {}, after[TLBF_NR_FLUSH_STATS] = {};
	struct cpumask *targets = tlbf_test_mask(test);
	u64 issued = tlbf_stat_sum(TLBF_STAT_OPS_ISSUED_SINGLE) +
		     tlbf_stat_sum(TLBF_STAT_OPS_ISSUED_RANGE) +
		     tlbf_stat_sum(TLBF_STAT_OPS_ISSUED_ALL);
	struct tlbf_flusher fl;
	int err, i, r[3] = {};

	cpumask_copy(targets, cpu_online_mask);
	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_async);
	if (!err) {
		tlbf_snap_flush_stats(before);
		r[0] = tlbf_flusher_issue(&fl, tlbf_op_page(TLBF_TEST_VA));
		r[1] = tlbf_flusher_issue(&fl, tlbf_op_range(TLBF_TEST_VA, 4));
		r[2] = tlbf_flusher_issue(&fl, tlbf_op_all());
		tlbf_snap_flush_stats(after);
		tlbf_flusher_dispatch(&fl);
		tlbf_flusher_sync(&fl);
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	KUNIT_ASSERT_EQ(test, err, 0);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, r[i], 0);
	for (i = 0; i < TLBF_NR_FLUSH_STATS; i++)
		KUNIT_EXPECT_EQ_MSG(test, after[i], before[i], "%s",
				    tlbf_stat_names[tlbf_flush_stats[i]]);
	KUNIT_EXPECT_EQ(test, tlbf_stat_sum(TLBF_STAT_OPS_ISSUED_SINGLE) +
			tlbf_stat_sum(TLBF_STAT_OPS_ISSUED_RANGE) +
			tlbf_stat_sum(TLBF_STAT_OPS_ISSUED_ALL), issued + 3);
	/* Bad ops are refused and recorded nowhere. */
	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_async);
	if (!err) {
		r[0] = tlbf_flusher_issue(&fl, TLBF_OP_INVALID);
		r[1] = tlbf_ops_empty(&fl.ops);
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, r[0], -EINVAL);
	KUNIT_EXPECT_EQ(test, r[1], 1);
	KUNIT_EXPECT_EQ(test, tlbf_flusher_init(&fl, targets, NULL), -EINVAL);
}

/* FL2: the target set is read at dispatch, not at init or issue. */
static void tlbf_targets_read_at_dispatch(struct kunit *test)
{
	struct cpumask *targets = tlbf_test_mask(test);
	u64 local0 = 0, local1 = 0, recv0 = 0, recv1 = 0, pages0 = 0, pages1 = 0;
	u64 self_pages0 = 0, self_pages1 = 0;
	struct tlbf_flusher fl;
	int self, other, err;

	preempt_disable();
	self = smp_processor_id();
	other = tlbf_other_cpu(self);
	if (other < 0) {
		preempt_enable();
		kunit_skip(test, "needs two online CPUs");
	}
	cpumask_set_cpu(self, targets);
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_async);
	if (!err) {
		local0 = cpu_stat(self, TLBF_STAT_LOCAL_FLUSHES);
		self_pages0 = cpu_stat(self, TLBF_STAT_PAGES_INVALIDATED);
		recv0 = cpu_stat(other, TLBF_STAT_IPIS_RECEIVED);
		pages0 = cpu_stat(other, TLBF_STAT_PAGES_INVALIDATED);
		tlbf_flusher_issue(&fl, tlbf_op_range(TLBF_TEST_VA, 3));
		/* The owner of the set changes it between issue and dispatch. */
		cpumask_clear_cpu(self, targets);
		cpumask_set_cpu(other, targets);
		tlbf_flusher_dispatch(&fl);
		err = tlbf_flusher_sync(&fl);
		local1 = cpu_stat(self, TLBF_STAT_LOCAL_FLUSHES);
		self_pages1 = cpu_stat(self, TLBF_STAT_PAGES_INVALIDATED);
		recv1 = cpu_stat(other, TLBF_STAT_IPIS_RECEIVED);
		pages1 = cpu_stat(other, TLBF_STAT_PAGES_INVALIDATED);
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, local1, local0);
	KUNIT_EXPECT_EQ(test, self_pages1, self_pages0);
	KUNIT_EXPECT_EQ(test, recv1, recv0 + 1);
	KUNIT_EXPECT_EQ(test, pages1, pages0 + 3);
}

/* A flusher whose only target is its own CPU flushes locally, no IPI. */
static void tlbf_self_only_target_sends_no_ipi(struct kunit *test)
{
	struct cpumask *targets = tlbf_test_mask(test);
	u64 sent0 = 0, sent1 = 0, local0 = 0, local1 = 0, pages0 = 0, pages1 = 0;
	struct tlbf_flusher fl;
	int self, err;

	preempt_disable();
	self = smp_processor_id();
	cpumask_set_cpu(self, targets);
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_sync);
	if (!err) {
		sent0 = tlbf_stat_sum(TLBF_STAT_IPIS_SENT);
		local0 = cpu_stat(self, TLBF_STAT_LOCAL_FLUSHES);
		pages0 = cpu_stat(self, TLBF_STAT_PAGES_INVALIDATED);
		tlbf_flusher_issue(&fl, tlbf_op_page(TLBF_TEST_VA));
		tlbf_flusher_issue(&fl, tlbf_op_range(TLBF_TEST_VA + 8192, 2));
		err = tlbf_flusher_dispatch(&fl);
		sent1 = tlbf_stat_sum(TLBF_STAT_IPIS_SENT);
		local1 = cpu_stat(self, TLBF_STAT_LOCAL_FLUSHES);
		pages1 = cpu_stat(self, TLBF_STAT_PAGES_INVALIDATED);
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, sent1, sent0);
	KUNIT_EXPECT_EQ(test, local1, local0 + 1);
	KUNIT_EXPECT_EQ(test, pages1, pages0 + 3);
}

/* An empty target set: dispatch flushes nothing; frames only wait for RCU. */
static void tlbf_empty_target_set_is_noop(struct kunit *test)
{
	u64 before[TLBF_NR_FLUSH_STATS] = {}, after[TLBF_NR_FLUSH_STATS] = {};
	struct cpumask *targets = tlbf_test_mask(test);
	struct tlbf_pool *pool = tlbf_test_pool(test, 8);
	struct tlbf_frame *f = tlbf_test_pending_frame(test, pool);
	struct tlbf_flusher fl;
	int err, i;

	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_async);
	if (!err) {
		tlbf_snap_flush_stats(before);
		tlbf_flusher_issue(&fl, tlbf_op_page(TLBF_TEST_VA));
		tlbf_flusher_issue_with(&fl, tlbf_op_all(), f);
		err = tlbf_flusher_dispatch(&fl);
		err = err ?: tlbf_flusher_sync(&fl);
		tlbf_snap_flush_stats(after);
		tlbf_flusher_finish(&fl);
	} else {
		tlbf_frame_put(f);
	}
	preempt_enable();
	KUNIT_EXPECT_EQ(test, err, 0);
	for (i = 0; i < TLBF_NR_FLUSH_STATS; i++)
		KUNIT_EXPECT_EQ_MSG(test, after[i], before[i], "%s",
				    tlbf_stat_names[tlbf_flush_stats[i]]);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool), 0UL);
}

/* FL4: a frame stays PENDING until every target flushed, then goes back. */
static void tlbf_issue_with_frame_pending_until_targets_done(struct kunit *test)
{
	struct cpumask *targets = tlbf_test_mask(test);
	struct tlbf_pool *pool = tlbf_test_pool(test, 8);
	enum tlbf_frame_state st_dispatched = 0, st_synced = 0;
	unsigned int queued = 0;
	struct tlbf_blocker *b;
	struct tlbf_flusher fl;
	struct tlbf_frame *f;
	int self, other, err;
	bool all;

	other = tlbf_other_cpu(tlbf_pin_here(test));
	if (other < 0)
		kunit_skip(test, "needs two online CPUs");
	b = tlbf_test_blocker(test, other, TLBF_BLOCK_MAX_MS, -1, 0);
	f = tlbf_test_pending_frame(test, pool);

	preempt_disable();
	self = smp_processor_id();	/* pinned, not @other */
	cpumask_set_cpu(self, targets);
	cpumask_set_cpu(other, targets);
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_async);
	if (!err) {
		tlbf_flusher_issue_with(&fl, tlbf_op_page(TLBF_TEST_VA), f);
		err = tlbf_flusher_dispatch(&fl);
		/* This CPU flushed; @other cannot have (IRQs off). */
		st_dispatched = READ_ONCE(f->state);
		queued = tlbf_flusher_queue_pages(other, &all);
		tlbf_blocker_release(b);
		err = err ?: tlbf_flusher_sync(&fl);
		st_synced = READ_ONCE(f->state);
		tlbf_flusher_finish(&fl);
	} else {
		tlbf_blocker_release(b);
		tlbf_frame_put(f);
	}
	preempt_enable();
	tlbf_blocker_stop(b);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, st_dispatched, TLBF_FRAME_PENDING);
	KUNIT_EXPECT_EQ(test, queued, 1U);
	/* Every target flushed: only the RCU grace period is left. */
	KUNIT_EXPECT_EQ(test, st_synced, TLBF_FRAME_PENDING);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, READ_ONCE(f->state), TLBF_FRAME_FREE);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool), 0UL);
}

/* FL6 over dispatch: THRESHOLD + 1 pages = exactly one full flush per target. */
static void tlbf_threshold_overflow_one_full_flush_per_target(struct kunit *test)
{
	const unsigned int thr = 32;
	struct cpumask *targets = tlbf_test_mask(test);
	u64 *full0, *full1, *pages0, *pages1;
	u64 merged0 = 0, merged1 = 0;
	struct tlbf_flusher fl;
	int cpu, err, i;

	full0 = kunit_kcalloc(test, nr_cpu_ids, sizeof(u64), GFP_KERNEL);
	full1 = kunit_kcalloc(test, nr_cpu_ids, sizeof(u64), GFP_KERNEL);
	pages0 = kunit_kcalloc(test, nr_cpu_ids, sizeof(u64), GFP_KERNEL);
	pages1 = kunit_kcalloc(test, nr_cpu_ids, sizeof(u64), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, full0 && full1 && pages0 && pages1);
	tlbf_test_threshold(test, thr);

	cpus_read_lock();
	cpumask_copy(targets, cpu_online_mask);
	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_sync);
	if (!err) {
		for_each_online_cpu(cpu) {
			full0[cpu] = cpu_stat(cpu, TLBF_STAT_FULL_FLUSHES);
			pages0[cpu] = cpu_stat(cpu, TLBF_STAT_PAGES_INVALIDATED);
		}
		merged0 = tlbf_stat_sum(TLBF_STAT_OPS_MERGED_TO_ALL);
		for (i = 0; i <= thr; i++)
			tlbf_flusher_issue(&fl, tlbf_op_page(TLBF_TEST_VA +
							     i * 4096UL));
		merged1 = tlbf_stat_sum(TLBF_STAT_OPS_MERGED_TO_ALL);
		err = tlbf_flusher_dispatch(&fl);
		for_each_online_cpu(cpu) {
			full1[cpu] = cpu_stat(cpu, TLBF_STAT_FULL_FLUSHES);
			pages1[cpu] = cpu_stat(cpu, TLBF_STAT_PAGES_INVALIDATED);
		}
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, merged1, merged0 + 1);
	for_each_online_cpu(cpu) {
		KUNIT_EXPECT_EQ_MSG(test, full1[cpu], full0[cpu] + 1, "cpu%d",
				    cpu);
		KUNIT_EXPECT_EQ_MSG(test, pages1[cpu], pages0[cpu], "cpu%d",
				    cpu);
	}
	cpus_read_unlock();
}

static void tlbf_sync_irqs_disabled_edeadlk(struct kunit *test)
{
	struct cpumask *targets = tlbf_test_mask(test);
	u64 refused0, refused1, dref0, dref1;
	int err, e_sync = 0, e_disp = 0, e_disp2 = 0;
	struct tlbf_flusher fl;
	bool still_issued = false;
	unsigned long flags;

	cpumask_copy(targets, cpu_online_mask);
	tlbf_test_quiet_misuse(test);
	refused0 = tlbf_stat_sum(TLBF_STAT_SYNC_REFUSED_IRQS_OFF);
	dref0 = tlbf_stat_sum(TLBF_STAT_DISPATCH_REFUSED);
	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_async);
	if (!err) {
		tlbf_flusher_issue(&fl, tlbf_op_page(TLBF_TEST_VA));
		local_irq_save(flags);
		e_sync = tlbf_flusher_sync(&fl);
		if (num_online_cpus() > 1) {
			e_disp = tlbf_flusher_dispatch(&fl);
			still_issued = !tlbf_ops_empty(&fl.ops);
		}
		local_irq_restore(flags);
		e_disp2 = tlbf_flusher_dispatch(&fl);
		tlbf_flusher_sync(&fl);
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	refused1 = tlbf_stat_sum(TLBF_STAT_SYNC_REFUSED_IRQS_OFF);
	dref1 = tlbf_stat_sum(TLBF_STAT_DISPATCH_REFUSED);

	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, e_sync, -EDEADLK);
	KUNIT_EXPECT_EQ(test, refused1, refused0 + 1);
	if (num_online_cpus() > 1) {
		KUNIT_EXPECT_EQ(test, e_disp, -EDEADLK);
		KUNIT_EXPECT_TRUE(test, still_issued);
		KUNIT_EXPECT_EQ(test, dref1, dref0 + 1);
	}
	KUNIT_EXPECT_EQ(test, e_disp2, 0);
}

/* FL1: a flusher used on another CPU is refused and reported. */
static void tlbf_wrong_cpu_is_refused(struct kunit *test)
{
	struct cpumask *targets = tlbf_test_mask(test);
	u64 wrong0, wrong1;
	struct tlbf_flusher fl;
	int err, e_issue = 0, e_disp = 0;

	tlbf_test_quiet_misuse(test);
	wrong0 = tlbf_stat_sum(TLBF_STAT_MISUSE_WRONG_CPU);
	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_async);
	if (!err) {
		int real = fl.cpu;

		fl.cpu = real + 1;	/* as if it had migrated */
		e_issue = tlbf_flusher_issue(&fl, tlbf_op_page(TLBF_TEST_VA));
		e_disp = tlbf_flusher_dispatch(&fl);
		fl.cpu = real;
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	wrong1 = tlbf_stat_sum(TLBF_STAT_MISUSE_WRONG_CPU);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, e_issue, -EINVAL);
	KUNIT_EXPECT_EQ(test, e_disp, -EINVAL);
	KUNIT_EXPECT_EQ(test, wrong1, wrong0 + 2);
}

/*
 * FL11: a CPU that does not answer within slow_cpu_ms is reported. The
 * target is held with IRQs off until the report is counted (not for a
 * time: however slow the emulated CPUs, the report comes first), so a
 * blocker that had to give up by itself means there was no report.
 */
static void tlbf_slow_cpu_is_reported(struct kunit *test)
{
	struct cpumask *targets = tlbf_test_mask(test);
	struct tlbf_blocker *b;
	struct tlbf_flusher fl;
	u64 rep0, rep1;
	int other, err;

	other = tlbf_other_cpu(tlbf_pin_here(test));
	if (other < 0)
		kunit_skip(test, "needs two online CPUs");
	tlbf_test_slow_cpu_ms(test, 50);
	rep0 = tlbf_stat_sum(TLBF_STAT_SLOW_CPU_REPORTS);
	b = tlbf_test_blocker(test, other, TLBF_BLOCK_MAX_MS,
			      TLBF_STAT_SLOW_CPU_REPORTS, rep0);
	cpumask_set_cpu(other, targets);
	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_sync);
	if (!err) {
		tlbf_flusher_issue(&fl, tlbf_op_page(TLBF_TEST_VA));
		err = tlbf_flusher_dispatch(&fl);
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	rep1 = tlbf_stat_sum(TLBF_STAT_SLOW_CPU_REPORTS);
	tlbf_blocker_stop(b);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_FALSE_MSG(test, b->timed_out,
			       "cpu%d held %u ms and never reported slow",
			       other, TLBF_BLOCK_MAX_MS);
	KUNIT_EXPECT_GE(test, rep1, rep0 + 1);
}

static void tlbf_mapper_action(void *arg)
{
	tlbf_mapper_destroy(arg);
}

/* A mapper over @pool, destroyed when the case ends (before the pool). */
static struct tlbf_mapper *tlbf_test_mapper(struct kunit *test,
					    struct tlbf_pool *pool)
{
	struct tlbf_mapper *m = tlbf_mapper_create(pool);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	tlbf_test_defer(test, tlbf_mapper_action, m);
	return m;
}

/* Mapper integration: requests become ops, unmapped frames issue_with. */
static void tlbf_mapper_requests_through_flusher(struct kunit *test)
{
	TLBF_FLUSH_REQ(prot);
	TLBF_FLUSH_REQ(unmap);
	struct cpumask *targets = tlbf_test_mask(test);
	struct tlbf_pool *pool = tlbf_test_pool(test, 64);
	struct tlbf_mapper *m = tlbf_test_mapper(test, pool);
	u64 rw = tlbf_flags_set_write(tlbf_flags_new(), true);
	u64 single0, range0, single1, range1, deferred0, deferred1;
	unsigned long base_in_use;
	struct tlbf_flusher fl;
	int err, e[4] = {};
	bool live[2] = {};

	base_in_use = tlbf_pool_frames_in_use(pool);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map_range(m, TLBF_TEST_VA, 4, rw), 0);
	KUNIT_EXPECT_GT(test, tlbf_pool_frames_in_use(pool), base_in_use);
	cpumask_copy(targets, cpu_online_mask);
	single0 = tlbf_stat_sum(TLBF_STAT_OPS_ISSUED_SINGLE);
	range0 = tlbf_stat_sum(TLBF_STAT_OPS_ISSUED_RANGE);
	deferred0 = tlbf_stat_sum(TLBF_STAT_FRAMES_DEFERRED);

	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_async);
	if (!err) {
		e[0] = tlbf_mapper_protect(m, TLBF_TEST_VA, tlbf_flags_new(),
					   &prot);
		e[1] = tlbf_flusher_issue_req(&fl, &prot);
		e[2] = tlbf_mapper_unmap_range(m, TLBF_TEST_VA, 4, true,
					       &unmap);
		e[3] = tlbf_flusher_issue_req(&fl, &unmap);
		live[0] = tlbf_req_live(&prot);
		live[1] = tlbf_req_live(&unmap);
		tlbf_flusher_dispatch(&fl);
		tlbf_flusher_sync(&fl);
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, e[0], 0);
	KUNIT_EXPECT_EQ(test, e[1], 0);
	KUNIT_EXPECT_EQ(test, e[2], 0);
	KUNIT_EXPECT_EQ(test, e[3], 0);
	KUNIT_EXPECT_FALSE(test, live[0]);
	KUNIT_EXPECT_FALSE(test, live[1]);
	single1 = tlbf_stat_sum(TLBF_STAT_OPS_ISSUED_SINGLE);
	range1 = tlbf_stat_sum(TLBF_STAT_OPS_ISSUED_RANGE);
	deferred1 = tlbf_stat_sum(TLBF_STAT_FRAMES_DEFERRED);
	KUNIT_EXPECT_EQ(test, single1, single0 + 1);
	KUNIT_EXPECT_EQ(test, range1, range0 + 1);
	/* 4 data frames and the 3 emptied tables below the root. */
	KUNIT_EXPECT_EQ(test, deferred1, deferred0 + 7);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool), base_in_use);
}

/* After every case: no flush in flight, the debugfs invariants hold. */
static struct kunit_case tlbf_flusher_cases[] = {
	KUNIT_CASE(tlbf_issue_without_dispatch_flushes_nowhere),
	KUNIT_CASE(tlbf_targets_read_at_dispatch),
	KUNIT_CASE(tlbf_self_only_target_sends_no_ipi),
	KUNIT_CASE(tlbf_empty_target_set_is_noop),
	KUNIT_CASE(tlbf_issue_with_frame_pending_until_targets_done),
	KUNIT_CASE(tlbf_threshold_overflow_one_full_flush_per_target),
	KUNIT_CASE(tlbf_sync_irqs_disabled_edeadlk),
	KUNIT_CASE(tlbf_wrong_cpu_is_refused),
	KUNIT_CASE(tlbf_slow_cpu_is_reported),
	KUNIT_CASE(tlbf_mapper_requests_through_flusher),
	{}
};

static struct kunit_suite tlbf_flusher_suite = {
	.name = "tlbflush_flusher",
	.exit = tlbf_flusher_check_invariants,
	.test_cases = tlbf_flusher_cases,
};

kunit_test_suites(&tlbf_flusher_suite);
