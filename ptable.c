// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: frame pool and private 4-level page tables (see
 * include/tlbflush/ptable.h, ARCHITECTURE.md F1, F2, P1, P2).
 *
 * A pool is one vmalloc'd region cut into 4 KiB frames. The metadata array
 * is indexed like the region; a second array sorted by PFN finds the frame
 * of a physical address (entries hold PAs, the pages of a vmalloc region are
 * not physically contiguous). Free frames form a LIFO list under a raw
 * spinlock, so alloc and free are O(1) and usable in IRQ context.
 */
#define pr_fmt(fmt) "tlbflush: " fmt

#include <kunit/visibility.h>
#include <linux/atomic.h>
#include <linux/bsearch.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <trace/events/tlbflush.h>

#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"

struct tlbf_pfn_slot {
	unsigned long pfn;
	unsigned long idx;
};

/**
 * struct tlbf_pool - a bounded pool of frames
 * @lock: protects @free_list, @nr_state and every frame's state
 * @free_list: FREE frames, linked by ->next
 * @nr_frames: size of the pool (fixed)
 * @nr_state: frames per &enum tlbf_frame_state
 * @region: the vmalloc'd frames
 * @frames: metadata, @frames[i] describes page i of @region
 * @by_pfn: (pfn, index) sorted by pfn, for tlbf_pool_frame_of_pa()
 * @obs: observer of releases (the oracle), NULL if none
 * @obs_ctx: passed to @obs
 */
struct tlbf_pool {
	raw_spinlock_t lock;
	struct tlbf_frame *free_list;
	unsigned long nr_frames;
	unsigned long nr_state[TLBF_NR_FRAME_STATES];
	void *region;
	struct tlbf_frame *frames;
	struct tlbf_pfn_slot *by_pfn;
	const struct tlbf_pool_observer *obs;
	void *obs_ctx;
};

/* Module-wide gauges, summed over all pools. */
static atomic_long_t tlbf_total_in_use = ATOMIC_LONG_INIT(0);
static atomic_long_t tlbf_total_pending = ATOMIC_LONG_INIT(0);

static struct tlbf_pool *tlbf_default;

static int tlbf_pfn_cmp(const void *a, const void *b)
{
	const struct tlbf_pfn_slot *x = a, *y = b;

	if (x->pfn < y->pfn)
		return -1;
	return x->pfn > y->pfn;
}

/* Change a frame's state and every counter that depends on it. */
static void tlbf_set_state_locked(struct tlbf_pool *pool,
				  struct tlbf_frame *f,
				  enum tlbf_frame_state new)
{
	enum tlbf_frame_state old = f->state;

	lockdep_assert_held(&pool->lock);
	pool->nr_state[old]--;
	pool->nr_state[new]++;
	if (old == TLBF_FRAME_FREE)
		atomic_long_inc(&tlbf_total_in_use);
	if (new == TLBF_FRAME_FREE)
		atomic_long_dec(&tlbf_total_in_use);
	if (old == TLBF_FRAME_PENDING)
		atomic_long_dec(&tlbf_total_pending);
	if (new == TLBF_FRAME_PENDING)
		atomic_long_inc(&tlbf_total_pending);
	WRITE_ONCE(f->state, new);
}

/**
 * tlbf_pool_create() - make a bounded pool of frames
 * @nr_frames: number of 4 KiB frames, 1..TLBF_POOL_MAX_FRAMES
 *
 * The pool never grows. Process context (allocates with GFP_KERNEL).
 *
 * Return: the pool, ERR_PTR(-EINVAL) for a bad size, ERR_PTR(-ENOMEM).
 */
struct tlbf_pool *tlbf_pool_create(unsigned long nr_frames)
{
	struct tlbf_pool *pool;
	unsigned long i;

