// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_ptable: the frame pool (F1, F2) and the page-table
 * format helpers (P1, P2). One source for two builds: the kernel's KUnit
 * (tlbflush_kunit.ko) and the host tests (tests/host/test_ptable.c, with
 * the user-space KUnit of tests/host/shim/kunit/test.h, under ASan and
 * UBSan). Lines only one of them can run sit under __KERNEL__. The exit
 * hook checks, after the deferred releases drained, that every case gave
 * back the frames it took.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#ifdef __KERNEL__
#include <linux/smp.h>
#endif

#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"

struct ptable_fx {
	unsigned long in_use_before;
	struct tlbf_pool *pool;		/* freed by the exit hook */
	struct tlbf_pool *pool2;	/* freed by the exit hook */
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
	tlbf_pool_destroy(fx->pool2);
	WRITE_ONCE(tlbf_warn_on_misuse, true);
}

static struct tlbf_pool *fx_pool(struct kunit *test, unsigned long n)
{
	struct ptable_fx *fx = test->priv;
	struct tlbf_pool **slot = fx->pool ? &fx->pool2 : &fx->pool;

	*slot = tlbf_pool_create(n);
	KUNIT_ASSERT_FALSE(test, IS_ERR(*slot));
	return *slot;
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
#ifndef __KERNEL__
	/* only the shim can make vmalloc fail on demand */
	shim_vmalloc_fail = 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(tlbf_pool_create(8)), -ENOMEM);
	KUNIT_EXPECT_EQ(test, shim_vmalloc_fail, 0UL);
#endif
	p = fx_pool(test, 8);
	KUNIT_EXPECT_EQ(test, tlbf_pool_nr_frames(p), 8UL);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_state(p, TLBF_FRAME_FREE), 8UL);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(p), 0UL);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_state(p, TLBF_NR_FRAME_STATES), 0UL);
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
	KUNIT_EXPECT_NULL(test, tlbf_frame_alloc(p, (enum tlbf_frame_state)77, NULL));
	for (i = 0; i < 16; i++) {
		f[i] = tlbf_frame_alloc(p, i & 1 ? TLBF_FRAME_DATA :
					TLBF_FRAME_TABLE, test);
		KUNIT_ASSERT_NOT_NULL(test, f[i]);
		KUNIT_EXPECT_EQ(test, f[i]->state,
				i & 1 ? TLBF_FRAME_DATA : TLBF_FRAME_TABLE);
		KUNIT_EXPECT_PTR_EQ(test, f[i]->owner, (void *)test);
		KUNIT_EXPECT_EQ(test, atomic_read(&f[i]->refcount), 1);
		KUNIT_EXPECT_EQ(test, tlbf_frame_pa(f[i]) & (PAGE_SIZE - 1), 0ULL);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, tlbf_frame_pa(f[j]), tlbf_frame_pa(f[i]));
	}
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_state(p, TLBF_FRAME_TABLE), 8UL);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_state(p, TLBF_FRAME_DATA), 8UL);
	KUNIT_EXPECT_EQ(test, tlbf_frames_in_use_total(), total + 16);
	/* exhausted: NULL and nothing changed */
	KUNIT_EXPECT_NULL(test, tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL));
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(p), 16UL);
	KUNIT_EXPECT_EQ(test, tlbf_frames_in_use_total(), total + 16);
	tlbf_frame_free(f[3]);
	KUNIT_EXPECT_EQ(test, f[3]->state, TLBF_FRAME_FREE);
	KUNIT_EXPECT_PTR_EQ(test, tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL), f[3]);
	for (i = 0; i < 16; i++)
		tlbf_frame_free(f[i]);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_use(p), 0UL);
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
	KUNIT_ASSERT_PTR_EQ(test, g, f);	/* LIFO: the same frame */
	KUNIT_EXPECT_TRUE(test, tlbf_pt_table_empty(tlbf_frame_va(g)));
	KUNIT_EXPECT_NULL(test, memchr_inv(tlbf_frame_va(g), 0, PAGE_SIZE));
	tlbf_frame_free(g);
}

