// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_ptable: the frame pool (F1, F2) and the page-table
 * format helpers (P1, P2). The exit hook checks, after the deferred
 * releases drained, that every case gave back the frames it took.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/smp.h>

#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"

struct ptable_fx {
	unsigned long in_use_before;
	struct tlbf_pool *pool;		/* freed by the exit hook */
};

static int ptable_init(struct kunit *test)
{
	struct ptable_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	if (!fx)
		return -ENOMEM;
	tlbf_pool_quiesce();
	fx->in_use_before = tlbf_frames_in_use_total();
	test->priv = fx;
	return 0;
}

static void ptable_exit(struct kunit *test)
{
	struct ptable_fx *fx = test->priv;

	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ_MSG(test, tlbf_frames_in_use_total(), fx->in_use_before,
			    "frames in use not returned by the case");
	tlbf_pool_destroy(fx->pool);
	WRITE_ONCE(tlbf_warn_on_misuse, true);
}

static struct tlbf_pool *fx_pool(struct kunit *test, unsigned long n)
{
	struct ptable_fx *fx = test->priv;

	fx->pool = tlbf_pool_create(n);
	KUNIT_ASSERT_FALSE(test, IS_ERR(fx->pool));
	return fx->pool;
}

static u64 stat(enum tlbf_stat s)
{
	return tlbf_stat_sum(s);
}

/* F2: bounded size, errors for bad sizes. */
static void pool_create_bounds(struct kunit *test)
{
	struct tlbf_pool *p;

	KUNIT_EXPECT_EQ(test, PTR_ERR(tlbf_pool_create(0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(tlbf_pool_create(TLBF_POOL_MAX_FRAMES + 1)),
			-EINVAL);
	p = fx_pool(test, 8);
	KUNIT_EXPECT_EQ(test, tlbf_pool_nr_frames(p), 8UL);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_state(p, TLBF_FRAME_FREE), 8UL);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(p), 0UL);
	tlbf_pool_destroy(NULL);
	tlbf_pool_destroy(ERR_PTR(-ENOMEM));
}

/* F2: O(1) alloc until exhausted, then NULL with nothing changed. */
static void frame_alloc_exhaustion(struct kunit *test)
{
	struct tlbf_pool *p = fx_pool(test, 16);
	unsigned long total = tlbf_frames_in_use_total();
	struct tlbf_frame *f[16];
	int i, j;

	KUNIT_EXPECT_NULL(test, tlbf_frame_alloc(p, TLBF_FRAME_FREE, NULL));
	KUNIT_EXPECT_NULL(test, tlbf_frame_alloc(p, TLBF_FRAME_PENDING, NULL));
	for (i = 0; i < 16; i++) {
		f[i] = tlbf_frame_alloc(p, i & 1 ? TLBF_FRAME_DATA :
					TLBF_FRAME_TABLE, test);
		KUNIT_ASSERT_NOT_NULL(test, f[i]);
		KUNIT_EXPECT_PTR_EQ(test, f[i]->owner, (void *)test);
		KUNIT_EXPECT_EQ(test, atomic_read(&f[i]->refcount), 1);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, tlbf_frame_pa(f[j]), tlbf_frame_pa(f[i]));
	}
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_state(p, TLBF_FRAME_TABLE), 8UL);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_state(p, TLBF_FRAME_DATA), 8UL);
	KUNIT_EXPECT_EQ(test, tlbf_frames_in_use_total(), total + 16);
	KUNIT_EXPECT_NULL(test, tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL));
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(p), 16UL);
	KUNIT_EXPECT_EQ(test, tlbf_frames_in_use_total(), total + 16);
	tlbf_frame_free(f[3]);
	KUNIT_EXPECT_PTR_EQ(test, tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL), f[3]);
	for (i = 0; i < 16; i++)
		tlbf_frame_free(f[i]);
	KUNIT_EXPECT_EQ(test, tlbf_frames_in_use_total(), total);
}

