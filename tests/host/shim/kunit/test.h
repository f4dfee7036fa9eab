/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A user-space KUnit for the host tests: the KUnit suites of kunit/ are
 * compiled unchanged in tests/host (one source, two builds, the way
 * tools/testing/radix-tree compiles lib/test_xarray.c), with this header
 * standing in for <kunit/test.h>:
 *
 *  - KUNIT_EXPECT_* print the failed comparison and mark the case failed;
 *    KUNIT_ASSERT_* also end the case (longjmp back to the runner), whose
 *    suite exit hook still runs, as in KUnit;
 *  - kunit_kzalloc()/kunit_kcalloc() memory is freed after the case;
 *  - kunit_skip() ends the case as "ok N - name # SKIP reason";
 *  - kunit_test_suite(suite) defines main(): every case runs in order and
 *    prints one TAP line "ok N - name" / "not ok N - name". Around each
 *    case the runner also checks, not trusts, that nothing WARNed that
 *    the case did not expect (shim_warn_count) and that the deferred
 *    releases drained (rcu_barrier()).
 *
 * Environment-specific lines of a case sit under #ifdef __KERNEL__ (only
 * the kernel has IPIs, real PFNs, the kernel's own page-table macros) or
 * #ifndef __KERNEL__ (only the shim can make vmalloc fail or count RCU
 * callbacks); a case that makes sense in one place only skips elsewhere.
 */
#ifndef _SHIM_KUNIT_TEST_H
#define _SHIM_KUNIT_TEST_H

#include <setjmp.h>

#include "../shim_kernel.h"

struct kunit_resource_mem {
	struct kunit_resource_mem *next;
	char data[] __attribute__((aligned(16)));
};

struct kunit {
	void *priv;
	const char *name;
	bool failed;
	bool skipped;
	char skip_reason[128];
	jmp_buf abort;
	struct kunit_resource_mem *mem;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
};

struct kunit_suite {
	const char *name;
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

#ifndef cond_resched
#define cond_resched()	do { } while (0)
#endif

/* lib/string.c: the suites use it; the kernel shim does not have it. */
static inline void *memchr_inv(const void *start, int c, size_t bytes)
{
	const unsigned char *p = start;

	for (; bytes; p++, bytes--)
		if (*p != (unsigned char)c)
			return (void *)p;
	return NULL;
}

#define KUNIT_CASE(fn)		{ .run_case = fn, .name = #fn }
#define KUNIT_CASE_SLOW(fn)	KUNIT_CASE(fn)

static inline void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	struct kunit_resource_mem *r = calloc(1, sizeof(*r) + size);

	(void)gfp;
	if (!r)
		return NULL;
	r->next = test->mem;
	test->mem = r;
	return r->data;
}

static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size,
				  gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kunit_kzalloc(test, n * size, gfp);
}

