/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: what the flusher's objects share and nobody else sees (the
 * way mm/kfence/kfence.h is private to kfence): frame batches and the
 * per-CPU queues. Public API: include/tlbflush/{flusher,strategy}.h.
 */
#ifndef _TLBFLUSH_FLUSHER_INTERNAL_H
#define _TLBFLUSH_FLUSHER_INTERNAL_H

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "tlbflush/flusher.h"
#include "tlbflush/ops.h"
#include "tlbflush/ptable.h"

/**
 * struct tlbf_batch_link - a target CPU's reference to a frame batch
 * @next: next link in the target queue's list
 * @batch: the batch
 */
struct tlbf_batch_link {
	struct tlbf_batch_link *next;
	struct tlbf_batch *batch;
};

/**
 * struct tlbf_batch - frames of one dispatch, freed after all its targets
 * @refs: targets that have not flushed yet
 * @frames: PENDING frames (->next list), one reference each
 * @nr_links: entries of @link
 * @rcu: the batch is freed after a grace period (see tlbf_batch_put())
 * @link: one per remote target of a queued delivery
 */
struct tlbf_batch {
	atomic_t refs;
	struct tlbf_frame *frames;
	unsigned int nr_links;
	struct rcu_head rcu;
	struct tlbf_batch_link link[];
};

/**
 * struct tlbf_queue - one CPU's queue of flushes dispatched to it
 * @lock: protects every field but @done_seq; taken in IPI context
 * @ipi_inflight: an IPI was sent (or a lazy tick is due) and the queue
 *	has not been swapped out since
 * @lazy: a lazy delivery left work for the CPU's next tick
 * @ops: ops to perform (the module's FL6 threshold)
 * @links: batch references to drop after performing @ops
 * @enq_seq: number of merges into this queue
 * @done_seq: @enq_seq value of the last swap performed (release store)
 * @csd: the queue IPI to this CPU (tlbf_queue_send()); one in flight at
 *	most, as @ipi_inflight says
 *
 * Layout: what a delivery and its handler both write (the lock, the flags,
 * @enq_seq, @links and the head of @ops with its first ops) shares the
 * first cache line; @done_seq, which a waiter spins on, has a line of its
 * own, so the spinning does not pull the handler's line away from it.
 */
struct tlbf_queue {
	raw_spinlock_t lock;
	bool ipi_inflight;
	bool lazy;
	u64 enq_seq;
	struct tlbf_batch_link *links;
	struct tlbf_ops ops;
	u64 done_seq ____cacheline_aligned;
	call_single_data_t csd;
};

DECLARE_PER_CPU_ALIGNED(struct tlbf_queue, tlbf_queues);

bool tlbf_queue_send(int cpu);
struct tlbf_batch *tlbf_batch_alloc(struct tlbf_frame *frames,
				    unsigned int refs, unsigned int nr_links);
void tlbf_put_frames(struct tlbf_frame *f);
bool tlbf_queue_enqueue(int cpu, const struct tlbf_ops *ops,
			struct tlbf_batch_link *link, bool lazy);
int tlbf_queue_cpu_dead(unsigned int cpu);
void tlbf_queue_ipi(void *info);
void tlbf_wait_mask(const struct cpumask *mask);
void tlbf_wait_pending(const struct cpumask *pending);
bool tlbf_flusher_check_cpu(struct tlbf_flusher *fl);
void tlbf_flusher_flush_orphans(void);
/* flusher_fallback.c: the degraded paths of dispatch and finish. */
struct tlbf_dispatch;
void tlbf_dispatch_fallback(struct tlbf_dispatch *d, struct tlbf_frame *frames);
void tlbf_flusher_orphan(struct tlbf_frame *frames);

#endif /* _TLBFLUSH_FLUSHER_INTERNAL_H */