	if (!nr_frames || nr_frames > TLBF_POOL_MAX_FRAMES)
		return ERR_PTR(-EINVAL);

	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return ERR_PTR(-ENOMEM);
	raw_spin_lock_init(&pool->lock);
	pool->nr_frames = nr_frames;
	pool->region = vmalloc(nr_frames << PAGE_SHIFT);
	pool->frames = kvcalloc(nr_frames, sizeof(*pool->frames), GFP_KERNEL);
	pool->by_pfn = kvcalloc(nr_frames, sizeof(*pool->by_pfn), GFP_KERNEL);
	if (!pool->region || !pool->frames || !pool->by_pfn) {
		kvfree(pool->by_pfn);
		kvfree(pool->frames);
		vfree(pool->region);
		kfree(pool);
		return ERR_PTR(-ENOMEM);
	}

	for (i = 0; i < nr_frames; i++) {
		struct tlbf_frame *f = &pool->frames[i];

		f->pool = pool;
		f->pfn = vmalloc_to_pfn(pool->region + (i << PAGE_SHIFT));
		f->state = TLBF_FRAME_FREE;
		atomic_set(&f->refcount, 0);
		pool->by_pfn[i].pfn = f->pfn;
		pool->by_pfn[i].idx = i;
	}
	sort(pool->by_pfn, nr_frames, sizeof(*pool->by_pfn), tlbf_pfn_cmp,
	     NULL);
	/* Push in reverse so that the first allocations get low indexes. */
	for (i = nr_frames; i-- > 0;) {
		pool->frames[i].next = pool->free_list;
		pool->free_list = &pool->frames[i];
	}
	pool->nr_state[TLBF_FRAME_FREE] = nr_frames;
	return pool;
}
EXPORT_SYMBOL_GPL(tlbf_pool_create);

/**
 * tlbf_pool_set_observer() - watch the releases of a pool's frames
 * @pool: the pool
 * @obs: callbacks (NULL: none); see &struct tlbf_pool_observer
 * @ctx: passed to them
 *
 * Set it while no frame of @pool is being released; after clearing it,
 * tlbf_pool_quiesce() waits for callbacks in flight.
 */
void tlbf_pool_set_observer(struct tlbf_pool *pool,
			    const struct tlbf_pool_observer *obs, void *ctx)
{
	WRITE_ONCE(pool->obs_ctx, ctx);
	WRITE_ONCE(pool->obs, obs);
}
EXPORT_SYMBOL_GPL(tlbf_pool_set_observer);

/**
 * tlbf_pool_quiesce() - wait for deferred releases in flight
 *
 * Waits (rcu_barrier()) until every frame whose last reference was put is
 * back on its pool's free list. Process context.
 */
void tlbf_pool_quiesce(void)
{
	rcu_barrier();
}
EXPORT_SYMBOL_GPL(tlbf_pool_quiesce);

/**
 * tlbf_pool_destroy() - free a pool
 * @pool: the pool (NULL or an ERR_PTR is ignored)
 *
 * Waits for deferred releases in flight first. Frames still in use (any
 * state but FREE, including PENDING frames whose holders never put them)
 * are reported as a leak with pr_err; their memory is freed anyway.
 * Process context.
 */
void tlbf_pool_destroy(struct tlbf_pool *pool)
{
	unsigned long in_use, pending;

	if (IS_ERR_OR_NULL(pool))
		return;
	tlbf_pool_quiesce();

	raw_spin_lock_irq(&pool->lock);
	in_use = pool->nr_frames - pool->nr_state[TLBF_FRAME_FREE];
	pending = pool->nr_state[TLBF_FRAME_PENDING];
	raw_spin_unlock_irq(&pool->lock);

	if (in_use) {
		pr_err("pool destroyed with %lu frames in use (leak): table %lu data %lu pending %lu\n",
		       in_use, pool->nr_state[TLBF_FRAME_TABLE],
		       pool->nr_state[TLBF_FRAME_DATA], pending);
		atomic_long_sub(in_use, &tlbf_total_in_use);
		atomic_long_sub(pending, &tlbf_total_pending);
	}
	kvfree(pool->by_pfn);
	kvfree(pool->frames);
	vfree(pool->region);
	kfree(pool);
}
EXPORT_SYMBOL_GPL(tlbf_pool_destroy);

/**
 * tlbf_pool_nr_frames() - size of a pool
 * @pool: the pool
 *
 * Return: the number of frames @pool was created with.
 */
unsigned long tlbf_pool_nr_frames(struct tlbf_pool *pool)
{
	return pool->nr_frames;
}
EXPORT_SYMBOL_GPL(tlbf_pool_nr_frames);

