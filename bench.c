// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the in-kernel benchmark engine (see include/tlbflush/bench.h
 * and ARCHITECTURE.md "Native baselines"): one sample of each mode,
 * interleaved runs, statistics. Mode names and the model the counters are
 * held to are in bench_modes.c, N1 is resolved in bench_native.c, the
 * parameter line, the result text and the debugfs file are in
 * bench_debugfs.c.
 *
 * Every mode flushes the same live kernel mappings: the first `pages` pages
 * of a buffer the bench owns, on the same target CPUs. The buffer is in the
 * module's .bss, which the module loader maps page by page in the module
 * area (vmalloc space reserved for modules): real 4 KiB kernel mappings
 * whose addresses are 48-bit canonical under 4- and 5-level paging alike,
 * as the flusher's ops require (a vmalloc() address is not, with LA57). With
 * touch=1 each target CPU reads those pages right before the sample, outside
 * the timed region, so that the entries being invalidated are really cached.
 * A sample runs with preemption disabled (a flusher is bound to its CPU, FL1,
 * and the target set is computed relative to this CPU) and is timed with
 * ktime_get_ns() from the first call to the return of the call after which
 * every target has completed.
 *
 * The flusher modes are the registered strategies, looked up by name when
 * a run starts and held (tlbf_strategy_get()) until it ends, so a strategy
 * module cannot go away under a run.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": bench: " fmt

#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "bench_internal.h"
#include "tlbflush/arch.h"
#include "tlbflush/flusher.h"
#include "tlbflush/strategy.h"
#include "tlbflush/stats.h"

const char *const tlbf_bench_target_names[3] = {
	[TLBF_BENCH_T_ONE] = "one",
	[TLBF_BENCH_T_OTHERS] = "others",
	[TLBF_BENCH_T_ALL] = "all",
};
EXPORT_SYMBOL_IF_KUNIT(tlbf_bench_target_names);

/* The pages every mode flushes: live kernel mappings owned by the bench. */
static u8 tlbf_bench_pages[TLBF_BENCH_MAX_PAGES * PAGE_SIZE] __aligned(PAGE_SIZE);
static void *tlbf_bench_buf;

/* Runs of the ipi mode's handler, per CPU (the mode's own counter). */
static DEFINE_PER_CPU(u64, tlbf_bench_ipi_runs);

/**
 * tlbf_bench_buffer() - the address of the pages every mode flushes
 *
 * Return: the start of the bench's page-aligned buffer (TLBF_BENCH_MAX_PAGES
 * pages); a run with pages=N flushes its first N pages.
 */
unsigned long tlbf_bench_buffer(void)
{
	return (unsigned long)tlbf_bench_pages;
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_bench_buffer);

/* Runs are possible between tlbf_bench_init() and tlbf_bench_exit(). */
void tlbf_bench_buffer_init(bool on)
{
	tlbf_bench_buf = on ? tlbf_bench_pages : NULL;
}

/* ---------------------------------------------------------- statistics */

static int tlbf_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest sample with at least pct% of samples <= it. */
static u64 tlbf_percentile(const u64 *sorted, unsigned int n, unsigned int pct)
{
	u64 rank = div_u64((u64)n * pct + 99, 100);

	return sorted[rank ? rank - 1 : 0];
}

/**
 * tlbf_bench_summarize() - statistics of a set of samples
 * @samples: the samples; sorted in place
 * @n: how many
 * @s: filled as documented at &struct tlbf_bench_summary
 */
void tlbf_bench_summarize(u64 *samples, unsigned int n,
			  struct tlbf_bench_summary *s)
{
	u64 sum = 0;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	if (!n)
		return;
	sort(samples, n, sizeof(*samples), tlbf_cmp_u64, NULL);
	for (i = 0; i < n; i++)
		sum += samples[i];
	s->n = n;
	s->min = samples[0];
	s->max = samples[n - 1];
	s->mean = div_u64(sum, n);
	if (n & 1)
		s->median = samples[n / 2];
	else
		s->median = samples[n / 2 - 1] +
			    (samples[n / 2] - samples[n / 2 - 1]) / 2;
	s->p90 = tlbf_percentile(samples, n, 90);
	s->p99 = tlbf_percentile(samples, n, 99);
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_bench_summarize);

