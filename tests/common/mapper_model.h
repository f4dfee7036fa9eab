/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference model of the mapper (a sorted map VA -> PA, flags, owned and
 * the set of page tables that must exist), a structural checker that walks
 * the real tables, a hash of the reachable tables, and a random-operation
 * step that drives the real mapper and the model side by side.
 *
 * Shared by the host unit tests, the libFuzzer target (choices read from
 * the fuzz input) and the KUnit differential case (choices from a PRNG):
 * it uses only the tlbflush API and kernel-style C, no libc.
 *
 * The model is written independently of pgmapper.c: table counts come from
 * key ranges and the model's table set, not from a walk of real tables.
 * Pool accounting checks assume the pool is used by this mapper only.
 */
#ifndef _TLBF_MAPPER_MODEL_H
#define _TLBF_MAPPER_MODEL_H

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/types.h>

#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"

#define TLBF_MODEL_VA_MASK	(BIT(TLBF_VA_BITS) - 1)
#define TLBF_MODEL_PA_LIMIT	BIT_ULL(52)
#define TLBF_MODEL_FAKE_PA	0x000f000000000000ULL

struct tlbf_model_ent {
	unsigned long va;
	phys_addr_t pa;
	u64 flags;		/* as translate returns them: P included */
	bool owned;		/* made by map (data frame of the pool) */
};

struct tlbf_model_tbl {
	int level;		/* 0..2; the root is implicit */
	unsigned long key;	/* (va & VA_MASK) >> level_shift(level + 1) */
};

enum tlbf_model_op {
	TLBF_MOP_MAP, TLBF_MOP_MAP_PHYS, TLBF_MOP_PROTECT, TLBF_MOP_UNMAP,
	TLBF_MOP_UNMAP_PHYS, TLBF_MOP_MAP_RANGE, TLBF_MOP_MAP_PHYS_RANGE,
	TLBF_MOP_UNMAP_RANGE, TLBF_MOP_UNMAP_PHYS_RANGE,
	TLBF_MOP_PROTECT_RANGE, TLBF_MOP_TRANSLATE, TLBF_NR_MOPS
};

/**
 * struct tlbf_model - the reference model and its source of choices
 * @ents: mapped pages sorted by va (caller-provided, @cap_ents long)
 * @scratch: caller-provided, @cap_ents long, for duplicate checks
 * @tbls: tables that must exist besides the root (@cap_tbls long)
 * @data: fuzz input (NULL: use @rng); @len, @pos: its length, position
 * @exhausted: @data ran out
 * @check_every: full structural check every N steps (0: never)
 * @ops, @ok, @errs: steps done, successful calls, calls per errno class
 * @why: description of the first mismatch
 */
struct tlbf_model {
	struct tlbf_mapper *m;
	struct tlbf_pool *pool;
	struct tlbf_model_ent *ents;
	phys_addr_t *scratch;
	unsigned int nr_ents, cap_ents, nr_owned;
	struct tlbf_model_tbl *tbls;
	unsigned int nr_tbls, cap_tbls;
	const u8 *data;
	size_t len, pos;
	bool exhausted;
	u64 rng;
	unsigned int check_every;
	unsigned long ops, ok, errs[5];
	char why[256];
};

static inline unsigned long tlbf_model_key(unsigned long va, int level)
{
	return (va & TLBF_MODEL_VA_MASK) >> tlbf_level_shift(level + 1);
}

/* Lower bound: first index whose va >= @va. */
static inline unsigned int tlbf_model_lb(const struct tlbf_model *md,
					 unsigned long va)
{
	unsigned int lo = 0, hi = md->nr_ents;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (md->ents[mid].va < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static inline struct tlbf_model_ent *tlbf_model_find(struct tlbf_model *md,
						     unsigned long va)
{
	unsigned int i = tlbf_model_lb(md, va);

	return i < md->nr_ents && md->ents[i].va == va ? &md->ents[i] : NULL;
}

static inline int tlbf_model_find_tbl(const struct tlbf_model *md, int level,
				      unsigned long key)
{
	unsigned int i;

	for (i = 0; i < md->nr_tbls; i++)
		if (md->tbls[i].level == level && md->tbls[i].key == key)
			return i;
	return -1;
}

/* Tables at @level with key in [lo, hi]. */
static inline unsigned long tlbf_model_tbls_in(const struct tlbf_model *md,
					       int level, unsigned long lo,
					       unsigned long hi)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < md->nr_tbls; i++)
		if (md->tbls[i].level == level && md->tbls[i].key >= lo &&
		    md->tbls[i].key <= hi)
			n++;
	return n;
}

