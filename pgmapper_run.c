// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the mapper's run engine (ARCHITECTURE.md M1-M3).
 *
 * Every operation works on a run of pages [va, va + nr * 4K) in two passes:
 * the first only reads (validates every entry, counts and allocates every
 * frame the operation needs), the second writes and cannot fail. So a
 * failing call changes nothing, not even the pool. Everything here runs
 * under the mapper's raw spinlock with IRQs off.
 */
#define pr_fmt(fmt) "tlbflush: " fmt

#include <linux/errno.h>
#include <linux/lockdep.h>
#include <linux/spinlock.h>

#include "pgmapper_internal.h"

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
int tlbf_map_run(struct tlbf_mapper *m, unsigned long va, unsigned long nr,
		 phys_addr_t pa, bool owned, u64 flags)
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
tlbf_pte_t *tlbf_leaf(struct tlbf_mapper *m, unsigned long v)
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
int tlbf_unmap_run(struct tlbf_mapper *m, unsigned long va, unsigned long nr,
		   bool owned, bool unmap_parents, phys_addr_t *pa, u64 *flags,
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

int tlbf_protect_run(struct tlbf_mapper *m, unsigned long va,
		     unsigned long nr, u64 flags, struct tlbf_flush_req *req)
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
