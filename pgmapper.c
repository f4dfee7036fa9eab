// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the mapper and its flush requests (see include/tlbflush/
 * pgmapper.h, ARCHITECTURE.md M1-M5).
 *
 * Every operation works on a run of pages [va, va + nr * 4K) in two passes:
 * the first only reads (validates every entry, counts and allocates every
 * frame the operation needs), the second writes and cannot fail. So a
 * failing call changes nothing, not even the pool.
 */
#define pr_fmt(fmt) "tlbflush: " fmt

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"
#include "tlbflush/shadow.h"
#include "tlbflush/stats.h"

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

/*
 * An entry of the table at @level (>= 1) covering @va now links (or, with
 * 0, no longer links) a next-level table: tell the hook (live mode mirrors
 * level-1 entries into the kernel's PMDs). Mapper lock held.
 */
static void tlbf_table_set(struct tlbf_mapper *m, tlbf_pte_t *e,
			   unsigned long va, int level, tlbf_pte_t entry)
{
	lockdep_assert_held(&m->lock);
	WRITE_ONCE(*e, entry);
	if (m->table_hook)
		m->table_hook(m->hook_ctx,
			      va & ~((1UL << tlbf_level_shift(level)) - 1),
			      level, entry);
}

static tlbf_pte_t *tlbf_root_table(struct tlbf_mapper *m)
{
	return tlbf_frame_va(m->root);
}

/* va of page i of a run */
static unsigned long tlbf_page_va(unsigned long va, unsigned long i)
{
	return va + (i << TLBF_PAGE_SHIFT);
}

/* A run of pages: canonical, aligned, no wrap, within one half. */
static bool tlbf_run_valid(unsigned long va, unsigned long nr)
{
	unsigned long last;

	if (!nr || !tlbf_va_valid(va))
		return false;
	if (nr - 1 > (ULONG_MAX - va) >> TLBF_PAGE_SHIFT)
		return false;
	last = tlbf_page_va(va, nr - 1);
	return tlbf_va_canonical(last) &&
	       tlbf_va_is_user(last) == tlbf_va_is_user(va);
}

static bool tlbf_req_empty(const struct tlbf_flush_req *req)
{
	return req && !tlbf_req_live(req);
}

/* Pop the first frame of a list linked by ->next. */
static struct tlbf_frame *tlbf_pop(struct tlbf_frame **list)
{
	struct tlbf_frame *f = *list;

	*list = f->next;
	f->next = NULL;
	return f;
}

static void tlbf_free_list(struct tlbf_frame *list)
{
	while (list)
		tlbf_frame_free(tlbf_pop(&list));
}

/* Allocate @n frames in @state onto *@list; all or nothing. */
static int tlbf_alloc_n(struct tlbf_mapper *m, unsigned long n,
			enum tlbf_frame_state state, struct tlbf_frame **list)
{
	struct tlbf_frame *got = NULL, *f;

	while (n--) {
		f = tlbf_frame_alloc(m->pool, state, m);
		if (!f) {
			tlbf_free_list(got);
			return -ENOMEM;
		}
		f->next = got;
		got = f;
	}
	*list = got;
	return 0;
}

/*
 * Map a run; @owned: allocate a data frame per page (map) or map
 * @pa + i * 4K (map_phys).
 */
