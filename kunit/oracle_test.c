// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_oracle: the stale-translation oracle on the live
 * window (issue 8): the window grafts the mapper's tables, and one case
 * per injection point (and per checker) shows the oracle reports it. The
 * clean live scenarios, which assert zero reports for every strategy, are
 * in the conformance suite (conformance_test.c).
 */
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/preempt.h>
#include <linux/smp.h>

#include "tlbflush/flusher.h"
#include "tlbflush/inject.h"
#include "tlbflush/live.h"
#include "tlbflush/oracle.h"
#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"

static void tlbf_oracle_need_live(struct kunit *test)
{
	if (!tlbf_oracle_live())
		kunit_skip(test, "no live window (live=0, or no room for it)");
}

/* The MMU walks the mapper's table: a mapped page reads its frame. */
static void tlbf_oracle_live_window_grafts(struct kunit *test)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_live *lv = tlbf_oracle_live();
	struct tlbf_mapper *m;
	unsigned long va;
	phys_addr_t pa;
	u64 v = 0, *p;

	tlbf_oracle_need_live(test);
	m = tlbf_live_mapper(lv);
	va = tlbf_live_base(lv) + 5 * PAGE_SIZE;
	KUNIT_ASSERT_EQ(test, tlbf_live_grafted(lv), 0U);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_map(m, va,
					      tlbf_flags_set_write(tlbf_flags_new(), true)), 0);
	KUNIT_EXPECT_EQ(test, tlbf_live_grafted(lv), 1U);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_translate(m, va, &pa, NULL), 0);
	p = phys_to_virt(pa);
	WRITE_ONCE(p[7], 0x1234abcdULL);
	KUNIT_EXPECT_EQ(test, copy_from_kernel_nofault(&v, (void *)va + 56, 8),
			0L);
	KUNIT_EXPECT_EQ(test, v, 0x1234abcdULL);
	KUNIT_ASSERT_EQ(test, tlbf_mapper_unmap(m, va, true, &req), 0);
	preempt_disable();
	tlbf_req_flush_local(&req);
	KUNIT_EXPECT_NE(test, copy_from_kernel_nofault(&v, (void *)va, 8), 0L);
	preempt_enable();
	KUNIT_EXPECT_EQ(test, tlbf_live_grafted(lv), 0U);
	/* The other CPUs never read it: nothing to flush there. */
}

/* ---- one case per injection point: the oracle must report it ---- */

static void tlbf_inject_disarm(void *p)
{
	tlbf_inject_set((enum tlbf_inject_point)(unsigned long)p, false);
}

/* Live attempts a checker of real TLB contents gets (see below). */
#define TLBF_ORACLE_LIVE_ATTEMPTS	5

static u64 tlbf_oracle_count(const struct tlbf_oracle_result *r,
			     enum tlbf_stat expect)
{
	if (expect == TLBF_STAT_STALE_READS)
		return r->stale_reads;
	if (expect == TLBF_STAT_STALE_WRITES)
		return r->stale_writes;
	return r->violations;
}

/*
 * Run @p with @point armed: the point must fire, and the oracle must count
 * @expect (stale reads, stale writes or violations): each checker is shown
 * to fire on the bug it is for. The shadow TLB's checks are deterministic
 * and must fire in every run. The live readers see a stale entry only if
 * the target's TLB still holds it, and a context switch on that CPU may
 * have dropped it meanwhile (the reason the shadow exists): a live checker
 * gets up to TLBF_ORACLE_LIVE_ATTEMPTS runs to fire at least once.
 */
static void tlbf_oracle_injected(struct kunit *test,
				 enum tlbf_inject_point point,
				 const struct tlbf_oracle_params *p,
				 enum tlbf_stat expect)
{
	struct tlbf_oracle_result r;
	unsigned int attempt = 0;
	u64 fired, seen = 0;
	int err = 0;

