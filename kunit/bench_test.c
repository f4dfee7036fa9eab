// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_bench: the benchmark engine (bench.c) does the work
 * it reports. Each mode runs for a few iterations and the test checks,
 * through counters the mode cannot fake, what happened on the CPUs:
 *
 * - flusher modes: the tlbflush counters (pages invalidated, full flushes,
 *   IPIs sent and received, dispatches, syncs...) moved exactly as a model
 *   of the mode predicts from the page count, the target set, the number of
 *   online CPUs and the flush-all threshold; both the per-mode deltas the
 *   bench reports and the test's own snapshot around the whole run;
 * - ipi: a kprobe on the bench's handler counts its runs on each CPU;
 * - native: kprobes on the kernel's IPI callbacks of flush_tlb_kernel_range
 *   (do_kernel_range_flush, filtered on the bench's address range, and
 *   do_flush_tlb_all) count the CPUs that flushed.
 *
 * No timing is asserted: only that every latency statistic is ordered
 * (min <= median <= p90 <= p99 <= max) and counted over the right number of
 * samples.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tlbflush/bench.h"
#include "tlbflush/flusher.h"
#include "tlbflush/stats.h"

#define ITERS	10
#define WARMUP	2

/* ---------------------------------------------------------- the model */

/* What one sample of a flusher mode must add to the counters. */
static void expect_flusher(enum tlbf_bench_mode m, unsigned int pages,
			   enum tlbf_bench_targets t, u64 *e)
{
	unsigned int online = num_online_cpus();
	unsigned int thr = READ_ONCE(tlbf_flush_all_threshold);
	unsigned int remote = t == TLBF_BENCH_T_ONE ? 1 : online - 1;
	unsigned int local = t == TLBF_BENCH_T_ALL;
	bool all;

	memset(e, 0, sizeof(u64) * TLBF_NR_STATS);
	e[TLBF_STAT_DISPATCHES] = 1;
	e[TLBF_STAT_SYNCS] = 1;
	e[TLBF_STAT_LOCAL_FLUSHES] = local;

	if (m == TLBF_BENCH_BATCHED) {
		/* K single-page ops; at the threshold the stack flushes all. */
		e[TLBF_STAT_OPS_ISSUED_SINGLE] = pages;
		all = pages >= thr;	/* FL6: pending + new >= threshold */
		e[TLBF_STAT_OPS_MERGED_TO_ALL] = all;
	} else {
		/* One op: tlbf_op_range() is "all" from the threshold up. */
		all = pages >= thr;
		if (all)
			e[TLBF_STAT_OPS_ISSUED_ALL] = 1;
		else if (pages == 1)
			e[TLBF_STAT_OPS_ISSUED_SINGLE] = 1;
		else
			e[TLBF_STAT_OPS_ISSUED_RANGE] = 1;
	}

	if (m == TLBF_BENCH_BROADCAST) {
		/* Every other online CPU flushes all; this one its ops. */
		remote = online - 1;
		e[TLBF_STAT_FULL_FLUSHES] = remote + (all ? local : 0);
		e[TLBF_STAT_PAGES_INVALIDATED] = all ? 0 : (u64)pages * local;
	} else {
		e[TLBF_STAT_FULL_FLUSHES] = all ? remote + local : 0;
		e[TLBF_STAT_PAGES_INVALIDATED] =
			all ? 0 : (u64)pages * (remote + local);
	}
	e[TLBF_STAT_IPIS_SENT] = remote;
	e[TLBF_STAT_IPIS_RECEIVED] = remote;
}

static void snapshot(u64 *v)
{
	int i;

	for (i = 0; i < TLBF_NR_STATS; i++)
		v[i] = tlbf_stat_sum(i);
}

static void check_summary(struct kunit *test,
			  const struct tlbf_bench_mode_result *r,
			  unsigned int iters)
{
	const struct tlbf_bench_summary *s = &r->stats;

	KUNIT_EXPECT_EQ(test, s->n, iters);
	KUNIT_EXPECT_LE(test, s->min, s->median);
	KUNIT_EXPECT_LE(test, s->median, s->p90);
	KUNIT_EXPECT_LE(test, s->p90, s->p99);
	KUNIT_EXPECT_LE(test, s->p99, s->max);
	KUNIT_EXPECT_LE(test, s->min, s->mean);
	KUNIT_EXPECT_LE(test, s->mean, s->max);
	KUNIT_EXPECT_GT(test, s->max, 0ULL);
}

