/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host shim of include/trace/events/tlbflush.h: no tracing in user space.
 * The host-compiled files (ptable.c, shadow.c, stats.c) call these.
 */
#ifndef _SHIM_TRACE_TLBFLUSH_H
#define _SHIM_TRACE_TLBFLUSH_H

#include <stdbool.h>

static inline void trace_tlbflush_frame_deferred(unsigned long pfn) { }
static inline void trace_tlbflush_frame_released(unsigned long pfn) { }
static inline void trace_tlbflush_misuse(const char *kind, const char *msg) { }
static inline void trace_tlbflush_oracle_report(const char *kind,
						const char *msg) { }
static inline bool trace_tlbflush_oracle_report_enabled(void)
{
	return false;
}

#endif