	tlbf_oracle_need_live(test);
	if (!IS_ENABLED(CONFIG_FAULT_INJECTION))
		kunit_skip(test, "kernel built without CONFIG_FAULT_INJECTION");
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs a remote CPU");
	fired = tlbf_inject_fired(point);
	KUNIT_ASSERT_EQ(test, tlbf_inject_set(point, true), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, tlbf_inject_disarm,
							(void *)(unsigned long)point), 0);
	while (!err && !seen && attempt++ < TLBF_ORACLE_LIVE_ATTEMPTS) {
		err = tlbf_oracle_run(p, &r);
		seen = tlbf_oracle_count(&r, expect);
		KUNIT_EXPECT_GT_MSG(test, r.violations, 0ULL,
				    "the shadow TLB missed %s (attempt %u)",
				    tlbf_inject_names[point], attempt);
		kunit_info(test, "%s, attempt %u: %llu reads, %llu stale reads, %llu stale writes, %llu violations\n",
			   tlbf_inject_names[point], attempt, r.reads_checked,
			   r.stale_reads, r.stale_writes, r.violations);
		if (expect == TLBF_STAT_ORACLE_VIOLATIONS)
			break;
	}
	tlbf_inject_set(point, false);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_GT_MSG(test, tlbf_inject_fired(point), fired,
			    "%s never fired", tlbf_inject_names[point]);
	KUNIT_EXPECT_GT_MSG(test, seen, 0ULL, "%s: no %s in %u runs",
			    tlbf_inject_names[point], tlbf_stat_names[expect],
			    attempt);
}

/* The injected scenario: async, 2 rounds. */
static void tlbf_oracle_inject_run(struct kunit *test,
				   enum tlbf_inject_point point,
				   enum tlbf_oracle_targets targets,
				   enum tlbf_oracle_change change,
				   unsigned int pages, bool range, bool global,
				   enum tlbf_stat expect)
{
	const struct tlbf_oracle_params p = {
		.strategy = &tlbf_strategy_async, .targets = targets,
		.change = change, .pages = pages, .range = range,
		.global = global, .rounds = 2,
	};

	tlbf_oracle_injected(test, point, &p, expect);
}

/* A remote CPU acks without flushing: the live reader sees the old frame. */
static void tlbf_oracle_sees_skip_ops(struct kunit *test)
{
	tlbf_oracle_inject_run(test, TLBF_INJ_SKIP_OPS, TLBF_ORACLE_OTHERS,
			       TLBF_ORACLE_REMAP, 4, false, false,
			       TLBF_STAT_STALE_READS);
}

/* Ack before flush: sync returns while the shadow still holds it (a). */
static void tlbf_oracle_sees_early_ack(struct kunit *test)
{
	tlbf_oracle_inject_run(test, TLBF_INJ_EARLY_ACK, TLBF_ORACLE_OTHERS,
			       TLBF_ORACLE_PROTECT, 4, false, false,
			       TLBF_STAT_ORACLE_VIOLATIONS);
}

/* Frames freed at dispatch: released while a CPU may reach them (b). */
static void tlbf_oracle_sees_early_release(struct kunit *test)
{
	tlbf_oracle_inject_run(test, TLBF_INJ_EARLY_RELEASE,
			       TLBF_ORACLE_OTHERS, TLBF_ORACLE_UNMAP, 4, false,
			       false, TLBF_STAT_ORACLE_VIOLATIONS);
}

/*
 * The same with a target taken offline between dispatch and sync: check
 * (b) asks only the online CPUs (an offline CPU's TLB is gone), and the
 * online targets that still hold the frames are reported.
 */
static void tlbf_oracle_sees_early_release_offline(struct kunit *test)
{
	const struct tlbf_oracle_params p = {
		.strategy = &tlbf_strategy_async, .targets = TLBF_ORACLE_ALL,
		.change = TLBF_ORACLE_UNMAP, .pages = 4, .rounds = 2,
		.offline = true,
	};

	if (num_online_cpus() < 3)
		kunit_skip(test, "needs 3 CPUs: a victim and a holder");
	tlbf_oracle_injected(test, TLBF_INJ_EARLY_RELEASE, &p,
			     TLBF_STAT_ORACLE_VIOLATIONS);
}

/* 32 pages performed page by page: FL6 says flush all. */
static void tlbf_oracle_sees_threshold_off_by_one(struct kunit *test)
{
	tlbf_oracle_inject_run(test, TLBF_INJ_THRESHOLD_OFF_BY_ONE,
			       TLBF_ORACLE_OTHERS, TLBF_ORACLE_REMAP, 32, false,
			       false, TLBF_STAT_ORACLE_VIOLATIONS);
}

/* A forgotten target still reads the old frame. */
static void tlbf_oracle_sees_drop_target(struct kunit *test)
{
	tlbf_oracle_inject_run(test, TLBF_INJ_DROP_TARGET, TLBF_ORACLE_ALL,
			       TLBF_ORACLE_REMAP, 4, false, false,
			       TLBF_STAT_STALE_READS);
}

/* A forgotten target still writes through a page made read-only. */
static void tlbf_oracle_sees_store_after_protect(struct kunit *test)
{
	tlbf_oracle_inject_run(test, TLBF_INJ_DROP_TARGET, TLBF_ORACLE_ALL,
			       TLBF_ORACLE_PROTECT, 4, false, true,
			       TLBF_STAT_STALE_WRITES);
}

