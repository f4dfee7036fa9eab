// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of ops.c: the one-word flush op (FL5) and the ops stack with
 * its flush-all threshold (FL6), compiled with the shim under ASan and
 * UBSan.
 *
 * Every case sets the threshold it relies on and restores the default.
 */
#include "shim/shim_kernel.h"
#include "tlbflush/ops.h"
#include "tlbflush/stats.h"
#include "tap.h"

#define UVA	0x00007f0000000000UL	/* a user-half page */
#define KVA	0xffff888000000000UL	/* a kernel-half page */

static u64 merged(void)
{
	return tlbf_stat_sum(TLBF_STAT_OPS_MERGED_TO_ALL);
}

static void set_threshold(unsigned int t)
{
	int ret = tlbf_set_flush_all_threshold(t);

	assert(!ret);
}

static void op_encoding(void)
{
	struct tlbf_op op;

	set_threshold(32);
	op = tlbf_op_page(UVA + 0x1234);
	CHECK_EQ(op.word, UVA + 0x1001);
	CHECK_EQ(tlbf_op_va(op), UVA + 0x1000);
	CHECK_EQ(tlbf_op_nr_pages(op), 1);
	CHECK(!tlbf_op_is_all(op));
	CHECK(!tlbf_op_is_global(op));
	CHECK(tlbf_op_valid(op));

	op = tlbf_op_page(KVA + 0x3abc);
	CHECK_EQ(tlbf_op_va(op), KVA + 0x3000);
	CHECK_EQ(tlbf_op_nr_pages(op), 1);
	CHECK(!tlbf_op_is_all(op));
	CHECK(tlbf_op_is_global(op));
	CHECK(tlbf_op_valid(op));

	/* page 0 is a page op, not "flush all" */
	op = tlbf_op_page(0x123);
	CHECK_EQ(op.word, 1);
	CHECK(!tlbf_op_is_all(op));
	CHECK(tlbf_op_valid(op));

	op = tlbf_op_range(UVA + 0x5fff, 5);
	CHECK_EQ(tlbf_op_va(op), UVA + 0x5000);
	CHECK_EQ(tlbf_op_nr_pages(op), 5);
	CHECK(!tlbf_op_is_all(op));
	CHECK(tlbf_op_valid(op));

	op = tlbf_op_range(UVA, 0);
	CHECK_EQ(op.word, TLBF_OP_INVALID.word);
	CHECK(!tlbf_op_valid(op));

	op = tlbf_op_all();
	CHECK_EQ(op.word, 0);
	CHECK_EQ(tlbf_op_nr_pages(op), 0);
	CHECK(tlbf_op_is_all(op));
	CHECK(!tlbf_op_is_global(op));
	CHECK(tlbf_op_valid(op));

	op = tlbf_op_all_global();
	CHECK_EQ(op.word, ~0xfffUL);
	CHECK_EQ(tlbf_op_nr_pages(op), 0);
	CHECK(tlbf_op_is_all(op));
	CHECK(tlbf_op_is_global(op));
	CHECK(tlbf_op_valid(op));

	/* the last page of the address space is a page op, not all_global */
	op = tlbf_op_page(~0UL);
	CHECK_EQ(op.word, ~0xfffUL | 1);
	CHECK(!tlbf_op_is_all(op));
	CHECK(tlbf_op_is_global(op));
	CHECK(tlbf_op_valid(op));

	CHECK(!tlbf_op_is_all(TLBF_OP_INVALID));
	CHECK(!tlbf_op_valid(TLBF_OP_INVALID));

	CHECK_EQ(tlbf_op_all_for(UVA).word, tlbf_op_all().word);
	CHECK_EQ(tlbf_op_all_for(0).word, tlbf_op_all().word);
	CHECK_EQ(tlbf_op_all_for(KVA).word, tlbf_op_all_global().word);
	CHECK_EQ(tlbf_op_all_for(~0UL).word, tlbf_op_all_global().word);
	set_threshold(TLBF_FLUSH_ALL_THRESHOLD_DEFAULT);
}

/*
 * A range is encoded as it is; the threshold is the stack's rule (FL6), so
 * a strategy with its own threshold (Linux's 34) sees the range. Only a
 * range no threshold can hold is the flush-all covering it (FL5).
 */
