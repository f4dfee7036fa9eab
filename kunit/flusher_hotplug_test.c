// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_flusher_hotplug: FL10, CPU hotplug under the
 * flusher. A target goes offline with a flush queued for it; the CPU-dead
 * drain itself; several targets go offline at once (at 64 vCPUs, up to
 * TLBF_MAX_VICTIMS of them). Each case brings its CPUs back (fixtures,
 * flusher_fixture.c) and the exit hook checks the debugfs invariants.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/slab.h>

#include "tlbflush/flusher.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"
#include "flusher_fixture.h"

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
	struct tlbf_blocker *b;
	struct task_struct *t;
	struct tlbf_frame *f;
	struct tlbf_flusher fl;
	int victim, err, err2;
	bool all;

	victim = tlbf_other_cpu(tlbf_pin_here(test));
	if (victim <= 0)
		kunit_skip(test, "needs an online CPU other than cpu0 and this one");
	tlbf_test_online_at_end(test, victim);
	b = tlbf_test_blocker(test, victim, TLBF_BLOCK_MAX_MS, -1, 0);
	f = tlbf_test_pending_frame(test, pool);

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
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(t), "kthread_run: %ld", PTR_ERR(t));
	msleep(20);		/* let remove_cpu() start waiting for it */
	tlbf_blocker_stop(b);
	wait_for_completion(&r.done);
	KUNIT_ASSERT_EQ(test, r.ret, 0);
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

	tlbf_test_slow_cpu_ms(test, 100);
	err = tlbf_test_offline(test, victim);
	if (err) {
		tlbf_frame_put(f);
		kunit_skip(test, "remove_cpu(%d): %d", victim, err);
	}
	/* From here on, no KUNIT_ASSERT until @fl is finished. */

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
	}
	preempt_disable();
	tlbf_flusher_finish(&fl);
	preempt_enable();
}

/* FL9: sync (and a remote dispatch) with IRQs disabled: -EDEADLK, no splat. */
/* At most this many CPUs go down at once (and at most all but two). */
#define TLBF_MAX_VICTIMS	8

/*
 * FL10 at scale: several targets go offline at once, each with a flush
 * queued for it (each spins with IRQs disabled while the flush is
 * dispatched, and one remover kthread per CPU calls remove_cpu() before
 * they let go). Every removal succeeds, every queue ends empty, the
 * frame the flush carried comes back, a flush afterwards neither
 * interrupts nor waits for them, and once they are back each receives
 * exactly one IPI of the next flush. The exit hook holds the drain to
 * ipis_sent == ipis_received + queues_drained_offline.
 */
