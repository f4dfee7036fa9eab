// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: torture mode, the workers (see torture_internal.h). A worker
 * owns a lane of a shared mapper and a model of it (what translate must
 * say for each page). Each operation is a flusher session with a random
 * strategy and target set (FL2: the set may change before dispatch), and
 * every mapper result is compared with what the model expects (M2: the
 * errno, or all-or-nothing); the pages touched are translated again
 * after it. One worker at a time runs an oracle scenario instead.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": torture: " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/prandom.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "tlbflush/flusher.h"
#include "tlbflush/live.h"
#include "tlbflush/oracle.h"
#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"
#include "tlbflush/strategy.h"
#include "torture_internal.h"

const char *const tlbf_tt_op_names[TT_NR_OPS] = {
	[TT_MAP] = "map",
	[TT_PROTECT] = "protect",
	[TT_UNMAP] = "unmap",
	[TT_REMAP] = "remap",
	[TT_FLUSH] = "flush",
	[TT_ORACLE] = "oracle",
};

/* Count a failed check; print the first TT_MAX_FAIL_REPORTS. */
void tlbf_tt_err(const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (atomic_inc_return(&tlbf_tt.failures) > TT_MAX_FAIL_REPORTS)
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
	return tlbf_tt.strat[tt_rand(w) % tlbf_tt.nr_strats];
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
void tlbf_tt_verify(struct tt_worker *w, unsigned long i, unsigned long n,
		    const char *what)
{
	unsigned long end = i + n;
	phys_addr_t pa;
	u64 flags;
	u8 got;
	int err;

	for (; i < end; i++) {
		err = tlbf_mapper_translate(w->m, tlbf_tt_va(w, i), &pa, &flags);
		got = err ? 0 : TT_PRESENT;
		if (!err && (flags & TLBF_PTE_RW))
			got |= TT_RW;
		if (!err && (flags & TLBF_PTE_G))
			got |= TT_GLOBAL;
		if (err && err != -ENOENT)
			tlbf_tt_err("worker %u: translate %#lx: %d", w->id,
				    tlbf_tt_va(w, i), err);
		else if (got != w->model[i])
			tlbf_tt_err("worker %u after %s: page %#lx is %#x in the table, %#x in the model",
				    w->id, what, tlbf_tt_va(w, i), got, w->model[i]);
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
	tlbf_tt_err("worker %u: %s %#lx+%lu returned %d, the model expects %d",
		    w->id, call, tlbf_tt_va(w, i), n, err, expect);
	return false;
}

/* Hand a request to the flusher (M4); every request is consumed. */
void tlbf_tt_issue_req(struct tt_worker *w, struct tlbf_flusher *fl,
		       struct tlbf_flush_req *req)
{
	int err = tlbf_flusher_issue_req(fl, req);

	if (err) {
		tlbf_tt_err("worker %u: issue_req: %d", w->id, err);
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
		err = tlbf_mapper_map_range(w->m, tlbf_tt_va(w, i), n,
					    tt_flags(model));
		if (tt_expect(w, "map_range", i, n, err,
			      tt_all(w, i, n, false) ? 0 : -EEXIST) && !err)
			tt_set(w, i, n, model);
		return;
	}
	for (j = i; j < i + n; j++) {
		err = tlbf_mapper_map(w->m, tlbf_tt_va(w, j), tt_flags(model));
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

		err = tlbf_mapper_protect_range(w->m, tlbf_tt_va(w, i), n,
						tt_flags(model), &req);
		tlbf_tt_issue_req(w, fl, &req);
		if (tt_expect(w, "protect_range", i, n, err,
			      tt_all(w, i, n, true) ? 0 : -ENOENT) && !err)
			tt_set(w, i, n, model);
		return;
	}
	for (j = i; j < i + n; j++) {
		TLBF_FLUSH_REQ(req);

		err = tlbf_mapper_protect(w->m, tlbf_tt_va(w, j), tt_flags(model),
					  &req);
		tlbf_tt_issue_req(w, fl, &req);
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

		err = tlbf_mapper_unmap_range(w->m, tlbf_tt_va(w, i), n, parents,
					      &req);
		tlbf_tt_issue_req(w, fl, &req);
		if (tt_expect(w, "unmap_range", i, n, err,
			      tt_all(w, i, n, true) ? 0 : -ENOENT) && !err)
			tt_set(w, i, n, 0);
		return;
	}
	for (j = i; j < i + n; j++) {
		TLBF_FLUSH_REQ(req);

		err = tlbf_mapper_unmap(w->m, tlbf_tt_va(w, j), parents, &req);
		if (merge)
			tlbf_req_merge_all(&all, &req);
		else
			tlbf_tt_issue_req(w, fl, &req);
		if (tt_expect(w, "unmap", j, 1, err,
			      w->model[j] ? 0 : -ENOENT) && !err)
			w->model[j] = 0;
	}
	tlbf_tt_issue_req(w, fl, &all);
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
			if (tlbf_flusher_issue(fl, tlbf_op_page(tlbf_tt_va(w, j))))
				tlbf_tt_err("worker %u: issue page", w->id);
		return;
	case 1:
		op = tlbf_op_range(tlbf_tt_va(w, i), n);
		break;
	case 2:
		op = tlbf_op_all_for(w->base);
		break;
	default:
		op = tlbf_op_all_global();
		break;
	}
	f = tlbf_frame_alloc(tlbf_tt.pool, TLBF_FRAME_DATA, w);
	if (!f) {
		w->nomem++;
		if (tlbf_flusher_issue(fl, op))
			tlbf_tt_err("worker %u: issue %#lx", w->id, op.word);
		return;
	}
	tlbf_frame_set_pending(f);
	if (tlbf_flusher_issue_with(fl, op, f)) {
		tlbf_tt_err("worker %u: issue_with %#lx", w->id, op.word);
		tlbf_frame_put(f);
	}
}

/* One mapper or flush operation through one flusher session. */
static void tt_op_session(struct tt_worker *w, enum tt_op op)
{
	unsigned long n = tt_rand_pages(w, tlbf_tt.max_pages);
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
			tlbf_tt_err("worker %u: flusher_init: %d", w->id, err);
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
		tlbf_tt_err("worker %u: dispatch: %d", w->id, err);
	if (tt_rand(w) % 4) {
		err = tlbf_flusher_sync(&fl);
		if (err)
			tlbf_tt_err("worker %u: sync: %d", w->id, err);
	}
	tlbf_flusher_finish(&fl);
	this_cpu_inc(tlbf_tt_cpu_ops);
	migrate_enable();
	tlbf_tt_verify(w, i, n, tlbf_tt_op_names[op]);
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
		atomic64_inc(&tlbf_tt.oracle_skipped);
		return;
	}
	max = min_t(unsigned long, tlbf_tt.max_pages,
		    tlbf_live_size(lv) >> PAGE_SHIFT);
	p.strategy = tt_rand_strategy(w);
	p.targets = tt_rand(w) % TLBF_ORACLE_NR_TARGETS;
	p.change = tt_rand(w) % TLBF_ORACLE_NR_CHANGES;
	p.pages = tt_rand_pages(w, max);
	p.range = tt_rand(w) & 1;
	p.global = tt_rand(w) & 1;
	p.rounds = 1 + tt_rand(w) % 2;
	/* Also while the hotplug thread runs (oracle_setup.c: the helper). */
	p.offline = num_online_cpus() >= 3 && !(tt_rand(w) % 8);
	err = tlbf_oracle_run(&p, &r);
	this_cpu_inc(tlbf_tt_cpu_ops);
	atomic64_inc(&tlbf_tt.oracle_runs);
	atomic64_add(r.reads_checked, &tlbf_tt.reads);
	atomic64_add(r.stale_reads, &tlbf_tt.stale_reads);
	atomic64_add(r.stale_writes, &tlbf_tt.stale_writes);
	atomic64_add(r.violations, &tlbf_tt.violations);
	if (err == -ENOMEM)
		atomic64_inc(&tlbf_tt.oracle_nomem);
	else if (err)
		tlbf_tt_err("oracle strategy=%s targets=%s change=%s pages=%u: %d",
			    p.strategy->name,
			    tlbf_oracle_target_names[p.targets],
			    tlbf_oracle_change_names[p.change], p.pages, err);
	if (r.stale_reads || r.stale_writes || r.violations)
		tlbf_tt_err("oracle strategy=%s targets=%s change=%s pages=%u range=%d global=%d offline=%d: stale_reads=%llu stale_writes=%llu oracle_violations=%llu",
			    p.strategy->name,
			    tlbf_oracle_target_names[p.targets],
			    tlbf_oracle_change_names[p.change], p.pages, p.range,
			    p.global, p.offline, r.stale_reads, r.stale_writes,
			    r.violations);
}

