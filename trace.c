// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the tracepoints of include/trace/events/tlbflush.h are created
 * here (and only here).
 */
#include "tlbflush/flusher.h"
#include "tlbflush/strategy.h"

#define CREATE_TRACE_POINTS
#include <trace/events/tlbflush.h>
