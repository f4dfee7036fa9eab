// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: torture mode (see include/tlbflush/torture.h), after
 * kernel/scftorture.c: every parameter in one block, echoed at the start
 * and in the end line; worker kthreads doing weighted random operations;
 * CPU hotplug at an interval; a status line at intervals; "End of test".
 *
 * Threads: a control kthread starts the workers and the hotplug thread,
 * prints the status, waits until every worker has done its share of work
 * (and the hotplug thread its cycles) and the duration is over, stops
 * them, tears the mappers down and judges the run. Module unload stops the
 * control thread, which then does the same at once ("STOPPED").
 *
 * What fails a run: a mapper result or translation that differs from the
 * worker's model of its lane; an oracle scenario that saw a stale read or
 * write or an oracle violation, or failed; a misuse counter that moved; a
 * debugfs invariant broken once everything quiesced; frames left in the
 * torture pool after the teardown.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": torture: " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/prandom.h>
#include <linux/preempt.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tlbflush/flusher.h"
#include "tlbflush/inject.h"
#include "tlbflush/live.h"
#include "tlbflush/oracle.h"
#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"
#include "tlbflush/torture.h"

/* ---- parameters (all echoed at the start and at the end) ---- */

static bool torture;
module_param(torture, bool, 0444);
MODULE_PARM_DESC(torture, "Run the torture test at load (default off)");

static unsigned int torture_duration = 60;
module_param(torture_duration, uint, 0444);
MODULE_PARM_DESC(torture_duration,
		 "Seconds after which a run that met its work ends (default 60)");

static unsigned int torture_min_ops = 100;
module_param(torture_min_ops, uint, 0444);
MODULE_PARM_DESC(torture_min_ops,
		 "Operations every worker must complete before the run may end (default 100)");

static int torture_nthreads = -1;
module_param(torture_nthreads, int, 0444);
MODULE_PARM_DESC(torture_nthreads,
		 "Worker kthreads, -1 for one per online CPU (default), at most 256");

static unsigned int torture_onoff_interval;
module_param(torture_onoff_interval, uint, 0444);
MODULE_PARM_DESC(torture_onoff_interval,
		 "ms between CPU offline/online cycles, 0 = no hotplug (default)");

static unsigned int torture_min_onoff = 1;
module_param(torture_min_onoff, uint, 0444);
MODULE_PARM_DESC(torture_min_onoff,
		 "Hotplug cycles that must complete before the run may end, with onoff_interval (default 1)");

static unsigned int torture_stat_interval = 10;
module_param(torture_stat_interval, uint, 0444);
MODULE_PARM_DESC(torture_stat_interval,
		 "Seconds between status lines, 0 = none (default 10)");

static unsigned int torture_max_pages = 600;
module_param(torture_max_pages, uint, 0444);
MODULE_PARM_DESC(torture_max_pages,
		 "Largest page count of one operation, 1..1024 (default 600)");

static unsigned int torture_nmappers = 2;
module_param(torture_nmappers, uint, 0444);
MODULE_PARM_DESC(torture_nmappers,
		 "Shared mappers, 1..8; even ones map user-half, odd ones kernel-half addresses (default 2)");

static char *torture_strategies = "";
module_param(torture_strategies, charp, 0444);
MODULE_PARM_DESC(torture_strategies,
		 "Comma-separated strategy names; empty = every registered strategy (default)");

static char *torture_weights = "";
module_param(torture_weights, charp, 0444);
MODULE_PARM_DESC(torture_weights,
		 "Operation weights over the defaults, e.g. \"map=4,oracle=0\" (ops: map protect unmap remap flush oracle)");

static char *torture_inject = "";
module_param(torture_inject, charp, 0444);
MODULE_PARM_DESC(torture_inject,
		 "Make the run fail on purpose (checks the checkers): an inject point armed for the whole run (needs CONFIG_FAULT_INJECTION), or \"model\" (one model entry corrupted)");

static ulong torture_seed;
module_param(torture_seed, ulong, 0444);
MODULE_PARM_DESC(torture_seed, "PRNG seed, 0 = random (the seed used is printed)");

/* ---- operations ---- */

enum tt_op {
	TT_MAP,
	TT_PROTECT,
	TT_UNMAP,
	TT_REMAP,
	TT_FLUSH,
	TT_ORACLE,
	TT_NR_OPS
};

static const char *const tt_op_names[TT_NR_OPS] = {
	[TT_MAP] = "map",
	[TT_PROTECT] = "protect",
	[TT_UNMAP] = "unmap",
	[TT_REMAP] = "remap",
	[TT_FLUSH] = "flush",
	[TT_ORACLE] = "oracle",
};

static const unsigned int tt_default_weights[TT_NR_OPS] = {
	[TT_MAP] = 3, [TT_PROTECT] = 3, [TT_UNMAP] = 3, [TT_REMAP] = 2,
	[TT_FLUSH] = 2, [TT_ORACLE] = 1,
};

/* A lane: the pages one worker owns in a shared mapper. */
#define TT_LANE_PAGES		1024UL
/* Lanes start 1 MiB into a 2 MiB table: neighbours share their edge PTs. */
#define TT_LANE_OFFSET		256UL
#define TT_MAX_MAPPERS		8
#define TT_MAX_THREADS		256
#define TT_MAX_STRATS		32
#define TT_MAX_FAIL_REPORTS	20
#define TT_USER_BASE		0x0000100000000000UL
#define TT_KERNEL_BASE		0xffffa00000000000UL
#define TT_INJECT_NONE		(-1)
#define TT_INJECT_MODEL		(-2)

/* Model of a page: what translate must say. */
#define TT_PRESENT		BIT(0)
#define TT_RW			BIT(1)
#define TT_GLOBAL		BIT(2)

