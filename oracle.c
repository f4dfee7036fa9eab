// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the stale-translation oracle (see include/tlbflush/oracle.h).
 *
 * A round of a scenario, on one initiating CPU (migration disabled, as
 * FL1 asks of a flusher's user):
 *
 *   map N pages in the live window, write each frame's canary
 *   every target reads every page (loads the translation; shadow notes it)
 *   the mapper changes the pages (remap / unmap / protect), each request
 *   goes to the flusher; dispatch; [a target goes offline]; sync
 *   shadow check (a) on every online target
 *   every online target reads again (and tries a store for protect)
 *   clean up: unmap what is left through the same flusher, sync
 *
 * The pool observer checks (b) at every frame's last put and poisons the
 * frame when it is really free; the CPU hotplug callbacks forget an
 * offline CPU's shadow row and check FL10 when it comes back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/cpu.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "tlbflush/flusher.h"
#include "tlbflush/inject.h"
#include "tlbflush/live.h"
#include "tlbflush/oracle.h"
#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"
#include "tlbflush/shadow.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"

/* Canary: magic, generation (24 bits), frame id (pfn, 24 bits). */
#define TLBF_CANARY_MAGIC	0xca4aUL
#define TLBF_CANARY_OFF0	0
#define TLBF_CANARY_OFF1	2048
#define TLBF_POISON_BYTE	0x6a	/* bit 0 clear: a poisoned table is empty */
#define TLBF_POISON_WORD	0x6a6a6a6a6a6a6a6aULL

const char *const tlbf_oracle_target_names[TLBF_ORACLE_NR_TARGETS] = {
	[TLBF_ORACLE_ONE] = "one",
	[TLBF_ORACLE_OTHERS] = "others",
	[TLBF_ORACLE_ALL] = "all",
};
EXPORT_SYMBOL_IF_KUNIT(tlbf_oracle_target_names);

const char *const tlbf_oracle_change_names[TLBF_ORACLE_NR_CHANGES] = {
	[TLBF_ORACLE_REMAP] = "remap",
	[TLBF_ORACLE_UNMAP] = "unmap",
	[TLBF_ORACLE_PROTECT] = "protect",
};
EXPORT_SYMBOL_IF_KUNIT(tlbf_oracle_change_names);

/**
 * struct tlbf_oracle_page - what the oracle knows of one page of a round
 * @va: the page in the window
 * @old: leaf entry before the change (what readers loaded)
 * @cur: leaf entry after it (0: unmapped)
 * @old_canary: canary of the frame before the change
 * @cur_canary: canary of the frame after it (remap: the new frame)
 */
struct tlbf_oracle_page {
	unsigned long va;
	tlbf_pte_t old;
	tlbf_pte_t cur;
	u64 old_canary;
	u64 cur_canary;
};

/**
 * struct tlbf_oracle_ctx - one running scenario
 * @p: its parameters
 * @lv: the live window
 * @sh: its shadow TLB
 * @pg: the pages of the current round
 * @targets: the flusher's target set
 * @op_desc: the op the round issued, for reports
 * @gen: canary generation
 */
struct tlbf_oracle_ctx {
	const struct tlbf_oracle_params *p;
	struct tlbf_live *lv;
	struct tlbf_shadow *sh;
	struct tlbf_oracle_page *pg;
	cpumask_var_t targets;
	char op_desc[64];
	u32 gen;
};

static DEFINE_MUTEX(tlbf_oracle_lock);	/* one scenario at a time */

static u64 tlbf_canary(u32 gen, unsigned long pfn)
{
	return TLBF_CANARY_MAGIC << 48 | (u64)(gen & 0xffffff) << 24 |
	       (pfn & 0xffffff);
}

static void tlbf_canary_write(tlbf_pte_t pte, u64 canary)
{
	u8 *p = phys_to_virt(tlbf_pte_pa(pte));

	WRITE_ONCE(*(u64 *)(p + TLBF_CANARY_OFF0), canary);
	WRITE_ONCE(*(u64 *)(p + TLBF_CANARY_OFF1), canary);
}

/* The current leaf entry of @va in the live mapper, 0 if absent. */
static tlbf_pte_t tlbf_oracle_leaf(struct tlbf_oracle_ctx *c, unsigned long va)
{
	phys_addr_t pa;
	u64 flags;

	if (tlbf_mapper_translate(tlbf_live_mapper(c->lv), va, &pa, &flags))
		return 0;
	return tlbf_pte_make(pa, flags);
}

static const char *tlbf_canary_kind(struct tlbf_oracle_page *pg, u64 v)
{
	if (v == pg->old_canary)
		return "the old frame";
	if (v == TLBF_POISON_WORD)
		return "a released (poisoned) frame";
	return "an unexpected value";
}

/*
 * Store @v at @dst unless it faults: copy_to_kernel_nofault() is not
 * exported, so the same exception-table store, by hand.
 */
static bool tlbf_store_nofault(void *dst, u64 v)
{
	pagefault_disable();
	__put_kernel_nofault(dst, &v, u64, efault);
	pagefault_enable();
	return true;
efault:
	pagefault_enable();
	return false;
}

/* IPI (or local, IRQs off): read every page once to load translations. */
static void tlbf_oracle_load(void *info)
{
	struct tlbf_oracle_ctx *c = info;
	unsigned int cpu = smp_processor_id(), i;
	u64 v;

	for (i = 0; i < c->p->pages; i++) {
		struct tlbf_oracle_page *pg = &c->pg[i];

		tlbf_stat_inc(TLBF_STAT_READS_CHECKED);
		if (copy_from_kernel_nofault(&v, (void *)pg->va +
					     TLBF_CANARY_OFF0, sizeof(v))) {
			tlbf_oracle_report(TLBF_STAT_ORACLE_VIOLATIONS,
					   "cpu%u va %#lx: read of a mapped page faulted (pfn %#llx)",
					   cpu, pg->va, tlbf_pte_pa(pg->old) >> PAGE_SHIFT);
			continue;
		}
		tlbf_shadow_load(c->sh, cpu, pg->va, pg->old);
		if (v != pg->old_canary)
			tlbf_oracle_report(TLBF_STAT_STALE_READS,
					   "cpu%u va %#lx before the change saw %s (%#llx), expected pfn %#llx (a flush of an earlier round missed it)",
					   cpu, pg->va, tlbf_canary_kind(pg, v), v,
					   tlbf_pte_pa(pg->old) >> PAGE_SHIFT);
		/*
		 * Before a protect, load the translation for writing too (a
		 * store of the value that is there): a TLB may cache a read
		 * as not yet writable.
		 */
		if (c->p->change == TLBF_ORACLE_PROTECT &&
		    !tlbf_store_nofault((void *)pg->va + TLBF_CANARY_OFF0, v))
			tlbf_oracle_report(TLBF_STAT_ORACLE_VIOLATIONS,
					   "cpu%u va %#lx: store to a writable page faulted",
					   cpu, pg->va);
	}
}

/* IPI (or local): after sync, read (and for protect, store) again. */
static void tlbf_oracle_check(void *info)
{
	struct tlbf_oracle_ctx *c = info;
	unsigned int cpu = smp_processor_id(), i;
	enum tlbf_oracle_change ch = c->p->change;
	u64 v;

	for (i = 0; i < c->p->pages; i++) {
		struct tlbf_oracle_page *pg = &c->pg[i];
		void *addr = (void *)pg->va + TLBF_CANARY_OFF1;
		bool faulted;

		tlbf_stat_inc(TLBF_STAT_READS_CHECKED);
		faulted = copy_from_kernel_nofault(&v, addr, sizeof(v));
		if (ch == TLBF_ORACLE_UNMAP) {
			if (!faulted)
				tlbf_oracle_report(TLBF_STAT_STALE_READS,
						   "cpu%u va %#lx: read through an unmapped page succeeded, saw %s (old pfn %#llx); op %s",
						   cpu, pg->va, tlbf_canary_kind(pg, v),
						   tlbf_pte_pa(pg->old) >> PAGE_SHIFT,
						   c->op_desc);
			continue;
		}
		if (faulted) {
			tlbf_oracle_report(TLBF_STAT_ORACLE_VIOLATIONS,
					   "cpu%u va %#lx: read of a mapped page faulted (pfn %#llx)",
					   cpu, pg->va, tlbf_pte_pa(pg->cur) >> PAGE_SHIFT);
			continue;
		}
		if (v != pg->cur_canary)
			tlbf_oracle_report(TLBF_STAT_STALE_READS,
					   "cpu%u va %#lx saw %s (%#llx): old pfn %#llx, new pfn %#llx; op %s",
					   cpu, pg->va, tlbf_canary_kind(pg, v), v,
					   tlbf_pte_pa(pg->old) >> PAGE_SHIFT,
					   tlbf_pte_pa(pg->cur) >> PAGE_SHIFT,
					   c->op_desc);
		tlbf_shadow_load(c->sh, cpu, pg->va, pg->cur);
		if (ch != TLBF_ORACLE_PROTECT)
			continue;
		tlbf_stat_inc(TLBF_STAT_READS_CHECKED);
		/* Store the value that is there: harmless if it lands. */
		if (tlbf_store_nofault(addr, v))
			tlbf_oracle_report(TLBF_STAT_STALE_WRITES,
					   "cpu%u va %#lx: store landed through a page made read-only (pfn %#llx); op %s",
					   cpu, pg->va, tlbf_pte_pa(pg->cur) >> PAGE_SHIFT,
					   c->op_desc);
	}
}

/* Shadow check (a), on the initiator right after sync. */
static void tlbf_oracle_check_shadow(struct tlbf_oracle_ctx *c)
{
	unsigned int i;
	int cpu;

	for_each_cpu_and(cpu, c->targets, cpu_online_mask) {
		for (i = 0; i < c->p->pages; i++) {
			struct tlbf_oracle_page *pg = &c->pg[i];
			tlbf_pte_t held = tlbf_shadow_held(c->sh, cpu, pg->va);

			/* Promised (early ack from inside the IPI): not usable. */
			if ((held & TLBF_SHADOW_PROMISED) ||
			    !tlbf_shadow_stale(held, pg->cur))
				continue;
			tlbf_oracle_report(TLBF_STAT_ORACLE_VIOLATIONS,
					   "cpu%d va %#lx still holds pfn %#llx%s%s after sync (tables: %s pfn %#llx%s); op %s",
					   cpu, pg->va, tlbf_pte_pa(held) >> PAGE_SHIFT,
					   held & TLBF_PTE_G ? " global" : "",
					   held & TLBF_PTE_RW ? " writable" : "",
					   pg->cur ? "now" : "unmapped, was",
					   tlbf_pte_pa(pg->cur ? pg->cur : pg->old) >>
					   PAGE_SHIFT,
					   pg->cur & TLBF_PTE_RW ? " writable" : "",
					   c->op_desc);
		}
	}
}

/* Pool observer (b): a frame's last reference is gone. */
static void tlbf_oracle_last_put(void *ctx, struct tlbf_frame *f)
{
	struct tlbf_oracle_ctx *c = ctx;
	unsigned long va;
	unsigned int cpu;

	if (tlbf_shadow_holder(c->sh, tlbf_frame_pa(f),
			       cpumask_bits(cpu_online_mask), &cpu, &va))
		tlbf_oracle_report(TLBF_STAT_ORACLE_VIOLATIONS,
				   "frame pfn %#lx released (FL4) while cpu%u may still reach it through va %#lx; op %s",
				   f->pfn, cpu, va, c->op_desc);
}

/* Pool observer: the frame is free now; poison it. */
static void tlbf_oracle_freed(void *ctx, struct tlbf_frame *f)
{
	memset(tlbf_frame_va(f), TLBF_POISON_BYTE, PAGE_SIZE);
}

static const struct tlbf_pool_observer tlbf_oracle_observer = {
	.last_put = tlbf_oracle_last_put,
	.freed = tlbf_oracle_freed,
};

static void tlbf_oracle_targets(struct tlbf_oracle_ctx *c, int self)
{
	int next;

	cpumask_clear(c->targets);
	switch (c->p->targets) {
	case TLBF_ORACLE_ONE:
		next = cpumask_next_wrap(self, cpu_online_mask, self, false);
		cpumask_set_cpu(next < nr_cpu_ids ? next : self, c->targets);
		break;
	case TLBF_ORACLE_OTHERS:
		cpumask_copy(c->targets, cpu_online_mask);
		cpumask_clear_cpu(self, c->targets);
		break;
	default:
		cpumask_copy(c->targets, cpu_online_mask);
		break;
	}
}

/*
 * Leaf flags of the window: read-write, no-exec, accessed and dirty (as
 * the kernel's PAGE_KERNEL): a CPU caches a dirty entry on its first read,
 * so a store through a stale copy lands without a page walk, on hardware
 * as in QEMU, and a stale write is visible.
 */
static u64 tlbf_oracle_flags(const struct tlbf_oracle_params *p)
{
	u64 flags = tlbf_flags_set_write(tlbf_flags_new(), true) |
		    TLBF_PTE_A | TLBF_PTE_D;

	return p->global ? flags | TLBF_PTE_G : flags;
}

/* Map the round's pages and write their canaries. */
static int tlbf_oracle_map(struct tlbf_oracle_ctx *c)
{
	struct tlbf_mapper *m = tlbf_live_mapper(c->lv);
	u64 flags = tlbf_oracle_flags(c->p);
	unsigned int i;
	int err = 0;

	if (c->p->range) {
		err = tlbf_mapper_map_range(m, c->pg[0].va, c->p->pages, flags);
		if (err == -ENOMEM) {
			/* Frames of earlier rounds may wait for RCU. */
			tlbf_pool_quiesce();
			err = tlbf_mapper_map_range(m, c->pg[0].va,
						    c->p->pages, flags);
		}
	}
	for (i = 0; !err && i < c->p->pages; i++) {
		struct tlbf_oracle_page *pg = &c->pg[i];

		if (!c->p->range) {
			err = tlbf_mapper_map(m, pg->va, flags);
			if (err == -ENOMEM) {
				tlbf_pool_quiesce();
				err = tlbf_mapper_map(m, pg->va, flags);
			}
		}
		if (err)
			break;
		pg->old = tlbf_oracle_leaf(c, pg->va);
		pg->old_canary = tlbf_canary(c->gen, tlbf_pte_pa(pg->old) >>
					     PAGE_SHIFT);
		tlbf_canary_write(pg->old, pg->old_canary);
		pg->cur = pg->old;
		pg->cur_canary = pg->old_canary;
	}
	return err;
}

/* Change run [i, i + n) of the round's pages; hand the request over. */
static int tlbf_oracle_change_run(struct tlbf_oracle_ctx *c,
				  struct tlbf_flusher *fl, unsigned int i,
				  unsigned int n)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_mapper *m = tlbf_live_mapper(c->lv);
	unsigned long va = c->pg[i].va;
	u64 flags = tlbf_oracle_flags(c->p);
	int err;

	switch (c->p->change) {
	case TLBF_ORACLE_REMAP:
		err = tlbf_mapper_unmap_range(m, va, n, false, &req);
		if (!err)
			err = tlbf_mapper_map_range(m, va, n, flags);
		break;
	case TLBF_ORACLE_UNMAP:
		err = tlbf_mapper_unmap_range(m, va, n, true, &req);
		break;
	default:
		err = tlbf_mapper_protect_range(m, va, n,
						tlbf_flags_set_write(flags, false),
						&req);
		break;
	}
	if (tlbf_req_live(&req) && tlbf_flusher_issue_req(fl, &req))
		tlbf_req_flush_local(&req);	/* not reached: wrong CPU */
	return err;
}

