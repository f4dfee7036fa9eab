/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: what pgmapper.c (the mapper object and its API),
 * pgmapper_run.c (the two-pass run engine) and flush_req.c (flush
 * requests) share. Not part of the module's interface.
 */
#ifndef _TLBFLUSH_PGMAPPER_INTERNAL_H
#define _TLBFLUSH_PGMAPPER_INTERNAL_H

#include <linux/spinlock.h>

#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"

/**
 * struct tlbf_mapper - one private page table (DragonOS PageMapper)
 * @lock: serializes every operation (raw: usable with IRQs off)
 * @pool: where tables and data frames come from
 * @root: the root table frame (level 3), kept until destroy
 * @table_hook: told about every table (un)link (tlbf_mapper_set_table_hook)
 * @hook_ctx: passed to @table_hook
 */
struct tlbf_mapper {
	raw_spinlock_t lock;
	struct tlbf_pool *pool;
	struct tlbf_frame *root;
	void (*table_hook)(void *ctx, unsigned long va, int level,
			   tlbf_pte_t entry);
	void *hook_ctx;
};

static inline tlbf_pte_t *tlbf_root_table(struct tlbf_mapper *m)
{
	return tlbf_frame_va(m->root);
}

/* va of page i of a run */
static inline unsigned long tlbf_page_va(unsigned long va, unsigned long i)
{
	return va + (i << TLBF_PAGE_SHIFT);
}

/* Pop the first frame of a list linked by ->next. */
static inline struct tlbf_frame *tlbf_pop(struct tlbf_frame **list)
{
	struct tlbf_frame *f = *list;

	*list = f->next;
	f->next = NULL;
	return f;
}

/*
 * The run engine (pgmapper_run.c). Each validates everything first and
 * changes nothing on failure; see the public wrappers in pgmapper.c.
 */
int tlbf_map_run(struct tlbf_mapper *m, unsigned long va, unsigned long nr,
		 phys_addr_t pa, bool owned, u64 flags);
int tlbf_unmap_run(struct tlbf_mapper *m, unsigned long va, unsigned long nr,
		   bool owned, bool unmap_parents, phys_addr_t *pa, u64 *flags,
		   struct tlbf_flush_req *req);
int tlbf_protect_run(struct tlbf_mapper *m, unsigned long va,
		     unsigned long nr, u64 flags, struct tlbf_flush_req *req);
tlbf_pte_t *tlbf_leaf(struct tlbf_mapper *m, unsigned long v);

#endif /* _TLBFLUSH_PGMAPPER_INTERNAL_H */
