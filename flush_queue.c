// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the flusher's shared machinery (ARCHITECTURE.md FL7-FL12):
 * per-CPU queues, the queue IPI handler, completion sequence numbers,
 * waiting with slow-CPU reports and lazy kicks, the CPU-dead drain, and
 * frame batches. The delivery helpers strategies are built from
 * (strategy.h) are in strategy.c.
 *
 * Per-CPU queues: every CPU has a &struct tlbf_queue, protected by a raw
 * spinlock because its IPI handler takes it. A queued delivery merges the
 * ops into the queue of each remote target (threshold rule), links a
 * reference to the dispatch's frame batch, bumps the queue's enqueue
 * sequence number and, unless an IPI to that CPU is already in flight (it
 * will pick the new ops up: "coalesced"), marks one in flight and sends it.
 * The IPI is the queue's own csd (tlbf_queue_send()), sent from a task
 * with preemption disabled (the target stays online).
 *
 * The handler swaps the queue out under the lock, performs the ops (invlpg
 * per page or a full flush), drops its batch references and publishes the
 * swapped sequence number as done_seq (release). Waiting reads done_seq
 * with acquire loads until it reaches the enqueue sequence number read at
 * wait time, skipping offline CPUs.
 *
 * Invariant (debugfs): every IPI marked in flight either runs the handler
 * (ipis_received) or is accounted by the CPU-dead callback
 * (queues_drained_offline), so ipis_sent == ipis_received +
 * queues_drained_offline whenever no flush is in flight.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <trace/events/tlbflush.h>

#include "flusher_internal.h"
#include "tlbflush/inject.h"
#include "tlbflush/shadow.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"

/*
 * TLBF_INJ_EARLY_ACK: how long the flush lags behind its ack. The oracle's
 * shadow check (a) runs on the initiator after sync and must come before
 * the lagging flush; 5 ms was not enough on a loaded 2-core host, where a
 * vCPU thread is preempted for longer (the KUnit case missed it once).
 */
#define TLBF_INJ_EARLY_ACK_MS	50

unsigned int tlbf_slow_cpu_ms = 1000;
EXPORT_SYMBOL_IF_KUNIT(tlbf_slow_cpu_ms);

DEFINE_PER_CPU_ALIGNED(struct tlbf_queue, tlbf_queues);

static enum cpuhp_state tlbf_cpuhp_state;

/*
 * A kick: the call that makes a CPU perform its lazy queue now, when its
 * tick is late (tlbf_wait_cpu()). @busy: a kick is queued or running
 * (serializes the senders of @csd; cleared at the end of the handler).
 */
struct tlbf_kick {
	call_single_data_t csd;
	atomic_t busy;
};

static DEFINE_PER_CPU(struct tlbf_kick, tlbf_kicks);

/* A waiter kicks a lazy queue whose tick has not come for this long. */
#define TLBF_KICK_NS	(2 * TICK_NSEC)

/**
 * tlbf_perform() - execute a stack of ops on this CPU
 * @ops: the stack
 *
 * The real instructions (invlpg per page, or a full flush that drops
 * global entries when the stack is global, FL5), noted in the oracle's
 * shadow TLB, which also holds the stack to its FL6 threshold. IRQs or
 * preemption disabled.
 */
