/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush tracepoints (trace system "tlbflush"): the life of a flush.
 *
 *   tlbflush_issue          an op recorded on a flusher (FL3)
 *   tlbflush_dispatch       dispatch starts: strategy, remote targets, ops
 *   tlbflush_dispatch_done  the strategy's dispatch returned: IPIs sent,
 *                           IPIs saved because one was in flight, error
 *   tlbflush_ipi_enter      a target starts on flushes given to it (queue
 *   tlbflush_ipi_exit       IPI, direct IPI or lazy tick) / performed them
 *   tlbflush_sync_begin     sync starts waiting / returns (FL9)
 *   tlbflush_sync_end
 *   tlbflush_frame_deferred a frame waits for a flush (FL4) / is free again
 *   tlbflush_frame_released
 *   tlbflush_offline_drain  a dead CPU's queue completed without a flush
 *   tlbflush_misuse         a caller's misuse, as reported
 *   tlbflush_oracle_report  the oracle's stale-access / violation report
 *
 * Every call site is one line; a tracepoint that is off costs a static
 * branch. The fields are read with ftrace's filters and by tools/bench.
 * Usage: README "Tracing".
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM tlbflush

#if !defined(_TRACE_TLBFLUSH_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_TLBFLUSH_H

#include <linux/cpumask.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "tlbflush/ops.h"

/* Complete in trace.c, the only place the fields are assigned. */
struct tlbf_dispatch;
struct tlbf_flusher;

#ifndef TLBF_TRACE_ONCE
#define TLBF_TRACE_ONCE
/* Who runs flushes on a target CPU (tlbflush_ipi_enter/exit "kind"). */
enum tlbf_trace_kind {
	TLBF_TRACE_QUEUE,	/* queue IPI (tlbf_deliver_queued) */
	TLBF_TRACE_DIRECT,	/* direct IPI (tlbf_deliver_direct) */
	TLBF_TRACE_TICK,	/* lazy tick (tlbf_queue_tick) */
};

/* Fixed-size text fields: no __string(), whose API changed in 6.10. */
#define TLBF_TRACE_NAME_LEN	32
#define TLBF_TRACE_MSG_LEN	192
#endif

TRACE_DEFINE_ENUM(TLBF_TRACE_QUEUE);
TRACE_DEFINE_ENUM(TLBF_TRACE_DIRECT);
TRACE_DEFINE_ENUM(TLBF_TRACE_TICK);

TRACE_EVENT(tlbflush_issue,
	    TP_PROTO(const struct tlbf_flusher *fl, struct tlbf_op op),
	    TP_ARGS(fl, op),
	    TP_STRUCT__entry(__field(unsigned long, va)
			     __field(unsigned long, pages)
			     __field(bool, all)
			     __field(bool, global)
			     __field(unsigned int, stack_pages)
			     __field(bool, stack_all)),
	    TP_fast_assign(__entry->all = tlbf_op_is_all(op);
			   __entry->va = __entry->all ? 0 : tlbf_op_va(op);
			   __entry->pages = tlbf_op_nr_pages(op);
			   __entry->global = tlbf_op_is_global(op);
			   __entry->stack_pages = fl->ops.nr_pages;
			   __entry->stack_all = fl->ops.all;),
	    TP_printk("va=%#lx pages=%lu all=%d global=%d stack_pages=%u stack_all=%d",
		      __entry->va, __entry->pages, __entry->all,
		      __entry->global, __entry->stack_pages,
		      __entry->stack_all)
);

TRACE_EVENT(tlbflush_dispatch,
	    TP_PROTO(const struct tlbf_flusher *fl,
		     const struct tlbf_dispatch *d),
	    TP_ARGS(fl, d),
	    TP_STRUCT__entry(__array(char, strategy, TLBF_TRACE_NAME_LEN)
			     __bitmask(remote, nr_cpumask_bits)
			     __field(unsigned int, targets)
			     __field(bool, local)
			     __field(unsigned int, pages)
			     __field(bool, all)
			     __field(bool, global)
			     __field(bool, frames)),
	    TP_fast_assign(strscpy(__entry->strategy, fl->strategy->name,
				   TLBF_TRACE_NAME_LEN);
			   __assign_bitmask(remote, cpumask_bits(d->remote),
					    nr_cpumask_bits);
			   __entry->targets = cpumask_weight(d->remote) +
					      d->local;
			   __entry->local = d->local;
			   __entry->pages = d->ops->nr_pages;
			   __entry->all = d->ops->all;
			   __entry->global = d->ops->global;
			   __entry->frames = d->batch;),
	    TP_printk("strategy=%s targets=%u remote=%s local=%d pages=%u all=%d global=%d frames=%d",
		      __entry->strategy, __entry->targets,
		      __get_bitmask(remote), __entry->local, __entry->pages,
		      __entry->all, __entry->global, __entry->frames)
);

TRACE_EVENT(tlbflush_dispatch_done,
	    TP_PROTO(const struct tlbf_dispatch *d, int err),
	    TP_ARGS(d, err),
	    TP_STRUCT__entry(__field(unsigned int, ipis_sent)
			     __field(unsigned int, ipis_coalesced)
			     __field(int, err)),
	    TP_fast_assign(__entry->ipis_sent = d->ipis_sent;
			   __entry->ipis_coalesced = d->ipis_coalesced;
			   __entry->err = err;),
	    TP_printk("ipis_sent=%u ipis_coalesced=%u err=%d",
		      __entry->ipis_sent, __entry->ipis_coalesced,
		      __entry->err)
);