static inline bool tlbf_model_tbl_empty(const struct tlbf_model *md,
					int level, unsigned long key)
{
	unsigned int i;

	if (level == 0) {
		unsigned long base = tlbf_va_sign_extend(key << tlbf_level_shift(1));

		i = tlbf_model_lb(md, base);
		return i >= md->nr_ents ||
		       tlbf_model_key(md->ents[i].va, 0) != key;
	}
	for (i = 0; i < md->nr_tbls; i++)
		if (md->tbls[i].level == level - 1 &&
		    md->tbls[i].key >> TLBF_PT_ENTRY_SHIFT == key)
			return false;
	return true;
}

/* An independent formulation of a valid run (128-bit arithmetic). */
static inline bool tlbf_model_run_ok(unsigned long va, unsigned long nr)
{
	unsigned __int128 last;

	if (!nr || (va & (TLBF_PAGE_SIZE - 1)) || !tlbf_va_canonical(va))
		return false;
	last = (unsigned __int128)va +
	       (unsigned __int128)(nr - 1) * TLBF_PAGE_SIZE;
	if (last > (unsigned __int128)ULONG_MAX)
		return false;
	if (!tlbf_va_canonical((unsigned long)last))
		return false;
	return (va >> 63) == ((unsigned long)last >> 63);
}

static inline bool tlbf_model_flags_ok(unsigned long va, u64 flags)
{
	u64 ok = TLBF_PTE_P | TLBF_PTE_RW | TLBF_PTE_US | TLBF_PTE_PWT |
		 TLBF_PTE_PCD | TLBF_PTE_A | TLBF_PTE_D | TLBF_PTE_G |
		 TLBF_PTE_NX;

	if (flags & ~ok)
		return false;
	return !((flags & TLBF_PTE_US) && (va >> 63));
}

static inline unsigned long tlbf_model_last(unsigned long va,
					    unsigned long nr)
{
	return va + (nr - 1) * TLBF_PAGE_SIZE;
}

/* Expected result of map/map_phys(_range); *@need: frames it takes. */
static inline int tlbf_model_map_expect(struct tlbf_model *md,
					unsigned long va, unsigned long nr,
					phys_addr_t pa, bool owned, u64 flags,
					unsigned long free, unsigned long *need)
{
	unsigned long i, last, tables = 0;
	int l;

	*need = 0;
	if (!tlbf_model_run_ok(va, nr) || !tlbf_model_flags_ok(va, flags))
		return -EINVAL;
	if (!owned && ((pa & (TLBF_PAGE_SIZE - 1)) ||
		       (unsigned __int128)pa + (unsigned __int128)(nr - 1) *
		       TLBF_PAGE_SIZE >= TLBF_MODEL_PA_LIMIT))
		return -EINVAL;
	last = tlbf_model_last(va, nr);
	/* any present page? (entries are sorted) */
	i = tlbf_model_lb(md, va);
	if (i < md->nr_ents && md->ents[i].va <= last)
		return -EEXIST;
	for (l = 0; l < TLBF_PT_ROOT_LEVEL; l++) {
		unsigned long lo = tlbf_model_key(va, l);
		unsigned long hi = tlbf_model_key(last, l);

		tables += hi - lo + 1 - tlbf_model_tbls_in(md, l, lo, hi);
	}
	*need = tables + (owned ? nr : 0);
	if (*need > free)
		return -ENOMEM;
	return 0;
}

static inline bool tlbf_model_map_apply(struct tlbf_model *md,
					unsigned long va, unsigned long nr,
					phys_addr_t pa, bool owned, u64 flags)
{
	unsigned long i;
	int l;

	if (md->nr_ents + nr > md->cap_ents)
		return false;
	for (i = 0; i < nr; i++) {
		unsigned long v = va + i * TLBF_PAGE_SIZE;
		unsigned int at = tlbf_model_lb(md, v);
		struct tlbf_model_ent *e;

		memmove(&md->ents[at + 1], &md->ents[at],
			(md->nr_ents - at) * sizeof(*e));
		e = &md->ents[at];
		e->va = v;
		e->pa = owned ? 0 : pa + i * TLBF_PAGE_SIZE;
		e->flags = flags | TLBF_PTE_P;
		e->owned = owned;
		md->nr_ents++;
		md->nr_owned += owned;
		for (l = 0; l < TLBF_PT_ROOT_LEVEL; l++) {
			unsigned long key = tlbf_model_key(v, l);

			if (tlbf_model_find_tbl(md, l, key) >= 0)
				continue;
			if (md->nr_tbls >= md->cap_tbls)
				return false;
			md->tbls[md->nr_tbls].level = l;
			md->tbls[md->nr_tbls].key = key;
			md->nr_tbls++;
		}
	}
	return true;
}