/* A mode of a run; flusher modes hold their strategy for the run. */
struct tlbf_bench_mode {
	enum tlbf_bench_kind kind;
	const struct tlbf_strategy *s;
};

/* --------------------------------------------------------------- samples */

struct tlbf_bench_touch {
	unsigned long va;
	unsigned int pages;
};

/* Runs on each target CPU before a sample: load the pages into its TLB. */
static void tlbf_bench_touch_fn(void *info)
{
	const struct tlbf_bench_touch *t = info;
	unsigned int i;

	for (i = 0; i < t->pages; i++)
		(void)READ_ONCE(*(u8 *)(t->va + i * PAGE_SIZE));
}

/* Linux's default tlb_single_page_flush_ceiling (arch/x86/mm/tlb.c). */
#define TLBF_BENCH_NATIVE_CEILING	33

/*
 * N3: the handler of the floor counts its run; with @info (mode
 * ipi-flush, the pages) it also invalidates them as native would.
 */
static noinline void tlbf_bench_ipi_fn(void *info)
{
	const struct tlbf_bench_touch *t = info;
	unsigned int i;

	this_cpu_inc(tlbf_bench_ipi_runs);
	if (!t)
		return;
	if (t->pages > TLBF_BENCH_NATIVE_CEILING) {
		tlbf_arch_flush_all_global();
		return;
	}
	for (i = 0; i < t->pages; i++)
		tlbf_arch_flush_page(t->va + i * PAGE_SIZE);
}

/* Does nothing: its completion is what tlbf_bench_sample() waits for. */
static void tlbf_bench_settle_fn(void *info)
{
}

static u64 tlbf_bench_ipi_runs_sum(void)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(tlbf_bench_ipi_runs, cpu));
	return sum;
}

static void tlbf_bench_snapshot(u64 *v)
{
	int i;

	for (i = 0; i < TLBF_NR_STATS; i++)
		v[i] = tlbf_stat_sum(i);
}

/* Per-run state: the modes, masks and scratch space, allocated per run. */
struct tlbf_bench_ctx {
	const struct tlbf_bench_params *p;
	struct tlbf_bench_mode mode[TLBF_BENCH_MAX_MODES];
	struct tlbf_bench_name names[TLBF_BENCH_MAX_MODES];
	cpumask_var_t targets;
	cpumask_var_t remote;
	u64 s0[TLBF_NR_STATS];
	u64 s1[TLBF_NR_STATS];
	u64 e[TLBF_NR_STATS];
	bool phase;			/* a phase sample: stamps on */
	bool ph_ok;			/* its phases are in @ph */
	u64 ph[TLBF_NR_PHASES];
};

/*
 * Compute the target set relative to this CPU. Called with preemption
 * disabled, which also keeps every CPU of the set online until the sample
 * is over. Return: false if the set has no remote CPU although one is needed.
 */
