/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: live mode, a kernel VA window whose real page-table leaves are
 * the mapper's private last-level tables (issue 8, ARCHITECTURE.md F1).
 *
 * How: the window is a vmap() area (2 MiB aligned inside a slightly larger
 * one), so the kernel has built its PGD..PMD levels for it and will not
 * touch them while the area is ours. A mapper hook mirrors every private
 * level-1 entry of the window (a private PD entry linking or unlinking a
 * PT frame) into the kernel PMD of that 2 MiB chunk, under the mapper's
 * lock. So the MMU of every CPU walks the private PT frames directly: the
 * leaves the mapper writes are the ones the hardware caches, and the
 * flusher's invlpg are put to the test. We graft at the PMD level rather
 * than mirror each leaf, because it keeps one source of truth (the private
 * table) and exercises M3: a PT frame that unmap_parents unlinks leaves
 * the kernel's PMD at once and returns to the pool only after the flush.
 *
 * Safe on 6.1 and 6.12 because: vmalloc-space PMD tables are shared by
 * every page table on x86-64 (their upper levels are preallocated), the
 * area is reserved for us, and the kernel's own PMD values are restored
 * before vunmap(). At destroy: restore, flush everything including global
 * entries on every CPU, vunmap, free.
 *
 * Entries may be global (TLBF_PTE_G, kernel style) or not (user style);
 * the window is a kernel-half address in the running paging mode (4- or
 * 5-level), the private tables index its bits 47..12.
 */
#ifndef _TLBFLUSH_LIVE_H
#define _TLBFLUSH_LIVE_H

#include <linux/types.h>

struct tlbf_mapper;
struct tlbf_pool;

/* Window size: default, limits (2 MiB granules). */
#define TLBF_LIVE_CHUNK		(2UL << 20)
#define TLBF_LIVE_DEFAULT_MB	2U
#define TLBF_LIVE_MAX_MB	256U

struct tlbf_live;

struct tlbf_live *tlbf_live_create(unsigned long size,
				   unsigned long pool_frames);
void tlbf_live_destroy(struct tlbf_live *lv);
unsigned long tlbf_live_base(const struct tlbf_live *lv);
unsigned long tlbf_live_size(const struct tlbf_live *lv);
struct tlbf_mapper *tlbf_live_mapper(struct tlbf_live *lv);
struct tlbf_pool *tlbf_live_pool(struct tlbf_live *lv);
unsigned int tlbf_live_grafted(const struct tlbf_live *lv);

#endif /* _TLBFLUSH_LIVE_H */