/**
 * tlbf_pool_frames_in_state() - frames of a pool in one state
 * @pool: the pool
 * @state: the state
 *
 * Return: the count (0 for an invalid @state).
 */
unsigned long tlbf_pool_frames_in_state(struct tlbf_pool *pool,
					enum tlbf_frame_state state)
{
	unsigned long flags, n;

	if ((unsigned int)state >= TLBF_NR_FRAME_STATES)
		return 0;
	raw_spin_lock_irqsave(&pool->lock, flags);
	n = pool->nr_state[state];
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	return n;
}
EXPORT_SYMBOL_GPL(tlbf_pool_frames_in_state);

/**
 * tlbf_pool_frames_in_use() - frames of a pool not on its free list
 * @pool: the pool
 *
 * Return: TABLE + DATA + PENDING frames.
 */
unsigned long tlbf_pool_frames_in_use(struct tlbf_pool *pool)
{
	return pool->nr_frames -
	       tlbf_pool_frames_in_state(pool, TLBF_FRAME_FREE);
}
EXPORT_SYMBOL_GPL(tlbf_pool_frames_in_use);

/**
 * tlbf_pool_frame_of_pa() - the frame holding a physical address
 * @pool: the pool
 * @pa: any physical address inside the frame
 *
 * O(log nr_frames), lock-free (the PFN index never changes).
 *
 * Return: the frame, or NULL if @pa is not in @pool.
 */
struct tlbf_frame *tlbf_pool_frame_of_pa(struct tlbf_pool *pool,
					 phys_addr_t pa)
{
	struct tlbf_pfn_slot key = { .pfn = (unsigned long)(pa >> PAGE_SHIFT) };
	struct tlbf_pfn_slot *slot;

	slot = bsearch(&key, pool->by_pfn, pool->nr_frames,
		       sizeof(*pool->by_pfn), tlbf_pfn_cmp);
	return slot ? &pool->frames[slot->idx] : NULL;
}
EXPORT_SYMBOL_GPL(tlbf_pool_frame_of_pa);

/**
 * tlbf_frame_alloc() - take a zeroed frame from a pool
 * @pool: the pool
 * @state: TLBF_FRAME_TABLE or TLBF_FRAME_DATA
 * @owner: opaque owner recorded in the frame
 *
 * O(1), safe in any context (raw spinlock, IRQs saved). The frame is zeroed
 * (P1: new tables are zeroed) and has refcount 1.
 *
 * Return: the frame, or NULL if the pool is exhausted or @state is not a
 * state a frame can be allocated in; nothing is changed then.
 */
struct tlbf_frame *tlbf_frame_alloc(struct tlbf_pool *pool,
				    enum tlbf_frame_state state, void *owner)
{
	struct tlbf_frame *f;
	unsigned long flags;

	if (state != TLBF_FRAME_TABLE && state != TLBF_FRAME_DATA)
		return NULL;

	raw_spin_lock_irqsave(&pool->lock, flags);
	f = pool->free_list;
	if (f) {
		pool->free_list = f->next;
		f->next = NULL;
		f->owner = owner;
		atomic_set(&f->refcount, 1);
		tlbf_set_state_locked(pool, f, state);
	}
	raw_spin_unlock_irqrestore(&pool->lock, flags);

	if (f)
		memset(tlbf_frame_va(f), 0, PAGE_SIZE);
	return f;
}
EXPORT_SYMBOL_GPL(tlbf_frame_alloc);

static bool tlbf_frame_allocated(enum tlbf_frame_state s)
{
	return s == TLBF_FRAME_TABLE || s == TLBF_FRAME_DATA;
}

/**
 * tlbf_frame_free() - return a never-mapped frame to its pool at once
 * @frame: a TABLE or DATA frame that no TLB can have seen
 *
 * O(1), any context. Freeing a frame that is FREE or PENDING is a caller
 * bug: counted in frames_double_released, reported, and nothing changes.
 */
