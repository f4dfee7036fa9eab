// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: torture mode, the end of a run (see torture_internal.h):
 * status lines, the teardown of every lane through a flusher, the checks
 * (model against tables over whole lanes, misuse counters still, the
 * debugfs invariants, no frame left in the pool), the verdict and the end
 * lines, and debugfs `torture`, which reads the state and those lines.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": torture: " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tlbflush/flusher.h"
#include "tlbflush/inject.h"
#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"
#include "torture_internal.h"

enum tt_state { TT_IDLE, TT_RUNNING, TT_DONE };

/* The debugfs text: state and the last end lines; under tt_text_lock. */
static DEFINE_MUTEX(tt_text_lock);
static enum tt_state tt_state;
static char *tt_text;

u64 tlbf_tt_total_ops(void)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < tlbf_tt.nw; i++)
		sum += READ_ONCE(tlbf_tt.w[i].done);
	return sum;
}

static int tt_fmt_cpu_ops(char *buf, size_t size)
{
	int cpu, n = 0;

	for_each_possible_cpu(cpu)
		n += scnprintf(buf + n, size - n, " cpu%d=%llu", cpu,
			       per_cpu(tlbf_tt_cpu_ops, cpu));
	return n;
}

void tlbf_tt_print_status(void)
{
	char cpus[256];

	tt_fmt_cpu_ops(cpus, sizeof(cpus));
	pr_info("t=%us ops=%llu per cpu:%s hotplug_cycles=%lld oracle_runs=%lld reads_checked=%lld stale=%lld failures=%d workers_done=%d/%u pool in_use=%lu pending=%lu\n",
		jiffies_to_msecs(jiffies - tlbf_tt.start) / 1000, tlbf_tt_total_ops(),
		cpus, atomic64_read(&tlbf_tt.onoff_cycles),
		atomic64_read(&tlbf_tt.oracle_runs), atomic64_read(&tlbf_tt.reads),
		atomic64_read(&tlbf_tt.stale_reads) + atomic64_read(&tlbf_tt.stale_writes),
		atomic_read(&tlbf_tt.failures), atomic_read(&tlbf_tt.workers_done),
		tlbf_tt.nw, tlbf_pool_frames_in_use(tlbf_tt.pool),
		tlbf_pool_frames_in_state(tlbf_tt.pool, TLBF_FRAME_PENDING));
}

/* Unmap whatever is left of a lane (the table says, not the model). */
static void tt_teardown_lane(struct tt_worker *w)
{
	struct tlbf_flusher fl;
	unsigned long i;
	phys_addr_t pa;
	u64 flags;

	migrate_disable();
	if (tlbf_flusher_init(&fl, (struct cpumask *)cpu_online_mask,
			      &tlbf_strategy_sync)) {
		migrate_enable();
		tlbf_tt_err("teardown: no flusher");
		return;
	}
	for (i = 0; i < TT_LANE_PAGES; i++) {
		TLBF_FLUSH_REQ(req);

		if (tlbf_mapper_translate(w->m, tlbf_tt_va(w, i), &pa, &flags))
			continue;
		if (tlbf_mapper_unmap(w->m, tlbf_tt_va(w, i), true, &req))
			tlbf_tt_err("teardown: unmap %#lx", tlbf_tt_va(w, i));
		tlbf_tt_issue_req(w, &fl, &req);
		if (i % 64 == 63)
			tlbf_flusher_dispatch(&fl);
	}
	tlbf_flusher_dispatch(&fl);
	tlbf_flusher_finish(&fl);
	migrate_enable();
}

/* Counters that must not move during a run: the torture never misuses. */
static const enum tlbf_stat tt_misuse_stats[] = {
	TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED, TLBF_STAT_MISUSE_WRONG_CPU,
	TLBF_STAT_FRAMES_DOUBLE_RELEASED, TLBF_STAT_DISPATCH_REFUSED,
	TLBF_STAT_SYNC_REFUSED_IRQS_OFF,
};

/* After the teardown: misuse counters still, invariants, no frame left. */
static const char *tt_check_end(unsigned long *leaked)
{
	u64 sent, recv, drained, def, rel;
	unsigned int i;

	tlbf_flusher_quiesce();
	tlbf_pool_quiesce();
	for (i = 0; i < ARRAY_SIZE(tt_misuse_stats); i++) {
		enum tlbf_stat s = tt_misuse_stats[i];
		u64 d = tlbf_stat_sum(s) - tlbf_tt.stat0[s];

		if (d)
			tlbf_tt_err("%s moved by %llu during the run",
				    tlbf_stat_names[s], d);
	}
	*leaked = tlbf_pool_frames_in_use(tlbf_tt.pool);
	if (*leaked)
		tlbf_tt_err("%lu frames of the torture pool still in use after the teardown",
			    *leaked);
	sent = tlbf_stat_sum(TLBF_STAT_IPIS_SENT);
	recv = tlbf_stat_sum(TLBF_STAT_IPIS_RECEIVED);
	drained = tlbf_stat_sum(TLBF_STAT_QUEUES_DRAINED_OFFLINE);
	def = tlbf_stat_sum(TLBF_STAT_FRAMES_DEFERRED);
	rel = tlbf_stat_sum(TLBF_STAT_FRAMES_RELEASED);
	if (sent != recv + drained) {
		tlbf_tt_err("invariant: ipis_sent %llu != ipis_received %llu + queues_drained_offline %llu",
			    sent, recv, drained);
		return "broken";
	}
	if (def != rel + tlbf_frames_pending_total() ||
	    tlbf_frames_pending_total()) {
		tlbf_tt_err("invariant: frames_deferred %llu, frames_released %llu, frames_pending %lu (must be 0)",
			    def, rel, tlbf_frames_pending_total());
		return "broken";
	}
	return "ok";
}