static void op_range_threshold(void)
{
	struct tlbf_op op;

	set_threshold(32);
	op = tlbf_op_range(UVA, 31);
	CHECK_EQ(tlbf_op_nr_pages(op), 31);
	CHECK_EQ(tlbf_op_va(op), UVA);
	CHECK(tlbf_op_valid(op));
	op = tlbf_op_range(UVA, 32);
	CHECK_EQ(tlbf_op_nr_pages(op), 32);
	CHECK(!tlbf_op_is_all(op));
	op = tlbf_op_range(KVA, 33);
	CHECK_EQ(tlbf_op_nr_pages(op), 33);
	CHECK(tlbf_op_is_global(op));
	op = tlbf_op_range(UVA, TLBF_FLUSH_ALL_THRESHOLD_MAX - 1);
	CHECK_EQ(tlbf_op_nr_pages(op), TLBF_FLUSH_ALL_THRESHOLD_MAX - 1);
	op = tlbf_op_range(UVA, TLBF_FLUSH_ALL_THRESHOLD_MAX);
	CHECK_EQ(op.word, tlbf_op_all().word);
	op = tlbf_op_range(KVA, TLBF_FLUSH_ALL_THRESHOLD_MAX);
	CHECK_EQ(op.word, tlbf_op_all_global().word);
	op = tlbf_op_range(UVA, ~0UL);
	CHECK_EQ(op.word, tlbf_op_all().word);

	/* the module's threshold does not change the encoding */
	set_threshold(8);
	CHECK_EQ(tlbf_op_nr_pages(tlbf_op_range(UVA, 8)), 8);
	set_threshold(1);
	CHECK_EQ(tlbf_op_nr_pages(tlbf_op_range(KVA, 1)), 1);
	set_threshold(TLBF_FLUSH_ALL_THRESHOLD_DEFAULT);
}

static void op_valid(void)
{
	struct tlbf_op op;

	set_threshold(32);
	/* 0 pages at an address other than the two flush-alls */
	op.word = UVA;
	CHECK(!tlbf_op_valid(op));
	op.word = KVA;
	CHECK(!tlbf_op_valid(op));
	/* 1..63 pages, whatever the threshold; 64 and more are not ops */
	op.word = UVA | 63;
	CHECK(tlbf_op_valid(op));
	op.word = UVA | 64;
	CHECK(!tlbf_op_valid(op));
	op.word = UVA | 0xfff;
	CHECK(!tlbf_op_valid(op));
	/* non-canonical first or last page */
	op.word = 0x0000800000000000UL | 1;
	CHECK(!tlbf_op_valid(op));
	op.word = 0xffff7ffffffff000UL | 1;
	CHECK(!tlbf_op_valid(op));
	op.word = 0x1000000000000000UL | 1;
	CHECK(!tlbf_op_valid(op));
	/* the last user page and the first kernel page are fine alone ... */
	op.word = 0x00007ffffffff000UL | 1;
	CHECK(tlbf_op_valid(op));
	op.word = 0xffff800000000000UL | 1;
	CHECK(tlbf_op_valid(op));
	op.word = 0x00007fffffffe000UL | 2;
	CHECK(tlbf_op_valid(op));
	/* ... but a range may not leave its half */
	op.word = 0x00007ffffffff000UL | 2;
	CHECK(!tlbf_op_valid(op));
	op.word = 0xffff7ffffffff000UL | 2;
	CHECK(!tlbf_op_valid(op));
	/* nor wrap around the top of the address space */
	op.word = 0xffffffffffffe000UL | 2;
	CHECK(tlbf_op_valid(op));
	op.word = 0xfffffffffffff000UL | 2;
	CHECK(!tlbf_op_valid(op));
	CHECK(!tlbf_op_valid(TLBF_OP_INVALID));

	/* "canonical" follows the running paging mode (LA57) */
	shim_va_bits = 57;
	op.word = 0x0000800000000000UL | 1;
	CHECK(tlbf_op_valid(op));
	op.word = 0x00fffffffffff000UL | 2;
	CHECK(!tlbf_op_valid(op));
	shim_va_bits = 48;
	op.word = 0x0000800000000000UL | 1;
	CHECK(!tlbf_op_valid(op));
	set_threshold(TLBF_FLUSH_ALL_THRESHOLD_DEFAULT);
}

