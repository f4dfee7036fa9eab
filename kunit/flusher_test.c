// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_flusher: the flusher rules FL1-FL12 of
 * ARCHITECTURE.md, on the real IPI path (the test VM has 4 vCPUs).
 *
 * Cases read the per-CPU counters before and after what they do; nothing
 * else flushes while KUnit runs. Values are collected with preemption
 * disabled and asserted after it is enabled again. After every case the
 * suite's exit hook waits for all flushes and RCU callbacks and checks the
 * debugfs invariants (ipis_sent == ipis_received + queues_drained_offline,
 * frames_deferred == frames_released + frames_pending, nothing pending).
 *
 * Some cases hold a target CPU with IRQs disabled in a kthread (a
 * "blocker") to keep a dispatched flush queued there for a while; the
 * blocker lets go by itself after TLBF_BLOCK_MAX_MS at the latest.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>

#include "tlbflush/flusher.h"
#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"

/* tlbf_flusher_test_*() are exported with EXPORT_SYMBOL_IF_KUNIT. */
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define TLBF_BLOCK_MAX_MS	1000
#define TLBF_TEST_VA		0x7f0000000000UL

static u64 cpu_stat(int cpu, enum tlbf_stat s)
{
	return tlbf_stat_cpu(cpu, s);
}

/* ---- blocker: a kthread spinning with IRQs disabled on one CPU ---- */

struct tlbf_blocker {
	struct task_struct *task;
	struct completion done;
	int blocked;
	int release;
	unsigned int max_ms;
	bool timed_out;
};

static int tlbf_blocker_fn(void *arg)
{
	struct tlbf_blocker *b = arg;
	u64 t0;

	local_irq_disable();
	t0 = local_clock();
	WRITE_ONCE(b->blocked, 1);
	while (!READ_ONCE(b->release)) {
		if (local_clock() - t0 > (u64)b->max_ms * NSEC_PER_MSEC) {
			b->timed_out = true;
			break;
		}
		cpu_relax();
	}
	local_irq_enable();
	complete(&b->done);
	return 0;
}

/* Start a blocker on @cpu and wait until it spins with IRQs off. */
static int tlbf_blocker_start(struct tlbf_blocker *b, int cpu,
			      unsigned int max_ms)
{
	int i;

	memset(b, 0, sizeof(*b));
	init_completion(&b->done);
	b->max_ms = max_ms;
	b->task = kthread_create(tlbf_blocker_fn, b, "tlbf_blocker/%d", cpu);
	if (IS_ERR(b->task))
		return PTR_ERR(b->task);
	kthread_bind(b->task, cpu);
	wake_up_process(b->task);
	for (i = 0; i < 5000 && !READ_ONCE(b->blocked); i++)
		usleep_range(500, 1000);
	if (!READ_ONCE(b->blocked)) {
		WRITE_ONCE(b->release, 1);
		wait_for_completion(&b->done);
		return -ETIMEDOUT;
	}
	return 0;
}

/* Let the blocker go; any context. */
static void tlbf_blocker_release(struct tlbf_blocker *b)
{
	WRITE_ONCE(b->release, 1);
}

/* Let it go and wait until it has IRQs on again; may sleep. */
static void tlbf_blocker_stop(struct tlbf_blocker *b)
{
	tlbf_blocker_release(b);
	wait_for_completion(&b->done);
}

/*
 * Pin the test's kthread (KUnit runs each case in its own) to the CPU it
 * runs on, so that it can never be on a blocker's CPU: it would not get
 * back (its timers fire on that CPU) until the blocker gave up.
 */
static int tlbf_pin_here(struct kunit *test)
{
	int self = raw_smp_processor_id();

	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current, cpumask_of(self)),
			0);
	KUNIT_ASSERT_EQ(test, (int)raw_smp_processor_id(), self);
	return self;
}

/* Another online CPU than @self, preferring the highest; -1 if none. */
static int tlbf_other_cpu(int self)
{
	int cpu, found = -1;

	for_each_online_cpu(cpu)
		if (cpu != self)
			found = cpu;
	return found;
}

static struct cpumask *tlbf_test_mask(struct kunit *test)
{
	struct cpumask *m = kunit_kzalloc(test, cpumask_size(), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	return m;
}

static struct tlbf_pool *tlbf_test_pool(struct kunit *test, unsigned long n)
{
	struct tlbf_pool *pool = tlbf_pool_create(n);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	return pool;
}

/* A PENDING frame of @pool, as the mapper makes on unmap. */
static struct tlbf_frame *tlbf_test_pending_frame(struct kunit *test,
						  struct tlbf_pool *pool)
{
	struct tlbf_frame *f = tlbf_frame_alloc(pool, TLBF_FRAME_DATA, test);

