// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the in-kernel benchmark engine (see include/tlbflush/bench.h and
 * ARCHITECTURE.md "Native baselines").
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
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": bench: " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/ibt.h>

#include "tlbflush/bench.h"
#include "tlbflush/flusher.h"
#include "tlbflush/strategy.h"
#include "tlbflush/stats.h"

const char *const tlbf_bench_mode_names[TLBF_BENCH_NR_MODES] = {
	[TLBF_BENCH_IPI] = "ipi",
	[TLBF_BENCH_NATIVE] = "native",
	[TLBF_BENCH_FLUSHER_SYNC] = "flusher-sync",
	[TLBF_BENCH_FLUSHER_ASYNC] = "flusher-async",
	[TLBF_BENCH_BROADCAST] = "broadcast",
	[TLBF_BENCH_BATCHED] = "batched",
};
EXPORT_SYMBOL_GPL(tlbf_bench_mode_names);

const char *const tlbf_bench_target_names[3] = {
	[TLBF_BENCH_T_ONE] = "one",
	[TLBF_BENCH_T_OTHERS] = "others",
	[TLBF_BENCH_T_ALL] = "all",
};
EXPORT_SYMBOL_GPL(tlbf_bench_target_names);

#define TLBF_BENCH_ALL_MODES	(BIT(TLBF_BENCH_NR_MODES) - 1)
#define TLBF_BENCH_LINE_MAX	256
#define TLBF_BENCH_TEXT_MAX	16384

/* The pages every mode flushes: live kernel mappings owned by the bench. */
static u8 tlbf_bench_pages[TLBF_BENCH_MAX_PAGES * PAGE_SIZE] __aligned(PAGE_SIZE);
static void *tlbf_bench_buf;

/* Runs of the ipi mode's handler, per CPU (the mode's own counter). */
static DEFINE_PER_CPU(u64, tlbf_bench_ipi_runs);

/* Serializes runs and guards the result text read through debugfs. */
static DEFINE_MUTEX(tlbf_bench_lock);
static char *tlbf_bench_text;
static size_t tlbf_bench_text_len;

/* ------------------------------------------------------------------ N1 */

typedef void (*tlbf_native_fn)(unsigned long start, unsigned long end);
typedef unsigned long (*tlbf_kallsyms_fn)(const char *name);

static tlbf_native_fn tlbf_native_flush;
static const char *tlbf_native_reason = "not resolved yet";

/*
 * With IBT a function may only be reached by an indirect call if it starts
 * with ENDBR64; objtool seals (overwrites) the ENDBR of functions that are
 * never called indirectly, and calling one of those would fault. Without
 * IBT enforcement any function start is callable.
 */
static bool tlbf_indirectly_callable(unsigned long addr)
{
#ifdef CONFIG_X86_KERNEL_IBT
	if (cpu_feature_enabled(X86_FEATURE_IBT))
		return *(u32 *)addr == gen_endbr();
#endif
	return true;
}

/*
 * The address of a kernel symbol through kprobes (which may resolve any
 * symbol): a kprobe is registered on it and removed at once. kprobes place
 * the probe after an ENDBR (or its sealed form), so step back over it to
 * get the function's start.
 */
static unsigned long tlbf_kprobe_lookup(const char *sym)
{
	struct kprobe kp = { .symbol_name = sym };
	unsigned long addr;

	if (register_kprobe(&kp) < 0)
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
#ifdef CONFIG_X86_KERNEL_IBT
	if (addr && is_endbr(*(u32 *)(addr - ENDBR_INSN_SIZE)))
		addr -= ENDBR_INSN_SIZE;
#endif
	return addr;
}

/*
 * N1: flush_tlb_kernel_range() is not exported. Find kallsyms_lookup_name()
 * through a kprobe, ask it for flush_tlb_kernel_range(), and keep the
 * pointer only if it can be called. Otherwise the native mode is
 * unavailable; nothing is ever substituted for it.
 */
