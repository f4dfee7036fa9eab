// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the flusher object (Asterinas TlbFlusher semantics,
 * ARCHITECTURE.md FL1-FL12); see include/tlbflush/flusher.h for the API.
 *
 * This file is the strategy-independent part: binding to a CPU (FL1),
 * recording ops (FL3), taking over mapper requests (M4), preparing a
 * dispatch (read the target set, FL2; collect the frames into one batch
 * with a reference per target, FL4) and handing it to the flusher's
 * strategy (tlbflush/strategy.h), sync, and finish. The queues, IPIs and
 * waiting are in flush_queue.c, the strategies in strategies/.
 *
 * Frames given to issue_with() are collected at dispatch into a batch
 * holding one reference per target CPU; the last reference puts them
 * (tlbf_frame_put, which defers the return to the pool by an RCU grace
 * period). If the batch cannot be allocated, the dispatch makes every
 * target flush all and waits for it before putting the frames; that path
 * and finish's orphans are in flusher_fallback.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <trace/events/tlbflush.h>

#include "flusher_internal.h"
#include "tlbflush/flusher.h"
#include "tlbflush/inject.h"
#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"
#include "tlbflush/shadow.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"

/* Frames and ops of flushers finished where they could not dispatch. */

/**
 * tlbf_flusher_init() - make a flusher bound to this CPU (FL1)
 * @fl: the flusher, usually on the caller's stack
 * @targets: target set, updated by its owner with atomic bitops and read at
 *	each dispatch (FL2); must stay valid until tlbf_flusher_finish()
 * @strategy: a registered strategy (tlbf_strategy_get(), or a built-in
 *	such as &tlbf_strategy_async); must stay registered until finish
 *
 * Call with preemption or migration disabled, and keep it so until
 * tlbf_flusher_finish(). Allocates (GFP_ATOMIC) three cpumasks when a
 * cpumask is more than a long (over BITS_PER_LONG possible CPU ids); else
 * they are in @fl (no allocation, and under an emulator one page fewer
 * to walk to after a local flush).
 *
 * Return: 0; -EINVAL for a bad argument; -ENOMEM. On error @fl is unused.
 */
int tlbf_flusher_init(struct tlbf_flusher *fl, struct cpumask *targets,
		      const struct tlbf_strategy *strategy)
{
	char *masks;

	if (!fl || !targets || !strategy || !strategy->dispatch)
		return -EINVAL;
	if (cpumask_size() <= sizeof(fl->small[0]))
		masks = (char *)fl->small;
	else
		masks = kmalloc(3 * cpumask_size(), GFP_ATOMIC | __GFP_NOWARN);
	if (!masks)
		return -ENOMEM;
	tlbf_ops_init_threshold(&fl->ops, strategy->threshold);
	fl->frames = NULL;
	fl->targets = targets;
	fl->ipi_mask = (struct cpumask *)masks;
	fl->waitset = (struct cpumask *)(masks + cpumask_size());
	fl->pending = (struct cpumask *)(masks + 2 * cpumask_size());
	cpumask_clear(fl->waitset);
	fl->cpu = raw_smp_processor_id();
	fl->strategy = strategy;
	return 0;
}
EXPORT_SYMBOL_GPL(tlbf_flusher_init);

bool __tlbf_hot tlbf_flusher_check_cpu(struct tlbf_flusher *fl)
{
	if (likely(fl->cpu == raw_smp_processor_id()))
		return true;
	tlbf_report_misuse(TLBF_STAT_MISUSE_WRONG_CPU,
			   "flusher of cpu%d used on cpu%d (FL1)", fl->cpu,
			   raw_smp_processor_id());
	return false;
}

static void __tlbf_hot tlbf_count_issue(struct tlbf_op op)
{
	if (tlbf_op_is_all(op))
		tlbf_stat_inc(TLBF_STAT_OPS_ISSUED_ALL);
	else if (tlbf_op_nr_pages(op) == 1)
		tlbf_stat_inc(TLBF_STAT_OPS_ISSUED_SINGLE);
	else
		tlbf_stat_inc(TLBF_STAT_OPS_ISSUED_RANGE);
}

