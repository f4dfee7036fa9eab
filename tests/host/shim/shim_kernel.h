/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for the kernel API used by ptable.c, pgmapper.c and
 * stats.c, so that tests/host compiles those files unchanged. Every
 * linux/<x>.h in this directory just includes this file.
 *
 * Mapping of kernel concepts:
 *  - vmalloc: page-aligned heap memory; vmalloc_to_pfn(a) = a >> 12 and
 *    phys_to_virt(pa) = pa ("identity direct map"), so entries hold the
 *    user-space address of the frame and walks dereference it;
 *  - raw spinlocks: a flag that asserts against recursion (single thread);
 *  - per-CPU variables: plain globals, one CPU;
 *  - call_rcu: queued; shim_rcu_barrier() (and rcu_barrier()) runs the
 *    queued callbacks, so tests can observe the grace period;
 *  - WARN*: counted in shim_warn_count and printed.
 */
#ifndef _SHIM_KERNEL_H
#define _SHIM_KERNEL_H

#include <assert.h>
#include <stdarg.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef u64 phys_addr_t;
typedef unsigned int gfp_t;

#define GFP_KERNEL	0u
#define GFP_ATOMIC	1u

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)

#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))

#define __must_check	__attribute__((__warn_unused_result__))
#define fallthrough	__attribute__((__fallthrough__))
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
#define __section(s)	__attribute__((__section__(s)))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define __stringify_1(x...)	#x
#define __stringify(x...)	__stringify_1(x)

#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define EXPORT_SYMBOL_GPL(sym)		extern int shim_export_##sym
#define EXPORT_SYMBOL(sym)		extern int shim_export_##sym
#define EXPORT_PER_CPU_SYMBOL_GPL(sym)	extern int shim_export_pcpu_##sym
#define EXPORT_SYMBOL_IF_KUNIT(sym)	extern int shim_export_##sym

/* ---- errors ---- */
#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE(ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR_VALUE(ptr);
}

