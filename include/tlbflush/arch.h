/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: the only architecture-specific instructions of the test bed
 * (x86-64). Host tests replace this header with tests/host/shim/tlbflush/
 * arch.h, which counts the calls instead.
 */
#ifndef _TLBFLUSH_ARCH_H
#define _TLBFLUSH_ARCH_H

#include <linux/irqflags.h>
#include <asm/special_insns.h>

#ifndef CONFIG_X86_64
#error "tlbflush: only x86-64 is supported"
#endif

/**
 * tlbf_arch_flush_page() - invalidate one page's translation on this CPU
 * @va: any address in the page
 *
 * INVLPG; it also drops the paging-structure caches, so it is enough after
 * page tables were unlinked (Intel SDM 4.10.4.1).
 */
static inline void tlbf_arch_flush_page(unsigned long va)
{
	asm volatile("invlpg (%0)" : : "r" (va) : "memory");
}

/**
 * tlbf_arch_flush_all() - invalidate every non-global translation on this CPU
 *
 * Reloads CR3 with its own value, with IRQs disabled so that no context
 * switch happens between the read and the write.
 */
static inline void tlbf_arch_flush_all(void)
{
	unsigned long flags;

	local_irq_save(flags);
	native_write_cr3(__native_read_cr3());
	local_irq_restore(flags);
}

#endif /* _TLBFLUSH_ARCH_H */