static enum tt_op tt_rand_op(struct tt_worker *w)
{
	unsigned int r = tt_rand(w) % tlbf_tt.weight[TT_NR_OPS - 1];
	enum tt_op op = 0;

	while (r >= tlbf_tt.weight[op])
		op++;
	return op;
}

static void tt_one_op(struct tt_worker *w)
{
	enum tt_op op = tt_rand_op(w);

	if (op == TT_ORACLE) {
		/* One scenario at a time; the others do a flush meanwhile. */
		if (atomic_cmpxchg(&tlbf_tt.oracle_busy, 0, 1))
			op = TT_FLUSH;
	}
	if (op == TT_ORACLE) {
		tt_op_oracle(w);
		atomic_set(&tlbf_tt.oracle_busy, 0);
	} else {
		tt_op_session(w, op);
	}
	w->ops[op]++;
	WRITE_ONCE(w->done, w->done + 1);
	if (tlbf_tt.inject == TT_INJECT_MODEL && w->id == 0 && w->done == 1)
		w->model[0] ^= TT_PRESENT;	/* wrong on purpose */
}

int tlbf_tt_worker_fn(void *arg)
{
	struct tt_worker *w = arg;

	while (!kthread_should_stop()) {
		if (READ_ONCE(w->finished)) {
			schedule_timeout_interruptible(HZ / 10);
			continue;
		}
		tt_one_op(w);
		if (w->done >= tlbf_tt.min_ops &&
		    time_after_eq(jiffies, tlbf_tt.deadline)) {
			WRITE_ONCE(w->finished, true);
			atomic_inc(&tlbf_tt.workers_done);
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

int tlbf_tt_onoff_fn(void *arg)
{
	unsigned long delay = msecs_to_jiffies(tlbf_tt.onoff_ms);
	struct rnd_state rnd;
	int cpu, err, tries;

	prandom_seed_state(&rnd, tlbf_tt.seed ^ 0x0f0f);
	while (!kthread_should_stop()) {
		schedule_timeout_interruptible(delay);
		if (kthread_should_stop())
			break;
		cpu = tt_onoff_victim(&rnd);
		if (cpu < 0 || remove_cpu(cpu)) {
			atomic64_inc(&tlbf_tt.onoff_failed);
			continue;
		}
		schedule_timeout_uninterruptible(max(1UL, delay / 2));
		/* Never leave a CPU offline; the kernel may be busy a while. */
		for (tries = 0; (err = add_cpu(cpu)) && tries < 100; tries++)
			schedule_timeout_uninterruptible(HZ / 10);
		if (err) {
			tlbf_tt_err("cpu%d did not come back online: %d", cpu,
				    err);
			WRITE_ONCE(tlbf_tt.onoff_gave_up, true);
			break;
		}
		atomic64_inc(&tlbf_tt.onoff_cycles);
	}
	while (!kthread_should_stop())	/* the task must live until then */
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}