	KUNIT_ASSERT_NOT_NULL(test, f);
	tlbf_frame_set_pending(f);
	return f;
}

/* ---- the cases ---- */

/* FL5, FL6: the one-word encoding and the threshold rule. */
static void tlbf_ops_encoding_and_threshold(struct kunit *test)
{
	unsigned int saved = READ_ONCE(tlbf_flush_all_threshold);
	struct tlbf_ops *a, *b;
	struct tlbf_op op;
	u64 merged;
	int i;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, tlbf_set_flush_all_threshold(32), 0);

	op = tlbf_op_page(TLBF_TEST_VA + 123);
	KUNIT_EXPECT_EQ(test, tlbf_op_va(op), TLBF_TEST_VA);
	KUNIT_EXPECT_EQ(test, tlbf_op_nr_pages(op), 1UL);
	KUNIT_EXPECT_TRUE(test, tlbf_op_valid(op));
	op = tlbf_op_range(TLBF_TEST_VA, 31);
	KUNIT_EXPECT_EQ(test, tlbf_op_nr_pages(op), 31UL);
	KUNIT_EXPECT_FALSE(test, tlbf_op_is_all(op));
	KUNIT_EXPECT_TRUE(test, tlbf_op_is_all(tlbf_op_range(TLBF_TEST_VA, 32)));
	KUNIT_EXPECT_TRUE(test, tlbf_op_valid(tlbf_op_all()));
	KUNIT_EXPECT_FALSE(test, tlbf_op_valid(tlbf_op_range(TLBF_TEST_VA, 0)));
	KUNIT_EXPECT_FALSE(test, tlbf_op_valid(TLBF_OP_INVALID));
	KUNIT_EXPECT_FALSE(test, tlbf_op_valid((struct tlbf_op){ .word = TLBF_TEST_VA }));
	KUNIT_EXPECT_FALSE(test, tlbf_op_valid(tlbf_op_page(1UL << 47)));
	/* A range running off the lower half is refused. */
	KUNIT_EXPECT_FALSE(test,
			   tlbf_op_valid(tlbf_op_range((1UL << 47) - 4096, 2)));

	KUNIT_EXPECT_EQ(test, tlbf_set_flush_all_threshold(0), -EINVAL);
	KUNIT_EXPECT_EQ(test, tlbf_set_flush_all_threshold(65), -EINVAL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(tlbf_flush_all_threshold), 32U);

	/* FL6: 31 pages fit, the 32nd (pending + new >= 32) makes "flush all". */
	tlbf_ops_init(a);
	merged = tlbf_stat_sum(TLBF_STAT_OPS_MERGED_TO_ALL);
	for (i = 0; i < 29; i++)
		tlbf_ops_push(a, tlbf_op_page(TLBF_TEST_VA + i * 4096UL));
	tlbf_ops_push(a, tlbf_op_range(TLBF_TEST_VA, 2));
	KUNIT_EXPECT_FALSE(test, a->all);
	KUNIT_EXPECT_EQ(test, a->nr_pages, 31U);
	KUNIT_EXPECT_EQ(test, a->nr_ops, 30U);
	tlbf_ops_push(a, tlbf_op_page(TLBF_TEST_VA));
	KUNIT_EXPECT_TRUE(test, a->all);
	KUNIT_EXPECT_EQ(test, a->nr_ops, 0U);
	tlbf_ops_push(a, tlbf_op_page(TLBF_TEST_VA));
	KUNIT_EXPECT_EQ(test, tlbf_stat_sum(TLBF_STAT_OPS_MERGED_TO_ALL),
			merged + 1);

	/* Merge ("push from another stack") follows the same rule. */
	tlbf_ops_init(a);
	tlbf_ops_init(b);
	for (i = 0; i < 20; i++) {
		tlbf_ops_push(a, tlbf_op_page(TLBF_TEST_VA + i * 4096UL));
		tlbf_ops_push(b, tlbf_op_page(TLBF_TEST_VA + i * 4096UL));
	}
	tlbf_ops_merge(a, b);
	KUNIT_EXPECT_TRUE(test, a->all);
	tlbf_ops_init(a);
	tlbf_ops_init(b);
	tlbf_ops_push(b, tlbf_op_all());
	tlbf_ops_merge(a, b);
	KUNIT_EXPECT_TRUE(test, a->all);
	KUNIT_EXPECT_TRUE(test, tlbf_ops_empty(b) == false);