/* F1: real PFNs, reached through the direct map; lookup by PA. */
static void frame_pa_va_lookup(struct kunit *test)
{
	struct tlbf_pool *p = fx_pool(test, 64), *q = fx_pool(test, 4);
	struct tlbf_frame *f, *g;
	u64 *w;

	f = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
	g = tlbf_frame_alloc(q, TLBF_FRAME_DATA, NULL);
	KUNIT_ASSERT_TRUE(test, f && g);
	KUNIT_EXPECT_PTR_EQ(test, tlbf_frame_va(f), phys_to_virt(tlbf_frame_pa(f)));
	KUNIT_EXPECT_EQ(test, f->pfn, (unsigned long)(tlbf_frame_pa(f) >> PAGE_SHIFT));
#ifdef __KERNEL__
	KUNIT_EXPECT_TRUE(test, pfn_valid(f->pfn));
	KUNIT_EXPECT_PTR_EQ(test, tlbf_frame_va(f),
			    page_address(pfn_to_page(f->pfn)));
	KUNIT_EXPECT_EQ(test, virt_to_phys(tlbf_frame_va(f)), tlbf_frame_pa(f));
	KUNIT_EXPECT_NULL(test, tlbf_pool_frame_of_pa(p, virt_to_phys(test->priv)));
#endif
	KUNIT_EXPECT_PTR_EQ(test, tlbf_pool_frame_of_pa(p, tlbf_frame_pa(f)), f);
	KUNIT_EXPECT_PTR_EQ(test, tlbf_pool_frame_of_pa(p, tlbf_frame_pa(f) + 123), f);
	KUNIT_EXPECT_NULL(test, tlbf_pool_frame_of_pa(p, tlbf_frame_pa(g)));
	KUNIT_EXPECT_PTR_EQ(test, tlbf_pool_frame_of_pa(q, tlbf_frame_pa(g)), g);
	KUNIT_EXPECT_NULL(test, tlbf_pool_frame_of_pa(p, 0));
	KUNIT_EXPECT_NULL(test, tlbf_pool_frame_of_pa(p, ~0ULL));
	w = tlbf_frame_va(f);
	w[7] = 0x1234;
	KUNIT_EXPECT_EQ(test, ((u64 *)phys_to_virt(tlbf_frame_pa(f)))[7], 0x1234ULL);
	tlbf_frame_free(f);
	tlbf_frame_free(g);
}

/* Misuse: double free, release of a FREE/PENDING frame: counted, no change. */
static void frame_double_free_reported(struct kunit *test)
{
	struct tlbf_pool *p = fx_pool(test, 4);
	u64 dbl = stat(TLBF_STAT_FRAMES_DOUBLE_RELEASED);
	struct tlbf_frame *f, *a[4];
	int i;

	WRITE_ONCE(tlbf_warn_on_misuse, false);	/* counted pr_info, no WARN */
	f = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	tlbf_frame_free(f);
	tlbf_frame_free(f);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FRAMES_DOUBLE_RELEASED), dbl + 1);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_state(p, TLBF_FRAME_FREE), 4UL);
	/* the free list was not corrupted: 4 distinct frames, then none */
	for (i = 0; i < 4; i++) {
		a[i] = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
		KUNIT_ASSERT_NOT_NULL(test, a[i]);
	}
	KUNIT_EXPECT_NULL(test, tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL));
	KUNIT_EXPECT_TRUE(test, a[0] != a[1] && a[1] != a[2] && a[2] != a[3] &&
			  a[0] != a[2] && a[0] != a[3] && a[1] != a[3]);
	/* free / release of a PENDING frame: misuse, no change */
	tlbf_frame_set_pending(a[0]);
	tlbf_frame_free(a[0]);
	tlbf_frame_set_pending(a[0]);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FRAMES_DOUBLE_RELEASED), dbl + 3);
	KUNIT_EXPECT_EQ(test, a[0]->state, TLBF_FRAME_PENDING);
	/* put of a TABLE/DATA frame and get of a FREE one: misuse */
	tlbf_frame_put(a[1]);
	KUNIT_EXPECT_EQ(test, a[1]->state, TLBF_FRAME_DATA);
	tlbf_frame_free(a[1]);
	tlbf_frame_get(a[1]);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FRAMES_DOUBLE_RELEASED), dbl + 5);
	/* releasing a FREE frame changes nothing either */
	tlbf_frame_set_pending(a[1]);
	KUNIT_EXPECT_EQ(test, a[1]->state, TLBF_FRAME_FREE);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_state(p, TLBF_FRAME_PENDING), 1UL);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FRAMES_DOUBLE_RELEASED), dbl + 6);
	tlbf_frame_put(a[0]);
	tlbf_pool_quiesce();
	/* a put after the last one: misuse, the frame stays FREE */
	tlbf_frame_put(a[0]);
	KUNIT_EXPECT_EQ(test, a[0]->state, TLBF_FRAME_FREE);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FRAMES_DOUBLE_RELEASED), dbl + 7);
	for (i = 2; i < 4; i++)
		tlbf_frame_free(a[i]);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_state(p, TLBF_FRAME_FREE), 4UL);