/**
 * tlbf_flusher_issue() - record a flush; nothing is flushed yet (FL3)
 * @fl: the flusher
 * @op: a valid op (tlbf_op_all/page/range)
 *
 * Return: 0; -EINVAL (nothing recorded) for an invalid op or the wrong CPU.
 */
int __tlbf_hot tlbf_flusher_issue(struct tlbf_flusher *fl, struct tlbf_op op)
{
	if (!tlbf_op_valid(op) || !tlbf_flusher_check_cpu(fl))
		return -EINVAL;
	tlbf_count_issue(op);
	tlbf_ops_push(&fl->ops, op);
	trace_tlbflush_issue(fl, op);
	return 0;
}
EXPORT_SYMBOL_GPL(tlbf_flusher_issue);

/**
 * tlbf_flusher_issue_with() - record a flush and a frame to free after it
 * @fl: the flusher
 * @op: a valid op
 * @pending_frame: a frame in state TLBF_FRAME_PENDING (tlbf_frame_set_pending)
 *	whose reference the flusher takes over
 *
 * The frame returns to its pool only after every CPU targeted at the next
 * dispatch performed the flush, and after an RCU grace period (FL4).
 *
 * Return: 0; -EINVAL (nothing recorded, the caller keeps the frame) for an
 * invalid op, a frame that is not PENDING, or the wrong CPU.
 */
int tlbf_flusher_issue_with(struct tlbf_flusher *fl, struct tlbf_op op,
			    struct tlbf_frame *pending_frame)
{
	if (!pending_frame ||
	    READ_ONCE(pending_frame->state) != TLBF_FRAME_PENDING)
		return -EINVAL;
	if (tlbf_flusher_issue(fl, op))
		return -EINVAL;
	pending_frame->next = fl->frames;
	fl->frames = pending_frame;
	return 0;
}
EXPORT_SYMBOL_GPL(tlbf_flusher_issue_with);

/**
 * tlbf_flusher_issue_req() - take over a mapper flush request (M4)
 * @fl: the flusher
 * @req: a request; a page request becomes a single op, a range a range op
 *	(the stack makes it flush all from its threshold up, FL6), all flush
 *	all; its frames are issued as with tlbf_flusher_issue_with(). @req is
 *	then consumed.
 *
 * Return: 0 (also for a request that is not live); -EINVAL (request left
 * as it was) for a malformed request or the wrong CPU.
 */
int tlbf_flusher_issue_req(struct tlbf_flusher *fl, struct tlbf_flush_req *req)
{
	struct tlbf_frame *f, *last = NULL;
	struct tlbf_op op;

	if (!req)
		return -EINVAL;
	if (!tlbf_req_live(req))
		return 0;
	switch (req->kind) {
	case TLBF_REQ_PAGE:
		op = tlbf_op_page(req->va);
		break;
	case TLBF_REQ_RANGE:
		op = tlbf_op_range(req->va, req->nr_pages);
		break;
	default:	/* ALL, or frames without an op: be conservative (FL5) */
		op = tlbf_op_all_global();
		break;
	}
	for (f = req->frames; f; f = f->next) {
		if (READ_ONCE(f->state) != TLBF_FRAME_PENDING)
			return -EINVAL;
		last = f;
	}
	if (tlbf_flusher_issue(fl, op))
		return -EINVAL;
	if (last) {
		last->next = fl->frames;
		fl->frames = req->frames;
		req->frames = NULL;
	}
	tlbf_req_consume(req);
	return 0;
}
EXPORT_SYMBOL_GPL(tlbf_flusher_issue_req);

/* Can this context send IPIs with smp_call_function_many()? */
static bool __tlbf_hot tlbf_can_ipi(void)
{
	return !irqs_disabled() && in_task();
}

/*
 * FL7. Preemption disabled by the caller. Returns -EDEADLK (nothing
 * changed) if remote targets exist but this context cannot send IPIs.
 */
