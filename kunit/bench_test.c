// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_bench: the benchmark engine (bench.c) does the work
 * it reports. Each mode runs for a few iterations and the test checks,
 * through counters the mode cannot fake, what happened on the CPUs:
 *
 * - flusher-NAME, one KUnit parameter per registered strategy (a strategy
 *   of another module included), and batched: the tlbflush counters
 *   (pages invalidated, full flushes, IPIs sent and received, lazy
 *   flushes, dispatches, syncs...) moved exactly as tlbf_bench_expect()
 *   predicts from what the strategy declares (threshold, TLBF_STRAT_F_*),
 *   the page count, the target set and the online CPUs: the per-mode
 *   deltas the bench reports, its own model=ok verdict, and the test's
 *   snapshot around the whole run. The model must object to a strategy
 *   that lies about itself (bench_model_fires; the model on hand-computed
 *   cases is in bench_params_test.c);
 * - the samples a run keeps for debugfs bench_samples are each mode's own;
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
#include "tlbflush/strategy.h"

#define ITERS	10
#define WARMUP	2

/* ------------------------------------------------------------ helpers */

static void snapshot(u64 *v)
{
	int i;

	for (i = 0; i < TLBF_NR_STATS; i++)
		v[i] = tlbf_stat_sum(i);
}

/*
 * A counter the model leaves out (tlbf_bench_stat_timed()): lazy kicks
 * move only for a strategy that queues without an IPI; slow-CPU reports
 * depend on the host alone.
 */
static void check_timed(struct kunit *test, const struct tlbf_strategy *s,
			const struct tlbf_bench_mode_result *mr, int i)
{
	if (i == TLBF_STAT_LAZY_KICKS && !(s->flags & TLBF_STRAT_F_NO_IPI))
		KUNIT_EXPECT_EQ_MSG(test, mr->stat_delta[i], 0ULL, "%s %s",
				    mr->name, tlbf_stat_names[i]);
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

static struct tlbf_bench_result *run(struct kunit *test, const char *modes,
				     unsigned int pages,
				     enum tlbf_bench_targets t,
				     unsigned int warmup, u64 *before,
				     u64 *after)
{
	struct tlbf_bench_params p = {
		.pages = pages,
		.targets = t,
		.iters = ITERS,
		.warmup = warmup,
		.touch = true,
	};
	struct tlbf_bench_result *r;
	int ret;

	strscpy(p.modes, modes, sizeof(p.modes));
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	/* No flush of an earlier test may still be in flight. */
	tlbf_flusher_quiesce();
	snapshot(before);
	ret = tlbf_bench_run(&p, r);
	snapshot(after);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "modes=%s pages=%u targets=%s",
			    modes, pages, tlbf_bench_target_names[t]);
	return r;
}

static const struct tlbf_bench_mode_result *
find_mode(struct kunit *test, const struct tlbf_bench_result *r,
	  const char *name)
{
	const struct tlbf_bench_mode_result *mr = tlbf_bench_find(r, name);

	KUNIT_ASSERT_NOT_NULL_MSG(test, mr, "no mode %s in the run", name);
	KUNIT_ASSERT_TRUE_MSG(test, mr->available, "%s: %s", name,
			      mr->reason);
	return mr;
}

/* The model's counters of one sample of @s at @pages pages and @t. */
static void expect(const struct tlbf_strategy *s, bool batched,
		   unsigned int pages, enum tlbf_bench_targets t, u64 *e)
{
	unsigned int online = num_online_cpus();

	tlbf_bench_expect(s, batched, pages,
			  t == TLBF_BENCH_T_ONE ? 1 : online - 1,
			  t == TLBF_BENCH_T_ALL, online, e);
}

/*
 * Run mode @name (strategy @s) alone and hold its counters to the model:
 * the bench's per-mode deltas for the measured iterations, its own verdict,
 * and the whole run (warm-up included) as seen by the test itself.
 */
