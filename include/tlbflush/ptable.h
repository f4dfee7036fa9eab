/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: frame pool and private 4-level page tables (ARCHITECTURE.md
 * F1, F2, P1, P2).
 *
 * Frames: a pool is ONE vmalloc'd region of nr_frames pages, fixed at
 * creation. The pool is BOUNDED: it never grows; when every frame is in use,
 * tlbf_frame_alloc() returns NULL and changes nothing. Each frame has a real
 * PFN (vmalloc_to_pfn) and is reached through the kernel's direct map of that
 * PFN (phys_to_virt), exactly as a kernel walks real page tables.
 *
 * Page tables: 4 levels of 512 u64 entries in the x86-64 hardware format.
 * Levels are numbered like DragonOS: 3 is the root (PML4), 0 is the last
 * level (PT) whose entries map 4 KiB pages. Huge pages (PS) are not used.
 */
#ifndef _TLBFLUSH_PTABLE_H
#define _TLBFLUSH_PTABLE_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/rcupdate.h>
#include <linux/io.h>

#include "tlbflush/arch.h"

/* x86-64 page-table entry bits (Intel SDM vol. 3, 4.5). */
#define TLBF_PTE_P		BIT_ULL(0)	/* present */
#define TLBF_PTE_RW		BIT_ULL(1)	/* writable */
#define TLBF_PTE_US		BIT_ULL(2)	/* user accessible */
#define TLBF_PTE_PWT		BIT_ULL(3)	/* write-through */
#define TLBF_PTE_PCD		BIT_ULL(4)	/* cache disable */
#define TLBF_PTE_A		BIT_ULL(5)	/* accessed */
#define TLBF_PTE_D		BIT_ULL(6)	/* dirty (leaf only) */
#define TLBF_PTE_PS		BIT_ULL(7)	/* page size (never set here) */
#define TLBF_PTE_G		BIT_ULL(8)	/* global (leaf only) */
/*
 * Bit 9 is one of the bits the MMU ignores (software-available). The mapper
 * marks leaf entries whose data frame it allocated itself (tlbf_mapper_map)
 * with it, so that only those are released by tlbf_mapper_unmap.
 */
#define TLBF_PTE_OWNED		BIT_ULL(9)
#define TLBF_PTE_NX		BIT_ULL(63)	/* no execute */
#define TLBF_PTE_ADDR_MASK	0x000ffffffffff000ULL	/* bits 12..51 */

typedef u64 tlbf_pte_t;

#define TLBF_PAGE_SHIFT		12
#define TLBF_PAGE_SIZE		BIT(TLBF_PAGE_SHIFT)
#define TLBF_PT_LEVELS		4
#define TLBF_PT_ROOT_LEVEL	(TLBF_PT_LEVELS - 1)
#define TLBF_PT_ENTRY_SHIFT	9
#define TLBF_PT_ENTRIES		BIT(TLBF_PT_ENTRY_SHIFT)
#define TLBF_VA_BITS		48

/* Intermediate (table) entries: P|RW, plus US in the lower half (P1). */
#define TLBF_PTE_TABLE_KERNEL	(TLBF_PTE_P | TLBF_PTE_RW)
#define TLBF_PTE_TABLE_USER	(TLBF_PTE_P | TLBF_PTE_RW | TLBF_PTE_US)

/**
 * enum tlbf_frame_state - what a frame of a pool is used for
 * @TLBF_FRAME_FREE: on the pool's free list
 * @TLBF_FRAME_TABLE: a page table (any level)
 * @TLBF_FRAME_DATA: a data page
 * @TLBF_FRAME_PENDING: released, waiting for TLB flushes and an RCU grace
 *	period before it returns to the free list (FL4); never handed out
 * @TLBF_NR_FRAME_STATES: number of states
 */
enum tlbf_frame_state {
	TLBF_FRAME_FREE,
	TLBF_FRAME_TABLE,
	TLBF_FRAME_DATA,
	TLBF_FRAME_PENDING,
	TLBF_NR_FRAME_STATES
};

struct tlbf_pool;