/* Counters that must not move during a run: the torture never misuses. */
static const enum tlbf_stat tt_misuse_stats[] = {
	TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED, TLBF_STAT_MISUSE_WRONG_CPU,
	TLBF_STAT_FRAMES_DOUBLE_RELEASED, TLBF_STAT_DISPATCH_REFUSED,
	TLBF_STAT_SYNC_REFUSED_IRQS_OFF,
};

/**
 * struct tt_worker - one worker kthread and its lane
 * @task: the kthread
 * @id: index
 * @m: the shared mapper of its lane
 * @base: first page of its lane
 * @model: TT_LANE_PAGES entries of TT_PRESENT | TT_RW | TT_GLOBAL
 * @targets: target set of its flushers (changed with atomic bitops, FL2)
 * @rnd: its PRNG
 * @ops: operations done, per kind
 * @done: operations done
 * @nomem: mapper or flusher calls that found no memory (allowed)
 * @refused: calls that got the expected -EEXIST / -ENOENT
 * @finished: it did its share and the duration is over
 */
struct tt_worker {
	struct task_struct *task;
	unsigned int id;
	struct tlbf_mapper *m;
	unsigned long base;
	u8 *model;
	cpumask_var_t targets;
	struct rnd_state rnd;
	u64 ops[TT_NR_OPS];
	u64 done;
	u64 nomem;
	u64 refused;
	bool finished;
};

enum tt_state { TT_IDLE, TT_RUNNING, TT_DONE };

/**
 * struct tt_run - the run (one at a time, set up at load)
 * @ctl: control kthread
 * @onoff: hotplug kthread, NULL without hotplug
 * @w: the workers
 * @nw: number of workers
 * @pool: frames of the shared mappers
 * @m: the shared mappers
 * @nm: number of mappers
 * @strat: the strategies operations pick from
 * @nr_strats: how many
 * @weight: cumulative weights per &enum tt_op
 * @inject: inject point armed for the run, TT_INJECT_NONE or _MODEL
 * @seed: PRNG seed
 * @start: jiffies at start
 * @deadline: jiffies after which a run that met its work ends
 * @workers_done: workers that finished
 * @onoff_cycles: offline+online cycles done
 * @onoff_failed: offline attempts the kernel refused (allowed)
 * @failures: checks that failed
 * @oracle_busy: a worker runs an oracle scenario
 * @oracle_runs: oracle scenarios run
 * @oracle_skipped: scenarios not run (no live window)
 * @oracle_nomem: scenarios that ended with -ENOMEM (allowed)
 * @reads: reads checked by the oracle
 * @stale_reads: stale reads it saw
 * @stale_writes: stale writes it saw
 * @violations: oracle violations it saw
 * @stat0: counters at the start
 */
struct tt_run {
	struct task_struct *ctl;
	struct task_struct *onoff;
	struct tt_worker *w;
	unsigned int nw;
	struct tlbf_pool *pool;
	struct tlbf_mapper *m[TT_MAX_MAPPERS];
	unsigned int nm;
	const struct tlbf_strategy *strat[TT_MAX_STRATS];
	unsigned int nr_strats;
	unsigned int weight[TT_NR_OPS];
	int inject;
	u64 seed;
	unsigned long start;
	unsigned long deadline;
	atomic_t workers_done;
	atomic64_t onoff_cycles;
	atomic64_t onoff_failed;
	atomic_t failures;
	atomic_t oracle_busy;
	atomic64_t oracle_runs;
	atomic64_t oracle_skipped;
	atomic64_t oracle_nomem;
	atomic64_t reads;
	atomic64_t stale_reads;
	atomic64_t stale_writes;
	atomic64_t violations;
	u64 stat0[TLBF_NR_STATS];
};

static struct tt_run tt;
static DEFINE_PER_CPU(u64, tt_cpu_ops);

/* The debugfs text: state and the last end lines; under tt_text_lock. */
static DEFINE_MUTEX(tt_text_lock);
static enum tt_state tt_state;
static char *tt_text;

static __printf(1, 2) void torture_err(const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (atomic_inc_return(&tt.failures) > TT_MAX_FAIL_REPORTS)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("FAIL: %pV\n", &vaf);
	va_end(args);
}

static u32 tt_rand(struct tt_worker *w)
{
	return prandom_u32_state(&w->rnd);
}

/* 1..@max pages, weighted towards the FL6 threshold and single pages. */
static unsigned long tt_rand_pages(struct tt_worker *w, unsigned long max)
{
	unsigned int t = READ_ONCE(tlbf_flush_all_threshold);

	switch (tt_rand(w) % 4) {
	case 0:
		return 1;
	case 1:
		return min(max, 1 + (unsigned long)(tt_rand(w) % (t + 4)));
	case 2:
		return clamp_val((long)t - 2 + (long)(tt_rand(w) % 5), 1L,
				 (long)max);
	default:
		return 1 + tt_rand(w) % max;
	}
}

static const struct tlbf_strategy *tt_rand_strategy(struct tt_worker *w)
{
	return tt.strat[tt_rand(w) % tt.nr_strats];
}

/* A random target set: empty, all, this CPU, or a random subset (FL2). */
static void tt_rand_targets(struct tt_worker *w)
{
	int cpu;

	cpumask_clear(w->targets);
	switch (tt_rand(w) % 8) {
	case 0:
		return;
	case 1:
		cpumask_copy(w->targets, cpu_online_mask);
		return;
	case 2:
		cpumask_set_cpu(raw_smp_processor_id(), w->targets);
		return;
	default:
		for_each_online_cpu(cpu)
			if (tt_rand(w) & 1)
				cpumask_set_cpu(cpu, w->targets);
	}
}

static unsigned long tt_va(struct tt_worker *w, unsigned long i)
{
	return w->base + i * PAGE_SIZE;
}

static bool tt_kernel_half(struct tt_worker *w)
{
	return !tlbf_va_is_user(w->base);
}