static int __tlbf_hot __tlbf_flusher_dispatch(struct tlbf_flusher *fl)
{
	const struct tlbf_strategy *s = fl->strategy;
	struct tlbf_dispatch d = {
		.remote = fl->ipi_mask, .ops = &fl->ops,
		.self = smp_processor_id(),
	};
	struct tlbf_frame *frames = fl->frames;
	unsigned int nr_remote, refs;
	int err;

	/*
	 * FL2: the target set is read now. Online CPUs cannot go away
	 * while preemption is disabled (stop_machine).
	 *
	 * The full barrier orders the caller's page-table stores (the
	 * changes these ops flush) before the load of the target set: a CPU
	 * that joins the set (atomic bitop, then a full barrier, as an mm's
	 * activate() does) before loading a translation either is seen
	 * here, or loads the new entry. Without it, the store could sit in
	 * this CPU's store buffer while the set is read without the joiner
	 * (store-load reordering), and the joiner would cache the old entry
	 * with nobody flushing it. Asterinas pairs an ordered cpuset load
	 * with activate() for the same reason.
	 */
	smp_mb();
	cpumask_and(d.remote, fl->targets, cpu_online_mask);
	d.local = cpumask_test_cpu(d.self, d.remote);
	__cpumask_clear_cpu(d.self, d.remote);
	if (s->widen)
		s->widen(fl, d.remote);
	nr_remote = cpumask_weight(d.remote);
	if (nr_remote && tlbf_inject(TLBF_INJ_DROP_TARGET)) {
		/* Wrong on purpose: the last remote target is forgotten. */
		__cpumask_clear_cpu(cpumask_last(d.remote), d.remote);
		nr_remote--;
	}

	if (nr_remote && !tlbf_can_ipi()) {
		tlbf_report_misuse(TLBF_STAT_DISPATCH_REFUSED,
				   "dispatch to %u remote CPUs with IRQs disabled or outside task context",
				   nr_remote);
		return -EDEADLK;
	}

	refs = nr_remote + d.local;
	fl->frames = NULL;
	if (!refs) {
		/* No CPU targeted: nothing to flush; frames wait only for RCU. */
		tlbf_put_frames(frames);
		tlbf_ops_init_threshold(&fl->ops, s->threshold);
		return 0;
	}
	if (frames && tlbf_inject(TLBF_INJ_EARLY_RELEASE)) {
		/* Wrong on purpose: released before any target flushed. */
		tlbf_put_frames(frames);
		frames = NULL;
	}
	if (frames) {
		d.batch = tlbf_batch_alloc(frames, refs, nr_remote);
		if (!d.batch) {
			tlbf_dispatch_fallback(&d, frames);
			frames = NULL;
		}
	}

	tlbf_stat_inc(TLBF_STAT_DISPATCHES);
	trace_tlbflush_dispatch(fl, &d);
	err = s->dispatch(fl, &d);
	trace_tlbflush_dispatch_done(&d, err);
	if (WARN_ON_ONCE(err) && d.batch)
		tlbf_batch_put(d.batch);	/* a strategy bug: do not leak */
	/*
	 * The stack keeps the strategy's threshold: not reading @s again
	 * after a local flush saves a page walk under an emulator.
	 */
	tlbf_ops_init_threshold(&fl->ops, fl->ops.threshold);
	return err;
}

/**
 * tlbf_flusher_wait() - wait for the queues of this flusher's targets
 * @fl: the flusher
 *
 * Every CPU that a queued delivery of @fl reached since the last wait has
 * performed what it was given (or is offline). Preemption disabled, IRQs
 * enabled. The default sync of a strategy.
 */
void __tlbf_hot tlbf_flusher_wait(struct tlbf_flusher *fl)
{
	u64 t0 = tlbf_hist_clock();

	tlbf_wait_mask(fl->waitset);
	cpumask_clear(fl->waitset);
	tlbf_hist_since(TLBF_HIST_SYNC_WAIT_NS, t0);
}
EXPORT_SYMBOL_GPL(tlbf_flusher_wait);

