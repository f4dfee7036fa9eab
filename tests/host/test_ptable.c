// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of ptable.c (frame pool F1/F2, table format P1/P2), compiled
 * with the shim under ASan and UBSan.
 */
#include "shim/shim_kernel.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"
#include "tap.h"

static u64 stat(enum tlbf_stat s)
{
	return tlbf_stat_sum(s);
}

static void pool_create_bounds(void)
{
	struct tlbf_pool *p;

	CHECK_EQ(PTR_ERR(tlbf_pool_create(0)), -EINVAL);
	CHECK_EQ(PTR_ERR(tlbf_pool_create(TLBF_POOL_MAX_FRAMES + 1)), -EINVAL);
	shim_vmalloc_fail = 1;
	CHECK_EQ(PTR_ERR(tlbf_pool_create(8)), -ENOMEM);
	CHECK_EQ(shim_vmalloc_fail, 0);
	p = tlbf_pool_create(8);
	CHECK(!IS_ERR(p));
	CHECK_EQ(tlbf_pool_nr_frames(p), 8);
	CHECK_EQ(tlbf_pool_frames_in_state(p, TLBF_FRAME_FREE), 8);
	CHECK_EQ(tlbf_pool_frames_in_use(p), 0);
	CHECK_EQ(tlbf_pool_frames_in_state(p, TLBF_NR_FRAME_STATES), 0);
	tlbf_pool_destroy(p);
	tlbf_pool_destroy(NULL);
	tlbf_pool_destroy(ERR_PTR(-ENOMEM));
}

static void frame_alloc_exhaustion(void)
{
	struct tlbf_pool *p = tlbf_pool_create(16);
	struct tlbf_frame *f[16];
	unsigned long total = tlbf_frames_in_use_total();
	int i, j;

	CHECK(!IS_ERR(p));
	CHECK(!tlbf_frame_alloc(p, TLBF_FRAME_FREE, NULL));
	CHECK(!tlbf_frame_alloc(p, TLBF_FRAME_PENDING, NULL));
	CHECK(!tlbf_frame_alloc(p, (enum tlbf_frame_state)77, NULL));
	for (i = 0; i < 16; i++) {
		f[i] = tlbf_frame_alloc(p, i & 1 ? TLBF_FRAME_DATA :
					TLBF_FRAME_TABLE, &f);
		CHECK(f[i]);
		CHECK_EQ(f[i]->state, i & 1 ? TLBF_FRAME_DATA : TLBF_FRAME_TABLE);
		CHECK(f[i]->owner == &f);
		CHECK_EQ(atomic_read(&f[i]->refcount), 1);
		CHECK_EQ(tlbf_frame_pa(f[i]) & (PAGE_SIZE - 1), 0);
		for (j = 0; j < i; j++)
			CHECK(f[j] != f[i] && tlbf_frame_pa(f[j]) != tlbf_frame_pa(f[i]));
	}
	CHECK_EQ(tlbf_pool_frames_in_use(p), 16);
	CHECK_EQ(tlbf_pool_frames_in_state(p, TLBF_FRAME_TABLE), 8);
	CHECK_EQ(tlbf_pool_frames_in_state(p, TLBF_FRAME_DATA), 8);
	CHECK_EQ(tlbf_frames_in_use_total(), total + 16);
	/* exhausted: NULL and nothing changed */
	CHECK(!tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL));
	CHECK_EQ(tlbf_pool_frames_in_use(p), 16);
	CHECK_EQ(tlbf_frames_in_use_total(), total + 16);
	tlbf_frame_free(f[5]);
	CHECK_EQ(f[5]->state, TLBF_FRAME_FREE);
	CHECK(tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL) == f[5]);
	for (i = 0; i < 16; i++)
		tlbf_frame_free(f[i]);
	CHECK_EQ(tlbf_pool_frames_in_use(p), 0);
	CHECK_EQ(tlbf_frames_in_use_total(), total);
	tlbf_pool_destroy(p);
}