static struct tlbf_bench_result *run(struct kunit *test, unsigned long modes,
				     unsigned int pages,
				     enum tlbf_bench_targets t,
				     unsigned int warmup, u64 *before,
				     u64 *after)
{
	struct tlbf_bench_params p = {
		.modes = modes,
		.pages = pages,
		.targets = t,
		.iters = ITERS,
		.warmup = warmup,
		.touch = true,
	};
	struct tlbf_bench_result *r;
	int ret;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	/* No flush of an earlier test may still be in flight. */
	tlbf_flusher_quiesce();
	snapshot(before);
	ret = tlbf_bench_run(&p, r);
	snapshot(after);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "pages=%u targets=%s", pages,
			    tlbf_bench_target_names[t]);
	return r;
}

/*
 * Run flusher mode @m alone and hold it to the model: the bench's per-mode
 * deltas for the measured iterations, and the whole run (warm-up included)
 * as seen by the test itself.
 */
static void check_flusher_mode(struct kunit *test, enum tlbf_bench_mode m,
			       unsigned int pages, enum tlbf_bench_targets t)
{
	u64 before[TLBF_NR_STATS], after[TLBF_NR_STATS], e[TLBF_NR_STATS];
	const struct tlbf_bench_mode_result *mr;
	struct tlbf_bench_result *r;
	unsigned int online = num_online_cpus();
	int i;

	if (online < 2)
		kunit_skip(test, "needs 2 online CPUs");
	r = run(test, BIT(m), pages, t, WARMUP, before, after);
	mr = &r->mode[m];
	KUNIT_ASSERT_TRUE(test, mr->available);
	check_summary(test, mr, ITERS);
	expect_flusher(m, pages, t, e);
	for (i = 0; i < TLBF_NR_STATS; i++) {
		KUNIT_EXPECT_EQ_MSG(test, mr->stat_delta[i], e[i] * ITERS,
				    "%s %s pages=%u targets=%s: per-mode %s",
				    tlbf_bench_mode_names[m], "measured", pages,
				    tlbf_bench_target_names[t],
				    tlbf_stat_names[i]);
		KUNIT_EXPECT_EQ_MSG(test, after[i] - before[i],
				    e[i] * (ITERS + WARMUP),
				    "%s pages=%u targets=%s: whole run %s",
				    tlbf_bench_mode_names[m], pages,
				    tlbf_bench_target_names[t],
				    tlbf_stat_names[i]);
	}
	KUNIT_EXPECT_EQ(test, mr->remote_samples,
			e[TLBF_STAT_IPIS_SENT] * ITERS);
	KUNIT_EXPECT_EQ(test, mr->ipi_handler_runs, 0ULL);
	KUNIT_EXPECT_EQ(test, mr->native_calls, 0ULL);
}

/* ---------------------------------------------------------- the cases */

static void bench_flusher_sync(struct kunit *test)
{
	check_flusher_mode(test, TLBF_BENCH_FLUSHER_SYNC, 1, TLBF_BENCH_T_ONE);
	check_flusher_mode(test, TLBF_BENCH_FLUSHER_SYNC, 8, TLBF_BENCH_T_ALL);
	check_flusher_mode(test, TLBF_BENCH_FLUSHER_SYNC, 64,
			   TLBF_BENCH_T_OTHERS);
}

static void bench_flusher_async(struct kunit *test)
{
	check_flusher_mode(test, TLBF_BENCH_FLUSHER_ASYNC, 8, TLBF_BENCH_T_ONE);
	check_flusher_mode(test, TLBF_BENCH_FLUSHER_ASYNC, 16,
			   TLBF_BENCH_T_OTHERS);
	check_flusher_mode(test, TLBF_BENCH_FLUSHER_ASYNC, 512,
			   TLBF_BENCH_T_ALL);
}