static void tlbf_bench_resolve_native(void)
{
	unsigned long kln, fn;

	kln = tlbf_kprobe_lookup("kallsyms_lookup_name");
	if (!kln) {
		tlbf_native_reason = "kallsyms_lookup_name-not-found(kprobes)";
		return;
	}
	if (!tlbf_indirectly_callable(kln)) {
		tlbf_native_reason = "kallsyms_lookup_name-sealed(IBT)";
		return;
	}
	fn = ((tlbf_kallsyms_fn)kln)("flush_tlb_kernel_range");
	if (!fn) {
		tlbf_native_reason = "flush_tlb_kernel_range-not-found";
		return;
	}
	if (!tlbf_indirectly_callable(fn)) {
		tlbf_native_reason = "flush_tlb_kernel_range-sealed(IBT)";
		return;
	}
	tlbf_native_flush = (tlbf_native_fn)fn;
	tlbf_native_reason = NULL;
	pr_info("native flush_tlb_kernel_range at %pS\n", (void *)fn);
}

/**
 * tlbf_bench_mode_available() - whether a mode can run on this kernel
 * @m: the mode
 * @reason: set to a short reason when it cannot (may be NULL)
 *
 * Return: true if tlbf_bench_run() measures @m.
 */
bool tlbf_bench_mode_available(enum tlbf_bench_mode m, const char **reason)
{
	const char *why = NULL;

	if (m >= TLBF_BENCH_NR_MODES)
		why = "no-such-mode";
	else if (m == TLBF_BENCH_NATIVE && !tlbf_native_flush)
		why = tlbf_native_reason;
	if (reason)
		*reason = why;
	return !why;
}
EXPORT_SYMBOL_GPL(tlbf_bench_mode_available);

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
EXPORT_SYMBOL_GPL(tlbf_bench_buffer);

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
EXPORT_SYMBOL_GPL(tlbf_bench_summarize);

/* -------------------------------------------------------------- parsing */

static int tlbf_parse_modes(char *val, unsigned long *modes)
{
	unsigned long m = 0;
	char *name;
	int i;

	if (!strcmp(val, "all")) {
		*modes = TLBF_BENCH_ALL_MODES;
		return 0;
	}
	while ((name = strsep(&val, ",")) != NULL) {
		i = match_string(tlbf_bench_mode_names, TLBF_BENCH_NR_MODES,
				 name);
		if (i < 0)
			return -EINVAL;
		m |= BIT(i);
	}
	*modes = m;
	return 0;
}

