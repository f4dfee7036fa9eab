/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: the flusher (Asterinas TlbFlusher semantics, ARCHITECTURE.md
 * FL1-FL12).
 *
 * Usage, with preemption (or migration) disabled from init to finish (FL1):
 *
 *	struct tlbf_flusher fl;
 *
 *	err = tlbf_flusher_init(&fl, mm_cpus, TLBF_STRAT_ASYNC);
 *	tlbf_flusher_issue(&fl, tlbf_op_page(va));	records only (FL3)
 *	tlbf_flusher_issue_with(&fl, op, frame);	frame freed after flush
 *	tlbf_flusher_dispatch(&fl);			IPIs + local ops (FL7)
 *	tlbf_flusher_sync(&fl);				waits (FL9)
 *	tlbf_flusher_finish(&fl);
 *
 * An op is one machine word (FL5): flush all, one page, or a range of fewer
 * than tlbf_flush_all_threshold pages. Encoding: bits 63..12 are the page
 * address, bits 11..0 the number of pages; 0 pages means flush all (the op
 * TLBF_OP_ALL is 0). TLBF_OP_INVALID never passes tlbf_op_valid().
 */
#ifndef _TLBFLUSH_FLUSHER_H
#define _TLBFLUSH_FLUSHER_H

#include <linux/cpumask.h>
#include <linux/types.h>

#include "tlbflush/ptable.h"

struct tlbf_flush_req;

/* Flush-all threshold (FL5, FL6): default and largest accepted value. */
#define TLBF_FLUSH_ALL_THRESHOLD_DEFAULT	32U
#define TLBF_FLUSH_ALL_THRESHOLD_MAX		64U

/* Current threshold; change it only with tlbf_set_flush_all_threshold(). */
extern unsigned int tlbf_flush_all_threshold;
int tlbf_set_flush_all_threshold(unsigned int threshold);

/* Module parameter slow_cpu_ms (FL11): report a CPU slower than this. */
extern unsigned int tlbf_slow_cpu_ms;

/* One machine word (ulong is unsigned long, <linux/types.h>). */
/**
 * struct tlbf_op - one flush op, one machine word (FL5)
 * @word: bits 63..12 the first page, bits 11..0 the number of pages;
 *	0 pages (the word 0) is "flush all"
 *
 * A struct rather than a bare unsigned long so that an address can never
 * be passed where an op is expected; build ops with the encoders below.
 */
struct tlbf_op {
	unsigned long word;
};

#define TLBF_OP_NR_MASK		((unsigned long)(TLBF_PAGE_SIZE - 1))
#define TLBF_OP_ALL		((struct tlbf_op){ .word = 0 })
#define TLBF_OP_INVALID		((struct tlbf_op){ .word = ~0UL })

/**
 * tlbf_op_all() - the op "flush every non-global translation"
 */
static inline struct tlbf_op tlbf_op_all(void)
{
	return TLBF_OP_ALL;
}

/**
 * tlbf_op_page() - the op "flush the page containing @va"
 * @va: any address in the page
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
 * Return: a page or range op, tlbf_op_all() if @nr_pages reaches the current
 * flush-all threshold, TLBF_OP_INVALID if @nr_pages is 0.
 */
static inline struct tlbf_op tlbf_op_range(unsigned long va,
					   unsigned long nr_pages)
{
	if (!nr_pages)
		return TLBF_OP_INVALID;
	if (nr_pages >= READ_ONCE(tlbf_flush_all_threshold))
		return tlbf_op_all();
	return (struct tlbf_op){ .word = (va & ~TLBF_OP_NR_MASK) | nr_pages };
}

/** tlbf_op_is_all() - is @op "flush all"? */
static inline bool tlbf_op_is_all(struct tlbf_op op)
{
	return op.word == 0;
}

/** tlbf_op_nr_pages() - pages of a page/range op, 0 for flush all */
static inline unsigned long tlbf_op_nr_pages(struct tlbf_op op)
{
	return op.word & TLBF_OP_NR_MASK;
}

/** tlbf_op_va() - first page of a page/range op, 0 for flush all */
static inline unsigned long tlbf_op_va(struct tlbf_op op)
{
	return op.word & ~TLBF_OP_NR_MASK;
}

bool tlbf_op_valid(struct tlbf_op op);

