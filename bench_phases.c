// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the bench's phase stamps (issue 10). While a run takes its
 * phase samples, probes on the module's own tracepoints note when the
 * strategy's dispatch starts (on the bench CPU) and when each target
 * enters and leaves its flush handler (per CPU); bench.c adds the stamps
 * of the sample itself and turns them into phases (enum tlbf_bench_phase).
 * Nothing is registered outside those samples: the tracepoints cost a
 * static branch then, as always.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": bench: " fmt

#include <linux/cpumask.h>
#include <linux/ktime.h>
#include <linux/percpu.h>
#include <linux/tracepoint.h>
#include <trace/events/tlbflush.h>

#include "bench_internal.h"

struct tlbf_bench_stamp {
	u64 enter;
	u64 exit;
};

static DEFINE_PER_CPU(struct tlbf_bench_stamp, tlbf_bench_stamps);
static u64 tlbf_bench_t_dispatch;

static void tlbf_bench_probe_dispatch(void *data,
				      const struct tlbf_flusher *fl,
				      const struct tlbf_dispatch *d)
{
	WRITE_ONCE(tlbf_bench_t_dispatch, ktime_get_ns());
}

static void tlbf_bench_probe_enter(void *data, int kind)
{
	this_cpu_write(tlbf_bench_stamps.enter, ktime_get_ns());
}

static void tlbf_bench_probe_exit(void *data, int kind,
				  const struct tlbf_ops *ops)
{
	this_cpu_write(tlbf_bench_stamps.exit, ktime_get_ns());
}

/**
 * tlbf_bench_phases_start() - register the probes
 *
 * Process context.
 *
 * Return: 0, or the tracepoint core's error (-ENOSYS without
 * CONFIG_TRACEPOINTS); nothing is registered then.
 */
int tlbf_bench_phases_start(void)
{
	int ret;

	ret = register_trace_tlbflush_dispatch(tlbf_bench_probe_dispatch, NULL);
	if (ret)
		return ret;
	ret = register_trace_tlbflush_ipi_enter(tlbf_bench_probe_enter, NULL);
	if (ret)
		goto out_dispatch;
	ret = register_trace_tlbflush_ipi_exit(tlbf_bench_probe_exit, NULL);
	if (ret)
		goto out_enter;
	return 0;
out_enter:
	unregister_trace_tlbflush_ipi_enter(tlbf_bench_probe_enter, NULL);
out_dispatch:
	unregister_trace_tlbflush_dispatch(tlbf_bench_probe_dispatch, NULL);
	tracepoint_synchronize_unregister();
	return ret;
}

/**
 * tlbf_bench_phases_stop() - unregister the probes; none runs after it
 *
 * Process context.
 */
void tlbf_bench_phases_stop(void)
{
	unregister_trace_tlbflush_ipi_exit(tlbf_bench_probe_exit, NULL);
	unregister_trace_tlbflush_ipi_enter(tlbf_bench_probe_enter, NULL);
	unregister_trace_tlbflush_dispatch(tlbf_bench_probe_dispatch, NULL);
	tracepoint_synchronize_unregister();
}

/**
 * tlbf_bench_phases_arm() - forget the stamps of the last sample
 *
 * Before a phase sample, preemption disabled, no flush in flight.
 */
void tlbf_bench_phases_arm(void)
{
	int cpu;

	for_each_online_cpu(cpu) {
		WRITE_ONCE(per_cpu(tlbf_bench_stamps, cpu).enter, 0);
		WRITE_ONCE(per_cpu(tlbf_bench_stamps, cpu).exit, 0);
	}
	WRITE_ONCE(tlbf_bench_t_dispatch, 0);
}

/**
 * tlbf_bench_phases_take() - the phases of the sample just taken
 * @self: the bench CPU (its local flush runs no handler)
 * @t0: the sample's start
 * @t_issue: when tlbf_flusher_issue() returned
 * @t1: the sample's end
 * @ph: TLBF_NR_PHASES values, set on success (ns)
 *
 * Call after every target completed and its handler returned (the bench's
 * settle IPI, wait=true, ran after it), preemption disabled. The last
 * remote handler is the one that entered (and left) last among the CPUs
 * that stamped during the sample.
 *
 * Return: true if every stamp is there and in order; false (a sample with
 * no remote handler, or one still running) leaves @ph alone.
 */
bool tlbf_bench_phases_take(int self, u64 t0, u64 t_issue, u64 t1, u64 *ph)
{
	u64 td = READ_ONCE(tlbf_bench_t_dispatch), enter = 0, exit = 0, e, x;
	int cpu;

	for_each_online_cpu(cpu) {
		if (cpu == self)
			continue;
		e = READ_ONCE(per_cpu(tlbf_bench_stamps, cpu).enter);
		x = READ_ONCE(per_cpu(tlbf_bench_stamps, cpu).exit);
		if (e < t0)
			continue;
		if (x < e)
			return false;
		enter = max(enter, e);
		exit = max(exit, x);
	}
	if (!td || td < t_issue || !enter || enter < td || t1 < t_issue)
		return false;
	ph[TLBF_PHASE_TOTAL] = t1 - t0;
	ph[TLBF_PHASE_ISSUE] = t_issue - t0;
	ph[TLBF_PHASE_DISPATCH] = td - t_issue;
	ph[TLBF_PHASE_DELIVER] = enter - td;
	ph[TLBF_PHASE_HANDLER] = exit - enter;
	/* An early-ack or async target may leave after the initiator. */
	ph[TLBF_PHASE_WAIT] = t1 > exit ? t1 - exit : 0;
	return true;
}