/* P1: new frames (tables) are zeroed. */
static void frame_zeroed_on_alloc(struct kunit *test)
{
	struct tlbf_pool *p = fx_pool(test, 2);
	struct tlbf_frame *f, *g;

	f = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	memset(tlbf_frame_va(f), 0xa5, PAGE_SIZE);
	tlbf_frame_free(f);
	g = tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL);
	KUNIT_ASSERT_PTR_EQ(test, g, f);
	KUNIT_EXPECT_TRUE(test, tlbf_pt_table_empty(tlbf_frame_va(g)));
	KUNIT_EXPECT_NULL(test, memchr_inv(tlbf_frame_va(g), 0, PAGE_SIZE));
	tlbf_frame_free(g);
}

/* F1: real PFNs, reached through the direct map. */
static void frame_real_pfn_direct_map(struct kunit *test)
{
	struct tlbf_pool *p = fx_pool(test, 64);
	struct tlbf_frame *f = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
	u64 *w;

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_TRUE(test, pfn_valid(f->pfn));
	KUNIT_EXPECT_PTR_EQ(test, tlbf_frame_va(f),
			    page_address(pfn_to_page(f->pfn)));
	KUNIT_EXPECT_EQ(test, virt_to_phys(tlbf_frame_va(f)), tlbf_frame_pa(f));
	KUNIT_EXPECT_PTR_EQ(test, tlbf_pool_frame_of_pa(p, tlbf_frame_pa(f)), f);
	KUNIT_EXPECT_PTR_EQ(test, tlbf_pool_frame_of_pa(p, tlbf_frame_pa(f) + 8), f);
	KUNIT_EXPECT_NULL(test, tlbf_pool_frame_of_pa(p, 0));
	KUNIT_EXPECT_NULL(test, tlbf_pool_frame_of_pa(p, virt_to_phys(test->priv)));
	w = tlbf_frame_va(f);
	w[7] = 0x1234;
	KUNIT_EXPECT_EQ(test, ((u64 *)phys_to_virt(tlbf_frame_pa(f)))[7], 0x1234ULL);
	tlbf_frame_free(f);
}

/* Misuse: double free, release of a FREE/PENDING frame: counted, no change. */
static void frame_double_free_reported(struct kunit *test)
{
	struct tlbf_pool *p = fx_pool(test, 4);
	u64 dbl = stat(TLBF_STAT_FRAMES_DOUBLE_RELEASED);
	struct tlbf_frame *f, *g;

	WRITE_ONCE(tlbf_warn_on_misuse, false);
	f = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
	g = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, g);
	tlbf_frame_free(f);
	tlbf_frame_free(f);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FRAMES_DOUBLE_RELEASED), dbl + 1);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_state(p, TLBF_FRAME_FREE), 3UL);
	tlbf_frame_set_pending(f);
	tlbf_frame_put(f);
	KUNIT_EXPECT_EQ(test, f->state, TLBF_FRAME_FREE);
	tlbf_frame_set_pending(g);
	tlbf_frame_free(g);
	tlbf_frame_set_pending(g);
	KUNIT_EXPECT_EQ(test, g->state, TLBF_FRAME_PENDING);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FRAMES_DOUBLE_RELEASED), dbl + 5);
	tlbf_frame_put(g);
	tlbf_pool_quiesce();
	tlbf_frame_put(g);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FRAMES_DOUBLE_RELEASED), dbl + 6);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_state(p, TLBF_FRAME_FREE), 4UL);
}

