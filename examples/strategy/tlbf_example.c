// SPDX-License-Identifier: GPL-2.0
/*
 * An out-of-tree tlbflush strategy, "example": flush here first, then send
 * the IPIs and wait for every target (the ops go through the core's
 * per-CPU queues, so frames, counters, hotplug and the oracle come for
 * free). Built with -DTLBF_EXAMPLE_BROKEN it becomes "example-broken",
 * which forgets the remote targets and releases their frame references at
 * once: the conformance suite and the oracle must reject it.
 *
 *   make -C examples/strategy KDIR=... TLBFLUSH=...   (see README.md)
 *   insmod tlbflush.ko; insmod tlbf_example.ko; insmod tlbflush_kunit.ko
 */
#include <linux/cpumask.h>
#include <linux/module.h>

#include "tlbflush/flusher.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"

#ifdef TLBF_EXAMPLE_BROKEN
#define TLBF_EXAMPLE_NAME	"example-broken"
#define TLBF_EXAMPLE_FORGETS	1
#else
#define TLBF_EXAMPLE_NAME	"example"
#define TLBF_EXAMPLE_FORGETS	0
#endif

static int tlbf_example_dispatch(struct tlbf_flusher *fl,
				 struct tlbf_dispatch *d)
{
	int err;

	if (d->local) {
		tlbf_perform(d->ops);
		tlbf_stat_inc(TLBF_STAT_LOCAL_FLUSHES);
		tlbf_batch_put(d->batch);
		d->local = false;
	}
	if (TLBF_EXAMPLE_FORGETS) {
		/* Wrong on purpose: nobody else flushes, frames go now. */
		int cpu;

		for_each_cpu(cpu, d->remote)
			tlbf_batch_put(d->batch);
		return 0;
	}
	err = tlbf_deliver_queued(fl, d, d->ops);
	if (!err)
		tlbf_flusher_wait(fl);
	return err;
}

static struct tlbf_strategy tlbf_example = {
	.name = TLBF_EXAMPLE_NAME,
	.desc = "example module: local flush first, then queue + IPI, wait",
	.flags = TLBF_STRAT_F_WAITS,
	.dispatch = tlbf_example_dispatch,
	.owner = THIS_MODULE,
};

static int __init tlbf_example_init(void)
{
	return tlbf_strategy_register(&tlbf_example);
}

static void __exit tlbf_example_exit(void)
{
	tlbf_strategy_unregister(&tlbf_example);
}

module_init(tlbf_example_init);
module_exit(tlbf_example_exit);
MODULE_IMPORT_NS(TLBFLUSH);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tlbflush example strategy (" TLBF_EXAMPLE_NAME ")");
