/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: torture mode (issue 12), after kernel/scftorture.c. Off by
 * default; module parameter torture=1 starts a run at load:
 *
 *  - one worker kthread per online CPU (torture_nthreads) doing weighted
 *    random operations on shared mappers: map, protect, unmap (with or
 *    without unmap_parents), remap, raw flush ops with issue / issue_with,
 *    each handed to a flusher of a random strategy (every registered one,
 *    or torture_strategies) with a random target set, then dispatch and
 *    (mostly) sync; 1..torture_max_pages pages per operation. Every
 *    worker owns a lane of a shared mapper (lanes share page tables at
 *    their edges) and checks each result against its own model of the lane
 *    (M2 errors, translate after the change);
 *  - live scenarios of the stale-translation oracle (shadow TLB on) among
 *    the operations, with random parameters;
 *  - optionally a CPU taken offline and back every torture_onoff_interval
 *    ms;
 *  - a status line every torture_stat_interval s, and at the end
 *    "torture: End of test: SUCCESS|FAILURE|STOPPED" with the parameters,
 *    operations per CPU, hotplug cycles, oracle figures and the checks.
 *
 * Work-bounded (ARCHITECTURE.md T1): every worker completes at least
 * torture_min_ops operations and the hotplug thread torture_min_onoff
 * cycles; torture_duration only ends a run that has done so. A run cut
 * short by rmmod ends "STOPPED". debugfs `torture` reads the state and the
 * last end line.
 */
#ifndef _TLBFLUSH_TORTURE_H
#define _TLBFLUSH_TORTURE_H

struct dentry;

int tlbf_torture_init(struct dentry *root);
void tlbf_torture_exit(void);

#endif /* _TLBFLUSH_TORTURE_H */
