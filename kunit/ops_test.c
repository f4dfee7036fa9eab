// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_ops: the one-word flush op (FL5) and the ops stack
 * with its flush-all threshold (FL6). One source for two builds: the
 * kernel's KUnit (tlbflush_kunit.ko) and the host tests
 * (tests/host/test_ops.c, with the user-space KUnit of
 * tests/host/shim/kunit/test.h, under ASan and UBSan). Only the host can
 * switch the paging mode (shim_va_bits): that part sits under !__KERNEL__.
 *
 * The init hook saves flush_all_threshold and sets the default; every
 * case sets the threshold it relies on; the exit hook restores the saved
 * value (also after a failed assertion).
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "tlbflush/arch.h"
#include "tlbflush/ops.h"
#include "tlbflush/stats.h"

#define UVA	0x00007f0000000000UL	/* a user-half page */
#define KVA	0xffff888000000000UL	/* a kernel-half page */

struct ops_fx {
	unsigned int threshold;		/* flush_all_threshold before the case */
};

static int ops_init(struct kunit *test)
{
	struct ops_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	if (!fx)
		return -ENOMEM;
	fx->threshold = READ_ONCE(tlbf_flush_all_threshold);
	test->priv = fx;
	return tlbf_set_flush_all_threshold(TLBF_FLUSH_ALL_THRESHOLD_DEFAULT);
}

static void ops_exit(struct kunit *test)
{
	struct ops_fx *fx = test->priv;

	KUNIT_EXPECT_EQ(test, tlbf_set_flush_all_threshold(fx->threshold), 0);
#ifndef __KERNEL__
	shim_va_bits = 48;
#endif
}

static void set_threshold(struct kunit *test, unsigned int t)
{
	KUNIT_ASSERT_EQ(test, tlbf_set_flush_all_threshold(t), 0);
}

/* A stack of the case (off the kernel stack: 528 bytes each). */
static struct tlbf_ops *fx_ops(struct kunit *test)
{
	struct tlbf_ops *ops = kunit_kzalloc(test, sizeof(*ops), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ops);
	return ops;
}

static u64 merged(void)
{
	return tlbf_stat_sum(TLBF_STAT_OPS_MERGED_TO_ALL);
}