/* Expected result of unmap/unmap_phys(_range) and protect(_range). */
static inline int tlbf_model_present_expect(struct tlbf_model *md,
					    unsigned long va, unsigned long nr,
					    int owned)
{
	unsigned long i;

	if (!tlbf_model_run_ok(va, nr))
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		struct tlbf_model_ent *e = tlbf_model_find(md, va + i * TLBF_PAGE_SIZE);

		if (!e)
			return -ENOENT;
		if (owned >= 0 && e->owned != !!owned)
			return -EINVAL;
	}
	return 0;
}

/* Apply an unmap; returns the number of frames it releases. */
static inline unsigned long tlbf_model_unmap_apply(struct tlbf_model *md,
						   unsigned long va,
						   unsigned long nr,
						   bool parents)
{
	unsigned long i, frames = 0, last = tlbf_model_last(va, nr);
	int l;

	for (i = 0; i < nr; i++) {
		struct tlbf_model_ent *e = tlbf_model_find(md, va + i * TLBF_PAGE_SIZE);
		unsigned int at = e - md->ents;

		frames += e->owned;
		md->nr_owned -= e->owned;
		memmove(e, e + 1, (md->nr_ents - at - 1) * sizeof(*e));
		md->nr_ents--;
	}
	if (!parents)
		return frames;
	for (l = 0; l < TLBF_PT_ROOT_LEVEL; l++) {
		unsigned long key, hi = tlbf_model_key(last, l);

		for (key = tlbf_model_key(va, l); key <= hi; key++) {
			int t = tlbf_model_find_tbl(md, l, key);

			if (t < 0 || !tlbf_model_tbl_empty(md, l, key))
				continue;
			md->tbls[t] = md->tbls[--md->nr_tbls];
			frames++;
		}
	}
	return frames;
}

/* ---- the real tables: hash and structural check ---- */

static inline u64 tlbf_model_hash_table(const tlbf_pte_t *t, int level, u64 h)
{
	unsigned int i;

	h = (h ^ (u64)level) * 0x100000001b3ULL;
	for (i = 0; i < TLBF_PT_ENTRIES; i++) {
		h = (h ^ t[i]) * 0x100000001b3ULL;
		if (level > 0 && tlbf_pte_present(t[i]))
			h = tlbf_model_hash_table(tlbf_pte_next_table(t[i]),
						  level - 1, h);
	}
	return h;
}

/**
 * tlbf_model_hash() - FNV-1a over every reachable table, depth first
 * @m: the mapper
 *
 * Covers every byte of every table reachable from the root (and so the
 * physical addresses of the tables, which the entries hold).
 */
static inline u64 tlbf_model_hash(struct tlbf_mapper *m)
{
	return tlbf_model_hash_table(tlbf_frame_va(tlbf_mapper_root(m)),
				     TLBF_PT_ROOT_LEVEL, 0xcbf29ce484222325ULL);
}

/* Frames a live request carries (its ->next list). */
static inline unsigned long tlbf_model_req_frames(const struct tlbf_flush_req *req)
{
	struct tlbf_frame *f;
	unsigned long n = 0;

	for (f = req->frames; f; f = f->next)
		n++;
	return n;
}

static inline unsigned long tlbf_model_count_tables(const tlbf_pte_t *t,
						    int level)
{
	unsigned long n = 1;
	unsigned int i;

	if (level == 0)
		return 1;
	for (i = 0; i < TLBF_PT_ENTRIES; i++)
		if (tlbf_pte_present(t[i]))
			n += tlbf_model_count_tables(tlbf_pte_next_table(t[i]),
						     level - 1);
	return n;
}

/* Tables reachable from the root, counted by walking them (not the pool). */
static inline unsigned long tlbf_model_walk_tables(struct tlbf_mapper *m)
{
	return tlbf_model_count_tables(tlbf_frame_va(tlbf_mapper_root(m)),
				       TLBF_PT_ROOT_LEVEL);
}

struct tlbf_model_walk {
	unsigned long tables, leaves, owned;
	unsigned int nr_pas;
	int bad;
};