#ifndef __KERNEL__
	/* with warn_on_misuse a WARN is raised (the shim counts it) */
	WRITE_ONCE(tlbf_warn_on_misuse, true);
	{
		unsigned long w = shim_warn_count;

		f = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
		KUNIT_ASSERT_NOT_NULL(test, f);
		tlbf_frame_free(f);
		shim_quiet = true;
		tlbf_frame_free(f);
		shim_quiet = false;
		KUNIT_EXPECT_EQ(test, shim_warn_count, w + 1);
		shim_warn_count = w;	/* expected: do not fail the case */
	}
#endif
}

/* FL4 support: PENDING until the last put and an RCU grace period. */
static void frame_deferred_release(struct kunit *test)
{
	struct tlbf_pool *p = fx_pool(test, 4);
	u64 def = stat(TLBF_STAT_FRAMES_DEFERRED);
	u64 rel = stat(TLBF_STAT_FRAMES_RELEASED);
	unsigned long pend = tlbf_frames_pending_total();
	struct tlbf_frame *f, *a[3];
	int i;

	f = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	tlbf_frame_set_pending(f);
	KUNIT_EXPECT_EQ(test, f->state, TLBF_FRAME_PENDING);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->refcount), 1);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FRAMES_DEFERRED), def + 1);
	KUNIT_EXPECT_EQ(test, tlbf_frames_pending_total(), pend + 1);
	KUNIT_EXPECT_EQ(test, tlbf_pool_frames_in_state(p, TLBF_FRAME_PENDING), 1UL);
	tlbf_frame_get(f);	/* e.g. one per target CPU */
	tlbf_frame_get(f);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->refcount), 3);
	tlbf_frame_put(f);
	tlbf_frame_put(f);
#ifndef __KERNEL__
	KUNIT_EXPECT_EQ(test, shim_rcu_queued(), 0UL);	/* a holder is left */
#endif
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
	tlbf_frame_put(f);	/* the last: after an RCU grace period */
#ifndef __KERNEL__
	KUNIT_EXPECT_EQ(test, shim_rcu_queued(), 1UL);
	KUNIT_EXPECT_EQ(test, f->state, TLBF_FRAME_PENDING);
#endif
	tlbf_pool_quiesce();
	KUNIT_EXPECT_EQ(test, f->state, TLBF_FRAME_FREE);
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FRAMES_RELEASED), rel + 1);
	KUNIT_EXPECT_EQ(test, tlbf_frames_pending_total(), pend);
	/* frames_deferred == frames_released + frames_pending (deltas) */
	KUNIT_EXPECT_EQ(test, stat(TLBF_STAT_FRAMES_DEFERRED) - def,
			stat(TLBF_STAT_FRAMES_RELEASED) - rel +
			tlbf_frames_pending_total() - pend);
	KUNIT_EXPECT_PTR_EQ(test, tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL), f);
	tlbf_frame_free(f);
	for (i = 0; i < 3; i++)
		tlbf_frame_free(a[i]);
}

