/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: what the module core (tlbflush_mod.c) offers the KUnit suites:
 * the debugfs root, which kunit/mod_test.c checks. The layers never call up
 * into the module core: their init functions receive what they need (the
 * debugfs root is a parameter of tlbf_debugfs_init() and tlbf_bench_init()).
 */
#ifndef _TLBFLUSH_MODULE_H
#define _TLBFLUSH_MODULE_H

struct dentry;

struct dentry *tlbf_debugfs_root(void);

#endif /* _TLBFLUSH_MODULE_H */