	/* A lower threshold applies at once. */
	KUNIT_EXPECT_EQ(test, tlbf_set_flush_all_threshold(2), 0);
	tlbf_ops_init(a);
	tlbf_ops_push(a, tlbf_op_page(TLBF_TEST_VA));
	KUNIT_EXPECT_FALSE(test, a->all);
	tlbf_ops_push(a, tlbf_op_page(TLBF_TEST_VA + 4096));
	KUNIT_EXPECT_TRUE(test, a->all);

	/* FL5: a kernel-half op makes the stack's "flush all" global. */
	tlbf_ops_init(a);
	tlbf_ops_push(a, tlbf_op_page(TLBF_TEST_VA));
	KUNIT_EXPECT_FALSE(test, a->global);
	tlbf_ops_push(a, tlbf_op_page(PAGE_OFFSET));
	KUNIT_EXPECT_TRUE(test, a->global);
	KUNIT_EXPECT_TRUE(test, tlbf_op_is_global(tlbf_op_range(PAGE_OFFSET, 40)));
	KUNIT_EXPECT_FALSE(test, tlbf_op_is_global(tlbf_op_range(TLBF_TEST_VA, 40)));
	tlbf_set_flush_all_threshold(saved);
}

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
	tlbf_pool_destroy(pool);
}

/* FL4: a frame stays PENDING until every target flushed, then goes back. */
static void tlbf_issue_with_frame_pending_until_targets_done(struct kunit *test)
{
	struct cpumask *targets = tlbf_test_mask(test);
	struct tlbf_pool *pool = tlbf_test_pool(test, 8);
	struct tlbf_frame *f = tlbf_test_pending_frame(test, pool);
	enum tlbf_frame_state st_dispatched = 0, st_synced = 0;
	unsigned int queued = 0;
	struct tlbf_blocker b;
	struct tlbf_flusher fl;
	int self, other, err;
	bool all;

	other = tlbf_other_cpu(tlbf_pin_here(test));
	if (other < 0) {
		tlbf_frame_put(f);
		tlbf_pool_destroy(pool);
		kunit_skip(test, "needs two online CPUs");
	}
	err = tlbf_blocker_start(&b, other, TLBF_BLOCK_MAX_MS);
	if (err) {
		tlbf_frame_put(f);
		tlbf_pool_destroy(pool);
	}
	KUNIT_ASSERT_EQ(test, err, 0);

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
		tlbf_blocker_release(&b);
		err = err ?: tlbf_flusher_sync(&fl);
		st_synced = READ_ONCE(f->state);
		tlbf_flusher_finish(&fl);
	} else {
		tlbf_blocker_release(&b);
		tlbf_frame_put(f);
	}
	preempt_enable();
	wait_for_completion(&b.done);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_FALSE_MSG(test, b.timed_out,
			       "blocker gave up before being released");
	KUNIT_EXPECT_EQ(test, st_dispatched, TLBF_FRAME_PENDING);
	KUNIT_EXPECT_EQ(test, queued, 1U);
	/* Every target flushed: only the RCU grace period is left. */
	KUNIT_EXPECT_EQ(test, st_synced, TLBF_FRAME_PENDING);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, READ_ONCE(f->state), TLBF_FRAME_FREE);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool), 0UL);
	tlbf_pool_destroy(pool);
}

/* FL6 over dispatch: THRESHOLD + 1 pages = exactly one full flush per target. */
static void tlbf_threshold_overflow_one_full_flush_per_target(struct kunit *test)
{
	unsigned int saved = READ_ONCE(tlbf_flush_all_threshold), thr = 32;
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
	KUNIT_ASSERT_EQ(test, tlbf_set_flush_all_threshold(thr), 0);

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
	tlbf_set_flush_all_threshold(saved);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, merged1, merged0 + 1);
	for_each_online_cpu(cpu) {
		KUNIT_EXPECT_EQ_MSG(test, full1[cpu], full0[cpu] + 1, "cpu%d",
				    cpu);
		KUNIT_EXPECT_EQ_MSG(test, pages1[cpu], pages0[cpu], "cpu%d",
				    cpu);
	}
	cpus_read_unlock();
}

/* ---- all CPUs flushing at each other ---- */

/* The storm mixes every built-in strategy on the same queues. */
static const struct tlbf_strategy *const tlbf_storm_strategies[] = {
	&tlbf_strategy_async, &tlbf_strategy_sync, &tlbf_strategy_broadcast,
	&tlbf_strategy_linux, &tlbf_strategy_early_ack, &tlbf_strategy_lazy,
	&tlbf_strategy_dragonos,
};

