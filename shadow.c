// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the shadow TLB (see include/tlbflush/shadow.h). Pure code,
 * also compiled in tests/host.
 */
#define pr_fmt(fmt) "tlbflush: " fmt

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <trace/events/tlbflush.h>

#include "tlbflush/ops.h"
#include "tlbflush/shadow.h"

struct tlbf_shadow *tlbf_shadow_active;
EXPORT_SYMBOL_GPL(tlbf_shadow_active);

static unsigned int tlbf_reports_printed;

/**
 * tlbf_oracle_report() - count a stale access or an oracle violation, and
 *	print it (the first TLBF_ORACLE_REPORTS_MAX since the last reset)
 * @stat: TLBF_STAT_STALE_READS, _STALE_WRITES or _ORACLE_VIOLATIONS
 * @fmt: what happened: CPU, VA, frames, op (no trailing newline)
 *
 * Any context. A report is an error line ("tlbflush: oracle: ..."), not a
 * WARN: the KUnit cases that inject faults provoke them on purpose.
 */
void tlbf_oracle_report(enum tlbf_stat stat, const char *fmt, ...)
{
	unsigned int n = READ_ONCE(tlbf_reports_printed);
	char msg[192];
	va_list args;

	tlbf_stat_inc(stat);
	/* Traced every time; printed the first TLBF_ORACLE_REPORTS_MAX. */
	if (n >= TLBF_ORACLE_REPORTS_MAX && !trace_tlbflush_oracle_report_enabled())
		return;
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	trace_tlbflush_oracle_report(tlbf_stat_names[stat], msg);
	if (n >= TLBF_ORACLE_REPORTS_MAX)
		return;
	WRITE_ONCE(tlbf_reports_printed, n + 1);
	pr_err("oracle: %s: %s\n", tlbf_stat_names[stat], msg);
}
EXPORT_SYMBOL_GPL(tlbf_oracle_report);

/**
 * tlbf_oracle_reports_reset() - print the next reports again
 */
void tlbf_oracle_reports_reset(void)
{
	WRITE_ONCE(tlbf_reports_printed, 0);
}
EXPORT_SYMBOL_GPL(tlbf_oracle_reports_reset);

/**
 * tlbf_shadow_note_stack() - hold a stack about to be performed to FL6
 * @all: the stack is "flush all"
 * @nr_pages: pages of its op list
 * @threshold: the stack's FL6 threshold (tlbf_ops_threshold())
 * @va: the first page of the stack, for the report
 *
 * While a shadow is active, a stack of @nr_pages >= the threshold that is
 * performed page by page is an oracle violation: FL6 says it must have
 * become "flush all" (pending + new >= threshold).
 */
void tlbf_shadow_note_stack(bool all, unsigned int nr_pages,
			    unsigned int threshold, unsigned long va)
{
	if (!READ_ONCE(tlbf_shadow_active) || all || nr_pages < threshold)
		return;
	tlbf_oracle_report(TLBF_STAT_ORACLE_VIOLATIONS,
			   "cpu%u performs a stack of %u pages from va %#lx page by page; FL6 (pending + new >= %u) makes it flush all",
			   raw_smp_processor_id(), nr_pages, va, threshold);
}
EXPORT_SYMBOL_GPL(tlbf_shadow_note_stack);

static u64 *tlbf_shadow_ent(const struct tlbf_shadow *sh, unsigned int cpu,
			    unsigned long va)
{
	unsigned long idx = (va - sh->base) >> TLBF_PAGE_SHIFT;

	if (cpu >= sh->nr_cpus || va < sh->base || idx >= sh->nr_pages)
		return NULL;
	return &sh->ent[(unsigned long)cpu * sh->nr_pages + idx];
}

/**
 * tlbf_shadow_create() - an empty shadow TLB
 * @base: first page covered (page aligned)
 * @nr_pages: pages covered, at least 1
 * @nr_cpus: CPUs modelled, at least 1
 *
 * Process context (GFP_KERNEL).
 *
 * Return: the shadow, ERR_PTR(-EINVAL) for bad arguments, ERR_PTR(-ENOMEM).
 */