static bool tlbf_bench_pick_targets(struct tlbf_bench_ctx *c, int self)
{
	unsigned int cpu;

	cpumask_clear(c->targets);
	cpumask_clear(c->remote);
	switch (c->p->targets) {
	case TLBF_BENCH_T_ONE:
		cpu = cpumask_next(self, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
		if (cpu < nr_cpu_ids && cpu != self)
			cpumask_set_cpu(cpu, c->remote);
		break;
	case TLBF_BENCH_T_OTHERS:
	case TLBF_BENCH_T_ALL:
		cpumask_copy(c->remote, cpu_online_mask);
		cpumask_clear_cpu(self, c->remote);
		break;
	}
	cpumask_copy(c->targets, c->remote);
	if (c->p->targets == TLBF_BENCH_T_ALL)
		cpumask_set_cpu(self, c->targets);
	return c->p->targets == TLBF_BENCH_T_ALL || !cpumask_empty(c->remote);
}

/*
 * The timed region of a flusher mode: issue, dispatch, and sync unless the
 * strategy's dispatch waits for its targets itself. The flusher was
 * initialised before the touch (see tlbf_bench_sample()). Preemption is
 * disabled by the caller.
 */
static int tlbf_bench_flusher(struct tlbf_bench_ctx *c,
			      const struct tlbf_bench_mode *m,
			      struct tlbf_flusher *fl, unsigned long va,
			      u64 *t0, u64 *t_issue, u64 *t1)
{
	bool waits = m->s->flags & TLBF_STRAT_F_WAITS;
	unsigned int i;
	int ret = 0;

	*t0 = ktime_get_ns();
	if (m->kind == TLBF_BENCH_BATCHED) {
		for (i = 0; i < c->p->pages && !ret; i++)
			ret = tlbf_flusher_issue(fl,
						 tlbf_op_page(va + i * PAGE_SIZE));
	} else {
		ret = tlbf_flusher_issue(fl, tlbf_op_range(va, c->p->pages));
	}
	if (c->phase)
		*t_issue = ktime_get_ns();
	if (!ret)
		ret = tlbf_flusher_dispatch(fl);
	if (!ret && !waits)
		ret = tlbf_flusher_sync(fl);
	*t1 = ktime_get_ns();
	return ret;
}

/* What a measured sample adds to its mode's own counters and model. */
static void tlbf_bench_account(struct tlbf_bench_ctx *c,
			       const struct tlbf_bench_mode *m,
			       struct tlbf_bench_mode_result *mr,
			       unsigned int cpus, unsigned int remote,
			       bool local, u64 ipi0)
{
	int i;

	tlbf_bench_snapshot(c->s1);
	if (m->s)
		tlbf_bench_expect(m->s, m->kind == TLBF_BENCH_BATCHED,
				  c->p->pages, cpumask_weight(c->remote),
				  local, num_online_cpus(), c->e);
	for (i = 0; i < TLBF_NR_STATS; i++) {
		mr->stat_delta[i] += c->s1[i] - c->s0[i];
		if (m->s)
			mr->expect[i] += c->e[i];
	}
	mr->ipi_handler_runs += tlbf_bench_ipi_runs_sum() - ipi0;
	if (m->kind == TLBF_BENCH_NATIVE)
		mr->native_calls++;
	mr->cpus = cpus;
	mr->remote = remote;
	mr->cpu_samples += cpus;
	mr->remote_samples += remote;
}

/*
 * One sample of mode @m. The timed region is only the shootdown itself.
 * @mr is updated only when @measured.
 *
 * Every mode has the same prelude: the touch IPI (wait=true) returns, and
 * the clock starts at once. A flusher mode initialises its flusher (which
 * allocates) before the touch, not between touch and clock: otherwise its
 * targets would sit idle a little longer before its IPI than those of ipi
 * and native, and under an emulator whose idle vCPUs halt that alone
 * changes what an IPI costs (issue 10).
 */
static int tlbf_bench_sample(struct tlbf_bench_ctx *c,
			     const struct tlbf_bench_mode *m, bool measured,
			     struct tlbf_bench_mode_result *mr, u64 *ns)
{
	const struct tlbf_bench_params *p = c->p;
	unsigned long va = (unsigned long)tlbf_bench_buf;
	struct tlbf_bench_touch t = { .va = va, .pages = p->pages };
	struct tlbf_flusher fl;
	unsigned int cpus, remote;
	u64 ipi0 = 0, t0, t1, t_issue = 0;
	bool local;
	int self, ret = 0;

	if (measured) {
		tlbf_bench_snapshot(c->s0);
		ipi0 = tlbf_bench_ipi_runs_sum();
	}

	preempt_disable();
	self = smp_processor_id();
	if (!tlbf_bench_pick_targets(c, self)) {
		preempt_enable();
		return -ENODEV;
	}
	local = cpumask_test_cpu(self, c->targets);
	remote = cpumask_weight(c->remote);
	cpus = cpumask_weight(c->targets);
	if (m->s) {
		ret = tlbf_flusher_init(&fl, c->targets, m->s);
		if (ret) {
			preempt_enable();
			return ret;
		}
	}

	if (p->touch) {
		smp_call_function_many(c->remote, tlbf_bench_touch_fn, &t, true);
		if (local)
			tlbf_bench_touch_fn(&t);
	}

	switch (m->kind) {
	case TLBF_BENCH_IPI:
		t0 = ktime_get_ns();
		smp_call_function_many(c->remote, tlbf_bench_ipi_fn, NULL, true);
		if (local)
			tlbf_bench_ipi_fn(NULL);
		t1 = ktime_get_ns();
		break;
	case TLBF_BENCH_IPI_FLUSH:
		/* As native sends: the local flush while the IPIs fly. */
		t0 = ktime_get_ns();
		on_each_cpu_mask(c->targets, tlbf_bench_ipi_fn, &t, true);
		t1 = ktime_get_ns();
		break;
	case TLBF_BENCH_NATIVE:
		t0 = ktime_get_ns();
		tlbf_bench_native(va, va + p->pages * PAGE_SIZE);
		t1 = ktime_get_ns();
		/* flush_tlb_kernel_range() takes no CPU set: all online CPUs. */
		cpus = num_online_cpus();
		remote = cpus - 1;
		break;
	default:
		if (m->s->flags & TLBF_STRAT_F_BROADCAST) {
			/* Every other online CPU, whatever the targets. */
			remote = num_online_cpus() - 1;
			cpus = remote + local;
		}
		if (c->phase)
			tlbf_bench_phases_arm();
		ret = tlbf_bench_flusher(c, m, &fl, va, &t0, &t_issue, &t1);
		tlbf_flusher_finish(&fl);
		/*
		 * Settle, outside the timed region: a target may still be
		 * flushing after it acknowledged (early-ack); an empty IPI
		 * with wait=true runs only after that handler, so the
		 * counters of this sample are complete before they are read
		 * (else they land in the next mode's sample).
		 */
		smp_call_function_many(cpu_online_mask, tlbf_bench_settle_fn,
				       NULL, true);
		if (c->phase)
			c->ph_ok = tlbf_bench_phases_take(self, t0, t_issue,
							  t1, c->ph);
		break;
	}
	if (!ret && measured)
		tlbf_bench_account(c, m, mr, cpus, remote, local, ipi0);
	preempt_enable();
	if (ret)
		return ret;
	*ns = t1 - t0;
	return 0;
}

/* -------------------------------------------------------------------- runs */

/* Name the modes of @c->p in @res and hold their strategies. */
static int tlbf_bench_resolve(struct tlbf_bench_ctx *c,
			      struct tlbf_bench_result *res)
{
	struct tlbf_bench_mode_result *mr;
	const char *strategy;
	char *list;
	int n, i;

	if (!strcmp(c->p->modes, "all")) {
		n = tlbf_bench_all_modes(c->names, TLBF_BENCH_MAX_MODES);
	} else {
		list = kstrdup(c->p->modes, GFP_KERNEL);
		if (!list)
			return -ENOMEM;
		n = tlbf_bench_split_modes(list, c->names);
		kfree(list);
		if (n < 0)
			return n;
	}
	for (i = 0; i < n; i++) {
		mr = &res->mode[i];
		strscpy(mr->name, c->names[i].s, sizeof(mr->name));
		tlbf_bench_kind_of(mr->name, &mr->kind, &strategy);
		c->mode[i].kind = mr->kind;
		if (strategy)
			c->mode[i].s = tlbf_strategy_get(strategy);
		if (mr->kind == TLBF_BENCH_NATIVE && !tlbf_bench_native)
			mr->reason = tlbf_bench_native_reason;
		else if (strategy && !c->mode[i].s)
			mr->reason = "strategy-not-registered";
		mr->available = !mr->reason;
		res->nr_modes++;
	}
	return 0;
}

/* The phase samples asked for (TLBF_BENCH_PHASES_AUTO resolved). */
static unsigned int tlbf_bench_nr_phases(const struct tlbf_bench_params *p)
{
	if (p->phases != TLBF_BENCH_PHASES_AUTO)
		return p->phases;
	return min(DIV_ROUND_UP(p->iters, 4), 500U);
}

/*
 * After the measured iterations: @np phase samples of each flusher mode,
 * interleaved like them, and the median of each phase. @buf holds
 * TLBF_NR_PHASES * @np values per mode.
 */
static int tlbf_bench_phase_pass(struct tlbf_bench_ctx *c,
				 struct tlbf_bench_result *res,
				 unsigned int np, u64 *buf)
{
	struct tlbf_bench_phases *ph;
	unsigned int i, k, j;
	u64 ns, *v;
	int ret;

	ret = tlbf_bench_phases_start();
	for (k = 0; k < res->nr_modes; k++)
		res->mode[k].phases.reason = ret ? "no-tracepoints" :
						   "no-stamps";
	if (ret)
		return 0;
	c->phase = true;
	for (i = 0; i < np && !ret; i++) {
		for (k = 0; k < res->nr_modes && !ret; k++) {
			if (!res->mode[k].available ||
			    res->mode[k].kind != TLBF_BENCH_FLUSHER)
				continue;
			c->ph_ok = false;
			ret = tlbf_bench_sample(c, &c->mode[k], false, NULL,
						&ns);
			ph = &res->mode[k].phases;
			v = buf + (size_t)k * TLBF_NR_PHASES * np;
			for (j = 0; !ret && c->ph_ok && j < TLBF_NR_PHASES; j++)
				v[j * np + ph->n] = c->ph[j];
			ph->n += !ret && c->ph_ok;
		}
		if (signal_pending(current))
			ret = -EINTR;
		cond_resched();
	}
	c->phase = false;
	tlbf_bench_phases_stop();
	for (k = 0; k < res->nr_modes && !ret; k++) {
		ph = &res->mode[k].phases;
		v = buf + (size_t)k * TLBF_NR_PHASES * np;
		for (j = 0; ph->n && j < TLBF_NR_PHASES; j++) {
			struct tlbf_bench_summary s;

			tlbf_bench_summarize(v + j * np, ph->n, &s);
			ph->median[j] = s.median;
		}
		if (ph->n)
			ph->reason = NULL;
	}
	return ret;
}

/* Interleave the available modes: warm-up, then measured iterations. */
static int tlbf_bench_loop(struct tlbf_bench_ctx *c,
			   struct tlbf_bench_result *res, u64 *samples,
			   u64 *scratch)
{
	const struct tlbf_bench_params *p = c->p;
	unsigned int i, k;
	u64 ns;
	int ret;

	for (i = 0; i < p->warmup + p->iters; i++) {
		bool measured = i >= p->warmup;

		for (k = 0; k < res->nr_modes; k++) {
			if (!res->mode[k].available)
				continue;
			ret = tlbf_bench_sample(c, &c->mode[k], measured,
						&res->mode[k], &ns);
			if (ret)
				return ret;
			if (measured)
				samples[(size_t)k * p->iters + i - p->warmup] =
					ns;
		}
		if (signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	/* Summarize sorts: a copy, so @samples keeps the iteration order. */
	for (k = 0; k < res->nr_modes; k++) {
		if (!res->mode[k].available)
			continue;
		memcpy(scratch, samples + (size_t)k * p->iters,
		       p->iters * sizeof(u64));
		tlbf_bench_summarize(scratch, p->iters, &res->mode[k].stats);
		tlbf_bench_check_model(&res->mode[k], p->iters);
	}
	return 0;
}

/**
 * tlbf_bench_run_samples() - tlbf_bench_run(), keeping every sample
 * @p: the run
 * @res: its results
 * @keep: if not NULL, on success set to the samples (ns) in the order they
 *	were taken: mode k's measured iteration i at [k * @p->iters + i]
 *	(zero for modes that did not run); the caller kvfree()s them
 *
 * Return: as tlbf_bench_run().
 */
int tlbf_bench_run_samples(const struct tlbf_bench_params *p,
			   struct tlbf_bench_result *res, u64 **keep)
{
	struct tlbf_bench_ctx *c;
	u64 *samples = NULL, *scratch = NULL, *phases = NULL;
	unsigned int k, np;
	int ret;

	if (!memchr(p->modes, '\0', sizeof(p->modes)) ||
	    p->pages < 1 || p->pages > TLBF_BENCH_MAX_PAGES ||
	    p->iters < 1 || p->iters > TLBF_BENCH_MAX_ITERS ||
	    p->warmup > TLBF_BENCH_MAX_WARMUP || p->targets > TLBF_BENCH_T_ALL ||
	    (p->phases > TLBF_BENCH_MAX_PHASES &&
	     p->phases != TLBF_BENCH_PHASES_AUTO))
		return -EINVAL;
	ret = tlbf_bench_check_modes(p->modes);
	if (ret)
		return ret;
	if (!tlbf_bench_buf)
		return -ENODEV;

	memset(res, 0, sizeof(*res));
	res->params = *p;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->p = p;
	ret = tlbf_bench_resolve(c, res);
	if (ret)
		goto out;
	samples = kvcalloc((size_t)res->nr_modes * p->iters, sizeof(u64),
			   GFP_KERNEL);
	scratch = kvcalloc(p->iters, sizeof(u64), GFP_KERNEL);
	np = tlbf_bench_nr_phases(p);
	if (np)
		phases = kvcalloc((size_t)res->nr_modes * TLBF_NR_PHASES * np,
				  sizeof(u64), GFP_KERNEL);
	if (!zalloc_cpumask_var(&c->targets, GFP_KERNEL) ||
	    !zalloc_cpumask_var(&c->remote, GFP_KERNEL) || !samples ||
	    !scratch || (np && !phases)) {
		ret = -ENOMEM;
		goto out;
	}

	tlbf_bench_snapshot(res->before);
	ret = tlbf_bench_loop(c, res, samples, scratch);
	if (!ret && np)
		ret = tlbf_bench_phase_pass(c, res, np, phases);
	tlbf_bench_snapshot(res->after);
	if (!ret && keep) {
		*keep = samples;
		samples = NULL;
	}
out:
	kvfree(phases);
	kvfree(scratch);
	kvfree(samples);
	free_cpumask_var(c->remote);
	free_cpumask_var(c->targets);
	for (k = 0; k < TLBF_BENCH_MAX_MODES; k++)
		tlbf_strategy_put(c->mode[k].s);
	kfree(c);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_bench_run_samples);

/**
 * tlbf_bench_run() - measure the requested modes
 * @p: the run (validated again here: -EINVAL if out of range)
 * @res: filled with the results; modes that cannot run here are marked
 *	unavailable with their reason and are not measured
 *
 * Interleaves the modes iteration by iteration: warm-up iterations first
 * (not recorded), then @p->iters measured ones. Sleeps (allocates, may be
 * rescheduled between samples); must be called from process context.
 *
 * Return: 0, -EINVAL for bad parameters, -ENOMEM, -ENODEV if the target set
 * has no remote CPU (one CPU online), -EINTR if a signal interrupted it, or
 * the error of a flusher call (the run stops there).
 */
int tlbf_bench_run(const struct tlbf_bench_params *p,
		   struct tlbf_bench_result *res)
{
	return tlbf_bench_run_samples(p, res, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_bench_run);
