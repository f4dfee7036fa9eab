// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush strategy "broadcast": DragonOS InactiveFlusher
 * (kernel/src/mm/page.rs): whatever the targets and ops, every other
 * online CPU flushes all (global entries too when a kernel-half page was
 * named, FL5); this CPU performs the ops if it is a target. No wait.
 */
#include <linux/export.h>
#include <linux/cpumask.h>

#include "tlbflush/flusher.h"
#include "tlbflush/strategy.h"

static const struct tlbf_ops tlbf_ops_all_local = { .all = true };

static void tlbf_broadcast_widen(const struct tlbf_flusher *fl,
				 struct cpumask *remote)
{
	cpumask_copy(remote, cpu_online_mask);
	__cpumask_clear_cpu(fl->cpu, remote);
}

static int tlbf_broadcast_dispatch(struct tlbf_flusher *fl,
				   struct tlbf_dispatch *d)
{
	return tlbf_deliver_queued(fl, d, d->ops->global ?
				   &tlbf_ops_all_global : &tlbf_ops_all_local);
}

struct tlbf_strategy tlbf_strategy_broadcast = {
	.name = "broadcast",
	.desc = "DragonOS InactiveFlusher: every other online CPU flushes all",
	.flags = TLBF_STRAT_F_BROADCAST,
	.widen = tlbf_broadcast_widen,
	.dispatch = tlbf_broadcast_dispatch,
};
EXPORT_SYMBOL_GPL(tlbf_strategy_broadcast);