void __tlbf_hot tlbf_perform(const struct tlbf_ops *ops)
{
	/*
	 * Everything this needs is read before the first flush: under an
	 * emulator a flush empties the whole software TLB, and each page
	 * touched after it (the counters, the shadow pointer, the stack the
	 * ops live on) costs a page walk before the caller can acknowledge.
	 * The page loop keeps its bounds in registers.
	 */
	struct tlbf_shadow *sh = READ_ONCE(tlbf_shadow_active);
	unsigned long va, start, end;
	unsigned int i;
	bool global;

	tlbf_shadow_note_stack(ops->all, ops->nr_pages, tlbf_ops_threshold(ops),
			       ops->nr_ops ? tlbf_op_va(ops->ops[0]) : 0);
	if (ops->all) {
		tlbf_stat_inc(TLBF_STAT_FULL_FLUSHES);
		global = ops->global && !tlbf_inject(TLBF_INJ_ALL_KEEPS_GLOBAL);
		if (global)
			tlbf_arch_flush_all_global();
		else
			tlbf_arch_flush_all();
		if (unlikely(sh))
			tlbf_shadow_flush_all(sh, raw_smp_processor_id(), global);
		return;
	}
	if (ops->nr_pages)
		tlbf_stat_add(TLBF_STAT_PAGES_INVALIDATED, ops->nr_pages);
	for (i = 0; i < ops->nr_ops; i++) {
		start = tlbf_op_va(ops->ops[i]);
		end = start + tlbf_op_nr_pages(ops->ops[i]) * TLBF_PAGE_SIZE;
		for (va = start; va < end; va += TLBF_PAGE_SIZE)
			tlbf_arch_flush_page(va);
		if (unlikely(sh))
			for (va = start; va < end; va += TLBF_PAGE_SIZE)
				tlbf_shadow_flush_page(sh, raw_smp_processor_id(),
						       va);
	}
}
EXPORT_SYMBOL_GPL(tlbf_perform);

/* Put every frame of a ->next list (each holds one reference). */
void tlbf_put_frames(struct tlbf_frame *f)
{
	struct tlbf_frame *next;

	while (f) {
		next = f->next;
		f->next = NULL;
		tlbf_frame_put(f);
		f = next;
	}
}

/**
 * tlbf_batch_get() - more holders of a frame batch
 * @b: the batch (NULL: nothing)
 * @refs: how many
 */
void tlbf_batch_get(struct tlbf_batch *b, unsigned int refs)
{
	if (b)
		atomic_add(refs, &b->refs);
}
EXPORT_SYMBOL_GPL(tlbf_batch_get);

static void tlbf_batch_free_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct tlbf_batch, rcu));
}

/**
 * tlbf_batch_put() - a target performed the flush: drop its reference
 * @b: the batch (NULL: nothing)
 *
 * Any context. The last put puts the frames (FL4: after an RCU grace
 * period they are free). The batch itself is freed after a grace period
 * too: the last put often runs in a flush IPI, where kfree() may take
 * the slab's spinlock_t (a sleeping lock on PREEMPT_RT; lockdep says
 * "Invalid wait context").
 */
void __tlbf_hot tlbf_batch_put(struct tlbf_batch *b)
{
	if (b && atomic_dec_and_test(&b->refs)) {
		tlbf_put_frames(b->frames);
		call_rcu(&b->rcu, tlbf_batch_free_rcu);
	}
}
EXPORT_SYMBOL_GPL(tlbf_batch_put);

static void __tlbf_hot tlbf_put_links(struct tlbf_batch_link *l)
{
	struct tlbf_batch_link *next;

	while (l) {
		next = l->next;
		tlbf_batch_put(l->batch);	/* may free @l */
		l = next;
	}
}

/* A batch of @frames with @refs references and room for @nr_links links. */
struct tlbf_batch *tlbf_batch_alloc(struct tlbf_frame *frames,
				    unsigned int refs, unsigned int nr_links)
{
	struct tlbf_batch *batch;

	batch = kmalloc(struct_size(batch, link, nr_links),
			GFP_ATOMIC | __GFP_NOWARN);
	if (batch) {
		atomic_set(&batch->refs, refs);
		batch->frames = frames;
		batch->nr_links = nr_links;
	}
	return batch;
}

/*
 * FL7: merge @ops into @cpu's queue (threshold rule), add @link (if any) to
 * its batch references and bump its enqueue sequence number. @lazy: mark
 * the queue for the lazy tick, no IPI. Returns whether an IPI must be
 * sent: none was in flight, one is now marked so.
 */