#define tlbf_model_fail(md, fmt, ...)					\
	({ snprintf((md)->why, sizeof((md)->why), fmt, ##__VA_ARGS__);	\
	   -EIO; })

static inline int tlbf_model_walk_table(struct tlbf_model *md,
					const tlbf_pte_t *t, int level,
					unsigned long base,
					struct tlbf_model_walk *w)
{
	unsigned int i;
	int ret;

	for (i = 0; i < TLBF_PT_ENTRIES; i++) {
		tlbf_pte_t e = t[i];
		unsigned long v = tlbf_entry_base(base, level, i);
		struct tlbf_frame *f;

		if (!e)
			continue;
		if (!tlbf_pte_present(e))
			return tlbf_model_fail(md, "non-zero absent entry %#llx at level %d va %#lx",
					       (unsigned long long)e, level, v);
		f = tlbf_pool_frame_of_pa(md->pool, tlbf_pte_pa(e));
		if (level > 0) {
			u64 want = tlbf_va_is_user(v) ? TLBF_PTE_TABLE_USER :
							TLBF_PTE_TABLE_KERNEL;

			if ((e & ~TLBF_PTE_ADDR_MASK) != want)
				return tlbf_model_fail(md, "table entry %#llx at level %d va %#lx: flags",
						       (unsigned long long)e, level, v);
			if (!f || f->state != TLBF_FRAME_TABLE || f->owner != md->m)
				return tlbf_model_fail(md, "table at level %d va %#lx: not a TABLE frame of the mapper",
						       level - 1, v);
			if (tlbf_model_find_tbl(md, level - 1,
						tlbf_model_key(v, level - 1)) < 0)
				return tlbf_model_fail(md, "table at level %d va %#lx not in model",
						       level - 1, v);
			w->tables++;
			ret = tlbf_model_walk_table(md, tlbf_pte_next_table(e),
						    level - 1, v, w);
			if (ret)
				return ret;
		} else {
			struct tlbf_model_ent *me = tlbf_model_find(md, v);
			bool owned = e & TLBF_PTE_OWNED;

			if (!me)
				return tlbf_model_fail(md, "leaf va %#lx not in model", v);
			if (owned != me->owned ||
			    (e & ~(TLBF_PTE_ADDR_MASK | TLBF_PTE_OWNED)) != me->flags ||
			    (me->pa && tlbf_pte_pa(e) != me->pa))
				return tlbf_model_fail(md, "leaf va %#lx = %#llx, model pa %#llx flags %#llx owned %d",
						       v, (unsigned long long)e,
						       (unsigned long long)me->pa,
						       (unsigned long long)me->flags,
						       me->owned);
			if (owned) {
				if (!f || f->state != TLBF_FRAME_DATA || f->owner != md->m)
					return tlbf_model_fail(md, "leaf va %#lx: not a DATA frame of the mapper",
							       v);
				md->scratch[w->nr_pas++] = tlbf_pte_pa(e);
			}
			w->leaves++;
		}
	}
	return 0;
}

static inline int tlbf_model_cmp_pa(const void *a, const void *b)
{
	const phys_addr_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/**
 * tlbf_model_check() - compare the real tables and pool with the model
 * @md: the model
 *
 * Return: 0, or -EIO with @md->why describing the first difference.
 */
static inline int tlbf_model_check(struct tlbf_model *md)
{
	struct tlbf_model_walk w = { 0 };
	unsigned long nt, nd;
	unsigned int i;
	int ret;

	ret = tlbf_model_walk_table(md, tlbf_frame_va(tlbf_mapper_root(md->m)),
				    TLBF_PT_ROOT_LEVEL, 0, &w);
	if (ret)
		return ret;
	if (w.leaves != md->nr_ents || w.tables != md->nr_tbls)
		return tlbf_model_fail(md, "walk: %lu leaves %lu tables, model %u %u",
				       w.leaves, w.tables, md->nr_ents,
				       md->nr_tbls);
	sort(md->scratch, w.nr_pas, sizeof(*md->scratch), tlbf_model_cmp_pa,
	     NULL);
	for (i = 1; i < w.nr_pas; i++)
		if (md->scratch[i] == md->scratch[i - 1])
			return tlbf_model_fail(md, "data frame %#llx mapped twice",
					       (unsigned long long)md->scratch[i]);
	nt = tlbf_pool_frames_in_state(md->pool, TLBF_FRAME_TABLE);
	nd = tlbf_pool_frames_in_state(md->pool, TLBF_FRAME_DATA);
	if (nt != md->nr_tbls + 1 || nd != md->nr_owned)
		return tlbf_model_fail(md, "pool: %lu TABLE %lu DATA frames, model %u %u",
				       nt, nd, md->nr_tbls + 1, md->nr_owned);
	return 0;
}

/* ---- random steps ---- */

static inline u8 tlbf_model_byte(struct tlbf_model *md)
{
	if (md->data) {
		if (md->pos < md->len)
			return md->data[md->pos++];
		md->exhausted = true;
		return 0;
	}
	/* xorshift64* */
	md->rng ^= md->rng >> 12;
	md->rng ^= md->rng << 25;
	md->rng ^= md->rng >> 27;
	return (u8)((md->rng * 0x2545f4914f6cdd1dULL) >> 56);
}

static inline u64 tlbf_model_u64(struct tlbf_model *md)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | tlbf_model_byte(md);
	return v;
}

static const unsigned long tlbf_model_bases[] = {
	0x0UL,
	0x200000UL - 32 * TLBF_PAGE_SIZE,		/* 2 MiB boundary */
	0x40000000UL - 32 * TLBF_PAGE_SIZE,		/* 1 GiB boundary */
	0x8000000000UL - 32 * TLBF_PAGE_SIZE,		/* 512 GiB boundary */
	0x800000000000UL - 64 * TLBF_PAGE_SIZE,		/* top of lower half */
	0xffff800000000000UL,				/* bottom of upper half */
	0xffffffffc0000000UL - 32 * TLBF_PAGE_SIZE,
	0xfffffffffffff000UL - 63 * TLBF_PAGE_SIZE,	/* top of the space */
};

static inline unsigned long tlbf_model_gen_va(struct tlbf_model *md)
{
	u8 b = tlbf_model_byte(md);

	if (b == 0xff)
		return tlbf_model_u64(md);	/* mostly invalid */
	return tlbf_model_bases[b % ARRAY_SIZE(tlbf_model_bases)] +
	       (tlbf_model_byte(md) % 64) * TLBF_PAGE_SIZE;
}

static inline unsigned long tlbf_model_gen_nr(struct tlbf_model *md)
{
	u8 b = tlbf_model_byte(md);

	if (b < 100)
		return 1 + b % 4;
	if (b < 200)
		return 1 + b % 24;
	if (b < 250)
		return 1 + tlbf_model_byte(md) % 96;
	switch (b) {
	case 250:
		return 0;
	case 251:
		return 600;
	case 252:
		return ULONG_MAX;
	case 253:
		return ULONG_MAX / TLBF_PAGE_SIZE + 2;
	default:
		return 1 + tlbf_model_byte(md) % 48;
	}
}

static inline u64 tlbf_model_gen_flags(struct tlbf_model *md,
				       unsigned long va)
{
	static const u64 bad[] = { TLBF_PTE_PS, TLBF_PTE_OWNED, BIT_ULL(12),
				   BIT_ULL(52), TLBF_PTE_P, BIT_ULL(10) };
	u8 b = tlbf_model_byte(md), c = tlbf_model_byte(md);
	u64 f = 0;

	if (b & 1)
		f |= TLBF_PTE_RW;
	if (b & 2)
		f |= TLBF_PTE_US;
	if (b & 4)
		f |= TLBF_PTE_PWT;
	if (b & 8)
		f |= TLBF_PTE_PCD;
	if (b & 16)
		f |= TLBF_PTE_A;
	if (b & 32)
		f |= TLBF_PTE_D;
	if (b & 64)
		f |= TLBF_PTE_G;
	if (b & 128)
		f |= TLBF_PTE_NX;
	if ((va >> 63) && c % 8)
		f &= ~TLBF_PTE_US;
	if (c % 16 == 0)
		f |= bad[(c / 16) % ARRAY_SIZE(bad)];
	return f;
}

static inline phys_addr_t tlbf_model_gen_pa(struct tlbf_model *md)
{
	u8 b = tlbf_model_byte(md);

	if (b == 0xff)
		return TLBF_MODEL_FAKE_PA + 0x123;		/* unaligned */
	if (b == 0xfe)
		return TLBF_MODEL_PA_LIMIT;			/* too high */
	if (b == 0xfd)
		return TLBF_MODEL_PA_LIMIT - 2 * TLBF_PAGE_SIZE;	/* near top */
	return TLBF_MODEL_FAKE_PA + (phys_addr_t)b * 64 * TLBF_PAGE_SIZE;
}

/* Check a live request: kind, range, frames (all PENDING). */
static inline int tlbf_model_check_req(struct tlbf_model *md,
				       struct tlbf_flush_req *req,
				       unsigned long va, unsigned long nr,
				       unsigned long frames)
{
	enum tlbf_req_kind kind = nr == 1 ? TLBF_REQ_PAGE : TLBF_REQ_RANGE;
	struct tlbf_frame *f;
	unsigned long n = 0;

	for (f = req->frames; f; f = f->next) {
		if (f->state != TLBF_FRAME_PENDING ||
		    atomic_read(&f->refcount) != 1)
			return tlbf_model_fail(md, "request frame pfn %#lx state %d ref %d",
					       f->pfn, f->state,
					       atomic_read(&f->refcount));
		if (++n > frames)
			break;
	}
	if (req->kind != kind || req->va != va || req->nr_pages != nr ||
	    n != frames)
		return tlbf_model_fail(md, "request kind %d va %#lx nr %lu frames %lu, want %d %#lx %lu %lu",
				       req->kind, req->va, req->nr_pages, n,
				       kind, va, nr, frames);
	return 0;
}

/* Consume a request one of four ways (as the layers above would). */
static inline void tlbf_model_consume(struct tlbf_model *md,
				      struct tlbf_flush_req *req)
{
	switch (tlbf_model_byte(md) % 4) {
	case 0:
		tlbf_req_flush_local(req);
		break;
	case 1:
		tlbf_req_ignore(req);
		break;
	case 2: {
		TLBF_FLUSH_REQ(all);

		tlbf_req_merge_all(&all, req);
		tlbf_req_flush_local(&all);
		break;
	}
	default: {
		/* like a flusher: take the op and the frames, put later */
		struct tlbf_frame *list = req->frames, *f;

		tlbf_req_consume(req);
		while (list) {
			f = list;
			list = f->next;
			f->next = NULL;
			tlbf_frame_put(f);
		}
		break;
	}
	}
}

static inline void tlbf_model_count(struct tlbf_model *md, int ret)
{
	switch (ret) {
	case 0:
		md->ok++;
		break;
	case -EINVAL:
		md->errs[0]++;
		break;
	case -EEXIST:
		md->errs[1]++;
		break;
	case -ENOENT:
		md->errs[2]++;
		break;
	case -ENOMEM:
		md->errs[3]++;
		break;
	default:
		md->errs[4]++;
	}
}

struct tlbf_model_snap {
	u64 hash;
	unsigned long table, data, free_pending;
};

static inline void tlbf_model_snap(struct tlbf_model *md,
				   struct tlbf_model_snap *s)
{
	s->hash = tlbf_model_hash(md->m);
	s->table = tlbf_pool_frames_in_state(md->pool, TLBF_FRAME_TABLE);
	s->data = tlbf_pool_frames_in_state(md->pool, TLBF_FRAME_DATA);
	s->free_pending = tlbf_pool_nr_frames(md->pool) - s->table - s->data;
}

static inline int tlbf_model_unchanged(struct tlbf_model *md,
				       const struct tlbf_model_snap *before,
				       const char *op, int ret)
{
	struct tlbf_model_snap now;

	tlbf_model_snap(md, &now);
	if (now.hash != before->hash || now.table != before->table ||
	    now.data != before->data)
		return tlbf_model_fail(md, "%s failed with %d but changed the tables (hash %#llx -> %#llx) or pool",
				       op, ret,
				       (unsigned long long)before->hash,
				       (unsigned long long)now.hash);
	return 0;
}

static const char *const tlbf_model_op_names[TLBF_NR_MOPS] = {
	"map", "map_phys", "protect", "unmap", "unmap_phys", "map_range",
	"map_phys_range", "unmap_range", "unmap_phys_range", "protect_range",
	"translate",
};

static inline int tlbf_model_step_map(struct tlbf_model *md, int op,
				      unsigned long va, unsigned long nr,
				      phys_addr_t pa, u64 flags)
{
	bool owned = op == TLBF_MOP_MAP || op == TLBF_MOP_MAP_RANGE;
	struct tlbf_model_snap before;
	unsigned long need, free, pending, i;
	int expect, ret;

	/*
	 * PENDING first: a deferred release may land between the two reads
	 * (PENDING -> FREE in an RCU callback), and read the other way round
	 * "free" would be stale with no PENDING frame left to say so (seen
	 * once in the debug VM: the map succeeded where the model wanted
	 * -ENOMEM). Nothing becomes PENDING meanwhile: this thread is the
	 * only one that puts.
	 */
	pending = tlbf_pool_frames_in_state(md->pool, TLBF_FRAME_PENDING);
	free = tlbf_pool_frames_in_state(md->pool, TLBF_FRAME_FREE);
	expect = tlbf_model_map_expect(md, va, nr, pa, owned, flags, free, &need);
	if (expect == -ENOMEM && pending) {
		/* let the deferred releases land so that "free" is exact */
		tlbf_pool_quiesce();
		free = tlbf_pool_frames_in_state(md->pool, TLBF_FRAME_FREE);
		expect = tlbf_model_map_expect(md, va, nr, pa, owned, flags,
					       free, &need);
	}
	if (!expect && md->nr_ents + nr > md->cap_ents)
		return 0;	/* model full: skip */
	if (expect)
		tlbf_model_snap(md, &before);
	switch (op) {
	case TLBF_MOP_MAP:
		ret = tlbf_mapper_map(md->m, va, flags);
		break;
	case TLBF_MOP_MAP_RANGE:
		ret = tlbf_mapper_map_range(md->m, va, nr, flags);
		break;
	case TLBF_MOP_MAP_PHYS:
		ret = tlbf_mapper_map_phys(md->m, va, pa, flags);
		break;
	default:
		ret = tlbf_mapper_map_phys_range(md->m, va, pa, nr, flags);
		break;
	}
	tlbf_model_count(md, ret);
	if (ret != expect)
		return tlbf_model_fail(md, "%s va %#lx nr %lu pa %#llx flags %#llx: got %d want %d",
				       tlbf_model_op_names[op], va, nr,
				       (unsigned long long)pa,
				       (unsigned long long)flags, ret, expect);
	if (ret)
		return tlbf_model_unchanged(md, &before, tlbf_model_op_names[op],
					    ret);
	if (!tlbf_model_map_apply(md, va, nr, pa, owned, flags))
		return tlbf_model_fail(md, "model capacity");
	if (!owned)
		return 0;
	for (i = 0; i < nr; i++) {
		struct tlbf_model_ent *e = tlbf_model_find(md, va + i * TLBF_PAGE_SIZE);
		struct tlbf_frame *f;
		u64 fl;

		if (tlbf_mapper_translate(md->m, e->va, &e->pa, &fl))
			return tlbf_model_fail(md, "translate after map va %#lx",
					       e->va);
		f = tlbf_pool_frame_of_pa(md->pool, e->pa);
		if (!f || f->state != TLBF_FRAME_DATA || fl != e->flags)
			return tlbf_model_fail(md, "map va %#lx: pa %#llx is no DATA frame or flags %#llx",
					       e->va, (unsigned long long)e->pa,
					       (unsigned long long)fl);
	}
	return 0;
}

static inline int tlbf_model_step_change(struct tlbf_model *md, int op,
					 unsigned long va, unsigned long nr,
					 u64 flags, bool parents)
{
	bool protect = op == TLBF_MOP_PROTECT || op == TLBF_MOP_PROTECT_RANGE;
	bool owned = op == TLBF_MOP_UNMAP || op == TLBF_MOP_UNMAP_RANGE;
	struct tlbf_model_ent *e1 = NULL;
	struct tlbf_model_snap before;
	unsigned long frames = 0, i;
	phys_addr_t pa = 0;
	u64 fl = 0;
	int expect, ret;
	TLBF_FLUSH_REQ(req);

	if (protect) {
		expect = tlbf_model_flags_ok(va, flags) ?
			 tlbf_model_present_expect(md, va, nr, -1) : -EINVAL;
		if (!tlbf_model_run_ok(va, nr))
			expect = -EINVAL;
	} else {
		expect = tlbf_model_present_expect(md, va, nr, owned);
	}
	if (expect)
		tlbf_model_snap(md, &before);
	switch (op) {
	case TLBF_MOP_PROTECT:
		ret = tlbf_mapper_protect(md->m, va, flags, &req);
		break;
	case TLBF_MOP_PROTECT_RANGE:
		ret = tlbf_mapper_protect_range(md->m, va, nr, flags, &req);
		break;
	case TLBF_MOP_UNMAP:
		ret = tlbf_mapper_unmap(md->m, va, parents, &req);
		break;
	case TLBF_MOP_UNMAP_RANGE:
		ret = tlbf_mapper_unmap_range(md->m, va, nr, parents, &req);
		break;
	case TLBF_MOP_UNMAP_PHYS:
		ret = tlbf_mapper_unmap_phys(md->m, va, parents, &pa, &fl, &req);
		break;
	default:
		ret = tlbf_mapper_unmap_phys_range(md->m, va, nr, parents, &req);
		break;
	}
	tlbf_model_count(md, ret);
	if (ret != expect)
		return tlbf_model_fail(md, "%s va %#lx nr %lu flags %#llx parents %d: got %d want %d",
				       tlbf_model_op_names[op], va, nr,
				       (unsigned long long)flags, parents, ret,
				       expect);
	if (ret) {
		if (tlbf_req_live(&req))
			return tlbf_model_fail(md, "%s failed but left a live request",
					       tlbf_model_op_names[op]);
		return tlbf_model_unchanged(md, &before, tlbf_model_op_names[op],
					    ret);
	}
	if (protect) {
		for (i = 0; i < nr; i++)
			tlbf_model_find(md, va + i * TLBF_PAGE_SIZE)->flags =
				flags | TLBF_PTE_P;
	} else {
		e1 = tlbf_model_find(md, va);
		if (op == TLBF_MOP_UNMAP_PHYS &&
		    (pa != e1->pa || fl != e1->flags))
			return tlbf_model_fail(md, "unmap_phys va %#lx returned %#llx %#llx, want %#llx %#llx",
					       va, (unsigned long long)pa,
					       (unsigned long long)fl,
					       (unsigned long long)e1->pa,
					       (unsigned long long)e1->flags);
		frames = tlbf_model_unmap_apply(md, va, nr, parents);
	}
	ret = tlbf_model_check_req(md, &req, va, nr, frames);
	if (ret)
		return ret;
	tlbf_model_consume(md, &req);
	if (tlbf_req_live(&req))
		return tlbf_model_fail(md, "request still live after consume");
	return 0;
}

static inline int tlbf_model_step_translate(struct tlbf_model *md,
					    unsigned long va)
{
	struct tlbf_model_ent *e = NULL;
	int expect, ret;
	phys_addr_t pa;
	u64 fl;

	if (!tlbf_va_canonical(va))
		expect = -EINVAL;
	else
		e = tlbf_model_find(md, va & ~(TLBF_PAGE_SIZE - 1));
	if (tlbf_va_canonical(va))
		expect = e ? 0 : -ENOENT;
	ret = tlbf_mapper_translate(md->m, va, &pa, &fl);
	tlbf_model_count(md, ret);
	if (ret != expect || (e && (pa != e->pa || fl != e->flags)))
		return tlbf_model_fail(md, "translate %#lx: got %d %#llx %#llx want %d",
				       va, ret, (unsigned long long)pa,
				       (unsigned long long)fl, expect);
	return 0;
}

/**
 * tlbf_model_step() - one random operation on the mapper and the model
 * @md: the model (with @md->m, @md->pool set)
 *
 * Return: 0, or -EIO with @md->why set on the first difference.
 */
static inline int tlbf_model_step(struct tlbf_model *md)
{
	int op = tlbf_model_byte(md) % TLBF_NR_MOPS;
	unsigned long va = tlbf_model_gen_va(md);
	unsigned long nr = tlbf_model_gen_nr(md);
	u64 flags = tlbf_model_gen_flags(md, va);
	phys_addr_t pa = tlbf_model_gen_pa(md);
	bool parents = tlbf_model_byte(md) & 1;
	int ret;

	switch (op) {
	case TLBF_MOP_MAP:
	case TLBF_MOP_MAP_PHYS:
	case TLBF_MOP_PROTECT:
	case TLBF_MOP_UNMAP:
	case TLBF_MOP_UNMAP_PHYS:
		nr = 1;
		break;
	default:
		break;
	}
	switch (op) {
	case TLBF_MOP_MAP:
	case TLBF_MOP_MAP_PHYS:
	case TLBF_MOP_MAP_RANGE:
	case TLBF_MOP_MAP_PHYS_RANGE:
		ret = tlbf_model_step_map(md, op, va, nr, pa, flags);
		break;
	case TLBF_MOP_TRANSLATE:
		ret = tlbf_model_step_translate(md, va | (pa & 0xfff));
		break;
	default:
		ret = tlbf_model_step_change(md, op, va, nr, flags, parents);
		break;
	}
	md->ops++;
	if (!ret && md->check_every && md->ops % md->check_every == 0)
		ret = tlbf_model_check(md);
	return ret;
}

#endif /* _TLBF_MAPPER_MODEL_H */