static void tt_print_lines(const char *text)
{
	const char *nl;

	while (text && (nl = strchr(text, '\n'))) {
		pr_info("%.*s\n", (int)(nl - text), text);
		text = nl + 1;
	}
}

/* Tear down, check, print the end lines; the verdict for the caller. */
const char *tlbf_tt_end(bool stopped)
{
	char cpus[256], *text;
	const char *verdict, *inv;
	unsigned long leaked = 0;
	unsigned int i;
	u64 per_op[TT_NR_OPS] = {}, nomem = 0, refused = 0;

	for (i = 0; i < tlbf_tt.nw; i++) {
		int k;

		for (k = 0; k < TT_NR_OPS; k++)
			per_op[k] += tlbf_tt.w[i].ops[k];
		nomem += tlbf_tt.w[i].nomem;
		refused += tlbf_tt.w[i].refused;
		tlbf_tt_verify(&tlbf_tt.w[i], 0, TT_LANE_PAGES, "the run");
		tt_teardown_lane(&tlbf_tt.w[i]);
	}
	for (i = 0; i < tlbf_tt.nm; i++) {
		tlbf_mapper_destroy(tlbf_tt.m[i]);	/* the root tables go too */
		tlbf_tt.m[i] = NULL;
	}
	if (tlbf_tt.inject >= 0)
		tlbf_inject_set(tlbf_tt.inject, false);
	inv = tt_check_end(&leaked);
	verdict = atomic_read(&tlbf_tt.failures) ? "FAILURE" :
		  stopped ? "STOPPED" : "SUCCESS";
	tt_fmt_cpu_ops(cpus, sizeof(cpus));
	text = kasprintf(GFP_KERNEL,
			 "End of test: %s: seconds=%u ops=%llu map=%llu protect=%llu unmap=%llu remap=%llu flush=%llu oracle=%llu nomem=%llu\n"
			 "ops per cpu:%s\n"
			 "hotplug_cycles=%lld hotplug_refused=%lld\n"
			 "oracle_runs=%lld oracle_skipped=%lld oracle_nomem=%lld reads_checked=%lld stale_reads=%lld stale_writes=%lld oracle_violations=%lld\n"
			 "refused_as_expected=%llu failures=%d invariants=%s leaked_frames=%lu\n",
			 verdict, jiffies_to_msecs(jiffies - tlbf_tt.start) / 1000,
			 tlbf_tt_total_ops(), per_op[TT_MAP], per_op[TT_PROTECT],
			 per_op[TT_UNMAP], per_op[TT_REMAP], per_op[TT_FLUSH],
			 per_op[TT_ORACLE], nomem, cpus,
			 atomic64_read(&tlbf_tt.onoff_cycles),
			 atomic64_read(&tlbf_tt.onoff_failed),
			 atomic64_read(&tlbf_tt.oracle_runs),
			 atomic64_read(&tlbf_tt.oracle_skipped),
			 atomic64_read(&tlbf_tt.oracle_nomem),
			 atomic64_read(&tlbf_tt.reads),
			 atomic64_read(&tlbf_tt.stale_reads),
			 atomic64_read(&tlbf_tt.stale_writes),
			 atomic64_read(&tlbf_tt.violations), refused,
			 atomic_read(&tlbf_tt.failures), inv, leaked);
	tt_print_lines(text);
	mutex_lock(&tt_text_lock);
	kfree(tt_text);
	tt_text = text;
	tt_state = TT_DONE;
	mutex_unlock(&tt_text_lock);
	return verdict;
}

/* ---- debugfs `torture`: the state and the last end lines ---- */

static int tt_show(struct seq_file *m, void *v)
{
	static const char *const names[] = {
		[TT_IDLE] = "idle", [TT_RUNNING] = "running",
		[TT_DONE] = "done",
	};

	mutex_lock(&tt_text_lock);
	seq_printf(m, "state %s\n", names[tt_state]);
	if (tt_state == TT_RUNNING)
		seq_printf(m, "ops %llu failures %d\n", tlbf_tt_total_ops(),
			   atomic_read(&tlbf_tt.failures));
	if (tt_text)
		seq_puts(m, tt_text);
	mutex_unlock(&tt_text_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tt);

/* Create debugfs `torture` (state idle). */
void tlbf_tt_debugfs_init(struct dentry *root)
{
	tt_state = TT_IDLE;
	debugfs_create_file("torture", 0400, root, NULL, &tt_fops);
}

/* The run started: `torture` says so. */
void tlbf_tt_set_running(void)
{
	mutex_lock(&tt_text_lock);
	tt_state = TT_RUNNING;
	mutex_unlock(&tt_text_lock);
}

/* Module exit: the end lines go. */
void tlbf_tt_text_free(void)
{
	kfree(tt_text);
	tt_text = NULL;
}
