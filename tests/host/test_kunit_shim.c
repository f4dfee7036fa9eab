// SPDX-License-Identifier: GPL-2.0
/*
 * The checker of the checker (ARCHITECTURE.md T3): a suite whose cases
 * must fail under the user-space KUnit of shim/kunit/test.h. make check
 * expects "not ok" for the first three cases (a failed EXPECT, a failed
 * ASSERT that ends the case, and a failure in the exit hook), "ok ... #
 * SKIP" for the fourth, and a non-zero exit status.
 */
#include "shim/shim_kernel.h"
#include <kunit/test.h>

static bool exit_fails;

static void expect_fails(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1 + 1, 3);
}

static void assert_ends_case(struct kunit *test)
{
	KUNIT_ASSERT_TRUE(test, false);
	fprintf(stderr, "not reached\n");
	exit(2);
}

static void exit_hook_fails(struct kunit *test)
{
	exit_fails = true;
}

static void skips(struct kunit *test)
{
	kunit_skip(test, "on purpose");
}

static void shim_exit(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, exit_fails);
	exit_fails = false;
}

static struct kunit_case shim_cases[] = {
	KUNIT_CASE(expect_fails),
	KUNIT_CASE(assert_ends_case),
	KUNIT_CASE(exit_hook_fails),
	KUNIT_CASE(skips),
	{}
};

static struct kunit_suite shim_suite = {
	.name = "kunit_shim_selftest",
	.exit = shim_exit,
	.test_cases = shim_cases,
};

kunit_test_suite(shim_suite);