/* Flags for a page of @w's lane: @model bits -> leaf flags. */
static u64 tt_flags(u8 model)
{
	u64 f = tlbf_flags_new();

	if (model & TT_RW)
		f = tlbf_flags_set_write(f, true);
	if (model & TT_GLOBAL)
		f |= TLBF_PTE_G;
	return f;
}

static u8 tt_rand_model(struct tt_worker *w)
{
	u8 m = TT_PRESENT;

	if (tt_rand(w) & 1)
		m |= TT_RW;
	if (tt_kernel_half(w) && !(tt_rand(w) % 4))
		m |= TT_GLOBAL;
	return m;
}

/* Does the table agree with the model for pages [i, i + n)? */
static void tt_verify(struct tt_worker *w, unsigned long i, unsigned long n,
		      const char *what)
{
	unsigned long end = i + n;
	phys_addr_t pa;
	u64 flags;
	u8 got;
	int err;

	for (; i < end; i++) {
		err = tlbf_mapper_translate(w->m, tt_va(w, i), &pa, &flags);
		got = err ? 0 : TT_PRESENT;
		if (!err && (flags & TLBF_PTE_RW))
			got |= TT_RW;
		if (!err && (flags & TLBF_PTE_G))
			got |= TT_GLOBAL;
		if (err && err != -ENOENT)
			torture_err("worker %u: translate %#lx: %d", w->id,
				    tt_va(w, i), err);
		else if (got != w->model[i])
			torture_err("worker %u after %s: page %#lx is %#x in the table, %#x in the model",
				    w->id, what, tt_va(w, i), got, w->model[i]);
	}
}

/* Is every page of [i, i + n) present (@present) or absent (!@present)? */
static bool tt_all(struct tt_worker *w, unsigned long i, unsigned long n,
		   bool present)
{
	unsigned long end = i + n;

	for (; i < end; i++)
		if (!!(w->model[i] & TT_PRESENT) != present)
			return false;
	return true;
}

static void tt_set(struct tt_worker *w, unsigned long i, unsigned long n,
		   u8 model)
{
	memset(w->model + i, model, n);
}

/* Compare a mapper call's result with what the model expects. */
static bool tt_expect(struct tt_worker *w, const char *call, unsigned long i,
		      unsigned long n, int err, int expect)
{
	if (err == expect) {
		if (err)
			w->refused++;
		return true;
	}
	if (err == -ENOMEM && !expect && !strncmp(call, "map", 3)) {
		w->nomem++;
		return false;	/* allowed: nothing changed (M2) */
	}
	torture_err("worker %u: %s %#lx+%lu returned %d, the model expects %d",
		    w->id, call, tt_va(w, i), n, err, expect);
	return false;
}

/* Hand a request to the flusher (M4); every request is consumed. */
static void tt_issue_req(struct tt_worker *w, struct tlbf_flusher *fl,
			 struct tlbf_flush_req *req)
{
	int err = tlbf_flusher_issue_req(fl, req);

	if (err) {
		torture_err("worker %u: issue_req: %d", w->id, err);
		tlbf_req_flush_local(req);
	}
}

static void tt_do_map(struct tt_worker *w, unsigned long i, unsigned long n,
		      bool range)
{
	u8 model = tt_rand_model(w);
	unsigned long j;
	int err;

	if (range) {
		err = tlbf_mapper_map_range(w->m, tt_va(w, i), n,
					    tt_flags(model));
		if (tt_expect(w, "map_range", i, n, err,
			      tt_all(w, i, n, false) ? 0 : -EEXIST) && !err)
			tt_set(w, i, n, model);
		return;
	}
	for (j = i; j < i + n; j++) {
		err = tlbf_mapper_map(w->m, tt_va(w, j), tt_flags(model));
		if (tt_expect(w, "map", j, 1, err,
			      w->model[j] ? -EEXIST : 0) && !err)
			w->model[j] = model;
	}
}

static void tt_do_protect(struct tt_worker *w, struct tlbf_flusher *fl,
			  unsigned long i, unsigned long n, bool range)
{
	u8 model = tt_rand_model(w);
	unsigned long j;
	int err;

	if (range) {
		TLBF_FLUSH_REQ(req);

		err = tlbf_mapper_protect_range(w->m, tt_va(w, i), n,
						tt_flags(model), &req);
		tt_issue_req(w, fl, &req);
		if (tt_expect(w, "protect_range", i, n, err,
			      tt_all(w, i, n, true) ? 0 : -ENOENT) && !err)
			tt_set(w, i, n, model);
		return;
	}
	for (j = i; j < i + n; j++) {
		TLBF_FLUSH_REQ(req);

		err = tlbf_mapper_protect(w->m, tt_va(w, j), tt_flags(model),
					  &req);
		tt_issue_req(w, fl, &req);
		if (tt_expect(w, "protect", j, 1, err,
			      w->model[j] ? 0 : -ENOENT) && !err)
			w->model[j] = model;
	}
}

/*
 * Unmap [i, i + n): one range call, or one call per page whose requests
 * are either issued one by one or folded into one flush-all request (M5).
 */
static void tt_do_unmap(struct tt_worker *w, struct tlbf_flusher *fl,
			unsigned long i, unsigned long n, bool range,
			bool parents)
{
	TLBF_FLUSH_REQ(all);
	bool merge = !(tt_rand(w) % 4);
	unsigned long j;
	int err;

	if (range) {
		TLBF_FLUSH_REQ(req);

		err = tlbf_mapper_unmap_range(w->m, tt_va(w, i), n, parents,
					      &req);
		tt_issue_req(w, fl, &req);
		if (tt_expect(w, "unmap_range", i, n, err,
			      tt_all(w, i, n, true) ? 0 : -ENOENT) && !err)
			tt_set(w, i, n, 0);
		return;
	}
	for (j = i; j < i + n; j++) {
		TLBF_FLUSH_REQ(req);

		err = tlbf_mapper_unmap(w->m, tt_va(w, j), parents, &req);
		if (merge)
			tlbf_req_merge_all(&all, &req);
		else
			tt_issue_req(w, fl, &req);
		if (tt_expect(w, "unmap", j, 1, err,
			      w->model[j] ? 0 : -ENOENT) && !err)
			w->model[j] = 0;
	}
	tt_issue_req(w, fl, &all);
}