static void op_encoding(struct kunit *test)
{
	struct tlbf_op op;

	set_threshold(test, 32);
	op = tlbf_op_page(UVA + 0x1234);
	KUNIT_ASSERT_EQ(test, op.word, UVA + 0x1001);
	KUNIT_ASSERT_EQ(test, tlbf_op_va(op), UVA + 0x1000);
	KUNIT_ASSERT_EQ(test, tlbf_op_nr_pages(op), 1);
	KUNIT_ASSERT_FALSE(test, tlbf_op_is_all(op));
	KUNIT_ASSERT_FALSE(test, tlbf_op_is_global(op));
	KUNIT_ASSERT_TRUE(test, tlbf_op_valid(op));

	op = tlbf_op_page(KVA + 0x3abc);
	KUNIT_ASSERT_EQ(test, tlbf_op_va(op), KVA + 0x3000);
	KUNIT_ASSERT_EQ(test, tlbf_op_nr_pages(op), 1);
	KUNIT_ASSERT_FALSE(test, tlbf_op_is_all(op));
	KUNIT_ASSERT_TRUE(test, tlbf_op_is_global(op));
	KUNIT_ASSERT_TRUE(test, tlbf_op_valid(op));

	/* page 0 is a page op, not "flush all" */
	op = tlbf_op_page(0x123);
	KUNIT_ASSERT_EQ(test, op.word, 1);
	KUNIT_ASSERT_FALSE(test, tlbf_op_is_all(op));
	KUNIT_ASSERT_TRUE(test, tlbf_op_valid(op));

	op = tlbf_op_range(UVA + 0x5fff, 5);
	KUNIT_ASSERT_EQ(test, tlbf_op_va(op), UVA + 0x5000);
	KUNIT_ASSERT_EQ(test, tlbf_op_nr_pages(op), 5);
	KUNIT_ASSERT_FALSE(test, tlbf_op_is_all(op));
	KUNIT_ASSERT_TRUE(test, tlbf_op_valid(op));

	op = tlbf_op_range(UVA, 0);
	KUNIT_ASSERT_EQ(test, op.word, TLBF_OP_INVALID.word);
	KUNIT_ASSERT_FALSE(test, tlbf_op_valid(op));

	op = tlbf_op_all();
	KUNIT_ASSERT_EQ(test, op.word, 0);
	KUNIT_ASSERT_EQ(test, tlbf_op_nr_pages(op), 0);
	KUNIT_ASSERT_TRUE(test, tlbf_op_is_all(op));
	KUNIT_ASSERT_FALSE(test, tlbf_op_is_global(op));
	KUNIT_ASSERT_TRUE(test, tlbf_op_valid(op));

	op = tlbf_op_all_global();
	KUNIT_ASSERT_EQ(test, op.word, ~0xfffUL);
	KUNIT_ASSERT_EQ(test, tlbf_op_nr_pages(op), 0);
	KUNIT_ASSERT_TRUE(test, tlbf_op_is_all(op));
	KUNIT_ASSERT_TRUE(test, tlbf_op_is_global(op));
	KUNIT_ASSERT_TRUE(test, tlbf_op_valid(op));

	/* the last page of the address space is a page op, not all_global */
	op = tlbf_op_page(~0UL);
	KUNIT_ASSERT_EQ(test, op.word, ~0xfffUL | 1);
	KUNIT_ASSERT_FALSE(test, tlbf_op_is_all(op));
	KUNIT_ASSERT_TRUE(test, tlbf_op_is_global(op));
	KUNIT_ASSERT_TRUE(test, tlbf_op_valid(op));

	KUNIT_ASSERT_FALSE(test, tlbf_op_is_all(TLBF_OP_INVALID));
	KUNIT_ASSERT_FALSE(test, tlbf_op_valid(TLBF_OP_INVALID));

	KUNIT_ASSERT_EQ(test, tlbf_op_all_for(UVA).word, tlbf_op_all().word);
	KUNIT_ASSERT_EQ(test, tlbf_op_all_for(0).word, tlbf_op_all().word);
	KUNIT_ASSERT_EQ(test, tlbf_op_all_for(KVA).word, tlbf_op_all_global().word);
	KUNIT_ASSERT_EQ(test, tlbf_op_all_for(~0UL).word, tlbf_op_all_global().word);
}

/*
 * A range is encoded as it is; the threshold is the stack's rule (FL6), so
 * a strategy with its own threshold (Linux's 34) sees the range. Only a
 * range no threshold can hold is the flush-all covering it (FL5).
 */
static void op_range_threshold(struct kunit *test)
{
	struct tlbf_op op;

	set_threshold(test, 32);
	op = tlbf_op_range(UVA, 31);
	KUNIT_ASSERT_EQ(test, tlbf_op_nr_pages(op), 31);
	KUNIT_ASSERT_EQ(test, tlbf_op_va(op), UVA);
	KUNIT_ASSERT_TRUE(test, tlbf_op_valid(op));
	op = tlbf_op_range(UVA, 32);
	KUNIT_ASSERT_EQ(test, tlbf_op_nr_pages(op), 32);
	KUNIT_ASSERT_FALSE(test, tlbf_op_is_all(op));
	op = tlbf_op_range(KVA, 33);
	KUNIT_ASSERT_EQ(test, tlbf_op_nr_pages(op), 33);
	KUNIT_ASSERT_TRUE(test, tlbf_op_is_global(op));
	op = tlbf_op_range(UVA, TLBF_FLUSH_ALL_THRESHOLD_MAX - 1);
	KUNIT_ASSERT_EQ(test, tlbf_op_nr_pages(op), TLBF_FLUSH_ALL_THRESHOLD_MAX - 1);
	op = tlbf_op_range(UVA, TLBF_FLUSH_ALL_THRESHOLD_MAX);
	KUNIT_ASSERT_EQ(test, op.word, tlbf_op_all().word);
	op = tlbf_op_range(KVA, TLBF_FLUSH_ALL_THRESHOLD_MAX);
	KUNIT_ASSERT_EQ(test, op.word, tlbf_op_all_global().word);
	op = tlbf_op_range(UVA, ~0UL);
	KUNIT_ASSERT_EQ(test, op.word, tlbf_op_all().word);

	/* the module's threshold does not change the encoding */
	set_threshold(test, 8);
	KUNIT_ASSERT_EQ(test, tlbf_op_nr_pages(tlbf_op_range(UVA, 8)), 8);
	set_threshold(test, 1);
	KUNIT_ASSERT_EQ(test, tlbf_op_nr_pages(tlbf_op_range(KVA, 1)), 1);
}

