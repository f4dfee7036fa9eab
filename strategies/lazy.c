// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush strategy "lazy": LATR (Kumar et al., ASPLOS'18), lazy
 * translation coherence. dispatch sends no IPI: it queues the ops for each
 * target and flushes this CPU. Each target performs its queue at its next
 * tick, a per-CPU pinned hrtimer of one jiffy standing for the scheduler
 * tick (a module cannot hook scheduler entry). The frames are released
 * only once every target has passed such a point (the queue's frame
 * batch references), and sync waits for that (the queues' sequence
 * numbers).
 *
 * A target whose tick does not come must not stall its waiters: a waiter
 * kicks a queue whose tick is late (flush_queue.c, tlbf_wait_cpu()). An
 * idle CPU still ticks (an hrtimer wakes it, NOHZ or not); an offline CPU
 * is drained by the CPU-dead callback (FL10).
 *
 * Ticks: they start with the first lazy dispatch to a remote CPU and stop
 * at unload. CPU hotplug stops a CPU's tick at the start of its offlining
 * and starts it again when it is back (the callbacks run on that CPU);
 * @on says whether the CPU may tick, so that a start request (the first
 * dispatch's IPI) that arrives after the stop does not leave a tick
 * running into the CPU's death, where the hotplug core would migrate it
 * to another CPU.
 */
#include <linux/export.h>
#include <linux/atomic.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/hrtimer.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/smp.h>

#include "tlbflush/strategy.h"

/**
 * struct tlbf_lazy_tick - one CPU's tick
 * @timer: the tick, pinned to the CPU
 * @on: the CPU may tick (written on the CPU with IRQs disabled)
 */
struct tlbf_lazy_tick {
	struct hrtimer timer;
	bool on;
};

static DEFINE_PER_CPU(struct tlbf_lazy_tick, tlbf_lazy_ticks);
static atomic_t tlbf_lazy_armed = ATOMIC_INIT(0);
static int tlbf_lazy_cpuhp = -1;

static enum hrtimer_restart tlbf_lazy_tick(struct hrtimer *t)
{
	struct tlbf_lazy_tick *lt = container_of(t, struct tlbf_lazy_tick,
						 timer);

	/* Never on another CPU than its own; if so, it ends. */
	if (lt != this_cpu_ptr(&tlbf_lazy_ticks))
		return HRTIMER_NORESTART;
	tlbf_queue_tick();
	if (!READ_ONCE(lt->on) || !atomic_read(&tlbf_lazy_armed))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(TICK_NSEC));
	return HRTIMER_RESTART;
}

/* On the CPU itself, IRQs disabled (IPI, or the online callback). */
static void tlbf_lazy_start_here(void *info)
{
	struct tlbf_lazy_tick *lt = this_cpu_ptr(&tlbf_lazy_ticks);

	if (lt->on && atomic_read(&tlbf_lazy_armed) &&
	    !hrtimer_active(&lt->timer))
		hrtimer_start(&lt->timer, ns_to_ktime(TICK_NSEC),
			      HRTIMER_MODE_REL_PINNED);
}

/* CPU hotplug (and set-up), on the CPU: it may tick. */
static int tlbf_lazy_cpu_online(unsigned int cpu)
{
	local_irq_disable();
	this_cpu_ptr(&tlbf_lazy_ticks)->on = true;
	tlbf_lazy_start_here(NULL);
	local_irq_enable();
	return 0;
}

/* CPU hotplug (and unload), on the CPU: it ticks no more. */
static int tlbf_lazy_cpu_offline(unsigned int cpu)
{
	struct tlbf_lazy_tick *lt = this_cpu_ptr(&tlbf_lazy_ticks);

	local_irq_disable();
	lt->on = false;
	local_irq_enable();
	hrtimer_cancel(&lt->timer);
	return 0;
}

static int tlbf_lazy_dispatch(struct tlbf_flusher *fl, struct tlbf_dispatch *d)
{
	/*
	 * The first lazy dispatch to a remote CPU (so IPIs can be sent
	 * here, FL7) starts every online CPU's tick.
	 */
	if (!cpumask_empty(d->remote) && !atomic_read(&tlbf_lazy_armed) &&
	    !atomic_cmpxchg(&tlbf_lazy_armed, 0, 1))
		on_each_cpu(tlbf_lazy_start_here, NULL, 1);
	return tlbf_deliver_lazy(fl, d);
}

/**
 * tlbf_lazy_init() - prepare the ticks (not started yet)
 *
 * Return: 0 or a CPU hotplug error.
 */
int tlbf_lazy_init(void)
{
	int cpu, ret;

	for_each_possible_cpu(cpu) {
		struct tlbf_lazy_tick *lt = per_cpu_ptr(&tlbf_lazy_ticks, cpu);

		hrtimer_init(&lt->timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED);
		lt->timer.function = tlbf_lazy_tick;
		lt->on = false;
	}
	/* Runs the online callback on every online CPU (@on, no tick yet). */
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "tlbflush/lazy:online",
				tlbf_lazy_cpu_online, tlbf_lazy_cpu_offline);
	if (ret < 0)
		return ret;
	tlbf_lazy_cpuhp = ret;
	return 0;
}

/**
 * tlbf_lazy_exit() - stop the ticks (module exit, after the last flush)
 */
void tlbf_lazy_exit(void)
{
	int cpu;

	atomic_set(&tlbf_lazy_armed, 0);
	/* The offline callback on every online CPU: each tick stops. */
	if (tlbf_lazy_cpuhp >= 0)
		cpuhp_remove_state(tlbf_lazy_cpuhp);
	tlbf_lazy_cpuhp = -1;
	for_each_possible_cpu(cpu)
		hrtimer_cancel(&per_cpu_ptr(&tlbf_lazy_ticks, cpu)->timer);
}

struct tlbf_strategy tlbf_strategy_lazy = {
	.name = "lazy",
	.desc = "LATR ASPLOS'18: no IPI, targets flush at their next tick",
	.flags = TLBF_STRAT_F_NO_IPI,
	.dispatch = tlbf_lazy_dispatch,
};
EXPORT_SYMBOL_GPL(tlbf_strategy_lazy);
