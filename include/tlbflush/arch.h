/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: the only architecture-specific instructions of the test bed
 * (x86-64). Host tests replace this header with tests/host/shim/tlbflush/
 * arch.h, which counts the calls instead.
 */
#ifndef _TLBFLUSH_ARCH_H
#define _TLBFLUSH_ARCH_H

#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#ifndef CONFIG_X86_64
#error "tlbflush: only x86-64 is supported"
#endif

/**
 * tlbf_arch_va_bits() - width of a canonical address in the running mode
 *
 * Return: 57 under 5-level paging (LA57), else 48 (P2).
 */
static inline unsigned int tlbf_arch_va_bits(void)
{
	return pgtable_l5_enabled() ? 57 : 48;
}

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

/**
 * tlbf_arch_flush_all_global() - invalidate every translation on this CPU,
 *	global ones included (FL5)
 *
 * The kernel's own __flush_tlb_all(): it knows PGE, PCID and PTI (a CR3
 * reload alone leaves global entries). Any context.
 */
static inline void tlbf_arch_flush_all_global(void)
{
	preempt_disable();
	__flush_tlb_all();
	preempt_enable();
}

#endif /* _TLBFLUSH_ARCH_H */
