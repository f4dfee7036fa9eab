// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the flusher (Asterinas TlbFlusher semantics, ARCHITECTURE.md
 * FL1-FL12). See include/tlbflush/flusher.h for the API.
 *
 * Per-CPU queues: every CPU has a &struct tlbf_queue, protected by a raw
 * spinlock because its IPI handler takes it. A dispatch merges the flusher's
 * ops into the queue of each remote target (threshold rule), links a
 * reference to the dispatch's frame batch, bumps the queue's enqueue
 * sequence number and, unless an IPI to that CPU is already in flight (it
 * will pick the new ops up: "coalesced"), marks one in flight and sends it.
 * smp_call_function_many(..., wait=false) uses the kernel's per-CPU csd
 * storage, which requires the sender to be a task with preemption disabled
 * and IRQs enabled; the mask passed is the flusher's own scratch mask, only
 * read during the call.
 *
 * The handler swaps the queue out under the lock, performs the ops (invlpg
 * per page or a CR3 reload), drops its batch references and publishes the
 * swapped sequence number as done_seq (release). sync() waits, with
 * acquire loads, until done_seq of every CPU it dispatched to reaches the
 * enqueue sequence number read at sync time, skipping offline CPUs.
 *
 * Invariant (debugfs): every IPI marked in flight either runs the handler
 * (ipis_received) or is accounted by the CPU-dead hotplug callback
 * (queues_drained_offline), so ipis_sent == ipis_received +
 * queues_drained_offline whenever no flush is in flight.
 *
 * Frames given to issue_with() are collected in a &struct tlbf_batch at
 * dispatch, holding one reference per target CPU; the last reference puts
 * the frames (tlbf_frame_put, which defers the return to the pool by an RCU
 * grace period). If the batch cannot be allocated, dispatch waits for its
 * targets itself and puts the frames then.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/export.h>
#include <linux/lockdep.h>
#include <linux/irqflags.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "tlbflush/flusher.h"
#include "tlbflush/inject.h"
#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"
#include "tlbflush/shadow.h"
#include "tlbflush/stats.h"

/* TLBF_INJ_EARLY_ACK: how long the flush lags behind its ack. */
#define TLBF_INJ_EARLY_ACK_MS	5

unsigned int tlbf_slow_cpu_ms = 1000;
EXPORT_SYMBOL_GPL(tlbf_slow_cpu_ms);
module_param_named(slow_cpu_ms, tlbf_slow_cpu_ms, uint, 0644);
MODULE_PARM_DESC(slow_cpu_ms,
		 "Report a CPU that has not completed a flush after this many ms (FL11; 0 = never)");

/**
 * struct tlbf_batch_link - a target CPU's reference to a frame batch
 * @next: next link in the target queue's list
 * @batch: the batch
 */
struct tlbf_batch_link {
	struct tlbf_batch_link *next;
	struct tlbf_batch *batch;
};

/**
 * struct tlbf_batch - frames of one dispatch, freed after all its targets
 * @refs: targets that have not flushed yet
 * @frames: PENDING frames (->next list), one reference each
 * @link: one per remote target
 */
struct tlbf_batch {
	atomic_t refs;
	struct tlbf_frame *frames;
	struct tlbf_batch_link link[];
};

/**
 * struct tlbf_queue - one CPU's queue of flushes dispatched to it
 * @lock: protects every field but @done_seq; taken in IPI context
 * @ipi_inflight: an IPI was sent and its handler has not swapped yet
 * @ops: ops to perform
 * @links: batch references to drop after performing @ops
 * @enq_seq: number of merges into this queue
 * @done_seq: @enq_seq value of the last swap performed (release store)
 */
struct tlbf_queue {
	raw_spinlock_t lock;
	bool ipi_inflight;
	struct tlbf_ops ops;
	struct tlbf_batch_link *links;
	u64 enq_seq;
	u64 done_seq;
};

static DEFINE_PER_CPU_ALIGNED(struct tlbf_queue, tlbf_queues);

static enum cpuhp_state tlbf_cpuhp_state;

