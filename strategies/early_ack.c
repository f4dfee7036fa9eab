// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush strategy "early-ack": Amit et al., "Don't shoot down TLB
 * shootdowns!" (EuroSys'20), early acknowledgment. A target acknowledges
 * as soon as the IPI arrives, then flushes. It is safe because the target
 * runs to the flush with IRQs off, so nothing on it can use the old
 * translations in between (the handler promises the flush to the
 * oracle's shadow TLB), and only while the frames are not released on
 * that ack: they wait for the flush itself (the frame batch). dispatch
 * returns when every target acknowledged.
 */
#include <linux/export.h>
#include "tlbflush/strategy.h"

static int tlbf_early_ack_dispatch(struct tlbf_flusher *fl,
				   struct tlbf_dispatch *d)
{
	return tlbf_deliver_direct(fl, d, true, false);
}

struct tlbf_strategy tlbf_strategy_early_ack = {
	.name = "early-ack",
	.desc = "Amit et al. EuroSys'20: ack on arrival, flush after; frames wait",
	.flags = TLBF_STRAT_F_WAITS,
	.dispatch = tlbf_early_ack_dispatch,
};
EXPORT_SYMBOL_GPL(tlbf_strategy_early_ack);
