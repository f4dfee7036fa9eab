/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: the in-kernel benchmark engine (bench.c), driven through debugfs
 * `bench` (ARCHITECTURE.md "Native baselines" N1-N3).
 *
 * One run measures several modes on the same live kernel mappings (a
 * buffer the bench owns, in the module area) and the same target CPUs, interleaved
 * iteration by iteration (A B C A B C ...) so that drift hits every mode
 * alike. Each sample is one shootdown timed end to end: from the first call
 * to the return of the call after which every target CPU has completed.
 *
 * debugfs protocol: write one parameter line
 *
 *   modes=ipi,native,... pages=N targets=one|others|all iters=N warmup=N touch=0|1
 *
 * (every key optional, see tlbf_bench_parse()); the write returns when the
 * run is over (-EINTR if a signal interrupted it). Reading `bench` then gives
 * one `params ...` line, one `mode=NAME ...` line per requested mode (key=value
 * pairs: available, cpus, remote, iters, median_ns, p90_ns, p99_ns, min_ns,
 * max_ns, mean_ns, the bench's own counters and the deltas of every tlbflush
 * counter over that mode's measured iterations), then `before ...` and
 * `after ...` lines with every tlbflush counter around the whole run. Before
 * the first run, reading gives the syntax and each mode's availability.
 */
#ifndef _TLBFLUSH_BENCH_H
#define _TLBFLUSH_BENCH_H

#include <linux/types.h>

#include "tlbflush/stats.h"

struct dentry;

/**
 * enum tlbf_bench_mode - what one sample times
 * @TLBF_BENCH_IPI: N3, the floor: smp_call_function_many() to the remote
 *	targets with a handler that only counts its runs, wait=true (plus a
 *	direct call of that handler when this CPU is a target).
 * @TLBF_BENCH_NATIVE: N1, Linux's flush_tlb_kernel_range() over the pages.
 *	It always flushes on every online CPU (it takes no CPU set); resolved at
 *	load time, "unavailable" (never substituted) where it cannot be.
 * @TLBF_BENCH_FLUSHER_SYNC: the flusher with the sync strategy: one range
 *	op (a single-page op for one page) issued, dispatched and synced.
 * @TLBF_BENCH_FLUSHER_ASYNC: the flusher with the async strategy: the same
 *	op issued, dispatched (returns at once), then synced.
 * @TLBF_BENCH_BROADCAST: the flusher with the broadcast strategy (DragonOS:
 *	every other CPU flushes all), issued, dispatched, synced.
 * @TLBF_BENCH_BATCHED: `batched-K`, K = pages: K single-page ops issued on
 *	an async flusher, one dispatch, one sync.
 * @TLBF_BENCH_NR_MODES: number of modes
 */
enum tlbf_bench_mode {
	TLBF_BENCH_IPI,
	TLBF_BENCH_NATIVE,
	TLBF_BENCH_FLUSHER_SYNC,
	TLBF_BENCH_FLUSHER_ASYNC,
	TLBF_BENCH_BROADCAST,
	TLBF_BENCH_BATCHED,
	TLBF_BENCH_NR_MODES
};

/**
 * enum tlbf_bench_targets - the CPUs a shootdown targets, chosen per sample
 *	relative to the CPU that runs it
 * @TLBF_BENCH_T_ONE: one remote CPU (the next online CPU after this one)
 * @TLBF_BENCH_T_OTHERS: every other online CPU
 * @TLBF_BENCH_T_ALL: every online CPU, this one included
 */
enum tlbf_bench_targets {
	TLBF_BENCH_T_ONE,
	TLBF_BENCH_T_OTHERS,
	TLBF_BENCH_T_ALL,
};

#define TLBF_BENCH_MAX_PAGES	512
#define TLBF_BENCH_MAX_ITERS	100000
#define TLBF_BENCH_MAX_WARMUP	10000

/**
 * struct tlbf_bench_params - one run
 * @modes: bit mask of &enum tlbf_bench_mode, at least one bit
 * @pages: pages flushed per sample, 1..TLBF_BENCH_MAX_PAGES
 * @targets: target CPU set
 * @iters: measured iterations per mode, 1..TLBF_BENCH_MAX_ITERS
 * @warmup: unmeasured iterations per mode first, 0..TLBF_BENCH_MAX_WARMUP
 * @touch: before each sample, read every page on every target CPU (outside
 *	the timed region) so the invalidated entries really are in the TLBs
 */
struct tlbf_bench_params {
	unsigned long modes;
	unsigned int pages;
	enum tlbf_bench_targets targets;
	unsigned int iters;
	unsigned int warmup;
	bool touch;
};

/**
 * struct tlbf_bench_summary - statistics of a set of samples (ns)
 * @n: number of samples
 * @median: middle sample (mean of the two middle ones for even @n)
 * @p90: nearest-rank 90th percentile: sorted[ceil(0.90 n) - 1]
 * @p99: nearest-rank 99th percentile
 * @min: smallest sample
 * @max: largest sample
 * @mean: arithmetic mean, rounded down
 *
 * All zero for @n == 0. tools/bench computes the same statistics the same
 * way for what it measures in user space.
 */
struct tlbf_bench_summary {
	unsigned int n;
	u64 median, p90, p99, min, max, mean;
};

/**
 * struct tlbf_bench_mode_result - what one mode did in one run
 * @available: false if the mode cannot run here (@reason says why); then
 *	nothing else is set
 * @reason: short reason when not available, else NULL
 * @stats: latency statistics over the measured iterations
 * @cpus: CPUs that flushed in the last sample (local one included)
 * @remote: remote CPUs among them
 * @cpu_samples: sum over the measured samples of the CPUs that flushed
 * @remote_samples: sum over the measured samples of the remote CPUs
 * @ipi_handler_runs: runs of the ipi mode's handler (remote and local)
 * @native_calls: calls of flush_tlb_kernel_range()
 * @stat_delta: change of every tlbflush counter over the measured
 *	iterations of this mode only (taken outside the timed region)
 */
struct tlbf_bench_mode_result {
	bool available;
	const char *reason;
	struct tlbf_bench_summary stats;
	unsigned int cpus;
	unsigned int remote;
	u64 cpu_samples;
	u64 remote_samples;
	u64 ipi_handler_runs;
	u64 native_calls;
	u64 stat_delta[TLBF_NR_STATS];
};

/**
 * struct tlbf_bench_result - the result of tlbf_bench_run()
 * @params: the parameters of the run
 * @mode: per mode; only entries whose bit is in @params.modes are set
 * @before: every tlbflush counter (sum over CPUs) before the run
 * @after: the same after the run
 */
struct tlbf_bench_result {
	struct tlbf_bench_params params;
	struct tlbf_bench_mode_result mode[TLBF_BENCH_NR_MODES];
	u64 before[TLBF_NR_STATS];
	u64 after[TLBF_NR_STATS];
};

extern const char *const tlbf_bench_mode_names[TLBF_BENCH_NR_MODES];
extern const char *const tlbf_bench_target_names[3];

int tlbf_bench_parse(const char *line, struct tlbf_bench_params *p);
void tlbf_bench_summarize(u64 *samples, unsigned int n,
			  struct tlbf_bench_summary *s);
bool tlbf_bench_mode_available(enum tlbf_bench_mode m, const char **reason);
unsigned long tlbf_bench_buffer(void);
int tlbf_bench_run(const struct tlbf_bench_params *p,
		   struct tlbf_bench_result *res);

int tlbf_bench_init(struct dentry *root);
void tlbf_bench_exit(void);

#endif /* _TLBFLUSH_BENCH_H */