struct tlbf_shadow *tlbf_shadow_create(unsigned long base,
				       unsigned long nr_pages,
				       unsigned int nr_cpus)
{
	struct tlbf_shadow *sh;

	if (!nr_pages || !nr_cpus || (base & (TLBF_PAGE_SIZE - 1)) ||
	    nr_pages > (ULONG_MAX - base) >> TLBF_PAGE_SHIFT ||
	    nr_pages > SIZE_MAX / sizeof(u64) / nr_cpus)
		return ERR_PTR(-EINVAL);
	sh = kzalloc(sizeof(*sh), GFP_KERNEL);
	if (!sh)
		return ERR_PTR(-ENOMEM);
	sh->ent = kvcalloc((size_t)nr_cpus * nr_pages, sizeof(u64), GFP_KERNEL);
	if (!sh->ent) {
		kfree(sh);
		return ERR_PTR(-ENOMEM);
	}
	sh->base = base;
	sh->nr_pages = nr_pages;
	sh->nr_cpus = nr_cpus;
	return sh;
}
EXPORT_SYMBOL_GPL(tlbf_shadow_create);

/**
 * tlbf_shadow_destroy() - free a shadow (NULL or ERR_PTR ignored)
 * @sh: the shadow, not active
 */
void tlbf_shadow_destroy(struct tlbf_shadow *sh)
{
	if (IS_ERR_OR_NULL(sh))
		return;
	kvfree(sh->ent);
	kfree(sh);
}
EXPORT_SYMBOL_GPL(tlbf_shadow_destroy);

/**
 * tlbf_shadow_load() - @cpu may now cache @pte for @va
 * @sh: the shadow
 * @cpu: the CPU that read through @va (call on that CPU)
 * @va: the page (outside the shadow: ignored)
 * @pte: the leaf entry the read went through (absent: nothing cached)
 */
void tlbf_shadow_load(struct tlbf_shadow *sh, unsigned int cpu,
		      unsigned long va, tlbf_pte_t pte)
{
	u64 *e = tlbf_shadow_ent(sh, cpu, va & ~(TLBF_PAGE_SIZE - 1));

	if (e && tlbf_pte_present(pte))
		WRITE_ONCE(*e, pte);
}
EXPORT_SYMBOL_GPL(tlbf_shadow_load);

/**
 * tlbf_shadow_flush_page() - @cpu performed invlpg of @va
 * @sh: the shadow
 * @cpu: the CPU (call on that CPU)
 * @va: any address in the page
 */
void tlbf_shadow_flush_page(struct tlbf_shadow *sh, unsigned int cpu,
			    unsigned long va)
{
	u64 *e = tlbf_shadow_ent(sh, cpu, va & ~(TLBF_PAGE_SIZE - 1));

	if (e)
		WRITE_ONCE(*e, 0);
}
EXPORT_SYMBOL_GPL(tlbf_shadow_flush_page);

/**
 * tlbf_shadow_flush_all() - @cpu performed a full flush
 * @sh: the shadow
 * @cpu: the CPU (call on that CPU)
 * @global: global entries went too; else they stay (CR3 reload)
 */
void tlbf_shadow_flush_all(struct tlbf_shadow *sh, unsigned int cpu,
			   bool global)
{
	unsigned long i;
	u64 *row, v;

	if (cpu >= sh->nr_cpus)
		return;
	row = &sh->ent[(unsigned long)cpu * sh->nr_pages];
	for (i = 0; i < sh->nr_pages; i++) {
		v = READ_ONCE(row[i]);
		if (v && (global || !(v & TLBF_PTE_G)))
			WRITE_ONCE(row[i], 0);
	}
}
EXPORT_SYMBOL_GPL(tlbf_shadow_flush_all);

/**
 * tlbf_shadow_forget_cpu() - @cpu went offline: its TLB is gone
 * @sh: the shadow
 * @cpu: the CPU
 */
void tlbf_shadow_forget_cpu(struct tlbf_shadow *sh, unsigned int cpu)
{
	tlbf_shadow_flush_all(sh, cpu, true);
}
EXPORT_SYMBOL_GPL(tlbf_shadow_forget_cpu);

/**
 * tlbf_shadow_promise() - @cpu promised to perform @ops before any use
 * @sh: the shadow
 * @cpu: the CPU (call on that CPU, IRQs off until it performs @ops)
 * @ops: what it will perform
 *
 * Marks the entries @ops will drop TLBF_SHADOW_PROMISED: they still count
 * as held (check (b)), not as usable (check (a)).
 */
