/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: the shadow TLB, a deterministic model of which translations
 * each CPU may hold (issue 8, ARCHITECTURE.md FL4, FL5, FL8). Pure code:
 * compiled in the module and, unchanged, in tests/host.
 *
 * A shadow covers one run of pages [base, base + nr_pages * 4K) and
 * nr_cpus CPUs. Entry (cpu, page) is the leaf entry value that CPU may
 * have cached for the page (0: none). It is set when the CPU could load
 * the translation (tlbf_shadow_load(): a live read through the window),
 * and cleared only by a flush that CPU really performed
 * (tlbf_shadow_flush_page(), tlbf_shadow_flush_all()), or when the CPU
 * went offline (its TLB is gone). A CR3 reload keeps global entries.
 *
 * So detection does not depend on when a real TLB happens to evict: the
 * checks ask the model, not the hardware.
 *  (a) tlbf_shadow_stale(): after sync, a target that still holds an
 *      entry that differs from the tables (other frame, or writable where
 *      the tables say read-only, or anything where they say absent);
 *  (b) tlbf_shadow_holder(): a frame about to return to its pool that
 *      some online CPU may still reach (an offline CPU's TLB is gone).
 *
 * Concurrency: entry (cpu, ...) is written only on that CPU (or by the
 * owner while the CPU is offline) and read anywhere, with READ_ONCE /
 * WRITE_ONCE of whole 64-bit words. No lock: the notes run in IPI
 * handlers.
 */
#ifndef _TLBFLUSH_SHADOW_H
#define _TLBFLUSH_SHADOW_H

#include <linux/types.h>

#include "tlbflush/arch.h"
#include "tlbflush/ops.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"

/**
 * struct tlbf_shadow - the per-CPU model of cached translations
 * @base: first page covered
 * @nr_pages: pages covered
 * @nr_cpus: CPUs modelled (0..nr_cpus-1)
 * @ent: @nr_cpus rows of @nr_pages leaf entries (0: nothing cached)
 */
struct tlbf_shadow {
	unsigned long base;
	unsigned long nr_pages;
	unsigned int nr_cpus;
	u64 *ent;
};

/*
 * Software bit of a shadow entry (ignored by the MMU, unused by the mapper):
 * the CPU promised to flush the entry before it can use it again (an
 * early acknowledgment from inside the flush IPI). Check (a) accepts a
 * promised entry, check (b) does not: the CPU still holds it.
 */
#define TLBF_SHADOW_PROMISED	BIT_ULL(10)

/* Bits of an entry whose change makes a cached copy stale. */
#define TLBF_SHADOW_MATCH_MASK	(TLBF_PTE_ADDR_MASK | TLBF_PTE_P | TLBF_PTE_RW)

struct tlbf_shadow *tlbf_shadow_create(unsigned long base,
				       unsigned long nr_pages,
				       unsigned int nr_cpus);
void tlbf_shadow_destroy(struct tlbf_shadow *sh);
void tlbf_shadow_load(struct tlbf_shadow *sh, unsigned int cpu,
		      unsigned long va, tlbf_pte_t pte);
void tlbf_shadow_flush_page(struct tlbf_shadow *sh, unsigned int cpu,
			    unsigned long va);
void tlbf_shadow_flush_all(struct tlbf_shadow *sh, unsigned int cpu,
			   bool global);
void tlbf_shadow_forget_cpu(struct tlbf_shadow *sh, unsigned int cpu);
void tlbf_shadow_promise(struct tlbf_shadow *sh, unsigned int cpu,
			 const struct tlbf_ops *ops);
tlbf_pte_t tlbf_shadow_held(const struct tlbf_shadow *sh, unsigned int cpu,
			    unsigned long va);
bool tlbf_shadow_holder(const struct tlbf_shadow *sh, phys_addr_t pa,
			const unsigned long *cpus, unsigned int *cpu,
			unsigned long *va);
unsigned long tlbf_shadow_count(const struct tlbf_shadow *sh,
				unsigned int cpu);

/**
 * tlbf_shadow_stale() - is a cached entry stale against the tables? (a)
 * @held: what the CPU may have cached (0: nothing)
 * @cur: the entry in the tables now (0: absent)
 *
 * Return: true if @held maps another frame than @cur, or is writable where
 * @cur is not, or exists where @cur is absent. A read-only copy of a now
 * writable entry is not stale (the access faults and is retried).
 */
static inline bool tlbf_shadow_stale(tlbf_pte_t held, tlbf_pte_t cur)
{
	if (!tlbf_pte_present(held))
		return false;
	if (!tlbf_pte_present(cur))
		return true;
	if (tlbf_pte_pa(held) != tlbf_pte_pa(cur))
		return true;
	return (held & TLBF_PTE_RW) && !(cur & TLBF_PTE_RW);
}

/* Reports printed per oracle run; the rest are only counted. */
#define TLBF_ORACLE_REPORTS_MAX	16

__printf(2, 3)
void tlbf_oracle_report(enum tlbf_stat stat, const char *fmt, ...);
void tlbf_oracle_reports_reset(void);
void tlbf_shadow_note_stack(bool all, unsigned int nr_pages,
			    unsigned int threshold, unsigned long va);

/*
 * The shadow the running CPU's flushes are noted in (NULL: none). Set by
 * the oracle; the notes below read it with IRQs or preemption disabled,
 * so an RCU grace period after clearing it ends every note in flight.
 */
extern struct tlbf_shadow *tlbf_shadow_active;

/**
 * tlbf_tlb_flush_page() - invlpg on this CPU, noted in the active shadow
 * @va: any address in the page
 */
static inline void tlbf_tlb_flush_page(unsigned long va)
{
	struct tlbf_shadow *sh = READ_ONCE(tlbf_shadow_active);

	tlbf_arch_flush_page(va);
	if (unlikely(sh))
		tlbf_shadow_flush_page(sh, raw_smp_processor_id(), va);
}

/**
 * tlbf_tlb_flush_all() - full flush on this CPU, noted in the shadow
 * @global: drop global translations too (FL5), else a CR3 reload
 */
static inline void tlbf_tlb_flush_all(bool global)
{
	struct tlbf_shadow *sh = READ_ONCE(tlbf_shadow_active);

	if (global)
		tlbf_arch_flush_all_global();
	else
		tlbf_arch_flush_all();
	if (unlikely(sh))
		tlbf_shadow_flush_all(sh, raw_smp_processor_id(), global);
}

/**
 * tlbf_tlb_promise() - this CPU promises to perform @ops before it can use
 *	the translations they name (noted in the active shadow)
 * @ops: the stack the CPU is about to perform, IRQs off
 */
static inline void tlbf_tlb_promise(const struct tlbf_ops *ops)
{
	struct tlbf_shadow *sh = READ_ONCE(tlbf_shadow_active);

	if (unlikely(sh))
		tlbf_shadow_promise(sh, raw_smp_processor_id(), ops);
}

#endif /* _TLBFLUSH_SHADOW_H */