static void op_valid(struct kunit *test)
{
	struct tlbf_op op;

	/* The addresses below are written for 4-level paging. */
	if (tlbf_arch_va_bits() != 48)
		kunit_skip(test, "5-level paging: the cases assume 48-bit VAs");
	set_threshold(test, 32);
	/* 0 pages at an address other than the two flush-alls */
	op.word = UVA;
	KUNIT_ASSERT_FALSE(test, tlbf_op_valid(op));
	op.word = KVA;
	KUNIT_ASSERT_FALSE(test, tlbf_op_valid(op));
	/* 1..63 pages, whatever the threshold; 64 and more are not ops */
	op.word = UVA | 63;
	KUNIT_ASSERT_TRUE(test, tlbf_op_valid(op));
	op.word = UVA | 64;
	KUNIT_ASSERT_FALSE(test, tlbf_op_valid(op));
	op.word = UVA | 0xfff;
	KUNIT_ASSERT_FALSE(test, tlbf_op_valid(op));
	/* non-canonical first or last page */
	op.word = 0x0000800000000000UL | 1;
	KUNIT_ASSERT_FALSE(test, tlbf_op_valid(op));
	op.word = 0xffff7ffffffff000UL | 1;
	KUNIT_ASSERT_FALSE(test, tlbf_op_valid(op));
	op.word = 0x1000000000000000UL | 1;
	KUNIT_ASSERT_FALSE(test, tlbf_op_valid(op));
	/* the last user page and the first kernel page are fine alone ... */
	op.word = 0x00007ffffffff000UL | 1;
	KUNIT_ASSERT_TRUE(test, tlbf_op_valid(op));
	op.word = 0xffff800000000000UL | 1;
	KUNIT_ASSERT_TRUE(test, tlbf_op_valid(op));
	op.word = 0x00007fffffffe000UL | 2;
	KUNIT_ASSERT_TRUE(test, tlbf_op_valid(op));
	/* ... but a range may not leave its half */
	op.word = 0x00007ffffffff000UL | 2;
	KUNIT_ASSERT_FALSE(test, tlbf_op_valid(op));
	op.word = 0xffff7ffffffff000UL | 2;
	KUNIT_ASSERT_FALSE(test, tlbf_op_valid(op));
	/* nor wrap around the top of the address space */
	op.word = 0xffffffffffffe000UL | 2;
	KUNIT_ASSERT_TRUE(test, tlbf_op_valid(op));
	op.word = 0xfffffffffffff000UL | 2;
	KUNIT_ASSERT_FALSE(test, tlbf_op_valid(op));
	KUNIT_ASSERT_FALSE(test, tlbf_op_valid(TLBF_OP_INVALID));

#ifndef __KERNEL__
	/* "canonical" follows the running paging mode (LA57): shim only */
	shim_va_bits = 57;
	op.word = 0x0000800000000000UL | 1;
	KUNIT_ASSERT_TRUE(test, tlbf_op_valid(op));
	op.word = 0x00fffffffffff000UL | 2;
	KUNIT_ASSERT_FALSE(test, tlbf_op_valid(op));
	shim_va_bits = 48;
	op.word = 0x0000800000000000UL | 1;
	KUNIT_ASSERT_FALSE(test, tlbf_op_valid(op));
#endif
}