static void bench_broadcast(struct kunit *test)
{
	check_flusher_mode(test, TLBF_BENCH_BROADCAST, 8, TLBF_BENCH_T_ONE);
	check_flusher_mode(test, TLBF_BENCH_BROADCAST, 4, TLBF_BENCH_T_ALL);
	check_flusher_mode(test, TLBF_BENCH_BROADCAST, 64, TLBF_BENCH_T_ALL);
}

static void bench_batched(struct kunit *test)
{
	unsigned int thr = READ_ONCE(tlbf_flush_all_threshold);

	check_flusher_mode(test, TLBF_BENCH_BATCHED, 8, TLBF_BENCH_T_OTHERS);
	/* exactly the threshold: still page by page; one more: flush all */
	check_flusher_mode(test, TLBF_BENCH_BATCHED, thr, TLBF_BENCH_T_ONE);
	check_flusher_mode(test, TLBF_BENCH_BATCHED, thr + 1, TLBF_BENCH_T_ALL);
}

/* ipi: a kprobe on the bench's handler counts where it ran. */
static DEFINE_PER_CPU(atomic_t, ipi_probe_hits);

static int ipi_probe_pre(struct kprobe *p, struct pt_regs *regs)
{
	atomic_inc(this_cpu_ptr(&ipi_probe_hits));
	return 0;
}

static void check_ipi(struct kunit *test, enum tlbf_bench_targets t)
{
	u64 before[TLBF_NR_STATS], after[TLBF_NR_STATS];
	struct kprobe kp = {
		.symbol_name = "tlbflush:tlbf_bench_ipi_fn",
		.pre_handler = ipi_probe_pre,
	};
	unsigned int online = num_online_cpus();
	unsigned int cpus = t == TLBF_BENCH_T_ONE ? 1 :
			    t == TLBF_BENCH_T_OTHERS ? online - 1 : online;
	const struct tlbf_bench_mode_result *mr;
	struct tlbf_bench_result *r;
	int cpu, hit_cpus = 0, ret, i;
	u64 hits = 0;

	for_each_possible_cpu(cpu)
		atomic_set(per_cpu_ptr(&ipi_probe_hits, cpu), 0);
	ret = register_kprobe(&kp);
	if (ret)
		kunit_skip(test, "kprobe on tlbf_bench_ipi_fn: %d", ret);
	r = run(test, BIT(TLBF_BENCH_IPI), 1, t, 0, before, after);
	unregister_kprobe(&kp);

	mr = &r->mode[TLBF_BENCH_IPI];
	KUNIT_ASSERT_TRUE(test, mr->available);
	check_summary(test, mr, ITERS);
	KUNIT_EXPECT_EQ(test, mr->cpus, cpus);
	KUNIT_EXPECT_EQ(test, mr->cpu_samples, (u64)cpus * ITERS);
	KUNIT_EXPECT_EQ(test, mr->ipi_handler_runs, (u64)cpus * ITERS);
	for_each_possible_cpu(cpu) {
		int h = atomic_read(per_cpu_ptr(&ipi_probe_hits, cpu));

		hits += h;
		hit_cpus += h > 0;
		/* at most one run per sample on any CPU */
		KUNIT_EXPECT_LE_MSG(test, h, ITERS, "cpu%d", cpu);
	}
	KUNIT_EXPECT_EQ(test, hits, (u64)cpus * ITERS);
	KUNIT_EXPECT_GE(test, hit_cpus, (int)cpus);
	/* The floor goes through no flusher: no tlbflush counter moved. */
	for (i = 0; i < TLBF_NR_STATS; i++) {
		KUNIT_EXPECT_EQ_MSG(test, mr->stat_delta[i], 0ULL, "%s",
				    tlbf_stat_names[i]);
		KUNIT_EXPECT_EQ_MSG(test, after[i], before[i], "%s",
				    tlbf_stat_names[i]);
	}
}

static void bench_ipi(struct kunit *test)
{
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 online CPUs");
	check_ipi(test, TLBF_BENCH_T_ONE);
	check_ipi(test, TLBF_BENCH_T_OTHERS);
	check_ipi(test, TLBF_BENCH_T_ALL);
}