static int tlbf_map_run(struct tlbf_mapper *m, unsigned long va,
			unsigned long nr, phys_addr_t pa, bool owned,
			u64 flags)
{
	unsigned long last_key[TLBF_PT_ROOT_LEVEL];
	struct tlbf_frame *tables = NULL, *data = NULL;
	tlbf_pte_t *t[TLBF_PT_LEVELS];
	unsigned long i, nr_tables = 0, irqflags;
	u64 table_flags, leaf_flags;
	int level, l, ret;

	if (!tlbf_run_valid(va, nr) || !tlbf_flags_valid(va, flags))
		return -EINVAL;
	if (!owned) {
		if (pa & ~TLBF_PTE_ADDR_MASK)
			return -EINVAL;
		if (nr - 1 > (TLBF_PTE_ADDR_MASK - pa) >> TLBF_PAGE_SHIFT)
			return -EINVAL;
	}
	table_flags = tlbf_va_is_user(va) ? TLBF_PTE_TABLE_USER :
					    TLBF_PTE_TABLE_KERNEL;
	leaf_flags = flags | TLBF_PTE_P | (owned ? TLBF_PTE_OWNED : 0);

	for (l = 0; l < TLBF_PT_ROOT_LEVEL; l++)
		last_key[l] = ULONG_MAX;

	raw_spin_lock_irqsave(&m->lock, irqflags);
	/* Pass 1: every leaf absent; count the tables to create. */
	for (i = 0; i < nr; i++) {
		unsigned long v = tlbf_page_va(va, i);

		level = tlbf_pt_walk(tlbf_root_table(m), v, t);
		if (!level && READ_ONCE(t[0][tlbf_va_index(v, 0)])) {
			ret = -EEXIST;
			goto out_unlock;
		}
		/* Missing tables at levels level-1..0, one per region. */
		for (l = level - 1; l >= 0; l--) {
			unsigned long key = v >> tlbf_level_shift(l + 1);

			if (key != last_key[l]) {
				last_key[l] = key;
				nr_tables++;
			}
		}
	}
	ret = tlbf_alloc_n(m, nr_tables, TLBF_FRAME_TABLE, &tables);
	if (ret)
		goto out_unlock;
	if (owned) {
		ret = tlbf_alloc_n(m, nr, TLBF_FRAME_DATA, &data);
		if (ret) {
			tlbf_free_list(tables);
			goto out_unlock;
		}
	}

	/* Pass 2: link the new tables, write the leaves. Cannot fail. */
	for (i = 0; i < nr; i++) {
		unsigned long v = tlbf_page_va(va, i);
		phys_addr_t leaf_pa;

		level = tlbf_pt_walk(tlbf_root_table(m), v, t);
		for (; level > 0; level--) {
			struct tlbf_frame *f = tlbf_pop(&tables);

			tlbf_table_set(m, &t[level][tlbf_va_index(v, level)], v,
				       level, tlbf_pte_make(tlbf_frame_pa(f),
							    table_flags));
			t[level - 1] = tlbf_frame_va(f);
		}
		if (owned)
			leaf_pa = tlbf_frame_pa(tlbf_pop(&data));
		else
			leaf_pa = pa + (i << TLBF_PAGE_SHIFT);
		WRITE_ONCE(t[0][tlbf_va_index(v, 0)],
			   tlbf_pte_make(leaf_pa, leaf_flags));
	}
	WARN_ON_ONCE(tables || data);
out_unlock:
	raw_spin_unlock_irqrestore(&m->lock, irqflags);
	return ret;
}

/* The present leaf entry of @v, or NULL. */
static tlbf_pte_t *tlbf_leaf(struct tlbf_mapper *m, unsigned long v)
{
	tlbf_pte_t *t[TLBF_PT_LEVELS];
	tlbf_pte_t *e;

	if (tlbf_pt_walk(tlbf_root_table(m), v, t))
		return NULL;
	e = &t[0][tlbf_va_index(v, 0)];
	return tlbf_pte_present(READ_ONCE(*e)) ? e : NULL;
}

/* Fill a request for a run of pages and its released frames. */
static void tlbf_req_fill(struct tlbf_flush_req *req, unsigned long va,
			  unsigned long nr, struct tlbf_frame *frames)
{
	req->kind = nr == 1 ? TLBF_REQ_PAGE : TLBF_REQ_RANGE;
	req->va = va;
	req->nr_pages = nr;
	req->frames = frames;
}

static void tlbf_release_to(struct tlbf_frame *f, struct tlbf_frame **list)
{
	tlbf_frame_set_pending(f);
	f->next = *list;
	*list = f;
}

/*
 * M3: after the leaves of [va, last] were cleared, unlink the tables of
 * that run that became empty, level by level from the bottom; their frames
 * go PENDING onto *@list.
 */
static void tlbf_unmap_parents(struct tlbf_mapper *m, unsigned long va,
			       unsigned long last, struct tlbf_frame **list)
{
	tlbf_pte_t *t[TLBF_PT_LEVELS];
	int l;

	for (l = 0; l < TLBF_PT_ROOT_LEVEL; l++) {
		unsigned int span = tlbf_level_shift(l + 1);
		unsigned long r = va & ~((1UL << span) - 1);

		for (;;) {
			int level = tlbf_pt_walk(tlbf_root_table(m), r, t);

			if (level <= l && tlbf_pt_table_empty(t[l])) {
				tlbf_pte_t *pe = &t[l + 1][tlbf_va_index(r, l + 1)];
				struct tlbf_frame *f;

				f = tlbf_pool_frame_of_pa(m->pool,
							  tlbf_pte_pa(*pe));
				tlbf_table_set(m, pe, r, l + 1, 0);
				tlbf_release_to(f, list);
			}
			/* next region of this level, stop past last or wrap */
			if ((r >> span) == (last >> span))
				break;
			r += 1UL << span;
		}
	}
}

