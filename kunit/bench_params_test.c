// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_bench_params: what the benchmark engine accepts and
 * computes, with no CPU involved: the debugfs parameter line (every bad
 * line is -EINVAL and changes nothing), tlbf_bench_run()'s own validation,
 * the statistics on known samples, and the counter model on hand-computed
 * cases. The modes themselves are tested in bench_test.c (suite
 * tlbflush_bench).
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tlbflush/bench.h"
#include "tlbflush/ops.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"

static void bench_parse(struct kunit *test)
{
	static const char *const bad[] = {
		"", "\n", "pages=0", "pages=513", "pages=3x", "pages=-1",
		"pages", "=3", "pages=", "modes=foo", "modes=ipi,foo",
		"modes=ipi,", "modes=ipi,ipi", "modes=all,ipi",
		"modes=flusher-", "modes=flusher-nosuch", "modes=broadcast",
		"targets=two", "iters=0", "iters=100001",
		"warmup=10001", "touch=maybe", "bogus=1", "pages=1 junk",
		"phases=10001", "phases=-1",
	};
	static const char full[] =
		"modes=ipi,batched,flusher-lazy pages=512 targets=all iters=7 warmup=0 touch=0\n";
	struct tlbf_bench_params p, orig;
	int i;

	KUNIT_EXPECT_EQ(test, tlbf_bench_parse("pages=8", &p), 0);
	KUNIT_EXPECT_EQ(test, p.pages, 8U);
	KUNIT_EXPECT_STREQ(test, p.modes, "all");
	KUNIT_EXPECT_EQ(test, p.targets, TLBF_BENCH_T_OTHERS);
	KUNIT_EXPECT_EQ(test, p.iters, 1000U);
	KUNIT_EXPECT_EQ(test, p.warmup, 100U);
	KUNIT_EXPECT_TRUE(test, p.touch);
	KUNIT_EXPECT_EQ(test, p.phases, TLBF_BENCH_PHASES_AUTO);

	KUNIT_EXPECT_EQ(test, tlbf_bench_parse(full, &p), 0);
	KUNIT_EXPECT_STREQ(test, p.modes, "ipi,batched,flusher-lazy");
	KUNIT_EXPECT_EQ(test, p.pages, 512U);
	KUNIT_EXPECT_EQ(test, p.targets, TLBF_BENCH_T_ALL);
	KUNIT_EXPECT_EQ(test, p.iters, 7U);
	KUNIT_EXPECT_EQ(test, p.warmup, 0U);
	KUNIT_EXPECT_FALSE(test, p.touch);
	KUNIT_EXPECT_EQ(test, p.phases, TLBF_BENCH_PHASES_AUTO);
	KUNIT_EXPECT_EQ(test, tlbf_bench_parse("phases=3 iters=7", &p), 0);
	KUNIT_EXPECT_EQ(test, p.phases, 3U);
	KUNIT_EXPECT_EQ(test, tlbf_bench_parse("phases=0", &p), 0);
	KUNIT_EXPECT_EQ(test, p.phases, 0U);

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
		.modes = "ipi", .pages = 1,
		.targets = TLBF_BENCH_T_ONE, .iters = 1,
	};
	struct tlbf_bench_params p;
	struct tlbf_bench_result *r;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	p = good;
	p.modes[0] = '\0';
	KUNIT_EXPECT_EQ(test, tlbf_bench_run(&p, r), -EINVAL);
	p = good;
	strscpy(p.modes, "ipi,nosuch", sizeof(p.modes));
	KUNIT_EXPECT_EQ(test, tlbf_bench_run(&p, r), -EINVAL);
	p = good;
	memset(p.modes, 'a', sizeof(p.modes));	/* no NUL */
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
	p = good;
	p.phases = TLBF_BENCH_MAX_PHASES + 1;
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

/*
 * The model from declared properties only: strategies that are never
 * registered, with hand-computed counters (4 CPUs online, targets others:
 * 3 remote, this CPU not a target; 8 pages).
 */