static void threshold_setter(struct kunit *test)
{
	/* ops_init() set the default */
	KUNIT_ASSERT_EQ(test, tlbf_flush_all_threshold,
			TLBF_FLUSH_ALL_THRESHOLD_DEFAULT);
	KUNIT_ASSERT_EQ(test, TLBF_FLUSH_ALL_THRESHOLD_DEFAULT, 32);
	KUNIT_ASSERT_EQ(test, tlbf_set_flush_all_threshold(0), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_flush_all_threshold, 32);
	KUNIT_ASSERT_EQ(test, tlbf_set_flush_all_threshold(65), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_flush_all_threshold, 32);
	KUNIT_ASSERT_EQ(test, tlbf_set_flush_all_threshold(~0U), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_flush_all_threshold, 32);
	KUNIT_ASSERT_EQ(test, tlbf_set_flush_all_threshold(1), 0);
	KUNIT_ASSERT_EQ(test, tlbf_flush_all_threshold, 1);
	KUNIT_ASSERT_EQ(test, tlbf_set_flush_all_threshold(64), 0);
	KUNIT_ASSERT_EQ(test, tlbf_flush_all_threshold, 64);
	KUNIT_ASSERT_EQ(test, tlbf_set_flush_all_threshold(65), -EINVAL);
	KUNIT_ASSERT_EQ(test, tlbf_flush_all_threshold, 64);
	KUNIT_ASSERT_EQ(test, tlbf_set_flush_all_threshold(32), 0);
	KUNIT_ASSERT_EQ(test, tlbf_flush_all_threshold, 32);
}

/* FL6 for single pages: 31 stay a list, the 32nd makes the stack all. */
static void stack_singles(struct kunit *test)
{
	struct tlbf_ops *ops = fx_ops(test);
	u64 m0 = merged();
	unsigned int i;

	set_threshold(test, 32);
	tlbf_ops_init(ops);
	KUNIT_ASSERT_TRUE(test, tlbf_ops_empty(ops));
	for (i = 0; i < 31; i++) {
		tlbf_ops_push(ops, tlbf_op_page(UVA + i * PAGE_SIZE));
		KUNIT_ASSERT_FALSE(test, ops->all);
		KUNIT_ASSERT_EQ(test, ops->nr_ops, i + 1);
		KUNIT_ASSERT_EQ(test, ops->nr_pages, i + 1);
		KUNIT_ASSERT_EQ(test, ops->ops[i].word, UVA + i * PAGE_SIZE + 1);
		KUNIT_ASSERT_FALSE(test, tlbf_ops_empty(ops));
	}
	KUNIT_ASSERT_FALSE(test, ops->global);
	KUNIT_ASSERT_EQ(test, merged(), m0);
	tlbf_ops_push(ops, tlbf_op_page(UVA + 31 * PAGE_SIZE));
	KUNIT_ASSERT_TRUE(test, ops->all);
	KUNIT_ASSERT_EQ(test, ops->nr_ops, 0);
	KUNIT_ASSERT_EQ(test, ops->nr_pages, 0);
	KUNIT_ASSERT_FALSE(test, ops->global);
	KUNIT_ASSERT_FALSE(test, tlbf_ops_empty(ops));
	KUNIT_ASSERT_EQ(test, merged(), m0 + 1);
	/* an all stack stays all, and is counted only once */
	for (i = 0; i < 40; i++)
		tlbf_ops_push(ops, tlbf_op_page(UVA));
	KUNIT_ASSERT_TRUE(test, ops->all);
	KUNIT_ASSERT_EQ(test, ops->nr_ops, 0);
	KUNIT_ASSERT_EQ(test, merged(), m0 + 1);
	/* init empties it again */
	tlbf_ops_init(ops);
	KUNIT_ASSERT_TRUE(test, tlbf_ops_empty(ops));
	KUNIT_ASSERT_FALSE(test, ops->all);
}

