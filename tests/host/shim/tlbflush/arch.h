/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host replacement of include/tlbflush/arch.h: nothing to invalidate in
 * user space, so the calls are counted and the last pages recorded, and
 * the tests check what the core code asked to flush.
 */
#ifndef _TLBFLUSH_ARCH_H
#define _TLBFLUSH_ARCH_H

#include "../shim_kernel.h"

#define SHIM_FLUSH_LOG	64

extern unsigned long shim_flush_page_calls;
extern unsigned long shim_flush_all_calls;
extern unsigned long shim_flush_all_global_calls;
extern unsigned long shim_flush_log[SHIM_FLUSH_LOG];	/* ring of page VAs */

/* Canonical width the host tests run with (48; 57 models LA57). */
extern unsigned int shim_va_bits;

static inline unsigned int tlbf_arch_va_bits(void)
{
	return shim_va_bits;
}

static inline void tlbf_arch_flush_page(unsigned long va)
{
	shim_flush_log[shim_flush_page_calls % SHIM_FLUSH_LOG] = va;
	shim_flush_page_calls++;
}

static inline void tlbf_arch_flush_all(void)
{
	shim_flush_all_calls++;
}

static inline void tlbf_arch_flush_all_global(void)
{
	shim_flush_all_global_calls++;
}

#endif /* _TLBFLUSH_ARCH_H */