/* Change every page, record the new state, and name the op. */
static int tlbf_oracle_change(struct tlbf_oracle_ctx *c,
			      struct tlbf_flusher *fl)
{
	unsigned int i, n = c->p->pages, thr;
	int err = 0;

	if (c->p->range)
		err = tlbf_oracle_change_run(c, fl, 0, n);
	for (i = 0; !err && !c->p->range && i < n; i++)
		err = tlbf_oracle_change_run(c, fl, i, 1);
	if (err)
		return err;
	c->gen++;
	for (i = 0; i < n; i++) {
		struct tlbf_oracle_page *pg = &c->pg[i];

		pg->cur = tlbf_oracle_leaf(c, pg->va);
		pg->cur_canary = pg->old_canary;
		if (c->p->change == TLBF_ORACLE_REMAP && pg->cur) {
			pg->cur_canary = tlbf_canary(c->gen, tlbf_pte_pa(pg->cur) >>
						     PAGE_SHIFT);
			tlbf_canary_write(pg->cur, pg->cur_canary);
		}
	}
	thr = tlbf_strategy_threshold(c->p->strategy);
	snprintf(c->op_desc, sizeof(c->op_desc), "%s %#lx+%u (%s, threshold %u)",
		 c->p->range ? (n >= thr ? "range->all" : "range") :
			       (n >= thr ? "pages->all" : "pages"),
		 c->pg[0].va, n, c->p->strategy->name, thr);
	return 0;
}