void tlbf_frame_free(struct tlbf_frame *frame)
{
	struct tlbf_pool *pool = frame->pool;
	enum tlbf_frame_state old;
	unsigned long flags;

	raw_spin_lock_irqsave(&pool->lock, flags);
	old = frame->state;
	if (tlbf_frame_allocated(old)) {
		tlbf_set_state_locked(pool, frame, TLBF_FRAME_FREE);
		atomic_set(&frame->refcount, 0);
		frame->owner = NULL;
		frame->next = pool->free_list;
		pool->free_list = frame;
	}
	raw_spin_unlock_irqrestore(&pool->lock, flags);

	if (!tlbf_frame_allocated(old))
		tlbf_report_misuse(TLBF_STAT_FRAMES_DOUBLE_RELEASED,
				   "frame pfn %#lx freed in state %d",
				   frame->pfn, old);
}
EXPORT_SYMBOL_GPL(tlbf_frame_free);

/**
 * tlbf_frame_set_pending() - start the deferred release of a frame (FL4)
 * @frame: a TABLE or DATA frame that was reachable through a page table
 *
 * The frame becomes PENDING with refcount 1 (the caller's reference) and is
 * counted in frames_deferred. It returns to the pool only after the last
 * tlbf_frame_put() and an RCU grace period. Releasing a frame that is
 * already FREE or PENDING is counted in frames_double_released, reported,
 * and changes nothing.
 */
void tlbf_frame_set_pending(struct tlbf_frame *frame)
{
	struct tlbf_pool *pool = frame->pool;
	enum tlbf_frame_state old;
	unsigned long flags;

	raw_spin_lock_irqsave(&pool->lock, flags);
	old = frame->state;
	if (tlbf_frame_allocated(old)) {
		tlbf_set_state_locked(pool, frame, TLBF_FRAME_PENDING);
		atomic_set(&frame->refcount, 1);
		frame->next = NULL;
	}
	raw_spin_unlock_irqrestore(&pool->lock, flags);

	if (tlbf_frame_allocated(old)) {
		tlbf_stat_inc(TLBF_STAT_FRAMES_DEFERRED);
		trace_tlbflush_frame_deferred(frame->pfn);
	} else {
		tlbf_report_misuse(TLBF_STAT_FRAMES_DOUBLE_RELEASED,
				   "frame pfn %#lx released in state %d",
				   frame->pfn, old);
	}
}
EXPORT_SYMBOL_GPL(tlbf_frame_set_pending);

/**
 * tlbf_frame_get() - one more holder of a PENDING frame
 * @frame: a PENDING frame the caller holds a reference on
 *
 * Any context. Getting a frame nobody holds is reported as misuse.
 */
void tlbf_frame_get(struct tlbf_frame *frame)
{
	if (READ_ONCE(frame->state) != TLBF_FRAME_PENDING ||
	    !atomic_inc_not_zero(&frame->refcount))
		tlbf_report_misuse(TLBF_STAT_FRAMES_DOUBLE_RELEASED,
				   "get of frame pfn %#lx in state %d, refcount %d",
				   frame->pfn, READ_ONCE(frame->state),
				   atomic_read(&frame->refcount));
}
EXPORT_SYMBOL_GPL(tlbf_frame_get);

static void tlbf_frame_rcu_free(struct rcu_head *head)
{
	struct tlbf_frame *f = container_of(head, struct tlbf_frame, rcu);
	struct tlbf_pool *pool = f->pool;
	unsigned long flags;

	const struct tlbf_pool_observer *obs = READ_ONCE(pool->obs);

	if (obs && obs->freed)
		obs->freed(pool->obs_ctx, f);
	raw_spin_lock_irqsave(&pool->lock, flags);
	tlbf_set_state_locked(pool, f, TLBF_FRAME_FREE);
	f->owner = NULL;
	f->next = pool->free_list;
	pool->free_list = f;
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	tlbf_stat_inc(TLBF_STAT_FRAMES_RELEASED);
	trace_tlbflush_frame_released(f->pfn);
}

/**
 * tlbf_frame_put() - drop one reference on a PENDING frame
 * @frame: the frame
 *
 * Any context, including IPI handlers. The last put hands the frame to
 * call_rcu(); after a grace period it is FREE again and counted in
 * frames_released. Putting a frame with no holder is reported as misuse
 * and changes nothing.
 */
