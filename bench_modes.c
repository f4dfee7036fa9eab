// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the bench's modes and their model (see include/tlbflush/bench.h):
 * which names are modes (ipi, native, batched, flusher-NAME for a
 * registered strategy NAME), the list "all" stands for, and the counters
 * each flusher sample must move, from what its strategy declares. The
 * engine that runs the modes is bench.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": bench: " fmt

#include <linux/export.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "bench_internal.h"
#include "tlbflush/ops.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"

/* --------------------------------------------------------------- model */

/**
 * tlbf_bench_expect() - the counters one flusher sample must move
 * @s: the strategy (for batched: the one the batched mode uses)
 * @batched: @pages single-page ops (mode batched), else one op made by
 *	tlbf_op_range() (mode flusher-NAME)
 * @pages: pages of the sample
 * @remote: remote target CPUs (before the strategy widens them)
 * @local: this CPU is a target
 * @online: online CPUs
 * @e: TLBF_NR_STATS counters, set (not added to)
 *
 * Built only from what @s declares: its FL6 threshold
 * (tlbf_strategy_threshold()), TLBF_STRAT_F_BROADCAST (every other online
 * CPU flushes all, whatever the targets) and TLBF_STRAT_F_NO_IPI (no IPI:
 * each remote target performs its queue at a tick, counted in
 * lazy_flushes). The op is the range as it is (flush all only from
 * TLBF_FLUSH_ALL_THRESHOLD_MAX pages up, FL5); the stack follows the
 * strategy's threshold (pending + new >= threshold, FL6). One dispatch and
 * one sync (counted by dispatch for TLBF_STRAT_F_WAITS). A counter of
 * tlbf_bench_stat_timed() is left at 0 and not compared.
 */
void tlbf_bench_expect(const struct tlbf_strategy *s, bool batched,
		       unsigned int pages, unsigned int remote, bool local,
		       unsigned int online, u64 *e)
{
	unsigned int thr = tlbf_strategy_threshold(s);
	bool all;

	memset(e, 0, sizeof(u64) * TLBF_NR_STATS);
	e[TLBF_STAT_DISPATCHES] = 1;
	e[TLBF_STAT_SYNCS] = 1;
	e[TLBF_STAT_LOCAL_FLUSHES] = local;
	if (batched) {
		e[TLBF_STAT_OPS_ISSUED_SINGLE] = pages;
		all = pages >= thr;
		e[TLBF_STAT_OPS_MERGED_TO_ALL] = all;
	} else if (pages >= TLBF_FLUSH_ALL_THRESHOLD_MAX) {
		all = true;
		e[TLBF_STAT_OPS_ISSUED_ALL] = 1;
	} else {
		e[pages == 1 ? TLBF_STAT_OPS_ISSUED_SINGLE :
			       TLBF_STAT_OPS_ISSUED_RANGE] = 1;
		all = pages >= thr;
		e[TLBF_STAT_OPS_MERGED_TO_ALL] = all;
	}

	if (s->flags & TLBF_STRAT_F_BROADCAST) {
		remote = online - 1;
		e[TLBF_STAT_FULL_FLUSHES] = remote;
	} else {
		e[TLBF_STAT_FULL_FLUSHES] = all ? remote : 0;
		e[TLBF_STAT_PAGES_INVALIDATED] = all ? 0 : (u64)pages * remote;
	}
	if (local && all)
		e[TLBF_STAT_FULL_FLUSHES]++;
	else if (local)
		e[TLBF_STAT_PAGES_INVALIDATED] += pages;
	if (s->flags & TLBF_STRAT_F_NO_IPI) {
		e[TLBF_STAT_LAZY_FLUSHES] = remote;
	} else {
		e[TLBF_STAT_IPIS_SENT] = remote;
		e[TLBF_STAT_IPIS_RECEIVED] = remote;
	}
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_bench_expect);

/* After a run: do the counters of @mr agree with its model? */
void tlbf_bench_check_model(struct tlbf_bench_mode_result *mr,
			    unsigned int iters)
{
	const char *diff = NULL;
	u64 got = 0, want = 0;
	int i;

	for (i = 0; i < TLBF_NR_STATS && !diff; i++) {
		if (tlbf_bench_stat_timed(i))
			continue;
		if (mr->stat_delta[i] != mr->expect[i]) {
			diff = tlbf_stat_names[i];
			got = mr->stat_delta[i];
			want = mr->expect[i];
		}
	}
	if (!diff && (mr->kind == TLBF_BENCH_IPI ||
		      mr->kind == TLBF_BENCH_IPI_FLUSH) &&
	    mr->ipi_handler_runs != mr->cpu_samples) {
		diff = "ipi_handler_runs";
		got = mr->ipi_handler_runs;
		want = mr->cpu_samples;
	}
	if (!diff && mr->native_calls !=
	    (mr->kind == TLBF_BENCH_NATIVE ? iters : 0)) {
		diff = "native_calls";
		got = mr->native_calls;
		want = mr->kind == TLBF_BENCH_NATIVE ? iters : 0;
	}
	mr->model_ok = !diff;
	mr->model_diff = diff;
	mr->model_got = got;
	mr->model_want = want;
}

/* ---------------------------------------------------------------- modes */

/*
 * The kind of the mode called @name; for flusher-NAME *@strategy points to
 * NAME. Return: 0, or -EINVAL for a name that is no mode.
 */