/* Raw ops: pages of the lane, a range, flush all; one issue_with. */
static void tt_do_flush(struct tt_worker *w, struct tlbf_flusher *fl,
			unsigned long i, unsigned long n)
{
	struct tlbf_frame *f;
	struct tlbf_op op;
	unsigned long j;

	switch (tt_rand(w) % 4) {
	case 0:
		for (j = i; j < i + n; j++)
			if (tlbf_flusher_issue(fl, tlbf_op_page(tt_va(w, j))))
				torture_err("worker %u: issue page", w->id);
		return;
	case 1:
		op = tlbf_op_range(tt_va(w, i), n);
		break;
	case 2:
		op = tlbf_op_all_for(w->base);
		break;
	default:
		op = tlbf_op_all_global();
		break;
	}
	f = tlbf_frame_alloc(tt.pool, TLBF_FRAME_DATA, w);
	if (!f) {
		w->nomem++;
		if (tlbf_flusher_issue(fl, op))
			torture_err("worker %u: issue %#lx", w->id, op.word);
		return;
	}
	tlbf_frame_set_pending(f);
	if (tlbf_flusher_issue_with(fl, op, f)) {
		torture_err("worker %u: issue_with %#lx", w->id, op.word);
		tlbf_frame_put(f);
	}
}

/* One mapper or flush operation through one flusher session. */
static void tt_op_session(struct tt_worker *w, enum tt_op op)
{
	unsigned long n = tt_rand_pages(w, torture_max_pages);
	unsigned long i = tt_rand(w) % (TT_LANE_PAGES - n + 1);
	bool range = tt_rand(w) & 1, parents = tt_rand(w) & 1;
	struct tlbf_flusher fl;
	int err;

	migrate_disable();
	tt_rand_targets(w);
	err = tlbf_flusher_init(&fl, w->targets, tt_rand_strategy(w));
	if (err) {
		migrate_enable();
		if (err != -ENOMEM)
			torture_err("worker %u: flusher_init: %d", w->id, err);
		w->nomem++;
		return;
	}
	switch (op) {
	case TT_MAP:
		tt_do_map(w, i, n, range);
		break;
	case TT_PROTECT:
		tt_do_protect(w, &fl, i, n, range);
		break;
	case TT_UNMAP:
		tt_do_unmap(w, &fl, i, n, range, parents);
		break;
	case TT_REMAP:
		tt_do_unmap(w, &fl, i, n, true, parents);
		tt_do_map(w, i, n, range);
		break;
	default:
		tt_do_flush(w, &fl, i, n);
		break;
	}
	if (!(tt_rand(w) % 4))
		tt_rand_targets(w);	/* FL2: the set is read at dispatch */
	err = tlbf_flusher_dispatch(&fl);
	if (err)
		torture_err("worker %u: dispatch: %d", w->id, err);
	if (tt_rand(w) % 4) {
		err = tlbf_flusher_sync(&fl);
		if (err)
			torture_err("worker %u: sync: %d", w->id, err);
	}
	tlbf_flusher_finish(&fl);
	this_cpu_inc(tt_cpu_ops);
	migrate_enable();
	tt_verify(w, i, n, tt_op_names[op]);
}

/* One live scenario of the oracle with random parameters. */
static void tt_op_oracle(struct tt_worker *w)
{
	struct tlbf_live *lv = tlbf_oracle_live();
	struct tlbf_oracle_params p = {};
	struct tlbf_oracle_result r;
	unsigned long max;
	int err;

	if (!lv) {
		atomic64_inc(&tt.oracle_skipped);
		return;
	}
	max = min_t(unsigned long, torture_max_pages,
		    tlbf_live_size(lv) >> PAGE_SHIFT);
	p.strategy = tt_rand_strategy(w);
	p.targets = tt_rand(w) % TLBF_ORACLE_NR_TARGETS;
	p.change = tt_rand(w) % TLBF_ORACLE_NR_CHANGES;
	p.pages = tt_rand_pages(w, max);
	p.range = tt_rand(w) & 1;
	p.global = tt_rand(w) & 1;
	p.rounds = 1 + tt_rand(w) % 2;
	p.offline = num_online_cpus() >= 3 && !(tt_rand(w) % 8);
	err = tlbf_oracle_run(&p, &r);
	this_cpu_inc(tt_cpu_ops);
	atomic64_inc(&tt.oracle_runs);
	atomic64_add(r.reads_checked, &tt.reads);
	atomic64_add(r.stale_reads, &tt.stale_reads);
	atomic64_add(r.stale_writes, &tt.stale_writes);
	atomic64_add(r.violations, &tt.violations);
	if (err == -ENOMEM)
		atomic64_inc(&tt.oracle_nomem);
	else if (err)
		torture_err("oracle strategy=%s targets=%s change=%s pages=%u: %d",
			    p.strategy->name,
			    tlbf_oracle_target_names[p.targets],
			    tlbf_oracle_change_names[p.change], p.pages, err);
	if (r.stale_reads || r.stale_writes || r.violations)
		torture_err("oracle strategy=%s targets=%s change=%s pages=%u range=%d global=%d offline=%d: stale_reads=%llu stale_writes=%llu oracle_violations=%llu",
			    p.strategy->name,
			    tlbf_oracle_target_names[p.targets],
			    tlbf_oracle_change_names[p.change], p.pages, p.range,
			    p.global, p.offline, r.stale_reads, r.stale_writes,
			    r.violations);
}