struct tlbf_storm {
	struct tlbf_pool *pool;
	struct cpumask *targets;	/* shared, changed with atomic bitops */
	u64 end_ns;
	atomic_t running;
	atomic_t errors;
	struct completion done;
	unsigned long rounds[NR_CPUS];
};

static int tlbf_storm_fn(void *arg)
{
	struct tlbf_storm *s = arg;
	struct tlbf_flusher fl;
	struct tlbf_frame *f;
	unsigned long n = 0;
	int self = raw_smp_processor_id();
	int err;

	while (ktime_get_ns() < s->end_ns) {
		/* FL2: the shared set changes under everyone's feet. */
		if (n & 1)
			cpumask_clear_cpu(self, s->targets);
		else
			cpumask_set_cpu(self, s->targets);
		preempt_disable();
		err = tlbf_flusher_init(&fl, s->targets,
					tlbf_storm_strategies[n %
					ARRAY_SIZE(tlbf_storm_strategies)]);
		if (!err) {
			tlbf_flusher_issue(&fl, tlbf_op_page(TLBF_TEST_VA +
							     (n % 64) * 4096));
			tlbf_flusher_issue(&fl, tlbf_op_range(TLBF_TEST_VA,
							      1 + n % 40));
			f = tlbf_frame_alloc(s->pool, TLBF_FRAME_DATA, s);
			if (f) {
				tlbf_frame_set_pending(f);
				if (tlbf_flusher_issue_with(&fl,
							    tlbf_op_page(TLBF_TEST_VA),
							    f))
					tlbf_frame_put(f);
			}
			err = tlbf_flusher_dispatch(&fl);
			if (!err && (n % 3))
				err = tlbf_flusher_sync(&fl);
			tlbf_flusher_finish(&fl);
		}
		preempt_enable();
		if (err)
			atomic_inc(&s->errors);
		n++;
		cond_resched();
	}
	s->rounds[self] = n;
	if (atomic_dec_and_test(&s->running))
		complete(&s->done);
	return 0;
}

/* FL9, FL11: every CPU dispatches and syncs at every other for 2 s. */
static void tlbf_all_cpus_flush_each_other(struct kunit *test)
{
	struct tlbf_storm *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct task_struct *t;
	int cpu, nr = 0;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->targets = tlbf_test_mask(test);
	s->pool = tlbf_test_pool(test, 256);
	init_completion(&s->done);

	cpus_read_lock();
	cpumask_copy(s->targets, cpu_online_mask);
	atomic_set(&s->running, num_online_cpus());
	s->end_ns = ktime_get_ns() + 2 * NSEC_PER_SEC;
	for_each_online_cpu(cpu) {
		t = kthread_create(tlbf_storm_fn, s, "tlbf_storm/%d", cpu);
		if (IS_ERR(t)) {
			if (atomic_dec_and_test(&s->running))
				complete(&s->done);
			continue;
		}
		kthread_bind(t, cpu);
		wake_up_process(t);
		nr++;
	}
	wait_for_completion(&s->done);
	cpus_read_unlock();

	KUNIT_EXPECT_EQ(test, nr, (int)num_online_cpus());
	KUNIT_EXPECT_EQ(test, atomic_read(&s->errors), 0);
	for_each_online_cpu(cpu) {
		KUNIT_EXPECT_GT_MSG(test, s->rounds[cpu], 0UL, "cpu%d", cpu);
		kunit_info(test, "cpu%d: %lu rounds", cpu, s->rounds[cpu]);
	}
	kunit_info(test, "ipis_sent %llu coalesced %llu slow reports %llu",
		   tlbf_stat_sum(TLBF_STAT_IPIS_SENT),
		   tlbf_stat_sum(TLBF_STAT_IPIS_COALESCED),
		   tlbf_stat_sum(TLBF_STAT_SLOW_CPU_REPORTS));
	tlbf_flusher_quiesce();
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(s->pool), 0UL);
	tlbf_pool_destroy(s->pool);
}

/* ---- hotplug ---- */

struct tlbf_remover {
	struct completion done;
	int cpu;
	int ret;
};

static int tlbf_remover_fn(void *arg)
{
	struct tlbf_remover *r = arg;

	r->ret = remove_cpu(r->cpu);
	complete(&r->done);
	return 0;
}

/*
 * FL10: a target goes offline while a flush is queued for it (it spins with
 * IRQs disabled, so remove_cpu() waits for it); the flush completes (the
 * kernel runs pending IPI callbacks on the dying CPU, our CPU-dead callback
 * drains whatever would be left), the frame is released, sync returns, and
 * sync never waits on the offline CPU afterwards.
 */
