/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixtures of the flusher KUnit suites (flusher_test.c, flusher_hotplug_test.c,
 * flusher_storm_test.c): each helper sets something up for the running case
 * and registers its tear-down with kunit_add_action(), so that a case ends
 * (passed, failed or skipped at any point) with its pools destroyed, its
 * blockers released, its tunables restored and its CPUs back online.
 *
 * A "blocker" is a kthread spinning with IRQs disabled on one CPU, to keep
 * a dispatched flush queued there for a while; it lets go when released,
 * when its release condition holds, or after its max_ms at the latest.
 */
#ifndef _TLBFLUSH_KUNIT_FLUSHER_FIXTURE_H
#define _TLBFLUSH_KUNIT_FLUSHER_FIXTURE_H

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/sched.h>

#include "tlbflush/flusher.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"

#define TLBF_TEST_VA		0x7f0000000000UL
/*
 * How long a blocker may hold its CPU if nobody releases it: a safety net
 * for a broken case, never reached by a passing one (it is released right
 * after the dispatch it holds up). Well below the soft-lockup bound.
 */
#define TLBF_BLOCK_MAX_MS	8000

/*
 * A wait for something that must happen (a kthread starting, a CPU going
 * down) gives up after this long: not a time bound of the case, a guard
 * that turns a hang into a failure.
 */
#define TLBF_HANG_SECS		120

static inline u64 cpu_stat(int cpu, enum tlbf_stat s)
{
	return tlbf_stat_cpu(cpu, s);
}

struct tlbf_blocker {
	struct task_struct *task;
	struct completion done;
	int blocked;
	int release;
	unsigned int max_ms;
	/* Let go by itself once @until_stat (summed) exceeds @until_above. */
	int until_stat;
	u64 until_above;
	bool timed_out;
	bool stopped;
};

void tlbf_test_defer(struct kunit *test, kunit_action_t *fn, void *arg);
struct tlbf_blocker *tlbf_test_blocker(struct kunit *test, int cpu,
				       unsigned int max_ms, int until_stat,
				       u64 until_above);
void tlbf_blocker_release(struct tlbf_blocker *b);
void tlbf_blocker_stop(struct tlbf_blocker *b);

int tlbf_pin_here(struct kunit *test);
int tlbf_other_cpu(int self);
struct cpumask *tlbf_test_mask(struct kunit *test);
struct tlbf_pool *tlbf_test_pool(struct kunit *test, unsigned long n);
struct tlbf_frame *tlbf_test_pending_frame(struct kunit *test,
					   struct tlbf_pool *pool);
void tlbf_test_threshold(struct kunit *test, unsigned int thr);
void tlbf_test_slow_cpu_ms(struct kunit *test, unsigned int ms);
void tlbf_test_quiet_misuse(struct kunit *test);
int tlbf_test_offline(struct kunit *test, int cpu);
void tlbf_test_online_at_end(struct kunit *test, int cpu);
void tlbf_flusher_check_invariants(struct kunit *test);

#endif /* _TLBFLUSH_KUNIT_FLUSHER_FIXTURE_H */