static void bench_model(struct kunit *test)
{
	struct tlbf_strategy plain = { .name = "m-plain" };
	struct tlbf_strategy lazy = { .name = "m-lazy",
				      .flags = TLBF_STRAT_F_NO_IPI };
	struct tlbf_strategy bcast = { .name = "m-bcast",
				       .flags = TLBF_STRAT_F_BROADCAST };
	struct tlbf_strategy low = { .name = "m-low", .threshold = 4,
				     .flags = TLBF_STRAT_F_WAITS };
	struct tlbf_strategy linux34 = { .name = "m-linux", .threshold = 34 };
	unsigned int thr = READ_ONCE(tlbf_flush_all_threshold);
	u64 e[TLBF_NR_STATS];

	tlbf_bench_expect(&plain, false, 8, 3, false, 4, e);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_OPS_ISSUED_RANGE], 1ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_IPIS_SENT], 3ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_IPIS_RECEIVED], 3ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_PAGES_INVALIDATED], 24ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_FULL_FLUSHES], 0ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_LOCAL_FLUSHES], 0ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_DISPATCHES], 1ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_SYNCS], 1ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_LAZY_FLUSHES], 0ULL);

	/* Lazy: no IPI at dispatch; each remote target flushes at a tick. */
	tlbf_bench_expect(&lazy, false, 8, 3, false, 4, e);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_IPIS_SENT], 0ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_IPIS_RECEIVED], 0ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_LAZY_FLUSHES], 3ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_PAGES_INVALIDATED], 24ULL);

	/* Broadcast: one target named, every other CPU flushes all. */
	tlbf_bench_expect(&bcast, false, 8, 1, true, 4, e);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_IPIS_SENT], 3ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_FULL_FLUSHES], 3ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_PAGES_INVALIDATED], 8ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_LOCAL_FLUSHES], 1ULL);

	/* The strategy's own threshold turns the stack into flush all. */
	tlbf_bench_expect(&low, false, 4, 3, true, 4, e);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_OPS_ISSUED_RANGE], 1ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_OPS_MERGED_TO_ALL], 1ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_FULL_FLUSHES], 4ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_PAGES_INVALIDATED], 0ULL);
	tlbf_bench_expect(&low, true, 3, 3, false, 4, e);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_OPS_ISSUED_SINGLE], 3ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_PAGES_INVALIDATED], 9ULL);

	/*
	 * A range reaching the module's threshold is a range op; the stack
	 * makes it flush all (merged). Linux's threshold (34) keeps 33 pages.
	 */
	tlbf_bench_expect(&plain, false, thr, 1, false, 4, e);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_OPS_ISSUED_RANGE], 1ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_OPS_ISSUED_ALL], 0ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_OPS_MERGED_TO_ALL], 1ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_FULL_FLUSHES], 1ULL);
	tlbf_bench_expect(&linux34, false, 33, 1, false, 4, e);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_OPS_ISSUED_RANGE], 1ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_OPS_MERGED_TO_ALL], 0ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_FULL_FLUSHES], 0ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_PAGES_INVALIDATED], 33ULL);
	tlbf_bench_expect(&linux34, false, 34, 1, false, 4, e);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_OPS_MERGED_TO_ALL], 1ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_FULL_FLUSHES], 1ULL);
	/* Only a range no threshold can hold is issued as flush all. */
	tlbf_bench_expect(&linux34, false, TLBF_FLUSH_ALL_THRESHOLD_MAX, 1,
			  false, 4, e);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_OPS_ISSUED_ALL], 1ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_OPS_MERGED_TO_ALL], 0ULL);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_FULL_FLUSHES], 1ULL);
	tlbf_bench_expect(&plain, true, thr, 1, false, 4, e);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_OPS_ISSUED_SINGLE], (u64)thr);
	KUNIT_EXPECT_EQ(test, e[TLBF_STAT_OPS_MERGED_TO_ALL], 1ULL);
}

static struct kunit_case tlbf_bench_params_cases[] = {
	KUNIT_CASE(bench_parse),
	KUNIT_CASE(bench_run_rejects_bad_params),
	KUNIT_CASE(bench_summarize),
	KUNIT_CASE(bench_model),
	{}
};

static struct kunit_suite tlbf_bench_params_suite = {
	.name = "tlbflush_bench_params",
	.test_cases = tlbf_bench_params_cases,
};

kunit_test_suites(&tlbf_bench_params_suite);
