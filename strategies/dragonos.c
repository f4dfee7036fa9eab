// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush strategy "dragonos": DragonOS kernel/src/mm/tlb.rs after PR
 * #1864 (2026): initiators are serialised by one lock; the initiator
 * sends the shootdown IPIs, waits for every remote ack, and only then
 * flushes its own TLB. A range of more than 33 pages is a full flush
 * (ceiling 33 with ">": threshold 34 in FL6 terms).
 *
 * The lock is a raw spinlock taken with preemption disabled and IRQs
 * enabled, so a CPU spinning on it still answers the holder's IPIs.
 */
#include <linux/export.h>
#include <linux/spinlock.h>

#include "tlbflush/strategy.h"

static DEFINE_RAW_SPINLOCK(tlbf_dragonos_lock);	/* one initiator at a time */

static int tlbf_dragonos_dispatch(struct tlbf_flusher *fl,
				  struct tlbf_dispatch *d)
{
	int err;

	raw_spin_lock(&tlbf_dragonos_lock);
	err = tlbf_deliver_direct(fl, d, false, true);
	raw_spin_unlock(&tlbf_dragonos_lock);
	return err;
}

struct tlbf_strategy tlbf_strategy_dragonos = {
	.name = "dragonos",
	.desc = "DragonOS #1864: one initiator lock, remote acks, then local flush; ceiling 33",
	.threshold = 34,
	.flags = TLBF_STRAT_F_WAITS,
	.dispatch = tlbf_dragonos_dispatch,
};
EXPORT_SYMBOL_GPL(tlbf_strategy_dragonos);
