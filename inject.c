// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: fault injection points (see include/tlbflush/inject.h).
 *
 * Each point is a &struct fault_attr of the kernel's fault-injection
 * framework: should_fail() decides, its debugfs knobs (probability,
 * interval, times, verbose, ...) are under tlbflush/inject/<point>/ where
 * the kernel has CONFIG_FAULT_INJECTION_DEBUG_FS, and tlbf_inject_set()
 * arms a point for every call (the KUnit suite does that). An unarmed
 * point costs one load: probability 0 is tested before should_fail().
 * With IRQs disabled (the flush IPI handler, a queue's raw spinlock) a point
 * fires only at probability 100 (see tlbf_inject()).
 * Without CONFIG_FAULT_INJECTION the points are compiled out (inject.h)
 * and tlbflush/inject/points says so.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/fault-inject.h>
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "tlbflush/inject.h"
#include "tlbflush/stats.h"

const char *const tlbf_inject_names[TLBF_NR_INJECT] = {
	[TLBF_INJ_SKIP_OPS] = "skip_ops",
	[TLBF_INJ_EARLY_ACK] = "early_ack",
	[TLBF_INJ_EARLY_RELEASE] = "early_release",
	[TLBF_INJ_THRESHOLD_OFF_BY_ONE] = "threshold_off_by_one",
	[TLBF_INJ_DROP_TARGET] = "drop_target",
	[TLBF_INJ_SKIP_OFFLINE_DRAIN] = "skip_offline_drain",
	[TLBF_INJ_ALL_KEEPS_GLOBAL] = "all_keeps_global",
};
EXPORT_SYMBOL_IF_KUNIT(tlbf_inject_names);

static atomic64_t tlbf_inject_count[TLBF_NR_INJECT];

/**
 * tlbf_inject_fired() - how often a point fired since load
 * @p: the point
 *
 * Return: the count (0 where fault injection is compiled out).
 */
u64 tlbf_inject_fired(enum tlbf_inject_point p)
{
	if ((unsigned int)p >= TLBF_NR_INJECT)
		return 0;
	return atomic64_read(&tlbf_inject_count[p]);
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_inject_fired);

/**
 * tlbf_inject_parse() - the point of a name
 * @name: a name of tlbf_inject_names[]
 *
 * Return: the &enum tlbf_inject_point, -EINVAL for an unknown name.
 */
int tlbf_inject_parse(const char *name)
{
	int i = match_string(tlbf_inject_names, TLBF_NR_INJECT, name);

	return i < 0 ? -EINVAL : i;
}

#ifdef CONFIG_FAULT_INJECTION
static struct fault_attr tlbf_inject_attrs[TLBF_NR_INJECT] = {
	[0 ... TLBF_NR_INJECT - 1] = FAULT_ATTR_INITIALIZER,
};

/**
 * tlbf_inject() - should the flusher be wrong at point @p now?
 * @p: the point
 *
 * Any context. Counted in injected_faults and the point's fired count.
 *
 * Return: true if the point fires.
 */
bool tlbf_inject(enum tlbf_inject_point p)
{
	struct fault_attr *attr = &tlbf_inject_attrs[p];

	if (likely(!READ_ONCE(attr->probability)))
		return false;
	if (!in_task() || irqs_disabled()) {
		/*
		 * should_fail() draws get_random_u32_below(), whose local
		 * lock must not be taken in hard IRQ context or under a raw
		 * spinlock (lockdep's raw-lock nesting check): here a point
		 * fires only at probability 100, and still counts down
		 * "times".
		 */
		int times = atomic_read(&attr->times);

		if (READ_ONCE(attr->probability) < 100 || !times)
			return false;
		if (times > 0 && atomic_dec_if_positive(&attr->times) < 0)
			return false;
	} else if (!should_fail(attr, 1)) {
		return false;
	}
	atomic64_inc(&tlbf_inject_count[p]);
	tlbf_stat_inc(TLBF_STAT_INJECTED_FAULTS);
	return true;
}

/**
 * tlbf_inject_set() - arm a point for every call, or disarm it
 * @p: the point
 * @on: fire on every call (probability 100, interval 1, no limit, silent)
 *	or never
 *
 * Return: 0, -EINVAL for a bad point.
 */
int tlbf_inject_set(enum tlbf_inject_point p, bool on)
{
	struct fault_attr *attr;

	if ((unsigned int)p >= TLBF_NR_INJECT)
		return -EINVAL;
	attr = &tlbf_inject_attrs[p];
	attr->verbose = 0;
	attr->interval = 1;
	atomic_set(&attr->times, on ? -1 : 0);
	WRITE_ONCE(attr->probability, on ? 100 : 0);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_inject_set);

static bool tlbf_inject_available(void)
{
	return true;
}

static void tlbf_inject_attrs_debugfs(struct dentry *dir)
{
	int i;

	for (i = 0; i < TLBF_NR_INJECT; i++) {
		tlbf_inject_attrs[i].verbose = 0;
		fault_create_debugfs_attr(tlbf_inject_names[i], dir,
					  &tlbf_inject_attrs[i]);
	}
}
#else
static bool tlbf_inject_available(void)
{
	return false;
}

static void tlbf_inject_attrs_debugfs(struct dentry *dir)
{
}
#endif /* CONFIG_FAULT_INJECTION */

static int tlbf_inject_points_show(struct seq_file *m, void *v)
{
	int i;

	if (!tlbf_inject_available()) {
		seq_puts(m, "unavailable: kernel built without CONFIG_FAULT_INJECTION\n");
		return 0;
	}
	for (i = 0; i < TLBF_NR_INJECT; i++)
		seq_printf(m, "%s %llu\n", tlbf_inject_names[i],
			   tlbf_inject_fired(i));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tlbf_inject_points);

/**
 * tlbf_inject_debugfs_init() - tlbflush/inject/: points and their knobs
 * @root: the module's debugfs directory
 *
 * debugfs failures are not fatal (debugfs convention).
 */
void tlbf_inject_debugfs_init(struct dentry *root)
{
	struct dentry *dir = debugfs_create_dir("inject", root);

	debugfs_create_file("points", 0444, dir, NULL,
			    &tlbf_inject_points_fops);
	tlbf_inject_attrs_debugfs(dir);
}