/*
 * Unmap a run; @owned: the leaves must be TLBF_PTE_OWNED (unmap: frames go
 * PENDING on the request) or must not be (unmap_phys).
 */
static int tlbf_unmap_run(struct tlbf_mapper *m, unsigned long va,
			  unsigned long nr, bool owned, bool unmap_parents,
			  phys_addr_t *pa, u64 *flags,
			  struct tlbf_flush_req *req)
{
	struct tlbf_frame *frames = NULL;
	unsigned long i, irqflags;
	tlbf_pte_t *e;
	int ret = 0;

	if (!tlbf_run_valid(va, nr) || !tlbf_req_empty(req))
		return -EINVAL;

	raw_spin_lock_irqsave(&m->lock, irqflags);
	for (i = 0; i < nr; i++) {
		tlbf_pte_t old;

		e = tlbf_leaf(m, tlbf_page_va(va, i));
		if (!e) {
			ret = -ENOENT;
			goto out_unlock;
		}
		old = READ_ONCE(*e);
		if (!!(old & TLBF_PTE_OWNED) != owned) {
			ret = -EINVAL;
			goto out_unlock;
		}
		if (owned && !tlbf_pool_frame_of_pa(m->pool, tlbf_pte_pa(old))) {
			ret = -EINVAL;
			goto out_unlock;
		}
	}

	for (i = 0; i < nr; i++) {
		tlbf_pte_t old;

		e = tlbf_leaf(m, tlbf_page_va(va, i));
		old = READ_ONCE(*e);
		WRITE_ONCE(*e, 0);
		if (owned)
			tlbf_release_to(tlbf_pool_frame_of_pa(m->pool,
							      tlbf_pte_pa(old)),
					&frames);
		if (pa)
			*pa = tlbf_pte_pa(old);
		if (flags)
			*flags = old & (TLBF_FLAGS_MASK | TLBF_PTE_P);
	}
	if (unmap_parents)
		tlbf_unmap_parents(m, va, tlbf_page_va(va, nr - 1), &frames);
	tlbf_req_fill(req, va, nr, frames);
out_unlock:
	raw_spin_unlock_irqrestore(&m->lock, irqflags);
	return ret;
}

static int tlbf_protect_run(struct tlbf_mapper *m, unsigned long va,
			    unsigned long nr, u64 flags,
			    struct tlbf_flush_req *req)
{
	unsigned long i, irqflags;
	tlbf_pte_t *e;
	int ret = 0;

	if (!tlbf_run_valid(va, nr) || !tlbf_flags_valid(va, flags) ||
	    !tlbf_req_empty(req))
		return -EINVAL;

	raw_spin_lock_irqsave(&m->lock, irqflags);
	for (i = 0; i < nr; i++) {
		if (!tlbf_leaf(m, tlbf_page_va(va, i))) {
			ret = -ENOENT;
			goto out_unlock;
		}
	}
	for (i = 0; i < nr; i++) {
		tlbf_pte_t old;

		e = tlbf_leaf(m, tlbf_page_va(va, i));
		old = READ_ONCE(*e);
		WRITE_ONCE(*e, (old & (TLBF_PTE_ADDR_MASK | TLBF_PTE_OWNED)) |
			       flags | TLBF_PTE_P);
	}
	tlbf_req_fill(req, va, nr, NULL);
out_unlock:
	raw_spin_unlock_irqrestore(&m->lock, irqflags);
	return ret;
}

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

/* ---- flush requests (M4, M5) ---- */

static void tlbf_req_reset(struct tlbf_flush_req *req)
{
	req->kind = TLBF_REQ_NONE;
	req->va = 0;
	req->nr_pages = 0;
	req->frames = NULL;
}

static void tlbf_req_put_frames(struct tlbf_flush_req *req)
{
	struct tlbf_frame *list = req->frames;

	req->frames = NULL;
	while (list)
		tlbf_frame_put(tlbf_pop(&list));
}