/*
 * native: flush_tlb_kernel_range() makes every online CPU run
 * do_kernel_range_flush() on its flush_tlb_info (a range up to
 * tlb_single_page_flush_ceiling pages) or do_flush_tlb_all().
 */
static atomic_t native_range_hits, native_all_hits;
static unsigned long native_start, native_end;

/*
 * The head of x86's struct flush_tlb_info (arch/x86/include/asm/tlbflush.h,
 * hidden from modules; the same from 6.1 to 6.12). Should it change, the
 * filter below matches nothing and the test fails: it cannot pass wrongly.
 */
struct tlbf_test_flush_info_head {
	void *mm;
	unsigned long start;
	unsigned long end;
};

static int native_range_pre(struct kprobe *p, struct pt_regs *regs)
{
	const struct tlbf_test_flush_info_head *info =
		(const void *)regs_get_kernel_argument(regs, 0);

	if (info && info->start == READ_ONCE(native_start) &&
	    info->end == READ_ONCE(native_end))
		atomic_inc(&native_range_hits);
	return 0;
}

static int native_all_pre(struct kprobe *p, struct pt_regs *regs)
{
	atomic_inc(&native_all_hits);
	return 0;
}

static void check_native(struct kunit *test, unsigned int pages,
			 enum tlbf_bench_targets t, bool range)
{
	u64 before[TLBF_NR_STATS], after[TLBF_NR_STATS];
	struct kprobe kr = {
		.symbol_name = "do_kernel_range_flush",
		.pre_handler = native_range_pre,
	};
	struct kprobe ka = {
		.symbol_name = "do_flush_tlb_all",
		.pre_handler = native_all_pre,
	};
	unsigned int online = num_online_cpus();
	const struct tlbf_bench_mode_result *mr;
	struct tlbf_bench_result *r;
	int ret;

	native_start = tlbf_bench_buffer();
	native_end = native_start + pages * PAGE_SIZE;
	atomic_set(&native_range_hits, 0);
	atomic_set(&native_all_hits, 0);
	ret = register_kprobe(&kr);
	if (ret)
		kunit_skip(test, "kprobe on do_kernel_range_flush: %d", ret);
	ret = register_kprobe(&ka);
	if (ret) {
		unregister_kprobe(&kr);
		kunit_skip(test, "kprobe on do_flush_tlb_all: %d", ret);
	}
	r = run(test, BIT(TLBF_BENCH_NATIVE), pages, t, 0, before, after);
	unregister_kprobe(&ka);
	unregister_kprobe(&kr);

	mr = &r->mode[TLBF_BENCH_NATIVE];
	KUNIT_ASSERT_TRUE(test, mr->available);
	check_summary(test, mr, ITERS);
	KUNIT_EXPECT_EQ(test, mr->native_calls, (u64)ITERS);
	KUNIT_EXPECT_EQ(test, mr->cpus, online);
	KUNIT_EXPECT_EQ(test, mr->cpu_samples, (u64)online * ITERS);
	if (range) {
		/* Exactly our range, once per CPU and sample. */
		KUNIT_EXPECT_EQ(test, atomic_read(&native_range_hits),
				(int)(online * ITERS));
	} else {
		/* Anyone may flush all meanwhile (e.g. a vmap purge). */
		KUNIT_EXPECT_EQ(test, atomic_read(&native_range_hits), 0);
		KUNIT_EXPECT_GE(test, atomic_read(&native_all_hits),
				(int)(online * ITERS));
	}
	KUNIT_EXPECT_EQ(test, after[TLBF_STAT_IPIS_SENT],
			before[TLBF_STAT_IPIS_SENT]);
}

static void bench_native(struct kunit *test)
{
	const char *why;

	if (!tlbf_bench_mode_available(TLBF_BENCH_NATIVE, &why))
		kunit_skip(test, "native unavailable here: %s", why);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 online CPUs");
	/* 1 and 8 pages are below the default ceiling (33), 512 above. */
	check_native(test, 1, TLBF_BENCH_T_ONE, true);
	check_native(test, 8, TLBF_BENCH_T_ALL, true);
	check_native(test, 512, TLBF_BENCH_T_OTHERS, false);
}