/* FL4 support: PENDING until the last put and an RCU grace period. */
static void frame_deferred_release(struct kunit *test)
{
	struct tlbf_pool *p = fx_pool(test, 4);
	u64 def = stat(TLBF_STAT_FRAMES_DEFERRED);
	u64 rel = stat(TLBF_STAT_FRAMES_RELEASED);
	struct tlbf_frame *f, *a[3];
	int i;

	f = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	tlbf_frame_set_pending(f);
	KUNIT_EXPECT_EQ(test, f->state, TLBF_FRAME_PENDING);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FRAMES_DEFERRED), def + 1);
	KUNIT_EXPECT_GE(test, tlbf_frames_pending_total(), 1UL);
	tlbf_frame_get(f);
	tlbf_frame_get(f);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->refcount), 3);
	tlbf_frame_put(f);
	tlbf_frame_put(f);
	tlbf_pool_quiesce();
	/* a holder is left: still PENDING even after a grace period */
	KUNIT_EXPECT_EQ(test, f->state, TLBF_FRAME_PENDING);
	for (i = 0; i < 3; i++) {
		a[i] = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
		KUNIT_ASSERT_NOT_NULL(test, a[i]);
		KUNIT_EXPECT_PTR_NE(test, a[i], f);
	}
	KUNIT_EXPECT_NULL(test, tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL));
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FRAMES_RELEASED), rel);
	tlbf_frame_put(f);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, f->state, TLBF_FRAME_FREE);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FRAMES_RELEASED), rel + 1);
	KUNIT_EXPECT_PTR_EQ(test, tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL), f);
	tlbf_frame_free(f);
	for (i = 0; i < 3; i++)
		tlbf_frame_free(a[i]);
}

struct irq_alloc_arg {
	struct tlbf_pool *pool;
	int allocated;
	int freed;
	int cpu;
};

static void irq_alloc_free(void *info)
{
	struct irq_alloc_arg *arg = info;
	struct tlbf_frame *f[4];
	int i;

	arg->cpu = smp_processor_id();
	for (i = 0; i < 4; i++) {
		f[i] = tlbf_frame_alloc(arg->pool, TLBF_FRAME_DATA, NULL);
		if (f[i])
			arg->allocated++;
	}
	for (i = 0; i < 4; i++) {
		if (f[i]) {
			tlbf_frame_set_pending(f[i]);
			tlbf_frame_put(f[i]);
			arg->freed++;
		}
	}
}

/* F2: alloc and release work with IRQs off and in an IPI handler. */
static void frame_alloc_irq_context(struct kunit *test)
{
	struct irq_alloc_arg arg = { .pool = fx_pool(test, 8) };
	struct tlbf_frame *f;
	unsigned long flags;
	int target;

	local_irq_save(flags);
	f = tlbf_frame_alloc(arg.pool, TLBF_FRAME_TABLE, NULL);
	if (f)
		tlbf_frame_free(f);
	local_irq_restore(flags);
	KUNIT_EXPECT_NOT_NULL(test, f);

	target = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	if (target >= nr_cpu_ids)
		target = raw_smp_processor_id();
	KUNIT_ASSERT_EQ(test, smp_call_function_single(target, irq_alloc_free,
						       &arg, 1), 0);
	KUNIT_EXPECT_EQ(test, arg.allocated, 4);
	KUNIT_EXPECT_EQ(test, arg.freed, 4);
	KUNIT_EXPECT_EQ(test, arg.cpu, target);
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(arg.pool), 0UL);
}

/* F2: destroying a pool with frames in use reports them as a leak. */
static void pool_destroy_reports_leak(struct kunit *test)
{
	struct tlbf_pool *p = tlbf_pool_create(4);
	unsigned long total = tlbf_frames_in_use_total();

	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	KUNIT_ASSERT_NOT_NULL(test, tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL));
	KUNIT_EXPECT_EQ(test, tlbf_frames_in_use_total(), total + 1);
	kunit_info(test, "a \"pool destroyed with 1 frames in use (leak)\" line follows on purpose\n");
	tlbf_pool_destroy(p);
	KUNIT_EXPECT_EQ(test, tlbf_frames_in_use_total(), total);
}