/**
 * tlbf_flusher_dispatch() - start every issued flush (FL7)
 * @fl: the flusher
 *
 * Reads the target set and hands the ops to the flusher's strategy, which
 * delivers them to every online remote target and performs them on this
 * CPU if it is a target. Whether it waits depends on the strategy
 * (TLBF_STRAT_F_WAITS). Nothing issued: nothing done.
 *
 * Return: 0; -EINVAL on the wrong CPU; -EDEADLK if remote CPUs must be
 * interrupted but IRQs are disabled or this is not task context (counted
 * in dispatch_refused and reported; the ops stay issued); a strategy's
 * error.
 */
int __tlbf_hot tlbf_flusher_dispatch(struct tlbf_flusher *fl)
{
	bool waits = fl->strategy->flags & TLBF_STRAT_F_WAITS;
	u64 t0;
	int err;

	if (!tlbf_flusher_check_cpu(fl))
		return -EINVAL;
	if (tlbf_ops_empty(&fl->ops) && !fl->frames)
		return 0;	/* nothing issued: not a dispatch */
	preempt_disable();
	t0 = tlbf_hist_clock();
	err = __tlbf_flusher_dispatch(fl);
	if (!err) {
		tlbf_hist_since(TLBF_HIST_DISPATCH_NS, t0);
		if (waits)
			tlbf_stat_inc(TLBF_STAT_SYNCS);
	}
	preempt_enable();
	return err;
}
EXPORT_SYMBOL_GPL(tlbf_flusher_dispatch);

/**
 * tlbf_flusher_sync() - wait for every earlier dispatch to complete (FL9)
 * @fl: the flusher
 *
 * Waits until each CPU targeted by this flusher's dispatches since the last
 * sync has performed them, or is offline (FL10), as the strategy defines
 * it. Does not dispatch. A CPU that takes longer than slow_cpu_ms is
 * reported (FL11) and waited for.
 *
 * Return: 0; -EINVAL on the wrong CPU; -EDEADLK with IRQs disabled (the
 * remote flushes run in IRQs: two CPUs could wait for each other), counted
 * in sync_refused_irqs_off and reported as misuse.
 */
int __tlbf_hot tlbf_flusher_sync(struct tlbf_flusher *fl)
{
	int err = 0;

	if (irqs_disabled()) {
		tlbf_report_misuse(TLBF_STAT_SYNC_REFUSED_IRQS_OFF,
				   "sync with IRQs disabled on cpu%d (FL9)",
				   raw_smp_processor_id());
		return -EDEADLK;
	}
	if (!tlbf_flusher_check_cpu(fl))
		return -EINVAL;
	tlbf_stat_inc(TLBF_STAT_SYNCS);
	preempt_disable();
	trace_tlbflush_sync_begin(fl);
	if (fl->strategy->sync)
		err = fl->strategy->sync(fl);
	else
		tlbf_flusher_wait(fl);
	trace_tlbflush_sync_end(err);
	preempt_enable();
	return err;
}
EXPORT_SYMBOL_GPL(tlbf_flusher_sync);

/**
 * tlbf_flusher_finish() - end the flusher
 * @fl: the flusher
 *
 * Ops still issued are dispatched, so no flush and no frame is lost; it
 * does not wait for earlier dispatches (sync first for that). If they
 * cannot be dispatched here (IRQs disabled), the misuse is reported and a
 * work item makes every online CPU flush all before the frames are put.
 */
void tlbf_flusher_finish(struct tlbf_flusher *fl)
{
	tlbf_flusher_check_cpu(fl);
	if (!tlbf_ops_empty(&fl->ops) || fl->frames) {
		if (tlbf_flusher_dispatch(fl)) {
			/* Reported by dispatch; defer a global flush. */
			tlbf_flusher_orphan(fl->frames);
			fl->frames = NULL;
		}
	}
	if ((void *)fl->ipi_mask != (void *)fl->small)
		kfree(fl->ipi_mask);
	fl->ipi_mask = NULL;
	fl->waitset = NULL;
	fl->pending = NULL;
}
EXPORT_SYMBOL_GPL(tlbf_flusher_finish);