/* The stack "flush all non-global", merged into remote queues by broadcast. */
static const struct tlbf_ops tlbf_ops_all_local = { .all = true };

/* Frames and ops of flushers finished where they could not dispatch. */
static DEFINE_RAW_SPINLOCK(tlbf_orphan_lock);
static struct tlbf_frame *tlbf_orphan_frames;
static bool tlbf_orphan_flush;
static void tlbf_orphan_workfn(struct work_struct *work);
static DECLARE_WORK(tlbf_orphan_work, tlbf_orphan_workfn);

static const char *const tlbf_strategy_names[TLBF_NR_STRATEGIES] = {
	[TLBF_STRAT_ASYNC] = "async",
	[TLBF_STRAT_SYNC] = "sync",
	[TLBF_STRAT_BROADCAST] = "broadcast",
};

/**
 * tlbf_strategy_name() - name of a strategy
 * @s: the strategy
 *
 * Return: "async", "sync", "broadcast" or "?" for a bad value.
 */
const char *tlbf_strategy_name(enum tlbf_strategy s)
{
	if ((unsigned int)s >= TLBF_NR_STRATEGIES)
		return "?";
	return tlbf_strategy_names[s];
}
EXPORT_SYMBOL_GPL(tlbf_strategy_name);

/**
 * tlbf_strategy_parse() - strategy of a name
 * @name: "async", "sync" or "broadcast"
 *
 * Return: the &enum tlbf_strategy, -EINVAL for an unknown name.
 */
int tlbf_strategy_parse(const char *name)
{
	int i = match_string(tlbf_strategy_names, TLBF_NR_STRATEGIES, name);

	return i < 0 ? -EINVAL : i;
}
EXPORT_SYMBOL_GPL(tlbf_strategy_parse);

/*
 * Execute @ops on this CPU with the real instructions (noted in the
 * oracle's shadow TLB, which also holds the stack to FL6).
 */
static void tlbf_ops_perform(const struct tlbf_ops *ops)
{
	unsigned int i;
	unsigned long p, nr;

	tlbf_shadow_note_stack(ops->all, ops->nr_pages);
	if (ops->all) {
		tlbf_tlb_flush_all(ops->global &&
				   !tlbf_inject(TLBF_INJ_ALL_KEEPS_GLOBAL));
		tlbf_stat_inc(TLBF_STAT_FULL_FLUSHES);
		return;
	}
	for (i = 0; i < ops->nr_ops; i++) {
		nr = tlbf_op_nr_pages(ops->ops[i]);
		for (p = 0; p < nr; p++)
			tlbf_tlb_flush_page(tlbf_op_va(ops->ops[i]) +
					    p * TLBF_PAGE_SIZE);
	}
	if (ops->nr_pages)
		tlbf_stat_add(TLBF_STAT_PAGES_INVALIDATED, ops->nr_pages);
}

static void tlbf_put_frames(struct tlbf_frame *f)
{
	struct tlbf_frame *next;

	while (f) {
		next = f->next;
		f->next = NULL;
		tlbf_frame_put(f);
		f = next;
	}
}

static void tlbf_batch_put(struct tlbf_batch *b)
{
	if (atomic_dec_and_test(&b->refs)) {
		tlbf_put_frames(b->frames);
		kfree(b);
	}
}

static void tlbf_put_links(struct tlbf_batch_link *l)
{
	struct tlbf_batch_link *next;

	while (l) {
		next = l->next;
		tlbf_batch_put(l->batch);	/* may free @l */
		l = next;
	}
}

/* A batch of @frames with @refs references and room for @nr_links links. */
static struct tlbf_batch *tlbf_batch_alloc(struct tlbf_frame *frames,
					   unsigned int refs,
					   unsigned int nr_links)
{
	struct tlbf_batch *batch;

	batch = kmalloc(struct_size(batch, link, nr_links),
			GFP_ATOMIC | __GFP_NOWARN);
	if (batch) {
		atomic_set(&batch->refs, refs);
		batch->frames = frames;
	}
	return batch;
}