bool __tlbf_hot tlbf_queue_enqueue(int cpu, const struct tlbf_ops *ops,
				   struct tlbf_batch_link *link, bool lazy)
{
	struct tlbf_queue *q = per_cpu_ptr(&tlbf_queues, cpu);
	unsigned long flags;
	bool need_ipi = false;

	raw_spin_lock_irqsave(&q->lock, flags);
	tlbf_ops_merge(&q->ops, ops);
	if (link) {
		link->next = q->links;
		q->links = link;
	}
	q->enq_seq++;
	if (lazy) {
		q->lazy = true;
	} else {
		need_ipi = !q->ipi_inflight;
		q->ipi_inflight = true;
	}
	raw_spin_unlock_irqrestore(&q->lock, flags);
	return need_ipi;
}

/**
 * tlbf_queue_send() - send the queue IPI to @cpu
 * @cpu: an online CPU whose queue tlbf_queue_enqueue() just marked in flight
 *
 * One IPI per target on the queue's own csd: shorter than
 * smp_call_function_many() (no shared per-CPU call data to set up and
 * lock), which under an emulator is a visible part of a shootdown.
 *
 * The csd is usually free: the kernel unlocks an async csd before it
 * calls the handler, and the handler's swap is what clears "in flight".
 * But a lazy tick, a kick or a test may swap the queue while an IPI sent
 * earlier has not run yet; then the csd is still queued (-EBUSY) and that
 * IPI, which has not started, will perform what was just enqueued: the
 * send is coalesced into it. Preemption disabled (@cpu stays online).
 *
 * Return: true if an IPI was sent, false if coalesced into a pending one.
 */
bool __tlbf_hot tlbf_queue_send(int cpu)
{
	int ret = smp_call_function_single_async(cpu,
						 &per_cpu_ptr(&tlbf_queues,
							      cpu)->csd);

	WARN_ON_ONCE(ret && ret != -EBUSY);
	return !ret;
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
	q->lazy = false;
	return inflight;
}

/*
 * FL8: swap this CPU's queue out, perform it, publish its completion.
 * @kind: TLBF_TRACE_QUEUE (IPI) or TLBF_TRACE_TICK, for the trace.
 */
static void __tlbf_hot tlbf_queue_run(int kind)
{
	struct tlbf_queue *q = this_cpu_ptr(&tlbf_queues);
	struct tlbf_batch_link *links;
	struct tlbf_ops ops;
	u64 seq;

	trace_tlbflush_ipi_enter(kind);
	raw_spin_lock(&q->lock);
	tlbf_queue_swap(q, &ops, &links, &seq);
	raw_spin_unlock(&q->lock);

	if (tlbf_inject(TLBF_INJ_EARLY_ACK)) {
		/*
		 * Wrong on purpose: done before flushed, and nothing stands
		 * for the flush in between (the early-ack strategy promises
		 * it, this does not).
		 */
		smp_store_release(&q->done_seq, seq);
		mdelay(TLBF_INJ_EARLY_ACK_MS);
		tlbf_perform(&ops);
		tlbf_put_links(links);
		trace_tlbflush_ipi_exit(kind, &ops);
		return;
	}
	if (!tlbf_inject(TLBF_INJ_SKIP_OPS))
		tlbf_perform(&ops);
	tlbf_put_links(links);
	/* Pairs with the acquire in tlbf_wait_cpu(): flushed, then done. */
	smp_store_release(&q->done_seq, seq);
	trace_tlbflush_ipi_exit(kind, &ops);
}

/**
 * tlbf_queue_ipi() - the queue IPI handler (FL8)
 * @info: unused
 *
 * IRQs disabled, on the target CPU. Counted in ipis_received.
 */
void __tlbf_hot tlbf_queue_ipi(void *info)
{
	tlbf_stat_inc(TLBF_STAT_IPIS_RECEIVED);
	tlbf_queue_run(TLBF_TRACE_QUEUE);
}

