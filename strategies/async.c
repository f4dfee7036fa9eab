// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush strategy "async": Asterinas TlbFlusher (ostd/src/mm/tlb.rs).
 * dispatch() merges the ops into each target's per-CPU queue and sends one
 * IPI per target that has none in flight, flushes this CPU meanwhile, and
 * returns; sync() waits until every target published the completion of
 * what it was given (the 2026 Asterinas sync: ack after the flush).
 */
#include <linux/export.h>
#include "tlbflush/strategy.h"

static int tlbf_async_dispatch(struct tlbf_flusher *fl,
			       struct tlbf_dispatch *d)
{
	return tlbf_deliver_queued(fl, d, d->ops);
}

struct tlbf_strategy tlbf_strategy_async = {
	.name = "async",
	.desc = "Asterinas TlbFlusher: queue + IPI, local flush meanwhile; sync: acks after flush",
	.dispatch = tlbf_async_dispatch,
};
EXPORT_SYMBOL_GPL(tlbf_strategy_async);
