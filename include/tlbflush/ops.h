/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: flush ops and the ops stack (ARCHITECTURE.md FL5, FL6). Pure
 * code: compiled in the module and, unchanged, in tests/host.
 *
 * An op is one machine word: bits 63..12 the first page, bits 11..0 the
 * number of pages. 0 pages is "flush all": the word 0 flushes every
 * non-global translation (a CR3 reload), the word with every address bit
 * set (tlbf_op_all_global()) global entries too (Linux __flush_tlb_all).
 * TLBF_OP_INVALID never passes tlbf_op_valid().
 *
 * FL5 made concrete: a stack that turns into "flush all" remembers whether
 * any op it replaced named a kernel-half address (@global); performing it
 * then drops global entries as well, since a kernel-half page may be
 * mapped global and a CR3 reload leaves those.
 */
#ifndef _TLBFLUSH_OPS_H
#define _TLBFLUSH_OPS_H

#include <linux/types.h>

#include "tlbflush/ptable.h"

/*
 * The text of one shootdown's path (issue, dispatch, the queued delivery,
 * the handler, the wait) sits in one section, so it spans one or two pages
 * instead of one per source file: after a full flush every page touched
 * costs a TLB miss (an emulated page walk under TCG), and the path
 * continues after the local flush and in the handler after its flush.
 */
#define __tlbf_hot	__section(".text.tlbf_hot")

/* Flush-all threshold (FL5, FL6): default and largest accepted value. */
#define TLBF_FLUSH_ALL_THRESHOLD_DEFAULT	32U
#define TLBF_FLUSH_ALL_THRESHOLD_MAX		64U

/* Current threshold; change it only with tlbf_set_flush_all_threshold(). */
extern unsigned int tlbf_flush_all_threshold;
int tlbf_set_flush_all_threshold(unsigned int threshold);

/**
 * struct tlbf_op - one flush op, one machine word (FL5)
 * @word: bits 63..12 the first page, bits 11..0 the number of pages;
 *	0 pages is "flush all" (address 0: non-global, all ones: global too)
 *
 * A struct rather than a bare unsigned long so that an address can never
 * be passed where an op is expected; build ops with the encoders below.
 */
struct tlbf_op {
	unsigned long word;
};

#define TLBF_OP_NR_MASK		((unsigned long)(TLBF_PAGE_SIZE - 1))
#define TLBF_OP_ALL		((struct tlbf_op){ .word = 0 })
#define TLBF_OP_ALL_GLOBAL	((struct tlbf_op){ .word = ~TLBF_OP_NR_MASK })
#define TLBF_OP_INVALID		((struct tlbf_op){ .word = ~0UL })

/**
 * tlbf_op_all() - the op "flush every non-global translation"
 *
 * Return: TLBF_OP_ALL.
 */
static inline struct tlbf_op tlbf_op_all(void)
{
	return TLBF_OP_ALL;
}

/**
 * tlbf_op_all_global() - the op "flush every translation, global ones too"
 *
 * Return: TLBF_OP_ALL_GLOBAL.
 */
static inline struct tlbf_op tlbf_op_all_global(void)
{
	return TLBF_OP_ALL_GLOBAL;
}

/**
 * tlbf_op_all_for() - the "flush all" that covers pages at @va (FL5)
 * @va: an address the flush-all replaces
 *
 * Return: tlbf_op_all_global() for a kernel-half @va, else tlbf_op_all().
 */
static inline struct tlbf_op tlbf_op_all_for(unsigned long va)
{
	return tlbf_va_is_user(va) ? tlbf_op_all() : tlbf_op_all_global();
}

/**
 * tlbf_op_page() - the op "flush the page containing @va"
 * @va: any address in the page
 *
 * Return: a one-page op for the page of @va.
 */
static inline struct tlbf_op tlbf_op_page(unsigned long va)
{
	return (struct tlbf_op){ .word = (va & ~TLBF_OP_NR_MASK) | 1 };
}

/**
 * tlbf_op_range() - the op "flush @nr_pages pages from the page of @va"
 * @va: any address in the first page
 * @nr_pages: number of pages, at least 1
 *
 * The op records the range as it is: whether it becomes "flush all" is
 * the threshold rule of the stack it is pushed onto (FL6, tlbf_ops_push()),
 * with that stack's threshold (a strategy's own, or the module's). Only a
 * range no threshold can hold (TLBF_FLUSH_ALL_THRESHOLD_MAX pages or more)
 * is encoded as "flush all" here (FL5).
 *
 * Return: a page or range op; the flush-all covering @va (tlbf_op_all_for())
 * from TLBF_FLUSH_ALL_THRESHOLD_MAX pages up; TLBF_OP_INVALID if @nr_pages
 * is 0.
 */
