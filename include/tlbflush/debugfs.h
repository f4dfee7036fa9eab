/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: the debugfs files of the module core (debugfs.c): counters,
 * tunables, histograms, queues and the scenario command file `cmd`.
 */
#ifndef _TLBFLUSH_DEBUGFS_H
#define _TLBFLUSH_DEBUGFS_H

struct dentry;

int tlbf_debugfs_init(struct dentry *root);
void tlbf_debugfs_exit(void);

#endif /* _TLBFLUSH_DEBUGFS_H */
