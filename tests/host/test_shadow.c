// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of shadow.c, the shadow TLB (issue 8), compiled with the shim
 * under ASan and UBSan: unit tests of the model, then a threaded test with
 * one thread per modelled CPU.
 *
 * The threaded test: a page-table model (NR_PAGES leaf entries behind a
 * pthread mutex, here in the test, not in shadow.c) and a driver. Each
 * round a random initiator maps, remaps, unmaps and (un)protects random
 * pages and records the flushes on an ops stack (ops.c, FL6), while every
 * CPU thread reads pages: on a shadow miss it loads the current entry, as
 * a TLB fill would. Then every CPU performs the stack (page by page, or
 * flush all as the stack or its own whim says), through
 * tlbf_tlb_flush_page/_all() and tlbf_shadow_active, with its shim_cpu,
 * and acks at a barrier. The driver then checks with tlbf_shadow_stale()
 * that no CPU holds a stale entry and with tlbf_shadow_holder() that no
 * frame released in the round is still reachable; only then do those
 * frames return to the free list (FL4).
 *
 * The same driver runs with seeded bugs (one CPU skips its flushes in some
 * rounds; "flush all" keeps global entries, FL5) and the test asserts that
 * the checks fire, and only in the rounds with the bug.
 *
 * Bounded by work: NR_ROUNDS rounds, fixed seeds.
 */
#include <pthread.h>

#include "shim/shim_kernel.h"
#include "tlbflush/ops.h"
#include "tlbflush/shadow.h"
#include "tlbflush/stats.h"
#include "tap.h"

#define UBASE	0x00007f0000000000UL	/* user-half run of pages */
#define KBASE	0xffffc90000000000UL	/* kernel-half run of pages */
#define PA(i)	(0x100000ULL + (u64)(i) * PAGE_SIZE)
#define RW_PTE(i)	tlbf_pte_make(PA(i), TLBF_PTE_P | TLBF_PTE_RW)
#define RO_PTE(i)	tlbf_pte_make(PA(i), TLBF_PTE_P)
#define G_PTE(i)	tlbf_pte_make(PA(i), TLBF_PTE_P | TLBF_PTE_RW | \
				      TLBF_PTE_G)

static u64 stat(enum tlbf_stat s)
{
	return tlbf_stat_sum(s);
}

static void set_threshold(unsigned int t)
{
	int ret = tlbf_set_flush_all_threshold(t);

	assert(!ret);
}

/* ---- unit tests of the model ---- */

static void shadow_create_bounds(void)
{
	struct tlbf_shadow *sh;
	unsigned int c;

	CHECK_EQ(PTR_ERR(tlbf_shadow_create(UBASE, 0, 4)), -EINVAL);
	CHECK_EQ(PTR_ERR(tlbf_shadow_create(UBASE, 8, 0)), -EINVAL);
	CHECK_EQ(PTR_ERR(tlbf_shadow_create(UBASE + 8, 8, 4)), -EINVAL);
	CHECK_EQ(PTR_ERR(tlbf_shadow_create(UBASE + 0x800, 8, 4)), -EINVAL);
	/* the run may not wrap around the top of the address space */
	CHECK_EQ(PTR_ERR(tlbf_shadow_create(~0xfffUL - PAGE_SIZE, 3, 1)),
		 -EINVAL);
	CHECK_EQ(PTR_ERR(tlbf_shadow_create(0, ~0UL, 1)), -EINVAL);
	sh = tlbf_shadow_create(~0xfffUL - 2 * PAGE_SIZE, 2, 1);
	CHECK(!IS_ERR(sh));
	tlbf_shadow_destroy(sh);
	sh = tlbf_shadow_create(KBASE, 16, 3);
	CHECK(!IS_ERR(sh));
	CHECK_EQ(sh->base, KBASE);
	CHECK_EQ(sh->nr_pages, 16);
	CHECK_EQ(sh->nr_cpus, 3);
	for (c = 0; c < 3; c++)
		CHECK_EQ(tlbf_shadow_count(sh, c), 0);
	tlbf_shadow_destroy(sh);
	tlbf_shadow_destroy(NULL);
	tlbf_shadow_destroy(ERR_PTR(-EINVAL));
}