/* FL6 for ranges: the same rule, pending + new >= threshold. */
static void stack_ranges(struct kunit *test)
{
	struct tlbf_ops *ops = fx_ops(test);
	struct tlbf_op big;
	u64 m0 = merged();

	set_threshold(test, 32);
	tlbf_ops_init(ops);
	tlbf_ops_push(ops, tlbf_op_range(UVA, 31));
	KUNIT_ASSERT_FALSE(test, ops->all);
	KUNIT_ASSERT_EQ(test, ops->nr_ops, 1);
	KUNIT_ASSERT_EQ(test, ops->nr_pages, 31);
	tlbf_ops_push(ops, tlbf_op_page(UVA + 100 * PAGE_SIZE));
	KUNIT_ASSERT_TRUE(test, ops->all);
	KUNIT_ASSERT_EQ(test, ops->nr_ops, 0);
	KUNIT_ASSERT_EQ(test, merged(), m0 + 1);

	/* a 32-page range is a flush all by itself (counted as a merge) */
	m0 = merged();
	tlbf_ops_init(ops);
	tlbf_ops_push(ops, tlbf_op_range(UVA, 32));
	KUNIT_ASSERT_TRUE(test, ops->all);
	KUNIT_ASSERT_EQ(test, ops->nr_ops, 0);
	KUNIT_ASSERT_FALSE(test, ops->global);
	KUNIT_ASSERT_EQ(test, merged(), m0 + 1);

	/* a stack with its own threshold: Linux's "more than 33" */
	tlbf_ops_init_threshold(ops, 34);
	tlbf_ops_push(ops, tlbf_op_range(UVA, 33));
	KUNIT_ASSERT_FALSE(test, ops->all);
	KUNIT_ASSERT_EQ(test, ops->nr_pages, 33);
	tlbf_ops_push(ops, tlbf_op_page(UVA + 100 * PAGE_SIZE));
	KUNIT_ASSERT_TRUE(test, ops->all);
	tlbf_ops_init_threshold(ops, 34);
	tlbf_ops_push(ops, tlbf_op_range(UVA, 34));
	KUNIT_ASSERT_TRUE(test, ops->all);

	/* 16 + 15 stay, one more page reaches 32 */
	m0 = merged();
	tlbf_ops_init(ops);
	tlbf_ops_push(ops, tlbf_op_range(UVA, 16));
	tlbf_ops_push(ops, tlbf_op_range(UVA + 64 * PAGE_SIZE, 15));
	KUNIT_ASSERT_FALSE(test, ops->all);
	KUNIT_ASSERT_EQ(test, ops->nr_ops, 2);
	KUNIT_ASSERT_EQ(test, ops->nr_pages, 31);
	tlbf_ops_push(ops, tlbf_op_range(UVA + 128 * PAGE_SIZE, 2));
	KUNIT_ASSERT_TRUE(test, ops->all);
	KUNIT_ASSERT_EQ(test, merged(), m0 + 1);

	/* 20 pending + a 12-page range = 32 */
	m0 = merged();
	tlbf_ops_init(ops);
	tlbf_ops_push(ops, tlbf_op_range(UVA, 20));
	tlbf_ops_push(ops, tlbf_op_range(UVA + 64 * PAGE_SIZE, 11));
	KUNIT_ASSERT_FALSE(test, ops->all);
	tlbf_ops_init(ops);
	tlbf_ops_push(ops, tlbf_op_range(UVA, 20));
	tlbf_ops_push(ops, tlbf_op_range(UVA + 64 * PAGE_SIZE, 12));
	KUNIT_ASSERT_TRUE(test, ops->all);
	KUNIT_ASSERT_EQ(test, merged(), m0 + 1);

	/* a range encoded under a higher threshold still obeys the current */
	set_threshold(test, 64);
	big = tlbf_op_range(UVA, 40);
	KUNIT_ASSERT_EQ(test, tlbf_op_nr_pages(big), 40);
	set_threshold(test, 32);
	m0 = merged();
	tlbf_ops_init(ops);
	tlbf_ops_push(ops, big);
	KUNIT_ASSERT_TRUE(test, ops->all);
	KUNIT_ASSERT_EQ(test, merged(), m0 + 1);
}