#define kunit_info(test, fmt, ...)					\
	fprintf(stderr, "    # %s: " fmt, (test)->name, ##__VA_ARGS__)

#define kunit_skip(test, fmt, ...)					\
	do {								\
		(test)->skipped = true;					\
		snprintf((test)->skip_reason,				\
			 sizeof((test)->skip_reason), fmt,		\
			 ##__VA_ARGS__);				\
		longjmp((test)->abort, 1);				\
	} while (0)

static inline void kunit_shim_fail(struct kunit *test, bool assert,
				   const char *file, int line,
				   const char *what)
{
	fprintf(stderr, "    # %s: %s:%d: %s\n", test->name, file, line, what);
	test->failed = true;
	if (assert)
		longjmp(test->abort, 1);
}

/* Compare as (long long), like KUnit's integer assertions print them. */
#define KUNIT_SHIM_BINARY(test, assert, a, op, b, fmt, ...)		\
	do {								\
		long long __a = (long long)(a), __b = (long long)(b);	\
		if (!(__a op __b)) {					\
			char __w[384];					\
			int __n = snprintf(__w, sizeof(__w),		\
				"expected %s %s %s, but %s == %lld (%#llx), %s == %lld (%#llx)", \
				#a, #op, #b, #a, __a,			\
				(unsigned long long)__a, #b, __b,	\
				(unsigned long long)__b);		\
			snprintf(__w + __n, sizeof(__w) - __n,		\
				 fmt, ##__VA_ARGS__);			\
			kunit_shim_fail(test, assert, __FILE__, __LINE__, __w); \
		}							\
	} while (0)

#define KUNIT_SHIM_PTR(test, assert, a, op, b)				\
	do {								\
		const void *__a = (a), *__b = (b);			\
		if (!(__a op __b)) {					\
			char __w[256];					\
			snprintf(__w, sizeof(__w),			\
				 "expected %s %s %s, but %p, %p",	\
				 #a, #op, #b, __a, __b);		\
			kunit_shim_fail(test, assert, __FILE__, __LINE__, __w); \
		}							\
	} while (0)

#define KUNIT_SHIM_BOOL(test, assert, cond, want)			\
	do {								\
		bool __c = (cond);					\
		if (__c != (want))					\
			kunit_shim_fail(test, assert, __FILE__, __LINE__, \
					"expected " #cond " to be " #want); \
	} while (0)

#define KUNIT_EXPECT_EQ(t, a, b)	KUNIT_SHIM_BINARY(t, false, a, ==, b, "%s", "")
#define KUNIT_EXPECT_NE(t, a, b)	KUNIT_SHIM_BINARY(t, false, a, !=, b, "%s", "")
#define KUNIT_EXPECT_LT(t, a, b)	KUNIT_SHIM_BINARY(t, false, a, <, b, "%s", "")
#define KUNIT_EXPECT_LE(t, a, b)	KUNIT_SHIM_BINARY(t, false, a, <=, b, "%s", "")
#define KUNIT_EXPECT_GT(t, a, b)	KUNIT_SHIM_BINARY(t, false, a, >, b, "%s", "")
#define KUNIT_EXPECT_GE(t, a, b)	KUNIT_SHIM_BINARY(t, false, a, >=, b, "%s", "")
#define KUNIT_EXPECT_EQ_MSG(t, a, b, fmt, ...)				\
	KUNIT_SHIM_BINARY(t, false, a, ==, b, ": " fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GT_MSG(t, a, b, fmt, ...)				\
	KUNIT_SHIM_BINARY(t, false, a, >, b, ": " fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_TRUE(t, c)		KUNIT_SHIM_BOOL(t, false, c, true)
#define KUNIT_EXPECT_FALSE(t, c)	KUNIT_SHIM_BOOL(t, false, c, false)
#define KUNIT_EXPECT_NULL(t, p)		KUNIT_SHIM_PTR(t, false, p, ==, NULL)
#define KUNIT_EXPECT_NOT_NULL(t, p)	KUNIT_SHIM_PTR(t, false, p, !=, NULL)
#define KUNIT_EXPECT_PTR_EQ(t, a, b)	KUNIT_SHIM_PTR(t, false, a, ==, b)
#define KUNIT_EXPECT_PTR_NE(t, a, b)	KUNIT_SHIM_PTR(t, false, a, !=, b)

#define KUNIT_ASSERT_EQ(t, a, b)	KUNIT_SHIM_BINARY(t, true, a, ==, b, "%s", "")
#define KUNIT_ASSERT_NE(t, a, b)	KUNIT_SHIM_BINARY(t, true, a, !=, b, "%s", "")
#define KUNIT_ASSERT_GE(t, a, b)	KUNIT_SHIM_BINARY(t, true, a, >=, b, "%s", "")
#define KUNIT_ASSERT_TRUE(t, c)		KUNIT_SHIM_BOOL(t, true, c, true)
#define KUNIT_ASSERT_FALSE(t, c)	KUNIT_SHIM_BOOL(t, true, c, false)
#define KUNIT_ASSERT_NULL(t, p)		KUNIT_SHIM_PTR(t, true, p, ==, NULL)
#define KUNIT_ASSERT_NOT_NULL(t, p)	KUNIT_SHIM_PTR(t, true, p, !=, NULL)
#define KUNIT_ASSERT_PTR_EQ(t, a, b)	KUNIT_SHIM_PTR(t, true, a, ==, b)

extern unsigned long shim_warn_count;
void rcu_barrier(void);

static inline void kunit_shim_free(struct kunit *test)
{
	struct kunit_resource_mem *r;

	while ((r = test->mem)) {
		test->mem = r->next;
		free(r);
	}
}

/* Run one case: init, body, exit (also after an assertion failed). */
static inline bool kunit_shim_case(struct kunit_suite *s,
				   struct kunit_case *c, int n)
{
	static struct kunit test;
	unsigned long warns;

	memset(&test, 0, sizeof(test));
	test.name = c->name;
	rcu_barrier();
	warns = shim_warn_count;
	if (s->init && s->init(&test)) {
		kunit_shim_fail(&test, false, __FILE__, __LINE__, "init failed");
	} else {
		if (!setjmp(test.abort))
			c->run_case(&test);
		if (s->exit)
			s->exit(&test);
	}
	rcu_barrier();
	if (shim_warn_count != warns) {
		fprintf(stderr, "    # %s: %lu unexpected WARNs\n", c->name,
			shim_warn_count - warns);
		test.failed = true;
	}
	kunit_shim_free(&test);
	if (test.skipped && !test.failed)
		printf("ok %d - %s # SKIP %s\n", n, c->name, test.skip_reason);
	else
		printf("%sok %d - %s\n", test.failed ? "not " : "", n, c->name);
	fflush(stdout);
	return !test.failed;
}

static inline int kunit_shim_run(struct kunit_suite *s)
{
	int n = 0, i, failed = 0;

	while (s->test_cases[n].run_case)
		n++;
	printf("# Subtest: %s\n1..%d\n", s->name, n);
	for (i = 0; i < n; i++)
		failed += !kunit_shim_case(s, &s->test_cases[i], i + 1);
	return failed ? 1 : 0;
}

#define kunit_test_suite(suite)						\
	int main(void)							\
	{								\
		return kunit_shim_run(&(suite));			\
	}

#endif /* _SHIM_KUNIT_TEST_H */