static void shadow_load_flush_page(void)
{
	struct tlbf_shadow *sh = tlbf_shadow_create(UBASE, 8, 2);
	unsigned long va = UBASE + 3 * PAGE_SIZE;

	CHECK(!IS_ERR(sh));
	CHECK_EQ(tlbf_shadow_held(sh, 0, va), 0);
	/* any address in the page names the page */
	tlbf_shadow_load(sh, 0, va + 0x123, RW_PTE(7));
	CHECK_EQ(tlbf_shadow_held(sh, 0, va), RW_PTE(7));
	CHECK_EQ(tlbf_shadow_held(sh, 0, va + 0xfff), RW_PTE(7));
	CHECK_EQ(tlbf_shadow_held(sh, 0, va - 1), 0);
	CHECK_EQ(tlbf_shadow_held(sh, 0, va + PAGE_SIZE), 0);
	CHECK_EQ(tlbf_shadow_held(sh, 1, va), 0);
	CHECK_EQ(tlbf_shadow_count(sh, 0), 1);
	CHECK_EQ(tlbf_shadow_count(sh, 1), 0);
	/* a later load replaces the entry */
	tlbf_shadow_load(sh, 0, va, RO_PTE(9));
	CHECK_EQ(tlbf_shadow_held(sh, 0, va), RO_PTE(9));
	CHECK_EQ(tlbf_shadow_count(sh, 0), 1);
	/* an absent entry is not cached, and does not clear */
	tlbf_shadow_load(sh, 0, va, 0);
	tlbf_shadow_load(sh, 0, va, PA(5) | TLBF_PTE_RW);
	CHECK_EQ(tlbf_shadow_held(sh, 0, va), RO_PTE(9));
	tlbf_shadow_load(sh, 1, UBASE, PA(5) | TLBF_PTE_RW);
	CHECK_EQ(tlbf_shadow_count(sh, 1), 0);
	/* another CPU's flush does not touch this one's entry */
	tlbf_shadow_load(sh, 1, va, RO_PTE(9));
	tlbf_shadow_flush_page(sh, 1, va + 0x800);
	CHECK_EQ(tlbf_shadow_held(sh, 1, va), 0);
	CHECK_EQ(tlbf_shadow_held(sh, 0, va), RO_PTE(9));
	/* a flush of a neighbour page neither */
	tlbf_shadow_flush_page(sh, 0, va + PAGE_SIZE);
	tlbf_shadow_flush_page(sh, 0, va - PAGE_SIZE);
	CHECK_EQ(tlbf_shadow_held(sh, 0, va), RO_PTE(9));
	tlbf_shadow_flush_page(sh, 0, va);
	CHECK_EQ(tlbf_shadow_held(sh, 0, va), 0);
	CHECK_EQ(tlbf_shadow_count(sh, 0), 0);
	/* invlpg drops global entries too */
	tlbf_shadow_load(sh, 0, va, G_PTE(1));
	tlbf_shadow_flush_page(sh, 0, va);
	CHECK_EQ(tlbf_shadow_held(sh, 0, va), 0);
	tlbf_shadow_destroy(sh);
}

static void shadow_flush_all(void)
{
	struct tlbf_shadow *sh = tlbf_shadow_create(KBASE, 8, 2);
	unsigned int i;

	CHECK(!IS_ERR(sh));
	for (i = 0; i < 8; i++) {
		tlbf_shadow_load(sh, 0, KBASE + i * PAGE_SIZE,
				 i & 1 ? G_PTE(i) : RW_PTE(i));
		tlbf_shadow_load(sh, 1, KBASE + i * PAGE_SIZE, G_PTE(i));
	}
	CHECK_EQ(tlbf_shadow_count(sh, 0), 8);
	/* CR3 reload: global entries stay */
	tlbf_shadow_flush_all(sh, 0, false);
	CHECK_EQ(tlbf_shadow_count(sh, 0), 4);
	for (i = 0; i < 8; i++)
		CHECK_EQ(tlbf_shadow_held(sh, 0, KBASE + i * PAGE_SIZE),
			 i & 1 ? G_PTE(i) : 0);
	CHECK_EQ(tlbf_shadow_count(sh, 1), 8);
	/* global flush: nothing stays, on that CPU only */
	tlbf_shadow_flush_all(sh, 0, true);
	CHECK_EQ(tlbf_shadow_count(sh, 0), 0);
	CHECK_EQ(tlbf_shadow_count(sh, 1), 8);
	/* forget_cpu (offline): everything goes, global entries too */
	tlbf_shadow_forget_cpu(sh, 1);
	CHECK_EQ(tlbf_shadow_count(sh, 1), 0);
	tlbf_shadow_destroy(sh);
}

/* Addresses and CPUs outside the shadow are ignored (ASan: no OOB). */
static void shadow_out_of_range(void)
{
	struct tlbf_shadow *sh = tlbf_shadow_create(UBASE, 4, 2);
	unsigned long end = UBASE + 4 * PAGE_SIZE;
	unsigned int c;

	CHECK(!IS_ERR(sh));
	tlbf_shadow_load(sh, 0, UBASE - 1, RW_PTE(1));
	tlbf_shadow_load(sh, 0, end, RW_PTE(1));
	tlbf_shadow_load(sh, 0, 0, RW_PTE(1));
	tlbf_shadow_load(sh, 0, ~0UL, RW_PTE(1));
	tlbf_shadow_load(sh, 2, UBASE, RW_PTE(1));
	tlbf_shadow_load(sh, ~0U, UBASE, RW_PTE(1));
	for (c = 0; c < 2; c++)
		CHECK_EQ(tlbf_shadow_count(sh, c), 0);
	CHECK_EQ(tlbf_shadow_count(sh, 2), 0);
	CHECK_EQ(tlbf_shadow_held(sh, 2, UBASE), 0);
	CHECK_EQ(tlbf_shadow_held(sh, 0, end), 0);

	tlbf_shadow_load(sh, 0, end - 1, RW_PTE(2));
	tlbf_shadow_load(sh, 1, UBASE, G_PTE(3));
	CHECK_EQ(tlbf_shadow_held(sh, 0, end - PAGE_SIZE), RW_PTE(2));
	tlbf_shadow_flush_page(sh, 0, end);
	tlbf_shadow_flush_page(sh, 0, UBASE - PAGE_SIZE);
	tlbf_shadow_flush_page(sh, 2, end - PAGE_SIZE);
	tlbf_shadow_flush_all(sh, 2, true);
	tlbf_shadow_forget_cpu(sh, 5);
	CHECK_EQ(tlbf_shadow_held(sh, 0, end - PAGE_SIZE), RW_PTE(2));
	CHECK_EQ(tlbf_shadow_held(sh, 1, UBASE), G_PTE(3));
	CHECK_EQ(tlbf_shadow_count(sh, 0), 1);
	CHECK_EQ(tlbf_shadow_count(sh, 1), 1);
	tlbf_shadow_destroy(sh);
}

