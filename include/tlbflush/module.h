/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: what the module core (tlbflush_mod.c) offers the layers and the
 * KUnit suites: the debugfs root and the default frame pool.
 */
#ifndef _TLBFLUSH_MODULE_H
#define _TLBFLUSH_MODULE_H

struct dentry;

struct dentry *tlbf_debugfs_root(void);

#endif /* _TLBFLUSH_MODULE_H */