static void frame_zeroed_on_alloc(void)
{
	struct tlbf_pool *p = tlbf_pool_create(2);
	struct tlbf_frame *f, *g;
	unsigned char *b;
	int i;

	CHECK(!IS_ERR(p));
	f = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
	CHECK(f);
	memset(tlbf_frame_va(f), 0xa5, PAGE_SIZE);
	tlbf_frame_free(f);
	g = tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL);
	CHECK(g == f);	/* LIFO: the same frame comes back */
	b = tlbf_frame_va(g);
	for (i = 0; i < (int)PAGE_SIZE; i++)
		CHECK_EQ(b[i], 0);
	tlbf_frame_free(g);
	tlbf_pool_destroy(p);
}

static void frame_pa_va_lookup(void)
{
	struct tlbf_pool *p = tlbf_pool_create(64), *q = tlbf_pool_create(4);
	struct tlbf_frame *f, *g;

	CHECK(!IS_ERR(p) && !IS_ERR(q));
	f = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
	g = tlbf_frame_alloc(q, TLBF_FRAME_DATA, NULL);
	CHECK(f && g);
	/* F1: the VA is the direct map of the PFN */
	CHECK(tlbf_frame_va(f) == phys_to_virt(tlbf_frame_pa(f)));
	CHECK_EQ(f->pfn, tlbf_frame_pa(f) >> PAGE_SHIFT);
	CHECK(tlbf_pool_frame_of_pa(p, tlbf_frame_pa(f)) == f);
	CHECK(tlbf_pool_frame_of_pa(p, tlbf_frame_pa(f) + 123) == f);
	CHECK(tlbf_pool_frame_of_pa(p, tlbf_frame_pa(g)) == NULL);
	CHECK(tlbf_pool_frame_of_pa(q, tlbf_frame_pa(g)) == g);
	CHECK(tlbf_pool_frame_of_pa(p, 0) == NULL);
	CHECK(tlbf_pool_frame_of_pa(p, ~0ULL) == NULL);
	tlbf_frame_free(f);
	tlbf_frame_free(g);
	tlbf_pool_destroy(p);
	tlbf_pool_destroy(q);
}

static void frame_double_free_reported(void)
{
	struct tlbf_pool *p = tlbf_pool_create(4);
	struct tlbf_frame *f;
	u64 dbl = stat(TLBF_STAT_FRAMES_DOUBLE_RELEASED);

	CHECK(!IS_ERR(p));
	tlbf_warn_on_misuse = false;	/* counted pr_info, not WARN */
	f = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
	CHECK(f);
	tlbf_frame_free(f);
	tlbf_frame_free(f);
	CHECK_EQ(stat(TLBF_STAT_FRAMES_DOUBLE_RELEASED), dbl + 1);
	CHECK_EQ(tlbf_pool_frames_in_state(p, TLBF_FRAME_FREE), 4);
	/* the free list was not corrupted: 4 distinct frames, then none */
	{
		struct tlbf_frame *a[4];
		int i;

		for (i = 0; i < 4; i++)
			CHECK((a[i] = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL)));
		CHECK(!tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL));
		CHECK(a[0] != a[1] && a[1] != a[2] && a[2] != a[3] &&
		      a[0] != a[2] && a[0] != a[3] && a[1] != a[3]);
		/* free / release of a PENDING frame: misuse, no change */
		tlbf_frame_set_pending(a[0]);
		tlbf_frame_free(a[0]);
		tlbf_frame_set_pending(a[0]);
		CHECK_EQ(stat(TLBF_STAT_FRAMES_DOUBLE_RELEASED), dbl + 3);
		CHECK_EQ(a[0]->state, TLBF_FRAME_PENDING);
		/* put of a TABLE/DATA frame and get of a FREE one: misuse */
		tlbf_frame_put(a[1]);
		CHECK_EQ(a[1]->state, TLBF_FRAME_DATA);
		tlbf_frame_free(a[1]);
		tlbf_frame_get(a[1]);
		CHECK_EQ(stat(TLBF_STAT_FRAMES_DOUBLE_RELEASED), dbl + 5);
		/* releasing a FREE frame changes nothing either */
		tlbf_frame_set_pending(a[1]);
		CHECK_EQ(a[1]->state, TLBF_FRAME_FREE);
		CHECK_EQ(tlbf_pool_frames_in_state(p, TLBF_FRAME_PENDING), 1);
		CHECK_EQ(stat(TLBF_STAT_FRAMES_DOUBLE_RELEASED), dbl + 6);
		tlbf_frame_put(a[0]);
		for (i = 2; i < 4; i++)
			tlbf_frame_free(a[i]);
	}
	CHECK_EQ(shim_warn_count, 0);
	/* with warn_on_misuse a WARN is raised (counted by the shim) */
	tlbf_warn_on_misuse = true;
	{
		unsigned long w = shim_warn_count;
		struct tlbf_frame *b = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);

		CHECK(b);
		tlbf_frame_free(b);
		shim_quiet = true;
		tlbf_frame_free(b);
		shim_quiet = false;
		CHECK_EQ(shim_warn_count, w + 1);
		shim_warn_count = w;	/* expected: do not fail the case */
	}
	rcu_barrier();
	tlbf_pool_destroy(p);
}

