// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: live mode (see include/tlbflush/live.h): the private last-level
 * tables grafted under the kernel's PMDs of a vmap() window.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>
#include <asm/tlbflush.h>

#include "tlbflush/live.h"
#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"

/**
 * struct tlbf_live - the window
 * @pool: frames of the window's mapper (tables and data)
 * @mapper: the private tables; its VAs are the window's real VAs
 * @dummy: the page the vmap() area maps before the graft
 * @area: what vmap() returned (unaligned)
 * @base: first VA of the window, 2 MiB aligned
 * @size: bytes, a multiple of 2 MiB
 * @nr_chunks: @size / 2 MiB
 * @kpmd: the kernel's PMD entry of each chunk
 * @orig: its value before the graft, restored at destroy
 * @grafted: chunks whose PMD links a private PT now (mapper lock)
 */
struct tlbf_live {
	struct tlbf_pool *pool;
	struct tlbf_mapper *mapper;
	struct page *dummy;
	void *area;
	unsigned long base;
	unsigned long size;
	unsigned int nr_chunks;
	pmd_t **kpmd;
	pmd_t *orig;
	unsigned int grafted;
};

/* The kernel's PMD entry of @va, reached from this CPU's page table. */
static pmd_t *tlbf_live_kernel_pmd(unsigned long va)
{
	pgd_t *pgd = pgd_offset_pgd(__va(read_cr3_pa()), va);
	p4d_t *p4d;
	pud_t *pud;

	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return NULL;
	p4d = p4d_offset(pgd, va);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		return NULL;
	pud = pud_offset(p4d, va);
	if (pud_none(*pud) || pud_bad(*pud) || pud_leaf(*pud))
		return NULL;
	return pmd_offset(pud, va);
}

/* Mapper hook, mapper lock held: mirror a private level-1 entry. */
static void tlbf_live_table_hook(void *ctx, unsigned long va, int level,
				 tlbf_pte_t entry)
{
	struct tlbf_live *lv = ctx;
	unsigned long i;

	if (level != 1 || va < lv->base || va - lv->base >= lv->size)
		return;
	i = (va - lv->base) / TLBF_LIVE_CHUNK;
	if (entry) {
		set_pmd(lv->kpmd[i], __pmd(tlbf_pte_pa(entry) | _KERNPG_TABLE));
		lv->grafted++;
	} else {
		pmd_clear(lv->kpmd[i]);
		lv->grafted--;
	}
}

static void tlbf_live_flush_global(void *info)
{
	__flush_tlb_all();
}

/* Give the kernel its PMDs back and make every CPU forget the window. */
static void tlbf_live_restore(struct tlbf_live *lv)
{
	unsigned int i;

	for (i = 0; i < lv->nr_chunks; i++)
		if (lv->kpmd[i])
			set_pmd(lv->kpmd[i], lv->orig[i]);
	on_each_cpu(tlbf_live_flush_global, NULL, 1);
}

static void tlbf_live_free(struct tlbf_live *lv)
{
	if (lv->area)
		vunmap(lv->area);
	if (lv->dummy)
		__free_page(lv->dummy);
	kfree(lv->kpmd);
	kfree(lv->orig);
	kfree(lv);
}

/* vmap() @lv->size + 2 MiB of the dummy page; pick the aligned part. */
static int tlbf_live_reserve(struct tlbf_live *lv)
{
	unsigned long nr = (lv->size + TLBF_LIVE_CHUNK) >> PAGE_SHIFT, i;
	struct page **pages;

	lv->dummy = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!lv->dummy)
		return -ENOMEM;
	pages = kvmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		pages[i] = lv->dummy;
	lv->area = vmap(pages, nr, VM_MAP, PAGE_KERNEL);
	kvfree(pages);
	if (!lv->area)
		return -ENOMEM;
	lv->base = ALIGN((unsigned long)lv->area, TLBF_LIVE_CHUNK);
	return 0;
}

/**
 * tlbf_live_create() - reserve a window and graft a mapper's tables into it
 * @size: bytes, a multiple of 2 MiB, 2 MiB .. TLBF_LIVE_MAX_MB MiB
 * @pool_frames: frames of the window's own pool (tables + data)
 *
 * Process context. The window starts empty: every read through it faults
 * until the mapper maps pages there.
 *
 * Return: the window; ERR_PTR(-EINVAL) for a bad size, -ENOMEM, or
 * -EOPNOTSUPP if the kernel's tables of the area are not the expected
 * 4 KiB-leaf layout (nothing changed then).
 */