/* The module's default pool exists and is bounded. */
static void default_pool_exists(struct kunit *test)
{
	struct tlbf_pool *p = tlbf_default_pool();

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_GE(test, tlbf_pool_nr_frames(p), 1UL);
	KUNIT_EXPECT_LE(test, tlbf_pool_nr_frames(p), TLBF_POOL_MAX_FRAMES);
	KUNIT_EXPECT_LE(test, tlbf_pool_frames_in_use(p), tlbf_pool_nr_frames(p));
}

/* P1: the x86-64 entry format. */
static void pte_bits_format(struct kunit *test)
{
	tlbf_pte_t e;

	KUNIT_EXPECT_EQ(test, TLBF_PTE_P, (u64)_PAGE_PRESENT);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_RW, (u64)_PAGE_RW);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_US, (u64)_PAGE_USER);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_PWT, (u64)_PAGE_PWT);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_PCD, (u64)_PAGE_PCD);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_A, (u64)_PAGE_ACCESSED);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_D, (u64)_PAGE_DIRTY);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_PS, (u64)_PAGE_PSE);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_G, (u64)_PAGE_GLOBAL);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_NX, BIT_ULL(63));
	KUNIT_EXPECT_EQ(test, TLBF_PTE_ADDR_MASK, 0x000ffffffffff000ULL);
	KUNIT_EXPECT_EQ(test, TLBF_PT_ENTRIES, (unsigned long)PTRS_PER_PTE);
	e = tlbf_pte_make(0x123456789000ULL, TLBF_PTE_P | TLBF_PTE_NX);
	KUNIT_EXPECT_EQ(test, e, 0x123456789000ULL | 1 | TLBF_PTE_NX);
	KUNIT_EXPECT_TRUE(test, tlbf_pte_present(e));
	KUNIT_EXPECT_EQ(test, tlbf_pte_pa(e), 0x123456789000ULL);
	KUNIT_EXPECT_EQ(test, tlbf_pte_make(0xfff0000000000fffULL,
					    0x000ffffffffff000ULL), 0ULL);
	KUNIT_EXPECT_NULL(test, tlbf_pte_next_table(0));
}

/* P2: canonical, aligned, index per level, base VA of an entry. */
static void va_helpers(struct kunit *test)
{
	static const unsigned long vas[] = {
		0, 0x1000, 0x7ffffffff000UL, 0xffff800000000000UL,
		0xfffffffffffff000UL, 0x123456789000UL, 0xffffc90000abc000UL,
	};
	unsigned int i;
	int l;

	KUNIT_EXPECT_TRUE(test, tlbf_va_canonical(0x00007fffffffffffUL));
	KUNIT_EXPECT_FALSE(test, tlbf_va_canonical(0x0000800000000000UL));
	KUNIT_EXPECT_FALSE(test, tlbf_va_canonical(0xffff7fffffffffffUL));
	KUNIT_EXPECT_TRUE(test, tlbf_va_canonical(0xffff800000000000UL));
	KUNIT_EXPECT_TRUE(test, tlbf_va_valid(0x1000));
	KUNIT_EXPECT_FALSE(test, tlbf_va_valid(0x1001));
	KUNIT_EXPECT_TRUE(test, tlbf_va_is_user(0x7ffffffff000UL));
	KUNIT_EXPECT_FALSE(test, tlbf_va_is_user(0xffff800000000000UL));
	KUNIT_EXPECT_EQ(test, tlbf_va_index(0xffff888012345000UL, 3), 0x111U);
	KUNIT_EXPECT_EQ(test, tlbf_va_index(0xffff888012345000UL, 1), 0x91U);
	KUNIT_EXPECT_EQ(test, tlbf_va_index(0xffff888012345000UL, 0), 0x145U);
	/* the kernel's own index helpers agree */
	KUNIT_EXPECT_EQ(test, tlbf_va_index(0xffff888012345000UL, 0),
			(unsigned int)pte_index(0xffff888012345000UL));
	KUNIT_EXPECT_EQ(test, tlbf_va_index(0xffff888012345000UL, 1),
			(unsigned int)pmd_index(0xffff888012345000UL));
	KUNIT_EXPECT_EQ(test, tlbf_va_index(0xffff888012345000UL, 2),
			(unsigned int)pud_index(0xffff888012345000UL));
	for (i = 0; i < ARRAY_SIZE(vas); i++) {
		unsigned long base = 0;

		for (l = 3; l >= 0; l--)
			base = tlbf_entry_base(base, l, tlbf_va_index(vas[i], l));
		KUNIT_EXPECT_EQ(test, base, vas[i]);
	}
	KUNIT_EXPECT_EQ(test, tlbf_entry_base(0, 3, 256), 0xffff800000000000UL);
	KUNIT_EXPECT_EQ(test, tlbf_entry_base(0x40000000UL, 1, 3), 0x40600000UL);
}

