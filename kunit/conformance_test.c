// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_conformance: what every strategy must do, run once
 * per registered strategy (issue 9). A strategy in a module of its own is
 * tested by loading it before tlbflush_kunit.ko; nothing here names it.
 *
 *  - FL3: issue records only; FL7/FL9: dispatch + sync complete; a bad op
 *    is refused and recorded nowhere;
 *  - FL4: a frame given to issue_with() stays PENDING until the targets
 *    flushed, then returns to its pool;
 *  - FL9: sync and a dispatch to remote CPUs with IRQs disabled are
 *    refused (-EDEADLK), the ops stay issued;
 *  - the oracle's live scenarios (every page count, change, target set,
 *    single/range, global/non-global; a target offline mid-flush): no
 *    stale access, no violation, at least 10,000 checked reads.
 */
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <linux/slab.h>

#include "tlbflush/flusher.h"
#include "tlbflush/oracle.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"

/* Reads a strategy's clean scenarios must check at least (issue 8). */
#define TLBF_CONF_MIN_READS	10000
#define TLBF_CONF_VA		0x7f0000000000UL

static const unsigned int tlbf_conf_pages[] = { 1, 31, 32, 33, 512 };

static char *strategy;
module_param(strategy, charp, 0444);
MODULE_PARM_DESC(strategy,
		 "Run the conformance suite on this registered strategy only (default: every one)");

/* Every registered strategy, or only the one named by strategy=. */
static const void *tlbf_strategy_gen_params(const void *prev, char *desc)
{
	const struct tlbf_strategy *s;

	if (strategy && *strategy) {
		tlbf_strategy_put(prev);
		s = prev ? NULL : tlbf_strategy_get(strategy);
	} else {
		s = tlbf_strategy_get_next(prev);
	}
	if (s)
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", s->name);
	return s;
}

static struct cpumask *tlbf_conf_online(struct kunit *test)
{
	struct cpumask *m = kunit_kzalloc(test, cpumask_size(), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	cpumask_copy(m, cpu_online_mask);
	return m;
}

/* FL3, FL7, FL9: issue records only; dispatch + sync; bad ops refused. */
static void tlbf_conf_issue_dispatch_sync(struct kunit *test)
{
	const struct tlbf_strategy *s = test->param_value;
	struct cpumask *targets = tlbf_conf_online(test);
	u64 inv0, full0, inv1, full1, ipi0, ipi1;
	int err, r[5] = {};
	struct tlbf_flusher fl;

	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, s);
	if (!err) {
		inv0 = tlbf_stat_sum(TLBF_STAT_PAGES_INVALIDATED);
		full0 = tlbf_stat_sum(TLBF_STAT_FULL_FLUSHES);
		ipi0 = tlbf_stat_sum(TLBF_STAT_IPIS_SENT);
		r[0] = tlbf_flusher_issue(&fl, tlbf_op_page(TLBF_CONF_VA));
		r[1] = tlbf_flusher_issue(&fl, tlbf_op_range(TLBF_CONF_VA, 3));
		r[2] = tlbf_flusher_issue(&fl, TLBF_OP_INVALID);
		inv1 = tlbf_stat_sum(TLBF_STAT_PAGES_INVALIDATED);
		full1 = tlbf_stat_sum(TLBF_STAT_FULL_FLUSHES);
		ipi1 = tlbf_stat_sum(TLBF_STAT_IPIS_SENT);
		r[3] = tlbf_flusher_dispatch(&fl);
		r[4] = tlbf_flusher_sync(&fl);
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, r[0], 0);
	KUNIT_EXPECT_EQ(test, r[1], 0);
	KUNIT_EXPECT_EQ(test, r[2], -EINVAL);
	KUNIT_EXPECT_EQ(test, inv1, inv0);
	KUNIT_EXPECT_EQ(test, full1, full0);
	KUNIT_EXPECT_EQ(test, ipi1, ipi0);
	KUNIT_EXPECT_EQ(test, r[3], 0);
	KUNIT_EXPECT_EQ(test, r[4], 0);
	tlbf_flusher_quiesce();
	KUNIT_EXPECT_GT(test, tlbf_stat_sum(TLBF_STAT_PAGES_INVALIDATED) +
			tlbf_stat_sum(TLBF_STAT_FULL_FLUSHES), inv0 + full0);
}

/* FL4: the frame returns to its pool only after the targets flushed. */
static void tlbf_conf_frame_released_after_flush(struct kunit *test)
{
	const struct tlbf_strategy *s = test->param_value;
	struct cpumask *targets = tlbf_conf_online(test);
	enum tlbf_frame_state issued = TLBF_FRAME_FREE;
	struct tlbf_pool *pool = tlbf_pool_create(4);
	struct tlbf_flusher fl;
	struct tlbf_frame *f;
	int err;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	f = tlbf_frame_alloc(pool, TLBF_FRAME_DATA, test);
	KUNIT_ASSERT_NOT_NULL(test, f);
	tlbf_frame_set_pending(f);
	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, s);
	if (!err) {
		err = tlbf_flusher_issue_with(&fl, tlbf_op_page(TLBF_CONF_VA), f);
		issued = READ_ONCE(f->state);
		err = err ?: tlbf_flusher_dispatch(&fl);
		err = err ?: tlbf_flusher_sync(&fl);
		tlbf_flusher_finish(&fl);
	} else {
		tlbf_frame_put(f);
	}
	preempt_enable();
	tlbf_flusher_quiesce();
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, issued, TLBF_FRAME_PENDING);
	KUNIT_EXPECT_EQ(test, READ_ONCE(f->state), TLBF_FRAME_FREE);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(pool), 0UL);
	tlbf_pool_destroy(pool);
}

