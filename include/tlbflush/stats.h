/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: per-CPU event counters and misuse reports (lowest layer).
 *
 * Every event of the test bed is counted on the CPU where it happens
 * (ARCHITECTURE.md FL12). debugfs `stats` prints the sum over CPUs,
 * `cpu_stats` the per-CPU values. The names in tlbf_stat_names[] are a stable
 * interface: add new ones at the end, never rename.
 *
 * Gauges (frames_in_use, frames_pending) are not counters: they are computed
 * by their owners (the frame pool, the flusher) and are not in this table.
 */
#ifndef _TLBFLUSH_STATS_H
#define _TLBFLUSH_STATS_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include <linux/jump_label.h>
#include <linux/sched/clock.h>

enum tlbf_stat {
	TLBF_STAT_OPS_ISSUED_SINGLE,
	TLBF_STAT_OPS_ISSUED_RANGE,
	TLBF_STAT_OPS_ISSUED_ALL,
	TLBF_STAT_OPS_MERGED_TO_ALL,
	TLBF_STAT_DISPATCHES,
	TLBF_STAT_IPIS_SENT,
	TLBF_STAT_IPIS_RECEIVED,
	TLBF_STAT_LOCAL_FLUSHES,
	TLBF_STAT_PAGES_INVALIDATED,
	TLBF_STAT_FULL_FLUSHES,
	TLBF_STAT_FRAMES_DEFERRED,
	TLBF_STAT_FRAMES_RELEASED,
	TLBF_STAT_SYNCS,
	TLBF_STAT_SYNC_REFUSED_IRQS_OFF,
	TLBF_STAT_SLOW_CPU_REPORTS,
	TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED,
	TLBF_STAT_QUEUES_DRAINED_OFFLINE,
	TLBF_STAT_MISUSE_WRONG_CPU,
	TLBF_STAT_FRAMES_DOUBLE_RELEASED,
	TLBF_STAT_DISPATCH_REFUSED,
	TLBF_STAT_IPIS_COALESCED,
	TLBF_STAT_FRAMES_SYNC_FALLBACK,
	TLBF_STAT_READS_CHECKED,
	TLBF_STAT_STALE_READS,
	TLBF_STAT_STALE_WRITES,
	TLBF_STAT_ORACLE_VIOLATIONS,
	TLBF_STAT_INJECTED_FAULTS,
	TLBF_STAT_LAZY_FLUSHES,
	TLBF_STAT_LAZY_KICKS,
	TLBF_NR_STATS
};

/**
 * struct tlbf_stats - one CPU's counters
 * @v: one monotonically increasing counter per &enum tlbf_stat
 */
struct tlbf_stats {
	u64 v[TLBF_NR_STATS];
};

DECLARE_PER_CPU(struct tlbf_stats, tlbf_pcpu_stats);

extern const char *const tlbf_stat_names[TLBF_NR_STATS];

/* Module parameter: misuse is a WARN (default) or a counted pr_info line. */
extern bool tlbf_warn_on_misuse;

/**
 * tlbf_stat_add() - count @n events of kind @s on this CPU
 * @s: the counter
 * @n: how many events
 *
 * Safe in any context, including IPI handlers (this_cpu_add is IRQ-safe).
 */
static inline void tlbf_stat_add(enum tlbf_stat s, u64 n)
{
	this_cpu_add(tlbf_pcpu_stats.v[s], n);
}

static inline void tlbf_stat_inc(enum tlbf_stat s)
{
	tlbf_stat_add(s, 1);
}

/*
 * log2 histograms of durations in ns, per CPU. Bucket 0 counts 0 ns,
 * bucket b >= 1 counts [2^(b-1), 2^b) ns; the last bucket also counts
 * everything above.
 */
enum tlbf_hist {
	TLBF_HIST_SYNC_WAIT_NS,
	TLBF_HIST_DISPATCH_NS,
	TLBF_NR_HISTS
};

#define TLBF_HIST_BUCKETS	40

/**
 * struct tlbf_hists - one CPU's histograms
 * @b: bucket counts per &enum tlbf_hist
 */
struct tlbf_hists {
	u64 b[TLBF_NR_HISTS][TLBF_HIST_BUCKETS];
};

DECLARE_PER_CPU(struct tlbf_hists, tlbf_pcpu_hists);
/* On: the flusher reads the clock to fill the histograms (histograms=1). */
DECLARE_STATIC_KEY_FALSE(tlbf_hist_key);

/**
 * tlbf_hist_clock() - a start time for tlbf_hist_record(), if on
 *
 * Return: local_clock() while histograms are collected, else 0 (no clock
 * read: a clock read costs about as much as an invlpg under an emulator).
 */
static inline u64 tlbf_hist_clock(void)
{
	return static_branch_unlikely(&tlbf_hist_key) ? local_clock() : 0;
}

extern const char *const tlbf_hist_names[TLBF_NR_HISTS];

/**
 * tlbf_hist_record() - count one duration in a histogram on this CPU
 * @h: the histogram
 * @ns: the duration
 */
static inline void tlbf_hist_record(enum tlbf_hist h, u64 ns)
{
	unsigned int b = fls64(ns);

	if (b >= TLBF_HIST_BUCKETS)
		b = TLBF_HIST_BUCKETS - 1;
	this_cpu_inc(tlbf_pcpu_hists.b[h][b]);
}

/**
 * tlbf_hist_since() - count the time since @t0 (tlbf_hist_clock()), if on
 * @h: the histogram
 * @t0: the start; 0 when histograms were off at the start
 */
static inline void tlbf_hist_since(enum tlbf_hist h, u64 t0)
{
	if (static_branch_unlikely(&tlbf_hist_key) && t0)
		tlbf_hist_record(h, local_clock() - t0);
}

int tlbf_hist_enable(bool on);
u64 tlbf_hist_sum(enum tlbf_hist h, unsigned int bucket);

u64 tlbf_stat_sum(enum tlbf_stat s);
u64 tlbf_stat_cpu(int cpu, enum tlbf_stat s);
void tlbf_stats_reset(void);

__printf(3, 4)
void tlbf_misuse(enum tlbf_stat stat, bool *warned, const char *fmt, ...);

/**
 * tlbf_report_misuse() - count a caller's misuse and report it
 * @stat: the counter of this kind of misuse
 * @fmt: printk format of the report (no trailing newline)
 *
 * With warn_on_misuse (the default) the first report from each call site is
 * a WARN, so a real user gets a stack trace; later ones and all reports with
 * warn_on_misuse off are counted pr_info lines (the KUnit cases that provoke
 * misuse on purpose turn the parameter off: the test VM fails on any splat).
 */
#define tlbf_report_misuse(stat, fmt, ...)				\
	do {								\
		static bool __tlbf_warned;				\
									\
		tlbf_misuse(stat, &__tlbf_warned, fmt, ##__VA_ARGS__);	\
	} while (0)

#endif /* _TLBFLUSH_STATS_H */