static enum tt_op tt_rand_op(struct tt_worker *w)
{
	unsigned int r = tt_rand(w) % tt.weight[TT_NR_OPS - 1];
	enum tt_op op = 0;

	while (r >= tt.weight[op])
		op++;
	return op;
}

static void tt_one_op(struct tt_worker *w)
{
	enum tt_op op = tt_rand_op(w);

	if (op == TT_ORACLE) {
		/* One scenario at a time; the others do a flush meanwhile. */
		if (atomic_cmpxchg(&tt.oracle_busy, 0, 1))
			op = TT_FLUSH;
	}
	if (op == TT_ORACLE) {
		tt_op_oracle(w);
		atomic_set(&tt.oracle_busy, 0);
	} else {
		tt_op_session(w, op);
	}
	w->ops[op]++;
	WRITE_ONCE(w->done, w->done + 1);
	if (tt.inject == TT_INJECT_MODEL && w->id == 0 && w->done == 1)
		w->model[0] ^= TT_PRESENT;	/* wrong on purpose */
}

static int tt_worker_fn(void *arg)
{
	struct tt_worker *w = arg;

	while (!kthread_should_stop()) {
		if (READ_ONCE(w->finished)) {
			schedule_timeout_interruptible(HZ / 10);
			continue;
		}
		tt_one_op(w);
		if (w->done >= torture_min_ops &&
		    time_after_eq(jiffies, tt.deadline)) {
			WRITE_ONCE(w->finished, true);
			atomic_inc(&tt.workers_done);
		}
		cond_resched();
	}
	return 0;
}

/* A random online CPU other than the first one, -1 if there is none. */
static int tt_onoff_victim(struct rnd_state *rnd)
{
	unsigned int n = num_online_cpus(), k;
	int cpu, first = cpumask_first(cpu_online_mask);

	if (n < 2)
		return -1;
	k = prandom_u32_state(rnd) % (n - 1);
	for_each_online_cpu(cpu) {
		if (cpu == first)
			continue;
		if (!k--)
			return cpu;
	}
	return -1;
}

static int tt_onoff_fn(void *arg)
{
	unsigned long delay = msecs_to_jiffies(torture_onoff_interval);
	struct rnd_state rnd;
	int cpu, err;

	prandom_seed_state(&rnd, tt.seed ^ 0x0f0f);
	while (!kthread_should_stop()) {
		schedule_timeout_interruptible(delay);
		if (kthread_should_stop())
			break;
		cpu = tt_onoff_victim(&rnd);
		if (cpu < 0 || remove_cpu(cpu)) {
			atomic64_inc(&tt.onoff_failed);
			continue;
		}
		schedule_timeout_uninterruptible(max(1UL, delay / 2));
		while ((err = add_cpu(cpu))) {
			/* Never leave a CPU offline; the kernel may be busy. */
			pr_warn("cpu%d did not come back online (%d), retrying\n",
				cpu, err);
			schedule_timeout_uninterruptible(HZ / 10);
		}
		atomic64_inc(&tt.onoff_cycles);
	}
	return 0;
}

/* ---- set-up, status, end ---- */

/* Drop the strategies the run holds. */
static void tt_put_strategies(void)
{
	while (tt.nr_strats)
		tlbf_strategy_put(tt.strat[--tt.nr_strats]);
}

static int tt_parse_strategies(void)
{
	const struct tlbf_strategy *it = NULL, *s;
	char *list, *p, *name;

	tt.nr_strats = 0;
	if (!*torture_strategies) {
		/* Every registered strategy (T: all), each one held. */
		while ((it = tlbf_strategy_get_next(it))) {
			s = tlbf_strategy_get(it->name);
			if (s && tt.nr_strats < TT_MAX_STRATS)
				tt.strat[tt.nr_strats++] = s;
			else
				tlbf_strategy_put(s);
		}
		return tt.nr_strats ? 0 : -EINVAL;
	}
	list = kstrdup(torture_strategies, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	p = list;
	while ((name = strsep(&p, ","))) {
		s = tlbf_strategy_get(name);
		if (!s || tt.nr_strats == TT_MAX_STRATS) {
			pr_err("torture_strategies: unknown or too many: %s\n",
			       name);
			tlbf_strategy_put(s);
			tt_put_strategies();
			kfree(list);
			return -EINVAL;
		}
		tt.strat[tt.nr_strats++] = s;
	}
	kfree(list);
	return 0;
}

static int tt_parse_weights(void)
{
	unsigned int w[TT_NR_OPS], v, sum = 0;
	char *list, *p, *pair, *val;
	int i, ret = 0;

	memcpy(w, tt_default_weights, sizeof(w));
	list = kstrdup(torture_weights, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	p = list;
	while ((pair = strsep(&p, ","))) {
		if (!*pair)
			continue;
		val = strchr(pair, '=');
		if (val)
			*val++ = '\0';
		i = match_string(tt_op_names, TT_NR_OPS, pair);
		if (!val || i < 0 || kstrtouint(val, 10, &v) || v > 1000) {
			pr_err("torture_weights: bad entry %s\n", pair);
			ret = -EINVAL;
			break;
		}
		w[i] = v;
	}
	kfree(list);
	for (i = 0; i < TT_NR_OPS; i++) {
		sum += w[i];
		tt.weight[i] = sum;
	}
	if (!ret && !sum) {
		pr_err("torture_weights: every weight is 0\n");
		ret = -EINVAL;
	}
	return ret;
}

static int tt_parse_inject(void)
{
	int p;

	tt.inject = TT_INJECT_NONE;
	if (!*torture_inject)
		return 0;
	if (!strcmp(torture_inject, "model")) {
		tt.inject = TT_INJECT_MODEL;
		return 0;
	}
	p = tlbf_inject_parse(torture_inject);
	if (p < 0) {
		pr_err("torture_inject: unknown point %s\n", torture_inject);
		return -EINVAL;
	}
	tt.inject = p;
	return 0;
}

static int tt_check_params(void)
{
	int ret;

	if (!torture_max_pages || torture_max_pages > TT_LANE_PAGES ||
	    !torture_nmappers || torture_nmappers > TT_MAX_MAPPERS ||
	    !torture_nthreads || torture_nthreads > TT_MAX_THREADS ||
	    torture_nthreads < -1) {
		pr_err("bad parameters: max_pages 1..%lu, nmappers 1..%d, nthreads -1 or 1..%d\n",
		       TT_LANE_PAGES, TT_MAX_MAPPERS, TT_MAX_THREADS);
		return -EINVAL;
	}
	ret = tt_parse_strategies();
	if (!ret)
		ret = tt_parse_weights();
	if (!ret)
		ret = tt_parse_inject();
	if (ret)
		tt_put_strategies();
	return ret;
}

static void tt_print_params(const char *tag)
{
	char s[128];
	int i, n = 0;

	for (i = 0; i < tt.nr_strats; i++)
		n += scnprintf(s + n, sizeof(s) - n, "%s%s", i ? "," : "",
			       tt.strat[i]->name);
	pr_info("--- %s: duration=%u min_ops=%u nthreads=%u onoff_interval=%u min_onoff=%u stat_interval=%u max_pages=%u nmappers=%u strategies=%s weights=%u,%u,%u,%u,%u,%u inject=%s seed=%#llx\n",
		tag, torture_duration, torture_min_ops, tt.nw,
		torture_onoff_interval, torture_min_onoff,
		torture_stat_interval, torture_max_pages, tt.nm, s,
		tt.weight[TT_MAP], tt.weight[TT_PROTECT] - tt.weight[TT_MAP],
		tt.weight[TT_UNMAP] - tt.weight[TT_PROTECT],
		tt.weight[TT_REMAP] - tt.weight[TT_UNMAP],
		tt.weight[TT_FLUSH] - tt.weight[TT_REMAP],
		tt.weight[TT_ORACLE] - tt.weight[TT_FLUSH],
		*torture_inject ? torture_inject : "none", tt.seed);
}

static u64 tt_total_ops(void)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < tt.nw; i++)
		sum += READ_ONCE(tt.w[i].done);
	return sum;
}