/**
 * tlbf_req_flush_local() - perform a request on this CPU and consume it
 * @req: the request (an empty one is a no-op)
 *
 * PAGE: invlpg; RANGE: invlpg per page up to TLBF_REQ_LOCAL_MAX_PAGES, else
 * a full flush; ALL: full flush. Then the request's frames are put. Call
 * with preemption disabled for "this CPU" to mean anything. Counted in
 * local_flushes, pages_invalidated, full_flushes.
 */
void tlbf_req_flush_local(struct tlbf_flush_req *req)
{
	unsigned long i;

	switch (req->kind) {
	case TLBF_REQ_PAGE:
	case TLBF_REQ_RANGE:
		if (req->nr_pages <= TLBF_REQ_LOCAL_MAX_PAGES) {
			for (i = 0; i < req->nr_pages; i++)
				tlbf_tlb_flush_page(tlbf_page_va(req->va, i));
			tlbf_stat_add(TLBF_STAT_PAGES_INVALIDATED,
				      req->nr_pages);
			tlbf_stat_inc(TLBF_STAT_LOCAL_FLUSHES);
			break;
		}
		fallthrough;
	case TLBF_REQ_ALL:
		/* FL5: a kernel-half page may be global; ALL names no page. */
		tlbf_tlb_flush_all(req->kind == TLBF_REQ_ALL ||
				   !tlbf_va_is_user(req->va));
		tlbf_stat_inc(TLBF_STAT_FULL_FLUSHES);
		tlbf_stat_inc(TLBF_STAT_LOCAL_FLUSHES);
		break;
	case TLBF_REQ_NONE:
		break;
	}
	tlbf_req_put_frames(req);
	tlbf_req_reset(req);
}
EXPORT_SYMBOL_GPL(tlbf_req_flush_local);

/**
 * tlbf_req_ignore() - consume a request without flushing (explicit)
 * @req: the request
 *
 * Like DragonOS PageFlush::ignore(): the caller asserts no TLB can hold the
 * old translation. The request's frames are still put.
 */
void tlbf_req_ignore(struct tlbf_flush_req *req)
{
	tlbf_req_put_frames(req);
	tlbf_req_reset(req);
}
EXPORT_SYMBOL_GPL(tlbf_req_ignore);

/**
 * tlbf_req_merge_all() - fold a request into a flush-all request (M5)
 * @all: becomes (or stays) TLBF_REQ_ALL and takes over @req's frames
 * @req: consumed
 */
void tlbf_req_merge_all(struct tlbf_flush_req *all, struct tlbf_flush_req *req)
{
	struct tlbf_frame *tail;

	if (all != req && req->frames) {
		for (tail = req->frames; tail->next; tail = tail->next)
			;
		tail->next = all->frames;
		all->frames = req->frames;
		req->frames = NULL;
	}
	all->kind = TLBF_REQ_ALL;
	all->va = 0;
	all->nr_pages = 0;
	if (all != req)
		tlbf_req_reset(req);
}
EXPORT_SYMBOL_GPL(tlbf_req_merge_all);

/**
 * tlbf_req_consume() - mark a request consumed by a higher layer
 * @req: the request; its op and frames (and the references on them) now
 *	belong to the caller, e.g. the flusher
 */
void tlbf_req_consume(struct tlbf_flush_req *req)
{
	tlbf_req_reset(req);
}
EXPORT_SYMBOL_GPL(tlbf_req_consume);

/**
 * tlbf_req_cleanup() - scope-exit handler of TLBF_FLUSH_REQ()
 * @req: the request going out of scope
 *
 * A live request here was dropped unconsumed (M4): counted in
 * flush_requests_unconsumed, reported, then flushed locally and its frames
 * put so that nothing leaks.
 */
void tlbf_req_cleanup(struct tlbf_flush_req *req)
{
	if (!tlbf_req_live(req))
		return;
	tlbf_report_misuse(TLBF_STAT_FLUSH_REQUESTS_UNCONSUMED,
			   "flush request declared at %s dropped unconsumed (kind %d va %#lx pages %lu)",
			   req->site ? req->site : "?", req->kind, req->va,
			   req->nr_pages);
	tlbf_req_flush_local(req);
}
EXPORT_SYMBOL_GPL(tlbf_req_cleanup);
