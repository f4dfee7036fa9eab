/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbbench: user-space driver of the tlbflush benchmark (see README.md).
 * This header is the part that the host tests exercise: statistics, the
 * parser of debugfs `bench` result lines and of the command line lists, and
 * the record/ratio/CSV/JSON code. The kernel side computes its statistics
 * the same way (bench.c, tlbf_bench_summarize()).
 */
#ifndef TLBBENCH_H
#define TLBBENCH_H

#include <stdint.h>
#include <stdio.h>

#define TB_MAX_PAGES_LIST	32
#define TB_MAX_KV		96
#define TB_NAME_LEN		32

/* Statistics of a set of samples (ns). All zero for n == 0. */
struct tb_summary {
	unsigned int n;
	uint64_t median;	/* middle, or lower + (upper - lower) / 2 */
	uint64_t p90;		/* nearest rank: sorted[ceil(0.90 n) - 1] */
	uint64_t p99;		/* nearest rank: sorted[ceil(0.99 n) - 1] */
	uint64_t min, max;
	uint64_t mean;		/* rounded down */
};

/* Sorts @v in place. */
void tb_summarize(uint64_t *v, unsigned int n, struct tb_summary *s);
uint64_t tb_percentile(const uint64_t *sorted, unsigned int n,
		       unsigned int pct);

/* One `key=value` pair of a debugfs line (copied out of it). */
struct tb_kv {
	char key[TB_NAME_LEN];
	char val[96];
};

/*
 * Split a line of blank-separated pairs. The first word may be a bare tag
 * (`params`, `before`, `after`), returned in @tag (empty if the line starts
 * with a pair). Return: number of pairs, -1 on a malformed word or too many.
 */
int tb_parse_kv(const char *line, char *tag, size_t tagsz, struct tb_kv *kv,
		int max);
/* Return: 0 and *out, -1 if @key is missing or not an unsigned number. */
int tb_kv_u64(const struct tb_kv *kv, int n, const char *key, uint64_t *out);
const char *tb_kv_str(const struct tb_kv *kv, int n, const char *key);

/* Parse "1,2,4" into @out (ascending not required). Return count or -1. */
int tb_parse_uint_list(const char *s, unsigned int *out, int max,
		       unsigned int lo, unsigned int hi);

/* Counters kept per record (deltas over the record's measured samples). */
enum tb_ctr {
	TB_C_IPIS_SENT,
	TB_C_IPIS_RECEIVED,
	TB_C_PAGES_INVALIDATED,
	TB_C_FULL_FLUSHES,
	TB_C_LOCAL_FLUSHES,
	TB_C_DISPATCHES,
	TB_C_SYNCS,
	TB_C_IPI_HANDLER_RUNS,
	TB_C_NATIVE_CALLS,
	TB_C_CPU_SAMPLES,
	TB_C_REMOTE_SAMPLES,
	TB_C_LAZY_FLUSHES,
	TB_NR_CTR
};

extern const char *const tb_ctr_names[TB_NR_CTR];

/* One cell of the result: a mode at a page count and target set. */
struct tb_record {
	char mode[TB_NAME_LEN];
	unsigned int pages;
	char targets[8];		/* one, others, all */
	int available;
	int busy;			/* targets ran user threads (else idle) */
	char reason[96];
	unsigned int cpus;		/* CPUs that flushed */
	unsigned int remote;		/* remote CPUs among them */
	struct tb_summary st;
	double ratio_native;		/* median / native median, < 0: n/a */
	double ratio_ipi;		/* median / ipi median, < 0: n/a */
	uint64_t ctr[TB_NR_CTR];
	/*
	 * The kernel's check of the counters against the mode's model:
	 * "ok", "differs: COUNTER got N, model M", or "" where none was
	 * made (N2, an unavailable mode, an older module).
	 */
	char model[96];
	/* kernel modes: the measured samples in the order taken (malloc) */
	uint64_t *samples;
	double ci_native[2];		/* 95% CI of ratio_native, < 0: n/a */
	double ci_ipi[2];		/* 95% CI of ratio_ipi, < 0: n/a */
	int run;			/* --repeat: which sweep, from 0 */
	double spread_native;		/* run 0: max - min of ratio_native
					 * over the sweeps, < 0: n/a */
	/* N2 (mode "mprotect") only: what the difference was taken from */
	int is_diff;
	struct tb_summary raw;		/* with helper threads */
	struct tb_summary base;		/* without helper threads */
	char note[192];
};

/* An empty record: every ratio, interval and spread "n/a". */
void tb_record_init(struct tb_record *r);

/*
 * Fill @r from a `mode=...` line of debugfs `bench`. Return 0, or -1 if the
 * line is not a mode line or lacks a field an available mode must have.
 */
int tb_parse_mode_line(const char *line, struct tb_record *r);

/* N2: @r = with - without (medians, percentiles minus the base median). */
void tb_make_diff(struct tb_record *r, const struct tb_summary *with,
		  const struct tb_summary *without);

/* Fill ratio_native / ratio_ipi of every record from its cell's baselines. */
void tb_compute_ratios(struct tb_record *r, int n);

/*
 * Counters before and after something (counters.txt, tlbbench's summary):
 * the `before ...` / `after ...` line of debugfs `bench` (the tag @tag,
 * then name=value pairs), or the text of debugfs `stats` (one `name value`
 * line per counter). Return: number of counters, -1 if the input is
 * malformed (another tag, a word that is not a pair) or has more than @max.
 */
#define TB_MAX_COUNTERS		128
int tb_parse_counter_line(const char *line, const char *tag, struct tb_kv *kv,
			  int max);