static int tt_fmt_cpu_ops(char *buf, size_t size)
{
	int cpu, n = 0;

	for_each_possible_cpu(cpu)
		n += scnprintf(buf + n, size - n, " cpu%d=%llu", cpu,
			       per_cpu(tt_cpu_ops, cpu));
	return n;
}

static void tt_print_status(void)
{
	char cpus[256];

	tt_fmt_cpu_ops(cpus, sizeof(cpus));
	pr_info("t=%us ops=%llu per cpu:%s hotplug_cycles=%lld oracle_runs=%lld reads_checked=%lld stale=%lld failures=%d workers_done=%d/%u pool in_use=%lu pending=%lu\n",
		jiffies_to_msecs(jiffies - tt.start) / 1000, tt_total_ops(),
		cpus, atomic64_read(&tt.onoff_cycles),
		atomic64_read(&tt.oracle_runs), atomic64_read(&tt.reads),
		atomic64_read(&tt.stale_reads) + atomic64_read(&tt.stale_writes),
		atomic_read(&tt.failures), atomic_read(&tt.workers_done),
		tt.nw, tlbf_pool_frames_in_use(tt.pool),
		tlbf_pool_frames_in_state(tt.pool, TLBF_FRAME_PENDING));
}

static int tt_setup_mappers(void)
{
	unsigned long frames;
	unsigned int i;

	tt.nm = min(torture_nmappers, tt.nw);
	/* Mapped pages, as many pending, tables, raw issue_with frames. */
	frames = min_t(unsigned long, tt.nw * TT_LANE_PAGES * 2 + 1024,
		       TLBF_POOL_MAX_FRAMES);
	tt.pool = tlbf_pool_create(frames);
	if (IS_ERR(tt.pool))
		return PTR_ERR(tt.pool);
	for (i = 0; i < tt.nm; i++) {
		tt.m[i] = tlbf_mapper_create(tt.pool);
		if (IS_ERR(tt.m[i])) {
			int err = PTR_ERR(tt.m[i]);

			tt.m[i] = NULL;
			return err;
		}
	}
	for (i = 0; i < tt.nw; i++) {
		struct tt_worker *w = &tt.w[i];
		unsigned long base = i % tt.nm % 2 ? TT_KERNEL_BASE :
				     TT_USER_BASE;

		w->id = i;
		w->m = tt.m[i % tt.nm];
		w->base = base + (TT_LANE_OFFSET +
				  (i / tt.nm) * TT_LANE_PAGES) * PAGE_SIZE;
		w->model = kvzalloc(TT_LANE_PAGES, GFP_KERNEL);
		if (!w->model || !zalloc_cpumask_var(&w->targets, GFP_KERNEL))
			return -ENOMEM;
		prandom_seed_state(&w->rnd, tt.seed + i);
	}
	return 0;
}

/* Unmap whatever is left of a lane (the table says, not the model). */
static void tt_teardown_lane(struct tt_worker *w)
{
	struct tlbf_flusher fl;
	unsigned long i;
	phys_addr_t pa;
	u64 flags;

	migrate_disable();
	if (tlbf_flusher_init(&fl, (struct cpumask *)cpu_online_mask,
			      &tlbf_strategy_sync)) {
		migrate_enable();
		torture_err("teardown: no flusher");
		return;
	}
	for (i = 0; i < TT_LANE_PAGES; i++) {
		TLBF_FLUSH_REQ(req);

		if (tlbf_mapper_translate(w->m, tt_va(w, i), &pa, &flags))
			continue;
		if (tlbf_mapper_unmap(w->m, tt_va(w, i), true, &req))
			torture_err("teardown: unmap %#lx", tt_va(w, i));
		tt_issue_req(w, &fl, &req);
		if (i % 64 == 63)
			tlbf_flusher_dispatch(&fl);
	}
	tlbf_flusher_dispatch(&fl);
	tlbf_flusher_finish(&fl);
	migrate_enable();
}