/**
 * struct tlbf_frame - metadata of one frame (one 4 KiB page) of a pool
 * @pool: the pool the frame belongs to (fixed)
 * @next: list link owned by whoever holds the frame: the pool's free list
 *	while FREE, a flush request's or a flusher's release list while
 *	PENDING, free for the owner's use while TABLE or DATA
 * @owner: opaque owner given to tlbf_frame_alloc() (e.g. the mapper)
 * @pfn: the real PFN of the page (vmalloc_to_pfn); fixed
 * @refcount: holders of a PENDING frame; the last tlbf_frame_put() starts
 *	its return to the pool. 1 while TABLE or DATA, 0 while FREE.
 * @state: &enum tlbf_frame_state, changed under the pool lock
 * @rcu: used by the deferred release (call_rcu)
 */
struct tlbf_frame {
	struct tlbf_pool *pool;
	struct tlbf_frame *next;
	void *owner;
	unsigned long pfn;
	atomic_t refcount;
	enum tlbf_frame_state state;
	struct rcu_head rcu;
};

/* Largest pool: 2^18 frames = 1 GiB of vmalloc space. */
#define TLBF_POOL_MAX_FRAMES	BIT(18)
/* Size of the module's default pool unless module param pool_frames says. */
#define TLBF_POOL_DEFAULT_FRAMES	4096UL

/**
 * struct tlbf_pool_observer - what the oracle is told about releases
 * @last_put: the last reference of a PENDING frame was dropped: every CPU
 *	that may cache it is done, says the flusher (FL4); any context
 * @freed: after the RCU grace period, just before the frame is FREE again
 *	(softirq context): the oracle poisons it
 */
struct tlbf_pool_observer {
	void (*last_put)(void *ctx, struct tlbf_frame *frame);
	void (*freed)(void *ctx, struct tlbf_frame *frame);
};

struct tlbf_pool *tlbf_pool_create(unsigned long nr_frames);
void tlbf_pool_set_observer(struct tlbf_pool *pool,
			    const struct tlbf_pool_observer *obs, void *ctx);
void tlbf_pool_destroy(struct tlbf_pool *pool);
void tlbf_pool_quiesce(void);
unsigned long tlbf_pool_nr_frames(struct tlbf_pool *pool);
unsigned long tlbf_pool_frames_in_use(struct tlbf_pool *pool);
unsigned long tlbf_pool_frames_in_state(struct tlbf_pool *pool,
					enum tlbf_frame_state state);
struct tlbf_frame *tlbf_pool_frame_of_pa(struct tlbf_pool *pool,
					 phys_addr_t pa);

struct tlbf_frame *tlbf_frame_alloc(struct tlbf_pool *pool,
				    enum tlbf_frame_state state, void *owner);
void tlbf_frame_free(struct tlbf_frame *frame);
void tlbf_frame_set_pending(struct tlbf_frame *frame);
void tlbf_frame_get(struct tlbf_frame *frame);
void tlbf_frame_put(struct tlbf_frame *frame);

/**
 * tlbf_frame_pa() - physical address of a frame
 * @frame: the frame
 *
 * Return: PFN << PAGE_SHIFT, what page-table entries hold.
 */
static inline phys_addr_t tlbf_frame_pa(const struct tlbf_frame *frame)
{
	return (phys_addr_t)frame->pfn << TLBF_PAGE_SHIFT;
}

/**
 * tlbf_frame_va() - the frame's address in the kernel's direct map
 * @frame: the frame
 *
 * Return: phys_to_virt() of the frame's physical address.
 */
static inline void *tlbf_frame_va(const struct tlbf_frame *frame)
{
	return phys_to_virt(tlbf_frame_pa(frame));
}

/* Module-wide default pool and gauges (debugfs frames_in_use/pending). */
int tlbf_default_pool_init(unsigned long nr_frames);
void tlbf_default_pool_exit(void);
struct tlbf_pool *tlbf_default_pool(void);
unsigned long tlbf_frames_in_use_total(void);
unsigned long tlbf_frames_pending_total(void);

/* ---- page-table format helpers (P1, P2): small pure functions ---- */

/**
 * tlbf_va_canonical() - is @va canonical in the running paging mode? (P2)
 * @va: virtual address
 *
 * Return: true if bits 63..N-1 are all equal, N = 48 under 4-level paging,
 * 57 under 5-level (tlbf_arch_va_bits()). The private tables stay 4-level:
 * they index bits 47..12 of such an address.
 */
