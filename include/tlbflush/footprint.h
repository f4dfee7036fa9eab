/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: the module's memory footprint in debugfs `footprint`
 * (footprint.c): static, per-CPU and pool memory, one `name value` line
 * each.
 */
#ifndef _TLBFLUSH_FOOTPRINT_H
#define _TLBFLUSH_FOOTPRINT_H

struct dentry;

void tlbf_footprint_init(struct dentry *root);

#endif /* _TLBFLUSH_FOOTPRINT_H */
