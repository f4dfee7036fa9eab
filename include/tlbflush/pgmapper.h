/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tlbflush: the mapper (DragonOS PageMapper semantics, hardened) and its
 * flush requests (ARCHITECTURE.md M1-M5).
 *
 * A mapper owns one private 4-level page table whose frames come from a
 * &struct tlbf_pool. Calls that change a present entry (protect, unmap,
 * their range and _phys forms) fill a caller-provided &struct tlbf_flush_req
 * that the caller MUST consume: tlbf_req_flush_local(), hand it to a flusher
 * (tlbf_flusher_issue_req(), which calls tlbf_req_consume()), fold it into a
 * flush-all request (tlbf_req_merge_all()) or drop it explicitly
 * (tlbf_req_ignore()). Mapping an absent entry needs no flush and yields no
 * request.
 *
 * Errors (M2): -EINVAL bad address/flags/arguments, -EEXIST entry present,
 * -ENOENT entry absent, -ENOMEM no frame. A failed call leaves the tables,
 * the pool and the request exactly as they were. A request passed to a call
 * must not be live (-EINVAL otherwise): one call, one request.
 *
 * Ownership: tlbf_mapper_map() allocates the data frame and marks the leaf
 * TLBF_PTE_OWNED; only tlbf_mapper_unmap() removes such a leaf (the frame
 * goes PENDING on the request). tlbf_mapper_map_phys() maps a caller's
 * address; only tlbf_mapper_unmap_phys() removes it. Mixing is -EINVAL.
 *
 * Locking: every call takes the mapper's raw spinlock with IRQs saved, so a
 * mapper may be shared between CPUs and used from any context except
 * tlbf_mapper_create()/tlbf_mapper_destroy() (process context).
 */
#ifndef _TLBFLUSH_PGMAPPER_H
#define _TLBFLUSH_PGMAPPER_H

#include <linux/compiler.h>
#include <linux/stringify.h>
#include <linux/types.h>

#include "tlbflush/ptable.h"

/*
 * Leaf flags a caller may pass to map/protect (DragonOS PageFlags): RW, US,
 * PWT, PCD, A, D, G, NX. P is implied; PS, the software bit and address
 * bits are -EINVAL, and so is US on an upper-half (kernel) address.
 */
#define TLBF_FLAGS_MASK	(TLBF_PTE_RW | TLBF_PTE_US | TLBF_PTE_PWT |	\
			 TLBF_PTE_PCD | TLBF_PTE_A | TLBF_PTE_D |	\
			 TLBF_PTE_G | TLBF_PTE_NX)

/**
 * tlbf_flags_new() - default leaf flags: kernel, read-only, no-exec
 *
 * Return: TLBF_PTE_NX (present is implied, no RW, no US).
 */
static inline u64 tlbf_flags_new(void)
{
	return TLBF_PTE_NX;
}

static inline u64 tlbf_flags_update(u64 flags, u64 bit, bool value)
{
	return value ? flags | bit : flags & ~bit;
}

/**
 * tlbf_flags_set_write() - writable (RW) or read-only @flags
 * @flags: leaf flags
 * @value: true for RW
 *
 * Return: @flags with RW set to @value.
 */
static inline u64 tlbf_flags_set_write(u64 flags, bool value)
{
	return tlbf_flags_update(flags, TLBF_PTE_RW, value);
}

/**
 * tlbf_flags_set_user() - user-accessible (US) or kernel-only @flags
 * @flags: leaf flags
 * @value: true for US
 *
 * Return: @flags with US set to @value.
 */
static inline u64 tlbf_flags_set_user(u64 flags, bool value)
{
	return tlbf_flags_update(flags, TLBF_PTE_US, value);
}

/**
 * tlbf_flags_set_execute() - executable (NX clear) or not
 * @flags: leaf flags
 * @value: true to allow execution
 *
 * Return: @flags with NX set to !@value.
 */
static inline u64 tlbf_flags_set_execute(u64 flags, bool value)
{
	return tlbf_flags_update(flags, TLBF_PTE_NX, !value);
}

/**
 * tlbf_flags_set_cache_disable() - PCD on or off
 * @flags: leaf flags
 * @value: true for PCD
 *
 * Return: @flags with PCD set to @value.
 */
static inline u64 tlbf_flags_set_cache_disable(u64 flags, bool value)
{
	return tlbf_flags_update(flags, TLBF_PTE_PCD, value);
}

/**
 * tlbf_flags_set_write_through() - PWT on or off
 * @flags: leaf flags
 * @value: true for PWT
 *
 * Return: @flags with PWT set to @value.
 */
static inline u64 tlbf_flags_set_write_through(u64 flags, bool value)
{
	return tlbf_flags_update(flags, TLBF_PTE_PWT, value);
}

/**
 * tlbf_flags_mmio() - DragonOS mmio_flags(): kernel, RW, exec, PCD, PWT
 *
 * Return: RW | PCD | PWT.
 */
static inline u64 tlbf_flags_mmio(void)
{
	return TLBF_PTE_RW | TLBF_PTE_PCD | TLBF_PTE_PWT;
}

/**
 * tlbf_flags_valid() - may @flags be used for a leaf mapping @va?
 * @va: canonical virtual address
 * @flags: flags as passed to map/protect
 *
 * Return: true if @flags has only TLBF_FLAGS_MASK bits (P is tolerated) and
 * no US bit on an upper-half address.
 */