static int tlbf_parse_uint(const char *val, unsigned int lo, unsigned int hi,
			   unsigned int *out)
{
	unsigned int v;

	if (kstrtouint(val, 10, &v) || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static int tlbf_parse_pair(char *key, char *val, struct tlbf_bench_params *p)
{
	int i;

	if (!strcmp(key, "modes"))
		return tlbf_parse_modes(val, &p->modes);
	if (!strcmp(key, "pages"))
		return tlbf_parse_uint(val, 1, TLBF_BENCH_MAX_PAGES, &p->pages);
	if (!strcmp(key, "iters"))
		return tlbf_parse_uint(val, 1, TLBF_BENCH_MAX_ITERS, &p->iters);
	if (!strcmp(key, "warmup"))
		return tlbf_parse_uint(val, 0, TLBF_BENCH_MAX_WARMUP,
				       &p->warmup);
	if (!strcmp(key, "touch"))
		return kstrtobool(val, &p->touch) ? -EINVAL : 0;
	if (!strcmp(key, "targets")) {
		i = match_string(tlbf_bench_target_names,
				 ARRAY_SIZE(tlbf_bench_target_names), val);
		if (i < 0)
			return -EINVAL;
		p->targets = i;
		return 0;
	}
	return -EINVAL;
}

/**
 * tlbf_bench_parse() - parse a debugfs `bench` parameter line
 * @line: NUL-terminated `key=value` pairs separated by blanks; keys modes
 *	(comma-separated mode names or "all"), pages, targets (one, others,
 *	all), iters, warmup, touch (0/1). Missing keys take the defaults
 *	modes=all pages=1 targets=others iters=1000 warmup=100 touch=1.
 * @p: filled on success only
 *
 * Return: 0, -EINVAL for a blank line, an unknown key or mode, a value out of
 * range or a malformed pair, -ENOMEM if the line could not be copied.
 */
int tlbf_bench_parse(const char *line, struct tlbf_bench_params *p)
{
	struct tlbf_bench_params q = {
		.modes = TLBF_BENCH_ALL_MODES,
		.pages = 1,
		.targets = TLBF_BENCH_T_OTHERS,
		.iters = 1000,
		.warmup = 100,
		.touch = true,
	};
	char *copy, *cur, *tok, *eq;
	int ret = 0, pairs = 0;

	copy = kstrdup(line, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	cur = copy;
	while ((tok = strsep(&cur, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		eq = strchr(tok, '=');
		if (!eq || eq == tok || !eq[1]) {
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		ret = tlbf_parse_pair(tok, eq + 1, &q);
		if (ret)
			break;
		pairs++;
	}
	kfree(copy);
	if (!ret && (!pairs || !q.modes))
		ret = -EINVAL;
	if (!ret)
		*p = q;
	return ret;
}
EXPORT_SYMBOL_GPL(tlbf_bench_parse);

/* ---------------------------------------------------------------- modes */

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

/* N3: the handler of the floor does nothing but count its run. */
static noinline void tlbf_bench_ipi_fn(void *info)
{
	this_cpu_inc(tlbf_bench_ipi_runs);
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

/* Per-run state: masks and scratch space, allocated once per run. */
struct tlbf_bench_ctx {
	const struct tlbf_bench_params *p;
	cpumask_var_t targets;
	cpumask_var_t remote;
	u64 s0[TLBF_NR_STATS];
	u64 s1[TLBF_NR_STATS];
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
 * A flusher mode: init (outside the timed region: it allocates), issue,
 * dispatch, and sync unless the strategy is sync (whose dispatch waits for
 * its targets itself), then finish. Preemption is disabled by the caller.
 */
static int tlbf_bench_flusher(struct tlbf_bench_ctx *c, enum tlbf_bench_mode m,
			      unsigned long va, u64 *t0, u64 *t1)
{
	const struct tlbf_strategy *s = &tlbf_strategy_async;
	struct tlbf_flusher fl;
	unsigned int i;
	int ret;

	if (m == TLBF_BENCH_FLUSHER_SYNC)
		s = &tlbf_strategy_sync;
	else if (m == TLBF_BENCH_BROADCAST)
		s = &tlbf_strategy_broadcast;
	ret = tlbf_flusher_init(&fl, c->targets, s);
	if (ret)
		return ret;

	*t0 = ktime_get_ns();
	if (m == TLBF_BENCH_BATCHED) {
		for (i = 0; i < c->p->pages && !ret; i++)
			ret = tlbf_flusher_issue(&fl,
						 tlbf_op_page(va + i * PAGE_SIZE));
	} else {
		ret = tlbf_flusher_issue(&fl, tlbf_op_range(va, c->p->pages));
	}
	if (!ret)
		ret = tlbf_flusher_dispatch(&fl);
	if (!ret && !(s->flags & TLBF_STRAT_F_WAITS))
		ret = tlbf_flusher_sync(&fl);
	*t1 = ktime_get_ns();

	tlbf_flusher_finish(&fl);
	return ret;
}

/*
 * One sample of mode @m. The timed region is only the shootdown itself.
 * @mr is updated only when @measured.
 */
static int tlbf_bench_sample(struct tlbf_bench_ctx *c, enum tlbf_bench_mode m,
			     bool measured, struct tlbf_bench_mode_result *mr,
			     u64 *ns)
{
	const struct tlbf_bench_params *p = c->p;
	unsigned long va = (unsigned long)tlbf_bench_buf;
	struct tlbf_bench_touch t = { .va = va, .pages = p->pages };
	unsigned int cpus, remote;
	u64 ipi0 = 0, t0, t1;
	bool local;
	int self, i, ret = 0;

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

	if (p->touch) {
		smp_call_function_many(c->remote, tlbf_bench_touch_fn, &t, true);
		if (local)
			tlbf_bench_touch_fn(&t);
	}

	switch (m) {
	case TLBF_BENCH_IPI:
		t0 = ktime_get_ns();
		smp_call_function_many(c->remote, tlbf_bench_ipi_fn, NULL, true);
		if (local)
			tlbf_bench_ipi_fn(NULL);
		t1 = ktime_get_ns();
		break;
	case TLBF_BENCH_NATIVE:
		t0 = ktime_get_ns();
		tlbf_native_flush(va, va + p->pages * PAGE_SIZE);
		t1 = ktime_get_ns();
		/* flush_tlb_kernel_range() takes no CPU set: all online CPUs. */
		cpus = num_online_cpus();
		remote = cpus - 1;
		break;
	case TLBF_BENCH_BROADCAST:
		/* Every other online CPU flushes all, whatever the targets. */
		remote = num_online_cpus() - 1;
		cpus = remote + local;
		fallthrough;
	default:
		ret = tlbf_bench_flusher(c, m, va, &t0, &t1);
		break;
	}
	preempt_enable();
	if (ret)
		return ret;

	*ns = t1 - t0;
	if (!measured)
		return 0;

	tlbf_bench_snapshot(c->s1);
	for (i = 0; i < TLBF_NR_STATS; i++)
		mr->stat_delta[i] += c->s1[i] - c->s0[i];
	mr->ipi_handler_runs += tlbf_bench_ipi_runs_sum() - ipi0;
	if (m == TLBF_BENCH_NATIVE)
		mr->native_calls++;
	mr->cpus = cpus;
	mr->remote = remote;
	mr->cpu_samples += cpus;
	mr->remote_samples += remote;
	return 0;
}

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
	enum tlbf_bench_mode order[TLBF_BENCH_NR_MODES];
	struct tlbf_bench_ctx *c;
	unsigned int nr = 0, i, k;
	u64 *samples = NULL, ns;
	int ret = 0;

	if (!p->modes || (p->modes & ~TLBF_BENCH_ALL_MODES) ||
	    p->pages < 1 || p->pages > TLBF_BENCH_MAX_PAGES ||
	    p->iters < 1 || p->iters > TLBF_BENCH_MAX_ITERS ||
	    p->warmup > TLBF_BENCH_MAX_WARMUP || p->targets > TLBF_BENCH_T_ALL)
		return -EINVAL;
	if (!tlbf_bench_buf)
		return -ENODEV;

	memset(res, 0, sizeof(*res));
	res->params = *p;
	for (i = 0; i < TLBF_BENCH_NR_MODES; i++) {
		if (!(p->modes & BIT(i)))
			continue;
		res->mode[i].available =
			tlbf_bench_mode_available(i, &res->mode[i].reason);
		if (res->mode[i].available)
			order[nr++] = i;
	}

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->p = p;
	if (!zalloc_cpumask_var(&c->targets, GFP_KERNEL) ||
	    !zalloc_cpumask_var(&c->remote, GFP_KERNEL)) {
		ret = -ENOMEM;
		goto out;
	}
	if (nr) {
		samples = kvcalloc((size_t)nr * p->iters, sizeof(u64),
				   GFP_KERNEL);
		if (!samples) {
			ret = -ENOMEM;
			goto out;
		}
	}

	tlbf_bench_snapshot(res->before);
	for (i = 0; i < p->warmup + p->iters && nr; i++) {
		bool measured = i >= p->warmup;

		for (k = 0; k < nr; k++) {
			ret = tlbf_bench_sample(c, order[k], measured,
						&res->mode[order[k]], &ns);
			if (ret)
				goto done;
			if (measured)
				samples[(size_t)k * p->iters + i - p->warmup] =
					ns;
		}
		if (signal_pending(current)) {
			ret = -EINTR;
			goto done;
		}
		cond_resched();
	}
	for (k = 0; k < nr; k++)
		tlbf_bench_summarize(samples + (size_t)k * p->iters, p->iters,
				     &res->mode[order[k]].stats);
done:
	tlbf_bench_snapshot(res->after);
out:
	kvfree(samples);
	free_cpumask_var(c->remote);
	free_cpumask_var(c->targets);
	kfree(c);
	return ret;
}
EXPORT_SYMBOL_GPL(tlbf_bench_run);

/* ------------------------------------------------------------- debugfs */

static size_t tlbf_bench_fmt_stats(char *buf, size_t size, const char *tag,
				   const u64 *v)
{
	size_t n;
	int i;

	n = scnprintf(buf, size, "%s", tag);
	for (i = 0; i < TLBF_NR_STATS; i++)
		n += scnprintf(buf + n, size - n, " %s=%llu", tlbf_stat_names[i],
			       v[i]);
	n += scnprintf(buf + n, size - n, "\n");
	return n;
}

static size_t tlbf_bench_fmt_modes(char *buf, size_t size, unsigned long modes)
{
	size_t n = 0;
	int i;

	for (i = 0; i < TLBF_BENCH_NR_MODES; i++) {
		const char *why;

		if (!(modes & BIT(i)))
			continue;
		if (tlbf_bench_mode_available(i, &why))
			n += scnprintf(buf + n, size - n,
				       "mode=%s available=1\n",
				       tlbf_bench_mode_names[i]);
		else
			n += scnprintf(buf + n, size - n,
				       "mode=%s available=0 reason=%s\n",
				       tlbf_bench_mode_names[i], why);
	}
	return n;
}

static size_t tlbf_bench_format(char *buf, size_t size,
				const struct tlbf_bench_result *r)
{
	const struct tlbf_bench_params *p = &r->params;
	size_t n = 0;
	int i, j;

	n += scnprintf(buf + n, size - n,
		       "params pages=%u targets=%s iters=%u warmup=%u touch=%d online=%u\n",
		       p->pages, tlbf_bench_target_names[p->targets], p->iters,
		       p->warmup, p->touch, num_online_cpus());
	for (i = 0; i < TLBF_BENCH_NR_MODES; i++) {
		const struct tlbf_bench_mode_result *m = &r->mode[i];

		if (!(p->modes & BIT(i)))
			continue;
		if (!m->available) {
			n += scnprintf(buf + n, size - n,
				       "mode=%s available=0 reason=%s\n",
				       tlbf_bench_mode_names[i], m->reason);
			continue;
		}
		n += scnprintf(buf + n, size - n,
			       "mode=%s available=1 pages=%u targets=%s cpus=%u remote=%u iters=%u median_ns=%llu p90_ns=%llu p99_ns=%llu min_ns=%llu max_ns=%llu mean_ns=%llu cpu_samples=%llu remote_samples=%llu ipi_handler_runs=%llu native_calls=%llu",
			       tlbf_bench_mode_names[i], p->pages,
			       tlbf_bench_target_names[p->targets], m->cpus,
			       m->remote, m->stats.n, m->stats.median,
			       m->stats.p90, m->stats.p99, m->stats.min,
			       m->stats.max, m->stats.mean, m->cpu_samples,
			       m->remote_samples, m->ipi_handler_runs,
			       m->native_calls);
		for (j = 0; j < TLBF_NR_STATS; j++)
			n += scnprintf(buf + n, size - n, " %s=%llu",
				       tlbf_stat_names[j], m->stat_delta[j]);
		n += scnprintf(buf + n, size - n, "\n");
	}
	n += tlbf_bench_fmt_stats(buf + n, size - n, "before", r->before);
	n += tlbf_bench_fmt_stats(buf + n, size - n, "after", r->after);
	return n;
}

static ssize_t tlbf_bench_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct tlbf_bench_params p;
	struct tlbf_bench_result *r;
	char line[TLBF_BENCH_LINE_MAX];
	char *text;
	int ret;

	if (count >= sizeof(line))
		return -EINVAL;
	if (copy_from_user(line, ubuf, count))
		return -EFAULT;
	line[count] = '\0';
	ret = tlbf_bench_parse(line, &p);
	if (ret)
		return ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	text = kvzalloc(TLBF_BENCH_TEXT_MAX, GFP_KERNEL);
	if (!r || !text) {
		ret = -ENOMEM;
		goto out;
	}
	ret = mutex_lock_interruptible(&tlbf_bench_lock);
	if (ret)
		goto out;
	ret = tlbf_bench_run(&p, r);
	if (!ret) {
		tlbf_bench_text_len = tlbf_bench_format(text,
							TLBF_BENCH_TEXT_MAX, r);
		swap(text, tlbf_bench_text);
	}
	mutex_unlock(&tlbf_bench_lock);
out:
	kvfree(text);
	kfree(r);
	return ret ? ret : count;
}

static ssize_t tlbf_bench_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char *help;
	size_t n;
	ssize_t ret;

	ret = mutex_lock_interruptible(&tlbf_bench_lock);
	if (ret)
		return ret;
	if (tlbf_bench_text) {
		ret = simple_read_from_buffer(ubuf, count, ppos,
					      tlbf_bench_text,
					      tlbf_bench_text_len);
		mutex_unlock(&tlbf_bench_lock);
		return ret;
	}
	mutex_unlock(&tlbf_bench_lock);

	help = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!help)
		return -ENOMEM;
	n = scnprintf(help, PAGE_SIZE,
		      "# write: modes=NAME,...|all pages=1..%d targets=one|others|all iters=1..%d warmup=0..%d touch=0|1\n",
		      TLBF_BENCH_MAX_PAGES, TLBF_BENCH_MAX_ITERS,
		      TLBF_BENCH_MAX_WARMUP);
	n += tlbf_bench_fmt_modes(help + n, PAGE_SIZE - n,
				  TLBF_BENCH_ALL_MODES);
	ret = simple_read_from_buffer(ubuf, count, ppos, help, n);
	kfree(help);
	return ret;
}

static const struct file_operations tlbf_bench_fops = {
	.owner = THIS_MODULE,
	.read = tlbf_bench_read,
	.write = tlbf_bench_write,
	.llseek = default_llseek,
};

/**
 * tlbf_bench_init() - resolve the native flush and create debugfs `bench`
 * @root: the directory to create `bench` in (the module's debugfs root,
 *	made by the module core, which calls this)
 *
 * Return: 0. An unresolvable native flush is not an error: the mode reports
 * itself unavailable.
 */
int tlbf_bench_init(struct dentry *root)
{
	tlbf_bench_buf = tlbf_bench_pages;
	tlbf_bench_resolve_native();
	if (tlbf_native_reason)
		pr_info("native mode unavailable: %s\n", tlbf_native_reason);
	debugfs_create_file("bench", 0600, root, NULL, &tlbf_bench_fops);
	return 0;
}

/**
 * tlbf_bench_exit() - free the last result text
 *
 * Called after the debugfs tree is gone, so no run can be in progress.
 */
void tlbf_bench_exit(void)
{
	tlbf_bench_buf = NULL;
	kvfree(tlbf_bench_text);
	tlbf_bench_text = NULL;
}