/* Lowering or raising the threshold applies to the next push at once. */
static void stack_threshold_change(struct kunit *test)
{
	struct tlbf_ops *ops = fx_ops(test);
	unsigned int i;
	u64 m0;

	set_threshold(test, 32);
	tlbf_ops_init(ops);
	for (i = 0; i < 20; i++)
		tlbf_ops_push(ops, tlbf_op_page(UVA + i * PAGE_SIZE));
	KUNIT_ASSERT_FALSE(test, ops->all);
	KUNIT_ASSERT_EQ(test, ops->nr_pages, 20);
	set_threshold(test, 16);
	m0 = merged();
	tlbf_ops_push(ops, tlbf_op_page(UVA + 20 * PAGE_SIZE));
	KUNIT_ASSERT_TRUE(test, ops->all);
	KUNIT_ASSERT_EQ(test, merged(), m0 + 1);

	/* largest threshold: 63 pages stay (array bound), the 64th is all */
	set_threshold(test, 64);
	tlbf_ops_init(ops);
	for (i = 0; i < 63; i++)
		tlbf_ops_push(ops, tlbf_op_page(UVA + i * PAGE_SIZE));
	KUNIT_ASSERT_FALSE(test, ops->all);
	KUNIT_ASSERT_EQ(test, ops->nr_ops, 63);
	KUNIT_ASSERT_EQ(test, ops->ops[62].word, UVA + 62 * PAGE_SIZE + 1);
	tlbf_ops_push(ops, tlbf_op_page(UVA + 63 * PAGE_SIZE));
	KUNIT_ASSERT_TRUE(test, ops->all);

	/* threshold 1: every page makes the stack all */
	set_threshold(test, 1);
	tlbf_ops_init(ops);
	tlbf_ops_push(ops, tlbf_op_page(UVA));
	KUNIT_ASSERT_TRUE(test, ops->all);
	KUNIT_ASSERT_EQ(test, ops->nr_ops, 0);
}

/* FL5: a kernel-half op or all_global makes the stack global, for good. */
static void stack_global(struct kunit *test)
{
	struct tlbf_ops *ops = fx_ops(test);
	unsigned int i;

	set_threshold(test, 32);
	tlbf_ops_init(ops);
	tlbf_ops_push(ops, tlbf_op_page(UVA));
	KUNIT_ASSERT_FALSE(test, ops->global);
	tlbf_ops_push(ops, tlbf_op_page(KVA));
	KUNIT_ASSERT_TRUE(test, ops->global);
	KUNIT_ASSERT_FALSE(test, ops->all);
	KUNIT_ASSERT_EQ(test, ops->nr_ops, 2);
	/* the threshold makes it all: still global */
	for (i = 1; i < 31; i++)
		tlbf_ops_push(ops, tlbf_op_page(UVA + i * PAGE_SIZE));
	KUNIT_ASSERT_TRUE(test, ops->all);
	KUNIT_ASSERT_TRUE(test, ops->global);
	/* a non-global flush-all does not clear it */
	tlbf_ops_push(ops, tlbf_op_all());
	KUNIT_ASSERT_TRUE(test, ops->all);
	KUNIT_ASSERT_TRUE(test, ops->global);

	/* a kernel range op reaching the threshold: global all */
	tlbf_ops_init(ops);
	tlbf_ops_push(ops, tlbf_op_range(KVA, 40));
	KUNIT_ASSERT_TRUE(test, ops->all);
	KUNIT_ASSERT_TRUE(test, ops->global);

	/* all_global on an empty stack */
	tlbf_ops_init(ops);
	tlbf_ops_push(ops, tlbf_op_all_global());
	KUNIT_ASSERT_TRUE(test, ops->all);
	KUNIT_ASSERT_TRUE(test, ops->global);

	/* the non-global all, then a kernel page: all stays, global recorded */
	tlbf_ops_init(ops);
	tlbf_ops_push(ops, tlbf_op_all());
	KUNIT_ASSERT_TRUE(test, ops->all);
	KUNIT_ASSERT_FALSE(test, ops->global);
	tlbf_ops_push(ops, tlbf_op_page(KVA));
	KUNIT_ASSERT_TRUE(test, ops->all);
	KUNIT_ASSERT_TRUE(test, ops->global);
	KUNIT_ASSERT_EQ(test, ops->nr_ops, 0);

	/* init clears global */
	tlbf_ops_init(ops);
	KUNIT_ASSERT_FALSE(test, ops->global);

	KUNIT_ASSERT_TRUE(test, tlbf_ops_all_global.all);
	KUNIT_ASSERT_TRUE(test, tlbf_ops_all_global.global);
	KUNIT_ASSERT_EQ(test, tlbf_ops_all_global.nr_ops, 0);
}

