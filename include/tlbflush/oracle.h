/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: the stale-translation oracle (issue 8). It runs a flusher on
 * the live window (tlbflush/live.h) and proves it wrong when it is:
 *
 *  - canaries: every data frame carries (frame id, generation) at two
 *    known offsets; readers on every target CPU read through the window
 *    before a change (loading translations) and after the flusher's sync.
 *    Seeing the old frame's canary or the poison of a released frame, a
 *    read through an unmapped page that succeeds
 *    (copy_from_kernel_nofault), or a store through a page made read-only
 *    that lands (copy_to_kernel_nofault) is a stale access: counted in
 *    stale_reads / stale_writes and reported with CPU, VA, frames and op;
 *  - the shadow TLB (tlbflush/shadow.h): (a) after sync no target may hold
 *    a translation that differs from the tables for a page that was
 *    flushed; (b) a frame's last reference may drop (FL4) only when no CPU
 *    may reach it; FL6 for every stack performed; and (FL10) a CPU comes
 *    online with an empty queue. Violations are counted in
 *    oracle_violations and reported.
 *
 * One scenario runs at a time (a mutex); its figures are deltas of the
 * module's counters around it.
 */
#ifndef _TLBFLUSH_ORACLE_H
#define _TLBFLUSH_ORACLE_H

#include <linux/completion.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "tlbflush/flusher.h"

struct dentry;
struct tlbf_live;
struct tlbf_strategy;

/**
 * enum tlbf_oracle_targets - which CPUs a scenario's flusher targets
 * @TLBF_ORACLE_ONE: the next online CPU after the initiator
 * @TLBF_ORACLE_OTHERS: every online CPU but the initiator
 * @TLBF_ORACLE_ALL: every online CPU
 * @TLBF_ORACLE_NR_TARGETS: number of target sets
 */
enum tlbf_oracle_targets {
	TLBF_ORACLE_ONE,
	TLBF_ORACLE_OTHERS,
	TLBF_ORACLE_ALL,
	TLBF_ORACLE_NR_TARGETS
};

/**
 * enum tlbf_oracle_change - what the mapper does between the two reads
 * @TLBF_ORACLE_REMAP: unmap, then map a new frame at the same VA
 * @TLBF_ORACLE_UNMAP: unmap with unmap_parents (tables freed too)
 * @TLBF_ORACLE_PROTECT: read-write to read-only
 * @TLBF_ORACLE_NR_CHANGES: number of changes
 */
enum tlbf_oracle_change {
	TLBF_ORACLE_REMAP,
	TLBF_ORACLE_UNMAP,
	TLBF_ORACLE_PROTECT,
	TLBF_ORACLE_NR_CHANGES
};

/**
 * struct tlbf_oracle_params - one live scenario
 * @strategy: the flusher's strategy (held by the caller)
 * @targets: &enum tlbf_oracle_targets
 * @change: &enum tlbf_oracle_change
 * @pages: pages changed per round, 1..pages of the window
 * @range: one range call (one request) instead of one call per page
 * @global: leaves are global (kernel style) instead of non-global
 * @rounds: rounds (map, read, change, flush, sync, check, clean up)
 * @offline: take one remote target offline after dispatch, before sync,
 *	and back online after the round
 */
struct tlbf_oracle_params {
	const struct tlbf_strategy *strategy;
	enum tlbf_oracle_targets targets;
	enum tlbf_oracle_change change;
	unsigned int pages;
	bool range;
	bool global;
	unsigned int rounds;
	bool offline;
};

/**
 * struct tlbf_oracle_result - what a scenario saw (counter deltas)
 * @reads_checked: reads and write attempts checked through the window
 * @stale_reads: stale reads seen
 * @stale_writes: stores that landed through a read-only or gone page
 * @violations: shadow-TLB and rule violations
 * @rounds: rounds completed
 * @cpus: CPUs targeted (first round)
 * @ns: duration
 */
struct tlbf_oracle_result {
	u64 reads_checked;
	u64 stale_reads;
	u64 stale_writes;
	u64 violations;
	u64 rounds;
	unsigned int cpus;
	u64 ns;
};

/**
 * struct tlbf_oracle_offline - the offline scenario's helper (oracle.c
 *	and oracle_setup.c only)
 * @work: calls remove_cpu() on an unbound worker, migration enabled
 * @done: remove_cpu() returned
 * @cpu: the victim, -1 if none
 * @err: what remove_cpu() returned (0: the victim went offline here)
 */
struct tlbf_oracle_offline {
	struct work_struct work;
	struct completion done;
	int cpu;
	int err;
};

void tlbf_oracle_offline_start(struct tlbf_oracle_offline *o, int cpu,
			       int self);
void tlbf_oracle_offline_end(struct tlbf_oracle_offline *o);

extern const char *const tlbf_oracle_target_names[TLBF_ORACLE_NR_TARGETS];
extern const char *const tlbf_oracle_change_names[TLBF_ORACLE_NR_CHANGES];

int tlbf_oracle_run(const struct tlbf_oracle_params *p,
		    struct tlbf_oracle_result *r);
struct tlbf_live *tlbf_oracle_live(void);
int tlbf_oracle_check_cpu_queue(unsigned int cpu);

int tlbf_oracle_init(struct dentry *root, bool live,
		     unsigned int live_window_mb);
void tlbf_oracle_exit(void);

#endif /* _TLBFLUSH_ORACLE_H */