/* A forgotten target still reads through an unmapped page. */
static void tlbf_oracle_sees_read_after_unmap(struct kunit *test)
{
	tlbf_oracle_inject_run(test, TLBF_INJ_SKIP_OPS, TLBF_ORACLE_OTHERS,
			       TLBF_ORACLE_UNMAP, 4, true, false,
			       TLBF_STAT_STALE_READS);
}

/* A CR3 reload where global entries had to go: the shadow keeps them. */
static void tlbf_oracle_sees_all_keeps_global(struct kunit *test)
{
	tlbf_oracle_inject_run(test, TLBF_INJ_ALL_KEEPS_GLOBAL,
			       TLBF_ORACLE_OTHERS, TLBF_ORACLE_REMAP, 40, true,
			       true, TLBF_STAT_ORACLE_VIOLATIONS);
}

/*
 * FL10: a CPU that died with work queued must have it drained. With the
 * drain skipped, the oracle reports the CPU when it comes back online.
 */
static void tlbf_oracle_sees_skip_offline_drain(struct kunit *test)
{
	u64 viol = tlbf_stat_sum(TLBF_STAT_ORACLE_VIOLATIONS), fired;
	struct tlbf_flusher fl;
	cpumask_var_t targets;
	unsigned int victim;
	int err;

	if (!IS_ENABLED(CONFIG_FAULT_INJECTION))
		kunit_skip(test, "kernel built without CONFIG_FAULT_INJECTION");
	victim = cpumask_last(cpu_online_mask);
	if (num_online_cpus() < 2 || victim == 0)
		kunit_skip(test, "needs a CPU other than CPU 0");
	KUNIT_ASSERT_TRUE(test, zalloc_cpumask_var(&targets, GFP_KERNEL));
	cpumask_set_cpu(victim, targets);
	KUNIT_ASSERT_EQ(test, remove_cpu(victim), 0);
	fired = tlbf_inject_fired(TLBF_INJ_SKIP_OFFLINE_DRAIN);

	migrate_disable();
	err = tlbf_flusher_init(&fl, targets, &tlbf_strategy_async);
	if (!err) {
		tlbf_flusher_issue(&fl, tlbf_op_page(PAGE_OFFSET));
		err = tlbf_flusher_test_enqueue_offline(&fl, victim);
		tlbf_inject_set(TLBF_INJ_SKIP_OFFLINE_DRAIN, true);
		if (!err)
			err = tlbf_flusher_test_cpu_dead(victim);
		tlbf_inject_set(TLBF_INJ_SKIP_OFFLINE_DRAIN, false);
		tlbf_flusher_finish(&fl);
	}
	migrate_enable();
	KUNIT_EXPECT_EQ(test, add_cpu(victim), 0);
	/* Repair what the skipped drain left: the IPI marked in flight. */
	KUNIT_EXPECT_EQ(test, tlbf_flusher_test_kick(victim), 0);
	free_cpumask_var(targets);

	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_GT(test, tlbf_inject_fired(TLBF_INJ_SKIP_OFFLINE_DRAIN),
			fired);
	KUNIT_EXPECT_GT_MSG(test, tlbf_stat_sum(TLBF_STAT_ORACLE_VIOLATIONS),
			    viol, "the oracle missed skip_offline_drain");
	KUNIT_EXPECT_TRUE(test, tlbf_flusher_queue_idle(victim));
}

static struct kunit_case tlbf_oracle_cases[] = {
	KUNIT_CASE(tlbf_oracle_live_window_grafts),
	KUNIT_CASE(tlbf_oracle_sees_skip_ops),
	KUNIT_CASE(tlbf_oracle_sees_early_ack),
	KUNIT_CASE(tlbf_oracle_sees_early_release),
	KUNIT_CASE_SLOW(tlbf_oracle_sees_early_release_offline),
	KUNIT_CASE(tlbf_oracle_sees_threshold_off_by_one),
	KUNIT_CASE_SLOW(tlbf_oracle_sees_drop_target),
	KUNIT_CASE_SLOW(tlbf_oracle_sees_store_after_protect),
	KUNIT_CASE_SLOW(tlbf_oracle_sees_read_after_unmap),
	KUNIT_CASE_SLOW(tlbf_oracle_sees_all_keeps_global),
	KUNIT_CASE_SLOW(tlbf_oracle_sees_skip_offline_drain),
	{}
};

static struct kunit_suite tlbf_oracle_suite = {
	.name = "tlbflush_oracle",
	.test_cases = tlbf_oracle_cases,
};

kunit_test_suites(&tlbf_oracle_suite);