/* ---- printk / WARN ---- */
extern unsigned long shim_warn_count;
extern unsigned long shim_pr_err_count;
extern bool shim_quiet;

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define shim_printk(lvl, fmt, ...)					\
	do {								\
		if (!shim_quiet)					\
			fprintf(stderr, "[%s] " fmt, lvl, ##__VA_ARGS__); \
	} while (0)
#define pr_info(fmt, ...)  shim_printk("info", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)  shim_printk("warn", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)						\
	do {								\
		shim_pr_err_count++;					\
		shim_printk("err", pr_fmt(fmt), ##__VA_ARGS__);		\
	} while (0)

#define WARN(cond, fmt, ...) ({						\
	int __c = !!(cond);						\
	if (__c) {							\
		shim_warn_count++;					\
		shim_printk("WARNING", "%s:%d: " fmt, __FILE__, __LINE__, \
			    ##__VA_ARGS__);				\
	}								\
	__c;								\
})
#define WARN_ONCE(cond, fmt, ...)	WARN(cond, fmt, ##__VA_ARGS__)
#define WARN_ON(cond)			WARN(cond, "%s\n", #cond)
#define WARN_ON_ONCE(cond)		WARN(cond, "%s\n", #cond)
#define BUG_ON(cond)			assert(!(cond))

/* ---- atomics (single-threaded tests, but keep the semantics) ---- */
typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC_LONG_INIT(i)	{ (i) }

static inline int atomic_read(const atomic_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline void atomic_set(atomic_t *v, int i)
{
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

static inline bool atomic_inc_not_zero(atomic_t *v)
{
	int c = atomic_read(v);

	do {
		if (!c)
			return false;
	} while (!__atomic_compare_exchange_n(&v->counter, &c, c + 1, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return true;
}

static inline int atomic_dec_if_positive(atomic_t *v)
{
	int c = atomic_read(v);

	do {
		if (c - 1 < 0)
			return c - 1;
	} while (!__atomic_compare_exchange_n(&v->counter, &c, c - 1, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return c - 1;
}

static inline long atomic_long_read(const atomic_long_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline void atomic_long_add(long i, atomic_long_t *v)
{
	__atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

#define atomic_long_sub(i, v)	atomic_long_add(-(long)(i), v)
#define atomic_long_inc(v)	atomic_long_add(1, v)
#define atomic_long_dec(v)	atomic_long_add(-1, v)

/* ---- raw spinlocks: assert no recursion, no unlock of a free lock ---- */
typedef struct { int locked; } raw_spinlock_t;
#define raw_spin_lock_init(l)	((l)->locked = 0)
#define raw_spin_lock(l)	do { assert(!(l)->locked); (l)->locked = 1; } while (0)
#define raw_spin_unlock(l)	do { assert((l)->locked); (l)->locked = 0; } while (0)
#define raw_spin_lock_irq(l)	raw_spin_lock(l)
#define raw_spin_unlock_irq(l)	raw_spin_unlock(l)
#define raw_spin_lock_irqsave(l, f)	do { (f) = 0; raw_spin_lock(l); } while (0)
#define raw_spin_unlock_irqrestore(l, f) do { (void)(f); raw_spin_unlock(l); } while (0)
#define lockdep_assert_held(l)	assert((l)->locked)

/* ---- per-CPU: one CPU, plain globals ---- */
#define NR_CPUS 1
/* The "CPU" a host thread plays (tests with one thread per CPU set it). */
extern __thread unsigned int shim_cpu;
#define raw_smp_processor_id()		(shim_cpu)
#define smp_processor_id()		(shim_cpu)
#define DEFINE_PER_CPU(type, name)	__typeof__(type) name
#define DECLARE_PER_CPU(type, name)	extern __typeof__(type) name
#define this_cpu_add(var, n)		((var) += (n))
#define this_cpu_inc(var)		((var) += 1)
#define per_cpu(var, cpu)		(*((void)(cpu), &(var)))
#define per_cpu_ptr(ptr, cpu)		((void)(cpu), (ptr))
#define for_each_possible_cpu(cpu)	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++)
#define for_each_online_cpu(cpu)	for_each_possible_cpu(cpu)

/* ---- static keys (a plain flag) and the clock (never read: keys off) ---- */
struct static_key_false {
	int enabled;
};

#define DEFINE_STATIC_KEY_FALSE(name)	struct static_key_false name
#define DECLARE_STATIC_KEY_FALSE(name)	extern struct static_key_false name
#define static_branch_unlikely(key)	(!!(key)->enabled)
#define static_branch_enable(key)	((key)->enabled = 1)
#define static_branch_disable(key)	((key)->enabled = 0)
static inline u64 local_clock(void)
{
	return 0;
}

/* ---- RCU: callbacks queued until shim_rcu_barrier() ---- */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};
typedef void (*rcu_callback_t)(struct rcu_head *head);
void call_rcu(struct rcu_head *head, rcu_callback_t func);
void rcu_barrier(void);
unsigned long shim_rcu_queued(void);

/* ---- allocation ---- */
static inline void *kzalloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return calloc(1, size);
}

static inline void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	(void)gfp;
	return calloc(n, size);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

static inline void kvfree(const void *p)
{
	free((void *)p);
}

extern unsigned long shim_vmalloc_fail;	/* fail the next N vmalloc() */

static inline void *vmalloc(unsigned long size)
{
	if (shim_vmalloc_fail) {
		shim_vmalloc_fail--;
		return NULL;
	}
	if (!size)
		return NULL;
	return aligned_alloc(PAGE_SIZE, (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
}

static inline void vfree(const void *p)
{
	free((void *)p);
}

/* Identity "direct map": a frame's PA is its user-space address. */
static inline unsigned long vmalloc_to_pfn(const void *addr)
{
	return (unsigned long)(uintptr_t)addr >> PAGE_SHIFT;
}

static inline void *phys_to_virt(phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

/* ---- lib ---- */
static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

typedef int (*cmp_func_t)(const void *a, const void *b);
typedef void (*swap_func_t)(void *a, void *b, int size);

static inline void sort(void *base, size_t num, size_t size, cmp_func_t cmp,
			swap_func_t swap)
{
	(void)swap;
	qsort(base, num, size, cmp);
}

#endif /* _SHIM_KERNEL_H */
