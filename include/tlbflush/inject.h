/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: fault injection points, where the flusher is deliberately
 * wrong so that the oracle can prove it sees each kind of bug (issue 8).
 *
 * Driven by the kernel's fault-injection framework: each point is a
 * &struct fault_attr with its knobs in debugfs under
 * tlbflush/inject/<name>/ (probability, interval, times, ...; see
 * Documentation/fault-injection/fault-injection.rst), and
 * tlbflush/inject/points lists every point and how often it fired. On a
 * kernel without CONFIG_FAULT_INJECTION (Debian's stock kernels) the points
 * compile to "never" and the directory says so.
 */
#ifndef _TLBFLUSH_INJECT_H
#define _TLBFLUSH_INJECT_H

#include <linux/errno.h>
#include <linux/types.h>

struct dentry;

/**
 * enum tlbf_inject_point - where the flusher can be made wrong
 * @TLBF_INJ_SKIP_OPS: a remote CPU skips its ops but acknowledges
 * @TLBF_INJ_EARLY_ACK: a remote CPU acknowledges before it performs
 * @TLBF_INJ_EARLY_RELEASE: frames are released at dispatch, not after acks
 * @TLBF_INJ_THRESHOLD_OFF_BY_ONE: the FL6 rule is pending + new > threshold
 * @TLBF_INJ_DROP_TARGET: dispatch leaves one remote target out
 * @TLBF_INJ_SKIP_OFFLINE_DRAIN: the CPU-dead callback does not drain
 * @TLBF_INJ_ALL_KEEPS_GLOBAL: "flush all" is a CR3 reload even when
 *	global (kernel-half) translations must go
 * @TLBF_NR_INJECT: number of points
 */
enum tlbf_inject_point {
	TLBF_INJ_SKIP_OPS,
	TLBF_INJ_EARLY_ACK,
	TLBF_INJ_EARLY_RELEASE,
	TLBF_INJ_THRESHOLD_OFF_BY_ONE,
	TLBF_INJ_DROP_TARGET,
	TLBF_INJ_SKIP_OFFLINE_DRAIN,
	TLBF_INJ_ALL_KEEPS_GLOBAL,
	TLBF_NR_INJECT
};

extern const char *const tlbf_inject_names[TLBF_NR_INJECT];

#ifdef CONFIG_FAULT_INJECTION
bool tlbf_inject(enum tlbf_inject_point p);
int tlbf_inject_set(enum tlbf_inject_point p, bool on);
#else
static inline bool tlbf_inject(enum tlbf_inject_point p)
{
	return false;
}

static inline int tlbf_inject_set(enum tlbf_inject_point p, bool on)
{
	return on ? -EOPNOTSUPP : 0;
}
#endif

u64 tlbf_inject_fired(enum tlbf_inject_point p);
int tlbf_inject_parse(const char *name);
void tlbf_inject_debugfs_init(struct dentry *root);

#endif /* _TLBFLUSH_INJECT_H */