static void tlbf_offline_target_with_queued_ops(struct kunit *test)
{
	struct cpumask *targets = tlbf_test_mask(test);
	struct tlbf_pool *pool = tlbf_test_pool(test, 8);
	u64 sent0 = 0, sent1 = 0, recv0, recv1;
	struct tlbf_remover r = { .ret = -EINVAL };
	unsigned int queued = 0;
	struct task_struct *t;
	struct tlbf_blocker b;
	struct tlbf_frame *f;
	struct tlbf_flusher fl;
	int victim, err, err2;
	bool all;

	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU)) {
		tlbf_pool_destroy(pool);
		kunit_skip(test, "needs CONFIG_HOTPLUG_CPU");
	}
	victim = tlbf_other_cpu(tlbf_pin_here(test));
	if (victim <= 0) {
		tlbf_pool_destroy(pool);
		kunit_skip(test, "needs an online CPU other than cpu0 and this one");
	}
	f = tlbf_test_pending_frame(test, pool);
	err = tlbf_blocker_start(&b, victim, TLBF_BLOCK_MAX_MS);
	if (err) {
		tlbf_frame_put(f);
		tlbf_pool_destroy(pool);
	}
	KUNIT_ASSERT_EQ(test, err, 0);

	cpumask_set_cpu(victim, targets);
	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_async);
	if (!err) {
		tlbf_flusher_issue_with(&fl, tlbf_op_range(TLBF_TEST_VA, 4), f);
		err = tlbf_flusher_dispatch(&fl);
		queued = tlbf_flusher_queue_pages(victim, &all);
		tlbf_flusher_finish(&fl);
	} else {
		tlbf_frame_put(f);
	}
	preempt_enable();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, queued, 4U);

	init_completion(&r.done);
	r.cpu = victim;
	t = kthread_run(tlbf_remover_fn, &r, "tlbf_remover");
	if (IS_ERR(t)) {
		tlbf_blocker_stop(&b);
		KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(t));
		goto out;
	}
	msleep(20);		/* let remove_cpu() start waiting for it */
	tlbf_blocker_stop(&b);
	wait_for_completion(&r.done);
	KUNIT_EXPECT_EQ(test, r.ret, 0);
	if (r.ret)
		goto out;
	KUNIT_EXPECT_FALSE(test, cpu_online(victim));
	KUNIT_EXPECT_EQ(test, tlbf_flusher_queue_pages(victim, &all), 0U);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, READ_ONCE(f->state), TLBF_FRAME_FREE);

	/* Offline: not interrupted, not waited for. */
	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_async);
	if (!err) {
		cpumask_set_cpu(smp_processor_id(), targets);
		sent0 = tlbf_stat_sum(TLBF_STAT_IPIS_SENT);
		tlbf_flusher_issue(&fl, tlbf_op_page(TLBF_TEST_VA));
		err = tlbf_flusher_dispatch(&fl);
		err2 = tlbf_flusher_sync(&fl);
		err = err ?: err2;
		sent1 = tlbf_stat_sum(TLBF_STAT_IPIS_SENT);
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, sent1, sent0);

	/* Back online, it is a target again. */
	KUNIT_ASSERT_EQ(test, add_cpu(victim), 0);
	recv0 = cpu_stat(victim, TLBF_STAT_IPIS_RECEIVED);
	cpumask_clear(targets);
	cpumask_set_cpu(victim, targets);
	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_sync);
	if (!err) {
		tlbf_flusher_issue(&fl, tlbf_op_page(TLBF_TEST_VA));
		err = tlbf_flusher_dispatch(&fl);
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	recv1 = cpu_stat(victim, TLBF_STAT_IPIS_RECEIVED);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, recv1, recv0 + 1);
out:
	if (!cpu_online(victim))
		add_cpu(victim);
	tlbf_pool_quiesce();
	tlbf_pool_destroy(pool);
}

/*
 * Releases a sync that waits on a CPU whose queue the drain left
 * unfinished (done_seq not published), so that a broken drain fails the
 * case instead of hanging the run: once the sync reports the CPU slow
 * (FL11), it dispatches a real flush to that CPU from a third one; the IPI
 * handler there publishes a newer done_seq and the sync returns.
 */
struct tlbf_rescuer {
	struct completion synced;	/* the case's sync returned */
	struct completion done;		/* the rescuer is finished */
	struct cpumask *targets;	/* the CPU the sync waits on */
	u64 reports0;			/* slow_cpu_reports before the sync */
	bool fired;
	int err;
};