/* P2: the walker follows present entries through the direct map. */
static void walk_and_empty(struct kunit *test)
{
	struct tlbf_pool *p = fx_pool(test, 8);
	struct tlbf_frame *root, *pdpt, *pd, *pt;
	unsigned long va = 0x40201000UL;
	tlbf_pte_t *t[TLBF_PT_LEVELS], *r;

	root = tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL);
	pdpt = tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL);
	pd = tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL);
	pt = tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL);
	KUNIT_ASSERT_TRUE(test, root && pdpt && pd && pt);
	r = tlbf_frame_va(root);
	KUNIT_EXPECT_EQ(test, tlbf_pt_walk(r, va, t), 3);
	KUNIT_EXPECT_PTR_EQ(test, t[3], r);
	KUNIT_EXPECT_NULL(test, t[2]);
	r[0] = tlbf_pte_make(tlbf_frame_pa(pdpt), TLBF_PTE_TABLE_USER);
	KUNIT_EXPECT_FALSE(test, tlbf_pt_table_empty(r));
	((tlbf_pte_t *)tlbf_frame_va(pdpt))[1] =
		tlbf_pte_make(tlbf_frame_pa(pd), TLBF_PTE_TABLE_USER);
	((tlbf_pte_t *)tlbf_frame_va(pd))[1] =
		tlbf_pte_make(tlbf_frame_pa(pt), TLBF_PTE_TABLE_USER);
	KUNIT_EXPECT_EQ(test, tlbf_pt_walk(r, va, t), 0);
	KUNIT_EXPECT_PTR_EQ(test, t[0], tlbf_frame_va(pt));
	KUNIT_EXPECT_EQ(test, tlbf_pt_walk(r, 0x40400000UL, t), 1);
	((tlbf_pte_t *)tlbf_frame_va(pd))[1] &= ~TLBF_PTE_P;
	KUNIT_EXPECT_EQ(test, tlbf_pt_walk(r, va, t), 1);
	tlbf_frame_free(root);
	tlbf_frame_free(pdpt);
	tlbf_frame_free(pd);
	tlbf_frame_free(pt);
}

static struct kunit_case tlbf_ptable_cases[] = {
	KUNIT_CASE(pool_create_bounds),
	KUNIT_CASE(frame_alloc_exhaustion),
	KUNIT_CASE(frame_zeroed_on_alloc),
	KUNIT_CASE(frame_real_pfn_direct_map),
	KUNIT_CASE(frame_double_free_reported),
	KUNIT_CASE(frame_deferred_release),
	KUNIT_CASE(frame_alloc_irq_context),
	KUNIT_CASE(pool_destroy_reports_leak),
	KUNIT_CASE(default_pool_exists),
	KUNIT_CASE(pte_bits_format),
	KUNIT_CASE(va_helpers),
	KUNIT_CASE(walk_and_empty),
	{}
};

static struct kunit_suite tlbf_ptable_suite = {
	.name = "tlbflush_ptable",
	.init = ptable_init,
	.exit = ptable_exit,
	.test_cases = tlbf_ptable_cases,
};

kunit_test_suite(tlbf_ptable_suite);