static void tlbf_several_targets_offline_at_once(struct kunit *test)
{
	struct cpumask *targets = tlbf_test_mask(test);
	struct tlbf_pool *pool = tlbf_test_pool(test, 8);
	struct tlbf_blocker *b[TLBF_MAX_VICTIMS];
	struct tlbf_remover *r;
	int victim[TLBF_MAX_VICTIMS];
	unsigned int queued[TLBF_MAX_VICTIMS] = {};
	u64 recv0[TLBF_MAX_VICTIMS], sent0 = 0, sent1 = 0;
	int self, cpu, i, k, n, cand = 0, err;
	struct task_struct *t;
	struct tlbf_flusher fl;
	struct tlbf_frame *f;
	bool all;

	self = tlbf_pin_here(test);
	/* Candidates: neither cpu0 nor this one; spread over the rest. */
	n = min_t(int, TLBF_MAX_VICTIMS, (int)num_online_cpus() - 2);
	if (n < 2)
		kunit_skip(test, "needs 4 online CPUs (2 go down)");
	for_each_online_cpu(cpu)
		if (cpu && cpu != self)
			cand++;
	i = 0;
	k = 0;
	for_each_online_cpu(cpu) {
		if (!cpu || cpu == self)
			continue;
		/* The i-th of n victims is the candidate i * cand / n. */
		if (i < n && k == i * cand / n)
			victim[i++] = cpu;
		k++;
	}
	KUNIT_ASSERT_EQ(test, i, n);
	r = kunit_kcalloc(test, n, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < n; i++) {
		tlbf_test_online_at_end(test, victim[i]);
		b[i] = tlbf_test_blocker(test, victim[i], TLBF_BLOCK_MAX_MS,
					 -1, 0);
		cpumask_set_cpu(victim[i], targets);
	}
	f = tlbf_test_pending_frame(test, pool);

	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_async);
	if (!err) {
		tlbf_flusher_issue_with(&fl, tlbf_op_range(TLBF_TEST_VA, 4), f);
		err = tlbf_flusher_dispatch(&fl);
		for (i = 0; i < n; i++)
			queued[i] = tlbf_flusher_queue_pages(victim[i], &all);
		tlbf_flusher_finish(&fl);
	} else {
		tlbf_frame_put(f);
	}
	preempt_enable();
	KUNIT_EXPECT_EQ(test, err, 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, queued[i], 4U, "cpu%d", victim[i]);

	/* The removers wait here with the case, not on a blocked CPU. */
	for (i = 0; i < n; i++) {
		init_completion(&r[i].done);
		r[i].cpu = victim[i];
		r[i].ret = -EINVAL;
		t = kthread_create(tlbf_remover_fn, &r[i], "tlbf_remover/%d",
				   victim[i]);
		if (IS_ERR(t)) {
			r[i].ret = PTR_ERR(t);
			complete(&r[i].done);
			continue;
		}
		kthread_bind(t, self);
		wake_up_process(t);
	}
	for (i = 0; i < n; i++)
		tlbf_blocker_stop(b[i]);
	for (i = 0; i < n; i++) {
		wait_for_completion(&r[i].done);
		KUNIT_EXPECT_EQ_MSG(test, r[i].ret, 0, "remove_cpu(%d)",
				    victim[i]);
		KUNIT_EXPECT_EQ_MSG(test,
				    tlbf_flusher_queue_pages(victim[i], &all),
				    0U, "cpu%d", victim[i]);
	}
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, READ_ONCE(f->state), TLBF_FRAME_FREE);

	/* Offline: not interrupted, not waited for. */
	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_async);
	if (!err) {
		sent0 = tlbf_stat_sum(TLBF_STAT_IPIS_SENT);
		tlbf_flusher_issue(&fl, tlbf_op_page(TLBF_TEST_VA));
		err = tlbf_flusher_dispatch(&fl);
		err = err ?: tlbf_flusher_sync(&fl);
		sent1 = tlbf_stat_sum(TLBF_STAT_IPIS_SENT);
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, sent1, sent0);

	/* Back online, each is a target again: one IPI each. */
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_EQ_MSG(test, add_cpu(victim[i]), 0, "add_cpu(%d)",
				    victim[i]);
		recv0[i] = cpu_stat(victim[i], TLBF_STAT_IPIS_RECEIVED);
	}
	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_sync);
	if (!err) {
		tlbf_flusher_issue(&fl, tlbf_op_page(TLBF_TEST_VA));
		err = tlbf_flusher_dispatch(&fl);
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	KUNIT_EXPECT_EQ(test, err, 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    cpu_stat(victim[i], TLBF_STAT_IPIS_RECEIVED),
				    recv0[i] + 1, "cpu%d", victim[i]);
}

static struct kunit_case tlbf_flusher_hotplug_cases[] = {
	KUNIT_CASE_SLOW(tlbf_offline_target_with_queued_ops),
	KUNIT_CASE_SLOW(tlbf_dead_cpu_queue_is_drained),
	KUNIT_CASE_SLOW(tlbf_several_targets_offline_at_once),
	{}
};

static struct kunit_suite tlbf_flusher_hotplug_suite = {
	.name = "tlbflush_flusher_hotplug",
	.exit = tlbf_flusher_check_invariants,
	.test_cases = tlbf_flusher_hotplug_cases,
};

kunit_test_suites(&tlbf_flusher_hotplug_suite);
