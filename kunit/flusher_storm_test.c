// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_flusher_storm: FL9, FL11 with every online CPU
 * dispatching and syncing at every other, all built-in strategies mixed on
 * the same queues, the shared target set changing under everyone's feet
 * (FL2), frames given to issue_with all along (FL4).
 *
 * Bounded by work, not by time (ARCHITECTURE.md T1): every CPU completes at
 * least TLBF_STORM_MIN_ROUNDS rounds, whatever the CPU count and however
 * slowly the emulator runs them. A run that has met that bound on every
 * CPU goes on until TLBF_STORM_SOAK_MS after the start (at 4 vCPUs the
 * soak is what ends it, with thousands of rounds per CPU); the deadline
 * never ends a run that has not met the bound. The case says which of the
 * two ended it.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "tlbflush/flusher.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"
#include "flusher_fixture.h"

/* The storm mixes every built-in strategy on the same queues. */
static const struct tlbf_strategy *const tlbf_storm_strategies[] = {
	&tlbf_strategy_async, &tlbf_strategy_sync, &tlbf_strategy_broadcast,
	&tlbf_strategy_linux, &tlbf_strategy_early_ack, &tlbf_strategy_lazy,
	&tlbf_strategy_dragonos,
};

/* Each CPU runs each strategy at least 3 times (rounds cycle through them). */
#define TLBF_STORM_MIN_ROUNDS	(3 * ARRAY_SIZE(tlbf_storm_strategies))
#define TLBF_STORM_SOAK_MS	2000

struct tlbf_storm {
	struct tlbf_pool *pool;
	struct cpumask *targets;	/* shared, changed with atomic bitops */
	struct completion go;		/* every thread is bound and waiting */
	struct completion done;
	u64 start_ns;
	u64 soak_end_ns;
	u64 bound_ns;			/* when the last CPU met the bound */
	u64 end_ns;			/* when the last thread stopped */
	atomic_t behind;		/* CPUs short of the minimum rounds */
	atomic_t running;
	atomic_t errors;
	atomic_t no_frame;		/* rounds the pool had no free frame */
	unsigned long *rounds;		/* per CPU, nr_cpu_ids entries */
};

/* One round: a flusher of the round's strategy, two ops and a frame. */
static int tlbf_storm_round(struct tlbf_storm *s, unsigned long n)
{
	struct tlbf_flusher fl;
	struct tlbf_frame *f;
	int err;

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
		} else {
			atomic_inc(&s->no_frame);
		}
		err = tlbf_flusher_dispatch(&fl);
		if (!err && (n % 3))
			err = tlbf_flusher_sync(&fl);
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	return err;
}

static int tlbf_storm_fn(void *arg)
{
	struct tlbf_storm *s = arg;
	int self = raw_smp_processor_id();
	unsigned long n = 0;

	wait_for_completion(&s->go);
	for (;;) {
		/* FL2: the shared set changes under everyone's feet. */
		if (n & 1)
			cpumask_clear_cpu(self, s->targets);
		else
			cpumask_set_cpu(self, s->targets);
		if (tlbf_storm_round(s, n))
			atomic_inc(&s->errors);
		n++;
		if (n == TLBF_STORM_MIN_ROUNDS &&
		    atomic_dec_and_test(&s->behind))
			s->bound_ns = ktime_get_ns();
		/* Stop only once every CPU met the bound, then at the soak. */
		if (n >= TLBF_STORM_MIN_ROUNDS && !atomic_read(&s->behind) &&
		    ktime_get_ns() >= s->soak_end_ns)
			break;
		cond_resched();
	}
	s->rounds[self] = n;
	if (atomic_dec_and_test(&s->running)) {
		s->end_ns = ktime_get_ns();
		complete(&s->done);
	}
	return 0;
}

