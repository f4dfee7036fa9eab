// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: per-CPU event counters (see include/tlbflush/stats.h).
 */
#define pr_fmt(fmt) "tlbflush: " fmt

#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <trace/events/tlbflush.h>

#include "tlbflush/stats.h"

DEFINE_PER_CPU(struct tlbf_stats, tlbf_pcpu_stats);
EXPORT_PER_CPU_SYMBOL_GPL(tlbf_pcpu_stats);

DEFINE_PER_CPU(struct tlbf_hists, tlbf_pcpu_hists);
EXPORT_PER_CPU_SYMBOL_GPL(tlbf_pcpu_hists);

const char *const tlbf_hist_names[TLBF_NR_HISTS] = {
	[TLBF_HIST_SYNC_WAIT_NS] = "hist_sync_wait_ns",
	[TLBF_HIST_DISPATCH_NS] = "hist_dispatch_ns",
};
EXPORT_SYMBOL_GPL(tlbf_hist_names);

/**
 * tlbf_hist_sum() - one bucket of a histogram summed over all CPUs
 * @h: the histogram
 * @bucket: 0..TLBF_HIST_BUCKETS - 1
 *
 * Return: the count, 0 for a bad @bucket.
 */
u64 tlbf_hist_sum(enum tlbf_hist h, unsigned int bucket)
{
	u64 sum = 0;
	int cpu;

	if (bucket >= TLBF_HIST_BUCKETS)
		return 0;
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(tlbf_pcpu_hists, cpu).b[h][bucket]);
	return sum;
}
EXPORT_SYMBOL_GPL(tlbf_hist_sum);

DEFINE_STATIC_KEY_FALSE(tlbf_hist_key);
EXPORT_SYMBOL_GPL(tlbf_hist_key);

/**
 * tlbf_hist_enable() - start or stop filling the histograms
 * @on: start (the flusher reads the clock around dispatch and wait)
 *
 * Off by default: the clock reads are a visible part of a shootdown's
 * cost under an emulator (issue 10). Process context (it patches code).
 *
 * Return: 0.
 */
int tlbf_hist_enable(bool on)
{
	if (on)
		static_branch_enable(&tlbf_hist_key);
	else
		static_branch_disable(&tlbf_hist_key);
	return 0;
}
EXPORT_SYMBOL_GPL(tlbf_hist_enable);

bool tlbf_warn_on_misuse = true;
EXPORT_SYMBOL_GPL(tlbf_warn_on_misuse);

const char *const tlbf_stat_names[TLBF_NR_STATS] = {
	[TLBF_STAT_OPS_ISSUED_SINGLE] = "ops_issued_single",
	[TLBF_STAT_OPS_ISSUED_RANGE] = "ops_issued_range",
	[TLBF_STAT_OPS_ISSUED_ALL] = "ops_issued_all",
	[TLBF_STAT_OPS_MERGED_TO_ALL] = "ops_merged_to_all",
	[TLBF_STAT_DISPATCHES] = "dispatches",
	[TLBF_STAT_IPIS_SENT] = "ipis_sent",
	[TLBF_STAT_IPIS_RECEIVED] = "ipis_received",
	[TLBF_STAT_LOCAL_FLUSHES] = "local_flushes",
	[TLBF_STAT_PAGES_INVALIDATED] = "pages_invalidated",
	[TLBF_STAT_FULL_FLUSHES] = "full_flushes",
	[TLBF_STAT_FRAMES_DEFERRED] = "frames_deferred",
	[TLBF_STAT_FRAMES_RELEASED] = "frames_released",
	[TLBF_STAT_SYNCS] = "syncs",
	[TLBF_STAT_SYNC_REFUSED_IRQS_OFF] = "sync_refused_irqs_off",
	[TLBF_STAT_SLOW_CPU_REPORTS] = "slow_cpu_reports",
	[TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED] = "flush_requests_unconsumed",
	[TLBF_STAT_QUEUES_DRAINED_OFFLINE] = "queues_drained_offline",
	[TLBF_STAT_MISUSE_WRONG_CPU] = "misuse_wrong_cpu",
	[TLBF_STAT_FRAMES_DOUBLE_RELEASED] = "frames_double_released",
	[TLBF_STAT_DISPATCH_REFUSED] = "dispatch_refused",
	[TLBF_STAT_IPIS_COALESCED] = "ipis_coalesced",
	[TLBF_STAT_FRAMES_SYNC_FALLBACK] = "frames_sync_fallback",
	[TLBF_STAT_READS_CHECKED] = "reads_checked",
	[TLBF_STAT_STALE_READS] = "stale_reads",
	[TLBF_STAT_STALE_WRITES] = "stale_writes",
	[TLBF_STAT_ORACLE_VIOLATIONS] = "oracle_violations",
	[TLBF_STAT_INJECTED_FAULTS] = "injected_faults",
	[TLBF_STAT_LAZY_FLUSHES] = "lazy_flushes",
	[TLBF_STAT_LAZY_KICKS] = "lazy_kicks",
};
EXPORT_SYMBOL_GPL(tlbf_stat_names);

/**
 * tlbf_stat_cpu() - one CPU's value of a counter
 * @cpu: a possible CPU
 * @s: the counter
 *
 * Return: the counter's value on @cpu since load or the last reset.
 */
u64 tlbf_stat_cpu(int cpu, enum tlbf_stat s)
{
	return READ_ONCE(per_cpu(tlbf_pcpu_stats, cpu).v[s]);
}
EXPORT_SYMBOL_GPL(tlbf_stat_cpu);

/**
 * tlbf_stat_sum() - a counter summed over all possible CPUs
 * @s: the counter
 *
 * Return: the sum. Not a snapshot: counters may move while it is taken.
 */
u64 tlbf_stat_sum(enum tlbf_stat s)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += tlbf_stat_cpu(cpu, s);
	return sum;
}
EXPORT_SYMBOL_GPL(tlbf_stat_sum);

/**
 * tlbf_stats_reset() - zero every counter and histogram on every CPU
 *
 * Callers make sure no flush is in flight if they want the debugfs
 * invariants to hold right after the reset.
 */
void tlbf_stats_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		memset(per_cpu_ptr(&tlbf_pcpu_stats, cpu), 0,
		       sizeof(struct tlbf_stats));
		memset(per_cpu_ptr(&tlbf_pcpu_hists, cpu), 0,
		       sizeof(struct tlbf_hists));
	}
}
EXPORT_SYMBOL_GPL(tlbf_stats_reset);

/**
 * tlbf_misuse() - count and report one misuse (use tlbf_report_misuse())
 * @stat: the counter of this kind of misuse
 * @warned: the call site's "already warned" flag
 * @fmt: printk format of the report
 *
 * Safe in any context: formats into a small stack buffer.
 */
void tlbf_misuse(enum tlbf_stat stat, bool *warned, const char *fmt, ...)
{
	char msg[160];
	va_list args;

	tlbf_stat_inc(stat);
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	trace_tlbflush_misuse(tlbf_stat_names[stat], msg);
	if (READ_ONCE(tlbf_warn_on_misuse) && !READ_ONCE(*warned)) {
		WRITE_ONCE(*warned, true);
		WARN(1, "tlbflush: misuse: %s\n", msg);
	} else {
		pr_info("misuse: %s\n", msg);
	}
}
EXPORT_SYMBOL_GPL(tlbf_misuse);