static void check_flusher_mode(struct kunit *test, const char *name,
			       const struct tlbf_strategy *s, bool batched,
			       unsigned int pages, enum tlbf_bench_targets t)
{
	u64 before[TLBF_NR_STATS], after[TLBF_NR_STATS], e[TLBF_NR_STATS];
	const struct tlbf_bench_mode_result *mr;
	struct tlbf_bench_result *r;
	int i;

	r = run(test, name, pages, t, WARMUP, before, after);
	mr = find_mode(test, r, name);
	check_summary(test, mr, ITERS);
	expect(s, batched, pages, t, e);
	for (i = 0; i < TLBF_NR_STATS; i++) {
		if (tlbf_bench_stat_timed(i)) {
			check_timed(test, s, mr, i);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, mr->stat_delta[i], e[i] * ITERS,
				    "%s pages=%u targets=%s: per-mode %s",
				    name, pages, tlbf_bench_target_names[t],
				    tlbf_stat_names[i]);
		KUNIT_EXPECT_EQ_MSG(test, mr->expect[i], e[i] * ITERS,
				    "%s: the bench's model of %s", name,
				    tlbf_stat_names[i]);
		KUNIT_EXPECT_EQ_MSG(test, after[i] - before[i],
				    e[i] * (ITERS + WARMUP),
				    "%s pages=%u targets=%s: whole run %s",
				    name, pages, tlbf_bench_target_names[t],
				    tlbf_stat_names[i]);
	}
	KUNIT_EXPECT_TRUE_MSG(test, mr->model_ok, "%s: model differs at %s",
			      name, mr->model_diff);
	/* The CPUs reached (IPI or tick) are the remote CPUs reported. */
	KUNIT_EXPECT_EQ(test, mr->remote_samples,
			(e[TLBF_STAT_IPIS_SENT] + e[TLBF_STAT_LAZY_FLUSHES]) *
			ITERS);
	KUNIT_EXPECT_EQ(test, mr->ipi_handler_runs, 0ULL);
	KUNIT_EXPECT_EQ(test, mr->native_calls, 0ULL);
}

/* ------------------------------------------------------------ the model */

/*
 * A strategy that declares no IPI (TLBF_STRAT_F_NO_IPI) but sends them:
 * the bench's model check must fire on it.
 */
static int liar_dispatch(struct tlbf_flusher *fl, struct tlbf_dispatch *d)
{
	int err = tlbf_deliver_queued(fl, d, d->ops);

	if (!err)
		tlbf_flusher_wait(fl);
	return err;
}

static struct tlbf_strategy liar = {
	.name = "bench-liar",
	.desc = "KUnit: declares no IPI, sends them (the model must object)",
	.flags = TLBF_STRAT_F_WAITS | TLBF_STRAT_F_NO_IPI,
	.dispatch = liar_dispatch,
	.owner = THIS_MODULE,
};

static void unregister_liar(void *s)
{
	tlbf_strategy_unregister(s);
}

static void bench_model_fires(struct kunit *test)
{
	u64 before[TLBF_NR_STATS], after[TLBF_NR_STATS];
	const struct tlbf_bench_mode_result *mr;
	struct tlbf_bench_result *r;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 online CPUs");
	KUNIT_ASSERT_EQ(test, tlbf_strategy_register(&liar), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, unregister_liar,
							&liar), 0);
	r = run(test, "all", 2, TLBF_BENCH_T_ONE, 0, before, after);
	mr = find_mode(test, r, "flusher-bench-liar");
	KUNIT_EXPECT_FALSE(test, mr->model_ok);
	KUNIT_EXPECT_STREQ(test, mr->model_diff ? mr->model_diff : "(none)",
			   "ipis_sent");
	KUNIT_EXPECT_EQ(test, mr->model_got, (u64)ITERS);
	KUNIT_EXPECT_EQ(test, mr->model_want, 0ULL);
	/* The honest modes of the same run still agree with the model. */
	KUNIT_EXPECT_TRUE(test, find_mode(test, r, "flusher-async")->model_ok);
	KUNIT_EXPECT_TRUE(test, find_mode(test, r, "ipi")->model_ok);
}

/*
 * The samples a run keeps (debugfs bench_samples) are each mode's own, in
 * the order taken: every column summarizes to that mode's statistics.
 */