static void shadow_holder(void)
{
	struct tlbf_shadow *sh = tlbf_shadow_create(KBASE, 8, 4);
	unsigned int cpu = 99;
	unsigned long va = 0;

	CHECK(!IS_ERR(sh));
	CHECK(!tlbf_shadow_holder(sh, PA(3), NULL, &cpu, &va));
	CHECK_EQ(cpu, 99);
	tlbf_shadow_load(sh, 2, KBASE + 5 * PAGE_SIZE, RO_PTE(3));
	CHECK(tlbf_shadow_holder(sh, PA(3), NULL, &cpu, &va));
	CHECK_EQ(cpu, 2);
	CHECK_EQ(va, KBASE + 5 * PAGE_SIZE);
	CHECK(!tlbf_shadow_holder(sh, PA(4), NULL, &cpu, &va));
	CHECK(!tlbf_shadow_holder(sh, PA(3) + PAGE_SIZE, NULL, &cpu, &va));
	/* the first CPU (lowest) is named */
	tlbf_shadow_load(sh, 3, KBASE, G_PTE(3));
	tlbf_shadow_load(sh, 1, KBASE + 7 * PAGE_SIZE, G_PTE(3));
	CHECK(tlbf_shadow_holder(sh, PA(3), NULL, &cpu, &va));
	CHECK_EQ(cpu, 1);
	CHECK_EQ(va, KBASE + 7 * PAGE_SIZE);
	tlbf_shadow_flush_page(sh, 1, KBASE + 7 * PAGE_SIZE);
	tlbf_shadow_flush_page(sh, 2, KBASE + 5 * PAGE_SIZE);
	CHECK(tlbf_shadow_holder(sh, PA(3), NULL, &cpu, &va));
	CHECK_EQ(cpu, 3);
	CHECK_EQ(va, KBASE);
	/* a CR3 reload leaves the global entry reachable */
	tlbf_shadow_flush_all(sh, 3, false);
	CHECK(tlbf_shadow_holder(sh, PA(3), NULL, &cpu, &va));
	tlbf_shadow_flush_all(sh, 3, true);
	CHECK(!tlbf_shadow_holder(sh, PA(3), NULL, &cpu, &va));
	tlbf_shadow_destroy(sh);
}

/*
 * (b) asks only the online CPUs: a CPU that left the online set before its
 * row was forgotten is not a holder; an online one still is (FL4 fires).
 */
static void shadow_holder_online(void)
{
	struct tlbf_shadow *sh = tlbf_shadow_create(KBASE, 8, 70);
	unsigned long online[2] = { ~0UL, ~0UL };
	unsigned int cpu = 99;
	unsigned long va = 0;

	CHECK(!IS_ERR(sh));
	tlbf_shadow_load(sh, 2, KBASE + 5 * PAGE_SIZE, RO_PTE(3));
	tlbf_shadow_load(sh, 66, KBASE + 6 * PAGE_SIZE, RW_PTE(4));
	CHECK(tlbf_shadow_holder(sh, PA(3), online, &cpu, &va));
	CHECK_EQ(cpu, 2);
	CHECK(tlbf_shadow_holder(sh, PA(4), online, &cpu, &va));
	CHECK_EQ(cpu, 66);
	CHECK_EQ(va, KBASE + 6 * PAGE_SIZE);
	/* cpu2 and cpu66 leave the online set, rows not forgotten yet */
	online[0] &= ~(1UL << 2);
	online[1] &= ~(1UL << 2);
	CHECK(!tlbf_shadow_holder(sh, PA(3), online, &cpu, &va));
	CHECK(!tlbf_shadow_holder(sh, PA(4), online, &cpu, &va));
	CHECK(tlbf_shadow_holder(sh, PA(3), NULL, &cpu, &va));
	/* an online CPU reaching the frame is still found */
	tlbf_shadow_load(sh, 3, KBASE, G_PTE(3));
	cpu = 99;
	CHECK(tlbf_shadow_holder(sh, PA(3), online, &cpu, &va));
	CHECK_EQ(cpu, 3);
	CHECK_EQ(va, KBASE);
	tlbf_shadow_destroy(sh);
}

static void shadow_stale_predicate(void)
{
	const u64 p = TLBF_PTE_P, rw = TLBF_PTE_RW;
	const u64 a = PA(1), b = PA(2);

	/* nothing cached: never stale */
	CHECK(!tlbf_shadow_stale(0, 0));
	CHECK(!tlbf_shadow_stale(0, a | p | rw));
	CHECK(!tlbf_shadow_stale(a | rw, 0));
	/* cached where the tables say absent */
	CHECK(tlbf_shadow_stale(a | p, 0));
	CHECK(tlbf_shadow_stale(a | p | rw, a | rw));
	/* another frame */
	CHECK(tlbf_shadow_stale(a | p, b | p));
	CHECK(tlbf_shadow_stale(a | p | rw, b | p | rw));
	/* writable copy of a now read-only entry */
	CHECK(tlbf_shadow_stale(a | p | rw, a | p));
	/* read-only copy of a now writable entry: the write faults, fine */
	CHECK(!tlbf_shadow_stale(a | p, a | p | rw));
	CHECK(!tlbf_shadow_stale(a | p | rw, a | p | rw));
	CHECK(!tlbf_shadow_stale(a | p, a | p));
	/* bits outside the match mask do not matter */
	CHECK(!tlbf_shadow_stale(a | p | TLBF_PTE_G, a | p));
	CHECK(!tlbf_shadow_stale(a | p, a | p | TLBF_PTE_A | TLBF_PTE_D));
	CHECK(!tlbf_shadow_stale(a | p | TLBF_PTE_NX, a | p));
	CHECK_EQ(TLBF_SHADOW_MATCH_MASK & (TLBF_PTE_G | TLBF_PTE_A), 0);
}