static int tlbf_rescuer_fn(void *arg)
{
	struct tlbf_rescuer *r = arg;
	struct tlbf_flusher fl;

	while (!wait_for_completion_timeout(&r->synced, msecs_to_jiffies(10))) {
		if (tlbf_stat_sum(TLBF_STAT_SLOW_CPU_REPORTS) == r->reports0)
			continue;
		r->fired = true;
		preempt_disable();
		r->err = tlbf_flusher_init(&fl, r->targets, &tlbf_strategy_async);
		if (!r->err) {
			tlbf_flusher_issue(&fl, tlbf_op_all());
			r->err = tlbf_flusher_dispatch(&fl);
			tlbf_flusher_finish(&fl);
		}
		preempt_enable();
		wait_for_completion(&r->synced);
		break;
	}
	complete(&r->done);
	return 0;
}

/*
 * FL10, the drain itself. The kernel runs a dying CPU's pending IPI
 * callbacks before the CPU dies, so in tlbf_offline_target_with_queued_ops()
 * the CPU-dead callback always finds an empty queue. Here the situation of
 * an IPI that never ran on a CPU that died is built on a CPU taken offline
 * first: the flusher's ops and a frame batch are queued for it by the code
 * dispatch uses, marked in flight, and the flusher's sync is to wait on it;
 * then the CPU-dead callback runs for it. It must:
 * - count the queue in queues_drained_offline, exactly once. The simulated
 *   IPI is counted in ipis_sent when it is marked in flight, as dispatch
 *   counts a real one, because the callback's count stands for an IPI that
 *   was sent and never received: so ipis_sent == ipis_received +
 *   queues_drained_offline holds after it only if it counted (and this
 *   case's own ipis_sent delta is 1, not 0, so the equation is not
 *   trivially true);
 * - drop the batch reference: the frame given to issue_with returns to its
 *   pool after the RCU grace period;
 * - publish done_seq. sync never waits on an offline CPU, so a missing
 *   done_seq shows only once the CPU is back: the sync runs after add_cpu()
 *   and must return 0 without waiting the slow-CPU bound (no slow report,
 *   the rescuer never had to release it).
 */
