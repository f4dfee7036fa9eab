// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: a TLB flusher test bed.
 *
 * Module init/exit, module parameters and the debugfs tree
 * /sys/kernel/debug/tlbflush/. The layers below (ptable, pgmapper, flusher,
 * bench) register their own files under the root made here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "tlbflush/bench.h"
#include "tlbflush/debugfs.h"
#include "tlbflush/flusher.h"
#include "tlbflush/footprint.h"
#include "tlbflush/inject.h"
#include "tlbflush/module.h"
#include "tlbflush/oracle.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"
#include "tlbflush/torture.h"

module_param_named(warn_on_misuse, tlbf_warn_on_misuse, bool, 0644);
MODULE_PARM_DESC(warn_on_misuse,
		 "Report caller misuse with WARN_ONCE (default) instead of a counted pr_info line");

static unsigned long pool_frames = TLBF_POOL_DEFAULT_FRAMES;
module_param(pool_frames, ulong, 0444);
MODULE_PARM_DESC(pool_frames,
		 "Frames (4 KiB) of the default page-table/data pool, bounded, 1..262144 (default 4096)");

static struct dentry *tlbf_root;

/**
 * tlbf_debugfs_root() - the module's debugfs directory
 *
 * Return: the dentry of /sys/kernel/debug/tlbflush/, valid while the module
 * is loaded.
 */
struct dentry *tlbf_debugfs_root(void)
{
	return tlbf_root;
}
EXPORT_SYMBOL_GPL(tlbf_debugfs_root);

static int __init tlbf_init(void)
{
	int ret;

	ret = tlbf_default_pool_init(pool_frames);
	if (ret)
		return ret;
	ret = tlbf_flusher_module_init();
	if (ret)
		goto err_pool;
	tlbf_root = debugfs_create_dir("tlbflush", NULL);
	if (IS_ERR(tlbf_root)) {
		ret = PTR_ERR(tlbf_root);
		goto err_flusher;
	}
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
	ret = tlbf_oracle_init(tlbf_root);
	if (ret)
		goto err_bench;
	ret = tlbf_torture_init(tlbf_root);
	if (ret)
		goto err_oracle;
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
