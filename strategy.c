// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the strategy registry and the delivery helpers strategies are
 * built from: queued (per-CPU queues of flush_queue.c, with or without
 * IPIs) and direct (see include/tlbflush/strategy.h). debugfs `strategies` lists what is
 * registered: name, threshold, flags, description.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <trace/events/tlbflush.h>

#include "flusher_internal.h"
#include "tlbflush/shadow.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"

static LIST_HEAD(tlbf_strategies);
static DEFINE_MUTEX(tlbf_strategies_lock);	/* the list */

static struct tlbf_strategy *tlbf_strategy_find(const char *name)
{
	struct tlbf_strategy *s;

	lockdep_assert_held(&tlbf_strategies_lock);
	list_for_each_entry(s, &tlbf_strategies, list)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

/**
 * tlbf_strategy_register() - make a strategy available to everything
 * @s: the strategy; name, dispatch and owner set; it must stay valid
 *	until tlbf_strategy_unregister()
 *
 * Process context.
 *
 * Return: 0; -EINVAL for a strategy without name or dispatch, or with a
 * threshold above TLBF_FLUSH_ALL_THRESHOLD_MAX; -EEXIST if the name is
 * taken.
 */
int tlbf_strategy_register(struct tlbf_strategy *s)
{
	int ret = 0;

	if (!s || !s->name || !*s->name || !s->dispatch || !s->desc ||
	    s->threshold > TLBF_FLUSH_ALL_THRESHOLD_MAX)
		return -EINVAL;
	mutex_lock(&tlbf_strategies_lock);
	if (tlbf_strategy_find(s->name))
		ret = -EEXIST;
	else
		list_add_tail(&s->list, &tlbf_strategies);
	mutex_unlock(&tlbf_strategies_lock);
	if (!ret)
		pr_info("strategy %s registered: %s\n", s->name, s->desc);
	return ret;
}
EXPORT_SYMBOL_GPL(tlbf_strategy_register);

/**
 * tlbf_strategy_unregister() - withdraw a strategy
 * @s: a registered strategy
 *
 * Users hold a reference on its module (tlbf_strategy_get()), so this runs
 * only when none is left. Process context.
 */
void tlbf_strategy_unregister(struct tlbf_strategy *s)
{
	mutex_lock(&tlbf_strategies_lock);
	list_del(&s->list);
	mutex_unlock(&tlbf_strategies_lock);
}
EXPORT_SYMBOL_GPL(tlbf_strategy_unregister);

/**
 * tlbf_strategy_get() - find a strategy by name and hold it
 * @name: its name
 *
 * Return: the strategy with a reference on its module (drop it with
 * tlbf_strategy_put(); none is taken on tlbflush itself, whose built-in
 * strategies live as long as any user), or NULL if none has that name.
 */
const struct tlbf_strategy *tlbf_strategy_get(const char *name)
{
	struct tlbf_strategy *s;

	mutex_lock(&tlbf_strategies_lock);
	s = tlbf_strategy_find(name);
	if (s && s->owner != THIS_MODULE && !try_module_get(s->owner))
		s = NULL;
	mutex_unlock(&tlbf_strategies_lock);
	return s;
}
EXPORT_SYMBOL_GPL(tlbf_strategy_get);

/**
 * tlbf_strategy_put() - drop what tlbf_strategy_get() took
 * @s: the strategy (NULL: nothing)
 */
void tlbf_strategy_put(const struct tlbf_strategy *s)
{
	if (s && s->owner != THIS_MODULE)
		module_put(s->owner);
}
EXPORT_SYMBOL_GPL(tlbf_strategy_put);

/**
 * tlbf_strategy_get_next() - iterate the registry, holding one at a time
 * @prev: NULL for the first, else the one returned last (it is put)
 *
 * For parameterized tests: each returned strategy is held until the next
 * call.
 *
 * Return: the next strategy, held; NULL after the last.
 */
const struct tlbf_strategy *
tlbf_strategy_get_next(const struct tlbf_strategy *prev)
{
	struct tlbf_strategy *s = NULL, *it;
	bool after = !prev;

	mutex_lock(&tlbf_strategies_lock);
	list_for_each_entry(it, &tlbf_strategies, list) {
		if (after && (it->owner == THIS_MODULE ||
			      try_module_get(it->owner))) {
			s = it;
			break;
		}
		if (it == prev)
			after = true;
	}
	mutex_unlock(&tlbf_strategies_lock);
	tlbf_strategy_put(prev);
	return s;
}
EXPORT_SYMBOL_GPL(tlbf_strategy_get_next);

/**
 * tlbf_strategy_threshold() - the FL6 threshold a strategy's stacks use
 * @s: the strategy
 *
 * Return: @s's own threshold, or tlbf_flush_all_threshold when it sets none.
 */
unsigned int tlbf_strategy_threshold(const struct tlbf_strategy *s)
{
	return s->threshold ? s->threshold : READ_ONCE(tlbf_flush_all_threshold);
}
EXPORT_SYMBOL_GPL(tlbf_strategy_threshold);

/**
 * struct tlbf_direct - one direct delivery, on the initiator's stack
 * @ops: what every target performs
 * @batch: frames, one reference per target
 * @pending: targets that have not acknowledged
 * @early_ack: acknowledge on arrival, flush after
 */
struct tlbf_direct {
	const struct tlbf_ops *ops;
	struct tlbf_batch *batch;
	struct cpumask *pending;
	bool early_ack;
};

/*
 * IPI handler of a direct delivery. With early_ack the CPU promises the
 * flush (it runs to the flush with IRQs off: nothing on this CPU can use
 * the old entries before), acknowledges, then flushes; @info may be gone
 * after the acknowledgment. The frames wait for the flush either way.
 */
static void __tlbf_hot tlbf_direct_ipi(void *info)
{
	struct tlbf_direct *dr = info;
	struct tlbf_batch *batch = dr->batch;
	int cpu = smp_processor_id();
	struct tlbf_ops ops;

	trace_tlbflush_ipi_enter(TLBF_TRACE_DIRECT);
	tlbf_stat_inc(TLBF_STAT_IPIS_RECEIVED);
	tlbf_ops_copy(&ops, dr->ops);
	if (dr->early_ack) {
		tlbf_tlb_promise(&ops);
		/* Promise and copies before the ack (@dr may go after it). */
		smp_mb__before_atomic();
		cpumask_clear_cpu(cpu, dr->pending);	/* ack: @dr may go */
		tlbf_perform(&ops);
	} else {
		tlbf_perform(&ops);
		/* Flushed, then acknowledged: pairs with tlbf_wait_pending(). */
		smp_mb__before_atomic();
		cpumask_clear_cpu(cpu, dr->pending);
	}
	tlbf_batch_put(batch);
	trace_tlbflush_ipi_exit(TLBF_TRACE_DIRECT, &ops);
}

static void __tlbf_hot tlbf_direct_local(struct tlbf_dispatch *d)
{
	tlbf_stat_inc(TLBF_STAT_LOCAL_FLUSHES);
	tlbf_perform(d->ops);
	tlbf_batch_put(d->batch);
}

/**
 * tlbf_deliver_direct() - Linux style: IPI every target, wait for acks
 * @fl: the flusher
 * @d: the dispatch
 * @early_ack: targets acknowledge before they flush (Amit et al.)
 * @local_last: flush this CPU only after every ack (DragonOS); else the
 *	local flush overlaps the remote ones (Linux flush_tlb_multi)
 *
 * One request shared by all targets (the flusher's ops), one IPI each, no
 * queue. Returns when every online target has acknowledged.
 *
 * Return: 0.
 */
int __tlbf_hot tlbf_deliver_direct(struct tlbf_flusher *fl,
				   struct tlbf_dispatch *d, bool early_ack,
				   bool local_last)
{
	struct tlbf_direct dr = {
		.ops = d->ops, .batch = d->batch, .pending = fl->pending,
		.early_ack = early_ack,
	};
	unsigned int n = cpumask_weight(d->remote);

	cpumask_copy(fl->pending, d->remote);
	d->ipis_sent += n;
	if (n) {
		tlbf_stat_add(TLBF_STAT_IPIS_SENT, n);
		smp_call_function_many(d->remote, tlbf_direct_ipi, &dr, false);
	}
	if (d->local && !local_last)
		tlbf_direct_local(d);
	tlbf_wait_pending(fl->pending);
	if (d->local && local_last)
		tlbf_direct_local(d);
	return 0;
}
EXPORT_SYMBOL_GPL(tlbf_deliver_direct);

/*
 * Queue @remote_ops for every CPU of d->remote, with one batch link each;
 * IPIs to those with none in flight if @send_ipi. Then the local flush.
 */
static int __tlbf_hot tlbf_deliver(struct tlbf_flusher *fl,
				   struct tlbf_dispatch *d,
				   const struct tlbf_ops *remote_ops,
				   bool send_ipi)
{
	struct cpumask *ipi = d->remote;
	unsigned int i = 0, sent;
	int cpu;

	for_each_cpu(cpu, ipi) {
		struct tlbf_batch_link *link = NULL;

		if (d->batch && !WARN_ON_ONCE(i >= d->batch->nr_links)) {
			link = &d->batch->link[i++];
			link->batch = d->batch;
		}
		__cpumask_set_cpu(cpu, fl->waitset);	/* @fl's own */
		if (!tlbf_queue_enqueue(cpu, remote_ops, link, !send_ipi) ||
		    (send_ipi && !tlbf_queue_send(cpu))) {
			__cpumask_clear_cpu(cpu, ipi);
			if (send_ipi)
				tlbf_stat_inc(TLBF_STAT_IPIS_COALESCED);
			d->ipis_coalesced += send_ipi;
		}
	}
	sent = cpumask_weight(ipi);
	d->ipis_sent += sent;
	if (sent)
		tlbf_stat_add(TLBF_STAT_IPIS_SENT, sent);
	/* The local flush overlaps the remote ones. */
	if (d->local)
		tlbf_direct_local(d);
	return 0;
}

/**
 * tlbf_deliver_queued() - FL7: queue the ops, IPI the targets, flush here
 * @fl: the flusher
 * @d: the dispatch (d->remote is used as the IPI mask)
 * @remote_ops: what the remote targets perform (usually d->ops)
 *
 * Returns at once; tlbf_flusher_wait() waits for the targets.
 *
 * Return: 0.
 */
int __tlbf_hot tlbf_deliver_queued(struct tlbf_flusher *fl,
				   struct tlbf_dispatch *d,
				   const struct tlbf_ops *remote_ops)
{
	return tlbf_deliver(fl, d, remote_ops, true);
}
EXPORT_SYMBOL_GPL(tlbf_deliver_queued);

/**
 * tlbf_deliver_lazy() - queue the ops without any IPI (LATR)
 * @fl: the flusher
 * @d: the dispatch
 *
 * Each remote target performs its queue when something runs it: its next
 * tlbf_queue_tick() (the lazy strategy's per-CPU tick), or a queue IPI of
 * another delivery that comes first. The local flush happens now.
 *
 * Return: 0.
 */
int tlbf_deliver_lazy(struct tlbf_flusher *fl, struct tlbf_dispatch *d)
{
	return tlbf_deliver(fl, d, d->ops, false);
}
EXPORT_SYMBOL_GPL(tlbf_deliver_lazy);

static int tlbf_strategies_show(struct seq_file *m, void *v)
{
	struct tlbf_strategy *s;

	mutex_lock(&tlbf_strategies_lock);
	list_for_each_entry(s, &tlbf_strategies, list)
		seq_printf(m, "%s threshold=%u%s %s\n", s->name,
			   tlbf_strategy_threshold(s),
			   s->flags & TLBF_STRAT_F_WAITS ? " waits" : "",
			   s->desc);
	mutex_unlock(&tlbf_strategies_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tlbf_strategies);

static struct tlbf_strategy *const tlbf_builtin[] = {
	&tlbf_strategy_async, &tlbf_strategy_sync, &tlbf_strategy_broadcast,
	&tlbf_strategy_linux, &tlbf_strategy_early_ack, &tlbf_strategy_lazy,
	&tlbf_strategy_dragonos,
};

/**
 * tlbf_strategies_init() - register the built-in strategies, debugfs file
 * @root: the module's debugfs directory
 *
 * Return: 0 or the error of a registration (none registered then).
 */
int tlbf_strategies_init(struct dentry *root)
{
	unsigned int i;
	int ret;

	ret = tlbf_lazy_init();
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(tlbf_builtin); i++) {
		tlbf_builtin[i]->owner = THIS_MODULE;
		ret = tlbf_strategy_register(tlbf_builtin[i]);
		if (ret) {
			while (i--)
				tlbf_strategy_unregister(tlbf_builtin[i]);
			tlbf_lazy_exit();
			return ret;
		}
	}
	debugfs_create_file("strategies", 0444, root, NULL,
			    &tlbf_strategies_fops);
	return 0;
}

/**
 * tlbf_strategies_exit() - unregister the built-in strategies
 */
void tlbf_strategies_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tlbf_builtin); i++)
		tlbf_strategy_unregister(tlbf_builtin[i]);
	tlbf_lazy_exit();
}
