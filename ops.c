// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: flush ops and the ops stack (ARCHITECTURE.md FL5, FL6). See
 * include/tlbflush/ops.h. Pure code, also compiled in tests/host.
 */
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "tlbflush/inject.h"
#include "tlbflush/ops.h"
#include "tlbflush/stats.h"

unsigned int tlbf_flush_all_threshold = TLBF_FLUSH_ALL_THRESHOLD_DEFAULT;
EXPORT_SYMBOL_GPL(tlbf_flush_all_threshold);

const struct tlbf_ops tlbf_ops_all_global = { .all = true, .global = true };
EXPORT_SYMBOL_GPL(tlbf_ops_all_global);

/**
 * tlbf_set_flush_all_threshold() - set the flush-all threshold (FL5, FL6)
 * @threshold: 1..TLBF_FLUSH_ALL_THRESHOLD_MAX pages
 *
 * Return: 0, or -EINVAL (nothing changed) if @threshold is out of range.
 */
int tlbf_set_flush_all_threshold(unsigned int threshold)
{
	if (threshold < 1 || threshold > TLBF_FLUSH_ALL_THRESHOLD_MAX)
		return -EINVAL;
	WRITE_ONCE(tlbf_flush_all_threshold, threshold);
	return 0;
}
EXPORT_SYMBOL_GPL(tlbf_set_flush_all_threshold);

/**
 * tlbf_op_valid() - is @op a well-formed op?
 * @op: the op
 *
 * Return: true for the two flush-all ops, and for a page/range op of 1 to
 * TLBF_FLUSH_ALL_THRESHOLD_MAX - 1 pages whose pages are all canonical in
 * the running paging mode (P2), in one half, and do not wrap around.
 */
bool __tlbf_hot tlbf_op_valid(struct tlbf_op op)
{
	unsigned long nr = tlbf_op_nr_pages(op);
	unsigned long va = tlbf_op_va(op);
	unsigned long last;

	if (tlbf_op_is_all(op))
		return true;
	if (!nr || nr >= TLBF_FLUSH_ALL_THRESHOLD_MAX)
		return false;
	last = va + (nr - 1) * TLBF_PAGE_SIZE;
	return last >= va && tlbf_va_canonical(va) && tlbf_va_canonical(last) &&
	       tlbf_va_is_user(va) == tlbf_va_is_user(last);
}
EXPORT_SYMBOL_GPL(tlbf_op_valid);

/**
 * tlbf_ops_init() - make @ops an empty stack
 * @ops: the stack
 */
void __tlbf_hot tlbf_ops_init(struct tlbf_ops *ops)
{
	ops->nr_ops = 0;
	ops->nr_pages = 0;
	ops->all = false;
	ops->global = false;
	ops->threshold = 0;
}
EXPORT_SYMBOL_GPL(tlbf_ops_init);

/**
 * tlbf_ops_init_threshold() - an empty stack with its own FL6 threshold
 * @ops: the stack
 * @threshold: 1..TLBF_FLUSH_ALL_THRESHOLD_MAX, or 0 for the module's
 *	tlbf_flush_all_threshold (out of range is clamped)
 */
void __tlbf_hot tlbf_ops_init_threshold(struct tlbf_ops *ops,
					unsigned int threshold)
{
	tlbf_ops_init(ops);
	ops->threshold = min(threshold, TLBF_FLUSH_ALL_THRESHOLD_MAX);
}
EXPORT_SYMBOL_GPL(tlbf_ops_init_threshold);

static void __tlbf_hot tlbf_ops_set_all(struct tlbf_ops *ops)
{
	ops->all = true;
	ops->nr_ops = 0;
	ops->nr_pages = 0;
}

/* FL6: does one more op of @nr pages turn the stack into "flush all"? */
static bool __tlbf_hot
tlbf_ops_reaches_threshold(const struct tlbf_ops *ops, unsigned long nr)
{
	unsigned long threshold = tlbf_ops_threshold(ops);

	if (ops->nr_ops >= TLBF_FLUSH_ALL_THRESHOLD_MAX)
		return true;
	if (tlbf_inject(TLBF_INJ_THRESHOLD_OFF_BY_ONE))
		return ops->nr_pages + nr > threshold;
	return ops->nr_pages + nr >= threshold;
}

/**
 * tlbf_ops_push() - record one more op (FL6)
 * @ops: the stack
 * @op: a valid op
 *
 * A flush-all op, or one that brings the stack to the current threshold
 * (pending + new >= threshold), turns the stack into "flush all"; the
 * latter is counted in ops_merged_to_all. A kernel-half or global op makes
 * the stack global (FL5). A stack that is already "flush all" only
 * records that.
 */
void __tlbf_hot tlbf_ops_push(struct tlbf_ops *ops, struct tlbf_op op)
{
	unsigned long nr = tlbf_op_nr_pages(op);

	if (tlbf_op_is_global(op))
		ops->global = true;
	if (ops->all)
		return;
	if (tlbf_op_is_all(op)) {
		tlbf_ops_set_all(ops);
		return;
	}
	if (tlbf_ops_reaches_threshold(ops, nr)) {
		tlbf_ops_set_all(ops);
		tlbf_stat_inc(TLBF_STAT_OPS_MERGED_TO_ALL);
		return;
	}
	ops->ops[ops->nr_ops++] = op;
	ops->nr_pages += nr;
}
EXPORT_SYMBOL_GPL(tlbf_ops_push);

/**
 * tlbf_ops_merge() - push every op of @src onto @dst, same threshold rule
 * @dst: the stack that grows
 * @src: the stack to copy from (unchanged)
 */
void __tlbf_hot tlbf_ops_merge(struct tlbf_ops *dst, const struct tlbf_ops *src)
{
	unsigned int i;

	if (src->global)
		dst->global = true;
	if (dst->all)
		return;
	if (src->all) {
		tlbf_ops_set_all(dst);
		return;
	}
	for (i = 0; i < src->nr_ops && !dst->all; i++)
		tlbf_ops_push(dst, src->ops[i]);
}
EXPORT_SYMBOL_GPL(tlbf_ops_merge);

/**
 * tlbf_ops_copy() - make @dst a copy of @src (only the used entries)
 * @dst: the destination stack
 * @src: the source stack
 */
void __tlbf_hot tlbf_ops_copy(struct tlbf_ops *dst, const struct tlbf_ops *src)
{
	dst->all = src->all;
	dst->global = src->global;
	dst->threshold = src->threshold;
	dst->nr_pages = src->nr_pages;
	dst->nr_ops = src->nr_ops;
	memcpy(dst->ops, src->ops, src->nr_ops * sizeof(struct tlbf_op));
}
EXPORT_SYMBOL_GPL(tlbf_ops_copy);
