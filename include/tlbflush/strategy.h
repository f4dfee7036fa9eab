/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: flusher strategies, the plug-in point of the test bed (issue 9,
 * ARCHITECTURE.md "Flusher", "Strategies").
 *
 * A strategy decides how a dispatch delivers the issued ops to the target
 * CPUs, what a target does with them, how sync knows they are done, and so
 * when the frames given to issue_with() may go back to their pool. The
 * shared machinery stays in the core and is reused: the ops stack and its
 * threshold rule (ops.h), the per-CPU queues with their completion
 * sequence numbers and CPU-dead drain, the frame batches (one reference
 * per target, the last put releases the frames, FL4), and the counters.
 *
 * A strategy is one &struct tlbf_strategy, registered with
 * tlbf_strategy_register() (built in, or from a module of its own: see
 * examples/strategy/). Everything registered is listed in debugfs
 * `strategies`, can be named in debugfs `cmd` and `oracle`, and is run by
 * the KUnit conformance suite and the oracle.
 *
 * The dispatch hook gets a &struct tlbf_dispatch the core prepared: the
 * online remote targets, whether this CPU is one, the ops, and the frame
 * batch holding one reference per remote target plus one if local. It
 * must deliver the ops to every remote target and drop each reference only
 * after that target performed them; the core helpers do that:
 *
 *  tlbf_deliver_queued()   merge into the targets' queues and send one IPI
 *                          per target that has none in flight; the local
 *                          flush overlaps the remote ones; returns at once
 *                          (sync waits on the queues' sequence numbers)
 *  tlbf_deliver_direct()   Linux flush_tlb_multi style: one shared request,
 *                          an IPI to each target, local flush concurrent,
 *                          then wait for every target's ack
 *  tlbf_deliver_lazy()     queue without any IPI; each target performs its
 *                          queue at its next tick (LATR)
 *  tlbf_flusher_wait()     wait for the queues of this flusher's targets
 *
 * The five decisions of a strategy, and where it makes them:
 *
 *  delivery      @dispatch (and @widen for the target set): which helper,
 *                or its own IPIs (tlbf_perform() on the target)
 *  target action the handler of the delivery it chose: queued and lazy
 *                run the CPU's queue (tlbf_queue_tick() for a tick of its
 *                own), direct runs tlbf_perform() on the shared ops
 *  completion    @sync (NULL: the queues' sequence numbers), or
 *                TLBF_STRAT_F_WAITS when @dispatch itself waits
 *  CPU offline   the core drains a dead CPU's queue (FL10) for every
 *                strategy; one with per-CPU state of its own adds a CPU
 *                hotplug state (strategies/lazy.c stops its tick there)
 *  frame release when it drops a target's batch reference
 *                (tlbf_batch_put()): the helpers drop it after that
 *                target performed; early ack acknowledges first and
 *                still drops it only after the flush (FL4)
 */
#ifndef _TLBFLUSH_STRATEGY_H
#define _TLBFLUSH_STRATEGY_H

#include <linux/bits.h>
#include <linux/cpumask.h>
#include <linux/list.h>
#include <linux/types.h>

#include "tlbflush/ops.h"

struct dentry;
struct module;
struct tlbf_batch;
struct tlbf_flusher;

/**
 * struct tlbf_dispatch - what the core hands a strategy's dispatch hook
 * @remote: online targets other than this CPU, after the strategy's
 *	widen hook (the delivery helpers use it as scratch)
 * @local: this CPU is a target
 * @ops: the issued ops (the strategy may read, not keep, them)
 * @batch: frames of this dispatch with one reference per CPU of @remote
 *	plus one if @local, and room for one queue link per remote CPU;
 *	NULL if none
 * @self: this CPU
 * @ipis_sent: IPIs the delivery helpers sent (tracepoint tlbflush_dispatch_done)
 * @ipis_coalesced: targets tlbf_deliver_queued() sent none, one being in flight
 */
struct tlbf_dispatch {
	struct cpumask *remote;
	bool local;
	const struct tlbf_ops *ops;
	struct tlbf_batch *batch;
	int self;
	unsigned int ipis_sent;
	unsigned int ipis_coalesced;
};

/*
 * Flags of &struct tlbf_strategy: what it declares about itself. The
 * bench's model of the counters one shootdown moves (tlbf_bench_expect())
 * is built from them and the threshold; the KUnit bench suite holds every
 * registered strategy to it.
 */
#define TLBF_STRAT_F_WAITS	BIT(0)	/* dispatch returns only when done */
#define TLBF_STRAT_F_NO_IPI	BIT(1)	/* no IPI: targets flush at a tick */
#define TLBF_STRAT_F_BROADCAST	BIT(2)	/* every other CPU flushes all */

/**
 * struct tlbf_strategy - one way of shooting down TLB entries
 * @name: short name, unique (debugfs, KUnit parameter, bench row)
 * @desc: one line: what it does and the source it follows
 * @threshold: pages at which its stacks turn into "flush all"
 *	(pending + new >= @threshold, FL6); 0 means the module's
 *	tlbf_flush_all_threshold. Linux's "more than 33" is 34.
 * @flags: TLBF_STRAT_F_*
 * @widen: optional: change the remote CPUs before the frame batch is made
 *	(e.g. broadcast: every other online CPU); preemption disabled
 * @dispatch: deliver @d's ops to its targets (see above). Called with
 *	preemption disabled, IRQs enabled, in task context. Returns 0 or a
 *	negative errno (the core then keeps nothing of the dispatch).
 * @sync: wait until every target of earlier dispatches performed them;
 *	NULL means tlbf_flusher_wait(). Preemption disabled, IRQs enabled.
 * @owner: THIS_MODULE of the module that registers it
 * @list: registry link (private to strategy.c)
 */
struct tlbf_strategy {
	const char *name;
	const char *desc;
	unsigned int threshold;
	unsigned int flags;
	void (*widen)(const struct tlbf_flusher *fl, struct cpumask *remote);
	int (*dispatch)(struct tlbf_flusher *fl, struct tlbf_dispatch *d);
	int (*sync)(struct tlbf_flusher *fl);
	struct module *owner;
	struct list_head list;
};

int tlbf_strategy_register(struct tlbf_strategy *s);
void tlbf_strategy_unregister(struct tlbf_strategy *s);
const struct tlbf_strategy *tlbf_strategy_get(const char *name);
void tlbf_strategy_put(const struct tlbf_strategy *s);
const struct tlbf_strategy *tlbf_strategy_get_next(const struct tlbf_strategy *prev);
unsigned int tlbf_strategy_threshold(const struct tlbf_strategy *s);

/* Core delivery helpers for strategies (flush_queue.c, strategy.c). */
int tlbf_deliver_queued(struct tlbf_flusher *fl, struct tlbf_dispatch *d,
			const struct tlbf_ops *remote_ops);
int tlbf_deliver_direct(struct tlbf_flusher *fl, struct tlbf_dispatch *d,
			bool early_ack, bool local_last);
int tlbf_deliver_lazy(struct tlbf_flusher *fl, struct tlbf_dispatch *d);
void tlbf_flusher_wait(struct tlbf_flusher *fl);
void tlbf_perform(const struct tlbf_ops *ops);
bool tlbf_queue_tick(void);
void tlbf_batch_get(struct tlbf_batch *b, unsigned int refs);
void tlbf_batch_put(struct tlbf_batch *b);

/* The built-in strategies, one file each under strategies/. */
extern struct tlbf_strategy tlbf_strategy_async;
extern struct tlbf_strategy tlbf_strategy_sync;
extern struct tlbf_strategy tlbf_strategy_broadcast;
extern struct tlbf_strategy tlbf_strategy_linux;
extern struct tlbf_strategy tlbf_strategy_early_ack;
extern struct tlbf_strategy tlbf_strategy_lazy;
extern struct tlbf_strategy tlbf_strategy_dragonos;

int tlbf_strategies_init(struct dentry *root);
void tlbf_strategies_exit(void);
int tlbf_lazy_init(void);
void tlbf_lazy_exit(void);

#endif /* _TLBFLUSH_STRATEGY_H */