/**
 * struct tlbf_ops - a stack of ops with the threshold rule (FL6)
 * @nr_ops: entries used in @ops
 * @nr_pages: pages covered by @ops
 * @all: the stack is "flush all"; @ops is then empty
 * @ops: the recorded page/range ops
 *
 * It holds at most tlbf_flush_all_threshold pages: pushing (or merging) past
 * that turns it into "flush all" and drops the op list, counted once in
 * ops_merged_to_all. Not locked: the owner serializes.
 */
struct tlbf_ops {
	unsigned int nr_ops;
	unsigned int nr_pages;
	bool all;
	struct tlbf_op ops[TLBF_FLUSH_ALL_THRESHOLD_MAX];
};

void tlbf_ops_init(struct tlbf_ops *ops);
void tlbf_ops_push(struct tlbf_ops *ops, struct tlbf_op op);
void tlbf_ops_merge(struct tlbf_ops *dst, const struct tlbf_ops *src);

/** tlbf_ops_empty() - does the stack flush nothing? */
static inline bool tlbf_ops_empty(const struct tlbf_ops *ops)
{
	return !ops->all && !ops->nr_ops;
}

/**
 * enum tlbf_strategy - how a flusher dispatches
 * @TLBF_STRAT_ASYNC: dispatch returns at once; sync waits (Asterinas)
 * @TLBF_STRAT_SYNC: dispatch waits for its targets (Linux style)
 * @TLBF_STRAT_BROADCAST: every other online CPU flushes all, whatever the
 *	targets and ops (DragonOS InactiveFlusher); this CPU performs the
 *	ops if it is a target; dispatch returns at once
 * @TLBF_NR_STRATEGIES: number of strategies
 */
enum tlbf_strategy {
	TLBF_STRAT_ASYNC,
	TLBF_STRAT_SYNC,
	TLBF_STRAT_BROADCAST,
	TLBF_NR_STRATEGIES
};

const char *tlbf_strategy_name(enum tlbf_strategy s);
int tlbf_strategy_parse(const char *name);

/**
 * struct tlbf_flusher - a flusher bound to the CPU that created it (FL1)
 * @ops: ops issued and not dispatched yet
 * @frames: frames given to issue_with and not dispatched yet (->next list)
 * @targets: caller's target set, read at dispatch (FL2)
 * @ipi_mask: scratch mask handed to smp_call_function_many()
 * @waitset: CPUs targeted by dispatches since the last sync
 * @cpu: the CPU the flusher is bound to
 * @strategy: &enum tlbf_strategy
 *
 * Lives on the caller's stack between tlbf_flusher_init() and
 * tlbf_flusher_finish(). All fields are private to flusher.c.
 */
struct tlbf_flusher {
	struct tlbf_ops ops;
	struct tlbf_frame *frames;
	struct cpumask *targets;
	struct cpumask *ipi_mask;
	struct cpumask *waitset;
	int cpu;
	enum tlbf_strategy strategy;
};

int tlbf_flusher_init(struct tlbf_flusher *fl, struct cpumask *targets,
		      enum tlbf_strategy strategy);
int tlbf_flusher_issue(struct tlbf_flusher *fl, struct tlbf_op op);
int tlbf_flusher_issue_with(struct tlbf_flusher *fl, struct tlbf_op op,
			    struct tlbf_frame *pending_frame);
int tlbf_flusher_issue_req(struct tlbf_flusher *fl,
			   struct tlbf_flush_req *req);
int tlbf_flusher_dispatch(struct tlbf_flusher *fl);
int tlbf_flusher_sync(struct tlbf_flusher *fl);
void tlbf_flusher_finish(struct tlbf_flusher *fl);

/* Module-wide: queues, hotplug, draining (process context). */
int tlbf_flusher_module_init(void);
void tlbf_flusher_module_exit(void);
void tlbf_flusher_quiesce(void);
unsigned int tlbf_flusher_queue_pages(int cpu, bool *all);

#if IS_ENABLED(CONFIG_KUNIT)
/* For the KUnit suite only (namespace EXPORTED_FOR_KUNIT_TESTING). */
int tlbf_flusher_test_enqueue_offline(struct tlbf_flusher *fl,
				      unsigned int cpu);
int tlbf_flusher_test_cpu_dead(unsigned int cpu);
#endif

#endif /* _TLBFLUSH_FLUSHER_H */