TRACE_EVENT(tlbflush_ipi_enter,
	    TP_PROTO(int kind),
	    TP_ARGS(kind),
	    TP_STRUCT__entry(__field(int, kind)),
	    TP_fast_assign(__entry->kind = kind;),
	    TP_printk("kind=%s",
		      __print_symbolic(__entry->kind,
				       { TLBF_TRACE_QUEUE, "queue" },
				       { TLBF_TRACE_DIRECT, "direct" },
				       { TLBF_TRACE_TICK, "tick" }))
);

TRACE_EVENT(tlbflush_ipi_exit,
	    TP_PROTO(int kind, const struct tlbf_ops *ops),
	    TP_ARGS(kind, ops),
	    TP_STRUCT__entry(__field(int, kind)
			     __field(unsigned int, ops)
			     __field(unsigned int, pages)
			     __field(bool, all)
			     __field(bool, global)),
	    TP_fast_assign(__entry->kind = kind;
			   __entry->ops = ops->nr_ops;
			   __entry->pages = ops->nr_pages;
			   __entry->all = ops->all;
			   __entry->global = ops->global;),
	    TP_printk("kind=%s ops=%u pages=%u all=%d global=%d",
		      __print_symbolic(__entry->kind,
				       { TLBF_TRACE_QUEUE, "queue" },
				       { TLBF_TRACE_DIRECT, "direct" },
				       { TLBF_TRACE_TICK, "tick" }),
		      __entry->ops, __entry->pages, __entry->all,
		      __entry->global)
);

TRACE_EVENT(tlbflush_sync_begin,
	    TP_PROTO(const struct tlbf_flusher *fl),
	    TP_ARGS(fl),
	    TP_STRUCT__entry(__array(char, strategy, TLBF_TRACE_NAME_LEN)
			     __field(unsigned int, waiting)),
	    TP_fast_assign(strscpy(__entry->strategy, fl->strategy->name,
				   TLBF_TRACE_NAME_LEN);
			   __entry->waiting = cpumask_weight(fl->waitset);),
	    TP_printk("strategy=%s waiting=%u", __entry->strategy,
		      __entry->waiting)
);

TRACE_EVENT(tlbflush_sync_end,
	    TP_PROTO(int err),
	    TP_ARGS(err),
	    TP_STRUCT__entry(__field(int, err)),
	    TP_fast_assign(__entry->err = err;),
	    TP_printk("err=%d", __entry->err)
);

DECLARE_EVENT_CLASS(tlbflush_frame,
		    TP_PROTO(unsigned long pfn),
		    TP_ARGS(pfn),
		    TP_STRUCT__entry(__field(unsigned long, pfn)),
		    TP_fast_assign(__entry->pfn = pfn;),
		    TP_printk("pfn=%#lx", __entry->pfn)
);

DEFINE_EVENT(tlbflush_frame, tlbflush_frame_deferred,
	     TP_PROTO(unsigned long pfn),
	     TP_ARGS(pfn)
);

DEFINE_EVENT(tlbflush_frame, tlbflush_frame_released,
	     TP_PROTO(unsigned long pfn),
	     TP_ARGS(pfn)
);

TRACE_EVENT(tlbflush_offline_drain,
	    TP_PROTO(unsigned int cpu, const struct tlbf_ops *ops,
		     bool inflight),
	    TP_ARGS(cpu, ops, inflight),
	    TP_STRUCT__entry(__field(unsigned int, cpu)
			     __field(unsigned int, pages)
			     __field(bool, all)
			     __field(bool, inflight)),
	    TP_fast_assign(__entry->cpu = cpu;
			   __entry->pages = ops->nr_pages;
			   __entry->all = ops->all;
			   __entry->inflight = inflight;),
	    TP_printk("cpu=%u pages=%u all=%d inflight=%d", __entry->cpu,
		      __entry->pages, __entry->all, __entry->inflight)
);

DECLARE_EVENT_CLASS(tlbflush_report,
		    TP_PROTO(const char *kind, const char *msg),
		    TP_ARGS(kind, msg),
		    TP_STRUCT__entry(__array(char, kind, TLBF_TRACE_NAME_LEN)
				     __array(char, msg, TLBF_TRACE_MSG_LEN)),
		    TP_fast_assign(strscpy(__entry->kind, kind,
					   TLBF_TRACE_NAME_LEN);
				   strscpy(__entry->msg, msg,
					   TLBF_TRACE_MSG_LEN);),
		    TP_printk("kind=%s msg=%s", __entry->kind, __entry->msg)
);

DEFINE_EVENT(tlbflush_report, tlbflush_misuse,
	     TP_PROTO(const char *kind, const char *msg),
	     TP_ARGS(kind, msg)
);

DEFINE_EVENT(tlbflush_report, tlbflush_oracle_report,
	     TP_PROTO(const char *kind, const char *msg),
	     TP_ARGS(kind, msg)
);

#endif /* _TRACE_TLBFLUSH_H */

/* An out-of-tree module: the header is found through -I (see Kbuild). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE tlbflush

#include <trace/define_trace.h>
