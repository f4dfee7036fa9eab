// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: a TLB flusher test bed.
 *
 * Module init/exit, module parameters and the debugfs tree
 * /sys/kernel/debug/tlbflush/. The layers below (ptable, pgmapper, flusher,
 * bench) register their own files under the root made here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

#include "tlbflush/bench.h"
#include "tlbflush/debugfs.h"
#include "tlbflush/flusher.h"
#include "tlbflush/footprint.h"
#include "tlbflush/inject.h"
#include "tlbflush/live.h"
#include "tlbflush/module.h"
#include "tlbflush/ops.h"
#include "tlbflush/oracle.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"
#include "tlbflush/torture.h"

/*
 * Module parameters, all in this block but the torture mode's (torture.c,
 * torture_*), and echoed in one "parameters:" line at load. A variable
 * lives with the layer that reads it; a layer's init receives it.
 */
module_param_named(warn_on_misuse, tlbf_warn_on_misuse, bool, 0644);
MODULE_PARM_DESC(warn_on_misuse,
		 "Report caller misuse with WARN_ONCE (default) instead of a counted pr_info line");

static unsigned long pool_frames = TLBF_POOL_DEFAULT_FRAMES;
module_param(pool_frames, ulong, 0444);
MODULE_PARM_DESC(pool_frames,
		 "Frames (4 KiB) of the default page-table/data pool, bounded, 1..262144 (default 4096)");

static int tlbf_threshold_param_set(const char *val,
				    const struct kernel_param *kp)
{
	unsigned int v;
	int ret = kstrtouint(val, 0, &v);

	return ret ? ret : tlbf_set_flush_all_threshold(v);
}

static int tlbf_threshold_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(tlbf_flush_all_threshold));
}

static const struct kernel_param_ops tlbf_threshold_param_ops = {
	.set = tlbf_threshold_param_set,
	.get = tlbf_threshold_param_get,
};

module_param_cb(flush_all_threshold, &tlbf_threshold_param_ops, NULL, 0644);
__MODULE_PARM_TYPE(flush_all_threshold, "uint");
/* The description states the bounds: keep it in step with ops.h. */
static_assert(TLBF_FLUSH_ALL_THRESHOLD_MAX == 64 &&
	      TLBF_FLUSH_ALL_THRESHOLD_DEFAULT == 32);
MODULE_PARM_DESC(flush_all_threshold,
		 "Pages at which an ops stack becomes flush all (FL6), 1..64 (default 32); also debugfs flush_all_threshold");

module_param_named(slow_cpu_ms, tlbf_slow_cpu_ms, uint, 0644);
MODULE_PARM_DESC(slow_cpu_ms,
		 "Report a CPU that has not completed a flush after this many ms (FL11; 0 = never)");

static bool live = true;
module_param(live, bool, 0444);
MODULE_PARM_DESC(live,
		 "Create the live window at load: the MMU walks the mapper's tables, the oracle checks flushers (default on)");

static unsigned int live_window_mb = TLBF_LIVE_DEFAULT_MB;
module_param(live_window_mb, uint, 0444);
MODULE_PARM_DESC(live_window_mb,
		 "Size of the live window in MiB, a multiple of 2, 2..256 (default 2)");

static bool histograms;

static int tlbf_hist_param_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret = kstrtobool(val, &on);

	if (ret)
		return ret;
	histograms = on;
	return tlbf_hist_enable(on);
}

static const struct kernel_param_ops tlbf_hist_param_ops = {
	.set = tlbf_hist_param_set,
	.get = param_get_bool,
};

module_param_cb(histograms, &tlbf_hist_param_ops, &histograms, 0644);
__MODULE_PARM_TYPE(histograms, "bool");
MODULE_PARM_DESC(histograms,
		 "Fill debugfs hist_dispatch_ns and hist_sync_wait_ns (clock reads around every dispatch and wait; default off)");

static struct dentry *tlbf_root;

/**
 * tlbf_debugfs_root() - the module's debugfs directory
 *
 * Return: the dentry of /sys/kernel/debug/tlbflush/, valid while the module
 * is loaded, or an error pointer where debugfs is unavailable (debugfs
 * calls take it and do nothing).
 */
struct dentry *tlbf_debugfs_root(void)
{
	return tlbf_root;
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_debugfs_root);

static int __init tlbf_init(void)
{
	int ret;

	ret = tlbf_default_pool_init(pool_frames);
	if (ret)
		return ret;
	ret = tlbf_flusher_module_init();
	if (ret)
		goto err_pool;
	/* debugfs failures are not fatal: the API works without the files. */
	tlbf_root = debugfs_create_dir("tlbflush", NULL);
	if (IS_ERR(tlbf_root))
		pr_warn("no debugfs directory (%ld): no files\n",
			PTR_ERR(tlbf_root));
	ret = tlbf_strategies_init(tlbf_root);
	if (ret)
		goto err_root;
	ret = tlbf_debugfs_init(tlbf_root);
	if (ret)
		goto err_debugfs;
	ret = tlbf_bench_init(tlbf_root);
	if (ret)
		goto err_debugfs;
	tlbf_inject_debugfs_init(tlbf_root);
	tlbf_footprint_init(tlbf_root);
	ret = tlbf_oracle_init(tlbf_root, live, live_window_mb);
	if (ret)
		goto err_bench;
	ret = tlbf_torture_init(tlbf_root);
	if (ret)
		goto err_oracle;
	pr_info("parameters: warn_on_misuse=%d pool_frames=%lu flush_all_threshold=%u slow_cpu_ms=%u live=%d live_window_mb=%u histograms=%d\n",
		tlbf_warn_on_misuse, pool_frames,
		READ_ONCE(tlbf_flush_all_threshold), tlbf_slow_cpu_ms, live,
		live_window_mb, histograms);
	pr_info("loaded\n");
	return 0;

err_oracle:
	tlbf_flusher_quiesce();
	tlbf_oracle_exit();
err_bench:
	tlbf_bench_exit();
err_debugfs:
	debugfs_remove_recursive(tlbf_root);
	tlbf_debugfs_exit();
	tlbf_strategies_exit();
	goto err_flusher;
err_root:
	debugfs_remove_recursive(tlbf_root);
err_flusher:
	tlbf_flusher_module_exit();
err_pool:
	tlbf_default_pool_exit();
	return ret;
}

static void __exit tlbf_exit(void)
{
	tlbf_torture_exit();
	debugfs_remove_recursive(tlbf_root);
	tlbf_debugfs_exit();
	tlbf_bench_exit();
	tlbf_flusher_quiesce();
	tlbf_oracle_exit();
	tlbf_strategies_exit();
	tlbf_flusher_module_exit();
	tlbf_default_pool_exit();
	pr_info("unloaded\n");
}

module_init(tlbf_init);
module_exit(tlbf_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TLB flusher test bed: private page tables, mapper, flusher, benchmark");