/* All modes in one run, interleaved: each mode's counters are its own. */
static void bench_interleaved_attribution(struct kunit *test)
{
	u64 before[TLBF_NR_STATS], after[TLBF_NR_STATS], e[TLBF_NR_STATS];
	static const enum tlbf_bench_mode fl[] = {
		TLBF_BENCH_FLUSHER_SYNC, TLBF_BENCH_FLUSHER_ASYNC,
		TLBF_BENCH_BROADCAST, TLBF_BENCH_BATCHED,
	};
	unsigned long modes = BIT(TLBF_BENCH_NR_MODES) - 1;
	struct tlbf_bench_result *r;
	u64 total[TLBF_NR_STATS] = {};
	int i, k;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 online CPUs");
	r = run(test, modes, 4, TLBF_BENCH_T_OTHERS, 0, before, after);
	for (k = 0; k < ARRAY_SIZE(fl); k++) {
		expect_flusher(fl[k], 4, TLBF_BENCH_T_OTHERS, e);
		check_summary(test, &r->mode[fl[k]], ITERS);
		for (i = 0; i < TLBF_NR_STATS; i++) {
			KUNIT_EXPECT_EQ_MSG(test, r->mode[fl[k]].stat_delta[i],
					    e[i] * ITERS, "%s %s",
					    tlbf_bench_mode_names[fl[k]],
					    tlbf_stat_names[i]);
			total[i] += e[i] * ITERS;
		}
	}
	for (i = 0; i < TLBF_NR_STATS; i++) {
		KUNIT_EXPECT_EQ_MSG(test, after[i] - before[i], total[i], "%s",
				    tlbf_stat_names[i]);
		KUNIT_EXPECT_EQ_MSG(test, r->after[i] - r->before[i], total[i],
				    "bench's own before/after %s",
				    tlbf_stat_names[i]);
		KUNIT_EXPECT_EQ(test, r->mode[TLBF_BENCH_IPI].stat_delta[i],
				0ULL);
	}
	KUNIT_EXPECT_EQ(test, r->mode[TLBF_BENCH_IPI].ipi_handler_runs,
			(u64)(num_online_cpus() - 1) * ITERS);
}

/* ------------------------------------------ parameters and statistics */

static void bench_parse(struct kunit *test)
{
	static const char *const bad[] = {
		"", "\n", "pages=0", "pages=513", "pages=3x", "pages=-1",
		"pages", "=3", "pages=", "modes=foo", "modes=ipi,foo",
		"modes=ipi,", "targets=two", "iters=0", "iters=100001",
		"warmup=10001", "touch=maybe", "bogus=1", "pages=1 junk",
	};
	static const char full[] =
		"modes=ipi,batched pages=512 targets=all iters=7 warmup=0 touch=0\n";
	struct tlbf_bench_params p, orig;
	int i;

	KUNIT_EXPECT_EQ(test, tlbf_bench_parse("pages=8", &p), 0);
	KUNIT_EXPECT_EQ(test, p.pages, 8U);
	KUNIT_EXPECT_EQ(test, p.modes, BIT(TLBF_BENCH_NR_MODES) - 1);
	KUNIT_EXPECT_EQ(test, p.targets, TLBF_BENCH_T_OTHERS);
	KUNIT_EXPECT_EQ(test, p.iters, 1000U);
	KUNIT_EXPECT_EQ(test, p.warmup, 100U);
	KUNIT_EXPECT_TRUE(test, p.touch);

	KUNIT_EXPECT_EQ(test, tlbf_bench_parse(full, &p), 0);
	KUNIT_EXPECT_EQ(test, p.modes,
			BIT(TLBF_BENCH_IPI) | BIT(TLBF_BENCH_BATCHED));
	KUNIT_EXPECT_EQ(test, p.pages, 512U);
	KUNIT_EXPECT_EQ(test, p.targets, TLBF_BENCH_T_ALL);
	KUNIT_EXPECT_EQ(test, p.iters, 7U);
	KUNIT_EXPECT_EQ(test, p.warmup, 0U);
	KUNIT_EXPECT_FALSE(test, p.touch);

	orig = p;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, tlbf_bench_parse(bad[i], &p), -EINVAL,
				    "'%s'", bad[i]);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&p, &orig, sizeof(p)), 0,
				    "'%s' changed the parameters", bad[i]);
	}
}