/* Unmap what is left of the round through @fl. */
static void tlbf_oracle_cleanup(struct tlbf_oracle_ctx *c,
				struct tlbf_flusher *fl)
{
	struct tlbf_mapper *m = tlbf_live_mapper(c->lv);
	unsigned int i;

	for (i = 0; i < c->p->pages; i++) {
		TLBF_FLUSH_REQ(req);

		if (!c->pg[i].cur)
			continue;
		if (!tlbf_mapper_unmap(m, c->pg[i].va, true, &req))
			tlbf_flusher_issue_req(fl, &req);
		tlbf_req_flush_local(&req);	/* no-op once handed over */
	}
	tlbf_flusher_dispatch(fl);
	tlbf_flusher_sync(fl);
}

/* One remote online target, for the offline scenario; -1 if none. */
static int tlbf_oracle_victim(struct tlbf_oracle_ctx *c, int self)
{
	int cpu;

	for_each_cpu_and(cpu, c->targets, cpu_online_mask)
		if (cpu != self && cpu != cpumask_first(cpu_online_mask))
			return cpu;
	return -1;
}

static int tlbf_oracle_round(struct tlbf_oracle_ctx *c, unsigned int *cpus)
{
	struct tlbf_oracle_offline off = { .cpu = -1 };
	struct tlbf_flusher fl;
	int self, err;

	migrate_disable();
	self = raw_smp_processor_id();
	tlbf_oracle_targets(c, self);
	*cpus = cpumask_weight(c->targets);
	err = tlbf_flusher_init(&fl, c->targets, c->p->strategy);
	if (err)
		goto out;
	err = tlbf_oracle_map(c);
	if (err)
		goto out_finish;
	on_each_cpu_mask(c->targets, tlbf_oracle_load, c, true);
	err = tlbf_oracle_change(c, &fl);
	if (err)
		goto out_clean;
	err = tlbf_flusher_dispatch(&fl);
	if (err)
		goto out_clean;
	if (c->p->offline)
		tlbf_oracle_offline_start(&off, tlbf_oracle_victim(c, self),
					  self);
	tlbf_flusher_sync(&fl);
	tlbf_oracle_check_shadow(c);
	on_each_cpu_mask(c->targets, tlbf_oracle_check, c, true);
out_clean:
	tlbf_oracle_cleanup(c, &fl);
out_finish:
	tlbf_flusher_finish(&fl);
out:
	migrate_enable();
	tlbf_oracle_offline_end(&off);
	return err;
}