static void tt_free(void)
{
	unsigned int i;

	for (i = 0; tt.w && i < tt.nw; i++) {
		kvfree(tt.w[i].model);
		free_cpumask_var(tt.w[i].targets);
	}
	kfree(tt.w);
	tt.w = NULL;
	for (i = 0; i < TT_MAX_MAPPERS; i++) {
		if (tt.m[i])
			tlbf_mapper_destroy(tt.m[i]);
		tt.m[i] = NULL;
	}
	if (!IS_ERR_OR_NULL(tt.pool)) {
		tlbf_flusher_quiesce();
		tlbf_pool_quiesce();
		tlbf_pool_destroy(tt.pool);
	}
	tt.pool = NULL;
}

/* After the teardown: misuse counters still, invariants, no frame left. */
static const char *tt_check_end(unsigned long *leaked)
{
	u64 sent, recv, drained, def, rel;
	unsigned int i;

	tlbf_flusher_quiesce();
	tlbf_pool_quiesce();
	for (i = 0; i < ARRAY_SIZE(tt_misuse_stats); i++) {
		enum tlbf_stat s = tt_misuse_stats[i];
		u64 d = tlbf_stat_sum(s) - tt.stat0[s];

		if (d)
			torture_err("%s moved by %llu during the run",
				    tlbf_stat_names[s], d);
	}
	*leaked = tlbf_pool_frames_in_use(tt.pool);
	if (*leaked)
		torture_err("%lu frames of the torture pool still in use after the teardown",
			    *leaked);
	sent = tlbf_stat_sum(TLBF_STAT_IPIS_SENT);
	recv = tlbf_stat_sum(TLBF_STAT_IPIS_RECEIVED);
	drained = tlbf_stat_sum(TLBF_STAT_QUEUES_DRAINED_OFFLINE);
	def = tlbf_stat_sum(TLBF_STAT_FRAMES_DEFERRED);
	rel = tlbf_stat_sum(TLBF_STAT_FRAMES_RELEASED);
	if (sent != recv + drained) {
		torture_err("invariant: ipis_sent %llu != ipis_received %llu + queues_drained_offline %llu",
			    sent, recv, drained);
		return "broken";
	}
	if (def != rel + tlbf_frames_pending_total() ||
	    tlbf_frames_pending_total()) {
		torture_err("invariant: frames_deferred %llu, frames_released %llu, frames_pending %lu (must be 0)",
			    def, rel, tlbf_frames_pending_total());
		return "broken";
	}
	return "ok";
}

static void tt_print_lines(const char *text)
{
	const char *nl;

	while (text && (nl = strchr(text, '\n'))) {
		pr_info("%.*s\n", (int)(nl - text), text);
		text = nl + 1;
	}
}

static void tt_end(bool stopped)
{
	char cpus[256], *text;
	const char *verdict, *inv;
	unsigned long leaked = 0;
	unsigned int i;
	u64 per_op[TT_NR_OPS] = {}, nomem = 0, refused = 0;

	for (i = 0; i < tt.nw; i++) {
		int k;

		for (k = 0; k < TT_NR_OPS; k++)
			per_op[k] += tt.w[i].ops[k];
		nomem += tt.w[i].nomem;
		refused += tt.w[i].refused;
		tt_verify(&tt.w[i], 0, TT_LANE_PAGES, "the run");
		tt_teardown_lane(&tt.w[i]);
	}
	for (i = 0; i < tt.nm; i++) {
		tlbf_mapper_destroy(tt.m[i]);	/* the root tables go too */
		tt.m[i] = NULL;
	}
	if (tt.inject >= 0)
		tlbf_inject_set(tt.inject, false);
	inv = tt_check_end(&leaked);
	verdict = atomic_read(&tt.failures) ? "FAILURE" :
		  stopped ? "STOPPED" : "SUCCESS";
	tt_fmt_cpu_ops(cpus, sizeof(cpus));
	text = kasprintf(GFP_KERNEL,
			 "End of test: %s: seconds=%u ops=%llu map=%llu protect=%llu unmap=%llu remap=%llu flush=%llu oracle=%llu nomem=%llu\n"
			 "ops per cpu:%s\n"
			 "hotplug_cycles=%lld hotplug_refused=%lld\n"
			 "oracle_runs=%lld oracle_skipped=%lld oracle_nomem=%lld reads_checked=%lld stale_reads=%lld stale_writes=%lld oracle_violations=%lld\n"
			 "refused_as_expected=%llu failures=%d invariants=%s leaked_frames=%lu\n",
			 verdict, jiffies_to_msecs(jiffies - tt.start) / 1000,
			 tt_total_ops(), per_op[TT_MAP], per_op[TT_PROTECT],
			 per_op[TT_UNMAP], per_op[TT_REMAP], per_op[TT_FLUSH],
			 per_op[TT_ORACLE], nomem, cpus,
			 atomic64_read(&tt.onoff_cycles),
			 atomic64_read(&tt.onoff_failed),
			 atomic64_read(&tt.oracle_runs),
			 atomic64_read(&tt.oracle_skipped),
			 atomic64_read(&tt.oracle_nomem),
			 atomic64_read(&tt.reads),
			 atomic64_read(&tt.stale_reads),
			 atomic64_read(&tt.stale_writes),
			 atomic64_read(&tt.violations), refused,
			 atomic_read(&tt.failures), inv, leaked);
	tt_print_params(atomic_read(&tt.failures) ? "End of test: FAILURE" :
			stopped ? "End of test: STOPPED" :
			"End of test: SUCCESS");
	tt_print_lines(text);
	mutex_lock(&tt_text_lock);
	kfree(tt_text);
	tt_text = text;
	tt_state = TT_DONE;
	mutex_unlock(&tt_text_lock);
}