static void bench_samples_kept(struct kunit *test)
{
	struct tlbf_bench_params p = {
		.modes = "ipi,flusher-async,batched", .pages = 2,
		.targets = TLBF_BENCH_T_OTHERS, .iters = ITERS, .touch = true,
	};
	struct tlbf_bench_summary s;
	struct tlbf_bench_result *r;
	u64 *samples = NULL, col[ITERS];
	unsigned int k;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 online CPUs");
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_EQ(test, tlbf_bench_run_samples(&p, r, &samples), 0);
	KUNIT_ASSERT_NOT_NULL(test, samples);
	KUNIT_EXPECT_EQ(test, r->nr_modes, 3U);
	for (k = 0; k < r->nr_modes; k++) {
		memcpy(col, samples + k * ITERS, sizeof(col));
		tlbf_bench_summarize(col, ITERS, &s);
		KUNIT_EXPECT_EQ_MSG(test, s.median, r->mode[k].stats.median,
				    "%s", r->mode[k].name);
		KUNIT_EXPECT_EQ(test, s.min, r->mode[k].stats.min);
		KUNIT_EXPECT_EQ(test, s.max, r->mode[k].stats.max);
		KUNIT_EXPECT_GT(test, s.min, 0ULL);
	}
	kvfree(samples);
	/* Without @keep nothing is handed out (and nothing leaks). */
	KUNIT_EXPECT_EQ(test, tlbf_bench_run_samples(&p, r, NULL), 0);
}

/* ---------------------------------------------------------- the cases */

/* Every registered strategy, one KUnit parameter each. */
static const void *strategy_gen_params(const void *prev, char *desc)
{
	const struct tlbf_strategy *s = tlbf_strategy_get_next(prev);

	if (s)
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", s->name);
	return s;
}

/*
 * flusher-NAME for the strategy of this parameter: one page to one CPU,
 * a few pages to every CPU, exactly its threshold (flush all), and the
 * largest range.
 */
static void bench_strategy(struct kunit *test)
{
	const struct tlbf_strategy *s = test->param_value;
	unsigned int thr = tlbf_strategy_threshold(s);
	char name[TLBF_BENCH_NAME_MAX];

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 online CPUs");
	snprintf(name, sizeof(name), "%s%s", TLBF_BENCH_FLUSHER_PREFIX,
		 s->name);
	check_flusher_mode(test, name, s, false, 1, TLBF_BENCH_T_ONE);
	check_flusher_mode(test, name, s, false, 8, TLBF_BENCH_T_ALL);
	check_flusher_mode(test, name, s, false, thr, TLBF_BENCH_T_OTHERS);
	check_flusher_mode(test, name, s, false, TLBF_BENCH_MAX_PAGES,
			   TLBF_BENCH_T_ALL);
}

static void bench_batched(struct kunit *test)
{
	const struct tlbf_strategy *s = tlbf_strategy_get("async");
	unsigned int thr;

	KUNIT_ASSERT_NOT_NULL(test, s);
	thr = tlbf_strategy_threshold(s);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 online CPUs");
	check_flusher_mode(test, "batched", s, true, 8, TLBF_BENCH_T_OTHERS);
	/* exactly the threshold: flush all; one below: page by page */
	check_flusher_mode(test, "batched", s, true, thr, TLBF_BENCH_T_ONE);
	check_flusher_mode(test, "batched", s, true, thr - 1,
			   TLBF_BENCH_T_ALL);
	tlbf_strategy_put(s);
}

/* ipi: a kprobe on the bench's handler counts where it ran. */
static DEFINE_PER_CPU(atomic_t, ipi_probe_hits);

static int ipi_probe_pre(struct kprobe *p, struct pt_regs *regs)
{
	atomic_inc(this_cpu_ptr(&ipi_probe_hits));
	return 0;
}