static void tlbf_dead_cpu_queue_is_drained(struct kunit *test)
{
	unsigned int saved_slow = READ_ONCE(tlbf_slow_cpu_ms);
	struct cpumask *targets = tlbf_test_mask(test);
	u64 sent0, recv0, drained0, sent1, recv1, drained1, reports1;
	enum tlbf_frame_state st_queued, st_drained;
	int self, victim, rescue = -1, cpu, err, e_sync;
	unsigned int queued, left;
	struct tlbf_rescuer *r;
	struct tlbf_pool *pool;
	struct task_struct *t;
	struct tlbf_flusher fl;
	struct tlbf_frame *f;
	bool all;

	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU))
		kunit_skip(test, "needs CONFIG_HOTPLUG_CPU");
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	self = tlbf_pin_here(test);
	victim = tlbf_other_cpu(self);
	for_each_online_cpu(cpu)
		if (cpu != self && cpu != victim)
			rescue = cpu;
	if (rescue < 0)
		kunit_skip(test, "needs a third CPU (releases a hung sync)");
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->targets = tlbf_test_mask(test);
	cpumask_set_cpu(victim, r->targets);
	init_completion(&r->synced);
	init_completion(&r->done);
	pool = tlbf_test_pool(test, 8);
	f = tlbf_test_pending_frame(test, pool);

	err = remove_cpu(victim);
	if (err) {
		tlbf_frame_put(f);
		tlbf_pool_destroy(pool);
		kunit_skip(test, "remove_cpu(%d): %d", victim, err);
	}
	/* From here on, no KUNIT_ASSERT: the CPU must come back. */

	sent0 = tlbf_stat_sum(TLBF_STAT_IPIS_SENT);
	recv0 = tlbf_stat_sum(TLBF_STAT_IPIS_RECEIVED);
	drained0 = tlbf_stat_sum(TLBF_STAT_QUEUES_DRAINED_OFFLINE);
	cpumask_set_cpu(victim, targets);
	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_async);
	if (!err) {
		tlbf_flusher_issue(&fl, tlbf_op_page(TLBF_TEST_VA));
		tlbf_flusher_issue_with(&fl, tlbf_op_range(TLBF_TEST_VA + 4096,
							   3), f);
	}
	preempt_enable();
	if (err) {
		KUNIT_FAIL(test, "tlbf_flusher_init: %d", err);
		tlbf_frame_put(f);
		add_cpu(victim);
		tlbf_pool_destroy(pool);
		return;
	}

	/* The case's kthread is pinned: @fl stays on its CPU. */
	err = tlbf_flusher_test_enqueue_offline(&fl, victim);
	queued = tlbf_flusher_queue_pages(victim, &all);
	st_queued = READ_ONCE(f->state);
	sent1 = tlbf_stat_sum(TLBF_STAT_IPIS_SENT);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, queued, 4U);
	KUNIT_EXPECT_EQ(test, st_queued, TLBF_FRAME_PENDING);
	KUNIT_EXPECT_EQ(test, sent1, sent0 + 1);

	err = tlbf_flusher_test_cpu_dead(victim);
	KUNIT_EXPECT_EQ(test, err, 0);
	left = tlbf_flusher_queue_pages(victim, &all);
	KUNIT_EXPECT_EQ(test, left, 0U);
	KUNIT_EXPECT_FALSE(test, all);
	sent1 = tlbf_stat_sum(TLBF_STAT_IPIS_SENT);
	recv1 = tlbf_stat_sum(TLBF_STAT_IPIS_RECEIVED);
	drained1 = tlbf_stat_sum(TLBF_STAT_QUEUES_DRAINED_OFFLINE);
	KUNIT_EXPECT_EQ(test, drained1, drained0 + 1);
	KUNIT_EXPECT_EQ(test, recv1, recv0);
	KUNIT_EXPECT_EQ_MSG(test, sent1 - sent0,
			    (recv1 - recv0) + (drained1 - drained0),
			    "ipis_sent == ipis_received + queues_drained_offline");
	tlbf_pool_quiesce();	/* rcu_barrier(): deferred puts are done */
	st_drained = READ_ONCE(f->state);
	KUNIT_EXPECT_EQ(test, st_drained, TLBF_FRAME_FREE);

	err = add_cpu(victim);
	KUNIT_EXPECT_EQ(test, err, 0);
	if (!err) {
		WRITE_ONCE(tlbf_slow_cpu_ms, 100);
		r->reports0 = tlbf_stat_sum(TLBF_STAT_SLOW_CPU_REPORTS);
		t = kthread_create(tlbf_rescuer_fn, r, "tlbf_rescuer/%d",
				   rescue);
		if (IS_ERR(t)) {
			KUNIT_FAIL(test, "kthread_create: %ld", PTR_ERR(t));
		} else {
			kthread_bind(t, rescue);
			wake_up_process(t);
			preempt_disable();
			e_sync = tlbf_flusher_sync(&fl);
			preempt_enable();
			complete(&r->synced);
			wait_for_completion(&r->done);
			reports1 = tlbf_stat_sum(TLBF_STAT_SLOW_CPU_REPORTS);
			KUNIT_EXPECT_EQ(test, e_sync, 0);
			KUNIT_EXPECT_FALSE_MSG(test, r->fired,
					       "sync hung on cpu%d until rescued (%d)",
					       victim, r->err);
			KUNIT_EXPECT_EQ(test, reports1, r->reports0);
		}
		WRITE_ONCE(tlbf_slow_cpu_ms, saved_slow);
	}
	preempt_disable();
	tlbf_flusher_finish(&fl);
	preempt_enable();
	if (!cpu_online(victim))
		add_cpu(victim);
	tlbf_pool_destroy(pool);
}

/* FL9: sync (and a remote dispatch) with IRQs disabled: -EDEADLK, no splat. */
static void tlbf_sync_irqs_disabled_edeadlk(struct kunit *test)
{
	bool saved_warn = READ_ONCE(tlbf_warn_on_misuse);
	struct cpumask *targets = tlbf_test_mask(test);
	u64 refused0, refused1, dref0, dref1;
	int err, e_sync = 0, e_disp = 0, e_disp2 = 0;
	struct tlbf_flusher fl;
	bool still_issued = false;
	unsigned long flags;

	cpumask_copy(targets, cpu_online_mask);
	WRITE_ONCE(tlbf_warn_on_misuse, false);
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
	WRITE_ONCE(tlbf_warn_on_misuse, saved_warn);

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
	bool saved_warn = READ_ONCE(tlbf_warn_on_misuse);
	struct cpumask *targets = tlbf_test_mask(test);
	u64 wrong0, wrong1;
	struct tlbf_flusher fl;
	int err, e_issue = 0, e_disp = 0;

	WRITE_ONCE(tlbf_warn_on_misuse, false);
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
	WRITE_ONCE(tlbf_warn_on_misuse, saved_warn);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, e_issue, -EINVAL);
	KUNIT_EXPECT_EQ(test, e_disp, -EINVAL);
	KUNIT_EXPECT_EQ(test, wrong1, wrong0 + 2);
}