static void threshold_setter(void)
{
	CHECK_EQ(tlbf_flush_all_threshold, TLBF_FLUSH_ALL_THRESHOLD_DEFAULT);
	CHECK_EQ(TLBF_FLUSH_ALL_THRESHOLD_DEFAULT, 32);
	CHECK_EQ(tlbf_set_flush_all_threshold(0), -EINVAL);
	CHECK_EQ(tlbf_flush_all_threshold, 32);
	CHECK_EQ(tlbf_set_flush_all_threshold(65), -EINVAL);
	CHECK_EQ(tlbf_flush_all_threshold, 32);
	CHECK_EQ(tlbf_set_flush_all_threshold(~0U), -EINVAL);
	CHECK_EQ(tlbf_flush_all_threshold, 32);
	CHECK_EQ(tlbf_set_flush_all_threshold(1), 0);
	CHECK_EQ(tlbf_flush_all_threshold, 1);
	CHECK_EQ(tlbf_set_flush_all_threshold(64), 0);
	CHECK_EQ(tlbf_flush_all_threshold, 64);
	CHECK_EQ(tlbf_set_flush_all_threshold(65), -EINVAL);
	CHECK_EQ(tlbf_flush_all_threshold, 64);
	CHECK_EQ(tlbf_set_flush_all_threshold(32), 0);
	CHECK_EQ(tlbf_flush_all_threshold, 32);
}

/* FL6 for single pages: 31 stay a list, the 32nd makes the stack all. */
static void stack_singles(void)
{
	struct tlbf_ops ops;
	u64 m0 = merged();
	unsigned int i;

	set_threshold(32);
	tlbf_ops_init(&ops);
	CHECK(tlbf_ops_empty(&ops));
	for (i = 0; i < 31; i++) {
		tlbf_ops_push(&ops, tlbf_op_page(UVA + i * PAGE_SIZE));
		CHECK(!ops.all);
		CHECK_EQ(ops.nr_ops, i + 1);
		CHECK_EQ(ops.nr_pages, i + 1);
		CHECK_EQ(ops.ops[i].word, UVA + i * PAGE_SIZE + 1);
		CHECK(!tlbf_ops_empty(&ops));
	}
	CHECK(!ops.global);
	CHECK_EQ(merged(), m0);
	tlbf_ops_push(&ops, tlbf_op_page(UVA + 31 * PAGE_SIZE));
	CHECK(ops.all);
	CHECK_EQ(ops.nr_ops, 0);
	CHECK_EQ(ops.nr_pages, 0);
	CHECK(!ops.global);
	CHECK(!tlbf_ops_empty(&ops));
	CHECK_EQ(merged(), m0 + 1);
	/* an all stack stays all, and is counted only once */
	for (i = 0; i < 40; i++)
		tlbf_ops_push(&ops, tlbf_op_page(UVA));
	CHECK(ops.all);
	CHECK_EQ(ops.nr_ops, 0);
	CHECK_EQ(merged(), m0 + 1);
	/* init empties it again */
	tlbf_ops_init(&ops);
	CHECK(tlbf_ops_empty(&ops));
	CHECK(!ops.all);
	set_threshold(TLBF_FLUSH_ALL_THRESHOLD_DEFAULT);
}