int tb_parse_stats_text(const char *text, struct tb_kv *kv, int max);

/*
 * A table of counters, one row per counter: columns counter, before, after,
 * delta (after - before, "-" in front when it went down), names left- and
 * numbers right-aligned, the column names in a header row and nowhere else.
 * Rows in the order of @before, then the counters only @after has; a side
 * that lacks a counter (or whose value is not a number) shows "-" there and
 * in delta.
 */
void tb_write_counters(FILE *f, const struct tb_kv *before, int nb,
		       const struct tb_kv *after, int na);

/*
 * The model check over all records: one line saying how many rows were
 * checked and that they agree, or naming each row that differs.
 * Return: the number of rows that differ.
 */
int tb_write_model_summary(FILE *f, const struct tb_record *r, int n);

/*
 * debugfs `bench_samples`: a header `# iter NAME...`, then `i ns...` per
 * iteration. Give each record of @r (the cell's records, @nr of them)
 * whose mode is a column its samples (malloc'd, n = its st.n).
 * Return: 0, -1 if the text is malformed, a column has no record, or the
 * number of rows is not the records' iterations.
 */
int tb_attach_samples(const char *text, struct tb_record *r, int nr);

/*
 * The phase breakdown of one flusher shootdown: a `phases mode=NAME n=N
 * total_ns=T issue_ns=.. dispatch_ns=.. deliver_ns=.. handler_ns=..
 * wait_ns=..` line of debugfs `bench` (after the mode lines), one per
 * flusher mode. Each *_ns is the median of that phase over the n samples,
 * total_ns the median of the whole shootdown: the phases need not add up
 * to it. n=0 (with an optional reason=) says the mode has no phase samples.
 */
enum tb_phase {
	TB_P_ISSUE,		/* tlbf_flusher_issue() */
	TB_P_DISPATCH,		/* issue's return -> strategy dispatch hook */
	TB_P_DELIVER,		/* -> handler entry on the last remote target */
	TB_P_HANDLER,		/* that handler, entry to exit */
	TB_P_WAIT,		/* its exit -> the shootdown's return */
	TB_NR_PHASES
};

extern const char *const tb_phase_names[TB_NR_PHASES];

struct tb_phases {
	char mode[TB_NAME_LEN];
	unsigned int pages;		/* the cell (set by tlbbench) */
	char targets[8];
	int run;
	unsigned int n;			/* 0: no phase samples */
	char reason[96];		/* n == 0 only, "" if none given */
	uint64_t total;			/* ns, median of the whole shootdown */
	uint64_t ph[TB_NR_PHASES];	/* ns, median of each phase */
};

/*
 * Fill @p (mode, n, reason, total, ph; not the cell) from a `phases ...`
 * line. Keys it does not know are ignored. Return 0, or -1 if the line is
 * not a phases line, has a word that is not a pair, lacks mode or n, or
 * (n > 0) lacks total_ns or a phase, or has one that is not a number.
 */
int tb_parse_phases_line(const char *line, struct tb_phases *p);

/*
 * phases.txt: a header saying what each phase is and that the values are
 * per-phase medians in us, then one row per record: run (if @repeat > 1),
 * targets, pages, mode, n, total and the phases ("-" where n == 0).
 * @bad: phases lines tlbbench could not parse (said in the header).
 */
void tb_write_phases_txt(FILE *f, const struct tb_phases *p, int n,
			 unsigned int repeat, int bad);
/* phases.csv: the same rows in ns, every run; empty fields where n == 0. */
void tb_write_phases_csv(FILE *f, const struct tb_phases *p, int n);

/* tlbbench_stats.c */

/* The median as tb_summarize() defines it, in linear time; @v reordered. */
uint64_t tb_median(uint64_t *v, unsigned int n);

/* A sample and the iteration it was taken in. */
struct tb_pair {
	uint64_t v;
	unsigned int i;
};

/* @out = the samples v[0..n) with their iterations, sorted by value. */
void tb_sort_pairs(const uint64_t *v, unsigned int n, struct tb_pair *out);
/*
 * The median (as tb_summarize()) of a resample in which iteration i was
 * drawn count[i] times (the counts sum to @n), from the samples sorted
 * by tb_sort_pairs().
 */
uint64_t tb_counted_median(const struct tb_pair *sorted,
			   const unsigned int *count, unsigned int n);

/*
 * Paired bootstrap over a cell: @r are the records of one cell and sweep;
 * every record with samples (all from the same iterations) gets a 95%
 * interval for its ratio of medians to native and to ipi (ci_native,
 * ci_ipi), from @b resamples of the iterations. Reproducible from @seed.
 * Return: 0, -1 if the records do not have the same number of samples or
 * memory ran out.
 */
int tb_bootstrap_cell(struct tb_record **r, int nr, unsigned int b,
		      uint64_t seed);
/* "faster" (interval below 1), "slower" (above 1), "same", "-" (none). */
const char *tb_verdict(const double *ci);
/* spread_native of the run-0 records: max - min over the runs. */
void tb_compute_spread(struct tb_record *r, int n);
/*
 * The summary paragraph for @mode: per target set, the range of its ratio
 * to native and to ipi over the cells, the cells over 1.00 x native beyond
 * noise, and the largest spread between sweeps.
 */
void tb_write_summary(FILE *f, const struct tb_record *r, int n,
		      const char *mode);

void tb_write_csv(FILE *f, const struct tb_record *r, int n);
void tb_write_json(FILE *f, const struct tb_record *r, int n);
void tb_write_table(FILE *f, const struct tb_record *r, int n);

#endif /* TLBBENCH_H */