static void frame_deferred_release(void)
{
	struct tlbf_pool *p = tlbf_pool_create(4);
	struct tlbf_frame *f, *a[3];
	u64 def = stat(TLBF_STAT_FRAMES_DEFERRED);
	u64 rel = stat(TLBF_STAT_FRAMES_RELEASED);
	unsigned long pend = tlbf_frames_pending_total();
	int i;

	CHECK(!IS_ERR(p));
	f = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
	CHECK(f);
	tlbf_frame_set_pending(f);
	CHECK_EQ(f->state, TLBF_FRAME_PENDING);
	CHECK_EQ(atomic_read(&f->refcount), 1);
	CHECK_EQ(stat(TLBF_STAT_FRAMES_DEFERRED), def + 1);
	CHECK_EQ(tlbf_frames_pending_total(), pend + 1);
	CHECK_EQ(tlbf_pool_frames_in_state(p, TLBF_FRAME_PENDING), 1);
	tlbf_frame_get(f);	/* e.g. one per target CPU */
	tlbf_frame_get(f);
	CHECK_EQ(atomic_read(&f->refcount), 3);
	tlbf_frame_put(f);
	tlbf_frame_put(f);
	CHECK_EQ(shim_rcu_queued(), 0);
	tlbf_frame_put(f);	/* last: RCU */
	CHECK_EQ(shim_rcu_queued(), 1);
	/* FL4: not handed out before the grace period */
	CHECK_EQ(f->state, TLBF_FRAME_PENDING);
	for (i = 0; i < 3; i++) {
		a[i] = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
		CHECK(a[i] && a[i] != f);
	}
	CHECK(!tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL));
	CHECK_EQ(stat(TLBF_STAT_FRAMES_RELEASED), rel);
	rcu_barrier();
	CHECK_EQ(f->state, TLBF_FRAME_FREE);
	CHECK_EQ(stat(TLBF_STAT_FRAMES_RELEASED), rel + 1);
	CHECK_EQ(tlbf_frames_pending_total(), pend);
	/* frames_deferred == frames_released + frames_pending (delta) */
	CHECK_EQ(stat(TLBF_STAT_FRAMES_DEFERRED) - def,
		 stat(TLBF_STAT_FRAMES_RELEASED) - rel +
		 tlbf_frames_pending_total() - pend);
	CHECK(tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL) == f);
	tlbf_frame_free(f);
	for (i = 0; i < 3; i++)
		tlbf_frame_free(a[i]);
	tlbf_pool_destroy(p);
}

static void pool_destroy_reports_leak(void)
{
	struct tlbf_pool *p = tlbf_pool_create(4);
	unsigned long errs = shim_pr_err_count;
	unsigned long total = tlbf_frames_in_use_total();
	unsigned long pend = tlbf_frames_pending_total();
	struct tlbf_frame *f;

	CHECK(!IS_ERR(p));
	CHECK(tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL));
	f = tlbf_frame_alloc(p, TLBF_FRAME_DATA, NULL);
	CHECK(f);
	tlbf_frame_set_pending(f);	/* held forever: a leak too */
	CHECK_EQ(tlbf_frames_in_use_total(), total + 2);
	shim_quiet = true;
	tlbf_pool_destroy(p);
	shim_quiet = false;
	CHECK_EQ(shim_pr_err_count, errs + 1);
	CHECK_EQ(tlbf_frames_in_use_total(), total);
	CHECK_EQ(tlbf_frames_pending_total(), pend);
	/* a clean pool is no leak */
	p = tlbf_pool_create(4);
	CHECK(!IS_ERR(p));
	tlbf_pool_destroy(p);
	CHECK_EQ(shim_pr_err_count, errs + 1);
}