/* FL11: a CPU that does not answer within slow_cpu_ms is reported. */
static void tlbf_slow_cpu_is_reported(struct kunit *test)
{
	unsigned int saved = READ_ONCE(tlbf_slow_cpu_ms);
	struct cpumask *targets = tlbf_test_mask(test);
	struct tlbf_blocker b;
	struct tlbf_flusher fl;
	u64 rep0, rep1;
	int other, err;

	other = tlbf_other_cpu(tlbf_pin_here(test));
	if (other < 0)
		kunit_skip(test, "needs two online CPUs");
	/* The blocker lets go by itself after 400 ms; the bound is 50 ms. */
	KUNIT_ASSERT_EQ(test, tlbf_blocker_start(&b, other, 400), 0);
	WRITE_ONCE(tlbf_slow_cpu_ms, 50);
	rep0 = tlbf_stat_sum(TLBF_STAT_SLOW_CPU_REPORTS);
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
	WRITE_ONCE(tlbf_slow_cpu_ms, saved);
	tlbf_blocker_stop(&b);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_TRUE(test, b.timed_out);
	KUNIT_EXPECT_GE(test, rep1, rep0 + 1);
}

/* Mapper integration: requests become ops, unmapped frames issue_with. */
static void tlbf_mapper_requests_through_flusher(struct kunit *test)
{
	TLBF_FLUSH_REQ(prot);
	TLBF_FLUSH_REQ(unmap);
	struct cpumask *targets = tlbf_test_mask(test);
	struct tlbf_pool *pool = tlbf_test_pool(test, 64);
	struct tlbf_mapper *m = tlbf_mapper_create(pool);
	u64 rw = tlbf_flags_set_write(tlbf_flags_new(), true);
	u64 single0, range0, single1, range1, deferred0, deferred1;
	unsigned long base_in_use;
	struct tlbf_flusher fl;
	int err, e[4] = {};
	bool live[2] = {};

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
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
	tlbf_mapper_destroy(m);
	tlbf_pool_quiesce();
	tlbf_pool_destroy(pool);
}

/* After every case: no flush in flight, the debugfs invariants hold. */
static void tlbf_flusher_case_exit(struct kunit *test)
{
	u64 sent, recv, drained, deferred, released;
	unsigned long pending;

	tlbf_flusher_quiesce();
	tlbf_pool_quiesce();
	sent = tlbf_stat_sum(TLBF_STAT_IPIS_SENT);
	recv = tlbf_stat_sum(TLBF_STAT_IPIS_RECEIVED);
	drained = tlbf_stat_sum(TLBF_STAT_QUEUES_DRAINED_OFFLINE);
	deferred = tlbf_stat_sum(TLBF_STAT_FRAMES_DEFERRED);
	released = tlbf_stat_sum(TLBF_STAT_FRAMES_RELEASED);
	pending = tlbf_frames_pending_total();
	KUNIT_EXPECT_EQ_MSG(test, sent, recv + drained,
			    "ipis_sent == ipis_received + queues_drained_offline");
	KUNIT_EXPECT_EQ_MSG(test, deferred, released + pending,
			    "frames_deferred == frames_released + frames_pending");
	KUNIT_EXPECT_EQ(test, pending, 0UL);
}

static struct kunit_case tlbf_flusher_cases[] = {
	KUNIT_CASE(tlbf_ops_encoding_and_threshold),
	KUNIT_CASE(tlbf_issue_without_dispatch_flushes_nowhere),
	KUNIT_CASE(tlbf_targets_read_at_dispatch),
	KUNIT_CASE(tlbf_self_only_target_sends_no_ipi),
	KUNIT_CASE(tlbf_empty_target_set_is_noop),
	KUNIT_CASE(tlbf_issue_with_frame_pending_until_targets_done),
	KUNIT_CASE(tlbf_threshold_overflow_one_full_flush_per_target),
	KUNIT_CASE_SLOW(tlbf_all_cpus_flush_each_other),
	KUNIT_CASE_SLOW(tlbf_offline_target_with_queued_ops),
	KUNIT_CASE_SLOW(tlbf_dead_cpu_queue_is_drained),
	KUNIT_CASE(tlbf_sync_irqs_disabled_edeadlk),
	KUNIT_CASE(tlbf_wrong_cpu_is_refused),
	KUNIT_CASE(tlbf_slow_cpu_is_reported),
	KUNIT_CASE(tlbf_mapper_requests_through_flusher),
	{}
};

static struct kunit_suite tlbf_flusher_suite = {
	.name = "tlbflush_flusher",
	.exit = tlbf_flusher_case_exit,
	.test_cases = tlbf_flusher_cases,
};

kunit_test_suites(&tlbf_flusher_suite);