/* Merge pushes @src's ops onto @dst with the same rule; @src unchanged. */
static void stack_merge(struct kunit *test)
{
	struct tlbf_ops *dst = fx_ops(test);
	struct tlbf_ops *src = fx_ops(test);
	struct tlbf_ops *keep = fx_ops(test);
	struct tlbf_ops *one = fx_ops(test);
	unsigned int i;
	u64 m0;

	set_threshold(test, 32);
	tlbf_ops_init(dst);
	tlbf_ops_init(src);
	for (i = 0; i < 20; i++)
		tlbf_ops_push(dst, tlbf_op_page(UVA + i * PAGE_SIZE));
	for (i = 0; i < 11; i++)
		tlbf_ops_push(src, tlbf_op_page(UVA + (100 + i) * PAGE_SIZE));
	memcpy(keep, src, sizeof(*src));
	m0 = merged();
	tlbf_ops_merge(dst, src);
	KUNIT_ASSERT_FALSE(test, dst->all);
	KUNIT_ASSERT_EQ(test, dst->nr_ops, 31);
	KUNIT_ASSERT_EQ(test, dst->nr_pages, 31);
	KUNIT_ASSERT_EQ(test, dst->ops[20].word, UVA + 100 * PAGE_SIZE + 1);
	KUNIT_ASSERT_EQ(test, dst->ops[30].word, UVA + 110 * PAGE_SIZE + 1);
	KUNIT_ASSERT_FALSE(test, memcmp(keep, src, sizeof(*src)));
	KUNIT_ASSERT_EQ(test, merged(), m0);
	/* one more page brings it to 32 */
	tlbf_ops_init(one);
	tlbf_ops_push(one, tlbf_op_page(UVA + 200 * PAGE_SIZE));
	tlbf_ops_merge(dst, one);
	KUNIT_ASSERT_TRUE(test, dst->all);
	KUNIT_ASSERT_EQ(test, dst->nr_ops, 0);
	KUNIT_ASSERT_EQ(test, merged(), m0 + 1);
	KUNIT_ASSERT_FALSE(test, dst->global);

	/* a big source turns an empty destination all, counted once */
	tlbf_ops_init(dst);
	tlbf_ops_init(src);
	for (i = 0; i < 31; i++)
		tlbf_ops_push(src, tlbf_op_page(UVA + i * PAGE_SIZE));
	tlbf_ops_push(dst, tlbf_op_range(UVA + 64 * PAGE_SIZE, 2));
	m0 = merged();
	tlbf_ops_merge(dst, src);
	KUNIT_ASSERT_TRUE(test, dst->all);
	KUNIT_ASSERT_EQ(test, merged(), m0 + 1);
	KUNIT_ASSERT_EQ(test, src->nr_ops, 31);

	/* an all source makes dst all, and carries global */
	tlbf_ops_init(dst);
	tlbf_ops_push(dst, tlbf_op_page(UVA));
	tlbf_ops_merge(dst, &tlbf_ops_all_global);
	KUNIT_ASSERT_TRUE(test, dst->all);
	KUNIT_ASSERT_TRUE(test, dst->global);
	KUNIT_ASSERT_EQ(test, dst->nr_ops, 0);

	/* a global source into an all destination: global is recorded */
	tlbf_ops_init(dst);
	tlbf_ops_push(dst, tlbf_op_all());
	tlbf_ops_init(src);
	tlbf_ops_push(src, tlbf_op_page(KVA));
	tlbf_ops_merge(dst, src);
	KUNIT_ASSERT_TRUE(test, dst->all);
	KUNIT_ASSERT_TRUE(test, dst->global);

	/* a global list source into a list destination */
	tlbf_ops_init(dst);
	tlbf_ops_push(dst, tlbf_op_page(UVA));
	tlbf_ops_merge(dst, src);
	KUNIT_ASSERT_FALSE(test, dst->all);
	KUNIT_ASSERT_TRUE(test, dst->global);
	KUNIT_ASSERT_EQ(test, dst->nr_ops, 2);
	KUNIT_ASSERT_EQ(test, dst->ops[1].word, KVA + 1);

	/* merging an empty stack changes nothing */
	tlbf_ops_init(src);
	memcpy(keep, dst, sizeof(*dst));
	tlbf_ops_merge(dst, src);
	KUNIT_ASSERT_FALSE(test, memcmp(keep, dst, sizeof(*dst)));
}