/* FL6 checker: counts only while a shadow is active, for >= threshold. */
static void shadow_note_stack(void)
{
	struct tlbf_shadow *sh = tlbf_shadow_create(UBASE, 4, 1);
	u64 v0 = stat(TLBF_STAT_ORACLE_VIOLATIONS);
	bool quiet = shim_quiet;

	CHECK(!IS_ERR(sh));
	set_threshold(32);
	shim_quiet = true;
	tlbf_shadow_note_stack(false, 40, 32, 0);
	CHECK_EQ(stat(TLBF_STAT_ORACLE_VIOLATIONS), v0);
	tlbf_shadow_active = sh;
	tlbf_shadow_note_stack(false, 31, 32, 0);
	tlbf_shadow_note_stack(true, 0, 32, 0);
	tlbf_shadow_note_stack(true, 40, 32, 0);
	tlbf_shadow_note_stack(false, 0, 32, 0);
	CHECK_EQ(stat(TLBF_STAT_ORACLE_VIOLATIONS), v0);
	tlbf_shadow_note_stack(false, 32, 32, 0);
	CHECK_EQ(stat(TLBF_STAT_ORACLE_VIOLATIONS), v0 + 1);
	tlbf_shadow_note_stack(false, 63, 32, 0);
	CHECK_EQ(stat(TLBF_STAT_ORACLE_VIOLATIONS), v0 + 2);
	/* the stack's own threshold counts (a strategy may have one) */
	tlbf_shadow_note_stack(false, 16, 16, 0);
	CHECK_EQ(stat(TLBF_STAT_ORACLE_VIOLATIONS), v0 + 3);
	tlbf_shadow_note_stack(false, 33, 34, 0);
	CHECK_EQ(stat(TLBF_STAT_ORACLE_VIOLATIONS), v0 + 3);
	tlbf_shadow_active = NULL;
	tlbf_shadow_note_stack(false, 63, 32, 0);
	CHECK_EQ(stat(TLBF_STAT_ORACLE_VIOLATIONS), v0 + 3);
	shim_quiet = quiet;
	set_threshold(TLBF_FLUSH_ALL_THRESHOLD_DEFAULT);
	tlbf_oracle_reports_reset();
	tlbf_shadow_destroy(sh);
}

/* Reports: all counted, the first TLBF_ORACLE_REPORTS_MAX printed. */
static void oracle_report_limit(void)
{
	u64 s0 = stat(TLBF_STAT_STALE_READS);
	unsigned long e0;
	bool quiet = shim_quiet;
	int i;

	shim_quiet = true;
	tlbf_oracle_reports_reset();
	e0 = shim_pr_err_count;
	for (i = 0; i < TLBF_ORACLE_REPORTS_MAX + 4; i++)
		tlbf_oracle_report(TLBF_STAT_STALE_READS, "report %d", i);
	CHECK_EQ(stat(TLBF_STAT_STALE_READS), s0 + TLBF_ORACLE_REPORTS_MAX + 4);
	CHECK_EQ(shim_pr_err_count, e0 + TLBF_ORACLE_REPORTS_MAX);
	tlbf_oracle_reports_reset();
	tlbf_oracle_report(TLBF_STAT_STALE_WRITES, "again");
	CHECK_EQ(shim_pr_err_count, e0 + TLBF_ORACLE_REPORTS_MAX + 1);
	tlbf_oracle_reports_reset();
	shim_quiet = quiet;
}

/* The flush wrappers note in the active shadow, for the running CPU. */
static void shadow_flush_wrappers(void)
{
	struct tlbf_shadow *sh = tlbf_shadow_create(KBASE, 4, 3);
	unsigned long pages = shim_flush_page_calls;
	unsigned long alls = shim_flush_all_calls;
	unsigned long globals = shim_flush_all_global_calls;
	unsigned int c, self = shim_cpu;

	CHECK(!IS_ERR(sh));
	for (c = 0; c < 3; c++) {
		tlbf_shadow_load(sh, c, KBASE, RW_PTE(1));
		tlbf_shadow_load(sh, c, KBASE + PAGE_SIZE, G_PTE(2));
	}
	/* no active shadow: the flush happens, nothing is noted */
	shim_cpu = 1;
	tlbf_tlb_flush_page(KBASE);
	tlbf_tlb_flush_all(true);
	CHECK_EQ(shim_flush_page_calls, pages + 1);
	CHECK_EQ(shim_flush_log[pages % SHIM_FLUSH_LOG], KBASE);
	CHECK_EQ(shim_flush_all_global_calls, globals + 1);
	CHECK_EQ(tlbf_shadow_count(sh, 1), 2);

	tlbf_shadow_active = sh;
	tlbf_tlb_flush_page(KBASE + 0x10);
	CHECK_EQ(shim_flush_page_calls, pages + 2);
	CHECK_EQ(tlbf_shadow_held(sh, 1, KBASE), 0);
	CHECK_EQ(tlbf_shadow_held(sh, 0, KBASE), RW_PTE(1));
	CHECK_EQ(tlbf_shadow_held(sh, 2, KBASE), RW_PTE(1));
	shim_cpu = 2;
	tlbf_tlb_flush_all(false);
	CHECK_EQ(shim_flush_all_calls, alls + 1);
	CHECK_EQ(shim_flush_all_global_calls, globals + 1);
	CHECK_EQ(tlbf_shadow_held(sh, 2, KBASE), 0);
	CHECK_EQ(tlbf_shadow_held(sh, 2, KBASE + PAGE_SIZE), G_PTE(2));
	CHECK_EQ(tlbf_shadow_count(sh, 0), 2);
	tlbf_tlb_flush_all(true);
	CHECK_EQ(shim_flush_all_global_calls, globals + 2);
	CHECK_EQ(tlbf_shadow_count(sh, 2), 0);
	CHECK_EQ(tlbf_shadow_count(sh, 0), 2);
	CHECK_EQ(tlbf_shadow_count(sh, 1), 1);
	tlbf_shadow_active = NULL;
	shim_cpu = self;
	tlbf_shadow_destroy(sh);
}