void tlbf_shadow_promise(struct tlbf_shadow *sh, unsigned int cpu,
			 const struct tlbf_ops *ops)
{
	unsigned long i, p, nr;
	u64 *e, v;

	if (cpu >= sh->nr_cpus)
		return;
	if (ops->all) {
		for (i = 0; i < sh->nr_pages; i++) {
			e = &sh->ent[(unsigned long)cpu * sh->nr_pages + i];
			v = READ_ONCE(*e);
			if (v && (ops->global || !(v & TLBF_PTE_G)))
				WRITE_ONCE(*e, v | TLBF_SHADOW_PROMISED);
		}
		return;
	}
	for (i = 0; i < ops->nr_ops; i++) {
		nr = tlbf_op_nr_pages(ops->ops[i]);
		for (p = 0; p < nr; p++) {
			e = tlbf_shadow_ent(sh, cpu, tlbf_op_va(ops->ops[i]) +
					    p * TLBF_PAGE_SIZE);
			v = e ? READ_ONCE(*e) : 0;
			if (v)
				WRITE_ONCE(*e, v | TLBF_SHADOW_PROMISED);
		}
	}
}
EXPORT_SYMBOL_GPL(tlbf_shadow_promise);

/**
 * tlbf_shadow_held() - what @cpu may cache for @va
 * @sh: the shadow
 * @cpu: the CPU
 * @va: any address in the page
 *
 * Return: the leaf entry, 0 if nothing (or @va/@cpu outside the shadow).
 */
tlbf_pte_t tlbf_shadow_held(const struct tlbf_shadow *sh, unsigned int cpu,
			    unsigned long va)
{
	u64 *e = tlbf_shadow_ent(sh, cpu, va & ~(TLBF_PAGE_SIZE - 1));

	return e ? READ_ONCE(*e) : 0;
}
EXPORT_SYMBOL_GPL(tlbf_shadow_held);

/**
 * tlbf_shadow_holder() - may any CPU still reach the frame at @pa? (b)
 * @sh: the shadow
 * @pa: the frame's physical address
 * @cpus: bitmap of the CPUs to ask (the online ones), NULL for all
 * @cpu: out: the first CPU found
 * @va: out: the page it reaches @pa through
 *
 * A CPU outside @cpus is not asked: a CPU that left the online set runs
 * nothing that reaches the window again and comes back with an empty TLB
 * (FL10), though its row is forgotten only later, when the CPU-dead
 * callback runs (tlbf_shadow_forget_cpu()). Frames released in between
 * are not reachable through it.
 *
 * Return: true if some CPU of @cpus may still hold a translation to @pa.
 */
bool tlbf_shadow_holder(const struct tlbf_shadow *sh, phys_addr_t pa,
			const unsigned long *cpus, unsigned int *cpu,
			unsigned long *va)
{
	const unsigned int bits = 8 * sizeof(long);
	unsigned long i;
	unsigned int c;
	u64 v;

	for (c = 0; c < sh->nr_cpus; c++) {
		const u64 *row = &sh->ent[(unsigned long)c * sh->nr_pages];

		if (cpus && !(READ_ONCE(cpus[c / bits]) >> (c % bits) & 1))
			continue;
		for (i = 0; i < sh->nr_pages; i++) {
			v = READ_ONCE(row[i]);
			if (tlbf_pte_present(v) && tlbf_pte_pa(v) == pa) {
				*cpu = c;
				*va = sh->base + (i << TLBF_PAGE_SHIFT);
				return true;
			}
		}
	}
	return false;
}
EXPORT_SYMBOL_GPL(tlbf_shadow_holder);

/**
 * tlbf_shadow_count() - translations @cpu may hold
 * @sh: the shadow
 * @cpu: the CPU
 *
 * Return: the number of non-empty entries of @cpu.
 */
unsigned long tlbf_shadow_count(const struct tlbf_shadow *sh,
				unsigned int cpu)
{
	unsigned long i, n = 0;

	if (cpu >= sh->nr_cpus)
		return 0;
	for (i = 0; i < sh->nr_pages; i++)
		n += !!READ_ONCE(sh->ent[(unsigned long)cpu * sh->nr_pages + i]);
	return n;
}
EXPORT_SYMBOL_GPL(tlbf_shadow_count);
