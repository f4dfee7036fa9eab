// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the mapper object and its API (see include/tlbflush/
 * pgmapper.h, ARCHITECTURE.md M1-M5). The two-pass run engine behind
 * map/unmap/protect is pgmapper_run.c; flush requests are flush_req.c.
 */
#define pr_fmt(fmt) "tlbflush: " fmt

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "pgmapper_internal.h"

/**
 * tlbf_mapper_create() - a mapper with an empty root table
 * @pool: where its frames come from
 *
 * Process context (allocates the mapper with GFP_KERNEL).
 *
 * Return: the mapper, ERR_PTR(-EINVAL) without a pool, ERR_PTR(-ENOMEM).
 */
struct tlbf_mapper *tlbf_mapper_create(struct tlbf_pool *pool)
{
	struct tlbf_mapper *m;

	if (IS_ERR_OR_NULL(pool))
		return ERR_PTR(-EINVAL);
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return ERR_PTR(-ENOMEM);
	raw_spin_lock_init(&m->lock);
	m->pool = pool;
	m->root = tlbf_frame_alloc(pool, TLBF_FRAME_TABLE, m);
	if (!m->root) {
		kfree(m);
		return ERR_PTR(-ENOMEM);
	}
	return m;
}
EXPORT_SYMBOL_GPL(tlbf_mapper_create);

static void tlbf_release_now(struct tlbf_frame *f)
{
	tlbf_frame_set_pending(f);
	tlbf_frame_put(f);
}

/* Release a table at @level and everything below it. */
static void tlbf_destroy_table(struct tlbf_mapper *m, tlbf_pte_t *table,
			       int level)
{
	unsigned int i;

	for (i = 0; i < TLBF_PT_ENTRIES; i++) {
		tlbf_pte_t e = READ_ONCE(table[i]);
		struct tlbf_frame *f;

		if (!tlbf_pte_present(e))
			continue;
		if (level > 0)
			tlbf_destroy_table(m, tlbf_pte_next_table(e), level - 1);
		else if (!(e & TLBF_PTE_OWNED))
			continue;
		f = tlbf_pool_frame_of_pa(m->pool, tlbf_pte_pa(e));
		WRITE_ONCE(table[i], 0);
		if (f)
			tlbf_release_now(f);
	}
}

/**
 * tlbf_mapper_destroy() - free a mapper and every frame it holds
 * @m: the mapper (NULL or an ERR_PTR is ignored); nobody else may use it
 *
 * Remaining tables and data frames of tlbf_mapper_map() go back to the
 * pool through the deferred path (PENDING, then after an RCU grace period:
 * tlbf_pool_quiesce() waits for it). The tables are never loaded into CR3,
 * so no TLB can hold their translations; no flush is needed. Process
 * context.
 */
void tlbf_mapper_destroy(struct tlbf_mapper *m)
{
	if (IS_ERR_OR_NULL(m))
		return;
	tlbf_destroy_table(m, tlbf_root_table(m), TLBF_PT_ROOT_LEVEL);
	tlbf_release_now(m->root);
	kfree(m);
}
EXPORT_SYMBOL_GPL(tlbf_mapper_destroy);

/**
 * tlbf_mapper_root() - the root table frame of a mapper
 * @m: the mapper
 *
 * Return: the frame; tlbf_frame_pa() of it is what CR3 would hold.
 */
struct tlbf_frame *tlbf_mapper_root(struct tlbf_mapper *m)
{
	return m->root;
}
EXPORT_SYMBOL_GPL(tlbf_mapper_root);

/**
 * tlbf_mapper_pool() - the pool of a mapper
 * @m: the mapper
 *
 * Return: the pool @m allocates its tables and frames from.
 */
struct tlbf_pool *tlbf_mapper_pool(struct tlbf_mapper *m)
{
	return m->pool;
}
EXPORT_SYMBOL_GPL(tlbf_mapper_pool);

/**
 * tlbf_mapper_set_table_hook() - be told when tables are linked or unlinked
 * @m: the mapper
 * @fn: called under the mapper's lock (IRQs off) each time an entry of a
 *	table at level >= 1 starts (entry != 0) or stops (0) linking a
 *	next-level table, with the first VA the entry covers; NULL: none.
 *	Not called by tlbf_mapper_destroy().
 * @ctx: passed to @fn
 *
 * Live mode uses it to mirror the private level-1 entries into the
 * kernel's PMDs, so that the MMU walks the private last-level tables.
 */