static void tlbf_oracle_snap(u64 *v)
{
	v[0] = tlbf_stat_sum(TLBF_STAT_READS_CHECKED);
	v[1] = tlbf_stat_sum(TLBF_STAT_STALE_READS);
	v[2] = tlbf_stat_sum(TLBF_STAT_STALE_WRITES);
	v[3] = tlbf_stat_sum(TLBF_STAT_ORACLE_VIOLATIONS);
}

static int tlbf_oracle_validate(const struct tlbf_oracle_params *p,
				struct tlbf_live *lv)
{
	if (!lv)
		return -ENODEV;
	if (!p->strategy ||
	    (unsigned int)p->targets >= TLBF_ORACLE_NR_TARGETS ||
	    (unsigned int)p->change >= TLBF_ORACLE_NR_CHANGES ||
	    !p->pages || p->pages > tlbf_live_size(lv) >> PAGE_SHIFT ||
	    !p->rounds)
		return -EINVAL;
	return 0;
}

/* Set up, run the rounds, tear down; oracle lock held. */
static int tlbf_oracle_run_locked(struct tlbf_oracle_ctx *c,
				  struct tlbf_oracle_result *r)
{
	unsigned long base = tlbf_live_base(c->lv);
	unsigned int i;
	int err = 0;

	c->sh = tlbf_shadow_create(base, tlbf_live_size(c->lv) >> PAGE_SHIFT,
				   nr_cpu_ids);
	if (IS_ERR(c->sh))
		return PTR_ERR(c->sh);
	for (i = 0; i < c->p->pages; i++)
		c->pg[i].va = base + ((unsigned long)i << PAGE_SHIFT);
	tlbf_pool_set_observer(tlbf_live_pool(c->lv), &tlbf_oracle_observer, c);
	WRITE_ONCE(tlbf_shadow_active, c->sh);