struct tlbf_live *tlbf_live_create(unsigned long size,
				   unsigned long pool_frames)
{
	struct tlbf_live *lv;
	unsigned int i;
	int err;

	if (!size || size % TLBF_LIVE_CHUNK ||
	    size > (unsigned long)TLBF_LIVE_MAX_MB << 20)
		return ERR_PTR(-EINVAL);
	lv = kzalloc(sizeof(*lv), GFP_KERNEL);
	if (!lv)
		return ERR_PTR(-ENOMEM);
	lv->size = size;
	lv->nr_chunks = size / TLBF_LIVE_CHUNK;
	lv->kpmd = kcalloc(lv->nr_chunks, sizeof(*lv->kpmd), GFP_KERNEL);
	lv->orig = kcalloc(lv->nr_chunks, sizeof(*lv->orig), GFP_KERNEL);
	err = -ENOMEM;
	if (!lv->kpmd || !lv->orig)
		goto out_free;
	err = tlbf_live_reserve(lv);
	if (err)
		goto out_free;
	err = -EOPNOTSUPP;
	for (i = 0; i < lv->nr_chunks; i++) {
		unsigned long va = lv->base + i * TLBF_LIVE_CHUNK;
		pmd_t *pmd = tlbf_live_kernel_pmd(va);

		if (!pmd || !pmd_present(*pmd) || pmd_leaf(*pmd)) {
			pr_err("live: no 4 KiB-leaf PMD for %#lx\n", va);
			goto out_free;
		}
		lv->kpmd[i] = pmd;
		lv->orig[i] = *pmd;
	}

	lv->pool = tlbf_pool_create(pool_frames);
	if (IS_ERR(lv->pool)) {
		err = PTR_ERR(lv->pool);
		lv->pool = NULL;
		goto out_free;
	}
	lv->mapper = tlbf_mapper_create(lv->pool);
	if (IS_ERR(lv->mapper)) {
		err = PTR_ERR(lv->mapper);
		tlbf_pool_destroy(lv->pool);
		goto out_free;
	}
	/* Empty the window: every chunk faults until the mapper links a PT. */
	for (i = 0; i < lv->nr_chunks; i++)
		pmd_clear(lv->kpmd[i]);
	on_each_cpu(tlbf_live_flush_global, NULL, 1);
	tlbf_mapper_set_table_hook(lv->mapper, tlbf_live_table_hook, lv);
	return lv;

out_free:
	tlbf_live_free(lv);
	return ERR_PTR(err);
}

/**
 * tlbf_live_destroy() - take the window back (NULL or ERR_PTR ignored)
 * @lv: the window; no flush of it may be in flight
 *
 * Restores the kernel's PMDs, flushes everything (global entries too) on
 * every CPU, then frees the mapper, its pool and the area. Process context.
 */
void tlbf_live_destroy(struct tlbf_live *lv)
{
	if (IS_ERR_OR_NULL(lv))
		return;
	tlbf_mapper_set_table_hook(lv->mapper, NULL, NULL);
	tlbf_live_restore(lv);
	tlbf_mapper_destroy(lv->mapper);
	tlbf_pool_quiesce();
	tlbf_pool_destroy(lv->pool);
	tlbf_live_free(lv);
}

/**
 * tlbf_live_base() - first VA of the window
 * @lv: the live window
 *
 * Return: the first virtual address of the window.
 */
unsigned long tlbf_live_base(const struct tlbf_live *lv)
{
	return lv->base;
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_live_base);

/**
 * tlbf_live_size() - bytes of the window
 * @lv: the live window
 *
 * Return: the size of the window in bytes.
 */
unsigned long tlbf_live_size(const struct tlbf_live *lv)
{
	return lv->size;
}

/**
 * tlbf_live_mapper() - the mapper whose tables the MMU walks
 * @lv: the live window
 *
 * Return: the window's mapper, whose tables the MMU walks.
 */
struct tlbf_mapper *tlbf_live_mapper(struct tlbf_live *lv)
{
	return lv->mapper;
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_live_mapper);

/**
 * tlbf_live_pool() - the window's frame pool
 * @lv: the live window
 *
 * Return: the pool of the window's tables and frames.
 */
struct tlbf_pool *tlbf_live_pool(struct tlbf_live *lv)
{
	return lv->pool;
}

/**
 * tlbf_live_grafted() - chunks whose kernel PMD links a private PT now
 * @lv: the live window
 *
 * Return: the number of chunks whose kernel PMD links a private PT now.
 */
unsigned int tlbf_live_grafted(const struct tlbf_live *lv)
{
	return READ_ONCE(lv->grafted);
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_live_grafted);