#ifdef __KERNEL__
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
#endif

/* F2: alloc and release work with IRQs off and in an IPI handler. */
static void frame_alloc_irq_context(struct kunit *test)
{
#ifdef __KERNEL__
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
#else
	kunit_skip(test, "IPIs need the kernel");
#endif
}

/* F2: destroying a pool with frames in use reports them as a leak. */
static void pool_destroy_reports_leak(struct kunit *test)
{
	struct tlbf_pool *p = tlbf_pool_create(4);
	unsigned long total = tlbf_frames_in_use_total();
	unsigned long pend = tlbf_frames_pending_total();
	struct tlbf_frame *f;
#ifndef __KERNEL__
	unsigned long errs = shim_pr_err_count;
#endif

	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	KUNIT_ASSERT_NOT_NULL(test, tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL));
	f = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
	KUNIT_ASSERT_NOT_NULL(test, f);
#ifndef __KERNEL__
	/*
	 * A PENDING frame held forever is a leak too. Not in the kernel: it
	 * would leave frames_deferred != frames_released + frames_pending
	 * for the suites that run after this one and assert that invariant.
	 */
	tlbf_frame_set_pending(f);
#endif
	KUNIT_EXPECT_EQ(test, tlbf_frames_in_use_total(), total + 2);
	kunit_info(test, "a \"pool destroyed with 2 frames in use (leak)\" line follows on purpose\n");
#ifndef __KERNEL__
	shim_quiet = true;
#endif
	tlbf_pool_destroy(p);
#ifndef __KERNEL__
	shim_quiet = false;
	KUNIT_EXPECT_EQ(test, shim_pr_err_count, errs + 1);
#endif
	KUNIT_EXPECT_EQ(test, tlbf_frames_in_use_total(), total);
	KUNIT_EXPECT_EQ(test, tlbf_frames_pending_total(), pend);
	/* a clean pool is no leak */
	p = tlbf_pool_create(4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p));
	tlbf_pool_destroy(p);
#ifndef __KERNEL__
	KUNIT_EXPECT_EQ(test, shim_pr_err_count, errs + 1);
#endif
}

/* The module's default pool exists and is bounded (host: set it up). */
static void default_pool(struct kunit *test)
{
	struct tlbf_pool *p;

#ifndef __KERNEL__
	/* no module here: init and exit it ourselves */
	KUNIT_EXPECT_NULL(test, tlbf_default_pool());
	KUNIT_EXPECT_EQ(test, tlbf_default_pool_init(0), -EINVAL);
	KUNIT_EXPECT_NULL(test, tlbf_default_pool());
	KUNIT_ASSERT_EQ(test, tlbf_default_pool_init(32), 0);
#endif
	p = tlbf_default_pool();
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_GE(test, tlbf_pool_nr_frames(p), 1UL);
	KUNIT_EXPECT_LE(test, tlbf_pool_nr_frames(p), TLBF_POOL_MAX_FRAMES);
	KUNIT_EXPECT_LE(test, tlbf_pool_frames_in_use(p), tlbf_pool_nr_frames(p));
#ifndef __KERNEL__
	KUNIT_EXPECT_EQ(test, tlbf_pool_nr_frames(p), 32UL);
	tlbf_default_pool_exit();
	KUNIT_EXPECT_NULL(test, tlbf_default_pool());
#endif
}