/* FL6 for ranges: the same rule, pending + new >= threshold. */
static void stack_ranges(void)
{
	struct tlbf_ops ops;
	struct tlbf_op big;
	u64 m0 = merged();

	set_threshold(32);
	tlbf_ops_init(&ops);
	tlbf_ops_push(&ops, tlbf_op_range(UVA, 31));
	CHECK(!ops.all);
	CHECK_EQ(ops.nr_ops, 1);
	CHECK_EQ(ops.nr_pages, 31);
	tlbf_ops_push(&ops, tlbf_op_page(UVA + 100 * PAGE_SIZE));
	CHECK(ops.all);
	CHECK_EQ(ops.nr_ops, 0);
	CHECK_EQ(merged(), m0 + 1);

	/* a 32-page range is a flush all by itself (counted as a merge) */
	m0 = merged();
	tlbf_ops_init(&ops);
	tlbf_ops_push(&ops, tlbf_op_range(UVA, 32));
	CHECK(ops.all);
	CHECK_EQ(ops.nr_ops, 0);
	CHECK(!ops.global);
	CHECK_EQ(merged(), m0 + 1);

	/* a stack with its own threshold: Linux's "more than 33" */
	tlbf_ops_init_threshold(&ops, 34);
	tlbf_ops_push(&ops, tlbf_op_range(UVA, 33));
	CHECK(!ops.all);
	CHECK_EQ(ops.nr_pages, 33);
	tlbf_ops_push(&ops, tlbf_op_page(UVA + 100 * PAGE_SIZE));
	CHECK(ops.all);
	tlbf_ops_init_threshold(&ops, 34);
	tlbf_ops_push(&ops, tlbf_op_range(UVA, 34));
	CHECK(ops.all);

	/* 16 + 15 stay, one more page reaches 32 */
	m0 = merged();
	tlbf_ops_init(&ops);
	tlbf_ops_push(&ops, tlbf_op_range(UVA, 16));
	tlbf_ops_push(&ops, tlbf_op_range(UVA + 64 * PAGE_SIZE, 15));
	CHECK(!ops.all);
	CHECK_EQ(ops.nr_ops, 2);
	CHECK_EQ(ops.nr_pages, 31);
	tlbf_ops_push(&ops, tlbf_op_range(UVA + 128 * PAGE_SIZE, 2));
	CHECK(ops.all);
	CHECK_EQ(merged(), m0 + 1);

	/* 20 pending + a 12-page range = 32 */
	m0 = merged();
	tlbf_ops_init(&ops);
	tlbf_ops_push(&ops, tlbf_op_range(UVA, 20));
	tlbf_ops_push(&ops, tlbf_op_range(UVA + 64 * PAGE_SIZE, 11));
	CHECK(!ops.all);
	tlbf_ops_init(&ops);
	tlbf_ops_push(&ops, tlbf_op_range(UVA, 20));
	tlbf_ops_push(&ops, tlbf_op_range(UVA + 64 * PAGE_SIZE, 12));
	CHECK(ops.all);
	CHECK_EQ(merged(), m0 + 1);

	/* a range encoded under a higher threshold still obeys the current */
	set_threshold(64);
	big = tlbf_op_range(UVA, 40);
	CHECK_EQ(tlbf_op_nr_pages(big), 40);
	set_threshold(32);
	m0 = merged();
	tlbf_ops_init(&ops);
	tlbf_ops_push(&ops, big);
	CHECK(ops.all);
	CHECK_EQ(merged(), m0 + 1);
	set_threshold(TLBF_FLUSH_ALL_THRESHOLD_DEFAULT);
}

/* Lowering or raising the threshold applies to the next push at once. */
static void stack_threshold_change(void)
{
	struct tlbf_ops ops;
	unsigned int i;
	u64 m0;

	set_threshold(32);
	tlbf_ops_init(&ops);
	for (i = 0; i < 20; i++)
		tlbf_ops_push(&ops, tlbf_op_page(UVA + i * PAGE_SIZE));
	CHECK(!ops.all);
	CHECK_EQ(ops.nr_pages, 20);
	set_threshold(16);
	m0 = merged();
	tlbf_ops_push(&ops, tlbf_op_page(UVA + 20 * PAGE_SIZE));
	CHECK(ops.all);
	CHECK_EQ(merged(), m0 + 1);

	/* largest threshold: 63 pages stay (array bound), the 64th is all */
	set_threshold(64);
	tlbf_ops_init(&ops);
	for (i = 0; i < 63; i++)
		tlbf_ops_push(&ops, tlbf_op_page(UVA + i * PAGE_SIZE));
	CHECK(!ops.all);
	CHECK_EQ(ops.nr_ops, 63);
	CHECK_EQ(ops.ops[62].word, UVA + 62 * PAGE_SIZE + 1);
	tlbf_ops_push(&ops, tlbf_op_page(UVA + 63 * PAGE_SIZE));
	CHECK(ops.all);

	/* threshold 1: every page makes the stack all */
	set_threshold(1);
	tlbf_ops_init(&ops);
	tlbf_ops_push(&ops, tlbf_op_page(UVA));
	CHECK(ops.all);
	CHECK_EQ(ops.nr_ops, 0);
	set_threshold(TLBF_FLUSH_ALL_THRESHOLD_DEFAULT);
}