static void stack_copy(struct kunit *test)
{
	struct tlbf_ops *a = fx_ops(test);
	struct tlbf_ops *b = fx_ops(test);

	set_threshold(test, 32);
	tlbf_ops_init(a);
	tlbf_ops_push(a, tlbf_op_page(UVA));
	tlbf_ops_push(a, tlbf_op_range(KVA, 3));
	tlbf_ops_push(a, tlbf_op_page(UVA + 9 * PAGE_SIZE));
	memset(b, 0xa5, sizeof(*b));
	tlbf_ops_copy(b, a);
	KUNIT_ASSERT_EQ(test, b->nr_ops, 3);
	KUNIT_ASSERT_EQ(test, b->nr_pages, 5);
	KUNIT_ASSERT_FALSE(test, b->all);
	KUNIT_ASSERT_TRUE(test, b->global);
	KUNIT_ASSERT_EQ(test, b->ops[0].word, UVA + 1);
	KUNIT_ASSERT_EQ(test, b->ops[1].word, KVA + 3);
	KUNIT_ASSERT_EQ(test, b->ops[2].word, UVA + 9 * PAGE_SIZE + 1);
	/* the copy is a stack of its own: the rule goes on from 5 pages */
	tlbf_ops_push(b, tlbf_op_range(UVA + 64 * PAGE_SIZE, 26));
	KUNIT_ASSERT_FALSE(test, b->all);
	tlbf_ops_push(b, tlbf_op_page(UVA + 128 * PAGE_SIZE));
	KUNIT_ASSERT_TRUE(test, b->all);
	KUNIT_ASSERT_EQ(test, a->nr_ops, 3);

	tlbf_ops_copy(a, b);
	KUNIT_ASSERT_TRUE(test, a->all);
	KUNIT_ASSERT_TRUE(test, a->global);
	KUNIT_ASSERT_EQ(test, a->nr_ops, 0);
	KUNIT_ASSERT_EQ(test, a->nr_pages, 0);
}

static struct kunit_case tlbf_ops_cases[] = {
	KUNIT_CASE(op_encoding),
	KUNIT_CASE(op_range_threshold),
	KUNIT_CASE(op_valid),
	KUNIT_CASE(threshold_setter),
	KUNIT_CASE(stack_singles),
	KUNIT_CASE(stack_ranges),
	KUNIT_CASE(stack_threshold_change),
	KUNIT_CASE(stack_global),
	KUNIT_CASE(stack_merge),
	KUNIT_CASE(stack_copy),
	{}
};

static struct kunit_suite tlbf_ops_suite = {
	.name = "tlbflush_ops",
	.init = ops_init,
	.exit = ops_exit,
	.test_cases = tlbf_ops_cases,
};

kunit_test_suite(tlbf_ops_suite);
