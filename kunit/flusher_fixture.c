// SPDX-License-Identifier: GPL-2.0
/*
 * Fixtures of the flusher KUnit suites: see flusher_fixture.h. Every
 * tear-down is a kunit_add_action() of the case that set it up; they run
 * after the suite's exit hook, last registered first.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>

#include "tlbflush/ops.h"
#include "flusher_fixture.h"

/**
 * tlbf_test_defer() - run @fn(@arg) when the case ends
 * @test: the case
 * @fn: the tear-down
 * @arg: its argument
 *
 * If it cannot be registered, @fn runs now and the case fails.
 */
void tlbf_test_defer(struct kunit *test, kunit_action_t *fn, void *arg)
{
	int err = kunit_add_action_or_reset(test, fn, arg);

	KUNIT_ASSERT_EQ(test, err, 0);
}

/* ---- blocker: a kthread spinning with IRQs disabled on one CPU ---- */

static bool tlbf_blocker_may_go(struct tlbf_blocker *b)
{
	return READ_ONCE(b->release) ||
	       (b->until_stat >= 0 &&
		tlbf_stat_sum(b->until_stat) > b->until_above);
}

static int tlbf_blocker_fn(void *arg)
{
	struct tlbf_blocker *b = arg;
	u64 t0;

	local_irq_disable();
	t0 = local_clock();
	WRITE_ONCE(b->blocked, 1);
	while (!tlbf_blocker_may_go(b)) {
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

/**
 * tlbf_blocker_release() - let the blocker go; any context
 * @b: the blocker
 */
void tlbf_blocker_release(struct tlbf_blocker *b)
{
	WRITE_ONCE(b->release, 1);
}

/**
 * tlbf_blocker_stop() - let it go and wait until it has IRQs on again
 * @b: the blocker
 *
 * May sleep. Idempotent (the case's tear-down calls it again).
 */
void tlbf_blocker_stop(struct tlbf_blocker *b)
{
	if (b->stopped)
		return;
	tlbf_blocker_release(b);
	wait_for_completion(&b->done);
	b->stopped = true;
}

static void tlbf_blocker_action(void *arg)
{
	tlbf_blocker_stop(arg);
}

/**
 * tlbf_test_blocker() - start a blocker on @cpu, stopped when the case ends
 * @test: the case
 * @cpu: an online CPU that is not the case's own (see tlbf_pin_here())
 * @max_ms: it lets go by itself after this long at the latest
 * @until_stat: a counter (enum tlbf_stat), or -1: the blocker lets go by
 *	itself as soon as the counter's sum exceeds @until_above
 * @until_above: see @until_stat
 *
 * Returns once the blocker spins with IRQs off. Fails the case (assert) if
 * it cannot be started.
 *
 * Return: the blocker.
 */
struct tlbf_blocker *tlbf_test_blocker(struct kunit *test, int cpu,
				       unsigned int max_ms, int until_stat,
				       u64 until_above)
{
	struct tlbf_blocker *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	unsigned long hung = jiffies + TLBF_HANG_SECS * HZ;

	KUNIT_ASSERT_NOT_NULL(test, b);
	init_completion(&b->done);
	b->max_ms = max_ms;
	b->until_stat = until_stat;
	b->until_above = until_above;
	b->task = kthread_create(tlbf_blocker_fn, b, "tlbf_blocker/%d", cpu);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(b->task), "kthread_create: %ld",
			       PTR_ERR(b->task));
	kthread_bind(b->task, cpu);
	wake_up_process(b->task);
	tlbf_test_defer(test, tlbf_blocker_action, b);
	/* Wait for it, however slow the (emulated) CPU; a hang guard only. */
	while (!READ_ONCE(b->blocked) && time_before(jiffies, hung))
		usleep_range(500, 1000);
	KUNIT_ASSERT_TRUE_MSG(test, READ_ONCE(b->blocked),
			      "blocker on cpu%d never ran", cpu);
	return b;
}

/* ---- CPUs ---- */

/**
 * tlbf_pin_here() - pin the case's kthread to the CPU it runs on
 * @test: the case
 *
 * So that it can never be on a blocker's CPU: it would not get back (its
 * timers fire on that CPU) until the blocker gave up. KUnit runs each case
 * in a kthread of its own, so nothing needs undoing.
 *
 * Return: that CPU.
 */
int tlbf_pin_here(struct kunit *test)
{
	int self = raw_smp_processor_id();

	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current, cpumask_of(self)),
			0);
	KUNIT_ASSERT_EQ(test, (int)raw_smp_processor_id(), self);
	return self;
}

/**
 * tlbf_other_cpu() - another online CPU than @self, preferring the highest
 * @self: the CPU to avoid
 *
 * Return: the CPU, -1 if there is none.
 */
int tlbf_other_cpu(int self)
{
	int cpu, found = -1;

	for_each_online_cpu(cpu)
		if (cpu != self)
			found = cpu;
	return found;
}