static void check_ipi(struct kunit *test, const char *name,
		      enum tlbf_bench_targets t)
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
	r = run(test, name, 1, t, 0, before, after);
	unregister_kprobe(&kp);

	mr = find_mode(test, r, name);
	KUNIT_EXPECT_TRUE(test, mr->model_ok);
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
	check_ipi(test, "ipi", TLBF_BENCH_T_ONE);
	check_ipi(test, "ipi", TLBF_BENCH_T_OTHERS);
	check_ipi(test, "ipi", TLBF_BENCH_T_ALL);
	/* The floor with the flush in it: the same handler, same counts. */
	check_ipi(test, "ipi-flush", TLBF_BENCH_T_ONE);
	check_ipi(test, "ipi-flush", TLBF_BENCH_T_ALL);
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
	r = run(test, "native", pages, t, 0, before, after);
	unregister_kprobe(&ka);
	unregister_kprobe(&kr);

	mr = find_mode(test, r, "native");
	KUNIT_EXPECT_TRUE(test, mr->model_ok);
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

	if (!tlbf_bench_mode_available("native", &why))
		kunit_skip(test, "native unavailable here: %s", why);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 online CPUs");
	/* 1 and 8 pages are below the default ceiling (33), 512 above. */
	check_native(test, 1, TLBF_BENCH_T_ONE, true);
	check_native(test, 8, TLBF_BENCH_T_ALL, true);
	check_native(test, 512, TLBF_BENCH_T_OTHERS, false);
}

/*
 * modes=all: ipi, native, a flusher-NAME mode per registered strategy (in
 * registry order) and batched, interleaved in one run; each mode's
 * counters are its own and match its model.
 */
static void bench_interleaved_attribution(struct kunit *test)
{
	u64 before[TLBF_NR_STATS], after[TLBF_NR_STATS], e[TLBF_NR_STATS];
	const struct tlbf_strategy *s = NULL;
	const struct tlbf_bench_mode_result *mr;
	char name[TLBF_BENCH_NAME_MAX];
	struct tlbf_bench_result *r;
	u64 total[TLBF_NR_STATS] = {};
	unsigned int k, flushers = 0;
	int i;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 online CPUs");
	r = run(test, "all", 4, TLBF_BENCH_T_OTHERS, 0, before, after);
	KUNIT_EXPECT_STREQ(test, r->mode[0].name, "ipi");
	KUNIT_EXPECT_STREQ(test, r->mode[1].name, "ipi-flush");
	KUNIT_EXPECT_STREQ(test, r->mode[2].name, "native");
	KUNIT_EXPECT_STREQ(test, r->mode[r->nr_modes - 1].name, "batched");
	/* A row for every registered strategy, in registry order. */
	k = 3;
	while ((s = tlbf_strategy_get_next(s))) {
		snprintf(name, sizeof(name), "flusher-%s", s->name);
		KUNIT_EXPECT_STREQ(test, r->mode[k].name, name);
		k++;
	}
	KUNIT_EXPECT_EQ(test, r->nr_modes, k + 1);

	for (k = 0; k < r->nr_modes; k++) {
		mr = &r->mode[k];
		if (mr->kind != TLBF_BENCH_FLUSHER &&
		    mr->kind != TLBF_BENCH_BATCHED)
			continue;
		s = tlbf_strategy_get(mr->kind == TLBF_BENCH_BATCHED ?
				      "async" : mr->name + strlen("flusher-"));
		KUNIT_ASSERT_NOT_NULL(test, s);
		expect(s, mr->kind == TLBF_BENCH_BATCHED, 4,
		       TLBF_BENCH_T_OTHERS, e);
		check_summary(test, mr, ITERS);
		KUNIT_EXPECT_TRUE_MSG(test, mr->model_ok, "%s: %s", mr->name,
				      mr->model_diff);
		for (i = 0; i < TLBF_NR_STATS; i++) {
			if (tlbf_bench_stat_timed(i)) {
				check_timed(test, s, mr, i);
				total[i] += mr->stat_delta[i];
				continue;
			}
			KUNIT_EXPECT_EQ_MSG(test, mr->stat_delta[i],
					    e[i] * ITERS, "%s %s", mr->name,
					    tlbf_stat_names[i]);
			total[i] += e[i] * ITERS;
		}
		tlbf_strategy_put(s);
		flushers++;
	}
	KUNIT_EXPECT_GE(test, flushers, 8U);	/* 7 built in + batched */
	mr = find_mode(test, r, "ipi");
	for (i = 0; i < TLBF_NR_STATS; i++) {
		KUNIT_EXPECT_EQ_MSG(test, after[i] - before[i], total[i], "%s",
				    tlbf_stat_names[i]);
		KUNIT_EXPECT_EQ_MSG(test, r->after[i] - r->before[i], total[i],
				    "bench's own before/after %s",
				    tlbf_stat_names[i]);
		KUNIT_EXPECT_EQ(test, mr->stat_delta[i], 0ULL);
	}
	KUNIT_EXPECT_EQ(test, mr->ipi_handler_runs,
			(u64)(num_online_cpus() - 1) * ITERS);
	KUNIT_EXPECT_TRUE(test, mr->model_ok);
}