void tlbf_mapper_set_table_hook(struct tlbf_mapper *m,
				void (*fn)(void *ctx, unsigned long va,
					   int level, tlbf_pte_t entry),
				void *ctx)
{
	unsigned long irqflags;

	raw_spin_lock_irqsave(&m->lock, irqflags);
	m->table_hook = fn;
	m->hook_ctx = ctx;
	raw_spin_unlock_irqrestore(&m->lock, irqflags);
}
EXPORT_SYMBOL_GPL(tlbf_mapper_set_table_hook);

/**
 * tlbf_mapper_map() - map a new zeroed data frame at @va
 * @m: the mapper
 * @va: canonical, page-aligned address
 * @flags: leaf flags (tlbf_flags_valid())
 *
 * Allocates the data frame and any missing tables first. No flush request:
 * the entry was absent.
 *
 * Return: 0, -EINVAL, -EEXIST (@va mapped), -ENOMEM (nothing changed).
 */
int tlbf_mapper_map(struct tlbf_mapper *m, unsigned long va, u64 flags)
{
	return tlbf_map_run(m, va, 1, 0, true, flags);
}
EXPORT_SYMBOL_GPL(tlbf_mapper_map);

/**
 * tlbf_mapper_map_phys() - map the caller's physical page @pa at @va
 * @m: the mapper
 * @va: canonical, page-aligned address
 * @pa: page-aligned physical address below 2^52
 * @flags: leaf flags (tlbf_flags_valid())
 *
 * Return: 0, -EINVAL, -EEXIST, -ENOMEM (tables; nothing changed).
 */
int tlbf_mapper_map_phys(struct tlbf_mapper *m, unsigned long va,
			 phys_addr_t pa, u64 flags)
{
	return tlbf_map_run(m, va, 1, pa, false, flags);
}
EXPORT_SYMBOL_GPL(tlbf_mapper_map_phys);

/**
 * tlbf_mapper_map_range() - tlbf_mapper_map() of @nr_pages pages from @va
 * @m: the mapper
 * @va: first page
 * @nr_pages: >= 1; the run stays in one half of the address space
 * @flags: leaf flags
 *
 * All or nothing: every page must be absent and every frame is allocated
 * before the first entry is written. The whole call runs under the mapper's
 * raw spinlock with IRQs off (O(@nr_pages), one 4 KiB clear per frame): keep
 * runs to what the pool can hold.
 *
 * Return: 0, -EINVAL, -EEXIST, -ENOMEM.
 */
int tlbf_mapper_map_range(struct tlbf_mapper *m, unsigned long va,
			  unsigned long nr_pages, u64 flags)
{
	return tlbf_map_run(m, va, nr_pages, 0, true, flags);
}
EXPORT_SYMBOL_GPL(tlbf_mapper_map_range);

/**
 * tlbf_mapper_map_phys_range() - map @pa + i * 4K at @va + i * 4K
 * @m: the mapper
 * @va: first page
 * @pa: first physical page
 * @nr_pages: >= 1
 * @flags: leaf flags
 *
 * Return: 0, -EINVAL, -EEXIST, -ENOMEM (all or nothing).
 */
int tlbf_mapper_map_phys_range(struct tlbf_mapper *m, unsigned long va,
			       phys_addr_t pa, unsigned long nr_pages,
			       u64 flags)
{
	return tlbf_map_run(m, va, nr_pages, pa, false, flags);
}
EXPORT_SYMBOL_GPL(tlbf_mapper_map_phys_range);

/**
 * tlbf_mapper_protect() - new flags, same frame (DragonOS remap)
 * @m: the mapper
 * @va: a mapped page
 * @flags: leaf flags (they replace the old ones)
 * @req: an empty request, filled with a PAGE request on success
 *
 * Return: 0, -EINVAL (also for a live @req), -ENOENT.
 */
int tlbf_mapper_protect(struct tlbf_mapper *m, unsigned long va, u64 flags,
			struct tlbf_flush_req *req)
{
	return tlbf_protect_run(m, va, 1, flags, req);
}
EXPORT_SYMBOL_GPL(tlbf_mapper_protect);

/**
 * tlbf_mapper_protect_range() - tlbf_mapper_protect() of a run of pages
 * @m: the mapper
 * @va: first page
 * @nr_pages: >= 1, every page mapped
 * @flags: leaf flags
 * @req: an empty request, filled with one RANGE (or PAGE) request
 *
 * Return: 0, -EINVAL, -ENOENT (nothing changed).
 */
int tlbf_mapper_protect_range(struct tlbf_mapper *m, unsigned long va,
			      unsigned long nr_pages, u64 flags,
			      struct tlbf_flush_req *req)
{
	return tlbf_protect_run(m, va, nr_pages, flags, req);
}
EXPORT_SYMBOL_GPL(tlbf_mapper_protect_range);