/* FL9: no sync, and no dispatch to remote CPUs, with IRQs disabled. */
static void tlbf_conf_irqs_disabled_refused(struct kunit *test)
{
	const struct tlbf_strategy *s = test->param_value;
	struct cpumask *targets = tlbf_conf_online(test);
	bool saved = READ_ONCE(tlbf_warn_on_misuse), kept = false;
	int err, e_sync = 0, e_disp = 0, e_after = 0;
	struct tlbf_flusher fl;
	unsigned long flags;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs a remote CPU");
	WRITE_ONCE(tlbf_warn_on_misuse, false);
	preempt_disable();
	err = tlbf_flusher_init(&fl, targets, s);
	if (!err) {
		tlbf_flusher_issue(&fl, tlbf_op_page(TLBF_CONF_VA));
		local_irq_save(flags);
		e_sync = tlbf_flusher_sync(&fl);
		e_disp = tlbf_flusher_dispatch(&fl);
		kept = !tlbf_ops_empty(&fl.ops);
		local_irq_restore(flags);
		e_after = tlbf_flusher_dispatch(&fl);
		tlbf_flusher_sync(&fl);
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	WRITE_ONCE(tlbf_warn_on_misuse, saved);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, e_sync, -EDEADLK);
	KUNIT_EXPECT_EQ(test, e_disp, -EDEADLK);
	KUNIT_EXPECT_TRUE(test, kept);
	KUNIT_EXPECT_EQ(test, e_after, 0);
}

static void tlbf_conf_need_live(struct kunit *test)
{
	if (!tlbf_oracle_live())
		kunit_skip(test, "no live window (live=0, or no room for it)");
}

/*
 * The oracle's live scenarios: every page count with every change, the
 * target set rotating one / others / all, single and range ops and global
 * and non-global leaves alternating. No stale access, no violation, and at
 * least 10,000 checked reads.
 */
static void tlbf_conf_oracle_clean(struct kunit *test)
{
	const struct tlbf_strategy *s = test->param_value;
	struct tlbf_oracle_result r;
	unsigned int i, ch, n = 0;
	u64 reads = 0;
	int err;

	tlbf_conf_need_live(test);
	for (i = 0; i < ARRAY_SIZE(tlbf_conf_pages); i++) {
		for (ch = 0; ch < TLBF_ORACLE_NR_CHANGES; ch++, n++) {
			struct tlbf_oracle_params p = {
				.strategy = s,
				.targets = n % TLBF_ORACLE_NR_TARGETS,
				.change = ch,
				.pages = tlbf_conf_pages[i],
				.range = n % 2,
				.global = (n / 2) % 2,
				.rounds = 2,
			};

			err = tlbf_oracle_run(&p, &r);
			KUNIT_EXPECT_EQ(test, err, 0);
			KUNIT_EXPECT_EQ(test, r.rounds, 2ULL);
			KUNIT_EXPECT_EQ_MSG(test, r.stale_reads + r.stale_writes +
					    r.violations, 0ULL,
					    "%s %s %s pages %u range %d global %d: %llu stale reads, %llu stale writes, %llu violations",
					    s->name, tlbf_oracle_change_names[ch],
					    tlbf_oracle_target_names[p.targets],
					    p.pages, p.range, p.global,
					    r.stale_reads, r.stale_writes,
					    r.violations);
			reads += r.reads_checked;
		}
	}
	kunit_info(test, "%s: %u scenarios, %llu reads checked\n", s->name, n,
		   reads);
	KUNIT_EXPECT_GE(test, reads, (u64)TLBF_CONF_MIN_READS);
}

/* A target goes offline between dispatch and sync, then comes back. */
static void tlbf_conf_oracle_offline(struct kunit *test)
{
	const struct tlbf_strategy *s = test->param_value;
	struct tlbf_oracle_params p = {
		.strategy = s, .targets = TLBF_ORACLE_ALL,
		.change = TLBF_ORACLE_REMAP, .pages = 33, .global = true,
		.rounds = 2, .offline = true,
	};
	struct tlbf_oracle_result r;

	tlbf_conf_need_live(test);
	if (num_online_cpus() < 3)
		kunit_skip(test, "needs 3 online CPUs (initiator, CPU 0, victim)");
	KUNIT_EXPECT_EQ(test, tlbf_oracle_run(&p, &r), 0);
	KUNIT_EXPECT_EQ(test, r.stale_reads + r.stale_writes + r.violations,
			0ULL);
	KUNIT_EXPECT_GT(test, r.reads_checked, 0ULL);
	KUNIT_EXPECT_EQ(test, num_online_cpus(), num_possible_cpus());
}

static struct kunit_case tlbf_conformance_cases[] = {
	KUNIT_CASE_PARAM(tlbf_conf_issue_dispatch_sync,
			 tlbf_strategy_gen_params),
	KUNIT_CASE_PARAM(tlbf_conf_frame_released_after_flush,
			 tlbf_strategy_gen_params),
	KUNIT_CASE_PARAM(tlbf_conf_irqs_disabled_refused,
			 tlbf_strategy_gen_params),
	KUNIT_CASE_PARAM_ATTR(tlbf_conf_oracle_clean, tlbf_strategy_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE_PARAM_ATTR(tlbf_conf_oracle_offline,
			      tlbf_strategy_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	{}
};

static struct kunit_suite tlbf_conformance_suite = {
	.name = "tlbflush_conformance",
	.test_cases = tlbf_conformance_cases,
};

kunit_test_suites(&tlbf_conformance_suite);
