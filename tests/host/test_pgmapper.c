// SPDX-License-Identifier: GPL-2.0
/*
 * Host build of the KUnit suite tlbflush_pgmapper (kunit/pgmapper_test.c):
 * the same source, compiled with the shim (shim/kunit/test.h maps KUnit
 * onto TAP) under ASan and UBSan, against the reference model of
 * tests/common/mapper_model.h.
 */
#include "shim/shim_kernel.h"
#include "tlbflush/arch.h"
#include "../../kunit/pgmapper_test.c"