	for (r->rounds = 0; r->rounds < c->p->rounds && !err; r->rounds++)
		err = tlbf_oracle_round(c, &r->cpus);

	tlbf_flusher_quiesce();
	tlbf_pool_quiesce();	/* last puts done, frees (poison) done */
	WRITE_ONCE(tlbf_shadow_active, NULL);
	synchronize_rcu();	/* notes in flight (IRQs off) are over */
	tlbf_pool_set_observer(tlbf_live_pool(c->lv), NULL, NULL);
	tlbf_shadow_destroy(c->sh);
	return err;
}

/**
 * tlbf_oracle_run() - run one live scenario on the module's window
 * @p: the scenario
 * @r: its figures (counter deltas); valid also on error
 *
 * Process context; sleeps (CPU hotplug with @p->offline). One scenario at
 * a time: a second caller waits.
 *
 * Return: 0 (the scenario ran; read @r for what it saw), -EINVAL for bad
 * parameters, -ENODEV without a live window, -ENOMEM, or an error of the
 * mapper or flusher (the rounds stop there).
 */
int tlbf_oracle_run(const struct tlbf_oracle_params *p,
		    struct tlbf_oracle_result *r)
{
	struct tlbf_oracle_ctx c = { .p = p, .lv = tlbf_oracle_live() };
	u64 before[4], after[4];
	ktime_t t0;
	int err;

	memset(r, 0, sizeof(*r));
	err = tlbf_oracle_validate(p, c.lv);
	if (err)
		return err;
	c.pg = kcalloc(p->pages, sizeof(*c.pg), GFP_KERNEL);
	if (!c.pg || !zalloc_cpumask_var(&c.targets, GFP_KERNEL)) {
		kfree(c.pg);
		return -ENOMEM;
	}
	mutex_lock(&tlbf_oracle_lock);
	tlbf_oracle_reports_reset();
	tlbf_oracle_snap(before);
	t0 = ktime_get();
	err = tlbf_oracle_run_locked(&c, r);
	r->ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	tlbf_oracle_snap(after);
	mutex_unlock(&tlbf_oracle_lock);
	r->reads_checked = after[0] - before[0];
	r->stale_reads = after[1] - before[1];
	r->stale_writes = after[2] - before[2];
	r->violations = after[3] - before[3];
	free_cpumask_var(c.targets);
	kfree(c.pg);
	return err;
}
EXPORT_SYMBOL_GPL(tlbf_oracle_run);