/* FL5: a kernel-half op or all_global makes the stack global, for good. */
static void stack_global(void)
{
	struct tlbf_ops ops;
	unsigned int i;

	set_threshold(32);
	tlbf_ops_init(&ops);
	tlbf_ops_push(&ops, tlbf_op_page(UVA));
	CHECK(!ops.global);
	tlbf_ops_push(&ops, tlbf_op_page(KVA));
	CHECK(ops.global);
	CHECK(!ops.all);
	CHECK_EQ(ops.nr_ops, 2);
	/* the threshold makes it all: still global */
	for (i = 1; i < 31; i++)
		tlbf_ops_push(&ops, tlbf_op_page(UVA + i * PAGE_SIZE));
	CHECK(ops.all);
	CHECK(ops.global);
	/* a non-global flush-all does not clear it */
	tlbf_ops_push(&ops, tlbf_op_all());
	CHECK(ops.all);
	CHECK(ops.global);

	/* a kernel range op reaching the threshold: global all */
	tlbf_ops_init(&ops);
	tlbf_ops_push(&ops, tlbf_op_range(KVA, 40));
	CHECK(ops.all);
	CHECK(ops.global);

	/* all_global on an empty stack */
	tlbf_ops_init(&ops);
	tlbf_ops_push(&ops, tlbf_op_all_global());
	CHECK(ops.all);
	CHECK(ops.global);

	/* the non-global all, then a kernel page: all stays, global recorded */
	tlbf_ops_init(&ops);
	tlbf_ops_push(&ops, tlbf_op_all());
	CHECK(ops.all);
	CHECK(!ops.global);
	tlbf_ops_push(&ops, tlbf_op_page(KVA));
	CHECK(ops.all);
	CHECK(ops.global);
	CHECK_EQ(ops.nr_ops, 0);

	/* init clears global */
	tlbf_ops_init(&ops);
	CHECK(!ops.global);

	CHECK(tlbf_ops_all_global.all);
	CHECK(tlbf_ops_all_global.global);
	CHECK_EQ(tlbf_ops_all_global.nr_ops, 0);
	set_threshold(TLBF_FLUSH_ALL_THRESHOLD_DEFAULT);
}

