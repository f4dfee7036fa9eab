// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush strategy "lazy": LATR (Kumar et al., ASPLOS'18), lazy
 * translation coherence. dispatch sends no IPI: it queues the ops for each
 * target and flushes this CPU. Each target performs its queue at its next
 * tick, a per-CPU pinned hrtimer of one jiffy standing for the scheduler
 * tick (a module cannot hook scheduler entry). The frames are released
 * only once every target has passed such a point (the queue's frame
 * batch references), and sync waits for that (the queues' sequence
 * numbers). The ticks start with the first lazy dispatch and stop at
 * unload; CPU hotplug starts and stops each CPU's tick (the offline
 * callback runs on the dying CPU).
 */
#include <linux/export.h>
#include <linux/atomic.h>
#include <linux/cpuhotplug.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/smp.h>

#include "tlbflush/strategy.h"

static DEFINE_PER_CPU(struct hrtimer, tlbf_lazy_timer);
static atomic_t tlbf_lazy_armed = ATOMIC_INIT(0);
static int tlbf_lazy_cpuhp = -1;

static enum hrtimer_restart tlbf_lazy_tick(struct hrtimer *t)
{
	tlbf_queue_tick();
	if (!atomic_read(&tlbf_lazy_armed))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(TICK_NSEC));
	return HRTIMER_RESTART;
}

/* On the CPU itself (IPI or hotplug online callback). */
static void tlbf_lazy_start_here(void *info)
{
	struct hrtimer *t = this_cpu_ptr(&tlbf_lazy_timer);

	if (!hrtimer_active(t))
		hrtimer_start(t, ns_to_ktime(TICK_NSEC),
			      HRTIMER_MODE_REL_PINNED);
}

static int tlbf_lazy_cpu_online(unsigned int cpu)
{
	if (atomic_read(&tlbf_lazy_armed))
		tlbf_lazy_start_here(NULL);
	return 0;
}

static int tlbf_lazy_cpu_offline(unsigned int cpu)
{
	hrtimer_cancel(this_cpu_ptr(&tlbf_lazy_timer));
	return 0;
}

static int tlbf_lazy_dispatch(struct tlbf_flusher *fl, struct tlbf_dispatch *d)
{
	/* The first lazy dispatch starts every online CPU's tick. */
	if (!atomic_read(&tlbf_lazy_armed) &&
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
		struct hrtimer *t = per_cpu_ptr(&tlbf_lazy_timer, cpu);

		hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
		t->function = tlbf_lazy_tick;
	}
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN,
					"tlbflush/lazy:online",
					tlbf_lazy_cpu_online,
					tlbf_lazy_cpu_offline);
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
	if (tlbf_lazy_cpuhp >= 0)
		cpuhp_remove_state_nocalls(tlbf_lazy_cpuhp);
	tlbf_lazy_cpuhp = -1;
	for_each_possible_cpu(cpu)
		hrtimer_cancel(per_cpu_ptr(&tlbf_lazy_timer, cpu));
}

struct tlbf_strategy tlbf_strategy_lazy = {
	.name = "lazy",
	.desc = "LATR ASPLOS'18: no IPI, targets flush at their next tick",
	.flags = TLBF_STRAT_F_NO_IPI,
	.dispatch = tlbf_lazy_dispatch,
};
EXPORT_SYMBOL_GPL(tlbf_strategy_lazy);
