// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tlbflush_module: the module core and the IPI mechanism every
 * flush of the test bed relies on.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/smp.h>

#include "tlbflush/module.h"

static DEFINE_PER_CPU(atomic_t, ipi_hits);

static void count_ipi(void *info)
{
	atomic_inc(this_cpu_ptr(&ipi_hits));
}

/*
 * smp_call_function_many() to every online CPU, as the flusher dispatches:
 * each other online CPU runs the handler exactly once, the sender never.
 */
static void tlbf_ipi_reaches_each_other_cpu_once(struct kunit *test)
{
	int cpu, self, others = 0;

	for_each_possible_cpu(cpu)
		atomic_set(per_cpu_ptr(&ipi_hits, cpu), 0);

	cpus_read_lock();
	preempt_disable();
	self = smp_processor_id();
	smp_call_function_many(cpu_online_mask, count_ipi, NULL, true);
	preempt_enable();

	for_each_online_cpu(cpu) {
		int hits = atomic_read(per_cpu_ptr(&ipi_hits, cpu));

		if (cpu == self) {
			KUNIT_EXPECT_EQ_MSG(test, hits, 0, "sender cpu%d", cpu);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, hits, 1, "cpu%d", cpu);
			others++;
		}
	}
	cpus_read_unlock();
	KUNIT_EXPECT_EQ(test, others, (int)num_online_cpus() - 1);
}

/* The debugfs tree exists while the module is loaded. */
static void tlbf_debugfs_root_exists(struct kunit *test)
{
	struct dentry *d = debugfs_lookup("tlbflush", NULL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d);
	KUNIT_EXPECT_PTR_EQ(test, d, tlbf_debugfs_root());
	dput(d);
}

static struct kunit_case tlbf_module_cases[] = {
	KUNIT_CASE(tlbf_ipi_reaches_each_other_cpu_once),
	KUNIT_CASE(tlbf_debugfs_root_exists),
	{}
};

static struct kunit_suite tlbf_module_suite = {
	.name = "tlbflush_module",
	.test_cases = tlbf_module_cases,
};

kunit_test_suites(&tlbf_module_suite);

MODULE_IMPORT_NS(TLBFLUSH);
/*
 * The hooks only this module uses (tlbf_flusher_test_*(), the bench's, fault
 * injection's and live mode's internals): EXPORT_SYMBOL_IF_KUNIT.
 */
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites of the tlbflush test bed");