static void bench_run_rejects_bad_params(struct kunit *test)
{
	struct tlbf_bench_params good = {
		.modes = BIT(TLBF_BENCH_IPI), .pages = 1,
		.targets = TLBF_BENCH_T_ONE, .iters = 1,
	};
	struct tlbf_bench_params p;
	struct tlbf_bench_result *r;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	p = good;
	p.modes = 0;
	KUNIT_EXPECT_EQ(test, tlbf_bench_run(&p, r), -EINVAL);
	p = good;
	p.modes = BIT(TLBF_BENCH_NR_MODES);
	KUNIT_EXPECT_EQ(test, tlbf_bench_run(&p, r), -EINVAL);
	p = good;
	p.pages = TLBF_BENCH_MAX_PAGES + 1;
	KUNIT_EXPECT_EQ(test, tlbf_bench_run(&p, r), -EINVAL);
	p = good;
	p.iters = 0;
	KUNIT_EXPECT_EQ(test, tlbf_bench_run(&p, r), -EINVAL);
	p = good;
	p.targets = 3;
	KUNIT_EXPECT_EQ(test, tlbf_bench_run(&p, r), -EINVAL);
}

static void bench_summarize(struct kunit *test)
{
	u64 odd[] = { 50, 10, 40, 30, 20 };
	u64 even[] = { 4, 1, 3, 2 };
	struct tlbf_bench_summary s;
	u64 *v;
	int i;

	tlbf_bench_summarize(odd, ARRAY_SIZE(odd), &s);
	KUNIT_EXPECT_EQ(test, s.median, 30ULL);
	KUNIT_EXPECT_EQ(test, s.min, 10ULL);
	KUNIT_EXPECT_EQ(test, s.max, 50ULL);
	KUNIT_EXPECT_EQ(test, s.p90, 50ULL);
	KUNIT_EXPECT_EQ(test, s.mean, 30ULL);
	tlbf_bench_summarize(even, ARRAY_SIZE(even), &s);
	KUNIT_EXPECT_EQ(test, s.median, 2ULL);

	v = kunit_kmalloc_array(test, 1000, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	for (i = 0; i < 1000; i++)
		v[i] = i < 990 ? 1000 + (999 - i) % 990 : 1000000;
	tlbf_bench_summarize(v, 1000, &s);
	KUNIT_EXPECT_EQ(test, s.n, 1000U);
	KUNIT_EXPECT_EQ(test, s.p99, 1989ULL);
	KUNIT_EXPECT_EQ(test, s.p90, 1899ULL);
	KUNIT_EXPECT_EQ(test, s.median, 1499ULL);
	KUNIT_EXPECT_EQ(test, s.max, 1000000ULL);

	tlbf_bench_summarize(v, 0, &s);
	KUNIT_EXPECT_EQ(test, s.n, 0U);
	KUNIT_EXPECT_EQ(test, s.median, 0ULL);
}

static struct kunit_case tlbf_bench_cases[] = {
	KUNIT_CASE(bench_parse),
	KUNIT_CASE(bench_run_rejects_bad_params),
	KUNIT_CASE(bench_summarize),
	KUNIT_CASE_SLOW(bench_ipi),
	KUNIT_CASE_SLOW(bench_native),
	KUNIT_CASE_SLOW(bench_flusher_sync),
	KUNIT_CASE_SLOW(bench_flusher_async),
	KUNIT_CASE_SLOW(bench_broadcast),
	KUNIT_CASE_SLOW(bench_batched),
	KUNIT_CASE_SLOW(bench_interleaved_attribution),
	{}
};

static struct kunit_suite tlbf_bench_suite = {
	.name = "tlbflush_bench",
	.test_cases = tlbf_bench_cases,
};

kunit_test_suites(&tlbf_bench_suite);
