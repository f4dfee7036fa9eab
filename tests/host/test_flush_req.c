// SPDX-License-Identifier: GPL-2.0
/*
 * Host build of the KUnit suite tlbflush_flush_req (kunit/flush_req_test.c):
 * the same source, compiled with the shim (shim/kunit/test.h maps KUnit
 * onto TAP) under ASan and UBSan.
 */
#include "shim/shim_kernel.h"
#include "tlbflush/arch.h"
#include "../../kunit/flush_req_test.c"
