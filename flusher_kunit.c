// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: entry points for the KUnit suite only (built only with
 * CONFIG_KUNIT, exported with EXPORT_SYMBOL_IF_KUNIT): situations the
 * suite cannot reach from outside, such as a CPU that died before its
 * flush IPI ran (FL10).
 */
#include <kunit/visibility.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/smp.h>

#include "flusher_internal.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"

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
	if (tlbf_queue_enqueue(cpu, &fl->ops, batch ? &batch->link[0] : NULL,
			       false))
		tlbf_stat_inc(TLBF_STAT_IPIS_SENT);
	else
		tlbf_stat_inc(TLBF_STAT_IPIS_COALESCED);
	cpumask_set_cpu(cpu, fl->waitset);
	tlbf_ops_init_threshold(&fl->ops, fl->strategy->threshold);
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
		ret = tlbf_queue_cpu_dead(cpu);
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
	return smp_call_function_single(cpu, tlbf_queue_ipi, NULL, 1);
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_flusher_test_kick);