static void default_pool(void)
{
	CHECK(!tlbf_default_pool());
	CHECK_EQ(tlbf_default_pool_init(0), -EINVAL);
	CHECK(!tlbf_default_pool());
	CHECK_EQ(tlbf_default_pool_init(32), 0);
	CHECK(tlbf_default_pool());
	CHECK_EQ(tlbf_pool_nr_frames(tlbf_default_pool()), 32);
	tlbf_default_pool_exit();
	CHECK(!tlbf_default_pool());
}

static void pte_bits_format(void)
{
	tlbf_pte_t e;

	/* P1: x86-64 bit positions (Intel SDM table 4-19) */
	CHECK_EQ(TLBF_PTE_P, 0x1);
	CHECK_EQ(TLBF_PTE_RW, 0x2);
	CHECK_EQ(TLBF_PTE_US, 0x4);
	CHECK_EQ(TLBF_PTE_PWT, 0x8);
	CHECK_EQ(TLBF_PTE_PCD, 0x10);
	CHECK_EQ(TLBF_PTE_A, 0x20);
	CHECK_EQ(TLBF_PTE_D, 0x40);
	CHECK_EQ(TLBF_PTE_PS, 0x80);
	CHECK_EQ(TLBF_PTE_G, 0x100);
	CHECK(TLBF_PTE_NX == 0x8000000000000000ULL);
	CHECK(TLBF_PTE_ADDR_MASK == 0x000ffffffffff000ULL);
	CHECK_EQ(TLBF_PT_ENTRIES, 512);
	CHECK_EQ(TLBF_PT_LEVELS, 4);
	e = tlbf_pte_make(0x123456789000ULL, TLBF_PTE_P | TLBF_PTE_NX);
	CHECK(e == (0x123456789000ULL | 1 | TLBF_PTE_NX));
	CHECK(tlbf_pte_present(e));
	CHECK(tlbf_pte_pa(e) == 0x123456789000ULL);
	CHECK(!tlbf_pte_present(e & ~TLBF_PTE_P));
	/* address bits above 51 and flag bits cannot leak into each other */
	e = tlbf_pte_make(0xfff0000000000fffULL, 0x000ffffffffff000ULL);
	CHECK_EQ(e, 0);
	CHECK(tlbf_pte_next_table(0) == NULL);
	CHECK(tlbf_pte_next_table(tlbf_pte_make(0x5000, TLBF_PTE_P)) ==
	      phys_to_virt(0x5000));
}

static void va_helpers(void)
{
	unsigned long vas[] = { 0, 0x1000, 0x7ffffffff000UL,
				0xffff800000000000UL, 0xfffffffffffff000UL,
				0x123456789000UL, 0xffffc90000abc000UL };
	unsigned int i;
	int l;

	/* P2: canonical 48-bit, page aligned */
	CHECK(tlbf_va_canonical(0x00007fffffffffffUL));
	CHECK(!tlbf_va_canonical(0x0000800000000000UL));
	CHECK(!tlbf_va_canonical(0xffff7fffffffffffUL));
	CHECK(tlbf_va_canonical(0xffff800000000000UL));
	CHECK(!tlbf_va_canonical(0x8000000000000000UL));
	CHECK(tlbf_va_valid(0x1000));
	CHECK(!tlbf_va_valid(0x1001));
	CHECK(!tlbf_va_valid(0x0000800000000000UL));
	CHECK(tlbf_va_is_user(0x7ffffffff000UL));
	CHECK(!tlbf_va_is_user(0xffff800000000000UL));
	CHECK_EQ(tlbf_va_sign_extend(0x800000000000UL), 0xffff800000000000UL);
	CHECK_EQ(tlbf_va_sign_extend(0x7ffffffff000UL), 0x7ffffffff000UL);
	/* indexes of a known address */
	CHECK_EQ(tlbf_va_index(0xffff888012345000UL, 3), 0x111);
	CHECK_EQ(tlbf_va_index(0xffff888012345000UL, 2), 0x0);
	CHECK_EQ(tlbf_va_index(0xffff888012345000UL, 1), 0x91);
	CHECK_EQ(tlbf_va_index(0xffff888012345000UL, 0), 0x145);
	CHECK_EQ(tlbf_level_shift(0), 12);
	CHECK_EQ(tlbf_level_shift(3), 39);
	/* base VA of an entry: rebuilding an address from its indexes */
	for (i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
		unsigned long base = 0;

		for (l = 3; l >= 0; l--)
			base = tlbf_entry_base(base, l, tlbf_va_index(vas[i], l));
		CHECK_EQ(base, vas[i]);
	}
	CHECK_EQ(tlbf_entry_base(0, 3, 256), 0xffff800000000000UL);
	CHECK_EQ(tlbf_entry_base(0, 3, 255), 0x00007f8000000000UL);
	CHECK_EQ(tlbf_entry_base(0x40000000UL, 1, 3), 0x40600000UL);
}

