/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny TAP harness for the host tests: one "ok N - name" or
 * "not ok N - name" line per case. After each case the harness checks, not
 * trusts, that the case gave back every frame (module-wide frames in use
 * back to the value before it, after the deferred releases drained) and
 * that nothing WARNed.
 */
#ifndef _TLBF_TAP_H
#define _TLBF_TAP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"

struct tap_case {
	const char *name;
	void (*fn)(void);
};

static int tap_case_failed;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "# %s:%d: CHECK(%s) failed\n",	\
				__FILE__, __LINE__, #cond);		\
			tap_case_failed = 1;				\
			return;						\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long __a = (long long)(a), __b = (long long)(b);	\
		if (__a != __b) {					\
			fprintf(stderr,					\
				"# %s:%d: CHECK_EQ(%s, %s) failed: %lld != %lld (%#llx != %#llx)\n", \
				__FILE__, __LINE__, #a, #b, __a, __b,	\
				(unsigned long long)__a,		\
				(unsigned long long)__b);		\
			tap_case_failed = 1;				\
			return;						\
		}							\
	} while (0)

#define TAP_CASE(fn) { #fn, fn }

extern unsigned long shim_warn_count;
extern bool shim_quiet;

static inline int tap_run(const struct tap_case *cases, int n)
{
	int i, failed = 0;

	printf("1..%d\n", n);
	for (i = 0; i < n; i++) {
		unsigned long in_use, warns = shim_warn_count;

		rcu_barrier();
		in_use = tlbf_frames_in_use_total();
		tlbf_warn_on_misuse = true;
		tap_case_failed = 0;
		cases[i].fn();
		rcu_barrier();
		if (!tap_case_failed && tlbf_frames_in_use_total() != in_use) {
			fprintf(stderr, "# %s: frames in use %lu before, %lu after\n",
				cases[i].name, in_use,
				tlbf_frames_in_use_total());
			tap_case_failed = 1;
		}
		if (!tap_case_failed && shim_warn_count != warns) {
			fprintf(stderr, "# %s: %lu unexpected WARNs\n",
				cases[i].name, shim_warn_count - warns);
			tap_case_failed = 1;
		}
		printf("%sok %d - %s\n", tap_case_failed ? "not " : "", i + 1,
		       cases[i].name);
		fflush(stdout);
		failed += tap_case_failed;
	}
	return failed ? 1 : 0;
}

#endif /* _TLBF_TAP_H */
