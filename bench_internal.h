/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: what the bench's files share and nothing else uses (bench.c,
 * bench_modes.c, bench_native.c, bench_debugfs.c; the API is
 * include/tlbflush/bench.h).
 */
#ifndef _TLBFLUSH_BENCH_INTERNAL_H
#define _TLBFLUSH_BENCH_INTERNAL_H

/* bench.c, bench_modes.c, bench_debugfs.c: EXPORT_SYMBOL_IF_KUNIT. */
#include <kunit/visibility.h>
#include <linux/types.h>

#include "tlbflush/bench.h"

/* N1, bench_native.c: NULL with a reason where it cannot be resolved. */
typedef void (*tlbf_native_fn)(unsigned long start, unsigned long end);
extern tlbf_native_fn tlbf_bench_native;
extern const char *tlbf_bench_native_reason;
void tlbf_bench_resolve_native(void);

/* bench_modes.c: mode names and the model. */
struct tlbf_bench_name {
	char s[TLBF_BENCH_NAME_MAX];
};

int tlbf_bench_kind_of(const char *name, enum tlbf_bench_kind *kind,
		       const char **strategy);
int tlbf_bench_split_modes(char *list, struct tlbf_bench_name *names);
int tlbf_bench_check_modes(const char *list);
unsigned int tlbf_bench_all_modes(struct tlbf_bench_name *names,
				  unsigned int max);
void tlbf_bench_check_model(struct tlbf_bench_mode_result *mr,
			    unsigned int iters);

/* bench_phases.c: the stamps of the phase samples. */
int tlbf_bench_phases_start(void);
void tlbf_bench_phases_stop(void);
void tlbf_bench_phases_arm(void);
bool tlbf_bench_phases_take(int self, u64 t0, u64 t_issue, u64 t1, u64 *ph);

/* bench.c: runs are possible between on and off. */
void tlbf_bench_buffer_init(bool on);

#endif /* _TLBFLUSH_BENCH_INTERNAL_H */