static inline bool tlbf_va_canonical(unsigned long va)
{
	unsigned int shift = 64 - tlbf_arch_va_bits();

	return (unsigned long)((long)(va << shift) >> shift) == va;
}

/**
 * tlbf_va_valid() - canonical and page aligned (P2)
 * @va: virtual address
 *
 * Return: true if the mapper accepts @va.
 */
static inline bool tlbf_va_valid(unsigned long va)
{
	return tlbf_va_canonical(va) && !(va & (TLBF_PAGE_SIZE - 1));
}

/**
 * tlbf_va_is_user() - lower (user) half of the address space?
 * @va: canonical virtual address (in the running paging mode)
 *
 * Return: true when bit 63 of @va is clear.
 */
static inline bool tlbf_va_is_user(unsigned long va)
{
	return !(va & (1UL << 63));
}

/**
 * tlbf_va_sign_extend() - make a 48-bit address canonical
 * @va: address whose bits 47..0 are meaningful
 *
 * Return: @va with bit 47 copied into bits 63..48.
 */
static inline unsigned long tlbf_va_sign_extend(unsigned long va)
{
	return (unsigned long)((long)(va << (64 - TLBF_VA_BITS)) >>
			       (64 - TLBF_VA_BITS));
}

/**
 * tlbf_level_shift() - log2 of the span of one entry at @level
 * @level: 0 (PT, 4 KiB) .. 3 (PML4, 512 GiB)
 *
 * Return: 12, 21, 30 or 39.
 */
static inline unsigned int tlbf_level_shift(int level)
{
	return TLBF_PAGE_SHIFT + TLBF_PT_ENTRY_SHIFT * level;
}

/**
 * tlbf_va_index() - index of @va's entry in the table at @level
 * @va: virtual address
 * @level: 0..3
 *
 * Return: 0..511.
 */
static inline unsigned int tlbf_va_index(unsigned long va, int level)
{
	return (va >> tlbf_level_shift(level)) & (TLBF_PT_ENTRIES - 1);
}

/**
 * tlbf_entry_base() - first virtual address covered by an entry
 * @table_base: first VA covered by the table (0 for the root)
 * @level: level of the table, 0..3
 * @index: entry index, 0..511
 *
 * Return: the canonical base VA of entry @index.
 */
static inline unsigned long tlbf_entry_base(unsigned long table_base,
					    int level, unsigned int index)
{
	return tlbf_va_sign_extend(table_base +
				   ((unsigned long)index << tlbf_level_shift(level)));
}

/**
 * tlbf_pte_present() - is the P bit set?
 * @e: entry
 *
 * Return: true when TLBF_PTE_P is set in @e.
 */
static inline bool tlbf_pte_present(tlbf_pte_t e)
{
	return e & TLBF_PTE_P;
}

/**
 * tlbf_pte_pa() - physical address held by an entry
 * @e: entry
 *
 * Return: the bits of @e under TLBF_PTE_ADDR_MASK.
 */
static inline phys_addr_t tlbf_pte_pa(tlbf_pte_t e)
{
	return e & TLBF_PTE_ADDR_MASK;
}

/**
 * tlbf_pte_make() - build an entry
 * @pa: page-aligned physical address below 2^52
 * @flags: entry bits outside TLBF_PTE_ADDR_MASK
 *
 * Return: @pa and @flags merged into one entry.
 */
static inline tlbf_pte_t tlbf_pte_make(phys_addr_t pa, u64 flags)
{
	return (pa & TLBF_PTE_ADDR_MASK) | (flags & ~TLBF_PTE_ADDR_MASK);
}

/**
 * tlbf_pte_next_table() - the table an intermediate entry points to
 * @e: entry of a table at level >= 1
 *
 * Return: the direct-map address of the next-level table, NULL if @e is
 * not present.
 */
static inline tlbf_pte_t *tlbf_pte_next_table(tlbf_pte_t e)
{
	if (!tlbf_pte_present(e))
		return NULL;
	return (tlbf_pte_t *)phys_to_virt(tlbf_pte_pa(e));
}

int tlbf_pt_walk(tlbf_pte_t *root, unsigned long va,
		 tlbf_pte_t *tables[TLBF_PT_LEVELS]);
bool tlbf_pt_table_empty(const tlbf_pte_t *table);

#endif /* _TLBFLUSH_PTABLE_H */