int tlbf_bench_kind_of(const char *name, enum tlbf_bench_kind *kind,
		       const char **strategy)
{
	size_t pre = strlen(TLBF_BENCH_FLUSHER_PREFIX);

	*strategy = NULL;
	if (!strcmp(name, "ipi"))
		*kind = TLBF_BENCH_IPI;
	else if (!strcmp(name, "ipi-flush"))
		*kind = TLBF_BENCH_IPI_FLUSH;
	else if (!strcmp(name, "native"))
		*kind = TLBF_BENCH_NATIVE;
	else if (!strcmp(name, "batched"))
		*kind = TLBF_BENCH_BATCHED;
	else if (!strncmp(name, TLBF_BENCH_FLUSHER_PREFIX, pre) && name[pre])
		*kind = TLBF_BENCH_FLUSHER;
	else
		return -EINVAL;
	if (*kind == TLBF_BENCH_FLUSHER)
		*strategy = name + pre;
	else if (*kind == TLBF_BENCH_BATCHED)
		*strategy = "async";
	return 0;
}

/**
 * tlbf_bench_mode_available() - whether a mode can run here now
 * @name: the mode's name
 * @reason: set to a short reason when it cannot (may be NULL)
 *
 * Return: true if tlbf_bench_run() measures @name: ipi always, native if
 * flush_tlb_kernel_range() was resolved, flusher-NAME if strategy NAME is
 * registered, batched if async is.
 */
bool tlbf_bench_mode_available(const char *name, const char **reason)
{
	const struct tlbf_strategy *s = NULL;
	enum tlbf_bench_kind kind;
	const char *strategy, *why = NULL;

	if (tlbf_bench_kind_of(name, &kind, &strategy)) {
		why = "no-such-mode";
	} else if (kind == TLBF_BENCH_NATIVE && !tlbf_bench_native) {
		why = tlbf_bench_native_reason;
	} else if (strategy) {
		s = tlbf_strategy_get(strategy);
		if (!s)
			why = "strategy-not-registered";
		tlbf_strategy_put(s);
	}
	if (reason)
		*reason = why;
	return !why;
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_bench_mode_available);

/*
 * The modes of "all": ipi, ipi-flush, native, flusher-NAME for each registered
 * strategy in registry order, batched. A strategy whose mode name would
 * not fit is left out (and said so once). Return: how many, up to @max.
 */
unsigned int tlbf_bench_all_modes(struct tlbf_bench_name *names,
				  unsigned int max)
{
	const struct tlbf_strategy *s = NULL;
	unsigned int n = 0;

	if (n < max)
		strscpy(names[n++].s, "ipi", TLBF_BENCH_NAME_MAX);
	if (n < max)
		strscpy(names[n++].s, "ipi-flush", TLBF_BENCH_NAME_MAX);
	if (n < max)
		strscpy(names[n++].s, "native", TLBF_BENCH_NAME_MAX);
	while ((s = tlbf_strategy_get_next(s))) {
		if (n + 1 >= max ||
		    snprintf(names[n].s, TLBF_BENCH_NAME_MAX, "%s%s",
			     TLBF_BENCH_FLUSHER_PREFIX, s->name) >=
		    TLBF_BENCH_NAME_MAX || strpbrk(s->name, ", \t\n=")) {
			pr_warn_once("strategy %s left out of modes=all (name, or more than %u modes)\n",
				     s->name, max);
			continue;
		}
		n++;
	}
	if (n < max)
		strscpy(names[n++].s, "batched", TLBF_BENCH_NAME_MAX);
	return n;
}

/*
 * Split the comma-separated @list (modified) into @names. Return: how
 * many, or -EINVAL for an empty or unknown name, a name given twice, or
 * more than TLBF_BENCH_MAX_MODES.
 */
int tlbf_bench_split_modes(char *list, struct tlbf_bench_name *names)
{
	enum tlbf_bench_kind kind;
	const char *strategy;
	unsigned int n = 0, i;
	char *name;

	while ((name = strsep(&list, ",")) != NULL) {
		if (n >= TLBF_BENCH_MAX_MODES ||
		    tlbf_bench_kind_of(name, &kind, &strategy) ||
		    strscpy(names[n].s, name, TLBF_BENCH_NAME_MAX) < 0)
			return -EINVAL;
		for (i = 0; i < n; i++)
			if (!strcmp(names[i].s, name))
				return -EINVAL;
		n++;
	}
	return n;
}

/* "all", or a list of distinct known names; for flusher-NAME, NAME is
 * registered now. Return: 0 or -EINVAL (or -ENOMEM).
 */
int tlbf_bench_check_modes(const char *list)
{
	struct tlbf_bench_name *names;
	char *copy;
	int n, i, ret = 0;

	if (!strcmp(list, "all"))
		return 0;
	copy = kstrdup(list, GFP_KERNEL);
	names = kcalloc(TLBF_BENCH_MAX_MODES, sizeof(*names), GFP_KERNEL);
	if (!copy || !names) {
		ret = -ENOMEM;
		goto out;
	}
	n = tlbf_bench_split_modes(copy, names);
	if (n < 0)
		ret = n;
	for (i = 0; i < n && !ret; i++)
		if (!tlbf_bench_mode_available(names[i].s, NULL) &&
		    strcmp(names[i].s, "native"))
			ret = -EINVAL;
out:
	kfree(names);
	kfree(copy);
	return ret;
}

/**
 * tlbf_bench_find() - the result of a mode, by name
 * @res: a run's result
 * @name: the mode's name
 *
 * Return: its entry in @res, or NULL if the run had no such mode.
 */
const struct tlbf_bench_mode_result *
tlbf_bench_find(const struct tlbf_bench_result *res, const char *name)
{
	unsigned int i;

	for (i = 0; i < res->nr_modes; i++)
		if (!strcmp(res->mode[i].name, name))
			return &res->mode[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_bench_find);