/* Merge pushes @src's ops onto @dst with the same rule; @src unchanged. */
static void stack_merge(void)
{
	struct tlbf_ops dst, src, keep, one;
	unsigned int i;
	u64 m0;

	set_threshold(32);
	tlbf_ops_init(&dst);
	tlbf_ops_init(&src);
	for (i = 0; i < 20; i++)
		tlbf_ops_push(&dst, tlbf_op_page(UVA + i * PAGE_SIZE));
	for (i = 0; i < 11; i++)
		tlbf_ops_push(&src, tlbf_op_page(UVA + (100 + i) * PAGE_SIZE));
	memcpy(&keep, &src, sizeof(src));
	m0 = merged();
	tlbf_ops_merge(&dst, &src);
	CHECK(!dst.all);
	CHECK_EQ(dst.nr_ops, 31);
	CHECK_EQ(dst.nr_pages, 31);
	CHECK_EQ(dst.ops[20].word, UVA + 100 * PAGE_SIZE + 1);
	CHECK_EQ(dst.ops[30].word, UVA + 110 * PAGE_SIZE + 1);
	CHECK(!memcmp(&keep, &src, sizeof(src)));
	CHECK_EQ(merged(), m0);
	/* one more page brings it to 32 */
	tlbf_ops_init(&one);
	tlbf_ops_push(&one, tlbf_op_page(UVA + 200 * PAGE_SIZE));
	tlbf_ops_merge(&dst, &one);
	CHECK(dst.all);
	CHECK_EQ(dst.nr_ops, 0);
	CHECK_EQ(merged(), m0 + 1);
	CHECK(!dst.global);

	/* a big source turns an empty destination all, counted once */
	tlbf_ops_init(&dst);
	tlbf_ops_init(&src);
	for (i = 0; i < 31; i++)
		tlbf_ops_push(&src, tlbf_op_page(UVA + i * PAGE_SIZE));
	tlbf_ops_push(&dst, tlbf_op_range(UVA + 64 * PAGE_SIZE, 2));
	m0 = merged();
	tlbf_ops_merge(&dst, &src);
	CHECK(dst.all);
	CHECK_EQ(merged(), m0 + 1);
	CHECK_EQ(src.nr_ops, 31);

	/* an all source makes dst all, and carries global */
	tlbf_ops_init(&dst);
	tlbf_ops_push(&dst, tlbf_op_page(UVA));
	tlbf_ops_merge(&dst, &tlbf_ops_all_global);
	CHECK(dst.all);
	CHECK(dst.global);
	CHECK_EQ(dst.nr_ops, 0);

	/* a global source into an all destination: global is recorded */
	tlbf_ops_init(&dst);
	tlbf_ops_push(&dst, tlbf_op_all());
	tlbf_ops_init(&src);
	tlbf_ops_push(&src, tlbf_op_page(KVA));
	tlbf_ops_merge(&dst, &src);
	CHECK(dst.all);
	CHECK(dst.global);

	/* a global list source into a list destination */
	tlbf_ops_init(&dst);
	tlbf_ops_push(&dst, tlbf_op_page(UVA));
	tlbf_ops_merge(&dst, &src);
	CHECK(!dst.all);
	CHECK(dst.global);
	CHECK_EQ(dst.nr_ops, 2);
	CHECK_EQ(dst.ops[1].word, KVA + 1);

	/* merging an empty stack changes nothing */
	tlbf_ops_init(&src);
	memcpy(&keep, &dst, sizeof(dst));
	tlbf_ops_merge(&dst, &src);
	CHECK(!memcmp(&keep, &dst, sizeof(dst)));
	set_threshold(TLBF_FLUSH_ALL_THRESHOLD_DEFAULT);
}

static void stack_copy(void)
{
	struct tlbf_ops a, b;

	set_threshold(32);
	tlbf_ops_init(&a);
	tlbf_ops_push(&a, tlbf_op_page(UVA));
	tlbf_ops_push(&a, tlbf_op_range(KVA, 3));
	tlbf_ops_push(&a, tlbf_op_page(UVA + 9 * PAGE_SIZE));
	memset(&b, 0xa5, sizeof(b));
	tlbf_ops_copy(&b, &a);
	CHECK_EQ(b.nr_ops, 3);
	CHECK_EQ(b.nr_pages, 5);
	CHECK(!b.all);
	CHECK(b.global);
	CHECK_EQ(b.ops[0].word, UVA + 1);
	CHECK_EQ(b.ops[1].word, KVA + 3);
	CHECK_EQ(b.ops[2].word, UVA + 9 * PAGE_SIZE + 1);
	/* the copy is a stack of its own: the rule goes on from 5 pages */
	tlbf_ops_push(&b, tlbf_op_range(UVA + 64 * PAGE_SIZE, 26));
	CHECK(!b.all);
	tlbf_ops_push(&b, tlbf_op_page(UVA + 128 * PAGE_SIZE));
	CHECK(b.all);
	CHECK_EQ(a.nr_ops, 3);

	tlbf_ops_copy(&a, &b);
	CHECK(a.all);
	CHECK(a.global);
	CHECK_EQ(a.nr_ops, 0);
	CHECK_EQ(a.nr_pages, 0);
	set_threshold(TLBF_FLUSH_ALL_THRESHOLD_DEFAULT);
}

static const struct tap_case cases[] = {
	TAP_CASE(op_encoding),
	TAP_CASE(op_range_threshold),
	TAP_CASE(op_valid),
	TAP_CASE(threshold_setter),
	TAP_CASE(stack_singles),
	TAP_CASE(stack_ranges),
	TAP_CASE(stack_threshold_change),
	TAP_CASE(stack_global),
	TAP_CASE(stack_merge),
	TAP_CASE(stack_copy),
};

int main(void)
{
	return tap_run(cases, ARRAY_SIZE(cases));
}