/*
 * FL7: merge @ops into @cpu's queue (threshold rule), add @link (if any) to
 * its batch references and bump its enqueue sequence number. Returns
 * whether an IPI must be sent: none was in flight, one is now marked so.
 */
static bool tlbf_queue_enqueue(int cpu, const struct tlbf_ops *ops,
			       struct tlbf_batch_link *link)
{
	struct tlbf_queue *q = per_cpu_ptr(&tlbf_queues, cpu);
	unsigned long flags;
	bool need_ipi;

	raw_spin_lock_irqsave(&q->lock, flags);
	tlbf_ops_merge(&q->ops, ops);
	if (link) {
		link->next = q->links;
		q->links = link;
	}
	q->enq_seq++;
	need_ipi = !q->ipi_inflight;
	q->ipi_inflight = true;
	raw_spin_unlock_irqrestore(&q->lock, flags);
	return need_ipi;
}

/*
 * Take everything out of @q. Caller holds q->lock. Returns whether an IPI
 * was in flight; the caller publishes *seq as done_seq after the work.
 */
static bool tlbf_queue_swap(struct tlbf_queue *q, struct tlbf_ops *ops,
			    struct tlbf_batch_link **links, u64 *seq)
{
	bool inflight = q->ipi_inflight;

	lockdep_assert_held(&q->lock);
	tlbf_ops_copy(ops, &q->ops);
	tlbf_ops_init(&q->ops);
	*links = q->links;
	q->links = NULL;
	*seq = q->enq_seq;
	q->ipi_inflight = false;
	return inflight;
}

/* FL8: the IPI handler, IRQs disabled, on the target CPU. */
static void tlbf_ipi_handler(void *info)
{
	struct tlbf_queue *q = this_cpu_ptr(&tlbf_queues);
	struct tlbf_batch_link *links;
	struct tlbf_ops ops;
	u64 seq;

	tlbf_stat_inc(TLBF_STAT_IPIS_RECEIVED);
	raw_spin_lock(&q->lock);
	tlbf_queue_swap(q, &ops, &links, &seq);
	raw_spin_unlock(&q->lock);

	if (tlbf_inject(TLBF_INJ_EARLY_ACK)) {
		/* Wrong on purpose: done before flushed, then a slow flush. */
		smp_store_release(&q->done_seq, seq);
		mdelay(TLBF_INJ_EARLY_ACK_MS);
		tlbf_ops_perform(&ops);
		tlbf_put_links(links);
		return;
	}
	if (!tlbf_inject(TLBF_INJ_SKIP_OPS))
		tlbf_ops_perform(&ops);
	tlbf_put_links(links);
	/* Pairs with the acquire in tlbf_wait_cpu(): flushed, then done. */
	smp_store_release(&q->done_seq, seq);
}

/* FL10: @cpu is dead; complete its queue without flushing anything. */
static int tlbf_cpu_dead(unsigned int cpu)
{
	struct tlbf_queue *q = per_cpu_ptr(&tlbf_queues, cpu);
	struct tlbf_batch_link *links;
	struct tlbf_ops ops;
	unsigned long flags;
	bool inflight;
	u64 seq;

	if (tlbf_inject(TLBF_INJ_SKIP_OFFLINE_DRAIN))
		return 0;	/* wrong on purpose: the queue stays as it was */
	raw_spin_lock_irqsave(&q->lock, flags);
	inflight = tlbf_queue_swap(q, &ops, &links, &seq);
	raw_spin_unlock_irqrestore(&q->lock, flags);

	if (inflight) {
		tlbf_stat_inc(TLBF_STAT_QUEUES_DRAINED_OFFLINE);
		pr_info("cpu%u went offline with a flush queued (%u pages%s): drained\n",
			cpu, ops.nr_pages, ops.all ? ", all" : "");
	}
	tlbf_put_links(links);
	/* Pairs with the acquire in tlbf_wait_cpu(). */
	smp_store_release(&q->done_seq, seq);
	return 0;
}

/*
 * Wait until @cpu completed the flush numbered @seq, or went offline.
 * Preemption disabled, IRQs enabled. Reports a slow CPU (FL11).
 */