static void tlbf_online_action(void *arg)
{
	int cpu = (long)arg;

	if (!cpu_online(cpu))
		add_cpu(cpu);
}

/**
 * tlbf_test_online_at_end() - bring @cpu back online when the case ends
 * @test: the case
 * @cpu: a CPU the case may take offline
 */
void tlbf_test_online_at_end(struct kunit *test, int cpu)
{
	tlbf_test_defer(test, tlbf_online_action, (void *)(long)cpu);
}

/**
 * tlbf_test_offline() - take @cpu offline until the case ends
 * @test: the case
 * @cpu: an online CPU
 *
 * Return: 0 or the error of remove_cpu() (then nothing changed).
 */
int tlbf_test_offline(struct kunit *test, int cpu)
{
	tlbf_test_online_at_end(test, cpu);
	return remove_cpu(cpu);
}

/* ---- memory ---- */

/**
 * tlbf_test_mask() - an empty cpumask freed with the case
 * @test: the case
 *
 * Return: the mask.
 */
struct cpumask *tlbf_test_mask(struct kunit *test)
{
	struct cpumask *m = kunit_kzalloc(test, cpumask_size(), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	return m;
}

static void tlbf_pool_action(void *arg)
{
	/* No queue may still hold a frame of the pool (FL4). */
	tlbf_flusher_quiesce();
	tlbf_pool_destroy(arg);
}

/**
 * tlbf_test_pool() - a frame pool destroyed when the case ends
 * @test: the case
 * @n: frames
 *
 * The tear-down waits for every flush and RCU callback first; frames the
 * case leaked are reported by tlbf_pool_destroy().
 *
 * Return: the pool.
 */
struct tlbf_pool *tlbf_test_pool(struct kunit *test, unsigned long n)
{
	struct tlbf_pool *pool = tlbf_pool_create(n);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	tlbf_test_defer(test, tlbf_pool_action, pool);
	return pool;
}

/**
 * tlbf_test_pending_frame() - a PENDING frame of @pool, as unmap makes
 * @test: the case
 * @pool: a pool of tlbf_test_pool()
 *
 * Return: the frame; the case hands it to issue_with() or puts it.
 */
struct tlbf_frame *tlbf_test_pending_frame(struct kunit *test,
					   struct tlbf_pool *pool)
{
	struct tlbf_frame *f = tlbf_frame_alloc(pool, TLBF_FRAME_DATA, test);

	KUNIT_ASSERT_NOT_NULL(test, f);
	tlbf_frame_set_pending(f);
	return f;
}

/* ---- tunables, restored when the case ends ---- */

static void tlbf_threshold_action(void *arg)
{
	tlbf_set_flush_all_threshold((long)arg);
}

/**
 * tlbf_test_threshold() - set flush_all_threshold for the case
 * @test: the case
 * @thr: the threshold
 */
void tlbf_test_threshold(struct kunit *test, unsigned int thr)
{
	long saved = READ_ONCE(tlbf_flush_all_threshold);

	tlbf_test_defer(test, tlbf_threshold_action, (void *)saved);
	KUNIT_ASSERT_EQ(test, tlbf_set_flush_all_threshold(thr), 0);
}

static void tlbf_slow_cpu_ms_action(void *arg)
{
	WRITE_ONCE(tlbf_slow_cpu_ms, (long)arg);
}

/**
 * tlbf_test_slow_cpu_ms() - set the FL11 bound for the case
 * @test: the case
 * @ms: the bound
 */
void tlbf_test_slow_cpu_ms(struct kunit *test, unsigned int ms)
{
	long saved = READ_ONCE(tlbf_slow_cpu_ms);

	tlbf_test_defer(test, tlbf_slow_cpu_ms_action, (void *)saved);
	WRITE_ONCE(tlbf_slow_cpu_ms, ms);
}

static void tlbf_misuse_action(void *arg)
{
	WRITE_ONCE(tlbf_warn_on_misuse, (long)arg);
}

/**
 * tlbf_test_quiet_misuse() - misuse is counted, not WARNed, for the case
 * @test: the case (it provokes misuse on purpose)
 */
void tlbf_test_quiet_misuse(struct kunit *test)
{
	long saved = READ_ONCE(tlbf_warn_on_misuse);

	tlbf_test_defer(test, tlbf_misuse_action, (void *)saved);
	WRITE_ONCE(tlbf_warn_on_misuse, false);
}

/**
 * tlbf_flusher_check_invariants() - the suites' exit hook
 * @test: the case
 *
 * After every case: no flush in flight, the debugfs invariants hold
 * (ipis_sent == ipis_received + queues_drained_offline, frames_deferred ==
 * frames_released + frames_pending, nothing pending).
 */
void tlbf_flusher_check_invariants(struct kunit *test)
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