/* ---- the threaded test: one thread per CPU ---- */

#define NR_CPUS_T	4
#define NR_PAGES	64
#define NR_FRAMES	(2 * NR_PAGES + 8)
#define NR_ROUNDS	2000
#define MAX_CHANGES	48
#define READS		12	/* pages each CPU reads per phase */
#define BUG_EVERY	100	/* seeded bugs act when r % 100 == 50 */
#define BUG_VICTIM	1

enum bug {
	BUG_NONE,
	BUG_SKIP,		/* BUG_VICTIM skips its flushes, yet acks */
	BUG_ALL_KEEPS_GLOBAL,	/* "flush all" is a CR3 reload (FL5) */
};

enum change {
	CH_ONE,		/* map, remap, unmap or (un)protect a page */
	CH_RANGE_UNMAP,
	CH_RANGE_REMAP,
};

struct plan_item {
	enum change kind;
	unsigned int page;
	unsigned int nr;
	unsigned int how;	/* random choice for CH_ONE */
};

struct world;

struct cpu_thread {
	struct world *w;
	pthread_t tid;
	unsigned int cpu;
	u64 rng;
	/* flushes this thread asked the arch for (vs the shim counters) */
	unsigned long pages, alls, alls_global;
	unsigned long stacks_all, stacks_list;
};

struct world {
	unsigned long base;
	bool kernel;
	enum bug bug;
	struct tlbf_shadow *sh;
	u64 rng;

	pthread_barrier_t bar;
	pthread_mutex_t pt_lock;	/* the page-table model */
	/* serializes the shim's flush counters: plain globals */
	pthread_mutex_t arch_lock;
	tlbf_pte_t pte[NR_PAGES];
	unsigned int free[NR_FRAMES], nr_free;
	unsigned int released[2 * MAX_CHANGES + NR_PAGES], nr_released;

	/* this round, written by the driver before the start barrier */
	unsigned int round, initiator, nr_plan;
	bool bug_now;
	bool stop;
	struct plan_item plan[MAX_CHANGES];
	struct tlbf_ops ops;	/* built by the initiator */

	struct cpu_thread t[NR_CPUS_T];

	/* results */
	unsigned long pre_stale, pre_held;	/* before the flushes */
	unsigned long post_stale, post_held;	/* after the acks */
	unsigned long detect_rounds, detect_outside_bug;
	unsigned long victim_mismatch;	/* SKIP: post != victim's pre */
	unsigned long all_rounds, frames_released;
};