static void tlbf_wait_cpu(int cpu, u64 seq, u64 start)
{
	struct tlbf_queue *q = per_cpu_ptr(&tlbf_queues, cpu);
	u64 bound = (u64)READ_ONCE(tlbf_slow_cpu_ms) * NSEC_PER_MSEC;
	u64 next = bound, now;

	/* Pairs with the release in the handler: its flush happened before. */
	while (smp_load_acquire(&q->done_seq) < seq) {
		if (!cpu_online(cpu))
			return;
		cpu_relax();
		if (!bound)
			continue;
		now = local_clock() - start;
		if (now < next)
			continue;
		tlbf_stat_inc(TLBF_STAT_SLOW_CPU_REPORTS);
		pr_warn("cpu%d has not completed flush #%llu after %llu ms (done #%llu, queued %u pages%s, ipi in flight %d) waiting on cpu%d\n",
			cpu, seq, div_u64(now, NSEC_PER_MSEC),
			READ_ONCE(q->done_seq), READ_ONCE(q->ops.nr_pages),
			READ_ONCE(q->ops.all) ? " + all" : "",
			READ_ONCE(q->ipi_inflight), smp_processor_id());
		next += bound;
	}
}

/* Wait for every CPU of @mask (preemption disabled, IRQs enabled). */
static void tlbf_wait_mask(const struct cpumask *mask)
{
	u64 start = local_clock();
	int cpu;

	for_each_cpu(cpu, mask)
		tlbf_wait_cpu(cpu,
			      READ_ONCE(per_cpu_ptr(&tlbf_queues, cpu)->enq_seq),
			      start);
}

static bool tlbf_flusher_check_cpu(struct tlbf_flusher *fl)
{
	if (likely(fl->cpu == raw_smp_processor_id()))
		return true;
	tlbf_report_misuse(TLBF_STAT_MISUSE_WRONG_CPU,
			   "flusher of cpu%d used on cpu%d (FL1)", fl->cpu,
			   raw_smp_processor_id());
	return false;
}

/**
 * tlbf_flusher_init() - make a flusher bound to this CPU (FL1)
 * @fl: the flusher, usually on the caller's stack
 * @targets: target set, updated by its owner with atomic bitops and read at
 *	each dispatch (FL2); must stay valid until tlbf_flusher_finish()
 * @strategy: &enum tlbf_strategy
 *
 * Call with preemption or migration disabled, and keep it so until
 * tlbf_flusher_finish(). Allocates (GFP_ATOMIC) two cpumasks.
 *
 * Return: 0; -EINVAL for a bad argument; -ENOMEM. On error @fl is unused.
 */
int tlbf_flusher_init(struct tlbf_flusher *fl, struct cpumask *targets,
		      enum tlbf_strategy strategy)
{
	char *masks;

	if (!fl || !targets || (unsigned int)strategy >= TLBF_NR_STRATEGIES)
		return -EINVAL;
	masks = kmalloc(2 * cpumask_size(), GFP_ATOMIC | __GFP_NOWARN);
	if (!masks)
		return -ENOMEM;
	tlbf_ops_init(&fl->ops);
	fl->frames = NULL;
	fl->targets = targets;
	fl->ipi_mask = (struct cpumask *)masks;
	fl->waitset = (struct cpumask *)(masks + cpumask_size());
	cpumask_clear(fl->waitset);
	fl->cpu = raw_smp_processor_id();
	fl->strategy = strategy;
	return 0;
}
EXPORT_SYMBOL_GPL(tlbf_flusher_init);