/* FL9, FL11: every CPU dispatches and syncs at every other. */
static void tlbf_all_cpus_flush_each_other(struct kunit *test)
{
	struct tlbf_storm *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned long lo = ULONG_MAX, hi = 0, total = 0;
	struct task_struct *t;
	int cpu, nr = 0, online;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->rounds = kunit_kcalloc(test, nr_cpu_ids, sizeof(*s->rounds),
				  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->rounds);
	s->targets = tlbf_test_mask(test);
	s->pool = tlbf_test_pool(test, max(256U, 8 * nr_cpu_ids));
	init_completion(&s->go);
	init_completion(&s->done);

	cpus_read_lock();
	online = num_online_cpus();
	cpumask_copy(s->targets, cpu_online_mask);
	atomic_set(&s->running, online);
	atomic_set(&s->behind, online);
	for_each_online_cpu(cpu) {
		t = kthread_create(tlbf_storm_fn, s, "tlbf_storm/%d", cpu);
		if (IS_ERR(t)) {
			/* Neither running nor holding the others up. */
			atomic_dec(&s->behind);
			if (atomic_dec_and_test(&s->running))
				complete(&s->done);
			continue;
		}
		kthread_bind(t, cpu);
		wake_up_process(t);
		nr++;
	}
	/* All start together: nobody has a head start of whole seconds. */
	s->start_ns = ktime_get_ns();
	s->soak_end_ns = s->start_ns + TLBF_STORM_SOAK_MS * NSEC_PER_MSEC;
	complete_all(&s->go);
	wait_for_completion(&s->done);
	cpus_read_unlock();

	KUNIT_EXPECT_EQ(test, nr, online);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->errors), 0);
	for_each_online_cpu(cpu) {
		KUNIT_EXPECT_GE_MSG(test, s->rounds[cpu],
				    (unsigned long)TLBF_STORM_MIN_ROUNDS,
				    "cpu%d", cpu);
		lo = min(lo, s->rounds[cpu]);
		hi = max(hi, s->rounds[cpu]);
		total += s->rounds[cpu];
	}
	kunit_info(test,
		   "%d CPUs, rounds per CPU min %lu max %lu total %lu (bound %lu)",
		   online, lo, hi, total, (unsigned long)TLBF_STORM_MIN_ROUNDS);
	if (s->bound_ns > s->soak_end_ns)
		kunit_info(test,
			   "ended by the work bound: every CPU had %lu rounds %llu ms after the start, past the %u ms soak",
			   (unsigned long)TLBF_STORM_MIN_ROUNDS,
			   (s->bound_ns - s->start_ns) / NSEC_PER_MSEC,
			   TLBF_STORM_SOAK_MS);
	else
		kunit_info(test,
			   "ended by the %u ms soak deadline (%llu ms); every CPU had %lu rounds at %llu ms",
			   TLBF_STORM_SOAK_MS,
			   (s->end_ns - s->start_ns) / NSEC_PER_MSEC,
			   (unsigned long)TLBF_STORM_MIN_ROUNDS,
			   (s->bound_ns - s->start_ns) / NSEC_PER_MSEC);
	kunit_info(test,
		   "ipis_sent %llu coalesced %llu slow reports %llu, rounds without a free frame %d",
		   tlbf_stat_sum(TLBF_STAT_IPIS_SENT),
		   tlbf_stat_sum(TLBF_STAT_IPIS_COALESCED),
		   tlbf_stat_sum(TLBF_STAT_SLOW_CPU_REPORTS),
		   atomic_read(&s->no_frame));
	tlbf_flusher_quiesce();
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(s->pool), 0UL);
}

static struct kunit_case tlbf_flusher_storm_cases[] = {
	KUNIT_CASE_SLOW(tlbf_all_cpus_flush_each_other),
	{}
};

static struct kunit_suite tlbf_flusher_storm_suite = {
	.name = "tlbflush_flusher_storm",
	.exit = tlbf_flusher_check_invariants,
	.test_cases = tlbf_flusher_storm_cases,
};

kunit_test_suites(&tlbf_flusher_storm_suite);