/*
 * phases=N: N more samples of each flusher mode, timed phase by phase from
 * the module's tracepoints. Each phase of a sample is part of the sample,
 * so no phase's median exceeds the median of the whole (the issue,
 * dispatch and delivery phases end before the initiator returns, for a
 * strategy that waits for its acks); a remote handler ran, so delivery
 * and handler took time; modes that are no flusher have none; the timed
 * samples and their counters are as without phases.
 */
static void bench_phases(struct kunit *test)
{
	static const char *const names[] = { "flusher-sync", "flusher-linux" };
	struct tlbf_bench_params p = {
		.modes = "ipi,flusher-sync,flusher-linux", .pages = 1,
		.targets = TLBF_BENCH_T_ALL, .iters = ITERS, .touch = true,
		.phases = 20,
	};
	const struct tlbf_bench_mode_result *mr;
	const struct tlbf_bench_phases *ph;
	struct tlbf_bench_result *r;
	unsigned int i, j;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 online CPUs");
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	tlbf_flusher_quiesce();
	KUNIT_ASSERT_EQ(test, tlbf_bench_run(&p, r), 0);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		mr = find_mode(test, r, names[i]);
		ph = &mr->phases;
		KUNIT_EXPECT_TRUE_MSG(test, mr->model_ok, "%s: %s", names[i],
				      mr->model_diff);
		check_summary(test, mr, ITERS);
		KUNIT_EXPECT_GT_MSG(test, ph->n, 0U, "%s: %s", names[i],
				    ph->reason);
		KUNIT_EXPECT_LE(test, ph->n, 20U);
		if (!ph->n)
			continue;
		KUNIT_EXPECT_PTR_EQ(test, ph->reason, NULL);
		for (j = TLBF_PHASE_ISSUE; j <= TLBF_PHASE_DELIVER; j++)
			KUNIT_EXPECT_LE_MSG(test, ph->median[j],
					    ph->median[TLBF_PHASE_TOTAL],
					    "%s phase %u", names[i], j);
		KUNIT_EXPECT_GT(test, ph->median[TLBF_PHASE_DELIVER], 0ULL);
		KUNIT_EXPECT_GT(test, ph->median[TLBF_PHASE_HANDLER], 0ULL);
	}
	mr = find_mode(test, r, "ipi");
	KUNIT_EXPECT_EQ(test, mr->phases.n, 0U);
}

static struct kunit_case tlbf_bench_cases[] = {
	KUNIT_CASE_SLOW(bench_ipi),
	KUNIT_CASE_SLOW(bench_native),
	KUNIT_CASE_PARAM_ATTR(bench_strategy, strategy_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE_SLOW(bench_batched),
	KUNIT_CASE_SLOW(bench_interleaved_attribution),
	KUNIT_CASE_SLOW(bench_model_fires),
	KUNIT_CASE_SLOW(bench_samples_kept),
	KUNIT_CASE_SLOW(bench_phases),
	{}
};

static struct kunit_suite tlbf_bench_suite = {
	.name = "tlbflush_bench",
	.test_cases = tlbf_bench_cases,
};

kunit_test_suites(&tlbf_bench_suite);