static void tlbf_count_issue(struct tlbf_op op)
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
int tlbf_flusher_issue(struct tlbf_flusher *fl, struct tlbf_op op)
{
	if (!tlbf_op_valid(op) || !tlbf_flusher_check_cpu(fl))
		return -EINVAL;
	tlbf_count_issue(op);
	tlbf_ops_push(&fl->ops, op);
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
 *	(flush all from the threshold up), all flush all; its frames are
 *	issued as with tlbf_flusher_issue_with(). @req is then consumed.
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
static bool tlbf_can_ipi(void)
{
	return !irqs_disabled() && in_task();
}

/*
 * FL7. Preemption disabled by the caller. Returns -EDEADLK (nothing
 * changed) if remote targets exist but this context cannot send IPIs.
 * *wait_frames receives frames the caller must put after waiting for
 * fl->waitset (batch allocation failed).
 */
static int __tlbf_flusher_dispatch(struct tlbf_flusher *fl,
				   struct tlbf_frame **wait_frames)
{
	struct cpumask *ipi = fl->ipi_mask;
	int self = smp_processor_id();
	const struct tlbf_ops *remote_ops = &fl->ops;
	struct tlbf_batch *batch = NULL;
	unsigned int nr_remote, refs, i = 0, sent;
	bool local;
	int cpu;

	*wait_frames = NULL;
	if (tlbf_ops_empty(&fl->ops) && !fl->frames)
		return 0;

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
	cpumask_and(ipi, fl->targets, cpu_online_mask);
	local = cpumask_test_cpu(self, ipi);
	if (fl->strategy == TLBF_STRAT_BROADCAST) {
		cpumask_copy(ipi, cpu_online_mask);
		remote_ops = fl->ops.global ? &tlbf_ops_all_global :
					      &tlbf_ops_all_local;
	}
	__cpumask_clear_cpu(self, ipi);
	nr_remote = cpumask_weight(ipi);
	if (nr_remote && tlbf_inject(TLBF_INJ_DROP_TARGET)) {
		/* Wrong on purpose: the last remote target is forgotten. */
		__cpumask_clear_cpu(cpumask_last(ipi), ipi);
		nr_remote--;
	}

	if (nr_remote && !tlbf_can_ipi()) {
		tlbf_report_misuse(TLBF_STAT_DISPATCH_REFUSED,
				   "dispatch to %u remote CPUs with IRQs disabled or outside task context",
				   nr_remote);
		return -EDEADLK;
	}

	refs = nr_remote + local;
	if (!refs) {
		/* No CPU targeted: nothing to flush; frames wait only for RCU. */
		tlbf_put_frames(fl->frames);
		fl->frames = NULL;
		tlbf_ops_init(&fl->ops);
		return 0;
	}
	if (fl->frames && tlbf_inject(TLBF_INJ_EARLY_RELEASE)) {
		/* Wrong on purpose: released before any target flushed. */
		tlbf_put_frames(fl->frames);
		fl->frames = NULL;
	}
	if (fl->frames) {
		batch = tlbf_batch_alloc(fl->frames, refs, nr_remote);
		if (!batch) {
			tlbf_stat_inc(TLBF_STAT_FRAMES_SYNC_FALLBACK);
			*wait_frames = fl->frames;
		}
	}
	fl->frames = NULL;

	tlbf_stat_inc(TLBF_STAT_DISPATCHES);
	for_each_cpu(cpu, ipi) {
		struct tlbf_batch_link *link = NULL;
		bool need_ipi;

		if (batch) {
			link = &batch->link[i++];
			link->batch = batch;
		}
		need_ipi = tlbf_queue_enqueue(cpu, remote_ops, link);

		cpumask_set_cpu(cpu, fl->waitset);
		if (!need_ipi) {
			__cpumask_clear_cpu(cpu, ipi);
			tlbf_stat_inc(TLBF_STAT_IPIS_COALESCED);
		}
	}

	sent = cpumask_weight(ipi);
	if (sent) {
		tlbf_stat_add(TLBF_STAT_IPIS_SENT, sent);
		smp_call_function_many(ipi, tlbf_ipi_handler, NULL, false);
	}

	/* The local flush overlaps the remote ones. */
	if (local) {
		tlbf_ops_perform(&fl->ops);
		tlbf_stat_inc(TLBF_STAT_LOCAL_FLUSHES);
		if (batch)
			tlbf_batch_put(batch);
	}
	tlbf_ops_init(&fl->ops);
	return 0;
}

static void tlbf_flusher_wait(struct tlbf_flusher *fl)
{
	u64 t0 = local_clock();

	tlbf_wait_mask(fl->waitset);
	cpumask_clear(fl->waitset);
	tlbf_hist_record(TLBF_HIST_SYNC_WAIT_NS, local_clock() - t0);
}

/**
 * tlbf_flusher_dispatch() - start every issued flush (FL7)
 * @fl: the flusher
 *
 * Reads the target set, queues the ops for each online remote target,
 * sends one IPI per target that has none in flight, then performs the ops
 * on this CPU if it is a target. Does not wait, except with the sync
 * strategy (then as tlbf_flusher_sync()). Nothing issued: nothing done.
 *
 * Return: 0; -EINVAL on the wrong CPU; -EDEADLK if remote CPUs must be
 * interrupted but IRQs are disabled or this is not task context (counted
 * in dispatch_refused and reported; the ops stay issued).
 */
int tlbf_flusher_dispatch(struct tlbf_flusher *fl)
{
	struct tlbf_frame *wait_frames;
	u64 t0;
	int err;

	if (!tlbf_flusher_check_cpu(fl))
		return -EINVAL;
	if (tlbf_ops_empty(&fl->ops) && !fl->frames)
		return 0;	/* nothing issued: not a dispatch */
	preempt_disable();
	t0 = local_clock();
	err = __tlbf_flusher_dispatch(fl, &wait_frames);
	if (!err)
		tlbf_hist_record(TLBF_HIST_DISPATCH_NS, local_clock() - t0);
	if (!err && (wait_frames || fl->strategy == TLBF_STRAT_SYNC)) {
		tlbf_stat_inc(TLBF_STAT_SYNCS);
		tlbf_flusher_wait(fl);
		tlbf_put_frames(wait_frames);
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
 * sync has performed them, or is offline (FL10). Does not dispatch. A CPU
 * that takes longer than slow_cpu_ms is reported (FL11) and waited for.
 *
 * Return: 0; -EINVAL on the wrong CPU; -EDEADLK with IRQs disabled (the
 * remote flushes run in IRQs: two CPUs could wait for each other), counted
 * in sync_refused_irqs_off and reported as misuse.
 */
int tlbf_flusher_sync(struct tlbf_flusher *fl)
{
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
	tlbf_flusher_wait(fl);
	preempt_enable();
	return 0;
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
	unsigned long flags;
	struct tlbf_frame *f;

	tlbf_flusher_check_cpu(fl);
	if (!tlbf_ops_empty(&fl->ops) || fl->frames) {
		if (tlbf_flusher_dispatch(fl)) {
			/* Reported by dispatch; defer a global flush. */
			raw_spin_lock_irqsave(&tlbf_orphan_lock, flags);
			while (fl->frames) {
				f = fl->frames;
				fl->frames = f->next;
				f->next = tlbf_orphan_frames;
				tlbf_orphan_frames = f;
			}
			tlbf_orphan_flush = true;
			raw_spin_unlock_irqrestore(&tlbf_orphan_lock, flags);
			schedule_work(&tlbf_orphan_work);
		}
	}
	kfree(fl->ipi_mask);
	fl->ipi_mask = NULL;
	fl->waitset = NULL;
}
EXPORT_SYMBOL_GPL(tlbf_flusher_finish);

static void tlbf_orphan_flush_ipi(void *info)
{
	tlbf_tlb_flush_all(true);
	tlbf_stat_inc(TLBF_STAT_FULL_FLUSHES);
}

/* Flush all on every online CPU, then put the orphaned frames. */
static void tlbf_orphan_workfn(struct work_struct *work)
{
	struct tlbf_flusher fl;
	struct tlbf_frame *frames;
	bool flush;

	raw_spin_lock_irq(&tlbf_orphan_lock);
	frames = tlbf_orphan_frames;
	flush = tlbf_orphan_flush;
	tlbf_orphan_frames = NULL;
	tlbf_orphan_flush = false;
	raw_spin_unlock_irq(&tlbf_orphan_lock);
	if (!flush && !frames)
		return;

	preempt_disable();
	if (tlbf_flusher_init(&fl, (struct cpumask *)cpu_online_mask,
			      TLBF_STRAT_SYNC)) {
		preempt_enable();
		/* No memory for two cpumasks: wait for everyone instead. */
		on_each_cpu(tlbf_orphan_flush_ipi, NULL, 1);
		tlbf_put_frames(frames);
		return;
	}
	tlbf_flusher_issue(&fl, tlbf_op_all_global());
	fl.frames = frames;
	tlbf_flusher_dispatch(&fl);
	tlbf_flusher_finish(&fl);
	preempt_enable();
}

/**
 * tlbf_flusher_quiesce() - wait until no flush is in flight
 *
 * Every queued flush on every online CPU has been performed when it
 * returns, and the orphan work (if any) has run. Process context.
 */
void tlbf_flusher_quiesce(void)
{
	flush_work(&tlbf_orphan_work);
	cpus_read_lock();
	preempt_disable();
	tlbf_wait_mask(cpu_online_mask);
	preempt_enable();
	cpus_read_unlock();
}
EXPORT_SYMBOL_GPL(tlbf_flusher_quiesce);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * tlbf_flusher_test_enqueue_offline() - a dispatch to a dead CPU whose IPI
 *	never ran; for the KUnit suite only (FL10)
 * @fl: the flusher, bound to this CPU (the caller keeps migration disabled)
 * @cpu: an offline CPU
 *
 * Queues @fl's issued ops and frames for @cpu with the code dispatch uses
 * for a remote target (one frame batch with one reference, the threshold
 * rule, the enqueue sequence number, the in-flight mark, @cpu added to the
 * flusher's wait set), and counts the IPI as sent, since it is marked in
 * flight, but does not send it: the situation of a CPU that died before
 * its IPI ran, which the CPU-dead callback must drain. Nothing issued:
 * nothing done. Process context (takes the CPU hotplug read lock).
 *
 * Return: 0; -EINVAL for a bad argument or the wrong CPU; -EBUSY if @cpu is
 * online; -ENOMEM (nothing changed) if the batch cannot be allocated.
 */
int tlbf_flusher_test_enqueue_offline(struct tlbf_flusher *fl,
				      unsigned int cpu)
{
	struct tlbf_batch *batch = NULL;
	int ret = 0;

	if (!fl || cpu >= nr_cpu_ids || !cpu_possible(cpu) ||
	    !tlbf_flusher_check_cpu(fl))
		return -EINVAL;
	if (tlbf_ops_empty(&fl->ops) && !fl->frames)
		return 0;
	cpus_read_lock();
	if (cpu_online(cpu)) {
		ret = -EBUSY;
		goto out;
	}
	if (fl->frames) {
		batch = tlbf_batch_alloc(fl->frames, 1, 1);
		if (!batch) {
			ret = -ENOMEM;
			goto out;
		}
		batch->link[0].batch = batch;
		fl->frames = NULL;
	}
	tlbf_stat_inc(TLBF_STAT_DISPATCHES);
	if (tlbf_queue_enqueue(cpu, &fl->ops, batch ? &batch->link[0] : NULL))
		tlbf_stat_inc(TLBF_STAT_IPIS_SENT);
	else
		tlbf_stat_inc(TLBF_STAT_IPIS_COALESCED);
	cpumask_set_cpu(cpu, fl->waitset);
	tlbf_ops_init(&fl->ops);
out:
	cpus_read_unlock();
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_flusher_test_enqueue_offline);

/**
 * tlbf_flusher_test_cpu_dead() - run the CPU-dead hotplug callback for an
 *	offline CPU; for the KUnit suite only (FL10)
 * @cpu: an offline CPU
 *
 * Process context (takes the CPU hotplug read lock, so @cpu cannot come
 * online meanwhile, as when the hotplug core calls it).
 *
 * Return: the callback's result (0); -EINVAL for a CPU that does not
 * exist; -EBUSY if @cpu is online.
 */
int tlbf_flusher_test_cpu_dead(unsigned int cpu)
{
	int ret = -EBUSY;

	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return -EINVAL;
	cpus_read_lock();
	if (!cpu_online(cpu))
		ret = tlbf_cpu_dead(cpu);
	cpus_read_unlock();
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_flusher_test_cpu_dead);

/**
 * tlbf_flusher_test_kick() - run the flush IPI handler on an online CPU
 *	now, whatever its queue says; for the KUnit suite only
 * @cpu: an online CPU
 *
 * Repairs a queue left "IPI in flight" by an injected fault (a skipped
 * offline drain), so that later dispatches to @cpu send IPIs again.
 * Process context.
 *
 * Return: 0, or the error of smp_call_function_single().
 */
int tlbf_flusher_test_kick(unsigned int cpu)
{
	return smp_call_function_single(cpu, tlbf_ipi_handler, NULL, 1);
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_flusher_test_kick);
#endif /* CONFIG_KUNIT */

/**
 * tlbf_flusher_queue_pages() - what is queued for a CPU now
 * @cpu: a possible CPU
 * @all: set to whether the queue is "flush all"
 *
 * Return: pages queued for @cpu (a snapshot).
 */
unsigned int tlbf_flusher_queue_pages(int cpu, bool *all)
{
	struct tlbf_queue *q = per_cpu_ptr(&tlbf_queues, cpu);
	unsigned long flags;
	unsigned int pages;

	raw_spin_lock_irqsave(&q->lock, flags);
	pages = q->ops.nr_pages;
	*all = q->ops.all;
	raw_spin_unlock_irqrestore(&q->lock, flags);
	return pages;
}
EXPORT_SYMBOL_GPL(tlbf_flusher_queue_pages);

/**
 * tlbf_flusher_queue_idle() - is nothing queued or in flight for a CPU?
 * @cpu: a possible CPU
 *
 * Return: true if @cpu's queue holds no op, no frame reference, no IPI
 * marked in flight, and every merge into it has completed (a snapshot).
 * A CPU coming online must find its queue so (FL10).
 */
bool tlbf_flusher_queue_idle(int cpu)
{
	struct tlbf_queue *q = per_cpu_ptr(&tlbf_queues, cpu);
	unsigned long flags;
	bool idle;

	raw_spin_lock_irqsave(&q->lock, flags);
	idle = tlbf_ops_empty(&q->ops) && !q->links && !q->ipi_inflight &&
	       READ_ONCE(q->done_seq) == q->enq_seq;
	raw_spin_unlock_irqrestore(&q->lock, flags);
	return idle;
}
EXPORT_SYMBOL_GPL(tlbf_flusher_queue_idle);

/**
 * tlbf_flusher_module_init() - set up the queues and the hotplug callback
 *
 * Return: 0 or a negative errno from the CPU hotplug core.
 */
int tlbf_flusher_module_init(void)
{
	int cpu, ret;

	for_each_possible_cpu(cpu) {
		struct tlbf_queue *q = per_cpu_ptr(&tlbf_queues, cpu);

		raw_spin_lock_init(&q->lock);
		tlbf_ops_init(&q->ops);
		q->links = NULL;
		q->enq_seq = 0;
		q->done_seq = 0;
		q->ipi_inflight = false;
	}
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "tlbflush:dead",
					NULL, tlbf_cpu_dead);
	if (ret < 0)
		return ret;
	tlbf_cpuhp_state = ret;
	return 0;
}

/**
 * tlbf_flusher_module_exit() - drain everything before the module goes
 *
 * Waits for every queued flush, drains the queues of offline CPUs, removes
 * the hotplug callback, then waits for the handlers to have returned and
 * for the frames' RCU callbacks (no frame is left PENDING).
 */
void tlbf_flusher_module_exit(void)
{
	int cpu;

	tlbf_flusher_quiesce();
	cpuhp_remove_state_nocalls(tlbf_cpuhp_state);
	cpus_read_lock();
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu))
			tlbf_cpu_dead(cpu);
	cpus_read_unlock();
	/* Handlers run with IRQs disabled: a grace period outlasts them. */
	synchronize_rcu();
	rcu_barrier();
}