static inline bool tlbf_flags_valid(unsigned long va, u64 flags)
{
	if (flags & ~(TLBF_FLAGS_MASK | TLBF_PTE_P))
		return false;
	if ((flags & TLBF_PTE_US) && !tlbf_va_is_user(va))
		return false;
	return true;
}

/**
 * enum tlbf_req_kind - what a flush request asks for
 * @TLBF_REQ_NONE: nothing (consumed or never filled)
 * @TLBF_REQ_PAGE: one page at @va
 * @TLBF_REQ_RANGE: @nr_pages pages from @va
 * @TLBF_REQ_ALL: the whole non-global TLB
 */
enum tlbf_req_kind {
	TLBF_REQ_NONE,
	TLBF_REQ_PAGE,
	TLBF_REQ_RANGE,
	TLBF_REQ_ALL,
};

/**
 * struct tlbf_flush_req - a TLB flush the caller must perform (M4)
 * @kind: &enum tlbf_req_kind; != TLBF_REQ_NONE means live
 * @va: first page (PAGE, RANGE)
 * @nr_pages: number of pages (1 for PAGE, >= 2 for RANGE, 0 otherwise)
 * @frames: PENDING frames to release after the flush, linked by ->next;
 *	the request holds one reference on each (from tlbf_frame_set_pending)
 *	that its consumer takes over and drops with tlbf_frame_put() once
 *	every CPU that may cache the old translation has flushed
 * @site: where the request was declared (for misuse reports)
 *
 * Declare with TLBF_FLUSH_REQ(name): a live request going out of scope is
 * counted (flush_requests_unconsumed), reported with tlbf_report_misuse()
 * and then handled conservatively (flushed locally, frames put).
 */
struct tlbf_flush_req {
	enum tlbf_req_kind kind;
	unsigned long va;
	unsigned long nr_pages;
	struct tlbf_frame *frames;
	const char *site;
};

void tlbf_req_cleanup(struct tlbf_flush_req *req);

#define TLBF_FLUSH_REQ(name)						\
	struct tlbf_flush_req name					\
	__attribute__((__cleanup__(tlbf_req_cleanup))) = {		\
		.kind = TLBF_REQ_NONE,					\
		.site = __FILE__ ":" __stringify(__LINE__),		\
	}

/* Pages above which tlbf_req_flush_local() flushes all instead of invlpg. */
#define TLBF_REQ_LOCAL_MAX_PAGES	32

/**
 * tlbf_req_live() - must @req still be consumed?
 * @req: the request
 *
 * Return: true while @req holds a flush or frames not yet consumed.
 */
static inline bool tlbf_req_live(const struct tlbf_flush_req *req)
{
	return req->kind != TLBF_REQ_NONE || req->frames;
}

void tlbf_req_flush_local(struct tlbf_flush_req *req);
void tlbf_req_ignore(struct tlbf_flush_req *req);
void tlbf_req_merge_all(struct tlbf_flush_req *all, struct tlbf_flush_req *req);
void tlbf_req_consume(struct tlbf_flush_req *req);

struct tlbf_mapper;

struct tlbf_mapper *tlbf_mapper_create(struct tlbf_pool *pool);
void tlbf_mapper_destroy(struct tlbf_mapper *m);
struct tlbf_frame *tlbf_mapper_root(struct tlbf_mapper *m);
struct tlbf_pool *tlbf_mapper_pool(struct tlbf_mapper *m);
void tlbf_mapper_set_table_hook(struct tlbf_mapper *m,
				void (*fn)(void *ctx, unsigned long va,
					   int level, tlbf_pte_t entry),
				void *ctx);

int __must_check tlbf_mapper_map(struct tlbf_mapper *m, unsigned long va,
				 u64 flags);
int __must_check tlbf_mapper_map_phys(struct tlbf_mapper *m, unsigned long va,
				      phys_addr_t pa, u64 flags);
int __must_check tlbf_mapper_protect(struct tlbf_mapper *m, unsigned long va,
				     u64 flags, struct tlbf_flush_req *req);
int tlbf_mapper_translate(struct tlbf_mapper *m, unsigned long va,
			  phys_addr_t *pa, u64 *flags);
int __must_check tlbf_mapper_unmap(struct tlbf_mapper *m, unsigned long va,
				   bool unmap_parents,
				   struct tlbf_flush_req *req);
int __must_check tlbf_mapper_unmap_phys(struct tlbf_mapper *m,
					unsigned long va, bool unmap_parents,
					phys_addr_t *pa, u64 *flags,
					struct tlbf_flush_req *req);

int __must_check tlbf_mapper_map_range(struct tlbf_mapper *m, unsigned long va,
				       unsigned long nr_pages, u64 flags);
int __must_check tlbf_mapper_map_phys_range(struct tlbf_mapper *m,
					    unsigned long va, phys_addr_t pa,
					    unsigned long nr_pages, u64 flags);
int __must_check tlbf_mapper_protect_range(struct tlbf_mapper *m,
					   unsigned long va,
					   unsigned long nr_pages, u64 flags,
					   struct tlbf_flush_req *req);
int __must_check tlbf_mapper_unmap_range(struct tlbf_mapper *m,
					 unsigned long va,
					 unsigned long nr_pages,
					 bool unmap_parents,
					 struct tlbf_flush_req *req);
int __must_check tlbf_mapper_unmap_phys_range(struct tlbf_mapper *m,
					      unsigned long va,
					      unsigned long nr_pages,
					      bool unmap_parents,
					      struct tlbf_flush_req *req);

#endif /* _TLBFLUSH_PGMAPPER_H */
