// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush strategy "sync": the async delivery (per-CPU queues, one IPI per
 * target), but dispatch waits for every target before it returns, as a
 * Linux caller of flush_tlb_range() sees it.
 */
#include <linux/export.h>
#include "tlbflush/strategy.h"

static int __tlbf_hot tlbf_sync_dispatch(struct tlbf_flusher *fl,
					 struct tlbf_dispatch *d)
{
	int err = tlbf_deliver_queued(fl, d, d->ops);

	if (!err)
		tlbf_flusher_wait(fl);
	return err;
}

struct tlbf_strategy tlbf_strategy_sync = {
	.name = "sync",
	.desc = "queue + IPI like async, dispatch waits for every target",
	.flags = TLBF_STRAT_F_WAITS,
	.dispatch = tlbf_sync_dispatch,
};
EXPORT_SYMBOL_GPL(tlbf_strategy_sync);