/**
 * tlbf_queue_tick() - perform this CPU's queue if a lazy delivery left
 *	work for it (the lazy strategy's tick; IRQs disabled)
 *
 * Return: true if it ran the queue.
 */
bool tlbf_queue_tick(void)
{
	if (!READ_ONCE(this_cpu_ptr(&tlbf_queues)->lazy))
		return false;
	tlbf_stat_inc(TLBF_STAT_LAZY_FLUSHES);
	tlbf_queue_run(TLBF_TRACE_TICK);
	return true;
}
EXPORT_SYMBOL_GPL(tlbf_queue_tick);

/* The kick handler, on the kicked CPU (IRQs disabled). */
static void tlbf_queue_kicked(void *info)
{
	struct tlbf_kick *k = info;

	tlbf_queue_tick();
	atomic_set_release(&k->busy, 0);	/* the last access to @k */
}

/*
 * Make @cpu perform its lazy queue now (one kick in flight per CPU; none
 * to an offline CPU, whose queue the CPU-dead callback drains). Any
 * context with preemption disabled.
 */
static void tlbf_queue_kick(int cpu)
{
	struct tlbf_kick *k = per_cpu_ptr(&tlbf_kicks, cpu);

	if (atomic_cmpxchg(&k->busy, 0, 1))
		return;
	if (smp_call_function_single_async(cpu, &k->csd))
		atomic_set(&k->busy, 0);
	else
		tlbf_stat_inc(TLBF_STAT_LAZY_KICKS);
}

/**
 * tlbf_queue_cpu_dead() - FL10: complete a dead CPU's queue, no flush
 * @cpu: a dead CPU
 *
 * Its TLB is gone: the frames its queue references are put, its sequence
 * number published. Counted in queues_drained_offline if an IPI was in
 * flight. Also the CPU hotplug callback.
 *
 * Return: 0.
 */
int tlbf_queue_cpu_dead(unsigned int cpu)
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
	trace_tlbflush_offline_drain(cpu, &ops, inflight);

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

/* FL11: report a CPU that keeps a waiter waiting. */
static void tlbf_report_slow(int cpu, u64 waited, const char *what)
{
	struct tlbf_queue *q = per_cpu_ptr(&tlbf_queues, cpu);

	tlbf_stat_inc(TLBF_STAT_SLOW_CPU_REPORTS);
	pr_warn("cpu%d has not completed %s after %llu ms (queued %u pages%s, ipi in flight %d) waiting on cpu%d\n",
		cpu, what, div_u64(waited, NSEC_PER_MSEC),
		READ_ONCE(q->ops.nr_pages), READ_ONCE(q->ops.all) ? " + all" : "",
		READ_ONCE(q->ipi_inflight), smp_processor_id());
}

/*
 * The waits read the clock (for FL11 and the lazy kicks) only once every
 * TLBF_WAIT_CLOCK_SPINS spins, and not before the first of them: a clock
 * read in every spin slowed each wait by the time of one read (under an
 * emulator about what an invlpg costs), and most waits end sooner.
 */
#define TLBF_WAIT_CLOCK_SPINS	64

/* Time since *@start, which the first call sets (0: not yet). */
static u64 __tlbf_hot tlbf_wait_elapsed(u64 *start)
{
	u64 now = local_clock();

	if (!*start)
		*start = now;
	return now - *start;
}

/*
 * Wait until @cpu completed the flush numbered @seq, or went offline.
 * Preemption disabled, IRQs enabled. Reports a slow CPU (FL11).
 *
 * A lazy queue waits for the CPU's next tick, which may never come: the
 * lazy strategy stops a CPU's tick when CPU hotplug starts taking it down,
 * while it is still online and a target, and this waiter, spinning with
 * preemption disabled, would then hold off the stop_machine() that takes
 * it offline. A tick later than TLBF_KICK_NS is replaced by a kick.
 */
