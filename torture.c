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
 * torture pool after the teardown. The workers are in torture_worker.c,
 * the end of a run in torture_end.c.
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
#include "torture_internal.h"
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
static const unsigned int tt_default_weights[TT_NR_OPS] = {
	[TT_MAP] = 3, [TT_PROTECT] = 3, [TT_UNMAP] = 3, [TT_REMAP] = 2,
	[TT_FLUSH] = 2, [TT_ORACLE] = 1,
};

struct tt_run tlbf_tt;
DEFINE_PER_CPU(u64, tlbf_tt_cpu_ops);

/* ---- set-up, status, end ---- */

/* Drop the strategies the run holds. */
static void tt_put_strategies(void)
{
	while (tlbf_tt.nr_strats)
		tlbf_strategy_put(tlbf_tt.strat[--tlbf_tt.nr_strats]);
}

static int tt_parse_strategies(void)
{
	const struct tlbf_strategy *it = NULL, *s;
	char *list, *p, *name;

	tlbf_tt.nr_strats = 0;
	if (!*torture_strategies) {
		/* Every registered strategy (T: all), each one held. */
		while ((it = tlbf_strategy_get_next(it))) {
			s = tlbf_strategy_get(it->name);
			if (s && tlbf_tt.nr_strats < TT_MAX_STRATS)
				tlbf_tt.strat[tlbf_tt.nr_strats++] = s;
			else
				tlbf_strategy_put(s);
		}
		return tlbf_tt.nr_strats ? 0 : -EINVAL;
	}
	list = kstrdup(torture_strategies, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	p = list;
	while ((name = strsep(&p, ","))) {
		s = tlbf_strategy_get(name);
		if (!s || tlbf_tt.nr_strats == TT_MAX_STRATS) {
			pr_err("torture_strategies: unknown or too many: %s\n",
			       name);
			tlbf_strategy_put(s);
			tt_put_strategies();
			kfree(list);
			return -EINVAL;
		}
		tlbf_tt.strat[tlbf_tt.nr_strats++] = s;
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
		i = match_string(tlbf_tt_op_names, TT_NR_OPS, pair);
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
		tlbf_tt.weight[i] = sum;
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

	tlbf_tt.inject = TT_INJECT_NONE;
	if (!*torture_inject)
		return 0;
	if (!strcmp(torture_inject, "model")) {
		tlbf_tt.inject = TT_INJECT_MODEL;
		return 0;
	}
	p = tlbf_inject_parse(torture_inject);
	if (p < 0) {
		pr_err("torture_inject: unknown point %s\n", torture_inject);
		return -EINVAL;
	}
	tlbf_tt.inject = p;
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

	for (i = 0; i < tlbf_tt.nr_strats; i++)
		n += scnprintf(s + n, sizeof(s) - n, "%s%s", i ? "," : "",
			       tlbf_tt.strat[i]->name);
	pr_info("--- %s: duration=%u min_ops=%u nthreads=%u onoff_interval=%u min_onoff=%u stat_interval=%u max_pages=%u nmappers=%u strategies=%s weights=%u,%u,%u,%u,%u,%u inject=%s seed=%#llx\n",
		tag, torture_duration, torture_min_ops, tlbf_tt.nw,
		torture_onoff_interval, torture_min_onoff,
		torture_stat_interval, torture_max_pages, tlbf_tt.nm, s,
		tlbf_tt.weight[TT_MAP], tlbf_tt.weight[TT_PROTECT] - tlbf_tt.weight[TT_MAP],
		tlbf_tt.weight[TT_UNMAP] - tlbf_tt.weight[TT_PROTECT],
		tlbf_tt.weight[TT_REMAP] - tlbf_tt.weight[TT_UNMAP],
		tlbf_tt.weight[TT_FLUSH] - tlbf_tt.weight[TT_REMAP],
		tlbf_tt.weight[TT_ORACLE] - tlbf_tt.weight[TT_FLUSH],
		*torture_inject ? torture_inject : "none", tlbf_tt.seed);
}

static int tt_setup_mappers(void)
{
	unsigned long frames;
	unsigned int i;

	tlbf_tt.nm = min(torture_nmappers, tlbf_tt.nw);
	/* Mapped pages, as many pending, tables, raw issue_with frames. */
	frames = min_t(unsigned long, tlbf_tt.nw * TT_LANE_PAGES * 2 + 1024,
		       TLBF_POOL_MAX_FRAMES);
	tlbf_tt.pool = tlbf_pool_create(frames);
	if (IS_ERR(tlbf_tt.pool))
		return PTR_ERR(tlbf_tt.pool);
	for (i = 0; i < tlbf_tt.nm; i++) {
		tlbf_tt.m[i] = tlbf_mapper_create(tlbf_tt.pool);
		if (IS_ERR(tlbf_tt.m[i])) {
			int err = PTR_ERR(tlbf_tt.m[i]);

			tlbf_tt.m[i] = NULL;
			return err;
		}
	}
	for (i = 0; i < tlbf_tt.nw; i++) {
		struct tt_worker *w = &tlbf_tt.w[i];
		unsigned long base = i % tlbf_tt.nm % 2 ? TT_KERNEL_BASE :
				     TT_USER_BASE;

		w->id = i;
		w->m = tlbf_tt.m[i % tlbf_tt.nm];
		w->base = base + (TT_LANE_OFFSET +
				  (i / tlbf_tt.nm) * TT_LANE_PAGES) * PAGE_SIZE;
		w->model = kvzalloc(TT_LANE_PAGES, GFP_KERNEL);
		if (!w->model || !zalloc_cpumask_var(&w->targets, GFP_KERNEL))
			return -ENOMEM;
		prandom_seed_state(&w->rnd, tlbf_tt.seed + i);
	}
	return 0;
}

static void tt_free(void)
{
	unsigned int i;

	for (i = 0; tlbf_tt.w && i < tlbf_tt.nw; i++) {
		kvfree(tlbf_tt.w[i].model);
		free_cpumask_var(tlbf_tt.w[i].targets);
	}
	kfree(tlbf_tt.w);
	tlbf_tt.w = NULL;
	for (i = 0; i < TT_MAX_MAPPERS; i++) {
		if (tlbf_tt.m[i])
			tlbf_mapper_destroy(tlbf_tt.m[i]);
		tlbf_tt.m[i] = NULL;
	}
	if (!IS_ERR_OR_NULL(tlbf_tt.pool)) {
		tlbf_flusher_quiesce();
		tlbf_pool_quiesce();
		tlbf_pool_destroy(tlbf_tt.pool);
	}
	tlbf_tt.pool = NULL;
}

static void tt_stop_threads(void)
{
	unsigned int i;

	if (tlbf_tt.onoff)
		kthread_stop(tlbf_tt.onoff);
	tlbf_tt.onoff = NULL;
	for (i = 0; i < tlbf_tt.nw; i++) {
		if (tlbf_tt.w[i].task)
			kthread_stop(tlbf_tt.w[i].task);
		tlbf_tt.w[i].task = NULL;
	}
}

static bool tt_work_met(void)
{
	if (atomic_read(&tlbf_tt.workers_done) < tlbf_tt.nw)
		return false;
	return !torture_onoff_interval || READ_ONCE(tlbf_tt.onoff_gave_up) ||
	       atomic64_read(&tlbf_tt.onoff_cycles) >= torture_min_onoff;
}

static int tt_ctl_fn(void *arg)
{
	unsigned long next_stat = jiffies + torture_stat_interval * HZ;
	const char *verdict;
	bool stopped = false;
	unsigned int i;

	for (i = 0; i < tlbf_tt.nw; i++)
		wake_up_process(tlbf_tt.w[i].task);
	if (tlbf_tt.onoff)
		wake_up_process(tlbf_tt.onoff);
	for (;;) {
		schedule_timeout_interruptible(HZ / 5);
		if (kthread_should_stop()) {
			stopped = !tt_work_met();
			break;
		}
		if (tt_work_met())
			break;
		if (torture_stat_interval && time_after_eq(jiffies, next_stat)) {
			tlbf_tt_print_status();
			next_stat += torture_stat_interval * HZ;
		}
	}
	tt_stop_threads();
	tlbf_tt_print_status();
	verdict = tlbf_tt_end(stopped);
	tt_print_params(!strcmp(verdict, "FAILURE") ? "End of test: FAILURE" :
			!strcmp(verdict, "STOPPED") ? "End of test: STOPPED" :
			"End of test: SUCCESS");
	tt_free();
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}

static int tt_create_threads(void)
{
	unsigned int i;

	for (i = 0; i < tlbf_tt.nw; i++) {
		tlbf_tt.w[i].task = kthread_create(tlbf_tt_worker_fn, &tlbf_tt.w[i],
						   "tlbf_torture/%u", i);
		if (IS_ERR(tlbf_tt.w[i].task)) {
			int err = PTR_ERR(tlbf_tt.w[i].task);

			tlbf_tt.w[i].task = NULL;
			return err;
		}
		/* Start spread out; migrate at will afterwards. */
		set_cpus_allowed_ptr(tlbf_tt.w[i].task, cpumask_of(i % nr_cpu_ids));
		set_cpus_allowed_ptr(tlbf_tt.w[i].task, cpu_possible_mask);
	}
	if (torture_onoff_interval) {
		tlbf_tt.onoff = kthread_create(tlbf_tt_onoff_fn, NULL, "tlbf_torture_onoff");
		if (IS_ERR(tlbf_tt.onoff)) {
			int err = PTR_ERR(tlbf_tt.onoff);

			tlbf_tt.onoff = NULL;
			return err;
		}
	}
	tlbf_tt.ctl = kthread_create(tt_ctl_fn, NULL, "tlbf_torture_ctl");
	if (IS_ERR(tlbf_tt.ctl)) {
		int err = PTR_ERR(tlbf_tt.ctl);

		tlbf_tt.ctl = NULL;
		return err;
	}
	return 0;
}

static int tt_start(void)
{
	unsigned int i;
	int ret;

	tlbf_tt.nw = torture_nthreads < 0 ? num_online_cpus() : torture_nthreads;
	ret = tt_check_params();
	if (ret)
		return ret;
	tlbf_tt.seed = torture_seed ? torture_seed : get_random_u64();
	tlbf_tt.max_pages = torture_max_pages;
	tlbf_tt.min_ops = torture_min_ops;
	tlbf_tt.onoff_ms = torture_onoff_interval;
	tlbf_tt.w = kcalloc(tlbf_tt.nw, sizeof(*tlbf_tt.w), GFP_KERNEL);
	if (!tlbf_tt.w)
		return -ENOMEM;
	ret = tt_setup_mappers();
	if (!ret && tlbf_tt.inject >= 0)
		ret = tlbf_inject_set(tlbf_tt.inject, true);
	if (!ret)
		ret = tt_create_threads();
	if (ret) {
		pr_err("cannot start: %d\n", ret);
		tt_stop_threads();
		if (tlbf_tt.inject >= 0)
			tlbf_inject_set(tlbf_tt.inject, false);
		tt_free();
		return ret;
	}
	for_each_possible_cpu(i)
		per_cpu(tlbf_tt_cpu_ops, i) = 0;
	for (i = 0; i < TLBF_NR_STATS; i++)
		tlbf_tt.stat0[i] = tlbf_stat_sum(i);
	tlbf_tt.start = jiffies;
	tlbf_tt.deadline = tlbf_tt.start + torture_duration * HZ;
	tt_print_params("Start of test");
	tlbf_tt_set_running();
	wake_up_process(tlbf_tt.ctl);
	return 0;
}

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

	tlbf_tt_debugfs_init(root);
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
	if (tlbf_tt.ctl)
		kthread_stop(tlbf_tt.ctl);
	tlbf_tt.ctl = NULL;
	tt_put_strategies();
	tlbf_tt_text_free();
}
