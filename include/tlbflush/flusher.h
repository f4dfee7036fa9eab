/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: the flusher (Asterinas TlbFlusher semantics, ARCHITECTURE.md
 * FL1-FL12).
 *
 * Usage, with preemption (or migration) disabled from init to finish (FL1):
 *
 *	struct tlbf_flusher fl;
 *
 *	err = tlbf_flusher_init(&fl, mm_cpus, &tlbf_strategy_async);
 *	tlbf_flusher_issue(&fl, tlbf_op_page(va));	records only (FL3)
 *	tlbf_flusher_issue_with(&fl, op, frame);	frame freed after flush
 *	tlbf_flusher_dispatch(&fl);			IPIs + local ops (FL7)
 *	tlbf_flusher_sync(&fl);				waits (FL9)
 *	tlbf_flusher_finish(&fl);
 *
 * Ops and the ops stack (FL5, FL6) are in tlbflush/ops.h.
 */
#ifndef _TLBFLUSH_FLUSHER_H
#define _TLBFLUSH_FLUSHER_H

#include <linux/cpumask.h>
#include <linux/types.h>

#include "tlbflush/ops.h"
#include "tlbflush/ptable.h"

struct tlbf_flush_req;
struct tlbf_strategy;

/* Module parameter slow_cpu_ms (FL11): report a CPU slower than this. */
extern unsigned int tlbf_slow_cpu_ms;

/**
 * struct tlbf_flusher - a flusher bound to the CPU that created it (FL1)
 * @ops: ops issued and not dispatched yet
 * @frames: frames given to issue_with and not dispatched yet (->next list)
 * @targets: caller's target set, read at dispatch (FL2)
 * @ipi_mask: scratch mask handed to smp_call_function_many()
 * @waitset: CPUs targeted by queued deliveries since the last sync
 * @pending: scratch mask of direct deliveries (CPUs yet to ack)
 * @cpu: the CPU the flusher is bound to
 * @strategy: how it dispatches (tlbflush/strategy.h)
 * @small: the three masks themselves when a cpumask fits in a long
 *	(nr_cpu_ids <= BITS_PER_LONG); else they are allocated
 *
 * Lives on the caller's stack between tlbf_flusher_init() and
 * tlbf_flusher_finish(), and is not copied. All fields are private to
 * flusher.c.
 */
struct tlbf_flusher {
	struct tlbf_ops ops;
	struct tlbf_frame *frames;
	struct cpumask *targets;
	struct cpumask *ipi_mask;
	struct cpumask *waitset;
	struct cpumask *pending;
	int cpu;
	const struct tlbf_strategy *strategy;
	unsigned long small[3];
};

int tlbf_flusher_init(struct tlbf_flusher *fl, struct cpumask *targets,
		      const struct tlbf_strategy *strategy);
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
bool tlbf_flusher_queue_idle(int cpu);

#if IS_ENABLED(CONFIG_KUNIT)
/* For the KUnit suite only (namespace EXPORTED_FOR_KUNIT_TESTING). */
int tlbf_flusher_test_enqueue_offline(struct tlbf_flusher *fl,
				      unsigned int cpu);
int tlbf_flusher_test_cpu_dead(unsigned int cpu);
int tlbf_flusher_test_kick(unsigned int cpu);
#endif

#endif /* _TLBFLUSH_FLUSHER_H */
