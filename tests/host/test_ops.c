// SPDX-License-Identifier: GPL-2.0
/*
 * Host build of the KUnit suite tlbflush_ops (kunit/ops_test.c): the same
 * source, compiled with the shim (shim/kunit/test.h maps KUnit onto TAP)
 * under ASan and UBSan.
 */
#include "shim/shim_kernel.h"
#include "../../kunit/ops_test.c"