static void walk_and_empty(void)
{
	struct tlbf_pool *p = tlbf_pool_create(8);
	struct tlbf_frame *root, *pdpt, *pd, *pt;
	tlbf_pte_t *t[TLBF_PT_LEVELS], *r;
	unsigned long va = 0x40201000UL;	/* 1 GiB + 2 MiB + 4 KiB */

	CHECK(!IS_ERR(p));
	root = tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL);
	pdpt = tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL);
	pd = tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL);
	pt = tlbf_frame_alloc(p, TLBF_FRAME_TABLE, NULL);
	CHECK(root && pdpt && pd && pt);
	r = tlbf_frame_va(root);
	CHECK(tlbf_pt_table_empty(r));
	CHECK_EQ(tlbf_pt_walk(r, va, t), 3);
	CHECK(t[3] == r && !t[2] && !t[1] && !t[0]);
	r[0] = tlbf_pte_make(tlbf_frame_pa(pdpt), TLBF_PTE_TABLE_USER);
	CHECK(!tlbf_pt_table_empty(r));
	CHECK_EQ(tlbf_pt_walk(r, va, t), 2);
	CHECK(t[2] == tlbf_frame_va(pdpt));
	((tlbf_pte_t *)tlbf_frame_va(pdpt))[1] =
		tlbf_pte_make(tlbf_frame_pa(pd), TLBF_PTE_TABLE_USER);
	((tlbf_pte_t *)tlbf_frame_va(pd))[1] =
		tlbf_pte_make(tlbf_frame_pa(pt), TLBF_PTE_TABLE_USER);
	CHECK_EQ(tlbf_pt_walk(r, va, t), 0);
	CHECK(t[0] == tlbf_frame_va(pt) && t[1] == tlbf_frame_va(pd));
	/* another 2 MiB region of the same PD: stops at level 1 */
	CHECK_EQ(tlbf_pt_walk(r, 0x40400000UL, t), 1);
	/* a not-present entry with stale bits is not followed */
	((tlbf_pte_t *)tlbf_frame_va(pd))[1] &= ~TLBF_PTE_P;
	CHECK_EQ(tlbf_pt_walk(r, va, t), 1);
	tlbf_frame_free(root);
	tlbf_frame_free(pdpt);
	tlbf_frame_free(pd);
	tlbf_frame_free(pt);
	tlbf_pool_destroy(p);
}

static const struct tap_case cases[] = {
	TAP_CASE(pool_create_bounds),
	TAP_CASE(frame_alloc_exhaustion),
	TAP_CASE(frame_zeroed_on_alloc),
	TAP_CASE(frame_pa_va_lookup),
	TAP_CASE(frame_double_free_reported),
	TAP_CASE(frame_deferred_release),
	TAP_CASE(pool_destroy_reports_leak),
	TAP_CASE(default_pool),
	TAP_CASE(pte_bits_format),
	TAP_CASE(va_helpers),
	TAP_CASE(walk_and_empty),
};

int main(void)
{
	return tap_run(cases, sizeof(cases) / sizeof(cases[0]));
}