/**
 * tlbf_mapper_translate() - physical address and flags of a mapped page
 * @m: the mapper
 * @va: canonical address (any offset; the page is translated)
 * @pa: out (may be NULL): the page's physical address
 * @flags: out (may be NULL): its leaf flags, TLBF_PTE_P included
 *
 * Return: 0, -EINVAL (non-canonical @va), -ENOENT (not mapped).
 */
int tlbf_mapper_translate(struct tlbf_mapper *m, unsigned long va,
			  phys_addr_t *pa, u64 *flags)
{
	unsigned long irqflags;
	tlbf_pte_t *e, v = 0;

	if (!tlbf_va_canonical(va))
		return -EINVAL;
	raw_spin_lock_irqsave(&m->lock, irqflags);
	e = tlbf_leaf(m, va & ~(TLBF_PAGE_SIZE - 1));
	if (e)
		v = READ_ONCE(*e);
	raw_spin_unlock_irqrestore(&m->lock, irqflags);
	if (!e)
		return -ENOENT;
	if (pa)
		*pa = tlbf_pte_pa(v);
	if (flags)
		*flags = v & (TLBF_FLAGS_MASK | TLBF_PTE_P);
	return 0;
}
EXPORT_SYMBOL_GPL(tlbf_mapper_translate);

/**
 * tlbf_mapper_unmap() - unmap a page of tlbf_mapper_map()
 * @m: the mapper
 * @va: the page
 * @unmap_parents: unlink tables left empty (M3)
 * @req: an empty request; filled with a PAGE request carrying the data
 *	frame (and emptied tables) as PENDING frames
 *
 * The data frame returns to the pool only through @req's consumer.
 *
 * Return: 0, -EINVAL (also: @va was mapped with map_phys), -ENOENT.
 */
int tlbf_mapper_unmap(struct tlbf_mapper *m, unsigned long va,
		      bool unmap_parents, struct tlbf_flush_req *req)
{
	return tlbf_unmap_run(m, va, 1, true, unmap_parents, NULL, NULL, req);
}
EXPORT_SYMBOL_GPL(tlbf_mapper_unmap);

/**
 * tlbf_mapper_unmap_phys() - unmap a page of tlbf_mapper_map_phys()
 * @m: the mapper
 * @va: the page
 * @unmap_parents: unlink tables left empty (M3)
 * @pa: out (may be NULL): the physical address it mapped
 * @flags: out (may be NULL): its flags, TLBF_PTE_P included
 * @req: an empty request; filled with a PAGE request (with emptied tables)
 *
 * Return: 0, -EINVAL (also: @va was mapped with map), -ENOENT.
 */
int tlbf_mapper_unmap_phys(struct tlbf_mapper *m, unsigned long va,
			   bool unmap_parents, phys_addr_t *pa, u64 *flags,
			   struct tlbf_flush_req *req)
{
	return tlbf_unmap_run(m, va, 1, false, unmap_parents, pa, flags, req);
}
EXPORT_SYMBOL_GPL(tlbf_mapper_unmap_phys);

/**
 * tlbf_mapper_unmap_range() - tlbf_mapper_unmap() of a run of pages
 * @m: the mapper
 * @va: first page
 * @nr_pages: >= 1, every page mapped by map
 * @unmap_parents: unlink tables left empty
 * @req: an empty request, filled with one RANGE (or PAGE) request
 *
 * Return: 0, -EINVAL, -ENOENT (nothing changed).
 */
int tlbf_mapper_unmap_range(struct tlbf_mapper *m, unsigned long va,
			    unsigned long nr_pages, bool unmap_parents,
			    struct tlbf_flush_req *req)
{
	return tlbf_unmap_run(m, va, nr_pages, true, unmap_parents, NULL, NULL,
			      req);
}
EXPORT_SYMBOL_GPL(tlbf_mapper_unmap_range);

/**
 * tlbf_mapper_unmap_phys_range() - tlbf_mapper_unmap_phys() of a run
 * @m: the mapper
 * @va: first page
 * @nr_pages: >= 1, every page mapped by map_phys
 * @unmap_parents: unlink tables left empty
 * @req: an empty request, filled with one RANGE (or PAGE) request
 *
 * Return: 0, -EINVAL, -ENOENT (nothing changed).
 */
int tlbf_mapper_unmap_phys_range(struct tlbf_mapper *m, unsigned long va,
				 unsigned long nr_pages, bool unmap_parents,
				 struct tlbf_flush_req *req)
{
	return tlbf_unmap_run(m, va, nr_pages, false, unmap_parents, NULL,
			      NULL, req);
}
EXPORT_SYMBOL_GPL(tlbf_mapper_unmap_phys_range);