/* P1: the x86-64 entry format (Intel SDM table 4-19). */
static void pte_bits_format(struct kunit *test)
{
	tlbf_pte_t e;

	KUNIT_EXPECT_EQ(test, TLBF_PTE_P, 0x1ULL);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_RW, 0x2ULL);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_US, 0x4ULL);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_PWT, 0x8ULL);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_PCD, 0x10ULL);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_A, 0x20ULL);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_D, 0x40ULL);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_PS, 0x80ULL);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_G, 0x100ULL);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_NX, BIT_ULL(63));
	KUNIT_EXPECT_EQ(test, TLBF_PTE_ADDR_MASK, 0x000ffffffffff000ULL);
	KUNIT_EXPECT_EQ(test, TLBF_PT_ENTRIES, 512UL);
	KUNIT_EXPECT_EQ(test, TLBF_PT_LEVELS, 4);
#ifdef __KERNEL__
	/* the kernel's own definitions agree */
	KUNIT_EXPECT_EQ(test, TLBF_PTE_P, (u64)_PAGE_PRESENT);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_RW, (u64)_PAGE_RW);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_US, (u64)_PAGE_USER);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_PWT, (u64)_PAGE_PWT);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_PCD, (u64)_PAGE_PCD);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_A, (u64)_PAGE_ACCESSED);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_D, (u64)_PAGE_DIRTY);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_PS, (u64)_PAGE_PSE);
	KUNIT_EXPECT_EQ(test, TLBF_PTE_G, (u64)_PAGE_GLOBAL);
	KUNIT_EXPECT_EQ(test, TLBF_PT_ENTRIES, (unsigned long)PTRS_PER_PTE);
#endif
	e = tlbf_pte_make(0x123456789000ULL, TLBF_PTE_P | TLBF_PTE_NX);
	KUNIT_EXPECT_EQ(test, e, 0x123456789000ULL | 1 | TLBF_PTE_NX);
	KUNIT_EXPECT_TRUE(test, tlbf_pte_present(e));
	KUNIT_EXPECT_EQ(test, tlbf_pte_pa(e), 0x123456789000ULL);
	KUNIT_EXPECT_FALSE(test, tlbf_pte_present(e & ~TLBF_PTE_P));
	/* address bits above 51 and flag bits cannot leak into each other */
	KUNIT_EXPECT_EQ(test, tlbf_pte_make(0xfff0000000000fffULL,
					    0x000ffffffffff000ULL), 0ULL);
	KUNIT_EXPECT_NULL(test, tlbf_pte_next_table(0));
	KUNIT_EXPECT_PTR_EQ(test, tlbf_pte_next_table(tlbf_pte_make(0x5000, TLBF_PTE_P)),
			    phys_to_virt(0x5000));
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
	KUNIT_EXPECT_FALSE(test, tlbf_va_canonical(0x8000000000000000UL));
	KUNIT_EXPECT_TRUE(test, tlbf_va_valid(0x1000));
	KUNIT_EXPECT_FALSE(test, tlbf_va_valid(0x1001));
	KUNIT_EXPECT_FALSE(test, tlbf_va_valid(0x0000800000000000UL));
	KUNIT_EXPECT_TRUE(test, tlbf_va_is_user(0x7ffffffff000UL));
	KUNIT_EXPECT_FALSE(test, tlbf_va_is_user(0xffff800000000000UL));
	KUNIT_EXPECT_EQ(test, tlbf_va_sign_extend(0x800000000000UL), 0xffff800000000000UL);
	KUNIT_EXPECT_EQ(test, tlbf_va_sign_extend(0x7ffffffff000UL), 0x7ffffffff000UL);
	KUNIT_EXPECT_EQ(test, tlbf_va_index(0xffff888012345000UL, 3), 0x111U);
	KUNIT_EXPECT_EQ(test, tlbf_va_index(0xffff888012345000UL, 2), 0x0U);
	KUNIT_EXPECT_EQ(test, tlbf_va_index(0xffff888012345000UL, 1), 0x91U);
	KUNIT_EXPECT_EQ(test, tlbf_va_index(0xffff888012345000UL, 0), 0x145U);
	KUNIT_EXPECT_EQ(test, tlbf_level_shift(0), 12U);
	KUNIT_EXPECT_EQ(test, tlbf_level_shift(3), 39U);