void tlbf_frame_put(struct tlbf_frame *frame)
{
	int left = -1;

	if (READ_ONCE(frame->state) == TLBF_FRAME_PENDING)
		left = atomic_dec_if_positive(&frame->refcount);
	if (left < 0) {
		tlbf_report_misuse(TLBF_STAT_FRAMES_DOUBLE_RELEASED,
				   "put of frame pfn %#lx in state %d",
				   frame->pfn, READ_ONCE(frame->state));
		return;
	}
	if (!left) {
		const struct tlbf_pool_observer *obs =
			READ_ONCE(frame->pool->obs);

		if (obs && obs->last_put)
			obs->last_put(frame->pool->obs_ctx, frame);
		call_rcu(&frame->rcu, tlbf_frame_rcu_free);
	}
}
EXPORT_SYMBOL_GPL(tlbf_frame_put);

/**
 * tlbf_default_pool_init() - create the module's default pool
 * @nr_frames: its size (module parameter pool_frames)
 *
 * Return: 0 or the error of tlbf_pool_create().
 */
int tlbf_default_pool_init(unsigned long nr_frames)
{
	struct tlbf_pool *pool = tlbf_pool_create(nr_frames);

	if (IS_ERR(pool))
		return PTR_ERR(pool);
	tlbf_default = pool;
	return 0;
}

/**
 * tlbf_default_pool_exit() - destroy the default pool (reports leaks)
 */
void tlbf_default_pool_exit(void)
{
	tlbf_pool_destroy(tlbf_default);
	tlbf_default = NULL;
}

/**
 * tlbf_default_pool() - the module-wide pool
 *
 * Return: the pool made at module load, valid while the module is loaded.
 */
struct tlbf_pool *tlbf_default_pool(void)
{
	return tlbf_default;
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_default_pool);

/**
 * tlbf_frames_in_use_total() - frames in use over all pools (gauge)
 *
 * Return: frames allocated and not yet freed, summed over pools.
 */
unsigned long tlbf_frames_in_use_total(void)
{
	return atomic_long_read(&tlbf_total_in_use);
}
EXPORT_SYMBOL_GPL(tlbf_frames_in_use_total);

/**
 * tlbf_frames_pending_total() - PENDING frames over all pools (gauge)
 *
 * Return: frames waiting for a flush (FL4), summed over pools.
 */
unsigned long tlbf_frames_pending_total(void)
{
	return atomic_long_read(&tlbf_total_pending);
}
EXPORT_SYMBOL_GPL(tlbf_frames_pending_total);

/**
 * tlbf_pt_walk() - follow @va down from the root as far as tables exist
 * @root: the root table (level 3)
 * @va: virtual address
 * @tables: out: tables[l] is the table at level l on @va's path, NULL
 *	below the lowest existing one
 *
 * Next-level tables are reached through the direct map of the PA in the
 * entry (tlbf_pte_next_table()).
 *
 * Return: the lowest level whose table exists (0: the leaf table exists).
 */
int tlbf_pt_walk(tlbf_pte_t *root, unsigned long va,
		 tlbf_pte_t *tables[TLBF_PT_LEVELS])
{
	tlbf_pte_t *t = root;
	int level;

	for (level = 0; level < TLBF_PT_ROOT_LEVEL; level++)
		tables[level] = NULL;
	tables[TLBF_PT_ROOT_LEVEL] = root;
	for (level = TLBF_PT_ROOT_LEVEL; level > 0; level--) {
		t = tlbf_pte_next_table(READ_ONCE(t[tlbf_va_index(va, level)]));
		if (!t)
			return level;
		tables[level - 1] = t;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(tlbf_pt_walk);

/**
 * tlbf_pt_table_empty() - does a table have no non-zero entry?
 * @table: a table (512 entries)
 *
 * Return: true when all 512 entries of @table are zero.
 */
bool tlbf_pt_table_empty(const tlbf_pte_t *table)
{
	unsigned int i;

	for (i = 0; i < TLBF_PT_ENTRIES; i++)
		if (READ_ONCE(table[i]))
			return false;
	return true;
}
EXPORT_SYMBOL_GPL(tlbf_pt_table_empty);
