/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: the in-kernel benchmark engine, driven through debugfs `bench`
 * (ARCHITECTURE.md "Native baselines" N1-N3).
 *
 * One run measures several modes on the same live kernel mappings (a
 * buffer the bench owns, in the module area) and the same target CPUs,
 * interleaved iteration by iteration (A B C A B C ...) so that drift hits
 * every mode alike. Each sample is one shootdown timed end to end: from
 * the first call to the return of the call after which every target CPU
 * has completed.
 *
 * The modes: `ipi` (N3), `native` (N1), `batched`, and `flusher-NAME` for
 * every strategy NAME registered when the run starts (tlbflush/strategy.h:
 * the built-in ones and any a module of its own registered). Each mode's
 * counters are held to a model (tlbf_bench_expect()), built from what the
 * strategy declares about itself (threshold, TLBF_STRAT_F_* flags), not
 * from its name: every result line says whether they matched.
 *
 * Files: bench.c (modes, samples, interleaved runs, statistics, the
 * model), bench_native.c (resolving N1), bench_debugfs.c (the parameter
 * line, the result text, the debugfs file).
 *
 * debugfs protocol: write one parameter line
 *
 *   modes=all|NAME,... pages=N targets=one|others|all iters=N warmup=N touch=0|1
 *
 * (every key optional, see tlbf_bench_parse()); the write returns when the
 * run is over (-EINTR if a signal interrupted it). Reading `bench` then
 * gives one `params ...` line, one `mode=NAME ...` line per mode (key=value
 * pairs: available, cpus, remote, iters, median_ns, p90_ns, p99_ns, min_ns,
 * max_ns, mean_ns, the bench's own counters, model=ok|differs, and the
 * deltas of every tlbflush counter over that mode's measured iterations),
 * then a `before ...` and an `after ...` line with every tlbflush counter
 * around the whole run. Before the first run, reading gives the syntax and
 * every mode of modes=all with its availability.
 */
#ifndef _TLBFLUSH_BENCH_H
#define _TLBFLUSH_BENCH_H

#include <linux/limits.h>
#include <linux/types.h>

#include "tlbflush/stats.h"

struct dentry;
struct tlbf_strategy;

/**
 * enum tlbf_bench_kind - what one sample of a mode times
 * @TLBF_BENCH_IPI: N3, the floor (mode `ipi`): smp_call_function_many()
 *	to the remote targets with a handler that only counts its runs,
 *	wait=true (plus a direct call of that handler when this CPU is a
 *	target).
 * @TLBF_BENCH_IPI_FLUSH: the floor of a correct shootdown (mode
 *	`ipi-flush`): the same IPI, whose handler also invalidates the pages
 *	the way native does (invlpg each up to 33 pages, Linux's default
 *	ceiling; a full flush above), with no queue, counter or request
 *	around it, sent as native sends (on_each_cpu_mask(): the local
 *	call runs while the IPIs fly). What an IPI costs once the flush
 *	itself is in it.
 * @TLBF_BENCH_NATIVE: N1 (mode `native`): Linux's flush_tlb_kernel_range()
 *	over the pages. It always flushes on every online CPU (it takes no
 *	CPU set); resolved at load time, "unavailable" (never substituted)
 *	where it cannot be.
 * @TLBF_BENCH_FLUSHER: mode `flusher-NAME`: a flusher with strategy NAME;
 *	one range op (a page op for one page, flush all from the module's
 *	threshold up, as tlbf_op_range() makes it) issued, dispatched, and
 *	synced unless the strategy waits in dispatch (TLBF_STRAT_F_WAITS).
 * @TLBF_BENCH_BATCHED: mode `batched` (batched-K, K = pages): K
 *	single-page ops issued on a flusher with the async strategy, one
 *	dispatch, one sync.
 */
enum tlbf_bench_kind {
	TLBF_BENCH_IPI,
	TLBF_BENCH_NATIVE,
	TLBF_BENCH_FLUSHER,
	TLBF_BENCH_BATCHED,
	TLBF_BENCH_IPI_FLUSH,
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
#define TLBF_BENCH_MAX_PHASES	10000
/* phases= not given on the debugfs line: a quarter of iters, at most 500. */
#define TLBF_BENCH_PHASES_AUTO	UINT_MAX
/* Modes in one run: ipi, ipi-flush, native, batched, up to 20 strategies. */
#define TLBF_BENCH_MAX_MODES	24
/* Longest mode name, NUL included ("flusher-" + a strategy's name). */
#define TLBF_BENCH_NAME_MAX	40
#define TLBF_BENCH_FLUSHER_PREFIX	"flusher-"
/* The `modes=` list as written, NUL included. */
#define TLBF_BENCH_MODES_MAX	200

/**
 * struct tlbf_bench_params - one run
 * @modes: "all" (ipi, native, flusher-NAME for each registered strategy in
 *	registry order, batched), or a comma-separated list of mode names,
 *	each at most once
 * @pages: pages flushed per sample, 1..TLBF_BENCH_MAX_PAGES
 * @targets: target CPU set
 * @iters: measured iterations per mode, 1..TLBF_BENCH_MAX_ITERS
 * @warmup: unmeasured iterations per mode first, 0..TLBF_BENCH_MAX_WARMUP
 * @touch: before each sample, read every page on every target CPU (outside
 *	the timed region) so the invalidated entries really are in the TLBs
 * @phases: after the measured iterations, this many more samples of each
 *	flusher mode, timed phase by phase (&struct tlbf_bench_phases);
 *	0..TLBF_BENCH_MAX_PHASES, or TLBF_BENCH_PHASES_AUTO
 */
struct tlbf_bench_params {
	char modes[TLBF_BENCH_MODES_MAX];
	unsigned int pages;
	enum tlbf_bench_targets targets;
	unsigned int iters;
	unsigned int warmup;
	bool touch;
	unsigned int phases;
};

/**
 * enum tlbf_bench_phase - where one flusher shootdown spends its time
 * @TLBF_PHASE_TOTAL: the whole sample, as in the timed samples
 * @TLBF_PHASE_ISSUE: tlbf_flusher_issue()
 * @TLBF_PHASE_DISPATCH: from there to the strategy's dispatch hook (checks,
 *	barrier, target set; tracepoint tlbflush_dispatch)
 * @TLBF_PHASE_DELIVER: from there to the handler entry on the last remote
 *	target (queueing, sending, IPI latency; tlbflush_ipi_enter)
 * @TLBF_PHASE_HANDLER: the last entry to the last handler exit
 *	(tlbflush_ipi_exit: flushed and acknowledged)
 * @TLBF_PHASE_WAIT: from the last exit to the return of the shootdown on
 *	this CPU (seeing the ack, returning; the local flush overlaps the
 *	delivery). The exit stamp follows the ack, so a waiter that returns
 *	before the target's stamp gets 0: then the handler phase holds the
 *	target's time after its ack too, and the phases add up to more than
 *	the whole
 * @TLBF_NR_PHASES: how many
 */
enum tlbf_bench_phase {
	TLBF_PHASE_TOTAL,
	TLBF_PHASE_ISSUE,
	TLBF_PHASE_DISPATCH,
	TLBF_PHASE_DELIVER,
	TLBF_PHASE_HANDLER,
	TLBF_PHASE_WAIT,
	TLBF_NR_PHASES,
};

/**
 * struct tlbf_bench_phases - the phase breakdown of a flusher mode
 * @n: samples that gave every stamp (the others are left out)
 * @reason: why there is none (n == 0), else NULL
 * @median: per phase, the median over the @n samples (ns); medians of
 *	parts need not add up to the median of the whole
 *
 * Timed with the module's own tracepoints (probes on tlbflush_dispatch,
 * tlbflush_ipi_enter and tlbflush_ipi_exit, registered only for these
 * samples, which the probes slow down a little: their @median[TOTAL] is
 * not the mode's timed median).
 */
struct tlbf_bench_phases {
	unsigned int n;
	const char *reason;
	u64 median[TLBF_NR_PHASES];
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
 * @name: the mode's name
 * @kind: what it times
 * @available: false if the mode cannot run here (@reason says why); then
 *	nothing below is set
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
 * @expect: what the model (tlbf_bench_expect(); zero for ipi and native)
 *	says @stat_delta must be, summed over the measured samples
 * @model_ok: @stat_delta equals @expect, and for ipi the handler ran
 *	@cpu_samples times, for native @native_calls is the iterations
 * @model_diff: when not @model_ok, the first counter that differs
 * @model_got: its value
 * @model_want: the model's
 * @phases: the phase breakdown (flusher modes, when params.phases > 0)
 */
struct tlbf_bench_mode_result {
	char name[TLBF_BENCH_NAME_MAX];
	enum tlbf_bench_kind kind;
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
	u64 expect[TLBF_NR_STATS];
	bool model_ok;
	const char *model_diff;
	u64 model_got, model_want;
	struct tlbf_bench_phases phases;
};

/**
 * struct tlbf_bench_result - the result of tlbf_bench_run()
 * @params: the parameters of the run
 * @nr_modes: entries of @mode, in the order they ran
 * @mode: per mode
 * @before: every tlbflush counter (sum over CPUs) before the run
 * @after: the same after the run
 */
struct tlbf_bench_result {
	struct tlbf_bench_params params;
	unsigned int nr_modes;
	struct tlbf_bench_mode_result mode[TLBF_BENCH_MAX_MODES];
	u64 before[TLBF_NR_STATS];
	u64 after[TLBF_NR_STATS];
};

extern const char *const tlbf_bench_target_names[3];

int tlbf_bench_parse(const char *line, struct tlbf_bench_params *p);
void tlbf_bench_summarize(u64 *samples, unsigned int n,
			  struct tlbf_bench_summary *s);
bool tlbf_bench_mode_available(const char *name, const char **reason);
unsigned long tlbf_bench_buffer(void);
/**
 * tlbf_bench_stat_timed() - is counter @i left out of the bench's model?
 * @i: a TLBF_STAT_* index
 *
 * Timing, not the strategy, moves these: lazy_kicks (a waiter kicks a lazy
 * target whose tick is late, flush_queue.c; only a strategy that queues
 * without an IPI, TLBF_STRAT_F_NO_IPI, may move it) and slow_cpu_reports
 * (FL11: a target kept its waiter waiting longer than slow_cpu_ms, e.g. a
 * vCPU the host did not run for a second). They are still reported in
 * the deltas.
 *
 * Return: true for a counter the model does not predict.
 */
static inline bool tlbf_bench_stat_timed(int i)
{
	return i == TLBF_STAT_LAZY_KICKS || i == TLBF_STAT_SLOW_CPU_REPORTS;
}

void tlbf_bench_expect(const struct tlbf_strategy *s, bool batched,
		       unsigned int pages, unsigned int remote, bool local,
		       unsigned int online, u64 *e);
int tlbf_bench_run(const struct tlbf_bench_params *p,
		   struct tlbf_bench_result *res);
int tlbf_bench_run_samples(const struct tlbf_bench_params *p,
			   struct tlbf_bench_result *res, u64 **keep);
const struct tlbf_bench_mode_result *
tlbf_bench_find(const struct tlbf_bench_result *res, const char *name);

int tlbf_bench_init(struct dentry *root);
void tlbf_bench_exit(void);

#endif /* _TLBFLUSH_BENCH_H */