static void tt_stop_threads(void)
{
	unsigned int i;

	if (tt.onoff)
		kthread_stop(tt.onoff);
	tt.onoff = NULL;
	for (i = 0; i < tt.nw; i++) {
		if (tt.w[i].task)
			kthread_stop(tt.w[i].task);
		tt.w[i].task = NULL;
	}
}

static bool tt_work_met(void)
{
	if (atomic_read(&tt.workers_done) < tt.nw)
		return false;
	return !torture_onoff_interval ||
	       atomic64_read(&tt.onoff_cycles) >= torture_min_onoff;
}

static int tt_ctl_fn(void *arg)
{
	unsigned long next_stat = jiffies + torture_stat_interval * HZ;
	bool stopped = false;
	unsigned int i;

	for (i = 0; i < tt.nw; i++)
		wake_up_process(tt.w[i].task);
	if (tt.onoff)
		wake_up_process(tt.onoff);
	for (;;) {
		schedule_timeout_interruptible(HZ / 5);
		if (kthread_should_stop()) {
			stopped = !tt_work_met();
			break;
		}
		if (tt_work_met())
			break;
		if (torture_stat_interval && time_after_eq(jiffies, next_stat)) {
			tt_print_status();
			next_stat += torture_stat_interval * HZ;
		}
	}
	tt_stop_threads();
	tt_print_status();
	tt_end(stopped);
	tt_free();
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}

static int tt_create_threads(void)
{
	unsigned int i;

	for (i = 0; i < tt.nw; i++) {
		tt.w[i].task = kthread_create(tt_worker_fn, &tt.w[i],
					      "tlbf_torture/%u", i);
		if (IS_ERR(tt.w[i].task)) {
			int err = PTR_ERR(tt.w[i].task);

			tt.w[i].task = NULL;
			return err;
		}
		/* Start spread out; migrate at will afterwards. */
		set_cpus_allowed_ptr(tt.w[i].task, cpumask_of(i % nr_cpu_ids));
		set_cpus_allowed_ptr(tt.w[i].task, cpu_possible_mask);
	}
	if (torture_onoff_interval) {
		tt.onoff = kthread_create(tt_onoff_fn, NULL, "tlbf_torture_onoff");
		if (IS_ERR(tt.onoff)) {
			int err = PTR_ERR(tt.onoff);

			tt.onoff = NULL;
			return err;
		}
	}
	tt.ctl = kthread_create(tt_ctl_fn, NULL, "tlbf_torture_ctl");
	if (IS_ERR(tt.ctl)) {
		int err = PTR_ERR(tt.ctl);

		tt.ctl = NULL;
		return err;
	}
	return 0;
}

static int tt_start(void)
{
	unsigned int i;
	int ret;

	tt.nw = torture_nthreads < 0 ? num_online_cpus() : torture_nthreads;
	ret = tt_check_params();
	if (ret)
		return ret;
	tt.seed = torture_seed ? torture_seed : get_random_u64();
	tt.w = kcalloc(tt.nw, sizeof(*tt.w), GFP_KERNEL);
	if (!tt.w)
		return -ENOMEM;
	ret = tt_setup_mappers();
	if (!ret && tt.inject >= 0)
		ret = tlbf_inject_set(tt.inject, true);
	if (!ret)
		ret = tt_create_threads();
	if (ret) {
		pr_err("cannot start: %d\n", ret);
		tt_stop_threads();
		if (tt.inject >= 0)
			tlbf_inject_set(tt.inject, false);
		tt_free();
		return ret;
	}
	for_each_possible_cpu(i)
		per_cpu(tt_cpu_ops, i) = 0;
	for (i = 0; i < TLBF_NR_STATS; i++)
		tt.stat0[i] = tlbf_stat_sum(i);
	tt.start = jiffies;
	tt.deadline = tt.start + torture_duration * HZ;
	tt_print_params("Start of test");
	mutex_lock(&tt_text_lock);
	tt_state = TT_RUNNING;
	mutex_unlock(&tt_text_lock);
	wake_up_process(tt.ctl);
	return 0;
}

/* ---- debugfs `torture`: the state and the last end lines ---- */

static int tt_show(struct seq_file *m, void *v)
{
	static const char *const names[] = {
		[TT_IDLE] = "idle", [TT_RUNNING] = "running",
		[TT_DONE] = "done",
	};

	mutex_lock(&tt_text_lock);
	seq_printf(m, "state %s\n", names[tt_state]);
	if (tt_state == TT_RUNNING)
		seq_printf(m, "ops %llu failures %d\n", tt_total_ops(),
			   atomic_read(&tt.failures));
	if (tt_text)
		seq_puts(m, tt_text);
	mutex_unlock(&tt_text_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tt);

/**
 * tlbf_torture_init() - debugfs `torture`; start a run if torture=1
 * @root: the module's debugfs directory
 *
 * Return: 0, or (torture=1 only) -EINVAL for bad parameters, -ENOMEM, or
 * a kthread error: the module does not load with a torture it cannot run.
 */
int tlbf_torture_init(struct dentry *root)
{
	int ret;

	tt_state = TT_IDLE;
	debugfs_create_file("torture", 0400, root, NULL, &tt_fops);
	if (!torture)
		return 0;
	ret = tt_start();
	return ret;
}

/**
 * tlbf_torture_exit() - stop a run (it ends "STOPPED" unless its work was
 *	done) and free it
 *
 * Before the flusher layer goes: the teardown flushes.
 */
void tlbf_torture_exit(void)
{
	if (tt.ctl)
		kthread_stop(tt.ctl);
	tt.ctl = NULL;
	tt_put_strategies();
	kfree(tt_text);
	tt_text = NULL;
}