static void __tlbf_hot tlbf_wait_cpu(int cpu, u64 seq, u64 *start)
{
	struct tlbf_queue *q = per_cpu_ptr(&tlbf_queues, cpu);
	u64 bound = (u64)READ_ONCE(tlbf_slow_cpu_ms) * NSEC_PER_MSEC;
	u64 next = bound, kick = TLBF_KICK_NS, now;
	unsigned int spins = 0;

	/* Pairs with the release in the handler: its flush happened before. */
	while (smp_load_acquire(&q->done_seq) < seq) {
		if (!cpu_online(cpu))
			return;
		cpu_relax();
		if (++spins % TLBF_WAIT_CLOCK_SPINS)
			continue;
		now = tlbf_wait_elapsed(start);
		if (now >= kick && READ_ONCE(q->lazy)) {
			tlbf_queue_kick(cpu);
			kick = now + TLBF_KICK_NS;
		}
		if (!bound || now < next)
			continue;
		tlbf_report_slow(cpu, now, "a queued flush");
		next += bound;
	}
}

/* Wait for the queues of every CPU of @mask (preemption disabled). */
void __tlbf_hot tlbf_wait_mask(const struct cpumask *mask)
{
	u64 start = 0;
	int cpu;

	for_each_cpu(cpu, mask)
		tlbf_wait_cpu(cpu,
			      READ_ONCE(per_cpu_ptr(&tlbf_queues, cpu)->enq_seq),
			      &start);
}

/*
 * Wait until no online CPU of @pending is left (each clears its bit when
 * done). Preemption disabled, IRQs enabled. Reports slow CPUs (FL11).
 */
void __tlbf_hot tlbf_wait_pending(const struct cpumask *pending)
{
	u64 bound = (u64)READ_ONCE(tlbf_slow_cpu_ms) * NSEC_PER_MSEC;
	u64 start = 0, next = bound, now;
	unsigned int spins = 0;
	int cpu;

	while (cpumask_intersects(pending, cpu_online_mask)) {
		cpu_relax();
		if (!bound || ++spins % TLBF_WAIT_CLOCK_SPINS)
			continue;
		now = tlbf_wait_elapsed(&start);
		if (now < next)
			continue;
		for_each_cpu_and(cpu, pending, cpu_online_mask)
			tlbf_report_slow(cpu, now, "a direct flush");
		next += bound;
	}
	smp_mb();	/* their flushes (before the ack) before what follows */
}

/**
 * tlbf_flusher_quiesce() - wait until no flush is in flight
 *
 * Every queued flush on every online CPU has been performed when it
 * returns, and the orphan work (if any) has run. Process context.
 */
void tlbf_flusher_quiesce(void)
{
	tlbf_flusher_flush_orphans();
	cpus_read_lock();
	preempt_disable();
	tlbf_wait_mask(cpu_online_mask);
	preempt_enable();
	cpus_read_unlock();
}
EXPORT_SYMBOL_GPL(tlbf_flusher_quiesce);

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
	       !q->lazy && READ_ONCE(q->done_seq) == q->enq_seq;
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
		q->lazy = false;
		INIT_CSD(&q->csd, tlbf_queue_ipi, NULL);
		INIT_CSD(&per_cpu_ptr(&tlbf_kicks, cpu)->csd, tlbf_queue_kicked,
			 per_cpu_ptr(&tlbf_kicks, cpu));
		atomic_set(&per_cpu_ptr(&tlbf_kicks, cpu)->busy, 0);
	}
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "tlbflush:dead",
					NULL, tlbf_queue_cpu_dead);
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
			tlbf_queue_cpu_dead(cpu);
	cpus_read_unlock();
	/* A kick queued to a CPU that went offline ran as it died. */
	for_each_possible_cpu(cpu)
		while (atomic_read(&per_cpu_ptr(&tlbf_kicks, cpu)->busy))
			usleep_range(1000, 2000);
	/* Handlers run with IRQs disabled: a grace period outlasts them. */
	synchronize_rcu();
	rcu_barrier();
}
