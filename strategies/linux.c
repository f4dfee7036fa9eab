// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush strategy "linux": what x86 flush_tlb_multi() does in 6.12
 * (arch/x86/mm/tlb.c, kernel/smp.c): one flush_tlb_info shared by every
 * target, smp_call_function_many_cond(..., SCF_WAIT | SCF_RUN_LOCAL): the
 * IPIs go out, the local flush runs while they are in flight, then the
 * initiator waits for each target's csd to complete (ack after the flush).
 * A range of more than tlb_single_page_flush_ceiling (33) pages is a full
 * flush: threshold 34 in FL6 terms. Not modelled: skipping CPUs in lazy
 * TLB mode (our targets are explicit).
 */
#include <linux/export.h>
#include "tlbflush/strategy.h"

static int tlbf_linux_dispatch(struct tlbf_flusher *fl, struct tlbf_dispatch *d)
{
	return tlbf_deliver_direct(fl, d, false, false);
}

struct tlbf_strategy tlbf_strategy_linux = {
	.name = "linux",
	.desc = "x86 flush_tlb_multi (6.12): IPIs, local flush meanwhile, wait; ceiling 33",
	.threshold = 34,
	.flags = TLBF_STRAT_F_WAITS,
	.dispatch = tlbf_linux_dispatch,
};
EXPORT_SYMBOL_GPL(tlbf_strategy_linux);