static u64 rnd(u64 *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static unsigned int rnd_below(u64 *s, unsigned int n)
{
	return (unsigned int)((rnd(s) >> 32) % n);
}

static unsigned long page_va(const struct world *w, unsigned int page)
{
	return w->base + (unsigned long)page * PAGE_SIZE;
}

/* Called with pt_lock held, by the initiator. */
static tlbf_pte_t new_pte(struct world *w, u64 *rng)
{
	unsigned int f;
	u64 flags = TLBF_PTE_P;

	assert(w->nr_free);
	f = w->free[--w->nr_free];
	if (rnd_below(rng, 4))
		flags |= TLBF_PTE_RW;
	if (w->kernel && rnd_below(rng, 2))
		flags |= TLBF_PTE_G;
	return tlbf_pte_make(PA(f), flags);
}

static void release(struct world *w, tlbf_pte_t old)
{
	assert(w->nr_released < ARRAY_SIZE(w->released));
	w->released[w->nr_released++] =
		(unsigned int)((tlbf_pte_pa(old) - PA(0)) >> PAGE_SHIFT);
}

/*
 * One planned change, by the initiator, under pt_lock. Pushes the op that
 * the change needs (none for a map or for making a page writable).
 */
static void apply_change(struct world *w, const struct plan_item *it,
			 u64 *rng)
{
	tlbf_pte_t old;
	unsigned int i;

	if (it->kind != CH_ONE) {
		for (i = it->page; i < it->page + it->nr; i++) {
			old = w->pte[i];
			w->pte[i] = 0;
			if (tlbf_pte_present(old))
				release(w, old);
			if (it->kind == CH_RANGE_REMAP)
				w->pte[i] = new_pte(w, rng);
		}
		tlbf_ops_push(&w->ops, tlbf_op_range(page_va(w, it->page),
						     it->nr));
		return;
	}
	old = w->pte[it->page];
	if (!tlbf_pte_present(old)) {
		w->pte[it->page] = new_pte(w, rng);	/* map: no flush */
		return;
	}
	switch (it->how) {
	case 0:		/* remap to another frame */
		w->pte[it->page] = new_pte(w, rng);
		release(w, old);
		break;
	case 1:		/* unmap */
		w->pte[it->page] = 0;
		release(w, old);
		break;
	case 2:		/* write-protect */
		w->pte[it->page] = old & ~TLBF_PTE_RW;
		if (!(old & TLBF_PTE_RW))
			return;
		break;
	default:	/* make writable: a read-only copy is fine */
		w->pte[it->page] = old | TLBF_PTE_RW;
		return;
	}
	tlbf_ops_push(&w->ops, tlbf_op_page(page_va(w, it->page)));
}

/*
 * A TLB fill: on a shadow miss, load the current entry. The load may land
 * after the initiator changed the entry: the change pushed an op for the
 * page, and this CPU performs it after barrier 4.
 */
static void cpu_read(struct cpu_thread *t, unsigned int page)
{
	struct world *w = t->w;
	unsigned long va = page_va(w, page);
	tlbf_pte_t pte;

	if (tlbf_shadow_held(w->sh, t->cpu, va))
		return;		/* a hit uses the cached entry */
	pthread_mutex_lock(&w->pt_lock);
	pte = w->pte[page];
	pthread_mutex_unlock(&w->pt_lock);
	tlbf_shadow_load(w->sh, raw_smp_processor_id(), va, pte);
}

static void cpu_reads(struct cpu_thread *t, unsigned int n)
{
	while (n--)
		cpu_read(t, rnd_below(&t->rng, NR_PAGES));
}

static void arch_flush_page(struct cpu_thread *t, unsigned long va)
{
	pthread_mutex_lock(&t->w->arch_lock);
	tlbf_tlb_flush_page(va);
	pthread_mutex_unlock(&t->w->arch_lock);
	t->pages++;
}

static void arch_flush_all(struct cpu_thread *t, bool global)
{
	struct world *w = t->w;

	if (w->bug_now && w->bug == BUG_ALL_KEEPS_GLOBAL)
		global = false;
	pthread_mutex_lock(&w->arch_lock);
	tlbf_tlb_flush_all(global);
	pthread_mutex_unlock(&w->arch_lock);
	if (global)
		t->alls_global++;
	else
		t->alls++;
}

/* Perform this round's ops on this CPU, as an IPI handler would. */
static void cpu_flush(struct cpu_thread *t)
{
	struct world *w = t->w;
	struct tlbf_ops q;
	unsigned long nr;
	unsigned int i;

	if (w->bug_now && w->bug == BUG_SKIP && t->cpu == BUG_VICTIM)
		return;
	if (tlbf_ops_empty(&w->ops))
		return;
	/* the per-CPU queue: merged, same threshold rule (FL7) */
	tlbf_ops_init(&q);
	tlbf_ops_merge(&q, &w->ops);
	tlbf_shadow_note_stack(q.all, q.nr_pages, tlbf_ops_threshold(&q), 0);
	if (q.all) {
		t->stacks_all++;
		arch_flush_all(t, q.global);
		return;
	}
	t->stacks_list++;
	switch (rnd_below(&t->rng, 4)) {
	case 0:		/* broadcast style: a flush all honouring FL5 */
		arch_flush_all(t, q.global);
		break;
	case 1:		/* always safe */
		arch_flush_all(t, true);
		break;
	default:	/* page by page */
		for (i = 0; i < q.nr_ops; i++)
			for (nr = 0; nr < tlbf_op_nr_pages(q.ops[i]); nr++)
				arch_flush_page(t, tlbf_op_va(q.ops[i]) +
						nr * PAGE_SIZE);
	}
}

static void *cpu_main(void *arg)
{
	struct cpu_thread *t = arg;
	struct world *w = t->w;
	unsigned int i;

	shim_cpu = t->cpu;
	for (;;) {
		pthread_barrier_wait(&w->bar);	/* 1: round starts */
		if (READ_ONCE(w->stop))
			break;
		cpu_reads(t, READS);
		pthread_barrier_wait(&w->bar);	/* 2: changes */
		if (t->cpu == w->initiator) {
			for (i = 0; i < w->nr_plan; i++) {
				pthread_mutex_lock(&w->pt_lock);
				apply_change(w, &w->plan[i], &t->rng);
				pthread_mutex_unlock(&w->pt_lock);
				cpu_read(t, rnd_below(&t->rng, NR_PAGES));
			}
		} else {
			cpu_reads(t, READS);
		}
		pthread_barrier_wait(&w->bar);	/* 3: changed */
		pthread_barrier_wait(&w->bar);	/* 4: checked */
		cpu_flush(t);
		cpu_reads(t, READS / 2);
		pthread_barrier_wait(&w->bar);	/* 5: ack */
	}
	return NULL;
}

/* Stale (cpu, page) pairs of @cpu (all CPUs if @cpu < 0). */
static unsigned long count_stale(const struct world *w, int cpu)
{
	unsigned long n = 0;
	unsigned int c, p;

	for (c = 0; c < NR_CPUS_T; c++) {
		if (cpu >= 0 && c != (unsigned int)cpu)
			continue;
		for (p = 0; p < NR_PAGES; p++)
			n += tlbf_shadow_stale(tlbf_shadow_held(w->sh, c,
								page_va(w, p)),
					       w->pte[p]);
	}
	return n;
}

/* Frames released this round that some CPU may still reach. */
static unsigned long count_held(const struct world *w)
{
	unsigned long n = 0, va;
	unsigned int i, cpu;

	for (i = 0; i < w->nr_released; i++) {
		if (!tlbf_shadow_holder(w->sh, PA(w->released[i]), NULL,
					&cpu, &va))
			continue;
		assert(cpu < NR_CPUS_T && va >= w->base &&
		       va < page_va(w, NR_PAGES));
		n++;
	}
	return n;
}

static void plan_round(struct world *w)
{
	struct plan_item *it;
	unsigned int n, i;

	w->initiator = rnd_below(&w->rng, NR_CPUS_T);
	w->nr_plan = 0;
	if (!rnd_below(&w->rng, 8)) {
		/* a range: 1..MAX_CHANGES pages, often over the threshold */
		it = &w->plan[w->nr_plan++];
		it->kind = rnd_below(&w->rng, 2) ? CH_RANGE_REMAP :
						   CH_RANGE_UNMAP;
		it->nr = 1 + rnd_below(&w->rng, MAX_CHANGES);
		it->page = rnd_below(&w->rng, NR_PAGES - it->nr + 1);
		return;
	}
	n = 1 + rnd_below(&w->rng, rnd_below(&w->rng, 4) ? 8 : MAX_CHANGES);
	for (i = 0; i < n; i++) {
		it = &w->plan[w->nr_plan++];
		it->kind = CH_ONE;
		it->page = rnd_below(&w->rng, NR_PAGES);
		it->nr = 1;
		it->how = rnd_below(&w->rng, 4);
	}
}

static const unsigned int thresholds[] = { 32, 32, 32, 16, 8, 64 };

/*
 * Run NR_ROUNDS rounds. Returns 0, or -1 if the set-up failed; the counts
 * in @w say what the checks saw.
 */
static int run_world(struct world *w, unsigned long base, enum bug bug,
		     u64 seed)
{
	unsigned long pre_victim = 0, post, held;
	unsigned int i, c;
	int ret = 0;

	memset(w, 0, sizeof(*w));
	w->base = base;
	w->kernel = !tlbf_va_is_user(base);
	w->bug = bug;
	w->rng = seed;
	w->sh = tlbf_shadow_create(base, NR_PAGES, NR_CPUS_T);
	if (IS_ERR(w->sh))
		return -1;
	for (i = 0; i < NR_FRAMES; i++)
		w->free[w->nr_free++] = NR_FRAMES - 1 - i;
	pthread_barrier_init(&w->bar, NULL, NR_CPUS_T + 1);
	pthread_mutex_init(&w->pt_lock, NULL);
	pthread_mutex_init(&w->arch_lock, NULL);
	tlbf_shadow_active = w->sh;
	for (c = 0; c < NR_CPUS_T; c++) {
		w->t[c].w = w;
		w->t[c].cpu = c;
		w->t[c].rng = seed * 0x9e3779b97f4a7c15ULL + c + 1;
		if (pthread_create(&w->t[c].tid, NULL, cpu_main, &w->t[c])) {
			/* the started threads wait at barrier 1: abort */
			fprintf(stderr, "# pthread_create failed\n");
			abort();
		}
	}

	for (w->round = 0; w->round < NR_ROUNDS; w->round++) {
		if (!(w->round % 64))
			set_threshold(thresholds[rnd_below(&w->rng,
						ARRAY_SIZE(thresholds))]);
		plan_round(w);
		tlbf_ops_init(&w->ops);
		w->nr_released = 0;
		w->bug_now = bug != BUG_NONE && w->round % BUG_EVERY == 50;
		pthread_barrier_wait(&w->bar);		/* 1 */
		pthread_barrier_wait(&w->bar);		/* 2 */
		pthread_barrier_wait(&w->bar);		/* 3 */
		/* every CPU parked: the model can be read as a whole */
		w->pre_stale += count_stale(w, -1);
		w->pre_held += count_held(w);
		pre_victim = count_stale(w, BUG_VICTIM);
		w->all_rounds += w->ops.all;
		w->frames_released += w->nr_released;
		pthread_barrier_wait(&w->bar);		/* 4 */
		pthread_barrier_wait(&w->bar);		/* 5: all acked */
		post = count_stale(w, -1);
		held = count_held(w);
		w->post_stale += post;
		w->post_held += held;
		if (post || held) {
			w->detect_rounds++;
			if (!w->bug_now)
				w->detect_outside_bug++;
			/* the victim's stale entries are exactly those left */
			if (bug == BUG_SKIP && post != pre_victim)
				w->victim_mismatch++;
			/* repair (as if those CPUs went offline) */
			for (c = 0; c < NR_CPUS_T; c++)
				tlbf_shadow_forget_cpu(w->sh, c);
		} else if (w->bug_now && bug == BUG_SKIP && pre_victim) {
			w->victim_mismatch++;
		}
		/* FL4: only now may the released frames be handed out */
		for (i = 0; i < w->nr_released; i++)
			w->free[w->nr_free++] = w->released[i];
	}
	WRITE_ONCE(w->stop, true);
	pthread_barrier_wait(&w->bar);			/* 1: stop */
	for (c = 0; c < NR_CPUS_T; c++)
		pthread_join(w->t[c].tid, NULL);
	tlbf_shadow_active = NULL;
	set_threshold(TLBF_FLUSH_ALL_THRESHOLD_DEFAULT);
	pthread_barrier_destroy(&w->bar);
	pthread_mutex_destroy(&w->pt_lock);
	pthread_mutex_destroy(&w->arch_lock);
	tlbf_shadow_destroy(w->sh);
	w->sh = NULL;
	/* every frame is either mapped or free again */
	for (i = 0; i < NR_PAGES; i++)
		if (tlbf_pte_present(w->pte[i]))
			w->nr_free++;
	if (w->nr_free != NR_FRAMES)
		ret = -1;
	return ret;
}

static struct world world;	/* big: not on the stack */

/* Counters before a run, to compare with after. */
struct before {
	unsigned long pages, alls, globals;
	u64 merged, violations;
};

static void before_run(struct before *b)
{
	b->pages = shim_flush_page_calls;
	b->alls = shim_flush_all_calls;
	b->globals = shim_flush_all_global_calls;
	b->merged = stat(TLBF_STAT_OPS_MERGED_TO_ALL);
	b->violations = stat(TLBF_STAT_ORACLE_VIOLATIONS);
}

/* What every run must show, bug or not. */
static void check_run(const struct world *w, const struct before *b)
{
	unsigned long p = 0, a = 0, g = 0, sa = 0, sl = 0;
	unsigned int c;

	for (c = 0; c < NR_CPUS_T; c++) {
		p += w->t[c].pages;
		a += w->t[c].alls;
		g += w->t[c].alls_global;
		sa += w->t[c].stacks_all;
		sl += w->t[c].stacks_list;
	}
	printf("# before the flushes: %lu stale, %lu released frames held\n",
	       w->pre_stale, w->pre_held);
	printf("# after: %lu stale, %lu held, in %lu rounds\n",
	       w->post_stale, w->post_held, w->detect_rounds);
	printf("# stacks: %lu all, %lu list\n", sa, sl);
	printf("# flushes: %lu page, %lu all, %lu all global\n", p, a, g);
	/* every flush went through the wrappers to the arch (shim) */
	CHECK_EQ(shim_flush_page_calls - b->pages, p);
	CHECK_EQ(shim_flush_all_calls - b->alls, a);
	CHECK_EQ(shim_flush_all_global_calls - b->globals, g);
	/* both ways of performing a stack, and the threshold, were used */
	CHECK(p > 1000);
	CHECK(a + g > 1000);
	CHECK(sa > 100);
	CHECK(sl > 1000);
	CHECK(w->all_rounds > 100);
	CHECK(stat(TLBF_STAT_OPS_MERGED_TO_ALL) > b->merged);
	/* the rounds made stale entries: the flushes mattered */
	CHECK(w->pre_stale > 100);
	CHECK(w->pre_held > 100);
	CHECK(w->frames_released > 1000);
	/* FL6: no stack of >= threshold pages was performed page by page */
	CHECK_EQ(stat(TLBF_STAT_ORACLE_VIOLATIONS), b->violations);
}

static struct world world;	/* big: not on the stack */

/* Run the driver, check what every run must show; false on failure. */
static bool run(unsigned long base, enum bug bug, u64 seed)
{
	struct before b;

	before_run(&b);
	if (run_world(&world, base, bug, seed)) {
		fprintf(stderr, "# run_world: set-up failed or frames lost\n");
		tap_case_failed = 1;
		return false;
	}
	check_run(&world, &b);
	return !tap_case_failed;
}

static void threads_clean_user(void)
{
	const struct world *w = &world;

	if (!run(UBASE, BUG_NONE, 0x5eed0001))
		return;
	CHECK_EQ(w->post_stale, 0);
	CHECK_EQ(w->post_held, 0);
	CHECK_EQ(w->detect_rounds, 0);
	/* user pages are never global: every flush all could be a reload */
	CHECK(w->t[0].alls + w->t[1].alls > 0);
}

static void threads_clean_kernel(void)
{
	const struct world *w = &world;

	unsigned int c;

	if (!run(KBASE, BUG_NONE, 0x5eed0002))
		return;
	/* FL5: every op is kernel-half, so every flush all is global */
	for (c = 0; c < NR_CPUS_T; c++)
		CHECK_EQ(w->t[c].alls, 0);
	CHECK_EQ(w->post_stale, 0);
	CHECK_EQ(w->post_held, 0);
	CHECK_EQ(w->detect_rounds, 0);
}

/* A checker must be shown to fire on the bug it is for. */
static void threads_bug_skip(void)
{
	const struct world *w = &world;

	if (!run(UBASE, BUG_SKIP, 0x5eed0003))
		return;
	CHECK(w->post_stale > 0);
	CHECK(w->post_held > 0);
	CHECK(w->detect_rounds >= NR_ROUNDS / BUG_EVERY / 2);
	CHECK(w->detect_rounds <= NR_ROUNDS / BUG_EVERY);
	CHECK_EQ(w->detect_outside_bug, 0);
	CHECK_EQ(w->victim_mismatch, 0);
}

static void threads_bug_all_keeps_global(void)
{
	const struct world *w = &world;

	if (!run(KBASE, BUG_ALL_KEEPS_GLOBAL, 0x5eed0004))
		return;
	CHECK(w->post_stale > 0);
	CHECK(w->post_held > 0);
	CHECK(w->detect_rounds >= 1);
	CHECK_EQ(w->detect_outside_bug, 0);
}

static const struct tap_case cases[] = {
	TAP_CASE(shadow_create_bounds),
	TAP_CASE(shadow_load_flush_page),
	TAP_CASE(shadow_flush_all),
	TAP_CASE(shadow_out_of_range),
	TAP_CASE(shadow_holder),
	TAP_CASE(shadow_holder_online),
	TAP_CASE(shadow_stale_predicate),
	TAP_CASE(shadow_note_stack),
	TAP_CASE(oracle_report_limit),
	TAP_CASE(shadow_flush_wrappers),
	TAP_CASE(threads_clean_user),
	TAP_CASE(threads_clean_kernel),
	TAP_CASE(threads_bug_skip),
	TAP_CASE(threads_bug_all_keeps_global),
};

int main(void)
{
	return tap_run(cases, ARRAY_SIZE(cases));
}