static inline struct tlbf_op tlbf_op_range(unsigned long va,
					   unsigned long nr_pages)
{
	if (!nr_pages)
		return TLBF_OP_INVALID;
	if (nr_pages >= TLBF_FLUSH_ALL_THRESHOLD_MAX)
		return tlbf_op_all_for(va);
	return (struct tlbf_op){ .word = (va & ~TLBF_OP_NR_MASK) | nr_pages };
}

/**
 * tlbf_op_nr_pages() - pages of a page/range op, 0 for flush all
 * @op: the op
 *
 * Return: the pages of a page or range op, 0 for flush all.
 */
static inline unsigned long tlbf_op_nr_pages(struct tlbf_op op)
{
	return op.word & TLBF_OP_NR_MASK;
}

/**
 * tlbf_op_va() - first page of a page/range op
 * @op: the op
 *
 * Return: the first page of a page or range op.
 */
static inline unsigned long tlbf_op_va(struct tlbf_op op)
{
	return op.word & ~TLBF_OP_NR_MASK;
}

/**
 * tlbf_op_is_all() - is @op a "flush all" (global or not)?
 * @op: the op
 *
 * Return: true for both kinds of flush all.
 */
static inline bool tlbf_op_is_all(struct tlbf_op op)
{
	return op.word == TLBF_OP_ALL.word || op.word == TLBF_OP_ALL_GLOBAL.word;
}

/**
 * tlbf_op_is_global() - does @op drop global translations?
 * @op: the op
 *
 * Return: true for a global flush all or an op on upper-half addresses.
 */
static inline bool tlbf_op_is_global(struct tlbf_op op)
{
	if (tlbf_op_is_all(op))
		return op.word == TLBF_OP_ALL_GLOBAL.word;
	return !tlbf_va_is_user(tlbf_op_va(op));
}

bool tlbf_op_valid(struct tlbf_op op);

/**
 * struct tlbf_ops - a stack of ops with the threshold rule (FL6)
 * @nr_ops: entries used in @ops
 * @nr_pages: pages covered by @ops
 * @all: the stack is "flush all"; @ops is then empty
 * @global: an op on the stack (or one it replaced) names a kernel-half
 *	address or is tlbf_op_all_global(): "flush all" drops global entries
 * @threshold: the stack's FL6 threshold; 0 (tlbf_ops_init()) means the
 *	module's tlbf_flush_all_threshold; a strategy may have its own
 * @ops: the recorded page/range ops
 *
 * It holds fewer than tlbf_flush_all_threshold pages: an op that would
 * bring it to the threshold (pending + new >= threshold, as Asterinas
 * FLUSH_ALL_PAGES_THRESHOLD) turns it into "flush all" and drops the op
 * list, counted once in ops_merged_to_all. Not locked: the owner
 * serializes.
 */
struct tlbf_ops {
	unsigned int nr_ops;
	unsigned int nr_pages;
	bool all;
	bool global;
	unsigned int threshold;
	struct tlbf_op ops[TLBF_FLUSH_ALL_THRESHOLD_MAX];
};

void tlbf_ops_init(struct tlbf_ops *ops);
void tlbf_ops_init_threshold(struct tlbf_ops *ops, unsigned int threshold);

/**
 * tlbf_ops_threshold() - the FL6 threshold a stack follows now
 * @ops: the stack
 *
 * Return: the stack's own threshold, or tlbf_flush_all_threshold when it
 * has none.
 */
static inline unsigned int tlbf_ops_threshold(const struct tlbf_ops *ops)
{
	return ops->threshold ? ops->threshold :
				READ_ONCE(tlbf_flush_all_threshold);
}

void tlbf_ops_push(struct tlbf_ops *ops, struct tlbf_op op);
void tlbf_ops_merge(struct tlbf_ops *dst, const struct tlbf_ops *src);
void tlbf_ops_copy(struct tlbf_ops *dst, const struct tlbf_ops *src);

/**
 * tlbf_ops_empty() - does the stack flush nothing?
 * @ops: the stack
 *
 * Return: true when the stack holds no op and is not flush all.
 */
static inline bool tlbf_ops_empty(const struct tlbf_ops *ops)
{
	return !ops->all && !ops->nr_ops;
}

/* The stack "flush all, global entries too", merged by broadcast. */
extern const struct tlbf_ops tlbf_ops_all_global;

#endif /* _TLBFLUSH_OPS_H */
