// SPDX-License-Identifier: GPL-2.0
/*
 * tlbf_trace_misuse.ko: one deliberate misuse for tools/vm/scenarios/trace.sh
 * on kernels without fault injection: at load, sync a flusher with IRQs
 * disabled (FL9: refused with -EDEADLK, counted in sync_refused_irqs_off,
 * reported, traced as tlbflush_misuse). Load it with tlbflush's
 * warn_on_misuse=0, or the report is a WARN.
 */
#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/preempt.h>

#include "tlbflush/flusher.h"
#include "tlbflush/strategy.h"

static struct cpumask tlbf_misuse_targets;

static int __init tlbf_trace_misuse_init(void)
{
	struct tlbf_flusher fl;
	unsigned long flags;
	int err;

	cpumask_copy(&tlbf_misuse_targets, cpu_online_mask);
	preempt_disable();
	err = tlbf_flusher_init(&fl, &tlbf_misuse_targets, &tlbf_strategy_async);
	if (!err) {
		local_irq_save(flags);
		err = tlbf_flusher_sync(&fl);
		local_irq_restore(flags);
		tlbf_flusher_finish(&fl);
	}
	preempt_enable();
	pr_info("tlbf_trace_misuse: sync with IRQs disabled returned %d\n", err);
	return err == -EDEADLK ? 0 : -EINVAL;
}

static void __exit tlbf_trace_misuse_exit(void)
{
}

module_init(tlbf_trace_misuse_init);
module_exit(tlbf_trace_misuse_exit);
MODULE_IMPORT_NS(TLBFLUSH);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tlbflush: one deliberate misuse, for the trace scenario");