#ifdef __KERNEL__
	/* the kernel's own index helpers agree */
	KUNIT_EXPECT_EQ(test, tlbf_va_index(0xffff888012345000UL, 0),
			(unsigned int)pte_index(0xffff888012345000UL));
	KUNIT_EXPECT_EQ(test, tlbf_va_index(0xffff888012345000UL, 1),
			(unsigned int)pmd_index(0xffff888012345000UL));
	KUNIT_EXPECT_EQ(test, tlbf_va_index(0xffff888012345000UL, 2),
			(unsigned int)pud_index(0xffff888012345000UL));
#endif
	/* base VA of an entry: rebuilding an address from its indexes */
	for (i = 0; i < ARRAY_SIZE(vas); i++) {
		unsigned long base = 0;

		for (l = 3; l >= 0; l--)
			base = tlbf_entry_base(base, l, tlbf_va_index(vas[i], l));
		KUNIT_EXPECT_EQ(test, base, vas[i]);
	}
	KUNIT_EXPECT_EQ(test, tlbf_entry_base(0, 3, 256), 0xffff800000000000UL);
	KUNIT_EXPECT_EQ(test, tlbf_entry_base(0, 3, 255), 0x00007f8000000000UL);
	KUNIT_EXPECT_EQ(test, tlbf_entry_base(0x40000000UL, 1, 3), 0x40600000UL);
}

/* P2: the walker follows present entries through the direct map. */
static void walk_and_empty(struct kunit *test)
{
	struct tlbf_pool *p = fx_pool(test, 8);
	struct tlbf_frame *root, *pdpt, *pd, *pt;
	unsigned long va = 0x40201000UL;	/* 1 GiB + 2 MiB + 4 KiB */
	tlbf_pte_t *t[TLBF_PT_LEVELS], *r;

	root = tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL);
	pdpt = tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL);
	pd = tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL);
	pt = tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL);
	KUNIT_ASSERT_TRUE(test, root && pdpt && pd && pt);
	r = tlbf_frame_va(root);
	KUNIT_EXPECT_TRUE(test, tlbf_pt_table_empty(r));
	KUNIT_EXPECT_EQ(test, tlbf_pt_walk(r, va, t), 3);
	KUNIT_EXPECT_PTR_EQ(test, t[3], r);
	KUNIT_EXPECT_TRUE(test, !t[2] && !t[1] && !t[0]);
	r[0] = tlbf_pte_make(tlbf_frame_pa(pdpt), TLBF_PTE_TABLE_USER);
	KUNIT_EXPECT_FALSE(test, tlbf_pt_table_empty(r));
	KUNIT_EXPECT_EQ(test, tlbf_pt_walk(r, va, t), 2);
	KUNIT_EXPECT_PTR_EQ(test, t[2], tlbf_frame_va(pdpt));
	((tlbf_pte_t *)tlbf_frame_va(pdpt))[1] =
		tlbf_pte_make(tlbf_frame_pa(pd), TLBF_PTE_TABLE_USER);
	((tlbf_pte_t *)tlbf_frame_va(pd))[1] =
		tlbf_pte_make(tlbf_frame_pa(pt), TLBF_PTE_TABLE_USER);
	KUNIT_EXPECT_EQ(test, tlbf_pt_walk(r, va, t), 0);
	KUNIT_EXPECT_PTR_EQ(test, t[0], tlbf_frame_va(pt));
	KUNIT_EXPECT_PTR_EQ(test, t[1], tlbf_frame_va(pd));
	/* another 2 MiB region of the same PD: stops at level 1 */
	KUNIT_EXPECT_EQ(test, tlbf_pt_walk(r, 0x40400000UL, t), 1);
	/* a not-present entry with stale bits is not followed */
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
	KUNIT_CASE(frame_pa_va_lookup),
	KUNIT_CASE(frame_double_free_reported),
	KUNIT_CASE(frame_deferred_release),
	KUNIT_CASE(frame_alloc_irq_context),
	KUNIT_CASE(pool_destroy_reports_leak),
	KUNIT_CASE(default_pool),
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
