/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: what the three files of torture mode share (private; the API
 * is include/tlbflush/torture.h):
 *
 *   torture.c         parameters, set-up, the control and hotplug threads
 *   torture_worker.c  the workers: random operations, the lane models
 *   torture_end.c     status lines, teardown, the end checks and verdict,
 *                     debugfs `torture`
 *
 * One run at a time: tlbf_tt, set up at load, is read by every thread.
 */
#ifndef _TLBFLUSH_TORTURE_INTERNAL_H
#define _TLBFLUSH_TORTURE_INTERNAL_H

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/prandom.h>
#include <linux/types.h>
#include <asm/page.h>

#include "tlbflush/stats.h"

struct dentry;
struct tlbf_flusher;
struct tlbf_flush_req;
struct tlbf_mapper;
struct tlbf_pool;
struct tlbf_strategy;

/* Operations a worker picks from, by weight. */
enum tt_op {
	TT_MAP,
	TT_PROTECT,
	TT_UNMAP,
	TT_REMAP,
	TT_FLUSH,
	TT_ORACLE,
	TT_NR_OPS
};

/* A lane: the pages one worker owns in a shared mapper. */
#define TT_LANE_PAGES		1024UL
/* Lanes start 1 MiB into a 2 MiB table: neighbours share their edge PTs. */
#define TT_LANE_OFFSET		256UL
#define TT_MAX_MAPPERS		8
#define TT_MAX_THREADS		256
#define TT_MAX_STRATS		32
#define TT_MAX_FAIL_REPORTS	20
#define TT_USER_BASE		0x0000100000000000UL
#define TT_KERNEL_BASE		0xffffa00000000000UL
#define TT_INJECT_NONE		(-1)
#define TT_INJECT_MODEL		(-2)

/* Model of a page: what translate must say. */
#define TT_PRESENT		BIT(0)
#define TT_RW			BIT(1)
#define TT_GLOBAL		BIT(2)
/**
 * struct tt_worker - one worker kthread and its lane
 * @task: the kthread
 * @id: index
 * @m: the shared mapper of its lane
 * @base: first page of its lane
 * @model: TT_LANE_PAGES entries of TT_PRESENT | TT_RW | TT_GLOBAL
 * @targets: target set of its flushers (changed with atomic bitops, FL2)
 * @rnd: its PRNG
 * @ops: operations done, per kind
 * @done: operations done
 * @nomem: mapper or flusher calls that found no memory (allowed)
 * @refused: calls that got the expected -EEXIST / -ENOENT
 * @finished: it did its share and the duration is over
 */
struct tt_worker {
	struct task_struct *task;
	unsigned int id;
	struct tlbf_mapper *m;
	unsigned long base;
	u8 *model;
	cpumask_var_t targets;
	struct rnd_state rnd;
	u64 ops[TT_NR_OPS];
	u64 done;
	u64 nomem;
	u64 refused;
	bool finished;
};

/**
 * struct tt_run - the run (one at a time, set up at load)
 * @ctl: control kthread
 * @onoff: hotplug kthread, NULL without hotplug
 * @w: the workers
 * @nw: number of workers
 * @pool: frames of the shared mappers
 * @m: the shared mappers
 * @nm: number of mappers
 * @strat: the strategies operations pick from
 * @nr_strats: how many
 * @weight: cumulative weights per &enum tt_op
 * @inject: inject point armed for the run, TT_INJECT_NONE or _MODEL
 * @max_pages: largest page count of an operation (torture_max_pages)
 * @min_ops: operations every worker must do (torture_min_ops)
 * @onoff_ms: ms between hotplug cycles (torture_onoff_interval)
 * @seed: PRNG seed
 * @start: jiffies at start
 * @deadline: jiffies after which a run that met its work ends
 * @workers_done: workers that finished
 * @onoff_cycles: offline+online cycles done
 * @onoff_failed: offline attempts the kernel refused (allowed)
 * @onoff_gave_up: a CPU did not come back online (a failure): no more cycles
 * @failures: checks that failed
 * @oracle_busy: a worker runs an oracle scenario
 * @oracle_runs: oracle scenarios run
 * @oracle_skipped: scenarios not run (no live window)
 * @oracle_nomem: scenarios that ended with -ENOMEM (allowed)
 * @reads: reads checked by the oracle
 * @stale_reads: stale reads it saw
 * @stale_writes: stale writes it saw
 * @violations: oracle violations it saw
 * @stat0: counters at the start
 */
struct tt_run {
	struct task_struct *ctl;
	struct task_struct *onoff;
	struct tt_worker *w;
	unsigned int nw;
	struct tlbf_pool *pool;
	struct tlbf_mapper *m[TT_MAX_MAPPERS];
	unsigned int nm;
	const struct tlbf_strategy *strat[TT_MAX_STRATS];
	unsigned int nr_strats;
	unsigned int weight[TT_NR_OPS];
	int inject;
	unsigned int max_pages;
	unsigned int min_ops;
	unsigned int onoff_ms;
	u64 seed;
	unsigned long start;
	unsigned long deadline;
	atomic_t workers_done;
	atomic64_t onoff_cycles;
	atomic64_t onoff_failed;
	bool onoff_gave_up;
	atomic_t failures;
	atomic_t oracle_busy;
	atomic64_t oracle_runs;
	atomic64_t oracle_skipped;
	atomic64_t oracle_nomem;
	atomic64_t reads;
	atomic64_t stale_reads;
	atomic64_t stale_writes;
	atomic64_t violations;
	u64 stat0[TLBF_NR_STATS];
};

extern struct tt_run tlbf_tt;
DECLARE_PER_CPU(u64, tlbf_tt_cpu_ops);
extern const char *const tlbf_tt_op_names[TT_NR_OPS];

/* The page @i of @w's lane. */
static inline unsigned long tlbf_tt_va(struct tt_worker *w, unsigned long i)
{
	return w->base + i * PAGE_SIZE;
}

/* torture_worker.c */
__printf(1, 2) void tlbf_tt_err(const char *fmt, ...);
int tlbf_tt_worker_fn(void *arg);
int tlbf_tt_onoff_fn(void *arg);
void tlbf_tt_verify(struct tt_worker *w, unsigned long i, unsigned long n,
		    const char *what);
void tlbf_tt_issue_req(struct tt_worker *w, struct tlbf_flusher *fl,
		       struct tlbf_flush_req *req);

/* torture_end.c */
u64 tlbf_tt_total_ops(void);
void tlbf_tt_print_status(void);
const char *tlbf_tt_end(bool stopped);
void tlbf_tt_debugfs_init(struct dentry *root);
void tlbf_tt_set_running(void);
void tlbf_tt_text_free(void);

#endif /* _TLBFLUSH_TORTURE_INTERNAL_H */
